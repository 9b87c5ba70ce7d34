"""The Typer application, its command groups and the error boundary."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from skillwallet import __version__
from skillwallet.cli import fast_params
from skillwallet.cli.common import CliState, print_error, safe_text
from skillwallet.errors import ExitCode, OperationInterrupted, SkillwalletError

# Plain option values (numbers, paths, strings) are converted without importing pydantic: see fast_params.
fast_params.install()
fast_params.install_help_names()

# Each module has ``register(app)``; order is the order of --help.
COMMAND_MODULES = (
    "wallet",  # init, unlock, lock, status, passwd, backup, restore
    "credentials",  # list, show, remove, tag, note
    "add",  # add (format-aware import)
    "verify",  # verify
    "documents",  # documents add/list/remove
    "stack",  # stack, pathways ...
    "skills",  # skills
    "export",  # export
    "profile",  # profile
    "everyday",  # expiring, doctor, config
)

#: The module that registers each top-level command or group. A command line names its command first, so
#: :func:`run` registers that one module and leaves the others unimported: the command-line parser is built only
#: for what runs, and a module's own imports stay out of every other command (`list --json` need not load the
#: verifier). A test checks this table against what each module registers.
COMMAND_OWNERS = {
    "init": "wallet", "unlock": "wallet", "lock": "wallet", "status": "wallet", "passwd": "wallet",
    "backup": "wallet", "restore": "wallet",
    "list": "credentials", "show": "credentials", "remove": "credentials", "tag": "credentials",
    "untag": "credentials", "note": "credentials",
    "add": "add",
    "verify": "verify",
    "documents": "documents",
    "stack": "stack", "pathways": "stack", "offerings": "stack",
    "skills": "skills",
    "export": "export",
    "profile": "profile",
    "expiring": "everyday", "doctor": "everyday", "config": "everyday",
}


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"skillwallet {__version__}")
        raise typer.Exit(0)


def _root(
    ctx: typer.Context,
    version: Optional[bool] = typer.Option(
        None, "--version", "-V", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback for unexpected errors."),
    passphrase_file: Optional[Path] = typer.Option(
        None,
        "--passphrase-file",
        help="Read the wallet passphrase from this file (first line) instead of prompting.",
        envvar="SKILLWALLET_PASSPHRASE_FILE",
    ),
) -> None:
    """skillwallet keeps your Open Badges, Verifiable Credentials, certificates and degrees in an
    encrypted wallet on your own machine, verifies them offline, tells you which career pathways they
    complete, and exports proof an employer can check."""
    ctx.obj = CliState(debug=debug, passphrase_file=passphrase_file)


def build_app(modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """The application with the commands of ``modules`` (``COMMAND_MODULES`` names), in the order given."""
    application = typer.Typer(
        name="skillwallet",
        help="A local-first, encrypted skills passport: keep, verify, stack and prove your credentials.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode=None,
    )
    application.callback()(_root)
    for name in modules:
        importlib.import_module(f"skillwallet.cli.{name}").register(application)
    return application


_apps: dict[tuple[str, ...], typer.Typer] = {}


def _app_for(modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    if modules not in _apps:
        _apps[modules] = build_app(modules)
    return _apps[modules]


def __getattr__(name: str):
    """``app``: the whole application (every command), built on first use (PEP 562)."""
    if name == "app":
        return _app_for()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


GLOBAL_OPTIONS = {"--passphrase-file": 1, "--debug": 0}  # option -> number of values it takes


def hoist_global_options(args: list[str]) -> list[str]:
    """``args`` with the global options moved before the command, so that they work after it too
    (``skillwallet list --passphrase-file f``, as gh and cargo accept their global flags anywhere).

    Only tokens before a ``--`` move; a global option's own value moves with it.
    """
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            rest.extend(args[index:])
            break
        name = token.split("=", 1)[0]
        if index > 0 and name in GLOBAL_OPTIONS:
            takes = GLOBAL_OPTIONS[name] if "=" not in token else 0
            front.extend(args[index : index + 1 + takes])
            index += 1 + takes
            continue
        rest.append(token)
        index += 1
    return front + rest


def _closest(word: str, choices: list[str]) -> Optional[str]:
    from difflib import get_close_matches

    matches = get_close_matches(word, choices, n=1, cutoff=0.6)
    if not matches:  # a prefix is a good guess too (`skillwallet ver` -> verify)
        matches = [c for c in choices if c.startswith(word)] if len(word) >= 2 else []
    return matches[0] if matches else None


def _command_path(args: list[str], application: Optional[typer.Typer] = None) -> str:
    """``skillwallet`` plus the command (and sub-command) names at the start of ``args``."""
    import typer.main

    path, command = ["skillwallet"], typer.main.get_command(application or _app_for())
    for token in args:
        if token.startswith("-"):
            if token.split("=", 1)[0] in GLOBAL_OPTIONS and GLOBAL_OPTIONS[token.split("=", 1)[0]] and "=" not in token:
                continue  # its value follows; good enough for a hint
            continue
        sub = command.commands.get(token) if hasattr(command, "commands") else None
        if sub is None:
            break
        path.append(token)
        command = sub
    return " ".join(path)


def usage_error_lines(
    exc: Exception, args: Optional[list[str]] = None, application: Optional[typer.Typer] = None
) -> tuple[Optional[str], list[str]]:
    """The ``error:`` message and ``hint:`` lines for one of the parser's own errors (None: show help instead)."""
    from typer._click import exceptions as click_errors

    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return None, []
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else _command_path(args or [], application)
    help_hint = f"run '{path} -h' for its options and an example"
    if isinstance(exc, click_errors.NoSuchOption):
        option = exc.option_name
        choices = sorted({name for p in (ctx.command.params if ctx else []) for name in getattr(p, "opts", [])
                          if name.startswith("-")})
        guess = _closest(option, choices) if choices else None
        hints = [f"did you mean {guess}?"] if guess else []
        return f"{path} has no option {option}", hints + [help_hint]
    if isinstance(exc, click_errors.BadOptionUsage) and "requires an argument" in exc.message:
        return f"{exc.option_name} needs a value", [f"write it after the option: {path} {exc.option_name} VALUE", help_hint]
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if message.startswith("No such command "):
        name = message[len("No such command "):].split(".")[0].strip("'\"")
        commands = []
        if ctx is not None and hasattr(ctx.command, "list_commands"):
            commands = [c for c in ctx.command.list_commands(ctx)]
        guess = _closest(name, commands) if commands else None
        hints = [f"did you mean '{path} {guess}'?"] if guess else []
        return f"no command {name!r} in {path}", hints + [f"run '{path} -h' for the list of commands"]
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        what = param.get_error_hint().strip("'{}") if param is not None else "a value"
        kind = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        return f"{path}: missing {kind} {what}", [help_hint]
    if isinstance(exc, click_errors.BadParameter) and exc.param is not None:
        name = exc.param.get_error_hint().strip("'")
        detail = exc.message.rstrip(".")
        return f"invalid value for {name}: {detail[:1].lower() + detail[1:]}", [help_hint]
    message = message.rstrip(".")
    return message[:1].lower() + message[1:], [help_hint]


def _modules_for(args: list[str]) -> tuple[str, ...]:
    """The command modules ``args`` (global options first, as :func:`hoist_global_options` leaves them) need: the
    one that owns the command it names, or all of them (no command, an unknown one, the root's own options), so that
    the root help and the "did you mean" hints see every command."""
    index = 0
    while index < len(args):
        token = args[index]
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            index += 1 + (GLOBAL_OPTIONS[name] if "=" not in token else 0)
            continue
        owner = COMMAND_OWNERS.get(token)
        return (owner,) if owner is not None else COMMAND_MODULES
    return COMMAND_MODULES


def run(args: list[str]) -> int:
    """Run the CLI with ``args``; return the exit code. The single error boundary."""
    if os.environ.get("_SKILLWALLET_COMPLETE"):
        # Shell completion request: answered from the command tree, before any command runs.
        from skillwallet.cli.completion import answer_completion_request

        return answer_completion_request(_app_for())
    args = hoist_global_options(list(args))
    debug = "--debug" in args
    application = _app_for(_modules_for(args))
    try:
        result = application(args=args, prog_name="skillwallet", standalone_mode=False)
    except OperationInterrupted as exc:
        # Ctrl-C in a long operation: one line that says what was done and what to do next
        sys.stderr.write(safe_text("interrupted: " + "; ".join([exc.message, *exc.hints])) + "\n")
        sys.stderr.flush()
        return int(exc.exit_code)
    except SkillwalletError as exc:
        print_error(exc.message, exc.hints)
        return int(exc.exit_code)
    except typer.Abort as exc:
        # only click's prompts raise Abort, for Ctrl-D and for Ctrl-C alike, leaving the cursor after the prompt:
        # end its line, and say Ctrl-C as it is said everywhere else (README "Exit codes": not an error, 130)
        sys.stderr.write("\n")
        if isinstance(exc.__context__, KeyboardInterrupt):
            sys.stderr.write("interrupted\n")
            sys.stderr.flush()
            return int(ExitCode.INTERRUPTED)
        print_error("cancelled")
        return int(ExitCode.CANCELLED)
    except typer.Exit as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer turns Ctrl-C into a silent Exit(130)
            sys.stderr.write("interrupted\n")
            sys.stderr.flush()
            return int(ExitCode.INTERRUPTED)
        return int(exc.exit_code or 0)
    except typer.TyperException as exc:
        # The parser's own errors (unknown command or option, missing argument, bad value): the same one
        # `error:` line and a hint as every other bad command line, never click's usage block.
        try:
            message, hints = usage_error_lines(exc, args, application)
        except Exception:  # typer's internals changed shape: its own message, still as one line
            message, hints = safe_text(exc.format_message() if hasattr(exc, "format_message") else exc), []
        if message is None:  # a bare group (`skillwallet pathways`): its help, as asked for by no_args_is_help
            show = getattr(exc, "show", None)
            if show is not None:
                import io

                buffer = io.StringIO()
                show(file=buffer)
                sys.stderr.write("".join(safe_text(line) + "\n" for line in buffer.getvalue().splitlines()))
                sys.stderr.flush()
        else:
            print_error(message, hints)
        return int(exc.exit_code if exc.exit_code is not None else ExitCode.USAGE)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the boundary: never a traceback unless asked for
        if debug:
            raise
        print_error(
            f"internal error: {type(exc).__name__}",
            ["this is a bug in skillwallet; run again with --debug for details and report it"],
        )
        return int(ExitCode.INTERNAL)
    # Without standalone mode, a command's ``raise typer.Exit(n)`` comes back as the return value; so does Ctrl-C,
    # which typer turns into a silent Exit(130) (no command of ours exits 130 itself).
    code = result if isinstance(result, int) and not isinstance(result, bool) else 0
    if code == ExitCode.INTERRUPTED:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    return code
