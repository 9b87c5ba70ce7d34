"""Commands of the `profile` group: the holder's name, headline, contact and links, used by exports
(resume header, JSON Resume basics) and by import (OB 2.0 recipient emails are matched against ``emails``)."""

from __future__ import annotations

import contextlib
import copy
import re
from typing import Any, Iterator, List, Optional

import typer

from skillwallet.cli.common import Column, command_group, emit_json, info, render_table
from skillwallet.errors import NotFoundError, UsageError

profile_app = command_group("profile", "Your name, headline, contact details and links, shown on exported resumes.",
                            ['skillwallet profile set --name "Ana Souza" --email ana.souza@example.org',
                             "skillwallet profile show"])

# A pragmatic check (RFC 5322 allows more, but a resume address must be something a mail client accepts).
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
MAX_FIELD = 2000


def _check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value):
        raise UsageError(f"not an email address: {value!r}", "use the form name@example.org")
    return value


def _check_url(value: str) -> str:
    from skillwallet.export.resume import safe_url

    url = safe_url(value.strip())
    if url is None:
        raise UsageError(f"not a web address: {value!r}", "links must start with https:// (or http://)")
    return url


def _check_text(name: str, value: str) -> str | None:
    value = value.strip()
    if len(value) > MAX_FIELD:
        raise UsageError(f"the {name} is too long ({len(value)} characters; at most {MAX_FIELD})")
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise UsageError(f"the {name} contains control characters")
    return value or None


def _load(wallet) -> dict[str, Any]:
    from skillwallet.export.resume import normalise_profile

    return normalise_profile(wallet.get_profile())


@contextlib.contextmanager
def _editing_profile() -> Iterator[dict[str, Any]]:
    """The profile, open for one change: written back when the block ends without an error and changed it."""
    from skillwallet.cli.session import open_wallet

    with open_wallet() as wallet:
        profile = _load(wallet)
        before = copy.deepcopy(profile)
        yield profile
        if profile != before:
            wallet.set_profile(profile)


def _show_human(profile: dict[str, Any]) -> None:
    rows = [(key, profile[key] or "-") for key in ("name", "headline", "phone", "location")]
    rows.append(("emails", ", ".join(profile["emails"]) or "-"))
    links = [(f"{l['label']}: " if l.get("label") else "") + l["url"] for l in profile["links"]]
    rows.append(("links", "\n".join(links) or "-"))  # one link a line on a terminal; one field in pipes
    rows.append(("summary", profile["summary"] or "-"))
    render_table([Column("field", style="bold"), "value"], rows, show_header=False)


@profile_app.command("show")
def show_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/profile)."),
) -> None:
    """Show your profile.

    \b
    Example:
      skillwallet profile show
    """
    from skillwallet.cli.session import open_wallet

    with open_wallet() as wallet:
        profile = _load(wallet)
    if as_json:
        emit_json("profile", {"profile": profile, "complete": bool(profile["name"])})
        return
    _show_human(profile)
    if not profile["name"]:
        info('hint: set your name for exported resumes: skillwallet profile set --name "Your Name"')


@profile_app.command("set")
def set_command(
    name: Optional[str] = typer.Option(None, "--name", help="Your full name, as it should head a resume."),
    headline: Optional[str] = typer.Option(None, "--headline", metavar="TEXT", help='One line under your name, e.g. "Data engineer".'),
    emails: Optional[List[str]] = typer.Option(
        None, "--email", metavar="EMAIL", help="An email address (repeat for several; replaces the list). Also used to match Open Badges 2.0 recipients."
    ),
    phone: Optional[str] = typer.Option(None, "--phone", help="A phone number, in any format."),
    location: Optional[str] = typer.Option(None, "--location", metavar="TEXT", help='Where you are, e.g. "Edinburgh, UK".'),
    links: Optional[List[str]] = typer.Option(
        None, "--link", "--url", metavar="URL", help="A web link: portfolio, GitHub, LinkedIn (repeat for several; replaces the list)."
    ),
    summary: Optional[str] = typer.Option(None, "--summary", metavar="TEXT", help="A short paragraph about you."),
) -> None:
    """Set profile fields; those not given keep their value. An empty value ("") clears a field.

    \b
    Examples:
      skillwallet profile set --name "Ana Souza" --headline "Data analyst" \\
          --location "Lisbon, Portugal"
      skillwallet profile set --phone ""
    """
    changes: dict[str, Any] = {}
    for key, value in (("name", name), ("headline", headline), ("phone", phone), ("location", location), ("summary", summary)):
        if value is not None:
            changes[key] = _check_text(key, value)
    if emails is not None:
        changes["emails"] = _unique([_check_email(e) for e in emails if e.strip()])
    if links is not None:
        changes["links"] = [{"url": _check_url(u), "label": None} for u in _unique([l for l in links if l.strip()])]
    if not changes:
        raise UsageError("nothing to set", "give at least one of --name, --headline, --email, --phone, --location, --link, --summary")
    with _editing_profile() as profile:
        profile.update(changes)
    info(f"profile updated: {', '.join(sorted(changes))}")


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


@profile_app.command("add-email")
def add_email_command(
    email: str = typer.Argument(..., metavar="EMAIL", help="The email address, e.g. ana@example.org."),
) -> None:
    """Add an email address (resume contact; matched against Open Badges 2.0 recipients).

    \b
    Example:
      skillwallet profile add-email ana.souza@example.org
    """
    email = _check_email(email)
    with _editing_profile() as profile:
        if email.casefold() in (e.casefold() for e in profile["emails"]):
            info(f"{email} is already in your profile")
            return
        profile["emails"].append(email)
    info(f"added {email}")


@profile_app.command("remove-email")
def remove_email_command(
    email: str = typer.Argument(..., metavar="EMAIL", help="An email address in your profile."),
) -> None:
    """Remove an email address.

    \b
    Example:
      skillwallet profile remove-email ana.souza@example.org
    """
    with _editing_profile() as profile:
        kept = [e for e in profile["emails"] if e.casefold() != email.strip().casefold()]
        if len(kept) == len(profile["emails"]):
            raise NotFoundError(f"{email} is not in your profile", "see them with: skillwallet profile show")
        profile["emails"] = kept
    info(f"removed {email.strip()}")


@profile_app.command("add-link")
def add_link_command(
    url: str = typer.Argument(..., metavar="URL", help="The link, an https:// URL."),
    label: Optional[str] = typer.Option(None, "--label", metavar="TEXT", help='How the link reads on a resume, e.g. "Portfolio".'),
) -> None:
    """Add a web link (portfolio, GitHub, LinkedIn).

    \b
    Example:
      skillwallet profile add-link https://github.com/ana-souza --label GitHub
    """
    url = _check_url(url)
    label = _check_text("label", label) if label is not None else None
    with _editing_profile() as profile:
        profile["links"] = [l for l in profile["links"] if l["url"] != url] + [{"url": url, "label": label}]
    info(f"added {url}")


@profile_app.command("remove-link")
def remove_link_command(
    url: str = typer.Argument(..., metavar="URL", help="A link in your profile, as `profile show` lists it."),
) -> None:
    """Remove a web link.

    \b
    Example:
      skillwallet profile remove-link https://github.com/ana-souza
    """
    with _editing_profile() as profile:
        kept = [l for l in profile["links"] if l["url"] != url.strip()]
        if len(kept) == len(profile["links"]):
            raise NotFoundError(f"{url} is not in your profile", "see them with: skillwallet profile show")
        profile["links"] = kept
    info(f"removed {url.strip()}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.add_typer(profile_app, name="profile")
