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
