"""The README documents every command: walk the Typer app's commands and groups and look for each one."""

from __future__ import annotations

from pathlib import Path

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
