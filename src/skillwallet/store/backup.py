"""Backups: the whole wallet in one encrypted, authenticated file, and restoring it safely.

Backup file (format 1)::

    magic   "SKILLWALLET-BACKUP\\n" (19 bytes) + format byte 0x01
    length  4 bytes big-endian, then that many bytes of header JSON: the wallet header (format, wallet id, KDF,
            salt, wrapped data key, created) plus the generation and the time of the backup
    payload nonce(12) || AES-256-GCM(backup key, SQLite image of the wallet, AAD = everything before the payload)

The backup key is an HKDF subkey of the wallet's data key, which the header's wrapped key gives back with the
passphrase in force when the backup was made. So the backup opens with that passphrase only, any change to any
byte is detected before anything is written, and the image inside holds only sealed records (no plaintext).
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from skillwallet.errors import AlreadyExistsError, InvalidInputError, StorageIOError, WalletCorruptError
from skillwallet.store import crypto, fsutil
from skillwallet.store.crypto import Secret
from skillwallet.store.db import WALLET_FILE, wallet_path
from skillwallet.store.keys import Header
from skillwallet.store.wallet import Wallet

MAGIC = b"SKILLWALLET-BACKUP\n\x01"
MAX_HEADER = 64 * 1024


def check_backup_target(target: Path, *, force: bool = False) -> None:
    """Refuse a target the backup could not be written to, before the wallet is opened (and its passphrase asked)."""
    target = Path(target)
    if target.is_dir():  # before "already exists, add --force": --force cannot replace a folder
        raise StorageIOError(f"cannot write {target}: it is a folder", "give a file name, e.g. -o wallet-backup.bin")
    if target.exists() and not force:
        raise AlreadyExistsError(f"{target} already exists", "choose another name, or add --force")
    fsutil.check_output_folder(target)  # exit 12 (a file that could not be written), as export -o says it


def write_backup(wallet: Wallet, target: Path, *, force: bool = False) -> int:
    """Write a backup of ``wallet`` to ``target`` (0600, atomically); returns its size in bytes."""
    target = Path(target)
    check_backup_target(target, force=force)
    wallet.verify_all()  # never back up a damaged wallet as if it were sound
    image = wallet.snapshot()
    header = wallet.header.to_json()
    header["generation"] = wallet.generation
    header["backup_created"] = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    header_bytes = json.dumps(header, sort_keys=True).encode()
    prefix = MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes
    payload = crypto.Sealer(wallet.backup_key()).seal(image, prefix)
    data = prefix + payload
    fsutil.atomic_write(target, data, step="backup")
    return len(data)


def read_backup(source: Path, passphrase: Secret) -> tuple[Header, bytes, int, Secret]:
    """Open and authenticate a backup; returns (header, SQLite image, generation, data key). Nothing is written."""
    source = Path(source)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read the backup {source}: {exc.strerror or exc}") from None
    if not data.startswith(MAGIC[:-1]):
        raise InvalidInputError(f"{source} is not a skillwallet backup")
    if data[len(MAGIC) - 1] != MAGIC[-1]:
        from skillwallet.errors import NewerFormatError

        raise NewerFormatError(f"{source} is a backup of a newer format", "upgrade skillwallet")
    try:
        length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
        if length > MAX_HEADER or len(MAGIC) + 4 + length > len(data):
            raise ValueError
        header_bytes = data[len(MAGIC) + 4 : len(MAGIC) + 4 + length]
        header_json = json.loads(header_bytes)
        generation = header_json["generation"]
        if not isinstance(generation, int):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise WalletCorruptError(f"the backup {source} is damaged or truncated") from None
    header = Header.from_json(header_json, f"the backup {source}")
    dek = header.unwrap(passphrase)
    prefix_len = len(MAGIC) + 4 + length
    try:
        image = crypto.Sealer(crypto.subkey(dek, "backup")).open(data[prefix_len:], data[:prefix_len])
    except Exception:
        raise WalletCorruptError(f"the backup {source} is damaged, truncated or was tampered with") from None
    return header, image, generation, dek


def check_restore(home: Path, source: Path, *, force: bool = False) -> None:
    """Refuse a restore that cannot happen, before any passphrase is asked: the backup is no file (said first, as
    --force would not help), or a wallet is in place and ``force`` is not given."""
    source = Path(source)
    if not source.is_file():
        reason = "it is a folder" if source.is_dir() else "no such file" if not source.exists() else "not a regular file"
        raise InvalidInputError(f"cannot read the backup {source}: {reason}", "give the file skillwallet backup wrote")
    if wallet_path(Path(home)).exists() and not force:
        raise AlreadyExistsError(
            f"a wallet already exists at {home}", "add --force to replace it (the current one is kept as a copy)"
        )


def restore_backup(home: Path, source: Path, passphrase: Secret, *, force: bool = False) -> tuple[Wallet, Path | None]:
    """Replace (or create) the wallet in ``home`` from a backup.

    The backup is authenticated and the restored file fully checked *before* the current wallet is touched.
    An existing wallet is replaced only with ``force``, and kept beside it as ``wallet.sqlite.replaced-<time>``.
    Returns the opened restored wallet and the path of the kept copy (or ``None``).
    """
    home = Path(home)
    current = wallet_path(home)
    check_restore(home, source, force=force)
    _header, image, _generation, dek = read_backup(source, passphrase)
    fsutil.ensure_private_dir(home)
    tmp = home / f".{WALLET_FILE}.restore-{os.getpid()}-{os.urandom(4).hex()}"
    kept: Path | None = None
    try:
        _write_image(tmp, image)
        check = Wallet.open_file_with_key(home, tmp, dek)
        try:
            if check.header.wallet_id != _header.wallet_id:
                raise WalletCorruptError(f"the backup {source} holds a different wallet than its header says")
            check.verify_all()  # every record present and authentic before the current wallet is touched
        finally:
            check.close()
        if current.exists():
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            kept = home / f"{WALLET_FILE}.replaced-{stamp}"
            n = 1
            while kept.exists():
                kept = home / f"{WALLET_FILE}.replaced-{stamp}-{n}"
                n += 1
            # the live wallet must be fully folded into its main file before it is moved away
            _checkpoint(current)
            fsutil.fault_point("restore.keep")
            os.link(current, kept)
        fsutil.fault_point("restore.replace")
        os.replace(tmp, current)
        fsutil.fsync_dir(home)
    except OSError as exc:
        raise fsutil.storage_error(exc, str(current)) from None
    finally:
        for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            try:
                leftover.unlink()
            except OSError:
                pass
    from skillwallet.store import session as _session

    _session.end_sessions(home)
    wallet = Wallet.open_file_with_key(home, current, dek)
    wallet.trust_current()  # restore is the explicit rollback override
    return wallet, kept


def _checkpoint(path: Path) -> None:
    try:
        conn = sqlite3.connect(str(path), timeout=5)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        pass


def _write_image(path: Path, image: bytes) -> None:
    """Write an SQLite image to a new 0600 file, fsync'd, in WAL mode like a live wallet."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, fsutil.FILE_MODE)
    try:
        view = memoryview(image)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        conn = sqlite3.connect(str(path))
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise WalletCorruptError(f"the backup holds a damaged wallet ({exc})") from None


__all__ = ["write_backup", "read_backup", "restore_backup"]
