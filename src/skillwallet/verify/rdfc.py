"""RDFC-1.0 (URDNA2015) canonicalisation with a bound on the work it may do.

RDF Dataset Canonicalization (W3C Recommendation, 2024), §Security Considerations, "Dataset Poisoning":
an attacker can build datasets "known to take large amounts of computing time to canonicalize", and
implementations "are expected to add mitigations that will, by default, abort canonicalizing problematic
inputs", suggesting "a configurable limit on the number of iterations of steps performed in the
algorithm, particularly recursive steps". Eight blank nodes all linked to each other (2 KB of JSON-LD)
keep pyld's canonicaliser busy for more than ten minutes: every node has the same first-degree hash,
so the Hash N-Degree Quads algorithm (§4.8) recurses through every permutation of every path.

:class:`BoundedURDNA2015` is pyld's own canonicaliser (so its output is byte-for-byte pyld's) counting
three things and raising :class:`CanonicalisationTooComplex` when one goes over its limit:

* blank nodes in the dataset (:data:`MAX_BLANK_NODES`), counted before any hashing;
* calls of Hash N-Degree Quads, recursive ones included (:data:`MAX_HASH_N_DEGREE_CALLS`);
* permutations of related blank node lists that §4.8.3 step 5.4 iterates (:data:`MAX_PERMUTATIONS`),
  counted as the copies of the temporary issuer that step 5.4.1 makes for each one.

The limits are deterministic (no clock): the same document gets the same answer on any machine. They are
far above what credentials need. Among the published credentials in ``tests/interop`` the largest
(1EdTech's CLR 2.0 sample, 4.5 KB) has 4 blank nodes and the most blank nodes any has is 6, all with unique
first-degree hashes, so Hash N-Degree Quads never runs; across every signed fixture of the test suite the
most is 9 blank nodes, 2 Hash N-Degree Quads calls and 2 permutations (a CLR whose nested proofs are
blank-node graphs). ``benchmarks/hostile.py`` prints these figures. With these limits the poison graph is
refused in 0.2 second, measured on a two-core machine busy with other work.
"""

from __future__ import annotations

from typing import Any

#: JSON-LD processing before canonicalisation: pyld expands some 10,000 JSON values a second, and merges the
#: values of one property of one node into its node map (JSON-LD 1.1 API §7.2) by comparing each new value
#: with every earlier one: quadratic, so 9,000 values in one array (300 KB of JSON) take 50 seconds, and the
#: same node named by ``@id`` in many places merges its arrays. The JSON parser already refuses nesting
#: deeper than 64 levels (skillwallet.formats._common.MAX_JSON_DEPTH). The largest credential among the
#: test fixtures has 130 JSON values and no array longer than 3.
MAX_JSON_VALUES = 10_000
MAX_ARRAY_VALUES = 1_000
#: Value comparisons the node map would make (about 2 microseconds each in pyld).
MAX_NODE_MAP_COMPARISONS = 250_000
MAX_BLANK_NODES = 10_000
MAX_HASH_N_DEGREE_CALLS = 1_000
MAX_PERMUTATIONS = 5_000


class CanonicalisationTooComplex(Exception):
    """The dataset needs more canonicalisation work than :mod:`skillwallet.verify.rdfc` allows."""


def check_document_size(document: Any) -> None:
    """Raise :class:`CanonicalisationTooComplex` when ``document`` holds more JSON values than
    :data:`MAX_JSON_VALUES` or an array longer than :data:`MAX_ARRAY_VALUES` (iterative: no recursion)."""
    count = 0
    stack = [document]
    while stack:
        value = stack.pop()
        count += 1
        if count > MAX_JSON_VALUES:
            raise CanonicalisationTooComplex(f"more than {MAX_JSON_VALUES:,} JSON values")
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            if len(value) > MAX_ARRAY_VALUES:
                raise CanonicalisationTooComplex(f"an array of more than {MAX_ARRAY_VALUES:,} values")
            stack.extend(value)


def check_node_map_work(expanded: Any) -> None:
    """Raise :class:`CanonicalisationTooComplex` when building the node map of the ``expanded`` document would
    compare more than :data:`MAX_NODE_MAP_COMPARISONS` values.

    Counts the values each (node, property) pair receives, merging node objects that share an ``@id``
    (node objects without one are distinct nodes); adding the n-th value to a property compares it with the
    n - 1 before it. Graph names are ignored, which can only over-count.
    """
    received: dict[tuple[Any, str], int] = {}
    comparisons = 0
    stack = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        if "@value" in value:
            continue
        node = value.get("@id") if isinstance(value.get("@id"), str) else id(value)
        for key, item in value.items():
            if key in ("@id", "@value", "@context"):
                continue
            items = item if isinstance(item, list) else [item]
            if not key.startswith("@") or key == "@type":
                before = received.get((node, key), 0)
                received[(node, key)] = before + len(items)
                # adding values number before+1 .. before+len(items): (before) + ... + (before+len-1) comparisons
                comparisons += len(items) * before + len(items) * (len(items) - 1) // 2
                if comparisons > MAX_NODE_MAP_COMPARISONS:
                    raise CanonicalisationTooComplex(
                        f"more than {MAX_NODE_MAP_COMPARISONS:,} value comparisons to merge the document's nodes"
                    )
            stack.extend(items)


def _bounded_class():
    import copy

    from skillwallet.verify._pyld import IdentifierIssuer, URDNA2015

    class BoundedURDNA2015(URDNA2015):
        """pyld's URDNA2015 with the work counted (module docstring)."""

        def __init__(self) -> None:
            super().__init__()
            self.blank_nodes = 0
            self.hash_n_degree_calls = 0
            self.permutations = 0
            canonicaliser = self

            class CountingIssuer(IdentifierIssuer):
                """A temporary issuer (§4.8.3 step 5.4.1 copies it once per permutation) that counts its copies."""

                def __deepcopy__(self, memo: dict) -> "CountingIssuer":
                    canonicaliser.permutations += 1
                    if canonicaliser.permutations > MAX_PERMUTATIONS:
                        raise CanonicalisationTooComplex(
                            f"more than {MAX_PERMUTATIONS:,} permutations of blank nodes that cannot be told apart"
                        )
                    clone = object.__new__(type(self))
                    clone.__dict__.update({k: copy.deepcopy(v, memo) for k, v in self.__dict__.items()})
                    return clone

            self._counting_issuer = CountingIssuer

        def main(self, dataset: dict[str, Any], options: dict[str, Any]):
            seen: set[str] = set()
            for graph_name, triples in dataset.items():
                if graph_name.startswith("_:"):
                    seen.add(graph_name)
                for triple in triples:
                    for key in ("subject", "object"):
                        component = triple.get(key) or {}
                        if component.get("type") == "blank node":
                            seen.add(component["value"])
                if len(seen) > MAX_BLANK_NODES:
                    raise CanonicalisationTooComplex(f"more than {MAX_BLANK_NODES:,} blank nodes")
            self.blank_nodes = len(seen)
            return super().main(dataset, options)

        def hash_n_degree_quads(self, id_, issuer):  # RDFC-1.0 §4.8, recursive calls included
            self.hash_n_degree_calls += 1
            if self.hash_n_degree_calls > MAX_HASH_N_DEGREE_CALLS:
                raise CanonicalisationTooComplex(
                    f"more than {MAX_HASH_N_DEGREE_CALLS:,} Hash N-Degree Quads steps "
                    "(blank nodes that can only be told apart by exploring every path between them)"
                )
            if type(issuer) is IdentifierIssuer:  # the temporary issuer of §4.4.3 step 5.2.2: count its copies
                issuer.__class__ = self._counting_issuer
            return super().hash_n_degree_quads(id_, issuer)

    return BoundedURDNA2015


_CLASS = None


def bounded_canonicaliser():
    """A fresh bounded RDFC-1.0 canonicaliser: ``.main(dataset, {"format": "application/n-quads"})``."""
    global _CLASS
    if _CLASS is None:
        _CLASS = _bounded_class()
    return _CLASS()
