"""The files generated from the app: the completion scripts under ``completions/``, the pre-rendered
``skillwallet --help`` (cli/root_help.py) and the README command list. Run-time completion (the answers, the
scripts' text, the values offered at TAB) is cli/completion.py, which reads the command tree it is handed; this
module hands it the app.

``python -m skillwallet.cli.completion_gen completions [DIR]`` writes the three files (``make completions``);
``python -m skillwallet.cli.completion_gen readme [README]`` rewrites the commands section of the README;
``--check`` on either exits 1 when the files on disk differ (drift).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

from skillwallet.cli import completion
from skillwallet.cli.completion import COMPLETE_VAR, PROG_NAME, SHELLS

# File names the wheel installs (pyproject.toml [tool.setuptools.data-files]) and where.
COMPLETION_FILES = {
    "bash": "skillwallet.bash",  # share/bash-completion/completions
    "zsh": "_skillwallet",  # share/zsh/site-functions
    "fish": "skillwallet.fish",  # share/fish/vendor_completions.d
}
README_START = "<!-- commands:start -->"
README_END = "<!-- commands:end -->"


def _app():
    """The app the files are generated from (imported here, never by the app: it imports cli/completion.py)."""
    from skillwallet.cli.app import app

    return app


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def completion_script(shell: str, app=None) -> str:
    """The completion script for ``shell``, exactly as ``_SKILLWALLET_COMPLETE=source_<shell>`` prints it."""
    return completion.completion_script(shell, app if app is not None else _app())


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
    """Every registered command and group, depth first: ``(path, one-line help, is_group)``."""
    return completion.iter_commands(app if app is not None else _app())


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
        "`completions/skillwallet.fish` to `~/.config/fish/completions/` (fish). Completion never asks for the passphrase",
        "and never uses `SKILLWALLET_PASSPHRASE` or a passphrase file; only while a session is live (`SKILLWALLET_SESSION`,",
        "from `skillwallet unlock`) it reads the wallet, read-only, to offer credential ids (with their titles) and tags.",
        "Without a live session it never opens the wallet.",
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

    app = _app()
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
