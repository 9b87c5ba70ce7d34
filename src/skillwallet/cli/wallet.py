"""Commands of the `wallet` group: init, unlock, lock, status, passwd, backup, restore."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from skillwallet.cli.common import DURATION_HELP, Column, emit_json, info, register_commands, render_table

if TYPE_CHECKING:
    from skillwallet.store.crypto import Secret

NEW_PASSPHRASE_ENV = "SKILLWALLET_NEW_PASSPHRASE"

_PASSPHRASE_FILE_OPTION = typer.Option(
    None, "--passphrase-file", help="Read the wallet passphrase from this file (first line)."
)


MIN_PASSPHRASE = 12  # characters; the KDF slows guessing, it cannot make "hunter2" strong
WEAK_PASSPHRASE_OPTION = typer.Option(
    False, "--weak-passphrase", help=f"Accept a passphrase shorter than {MIN_PASSPHRASE} characters (not advised)."
)


def _new_passphrase(source_file: Optional[Path], *, env: str, what: str, weak: bool = False) -> "Secret":
    """A new passphrase: from a file or env (non-interactive), or typed twice on the terminal (asked again after a
    mismatch or a too-short one). Never empty; at least MIN_PASSPHRASE characters unless ``weak``."""
    from skillwallet.cli.session import can_prompt, prompt_secret, read_passphrase_file
    from skillwallet.cli.session import warn
    from skillwallet.errors import InvalidInputError, UsageError
    from skillwallet.store.crypto import Secret

    def short(secret: "Secret") -> bool:
        return 0 < len(secret) < MIN_PASSPHRASE and not weak

    too_short = f"the passphrase is shorter than {MIN_PASSPHRASE} characters"
    longer = "use a few unrelated words (e.g. four words from a dictionary), or --weak-passphrase to accept it"
    if source_file is not None:
        secret = read_passphrase_file(source_file)
    elif os.environ.get(env):
        secret = Secret(os.environ[env])
    elif can_prompt():
        for attempt in range(3):
            secret = prompt_secret(f"{what}: ")
            if short(secret):
                info(f"{too_short}: {longer}")
                continue
            if len(secret) and prompt_secret(f"{what} (again): ") != secret:
                info("the two passphrases differ; try again")
                continue
            break
        else:
            raise InvalidInputError("no passphrase agreed after three tries; nothing changed")
    else:
        # the condition `list` meets on a locked wallet with no terminal, so the same exit code (9, README
        # "Exit codes"): a script learns "give a passphrase" from one code, whatever the command
        from skillwallet.errors import WalletLockedError

        raise WalletLockedError(
            f"no {what.lower()} given and no terminal to ask for it",
            f"set {env} or use a passphrase file",
        )
    if len(secret) == 0:
        raise InvalidInputError("the passphrase must not be empty")
    if short(secret):
        raise UsageError(too_short, longer)
    if 0 < len(secret) < MIN_PASSPHRASE:
        warn(f"the passphrase is shorter than {MIN_PASSPHRASE} characters: anyone with the wallet file can guess it faster")
    return secret


def init_command(
    passphrase_file: Optional[Path] = _PASSPHRASE_FILE_OPTION,
    weak_passphrase: bool = WEAK_PASSPHRASE_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/init)."),
) -> None:
    """Create a new encrypted wallet and the holder's signing key (a did:key).

    \b
    Examples:
      skillwallet init
      skillwallet init --passphrase-file ~/.secrets/skillwallet
    """
    from skillwallet.cli.session import global_passphrase_file, wallet_home
    from skillwallet.errors import AlreadyExistsError
    from skillwallet.store import Wallet, wallet_path

    home = wallet_home()
    if wallet_path(home).exists():
        # `init` has no --force: the hint names the commands that do replace or add a wallet
        raise AlreadyExistsError(
            f"a wallet already exists at {home}",
            "use it, or replace it from a backup: skillwallet restore FILE --force",
            "a second wallet needs a folder of its own: SKILLWALLET_HOME=FOLDER skillwallet init",
        )
    secret = _new_passphrase(
        passphrase_file or global_passphrase_file(), env="SKILLWALLET_PASSPHRASE", what="New wallet passphrase",
        weak=weak_passphrase,
    )
    with Wallet.init(home, secret, kdf_profile=_configured_kdf_profile()) as wallet:
        did = wallet.holder_did
        kdf = wallet.kdf.describe()
    if as_json:
        emit_json("init", {"home": str(home), "did": did, "kdf": kdf})
        return
    info(f"created an encrypted wallet at {home} ({kdf})")
    info(f"your holder id: {did}")
    info("keep the passphrase safe: without it nothing in the wallet can be recovered")
    info("next:")
    info("  skillwallet add ~/Downloads/badge.json     # import credentials: files, folders, .zip archives")
    info("  skillwallet verify --all                   # check every signature, offline")
    info("  skillwallet stack --goal data-analyst      # see how far your credentials take you on a pathway")


def unlock_command(
    duration: str = typer.Option(
        "15min", "--for", help="How long the session lasts, at most 24h (a bare number counts minutes; " + DURATION_HELP + ")."
    ),
    raw: bool = typer.Option(False, "--raw", help="Print only the session token."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/session)."),
    passphrase_file: Optional[Path] = _PASSPHRASE_FILE_OPTION,
) -> None:
    """Unlock the wallet for a while: prints `export SKILLWALLET_SESSION=...` (use: eval "$(skillwallet unlock)").

    \b
    Example:
      eval "$(skillwallet unlock --for 2h)"
    """
    from skillwallet.cli.common import parse_duration
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import UsageError
    from skillwallet.store import session

    seconds = parse_duration(duration, "--for", bare_unit="min")
    if not 0 < seconds <= session.MAX_SECONDS:
        raise UsageError(f"--for {duration!r}: a session lasts more than nothing and at most 24h", "e.g. --for 15min or --for 8h")
    with open_wallet(passphrase_file, allow_session=False) as wallet:
        token, expires = session.start_session(
            wallet.home, wallet.header.wallet_id, wallet.dek_for_session(), seconds, key_id=wallet.header.salt
        )
    until = datetime.fromtimestamp(expires, tz=timezone.utc)
    if as_json:
        emit_json("session", {"token": token, "expires": until.isoformat().replace("+00:00", "Z")})
        return
    typer.echo(token if raw else f"export SKILLWALLET_SESSION={token}")
    info(f"unlocked until {until.strftime('%Y-%m-%d %H:%M:%S')} UTC; end it with: skillwallet lock")


def lock_command() -> None:
    """End the wallet's unlocked sessions (the session token becomes useless).

    \b
    Example:
      skillwallet lock
    """
    from skillwallet.cli.session import wallet_home
    from skillwallet.store import session

    ended = session.end_sessions(wallet_home())
    info(f"locked ({ended} session{'s' if ended != 1 else ''} ended)")
    if os.environ.get("SKILLWALLET_SESSION"):
        info("you can also: unset SKILLWALLET_SESSION")


def status_command(as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/status).")) -> None:
    """Where the wallet is, how many credentials, KDF parameters, session state, rollback record, permission problems.

    \b
    Examples:
      skillwallet status
      skillwallet status --json
    """
    from skillwallet import paths
    from skillwallet.cli.session import SESSION_ENV, rollback_warning, wallet_home, warn
    from skillwallet.errors import WalletNotFoundError
    from skillwallet.store import Wallet, session, wallet_path
    from skillwallet.store import fsutil
    from skillwallet.store.wallet import CREDENTIALS

    home = wallet_home()
    path = wallet_path(home)
    if not path.exists():
        raise WalletNotFoundError(f"no wallet at {home}", "run: skillwallet init")
    header = Wallet.read_header(path)
    # the collection column is not secret: the count needs no passphrase
    conn = Wallet._connect_existing(path)
    try:
        count = conn.execute("SELECT count(*) FROM records WHERE collection=?", (CREDENTIALS,)).fetchone()[0]
    finally:
        conn.close()
    live = session.session_info(os.environ.get(SESSION_ENV))
    problems = []
    for candidate, allowed in (
        (home, fsutil.DIR_MODE),
        (path, fsutil.FILE_MODE),
        (paths.state_dir(), fsutil.DIR_MODE),
    ):
        mode = fsutil.wider_than(candidate, allowed)
        if mode is not None:
            problems.append(f"{candidate} has mode {mode:04o} (should be {allowed:04o})")
    session_state = "none"
    if os.environ.get(SESSION_ENV):
        session_state = "unlocked" if live and live.get("home") == str(home.resolve()) else "expired or ended"
    expires = (
        datetime.fromtimestamp(live["expires"], tz=timezone.utc).isoformat().replace("+00:00", "Z") if live else None
    )
    rollback = Wallet.rollback_status(home)
    warnings = [rollback_warning(home)] if rollback["unverified"] else []
    warnings += problems
    payload = {
        "home": str(home),
        "wallet_file": str(path),
        "size_bytes": path.stat().st_size,
        "format_version": header.format_version,
        "wallet_id": header.wallet_id.hex(),
        "created": header.created,
        "credentials": count,
        "kdf": header.kdf.to_dict(),
        "session": {"state": session_state, "expires": expires},
        "permission_problems": problems,
        # generation: as the file says (unauthenticated here); record_present: the rollback record exists
        "rollback": {"generation": rollback["generation"], "record_present": rollback["record_present"]},
        "warnings": warnings,
    }
    for warning in warnings:
        warn(warning)
    if as_json:
        emit_json("status", payload)
        return
    rows = [
        ("wallet", str(path)),
        ("format", str(header.format_version)),
        ("created", header.created),
        ("credentials", str(count)),
        ("key derivation", header.kdf.describe()),
        ("session", session_state + (f" until {expires}" if expires else "")),
        ("permissions", "ok" if not problems else "; ".join(problems)),
        (
            "rollback record",
            "present" if rollback["record_present"]
            else "missing: accept the wallet once with skillwallet restore --trust-current" if rollback["unverified"]
            else "none yet (written when the wallet is next opened)",
        ),
    ]
    render_table([Column("field", style="bold"), "value"], rows, show_header=False)


def passwd_command(
    passphrase_file: Optional[Path] = _PASSPHRASE_FILE_OPTION,
    new_passphrase_file: Optional[Path] = typer.Option(
        None, "--new-passphrase-file", help="Read the new passphrase from this file (or set SKILLWALLET_NEW_PASSPHRASE)."
    ),
    weak_passphrase: bool = WEAK_PASSPHRASE_OPTION,
) -> None:
    """Change the wallet passphrase and rotate the data key (every record re-encrypted; ends open sessions).

    \b
    Examples:
      skillwallet passwd
      skillwallet passwd --new-passphrase-file new-passphrase.txt
    """
    from skillwallet.cli.session import open_wallet

    with open_wallet(passphrase_file, allow_session=False) as wallet:
        secret = _new_passphrase(new_passphrase_file, env=NEW_PASSPHRASE_ENV, what="New passphrase", weak=weak_passphrase)
        wallet.change_passphrase(secret, kdf_profile=_configured_kdf_profile())
    info("passphrase changed and every record re-encrypted under a new key; unlocked sessions were ended")
    info("backups made before keep opening with the old passphrase: make a new one and delete the old ones")


def backup_command(
    target: Optional[Path] = typer.Argument(None, metavar="FILE", help="Where to write the backup (or give -o FILE)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Where to write the backup, as with export -o."),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    passphrase_file: Optional[Path] = _PASSPHRASE_FILE_OPTION,
) -> None:
    """Write the whole wallet to one encrypted, authenticated file (opens with the current passphrase).

    Example: skillwallet backup -o ~/wallet-backup.bin
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import UsageError
    from skillwallet.store.backup import check_backup_target, write_backup

    if target is not None and output is not None and target != output:
        raise UsageError("give the backup file once: FILE or -o FILE", f"e.g. skillwallet backup -o {output}")
    target = target or output
    if target is None:
        raise UsageError("say where to write the backup: -o FILE", "e.g. skillwallet backup -o wallet-backup.bin")

    check_backup_target(target, force=force)
    with open_wallet(passphrase_file) as wallet:
        size = write_backup(wallet, target, force=force)
        count = wallet.count("credentials")
    info(f"backed up {count} credentials to {target} ({size} bytes); it opens with the current passphrase")


def restore_command(
    source: Optional[Path] = typer.Argument(None, metavar="FILE", help="A backup written by skillwallet backup."),
    force: bool = typer.Option(False, "--force", help="Replace an existing wallet (it is kept as a copy)."),
    trust_current: bool = typer.Option(
        False,
        "--trust-current",
        help="Accept the wallet file now in place as the newest (after a deliberate rollback, "
        "or when this machine has no record of the wallet's versions).",
    ),
    passphrase_file: Optional[Path] = _PASSPHRASE_FILE_OPTION,
) -> None:
    """Bring a wallet back from a backup (or, with --trust-current, accept the current file after a rollback).

    \b
    Examples:
      skillwallet restore ~/wallet-backup.bin
      skillwallet restore --trust-current
    """
    from skillwallet.cli.session import get_passphrase, wallet_home
    from skillwallet.errors import UsageError, WalletLockedError
    from skillwallet.store import Wallet
    from skillwallet.store.backup import check_restore, restore_backup

    home = wallet_home()
    if trust_current:
        if source is not None:
            raise UsageError("--trust-current takes no FILE")
        secret = get_passphrase(passphrase_file)
        with Wallet.open(home, passphrase=secret, check_rollback=False) as wallet:
            wallet.trust_current()
            generation = wallet.generation
        info(f"accepted the wallet at {home} as current (generation {generation})")
        return
    if source is None:
        raise UsageError("give the backup FILE to restore (or --trust-current)")
    check_restore(home, source, force=force)  # a missing file or a wallet in place: said before the prompt
    # the backup opens with the passphrase in force when it was made (docs/store.md, "Backup file"), never
    # with a session of the wallet (there may be no wallet): say which passphrase is missing, how to give it
    secret = get_passphrase(
        passphrase_file,
        prompt="Passphrase of the backup: ",
        cannot_ask=WalletLockedError(
            f"no passphrase given for the backup {source} and no terminal to ask for it",
            "give the passphrase the wallet had when the backup was made: set SKILLWALLET_PASSPHRASE "
            "or pass --passphrase-file FILE",
        ),
    )
    wallet, kept = restore_backup(home, source, secret, force=force)
    with wallet:
        count = wallet.count("credentials")
    info(f"restored {count} credentials into {home}")
    if kept is not None:
        info(f"the replaced wallet was kept as {kept}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    register_commands(
        app,
        {"init": init_command, "unlock": unlock_command, "lock": lock_command, "status": status_command,
         "passwd": passwd_command, "backup": backup_command, "restore": restore_command},
    )


def _configured_kdf_profile() -> str | None:
    """The KDF profile for a new key: ``SKILLWALLET_KDF_PROFILE`` wins, then the config file's ``kdf_profile``."""
    if os.environ.get("SKILLWALLET_KDF_PROFILE"):
        return None  # kdf_for_profile reads the environment itself
    from skillwallet.config import load_config

    return load_config().kdf_profile
