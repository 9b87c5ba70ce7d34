"""DIDs of methods skillwallet does not resolve itself: a long-form did:ion from the DID alone (Sidetree v1.0), any
other method from a DID document the user supplies (``--document DID=FILE``); otherwise unsupported, by name."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from test_jose_helpers import make_jws, p256

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.verify.ion import long_form_document
from skillwallet.verify.keys import b64url_encode, resolve_verification_method

# A published long-form DID: the Sidetree reference implementation's DocumentComposer tests use it (as
# "did:sidetree:...") and the vercre test providers as a did:ion. Its suffix and deltaHash are the hashes of the
# published initial state, checked here; its private key is published too, so it signs nothing in these tests.
SIDETREE_VECTOR = (
    "did:ion:EiDyOQbbZAa3aiRzeCkV7LOx3SERjjH93EXoIM3UoN4oWg:eyJkZWx0YSI6eyJwYXRjaGVzIjpbeyJhY3Rpb24iOiJyZXBsYWNlIiwiZG9jdW1lbn"
    "QiOnsicHVibGljS2V5cyI6W3siaWQiOiJwdWJsaWNLZXlNb2RlbDFJZCIsInB1YmxpY0tleUp3ayI6eyJjcnYiOiJzZWNwMjU2azEiLCJrdHkiOiJFQyIsIngiOiJ0"
    "WFNLQl9ydWJYUzdzQ2pYcXVwVkpFelRjVzNNc2ptRXZxMVlwWG45NlpnIiwieSI6ImRPaWNYcWJqRnhvR0otSzAtR0oxa0hZSnFpY19EX09NdVV3a1E3T2w2bmsifS"
    "wicHVycG9zZXMiOlsiYXV0aGVudGljYXRpb24iLCJrZXlBZ3JlZW1lbnQiXSwidHlwZSI6IkVjZHNhU2VjcDI1NmsxVmVyaWZpY2F0aW9uS2V5MjAxOSJ9XSwic2Vy"
    "dmljZXMiOlt7ImlkIjoic2VydmljZTFJZCIsInNlcnZpY2VFbmRwb2ludCI6Imh0dHA6Ly93d3cuc2VydmljZTEuY29tIiwidHlwZSI6InNlcnZpY2UxVHlwZSJ9XX"
    "19XSwidXBkYXRlQ29tbWl0bWVudCI6IkVpREtJa3dxTzY5SVBHM3BPbEhrZGI4Nm5ZdDBhTnhTSFp1MnItYmhFem5qZEEifSwic3VmZml4RGF0YSI6eyJkZWx0YUhh"
    "c2giOiJFaUNmRFdSbllsY0Q5RUdBM2RfNVoxQUh1LWlZcU1iSjluZmlxZHo1UzhWRGJnIiwicmVjb3ZlcnlDb21taXRtZW50IjoiRWlCZk9aZE10VTZPQnc4UGs4Nz"
    "lRdFotMkotOUZiYmpTWnlvYUFfYnFENHpoQSJ9fQ"
)
AS_OF = "2026-06-01"


def test_the_published_sidetree_long_form_resolves_to_its_initial_keys() -> None:
    document = long_form_document(SIDETREE_VECTOR)
    (method,) = document["verificationMethod"]
    assert method["id"] == SIDETREE_VECTOR + "#publicKeyModel1Id"
    assert method["publicKeyJwk"]["x"] == "tXSKB_rubXS7sCjXqupVJEzTcW3MsjmEvq1YpXn96Zg"
    assert document["authentication"] == [method["id"]] and "assertionMethod" not in document
    key = resolve_verification_method(method["id"], None, purpose="authentication")
    assert key.controller == SIDETREE_VECTOR


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _hash(value: dict) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(b"\x12\x20" + hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def ion_did(public_jwk: dict, *, suffix_of: dict | None = None) -> str:
    delta = {"patches": [{"action": "replace", "document": {"publicKeys": [
        {"id": "key-1", "type": "JsonWebKey2020", "publicKeyJwk": public_jwk, "purposes": ["assertionMethod"]}]}}],
        "updateCommitment": "EiDKIkwqO69IPG3pOlHkdb86nYt0aNxSHZu2r-bhEznjdA"}
    suffix_data = {"deltaHash": _hash(delta), "recoveryCommitment": "EiBfOZdMtU6OBw8Pk879QtZ-2J-9FbbjSZyoaA_bqD4zhA"}
    suffix = _hash(suffix_of or suffix_data)
    return f"did:ion:{suffix}:{_b64({'delta': delta, 'suffixData': suffix_data})}"


def jwk_of(key) -> dict:
    numbers = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big"))}


def vc_jwt(did: str, key, kid: str | None = None) -> str:
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"], "issuer": did,
          "issuanceDate": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:ada", "name": "Ada"}}
    return make_jws({"alg": "ES256", "kid": kid or f"{did}#key-1"}, {"iss": did, "vc": vc}, key)


def verify(capsys, path: Path, *extra: str) -> dict:
    run(["verify", "--offline", "--json", "--as-of", AS_OF, *extra, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return json.loads(out.out)["results"][0]


def test_a_credential_by_a_long_form_did_ion_verifies_offline(tmp_path, capsys) -> None:
    key = p256()
    did = ion_did(jwk_of(key))
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(did, key))
    result = verify(capsys, token)
    assert result["verdict"] == "verified", result["reasons"]


def test_a_long_form_did_ion_whose_keys_were_swapped_is_invalid(tmp_path, capsys) -> None:
    genuine, attacker = p256(), p256()
    honest = ion_did(jwk_of(genuine))
    suffix = honest.split(":")[2]
    # the attacker keeps the genuine DID suffix and puts their own key in the initial state
    forged_state = ion_did(jwk_of(attacker)).split(":")[3]
    forged = f"did:ion:{suffix}:{forged_state}"
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(forged, attacker))
    result = verify(capsys, token)
    assert result["verdict"] == "invalid", result
    assert any("suffix is not the hash of its suffixData" in r for r in result["reasons"]), result["reasons"]


def test_a_long_form_did_ion_whose_delta_was_swapped_under_the_genuine_suffix_data_is_invalid(tmp_path, capsys) -> None:
    # the genuine suffix and suffixData kept whole, only the delta (the keys) replaced: deltaHash gives it away
    genuine, attacker = p256(), p256()
    suffix, encoded = ion_did(jwk_of(genuine)).split(":")[2:]
    state = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    state["delta"]["patches"][0]["document"]["publicKeys"][0]["publicKeyJwk"] = jwk_of(attacker)
    forged = f"did:ion:{suffix}:{_b64(state)}"
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(forged, attacker))
    result = verify(capsys, token)
    assert result["verdict"] == "invalid", result
    assert any("deltaHash is not the hash of its delta" in r for r in result["reasons"]), result["reasons"]


ETHR = "did:ethr:0x3c5a4a8b0f3f0bd1e9b0e4b0b1c0e6a1b2c3d4e5"


def ethr_document(key, did: str = ETHR) -> dict:
    return {"@context": ["https://www.w3.org/ns/did/v1"], "id": did,
            "verificationMethod": [{"id": f"{did}#controller", "type": "JsonWebKey2020", "controller": did,
                                    "publicKeyJwk": jwk_of(key)}],
            "assertionMethod": [f"{did}#controller"]}


def test_a_did_document_supplied_for_another_method_is_used(tmp_path, capsys) -> None:
    key = p256()
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(ETHR, key, f"{ETHR}#controller"))
    result = verify(capsys, token)
    assert result["verdict"] == "unverifiable"
    assert any("unsupported DID method: did:ethr (supply its DID document with --document" in r for r in result["reasons"])
    document = tmp_path / "did.json"
    document.write_text(json.dumps(ethr_document(key)))
    result = verify(capsys, token, f"--document={ETHR}={document}")
    assert result["verdict"] == "verified", result["reasons"]
    assert result["details"]["documents"][0]["source"] == "supplied"


@pytest.mark.parametrize("wrong", ["another-key", "another-did"])
def test_a_supplied_did_document_that_does_not_fit_is_not_verified(wrong, tmp_path, capsys) -> None:
    key = p256()
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(ETHR, key, f"{ETHR}#controller"))
    listed = ethr_document(p256()) if wrong == "another-key" else ethr_document(key, ETHR + "0")
    document = tmp_path / "did.json"
    document.write_text(json.dumps(listed))
    result = verify(capsys, token, f"--document={ETHR}={document}")
    assert result["verdict"] == "invalid", result


def test_a_did_document_kept_in_the_wallet_is_used_for_its_did(tmp_path, passphrase, capsys) -> None:
    from skillwallet import paths
    from skillwallet.store import Wallet

    Wallet.init(paths.wallet_home(), passphrase).close()
    key = p256()
    document = tmp_path / "did.json"
    document.write_text(json.dumps(ethr_document(key)))
    assert run(["documents", "add", ETHR, str(document)]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    token = tmp_path / "cred.jwt"
    token.write_text(vc_jwt(ETHR, key, f"{ETHR}#controller"))
    result = verify(capsys, token)
    assert result["verdict"] == "verified", result["reasons"]
    assert result["details"]["documents"][0]["source"] == "kept"


def test_a_malformed_did_is_refused_as_a_document_url(tmp_path, capsys) -> None:
    document = tmp_path / "did.json"
    document.write_text("{}")
    token = tmp_path / "cred.jwt"
    token.write_text("a.b.c")
    code = run(["verify", "--offline", f"--document=did:did:ethr:0x1={document}", str(token)])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.startswith("error: malformed DID 'did:did:ethr:0x1'"), err
