"""Writing an export to the one file the user asked for, atomically.

An export is rendered in memory and written here once: a temporary file in the destination folder, created
with ``O_CREAT | O_EXCL`` and mode 0600 (never chmod-ed afterwards, so there is no window where it is readable
by others), written, fsync-ed, then ``os.replace``-d over the target and the folder fsync-ed. On any failure the
temporary file is removed, so a failed export leaves nothing behind and an existing target is left untouched.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from skillwallet.errors import StorageIOError

_TEMP_PREFIX = ".skillwallet-export-"


def _describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    if exc.errno == errno.EISDIR:
        return "it is a folder"
    return exc.strerror or type(exc).__name__


def write_export(path: Path | str, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` atomically and durably; return the resolved path.

    Raises :class:`StorageIOError` (one line, with a hint) when the folder is missing, not writable, full, or
    the target is a folder. Nothing but ``path`` is ever left on disk.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise StorageIOError(f"cannot write {target}: it is a folder", "give a file name, e.g. -o resume.pdf")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise StorageIOError(
            f"cannot write {target}: the folder {folder} does not exist", "create the folder first or pick another path"
        )
    temp = folder / f"{_TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
    fd = -1
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temp, target)
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise StorageIOError(
            f"cannot write {target}: {_describe_os_error(exc)}", "check the folder is writable and has free space"
        ) from None
    except BaseException:
        # KeyboardInterrupt etc.: still never leave a partial temp file behind
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)
    return target


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened (Windows)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
