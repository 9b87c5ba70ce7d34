"""Key and DID resolution: did:key test vectors, did:jwk, did:web, controller documents, OB 2.0 keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillwallet.verify import keys
from skillwallet.verify.base import BOUND, SELF_ASSERTED, KeyResolutionError
from skillwallet.verify.resolver import DocumentResolver

FIXTURES = Path(__file__).parent / "fixtures" / "keys"
VECTORS = json.loads((FIXTURES / "did-key-vectors.json").read_text())


def raw(public_key) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def resolver_with(docs: dict[str, dict]) -> DocumentResolver:
    return DocumentResolver(offline=True, supplied={url: json.dumps(doc).encode() for url, doc in docs.items()})


# -- did:key test vectors (w3c-ccg/did-method-key) -----------------------------------------------------


@pytest.mark.parametrize("did", sorted(VECTORS["ed25519"]))
def test_ed25519_did_key_vectors(did):
    vector = VECTORS["ed25519"][did]
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed"]))
    assert keys.did_key_from_ed25519(private_key.public_key()) == did
    decoded = keys.public_key_from_did_key(did)
    assert isinstance(decoded, Ed25519PublicKey)
    assert raw(decoded) == keys.multibase_decode("z" + vector["publicKeyBase58"])


@pytest.mark.parametrize("did", sorted(VECTORS["nist"]))
def test_nist_curve_did_key_vectors(did):
    jwk = VECTORS["nist"][did]
    decoded = keys.public_key_from_did_key(did)
    assert isinstance(decoded, ec.EllipticCurvePublicKey)
    assert keys.public_jwk(decoded) == {k: jwk[k] for k in ("kty", "crv", "x", "y")}
    # And back: the compressed point encodes to the same DID.
    assert keys.did_key_from_public_key(keys.public_key_from_jwk(jwk)) == did


@pytest.mark.parametrize("did", sorted(VECTORS["secp256k1"]))
def test_secp256k1_did_key_vectors(did):
    vector = VECTORS["secp256k1"][did]
    private_key = ec.derive_private_key(int(vector["seed"], 16), ec.SECP256K1())
    assert keys.did_key_from_public_key(private_key.public_key()) == did
    decoded = keys.public_key_from_did_key(did)
    compressed = decoded.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    assert compressed == keys.multibase_decode("z" + vector["publicKeyBase58"])


def test_rsa_did_key_round_trip():
    # did:key RSA (multicodec 0x1205): the DER PKCS#1 RSAPublicKey after the varint
    from cryptography.hazmat.primitives.serialization import Encoding as E, PublicFormat as P

    public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    did = "did:key:" + keys.multibase_encode(b"\x85\x24" + public.public_bytes(E.DER, P.PKCS1))
    assert did.startswith("did:key:z4MX")
    assert keys.public_key_from_did_key(did).public_numbers() == public.public_numbers()


def test_did_key_resolves_bound_to_itself_for_every_signing_purpose():
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    for vm in (did, f"{did}#{did[8:]}"):
        resolved = keys.resolve_verification_method(vm, None)
        assert resolved.binding == BOUND
        assert resolved.controller == did
        assert resolved.key_id == f"{did}#{did[8:]}"
        assert "assertionMethod" in resolved.purposes and "keyAgreement" not in resolved.purposes


def test_did_key_is_not_a_key_agreement_key():
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    with pytest.raises(KeyResolutionError, match="not authorised for keyAgreement"):
        keys.resolve_verification_method(did, None, purpose="keyAgreement")


def test_did_key_with_a_foreign_fragment_is_rejected():
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    other = "z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"
    with pytest.raises(KeyResolutionError, match="other than the DID's own"):
        keys.resolve_verification_method(f"{did}#{other}", None)


def test_did_key_document_has_one_multikey_method():
    did = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
    document = keys.resolve_did_document(did, None)
    (method,) = document["verificationMethod"]
    assert method == {
        "id": f"{did}#{did[8:]}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": did[8:],
    }
    assert document["assertionMethod"] == [method["id"]]


def test_x25519_did_key_is_unsupported_for_signatures():
    public = X25519PrivateKey.generate().public_key()
    did = "did:key:" + keys.multibase_encode(b"\xec\x01" + raw(public))
    assert did.startswith("did:key:z6LS")
    with pytest.raises(KeyResolutionError) as info:
        keys.public_key_from_did_key(did)
    assert info.value.unsupported and "X25519" in str(info.value)


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW",  # truncated: 31-byte key
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp0",  # '0' is not base58
        "did:key:u7QE",  # not base58btc
        "did:key:z",
    ],
)
def test_malformed_did_keys_raise_key_resolution_error(did):
    with pytest.raises(KeyResolutionError):
        keys.public_key_from_did_key(did)


def test_p256_point_not_on_curve_is_rejected():
    did = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"
    data = bytearray(keys.multibase_decode(did[8:]))
    data[-1] ^= 0x01  # a different x: half of all x values have no point
    bad_points = 0
    for delta in range(1, 8):
        data[-1] ^= delta
        try:
            keys.public_key_from_did_key("did:key:" + keys.multibase_encode(bytes(data)))
        except KeyResolutionError:
            bad_points += 1
    assert bad_points > 0


def test_multibase_round_trip_and_strictness():
    data = bytes(range(40))
    for base in ("z", "u"):
        assert keys.multibase_decode(keys.multibase_encode(data, base)) == data
    with pytest.raises(ValueError):
        keys.multibase_decode("m" + "AAAA")  # base64 with padding alphabet: not accepted
    with pytest.raises(ValueError):
        keys.multibase_decode("uAA==")
    with pytest.raises(ValueError):
        keys.multibase_decode("z0OIl")


# -- did:jwk ---------------------------------------------------------------------------------------------


def test_did_jwk_resolves_its_embedded_key():
    private_key = ec.generate_private_key(ec.SECP256R1())
    jwk = keys.public_jwk(private_key.public_key())
    did = "did:jwk:" + keys.b64url_encode(json.dumps(jwk).encode())
    resolved = keys.resolve_verification_method(f"{did}#0", None)
    assert resolved.binding == BOUND and resolved.controller == did and resolved.key_id == f"{did}#0"
    assert resolved.public_key.public_numbers() == private_key.public_key().public_numbers()
    with pytest.raises(KeyResolutionError):
        keys.resolve_verification_method(f"{did}#1", None)


def test_did_jwk_with_private_key_is_refused():
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": keys.b64url_encode(bytes(32)), "d": keys.b64url_encode(bytes(32))}
    did = "did:jwk:" + keys.b64url_encode(json.dumps(jwk).encode())
    with pytest.raises(KeyResolutionError, match="private"):
        keys.resolve_verification_method(did, None)


def test_jwk_kinds():
    assert isinstance(keys.public_key_from_jwk(keys.public_jwk(Ed25519PrivateKey.generate().public_key())), Ed25519PublicKey)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    assert keys.public_key_from_jwk(keys.public_jwk(rsa_key)).public_numbers() == rsa_key.public_numbers()
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(KeyResolutionError, match="2048"):
        keys.public_key_from_jwk(keys.public_jwk(small))
    with pytest.raises(KeyResolutionError) as info:
        keys.public_key_from_jwk({"kty": "oct", "k": "AAAA"})
    assert info.value.unsupported
    with pytest.raises(KeyResolutionError):
        keys.public_key_from_jwk({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"})


# -- did:web ---------------------------------------------------------------------------------------------


def did_web_document(did: str, public_key, *, embed: bool = False, vm_type: str = "Multikey") -> dict:
    vm_id = f"{did}#key-1"
    if vm_type == "Multikey":
        method = {"id": vm_id, "type": "Multikey", "controller": did,
                  "publicKeyMultibase": keys.did_key_from_public_key(public_key)[8:]}
    elif vm_type == "Ed25519VerificationKey2018":
        method = {"id": vm_id, "type": vm_type, "controller": did,
                  "publicKeyBase58": keys.multibase_encode(raw(public_key))[1:]}
    elif vm_type == "Ed25519VerificationKey2020":
        method = {"id": vm_id, "type": vm_type, "controller": did,
                  "publicKeyMultibase": keys.multibase_encode(b"\xed\x01" + raw(public_key))}
    else:
        method = {"id": vm_id, "type": vm_type, "controller": did, "publicKeyJwk": keys.public_jwk(public_key)}
    document = {"@context": ["https://www.w3.org/ns/did/v1"], "id": did}
    if embed:
        document["assertionMethod"] = [method]
    else:
        document["verificationMethod"] = [method]
        document["assertionMethod"] = ["#key-1"]
    return document


@pytest.mark.parametrize("vm_type", ["Multikey", "Ed25519VerificationKey2018", "Ed25519VerificationKey2020", "JsonWebKey2020", "JsonWebKey"])
@pytest.mark.parametrize("embed", [False, True])
def test_did_web_key_types_and_embedded_methods(vm_type, embed):
    public_key = Ed25519PrivateKey.generate().public_key()
    did = "did:web:issuer.example"
    resolver = resolver_with({"https://issuer.example/.well-known/did.json": did_web_document(did, public_key, embed=embed, vm_type=vm_type)})
    resolved = keys.resolve_verification_method(f"{did}#key-1", resolver)
    assert raw(resolved.public_key) == raw(public_key)
    assert resolved.binding == BOUND and resolved.controller == did
    assert resolved.purposes == frozenset({"assertionMethod"})


def test_did_web_path_based_and_port():
    public_key = Ed25519PrivateKey.generate().public_key()
    did = "did:web:issuer.example%3A8443:org:alice"
    resolver = resolver_with({"https://issuer.example:8443/org/alice/did.json": did_web_document(did, public_key)})
    resolved = keys.resolve_verification_method(f"{did}#key-1", resolver)
    assert raw(resolved.public_key) == raw(public_key)


def test_did_web_key_not_listed_for_purpose_is_refused():
    public_key = Ed25519PrivateKey.generate().public_key()
    did = "did:web:issuer.example"
    document = did_web_document(did, public_key)
    document["authentication"] = document.pop("assertionMethod")
    resolver = resolver_with({"https://issuer.example/.well-known/did.json": document})
    with pytest.raises(KeyResolutionError, match="not authorised for assertionMethod"):
        keys.resolve_verification_method(f"{did}#key-1", resolver)
    assert keys.resolve_verification_method(f"{did}#key-1", resolver, purpose="authentication").binding == BOUND


def test_did_web_document_for_another_did_is_refused():
    public_key = Ed25519PrivateKey.generate().public_key()
    resolver = resolver_with({"https://issuer.example/.well-known/did.json": did_web_document("did:web:evil.example", public_key)})
    with pytest.raises(KeyResolutionError, match="not did:web:issuer.example"):
        keys.resolve_verification_method("did:web:issuer.example#key-1", resolver)


def test_did_web_offline_without_document_is_unavailable():
    with pytest.raises(KeyResolutionError) as info:
        keys.resolve_verification_method("did:web:issuer.example#key-1", DocumentResolver(offline=True))
    assert info.value.unavailable and "not available offline" in str(info.value)


def test_did_web_controller_member_is_only_a_claim():
    """The controller is the DID whose document lists the key; the method's own `controller` member is a
    claim the named party's document must confirm (keys.bind_to_issuer)."""
    public_key = Ed25519PrivateKey.generate().public_key()
    did = "did:web:issuer.example"
    document = did_web_document(did, public_key)
    document["verificationMethod"][0]["controller"] = "did:web:other.example"
    resolver = resolver_with({"https://issuer.example/.well-known/did.json": document})
    resolved = keys.resolve_verification_method(f"{did}#key-1", resolver)
    assert resolved.controller == did
    assert resolved.claimed_controller == "did:web:other.example"


def test_unsupported_did_method():
    with pytest.raises(KeyResolutionError) as info:
        keys.resolve_verification_method("did:ion:abc#key", None)
    assert info.value.unsupported and "did:ion" in str(info.value)


# -- URL keys ------------------------------------------------------------------------------------------


def test_key_in_url_fragment_is_self_asserted():
    public_key = Ed25519PrivateKey.generate().public_key()
    fragment = keys.did_key_from_ed25519(public_key)[8:]
    resolved = keys.resolve_verification_method(f"https://issuer.example#{fragment}", DocumentResolver(offline=True))
    assert resolved.binding == SELF_ASSERTED
    assert resolved.controller == "https://issuer.example"
    assert raw(resolved.public_key) == raw(public_key)


def test_embedded_method_object_without_resolvable_id_is_self_asserted():
    public_key = Ed25519PrivateKey.generate().public_key()
    resolved = keys.resolve_verification_method({"type": "JsonWebKey2020", "publicKeyJwk": keys.public_jwk(public_key)}, None)
    assert resolved.binding == SELF_ASSERTED and resolved.controller is None


def test_embedded_method_must_match_the_published_key():
    did = keys.did_key_from_ed25519(Ed25519PrivateKey.generate().public_key())
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(KeyResolutionError, match="differs"):
        keys.resolve_verification_method({"id": did, "publicKeyJwk": keys.public_jwk(other)}, None)


def test_https_controller_document():
    public_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    controller = "https://issuer.example/issuers/1"
    document = {
        "id": controller,
        "verificationMethod": [{"id": f"{controller}#k", "type": "JsonWebKey", "controller": controller, "publicKeyJwk": keys.public_jwk(public_key)}],
        "assertionMethod": [f"{controller}#k"],
    }
    resolved = keys.resolve_verification_method(f"{controller}#k", resolver_with({controller: document}))
    assert resolved.binding == BOUND and resolved.controller == controller


# -- Open Badges 2.0 CryptographicKey -----------------------------------------------------------------


def ob2_key_documents(public_key, *, listed: bool = True, owner: str = "https://issuer.example/profile"):
    from cryptography.hazmat.primitives.serialization import Encoding as E, PublicFormat as P

    key_url = "https://issuer.example/keys/1"
    key_doc = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "CryptographicKey",
        "id": key_url,
        "owner": owner,
        "publicKeyPem": public_key.public_bytes(E.PEM, P.SubjectPublicKeyInfo).decode(),
    }
    profile = {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": "https://issuer.example/profile",
               "name": "Issuer", "publicKey": key_url if listed else "https://issuer.example/keys/other"}
    return key_url, {key_url: key_doc, "https://issuer.example/profile": profile}


def test_ob2_cryptographic_key_bound_by_profile():
    public_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    key_url, docs = ob2_key_documents(public_key)
    resolved = keys.resolve_verification_method(key_url, resolver_with(docs))
    assert resolved.binding == BOUND and resolved.controller == "https://issuer.example/profile"
    assert resolved.public_key.public_numbers() == public_key.public_numbers()


def test_ob2_key_not_listed_by_owner_is_refused():
    public_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    key_url, docs = ob2_key_documents(public_key, listed=False)
    with pytest.raises(KeyResolutionError, match="does not list the key"):
        keys.resolve_verification_method(key_url, resolver_with(docs))


def test_ob2_key_without_profile_offline_is_unavailable():
    public_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    key_url, docs = ob2_key_documents(public_key)
    del docs["https://issuer.example/profile"]
    with pytest.raises(KeyResolutionError) as info:
        keys.resolve_verification_method(key_url, resolver_with(docs))
    assert info.value.unavailable
