"""The employer's side of a resume PDF: the signed presentation travels inside it, `skillwallet verify resume.pdf`
checks it line by line, and every QR code opens to what its caption says.

Everything is real: an encrypted wallet, credentials signed in the test with fresh Ed25519 keys and added through
the CLI, verdicts recorded by `verify --all`, the PDF read back with pypdf (an independent reader), QR codes
decoded with zxing-cpp, page 1 rendered by PDFium.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.export.pdf import ATTACHMENT_NAME

CHALLENGE = "nonce-4711"
DOMAIN = "hr.example.com"


def _issuer() -> tuple[Ed25519PrivateKey, str, str]:
    from skillwallet.verify.keys import did_key_from_ed25519

    key = Ed25519PrivateKey.generate()
    did = did_key_from_ed25519(key.public_key())
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def _ob3(title: str, issuer: str, *, ident: str, skills=(), subject: str | None = None) -> dict:
    subject_doc = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": f"https://issuer.example.org/achievements/{abs(hash(title)) % 1000}",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": title,
            "description": "Awarded for demonstrated skill.",
            "criteria": {"narrative": "Pass the assessment."},
            "alignment": [
                {"type": ["Alignment"], "targetName": s, "targetFramework": "ESCO",
                 "targetUrl": f"http://data.europa.eu/esco/skill/{i}"} for i, s in enumerate(skills)
            ],
        },
    }
    if subject:
        subject_doc["id"] = subject
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Institute", "url": "https://issuer.example.org"},
        "validFrom": "2024-03-12T00:00:00Z",
        "name": title,
        "credentialSubject": subject_doc,
    }


def _signed(document: dict, key, method: str) -> dict:
    from skillwallet.verify.data_integrity import sign_data_integrity

    return sign_data_integrity(document, key, method)


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def resume_wallet(passphrase: str, tmp_path: Path, capsys) -> None:
    """A wallet with two genuinely signed credentials, checked by `verify --all`, and a profile."""
    key, did, method = _issuer()
    files = tmp_path / "in"
    files.mkdir()
    documents = {
        "Cloud Practitioner": _signed(_ob3("Cloud Practitioner", did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000001",
                                           skills=("Python", "cloud computing")), key, method),
        "Data Protection Basics": _signed(_ob3("Data Protection Basics", did,
                                               ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000002",
                                               skills=("GDPR",)), key, method),
    }
    assert _cli(capsys, "init")[0] == 0
    for number, (title, document) in enumerate(documents.items()):
        path = files / f"c{number}.json"
        path.write_text(json.dumps(document, indent=2))
        code, _, err = _cli(capsys, "add", str(path))
        assert code == 0, err
    code, _, err = _cli(capsys, "verify", "--all")
    assert code == 0, err
    assert _cli(capsys, "profile", "set", "--name", "Zoë Example", "--headline", "Cloud engineer")[0] == 0


def _export(capsys, target: Path, *extra: str) -> dict:
    code, out, err = _cli(capsys, "export", "--resume", "-o", str(target), "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def _attachment(pdf: Path) -> bytes:
    reader = PdfReader(pdf)
    assert list(reader.attachments) == [ATTACHMENT_NAME]
    assert reader.page_mode == "/UseAttachments"
    (data,) = reader.attachments[ATTACHMENT_NAME]
    return data


def test_resume_pdf_carries_the_holder_signed_presentation_of_exactly_its_credentials(resume_wallet, tmp_path, capsys) -> None:
    from skillwallet.formats import read_presentation
    from skillwallet.verify.resolver import DocumentResolver
    from skillwallet.verify.verifier import verify_presentation

    target = tmp_path / "resume.pdf"
    summary = _export(capsys, target, "--challenge", CHALLENGE, "--domain", DOMAIN)
    assert sorted(summary["proof"]["credentials"]) == sorted(summary["credentials"])
    vp = read_presentation(_attachment(target))
    assert vp is not None
    verdict, inner = verify_presentation(vp, resolver=DocumentResolver(offline=True), as_of=datetime.now(timezone.utc),
                                         challenge=CHALLENGE, domain=DOMAIN)
    assert verdict.verdict == "verified", verdict.reasons
    assert [v.verdict for v in inner] == ["verified", "verified"]
    names = sorted(c["name"] for c in vp.document["verifiableCredential"])
    assert names == ["Cloud Practitioner", "Data Protection Basics"]
    # the wrong challenge fails: the proof is bound to this verifier's request
    wrong, _ = verify_presentation(vp, resolver=DocumentResolver(offline=True), as_of=datetime.now(timezone.utc),
                                   challenge="another", domain=DOMAIN)
    assert wrong.verdict != "verified"


def test_verify_resume_pdf_reports_each_line_and_writes_reports(resume_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target, "--challenge", CHALLENGE, "--domain", DOMAIN)
    report_html, report_pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    code, out, err = _cli(capsys, "verify", str(target), "--challenge", CHALLENGE, "--domain", DOMAIN, "--json",
                          "--report", str(report_html))
    assert code == 0, err
    results = json.loads(out)["results"]
    assert results[0]["kind"] == "presentation" and results[0]["verdict"] == "verified"
    lines = [r for r in results if r["kind"] == "credential"]
    assert sorted(r["resume"]["title"] for r in lines) == ["Cloud Practitioner", "Data Protection Basics"]
    assert all(r["resume"]["match"] == "pass" and r["verdict"] == "verified" for r in lines)
    html = report_html.read_text()
    assert "Cloud Practitioner" in html and "Data Protection Basics" in html
    assert results[1]["details"]["issuer"] in html  # the issuer each credential was checked against
    assert "Everything verified and in force" in html and "Documents used" in html
    assert _cli(capsys, "verify", str(target), "--challenge", CHALLENGE, "--domain", DOMAIN, "--report", str(report_pdf))[0] == 0
    text = "".join(page.extract_text() for page in PdfReader(report_pdf).pages)
    assert "Verification report" in text and "Cloud Practitioner" in text
    # a challenge the proof does not carry: exit 13, as for a presentation file
    assert _cli(capsys, "verify", str(target), "--challenge", "other")[0] == 13


def _replace_attachment(pdf: Path, data: bytes, out: Path) -> None:
    reader = PdfReader(pdf)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(ATTACHMENT_NAME, data)
    with out.open("wb") as handle:
        writer.write(handle)


def test_tampered_attached_presentation_fails_verify(resume_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    document = json.loads(_attachment(target))
    document["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] = "Chief Cloud Architect"
    tampered = tmp_path / "tampered.pdf"
    _replace_attachment(target, json.dumps(document).encode(), tampered)
    code, out, _ = _cli(capsys, "verify", str(tampered), "--json")
    assert code == 13
    results = json.loads(out)["results"]
    assert results[0]["verdict"] != "verified" or any(r["verdict"] != "verified" for r in results[1:])
    assert not all(r["verdict"] == "verified" for r in results)
    # the untouched copy still verifies
    assert _cli(capsys, "verify", str(target))[0] == 0


def _verify_resume_with_an_edited_line(capsys, tmp_path, monkeypatch, title: str, edit) -> dict[str, dict]:
    """Export the resume with the entry titled ``title`` changed by ``edit`` in its text only (the genuine proof
    stays attached), verify it, and return the results by the title each resume line shows."""
    import skillwallet.export.resume as resume_module

    original = resume_module.resume_credential

    def edited(stored, **kwargs):
        entry = original(stored, **kwargs)
        if entry.title == title:
            edit(entry)
        return entry

    monkeypatch.setattr(resume_module, "resume_credential", edited)
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    code, out, _ = _cli(capsys, "verify", str(target), "--json")
    assert code == 13
    return {r["resume"]["title"]: r for r in json.loads(out)["results"] if r.get("resume") and r["resume"]["title"]}


def test_a_line_whose_title_the_proof_does_not_back_is_flagged(resume_wallet, tmp_path, capsys, monkeypatch) -> None:
    """The text overstates (another title) while the genuine proof is attached: that line fails."""
    lines = _verify_resume_with_an_edited_line(
        capsys, tmp_path, monkeypatch, "Cloud Practitioner", lambda entry: setattr(entry, "title", "Chief Cloud Architect")
    )
    assert lines["Chief Cloud Architect"]["resume"]["match"] == "fail"
    assert lines["Chief Cloud Architect"]["verdict"] == "not-verified"
    assert "Cloud Practitioner" in lines["Chief Cloud Architect"]["reasons"][0]
    assert lines["Data Protection Basics"]["resume"]["match"] == "pass"


def test_a_line_showing_another_issuer_is_flagged(resume_wallet, tmp_path, capsys, monkeypatch) -> None:
    lines = _verify_resume_with_an_edited_line(
        capsys, tmp_path, monkeypatch, "Data Protection Basics",
        lambda entry: setattr(entry, "issuer_name", "Massachusetts Institute of Technology"),
    )
    assert lines["Data Protection Basics"]["resume"]["match"] == "fail"
    assert "another issuer" in lines["Data Protection Basics"]["reasons"][0]
    assert lines["Cloud Practitioner"]["resume"]["match"] == "pass"


def test_a_self_attested_entry_dated_by_its_holder_matches_its_proof_line(resume_wallet, tmp_path, capsys) -> None:
    """`add --self ... --date` signs the entry today with the holder's date in activityStartDate; the wallet shows
    the holder's date as the entry's, and so must the check of the resume read the signed entry."""
    code, _, err = _cli(capsys, "add", "--self", "project", "--title", "Lisbon housing prices analysis",
                        "--skill", "Python", "--date", "2025-10-01")
    assert code == 0, err
    target = tmp_path / "resume.pdf"
    _export(capsys, target, "--challenge", CHALLENGE, "--domain", DOMAIN)
    code, out, err = _cli(capsys, "verify", str(target), "--challenge", CHALLENGE, "--domain", DOMAIN, "--json")
    lines = {r["resume"]["title"]: r for r in json.loads(out)["results"] if r["kind"] == "credential"}
    entry = lines["Lisbon housing prices analysis"]
    assert entry["resume"]["match"] == "pass", entry
    assert entry["verdict"] == "self-asserted"
    assert all(r["resume"]["match"] == "pass" for r in lines.values())


def test_report_needs_an_html_or_pdf_name(resume_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    code, _, err = _cli(capsys, "verify", str(target), "--report", str(tmp_path / "report.txt"))
    assert code == ExitCode.USAGE and err.startswith("error: --report") and "Traceback" not in err
    assert not (tmp_path / "report.txt").exists()


def test_a_report_never_replaces_an_existing_file_unless_forced(resume_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    resume = target.read_bytes()
    # the easiest slip: naming the resume being checked as the report
    code, out, err = _cli(capsys, "verify", str(target), "--report", str(target))
    assert code == ExitCode.EXISTS and err.startswith("error: ") and "exists; nothing written" in err
    assert "--force" in err and "Traceback" not in err and out == ""
    assert target.read_bytes() == resume
    kept = tmp_path / "report.html"
    kept.write_text("the holder's own notes")
    assert _cli(capsys, "verify", str(target), "--report", str(kept))[0] == ExitCode.EXISTS
    assert kept.read_text() == "the holder's own notes"
    assert _cli(capsys, "verify", str(target), "--report", str(kept), "--force")[0] == 0
    assert "<html" in kept.read_text().lower()


def test_every_qr_code_decodes_to_what_its_caption_says(resume_wallet, tmp_path, capsys) -> None:
    from skillwallet.formats.inputs import decode_qr_image
    from skillwallet.formats.sw1 import decode_qr_payload

    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    reader = PdfReader(target)
    texts = []
    for page in reader.pages:
        for image in page.images:
            buffer = io.BytesIO()
            image.image.save(buffer, format="PNG")
            texts += decode_qr_image(buffer.getvalue())
    assert len(texts) == 2
    text = "".join(page.extract_text() for page in reader.pages)
    for payload in texts:
        # urn:uuid ids have no page a phone can open: the code holds the credential, and the resume says so
        assert payload.startswith("SW1:")
        original = json.loads(decode_qr_payload(payload))
        assert original["name"] in ("Cloud Practitioner", "Data Protection Basics")
    assert "scan with `skillwallet verify`" in text and "Holds the signed credential" in text


@pytest.mark.parametrize("paper,size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_page_one_renders_readably(resume_wallet, tmp_path, capsys, paper: str, size: tuple[int, int]) -> None:
    """Page 1 rendered by PDFium: the right paper, ink on the page, and its QR codes readable from the render."""
    import pypdfium2

    from skillwallet.formats.inputs import decode_qr_image

    target = tmp_path / f"resume-{paper}.pdf"
    _export(capsys, target, "--paper", paper)
    document = pypdfium2.PdfDocument(str(target))
    page = document[0]
    assert tuple(round(v) for v in page.get_size()) == size
    text = page.get_textpage().get_text_range()
    assert "Zoë Example" in text and "CREDENTIALS (2, 2 VERIFIED)" in text  # PDFium reads the same text
    assert "Proof credential 1 in the attached presentation" in text
    image = page.render(scale=200 / 72).to_pil().convert("L")
    document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    (tmp_path / f"page1-{paper}.png").write_bytes(buffer.getvalue())
    histogram = image.histogram()
    dark = sum(histogram[:96]) / (image.width * image.height)
    assert 0.01 < dark < 0.3  # text and codes, not a blank or black page
    assert len(decode_qr_image(buffer.getvalue())) == 2


def test_a_pdf_without_attachment_is_checked_by_its_qr_codes(resume_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    reader = PdfReader(target)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    bare = tmp_path / "bare.pdf"
    with bare.open("wb") as handle:
        writer.write(handle)
    assert not PdfReader(bare).attachments
    code, out, err = _cli(capsys, "verify", str(bare), "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert sorted(r["title"] for r in results) == ["Cloud Practitioner", "Data Protection Basics"]
    assert all(r["verdict"] == "verified" and r["resume"]["qr"] == "SW1" for r in results)


# --- hostile PDFs: one result, bounded time, no traceback -------------------------------------------------------


def _pdf_with(stream_dict: dict, data: bytes, *, pages: int = 1) -> bytes:
    """A PDF whose first page draws one image XObject with ``stream_dict`` entries and raw ``data``."""
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject, StreamObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    image = StreamObject()
    image._data = data
    for key, value in stream_dict.items():
        image[NameObject(key)] = value
    image[NameObject("/Length")] = NumberObject(len(data))
    reference = writer._add_object(image)
    page = writer.pages[0]
    from pypdf.generic import DictionaryObject

    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): reference})})
    content = DecodedStreamObject()
    content.set_data(b"q 100 0 0 100 0 0 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _hostile_verify(capsys, path: Path) -> tuple[int, dict, str, float]:
    import time

    started = time.perf_counter()
    code, out, err = _cli(capsys, "verify", str(path), "--json")
    return code, json.loads(out), err, time.perf_counter() - started


@pytest.mark.parametrize("case", ["garbage", "pages", "image-bomb", "stream-bomb"])
def test_hostile_pdfs_cost_bounded_work(passphrase, tmp_path, capsys, case: str) -> None:
    import zlib

    from pypdf.generic import NameObject, NumberObject

    path = tmp_path / f"{case}.pdf"
    if case == "garbage":
        path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 1000)
    elif case == "pages":
        writer = PdfWriter()
        for _ in range(150):
            writer.add_blank_page(612, 792)
        with path.open("wb") as handle:
            writer.write(handle)
    elif case == "image-bomb":
        # 3.6 gigapixels claimed by an image of a few KB: never decoded
        data = zlib.compress(b"\x00" * (8 << 20), 9)
        path.write_bytes(_pdf_with({"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"),
                                    "/Width": NumberObject(60000), "/Height": NumberObject(60000),
                                    "/BitsPerComponent": NumberObject(1), "/ColorSpace": NameObject("/DeviceGray"),
                                    "/Filter": NameObject("/FlateDecode")}, data))
    else:
        # a 1000x1000 image whose Flate stream inflates to 64 MB (a few KB stored): pypdf stops at the 16 MB bound
        data = zlib.compress(b"\x00" * (64 << 20), 9)
        path.write_bytes(_pdf_with({"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"),
                                    "/Width": NumberObject(1000), "/Height": NumberObject(1000),
                                    "/BitsPerComponent": NumberObject(8), "/ColorSpace": NameObject("/DeviceGray"),
                                    "/Filter": NameObject("/FlateDecode")}, data))
    code, document, err, seconds = _hostile_verify(capsys, path)
    assert code == 13 and "Traceback" not in err
    (result,) = document["results"]
    assert result["verdict"] in ("invalid", "not-verified")
    assert seconds < 10


def test_cjk_and_wrapped_titles_match_their_proof(passphrase, tmp_path, capsys) -> None:
    """Titles in a CJK fallback font, and titles long enough to wrap, are read back whole and matched."""
    key, did, method = _issuer()
    titles = ["高级软件工程师证书", "Advanced Professional Certificate in Distributed Systems Engineering, Reliability "
              "and Large-Scale Cloud Infrastructure Operations for Regulated Industries"]
    assert _cli(capsys, "init")[0] == 0
    for number, title in enumerate(titles):
        path = tmp_path / f"c{number}.json"
        path.write_text(json.dumps(_signed(_ob3(title, did, ident=f"urn:uuid:6a1f0b3c-0000-4000-8000-00000000010{number}"),
                                           key, method)))
        assert _cli(capsys, "add", str(path))[0] == 0
    assert _cli(capsys, "verify", "--all")[0] == 0
    assert _cli(capsys, "profile", "set", "--name", "Zoë Example")[0] == 0
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    code, out, err = _cli(capsys, "verify", str(target), "--json")
    assert code == 0, err
    lines = [r for r in json.loads(out)["results"] if r["kind"] == "credential"]
    assert sorted(r["resume"]["title"] for r in lines) == sorted(titles)
    assert all(r["resume"]["match"] == "pass" for r in lines)


def test_report_names_each_document_and_where_it_came_from() -> None:
    from skillwallet.export.report import render_report_html

    result = {"source": "resume.pdf#1", "kind": "credential", "title": "Cloud <Practitioner>", "verdict": "verified",
              "checks": {"signature": "pass", "status": "revoked"}, "reasons": ["the status list says revoked"],
              "checked_at": "2026-12-04T10:00:00Z", "in_force": False,
              "details": {"issuer": "did:web:uni.example", "documents": [
                  {"url": "https://uni.example/.well-known/did.json", "source": "supplied"},
                  {"url": "https://uni.example/status/1", "source": "cached", "stored_at": "2026-11-30T08:00:00Z"}]}}
    html = render_report_html([result], target="resume.pdf", generated_at=datetime(2026, 12, 4, tzinfo=timezone.utc),
                              passed=False).decode()
    assert "https://uni.example/.well-known/did.json (supplied)" in html
    assert "https://uni.example/status/1 (cached 2026-11-30)" in html
    assert "Cloud &lt;Practitioner&gt;" in html and "<Practitioner>" not in html  # credential text is escaped
    assert "did:web:uni.example" in html and "revoked" in html and "Not everything is verified" in html


@pytest.fixture
def facts_wallet(passphrase: str, tmp_path: Path, capsys) -> None:
    """A wallet with two genuinely signed credentials, one of them stating a result, credits and an end date."""
    key, did, method = _issuer()
    graded = _ob3("Data Protection Basics", did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000202", skills=("GDPR",))
    graded["validUntil"] = "2031-06-30T00:00:00Z"
    graded["credentialSubject"]["creditsEarned"] = 5
    graded["credentialSubject"]["result"] = [{"type": ["Result"], "value": "B"}]
    documents = [_ob3("Cloud Practitioner", did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000201"), graded]
    assert _cli(capsys, "init")[0] == 0
    for number, document in enumerate(documents):
        path = tmp_path / f"f{number}.json"
        path.write_text(json.dumps(_signed(document, key, method)))
        code, _, err = _cli(capsys, "add", str(path))
        assert code == 0, err
    assert _cli(capsys, "verify", "--all")[0] == 0
    assert _cli(capsys, "profile", "set", "--name", "Zoë Example")[0] == 0


def test_a_genuine_line_with_dates_result_and_credits_matches_its_proof(facts_wallet, tmp_path, capsys) -> None:
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Result: B" in text and "5 credits" in text and "Expires 30 Jun 2031" in text
    code, out, err = _cli(capsys, "verify", str(target), "--json")
    assert code == 0, err
    lines = [r for r in json.loads(out)["results"] if r["kind"] == "credential"]
    assert len(lines) == 2 and all(r["resume"]["match"] == "pass" and r["verdict"] == "verified" for r in lines)


# What the resume's text may overstate while the genuine proof stays attached: each edit is a claim the signed
# credential does not make, so the line must fail (the verdict belongs to the proof's credential, not to the text).
_OVERSTATEMENTS = {
    "earlier issue date": ("Data Protection Basics", lambda e: setattr(e, "issued", datetime(2019, 3, 12, tzinfo=timezone.utc))),
    "later end date": ("Data Protection Basics", lambda e: setattr(e, "expires", datetime(2039, 6, 30, tzinfo=timezone.utc))),
    "no end date": ("Data Protection Basics", lambda e: setattr(e, "expires", None)),
    "better result": ("Data Protection Basics", lambda e: setattr(e, "result", "A+")),
    "result with a suffix": ("Data Protection Basics", lambda e: setattr(e, "result", "B, with distinction")),
    "more credits": ("Data Protection Basics", lambda e: setattr(e, "credits", 50.0)),
    "another credit system": ("Data Protection Basics", lambda e: setattr(e, "credit_unit", "US semester credit hours")),
    "hours the proof does not state": ("Data Protection Basics", lambda e: setattr(e, "hours", 120.0)),
    "a result the proof does not state": ("Cloud Practitioner", lambda e: setattr(e, "result", "Distinction")),
    "credits the proof does not state": ("Cloud Practitioner", lambda e: setattr(e, "credits", 30.0)),
    "an end date the proof does not state": (
        "Cloud Practitioner", lambda e: setattr(e, "expires", datetime(2035, 1, 1, tzinfo=timezone.utc))),
    "a longer issuer name": ("Cloud Practitioner", lambda e: setattr(e, "issuer_name", "Example Institute of Technology")),
    "another achievement type": ("Cloud Practitioner", lambda e: setattr(e, "achievement_type", "MasterDegree")),
    "a status detail claiming credits": (
        "Cloud Practitioner", lambda e: setattr(e, "status_detail", "checked 2026-11-20, 30 ECTS credits")),
}


@pytest.mark.parametrize("edit", sorted(_OVERSTATEMENTS))
def test_a_line_overstating_its_dates_result_credits_or_issuer_is_flagged(facts_wallet, tmp_path, capsys, monkeypatch,
                                                                          edit: str) -> None:
    title, change = _OVERSTATEMENTS[edit]
    lines = _verify_resume_with_an_edited_line(capsys, tmp_path, monkeypatch, title, change)
    assert lines[title]["resume"]["match"] == "fail", edit
    assert lines[title]["verdict"] == "not-verified"
    assert lines[title]["reasons"] and title in lines[title]["reasons"][0]
    (other,) = [r for name, r in lines.items() if name != title]
    assert other["resume"]["match"] == "pass" and other["verdict"] == "verified"


# Ways to draw a line's text so that the extractor reads it and a person does not: invisible render mode
# (ISO 32000-1 §9.3.6), white fill, squeezed to nothing by the horizontal scale (§9.3.4), raised off the page by
# the text rise (§9.3.7), a font size too small to read. An applicant hides the genuine title this way and draws
# another one in its place as vector paths or an image, which no text extractor reads.
_HIDING = {
    "invisible render mode": ([3], b"Tr", [0], b"Tr"),
    "white fill": ([1, 1, 1], b"rg", [0.121569, 0.160784, 0.2], b"rg"),
    "white fill in gray": ([1], b"g", [0], b"g"),
    "squeezed flat": ([1], b"Tz", [100], b"Tz"),
    "raised off the page": ([5000], b"Ts", [0], b"Ts"),
}


def _hide_text(pdf: Path, text: str, out: Path, how: str) -> None:
    """``pdf`` with each text-showing operation whose string is ``text`` drawn as ``how`` (the attachment kept)."""
    from pypdf.generic import ArrayObject, ContentStream, FloatObject, NameObject

    before, before_op, after, after_op = _HIDING[how]
    writer = PdfWriter(clone_from=PdfReader(pdf))
    hidden = 0
    for page in writer.pages:
        content = ContentStream(page.get_contents(), writer)
        operations = []
        for operands, operator in content.operations:
            shows = operator in (b"Tj", b"TJ") and text in str(operands[0] if operator == b"Tj" else
                                                                  "".join(str(o) for o in operands[0] if isinstance(o, str)))
            if shows:
                operations.append((ArrayObject(FloatObject(v) for v in before), before_op))
                hidden += 1
            operations.append((operands, operator))
            if shows:
                operations.append((ArrayObject(FloatObject(v) for v in after), after_op))
        content.operations = operations
        page.replace_contents(content)
    assert hidden, f"{text!r} is not drawn in one piece"
    with out.open("wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize("how", sorted(_HIDING))
def test_a_title_drawn_so_that_no_one_sees_it_is_not_a_verified_line(resume_wallet, tmp_path, capsys, how: str) -> None:
    target, forged = tmp_path / "resume.pdf", tmp_path / "forged.pdf"
    _export(capsys, target)
    _hide_text(target, "Cloud Practitioner", forged, how)
    code, out, err = _cli(capsys, "verify", str(forged), "--json")
    assert code == 13 and "Traceback" not in err
    results = json.loads(out)["results"]
    hidden = [r for r in results if (r.get("resume") or {}).get("title") == "Cloud Practitioner"]
    assert hidden and all(r["verdict"] != "verified" and r["resume"]["match"] == "fail" for r in hidden)
    assert any("cannot see" in reason for r in hidden for reason in r["reasons"])
    # the untouched resume still verifies
    assert _cli(capsys, "verify", str(target))[0] == 0


def _without_proof(pdf: Path, out: Path) -> None:
    document = json.loads(_attachment(pdf))
    del document["proof"]
    _replace_attachment(pdf, json.dumps(document).encode(), out)


@pytest.mark.parametrize("case", ["made for another domain", "its proof taken off"])
def test_no_line_is_verified_when_the_holders_proof_is_not(resume_wallet, tmp_path, capsys, case: str) -> None:
    """The credentials are genuine, but a proof that fails (replayed for another verifier, or removed) does not
    show that they are the sender's: no line of the resume is then reported verified."""
    target, changed = tmp_path / "resume.pdf", tmp_path / "changed.pdf"
    if case == "made for another domain":
        _export(capsys, target, "--challenge", CHALLENGE, "--domain", "jobs.other-employer.example")
        changed, args = target, ("--challenge", CHALLENGE, "--domain", DOMAIN)
    else:
        _export(capsys, target)
        _without_proof(target, changed)
        args = ()
    report = tmp_path / "report.html"
    code, out, err = _cli(capsys, "verify", str(changed), "--json", "--report", str(report), *args)
    assert code == 13, err
    results = json.loads(out)["results"]
    assert results[0]["kind"] == "presentation" and results[0]["verdict"] != "verified"
    lines = [r for r in results if r["kind"] == "credential"]
    assert lines and all(r["verdict"] != "verified" for r in lines)
    assert all(any("not shown to be the sender's" in reason for reason in r["reasons"]) for r in lines)
    assert 'class="good"' not in report.read_text()


def test_a_resume_checked_without_a_challenge_says_it_may_be_a_copy(resume_wallet, tmp_path, capsys) -> None:
    """Without the employer's own challenge nothing binds the proof to this application: a resume copied from
    its holder (another person) verifies the same. The check says so beside the presentation."""
    target, report = tmp_path / "resume.pdf", tmp_path / "report.html"
    _export(capsys, target, "--challenge", "someone-elses-nonce", "--domain", "jobs.other-employer.example")
    code, out, err = _cli(capsys, "verify", str(target), "--report", str(report))
    assert code == 0, err
    assert "no --challenge given" in err and "jobs.other-employer.example" in err
    assert "no --challenge given" in report.read_text()
    code, out, err = _cli(capsys, "verify", str(target), "--json")
    (presentation,) = [r for r in json.loads(out)["results"] if r["kind"] == "presentation"]
    assert any("no --challenge given" in reason for reason in presentation["reasons"])
    # with the employer's own challenge the note is not needed, and a proof made for another one fails
    code, out, err = _cli(capsys, "verify", str(target), "--challenge", "someone-elses-nonce",
                          "--domain", "jobs.other-employer.example")
    assert code == 0 and "no --challenge given" not in err


def _overlay(pdf: Path, out: Path, lines: list[tuple[str, float]], *, page: int = 0) -> None:
    """``pdf`` with ``lines`` (text, font size) drawn on a page in ordinary black text, the attachment kept: what
    an applicant adds with any PDF editor."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(595.27, 841.89))
    y = 120
    for text, size in lines:
        drawing.setFont("Helvetica-Bold" if size >= 10 else "Helvetica", size)
        drawing.drawString(54, y, text)
        y -= size + 4
    drawing.save()
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.pages[page].merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    with out.open("wb") as handle:
        writer.write(handle)


_ADDED_ENTRIES = {
    "an entry like the others": [("PhD in Physics", 10.5), ("Massachusetts Institute of Technology · Issued 12 Mar 2019",
                                                          9.0), ("✓ Verified (checked 2026-11-20)", 9.0)],
    "an entry in another size": [("PhD in Physics", 10.0), ("Massachusetts Institute of Technology · Issued 12 Mar 2019",
                                                         9.0)],
    "an entry with no date": [("PhD in Physics, Massachusetts Institute of Technology", 9.0)],
}


@pytest.mark.parametrize("added", sorted(_ADDED_ENTRIES))
def test_an_entry_added_to_the_resume_without_a_credential_is_flagged(resume_wallet, tmp_path, capsys, added: str) -> None:
    target, forged = tmp_path / "resume.pdf", tmp_path / "forged.pdf"
    _export(capsys, target)
    _overlay(target, forged, _ADDED_ENTRIES[added])
    code, out, err = _cli(capsys, "verify", str(forged), "--json")
    assert code == 13, err
    results = json.loads(out)["results"]
    flagged = [r for r in results if r["verdict"] != "verified"]
    assert flagged and any("PhD in Physics" in reason for r in flagged for reason in r["reasons"])


def test_a_long_genuine_resume_of_every_group_verifies_line_by_line(passphrase, tmp_path, capsys) -> None:
    """No false alarm from the words between entries: several pages (footers), every group heading, a credential
    too large for a QR code (its note), credential ids drawn as links."""
    key, did, method = _issuer()
    kinds = ["BachelorDegree", "Certificate", "Course", "Badge", "ext:Apprenticeship"]
    assert _cli(capsys, "init")[0] == 0
    for number in range(14):
        document = _ob3(f"Credential number {number}", did, ident=f"urn:uuid:6a1f0b3c-0000-4000-8000-0000000003{number:02d}",
                        skills=(f"Skill {number}",))
        document["credentialSubject"]["achievement"]["achievementType"] = kinds[number % len(kinds)]
        if number == 3:
            import secrets  # text that does not compress: the signed credential no longer fits a QR code

            document["credentialSubject"]["achievement"]["description"] = secrets.token_hex(4000)
        path = tmp_path / f"l{number}.json"
        path.write_text(json.dumps(_signed(document, key, method)))
        assert _cli(capsys, "add", str(path))[0] == 0
    assert _cli(capsys, "verify", "--all")[0] == 0
    assert _cli(capsys, "profile", "set", "--name", "Zoë Example-Ünal")[0] == 0
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    reader = PdfReader(target)
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 1 and "No QR code" in text and "Degrees and diplomas" in text
    code, out, err = _cli(capsys, "verify", str(target), "--json")
    assert code == 0, err
    lines = [r for r in json.loads(out)["results"] if r["kind"] == "credential"]
    assert len(lines) == 14 and all(r["resume"]["match"] == "pass" for r in lines)


HOSTILE_TITLE = '<script>alert(1)</script>\x1b[2J\x1b]8;;https://evil.example\x07Cloud\u202eenolC <img src=x onerror=alert(2)>'


def test_hostile_credential_text_is_inert_in_the_report_and_the_terminal(passphrase, tmp_path, capsys) -> None:
    """What an issuer (or an applicant who is one) writes in a title, a name or a URL is shown as text: no markup,
    no script, no link in the HTML report; no escape sequence or bidi override reaches the terminal or the
    report (the importer already drops the title's tags and control characters; the report escapes the rest)."""
    key, did, method = _issuer()
    document = _ob3(HOSTILE_TITLE, did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000401")
    document["issuer"]["name"] = 'Example"><a href="javascript:alert(3)">Institute\u202e</a>'
    document["issuer"]["url"] = "javascript:alert(4)"
    document["credentialSubject"]["achievement"]["image"] = {"id": "data:text/html;base64,PHNjcmlwdD4=", "type": "Image"}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(_signed(document, key, method)))
    report = tmp_path / "report.html"
    code, out, err = _cli(capsys, "verify", str(path), "--report", str(report))
    assert code == 0, err
    html = report.read_text()
    lowered = html.lower()
    # (an attribute, not the letters: a random did:key may spell "href" in lower case)
    assert "<script" not in lowered and "<img" not in lowered and "<a " not in lowered and "href=" not in lowered
    assert "javascript:" not in lowered
    # a bidi override would show the title in another order than it is signed in (the terminal spells it out too)
    assert "\u202e" not in html and "\\u202e" in html
    for stream in (out, err):
        assert "\x1b" not in stream and "\u202e" not in stream and "\x07" not in stream
    assert "\\x1b" in out or "\\x1b" in err  # the escape is shown, spelled out


def _overlay_qr(pdf: Path, out: Path, text: str) -> None:
    """``pdf`` with a QR code of ``text`` drawn over page 1's first code (a phone scans the one on top)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from skillwallet.export.qr import qr_png

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(595.27, 841.89))
    drawing.drawImage(ImageReader(io.BytesIO(qr_png(text))), 440, 300, width=110, height=110)
    drawing.save()
    writer = PdfWriter(clone_from=PdfReader(pdf))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    with out.open("wb") as handle:
        writer.write(handle)


@pytest.mark.parametrize("code_holds", ["an attacker's page", "another person's credential"])
def test_a_qr_code_the_proof_does_not_back_is_flagged(resume_wallet, tmp_path, capsys, code_holds: str) -> None:
    """With the proof attached, every QR code must open one of its credentials' verification pages or hold one
    of its credentials: an employer who scans a code trusts what it opens."""
    from skillwallet.formats.sw1 import encode_credential_payload

    target, forged = tmp_path / "resume.pdf", tmp_path / "forged.pdf"
    _export(capsys, target)
    if code_holds == "an attacker's page":
        text = "https://verify.attacker.example/badge/cloud-practitioner"
    else:
        key, did, method = _issuer()
        other = _signed(_ob3("Cloud Practitioner", did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000501",
                             subject="did:example:someone-else"), key, method)
        text = encode_credential_payload(json.dumps(other).encode())
    _overlay_qr(target, forged, text)
    code, out, err = _cli(capsys, "verify", str(forged), "--json")
    assert code == 13, err
    results = json.loads(out)["results"]
    flagged = [r for r in results if r.get("resume", {}).get("qr")]
    assert flagged and all(r["verdict"] != "verified" for r in flagged)
    assert any("QR code" in reason for r in flagged for reason in r["reasons"])
    # the genuine resume's codes are all backed by its proof
    assert _cli(capsys, "verify", str(target))[0] == 0


def test_a_credential_nothing_binds_to_the_sender_says_so(resume_wallet, tmp_path, capsys) -> None:
    """A credential whose subject is no DID can be presented by anyone who has a copy, and one read from a QR code
    comes with no holder's proof at all: each is genuine, and the result says that nothing shows it is the
    sender's."""
    target = tmp_path / "resume.pdf"
    _export(capsys, target, "--challenge", CHALLENGE, "--domain", DOMAIN)
    code, out, err = _cli(capsys, "verify", str(target), "--json", "--challenge", CHALLENGE, "--domain", DOMAIN)
    assert code == 0, err
    lines = [r for r in json.loads(out)["results"] if r["kind"] == "credential"]
    assert lines and all(any("subject is not a DID" in reason for reason in r["reasons"]) for r in lines)
    bare = tmp_path / "bare.pdf"
    writer = PdfWriter()
    for page in PdfReader(target).pages:
        writer.add_page(page)
    with bare.open("wb") as handle:
        writer.write(handle)
    code, out, err = _cli(capsys, "verify", str(bare), "--json")
    assert code == 0, err
    codes = json.loads(out)["results"]
    assert codes and all(any("nothing shows it is the sender's" in reason for reason in r["reasons"]) for r in codes)


@pytest.mark.parametrize("names", [(ATTACHMENT_NAME, ATTACHMENT_NAME), ("proof.json", "presentation.json")])
def test_a_resume_attaching_two_candidate_proofs_is_refused_not_guessed(resume_wallet, tmp_path, capsys, names) -> None:
    """Two attachments either of which could be the proof (the same name twice, or two JSON files and none under
    the proof's name): which one a reader's pane shows is the reader's choice, so the check picks none."""
    target, doubled = tmp_path / "resume.pdf", tmp_path / "doubled.pdf"
    _export(capsys, target)
    genuine = _attachment(target)
    decoy = json.loads(genuine)
    decoy["verifiableCredential"] = decoy["verifiableCredential"][:1]
    reader = PdfReader(target)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_attachment(names[0], genuine)
    writer.add_attachment(names[1], json.dumps(decoy).encode())
    with doubled.open("wb") as handle:
        writer.write(handle)
    code, out, err = _cli(capsys, "verify", str(doubled), "--json")
    assert code == 13 and "Traceback" not in err
    (result,) = json.loads(out)["results"]
    assert result["verdict"] != "verified" and "refus" in " ".join(result["reasons"])


@pytest.mark.parametrize("where", ["before the wallet id", "after the wallet id"])
def test_a_claim_slipped_in_among_an_entrys_ids_is_flagged(resume_wallet, tmp_path, capsys, monkeypatch, where) -> None:
    """The proof mark and the wallet id close an entry: a line drawn in between, or after the ids, is text no
    credential backs."""
    import skillwallet.export.pdf as pdf_module

    original = pdf_module._entry_lines

    def with_claim(credential, styles):
        title, lines = original(credential, styles)
        if credential.title == "Cloud Practitioner":
            ids = next(i for i, line in enumerate(lines) if line[0].text.startswith("Wallet id"))
            claim = [pdf_module._Run("Grade: A+ with distinction, 30 ECTS credits", pdf_module.FONT, 8, pdf_module.INK)]
            lines.insert(ids if where == "before the wallet id" else ids + 1, claim)
        return title, lines

    monkeypatch.setattr(pdf_module, "_entry_lines", with_claim)
    target = tmp_path / "resume.pdf"
    _export(capsys, target)
    assert "30 ECTS" in "".join(page.extract_text() for page in PdfReader(target).pages)
    code, out, err = _cli(capsys, "verify", str(target), "--json")
    assert code == 13, err
    results = json.loads(out)["results"]
    assert any("30 ECTS" in reason or "Cloud Practitioner" in reason
               for r in results if r["verdict"] != "verified" for reason in r["reasons"])
