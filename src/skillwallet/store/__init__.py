"""The encrypted wallet: the only code that touches wallet files (format: docs/store.md)."""

from skillwallet.store.credentials import StoredCredential
from skillwallet.store.db import wallet_path
from skillwallet.store.wallet import Wallet

__all__ = ["Wallet", "StoredCredential", "wallet_path"]
