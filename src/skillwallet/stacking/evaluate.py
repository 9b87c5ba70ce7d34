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
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from skillwallet.model import format_datetime, parse_datetime, utc
from skillwallet.skills.taxonomy import Taxonomy
from skillwallet.stacking.credential_index import BUILTIN, CredentialIndex, Prepared
from skillwallet.stacking.dates import months_between
from skillwallet.stacking.held import Held, HeldCredential
from skillwallet.stacking.model import (
    AGGREGATES,
    EXPERIENCE_TYPES,
    OCCUPATION_CODE,
    Match,
    Pathway,
    Requirement,
)
from skillwallet.stacking.results import EXPIRED, MET, PARTIAL, UNMET, NodeResult, PathwayEvaluation
from skillwallet.stacking.units import convert

__all__ = [
    "AGGREGATES", "BUILTIN", "EXPIRED", "MET", "MISSING_NAMES", "PARTIAL", "RANK_SECONDS",
    "SEARCH_NODE_BUDGET", "SEARCH_SECONDS", "UNMET", "CredentialIndex", "Held", "HeldCredential",
    "NodeResult", "PathwayEvaluation", "PathwayEvaluator", "Prepared", "evaluate_pathway", "rank_pathways",
]

SEARCH_NODE_BUDGET = 50_000  # search nodes per evaluation before it answers its best found, not proven optimal
MISSING_NAMES = 10  # requirements named in one "missing" line before "and N more"
RANK_SECONDS = 5.0  # every search of one ranking (`stack` without --goal) together
SEARCH_SECONDS = 0.6  # and seconds (a pathway's combinatorics may make each node slow)


# ---------------------------------------------------------------------------------------------------------
# The evaluator


@dataclass
class _Leaf:
    """A requirement (or a shortcut / transfer into a branch) that one credential satisfies."""

    key: str
    node_id: str
    via: str  # match | shortcut | transfer
    rule: str
    candidates: tuple[int, ...]
    reuse: bool
    transfer_from: dict[int, str] = field(default_factory=dict)  # candidate -> transfer rule label


class PathwayEvaluator:
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
        self.leaves: list[_Leaf] = []
        self.leaf_of_node: dict[str, _Leaf] = {}
        self.shortcut_of: dict[str, list[_Leaf]] = {}
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
    def _post_order(self) -> list[str]:
        """Children before parents, each node once (an explicit stack: validation caps the depth at
        ``MAX_DEPTH``, but a walk need not rely on it)."""
        order: list[str] = []
        seen = {self.pathway.root}
        stack = [(self.pathway.root, iter(self.nodes[self.pathway.root].children))]
        while stack:
            node_id, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(node_id)
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(self.nodes[child].children)))
        return order

    def _nodes_under_not(self) -> set[str]:
        out: set[str] = set()
        for node_id in self.order:
            if self.nodes[node_id].kind == "not":
                stack = list(self.nodes[node_id].children)
                while stack:
                    child = stack.pop()
                    if child not in out:
                        out.add(child)
                        stack.extend(self.nodes[child].children)
        return out

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
                for m, label in grants.get(node_id, []):
                    usable, _ = self.index.candidates(m)
                    for i in self._allowed(usable, m):
                        transfer_from.setdefault(i, label)
                        usable_all.append(i)
                if len(matches) == 1 and not transfer_from:
                    candidates = single  # the shared, cached tuple: already in preference order
                else:
                    candidates = tuple(sorted(dict.fromkeys(usable_all), key=self.index._preference))
                leaf = _Leaf(key=node_id, node_id=node_id, via="match", rule=self._rule_text(node),
                             candidates=candidates, reuse=reuse, transfer_from=transfer_from)
                self.leaf_of_node[node_id] = leaf
                self.leaves.append(leaf)
                self.unusable[node_id] = tuple(dict.fromkeys(unusable_all))
            else:
                extra: list[_Leaf] = []
                if node.shortcut is not None:
                    usable, unusable = self.index.candidates(node.shortcut)
                    extra.append(_Leaf(key=f"{node_id}#shortcut", node_id=node_id, via="shortcut",
                                       rule=f"shortcut: {node.shortcut.describe()}",
                                       candidates=self._allowed(usable, node.shortcut), reuse=reuse))
                if node.completes_with is not None and self.policy.conditions == "destination":
                    # the publisher meant the conditions as the way to the credential: holding it completes
                    usable, _ = self.index.candidates(node.completes_with)
                    extra.append(_Leaf(key=f"{node_id}#completes", node_id=node_id, via="shortcut",
                                       rule=f"holding the credential (policy conditions = \"destination\"): "
                                            f"{node.completes_with.describe()}",
                                       candidates=self._allowed(usable, node.completes_with), reuse=reuse))
                for i, (m, label) in enumerate(grants.get(node_id, [])):
                    usable, _ = self.index.candidates(m)
                    extra.append(_Leaf(key=f"{node_id}#transfer{i}", node_id=node_id, via="transfer", rule=label,
                                       candidates=self._allowed(usable, m), reuse=reuse))
                if extra:
                    self.shortcut_of[node_id] = extra
                    self.leaves.extend(extra)
                if node.kind in AGGREGATES and not node.children:
                    match = node.match
                    if node.kind == "experience":
                        # work-experience entries only (the type, unless the requirement names one); the skills it
                        # names say which entries are relevant, with its occupations (below), not which count
                        match = replace(match, skills=(), alignments=(), min_level=None, min_level_text=None)
                        if not match.types:
                            match = replace(match, types=frozenset(EXPERIENCE_TYPES))
                    usable, unusable = self.index.candidates(match)
                    pool = self._allowed(usable, match)
                    if node.kind == "experience":
                        pool, unusable = self._relevant_experience(node, pool, unusable)
                    self.aggregate_pool[node_id] = pool
                    self.unusable[node_id] = unusable
                    if node.kind == "sum" and node.quantity == "credits":
                        self._unit_note(node, pool)
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

    def _unit_note(self, node: Requirement, pool: tuple[int, ...]) -> None:
        """What a credit sum's units leave out (credits of unknown unit under a unit) or mix (no unit)."""
        index = self.index
        items = index.items
        if node.unit is not None:
            if not index.credits_without_unit:
                return
            in_pool = index.as_set(pool)
            refused = [items[i].title for i in index.credits_without_unit if i in in_pool]
            if refused:
                self.unit_notes[node.id] = (
                    f"not counted (credits of unknown unit; this sum counts {node.unit}): "
                    + ", ".join(refused[:5]) + (f" and {len(refused) - 5} more" if len(refused) > 5 else ""))
        elif len(index.credit_units) > 1:
            units = sorted({items[i].credit_unit for i in pool if items[i].credit_unit})
            if len(units) > 1:
                self.unit_notes[node.id] = (f"adds credits of different units ({', '.join(units)}) as they are: "
                                            "give the requirement a unit to convert them")

    def _relevant_experience(self, node: Requirement, pool: tuple[int, ...], unusable: tuple[int, ...]
                             ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Keep the work-experience entries relevant to the requirement: a year as a barista is not analytics
        experience. When the requirement names occupations (O*NET-SOC codes, ESCO / O*NET URIs, job titles) or
        skills, an entry counts when its title, its skills or its occupation matches one of them; why is
        recorded for the explanation, and the entries left out are named."""
        why: dict[int, str] = {}
        self.experience_why[node.id] = why
        codes = [o.casefold().rstrip("/") for o in node.occupation if OCCUPATION_CODE.match(o)]
        titles = [(o, _title_words(o)) for o in node.occupation if not OCCUPATION_CODE.match(o)]
        skills = [(name, {self.index.skill_id(name)}) for name in node.match.skills]
        skills += [(f"{fw} {code}", {self.index.skill_id(None, fw or None, code)})
                   for fw, code in node.match.alignments]
        if not (codes or titles or skills):
            self.aggregate_rule[node.id] = "any work experience (the requirement names no occupation or skill)"
            return pool, unusable
        wanted = [*(f"{t!r}" for t, _ in titles), *(f"occupation {c}" for c in codes)]
        rule = "work experience as " + " or ".join(wanted) if wanted else "work experience"
        if skills:
            rule += (", or " if wanted else " ") + "using " + " or ".join(name for name, _ in skills)
        self.aggregate_rule[node.id] = rule
        items = self.index.items

        def reason(i: int) -> str | None:
            item = items[i]
            c = item.credential
            own = {t for t in item.tag_keys} | {str(c.extra.get("occupation") or "").casefold().rstrip("/")}
            own |= {(s.code or s.url or "").casefold().rstrip("/") for s in c.skills}
            for code in codes:
                if code in own or f"onet:{code}" in own or f"esco:{code}" in own:
                    return f"occupation {code}"
            words = set()
            for title in (c.title, *c.achievement_aliases):
                words |= _title_words(title or "")
            for title, needed in titles:
                if needed and needed <= words:
                    return f"title {item.title!r} matches {title!r}"
            for name, ids in skills:
                if ids & set(item.skills):
                    return f"skill {name}"
            return None

        kept = []
        for i in pool:
            because = reason(i)
            if because is None:
                self.irrelevant.setdefault(node.id, []).append(i)
            else:
                why[i] = f"relevant experience: {because}"
                kept.append(i)
        return tuple(kept), tuple(i for i in unusable if reason(i) is not None)

    def _rule_text(self, node: Requirement) -> str:
        if node.kind == "manual":
            return f"manual step: a self-attested entry tagged {node.step or 'step:' + node.id} or titled {node.label!r}"
        return node.match.describe()

    # -- the value of one assignment ----------------------------------------------------------------------
    def _value(self, item: Prepared, node: Requirement) -> float:
        if node.kind == "experience":
            if node.min_hours is not None:
                return float(item.credential.hours or 0)
            # the activity's own dates (OB 3.0 activityStartDate / activityEndDate, kept in extra) when given:
            # a job that ended is not an expired credential
            extra = item.credential.extra or {}
            start = parse_datetime(extra.get("activity_start")) or item.credential.valid_from or item.credential.issued
            if start is None:
                return 0.0
            end_date = parse_datetime(extra.get("activity_end"))
            if end_date is not None:
                # an end date is the last day worked: inclusive, so 1 January to 31 December is 12 months
                end = utc(end_date) + timedelta(days=1)
            else:
                end = utc(item.credential.expires) if item.credential.expires else self.index.as_of
            return months_between(utc(start), min(end, self.index.as_of))
        if node.quantity == "hours":
            return float(item.credential.hours or 0)
        if node.unit is not None and item.credential.credits:
            # credits in another unit convert (stacking/units.py); credits of an unknown unit never count here
            if item.credit_unit is None:
                return 0.0
            return convert(item.credential.credits, item.credit_unit, node.unit)
        return float(item.credential.credits or 0)

    def _evaluate(self, assignment: dict[str, int | None], enabled, optimistic: bool, used: set[int],
                  explain: bool = False, owner: dict[int, str | None] | None = None,
                  agg_values: dict[str, tuple] | None = None):
        """Evaluate the tree for an assignment of leaves. Returns (met, progress, taken) (with ``explain``: the
        per-node maps and the aggregates' details).

        With ``optimistic`` unassigned leaves count as met when they have any candidate still free: an upper
        bound for the branch and bound. Otherwise unassigned leaves are unmet and aggregates take leftovers.
        ``owner`` says which consuming aggregate each contested credential goes to (``None``: to none of them);
        a credential it does not name goes to whichever aggregate reaches it first. ``agg_values`` replaces the
        consuming aggregates' (met, progress, picks) outright (the assignment search's fast bound).
        """
        if enabled is not self._cache_for:  # the cached aggregates hold for one set of enabled credentials
            self._optimistic_cache = {}
            self._cache_for = enabled
        met: dict[str, bool] = {}
        progress: dict[str, float] = {}
        taken: dict[str, list[tuple[int, str, str]]] = {}  # node -> [(credential, rule, via)]
        consumed = set(used)
        agg_detail: dict[str, str] = {}
        for node_id in self.order:
            node = self.nodes[node_id]
            kind = node.kind
            ok = False
            prog = 0.0
            leaf = self.leaf_of_node.get(node_id)
            if leaf is not None:
                choice = assignment.get(leaf.key, -1)
                if choice == -1 and (optimistic or node_id in self.under_not):
                    ok = any(enabled(i) and (leaf.reuse or i not in used) for i in leaf.candidates)
                    if node_id in self.under_not:
                        ok = any(enabled(i) for i in leaf.candidates)
                elif choice is not None and choice != -1:
                    ok = True
                    taken[node_id] = [(choice, leaf.transfer_from.get(choice, leaf.rule),
                                       "transfer" if choice in leaf.transfer_from else "match")]
                prog = 1.0 if ok else 0.0
            elif kind in AGGREGATES and not node.children:
                if agg_values is not None and node_id in agg_values:
                    ok, prog, picks = agg_values[node_id]
                    text = ""
                else:
                    fixed = node_id not in self.consuming
                    cached = self._optimistic_cache.get(node_id) if (optimistic or fixed) else None
                    if cached is None:
                        cached = self._aggregate(node, enabled, consumed, optimistic, owner)
                        if optimistic or fixed:
                            # independent of the assignment: an optimistic pool ignores what others consumed,
                            # and a non-consuming aggregate (reuse allowed, a mean) never looks at it
                            self._optimistic_cache[node_id] = cached
                    ok, prog, picks, text = cached
                if picks:
                    taken[node_id] = picks
                agg_detail[node_id] = text
            elif kind == "sum":  # a sum of credit values over children (CTDL creditValue)
                total = 0.0
                for child in node.children:
                    if met[child]:
                        total += self._credit_value(child, taken)
                ok = total >= node.minimum
                prog = min(1.0, total / node.minimum)
                agg_detail[node_id] = f"{total:g} of {node.minimum:g} {node.quantity}"
            elif kind == "all":
                ok = all(met[c] for c in node.children)
                prog = sum(progress[c] for c in node.children) / len(node.children)
            elif kind == "any":
                ok = any(met[c] for c in node.children)
                prog = max(progress[c] for c in node.children)
            elif kind == "at_least":
                count = sum(1 for c in node.children if met[c])
                ok = count >= node.n
                best = sorted((progress[c] for c in node.children), reverse=True)[: node.n]
                prog = sum(best) / node.n
                if node.at_most is not None and count > node.at_most:
                    # at most N children count: the credentials of the surplus ones are not counted here
                    surplus = [c for c in node.children if met[c] and c in self.leaf_of_node][node.at_most:]
                    for c in surplus:
                        taken.pop(c, None)
            elif kind == "not":
                ok = not met[node.children[0]]
                prog = 1.0 if ok else 0.0
            # a shortcut or a transferred credential satisfies the whole branch
            for extra in self.shortcut_of.get(node_id, ()):
                choice = assignment.get(extra.key, -1)
                hit = False
                if choice == -1 and optimistic:
                    hit = any(enabled(i) and (extra.reuse or i not in used) for i in extra.candidates)
                elif choice not in (None, -1):
                    hit = True
                    taken.setdefault(node_id, []).append((choice, extra.rule, extra.via))
                if hit:
                    ok, prog = True, 1.0
            met[node_id] = ok
            progress[node_id] = prog
        root = self.pathway.root
        if not explain:
            return met[root], progress[root], taken
        return met, progress, taken, agg_detail

    def _credit_value(self, node_id: str, taken: dict[str, list[tuple[int, str, str]]]) -> float:
        node = self.nodes[node_id]
        if node.credits is not None:
            return float(node.credits)
        total = 0.0
        for i, _, _ in taken.get(node_id, ()):
            total += float(self.index.items[i].credential.credits or 0)
        for child in node.children:
            total += self._credit_value(child, taken)
        return total

    def _sorted_pool(self, node: Requirement) -> list[tuple[float, int]]:
        """The aggregate's candidates, best first, computed once: (value, credential) by value, then quality."""
        key = (node.match, node.kind, node.quantity, node.unit, node.min_hours is not None, self.policy.count_self_attested,
               self.policy.count_unverified, frozenset(self.trusted) if node.match.trusted_issuer else None)
        cached = self._pool_cache.get(node.id)
        if cached is None and node.kind != "experience":  # experience values depend on nothing else either,
            cached = self.index.pool_cache.get(key)     # but its default match is per node: keep it local
            if cached is not None:
                self._pool_cache[node.id] = cached
        if cached is None:
            items = self.index.items
            pool = self.aggregate_pool.get(node.id, ())
            if node.kind == "count":
                cached = [(1.0, i) for i in pool]  # already in preference order
            elif node.kind == "mean":
                cached = [(items[i].result, i) for i in pool if items[i].result is not None]
            else:
                cached = sorted(((self._value(items[i], node), i) for i in pool),
                                key=lambda p: (-p[0], len(items[p[1]].quality_warnings), p[1]))
                cached = [p for p in cached if p[0] > 0]
            self._pool_cache[node.id] = cached
            if node.kind != "experience":
                self.index.pool_cache[key] = cached
        return cached

    def _aggregate(self, node: Requirement, enabled, consumed: set[int], optimistic: bool,
                   owner: dict[int, str | None] | None = None):
        # a mean reads grades without consuming credentials: it looks at every matching credential, whoever
        # else counts it (the grades are the holder's, whatever they are counted toward)
        reuse = node.id not in self.consuming
        if reuse or optimistic:
            free = enabled
        elif owner:
            free = lambda i: enabled(i) and i not in consumed and owner.get(i, node.id) == node.id  # noqa: E731
        else:
            free = lambda i: enabled(i) and i not in consumed  # noqa: E731
        kind = node.kind
        picks: list[tuple[int, str, str]] = []
        rule = self.aggregate_rule.get(node.id) or node.match.describe()
        why = self.experience_why.get(node.id, {})
        if kind == "count":
            need = int(node.minimum)
            chosen = []
            for _, i in self._sorted_pool(node):
                if len(chosen) >= need:
                    break
                if free(i):
                    chosen.append(i)
            picks = [(i, rule, "match") for i in chosen]
            ok = len(chosen) >= need
            prog = min(1.0, len(chosen) / need)
            text = f"{len(chosen)} of {need} credentials"
        elif kind == "mean":
            values = [(i, v) for v, i in self._sorted_pool(node) if free(i)]
            if values:
                mean = sum(v for _, v in values) / len(values)
                ok = mean >= node.minimum
                prog = 1.0 if ok else max(0.0, min(1.0, mean / node.minimum)) if node.minimum > 0 else 0.0
                text = f"mean {mean:.4g} of {len(values)} results (needs ≥ {node.minimum:g})"
            else:
                ok, prog, text = False, 0.0, f"no graded credentials (needs mean ≥ {node.minimum:g})"
            picks = [(i, rule, "match") for i, _ in values]
            if not optimistic:
                return ok, prog, picks, text  # a mean reads grades; it does not consume credentials
            return ok, prog, [], text
        else:  # sum or experience
            if kind == "experience":
                target = float(node.min_hours if node.min_hours is not None else node.min_months)
                unit = "hours" if node.min_hours is not None else "months"
            else:
                target = float(node.minimum)
                unit = node.quantity or "credits"
            total = 0.0
            for value, i in self._sorted_pool(node):
                if total >= target:
                    break
                if not free(i):
                    continue
                total += value
                picks.append((i, why.get(i, rule), "match"))
            # credit transfer into this sum: each matching credential adds its rule's credits, up to the cap
            for matched, credits, cap, label in self.transfer_credit.get(node.id, ()):
                added = 0.0
                for i in sorted(matched):
                    if total >= target or not free(i):
                        continue
                    if any(p[0] == i for p in picks):
                        continue
                    grant = credits if cap is None else min(credits, cap - added)
                    if grant <= 0:
                        break
                    added += grant
                    total += grant
                    picks.append((i, label, "transfer"))
            ok = total >= target
            prog = min(1.0, total / target) if target > 0 else 1.0
            shown = f"{total:.1f}" if unit == "months" else f"{total:.4g}"
            text = f"{shown} of {target:g} {unit}"
        if not optimistic and not reuse:
            consumed.update(i for i, _, _ in picks)
        return ok, prog, picks, text

    # -- the search ------------------------------------------------------------------------------------
    def _score(self, met: bool, prog: float, taken) -> tuple:
        # Warnings are scored on what the leaves were given; aggregates take leftovers (best first), so leaving
        # them out keeps the branch-and-bound's warning bound a true lower bound.
        counted: dict[int, int] = {}
        for node_id, picks in taken.items():
            if node_id in self.aggregate_pool:
                continue
            for i, _, _ in picks:
                counted[i] = counted.get(i, 0) + 1
        warnings = sum(len(self.index.items[i].quality_warnings) for i in counted)
        warnings += sum(n - 1 for n in counted.values())  # a credential counted twice is worth a warning
        return (met, round(prog, 9), -warnings, -len(counted))

    def solve(self, enabled=lambda i: True, *, stop_when_met: bool = False) -> tuple[dict[str, int | None], bool, int]:
        """The best assignment of credentials to leaves (exact unless the node budget runs out).

        A leaf that may reuse credentials (double counting allowed) does not compete with any other leaf, so it
        simply takes its best candidate; only the leaves that lock their credential are searched. With
        ``stop_when_met`` the search ends at the first assignment that meets the root (a feasibility test).
        """
        items = self.index.items
        self._optimistic_cache = {}
        fixed: dict[str, int | None] = {}
        leaves = []
        for leaf in self.search_leaves:
            if leaf.reuse:
                fixed[leaf.key] = next((i for i in leaf.candidates if enabled(i)), None)
            else:
                leaves.append(leaf)
        # A leaf whose best candidate no other leaf or aggregate could use takes it: no optimal assignment can do
        # better there (exchange argument: the candidate is useless elsewhere and is the leaf's best), so only
        # the leaves that really compete for credentials are searched.
        sets = [self.index.as_set(leaf.candidates) for leaf in leaves]
        consuming_pools = [self.index.as_set(pool) for node_id, pool in self.aggregate_pool.items()
                           if node_id in self.consuming]
        contested = []
        for n, leaf in enumerate(leaves):
            best = next((i for i in leaf.candidates if enabled(i)), None)
            if best is None:
                fixed[leaf.key] = None
            elif not any(best in other for m, other in enumerate(sets) if m != n) and \
                    not any(best in pool for pool in consuming_pools):
                fixed[leaf.key] = best
            else:
                contested.append(leaf)
        # A leaf needs only its best L + A enabled candidates, L the number of locking leaves and A the most
        # credentials the consuming aggregates can take: the others use at most L - 1 + A credentials, so one of
        # its best L + A is always free, no worse than any candidate further down, and swapping to it leaves the
        # aggregates' greedy picks as good or better (Hall's argument).
        limit = len(leaves) + self._aggregate_takes_at_most()
        options: dict[str, list[int]] = {}
        for leaf in contested:
            chosen_options: list[int] = []
            for i in leaf.candidates:
                if enabled(i):
                    chosen_options.append(i)
                    if len(chosen_options) >= limit:
                        break
            options[leaf.key] = chosen_options
        leaves = contested
        # fewest candidates first: failures show early, and forced choices prune the rest
        leaves.sort(key=lambda leaf: len(options[leaf.key]))
        # credentials that are interchangeable for this pathway are tried once per class
        membership: dict[int, list[str]] = {}
        for leaf in leaves:
            for i in options[leaf.key]:
                membership.setdefault(i, []).append(leaf.key)
        agg_membership: dict[int, list[str]] = {}
        for node_id, pool in self.aggregate_pool.items():
            pool_set = self.index.as_set(pool)
            for i in membership:
                if i in pool_set:
                    agg_membership.setdefault(i, []).append(node_id)

        def klass(i: int) -> tuple:
            item = items[i]
            aggregates = tuple(agg_membership.get(i, ()))
            values = (item.credential.credits, item.credential.hours, item.result, item.issued, item.expires,
                      item.credential.valid_from) if aggregates else ()
            warnings = tuple(kind for kind, _ in item.quality_warnings)
            return (tuple(membership.get(i, ())), aggregates, warnings, values)

        classes: dict[int, tuple] = {}  # filled lazily: the search usually looks at few candidates
        best: dict[str, Any] = {"score": None, "assignment": {}, "owner": None}
        assignment: dict[str, int | None] = dict(fixed)
        used: set[int] = set()
        # use counts per credential (a reuse leaf does not lock a credential for others)
        lock_count: dict[int, int] = {}
        self._start_budget()

        def complete() -> None:
            """A full assignment of the leaves: the consuming aggregates share what is left, exactly."""
            met, prog, taken = self._evaluate(assignment, enabled, False, used)
            owner = None
            if not (met and prog >= 1.0) and self.consuming:
                owner = self._assign_aggregates(assignment, enabled, used, (met, round(prog, 9)), stop_when_met)
                if owner is not None:
                    shared = self._evaluate(assignment, enabled, False, used, owner=owner)
                    if (shared[0], round(shared[1], 9)) > (met, round(prog, 9)):
                        met, prog, taken = shared
                    else:  # the sharing's model and the tree disagreed (never seen): keep what is proven
                        owner = None
            score = self._score(met, prog, taken)
            if best["score"] is None or score > best["score"]:
                best.update(score=score, assignment=dict(assignment), owner=owner)
            if (stop_when_met and met) or best["score"][:3] == (True, 1.0, 0):
                self._done = True  # nothing can beat a met root with no warnings on the exact components

        def visit(depth: int) -> bool:
            """Count a search node; True when the branch below it is worth exploring."""
            if not self._tick():
                return False
            if depth == len(leaves):
                complete()
                return False
            if stop_when_met or best["score"] is not None:
                met, prog, _ = self._evaluate(assignment, enabled, True, used)
                if stop_when_met and not met:
                    return False
                if best["score"] is not None:
                    assigned = [i for i in assignment.values() if i is not None]
                    distinct = set(assigned)
                    warnings = sum(len(items[i].quality_warnings) for i in distinct) + len(assigned) - len(distinct)
                    # every component is optimistic, so the tuple bounds every completion of this branch; the
                    # fewest-credentials component is only a tie-break between assignments found, not searched
                    # for (its bound is too weak to prune and would make equal-quality alternatives explode)
                    if (met, round(prog, 9), -warnings) <= best["score"][:3]:
                        return False
            return True

        # An explicit stack, not recursion: a pathway may have thousands of competing leaves. A frame is
        # [depth, next option index, classes tried, pending choice (-2 nothing, -1 none, else a credential)].
        stack: list[list] = [[0, 0, set(), -2]] if visit(0) else []
        while stack and not (self._done or self._exhausted):
            frame = stack[-1]
            depth, k, tried, pending = frame
            leaf = leaves[depth]
            if pending >= 0 and not leaf.reuse:
                lock_count[pending] -= 1
                if lock_count[pending] == 0:
                    used.discard(pending)
            frame[3] = -2
            if pending == -1:  # the last option (leave this leaf unassigned) has been explored
                del assignment[leaf.key]
                stack.pop()
                continue
            chosen = None
            choices = options[leaf.key]
            while k < len(choices):
                i = choices[k]
                k += 1
                if not leaf.reuse and i in used:
                    continue
                c = classes.get(i)
                if c is None:
                    c = classes[i] = klass(i)
                if c in tried:
                    continue
                tried.add(c)
                chosen = i
                break
            frame[1] = k
            if chosen is not None:
                assignment[leaf.key] = chosen
                if not leaf.reuse:
                    used.add(chosen)
                    lock_count[chosen] = lock_count.get(chosen, 0) + 1
                frame[3] = chosen
            else:
                assignment[leaf.key] = None
                frame[3] = -1
            if visit(depth + 1):
                stack.append([depth + 1, 0, set(), -2])
        self.last_score = best["score"]
        self.last_exhaustive = not self._exhausted
        self.last_owner = best["owner"]
        return best["assignment"], not self._exhausted, self._nodes

    # -- the search budget -----------------------------------------------------------------------------
    def _start_budget(self) -> None:
        self._nodes = 0
        self._exhausted = False
        self._done = False
        self._stop_at = time.monotonic() + self.time_limit if self.time_limit else None
        if self.deadline is not None:
            self._stop_at = min(self._stop_at, self.deadline) if self._stop_at else self.deadline

    def _tick(self) -> bool:
        """Count one search node; False once the search must stop (done, or out of nodes or time)."""
        if self._done or self._exhausted:
            return False
        self._nodes += 1
        if self._nodes > self.node_budget or (
                self._stop_at is not None and self._nodes % 32 == 0 and time.monotonic() > self._stop_at):
            self._exhausted = True
            return False
        return True

    # -- consuming aggregates that compete ----------------------------------------------------------------
    def _assign_aggregates(self, assignment: dict[str, int | None], enabled, used: set[int],
                           current: tuple[bool, float], stop_when_met: bool) -> dict[int, str | None] | None:
        """Share the credentials the leaves left between the consuming aggregates (counts, sums, experience)
        that compete for them, exactly: which aggregate each contested credential goes to. Returns the owners,
        or None when taking leftovers in tree order (``current``, the (met, progress) it reaches) is already
        as good as any sharing.

        Branch and bound over the contested credentials, largest first. Each goes to an aggregate that has not
        reached its target yet (giving it to one that has, or to none, never does better: an aggregate's value
        is capped at its target and grows with what it gets). The bound gives every undecided credential to
        every aggregate that could use it at once. Credentials only one aggregate can use are that aggregate's
        from the start."""
        items = self.index.items
        groups = [g for g in self.order if g in self.consuming]
        if len(groups) < 2:
            return None
        member: dict[int, list[tuple[str, int, float]]] = {}  # credential -> [(aggregate, rule or -1, value)]
        rules: dict[str, list[tuple[float, float | None]]] = {}
        for g in groups:
            node = self.nodes[g]
            natural: set[int] = set()
            for value, i in self._sorted_pool(node):
                if enabled(i) and i not in used:
                    natural.add(i)
                    member.setdefault(i, []).append((g, -1, value))
            rules[g] = []
            for r, (matched, credits, cap, _) in enumerate(self.transfer_credit.get(g, ())):
                rules[g].append((credits, cap))
                for i in sorted(matched):
                    if i not in natural and enabled(i) and i not in used and \
                            not any(m[0] == g for m in member.get(i, ())):
                        member.setdefault(i, []).append((g, r, credits))
        contested = [i for i, ms in member.items() if len(ms) > 1]
        if not contested:
            return None
        exact_values = not self._aggregate_under_credit_sum
        target: dict[str, float] = {}
        for g in groups:
            node = self.nodes[g]
            if node.kind == "count":
                target[g] = float(int(node.minimum))
            elif node.kind == "experience":
                target[g] = float(node.min_hours if node.min_hours is not None else node.min_months)
            else:
                target[g] = float(node.minimum)
        have = {g: 0.0 for g in groups}  # natural values given (private ones from the start)
        have_tr = {g: [0] * len(rules[g]) for g in groups}  # transferred credentials given, per rule
        pot = {g: 0.0 for g in groups}  # the same for the undecided contested credentials
        pot_tr = {g: [0] * len(rules[g]) for g in groups}
        contested_set = set(contested)
        for i, ms in member.items():
            for g, r, value in ms:
                if i in contested_set:
                    if r < 0:
                        pot[g] += value
                    else:
                        pot_tr[g][r] += 1
                elif r < 0:
                    have[g] += value
                else:
                    have_tr[g][r] += 1

        def total(g: str, optimistic: bool) -> float:
            value = have[g] + (pot[g] if optimistic else 0.0)
            for r, (credits, cap) in enumerate(rules[g]):
                n = have_tr[g][r] + (pot_tr[g][r] if optimistic else 0)
                value += credits * n if cap is None else min(cap, credits * n)
            return value

        def score(optimistic: bool) -> tuple[bool, float]:
            if not exact_values:
                if optimistic:  # aggregates under a credit sum pass their credentials on: the plain bound
                    met, prog, _ = self._evaluate(assignment, enabled, True, used)
                    return met, round(prog, 9)
                met, prog, _ = self._evaluate(assignment, enabled, False, used, owner=owner)
                return met, round(prog, 9)
            values = {}
            for g in groups:
                t = total(g, optimistic)
                goal = target[g]
                values[g] = (t >= goal - 1e-9, min(1.0, t / goal) if goal > 0 else 1.0, [])
            met, prog, _ = self._evaluate(assignment, enabled, False, used, agg_values=values)
            return met, round(prog, 9)

        owner: dict[int, str | None] = {}
        upper = score(True)
        best_score, best_owner = current, None
        if upper <= best_score:
            return None
        order = sorted(contested, key=lambda i: (-max(v for _, _, v in member[i]), i))

        def shift(i: int, choice: tuple[str, int, float] | None, sign: int) -> None:
            if choice is None:
                return
            g, r, value = choice
            if r < 0:
                have[g] += sign * value
            else:
                have_tr[g][r] += sign

        def open_frame(pos: int) -> list:
            i = order[pos]
            for g, r, value in member[i]:  # decided from now on: no longer potential
                if r < 0:
                    pot[g] -= value
                else:
                    pot_tr[g][r] -= 1
            # best fit first: an aggregate it fills without overshooting, the tightest first; then the least waste
            room = []
            for g, r, v in member[i]:
                deficit = target[g] - total(g, False)
                if deficit > 1e-9:
                    room.append((max(0.0, v - deficit), deficit, g, r, v))
            room.sort(key=lambda t: t[:3])
            choices: list = [(g, r, v) for _, _, g, r, v in room] or [None]
            return [pos, choices, 0]

        def close_frame(frame: list) -> None:
            i = order[frame[0]]
            for g, r, value in member[i]:
                if r < 0:
                    pot[g] += value
                else:
                    pot_tr[g][r] += 1
            owner.pop(i, None)

        stack = [open_frame(0)]
        while stack:
            frame = stack[-1]
            pos, choices, k = frame
            i = order[pos]
            if k > 0:
                shift(i, choices[k - 1], -1)
            if k == len(choices) or self._done or self._exhausted:
                close_frame(frame)
                stack.pop()
                continue
            choice = choices[k]
            frame[2] = k + 1
            shift(i, choice, +1)
            owner[i] = choice[0] if choice is not None else None
            if not self._tick():
                continue
            if pos + 1 == len(order):
                reached = score(False)
                if reached > best_score:
                    best_score, best_owner = reached, dict(owner)
                    if reached >= upper or (stop_when_met and reached[0]):
                        break  # as good as the bound (or, for a feasibility test, good enough)
                continue
            if score(True) > best_score:
                stack.append(open_frame(pos + 1))
        return best_owner

    def _aggregate_takes_at_most(self) -> int:
        """How many credentials the consuming aggregates can take in total (a bound, for the search)."""
        total = 0
        for node_id in self.aggregate_pool:
            node = self.nodes[node_id]
            if node_id not in self.consuming:
                continue
            pool = self._sorted_pool(node)
            if node.kind == "count":
                total += min(len(pool), int(node.minimum))
                continue
            target = float(node.min_hours if node.kind == "experience" and node.min_hours is not None else
                           node.min_months if node.kind == "experience" else node.minimum)
            smallest = pool[-1][0] if pool else 0.0
            total += min(len(pool), int(target // smallest) + 1) if smallest > 0 else 0
        return total

    def is_met(self, enabled) -> bool:
        """Whether the root can be met with the enabled credentials (the optimiser's test)."""
        self.solve(enabled, stop_when_met=True)
        return bool(self.last_score and self.last_score[0])

    # -- explanation -----------------------------------------------------------------------------------
    def _fill_idle(self, assignment: dict[str, int | None], enabled) -> dict[str, int | None]:
        """The search stops caring about a requirement once its branch is met (by a shortcut, or an `any`
        met by a sibling), and leaves it empty although a held credential meets it. For the explanation, give
        each such requirement a held credential that is free (or may be reused), keeping the result only if the
        goal stays as met and as far along: a held credential that meets a requirement is shown meeting it."""
        reuse_keys = {leaf.key for leaf in self.leaves if leaf.reuse}

        def used_of(a: dict[str, int | None]) -> set[int]:
            return {i for key, i in a.items() if i is not None and key not in reuse_keys}

        used = used_of(assignment)
        filled = dict(assignment)
        changed = False
        # a milestone credential that completes a branch evidences the branch's parts too: under a branch met
        # by its shortcut, the shortcut's credential may be shown meeting a part (never counted twice)
        parent: dict[str, str] = {}
        for node_id in self.order:
            for child in self.nodes[node_id].children:
                parent.setdefault(child, node_id)
        shortcut_taken: dict[str, set[int]] = {}
        for leaf in self.leaves:
            if leaf.via == "shortcut" and assignment.get(leaf.key) is not None:
                shortcut_taken.setdefault(leaf.node_id, set()).add(assignment[leaf.key])
        self.within_shortcut = set()
        for leaf in self.search_leaves:
            if leaf.via != "match" or filled.get(leaf.key) is not None:
                continue
            inherited: dict[int, str] = {}
            up = parent.get(leaf.node_id)
            while up is not None:
                for i in shortcut_taken.get(up, ()):
                    inherited.setdefault(i, up)
                up = parent.get(up)
            for i in leaf.candidates:
                if not enabled(i) or self.index.items[i].hypothetical:
                    continue
                if leaf.reuse or i not in used or i in inherited:
                    filled[leaf.key] = i
                    if i in inherited and not leaf.reuse:
                        self.within_shortcut.add((leaf.node_id, i))
                    elif not leaf.reuse:
                        used.add(i)
                    changed = True
                    break
        if not changed:
            return assignment
        root = self.pathway.root
        before = self._evaluate(assignment, enabled, False, used_of(assignment), explain=True, owner=self.last_owner)
        after = self._evaluate(filled, enabled, False, used, explain=True, owner=self.last_owner)
        # the same score, only explained more fully: a better score would mean a credential counted where the
        # pathway does not allow it (the search already found the best), a worse one a credential taken away
        if after[0][root] == before[0][root] and abs(after[1][root] - before[1][root]) < 1e-9:
            return filled
        return assignment

    def evaluate(self, enabled=lambda i: True) -> PathwayEvaluation:
        assignment, exhaustive, nodes = self.solve(enabled)
        assignment = self._fill_idle(assignment, enabled)
        reuse_keys = {leaf.key for leaf in self.leaves if leaf.reuse}
        used = {i for key, i in assignment.items() if i is not None and key not in reuse_keys}
        met, progress, taken, agg_detail = self._evaluate(assignment, enabled, False, used, explain=True,
                                                          owner=self.last_owner)
        counted: dict[int, list[str]] = {}
        for node_id, picks in taken.items():
            for i, _, _ in picks:
                if (node_id, i) not in self.within_shortcut:  # shown as a part of its milestone, not recounted
                    counted.setdefault(i, []).append(node_id)
        warnings = self._warnings(counted)
        self._counted = counted
        tree = self._explain(self.pathway.root, met, progress, taken, agg_detail, warnings, enabled)
        exits = []
        for award in self.pathway.exits:
            exits.append({"id": award.id, "name": award.name, "node": award.node,
                          "status": MET if met[award.node] else (PARTIAL if progress[award.node] > 0 else UNMET),
                          "progress": round(progress[award.node], 4)})
        used_map = {self.index.items[i].wallet_id: nodes_ for i, nodes_ in counted.items()}
        # the other reading of a CTDL destination, shown beside the route, never folded into it
        destination_held, destination = None, None
        root = self.nodes[self.pathway.root]
        if root.completes_with is not None:
            usable, _ = self.index.candidates(root.completes_with)
            held = [i for i in self._allowed(usable, root.completes_with)
                    if enabled(i) and not self.index.items[i].hypothetical]
            destination_held = bool(held)
            destination = self.index.items[held[0]].title if held else None
        return PathwayEvaluation(pathway=self.pathway, as_of=self.index.as_of, tree=tree, warnings=warnings,
                                 exits=exits, used=used_map, exhaustive=exhaustive, search_nodes=nodes,
                                 destination_held=destination_held, destination=destination)

    def _warnings(self, counted: dict[int, list[str]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        horizon = self.index.as_of + timedelta(days=self.policy.expiring_warning_days)
        for i, node_ids in sorted(counted.items()):
            item = self.index.items[i]
            base = {"wallet_id": item.wallet_id, "title": item.title, "requirements": node_ids}
            for kind, message in item.quality_warnings:
                out.append({**base, "kind": kind, "message": f"{item.title}: {message}"})
            if item.expires is not None and item.expires <= horizon:
                out.append({**base, "kind": "expiring-soon",
                            "message": f"{item.title} expires on {item.expires.date().isoformat()}"})
            if len(node_ids) > 1:
                labels = [self.nodes[n].label for n in node_ids]
                shown = ", ".join(labels[:MISSING_NAMES]) + (
                    f" and {len(labels) - MISSING_NAMES:,} more" if len(labels) > MISSING_NAMES else "")
                out.append({**base, "kind": "counted-twice",
                            "message": f"{item.title} counts toward {len(node_ids)} requirements "
                                       f"({shown}), as the pathway allows"})
        return out

    def _explain(self, node_id: str, met, progress, taken, agg_detail, all_warnings, enabled) -> NodeResult:
        node = self.nodes[node_id]
        items = self.index.items
        children = [self._explain(c, met, progress, taken, agg_detail, all_warnings, enabled)
                    for c in node.children]
        status = MET if met[node_id] else (PARTIAL if progress[node_id] > 0 else UNMET)
        creds = []
        match = node.match
        picks = taken.get(node_id, ())
        skill_ids = self.index._skill_ids(match) if picks and (match.skills or match.alignments) else set()
        for i, rule, via in picks:
            item = items[i]
            if (node_id, i) in self.within_shortcut:
                via = "within-shortcut"
                rule = f"{rule}; the milestone credential that completes the branch above"

            # counted only through a skill the offerings catalogue says it evidences: say so, and from what
            held = skill_ids & item.skills.keys()
            inferred = via == "match" and bool(held) and held <= item.inferred_skills
            creds.append({"wallet_id": item.wallet_id, "title": item.title,
                          "issuer": item.credential.issuer.name or item.credential.issuer.id,
                          "rule": rule, "via": via, "hypothetical": item.hypothetical,
                          "expires": format_datetime(item.expires), "inferred": inferred,
                          "inferred_from": item.inferred_from if inferred else None})
        missing: list[str] = []
        kind = node.kind
        if kind == "all":
            detail = f"{sum(1 for c in node.children if met[c])} of {len(node.children)} met"
        elif kind == "any":
            detail = "one of " + str(len(node.children)) + (" met" if met[node_id] else " needed")
        elif kind == "at_least":
            k = sum(1 for c in node.children if met[c])
            cap = f", at most {node.at_most}" if node.at_most else ""
            if k >= node.n:  # never "5 of 2 needed"
                detail = f"{k} met, {node.n} needed (of {len(node.children)}{cap})"
            else:
                detail = f"{k} of {node.n} needed (from {len(node.children)}{cap})"
        elif kind == "not":
            detail = "excluded requirement is " + ("absent" if met[node_id] else "present")
        elif node_id in agg_detail:
            detail = agg_detail[node_id]
            left_out = [items[i].title for i in self.irrelevant.get(node_id, ()) if enabled(i)]
            if left_out and not met[node_id]:
                shown = ", ".join(left_out[:5]) + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else "")
                detail += f"; not relevant (no matching title, skill or occupation): {shown}"
            if node_id in self.unit_notes:
                detail += f"; {self.unit_notes[node_id]}"
        else:
            detail = "met" if met[node_id] else "not met"
        if met[node_id] and any(c["via"] == "shortcut" for c in creds) and kind in ("all", "any", "at_least"):
            # met as a whole by its milestone credential: its own count would read "0 of 3 met"
            k = sum(1 for c in node.children if met[c])
            detail = "met by its shortcut" + (f"; {k} of {len(node.children)} also met directly" if k else "")
        leaf = self.leaf_of_node.get(node_id)
        if not met[node_id] and leaf is not None and not taken.get(node_id):
            # a held credential that meets this requirement but is counted toward another one: say where
            counted = getattr(self, "_counted", {})
            elsewhere = list(itertools.islice((i for i in leaf.candidates if i in counted and enabled(i)
                                               and not items[i].hypothetical), 3))
            if elsewhere:
                detail = "; ".join(
                    f"{items[i].title} is held but counted toward "
                    f"{', '.join(self.nodes[n].label for n in self._counted[i][:3])} (a credential counts once here)"
                    for i in elsewhere[:3])
        if not met[node_id] and node_id in self.unusable and not taken.get(node_id):
            reasons = [items[i] for i in self.unusable[node_id] if enabled(i)]
            if reasons:
                status = EXPIRED
                detail = "; ".join(f"{r.title}: {r.unusable_reason}" for r in reasons[:3])
        if not met[node_id]:
            if kind == "all":
                for child in children:
                    missing.extend(child.missing)
            elif kind in ("any", "at_least"):
                need = 1 if kind == "any" else node.n - sum(1 for c in node.children if met[c])
                unmet = [c for c in children if not c.met]
                if len(unmet) == need:
                    for child in unmet:
                        missing.extend(child.missing)
                else:
                    names = ", ".join(c.label for c in unmet[:MISSING_NAMES])
                    if len(unmet) > MISSING_NAMES:  # a wide pathway: the line stays readable
                        names += f" and {len(unmet) - MISSING_NAMES:,} more"
                    missing.append(f"{need} of: {names}" if need > 1 else f"one of: {names}")
            elif kind == "not":
                missing.append(f"not: {node.label}")
            else:
                missing.append(node.label)
        ids = {c["wallet_id"] for c in creds}
        warnings = [{"kind": w["kind"], "message": w["message"], "wallet_id": w["wallet_id"]}
                    for w in all_warnings if w["wallet_id"] in ids]
        rule = None
        if creds:
            rule = creds[0]["rule"]
        elif node_id in self.aggregate_rule:
            rule = self.aggregate_rule[node_id]
        elif node.is_leaf:
            rule = self.leaf_of_node[node_id].rule if node_id in self.leaf_of_node else node.match.describe()
        return NodeResult(id=node_id, kind=kind, label=node.label, status=status, progress=progress[node_id],
                          detail=detail, rule=rule, credentials=creds, children=children, missing=missing,
                          warnings=warnings, url=node.url)


_TITLE_STOPWORDS = frozenset({"a", "an", "and", "as", "at", "for", "in", "of", "on", "the", "to", "with"})


def _title_words(title: str) -> set[str]:
    """The words of a job title, case- and plural-insensitive ("Data Analysts" and "data analyst" agree)."""
    import re

    words = set()
    for word in re.findall(r"[a-z0-9+#]+", title.casefold()):
        if word in _TITLE_STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


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
