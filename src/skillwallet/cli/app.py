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
from skillwallet.errors import ExitCode, SkillwalletError

# Plain option values (numbers, paths, strings) are converted without importing pydantic: see fast_params.
fast_params.install()

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

app = typer.Typer(
    name="skillwallet",
    help="A local-first, encrypted skills passport: keep, verify, stack and prove your credentials.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"skillwallet {__version__}")
        raise typer.Exit(0)


@app.callback()
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


for _name in COMMAND_MODULES:
    importlib.import_module(f"skillwallet.cli.{_name}").register(app)


def run(args: list[str]) -> int:
    """Run the CLI with ``args``; return the exit code. The single error boundary."""
    if os.environ.get("_SKILLWALLET_COMPLETE"):
        # Shell completion request (issue 7): answered from the command tree, before any command runs.
        from skillwallet.cli.completion_gen import answer_completion_request

        return answer_completion_request(app)
    debug = "--debug" in args
    try:
        result = app(args=args, prog_name="skillwallet", standalone_mode=False)
    except SkillwalletError as exc:
        print_error(exc.message, exc.hints)
        return int(exc.exit_code)
    except typer.Abort:
        print_error("cancelled")
        return int(ExitCode.CANCELLED)
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.TyperException as exc:
        # usage errors: the parser formats them with the usage line
        show = getattr(exc, "show", None)
        if show is not None:
            # the message quotes the command line (a file name given to a script may hold an escape sequence)
            import io

            buffer = io.StringIO()
            show(file=buffer)
            sys.stderr.write("".join(safe_text(line) + "\n" for line in buffer.getvalue().splitlines()))
            sys.stderr.flush()
        else:
            print_error(exc.format_message())
        return int(exc.exit_code if exc.exit_code is not None else ExitCode.USAGE)
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
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
    # Without standalone mode, a command's ``raise typer.Exit(n)`` comes back as the return value.
    return result if isinstance(result, int) and not isinstance(result, bool) else 0
