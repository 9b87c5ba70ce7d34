"""Every command that prints a table prints tab-separated lines when piped: a header, then one line per row.

The commands run as real processes with stdout on a pipe (the way `| cut`, `| awk` and `> file` see them), on a real
wallet holding credentials, a kept document, a profile, tags and a note with tabs and newlines in it.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from skillwallet import paths
from skillwallet.model import Credential, Issuer, Skill
from skillwallet.store import Wallet

TIMEOUT = 60
# Box drawing (U+2500..U+257F) and the rich table edges rich draws with ASCII boxes.
BOX_DRAWING = {chr(code) for code in range(0x2500, 0x2580)}


def piped(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillwallet", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )


@pytest.fixture
def filled_wallet(passphrase, tmp_path) -> str:
    """A wallet with two credentials (one expiring, with skills), a tag, a multi-line note, a document, a profile."""
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        first = wallet.add_credential(
            Credential(
                format="ob3",
                original=b'{"name": "First Aid"}',
                credential_id="urn:example:first-aid",
                title="First Aid\twith a tab",
                issuer=Issuer(id="https://issuer.example/", name="Example Institute"),
                issued=datetime(2024, 1, 1, tzinfo=timezone.utc),
                expires=datetime(2026, 1, 20, tzinfo=timezone.utc),
                renewal="https://issuer.example/renew",
                skills=[Skill(name="First aid"), Skill(name="Python")],
            )
        )[0]
        wallet.add_credential(
            Credential(
                format="ob3",
                original=b'{"name": "Data Analytics"}',
                credential_id="urn:example:data",
                title="Data [Analytics] :key:",
                issuer=Issuer(id="did:key:z6MkExample", name="Data School"),
                issued=datetime(2025, 3, 1, tzinfo=timezone.utc),
                skills=[Skill(name="SQL")],
            )
        )
        wallet.set_tags(first, ["health", "work"])
        wallet.set_note(first, "line one\nline two\twith a tab")
    finally:
        wallet.close()
    document = tmp_path / "did.json"
    document.write_text(json.dumps({"id": "did:web:issuer.example"}), encoding="utf-8")
    for args in (
        ("documents", "add", "https://issuer.example/did.json", str(document)),
        ("profile", "set", "--name", "Ada Example", "--link", "https://example.org/ada",
         "--link", "https://github.com/ada", "--summary", "Two\nlines"),
    ):
        result = piped(*args)
        assert result.returncode == 0, result.stderr
    return first


TABLE_COMMANDS = [
    (["list"], 3),
    (["status"], 9),  # ... permissions, rollback record
    (["config", "show"], 5),
    (["expiring", "--as-of", "2026-01-01"], 2),
    (["doctor"], None),
    (["documents", "list"], 2),
    (["profile", "show"], 8),
    (["skills"], None),
    (["pathways", "list"], None),
    (["offerings", "list"], None),
    (["stack", "--as-of", "2026-01-01"], None),
    (["verify", "--all", "--offline"], 3),
    (["add", "--self", "project", "--title", "Home lab", "--skill", "Networking"], 2),
]


@pytest.mark.parametrize(("args", "lines"), TABLE_COMMANDS, ids=[" ".join(a[:2]) for a, _ in TABLE_COMMANDS])
def test_piped_table_is_tab_separated_lines(filled_wallet, args, lines):
    result = piped(*args)
    assert result.returncode in (0, 13), result.stderr  # verify: 13 when a credential is not verified
    output = result.stdout
    assert output.endswith("\n") and "\x1b" not in output
    assert not BOX_DRAWING & set(output), output
    header, *rows = output.splitlines()
    fields = header.split("\t")
    assert len(fields) >= 2 and all(field.strip() == field and field for field in fields), header
    assert rows, output
    for row in rows:
        assert len(row.split("\t")) == len(fields), f"{row!r} does not match the header {header!r}"
    if lines is not None:
        assert len(rows) + 1 == lines, output


def test_piped_rows_carry_whole_cells(filled_wallet):
    """Tabs and newlines inside a value become spaces; nothing is folded, cut or read as markup or emoji."""
    listing = piped("list").stdout.splitlines()
    assert listing[0].split("\t") == ["id", "title", "issuer", "issued", "expires", "format", "verdict", "tags"]
    rows = {cells[0]: cells for cells in (line.split("\t") for line in listing[1:])}
    first = rows[filled_wallet]
    assert first[1:5] == ["First Aid with a tab", "Example Institute", "2024-01-01", "2026-01-20"]
    assert first[7] == "health, work"
    assert any(cells[1] == "Data [Analytics] :key:" for cells in rows.values())

    shown = dict(line.split("\t") for line in piped("show", filled_wallet).stdout.splitlines())
    assert shown["note"] == "line one line two with a tab" and shown["id"] == filled_wallet

    ranking = [line.split("\t") for line in piped("stack", "--as-of", "2026-01-01").stdout.splitlines()]
    assert ranking[0] == ["#", "goal", "name", "status", "progress", "missing"]
    assert not any(cells[5].endswith("...") for cells in ranking[1:])  # shortened only on a terminal
    assert max(len(cells[5]) for cells in ranking[1:]) > 60

    profile = dict(line.split("\t") for line in piped("profile", "show").stdout.splitlines())
    assert profile["links"] == "https://example.org/ada https://github.com/ada"
    assert profile["summary"] == "Two lines" and profile["name"] == "Ada Example"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_table_folds_long_cells_and_keeps_every_character(monkeypatch):
    """On a narrow terminal a long cell folds onto more lines instead of being cut with an ellipsis."""
    from skillwallet.cli.common import Column, Row, render_table

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    long_value = "urn:uuid:" + "0123456789abcdef" * 4
    render_table(["id", Column("cost", justify="right")], [Row([long_value, "12.50"], "red")], title="Wide")
    text = terminal.getvalue()
    assert "Wide" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 40
    pieces = "".join(line.split("│")[1].strip() for line in text.splitlines() if line.count("│") == 3)
    assert long_value in pieces


def test_rows_must_match_the_columns():
    from skillwallet.cli.common import render_table

    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        render_table(["a", "b", "c"], [["x", "y"]])
