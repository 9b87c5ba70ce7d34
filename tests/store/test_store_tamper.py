"""SECURITY.md tests 1 and 3: wrong passphrase, tampered key wrap, swapped/deleted/duplicated records,
a swapped wallet file and an old copy put back (rollback) — each detected with its own exit code."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from store_helpers import PASSPHRASE, make_credential, run_cli, wallet_file, wallet_home

from skillwallet.errors import (
    BadPassphraseError,
    ExitCode,
    NewerFormatError,
    RollbackError,
    WalletCorruptError,
)
from skillwallet.store import Wallet


def reopen() -> Wallet:
    return Wallet.open(wallet_home(), passphrase=PASSPHRASE)


def read_everything() -> None:
    """Open and read every credential in full (what list/show/export do)."""
    with reopen() as wallet:
        wallet.list_credentials()


def assert_detected(match: str | None = None) -> None:
    """A record-level change is caught by every full read: the API, verify_all, and the CLI's list."""
    with pytest.raises(WalletCorruptError, match=match):
        read_everything()
    with reopen() as wallet:
        with pytest.raises(WalletCorruptError):
            wallet.verify_all()
    assert_cli_fails(ExitCode.CORRUPT, "list")


def edit_db(statements: list[tuple[str, tuple]]) -> None:
    """Change the wallet file behind the store's back, as an attacker with write access would."""
    conn = sqlite3.connect(wallet_file())
    for sql, args in statements:
        conn.execute(sql, args)
    conn.commit()
    conn.close()


def credential_rows() -> list[tuple]:
    conn = sqlite3.connect(wallet_file())
    rows = conn.execute("SELECT rid, version, sealed FROM records WHERE collection='credentials' ORDER BY rid").fetchall()
    conn.close()
    return rows


def assert_cli_fails(code: ExitCode, *args: str, env: dict | None = None) -> str:
    proc = run_cli(*args, env={"SKILLWALLET_PASSPHRASE": PASSPHRASE, **(env or {})})
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("error: ")
    assert all(line.startswith("hint: ") for line in lines[1:])
    assert proc.stdout == ""
    return lines[0]


# --- test 1: wrong passphrase and tampered wrap: same line, own code, bytes unchanged ---------------------------


def test_wrong_passphrase_cli_exit_code_and_unchanged_bytes(filled_wallet):
    filled_wallet.close()
    before = wallet_file().read_bytes()
    line = assert_cli_fails(ExitCode.BAD_PASSPHRASE, "list", env={"SKILLWALLET_PASSPHRASE": "wrong"})
    assert line == "error: wrong passphrase, or the wallet's key was tampered with"
    assert wallet_file().read_bytes() == before


@pytest.mark.parametrize("field", ["wrapped_dek", "salt", "created"])
def test_tampered_key_wrap_or_header_reads_as_wrong_passphrase(filled_wallet, field):
    filled_wallet.close()
    conn = sqlite3.connect(wallet_file())
    (value,) = conn.execute("SELECT value FROM header WHERE name=?", (field,)).fetchone()
    conn.close()
    value = bytes(value)
    flipped = value[:-1] + bytes([value[-1] ^ 0x01])
    edit_db([("UPDATE header SET value=? WHERE name=?", (flipped, field))])
    before = wallet_file().read_bytes()
    line = assert_cli_fails(ExitCode.BAD_PASSPHRASE, "list")
    assert line == "error: wrong passphrase, or the wallet's key was tampered with"
    assert wallet_file().read_bytes() == before


def test_tampered_kdf_parameters_beyond_caps_refused_before_kdf(filled_wallet):
    filled_wallet.close()
    edit_db([("UPDATE header SET value=? WHERE name='kdf'", (b'{"id":"argon2id","m":4194304,"p":1,"t":1}',))])
    with pytest.raises(WalletCorruptError, match="safe limits"):
        reopen()
    edit_db([("UPDATE header SET value=? WHERE name='kdf'", (b'{"id":"argon2id","m":2048,"p":1,"t":1}',))])
    with pytest.raises(BadPassphraseError):  # within caps but not what the wrap was made with
        reopen()


def test_newer_format_version(filled_wallet):
    filled_wallet.close()
    edit_db([("PRAGMA user_version=2", ())])
    assert_cli_fails(ExitCode.NEWER_FORMAT, "list")
    edit_db([("PRAGMA user_version=1", ()), ("UPDATE header SET value=? WHERE name='format'", (b"7",))])
    with pytest.raises(NewerFormatError):
        reopen()


# --- test 3: record-level tampering -------------------------------------------------------------------------------


def test_swapped_record_bodies_detected(filled_wallet):
    filled_wallet.close()
    (rid_a, _, sealed_a), (rid_b, _, sealed_b) = credential_rows()[:2]
    edit_db(
        [
            ("UPDATE records SET sealed=? WHERE rid=?", (sealed_b, rid_a)),
            ("UPDATE records SET sealed=? WHERE rid=?", (sealed_a, rid_b)),
        ]
    )
    # the record-set MAC is intact (same ids and versions), so the AEAD of each record must catch it
    assert_detected()


def test_deleted_record_detected(filled_wallet):
    filled_wallet.close()
    rid = credential_rows()[0][0]
    edit_db([("DELETE FROM records WHERE rid=?", (rid,))])
    assert_detected("missing, duplicated or rolled back")


def test_duplicated_record_detected(filled_wallet):
    filled_wallet.close()
    rid, version, sealed = credential_rows()[0]
    forged_rid = bytes(16)
    edit_db([("INSERT INTO records(collection, rid, version, sealed) VALUES ('credentials', ?, ?, ?)", (forged_rid, version, sealed))])
    assert_detected()


def test_record_rolled_back_to_older_version_detected(filled_wallet):
    target = filled_wallet.test_ids[0]
    filled_wallet.close()
    old_rows = {rid: (version, sealed) for rid, version, sealed in credential_rows()}
    with reopen() as wallet:
        wallet.set_note(target, "a newer note")
    new_rows = {rid: (version, sealed) for rid, version, sealed in credential_rows()}
    (changed,) = [rid for rid in new_rows if new_rows[rid] != old_rows[rid]]
    version, sealed = old_rows[changed]
    edit_db([("UPDATE records SET version=?, sealed=? WHERE rid=?", (version, sealed, changed))])
    assert_detected("missing, duplicated or rolled back")


def test_record_moved_between_collections_detected(filled_wallet):
    filled_wallet.close()
    rid = credential_rows()[0][0]
    edit_db([("UPDATE records SET collection='documents' WHERE rid=?", (rid,))])
    assert_detected()


# --- test 3: whole-file swaps and rollback, with the explicit override ------------------------------------------


def test_old_copy_put_back_is_rollback_and_override(filled_wallet, tmp_path):
    filled_wallet.close()
    old_copy = tmp_path / "old.sqlite"
    shutil.copyfile(wallet_file(), old_copy)
    with reopen() as wallet:
        wallet.add_credential(make_credential(99))
    shutil.copyfile(old_copy, wallet_file())
    with pytest.raises(RollbackError, match="older than one this machine has already seen"):
        reopen()
    line = assert_cli_fails(ExitCode.ROLLBACK, "list")
    assert "older" in line
    # the explicit override: the user really means to go back
    proc = run_cli("restore", "--trust-current", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == 0, proc.stderr
    with reopen() as wallet:
        assert len(wallet.list_credentials()) == 5


def test_wallet_swapped_for_another_is_detected(filled_wallet, tmp_path, monkeypatch):
    filled_wallet.close()
    other_home = tmp_path / "other"
    # another wallet, same passphrase, made elsewhere (its own state folder)
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(tmp_path / "other-state"))
    Wallet.init(other_home, PASSPHRASE).close()
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(tmp_path / "home" / "state"))
    shutil.copyfile(other_home / "wallet.sqlite", wallet_file())
    with pytest.raises(RollbackError, match="swapped"):
        reopen()
    assert_cli_fails(ExitCode.ROLLBACK, "list")


def test_tampered_rollback_record_is_reported(filled_wallet, tmp_path):
    filled_wallet.close()
    import json

    (state_file,) = (tmp_path / "home" / "state" / "seen").iterdir()
    data = json.loads(state_file.read_text())
    data["generation"] = 0
    state_file.write_text(json.dumps(data))
    with pytest.raises(RollbackError, match="tampered"):
        reopen()


def test_truncated_integrity_row_is_corrupt(filled_wallet):
    filled_wallet.close()
    edit_db([("UPDATE header SET value=? WHERE name='integrity'", (b"short",))])
    assert_cli_fails(ExitCode.CORRUPT, "list")


def test_deleted_credential_body_detected_by_show(filled_wallet):
    wid = filled_wallet.test_ids[1]
    filled_wallet.close()
    conn = sqlite3.connect(wallet_file())
    rows = conn.execute("SELECT rid FROM records WHERE collection='credential-bodies'").fetchall()
    conn.close()
    edit_db([("DELETE FROM records WHERE rid=?", (rows[0][0],))])
    assert_detected()
    codes = {run_cli("show", wid, env={"SKILLWALLET_PASSPHRASE": PASSPHRASE}).returncode for wid in [wid]}
    assert codes <= {0, ExitCode.CORRUPT}
    proc = run_cli("list", "--json", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == ExitCode.CORRUPT  # list checks the bodies' record set too
