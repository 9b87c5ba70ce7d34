"""No attacker text reaches the terminal raw: every command shows what a credential, a document or a file name
says with its control and invisible format characters escaped, on a pseudo-terminal and piped.

The attacks: a title holding ESC[2J ESC[H (clear the screen) and an OSC 0 sequence (set the window title); an
issuer id and name with ESC[2K ESC[1A (erase the line, move up: rewrite earlier lines of `verify`); a bidi override
(U+202E) and a C1 CSI (U+009B); a file name with a newline that forges the `added ..., rejected ...` summary; rich
markup (`[bold red]x[/]`, `[link=...]`) that must print as written. `--json` stays exact JSON.
"""

from __future__ import annotations

import json

import pytest
from hostile_helpers import child_env, cli, init_wallet, issuer_key, ob3_document, on_pty, piped, signed


def safe_text(text: str) -> str:
    """How a hostile string must look when printed (the test's own statement of the rule, not the code's):
    C0, DEL and C1 controls as \\xNN (newline, tab, return as \\n, \\t, \\r), format characters such as U+202E as
    \\uNNNN."""
    import unicodedata

    short = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            out.append(short.get(char) or (f"\\x{ord(char):02x}" if ord(char) <= 0xFF else f"\\u{ord(char):04x}"))
        else:
            out.append(char)
    return "".join(out)

CLEAR = "\x1b[2J\x1b[H"
WINDOW_TITLE = "\x1b]0;owned\x07"
REWRITE = "\x1b[2K\x1b[1A"
RLO = "\u202e"
CSI_C1 = "\u009b"
MARKUP = "[bold red]x[/] [link=https://evil.example]click[/link]"
TITLE = f"SQL Analyst{CLEAR}{WINDOW_TITLE} {MARKUP} {RLO}gnp.exe{CSI_C1}31m"
ISSUER_NAME = f"Evil Institute{REWRITE}"
SKILL = f"SQL{CLEAR}"
FORGED = "added 1, already present 0, rejected 0"

# What must never be printed raw. On a terminal rich writes escape sequences of its own (colours, and "\x1b[2K" to
# redraw a progress bar), so there an attacker's sequence is recognised by what it follows or by kinds rich never
# writes; piped, no ESC may appear at all.
RAW_SEQUENCES = ["\x1b[2J", "\x1b[H", "\x1b]0;", "\x07", RLO, CSI_C1, "Analyst\x1b", "Institute\x1b", "evil\x1b",
                 "Forged\x1b", "Line one\x1b", "badge\x1b"]


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory):
    """A wallet holding two hostile credentials, added through the real `add`: one verified (its issuer's did:key
    signed it; the hostile text is in its title, issuer name and skill), one whose issuer id is hostile."""
    import os

    home = tmp_path_factory.mktemp("hostile")
    env = {
        "SKILLWALLET_HOME": str(home / "wallet"), "SKILLWALLET_CONFIG_DIR": str(home / "config"),
        "SKILLWALLET_STATE_DIR": str(home / "state"), "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "xconfig"),
        "XDG_STATE_HOME": str(home / "xstate"), "TMPDIR": str(home), "SKILLWALLET_KDF_PROFILE": "test",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        init_wallet()
        key, did, method = issuer_key()
        document = ob3_document(TITLE, issuer=did, issuer_name=ISSUER_NAME,
                                extra={"validUntil": "2026-02-01T00:00:00Z"})
        document["credentialSubject"]["achievement"]["description"] = f"Line one{CLEAR}\nverdict\tverified"
        document["credentialSubject"]["achievement"]["alignment"] = [
            {"type": ["Alignment"], "targetName": SKILL, "targetFramework": "ESCO",
             "targetUrl": "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"}
        ]
        (home / "hostile.json").write_text(json.dumps(signed(document, key, method)))
        other = ob3_document(f"Forged{CLEAR}", issuer=f"did:example:evil{REWRITE}", issuer_name=ISSUER_NAME,
                             ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000099")
        (home / "forged.json").write_text(json.dumps(signed(other, key, method)))
        result = piped("add", "--offline", str(home / "hostile.json"), str(home / "forged.json"),
                       env=child_env(**env))
        assert result.returncode == 0, result.stderr
        listing = piped("list", "--json", env=child_env(**env))
        ids = {c["title"]: c["id"] for c in json.loads(listing.stdout)["credentials"]}
        yield home, env, ids
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def commands(home, ids) -> list[tuple[list[str], str]]:
    """Every command that prints credential-derived text, with the escaped text it must show."""
    hostile, forged = ids[TITLE], ids[f"Forged{CLEAR}"]
    return [
        (["list"], safe_text(TITLE)),
        (["show", hostile], safe_text(TITLE)),
        (["show", forged], safe_text(f"did:example:evil{REWRITE}")),
        (["verify", "--offline", hostile, forged], safe_text(f"Forged{CLEAR}")),
        (["verify", "--offline", str(home / "forged.json")], safe_text(f"Forged{CLEAR}")),
        (["skills"], safe_text(TITLE)),
        (["expiring", "--as-of", "2026-01-15"], safe_text(TITLE)),
        (["stack", "--goal", "data-analyst", "--as-of", "2026-01-15"], safe_text(TITLE)),
        (["export", "--qr", hostile], safe_text(TITLE)),
    ]


def assert_safe(output: str, must_show: str | None, *, terminal: bool) -> None:
    for raw in RAW_SEQUENCES:
        assert raw not in output, (raw, output)
    if not terminal:
        assert "\x1b" not in output, output  # piped: no escape sequence at all
    if must_show is not None:
        assert must_show in output, (must_show, output)


@pytest.mark.parametrize("index", range(9))
def test_commands_show_hostile_text_escaped_when_piped(hostile_home, index):
    home, env, ids = hostile_home
    args, expected = commands(home, ids)[index]
    result = piped(*args, env=child_env(**env))
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode in (0, 13), err
    assert_safe(out, expected, terminal=False)
    assert_safe(err, None, terminal=False)
    if expected == safe_text(TITLE) and args[0] != "export":
        assert MARKUP in out  # rich markup printed as written


@pytest.mark.parametrize("index", range(9))
def test_commands_show_hostile_text_escaped_on_a_terminal(hostile_home, index):
    home, env, ids = hostile_home
    args, expected = commands(home, ids)[index]
    code, received = on_pty(*args, env=child_env(**env, TERM="xterm-256color", COLUMNS="1000", LINES="50"))
    text = received.decode("utf-8", errors="replace").replace("\r\n", "\n")
    assert code in (0, 13), text
    assert_safe(text, None, terminal=True)
    # a long cell may be folded on a terminal: compare without the line breaks and the table's border characters
    flat = "".join(ch for ch in text if ch not in "\n│┃|")
    assert expected in flat or expected in text, text
    code, received = on_pty(*args, stream="stderr", env=child_env(**env, TERM="xterm-256color", COLUMNS="1000"))
    assert_safe(received.decode("utf-8", errors="replace"), None, terminal=True)


def test_show_on_a_terminal_cannot_forge_a_field_line(hostile_home):
    """A description "...\\nverdict\\tverified" stays one field: the newline is shown as \\n."""
    home, env, ids = hostile_home
    code, received = on_pty("show", ids[TITLE], env=child_env(**env, TERM="xterm-256color", COLUMNS="1000"))
    text = received.decode("utf-8", errors="replace")
    assert "Line one\\x1b[2J\\x1b[H\\nverdict\\tverified" in text, text
    piped_out = piped("show", ids[TITLE], env=child_env(**env)).stdout.decode()
    assert not any(line.startswith("verdict\tverified") for line in piped_out.splitlines()[1:] if "Line one" in line)
    assert [line.split("\t")[0] for line in piped_out.splitlines()].count("verdict") == 1


def test_json_output_stays_exact(hostile_home):
    home, env, ids = hostile_home
    for args in (["list", "--json"], ["show", "--json", ids[TITLE]]):
        for terminal in (False, True):
            if terminal:
                _, received = on_pty(*args, env=child_env(**env, TERM="xterm-256color"))
                text = received.decode().replace("\r\n", "\n")
            else:
                text = piped(*args, env=child_env(**env)).stdout.decode()
            assert_safe(text, None, terminal=False)  # no raw ESC, bidi or C1: all \u escapes
            document = json.loads(text)
            titles = [c["title"] for c in document["credentials"]] if "credentials" in document else [
                document["credential"]["title"]]
            assert TITLE in titles  # the data itself is exact


def test_file_names_cannot_forge_the_add_summary(passphrase, capsys, tmp_path):
    init_wallet()
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / f"x\n{FORGED}\n{CLEAR}.json").write_text("not a credential")
    code, out, err = cli(capsys, "add", "--offline", str(folder))
    assert code == 10
    assert FORGED not in err.splitlines()
    assert "\x1b" not in err and f"x\\n{FORGED}\\n\\x1b[2J\\x1b[H.json" in err
    assert err.splitlines()[-1].startswith("error: ")
    # and piped, as a real process
    result = piped("add", "--offline", str(folder))
    lines = result.stderr.decode().splitlines()
    assert FORGED not in lines and not any("\x1b" in line for line in lines)


def test_add_report_messages_are_safe_on_a_terminal(passphrase, tmp_path):
    init_wallet()
    key, did, method = issuer_key()
    document = ob3_document(TITLE, issuer=did, issuer_name=ISSUER_NAME)
    path = tmp_path / f"badge{REWRITE}.json"
    path.write_text(json.dumps(signed(document, key, method)))
    code, received = on_pty("add", "--offline", str(path), env=child_env(TERM="xterm-256color", COLUMNS="1000"))
    assert code == 0
    assert_safe(received.decode(), safe_text(TITLE), terminal=True)
    code, received = on_pty("add", "--offline", str(path), stream="stderr", env=child_env(TERM="xterm-256color"))
    text = received.decode()
    assert_safe(text, "already present", terminal=True)
    assert safe_text(str(path)) in text


def test_documents_list_shows_a_hostile_url_escaped(passphrase, tmp_path):
    init_wallet()
    document = tmp_path / "list.json"
    document.write_text("{}")
    url = f"https://issuer.example/{CLEAR}{RLO}list"
    result = piped("documents", "add", url, str(document))
    assert result.returncode == 0, result.stderr
    for stream in ("stdout", "stderr"):
        code, received = on_pty("documents", "list", stream=stream, env=child_env(TERM="xterm-256color", COLUMNS="1000"))
        assert code == 0
        assert_safe(received.decode(), None, terminal=True)
    out = piped("documents", "list").stdout.decode()
    assert_safe(out, safe_text(f"{CLEAR}{RLO}"), terminal=False)


def test_errors_quoting_input_are_one_safe_line(passphrase, capsys):
    init_wallet()
    code, out, err = cli(capsys, "show", f"abc{CLEAR}\n{FORGED}")
    assert code in (10, 11)
    assert len(err.splitlines()) >= 1 and all(line.startswith(("error: ", "hint: ")) for line in err.splitlines())
    assert "\x1b" not in err and FORGED not in err.splitlines()
    code, out, err = cli(capsys, "add", f"--bogus{CLEAR}")
    assert code == 2 and "\x1b" not in err


def test_safe_text_escapes_controls_and_invisible_format_characters():
    from skillwallet.cli.common import safe_text

    assert safe_text("plain ünïcödé 漢字 [b]x[/b]") == "plain ünïcödé 漢字 [b]x[/b]"
    assert safe_text("a\x1b[2Jb\nc\td\re") == "a\\x1b[2Jb\\nc\\td\\re"
    assert safe_text("\x7f\x85\x9b") == "\\x7f\\x85\\x9b"
    assert safe_text("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") == (
        "\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069")
    assert safe_text("zero\u200bwidth\ufeff\u2028") == "zero\\u200bwidth\\ufeff\\u2028"
    assert safe_text("\udcff") == "\\udcff"  # an undecodable byte of a file name
    assert safe_text("\U000e0041") == "\\U000e0041"  # a tag character


class _Terminal:
    """A stream that says it is a terminal (rich then writes colours and redraws progress bars)."""

    def __init__(self) -> None:
        import io

        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        return self.buffer.write(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("not a real terminal")


def test_the_consoles_escape_text_objects_trees_and_progress_descriptions(monkeypatch):
    """Whatever a command hands the shared consoles (a Text, a tree label, a progress description, a spinner
    message): only rich's own escape sequences reach the terminal."""
    import sys

    from rich.text import Text
    from rich.tree import Tree

    from skillwallet.cli import common

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(sys, "stderr", terminal)
    console = common.stdout_console()
    console.print(Text(f"text {CLEAR}{RLO}"))
    tree = Tree(f"label {CLEAR}")
    tree.add(f"child\n{FORGED}")
    console.print(tree)
    console.print(f"markup escaped by the command: {WINDOW_TITLE}")
    with common.progress(2, "x") as bar:
        task = bar.add_task(f"Importing {CLEAR}", total=2)
        bar.update(task, description=f"Importing {REWRITE}", advance=1)
    with common.busy(f"Fetching {CLEAR} [red]x[/red]"):
        pass
    out = terminal.buffer.getvalue()
    for raw in ("\x1b[2J", "\x1b[H", "\x1b]0;", "\x07", RLO, "Importing \x1b"):
        assert raw not in out, (raw, out)
    assert "text \\x1b[2J\\x1b[H\\u202e" in out and "label \\x1b[2J" in out
    assert f"child\\n{FORGED}" in out and f"\n{FORGED}" not in out
    assert "command: \\x1b]0;owned\\x07" in out
