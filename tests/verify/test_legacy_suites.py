"""Ed25519Signature2018 and JsonWebSignature2020: published vectors verify; tampering, wrong keys, algorithm
confusion and loose JWS headers fail; the shared checks (purpose, undefined terms, issuer binding) apply."""

from __future__ import annotations

import base64
import copy
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from skillwallet.verify import data_integrity as di
from skillwallet.verify import jsonld, legacy_suites
from skillwallet.verify.base import BOUND, FAIL, PASS, UNKNOWN
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import credential_from_document, verify_credential

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
ISSUER_URL = "https://example.com/issuer/123"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def resolver_with(issuer_document: dict | bytes) -> DocumentResolver:
    content = issuer_document if isinstance(issuer_document, bytes) else json.dumps(issuer_document).encode()
    return DocumentResolver(offline=True, supplied={ISSUER_URL: content})


def ed2018():
    return load("ed25519-2018-vc.json"), resolver_with((FIXTURES / "ed25519-2018-issuer.json").read_bytes())


def jws2020():
    return load("jws-2020-vc.json"), resolver_with((FIXTURES / "jws-2020-issuer.json").read_bytes())


VECTORS = {"Ed25519Signature2018": ed2018, "JsonWebSignature2020": jws2020}


def verify(doc, resolver, issuer=ISSUER_URL, **kwargs):
    return di.verify_data_integrity_proofs(doc, resolver=resolver, issuer=issuer, **kwargs)


# --------------------------------------------------------------------------------------------------------
# published vectors


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_published_vector_verifies_and_binds_to_its_issuer(suite):
    doc, resolver = VECTORS[suite]()
    finding = verify(doc, resolver)
    assert finding.outcome == PASS, finding.reasons
    assert finding.binding == BOUND
    assert finding.details["checks"] == {
        "undefined_terms": PASS,
        "contexts": PASS,
        "proof_purpose": PASS,
        "issuer_binding": PASS,
    }
    assert finding.details["proofs"][0]["suite"] == suite


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_published_vector_verifies_through_the_credential_verifier(suite):
    doc, resolver = VECTORS[suite]()
    verdict = verify_credential(credential_from_document(doc), resolver=resolver, as_of=NOW)
    assert verdict.verdict == "verified", verdict.reasons
    assert verdict.checks["signature"] == PASS


@pytest.mark.parametrize("suite", sorted(VECTORS))
@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"]["degree"].__setitem__("name", "Doctor of Rocket Surgery"),
        lambda d: d.__setitem__("issuanceDate", "2020-03-11T04:24:12.164Z"),
        lambda d: d["proof"].__setitem__("created", "2019-12-12T03:50:55Z"),  # the proof options are signed too
        lambda d: d["credentialSubject"].__setitem__("id", "did:example:789"),
    ],
    ids=["subject", "issuance-date", "proof-created", "subject-id"],
)
def test_published_vector_tampered_fails(suite, tamper):
    doc, resolver = VECTORS[suite]()
    tamper(doc)
    finding = verify(doc, resolver)
    assert finding.outcome == FAIL
    assert "signature does not match" in " ".join(finding.reasons)


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_published_vector_with_a_flipped_signature_bit_fails(suite):
    doc, resolver = VECTORS[suite]()
    header, _, signature = doc["proof"]["jws"].split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[5] ^= 0x01
    doc["proof"]["jws"] = f"{header}..{b64url(bytes(raw))}"
    assert verify(doc, resolver).outcome == FAIL


def test_ed25519_2018_vector_with_another_key_in_the_issuer_document_fails():
    doc, _ = ed2018()
    issuer = load("ed25519-2018-issuer.json")
    import base58

    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    issuer["publicKey"][0]["publicKeyBase58"] = base58.b58encode(other).decode()
    finding = verify(doc, resolver_with(issuer))
    assert finding.outcome == FAIL
    assert "signature does not match" in " ".join(finding.reasons)


def test_jws2020_vector_with_another_key_in_the_issuer_document_fails():
    doc, _ = jws2020()
    issuer = load("jws-2020-issuer.json")
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    issuer["verificationMethod"][0]["publicKeyJwk"]["x"] = b64url(other)
    assert verify(doc, resolver_with(issuer)).outcome == FAIL


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_published_vector_verifies_offline_with_the_shipped_contexts(suite):
    """The examples context the vectors use imports ODRL, which ships with the package: the vector is checked
    offline with no network fetch."""
    doc, resolver = VECTORS[suite]()
    finding = verify(doc, resolver)
    assert finding.outcome == PASS, finding.reasons
    assert resolver.network_requests == 0


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_published_vector_with_an_unshipped_context_is_unverifiable(suite):
    """A context that is not shipped cannot be checked offline: unknown, never pass, and never a fetch."""
    doc, resolver = VECTORS[suite]()
    doc["@context"] = [*doc["@context"], "https://contexts.example/unpublished/v1"]
    finding = verify(doc, resolver)
    assert finding.outcome == UNKNOWN
    assert finding.unverifiable
    assert "https://contexts.example/unpublished/v1" in " ".join(finding.reasons)
    assert resolver.network_requests == 0


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_issuer_must_control_the_key(suite):
    doc, resolver = VECTORS[suite]()
    finding = verify(doc, resolver, issuer="https://another-issuer.example")
    assert finding.outcome == FAIL
    assert finding.details["checks"]["issuer_binding"] == FAIL


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_proof_purpose_is_enforced(suite):
    doc, resolver = VECTORS[suite]()
    finding = verify(doc, resolver, expected_purpose="authentication")
    assert finding.outcome == FAIL
    assert finding.details["checks"]["proof_purpose"] == FAIL


def test_a_key_not_listed_for_the_purpose_is_refused():
    doc, _ = jws2020()
    issuer = load("jws-2020-issuer.json")
    issuer["authentication"] = issuer.pop("assertionMethod")
    finding = verify(doc, resolver_with(issuer))
    assert finding.outcome == FAIL


def test_challenge_and_domain_are_enforced_when_expected():
    doc, resolver = ed2018()
    assert verify(doc, resolver, challenge="abc").outcome == FAIL
    doc, resolver = ed2018()
    assert verify(doc, resolver, domain="example.org").outcome == FAIL


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_a_property_the_context_does_not_define_fails(suite):
    doc, resolver = VECTORS[suite]()
    doc["credentialSubject"]["favouriteColour"] = "green"  # neither context defines it, no @vocab
    finding = verify(doc, resolver)
    assert finding.outcome == FAIL
    assert finding.details["checks"]["undefined_terms"] == FAIL


# --------------------------------------------------------------------------------------------------------
# JWS header strictness and algorithm confusion (on the published vectors: any refusal must come from the
# header check, not from the signature arithmetic)


def _with_header(doc: dict, header: dict, *, payload: str = "") -> dict:
    _, _, signature = doc["proof"]["jws"].split(".")
    doc = copy.deepcopy(doc)
    doc["proof"]["jws"] = f"{b64url(json.dumps(header, separators=(',', ':')).encode())}.{payload}.{signature}"
    return doc


@pytest.mark.parametrize("suite", sorted(VECTORS))
@pytest.mark.parametrize(
    "header, message",
    [
        ({"alg": "EdDSA"}, "b64"),
        ({"alg": "EdDSA", "b64": True, "crit": ["b64"]}, "b64"),
        ({"alg": "EdDSA", "b64": False}, "b64"),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64", "exp"]}, "b64"),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64"], "x5u": "https://evil.example/k"}, "do not define"),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64"], "kid": "https://evil.example/k#1"}, "another key"),
        ({"alg": "none", "b64": False, "crit": ["b64"]}, "does not allow"),
        ({"alg": "HS256", "b64": False, "crit": ["b64"]}, "does not allow"),
        ({"b64": False, "crit": ["b64"]}, "does not allow"),
    ],
)
def test_loose_or_foreign_jws_headers_are_refused(suite, header, message):
    doc, resolver = VECTORS[suite]()
    finding = verify(_with_header(doc, header), resolver)
    assert finding.outcome == FAIL
    assert message in " ".join(finding.reasons)


@pytest.mark.parametrize("suite", sorted(VECTORS))
def test_an_attached_payload_is_refused(suite):
    doc, resolver = VECTORS[suite]()
    header = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}
    finding = verify(_with_header(doc, header, payload="e30"), resolver)
    assert finding.outcome == FAIL
    assert "payload" in " ".join(finding.reasons)


@pytest.mark.parametrize("suite", sorted(VECTORS))
@pytest.mark.parametrize("jws", [None, 42, "", "abc", "a.b", "!!!..!!!", "e30..", "W10..AAAA"])
def test_malformed_jws_fails_cleanly(suite, jws):
    doc, resolver = VECTORS[suite]()
    doc["proof"]["jws"] = jws
    finding = verify(doc, resolver)
    assert finding.outcome == FAIL


def test_ed25519_2018_allows_only_eddsa():
    doc, resolver = ed2018()
    finding = verify(_with_header(doc, {"alg": "ES256", "b64": False, "crit": ["b64"]}), resolver)
    assert finding.outcome == FAIL
    assert "does not allow the JWS algorithm 'ES256'" in " ".join(finding.reasons)


def test_jws2020_alg_that_does_not_fit_the_key_is_refused_before_any_arithmetic():
    doc, resolver = jws2020()  # the key is Ed25519
    for alg in ("ES256", "ES384", "ES256K", "PS256", "RS256"):
        finding = verify(_with_header(doc, {"alg": alg, "b64": False, "crit": ["b64"]}), resolver)
        assert finding.outcome == FAIL
        assert "needs" in " ".join(finding.reasons), alg


def test_a_proof_carrying_a_proof_value_beside_its_jws_is_refused():
    doc, resolver = ed2018()
    doc["proof"]["proofValue"] = "z" + "1" * 60
    assert verify(doc, resolver).outcome == FAIL


# --------------------------------------------------------------------------------------------------------
# JsonWebSignature2020 with every algorithm the suite names, signed here with did:jwk keys (the suite's
# algorithm is standard JWS, RFC 7515/7518/7797; the published vectors above pin the hashing)

UNSIGNED = {
    "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/jws-2020/v1"],
    "id": "http://example.edu/credentials/3732",
    "type": ["VerifiableCredential"],
    "issuanceDate": "2010-01-01T19:23:24Z",
    "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
}


def _int_b64(value: int, size: int) -> str:
    return b64url(value.to_bytes(size, "big"))


def public_jwk(private_key) -> dict:
    public = private_key.public_key()
    if isinstance(private_key, Ed25519PrivateKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(public.public_bytes_raw())}
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        size = (private_key.curve.key_size + 7) // 8
        numbers = public.public_numbers()
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp256k1": "secp256k1"}[private_key.curve.name]
        return {"kty": "EC", "crv": crv, "x": _int_b64(numbers.x, size), "y": _int_b64(numbers.y, size)}
    numbers = public.public_numbers()
    return {"kty": "RSA", "n": _int_b64(numbers.n, (numbers.n.bit_length() + 7) // 8), "e": _int_b64(numbers.e, 3)}


def jws_sign(private_key, alg: str, signing_input: bytes) -> bytes:
    if alg == "EdDSA":
        return private_key.sign(signing_input)
    if alg in ("ES256", "ES384", "ES256K"):
        algorithm = hashes.SHA384() if alg == "ES384" else hashes.SHA256()
        r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(algorithm)))
        size = (private_key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg == "PS256":
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return private_key.sign(signing_input, pad, hashes.SHA256())
    return private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def sign_jws2020(private_key, alg: str, *, header: dict | None = None, document: dict | None = None) -> dict:
    """A JsonWebSignature2020 credential issued by the did:jwk of ``private_key`` (test-side signer)."""
    did = "did:jwk:" + b64url(json.dumps(public_jwk(private_key), separators=(",", ":")).encode())
    doc = copy.deepcopy(document or UNSIGNED)
    doc["issuer"] = did
    proof = {
        "type": "JsonWebSignature2020",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": f"{did}#0",
        "proofPurpose": "assertionMethod",
    }
    proof_options = dict(proof, **{"@context": doc["@context"]})
    verify_data = di.hash_data(proof_options, doc, "eddsa-rdfc-2022")  # SHA-256(options) || SHA-256(document)
    encoded_header = b64url(json.dumps(header or {"alg": alg, "b64": False, "crit": ["b64"]}).encode())
    signature = jws_sign(private_key, alg, encoded_header.encode("ascii") + b"." + verify_data)
    doc["proof"] = dict(proof, jws=f"{encoded_header}..{b64url(signature)}")
    return doc


KEYS = {
    "EdDSA": lambda: Ed25519PrivateKey.generate(),
    "ES256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ES384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "ES256K": lambda: ec.generate_private_key(ec.SECP256K1()),
    "PS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "RS256": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


@pytest.fixture(scope="module")
def keys():
    return {alg: make() for alg, make in KEYS.items()}


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_jws2020_every_algorithm_verifies_and_binds(alg, keys):
    doc = sign_jws2020(keys[alg], alg)
    finding = verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"])
    assert finding.outcome == PASS, finding.reasons
    assert finding.binding == BOUND


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_jws2020_every_algorithm_tampered_fails(alg, keys):
    doc = sign_jws2020(keys[alg], alg)
    doc["credentialSubject"]["id"] = "did:example:someone-else"
    assert verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"]).outcome == FAIL


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_jws2020_signature_by_another_key_of_the_same_kind_fails(alg, keys):
    doc = sign_jws2020(keys[alg], alg)
    forged = sign_jws2020(KEYS[alg](), alg)
    doc["proof"]["jws"] = forged["proof"]["jws"]  # a valid signature, by a key the issuer does not hold
    assert verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"]).outcome == FAIL


@pytest.mark.parametrize(
    "key_alg, claimed_alg",
    [("EdDSA", "ES256"), ("ES256", "EdDSA"), ("ES256", "ES384"), ("ES384", "ES256"), ("ES256", "ES256K"),
     ("ES256K", "ES256"), ("PS256", "ES256"), ("ES256", "PS256"), ("EdDSA", "RS256")],
)
def test_jws2020_alg_confusion_fails(key_alg, claimed_alg, keys):
    """The header names another algorithm than the key's: refused, whatever the signature bytes are."""
    doc = sign_jws2020(keys[key_alg], key_alg, header={"alg": claimed_alg, "b64": False, "crit": ["b64"]})
    finding = verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"])
    assert finding.outcome == FAIL
    assert "needs" in " ".join(finding.reasons)


def test_jws2020_ecdsa_signature_in_der_form_is_refused(keys):
    """RFC 7518 §3.4: the JWS signature is r||s; a DER signature is another encoding and must not verify."""
    doc = sign_jws2020(keys["ES256"], "ES256")
    header = doc["proof"]["jws"].split(".")[0]
    proof_options = {k: v for k, v in doc["proof"].items() if k != "jws"}
    proof_options["@context"] = doc["@context"]
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    data = header.encode() + b"." + di.hash_data(proof_options, unsecured, "eddsa-rdfc-2022")
    der = keys["ES256"].sign(data, ec.ECDSA(hashes.SHA256()))
    doc["proof"]["jws"] = f"{header}..{b64url(der)}"
    assert verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"]).outcome == FAIL


def test_jws2020_rsa_key_under_2048_bits_is_refused():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    doc = sign_jws2020(small, "PS256")
    finding = verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"])
    assert finding.outcome == FAIL
    assert "2048" in " ".join(finding.reasons)


def test_jws2020_rsa_pss_and_pkcs1_are_not_interchangeable(keys):
    doc = sign_jws2020(keys["PS256"], "RS256", header={"alg": "PS256", "b64": False, "crit": ["b64"]})
    assert verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"]).outcome == FAIL


def test_ed25519_2018_signed_with_a_did_key_verifies_in_a_proof_set_with_a_data_integrity_proof(keys):
    """A legacy proof and a current one on the same document: both are checked, both must pass."""
    from skillwallet.verify.keys import did_key_from_public_key

    key = keys["EdDSA"]
    did = did_key_from_public_key(key.public_key())
    doc = copy.deepcopy(UNSIGNED)
    doc["@context"] = ["https://www.w3.org/2018/credentials/v1"]  # defines Ed25519Signature2018 itself
    doc["issuer"] = did
    proof = {
        "type": "Ed25519Signature2018",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": f"{did}#{did.split(':')[-1]}",
        "proofPurpose": "assertionMethod",
    }
    verify_data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, "eddsa-rdfc-2022")
    header = b64url(b'{"alg":"EdDSA","b64":false,"crit":["b64"]}')
    legacy = dict(proof, jws=f"{header}..{b64url(key.sign(header.encode() + b'.' + verify_data))}")
    signed = di.sign_data_integrity(doc, key, proof["verificationMethod"])
    signed["proof"] = [legacy, signed["proof"]]
    finding = verify(signed, DocumentResolver(offline=True), issuer=did)
    assert finding.outcome == PASS, finding.reasons
    assert [p["suite"] for p in finding.details["proofs"]] == ["Ed25519Signature2018", "eddsa-rdfc-2022"]
    signed["proof"][0]["created"] = "2024-01-02T00:00:00Z"
    assert verify(signed, DocumentResolver(offline=True), issuer=did).outcome == FAIL


def test_legacy_types_are_the_ones_dispatched():
    assert legacy_suites.LEGACY_PROOF_TYPES == {"Ed25519Signature2018", "JsonWebSignature2020"}
    assert legacy_suites.SUITE_ALGORITHMS["Ed25519Signature2018"] == {"EdDSA"}


def test_canonical_cache_is_shared_and_a_cache_hit_gives_the_same_result():
    doc, resolver = jws2020()
    cache: dict[str, str] = {}
    assert verify(doc, resolver, canonical_cache=cache).outcome == PASS
    assert len(cache) == 1
    assert verify(doc, resolver, canonical_cache=cache).outcome == PASS
    tampered = copy.deepcopy(doc)
    tampered["credentialSubject"]["degree"]["name"] = "Forged"
    assert verify(tampered, resolver, canonical_cache=cache).outcome == FAIL
    # every cached value is the 64-byte hash data of one document
    assert all(len(bytes.fromhex(v)) == 64 for v in cache.values())


@pytest.mark.parametrize("ptype", [[], ["Ed25519Signature2018"], {"x": 1}, 5, None])
def test_a_proof_type_that_is_not_a_string_is_not_dispatched_and_never_passes(ptype):
    assert not legacy_suites.is_legacy_proof({"type": ptype})
    doc = sign_jws2020(Ed25519PrivateKey.generate(), "EdDSA")
    doc["proof"]["type"] = ptype
    finding = verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"])
    assert finding.outcome != PASS


# --------------------------------------------------------------------------------------------------------
# through the CLI (`skillwallet verify FILE`)


def _run_json(capsys, args):
    from skillwallet.cli.app import run

    code = run(args + ["--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "PS256"])
def test_cli_verifies_a_jws2020_credential_and_rejects_it_tampered(alg, keys, tmp_path, capsys):
    from skillwallet.errors import ExitCode

    doc = sign_jws2020(keys[alg], alg)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = _run_json(capsys, ["verify", str(good), "--offline"])
    assert code == 0, err
    assert out["results"][0]["verdict"] == "verified"
    assert out["results"][0]["checks"]["issuer_binding"] == PASS

    doc["credentialSubject"]["id"] = "did:example:mallory"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = _run_json(capsys, ["verify", str(bad), "--offline"])
    assert code == ExitCode.NOT_VERIFIED
    assert out["results"][0]["verdict"] == "invalid"
    assert "Traceback" not in err


def test_cli_published_jws2020_vector_with_its_issuer_document_verifies(tmp_path, capsys):
    """Through the CLI, offline: the vector's contexts (the VC 1.1 examples context and the ODRL context it
    imports) are shipped, and its issuer document is supplied, so the credential is verified."""
    from skillwallet.errors import ExitCode

    vc = tmp_path / "vc.json"
    vc.write_bytes((FIXTURES / "jws-2020-vc.json").read_bytes())
    code, out, _ = _run_json(
        capsys,
        ["verify", str(vc), "--offline", "--document", f"{ISSUER_URL}={FIXTURES / 'jws-2020-issuer.json'}"],
    )
    assert out["results"][0]["verdict"] == "verified", out["results"][0]
    assert out["results"][0]["checks"]["signature"] == "pass"


def test_jws2020_kid_naming_the_verification_method_is_accepted(keys):
    """Issuers such as Nuts put the verification method in the JWS header as kid: signed, consistent, fine."""
    key = keys["ES256"]
    did = "did:jwk:" + b64url(json.dumps(public_jwk(key), separators=(",", ":")).encode())
    header = {"alg": "ES256", "b64": False, "crit": ["b64"], "kid": f"{did}#0"}
    doc = sign_jws2020(key, "ES256", header=header)
    finding = verify(doc, DocumentResolver(offline=True), issuer=doc["issuer"])
    assert finding.outcome == PASS, finding.reasons
    other = sign_jws2020(key, "ES256", header=dict(header, kid=f"{did}#1"))
    assert verify(other, DocumentResolver(offline=True), issuer=other["issuer"]).outcome == FAIL


def test_published_vc11_examples_credential_verifies_through_the_installed_cli_with_nothing_supplied(tmp_path):
    """`skillwallet verify FILE` in a process of its own (no test loader, no patched module): the VC 1.1
    examples context and the ODRL context it imports are both shipped, the key is a did:key, so a published
    Ed25519Signature2018 credential is verified offline as is; one word changed and it is invalid."""
    import os
    import subprocess
    import sys

    published = (FIXTURES / "ed25519-2018-didkey-examples-v1.json").read_text(encoding="utf-8")
    (tmp_path / "degree.json").write_text(published, encoding="utf-8")
    tampered = json.loads(published)
    tampered["credentialSubject"]["degree"]["name"] = "Doctor of Science and Arts"
    (tmp_path / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")

    def cli(name: str) -> tuple[int, dict]:
        done = subprocess.run(
            [sys.executable, "-m", "skillwallet", "verify", "--json", name], cwd=tmp_path, env=dict(os.environ),
            capture_output=True, text=True, timeout=120,
        )
        return done.returncode, json.loads(done.stdout)["results"][0]

    code, result = cli("degree.json")
    assert (code, result["verdict"]) == (0, "verified"), result
    assert result["checks"]["contexts"] == "pass" and result["details"]["documents"] == []
    code, result = cli("tampered.json")
    assert code != 0 and result["verdict"] == "invalid", result
