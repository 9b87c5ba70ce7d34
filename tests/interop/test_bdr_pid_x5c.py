"""A published PID SD-JWT VC whose x5c chain and issuer signature both verify, end to end through the CLI.

fixtures/bdr-funke-pid (see SOURCES.md): a PID issued by the Bundesdruckerei demo PID issuer of the SPRIND Funke
EUDI wallet challenge (credo-ts test fixtures), signed with the key of the leaf "SPRIND Funke EUDI Wallet
Prototype Issuer" (dNSName demo.pid-issuer.bundesdruckerei.de), and the root "SPRIND Funke EUDI Wallet Prototype
Issuing CA" a wallet publishes as this issuer's trust anchor.

Windows: the credential 2024-06-04 to 2024-06-18, the leaf 2024-05-31 to 2025-07-05, the root to 2034-05-29.
The x5c carries the root itself: a self-signed certificate the credential brings is no anchor, the user's is.
Attack tests use the attacker's own keys; the published file is only ever read, its twins are written here.
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet

# the attacker's toolkit and the shared JWS builder (tests/forgery is not a package)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forgery"))

from attacker import disclosure, sd_digest  # noqa: E402
from test_jose_helpers import encode_segment, make_jws, p256  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "bdr-funke-pid"
CREDENTIAL = FIXTURES / "pid-issued.sd-jwt"
ROOT = FIXTURES / "bdr-pid-issuer-root.pem"
IN_FORCE = "2024-06-10"  # inside the credential's, the leaf's and the root's validity
ISSUER = "https://demo.pid-issuer.bundesdruckerei.de/c"
LEAF = "CN=SPRIND Funke EUDI Wallet Prototype Issuer,OU=I,O=Bundesdruckerei GmbH,C=DE"
ROOT_SUBJECT = "CN=SPRIND Funke EUDI Wallet Prototype Issuing CA,OU=T CS IDE,O=Bundesdruckerei GmbH,L=Berlin,C=DE"


def verify(capsys, path: Path, *options: str, as_of: str = IN_FORCE) -> tuple[int, dict]:
    code = run(["verify", "--offline", "--json", "--as-of", as_of, *options, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0]


def decode(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def published() -> tuple[str, str, str, list[str]]:
    """(header, payload, signature, disclosures) of the published SD-JWT, as published."""
    jwt, *disclosures = CREDENTIAL.read_text().split("~")
    header, payload, signature = jwt.split(".")
    return header, payload, signature, [d for d in disclosures if d]


def assemble(header: str, payload: str, signature: str, disclosures: list[str]) -> str:
    return "~".join([f"{header}.{payload}.{signature}", *disclosures]) + "~"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pid.sd-jwt"
    path.write_text(text)
    return path


# --- the published credential, as published


def test_with_the_published_root_the_published_pid_is_verified(capsys) -> None:
    code, result = verify(capsys, CREDENTIAL, "--trust-anchor", str(ROOT))
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"] == {
        "signature": "pass", "issuer_binding": "pass", "not_before": "pass", "expiry": "pass", "status": "na",
    }
    assert result["details"]["issuer"] == ISSUER and result["details"]["binding"] == "bound"
    (reason,) = result["reasons"]
    assert f"signed by the certificate {LEAF}, issued to the issuer" in reason
    assert f"up to the trust anchor {ROOT_SUBJECT} (given for this check)" in reason
    assert result["in_force"] and code == ExitCode.OK


def test_without_the_root_it_is_unverifiable_and_names_the_certificate(capsys) -> None:
    # The chain ends in the very root the user would trust, but a certificate the credential carries is no anchor.
    code, result = verify(capsys, CREDENTIAL)
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    (reason,) = result["reasons"]
    assert reason.startswith(f"the signature is valid with the key of the certificate {LEAF}, but its chain leads")
    assert "none is supplied" in reason
    assert code != ExitCode.OK


def test_a_root_kept_in_the_wallet_verifies_it(passphrase, capsys) -> None:
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["documents", "add-anchor", str(ROOT)]) == ExitCode.OK
    assert f"trusting {ROOT_SUBJECT}" in capsys.readouterr().err
    code, result = verify(capsys, CREDENTIAL)
    assert result["verdict"] == "verified", result["reasons"]
    assert "(kept in the wallet)" in result["reasons"][0]
    assert code == ExitCode.OK


def test_add_with_the_root_stores_the_pid_with_its_disclosed_claims(passphrase, capsys) -> None:
    # `add` judges at today's date: the leaf expired on 2025-07-05, so what is kept is the import, not "verified"
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["add", "--offline", "--trust-anchor", str(ROOT), str(CREDENTIAL)]) == ExitCode.OK
    capsys.readouterr()
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = wallet.list_credentials()
    assert stored.credential.issuer.id == ISSUER
    assert stored.credential.recipient == "ERIKA MUSTERMANN"
    assert stored.credential.extra["disclosures"] == 17
    assert stored.credential.extra["vct"] == "urn:eu.europa.ec.eudi:pid:1"


# --- dates: the credential's own, then the certificate's


def test_after_the_credential_expired_the_signature_still_verifies_but_it_is_not_in_force(capsys) -> None:
    # 2024-06-20: past exp (2024-06-18), the leaf still valid: authentic, and expired
    code, result = verify(capsys, CREDENTIAL, "--trust-anchor", str(ROOT), as_of="2024-06-20")
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["signature"] == "pass" and result["checks"]["expiry"] == "fail"
    assert any("expired on 2024-06-18" in r for r in result["reasons"]), result["reasons"]
    assert not result["in_force"] and code != ExitCode.OK


# the day after the leaf expired; before the leaf and the root were made (the leaf, first in the chain, is named)
@pytest.mark.parametrize("as_of", ["2025-07-06", "2024-05-30"])
def test_outside_the_leafs_validity_the_chain_does_not_validate(as_of, capsys) -> None:
    # RFC 5280 §6.1.3 (a)(2): every certificate of the path must be valid at the time of validation. The reason
    # names the certificate and its validity period, with or without the anchor.
    for anchor in (("--trust-anchor", str(ROOT)), ()):
        code, result = verify(capsys, CREDENTIAL, *anchor, as_of=as_of)
        assert result["verdict"] == "invalid", result
        assert result["checks"]["signature"] == "fail"
        assert (
            f"the issuer key is not usable: the certificate chain of {LEAF} does not validate: the certificate "
            f"{LEAF} is not valid at {as_of} (valid 2024-05-31 to 2025-07-05)"
        ) in result["reasons"], result["reasons"]
        assert code != ExitCode.OK


# --- tampered twins of the published credential, written here


def test_a_disclosure_changed_after_issuance_is_invalid(tmp_path, capsys) -> None:
    header, payload, signature, disclosures = published()
    index = next(i for i, d in enumerate(disclosures) if decode(d)[1] == "given_name")
    salt, _, value = decode(disclosures[index])
    assert value == "ERIKA"
    disclosures[index] = disclosure("given_name", "MAX", salt)  # same salt, another name
    forged = write(tmp_path, assemble(header, payload, signature, disclosures))
    code, result = verify(capsys, forged, "--trust-anchor", str(ROOT))
    assert result["verdict"] == "invalid", result
    assert any("not referenced by the signed payload" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_a_payload_changed_after_signing_is_invalid(tmp_path, capsys) -> None:
    header, payload, signature, disclosures = published()
    claims = decode(payload)
    assert claims["issuing_country"] == "DE"
    claims["issuing_country"] = "FR"
    forged = write(tmp_path, assemble(header, encode_segment(claims), signature, disclosures))
    code, result = verify(capsys, forged, "--trust-anchor", str(ROOT))
    assert result["verdict"] == "invalid", result
    assert result["checks"]["signature"] == "fail"
    assert "the JWS signature does not verify" in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


def test_a_disclosure_withheld_by_the_holder_still_verifies(tmp_path, capsys) -> None:
    # Selective disclosure (RFC 9901 §4): leaving a claim out is the holder's right, not a forgery
    header, payload, signature, disclosures = published()
    kept = [d for d in disclosures if decode(d)[1] not in ("birthdate", "age_in_years")]
    assert len(kept) == len(disclosures) - 2
    shown = write(tmp_path, assemble(header, payload, signature, kept))
    code, result = verify(capsys, shown, "--trust-anchor", str(ROOT))
    assert result["verdict"] == "verified", result["reasons"]
    assert code == ExitCode.OK


# --- an attacker with the published chain and header, and keys of their own


def attackers_pid(signed: dict, disclosed: dict) -> str:
    """A PID the attacker signs with a fresh key, under the published header (its x5c chain and kid) verbatim."""
    header = decode(published()[0])
    disclosures = [disclosure(name, value) for name, value in disclosed.items()]
    payload = {**signed, "_sd": sorted(sd_digest(d) for d in disclosures), "_sd_alg": "sha-256"}
    return "~".join([make_jws(header, payload, p256()), *disclosures]) + "~"


def pid_claims(iss: str) -> dict:
    iat = int(datetime(2024, 6, 4, tzinfo=timezone.utc).timestamp())
    return {"iss": iss, "vct": "urn:eu.europa.ec.eudi:pid:1", "iat": iat, "exp": iat + 14 * 86400}


def test_the_published_chain_on_an_attackers_pid_is_invalid(tmp_path, capsys) -> None:
    forged = attackers_pid(pid_claims(ISSUER), {"given_name": "MALLORY", "family_name": "MUSTERMANN"})
    code, result = verify(capsys, write(tmp_path, forged), "--trust-anchor", str(ROOT))
    assert result["verdict"] == "invalid", result
    assert result["checks"]["signature"] == "fail"
    assert "the JWS signature does not verify" in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


def test_the_published_leaf_is_not_another_issuers(tmp_path, capsys) -> None:
    # The leaf is bound to the iss host by its dNSName (SD-JWT VC §3.5 / HAIP); claimed by another iss, the chain
    # is refused before any signature is checked, whoever signed.
    forged = attackers_pid(pid_claims("https://pid.attacker.example"), {"given_name": "MALLORY"})
    code, result = verify(capsys, write(tmp_path, forged), "--trust-anchor", str(ROOT))
    assert result["verdict"] == "invalid", result
    assert any(
        f"the certificate {LEAF} is issued to demo.pid-issuer.bundesdruckerei.de, not to the issuer "
        "https://pid.attacker.example" in r for r in result["reasons"]
    ), result["reasons"]
    assert code != ExitCode.OK


def test_an_attackers_chain_with_the_published_names_leads_to_no_anchor(tmp_path, capsys) -> None:
    # The attacker copies the subject names of the published root and leaf and the leaf's dNSName, with keys of
    # their own: a whole chain, correctly signed, that the published root (the user's anchor) never signed.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    from skillwallet.verify.x509 import chain_from_x5c, load_certificates

    (real_root,) = load_certificates(ROOT.read_bytes())
    real_leaf = chain_from_x5c(decode(published()[0])["x5c"])[0]
    root_key, leaf_key = p256(), p256()
    start = datetime(2024, 5, 1, tzinfo=timezone.utc)

    def issue(template, key, issuer_name, issuer_key):
        builder = (
            x509.CertificateBuilder().subject_name(template.subject).issuer_name(issuer_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=3650))
        )
        for extension in template.extensions:
            if extension.oid == x509.oid.ExtensionOID.AUTHORITY_KEY_IDENTIFIER:
                authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
                builder = builder.add_extension(authority, False)
            elif extension.oid == x509.oid.ExtensionOID.SUBJECT_KEY_IDENTIFIER:
                builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            else:
                builder = builder.add_extension(extension.value, extension.critical)
        return builder.sign(issuer_key, hashes.SHA256())

    fake_root = issue(real_root, root_key, real_root.subject, root_key)
    fake_leaf = issue(real_leaf, leaf_key, real_root.subject, root_key)
    x5c = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in (fake_leaf, fake_root)]
    header = {"x5c": x5c, "typ": "vc+sd-jwt", "alg": "ES256"}
    given = disclosure("given_name", "MALLORY")
    payload = {**pid_claims(ISSUER), "_sd": [sd_digest(given)], "_sd_alg": "sha-256"}
    forged = write(tmp_path, "~".join([make_jws(header, payload, leaf_key), given]) + "~")
    code, result = verify(capsys, forged, "--trust-anchor", str(ROOT))
    assert result["verdict"] == "unverifiable", result
    assert any("does not lead to a trust anchor you supplied" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK
