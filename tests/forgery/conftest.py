"""Fixtures of the forgery tests: an initialised wallet, and a web the test defines (no socket is opened)."""

from __future__ import annotations

import json
import socket

import pytest

from skillwallet import paths
from skillwallet.errors import DocumentUnavailableError
from skillwallet.store import Wallet
from skillwallet.verify import resolver as resolver_module


@pytest.fixture
def wallet(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()
    return passphrase


@pytest.fixture
def network(monkeypatch):
    """The web as the test defines it: ``network[url] = document``; any other URL answers 404. The resolver's one
    download function is replaced, so `--online` runs every policy step except the socket."""
    pages: dict[str, bytes] = {}
    requested: list[str] = []

    def download(self, url):
        requested.append(url)
        if url not in pages:
            raise DocumentUnavailableError(f"fetching {url} failed: HTTP 404")
        return pages[url], "application/json"

    monkeypatch.setattr(resolver_module.DocumentResolver, "_download", download)

    class Web(dict):
        def __setitem__(self, url, document):
            pages[resolver_module.normalize_document_url(url)] = (
                document if isinstance(document, bytes) else json.dumps(document).encode()
            )

    web = Web()
    web.requested = requested
    return web
