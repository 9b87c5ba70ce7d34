"""Expand what the user named (files, folders, ``.zip`` archives, ``-`` for stdin) into (source, bytes) items.

Limits (documented in ``skillwallet add --help``), chosen so an honest bulk download always fits and a
hostile one cannot exhaust memory or escape into the file system:

* one input (file, stdin, archive member): at most :data:`MAX_FILE_BYTES` (5 MiB);
* one archive: at most :data:`MAX_ZIP_ENTRIES` members, :data:`MAX_ZIP_TOTAL_BYTES` uncompressed in
  total, and no member whose compression ratio exceeds :data:`MAX_ZIP_RATIO` (zip bombs);
* archive members with absolute paths, ``..`` components or drive letters are refused (path traversal);
  nothing is ever extracted to disk, members are read into memory through a size-bounded reader;
* nested archives are not opened.

Problems with one item are yielded as an :class:`InputItem` with ``error`` set, so a bulk import can
report them and carry on.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
SKIPPED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class InputItem:
    """One candidate credential: where it came from and its bytes, or why it could not be read."""

    source: str
    data: bytes | None = None
    error: str | None = None


def _read_bounded(stream: BinaryIO, limit: int) -> bytes | None:
    """Read at most ``limit`` bytes; ``None`` when there is more (the input is over the limit)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        return None
    return data


def _too_large(source: str, limit: int = MAX_FILE_BYTES) -> InputItem:
    return InputItem(source, error=f"{source}: larger than the {limit // (1024 * 1024)} MiB limit for one credential")


def read_file(path: Path, source: str | None = None) -> InputItem:
    source = source or str(path)
    try:
        with open(path, "rb") as handle:
            data = _read_bounded(handle, MAX_FILE_BYTES)
    except IsADirectoryError:
        return InputItem(source, error=f"{source}: is a folder")
    except PermissionError:
        return InputItem(source, error=f"{source}: permission denied")
    except FileNotFoundError:
        return InputItem(source, error=f"{source}: no such file")
    except OSError as exc:
        return InputItem(source, error=f"{source}: cannot read ({exc.strerror or exc})")
    if data is None:
        return _too_large(source)
    return InputItem(source, data=data)


def _unsafe_member_name(name: str) -> bool:
    if not name or "\x00" in name:
        return True
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return True
    return any(part == ".." for part in PurePosixPath(normalised).parts)


def expand_zip(data_or_path: bytes | Path, source: str) -> Iterator[InputItem]:
    """The members of a ZIP archive, in memory, with the limits of this module."""
    import io
    import zipfile

    try:
        if isinstance(data_or_path, (bytes, bytearray)):
            archive = zipfile.ZipFile(io.BytesIO(data_or_path))
        else:
            archive = zipfile.ZipFile(data_or_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        yield InputItem(source, error=f"{source}: a corrupt or unreadable ZIP archive")
        return
    with archive:
        try:
            members = archive.infolist()
        except Exception:  # noqa: BLE001 - zipfile raises many types on corrupt directories
            yield InputItem(source, error=f"{source}: a corrupt ZIP directory")
            return
        if len(members) > MAX_ZIP_ENTRIES:
            yield InputItem(source, error=f"{source}: more than {MAX_ZIP_ENTRIES} entries in the archive (refused)")
            return
        total = 0
        for member in members:
            name = member.filename
            label = f"{source}!{name}"
            if _unsafe_member_name(name):  # before is_dir(): an empty name (NUL-truncated) breaks zipfile
                yield InputItem(label, error=f"{label}: unsafe path in archive (path traversal), skipped")
                continue
            if name.endswith("/"):
                continue
            base = PurePosixPath(name.replace("\\", "/")).name
            if base in SKIPPED_NAMES or base.startswith("._") or "__MACOSX/" in name:
                continue
            if member.flag_bits & 0x1:
                yield InputItem(label, error=f"{label}: encrypted archive member, skipped")
                continue
            if member.file_size > MAX_FILE_BYTES:
                yield _too_large(label)
                continue
            if member.compress_size and member.file_size / member.compress_size > MAX_ZIP_RATIO and member.file_size > 1024 * 1024:
                yield InputItem(label, error=f"{label}: compression ratio over {MAX_ZIP_RATIO}:1 (zip bomb), skipped")
                continue
            if total + member.file_size > MAX_ZIP_TOTAL_BYTES:
                yield InputItem(source, error=f"{source}: more than {MAX_ZIP_TOTAL_BYTES // (1024 * 1024)} MiB uncompressed (refused the rest)")
                return
            try:
                with archive.open(member) as stream:
                    # the header's sizes may lie: the read itself is bounded too
                    content = _read_bounded(stream, MAX_FILE_BYTES)
            except Exception as exc:  # noqa: BLE001 - corrupt members raise zlib.error, BadZipFile, EOFError...
                yield InputItem(label, error=f"{label}: corrupt archive member ({type(exc).__name__})")
                continue
            if content is None:
                yield _too_large(label)
                continue
            total += len(content)
            if content[:4] == b"PK\x03\x04":
                yield InputItem(label, error=f"{label}: an archive inside an archive is not opened")
                continue
            yield InputItem(label, data=content)


def _walk_folder(folder: Path) -> Iterator[Path]:
    """Files under ``folder``, recursively, in a stable order; hidden files and symlinked folders skipped."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name in SKIPPED_NAMES:
                continue
            yield Path(root) / name


def _expand_path(path: Path, source: str) -> Iterator[InputItem]:
    try:
        info = path.stat()
    except FileNotFoundError:
        yield InputItem(source, error=f"{source}: no such file or folder")
        return
    except OSError as exc:
        yield InputItem(source, error=f"{source}: cannot read ({exc.strerror or exc})")
        return
    if stat.S_ISDIR(info.st_mode):
        for child in _walk_folder(path):
            yield from _expand_path(child, str(child))
        return
    if not stat.S_ISREG(info.st_mode):
        yield InputItem(source, error=f"{source}: not a regular file")
        return
    if _is_zip(path):
        if info.st_size > MAX_ARCHIVE_BYTES:
            yield InputItem(source, error=f"{source}: archive larger than {MAX_ARCHIVE_BYTES // (1024 * 1024)} MiB")
            return
        yield from expand_zip(path, source)
        return
    yield read_file(path, source)


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def expand_inputs(paths: list[str], stdin: BinaryIO | None = None) -> Iterator[InputItem]:
    """Yield every candidate credential named by ``paths`` (``-`` reads standard input once)."""
    stdin_used = False
    for raw in paths:
        if raw == "-":
            if stdin_used:
                continue
            stdin_used = True
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = _read_bounded(stream, MAX_FILE_BYTES)
            if data is None:
                yield _too_large("<stdin>")
            elif data[:4] == b"PK\x03\x04":
                yield from expand_zip(data, "<stdin>")
            else:
                yield InputItem("<stdin>", data=data)
            continue
        yield from _expand_path(Path(raw).expanduser(), raw)
