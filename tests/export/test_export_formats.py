"""JSON Resume, LinkedIn links, renewal calendars, signed presentations and the atomic writer."""

from __future__ import annotations

import copy
import json
import os
import stat
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from export_helpers import AS_OF, FakeStored, ob2_hosted_credential, ob3_credential, sample_profile, sample_wallet_items, verified

from skillwallet.errors import ExportError, StorageIOError
from skillwallet.export.calendar import expiry_uid, render_calendar, renewal_uid
from skillwallet.export.files import write_export
from skillwallet.export.jsonresume import build_json_resume, load_schema, render_json_resume, validate_json_resume
from skillwallet.export.linkedin import linkedin_add_url
from skillwallet.export.presentation import sign_presentation
from skillwallet.export.resume import build_resume

# --- JSON Resume --------------------------------------------------------------------------------------------------


def _json_resume() -> dict:
    model = build_resume(sample_profile(), sample_wallet_items(), as_of=AS_OF)
    return json.loads(render_json_resume(model))


def test_json_resume_validates_against_the_official_schema() -> None:
    from jsonschema import Draft7Validator, FormatChecker

    document = _json_resume()
    schema = load_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "certificates" in schema["properties"]
    Draft7Validator(schema, format_checker=FormatChecker()).validate(document)
    assert document["basics"]["name"] == "Zoë Ångström-Nakamura"
    assert document["basics"]["email"] == "zoe@example.org"
    assert {"network": "GitHub", "url": "https://github.com/zoe-example", "username": "zoe-example"} in document["basics"]["profiles"]
    assert {"network": "LinkedIn", "url": "https://www.linkedin.com/in/zoe-example/", "username": "zoe-example"} in document["basics"]["profiles"]


def test_json_resume_certificates_carry_ids_dates_and_expiry() -> None:
    certificates = {c["walletId"]: c for c in _json_resume()["certificates"]}
    cka = certificates["a1b2c3d4e5f6"]
    assert cka["name"] == "Certified Kubernetes Administrator (CKA)®"
    assert cka["issuer"] == "Cloud Native Computing Foundation"
    assert cka["date"] == "2023-11-14"
    assert cka["expiryDate"] == "2030-03-17"
    assert cka["credentialId"] == "urn:uuid:7b1e2c4d-1111-4222-8333-444455556666"
    hosted = certificates["0badc0ffee01"]
    assert hosted["url"] == "https://badges.example.edu/assertions/1234?lang=en&v=2"
    assert certificates["c0ffee000006"]["verification"] == "Signature invalid"


def test_json_resume_skills_list_their_evidence() -> None:
    skills = {s["name"]: s for s in _json_resume()["skills"]}
    assert "Certified Kubernetes Administrator (CKA)®" in skills["Python"]["keywords"]
    assert "Forgery" not in skills


def test_invalid_json_resume_is_refused_before_writing() -> None:
    model = build_resume(sample_profile(), sample_wallet_items(), as_of=AS_OF)
    document = build_json_resume(model)
    document["certificates"][0]["date"] = "14 Nov 2023"
    with pytest.raises(ExportError, match="certificates/0/date"):
        validate_json_resume(document)


# --- LinkedIn -------------------------------------------------------------------------------------------------------


def test_linkedin_url_encodes_every_value() -> None:
    credential = ob3_credential("R&D Lead – Café ® #1 + more", "Müller & Söhne GmbH", index=12,
                                expires=datetime(2027, 2, 28, tzinfo=timezone.utc))
    url = linkedin_add_url(credential)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert " " not in url and "®" not in url
    params = dict(parse_qsl(parts.query, strict_parsing=True))
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "R&D Lead – Café ® #1 + more",
        "organizationName": "Müller & Söhne GmbH",
        "issueYear": "2024",
        "issueMonth": "3",
        "expirationYear": "2027",
        "expirationMonth": "2",
        "certId": credential.credential_id,
    }


def test_linkedin_url_points_at_the_verification_page() -> None:
    credential = ob2_hosted_credential()
    params = dict(parse_qsl(urlsplit(linkedin_add_url(credential)).query))
    assert params["certUrl"] == "https://badges.example.edu/assertions/1234?lang=en&v=2"
    assert "expirationYear" not in params  # no expiry: the field is left out, not sent empty


# --- Calendar -------------------------------------------------------------------------------------------------------


def test_calendar_events_alarms_and_stable_uids() -> None:
    from icalendar import Calendar

    items = sample_wallet_items()
    items[2].credential.expires = datetime(2027, 6, 30, tzinfo=timezone.utc)
    items[2].credential.renewal = "https://issuer.example.org/renew"
    data = render_calendar(items, as_of=AS_OF, remind_days=45, renew_days=90)
    calendar = Calendar.from_ical(data)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    # the CKA (2030) and the privacy certificate (2027); First Aid expired in 2025 and is left out
    assert set(events) == {
        expiry_uid("a1b2c3d4e5f6"), renewal_uid("a1b2c3d4e5f6"),
        expiry_uid("c0ffee000003"), renewal_uid("c0ffee000003"),
    }
    expiry = events[expiry_uid("c0ffee000003")]
    assert expiry.decoded("dtstart") == date(2027, 6, 30)
    assert str(expiry["summary"]) == "Expires: Zertifikat für Datenschutz – Grundlagen"
    assert str(expiry["url"]) == "https://issuer.example.org/renew"
    (alarm,) = expiry.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(days=-45)
    assert events[renewal_uid("c0ffee000003")].decoded("dtstart") == date(2027, 6, 30) - timedelta(days=90)
    # the same export twice gives the same UIDs
    again = Calendar.from_ical(render_calendar(items, as_of=AS_OF + timedelta(days=1), remind_days=45, renew_days=90))
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)


def test_calendar_without_expiring_credentials_is_an_export_error() -> None:
    items = [i for i in sample_wallet_items() if i.credential.expires is None]
    with pytest.raises(ExportError, match="no chosen credential expires"):
        render_calendar(items, as_of=AS_OF)


# --- Presentation ---------------------------------------------------------------------------------------------------


def _holder():
    import base58
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    did = "did:key:z" + base58.b58encode(b"\xed\x01" + public).decode()
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def _verify(vp: dict, did: str, *, challenge: str | None, domain: str | None):
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs
    from skillwallet.verify.resolver import DocumentResolver

    return verify_data_integrity_proofs(
        vp, resolver=DocumentResolver(offline=True), issuer=did, expected_purpose="authentication",
        challenge=challenge, domain=domain,
    )


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_presentation_verifies_and_fails_once_tampered(cryptosuite: str) -> None:
    key, did, method = _holder()
    items = sample_wallet_items()
    result = sign_presentation(items, private_key=key, holder=did, verification_method=method,
                               challenge="nonce-123", domain="https://jobs.example.com", cryptosuite=cryptosuite)
    vp = json.loads(result.to_bytes())
    assert vp["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vp["type"] == ["VerifiablePresentation"] and vp["holder"] == did
    proof = vp["proof"]
    assert (proof["cryptosuite"], proof["proofPurpose"], proof["challenge"], proof["domain"]) == (
        cryptosuite, "authentication", "nonce-123", "https://jobs.example.com")
    assert _verify(vp, did, challenge="nonce-123", domain="https://jobs.example.com").outcome == "pass"

    tampered = copy.deepcopy(vp)
    tampered["verifiableCredential"][1]["credentialSubject"]["achievement"]["name"] = "Doctor of Medicine"
    assert _verify(tampered, did, challenge="nonce-123", domain="https://jobs.example.com").outcome == "fail"
    # replayed to another verifier, or with another challenge
    assert _verify(vp, did, challenge="other", domain="https://jobs.example.com").outcome == "fail"
    assert _verify(vp, did, challenge="nonce-123", domain="https://evil.example").outcome == "fail"


def test_presentation_carries_credentials_unchanged() -> None:
    key, did, method = _holder()
    items = sample_wallet_items()
    # the JWT credential is about did:example:holder: presented by that holder (a verifier's holder binding)
    result = sign_presentation(items, private_key=key, holder="did:example:holder", verification_method=method)
    vp = result.presentation
    # the JWT credential is enveloped with its exact compact serialisation
    enveloped = vp["verifiableCredential"][0]
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    # (a VC 1.1 JWT: RFC 7519 application/jwt, since its payload wraps the credential in a "vc" claim)
    assert enveloped["id"] == "data:application/jwt," + items[0].credential.original.decode()
    # JSON-LD credentials are the parsed original documents, their own proofs intact
    assert vp["verifiableCredential"][1] == json.loads(items[2].credential.original)
    # the OB 2.0 assertion cannot be a VC: skipped with the reason and its hosted URL
    assert result.included == ["a1b2c3d4e5f6", "c0ffee000003", "c0ffee000004", "c0ffee000005", "c0ffee000006"]
    (skipped_id, reason), = result.skipped
    assert skipped_id == "0badc0ffee01" and "https://badges.example.edu/assertions/1234" in reason


def test_presentation_leaves_out_credentials_about_another_did() -> None:
    """A verifier fails holder binding on a credential whose subject is a DID other than the holder's; the whole
    presentation would fail, so such a credential is left out with the reason."""
    key, did, method = _holder()
    items = sample_wallet_items()
    result = sign_presentation(items, private_key=key, holder=did, verification_method=method)
    assert "a1b2c3d4e5f6" not in result.included
    reasons = dict(result.skipped)
    assert "did:example:holder" in reasons["a1b2c3d4e5f6"] and did in reasons["a1b2c3d4e5f6"]
    assert "c0ffee000003" in result.included  # no subject id: nothing to bind, it goes in


def test_presentation_reads_subjects_as_the_verifier_does() -> None:
    """The presentation reads a JSON-LD entry's subjects itself (the verifier is imported only for an enveloped
    token): it must read them exactly as the verifier's holder binding does, or it would put in a credential
    that makes the whole presentation fail, or leave out one that binds."""
    from skillwallet.export import presentation
    from skillwallet.verify import verifier

    key, did, method = _holder()
    base = json.loads(ob3_credential("Bound", "Issuer", index=41).original)
    shapes = [
        {"id": did}, {"id": did + "#key-1"}, {"id": "did:example:someone-else/path?x=1"}, {"id": "mailto:a@example.org"},
        [{"id": did}, {"id": "did:example:other"}], [{"name": "no id"}, "not-a-dict", {"id": 7}], None, [], "did:example:a-string",
    ]
    for subjects in shapes:
        entry = dict(base, credentialSubject=subjects) if subjects is not None else {k: v for k, v in base.items() if k != "credentialSubject"}
        assert presentation._subject_ids(entry) == verifier.subject_ids(entry), subjects
    for item in sample_wallet_items():
        try:
            entry = presentation.presentation_entry(item.credential)
        except ExportError:
            continue
        assert presentation._subject_ids(entry) == verifier.subject_ids(entry)
    for value in (did, did + "#k", "did:web:example.org:user/alice?v=1#k", "did:", "https://example.org", None, 7, ""):
        assert presentation._did_of(value) == verifier.did_of(value)

    # and the binding it predicts: the one about another DID is left out, the rest go in
    about_other = FakeStored("0ther0000042", ob3_credential("Other", "Issuer", index=42), verified())
    document = json.loads(about_other.credential.original)
    document["credentialSubject"]["id"] = "did:example:other#k"
    about_other.credential.original = json.dumps(document).encode()
    mine = FakeStored("m1ne00000043", ob3_credential("Mine", "Issuer", index=43), verified())
    document = json.loads(mine.credential.original)
    document["credentialSubject"]["id"] = did + "#key-1"
    mine.credential.original = json.dumps(document).encode()
    result = sign_presentation([about_other, mine], private_key=key, holder=did, verification_method=method)
    assert result.included == ["m1ne00000043"] and "did:example:other" in dict(result.skipped)["0ther0000042"]


def test_signing_a_presentation_of_json_ld_credentials_does_not_import_the_verifier() -> None:
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from export_helpers import FakeStored, ob3_credential, verified
        from skillwallet.export.presentation import sign_presentation

        items = [FakeStored(f"{i:012x}", ob3_credential(f"Course {i}", "Issuer", index=i), verified()) for i in range(3)]
        key = Ed25519PrivateKey.from_private_bytes(bytes(32))
        result = sign_presentation(items, private_key=key, holder="did:example:me", verification_method="did:example:me#k",
                                   cryptosuite="eddsa-jcs-2022")
        assert len(result.included) == 3
        print("skillwallet.verify.verifier" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_presentation_of_only_ob2_is_an_export_error() -> None:
    key, did, method = _holder()
    item = FakeStored("0badc0ffee01", ob2_hosted_credential(), verified())
    with pytest.raises(ExportError, match="nothing to present"):
        sign_presentation([item], private_key=key, holder=did, verification_method=method)


def test_presentation_refuses_to_sign_what_rdfc_would_not_cover() -> None:
    key, did, method = _holder()
    credential = ob3_credential("Odd", "Issuer", index=40)
    document = json.loads(credential.original)
    document["notInAnyContext"] = "an undefined term"
    credential.original = json.dumps(document).encode()
    item = FakeStored("0dd000000040", credential, verified())
    with pytest.raises(ExportError) as info:
        sign_presentation([item], private_key=key, holder=did, verification_method=method)
    assert "cannot sign the presentation" in info.value.message
    assert "notInAnyContext" in info.value.message
    assert info.value.hints


# --- Atomic writes --------------------------------------------------------------------------------------------------


def test_write_export_creates_a_private_file_and_replaces_atomically(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "resume.pdf"
    write_export(target, b"first")
    assert target.read_bytes() == b"first"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_export(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["resume.pdf"]


def test_write_export_errors_leave_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(StorageIOError, match="does not exist"):
        write_export(tmp_path / "missing" / "x.pdf", b"data")
    with pytest.raises(StorageIOError, match="is a folder"):
        write_export(tmp_path, b"data")
    # a failure in the middle (disk full at fsync): no temp file, the old target untouched
    target = tmp_path / "vp.json"
    target.write_bytes(b"old")
    import errno

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageIOError, match="the disk is full"):
        write_export(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vp.json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_write_export_to_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageIOError, match="permission denied"):
            write_export(folder / "x.pdf", b"data")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def _did_key(seed: int):
    import base58
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    did = "did:key:z" + base58.b58encode(b"\xed\x01" + public).decode()
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def _really_signed_credentials() -> list[FakeStored]:
    """An OB 3.0 credential with a real eddsa-rdfc-2022 proof and a real VC-JOSE (vc+jwt) token, both by an issuer
    did:key: what a holder actually presents."""
    import base64

    from skillwallet.model import FORMAT_VC_JOSE, Credential, Issuer
    from skillwallet.verify.data_integrity import sign_data_integrity

    issuer_key, issuer_did, issuer_method = _did_key(7)
    document = json.loads(ob3_credential("Data Protection Officer", "TU München", index=50).original)
    document.pop("proof")
    document["issuer"]["id"] = issuer_did
    signed = sign_data_integrity(document, issuer_key, issuer_method, created=AS_OF)
    ob3 = ob3_credential("Data Protection Officer", "TU München", index=50)
    ob3.original = json.dumps(signed).encode()
    ob3.issuer.id = issuer_did

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0f0e0d0c-0000-4000-8000-000000000051",
        "type": ["VerifiableCredential"],
        "issuer": issuer_did,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": _holder()[1], "name": "Zoë"},  # issued to the presenting holder's DID
    }
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": issuer_method}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    token = f"{signing_input}.{b64(issuer_key.sign(signing_input.encode()))}"
    jose = Credential(format=FORMAT_VC_JOSE, original=token.encode(), media_type="application/vc+jwt",
                      credential_id=payload["id"], title="Holder name", issuer=Issuer(id=issuer_did))
    return [FakeStored("51a5ed000050", ob3, verified()), FakeStored("51a5ed000051", jose, verified())]


def test_presentation_passes_the_wallet_verifier_end_to_end() -> None:
    from skillwallet.verify.resolver import DocumentResolver
    from skillwallet.verify.verifier import verify_presentation

    key, did, method = _holder()
    result = sign_presentation(_really_signed_credentials(), private_key=key, holder=did, verification_method=method,
                               challenge="c-42", domain="hr.example.com")
    vp = json.loads(result.to_bytes())
    verdict, inner = verify_presentation(vp, resolver=DocumentResolver(offline=True), as_of=AS_OF,
                                         challenge="c-42", domain="hr.example.com")
    assert verdict.verdict == "verified", verdict.reasons
    assert [v.verdict for v in inner] == ["verified", "verified"], [v.reasons for v in inner]

    # change one character of the embedded JOSE token's payload: the credential fails, and so does the holder proof
    tampered = copy.deepcopy(vp)
    envelope = tampered["verifiableCredential"][1]
    head, payload, signature = envelope["id"].split(",", 1)[1].split(".")
    forged = json.loads(base64_decode(payload))
    forged["credentialSubject"]["name"] = "Mallory"
    envelope["id"] = "data:application/vc+jwt," + ".".join([head, base64_encode(json.dumps(forged).encode()), signature])
    verdict, inner = verify_presentation(tampered, resolver=DocumentResolver(offline=True), as_of=AS_OF,
                                         challenge="c-42", domain="hr.example.com")
    assert verdict.verdict == "invalid"
    assert inner[1].verdict == "invalid"


def base64_decode(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def base64_encode(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_enveloped_vc11_jwt_verifies_inside_a_presentation() -> None:
    import base64

    from skillwallet.model import FORMAT_VC_JWT, Credential, Issuer
    from skillwallet.verify.resolver import DocumentResolver
    from skillwallet.verify.verifier import verify_presentation

    issuer_key, issuer_did, issuer_method = _did_key(9)

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    holder_did = _holder()[1]  # issued to the presenting holder's DID (holder binding)
    payload = {"iss": issuer_did, "sub": holder_did, "jti": "urn:uuid:11111111-2222-4333-8444-555555555555",
               "nbf": 1700000000, "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                                          "type": ["VerifiableCredential"], "credentialSubject": {"id": holder_did}}}
    signing_input = f"{b64(json.dumps({'alg': 'EdDSA', 'typ': 'JWT', 'kid': issuer_method}).encode())}.{b64(json.dumps(payload).encode())}"
    token = f"{signing_input}.{b64(issuer_key.sign(signing_input.encode()))}"
    credential = Credential(format=FORMAT_VC_JWT, original=token.encode(), media_type="application/jwt",
                            credential_id=payload["jti"], issuer=Issuer(id=issuer_did))
    key, did, method = _holder()
    vp = sign_presentation([FakeStored("aaaaaaaaaaaa", credential, verified())], private_key=key, holder=did,
                           verification_method=method).presentation
    verdict, inner = verify_presentation(vp, resolver=DocumentResolver(offline=True), as_of=AS_OF)
    assert verdict.verdict == "verified"
    assert inner[0].verdict == "verified", inner[0].reasons


def test_write_export_permission_denied_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fault injection for machines where tests run as root (folder modes do not stop root)."""
    import errno

    folder = tmp_path / "out"
    folder.mkdir()
    real_open = os.open

    def denied(path, flags, mode=0o777, *args, **kwargs):
        if str(path).startswith(str(folder)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(StorageIOError, match="permission denied"):
        write_export(folder / "resume.pdf", b"data")
    monkeypatch.undo()
    assert list(folder.iterdir()) == []
