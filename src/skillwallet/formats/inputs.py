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


# --- images: pixels are decoded only to look for a QR code ------------------------------------------------------

#: The most pixels decoded to look for a QR code: 4096 x 4096 (16.8 megapixels; Pillow's own warning starts at
#: 89 megapixels, over 1 GiB for a 1-bit image it expands to 32-bit pixels). Enough for a 12 MP phone photo or a
#: page scanned at 300 dpi; a JPEG over it is decoded scaled down (1/2, 1/4 or 1/8, JPEG DCT scaling), anything
#: else over it is refused. At most 4 bytes a pixel while decoding keeps the whole process well under 200 MiB.
MAX_IMAGE_PIXELS = 4096 * 4096
#: WebP is decoded by libwebp into its own RGBA frame and copied (about 16 bytes a pixel at the peak): 2048 x 2048.
MAX_WEBP_PIXELS = 2048 * 2048
#: The image formats opened to look for a QR code (what ``detect.sniff`` lets through as images).
QR_IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}"


def _too_many_pixels(width: int, height: int, limit: int = MAX_IMAGE_PIXELS, kind: str = "images"):
    from skillwallet.errors import InvalidInputError

    return InvalidInputError(
        f"the image is {width}x{height} pixels ({_megapixels(width * height)} megapixels); {kind} over "
        f"{_megapixels(limit)} megapixels are not decoded to look for a QR code",
        "crop or scale the image down to the QR code",
    )


def decode_image_for_qr(data: bytes):
    """The image in ``data`` as an 8-bit grayscale Pillow image (transparent areas white), within the bounds.

    PNG text chunks are stripped before decoding (the badge payload is read from the chunks by
    :mod:`skillwallet.formats.baked`, never through the decoder); the pixel count is checked from the header
    before any pixel is decoded (:data:`MAX_IMAGE_PIXELS`). Raises :class:`InvalidInputError` for anything
    that is not such an image.
    """
    import io
    import warnings

    from PIL import Image, UnidentifiedImageError

    from skillwallet.errors import InvalidInputError, SkillwalletError
    from skillwallet.formats import baked
    from skillwallet.formats.detect import PNG_SIGNATURE

    if data.startswith(PNG_SIGNATURE):
        try:
            width, height, data = baked.png_pixel_stream(data, "image")
        except SkillwalletError as exc:
            raise InvalidInputError(f"not a readable image: {exc.message.removeprefix('image: ')}") from None
        if width * height > MAX_IMAGE_PIXELS:
            raise _too_many_pixels(width, height)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=QR_IMAGE_FORMATS)  # reads the header only
            width, height = image.size
            if image.format in ("JPEG", "MPO") and width * height > MAX_IMAGE_PIXELS:  # MPO: phone cameras' JPEG
                scale = next((s for s in (2, 4, 8) if (width // s) * (height // s) <= MAX_IMAGE_PIXELS), 8)
                image.draft("L", (max(1, width // scale), max(1, height // scale)))
            if image.size[0] * image.size[1] > MAX_IMAGE_PIXELS:
                raise _too_many_pixels(width, height)
            if image.format == "WEBP" and width * height > MAX_WEBP_PIXELS:
                raise _too_many_pixels(width, height, MAX_WEBP_PIXELS, "WebP images")
            image.load()
    except InvalidInputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInputError(
            f"the image is larger than {_megapixels(MAX_IMAGE_PIXELS)} megapixels; it is not decoded to look for a QR code"
        ) from None
    except UnidentifiedImageError as exc:
        raise InvalidInputError(f"not a readable image: {exc}".split("\n")[0]) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise InvalidInputError(f"not a readable image: {type(exc).__name__}: {exc}".split("\n")[0]) from None
    except MemoryError:
        raise InvalidInputError("not a readable image: too large to decode") from None
    return _grayscale_on_white(image)


def _grayscale_on_white(image):
    """8-bit grayscale with transparent areas as white (QR codes pasted on a transparent background), without
    holding more than the decoded image and two 1-byte planes at once."""
    from PIL import Image

    if image.mode == "L":
        return image
    has_alpha = "A" in image.getbands() or (image.mode in ("P", "L", "RGB") and "transparency" in image.info)
    if not has_alpha:
        return image.convert("L")
    if image.mode not in ("LA", "RGBA"):
        image = image.convert("LA")  # applies a palette's or a tRNS colour's transparency too
    alpha = image.getchannel("A")
    gray = image.convert("L")
    del image
    background = Image.new("L", gray.size, 255)
    background.paste(gray, mask=alpha)
    return background


def decode_qr_image(data: bytes) -> list[str]:
    """Every QR code's text found in an image (PNG, JPEG, GIF, BMP, WebP, ...), in reading order.

    Returns an empty list when the image holds no readable QR code. Raises :class:`InvalidInputError` when the
    bytes are not an image Pillow can open (or one so large it looks like a decompression bomb).
    """
    import zxingcpp
    from PIL import Image

    image = decode_image_for_qr(data)  # grayscale, decoded within a pixel bound (formats/inputs.py)
    formats = _qr_formats(zxingcpp)
    results = zxingcpp.read_barcodes(image, formats=formats)
    if not results and max(image.size) < 400:
        # tiny images (one pixel per module) decode better enlarged without smoothing
        factor = max(2, 400 // max(image.size))
        results = zxingcpp.read_barcodes(image.resize((image.width * factor, image.height * factor), Image.NEAREST), formats=formats)
    texts: list[str] = []
    for result in results:
        if result.valid and result.text not in texts:
            texts.append(result.text)
    return texts


def _qr_formats(zxingcpp):
    """QR and Micro QR, in the form this zxing-cpp accepts (a list from 3.0; ``|`` of flags before)."""
    if hasattr(zxingcpp, "AllCreatable"):  # zxing-cpp >= 3
        return [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode]
    return zxingcpp.BarcodeFormat.QRCode | zxingcpp.BarcodeFormat.MicroQRCode
