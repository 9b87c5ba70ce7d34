"""SECURITY.md test 2: truncation at many offsets and single-bit flips across the whole wallet file.
Each damaged wallet either opens with exactly the content it had, or fails with a clean SkillwalletError —
never another exception, never silently wrong or missing data."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from store_helpers import PASSPHRASE, make_credential, wallet_file, wallet_home

from skillwallet.errors import SkillwalletError
from skillwallet.store import Wallet


def content(wallet: Wallet) -> dict:
    return {
        "credentials": [(s.wallet_id, s.to_record()) for s in wallet.list_credentials()],
        "holder": wallet.items("_holder"),
        "documents": wallet.items("documents"),
        "layout": wallet.items("_wallet"),
    }


@pytest.fixture
def pristine(wallet):
    for n in range(6):
        wallet.add_credential(make_credential(n))
    wallet.set_note(make_credential(2).wallet_id(), "a note " * 50)
    wallet.put("documents", "https://example.org/context", {"body": "x" * 1000})
    wallet.set_profile({"name": "Grace Hopper"})
    expected = content(wallet)
    wallet.close()
    return wallet_file().read_bytes(), expected


def outcome_of(data: bytes, expected: dict) -> str:
    """Write ``data`` as the wallet, try to open and read everything; 'same' or the error class name."""
    path = wallet_file()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(data)
    try:
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
            got = content(wallet)
    except SkillwalletError as exc:
        assert exc.message and "\n" not in exc.message
        return type(exc).__name__
    assert got == expected, "opened with different content"
    return "same"


@pytest.mark.slow
def test_truncation_at_many_offsets(pristine):
    data, expected = pristine
    offsets = sorted(set(range(0, len(data), 97)) | {0, 1, 15, 16, 99, 100, 101, 4095, 4096, 4097, len(data) - 1})
    outcomes: dict[str, int] = {}
    for offset in offsets:
        result = outcome_of(data[:offset], expected)
        outcomes[result] = outcomes.get(result, 0) + 1
    # "same" happens only where the cut falls in free pages at the end: content_of() proved it identical
    assert set(outcomes) <= {"same", "WalletCorruptError"}, outcomes
    assert outcomes.get("WalletCorruptError", 0) >= len(offsets) * 0.8
    assert outcome_of(data, expected) == "same"


@pytest.mark.slow
def test_single_bit_flips_across_the_whole_file(pristine):
    data, expected = pristine
    rng = random.Random(9106)
    outcomes: dict[str, int] = {}
    # every byte of SQLite's 100-byte file header, then every 17th byte of the whole file (a random bit each
    # time): every page, every record, the header rows and the integrity row get hit (~2,000 opens)
    offsets = sorted(set(range(0, 100)) | set(range(0, len(data), 17)))
    for offset in offsets:
        damaged = bytearray(data)
        damaged[offset] ^= 1 << rng.randrange(8)
        result = outcome_of(bytes(damaged), expected)
        outcomes[result] = outcomes.get(result, 0) + 1
    # both kinds of outcome happen: flips in unused bytes change nothing, flips in records are caught
    assert outcomes.get("same", 0) > 0
    assert outcomes.get("WalletCorruptError", 0) > 0
    assert set(outcomes) <= {
        "same",
        "WalletCorruptError",
        "BadPassphraseError",
        "NewerFormatError",
        "RollbackError",
    }, outcomes


def test_flip_in_every_record_body_is_detected(pristine):
    """A flip inside any sealed record is always an error (checked directly on the records' bytes)."""
    import sqlite3

    data, expected = pristine
    conn = sqlite3.connect(wallet_file())
    sealed_values = [bytes(v) for (v,) in conn.execute("SELECT sealed FROM records")]
    conn.close()
    for sealed in sealed_values:
        where = data.find(sealed[:64])
        if where < 0:  # a record spilling to overflow pages: check its first page only
            continue
        for delta in (0, 20, len(sealed[:64]) - 1):
            damaged = bytearray(data)
            damaged[where + delta] ^= 0x10
            result = outcome_of(bytes(damaged), expected)
            assert result != "same", (where, delta)


def test_empty_and_garbage_files(pristine):
    _, expected = pristine
    assert outcome_of(b"", expected) == "WalletCorruptError"
    assert outcome_of(os.urandom(8192), expected) == "WalletCorruptError"
    assert outcome_of(b"SQLite format 3\x00" + b"\x00" * 4000, expected) == "WalletCorruptError"
