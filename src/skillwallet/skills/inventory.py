"""The holder's skills inventory: every normalised skill, its best known level, and the credentials behind it.

Pure: credentials (with verdicts) in, an inventory out. Credentials that no longer count on the date (revoked,
invalid, expired) are still listed as evidence but marked, so the holder sees why a skill looks weaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from skillwallet.model import VERDICT_INVALID, format_datetime, utc
from skillwallet.skills.levels import level_rank
from skillwallet.skills.taxonomy import SkillRef, Taxonomy, default_taxonomy


@dataclass
class SkillEvidence:
    wallet_id: str
    title: str
    issuer: str | None
    verdict: str
    level: str | None
    in_force: bool
    source: str  # alignment | tag | skill | self | inferred (from the offerings catalogue)
    expires: datetime | None = None
    inferred_from: str | None = None  # the catalogue entry an inferred skill comes from

    @property
    def inferred(self) -> bool:
        return self.source == "inferred"

    def to_dict(self) -> dict[str, Any]:
        return {"wallet_id": self.wallet_id, "title": self.title, "issuer": self.issuer, "verdict": self.verdict,
                "level": self.level, "in_force": self.in_force, "source": self.source,
                "expires": format_datetime(self.expires), "inferred": self.inferred,
                "inferred_from": self.inferred_from}


@dataclass
class SkillEntry:
    skill: SkillRef
    names: set[str] = field(default_factory=set)  # the names credentials used for it
    evidence: list[SkillEvidence] = field(default_factory=list)

    @property
    def level(self) -> str | None:
        """The highest level any credential in force states for this skill."""
        best: tuple[float, str] | None = None
        for e in self.evidence:
            rank = level_rank(e.level)
            if e.in_force and rank is not None and (best is None or rank > best[0]):
                best = (rank, e.level)
        return best[1] if best else None

    @property
    def in_force(self) -> bool:
        return any(e.in_force for e in self.evidence)

    def to_dict(self) -> dict[str, Any]:
        return {**self.skill.to_dict(), "level": self.level, "in_force": self.in_force,
                "names": sorted(self.names), "credentials": [e.to_dict() for e in self.evidence]}


def build_inventory(credentials: Iterable[Any], *, as_of: datetime, inference: Any,
                    taxonomy: Taxonomy | None = None) -> list[SkillEntry]:
    """Group every skill the credentials evidence by its normalised id; most evidenced first. A credential the
    offerings catalogue knows (``inference``: a :class:`~skillwallet.stacking.inference.SkillInference` the caller
    chose, ``None`` for none) adds the catalogue's skills it does not state, as ``inferred``."""
    taxonomy = taxonomy or default_taxonomy()
    as_of = utc(as_of)
    entries: dict[str, SkillEntry] = {}
    for item in credentials:
        c = item.credential
        verdict = item.verdict
        expires = utc(c.expires) if c.expires else None
        in_force = (verdict.verdict != VERDICT_INVALID
                    and verdict.checks.get("status") not in ("revoked", "suspended")
                    and (expires is None or expires > as_of))
        seen: set[str] = set()
        for s in c.skills:
            if not (s.name or s.code or s.url):
                continue
            ref = taxonomy.normalise(s.name, framework=s.framework, code=s.code or s.url)
            entry = entries.setdefault(ref.id, SkillEntry(skill=ref))
            if s.name:
                entry.names.add(s.name)
            if ref.id in seen:
                continue
            seen.add(ref.id)
            entry.evidence.append(SkillEvidence(
                wallet_id=item.wallet_id, title=c.title or item.wallet_id,
                issuer=c.issuer.name or c.issuer.id, verdict=verdict.verdict, level=s.level or c.level,
                in_force=in_force, source=s.source, expires=expires))
        inferred = inference.infer(c) if inference is not None else None
        for name in inferred.skills if inferred else ():
            ref = taxonomy.normalise(name)
            if ref.id in seen:
                continue  # the credential states it itself
            seen.add(ref.id)
            entry = entries.setdefault(ref.id, SkillEntry(skill=ref))
            entry.evidence.append(SkillEvidence(
                wallet_id=item.wallet_id, title=c.title or item.wallet_id,
                issuer=c.issuer.name or c.issuer.id, verdict=verdict.verdict, level=inferred.level,
                in_force=in_force, source="inferred", expires=expires, inferred_from=inferred.offering_name))
    return sorted(entries.values(), key=lambda e: (-sum(1 for x in e.evidence if x.in_force), e.skill.label.casefold()))


def skill_gap(pathway, evaluation, *, taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """The unmet skill requirements of an evaluated pathway, normalised (what to learn next)."""
    taxonomy = taxonomy or default_taxonomy()
    out: list[dict[str, Any]] = []

    def refs_of(requirement) -> list:
        return [taxonomy.normalise(name) for name in requirement.match.skills]

    def walk(node) -> None:
        requirement = pathway.requirements[node.id]
        if requirement.kind == "skill" and not node.met:
            out.append({"requirement": node.id, "label": node.label, "status": node.status,
                        "skills": [r.to_dict() for r in refs_of(requirement)],
                        "min_level": requirement.match.min_level_text, "one_of": False,
                        "missing": list(node.missing)})
            return
        children = [pathway.requirements[c.id] for c in node.children]
        needs_one = requirement.kind == "any" or (requirement.kind == "at_least"
                                                   and requirement.n - sum(c.met for c in node.children) == 1)
        if (not node.met and needs_one and children and all(c.kind == "skill" and c.match.skills for c in children)
                and len({c.match.min_level_text for c in children}) == 1):
            # "one of" skills is one gap, listed once: "Tableau or Power BI or Data visualisation"
            refs = {r.id: r for c in children for r in refs_of(c)}
            out.append({"requirement": node.id, "label": node.label, "status": node.status,
                        "skills": [r.to_dict() for r in refs.values()],
                        "min_level": children[0].match.min_level_text, "one_of": True,
                        "missing": list(node.missing)})
            return
        if not node.met:
            for child in node.children:
                walk(child)

    walk(evaluation.tree)
    return out
