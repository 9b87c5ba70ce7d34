"""The skills taxonomy: one canonical skill for every way a credential names it.

Credentials name skills as free text ("Python programming", "Python 3"), as ESCO alignments
(framework ``ESCO``, code ``http://data.europa.eu/esco/skill/ccd0a1d9-...``, name "Python (computer programming)")
or as O*NET element ids. :func:`normalise` maps all of them onto one :class:`SkillRef`, so that the
stacking engine can match a requirement "Python" against any of those shapes.

The data is package data (``data/skills/skills.toml``), with its attribution in ``data/skills/ATTRIBUTION.md``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"

# Words that qualify a skill without changing which skill it is: "Python programming" is Python.
_NOISE_WORDS = frozenset({"programming", "language", "languages", "computer", "skills", "skill", "development"})
_VERSION_SUFFIX = re.compile(r"(?:\s+v?\d+(?:\.\d+)*[a-z]?|\s+(?:se|ee))$")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)\s*")


@dataclass(frozen=True)
class SkillRef:
    """A normalised skill. ``id`` is stable: ``sw:<taxonomy id>`` for known skills, ``text:<key>`` otherwise."""

    id: str
    label: str
    known: bool = True
    category: str | None = None
    esco: str | None = None
    onet: str | None = None

    @property
    def framework_code(self) -> tuple[str, str] | None:
        """The best external code: the ESCO URI, else the O*NET element id."""
        if self.esco:
            return ("ESCO", self.esco)
        if self.onet:
            return ("O*NET", self.onet)
        return None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "known": self.known,
            "category": self.category,
            "esco": self.esco,
            "onet": self.onet,
        }


def normalise_key(text: str) -> str:
    """Case-fold, strip accents and punctuation noise, collapse spaces: the lookup key for a skill name."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = text.replace("_", " ").replace("–", "-")
    text = re.sub(r"\s+", " ", text)
    return text


def _loose_key(text: str) -> str:
    """A second-chance key: no parenthetical, no version number, no qualifying words ("programming")."""
    key = _PARENTHETICAL.sub(" ", normalise_key(text)).strip()
    while True:  # "Java SE 17" -> "java se" -> "java"
        shorter = _VERSION_SUFFIX.sub("", key).strip()
        if shorter == key:
            break
        key = shorter
    words = [w for w in re.split(r"[\s/,-]+", key) if w and w not in _NOISE_WORDS]
    return " ".join(words)


def _number_variants(key: str) -> list[str]:
    """The key with its last word singular / plural: "data visualizations" -> "data visualization"."""
    head, _, last = key.rpartition(" ")
    prefix = head + " " if head else ""
    out = []
    if len(last) > 3 and last.endswith("ies"):
        out.append(prefix + last[:-3] + "y")
    if len(last) > 3 and last.endswith("es"):
        out.append(prefix + last[:-2])
    if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        out.append(prefix + last[:-1])
    if len(last) > 2 and last[-1].isalpha() and not last.endswith("s"):
        out.append(prefix + last + "s")
        if last.endswith("y"):
            out.append(prefix + last[:-1] + "ies")
    return out


@dataclass
class Taxonomy:
    """Skills indexed by label, synonym, ESCO URI and O*NET id."""

    skills: dict[str, SkillRef] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    by_loose_key: dict[str, str] = field(default_factory=dict)
    by_code: dict[str, str] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, text: str) -> "Taxonomy":
        data = tomllib.loads(text)
        taxonomy = cls()
        for entry in data.get("skill", []):
            ref = SkillRef(
                id=f"sw:{entry['id']}",
                label=entry["label"],
                category=entry.get("category"),
                esco=entry.get("esco"),
                onet=entry.get("onet"),
            )
            taxonomy.add(ref, entry.get("synonyms", []) + ([entry["esco_label"]] if entry.get("esco_label") else []))
        return taxonomy

    def add(self, ref: SkillRef, synonyms: list[str]) -> None:
        self.skills[ref.id] = ref
        self.synonyms[ref.id] = list(synonyms)
        names = [ref.label, ref.id.split(":", 1)[1], *synonyms]
        for name in names:
            # an exact label wins over someone else's synonym: setdefault keeps the first claim
            self.by_key.setdefault(normalise_key(name), ref.id)
        for name in names:
            loose = _loose_key(name)
            if loose:
                self.by_loose_key.setdefault(loose, ref.id)
        if ref.esco:
            self.by_code[ref.esco.casefold()] = ref.id
            self.by_code[ref.esco.rsplit("/", 1)[-1].casefold()] = ref.id
        if ref.onet:
            self.by_code[ref.onet.casefold()] = ref.id

    def lookup_code(self, code: str | None) -> SkillRef | None:
        """The skill with this ESCO URI (or its UUID) or O*NET element id, if the taxonomy knows it."""
        if not code:
            return None
        key = code.strip().casefold()
        skill_id = self.by_code.get(key) or self.by_code.get(key.rsplit("/", 1)[-1])
        return self.skills.get(skill_id) if skill_id else None

    def lookup_name(self, name: str | None) -> SkillRef | None:
        """The skill a label or synonym names, if the taxonomy knows it."""
        if not name or not name.strip():
            return None
        key = normalise_key(name)
        skill_id = self.by_key.get(key)
        if skill_id is None:
            loose = _loose_key(name)
            skill_id = self.by_loose_key.get(loose) if loose else None
        if skill_id is None:
            # singular or plural of the last word ("Data visualizations", "Statistic"): the same skill
            for variant in _number_variants(key):
                skill_id = self.by_key.get(variant) or self.by_loose_key.get(_loose_key(variant))
                if skill_id:
                    break
        return self.skills.get(skill_id) if skill_id else None

    def normalise(self, name: str | None = None, *, framework: str | None = None, code: str | None = None) -> SkillRef:
        """Map a skill given by name and/or framework + code onto one :class:`SkillRef`.

        A code wins over a name (codes are precise); an unknown skill gets ``text:<key>`` so that two
        credentials naming the same unknown skill still match each other.
        """
        ref = self.lookup_code(code) or self.lookup_name(name)
        if ref is not None:
            return ref
        if name and name.strip():
            key = _loose_key(name) or normalise_key(name)
            return SkillRef(id=f"text:{key}", label=name.strip(), known=False)
        if code:
            return SkillRef(id=f"code:{code.strip().casefold()}", label=code.strip(), known=False)
        raise ValueError("a skill needs a name or a code")

    def normalise_skill(self, skill) -> SkillRef:
        """Normalise a :class:`skillwallet.model.Skill` (name + optional framework/code/url)."""
        return self.normalise(skill.name, framework=skill.framework, code=skill.code or skill.url)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest known labels to ``name`` (for "did you mean" hints)."""
        import difflib

        labels = {normalise_key(r.label): r.label for r in self.skills.values()}
        return [labels[k] for k in difflib.get_close_matches(normalise_key(name), list(labels), n=n)]


ATTRIBUTION_FILE = "ATTRIBUTION.md"


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The built-in taxonomy (package data), loaded once."""
    text = resources.files("skillwallet.data").joinpath("skills/skills.toml").read_text(encoding="utf-8")
    return Taxonomy.from_toml(text)


def attribution_text() -> str:
    """The attribution the ESCO reuse policy and O*NET's CC BY 4.0 licence require."""
    return resources.files("skillwallet.data").joinpath(f"skills/{ATTRIBUTION_FILE}").read_text(encoding="utf-8")


def normalise(name: str | None = None, *, framework: str | None = None, code: str | None = None) -> SkillRef:
    """Normalise with the built-in taxonomy; see :meth:`Taxonomy.normalise`."""
    return default_taxonomy().normalise(name, framework=framework, code=code)
