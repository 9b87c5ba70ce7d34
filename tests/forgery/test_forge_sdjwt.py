"""Forged SD-JWTs: an issuer, validity window, holder key or status that the issuer-signed payload does not carry.

SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.2.2.2): "The following registered JWT claims are used within the SD-JWT
component of the SD-JWT VC and MUST NOT be included in the Disclosures, i.e., cannot be selectively disclosed:
iss, nbf, exp, cnf, vct, vct#integrity, status". A disclosure of one makes the credential invalid; a token whose
signed payload names no issuer is never verified as anyone. Every token here is signed by the attacker's own
fresh key, whose did:key is a perfectly resolvable key: what is forged is only who it claims to speak for.
"""

from __future__ import annotations

import pytest
from attacker import Attacker, disclosure, run_cli, sd_digest, verify_file

from skillwallet.formats import parse_credential_bytes
from skillwallet.verify import jose
from skillwallet.verify.resolver import DocumentResolver

VICTIM = "did:web:university.example"
VCT = "https://credentials.example/Degree"
IAT = 1700000000  # 2023-11-14


@pytest.fixture
def mallory() -> Attacker:
    return Attacker.ed25519()


def not_verified(result) -> None:
    """The CLI's answer to a forgery: a verdict other than verified, a non-zero exit."""
    assert result.exit_code != 0, result.stdout
    assert result.verdict != "verified", result.json
    assert "verified" != (result.json or {}).get("results", [{}])[0].get("verdict")


def parse(token: str):
    (credential,) = parse_credential_bytes(token.encode("ascii"), source="token")
    return credential


# -- the control: a token whose claims are all signed is verified as its own signer ----------------------------


def test_all_signed_claims_verify_as_the_signer(tmp_path, mallory):
    token = mallory.sd_jwt({"iss": mallory.did, "iat": IAT, "vct": VCT}, {"name": "Welding"})
    result = verify_file(tmp_path, token)
    assert (result.exit_code, result.verdict) == (0, "verified"), result.json
    assert result.json["results"][0]["details"]["issuer"] == mallory.did


# -- the issuer -------------------------------------------------------------------------------------------------


def test_issuer_supplied_in_a_disclosure_is_invalid(tmp_path, mallory):
    token = mallory.sd_jwt({"iat": IAT, "vct": VCT, "name": "PhD Physics"}, {"iss": VICTIM})
    result = verify_file(tmp_path, token)
    not_verified(result)
    assert result.verdict == "invalid"
    assert "'iss'" in result.json["results"][0]["reasons"][0]
    assert result.json["results"][0]["details"]["issuer"] is None


def test_the_importer_takes_no_issuer_from_a_disclosure(mallory):
    credential = parse(mallory.sd_jwt({"iat": IAT, "vct": VCT}, {"iss": VICTIM}))
    assert credential.issuer.id is None


def test_disclosed_issuer_is_not_stored_by_add(tmp_path, mallory, passphrase):
    assert run_cli("init").exit_code == 0
    token = mallory.sd_jwt({"iat": IAT, "vct": VCT, "name": "PhD Physics"}, {"iss": VICTIM})
    path = tmp_path / "forged.jwt"
    path.write_text(token, encoding="ascii")
    added = run_cli("add", str(path), "--json")
    assert added.exit_code in (0, 13), added.stderr  # stored, and reported as not verified
    assert VICTIM not in added.stdout
    listed = run_cli("list", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert VICTIM not in listed.stdout


def test_no_signed_issuer_is_never_verified(tmp_path, mallory):
    # the key named by kid resolves (it is the attacker's did:key), but nothing signed names an issuer
    token = mallory.sd_jwt({"iat": IAT, "vct": VCT, "name": "PhD Physics"}, {"given_name": "Mallory"})
    result = verify_file(tmp_path, token)
    not_verified(result)
    assert result.verdict == "unverifiable"


def test_no_signed_issuer_is_unverifiable_in_the_library(mallory):
    token = mallory.sd_jwt({"iat": IAT, "vct": VCT})
    finding = jose.verify_sd_jwt(token, resolver=DocumentResolver(offline=True))
    assert finding.outcome == "unknown" and finding.unverifiable and finding.binding == "unresolved"


def test_stored_issuer_that_the_payload_does_not_sign_is_invalid(mallory):
    token = mallory.sd_jwt({"iat": IAT, "vct": VCT})
    finding = jose.verify_sd_jwt(token, resolver=DocumentResolver(offline=True), expected_issuer=VICTIM)
    assert finding.outcome == "fail"


# -- the other claims that must be signed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "claim, value",
    [
        ("nbf", IAT),
        ("exp", 4102444800),
        ("cnf", {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}}),
        ("status", {"status_list": {"idx": 0, "uri": "https://issuer.example/status"}}),
        ("vct#integrity", "sha256-aaaa"),
    ],
)
def test_registered_claim_in_a_disclosure_is_invalid(tmp_path, mallory, claim, value):
    token = mallory.sd_jwt({"iss": mallory.did, "iat": IAT, "vct": VCT}, {claim: value})
    result = verify_file(tmp_path, token)
    not_verified(result)
    assert result.verdict == "invalid"
    assert repr(claim) in result.json["results"][0]["reasons"][0]


def test_disclosed_vct_is_never_verified(tmp_path, mallory):
    token = mallory.sd_jwt({"iss": mallory.did, "iat": IAT}, {"vct": VCT})
    result = verify_file(tmp_path, token)
    assert result.exit_code != 0
    assert result.verdict != "verified"


def test_disclosed_dates_and_status_are_not_what_the_importer_shows(mallory):
    # A holder may withhold any disclosure: what the wallet shows as dates and status must be signed.
    token = mallory.sd_jwt(
        {"iss": mallory.did, "vct": VCT},
        {"iat": IAT, "nbf": IAT, "exp": 4102444800, "status": {"status_list": {"idx": 1, "uri": "https://x.example"}}},
    )
    credential = parse(token)
    assert credential.issued is None and credential.valid_from is None and credential.expires is None
    assert credential.status_entries == []


def test_disclosed_iat_is_allowed_but_the_issue_date_is_the_signed_one(tmp_path, mallory):
    # §3.2.2.2 lets an issuer disclose iat ("MAY be included in Disclosures"): not a forgery, but the wallet
    # only shows a signed issue date.
    token = mallory.sd_jwt({"iss": mallory.did, "vct": VCT}, {"iat": IAT})
    assert parse(token).issued is None
    result = verify_file(tmp_path, token)
    assert result.verdict == "verified", result.json


def test_nested_disclosure_of_a_registered_name_is_an_ordinary_claim(tmp_path, mallory):
    # the rule is about the SD-JWT's own claims: "iss" inside an address object is just data
    inner = disclosure("iss", "somewhere")
    token = mallory.sd_jwt({"iss": mallory.did, "iat": IAT, "vct": VCT, "address": {"_sd": [sd_digest(inner)]}})
    token = token.rstrip("~") + "~" + inner + "~"
    result = verify_file(tmp_path, token)
    assert result.verdict == "verified", result.json


# -- W3C credentials secured as SD-JWT ----------------------------------------------------------------------------


def vcdm(issuer: str | None = VICTIM) -> dict:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:holder"},
    }
    if issuer:
        doc["issuer"] = issuer
    return doc


def test_vcdm_issuer_signed_without_iss_must_control_the_key(tmp_path, mallory):
    # the signed payload names the victim as issuer; the key is the attacker's: the binding check must run
    result = verify_file(tmp_path, mallory.sd_jwt(vcdm(), {"name": "Forged"}))
    not_verified(result)
    assert result.verdict == "invalid"


def test_vcdm_issuer_in_a_disclosure_is_invalid(tmp_path, mallory):
    token = mallory.sd_jwt(vcdm(issuer=None), {"issuer": VICTIM})
    result = verify_file(tmp_path, token)
    assert result.exit_code != 0 and result.verdict != "verified"


def test_vcdm_issuer_in_a_disclosure_inside_vc_is_invalid(mallory):
    inner = disclosure("issuer", VICTIM)
    vc = {**vcdm(issuer=None), "_sd": [sd_digest(inner)]}
    token = mallory.sd_jwt({"vc": vc}).rstrip("~") + "~" + inner + "~"
    finding = jose.verify_sd_jwt(token, resolver=DocumentResolver(offline=True))
    assert finding.outcome == "fail"
    assert "'issuer' (in vc)" in finding.reasons[0]


def test_iss_and_signed_issuer_that_disagree_are_invalid(mallory):
    token = mallory.sd_jwt({"iss": mallory.did, **vcdm()})
    finding = jose.verify_sd_jwt(token, resolver=DocumentResolver(offline=True))
    assert finding.outcome == "fail"
    assert "different issuers" in finding.reasons[0]


def test_vc_jwt_without_any_issuer_is_not_bound_to_the_key_controller(mallory):
    # VC 1.1 §6.3.1 JWT: neither 'iss' nor vc.issuer; the kid resolves to the attacker's did:key
    from skillwallet.model import FORMAT_VC_JWT, Credential, Issuer

    token = mallory.jws({"vc": {**vcdm(issuer=None)}, "nbf": IAT}, {"typ": "JWT"})
    credential = Credential(format=FORMAT_VC_JWT, original=token.encode(), media_type="application/jwt", issuer=Issuer())
    finding = jose.verify_jose_credential(credential, resolver=DocumentResolver(offline=True))
    assert finding.outcome != "pass" and finding.binding != "bound"
