"""Skills inferred for a held credential from the offerings catalogue.

Many credentials carry no skill alignments at all: a CompTIA Network+ badge names the certification, not
"Networking". The offerings catalogue (built-in and the holder's own, docs/pathways.md "Offerings") says what
each credential evidences, so a held credential that *is* a catalogued one is credited with the catalogue's
skills. Those skills are **inferred**: the evaluation tree, ``skills`` and ``--json`` mark them so, and they
never replace what the credential itself states (a skill the credential names keeps its own level).

A held credential is the catalogued one when (first that applies):

1. its achievement id (or an alias) is the offering's ``achievement_id``;
2. its title (or an alias) is the offering's name as :func:`title_keys` reads both ("CompTIA Security+ ce
   Certification" is "CompTIA Security+", "Microsoft Certified: Power BI Data Analyst Associate" is "... (PL-300)",
   "Google Data Analytics Certificate" is "Google Data Analytics Professional Certificate"), unless the name
   begins with its provider's ("CompTIA A+") and the credential's issuer is known and someone else: a training
   company's "CompTIA A+ Certification" course badge is not CompTIA's certification;
3. its issuer is the offering's provider and its title is the name without the provider's prefix
   ("Network+" issued by CompTIA is "CompTIA Network+") or the code in the parenthetical ("RHCSA" by Red Hat).

Fields read from a credential: ``title``, ``achievement_aliases``, ``achievement_id``, ``self_attested`` (a holder's
own entry has no issuer to compare) and the issuer's ``name`` and ``id`` / ``url`` (the host of an issuer URL is
compared with the provider's name too: learn.microsoft.com is Microsoft).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from skillwallet.skills.taxonomy import normalise_key

# What issuers write around a certification's name, as holders copy it from their badges (public portfolio
# listings, each linking its credly.com/badges/... page): CompTIA's Credly (formerly Acclaim) badges are titled
# "CompTIA Security+ ce Certification", "CompTIA Network+ ce Certification", "CompTIA A+ ce Certification" ("ce":
# continuing education; some listings shorten it to "CompTIA Security+ ce"); PMI's is "Project Management
# Professional (PMP)®"; Microsoft's "Microsoft Certified: Azure Administrator Associate". Holders add the exam:
# "AWS Certified Cloud Practitioner (CLF-C02)", "CompTIA Security+ (SY0-701)"; Google's career certificate is
# listed as "Google Data Analytics Certificate" (issuer "Grow with Google (Coursera)") as well as by its Coursera
# name "... Professional Certificate". So: trademark signs, case, separators, the parenthetical, the words
# "certification" / "certificate" / "certified" / "professional certificate" and a trailing "ce" are not part of
# the name. "+" is ("Security+" is not "Security", nor "Server+"), and holders write it out: "CompTIA Security
# Plus", "A Plus" (one word before "plus" makes it the sign). An exam code written without brackets at either end
# ("CompTIA Security+ SY0-701", "AZ-104 Microsoft Azure Administrator Associate") is a last way to read a name.
_MARKS = str.maketrans({"®": " ", "™": " ", "℠": " ", "©": " ", "’": "'", "‘": "'", "“": " ", "”": " ",
                        '"': " ", "&": " and "})  # before NFKC, which spells "™" as "TM"
_PARENTHETICAL = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]](?!\w)\s*")  # "(SY0-701)", "[CLF-C02]"; "(ISC)²" is a word
_PUNCT = re.compile(r"[\s:,;/|–—·•-]+")
_QUALIFIERS = re.compile(r"(?<!\S)(?:professional certificate|certification|certificate|certified)(?!\S)")
_LEGAL_SUFFIX = re.compile(r" (?:inc|llc|ltd|corp|corporation|gmbh|plc|co)\.?$")
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "edu", "gov"}
_TRAILING_CE = re.compile(r"(?<=\S)(?: ce)+$")
_BRACKETS = re.compile(r"[()\[\]]")
_SPACES = re.compile(r" {2,}")
_PLUS_WORD = re.compile(r"(?<=[a-z0-9]) plus(?!\S)")
# exam codes as keys write them ("sy0 701", "n10 009", "220 1101", "clf c02", "az 104", "ex200", "200 301"): letters
# and digits with at least two digits, at the start or the end of the name; a code alone is no name
_CODE = r"(?:[a-z]{1,3}\d?|\d{3}) ?[a-z]?\d{2,4}"
_EDGE_CODE = re.compile(rf"^{_CODE} (?=\S)|(?<=\S) {_CODE}$")


def _key(text: str) -> str:
    """Marks, case, spacing and separator punctuation aside ("Microsoft Certified: X" = "microsoft certified x")."""
    return _bare_key(normalise_key(text.translate(_MARKS)))


def _bare_key(normalised: str) -> str:
    return _PUNCT.sub(" ", _BRACKETS.sub("", normalised)).strip(" .")


def _title_key(normalised: str) -> str:
    key = _SPACES.sub(" ", _QUALIFIERS.sub(" ", _bare_key(normalised))).strip()
    return _PLUS_WORD.sub("+", _TRAILING_CE.sub("", key))


@lru_cache(maxsize=8192)
def title_keys(title: str) -> tuple[str, ...]:
    """The keys a credential's or an offering's name is known by, the most specific first: with the
    parenthetical's words, then without it. The one title normalisation of the catalogue: the skills inference
    and the renewal routes (stacking/renewal.py) both match names by these keys.

    >>> title_keys("CompTIA Security+ ce Certification")
    ('comptia security+',)
    >>> title_keys("AWS Certified Cloud Practitioner (CLF-C02)")
    ('aws cloud practitioner clf c02', 'aws cloud practitioner')
    """
    if not title or title.isspace():
        return ()
    text = normalise_key(title.translate(_MARKS))
    keys = [_title_key(text)]
    if "(" in text or "[" in text:
        keys.append(_title_key(_PARENTHETICAL.sub(" ", text)))
    keys.extend(_EDGE_CODE.sub("", k) for k in list(keys))
    return tuple(k for i, k in enumerate(keys) if k and k not in keys[:i])


def title_codes(title: str) -> tuple[str, ...]:
    """The keys of what a name's parentheticals hold: "(RHCSA)", "(PL-300)", "(CKA)" ("(ISC)²" is no code)."""
    text = normalise_key(title.translate(_MARKS))
    return tuple(k for k in (_bare_key(c) for c in _PARENTHETICAL.findall(text)) if k)


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
        if host:  # https://www.comptia.org -> "comptia"; https://learn.microsoft.com -> "learn", "microsoft"
            labels = host.group(1).casefold().split(".")
            keys.add(labels[0])
            if len(labels) >= 2:
                owner = len(labels) - 2
                if owner > 0 and labels[owner] in _SECOND_LEVEL:  # comptia.co.uk
                    owner -= 1
                keys.add(labels[owner])
    keys.discard("")
    return keys


@dataclass(frozen=True)
class Inferred:
    """What the catalogue says a held credential evidences."""

    offering_id: str
    offering_name: str
    skills: tuple[str, ...]
    level: str | None
    how: str  # achievement id | name | issuer and name


def _same_issuer(issuer_keys: set[str], provider_keys: set[str]) -> bool:
    """The issuer is the provider: "CompTIA" or comptia.org for "CompTIA"; "Red Hat, Inc." for "Red Hat"."""
    return any(_LEGAL_SUFFIX.sub("", k) == p for k in issuer_keys for p in provider_keys)


def _from_elsewhere(credential: Any, providers: set[str]) -> bool:
    """``credential``'s issuer is known and none of ``providers``."""
    if not providers or getattr(credential, "self_attested", False):
        return False  # a holder's own entry names no issuer to compare
    issuers = _issuer_keys(credential)
    return bool(issuers) and not _same_issuer(issuers, providers)


def issued_elsewhere(name: str, provider: str | None, credential: Any) -> bool:
    """``name`` begins with its provider's ("CompTIA A+" by CompTIA) and ``credential`` is known to come from
    someone else: a training company's "CompTIA A+ Certification" course badge is not CompTIA's certification."""
    providers = _provider_keys(provider)
    if not any(k.startswith(p + " ") for k in title_keys(name) for p in providers):
        return False
    return _from_elsewhere(credential, providers)


class SkillInference:
    """Offerings indexed by achievement id, name, and (provider, short name)."""

    def __init__(self, offerings: Iterable[Any]) -> None:
        self.by_achievement: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        self.by_provider_name: dict[tuple[str, str], Any] = {}
        # offerings whose name begins with a provider's ("CompTIA A+"): who may issue them (Google's certificate is
        # issued by Google or by Coursera, "Google (Coursera)")
        self.issuer_named: dict[str, set[str]] = {}
        for o in offerings:
            if not o.skills or o.source == "self":
                continue
            if o.achievement_id:
                self.by_achievement.setdefault(o.achievement_id, o)
            names = title_keys(o.name)
            for k in names:
                self.by_name.setdefault(k, o)
            codes = title_codes(o.name)
            providers = _provider_keys(o.provider)
            for provider in providers:
                for name in names:
                    if name.startswith(provider + " ") and len(name) > len(provider) + 1:
                        self.by_provider_name.setdefault((provider, name[len(provider) + 1:]), o)
                        self.issuer_named[o.id] = providers
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
                name_keys = title_keys(n)
                keys.extend(name_keys)
                hit = next((self.by_name[k] for k in name_keys if k in self.by_name), None)
                if hit is not None and not _from_elsewhere(credential, self.issuer_named.get(hit.id, set())):
                    offering, how = hit, "name"
                    break
        # the issuer is read only when a title is one of the short names ("Network+"): 10,000 credentials index fast
        if offering is None and any(k in self.short_names for k in keys):
            issuers = _issuer_keys(credential)
            for k in keys:
                hit = next((self.by_provider_name[(i, k)] for i in sorted(issuers)
                            if (i, k) in self.by_provider_name), None)
                if hit is not None:
                    offering, how = hit, "issuer and name"
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
