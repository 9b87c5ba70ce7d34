"""The exact assignment search: which credential counts toward which requirement.

A depth-first branch and bound over the leaves that compete for credentials (one credential counts toward
one requirement unless the pathway allows double counting; a greedy pick is wrong whenever a credential could
serve two requirements, PATHWAYS.md "What an evaluation returns"). Credentials interchangeable for the pathway
are tried once. For each assignment of the leaves, the aggregates that lock what they count share the
credentials left over exactly too (:meth:`AssignmentSearch._assign_aggregates`, a second branch and bound).

The assignment maximises, in order: the root met, the root's progress, the fewest warnings of the
single-credential requirements (unverified, self-attested, counted twice), then, as a tie-break among the
assignments found, the fewest credentials used. Every search has a work budget (nodes and seconds); past it
the best assignment found is the answer, and the evaluation says it is not proven optimal.

:class:`AssignmentSearch` is a part of :class:`~skillwallet.stacking.evaluate.PathwayEvaluator`.
"""

from __future__ import annotations

import time
from typing import Any


class AssignmentSearch:
    """The branch and bound over leaves and over the aggregates that compete, within a work budget."""

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
