"""Small helpers every format module shares: strict JSON loading and tolerant field access.

Everything here works on bytes and plain JSON values; nothing touches the disk or the network.
Input is untrusted: every failure caused by the input becomes an :class:`InvalidInputError`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from skillwallet.errors import InvalidInputError
from skillwallet.jsondepth import nests_deeper_than
from skillwallet.verify.shapes import (  # noqa: F401 - this module's face for every format module
    OB1_CONTEXTS,
    OB2_CONTEXTS,
    as_list,
    contexts_of,
    plain_text,
    text_of,
    types_of,
)

# JSON nesting deeper than this is refused before Python's recursion limit is anywhere near
# (a credential is a few levels deep; thousands of levels are an attack or garbage).
MAX_JSON_DEPTH = 64

# Context URLs that identify a document's family (first entry of @context).
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# The Open Badges contexts, the JSON-LD value helpers and plain_text are shared with verification (verify/shapes.py).


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


# Which documents the Europass and Blockcerts importers read: asked of every document parsed, so here, and the
# importers themselves (formats/edc.py, formats/blockcerts.py) are loaded only for theirs.
EDC_CONTEXT_MARK = "data.europa.eu/snb/model/context"
EDC_TYPES = ("EuropeanDigitalCredential", "EuropassCredential")


def is_edc_document(document: Any) -> bool:
    """A European Digital Credential (the ELM serialised as a VC): its context, or one of its types."""
    if not isinstance(document, dict):
        return False
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(c, str) and EDC_CONTEXT_MARK in c for c in contexts) or any(t in EDC_TYPES for t in types)


def is_blockcerts_v1(document: Any) -> bool:
    """A Blockcerts 1.2 certificate: the certificate document beside its Chainpoint receipt."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("document"), dict)
        and isinstance(document.get("receipt"), dict)
        and isinstance(document["document"].get("certificate"), dict)
    )
