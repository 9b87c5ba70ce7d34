"""Public keys from verification methods: did:key, did:jwk, did:web, controller documents, OB 2.0 keys.

The entry point is :func:`resolve_verification_method`; it returns a
:class:`~skillwallet.verify.base.ResolvedKey` saying which key, who controls it, and how it is bound to
that controller:

* ``did:key`` and ``did:jwk``: the key *is* the identifier, so it is bound to that DID for every
  purpose (did:key spec §3.1.2; did:jwk spec). The key is derived from the DID itself, never from a
  verification method's ``type``.
* ``did:web`` and HTTPS controller documents: the document is resolved through the
  :class:`~skillwallet.verify.resolver.DocumentResolver`; the method must be listed (by reference or
  embedded) under the requested verification relationship, e.g. ``assertionMethod``.
* A URL whose fragment is itself a multibase key (``https://issuer.example#z6Mk…``): nothing but the
  credential asserts that key, so it is :data:`~skillwallet.verify.base.SELF_ASSERTED`.
* Open Badges 2.0 ``CryptographicKey`` documents: bound when the owner's issuer profile lists the key
  in ``publicKey`` (OB 2.0 §CryptographicKey, §Profile).

Failures raise :class:`~skillwallet.verify.base.KeyResolutionError` with ``unavailable`` (a document
is needed but not available) or ``unsupported`` (a key type or DID method skillwallet does not handle).
``cryptography`` is imported inside the functions: ``skillwallet --help`` does not pay for it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from skillwallet.errors import DocumentUnavailableError
from skillwallet.verify.base import BOUND, SELF_ASSERTED, KeyResolutionError, ResolvedKey
from skillwallet.verify.did_syntax import did_syntax_problem

#: Verification relationships of DID Core §5.3.
VERIFICATION_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
_SIGNING_RELATIONSHIPS = frozenset(VERIFICATION_RELATIONSHIPS) - {"keyAgreement"}
_KEY_MATERIAL = ("publicKeyJwk", "publicKeyMultibase", "publicKeyBase58", "publicKeyPem")

# Multicodec codes of public keys (multiformats/multicodec table.csv), as unsigned varints.
MULTICODEC_ED25519_PUB = 0xED
MULTICODEC_X25519_PUB = 0xEC
MULTICODEC_SECP256K1_PUB = 0xE7
MULTICODEC_P256_PUB = 0x1200
MULTICODEC_P384_PUB = 0x1201
MULTICODEC_P521_PUB = 0x1202
MULTICODEC_RSA_PUB = 0x1205
MULTICODEC_BLS12_381_G2_PUB = 0xEB

_EC_CODECS = {
    MULTICODEC_P256_PUB: "P-256",
    MULTICODEC_P384_PUB: "P-384",
    MULTICODEC_P521_PUB: "P-521",
    MULTICODEC_SECP256K1_PUB: "secp256k1",
}
_UNSUPPORTED_CODECS = {
    MULTICODEC_X25519_PUB: "X25519 (a key-agreement key, not a signing key)",
    MULTICODEC_BLS12_381_G2_PUB: "BLS12-381 G2",
    0xEA: "BLS12-381 G1",
}



# --------------------------------------------------------------------------------------------------
# encodings


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): any other character, or padding, is an error."""
    if not isinstance(text, str):
        raise ValueError("base64url value is not a string")
    if not _B64URL_RE.match(text):
        raise ValueError("invalid base64url")
    if len(text) % 4 == 1:
        raise ValueError("invalid base64url length")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("invalid base64url") from None


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*\Z")
_B58_RE = re.compile(r"[1-9A-HJ-NP-Za-km-z]*\Z")  # the bitcoin alphabet: no 0, O, I, l


def multibase_decode(text: str) -> bytes:
    """Decode a multibase string: ``z`` base58btc or ``u`` base64url (no padding). Raises ``ValueError``."""
    if not isinstance(text, str) or not text:
        raise ValueError("empty or non-string multibase value")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        if not _B58_RE.match(body):
            raise ValueError("invalid base58btc character")
        import base58

        return base58.b58decode(body)
    if prefix == "u":
        return b64url_decode(body)
    raise ValueError(f"unsupported multibase prefix {prefix!r} (expected 'z' or 'u')")


def multibase_encode(data: bytes, base: str = "z") -> str:
    """Encode bytes as multibase: ``z`` (base58btc, the default) or ``u`` (base64url, no padding)."""
    if base == "z":
        import base58

        return "z" + base58.b58encode(data).decode("ascii")
    if base == "u":
        return "u" + b64url_encode(data)
    raise ValueError(f"unsupported multibase {base!r}")


def _read_varint(data: bytes) -> tuple[int, int]:
    """An unsigned LEB128 varint (multiformats unsigned-varint): (value, bytes consumed)."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if index > 0 and byte == 0:
                raise ValueError("non-minimal varint")
            return value, index + 1
    raise ValueError("truncated varint")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def public_key_from_multicodec(data: bytes) -> Any:
    """A public key from multicodec-prefixed bytes (Multikey ``publicKeyMultibase``, did:key)."""
    try:
        codec, used = _read_varint(data)
    except ValueError as exc:
        raise KeyResolutionError(f"malformed multicodec key: {exc}") from None
    raw = data[used:]
    if codec == MULTICODEC_ED25519_PUB:
        return _ed25519_key(raw)
    if codec in _EC_CODECS:
        return _ec_point_key(_EC_CODECS[codec], raw)
    if codec == MULTICODEC_RSA_PUB:
        # did:key RSA keys are DER PKCS#1 RSAPublicKey (did:key spec §2.2, "RSA").
        try:
            return _load_pkcs1_rsa(raw)
        except ValueError:
            raise KeyResolutionError("malformed RSA key in multicodec value") from None
    if codec in _UNSUPPORTED_CODECS:
        raise KeyResolutionError(f"unsupported key type: {_UNSUPPORTED_CODECS[codec]}", unsupported=True)
    raise KeyResolutionError(f"unsupported key type: multicodec 0x{codec:x}", unsupported=True)


def _load_pkcs1_rsa(der: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    # Wrap PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo so cryptography can load it.
    alg_id = bytes.fromhex("300d06092a864886f70d0101010500")
    bit_string = b"\x03" + _der_length(len(der) + 1) + b"\x00" + der
    body = alg_id + bit_string
    return load_der_public_key(b"\x30" + _der_length(len(body)) + body)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    encoded = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(encoded)]) + encoded


def _ed25519_key(raw: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if len(raw) != 32:
        raise KeyResolutionError(f"an Ed25519 public key has 32 bytes, not {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def _curve(name: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    curves = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1, "secp256k1": ec.SECP256K1}
    if name not in curves:
        raise KeyResolutionError(f"unsupported key type: EC curve {name!r}", unsupported=True)
    return curves[name]()


def _ec_point_key(curve_name: str, point: bytes) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        # Compressed (0x02/0x03) or uncompressed (0x04) SEC1 point; cryptography checks it is on the curve.
        return ec.EllipticCurvePublicKey.from_encoded_point(_curve(curve_name), point)
    except ValueError:
        raise KeyResolutionError(f"invalid {curve_name} public key point") from None


# --------------------------------------------------------------------------------------------------
# did:key and did:jwk


def public_key_from_did_key(did: str) -> Any:
    """The public key a ``did:key`` DID (or DID URL) encodes (did:key spec §3.1.2, "Decode Public Key")."""
    if not isinstance(did, str) or not did.startswith("did:key:"):
        raise KeyResolutionError(f"not a did:key DID: {did!r}")
    method_specific = did[len("did:key:") :].split("#", 1)[0]
    if not method_specific.startswith("z"):
        raise KeyResolutionError("a did:key must be base58btc multibase (start with 'z')")
    try:
        data = multibase_decode(method_specific)
    except ValueError as exc:
        raise KeyResolutionError(f"malformed did:key: {exc}") from None
    return public_key_from_multicodec(data)


def did_key_from_ed25519(public_key: Any) -> str:
    """The ``did:key:z6Mk…`` DID of an Ed25519 public key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "did:key:" + multibase_encode(_varint(MULTICODEC_ED25519_PUB) + raw)


def did_key_from_public_key(public_key: Any) -> str:
    """The ``did:key`` DID of an Ed25519 or NIST EC public key (compressed point, did:key §2.2)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if isinstance(public_key, Ed25519PublicKey):
        return did_key_from_ed25519(public_key)
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        codes = {v: k for k, v in _EC_CODECS.items()}
        name = _curve_name(public_key.curve)
        point = public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        return "did:key:" + multibase_encode(_varint(codes[name]) + point)
    raise ValueError(f"no did:key encoding for {type(public_key).__name__}")


def _curve_name(curve: Any) -> str:
    return {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"}.get(
        curve.name, curve.name
    )


def public_key_from_jwk(jwk: dict[str, Any]) -> Any:
    """A public key from a JWK (RFC 7517; OKP per RFC 8037). Private members are ignored, never used."""
    if not isinstance(jwk, dict):
        raise KeyResolutionError("a JWK must be a JSON object")
    kty = jwk.get("kty")
    try:
        if kty == "OKP":
            crv = jwk.get("crv")
            x = b64url_decode(jwk.get("x", ""))
            if crv == "Ed25519":
                return _ed25519_key(x)
            if crv == "Ed448":
                from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey

                if len(x) != 57:
                    raise KeyResolutionError("an Ed448 public key has 57 bytes")
                return Ed448PublicKey.from_public_bytes(x)
            raise KeyResolutionError(f"unsupported key type: OKP curve {crv!r}", unsupported=True)
        if kty == "EC":
            crv = jwk.get("crv")
            curve = _curve(crv)
            size = (curve.key_size + 7) // 8
            x = b64url_decode(jwk.get("x", ""))
            y = b64url_decode(jwk.get("y", ""))
            # RFC 7518 §6.2.1.2: x and y are exactly the coordinate size, zero-padded.
            if len(x) != size or len(y) != size:
                raise KeyResolutionError(f"{crv} JWK coordinates must be {size} bytes")
            return _ec_point_key(crv, b"\x04" + x + y)
        if kty == "RSA":
            from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

            n = int.from_bytes(b64url_decode(jwk.get("n", "")), "big")
            e = int.from_bytes(b64url_decode(jwk.get("e", "")), "big")
            if n.bit_length() < 2048:
                raise KeyResolutionError("RSA keys shorter than 2048 bits are refused (RFC 7518 §3.3)")
            return RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise KeyResolutionError(f"malformed JWK: {exc}") from None
    if kty in ("oct",):
        raise KeyResolutionError("a symmetric JWK cannot verify a credential", unsupported=True)
    raise KeyResolutionError(f"unsupported key type: JWK kty {kty!r}", unsupported=True)


def _did_jwk_key(did: str) -> tuple[dict[str, Any], Any]:
    body = did[len("did:jwk:") :].split("#", 1)[0]
    try:
        jwk = json.loads(b64url_decode(body))
    except (ValueError, UnicodeDecodeError):
        raise KeyResolutionError("malformed did:jwk: not base64url JSON") from None
    if not isinstance(jwk, dict):
        raise KeyResolutionError("malformed did:jwk: not a JWK object")
    if "d" in jwk:
        raise KeyResolutionError("a did:jwk must not contain a private key")
    return jwk, public_key_from_jwk(jwk)


# --------------------------------------------------------------------------------------------------
# DID documents


def resolve_did_document(did: str, resolver: Any) -> dict[str, Any]:
    """The DID document of ``did`` (did:key and did:jwk generated locally; did:web through ``resolver``)."""
    did = did.split("#", 1)[0]
    if did.startswith("did:key:"):
        public_key_from_did_key(did)  # validates
        fragment = did[len("did:key:") :]
        vm_id = f"{did}#{fragment}"
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": fragment}
            ],
            **{rel: [vm_id] for rel in sorted(_SIGNING_RELATIONSHIPS)},
        }
    if did.startswith("did:jwk:"):
        jwk, _ = _did_jwk_key(did)
        vm_id = f"{did}#0"
        # did:jwk spec "Read": a key marked "use": "enc" is only for key agreement.
        relationships = ["keyAgreement"] if jwk.get("use") == "enc" else sorted(_SIGNING_RELATIONSHIPS)
        return {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
            "id": did,
            "verificationMethod": [
                {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
            ],
            **{rel: [vm_id] for rel in relationships},
        }
    if did.startswith("did:web:"):
        from skillwallet.verify.resolver import did_web_to_url

        try:
            url = did_web_to_url(did)
        except ValueError as exc:
            raise KeyResolutionError(str(exc)) from None
        document = _fetch_json(resolver, url)
        if document.get("id") != did:
            raise KeyResolutionError(f"the DID document at {url} is for {document.get('id')!r}, not {did}")
        return document
    problem = did_syntax_problem(did)
    if problem:
        raise KeyResolutionError(f"malformed DID {did!r}: {problem}")
    if did.startswith("did:ion:") and did.count(":") >= 3:
        from skillwallet.verify.ion import long_form_document

        try:
            return long_form_document(did)
        except ValueError as exc:
            raise KeyResolutionError(f"malformed long-form did:ion: {exc}") from None
    getter = getattr(resolver, "user_document", None)
    document = getter(did) if callable(getter) else None
    if document is not None:
        # a DID document the user supplied or kept for this DID: it stands for the method's resolution
        if document.get("id") != did:
            raise KeyResolutionError(f"the DID document supplied for {did} is for {document.get('id')!r}")
        return document
    method = did.split(":")[1] if did.count(":") >= 2 else did
    raise KeyResolutionError(
        f"unsupported DID method: did:{method} (supply its DID document with --document {did}=FILE)", unsupported=True
    )


def _fetch_json(resolver: Any, url: str) -> dict[str, Any]:
    if resolver is None:
        raise KeyResolutionError(f"{url} is needed but no document resolver was given", unavailable=True)
    try:
        return resolver.fetch_json(url)
    except DocumentUnavailableError as exc:
        raise KeyResolutionError(exc.message, unavailable=True) from None


def _text(value: Any) -> str:
    """A document member that must be a string (ids, controllers), or "" when it is anything else."""
    return value if isinstance(value, str) else ""


def _absolute(ref: str, base: str) -> str:
    """A method reference made absolute against its document id (DID Core §3.2, relative DID URLs)."""
    if ref.startswith("#"):
        return base.split("#", 1)[0] + ref
    return ref


def _method_id(entry: Any, base: str) -> str | None:
    if isinstance(entry, str):
        return _absolute(entry, base)
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return _absolute(entry["id"], base)
    return None


def find_verification_method(document: dict[str, Any], vm_id: str) -> tuple[dict[str, Any], frozenset[str]]:
    """The verification method ``vm_id`` in a DID / controller document, and the relationships listing it.

    Methods may be in ``verificationMethod`` (or the legacy ``publicKey``) or embedded directly in a
    relationship such as ``assertionMethod``.
    """
    base = document.get("id") if isinstance(document.get("id"), str) else vm_id.split("#", 1)[0]
    candidates: list[dict[str, Any]] = []
    for container in ("verificationMethod", "publicKey"):
        value = document.get(container)
        for entry in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
            if isinstance(entry, dict):
                candidates.append(entry)
    purposes: set[str] = set()
    for relationship in VERIFICATION_RELATIONSHIPS:
        value = document.get(relationship)
        for entry in value if isinstance(value, list) else [value] if value is not None else []:
            if _method_id(entry, base) == vm_id:
                purposes.add(relationship)
                if isinstance(entry, dict):
                    candidates.append(entry)
    matches = [c for c in candidates if _method_id(c, base) == vm_id]
    if not matches:
        raise KeyResolutionError(f"{vm_id} is not a verification method of {base}")
    # The same id must not describe two different keys (an embedded copy contradicting the listed one).
    first = {k: v for k, v in matches[0].items() if k != "id"}
    for other in matches[1:]:
        if {k: v for k, v in other.items() if k != "id"} != first:
            raise KeyResolutionError(f"{vm_id} is described twice with different keys in {base}")
    method = dict(matches[0])
    method["id"] = vm_id
    return method, frozenset(purposes)


def public_key_from_verification_method(method: dict[str, Any]) -> Any:
    """The public key of a verification method object.

    The key material decides, not the ``type`` (Ed25519VerificationKey2018/2020, Multikey,
    JsonWebKey2020/JsonWebKey and EcdsaSecp256r1VerificationKey2019 describe the same keys):
    ``publicKeyMultibase`` is multicodec-prefixed (Controlled Identifiers §2.2.2), ``publicKeyJwk`` a JWK,
    ``publicKeyBase58`` the raw key whose kind only the legacy type names.
    """
    vm_type = method.get("type")
    types = {t for t in (vm_type if isinstance(vm_type, list) else [vm_type]) if isinstance(t, str)}
    if "publicKeyJwk" in method:
        return public_key_from_jwk(method["publicKeyJwk"])
    if "publicKeyMultibase" in method:
        try:
            data = multibase_decode(method["publicKeyMultibase"])
        except ValueError as exc:
            raise KeyResolutionError(f"malformed publicKeyMultibase: {exc}") from None
        if len(data) == 32 and "Ed25519VerificationKey2020" in types and data[:2] != b"\xed\x01":
            # Some early Ed25519VerificationKey2020 issuers published the bare 32-byte key.
            return _ed25519_key(data)
        return public_key_from_multicodec(data)
    if "publicKeyBase58" in method:
        try:
            data = multibase_decode("z" + str(method["publicKeyBase58"]))
        except ValueError as exc:
            raise KeyResolutionError(f"malformed publicKeyBase58: {exc}") from None
        if types & {"Ed25519VerificationKey2018", "Ed25519VerificationKey2020"}:
            return _ed25519_key(data)
        if types & {"EcdsaSecp256k1VerificationKey2019"}:
            return _ec_point_key("secp256k1", data)
        raise KeyResolutionError(f"unsupported key type: publicKeyBase58 of a {vm_type!r}", unsupported=True)
    if "publicKeyPem" in method:
        return public_key_from_pem(method["publicKeyPem"])
    raise KeyResolutionError(
        f"unsupported key type: verification method {method.get('id')} has no key material skillwallet reads",
        unsupported=True,
    )


def public_key_from_pem(pem: str) -> Any:
    """A public key from a PEM SubjectPublicKeyInfo (OB 2.0 ``publicKeyPem``)."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if not isinstance(pem, str):
        raise KeyResolutionError("publicKeyPem is not a string")
    try:
        return load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise KeyResolutionError("publicKeyPem is not a valid PEM public key") from None


# --------------------------------------------------------------------------------------------------
# the entry point


def resolve_verification_method(
    vm: str | dict[str, Any], resolver: Any, *, purpose: str = "assertionMethod", issuer: str | None = None
) -> ResolvedKey:
    """Resolve a verification method id (or object) to a public key, its controller and its binding.

    ``purpose`` is the verification relationship the key must be authorised for (``assertionMethod``
    for credentials, ``authentication`` for presentations). The controller reported is the party whose
    *own* document lists the key for ``purpose`` -- never the method's ``controller`` member on its own
    word. With ``issuer`` given, a key listed in another party's document is reported as the issuer's
    only when the issuer's own document (resolved from the issuer id) lists it for ``purpose``
    (:func:`bind_to_issuer`). Raises :class:`KeyResolutionError`.
    """
    key = _resolve_verification_method(vm, resolver, purpose)
    if issuer and key.binding == BOUND and not _same_party(key.controller, issuer):
        key = bind_to_issuer(key, issuer, resolver, purpose)
    return key


def _same_party(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.split("#", 1)[0] == b.split("#", 1)[0]


def bind_to_issuer(key: ResolvedKey, issuer: str, resolver: Any, purpose: str) -> ResolvedKey:
    """``key`` as the issuer's when the issuer's own DID / controller document lists it for ``purpose``.

    DID Core §5.3 lets a DID document authorise a verification method of another DID by reference; the
    reference must be in the *issuer's* document (VC Data Integrity, "Verify Proof": the verification
    method's controller is the issuer; Controlled Identifiers, "Retrieve Verification Method").
    A method whose ``controller`` member merely names the issuer proves nothing: anyone can write that.
    Returns ``key`` unchanged when the issuer's document does not list it (the caller then refuses the
    binding); raises ``KeyResolutionError(unavailable=True)`` when the key's document claims the issuer as
    controller but the issuer's document is not available (unverifiable, not invalid: it may be true).
    """
    import dataclasses

    issuer_id = issuer.split("#", 1)[0]
    try:
        if issuer_id.startswith("did:"):
            document = resolve_did_document(issuer_id, resolver)
        elif issuer_id.startswith("https://"):
            document = _fetch_json(resolver, issuer_id)
            if not _document_is_at(document, issuer_id):
                return key
        else:
            return key
    except KeyResolutionError as exc:
        if exc.unavailable and _same_party(key.claimed_controller, issuer_id):
            # The key's document says the issuer controls it: only the issuer's document can tell.
            raise KeyResolutionError(
                f"the key {key.key_id} is listed by {key.controller}, which says the issuer {issuer_id} "
                f"controls it; only the issuer's own document can confirm that: {exc}",
                unavailable=True,
            ) from None
        return key  # nothing ties this key to the issuer: the caller refuses the binding
    try:
        method, purposes = find_verification_method(document, key.key_id)
    except KeyResolutionError:
        # Listed by reference only (a string in a relationship): the key material is the method's own.
        method, purposes = None, _referenced_purposes(document, key.key_id)
    if purpose not in purposes:
        return key
    if method is not None and any(k in method for k in _KEY_MATERIAL):
        try:
            if not same_key(public_key_from_verification_method(method), key.public_key):
                return key
        except KeyResolutionError:
            return key
    return dataclasses.replace(key, controller=issuer_id, purposes=purposes)


def _referenced_purposes(document: dict[str, Any], vm_id: str) -> frozenset[str]:
    base = _text(document.get("id"))
    found = set()
    for relationship in VERIFICATION_RELATIONSHIPS:
        value = document.get(relationship)
        for entry in value if isinstance(value, list) else [value] if value is not None else []:
            if _method_id(entry, base) == vm_id:
                found.add(relationship)
    return frozenset(found)


def _document_is_at(document: dict[str, Any], url: str) -> bool:
    """Whether a document's own ``id`` is the URL (or the did:web of the URL) it was read from."""
    from skillwallet.verify.resolver import normalize_document_url

    own = document.get("id")
    if not isinstance(own, str) or not own:
        return False
    try:
        return normalize_document_url(own) == normalize_document_url(url)
    except ValueError:
        return False


def _resolve_verification_method(vm: str | dict[str, Any], resolver: Any, purpose: str) -> ResolvedKey:
    if isinstance(vm, dict):
        vm_id = vm.get("id")
        if isinstance(vm_id, str) and (vm_id.startswith("did:") or vm_id.startswith("https://")):
            # An embedded method is only a claim: resolve its id and require the same key.
            resolved = _resolve_verification_method(vm_id, resolver, purpose)
            if any(k in vm for k in _KEY_MATERIAL):
                embedded = public_key_from_verification_method(vm)
                if not same_key(embedded, resolved.public_key):
                    raise KeyResolutionError(f"the embedded key for {vm_id} differs from its controller's")
            return resolved
        key = public_key_from_verification_method(vm)
        return ResolvedKey(key, str(vm_id or ""), None, SELF_ASSERTED, None)
    if not isinstance(vm, str) or not vm:
        raise KeyResolutionError("the verification method is missing or not a string")

    if vm.startswith("did:key:"):
        did, _, fragment = vm.partition("#")
        key = public_key_from_did_key(did)
        method_specific = did[len("did:key:") :]
        if fragment and fragment != method_specific:
            raise KeyResolutionError(f"{vm} names a key other than the DID's own")
        _require_purpose(vm, _SIGNING_RELATIONSHIPS, purpose)
        return ResolvedKey(key, f"{did}#{method_specific}", did, BOUND, _SIGNING_RELATIONSHIPS)
    if vm.startswith("did:jwk:"):
        did, _, fragment = vm.partition("#")
        if fragment not in ("", "0"):
            raise KeyResolutionError(f"a did:jwk has one key, #0, not #{fragment}")
        document = resolve_did_document(did, resolver)
        method, purposes = find_verification_method(document, f"{did}#0")
        _require_purpose(vm, purposes, purpose)
        return ResolvedKey(public_key_from_verification_method(method), f"{did}#0", did, BOUND, purposes)
    if vm.startswith("did:web:"):
        did = vm.split("#", 1)[0]
        document = resolve_did_document(did, resolver)
        vm_id = vm if "#" in vm else _sole_method(document, purpose)
        return _from_controller_document(document, vm_id, purpose)
    if vm.startswith("did:"):
        problem = did_syntax_problem(vm)
        if problem:
            raise KeyResolutionError(f"malformed DID {vm.split('#', 1)[0]!r}: {problem}")
        # any other method: a long-form did:ion resolves from the DID itself; others only from a DID document
        # the user supplied (--document DID=FILE) or kept; else unsupported
        did = vm.split("#", 1)[0]
        document = resolve_did_document(did, resolver)
        vm_id = vm if "#" in vm else _sole_method(document, purpose)
        return _from_controller_document(document, vm_id, purpose)
    if vm.startswith("https://") or vm.startswith("http://"):
        return _resolve_url_method(vm, resolver, purpose)
    raise KeyResolutionError(f"cannot resolve verification method {vm!r}", unsupported=True)


def _sole_method(document: dict[str, Any], purpose: str) -> str:
    """With a bare DID as key id, the one method listed for ``purpose`` (ambiguity is an error)."""
    base = _text(document.get("id"))
    value = document.get(purpose)
    entries = [e for e in (value if isinstance(value, list) else [value] if value else [])]
    ids = [_method_id(e, base) for e in entries]
    ids = [i for i in ids if i]
    if len(ids) != 1:
        raise KeyResolutionError(f"{base} lists {len(ids)} keys for {purpose}; the credential must name one")
    return ids[0]


def _require_purpose(vm_id: str, purposes: frozenset[str], purpose: str) -> None:
    if purpose and purpose not in purposes:
        raise KeyResolutionError(f"{vm_id} is not authorised for {purpose} by its controller")


def _from_controller_document(document: dict[str, Any], vm_id: str, purpose: str) -> ResolvedKey:
    """The key ``vm_id`` as the document's own: the document lists it for ``purpose``.

    The controller is the document's ``id`` (already checked to be the DID or URL it was read from), not
    the method's ``controller`` member: a document can say its key is "controlled by" anyone, and only
    that party's own document can confirm it (see :func:`bind_to_issuer`).
    """
    method, purposes = find_verification_method(document, vm_id)
    _require_purpose(vm_id, purposes, purpose)
    owner = _text(document.get("id")).split("#", 1)[0]
    if not owner:
        raise KeyResolutionError(f"the document listing {vm_id} has no id")
    claimed = _absolute(method["controller"], owner) if isinstance(method.get("controller"), str) else None
    key = public_key_from_verification_method(method)
    return ResolvedKey(key, vm_id, owner, BOUND, purposes, None if claimed == owner else claimed)


def _resolve_url_method(vm: str, resolver: Any, purpose: str) -> ResolvedKey:
    url, _, fragment = vm.partition("#")
    if fragment and fragment[0] in "zu":
        # https://issuer.example#z6Mk…: the key is in the reference itself; nothing binds it to the issuer.
        try:
            data = multibase_decode(fragment)
        except ValueError:
            data = b""
        if data:
            try:
                key = public_key_from_multicodec(data)
            except KeyResolutionError as exc:
                if exc.unsupported:
                    raise
                key = None
            if key is not None:
                return ResolvedKey(key, vm, url, SELF_ASSERTED, None)
    document = _fetch_json(resolver, vm)
    doc_types = document.get("type")
    doc_types = {t for t in (doc_types if isinstance(doc_types, list) else [doc_types]) if isinstance(t, str)}
    if "CryptographicKey" in doc_types or ("publicKeyPem" in document and "owner" in document):
        return resolve_ob2_cryptographic_key(vm, resolver, document=document)
    # A controller document (VC Data Model 2.0 allows HTTPS controllers): same rules as a DID document,
    # and its id must be the URL it was read from (Controlled Identifiers, "Retrieve Verification Method":
    # the document's id must match the URL), else a document anywhere could claim to be the issuer's.
    if "#" in vm:
        if not _document_is_at(document, url):
            raise KeyResolutionError(f"the controller document at {url} says it is {document.get('id')!r}")
        return _from_controller_document(document, vm, purpose)
    if document.get("id") == vm and any(k in document for k in ("publicKeyMultibase", "publicKeyJwk")):
        # The URL is the verification method itself: it names its controller, and only that controller's
        # own document, listing the method for the purpose, makes the claim true.
        controller = document.get("controller")
        if not isinstance(controller, str) or not controller:
            raise KeyResolutionError(f"{vm} has no controller")
        if controller.startswith("did:"):
            controller_doc = resolve_did_document(controller, resolver)
        else:
            controller_doc = _fetch_json(resolver, controller)
            if not _document_is_at(controller_doc, controller):
                named = controller_doc.get("id")
                raise KeyResolutionError(f"the controller document at {controller} names {named!r}")
        public_key = public_key_from_verification_method(document)
        claimed = ResolvedKey(public_key, vm, vm, BOUND, None, controller)
        bound = bind_to_issuer(claimed, controller, _Preloaded(resolver, controller, controller_doc), purpose)
        if bound.controller == vm:
            raise KeyResolutionError(f"{vm} is not authorised for {purpose} by its controller {controller}")
        return bound
    raise KeyResolutionError(f"the document at {url} is not a key or controller document")


class _Preloaded:
    """A resolver view that answers one URL with a document already read (no second fetch)."""

    def __init__(self, resolver: Any, url: str, document: dict[str, Any]) -> None:
        from skillwallet.verify.resolver import normalize_document_url

        self.resolver, self.key, self.document = resolver, normalize_document_url(url), document

    def fetch_json(self, url: str) -> dict[str, Any]:
        from skillwallet.verify.resolver import normalize_document_url

        if normalize_document_url(url) == self.key:
            return self.document
        return self.resolver.fetch_json(url)


def resolve_ob2_cryptographic_key(
    key_url: str, resolver: Any, *, document: dict[str, Any] | None = None
) -> ResolvedKey:
    """An Open Badges 2.0 ``CryptographicKey`` bound to its owner (OB 2.0 §CryptographicKey).

    The key document's ``id`` must be ``key_url``; its ``owner`` is the issuer profile, fetched from its
    own URL, whose ``publicKey`` must list the key. Returns the owner as controller.
    """
    if document is None:
        document = _fetch_json(resolver, key_url)
    if _text(document.get("id")) != key_url:
        # The key may be embedded in the issuer profile (``creator`` = profile URL + fragment).
        embedded = _profile_key(document, key_url)
        if embedded is not None:
            document = {"owner": document.get("id"), **embedded}
        elif document.get("id") != key_url.split("#", 1)[0]:
            raise KeyResolutionError(f"the key document at {key_url} has id {document.get('id')!r}")
    owner = document.get("owner")
    if not isinstance(owner, str) or not owner:
        raise KeyResolutionError(f"the key document at {key_url} names no owner")
    public_key = public_key_from_pem(document.get("publicKeyPem"))
    profile = _fetch_json(resolver, owner)
    if profile.get("id") != owner:
        raise KeyResolutionError(f"the issuer profile at {owner} has id {profile.get('id')!r}")
    listed = profile.get("publicKey")
    entries = listed if isinstance(listed, list) else [listed] if listed else []
    listed_ids = {_text(e.get("id") if isinstance(e, dict) else e) for e in entries}
    if _text(document.get("id")) not in listed_ids:
        raise KeyResolutionError(f"the issuer profile {owner} does not list the key {key_url} in publicKey")
    in_profile = _profile_key(profile, _text(document.get("id")))
    if in_profile is not None and "publicKeyPem" in in_profile:
        if not same_key(public_key_from_pem(in_profile["publicKeyPem"]), public_key):
            raise KeyResolutionError(f"the issuer profile {owner} lists a different key as {key_url}")
    return ResolvedKey(public_key, document["id"], owner, BOUND, frozenset({"assertionMethod"}))


def _profile_key(profile: dict[str, Any], key_id: str) -> dict[str, Any] | None:
    """The ``publicKey`` entry of an OB 2.0 profile embedded as an object with id ``key_id``, if any."""
    listed = profile.get("publicKey")
    for entry in listed if isinstance(listed, list) else [listed]:
        if isinstance(entry, dict) and entry.get("id") == key_id:
            return entry
    return None


def same_key(a: Any, b: Any) -> bool:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        return a.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) == b.public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, TypeError, AttributeError):
        return False


def public_jwk(public_key: Any) -> dict[str, str]:
    """The public JWK of a key (for did:jwk, JWS headers and tests)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if isinstance(public_key, Ed25519PublicKey):
        raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        numbers = public_key.public_numbers()
        size = (public_key.curve.key_size + 7) // 8
        return {
            "kty": "EC",
            "crv": _curve_name(public_key.curve),
            "x": b64url_encode(numbers.x.to_bytes(size, "big")),
            "y": b64url_encode(numbers.y.to_bytes(size, "big")),
        }
    if isinstance(public_key, rsa.RSAPublicKey):
        numbers = public_key.public_numbers()
        return {
            "kty": "RSA",
            "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": b64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        }
    raise ValueError(f"no JWK form for {type(public_key).__name__}")
