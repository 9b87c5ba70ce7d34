"""Credentials indexed once for many evaluations (1,000 pathways against 10,000 credentials).

Each credential is pre-digested (:class:`Prepared`: normalised skills with their levels, achievement ids,
types, names, issuers, tags, dates, whether it is in force on the date and the warnings that come with counting
it) and indexed by each of those keys, so that a requirement finds its candidates without scanning the wallet
(:meth:`CredentialIndex.candidates`, best first). Skills the offerings catalogue says a held credential
evidences (stacking/inference.py) are added as *inferred*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from skillwallet.model import (
    FORMAT_SELF,
    VERDICT_INVALID,
    VERDICT_SELF_ASSERTED,
    VERDICT_VERIFIED,
    Credential,
    Verdict,
    utc,
)
from skillwallet.skills.taxonomy import Taxonomy, default_taxonomy, normalise_key
from skillwallet.stacking.held import HeldCredential
from skillwallet.stacking.model import Match, level_rank
from skillwallet.stacking.units import credential_unit

BUILTIN = object()  # CredentialIndex(inference=BUILTIN): infer skills from the built-in offerings catalogue


@dataclass
class Prepared:
    """One credential, pre-digested for matching."""

    index: int
    wallet_id: str
    credential: Credential
    verdict: Verdict
    skills: dict[str, float | None]  # normalised skill id -> level rank (None: unknown)
    achievement_keys: frozenset[str]
    type_keys: frozenset[str]
    name_keys: frozenset[str]
    issuer_keys: frozenset[str]
    tag_keys: frozenset[str]
    result: float | None
    issued: datetime | None
    expires: datetime | None
    usable: bool  # in force on the date and not invalid
    unusable_reason: str | None
    quality_warnings: tuple[tuple[str, str], ...]  # (kind, message) that apply whenever it is counted
    hypothetical: bool = False  # an offering's credential (--next), not a held one
    inferred_skills: frozenset[str] = frozenset()  # skill ids known only from the offerings catalogue
    inferred_from: str | None = None  # the catalogue entry they come from
    credit_unit: str | None = None  # the unit of its credits (stacking/units.py), None when not known

    @property
    def title(self) -> str:
        return self.credential.title or self.credential.achievement_id or self.wallet_id


def _as_number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


class CredentialIndex:
    """Credentials indexed once for many evaluations (1,000 pathways against 10,000 credentials)."""

    def __init__(self, items: Iterable[HeldCredential], *, as_of: datetime, taxonomy: Taxonomy | None = None,
                 hypothetical: Iterable[HeldCredential] = (), inference: Any = BUILTIN) -> None:
        self.as_of = utc(as_of)
        self.taxonomy = taxonomy or default_taxonomy()
        # skills a held credential evidences by the offerings catalogue (stacking/inference.py); None: none
        if inference is BUILTIN:
            from skillwallet.stacking.inference import builtin_inference

            inference = builtin_inference()
        self.inference = inference
        self.items: list[Prepared] = []
        self.by_skill: dict[str, list[int]] = {}
        self.by_achievement: dict[str, list[int]] = {}
        self.by_type: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_issuer: dict[str, list[int]] = {}
        self.by_tag: dict[str, list[int]] = {}
        self._cache: dict[Match, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self.allowed_cache: dict[tuple, tuple[int, ...]] = {}
        self.pool_cache: dict[tuple, list[tuple[float, int]]] = {}
        self._set_cache: dict[int, tuple[tuple[int, ...], frozenset[int]]] = {}
        self.preference: list[tuple] = []
        self._skill_cache: dict[str, str] = {}
        self.credits_without_unit: list[int] = []  # credentials with credits of unknown unit (stacking/units.py)
        self.credit_units: set[str] = set()  # the units of every credential's credits
        for item in items:
            self._add(item, hypothetical=False)
        for item in hypothetical:
            self._add(item, hypothetical=True)

    def skill_id(self, name: str | None, framework: str | None = None, code: str | None = None) -> str:
        key = f"{name}\x00{framework}\x00{code}"
        cached = self._skill_cache.get(key)
        if cached is None:
            cached = self.taxonomy.normalise(name, framework=framework, code=code).id
            self._skill_cache[key] = cached
        return cached

    def _add(self, item: HeldCredential, *, hypothetical: bool) -> None:
        c = item.credential
        verdict = item.verdict or Verdict()
        index = len(self.items)
        skills: dict[str, float | None] = {}
        for s in c.skills:
            if not (s.name or s.code or s.url):
                continue
            sid = self.skill_id(s.name, s.framework, s.code or s.url)
            rank = level_rank(s.level) if s.level else level_rank(c.level)
            if sid not in skills or (rank or 0) > (skills[sid] or 0):
                skills[sid] = rank
        inferred_skills: set[str] = set()
        inferred_from = None
        if self.inference is not None and not hypothetical:
            inferred = self.inference.infer(c)
            if inferred is not None:
                for name in inferred.skills:
                    sid = self.skill_id(name)
                    if sid not in skills:  # what the credential states itself wins
                        skills[sid] = level_rank(inferred.level) if inferred.level else None
                        inferred_skills.add(sid)
                if inferred_skills:
                    inferred_from = inferred.offering_name
        names = {normalise_key(n) for n in [c.title, *c.achievement_aliases] if n}
        # OB 3.0 extension types are written "ext:Name" (§B.2.2 AchievementType): match them by name too
        types = {t.casefold() for t in [c.achievement_type, *c.types] if t}
        types |= {t.removeprefix("ext:") for t in types}
        issuers = {v.casefold() for v in (c.issuer.id, c.issuer.name, c.issuer.url) if v}
        # the credential's own tags and the holder's wallet tags (``skillwallet tag ID step:portfolio``)
        tags = {t.casefold() for t in [*c.tags, *(getattr(item, "tags", None) or ())]}
        achievement = {a for a in [c.achievement_id, *c.achievement_aliases] if a}
        issued = utc(c.issued) if c.issued else None
        expires = utc(c.expires) if c.expires else None
        usable, reason = True, None
        status = verdict.checks.get("status")
        if verdict.verdict == VERDICT_INVALID:
            usable, reason = False, "its signature or content is invalid"
        elif status in ("revoked", "suspended"):
            usable, reason = False, f"it is {status}"
        elif expires is not None and expires <= self.as_of:
            usable, reason = False, f"it expired on {expires.date().isoformat()}"
        elif issued is not None and issued > self.as_of and not hypothetical:
            usable, reason = False, f"it was issued after {self.as_of.date().isoformat()}"
        elif c.valid_from is not None and utc(c.valid_from) > self.as_of and not hypothetical:
            usable, reason = False, f"it is not valid before {utc(c.valid_from).date().isoformat()}"
        warnings: list[tuple[str, str]] = []
        if not hypothetical:
            if c.self_attested or c.format == FORMAT_SELF:
                warnings.append(("self-attested", "self-attested entry counted"))
            elif verdict.verdict == VERDICT_SELF_ASSERTED or verdict.checks.get("issuer_binding") == "self-asserted":
                # the signature checks out, but only the credential itself says the key is the issuer's
                warnings.append(("issuer-key-not-bound", "counted, but the issuer's key is not bound to the issuer"))
            elif verdict.verdict != VERDICT_VERIFIED:
                warnings.append(("unverified", f"counted while {verdict.verdict}"))
        prepared = Prepared(
            index=index, wallet_id=item.wallet_id, credential=c, verdict=verdict, skills=skills,
            achievement_keys=frozenset(achievement), type_keys=frozenset(types), name_keys=frozenset(names),
            issuer_keys=frozenset(issuers), tag_keys=frozenset(tags), result=_as_number(c.result),
            issued=issued, expires=expires, usable=usable, unusable_reason=reason,
            quality_warnings=tuple(warnings), hypothetical=hypothetical,
            inferred_skills=frozenset(inferred_skills), inferred_from=inferred_from,
            credit_unit=credential_unit(c, getattr(item, "tags", None) or ()) if c.credits else None,
        )
        self.items.append(prepared)
        if c.credits:
            if prepared.credit_unit is None:
                self.credits_without_unit.append(index)
            else:
                self.credit_units.add(prepared.credit_unit)
        self.preference.append((len(warnings), hypothetical, -(issued.timestamp() if issued else 0.0), index))
        for sid in skills:
            self.by_skill.setdefault(sid, []).append(index)
        for key in achievement:
            self.by_achievement.setdefault(key, []).append(index)
        for key in types:
            self.by_type.setdefault(key, []).append(index)
        for key in names:
            self.by_name.setdefault(key, []).append(index)
        for key in issuers:
            self.by_issuer.setdefault(key, []).append(index)
        for key in tags:
            self.by_tag.setdefault(key, []).append(index)

    def _skill_ids(self, match: Match) -> set[str]:
        ids = {self.skill_id(name) for name in match.skills}
        ids.update(self.skill_id(None, fw or None, code) for fw, code in match.alignments)
        return ids

    def candidates(self, match: Match) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(usable, unusable) indexes of credentials the match accepts; unusable ones explain "expired"."""
        cached = self._cache.get(match)
        if cached is not None:
            return cached
        skill_ids = self._skill_ids(match) if (match.skills or match.alignments) else set()
        # start from the most selective index the match offers
        pools: list[set[int]] = []
        if skill_ids:
            pools.append({i for sid in skill_ids for i in self.by_skill.get(sid, ())})
        if match.achievement_ids:
            pools.append({i for a in match.achievement_ids for i in self.by_achievement.get(a, ())})
        if match.names:
            pools.append({i for n in match.names for i in self.by_name.get(normalise_key(n), ())})
        if match.types:
            pools.append({i for t in match.types for i in self.by_type.get(t, ())})
        if match.tags:
            pools.append({i for t in match.tags for i in self.by_tag.get(t, ())})
        if match.issuers:
            pools.append({i for t in match.issuers for i in self.by_issuer.get(t, ())})
        if pools:
            pool = min(pools, key=len)
            for other in pools:
                if other is not pool:
                    pool = pool & other
        else:
            pool = set(range(len(self.items)))
        usable: list[int] = []
        unusable: list[int] = []
        for i in sorted(pool):
            item = self.items[i]
            if not self._accepts(match, item, skill_ids):
                continue
            if item.usable or (match.allow_expired and item.unusable_reason and "expired" in item.unusable_reason):
                usable.append(i)
            else:
                unusable.append(i)
        usable.sort(key=self._preference)
        result = (tuple(usable), tuple(unusable))
        self._cache[match] = result
        return result

    def as_set(self, indexes: tuple[int, ...]) -> frozenset[int]:
        """A frozenset of a (cached) candidate tuple, built once per tuple."""
        entry = self._set_cache.get(id(indexes))
        if entry is None or entry[0] is not indexes:
            entry = (indexes, frozenset(indexes))
            self._set_cache[id(indexes)] = entry
        return entry[1]

    def _preference(self, i: int) -> tuple:
        """Best first: fewer warnings, held before hypothetical, most recent."""
        return self.preference[i]

    def _accepts(self, match: Match, item: Prepared, skill_ids: set[str]) -> bool:
        if skill_ids:
            held = [sid for sid in skill_ids if sid in item.skills]
            if not held:
                return False
            if match.min_level is not None:
                if not any((item.skills[sid] or -1) >= match.min_level for sid in held):
                    return False
        elif match.min_level is not None:
            rank = level_rank(item.credential.level)
            if rank is None or rank < match.min_level:
                return False
        if match.achievement_ids and not (item.achievement_keys & match.achievement_ids):
            return False
        if match.names and not (item.name_keys & {normalise_key(n) for n in match.names}):
            return False
        if match.types and not (item.type_keys & match.types):
            return False
        if match.tags and not (item.tag_keys & match.tags):
            return False
        if match.issuers and not (item.issuer_keys & match.issuers):
            return False
        if match.min_result is not None and (item.result is None or item.result < match.min_result):
            return False
        if match.min_credits is not None and (item.credential.credits or 0) < match.min_credits:
            return False
        if match.earned_within_days is not None:
            if item.issued is None or item.issued < self.as_of - timedelta(days=match.earned_within_days):
                return False
        if match.earned_after is not None and (item.issued is None or item.issued < match.earned_after):
            return False
        if match.earned_before is not None and (item.issued is None or item.issued >= match.earned_before):
            return False
        if match.valid_through is not None and item.expires is not None and item.expires < match.valid_through:
            return False
        return True

