"""Published PID SD-JWT VCs whose x5c chain and issuer signature both verify, end to end through the CLI.

Two samples (see each fixture folder's SOURCES.md), each with the CA certificate a wallet publishes for it:

- fixtures/bdr-funke-pid: a PID of the Bundesdruckerei demo PID issuer of the SPRIND Funke EUDI wallet challenge
  (credo-ts test fixtures), x5c = the leaf "SPRIND Funke EUDI Wallet Prototype Issuer" and its root, which the
  EasyPID wallet trusts. Credential 2024-06-04 to 2024-06-18, leaf 2024-05-31 to 2025-07-05.
- fixtures/procivis-eudi-pid: a PID of a Procivis One issuer (procivis/one-core tests), x5c = the leaf
  "Procivis AG" alone, issued by the EUDI reference "PID Issuer CA - UT 02", which the EUDI reference wallet
  trusts. Credential 2025-09-11 to 2027-09-11, leaf 2025-07-22 to 2027-07-22; it names a Token Status List
  that is not available offline (status unknown).

A certificate the credential carries is never an anchor (the Bundesdruckerei x5c carries its own root): only the
user's is. Attack tests use the attacker's own keys; the published files are only ever read, their twins are
written here.
"""

from __future__ import annotations

import base64
import json
import sys
from dataclasses import dataclass
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

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Sample:
    folder: str
    anchor_file: str
    in_force: str  # an as-of date inside the credential's, the leaf's and the anchor's validity
    issuer: str
    host: str  # the leaf's dNSName, the iss host
    leaf: str
    leaf_valid: tuple[str, str]
    anchor: str
    status: str  # the status check offline
    given_name: str  # the disclosed given_name, changed by the tampered twin

    @property
    def credential(self) -> Path:
        return FIXTURES / self.folder / "pid-issued.sd-jwt"

    @property
    def anchor_path(self) -> Path:
        return FIXTURES / self.folder / self.anchor_file

    def __str__(self) -> str:
        return self.folder


BDR = Sample(
    "bdr-funke-pid", "bdr-pid-issuer-root.pem", "2024-06-10",
    "https://demo.pid-issuer.bundesdruckerei.de/c", "demo.pid-issuer.bundesdruckerei.de",
    "CN=SPRIND Funke EUDI Wallet Prototype Issuer,OU=I,O=Bundesdruckerei GmbH,C=DE", ("2024-05-31", "2025-07-05"),
    "CN=SPRIND Funke EUDI Wallet Prototype Issuing CA,OU=T CS IDE,O=Bundesdruckerei GmbH,L=Berlin,C=DE",
    "na", "ERIKA",
)
PROCIVIS = Sample(
    "procivis-eudi-pid", "pidissuerca02_ut.pem", "2026-06-01",
    "https://core.dev.procivis-one.com/ssi/openid4vci/draft-13/28aee069-48c0-4ff9-9ce9-75601aec826d",
    "core.dev.procivis-one.com",
    "C=UT,O=Procivis AG,2.5.4.5=0,CN=Procivis AG", ("2025-07-22", "2027-07-22"),
    "C=UT,O=EUDI Wallet Reference Implementation,CN=PID Issuer CA - UT 02",
    "unknown", "Max",
)
SAMPLES = pytest.mark.parametrize("sample", [BDR, PROCIVIS], ids=str)


def verify(capsys, path: Path, *options: str, as_of: str) -> tuple[int, dict]:
    code = run(["verify", "--offline", "--json", "--as-of", as_of, *options, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0]


def decode(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def published(sample: Sample) -> tuple[str, str, str, list[str]]:
    """(header, payload, signature, disclosures) of the published SD-JWT, as published."""
    jwt, *disclosures = sample.credential.read_text().split("~")
    header, payload, signature = jwt.split(".")
    return header, payload, signature, [d for d in disclosures if d]


def assemble(header: str, payload: str, signature: str, disclosures: list[str]) -> str:
    return "~".join([f"{header}.{payload}.{signature}", *disclosures]) + "~"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pid.sd-jwt"
    path.write_text(text)
    return path


def with_anchor(sample: Sample) -> tuple[str, str]:
    return "--trust-anchor", str(sample.anchor_path)


# --- the published credentials, as published


@SAMPLES
def test_with_the_published_anchor_the_published_pid_is_verified(sample, capsys) -> None:
    code, result = verify(capsys, sample.credential, *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"] == {
        "signature": "pass", "issuer_binding": "pass", "not_before": "pass", "expiry": "pass",
        "status": sample.status,
    }
    assert result["details"]["issuer"] == sample.issuer and result["details"]["binding"] == "bound"
    assert (
        f"signed by the certificate {sample.leaf}, issued to the issuer; its chain validates up to the trust anchor "
        f"{sample.anchor} (given for this check)"
    ) in result["reasons"], result["reasons"]
    assert result["in_force"]
    # in force, and verified; an exit code of 0 needs the status too, which offline only the Funke PID (none) has
    assert (code == ExitCode.OK) == (sample.status == "na")


@SAMPLES
def test_without_the_anchor_it_is_unverifiable_and_names_the_certificate(sample, capsys) -> None:
    code, result = verify(capsys, sample.credential, as_of=sample.in_force)
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    assert (
        f"the signature is valid with the key of the certificate {sample.leaf}, but its chain leads to no trust "
        "anchor: none is supplied (verify --trust-anchor FILE, or skillwallet documents add-anchor FILE)"
    ) in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


@SAMPLES
def test_an_anchor_kept_in_the_wallet_verifies_it(sample, passphrase, capsys) -> None:
    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["documents", "add-anchor", str(sample.anchor_path)]) == ExitCode.OK
    assert f"trusting {sample.anchor}" in capsys.readouterr().err
    _, result = verify(capsys, sample.credential, as_of=sample.in_force)
    assert result["verdict"] == "verified", result["reasons"]
    assert any(r.endswith(f"{sample.anchor} (kept in the wallet)") for r in result["reasons"]), result["reasons"]


def test_the_other_samples_anchor_does_not_verify_it(capsys) -> None:
    # each CA vouches for its own issuers only
    for sample, other in ((BDR, PROCIVIS), (PROCIVIS, BDR)):
        _, result = verify(capsys, sample.credential, *with_anchor(other), as_of=sample.in_force)
        assert result["verdict"] == "unverifiable", result
        assert any("does not lead to a trust anchor you supplied" in r for r in result["reasons"]), result["reasons"]


# --- dates: the credential's own, then the certificate's


def test_after_the_credential_expired_the_signature_still_verifies_but_it_is_not_in_force(capsys) -> None:
    # 2024-06-20: past the Funke PID's exp (2024-06-18), its leaf still valid: authentic, and expired
    code, result = verify(capsys, BDR.credential, *with_anchor(BDR), as_of="2024-06-20")
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["signature"] == "pass" and result["checks"]["expiry"] == "fail"
    assert any("expired on 2024-06-18" in r for r in result["reasons"]), result["reasons"]
    assert not result["in_force"] and code != ExitCode.OK


@SAMPLES
@pytest.mark.parametrize("when", ["the day after", "the day before"])
def test_outside_the_leafs_validity_it_is_unverifiable_and_the_reason_says_when_the_leaf_was_valid(
    sample, when, capsys
) -> None:
    # RFC 5280 §6.1.3 (a)(2): every certificate of the path must be valid at the time of validation; EN 319 102-1
    # (OUT_OF_BOUNDS_NO_POE): outside that time, with no proof of when the signature was made, the signature is
    # neither valid nor a forgery. The Procivis PID is still unexpired the day after its leaf: the certificate,
    # not the credential, leaves it not checkable.
    start, end = sample.leaf_valid
    day = timedelta(days=1) if when == "the day after" else timedelta(days=-1)
    as_of = ((datetime.fromisoformat(end if when == "the day after" else start)) + day).date().isoformat()
    settle = (
        f"no time-stamp proves the signature was made before {end}" if when == "the day after"
        else f"not yet valid; check it at a date from {start} on"
    )
    for anchor in (with_anchor(sample), ()):
        code, result = verify(capsys, sample.credential, *anchor, as_of=as_of)
        assert result["verdict"] == "unverifiable", result
        assert result["checks"]["signature"] == "unknown"
        assert any(
            r.startswith(f"the signature is valid with the key of the certificate {sample.leaf}, but ")
            and f"the certificate {sample.leaf} is not valid at {as_of} (valid {start} to {end}): {settle}" in r
            and (bool(anchor) != ("trust anchor" in r))
            for r in result["reasons"]
        ), result["reasons"]
        assert code != ExitCode.OK


@SAMPLES
def test_outside_the_leafs_validity_a_signature_that_does_not_verify_is_still_invalid(sample, tmp_path, capsys) -> None:
    # a twin of the published PID with one bit of its signature changed, checked after its leaf expired:
    # the question of when it was signed does not arise for a signature that does not verify
    header, payload, signature, disclosures = published(sample)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[5] ^= 0x01
    forged_signature = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    forged = write(tmp_path, assemble(header, payload, forged_signature, disclosures))
    as_of = (datetime.fromisoformat(sample.leaf_valid[1]) + timedelta(days=1)).date().isoformat()
    code, result = verify(capsys, forged, *with_anchor(sample), as_of=as_of)
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result
    assert code != ExitCode.OK


# --- tampered twins of the published credentials, written here


@SAMPLES
def test_a_disclosure_changed_after_issuance_is_invalid(sample, tmp_path, capsys) -> None:
    header, payload, signature, disclosures = published(sample)
    index = next(i for i, d in enumerate(disclosures) if decode(d)[1:2] == ["given_name"])
    salt, _, value = decode(disclosures[index])
    assert value == sample.given_name
    disclosures[index] = disclosure("given_name", "Mallory", salt)  # the same salt, another name
    forged = write(tmp_path, assemble(header, payload, signature, disclosures))
    code, result = verify(capsys, forged, *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "invalid", result
    assert "1 SD-JWT disclosure(s) are not referenced by the signed payload" in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


@SAMPLES
def test_a_payload_changed_after_signing_is_invalid(sample, tmp_path, capsys) -> None:
    header, payload, signature, disclosures = published(sample)
    claims = decode(payload)
    claims["exp"] += 10 * 365 * 86400  # ten more years
    forged = write(tmp_path, assemble(header, encode_segment(claims), signature, disclosures))
    code, result = verify(capsys, forged, *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "invalid", result
    assert result["checks"]["signature"] == "fail"
    assert "the JWS signature does not verify" in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


@SAMPLES
def test_a_disclosure_withheld_by_the_holder_still_verifies(sample, tmp_path, capsys) -> None:
    # Selective disclosure (RFC 9901 §4): leaving a claim out is the holder's right, not a forgery
    header, payload, signature, disclosures = published(sample)
    kept = [d for d in disclosures if decode(d)[1:2] != ["birthdate"]]
    assert len(kept) == len(disclosures) - 1
    shown = write(tmp_path, assemble(header, payload, signature, kept))
    _, result = verify(capsys, shown, *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["signature"] == "pass"


# --- an attacker with the published chain and header, and keys of their own


def attackers_pid(header: dict, iss: str, key=None) -> str:
    """A PID the attacker signs (with a fresh key unless given) under ``header``, naming ``iss``."""
    iat = int(datetime(2025, 10, 1, tzinfo=timezone.utc).timestamp())
    given = disclosure("given_name", "Mallory")
    payload = {
        "iss": iss, "vct": "urn:eudi:pid:1", "iat": iat, "exp": iat + 2 * 365 * 86400,
        "_sd": [sd_digest(given)], "_sd_alg": "sha-256",
    }
    return "~".join([make_jws(header, payload, key or p256()), given]) + "~"


@SAMPLES
def test_the_published_header_on_an_attackers_pid_is_invalid(sample, tmp_path, capsys) -> None:
    # the published header verbatim (x5c, kid, typ): the leaf key did not make the attacker's signature
    forged = attackers_pid(decode(published(sample)[0]), sample.issuer)
    code, result = verify(capsys, write(tmp_path, forged), *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "invalid", result
    assert result["checks"]["signature"] == "fail"
    assert "the JWS signature does not verify" in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


@SAMPLES
def test_the_published_leaf_is_not_another_issuers(sample, tmp_path, capsys) -> None:
    # What happens when the leaf does not match iss: the leaf is bound to the iss host by its dNSName (SD-JWT VC
    # §3.5, HAIP); claimed for another iss, the key is refused before any signature is checked, whoever signed.
    forged = attackers_pid(decode(published(sample)[0]), "https://pid.attacker.example")
    code, result = verify(capsys, write(tmp_path, forged), *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "invalid", result
    assert (
        f"the issuer key is not usable: the certificate {sample.leaf} is issued to {sample.host}, not to the issuer "
        "https://pid.attacker.example"
    ) in result["reasons"], result["reasons"]
    assert code != ExitCode.OK


@SAMPLES
def test_an_attackers_chain_with_the_published_names_leads_to_no_anchor(sample, tmp_path, capsys) -> None:
    # The attacker copies the published CA's and leaf's names and extensions (the leaf's dNSName too) with keys of
    # their own, in the published chain's shape: a whole chain, correctly signed, that the real CA never signed.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    from skillwallet.verify.x509 import chain_from_x5c, load_certificates

    (real_ca,) = load_certificates(sample.anchor_path.read_bytes())
    real_x5c = decode(published(sample)[0])["x5c"]
    real_leaf = chain_from_x5c(real_x5c)[0]
    ca_key, leaf_key = p256(), p256()
    start = datetime(2024, 5, 1, tzinfo=timezone.utc)

    def copy(template, key, issuer_key):
        builder = (
            x509.CertificateBuilder().subject_name(template.subject).issuer_name(real_ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=3650))
        )
        for extension in template.extensions:
            value = extension.value
            if isinstance(value, x509.AuthorityKeyIdentifier):
                value = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
            elif isinstance(value, x509.SubjectKeyIdentifier):
                value = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
            builder = builder.add_extension(value, extension.critical)
        return builder.sign(issuer_key, hashes.SHA256())

    fake_ca = copy(real_ca, ca_key, ca_key)
    fake_leaf = copy(real_leaf, leaf_key, ca_key)
    chain = [fake_leaf, fake_ca][: len(real_x5c)]
    x5c = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain]
    header = {**decode(published(sample)[0]), "x5c": x5c}
    forged = write(tmp_path, attackers_pid(header, sample.issuer, leaf_key))
    code, result = verify(capsys, forged, *with_anchor(sample), as_of=sample.in_force)
    assert result["verdict"] == "unverifiable", result
    assert any(
        r.startswith(
            f"the signature is valid with the key of the certificate {sample.leaf}, but its chain does not lead to "
            "a trust anchor you supplied"
        )
        for r in result["reasons"]
    ), result["reasons"]
    assert code != ExitCode.OK
