"""The command line: one module per command group, one error boundary.

``main()`` answers ``--version`` before importing anything heavy, so that it stays close to the
cost of starting Python; everything else goes through :func:`skillwallet.cli.app.run`.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from skillwallet import __version__

        sys.stdout.write(f"skillwallet {__version__}\n")
        raise SystemExit(0)
    try:
        from skillwallet.cli.app import run
    except KeyboardInterrupt:  # Ctrl-C while starting: nothing was done yet
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    raise SystemExit(run(args))
