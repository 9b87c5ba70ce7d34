"""Commands of the `credentials` group: list, show, remove, tag, untag, note."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, List, Optional

import typer

from skillwallet.cli.completion import complete_credential_id, complete_tag, complete_tag_to_add, complete_tag_to_remove
from skillwallet.cli.common import (
    Column,
    emit_json,
    info,
    parse_duration,
    register_commands,
    render_table,
    unique_prefix_length,
)

SORT_KEYS = ("title", "issued", "expires", "issuer", "added")


def _matches(item: dict, *, issuer, skill, fmt, tag, expiring_before, search, now_iso) -> bool:
    """Whether one ``list --json`` object passes the filters (all given filters must hold)."""
    if issuer and issuer.lower() not in f"{item.get('issuer') or ''} {item.get('issuer_id') or ''}".lower():
        return False
    if skill and not any(skill.lower() in name.lower() for name in item.get("skills") or []):
        return False
    if fmt and item.get("format") != fmt:
        return False
    if tag and tag not in (item.get("tags") or []):
        return False
    if expiring_before is not None:
        # ISO 8601 UTC strings with Z sort like the instants they name
        expires = item.get("expires")
        if not expires or not (now_iso <= expires <= expiring_before):
            return False
    if search:
        haystack = " ".join(
            str(v)
            for v in (
                item.get("title"),
                item.get("issuer"),
                item.get("issuer_id"),
                item.get("achievement_type"),
                item.get("note"),
                *(item.get("skills") or []),
                *(item.get("badge_tags") or []),
                *(item.get("tags") or []),
            )
            if v
        ).lower()
        if search.lower() not in haystack:
            return False
    return True


def _sort_key(name: str):
    def key(item: dict) -> Any:
        if name in ("title", "issuer"):
            return ((item.get(name) or "").lower(), item["id"])
        if name in ("issued", "expires"):
            value = item.get(name)
            return (value is None, value or "", item["id"])  # unknown dates last
        return (item.get("added") or "", item["id"])

    return key


def _date(value: datetime | None) -> str:
    return value.date().isoformat() if value else "-"


def list_command(
    issuer: Optional[str] = typer.Option(None, "--issuer", metavar="TEXT", help="Only credentials whose issuer name or id contains this."),
    skill: Optional[str] = typer.Option(None, "--skill", help="Only credentials evidencing this skill (name contains, or code)."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="Only this source format (ob2, ob3, clr2, vc, vc-jwt, sd-jwt, ...)."),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only credentials with this wallet tag.", autocompletion=complete_tag),
    expiring: Optional[str] = typer.Option(None, "--expiring", metavar="DURATION", help="Only those expiring within DURATION: 30d, 12w, 6mo, 1y (a bare number counts days)."),
    search: Optional[str] = typer.Option(None, "--search", metavar="TEXT", help="Only those whose title, issuer, skills, tags or note contain TEXT."),
    sort: str = typer.Option("added", "--sort", metavar="FIELD", help="Sort by title, issued, expires, issuer or added."),
    reverse: bool = typer.Option(False, "--reverse", help="Reverse the order."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/credentials)."),
) -> None:
    """List the credentials in the wallet.

    \b
    Examples:
      skillwallet list --skill Python --sort expires
      skillwallet list --expiring 90d --json
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import UsageError

    if sort not in SORT_KEYS:
        raise UsageError(f"cannot sort by {sort!r}", f"choose one of: {', '.join(SORT_KEYS)}")
    window = parse_duration(expiring, "--expiring", bare_unit="d") if expiring is not None else None
    with open_wallet() as wallet:
        everything = wallet.list_summaries()
    from skillwallet.model import format_datetime

    now = datetime.now(timezone.utc)
    now_iso = format_datetime(now.replace(microsecond=0)) or ""
    # the duration syntax every option shares (`expiring --within`, `unlock --for`); read before the wallet opens
    expiring_before = (
        format_datetime((now + timedelta(seconds=window)).replace(microsecond=0)) if window is not None else None
    )
    selected = [
        item
        for item in everything
        if _matches(
            item, issuer=issuer, skill=skill, fmt=fmt, tag=tag, expiring_before=expiring_before, search=search, now_iso=now_iso
        )
    ]
    selected.sort(key=_sort_key(sort), reverse=reverse)
    if as_json:
        emit_json("credentials", {"count": len(selected), "total": len(everything), "credentials": selected})
        return
    if not selected:
        info("no credentials" + (" match" if len(everything) else " yet: add one with: skillwallet add FILE"))
        return
    # on a terminal: short ids that still resolve, ellipsised titles and names, the least useful columns left
    # out when narrow (format first, then issued, tags, expires, issuer); piped, every column whole
    render_table(
        [Column("id", whole=True, prefix=unique_prefix_length(item["id"] for item in everything)),
         Column("title", shorten="end", min_width=20, ratio=3), Column("issuer", shorten="end", drop=1, ratio=2),
         Column("issued", drop=4), Column("expires", drop=2), Column("format", drop=5), "verdict",
         Column("tags", shorten="end", min_width=8, drop=3)],
        [
            [
                item["id"],
                item.get("title") or "-",
                item.get("issuer") or "-",
                (item.get("issued") or "-")[:10],
                (item.get("expires") or "-")[:10],
                item.get("format") or "-",
                ", ".join([item.get("verdict") or "-", *(item.get("not_in_force") or [])]),
                ", ".join(item.get("tags") or []),
            ]
            for item in selected
        ],
    )
    info(f"{len(selected)} of {len(everything)} credentials")


def readable(value: Any, key: str | None = None) -> str:
    """A list or mapping from a credential as words: ``a, b`` for a list, ``key: value; ...`` for a mapping;
    never raw JSON (what is nested deeper is joined the same way). Embedded data (a ``data:`` URI, a kept
    image's base64) is shortened to its start and size (:func:`short_data`)."""
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {readable(item, k)}" for k, item in value.items()
                         if item not in (None, [], {}, ""))
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value if item not in (None, [], {}, ""))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return short_data(value, base64_field=key == "base64")
    return str(value)


def short_data(text: str, *, base64_field: bool = False) -> str:
    """``data:image/png;base64,iVBO… (12.3 KB)`` for a data URI (RFC 2397), and ``iVBO… (12.3 KB)`` for a
    base64 field: a badge image is tens of kilobytes of text nobody reads in a terminal. Other text unchanged."""
    import re
    from urllib.parse import unquote_to_bytes

    if text.startswith("data:") and "," in text:
        header, payload = text.split(",", 1)
        if len(payload) <= 16:
            return text
        if header.endswith(";base64"):
            size = _base64_size(payload)
        else:
            size = len(unquote_to_bytes(payload))
        return f"{header},{payload[:4]}… ({_size(size)})"
    if base64_field and len(text) > 16 and re.fullmatch(r"[A-Za-z0-9+/=_-]+", text):
        return f"{text[:4]}… ({_size(_base64_size(text))})"
    return text


def _base64_size(payload: str) -> int:
    data = "".join(payload.split())
    return max(0, len(data) * 3 // 4 - (len(data) - len(data.rstrip("="))))


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def show_command(
    credential_id: str = typer.Argument(..., metavar="ID", help="The credential's id or a unique prefix of it.", autocompletion=complete_credential_id),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/credential)."),
    original: bool = typer.Option(False, "--original", help="Print the exact original bytes and nothing else."),
) -> None:
    """Show every field of one credential and its verification verdict.

    \b
    Examples:
      skillwallet show 3f2a9c1
      skillwallet show 3f2a9c1 --original > badge.json
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.model import format_datetime

    with open_wallet() as wallet:
        stored = wallet.get_credential(credential_id)
    if original:
        sys.stdout.flush()
        sys.stdout.buffer.write(stored.credential.original)
        sys.stdout.buffer.flush()
        return
    fields = stored.credential.to_dict()
    fields.pop("original", None)
    if as_json:
        emit_json(
            "credential",
            {
                "id": stored.wallet_id,
                "summary": stored.summary(),
                "credential": fields,
                "verdict": stored.verdict.to_dict(),
                "tags": stored.tags,
                "note": stored.note,
                "added": stored.summary()["added"],
                "original_size": len(stored.credential.original),
            },
        )
        return
    rows: list[tuple[str, Any]] = [("id", stored.wallet_id)]
    for name, value in fields.items():
        if value in (None, [], {}, ""):
            continue
        if name == "issuer":
            value = " / ".join(v for v in (value.get("name"), value.get("id"), value.get("url")) if v)
        elif name == "skills":
            value = "; ".join(
                s["name"] + (f" ({s['framework']} {s['code']})" if s.get("code") else "") for s in value
            )
        elif isinstance(value, bool):
            if not value:
                continue  # "self attested  False" says nothing a reader needs
            value = "yes"
        elif isinstance(value, (list, dict, str)):
            value = readable(value)
        rows.append((name.replace("_", " "), value))
    rows.append(("verdict", stored.verdict.verdict))
    if stored.verdict.checked_at:
        rows.append(("checked at", format_datetime(stored.verdict.checked_at)))
    rows += [(f"  {check}", outcome) for check, outcome in stored.verdict.checks.items()]
    rows += [("  reason", reason) for reason in stored.verdict.reasons]
    rows.append(("tags", ", ".join(stored.tags) or "-"))
    if stored.note:
        rows.append(("note", stored.note))
    rows.append(("added", format_datetime(stored.added)))
    rows.append(("original", f"{len(stored.credential.original)} bytes ({stored.credential.media_type})"))
    render_table([Column("field", style="bold"), "value"], rows, show_header=False)


def remove_command(
    credential_id: str = typer.Argument(..., metavar="ID", help="The credential's id or a unique prefix of it.", autocompletion=complete_credential_id),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove a credential from the wallet.

    \b
    Example:
      skillwallet remove 3f2a9c1 --yes
    """
    from skillwallet.cli.session import can_prompt, open_wallet
    from skillwallet.errors import CancelledError

    with open_wallet() as wallet:
        stored = wallet.get_credential(credential_id)
        label = f"{stored.wallet_id} ({stored.credential.title or 'untitled'})"
        if not yes:
            if not can_prompt():
                raise CancelledError(f"not removing {label} without confirmation", "add --yes to remove without asking")
            if not typer.confirm(f"Remove {label}?", default=False, err=True):
                raise CancelledError("nothing removed")
        wallet.remove_credential(stored.wallet_id)
    info(f"removed {label}")


def _change_tags(credential_id: str, change: Callable[[list[str]], list[str]]) -> None:
    """Replace a credential's tags with ``change(current tags)`` and say what they are now."""
    from skillwallet.cli.session import open_wallet

    with open_wallet() as wallet:
        stored = wallet.get_credential(credential_id)
        new = change(stored.tags)
        wallet.set_tags(stored.wallet_id, new)
    info(f"{stored.wallet_id}: tags {', '.join(new) or '(none)'}")


def tag_command(
    credential_id: str = typer.Argument(..., metavar="ID", help="The credential's id or a unique prefix of it.", autocompletion=complete_credential_id),
    tags: List[str] = typer.Argument(..., metavar="TAG...", help="Tags to add.", autocompletion=complete_tag_to_add),
) -> None:
    """Add tags to a credential.

    \b
    Example:
      skillwallet tag 3f2a9c1 cloud job-applications
    """
    from skillwallet.store.wallet import normalise_tags

    _change_tags(credential_id, lambda current: normalise_tags(current + list(tags)))


def untag_command(
    credential_id: str = typer.Argument(..., metavar="ID", help="The credential's id or a unique prefix of it.", autocompletion=complete_credential_id),
    tags: List[str] = typer.Argument(..., metavar="TAG...", help="Tags to remove.", autocompletion=complete_tag_to_remove),
) -> None:
    """Remove tags from a credential.

    \b
    Example:
      skillwallet untag 3f2a9c1 job-applications
    """
    drop = {t.strip() for t in tags}
    _change_tags(credential_id, lambda current: [t for t in current if t not in drop])


def note_command(
    credential_id: str = typer.Argument(..., metavar="ID", help="The credential's id or a unique prefix of it.", autocompletion=complete_credential_id),
    text: Optional[str] = typer.Argument(None, metavar="TEXT", help="The note; omit (or use --clear) to remove it."),
    clear: bool = typer.Option(False, "--clear", help="Remove the note."),
) -> None:
    """Attach a private note to a credential.

    \b
    Examples:
      skillwallet note 3f2a9c1 "Exam fee paid by my employer"
      skillwallet note 3f2a9c1 --clear
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import UsageError

    if text is None and not clear:
        raise UsageError("give the note TEXT, or --clear to remove the note")
    with open_wallet() as wallet:
        stored = wallet.get_credential(credential_id)
        wallet.set_note(stored.wallet_id, None if clear else text)
    info(f"{stored.wallet_id}: note {'removed' if clear or not text else 'saved'}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    register_commands(
        app,
        {"list": list_command, "show": show_command, "remove": remove_command, "tag": tag_command,
         "untag": untag_command, "note": note_command},
    )
