"""Helpers every command module shares: state, output, prompting. The CLI is the only part that prints."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Union

import typer

if TYPE_CHECKING:
    from datetime import datetime

JSON_SCHEMA_VERSION = 1


def is_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal (a closed or replaced stream, e.g. under a test runner, counts as not one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def command_group(name: str, help: str) -> typer.Typer:
    """A Typer sub-application (``config``, ``pathways``, ...) with the settings every group shares: help when run
    bare, no shell-completion options (those belong to the root application), no rich markup in help."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, add_completion=False, rich_markup_mode=None)


def register_commands(app: typer.Typer, commands: dict[str, Any]) -> None:
    """Add top-level commands to ``app`` under the given names, in the order given (the order of ``--help``)."""
    for name, function in commands.items():
        app.command(name)(function)


def parse_as_of(text: Optional[str]) -> "datetime":
    """``--as-of``: an ISO 8601 date (its start) or date-time, as an aware UTC datetime; now when not given."""
    from datetime import datetime, timezone

    from skillwallet.errors import InvalidInputError
    from skillwallet.model import parse_datetime

    if text is None:
        return datetime.now(timezone.utc)
    moment = parse_datetime(text)
    if moment is None:
        raise InvalidInputError(
            f"cannot read the date {text!r}: --as-of is not a date", "write an ISO 8601 date such as 2026-03-01"
        )
    if not AS_OF_YEARS[0] <= moment.year <= AS_OF_YEARS[1]:
        # commands count days and years from this moment: near year 1 or 9999 that arithmetic leaves the calendar
        raise InvalidInputError(
            f"--as-of {text!r} is out of range", f"give a date between the years {AS_OF_YEARS[0]} and {AS_OF_YEARS[1]}"
        )
    return moment


AS_OF_YEARS = (1000, 8999)  # what --as-of accepts: far enough from 1 and 9999 for any date arithmetic


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
    import json  # not at start-up: --help and table output never need it

    document = {"schema": f"skillwallet/{kind}", "version": JSON_SCHEMA_VERSION}
    document.update(payload)
    # Indented for people on a terminal; compact (and C-encoded, much faster for 10,000 credentials) in pipes.
    indent = 2 if is_terminal(sys.stdout) else None
    sys.stdout.write(json.dumps(document, indent=indent, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def color_enabled(stream=None) -> bool:
    """Whether ``stream`` (stdout by default) may get colour: a terminal, and NO_COLOR (no-color.org) not set."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return is_terminal(stream)


def stdout_console():
    """A rich Console for tables and trees on stdout: plain when not a terminal, NO_COLOR honoured."""
    from rich.console import Console

    colour = color_enabled(sys.stdout)
    tty = is_terminal(sys.stdout)
    return Console(
        file=sys.stdout,
        # Piped output is not cut at 80 columns: trees and tables keep whole lines for grep and files.
        width=None if tty else int(os.environ.get("COLUMNS") or 0) or 512,
        no_color=not colour,
        color_system="auto" if colour else None,  # None: no escapes at all, not even bold (NO_COLOR, pipes)
        highlight=False,
        emoji=False,  # issuer data such as "did:key:z6Mk" must never turn into emoji
        soft_wrap=not tty,
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
        disable=not is_terminal(sys.stderr),
        transient=True,
    )


def busy(message: str):
    """A spinner with ``message`` on stderr while a single long step runs (a terminal only; silent otherwise)."""
    import contextlib

    if not is_terminal(sys.stderr):
        return contextlib.nullcontext()
    return stderr_console().status(message)


# --- tables -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: its header, and how its cells line up and look on a terminal."""

    header: str
    justify: str = "left"  # "left" or "right" (amounts, counts)
    style: Optional[str] = None  # a rich style for every cell of the column (e.g. "bold" for field names)
    whole: bool = False  # never folded on a terminal (wallet ids are copied and pasted); other columns give way


@dataclass(frozen=True)
class Row:
    """A table row: its cells, and an optional rich style (colour) for the whole row on a terminal."""

    cells: Sequence[Any]
    style: Optional[str] = None


def tsv_cell(value: Any) -> str:
    """One cell for a tab-separated line: whitespace runs (tabs, newlines) become one space, so a row stays one line."""
    return " ".join(str(value).split())


def render_table(
    columns: Sequence[Union[str, Column]],
    rows: Iterable[Union[Row, Sequence[Any]]],
    *,
    title: Optional[str] = None,
    show_header: bool = True,
) -> None:
    """Print a table on stdout: a rich table on a terminal; tab-separated lines when stdout is not one.

    Piped output must survive ``cut``/``awk``/``grep``: the header line first (always, even for a field/value
    table), then one line per row with as many tab-separated fields as the header, no title, no box drawing,
    no colour. On a terminal, cells are rich ``Text`` (what issuers wrote, e.g. "C++ [Advanced]" or
    "did:key:z6Mk...", is never read as markup or emoji) and long cells fold instead of being cut.
    ``rows`` are cell sequences or :class:`Row` (cells plus a row style). ``show_header=False`` draws a
    borderless field/value listing on a terminal.
    """
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    rows = [r if isinstance(r, Row) else Row(tuple(r)) for r in rows]
    for row in rows:
        if len(row.cells) != len(columns):
            raise ValueError(f"a row has {len(row.cells)} cells for {len(columns)} columns")
    if not is_terminal(sys.stdout):
        lines = ["\t".join(tsv_cell(c.header) for c in columns)]
        lines += ["\t".join(tsv_cell(cell) for cell in row.cells) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        return
    from rich.table import Table
    from rich.text import Text

    if show_header:
        table = Table(title=Text(title) if title else None, title_justify="left", header_style="bold")
    else:
        table = Table(title=Text(title) if title else None, title_justify="left", show_header=False, box=None,
                      pad_edge=False)
    for column in columns:
        table.add_column(
            Text(column.header), justify=column.justify, style=column.style, overflow="fold", no_wrap=column.whole
        )
    for row in rows:
        table.add_row(*(Text(str(cell)) for cell in row.cells), style=row.style)
    stdout_console().print(table)
