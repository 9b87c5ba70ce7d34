"""The suite's own guarantees: every test runs in a temporary home and cannot reach the network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest


def test_a_connection_beyond_loopback_fails_the_test_before_any_name_is_looked_up(monkeypatch):
    looked_up: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: looked_up.append(a[0]) or [])
    with pytest.raises(AssertionError, match="network access attempted: university.example"):
        socket.create_connection(("university.example", 443), timeout=1)
    assert looked_up == []


def test_loopback_stays_reachable_for_local_test_servers():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_every_folder_the_tool_writes_is_under_the_test_home(isolated_home: Path):
    for variable in ("SKILLWALLET_HOME", "SKILLWALLET_CONFIG_DIR", "SKILLWALLET_STATE_DIR", "HOME", "XDG_DATA_HOME"):
        assert Path(os.environ[variable]).is_relative_to(isolated_home)
