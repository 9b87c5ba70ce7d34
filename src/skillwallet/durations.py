"""The one syntax for a length of time: a number and a unit, or several (``1h30min``).

Every option that takes a duration reads it (``expiring --within``, ``list --expiring``, ``unlock --for``:
cli/common.py ``parse_duration`` turns these errors into a bad command line), and so does a renewal route's
window in an offerings file (``opens_before_expiry = "6mo"``: stacking/offerings.py, a bad file). ``m`` alone is
refused: it means months to some readers and minutes to others.
"""

from __future__ import annotations

import re

DURATION_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 7 * 86400, "week": 7 * 86400, "weeks": 7 * 86400,
    "mo": 30 * 86400, "month": 30 * 86400, "months": 30 * 86400,  # a month counts 30 days
    "y": 365 * 86400, "yr": 365 * 86400, "year": 365 * 86400, "years": 365 * 86400,
}
#: the units that are calendar months when a duration is counted back from a date (12 to a year)
CALENDAR_MONTHS = {"mo": 1, "month": 1, "months": 1, "y": 12, "yr": 12, "year": 12, "years": 12}
DURATION_HELP = "units: s, min, h, d, w, mo (30 days), y (365 days); e.g. 15min, 2h, 90d, 12w, 6mo, 1y"
DURATION_EXAMPLES = "write a number and a unit: 15min, 2h, 90d, 12w, 6mo, 1y"


class DurationError(ValueError):
    """A duration that cannot be read. ``problem`` is ``syntax``, ``ambiguous`` (``m``) or ``unit``; each caller
    words the message for where the duration was written (an option, a key in a file)."""

    def __init__(self, problem: str, text: str, number: str = "", unit: str = "") -> None:
        super().__init__(problem)
        self.problem, self.text, self.number, self.unit = problem, text, number, unit


def duration_terms(text: str | None, *, bare_unit: str) -> list[tuple[int, str]]:
    """The ``(number, unit)`` terms of ``15min``, ``2h``, ``90d``, ``12w``, ``6mo``, ``1y`` or ``1h30min``
    (units lower-cased as written); a bare number counts in ``bare_unit``. Raises :class:`DurationError`."""
    raw = (text or "").strip().lower()
    if raw.isdigit():
        return [(int(raw), bare_unit)]
    parts = re.findall(r"\s*(\d+)\s*([a-z]+)", raw)
    if not raw or "".join(f"{n}{u}" for n, u in parts) != re.sub(r"\s+", "", raw):
        raise DurationError("syntax", text or "")
    for number, unit in parts:
        if unit == "m":
            raise DurationError("ambiguous", text or "", number, unit)
        if unit not in DURATION_UNITS:
            raise DurationError("unit", text or "", number, unit)
    return [(int(number), unit) for number, unit in parts]


def duration_seconds(terms: list[tuple[int, str]]) -> int:
    """The terms in seconds: a month counts 30 days and a year 365 (a look-ahead such as ``--within 6mo``)."""
    return sum(number * DURATION_UNITS[unit] for number, unit in terms)


def split_calendar(terms: list[tuple[int, str]]) -> tuple[int, int]:
    """``(calendar months, seconds)`` of the terms: months and years kept as calendar months, to count back from a
    date as issuers do (six months before 1 September is 1 March), the other units in seconds."""
    months = sum(number * CALENDAR_MONTHS[unit] for number, unit in terms if unit in CALENDAR_MONTHS)
    seconds = sum(number * DURATION_UNITS[unit] for number, unit in terms if unit not in CALENDAR_MONTHS)
    return months, seconds
