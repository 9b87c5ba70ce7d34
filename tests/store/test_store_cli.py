"""The wallet and credential commands through the CLI's error boundary (``run``), asserting exit code,
stdout and stderr separately; SECURITY.md tests 6 (permissions), 9 (backup/restore), 12 (exit codes)."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
from store_helpers import PASSPHRASE, make_credential, run_cli, wallet_file, wallet_home
from typer.testing import CliRunner

from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode
from skillwallet.model import Skill, Verdict
from skillwallet.store import Wallet


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process through its error boundary; returns (code, stdout, stderr)."""

    def invoke(*args: str):
        code = run(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


@pytest.fixture
def stocked(passphrase):
    """A wallet with varied credentials, unlocked through SKILLWALLET_PASSPHRASE."""
    now = datetime.now(timezone.utc)
    with Wallet.init(wallet_home(), passphrase) as wallet:
        ids = {}
        ids["python"] = wallet.add_credential(
            make_credential(1, title="Python Programming", issuer="Code Academy", skills=[Skill(name="Python")],
                            expires=now + timedelta(days=20))
        )[0]
        ids["sql"] = wallet.add_credential(
            make_credential(2, title="SQL Basics", issuer="Data School", skills=[Skill(name="SQL")],
                            format="ob2", expires=now + timedelta(days=400))
        )[0]
        ids["first-aid"] = wallet.add_credential(
            make_credential(3, title="First Aid", issuer="Red Cross", skills=[Skill(name="First aid")], format="vc-jwt")
        )[0]
        wallet.set_verdict(ids["sql"], Verdict(verdict="verified", checks={"signature": "pass"},
                                               checked_at=datetime(2026, 1, 2, tzinfo=timezone.utc)))
        wallet.set_tags(ids["python"], ["job"])
    return ids


def test_init_then_status(cli, passphrase):
    code, out, err = cli("init")
    assert code == 0, err
    assert out == ""
    assert "did:key:z6Mk" in err
    code, out, err = cli("status", "--json")
    assert code == 0
    status = json.loads(out)
    assert status["schema"] == "skillwallet/status"
    assert status["credentials"] == 0
    assert status["kdf"] == {"id": "argon2id", "m": 1024, "t": 1, "p": 1}
    assert status["permission_problems"] == []
    assert status["session"]["state"] == "none"
    code, out, err = cli("init")
    assert code == ExitCode.EXISTS


def test_init_with_passphrase_file(cli, tmp_path, monkeypatch):
    secret = tmp_path / "pass.txt"
    secret.write_text("file passphrase\n")
    code, _, err = cli("--passphrase-file", str(secret), "init")
    assert code == 0, err
    with Wallet.open(wallet_home(), passphrase="file passphrase") as wallet:
        assert wallet.holder_did.startswith("did:key:z6Mk")
    code, out, err = cli("--passphrase-file", str(secret), "list", "--json")
    assert code == 0, err
    code, out, err = cli("unlock", "--passphrase-file", str(secret))
    assert code == 0, err


def test_init_refuses_empty_passphrase(cli, monkeypatch, tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    code, out, err = cli("--passphrase-file", str(empty), "init")
    assert code == ExitCode.BAD_INPUT
    assert "must not be empty" in err
    assert not wallet_file().exists()


def test_list_json_shape(cli, stocked):
    code, out, err = cli("list", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "skillwallet/credentials" and doc["version"] == 1
    assert len(doc["credentials"]) == 3
    for item in doc["credentials"]:
        for key in ("id", "title", "issuer", "issued", "expires", "format", "verdict", "checked_at", "tags"):
            assert key in item
    by_id = {c["id"]: c for c in doc["credentials"]}
    assert by_id[stocked["sql"]]["verdict"] == "verified"
    assert by_id[stocked["sql"]]["checked_at"] == "2026-01-02T00:00:00Z"
    assert by_id[stocked["python"]]["tags"] == ["job"]
    assert by_id[stocked["first-aid"]]["expires"] is None


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--issuer", "data school"], ["sql"]),
        (["--skill", "python"], ["python"]),
        (["--format", "vc-jwt"], ["first-aid"]),
        (["--tag", "job"], ["python"]),
        (["--expiring", "30"], ["python"]),
        (["--expiring", "30d"], ["python"]),
        (["--expiring", "4w"], ["python"]),
        (["--search", "aid"], ["first-aid"]),
        (["--sort", "title"], ["first-aid", "python", "sql"]),
        (["--sort", "title", "--reverse"], ["sql", "python", "first-aid"]),
        (["--sort", "expires"], ["python", "sql", "first-aid"]),
        (["--sort", "issuer"], ["python", "sql", "first-aid"]),
    ],
)
def test_list_filters_and_sorting(cli, stocked, args, expected):
    code, out, err = cli("list", "--json", *args)
    assert code == 0, err
    assert [c["id"] for c in json.loads(out)["credentials"]] == [stocked[name] for name in expected]


@pytest.mark.parametrize("window", ["6m", "3x", "-1"])
def test_list_expiring_takes_the_duration_every_option_takes(cli, stocked, window):
    # the same syntax as `expiring --within` and `unlock --for`: `6m` is refused as ambiguous, like everywhere
    code, out, err = cli("list", "--json", "--expiring", window)
    assert code == ExitCode.USAGE and out == "", err
    assert err.startswith("error: ") and "--expiring" in err


def test_list_bad_sort_key(cli, stocked):
    code, out, err = cli("list", "--sort", "colour")
    assert code == ExitCode.USAGE
    assert out == ""


def test_list_human_table(cli, stocked):
    code, out, err = cli("list")
    assert code == 0
    assert "Python Programming" in out and stocked["sql"] in out
    assert "3 of 3 credentials" in err


def test_show_json_human_and_original(cli, stocked):
    code, out, err = cli("show", "--json", stocked["sql"][:5])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "skillwallet/credential"
    assert doc["id"] == stocked["sql"]
    assert doc["credential"]["title"] == "SQL Basics"
    assert doc["verdict"]["checks"] == {"signature": "pass"}
    code, out, err = cli("show", stocked["sql"])
    assert code == 0 and "SQL Basics" in out and "verified" in out
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", "show", "--original", stocked["sql"]], capture_output=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == make_credential(2, title="SQL Basics").original


def test_show_unknown_id(cli, stocked):
    code, out, err = cli("show", "ffffffffffff")
    assert code == ExitCode.NOT_FOUND
    assert err.startswith("error: no credential with id")


def test_remove_needs_confirmation_then_yes(cli, stocked):
    code, out, err = cli("remove", stocked["python"])
    assert code == ExitCode.CANCELLED
    assert "--yes" in err
    code, out, err = cli("remove", "--yes", stocked["python"])
    assert code == 0, err
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert {s.wallet_id for s in wallet.list_credentials()} == {stocked["sql"], stocked["first-aid"]}


def test_tag_untag_note(cli, stocked):
    wid = stocked["first-aid"]
    assert cli("tag", wid, "health", "volunteer")[0] == 0
    assert cli("untag", wid, "volunteer")[0] == 0
    assert cli("note", wid, "renew in spring")[0] == 0
    code, out, _ = cli("show", "--json", wid)
    doc = json.loads(out)
    assert doc["tags"] == ["health"] and doc["note"] == "renew in spring"
    assert cli("note", "--clear", wid)[0] == 0
    assert json.loads(cli("show", "--json", wid)[1])["note"] is None


def test_typer_cli_runner_separates_streams(stocked):
    result = CliRunner().invoke(app, ["list", "--json"], env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0
    assert json.loads(result.stdout)["credentials"]


# --- sessions ---------------------------------------------------------------------------------------------------


def test_unlock_session_lock(cli, stocked, monkeypatch):
    code, out, err = cli("unlock", "--for", "5min")
    assert code == 0, err
    assert out.startswith("export SKILLWALLET_SESSION=sw1.")
    token = out.strip().split("=", 1)[1]
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    code, out, err = cli("list", "--json")
    assert code == ExitCode.LOCKED  # no session in the environment yet
    assert "unlock" in err
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    code, out, err = cli("list", "--json")
    assert code == 0, err
    assert json.loads(cli("status", "--json")[1])["session"]["state"] == "unlocked"
    code, out, err = cli("lock")
    assert code == 0
    code, out, err = cli("list")
    assert code == ExitCode.LOCKED
    assert "session has ended" in err


def test_session_token_alone_or_file_alone_is_useless(cli, stocked, monkeypatch, tmp_path):
    code, out, _ = cli("unlock", "--raw")
    token = out.strip()
    (session_file,) = (tmp_path / "home" / "state" / "sessions").iterdir()
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    assert cli("list")[0] == 0
    # token alone: the file is gone
    saved = session_file.read_bytes()
    session_file.unlink()
    assert cli("list")[0] == ExitCode.LOCKED
    # file alone: a different key with the same session id opens nothing
    session_file.write_bytes(saved)
    prefix, sid, key = token.split(".")
    forged = f"{prefix}.{sid}.{'A' * len(key)}"
    monkeypatch.setenv("SKILLWALLET_SESSION", forged)
    assert cli("list")[0] == ExitCode.LOCKED
    # the file holds neither the passphrase nor the data key in the clear
    assert PASSPHRASE.encode() not in saved


def test_expired_session(cli, stocked, monkeypatch, tmp_path):
    token = cli("unlock", "--raw", "--for", "1s")[1].strip()
    (session_file,) = (tmp_path / "home" / "state" / "sessions").iterdir()
    data = json.loads(session_file.read_text())
    # pushing the expiry forward by editing the file breaks its seal; waiting it out ends the session
    data["expires"] += 3600
    session_file.write_text(json.dumps(data))
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    assert cli("list")[0] == ExitCode.LOCKED
    data["expires"] -= 3600 + 10
    session_file.write_text(json.dumps(data))
    code, _, err = cli("list")
    assert code == ExitCode.LOCKED and "expired" in err


def test_unlock_bad_duration(cli, stocked):
    assert cli("unlock", "--for", "soon")[0] == ExitCode.USAGE
    assert cli("unlock", "--for", "48h")[0] == ExitCode.USAGE


# --- passwd -----------------------------------------------------------------------------------------------------


def test_passwd_rewraps_with_new_salt(cli, stocked, monkeypatch):
    from skillwallet.store.wallet import Wallet as W

    old_header = W.read_header(wallet_file())
    monkeypatch.setenv("SKILLWALLET_NEW_PASSPHRASE", "a new passphrase")
    code, out, err = cli("passwd")
    assert code == 0, err
    new_header = W.read_header(wallet_file())
    assert new_header.salt != old_header.salt
    assert new_header.wallet_id == old_header.wallet_id
    assert cli("list")[0] == ExitCode.BAD_PASSPHRASE
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "a new passphrase")
    code, out, _ = cli("list", "--json")
    assert code == 0 and len(json.loads(out)["credentials"]) == 3


def test_passwd_ends_sessions(cli, stocked, monkeypatch):
    token = cli("unlock", "--raw")[1].strip()
    monkeypatch.setenv("SKILLWALLET_NEW_PASSPHRASE", "another passphrase")
    assert cli("passwd")[0] == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    assert cli("list")[0] == ExitCode.LOCKED


# --- test 9: backup and restore ---------------------------------------------------------------------------------


def _content(passphrase: str = PASSPHRASE) -> dict:
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        return {
            "credentials": [s.to_record() | {"id": s.wallet_id} for s in wallet.list_credentials()],
            "profile": wallet.get_profile(),
            "did": wallet.holder_did,
            "documents": wallet.items("documents"),
        }


def test_backup_restore_into_fresh_home(cli, stocked, tmp_path, monkeypatch):
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.set_profile({"name": "Ada"})
        wallet.put("documents", "https://example.org/c", {"x": 1})
    before = _content()
    backup = tmp_path / "wallet.backup"
    code, out, err = cli("backup", str(backup))
    assert code == 0, err
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert cli("backup", str(backup))[0] == ExitCode.EXISTS
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("SKILLWALLET_HOME", str(fresh / "wallet"))
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(fresh / "state"))
    code, out, err = cli("restore", str(backup))
    assert code == 0, err
    assert _content() == before


def test_restore_over_existing_needs_force_and_keeps_copy(cli, stocked, tmp_path):
    backup = tmp_path / "b"
    assert cli("backup", str(backup))[0] == 0
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(50))
    newer = _content()
    newer_bytes = wallet_file().read_bytes()
    code, out, err = cli("restore", str(backup))
    assert code == ExitCode.EXISTS and "--force" in err
    assert wallet_file().read_bytes() == newer_bytes
    code, out, err = cli("restore", "--force", str(backup))
    assert code == 0, err
    assert len(_content()["credentials"]) == 3  # the older content is back (rollback accepted explicitly)
    (kept,) = wallet_home().glob("wallet.sqlite.replaced-*")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    with Wallet._open_path(wallet_home(), kept, keys_from=lambda h: _keys(h), check_rollback=False) as old:
        assert len(old.list_credentials()) == 4


def _keys(header):
    from skillwallet.store.crypto import Secret
    from skillwallet.store.keys import Keys

    return Keys(header.unwrap(Secret(PASSPHRASE)))


@pytest.mark.parametrize("damage", ["flip-payload", "flip-header", "truncate", "truncate-header", "empty", "not-a-backup"])
def test_damaged_backup_refused_before_anything_is_written(cli, stocked, tmp_path, damage):
    backup = tmp_path / "b"
    assert cli("backup", str(backup))[0] == 0
    data = bytearray(backup.read_bytes())
    if damage == "flip-payload":
        data[-100] ^= 0x04
    elif damage == "flip-header":
        data[30] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 7]
    elif damage == "truncate-header":
        data = data[:40]
    elif damage == "empty":
        data = bytearray()
    else:
        data = bytearray(b'{"not": "a backup"}')
    backup.write_bytes(bytes(data))
    before = {p.name: p.read_bytes() for p in wallet_home().iterdir()}
    code, out, err = cli("restore", "--force", str(backup))
    assert code in (ExitCode.CORRUPT, ExitCode.BAD_PASSPHRASE, ExitCode.BAD_INPUT), err
    assert err.startswith("error: ") and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in wallet_home().iterdir()} == before


def test_restore_with_wrong_passphrase(cli, stocked, tmp_path, monkeypatch):
    backup = tmp_path / "b"
    assert cli("backup", str(backup))[0] == 0
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "nope")
    assert cli("restore", "--force", str(backup))[0] == ExitCode.BAD_PASSPHRASE


def test_restore_unreadable_file(cli, stocked, tmp_path):
    assert cli("restore", "--force", str(tmp_path / "missing"))[0] == ExitCode.BAD_INPUT


# --- test 6: permissions ----------------------------------------------------------------------------------------


def test_every_file_0600_every_folder_0700(cli, stocked, tmp_path, monkeypatch):
    token = cli("unlock", "--raw")[1].strip()
    assert cli("tag", stocked["sql"], "x")[0] == 0
    assert cli("backup", str(wallet_home() / "in-home.backup"))[0] == 0
    assert cli("restore", "--force", str(wallet_home() / "in-home.backup"))[0] == 0
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    cli("unlock")
    checked = 0
    for root in (wallet_home(), tmp_path / "home" / "state"):
        assert stat.S_IMODE(root.stat().st_mode) == 0o700, root
        for path in root.rglob("*"):
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
            checked += 1
    assert checked >= 5


def test_wider_modes_are_warned_about(cli, stocked):
    os.chmod(wallet_file(), 0o644)
    code, out, err = cli("list")
    assert code == 0
    assert "warning:" in err and "0644" in err
    status = json.loads(cli("status", "--json")[1])
    assert any("0644" in p for p in status["permission_problems"])


# --- test 12: every error this part raises maps to its documented exit code through the CLI ---------------------


def test_exit_codes_through_the_real_command(stocked, tmp_path):
    env_ok = {"SKILLWALLET_PASSPHRASE": PASSPHRASE}
    cases = {
        ExitCode.NO_WALLET: (["list"], {"SKILLWALLET_HOME": str(tmp_path / "nowhere")}),
        ExitCode.BAD_PASSPHRASE: (["list"], {"SKILLWALLET_PASSPHRASE": "wrong"}),
        ExitCode.LOCKED: (["list"], {"SKILLWALLET_PASSPHRASE": None}),
        ExitCode.BAD_INPUT: (["--passphrase-file", str(tmp_path / "missing"), "list"], {"SKILLWALLET_PASSPHRASE": None}),
        ExitCode.NOT_FOUND: (["show", "000000000000"], env_ok),
        ExitCode.EXISTS: (["init"], env_ok),
        ExitCode.CANCELLED: (["remove", stocked["sql"]], env_ok),
    }
    for code, (args, env) in cases.items():
        proc = run_cli(*args, env=env)
        assert proc.returncode == code, (code, args, proc.stderr)
        assert proc.stderr.startswith("error: ")
        assert "Traceback" not in proc.stderr
    # the no-wallet error carries the init hint
    proc = run_cli("list", env={"SKILLWALLET_HOME": str(tmp_path / "nowhere")})
    assert "hint: run: skillwallet init" in proc.stderr


def test_corrupt_exit_code_for_garbage_file(stocked):
    wallet_file().write_bytes(b"this is not a database at all" * 10)
    proc = run_cli("list", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == ExitCode.CORRUPT
    assert proc.stderr.startswith("error: ")


def test_unreadable_wallet_file_is_io_error(stocked):
    if os.geteuid() == 0:
        pytest.skip("root reads files regardless of their mode")
    os.chmod(wallet_file(), 0)
    proc = run_cli("list", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == ExitCode.IO


def test_full_disk_is_one_clear_line_and_nothing_written(stocked):
    """A real write failure: the file-size limit (RLIMIT_FSIZE) makes SQLite's write fail like a full disk."""
    import resource
    import signal
    import subprocess
    import sys

    wid = stocked["sql"]
    before = _content()

    limit = wallet_file().stat().st_size + 16 * 1024  # opening works; a 100 KB note cannot be written

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", "note", wid, "x" * 100_000],
        capture_output=True,
        text=True,
        env=dict(os.environ, SKILLWALLET_PASSPHRASE=PASSPHRASE),
        preexec_fn=limit_file_size,
        timeout=60,
    )
    assert proc.returncode == ExitCode.IO, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2
    assert _content() == before


def test_scrypt_fallback_is_recorded_and_opens(monkeypatch):
    from skillwallet.store import crypto

    monkeypatch.setattr(crypto, "argon2_available", lambda: False)
    with Wallet.init(wallet_home(), PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(1))
    header = Wallet.read_header(wallet_file())
    assert header.kdf.algorithm == "scrypt"
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert len(wallet.list_credentials()) == 1


def test_restore_force_over_a_damaged_wallet(cli, stocked, tmp_path):
    backup = tmp_path / "b"
    assert cli("backup", str(backup))[0] == 0
    before = _content()
    garbage = b"SQLite format 3\x00" + b"\xff" * 8000
    wallet_file().write_bytes(garbage)
    code, out, err = cli("list")
    assert code == ExitCode.CORRUPT and "restore --force" in err
    code, out, err = cli("restore", "--force", str(backup))
    assert code == 0, err
    assert _content() == before
    (kept,) = wallet_home().glob("wallet.sqlite.replaced-*")
    assert kept.read_bytes() == garbage


def test_config_kdf_profile_applies_to_new_wallets(monkeypatch, capsys):
    """The config file's kdf_profile chooses the KDF for `init` when the environment names none."""
    from skillwallet.cli.app import run
    from skillwallet.store.crypto import KDF_PROFILES

    monkeypatch.delenv("SKILLWALLET_KDF_PROFILE")
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "pass phrase for kdf test")
    assert run(["config", "set", "kdf_profile", "moderate"]) == 0
    assert run(["init"]) == 0
    capsys.readouterr()
    assert run(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["kdf"] == {"id": "argon2id", **KDF_PROFILES["moderate"]}
