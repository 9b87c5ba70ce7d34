"""Helpers every command module shares: state, output, prompting. The CLI is the only part that prints."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence, Union

import typer

from skillwallet.durations import DURATION_HELP  # noqa: F401  (the commands' help texts take it from here)

if TYPE_CHECKING:
    from datetime import datetime

JSON_SCHEMA_VERSION = 1


def is_terminal(stream) -> bool:
    """Whether ``stream`` is a terminal (a closed or replaced stream, e.g. under a test runner, counts as not one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def command_group(name: str, help: str, examples: Sequence[str] = ()) -> typer.Typer:
    """A Typer sub-application (``config``, ``pathways``, ...) with the settings every group shares: help when run
    bare, no shell-completion options (those belong to the root application), no rich markup in help; its
    ``examples`` (command lines) shown at the end of its help."""
    return typer.Typer(name=name, help=help, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                       epilog=examples_text(examples) if examples else None)


def examples_text(examples: Sequence[str]) -> str:
    """An ``Examples:`` block for help, its lines kept as written (click's ``\\b`` marker: no rewrapping)."""
    return "\b\nExample" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {line}" for line in examples)


def register_commands(app: typer.Typer, commands: dict[str, Any]) -> None:
    """Add top-level commands to ``app`` under the given names, in the order given (the order of ``--help``)."""
    for name, function in commands.items():
        app.command(name)(function)


def parse_as_of(text: Optional[str]) -> "datetime":
    """``--as-of``: an ISO 8601 date (its start) or date-time, as an aware UTC datetime; now when not given."""
    from datetime import datetime, timezone

    from skillwallet.errors import UsageError
    from skillwallet.model import parse_datetime

    if text is None:
        return datetime.now(timezone.utc)
    moment = parse_datetime(text)
    if moment is None:
        raise UsageError(
            f"cannot read the date {text!r}: --as-of is not a date", "write an ISO 8601 date such as 2026-03-01"
        )
    if not AS_OF_YEARS[0] <= moment.year <= AS_OF_YEARS[1]:
        # commands count days and years from this moment: near year 1 or 9999 that arithmetic leaves the calendar
        raise UsageError(
            f"--as-of {text!r} is out of range", f"give a date between the years {AS_OF_YEARS[0]} and {AS_OF_YEARS[1]}"
        )
    return moment


# --- durations ----------------------------------------------------------------------------------------------
#
# One syntax for every option that takes a length of time (`expiring --within`, `unlock --for`): a number and a
# unit, or several (`1h30min`), read by skillwallet/durations.py (a renewal route's window in an offerings file
# is read by it too). `m` alone is refused: it means months to some readers and minutes to others.

def parse_duration(text: Optional[str], option: str, *, bare_unit: str) -> int:
    """Seconds in ``15min``, ``2h``, ``90d``, ``12w``, ``6mo``, ``1y`` or ``1h30min``; a bare number counts in
    ``bare_unit``. A bad value is a bad command line (exit 2), with a hint that shows the syntax."""
    from skillwallet.durations import DURATION_EXAMPLES, DurationError, duration_seconds, duration_terms
    from skillwallet.errors import UsageError

    try:
        return duration_seconds(duration_terms(text, bare_unit=bare_unit))
    except DurationError as exc:
        if exc.problem == "ambiguous":
            raise UsageError(
                f"{option} {text!r} is ambiguous: m could mean minutes or months",
                f"write {exc.number}min for minutes or {exc.number}mo for months",
            ) from None
        if exc.problem == "unit":
            raise UsageError(f"cannot read the duration {text!r} for {option}: unknown unit {exc.unit!r}",
                             DURATION_EXAMPLES) from None
        raise UsageError(f"cannot read the duration {text!r} for {option}", DURATION_EXAMPLES) from None


AS_OF_YEARS = (1000, 8999)  # what --as-of accepts: far enough from 1 and 9999 for any date arithmetic


@dataclass
class CliState:
    debug: bool = False
    passphrase_file: Optional[Path] = None
    # `warning:` lines this command printed (cli.session.warn); --json output carries them as `warnings`
    warnings: list[str] = field(default_factory=list)


def cli_state() -> CliState:
    """The global options of the running command (a default state outside a command)."""
    from typer._click.globals import get_current_context  # typer 0.29 vendors click; no public accessor

    ctx = get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, CliState):
            return ctx.obj
        ctx = ctx.parent
    return CliState()


# --- text from credentials, documents and file names, made safe to print --------------------------------------
#
# Whoever wrote a credential, a document or a file name chose every character of it. Printed raw, an ESC starts a
# terminal escape sequence (clear the screen, move the cursor up and rewrite lines, set the window title), a
# newline forges a line of our own output (an "added 1, ..." summary), a bidi override (U+202E) reorders what
# follows. So every string printed here, on a terminal or not, passes through safe_text(): control characters
# (C0, DEL, C1), format characters (Unicode Cf: bidi embeddings, overrides and isolates, zero-width characters),
# line and paragraph separators and lone surrogates (undecodable file names) are shown escaped, as \x1b, \n,
# \u202e. This is the one place: every command prints through info(), print_error(), render_table() or the
# consoles below (tables, trees, progress bars, spinners), so no command has to remember it.

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(char: str) -> str:
    code = ord(char)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def safe_text(value: Any) -> str:
    """``value`` as one line that prints exactly as written: control and invisible format characters escaped."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case, in C: no control, format, separator or surrogate character at all
        return text
    return "".join(_escape_char(c) if _unsafe(c) else c for c in text)


def _safe_segment_text(text: str) -> str:
    """The text of one rendered segment: as :func:`safe_text`, but rich's own line breaks stay."""
    if text.isprintable() or text == "\n":
        return text
    return "\n".join(safe_text(part) for part in text.split("\n"))


def print_error(message: str, hints: Iterable[str] = ()) -> None:
    """One ``error:`` line plus optional ``hint:`` lines, on stderr (each made safe: it may quote an input)."""
    sys.stderr.write(f"error: {safe_text(message)}\n")
    for hint in hints:
        sys.stderr.write(f"hint: {safe_text(hint)}\n")
    sys.stderr.flush()


def info(message: str) -> None:
    """A diagnostic line on stderr (never stdout: stdout is for data); one line, whatever ``message`` quotes."""
    sys.stderr.write(safe_text(message) + "\n")
    sys.stderr.flush()


def emit_json(kind: str, payload: dict[str, Any]) -> None:
    """Print one JSON object on stdout with a versioned shape: ``{"schema": "skillwallet/<kind>", "version": 1, ...}``."""
    import json  # not at start-up: --help and table output never need it

    document = {"schema": f"skillwallet/{kind}", "version": JSON_SCHEMA_VERSION}
    document.update(payload)
    # The `warning:` lines printed on stderr travel with the data: an optional `warnings` list of strings, added
    # to every version-1 shape (additive, so the version stays). Where a shape has its own `warnings` member:
    # status's list of strings already holds them; stack --goal's list of objects gains {"kind": "wallet",
    # "message": ...} items; doctor's count is left alone (doctor lists the same finding among its checks).
    warnings = cli_state().warnings
    if warnings:
        own = document.get("warnings")
        if "warnings" not in document:
            document["warnings"] = list(warnings)
        elif isinstance(own, list):
            document["warnings"] = own + [
                {"kind": "wallet", "message": message} for message in warnings if message not in own
            ]
    # Indented for people on a terminal; compact (and C-encoded, much faster for 10,000 credentials) in pipes.
    indent = 2 if is_terminal(sys.stdout) else None
    sys.stdout.write(_json_escape_unsafe(json.dumps(document, indent=indent, ensure_ascii=False, default=str)) + "\n")
    sys.stdout.flush()


def _json_escape_unsafe(text: str) -> str:
    """JSON text with DEL, C1, format characters, separators and lone surrogates written as \\u escapes.

    json.dumps escapes only C0 controls; the others would reach a terminal raw (an 8-bit CSI, a bidi override).
    They can only occur inside JSON strings, where a \\u escape denotes the very same character: the data stays
    exact for every JSON parser.
    """
    import re

    def escape(match: "re.Match[str]") -> str:
        char = match.group()
        if char != "\x7f" and not _unsafe(char):
            return char
        code = ord(char)
        if code > 0xFFFF:  # JSON escapes astral characters as a UTF-16 surrogate pair (RFC 8259 §7)
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    if (text.isascii() and "\x7f" not in text) or text.replace("\n", "").isprintable():  # in C: nothing to escape
        return text
    return re.sub("[^\x00-\x7e]", escape, text)


def color_enabled(stream=None) -> bool:
    """Whether ``stream`` (stdout by default) may get colour: a terminal, and NO_COLOR (no-color.org) not set."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    return is_terminal(stream)


def _safe_console_class():
    """rich's Console, printing text from inputs safely (see :func:`safe_text`) whatever a command hands it.

    Strings (printed, or as table cells, tree labels, markup) are made safe before markup is read: issuers' text
    is escaped for markup by the commands, and an ESC, newline or bidi override in it is shown escaped here. Text
    objects skip that step, so the rendered segments are checked once more before they are written: whatever
    reaches the terminal carries no control character but rich's own line breaks and styles.
    """
    from rich.console import Console

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any):
            return super().render_str(safe_text(text), **kwargs)

        def _render_buffer(self, buffer):
            from rich.segment import Segment

            return super()._render_buffer(
                segment if segment.control else Segment(_safe_segment_text(segment.text), segment.style)
                for segment in buffer
            )

    return SafeConsole


def stdout_console():
    """A rich Console for tables and trees on stdout: plain when not a terminal, NO_COLOR honoured."""
    Console = _safe_console_class()

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


def word_overflow() -> Optional[str]:
    """How printed text treats a word longer than its line: on a terminal it is cut with "…" (the line fits and no
    word is split); piped, the console's own way (None): lines are not wrapped at all, every character kept."""
    return "ellipsis" if is_terminal(sys.stdout) else None


def stderr_console():
    Console = _safe_console_class()

    colour = color_enabled(sys.stderr)
    return Console(
        file=sys.stderr, no_color=not colour, color_system="auto" if colour else None, highlight=False, emoji=False
    )


def progress(total: int | None, description: str):
    """A progress bar on stderr, shown only on a terminal (a no-op context otherwise)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    class SafeProgress(Progress):
        """Task descriptions may name an input: shown as text (no markup), made safe."""

        def add_task(self, description: str, *args: Any, **kwargs: Any):
            return super().add_task(safe_text(description), *args, **kwargs)

        def update(self, task_id, *args: Any, description: Optional[str] = None, **kwargs: Any) -> None:
            if description is not None:
                description = safe_text(description)
            super().update(task_id, *args, description=description, **kwargs)

    console = stderr_console()
    return SafeProgress(
        TextColumn("{task.description}", markup=False),
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
    from rich.markup import escape

    return stderr_console().status(escape(safe_text(message)))


# --- tables -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A table column: its header, and how its cells line up, look and give way on a terminal.

    Piped, every column is printed whole (tab-separated). On a terminal a table whose columns say how they may
    give way (``shorten``, ``drop``, ``prefix``) is laid out to fit the terminal's width, like ``git log
    --oneline``: ids cut to a prefix that still resolves, free text ellipsised, low-value columns left out; a word,
    an id, a verdict or a URL is never split across lines. Wide terminals get full titles and every column.
    """

    header: str
    justify: str = "left"  # "left" or "right" (amounts, counts)
    style: Optional[str] = None  # a rich style for every cell of the column (e.g. "bold" for field names)
    whole: bool = False  # never folded on a terminal (wallet ids are copied and pasted); other columns give way
    # free text (titles, names): "end" cuts a cell too long with "…" at its end, "start" at its start (paths,
    # where the file name matters most); words are never split
    shorten: str = ""
    wrap: bool = False  # with shorten: wrap onto more lines at spaces instead of one line a row
    min_width: int = 12  # with shorten: the narrowest the column gets before optional columns are left out
    ratio: int = 1  # with shorten: its share of the room left over
    drop: int = 0  # optional column: when the terminal is too narrow the highest ``drop`` is left out first
    prefix: int = 0  # an id column: cells may be cut to this many characters (a prefix that still resolves)
    piped: bool = True  # False: shown on a terminal only (a summary of other columns), not in tab-separated output


@dataclass(frozen=True)
class Row:
    """A table row: its cells, and an optional rich style (colour) for the whole row on a terminal."""

    cells: Sequence[Any]
    style: Optional[str] = None


def tsv_cell(value: Any) -> str:
    """One cell for a tab-separated line: whitespace runs (tabs, newlines) become one space, so a row stays one line;
    any other control or format character is shown escaped (:func:`safe_text`)."""
    return safe_text(" ".join(str(value).split()))


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
    "did:key:z6Mk...", is never read as markup or emoji); a table whose columns say how they give way
    (:class:`Column`) is fitted to the terminal (:func:`fit_columns`), in others long cells fold.
    ``rows`` are cell sequences or :class:`Row` (cells plus a row style). ``show_header=False`` draws a
    borderless field/value listing on a terminal.
    """
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    rows = [r if isinstance(r, Row) else Row(tuple(r)) for r in rows]
    for row in rows:
        if len(row.cells) != len(columns):
            raise ValueError(f"a row has {len(row.cells)} cells for {len(columns)} columns")
    if not is_terminal(sys.stdout):
        keep = [i for i, c in enumerate(columns) if c.piped]
        lines = ["\t".join(tsv_cell(columns[i].header) for i in keep)]
        lines += ["\t".join(tsv_cell(row.cells[i]) for i in keep) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        return
    from rich.table import Table
    from rich.text import Text

    console = stdout_console()
    texts = [[safe_text(cell) for cell in row.cells] for row in rows]
    fitted = any(c.shorten or c.drop or c.prefix for c in columns)
    layout = fit_columns(columns, texts, console.width, boxed=show_header) if fitted else None
    if show_header:
        table = Table(title=Text(safe_text(title)) if title else None, title_justify="left", header_style="bold")
    else:
        table = Table(title=Text(safe_text(title)) if title else None, title_justify="left", show_header=False,
                      box=None, pad_edge=False)
    if layout is not None:
        shown = list(layout.items())
    else:  # a table that does not say how it gives way, or a terminal too narrow for any layout: cells fold
        shown = [(i, None) for i, c in enumerate(columns) if not (fitted and c.drop)]
    for index, width in shown:
        column = columns[index]
        if width is None:
            table.add_column(Text(safe_text(column.header)), justify=column.justify, style=column.style,
                             overflow="fold", no_wrap=column.whole)
        else:
            table.add_column(Text(safe_text(column.header)), justify=column.justify, style=column.style, width=width,
                             overflow="ellipsis" if column.shorten else "fold",
                             no_wrap=not (column.shorten and column.wrap))
    for row, cells in zip(rows, texts):
        # on a terminal a newline in a cell is shown as \n: a borderless field/value listing (`show`) must not get
        # a line an issuer wrote ("verdict  verified")
        shown_cells = []
        for index, width in shown:
            cell, column = cells[index], columns[index]
            if column.prefix and _cell_width(cell) > (width or column.prefix):
                cell = cell[: width or column.prefix]  # an id prefix: it still resolves (``show`` takes prefixes)
            elif width is not None and column.shorten == "start" and _cell_width(cell) > width:
                cell = "…" + cell[len(cell) - width + 1:]
            shown_cells.append(Text(cell))
        table.add_row(*shown_cells, style=row.style)
    console.print(table)


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def fit_columns(
    columns: Sequence[Union[str, Column]], texts: list[list[str]], width: int, *, boxed: bool = True
) -> Optional[dict[int, int]]:
    """The columns to show on a terminal ``width`` cells wide and the width of each: ``{index: width}`` in column
    order, or None when not even the required columns fit at their narrowest.

    Each column needs its header whole; a whole column (an id, a verdict, a date, a URL) every cell whole; an
    id column with ``prefix`` only that many characters; a shortened column ``min_width`` (or its widest cell,
    if less). Optional columns are left out, the highest ``drop`` first, until the rest fit; the room left goes
    to the shortened columns (by ``ratio``, up to their widest cell), then to the ids (up to whole ids).
    """
    columns = [c if isinstance(c, Column) else Column(c) for c in columns]
    natural = [max([_cell_width(c.header)] + [_cell_width(row[i]) for row in texts]) for i, c in enumerate(columns)]
    need = []
    for i, column in enumerate(columns):
        header = _cell_width(column.header)
        if column.shorten:
            need.append(min(natural[i], max(header, column.min_width)))
        elif column.prefix:
            need.append(min(natural[i], max(header, column.prefix)))
        else:
            need.append(natural[i])

    def overhead(count: int) -> int:
        # a boxed table: a rule before every column and after the last, one space of padding each side;
        # a borderless one (show_header=False): two spaces between columns
        return 3 * count + 1 if boxed else 2 * max(count - 1, 0)

    kept = list(range(len(columns)))
    # an optional column with nothing in it (no tags at all) goes first, then the highest ``drop``
    empty = {i for i in range(len(columns)) if all(row[i] in ("", "-") for row in texts)}
    optional = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: (i not in empty, -columns[i].drop, -i))
    while sum(need[i] for i in kept) + overhead(len(kept)) > width:
        if not optional:
            return None
        kept.remove(optional.pop(0))
    widths = {i: need[i] for i in kept}
    room = width - sum(widths.values()) - overhead(len(kept))
    growing = [i for i in kept if columns[i].shorten and widths[i] < natural[i]]
    while room > 0 and growing:
        total = sum(columns[i].ratio for i in growing)
        given = 0
        for i in growing:
            share = max(1, room * columns[i].ratio // total)
            step = min(share, natural[i] - widths[i], room - given)
            widths[i] += step
            given += step
        room -= given
        growing = [i for i in growing if widths[i] < natural[i]]
        if given == 0:
            break
    for i in kept:
        if columns[i].prefix and room > 0:
            step = min(room, natural[i] - widths[i])
            widths[i] += step
            room -= step
    return widths


def unique_prefix_length(ids: Iterable[str], minimum: int = 7) -> int:
    """The shortest length, at least ``minimum``, at which every id in ``ids`` has a prefix no other shares
    (how ``git log --oneline`` shortens commit ids): what a table may cut wallet ids to."""
    ids = sorted(set(ids))
    length = minimum
    for before, after in zip(ids, ids[1:]):
        common = 0
        while common < min(len(before), len(after)) and before[common] == after[common]:
            common += 1
        length = max(length, common + 1)
    return length
