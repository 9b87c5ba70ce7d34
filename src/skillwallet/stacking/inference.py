"""Skills inferred for a held credential from the offerings catalogue.

Many credentials carry no skill alignments at all: a CompTIA Network+ badge names the certification, not
"Networking". The offerings catalogue (built-in and the holder's own, docs/pathways.md "Offerings") says what
each credential evidences, so a held credential that *is* a catalogued one is credited with the catalogue's
skills. Those skills are **inferred**: the evaluation tree, ``skills`` and ``--json`` mark them so, and they
never replace what the credential itself states (a skill the credential names keeps its own level).

A held credential is the catalogued one when (first that applies):

1. its achievement id (or an alias) is the offering's ``achievement_id``;
2. its title (or an alias) is the offering's name, with or without the parenthetical ("Microsoft Certified:
   Power BI Data Analyst Associate" is "... (PL-300)"), case and punctuation aside;
3. its issuer is the offering's provider and its title is the name without the provider's prefix
   ("Network+" issued by CompTIA is "CompTIA Network+") or the code in the parenthetical ("RHCSA" by Red Hat).

Fields read from a credential: ``title``, ``achievement_aliases``, ``achievement_id`` and the issuer's ``name``
and ``id`` / ``url`` (the host of an issuer URL is compared with the provider's name too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from skillwallet.skills.taxonomy import normalise_key

_PARENTHETICAL = re.compile(r"\s*\(([^)]*)\)\s*")
_PUNCT = re.compile(r"[\s:,–—-]+")


def _key(text: str) -> str:
    """Case, spacing and separator punctuation aside ("Microsoft Certified: X" = "microsoft certified x")."""
    return _PUNCT.sub(" ", normalise_key(text)).strip()


def _provider_keys(provider: str | None) -> set[str]:
    """"Google (Coursera)" -> {"google", "google coursera", "coursera"}; "(ISC)² ..." stays whole."""
    if not provider:
        return set()
    keys = {_key(provider)}
    bare = _PARENTHETICAL.sub(" ", provider).strip()
    if bare:
        keys.add(_key(bare))
    for inner in _PARENTHETICAL.findall(provider):
        if inner.strip():
            keys.add(_key(inner))
    for part in re.split(r"\s*/\s*", bare):
        if part:
            keys.add(_key(part))
    keys |= {k.replace(" ", "") for k in keys}  # "Red Hat" is the host redhat.com
    return {k for k in keys if k}


def _issuer_keys(credential: Any) -> set[str]:
    issuer = credential.issuer
    keys = set()
    for value in (issuer.name, issuer.id, getattr(issuer, "url", None)):
        if not value:
            continue
        keys.add(_key(value))
        host = re.match(r"^(?:https?://|did:web:)(?:www\.)?([^/:]+)", value.strip(), re.I)
        if host:  # https://www.comptia.org -> "comptia"
            keys.add(host.group(1).split(".")[0].casefold())
    return keys


@dataclass(frozen=True)
class Inferred:
    """What the catalogue says a held credential evidences."""

    offering_id: str
    offering_name: str
    skills: tuple[str, ...]
    level: str | None
    how: str  # achievement id | name | issuer and name


class SkillInference:
    """Offerings indexed by achievement id, name, and (provider, short name)."""

    def __init__(self, offerings: Iterable[Any]) -> None:
        self.by_achievement: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        self.by_provider_name: dict[tuple[str, str], Any] = {}
        for o in offerings:
            if not o.skills or o.source == "self":
                continue
            if o.achievement_id:
                self.by_achievement.setdefault(o.achievement_id, o)
            full = _key(o.name)
            bare = _key(_PARENTHETICAL.sub(" ", o.name))
            for k in (full, bare):
                self.by_name.setdefault(k, o)
            codes = [_key(c) for c in _PARENTHETICAL.findall(o.name) if c.strip()]
            for provider in _provider_keys(o.provider):
                for name in (full, bare):
                    if name.startswith(provider + " ") and len(name) > len(provider) + 1:
                        self.by_provider_name.setdefault((provider, name[len(provider) + 1:]), o)
                for code in codes:
                    self.by_provider_name.setdefault((provider, code), o)
        self.short_names = {name for _, name in self.by_provider_name}

    def infer(self, credential: Any) -> Inferred | None:
        """The catalogue entry ``credential`` is, if any (see the module docstring for the rules)."""
        offering, how = None, ""
        for a in (credential.achievement_id, *credential.achievement_aliases):
            if a and a in self.by_achievement:
                offering, how = self.by_achievement[a], "achievement id"
                break
        names = [n for n in (credential.title, *credential.achievement_aliases) if n]
        keys: list[str] = []
        if offering is None:
            for n in names:
                name_keys = [_key(n)]
                if "(" in n:
                    name_keys.append(_key(_PARENTHETICAL.sub(" ", n)))
                keys.extend(name_keys)
                hit = next((self.by_name[k] for k in name_keys if k in self.by_name), None)
                if hit is not None:
                    offering, how = hit, "name"
                    break
        # the issuer is read only when a title is one of the short names ("Network+"): 10,000 credentials index fast
        if offering is None and any(k in self.short_names for k in keys):
            issuers = _issuer_keys(credential)
            for n in names:
                for k in {_key(n), _key(_PARENTHETICAL.sub(" ", n))}:
                    for issuer in issuers:
                        hit = self.by_provider_name.get((issuer, k))
                        if hit is not None:
                            offering, how = hit, "issuer and name"
                            break
                    if offering is not None:
                        break
                if offering is not None:
                    break
        if offering is None:
            return None
        return Inferred(offering_id=offering.id, offering_name=offering.name, skills=tuple(offering.skills),
                        level=offering.skill_level, how=how)


@lru_cache(maxsize=1)
def builtin_inference() -> SkillInference:
    """Inference from the built-in offerings (the default when no catalogue is given)."""
    from skillwallet.stacking.offerings import builtin_offerings

    return SkillInference(builtin_offerings().values())
