"""A key's `controller` is the key document's own word, not the issuer's.

The attacker publishes their own DID document (or HTTPS key document) listing a fresh key whose `controller`
member says `did:web:university.example`, signs a credential naming the university as issuer, and hands the
holder their document (`--document`). The university's own document never lists that key, so the credential
must never be `verified`: `unverifiable` while the university's document is out of reach, `invalid` once it
is there and does not list the key. Every proof format that resolves keys is covered.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from attacker import (
    ATTACKER,
    ATTACKER_DID_URL,
    UNIVERSITY,
    UNIVERSITY_DID_URL,
    controller_document,
    did_key_for,
    make_jws,
    ob3_credential,
    sign_data_integrity,
    sign_legacy,
    university_document,
    vc11,
    vc_jwt,
    write,
)
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode

KEY_URL = "https://attacker.example/keys"


def verify(capsys, path, *documents):
    code = run(["verify", "--offline", "--json", str(path), *(f"--document={url}={file}" for url, file in documents)])
    captured = capsys.readouterr()
    (result,) = json.loads(captured.out)["results"]
    return code, result


def forged(tmp_path, attack: str, key: Ed25519PrivateKey, issuer: str = UNIVERSITY):
    """(credential file, attacker documents) for one way of pointing at the attacker's key; the credential
    names ``issuer`` and the key's `controller` member says ``issuer``."""
    if attack == "did-web-multikey":
        doc = controller_document(ATTACKER, key, controller=issuer)
        return write(tmp_path, "c.json", sign_data_integrity(ob3_credential(issuer), key, f"{ATTACKER}#k1")), [(ATTACKER_DID_URL, doc)]
    if attack == "did-web-jwk":
        doc = controller_document(ATTACKER, key, controller=issuer, material="jwk")
        return write(tmp_path, "c.json", sign_data_integrity(ob3_credential(issuer), key, f"{ATTACKER}#k1")), [(ATTACKER_DID_URL, doc)]
    if attack == "https-controller-document":
        doc = controller_document(KEY_URL, key, controller=issuer)
        return write(tmp_path, "c.json", sign_data_integrity(ob3_credential(issuer), key, f"{KEY_URL}#k1")), [(KEY_URL, doc)]
    if attack == "https-key-document":
        # the URL is the verification method itself, and says the university controls it
        method = {"id": KEY_URL, "type": "Multikey", "controller": issuer,
                  "publicKeyMultibase": controller_document(KEY_URL, key)["verificationMethod"][0]["publicKeyMultibase"]}
        return write(tmp_path, "c.json", sign_data_integrity(ob3_credential(issuer), key, KEY_URL)), [(KEY_URL, method)]
    if attack in ("Ed25519Signature2018", "JsonWebSignature2020"):
        material = "base58" if attack == "Ed25519Signature2018" else "jwk"
        doc = controller_document(ATTACKER, key, controller=issuer, material=material)
        contexts = ["https://w3id.org/security/suites/jws-2020/v1"] if attack == "JsonWebSignature2020" else []
        signed = sign_legacy(vc11(issuer, *contexts), key, f"{ATTACKER}#k1", attack)
        return write(tmp_path, "c.json", signed), [(ATTACKER_DID_URL, doc)]
    if attack == "vc-jwt-did-web":
        doc = controller_document(ATTACKER, key, controller=issuer)
        return write(tmp_path, "c.jwt", vc_jwt(issuer, f"{ATTACKER}#k1", key)), [(ATTACKER_DID_URL, doc)]
    if attack == "vc-jose-did-web":
        doc = controller_document(ATTACKER, key, controller=issuer)
        token = make_jws({"alg": "EdDSA", "typ": "vc+jwt", "kid": f"{ATTACKER}#k1"}, ob3_credential(issuer), key)
        return write(tmp_path, "c.jwt", token), [(ATTACKER_DID_URL, doc)]
    if attack == "vc-jwt-https":
        doc = controller_document(KEY_URL, key, controller=issuer)
        return write(tmp_path, "c.jwt", vc_jwt(issuer, f"{KEY_URL}#k1", key)), [(KEY_URL, doc)]
    raise AssertionError(attack)


ATTACKS = [
    "did-web-multikey",
    "did-web-jwk",
    "https-controller-document",
    "https-key-document",
    "Ed25519Signature2018",
    "JsonWebSignature2020",
    "vc-jwt-did-web",
    "vc-jose-did-web",
    "vc-jwt-https",
]


def files(tmp_path, documents):
    return [(url, write(tmp_path, f"doc{n}.json", doc)) for n, (url, doc) in enumerate(documents)]


@pytest.mark.parametrize("attack", ATTACKS)
def test_controller_claim_without_the_universitys_document_is_unverifiable(attack, tmp_path, capsys) -> None:
    key = Ed25519PrivateKey.generate()
    path, documents = forged(tmp_path, attack, key)
    code, result = verify(capsys, path, *files(tmp_path, documents))
    assert result["verdict"] == "unverifiable", result
    assert code == ExitCode.NOT_VERIFIED
    assert any("university.example" in reason for reason in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_controller_claim_refuted_by_the_universitys_own_document_is_invalid(attack, tmp_path, capsys) -> None:
    key = Ed25519PrivateKey.generate()
    path, documents = forged(tmp_path, attack, key)
    documents.append((UNIVERSITY_DID_URL, university_document()))
    code, result = verify(capsys, path, *files(tmp_path, documents))
    assert result["verdict"] == "invalid", result
    assert code == ExitCode.NOT_VERIFIED
    assert result["checks"]["signature"] == "fail"


def test_a_key_the_universitys_document_lists_is_the_universitys(tmp_path, capsys) -> None:
    """The rule that replaces the claim: the university's own DID document lists a key of another DID
    (DID Core §5.3, by reference) for assertionMethod; that key is bound to the university."""
    key = Ed25519PrivateKey.generate()
    delegate = controller_document(ATTACKER, key)  # the key host says nothing about the university
    university = university_document()
    university["assertionMethod"].append(f"{ATTACKER}#k1")
    path = write(tmp_path, "c.json", sign_data_integrity(ob3_credential(UNIVERSITY), key, f"{ATTACKER}#k1"))
    code, result = verify(capsys, path, *files(tmp_path, [(ATTACKER_DID_URL, delegate), (UNIVERSITY_DID_URL, university)]))
    assert (result["verdict"], code) == ("verified", ExitCode.OK), result
    # ... but only for the purpose it lists: under authentication only, it is not the university's assertion key
    university["assertionMethod"].remove(f"{ATTACKER}#k1")
    university["authentication"] = [f"{ATTACKER}#k1"]
    code, result = verify(capsys, path, *files(tmp_path, [(ATTACKER_DID_URL, delegate), (UNIVERSITY_DID_URL, university)]))
    assert result["verdict"] == "invalid" and code == ExitCode.NOT_VERIFIED, result


def test_an_https_document_claiming_to_be_the_university_is_refused(tmp_path, capsys) -> None:
    """A controller document fetched from the attacker's URL whose own `id` says it is the university."""
    key = Ed25519PrivateKey.generate()
    doc = controller_document(KEY_URL, key)
    doc["id"] = UNIVERSITY
    doc["verificationMethod"][0]["id"] = f"{KEY_URL}#k1"
    path = write(tmp_path, "c.json", sign_data_integrity(ob3_credential(UNIVERSITY), key, f"{KEY_URL}#k1"))
    code, result = verify(capsys, path, *files(tmp_path, [(KEY_URL, doc)]))
    assert result["verdict"] != "verified" and code == ExitCode.NOT_VERIFIED, result


def test_a_did_key_that_names_the_university_as_controller_is_still_the_attackers(tmp_path, capsys) -> None:
    """did:key documents are generated from the key: the issuer must be that did:key itself."""
    key = Ed25519PrivateKey.generate()
    _, vm = did_key_for(key)
    path = write(tmp_path, "c.json", sign_data_integrity(ob3_credential(UNIVERSITY), key, vm))
    code, result = verify(capsys, path, *files(tmp_path, [(UNIVERSITY_DID_URL, university_document())]))
    assert result["verdict"] == "invalid" and code == ExitCode.NOT_VERIFIED, result


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a != "https-key-document"])
def test_the_same_documents_verify_the_attacker_as_themselves(attack, tmp_path, capsys) -> None:
    """A control: the attacker's signatures and documents are sound; only the claim about the university is
    refused. Issued in the attacker's own name, with `controller` their own, the credential verifies."""
    key = Ed25519PrivateKey.generate()
    own = KEY_URL if "https" in attack else ATTACKER
    path, documents = forged(tmp_path, attack, key, issuer=own)
    code, result = verify(capsys, path, *files(tmp_path, documents))
    assert (result["verdict"], code) == ("verified", ExitCode.OK), result


def test_an_ob2_key_whose_owner_names_the_university_is_not_the_universitys(tmp_path, capsys) -> None:
    """OB 2.0 §CryptographicKey: `owner` is the key document's claim; the owner's profile must list the key."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    context, profile, badge = "https://w3id.org/openbadges/v2", "https://university.example/issuer", "https://university.example/badges/md"
    key_url = "https://attacker.example/key.json"
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assertion = {
        "@context": context, "type": "Assertion", "id": "urn:uuid:1c9e4c7a-3f4b-4b8e-9d61-0a0b0c0d0e0f",
        "recipient": {"type": "email", "hashed": False, "identity": "mallory@example.org"},
        "badge": badge, "issuedOn": "2024-05-01T00:00:00Z", "verification": {"type": "SignedBadge", "creator": key_url},
    }
    token = make_jws({"alg": "RS256"}, assertion, attacker)
    pem = attacker.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    documents = [
        (key_url, {"@context": context, "type": "CryptographicKey", "id": key_url, "owner": profile, "publicKeyPem": pem}),
        (badge, {"@context": context, "type": "BadgeClass", "id": badge, "name": "MD", "issuer": profile}),
    ]
    path = write(tmp_path, "badge.jws", token)
    code, result = verify(capsys, path, *files(tmp_path, documents))
    assert (result["verdict"], code) == ("unverifiable", ExitCode.NOT_VERIFIED), result
    university = {"@context": context, "type": "Issuer", "id": profile, "name": "Example University",
                  "publicKey": "https://university.example/keys/1"}
    code, result = verify(capsys, path, *files(tmp_path, [*documents, (profile, university)]))
    assert result["verdict"] == "invalid" and code == ExitCode.NOT_VERIFIED, result
