"""SECURITY.md tests 4 and 8: real SIGKILLs while adding and while changing the passphrase, and a crash
(or an I/O failure) injected at every step of the write paths. Afterwards the wallet opens, every acknowledged
write is there, nothing is corrupt; after a passphrase change exactly one of old/new opens the wallet."""

from __future__ import annotations

import errno
import os
import random
import select
import signal
import time

import pytest
from store_helpers import PASSPHRASE, make_credential, wallet_home

from skillwallet.errors import BadPassphraseError, StorageIOError
from skillwallet.store import Wallet, fsutil

NEW_PASSPHRASE = "a different passphrase entirely"


def fork_child(body) -> tuple[int, int]:
    """Fork a child running ``body(write_fd)``; returns (pid, read end of its pipe). The child never returns."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            body(write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, read_fd


def drain(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def add_forever(start: int):
    def body(write_fd: int) -> None:
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
            n = start
            while True:
                wallet_id, _ = wallet.add_credential(make_credential(n))
                # acknowledged only once add_credential returned (the commit is durable)
                os.write(write_fd, f"{wallet_id}\n".encode())
                n += 1

    return body


@pytest.mark.slow
def test_200_sigkills_during_adds_lose_no_acknowledged_add(wallet):
    wallet.close()
    rng = random.Random(20261128)
    acknowledged: list[str] = []
    kills_while_running = 0
    next_number = 0
    add_seconds = 0.005  # running estimate of one add, so the kills land inside adds on a fast or a loaded machine
    for round_number in range(200):
        pid, read_fd = fork_child(add_forever(next_number))
        # wait for a random number of acknowledged adds (0 = kill while opening), then a random part of one more
        wanted = rng.choice([0, 1, 1, 2, 3])
        buffer = b""
        started = time.monotonic()
        while buffer.count(b"\n") < wanted and time.monotonic() - started < 10:
            ready, _, _ = select.select([read_fd], [], [], 10)
            if ready:
                buffer += os.read(read_fd, 65536)
        if wanted >= 2:
            add_seconds = 0.8 * add_seconds + 0.2 * (time.monotonic() - started) / wanted
        time.sleep(rng.random() * add_seconds * 1.5)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            kills_while_running += 1
        acked = (buffer + drain(read_fd)).decode().split()
        acknowledged.extend(acked)
        next_number += len(acked) + 1  # the add in flight may or may not have committed: never reuse its number
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as check:  # integrity verified on open
            for wallet_id in acked:
                assert check.get("credentials", wallet_id) is not None, (round_number, wallet_id)
            if round_number % 25 == 0:
                present = {s.wallet_id for s in check.list_credentials()}
                assert set(acknowledged) <= present
    assert kills_while_running == 200
    assert len(acknowledged) > 200  # the kills really interrupted a stream of adds
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as check:
        present = [s.wallet_id for s in check.list_credentials()]
        assert set(acknowledged) <= set(present)
        assert len(present) == len(set(present))
        # at most one unacknowledged add per kill can have committed
        assert len(present) - len(acknowledged) <= 200


def record_steps(action) -> list[str]:
    steps: list[str] = []
    fsutil.fault_hook = steps.append
    try:
        action()
    finally:
        fsutil.fault_hook = None
    return steps


def crash_at(step_index: int, action) -> None:
    """Run ``action`` in a child that SIGKILLs itself at the ``step_index``-th fault point."""

    def body(_fd: int) -> None:
        counter = iter(range(10**6))

        def hook(name: str) -> None:
            if next(counter) == step_index:
                os.kill(os.getpid(), signal.SIGKILL)

        fsutil.fault_hook = hook
        action()

    pid, read_fd = fork_child(body)
    os.waitpid(pid, 0)
    drain(read_fd)


def test_crash_at_every_step_of_an_add(wallet):
    wallet.close()

    def add(n: int):
        def action() -> None:
            with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as w:
                w.add_credential(make_credential(n))

        return action

    steps = record_steps(add(1000))
    assert {"write.begin", "write.record", "write.integrity", "write.commit", "write.committed"} <= set(steps)
    committed_at = steps.index("write.committed")
    for index, step in enumerate(steps):
        n = 2000 + index
        crash_at(index, add(n))
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as check:
            present = check.get("credentials", make_credential(n).wallet_id()) is not None
            assert present == (index >= committed_at), (index, step)


def test_io_failure_at_every_step_of_an_add(wallet):
    def add_fails_at(step_index: int, n: int) -> bool:
        counter = iter(range(10**6))

        def hook(name: str) -> None:
            if next(counter) == step_index:
                raise OSError(errno.ENOSPC, "No space left on device")

        fsutil.fault_hook = hook
        try:
            wallet.add_credential(make_credential(n))
            return False
        except StorageIOError as exc:
            assert "disk is full" in exc.message
            return True
        finally:
            fsutil.fault_hook = None

    steps = record_steps(lambda: wallet.add_credential(make_credential(3000)))
    committed_at = steps.index("write.committed")
    for index, step in enumerate(steps):
        if step == "write.committed":
            continue  # a marker for crash tests, not an I/O step
        n = 3100 + index
        failed = add_fails_at(index, n)
        present = wallet.get("credentials", make_credential(n).wallet_id()) is not None
        if index < committed_at:
            assert failed and not present, step
        elif step.startswith("seen."):
            # the rollback record is written after the commit; failing to update it loses nothing
            assert not failed and present, step
    wallet.close()
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as check:
        expected = 1 + sum(1 for i, s in enumerate(steps) if i > committed_at)
        assert len(check.list_credentials()) == expected


def opens_with(passphrase: str) -> bool:
    """Whether ``passphrase`` opens the wallet, rollback check included (a RollbackError fails the test)."""
    try:
        Wallet.open(wallet_home(), passphrase=passphrase).close()
        return True
    except BadPassphraseError:
        return False


def content(passphrase: str) -> dict:
    """Everything the wallet holds, fully verified: credentials, holder key, profile, other collections."""
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        wallet.verify_all()
        assert not wallet.rollback_unverified
        return {
            "credentials": {s.wallet_id: s.to_record() for s in wallet.list_credentials()},
            "did": wallet.holder_did,
            "profile": wallet.get_profile(),
            "documents": wallet.items("documents"),
        }


@pytest.fixture
def rich_wallet(filled_wallet):
    filled_wallet.set_profile({"name": "Ana Souza", "headline": "Data analyst"})
    filled_wallet.put("documents", "https://issuer.example/did.json", {"id": "did:web:issuer.example"})
    filled_wallet.close()
    return filled_wallet


def change(old: str, new: str):
    def action() -> None:
        with Wallet.open(wallet_home(), passphrase=old) as w:
            w.change_passphrase(new)

    return action


def test_passphrase_change_crash_at_every_step(rich_wallet):
    """SECURITY.md test 8, with the data key rotation: a SIGKILL at every write, fsync and replace of passwd
    (the pending rollback record, each re-sealed record, each header row, the commit, the final record)."""
    expected = content(PASSPHRASE)
    current = PASSPHRASE
    steps = record_steps(change(current, NEW_PASSPHRASE))
    current = NEW_PASSPHRASE
    assert content(current) == expected
    assert {"passwd.begin", "passwd.clear", "passwd.record", "passwd.wrapped_dek", "passwd.integrity",
            "passwd.commit", "passwd.committed", "seen.write", "seen.fsync", "seen.replace"} <= set(steps)
    assert steps.count("passwd.record") == 14  # 5 credentials x 2, holder key, profile, document, layout
    assert steps.count("seen.replace") == 2  # the pending record before the commit, the final one after
    for index in range(len(steps) + 1):  # one past the end: the crash comes after the last step
        target = PASSPHRASE if current == NEW_PASSPHRASE else NEW_PASSPHRASE
        crash_at(index, change(current, target))
        old_ok, new_ok = opens_with(current), opens_with(target)
        assert old_ok != new_ok, (index, steps[index] if index < len(steps) else "after")
        assert new_ok == (index > steps.index("passwd.commit")), (index, steps[index] if index < len(steps) else "after")
        if new_ok:
            current = target
        assert content(current) == expected, (index, steps[index] if index < len(steps) else "after")


def test_io_failure_at_every_step_of_a_passphrase_change(rich_wallet):
    """An I/O error (disk full) at each step: before the commit nothing changed and the open wallet keeps working
    under the old key; after it, the change stands. Either way exactly one passphrase opens everything."""
    expected = content(PASSPHRASE)
    steps = record_steps(change(PASSPHRASE, NEW_PASSPHRASE))
    commit_at = steps.index("passwd.commit")
    current = NEW_PASSPHRASE
    n = 4000
    for index, step in enumerate(steps):
        if step == "passwd.committed":
            continue  # a marker for the crash tests, not an I/O step
        target = PASSPHRASE if current == NEW_PASSPHRASE else NEW_PASSPHRASE
        counter = iter(range(10**6))

        def hook(name: str) -> None:
            if next(counter) == index:
                raise OSError(errno.ENOSPC, "No space left on device")

        with Wallet.open(wallet_home(), passphrase=current) as wallet:
            fsutil.fault_hook = hook
            try:
                wallet.change_passphrase(target)
                failed = False
            except StorageIOError as exc:
                assert "disk is full" in exc.message
                failed = True
            finally:
                fsutil.fault_hook = None
            assert failed == (index <= commit_at), step
            # the open wallet is still usable with whichever key is in force
            n += 1
            added, _ = wallet.add_credential(make_credential(n))
            wallet.remove_credential(added)
        if not failed:
            current = target
        other = PASSPHRASE if current == NEW_PASSPHRASE else NEW_PASSPHRASE
        assert opens_with(current) and not opens_with(other), step
        assert content(current) == expected, step


@pytest.mark.slow
def test_passphrase_change_random_sigkills(rich_wallet):
    """Real SIGKILLs at random moments of a passphrase change on a wallet of 200 credentials (so that many land
    inside the re-encryption): exactly one passphrase opens it afterwards, with everything it held."""
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.add_credentials([make_credential(1000 + n) for n in range(195)])
    expected = content(PASSPHRASE)
    assert len(expected["credentials"]) == 200
    # how long one change takes here (re-encrypting 400 records), so that the kills spread over all of it
    durations = []
    for old, new in ((PASSPHRASE, NEW_PASSPHRASE), (NEW_PASSPHRASE, PASSPHRASE)):
        with Wallet.open(wallet_home(), passphrase=old) as wallet:
            started = time.monotonic()
            wallet.change_passphrase(new)
            durations.append(time.monotonic() - started)
    change_seconds = max(durations)
    rng = random.Random(7)
    current = PASSPHRASE
    changed = 0
    for _ in range(40):
        target = PASSPHRASE if current == NEW_PASSPHRASE else NEW_PASSPHRASE

        def body(fd: int, old=current, new=target) -> None:
            with Wallet.open(wallet_home(), passphrase=old) as w:
                os.write(fd, b"o")  # opened: the change starts now
                w.change_passphrase(new)
            time.sleep(10)

        pid, read_fd = fork_child(body)
        select.select([read_fd], [], [], 10)
        time.sleep(rng.random() * change_seconds * 1.5)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        drain(read_fd)
        old_ok, new_ok = opens_with(current), opens_with(target)
        assert old_ok != new_ok
        if new_ok:
            changed += 1
            current = target
        assert content(current) == expected
    assert 0 < changed < 40  # some kills landed before the commit, some after
