"""Shell completion at run time: the answers to completion requests, the scripts, the values offered at TAB.

Everything here works on the command tree it is handed (the Typer app), so the app imports this module to
answer ``$_SKILLWALLET_COMPLETE`` without this module importing the app. Generating the committed files from
the app (``completions/``, ``cli/root_help.py``, the README command list) is cli/completion_gen.py.

Typer's own completion machinery does the work (typer 0.29 vendors click as ``typer._click``):

- ``_SKILLWALLET_COMPLETE=source_bash|source_zsh|source_fish skillwallet`` prints a script;
- the scripts call ``skillwallet`` back with ``_SKILLWALLET_COMPLETE=complete_bash|complete_zsh|complete_fish``
  and the words typed so far; typer answers from the command tree alone. No command callback runs, so
  completion never opens the wallet and never prompts.

The zsh script differs from typer's stock one: typer's starts with ``#compdef`` but only *defines* the
completer, so when zsh autoloads it from ``fpath`` (how ``share/zsh/site-functions/_skillwallet`` is used)
the first TAB completes nothing. Ours calls the completer when autoloaded and registers it with ``compdef``
when sourced (the same test on ``zsh_eval_context`` click 8.1 uses).
"""

from __future__ import annotations

from typing import Callable, Iterator

PROG_NAME = "skillwallet"
COMPLETE_VAR = "_SKILLWALLET_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

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
    restore_coercion = _skip_value_coercion()
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
        restore_coercion()  # a process that goes on (a test, an embedding program) converts values again
    return 0


def _skip_value_coercion() -> Callable[[], None]:
    """Leave option values as typed while completing; returns what puts typer's conversion back.

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
        return lambda: None
    if not hasattr(typer.core, "build_runtime_param"):
        return lambda: None
    original = typer.core.build_runtime_param

    @dataclass(frozen=True)
    class RawValue(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            return value

    typer.core.build_runtime_param = lambda descriptor: RawValue(
        annotation=descriptor.annotation, parameter_info=descriptor.parameter_info
    )

    def restore() -> None:
        typer.core.build_runtime_param = original

    return restore


def completion_script(shell: str, app) -> str:
    """The completion script of ``app`` (the Typer app) for ``shell``, exactly as
    ``_SKILLWALLET_COMPLETE=source_<shell>`` prints it."""
    from typer._click.shell_completion import get_completion_class

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


def iter_commands(app) -> Iterator[tuple[str, str, bool]]:
    """Every command and group registered on ``app`` (the Typer app), depth first: ``(path, one-line help,
    is_group)``.

    ``path`` is what follows ``skillwallet`` on a command line, e.g. ``config set``.
    """
    import typer.main

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
