"""`passwd` rotates the data key: a backup made under a leaked old passphrase gives its holder the old data key,
and that key must open nothing added after the change (docs/store.md, "Passphrase change")."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from store_helpers import PASSPHRASE, make_credential, run_cli, seen_record_file, wallet_file, wallet_home

from skillwallet.errors import BadPassphraseError, RollbackError, WalletBusyError, WalletLockedError
from skillwallet.store import Wallet, crypto
from skillwallet.store import session as sessions
from skillwallet.store.backup import read_backup, write_backup
from skillwallet.store.crypto import Secret
from skillwallet.store.records import lp

NEW_PASSPHRASE = "a brand new passphrase"


def record_rows() -> list[tuple[str, bytes, int, bytes]]:
    conn = sqlite3.connect(wallet_file())
    try:
        return conn.execute("SELECT collection, rid, version, sealed FROM records").fetchall()
    finally:
        conn.close()


def opens_record(dek: Secret, wallet_id: bytes, row: tuple[str, bytes, int, bytes]) -> bool:
    """Whether ``dek`` decrypts the stored record ``row`` (the record AAD of docs/store.md)."""
    collection, rid, version, sealed = row
    aad = lp(b"skillwallet-record-v1", wallet_id, collection.encode(), rid, version.to_bytes(8, "big"))
    try:
        crypto.Sealer(crypto.subkey(dek, "records")).open(sealed, aad)
        return True
    except Exception:
        return False


def test_old_backup_data_key_cannot_decrypt_a_record_added_after_passwd(filled_wallet, tmp_path):
    backup = tmp_path / "before.swbak"
    write_backup(filled_wallet, backup)
    filled_wallet.change_passphrase(NEW_PASSPHRASE)
    new_id, _ = filled_wallet.add_credential(make_credential(500, title="Added after the change"))
    current_dek = filled_wallet.dek_for_session()
    wallet_id = filled_wallet.header.wallet_id
    filled_wallet.close()

    # the attacker's side: the old backup and the leaked old passphrase give the old data key
    _header, _image, _generation, old_dek = read_backup(backup, Secret(PASSPHRASE))
    assert old_dek != current_dek
    rows = record_rows()
    with Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE) as wallet:
        new_rid = wallet._rid("credential-bodies", new_id)
    (new_record,) = [r for r in rows if r[0] == "credential-bodies" and r[1] == new_rid]
    assert opens_record(current_dek, wallet_id, new_record)  # the control: the record is readable with its key
    assert not opens_record(old_dek, wallet_id, new_record)
    # nor any other record of the current wallet, old or new: every one was re-sealed
    assert not any(opens_record(old_dek, wallet_id, row) for row in rows)
    # and the old passphrase does not unwrap the current key
    with pytest.raises(BadPassphraseError):
        Wallet.open(wallet_home(), passphrase=PASSPHRASE)
    # the old backup itself still opens with the old passphrase and holds what it held then
    fresh = tmp_path / "fresh"
    from skillwallet.store.backup import restore_backup

    restored, _ = restore_backup(fresh, backup, Secret(PASSPHRASE))
    with restored:
        assert len(restored.list_credentials()) == 5
        assert restored.get("credentials", new_id) is None


def test_rotation_keeps_every_record_and_changes_every_ciphertext(filled_wallet):
    filled_wallet.set_profile({"name": "Ana Souza"})
    filled_wallet.put("documents", "https://issuer.example/key", {"kid": 1})
    before = {s.wallet_id: s.to_record() for s in filled_wallet.list_credentials()}
    did = filled_wallet.holder_did
    rows_before = record_rows()
    generation = filled_wallet.generation
    filled_wallet.change_passphrase(NEW_PASSPHRASE)
    assert filled_wallet.generation == generation + 1
    filled_wallet.close()
    rows_after = record_rows()
    assert len(rows_after) == len(rows_before)
    assert not {r[1] for r in rows_before} & {r[1] for r in rows_after}  # record ids are keyed too
    assert not {r[3] for r in rows_before} & {r[3] for r in rows_after}
    assert {r[2] for r in rows_after} == {generation + 1}
    with Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE) as wallet:
        assert {s.wallet_id: s.to_record() for s in wallet.list_credentials()} == before
        assert wallet.holder_did == did
        assert wallet.get_profile() == {"name": "Ana Souza"}
        assert wallet.get("documents", "https://issuer.example/key") == {"kid": 1}
        assert wallet.verify_all() == len(rows_before)
        wallet.add_credential(make_credential(77))  # and it keeps working
    with Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE) as wallet:
        assert len(wallet.list_credentials()) == 6


def test_rollback_record_is_rewritten_under_the_new_key(filled_wallet, tmp_path):
    filled_wallet.close()
    pre_change = tmp_path / "pre-change.sqlite"
    shutil.copyfile(wallet_file(), pre_change)
    record_before = json.loads(seen_record_file().read_text())
    proc = run_cli("passwd", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE, "SKILLWALLET_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert proc.returncode == 0, proc.stderr
    record_after = json.loads(seen_record_file().read_text())
    assert set(record_after) == {"wallet_id", "home", "generation", "mac"}  # no pending entry left behind
    assert record_after["generation"] == record_before["generation"] + 1
    assert record_after["mac"] != record_before["mac"]
    Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE).close()
    # the wallet from before the change put back: it opens with the old passphrase only, and the record
    # (under the new key) does not vouch for it
    shutil.copyfile(pre_change, wallet_file())
    with pytest.raises(RollbackError):
        Wallet.open(wallet_home(), passphrase=PASSPHRASE)


def test_a_session_from_before_the_change_cannot_hand_over_the_old_key(filled_wallet):
    token, _ = sessions.start_session(
        wallet_home(), filled_wallet.header.wallet_id, filled_wallet.dek_for_session(), key_id=filled_wallet.header.salt
    )
    session_files = {p: p.read_bytes() for p in sessions.sessions_dir().glob("*.json")}
    filled_wallet.change_passphrase(NEW_PASSPHRASE)
    assert not list(sessions.sessions_dir().glob("*.json"))  # ended, as before
    # even a session file that survived (a copy put back) is refused, as locked, not mistaken for tampering
    for path, data in session_files.items():
        path.write_bytes(data)
    with pytest.raises(WalletLockedError):
        Wallet.open(wallet_home(), session_token=token)


def test_a_process_that_opened_before_the_change_is_told_so(filled_wallet):
    other = Wallet.open(wallet_home(), passphrase=PASSPHRASE)
    try:
        filled_wallet.change_passphrase(NEW_PASSPHRASE)
        with pytest.raises(WalletBusyError, match="passphrase was changed"):
            other.add_credential(make_credential(42))
    finally:
        other.close()
    with Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE) as wallet:
        assert len(wallet.list_credentials()) == 5


def test_passwd_refuses_to_reseal_a_damaged_wallet(filled_wallet):
    conn = sqlite3.connect(wallet_file())
    try:
        rid = conn.execute("SELECT rid FROM records WHERE collection='credentials' LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM records WHERE rid=?", (rid,))
        conn.commit()
    finally:
        conn.close()
    from skillwallet.errors import WalletCorruptError

    with pytest.raises(WalletCorruptError):
        filled_wallet.change_passphrase(NEW_PASSPHRASE)
    filled_wallet.close()
    with pytest.raises(BadPassphraseError):
        Wallet.open(wallet_home(), passphrase=NEW_PASSPHRASE)
