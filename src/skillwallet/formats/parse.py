"""Recognise and parse credentials: bytes in, normalised :class:`~skillwallet.model.Credential` objects out.

Pure functions, no I/O beyond the bytes given (plus an optional ``fetch`` callable that the caller wires
to the document resolver when going online is allowed). The public entry is :func:`parse_credential_bytes`.
Every failure caused by the input raises :class:`~skillwallet.errors.InvalidInputError` with a one-line
message that starts with the source name.
"""

from __future__ import annotations

from typing import Any, Callable

from skillwallet.errors import InvalidInputError, SkillwalletError
from skillwallet.model import (
    FORMAT_OB2,
    FORMAT_SD_JWT,
    FORMAT_VC_JOSE,
    FORMAT_VC_JWT,
    Credential,
)
from skillwallet.verify.shapes import (  # the one decision of what is a presentation, shared with verification
    ENVELOPED_VP_TYPE,
    Presentation,
    envelope_payload,
    is_presentation_claims,
    is_presentation_document,
    presentation_types,
)

__all__ = ["Presentation", "parse_credential_bytes", "parse_text", "read_presentation", "related_documents"]

Fetch = Callable[[str], bytes]

def read_presentation(data: bytes) -> Presentation | None:
    """The presentation ``data`` holds, or None when it holds none: the one function that decides it.

    Reads what :func:`parse_credential_bytes` reads, the same way: a baked PNG/SVG badge's payload, a QR
    code's payload, JSON parsed with the same (lenient) parser, a compact JWS, an enveloped presentation.
    Never raises; input the parser cannot read either is left to the parser to report (and should the parser
    find a presentation here that this did not, ``verify`` judges it an invalid presentation).
    """
    try:
        return _read_presentation(bytes(data))
    except Exception:  # noqa: BLE001 - unreadable input is the parser's to report, with its own message
        return None


def _read_presentation(data: bytes) -> Presentation | None:
    from skillwallet.formats import detect

    kind = detect.sniff(data)
    container = None
    if kind in (detect.PNG, detect.SVG):
        from skillwallet.formats import baked  # only for an image that may carry a baked badge
    if kind == detect.PNG:
        try:
            text = baked.extract_png(data, "input").text
            container = "png"
        except baked.NotBakedError:
            text, container = _qr_text(data), "qr"
    elif kind == detect.SVG:
        text, container = baked.extract_svg(data, "input").text, "svg"
    elif kind in (detect.JPEG, detect.IMAGE):
        text, container = _qr_text(data), "qr"
    else:
        text = data
    if text is None:
        return None
    raw = text.encode("utf-8") if isinstance(text, str) else text
    found = _presentation_in_text(raw, enveloped=False)
    if found is not None:
        found.container = container
    return found


def _qr_text(image: bytes) -> bytes | None:
    try:
        from skillwallet.formats.inputs import decode_qr_image
        from skillwallet.formats.sw1 import decode_qr_payload
    except ImportError:
        return None
    texts = decode_qr_image(image)
    if not texts:
        return None
    payload = decode_qr_payload(texts[0])
    return payload if isinstance(payload, bytes) else None  # a link: fetched, never read as a presentation here


def _presentation_in_text(data: bytes, *, enveloped: bool) -> Presentation | None:
    from skillwallet.formats import detect
    from skillwallet.formats._common import load_json

    if data.lstrip(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"[")):
        document = load_json(data, "input")
        if not is_presentation_document(document):
            return None
        if ENVELOPED_VP_TYPE in presentation_types(document):
            inner = envelope_payload(document)
            problem = None
            if inner is None:
                problem = "an EnvelopedVerifiablePresentation without a data: URL holding the presentation"
            elif enveloped:
                problem = "an enveloped presentation inside an enveloped presentation"
            else:
                try:
                    found = _presentation_in_text(inner, enveloped=True)
                except SkillwalletError as exc:
                    found, problem = None, f"the enveloped presentation cannot be read: {exc.message}"
                if found is not None:
                    return found
                problem = problem or "the enveloped data is not a presentation"
            return Presentation(document=document, form="json-ld", enveloped=True, problem=problem)
        return Presentation(document=document, form="json-ld", enveloped=enveloped)
    if detect.sniff_text(data) != detect.JWS:
        return None
    from skillwallet.formats import jose as formats_jose

    token = formats_jose.decode_compact_jws(data.decode("ascii"), "input")
    if not is_presentation_claims(token.header, token.payload):
        return None
    if "vp" in token.payload:
        vp = token.payload["vp"]
        problem = None if isinstance(vp, dict) else "the JWT's 'vp' claim is not a presentation object"
        return Presentation(
            document=vp if isinstance(vp, dict) else {}, form="jwt-vp", token=token.text, enveloped=enveloped,
            problem=problem,
        )
    return Presentation(document=token.payload, form="vp+jwt", token=token.text, enveloped=enveloped)


def parse_credential_bytes(
    data: bytes,
    *,
    source: str,
    related: dict[str, dict] | None = None,
    holder_emails: list[str] = (),
    fetch: Fetch | None = None,
    holder_ids: list[str] = (),
) -> list[Credential]:
    """Detect the format of ``data`` by content and return the credentials it holds.

    ``related`` maps URLs/ids to JSON objects supplied in the same call (OB 2.0 BadgeClass and Issuer
    files). ``fetch(url) -> bytes`` (optional) resolves linked OB 2.0 documents online. A CLR returns the
    CLR first and then each nested credential with ``parent_id`` set to the CLR's wallet id. Titles,
    descriptions and issuer names are plain text (:func:`~skillwallet.formats._common.plain_text`).
    """
    credentials = _parse_credential_bytes(
        data, source=source, related=related, holder_emails=holder_emails, fetch=fetch, holder_ids=holder_ids
    )
    _as_plain_text(credentials)
    return credentials


def _as_plain_text(credentials: list[Credential]) -> None:
    """HTML in what every view shows (a title pasted from a course page: ``<p>Data &amp; AI</p>``) becomes the
    text it stands for, once, here where every credential is read; the original bytes keep it as signed.
    Once per object: decoding twice would decode what the first pass produced (a CLR's credentials may share
    one Issuer)."""
    from skillwallet.formats._common import plain_text

    done: set[int] = set()
    for credential in credentials:
        if id(credential) not in done:
            done.add(id(credential))
            credential.title = plain_text(credential.title)
            credential.description = plain_text(credential.description, multiline=True)
        if id(credential.issuer) not in done:
            done.add(id(credential.issuer))
            credential.issuer.name = plain_text(credential.issuer.name)


def _parse_credential_bytes(
    data: bytes,
    *,
    source: str,
    related: dict[str, dict] | None = None,
    holder_emails: list[str] = (),
    fetch: Fetch | None = None,
    holder_ids: list[str] = (),
) -> list[Credential]:
    from skillwallet.formats import detect
    from skillwallet.formats._common import fail

    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("data must be bytes")
    data = bytes(data)
    if not data.strip():
        raise fail(source, "the file is empty")
    kind = detect.sniff(data)
    if kind in (detect.PNG, detect.SVG):
        from skillwallet.formats import baked  # only for an image that may carry a baked badge
    try:
        if kind == detect.PNG:
            try:
                payload = baked.extract_png(data, source)
            except baked.NotBakedError as not_baked:
                return _parse_qr_image(data, source, not_baked, related, holder_emails, fetch, holder_ids)
            return _keep_image(_parse_baked(payload, source, related, holder_emails, fetch, holder_ids), data, "image/png")
        if kind == detect.SVG:
            payload = baked.extract_svg(data, source)
            return _keep_image(_parse_baked(payload, source, related, holder_emails, fetch, holder_ids), data, "image/svg+xml")
        if kind == detect.ZIP:
            raise fail(source, "a ZIP archive, not a credential (archives inside archives are not opened)")
        if kind in (detect.JPEG, detect.IMAGE):
            not_baked = fail(source, "an image without a baked badge (only PNG and SVG can carry one) and no QR code")
            return _parse_qr_image(data, source, not_baked, related, holder_emails, fetch, holder_ids)
        return parse_text(
            data, source=source, related=related, holder_emails=holder_emails, fetch=fetch, holder_ids=holder_ids
        )
    except SkillwalletError:
        raise
    except RecursionError:
        raise fail(source, "the input is nested too deeply") from None
    except MemoryError:
        raise fail(source, "the input is too large to process") from None


MAX_KEPT_IMAGE_BYTES = 1024 * 1024


def _keep_image(credentials: list[Credential], image: bytes, media_type: str) -> list[Credential]:
    """Keep the badge image a credential was baked into (so it can be shown and re-baked offline).

    Stored in ``extra["baked_image"]`` as base64 with its media type and SHA-256; images over 1 MiB keep only the hash.
    """
    import base64
    import hashlib

    kept: dict[str, Any] = {"media_type": media_type, "sha256": hashlib.sha256(image).hexdigest(), "size": len(image)}
    if len(image) <= MAX_KEPT_IMAGE_BYTES:
        kept["base64"] = base64.b64encode(image).decode("ascii")
    for credential in credentials:
        if credential.parent_id is None:
            credential.extra["baked_image"] = kept
    return credentials


def _parse_qr_image(data, source, not_baked, related, holder_emails, fetch, holder_ids) -> list[Credential]:
    """An image that is not a baked badge may show a QR code holding a credential (``export`` makes them)."""
    from skillwallet.formats._common import fail

    try:
        from skillwallet.formats.inputs import decode_qr_image
        from skillwallet.formats.sw1 import decode_qr_payload
    except ImportError:
        raise not_baked from None
    try:
        texts = decode_qr_image(data)
    except InvalidInputError as exc:
        raise fail(source, exc.message) from None
    if not texts:
        raise not_baked
    label = f"{source} (QR code)"
    try:
        payload = decode_qr_payload(texts[0])
    except InvalidInputError as exc:
        raise fail(source, exc.message) from None
    if isinstance(payload, str):
        if fetch is None:
            raise fail(source, f"the QR code links to {payload[:120]}; fetching is off")
        try:
            payload = fetch(payload)
        except SkillwalletError as exc:
            raise fail(source, f"could not fetch {payload[:120]} from the QR code: {exc.message}") from None
    credentials = parse_text(
        payload, source=label, related=related, holder_emails=holder_emails, fetch=fetch, holder_ids=holder_ids
    )
    for credential in credentials:
        credential.extra["from_qr"] = True
    return credentials


def _parse_baked(payload, source, related, holder_emails, fetch, holder_ids) -> list[Credential]:
    from skillwallet.formats import detect
    from skillwallet.formats._common import fail

    kind = detect.sniff_text(payload.text)
    if kind == detect.URL:
        if fetch is None:
            raise fail(
                source,
                f"the {payload.container.upper()} badge holds only a link to its hosted assertion ({payload.text[:120]}); "
                "fetching is off",
            )
        from skillwallet.formats._common import load_json

        try:
            fetched = fetch(payload.text)
        except SkillwalletError as exc:
            raise fail(source, f"could not fetch the hosted assertion {payload.text[:120]}: {exc.message}") from None
        load_json(fetched, source)  # fail early with a clear message when the URL did not give JSON
        credentials = parse_text(
            fetched, source=source, related=related, holder_emails=holder_emails, fetch=fetch, holder_ids=holder_ids
        )
        for credential in credentials:
            credential.extra["baked_in"] = payload.container
            credential.extra["hosted_url"] = payload.text
        return credentials
    credentials = parse_text(
        payload.text.encode("utf-8"),
        source=source,
        related=related,
        holder_emails=holder_emails,
        fetch=fetch,
        holder_ids=holder_ids,
    )
    for credential in credentials:
        credential.extra.setdefault("baked_in", payload.container)
    return credentials


def parse_text(
    data: bytes,
    *,
    source: str,
    related: dict[str, dict] | None = None,
    holder_emails: list[str] = (),
    fetch: Fetch | None = None,
    holder_ids: list[str] = (),
    parent_kinds: tuple[str, ...] = (),
) -> list[Credential]:
    """Parse a textual credential: JSON(-LD), a compact JWS (VC-JWT / vc+jwt / signed OB 2.0) or an SD-JWT."""
    from skillwallet.formats import detect
    from skillwallet.formats._common import fail, load_json

    kind = detect.sniff_text(data) if not data.lstrip(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"[")) else detect.JSON
    if kind == detect.JSON:
        document = load_json(data, source)
        if isinstance(document, list):
            if "presentation" in parent_kinds or not document:
                raise fail(source, "a JSON array, not a credential")
            # a wallet's bulk export: an array of credentials, each added on its own
            container = {"verifiableCredential": document}
            return _parse_presentation(container, source, related, holder_emails, fetch, holder_ids, parent_kinds)
        if not isinstance(document, dict):
            raise fail(source, "JSON that is not a credential object")
        return _parse_json_document(
            document, data, source, related, holder_emails, fetch, holder_ids, "application/json", parent_kinds
        )
    if kind == detect.SD_JWT:
        return [_parse_sd_jwt(data, source, holder_emails, holder_ids)]
    if kind == detect.JWS:
        return _parse_jws(data, source, related, holder_emails, fetch, holder_ids, parent_kinds)
    if kind == detect.URL:
        raise fail(source, "a URL, not a credential (download the credential and add the file)")
    tokens = _token_lines(data)
    if tokens:
        # several compact tokens, one per line (a text export of JWT / SD-JWT credentials)
        container = {"verifiableCredential": tokens}
        return _parse_presentation(container, source, related, holder_emails, fetch, holder_ids, parent_kinds)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise fail(source, "the file is UTF-16 text; credentials are exchanged as UTF-8 (save it as UTF-8)")
    if data[:1] == b"\xd2" or data[:3] == b"\xd8\x12\x84":
        # CBOR tag 18 = COSE_Sign1 (RFC 9052 §4.2): VC-JOSE-COSE's application/vc+cose
        raise fail(source, "a COSE-secured (CBOR) credential; only JSON, JWS and SD-JWT credentials are supported")
    alg = _lone_jose_header(data)
    if alg is not None:
        # A compact JWS is header.payload.signature (RFC 7515 §7.1); a file holding the first part only has
        # nothing to read and nothing to verify (MyNextID publishes such a file as a "signed" Open Badge).
        raise fail(
            source,
            f"a JWS protected header alone ({f'alg {alg}' if alg else 'no alg'}): the payload and the signature "
            "that should follow it are missing",
        )
    if detect.is_pdf(data):
        # a resume made by `export --resume` comes back here by mistake: say what reads it
        raise fail(source, "a PDF, not a credential: a resume PDF is checked with `skillwallet verify FILE`")
    text_head = data[:64]
    if b"." in text_head and all(32 < b < 127 for b in text_head.strip()):
        raise fail(source, "not a JWS (expected three base64url parts separated by dots) and not JSON")
    raise fail(source, "not a recognised credential (expected JSON, a JWS, an SD-JWT, or a baked PNG/SVG badge)")


def _lone_jose_header(data: bytes) -> str | None:
    """When ``data`` is one base64url part that decodes to a JOSE header (a JSON object with ``alg``, RFC 7515
    §4.1.1), its ``alg`` ("" when not a plain name); else ``None``."""
    import re

    from skillwallet.errors import InvalidInputError
    from skillwallet.formats._common import load_json
    from skillwallet.formats.jose import b64url_decode

    text = data.strip()
    if not text or len(text) > 1024 * 1024 or not re.fullmatch(rb"[A-Za-z0-9_-]+", text):
        return None
    try:
        header = load_json(b64url_decode(text.decode("ascii"), "", "header"), "")
    except InvalidInputError:
        return None
    alg = header.get("alg") if isinstance(header, dict) else None
    if not isinstance(alg, str):
        return None
    return alg if re.fullmatch(r"[A-Za-z0-9+_-]{1,32}", alg) else ""  # shown in the error: a plain name only


def _parse_json_document(
    document: dict[str, Any],
    original: bytes,
    source: str,
    related,
    holder_emails,
    fetch,
    holder_ids,
    media_type: str,
    parent_kinds: tuple[str, ...],
    signed_jws: str | None = None,
    fmt: str | None = None,
) -> list[Credential]:
    from skillwallet.formats import clr, ob2, ob3
    from skillwallet.formats._common import fail, types_of

    types = set(types_of(document))
    if is_presentation_document(document):
        # decided before anything else, by the same predicate `verify` uses (see read_presentation)
        if ENVELOPED_VP_TYPE in presentation_types(document):
            inner = envelope_payload(document)
            if inner is None or {"envelope", "vp-envelope"} & set(parent_kinds):
                raise fail(source, "an EnvelopedVerifiablePresentation without a data: URL holding a presentation")
            if _presentation_in_text(inner, enveloped=True) is None:
                raise fail(source, "an EnvelopedVerifiablePresentation whose data is not a presentation")
            return parse_text(
                inner, source=source, related=related, holder_emails=holder_emails, fetch=fetch,
                holder_ids=holder_ids, parent_kinds=(*parent_kinds, "vp-envelope"),
            )
        return _parse_presentation(
            document, source, related, holder_emails, fetch, holder_ids, parent_kinds, presented=True
        )
    if "EnvelopedVerifiableCredential" in types:
        # VC 2.0 §4.13.1 / VC-JOSE-COSE §3.2: a JSON-LD wrapper around a secured credential in a data: URL
        inner = envelope_payload(document)
        if inner is None or {"envelope", "vp-envelope"} & set(parent_kinds):
            raise fail(source, "an EnvelopedVerifiableCredential without a data: URL holding the credential")
        return parse_text(
            inner, source=source, related=related, holder_emails=holder_emails, fetch=fetch,
            holder_ids=holder_ids, parent_kinds=(*parent_kinds, "envelope"),
        )
    from skillwallet.formats._common import is_blockcerts_v1, is_edc_document
    from skillwallet.verify.shapes import is_jws_json

    if is_jws_json(document):
        # a JAdES seal (Europass EDC) or another JWS in the JSON serialisation: the credential is its payload
        if "jades" in parent_kinds:
            raise fail(source, "a JWS in the JSON serialisation nested in another")
        from skillwallet.formats import edc

        return [edc.map_jades(document, source=source, original=original)]
    if is_blockcerts_v1(document):
        from skillwallet.formats import blockcerts

        return [blockcerts.map_v1(document, source=source, original=original)]
    if is_edc_document(document) and "VerifiableCredential" in types:
        from skillwallet.formats import edc

        return [edc.edc_view(document, source=source, original=original, media_type=media_type, sealed=False)]
    if ob2.is_ob2_document(document) and "VerifiableCredential" not in types:
        if not ob2.is_ob2_assertion(document):
            kind = sorted(types)[0] if types else "document"
            raise fail(source, f"an Open Badges 2.0 {kind}, not an assertion (give it together with the assertion)")
        return [
            ob2.map_ob2_assertion(
                document,
                source=source,
                original=original,
                media_type=media_type,
                related=related,
                fetch=fetch,
                holder_emails=list(holder_emails),
                signed_jws=signed_jws,
            )
        ]
    if ob2.is_ob1_assertion(document):
        # Open Badges 1.0/1.1 and 0.5 (Mozilla Backpack era): same shape family, older field names
        return [
            ob2.map_ob2_assertion(
                document, source=source, original=original, media_type=media_type,
                related=_with_ob1_documents(document, related),
                fetch=fetch, holder_emails=list(holder_emails), signed_jws=signed_jws,
            )
        ]
    if "@context" not in document and not types:
        wrapped = _wrapped_credentials(document)
        if wrapped is not None and "presentation" not in parent_kinds:
            # an OpenID4VCI credential response saved to a file (OID4VCI 1.0 §8.3: "credentials"/"credential")
            container = {"verifiableCredential": wrapped}
            return _parse_presentation(container, source, related, holder_emails, fetch, holder_ids, parent_kinds)
        raise fail(source, "JSON that is not a credential (no @context or type)")
    if types & clr.CLR_TYPES:
        if "clr" in parent_kinds:
            raise fail(source, "a CLR nested inside a CLR is not supported")

        def parse_nested(raw: bytes, label: str) -> list[Credential]:
            return parse_text(
                raw,
                source=label,
                related=related,
                holder_emails=holder_emails,
                fetch=fetch,
                holder_ids=holder_ids,
                parent_kinds=(*parent_kinds, "clr"),
            )

        return clr.map_clr(
            document,
            source=source,
            original=original,
            media_type=media_type,
            holder_emails=list(holder_emails),
            parse_nested=parse_nested,
        )
    return [
        ob3.map_vc(
            document,
            source=source,
            original=original,
            media_type=media_type,
            fmt=fmt,
            holder_emails=list(holder_emails),
            holder_ids=list(holder_ids),
            context_optional=media_type == "application/jwt",  # VC 1.1 JWT `vc` claim (jwt_vc_json)
        )
    ]


MAX_PRESENTED = 1000


def _token_lines(data: bytes) -> list[str]:
    """The lines of ``data`` when there are several and every non-empty one is a compact JWS or SD-JWT."""
    from skillwallet.formats import detect

    if len(data) > 8 * 1024 * 1024 or b"\n" not in data.strip():
        return []
    try:
        lines = [line.strip() for line in data.decode("ascii").splitlines() if line.strip()]
    except UnicodeDecodeError:
        return []
    if len(lines) < 2 or len(lines) > MAX_PRESENTED:
        return []
    if all(detect.sniff_text(line) in (detect.JWS, detect.SD_JWT) for line in lines):
        return lines
    return []


def _wrapped_credentials(document: dict[str, Any]) -> list[Any] | None:
    """Credentials inside an issuance response: ``{"credential": X}`` or ``{"credentials": [{"credential": X}, ...]}``."""
    if isinstance(document.get("credential"), (str, dict)):
        return [document["credential"]]
    items = document.get("credentials")
    if isinstance(items, list) and items:
        out = []
        for item in items:
            out.append(item["credential"] if isinstance(item, dict) and "credential" in item else item)
        return out
    return None


def _parse_presentation(
    document, source, related, holder_emails, fetch, holder_ids, parent_kinds, presented: bool = False
) -> list[Credential]:
    """The credentials a Verifiable Presentation carries (VC 2.0 §4.13; VC 1.1 §4.10), each added on its own.

    Items are embedded credentials (JSON objects), compact JWS strings, or VC 2.0 EnvelopedVerifiableCredential
    objects whose ``id`` is a ``data:`` URL holding the secured credential (VC-JOSE-COSE §3.2). The presentation's
    own proof (holder binding for one verifier) is not kept: each credential carries its issuer's proof.
    """
    from skillwallet.formats._common import as_list, fail, types_of

    if "presentation" in parent_kinds:
        raise fail(source, "a presentation nested inside a presentation is not supported")
    if presented and set(parent_kinds) - {"vp-envelope"}:
        # only a file's own presentation is checked as one (read_presentation); inside a CLR or a list it
        # would hand its credentials over without anyone checking the holder's proof
        raise fail(source, "a presentation nested inside another document is not supported")
    items = as_list(document.get("verifiableCredential"))
    if not items:
        raise fail(source, "a presentation that carries no credentials")
    if len(items) > MAX_PRESENTED:
        raise fail(source, f"a presentation with more than {MAX_PRESENTED} credentials")
    credentials: list[Credential] = []
    problems: list[str] = []
    for index, item in enumerate(items, 1):
        label = f"{source}#credential-{index}"
        raw: bytes | None = None
        if isinstance(item, str):
            raw = item.encode("utf-8")
        elif isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item):
            raw = envelope_payload(item)
        elif isinstance(item, dict):
            import json

            raw = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if raw is None:
            problems.append(f"{label}: not a credential object, token or enveloped credential")
            continue
        try:
            parsed = parse_text(
                raw, source=label, related=related, holder_emails=holder_emails, fetch=fetch,
                holder_ids=holder_ids, parent_kinds=(*parent_kinds, "presentation"),
            )
        except InvalidInputError as exc:
            problems.append(exc.message)
            continue
        for credential in parsed:
            if presented:
                credential.extra["from_presentation"] = True
        credentials.extend(parsed)
    if not credentials:
        raise fail(source, f"none of the credentials it holds could be read ({problems[0]})")
    if problems:
        credentials[0].extra["nested_errors"] = problems
    return credentials


def _parse_jws(data: bytes, source, related, holder_emails, fetch, holder_ids, parent_kinds) -> list[Credential]:
    from skillwallet.formats import jose, ob2
    from skillwallet.formats._common import fail

    token = jose.decode_compact_jws(data.decode("ascii"), source)
    original = token.text.encode("ascii")
    payload = token.payload
    if is_presentation_claims(token.header, payload):
        # decided first, by the predicate `verify` uses (read_presentation): VC 1.1 §6.3.1 puts the
        # presentation in the ``vp`` claim; a vp+jwt payload (VC-JOSE-COSE §3.2) is the presentation
        if "vp" in payload:
            if not isinstance(payload["vp"], dict):
                raise fail(source, "a JWT whose 'vp' claim is not a presentation object")
            return _parse_presentation(
                payload["vp"], source, related, holder_emails, fetch, holder_ids, parent_kinds, presented=True
            )
        return _parse_presentation(
            payload, source, related, holder_emails, fetch, holder_ids, parent_kinds, presented=True
        )
    if (ob2.is_ob2_assertion(payload) or ob2.is_ob1_assertion(payload)) and "vc" not in payload:
        # OB 2.0 signed assertion: the JWS payload is the assertion (OB 2.0 §Signed Badges)
        return _parse_json_document(
            payload, original, source, related, holder_emails, fetch, holder_ids,
            "application/jwt", parent_kinds, signed_jws=token.text, fmt=FORMAT_OB2,
        )
    if token.typ in jose.SD_JWT_VC_TYPES:
        raise fail(source, "an SD-JWT without its '~' separator (the disclosures are missing)")
    if "vc" not in payload and not ("@context" in payload or "credentialSubject" in payload):
        raise fail(source, "a JWS whose payload is not a credential (no 'vc' claim and no credential fields)")
    credential_doc, shape = jose.vc_from_jwt_claims(token, source)
    if is_presentation_document(credential_doc):
        # a presentation is only read as one where read_presentation finds it (a vp claim or a vp+jwt)
        raise fail(source, "a credential token whose 'vc' claim is a presentation")
    fmt_name = FORMAT_VC_JWT if shape == "vc-jwt" else FORMAT_VC_JOSE
    media_type = "application/jwt" if shape == "vc-jwt" else "application/vc+jwt"
    credentials = _parse_json_document(
        credential_doc, original, source, related, holder_emails, fetch, holder_ids, media_type, parent_kinds
    )
    for credential in credentials:
        if credential.parent_id is None and credential.original == original:
            credential.extra["family"] = credential.format
            credential.format = fmt_name
            credential.extra["jws_alg"] = token.header.get("alg")
            if isinstance(token.header.get("kid"), str):
                credential.extra["jws_kid"] = token.header["kid"]
    return credentials


def _parse_sd_jwt(data: bytes, source: str, holder_emails, holder_ids) -> Credential:
    """SD-JWT VC (IETF draft-ietf-oauth-sd-jwt-vc §3): claims are the payload with disclosures applied."""
    from skillwallet.formats import jose, ob3
    from skillwallet.formats._common import (
        canonical_json_bytes,
        content_id,
        fail,
        id_of,
        text_of,
    )
    from skillwallet.model import Issuer, parse_datetime

    sd = jose.decode_sd_jwt(data.decode("ascii"), source)
    claims = sd.claims
    original = sd.text.encode("ascii")
    if isinstance(claims.get("vc"), dict) or "@context" in claims:
        # a JSON-LD credential secured as SD-JWT (VC-JOSE-COSE §3.2): map it like any VC
        document = claims["vc"] if isinstance(claims.get("vc"), dict) else claims
        credential = ob3.map_vc(
            document, source=source, original=original, media_type="application/sd-jwt",
            holder_emails=list(holder_emails), holder_ids=list(holder_ids),
        )
        credential.extra["family"] = credential.format
        credential.format = FORMAT_SD_JWT
    else:
        vct = claims.get("vct")
        if not isinstance(vct, str) or not vct:
            raise fail(source, "an SD-JWT without a 'vct' claim is not an SD-JWT VC")
        # `iss` is optional in SD-JWT VC (draft §3.2.2.2: the issuer may be identified by an x5c chain instead)
        issuer_id = claims.get("iss") if isinstance(claims.get("iss"), str) else None
        subject = claims.get("credentialSubject") if isinstance(claims.get("credentialSubject"), dict) else claims
        achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
        tags = ob3.tags_of(achievement.get("tag"))
        skills = ob3.skills_from_alignments(achievement.get("alignment")) + ob3.skills_from_fields(subject)
        skills += ob3.skills_from_tags(tags)
        title = (
            text_of(achievement.get("name"))
            or text_of(claims.get("name"))
            or text_of(claims.get("title"))
            or _title_from_vct(vct)
        )
        jti = claims.get("jti") if isinstance(claims.get("jti"), str) else None
        credential = Credential(
            format=FORMAT_SD_JWT,
            original=original,
            media_type="application/sd-jwt",
            credential_id=jti or content_id("sd-jwt-sha256", canonical_json_bytes(sd.jws.payload)),
            title=title,
            description=text_of(achievement.get("description")) or text_of(claims.get("description")),
            issuer=Issuer(id=issuer_id, name=text_of(claims.get("issuer_name"))),
            issued=parse_datetime(claims.get("iat")) or parse_datetime(claims.get("nbf")),
            expires=parse_datetime(claims.get("exp")),
            valid_from=parse_datetime(claims.get("nbf")) or parse_datetime(claims.get("iat")),
            achievement_id=id_of(achievement) if achievement else None,
            achievement_type=text_of(achievement.get("achievementType")) or vct,
            criteria=ob3.criteria_of(achievement.get("criteria")),
            skills=ob3.dedupe_skills(skills),
            tags=tags,
            evidence=ob3.evidence_of(claims.get("evidence")),
            image=ob3.image_of(achievement.get("image")),
            recipient=_sd_jwt_recipient(claims),
            addressed_to_holder=_sd_jwt_addressed(claims, holder_emails, holder_ids),
            types=[vct],
            status_entries=[claims["status"]] if isinstance(claims.get("status"), dict) else [],
        )
    credential.extra["vct"] = claims.get("vct")
    credential.extra["disclosures"] = len(sd.disclosures)
    credential.extra["disclosed_claims"] = sorted(k for k in claims if k not in ("iss", "iat", "exp", "nbf", "cnf", "vct"))
    credential.extra["key_binding"] = sd.key_binding_jwt is not None
    credential.extra["jws_alg"] = sd.jws.header.get("alg")
    return credential


def _title_from_vct(vct: str) -> str:
    """A title from a ``vct`` type URI when the credential names nothing: its last segment that is not a version.

    ``https://bmi.bund.example/credential/pid/1.0`` (the SD-JWT VC draft's PID example) gives ``pid``, not ``1.0``;
    ``urn:eu.europa.ec.eudi:pid:1`` gives ``pid``; underscores and hyphens become spaces.
    """
    import re

    segments = [s for s in re.split(r"[/:#?]", vct) if s]
    meaningful = [s for s in segments if not re.fullmatch(r"v?\d+(\.\d+)*", s, flags=re.IGNORECASE)]
    last = meaningful[-1] if meaningful else vct
    return re.sub(r"[_-]+", " ", last).strip() or vct


def _sd_jwt_recipient(claims: dict[str, Any]) -> str | None:
    """``sub`` when present; else the person the disclosed OpenID Connect name claims name (given + family)."""
    sub = claims.get("sub")
    if isinstance(sub, str) and sub.strip():
        return sub
    names = [claims.get(k) for k in ("given_name", "family_name")]
    named = " ".join(n.strip() for n in names if isinstance(n, str) and n.strip())
    return named or None


def _sd_jwt_addressed(claims: dict[str, Any], holder_emails, holder_ids) -> bool | None:
    email = claims.get("email")
    if isinstance(email, str) and holder_emails:
        return email.strip().lower() in {e.lower() for e in holder_emails}
    sub = claims.get("sub")
    if isinstance(sub, str) and holder_ids:
        return sub in holder_ids
    return None


def related_documents(data: bytes) -> list[tuple[str, dict]]:
    """If ``data`` is an OB 2.0 BadgeClass / Issuer / CryptographicKey JSON file, its (id, document) pairs.

    Used by bulk import to complete assertions that link to these documents by URL; never raises.
    """
    from skillwallet.formats import ob2
    from skillwallet.formats._common import load_json

    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"{"):
        return []
    try:
        document = load_json(data, "related")
    except InvalidInputError:
        return []
    return ob2.supporting_documents(document) or ob1_supporting_documents(document)


#: Where an id-less OB 1.0 BadgeClass / IssuerOrganization given beside an assertion is kept in ``related``.
OB1_BADGECLASS = "ob1:badgeclass"
OB1_ISSUER = "ob1:issuer"


def ob1_supporting_documents(document: Any) -> list[tuple[str, dict]]:
    """An OB 1.0 BadgeClass or IssuerOrganization file (OB 1.0 "Assertion" spec, JSON examples): no id, no type,
    no context; it is known only by the URL the assertion links to, which the file does not state.

    So it completes an assertion only in the one ``add`` it is given with (see :func:`_with_ob1_documents`), and
    only the displayed view: like every file given beside a credential, it never reaches the verifier.
    """
    if not isinstance(document, dict) or any(k in document for k in ("@context", "type", "@type", "id", "uid", "recipient", "verify")):
        return []
    if not isinstance(document.get("name"), str):
        return []
    if "criteria" in document and "issuer" in document:
        return [(OB1_BADGECLASS, document)]
    if isinstance(document.get("url"), str) and "badge" not in document:
        return [(OB1_ISSUER, document)]
    return []


def looks_ob1_supporting(data: bytes) -> bool:
    """Cheap pre-check for :func:`ob1_supporting_documents` (no context, no type: the field names only)."""
    head = data[:8192]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"name"' in head and (
        b'"criteria"' in head or b'"url"' in head
    ) and b'"@context"' not in head and b'"recipient"' not in head


def _with_ob1_documents(document: dict[str, Any], related: dict | None) -> dict | None:
    """``related`` with the OB 1.0 BadgeClass / Issuer given in the same call filed under the URLs the assertion
    and its BadgeClass link to, when those URLs are not otherwise known."""
    if not related or (OB1_BADGECLASS not in related and OB1_ISSUER not in related):
        return related
    completed = dict(related)
    badge = document.get("badge")
    if isinstance(badge, str) and badge not in completed and OB1_BADGECLASS in completed:
        completed[badge] = completed[OB1_BADGECLASS]
    badge_class = completed.get(badge) if isinstance(badge, str) else badge
    issuer = badge_class.get("issuer") if isinstance(badge_class, dict) else None
    if isinstance(issuer, str) and issuer not in completed and OB1_ISSUER in completed:
        completed[issuer] = completed[OB1_ISSUER]
    return completed
