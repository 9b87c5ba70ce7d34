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
    received = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
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
    code = process.wait(timeout=timeout)
    os.close(master)
    return code, received


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
    received = b""
    sent = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not sent and prompt in received:
            time.sleep(0.2)  # getpass has turned echo off and is reading
            os.write(master, termios.tcgetattr(master)[6][termios.VINTR])
            sent = True
        ready, _, _ = select.select([master], [], [], 0.2)
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
    if process.poll() is None:
        process.kill()
    code = process.wait(timeout=timeout)
    os.close(master)
    return code, received
