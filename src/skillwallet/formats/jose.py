"""Decode JOSE-secured credentials: VC-JWT (VC 1.1 §6.3.1), VC-JOSE-COSE ``vc+jwt`` and SD-JWT VC.

Decode only: nothing here checks a signature (that is :mod:`skillwallet.verify`'s job). What is
checked is structure: a compact JWS is three base64url segments (RFC 7515 §7.1) whose header and
payload are JSON objects; an SD-JWT's disclosures must each be referenced by a digest in the
issuer-signed payload (draft-ietf-oauth-selective-disclosure-jwt §7.1), otherwise the token is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from skillwallet.formats._common import fail, load_json
from skillwallet.formats.detect import JWS_RE

# Header ``typ`` values that say "the payload is the credential" (VC-JOSE-COSE §3.1.1; older drafts
# used vc+ld+jwt) and SD-JWT VC typ values (SD-JWT VC draft §3.2.1: dc+sd-jwt, formerly vc+sd-jwt).
VC_JOSE_TYPES = {"vc+jwt", "vc+ld+jwt", "application/vc+jwt", "application/vc+ld+jwt"}
SD_JWT_VC_TYPES = {"dc+sd-jwt", "vc+sd-jwt", "application/dc+sd-jwt", "application/vc+sd-jwt"}
#: The digest algorithms the verifier accepts too (verify.jose.SD_HASHES; sha3-256 is used by the EUDI issuer).
_HASHES = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
    "sha3-256": hashlib.sha3_256,
}
MAX_DISCLOSURES = 1000
#: Claims the wallet takes from the issuer-signed payload only, never from a disclosure: the SD-JWT VC
#: registered claims that "MUST NOT be included in the Disclosures" (draft-ietf-oauth-sd-jwt-vc §3.2.2.2: iss,
#: nbf, exp, cnf, vct, vct#integrity, status) and ``iat``, which the draft lets an issuer disclose but which
#: the wallet shows as the issue date. A disclosure of one is left out of :attr:`SdJwt.claims` and listed in
#: :attr:`SdJwt.withheld`; the verifier then calls the credential invalid (``skillwallet.verify.jose``).
SIGNED_ONLY_CLAIMS = frozenset({"iss", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
#: The same for a W3C credential secured as an SD-JWT (its issuer, validity dates, status, context, type),
#: at the top of the credential: the payload when it has an ``@context`` or ``vc``, and the ``vc`` claim.
SIGNED_ONLY_VC_FIELDS = frozenset(
    {"@context", "type", "issuer", "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus"}
)


@dataclass
class CompactJws:
    """A decoded (not verified) compact JWS."""

    text: str  # the token exactly as given (surrounding whitespace removed)
    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes

    @property
    def typ(self) -> str:
        value = self.header.get("typ")
        return value.lower() if isinstance(value, str) else ""


@dataclass
class SdJwt:
    """A decoded SD-JWT: the issuer-signed JWS, its disclosures and the claims they reveal."""

    text: str
    jws: CompactJws
    disclosures: list[str] = field(default_factory=list)
    key_binding_jwt: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)  # payload with disclosures applied
    #: disclosed claims left out of ``claims`` because they must come from the signed payload (dotted paths)
    withheld: list[str] = field(default_factory=list)


def b64url_decode(segment: str, source: str, what: str) -> bytes:
    """base64url without padding (RFC 7515 §2); refuse padding, whitespace and stray characters."""
    if not segment or "=" in segment:
        raise fail(source, f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise fail(source, f"{what} is not base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(segment: str, source: str, what: str) -> dict[str, Any]:
    raw = b64url_decode(segment, source, what)
    value = load_json(raw, source, what=f"JSON in the {what}")
    if not isinstance(value, dict):
        raise fail(source, f"the {what} is not a JSON object")
    return value


def decode_compact_jws(text: str, source: str) -> CompactJws:
    """Split and decode a compact JWS. Raises ``InvalidInputError`` when it is not one."""
    token = text.strip()
    if not JWS_RE.match(token):
        raise fail(source, "not a compact JWS (expected three base64url parts separated by dots)")
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = _json_object(header_b64, source, "JWS header")
    if "b64" in header and header.get("b64") is False:
        raise fail(source, "a JWS with an unencoded payload (b64: false) is not a credential token")
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise fail(source, "the JWS header has no 'alg'")
    if alg.lower() == "none" or not signature_b64:
        raise fail(source, "an unsecured JWS (alg 'none' or no signature) is not accepted")
    payload = _json_object(payload_b64, source, "JWS payload")
    signature = b64url_decode(signature_b64, source, "JWS signature")
    return CompactJws(text=token, header=header, payload=payload, signature=signature)


def disclosure_digest(disclosure: str, alg: str = "sha-256") -> str:
    """base64url(hash(ASCII disclosure)) — SD-JWT §4.2.3."""
    return b64url_encode(_HASHES[alg](disclosure.encode("ascii")).digest())


def decode_sd_jwt(text: str, source: str) -> SdJwt:
    """Decode an SD-JWT (``<JWS>~<disclosure>~...~[<KB-JWT>]``) and apply its disclosures."""
    token = text.strip()
    parts = token.split("~")
    if len(parts) < 2:
        raise fail(source, "not an SD-JWT (no '~' separator)")
    jws = decode_compact_jws(parts[0], source)
    key_binding = parts[-1] or None
    disclosures = [p for p in parts[1:-1]]
    if any(not d for d in disclosures):
        raise fail(source, "the SD-JWT has an empty disclosure")
    if len(disclosures) > MAX_DISCLOSURES:
        raise fail(source, f"the SD-JWT has more than {MAX_DISCLOSURES} disclosures")
    if key_binding is not None and not JWS_RE.match(key_binding):
        raise fail(source, "the SD-JWT's key binding JWT is not a compact JWS")
    alg = jws.payload.get("_sd_alg", "sha-256")
    if not isinstance(alg, str) or alg.lower() not in _HASHES:
        raise fail(source, f"unsupported SD-JWT digest algorithm {alg!r}")
    alg = alg.lower()

    by_digest: dict[str, list[Any]] = {}
    for index, disclosure in enumerate(disclosures, 1):
        decoded = load_json(b64url_decode(disclosure, source, f"disclosure {index}"), source, f"disclosure {index}")
        if not isinstance(decoded, list) or len(decoded) not in (2, 3) or not isinstance(decoded[0], str):
            raise fail(source, f"disclosure {index} is not a [salt, (name,) value] array")
        if len(decoded) == 3 and (not isinstance(decoded[1], str) or decoded[1] in ("_sd", "...")):
            raise fail(source, f"disclosure {index} has an invalid claim name")
        digest = disclosure_digest(disclosure, alg)
        if digest in by_digest:
            raise fail(source, f"disclosure {index} appears twice")
        by_digest[digest] = decoded

    used: set[str] = set()
    withheld: list[str] = []
    top_only = SIGNED_ONLY_CLAIMS
    if "@context" in jws.payload or "vc" in jws.payload:
        top_only = top_only | SIGNED_ONLY_VC_FIELDS
    signed_only = {(): top_only, ("vc",): SIGNED_ONLY_VC_FIELDS}

    def apply(node: Any, depth: int = 0, path: tuple[str, ...] | None = ()) -> Any:
        # ``path``: the object keys leading here, or None once below an array
        if depth > 64:
            raise fail(source, "SD-JWT claims nested too deeply")
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key in ("_sd", "_sd_alg"):
                    continue
                out[key] = apply(value, depth + 1, None if path is None else (*path, key))
            digests = node.get("_sd", [])
            if not isinstance(digests, list):
                raise fail(source, "'_sd' is not an array")
            for digest in digests:
                if not isinstance(digest, str):
                    raise fail(source, "'_sd' holds a value that is not a digest string")
                found = by_digest.get(digest)
                if found is None:
                    continue  # undisclosed claim (or a decoy digest, §4.2.5)
                if digest in used:
                    raise fail(source, "a disclosure digest is referenced twice")
                if len(found) != 3:
                    raise fail(source, "an array-element disclosure is referenced as an object property")
                used.add(digest)
                name = found[1]
                if name in out:
                    raise fail(source, f"disclosed claim {name!r} already exists in the payload")
                if path is not None and name in signed_only.get(path, ()):
                    withheld.append(".".join((*path, name)))
                    continue
                out[name] = apply(found[2], depth + 1, None if path is None else (*path, name))
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for item in node:
                if isinstance(item, dict) and set(item) == {"..."}:
                    digest = item["..."]
                    found = by_digest.get(digest) if isinstance(digest, str) else None
                    if found is None:
                        continue
                    if digest in used or len(found) != 2:
                        raise fail(source, "an array-element disclosure is malformed or reused")
                    used.add(digest)
                    items.append(apply(found[1], depth + 1, None))
                else:
                    items.append(apply(item, depth + 1, None))
            return items
        return node

    claims = apply(jws.payload)
    unused = set(by_digest) - used
    if unused:
        raise fail(source, f"{len(unused)} SD-JWT disclosure(s) are not referenced by the signed payload")
    return SdJwt(
        text=token, jws=jws, disclosures=disclosures, key_binding_jwt=key_binding, claims=claims, withheld=withheld
    )


def vc_from_jwt_claims(jws: CompactJws, source: str) -> tuple[dict[str, Any], str]:
    """The credential a JWT carries and which shape it is: ``("vc-jwt"|"vc+jwt", credential)``.

    VC 1.1 JWT (VC Data Model 1.1 §6.3.1): the credential is the ``vc`` claim; registered claims map onto
    it — ``iss`` → issuer, ``nbf`` → issuanceDate, ``exp`` → expirationDate, ``jti`` → id, ``sub`` →
    credentialSubject.id. VC-JOSE-COSE (§3.1.1): the payload *is* the credential and ``vc``/``vp`` are not used.
    """
    payload = jws.payload
    if isinstance(payload.get("vc"), dict):
        credential = json.loads(json.dumps(payload["vc"]))  # a private copy to fill in
        if isinstance(payload.get("jti"), str) and "id" not in credential:
            credential["id"] = payload["jti"]
        if isinstance(payload.get("iss"), str):
            issuer = credential.get("issuer")
            if isinstance(issuer, dict):
                issuer.setdefault("id", payload["iss"])
            elif not isinstance(issuer, str):
                credential["issuer"] = payload["iss"]
        from skillwallet.model import format_datetime, parse_datetime

        for claim, field_name in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
            if claim in payload and field_name not in credential:
                when = parse_datetime(payload[claim])
                if when is not None:
                    credential[field_name] = format_datetime(when)
        if isinstance(payload.get("sub"), str):
            subject = credential.get("credentialSubject")
            if isinstance(subject, dict):
                subject.setdefault("id", payload["sub"])
            elif subject is None:
                credential["credentialSubject"] = {"id": payload["sub"]}
        return credential, "vc-jwt"
    if "vp" in payload:
        raise fail(source, "the JWT holds a presentation, not a credential")
    return payload, "vc+jwt"
