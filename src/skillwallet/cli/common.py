"""Helpers every command module shares: state, output, prompting. The CLI is the only part that prints."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import typer

JSON_SCHEMA_VERSION = 1


@dataclass
class CliState:
    debug: bool = False
    passphrase_file: Optional[Path] = None


def cli_state() -> CliState:
    """The global options of the running command (a default state outside a command)."""
    from typer._click.globals import get_current_context  # typer 0.29 vendors click; no public accessor

    ctx = get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, CliState):
            return ctx.obj
        ctx = ctx.parent
    return CliState()


def print_error(message: str, hints: Iterable[str] = ()) -> None:
    """One ``error:`` line plus optional ``hint:`` lines, on stderr."""
    sys.stderr.write(f"error: {message}\n")
    for hint in hints:
        sys.stderr.write(f"hint: {hint}\n")
    sys.stderr.flush()


def info(message: str) -> None:
    """A diagnostic line on stderr (never stdout: stdout is for data)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def emit_json(kind: str, payload: dict[str, Any]) -> None:
    """Print one JSON object on stdout with a versioned shape: ``{"schema": "skillwallet/<kind>", "version": 1, ...}``."""
    document = {"schema": f"skillwallet/{kind}", "version": JSON_SCHEMA_VERSION}
    document.update(payload)
    # Indented for people on a terminal; compact (and C-encoded, much faster for 10,000 credentials) in pipes.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, indent=indent, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def color_enabled(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def stdout_console():
    """A rich Console for tables and trees on stdout: plain when not a terminal, NO_COLOR honoured."""
    from rich.console import Console

    colour = color_enabled(sys.stdout)
    tty = sys.stdout.isatty()
    return Console(
        file=sys.stdout,
        # Piped output is not cut at 80 columns: trees and tables keep whole lines for grep and files.
        width=None if tty else int(os.environ.get("COLUMNS") or 0) or 512,
        no_color=not colour,
        color_system="auto" if colour else None,  # None: no escapes at all, not even bold (NO_COLOR, pipes)
        highlight=False,
        emoji=False,  # issuer data such as "did:key:z6Mk" must never turn into emoji
        soft_wrap=not sys.stdout.isatty(),
    )


def stderr_console():
    from rich.console import Console

    colour = color_enabled(sys.stderr)
    return Console(
        file=sys.stderr, no_color=not colour, color_system="auto" if colour else None, highlight=False, emoji=False
    )


def progress(total: int | None, description: str):
    """A progress bar on stderr, shown only on a terminal (a no-op context otherwise)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = stderr_console()
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not sys.stderr.isatty(),
        transient=True,
    )
