"""`skillwallet export` and `skillwallet profile` through the CLI, on a real encrypted wallet."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest
from export_helpers import ob3_credential, sample_profile, sample_wallet_items, verified

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.formats import inputs, sw1


@pytest.fixture
def wallet_ids(passphrase: str) -> dict[str, str]:
    """A real wallet holding the sample credentials; returns {sample wallet id: real wallet id}."""
    from skillwallet.paths import wallet_home
    from skillwallet.store import Wallet

    mapping = {}
    with Wallet.init(wallet_home(), passphrase) as wallet:
        for item in sample_wallet_items():
            wallet_id, _ = wallet.add_credential(item.credential, item.verdict)
            wallet.set_tags(wallet_id, item.tags)
            mapping[item.wallet_id] = wallet_id
    return mapping


@pytest.fixture
def with_profile(wallet_ids: dict[str, str]) -> dict[str, str]:
    profile = sample_profile()
    args = ["profile", "set", "--name", profile["name"], "--headline", profile["headline"], "--email", "zoe@example.org",
            "--phone", profile["phone"], "--location", profile["location"], "--link", "https://github.com/zoe-example",
            "--summary", profile["summary"]]
    assert run(args) == 0
    return wallet_ids


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


# --- profile ---------------------------------------------------------------------------------------------------------


def test_profile_set_show_and_edit(wallet_ids, capsys) -> None:
    assert run(["profile", "set", "--name", "Zoë Ångström", "--email", "zoe@example.org", "--link", "https://github.com/zoe"]) == 0
    assert run(["profile", "add-email", "z.a@work.example"]) == 0
    assert run(["profile", "add-link", "https://zoe.example/portfolio", "--label", "Portfolio"]) == 0
    capsys.readouterr()
    assert run(["profile", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["schema"] == "skillwallet/profile" and shown["version"] == 1 and shown["complete"] is True
    profile = shown["profile"]
    assert profile["name"] == "Zoë Ångström"
    assert profile["emails"] == ["zoe@example.org", "z.a@work.example"]
    assert profile["links"] == [{"url": "https://github.com/zoe", "label": None},
                                {"url": "https://zoe.example/portfolio", "label": "Portfolio"}]
    assert run(["profile", "remove-email", "ZOE@example.org"]) == 0
    assert run(["profile", "set", "--headline", "Engineer"]) == 0  # other fields keep their value
    capsys.readouterr()
    assert run(["profile", "show"]) == 0
    human = capsys.readouterr().out
    assert "Zoë Ångström" in human and "Engineer" in human and "z.a@work.example" in human
    assert "zoe@example.org" not in human


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["profile", "set", "--email", "not-an-email"], ExitCode.USAGE, "not an email address"),
        (["profile", "set", "--link", "javascript:alert(1)"], ExitCode.USAGE, "not a web address"),
        (["profile", "set"], ExitCode.USAGE, "nothing to set"),
        (["profile", "remove-email", "nobody@example.org"], ExitCode.NOT_FOUND, "not in your profile"),
    ],
)
def test_profile_bad_input(wallet_ids, capsys, args, code, message) -> None:
    assert run(args) == code
    assert message in _error_line(capsys)


# --- resumes ---------------------------------------------------------------------------------------------------------


def test_export_pdf_resume(with_profile, out: Path, capsys) -> None:
    target = out / "resume.pdf"
    assert run(["export", "--resume", "-o", str(target), "--paper", "letter"]) == 0
    assert f"wrote {target}" in capsys.readouterr().err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["resume.pdf"]
    from pypdf import PdfReader

    reader = PdfReader(target)
    assert round(float(reader.pages[0].mediabox.width)) == 612
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Zoë Ångström-Nakamura" in text and "高级软件工程师证书" in text
    assert "Forged Diploma" not in text  # an invalid credential is not put forward unless named
    decoded = []
    for page in reader.pages:
        for image in page.images:
            buffer = io.BytesIO()
            image.image.save(buffer, format="PNG")
            decoded += [sw1.decode_qr_payload(t) for t in inputs.decode_qr_image(buffer.getvalue())]
    assert len(decoded) == 5
    originals = {i.credential.original for i in sample_wallet_items()}
    assert all(p in originals or p.startswith("https://badges.example.edu/") for p in decoded)


@pytest.mark.parametrize(("name", "marker"), [("resume.md", "# Zoë Ångström-Nakamura"), ("resume.html", "<!DOCTYPE html>")])
def test_export_markdown_and_html_from_the_extension(with_profile, out: Path, name: str, marker: str) -> None:
    assert run(["export", "-o", str(out / name)]) == 0
    assert (out / name).read_text("utf-8").startswith(marker)


def test_export_json_resume_validates(with_profile, out: Path, capsys) -> None:
    from jsonschema import Draft7Validator

    from skillwallet.export.jsonresume import load_schema

    assert run(["export", "--json-resume", "-o", str(out / "resume.json"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["schema"] == "skillwallet/export" and summary["kind"] == "json-resume"
    document = json.loads((out / "resume.json").read_text("utf-8"))
    Draft7Validator(load_schema()).validate(document)
    assert len(document["certificates"]) == 5


def test_selection_by_id_and_tag(with_profile, out: Path, capsys) -> None:
    cka = with_profile["a1b2c3d4e5f6"]
    assert run(["export", "--resume", "-o", str(out / "one.md"), "--id", cka[:8]]) == 0
    text = (out / "one.md").read_text("utf-8")
    assert "Certified Kubernetes Administrator" in text and "First Aid" not in text
    assert run(["export", "--resume", "-o", str(out / "tag.md"), "--tag", "law", "--tag", "safety"]) == 0
    text = (out / "tag.md").read_text("utf-8")
    assert "Datenschutz" in text and "First Aid" in text and "Kubernetes Administrator" not in text
    # naming the invalid credential explicitly includes it, marked
    forged = with_profile["c0ffee000006"]
    assert run(["export", "-o", str(out / "forged.md"), "--id", forged]) == 0
    assert "Signature invalid" in (out / "forged.md").read_text("utf-8")


# --- bad input: one clear line, the right code, nothing left behind -------------------------------------------------


def test_resume_without_profile_is_an_export_error(wallet_ids, out: Path, capsys) -> None:
    assert run(["export", "--resume", "-o", str(out / "resume.pdf")]) == ExitCode.EXPORT
    assert "no profile" in _error_line(capsys)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--id", "ffffffffffff"], ExitCode.NOT_FOUND, "no credential with id"),
        (["--tag", "no-such-tag"], ExitCode.EXPORT, "no credential has the tag"),
    ],
)
def test_bad_selection(with_profile, out: Path, capsys, args, code, message) -> None:
    assert run(["export", "--resume", "-o", str(out / "resume.pdf"), *args]) == code
    assert message in _error_line(capsys)
    assert list(out.iterdir()) == []


def test_unwritable_output_path(with_profile, out: Path, capsys) -> None:
    assert run(["export", "--resume", "-o", str(out / "missing" / "resume.pdf")]) == ExitCode.IO
    assert "does not exist" in _error_line(capsys)
    assert list(out.iterdir()) == []


def test_ambiguous_or_missing_target(with_profile, out: Path, capsys) -> None:
    assert run(["export", "-o", str(out / "x.json")]) == ExitCode.USAGE
    assert "JSON Resume or a signed presentation" in _error_line(capsys)
    assert run(["export", "--resume"]) == ExitCode.USAGE
    assert "-o FILE" in _error_line(capsys)
    assert run(["export", "--resume", "--calendar", "-o", str(out / "x.ics")]) == ExitCode.USAGE
    assert "one export at a time" in _error_line(capsys)
    assert list(out.iterdir()) == []


def test_empty_wallet(passphrase: str, out: Path, capsys) -> None:
    from skillwallet.paths import wallet_home
    from skillwallet.store import Wallet

    Wallet.init(wallet_home(), passphrase).close()
    assert run(["export", "--calendar", "-o", str(out / "r.ics")]) == ExitCode.EXPORT
    assert "holds no credentials" in _error_line(capsys)


def test_no_plaintext_outside_the_requested_file(with_profile, out: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(out)
    canary = "Zertifikat für Datenschutz"
    assert run(["export", "--resume", "-o", "resume.md"]) == 0
    assert run(["export", "--resume", "-o", "missing/resume.pdf"]) == ExitCode.IO
    capsys.readouterr()
    found = []
    for folder in (out, tmp_path / "tmp", tmp_path / "home"):
        for path in folder.rglob("*"):
            if path.is_file() and path != out / "resume.md" and canary.encode() in path.read_bytes():
                found.append(path)
    assert found == []


# --- QR, presentation, LinkedIn, calendar ----------------------------------------------------------------------------


def test_export_qr_png_svg_and_terminal(with_profile, out: Path, capsys) -> None:
    cka = with_profile["a1b2c3d4e5f6"]
    original = sample_wallet_items()[0].credential.original
    assert run(["export", "--qr", cka, "-o", str(out / "badge.png")]) == 0
    (text,) = inputs.decode_qr_image((out / "badge.png").read_bytes())
    assert sw1.decode_qr_payload(text) == original
    assert run(["export", "--qr", cka, "-o", str(out / "badge.svg")]) == 0
    assert (out / "badge.svg").read_bytes().startswith(b"<?xml")
    capsys.readouterr()
    assert run(["export", "--qr", with_profile["0badc0ffee01"]]) == 0
    shown = capsys.readouterr().out
    assert "\u2588" in shown and "scan to open its verification page" in shown


def test_export_qr_too_large(passphrase: str, out: Path, capsys) -> None:
    from skillwallet.paths import wallet_home
    from skillwallet.store import Wallet

    credential = ob3_credential("Huge", "Issuer", index=90)
    credential.original = os.urandom(6000)
    with Wallet.init(wallet_home(), passphrase) as wallet:
        wallet_id, _ = wallet.add_credential(credential, verified())
    assert run(["export", "--qr", wallet_id, "-o", str(out / "big.png")]) == ExitCode.EXPORT
    assert "too large for a QR code" in _error_line(capsys)
    assert list(out.iterdir()) == []


def test_export_presentation_verifies_with_the_holder_key(with_profile, out: Path, capsys) -> None:
    from skillwallet.paths import wallet_home
    from skillwallet.store import Wallet
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs
    from skillwallet.verify.resolver import DocumentResolver

    target = out / "vp.json"
    assert run(["export", "--presentation", "-o", str(target), "--tag", "cloud", "--tag", "law",
                "--challenge", "n-1", "--domain", "hr.example.com"]) == 0
    vp = json.loads(target.read_text("utf-8"))
    with Wallet.open(wallet_home(), passphrase=os.environ["SKILLWALLET_PASSPHRASE"]) as wallet:
        holder = wallet.holder_did
    # the cloud credential (a JWT about did:example:holder) is someone else's: left out, so only the law one
    assert vp["holder"] == holder and len(vp["verifiableCredential"]) == 1
    assert "not your holder DID" in capsys.readouterr().err

    def check(document):
        return verify_data_integrity_proofs(document, resolver=DocumentResolver(offline=True), issuer=holder,
                                            expected_purpose="authentication", challenge="n-1", domain="hr.example.com").outcome

    assert check(vp) == "pass"
    vp["holder"] = "did:example:mallory"
    assert check(vp) == "fail"


def test_export_linkedin_prints_the_link(with_profile, capsys) -> None:
    assert run(["export", "--linkedin", with_profile["0badc0ffee01"]]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=Data%20Literacy%20Foundations")
    assert "organizationName=Universidad%20Polit%C3%A9cnica%20de%20Catalu%C3%B1a" in url


def test_export_calendar(with_profile, out: Path) -> None:
    from icalendar import Calendar

    assert run(["export", "--calendar", "-o", str(out / "renewals.ics"), "--remind-days", "14"]) == 0
    calendar = Calendar.from_ical((out / "renewals.ics").read_bytes())
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Expires: Certified Kubernetes Administrator (CKA)®", "Start renewal: Certified Kubernetes Administrator (CKA)®"]


def test_export_to_stdout(with_profile, capsys) -> None:
    assert run(["export", "--resume", "-o", "-", "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith("# Zoë Ångström-Nakamura")


def test_goal_tailors_the_resume_to_one_pathway(with_profile, out: Path, capsys) -> None:
    # the built-in cloud-engineer pathway counts the CKA (Kubernetes) and the privacy certificate toward it
    assert run(["export", "--resume", "-o", str(out / "goal.md"), "--goal", "cloud-engineer"]) == 0
    text = (out / "goal.md").read_text("utf-8")
    assert "- **Cloud engineer** — in progress" in text and "still needed:" in text
    assert "Certified Kubernetes Administrator" in text
    assert "First Aid" not in text and "高级软件工程师证书" not in text
    # the same evaluation as `skillwallet stack --goal cloud-engineer --json`
    capsys.readouterr()
    assert run(["stack", "--goal", "cloud-engineer", "--json"]) == 0
    progress = json.loads(capsys.readouterr().out)
    expected = round(progress["progress"] * 100)
    assert f"in progress ({expected} %)" in text


def test_resume_without_goal_lists_the_closest_pathways(with_profile, out: Path) -> None:
    assert run(["export", "--resume", "-o", str(out / "all.md")]) == 0
    text = (out / "all.md").read_text("utf-8")
    section = text.split("## Career pathways", 1)[1].split("## Credentials", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert 1 <= len(lines) <= 3 and "- **Cloud engineer** — in progress" in section


def test_unknown_goal(with_profile, out: Path, capsys) -> None:
    assert run(["export", "--resume", "-o", str(out / "r.pdf"), "--goal", "cloud-enginer"]) == ExitCode.NOT_FOUND
    captured = capsys.readouterr()
    assert "no pathway or goal 'cloud-enginer'" in captured.err and "did you mean: cloud-engineer" in captured.err
    assert list(out.iterdir()) == []


def test_qr_png_round_trips_through_skillwallet_add(with_profile, out: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """The importer reads an exported QR image back into another wallet as the same credential."""
    from skillwallet.store import Wallet

    wallet_id = with_profile["c0ffee000003"]
    assert run(["export", "--qr", wallet_id, "-o", str(out / "badge.png")]) == 0
    other_home = tmp_path / "other-wallet"
    monkeypatch.setenv("SKILLWALLET_HOME", str(other_home))
    Wallet.init(other_home, os.environ["SKILLWALLET_PASSPHRASE"]).close()
    assert run(["add", str(out / "badge.png")]) in (0, ExitCode.NOT_VERIFIED)
    with Wallet.open(other_home, passphrase=os.environ["SKILLWALLET_PASSPHRASE"]) as wallet:
        (stored,) = wallet.list_credentials()
    assert stored.wallet_id == wallet_id
    assert stored.credential.original == sample_wallet_items()[2].credential.original


def test_paper_size_comes_from_the_config_unless_given(with_profile, out: Path) -> None:
    from pypdf import PdfReader

    assert run(["config", "set", "paper", "letter"]) == 0
    assert run(["export", "--resume", "-o", str(out / "letter.pdf"), "--no-qr"]) == 0
    assert round(float(PdfReader(out / "letter.pdf").pages[0].mediabox.width)) == 612
    assert run(["export", "--resume", "-o", str(out / "a4.pdf"), "--paper", "a4", "--no-qr"]) == 0
    reader = PdfReader(out / "a4.pdf")
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert all(not page.images for page in reader.pages)  # --no-qr
