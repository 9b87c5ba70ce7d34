"""`skillwallet add` end to end on a real wallet: bulk import, dedupe, report, exit codes, self-attested entries."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from formats_helpers import baked_png, baked_svg, fixture_bytes, fixture_json, sd_jwt, vc_jose, vc_jwt_v11
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet


@pytest.fixture
def wallet_home(passphrase: str) -> Path:
    home = paths.wallet_home()
    Wallet.init(home, passphrase).close()
    return home


def stored(passphrase: str):
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        return {s.wallet_id: s for s in wallet.list_credentials()}


def add_json(capsys, *args: str) -> tuple[int, dict, str]:
    code = run(["add", "--json", *args])
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_folder_of_mixed_shapes_is_imported_with_a_report(wallet_home, passphrase, tmp_path, capsys) -> None:
    folder = tmp_path / "download"
    (folder / "ob2").mkdir(parents=True)
    for name in ("ob2_assertion_hosted.json", "ob2_badgeclass.json", "ob2_issuer.json"):
        (folder / "ob2" / name).write_bytes(fixture_bytes(name))
    (folder / "degree.json").write_bytes(fixture_bytes("ob3_full_v2.json"))
    (folder / "teamwork.png").write_bytes(baked_png(fixture_bytes("ob3_basic_v1.json").decode()))
    (folder / "ci.svg").write_bytes(baked_svg(fixture_bytes("ob2_assertion_embedded.json").decode(), version="ob2"))
    (folder / "transcript.json").write_bytes(fixture_bytes("clr2_transcript.json"))
    (folder / "alumni.jwt").write_text(vc_jose(fixture_json("vc_di_eddsa_jcs_signed.json")))
    (folder / "broken.json").write_bytes(b'{"@context": ')
    code, document, err = add_json(capsys, str(folder), "--no-verify")

    assert document["schema"] == "skillwallet/add" and document["version"] == 1
    assert document["summary"] == {"added": 8, "present": 0, "conflict": 0, "replaced": 0, "rejected": 1, "supporting": 2}
    assert code == ExitCode.PARTIAL
    rejected = [r for r in document["results"] if r["status"] == "rejected"]
    assert rejected == [
        {
            "source": str(folder / "broken.json"),
            "status": "rejected",
            "id": None,
            "title": None,
            "issuer": None,
            "format": None,
            "verdict": None,
            "parent_id": None,
            "reason": f"{folder / 'broken.json'}: JSON is truncated (ended at line 1)",
            "notes": [],
        }
    ]
    by_title = {r["title"]: r for r in document["results"] if r["status"] == "added"}
    assert by_title["Awesome Robotics Badge"]["issuer"] == "An Example Badge Issuer"  # completed from the files
    clr = by_title["Example University Transcript"]
    assert by_title["Data Structures"]["parent_id"] == clr["id"]
    assert by_title["Teamwork"]["format"] == "ob3"
    assert by_title["Alumni Credential"]["format"] == "vc+jwt"
    assert "Traceback" not in err and f"rejected: {folder / 'broken.json'}: JSON is truncated" in err

    wallet = stored(passphrase)
    assert len(wallet) == 8
    ci = next(s for s in wallet.values() if s.credential.title == "Continuous Integration Basics")
    assert ci.credential.original == fixture_bytes("ob2_assertion_embedded.json").decode().strip().encode()
    assert ci.verdict.verdict == "not-verified"  # --no-verify


def test_same_credential_in_other_shapes_is_stored_once(wallet_home, passphrase, tmp_path, capsys) -> None:
    document = fixture_json("ob3_basic_v1.json")
    (tmp_path / "a.json").write_text(json.dumps(document, indent=2))
    code, first, _ = add_json(capsys, str(tmp_path / "a.json"), "--no-verify")
    assert code == 0 and first["summary"]["added"] == 1
    wallet_id = first["results"][0]["id"]

    (tmp_path / "b.png").write_bytes(baked_png(json.dumps(document)))
    (tmp_path / "c.jwt").write_text(vc_jwt_v11(document))
    (tmp_path / "d.svg").write_bytes(baked_svg(vc_jose(document), as_verify=True))
    code, again, err = add_json(capsys, str(tmp_path / "b.png"), str(tmp_path / "c.jwt"), str(tmp_path / "d.svg"), "--no-verify")
    assert code == 0
    assert again["summary"] == {"added": 0, "present": 3, "conflict": 0, "replaced": 0, "rejected": 0, "supporting": 0}
    assert {r["id"] for r in again["results"]} == {wallet_id}
    assert err.count("already present: ") == 3
    assert list(stored(passphrase)) == [wallet_id]


def test_zip_archive_with_traversal_and_bomb_members(wallet_home, passphrase, tmp_path, capsys) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("badges/degree.json", fixture_bytes("ob3_full_v2.json"))
        archive.writestr("../../escape.json", fixture_bytes("ob3_basic_v1.json"))
        archive.writestr("bomb.json", b" " * (4 * 1024 * 1024))
    (tmp_path / "export.zip").write_bytes(buffer.getvalue())
    code, document, err = add_json(capsys, str(tmp_path / "export.zip"), "--no-verify")
    assert code == ExitCode.PARTIAL
    assert document["summary"]["added"] == 1 and document["summary"]["rejected"] == 2
    reasons = " | ".join(r["reason"] for r in document["results"] if r["reason"])
    assert "path traversal" in reasons and "zip bomb" in reasons
    assert not list(tmp_path.parent.rglob("escape.json"))


def test_one_bad_file_is_bad_input_with_one_line_and_nothing_stored(wallet_home, passphrase, tmp_path, capsys) -> None:
    bad = tmp_path / "plain.png"
    from formats_helpers import plain_png

    bad.write_bytes(plain_png())
    code = run(["add", str(bad)])
    out = capsys.readouterr()
    assert code == ExitCode.BAD_INPUT
    assert out.err.splitlines()[-1] == f"error: {bad}: a PNG image without Open Badges data (not a baked badge)"
    assert "Traceback" not in out.err
    assert stored(passphrase) == {}


def test_stdin_sd_jwt_keeps_the_disclosures(wallet_home, passphrase) -> None:
    token = sd_jwt(
        {"iss": "https://university.example/issuer", "vct": "https://credentials.example.com/degree", "iat": 1683000000},
        {"name": "MSc Data Science"},
    )
    result = CliRunner().invoke(app, ["add", "-", "--no-verify"], input=token + "\n")
    assert result.exit_code == 0, result.stderr
    assert "MSc Data Science" in result.stdout
    (entry,) = stored(passphrase).values()
    assert entry.credential.original == token.encode()
    assert entry.credential.format == "sd-jwt"


def test_recipient_checked_against_profile_emails(wallet_home, passphrase, tmp_path, capsys) -> None:
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        wallet.set_profile({"name": "Beth", "emails": ["beth@example.org"]})
    (tmp_path / "ci.json").write_bytes(fixture_bytes("ob2_assertion_embedded.json"))
    code, _document, _ = add_json(capsys, str(tmp_path / "ci.json"), "--no-verify")
    assert code == 0
    (entry,) = stored(passphrase).values()
    assert entry.credential.addressed_to_holder is True


def test_unresolved_badgeclass_is_kept_with_a_note(wallet_home, passphrase, tmp_path, capsys) -> None:
    (tmp_path / "hosted.json").write_bytes(fixture_bytes("ob2_assertion_hosted.json"))
    code, document, err = add_json(capsys, str(tmp_path / "hosted.json"), "--offline", "--no-verify")
    assert code == 0
    (result,) = document["results"]
    assert result["status"] == "added"
    assert result["notes"] == ["could not resolve: https://example.org/robotics-badge.json"]
    assert "note: " in err and "could not resolve" in err


def test_verdict_is_recorded_at_import(wallet_home, passphrase, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SKILLWALLET_OFFLINE", "1")
    (tmp_path / "alumni.json").write_bytes(fixture_bytes("vc_di_eddsa_jcs_signed.json"))
    code, document, _ = add_json(capsys, str(tmp_path / "alumni.json"))
    assert code == 0
    (entry,) = stored(passphrase).values()
    try:
        import skillwallet.verify.verifier  # noqa: F401
    except ImportError:
        assert entry.verdict.verdict == "not-verified"
    else:
        # the W3C vector's key is only in a URL fragment: mathematically valid, self-asserted binding
        assert entry.verdict.verdict != "not-verified"
        assert entry.verdict.checks.get("signature") == "pass"
    assert document["results"][0]["verdict"] == entry.verdict.verdict


def test_self_attested_project_is_signed_with_the_holder_key(wallet_home, passphrase, tmp_path, capsys) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 pretend report")
    code = run([
        "add", "--json", "--self", "project", "--title", "Home lab cluster", "--issuer-name", "Acme",
        "--date", "2024-03-01", "--evidence", "https://github.com/beth/lab", "--evidence", str(report),
        "--skill", "Kubernetes", "--skill", "Linux",
    ])
    out = capsys.readouterr()
    assert code == 0, out.err
    (result,) = json.loads(out.out)["results"]
    assert result["format"] == "self-attested"
    (entry,) = stored(passphrase).values()
    credential = entry.credential
    assert credential.self_attested is True
    assert credential.title == "Home lab cluster"
    assert credential.achievement_type == "Project"
    assert [s.name for s in credential.skills] == ["Kubernetes", "Linux"]
    file_evidence = next(e for e in credential.evidence if e.sha256)
    assert (file_evidence.name, file_evidence.sha256) == ("report.pdf", hashlib.sha256(report.read_bytes()).hexdigest())
    document = json.loads(credential.original)
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        holder_did, method = wallet.holder_did, wallet.holder_verification_method
    assert document["issuer"]["id"] == holder_did == credential.issuer.id
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["proof"]["verificationMethod"] == method
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs
    from skillwallet.verify.resolver import DocumentResolver

    finding = verify_data_integrity_proofs(document, resolver=DocumentResolver(offline=True), issuer=holder_did)
    assert finding.outcome == "pass"
    assert entry.verdict.verdict in ("self-asserted", "verified") and entry.verdict.verdict != "not-verified"


def test_self_attested_needs_a_title_and_a_known_kind(wallet_home, capsys) -> None:
    assert run(["add", "--self", "degree"]) == ExitCode.USAGE
    assert "needs --title" in capsys.readouterr().err
    assert run(["add", "--self", "hobby", "--title", "x"]) == ExitCode.USAGE
    assert "unknown entry kind 'hobby'" in capsys.readouterr().err
    assert run(["add", "--title", "x", "a.json"]) == ExitCode.USAGE


def test_no_wallet_is_its_own_exit_code(tmp_path, passphrase) -> None:
    (tmp_path / "a.json").write_bytes(fixture_bytes("ob3_basic_v1.json"))
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "add", str(tmp_path / "a.json")], capture_output=True, text=True)
    assert proc.returncode == ExitCode.NO_WALLET
    assert "Traceback" not in proc.stderr


def test_subprocess_bulk_import_never_prints_a_traceback(wallet_home, tmp_path) -> None:
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "entity.svg").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>'
    )
    (tmp_path / "good.json").write_bytes(fixture_bytes("ob3_basic_v1.json"))
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 10)
    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", "add", "--no-verify", str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == ExitCode.PARTIAL
    assert "Traceback" not in proc.stderr
    assert "Teamwork" in proc.stdout
    assert proc.stderr.count("rejected: ") == 2
    assert "added 1, already present 0, rejected 2" in proc.stderr


def test_ob2_assertion_completed_later_is_not_stored_twice(wallet_home, passphrase, tmp_path, capsys) -> None:
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    (tmp_path / "hosted.json").write_bytes(fixture_bytes("ob2_assertion_hosted.json"))
    code, first, _ = add_json(capsys, str(tmp_path / "hosted.json"), "--offline", "--no-verify")
    assert code == 0 and first["summary"]["added"] == 1
    for name in ("ob2_badgeclass.json", "ob2_issuer.json"):
        (tmp_path / name).write_bytes(fixture_bytes(name))
    code, again, _ = add_json(capsys, str(tmp_path), "--offline", "--no-verify")
    assert code == 0
    assert again["summary"] == {"added": 0, "present": 1, "conflict": 0, "replaced": 0, "rejected": 0, "supporting": 2}
    (result,) = [r for r in again["results"] if r["status"] == "present"]
    assert result["id"] == first["results"][0]["id"]
    assert "remove it and add this file again" in result["notes"][0]
    assert len(stored(passphrase)) == 1


def test_bulk_import_writes_in_batches(wallet_home, passphrase, tmp_path, capsys, monkeypatch) -> None:
    from skillwallet.formats import importer

    monkeypatch.setattr(importer, "BATCH_SIZE", 3)
    calls: list[int] = []
    original = Wallet.store_credentials

    def counting(self, items, **options):
        calls.append(len(items))
        return original(self, items, **options)

    monkeypatch.setattr(Wallet, "store_credentials", counting)
    document = fixture_json("ob3_basic_v1.json")
    for number in range(7):
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        (tmp_path / f"{number}.json").write_text(json.dumps(document))
    (tmp_path / "7.json").write_text(json.dumps(document))  # same as 6.json, in the same batch
    code, report, _ = add_json(capsys, *[str(tmp_path / f"{n}.json") for n in range(8)], "--no-verify")
    assert code == 0
    assert calls == [3, 3, 2]
    assert [r["status"] for r in report["results"]] == ["added"] * 7 + ["present"]
    assert len(stored(passphrase)) == 7


def test_url_argument_needs_online(wallet_home, passphrase, capsys) -> None:
    code = run(["add", "--offline", "https://example.org/beths-robotics-badge.json"])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.splitlines()[-1] == "error: https://example.org/beths-robotics-badge.json: fetching is off (add --online, or download the file and add it)"


def test_url_argument_fetched_through_the_resolver(wallet_home, passphrase, capsys, monkeypatch) -> None:
    """Online: the hosted assertion and its linked documents come through the document resolver (network stubbed)."""
    from skillwallet.verify import resolver as resolver_module

    monkeypatch.delenv("SKILLWALLET_OFFLINE", raising=False)
    documents = {
        "https://example.org/beths-robotics-badge.json": fixture_bytes("ob2_assertion_hosted.json"),
        "https://example.org/robotics-badge.json": fixture_bytes("ob2_badgeclass.json"),
        "https://example.org/organization.json": fixture_bytes("ob2_issuer.json"),
    }
    downloaded: list[str] = []

    def fake_download(self, url):
        downloaded.append(url)
        if url not in documents:
            from skillwallet.errors import DocumentUnavailableError

            raise DocumentUnavailableError(f"{url}: not found")
        return documents[url], "application/json"

    monkeypatch.setattr(resolver_module.DocumentResolver, "_download", fake_download)
    code, document, _ = add_json(capsys, "--online", "--no-verify", "https://example.org/beths-robotics-badge.json")
    assert code == 0, document
    (result,) = document["results"]
    assert result["title"] == "Awesome Robotics Badge" and result["issuer"] == "An Example Badge Issuer"
    assert downloaded[:3] == list(documents)


def test_self_attested_experience_dates_are_activity_dates_not_expiry(wallet_home, passphrase, capsys) -> None:
    code = run(["add", "--json", "--self", "experience", "--title", "Backend developer", "--issuer-name", "Acme",
                "--date", "2020-01-01", "--until", "2023-06-30"])
    assert code == 0, capsys.readouterr().err
    (entry,) = stored(passphrase).values()
    credential = entry.credential
    assert credential.expires is None  # a job that ended is not an expired credential
    assert credential.issued.date().isoformat() == "2020-01-01"
    assert credential.extra["activity_end"] == "2023-06-30T00:00:00Z"
    assert credential.extra["activity_start"] == "2020-01-01T00:00:00Z"
    assert credential.valid_from.date().isoformat() == "2020-01-01"  # duration rules count from the start
    assert credential.achievement_type == "WorkExperience"
    document = json.loads(credential.original)
    assert document["credentialSubject"]["activityStartDate"] == "2020-01-01T00:00:00Z"
    assert document["credentialSubject"]["activityEndDate"] == "2023-06-30T00:00:00Z"
    assert "validUntil" not in document
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs
    from skillwallet.verify.resolver import DocumentResolver

    finding = verify_data_integrity_proofs(document, resolver=DocumentResolver(offline=True), issuer=credential.issuer.id)
    assert finding.outcome == "pass", finding.reasons
    assert finding.details["checks"].get("undefined_terms", "pass") == "pass"


def test_self_attested_degree_until_before_date_is_refused(wallet_home, capsys) -> None:
    assert run(["add", "--self", "degree", "--title", "BSc", "--date", "2020-01-01", "--until", "2019-01-01"]) == ExitCode.BAD_INPUT
    assert "--until is before --date" in capsys.readouterr().err


def test_piped_output_is_tab_separated(wallet_home, tmp_path) -> None:
    (tmp_path / "a.json").write_bytes(fixture_bytes("ob3_basic_v1.json"))
    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", "add", "--no-verify", str(tmp_path / "a.json")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    header, row = proc.stdout.splitlines()
    assert header.split("\t") == ["id", "status", "title", "issuer", "format", "verdict"]
    cells = row.split("\t")
    assert cells[1:] == ["added", "Teamwork", "Example University", "ob3", "not-verified"]
    assert len(cells[0]) == 12


def test_a_status_list_credential_is_kept_as_a_document_not_as_a_credential(wallet_home, passphrase, capsys) -> None:
    """Adding an issuer's status list (e.g. a whole downloaded folder) stores it where status checks look."""
    from skillwallet import paths
    from skillwallet.store import Wallet
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

    samples = Path(paths.__file__).parent / "data" / "samples"
    status_list = samples / "documents" / "cloudskills-status-1.json"
    code, report, _ = add_json(capsys, str(status_list), str(samples / "linux-administration.json"), "--offline")
    assert code == 0
    assert report["summary"]["added"] == 1 and report["summary"]["supporting"] == 1
    (kept,) = [r for r in report["results"] if r["status"] == "supporting"]
    assert "kept for https://credentials.cloudskills.example/status/1" in kept["reason"]
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        assert [s.credential.title for s in wallet.list_credentials()] == ["Linux Administration Essentials (demo)"]
        assert wallet.get(DOCUMENTS_COLLECTION, "https://credentials.cloudskills.example/status/1") is not None
    # and the status check now finds it: the revoked sample is reported revoked, offline
    code, report, _ = add_json(capsys, str(samples / "linux-administration.json"), "--offline")
    from skillwallet.cli.app import run

    assert run(["verify", "--all", "--offline", "--json"]) == 13
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0]["checks"]["status"] == "revoked"


def test_url_argument_under_skillwallet_offline_names_the_switch_that_stops_it(wallet_home, passphrase, capsys,
                                                                                monkeypatch) -> None:
    """`--online` cannot lift SKILLWALLET_OFFLINE: the message must not send the user round in a circle."""
    monkeypatch.setenv("SKILLWALLET_OFFLINE", "1")
    code = run(["add", "--online", "https://example.org/beths-robotics-badge.json"])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.splitlines()[-1] == ("error: https://example.org/beths-robotics-badge.json: fetching is off (unset "
                                    "SKILLWALLET_OFFLINE and add --online, or download the file and add it)")
