"""Run the real skillwallet command with one output stream on a pseudo-terminal: what a person's terminal gets."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time


def run_on_pty(args: tuple[str, ...] | list[str], env: dict[str, str], *, stream: str, timeout: float) -> tuple[int, bytes]:
    """Run ``python -m skillwallet ARGS`` with ``stream`` ("stdout" or "stderr") on a pseudo-terminal and the
    other discarded; return (exit code, the bytes the terminal received)."""
    master, slave = pty.openpty()
    streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: slave}
    process = subprocess.Popen([sys.executable, "-m", "skillwallet", *args], stdin=subprocess.DEVNULL, env=env, **streams)
    os.close(slave)
    received = _read_terminal(master, process, timeout, poll=0.5)
    code = process.wait(timeout=timeout)
    os.close(master)
    return code, received


def _read_terminal(master: int, process: subprocess.Popen, timeout: float, *, poll: float,
                   before_read=None) -> bytes:
    """Every byte the terminal ``master`` receives until the child closes it, exits or ``timeout`` passes;
    ``before_read(received)`` is called before each wait (to type into the terminal)."""
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if before_read is not None:
            before_read(received)
        ready, _, _ = select.select([master], [], [], poll)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            received += chunk
        elif process.poll() is not None:
            break
    return received


def interrupt_at_prompt(args: tuple[str, ...] | list[str], env: dict[str, str], *, prompt: bytes,
                        timeout: float) -> tuple[int, bytes]:
    """Run ``python -m skillwallet ARGS`` as a person's terminal session would (stdin, stdout and stderr on a
    pseudo-terminal that is the process's controlling terminal), wait for ``prompt``, then type Ctrl-C: the
    terminal's line discipline turns it into SIGINT for the foreground process group, as a shell's would.
    Return (exit code, every byte the terminal received)."""
    import fcntl
    import termios

    master, slave = pty.openpty()

    def take_the_terminal() -> None:  # runs in the child after setsid (start_new_session)
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen([sys.executable, "-m", "skillwallet", *args], stdin=slave, stdout=slave, stderr=slave,
                               env=env, start_new_session=True, preexec_fn=take_the_terminal)
    os.close(slave)
    sent = []

    def interrupt_once_prompted(received: bytes) -> None:
        if not sent and prompt in received:
            time.sleep(0.2)  # getpass has turned echo off and is reading
            os.write(master, termios.tcgetattr(master)[6][termios.VINTR])
            sent.append(True)

    received = _read_terminal(master, process, timeout, poll=0.2, before_read=interrupt_once_prompted)
    if process.poll() is None:
        process.kill()
    code = process.wait(timeout=timeout)
    os.close(master)
    return code, received
