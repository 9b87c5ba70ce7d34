"""A verdict that rests on an X.509 chain says that the certificates' revocation was not checked.

RFC 5280 §6.3 (and EN 319 102-1 for seals) makes a certificate's revocation status, from a CRL or an OCSP
responder, part of validating a chain; skillwallet asks neither. The verdict stays what the signature, the chain
and the user's trust anchor make it, and its reasons and ``details.certificate_chain`` say what was left out, as
they do for a status list that could not be read. Chains and keys are made here (x509_helpers, tsa_helpers).
"""

from __future__ import annotations

import json

from test_jades_time_stamps import SEALED_AT, signature_of, with_time_stamps
from test_wild_verdicts import EDC, edc_pki, jades, verify, write_json
from test_x509_chains import AS_OF, ISSUER, sd_jwt_vc, write
from tsa_helpers import make_tsa, time_stamp_token
from x509_helpers import pki

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode

NOT_CHECKED = "not checked: whether any certificate of the chain has been revoked (CRL / OCSP)"


def x5c_pid(tmp_path):
    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    return chain, token, root


def check_x5c(capsys, *args: str) -> tuple[int, dict]:
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, *args])
    return code, json.loads(capsys.readouterr().out)["results"][0]


def test_a_verified_x5c_credential_says_certificate_revocation_was_not_checked(tmp_path, capsys) -> None:
    _, token, root = x5c_pid(tmp_path)
    code, result = check_x5c(capsys, "--trust-anchor", str(root), str(token))
    # the verdict and the exit code are what the chain and the anchor make them
    assert (code, result["verdict"], result["in_force"]) == (ExitCode.OK, "verified", True)
    assert any(r.startswith(NOT_CHECKED) for r in result["reasons"]), result["reasons"]
    chain = result["details"]["certificate_chain"]
    assert chain["revocation"] == "not checked"
    assert chain["certificate"] == "CN=Test PID Issuer,O=Test PID Provider,C=EU"
    assert chain["chain"][-1] == chain["trust_anchor"]["subject"] == "CN=Test Root CA,O=Test PID Provider,C=EU"
    assert chain["trust_anchor"]["source"] == "supplied"


def test_the_text_output_says_it_too(tmp_path, capsys) -> None:
    _, token, root = x5c_pid(tmp_path)
    assert run(["verify", "--offline", "--as-of", AS_OF, "--trust-anchor", str(root), str(token)]) == ExitCode.OK
    assert f"{token}: {NOT_CHECKED}" in capsys.readouterr().err


def test_a_chain_nothing_relies_on_says_nothing_about_its_revocation(tmp_path, capsys) -> None:
    """Without an anchor the credential is unverifiable already: the chain bears no verdict to qualify."""
    _, token, _ = x5c_pid(tmp_path)
    _, result = check_x5c(capsys, str(token))
    assert result["verdict"] == "unverifiable"
    assert "certificate_chain" not in result["details"]
    assert not any("CRL / OCSP" in r for r in result["reasons"]), result["reasons"]


def test_a_verified_jades_seal_says_so(tmp_path, capsys) -> None:
    chain = edc_pki()
    root = write(tmp_path, "root.pem", chain.root_pem())
    code, result = verify(capsys, write_json(tmp_path, "edc.json", jades(EDC, chain.x5c, chain.leaf_key)),
                          "--trust-anchor", str(root))
    assert (code, result["verdict"]) == (ExitCode.OK, "verified"), result["reasons"]
    assert any(r.startswith(NOT_CHECKED) for r in result["reasons"]), result["reasons"]
    assert result["details"]["certificate_chain"]["revocation"] == "not checked"
    assert result["details"]["certificate_chain"]["certificate"].startswith("CN=Test University seal")


def test_a_time_stamped_seal_names_the_time_stamp_authority_too(tmp_path, capsys) -> None:
    chain = edc_pki(leaf_days=365)  # expired at the as-of date: the time-stamp dates the seal
    root = write(tmp_path, "root.pem", chain.root_pem())
    envelope = jades(EDC, chain.x5c, chain.leaf_key)
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), SEALED_AT)
    code, result = verify(capsys, write_json(tmp_path, "edc.json", with_time_stamps(envelope, token)),
                          "--trust-anchor", str(root))
    assert result["verdict"] == "verified", result["reasons"]
    assert any(
        r.startswith("not checked: whether any certificate of the seal's chain or of the time-stamp authority's "
                     "has been revoked (CRL / OCSP)")
        for r in result["reasons"]
    ), result["reasons"]
    assert result["details"]["certificate_chain"]["time_stamp_authority"] == "CN=Test TSA,O=Test Time Stamping"


def test_the_verification_report_shows_it_as_one_finding(tmp_path, capsys) -> None:
    _, token, root = x5c_pid(tmp_path)
    for name in ("report.html", "report.pdf"):
        report = tmp_path / name
        assert run(["verify", "--offline", "--as-of", AS_OF, "--trust-anchor", str(root), str(token),
                    "--report", str(report)]) == ExitCode.OK
        assert report.stat().st_size > 0
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "report.pdf").pages).split())
    assert f"Finding: {NOT_CHECKED}: skillwallet fetches no CRL and asks no OCSP responder" in text
    page = (tmp_path / "report.html").read_text()
    assert page.count("CRL / OCSP") == 1
    assert f"<li>{NOT_CHECKED}: skillwallet fetches no CRL and asks no OCSP responder, online or offline</li>" in page


def test_a_credential_bound_through_a_did_says_nothing_about_certificates(tmp_path, capsys) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillwallet.verify.data_integrity import sign_data_integrity
    from skillwallet.verify.keys import did_key_from_public_key

    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key())
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": did,
                "validFrom": "2025-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:x"}}
    signed = sign_data_integrity(document, key, f"{did}#{did.removeprefix('did:key:')}")
    code, result = check_x5c(capsys, str(write_json(tmp_path, "vc.json", signed)))
    assert result["verdict"] == "verified", result["reasons"]
    assert "certificate_chain" not in result["details"]
    assert not any("CRL" in r for r in result["reasons"])


def test_a_jwt_presentation_whose_holder_signs_under_a_chain_says_so(tmp_path, capsys) -> None:
    """A VC 1.1 JWT presentation (``vp`` claim) signed by a holder whose key is a certificate's (x5c)."""
    from test_jose_helpers import make_jws

    holder = "https://holder.example.org"
    chain = pki(holder)
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                    "verifiableCredential": []}
    token = make_jws({"alg": "ES256", "typ": "JWT", "x5c": chain.x5c},
                     {"iss": holder, "vp": presentation, "nonce": "n-1", "aud": "hr.example"}, chain.leaf_key)
    root = write(tmp_path, "root.pem", chain.root_pem())
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root), "--challenge", "n-1",
                "--domain", "hr.example", str(write(tmp_path, "vp.jwt", token))])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert (code, result["kind"], result["verdict"]) == (ExitCode.OK, "presentation", "verified"), result["reasons"]
    assert any(r.startswith(NOT_CHECKED) for r in result["reasons"]), result["reasons"]
    assert result["details"]["certificate_chain"]["revocation"] == "not checked"
