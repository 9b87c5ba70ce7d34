"""The requirements one credential meets: credential, skill and manual steps, and the shortcuts, destination
credentials and credit transfers that meet a whole branch at once. Each becomes a :class:`Leaf` with its
candidates (best first, after the pathway's policy) for the assignment search.

:class:`LeafRequirements` is a part of :class:`~skillwallet.stacking.evaluate.PathwayEvaluator`; it reads the
evaluator's ``index``, ``policy``, ``trusted`` and fills ``leaves``, ``leaf_of_node``, ``shortcut_of`` and
``unusable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from skillwallet.stacking.model import Match, Requirement


@dataclass
class Leaf:
    """A requirement (or a shortcut / transfer into a branch) that one credential satisfies."""

    key: str
    node_id: str
    via: str  # match | shortcut | transfer
    rule: str
    candidates: tuple[int, ...]
    reuse: bool
    transfer_from: dict[int, str] = field(default_factory=dict)  # candidate -> transfer rule label



class LeafRequirements:
    """Compiling the requirements one credential meets into leaves."""

    def _allowed(self, indexes: Iterable[int], match: Match | None) -> tuple[int, ...]:
        """Apply the pathway's policy (self-attested, unverified, trusted issuers) to candidates."""
        indexes = tuple(indexes)
        trusted_only = match is not None and match.trusted_issuer
        if self.policy.count_self_attested and self.policy.count_unverified and not trusted_only:
            return indexes  # nothing to filter (the common case)
        key = (indexes, self.policy.count_self_attested, self.policy.count_unverified,
               frozenset(self.trusted) if trusted_only else None)
        cache = self.index.allowed_cache
        cached = cache.get(key)
        if cached is not None:
            return cached
        out = []
        for i in indexes:
            item = self.index.items[i]
            kinds = {k for k, _ in item.quality_warnings}
            if "self-attested" in kinds and not self.policy.count_self_attested:
                continue
            if kinds & {"unverified", "issuer-key-not-bound"} and not self.policy.count_unverified:
                continue
            if match is not None and match.trusted_issuer and not (item.issuer_keys & self.trusted):
                continue
            out.append(i)
        cache[key] = tuple(out)
        return cache[key]


    def _compile_leaf(self, node_id: str, node: Requirement, reuse: bool,
                      grants: list[tuple[Match, str]]) -> None:
        """A credential, skill or manual requirement: one leaf, its candidates in preference order (a manual
        step is met by a self-attested entry tagged with its step or titled with its label; ``grants`` are the
        credit transfer rules that count a credential toward it)."""
        match = node.match
        usable_all: list[int] = []
        unusable_all: list[int] = []
        matches = [match] if not match.is_empty() else []
        if node.kind == "manual":
            matches.append(Match(tags=frozenset({(node.step or f"step:{node_id}").casefold()})))
            matches.append(Match(names=frozenset({node.label.casefold()}), types=frozenset()))
        single: tuple[int, ...] | None = None
        for m in matches:
            usable, unusable = self.index.candidates(m)
            single = self._allowed(usable, m)
            usable_all.extend(single)
            unusable_all.extend(unusable)
        transfer_from: dict[int, str] = {}
        for m, label in grants:
            usable, _ = self.index.candidates(m)
            for i in self._allowed(usable, m):
                transfer_from.setdefault(i, label)
                usable_all.append(i)
        if len(matches) == 1 and not transfer_from:
            candidates = single  # the shared, cached tuple: already in preference order
        else:
            candidates = tuple(sorted(dict.fromkeys(usable_all), key=self.index._preference))
        leaf = Leaf(key=node_id, node_id=node_id, via="match", rule=self._rule_text(node),
                    candidates=candidates, reuse=reuse, transfer_from=transfer_from)
        self.leaf_of_node[node_id] = leaf
        self.leaves.append(leaf)
        self.unusable[node_id] = tuple(dict.fromkeys(unusable_all))

    def _compile_shortcuts(self, node_id: str, node: Requirement, reuse: bool,
                           grants: list[tuple[Match, str]]) -> None:
        """The leaves that meet a whole branch at once: its shortcut (a milestone credential), the destination
        credential when the pathway's conditions lead to it, and credit transfers granted into it."""
        extra: list[Leaf] = []
        if node.shortcut is not None:
            usable, unusable = self.index.candidates(node.shortcut)
            extra.append(Leaf(key=f"{node_id}#shortcut", node_id=node_id, via="shortcut",
                              rule=f"shortcut: {node.shortcut.describe()}",
                              candidates=self._allowed(usable, node.shortcut), reuse=reuse))
        if node.completes_with is not None and self.policy.conditions == "destination":
            # the publisher meant the conditions as the way to the credential: holding it completes
            usable, _ = self.index.candidates(node.completes_with)
            extra.append(Leaf(key=f"{node_id}#completes", node_id=node_id, via="shortcut",
                              rule=f"holding the credential (policy conditions = \"destination\"): "
                                   f"{node.completes_with.describe()}",
                              candidates=self._allowed(usable, node.completes_with), reuse=reuse))
        for i, (m, label) in enumerate(grants):
            usable, _ = self.index.candidates(m)
            extra.append(Leaf(key=f"{node_id}#transfer{i}", node_id=node_id, via="transfer", rule=label,
                              candidates=self._allowed(usable, m), reuse=reuse))
        if extra:
            self.shortcut_of[node_id] = extra
            self.leaves.extend(extra)

    def _rule_text(self, node: Requirement) -> str:
        if node.kind == "manual":
            return f"manual step: a self-attested entry tagged {node.step or 'step:' + node.id} or titled {node.label!r}"
        return node.match.describe()
