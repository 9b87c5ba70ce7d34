"""Verdicts that tell the truth about support: formats, proof suites and DIDs skillwallet cannot check are
``unverifiable`` with the reason; ``invalid`` is kept for a check that ran and failed.

The Blockcerts documents below carry the Merkle receipts of published cert-verifier-js test fixtures
(test/fixtures/v1/testnet-no-issuer-profile-1.2.json at 30dbf8f, test/fixtures/v2/mocknet-valid-2.0.json at
410db60), value for value, with their embedded PNG images and most display fields left out (24 KB and 120 KB of
base64): the receipts are what is checked. The JAdES seals are made here with fresh keys and a chain made in
the test (tests/verify/x509_helpers.py): the published Europass samples are 350 KB files whose trust anchor is
not published with them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_jose_helpers import make_jws, sign_bytes
from x509_helpers import certificate, der_b64, p256, pki

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.verify.keys import b64url_encode

AS_OF = "2026-06-01"

BLOCKCERTS_12 = {
    "document": {
        "certificate": {
            "type": "Certificate",
            "name": "Game of thrones character",
            "issuer": {"type": "Issuer", "url": "http://www.blockcerts.org/mockissuer/", "name": "Game of thrones issuer"},
        },
        "assertion": {
            "type": "Assertion",
            "uid": "f813349f-1385-487f-8d89-38a092411fa5",
            "id": "http://certificates.gamoeofthronesxyz.org/f813349f-1385-487f-8d89-38a092411fa5",
            "issuedOn": "2016-09-29",
            "expires": "2016-10-02T19:20:30.45+01:00",
        },
        "recipient": {"type": "email", "identity": "arya@starks.example", "hashed": False},
    },
    "type": "BlockchainCertificate",
    "receipt": {
        "proof": [{"left": "7d06aaa8230b368b458f47b01e78f27f702614f258beead2e7ef5cf0a8d88217"}],
        "type": "ChainpointSHA256v2",
        "@context": "https://w3id.org/chainpoint/v2",
        "merkleRoot": "2ccf4b24fe14efff27064303b153d382bb981a6481742d75d81afdc7a354eda1",
        "targetHash": "174d1fba868f445e53aa10d19c9aea0df50d55ecc88c4a55390b8608a6734f54",
        "anchors": [{"sourceId": "b8d3525124aa9417e22e2723f85073de8ef08719e7c47c62fcdccd12667b29e6", "type": "BTCOpReturn"}],
    },
    "@context": "https://w3id.org/blockcerts/v1",
}

BLOCKCERTS_2 = {
    "@context": ["https://w3id.org/openbadges/v2", "https://w3id.org/blockcerts/v2"],
    "id": "urn:uuid:bbba8553-8ec1-445f-82c9-a57251dd731c",
    "type": "Assertion",
    "recipient": {"hashed": False, "type": "email", "identity": "eularia@landroth.org"},
    "issuedOn": "2017-06-29T14:58:57.461422+00:00",
    "verification": {"publicKey": "ecdsa-koblitz-pubkey:msBCHdwaQ7N2ypBYupkp6uNxtr9Pg76imj", "type": ["MerkleProofVerification2017", "Extension"]},
    "signature": {
        "targetHash": "637ec732fa4b7b56f4c15a6a12680519a17a9e9eade09f5b424a48eb0e6f5ad0",
        "merkleRoot": "7055384e03b0cc185524a09ff07e8fe42f3aa604d93cccfdff7997b1b0666f14",
        "anchors": [{"type": "Mock", "sourceId": "This has not been issued on a blockchain and is for testing only", "chain": "mockchain"}],
        "type": ["MerkleProof2017", "Extension"],
        "proof": [{"right": "8a3edd46d3d48bf293229a47ed932b6ff29bb9a53afecbe8c606b18bbee690f1"}],
    },
    "badge": {
        "type": "BadgeClass",
        "id": "urn:uuid:82a4c9f2-3588-457b-80ea-da695571b8fc",
        "name": "Certificate of Accomplishment",
        "description": "Lorem ipsum dolor sit amet",
        "criteria": {"narrative": "Nibh iriure ei nam"},
        "issuer": {
            "id": "https://www.blockcerts.org/samples/2.0/issuer-testnet.json",
            "type": "Profile",
            "name": "University of Learning",
            "url": "https://www.issuer.org",
            "email": "contact@issuer.org",
        },
    },
}


def verify(capsys, path: Path, *extra: str) -> tuple[int, dict]:
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, *extra, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0]


def write_json(tmp_path: Path, name: str, document: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    return path


@pytest.mark.parametrize(("document", "version"), [(BLOCKCERTS_2, "2")])
def test_blockcerts_is_unverifiable_with_its_merkle_path_checked(document, version, tmp_path, capsys) -> None:
    code, result = verify(capsys, write_json(tmp_path, "cert.json", document))
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["merkle_path"] == "pass"
    # the Open Badges 2.0 context Blockcerts 2 certificates name is not shipped: the hash cannot be recomputed
    assert result["checks"]["target_hash"] == "unknown" and result["checks"]["anchor"] == "unknown"
    assert any("context not available offline: https://w3id.org/openbadges/v2" in r for r in result["reasons"])
    assert "format" not in result["checks"]
    assert any(f"Blockcerts {version}" in r and "checked offline" in r for r in result["reasons"]), result["reasons"]
    assert any(r.startswith("not checked: that merkleRoot is anchored (") for r in result["reasons"])
    assert result["checks"]["status"] == "unknown"  # the issuer's revocation list is not checked offline
    assert code != ExitCode.OK


def test_blockcerts_12_is_read_with_its_title_and_issuer(tmp_path, capsys) -> None:
    _, result = verify(capsys, write_json(tmp_path, "cert.json", BLOCKCERTS_12))
    assert result["title"] == "Game of thrones character"


def test_an_abridged_blockcerts_12_certificate_is_invalid_by_its_hash(tmp_path, capsys) -> None:
    # BLOCKCERTS_12 keeps the published receipt but leaves out the images and display fields it was issued with:
    # its Merkle path still reaches the root, its own hash is no longer the receipt's targetHash
    _, result = verify(capsys, write_json(tmp_path, "cert.json", BLOCKCERTS_12))
    assert result["verdict"] == "invalid", result
    assert result["checks"]["merkle_path"] == "pass" and result["checks"]["target_hash"] == "fail"
    assert any("is not the targetHash 174d1fba868f445e" in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize(("document", "where"), [(BLOCKCERTS_12, "receipt"), (BLOCKCERTS_2, "signature")])
def test_a_merkle_path_that_does_not_reach_the_root_is_invalid(document, where, tmp_path, capsys) -> None:
    forged = json.loads(json.dumps(document))
    forged[where]["targetHash"] = "00" * 32  # a forger's certificate hash under the published root
    _, result = verify(capsys, write_json(tmp_path, "cert.json", forged))
    assert result["verdict"] == "invalid", result
    assert result["checks"]["merkle_path"] == "fail"
    assert any("does not lead from targetHash" in r for r in result["reasons"]), result["reasons"]


def test_ob1_hosted_assertion_is_unverifiable_not_unsigned(tmp_path, capsys) -> None:
    # The OB 1.0 hosted-assertion shape (uid, verify.type hosted, verify.url) of the 1.0 specification
    assertion = {
        "uid": "123abc",
        "recipient": {"identity": "test@example.com", "hashed": False, "type": "email"},
        "badge": "https://a.example/badgeclass",
        "issuedOn": "2015-04-30",
        "verify": {"type": "hosted", "url": "https://a.example/instance"},
    }
    _, result = verify(capsys, write_json(tmp_path, "assertion.json", assertion))
    assert result["verdict"] == "unverifiable", result
    assert any("hosted assertion (to be fetched from https://a.example/instance)" in r for r in result["reasons"])


def _vc_jwt(kid: str, key) -> str:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": kid.split("#")[0],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ada"},
    }
    return make_jws({"alg": "ES256", "kid": kid}, {"iss": kid.split("#")[0], "vc": vc}, key)


def test_a_malformed_did_is_reported_as_malformed(tmp_path, capsys) -> None:
    token = tmp_path / "cred.jwt"
    token.write_text(_vc_jwt("did:did:ethr:0x3c5a4a8B0F3f0bD1e9B0e4b0B1C0e6A1b2C3d4E5#controller", p256()))
    _, result = verify(capsys, token)
    assert result["verdict"] == "invalid", result
    assert any("malformed DID 'did:did:ethr:" in r and "repeated" in r for r in result["reasons"]), result["reasons"]
    assert not any("unsupported DID method" in r for r in result["reasons"])


def test_an_unsupported_did_method_is_unverifiable_with_its_name(tmp_path, capsys) -> None:
    token = tmp_path / "cred.jwt"
    token.write_text(_vc_jwt("did:ethr:0x3c5a4a8B0F3f0bD1e9B0e4b0B1C0e6A1b2C3d4E5#controller", p256()))
    _, result = verify(capsys, token)
    assert result["verdict"] == "unverifiable", result
    assert any("unsupported DID method: did:ethr" in r for r in result["reasons"]), result["reasons"]


# ---- JAdES (Europass EDC) ------------------------------------------------------------------------------

EDC = {
    "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
    "id": "urn:credential:7e1c9a4e-0d5b-4c4c-9a55-1f9f6b2f0c11",
    "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
    "issuer": {"id": "urn:epass:org:1", "type": "Organisation", "legalName": {"en": "Test University", "sl": "Testna univerza"}},
    "issuanceDate": "2025-03-20T10:00:00Z",
    "credentialSubject": {
        "id": "urn:epass:person:1",
        "type": "Person",
        "fullName": {"en": "Joe Doe"},
        "hasClaim": {
            "id": "urn:epass:learningAchievement:1",
            "type": "LearningAchievement",
            "title": {"en": "Data Science Fundamentals"},
            "specifiedBy": {
                "id": "urn:epass:qualification:1",
                "type": "Qualification",
                "title": {"en": "Data Science Fundamentals"},
                "creditPoint": [{"id": "urn:epass:creditPoint:1", "type": "CreditPoint",
                                 "framework": {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                                               "type": "Concept", "prefLabel": {"en": "European Credit Transfer System"}},
                                 "point": "5"}],
                "learningOutcome": [
                    {"id": "urn:epass:learningOutcome:1", "type": "LearningOutcome", "title": {"en": "use Python for data analysis"},
                     "relatedESCOSkill": [{"id": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d", "type": "Concept"}]},
                    {"id": "urn:epass:learningOutcome:2", "type": "LearningOutcome", "title": {"en": "present statistical findings"}},
                ],
            },
        },
    },
    "displayParameter": {"id": "urn:epass:displayParameter:1", "type": "DisplayParameter", "title": {"en": "Certificate in Data Science"}},
}


def jades(payload: dict, chain_x5c: list[str], key, *, b64: bool = False) -> dict:
    header = {"alg": "ES256", "typ": "jose+json", "x5c": chain_x5c, "sigT": "2025-03-20T10:00:00Z",
              "crit": ["sigT"] if b64 else ["b64", "sigT"]}
    if not b64:
        header["b64"] = False
    protected = b64url_encode(json.dumps(header).encode())
    text = json.dumps(payload, separators=(",", ":"))
    segment = b64url_encode(text.encode()) if b64 else text
    signature = sign_bytes("ES256", key, f"{protected}.{segment}".encode())
    return {"payload": segment, "signatures": [{"protected": protected, "signature": b64url_encode(signature)}]}


def edc_pki(organisation: str = "Test University", *, leaf_days: int = 3650):
    from x509_helpers import name

    chain = pki("https://university.example", leaf_days=leaf_days)
    leaf = certificate("Test University seal", chain.leaf_key, "Test Issuing CA", chain.intermediate_key, ca=False,
                       days=leaf_days)
    # the seal certificate names the organisation (as a qualified seal certificate does)
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    builder = (
        cx509.CertificateBuilder()
        .subject_name(cx509.Name([cx509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                                  cx509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} seal")]))
        .issuer_name(name("Test Issuing CA"))
        .public_key(chain.leaf_key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(leaf.not_valid_before_utc)
        .not_valid_after(leaf.not_valid_after_utc)
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    chain.leaf = builder.sign(chain.intermediate_key, hashes.SHA256())
    return chain


@pytest.mark.parametrize("b64", [False, True])
def test_a_jades_sealed_edc_is_verified_with_its_anchor(b64, tmp_path, capsys) -> None:
    chain = edc_pki()
    sealed = write_json(tmp_path, "edc.jsonld", jades(EDC, chain.x5c, chain.leaf_key, b64=b64))
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    code, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "verified", result["reasons"]
    assert result["title"] == "Certificate in Data Science"
    assert code == ExitCode.OK
    _, result = verify(capsys, sealed)
    assert result["verdict"] == "unverifiable"
    assert any("O=Test University" in r and "trust anchor" in r for r in result["reasons"]), result["reasons"]


def test_an_edc_is_imported_with_its_fields(tmp_path, passphrase, capsys) -> None:
    from skillwallet import paths
    from skillwallet.store import Wallet

    Wallet.init(paths.wallet_home(), passphrase).close()
    chain = edc_pki()
    sealed = write_json(tmp_path, "edc.jsonld", jades(EDC, chain.x5c, chain.leaf_key))
    assert run(["add", "--offline", str(sealed)]) == ExitCode.OK, capsys.readouterr().err
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = wallet.list_credentials()
    cred = stored.credential
    assert cred.format == "edc" and cred.title == "Certificate in Data Science"
    assert cred.issuer.name == "Test University" and cred.recipient == "Joe Doe"
    assert [(s.name, s.code) for s in cred.skills] == [
        ("use Python for data analysis", "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"),
        ("present statistical findings", None),
    ]
    assert cred.credits == 5.0 and cred.extra["credit_unit"] == "European Credit Transfer System"
    assert cred.issued.isoformat().startswith("2025-03-20")
    assert stored.verdict.verdict == "unverifiable"


def test_a_jades_payload_changed_after_sealing_is_invalid(tmp_path, capsys) -> None:
    chain = edc_pki()
    envelope = jades(EDC, chain.x5c, chain.leaf_key)
    envelope["payload"] = envelope["payload"].replace("Certificate in Data Science", "Doctorate in Data Science")
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    _, result = verify(capsys, write_json(tmp_path, "edc.jsonld", envelope), "--trust-anchor", str(root))
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_a_jades_seal_of_another_organisation_is_not_verified(tmp_path, capsys) -> None:
    chain = edc_pki("Some Other Company")  # anchored, but not the named issuer's seal
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    _, result = verify(capsys, write_json(tmp_path, "edc.jsonld", jades(EDC, chain.x5c, chain.leaf_key)), "--trust-anchor", str(root))
    assert result["verdict"] == "unverifiable", result
    assert any("not issued to the credential's issuer" in r for r in result["reasons"]), result["reasons"]


def test_a_jades_seal_from_an_attackers_ca_is_not_verified(tmp_path, capsys) -> None:
    genuine, attacker = edc_pki(), edc_pki()
    root = tmp_path / "root.pem"
    root.write_bytes(genuine.root_pem())
    sealed = write_json(tmp_path, "edc.jsonld", jades(EDC, attacker.x5c, attacker.leaf_key))
    _, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "unverifiable", result


def test_a_jades_chain_whose_leaf_the_intermediate_did_not_sign_is_invalid(tmp_path, capsys) -> None:
    chain = edc_pki()
    key = p256()
    forged_leaf = certificate("Test University seal", key, "Test Issuing CA", p256(), ca=False)
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    envelope = jades(EDC, [der_b64(forged_leaf), der_b64(chain.intermediate)], key)
    _, result = verify(capsys, write_json(tmp_path, "edc.jsonld", envelope), "--trust-anchor", str(root))
    assert result["verdict"] == "invalid", result


def test_a_jades_seal_whose_certificate_expired_is_unverifiable_not_invalid(tmp_path, capsys) -> None:
    # EN 319 102-1 OUT_OF_BOUNDS_NO_POE: a diploma sealed while the seal certificate was valid stays genuine
    # after it expires, but without a time-stamp nothing proves when the seal was made
    chain = edc_pki(leaf_days=365)  # 2025-01-01 to 2026-01-01; AS_OF is 2026-06-01
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    sealed = write_json(tmp_path, "edc.jsonld", jades(EDC, chain.x5c, chain.leaf_key))
    code, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    assert any(
        "the JAdES signature is valid with the key of CN=Test University seal,O=Test University, but the certificate "
        "CN=Test University seal,O=Test University is not valid at 2026-06-01 (valid 2025-01-01 to 2026-01-01): "
        "no time-stamp proves the seal was made before 2026-01-01" in r for r in result["reasons"]
    ), result["reasons"]
    assert code != ExitCode.OK


def test_a_jades_seal_by_another_key_under_an_expired_certificate_is_still_invalid(tmp_path, capsys) -> None:
    chain = edc_pki(leaf_days=365)
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    sealed = write_json(tmp_path, "edc.jsonld", jades(EDC, chain.x5c, p256()))
    _, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_a_jades_critical_header_not_understood_is_unverifiable(tmp_path, capsys) -> None:
    chain = edc_pki()
    header = {"alg": "ES256", "x5c": chain.x5c, "sigD": {"mId": "http://uri.etsi.org/19182/ObjectIdByURI"}, "crit": ["sigD"]}
    protected = b64url_encode(json.dumps(header).encode())
    text = json.dumps(EDC)
    signature = sign_bytes("ES256", chain.leaf_key, f"{protected}.{text}".encode())
    envelope = {"payload": text, "signatures": [{"protected": protected, "signature": b64url_encode(signature)}]}
    _, result = verify(capsys, write_json(tmp_path, "edc.jsonld", envelope))
    assert result["verdict"] == "unverifiable", result
    assert any("critical header sigD is not supported" in r for r in result["reasons"]), result["reasons"]


def test_a_jwt_carrying_its_own_jwk_is_self_asserted(tmp_path, capsys) -> None:
    # whoever made the token put the key beside it: the signature checks, nothing binds the key to the issuer
    key = p256()
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
           "y": b64url_encode(numbers.y.to_bytes(32, "big"))}
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "issuer": "https://issuer.example", "issuanceDate": "2025-01-01T00:00:00Z",
          "credentialSubject": {"id": "did:example:ada"}}
    token = tmp_path / "cred.jwt"
    token.write_text(make_jws({"alg": "ES256", "jwk": jwk}, {"iss": "https://issuer.example", "vc": vc}, key))
    _, result = verify(capsys, token)
    assert result["verdict"] == "self-asserted", result
    assert result["checks"]["issuer_binding"] == "self-asserted"


@pytest.mark.parametrize("shape", ["vc+jwt", "sd-jwt", "kid-beside-jwk"])
def test_every_jwt_shape_carrying_only_its_own_jwk_is_self_asserted(shape, tmp_path, capsys) -> None:
    """README "Verdicts": a JWS header ``jwk`` with nothing else binding it to the issuer is self-asserted, in the
    VC-JOSE-COSE and SD-JWT VC shapes too, and a ``kid`` that names nothing resolvable adds no binding. The same key
    named by the issuer's own did:key is the issuer's, and verified."""
    from skillwallet.verify.keys import did_key_from_public_key, public_jwk

    key = p256()
    jwk = public_jwk(key.public_key())
    issuer = "https://issuer.example"
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": issuer,
          "validFrom": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:ada"}}
    if shape == "vc+jwt":
        text = make_jws({"alg": "ES256", "typ": "vc+jwt", "jwk": jwk}, vc, key)
    elif shape == "sd-jwt":
        claims = {"iss": issuer, "vct": "https://issuer.example/types/badge", "_sd": [], "_sd_alg": "sha-256"}
        text = make_jws({"alg": "ES256", "typ": "dc+sd-jwt", "jwk": jwk}, claims, key) + "~"
    else:
        text = make_jws({"alg": "ES256", "typ": "vc+jwt", "kid": "#key-1", "jwk": jwk}, vc, key)
    token = tmp_path / "cred.jwt"
    token.write_text(text)
    _, result = verify(capsys, token)
    assert (result["verdict"], result["checks"]["issuer_binding"]) == ("self-asserted", "self-asserted"), result
    assert any("only asserted by the credential itself" in r for r in result["reasons"]), result

    if shape == "vc+jwt":  # the control: the issuer's own DID names that key
        bound = dict(vc, issuer=did_key_from_public_key(key.public_key()))
        token.write_text(make_jws({"alg": "ES256", "typ": "vc+jwt", "jwk": jwk}, bound, key))
        _, result = verify(capsys, token)
        assert result["verdict"] == "verified", result


def test_a_merkleproof2019_whose_path_was_altered_is_invalid(tmp_path, capsys) -> None:
    from skillwallet.verify.keys import multibase_decode, multibase_encode

    published = Path(__file__).parents[1] / "interop" / "fixtures" / "blockcerts" / "testnet-v3-did.json"
    document = json.loads(published.read_text())
    raw = multibase_decode(document["proof"]["proofValue"])
    sibling = b"78e670a04db3cf419fff5fb1b11a420a34e5eeae14cc68476dcb84883b5cdb64"  # the path's one left sibling
    assert raw.count(sibling) == 1
    document["proof"]["proofValue"] = multibase_encode(raw.replace(sibling, b"0" * 64))
    _, result = verify(capsys, write_json(tmp_path, "cert.json", document))
    assert result["verdict"] == "invalid", result
    assert result["checks"]["merkle_path"] == "fail"


@pytest.mark.parametrize("named", [
    {"legalName": {"en": "Test University", "fr": "Attacker Org"}},  # the seal's name in another language
    {"legalName": {"en": "Test University"}, "name": "Attacker Org"},  # the seal's name beside the shown one
    {"name": "Attacker Org", "prefLabel": {"en": "Test University"}},  # shown from prefLabel, bound through name
])
def test_a_jades_seal_bound_to_a_name_the_wallet_does_not_show_is_not_verified(named, tmp_path, capsys, passphrase) -> None:
    """ETSI TS 119 182-1 binds a seal to the organisation its certificate names: the name the wallet shows as the
    issuer must be that one. An anchored seal of "Attacker Org" over a credential shown as issued by "Test
    University" (the attacker's name hidden in another language or another field) is someone else's seal."""
    from skillwallet import paths
    from skillwallet.store import Wallet

    attacker = edc_pki("Attacker Org")
    root = tmp_path / "root.pem"
    root.write_bytes(attacker.root_pem())
    edc = dict(EDC, issuer={"id": "urn:epass:org:1", "type": "Organisation", **named})
    sealed = write_json(tmp_path, "edc.jsonld", jades(edc, attacker.x5c, attacker.leaf_key))
    _, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "unverifiable", result
    assert any("Attacker Org" in r and "Test University" in r for r in result["reasons"]), result["reasons"]
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["add", "--offline", "--trust-anchor", str(root), str(sealed)]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    assert run(["verify", "--all", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root)]) != ExitCode.OK
    (stored,) = json.loads(capsys.readouterr().out)["results"]
    assert stored["verdict"] == "unverifiable", stored
    assert run(["list", "--json"]) == ExitCode.OK
    (listed,) = json.loads(capsys.readouterr().out)["credentials"]
    assert (listed["issuer"], listed["verdict"]) == ("Test University", "unverifiable"), listed


def test_a_jades_seal_whose_certificate_names_the_shown_issuer_in_its_own_language_is_verified(tmp_path, capsys, passphrase) -> None:
    # the genuine case the rule keeps: a multilingual legalName whose shown (English) text is the seal's name,
    # checked from the file and as stored
    from skillwallet import paths
    from skillwallet.store import Wallet

    chain = edc_pki("Test University")
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    edc = dict(EDC, issuer={"id": "urn:epass:org:1", "type": "Organisation",
                            "legalName": {"sl": "Testna univerza", "en": "Test  University"}})
    sealed = write_json(tmp_path, "edc.jsonld", jades(edc, chain.x5c, chain.leaf_key))
    _, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == "verified", result["reasons"]
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["add", "--offline", "--trust-anchor", str(root), str(sealed)]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    assert run(["verify", "--all", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root)]) == ExitCode.OK
    (stored,) = json.loads(capsys.readouterr().out)["results"]
    assert stored["verdict"] == "verified", stored["reasons"]


def sealed_with(chain, protected: dict, unprotected: dict | None, payload: dict = EDC) -> dict:
    """A JAdES seal by ``chain``'s leaf key with the given protected and unprotected header parameters."""
    header = {"alg": "ES256", "b64": False, "crit": ["b64"], **protected}
    segment = b64url_encode(json.dumps(header).encode())
    text = json.dumps(payload, separators=(",", ":"))
    entry = {"protected": segment, "signature": b64url_encode(sign_bytes("ES256", chain.leaf_key, f"{segment}.{text}".encode()))}
    if unprotected is not None:
        entry["header"] = unprotected
    return {"payload": text, "signatures": [entry]}


def thumbprint(certificate_, alg: str = "sha256") -> str:
    import hashlib

    from cryptography.hazmat.primitives.serialization import Encoding

    return b64url_encode(hashlib.new(alg, certificate_.public_bytes(Encoding.DER)).digest())


@pytest.mark.parametrize(("where", "expected"), [
    ("unprotected x5c, no reference", "unverifiable"),  # nothing signed says which certificate sealed it
    ("unprotected x5c, x5t#S256 of another certificate", "invalid"),
    ("protected x5c, x5t#S256 of another certificate", "invalid"),
    ("unprotected x5c, x5t#o of another certificate", "invalid"),
    ("unprotected x5c, x5t#S256 of the leaf", "verified"),
    ("unprotected x5c, x5t#o of the leaf", "verified"),
    ("unprotected x5c, sigX5ts naming the leaf", "verified"),
])
def test_the_sealing_certificate_is_the_one_the_signed_header_names(where, expected, tmp_path, capsys) -> None:
    """JAdES (ETSI TS 119 182-1 §5.1.7, §5.1.8, §5.2.2) protects the signing certificate: the x5c in the signed
    header, or a signed reference to it (x5t#S256 of RFC 7515 §4.1.8, x5t#o, sigX5ts). An x5c left in the unsigned
    header can be swapped by anyone for another certificate of the same key; a signed reference that names
    another certificate than the leaf used says the seal is not what it claims."""
    chain, other = edc_pki(), edc_pki()
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    leaf = {"x5t#S256": thumbprint(chain.leaf)}
    parameters = {
        "unprotected x5c, no reference": ({}, {"x5c": chain.x5c}),
        "unprotected x5c, x5t#S256 of another certificate": ({"x5t#S256": thumbprint(other.leaf)}, {"x5c": chain.x5c}),
        "protected x5c, x5t#S256 of another certificate": ({"x5c": chain.x5c, "x5t#S256": thumbprint(other.leaf)}, None),
        "unprotected x5c, x5t#o of another certificate": (
            {"x5t#o": {"digAlg": "S512", "digVal": thumbprint(other.leaf, "sha512")}}, {"x5c": chain.x5c}),
        "unprotected x5c, x5t#S256 of the leaf": (leaf, {"x5c": chain.x5c}),
        "unprotected x5c, x5t#o of the leaf": (
            {"x5t#o": {"digAlg": "S512", "digVal": thumbprint(chain.leaf, "sha512")}}, {"x5c": chain.x5c}),
        "unprotected x5c, sigX5ts naming the leaf": (
            {"sigX5ts": [{"digAlg": "S256", "digVal": thumbprint(chain.leaf)}], "crit": ["b64", "sigX5ts"]}, {"x5c": chain.x5c}),
    }[where]
    sealed = write_json(tmp_path, "edc.jsonld", sealed_with(chain, *parameters))
    _, result = verify(capsys, sealed, "--trust-anchor", str(root))
    assert result["verdict"] == expected, result["reasons"]
    if expected != "verified":
        assert any("certificate" in r and ("header" in r or "names" in r) for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("shape", ["attacker's seal first", "unprotected header says alg none and b64 true"])
def test_a_jades_envelope_is_judged_by_its_first_signature_and_its_protected_header(shape, tmp_path, capsys) -> None:
    """RFC 7515 §7.2.1: the general serialisation may carry several signatures. The first is the one checked: an
    attacker's anchored seal put before the genuine one answers for the envelope (unverifiable: its certificate is
    not issued to the credential's issuer), not the genuine one behind it. Values in an unprotected header never
    override the protected ones (§4: only the protected header is signed)."""
    genuine = edc_pki()
    root = tmp_path / "root.pem"
    root.write_bytes(genuine.root_pem())
    envelope = sealed_with(genuine, {"x5c": genuine.x5c}, None)
    if shape == "attacker's seal first":
        attacker = edc_pki("Attacker Org")  # under the same anchored CA as the genuine seal
        forged = certificate("Attacker Org seal", attacker.leaf_key, "Test Issuing CA", genuine.intermediate_key, ca=False)
        attacker.leaf = forged
        attacker.intermediate = genuine.intermediate
        envelope["signatures"].insert(0, sealed_with(attacker, {"x5c": attacker.x5c}, None)["signatures"][0])
        expected = "unverifiable"
    else:
        envelope["signatures"][0]["header"] = {"alg": "none", "b64": True, "x5c": edc_pki().x5c}
        expected = "verified"  # the protected header decides: still the genuine seal over the genuine payload
    _, result = verify(capsys, write_json(tmp_path, "edc.jsonld", envelope), "--trust-anchor", str(root))
    assert result["verdict"] == expected, result["reasons"]
    if expected == "unverifiable":
        assert any("not issued to the credential's issuer" in r for r in result["reasons"]), result["reasons"]


def test_a_jades_seal_inside_a_presentation_is_bound_to_the_sealed_issuer_not_to_a_name_beside_it(tmp_path, capsys) -> None:
    """A presentation carries a JAdES envelope whose sealed payload names "Test University", sealed by an anchored
    "Attacker Org" certificate; an "issuer" member written beside the seal (signed by nobody) says "Attacker Org".
    The seal is bound through the sealed payload's issuer names only, all of which the certificate must carry
    here (no view of the credential says which one is shown)."""
    attacker = edc_pki("Attacker Org")
    root = tmp_path / "root.pem"
    root.write_bytes(attacker.root_pem())
    envelope = jades(EDC, attacker.x5c, attacker.leaf_key)
    envelope["issuer"] = {"id": "urn:epass:org:1", "name": "Attacker Org"}
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                    "verifiableCredential": [envelope]}
    run(["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root),
         str(write_json(tmp_path, "vp.json", presentation))])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    (inner,) = [r for r in json.loads(out.out)["results"] if r["kind"] == "credential"]
    assert inner["verdict"] == "unverifiable", inner["reasons"]
    assert any("not issued to the credential's issuer" in r for r in inner["reasons"]), inner["reasons"]
