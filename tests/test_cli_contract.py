"""The command line's contract with its user, through the real CLI: one error shape for every bad command line,
global options anywhere, one duration syntax, hints that say what to do."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skillwallet.cli.app import hoist_global_options, run
from skillwallet.errors import ExitCode

ROOT = Path(__file__).resolve().parent
OFFLINE_JWS = ROOT / "interop/fixtures/1edtech-ob2/signed-assertion.jws"  # its issuer profile is on the web


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def init_wallet(capsys) -> None:
    assert cli(capsys, "init")[0] == 0


BAD_COMMAND_LINES = [
    (["list", "--sort", "foo"], "title, issued"),
    (["export"], "--resume"),
    (["stack", "--next"], "--goal"),
    (["expiring", "--within", "3x"], "90d"),
    (["expiring", "--within", "6m"], "6mo"),
    (["unlock", "--for", "6m"], "6min"),
    (["lsit"], "skillwallet list"),
    (["verfy"], "skillwallet verify"),
    (["pathways", "shw"], "skillwallet pathways show"),
    (["list", "--sor", "title"], "--sort"),
    (["list", "--no-such-flag"], "skillwallet list -h"),
    (["show"], "skillwallet show -h"),
    (["stack", "--goal"], "--goal VALUE"),
    (["verify", "--all", "--as-of", "June"], "ISO 8601"),
    (["verify"], "--all"),
]


@pytest.mark.parametrize(("args", "hint"), BAD_COMMAND_LINES, ids=[" ".join(a) for a, _ in BAD_COMMAND_LINES])
def test_every_bad_command_line_is_one_error_line_a_hint_and_exit_2(capsys, args, hint):
    code, out, err = cli(capsys, *args)
    assert code == ExitCode.USAGE, err
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: ") and len([line for line in lines if line.startswith("error:")]) == 1
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), err
    assert any(line.startswith("hint: ") and hint in line for line in lines), err
    assert "Usage:" not in err and "Error:" not in err and "Try '" not in err


def test_parser_errors_through_a_real_process_carry_no_click_usage_block():
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "lsit"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: no command 'lsit' in skillwallet",
        "hint: did you mean 'skillwallet list'?",
        "hint: run 'skillwallet -h' for the list of commands",
    ]


def test_a_mistyped_command_quoting_an_escape_sequence_is_printed_safely(capsys):
    code, _, err = cli(capsys, "li\x1b[2Jst")
    assert code == ExitCode.USAGE
    assert "\x1b" not in err and "\\x1b[2J" in err


def test_bad_input_files_keep_exit_10(capsys, tmp_path, passphrase):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    init_wallet(capsys)
    code, _, err = cli(capsys, "add", str(bad))
    assert code == ExitCode.BAD_INPUT and err.startswith(("error: ", "rejected: "))


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_passphrase_file_is_accepted_after_the_command(capsys, tmp_path, form):
    secret = tmp_path / "pass.txt"
    secret.write_text("a long enough passphrase\n")
    assert cli(capsys, "--passphrase-file", str(secret), "init")[0] == 0
    args = ["--passphrase-file", str(secret)] if form == "separate" else [f"--passphrase-file={secret}"]
    code, out, err = cli(capsys, "list", *args, "--json")
    assert code == 0, err
    assert '"skillwallet/credentials"' in out
    secret.write_text("the wrong passphrase here\n")
    assert cli(capsys, "list", *args)[0] == ExitCode.BAD_PASSPHRASE


def test_global_options_move_before_the_command_but_not_past_a_double_dash():
    assert hoist_global_options(["list", "--passphrase-file", "f", "--json"]) == [
        "--passphrase-file", "f", "list", "--json",
    ]
    assert hoist_global_options(["note", "x", "--debug"]) == ["--debug", "note", "x"]
    assert hoist_global_options(["note", "x", "--", "--passphrase-file"]) == ["note", "x", "--", "--passphrase-file"]
    assert hoist_global_options(["--passphrase-file", "f", "list"]) == ["--passphrase-file", "f", "list"]


def test_unlock_for_minutes_is_written_min(capsys, passphrase):
    init_wallet(capsys)
    code, out, err = cli(capsys, "unlock", "--for", "15min", "--json")
    assert code == 0, err
    code, out, err = cli(capsys, "unlock", "--for", "25h")
    assert code == ExitCode.USAGE and "24h" in err


def test_expiring_within_months_is_written_mo(capsys, passphrase):
    init_wallet(capsys)
    code, out, err = cli(capsys, "expiring", "--within", "6mo", "--json")
    assert code == 0, err


def test_a_document_not_available_offline_is_reported_once_with_what_to_do(capsys):
    code, out, err = cli(capsys, "verify", "--offline", str(OFFLINE_JWS))
    assert code == ExitCode.NOT_VERIFIED
    url = "https://example.org/robotics-badge.json is needed but not available offline"
    assert err.count(url) == 1, err  # the reason, once: not again as a hint
    hints = [line for line in err.splitlines() if line.startswith("hint: ")]
    advice = [h for h in hints if "offline" in h]
    assert advice and "--online" in advice[0] and "--document URL=FILE" in advice[0] and "documents add" in advice[0]


def test_an_unreadable_file_is_named_once_per_line(capsys, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, out, err = cli(capsys, "verify", str(bad))
    assert code == ExitCode.NOT_VERIFIED
    assert all(line.count(str(bad)) <= 1 for line in err.splitlines()), err


def test_backup_takes_dash_o_like_export(capsys, passphrase, tmp_path):
    init_wallet(capsys)
    target = tmp_path / "wallet.bak"
    code, _, err = cli(capsys, "backup", "-o", str(target))
    assert code == 0, err
    assert target.stat().st_size > 0
    assert cli(capsys, "backup", "-o", str(target))[0] == ExitCode.EXISTS  # never overwritten silently
    assert cli(capsys, "backup", "-o", str(target), "--force")[0] == 0
    code, _, err = cli(capsys, "backup")
    assert code == ExitCode.USAGE and "-o FILE" in err


def test_init_refuses_a_short_passphrase_unless_asked(capsys, monkeypatch):
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "hunter2")
    code, _, err = cli(capsys, "init")
    assert code == ExitCode.USAGE and "shorter than 12 characters" in err and "--weak-passphrase" in err
    code, _, err = cli(capsys, "init", "--weak-passphrase")
    assert code == 0 and "warning: the passphrase is shorter than 12" in err


def test_init_ends_with_the_next_three_commands(capsys, passphrase):
    code, _, err = cli(capsys, "init")
    assert code == 0
    lines = err.splitlines()
    steps = lines[lines.index("next:") + 1:]
    assert [s.split()[:2] for s in steps] == [["skillwallet", "add"], ["skillwallet", "verify"], ["skillwallet", "stack"]]


# --- Ctrl-C: one line that says what was done, exit 130 ------------------------------------------------------------

TEMPLATE = json.loads((ROOT / "interop/fixtures/1edtech-ob3/basic-open-badge-credential.json").read_text())


def write_badges(folder: Path, count: int) -> None:
    folder.mkdir()
    for number in range(count):
        document = dict(TEMPLATE, id=f"http://example.com/credentials/{number}", name=f"Badge {number}")
        (folder / f"badge-{number:05d}.json").write_text(json.dumps(document))


def test_ctrl_c_during_add_of_a_folder_says_what_was_added_and_loses_nothing(tmp_path, passphrase, capsys):
    from skillwallet.paths import wallet_home

    init_wallet(capsys)
    folder = tmp_path / "badges"
    write_badges(folder, 4000)
    home = wallet_home()
    proc = subprocess.Popen([sys.executable, "-m", "skillwallet", "add", "--no-verify", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    wal = home / "wallet.sqlite-wal"
    while (not wal.exists() or wal.stat().st_size < 1_500_000) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # batches are committed (a batch writes ~0.5 MB): the import loop is running
    assert proc.poll() is None, "the import finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    (line,) = err.splitlines()
    match = re.fullmatch(r"interrupted: ([\d,]+) added, nothing lost; run the same command again to continue", line)
    assert match, line
    added = int(match.group(1).replace(",", ""))
    assert 0 < added < 4000
    code, out, err = cli(capsys, "list", "--json")
    assert json.loads(out)["total"] == added  # what it said it added is there
    code, out, err = cli(capsys, "add", "--no-verify", "--json", str(folder))  # and the same command continues
    summary = json.loads(out)["summary"]
    assert summary["present"] == added and summary["added"] == 4000 - added


def test_ctrl_c_during_verify_all_says_how_many_were_checked(capsys, passphrase, tmp_path, monkeypatch):
    import skillwallet.verify.verifier as verifier

    init_wallet(capsys)
    write_badges(tmp_path / "badges", 5)
    assert cli(capsys, "add", "--no-verify", str(tmp_path / "badges"))[0] == 0
    real, calls = verifier.verify_credential, []

    def interrupted_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(verifier, "verify_credential", interrupted_on_the_fourth)
    code, out, err = cli(capsys, "verify", "--all")
    assert code == 130
    assert err == "interrupted: 3 of 5 checked, nothing lost; run the same command again to check them all\n"


def test_ctrl_c_during_export_writes_nothing(capsys, passphrase, tmp_path, monkeypatch):
    from skillwallet.cli import export

    init_wallet(capsys)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, "_export_selection", interrupted)
    target = tmp_path / "renewals.ics"
    code, out, err = cli(capsys, "export", "--calendar", "-o", str(target))
    assert code == 130
    assert err == "interrupted: nothing written; run the same command again to export\n"
    assert not target.exists()


# --- export never overwrites silently; the extension and the format agree ----------------------------------------


def test_export_refuses_to_overwrite_without_force(capsys, passphrase, tmp_path):
    init_wallet(capsys)
    write_badges(tmp_path / "badges", 2)
    assert cli(capsys, "add", "--no-verify", str(tmp_path / "badges"))[0] == 0
    target = tmp_path / "resume.md"
    target.write_text("my own notes\n")
    code, out, err = cli(capsys, "export", "--resume", "-o", str(target))
    assert code == ExitCode.EXISTS
    assert err.startswith("error: ") and "hint: add --force" in err
    assert target.read_text() == "my own notes\n"
    assert cli(capsys, "profile", "set", "--name", "Zoe Example")[0] == 0
    code, out, err = cli(capsys, "export", "--resume", "-o", str(target), "--force")
    assert code == 0, err
    assert target.read_text() != "my own notes\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--calendar", "-o", "x.pdf"],
        ["--presentation", "-o", "vp.ics"],
        ["--json-resume", "-o", "resume.md"],
        ["--resume", "-o", "resume.json"],
        ["--resume", "-o", "resume.pdf", "--format", "md"],
        ["--qr", "abc", "-o", "badge.pdf"],
    ],
)
def test_export_checks_the_extension_against_the_format_asked_for(capsys, tmp_path, args):
    args = [str(tmp_path / a) if "." in a else a for a in args]
    code, out, err = cli(capsys, "export", *args)
    assert code == ExitCode.USAGE, err
    assert err.startswith("error: ") and "hint: " in err
    assert list(tmp_path.iterdir()) == [tmp_path / "home", tmp_path / "tmp"] or not any(
        p.suffix for p in tmp_path.iterdir()
    )


def test_ctrl_c_anywhere_else_is_one_line_and_exit_130(capsys, passphrase, monkeypatch):
    from skillwallet.cli import credentials

    init_wallet(capsys)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(credentials, "emit_json", interrupted)
    code, out, err = cli(capsys, "list", "--json")
    assert (code, err) == (130, "interrupted\n")


def test_verify_all_on_an_empty_wallet_says_there_is_nothing_to_verify(capsys, passphrase):
    init_wallet(capsys)
    code, out, err = cli(capsys, "verify", "--all")
    assert code == 0 and out == ""
    assert err.startswith("nothing to verify: the wallet holds no credentials yet")


# --- completion offers goal and pathway ids, from the shipped catalogue only ---------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("skillwallet stack --goal data-", ["data-analyst", "data-scientist"]),
        ("skillwallet pathways show cloud", ["cloud-engineer"]),
        ("skillwallet export --goal cyber", ["cybersecurity-analyst"]),
    ],
)
def test_completion_offers_pathway_ids_without_opening_the_wallet(capsys, monkeypatch, passphrase, words, expected):
    from skillwallet.cli import session

    import typer.core

    init_wallet(capsys)
    # answering a completion leaves option values unconverted in this process: undo that after the test
    monkeypatch.setattr(typer.core, "build_runtime_param", typer.core.build_runtime_param)
    monkeypatch.setattr(session, "open_wallet", lambda *a, **k: pytest.fail("completion opened the wallet"))
    monkeypatch.setattr(session, "get_passphrase", lambda *a, **k: pytest.fail("completion asked for the passphrase"))
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - 1))
    assert run([]) == 0
    replies = capsys.readouterr().out.split()
    assert sorted(replies) == expected


# --- help texts name what to type, never a type -------------------------------------------------------------------


def test_no_help_text_shows_a_type_name_or_a_range_note(capsys):
    from skillwallet.cli import completion_gen

    paths = [path for path, _help, _group in completion_gen.iter_commands()]
    assert "list" in paths and "pathways show" in paths
    for path in ["", *paths]:
        code, out, err = cli(capsys, *path.split(), "--help")
        assert code == 0, path
        for marker in ("<str>", "<list[", "range>", "<path>", "<int>", "<float>", "x>=", "x<="):
            assert marker not in out, (path, marker)


def test_the_command_list_shows_whole_first_sentences(capsys):
    code, out, err = cli(capsys, "--help")
    commands = out.split("Commands:\n", 1)[1]
    entries = re.split(r"\n  (?=\S)", "\n" + commands.rstrip())[1:]  # one entry per command, its lines joined
    assert len(entries) > 20
    for entry in entries:
        text = " ".join(entry.split())
        assert not text.endswith("..."), text
        assert text.endswith((".", ")")), text


# --- start-up: `skillwallet --help` without typer -----------------------------------------------------------------


def test_prerendered_root_help_is_what_the_app_prints(monkeypatch, capsys):
    from skillwallet.cli import completion_gen, root_help

    assert root_help.TEXT == completion_gen.render_root_help()  # regenerate: completion_gen completions
    for columns in ("80", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        assert run(["--help"]) == 0
        assert capsys.readouterr().out == root_help.TEXT


PROBE = """
import sys
from skillwallet.cli import main
try:
    main(["--help"])
except SystemExit as exc:
    assert exc.code == 0
sys.stderr.write(" ".join(sorted(m for m in ("typer", "skillwallet.cli.app", "rich") if m in sys.modules)))
"""


@pytest.mark.parametrize(("columns", "loads_typer"), [("80", False), ("132", False), ("60", True)])
def test_root_help_starts_without_typer_when_the_terminal_is_wide_enough(columns, loads_typer):
    from skillwallet.cli import root_help

    env = dict(__import__("os").environ, COLUMNS=columns)
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert ("typer" in proc.stderr.split()) is loads_typer
    assert (proc.stdout == root_help.TEXT) is not loads_typer  # narrower: the app wraps it to fit


# --- readable records ---------------------------------------------------------------------------------------------


def test_show_prints_a_readable_record_and_expiring_names_the_year(capsys, passphrase, tmp_path):
    init_wallet(capsys)
    document = dict(TEMPLATE, id="http://example.com/credentials/old", name="Old Badge", validUntil="2009-06-30T00:00:00Z")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document))
    code, out, err = cli(capsys, "add", "--no-verify", "--json", str(path))
    wallet_id = json.loads(out)["results"][0]["id"]
    code, out, err = cli(capsys, "show", wallet_id)
    assert code == 0, err
    assert "False" not in out and "self attested" not in out  # a false flag is not a field worth a line
    values = [line.split("\t", 1)[1] for line in out.splitlines()[1:]]
    assert not any(v.startswith(("[", "{")) for v in values), out  # no raw JSON lists or objects
    code, out, err = cli(capsys, "expiring", "--as-of", "2026-01-01", "--within", "1d")
    assert code == 0, err
    assert "expired in 2009" in out and "days ago" not in out


# --- one condition, one exit code --------------------------------------------------------------------------

MISSING_FOLDER_OUTPUTS = [
    ["backup", "-o", "{missing}/wallet-backup.bin"],
    ["export", "--json-resume", "-o", "{missing}/resume.json"],
    ["export", "--calendar", "-o", "{missing}/renewals.ics"],
    ["verify", "{credential}", "--report", "{missing}/report.html"],
]


@pytest.mark.parametrize("args", MISSING_FOLDER_OUTPUTS, ids=[a[0] + " " + a[1] for a in MISSING_FOLDER_OUTPUTS])
def test_an_output_file_in_a_missing_folder_is_exit_12_everywhere_before_any_work(args, capsys, passphrase, tmp_path):
    """A file that could not be written is exit 12 (README "Exit codes"), whichever command was to write it:
    `backup -o` said 10, `export -o` on an empty wallet said 18, and `verify --report` verified everything,
    printed its table, then said 12. Each now refuses before opening the wallet or checking anything."""
    from importlib import resources

    init_wallet(capsys)
    missing = tmp_path / "missing" / "dir"
    with resources.as_file(resources.files("skillwallet") / "data" / "samples" / "python-fundamentals.json") as sample:
        line = [a.format(missing=missing, credential=sample) for a in args]
        code, out, err = cli(capsys, *line)
    assert code == ExitCode.IO, err
    assert out == ""
    assert err.splitlines() == [f"error: cannot write {missing / Path(line[-1]).name}: the folder {missing} does not exist",
                                "hint: create the folder first or pick another path"]
    assert not (tmp_path / "missing").exists()


WALLET_PASSPHRASE = "correct horse battery staple"
#: (command line, whether a wallet exists, the environment's passphrase): each needs a passphrase it cannot ask for
NEEDS_A_PASSPHRASE = [
    (["init"], False, None),
    (["list"], True, None),
    (["unlock"], True, None),
    (["backup", "-o", "wallet-backup.bin"], True, None),
    (["passwd"], True, WALLET_PASSPHRASE),  # the wallet opens; the new passphrase has no terminal to be typed on
]


@pytest.mark.parametrize(("args", "wallet", "env_passphrase"), NEEDS_A_PASSPHRASE, ids=[a[0] for a, _, _ in NEEDS_A_PASSPHRASE])
def test_a_passphrase_with_no_terminal_to_ask_it_on_is_exit_9_for_every_command(args, wallet, env_passphrase, tmp_path):
    """`init` with stdin not a terminal said 10 ("an input file is unreadable"), `list` on a locked wallet 9: the
    one condition "no passphrase given and none can be asked for" is exit 9 (LOCKED) whichever command met it."""
    import os

    env = dict(os.environ)
    if wallet:
        made = subprocess.run([sys.executable, "-m", "skillwallet", "init"], env={**env, "SKILLWALLET_PASSPHRASE": WALLET_PASSPHRASE},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
    env.pop("SKILLWALLET_PASSPHRASE", None)
    if env_passphrase is not None:
        env["SKILLWALLET_PASSPHRASE"] = env_passphrase
    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([sys.executable, "-m", "skillwallet", *args], env=env, cwd=work, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == ExitCode.LOCKED, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("error: ") and "passphrase given" in lines[0], proc.stderr
    assert all(line.startswith("hint: ") for line in lines[1:]) and len(lines) >= 2, proc.stderr
    assert "SKILLWALLET_" in proc.stderr  # the hint names the variable that would have given it
    assert list(work.iterdir()) == []  # no backup, nothing written where the command ran
    if not wallet:
        from skillwallet.store import wallet_path

        assert not wallet_path(Path(os.environ["SKILLWALLET_HOME"])).exists()


@pytest.mark.parametrize("wallet_in_place", [False, True], ids=["no-wallet", "force-over-a-wallet"])
def test_restore_with_no_terminal_asks_for_the_backups_passphrase(wallet_in_place, tmp_path):
    """`restore FILE` with no terminal said "the wallet is locked" and hinted at `skillwallet unlock`, though
    the passphrase it needs is the backup's (docs/store.md, "Backup file") and there may be no wallet at all:
    it now names the backup and the two ways to give its passphrase (`restore --help`, README), still exit 9.
    `backup`, which does need the wallet's passphrase, keeps saying the wallet is locked."""
    import os

    env = dict(os.environ)
    env.pop("SKILLWALLET_PASSPHRASE", None)
    with_passphrase = {**env, "SKILLWALLET_PASSPHRASE": WALLET_PASSPHRASE}
    work = tmp_path / "work"
    work.mkdir()
    backup = tmp_path / "wallet-backup.bin"

    def skillwallet(*args: str, env: dict) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "skillwallet", *args], env=env, cwd=work,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)

    assert skillwallet("init", env=with_passphrase).returncode == 0
    made = skillwallet("backup", "-o", str(backup), env=with_passphrase)
    assert made.returncode == 0, made.stderr

    # backup needs the wallet's own passphrase: its wording stays
    locked = skillwallet("backup", "-o", str(tmp_path / "second.bin"), env=env)
    assert locked.returncode == ExitCode.LOCKED, locked.stderr
    wording = "error: the wallet is locked: no passphrase given and no unlocked session"
    assert locked.stderr.splitlines()[0] == wording
    assert not (tmp_path / "second.bin").exists()

    home = Path(env["SKILLWALLET_HOME"])
    if wallet_in_place:
        args, before = ["restore", str(backup), "--force"], sorted(p.name for p in home.iterdir())
    else:
        home = tmp_path / "elsewhere"  # a machine with no wallet yet, the usual place for a restore
        env = {**env, "SKILLWALLET_HOME": str(home)}
        args, before = ["restore", str(backup)], None
    proc = skillwallet(*args, env=env)
    assert proc.returncode == ExitCode.LOCKED, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: no passphrase given for the backup {backup} and no terminal to ask for it",
        "hint: give the passphrase the wallet had when the backup was made: set SKILLWALLET_PASSPHRASE "
        "or pass --passphrase-file FILE",
    ]
    assert "locked" not in proc.stderr and "unlock" not in proc.stderr
    assert proc.stdout == ""
    assert list(work.iterdir()) == []
    after = sorted(p.name for p in home.iterdir()) if home.exists() else None
    assert after == before  # nothing restored, nothing kept aside

    # given the way the hint names, the same restore goes through
    given = skillwallet(*args, env={**env, "SKILLWALLET_PASSPHRASE": WALLET_PASSPHRASE})
    assert given.returncode == 0, given.stderr
    assert "restored 0 credentials" in given.stderr


# --- Ctrl-C at a prompt, on a real terminal ------------------------------------------------------------------

INTERRUPTED_PROMPTS = [(["init"], False, b"New wallet passphrase: "), (["list"], True, b"Wallet passphrase: ")]


@pytest.mark.parametrize(("args", "wallet", "prompt"), INTERRUPTED_PROMPTS, ids=[a[0] for a, _, _ in INTERRUPTED_PROMPTS])
def test_ctrl_c_at_a_passphrase_prompt_on_a_terminal_is_one_interrupted_line_and_exit_130(args, wallet, prompt):
    """Ctrl-C is the user stopping the command, not an error (README "Exit codes"): like git and cargo, which end
    with 130 and no error message, skillwallet ends with 130 and one `interrupted` line, never an `error:` line
    and never a traceback; nothing is written."""
    import os

    import pty_runner
    from skillwallet.store import wallet_path

    env = dict(os.environ)
    if wallet:
        made = subprocess.run([sys.executable, "-m", "skillwallet", "init"], env={**env, "SKILLWALLET_PASSPHRASE": WALLET_PASSPHRASE},
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
    env.pop("SKILLWALLET_PASSPHRASE", None)
    code, received = pty_runner.interrupt_at_prompt(args, env, prompt=prompt, timeout=60)
    text = received.decode()
    assert code == ExitCode.INTERRUPTED, text
    assert text.replace("\r\n", "\n") == prompt.decode() + "\ninterrupted\n"
    assert wallet_path(Path(os.environ["SKILLWALLET_HOME"])).exists() == wallet


def test_ctrl_c_at_the_remove_confirmation_is_interrupted_not_cancelled(tmp_path):
    """The confirmation is click's prompt, which turns Ctrl-C into the same Abort as a declined answer: it said
    `error: cancelled` and exit 16 on the prompt's own line. Ctrl-C is Ctrl-C wherever it is typed: exit 130,
    one `interrupted` line on a line of its own, and the credential is still there."""
    import os
    from importlib import resources

    import pty_runner

    env = {**os.environ, "SKILLWALLET_PASSPHRASE": WALLET_PASSPHRASE}

    def sw(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "skillwallet", *args], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)

    assert sw("init").returncode == 0
    with resources.as_file(resources.files("skillwallet") / "data" / "samples" / "python-fundamentals.json") as sample:
        assert sw("add", str(sample)).returncode == 0
    (wallet_id,) = [c["id"] for c in json.loads(sw("list", "--json").stdout)["credentials"]]
    code, received = pty_runner.interrupt_at_prompt(["remove", wallet_id], env, prompt=b"[y/N]: ", timeout=60)
    text = received.decode().replace("\r\n", "\n")
    assert code == ExitCode.INTERRUPTED, text
    # the terminal itself echoes ^C (ECHOCTL) where a shell would show it too
    assert re.search(r"\[y/N\]: (\^C)?\ninterrupted\n\Z", text) and "error" not in text, text
    assert [c["id"] for c in json.loads(sw("list", "--json").stdout)["credentials"]] == [wallet_id]
