"""Expiry and renewal reminders as an iCalendar file (RFC 5545), for any calendar application.

For each chosen credential that expires on or after the export date: an all-day event on the expiry date with a
display alarm ``remind_days`` before it (RFC 5545 §3.6.6 VALARM, TRIGGER relative to the start), and a "start
renewal" event ``renew_days`` before expiry. UIDs are derived from the wallet id (RFC 5545 §3.8.4.7: a UID must
stay the same across exports), so re-importing an updated file updates the events instead of duplicating them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from skillwallet.errors import ExportError
from skillwallet.export.resume import safe_url
from skillwallet.model import utc

PRODID = "-//skillwallet//credential renewals//EN"
UID_DOMAIN = "skillwallet.invalid"  # RFC 6761 reserved: never collides with a real host's UIDs


def expiry_uid(wallet_id: str) -> str:
    return f"{wallet_id}-expiry@{UID_DOMAIN}"


def renewal_uid(wallet_id: str) -> str:
    return f"{wallet_id}-renewal@{UID_DOMAIN}"


def render_calendar(
    chosen: Sequence[Any],
    *,
    as_of: datetime | None = None,
    remind_days: int = 30,
    renew_days: int = 60,
) -> bytes:
    """The ``.ics`` bytes for the stored credentials in ``chosen`` (objects with ``wallet_id`` and ``credential``).

    Raises :class:`ExportError` when none of them expires on or after ``as_of``.
    """
    from icalendar import Alarm, Calendar

    if remind_days < 0 or renew_days < 0:
        raise ExportError("reminder and renewal lead times must be zero or more days")
    as_of = utc(as_of) if as_of else datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Credential renewals")
    count = 0
    for item in sorted(chosen, key=lambda i: (i.credential.expires or datetime.max.replace(tzinfo=timezone.utc))):
        credential = item.credential
        if credential.expires is None or utc(credential.expires) < as_of:
            continue
        count += 1
        expires = utc(credential.expires).date()
        title = credential.title or "credential"
        issuer = credential.issuer.name or credential.issuer.id or "the issuer"
        renewal_link = safe_url(credential.renewal)
        lines = [f"{title}, issued by {issuer}, expires on {expires.isoformat()}."]
        if credential.credential_id:
            lines.append(f"Credential id: {credential.credential_id}")
        if credential.renewal:
            lines.append(f"Renewal: {credential.renewal}")
        lines.append(f"Wallet id: {item.wallet_id} (skillwallet show {item.wallet_id})")
        description = "\n".join(lines)

        event = _all_day_event(
            expiry_uid(item.wallet_id), f"Expires: {title}", expires, description, "Credential expiry",
            renewal_link, stamp=as_of,
        )
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{title} expires in {remind_days} days")
        alarm.add("trigger", timedelta(days=-remind_days))
        event.add_component(alarm)
        calendar.add_component(event)

        renew_on = expires - timedelta(days=renew_days)
        if renew_days and renew_on >= as_of.date():
            calendar.add_component(_all_day_event(
                renewal_uid(item.wallet_id), f"Start renewal: {title}", renew_on, description, "Credential renewal",
                renewal_link, stamp=as_of,
            ))
    if not count:
        raise ExportError(
            "nothing to put in a calendar: no chosen credential expires on or after today",
            "see `skillwallet expiring`; credentials without an expiry date need no renewal",
        )
    return calendar.to_ical()


def _all_day_event(uid: str, summary: str, day, description: str, category: str, link: str | None, *, stamp):
    """One all-day, non-blocking (TRANSPARENT) event: the shape of both the expiry and the renewal events."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("description", description)
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    if link:
        event.add("url", link)
    return event
