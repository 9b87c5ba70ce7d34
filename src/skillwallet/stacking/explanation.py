"""The explained evaluation: the requirement tree with, for each requirement, its status, what met it and
through which rule, what is missing, and the warnings of what was counted (a :class:`PathwayEvaluation`).

How to *fill* what is missing (offerings, commands) is stacking/explain.py, added afterwards.

:class:`Explanation` is a part of :class:`~skillwallet.stacking.evaluate.PathwayEvaluator`: it runs the search
(stacking/search.py) and explains the best assignment.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from skillwallet.model import format_datetime
from skillwallet.stacking.results import EXPIRED, MET, PARTIAL, UNMET, NodeResult, PathwayEvaluation

MISSING_NAMES = 10  # requirements named in one "missing" line before "and N more"


class Explanation:
    """Explaining the best assignment the search found."""

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
