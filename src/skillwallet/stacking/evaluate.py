"""Evaluate a pathway against held credentials: which requirements are met, by what, and what is missing.

Pure: credentials (with verdicts) and a pathway in, a :class:`PathwayEvaluation` out. No I/O and no clock: the
evaluation date ``as_of`` is a parameter (``--as-of``).

How: credentials are indexed once (:class:`CredentialIndex`: by normalised skill, achievement id, type, name,
issuer and tag), so each leaf finds its candidates without scanning the wallet. Then the best *assignment* of
credentials to the leaves is searched exactly (depth-first branch and bound): one credential counts toward one
requirement unless the pathway allows double counting, and a greedy pick is wrong whenever a credential could
serve two requirements (PATHWAYS.md, "What an evaluation returns"). Credentials that are interchangeable for the
pathway (same leaves, same quality) are tried once, which keeps the search small. For each assignment of the
leaves, the aggregates that lock what they count (count / sum / experience without double counting) share the
credentials left over exactly too: a second branch and bound decides which aggregate each contested credential
goes to (two credit sums over the same courses). A mean reads grades and locks nothing.

The assignment maximises, in order: the root met, the root's progress, the fewest warnings of the
single-credential requirements (unverified, self-attested, counted twice) — exactly — and then, as a tie-break
among the assignments found, the fewest credentials used. Every search has a work budget (nodes and seconds);
past it the best assignment found is the answer, and the evaluation says it is not proven optimal.

Where: the indexing is stacking/credential_index.py; the requirement kinds are stacking/leaves.py (one
credential meets it) and stacking/aggregates.py (counts, sums, means, experience), combined by
stacking/tree.py; the assignment search is stacking/search.py; the explained result is stacking/explanation.py
(its types in stacking/results.py); calendar months are stacking/dates.py. This module puts them together in
:class:`PathwayEvaluator` and keeps the names the rest of the code imports from it.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Iterable, Sequence

from skillwallet.skills.taxonomy import Taxonomy
from skillwallet.stacking.aggregates import AggregateRequirements
from skillwallet.stacking.credential_index import BUILTIN, CredentialIndex, Prepared
from skillwallet.stacking.explanation import MISSING_NAMES, Explanation
from skillwallet.stacking.held import Held, HeldCredential
from skillwallet.stacking.leaves import Leaf, LeafRequirements
from skillwallet.stacking.model import AGGREGATES, Match, Pathway
from skillwallet.stacking.results import EXPIRED, MET, PARTIAL, UNMET, NodeResult, PathwayEvaluation
from skillwallet.stacking.search import AssignmentSearch
from skillwallet.stacking.tree import RequirementTree

__all__ = [
    "AGGREGATES", "BUILTIN", "EXPIRED", "MET", "MISSING_NAMES", "PARTIAL", "RANK_SECONDS",
    "SEARCH_NODE_BUDGET", "SEARCH_SECONDS", "UNMET", "CredentialIndex", "Held", "HeldCredential", "Leaf",
    "NodeResult", "PathwayEvaluation", "PathwayEvaluator", "Prepared", "evaluate_pathway", "rank_pathways",
]

SEARCH_NODE_BUDGET = 50_000  # search nodes per evaluation before it answers its best found, not proven optimal
RANK_SECONDS = 5.0  # every search of one ranking (`stack` without --goal) together
SEARCH_SECONDS = 0.6  # and seconds (a pathway's combinatorics may make each node slow)


class PathwayEvaluator(LeafRequirements, AggregateRequirements, RequirementTree, AssignmentSearch,
                       Explanation):
    """Evaluates one pathway against a :class:`CredentialIndex`; reusable with different enabled subsets
    (the optimiser switches offerings' hypothetical credentials on and off)."""

    def __init__(self, pathway: Pathway, index: CredentialIndex, *, trusted_issuers: Iterable[str] = (),
                 node_budget: int = SEARCH_NODE_BUDGET, time_limit: float | None = SEARCH_SECONDS) -> None:
        # the search's work budget: nodes and seconds per search; past it the best assignment found is answered
        # and the evaluation says it is not proven optimal. ``deadline`` (a time.monotonic() value) caps every
        # search of this evaluator (the optimiser sets one for the whole plan)
        self.node_budget = node_budget
        self.time_limit = time_limit
        self.deadline: float | None = None
        self.last_exhaustive = True
        self.last_owner: dict[int, str | None] | None = None
        self._nodes = 0
        self._exhausted = False
        self._done = False
        self._stop_at: float | None = None
        self.pathway = pathway
        self.index = index
        self.policy = pathway.policy
        self.trusted = {t.casefold() for t in (*pathway.policy.trusted_issuers, *trusted_issuers)}
        self.nodes = pathway.requirements
        self.order = self._post_order()
        self.under_not = self._nodes_under_not()
        self.leaves: list[Leaf] = []
        self.leaf_of_node: dict[str, Leaf] = {}
        self.shortcut_of: dict[str, list[Leaf]] = {}
        self.unusable: dict[str, tuple[int, ...]] = {}
        self.aggregate_pool: dict[str, tuple[int, ...]] = {}
        self.transfer_credit: dict[str, list[tuple[frozenset[int], float, float | None, str]]] = {}
        self._optimistic_cache: dict[str, tuple] = {}
        self._cache_for: Any = None
        self.experience_why: dict[str, dict[int, str]] = {}  # experience node -> entry -> why it is relevant
        self.irrelevant: dict[str, list[int]] = {}  # experience node -> entries that are not relevant to it
        self.aggregate_rule: dict[str, str] = {}
        self._pool_cache: dict[str, list[tuple[float, int]]] = {}
        self.within_shortcut: set[tuple[str, int]] = set()  # (leaf, credential) shown within a met shortcut
        self.unit_notes: dict[str, str] = {}  # credit sum -> what its units left out or mixed
        self._compile()


    # -- compilation -------------------------------------------------------------------------------------
    def _compile(self) -> None:
        grants: dict[str, list[tuple[Match, str]]] = {}
        for rule in self.pathway.transfers:
            label = rule.label or f"credit transfer ({rule.match.describe()})"
            if rule.grants:
                grants.setdefault(rule.grants, []).append((rule.match, label))
            else:
                usable, _ = self.index.candidates(rule.match)
                self.transfer_credit.setdefault(rule.into, []).append(
                    (frozenset(self._allowed(usable, rule.match)), float(rule.credits), rule.cap, label))
        for node_id in self.order:
            node = self.nodes[node_id]
            reuse = self.policy.double_counting or node.allow_reuse or node_id in self.under_not
            if node.kind in ("credential", "skill", "manual"):
                self._compile_leaf(node_id, node, reuse, grants.get(node_id, []))
            else:
                self._compile_shortcuts(node_id, node, reuse, grants.get(node_id, []))
                if node.kind in AGGREGATES and not node.children:
                    self._compile_aggregate(node_id, node)
        self.search_leaves = [leaf for leaf in self.leaves if leaf.node_id not in self.under_not]
        # aggregates that lock the credentials they count (no double counting, not under a `not`); a mean only
        # reads grades and never locks
        self.consuming = {node_id for node_id in self.aggregate_pool
                          if self.nodes[node_id].kind in ("count", "sum", "experience")
                          and not (self.policy.double_counting or self.nodes[node_id].allow_reuse
                                   or node_id in self.under_not)}
        # a sum over its children's credit values counts the credits of the credentials its children took: an
        # aggregate below one passes on more than its met / progress
        below_credit_sum: set[str] = set()
        for node_id in self.order:
            node = self.nodes[node_id]
            if node.kind == "sum" and node.children:
                stack = list(node.children)
                while stack:
                    child = stack.pop()
                    if child not in below_credit_sum:
                        below_credit_sum.add(child)
                        stack.extend(self.nodes[child].children)
        self._aggregate_under_credit_sum = bool(below_credit_sum & self.consuming)


def evaluate_pathway(pathway: Pathway, credentials: Sequence[HeldCredential] | CredentialIndex, *, as_of: datetime,
                     taxonomy: Taxonomy | None = None, trusted_issuers: Iterable[str] = (),
                     inference: Any = BUILTIN) -> PathwayEvaluation:
    """Evaluate ``pathway`` against held ``credentials`` on ``as_of``. Pass a :class:`CredentialIndex` to share
    the indexing across many pathways."""
    index = credentials if isinstance(credentials, CredentialIndex) else CredentialIndex(
        credentials, as_of=as_of, taxonomy=taxonomy, inference=inference)
    return PathwayEvaluator(pathway, index, trusted_issuers=trusted_issuers).evaluate()


def rank_pathways(pathways: Iterable[Pathway], credentials: Sequence[HeldCredential] | CredentialIndex, *,
                  as_of: datetime, taxonomy: Taxonomy | None = None,
                  trusted_issuers: Iterable[str] = ()) -> list[PathwayEvaluation]:
    """Evaluate every pathway (sharing one index) and rank them: met first, then by progress."""
    index = credentials if isinstance(credentials, CredentialIndex) else CredentialIndex(
        credentials, as_of=as_of, taxonomy=taxonomy)
    # one work budget for the whole ranking too: many combinatorial pathways must not add up to minutes
    deadline = time.monotonic() + RANK_SECONDS
    evaluations = []
    for p in pathways:
        evaluator = PathwayEvaluator(p, index, trusted_issuers=trusted_issuers)
        evaluator.deadline = deadline
        evaluations.append(evaluator.evaluate())
    evaluations.sort(key=lambda e: (e.status != MET, -e.progress, e.pathway.id))
    return evaluations
