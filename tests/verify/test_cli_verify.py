"""`skillwallet verify` through the CLI: files, presentations, stored credentials, --json shape, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixtures.di.helpers import FIXTURES, did_key_for, ob3_credential, status_entry, status_list_credential
from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.verifier import credential_from_document

LIST_URL = "https://issuer.example/status/3"


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    return key, did, vm


def write(tmp_path: Path, name: str, doc) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def run_json(capsys, args):
    code = run(args + ["--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_verified_file_exits_zero_with_the_pinned_json_shape(tmp_path, capsys, issuer):
    key, did, vm = issuer
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did), key, vm))
    code, out, err = run_json(capsys, ["verify", str(path)])
    assert code == 0, err
    assert out["schema"] == "skillwallet/verify" and out["version"] == 1
    (result,) = out["results"]
    assert result["source"] == str(path)
    assert result["verdict"] == "verified"
    assert result["in_force"] is True
    assert {"signature", "expiry", "not_before", "status", "issuer_binding", "undefined_terms"} <= set(result["checks"])
    assert result["checks"]["signature"] == "pass"


def test_tampered_file_exits_13_and_says_why(tmp_path, capsys, issuer):
    key, did, vm = issuer
    doc = sign_data_integrity(ob3_credential(did), key, vm)
    doc["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    path = write(tmp_path, "forged.json", doc)
    code, out, err = run_json(capsys, ["verify", str(path)])
    assert code == ExitCode.NOT_VERIFIED
    assert out["results"][0]["verdict"] == "invalid"
    assert out["results"][0]["checks"]["signature"] == "fail"
    assert "error: 1 of 1 checked is not verified and in force" in err
    assert "Traceback" not in err


def test_table_output_lists_every_check(tmp_path, capsys, issuer):
    key, did, vm = issuer
    good = write(tmp_path, "good.json", sign_data_integrity(ob3_credential(did), key, vm))
    expired = write(tmp_path, "old.json", sign_data_integrity(ob3_credential(did, validUntil="2020-01-01T00:00:00Z"), key, vm))
    code = run(["verify", str(good), str(expired)])
    out, err = capsys.readouterr()
    assert code == ExitCode.NOT_VERIFIED
    header, *lines = out.splitlines()
    columns = header.split("\t")
    for column in ("source", "verdict", "signature", "issuer_binding", "not_before", "expiry", "status"):
        assert column in columns
    row = dict(zip(columns, next(line for line in lines if "old.json" in line).split("\t")))
    assert row["verdict"] == "verified" and row["expiry"] == "fail" and row["signature"] == "pass"
    assert "expired on 2020-01-01T00:00:00Z" in err


def test_as_of_evaluates_another_date(tmp_path, capsys, issuer):
    key, did, vm = issuer
    doc = ob3_credential(did, validFrom="2018-01-01T00:00:00Z", validUntil="2020-01-01T00:00:00Z")
    path = write(tmp_path, "old.json", sign_data_integrity(doc, key, vm))
    code, out, _ = run_json(capsys, ["verify", str(path), "--as-of", "2019-06-01"])
    assert code == 0
    assert out["results"][0]["checks"]["expiry"] == "pass"
    assert run(["verify", str(path), "--as-of", "not a date"]) == ExitCode.USAGE


def test_document_option_supplies_a_status_list(tmp_path, capsys, issuer):
    key, did, vm = issuer
    cred = write(tmp_path, "c.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 5)), key, vm))
    revoked_list = write(tmp_path, "list.json", sign_data_integrity(status_list_credential(did, LIST_URL, [5]), key, vm))
    code, out, _ = run_json(capsys, ["verify", str(cred), "--offline", "--document", f"{LIST_URL}={revoked_list}"])
    assert code == ExitCode.NOT_VERIFIED
    assert out["results"][0]["checks"]["status"] == "revoked"
    # without the list, offline: status unknown (and still not a clean pass)
    code, out, _ = run_json(capsys, ["verify", str(cred), "--offline"])
    assert out["results"][0]["checks"]["status"] == "unknown"
    assert code == ExitCode.NOT_VERIFIED


def test_presentation_file(tmp_path, capsys, issuer):
    key, did, vm = issuer
    holder = Ed25519PrivateKey.generate()
    holder_did, holder_vm = did_key_for(holder)
    subject = dict(ob3_credential(did)["credentialSubject"], id=holder_did)  # the holder presents their own
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [sign_data_integrity(ob3_credential(did, credentialSubject=subject), key, vm)],
    }
    vp = sign_data_integrity(vp, holder, holder_vm, proof_purpose="authentication", challenge="n-1", domain="hr.example")
    path = write(tmp_path, "vp.json", vp)
    code, out, err = run_json(capsys, ["verify", str(path), "--challenge", "n-1", "--domain", "hr.example"])
    assert code == 0, err
    assert [(r["source"], r["kind"], r["verdict"]) for r in out["results"]] == [
        (str(path), "presentation", "verified"),
        (f"{path}#1", "credential", "verified"),
    ]
    code, out, _ = run_json(capsys, ["verify", str(path), "--challenge", "replayed"])
    assert code == ExitCode.NOT_VERIFIED
    assert out["results"][0]["verdict"] == "invalid"


def test_nothing_to_verify_is_a_clear_error(capsys):
    assert run(["verify"]) == ExitCode.USAGE
    assert "nothing to verify" in capsys.readouterr().err


def test_stored_credentials_get_a_recorded_verdict(tmp_path, capsys, issuer, passphrase):
    from skillwallet.store import Wallet

    key, did, vm = issuer
    good = credential_from_document(sign_data_integrity(ob3_credential(did), key, vm))
    forged_doc = sign_data_integrity(ob3_credential(did, id="urn:uuid:other"), key, vm)
    forged_doc["name"] = "Forged"
    forged = credential_from_document(forged_doc)
    with Wallet.init(paths.wallet_home(), passphrase) as wallet:
        good_id, _ = wallet.add_credential(good)
        forged_id, _ = wallet.add_credential(forged)

    code, out, err = run_json(capsys, ["verify", "--all"])
    assert code == ExitCode.NOT_VERIFIED, err
    verdicts = {r["source"]: r["verdict"] for r in out["results"]}
    assert verdicts == {good_id: "verified", forged_id: "invalid"}

    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        stored = wallet.get_credential(good_id)
        assert stored.verdict.verdict == "verified" and stored.verdict.checked_at is not None
        assert wallet.get_credential(forged_id).verdict.verdict == "invalid"
        # both canonicalised (the forgery fails at the signature, after hashing): one cache entry each
        assert wallet.count("verify_cache") == 2

    code, out, _ = run_json(capsys, ["verify", good_id[:6]])
    assert code == 0 and out["results"][0]["source"] == good_id


def test_unknown_id_is_not_found(capsys, passphrase):
    from skillwallet.store import Wallet

    Wallet.init(paths.wallet_home(), passphrase).close()
    assert run(["verify", "abcdef123456"]) == ExitCode.NOT_FOUND


def test_batch_uses_the_process_pool_and_gives_the_same_verdicts(tmp_path, capsys, issuer, passphrase, monkeypatch):
    from skillwallet.cli import verify as verify_cli
    from skillwallet.store import Wallet

    key, did, vm = issuer
    monkeypatch.setattr(verify_cli, "POOL_THRESHOLD", 4)
    calls = []
    original = verify_cli._precompute

    def spy(credentials, wallet=None):
        result = original(credentials, wallet)
        calls.append(sum(1 for r in result if r))
        return result

    monkeypatch.setattr(verify_cli, "_precompute", spy)
    with Wallet.init(paths.wallet_home(), passphrase) as wallet:
        for n in range(6):
            doc = sign_data_integrity(ob3_credential(did, id=f"urn:uuid:cred-{n}"), key, vm)
            if n == 3:
                doc["name"] = "tampered"
            wallet.add_credential(credential_from_document(doc))
    code, out, _ = run_json(capsys, ["verify", "--all"])
    assert calls == [6]
    assert sorted(r["verdict"] for r in out["results"]) == ["invalid"] + ["verified"] * 5
    assert code == ExitCode.NOT_VERIFIED
    # a second run finds every hash in the wallet's cache: nothing is canonicalised again
    code, out, _ = run_json(capsys, ["verify", "--all"])
    assert calls == [6, 0]
    assert sorted(r["verdict"] for r in out["results"]) == ["invalid"] + ["verified"] * 5


def test_subprocess_cold_run_never_prints_a_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential", "issuer": "did:example:1",'
        ' "credentialSubject": {"id": "did:example:2"},'
        ' "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "zzzz"}}'
    )
    garbage = tmp_path / "garbage.json"
    garbage.write_text("this is not a credential")
    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", "verify", str(bad), str(garbage), str(FIXTURES / "eddsa-jcs-2022-signed.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == ExitCode.NOT_VERIFIED, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "self-asserted" in proc.stdout
    header, *lines = proc.stdout.splitlines()  # piped: tab-separated, header first
    columns = header.split("\t")
    rows = {Path(cells[0]).name: dict(zip(columns, cells)) for cells in (line.split("\t") for line in lines)}
    assert rows["bad.json"]["verdict"] == "invalid" and rows["garbage.json"]["verdict"] == "invalid"
    assert rows["eddsa-jcs-2022-signed.json"]["verdict"] == "self-asserted"


def test_real_revoked_credential_with_its_status_list_through_the_cli(capsys):
    url = (
        "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/"
        "e5WK8CbZ1GjycuPombrj"
    )
    real = FIXTURES / "real"
    code, out, err = run_json(
        capsys,
        ["verify", str(real / "dcc-v2-revoked.json"), str(real / "dcc-v2-valid-status.json"), "--offline",
         "--document", f"{url}={real / 'dcc-status-list-e5WK8CbZ1GjycuPombrj.json'}"],
    )
    assert code == ExitCode.NOT_VERIFIED
    statuses = [(r["verdict"], r["checks"]["status"], r["in_force"]) for r in out["results"]]
    assert statuses == [("verified", "revoked", False), ("verified", "pass", True)]
    assert "dcc-v2-revoked.json: verified, revoked" in err


def test_clr_file_verifies_the_clr_and_each_embedded_credential(tmp_path, capsys, issuer):
    key, did, vm = issuer
    parts = [sign_data_integrity(ob3_credential(did, id=f"urn:uuid:part-{n}"), key, vm) for n in range(3)]
    parts[1]["name"] = "Tampered after issuance"  # breaks part 2's own proof, and (embedded) nothing else
    clr = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:clr-1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Example Polytechnic"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": "did:example:learner", "type": ["ClrSubject"], "verifiableCredential": parts},
    }
    path = write(tmp_path, "clr.json", sign_data_integrity(clr, key, vm))
    code, out, err = run_json(capsys, ["verify", str(path)])
    assert code == ExitCode.NOT_VERIFIED
    verdicts = {r["source"]: r["verdict"] for r in out["results"]}
    assert verdicts[f"{path}#1"] == "verified"  # the CLR's own proof covers the parts as embedded
    assert sorted(v for s, v in verdicts.items() if s != f"{path}#1") == ["invalid", "verified", "verified"]


def test_file_verification_uses_documents_kept_in_an_unlocked_wallet(tmp_path, capsys, issuer, passphrase):
    """`documents add URL FILE` is used for files not yet added too, when the wallet opens without asking."""
    key, did, vm = issuer
    cred = write(tmp_path, "c.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 5)), key, vm))
    revoked_list = write(tmp_path, "list.json", sign_data_integrity(status_list_credential(did, LIST_URL, [5]), key, vm))
    assert run(["init"]) == 0
    assert run(["documents", "add", LIST_URL, str(revoked_list)]) == 0
    capsys.readouterr()
    code, out, _ = run_json(capsys, ["verify", str(cred), "--offline"])
    assert out["results"][0]["checks"]["status"] == "revoked"
    assert code == ExitCode.NOT_VERIFIED


def test_file_verification_without_a_passphrase_goes_on_without_the_wallet(tmp_path, capsys, issuer, monkeypatch):
    key, did, vm = issuer
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "a passphrase for init only")
    assert run(["init"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    capsys.readouterr()
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did), key, vm))
    code, out, err = run_json(capsys, ["verify", str(path)])
    assert code == 0, err
    assert out["results"][0]["verdict"] == "verified"


def test_hosted_ob2_offline_has_status_unknown_never_pass(capsys):
    """An OB 2.0 hosted assertion whose hosted copy is not available: unverifiable, status unknown."""
    sample = Path(paths.__file__).parent / "data" / "samples" / "intro-statistics-ob2.json"
    code, out, _ = run_json(capsys, ["verify", "--offline", str(sample)])
    (result,) = out["results"]
    assert code == ExitCode.NOT_VERIFIED
    assert result["verdict"] == "unverifiable"
    assert result["checks"]["status"] == "unknown"
    assert result["checks"]["signature"] == "unknown"


def test_trusted_issuers_add_an_informational_check(tmp_path, capsys, issuer):
    """`verified` binds the key to the issuer id; the trusted_issuers config says whether you trust that id."""
    key, did, vm = issuer
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did), key, vm))
    code, out, _ = run_json(capsys, ["verify", str(path)])
    assert code == 0 and "issuer_trusted" not in out["results"][0]["checks"]  # no list configured
    assert run(["config", "set", "trusted_issuers", "did:web:university.example"]) == 0
    capsys.readouterr()
    code, out, _ = run_json(capsys, ["verify", str(path)])
    (result,) = out["results"]
    assert code == 0  # informational: the verdict and the exit code stay
    assert result["verdict"] == "verified" and result["checks"]["issuer_trusted"] == "unknown"
    assert any("not in your trusted_issuers" in r for r in result["reasons"])
    assert run(["config", "set", "trusted_issuers", f"did:web:university.example, {did}"]) == 0
    capsys.readouterr()
    code, out, _ = run_json(capsys, ["verify", str(path)])
    assert out["results"][0]["checks"]["issuer_trusted"] == "pass"
    tampered = json.loads(path.read_text())
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    bad = write(tmp_path, "tampered.json", tampered)
    code, out, _ = run_json(capsys, ["verify", str(bad)])
    assert out["results"][0]["verdict"] == "invalid" and out["results"][0]["checks"]["issuer_trusted"] == "na"
