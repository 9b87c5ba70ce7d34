"""Everyday commands: ``expiring``, ``doctor`` and ``config show|get|set|unset|path``.

The checks and the expiry selection are plain functions returning data (tested directly); the commands
only render them.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Optional

import typer

from skillwallet.cli.common import (
    DURATION_HELP, Column, Row, command_group, emit_json, info, parse_as_of, register_commands, render_table,
    unique_prefix_length,
)
from skillwallet.errors import ProblemsFoundError, UsageError

JSON_OPTION_HELP = "Print a versioned JSON document on stdout instead of a table."

config_app = command_group(
    "config", "Show and change settings (paper size, offline verification, KDF profile, trusted issuers).",
    ["skillwallet config show", "skillwallet config set offline false"],
)


def _value_text(value: Any) -> str:
    """A config value as a person or a shell script reads it: booleans lower case, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def complete_config_key(incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for a config key, with what it accepts as the description."""
    from skillwallet.config import KEY_DESCRIPTIONS

    return [(key, text) for key, text in KEY_DESCRIPTIONS.items() if key.startswith(incomplete)]


def complete_config_value(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for ``config set KEY VALUE``: the values ``KEY`` accepts, where they are a closed set."""
    from skillwallet.config import KDF_PROFILES, PAPER_SIZES

    choices = {"paper": PAPER_SIZES, "offline": ("true", "false"), "kdf_profile": KDF_PROFILES}
    return [value for value in choices.get(ctx.params.get("key") or "", ()) if value.startswith(incomplete)]


KEY_HELP = "The setting: paper, offline, kdf_profile or trusted_issuers."


@config_app.command("show")
def config_show(json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Show every setting, its value and whether it comes from the config file or the defaults.

    \b
    Example:
      skillwallet config show
    """
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    current = config_module.load_config(path)
    defaults = config_module.Config().to_dict()
    in_file = config_module.keys_in_file(path)
    values = current.to_dict()
    if json_output:
        emit_json(
            "config",
            {
                "path": str(path),
                "exists": path.is_file(),
                "config": values,
                "defaults": defaults,
                "from_file": sorted(in_file),
            },
        )
        return
    render_table(
        ["key", "value", "source", "accepts"],
        [
            [key, _value_text(value) or "(none)", "file" if key in in_file else "default",
             config_module.KEY_DESCRIPTIONS[key]]
            for key, value in values.items()
        ],
        title=f"config: {path}",
    )


@config_app.command("get")
def config_get(
    key: str = typer.Argument(..., metavar="KEY", help=KEY_HELP, autocompletion=complete_config_key),
    json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Print one setting's value (lists one item a line), for scripts.

    \b
    Example:
      skillwallet config get trusted_issuers
    """
    from skillwallet import config as config_module

    value = config_module.get_value(config_module.load_config(), key)
    if json_output:
        emit_json("config-value", {"key": key, "value": value})
        return
    if isinstance(value, list):
        for item in value:
            typer.echo(item)
    else:
        typer.echo(_value_text(value))


@config_app.command("set")
def config_set(
    key: str = typer.Argument(..., metavar="KEY", help=KEY_HELP, autocompletion=complete_config_key),
    value: str = typer.Argument(
        ..., metavar="VALUE", help="The new value; lists are comma-separated (\"\" for none).", autocompletion=complete_config_value
    ),
) -> None:
    """Change one setting and save the config file atomically.

    \b
    Examples:
      skillwallet config set paper letter
      skillwallet config set trusted_issuers did:web:uni.example,https://b.example
    """
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    updated = config_module.set_value(key, value, path)
    info(f"{key} = {_value_text(getattr(updated, key)) or '(none)'}  (saved to {path})")


@config_app.command("unset")
def config_unset(
    key: str = typer.Argument(..., metavar="KEY", help=KEY_HELP, autocompletion=complete_config_key),
) -> None:
    """Remove one setting from the config file (back to its default).

    \b
    Example:
      skillwallet config unset paper
    """
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    updated = config_module.unset_value(key, path)
    info(f"{key} = {_value_text(getattr(updated, key)) or '(none)'}  (default; saved to {path})")


@config_app.command("path")
def config_path(json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Print where the config file lives (it need not exist yet).

    \b
    Example:
      skillwallet config path
    """
    from skillwallet.paths import config_file

    path = config_file()
    if json_output:
        emit_json("config-path", {"path": str(path), "exists": path.is_file()})
        return
    typer.echo(str(path))


# --- expiring -------------------------------------------------------------------------------------

def parse_window(text: str) -> int:
    """A look-ahead window in whole days from ``90d``, ``12w``, ``6mo`` (30 days each), ``1y`` or a bare number
    of days: the duration syntax every option shares (:func:`skillwallet.cli.common.parse_duration`)."""
    from skillwallet.cli.common import parse_duration

    seconds = parse_duration(text, "--within", bare_unit="d")
    if seconds < 86400:
        raise UsageError(f"--within {text!r} is less than a day", "the window counts whole days: e.g. 30d, 12w, 6mo")
    return seconds // 86400


@dataclass
class ExpiringEntry:
    """One credential that has expired or expires within the window, with what the holder needs to renew it."""

    id: str
    title: str | None
    issuer: str | None
    issuer_url: str | None
    achievement_id: str | None
    expires: str
    days_left: int  # negative once expired
    status: str  # "expired" | "expiring"
    renewal: str | None
    verdict: str
    format: str
    # what renewing costs, from the catalogue's renewal routes (stacking/renewal.py): the cheapest, then all
    renewal_route: dict | None = None
    renewal_routes: list = field(default_factory=list)
    renewal_note: str = ""
    # when the cheapest route can be taken only shortly before the expiry (Microsoft: six months), the day it opens
    renewal_opens: str | None = None
    # its issuer revoked it (the verdict's status check): a renewal route renews a current credential, never
    # restores a revoked one
    revoked: bool = False


# the pace a renewal's hours are turned into weeks at (the planner's default pace too: stack --next)
RENEWAL_HOURS_PER_WEEK = 10.0


def select_expiring(stored: list, as_of: datetime, within_days: int, offerings: list | None = None
                    ) -> list[ExpiringEntry]:
    """Credentials whose expiry is on or before ``as_of + within_days``, soonest first.

    Expired ones stay in the list (and in the wallet, shareable), marked ``expired`` (FORMATS.md: expired
    credentials stay in the wallet and stay shareable, marked expired). Credentials without an expiry never expire.
    Each says what renewing it costs through the cheapest of the ``offerings`` that renew it (``renews``), or
    plainly that no renewal route is known.
    """
    from skillwallet.model import format_datetime, utc
    from skillwallet.stacking.renewal import RenewalRoutes, renewal_summary

    routes = RenewalRoutes(offerings or [])

    horizon = as_of + timedelta(days=within_days)
    entries = []
    for item in stored:
        credential = item.credential
        if credential.expires is None:
            continue
        expires = utc(credential.expires)
        if expires > horizon:
            continue
        # whole days left, rounded down, so "0" means "expires within the next 24 hours"
        days_left = (expires - as_of) // timedelta(days=1)
        issuer = credential.issuer
        entries.append(
            ExpiringEntry(
                id=item.wallet_id,
                title=credential.title,
                issuer=issuer.name or issuer.id,
                issuer_url=issuer.url or (issuer.id if (issuer.id or "").startswith("http") else None),
                achievement_id=credential.achievement_id,
                expires=format_datetime(expires) or "",
                days_left=days_left,
                status="expired" if expires <= as_of else "expiring",
                renewal=credential.renewal,
                verdict=item.verdict.verdict,
                format=credential.format,
            )
        )
        entry = entries[-1]
        found = routes.for_credential(credential)
        entry.renewal_routes = [renewal_summary(r, RENEWAL_HOURS_PER_WEEK, expires) for r in found]
        entry.renewal_route = entry.renewal_routes[0] if found else None
        entry.renewal_opens = entry.renewal_route["opens"] if found else None
        entry.revoked = item.verdict.checks.get("status") == "revoked"
        entry.renewal_note = _renewal_note(entry, as_of)
    entries.sort(key=lambda e: (e.expires, e.title or "", e.id))
    return entries


def _cost_text(route: dict) -> str:
    return "free" if not route["cost"] else f"{route['cost']:,.2f} {route['currency']}"


def _time_text(route: dict) -> str:
    weeks = f", about {route['weeks']:g} week{'s' if route['weeks'] != 1 else ''} at {RENEWAL_HOURS_PER_WEEK:g} h/week" \
        if route.get("weeks") else ""
    return f"{route['hours']:g} h{weeks}"


def _window_text(entry: ExpiringEntry, as_of: datetime) -> str:
    """When the route's window opens ("renewal opens 2027-03-01"), or that it is open; nothing once expired (the
    window closed with the credential) or for a route that can be taken any time."""
    if entry.renewal_opens is None or entry.status == "expired":
        return ""
    opens = datetime.fromisoformat(entry.renewal_opens.replace("Z", "+00:00"))
    return f"renewal opens {opens.date().isoformat()}" if opens > as_of else \
        f"renewal open since {opens.date().isoformat()}"


def _renewal_note(entry: ExpiringEntry, as_of: datetime) -> str:
    if entry.revoked:
        return "revoked by its issuer: renewing does not restore a revoked credential; ask the issuer"
    route = entry.renewal_route
    if route is None:
        return "no renewal route is known: ask the issuer what renewing costs"
    text = f"renew with {route['name']}: {_cost_text(route)}, {_time_text(route)}"
    window = _window_text(entry, as_of)
    if window:
        text += f" ({window})"
    if entry.status == "expired":
        # CompTIA and Microsoft renew only a current certification: past expiry the exam is taken again
        text += " (it has expired: the issuer may renew only a current credential)"
    return text


def _when(entry: ExpiringEntry) -> str:
    # Past two months a count of days is hard to read ("expired 6181 days ago"): say the month or the year.
    if entry.status == "expired":
        ago = -entry.days_left
        if ago <= 0:
            return "expired today"
        if ago < 60:
            return f"expired {ago} day{'s' if ago != 1 else ''} ago"
        return f"expired in {entry.expires[:7]}" if ago < 365 else f"expired in {entry.expires[:4]}"
    if entry.days_left == 0:
        return "today"
    if entry.days_left < 60:
        return f"in {entry.days_left} day{'s' if entry.days_left != 1 else ''}"
    return f"in {entry.expires[:7]}" if entry.days_left < 365 else f"in {entry.expires[:4]}"


def expiring_command(
    within: str = typer.Option("90d", "--within", metavar="DURATION",
                               help="Look this far ahead (a bare number counts days; " + DURATION_HELP + ")."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="Evaluate on this date (ISO 8601) instead of today."),
    json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """List credentials that expire soon or have expired, with what renewing each costs.

    \b
    Example:
      skillwallet expiring --within 90d
    """
    from skillwallet.cli.session import open_wallet

    within_days = parse_window(within)
    moment = parse_as_of(as_of)
    from skillwallet.stacking.catalog import Catalog

    wallet = open_wallet()
    try:
        # built-in renewal routes and the holder's own offerings that renew something
        offerings = list(Catalog(wallet).offerings().values())
        stored = wallet.list_credentials()
        entries = select_expiring(stored, moment, within_days, offerings)
    finally:
        wallet.close()
    from skillwallet.model import format_datetime

    if json_output:
        emit_json(
            "expiring",
            {
                "as_of": format_datetime(moment),
                "within_days": within_days,
                "until": format_datetime(moment + timedelta(days=within_days)),
                "renewal_hours_per_week": RENEWAL_HOURS_PER_WEEK,
                "credentials": [asdict(e) for e in entries],
            },
        )
        return
    if not entries:
        info(f"nothing expires within {within_days} days of {moment.date().isoformat()}")
        return
    rows = []
    for entry in entries:
        style = "red" if entry.status == "expired" else ("yellow" if entry.days_left <= 30 else None)
        renew = entry.renewal or entry.achievement_id or entry.issuer_url or "(ask the issuer)"
        route = entry.renewal_route
        window = _window_text(entry, moment)
        renewing = [route["name"], _cost_text(route), _time_text(route) + (f"; {window}" if window else "")] \
            if route else ["no renewal route known", "?", "?"]
        if entry.revoked:
            renewing = ["revoked by its issuer: ask the issuer", "-", "-"]
            style = "red"
        when = _when(entry) + (", revoked" if entry.revoked else "")
        rows.append(
            Row([entry.id, entry.title or "(untitled)", entry.issuer or "?", entry.expires[:10], when,
                 *renewing, renew], style)
        )
    until = (moment + timedelta(days=within_days)).date().isoformat()
    # On a terminal the table fits its width (like `list`): what the holder acts on stays (the title, the expiry
    # date and how near it is, the renewal route's name and its cost), wrapped at spaces rather than cut, since a
    # route's name says what it is only at its end ("... renewal assessment"); the link to renew at goes first
    # when narrow, then the issuer, the renewal time, and last the id (a prefix unique in the whole wallet, so
    # `show` resolves it). Piped, every column whole.
    render_table([Column("id", whole=True, prefix=unique_prefix_length(item.wallet_id for item in stored), drop=1),
                  Column("title", shorten="end", wrap=True, min_width=16, ratio=3),
                  Column("issuer", shorten="end", wrap=True, drop=4),
                  "expires",
                  Column("when", shorten="end", wrap=True, min_width=10, ratio=3),  # words of 7 characters at most
                  Column("renewal route", shorten="end", wrap=True, min_width=14, ratio=3),
                  Column("renewal cost", justify="right"),
                  Column("renewal time", shorten="end", wrap=True, min_width=14, ratio=2, drop=3),
                  Column("renew", shorten="end", min_width=24, ratio=2, drop=5)],  # a link: cut on its line
                 rows, title=f"expiring by {until}")
    unknown = sum(1 for e in entries if e.renewal_route is None)
    if unknown:
        info(f"{unknown} of {len(entries)} have no known renewal route: ask the issuer, or add one with "
             "`skillwallet offerings add FILE` (an offering with renews = \"<credential name>\")")


# --- doctor ---------------------------------------------------------------------------------------

OK, INFO, WARNING, PROBLEM = "ok", "info", "warning", "problem"
# OWASP Password Storage Cheat Sheet, "Argon2id": equivalent minimum configurations (memory KiB, iterations),
# parallelism 1; the first two are "m=47104 (46 MiB), t=1" and "m=19456 (19 MiB), t=2".
OWASP_ARGON2ID_MINIMUMS = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))
# OWASP, "scrypt": N=2^17, r=8, p=1 minimum.
OWASP_SCRYPT_MIN_LOG2_N = 17
# doctor exits with ProblemsFoundError's code (20) when a check finds a problem.


@dataclass
class Finding:
    """One doctor check: what was looked at, how it stands, and what to do about it."""

    check: str
    status: str  # ok | info | warning | problem
    message: str
    fix: str | None = None


def argon2_meets_owasp(memory_kib: int, iterations: int) -> bool:
    return any(memory_kib >= m and iterations >= t for m, t in OWASP_ARGON2ID_MINIMUMS)


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        return None


def check_permissions(roots: list[Path]) -> list[Finding]:
    """Every file under ``roots`` 0600 (no group/other bits), every folder 0700 (SECURITY.md "Numbers")."""
    findings: list[Finding] = []
    seen: set[Path] = set()
    checked = 0
    for root in roots:
        if root in seen or not root.exists():
            continue
        for path in [root, *sorted(root.rglob("*"))]:
            if path in seen or path.is_symlink():
                continue
            seen.add(path)
            mode = _mode(path)
            if mode is None:
                continue
            checked += 1
            allowed = 0o700 if path.is_dir() else 0o600
            if mode & 0o077:
                kind = "folder" if path.is_dir() else "file"
                findings.append(
                    Finding(
                        "permissions",
                        PROBLEM,
                        f"{kind} {path} has mode {mode:04o}; others can read it (should be {allowed:04o})",
                        f"chmod {allowed:o} '{path}'  (or run: skillwallet doctor --fix)",
                    )
                )
    if not findings:
        findings.append(Finding("permissions", OK, f"{checked} files and folders private (0600 / 0700)"))
    return findings


def fix_permissions(roots: list[Path]) -> list[Path]:
    """Remove group/other bits under ``roots``; return the paths changed."""
    changed = []
    for root in roots:
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")]:
            mode = _mode(path)
            if mode is None or path.is_symlink() or not mode & 0o077:
                continue
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
            changed.append(path)
    return changed


def check_wallet(home: Path) -> list[Finding]:
    """Format version and KDF parameters, read from the header (no passphrase needed)."""
    from skillwallet.errors import SkillwalletError
    from skillwallet.store import Wallet, wallet_path
    from skillwallet.store.wallet import FORMAT_VERSION

    path = wallet_path(home)
    if not path.exists():
        return [Finding("wallet", INFO, f"no wallet at {home}", "create one with: skillwallet init")]
    try:
        header = Wallet.read_header(path)
    except SkillwalletError as exc:
        return [Finding("format", PROBLEM, exc.message, exc.hints[0] if exc.hints else None)]
    findings = [Finding("wallet", OK, f"wallet at {path}")]
    if header.format_version == FORMAT_VERSION:
        findings.append(Finding("format", OK, f"format version {header.format_version} (current)"))
    else:
        findings.append(
            Finding(
                "format",
                WARNING,
                f"format version {header.format_version}; this skillwallet writes {FORMAT_VERSION}",
                "open it once with this version to upgrade it (take a backup first: skillwallet backup)",
            )
        )
    kdf = header.kdf
    params = kdf.params
    if kdf.algorithm == "argon2id":
        strong_enough = argon2_meets_owasp(params["m"], params["t"])
    else:
        strong_enough = params["log2_n"] >= OWASP_SCRYPT_MIN_LOG2_N and params["r"] >= 8
    if strong_enough:
        findings.append(Finding("kdf", OK, f"{kdf.describe()} meets the OWASP minimum"))
    else:
        findings.append(
            Finding(
                "kdf",
                WARNING,
                f"{kdf.describe()} is below the OWASP minimum (Argon2id m 19 MiB t 2, or m 46 MiB t 1)",
                "re-key it (a new salt and the default Argon2id cost): skillwallet passwd",
            )
        )
    return findings


def check_rollback_record(home: Path) -> list[Finding]:
    """Is there a record of the wallet versions this machine has seen (rollback detection, docs/store.md)?"""
    from skillwallet.cli.session import rollback_warning, warn
    from skillwallet.errors import SkillwalletError
    from skillwallet.store import Wallet, wallet_path

    if not wallet_path(home).exists():
        return []
    try:
        state = Wallet.rollback_status(home)
    except SkillwalletError:
        return []  # check_wallet already reports a file it cannot read
    if state["unverified"]:
        warn(rollback_warning(home))
        return [
            Finding(
                "rollback",
                WARNING,
                f"no record of the versions of this wallet seen on this machine (generation {state['generation']} "
                "in the file): an older copy put back would go unnoticed",
                "if this wallet is the one you expect, accept it once: skillwallet restore --trust-current",
            )
        ]
    if not state["record_present"]:
        return [Finding("rollback", OK, "new wallet: its rollback record is written when it is next opened")]
    return [Finding("rollback", OK, f"rollback record present ({state['record']})")]


def check_contexts() -> list[Finding]:
    """Every shipped JSON-LD context still has the SHA-256 its index records (a changed copy breaks signatures)."""
    import hashlib
    import importlib

    try:
        contexts = importlib.import_module("skillwallet.verify.contexts")
    except ModuleNotFoundError:
        return [Finding("contexts", INFO, "no shipped context index in this build")]
    try:
        shipped = contexts.shipped_contexts()
        folder = contexts.data_dir()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [Finding("contexts", PROBLEM, f"the context index cannot be read ({exc})", "reinstall skillwallet")]
    bad = []
    by_file: dict[str, list] = {}  # one file may be published under several URLs (the Blockcerts aliases)
    for url, entry in sorted(shipped.items()):
        by_file.setdefault(entry.file, []).append((url, entry))
    for file, entries in sorted(by_file.items()):
        urls = ", ".join(url for url, _ in entries)
        try:
            digest = hashlib.sha256((folder / file).read_bytes()).hexdigest()
        except OSError:
            bad.append(f"{file} is missing ({urls})")
            continue
        if any(digest != entry.sha256 for _, entry in entries):
            bad.append(f"{file} differs from its index ({urls})")
    if bad:
        return [
            Finding("contexts", PROBLEM, f"shipped context {item}", "reinstall skillwallet: pip install --force-reinstall skillwallet")
            for item in bad
        ]
    return [Finding("contexts", OK, f"{len(shipped)} shipped JSON-LD contexts intact (SHA-256 as indexed)")]


def check_config() -> list[Finding]:
    from skillwallet import config as config_module
    from skillwallet.errors import SkillwalletError
    from skillwallet.paths import config_file

    path = config_file()
    try:
        config_module.load_config(path)
    except SkillwalletError as exc:
        return [Finding("config", PROBLEM, exc.message, f"fix it, or reset it: skillwallet config unset KEY / rm '{path}'")]
    if not path.exists():
        return [Finding("config", OK, f"no config file (defaults); it would be {path}")]
    return [Finding("config", OK, f"config valid: {path}")]


def completion_locations(shell: str) -> list[Path]:
    """Where each shell looks for an installed completion script (user folders first, then the system's)."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    prefixes = [Path(sys.prefix), Path("/usr/local"), Path("/usr")]
    if shell == "bash":
        folders = [data_home / "bash-completion" / "completions"] + [
            p / "share" / "bash-completion" / "completions" for p in prefixes
        ] + [Path("/etc/bash_completion.d")]
        names = ("skillwallet", "skillwallet.bash", "_skillwallet")
    elif shell == "zsh":
        folders = [home / ".zfunc"] + [p / "share" / "zsh" / "site-functions" for p in prefixes] + [
            Path("/usr/share/zsh/vendor-completions")
        ]
        names = ("_skillwallet",)
    else:
        folders = [config_home / "fish" / "completions", data_home / "fish" / "vendor_completions.d"] + [
            p / "share" / "fish" / "vendor_completions.d" for p in prefixes
        ]
        names = ("skillwallet.fish",)
    return [folder / name for folder in folders for name in names]


def check_completions() -> list[Finding]:
    """Is a completion script installed for each shell, and is it the current one? (Only the login shell warns.)"""
    from skillwallet.cli.completion_gen import SHELLS, completion_script

    login_shell = Path(os.environ.get("SHELL", "")).name
    findings = []
    for shell in SHELLS:
        installed = [p for p in completion_locations(shell) if p.is_file()]
        if not installed:
            findings.append(
                Finding(
                    f"completions:{shell}",
                    WARNING if shell == login_shell else INFO,
                    f"no {shell} completion installed",
                    f"install it: _SKILLWALLET_COMPLETE=source_{shell} skillwallet > "
                    f"{completion_locations(shell)[0]}",
                )
            )
            continue
        current = completion_script(shell)
        stale = [p for p in installed if p.read_text(encoding="utf-8", errors="replace") != current]
        if stale and len(stale) == len(installed):
            findings.append(
                Finding(
                    f"completions:{shell}",
                    WARNING,
                    f"{shell} completion at {stale[0]} is from another skillwallet version",
                    f"replace it: _SKILLWALLET_COMPLETE=source_{shell} skillwallet > {stale[0]}",
                )
            )
        else:
            findings.append(Finding(f"completions:{shell}", OK, f"{shell} completion installed ({installed[0]})"))
    return findings


def check_secrets() -> list[Finding]:
    """Where the passphrase may be lying around: the environment, or a passphrase file others can read."""
    from skillwallet.cli.session import global_passphrase_file

    findings = []
    if os.environ.get("SKILLWALLET_PASSPHRASE"):
        findings.append(
            Finding(
                "secrets",
                WARNING,
                "SKILLWALLET_PASSPHRASE is set: every program started from this shell can read the passphrase",
                'unset SKILLWALLET_PASSPHRASE; for a while without retyping use: eval "$(skillwallet unlock)"',
            )
        )
    passphrase_file = global_passphrase_file()  # --passphrase-file, else SKILLWALLET_PASSPHRASE_FILE
    if passphrase_file:
        path = Path(passphrase_file).expanduser()
        mode = _mode(path)
        if mode is None:
            findings.append(Finding("secrets", WARNING, f"the passphrase file {path} cannot be read"))
        elif mode & 0o077:
            findings.append(
                Finding(
                    "secrets",
                    PROBLEM,
                    f"the passphrase file {path} has mode {mode:04o}; others can read the passphrase",
                    f"chmod 600 '{path}'",
                )
            )
    if not findings:
        findings.append(Finding("secrets", OK, "no passphrase in the environment or in a readable file"))
    if os.environ.get("SKILLWALLET_KDF_PROFILE") == "test":
        # the cheap profile exists for the test suite only (SECURITY.md "Numbers")
        findings.append(
            Finding(
                "kdf",
                WARNING,
                "SKILLWALLET_KDF_PROFILE=test: new wallets and passphrase changes use the cheap test KDF",
                "unset SKILLWALLET_KDF_PROFILE",
            )
        )
    return findings


def compact_wallet(home: Path) -> list[Finding]:
    """Unlock the wallet, bring it to the current layout and give back unused space (``doctor --compact``)."""
    from skillwallet.cli.session import open_wallet

    with open_wallet() as wallet:
        result = wallet.compact()
    mb = 1024 * 1024
    done = [f"{result['bytes_before'] / mb:.1f} MiB -> {result['bytes_after'] / mb:.1f} MiB "
            f"({result['sealed_bytes'] / mb:.1f} MiB of sealed records)"]
    if result["facts_built"]:
        done.append(f"index records completed for {result['facts_built']} credentials")
    if result["layout_migrated"]:
        done.append("records moved to the current layout")
    if not result["wal_truncated"]:
        return [Finding("compact", WARNING, "compacted: " + "; ".join(done) + "; but another skillwallet process was "
                        "reading the wallet, so the -wal file still holds page images from before",
                        "run skillwallet doctor --compact again when no other skillwallet command runs")]
    return [Finding("compact", INFO, "compacted: " + "; ".join(done))]


def reread_wallet(dry_run: bool = False) -> tuple[list[Finding], list]:
    """Unlock the wallet and read every stored credential's original again with today's importers
    (``doctor --reread``, docs/store.md "Reading credentials again"): the findings and what happened to each."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.formats.reread import reread_credential
    from skillwallet.store.credentials import REREAD_CHANGED, REREAD_SKIPPED, REREAD_UNCHANGED, REREAD_UNREADABLE

    with open_wallet() as wallet:
        # what `add` hands the importers (cli/add.py): whether a credential is addressed to the holder
        emails = [e for e in (wallet.get_profile().get("emails") or []) if isinstance(e, str)]
        holder_ids = [wallet.holder_did]

        def read(wallet_id, credential):
            return reread_credential(credential, source=wallet_id, holder_emails=emails, holder_ids=holder_ids)

        outcomes = wallet.reread_credentials(read, dry_run=dry_run)
    findings: list[Finding] = []
    verb = "would change" if dry_run else "changed"
    for o in outcomes:
        name = f"{o.wallet_id} ({o.title or 'untitled'})"
        if o.status == REREAD_CHANGED:
            fix = None
            message = f"{name}: {verb}: {', '.join(o.fields)}"
            if o.verdict_reset:
                message += f"; its {o.verdict} verdict {'would be' if dry_run else 'is'} not-verified until verified again"
                fix = f"skillwallet verify {o.wallet_id}"
            findings.append(Finding("reread", INFO, message, fix))
        elif o.status == REREAD_UNREADABLE:
            findings.append(Finding("reread", WARNING, f"{name}: left as it is: {o.reason}",
                                    "nothing to do: it stays as it was added (skillwallet show to see it)"))
    counts = {status: sum(1 for o in outcomes if o.status == status)
              for status in (REREAD_CHANGED, REREAD_UNCHANGED, REREAD_UNREADABLE, REREAD_SKIPPED)}
    summary = (f"{len(outcomes)} credential{'s' if len(outcomes) != 1 else ''} read again: {counts[REREAD_CHANGED]} "
               f"{verb}, {counts[REREAD_UNCHANGED]} unchanged, {counts[REREAD_UNREADABLE]} left as they are")
    if counts[REREAD_SKIPPED]:
        summary += f", {counts[REREAD_SKIPPED]} self-attested (not read from a document)"
    if dry_run:
        summary += "; dry run: nothing written"
    findings.append(Finding("reread", OK, summary))
    return findings, outcomes


def run_doctor(
    fix: bool = False, compact: bool = False, reread: bool = False, dry_run: bool = False
) -> tuple[list[Finding], list | None]:
    """Every check, in order. With ``fix``, tighten permissions first (the only repair doctor makes itself); with
    ``reread``, read the stored credentials again (``dry_run``: only say what would change); with ``compact``,
    unlock the wallet and compact it (docs/store.md, "Compaction"). The findings, and the re-read outcomes."""
    from skillwallet import paths

    roots = [paths.wallet_home(), paths.config_dir(), paths.state_dir()]
    findings: list[Finding] = []
    outcomes = None
    if fix:
        for path in fix_permissions(roots):
            findings.append(Finding("permissions", INFO, f"fixed: {path} is now private"))
    if reread:
        found, outcomes = reread_wallet(dry_run)
        findings += found
    if compact:
        findings += compact_wallet(paths.wallet_home())
    findings += check_wallet(paths.wallet_home())
    findings += check_rollback_record(paths.wallet_home())
    findings += check_permissions(roots)
    findings += check_secrets()
    findings += check_config()
    findings += check_contexts()
    findings += check_completions()
    return findings, outcomes


_MARKS = {OK: "ok", INFO: "info", WARNING: "warn", PROBLEM: "FAIL"}


def doctor_command(
    fix: bool = typer.Option(False, "--fix", help="Make wallet, config and state files private (0600/0700) first."),
    compact: bool = typer.Option(
        False, "--compact", help="Unlock the wallet and compact it first: current layout, no unused space."
    ),
    reread: bool = typer.Option(
        False, "--reread",
        help="Unlock the wallet and read every credential's original again with today's importers first; "
        "update the views that changed (tags, notes and ids kept).",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="With --reread: say what would change; write nothing."),
    json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Check the wallet's permissions, format, KDF and rollback record, the shipped contexts, the config and completions; --compact and --reread maintain it.

    --reread reads each stored credential's original bytes again, so that what newer importers read (plain-text
    titles, credits, linked BadgeClasses) reaches credentials added earlier. A credential whose verdict could
    change becomes not-verified until verified again; one whose original no longer reads is left as it is.

    \b
    Examples:
      skillwallet doctor
      skillwallet doctor --fix
      skillwallet doctor --reread --dry-run
      skillwallet doctor --reread
    """
    if dry_run and not reread:
        raise UsageError("--dry-run goes with --reread", "see what re-reading would change: skillwallet doctor --reread --dry-run")
    if dry_run and (fix or compact):
        raise UsageError("--dry-run writes nothing: it cannot go with --fix or --compact", "run them one after the other")
    findings, outcomes = run_doctor(fix=fix, compact=compact, reread=reread, dry_run=dry_run)
    problems = sum(1 for f in findings if f.status == PROBLEM)
    warnings = sum(1 for f in findings if f.status == WARNING)
    if json_output:
        payload = {
            "ok": problems == 0,
            "problems": problems,
            "warnings": warnings,
            "checks": [asdict(f) for f in findings],
        }
        if outcomes is not None:
            from skillwallet.store.credentials import REREAD_UNCHANGED

            payload["reread"] = {
                "dry_run": dry_run,
                "counts": {status: sum(1 for o in outcomes if o.status == status)
                           for status in ("changed", "unchanged", "unreadable", "skipped")},
                # every credential but the unchanged ones: what changed (or would), what was left and why
                "credentials": [o.to_dict() for o in outcomes if o.status != REREAD_UNCHANGED],
            }
        emit_json("doctor", payload)
    else:
        styles = {OK: "green", INFO: "dim", WARNING: "yellow", PROBLEM: "bold red"}
        render_table(
            ["status", "check", "finding", "what to do"],
            [Row([_MARKS[f.status], f.check, f.message, f.fix or ""], styles[f.status]) for f in findings],
            title="skillwallet doctor",
        )
        if not problems:
            info(f"{warnings} warning{'s' if warnings != 1 else ''}" if warnings else "everything looks right")
    if problems:
        # through the error boundary, so the exit status is the same under every runner
        raise ProblemsFoundError(
            f"doctor found {problems} problem{'s' if problems != 1 else ''}"
            + (f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""),
            "see 'what to do' for each one" + ("" if json_output else " above"),
        )


def register(app: typer.Typer) -> None:
    """Add ``expiring``, ``doctor`` and the ``config`` group to ``app``."""
    register_commands(app, {"expiring": expiring_command, "doctor": doctor_command})
    app.add_typer(config_app, name="config")
