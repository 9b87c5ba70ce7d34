"""DSS's published JAdES test files as test vectors for skillwallet's JAdES seal check (``verify/jades.py``).

DSS (esig/dss) is the EU's reference implementation of ETSI TS 119 182-1; fixtures/dss-jades/SOURCES.md names each
file, its commit and the DSS test class that states what DSS concludes of it. The files sign ``{"title": "Hello
World!"}``, not a credential, so they are checked at the level they allow: the seal (envelope, ``crit``, signature)
and its certificate chain, through :func:`skillwallet.verify.jades.verify_jades` with a real
:class:`DocumentResolver` holding the anchor, at the header's claimed signing time (``sigT``), inside the
certificates' validity periods. The issuer-binding step is handed an issuer named as the certificate's
organisation, so the outcome is the seal's and the chain's alone (that the real payload names no issuer is pinned
on its own). ``skillwallet verify FILE`` refuses them as not credentials (pinned at the end).

A compact JWS is checked as the flattened JSON serialisation of the same three parts (RFC 7515 §7.2.2): the
signing input, ``ASCII(protected || '.' || payload)``, is the same string in both (§5.1 step 8, §7.2.1).

Where skillwallet and DSS differ, the table says who the spec sides with:

* ``crit`` (RFC 7515 §4.1.11). Producers must not list names RFC 7515 defines, duplicates or names absent from the
  header, must not use ``[]``, and "Recipients MAY consider the JWS to be invalid if ... any other constraints on
  its use are violated". DSS finds these signatures intact and classifies them ``JSON_NOT_ETSI`` (not a JAdES
  baseline signature): the lenient reading. skillwallet takes the MAY, uniformly: every violation is a malformed
  ``crit``, the seal ``invalid``. (A well-formed ``crit`` naming a parameter skillwallet does not understand stays
  ``unverifiable``: the JWS is invalid for a recipient that cannot process it, §4.1.11, but the limit is
  skillwallet's, not proof of a bad seal; no DSS file here has one.)
* JAdES parameters present but not marked critical (``b64``, RFC 7797 §6; ``sigT``, ``srCms``, ``sigPl``, which
  DSS's baseline checker requires in ``crit``): DSS again says intact but ``JSON_NOT_ETSI``. skillwallet checks the
  seal and its chain, not JAdES baseline conformance, and reads those parameters only as information, so nothing
  in them changes what it verifies: the seal passes (the same cryptographic conclusion as DSS).
* A malformed ``x5c`` (a string, not an array; RFC 7515 §4.1.6): DSS cannot identify the signing certificate
  (B-level not technically valid). skillwallet calls the seal ``invalid``, as it does for any malformed ``x5c``
  (RFC 7515 §5.2: the JWS cannot be validated), where an AdES validator answers "indeterminate": neither
  accepts it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.hazmat.primitives.serialization import Encoding

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.verify.base import FAIL, PASS, UNKNOWN
from skillwallet.verify.jades import verify_jades
from skillwallet.verify.resolver import DocumentResolver

FIXTURES = Path(__file__).parent / "fixtures" / "dss-jades"
ROOT_CA = "root-ca-2019-10-14.pem"
#: the organisation of every DSS test certificate: the issuer the binding step is given
ORGANISATION = "Nowina Solutions"


@dataclass(frozen=True)
class Vector:
    file: str
    chars: int  # the stored size (total_chars of the published file)
    outcome: str  # skillwallet's, with the anchor, at the as-of date
    reason: str  # a part of skillwallet's reason
    dss: str  # what DSS's test class for the file concludes
    as_of: str | None = None  # None: the header's sigT
    anchor: str = "good-ca"  # "good-ca" (the x5c's own intermediate) or the published root-ca file


VECTORS = [
    # -- valid seals ------------------------------------------------------------------------------------------
    # DSS: B-level technically valid (the default checks of its test class); typ "application/jose", sigT in crit.
    Vector("jades-level-b-full-type.json", 4320, PASS, "validates up to the trust anchor C=LU,OU=PKI-TEST,"
           "O=Nowina Solutions,CN=root-ca", "valid", anchor=ROOT_CA),
    # DSS: B-level technically valid; JSON_NOT_ETSI (neither sigT nor iat; srCms, sigPl not in crit).
    Vector("jades-b-no-signing-time.json", 4496, PASS, "validates up to the trust anchor", "intact, JSON_NOT_ETSI",
           as_of="2024-01-01T00:00:00Z"),
    # DSS: a valid document; the extra "evil" member of the signature object is ignored (RFC 7515 §7.2.1).
    Vector("serialization-extra-element.json", 4454, PASS, "validates up to the trust anchor", "valid"),
    # DSS: B-level technically valid; the flattened serialisation's extra member is ignored (RFC 7515 §7.2.1).
    Vector("flattened-extra-element.json", 3814, PASS, "CN=good-ecdsa-user", "valid (ES256)"),
    # DSS: B-level technically valid; JSON_NOT_ETSI (b64 present but not in crit, RFC 7797 §6). b64 is true,
    # the default meaning: the payload is read the same either way.
    Vector("jades-with-b64-not-in-crit.json", 4319, PASS, "validates up to the trust anchor", "intact, JSON_NOT_ETSI"),
    # DSS: B-level technically valid; JSON_NOT_ETSI (sigT present but not in crit).
    Vector("jades-without-non-critical-header-in-crit.json", 4570, PASS, "validates up to the trust anchor",
           "intact, JSON_NOT_ETSI"),
    # -- altered and broken envelopes -------------------------------------------------------------------------
    # DSS: signing input digest not intact, signature not intact: B-level not valid. "title" became "litle".
    Vector("altered-jws.json", 4378, FAIL, "does not verify with the sealing certificate's key", "not intact"),
    # DSS: the payload (an array) is not found, B-level not technically valid.
    Vector("serialization-wrong-payload-type.json", 4380, FAIL, "the JWS payload is not a string", "payload not found",
           as_of="2020-06-15T00:00:00Z"),
    # DSS: a JWS JSON serialisation that holds no signature.
    Vector("jws-serialization-no-signatures.json", 74, FAIL, "the JWS has no signature", "no signature",
           as_of="2020-06-15T00:00:00Z"),
    # DSS: x5c is a string, the signing certificate is not identified, B-level not technically valid.
    Vector("jades-wrong-x5c-header.json", 2780, FAIL, "'x5c' is not a non-empty list", "no signing certificate"),
    # DSS: alg is an OID (that of P-256), not a JWA name: signature not intact, B-level not technically valid.
    Vector("jades-unsupported-signature-algorithm.json", 4323, UNKNOWN, "algorithm '1.2.840.10045.3.1.7' is not "
           "supported", "not intact"),
    # -- crit (RFC 7515 §4.1.11); DSS: each intact, JSON_NOT_ETSI --------------------------------------------
    # DSS: JSON_NOT_ETSI (crit is []: "Producers MUST NOT use the empty list").
    Vector("jades-with-empty-crit.json", 4296, FAIL, "it is empty", "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI (crit ["sigT", "sigT"]: duplicate names).
    Vector("jades-with-crit-with-duplicated-header.json", 4314, FAIL, "twice", "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI (crit names sigPl, which the header does not have).
    Vector("jades-with-extra-crit-entry.json", 4315, FAIL, "it names sigPl, not in the protected header",
           "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI (crit names etsiU, which is not in the protected header).
    Vector("jades-b-level-with-etsiu-in-crit.json", 4381, FAIL, "it names etsiU, not in the protected header",
           "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI, structure error "#/crit/0: expected type: String, found: JSONArray".
    Vector("jades-with-crit-with-wrong-entry-type.json", 4582, FAIL, "an entry is not a header parameter name",
           "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI, structure error "#/crit: expected type: JSONArray, found: String".
    Vector("jades-with-crit-string-type.json", 4302, FAIL, "it is not an array", "intact, JSON_NOT_ETSI"),
    # DSS: JSON_NOT_ETSI (crit lists alg, cty, kid, x5t#S256, x5c, typ: names RFC 7515 defines).
    Vector("jades-with-critical-headers-in-crit.json", 4359, FAIL, "it names alg, cty, kid, typ, x5c, x5t#S256, "
           "defined by RFC 7515 itself", "intact, JSON_NOT_ETSI"),
]

BY_FILE = {v.file: v for v in VECTORS}
#: jades-unsupported-signature-algorithm.json names an OID as its alg; its signature is RS256 all the same
SIGNED_WITH = {"jades-unsupported-signature-algorithm.json": "RS256"}
#: every file with a signature over its own payload (altered-jws.json is checked against its original below)
SIGNED = [v.file for v in VECTORS if v.file not in ("altered-jws.json", "jws-serialization-no-signatures.json")]


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def envelope(name: str) -> dict:
    """The file as a JWS JSON serialisation: a compact JWS becomes the flattened form of its three parts."""
    content = text(name)
    if content.lstrip().startswith("{"):
        return json.loads(content)
    protected, payload, signature = content.split(".")
    return {"protected": protected, "payload": payload, "signature": signature}


def first_signature(document: dict) -> dict:
    return document["signatures"][0] if "signatures" in document else document


def header(name: str) -> dict:
    return json.loads(b64url(first_signature(envelope(name))["protected"]))


def x5c(name: str) -> list[x509.Certificate]:
    value = header(name)["x5c"]
    values = [value] if isinstance(value, str) else value
    return [x509.load_der_x509_certificate(base64.b64decode(c)) for c in values]


def as_of(vector: Vector) -> datetime:
    when = vector.as_of or header(vector.file)["sigT"]
    return datetime.fromisoformat(when.replace("Z", "+00:00"))


def anchor_pem(vector: Vector) -> bytes:
    if vector.anchor == "good-ca":
        if vector.file in ("jws-serialization-no-signatures.json", "jades-wrong-x5c-header.json",
                           "serialization-wrong-payload-type.json"):
            return (FIXTURES / ROOT_CA).read_bytes()  # refused before any chain is read
        return x5c(vector.file)[1].public_bytes(Encoding.PEM)
    return (FIXTURES / vector.anchor).read_bytes()


def check(vector: Vector, *, anchors: dict[str, bytes] | None = None, when: datetime | None = None,
          payload: dict | None = None):
    if anchors is None:
        anchors = {"anchor.pem": anchor_pem(vector)}
    resolver = DocumentResolver(offline=True, anchors=anchors)
    issuer = {"issuer": {"legalName": {"en": ORGANISATION}}} if payload is None else payload
    return verify_jades(envelope(vector.file), issuer, resolver, when or as_of(vector))


def test_every_file_is_a_vector_and_listed_in_sources() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.name != "SOURCES.md"}
    assert on_disk == set(BY_FILE) | {ROOT_CA}
    sources = (FIXTURES / "SOURCES.md").read_text()
    for name in on_disk:
        assert f"`{name}`" in sources, name


def _verifies(alg: str, key, signing_input: bytes, signature: bytes) -> bool:
    digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[alg[2:]]
    try:
        if alg.startswith("RS"):
            key.verify(signature, signing_input, padding.PKCS1v15(), digest)
        else:  # ES: the JWS signature is R || S (RFC 7518 §3.4)
            half = len(signature) // 2
            r, s = int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
            der = utils.encode_dss_signature(r, s)
            key.verify(der, signing_input, ec.ECDSA(digest))
    except Exception:  # noqa: BLE001 - InvalidSignature, or a key of the other type
        return False
    return True


@pytest.mark.parametrize("name", SIGNED)
def test_the_copies_are_exact(name) -> None:
    # A copy is right when it has the stored size and its signature verifies over the copied signing input with
    # the copied leaf's key, checked with the cryptography package alone: one character off anywhere in the
    # header (which holds the x5c), the payload or the signature, and it does not.
    assert len(text(name)) == BY_FILE[name].chars
    document = envelope(name)
    entry, payload = first_signature(document), document["payload"]
    if isinstance(payload, list):  # serialization-wrong-payload-type.json: the signed payload, inside an array
        (payload,) = payload
    signing_input = f"{entry['protected']}.{payload}".encode("ascii")
    alg = SIGNED_WITH.get(name, header(name)["alg"])
    assert _verifies(alg, x5c(name)[0].public_key(), signing_input, b64url(entry["signature"]))


def test_the_altered_copy_is_the_published_signature_over_one_changed_letter() -> None:
    # altered-jws.json and serialization-extra-element.json carry the same protected header and signature; the
    # second signs the payload the first altered ("title" became "litle"): the alteration is DSS's, not the copy's.
    altered = first_signature(envelope("altered-jws.json"))
    original = first_signature(envelope("serialization-extra-element.json"))
    assert (altered["protected"], altered["signature"]) == (original["protected"], original["signature"])
    assert b64url(envelope("altered-jws.json")["payload"]) == b'{\r\n    "litle": "Hello World!"\r\n}'
    assert b64url(envelope("serialization-extra-element.json")["payload"]) == b'{\r\n    "title": "Hello World!"\r\n}'
    key = x5c("altered-jws.json")[0].public_key()
    signature = b64url(altered["signature"])
    published = envelope("altered-jws.json")["payload"]
    restored = envelope("serialization-extra-element.json")["payload"]
    assert not _verifies("RS256", key, f"{altered['protected']}.{published}".encode(), signature)
    assert _verifies("RS256", key, f"{altered['protected']}.{restored}".encode(), signature)


def test_the_other_copies_have_their_stored_size() -> None:
    for vector in VECTORS:
        assert len(text(vector.file)) == vector.chars, vector.file


def test_the_published_root_ca_issued_the_full_type_good_ca() -> None:
    (root,) = x509.load_pem_x509_certificates((FIXTURES / ROOT_CA).read_bytes())
    good_ca = x5c("jades-level-b-full-type.json")[1]
    good_ca.verify_directly_issued_by(root)  # raises if the copy of either is wrong
    assert root.subject == root.issuer and "CN=root-ca" in root.subject.rfc4514_string()


@pytest.mark.parametrize("name", list(BY_FILE))
def test_skillwallet_concludes_as_the_spec_and_dss(name) -> None:
    vector = BY_FILE[name]
    finding = check(vector)
    assert finding.outcome == vector.outcome, finding.reasons
    assert any(vector.reason in r for r in finding.reasons), finding.reasons
    if vector.outcome == PASS:
        assert finding.reasons[0].startswith("sealed by C=LU,OU=PKI-TEST,O=Nowina Solutions,CN=good-")
        assert finding.details["trust_anchor"]["source"] == "supplied"
    if vector.outcome == UNKNOWN:
        assert finding.unverifiable


def test_the_full_type_chain_runs_from_the_leaf_to_the_published_root() -> None:
    finding = check(BY_FILE["jades-level-b-full-type.json"])
    assert finding.outcome == PASS
    assert [s.split(",CN=")[1] for s in finding.details["chain"]] == ["good-user", "good-ca", "root-ca"]


def test_an_intermediate_is_a_trust_anchor_like_any_ca() -> None:
    # A user who holds only good-ca (as DSS publishes no other root) can anchor there: the path ends at it.
    vector = BY_FILE["jades-level-b-full-type.json"]
    good_ca = x5c(vector.file)[1].public_bytes(Encoding.PEM)
    finding = check(vector, anchors={"good-ca.pem": good_ca})
    assert finding.outcome == PASS
    assert [s.split(",CN=")[1] for s in finding.details["chain"]] == ["good-user", "good-ca"]


@pytest.mark.parametrize("name", [v.file for v in VECTORS if v.outcome == PASS])
def test_without_an_anchor_a_valid_seal_is_unverifiable(name) -> None:
    finding = check(BY_FILE[name], anchors={})
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "the JAdES signature is valid with the key of" in finding.reasons[0]
    assert "none is supplied" in finding.reasons[0]


def test_another_generation_of_the_dss_root_is_not_the_anchor() -> None:
    # Same subject "root-ca", another key: the 2020 good-ca was not issued by the 2019 root.
    root = {ROOT_CA: (FIXTURES / ROOT_CA).read_bytes()}
    finding = check(BY_FILE["jades-with-b64-not-in-crit.json"], anchors=root)
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "does not lead to a trust anchor you supplied" in finding.reasons[0]


def test_after_the_chain_expired_the_seal_is_unverifiable_with_its_dates() -> None:
    # ETSI EN 319 102-1: a valid signature whose certificate expired, with no proof of existence before the
    # expiry, is INDETERMINATE (OUT_OF_BOUNDS_NO_POE), not failed; this file carries no sigTst to prove it
    vector = BY_FILE["jades-level-b-full-type.json"]
    finding = check(vector, when=x5c(vector.file)[0].not_valid_after_utc + timedelta(days=1))
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "not valid at 2021-09-15 (valid 2019-11-14 to 2021-09-14)" in finding.reasons[0]
    assert "no time-stamp proves the seal was made before 2021-09-14" in finding.reasons[0]


def test_altered_fails_before_any_chain_is_consulted() -> None:
    finding = check(BY_FILE["altered-jws.json"], anchors={})
    assert finding.outcome == FAIL and "does not verify" in finding.reasons[0]


def test_the_signed_payload_names_no_issuer_so_the_seal_is_not_bound() -> None:
    # The files sign {"title": ...}: with that payload, a valid anchored seal is still no issuer's credential.
    vector = BY_FILE["jades-level-b-full-type.json"]
    payload = json.loads(b64url(envelope(vector.file)["payload"]))
    assert payload == {"title": "Hello World!"}
    finding = check(vector, payload=payload)
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "not issued to the credential's issuer ((no issuer name))" in finding.reasons[0]


def test_a_crit_in_the_unprotected_header_is_malformed() -> None:
    # RFC 7515 §4.1.11: crit "MUST occur only within the JWS Protected Header". The unprotected header is not
    # signed, so anyone can add one to a published seal; it is still a malformed JWS, not a valid one.
    vector = BY_FILE["serialization-extra-element.json"]
    document = envelope(vector.file)
    document["signatures"][0]["header"] = {"crit": ["sigT"]}
    finding = verify_jades(document, {"issuer": {"legalName": ORGANISATION}},
                           DocumentResolver(offline=True, anchors={"a.pem": anchor_pem(vector)}), as_of(vector))
    assert finding.outcome == FAIL
    assert "crit' header is malformed (RFC 7515 §4.1.11): it is in the unprotected header" in finding.reasons[0]


def test_a_compact_file_is_checked_as_its_flattened_form() -> None:
    # The conversion is lossless: three parts, and the payload segment is the file's own.
    content = text("jades-level-b-full-type.json")
    document = envelope("jades-level-b-full-type.json")
    assert ".".join([document["protected"], document["payload"], document["signature"]]) == content


CLI_REFUSED = {
    "jades-level-b-full-type.json": "a JWS whose payload is not a credential",
    "serialization-extra-element.json": "not a Verifiable Credential",
    "flattened-extra-element.json": "not a Verifiable Credential",
    "altered-jws.json": "not a Verifiable Credential",
}


@pytest.mark.parametrize("name", list(CLI_REFUSED))
def test_verify_refuses_the_files_as_not_credentials(name, capsys) -> None:
    code = run(["verify", "--offline", "--trust-anchor", str(FIXTURES / ROOT_CA), str(FIXTURES / name)])
    out = capsys.readouterr()
    assert code == ExitCode.NOT_VERIFIED
    assert "Traceback" not in out.err
    reasons = [line for line in out.err.splitlines() if line.startswith(str(FIXTURES / name) + ":")]
    assert len(reasons) == 1 and CLI_REFUSED[name] in reasons[0], out.err
    code = run(["verify", "--offline", "--json", str(FIXTURES / name)])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["checks"]["format"] == "fail" and result["checks"]["signature"] == "unknown", result
    assert code == ExitCode.NOT_VERIFIED
