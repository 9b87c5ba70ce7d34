"""The wallet's SQLite file: where it is, its schema, how it is opened, and what SQLite's errors mean to a user.

Everything here is about the container, nothing about what the records say (on-disk format: docs/store.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from skillwallet.errors import SkillwalletError, StorageIOError, WalletBusyError, WalletCorruptError, WalletNotFoundError

WALLET_FILE = "wallet.sqlite"
APPLICATION_ID = 0x534B5754  # "SKWT": `file` and sqlite tools can tell what the file is

CORRUPT_HINT = "restore a backup with: skillwallet restore --force FILE (the damaged file is kept as a copy)"

# The records table is keyed by an integer that grows with every insert, so rows are appended and pages fill up
# (the keyed record ids are random: as the key of a WITHOUT ROWID table they left pages half full and large
# records spilling into half-empty overflow pages, 2x the sealed data). The record id stays unique through an
# index: lookups by (collection, rid) are as before. The row number says only in which order records were written,
# which their versions (the generation of the writing transaction) already show.
RECORDS_TABLE = (
    "CREATE TABLE {name} (n INTEGER PRIMARY KEY, collection TEXT NOT NULL, rid BLOB NOT NULL, "
    "version INTEGER NOT NULL, sealed BLOB NOT NULL, UNIQUE (collection, rid))"
)
# (collection, version, rid): covering, so checking a collection's record set never reads the records themselves
RECORDS_INDEX = "CREATE INDEX records_versions ON records (collection, version, rid)"
SCHEMA = (
    "CREATE TABLE header (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;"
    + RECORDS_TABLE.format(name="records") + ";" + RECORDS_INDEX + ";"
)
# what wallets written before used (still format 1, still read and written): WITHOUT ROWID, keyed by the record id
LEGACY_RECORDS_MARK = "WITHOUT ROWID"
PAGE_SIZE = 2048  # for new wallets; earlier ones keep SQLite's default 4096 (any size reads the same)


def wallet_path(home: Path) -> Path:
    """The wallet file inside a wallet home."""
    return Path(home) / WALLET_FILE


def lock_timeout() -> float:
    """Seconds a writer waits for the lock (``SKILLWALLET_LOCK_TIMEOUT``, default 10)."""
    raw = os.environ.get("SKILLWALLET_LOCK_TIMEOUT")
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
    return 10.0


# a damaged file can also make SQLite hand back text that is not UTF-8 (schema, column values, messages)
DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def translate_sqlite(exc: Exception, path: Path) -> SkillwalletError:
    """Map an SQLite failure to the user error it means."""
    if isinstance(exc, UnicodeDecodeError):
        return WalletCorruptError(f"the wallet file {path} is damaged (invalid text)", CORRUPT_HINT)
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    if "locked" in text or "busy" in text or code in (5, 6):
        return WalletBusyError(
            "another skillwallet process is using the wallet; try again",
            "or raise SKILLWALLET_LOCK_TIMEOUT (seconds)",
        )
    if "full" in text or code == 13:
        return StorageIOError(f"the disk is full: could not write {path}", "free some space and try again")
    if "readonly" in text or "read-only" in text or code == 8:
        return StorageIOError(f"the wallet at {path} cannot be written (read-only)", "check its permissions")
    if "unable to open" in text or code == 14:
        return StorageIOError(f"cannot open the wallet file {path}", "check that it is readable and its folder writable")
    if "disk i/o" in text or code == 10:
        return StorageIOError(
            f"could not read or write the wallet file {path} (disk full, file size limit or I/O error)",
            "nothing was changed; free some space and try again",
        )
    # SQLite quotes schema text (several lines) when the schema itself is damaged: the message stays one line
    detail = " ".join(str(exc).split())
    return WalletCorruptError(f"the wallet file {path} is damaged ({detail})", CORRUPT_HINT)


def connect(path: Path, *, must_exist: bool = True, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), writes fsync-ed, the schema not trusted.

    ``read_only``: for readers that must leave the wallet folder exactly as it was (shell completion). SQLite's
    ``mode=ro`` alone is not enough for a WAL database: a read-only connection creates the ``-wal`` and ``-shm``
    files and, unable to delete them, leaves them behind. So when no ``-wal`` file is there (no other connection
    is open and nothing is left to recover) the file is opened ``immutable`` (no lock, no side files); when there
    is one, it is read through it with ``mode=ro`` (it holds committed transactions the file does not have yet).
    """
    mode = "ro" if read_only else ("rw" if must_exist else "rwc")
    uri = "file:" + str(path).replace("?", "%3f").replace("#", "%23") + f"?mode={mode}"
    if read_only and not Path(str(path) + "-wal").exists():
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, timeout=lock_timeout(), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA trusted_schema=OFF")
    except BaseException:
        conn.close()
        raise
    return conn


def connect_existing(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open an existing wallet file, after checking that it is an SQLite file at all (not truncated, not another
    kind of file): those are a damaged wallet, never an SQLite traceback."""
    if not path.exists():
        raise WalletNotFoundError(f"no wallet at {path.parent}", "run: skillwallet init")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(100)
    except OSError as exc:
        raise StorageIOError(f"cannot read the wallet file {path}: {exc.strerror}", "check its permissions") from None
    if len(magic) < 100 or not magic.startswith(b"SQLite format 3\x00"):
        raise WalletCorruptError(f"{path} is not a skillwallet wallet, or it is truncated", CORRUPT_HINT)
    try:
        return connect(path, read_only=read_only)
    except DB_ERRORS as exc:
        raise translate_sqlite(exc, path) from None
