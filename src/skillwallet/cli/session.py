"""How every command gets an unlocked wallet: session, env passphrase, passphrase file, or a prompt.

Order (first that applies): a live ``SKILLWALLET_SESSION``; ``SKILLWALLET_PASSPHRASE``; ``--passphrase-file``
(global option or the command's own, also ``SKILLWALLET_PASSPHRASE_FILE``); an interactive prompt when stdin is a
terminal. Otherwise the wallet is locked: WalletLockedError with a hint. No wallet: WalletNotFoundError.

What a command should know about the wallet it opened goes through :func:`warn`: one ``warning:`` line on stderr
per message and command, kept in the command's state so that ``--json`` output carries it (``warnings``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from skillwallet.cli.common import CliState, info, is_terminal
from skillwallet.errors import InvalidInputError, WalletLockedError, WalletNotFoundError

if TYPE_CHECKING:
    from skillwallet.store import Wallet
    from skillwallet.store.crypto import Secret

SESSION_ENV = "SKILLWALLET_SESSION"
PASSPHRASE_ENV = "SKILLWALLET_PASSPHRASE"


def wallet_home() -> Path:
    from skillwallet import paths

    return paths.wallet_home()


def global_passphrase_file() -> Optional[Path]:
    """The global ``--passphrase-file`` (or ``SKILLWALLET_PASSPHRASE_FILE``) of the running command.

    Walks the click context chain itself: typer 0.29 has no ``typer.get_current_context``, which
    ``cli.common.cli_state`` relies on, so this looks the context up through typer's vendored click.
    """
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - other typer layouts
        get_current_context = None
    ctx = get_current_context(silent=True) if get_current_context else None
    while ctx is not None:
        if isinstance(ctx.obj, CliState):
            return ctx.obj.passphrase_file
        ctx = ctx.parent
    env = os.environ.get("SKILLWALLET_PASSPHRASE_FILE")
    return Path(env) if env else None


def read_passphrase_file(path: Path) -> "Secret":
    """The first line of ``path`` (without its line ending) as a secret."""
    from skillwallet.store.crypto import Secret

    try:
        with open(path, "rb") as handle:
            line = handle.readline().rstrip(b"\r\n")
    except OSError as exc:
        raise InvalidInputError(f"cannot read the passphrase file {path}: {exc.strerror or exc}") from None
    try:
        return Secret(line.decode("utf-8"))  # as text: normalised like a typed passphrase
    except UnicodeDecodeError:
        return Secret(line)


def non_interactive_passphrase(passphrase_file: Optional[Path] = None) -> "Secret | None":
    """The passphrase from ``SKILLWALLET_PASSPHRASE`` or a passphrase file, if either is given."""
    from skillwallet.store.crypto import Secret

    if os.environ.get(PASSPHRASE_ENV):
        return Secret(os.environ[PASSPHRASE_ENV])
    path = passphrase_file or global_passphrase_file()
    if path is not None:
        return read_passphrase_file(Path(path))
    return None


def can_prompt() -> bool:
    """Whether a person can be asked (stdin is a terminal)."""
    return is_terminal(sys.stdin)


def prompt_secret(prompt: str) -> "Secret":
    """Ask for a secret on the terminal without echo."""
    import getpass

    from skillwallet.store.crypto import Secret

    try:
        return Secret(getpass.getpass(prompt, stream=sys.stderr))
    except (KeyboardInterrupt, EOFError) as exc:
        # getpass ends the prompt's line only when a line was entered: end it here, so that "interrupted" or the
        # error line starts a line of its own rather than following "passphrase: "
        sys.stderr.write("\n")
        sys.stderr.flush()
        if isinstance(exc, KeyboardInterrupt):
            raise
        from skillwallet.errors import CancelledError

        raise CancelledError("no passphrase given") from None


def get_passphrase(
    passphrase_file: Optional[Path] = None,
    *,
    prompt: str = "Wallet passphrase: ",
    cannot_ask: Optional[WalletLockedError] = None,
) -> "Secret":
    """A passphrase from the environment, a file, or the terminal; WalletLockedError when none can be had.

    ``cannot_ask`` is the error for a passphrase that is not the wallet's (a backup's): "the wallet is
    locked" and a hint to unlock it would send the user after a session that cannot give it.
    """
    secret = non_interactive_passphrase(passphrase_file)
    if secret is not None:
        return secret
    if can_prompt():
        return prompt_secret(prompt)
    raise cannot_ask or WalletLockedError(
        "the wallet is locked and there is no terminal to ask for the passphrase",
        'unlock with: eval "$(skillwallet unlock)", or set SKILLWALLET_PASSPHRASE or --passphrase-file',
    )


def warn(message: str) -> None:
    """One ``warning:`` line on stderr, once per command, also kept for the command's ``--json`` output."""
    from skillwallet.cli.common import cli_state

    warnings = cli_state().warnings
    if message in warnings:
        return
    warnings.append(message)
    info(f"warning: {message}")


def rollback_warning(home: Path) -> str:
    """The warning for a wallet with history and no record of the versions this machine has seen."""
    return (
        f"this machine has no record of the versions of the wallet at {home} it has seen, so an older copy put "
        "back would go unnoticed; if this wallet is the one you expect, accept it once: "
        "skillwallet restore --trust-current"
    )


def open_wallet(passphrase_file: Optional[Path] = None, *, allow_session: bool = True) -> "Wallet":
    """Unlock the wallet at the configured location for one command."""
    from skillwallet.store import Wallet, wallet_path

    home = wallet_home()
    if not wallet_path(home).exists():
        raise WalletNotFoundError(f"no wallet at {home}", "run: skillwallet init")
    token = os.environ.get(SESSION_ENV)
    session_error: WalletLockedError | None = None
    if token and allow_session:
        try:
            wallet = Wallet.open(home, session_token=token)
        except WalletLockedError as exc:
            session_error = exc  # fall back to a passphrase if one is available
        else:
            _warn_opened(wallet)
            return wallet
    secret = non_interactive_passphrase(passphrase_file)
    if secret is None:
        if not can_prompt():
            if session_error is not None:
                raise session_error
            raise WalletLockedError(
                "the wallet is locked: no passphrase given and no unlocked session",
                'unlock with: eval "$(skillwallet unlock)", or set SKILLWALLET_PASSPHRASE or --passphrase-file',
            )
        if session_error is not None:
            info(f"note: {session_error.message}")
        secret = prompt_secret("Wallet passphrase: ")
        given = None
    else:
        given = passphrase_source(passphrase_file)
    from skillwallet.errors import BadPassphraseError

    try:
        wallet = Wallet.open(home, passphrase=secret)
    except BadPassphraseError as exc:
        if given is not None and not exc.hints:
            # not typed: a stale SKILLWALLET_PASSPHRASE (which wins over a passphrase file) is easy to forget
            exc.hints.append(f"the passphrase was read from {given}")
        raise
    _warn_opened(wallet)
    return wallet


def passphrase_source(passphrase_file: Optional[Path] = None) -> str | None:
    """Where :func:`non_interactive_passphrase` takes the passphrase from, as said to the user (None: nowhere)."""
    if os.environ.get(PASSPHRASE_ENV):
        return f"the environment variable {PASSPHRASE_ENV}"
    path = passphrase_file or global_passphrase_file()
    return f"the passphrase file {path}" if path is not None else None


def open_wallet_if_unlocked(passphrase_file: Optional[Path] = None) -> "Wallet | None":
    """The wallet when it can be opened without asking (a live session or a non-interactive passphrase), else None.

    For commands that work without a wallet but use it when it is at hand, e.g. ``verify FILE`` consulting the
    documents kept with ``skillwallet documents add``. A wrong passphrase that *was* given still raises.
    """
    from skillwallet.store import Wallet, wallet_path

    home = wallet_home()
    if not wallet_path(home).exists():
        return None
    token = os.environ.get(SESSION_ENV)
    if token:
        try:
            wallet = Wallet.open(home, session_token=token)
        except WalletLockedError:
            pass  # an expired session: try a passphrase, else go on without the wallet
        else:
            _warn_opened(wallet)
            return wallet
    secret = non_interactive_passphrase(passphrase_file)
    if secret is None:
        return None
    wallet = Wallet.open(home, passphrase=secret)
    _warn_opened(wallet)
    return wallet


class WalletWhenNeeded:
    """The wallet for commands that only *may* use it (``verify FILE``): opened on the first document lookup.

    Verifying a file needs no wallet unless a document has to be looked up among the ones kept with
    ``skillwallet documents add`` (or cached by an earlier fetch). Opening costs a key derivation when a
    passphrase is given, so it happens then and only then; a credential whose keys resolve from itself
    (did:key, did:jwk) or from ``--document`` never unlocks the wallet. The resolver sees the same ``get`` and
    ``put`` as an open wallet; without a wallet at hand, lookups find nothing and caching is skipped.
    """

    def __init__(self, passphrase_file: Optional[Path] = None) -> None:
        self._passphrase_file = passphrase_file
        self._wallet: "Wallet | None" = None
        self._tried = False

    @property
    def opened(self) -> bool:
        return self._wallet is not None

    def _open(self) -> "Wallet | None":
        if not self._tried:
            self._tried = True
            self._wallet = open_wallet_if_unlocked(self._passphrase_file)
        return self._wallet

    def get(self, collection: str, key: str):
        wallet = self._open()
        return None if wallet is None else wallet.get(collection, key)

    def put(self, collection: str, key: str, value) -> None:
        wallet = self._open()
        if wallet is not None:
            wallet.put(collection, key, value)

    def items(self, collection: str):
        """Every (key, value) of ``collection`` (the kept trust anchors); nothing without a wallet."""
        wallet = self._open()
        return [] if wallet is None else wallet.items(collection)

    def close(self) -> None:
        if self._wallet is not None:
            self._wallet.close()


def _warn_opened(wallet: "Wallet") -> None:
    """What every command that opened the wallet says about it: rollback protection, then permissions."""
    if wallet.rollback_unverified:
        warn(rollback_warning(wallet.home))
    for problem in wallet.permission_problems():
        warn(problem)
