"""A resume that never overstates, and QR codes a phone can open.

Models are built from the shared sample credentials (export_helpers) with their verdicts; CLI cases run on a real
encrypted wallet.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from export_helpers import AS_OF, FakeStored, ob2_hosted_credential, ob3_credential, sample_profile, sample_wallet_items, verified
from pypdf import PdfReader

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.export import qr
from skillwallet.formats.inputs import decode_qr_image
from skillwallet.formats.sw1 import decode_qr_payload
from skillwallet.export.pdf import render_pdf
from skillwallet.export.resume import EMBEDDED_QR_HELP, build_resume
from skillwallet.model import Issuer, Skill, Verdict

CREDLY_UUID = "0f3b6c2e-5d4a-4e8b-9c1d-2a7e8f9b0c1d"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _pdf_qr_texts(data: bytes) -> list[str]:
    texts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            buffer = io.BytesIO()
            image.image.save(buffer, format="PNG")
            texts += decode_qr_image(buffer.getvalue())
    return texts


# --- QR codes a phone can open -------------------------------------------------------------------------------


def test_verification_url_for_each_kind_of_public_page() -> None:
    hosted = ob2_hosted_credential()
    assert qr.verification_url(hosted) == hosted.credential_id  # OB 2.0 hosted assertion
    credly = replace(ob2_hosted_credential(), credential_id=f"https://api.credly.com/v1/obi/v2/badge_assertions/{CREDLY_UUID}")
    assert qr.verification_url(credly) == f"https://www.credly.com/badges/{CREDLY_UUID}"
    page = replace(ob3_credential("Cloud", "Acme", index=1), extra={"badge_url": f"https://www.credly.com/badges/{CREDLY_UUID}/public_url"})
    assert qr.verification_url(page) == f"https://www.credly.com/badges/{CREDLY_UUID}"
    on_issuer_host = replace(ob3_credential("Cloud", "Acme", index=1), credential_id="https://issuer.example.org/credentials/42")
    assert qr.verification_url(on_issuer_host) == "https://issuer.example.org/credentials/42"
    did_web = replace(ob3_credential("Cloud", "Acme", index=1), credential_id="https://uni.example/c/7",
                      issuer=Issuer(id="did:web:uni.example", name="Uni"))
    assert qr.verification_url(did_web) == "https://uni.example/c/7"
    # an https id on someone else's host, plain http, and urn ids are no page a phone should be sent to
    elsewhere = replace(ob3_credential("Cloud", "Acme", index=1), credential_id="https://evil.example/credentials/42")
    assert qr.verification_url(elsewhere) is None
    plain = replace(ob3_credential("Cloud", "Acme", index=1), credential_id="http://issuer.example.org/credentials/42")
    assert qr.verification_url(plain) is None
    assert qr.verification_url(ob3_credential("Cloud", "Acme", index=1)) is None


def test_resume_qr_codes_open_the_page_or_hold_the_credential_and_say_so() -> None:
    items = [
        FakeStored("0badc0ffee01", ob2_hosted_credential(), Verdict(verdict="unsigned", checks={"signature": "na"})),
        FakeStored("c0ffee000042", replace(ob3_credential("Issuer Hosted", "Acme", index=42),
                                           credential_id="https://issuer.example.org/credentials/42"), verified()),
        FakeStored("c0ffee000043", ob3_credential("Offline Only", "Acme", index=43), verified()),
    ]
    model = build_resume(sample_profile(), items, as_of=AS_OF)
    by_id = {c.wallet_id: c for c in model.credentials}
    assert by_id["c0ffee000043"].qr_help == EMBEDDED_QR_HELP
    assert by_id["0badc0ffee01"].qr_help is None and by_id["c0ffee000042"].qr_help is None
    data = render_pdf(model)
    texts = _pdf_qr_texts(data)
    urls = sorted(t for t in texts if not t.startswith("SW1:"))
    assert urls == ["https://badges.example.edu/assertions/1234?lang=en&v=2", "https://issuer.example.org/credentials/42"]
    (embedded,) = [t for t in texts if t.startswith("SW1:")]
    assert decode_qr_payload(embedded) == items[2].credential.original
    text = " ".join(_pdf_text(data).split())
    assert "scan with `skillwallet verify`, or see the attached proof" in text
    assert text.count("Holds the signed credential (SW1)") == 1 and text.count("Opens the verification page") == 2


def test_unsigned_is_labelled_unsigned() -> None:
    model = build_resume(sample_profile(), sample_wallet_items(), as_of=AS_OF)
    unsigned = next(c for c in model.credentials if c.wallet_id == "0badc0ffee01")
    assert unsigned.status_label == "Unsigned" and "issuer-hosted" not in _pdf_text(render_pdf(model))


# --- skills -------------------------------------------------------------------------------------------------------


def test_skills_come_only_from_listed_credentials_in_force_never_from_tags() -> None:
    items = sample_wallet_items()
    tagged = ob3_credential("Tagged", "Acme", index=50, skills=())
    tagged.skills = [Skill(name="Rocket science", source="tag")]
    items.append(FakeStored("c0ffee000050", tagged, verified(), ["space"]))
    chosen = [i for i in items if i.wallet_id in ("c0ffee000003", "c0ffee000005", "c0ffee000050")]
    model = build_resume(sample_profile(), chosen, all_credentials=items, as_of=AS_OF)
    names = {s.name for s in model.skills}
    assert "Python" in names and "GDPR" in names  # from the listed, verified, unexpired Datenschutz credential
    assert "First aid" not in {n.casefold() for n in names} and "First Aid" not in names  # expired in 2025
    assert "Rocket science" not in names  # a tag is not a skill
    assert "Kubernetes" not in names  # the CKA is in the wallet, not on this resume
    python = next(s for s in model.skills if s.name == "Python")
    assert python.evidence == ["Zertifikat für Datenschutz – Grundlagen"]


# --- pathways -----------------------------------------------------------------------------------------------------


def _evaluation(used: list[str]) -> dict:
    return {"goal": "cloud-architect", "name": "Cloud Architect", "status": "met", "progress": 1.0, "missing": [],
            "credentials_used": {wallet_id: ["r1"] for wallet_id in used}}


def test_a_pathway_is_completed_only_on_verified_credentials() -> None:
    items = sample_wallet_items()
    self_attested = ob3_credential("My own course", "Me", index=60)
    self_attested.self_attested = True
    items.append(FakeStored("c0ffee000060", self_attested, Verdict(verdict="self-asserted", checks={})))
    completed = build_resume(sample_profile(), items[:1], all_credentials=items,
                             evaluations=[_evaluation(["a1b2c3d4e5f6", "c0ffee000003"])], as_of=AS_OF)
    (pathway,) = completed.pathways_met
    assert pathway.completed and pathway.label == "✓ Completed"
    partly = build_resume(sample_profile(), items[:1], all_credentials=items,
                          evaluations=[_evaluation(["a1b2c3d4e5f6", "0badc0ffee01", "c0ffee000060"])], as_of=AS_OF)
    (pathway,) = partly.pathways_met
    assert not pathway.completed
    assert pathway.label == "Met, partly on self-attested / unverified evidence"
    assert pathway.weak_evidence == ["Data Literacy Foundations (unsigned)", "My own course (self-attested)"]
    text = " ".join(_pdf_text(render_pdf(partly)).split())
    assert "✓ Completed" not in text
    assert "Met, partly on self-attested / unverified evidence" in text and "My own course (self-attested)" in text


# --- presentations --------------------------------------------------------------------------------------------


@pytest.fixture
def cli_wallet(passphrase: str) -> dict[str, str]:
    from skillwallet.paths import wallet_home
    from skillwallet.store import Wallet

    mapping = {}
    with Wallet.init(wallet_home(), passphrase) as wallet:
        for item in sample_wallet_items():
            wallet_id, _ = wallet.add_credential(item.credential, item.verdict)
            wallet.set_tags(wallet_id, item.tags or ["misc"])
            mapping[item.wallet_id] = wallet_id
    return mapping


def test_presentation_refuses_a_named_invalid_credential(cli_wallet, tmp_path: Path, capsys) -> None:
    target = tmp_path / "vp.json"
    code = run(["export", "--presentation", "-o", str(target), "--id", cli_wallet["c0ffee000006"], "--id", cli_wallet["c0ffee000003"]])
    err = capsys.readouterr().err
    assert code == ExitCode.EXPORT and err.startswith("error: ") and "invalid" in err and "--include-invalid" in err
    assert "Traceback" not in err and not target.exists()
    # overridden: presented
    assert run(["export", "--presentation", "-o", str(target), "--id", cli_wallet["c0ffee000006"], "--include-invalid"]) == 0
    assert len(json.loads(target.read_text())["verifiableCredential"]) == 1


def test_presentation_leaves_out_invalid_credentials_it_was_not_asked_for_by_name(cli_wallet, tmp_path: Path, capsys) -> None:
    target = tmp_path / "vp.json"
    capsys.readouterr()
    assert run(["export", "--presentation", "-o", str(target), "--tag", "misc", "--tag", "law", "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["credentials"] == [cli_wallet["c0ffee000003"]]
    skipped = dict(summary["skipped"])
    assert "invalid" in skipped[cli_wallet["c0ffee000006"]]
    assert f"left out {cli_wallet['c0ffee000006']}" in captured.err


def test_export_qr_says_which_content_it_chose(cli_wallet, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    assert run(["export", "--qr", cli_wallet["0badc0ffee01"], "-o", str(tmp_path / "a.png")]) == 0
    assert "verification page" in capsys.readouterr().err
    assert run(["export", "--qr", cli_wallet["c0ffee000003"], "-o", str(tmp_path / "b.png")]) == 0
    err = capsys.readouterr().err
    assert "SW1" in err and "skillwallet verify" in err


def test_resume_says_which_credentials_its_proof_leaves_out(cli_wallet, tmp_path: Path, capsys) -> None:
    assert run(["profile", "set", "--name", "Zoë Example"]) == 0
    capsys.readouterr()
    target = tmp_path / "resume.pdf"
    assert run(["export", "--resume", "-o", str(target), "--json"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    hosted = cli_wallet["0badc0ffee01"]
    assert hosted in dict(summary["proof"]["skipped"])  # an OB 2.0 assertion is not a Verifiable Credential
    assert f"note: {hosted} is on the resume but not in its attached proof" in captured.err
    text = " ".join(_pdf_text(target.read_bytes()).split())
    assert "Not in the attached proof: an Open Badges 2.0 assertion is not a Verifiable Credential." in text
