"""Shared fixtures. Every test gets its own temporary home and the cheap test KDF profile,
so no test touches the real user's folders or spends a quarter second per unlock."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SKILLWALLET_HOME", str(home / "wallet"))
    monkeypatch.setenv("SKILLWALLET_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("SKILLWALLET_STATE_DIR", str(home / "state"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    # The cheap Argon2id profile (m 1 MiB, t 1, p 1): only test fixtures switch it on.
    monkeypatch.setenv("SKILLWALLET_KDF_PROFILE", "test")
    for var in ("SKILLWALLET_PASSPHRASE", "SKILLWALLET_SESSION", "SKILLWALLET_PASSPHRASE_FILE", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    home.mkdir(mode=0o700)
    return home


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the network: a connection from the test process to anything but loopback (where the
    resolver's own tests run an HTTPS server) fails the test, before any name is looked up."""
    connect = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        host = str(address[0])
        if host in ("localhost", "::1") or host.startswith("127."):
            return connect(address, *args, **kwargs)
        raise AssertionError(f"network access attempted: {host}")

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def passphrase(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "correct horse battery staple"
    monkeypatch.setenv("SKILLWALLET_PASSPHRASE", value)
    return value
