"""Shell completion at run time: the answers to completion requests, the scripts, the values offered at TAB.

Everything here works on the command tree it is handed (the Typer app), so the app imports this module to
answer ``$_SKILLWALLET_COMPLETE`` without this module importing the app. Generating the committed files from
the app (``completions/``, ``cli/root_help.py``, the README command list) is cli/completion_gen.py.

Typer's own completion machinery does the work (typer 0.29 vendors click as ``typer._click``):

- ``_SKILLWALLET_COMPLETE=source_bash|source_zsh|source_fish skillwallet`` prints a script;
- the scripts call ``skillwallet`` back with ``_SKILLWALLET_COMPLETE=complete_bash|complete_zsh|complete_fish``
  and the words typed so far; typer answers from the command tree and the completers below. No command callback
  runs, so completion never prompts and never asks for the passphrase. It reads the wallet only through a live
  ``SKILLWALLET_SESSION``, read-only (see "values offered at TAB").

The zsh script differs from typer's stock one: typer's starts with ``#compdef`` but only *defines* the
completer, so when zsh autoloads it from ``fpath`` (how ``share/zsh/site-functions/_skillwallet`` is used)
the first TAB completes nothing. Ours calls the completer when autoloaded and registers it with ``compdef``
when sourced (the same test on ``zsh_eval_context`` click 8.1 uses).
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Iterator

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
# Completion runs before any command and must never ask for anything or run a key derivation. What is not secret
# is always offered: the built-in pathway catalogue shipped with skillwallet (goal and pathway ids). Credential ids
# and tags live only inside the encrypted wallet, and there is no unencrypted index of them (shared SECURITY.md:
# everything about the holder is encrypted before it reaches SQLite), so they are offered only while the user has
# a live session (``eval "$(skillwallet unlock)"`` set SKILLWALLET_SESSION): the session's sealed data key opens
# the wallet without a KDF. Never a passphrase (SKILLWALLET_PASSPHRASE, a passphrase file) or a prompt: a TAB
# must not cost a quarter second of Argon2id, nor turn a stray key press into a use of the passphrase.
#
# The wallet is opened read-only (Wallet.open(read_only=True)): no byte of the wallet folder changes, the session
# is neither extended nor ended (an expired one is left for the next command), the rollback record is not
# written. Only the small index records are read (what ``list --json`` reads). Without a session, with an
# expired or foreign one, or on any error, the completers offer nothing and print nothing.
#
# Titles come from whoever issued a credential and are shown by the shell beside an id; zsh's completion even
# evals what it is handed. So a description keeps only letters, digits, spaces and harmless punctuation (no
# quote, no $, no backslash, no control or escape character), and a tag is offered only when it is made of
# such characters too (a value the shell inserts as typed).

SESSION_ENV = "SKILLWALLET_SESSION"
ID_PREFIX_MINIMUM = 7  # the length ``list`` cuts ids to at least (cli.common.unique_prefix_length)
DESCRIPTION_MAX = 60
_WALLET_ID = re.compile(r"[0-9a-f]{12}")
_SAFE_VALUE = re.compile(r"[\w.@+/-]+")
# anything but letters, digits, spaces and a few harmless signs (``\w`` is Unicode-aware; ``\s`` would let
# control characters such as U+001C through)
_UNSAFE_IN_DESCRIPTION = re.compile(r"[^\w \-.,()/+&\u2019]")


def wallet_index() -> list[dict[str, Any]]:
    """The ``list --json`` object of every credential when a live session can read the wallet, else ``[]``.

    Never raises and never writes to stdout or stderr: whatever goes wrong, completion offers nothing.
    """
    token = os.environ.get(SESSION_ENV)
    if not token:
        return []
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read_index(token)
    except Exception:
        return []


def _read_index(token: str) -> list[dict[str, Any]]:
    from skillwallet import paths
    from skillwallet.store import session as sessions

    info = sessions.session_info(token)  # reads the session file only: an expired session stops here
    if info is None:
        return []
    home = paths.wallet_home()
    if info.get("home") != str(home.resolve()):  # a session of another wallet
        return []
    from skillwallet.store import Wallet, wallet_path

    if not wallet_path(home).exists():
        return []
    with Wallet.open(home, session_token=token, read_only=True) as wallet:
        return wallet.list_summaries()


def _description(text: Any) -> str:
    """``text`` as one short line of harmless characters (it came from a credential's issuer)."""
    if not isinstance(text, str):
        return ""
    text = text.replace("'", "\u2019")
    cleaned = " ".join(_UNSAFE_IN_DESCRIPTION.sub(" ", text).split())
    if len(cleaned) > DESCRIPTION_MAX:
        cleaned = cleaned[: DESCRIPTION_MAX - 1].rstrip() + "\u2026"
    return cleaned


def _credentials(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item.get("id"), str) and _WALLET_ID.fullmatch(item["id"])]


def _tags_of(item: dict[str, Any]) -> list[str]:
    tags = item.get("tags")
    return [t for t in tags if isinstance(t, str) and _SAFE_VALUE.fullmatch(t)] if isinstance(tags, list) else []


def complete_credential_id(incomplete: str) -> list[tuple[str, str]]:
    """``show 3f<TAB>``, ``export --id <TAB>``: ids of the wallet's credentials, as short as ``list`` shows them
    (the shortest prefix of at least 7 characters that tells every id apart, like git), with the title."""
    from skillwallet.cli.common import unique_prefix_length

    items = _credentials(wallet_index())
    if not items:
        return []
    length = unique_prefix_length((item["id"] for item in items), ID_PREFIX_MINIMUM)
    typed = (incomplete or "").strip().lower()
    out = []
    for item in items:
        if item["id"].startswith(typed):
            value = item["id"][:length] if len(typed) <= length else item["id"]
            out.append((value, _description(item.get("title"))))
    return out


def complete_tag(incomplete: str) -> list[tuple[str, str]]:
    """``list --tag <TAB>``: every tag in the wallet, with how many credentials carry it."""
    return _tag_counts(_credentials(wallet_index()), incomplete)


def _named_credential(items: list[dict[str, Any]], id_or_prefix: Any) -> dict[str, Any] | None:
    """The one credential an id or prefix typed earlier on the line names, if exactly one."""
    if not isinstance(id_or_prefix, str) or not id_or_prefix.strip():
        return None
    wanted = id_or_prefix.strip().lower()
    matches = [item for item in items if item["id"].startswith(wanted)]
    return matches[0] if len(matches) == 1 else None


def _typed(ctx: Any, name: str) -> set[str]:
    value = getattr(ctx, "params", {}).get(name) if ctx is not None else None
    if isinstance(value, str):
        return {value}
    return {v for v in value if isinstance(v, str)} if isinstance(value, (list, tuple)) else set()


def complete_tag_to_add(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """``tag ID <TAB>``: the wallet's tags the credential does not have yet (and not typed already)."""
    items = _credentials(wallet_index())
    named = _named_credential(items, getattr(ctx, "params", {}).get("credential_id"))
    has = set(_tags_of(named)) if named else set()
    skip = has | _typed(ctx, "tags")
    return [(tag, help_) for tag, help_ in _tag_counts(items, incomplete) if tag not in skip]


def complete_tag_to_remove(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """``untag ID <TAB>``: the tags the credential has (not typed already)."""
    named = _named_credential(_credentials(wallet_index()), getattr(ctx, "params", {}).get("credential_id"))
    if named is None:
        return []
    skip = _typed(ctx, "tags")
    return [(tag, "") for tag in _tags_of(named) if tag.startswith(incomplete or "") and tag not in skip]


def _tag_counts(items: list[dict[str, Any]], incomplete: str) -> list[tuple[str, str]]:
    counts: dict[str, int] = {}
    for item in items:
        for tag in _tags_of(item):
            counts[tag] = counts.get(tag, 0) + 1
    return [
        (tag, f"{n} credential" + ("s" if n != 1 else ""))
        for tag, n in sorted(counts.items())
        if tag.startswith(incomplete or "")
    ]


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
    restore_help = _plain_help_as_is()
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
        restore_help()
    return 0


# what rich would render unchanged: no markup ([...]), no emoji code (:name:), no line to wrap
_PLAIN_HELP = re.compile(r"[\w \-.,()/+&\u2019\u2026]{0,72}")


def _plain_help_as_is() -> Callable[[], None]:
    """Hand plain descriptions to the shell as they are; returns what puts typer's rendering back.

    typer's zsh and fish completion render every description through rich to strip markup: about 0.2 ms an
    item, plus importing rich, which for a thousand credential ids is most of a TAB. A description made only of
    the characters the wallet's values are cut down to (see :func:`_description`) has nothing to strip.
    """
    try:
        import typer._completion_classes as classes
    except ImportError:
        return lambda: None
    original = getattr(classes, "_sanitize_help_text", None)
    if original is None:
        return lambda: None
    classes._sanitize_help_text = lambda text: text if _PLAIN_HELP.fullmatch(text) else original(text)

    def restore() -> None:
        classes._sanitize_help_text = original

    return restore


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
