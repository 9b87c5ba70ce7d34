"""Offerings: what one can take to earn a credential (a course, an exam, a programme), and the loader of the
``[[offering]]`` tables they are written in (built-in ones in ``data/offerings/*.toml``; the user's own are kept
in the wallet by the catalogue, stacking/catalog.py).

The optimiser plans with offerings (stacking/optimise.py) and the skill inference reads what each one evidences
(stacking/inference.py); neither needs the other to know what an offering is.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from skillwallet.durations import DurationError, duration_seconds, duration_terms, split_calendar
from skillwallet.errors import InvalidInputError
from skillwallet.model import FORMAT_SELF, Credential, Issuer, Skill, Verdict, VERDICT_VERIFIED
from skillwallet.stacking.dates import add_months
from skillwallet.stacking.held import Held
from skillwallet.stacking.model import ID_PATTERN


@dataclass
class Offering:
    """Something one can take to earn a credential: a course, an exam, a programme."""

    id: str
    name: str
    cost: float = 0.0
    hours: float = 0.0
    currency: str = "USD"
    provider: str | None = None
    url: str | None = None
    achievement_id: str | None = None
    achievement_type: str | None = "Certificate"
    skills: list[str] = field(default_factory=list)
    skill_level: str | None = None
    credits: float | None = None
    tags: list[str] = field(default_factory=list)
    source: str = "built-in"
    credit_unit: str | None = None  # the unit of ``credits`` (stacking/units.py)
    price_source: str | None = None  # where the cost and hours come from ("as listed on <url>")
    # a subscription (Coursera at USD 49 a month): the cost depends on the pace, see :func:`priced_at_pace`
    price_per_month: float | None = None
    requires: list[str] = field(default_factory=list)  # offering ids to take first (a plan orders them)
    renews: str | None = None  # the name or achievement id of the credential this offering renews
    calendar_weeks: float = 0.0  # a step that takes calendar time rather than study hours (work experience)
    # eligibility: the exam may be taken only after this many months of relevant experience (PMP: 36 or 60)
    eligible_after_months: float | None = None
    checked: str | None = None  # when that source was read (YYYY-MM-DD)
    # a renewal route that can be taken only this long before the expiry, in the one duration syntax
    # (skillwallet/durations.py): Microsoft's renewal assessment opens six months before ("6mo"); none, any time
    # while the credential is current (CompTIA's CE in the three-year cycle, an exam taken again)
    opens_before_expiry: str | None = None

    def renewal_opens(self, expires: datetime.datetime | None) -> datetime.datetime | None:
        """The day this renewal route opens for a credential expiring on ``expires`` (None: no window)."""
        return window_opens(self.opens_before_expiry, expires)

    def hypothetical_credential(self, as_of: datetime) -> Held:
        """The credential this offering would award, dated ``as_of``; used only for planning."""
        credential = Credential(
            format=FORMAT_SELF,
            original=f"offering:{self.id}".encode(),
            credential_id=f"offering:{self.id}",
            title=self.name,
            issuer=Issuer(id=self.provider, name=self.provider),
            issued=as_of,
            achievement_id=self.achievement_id,
            achievement_type=self.achievement_type,
            skills=[Skill(name=s, level=self.skill_level, source="skill") for s in self.skills],
            credits=self.credits,
            hours=self.hours or None,
            tags=list(self.tags),
            extra={"credit_unit": self.credit_unit} if self.credit_unit else {},
        )
        return Held(wallet_id=f"offering:{self.id}", credential=credential, verdict=Verdict(verdict=VERDICT_VERIFIED))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "provider": self.provider, "cost": self.cost,
            "currency": self.currency, "hours": self.hours, "url": self.url, "achievement_id": self.achievement_id,
            "achievement_type": self.achievement_type, "skills": list(self.skills), "skill_level": self.skill_level,
            "credits": self.credits, "credit_unit": self.credit_unit, "tags": list(self.tags), "source": self.source,
            "price_source": self.price_source, "checked": self.checked, "price_per_month": self.price_per_month,
            "requires": list(self.requires), "renews": self.renews,
            "eligible_after_months": self.eligible_after_months, "opens_before_expiry": self.opens_before_expiry,
        }


# a renewal window longer than this is no window: certification cycles run three years, CompTIA's and PMI's
MAX_RENEWAL_WINDOW_DAYS = 10 * 365


def window_opens(window: str | None, expires: datetime.datetime | None) -> datetime.datetime | None:
    """``expires`` less ``window`` (validated on load): months and years on the calendar, as issuers count them
    (six months before 1 September is 1 March, not 180 days), the other units exactly. None without either, or
    when the day would fall before the calendar's first year (the window opened long ago)."""
    if not window or expires is None:
        return None
    months, seconds = split_calendar(duration_terms(window, bare_unit="d"))
    try:
        return add_months(expires, -months) - datetime.timedelta(seconds=seconds)
    except (ValueError, OverflowError):
        return None


def data_files(folder: str) -> list[tuple[str, str]]:
    """(file name, text) of every built-in TOML file in the package data ``folder`` (offerings, pathways), by name."""
    root = resources.files("skillwallet.data").joinpath(folder)
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.append((entry.name, entry.read_text(encoding="utf-8")))
    return out


@lru_cache(maxsize=1)
def builtin_offerings() -> dict[str, Offering]:
    """The built-in example offerings, by id."""
    out: dict[str, Offering] = {}
    for name, text in data_files("offerings"):
        for offering in load_offerings_toml(text, f"built-in:{name}", label="built-in"):
            out[offering.id] = offering
    return out


OFFERING_KEYS = ("id", "name", "provider", "cost", "currency", "hours", "url", "achievement_id", "achievement_type",
                 "skills", "skill_level", "credits", "credit_unit", "tags", "price_source", "checked", "price_per_month",
                 "requires", "renews", "eligible_after_months", "opens_before_expiry")


def load_offerings_toml(text: str, where: str = "<offerings>", *, label: str = "user") -> list[Offering]:
    """Read ``[[offering]]`` tables. Raises :class:`InvalidInputError` naming the file, key path and expectation.
    ``label`` records where the offerings came from (``built-in`` or the file name)."""
    source = where
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{source}: not valid TOML: {exc}") from None
    raw = data.get("offering")
    if not isinstance(raw, list) or not raw:
        raise InvalidInputError(f"{source}: offering: expected one or more [[offering]] tables")
    out: list[Offering] = []
    seen: set[str] = set()
    for i, table in enumerate(raw):
        out.append(offering_from_dict(table, f"{source}: offering[{i}]", label))
        if out[-1].id in seen:
            raise InvalidInputError(f"{source}: offering[{i}].id: expected a unique id, got {out[-1].id!r} twice")
        seen.add(out[-1].id)
    return out


def offering_from_dict(table: Any, where: str, source: str = "user") -> Offering:
    """Validate one offering table."""
    if not isinstance(table, dict):
        raise InvalidInputError(f"{where}: expected a table")
    for key in table:
        if key not in OFFERING_KEYS and key != "source":
            raise InvalidInputError(f"{where}.{key}: expected one of the keys " + ", ".join(OFFERING_KEYS))

    def text(key: str, required: bool = False) -> str | None:
        value = table.get(key)
        if key == "checked" and isinstance(value, datetime.date):  # a TOML date: checked = 2025-06-01
            value = value.isoformat()
        if value is None:
            if required:
                raise InvalidInputError(f"{where}.{key}: expected a string (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{where}.{key}: expected a non-empty string, got {value!r}")
        return value.strip()

    def number(key: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise InvalidInputError(f"{where}.{key}: expected a number ≥ 0, got {value!r}")
        return float(value)

    def strings(key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInputError(f"{where}.{key}: expected a list of strings, got {value!r}")
        return [v.strip() for v in value]

    offering_id = text("id", required=True)
    if not ID_PATTERN.match(offering_id):
        raise InvalidInputError(f"{where}.id: expected letters, digits, '-', '_', '.', ':', got {offering_id!r}")
    offering = Offering(
        id=offering_id,
        name=text("name", required=True),
        provider=text("provider"),
        cost=number("cost") or 0.0,
        currency=text("currency") or "USD",
        hours=number("hours") or 0.0,
        url=text("url"),
        achievement_id=text("achievement_id"),
        achievement_type=text("achievement_type") or "Certificate",
        skills=strings("skills"),
        skill_level=text("skill_level"),
        credits=number("credits"),
        tags=strings("tags"),
        source=source,
        price_source=text("price_source"),
        price_per_month=number("price_per_month"),
        requires=strings("requires"),
        renews=text("renews"),
        eligible_after_months=number("eligible_after_months"),
        checked=text("checked"),
    )
    unit_text = text("credit_unit")
    if unit_text is not None:
        from skillwallet.stacking.units import TO_ECTS, parse_unit

        offering.credit_unit = parse_unit(unit_text)
        if offering.credit_unit is None:
            raise InvalidInputError(f"{where}.credit_unit: expected one of {', '.join(TO_ECTS)}, got {unit_text!r}")
    offering.opens_before_expiry = renewal_window(table.get("opens_before_expiry"), f"{where}.opens_before_expiry",
                                                  offering.renews)
    # a renewal awards nothing new: it keeps the credential it ``renews`` valid (stacking/renewal.py)
    if not (offering.skills or offering.achievement_id or offering.credits or offering.tags or offering.renews):
        raise InvalidInputError(f"{where}: expected skills, achievement_id, credits, tags or renews: what the "
                                "offering awards or renews")
    return offering


def renewal_window(value: Any, where: str, renews: str | None) -> str | None:
    """A route's ``opens_before_expiry``, checked: a duration in the one syntax (``6mo``, ``90d``, ``1y``: a bare
    number counts days), at least a day and at most ten years, on a route that ``renews`` something."""
    if value is None:
        return None
    expected = 'expected a duration such as "6mo", "90d" or "1y"'
    hint = "units: d, w, mo (calendar months before the expiry), y; a bare number counts days"
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{where}: {expected} (a string), got {value!r}", hint)
    if not renews:
        raise InvalidInputError(f"{where}: only a renewal route has a window: give renews = \"<credential name>\" too")
    try:
        terms = duration_terms(value, bare_unit="d")
    except DurationError as exc:
        why = {"ambiguous": ": m could mean minutes or months (write mo for months)",
               "unit": f": unknown unit {exc.unit!r}"}.get(exc.problem, "")
        raise InvalidInputError(f"{where}: {expected}, got {value!r}{why}", hint) from None
    months, seconds = split_calendar(terms)
    if months == 0 and seconds < 86400:
        raise InvalidInputError(f"{where}: expected at least a day, got {value!r}", hint)
    if duration_seconds(terms) > MAX_RENEWAL_WINDOW_DAYS * 86400:
        raise InvalidInputError(f"{where}: expected at most ten years, got {value!r}", hint)
    return value.strip()
