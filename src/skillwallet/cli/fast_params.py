"""Command-line values converted without pydantic when the conversion is plain.

typer 0.29 converts every parameter value (``--expiring 30``, ``FILE``, ``--passphrase-file``) through a pydantic
``TypeAdapter``, and importing pydantic and typer's adapters costs more than starting Python and importing typer
together: every real command (even ``skillwallet list --help``, which still converts the root options) paid it.
skillwallet's parameters are all ``str``, ``int``, ``float``, ``bool``, ``Path``, optional ones and lists of
those. For a value whose conversion is unambiguous (a decimal integer inside the option's range, a path string),
this module converts it directly; for anything else (a bad number, a value out of range, an unusual annotation,
a custom parser, clamping) it hands the value to typer's own pydantic conversion, so error messages and edge
cases stay exactly typer's. The result of a plain conversion is the same value pydantic would give.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

# A decimal integer and a decimal or exponent float, with nothing around them: what `int()`/`float()` and
# pydantic read identically. Anything else ("1_000", " 12", "0x1f", "inf") goes to pydantic.
_PLAIN_INT = re.compile(r"[+-]?[0-9]+\Z")
_PLAIN_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_SCALARS = (str, int, float, bool, Path)


class _Unsure(Exception):
    """The value needs typer's full conversion."""


def _plain_kind(annotation: Any) -> Any:
    """``str``/``int``/``float``/``bool``/``Path``, ``("list", kind)`` for ``List[...]`` of those, or None."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return _plain_kind(members[0]) if len(members) == 1 else None
    if origin is list:
        (item,) = get_args(annotation) or (None,)
        inner = _plain_kind(item)
        return ("list", inner) if inner is not None and not isinstance(inner, tuple) else None
    return annotation if annotation in _SCALARS else None


def _within_range(number: float, parameter_info: Any) -> bool:
    low, high = parameter_info.min, parameter_info.max
    return (low is None or number >= low) and (high is None or number <= high)


def _convert(kind: Any, value: Any, parameter_info: Any, param: Any, ctx: Any) -> Any:
    """The converted value, or raise :class:`_Unsure`."""
    if isinstance(kind, tuple):
        if not isinstance(value, (list, tuple)):
            raise _Unsure
        return [_convert(kind[1], item, parameter_info, param, ctx) for item in value]
    if kind is str:
        if isinstance(value, str):
            return value
    elif kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is int:
        if type(value) is int or (isinstance(value, str) and _PLAIN_INT.match(value)):
            number = int(value)
            if _within_range(number, parameter_info):
                return number
    elif kind is float:
        if type(value) in (int, float) or (isinstance(value, str) and _PLAIN_FLOAT.match(value)):
            number = float(value)
            if _within_range(number, parameter_info):
                return number
    elif kind is Path:
        if isinstance(value, (str, Path)) and value != "":
            from typer._param_types import coerce_cli_path

            # with a Path in hand typer checks exists/dir_okay/resolve_path itself and never calls pydantic
            return coerce_cli_path(Path(value), parameter_info, path_type=Path, param=param, ctx=ctx)
    raise _Unsure


def install() -> bool:
    """Make typer convert plain values directly (process-wide); False when typer's internals are not the expected ones."""
    try:
        import typer.core
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:
        return False
    if getattr(typer.core, "build_runtime_param", None) is not build_runtime_param:
        return getattr(typer.core.build_runtime_param, "skillwallet_fast", False)

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        kind: Any = None
        descriptor: Any = None
        _typer_param: dict = field(default_factory=dict, compare=False, repr=False)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return _convert(self.kind, value, self.parameter_info, param, ctx)
            except _Unsure:
                if "built" not in self._typer_param:
                    self._typer_param["built"] = build_runtime_param(self.descriptor)
                return self._typer_param["built"]._coerce_value(value, param=param, ctx=ctx)

    def fast_build_runtime_param(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        kind = _plain_kind(descriptor.annotation)
        plain = (
            kind is not None
            and descriptor.file_annotation is None
            and getattr(info, "parser", None) is None
            and getattr(info, "click_type", None) is None
            and not getattr(info, "clamp", False)
            and getattr(info, "path_type", None) in (None, Path)
        )
        if not plain:
            return build_runtime_param(descriptor)
        return PlainRuntimeParam(
            parameter_info=info, annotation=descriptor.annotation, kind=kind, descriptor=descriptor
        )

    fast_build_runtime_param.skillwallet_fast = True  # type: ignore[attr-defined]
    typer.core.build_runtime_param = fast_build_runtime_param
    return True


def _value_name(param: Any, ctx: Any, original: Any) -> str:
    """What help shows after an option with no metavar of its own: a word for what to type (FILE, N, ISSUER),
    never typer's type name (``<str>``, ``<list[str]>``, ``<float range>``, ``<path>``); nothing after an
    argument."""
    if getattr(param, "param_type_name", "") == "argument":
        return ""  # an argument's metavar (ID, FILE) already names it: no second word ("ID CREDENTIAL-ID")
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return original(param, ctx).strip("<>")
    if descriptor.is_path:
        return "FILE"
    if descriptor.is_datetime:
        return "DATE"
    if param.bare_type() in ("int", "float") or descriptor.is_ranged:
        return "N"
    return (param.name or "value").upper().replace("_", "-")


ORIGINAL_SHORT_HELP: Any = None  # typer's own shortening, which completion descriptions keep (one short line each)


def install_help_names() -> bool:
    """Help without type names: options show a word for their value, and no ``[x>=0]`` range notes (the range is
    enforced, and said in the error when missed). False when typer's internals are not the expected ones."""
    try:
        import typer.core
    except ImportError:  # pragma: no cover
        return False
    parameter = getattr(typer.core, "_TyperParameter", None)
    original = getattr(parameter, "display_type", None)
    if original is None or getattr(original, "skillwallet_names", False):
        return bool(original)

    def display_type(self: Any, ctx: Any) -> str:
        try:
            return _value_name(self, ctx, original)
        except Exception:  # noqa: BLE001 - typer's shape changed: its own label
            return original(self, ctx)

    display_type.skillwallet_names = True  # type: ignore[attr-defined]
    # The command list shows each command's whole first sentence (wrapped), not 45 characters and "...".
    import typer._click.core as click_core

    shorten = getattr(click_core, "make_default_short_help", None)
    if shorten is not None:
        global ORIGINAL_SHORT_HELP
        ORIGINAL_SHORT_HELP = shorten
        click_core.make_default_short_help = lambda help, max_length=45: " ".join(shorten(help, 100_000).split())
    parameter.display_type = display_type
    # Help wraps at spaces only: never "self-" at a line's end and "attested" on the next, nor an option
    # ("--issuer-name") split at its hyphen.
    try:
        import typer._click._textwrap as click_textwrap

        class WholeWordWrapper(click_textwrap.TextWrapper):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.setdefault("break_on_hyphens", False)
                super().__init__(*args, **kwargs)

        click_textwrap.TextWrapper = WholeWordWrapper
    except (ImportError, AttributeError):  # pragma: no cover - typer's shape changed: its own wrapping
        pass
    if hasattr(typer.core, "describe_number_range"):
        typer.core.describe_number_range = lambda low, high: None
    return True
