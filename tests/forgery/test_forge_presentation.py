"""Forged and replayed Verifiable Presentations: whatever shape the file takes (JSON-LD typed with ``type`` or
``@type``, a raw TAB in a string, a VC 1.1 JWT with a ``vp`` claim, a ``vp+jwt``, an enveloped presentation, a
baked badge image or a QR code), the holder's proof is checked, ``--challenge`` / ``--domain`` are enforced and
the credential subject must be the holder. Every key here is generated in the test; the attacker never has the
honest holder's or issuer's key.
"""

from __future__ import annotations

import base64
import copy
import json
import sys
from pathlib import Path

import pytest
from attacker import Attacker, b64url, make_jws, ob3_credential, sign_data_integrity, write

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "formats"))

from formats_helpers import baked_png, baked_svg  # noqa: E402

from skillwallet.cli.app import run  # noqa: E402
from skillwallet.errors import ExitCode  # noqa: E402

V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture
def issuer() -> Attacker:
    return Attacker.ed25519()


@pytest.fixture
def holder() -> Attacker:
    return Attacker.ed25519()


def issued_to(issuer: Attacker, subject: str, name: str = "Python for Data") -> dict:
    doc = ob3_credential(issuer.did)
    doc["credentialSubject"]["id"] = subject
    doc["name"] = name
    return sign_data_integrity(doc, issuer.key, issuer.vm)


def ld_vp(holder: Attacker, credentials: list, *, challenge="c-1", domain="hr.example", sign=True) -> dict:
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": holder.did, "verifiableCredential": credentials}
    if sign:
        vp = sign_data_integrity(vp, holder.key, holder.vm, proof_purpose="authentication", challenge=challenge, domain=domain)
    return vp


def jwt_vp(holder: Attacker, credentials: list, *, form: str = "vp-claim", nonce="c-1", aud="hr.example", iss=None,
           signer: Attacker | None = None) -> str:
    """A JOSE-secured presentation: VC 1.1 §6.3.1 (``vp`` claim) or VC-JOSE-COSE ``vp+jwt`` (payload is the VP)."""
    signer = signer or holder
    presentation = {"@context": [V2], "type": ["VerifiablePresentation"], "verifiableCredential": credentials}
    if form == "vp-claim":
        header = {"alg": "EdDSA", "typ": "JWT", "kid": signer.vm}
        claims = {"iss": iss or holder.did, "vp": presentation}
    else:
        header = {"alg": "EdDSA", "typ": "vp+jwt", "kid": signer.vm}
        claims = dict(presentation, holder=iss or holder.did)
    if nonce is not None:
        claims["nonce"] = nonce
    if aud is not None:
        claims["aud"] = aud
    return make_jws(header, claims, signer.key)


def zero_signature(token: str) -> str:
    head, payload, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    return f"{head}.{payload}.{b64url(bytes(len(raw)))}"


def with_raw_tab(doc: dict) -> bytes:
    """The JSON text with a raw TAB inside a string (RFC 8259 §7 wants it escaped; Python's strict parser refuses it)."""
    text = json.dumps(doc, indent=2)
    assert "\\t" in text
    return text.replace("\\t", "\t").encode("utf-8")


def at_type(doc: dict) -> dict:
    out = dict(doc)
    out["@type"] = out.pop("type")
    return out


def type_string(doc: dict) -> dict:
    return dict(doc, type="VerifiablePresentation")


def verify_json(capsys, *args):
    code = run(["verify", *map(str, args), "--offline", "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def presentation_rows(out: dict) -> list[dict]:
    return [r for r in out["results"] if r["kind"] == "presentation"]


# ---- the shapes a presentation can take -------------------------------------------------------------------


def shapes(holder: Attacker, credential: dict, *, sign=True, challenge="c-1") -> dict[str, bytes]:
    """The same presentation in every shape a file can carry it."""
    named = copy.deepcopy(credential)
    vp = ld_vp(holder, [named], challenge=challenge, sign=sign)
    tabbed = ld_vp(holder, [named], challenge=challenge, sign=False)
    tabbed["name"] = "Portfolio\tfor ACME"  # a raw TAB in a string value once written out
    if sign:
        tabbed = sign_data_integrity(tabbed, holder.key, holder.vm, proof_purpose="authentication",
                                     challenge=challenge, domain="hr.example")
    out = {
        "type-list": json.dumps(vp).encode(),
        # the VC 2.0 context aliases type to @type: the holder's signature covers either spelling
        "type-string": json.dumps(type_string(vp)).encode(),
        "@type": json.dumps(at_type(vp)).encode(),
        "raw-tab": with_raw_tab(tabbed),
        "baked-png": baked_png(json.dumps(vp)),
        "baked-svg": baked_svg(json.dumps(vp)),
    }
    return out


@pytest.mark.parametrize("shape", ["type-list", "type-string", "@type", "raw-tab", "baked-png", "baked-svg"])
def test_a_replayed_presentation_fails_the_new_challenge(tmp_path, capsys, issuer, holder, shape):
    credential = issued_to(issuer, holder.did)
    data = shapes(holder, credential, challenge="c-1")[shape]
    path = write(tmp_path, f"vp-{shape}", data)
    code, out, err = verify_json(capsys, path, "--challenge", "c-1", "--domain", "hr.example")
    assert code == 0, err  # the honest run verifies ...
    assert [r["verdict"] for r in presentation_rows(out)] == ["verified"]
    code, out, err = verify_json(capsys, path, "--challenge", "a-new-one", "--domain", "hr.example")
    assert code == ExitCode.NOT_VERIFIED  # ... and a replay against a new challenge does not
    (row,) = presentation_rows(out)
    assert row["verdict"] == "invalid" and row["checks"]["challenge"] == "fail"


@pytest.mark.parametrize("shape", ["type-list", "type-string", "@type", "raw-tab", "baked-png", "baked-svg"])
@pytest.mark.parametrize("challenge", [None, "c-1"])
def test_a_presentation_without_a_proof_is_never_verified(tmp_path, capsys, issuer, holder, shape, challenge):
    credential = issued_to(issuer, holder.did)
    path = write(tmp_path, f"vp-{shape}", shapes(holder, credential, sign=False)[shape])
    args = [path] + (["--challenge", challenge] if challenge else [])
    code, out, err = verify_json(capsys, *args)
    assert code == ExitCode.NOT_VERIFIED, out
    (row,) = presentation_rows(out)
    assert row["verdict"] != "verified" and row["checks"]["signature"] != "pass"


@pytest.mark.parametrize("form", ["vp-claim", "vp+jwt", "enveloped"])
def test_a_jwt_presentation_is_checked_like_any_other(tmp_path, capsys, issuer, holder, form):
    credential = issued_to(issuer, holder.did)
    token = jwt_vp(holder, [credential], form="vp-claim" if form == "enveloped" else form)

    def file(tok: str) -> bytes:
        if form == "enveloped":
            envelope = {"@context": [V2], "type": "EnvelopedVerifiablePresentation", "id": f"data:application/vp+jwt,{tok}"}
            return json.dumps(envelope).encode()
        return tok.encode()

    good = write(tmp_path, "good", file(token))
    code, out, err = verify_json(capsys, good, "--challenge", "c-1", "--domain", "hr.example")
    assert code == 0, (out, err)
    (row,) = presentation_rows(out)
    assert row["verdict"] == "verified" and row["checks"]["signature"] == "pass"
    assert row["checks"]["challenge"] == "pass" and row["checks"]["domain"] == "pass"
    assert [r["verdict"] for r in out["results"] if r["kind"] == "credential"] == ["verified"]

    zeroed = write(tmp_path, "zeroed", file(zero_signature(token)))
    for args in ([], ["--challenge", "c-1", "--domain", "hr.example"]):
        code, out, _ = verify_json(capsys, zeroed, *args)
        assert code == ExitCode.NOT_VERIFIED
        (row,) = presentation_rows(out)
        assert row["verdict"] == "invalid" and row["checks"]["signature"] == "fail"

    code, out, _ = verify_json(capsys, good, "--challenge", "replayed", "--domain", "hr.example")
    assert code == ExitCode.NOT_VERIFIED
    assert presentation_rows(out)[0]["checks"]["challenge"] == "fail"
    code, out, _ = verify_json(capsys, good, "--challenge", "c-1", "--domain", "evil.example")
    assert code == ExitCode.NOT_VERIFIED
    assert presentation_rows(out)[0]["checks"]["domain"] == "fail"


def test_a_jwt_presentation_signed_by_someone_other_than_its_iss(tmp_path, capsys, issuer, holder):
    mallory = Attacker.ed25519()
    credential = issued_to(issuer, holder.did)
    token = jwt_vp(holder, [credential], signer=mallory)  # iss = the holder, key = Mallory's
    code, out, _ = verify_json(capsys, write(tmp_path, "vp.jwt", token.encode()), "--challenge", "c-1")
    assert code == ExitCode.NOT_VERIFIED
    (row,) = presentation_rows(out)
    assert row["verdict"] == "invalid"


def test_a_jwt_presentation_without_nonce_is_not_accepted_for_a_challenge(tmp_path, capsys, issuer, holder):
    token = jwt_vp(holder, [issued_to(issuer, holder.did)], nonce=None, aud=None)
    path = write(tmp_path, "vp.jwt", token.encode())
    code, out, _ = verify_json(capsys, path)
    assert code == 0 and presentation_rows(out)[0]["verdict"] == "verified"
    code, out, _ = verify_json(capsys, path, "--challenge", "c-1")
    assert code == ExitCode.NOT_VERIFIED
    assert presentation_rows(out)[0]["checks"]["challenge"] == "fail"


def test_holder_binding_a_stolen_credential_presented_by_another_did(tmp_path, capsys, issuer, holder):
    victim = Attacker.ed25519()
    stolen = issued_to(issuer, victim.did)  # the victim's genuine credential, copied by the holder (the attacker)
    for data in (json.dumps(ld_vp(holder, [stolen])).encode(), jwt_vp(holder, [stolen]).encode()):
        code, out, err = verify_json(capsys, write(tmp_path, "vp", data), "--challenge", "c-1", "--domain", "hr.example")
        assert code == ExitCode.NOT_VERIFIED, err
        (row,) = presentation_rows(out)
        assert row["checks"]["signature"] == "pass"
        assert row["checks"]["holder_binding"] == "fail" and row["verdict"] != "verified"
        assert any(victim.did in reason for reason in row["reasons"])


def test_holder_binding_passes_for_the_subject_and_is_na_for_a_non_did_subject(tmp_path, capsys, issuer, holder):
    own = issued_to(issuer, holder.did)
    by_email = issued_to(issuer, "mailto:zoe@example.org")
    code, out, err = verify_json(capsys, write(tmp_path, "vp", ld_vp(holder, [own])), "--challenge", "c-1")
    assert code == 0, err
    assert presentation_rows(out)[0]["checks"]["holder_binding"] == "pass"
    code, out, err = verify_json(capsys, write(tmp_path, "vp2", ld_vp(holder, [by_email])), "--challenge", "c-1")
    assert code == 0, err
    assert presentation_rows(out)[0]["checks"]["holder_binding"] == "na"


def test_a_challenge_with_no_presentation_at_all_is_not_a_pass(tmp_path, capsys, issuer, holder):
    path = write(tmp_path, "cred.json", issued_to(issuer, holder.did))
    code, out, _ = verify_json(capsys, path)
    assert code == 0
    code, out, err = verify_json(capsys, path, "--challenge", "c-1")
    assert code == ExitCode.NOT_VERIFIED
    assert "no presentation proof" in err


def test_a_presentation_typed_also_as_a_credential_is_a_presentation(tmp_path, capsys, issuer, holder):
    vp = ld_vp(holder, [issued_to(issuer, holder.did)], sign=False)
    vp["type"] = ["VerifiablePresentation", "VerifiableCredential"]
    vp["@type"] = "VerifiablePresentation"
    code, out, _ = verify_json(capsys, write(tmp_path, "vp.json", vp), "--challenge", "c-1")
    assert code == ExitCode.NOT_VERIFIED
    assert len(presentation_rows(out)) == 1 and presentation_rows(out)[0]["verdict"] != "verified"


def test_a_qr_code_holding_a_presentation_is_checked(tmp_path, capsys, issuer, holder):
    pytest.importorskip("zxingcpp")
    from skillwallet.export.qr import encode_credential_payload, qr_png

    vp = ld_vp(holder, [issued_to(issuer, holder.did)], sign=False)
    image = qr_png(encode_credential_payload(json.dumps(vp, separators=(",", ":")).encode()), module_pixels=4)
    code, out, _ = verify_json(capsys, write(tmp_path, "vp.png", image))
    assert code == ExitCode.NOT_VERIFIED
    (row,) = presentation_rows(out)
    assert row["verdict"] == "unsigned"


def test_one_decision_for_verify_and_add(issuer, holder):
    """What `add` reads as a presentation is exactly what `verify` checks as one."""
    from skillwallet.formats import parse_credential_bytes, read_presentation

    credential = issued_to(issuer, holder.did)
    samples = dict(shapes(holder, credential, sign=False))
    samples["vp-claim"] = jwt_vp(holder, [credential]).encode()
    samples["vp+jwt"] = jwt_vp(holder, [credential], form="vp+jwt").encode()
    samples["plain"] = json.dumps(credential).encode()
    both = ld_vp(holder, [credential], sign=False)
    both["type"] = ["VerifiablePresentation", "VerifiableCredential"]
    samples["typed both"] = json.dumps(both).encode()
    for name, data in samples.items():
        found = read_presentation(data)
        parsed = parse_credential_bytes(data, source=name)
        assert (found is not None) == (name != "plain"), name
        assert all(bool(c.extra.get("from_presentation")) == (found is not None) for c in parsed), name


def test_a_presentation_hidden_inside_another_document_is_refused(tmp_path, capsys, issuer, holder):
    """A presentation is read only where `verify` checks it; tucked inside a credential token, a credential
    envelope or a list, the parser refuses it rather than hand over its credentials unchecked."""
    from urllib.parse import quote

    from skillwallet.errors import InvalidInputError
    from skillwallet.formats import parse_credential_bytes, read_presentation

    vp = ld_vp(holder, [issued_to(issuer, holder.did)], sign=False)
    hidden = {
        "vc claim": make_jws({"alg": "EdDSA", "typ": "JWT", "kid": holder.vm}, {"iss": holder.did, "vc": vp},
                             holder.key).encode(),
        "credential envelope": json.dumps({"@context": [V2], "type": "EnvelopedVerifiableCredential",
                                           "id": "data:application/vc+ld+json," + quote(json.dumps(vp))}).encode(),
        "list": json.dumps([vp]).encode(),
    }
    for name, data in hidden.items():
        assert read_presentation(data) is None, name
        try:
            parsed = parse_credential_bytes(data, source=name)
        except InvalidInputError:
            parsed = []
        assert not any(c.extra.get("from_presentation") for c in parsed), name
        code = run(["verify", str(write(tmp_path, "hidden", data)), "--offline", "--challenge", "c-1"])
        capsys.readouterr()
        assert code == ExitCode.NOT_VERIFIED, name


def test_verify_fails_closed_if_the_parser_ever_finds_a_presentation_the_reader_missed(tmp_path, capsys, monkeypatch,
                                                                                       issuer, holder):
    import skillwallet.formats

    monkeypatch.setattr(skillwallet.formats, "read_presentation", lambda data: None)
    path = write(tmp_path, "vp.json", ld_vp(holder, [issued_to(issuer, holder.did)]))
    code, out, _ = verify_json(capsys, path)
    assert code == ExitCode.NOT_VERIFIED
    (row,) = presentation_rows(out)
    assert row["verdict"] == "invalid"


def test_a_credential_the_holder_issued_to_themselves_is_self_asserted_in_a_presentation(tmp_path, capsys, issuer, holder):
    """A holder can sign anything about themselves with their own key: inside their presentation such a credential
    is their own claim (`self-asserted`), never `verified` as if an issuer vouched for it; one from an issuer stays
    verified beside it."""
    own = issued_to(holder, holder.did, name="Brain surgery residency")
    genuine = issued_to(issuer, holder.did)
    path = write(tmp_path, "vp.json", ld_vp(holder, [own, genuine]))
    code, out, _ = verify_json(capsys, path, "--challenge", "c-1", "--domain", "hr.example")
    (presentation,) = presentation_rows(out)
    assert presentation["verdict"] == "verified"
    own_row, genuine_row = [r for r in out["results"] if r["kind"] == "credential"]
    assert own_row["verdict"] == "self-asserted" and any("their own claim" in r for r in own_row["reasons"])
    assert genuine_row["verdict"] == "verified"
    assert code == ExitCode.NOT_VERIFIED  # not every credential is verified


@pytest.mark.parametrize("form", ["json-ld", "vp-claim"])
def test_a_presentation_checked_without_a_challenge_names_whom_it_was_made_for(tmp_path, capsys, issuer, holder, form):
    """Without the verifier's own challenge a presentation replayed from another verifier verifies: the result
    says so, and names the challenge and domain the proof carries."""
    credential = issued_to(issuer, holder.did)
    if form == "json-ld":
        data = json.dumps(ld_vp(holder, [credential], challenge="their-nonce", domain="other.example")).encode()
    else:
        data = jwt_vp(holder, [credential], nonce="their-nonce", aud="other.example").encode()
    path = write(tmp_path, "vp", data)
    code, out, err = verify_json(capsys, path)
    assert code == 0, err
    (row,) = presentation_rows(out)
    (note,) = [r for r in row["reasons"] if r.startswith("no --challenge given")]
    assert "challenge their-nonce" in note and "domain other.example" in note
    code, out, err = verify_json(capsys, path, "--challenge", "their-nonce", "--domain", "other.example")
    assert code == 0, err
    assert not any(r.startswith("no --challenge given") for r in presentation_rows(out)[0]["reasons"])


def test_a_presentation_mixing_genuine_forged_and_repeated_credentials(tmp_path, capsys, issuer, holder):
    """The holder's proof covers whatever the holder put in: each credential still stands on its own proof, so a
    forged one among genuine ones is reported invalid by its place, and a repeated one is reported each time."""
    genuine = issued_to(issuer, holder.did)
    forged = copy.deepcopy(genuine)
    forged["credentialSubject"]["achievement"]["name"] = "Chief Cloud Architect"
    vp = ld_vp(holder, [genuine, forged, copy.deepcopy(genuine)], challenge="c-1")
    path = write(tmp_path, "mixed", json.dumps(vp).encode())
    code, out, err = verify_json(capsys, path, "--challenge", "c-1", "--domain", "hr.example")
    assert code == ExitCode.NOT_VERIFIED, err
    assert [r["verdict"] for r in presentation_rows(out)] == ["verified"]
    rows = [r for r in out["results"] if r["kind"] == "credential"]
    assert [r["source"].rsplit("#", 1)[1] for r in rows] == ["1", "2", "3"]
    assert [r["verdict"] for r in rows] == ["verified", "invalid", "verified"]
