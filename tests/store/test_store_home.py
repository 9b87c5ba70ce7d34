"""`SKILLWALLET_HOME` isolates everything of one wallet: the config and the state (sessions, rollback record) live
under it too, nothing is written to the platform folders, and two homes side by side share nothing
(docs/store.md, "Files"). `SKILLWALLET_CONFIG_DIR` / `SKILLWALLET_STATE_DIR` still override each folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import PASSPHRASE, make_credential

from skillwallet.errors import ExitCode, RollbackError
from skillwallet.store import Wallet


@pytest.fixture
def platform(tmp_path, monkeypatch) -> Path:
    """HOME and every XDG folder inside one temporary folder, and only SKILLWALLET_HOME to say where wallets go."""
    root = tmp_path / "platform"
    root.mkdir()
    monkeypatch.setenv("HOME", str(root))
    for var, sub in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"),
                     ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(var, str(root / sub))
    monkeypatch.delenv("SKILLWALLET_CONFIG_DIR")
    monkeypatch.delenv("SKILLWALLET_STATE_DIR")
    monkeypatch.delenv("SKILLWALLET_HOME")
    return root


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*")) if root.exists() else []


def sw(home: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess, with this home and the environment of the test (platform folders)."""
    env = dict(os.environ, SKILLWALLET_HOME=str(home), SKILLWALLET_PASSPHRASE=PASSPHRASE)
    if token:
        env["SKILLWALLET_SESSION"] = token
    return subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_two_homes_side_by_side_share_nothing_and_leave_the_platform_folders_empty(platform, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for home in (first, second):
        proc = sw(home, "init")
        assert proc.returncode == 0, proc.stderr
    assert sw(first, "config", "set", "paper", "letter").returncode == 0
    assert sw(second, "config", "set", "trusted_issuers", "did:web:second.example").returncode == 0
    assert json.loads(sw(first, "config", "show", "--json").stdout)["config"]["paper"] == "letter"
    assert json.loads(sw(second, "config", "show", "--json").stdout)["config"]["paper"] == "a4"
    assert json.loads(sw(first, "config", "show", "--json").stdout)["config"]["trusted_issuers"] == []
    assert (first / "config" / "config.toml").is_file() and (second / "config" / "config.toml").is_file()

    unlock = sw(first, "unlock", "--raw")
    assert unlock.returncode == 0, unlock.stderr
    token = unlock.stdout.strip()
    assert len(list((first / "state" / "sessions").glob("*.json"))) == 1
    listing = sw(first, "list", "--json", token=token)
    assert listing.returncode == 0, listing.stderr
    status = json.loads(sw(first, "status", "--json", token=token).stdout)
    assert status["session"]["state"] == "unlocked" and status["rollback"]["record_present"] is True
    # the first home's session is nothing to the second home
    other = sw(second, "status", "--json", token=token)
    assert json.loads(other.stdout)["session"]["state"] == "expired or ended"
    assert sw(first, "doctor").returncode == 0
    assert sw(first, "lock").returncode == 0

    for home in (first, second):
        assert (home / "state" / "seen").is_dir()
        for path in [home, *home.rglob("*")]:
            mode = path.stat().st_mode & 0o777
            assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert files_under(platform) == [], files_under(platform)


def test_the_folder_overrides_still_apply(platform, tmp_path, monkeypatch):
    home, config, state = tmp_path / "w", tmp_path / "elsewhere-config", tmp_path / "elsewhere-state"
    monkeypatch.setenv("SKILLWALLET_CONFIG_DIR", str(config))
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(state))
    assert sw(home, "init").returncode == 0
    assert sw(home, "config", "set", "paper", "letter").returncode == 0
    assert (config / "config.toml").is_file() and list((state / "seen").iterdir())
    assert not (home / "config").exists() and not (home / "state").exists()
    assert files_under(platform) == []


def test_without_any_override_the_platform_folders_are_used(platform, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SKILLWALLET_HOME"}
    env["SKILLWALLET_PASSPHRASE"] = PASSPHRASE
    for args in (["init"], ["config", "set", "paper", "letter"]):
        proc = subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, text=True, env=env,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
    assert (platform / ".local/share/skillwallet/wallet.sqlite").is_file()
    assert (platform / ".config/skillwallet/config.toml").is_file()
    assert list((platform / ".local/state/skillwallet/seen").iterdir())


def test_replacing_the_wallet_file_alone_is_still_a_rollback(platform, tmp_path, monkeypatch):
    home = tmp_path / "w"
    monkeypatch.setenv("SKILLWALLET_HOME", str(home))
    with Wallet.init(home, PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(1))
    shutil.copyfile(home / "wallet.sqlite", tmp_path / "old.sqlite")
    with Wallet.open(home, passphrase=PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(2))
    shutil.copyfile(tmp_path / "old.sqlite", home / "wallet.sqlite")
    with pytest.raises(RollbackError):
        Wallet.open(home, passphrase=PASSPHRASE)
    proc = sw(home, "list")
    assert proc.returncode == ExitCode.ROLLBACK, proc.stderr
    assert files_under(platform) == []


def test_the_documented_trade_off_a_whole_home_put_back_needs_a_state_folder_outside(platform, tmp_path, monkeypatch):
    """With the state inside the home, an older copy of the *whole* folder brings its older record along: that is
    not detectable from inside the folder. A SKILLWALLET_STATE_DIR outside the home detects it."""
    for outside in (False, True):
        home = tmp_path / f"w-{outside}"
        monkeypatch.setenv("SKILLWALLET_HOME", str(home))
        if outside:
            monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(tmp_path / "outside-state"))
        with Wallet.init(home, PASSPHRASE) as wallet:
            wallet.add_credential(make_credential(1))
        shutil.copytree(home, tmp_path / f"copy-{outside}")
        with Wallet.open(home, passphrase=PASSPHRASE) as wallet:
            wallet.add_credential(make_credential(2))
        shutil.rmtree(home)
        shutil.copytree(tmp_path / f"copy-{outside}", home)
        if outside:
            with pytest.raises(RollbackError):
                Wallet.open(home, passphrase=PASSPHRASE)
        else:
            with Wallet.open(home, passphrase=PASSPHRASE) as wallet:
                assert len(wallet.list_credentials()) == 1


def test_a_record_kept_in_the_platform_folder_by_an_earlier_release_still_counts(platform, tmp_path, monkeypatch):
    """Before, SKILLWALLET_HOME left the state in the platform folder: its record is read (never written) on the
    first open, so an upgrade neither starts blind nor warns about a wallet this machine knows."""
    home = tmp_path / "w"
    legacy_state = platform / ".local/state/skillwallet"
    monkeypatch.setenv("SKILLWALLET_HOME", str(home))
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(legacy_state))  # what the earlier release used
    with Wallet.init(home, PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(1))
    shutil.copyfile(home / "wallet.sqlite", tmp_path / "old.sqlite")
    with Wallet.open(home, passphrase=PASSPHRASE) as wallet:
        wallet.add_credential(make_credential(2))
    legacy_files = {p: p.read_bytes() for p in legacy_state.rglob("*") if p.is_file()}
    monkeypatch.delenv("SKILLWALLET_STATE_DIR")  # the upgrade

    with Wallet.open(home, passphrase=PASSPHRASE) as wallet:
        assert not wallet.rollback_unverified
    assert list((home / "state" / "seen").iterdir())  # carried into the home
    assert {p: p.read_bytes() for p in legacy_state.rglob("*") if p.is_file()} == legacy_files  # not written
    # and an older copy put back is still a rollback, even with the record in the home deleted
    shutil.copyfile(tmp_path / "old.sqlite", home / "wallet.sqlite")
    shutil.rmtree(home / "state")
    with pytest.raises(RollbackError):
        Wallet.open(home, passphrase=PASSPHRASE)
