"""SECURITY.md test 5: concurrent writers. Several processes add at once and every acknowledged add is there;
a writer that cannot get the lock in time exits with the busy code; a killed lock holder never blocks the next."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest
from store_helpers import PASSPHRASE, make_credential, run_cli, wallet_file, wallet_home

from skillwallet.errors import ExitCode, WalletBusyError
from skillwallet.store import Wallet


def writer_process(start: int, count: int, write_fd: int) -> None:
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        for n in range(start, start + count):
            wallet_id, _ = wallet.add_credential(make_credential(n))
            os.write(write_fd, f"{wallet_id}\n".encode())


@pytest.mark.slow
def test_several_processes_adding_at_once(wallet, monkeypatch):
    wallet.close()
    monkeypatch.setenv("SKILLWALLET_LOCK_TIMEOUT", "60")
    children = []
    for worker in range(4):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            code = 0
            try:
                writer_process(worker * 1000, 25, write_fd)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(write_fd)
        children.append((pid, read_fd))
    acknowledged = []
    for pid, read_fd in children:
        chunks = []
        while chunk := os.read(read_fd, 65536):
            chunks.append(chunk)
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        acknowledged.extend(b"".join(chunks).decode().split())
    assert len(acknowledged) == 100
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as check:
        present = {s.wallet_id for s in check.list_credentials()}
    assert present == set(acknowledged)


def hold_write_lock():
    """Take the wallet's write lock the way a writer does (BEGIN IMMEDIATE) and keep it."""
    conn = sqlite3.connect(wallet_file(), isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_writer_that_cannot_get_the_lock_gets_busy(filled_wallet, monkeypatch):
    wid = filled_wallet.test_ids[0]
    filled_wallet.close()
    holder = hold_write_lock()
    try:
        monkeypatch.setenv("SKILLWALLET_LOCK_TIMEOUT", "0.3")
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:  # readers are not blocked (WAL)
            assert len(wallet.list_credentials()) == 5
            started = time.monotonic()
            with pytest.raises(WalletBusyError):
                wallet.set_note(wid, "blocked")
            assert 0.25 <= time.monotonic() - started < 5
        proc = run_cli("tag", wid, "x", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE, "SKILLWALLET_LOCK_TIMEOUT": "0.3"})
        assert proc.returncode == ExitCode.BUSY, proc.stderr
        assert proc.stderr.startswith("error: another skillwallet process is using the wallet")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.get_credential(wid).note is None and wallet.get_credential(wid).tags == []


def test_killed_lock_holder_does_not_block_the_next_writer(filled_wallet, monkeypatch):
    wid = filled_wallet.test_ids[0]
    filled_wallet.close()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
                with wallet._write_transaction() as writer:
                    writer.put("documents", "half-written", {"x": 1})
                    os.write(write_fd, b"locked\n")
                    time.sleep(60)
        finally:
            os._exit(0)
    os.close(write_fd)
    assert os.read(read_fd, 16) == b"locked\n"
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(read_fd)
    monkeypatch.setenv("SKILLWALLET_LOCK_TIMEOUT", "2")
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.set_note(wid, "after the crash")
        assert wallet.get("documents", "half-written") is None  # the killed transaction left nothing
    proc = run_cli("note", wid, "from the CLI", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == 0, proc.stderr


def test_concurrent_inits_create_exactly_one_wallet():
    import subprocess
    import sys

    env = dict(os.environ, SKILLWALLET_PASSPHRASE=PASSPHRASE)
    procs = [
        subprocess.Popen([sys.executable, "-m", "skillwallet", "init"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes == [0, ExitCode.EXISTS, ExitCode.EXISTS, ExitCode.EXISTS], results
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.holder_did.startswith("did:key:z6Mk")
    assert [p.name for p in wallet_home().iterdir() if p.name.startswith(".")] == []  # no temporary files left


def test_a_newer_generation_recorded_while_opening_is_not_a_rollback(wallet, monkeypatch):
    """Race: this process reads the wallet, another commits and records a newer generation, then this one
    compares. A re-read of the wallet settles it; only a wallet really older than the record is a rollback."""
    wallet.close()
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as first:
        real_check = Wallet._check_rollback

        raced = []

        def commit_elsewhere_first(self):
            if not raced:
                raced.append(True)
                with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as other:
                    other.add_credential(make_credential(424242))  # commits and records generation + 1
            return real_check(self)

        monkeypatch.setattr(Wallet, "_check_rollback", commit_elsewhere_first)
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as opened:
            assert raced and len(opened.list_credentials()) == 1
