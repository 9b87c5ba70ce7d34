"""File-system helpers for the wallet: private modes from creation, atomic replacement, fault points.

Files are created 0600 and folders 0700 by ``open``/``mkdir`` themselves (never chmod-ed afterwards, so
there is no window with a wider mode). Atomic writes go through a temporary file in the same folder,
``fsync``, ``os.replace`` and an ``fsync`` of the folder (the pattern of hatch's ``utils/fs.py``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable

from skillwallet.errors import StorageIOError

FILE_MODE = 0o600
DIR_MODE = 0o700

# Fault injection for the crash tests (SECURITY.md test 4 and 8): when set, called with the name of each
# step of a write path; raising from it simulates a failure (or a crash) at exactly that step.
fault_hook: Callable[[str], None] | None = None


def fault_point(name: str) -> None:
    """Mark one step of a write path (a no-op unless a test installed :data:`fault_hook`)."""
    if fault_hook is not None:
        fault_hook(name)


def storage_error(exc: OSError, what: str) -> StorageIOError:
    """Translate an OS error while writing into the one-line user error."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageIOError(f"the disk is full: could not write {what}", "free some space and try again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageIOError(f"permission denied writing {what}", "check the folder's owner and permissions")
    return StorageIOError(f"could not write {what}: {exc.strerror or exc}")


def check_output_folder(target: Path | str) -> None:
    """Refuse an output file whose folder does not exist, before any work is done.

    One condition, one exit code everywhere (backup -o, export -o, verify --report): the file "could not be
    written", so :class:`StorageIOError` (exit 12, README "Exit codes"); the user's input was fine.
    """
    target = Path(target).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise StorageIOError(
            f"cannot write {target}: the folder {folder} does not exist", "create the folder first or pick another path"
        )


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` and any missing parents with mode 0700 (existing folders are left as they are)."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            pass
        except OSError as exc:
            raise storage_error(exc, str(folder)) from None


def create_private_file(path: Path) -> None:
    """Create an empty file with mode 0600; fails if it exists (O_EXCL)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(
    path: Path, data: bytes, *, step: str = "file", create_parents: bool = True, mode: int = FILE_MODE
) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old or the new bytes, never a mix.

    The temporary file is created in the target's folder with ``mode`` (0600) and O_EXCL, so it never exists
    with a wider mode; on any failure it is removed, so nothing but ``path`` is ever left behind. Missing
    folders are created 0700 unless ``create_parents`` is false. The wallet, the config file and every
    export write through here.
    """
    if create_parents:
        ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
        try:
            fault_point(f"{step}.write")
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            fault_point(f"{step}.fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        fault_point(f"{step}.replace")
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise storage_error(exc, str(path)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def wider_than(path: Path, allowed: int) -> int | None:
    """The mode of ``path`` if it grants more than ``allowed`` (e.g. group/other bits), else ``None``."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    return mode if mode & ~allowed else None
