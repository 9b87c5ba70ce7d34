"""Interactive use on a real pseudo-terminal: init asks twice and refuses a mismatch or an empty passphrase;
commands prompt for the passphrase when nothing else unlocks the wallet."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

from store_helpers import PASSPHRASE, wallet_file, wallet_home

from skillwallet.errors import ExitCode
from skillwallet.store import Wallet


def run_on_tty(args: list[str], answers: list[str], timeout: float = 30) -> tuple[int, str]:
    """Run skillwallet with a pty as its controlling terminal, typing each answer after each prompt."""
    env = {k: v for k, v in os.environ.items() if k not in ("SKILLWALLET_PASSPHRASE", "SKILLWALLET_SESSION")}
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "skillwallet", *args], env)
    output = b""
    pending = list(answers)
    answered_at = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            # answer only a fresh prompt ("...: " with nothing after it, written since the last answer)
            if pending and output.endswith(b": ") and len(output) > answered_at:
                os.write(fd, (pending.pop(0) + "\n").encode())
                answered_at = len(output)
    else:
        os.kill(pid, signal.SIGKILL)  # never leave a child waiting for input
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_init_asks_twice_on_a_terminal():
    code, output = run_on_tty(["init"], [PASSPHRASE, PASSPHRASE])
    assert code == 0, output
    assert output.count("passphrase") >= 2
    assert PASSPHRASE not in output  # no echo
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.holder_did.startswith("did:key:z6Mk")


def test_init_refuses_mismatch_and_empty():
    code, output = run_on_tty(["init"], [PASSPHRASE, PASSPHRASE + "x"] * 3)
    assert code == ExitCode.BAD_INPUT and "differ" in output and "three tries" in output
    assert not wallet_file().exists()
    code, output = run_on_tty(["init"], [""])
    assert code == ExitCode.BAD_INPUT and "must not be empty" in output
    assert not wallet_file().exists()


def test_init_asks_again_after_a_mismatch_or_a_short_passphrase():
    code, output = run_on_tty(["init"], [PASSPHRASE, PASSPHRASE + "x", "short", PASSPHRASE, PASSPHRASE])
    assert code == 0, output
    assert "the two passphrases differ; try again" in output and "shorter than 12 characters" in output
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.holder_did.startswith("did:key:z6Mk")


def test_commands_prompt_for_the_passphrase_on_a_terminal():
    Wallet.init(wallet_home(), PASSPHRASE).close()
    code, output = run_on_tty(["list", "--json"], [PASSPHRASE])
    assert code == 0, output
    assert '"skillwallet/credentials"' in output
    code, output = run_on_tty(["list"], ["wrong"])
    assert code == ExitCode.BAD_PASSPHRASE
