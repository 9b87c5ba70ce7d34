"""Mistakes a first-time user makes with file arguments: each gets one `error:` line that names the real problem
(a folder, a missing file) with a hint, before any passphrase is asked and with nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode


def _error_lines(err: str) -> list[str]:
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert lines and lines[0].startswith("error: "), err
    assert all(line.startswith("hint: ") for line in lines[1:]), err
    return lines


def test_verify_a_mistyped_file_says_no_such_file_even_without_a_wallet(tmp_path, capsys, monkeypatch):
    """An employer (no wallet) who mistypes the resume's name is told the file is missing, not to `init`."""
    monkeypatch.chdir(tmp_path)
    code = run(["verify", "resume.pf"])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.BAD_INPUT
    assert lines[0] == "error: no such file: resume.pf"
    assert "init" not in capsys.readouterr().err


def test_verify_a_folder_says_it_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "badges"
    folder.mkdir()
    code = run(["verify", str(folder)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.BAD_INPUT
    assert lines[0] == f"error: cannot verify {folder}: it is a folder"


def test_verify_a_hex_name_is_still_a_wallet_id(passphrase, capsys):
    assert run(["init"]) == 0
    capsys.readouterr()
    assert run(["verify", "abc123"]) == ExitCode.NOT_FOUND
    assert "no credential with id 'abc123'" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["--resume", "--json-resume", "--presentation", "--calendar"])
def test_export_to_a_folder_says_it_is_a_folder_not_add_force(kind, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    code = run(["export", kind, "-o", str(folder)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.IO
    assert lines[0] == f"error: cannot write {folder}: it is a folder"
    assert "--force" not in "\n".join(lines)
    assert list(folder.iterdir()) == []


def test_verify_report_to_a_folder_says_it_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "report.html"
    folder.mkdir()
    code = run(["verify", "--all", "--report", str(folder)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.IO
    assert lines[0] == f"error: cannot write {folder}: it is a folder"


def test_backup_to_a_folder_says_it_is_a_folder_before_the_passphrase(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "first passphrase")
    assert run(["init"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")  # would be "wallet is locked" if it were asked for first
    folder = tmp_path / "backups"
    folder.mkdir()
    capsys.readouterr()
    code = run(["backup", str(folder)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.IO
    assert lines[0] == f"error: cannot write {folder}: it is a folder"
    assert run(["backup", str(folder), "--force"]) == ExitCode.IO
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_restore_of_no_file_says_so_before_the_wallet_in_place(make, tmp_path, capsys, monkeypatch):
    """`restore nofile` over an existing wallet: the missing file is the problem (--force would not help), and it
    is said before the passphrase is asked."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "first passphrase")
    assert run(["init"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    source = tmp_path / "wallet-backup.bin"
    if make == "folder":
        source.mkdir()
    wallet_files = sorted(os.listdir(os.environ["SKILLWALLET_HOME"]))
    capsys.readouterr()
    code = run(["restore", str(source)])
    lines = _error_lines(capsys.readouterr().err)
    assert code == ExitCode.BAD_INPUT
    reason = "it is a folder" if make == "folder" else "no such file"
    assert lines[0] == f"error: cannot read the backup {source}: {reason}"
    assert sorted(os.listdir(os.environ["SKILLWALLET_HOME"])) == wallet_files


def test_restore_over_a_wallet_without_force_is_refused_before_the_passphrase(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "first passphrase")
    assert run(["init"]) == 0
    backup = tmp_path / "wallet-backup.bin"
    assert run(["backup", str(backup)]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    capsys.readouterr()
    assert run(["restore", str(backup)]) == ExitCode.EXISTS
    assert _error_lines(capsys.readouterr().err)[0].startswith("error: a wallet already exists at ")
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "first passphrase")
    assert run(["restore", str(backup), "--force"]) == 0
    assert any(Path(os.environ["SKILLWALLET_HOME"]).glob("wallet.sqlite.replaced-*"))


@pytest.mark.parametrize("source", ["env", "file", "env-and-file"])
def test_a_wrong_passphrase_not_typed_says_where_it_came_from(source, tmp_path, capsys, monkeypatch):
    """A stale SKILLWALLET_PASSPHRASE (it wins over --passphrase-file) is the usual cause: the hint names it."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    file = tmp_path / "pass.txt"
    file.write_text("the right one\n" if source == "env-and-file" else "a wrong one\n")
    args = ["list"]
    if source != "env":
        args = ["--passphrase-file", str(file), *args]
    if source != "file":
        monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "a stale one")
    capsys.readouterr()
    assert run(args) == ExitCode.BAD_PASSPHRASE
    lines = _error_lines(capsys.readouterr().err)
    assert lines[0] == "error: wrong passphrase, or the wallet's key was tampered with"
    expected = f"the passphrase file {file}" if source == "file" else "the environment variable SKILLWALLET_PASSPHRASE"
    assert lines[1:] == [f"hint: the passphrase was read from {expected}"]


@pytest.mark.parametrize("key, code, last", [(KeyboardInterrupt, ExitCode.INTERRUPTED, "interrupted"),
                                             (EOFError, ExitCode.CANCELLED, "error: no passphrase given")])
def test_ctrl_c_or_ctrl_d_at_the_passphrase_prompt_ends_its_line(key, code, last, capsys, monkeypatch):
    """getpass leaves the cursor after "Wallet passphrase: " when no line was entered: what follows starts a line
    of its own instead of reading "Wallet passphrase: interrupted"."""
    import getpass

    from skillwallet.cli import session

    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")

    def typed_nothing(prompt, stream=None):
        stream.write(prompt)  # as getpass does, with echo off
        raise key()

    monkeypatch.setattr(getpass, "getpass", typed_nothing)
    monkeypatch.setattr(session, "can_prompt", lambda: True)
    capsys.readouterr()
    assert run(["list"]) == code
    assert capsys.readouterr().err == f"Wallet passphrase: \n{last}\n"


@pytest.mark.parametrize("name", ["resume.txt", "resume.docx"])
def test_a_resume_named_for_another_format_is_refused_not_written_as_pdf(name, tmp_path, capsys, monkeypatch):
    """`--resume -o resume.txt` wrote a PDF under a .txt name; the help says the format comes from the extension."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    assert run(["profile", "set", "--name", "Ana Souza"]) == 0
    from importlib import resources

    with resources.as_file(resources.files("skillwallet") / "data" / "samples" / "python-fundamentals.json") as sample:
        assert run(["add", str(sample)]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert run(["export", "--resume", "-o", name]) == ExitCode.USAGE
    lines = _error_lines(capsys.readouterr().err)
    assert lines[0] == f"error: -o {name}: a resume is written as .pdf, .md or .html, not {Path(name).suffix}"
    assert not (tmp_path / name).exists()
    # --format keeps the name, as the hint says; a name without an extension stays a PDF
    assert run(["export", "--resume", "-o", name, "--format", "md"]) == 0
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("# Ana Souza")
    assert run(["export", "--resume", "-o", "resume"]) == 0
    assert (tmp_path / "resume").read_bytes().startswith(b"%PDF-")


def test_verify_of_a_presentation_names_each_credential_it_holds(tmp_path, capsys, monkeypatch):
    """An employer checking vp.json saw "-" for every credential's title; each row now names its credential."""
    import json
    from importlib import resources

    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    names = ["python-fundamentals.json", "sql-for-data-science.json"]
    with resources.as_file(resources.files("skillwallet") / "data" / "samples") as samples:
        assert run(["add", *(str(Path(samples) / name) for name in names)]) == 0
    vp = tmp_path / "vp.json"
    assert run(["export", "--presentation", "-o", str(vp), "--challenge", "8f3a"]) == 0
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    monkeypatch.setenv("SKILLWALLET_HOME", str(tmp_path / "employer"))  # the employer has no wallet
    capsys.readouterr()
    assert run(["verify", str(vp), "--challenge", "8f3a", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["kind"], r["title"], r["verdict"]) for r in results[:1]] == [("presentation", None, "verified")]
    assert sorted((r["kind"], r["title"], r["verdict"]) for r in results[1:]) == [
        ("credential", "Python Fundamentals", "verified"),
        ("credential", "SQL for Data Science", "verified"),
    ]


def test_init_over_a_wallet_hints_at_commands_that_exist(tmp_path, capsys, monkeypatch):
    """The hint said "restore over it with --force", which reads as `init --force`, an option init does not have."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    capsys.readouterr()
    assert run(["init"]) == ExitCode.EXISTS
    lines = _error_lines(capsys.readouterr().err)
    assert lines[1:] == ["hint: use it, or replace it from a backup: skillwallet restore FILE --force",
                         "hint: a second wallet needs a folder of its own: SKILLWALLET_HOME=FOLDER skillwallet init"]
    # what the second hint says works
    monkeypatch.setenv("SKILLWALLET_HOME", str(tmp_path / "second"))
    assert run(["init"]) == 0
    assert (tmp_path / "second" / "wallet.sqlite").is_file()


def test_adding_a_resume_pdf_says_verify_reads_it(tmp_path, capsys, monkeypatch):
    """`add resume.pdf` said "not a recognised credential (expected JSON, ...)"; it now says what reads a PDF."""
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    pdf = tmp_path / "resume.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    capsys.readouterr()
    assert run(["add", str(pdf)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"error: {pdf}: a PDF, not a credential: a resume PDF is checked with `skillwallet verify FILE`"
    )


def test_tradeoff_with_one_plan_says_there_is_nothing_to_trade(capsys, monkeypatch):
    """`stack --next --tradeoff` printed exactly what `--next` does when the cheapest plan is also the quickest,
    leaving the user to wonder whether --tradeoff did anything."""
    from importlib import resources

    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "the right one")
    assert run(["init"]) == 0
    names = ["python-fundamentals.json", "sql-for-data-science.json", "spreadsheets-for-analysis.json",
             "data-visualization-python.json"]
    with resources.as_file(resources.files("skillwallet") / "data" / "samples") as samples:
        assert run(["add", *(str(Path(samples) / name) for name in names)]) == 0
    args = ["stack", "--goal", "data-analyst", "--next", "--hours-per-week", "6"]
    capsys.readouterr()
    assert run([*args, "--json", "--tradeoff"]) == 0
    import json

    assert len(json.loads(capsys.readouterr().out)["pareto"]) == 1  # the case at hand: one plan
    assert run(args) == 0
    plain = capsys.readouterr().out
    assert run([*args, "--tradeoff"]) == 0
    traded = capsys.readouterr().out
    line = "No plan finishes sooner for more money: the cheapest plan is also the quickest."
    assert line not in plain
    assert traded.replace(line + "\n", "").replace(plain, "") == "" and line in traded
