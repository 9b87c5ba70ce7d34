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


# --- on a terminal: every table fits its width, nothing is split, wide terminals use the room ----------------------
#
# The real CLI on a pseudo-terminal at 80, 100 and 200 columns, on a wallet holding the demo samples and credentials
# signed in the test (with a fresh did:key) that carry a long title, a title of one long word, a long issuer name,
# a long achievement URL and an issuer known only by its long DID; plus a pathway of the holder's own whose
# requirements name that URL. The output is parsed: every line at most the width, every verdict whole, every id
# shown a prefix that `show` resolves to the real id, every URL and DID whole on one line (or visibly cut with "…"
# on its one line), no title split across lines.

LONG_TITLE = ("Advanced Professional Certificate in Cloud-Native Distributed Systems Architecture and Site Reliability "
              "Engineering (Level 7)")
ONE_WORD_TITLE = "Supercalifragilisticexpialidociousnessandevenlongerunbreakablewordforthetitlecolumnwithoutspaces"
LONG_ISSUER = "The International Consortium for Continuing Professional Education in Computing and Information Sciences"
LONG_URL = "https://learning.consortium.example.org/achievements/sre-7"  # fits on a line at 80 columns
VERY_LONG_URL = ("https://learning.consortium-for-continuing-professional-education.example.org/achievements/"
                 "cloud-native/site-reliability-engineering/level-7")
PATHWAY_ID = "cloud-native-reliability-engineering-professional"
POWER_BI = "Microsoft Certified: Power BI Data Analyst Associate"
POWER_BI_URL = "https://learn.microsoft.example/credentials/certifications/power-bi-data-analyst-associate"
SECURITY_PLUS = "CompTIA Security+ ce Certification"
VERDICTS = {"verified", "self-asserted", "unsigned", "unverifiable", "invalid", "not-verified", "unchecked"}
WIDTHS = (80, 100, 200)


def _di_helpers():
    """tests/verify/fixtures/di/helpers.py (the shared Open Badges 3.0 builder and did:key), loaded by path."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent / "verify" / "fixtures" / "di" / "helpers.py"
    spec = importlib.util.spec_from_file_location("_tables_di_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LongWallet:
    def __init__(self, env: dict[str, str], folder):
        self.env = env
        self.folder = folder
        self.signed_file = folder / "long-title.json"
        self.resolved: set[str] = set()

    def piped(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, env=self.env, timeout=TIMEOUT)

    def on_terminal(self, width: int, *args: str) -> tuple[int, str]:
        import pty_runner

        env = dict(self.env, COLUMNS=str(width), LINES="60", TERM="xterm-256color", NO_COLOR="1")
        code, received = pty_runner.run_on_pty(list(args), env, stream="stdout", timeout=TIMEOUT)
        return code, received.decode("utf-8").replace("\r\n", "\n")


@pytest.fixture(scope="module")
def long_wallet(tmp_path_factory) -> LongWallet:
    import os
    from importlib import resources
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skillwallet.verify.data_integrity import sign_data_integrity

    folder = tmp_path_factory.mktemp("long")
    home = folder / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKILLWALLET_", "NO_COLOR", "COLUMNS"))}
    env.update(SKILLWALLET_HOME=str(home / "wallet"), SKILLWALLET_CONFIG_DIR=str(home / "config"),
               SKILLWALLET_STATE_DIR=str(home / "state"), HOME=str(home), SKILLWALLET_KDF_PROFILE="test",
               SKILLWALLET_PASSPHRASE="correct horse battery staple", XDG_CACHE_HOME=str(home / ".cache"))
    wallet = LongWallet(env, folder)
    assert wallet.piped("init").returncode == 0

    helpers = _di_helpers()
    key = Ed25519PrivateKey.generate()
    did, method = helpers.did_key_for(key)
    documents = {
        "long-title.json": helpers.ob3_credential(
            did, issuer={"id": did, "type": ["Profile"], "name": LONG_ISSUER}, id="urn:uuid:1a2b3c4d-5e6f-4711-8899-aabbccddee01",
            name=LONG_TITLE, validUntil="2031-01-01T00:00:00Z"),
        "one-word.json": helpers.ob3_credential(did, issuer=did, id="urn:uuid:1a2b3c4d-5e6f-4711-8899-aabbccddee02",
                                                name=ONE_WORD_TITLE),
        "long-url.json": helpers.ob3_credential(
            did, issuer={"id": did, "type": ["Profile"], "name": "Dept. of Computing"},
            id="urn:uuid:1a2b3c4d-5e6f-4711-8899-aabbccddee03", name="Site reliability engineering"),
        # certifications the built-in renewal routes renew: Microsoft's renewal assessment opens six months before
        # the expiry (a window `expiring` names), CompTIA's continuing education any time in the cycle
        "power-bi.json": helpers.ob3_credential(
            did, issuer={"id": did, "type": ["Profile"], "name": "Microsoft"},
            id="urn:uuid:1a2b3c4d-5e6f-4711-8899-aabbccddee04", name=POWER_BI, validUntil="2027-09-01T00:00:00Z"),
        "security-plus.json": helpers.ob3_credential(
            did, issuer={"id": did, "type": ["Profile"], "name": "CompTIA"},
            id="urn:uuid:1a2b3c4d-5e6f-4711-8899-aabbccddee05", name=SECURITY_PLUS,
            validUntil="2027-02-15T00:00:00Z"),
    }
    for name, url in (("long-title.json", LONG_URL), ("one-word.json", None), ("long-url.json", VERY_LONG_URL),
                      ("power-bi.json", POWER_BI_URL),
                      ("security-plus.json", "https://certification.example/security-plus")):
        achievement = documents[name]["credentialSubject"]["achievement"]
        achievement["name"] = documents[name]["name"]
        achievement["id"] = url or achievement["id"]
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(sign_data_integrity(document, key, method)), encoding="utf-8")

    with resources.as_file(resources.files("skillwallet") / "data" / "samples") as samples:
        samples = Path(samples)
        files = sorted(str(p) for p in samples.iterdir() if p.suffix in (".json", ".png"))
        result = wallet.piped("add", "--offline", *files, *(str(folder / name) for name in documents))
        assert result.returncode in (0, 17), result.stderr
        index = json.loads((samples / "documents" / "index.json").read_text(encoding="utf-8"))
        for url, name in index.items():
            assert wallet.piped("documents", "add", url, str(samples / "documents" / name)).returncode == 0
    assert wallet.piped("add", "--self", "project", "--title", ONE_WORD_TITLE + " again", "--evidence",
                        VERY_LONG_URL, "--skill", "Kubernetes").returncode == 0
    pathway = folder / "pathway.toml"
    pathway.write_text(f'''
id = "{PATHWAY_ID}"
name = "Cloud-native reliability engineering professional, with a name long enough to wrap"
root = "root"

[requirements.root]
type = "all"
label = "Everything a site reliability engineer needs before the first on-call rotation begins"
children = ["certificate", "word", "other"]

[requirements.certificate]
type = "credential"
achievement_id = "{LONG_URL}"

[requirements.word]
type = "credential"
name = "{ONE_WORD_TITLE}"

[requirements.other]
type = "credential"
achievement_id = "{VERY_LONG_URL}"
''', encoding="utf-8")
    assert wallet.piped("pathways", "add", str(pathway)).returncode == 0
    listing = json.loads(wallet.piped("list", "--json").stdout)["credentials"]
    wallet.ids = {item["id"] for item in listing}
    wallet.titles = {item["title"] for item in listing if item.get("title")}
    wallet.dids = {item["issuer_id"] for item in listing if (item.get("issuer_id") or "").startswith("did:key:")}
    assert did in wallet.dids
    wallet.pathway_ids = {p["id"] for p in json.loads(wallet.piped("pathways", "list", "--json").stdout)["pathways"]}
    return wallet


def table_rows(output: str, starts: str | None = None) -> list[tuple[list[str], list[list[str]]]]:
    """Every box-drawn table in ``output``: (headers, rows), a row being its cells with the lines of a wrapped
    cell joined by a space (a line whose first cell, or its ``starts`` cell, is empty continues the row above)."""
    tables = []
    for line in output.splitlines():
        if line.startswith("┃"):
            headers = [cell.strip() for cell in line.strip("┃").split("┃")]
            if tables and not tables[-1][1] and len(tables[-1][0]) == len(headers):  # a header on two lines
                raise AssertionError(f"a header is split across lines: {line!r}")
            tables.append((headers, []))
        elif line.startswith("│") and tables:
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            headers, rows = tables[-1]
            assert len(cells) == len(headers), line
            if cells[headers.index(starts) if starts in headers else 0] or not rows:
                rows.append(cells)
            else:
                rows[-1] = [f"{a} {b}".strip() if b else a for a, b in zip(rows[-1], cells)]
    return tables


def shortened_from(cell: str, values: set[str]) -> bool:
    """``cell`` is one of ``values`` whole, or the start of one cut with "…" (at its end or, for paths, its start)."""
    if cell in values:
        return True
    if cell.endswith("…"):
        return any(v.startswith(cell[:-1].rstrip()) for v in values)
    if cell.startswith("…"):
        return any(v.endswith(cell[1:]) for v in values)
    return False


def assert_fits(output: str, width: int, wallet: LongWallet) -> None:
    """What holds for every command's terminal output."""
    import re

    from rich.cells import cell_len

    lines = output.splitlines()
    assert lines, "no output"
    for line in lines:
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
    # URLs and DIDs: whole on their line, or cut with "…" on that one line; never continued on the next
    known = {LONG_URL, VERY_LONG_URL, *wallet.dids}
    for match in re.finditer(r"(?:https://learning\.|did:key:)[^\s│┃()'\"]*", output):
        token = match.group().rstrip(".,;")
        assert token in known or (token.endswith("…") and any(k.startswith(token[:-1]) for k in known)), token
    # a long word (a title of one word) is never split across lines: its end is only ever seen with its start
    for token in (ONE_WORD_TITLE, VERY_LONG_URL, LONG_URL, *wallet.dids):
        for line in lines:
            if token[-12:] in line:
                assert token in line, f"{token[:20]}... split: {line!r}"


def assert_ids_resolve(shown: set[str], wallet: LongWallet) -> None:
    for prefix in shown:
        matches = [i for i in wallet.ids if i.startswith(prefix)]
        assert len(matches) == 1, (prefix, matches)
        if prefix in wallet.resolved:  # the same short ids at every width: `show` each once
            continue
        wallet.resolved.add(prefix)
        result = wallet.piped("show", prefix)
        assert result.returncode == 0, result.stderr
        fields = dict(line.split("\t", 1) for line in result.stdout.splitlines())
        assert fields["id"] == matches[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_list_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "list")
    assert code == 0
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output)
    assert headers[:2] == ["id", "title"] and "verdict" in headers
    assert len(rows) == len(long_wallet.ids)
    states = {}
    for row in rows:
        cells = dict(zip(headers, row))
        # the verdict, then what keeps the credential from being in force: "verified, expired"
        verdict, *problems = cells["verdict"].split(", ")
        assert verdict in VERDICTS and set(problems) <= {"revoked", "suspended", "expired", "not yet valid"}, row
        assert shortened_from(cells["title"], long_wallet.titles), row
        states[cells["title"]] = cells["verdict"]
    assert_ids_resolve({dict(zip(headers, row))["id"] for row in rows}, long_wallet)
    # the sample "Linux Administration Essentials" expired on 2026-05-01: never shown as plain "verified"
    assert any(title.startswith("Linux") and state.endswith("expired") for title, state in states.items()), states
    titles = {dict(zip(headers, row))["title"] for row in rows}
    if width == 80:
        assert "format" not in headers and "…" in output  # narrow: columns left out, titles shortened
    if width == 200:
        # wide: every column, and the long titles whole
        assert headers == ["id", "title", "issuer", "issued", "expires", "format", "verdict"] or \
            headers == ["id", "title", "issuer", "issued", "expires", "format", "verdict", "tags"]
        assert LONG_TITLE[:64] in output and ONE_WORD_TITLE[:64] in output
        assert {"Python Fundamentals", "SQL for Data Science"} <= titles


@pytest.mark.parametrize("width", WIDTHS)
def test_verify_all_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "verify", "--all", "--offline")
    assert code == 13  # the samples include a revoked and an unverifiable credential
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output)
    assert headers[:3] == ["source", "title", "verdict"]
    assert len(rows) == len(long_wallet.ids)
    by_title = {}
    for row in rows:
        cells = dict(zip(headers, row))
        assert cells["verdict"] in VERDICTS, row
        assert shortened_from(cells["title"], long_wallet.titles), row
        by_title[cells["title"]] = cells
    assert_ids_resolve({row[0] for row in rows}, long_wallet)
    linux = next(cells for title, cells in by_title.items() if title.startswith("Linux"))
    if "status" in headers:
        assert linux["status"] == "revoked"
    else:  # narrow: the per-check columns give way to the problems that keep it from being in force
        assert linux["problems"] == "expired, revoked"
    if width == 80:
        assert "undefined_terms" not in headers
    if width == 200:
        assert "undefined_terms" in headers and "problems" not in headers


def test_verify_of_some_ids_shows_them_whole(long_wallet):
    """A prefix unique among two results need not be unique in the wallet: only --all shortens ids."""
    chosen = sorted(long_wallet.ids)[:2]
    code, output = long_wallet.on_terminal(80, "verify", "--offline", *chosen)
    assert_fits(output, 80, long_wallet)
    ((headers, rows),) = table_rows(output)
    assert sorted(row[0] for row in rows) == chosen


@pytest.mark.parametrize("width", WIDTHS)
def test_verify_one_file_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "verify", "--offline", str(long_wallet.signed_file))
    assert code == 0
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output)
    (row,) = rows
    cells = dict(zip(headers, row))
    assert cells["verdict"] == "verified"
    assert shortened_from(cells["source"], {str(long_wallet.signed_file)})
    assert shortened_from(cells["title"], {LONG_TITLE})
    if width == 200:  # every check has a column; the file name and the title share what is left
        assert "undefined_terms" in headers and len(cells["title"]) >= 30
        assert cells["source"].endswith("long-title.json")


@pytest.mark.parametrize("width", WIDTHS)
def test_stack_ranking_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "stack")
    assert code == 0
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output)
    assert "goal" in headers
    if width > 80:  # at 80 the longest goal id (50 characters) leaves no room for what is missing
        assert "missing" in headers
    for row in rows:
        cells = dict(zip(headers, row))
        assert cells["goal"] in long_wallet.pathway_ids, row  # a goal id is never cut or folded
        assert cells["status"] in {"met", "partial", "unmet", "expired"}
    assert {dict(zip(headers, row))["goal"] for row in rows} == long_wallet.pathway_ids
    if width == 200:
        assert "name" in headers


@pytest.mark.parametrize("width", WIDTHS)
def test_stack_tree_fits_the_terminal(long_wallet, width):
    import re

    code, output = long_wallet.on_terminal(width, "stack", "--goal", PATHWAY_ID)
    assert code == 0
    assert_fits(output, width, long_wallet)
    assert LONG_URL in output  # short enough for any of these widths: moved to a line of its own, never split
    if width == 200:
        assert VERY_LONG_URL in output
    for wallet_id in re.findall(r"\b[0-9a-f]{12}\b", output):
        assert wallet_id in long_wallet.ids


def test_piped_trees_keep_every_word_whatever_columns_says(long_wallet):
    """Piped (to grep, to a file), nothing is cut with "…" to the width a terminal would have (a $COLUMNS set
    in the environment still sets where a piped tree wraps, as it always has)."""
    for args in (["stack", "--goal", PATHWAY_ID], ["pathways", "show", PATHWAY_ID]):
        result = subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, env=dict(long_wallet.env, COLUMNS="80"), timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr
        assert "…" not in result.stdout
        assert LONG_URL in result.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_pathways_show_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "pathways", "show", PATHWAY_ID)
    assert code == 0
    assert_fits(output, width, long_wallet)
    assert LONG_URL in output
    if width == 200:
        assert VERY_LONG_URL in output and ONE_WORD_TITLE in output


@pytest.mark.parametrize("width", WIDTHS)
def test_stack_next_plan_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "stack", "--goal", "data-scientist", "--next", "--hours-per-week", "6")
    assert code == 0
    assert_fits(output, width, long_wallet)
    tables = table_rows(output)
    headers, rows = tables[-1]
    assert headers[0] == "step" and "cost" in headers and rows
    for row in rows:
        cells = dict(zip(headers, row))
        # amounts whole; a step you record yourself (provider "you") costs nothing to buy: "—"
        assert (cells["cost"].endswith(" USD") or cells["cost"] == "—") and cells["hours"].isdigit(), row
    if width == 200:
        assert headers == ["step", "provider", "cost", "hours", "fills"]
        assert not any("…" in cell for row in rows for cell in row)


@pytest.mark.parametrize("width", WIDTHS)
def test_pathways_list_fits_the_terminal(long_wallet, width):
    code, output = long_wallet.on_terminal(width, "pathways", "list")
    assert code == 0
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output)
    assert {row[0] for row in rows} == long_wallet.pathway_ids
    if width == 200:
        assert headers == ["id", "name", "occupation", "source"]


EXPIRING = ("expiring", "--as-of", "2026-12-01", "--within", "5y")
# what the holder acts on: on a terminal of any width these are shown, each cell whole (wrapped only at spaces)
EXPIRING_KEPT = ["title", "expires", "when", "renewal route", "renewal cost"]
EXPIRING_HEADERS = ["id", "title", "issuer", "expires", "when", "renewal route", "renewal cost", "renewal time", "renew"]


@pytest.mark.parametrize("width", WIDTHS)
def test_expiring_fits_the_terminal(long_wallet, width):
    """Long titles, a long issuer name, long renewal routes (CompTIA's CE, Microsoft's assessment and its window)
    and renewal links: the table fits, no word is split, and what the holder acts on is never cut."""
    import re

    piped_lines = [line.split("\t") for line in long_wallet.piped(*EXPIRING).stdout.splitlines()]
    assert piped_lines[0] == EXPIRING_HEADERS  # piped: every column, every cell whole
    whole = {cells[0]: dict(zip(EXPIRING_HEADERS, cells)) for cells in piped_lines[1:]}
    by_title = {cells["title"]: cells for cells in whole.values()}
    assert {LONG_TITLE, POWER_BI, SECURITY_PLUS} <= set(by_title)
    assert by_title[LONG_TITLE]["issuer"] == LONG_ISSUER
    assert by_title[POWER_BI]["renewal time"].endswith("; renewal opens 2027-03-01")
    assert by_title[SECURITY_PLUS]["renewal route"] == "CompTIA Security+ renewal: 50 CEUs and the CE fees"

    code, output = long_wallet.on_terminal(width, *EXPIRING)
    assert code == 0
    assert_fits(output, width, long_wallet)
    ((headers, rows),) = table_rows(output, starts="expires")  # a date: on a row's first line only
    assert [h for h in headers if h in EXPIRING_KEPT] == EXPIRING_KEPT
    assert len(rows) == len(whole)
    shown = [dict(zip(headers, row)) for row in rows]
    for cells in shown:
        full = by_title[cells["title"]]  # the title whole: its lines joined at the spaces they were wrapped at
        for header in EXPIRING_KEPT:
            assert cells[header] == full[header], (header, cells[header], full[header])
        if "renewal time" in cells:
            assert cells["renewal time"] == full["renewal time"]
        if "issuer" in cells:
            assert shortened_from(cells["issuer"], {full["issuer"]}), cells
        if "renew" in cells:  # a link: whole or cut with "…" on its one line, never continued on the next
            assert " " not in cells["renew"] and shortened_from(cells["renew"], {full["renew"]}), cells
    links = {cells["renew"] for cells in whole.values()}
    for match in re.finditer(r"https://[^\s│]*", output):
        assert shortened_from(match.group(), links), match.group()
    if "id" in headers:
        assert_ids_resolve({cells["id"] for cells in shown}, long_wallet)
    if width == 80:  # narrow: the link, the issuer, the renewal time and the id give way, in that order
        assert headers == EXPIRING_KEPT
    if width == 100:
        assert headers == ["id", *EXPIRING_KEPT]
    if width == 200:  # wide: every column; Microsoft's window is shown
        assert headers == EXPIRING_HEADERS
        assert next(c for c in shown if c["title"] == POWER_BI)["renewal time"].endswith("renewal opens 2027-03-01")
        assert next(c for c in shown if c["title"] == LONG_TITLE)["issuer"] == LONG_ISSUER


def test_short_ids_grow_until_they_resolve():
    from skillwallet.cli.common import unique_prefix_length

    assert unique_prefix_length(["0123456789ab", "fedcba987654"]) == 7
    assert unique_prefix_length(["0123456789ab", "0123456789ff", "1"]) == 11
    assert unique_prefix_length([]) == 7


def test_layout_leaves_out_optional_columns_before_splitting_anything():
    from skillwallet.cli.common import Column, fit_columns

    columns = [Column("id", whole=True, prefix=7), Column("title", shorten="end", min_width=10),
               Column("format", drop=2), Column("tags", shorten="end", drop=1), "verdict"]
    texts = [["0123456789ab", "A title that is long enough", "self-attested", "work, home", "self-asserted"]]
    wide = fit_columns(columns, texts, 200)
    assert wide == {0: 12, 1: 27, 2: 13, 3: 10, 4: 13}  # room for everything whole
    narrow = fit_columns(columns, texts, 50)
    assert 2 not in narrow and narrow[0] == 7 and narrow[4] == 13  # format left out; the verdict stays whole
    assert sum(narrow.values()) + 3 * len(narrow) + 1 <= 50
    assert fit_columns(columns, texts, 20) is None  # not even the required columns fit: the caller folds
