"""Shell completion: the scripts under ``completions/``, the run-time answers, and the README command list.

Generated from the Typer app with typer's own completion machinery (typer 0.29 vendors click as
``typer._click``):

- ``_SKILLWALLET_COMPLETE=source_bash|source_zsh|source_fish skillwallet`` prints a script;
- the scripts call ``skillwallet`` back with ``_SKILLWALLET_COMPLETE=complete_bash|complete_zsh|complete_fish``
  and the words typed so far; typer answers from the command tree alone. No command callback runs, so
  completion never opens the wallet and never prompts.

The zsh script differs from typer's stock one: typer's starts with ``#compdef`` but only *defines* the
completer, so when zsh autoloads it from ``fpath`` (how ``share/zsh/site-functions/_skillwallet`` is used)
the first TAB completes nothing. Ours calls the completer when autoloaded and registers it with ``compdef``
when sourced (the same test on ``zsh_eval_context`` click 8.1 uses).

``python -m skillwallet.cli.completion_gen completions [DIR]`` writes the three files (``make completions``);
``python -m skillwallet.cli.completion_gen readme [README]`` rewrites the commands section of the README;
``--check`` on either exits 1 when the files on disk differ (drift).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

PROG_NAME = "skillwallet"
COMPLETE_VAR = "_SKILLWALLET_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
# File names the wheel installs (pyproject.toml [tool.setuptools.data-files]) and where.
COMPLETION_FILES = {
    "bash": "skillwallet.bash",  # share/bash-completion/completions
    "zsh": "_skillwallet",  # share/zsh/site-functions
    "fish": "skillwallet.fish",  # share/fish/vendor_completions.d
}
README_START = "<!-- commands:start -->"
README_END = "<!-- commands:end -->"

ZSH_TEMPLATE = """\
#compdef %(prog_name)s

%(complete_func)s() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" %(autocomplete_var)s=complete_zsh %(prog_name)s)
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  # autoloaded from fpath by compinit: complete now
  %(complete_func)s "$@"
else
  # sourced: register the completer for later
  compdef %(complete_func)s %(prog_name)s
fi
"""


# --- values offered at TAB -------------------------------------------------------------------------------------
#
# Completion runs before any command and must never ask for the passphrase or decrypt the wallet. So values are
# offered only from what is not secret: the built-in pathway catalogue shipped with skillwallet (goal and pathway
# ids). Credential ids, tags and the pathways a user added live only inside the encrypted wallet, and there is no
# unencrypted index of them (tags can say more than their owner wants on disk in clear): they are not offered.


def builtin_pathway_ids() -> list[str]:
    """The ids of the built-in pathways, read from the shipped TOML files (their ``id = "..."`` line)."""
    import re
    from importlib import resources

    ids = []
    folder = resources.files("skillwallet.data").joinpath("pathways")
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            match = re.search(r'(?m)^id\s*=\s*"([^"]+)"', entry.read_text(encoding="utf-8"))
            if match:
                ids.append(match.group(1))
    return sorted(ids)


def complete_pathway_id(incomplete: str) -> list[str]:
    """``stack --goal data-<TAB>``, ``pathways show <TAB>``: built-in pathway ids starting with what is typed."""
    try:
        return [i for i in builtin_pathway_ids() if i.startswith(incomplete or "")]
    except OSError:  # a broken install: complete nothing rather than print a traceback into the command line
        return []


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def install_completion_classes() -> None:
    """Register typer's bash/fish completion classes and our zsh one with the vendored click."""
    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import BashComplete, ZshComplete, completion_init

    class SkillwalletBashComplete(BashComplete):
        # typer's template is a plain Python string, so its $'\n' reaches the file as a raw line break
        source_template = BashComplete.source_template.replace("$'\n'", "$'\\n'").strip()

    class SkillwalletZshComplete(ZshComplete):
        source_template = ZSH_TEMPLATE.strip()

    completion_init()
    add_completion_class(SkillwalletBashComplete, "bash")
    add_completion_class(SkillwalletZshComplete, "zsh")


def answer_completion_request(app) -> int:
    """Answer ``$_SKILLWALLET_COMPLETE`` (``source_<shell>`` or ``complete_<shell>``); return the exit code.

    Typer handles the request before parsing (``_main_shell_completion``) and leaves with ``sys.exit``.
    Errors print nothing on stdout: a shell would insert the text as completions.
    """
    install_completion_classes()
    _skip_value_coercion()
    import typer._click.core as click_core

    from skillwallet.cli import fast_params

    help_shortener = click_core.make_default_short_help
    if fast_params.ORIGINAL_SHORT_HELP is not None:  # a description is one short line beside a candidate
        click_core.make_default_short_help = fast_params.ORIGINAL_SHORT_HELP
    try:
        app(args=[], prog_name=PROG_NAME, complete_var=COMPLETE_VAR, standalone_mode=False)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception:  # completion must never show a traceback in the middle of a command line
        return 1
    finally:
        click_core.make_default_short_help = help_shortener
    return 0


def _skip_value_coercion() -> None:
    """Leave option values as typed while completing (this process only answers one completion request).

    typer 0.29 converts every parameter value through a pydantic ``TypeAdapter`` as the command line is parsed,
    and importing pydantic costs more than the rest of start-up together; completion needs only the command
    tree. Click parses completion contexts with ``resilient_parsing``, so nothing downstream relies on the
    converted values. If typer's internals differ, completion simply keeps the normal conversion.
    """
    try:
        from dataclasses import dataclass

        import typer.core
        from typer._coercion import RuntimeParam
    except ImportError:
        return
    if not hasattr(typer.core, "build_runtime_param"):
        return

    @dataclass(frozen=True)
    class RawValue(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            return value

    typer.core.build_runtime_param = lambda descriptor: RawValue(
        annotation=descriptor.annotation, parameter_info=descriptor.parameter_info
    )


def completion_script(shell: str) -> str:
    """The completion script for ``shell``, exactly as ``_SKILLWALLET_COMPLETE=source_<shell>`` prints it."""
    from typer._click.shell_completion import get_completion_class

    from skillwallet.cli.app import app

    install_completion_classes()
    import typer.main

    command = typer.main.get_command(app)
    cls = get_completion_class(shell)
    if cls is None or shell not in SHELLS:
        raise ValueError(f"unsupported shell {shell!r}")
    completer = cls(command, {}, PROG_NAME, COMPLETE_VAR)
    # source_template % source_vars() is ShellComplete.source() without typer's bash version probe,
    # which runs a subprocess and only warns
    # (click's echo adds the final newline)
    return completer.source_template % completer.source_vars() + "\n"


def write_completions(folder: Path) -> list[Path]:
    """Write the three completion files into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for shell in SHELLS:
        target = folder / COMPLETION_FILES[shell]
        target.write_text(completion_script(shell), encoding="utf-8")
        written.append(target)
    return written


def completion_drift(folder: Path) -> list[str]:
    """Names of the completion files in ``folder`` that are missing or differ from the app's."""
    drift = []
    for shell in SHELLS:
        target = folder / COMPLETION_FILES[shell]
        if not target.is_file() or target.read_text(encoding="utf-8") != completion_script(shell):
            drift.append(target.name)
    return drift


def iter_commands(app=None) -> Iterator[tuple[str, str, bool]]:
    """Every registered command and group, depth first: ``(path, one-line help, is_group)``.

    ``path`` is what follows ``skillwallet`` on a command line, e.g. ``config set``.
    """
    import typer.main

    if app is None:
        from skillwallet.cli.app import app

    root = typer.main.get_command(app)

    def walk(command, prefix: str) -> Iterator[tuple[str, str, bool]]:
        subcommands = getattr(command, "commands", None) or {}
        for name in subcommands:  # registration order, as in --help
            sub = subcommands[name]
            if getattr(sub, "hidden", False):
                continue
            path = f"{prefix} {name}".strip()
            short = sub.get_short_help_str(limit=300) if hasattr(sub, "get_short_help_str") else ""
            is_group = bool(getattr(sub, "commands", None))
            yield path, short, is_group
            if is_group:
                yield from walk(sub, path)

    yield from walk(root, "")


def readme_commands_section(app=None) -> str:
    """The README commands section (between the markers): one line per command and group."""
    lines = [
        README_START,
        "Every command, generated from the app (`python -m skillwallet.cli.completion_gen readme`).",
        "`skillwallet <command> --help` has the details; read commands take `--json` (a versioned document).",
        "",
    ]
    for path, short, _is_group in iter_commands(app):
        lines.append(f"- `skillwallet {path}`: {short}" if short else f"- `skillwallet {path}`")
    lines += [
        "",
        "Shell completion without installing the wheel: `source completions/skillwallet.bash` (bash),",
        "put `completions/_skillwallet` in a folder on `$fpath` before `compinit` (zsh), or copy",
        "`completions/skillwallet.fish` to `~/.config/fish/completions/` (fish). Completion never opens the wallet.",
        README_END,
    ]
    return "\n".join(lines)


def update_readme_text(text: str, section: str) -> str:
    """``text`` with the commands section replaced (or appended at the end when the markers are absent)."""
    start = text.find(README_START)
    end = text.find(README_END)
    if start != -1 and end != -1 and end > start:
        return text[:start] + section + text[end + len(README_END) :]
    return text.rstrip("\n") + "\n\n" + section + "\n"


ROOT_HELP_MODULE = Path(__file__).with_name("root_help.py")
ROOT_HELP_WIDTH = 80  # click formats help to min(terminal width, 80) columns: the text is the same at 80 and wider


def render_root_help() -> str:
    """``skillwallet --help`` as the app prints it on a terminal 80 columns wide or wider."""
    import io
    from contextlib import redirect_stdout

    from skillwallet.cli.app import app

    buffer = io.StringIO()
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(ROOT_HELP_WIDTH)
    try:
        with redirect_stdout(buffer):
            try:
                app(args=["--help"], prog_name=PROG_NAME, standalone_mode=False)
            except SystemExit:
                pass
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    return buffer.getvalue()


def root_help_module_text() -> str:
    return (
        '"""`skillwallet --help`, pre-rendered so that it prints without importing typer and every command module\n'
        "(generated by `python -m skillwallet.cli.completion_gen completions`; a test fails when it drifts).\n"
        '"""\n\n'
        f"WIDTH = {ROOT_HELP_WIDTH}\n"
        f"TEXT = {render_root_help()!r}\n"
    )


def main(argv: list[str] | None = None) -> int:
    """``completions [DIR] [--check]`` or ``readme [README] [--check]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if not args or args[0] not in ("completions", "readme"):
        sys.stderr.write("usage: python -m skillwallet.cli.completion_gen completions|readme [PATH] [--check]\n")
        return 2
    what, rest = args[0], args[1:]
    if what == "completions":
        folder = Path(rest[0]) if rest else _repo_root() / "completions"
        help_text = root_help_module_text()
        if check:
            drift = completion_drift(folder)
            if not ROOT_HELP_MODULE.exists() or ROOT_HELP_MODULE.read_text(encoding="utf-8") != help_text:
                drift.append(str(ROOT_HELP_MODULE))
            for name in drift:
                sys.stderr.write(f"out of date: {folder / name} (run `make completions`)\n")
            return 1 if drift else 0
        for path in write_completions(folder):
            sys.stderr.write(f"wrote {path}\n")
        ROOT_HELP_MODULE.write_text(help_text, encoding="utf-8")
        sys.stderr.write(f"wrote {ROOT_HELP_MODULE}\n")
        return 0
    readme = Path(rest[0]) if rest else _repo_root() / "README.md"
    text = readme.read_text(encoding="utf-8")
    updated = update_readme_text(text, readme_commands_section())
    if check:
        if updated != text:
            sys.stderr.write(f"out of date: commands section of {readme}\n")
            return 1
        return 0
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
        sys.stderr.write(f"updated the commands section of {readme}\n")
    return 0


if __name__ == "__main__":
    os.environ.pop(COMPLETE_VAR, None)
    raise SystemExit(main())
