"""The exception tree and the exit codes it maps to.

Every error a user can cause is a :class:`SkillwalletError` subclass named after the condition.
The CLI has one error boundary (:func:`skillwallet.cli.main`) that prints ``error: <message>``
plus optional ``hint:`` lines on stderr and exits with the class's :class:`ExitCode`.
The README's exit-code table is generated from :data:`EXIT_CODE_DOCS`; a test keeps them in step.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes. Stable: scripts depend on them."""

    OK = 0
    INTERNAL = 1  # a bug: unexpected exception (traceback only with --debug)
    USAGE = 2  # bad command line (click's own code)
    NO_WALLET = 3
    BAD_PASSPHRASE = 4
    CORRUPT = 5
    ROLLBACK = 6
    BUSY = 7
    NEWER_FORMAT = 8
    LOCKED = 9
    BAD_INPUT = 10
    NOT_FOUND = 11
    IO = 12
    NOT_VERIFIED = 13
    INVALID_PATHWAY = 14
    EXISTS = 15
    CANCELLED = 16
    PARTIAL = 17
    EXPORT = 18
    UNAVAILABLE = 19
    PROBLEMS_FOUND = 20
    INTERRUPTED = 130  # 128 + SIGINT, what shells report for a command ended by Ctrl-C


EXIT_CODE_DOCS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.INTERNAL: "internal error (a bug; run with --debug for the traceback and report it)",
    ExitCode.USAGE: "bad command line: unknown command or option, missing argument, a value an option cannot take",
    ExitCode.NO_WALLET: "no wallet at the wallet location (run `skillwallet init`)",
    ExitCode.BAD_PASSPHRASE: "wrong passphrase, or the wrapped key was tampered with",
    ExitCode.CORRUPT: "the wallet or a backup is damaged, truncated or tampered with",
    ExitCode.ROLLBACK: "the wallet is older than one this machine has already seen (rollback or swapped file)",
    ExitCode.BUSY: "another skillwallet process holds the wallet lock; try again",
    ExitCode.NEWER_FORMAT: "the wallet was written by a newer skillwallet; upgrade",
    # one condition for every command, `init` and `passwd` (a new passphrase) too: nothing to ask it on
    ExitCode.LOCKED: (
        "a passphrase is needed: none given, no terminal to ask for it, no unlocked session (`init` too)"
    ),
    ExitCode.BAD_INPUT: "an input file is unreadable, malformed or not a credential",
    ExitCode.NOT_FOUND: "no credential, pathway, goal or document with that id",
    ExitCode.IO: "the disk is full or an output file could not be written (its folder missing or not writable)",
    ExitCode.NOT_VERIFIED: "verification ran, and at least one credential is not verified and in force",
    ExitCode.INVALID_PATHWAY: "a pathway definition is invalid",
    ExitCode.EXISTS: "the target already exists (use --force where offered)",
    ExitCode.CANCELLED: "the user declined a confirmation",
    ExitCode.PARTIAL: "a bulk operation finished, but some inputs were rejected",
    ExitCode.EXPORT: "an export could not be produced (empty selection, too large for a QR code, no profile)",
    ExitCode.UNAVAILABLE: "a document needed is not available offline and could not be fetched",
    ExitCode.PROBLEMS_FOUND: "`skillwallet doctor` found a problem (each comes with what to do)",
    # the user stopping a command is not an error (git and cargo print no error either): no `error:` prefix
    ExitCode.INTERRUPTED: (
        "interrupted (Ctrl-C): not an error, so one `interrupted` line; what was done is kept; "
        "run the same command again to continue"
    ),
}


class SkillwalletError(Exception):
    """Root of every error skillwallet reports to a user.

    ``message`` is one line; ``hints`` are extra lines printed as ``hint: ...``.
    """

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *hints: str) -> None:
        super().__init__(message)
        self.message = message
        self.hints = list(hints)


class UsageError(SkillwalletError):
    """The command line itself is wrong (an option value, a missing or contradictory option), as opposed to an
    input *file* that cannot be used (:class:`InvalidInputError`): exit 2, the code of every parser error."""

    exit_code = ExitCode.USAGE


class WalletNotFoundError(SkillwalletError):
    exit_code = ExitCode.NO_WALLET


class BadPassphraseError(SkillwalletError):
    exit_code = ExitCode.BAD_PASSPHRASE


class WalletCorruptError(SkillwalletError):
    exit_code = ExitCode.CORRUPT


class RollbackError(SkillwalletError):
    exit_code = ExitCode.ROLLBACK


class WalletBusyError(SkillwalletError):
    exit_code = ExitCode.BUSY


class NewerFormatError(SkillwalletError):
    exit_code = ExitCode.NEWER_FORMAT


class WalletLockedError(SkillwalletError):
    exit_code = ExitCode.LOCKED


class InvalidInputError(SkillwalletError):
    """A file or value given by the user cannot be used (malformed, not a credential, too large)."""

    exit_code = ExitCode.BAD_INPUT


class NotFoundError(SkillwalletError):
    exit_code = ExitCode.NOT_FOUND


class StorageIOError(SkillwalletError):
    exit_code = ExitCode.IO


class NotVerifiedError(SkillwalletError):
    exit_code = ExitCode.NOT_VERIFIED


class InvalidPathwayError(SkillwalletError):
    exit_code = ExitCode.INVALID_PATHWAY


class AlreadyExistsError(SkillwalletError):
    exit_code = ExitCode.EXISTS


class CancelledError(SkillwalletError):
    exit_code = ExitCode.CANCELLED


class PartialFailureError(SkillwalletError):
    exit_code = ExitCode.PARTIAL


class ExportError(SkillwalletError):
    exit_code = ExitCode.EXPORT


class DocumentUnavailableError(SkillwalletError):
    exit_code = ExitCode.UNAVAILABLE


class OperationInterrupted(SkillwalletError):
    """Ctrl-C during a long operation. ``message`` says what was done (``1,792 added, nothing lost``); the CLI
    prints it as one ``interrupted: ...`` line."""

    exit_code = ExitCode.INTERRUPTED


class ProblemsFoundError(SkillwalletError):
    """A health check (``doctor``) ran and found at least one problem."""

    exit_code = ExitCode.PROBLEMS_FOUND
