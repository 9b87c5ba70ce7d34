"""The config file: defaults, validation messages, atomic 0600 writes, and the `config` commands."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from skillwallet import config as cfg
from skillwallet import paths
from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode, StorageIOError


def write_config(text: str) -> Path:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_offline_first_defaults():
    assert not paths.config_file().exists()
    config = cfg.load_config()
    assert config == cfg.Config(paper="a4", offline=True, kdf_profile="default", trusted_issuers=[])


def test_valid_file_is_read_and_normalised():
    write_config('paper = "Letter"\noffline = false\nkdf_profile = "strong"\ntrusted_issuers = ["did:web:a", " did:web:a "]\n')
    config = cfg.load_config()
    assert config.paper == "letter"
    assert config.offline is False
    assert config.kdf_profile == "strong"
    assert config.trusted_issuers == ["did:web:a"]  # trimmed and deduplicated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('paper = "a5"\n', "'paper' must be one of 'a4', 'letter', not 'a5'"),
        ('offline = "yes"\n', "'offline' must be true or false, not 'yes'"),
        ('kdf_profile = "weak"\n', "'kdf_profile' must be one of 'default', 'moderate', 'strong', not 'weak'"),
        ('trusted_issuers = "did:web:a"\n', "'trusted_issuers' must be a list of strings"),
        ('trusted_issuers = ["did:web:a", 3]\n', "'trusted_issuers[1]' must be a non-empty string"),
        ('papr = "a4"\n', "unknown config key 'papr'"),
        ("paper = \n", "not valid TOML"),
    ],
)
def test_invalid_file_names_the_key_and_what_is_expected(text, expected):
    path = write_config(text)
    with pytest.raises(cfg.ConfigError) as excinfo:
        cfg.load_config()
    assert expected in excinfo.value.message
    assert str(path) in excinfo.value.message
    assert excinfo.value.exit_code == ExitCode.BAD_INPUT


def test_unknown_key_suggests_the_close_one():
    write_config('ofline = true\n')
    with pytest.raises(cfg.ConfigError) as excinfo:
        cfg.load_config()
    assert "did you mean 'offline'?" in excinfo.value.hints


def test_save_is_private_and_round_trips():
    config = cfg.Config(paper="letter", offline=False, kdf_profile="moderate", trusted_issuers=["did:web:x"])
    path = cfg.save_config(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # with SKILLWALLET_HOME unset-from-config the folder is the test's config dir; created 0700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert cfg.load_config() == config
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary file left behind


def test_new_parent_folders_are_private_too(tmp_path):
    target = tmp_path / "a" / "b" / "config.toml"
    cfg.save_config(cfg.Config(), target)
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_failed_replace_leaves_the_old_file_and_no_temp(monkeypatch):
    path = cfg.save_config(cfg.Config(paper="letter"))
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageIOError, match="the disk is full"):
        cfg.save_config(cfg.Config(paper="a4"))
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("paper", "LETTER", "letter"),
        ("offline", "no", False),
        ("offline", "On", True),
        ("kdf_profile", "strong", "strong"),
        ("trusted_issuers", "did:web:a, https://b.example ,", ["did:web:a", "https://b.example"]),
        ("trusted_issuers", "", []),
    ],
)
def test_parse_value_from_command_line_text(key, text, expected):
    assert cfg.parse_value(key, text) == expected


def test_parse_value_rejects_bad_text():
    with pytest.raises(cfg.ConfigError, match="'offline' must be true or false, not 'maybe'"):
        cfg.parse_value("offline", "maybe")
    with pytest.raises(cfg.ConfigError, match="unknown config key 'colour'"):
        cfg.parse_value("colour", "red")


def test_set_writes_only_keys_the_user_chose():
    cfg.set_value("paper", "letter")
    assert cfg.keys_in_file() == {"paper"}
    cfg.set_value("offline", "false")
    assert cfg.keys_in_file() == {"paper", "offline"}
    cfg.unset_value("paper")
    assert cfg.keys_in_file() == {"offline"}
    assert cfg.load_config() == cfg.Config(offline=False)


def test_set_refuses_to_overwrite_an_invalid_file():
    path = write_config('paper = "a5"\n')
    with pytest.raises(cfg.ConfigError):
        cfg.set_value("offline", "false")
    assert path.read_text() == 'paper = "a5"\n'


# --- the commands -------------------------------------------------------------------------------


def test_config_path_prints_the_config_file():
    result = CliRunner().invoke(app, ["config", "path"])
    assert result.exit_code == 0
    assert result.stdout.strip() == str(paths.config_file())


def test_config_set_get_show_cycle():
    runner = CliRunner()
    result = runner.invoke(app, ["config", "set", "paper", "letter"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # confirmation is a message: stderr
    assert "paper = letter" in result.stderr
    assert paths.config_file().is_file()

    result = runner.invoke(app, ["config", "get", "paper"])
    assert (result.exit_code, result.stdout) == (0, "letter\n")

    runner.invoke(app, ["config", "set", "trusted_issuers", "did:web:a,did:web:b"])
    result = runner.invoke(app, ["config", "get", "trusted_issuers"])
    assert result.stdout.splitlines() == ["did:web:a", "did:web:b"]

    result = runner.invoke(app, ["config", "show", "--json"])
    document = json.loads(result.stdout)
    assert document["schema"] == "skillwallet/config"
    assert document["version"] == 1
    assert document["config"] == {
        "paper": "letter",
        "offline": True,
        "kdf_profile": "default",
        "trusted_issuers": ["did:web:a", "did:web:b"],
    }
    assert document["from_file"] == ["paper", "trusted_issuers"]
    assert document["path"] == str(paths.config_file())

    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0
    assert "letter" in result.stdout and "kdf_profile" in result.stdout


def test_config_get_json():
    result = CliRunner().invoke(app, ["config", "get", "offline", "--json"])
    assert json.loads(result.stdout) == {
        "schema": "skillwallet/config-value",
        "version": 1,
        "key": "offline",
        "value": True,
    }


def test_config_errors_are_one_line_with_exit_code(capsys):
    code = run(["config", "set", "paper", "a3"])
    captured = capsys.readouterr()
    assert code == ExitCode.BAD_INPUT
    assert captured.out == ""
    assert captured.err.splitlines()[0] == "error: 'paper' must be one of 'a4', 'letter', not 'a3'"
    assert "Traceback" not in captured.err

    write_config("paper = [\n")
    code = run(["config", "show"])
    captured = capsys.readouterr()
    assert code == ExitCode.BAD_INPUT
    assert "not valid TOML" in captured.err
    assert captured.out == ""


def test_config_file_created_private_with_its_folders(monkeypatch, tmp_path):
    """The config folder and any missing parent are created 0700 and the file 0600 (never chmod-ed later)."""
    folder = tmp_path / "fresh" / "skillwallet-config"
    monkeypatch.setenv("SKILLWALLET_CONFIG_DIR", str(folder))
    assert run(["config", "set", "offline", "false"]) == 0
    assert (folder / "config.toml").is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "fresh").stat().st_mode) == 0o700
    assert os.stat(folder / "config.toml").st_mode & 0o077 == 0


def test_moved_wallet_keeps_its_config_and_state_under_its_home(monkeypatch, tmp_path):
    """SKILLWALLET_HOME isolates everything of one wallet (docs/store.md, "Files"; the rollback trade-off this
    brings is under "Rollback"); SKILLWALLET_CONFIG_DIR / SKILLWALLET_STATE_DIR still override each folder."""
    from skillwallet import paths

    for var in ("SKILLWALLET_CONFIG_DIR", "SKILLWALLET_STATE_DIR"):
        monkeypatch.delenv(var)
    monkeypatch.setenv("SKILLWALLET_HOME", str(tmp_path / "usb" / "wallet"))
    assert paths.config_dir() == tmp_path / "usb" / "wallet" / "config"
    assert paths.config_file() == tmp_path / "usb" / "wallet" / "config" / "config.toml"
    assert paths.state_dir() == tmp_path / "usb" / "wallet" / "state"
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SKILLWALLET_CONFIG_DIR", str(tmp_path / "config"))
    assert paths.state_dir() == tmp_path / "state" and paths.config_dir() == tmp_path / "config"
    monkeypatch.delenv("SKILLWALLET_HOME")
    monkeypatch.delenv("SKILLWALLET_STATE_DIR")
    monkeypatch.delenv("SKILLWALLET_CONFIG_DIR")
    assert str(paths.state_dir()).startswith(os.environ["XDG_STATE_HOME"])
    assert str(paths.config_dir()).startswith(os.environ["XDG_CONFIG_HOME"])


issuer_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40
).filter(lambda t: t.strip() and t == t.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paper=st.sampled_from(cfg.PAPER_SIZES),
    offline=st.booleans(),
    kdf_profile=st.sampled_from(cfg.KDF_PROFILES),
    trusted=st.lists(issuer_text, max_size=5, unique=True),
)
def test_any_valid_config_round_trips_through_the_file(tmp_path, paper, offline, kdf_profile, trusted):
    """Quotes, backslashes, newlines and non-ASCII in issuer ids survive TOML writing and reading."""
    config = cfg.Config(paper=paper, offline=offline, kdf_profile=kdf_profile, trusted_issuers=trusted)
    path = tmp_path / "round-trip" / "config.toml"
    cfg.save_config(config, path)
    assert cfg.load_config(path) == config
