"""Fixtures for the store tests."""

from __future__ import annotations

import pytest
from store_helpers import PASSPHRASE, make_credential, wallet_home

from skillwallet.store import Wallet


@pytest.fixture
def wallet():
    """A fresh, open wallet with the test KDF profile."""
    w = Wallet.init(wallet_home(), PASSPHRASE)
    yield w
    w.close()


@pytest.fixture
def filled_wallet(wallet):
    """A wallet holding five credentials (ids in ``wallet.test_ids``)."""
    wallet.test_ids = [wallet.add_credential(make_credential(n))[0] for n in range(5)]
    return wallet
