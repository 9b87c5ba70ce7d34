"""The shapes of the documents verification reads, shared with the importers (``formats`` uses these).

Verification has to recognise what it is given before it can check it: a JWS in the JSON serialisation
(RFC 7515 §7.2, JAdES seals), a VC 2.0 envelope (§4.13.1, a ``data:`` URL), a presentation (§4.13) in JSON-LD or a
JWT, an Open Badges 1.0 or 2.0 assertion. The importers recognise the same shapes the same way, so the one
definition lives here, below both, and ``formats`` re-exports what it used to define itself. Pure functions of
JSON values: no I/O, and they never raise for odd input except where documented (``jws_json_parts``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# --- JSON-LD values -------------------------------------------------------------------------------------------

#: Context URLs that identify an Open Badges assertion's version (first entry of ``@context``).
OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")
OB1_CONTEXTS = ("https://w3id.org/openbadges/v1",)

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def as_list(value: Any) -> list[Any]:
    """JSON-LD lets any property be one value or an array: always give a list (``None`` → ``[]``)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def text_of(value: Any) -> str | None:
    """A display string from a plain string, a language map / value object, or ``None``.

    JSON-LD allows ``{"@value": ..., "@language": ...}`` and arrays of them (VC 2.0 §11.1 language
    and base direction); take the first usable one.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        for key in ("@value", "value", "name"):
            if key in value:
                return text_of(value[key])
        # a JSON-LD language map ({"en": "...", "de": "..."}, JSON-LD 1.1 §9.8): English first, else the first
        if value and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in value):
            return text_of(value.get("en")) or text_of(list(value.values()))
        return None
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
    return None


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

    Applied once, when a credential is read (formats/parse.py); verification reads a published name through it
    to compare it with the one a credential shows (verify/jose.py). Applied once: what a title says is then text everywhere it goes (a terminal, a
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


def types_of(document: dict[str, Any]) -> list[str]:
    """The declared types (``type`` or ``@type``) as a list of strings."""
    raw = document.get("type", document.get("@type"))
    return [t for t in as_list(raw) if isinstance(t, str)]


def contexts_of(document: dict[str, Any]) -> list[Any]:
    return as_list(document.get("@context"))


# --- Open Badges 1.0 and 2.0 assertions -----------------------------------------------------------------------


def is_ob2_document(document: dict[str, Any]) -> bool:
    """An OB 2.0 document: the OB v2 context, or an ``Assertion`` type with ``badge`` (context-less exports)."""
    contexts = contexts_of(document)
    if any(c in OB2_CONTEXTS for c in contexts if isinstance(c, str)):
        return True
    types = types_of(document)
    return "Assertion" in types and "badge" in document


def is_ob1_assertion(document: dict[str, Any]) -> bool:
    """OB 1.x: ``uid`` + ``verify`` + ``badge`` (1.0/1.1), or the v1 context."""
    contexts = contexts_of(document)
    if any(c in OB1_CONTEXTS for c in contexts if isinstance(c, str)):
        return True
    if "uid" in document and "badge" in document and ("verify" in document or "recipient" in document):
        return True
    badge = document.get("badge")  # OB 0.5: the BadgeClass is embedded and carries its spec version
    return isinstance(badge, dict) and "recipient" in document and str(badge.get("version", "")).startswith("0.")


# --- JWS JSON serialisation and VC 2.0 envelopes --------------------------------------------------------------


def is_jws_json(document: Any) -> bool:
    """A JWS in the JSON serialisation (RFC 7515 §7.2.1 general, §7.2.2 flattened)."""
    if not isinstance(document, dict) or "payload" not in document:
        return False
    if isinstance(document.get("signatures"), list):
        return True
    return "signature" in document and ("protected" in document or "header" in document)


def jws_json_parts(document: dict[str, Any]) -> tuple[dict[str, Any], str, str, dict[str, Any], bytes]:
    """(protected header, protected segment, signature segment, unprotected header, payload bytes) of the first
    signature; raises ``ValueError`` for a malformed envelope."""
    from skillwallet.verify.keys import b64url_decode

    if isinstance(document.get("signatures"), list):
        if not document["signatures"] or not isinstance(document["signatures"][0], dict):
            raise ValueError("the JWS has no signature")
        entry = document["signatures"][0]
    else:
        entry = document
    protected_segment = entry.get("protected")
    signature_segment = entry.get("signature")
    if not isinstance(protected_segment, str) or not isinstance(signature_segment, str):
        raise ValueError("the JWS signature has no protected header or no signature")
    try:
        header = json.loads(b64url_decode(protected_segment))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the JWS protected header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise ValueError("the JWS protected header is not a JSON object")
    unprotected = entry.get("header") if isinstance(entry.get("header"), dict) else {}
    payload = document.get("payload")
    if not isinstance(payload, str):
        raise ValueError("the JWS payload is not a string")
    if header.get("b64") is False or payload.lstrip().startswith("{"):
        # RFC 7797 §3: the payload as is ("{" is no base64url character, so a JSON payload is never encoded)
        payload_bytes = payload.encode("utf-8")
    else:
        try:
            payload_bytes = b64url_decode(payload)
        except ValueError:
            raise ValueError("the JWS payload is not base64url") from None
    return header, protected_segment, signature_segment, unprotected, payload_bytes


def envelope_payload(envelope: dict[str, Any]) -> bytes | None:
    """The secured credential inside a VC 2.0 EnvelopedVerifiableCredential: its ``id`` is a data: URL (RFC 2397)."""
    import base64
    import binascii
    from urllib.parse import unquote

    url = envelope.get("id") if isinstance(envelope.get("id"), str) else ""
    if not url.startswith("data:") or "," not in url:
        return None
    header, payload = url[5:].split(",", 1)
    if header.endswith(";base64"):
        try:
            return base64.b64decode(unquote(payload), validate=True)
        except (binascii.Error, ValueError):
            return None
    return unquote(payload).encode("utf-8")


# --- presentations --------------------------------------------------------------------------------------------

#: The types that make a JSON object a presentation (VC Data Model 2.0 §4.13 and §4.13.1).
VP_TYPE = "VerifiablePresentation"
ENVELOPED_VP_TYPE = "EnvelopedVerifiablePresentation"
#: JWT ``typ`` values of a presentation: VC-JOSE-COSE §3.2 (vp+jwt) and its media type spelling.
VP_JWT_TYPS = ("vp+jwt", "application/vp+jwt")


@dataclass
class Presentation:
    """A Verifiable Presentation as found in a file, whatever its shape.

    ``form`` is ``json-ld`` (a JSON-LD presentation, secured by Data Integrity proofs if at all), ``jwt-vp``
    (VC Data Model 1.1 §6.3.1: a JWT whose ``vp`` claim is the presentation, ``iss`` the holder) or
    ``vp+jwt`` (VC-JOSE-COSE §3.2: the JWT payload is the presentation). ``token`` is the compact JWS for the JWT forms.
    ``problem`` says why a file that is a presentation cannot be read as one (it is then judged invalid).
    """

    document: dict[str, Any]
    form: str
    token: str | None = None
    enveloped: bool = False
    container: str | None = None  # "png" / "svg" (a baked badge) or "qr" when it came out of an image
    problem: str | None = None


def presentation_types(document: dict[str, Any]) -> set[str]:
    """Every type a JSON object declares under ``type`` *and* ``@type`` (each a string or a list).

    Both spellings count: the VC 2.0 context aliases ``type`` to ``@type``, so a document must not be a
    credential under one spelling and a presentation under the other.
    """
    found: set[str] = set()
    for key in ("type", "@type"):
        found.update(t for t in as_list(document.get(key)) if isinstance(t, str))
    return found


def is_presentation_document(document: Any) -> bool:
    """A JSON object that is a presentation: typed VerifiablePresentation or EnvelopedVerifiablePresentation.

    The one decision for every component: a document typed both a presentation and a credential is a
    presentation (its holder's proof is checked), never a credential that skips it.
    """
    return isinstance(document, dict) and bool(presentation_types(document) & {VP_TYPE, ENVELOPED_VP_TYPE})


def is_presentation_claims(header: dict[str, Any], payload: dict[str, Any]) -> bool:
    """A JWT that is a presentation: a ``vp`` claim (VC 1.1 §6.3.1), a ``vp+jwt`` typ, a presentation payload."""
    typ = header.get("typ")
    if "vp" in payload or (isinstance(typ, str) and typ.lower() in VP_JWT_TYPS):
        return True
    return is_presentation_document(payload)


#: Blockcerts generations (verify/blockcerts.py checks them): 1.2 a Chainpoint receipt, 2 MerkleProof2017,
#: 3 MerkleProof2019.
BLOCKCERTS_V1 = "1.2"
BLOCKCERTS_V2 = "2"
BLOCKCERTS_V3 = "3"


def blockcerts_kind(document: Any) -> str | None:
    """Which Blockcerts generation ``document`` is, or None: asked of every document verified, so it lives here
    and not in verify/blockcerts.py, which is loaded only for a certificate."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("document"), dict) and isinstance(document.get("receipt"), dict):
        return BLOCKCERTS_V1
    signature = document.get("signature")
    if isinstance(signature, dict):
        types = signature.get("type")
        types = types if isinstance(types, list) else [types]
        if "MerkleProof2017" in types:
            return BLOCKCERTS_V2
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and (
            proof.get("type") == "MerkleProof2019" or proof.get("cryptosuite") == "merkle-proof-2019"
        ):
            return BLOCKCERTS_V3
    return None
