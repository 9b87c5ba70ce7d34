"""Rollback is never silent: an older wallet put back *and* the rollback record deleted used to open as if nothing
had happened, a credential quietly gone. A wallet with history and no record now opens with one `warning:` line on
every command, in `status` and `doctor` and in `--json` output (`warnings`), until the user accepts it once with
`skillwallet restore --trust-current` (docs/store.md, "Rollback")."""

from __future__ import annotations

import json
import shutil

import pytest
from store_helpers import PASSPHRASE, make_credential, seen_record_file, wallet_file, wallet_home

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode, RollbackError
from skillwallet.store import Wallet

INITIAL_GENERATION = 1  # what init leaves: the empty wallet (0) plus the holder key (docs/store.md)


@pytest.fixture
def cli(capsys, monkeypatch):
    """The CLI in-process through its error boundary, unlocked by SKILLWALLET_PASSPHRASE; (code, out, err)."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", PASSPHRASE)

    def invoke(*args: str):
        code = run(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return invoke


def warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


def rolled_back_with_record_deleted(filled_wallet, tmp_path) -> str:
    """The attack: keep a copy, add a credential, put the copy back and delete the record. Returns the lost id."""
    filled_wallet.close()
    old_copy = tmp_path / "old.sqlite"
    shutil.copyfile(wallet_file(), old_copy)
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        lost, _ = wallet.add_credential(make_credential(99, title="The credential that disappears"))
    shutil.copyfile(old_copy, wallet_file())
    seen_record_file().unlink()
    return lost


def test_old_copy_put_back_with_record_deleted_is_not_silent(filled_wallet, tmp_path, cli):
    lost = rolled_back_with_record_deleted(filled_wallet, tmp_path)
    code, out, err = cli("list")
    assert code == 0, err
    lines = warning_lines(err)
    assert len(lines) == 1, err
    assert "no record of the versions of the wallet" in lines[0]
    assert "skillwallet restore --trust-current" in lines[0]
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.get("credentials", lost) is None  # the old copy really is in place
        assert wallet.rollback_unverified


def test_warning_repeats_on_every_command_until_accepted(filled_wallet, tmp_path, cli):
    rolled_back_with_record_deleted(filled_wallet, tmp_path)
    for args in (["list"], ["list"], ["show", filled_wallet.test_ids[0]], ["skills"], ["profile", "show"]):
        code, _, err = cli(*args)
        assert code == 0, (args, err)
        assert len(warning_lines(err)) == 1, (args, err)
        # using the wallet (even writing to it) does not quietly accept it
        assert not seen_record_file().exists()
    code, _, err = cli("tag", filled_wallet.test_ids[0], "job")
    assert code == 0, err
    assert len(warning_lines(err)) == 1
    assert not seen_record_file().exists()

    code, _, err = cli("restore", "--trust-current")
    assert code == 0, err
    assert seen_record_file().exists()
    for args in (["list"], ["status"]):
        code, _, err = cli(*args)
        assert code == 0, err
        assert warning_lines(err) == [], (args, err)


def test_status_and_doctor_report_it_without_the_passphrase(filled_wallet, tmp_path, cli, monkeypatch):
    rolled_back_with_record_deleted(filled_wallet, tmp_path)
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    code, out, err = cli("status")
    assert code == 0, err
    assert len(warning_lines(err)) == 1
    assert "restore --trust-current" in out  # the table's rollback row
    code, out, err = cli("status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert status["rollback"] == {"generation": status["rollback"]["generation"], "record_present": False}
    assert status["rollback"]["generation"] > INITIAL_GENERATION
    assert len(status["warnings"]) == 1 and "restore --trust-current" in status["warnings"][0]

    code, out, err = cli("doctor", "--json")
    report = json.loads(out)
    (finding,) = [c for c in report["checks"] if c["check"] == "rollback"]
    assert finding["status"] == "warning"
    assert "restore --trust-current" in finding["fix"]
    assert len(warning_lines(err)) == 1
    code, out, err = cli("doctor")
    assert "rollback" in out and len(warning_lines(err)) == 1


def test_json_output_carries_the_warning(filled_wallet, tmp_path, cli):
    rolled_back_with_record_deleted(filled_wallet, tmp_path)
    code, out, err = cli("list", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert list(document)[:2] == ["schema", "version"] and document["version"] == 1
    assert document["warnings"] == [warning_lines(err)[0].removeprefix("warning: ")]
    assert document["count"] == 5


def test_no_warnings_member_when_there_is_nothing_to_warn_about(filled_wallet, cli):
    filled_wallet.close()
    code, out, err = cli("list", "--json")
    assert code == 0 and warning_lines(err) == []
    assert "warnings" not in json.loads(out)
    code, out, err = cli("status", "--json")
    status = json.loads(out)
    assert status["warnings"] == [] and status["rollback"]["record_present"] is True


def test_a_wallet_without_history_gets_its_record_silently(wallet, cli):
    """`init` writes the record; should it be lost before any write, nothing can have been rolled back."""
    generation = wallet.generation
    wallet.close()
    assert generation == INITIAL_GENERATION
    seen_record_file().unlink()
    code, _, err = cli("list")
    assert code == 0 and warning_lines(err) == []
    assert seen_record_file().exists()


def test_accepting_it_restores_full_rollback_detection(filled_wallet, tmp_path, cli):
    rolled_back_with_record_deleted(filled_wallet, tmp_path)
    code, _, err = cli("restore", "--trust-current")
    assert code == 0, err
    older = tmp_path / "older.sqlite"
    shutil.copyfile(wallet_file(), older)
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(123))
    shutil.copyfile(older, wallet_file())
    with pytest.raises(RollbackError):
        Wallet.open(wallet_home(), passphrase=PASSPHRASE)
    code, _, err = cli("list")
    assert code == ExitCode.ROLLBACK and err.startswith("error: ")


def test_passwd_does_not_accept_the_wallet_either(filled_wallet, tmp_path, cli, monkeypatch):
    rolled_back_with_record_deleted(filled_wallet, tmp_path)
    monkeypatch.setenv("SKILLWALLET_NEW_PASSPHRASE", "another passphrase")
    code, _, err = cli("passwd")
    assert code == 0, err
    assert len(warning_lines(err)) == 1
    assert not seen_record_file().exists()
    with Wallet.open(wallet_home(), passphrase="another passphrase") as wallet:
        assert wallet.rollback_unverified
