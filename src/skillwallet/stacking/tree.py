"""The requirement tree on one assignment of credentials to leaves: each requirement met or not and how far
along, children before parents. Leaves are met by their assigned credential, aggregates by what they take
(stacking/aggregates.py), and the combinators by their children: ``all``, ``any``, ``at_least`` N (at most M
counted), ``not``, and a ``sum`` of the children's credit values (CTDL creditValue). A shortcut or a
transferred credential meets a whole branch.

:class:`RequirementTree` is a part of :class:`~skillwallet.stacking.evaluate.PathwayEvaluator`.
"""

from __future__ import annotations

from skillwallet.stacking.model import AGGREGATES


class RequirementTree:
    """The walk over the requirement tree."""

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
