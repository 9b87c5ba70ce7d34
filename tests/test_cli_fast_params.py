"""Option values converted without pydantic give what typer's pydantic conversion gives, or defer to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import skillwallet.cli.app  # noqa: F401  (installs the plain conversion)
from skillwallet.cli import fast_params

NUMBER_TEXT = st.text(alphabet="0123456789+-._eE xinfa", max_size=8)


def typer_conversion(annotation, value, **info):
    """What typer's own (pydantic) conversion makes of ``value``: ("ok", result) or ("error", message)."""
    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer._display import get_error_msg
    from typer.models import OptionInfo
    from pydantic import ValidationError

    runtime = build_runtime_param(resolve_type_descriptor(annotation, OptionInfo(**info)))
    try:
        return "ok", runtime.adapter.validate_python(value)
    except ValidationError as exc:
        return "error", get_error_msg(exc)


def plain_conversion(kind, value, **info):
    from typer.models import OptionInfo

    try:
        return "ok", fast_params._convert(kind, value, OptionInfo(**info), None, None)
    except fast_params._Unsure:
        return "deferred", None


@pytest.mark.parametrize(("kind", "low"), [(int, 0), (float, 0.5)])
@settings(max_examples=300, deadline=None)
@given(text=NUMBER_TEXT)
def test_numbers_convert_as_typer_would_or_defer(kind, low, text):
    """A value converted directly is exactly typer's value; any other is deferred to typer, which decides."""
    outcome, value = plain_conversion(kind, text, min=low)
    if outcome == "ok":
        assert typer_conversion(kind, text, min=low) == ("ok", value) and type(value) is kind
    else:
        assert outcome == "deferred"


@pytest.mark.parametrize(
    ("text", "outcome"),
    [("30", ("ok", 30)), ("+7", ("ok", 7)), ("0", ("ok", 0)), ("-1", ("deferred", None)), ("1.5", ("deferred", None)),
     ("abc", ("deferred", None)), ("1_000", ("deferred", None)), (" 3", ("deferred", None))],
)
def test_plain_integers_and_what_is_left_to_typer(text, outcome):
    assert plain_conversion(int, text, min=0) == outcome


def test_types_outside_the_plain_set_keep_typer_conversion():
    from datetime import datetime

    assert fast_params._plain_kind(datetime) is None
    assert fast_params._plain_kind(Optional[int]) is int
    assert fast_params._plain_kind(List[Path]) == ("list", Path)
    assert fast_params._plain_kind(List[List[str]]) is None
    assert fast_params._plain_kind(Optional[List[str]]) == ("list", str)


def demo_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def demo(
        files: List[Path] = typer.Argument(...),
        count: int = typer.Option(3, "--count", min=1, max=10),
        ratio: Optional[float] = typer.Option(None, "--ratio", min=0.5),
        name: str = typer.Option("x", "--name"),
        existing: Optional[Path] = typer.Option(None, "--existing", exists=True),
        flag: bool = typer.Option(False, "--flag"),
    ) -> None:
        typer.echo(json.dumps({"files": [type(f).__name__ + ":" + str(f) for f in files], "count": count,
                               "ratio": ratio, "name": name, "existing": str(existing) if existing else None,
                               "flag": flag}))

    return app


def test_a_command_receives_real_types(tmp_path):
    result = CliRunner().invoke(
        demo_app(), ["a.json", "b/c.json", "--count", "7", "--ratio", "2.5", "--name", "n", "--existing",
                     str(tmp_path), "--flag"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "files": ["PosixPath:a.json", "PosixPath:b/c.json"], "count": 7, "ratio": 2.5, "name": "n",
        "existing": str(tmp_path), "flag": True,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["f", "--count", "0"], "Invalid value for '--count': Input should be greater than or equal to 1"),
        (["f", "--count", "11"], "Invalid value for '--count': Input should be less than or equal to 10"),
        (["f", "--count", "x"], "Invalid value for '--count': Input should be a valid integer, unable to parse string"),
        (["f", "--ratio", "0.1"], "Invalid value for '--ratio': Input should be greater than or equal to 0.5"),
        (["f", "--existing", "/nonexistent"], "Invalid value for '--existing': path '/nonexistent' does not exist."),
    ],
)
def test_refusals_are_typer_own_messages(args, message, monkeypatch):
    import typer.core
    from typer._coercion import build_runtime_param

    result = CliRunner().invoke(demo_app(), args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())  # typer draws its error box
    monkeypatch.setattr(typer.core, "build_runtime_param", build_runtime_param)  # typer's own conversion only
    reference = CliRunner().invoke(demo_app(), args)
    assert (reference.exit_code, reference.stderr) == (result.exit_code, result.stderr)


def test_accepted_values_are_what_typer_own_conversion_gives(tmp_path, monkeypatch):
    import typer.core
    from typer._coercion import build_runtime_param

    args = ["a.json", "--count", "+7", "--ratio", "1e1", "--existing", str(tmp_path)]
    fast = CliRunner().invoke(demo_app(), args)
    monkeypatch.setattr(typer.core, "build_runtime_param", build_runtime_param)
    reference = CliRunner().invoke(demo_app(), args)
    assert fast.exit_code == reference.exit_code == 0
    assert json.loads(fast.stdout) == json.loads(reference.stdout)


def test_installed_once_and_reported():
    import typer.core

    assert getattr(typer.core.build_runtime_param, "skillwallet_fast", False)
    assert fast_params.install() is True
