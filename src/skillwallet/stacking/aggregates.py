"""The requirements that add up several credentials: count, sum (credits, hours), mean (grades) and work
experience (months or hours, of relevant experience only).

Each has a pool of candidates compiled once (:meth:`AggregateRequirements._compile_aggregate`), sorted by
value (:meth:`~AggregateRequirements._sorted_pool`), and takes what is free best first
(:meth:`~AggregateRequirements._aggregate`). Count, sum and experience *lock* what they take unless the
pathway allows double counting; a mean only reads grades. Which aggregate gets a credential two of them want
is decided by the assignment search (stacking/search.py).

:class:`AggregateRequirements` is a part of :class:`~skillwallet.stacking.evaluate.PathwayEvaluator`; it reads
the evaluator's ``index``, ``policy``, ``trusted``, ``consuming`` and ``transfer_credit`` and fills
``aggregate_pool``, ``aggregate_rule``, ``experience_why``, ``irrelevant`` and ``unit_notes``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from skillwallet.model import parse_datetime, utc
from skillwallet.stacking.credential_index import Prepared
from skillwallet.stacking.dates import months_between
from skillwallet.stacking.model import EXPERIENCE_TYPES, OCCUPATION_CODE, Requirement
from skillwallet.stacking.units import convert


class AggregateRequirements:
    """Compiling and evaluating count, sum, mean and experience requirements."""

    def _compile_aggregate(self, node_id: str, node: Requirement) -> None:
        """The pool of credentials a count, sum, mean or experience requirement may take from."""
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
