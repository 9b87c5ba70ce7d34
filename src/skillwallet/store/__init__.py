"""The encrypted wallet: the only code that touches wallet files (format: docs/store.md)."""

from skillwallet.store.wallet import StoredCredential, Wallet, wallet_path

__all__ = ["Wallet", "StoredCredential", "wallet_path"]
