"""The cheapest next steps: which offerings (courses, exams, programmes) complete a goal for the least cost.

Exact, not greedy: a depth-first branch and bound over the offerings that can matter, where

* each offering becomes a *hypothetical credential* fed to the same evaluator as held credentials, so "does this
  set complete the goal?" is answered by the exact assignment search (one credential per requirement unless the
  pathway allows double counting);
* the lower bound is a fractional cover of the requirement tree: an unmet leaf costs at least
  ``cost(o) / k(o)`` for the offering ``o`` that covers it most cheaply, where ``k(o)`` is the number of
  requirements ``o`` can serve (so an offering is never charged more than once in total); ``all`` adds its
  children's bounds, ``any`` takes the least, ``at least N`` the N least; sums and counts charge their deficit
  at the best cost per unit. Any set that completes the goal costs at least this much, so pruning is safe;
* offerings that are identical for the pathway (same requirements, same values) are kept only as many times as
  they could be useful.

``tests/stacking/test_optimise.py`` checks the answer against brute force over every subset on random instances.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Sequence

from skillwallet.model import FORMAT_SELF, Credential, Issuer, Skill, Verdict, VERDICT_VERIFIED, format_datetime
from skillwallet.skills.taxonomy import Taxonomy
from skillwallet.stacking.evaluate import (
    AGGREGATES,
    BUILTIN,
    CredentialIndex,
    Held,
    HeldCredential,
    PathwayEvaluation,
    PathwayEvaluator,
)
from skillwallet.stacking.dates import add_months
from skillwallet.stacking.model import OCCUPATION_CODE, Pathway
from skillwallet.stacking.offerings import Offering, window_opens

SEARCH_NODE_BUDGET = 100_000
PLAN_SECONDS = 0.8  # the whole plan's work budget; past it the cheapest plan found is answered, marked inexact


@dataclass
class Completion:
    """The cheapest set of offerings that completes a goal (or why none does)."""

    pathway: Pathway
    already_met: bool
    feasible: bool
    steps: list[Offering]
    cost: float
    hours: float
    exact: bool
    explored: int
    covers: dict[str, list[str]]  # offering id -> requirement ids it fills in the plan
    evaluation_after: PathwayEvaluation | None
    hours_per_week: float | None = None
    estimated_completion: datetime | None = None
    currencies: list[str] = field(default_factory=list)
    constrained: bool = False  # infeasible only because of --budget / --max-weeks
    objective: str = "cost"
    schedule: list[dict[str, Any]] = field(default_factory=list)  # dated steps, in order (with a pace)
    renewals: list[dict[str, Any]] = field(default_factory=list)  # counted credentials that lapse before the end
    # weeks the plan waits, nothing left to do, for a renewal's window to open (stacking/optimise.py _schedule)
    waiting_weeks: float = 0.0

    @property
    def weeks(self) -> float | None:
        """Weeks of study at the pace, and any weeks spent waiting for a renewal window (None without a pace)."""
        if not self.hours_per_week or not (self.hours or self.waiting_weeks):
            return None
        return self.hours / self.hours_per_week + self.waiting_weeks

    def to_dict(self) -> dict[str, Any]:
        weeks = None if self.weeks is None else round(self.weeks, 1)
        return {
            "already_met": self.already_met,
            "feasible": self.feasible,
            "exact": self.exact,
            "explored": self.explored,
            "cost": round(self.cost, 2),
            "currency": self.currencies[0] if len(self.currencies) == 1 else self.currencies,
            "hours": round(self.hours, 1),
            "hours_per_week": self.hours_per_week,
            "weeks": weeks,
            "waiting_weeks": round(self.waiting_weeks, 1),
            "estimated_completion": format_datetime(self.estimated_completion),
            "steps": [{**o.to_dict(), "fills": self.covers.get(o.id, [])} for o in self.steps],
            "missing_after": self.evaluation_after.missing if self.evaluation_after else None,
            "objective": self.objective,
            "within_constraints": not self.constrained,
            "schedule": list(self.schedule),
            "renewals": list(self.renewals),
        }


WEEKS_PER_MONTH = 52 / 12


def priced_at_pace(offering: Offering, hours_per_week: float | None) -> Offering:
    """A subscription's cost at the learner's pace: whole months of ``price_per_month`` for the weeks its hours
    take (USD 49 a month, 180 hours at 6 h/week: 30 weeks, 7 months, USD 343). Without a pace, the listed cost."""
    if not offering.price_per_month or not hours_per_week or not offering.hours:
        return offering
    from dataclasses import replace

    months = max(1, math.ceil(offering.hours / hours_per_week / WEEKS_PER_MONTH - 1e-9))
    return replace(offering, cost=round(months * offering.price_per_month, 2))


def self_steps(pathway: Pathway, as_of: datetime) -> list[tuple[Offering, Held]]:
    """Steps no catalogue sells: manual steps and work experience. They cost nothing but your own effort, so a
    plan may include them; they are listed apart from what you buy."""
    out = []
    for node in pathway.requirements.values():
        if node.kind == "manual":
            step = Offering(id=f"self:{node.id}", name=f"{node.label} (your own step)", cost=0.0, hours=0.0,
                            achievement_type="SelfAttested", tags=[(node.step or f"step:{node.id}")],
                            source="self")
            held = step.hypothetical_credential(as_of)
            held.credential.title = node.label
            out.append((step, held))
        elif node.kind == "experience":
            months = node.min_months or 0
            step = Offering(id=f"self:{node.id}", name=f"{node.label} (gain the experience)", cost=0.0,
                            hours=float(node.min_hours or 0), achievement_type="WorkExperience", source="self",
                            calendar_weeks=months * WEEKS_PER_MONTH)
            held = step.hypothetical_credential(as_of)
            # in calendar months, as experience is counted (a day more: whatever the months' lengths)
            held.credential.valid_from = add_months(as_of, -math.ceil(months)) - timedelta(days=1)
            held.credential.issued = held.credential.valid_from
            if node.match.types:
                held.credential.achievement_type = sorted(node.match.types)[0]
            # the experience to gain is the relevant kind: in the occupation the requirement names
            titles = [o for o in node.occupation if not OCCUPATION_CODE.match(o)]
            codes = [o for o in node.occupation if OCCUPATION_CODE.match(o)]
            if titles:
                held.credential.title = titles[0]
            held.credential.tags = [*held.credential.tags, *codes]
            # the skills used make it relevant only when the requirement names no occupation: otherwise months of
            # planned work would also count as evidence of those skills toward other requirements
            if not (titles or codes):
                held.credential.skills = [Skill(name=name, source="skill") for name in node.match.skills]
            out.append((step, held))
    return out


def cheapest_completion(pathway: Pathway, credentials: Sequence[HeldCredential], offerings: Iterable[Offering], *,
                        as_of: datetime, taxonomy: Taxonomy | None = None, hours_per_week: float | None = None,
                        trusted_issuers: Iterable[str] = (), include_self_steps: bool = True,
                        time_limit: float | None = PLAN_SECONDS, inference: Any = BUILTIN,
                        objective: str = "cost", budget: float | None = None,
                        max_hours: float | None = None) -> Completion:
    """The least-cost set of ``offerings`` that, added to ``credentials``, meets ``pathway`` on ``as_of``
    (ties broken by fewer hours). Exact (see the module docstring) unless ``exact`` comes back ``False``.

    With ``include_self_steps`` the manual steps and experience the pathway asks for are available at no cost
    (see :func:`self_steps`); the plan lists them separately. ``time_limit`` (seconds) bounds the whole search:
    past it the cheapest plan found is answered with ``exact`` false.

    ``objective`` is what is minimised: ``cost`` (then hours, then steps) or ``weeks`` (hours first, then cost:
    at a steady pace the fastest plan is the one with the fewest hours). ``budget`` (total cost) and
    ``max_hours`` are constraints: a plan over either is never answered. Subscriptions are priced at
    ``hours_per_week`` (:func:`priced_at_pace`)."""
    offerings = [priced_at_pace(o, hours_per_week) for o in offerings]
    if objective not in ("cost", "weeks"):
        raise ValueError(f"objective: expected cost or weeks, got {objective!r}")
    pace = hours_per_week or 10.0

    def effort(o: Offering) -> float:
        """Hours, with months of experience at the learner's pace: a portfolio beats six months' work on time."""
        wait = (o.eligible_after_months or 0) * WEEKS_PER_MONTH
        return o.hours + (o.calendar_weeks + wait) * pace

    primary = (lambda o: o.cost) if objective == "cost" else effort
    secondary = effort if objective == "cost" else (lambda o: o.cost)

    def within(cost: float, hours: float) -> bool:
        return (budget is None or cost <= budget + 1e-9) and (max_hours is None or hours <= max_hours + 1e-9)
    hypothetical = [o.hypothetical_credential(as_of) for o in offerings]
    if include_self_steps:
        for step, held in self_steps(pathway, as_of):
            offerings.append(step)
            hypothetical.append(held)
    index = CredentialIndex(credentials, as_of=as_of, taxonomy=taxonomy, hypothetical=hypothetical,
                            inference=inference)
    evaluator = PathwayEvaluator(pathway, index, trusted_issuers=trusted_issuers)
    # one work budget for the whole plan: every feasibility test shares it, and past it the cheapest plan found
    # so far is the answer, marked not proven optimal
    started = time.monotonic()
    evaluator.deadline = started + time_limit if time_limit else None
    held_count = len(index.items) - len(offerings)
    offering_of = {held_count + j: o for j, o in enumerate(offerings)}
    inexact = [False]

    def enabled_with(chosen: frozenset[int]):
        return lambda i: i < held_count or i in chosen

    def is_met(enabled) -> bool:
        met = evaluator.is_met(enabled)
        if not evaluator.last_exhaustive:
            inexact[0] = True  # "not met" may only mean "not found within the budget"
        return met

    def out_of_time() -> bool:
        return evaluator.deadline is not None and time.monotonic() > evaluator.deadline

    if is_met(enabled_with(frozenset())):
        return Completion(pathway=pathway, already_met=True, feasible=True, steps=[], cost=0.0, hours=0.0,
                          exact=True, explored=0, covers={},
                          evaluation_after=evaluator.evaluate(enabled_with(frozenset())))

    # which requirements each offering can serve
    serves: dict[int, set[str]] = {i: set() for i in offering_of}
    for leaf in evaluator.search_leaves:
        for i in leaf.candidates:
            if i in serves:
                serves[i].add(leaf.key)
    for node_id, pool in evaluator.aggregate_pool.items():
        for i in pool:
            if i in serves:
                serves[i].add(node_id)
    for node_id, rules in evaluator.transfer_credit.items():
        for matched, _, _, _ in rules:
            for i in matched:
                if i in serves:
                    serves[i].add(node_id)
    useful = [i for i, nodes in serves.items() if nodes]

    # identical offerings: keep the cheapest few (as many as the requirements they serve could use). Identical
    # takes the same time too: two routes renewing one credential award the same renewed copy, and the dearer,
    # faster one is the plan under a limit on hours (the Pareto set's searches)
    groups: dict[tuple, list[int]] = {}
    for i in useful:
        c = index.items[i].credential
        groups.setdefault((tuple(sorted(serves[i])), c.credits, (c.extra or {}).get("credit_unit"), c.hours, c.result,
                           effort(offering_of[i])), []).append(i)
    kept: list[int] = []
    for key, members in groups.items():
        members.sort(key=lambda i: (offering_of[i].cost, offering_of[i].hours, offering_of[i].id))
        limit = 0
        for node_id in key[0]:
            node = pathway.requirements.get(node_id)
            if node is not None and node.kind in AGGREGATES and not node.children:
                limit += _units_needed(node, index.items[members[0]], evaluator)
            else:
                limit += 1
        kept.extend(members[: max(1, limit)])
    # an alternative no better than another under the same `any` never improves a plan
    dominated = _dominated_alternatives(pathway, evaluator, serves, kept, offering_of, effort)
    kept = [i for i in kept if i not in dominated]

    everything = frozenset(kept)
    if not is_met(enabled_with(everything)):
        after = evaluator.evaluate(enabled_with(everything))
        return Completion(pathway=pathway, already_met=False, feasible=False, steps=[], cost=0.0, hours=0.0,
                          exact=not inexact[0], explored=1, covers={}, evaluation_after=after,
                          currencies=sorted({o.currency for o in offerings}))

    k = {i: len(serves[i]) for i in kept}
    shared = _has_shared_nodes(pathway)
    required = _required_nodes(pathway)

    # For each required requirement, the share of an offering is split only among the nodes of that
    # requirement's own subtree: valid for the subtree alone, and tighter than the global split.
    def subtree_keys(node_id: str) -> set[str]:
        keys: set[str] = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            keys.add(current)
            for extra in evaluator.shortcut_of.get(current, ()):
                keys.add(extra.key)
            stack.extend(pathway.requirements[current].children)
        return keys

    local_k: dict[str, dict[int, int]] = {}
    for node_id in required:
        keys = subtree_keys(node_id)
        local_k[node_id] = {i: max(1, len(serves[i] & keys)) for i in kept}

    def lower_bound(chosen: frozenset[int], remaining: list[int], weight=lambda o: o.cost) -> float:
        """A lower bound on the ``weight`` (cost, or hours: both add up over a plan) still to spend."""
        if shared:
            return 0.0
        have = lambda i: i < held_count or i in chosen  # noqa: E731
        remaining_set = set(remaining)

        def bound(node_id: str, kk: dict[int, int], memo: dict[str, float]) -> float:
            if node_id in memo:
                return memo[node_id]
            node = pathway.requirements[node_id]
            leaf = evaluator.leaf_of_node.get(node_id)

            def unit_cost(candidates: Iterable[int]) -> float:
                return min((weight(offering_of[i]) / kk[i] for i in candidates if i in remaining_set),
                           default=math.inf)

            if node_id in evaluator.under_not or node.kind in ("not", "mean"):
                value = 0.0
            elif leaf is not None:
                value = 0.0 if any(have(i) for i in leaf.candidates) else unit_cost(leaf.candidates)
            elif node.kind in AGGREGATES and not node.children:
                value = _aggregate_bound(node, evaluator, have, remaining_set, offering_of, kk, weight)
            elif node.kind == "all":
                value = sum(bound(c, kk, memo) for c in node.children)
            elif node.kind == "any":
                value = min(bound(c, kk, memo) for c in node.children)
            elif node.kind == "at_least":
                value = sum(sorted(bound(c, kk, memo) for c in node.children)[: node.n])
            else:  # sums over children's credit values: no cheap safe bound
                value = 0.0
            for extra in evaluator.shortcut_of.get(node_id, ()):
                alt = 0.0 if any(have(i) for i in extra.candidates) else unit_cost(extra.candidates)
                value = min(value, alt)
            memo[node_id] = value
            return value

        value = bound(pathway.root, k, {})
        for node_id in required:
            if node_id != pathway.root:
                value = max(value, bound(node_id, local_k[node_id], {}))
        return value

    # most useful per unit of cost first, so good plans are found early and prune the rest
    order = sorted(kept, key=lambda i: (primary(offering_of[i]) / k[i], secondary(offering_of[i]), offering_of[i].id))
    # Symmetry breaking: offerings that serve the same requirements with the same values are interchangeable;
    # one that costs no more and takes no longer dominates. Some optimal plan never takes a dominated offering
    # without its dominator (swap them), so the search only includes an offering after its dominator.
    prerequisite: dict[int, int] = {}
    classes: dict[tuple, list[int]] = {}
    for i in order:
        c = index.items[i].credential
        classes.setdefault((tuple(sorted(serves[i])), c.credits, (c.extra or {}).get("credit_unit"), c.result),
                           []).append(i)
    for members in classes.values():
        members.sort(key=lambda i: (offering_of[i].cost, offering_of[i].hours, offering_of[i].id))
        for n, i in enumerate(members):
            for j in reversed(members[:n]):
                if offering_of[j].hours <= offering_of[i].hours:
                    prerequisite[i] = j
                    break
    position = {i: n for n, i in enumerate(order)}
    prerequisite = {i: j for i, j in prerequisite.items() if position[j] < position[i]}

    best_cost = math.inf
    best_hours = math.inf
    best_set: frozenset[int] | None = None
    explored = 0
    exhausted = False

    # an initial plan: add in order until met, then drop what is not needed
    chosen_list: list[int] = []
    for i in order:
        chosen_list.append(i)
        if is_met(enabled_with(frozenset(chosen_list))):
            break
    for i in sorted(chosen_list, key=lambda i: (-primary(offering_of[i]), -secondary(offering_of[i]))):
        if out_of_time():
            break
        trial = frozenset(chosen_list) - {i}
        if is_met(enabled_with(trial)):
            chosen_list.remove(i)
    # the search keeps (primary, secondary) totals: (cost, hours) by default, (hours, cost) for --fastest
    best_set: frozenset[int] | None = frozenset(chosen_list)
    best_cost = sum(primary(offering_of[i]) for i in best_set)
    best_hours = sum(secondary(offering_of[i]) for i in best_set)
    best_steps = len(best_set)
    if not within(sum(offering_of[i].cost for i in best_set), sum(offering_of[i].hours for i in best_set)):
        best_set, best_cost, best_hours, best_steps = None, math.inf, math.inf, 1 << 30

    def better(cost: float, hours: float, steps: int) -> bool:
        """(primary, secondary, number of steps), lexicographically."""
        if abs(cost - best_cost) > 1e-9:
            return cost < best_cost
        if abs(hours - best_hours) > 1e-9:
            return hours < best_hours
        return steps < best_steps

    def search(pos: int, chosen: frozenset[int], cost: float, hours: float, money: float, time_: float) -> None:
        nonlocal best_cost, best_hours, best_steps, best_set, explored, exhausted
        explored += 1
        if explored > SEARCH_NODE_BUDGET or out_of_time():
            exhausted = True
            return
        if not better(cost, hours, len(chosen)) or not within(money, time_):
            return
        if chosen and is_met(enabled_with(chosen)):
            best_cost, best_hours, best_steps, best_set = cost, hours, len(chosen), chosen
            return
        if pos == len(order):
            return
        lb = lower_bound(chosen, order[pos:], primary)
        if not better(cost + lb, hours, len(chosen) + (1 if lb > 0 else 0)):
            return
        if objective == "cost" and budget is not None and money + lb > budget + 1e-9:
            return
        # the constraint on the other quantity prunes with its own bound (the Pareto set's searches rely on it)
        if objective == "cost" and max_hours is not None and \
                time_ + lower_bound(chosen, order[pos:], lambda o: o.hours) > max_hours + 1e-9:
            return
        if objective == "weeks" and budget is not None and \
                money + lower_bound(chosen, order[pos:], lambda o: o.cost) > budget + 1e-9:
            return
        if objective == "weeks" and max_hours is not None and time_ + lb > max_hours + 1e-9 and \
                not any(offering_of[j].calendar_weeks or offering_of[j].eligible_after_months for j in order[pos:]):
            return
        if cost + lb >= best_cost - 1e-9:
            # it can at best tie on the first, so it must win on the second: bound that too
            second_lb = lower_bound(chosen, order[pos:], secondary)
            if not better(best_cost, hours + second_lb, len(chosen) + (1 if lb > 0 or second_lb > 0 else 0)):
                return
        i = order[pos]
        o = offering_of[i]
        if i not in prerequisite or prerequisite[i] in chosen:
            search(pos + 1, chosen | {i}, cost + primary(o), hours + secondary(o), money + o.cost, time_ + o.hours)
        if exhausted:
            return
        search(pos + 1, chosen, cost, hours, money, time_)

    search(0, frozenset(), 0.0, 0.0, 0.0, 0.0)
    if best_set is None:  # nothing within the budget / time limit
        after = evaluator.evaluate(enabled_with(frozenset()))
        return Completion(pathway=pathway, already_met=False, feasible=False, steps=[], cost=0.0, hours=0.0,
                          exact=not (exhausted or inexact[0]), explored=explored, covers={}, evaluation_after=after,
                          currencies=sorted({o.currency for o in offerings}), constrained=True)
    plan = sorted(best_set, key=lambda i: (offering_of[i].hours, offering_of[i].id))
    if evaluator.deadline is not None:  # the explanation of the plan gets what is left, and a little at least
        evaluator.deadline = max(evaluator.deadline, time.monotonic() + 0.1)
    after = evaluator.evaluate(enabled_with(best_set))
    exhausted = exhausted or inexact[0] or not after.exhaustive
    if after.status != "met":  # the budget ran out before any plan was proven to complete the goal
        return Completion(pathway=pathway, already_met=False, feasible=False, steps=[], cost=0.0, hours=0.0,
                          exact=False, explored=explored, covers={}, evaluation_after=after,
                          currencies=sorted({o.currency for o in offerings}))
    covers: dict[str, list[str]] = {}
    for wallet_id, node_ids in after.used.items():
        if wallet_id.startswith("offering:"):
            covers[wallet_id.split(":", 1)[1]] = node_ids
    steps = _prerequisites_first([offering_of[i] for i in plan])
    total_hours = sum(o.hours for o in steps)
    estimate = None
    schedule: list[dict[str, Any]] = []
    renewals: list[dict[str, Any]] = []
    if hours_per_week and hours_per_week > 0:
        schedule, estimate, _ = _schedule(pathway, steps, as_of, hours_per_week)
        renewals = _renewals(after, estimate, offerings)
    return Completion(pathway=pathway, already_met=False, feasible=True, steps=steps,
                      cost=sum(o.cost for o in steps), hours=total_hours, exact=not exhausted, explored=explored,
                      covers=covers, evaluation_after=after, hours_per_week=hours_per_week,
                      estimated_completion=estimate, currencies=sorted({o.currency for o in steps}),
                      objective=objective, schedule=schedule, renewals=renewals)


def _prerequisites_first(steps: list[Offering]) -> list[Offering]:
    """The plan's steps in an order that takes each offering's ``requires`` first (shortest first otherwise)."""
    ids = {o.id for o in steps}
    done: set[str] = set()
    out: list[Offering] = []
    pending = sorted(steps, key=lambda o: (o.source == "self", o.hours, o.id))
    while pending:
        ready = [o for o in pending if all(r in done or r not in ids for r in o.requires)] or pending[:1]
        step = ready[0]
        out.append(step)
        done.add(step.id)
        pending.remove(step)
    return out


def _schedule(pathway: Pathway, steps: list[Offering], as_of: datetime, hours_per_week: float
              ) -> tuple[list[dict[str, Any]], datetime, timedelta]:
    """Dated steps, the day the plan ends and how long it waits for a renewal window. Courses and exams follow one
    another at the pace; experience runs alongside them for the months the pathway asks (calendar months, as
    experience is counted); the plan ends when both have.

    A renewal that can be taken only from a day before its expiry (``opens``: the route's
    ``opens_before_expiry``) is never dated before that day: when its turn comes earlier it is taken the day the
    window opens, and the step under way then pauses for it (the hours a week go to the renewal); when nothing
    is left to do by then, the plan waits for the window, and that wait is in its finish."""
    out: list[dict[str, Any]] = []
    cursor = as_of
    end = as_of
    waited = timedelta(0)
    pending: list[Offering] = []  # renewals whose window opens after their turn, soonest first

    def length(o: Offering) -> timedelta:
        return timedelta(weeks=o.hours / hours_per_week)

    def taken(o: Offering, start: datetime, finish: datetime) -> dict[str, Any]:
        opens = getattr(o, "opens", None)
        return {"step": o.id, "name": o.name, "start": format_datetime(start), "end": format_datetime(finish),
                "note": f"the renewal opens on {opens.date().isoformat()}"}

    for o in steps:
        if o.source == "self" and o.id.startswith("self:"):
            node = pathway.requirements.get(o.id.split(":", 1)[1])
            if node is not None and node.kind == "experience":
                if node.min_months:
                    finish = add_months(as_of, math.ceil(node.min_months))
                else:
                    finish = as_of + timedelta(weeks=(node.min_hours or 0) / 40)  # full-time hours
                out.append({"step": o.id, "name": o.name, "start": format_datetime(as_of),
                            "end": format_datetime(finish), "note": "work experience, alongside the courses"})
                end = max(end, finish)
                continue
        opens = getattr(o, "opens", None)
        if opens is not None and opens > cursor:
            pending.append(o)
            pending.sort(key=lambda r: (r.opens, r.id))
            continue
        start = cursor
        notes = [("after " + ", ".join(o.requires))] if o.requires else []
        if o.eligible_after_months:
            # counted from today: experience already held shortens the wait, the issuer checks it
            start = max(start, add_months(as_of, math.ceil(o.eligible_after_months)))
            notes.append(f"eligible after {o.eligible_after_months:g} months of relevant experience")
        # a window that opens while nothing is under way (waiting for eligibility): the renewal is taken then
        free = cursor
        while pending and pending[0].opens <= start:
            renewal = pending.pop(0)
            begin = max(renewal.opens, free)
            free = begin + length(renewal)
            out.append(taken(renewal, begin, free))
            start = max(start, free)
        finish = start + length(o)
        entry = {"step": o.id, "name": o.name, "start": format_datetime(start), "end": "", "note": None}
        out.append(entry)
        # a window that opens while this step is under way: the step pauses for the renewal
        free = start
        while pending and pending[0].opens < finish:
            renewal = pending.pop(0)
            begin = max(renewal.opens, free)
            free = begin + length(renewal)
            finish += length(renewal)
            out.append(taken(renewal, begin, free))
            notes.append(f"paused on {begin.date().isoformat()} for {renewal.name}")
        entry["end"] = format_datetime(finish)
        entry["note"] = "; ".join(notes) or None
        cursor = finish
        end = max(end, finish)
    # windows that open after everything else is done: the plan waits for them
    for renewal in pending:
        begin = max(renewal.opens, cursor)
        waited += begin - cursor
        cursor = begin + length(renewal)
        out.append(taken(renewal, begin, cursor))
        end = max(end, cursor)
    return out, end, waited


def _renewals(evaluation: PathwayEvaluation | None, finish: datetime, offerings: Sequence[Offering]
              ) -> list[dict[str, Any]]:
    """Credentials the plan counts that expire before it is finished: each needs renewing, at the cost of the
    offering that renews it (``renews``), else through the issuer's renewal route."""
    if evaluation is None:
        return []
    out = []
    seen: set[str] = set()
    for node in _walk(evaluation.tree):
        for c in node.credentials:
            if c.get("hypothetical") or not c.get("expires") or c["wallet_id"] in seen:
                continue
            expires = datetime.fromisoformat(c["expires"].replace("Z", "+00:00"))
            if expires > finish:
                continue
            seen.add(c["wallet_id"])
            renewal = next((o for o in offerings if o.renews and o.renews.casefold() == (c["title"] or "").casefold()),
                           None)
            out.append({"wallet_id": c["wallet_id"], "title": c["title"], "expires": c["expires"],
                        "renewal": renewal.to_dict() if renewal else None,
                        "message": f"{c['title']} expires on {expires.date().isoformat()}, before the plan ends: "
                                   + (f"renew it with {renewal.name} ({renewal.cost:,.2f} {renewal.currency})"
                                      if renewal else "renew it through its issuer's renewal route")})
    return out


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def pareto_plans(pathway: Pathway, credentials: Sequence[HeldCredential], offerings: Iterable[Offering], *,
                 as_of: datetime, hours_per_week: float | None = None, budget: float | None = None,
                 max_hours: float | None = None, time_limit: float | None = PLAN_SECONDS, **options: Any
                 ) -> list[Completion]:
    """The trade-off between cost and time: every plan no other plan beats on both (the Pareto set), cheapest
    first. Found exactly by the epsilon-constraint method: the cheapest plan, then the cheapest plan that takes
    fewer hours than the last one, until none does. One work budget for all of them."""
    offerings = list(offerings)
    deadline = time.monotonic() + time_limit if time_limit else None
    plans: list[Completion] = []
    limit = max_hours
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None:
            if plans and remaining <= 0.05:
                # out of time: the plans so far (the first is always computed), and a faster plan than the last
                # may exist, so the set is not proven whole: the last plan says so (`exact` false)
                plans[-1].exact = False
                break
            remaining = max(remaining, 0.1)
        plan = cheapest_completion(pathway, credentials, offerings, as_of=as_of, hours_per_week=hours_per_week,
                                   budget=budget, max_hours=limit, time_limit=remaining, **options)
        if plan.already_met:
            return [plan]
        if not plan.feasible:
            if not plans:
                plans.append(plan)  # why nothing completes the goal
            break
        if plans and plan.cost <= plans[-1].cost + 1e-9:
            plans.pop()  # as cheap and faster: the slower one was dominated
        plans.append(plan)
        if plan.hours <= 0 or not plan.exact:
            break
        limit = plan.hours - 1e-6  # strictly fewer hours next
    return plans


def _dominated_alternatives(pathway: Pathway, evaluator: PathwayEvaluator, serves: dict[int, set[str]],
                            kept: Sequence[int], offering_of: dict[int, Offering], effort) -> dict[int, int]:
    """``{i: j}``: offering ``i`` is dominated by ``j``, an alternative under the same ``any``. Each serves one
    requirement only, the two are children of one ``any`` (their only parent), ``j``'s is met by one credential
    (a leaf: any candidate meets it), and ``j`` costs no more and takes no longer. A plan taking ``i`` without
    ``j`` stays complete with ``j`` in its place (the ``any`` is met by ``j``'s child, and ``i`` served nothing
    else), no dearer and no slower: the search leaves ``i`` out. The built-in goals' practice is such a choice:
    a project you attest, free and at once, or months of work."""
    parents: dict[str, list[str]] = {}
    for node_id, node in pathway.requirements.items():
        for child in node.children:
            parents.setdefault(child, []).append(node_id)
    granted = {t.grants for t in pathway.transfers if t.grants} | set(evaluator.transfer_credit)

    def plain(node_id: str) -> str | None:
        """The ``any`` parent of a requirement nothing else reaches (no shortcut, transfer or ``not``)."""
        node = pathway.requirements.get(node_id)
        if node is None or node.children or node.shortcut is not None or node.completes_with is not None:
            return None
        if node_id in granted or node_id in evaluator.under_not or evaluator.shortcut_of.get(node_id):
            return None
        up = parents.get(node_id, [])
        return up[0] if len(up) == 1 and pathway.requirements[up[0]].kind == "any" else None

    single = {}
    for i in kept:
        if len(serves[i]) == 1:
            (node_id,) = serves[i]
            parent = plain(node_id)
            if parent is not None:
                single[i] = (node_id, parent)
    out: dict[int, int] = {}
    for i, (node_i, parent_i) in single.items():
        for j, (node_j, parent_j) in single.items():
            if i == j or parent_i != parent_j or node_i == node_j or node_j not in evaluator.leaf_of_node:
                continue
            oi, oj = offering_of[i], offering_of[j]
            if oj.cost <= oi.cost and oj.hours <= oi.hours and effort(oj) <= effort(oi) and \
                    (oj.cost, effort(oj), oj.id) < (oi.cost, effort(oi), oi.id):
                out[i] = j
                break
    return out


def _units_needed(node, item, evaluator: PathwayEvaluator) -> int:
    """How many copies of one offering an aggregate could use (bounded, for pruning duplicates)."""
    if node.kind == "count":
        return int(node.minimum)
    if node.kind in ("sum", "experience"):
        value = evaluator._value(item, node)
        target = node.min_hours if node.kind == "experience" and node.min_hours is not None else (
            node.min_months if node.kind == "experience" else node.minimum)
        if value and value > 0 and target:
            return max(1, math.ceil(float(target) / value))
        return 1
    return 1


def _aggregate_bound(node, evaluator: PathwayEvaluator, have, remaining: set[int], offering_of, k,
                     weight=lambda o: o.cost) -> float:
    """A lower bound on the cost of closing a count / sum / experience deficit with the remaining offerings."""
    if node.kind == "mean" or evaluator.transfer_credit.get(node.id):
        return 0.0
    pool = evaluator.aggregate_pool.get(node.id, ())
    items = evaluator.index.items
    # a fractional knapsack: fill the deficit with the cheapest units first, each offering charged cost / k
    if node.kind == "count":
        deficit = node.minimum - sum(1 for i in pool if have(i))
        units = [(weight(offering_of[i]) / k[i], 1.0) for i in pool if i in remaining]
    else:
        target = (node.min_hours if node.min_hours is not None else node.min_months) if node.kind == "experience" \
            else node.minimum
        deficit = float(target) - sum(evaluator._value(items[i], node) for i in pool if have(i))
        units = []
        for i in pool:
            if i in remaining:
                value = evaluator._value(items[i], node)
                if value > 0:
                    units.append((weight(offering_of[i]) / k[i], value))
    if deficit <= 0:
        return 0.0
    if node.kind != "count" and units and deficit <= 2000 and all(float(v).is_integer() for _, v in units):
        # whole credits / hours: each offering is taken once or not at all, so a 0/1 min-cost cover (dynamic
        # programming over the deficit) is a tighter bound than the fractional one, and still a lower bound
        need = math.ceil(deficit - 1e-9)
        best = [0.0] + [math.inf] * need
        for cost, value in units:
            step = int(value)
            for reached in range(need, 0, -1):
                before = best[max(0, reached - step)]
                if before + cost < best[reached]:
                    best[reached] = before + cost
        return best[need]
    bound = 0.0
    for cost, value in sorted(units, key=lambda u: u[0] / u[1]):
        take = min(value, deficit)
        bound += cost * take / value
        deficit -= take
        if deficit <= 1e-9:
            return bound
    return math.inf


def _has_shared_nodes(pathway: Pathway) -> bool:
    parents: dict[str, int] = {}
    for node in pathway.requirements.values():
        for child in node.children:
            parents[child] = parents.get(child, 0) + 1
    return any(n > 1 for n in parents.values())


def _required_nodes(pathway: Pathway) -> set[str]:
    """Requirements every completion must meet: reached from the root through ``all`` (or at-least-all) only,
    and without a shortcut or transfer on the way (either could meet them another way)."""
    out: set[str] = set()
    granted = {t.grants for t in pathway.transfers if t.grants}
    stack = [pathway.root]
    while stack:
        node_id = stack.pop()
        if node_id in out:
            continue
        node = pathway.requirements[node_id]
        if node.shortcut is not None or node_id in granted:
            continue
        out.add(node_id)
        if node.kind == "all" or (node.kind == "at_least" and node.n == len(node.children)):
            stack.extend(node.children)
    return out


# --- renewals inside the plan ---------------------------------------------------------------------------------
#
# A plan is judged on the day it finishes, not today: a held credential a requirement relies on that expires
# before the plan ends would no longer count then. Such a credential is taken out of the held ones and offered
# back as a *renewal step* (each route that renews it, stacking/renewal.py), priced like any offering, so the
# optimiser weighs renewing it against replacing it, and the plan's total, hours and schedule include it.

DEFAULT_PACE = 10.0  # hours a week, for the finish date of a plan asked for without --hours-per-week


@dataclass
class RenewalStep(Offering):
    """Renewing a held credential through one route; the renewed credential counts in the held one's place."""

    renewed: Any = None  # the Held the plan counts once renewed (the holder's credential, its expiry moved on)
    renews_wallet_id: str | None = None
    expires: datetime | None = None  # the held credential's expiry: the step must be done by then
    route: str | None = None  # the catalogue offering that is the route
    opens: datetime | None = None  # the day the route's window opens (opens_before_expiry): not dated earlier

    def hypothetical_credential(self, as_of: datetime) -> Held:
        return self.renewed

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update({"kind": "renewal", "route": self.route, "renews_wallet_id": self.renews_wallet_id,
                    "renew_by": format_datetime(self.expires), "renew_from": format_datetime(self.opens)})
        return out


def _renewal_steps(item: HeldCredential, routes: Sequence[Offering], inference: Any) -> list[RenewalStep]:
    """One step per route renewing ``item``. The renewed copy keeps what the held credential evidences, the
    skills the catalogue infers for it included (a hypothetical credential is not inferred again)."""
    import copy

    from skillwallet.model import utc

    credential = copy.copy(item.credential)
    credential.expires = None  # renewed: valid past the plan's end (the next cycle is the issuer's to date)
    credential.tags = [*credential.tags, *(getattr(item, "tags", None) or ())]
    if inference is BUILTIN:
        from skillwallet.stacking.inference import builtin_inference

        inference = builtin_inference()
    inferred = inference.infer(item.credential) if inference is not None else None
    if inferred is not None:
        own = {s.name.casefold() for s in credential.skills if s.name}
        credential.skills = [*credential.skills, *(Skill(name=n, level=inferred.level, source="skill")
                                                   for n in inferred.skills if n.casefold() not in own)]
    out = []
    expires = utc(item.credential.expires)
    for route in routes:
        step_id = f"renew:{item.wallet_id}:{route.id}"
        renewed = Held(wallet_id=f"offering:{step_id}", credential=credential, verdict=item.verdict)
        window = getattr(route, "opens_before_expiry", None)
        out.append(RenewalStep(
            id=step_id, name=route.name, cost=route.cost, hours=route.hours, currency=route.currency,
            provider=route.provider, url=route.url, achievement_id=None, achievement_type="Renewal", skills=[],
            source=route.source, price_source=route.price_source, checked=route.checked,
            renews=item.credential.title or route.renews, renewed=renewed, renews_wallet_id=item.wallet_id,
            expires=expires, route=route.id, opens_before_expiry=window, opens=window_opens(window, expires)))
    return out


def _renewable(item: HeldCredential) -> bool:
    """Verified, not self-attested, neither revoked nor suspended: what renewing keeps counting as it does."""
    c, verdict = item.credential, item.verdict
    return (verdict.verdict == VERDICT_VERIFIED and not c.self_attested and c.format != FORMAT_SELF
            and verdict.checks.get("status") not in ("revoked", "suspended"))


def _deadline_order(pathway: Pathway, steps: list[Offering], as_of: datetime, pace: float) -> list[Offering]:
    """The plan's steps with each renewal placed before the first step that would push it past the expiry of the
    credential it renews (earliest expiry first), the other steps in their own order. A renewal whose window has
    not opened by its place is taken when it opens (:func:`_schedule`)."""
    pending = sorted((s for s in steps if isinstance(s, RenewalStep)), key=lambda s: (s.expires, s.id))
    if not pending:
        return list(steps)
    out: list[Offering] = []
    for step in (s for s in steps if not isinstance(s, RenewalStep)):
        while pending:
            trial = _schedule(pathway, [*out, step, pending[0]], as_of, pace)[0]
            entry = next(e for e in trial if e["step"] == pending[0].id)
            if datetime.fromisoformat(entry["end"].replace("Z", "+00:00")) <= pending[0].expires:
                break
            out.append(pending.pop(0))  # doing the course first would let the credential lapse
        out.append(step)
    return [*out, *pending]


def _finish_plan(pathway: Pathway, plan: Completion, as_of: datetime, hours_per_week: float | None,
                 expiring: dict[str, datetime], unverified: frozenset[str] = frozenset()) -> Completion:
    """Steps in deadline order, the schedule and finish date with the renewals in them, and a warning for each
    counted credential that lapses before the end with no renewal route known (its renewal is not costed)."""
    from dataclasses import replace

    if not plan.feasible or plan.already_met:
        return plan
    pace = hours_per_week or DEFAULT_PACE
    steps = _deadline_order(pathway, plan.steps, as_of, pace)
    schedule, estimate, waited = _schedule(pathway, steps, as_of, pace)
    renewing = {s.id: s for s in steps if isinstance(s, RenewalStep)}
    for entry in schedule:
        step = renewing.get(entry["step"])
        if step is not None:
            # _schedule's note, when there is one, says the renewal waited for its window
            note = f"renews {step.renews} before it expires on {step.expires.date().isoformat()}"
            if entry["note"]:
                note += "; " + entry["note"]
            if datetime.fromisoformat(entry["end"].replace("Z", "+00:00")) > step.expires:
                note += "; at this pace it ends after that date: " + (
                    "take it the week it opens" if step.opens is not None and step.opens > as_of else "start it at once")
            entry["note"] = note
    warnings = []
    seen: set[str] = set()
    if plan.evaluation_after is not None:
        for node in _walk(plan.evaluation_after.tree):
            for c in node.credentials:
                wallet_id = c["wallet_id"]
                if c.get("hypothetical") or wallet_id in seen or wallet_id not in expiring:
                    continue
                if expiring[wallet_id] > estimate:
                    continue
                seen.add(wallet_id)
                why = ("it is not verified, so no renewal of it is planned" if wallet_id in unverified
                       else "no renewal route is known, so renewing it is not in the total; ask its issuer")
                warnings.append({
                    "wallet_id": wallet_id, "title": c["title"], "expires": format_datetime(expiring[wallet_id]),
                    "renewal": None,
                    "message": f"{c['title']} expires on {expiring[wallet_id].date().isoformat()}, before the plan "
                               f"ends around {estimate.date().isoformat()}"
                               + ("" if hours_per_week else f" (at {DEFAULT_PACE:g} h/week)")
                               + ": " + why})
    timed = hours_per_week is not None and hours_per_week > 0
    return replace(plan, steps=steps, cost=sum(o.cost for o in steps), hours=sum(o.hours for o in steps),
                   currencies=sorted({o.currency for o in steps}), schedule=schedule if timed else [],
                   estimated_completion=estimate if timed else None, renewals=warnings,
                   waiting_weeks=waited / timedelta(weeks=1) if timed else 0.0)


def _timing(pathway: Pathway, steps: Sequence[Offering], as_of: datetime, pace: float) -> tuple[datetime, float]:
    """The day ``steps`` are done (renewals by their deadlines and windows) and the weeks they take: study at the
    pace and any wait for a renewal window, as :attr:`Completion.weeks` counts them."""
    if not steps:
        return as_of, 0.0
    _, finish, waited = _schedule(pathway, _deadline_order(pathway, list(steps), as_of, pace), as_of, pace)
    return finish, sum(o.hours for o in steps) / pace + waited / timedelta(weeks=1)


def _countable(pathway: Pathway, items: Sequence[HeldCredential], *, as_of: datetime, inference: Any,
               trusted_issuers: Iterable[str]) -> set[str]:
    """The wallet ids among ``items`` that some requirement of ``pathway`` could count (a leaf, a shortcut, an
    aggregate or a transfer rule matches them). A credential no requirement matches never needs renewing."""
    if not items:
        return set()
    index = CredentialIndex(items, as_of=as_of, inference=inference)
    evaluator = PathwayEvaluator(pathway, index, trusted_issuers=trusted_issuers)
    matched: set[int] = set()
    for leaf in [*evaluator.leaves, *(extra for extras in evaluator.shortcut_of.values() for extra in extras)]:
        matched.update(leaf.candidates)
    for pool in evaluator.aggregate_pool.values():
        matched.update(pool)
    for rules in evaluator.transfer_credit.values():
        for granted, _, _, _ in rules:
            matched.update(granted)
    return {index.items[i].wallet_id for i in matched}


def _plan_renewing(pathway: Pathway, credentials: Sequence[HeldCredential], offerings: Iterable[Offering], *,
                   as_of: datetime, hours_per_week: float | None, inference: Any, time_limit: float | None,
                   every_plan: bool, options: dict[str, Any]) -> list[Completion]:
    """The cheapest plan (or, with ``every_plan``, the Pareto set of cost against weeks), each judged at its own
    finish date: a counted credential that lapses before then is renewed inside that plan or replaced, and a plan
    renews nothing that outlasts it. One work budget for every plan made.

    Which held credentials lapse depends on the plan's own length, so the plans are found by how many of the
    renewable credentials lapse: the ``j`` soonest to expire. For each ``j`` those are taken out and offered back
    as renewal steps (:func:`_renewal_steps`), and a plan made so is one of that kind when it ends before the next
    expiry (the credentials still held outlast it). Taking a renewal out of a plan and holding the credential
    again keeps it complete, no dearer and no longer, so a plan where more lapse never costs less than the
    cheapest where fewer do: once that cheapest plan ends before the next expiry, nothing where more lapse can
    beat it, and the search stops. A renewal a plan turns out not to need (its credential outlasts the plan
    without it) is taken out and the plan made again with the credential held, and then every plan no other
    beats on both cost and weeks is kept (``tests/stacking/test_plans.py`` checks it against a brute force)."""
    from skillwallet.model import utc
    from skillwallet.stacking.renewal import RenewalRoutes

    offerings = list(offerings)
    options = dict(options)
    budget = options.pop("budget", None)
    max_hours = options.pop("max_hours", None)
    objective = options.get("objective", "cost")
    deadline = time.monotonic() + time_limit if time_limit else None

    def remaining(share: float = 1.0) -> float | None:
        return None if deadline is None else max(0.05, (deadline - time.monotonic()) * share)

    def out_of_time() -> bool:
        return deadline is not None and time.monotonic() > deadline

    def solve(held, offered, limit, *, every: bool = every_plan, **constraints) -> list[Completion]:
        constraints = {"budget": budget, "max_hours": max_hours, **constraints}
        if every:
            return pareto_plans(pathway, held, offered, as_of=as_of, hours_per_week=hours_per_week,
                                inference=inference, time_limit=limit, **constraints, **options)
        return [cheapest_completion(pathway, held, offered, as_of=as_of, hours_per_week=hours_per_week,
                                    inference=inference, time_limit=limit, **constraints, **options)]

    base = [o for o in offerings if not o.renews]  # a route alone awards nothing: it is offered per credential
    credentials = list(credentials)
    expiring = {item.wallet_id: utc(item.credential.expires) for item in credentials
                if item.credential.expires is not None and utc(item.credential.expires) > as_of}
    routes = RenewalRoutes(offerings)
    by_id = {item.wallet_id: item for item in credentials}
    found: dict[str, list[Offering]] = {}
    if routes.routes:
        # only a credential that counts as verified is renewed in a plan: the renewed copy is planning data
        # and carries no warnings, so renewing an unverified or self-attested one would launder it into a
        # plan that counts it where the pathway's policy does not (count_unverified = false)
        found = {w: routes.for_credential(by_id[w].credential) for w in expiring if _renewable(by_id[w])}
    unverified = frozenset(w for w in expiring if not _renewable(by_id[w]))
    pace = hours_per_week or DEFAULT_PACE

    def finished(plans: list[Completion]) -> list[Completion]:
        return [_finish_plan(pathway, p, as_of, hours_per_week, expiring, unverified) for p in plans]

    renewable = [w for w, r in found.items() if r]
    if renewable:
        renewable = sorted(_countable(pathway, [by_id[w] for w in renewable], as_of=as_of, inference=inference,
                                      trusted_issuers=options.get("trusted_issuers", ())))
    if not renewable:  # nothing the goal counts can be renewed: one plan (set) is the answer, with the whole budget
        return finished(solve(credentials, base, remaining()))
    expiries = sorted({expiring[w] for w in renewable})

    def finish_of(plan: Completion) -> datetime:
        return _timing(pathway, plan.steps, as_of, pace)[0] if plan.feasible and not plan.already_met else as_of

    def key(plan: Completion) -> tuple:
        weeks = _timing(pathway, plan.steps, as_of, pace)[1]
        first, second = (plan.cost, weeks) if objective == "cost" else (weeks, plan.cost)
        return (round(first, 6), round(second, 6), len(plan.steps), [o.id for o in plan.steps])

    candidates: list[tuple[Completion, list[HeldCredential]]] = []  # each plan with the credentials it holds
    inexact = False
    last: list[Completion] = []
    j = 0
    while j <= len(expiries):
        lapsed = {w for w in renewable if j and expiring[w] <= expiries[j - 1]}
        upto = expiries[j] if j < len(expiries) else None  # the credentials still held expire then, the first
        held = [c for c in credentials if c.wallet_id not in lapsed]
        offered = base + [s for w in sorted(lapsed) for s in _renewal_steps(by_id[w], found[w], inference)]
        plans = last = solve(held, offered, remaining(1.0 if upto is None else 0.5))
        inexact = inexact or any(not p.exact for p in plans if p.feasible)
        if not plans[0].feasible:
            break  # nor with more lapsing: such a plan, its renewals taken out, would be one here
        fits = [p for p in plans if upto is None or finish_of(p) < upto]
        candidates.extend((p, held) for p in fits)
        if any(p is plans[0] for p in fits):
            break  # the cheapest plan here ends before the next expiry: none where more lapse is cheaper
        if not every_plan:
            # the Pareto set holds every trade-off already; the cheapest plan alone needs the cheapest one here
            # that ends before the next expiry, when it can beat the best so far
            cap = (upto - as_of) / timedelta(weeks=1) * pace - 1e-6
            best = min(candidates, key=lambda c: key(c[0]))[0] if candidates else None
            tighter = {"max_hours": cap if max_hours is None else min(max_hours, cap)}
            if best is not None and objective == "cost":
                tighter["budget"] = best.cost if budget is None else min(budget, best.cost)
            elif best is not None:
                tighter["max_hours"] = min(tighter["max_hours"], best.hours)
            capped = solve(held, offered, remaining(0.5), **tighter)
            inexact = inexact or any(not p.exact for p in capped if p.feasible)
            candidates.extend((p, held) for p in capped if p.feasible and finish_of(p) < upto)
        if out_of_time():
            if candidates:
                break
            j = len(expiries)  # straight to the plans where everything lapses: they end before no expiry
            continue
        j += 1
    if not candidates:  # nothing within the constraints (or why nothing completes the goal)
        return finished(last)

    settled: dict[tuple[str, ...], Completion] = {}
    for plan, held in candidates:
        plan = _without_unneeded_renewals(pathway, plan, held, by_id, as_of=as_of, pace=pace,
                                          solve=lambda h, o: solve(h, o, remaining(0.2), every=False)[0])
        settled.setdefault(tuple(sorted(o.id for o in plan.steps)), plan)
    plans = finished(list(settled.values()))
    if inexact:
        from dataclasses import replace

        plans = [replace(p, exact=False) for p in plans]
    if not every_plan:
        return [min(plans, key=key)]
    # the Pareto set over every kind of plan: a plan another beats on both cost and weeks leaves it
    points = sorted(((p.cost, _timing(pathway, p.steps, as_of, pace)[1], p) for p in plans),
                    key=lambda t: (round(t[0], 6), round(t[1], 6), len(t[2].steps)))
    front: list[Completion] = []
    best_weeks = math.inf
    for cost, weeks, plan in points:
        if weeks < best_weeks - 1e-9:  # cheapest first: it must be faster than every cheaper (or as cheap) one
            front.append(plan)
            best_weeks = weeks
    return front


def _without_unneeded_renewals(pathway: Pathway, plan: Completion, held: list[HeldCredential],
                               by_id: dict[str, HeldCredential], *, as_of: datetime, pace: float, solve
                               ) -> Completion:
    """``plan`` without the renewals it does not need: a renewal whose credential, held as it is, outlasts the
    plan made without that renewal. The plan is made again from its own steps with the credential held (the
    renewed copy counted nothing the held one does not), so its cost, hours, schedule and what it fills are
    the shorter plan's. Repeated: a shorter plan may need fewer renewals still."""
    while plan.feasible and not plan.already_met:
        renewals = sorted((s for s in plan.steps if isinstance(s, RenewalStep)),
                          key=lambda s: (-s.expires.timestamp(), s.id))  # the latest to lapse first
        drop = next((s for s in renewals
                     if s.expires > _timing(pathway, [o for o in plan.steps if o is not s], as_of, pace)[0]), None)
        if drop is None:
            return plan
        held = [*held, by_id[drop.renews_wallet_id]]
        own = [o for o in plan.steps if o is not drop and not (o.source == "self" and o.id.startswith("self:"))]
        again = solve(held, own)
        if not again.feasible:
            return plan  # out of budget before it was proven complete: keep the plan as made
        plan = again
    return plan


def cheapest_completion_renewing(pathway: Pathway, credentials: Sequence[HeldCredential],
                                 offerings: Iterable[Offering], *, as_of: datetime,
                                 hours_per_week: float | None = None, inference: Any = BUILTIN,
                                 time_limit: float | None = PLAN_SECONDS, **options: Any) -> Completion:
    """:func:`cheapest_completion`, judged at the plan's finish: credentials it relies on that lapse before then
    are renewed inside it (cost, hours and schedule), renewing weighed against replacing them."""
    return _plan_renewing(pathway, credentials, offerings, as_of=as_of, hours_per_week=hours_per_week,
                          inference=inference, time_limit=time_limit, every_plan=False, options=options)[0]


def pareto_plans_renewing(pathway: Pathway, credentials: Sequence[HeldCredential], offerings: Iterable[Offering], *,
                          as_of: datetime, hours_per_week: float | None = None, inference: Any = BUILTIN,
                          time_limit: float | None = PLAN_SECONDS, **options: Any) -> list[Completion]:
    """:func:`pareto_plans` with renewals inside each plan (see :func:`cheapest_completion_renewing`): every plan
    carries the renewals it needs at its own finish and no other."""
    return _plan_renewing(pathway, credentials, offerings, as_of=as_of, hours_per_week=hours_per_week,
                          inference=inference, time_limit=time_limit, every_plan=True, options=options)
