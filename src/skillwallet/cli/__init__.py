"""The command line: one module per command group, one error boundary.

``main()`` answers ``--version`` before importing anything heavy, so that it stays close to the
cost of starting Python; everything else goes through :func:`skillwallet.cli.app.run`.
"""

from __future__ import annotations

import os
import sys


def _columns() -> int:
    """The width click formats help for (shutil.get_terminal_size's rules: $COLUMNS, then the terminal, then 80)."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _prerendered_help() -> "str | None":
    """``skillwallet --help`` as generated from the app (cli/root_help.py), when the terminal is wide enough for it to
    be exactly what the app would print; None otherwise (the app renders it)."""
    try:
        from skillwallet.cli import root_help
    except ImportError:
        return None
    return root_help.TEXT if _columns() >= root_help.WIDTH else None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from skillwallet import __version__

        sys.stdout.write(f"skillwallet {__version__}\n")
        raise SystemExit(0)
    if args in (["--help"], ["-h"]) and not os.environ.get("_SKILLWALLET_COMPLETE"):
        text = _prerendered_help()
        if text is not None:
            sys.stdout.write(text)
            raise SystemExit(0)
    try:
        from skillwallet.cli.app import run
        from skillwallet import bulk
    except KeyboardInterrupt:  # Ctrl-C while starting: nothing was done yet
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    bulk.freeze_after_loads = True  # one command per process: see skillwallet/bulk.py
    raise SystemExit(run(args))
