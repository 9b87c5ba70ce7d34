"""Shell completions: the committed scripts match the app, and real bash, zsh and fish complete with them.

The real-shell tests fail (not skip) under CI when a shell is missing: `.ci/run` installs zsh and fish.
"""

from __future__ import annotations

import json
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
PASSPHRASE = "correct horse battery staple"
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


# --- without a live session completion never opens the wallet and never prompts ---------------------------


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


def test_completion_never_prompts_or_touches_the_wallet(shell_env, tmp_path):
    """No session: nothing but the command tree, even with a passphrase in the environment and a passphrase
    file (a TAB never runs a key derivation and never asks)."""
    home = _make_locked_wallet(shell_env)
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    shell_env = dict(shell_env, SKILLWALLET_PASSPHRASE=PASSPHRASE, SKILLWALLET_PASSPHRASE_FILE=str(secret))
    before = _wallet_snapshot(home)
    assert before, "the wallet folder should hold a wallet"
    # every command path, completing its first argument (where custom completers run); options are a static list
    lines = ["skillwallet ", "skillwallet --"] + [
        f"skillwallet {path} " for path, _h, _g in completion_gen.iter_commands()
    ] + [f"skillwallet {line}" for line in WALLET_VALUE_LINES]
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


def test_completion_in_process_never_reaches_the_wallet(monkeypatch, capsys, tmp_path):
    """Without a session, completing every command path (and every value that lives in the wallet) never touches
    the wallet, although one is there and a passphrase is in the environment: the opener, the store's file access
    and the KDF are patched to record any call."""
    from skillwallet.cli import session
    from skillwallet.store import crypto
    from skillwallet.store.wallet import Wallet

    Wallet.init(Path(os.environ["SKILLWALLET_HOME"]), PASSPHRASE).close()
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE_FILE", str(secret))
    touched = []

    def record(name):
        def refuse(*args, **kwargs):
            touched.append(name)
            raise AssertionError(f"completion called {name}")

        return refuse

    monkeypatch.setattr(session, "open_wallet", record("cli.session.open_wallet"))
    monkeypatch.setattr(Wallet, "open", classmethod(record("Wallet.open")))
    monkeypatch.setattr(Wallet, "_connect_existing", staticmethod(record("Wallet._connect_existing")))
    monkeypatch.setattr(crypto, "derive_kek", record("crypto.derive_kek"))
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "complete_fish")
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    lines = [f"skillwallet {path} " for path, _h, _g in completion_gen.iter_commands()]
    lines += [f"skillwallet {line}" for line in WALLET_VALUE_LINES]
    for line in lines:
        monkeypatch.setenv("_TYPER_COMPLETE_ARGS", line)
        assert run([]) == 0
    captured = capsys.readouterr()
    assert touched == []
    assert captured.err == ""


#: completions whose values live in the wallet (credential ids, tags): what follows ``skillwallet``
WALLET_VALUE_LINES = ["show ", "remove ", "note ", "tag ", "untag ", "verify ", "export --id ", "export --qr ",
                      "export --linkedin ", "list --tag ", "export --tag "]


# --- with a live session: credential ids and tags, read-only ----------------------------------------------

HOSTILE_TITLE = "Cloud \x1b[31mArchitect\x1b[0m: it's $(touch PWNED) `touch PWNED` \"x\" \\ ; | \u202eevil"


@pytest.fixture
def live_wallet(monkeypatch, capsys) -> dict:
    """A real wallet with five credentials (two tagged, one with a hostile title) and a live session made by the
    real `unlock`; afterwards only SKILLWALLET_SESSION is set (no passphrase anywhere)."""
    from datetime import datetime, timezone

    from skillwallet.model import Credential, Issuer
    from skillwallet.store.wallet import Wallet

    titles = ["Python Programming", "SQL Basics", "First Aid", "Kubernetes Admin", HOSTILE_TITLE]
    home = Path(os.environ["SKILLWALLET_HOME"])
    with Wallet.init(home, PASSPHRASE) as wallet:
        stored = wallet.add_credentials([
            Credential(format="ob3", original=f'{{"n": {n}}}'.encode(), credential_id=f"urn:uuid:{n:08d}", title=title,
                       issuer=Issuer(id="https://issuer.example/", name="Issuer"),
                       issued=datetime(2024, 1, 1 + n, tzinfo=timezone.utc))
            for n, title in enumerate(titles)
        ])
        ids = {title: wallet_id for title, (wallet_id, _created) in zip(titles, stored)}
        wallet.set_tags(ids["Python Programming"], ["cloud", "job-apps", "two words"])
        wallet.set_tags(ids["SQL Basics"], ["cloud", "data"])
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", PASSPHRASE)
    capsys.readouterr()
    assert run(["unlock", "--raw", "--for", "15min"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("sw1.")
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    monkeypatch.setenv("SKILLWALLET_SESSION", token)
    (session_file,) = (Path(os.environ["SKILLWALLET_STATE_DIR"]) / "sessions").iterdir()
    return {"ids": ids, "home": home, "session_file": session_file, "token": token}


@pytest.fixture
def session_token(live_wallet) -> str:
    return live_wallet["token"]


def complete_in_process(monkeypatch, capsys, line: str) -> list[tuple[str, str]]:
    """(value, description) pairs fish would get for ``line`` from the in-process CLI; nothing on stderr."""
    monkeypatch.setenv("_SKILLWALLET_COMPLETE", "complete_fish")
    monkeypatch.setenv("_TYPER_COMPLETE_FISH_ACTION", "get-args")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", line)
    capsys.readouterr()
    assert run([]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return [tuple(entry.split("\t", 1)) if "\t" in entry else (entry, "") for entry in captured.out.splitlines() if entry]


def _folder_snapshot(*folders: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folders``: bytes and mtime (folders' own mtimes too: a file made and removed shows)."""
    out = {}
    for folder in folders:
        for path in [folder, *sorted(folder.rglob("*"))]:
            stat = path.stat()
            out[str(path)] = (path.read_bytes() if path.is_file() else b"", stat.st_mtime_ns)
    return out


def test_a_live_session_offers_short_credential_ids_with_titles(live_wallet, session_token, monkeypatch, capsys):
    from skillwallet.cli.common import unique_prefix_length

    ids = live_wallet["ids"]
    length = unique_prefix_length(ids.values())
    expected = {wallet_id[:length]: title for title, wallet_id in ids.items() if title != HOSTILE_TITLE}
    for line in ["show ", "remove ", "note ", "tag ", "untag ", "verify ", "export --id ", "export --qr ",
                 "export --linkedin ", "export --id x --id "]:
        offered = dict(complete_in_process(monkeypatch, capsys, f"skillwallet {line}"))
        assert len(offered) == len(ids), line
        assert {k: v for k, v in offered.items() if k in expected} == expected, line
        assert all(len(value) == length for value in offered), line
    # a prefix narrows to the ids it starts; more typed than the short id: the full id
    some = ids["First Aid"]
    assert sorted(complete_in_process(monkeypatch, capsys, f"skillwallet show {some[:2]}")) == sorted(
        (i[:length], t) for t, i in ids.items() if i.startswith(some[:2]))
    assert complete_in_process(monkeypatch, capsys, f"skillwallet show {some[:length + 1]}") == [(some, "First Aid")]
    assert complete_in_process(monkeypatch, capsys, "skillwallet show zz") == []
    # what is offered resolves: the short id names the credential
    from skillwallet.store.wallet import Wallet

    with Wallet.open(live_wallet["home"], session_token=session_token) as wallet:
        for short, title in expected.items():
            assert wallet.get_credential(short).credential.title == title


def test_a_live_session_offers_tags(live_wallet, session_token, monkeypatch, capsys):
    ids = live_wallet["ids"]
    every = [("cloud", "2 credentials"), ("data", "1 credential"), ("job-apps", "1 credential")]
    assert complete_in_process(monkeypatch, capsys, "skillwallet list --tag ") == every
    assert complete_in_process(monkeypatch, capsys, "skillwallet export --tag c") == [("cloud", "2 credentials")]
    assert complete_in_process(monkeypatch, capsys, "skillwallet export --tag cloud --tag ") == every
    # `tag ID`: the wallet's tags the credential does not have yet, less those typed; `untag ID`: its own
    sql = ids["SQL Basics"]
    assert complete_in_process(monkeypatch, capsys, f"skillwallet tag {sql[:8]} ") == [("job-apps", "1 credential")]
    assert [v for v, _ in complete_in_process(monkeypatch, capsys, f"skillwallet tag {ids['First Aid']} ")] == [
        "cloud", "data", "job-apps"]
    assert [v for v, _ in complete_in_process(monkeypatch, capsys, f"skillwallet tag {ids['First Aid']} data ")] == [
        "cloud", "job-apps"]
    python = ids["Python Programming"]
    assert [v for v, _ in complete_in_process(monkeypatch, capsys, f"skillwallet untag {python} ")] == ["cloud", "job-apps"]
    assert [v for v, _ in complete_in_process(monkeypatch, capsys, f"skillwallet untag {python} cloud ")] == ["job-apps"]
    # a tag the shell could not insert as one word ("two words") is never offered
    assert all(" " not in v for line in ("list --tag ", f"untag {python} ") for v, _ in
               complete_in_process(monkeypatch, capsys, f"skillwallet {line}"))


def test_a_hostile_title_reaches_the_shell_harmless(live_wallet, session_token, monkeypatch, capsys):
    """A title is written by the issuer: no escape sequence, quote, $ or backtick reaches the shell's list."""
    hostile = live_wallet["ids"][HOSTILE_TITLE]
    (entry,) = [d for v, d in complete_in_process(monkeypatch, capsys, "skillwallet show ") if hostile.startswith(v)]
    assert entry.startswith("Cloud 31mArchitect 0m it\u2019s (touch PWNED) touch PWNED x")
    assert not set(entry) & set("\x1b$`'\"\\;|\u202e")


def test_completing_with_a_session_writes_nothing(live_wallet, session_token, monkeypatch, capsys):
    """Read-only: not the wallet folder, not the session (neither extended nor ended), not the rollback record,
    although this wallet's rollback record is behind (an ordinary open brings it up to date, shown last)."""
    from skillwallet.store.seen import seen_record_path
    from skillwallet.store.wallet import Wallet

    home = live_wallet["home"]
    record = seen_record_path(home)
    behind = record.read_bytes()
    with Wallet.open(home, session_token=session_token) as wallet:
        wallet.set_note(live_wallet["ids"]["First Aid"], "a later write")
    record.write_bytes(behind)
    state = Path(os.environ["SKILLWALLET_STATE_DIR"])
    before = _folder_snapshot(home, state)
    for line in WALLET_VALUE_LINES:
        assert complete_in_process(monkeypatch, capsys, f"skillwallet {line}"), line
    assert _folder_snapshot(home, state) == before
    # the same record, read by an ordinary command through the same session, is brought up to date
    monkeypatch.delenv("_SKILLWALLET_COMPLETE")
    assert run(["list", "--json"]) == 0
    assert record.read_bytes() != behind


def test_no_session_an_expired_or_a_foreign_one_offers_nothing_and_opens_nothing(
    live_wallet, session_token, monkeypatch, capsys, tmp_path
):
    import time

    from skillwallet.store import crypto
    from skillwallet.store.wallet import Wallet

    opened = []
    real_open = Wallet.open.__func__

    def spy(cls, *args, **kwargs):
        opened.append(kwargs)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Wallet, "open", classmethod(spy))
    monkeypatch.setattr(crypto, "derive_kek", lambda *a, **k: pytest.fail("completion ran the KDF"))
    # a passphrase in the environment changes nothing: completion uses a session or nothing
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", PASSPHRASE)
    assert complete_in_process(monkeypatch, capsys, "skillwallet show ")
    assert opened == [{"session_token": session_token, "read_only": True}]

    opened.clear()
    state = Path(os.environ["SKILLWALLET_STATE_DIR"])
    home = live_wallet["home"]
    for token in ("", "not-a-token", "sw1." + "0" * 24 + ".AAAA"):
        monkeypatch.setenv("SKILLWALLET_SESSION", token)
        for line in WALLET_VALUE_LINES:
            assert complete_in_process(monkeypatch, capsys, f"skillwallet {line}") == [], (token, line)
    monkeypatch.delenv("SKILLWALLET_SESSION")
    assert complete_in_process(monkeypatch, capsys, "skillwallet show ") == []
    # the session of another wallet home: not opened
    monkeypatch.setenv("SKILLWALLET_SESSION", session_token)
    monkeypatch.setenv("SKILLWALLET_HOME", str(tmp_path / "elsewhere"))
    assert complete_in_process(monkeypatch, capsys, "skillwallet show ") == []
    monkeypatch.setenv("SKILLWALLET_HOME", str(home))
    assert opened == []

    # expired: nothing offered, nothing opened, no file changed (the session file is left for the next command)
    before = _folder_snapshot(home, state)
    expires = json.loads(live_wallet["session_file"].read_bytes())["expires"]
    monkeypatch.setattr(time, "time", lambda: expires + 1.0)
    for line in WALLET_VALUE_LINES:
        assert complete_in_process(monkeypatch, capsys, f"skillwallet {line}") == [], line
    assert opened == []
    assert _folder_snapshot(home, state) == before


def test_a_damaged_wallet_with_a_live_session_offers_nothing_quietly(live_wallet, session_token, monkeypatch, capsys):
    path = live_wallet["home"] / "wallet.sqlite"
    data = bytearray(path.read_bytes())
    data[len(data) // 2 :] = b"\xff" * (len(data) - len(data) // 2)
    path.write_bytes(bytes(data))
    before = _folder_snapshot(live_wallet["home"])
    for line in WALLET_VALUE_LINES:
        assert complete_in_process(monkeypatch, capsys, f"skillwallet {line}") == [], line
    assert _folder_snapshot(live_wallet["home"]) == before


def test_completing_while_another_process_writes_reads_its_commits(live_wallet, session_token, monkeypatch, capsys):
    """While another connection has the wallet open (its WAL holds a commit the file has not yet), completion
    reads through the WAL and writes neither the wallet file nor the WAL."""
    from skillwallet.store.wallet import Wallet

    home = live_wallet["home"]
    with Wallet.open(home, session_token=session_token) as writer:
        writer.set_tags(live_wallet["ids"]["First Aid"], ["held-open"])
        assert (home / "wallet.sqlite-wal").exists()
        before = {name: _folder_snapshot(home)[str(home / name)] for name in ("wallet.sqlite", "wallet.sqlite-wal")}
        assert ("held-open", "1 credential") in complete_in_process(monkeypatch, capsys, "skillwallet list --tag ")
        after = _folder_snapshot(home)
        assert {name: after[str(home / name)] for name in before} == before


def test_completion_with_a_session_in_a_subprocess_expired_changes_nothing(live_wallet, session_token, shell_env):
    """The real command in a fresh process: ids offered with a live session; after it expires, nothing offered,
    nothing printed and not a byte of the wallet or state folders changed (the session file is not removed)."""
    import time

    env = dict(shell_env, SKILLWALLET_SESSION=session_token, _SKILLWALLET_COMPLETE="complete_bash",
               COMP_WORDS="skillwallet show ", COMP_CWORD="2")
    env.pop("SKILLWALLET_PASSPHRASE", None)
    short = {i[:7] for i in live_wallet["ids"].values()}

    def complete() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "skillwallet"], env=env, stdin=subprocess.PIPE, capture_output=True,
                              text=True, timeout=SHELL_TIMEOUT)

    result = complete()
    assert result.returncode == 0 and result.stderr == ""
    assert {line[:7] for line in result.stdout.split()} == short
    # a one-second session, waited out
    unlock_env = dict(shell_env, SKILLWALLET_PASSPHRASE=PASSPHRASE)
    token = subprocess.run([sys.executable, "-m", "skillwallet", "unlock", "--raw", "--for", "1s"], env=unlock_env,
                           capture_output=True, text=True, timeout=SHELL_TIMEOUT, check=True).stdout.strip()
    env["SKILLWALLET_SESSION"] = token
    time.sleep(1.2)
    folders = (live_wallet["home"], Path(os.environ["SKILLWALLET_STATE_DIR"]))
    before = _folder_snapshot(*folders)
    result = complete()
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")
    assert _folder_snapshot(*folders) == before


@pytest.mark.shells
def test_real_shells_complete_ids_and_tags_with_a_session(live_wallet, session_token, shell_env, tmp_path):
    env = dict(shell_env, SKILLWALLET_SESSION=session_token)
    ids = live_wallet["ids"]
    short = {i[:7] for i in ids.values()}
    assert set(bash_complete(env, ["skillwallet", "show", ""])) == short
    assert bash_complete(env, ["skillwallet", "list", "--tag", "c"]) == ["cloud"]
    fish = dict(entry.split("\t", 1) for entry in _fish_lines(env, "skillwallet show "))
    assert fish[ids["First Aid"][:7]] == "First Aid"
    assert set(fish) == short
    # zsh evals what completion prints: the hostile title's $(touch PWNED) must stay text
    cwd_before = set(os.listdir(os.getcwd()))
    assert zsh_complete(env, tmp_path, "skillwallet show ", "source") == short
    assert zsh_complete(env, tmp_path, "skillwallet untag " + ids["Python Programming"] + " ", "fpath") == {
        "cloud", "job-apps"}
    assert not (tmp_path / "PWNED").exists() and set(os.listdir(os.getcwd())) == cwd_before


def _fish_lines(shell_env: dict[str, str], line: str) -> list[str]:
    fish = require_shell("fish")
    script = f"source '{COMPLETIONS / 'skillwallet.fish'}'; complete -C '{line}'"
    result = subprocess.run(
        [fish, "--no-config", "-c", script], env=shell_env, capture_output=True, text=True, timeout=SHELL_TIMEOUT
    )
    assert result.returncode == 0, result.stderr
    return [entry for entry in result.stdout.splitlines() if entry]


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


@pytest.mark.shells
def test_real_shells_complete_the_tags_of_tag_id(live_wallet, session_token, shell_env, tmp_path):
    """`skillwallet tag ID <TAB>` offers the wallet's tags the credential lacks, as `list --tag <TAB>` offers tags,
    in each real shell (its positional TAG... goes through the same completion as an option's value)."""
    env = dict(shell_env, SKILLWALLET_SESSION=session_token)
    ids = live_wallet["ids"]
    first_aid, sql = ids["First Aid"], ids["SQL Basics"]
    assert bash_complete(env, ["skillwallet", "tag", first_aid[:7], ""]) == ["cloud", "data", "job-apps"]
    assert bash_complete(env, ["skillwallet", "tag", sql[:7], ""]) == ["job-apps"]
    assert bash_complete(env, ["skillwallet", "tag", first_aid[:7], "data", ""]) == ["cloud", "job-apps"]
    assert bash_complete(env, ["skillwallet", "tag", first_aid[:7], "j"]) == ["job-apps"]
    assert zsh_complete(env, tmp_path, f"skillwallet tag {first_aid[:7]} ", "fpath") == {"cloud", "data", "job-apps"}
    fish = [entry.split("\t", 1)[0] for entry in _fish_lines(env, f"skillwallet tag {first_aid[:7]} ")]
    assert fish == ["cloud", "data", "job-apps"]


def _interactive_bash_tab(env: dict[str, str], line: str) -> str:
    """Type ``line`` and TAB TAB into an interactive bash on a pseudo-terminal (readline splits the words and calls
    the completion, as for a person) with the committed script sourced; return what the terminal showed after."""
    import pty
    import select
    import time

    bash = require_shell("bash")
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive bash with no rc files
        os.execve(bash, [bash, "--norc", "--noprofile", "-i"], {**env, "PS1": "$ ", "TERM": "dumb"})

    def read_for(seconds: float, until: bytes | None = None) -> bytes:
        out, end = b"", time.monotonic() + seconds
        while time.monotonic() < end and not (until and until in out):
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return out

    try:
        # the marker is printed as one word but typed as two, so only the output matches it, never the echo of
        # the typed line (which readline may redraw in pieces on a narrow "dumb" terminal)
        os.write(fd, f"source '{COMPLETIONS / 'skillwallet.bash'}'; echo \"sour\"\"ced\"\n".encode())
        read_for(SHELL_TIMEOUT, b"\nsourced\r\n$ ")
        os.write(fd, line.encode())
        read_for(SHELL_TIMEOUT, line.encode())  # bash has echoed the line
        os.write(fd, b"\t\t")
        shown = read_for(SHELL_TIMEOUT, b"\r\n$ " + line.encode())  # the candidates, then the line again
        return shown.decode(errors="replace")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


@pytest.mark.shells
def test_interactive_bash_tab_after_tag_id_lists_the_tags(live_wallet, session_token, shell_env):
    """What a person sees: `skillwallet tag ID <TAB><TAB>` in an interactive bash lists the wallet's tags."""
    env = dict(shell_env, SKILLWALLET_SESSION=session_token)
    first_aid = live_wallet["ids"]["First Aid"]
    # a terminal session is timing: on a loaded machine bash may still be sourcing the script when the keys arrive
    # (the TABs are then echoed, not completed), so a run that shows no list is tried again, up to three times
    for _ in range(3):
        shown = _interactive_bash_tab(env, f"skillwallet tag {first_aid[:7]} ")
        parts = shown.split("\r\n")
        candidates, again = (parts[-2], parts[-1]) if len(parts) >= 2 else ("", shown)
        if "\t" not in candidates and "sourced" not in candidates:
            break
    assert candidates.split() == ["cloud", "data", "job-apps"], shown
    assert again == f"$ skillwallet tag {first_aid[:7]} ", shown
