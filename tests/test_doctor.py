"""`skillwallet doctor` on real wallets: permissions, format, KDF strength, contexts, config, completions."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli import everyday
from skillwallet.cli.app import app, run
from skillwallet.cli.completion_gen import completion_script
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet, wallet_path


@pytest.fixture
def doctor_json(capsys):
    """Run ``doctor --json`` through the CLI's error boundary; return (exit code, document)."""

    def invoke(*args: str) -> tuple[int, dict]:
        code = run(["doctor", "--json", *args])
        return code, json.loads(capsys.readouterr().out)

    return invoke


def by_check(document: dict, name: str) -> list[dict]:
    return [c for c in document["checks"] if c["check"] == name]


@pytest.fixture
def weak_wallet(passphrase) -> Path:
    """A real wallet made with the cheap test KDF profile (below OWASP: doctor must warn)."""
    Wallet.init(paths.wallet_home(), passphrase).close()
    return paths.wallet_home()


@pytest.fixture
def strong_wallet(passphrase, monkeypatch) -> Path:
    monkeypatch.setenv("SKILLWALLET_KDF_PROFILE", "default")
    Wallet.init(paths.wallet_home(), passphrase).close()
    return paths.wallet_home()


def test_shape_and_exit_zero_without_a_wallet(doctor_json):
    code, document = doctor_json()
    assert code == 0
    assert document["schema"] == "skillwallet/doctor" and document["version"] == 1
    assert document["ok"] is True and document["problems"] == 0
    for check in document["checks"]:
        assert set(check) == {"check", "status", "message", "fix"}
        assert check["status"] in ("ok", "info", "warning", "problem")
    (wallet,) = by_check(document, "wallet")
    assert wallet["status"] == "info" and wallet["fix"] == "create one with: skillwallet init"


def test_healthy_strong_wallet(strong_wallet, monkeypatch, doctor_json):
    code, document = doctor_json()
    assert code == 0, document
    assert by_check(document, "format")[0]["status"] == "ok"
    kdf = by_check(document, "kdf")[0]
    assert kdf["status"] == "ok" and "Argon2id m=64 MiB t=3 p=4" in kdf["message"]
    assert by_check(document, "permissions")[0]["status"] == "ok"
    assert document["problems"] == 0


def test_weak_kdf_warns_but_does_not_fail(weak_wallet, doctor_json):
    code, document = doctor_json()
    kdf = by_check(document, "kdf")[0]
    assert kdf["status"] == "warning"
    assert "below the OWASP minimum" in kdf["message"]
    assert "passwd" in kdf["fix"]
    assert code == 0


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "ok"),
    [(19456, 2, True), (19455, 2, False), (47104, 1, True), (46080, 1, False), (7168, 5, True), (1024, 10, False),
     (65536, 3, True)],
)
def test_owasp_argon2id_table(memory_kib, iterations, ok):
    assert everyday.argon2_meets_owasp(memory_kib, iterations) is ok


def test_wide_permissions_are_a_problem_with_the_fix(weak_wallet, capsys, doctor_json):
    db = wallet_path(weak_wallet)
    os.chmod(db, 0o644)
    os.chmod(weak_wallet, 0o755)
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    assert document["ok"] is False and document["problems"] == 2
    problems = [c for c in by_check(document, "permissions") if c["status"] == "problem"]
    messages = " ".join(p["message"] for p in problems)
    assert f"file {db} has mode 0644" in messages
    assert f"folder {weak_wallet} has mode 0755" in messages
    assert any(p["fix"].startswith(f"chmod 600 '{db}'") for p in problems)

    # the human form exits the same way, through the error boundary
    assert run(["doctor"]) == ExitCode.PROBLEMS_FOUND
    captured = capsys.readouterr()
    assert "has mode 0644" in captured.out
    assert captured.err.startswith("error: doctor found 2 problems")
    assert "Traceback" not in captured.err

    # --fix makes them private, then the checks pass
    code, document = doctor_json("--fix")
    assert code == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(weak_wallet.stat().st_mode) == 0o700
    assert any(c["message"].startswith("fixed: ") for c in by_check(document, "permissions"))


def test_world_readable_config_is_a_problem(doctor_json):
    config = paths.config_file()
    config.parent.mkdir(parents=True, mode=0o700)
    config.write_text('paper = "letter"\n')
    os.chmod(config, 0o664)
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    assert any(str(config) in c["message"] for c in by_check(document, "permissions") if c["status"] == "problem")


def test_invalid_config_is_a_problem(doctor_json):
    config = paths.config_file()
    config.parent.mkdir(parents=True, mode=0o700)
    config.write_text('paper = "a5"\n')
    os.chmod(config, 0o600)
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    (finding,) = by_check(document, "config")
    assert finding["status"] == "problem"
    assert "'paper' must be one of 'a4', 'letter'" in finding["message"]


def test_damaged_wallet_is_a_problem(weak_wallet, doctor_json):
    db = wallet_path(weak_wallet)
    db.write_bytes(b"not a wallet at all" * 10)
    os.chmod(db, 0o600)
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    (finding,) = by_check(document, "format")
    assert finding["status"] == "problem"
    assert "not a skillwallet wallet" in finding["message"]


def test_newer_format_is_a_problem(weak_wallet, doctor_json):
    import sqlite3

    db = wallet_path(weak_wallet)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    assert "newer skillwallet" in by_check(document, "format")[0]["message"]


def test_contexts_checked_against_their_index(monkeypatch, tmp_path, doctor_json):
    from skillwallet.verify import contexts

    code, document = doctor_json()
    (finding,) = by_check(document, "contexts")
    count = len(contexts.shipped_contexts())
    assert finding["status"] == "ok" and f"{count} shipped JSON-LD contexts intact" in finding["message"]

    # a copy of the shipped folder with one byte changed in one context
    copy = tmp_path / "contexts"
    copy.mkdir()
    source = contexts.data_dir()
    for entry in contexts.shipped_contexts().values():
        (copy / entry.file).write_bytes((source / entry.file).read_bytes())
    victim = sorted(contexts.shipped_contexts().values(), key=lambda e: e.file)[0]
    data = bytearray((copy / victim.file).read_bytes())
    data[-2] ^= 0x01
    (copy / victim.file).write_bytes(bytes(data))
    assert hashlib.sha256(bytes(data)).hexdigest() != victim.sha256
    monkeypatch.setattr(contexts, "data_dir", lambda: copy)
    findings = everyday.check_contexts()
    assert [f.status for f in findings] == ["problem"]
    assert victim.file in findings[0].message and "differs from its index" in findings[0].message
    (copy / victim.file).unlink()
    assert "is missing" in everyday.check_contexts()[0].message


def test_completions_installed_current_and_stale(monkeypatch):
    monkeypatch.setenv("SHELL", "/bin/zsh")
    findings = {f.check: f for f in everyday.check_completions()}
    assert findings["completions:zsh"].status == "warning"  # the login shell has none
    assert findings["completions:bash"].status == "info"
    assert "source_zsh" in findings["completions:zsh"].fix

    target = Path.home() / ".zfunc" / "_skillwallet"  # HOME is the test's temporary home
    target.parent.mkdir(parents=True)
    target.write_text(completion_script("zsh"))
    findings = {f.check: f for f in everyday.check_completions()}
    assert findings["completions:zsh"].status == "ok"

    target.write_text("#compdef skillwallet\n# from an old release\n")
    findings = {f.check: f for f in everyday.check_completions()}
    assert findings["completions:zsh"].status == "warning"
    assert "another skillwallet version" in findings["completions:zsh"].message


def test_doctor_never_needs_the_passphrase(weak_wallet, monkeypatch, doctor_json):
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    code, document = doctor_json()
    assert code == 0
    assert by_check(document, "kdf")[0]["status"] == "warning"


def test_human_output_is_plain_when_piped(weak_wallet):
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "status\tcheck\tfinding\twhat to do"
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert "\x1b[" not in result.stdout
    assert "warning" in result.stderr


def test_following_the_kdf_advice_clears_the_warning(weak_wallet, monkeypatch, doctor_json):
    """The fix doctor prints for a weak KDF works: `passwd` re-keys with the default Argon2id cost."""
    code, document = doctor_json()
    fix = by_check(document, "kdf")[0]["fix"]
    command = fix.split(": ", 1)[1]
    assert command == "skillwallet passwd"
    monkeypatch.setenv("SKILLWALLET_KDF_PROFILE", "default")  # what a real user has (the fixtures set "test")
    monkeypatch.setenv("SKILLWALLET_NEW_PASSPHRASE", "a new and longer passphrase")
    assert run(command.split()[1:]) == 0
    code, document = doctor_json()
    assert by_check(document, "kdf")[0]["status"] == "ok"


def test_passphrase_in_the_environment_warns(monkeypatch, doctor_json):
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "hunter2")
    code, document = doctor_json()
    (finding,) = by_check(document, "secrets")
    assert finding["status"] == "warning" and "SKILLWALLET_PASSPHRASE is set" in finding["message"]
    assert "hunter2" not in json.dumps(document)  # never the secret itself
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    code, document = doctor_json()
    assert [f["status"] for f in by_check(document, "secrets")] == ["ok"]


def test_readable_passphrase_file_is_a_problem(tmp_path, monkeypatch, doctor_json, capsys):
    secret = tmp_path / "passphrase.txt"
    secret.write_text("hunter2\n")
    os.chmod(secret, 0o644)
    code, document = doctor_json("--fix")  # --fix is for skillwallet's own files, not the user's secret
    assert code == 0  # the global option is not given yet: nothing to check
    code = run(["--passphrase-file", str(secret), "doctor", "--json"])
    assert code == ExitCode.PROBLEMS_FOUND
    assert "has mode 0644" in capsys.readouterr().out
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE_FILE", str(secret))
    code, document = doctor_json()
    assert code == ExitCode.PROBLEMS_FOUND
    (finding,) = by_check(document, "secrets")
    assert finding["status"] == "problem" and finding["fix"] == f"chmod 600 '{secret}'"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o644


def test_test_kdf_profile_in_the_environment_warns(monkeypatch, doctor_json):
    code, document = doctor_json()  # the fixtures set SKILLWALLET_KDF_PROFILE=test
    assert any("SKILLWALLET_KDF_PROFILE=test" in f["message"] for f in by_check(document, "kdf"))
    monkeypatch.delenv("SKILLWALLET_KDF_PROFILE")
    code, document = doctor_json()
    assert by_check(document, "kdf") == []  # and no wallet: nothing else to say about the KDF
