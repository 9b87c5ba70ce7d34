"""Writing an export to the one file the user asked for, atomically.

An export is rendered in memory and written here once: a temporary file in the destination folder, created
with ``O_CREAT | O_EXCL`` and mode 0600 (never chmod-ed afterwards, so there is no window where it is readable
by others), written, fsync-ed, then ``os.replace``-d over the target and the folder fsync-ed. On any failure the
temporary file is removed, so a failed export leaves nothing behind and an existing target is left untouched.
"""

from __future__ import annotations

from pathlib import Path

from skillwallet.errors import StorageIOError
from skillwallet.store.fsutil import atomic_write, check_output_folder


def write_export(path: Path | str, data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``path`` atomically and durably; return the resolved path.

    Raises :class:`StorageIOError` (one line, with a hint) when the folder is missing, not writable, full, or
    the target is a folder. Nothing but ``path`` is ever left on disk.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise StorageIOError(f"cannot write {target}: it is a folder", "give a file name, e.g. -o resume.pdf")
    check_output_folder(target)
    atomic_write(target, data, step="export", create_parents=False, mode=mode)
    return target


