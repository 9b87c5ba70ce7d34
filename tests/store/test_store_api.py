"""The store API other parts code against: real wallet files, reopened from disk."""

from __future__ import annotations

import base64
import stat
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from store_helpers import PASSPHRASE, make_credential, wallet_home

from skillwallet.errors import (
    AlreadyExistsError,
    BadPassphraseError,
    InvalidInputError,
    NotFoundError,
    WalletLockedError,
    WalletNotFoundError,
)
from skillwallet.model import Verdict
from skillwallet.store import StoredCredential, Wallet
from skillwallet.verify.keys import did_key_from_ed25519, public_key_from_did_key


def reopen() -> Wallet:
    return Wallet.open(wallet_home(), passphrase=PASSPHRASE)


def test_init_twice_is_refused(wallet):
    with pytest.raises(AlreadyExistsError):
        Wallet.init(wallet_home(), PASSPHRASE)


def test_init_refuses_empty_passphrase():
    with pytest.raises(InvalidInputError):
        Wallet.init(wallet_home(), "")
    assert not (wallet_home() / "wallet.sqlite").exists()


def test_open_missing_wallet():
    with pytest.raises(WalletNotFoundError):
        Wallet.open(wallet_home(), passphrase=PASSPHRASE)


def test_open_without_any_secret_is_locked(wallet):
    with pytest.raises(WalletLockedError):
        Wallet.open(wallet_home())


def test_add_list_get_roundtrip_through_disk(wallet):
    cred = make_credential(1, title="Data Analysis", expires=datetime(2030, 1, 1, tzinfo=timezone.utc))
    wallet_id, created = wallet.add_credential(cred)
    assert created and wallet_id == cred.wallet_id()
    wallet.close()
    with reopen() as again:
        (stored,) = again.list_credentials()
        assert isinstance(stored, StoredCredential)
        assert stored.wallet_id == wallet_id
        assert stored.credential.to_dict() == cred.to_dict()
        assert stored.credential.original == cred.original
        assert stored.verdict.verdict == "not-verified"
        summary = stored.summary()
        for key in ("id", "title", "issuer", "issued", "expires", "format", "verdict", "checked_at", "tags"):
            assert key in summary
        assert summary["title"] == "Data Analysis"
        assert summary["expires"] == "2030-01-01T00:00:00Z"
        assert again.get_credential(wallet_id[:4]).wallet_id == wallet_id


def test_duplicate_add_is_recognised(wallet):
    first = wallet.add_credential(make_credential(7))
    second = wallet.add_credential(make_credential(7))
    assert first == (first[0], True)
    assert second == (first[0], False)
    assert len(wallet.list_credentials()) == 1


def test_duplicate_add_with_verdict_updates_verdict(wallet):
    wid, _ = wallet.add_credential(make_credential(7))
    wallet.add_credential(make_credential(7), Verdict(verdict="verified", checks={"signature": "pass"}))
    assert wallet.get_credential(wid).verdict.verdict == "verified"


def test_prefix_lookup_ambiguous_and_missing(filled_wallet):
    ids = filled_wallet.test_ids
    with pytest.raises(NotFoundError):
        filled_wallet.get_credential("zzzz")
    # the empty prefix matches everything: ambiguous
    with pytest.raises(InvalidInputError):
        filled_wallet.get_credential("")
    for wid in ids:
        assert filled_wallet.get_credential(wid.upper()).wallet_id == wid


def test_remove_tags_note_verdict_persist(filled_wallet):
    a, b = filled_wallet.test_ids[:2]
    filled_wallet.remove_credential(a)
    with pytest.raises(NotFoundError):
        filled_wallet.remove_credential(a)
    filled_wallet.set_tags(b, ["job", " job ", "", "2024"])
    filled_wallet.set_note(b, "ask for a reference")
    checked = datetime(2026, 5, 1, tzinfo=timezone.utc)
    filled_wallet.set_verdict(b, Verdict(verdict="verified", checks={"signature": "pass"}, checked_at=checked))
    filled_wallet.close()
    with reopen() as again:
        assert len(again.list_credentials()) == 4
        stored = again.get_credential(b)
        assert stored.tags == ["job", "2024"]
        assert stored.note == "ask for a reference"
        assert stored.verdict.verdict == "verified"
        assert stored.summary()["checked_at"] == "2026-05-01T00:00:00Z"
        again.set_note(b, None)
        assert again.get_credential(b).note is None


def test_generic_collections(wallet):
    wallet.put("documents", "https://example.org/ctx", {"body": "x" * 1000})
    wallet.put("documents", "https://example.org/other", {"body": "y"})
    wallet.put("documents", "https://example.org/ctx", {"body": "z"})
    assert wallet.get("documents", "https://example.org/ctx") == {"body": "z"}
    assert wallet.get("documents", "missing") is None
    assert wallet.get("pathways", "https://example.org/ctx") is None  # collections are separate
    assert [k for k, _ in wallet.items("documents")] == ["https://example.org/ctx", "https://example.org/other"]
    assert wallet.delete("documents", "https://example.org/other") is True
    assert wallet.delete("documents", "https://example.org/other") is False
    wallet.close()
    with reopen() as again:
        assert again.items("documents") == [("https://example.org/ctx", {"body": "z"})]


def test_profile_roundtrip(wallet):
    assert wallet.get_profile() == {}
    profile = {"name": "Ada Lovelace", "emails": ["ada@example.org"], "links": ["https://ada.example"]}
    wallet.set_profile(profile)
    wallet.close()
    with reopen() as again:
        assert again.get_profile() == profile


def test_holder_key_and_did_key(wallet):
    key = wallet.holder_key()
    did = wallet.holder_did
    assert did.startswith("did:key:z6Mk")
    assert wallet.holder_verification_method == f"{did}#{did[len('did:key:'):]}"
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    resolved = public_key_from_did_key(did)
    assert resolved.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) == public
    signature = key.sign(b"presentation")
    resolved.verify(signature, b"presentation")
    wallet.close()
    with reopen() as again:
        assert again.holder_did == did


def test_did_key_known_answer():
    # did:key spec (w3c-ccg/did-method-key) Ed25519 test vector: the 32-byte public key below encodes to this DID
    public = base64.b16decode("2E6FCCE36701DC791488E0D0B1745CC1E33A4C1C9FCC41C63BD343DBBE0970E6")
    key = Ed25519PublicKey.from_public_bytes(public)
    assert did_key_from_ed25519(key) == "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def test_files_created_private(wallet):
    wallet.add_credential(make_credential(1))
    home = wallet_home()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for path in home.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_wrong_passphrase(wallet):
    wallet.close()
    with pytest.raises(BadPassphraseError) as info:
        Wallet.open(wallet_home(), passphrase="not it")
    assert "wrong passphrase" in info.value.message


def test_batch_commits_all_or_nothing(filled_wallet):
    a, b = filled_wallet.test_ids[:2]
    with filled_wallet.batch() as writer:
        assert writer.set_verdict(a, Verdict(verdict="verified"))
        writer.put("documents", "k", {"v": 1})
        assert not writer.set_verdict("000000000000", Verdict(verdict="verified"))
    assert filled_wallet.get_credential(a).verdict.verdict == "verified"
    with pytest.raises(RuntimeError):
        with filled_wallet.batch() as writer:
            writer.set_verdict(b, Verdict(verdict="invalid"))
            writer.delete("documents", "k")
            raise RuntimeError("abandon the batch")
    assert filled_wallet.get_credential(b).verdict.verdict == "not-verified"
    assert filled_wallet.get("documents", "k") == {"v": 1}
    filled_wallet.close()
    with reopen() as again:
        assert len(again.list_credentials()) == 5
        again.verify_all()


def test_passphrase_is_unicode_normalised(tmp_path):
    composed = "caf\u00e9 cr\u00e8me"  # é, è as single code points (NFC)
    decomposed = "cafe\u0301 cre\u0300me"  # the same text as letter + combining accent (NFD)
    Wallet.init(wallet_home(), composed).close()
    Wallet.open(wallet_home(), passphrase=decomposed).close()
    from skillwallet.cli.session import read_passphrase_file

    secret_file = tmp_path / "pass"
    secret_file.write_bytes(decomposed.encode() + b"\n")
    Wallet.open(wallet_home(), passphrase=read_passphrase_file(secret_file)).close()
    with pytest.raises(BadPassphraseError):
        Wallet.open(wallet_home(), passphrase="cafe creme")
