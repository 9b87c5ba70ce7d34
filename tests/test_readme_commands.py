"""The README documents every command: walk the Typer app's commands and groups and look for each one."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from skillwallet.cli import completion_gen
from skillwallet.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"


def command_paths(command, prefix: str = "") -> list[str]:
    """Every visible command and group under ``command``, as typed after ``skillwallet``."""
    found = []
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        if getattr(sub, "hidden", False):
            continue
        path = f"{prefix} {name}".strip()
        found.append(path)
        found.extend(command_paths(sub, path))
    return found


def test_app_has_commands():
    paths = command_paths(typer.main.get_command(app))
    assert "config" in paths and "config set" in paths


def test_every_command_appears_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [path for path in command_paths(typer.main.get_command(app)) if f"`skillwallet {path}" not in text]
    assert not missing, (
        f"README.md does not mention: {', '.join(missing)}; run `python -m skillwallet.cli.completion_gen readme`"
    )


def test_commands_section_lists_exactly_the_commands():
    """The generated section names every command and no command that is gone (descriptions may lag a
    docstring edit; `python -m skillwallet.cli.completion_gen readme --check` compares them too)."""
    import re

    text = README.read_text(encoding="utf-8")
    assert text.count(completion_gen.README_START) == 1 and text.count(completion_gen.README_END) == 1
    section = text[text.index(completion_gen.README_START) : text.index(completion_gen.README_END)]
    listed = re.findall(r"^- `skillwallet ([^`]+)`", section, flags=re.MULTILINE)
    expected = [path for path, _help, _group in completion_gen.iter_commands()]
    assert sorted(listed) == sorted(expected), (
        f"missing: {sorted(set(expected) - set(listed))}, gone: {sorted(set(listed) - set(expected))}; "
        "run `python -m skillwallet.cli.completion_gen readme`"
    )


def test_section_update_replaces_between_markers_or_appends(tmp_path):
    section = completion_gen.readme_commands_section()
    with_markers = f"# t\n\nintro\n\n{completion_gen.README_START}\nold\n{completion_gen.README_END}\n\n## after\n"
    updated = completion_gen.update_readme_text(with_markers, section)
    assert updated == f"# t\n\nintro\n\n{section}\n\n## after\n"
    assert completion_gen.update_readme_text("# t\n", section) == f"# t\n\n{section}\n"
    for path, _help, _group in completion_gen.iter_commands():
        assert f"- `skillwallet {path}`" in section


def test_durations_in_the_readme_and_docs_are_read_as_written():
    """Every duration an example passes (`unlock --for`, `expiring --within`, `list --expiring`) is one the
    command takes: the one duration syntax (durations.py), where `m` alone is refused as ambiguous."""
    import re

    from skillwallet.durations import DurationError, duration_terms

    texts = [README, *sorted((README.parent / "docs").glob("*.md"))]
    found = []
    for path in texts:
        for option, value in re.findall(r"(--for|--within|--expiring)[ =]([0-9][0-9a-z]*)",
                                        path.read_text(encoding="utf-8")):
            found.append((path.name, option, value))
            try:
                duration_terms(value, bare_unit="d")
            except DurationError:
                raise AssertionError(f"{path.name}: {option} {value} is refused by the command") from None
    assert {option for _name, option, _value in found} >= {"--for", "--within"}, found  # the examples were read


def _console_blocks() -> list[list[str]]:
    """The `$ ...` lines of each ```console block of the README, comments after two spaces and `#` dropped."""
    import re

    blocks = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [[re.sub(r"\s{2,}#.*$", "", line[2:]).strip() for line in block.splitlines() if line.startswith("$ ")]
            for block in blocks]


@pytest.mark.parametrize("block", range(2))
def test_the_readme_console_examples_run_as_written(block, tmp_path, capsys, monkeypatch):
    """Each console example of the README, run command by command as written (in a folder holding the files it
    names, made of the sample credentials), does what it says: every command exits 0 (`verify --all` may report
    a sample that is not verified and in force), the files it writes exist, and after `eval "$(skillwallet
    unlock ...)"` the commands run on the session alone, with no passphrase at hand."""
    import io
    import os
    import shlex
    import shutil
    import zipfile
    from importlib import resources

    from skillwallet.cli.app import run
    from skillwallet.errors import ExitCode

    lines = _console_blocks()[block]
    assert len(_console_blocks()) == 2 and lines[0] == "skillwallet init", lines
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    home = Path(os.environ["HOME"])
    with resources.as_file(resources.files("skillwallet") / "data" / "samples") as samples:
        samples = Path(samples)
        shutil.copy(samples / "python-fundamentals.json", work / "badge.json")
        with zipfile.ZipFile(work / "certificates.zip", "w") as archive:
            for name in ("sql-for-data-science.json", "spreadsheets-for-analysis.json"):
                archive.write(samples / name, name)
        (home / "Downloads" / "badges").mkdir(parents=True)
        for name in ("sql-for-data-science.json", "spreadsheets-for-analysis.json", "linux-administration.json"):
            shutil.copy(samples / name, home / "Downloads" / "badges" / name)
        shutil.copy(samples / "cloud-practitioner-badge.png", work / "python-cert.png")
        shutil.copy(samples / "data-visualization-python.json", work / "transcript-clr.json")
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", "correct horse battery staple")
    for line in lines:
        words = shlex.split(line)
        evaluated = words[0] == "eval"
        if evaluated:  # eval "$(skillwallet unlock --for 15min)": the inner command, its output then evaluated
            words = shlex.split(words[1].removeprefix("$(").removesuffix(")"))
        assert words[0] == "skillwallet", line
        args = [os.path.expanduser(word) for word in words[1:]]
        capsys.readouterr()
        code = run(args)
        out, err = capsys.readouterr()
        allowed = (ExitCode.OK, ExitCode.NOT_VERIFIED) if args[0] == "verify" else (ExitCode.OK,)
        assert code in allowed, f"{line}: exit {code}\n{err}"
        assert "error:" not in err or code != ExitCode.OK, f"{line}\n{err}"
        if evaluated:
            assert out.startswith("export SKILLWALLET_SESSION="), out
            monkeypatch.setenv("SKILLWALLET_SESSION", out.strip().split("=", 1)[1])
            monkeypatch.delenv("SKILLWALLET_PASSPHRASE")  # from here on, the session alone
        if "-o" in args:
            assert (work / args[args.index("-o") + 1]).stat().st_size > 0, line
        if args[0] == "add":
            assert "rejected 0" in err, f"{line}\n{err}"
    if "SKILLWALLET_SESSION" in os.environ:  # `skillwallet lock` ended it
        assert lines[-1] == "skillwallet lock"
        assert run(["list"]) == ExitCode.LOCKED
