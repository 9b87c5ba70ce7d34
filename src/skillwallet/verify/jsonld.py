"""JSON-LD for verification: an offline document loader, expansion with undefined-term detection, RDFC-1.0.

Two security properties matter here (``/work/shared/FORMATS.md``, "JSON-LD pitfalls"):

* contexts come only from the shipped copies (:mod:`skillwallet.verify.contexts`); an unknown URL is
  "cannot verify offline", never a network fetch;
* JSON-LD expansion silently drops properties the active context does not define, so those properties are
  not covered by an RDF-canonicalised signature. pyld has no "safe mode" (jsonld.js does), so
  :func:`canonicalize` records every dropped property (pyld's ``on_property_dropped`` hook) and every
  relative IRI left in ``@id``/``@type`` (which RDF serialisation drops just as silently), and reports them.

pyld re-processes a context on every call unless given a resolver with a cache; one process-wide cache of
processed contexts (keyed by URL, filled only from the shipped copies) makes a warm verification several
times faster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from skillwallet.verify.contexts import UnknownContextError, context_bytes

#: Processed-context cache size: the shipped set is ~25 contexts; scoped contexts add a few entries each.
_RESOLVED_CONTEXT_CACHE_SIZE = 512

_resolved_contexts = None  # a cachetools.LRUCache, created on first use (pyld imports it)


class JsonLdError(Exception):
    """The document is not JSON-LD that can be processed (bad context, protected term redefined, ...)."""

    def __init__(self, message: str, *, unknown_context: str | None = None) -> None:
        super().__init__(message)
        self.unknown_context = unknown_context


@dataclass
class Canonicalised:
    """The RDFC-1.0 canonical N-Quads of a document, with what expansion would have lost."""

    nquads: str
    dropped_terms: list[str] = field(default_factory=list)  # properties not defined by the context
    relative_iris: list[str] = field(default_factory=list)  # @id/@type values that are not absolute IRIs

    @property
    def lossless(self) -> bool:
        return not self.dropped_terms and not self.relative_iris


def offline_document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only the shipped contexts; never the network.

    Returns a fresh parse each time: pyld caches processed contexts itself (see :func:`_context_resolver`),
    so this runs once per context URL per process.
    """
    document = json.loads(context_bytes(url))  # raises UnknownContextError
    _register_shipped(document)
    # tag "static": pyld keeps a resolved context in the shared cache only under a tag, and reads back
    # only "static" ones; the shipped copies never change within a process.
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


#: Every dict and list inside a loaded shipped context, by identity (and kept alive, so identities are never
#: reused). Only these, never objects from a document being verified, are memoised by identity: a caller may
#: mutate its own document between two verifications, but nobody mutates the shipped contexts.
_shipped_objects: dict[int, Any] = {}


def _register_shipped(node: Any) -> None:
    if isinstance(node, (dict, list)):
        _shipped_objects[id(node)] = node
        for child in node.values() if isinstance(node, dict) else node:
            _register_shipped(child)


_processed_contexts = None  # (active context uuid, local context identity, flags) -> (local context, new active context)
_PROCESSED_CONTEXT_CACHE_SIZE = 4096
_processor_class = None


def _processor(**kwargs):
    """A pyld processor that memoises context processing across calls.

    pyld caches a processed context per (resolved context, active context uuid), but a type-scoped context
    (OB 3.0 and VC 2.0 scope most terms to types) is processed against a fresh clone with a fresh uuid at
    every typed node, so each verification re-creates hundreds of term definitions. The memo keys on the
    active context's uuid and the local context: a context URL by value, a scoped context from a shipped
    document by identity (see ``_shipped_objects``); inline contexts of the document itself are never
    memoised. Processed active contexts are never mutated by pyld afterwards except to receive their uuid.
    """
    global _processor_class, _processed_contexts
    if _processor_class is None:
        from cachetools import LRUCache
        from pyld import jsonld

        _processed_contexts = LRUCache(maxsize=_PROCESSED_CONTEXT_CACHE_SIZE)

        class MemoisingProcessor(jsonld.JsonLdProcessor):
            def _process_context(
                self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                validate_scoped=True, cycles=None,
            ):
                uid = active_ctx.get("_uuid") if hasattr(active_ctx, "get") else None
                if isinstance(local_ctx, str):
                    identity: Any = ("url", local_ctx)
                elif _shipped_objects.get(id(local_ctx)) is local_ctx:
                    identity = ("shipped", id(local_ctx))
                else:
                    identity = None  # the document's own inline context: processed afresh every time
                if uid is None or cycles or identity is None:
                    return super()._process_context(
                        active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
                    )
                key = (uid, identity, override_protected, propagate, validate_scoped)
                hit = _processed_contexts.get(key)
                if hit is not None:
                    return hit[1]
                result = super()._process_context(
                    active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
                )
                if hasattr(result, "__setitem__") and "_uuid" not in result:
                    import uuid

                    result["_uuid"] = str(uuid.uuid4())  # so contexts processed on top of it are memoised too
                _processed_contexts[key] = (local_ctx, result)
                return result

        _processor_class = MemoisingProcessor
    return _processor_class(**kwargs)


def _context_resolver():
    global _resolved_contexts
    from cachetools import LRUCache
    from pyld.context_resolver import ContextResolver

    if _resolved_contexts is None:
        _resolved_contexts = LRUCache(maxsize=_RESOLVED_CONTEXT_CACHE_SIZE)
    return ContextResolver(_resolved_contexts, offline_document_loader)


def _unknown_context_in(exc: BaseException) -> str | None:
    """The unknown context URL at the root of a pyld error, if that is what it was."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, UnknownContextError):
            return current.url
        details = getattr(current, "details", None)
        if isinstance(details, dict):
            cause = details.get("cause")
            if isinstance(cause, UnknownContextError):
                return cause.url
            if isinstance(cause, BaseException):
                current = cause
                seen += 1
                continue
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _unknown_cause(exc: BaseException) -> UnknownContextError | None:
    current: BaseException | None = exc
    for _ in range(20):
        if current is None:
            return None
        if isinstance(current, UnknownContextError):
            return current
        details = getattr(current, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)
    return None


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc).split("\n", 1)[0]
    code = getattr(exc, "code", None)
    return f"{message} ({code})" if code else message


def _is_absolute_iri(value: str) -> bool:
    # RFC 3987: a scheme followed by ':'; blank node identifiers are fine too.
    if value.startswith("_:"):
        return True
    scheme, sep, _ = value.partition(":")
    return bool(sep) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _find_relative_iris(node: Any, found: list[str], limit: int = 20) -> None:
    """Walk an expanded document for ``@id``/``@type`` values that RDF serialisation would silently drop."""
    if len(found) >= limit:
        return
    if isinstance(node, list):
        for item in node:
            _find_relative_iris(item, found, limit)
        return
    if not isinstance(node, dict):
        return
    is_value = "@value" in node
    for key, value in node.items():
        if key == "@id" and isinstance(value, str) and not _is_absolute_iri(value):
            found.append(value)
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str) and t != "@json" and not _is_absolute_iri(t):
                    found.append(t)
        elif key == "@value" or (is_value and key in ("@language", "@direction")):
            continue
        else:
            _find_relative_iris(value, found, limit)


def expand(document: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """Expand ``document`` with the shipped contexts; return the expanded form and the dropped properties."""
    from pyld import jsonld

    dropped: list[str] = []

    def on_dropped(expanded_property: Any) -> None:
        dropped.append(str(expanded_property))

    processor = _processor(on_property_dropped=on_dropped)
    options = {
        "documentLoader": offline_document_loader,
        "contextResolver": _context_resolver(),
        "base": None,
    }
    try:
        expanded = processor.expand(document, options)
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, plain TypeError/ValueError
        unknown = _unknown_context_in(exc)
        if unknown:
            cause = _unknown_cause(exc)
            message = str(cause) if cause is not None else f"JSON-LD context not available offline: {unknown}"
            raise JsonLdError(message, unknown_context=unknown) from exc
        raise JsonLdError(f"JSON-LD processing failed: {_describe(exc)}") from exc
    return expanded, sorted(set(dropped))


def _expanded_to_rdf(processor, expanded: list[Any]) -> dict[str, Any]:
    """The RDF dataset of an already expanded document: JSON-LD 1.1 API §8.1 "Deserialize JSON-LD to RDF",
    without pyld's ``to_rdf`` expanding the expanded form a second time (a third of the cost)."""
    from pyld import jsonld

    create_node_map = getattr(processor, "_create_node_map", None)
    graph_to_rdf = getattr(processor, "_graph_to_rdf", None)
    if create_node_map is None or graph_to_rdf is None:  # another pyld: take the public road
        return processor.to_rdf(
            expanded,
            {"documentLoader": offline_document_loader, "contextResolver": _context_resolver(), "base": None},
        )
    issuer = jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "rdfDirection": None, "processingMode": "json-ld-1.1"}
    dataset = {}
    for graph_name, graph in sorted(node_map.items()):
        # graphs named by relative IRIs are skipped by the spec; _find_relative_iris has reported them
        if graph_name == "@default" or jsonld._is_absolute_iri(graph_name):
            dataset[graph_name] = graph_to_rdf(graph, issuer, options)
    return dataset


def canonicalize(document: dict[str, Any]) -> Canonicalised:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, plus every term expansion dropped.

    Raises :class:`JsonLdError` when the document cannot be processed (with ``unknown_context`` set when
    the cause is a context that is not shipped), and :class:`~skillwallet.verify.rdfc.CanonicalisationTooComplex`
    when canonicalising would take more work than any credential needs.
    """
    from skillwallet.verify import rdfc
    from skillwallet.verify.rdfc import CanonicalisationTooComplex

    rdfc.check_document_size(document)  # expansion is slow and the node map quadratic in these sizes
    expanded, dropped = expand(document)
    rdfc.check_node_map_work(expanded)
    relative: list[str] = []
    _find_relative_iris(expanded, relative)
    processor = _processor()
    try:
        dataset = _expanded_to_rdf(processor, expanded)
        # pyld's URDNA2015 with its work bounded (RDFC-1.0 §Security Considerations, "Dataset Poisoning")
        nquads = rdfc.bounded_canonicaliser().main(dataset, {"format": "application/n-quads"})
    except CanonicalisationTooComplex:
        raise
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:
        raise JsonLdError(f"RDF canonicalisation failed: {_describe(exc)}") from exc
    return Canonicalised(nquads=nquads, dropped_terms=dropped, relative_iris=sorted(set(relative)))
