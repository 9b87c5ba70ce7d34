"""Calendar-month arithmetic shared by the evaluator (months of work experience) and the optimiser (a plan's
dates: experience to gain, eligibility waits).

Months are calendar months, not 30-day blocks: 1 January to 1 July is 6 months, and a month added to
31 January is the last day of February.
"""

from __future__ import annotations

import calendar
from datetime import datetime


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by ``months`` calendar months (negative: back), the day kept within the month."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_between(start: datetime, end: datetime) -> float:
    """Calendar months from ``start`` to ``end``: whole months, then the rest as a fraction of the month it
    falls in (1 January to 1 July is 6 months, not 5.95)."""
    if end <= start:
        return 0.0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    anchor = add_months(start, months)
    if anchor > end:
        months -= 1
        anchor = add_months(start, months)
    following = add_months(start, months + 1)
    return months + (end - anchor) / (following - anchor)
