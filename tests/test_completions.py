"""Shell completions: the committed scripts match the app, and real bash, zsh and fish complete with them.

The real-shell tests fail (not skip) under CI when a shell is missing: `.ci/run` installs zsh and fish.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skillwallet.cli import completion_gen
from skillwallet.cli.app import run

REPO = Path(__file__).resolve().parents[1]
COMPLETIONS = REPO / "completions"
SHELL_TIMEOUT = 60


def require_shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install -y {name})"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the real-shell completion tests")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def bytecode_cache(tmp_path_factory) -> Path:
    """One bytecode folder for every subprocess of the session (as an installed package has), outside the tree."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture
def shell_env(tmp_path: Path, bytecode_cache: Path) -> dict[str, str]:
    """The environment for a real shell: a `skillwallet` on PATH that runs this checkout's package."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "skillwallet"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m skillwallet "$@"\n')
    launcher.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.pop("_SKILLWALLET_COMPLETE", None)
    env["PYTHONPATH"] = str(REPO / "src")
    env["PYTHONPYCACHEPREFIX"] = str(bytecode_cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def test_a_missing_shell_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the real-shell completion tests"):
        require_shell("fish")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="fish is not installed"):
        require_shell("fish")


def top_level_commands() -> set[str]:
    return {path for path, _help, _group in completion_gen.iter_commands() if " " not in path}


# --- drift ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("shell", completion_gen.SHELLS)
def test_committed_script_matches_the_app(shell):
    committed = (COMPLETIONS / completion_gen.COMPLETION_FILES[shell]).read_text(encoding="utf-8")
    assert committed == completion_gen.completion_script(shell), "run `make completions` and commit the result"


def test_check_mode_reports_drift(tmp_path):
    assert completion_gen.main(["completions", str(tmp_path)]) == 0
    assert completion_gen.main(["completions", str(tmp_path), "--check"]) == 0
    (tmp_path / "_skillwallet").write_text("#compdef skillwallet\n# stale\n")
    assert completion_gen.completion_drift(tmp_path) == ["_skillwallet"]
    assert completion_gen.main(["completions", str(tmp_path), "--check"]) == 1


@pytest.mark.parametrize("shell", completion_gen.SHELLS)
def test_source_instruction_prints_the_committed_script(shell, shell_env):
    env = dict(shell_env, _SKILLWALLET_COMPLETE=f"source_{shell}")
    result = subprocess.run(
        [sys.executable, "-m", "skillwallet"], env=env, capture_output=True, text=True, timeout=SHELL_TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    committed = (COMPLETIONS / completion_gen.COMPLETION_FILES[shell]).read_text(encoding="utf-8")
    assert result.stdout == committed


def test_unknown_shell_is_refused_quietly(capsys, monkeypatch):
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "source_tcsh")
    code = run([])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "tcsh" in captured.err


# --- real shells ---------------------------------------------------------------------------------


def bash_complete(shell_env: dict[str, str], words: list[str]) -> list[str]:
    """Source the bash script and call its completion function the way bash's `complete -F` does."""
    bash = require_shell("bash")
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    script = textwrap.dedent(
        f"""
        source '{COMPLETIONS / "skillwallet.bash"}'
        spec=$(complete -p skillwallet) || exit 3
        [[ "$spec" == *"-F _skillwallet_completion"* ]] || exit 4
        COMP_WORDS=({quoted})
        COMP_CWORD={len(words) - 1}
        COMP_LINE="${{COMP_WORDS[*]}}"
        COMP_POINT=${{#COMP_LINE}}
        _skillwallet_completion skillwallet '{words[-1]}' '{words[-2]}'
        printf '%s\\n' "${{COMPREPLY[@]}}"
        """
    )
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.shells
def test_bash_completes_top_level_commands(shell_env):
    replies = bash_complete(shell_env, ["skillwallet", ""])
    assert top_level_commands() <= set(replies)
    assert "config" in replies


@pytest.mark.shells
def test_bash_completes_a_prefix_and_a_subcommand(shell_env):
    assert bash_complete(shell_env, ["skillwallet", "con"]) == ["config"]
    assert sorted(bash_complete(shell_env, ["skillwallet", "config", "s"])) == ["set", "show"]
    assert "--json" in bash_complete(shell_env, ["skillwallet", "config", "show", "--"])


ZSH_CAPTURE = r"""
zmodload zsh/zpty || exit 5
zpty z zsh -f -i
zpty -w z "PROMPT='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
if [[ $3 == source ]]; then
  zpty -w z "source $1/_skillwallet"
fi
# Report every match zsh's completion system adds (compadd is what _arguments calls in the end).
zpty -w z 'compadd () { local -a __hits; local __h; builtin compadd -O __hits "$@"; for __h in $__hits; do print -r -- "<<MATCH $__h>>"; done; builtin compadd "$@" }'
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no"
zpty -w z "print -r -- '<<READY''>>'"
zpty -r z line '*<<READY>>*'
zpty -n -w z "$2"$'\t'
# Let the completion finish before typing on: zsh's completion gives way to pending input ("typeahead"),
# so keys sent at once could cut it short on a busy machine. Read until matches arrived and output is quiet.
zmodload zsh/zselect
out=""
integer tick=0 idle=0
while (( tick < 400 )); do
  if zpty -r -t z chunk; then out+=$chunk; idle=0; else (( idle++ )); zselect -t 5; fi
  [[ $out == *'<<MATCH'* ]] && (( idle >= 8 )) && break
  (( tick++ ))
done
zpty -w z $'\C-u'"print -r -- '<<DONE''>>'"
zpty -r z rest '*<<DONE>>*'
out+=$rest
print -r -- "$out" | grep -a -o '<<MATCH [^>]*>>'
zpty -d z
exit 0
"""


def zsh_complete(shell_env: dict[str, str], tmp_path: Path, line: str, mode: str) -> set[str]:
    """Type ``line`` and TAB in an interactive zsh (under zpty), with the script autoloaded or sourced."""
    zsh = require_shell("zsh")
    capture = tmp_path / "capture.zsh"
    capture.write_text(ZSH_CAPTURE)
    result = subprocess.run(
        [zsh, "-f", str(capture), str(COMPLETIONS), line, mode],
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return {line[len("<<MATCH ") : -2] for line in result.stdout.splitlines() if line.startswith("<<MATCH ")}


@pytest.mark.shells
@pytest.mark.parametrize("mode", ["fpath", "source"])
def test_zsh_completes_on_the_first_tab(shell_env, tmp_path, mode):
    """Autoloaded from fpath via compinit (as installed in site-functions) and sourced: both complete at once."""
    assert zsh_complete(shell_env, tmp_path, "skillwallet con", mode) == {"config"}
    assert zsh_complete(shell_env, tmp_path, "skillwallet config ", mode) == {"show", "get", "set", "unset", "path"}
    assert top_level_commands() <= zsh_complete(shell_env, tmp_path, "skillwallet ", mode)


def fish_complete(shell_env: dict[str, str], line: str) -> list[str]:
    fish = require_shell("fish")
    script = f"source '{COMPLETIONS / 'skillwallet.fish'}'; complete -C '{line}'"
    result = subprocess.run(
        [fish, "--no-config", "-c", script], env=shell_env, capture_output=True, text=True, timeout=SHELL_TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    return [entry.split("\t", 1)[0] for entry in result.stdout.splitlines() if entry]


@pytest.mark.shells
def test_fish_completes_commands_with_descriptions(shell_env):
    assert fish_complete(shell_env, "skillwallet con") == ["config"]
    assert sorted(fish_complete(shell_env, "skillwallet config ")) == ["get", "path", "set", "show", "unset"]
    assert top_level_commands() <= set(fish_complete(shell_env, "skillwallet "))
    if "verify" in top_level_commands():
        assert "verify" in fish_complete(shell_env, "skillwallet ver")


@pytest.mark.shells
def test_fish_finds_the_script_as_installed(shell_env, tmp_path):
    """fish autoloads `<name>.fish` from a completions folder, like vendor_completions.d."""
    fish = require_shell("fish")
    folder = tmp_path / "vendor_completions.d"
    folder.mkdir()
    shutil.copy(COMPLETIONS / "skillwallet.fish", folder / "skillwallet.fish")
    script = f"set -p fish_complete_path '{folder}'; complete -C 'skillwallet con'"
    result = subprocess.run(
        [fish, "--no-config", "-c", script], env=shell_env, capture_output=True, text=True, timeout=SHELL_TIMEOUT
    )
    assert result.stdout.split("\t")[0] == "config"


# --- completion never opens the wallet and never prompts ------------------------------------------


def _wallet_snapshot(home: Path) -> dict[str, tuple[int, int]]:
    if not home.exists():
        return {}
    return {
        str(p.relative_to(home)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(home.rglob("*")) if p.is_file()
    }


def _make_locked_wallet(shell_env: dict[str, str]) -> Path:
    """A wallet that needs a passphrase: a real one when `init` exists, else files at the wallet location."""
    home = Path(shell_env["SKILLWALLET_HOME"])
    if "init" in top_level_commands():
        env = dict(shell_env, SKILLWALLET_PASSPHRASE="correct horse battery staple")
        subprocess.run(
            [sys.executable, "-m", "skillwallet", "init"],
            env=env,
            input="",
            capture_output=True,
            text=True,
            timeout=SHELL_TIMEOUT,
            check=True,
        )
    else:
        home.mkdir(parents=True, mode=0o700, exist_ok=True)
        (home / "wallet.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    return home


def test_completion_never_prompts_or_touches_the_wallet(shell_env):
    home = _make_locked_wallet(shell_env)
    before = _wallet_snapshot(home)
    assert before, "the wallet folder should hold a wallet"
    # every command path, completing its first argument (where custom completers run); options are a static list
    lines = ["skillwallet ", "skillwallet --"] + [
        f"skillwallet {path} " for path, _h, _g in completion_gen.iter_commands()
    ]
    def complete(line: str) -> tuple[str, subprocess.CompletedProcess]:
        words = line.split(" ")
        env = dict(shell_env, _SKILLWALLET_COMPLETE="complete_bash", COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
        # stdin is a pipe nobody writes to: a prompt would block until the timeout
        return line, subprocess.run(
            [sys.executable, "-m", "skillwallet"],
            env=env,
            stdin=subprocess.PIPE,
            capture_output=True,
            text=True,
            timeout=SHELL_TIMEOUT,
        )

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(complete, lines))
    for line, result in outcomes:
        assert result.returncode == 0, (line, result.stderr)
        # a prompt (getpass writes it to stderr) or any error would show here; option names may say "passphrase"
        assert result.stderr == "", (line, result.stderr)
        assert "passphrase:" not in result.stdout.lower(), line
    assert _wallet_snapshot(home) == before


def test_completion_in_process_never_reaches_the_wallet(monkeypatch, capsys):
    """Completing every command path never touches the wallet: the opener and the store's file access are
    patched to record any call."""
    from skillwallet.cli import session
    from skillwallet.store.wallet import Wallet

    touched = []

    def record(name):
        def refuse(*args, **kwargs):
            touched.append(name)
            raise AssertionError(f"completion called {name}")

        return refuse

    monkeypatch.setattr(session, "open_wallet", record("cli.session.open_wallet"))
    monkeypatch.setattr(Wallet, "open", classmethod(record("Wallet.open")))
    monkeypatch.setattr(Wallet, "_connect_existing", staticmethod(record("Wallet._connect_existing")))
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "complete_fish")
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    for path, _h, _g in completion_gen.iter_commands():
        monkeypatch.setenv("_TYPER_COMPLETE_ARGS", f"skillwallet {path} ")
        assert run([]) == 0
    capsys.readouterr()
    assert touched == []


def test_completion_in_process_leaves_value_conversion_as_it_was(monkeypatch, capsys):
    """Completion skips typer's value conversion while it answers; the process goes on converting afterwards
    (a test run, or a program embedding the CLI, would otherwise get option values as raw text)."""
    import typer.core

    before = typer.core.build_runtime_param
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "complete_fish")
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "skillwallet stack --goal ")
    assert run([]) == 0
    capsys.readouterr()
    assert typer.core.build_runtime_param is before


# --- staying fast ------------------------------------------------------------------------------------

HEAVY_MODULES = ("pyld", "reportlab", "PIL", "zxingcpp", "jsonschema", "icalendar", "pydantic", "cryptography",
                 "rich", "qrcode", "sqlite3")

IMPORT_PROBE = """
import contextlib, io, sys
from skillwallet.cli.app import run
with contextlib.redirect_stdout(io.StringIO()):
    code = run(sys.argv[1:])
print(code, " ".join(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


@pytest.mark.parametrize(
    ("args", "extra_env"),
    [
        (["--help"], {}),
        ([], {"_SKILLWALLET_COMPLETE": "complete_bash", "COMP_WORDS": "skillwallet con", "COMP_CWORD": "1"}),
        ([], {"_SKILLWALLET_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args",
              "_TYPER_COMPLETE_ARGS": "skillwallet config set paper "}),
        # a subcommand converts the root options (--passphrase-file is a Path) and its own (DAYS, --as-of):
        # plain values must not pull in pydantic (cli/fast_params.py)
        (["list", "--help"], {}),
        (["config", "get", "paper"], {}),
        (["--debug", "--passphrase-file", "/nonexistent/passphrase", "config", "get", "offline"], {}),
    ],
    ids=["help", "complete-command", "complete-value", "subcommand-help", "config-get", "options-converted"],
)
def test_help_and_completion_load_no_heavy_library(shell_env, args, extra_env):
    """Every TAB runs skillwallet: completion (like --help) must not load PDF, QR, JSON-LD, crypto or UI libraries."""
    probe = IMPORT_PROBE.format(heavy=HEAVY_MODULES)
    result = subprocess.run(
        [sys.executable, "-c", probe, *args],
        env=dict(shell_env, **extra_env),
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT,
    )
    code, _, loaded = result.stdout.strip().partition(" ")
    assert code == "0", result.stderr
    assert loaded == "", f"loaded on a hot path: {loaded}"


def test_importtime_of_help_names_no_heavy_library(shell_env):
    """`python -X importtime -m skillwallet list --help`: the interpreter's own list of every module imported.
    (`skillwallet --help` alone prints its pre-rendered text without typer at all.)"""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "skillwallet", "list", "--help"],
        env=shell_env, capture_output=True, text=True, timeout=SHELL_TIMEOUT,
    )
    assert result.returncode == 0 and "Usage: skillwallet list" in result.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "typer" in imported and "skillwallet.cli.app" in imported  # the list is real and complete
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY_MODULES)
    assert heavy == [], f"--help imported: {heavy}"
