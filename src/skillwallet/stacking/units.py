"""Credit units, and the factors that convert between them.

A credit sum is only meaningful in one unit: 3 US semester hours are not 3 ECTS credits. The factors are the
usual equivalences (documented in docs/pathways.md, "Credit units"):

* 1 US semester credit hour ≈ 2 ECTS credits: the rule most European universities apply to US transcripts
  (a full-time US year of 30 semester hours against a full-time European year of 60 ECTS);
* 1 ECTS credit = 2 UK CATS credits (the Framework for Higher Education Qualifications: 120 CATS = 60 ECTS);
* 1 US quarter credit hour = 2/3 of a semester credit hour (a three-quarter year of 45 quarter hours is a
  two-semester year of 30 semester hours).

Everything converts through ECTS. A credential whose unit is unknown never counts toward a sum that names its
unit: the evaluation says so, rather than guess.

A unit may also be named by the identifier of a concept in a published vocabulary (``UNIT_CONCEPTS``): Europass
credentials (the European Learning Model, ``CreditPoint.framework``) name their credit system by a concept of the
EU's "Education credit" controlled list (scheme ``http://data.europa.eu/snb/education-credit/25831c2``, one of the
Europass controlled lists at data.europa.eu/snb), whose concept ``6fcec5c5af`` is the European Credit Transfer
System. The identifier is what says which system a credit belongs to; its label is display text in any language,
and a label that reads "ECTS" on another concept (the same scheme lists national systems too) is not ECTS.
"""

from __future__ import annotations

from skillwallet.model import ECTS_CONCEPT

# unit -> ECTS credits per one credit of that unit
TO_ECTS = {
    "ECTS": 1.0,
    "US semester hours": 2.0,
    "US quarter hours": 4.0 / 3.0,  # 2/3 of a semester hour
    "CATS": 0.5,
}

# concept identifier -> canonical unit, matched exactly (a concept id is an identifier, not text to normalise)
UNIT_CONCEPTS = {
    ECTS_CONCEPT: "ECTS",  # Europass education-credit: ECTS
}

_ALIASES = {
    "ects": "ECTS", "ects credits": "ECTS", "ects credit": "ECTS", "european credits": "ECTS",
    "creditunit:ects": "ECTS", "ectscredit": "ECTS",
    "us semester hours": "US semester hours", "semester hours": "US semester hours", "semester hour": "US semester hours",
    "semester credits": "US semester hours", "semester credit hours": "US semester hours", "sh": "US semester hours",
    "us semester": "US semester hours", "semester": "US semester hours", "creditunit:semesterhour": "US semester hours",
    "semesterhour": "US semester hours", "carnegie": "US semester hours",
    "us quarter hours": "US quarter hours", "quarter hours": "US quarter hours", "quarter hour": "US quarter hours",
    "quarter credits": "US quarter hours", "quarter credit hours": "US quarter hours", "qh": "US quarter hours",
    "us quarter": "US quarter hours", "quarter": "US quarter hours", "creditunit:quarterhour": "US quarter hours",
    "quarterhour": "US quarter hours",
    "cats": "CATS", "cats credits": "CATS", "uk credits": "CATS", "scqf credits": "CATS", "creditunit:cats": "CATS",
}


def parse_unit(text: str | None) -> str | None:
    """The canonical unit a text names, or ``None`` when it names none we know."""
    if not text:
        return None
    if str(text).strip() in UNIT_CONCEPTS:
        return UNIT_CONCEPTS[str(text).strip()]
    key = " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()
    key = key.rsplit("/", 1)[-1] if key.startswith("http") else key
    return _ALIASES.get(key) or _ALIASES.get(key.removeprefix("ceterms:"))


def convert(value: float, source: str, target: str) -> float:
    """``value`` credits of ``source`` in ``target`` units (both canonical)."""
    if source == target:
        return float(value)
    return float(value) * TO_ECTS[source] / TO_ECTS[target]


def credential_unit(credential, tags=()) -> str | None:
    """The unit of a credential's credits: the concept ``extra["credit_framework"]`` names when the credential
    names its credit system by a concept (a Europass EDC), else ``extra["credit_unit"]`` (set by a format that
    reads one, or by an offering), else a tag ``credit-unit:ECTS`` (``skillwallet tag ID credit-unit:ECTS``).

    A credit system named by a concept is known by that concept's id alone: its label (``credit_unit``) is not read
    then, so a credit labelled "ECTS" under another concept is not taken for ECTS."""
    extra = credential.extra or {}
    framework = extra.get("credit_framework")
    if isinstance(framework, str) and framework:
        unit = UNIT_CONCEPTS.get(framework.strip())
    else:
        unit = parse_unit(extra.get("credit_unit"))
    if unit:
        return unit
    for tag in [*credential.tags, *tags]:
        if str(tag).casefold().startswith("credit-unit:"):
            unit = parse_unit(str(tag).split(":", 1)[1])
            if unit:
                return unit
    return None
