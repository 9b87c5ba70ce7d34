"""Certificate revocation from CRLs at hand (RFC 5280 §6.3, EN 319 102-1): a CRL the user gives for a certificate's
distribution point (``--document URL=FILE``, ``documents add``) or one a JAdES seal carries in ``rVals``.

The CAs, their CRLs, the seals and the time-stamps are made here with fresh keys (crl_helpers, x509_helpers,
tsa_helpers); every attack uses the attacker's own keys.
"""

from __future__ import annotations

import base64
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from crl_helpers import LEAF_CRL_URL, ROOT_CRL_URL, crl, distribution_point, rvals, seal_pki
from test_jades_time_stamps import signature_of
from test_jose_helpers import make_jws
from test_wild_verdicts import EDC, jades, verify, write_json
from tsa_helpers import make_tsa, time_stamp_token
from x509_helpers import START, certificate, der_b64, p256

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet

REVOKED_AT = datetime(2026, 2, 1, tzinfo=timezone.utc)  # before the as-of date, 2026-06-01
SEAL = "CN=Test University seal,O=Test University"
ISSUING_CA = "CN=Test Issuing CA,O=Test PID Provider,C=EU"
CHECKED = "certificate revocation checked: "


def with_unsigned(envelope: dict, *members: dict) -> dict:
    envelope["signatures"][0]["header"] = {"etsiU": list(members)}
    return envelope


@pytest.fixture
def sealed(tmp_path):
    """A sealed EDC, its PKI and the root as the user's anchor file."""
    chain = seal_pki()
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    return chain, jades(EDC, [der_b64(chain.leaf), der_b64(chain.intermediate)], chain.leaf_key), root


def check(capsys, tmp_path: Path, envelope: dict, root: Path, *crls: tuple[str, bytes]) -> tuple[int, dict]:
    options = ["--trust-anchor", str(root)]
    for number, (url, der) in enumerate(crls):
        file = tmp_path / f"given-{number}.crl"
        file.write_bytes(der)
        options += ["--document", f"{url}={file}"]
    return verify(capsys, write_json(tmp_path, "edc.jsonld", envelope), *options)


def revoked_leaf_crl(chain, reason=x509.ReasonFlags.key_compromise, **options) -> bytes:
    return crl("Test Issuing CA", chain.intermediate_key, ((chain.leaf, REVOKED_AT, reason),), **options)


# -- a revoked certificate -------------------------------------------------------------------------------------


def test_a_seal_whose_certificate_is_on_a_crl_given_for_its_distribution_point_is_invalid(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    code, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, revoked_leaf_crl(chain)))
    assert result["verdict"] == "invalid", result["reasons"]
    assert result["checks"]["signature"] == "fail"
    assert any(
        f"the certificate {SEAL} was revoked on 2026-02-01T00:00:00Z, reason code keyCompromise" in r
        and f"by the CRL of {ISSUING_CA} given for this check for {LEAF_CRL_URL}" in r
        for r in result["reasons"]
    ), result["reasons"]
    leaf = result["details"]["revocation"]["certificates"][0]
    assert leaf["status"] == "revoked" and leaf["revoked_at"] == "2026-02-01T00:00:00Z"
    assert leaf["reason_code"] == "keyCompromise" and leaf["crl"]["source"] == "supplied"
    assert code != ExitCode.OK
    # the same seal without the CRL: as before, verified (nothing says it is revoked)
    _, result = check(capsys, tmp_path, envelope, root)
    assert result["verdict"] == "verified", result["reasons"]


def test_a_crl_kept_with_documents_add_counts_like_one_given(sealed, tmp_path, capsys, passphrase):
    chain, envelope, root = sealed
    Wallet.init(paths.wallet_home(), passphrase).close()
    file = tmp_path / "issuing.crl"
    file.write_bytes(revoked_leaf_crl(chain))
    assert run(["documents", "add", LEAF_CRL_URL, str(file)]) == ExitCode.OK
    capsys.readouterr()
    code, result = check(capsys, tmp_path, envelope, root)
    assert result["verdict"] == "invalid", result["reasons"]
    assert any("revoked on 2026-02-01T00:00:00Z" in r and "kept in the wallet" in r for r in result["reasons"])
    assert code != ExitCode.OK


def test_a_seal_whose_certificate_is_on_a_crl_the_seal_carries_in_rvals_is_invalid(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    envelope = with_unsigned(envelope, rvals(revoked_leaf_crl(chain, reason=x509.ReasonFlags.superseded)))
    code, result = check(capsys, tmp_path, envelope, root)
    assert result["verdict"] == "invalid", result["reasons"]
    assert any("revoked on 2026-02-01T00:00:00Z, reason code superseded" in r and "embedded in the signature" in r
               for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_a_revoked_issuing_ca_makes_the_seal_invalid(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    root_crl = crl("Test Root CA", chain.root_key, ((chain.intermediate, REVOKED_AT, x509.ReasonFlags.ca_compromise),))
    _, result = check(capsys, tmp_path, envelope, root, (ROOT_CRL_URL, root_crl))
    assert result["verdict"] == "invalid", result["reasons"]
    assert any(f"the certificate {ISSUING_CA} was revoked" in r and "cACompromise" in r for r in result["reasons"])


def test_a_certificate_on_hold_leaves_the_seal_unverifiable_not_invalid(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    held = revoked_leaf_crl(chain, reason=x509.ReasonFlags.certificate_hold)
    _, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, held))
    assert result["verdict"] == "unverifiable", result["reasons"]
    assert any("suspended (on hold" in r and "certificateHold" in r for r in result["reasons"]), result["reasons"]


# -- not revoked: what was checked is said ---------------------------------------------------------------------


def test_a_seal_on_no_current_crl_says_revocation_was_checked_and_against_what(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    other = crl("Test Issuing CA", chain.intermediate_key, ((chain.intermediate, REVOKED_AT, None),))
    root_crl = crl("Test Root CA", chain.root_key)
    code, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, other), (ROOT_CRL_URL, root_crl))
    assert result["verdict"] == "verified", result["reasons"]
    assert code == ExitCode.OK
    checked = [r for r in result["reasons"] if r.startswith(CHECKED)]
    assert len(checked) == 1, result["reasons"]
    assert f"{SEAL} is on no revocation list of {ISSUING_CA} (CRL given for this check for {LEAF_CRL_URL}, " \
           "issued 2026-05-25T00:00:00Z, next update 2026-06-08T00:00:00Z)" in checked[0]
    assert f"{ISSUING_CA} is on no revocation list of CN=Test Root CA" in checked[0]
    assert "not checked" not in checked[0]
    revocation = result["details"]["revocation"]
    assert revocation["checked"] is True and revocation["ignored"] == []
    assert [c["status"] for c in revocation["certificates"]] == ["good", "good"]
    assert revocation["certificates"][0]["crl"]["url"] == LEAF_CRL_URL
    assert {d["url"] for d in result["details"]["documents"]} >= {LEAF_CRL_URL, ROOT_CRL_URL}
    # checked, so the verdict does not also say it was not
    assert result["details"]["certificate_chain"]["revocation"] == "checked"
    assert not any(r.startswith("not checked: whether any certificate") for r in result["reasons"]), result["reasons"]


def test_a_crl_for_the_seal_alone_says_the_issuing_ca_was_not_checked(sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    envelope = with_unsigned(envelope, rvals(crl("Test Issuing CA", chain.intermediate_key)))
    _, result = check(capsys, tmp_path, envelope, root)
    assert result["verdict"] == "verified", result["reasons"]
    checked = next(r for r in result["reasons"] if r.startswith(CHECKED))
    assert "(CRL embedded in the signature" in checked
    assert checked.endswith(f"; not checked for {ISSUING_CA} (no usable CRL at hand)")
    revocation = result["details"]["revocation"]
    assert revocation["checked"] is False
    assert [c["status"] for c in revocation["certificates"]] == ["good", "unchecked"]
    assert result["details"]["certificate_chain"]["revocation"] == "partly checked"


def test_ocsp_responses_in_rvals_are_said_to_be_unread(sealed, tmp_path, capsys):
    _, envelope, root = sealed
    _, result = check(capsys, tmp_path, with_unsigned(envelope, {"rVals": {"ocspVals": [{"val": "MAA="}]}}), root)
    assert result["verdict"] == "verified", result["reasons"]
    assert any("OCSP responses" in r and "not read" in r for r in result["reasons"]), result["reasons"]
    assert not any(r.startswith(CHECKED) for r in result["reasons"])


# -- CRLs that are no evidence: ignored with the reason, never "checked", never "revoked" ----------------------


def _unusable(chain, case: str) -> tuple[bytes, str]:
    listed = ((chain.leaf, REVOKED_AT, x509.ReasonFlags.key_compromise),)
    if case == "another key":
        # the attacker's CRL in the issuing CA's name, "revoking" the genuine seal
        return crl("Test Issuing CA", p256(), listed), "its signature does not verify with the key of " + ISSUING_CA
    if case == "expired":
        old = crl("Test Issuing CA", chain.intermediate_key, (), this_update=datetime(2026, 4, 1, tzinfo=timezone.utc),
                  next_update=datetime(2026, 4, 8, tzinfo=timezone.utc))
        return old, "it is not current at 2026-06-01T00:00:00Z (issued 2026-04-01T00:00:00Z"
    if case == "another issuer":
        return crl("Other CA", p256()), "it is issued by CN=Other CA"
    if case == "another partition":
        scope = x509.IssuingDistributionPoint(
            [x509.UniformResourceIdentifier("http://crl.issuing-ca.example/partition-2.crl")],
            None, False, False, None, False, False,
        )
        return crl("Test Issuing CA", chain.intermediate_key, (), extensions=((scope, True),)), \
            "a distribution point the certificate does not name"
    if case == "delta":
        return crl("Test Issuing CA", chain.intermediate_key, (), extensions=((x509.DeltaCRLIndicator(6), True),)), \
            "it is a delta CRL"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["another key", "expired", "another issuer", "another partition", "delta"])
@pytest.mark.parametrize("where", ["supplied", "embedded"])
def test_a_crl_that_is_no_evidence_is_ignored_with_its_reason(case, where, sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    der, why = _unusable(chain, case)
    if where == "supplied":
        _, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, der))
    else:
        _, result = check(capsys, tmp_path, with_unsigned(envelope, rvals(der)), root)
    assert result["verdict"] == "verified", result["reasons"]
    assert any(r.startswith("a CRL ") and " is ignored: " in r and why in r for r in result["reasons"]), result["reasons"]
    assert not any(r.startswith(CHECKED) for r in result["reasons"]), result["reasons"]
    revocation = result["details"]["revocation"]
    assert revocation["checked"] is False
    assert revocation["certificates"][0]["status"] == "unchecked"


def test_a_crl_planted_in_an_archive_beside_the_credential_is_not_a_source(sealed, tmp_path, capsys, passphrase):
    chain, envelope, root = sealed
    Wallet.init(paths.wallet_home(), passphrase).close()
    genuine_crl = crl("Test Issuing CA", chain.intermediate_key)  # the CA's own, current, not listing the seal
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("edc.jsonld", json.dumps(envelope))
        zf.writestr("issuing.crl", genuine_crl)
        zf.writestr("crl.issuing-ca.example/issuing.crl", genuine_crl)
    run(["add", "--json", str(bundle)])
    capsys.readouterr()
    code = run(["verify", "--all", "--offline", "--json", "--as-of", "2026-06-01", "--trust-anchor", str(root)])
    results = json.loads(capsys.readouterr().out)["results"]
    assert len(results) == 1 and results[0]["verdict"] == "verified", results
    assert code == ExitCode.OK
    assert not any(r.startswith(CHECKED) for r in results[0]["reasons"]), results[0]["reasons"]
    assert results[0]["details"].get("revocation", {}).get("checked") is not True


# -- proof of existence before the revocation (EN 319 102-1) ---------------------------------------------------


@pytest.mark.parametrize(("stamped", "verdict"), [
    (datetime(2025, 3, 20, 10, 0, 5, tzinfo=timezone.utc), "verified"),
    (datetime(2026, 3, 1, tzinfo=timezone.utc), "invalid"),
])
def test_a_seal_time_stamped_before_the_revocation_stands(stamped, verdict, sealed, tmp_path, capsys):
    chain, envelope, root = sealed
    tsa = make_tsa("Test Root CA", chain.root_key)
    token = time_stamp_token(signature_of(envelope), tsa, stamped)
    envelope = with_unsigned(envelope, {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}})
    _, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, revoked_leaf_crl(chain)))
    assert result["verdict"] == verdict, result["reasons"]
    if verdict == "verified":
        assert any("revoked on 2026-02-01T00:00:00Z" in r and "after the time-stamp that proves the seal" in r
                   for r in result["reasons"]), result["reasons"]
        assert any("sealed before 2025-03-20T10:00:05Z, proven by a time-stamp" in r for r in result["reasons"])
    else:
        assert any("not before the revocation on 2026-02-01T00:00:00Z" in r for r in result["reasons"])


def test_a_crl_issued_after_the_certificate_expired_proves_nothing_by_not_listing_it(tmp_path, capsys):
    chain = seal_pki(leaf_days=365)  # expired 2026-01-01; the seal is proven by a time-stamp of 2025-03-20
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    envelope = jades(EDC, [der_b64(chain.leaf), der_b64(chain.intermediate)], chain.leaf_key)
    tsa = make_tsa("Test Root CA", chain.root_key)
    token = time_stamp_token(signature_of(envelope), tsa, datetime(2025, 3, 20, tzinfo=timezone.utc))
    envelope = with_unsigned(envelope, {"sigTst": {"tstTokens": [{"val": base64.b64encode(token).decode()}]}})
    _, result = check(capsys, tmp_path, envelope, root, (LEAF_CRL_URL, crl("Test Issuing CA", chain.intermediate_key)))
    assert result["verdict"] == "verified", result["reasons"]
    assert any("after CN=Test University seal,O=Test University expired, and need not list it" in r
               for r in result["reasons"]), result["reasons"]
    assert result["details"]["revocation"]["certificates"][0]["status"] == "unchecked"


# -- x5c chains on JWT credentials -----------------------------------------------------------------------------

ISSUER = "https://pid-issuer.example.eu"


def x5c_pki():
    root_key, intermediate_key, leaf_key = p256(), p256(), p256()
    root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    intermediate = certificate("Test Issuing CA", intermediate_key, "Test Root CA", root_key, ca=True)
    leaf = certificate("Test PID Issuer", leaf_key, "Test Issuing CA", intermediate_key, ca=False, days=730,
                       uris=(ISSUER,), dns=("pid-issuer.example.eu",), extensions=(distribution_point(LEAF_CRL_URL),))
    return root, intermediate, leaf, leaf_key, intermediate_key


@pytest.mark.parametrize("revoked", [True, False], ids=["revoked", "not revoked"])
def test_an_sd_jwt_vc_signed_under_a_revoked_certificate_is_invalid(revoked, tmp_path, capsys):
    root, intermediate, leaf, leaf_key, intermediate_key = x5c_pki()
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": [der_b64(leaf), der_b64(intermediate)]}
    claims = {"iss": ISSUER, "vct": "urn:eudi:pid:1", "iat": int(START.timestamp()) + 86400 * 150,
              "exp": int(datetime(2027, 6, 1, tzinfo=timezone.utc).timestamp()), "given_name": "Erika"}
    token = tmp_path / "pid.sd-jwt"
    token.write_text(make_jws(header, claims, leaf_key) + "~")
    root_file = tmp_path / "root.pem"
    root_file.write_bytes(root.public_bytes(Encoding.PEM))
    listed = ((leaf, REVOKED_AT, x509.ReasonFlags.affiliation_changed),) if revoked else ()
    given = tmp_path / "issuing.crl"
    given.write_bytes(crl("Test Issuing CA", intermediate_key, listed))
    code, result = verify(capsys, token, "--trust-anchor", str(root_file), "--document", f"{LEAF_CRL_URL}={given}")
    if revoked:
        assert result["verdict"] == "invalid", result["reasons"]
        assert any("was revoked on 2026-02-01T00:00:00Z, reason code affiliationChanged" in r
                   for r in result["reasons"]), result["reasons"]
        assert code != ExitCode.OK
    else:
        assert result["verdict"] == "verified", result["reasons"]
        assert any(r.startswith(CHECKED) and "CN=Test PID Issuer" in r for r in result["reasons"]), result["reasons"]
        assert result["details"]["revocation"]["certificates"][0]["status"] == "good"
        assert code == ExitCode.OK


# -- the rules of RFC 5280 §6.3.3, on check_revocation itself --------------------------------------------------

AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _path(chain) -> list:
    return [chain.leaf, chain.intermediate, chain.root]


def test_a_ca_whose_key_may_not_sign_crls_is_not_believed_about_revocation():
    from skillwallet.verify.revocation import check_revocation

    root_key, ca_key, leaf_key = p256(), p256(), p256()
    signing_only = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                 data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                                 encipher_only=False, decipher_only=False)
    root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    ca = certificate("Test Issuing CA", ca_key, "Test Root CA", root_key, ca=True, key_usage=signing_only)
    leaf = certificate("Leaf", leaf_key, "Test Issuing CA", ca_key, ca=False)
    result = check_revocation([leaf, ca, root], AS_OF, None, [crl("Test Issuing CA", ca_key)])
    assert result.statuses[0].status == "unchecked"
    assert any("not certified to sign CRLs" in r for r in result.ignored), result.ignored


def test_a_crl_with_a_critical_extension_not_read_is_not_used():
    from skillwallet.verify.revocation import check_revocation

    chain = seal_pki()
    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.55555.1"), b"\x05\x00")
    result = check_revocation(_path(chain), AS_OF, None,
                              [crl("Test Issuing CA", chain.intermediate_key, extensions=((unknown, True),))])
    assert result.statuses[0].status == "unchecked"
    assert any("critical extension skillwallet does not read (1.3.6.1.4.1.55555.1)" in r for r in result.ignored)


def test_remove_from_crl_in_a_base_crl_settles_nothing():
    from skillwallet.verify.revocation import check_revocation

    chain = seal_pki()
    odd = crl("Test Issuing CA", chain.intermediate_key, ((chain.leaf, REVOKED_AT, x509.ReasonFlags.remove_from_crl),))
    result = check_revocation(_path(chain), AS_OF, None, [odd])
    assert result.statuses[0].status == "unchecked" and result.defeating(AS_OF) is None
    assert any("removeFromCRL" in r for r in result.ignored)


@pytest.mark.parametrize("source", ["from-import", "cached"])
def test_a_crl_stored_by_an_import_or_a_fetch_is_not_the_users_word(source, passphrase):
    """Only CRLs supplied for this call or kept on purpose count: a copy an import left or a fetch cached under
    the distribution point URL is not looked at (nothing is ever fetched for revocation either)."""
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION, DocumentResolver, document_record
    from skillwallet.verify.revocation import check_revocation

    chain = seal_pki()
    with Wallet.init(paths.wallet_home(), passphrase) as wallet:
        wallet.put(DOCUMENTS_COLLECTION, LEAF_CRL_URL,
                   document_record(LEAF_CRL_URL, crl("Test Issuing CA", chain.intermediate_key), source=source))
        resolver = DocumentResolver(offline=True, wallet=wallet)
        result = check_revocation(_path(chain), AS_OF, resolver)
        assert result.statuses[0].status == "unchecked" and result.ignored == []
        assert resolver.network_requests == 0
        kept = DocumentResolver(offline=True, wallet=wallet,
                                supplied={LEAF_CRL_URL: crl("Test Issuing CA", chain.intermediate_key)})
        assert check_revocation(_path(chain), AS_OF, kept).statuses[0].status == "good"
