"""Output that fits a shell: data on stdout, messages on stderr, no escape codes when piped or under NO_COLOR.

Commands run as real processes: piped (not a terminal) and on a pseudo-terminal (`pty`), with and without NO_COLOR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

import pty_runner

from skillwallet import paths
from skillwallet.cli import completion_gen
from skillwallet.model import Credential, Issuer
from skillwallet.store import Wallet

ESC = "\x1b"
TIMEOUT = 60


@pytest.fixture
def wallet_id(passphrase) -> str:
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        cred = Credential(
            format="ob3",
            original=b'{"name": "First Aid"}',
            credential_id="urn:example:first-aid",
            title="First Aid",
            issuer=Issuer(id="https://issuer.example/", name="Example Institute"),
            issued=datetime(2024, 1, 1, tzinfo=timezone.utc),
            expires=datetime(2026, 1, 20, tzinfo=timezone.utc),
            renewal="https://issuer.example/renew",
        )
        return wallet.add_credential(cred)[0]
    finally:
        wallet.close()


def piped(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillwallet", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        timeout=TIMEOUT,
    )


def run_on_pty(args: tuple[str, ...], env: dict[str, str], *, stream: str) -> tuple[int, str]:
    """Run skillwallet with ``stream`` ("stdout" or "stderr") on a pseudo-terminal and the other discarded;
    return (exit code, what the terminal received, decoded)."""
    code, received = pty_runner.run_on_pty(args, env, stream=stream, timeout=TIMEOUT)
    return code, received.decode("utf-8", errors="replace")


def on_terminal(*args: str, no_color: bool) -> tuple[int, str]:
    """Run with stdout on a pseudo-terminal; return (exit code, what the terminal received)."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="160", LINES="50")
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    return run_on_pty(args, env, stream="stdout")


# human output of the read commands, with what each must show
def read_commands(wallet_id: str) -> list[tuple[list[str], str]]:
    commands = [
        (["--help"], "Usage"),
        (["list"], "First Aid"),
        (["show", wallet_id], "First Aid"),
        (["status"], "wallet"),
        (["expiring", "--as-of", "2026-01-01"], "First Aid"),
        (["doctor"], "contexts"),
        (["config", "show"], "paper"),
        (["verify", "--all"], "First Aid"),
        (["stack"], ""),
        (["skills"], ""),
        (["pathways", "list"], ""),
        (["offerings", "list"], ""),
        (["profile", "show"], ""),
        (["documents", "list"], ""),
    ]
    registered = {path for path, _h, _g in completion_gen.iter_commands()}
    return [(args, text) for args, text in commands if args[0] == "--help" or " ".join(args[:2]) in registered
            or args[0] in registered]


def test_piped_output_has_no_escape_codes(wallet_id):
    for args, expected in read_commands(wallet_id):
        result = piped(*args)
        # verify exits 13 when a credential is not verified (this one carries no proof)
        assert result.returncode in ((0, 13) if args[0] == "verify" else (0,)), (args, result.stderr)
        assert expected in result.stdout, args
        assert ESC not in result.stdout, args
        assert ESC not in result.stderr, args


# the commands whose rendering this issue owns; others render through cli.common.stdout_console
OWN_COMMANDS = [["expiring", "--as-of", "2026-01-01"], ["doctor"], ["config", "show"]]


@pytest.mark.parametrize("args", OWN_COMMANDS, ids=lambda a: a[0])
def test_terminal_gets_colour_and_no_color_removes_every_escape(wallet_id, args):
    code, coloured = on_terminal(*args, no_color=False)
    assert code == 0
    assert ESC + "[" in coloured  # a terminal gets styles: the check below can fail
    code, plain = on_terminal(*args, no_color=True)
    assert code == 0
    assert ESC not in plain
    assert "┏" in plain  # still a table for people, just without styles


@pytest.mark.parametrize("args", [["list"], ["status"]], ids=lambda a: a[0])
def test_no_color_on_a_terminal_for_shared_console_commands(wallet_id, args):
    registered = {path for path, _h, _g in completion_gen.iter_commands()}
    if args[0] not in registered:
        pytest.skip(f"`skillwallet {args[0]}` is not registered yet")
    code, plain = on_terminal(*args, no_color=True)
    assert code == 0
    assert ESC not in plain


def test_json_on_a_terminal_is_plain_json(wallet_id):
    code, text = on_terminal("expiring", "--as-of", "2026-01-01", "--json", no_color=False)
    assert code == 0
    assert ESC not in text
    assert json.loads(text.replace("\r\n", "\n"))["schema"] == "skillwallet/expiring"


def test_messages_go_to_stderr_and_data_to_stdout(wallet_id):
    result = piped("config", "set", "paper", "letter")
    assert (result.returncode, result.stdout) == (0, "")
    assert "paper = letter" in result.stderr

    result = piped("config", "get", "paper")
    assert (result.stdout, result.stderr) == ("letter\n", "")

    result = piped("expiring", "--as-of", "2020-01-01", "--within", "1d")
    assert result.stdout == ""
    assert "nothing expires" in result.stderr

    result = piped("expiring", "--within", "whenever")
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")


def test_piped_tables_are_tab_separated_lines(wallet_id):
    result = piped("expiring", "--as-of", "2026-01-01")
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == ["id", "title", "issuer", "expires", "when", "renewal route", "renewal cost",
                                  "renewal time", "renew"]
    assert rows == [f"{wallet_id}\tFirst Aid\tExample Institute\t2026-01-20\tin 19 days\tno renewal route known\t?\t?"
                    "\thttps://issuer.example/renew"]


def test_progress_bars_only_on_a_terminal():
    from skillwallet.cli.common import progress

    # pytest captures stderr: not a terminal, so the bar is disabled and prints nothing
    with progress(10, "working") as bar:
        assert bar.disable is True


def test_cell_text_is_never_read_as_markup(monkeypatch):
    """Titles come from issuers: brackets must print as written, on a terminal too (rich markup is off)."""
    import io

    from skillwallet.cli.common import Row, render_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    render_table(["title"], [Row(["C++ [Advanced] [/oops] [red]x[/red]"], "red")], title="[b]t[/b]")
    text = terminal.getvalue()
    assert "C++ [Advanced] [/oops] [red]x[/red]" in text
    assert "[b]t[/b]" in text
    assert ESC not in text


def test_did_key_is_printed_as_text_not_emoji(monkeypatch, capsys):
    """rich reads ":key:" as an emoji code; issuer ids such as did:key:z6Mk… must print as they are."""
    from skillwallet.cli.app import run

    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "emoji test passphrase")
    assert run(["init"]) == 0
    assert run(["add", "--self", "project", "--title", "Home lab", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)["results"][0]["id"]
    assert run(["show", added]) == 0
    out = capsys.readouterr().out
    assert "did:key:z6Mk" in out
    assert "\U0001f511" not in out


def stderr_of(*args: str, terminal: bool) -> str:
    """Run with stderr on a pseudo-terminal (or a pipe); return what stderr received."""
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    if terminal:
        return run_on_pty(args, env, stream="stderr")[1]
    proc = subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    return proc.stderr.decode("utf-8", "replace")


def test_long_operations_show_progress_on_a_terminal_only(wallet_id, tmp_path):
    """verify --all and bulk add draw a progress bar on a terminal's stderr, and nothing of it in a pipe."""
    assert "Verifying" in stderr_of("verify", "--all", "--offline", terminal=True)
    assert "Verifying" not in stderr_of("verify", "--all", "--offline", terminal=False)
    sample = Path(paths.__file__).parent / "data" / "samples" / "python-fundamentals.json"
    assert "Importing" in stderr_of("add", "--offline", str(sample), terminal=True)


def test_export_shows_a_spinner_on_a_terminal_only(wallet_id, tmp_path):
    subprocess.run([sys.executable, "-m", "skillwallet", "profile", "set", "--name", "Ana Souza"], check=True,
                   capture_output=True)
    out = tmp_path / "resume.md"
    assert "Preparing the resume md export" in stderr_of("export", "--resume", "-o", str(out), terminal=True)
    piped = stderr_of("export", "--resume", "-o", str(out), "--force", terminal=False)
    assert "Preparing" not in piped and "wrote" in piped
    assert "Ana Souza" in out.read_text(encoding="utf-8")
