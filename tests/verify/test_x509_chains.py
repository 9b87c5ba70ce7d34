"""X.509 ``x5c`` chains on SD-JWT VCs and VC-JWTs, against trust anchors the user supplies.

No published EUDI sample comes with both its issuer chain and the private keys a tampered twin would need, so the
chains are made here with fresh keys (tests/verify/x509_helpers.py), shaped like the EUDI test PKI. Every
attack uses the attacker's own keys.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from test_jose_helpers import make_jws, replace_payload
from x509_helpers import certificate, der_b64, p256, pki

ISSUER = "https://pid-issuer.example.eu"
AS_OF = "2026-06-01"
IAT = int(datetime(2025, 6, 1, tzinfo=timezone.utc).timestamp())
EXP = int(datetime(2027, 6, 1, tzinfo=timezone.utc).timestamp())


def sd_jwt_vc(chain, key, iss: str = ISSUER, **extra) -> str:
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": chain, **extra}
    claims = {"iss": iss, "vct": "urn:eudi:pid:1", "iat": IAT, "exp": EXP, "given_name": "Erika", "family_name": "Mustermann"}
    return make_jws(header, claims, key) + "~"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def verify(capsys, token_file: Path, *anchors: Path) -> tuple[int, dict]:
    args = ["verify", "--offline", "--json", "--as-of", AS_OF]
    for anchor in anchors:
        args += ["--trust-anchor", str(anchor)]
    code = run([*args, str(token_file)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0]


@pytest.fixture
def genuine(tmp_path):
    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    return chain, token, root


def test_an_sd_jwt_vc_whose_chain_leads_to_a_supplied_anchor_is_verified(genuine, capsys) -> None:
    chain, token, root = genuine
    code, result = verify(capsys, token, root)
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["signature"] == "pass" and result["checks"]["issuer_binding"] == "pass"
    assert code == ExitCode.OK
    assert any("CN=Test PID Issuer" in r for r in result["reasons"]), result["reasons"]


def test_without_an_anchor_the_chain_is_unverifiable_naming_the_leaf_subject(genuine, capsys) -> None:
    _, token, _ = genuine
    code, result = verify(capsys, token)
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    assert any("CN=Test PID Issuer" in r and "trust anchor" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_a_chain_from_an_attackers_own_ca_is_not_verified(genuine, tmp_path, capsys) -> None:
    _, _, root = genuine
    attacker = pki(ISSUER)  # the same names, the attacker's own root
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc(attacker.x5c, attacker.leaf_key))
    code, result = verify(capsys, forged, root)
    assert result["verdict"] == "unverifiable", result
    assert any("does not lead to a trust anchor you supplied" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_a_leaf_not_signed_by_the_intermediate_is_invalid(genuine, tmp_path, capsys) -> None:
    chain, _, root = genuine
    attacker_key = p256()
    # the issuing CA's name on a leaf signed by the attacker's key: the intermediate never signed it
    leaf = certificate("Test PID Issuer", attacker_key, "Test Issuing CA", p256(), ca=False, uris=(ISSUER,))
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc([der_b64(leaf), der_b64(chain.intermediate)], attacker_key))
    code, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid", result
    assert any("does not validate" in r for r in result["reasons"]), result["reasons"]


def test_a_leaf_issued_to_another_name_is_invalid(tmp_path, capsys) -> None:
    other = pki("https://other-issuer.example.org")  # a genuine certificate, for someone else
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(other.x5c, other.leaf_key, iss=ISSUER))
    root = write(tmp_path, "root.pem", other.root_pem())
    code, result = verify(capsys, token, root)
    assert result["verdict"] == "invalid", result
    assert any("is issued to https://other-issuer.example.org" in r for r in result["reasons"]), result["reasons"]


def test_the_host_of_an_https_issuer_matches_a_dns_name(tmp_path, capsys) -> None:
    chain = pki(ISSUER, uris=())  # only a dNSName SAN
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    _, result = verify(capsys, token, root)
    assert result["verdict"] == "verified", result["reasons"]


def test_a_leaf_expired_at_the_as_of_date_is_unverifiable_not_invalid(tmp_path, capsys) -> None:
    # EN 319 102-1 OUT_OF_BOUNDS_NO_POE: the signature may have been made while the leaf was valid, and nothing
    # proves it was; an expired certificate never makes a credential verified, nor does it make it a forgery
    chain = pki(ISSUER, leaf_days=365)  # 2025-01-01 to 2026-01-01; AS_OF is 2026-06-01
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    code, result = verify(capsys, token, root)
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    assert any(
        "the signature is valid with the key of the certificate CN=Test PID Issuer,O=Test PID Provider,C=EU, but "
        "the certificate CN=Test PID Issuer,O=Test PID Provider,C=EU is not valid at 2026-06-01 "
        "(valid 2025-01-01 to 2026-01-01): no time-stamp proves the signature was made before 2026-01-01" in r
        for r in result["reasons"]
    ), result["reasons"]
    assert code != ExitCode.OK
    # the same credential checked while its leaf was valid: the chain itself is whole
    code = run(["verify", "--offline", "--json", "--as-of", "2025-06-01", "--trust-anchor", str(root), str(token)])
    assert json.loads(capsys.readouterr().out)["results"][0]["verdict"] == "verified"


def test_a_leaf_not_yet_valid_at_the_as_of_date_is_unverifiable(tmp_path, capsys) -> None:
    chain = pki(ISSUER)  # from 2025-01-01
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    code = run(["verify", "--offline", "--json", "--as-of", "2024-12-01", "--trust-anchor", str(root), str(token)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["verdict"] == "unverifiable", result
    assert any("is not valid at 2024-12-01 (valid 2025-01-01 to 2027-01-01)" in r
               and "check it at a date from 2025-01-01 on" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_an_expired_leaf_without_an_anchor_says_both(tmp_path, capsys) -> None:
    chain = pki(ISSUER, leaf_days=365)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key))
    _, result = verify(capsys, token)
    assert result["verdict"] == "unverifiable", result
    assert any("no time-stamp proves the signature was made before 2026-01-01" in r and "no trust anchor" in r
               for r in result["reasons"]), result["reasons"]


def test_a_signature_by_another_key_under_an_expired_leaf_is_still_invalid(tmp_path, capsys) -> None:
    # an attacker holding a genuine expired chain but not its key: the signature check runs and fails
    chain = pki(ISSUER, leaf_days=365)
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc(chain.x5c, p256()))
    root = write(tmp_path, "root.pem", chain.root_pem())
    _, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_an_expired_leaf_the_intermediate_did_not_sign_is_still_invalid(tmp_path, capsys) -> None:
    # expired and forged: the chain is broken at every time, which is what decides
    chain = pki(ISSUER)
    attacker_key = p256()
    leaf = certificate("Test PID Issuer", attacker_key, "Test Issuing CA", p256(), ca=False, days=365, uris=(ISSUER,))
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc([der_b64(leaf), der_b64(chain.intermediate)], attacker_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    _, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid", result
    assert any("does not validate" in r for r in result["reasons"]), result["reasons"]


def test_an_expired_leaf_issued_to_another_name_is_still_invalid(tmp_path, capsys) -> None:
    other = pki("https://other-issuer.example.org", leaf_days=365)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(other.x5c, other.leaf_key, iss=ISSUER))
    root = write(tmp_path, "root.pem", other.root_pem())
    _, result = verify(capsys, token, root)
    assert result["verdict"] == "invalid", result
    assert any("is issued to https://other-issuer.example.org" in r for r in result["reasons"]), result["reasons"]


def test_a_chain_whose_certificates_are_never_valid_together_is_invalid(tmp_path, capsys) -> None:
    # a leaf whose validity starts after its issuing CA's ended: no time exists at which the chain validates
    from datetime import timedelta

    from x509_helpers import START

    chain = pki(ISSUER)
    leaf = certificate("Test PID Issuer", chain.leaf_key, "Test Issuing CA", chain.intermediate_key, ca=False,
                       start=START + timedelta(days=3660), uris=(ISSUER,))
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc([der_b64(leaf), der_b64(chain.intermediate)], chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    _, result = verify(capsys, token, root)
    assert result["verdict"] == "invalid", result
    assert any("never valid at the same time" in r for r in result["reasons"]), result["reasons"]


def test_a_payload_changed_after_signing_is_invalid(genuine, tmp_path, capsys) -> None:
    chain, token, root = genuine
    jwt = token.read_text().rstrip("~")
    claims = {"iss": ISSUER, "vct": "urn:eudi:pid:1", "iat": IAT, "exp": EXP + 10 * 365 * 86400, "given_name": "Erika"}
    forged = write(tmp_path, "forged.sd-jwt", replace_payload(jwt, claims) + "~")
    _, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_a_signature_by_another_key_than_the_leafs_is_invalid(genuine, tmp_path, capsys) -> None:
    chain, _, root = genuine
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc(chain.x5c, p256()))
    _, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid", result


def test_a_vc_jwt_with_an_x5c_chain_is_verified_with_its_anchor(tmp_path, capsys) -> None:
    chain = pki("https://university.example")
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "https://university.example",
        "issuanceDate": "2025-06-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ada", "name": "Ada"},
    }
    claims = {"iss": "https://university.example", "nbf": IAT, "sub": "did:example:ada", "vc": vc}
    token = write(tmp_path, "degree.jwt", make_jws({"alg": "ES256", "typ": "JWT", "x5c": chain.x5c}, claims, chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    _, result = verify(capsys, token, root)
    assert result["verdict"] == "verified", result["reasons"]
    _, result = verify(capsys, token)
    assert result["verdict"] == "unverifiable", result


def test_a_kept_anchor_is_used_until_removed(genuine, wallet_home, capsys) -> None:
    chain, token, root = genuine
    der = root.with_suffix(".der")
    der.write_bytes(chain.root.public_bytes(Encoding.DER))
    assert run(["documents", "add-anchor", str(der)]) == ExitCode.OK
    assert "trusting CN=Test Root CA" in capsys.readouterr().err
    assert run(["documents", "list", "--json"]) == ExitCode.OK
    listed = json.loads(capsys.readouterr().out)
    (anchor,) = listed["anchors"]
    assert anchor["subject"].startswith("CN=Test Root CA")
    _, result = verify(capsys, token)
    assert result["verdict"] == "verified", result["reasons"]
    assert run(["documents", "remove-anchor", anchor["sha256"][:16]]) == ExitCode.OK
    capsys.readouterr()
    _, result = verify(capsys, token)
    assert result["verdict"] == "unverifiable", result


def test_add_with_a_trust_anchor_stores_the_verified_verdict(genuine, wallet_home, passphrase, capsys) -> None:
    _, token, root = genuine
    assert run(["add", "--offline", "--trust-anchor", str(root), str(token)]) == ExitCode.OK, capsys.readouterr().err
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = wallet.list_credentials()
    assert stored.verdict.verdict == "verified", stored.verdict.reasons


def test_a_trust_anchor_that_is_not_a_certificate_is_refused(tmp_path, capsys) -> None:
    bogus = write(tmp_path, "anchor.pem", "not a certificate")
    token = write(tmp_path, "x.sd-jwt", "a.b.c~")
    code = run(["verify", "--offline", "--trust-anchor", str(bogus), str(token)])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.startswith("error: ") and "is not an X.509 certificate" in err and "Traceback" not in err


@pytest.fixture
def wallet_home(passphrase: str) -> Path:
    home = paths.wallet_home()
    Wallet.init(home, passphrase).close()
    return home


# ---- Token Status List (draft-ietf-oauth-status-list) -------------------------------------------------------

STATUS_URI = "https://pid-issuer.example.eu/statuslists/1"


def status_list_token(chain, key, values: list[int], *, bits: int = 1, sub: str = STATUS_URI) -> str:
    import zlib

    from skillwallet.verify.keys import b64url_encode

    packed = bytearray((len(values) * bits + 7) // 8)
    for index, value in enumerate(values):
        packed[index * bits // 8] |= value << (index * bits % 8)  # least significant bits first (§4.1)
    claims = {"sub": sub, "iat": IAT, "exp": EXP, "ttl": 43200,
              "status_list": {"bits": bits, "lst": b64url_encode(zlib.compress(bytes(packed)))}}
    return make_jws({"alg": "ES256", "typ": "statuslist+jwt", "x5c": chain}, claims, key)


def with_status(chain, key, idx: int) -> str:
    header = {"alg": "ES256", "typ": "dc+sd-jwt", "x5c": chain}
    claims = {"iss": ISSUER, "vct": "urn:eudi:pid:1", "iat": IAT, "exp": EXP, "given_name": "Erika",
              "status": {"status_list": {"idx": idx, "uri": STATUS_URI}}}
    return make_jws(header, claims, key) + "~"


@pytest.mark.parametrize(("idx", "expected"), [(0, "pass"), (3, "revoked"), (5, "suspended")])
def test_the_status_list_token_of_the_issuer_answers(idx, expected, tmp_path, capsys) -> None:
    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", with_status(chain.x5c, chain.leaf_key, idx))
    values = [0, 0, 0, 1, 0, 2, 0, 0]
    status = write(tmp_path, "status.jwt", status_list_token(chain.x5c, chain.leaf_key, values, bits=2))
    root = write(tmp_path, "root.pem", chain.root_pem())
    args = ["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root),
            f"--document={STATUS_URI}={status}", str(token)]
    code = run(args)
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["status"] == expected, result["reasons"]
    assert (code == ExitCode.OK) == (expected == "pass")


@pytest.mark.parametrize("who", ["attacker", "other-sub", "absent"])
def test_a_status_list_token_that_is_not_the_issuers_is_not_honoured(who, tmp_path, capsys) -> None:
    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", with_status(chain.x5c, chain.leaf_key, 0))
    root = write(tmp_path, "root.pem", chain.root_pem())
    args = ["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root)]
    if who == "attacker":  # revokes a genuine credential with a list of their own
        attacker = pki(ISSUER)
        args.append(f"--document={STATUS_URI}={write(tmp_path, 's.jwt', status_list_token(attacker.x5c, attacker.leaf_key, [1]))}")
    elif who == "other-sub":
        args.append(f"--document={STATUS_URI}={write(tmp_path, 's.jwt', status_list_token(chain.x5c, chain.leaf_key, [1], sub='https://pid-issuer.example.eu/statuslists/2'))}")
    run([*args, str(token)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["verdict"] == "verified"
    assert result["checks"]["status"] == "unknown", result["reasons"]
    assert any(r.startswith("status: ") for r in result["reasons"]), result["reasons"]


# ---- what a CA in the chain may vouch for: name constraints, the leaf's own extensions (RFC 5280) ---------------


def constrained_chain(leaf_uris: tuple[str, ...], leaf_dns: tuple[str, ...] = (), *, permitted=("university.example",),
                      excluded=()):
    """A root, an intermediate CA the root limits to DNS names (RFC 5280 §4.2.1.10) and a leaf it issued."""
    from cryptography import x509

    root_key, intermediate_key, leaf_key = p256(), p256(), p256()
    root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    constraints = x509.NameConstraints(
        permitted_subtrees=[x509.DNSName(d) for d in permitted] or None,
        excluded_subtrees=[x509.DNSName(d) for d in excluded] or None,
    )
    intermediate = certificate("University CA", intermediate_key, "Test Root CA", root_key, ca=True,
                               extensions=((constraints, True),))
    leaf = certificate("Issuer", leaf_key, "University CA", intermediate_key, ca=False, uris=leaf_uris, dns=leaf_dns)
    return [der_b64(leaf), der_b64(intermediate)], leaf_key, root


@pytest.mark.parametrize(("iss", "permitted", "excluded"), [
    (ISSUER, ("university.example",), ()),  # a host outside the permitted subtree
    ("https://pid-issuer.example.eu:8443/tenant", ("university.example",), ()),
    ("urn:example:pid-issuer", ("university.example",), ()),  # no host at all, from a CA limited to hosts
    (ISSUER, (), ("example.eu",)),  # a host in an excluded subtree
])
def test_a_name_constrained_ca_cannot_vouch_for_an_issuer_uri_outside_its_names(iss, permitted, excluded, tmp_path, capsys) -> None:
    """An intermediate limited to DNS names under university.example issues a leaf whose only name is a URI SAN for
    another issuer. RFC 5280 checks dNSName constraints against dNSName SANs only, so the chain validates; but the
    URI names a host the CA may not vouch for (§4.2.1.10: for URIs "the constraint applies to the host part")."""
    x5c, key, root = constrained_chain((iss,), permitted=permitted, excluded=excluded)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(x5c, key, iss=iss))
    code, result = verify(capsys, token, write(tmp_path, "root.pem", root.public_bytes(Encoding.PEM)))
    assert result["verdict"] == "invalid", result
    assert any("name constraints" in r for r in result["reasons"]), result["reasons"]
    assert code != ExitCode.OK


def test_a_name_constrained_ca_vouches_for_an_issuer_uri_inside_its_names(tmp_path, capsys) -> None:
    iss = "https://pid.university.example/issuer"
    x5c, key, root = constrained_chain((iss,))
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(x5c, key, iss=iss))
    _, result = verify(capsys, token, write(tmp_path, "root.pem", root.public_bytes(Encoding.PEM)))
    assert result["verdict"] == "verified", result["reasons"]



def _leaf_usage(**bits):
    from cryptography import x509

    usage = dict(digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                 key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False)
    usage.update(bits)
    return x509.KeyUsage(**usage)


@pytest.mark.parametrize("leaf", ["ca-certificate", "key-encipherment-only", "certificate-signing-only"])
def test_a_leaf_certificate_not_made_for_signing_is_invalid(leaf, tmp_path, capsys) -> None:
    """RFC 5280 §4.2.1.3: a key whose keyUsage lacks digitalSignature (and nonRepudiation) is not certified to sign
    anything but certificates and CRLs; §4.2.1.9: a CA certificate's key signs certificates, not credentials."""
    chain = pki(ISSUER)
    key = p256()
    usage = {"ca-certificate": None, "key-encipherment-only": _leaf_usage(key_encipherment=True),
             "certificate-signing-only": _leaf_usage(key_cert_sign=True)}[leaf]
    forged = certificate("Test PID Issuer", key, "Test Issuing CA", chain.intermediate_key, ca=leaf == "ca-certificate",
                         uris=(ISSUER,), key_usage=usage)
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc([der_b64(forged), der_b64(chain.intermediate)], key))
    _, result = verify(capsys, token, write(tmp_path, "root.pem", chain.root_pem()))
    assert result["verdict"] == "invalid", result
    assert any("not certified for signing" in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("iss", [
    "https://pid-issuer.example.eu@attacker.example",  # shown as the genuine issuer, bound to attacker.example
    "https://attacker.example?pid-issuer.example.eu",
    "https://attacker.example#pid-issuer.example.eu",
])
def test_an_issuer_url_that_is_not_an_issuer_identifier_is_not_bound_through_its_host(iss, tmp_path, capsys) -> None:
    """The attacker holds a genuine certificate for attacker.example and signs as an ``iss`` that reads like
    another issuer. An issuer identifier is an https URL with a host, optionally a port and path, no query or
    fragment (SD-JWT VC §5 / RFC 8414 §2), and userinfo before a host is the semantic attack of RFC 3986 §7.6."""
    chain = pki("https://attacker.example", uris=())  # a dNSName SAN attacker.example only
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(chain.x5c, chain.leaf_key, iss=iss))
    _, result = verify(capsys, token, write(tmp_path, "root.pem", chain.root_pem()))
    assert result["verdict"] == "invalid", result
    assert any("is issued to attacker.example, not to the issuer" in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("beside", ["jwk", "kid"])
def test_a_genuine_x5c_beside_the_attackers_own_key_is_invalid(beside, genuine, tmp_path, capsys) -> None:
    """The attacker copies the issuer's x5c from a genuine token and names their own key beside it, as a header
    ``jwk`` or a ``kid`` (a did:jwk): whichever key signs, it must be the x5c leaf's or the issuer's own."""
    import base64

    from skillwallet.verify.keys import b64url_encode

    chain, _, root = genuine
    attacker = p256()
    numbers = attacker.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
           "y": b64url_encode(numbers.y.to_bytes(32, "big"))}
    extra = {"jwk": jwk} if beside == "jwk" else {
        "kid": "did:jwk:" + base64.urlsafe_b64encode(json.dumps(jwk).encode()).decode().rstrip("=") + "#0"}
    forged = write(tmp_path, "forged.sd-jwt", sd_jwt_vc(chain.x5c, attacker, **extra))
    _, result = verify(capsys, forged, root)
    assert result["verdict"] == "invalid", result
    expected = "differs from the key of the 'x5c' leaf" if beside == "jwk" else "not by the issuer"
    assert any(expected in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("bits", [8.0, True, 3, "1"])
def test_a_status_list_token_whose_bits_is_not_one_of_the_sizes_answers_nothing(bits, tmp_path, capsys) -> None:
    """Token Status List §4.1: ``bits`` is the integer 1, 2, 4 or 8. Anything else (8.0, true, 3, "1") is no list to
    read: the status is unknown, and the credential's own verdict is untouched."""
    import zlib

    from skillwallet.verify.keys import b64url_encode

    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", with_status(chain.x5c, chain.leaf_key, 3))
    claims = {"sub": STATUS_URI, "iat": IAT, "exp": EXP,
              "status_list": {"bits": bits, "lst": b64url_encode(zlib.compress(bytes([1, 1, 1, 1])))}}
    status = write(tmp_path, "status.jwt", make_jws({"alg": "ES256", "typ": "statuslist+jwt", "x5c": chain.x5c}, claims,
                                                    chain.leaf_key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    run(["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root),
         f"--document={STATUS_URI}={status}", str(token)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    result = json.loads(out.out)["results"][0]
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["status"] == "unknown", result
    assert any("has no valid status_list (bits, lst)" in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("problem", ["index-beyond-the-list", "expired", "self-asserted-jwk"])
def test_a_status_list_token_that_cannot_answer_leaves_the_status_unknown(problem, tmp_path, capsys) -> None:
    """Token Status List §8 (validation): an index past the list's end, a token whose ``exp`` has passed at the
    as-of date, or one signed by nothing but a key in its own header answers nothing: "unknown", never "pass"
    (and never "revoked": the revoked bit below is not honoured either)."""
    import zlib

    from skillwallet.verify.keys import b64url_encode

    chain = pki(ISSUER)
    token = write(tmp_path, "pid.sd-jwt", with_status(chain.x5c, chain.leaf_key, 40 if problem == "index-beyond-the-list" else 3))
    claims = {"sub": STATUS_URI, "iat": IAT, "exp": IAT + 3600 if problem == "expired" else EXP,
              "status_list": {"bits": 1, "lst": b64url_encode(zlib.compress(bytes([0b1000])))}}
    header = {"alg": "ES256", "typ": "statuslist+jwt", "x5c": chain.x5c}
    key = chain.leaf_key
    if problem == "self-asserted-jwk":
        key = p256()
        numbers = key.public_key().public_numbers()
        header = {"alg": "ES256", "typ": "statuslist+jwt", "jwk": {
            "kty": "EC", "crv": "P-256", "x": b64url_encode(numbers.x.to_bytes(32, "big")),
            "y": b64url_encode(numbers.y.to_bytes(32, "big"))}}
    status = write(tmp_path, "status.jwt", make_jws(header, claims, key))
    root = write(tmp_path, "root.pem", chain.root_pem())
    run(["verify", "--offline", "--json", "--as-of", AS_OF, "--trust-anchor", str(root),
         f"--document={STATUS_URI}={status}", str(token)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["status"] == "unknown", result
    expected = {"index-beyond-the-list": "index 40 is beyond the status list", "expired": "expired",
                "self-asserted-jwk": "is not the credential issuer's"}[problem]
    assert any(r.startswith("status: ") and expected in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize("purposes", [("serverAuth",), ("serverAuth", "clientAuth"), ("codeSigning",)])
def test_a_leaf_whose_extended_key_usage_is_for_other_purposes_is_invalid(purposes, tmp_path, capsys) -> None:
    """RFC 5280 §4.2.1.12: with an extendedKeyUsage the certificate "MUST only be used for one of the purposes
    indicated". A TLS server certificate for the issuer's host, whose key sits on every web server and CDN edge
    of that host, is not a credential signer's: anchored in a Web PKI root, it must not make a credential verified."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    chain = pki(ISSUER)
    key = p256()
    oids = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
            "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING}
    tls = certificate("pid-issuer.example.eu", key, "Test Issuing CA", chain.intermediate_key, ca=False,
                      dns=("pid-issuer.example.eu",),
                      extensions=((x509.ExtendedKeyUsage([oids[p] for p in purposes]), False),))
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc([der_b64(tls), der_b64(chain.intermediate)], key))
    _, result = verify(capsys, token, write(tmp_path, "root.pem", chain.root_pem()))
    assert result["verdict"] == "invalid", result
    assert any("not certified for signing" in r and "extendedKeyUsage" in r for r in result["reasons"]), result["reasons"]


def test_a_leaf_whose_extended_key_usage_names_another_signing_purpose_is_verified(tmp_path, capsys) -> None:
    # e.g. the ISO/IEC 18013-5 document signer purpose EUDI PID issuer certificates carry
    from cryptography import x509

    chain = pki(ISSUER)
    key = p256()
    signer = certificate("Test PID Issuer", key, "Test Issuing CA", chain.intermediate_key, ca=False, uris=(ISSUER,),
                         extensions=((x509.ExtendedKeyUsage([x509.ObjectIdentifier("1.0.18013.5.1.2")]), True),))
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc([der_b64(signer), der_b64(chain.intermediate)], key))
    _, result = verify(capsys, token, write(tmp_path, "root.pem", chain.root_pem()))
    assert result["verdict"] == "verified", result["reasons"]


def test_an_x5c_whose_leaf_is_not_first_is_invalid(genuine, tmp_path, capsys) -> None:
    """RFC 7515 §4.1.6: "The certificate containing the public key corresponding to the key used to digitally sign
    the JWS MUST be the first certificate." Reordered, the intermediate CA would be taken for the signer."""
    chain, _, root = genuine
    token = write(tmp_path, "pid.sd-jwt", sd_jwt_vc(list(reversed(chain.x5c)), chain.leaf_key))
    _, result = verify(capsys, token, root)
    assert result["verdict"] == "invalid", result
