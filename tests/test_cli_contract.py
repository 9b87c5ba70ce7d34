"""The command line's contract with its user, through the real CLI: one error shape for every bad command line,
global options anywhere, one duration syntax, hints that say what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skillwallet.cli.app import hoist_global_options, run
from skillwallet.errors import ExitCode

ROOT = Path(__file__).resolve().parent
OFFLINE_JWS = ROOT / "interop/fixtures/1edtech-ob2/signed-assertion.jws"  # its issuer profile is on the web


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def init_wallet(capsys) -> None:
    assert cli(capsys, "init")[0] == 0


BAD_COMMAND_LINES = [
    (["list", "--sort", "foo"], "title, issued"),
    (["export"], "--resume"),
    (["stack", "--next"], "--goal"),
    (["expiring", "--within", "3x"], "90d"),
    (["expiring", "--within", "6m"], "6mo"),
    (["unlock", "--for", "6m"], "6min"),
    (["lsit"], "skillwallet list"),
    (["verfy"], "skillwallet verify"),
    (["pathways", "shw"], "skillwallet pathways show"),
    (["list", "--sor", "title"], "--sort"),
    (["list", "--no-such-flag"], "skillwallet list -h"),
    (["show"], "skillwallet show -h"),
    (["stack", "--goal"], "--goal VALUE"),
    (["verify", "--all", "--as-of", "June"], "ISO 8601"),
    (["verify"], "--all"),
]


@pytest.mark.parametrize(("args", "hint"), BAD_COMMAND_LINES, ids=[" ".join(a) for a, _ in BAD_COMMAND_LINES])
def test_every_bad_command_line_is_one_error_line_a_hint_and_exit_2(capsys, args, hint):
    code, out, err = cli(capsys, *args)
    assert code == ExitCode.USAGE, err
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: ") and len([line for line in lines if line.startswith("error:")]) == 1
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), err
    assert any(line.startswith("hint: ") and hint in line for line in lines), err
    assert "Usage:" not in err and "Error:" not in err and "Try '" not in err


def test_parser_errors_through_a_real_process_carry_no_click_usage_block():
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "lsit"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: no command 'lsit' in skillwallet",
        "hint: did you mean 'skillwallet list'?",
        "hint: run 'skillwallet -h' for the list of commands",
    ]


def test_a_mistyped_command_quoting_an_escape_sequence_is_printed_safely(capsys):
    code, _, err = cli(capsys, "li\x1b[2Jst")
    assert code == ExitCode.USAGE
    assert "\x1b" not in err and "\\x1b[2J" in err


def test_bad_input_files_keep_exit_10(capsys, tmp_path, passphrase):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    init_wallet(capsys)
    code, _, err = cli(capsys, "add", str(bad))
    assert code == ExitCode.BAD_INPUT and err.startswith(("error: ", "rejected: "))


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_passphrase_file_is_accepted_after_the_command(capsys, tmp_path, form):
    secret = tmp_path / "pass.txt"
    secret.write_text("a long enough passphrase\n")
    assert cli(capsys, "--passphrase-file", str(secret), "init")[0] == 0
    args = ["--passphrase-file", str(secret)] if form == "separate" else [f"--passphrase-file={secret}"]
    code, out, err = cli(capsys, "list", *args, "--json")
    assert code == 0, err
    assert '"skillwallet/credentials"' in out
    secret.write_text("the wrong passphrase here\n")
    assert cli(capsys, "list", *args)[0] == ExitCode.BAD_PASSPHRASE


def test_global_options_move_before_the_command_but_not_past_a_double_dash():
    assert hoist_global_options(["list", "--passphrase-file", "f", "--json"]) == [
        "--passphrase-file", "f", "list", "--json",
    ]
    assert hoist_global_options(["note", "x", "--debug"]) == ["--debug", "note", "x"]
    assert hoist_global_options(["note", "x", "--", "--passphrase-file"]) == ["note", "x", "--", "--passphrase-file"]
    assert hoist_global_options(["--passphrase-file", "f", "list"]) == ["--passphrase-file", "f", "list"]


def test_unlock_for_minutes_is_written_min(capsys, passphrase):
    init_wallet(capsys)
    code, out, err = cli(capsys, "unlock", "--for", "15min", "--json")
    assert code == 0, err
    code, out, err = cli(capsys, "unlock", "--for", "25h")
    assert code == ExitCode.USAGE and "24h" in err


def test_expiring_within_months_is_written_mo(capsys, passphrase):
    init_wallet(capsys)
    code, out, err = cli(capsys, "expiring", "--within", "6mo", "--json")
    assert code == 0, err


def test_a_document_not_available_offline_is_reported_once_with_what_to_do(capsys):
    code, out, err = cli(capsys, "verify", "--offline", str(OFFLINE_JWS))
    assert code == ExitCode.NOT_VERIFIED
    url = "https://example.org/robotics-badge.json is needed but not available offline"
    assert err.count(url) == 1, err  # the reason, once: not again as a hint
    hints = [line for line in err.splitlines() if line.startswith("hint: ")]
    advice = [h for h in hints if "offline" in h]
    assert advice and "--online" in advice[0] and "--document URL=FILE" in advice[0] and "documents add" in advice[0]


def test_an_unreadable_file_is_named_once_per_line(capsys, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, out, err = cli(capsys, "verify", str(bad))
    assert code == ExitCode.NOT_VERIFIED
    assert all(line.count(str(bad)) <= 1 for line in err.splitlines()), err


def test_backup_takes_dash_o_like_export(capsys, passphrase, tmp_path):
    init_wallet(capsys)
    target = tmp_path / "wallet.bak"
    code, _, err = cli(capsys, "backup", "-o", str(target))
    assert code == 0, err
    assert target.stat().st_size > 0
    assert cli(capsys, "backup", "-o", str(target))[0] == ExitCode.EXISTS  # never overwritten silently
    assert cli(capsys, "backup", "-o", str(target), "--force")[0] == 0
    code, _, err = cli(capsys, "backup")
    assert code == ExitCode.USAGE and "-o FILE" in err


def test_init_refuses_a_short_passphrase_unless_asked(capsys, monkeypatch):
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "hunter2")
    code, _, err = cli(capsys, "init")
    assert code == ExitCode.USAGE and "shorter than 12 characters" in err and "--weak-passphrase" in err
    code, _, err = cli(capsys, "init", "--weak-passphrase")
    assert code == 0 and "warning: the passphrase is shorter than 12" in err


def test_init_ends_with_the_next_three_commands(capsys, passphrase):
    code, _, err = cli(capsys, "init")
    assert code == 0
    lines = err.splitlines()
    steps = lines[lines.index("next:") + 1:]
    assert [s.split()[:2] for s in steps] == [["skillwallet", "add"], ["skillwallet", "verify"], ["skillwallet", "stack"]]
