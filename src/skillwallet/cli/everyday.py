"""Everyday commands: ``expiring``, ``doctor`` and ``config show|get|set|path`` (issue 7)."""

from __future__ import annotations

from typing import Any

import typer

from skillwallet.cli.common import emit_json, info, stdout_console

JSON_OPTION_HELP = "Print a versioned JSON document on stdout instead of a table."

config_app = typer.Typer(
    name="config",
    help="Show and change settings (paper size, offline verification, KDF profile, trusted issuers).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _value_text(value: Any) -> str:
    """A config value as a person or a shell script reads it: booleans lower case, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


@config_app.command("show")
def config_show(json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP)) -> None:
    """Show every setting, its value and whether it comes from the config file or the defaults."""
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    current = config_module.load_config(path)
    defaults = config_module.Config().to_dict()
    in_file = config_module.keys_in_file(path)
    values = current.to_dict()
    if json_output:
        emit_json(
            "config",
            {
                "path": str(path),
                "exists": path.is_file(),
                "config": values,
                "defaults": defaults,
                "from_file": sorted(in_file),
            },
        )
        return
    from rich.table import Table

    table = Table(title=f"config: {path}", title_justify="left")
    table.add_column("key")
    table.add_column("value")
    table.add_column("source")
    table.add_column("accepts")
    for key, value in values.items():
        table.add_row(
            key,
            _value_text(value) or "(none)",
            "file" if key in in_file else "default",
            config_module.KEY_DESCRIPTIONS[key],
        )
    stdout_console().print(table)


@config_app.command("get")
def config_get(
    key: str = typer.Argument(..., help="The setting to print: paper, offline, kdf_profile or trusted_issuers."),
    json_output: bool = typer.Option(False, "--json", help=JSON_OPTION_HELP),
) -> None:
    """Print one setting's value (lists one item a line), for scripts."""
    from skillwallet import config as config_module

    value = config_module.get_value(config_module.load_config(), key)
    if json_output:
        emit_json("config-value", {"key": key, "value": value})
        return
    if isinstance(value, list):
        for item in value:
            typer.echo(item)
    else:
        typer.echo(_value_text(value))


@config_app.command("set")
def config_set(
    key: str = typer.Argument(..., help="The setting to change: paper, offline, kdf_profile or trusted_issuers."),
    value: str = typer.Argument(..., help="The new value; lists are comma-separated (\"\" for none)."),
) -> None:
    """Change one setting and save the config file atomically."""
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    updated = config_module.set_value(key, value, path)
    info(f"{key} = {_value_text(getattr(updated, key)) or '(none)'}  (saved to {path})")


@config_app.command("unset")
def config_unset(
    key: str = typer.Argument(..., help="The setting to remove from the file, so it follows the default again."),
) -> None:
    """Remove one setting from the config file (back to its default)."""
    from skillwallet import config as config_module
    from skillwallet.paths import config_file

    path = config_file()
    updated = config_module.unset_value(key, path)
    info(f"{key} = {_value_text(getattr(updated, key)) or '(none)'}  (default; saved to {path})")


@config_app.command("path")
def config_path() -> None:
    """Print where the config file lives (it need not exist yet)."""
    from skillwallet.paths import config_file

    typer.echo(str(config_file()))


def register(app: typer.Typer) -> None:
    """Add ``expiring``, ``doctor`` and the ``config`` group to ``app``."""
    app.add_typer(config_app, name="config")
