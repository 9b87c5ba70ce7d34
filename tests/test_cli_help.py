"""Help that teaches: every command and group, walked from the Typer app's command tree, has a whole first
sentence, an example of its own use, a description of every argument and option, and no type names.

The help is rendered by the real CLI (`skillwallet <command> --help`), as a person reads it.
"""

from __future__ import annotations

import re

import pytest
import typer.main

from skillwallet.cli.app import app, run

# what typer prints for a value without a metavar of its own, or a range note: never shown to a person
TYPE_MARKERS = ("<str>", "<list[", "range>", "<path>", "<int>", "<float>", "<bool>", "<datetime>", "x>=", "x<=",
                "INTEGER", "FLOAT", "BOOLEAN")


def walk(command, path: tuple[str, ...] = ()):
    """Every visible command and group under ``command``: (words after ``skillwallet``, click command)."""
    for name, sub in (getattr(command, "commands", None) or {}).items():
        if getattr(sub, "hidden", False):
            continue
        yield (*path, name), sub
        yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))
IDS = [" ".join(path) for path, _command in COMMANDS]


def rendered_help(capsys, monkeypatch, path: tuple[str, ...]) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    assert run([*path, "--help"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_the_walk_reaches_every_command():
    assert {"list", "verify", "stack", "pathways", "pathways show", "config set", "documents add-anchor"} <= set(IDS)
    assert len(IDS) > 40


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_first_sentence_is_whole(path, command):
    """The command list shows the first sentence: a whole one, ending with a full stop, never cut with '...'."""
    short = " ".join(command.get_short_help_str(limit=10_000).split())
    assert short and short[0].isupper(), (path, short)
    assert short.endswith(".") and not short.endswith("..."), (path, short)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_shows_an_example_of_the_command(capsys, monkeypatch, path, command):
    text = rendered_help(capsys, monkeypatch, path)
    match = re.search(r"^ *Examples?:(.*(?:\n {2,}\S.*)*)", text, flags=re.MULTILINE)
    assert match, f"`skillwallet {' '.join(path)} --help` shows no example"
    example = match.group(1)
    assert f"skillwallet {' '.join(path)}" in " ".join(example.split()), (path, example)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_fits_80_columns(capsys, monkeypatch, path, command):
    """Examples are kept as written (never rewrapped): each must fit an 80-column terminal by itself."""
    for line in rendered_help(capsys, monkeypatch, path).splitlines():
        assert len(line) <= 80, (path, line)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_argument_and_option_is_described(path, command):
    for param in command.params:
        if param.name == "help":
            continue
        assert (getattr(param, "help", None) or "").strip(), f"skillwallet {' '.join(path)}: {param.name} has no help"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_shows_no_type_names(capsys, monkeypatch, path, command):
    text = rendered_help(capsys, monkeypatch, path)
    for marker in TYPE_MARKERS:
        assert marker not in text, (path, marker)
    # an argument is shown by its metavar alone: never "ID CREDENTIAL-ID" or "FILE FILE"
    arguments = text.split("Arguments:\n", 1)[1].split("\n\n", 1)[0] if "Arguments:\n" in text else ""
    for line in arguments.splitlines():
        assert not re.match(r"  \S+ [A-Z][A-Z0-9_.|-]*  ", line), (path, line)


def examples_in(text: str) -> list[str]:
    """The command lines of a help text's example blocks, continuation lines joined, shell around them dropped."""
    lines = []
    for block in re.findall(r"^ *Examples?:(.*(?:\n {2,}\S.*)*)", text, flags=re.MULTILINE):
        joined = re.sub(r"\\\n\s*", "", block)
        for line in joined.splitlines():
            if "skillwallet " not in line:
                continue
            command = line[line.index("skillwallet "):]
            command = re.split(r"\s[>|]\s|\)\"", command)[0]  # `> file`, `| next`, the end of "$(...)"
            lines.append(command.strip())
    return lines


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_example_is_a_command_line_the_cli_accepts(capsys, monkeypatch, path, command):
    """Each example parses: its command exists and takes every option and argument given (nothing is run)."""
    import shlex

    root = typer.main.get_command(app)
    examples = examples_in(rendered_help(capsys, monkeypatch, path))
    assert examples
    for example in examples:
        words = shlex.split(example)[1:]
        target, names = root, []
        while getattr(target, "commands", None) and words and words[0] in target.commands:
            names.append(words[0])
            target = target.commands[words.pop(0)]
        assert tuple(names[: len(path)]) == path, f"{example!r} is not an example of `skillwallet {' '.join(path)}`"
        parent = root.make_context("skillwallet", [], resilient_parsing=True)
        if getattr(target, "commands", None):
            assert not words, example
            continue
        target.make_context(names[-1], words, parent=parent)  # raises on an unknown option or a missing argument


def shown_value_names(text: str) -> dict[str, str]:
    """Each option's value name as its help shows it: {"--within": "DURATION", "--goal": "PATHWAY"}; flags none."""
    options = text.split("Options:\n", 1)[1] if "Options:\n" in text else ""
    names = {}
    for match in re.finditer(r"^  (?:-\w, )?(--[\w-]+)(?:, --[\w-]+)? (\S+)(?:  |$)", options, flags=re.MULTILINE):
        names[match.group(1)] = match.group(2)
    return names


def kind_of(param) -> str | None:
    """The word this CLI shows a value of this kind by, read from the option itself (its type and its help)."""
    from skillwallet.cli.common import DURATION_HELP

    text = " ".join((param.help or "").split())
    if DURATION_HELP in text or re.search(r"\bhow long\b|\bthis far\b", text, flags=re.IGNORECASE):
        return "DURATION"  # "90d", "2h": never the option's name ("--within WITHIN")
    if re.search(r"\bdates?\b|YYYY-MM-DD|ISO 8601", text, flags=re.IGNORECASE):
        return "DATE"  # "--as-of AS-OF" says nothing of what to type
    if getattr(param, "type", None) is not None and param.type.name in ("integer", "float"):
        return "N"
    if re.search(r"\bpathway\b", text, flags=re.IGNORECASE):
        return "PATHWAY"  # a pathway id, as `pathways list` shows them
    if re.search(r"\bURL\b", text):
        return "URL"
    if re.search(r"\bfile\b", text, flags=re.IGNORECASE):
        return "FILE"
    if re.search(r'e\.g\. "|\bcontains this\b|\bits title\b|\bparagraph\b', text):
        return "TEXT"  # words a person writes, or a part of them to look for
    return None


def options_shown(capsys, monkeypatch, path, command):
    shown = shown_value_names(rendered_help(capsys, monkeypatch, path))
    for param in command.params:
        flag = next((o for o in param.opts if o.startswith("--")), None)
        if getattr(param, "param_type_name", "") == "option" and flag in shown:
            yield flag, param, shown[flag]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_no_option_shows_its_own_name_where_a_clearer_word_applies(capsys, monkeypatch, path, command):
    for flag, param, value in options_shown(capsys, monkeypatch, path, command):
        # the option's name, or the Python parameter's behind it ("--format FMT"), upper-cased: typer's fallback
        if value in (flag[2:].upper(), (param.name or "").upper().replace("_", "-")):
            clearer = kind_of(param)
            assert clearer in (None, value), f"skillwallet {' '.join(path)} {flag} {value}: say {clearer}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_dates_and_durations_are_named_so_in_every_command(capsys, monkeypatch, path, command):
    for flag, param, value in options_shown(capsys, monkeypatch, path, command):
        if kind_of(param) in ("DATE", "DURATION"):
            assert value == kind_of(param), (path, flag, value)


def test_an_option_spelt_alike_shows_the_same_value_name_in_every_command(capsys, monkeypatch):
    seen: dict[str, dict[str, str]] = {}
    for path, command in COMMANDS:
        for flag, _param, value in options_shown(capsys, monkeypatch, path, command):
            seen.setdefault(flag, {})[" ".join(path)] = value
    assert {"--as-of", "--within", "--goal", "--format"} <= set(seen)
    differing = {flag: commands for flag, commands in seen.items() if len(set(commands.values())) > 1}
    assert differing == {}
