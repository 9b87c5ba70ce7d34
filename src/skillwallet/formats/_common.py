"""Small helpers every format module shares: strict JSON loading and tolerant field access.

Everything here works on bytes and plain JSON values; nothing touches the disk or the network.
Input is untrusted: every failure caused by the input becomes an :class:`InvalidInputError`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from skillwallet.errors import InvalidInputError
from skillwallet.jsondepth import nests_deeper_than
from skillwallet.verify.shapes import (  # noqa: F401 - this module's face for every format module
    OB1_CONTEXTS,
    OB2_CONTEXTS,
    as_list,
    contexts_of,
    text_of,
    types_of,
)

# JSON nesting deeper than this is refused before Python's recursion limit is anywhere near
# (a credential is a few levels deep; thousands of levels are an attack or garbage).
MAX_JSON_DEPTH = 64

# Context URLs that identify a document's family (first entry of @context).
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The Open Badges contexts and the JSON-LD value helpers are shared with verification (verify/shapes.py).


def fail(source: str, reason: str) -> InvalidInputError:
    """The one error shape for bad input: ``<source>: <reason>`` on one line."""
    reason = " ".join(str(reason).split())
    return InvalidInputError(f"{source}: {reason}")


def decode_text(data: bytes, source: str, what: str = "file") -> str:
    """Decode UTF-8 (with or without a BOM), as the JSON RFC 8259 §8.1 requires for exchange."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise fail(source, f"the {what} is not UTF-8 text") from None
    return text


def load_json(data: bytes | str, source: str, what: str = "JSON") -> Any:
    """Parse JSON strictly (no NaN/Infinity, bounded depth); raise a one-line error naming ``source``.

    One leniency: raw line breaks and tabs inside strings (RFC 8259 §7 requires them escaped) are accepted,
    because published documents carry them: the Open Badges 2.0 examples page wraps a BadgeClass alignment's
    ``targetDescription`` across lines, and issuers' hand-edited files do the same. Their meaning is unambiguous.
    """
    text = decode_text(data, source) if isinstance(data, bytes) else data

    def _no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        value = json.loads(text, parse_constant=_no_constants, strict=False)
    except RecursionError:
        raise fail(source, f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise fail(source, f"{what} is truncated (ended at line {exc.lineno})") from None
        raise fail(source, f"malformed {what} at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise fail(source, f"malformed {what}: {exc}") from None
    if nests_deeper_than(value, MAX_JSON_DEPTH):
        raise fail(source, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


#: HTML elements whose tags are markup, not text (HTML Living Standard §4): issuers paste descriptions from
#: web pages. A "<" not followed by one of these (``C++ <templates>``, ``<3 years``) is text and stays.
_HTML_ELEMENTS = frozenset("""
a abbr address article aside b bdi bdo big blockquote body br caption center cite code col colgroup dd del
details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 head header hr html i img ins kbd
li main mark meta nav ol p pre q s samp section small span strike strong sub summary sup table tbody td
tfoot th thead title tr tt u ul var wbr
""".split())
#: Elements that end a line of text.
_HTML_BLOCK = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
                        "h5 h6 header hr li main nav ol p pre section table tr ul".split())
_HTML_TAG = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9]*)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>", re.S)
_HTML_HIDDEN = re.compile(r"<(script|style|template)\b[^>]*>.*?(?:</\1\s*>|$)", re.S | re.I)
_BREAK = "\ue000"  # a private-use character marking where a block element ended
_HTML_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def plain_text(value: str | None, *, multiline: bool = False) -> str | None:
    """``value`` as the plain text a reader of the issuer's page would see: HTML tags stripped (the content of
    script and style dropped) and character references decoded (``&amp;`` → ``&``), with the whitespace the
    markup leaves collapsed (line breaks kept where block elements end, for ``multiline`` text such as a
    description). Text with neither an HTML tag nor a character reference is returned as it is.

    Applied once, when a credential is read: what a title says is then text everywhere it goes (a terminal, a
    PDF, an HTML export, which escapes it), never markup something could interpret. Control and format
    characters are kept, so every view shows them escaped (``\\x1b``), as it does any credential text. Decoding
    is not idempotent (``&amp;lt;`` → ``&lt;`` → ``<``), so stored text is never passed through again.
    """
    if value is None:
        return None
    text = value
    changed = False
    if "<" in text:
        text = _HTML_HIDDEN.sub(_BREAK, text)

        def tag(match: "re.Match[str]") -> str:
            name = (match.group(2) or "").lower()
            if match.group(0).startswith("<!--"):
                return ""
            if name not in _HTML_ELEMENTS:
                return match.group(0)
            return _BREAK if name in _HTML_BLOCK else ""

        stripped = _HTML_TAG.sub(tag, text)
        changed = stripped != value
        text = stripped
    if _HTML_REFERENCE.search(text):
        import html

        text = html.unescape(text)
        changed = True
    if not changed:
        return value
    # one line break for any run of block boundaries (``</li><li>``, ``</p>\n<ul>``)
    text = re.sub(f"[ \t\r\n\f\v]*{_BREAK}[\\s{_BREAK}]*", "\n", text)
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    if multiline:
        text = "\n".join(lines).strip("\n")
    else:
        text = " ".join(line for line in lines if line)
    return text or None


def id_of(value: Any) -> str | None:
    """The ``id`` of a node given either as a string IRI or an object with ``id``/``@id``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("id", "@id"):
            if isinstance(value.get(key), str):
                return value[key].strip() or None
    return None


def number_of(value: Any) -> float | None:
    """A float from a JSON number or a numeric string; ``None`` otherwise (never raises)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def content_id(prefix: str, payload: bytes) -> str:
    """A stable URN for a credential that carries no id of its own, from its canonical content.

    Used only when the credential has no ``id``/``jti``: it lets the same credential baked into an
    image and given as a file dedupe, whatever whitespace either copy has.
    """
    return f"urn:skillwallet:{prefix}:{hashlib.sha256(payload).hexdigest()}"


def canonical_json_bytes(document: Any) -> bytes:
    """RFC 8785 canonical JSON (falls back to sorted compact JSON for values JCS refuses)."""
    import rfc8785

    try:
        return rfc8785.dumps(document)
    except Exception:  # noqa: BLE001 - e.g. integers beyond IEEE 754 range: still need a stable key
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
