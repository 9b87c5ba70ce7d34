"""SECURITY.md tests 7 (no plaintext at rest), 10 (secrets never printed) and 11 (known answers:
RFC 9106 Argon2id, golden wallet files of format 1 opened by this version)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import stat
import time
import traceback
from pathlib import Path

import pytest
from store_helpers import CANARY, PASSPHRASE, make_credential, run_cli, wallet_home

from skillwallet.errors import ExitCode
from skillwallet.store import Wallet, crypto
from skillwallet.store.crypto import Secret

GOLDEN = Path(__file__).parent.parent / "golden" / "wallet-v1"


# --- test 11: known answers -------------------------------------------------------------------------------------


def test_rfc9106_argon2id_test_vector():
    """RFC 9106 section 5.3: the Argon2id primitive the wallet's KDF runs on."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    tag = Argon2id(
        salt=b"\x02" * 16, length=32, iterations=3, lanes=4, memory_cost=32, ad=b"\x04" * 12, secret=b"\x03" * 8
    ).derive(b"\x01" * 32)
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_default_kdf_profile_is_rfc9106_second_recommendation(monkeypatch):
    monkeypatch.delenv("SKILLWALLET_KDF_PROFILE")
    kdf = crypto.kdf_for_profile(None)
    assert kdf.to_dict() == {"id": "argon2id", "m": 65536, "t": 3, "p": 4}


def expected_golden() -> dict:
    return json.loads((GOLDEN / "expected.json").read_text())


def golden_content(wallet: Wallet) -> dict:
    return json.loads(
        json.dumps(
            {
                "credentials": [s.to_record() | {"id": s.wallet_id} for s in wallet.list_credentials()],
                "profile": wallet.get_profile(),
                "holder_did": wallet.holder_did,
                "documents": wallet.items("documents"),
            }
        )
    )


def as_read_now(expected: dict) -> dict:
    """The golden content as this version shows it: each record with the hash of its document, and the verdicts of
    format 1 (recorded without that hash, so not known to be about these bytes) shown as not verified."""
    from skillwallet.store.credentials import UNBOUND_VERDICT_REASON, document_sha256

    for record in expected["credentials"]:
        digest = document_sha256(base64.b64decode(record["credential"]["original"]))
        record["sha256"] = digest
        reasons = [] if record["verdict"]["verdict"] == "not-verified" else [UNBOUND_VERDICT_REASON]
        record["verdict"] = {"verdict": "not-verified", "checks": {}, "reasons": reasons, "checked_at": None,
                             "details": {}, "sha256": digest}
    return expected


def test_golden_wallet_v1_opens_with_identical_content():
    home = wallet_home()
    home.mkdir(mode=0o700, parents=True)
    shutil.copyfile(GOLDEN / "wallet.sqlite", home / "wallet.sqlite")
    passphrase = (GOLDEN / "PASSPHRASE").read_text().strip()
    with Wallet.open(home, passphrase=passphrase) as wallet:
        assert wallet.header.format_version == 1
        assert golden_content(wallet) == as_read_now(expected_golden())
        assert [c["verdict"] for c in wallet.list_summaries()] == ["not-verified", "not-verified"]
        # and this version can keep writing to it
        wallet.add_credential(make_credential(1))
    with Wallet.open(home, passphrase=passphrase) as wallet:
        assert len(wallet.list_credentials()) == 3


def test_golden_backup_v1_restores(tmp_path):
    passphrase = (GOLDEN / "PASSPHRASE").read_text().strip()
    proc = run_cli("restore", str(GOLDEN / "backup.swbackup"), env={"SKILLWALLET_PASSPHRASE": passphrase})
    assert proc.returncode == 0, proc.stderr
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        assert golden_content(wallet) == as_read_now(expected_golden())


# --- test 10: secrets never printed -----------------------------------------------------------------------------


def test_secret_wrapper_hides_its_value():
    secret = Secret(PASSPHRASE)
    for text in (repr(secret), str(secret), f"{secret}", repr([secret]), repr({"k": secret})):
        assert PASSPHRASE not in text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_traceback_with_locals_shows_no_passphrase_or_key(monkeypatch, passphrase):
    with Wallet.init(wallet_home(), passphrase) as wallet:
        wallet.add_credential(make_credential(1))
        dek_hex = wallet.dek_for_session().reveal().hex()

    def explode(self):
        raise RuntimeError("injected failure while keys are in scope")

    monkeypatch.setattr(Wallet, "_load_integrity", explode)
    from skillwallet.cli.session import open_wallet

    with pytest.raises(RuntimeError) as caught:
        open_wallet()
    # every frame from open_wallet() down (the test's own frame holds the passphrase as a fixture value)
    exc = caught.value
    rendered = "".join(
        traceback.TracebackException(type(exc), exc, exc.__traceback__.tb_next, capture_locals=True).format()
    )
    assert "open_wallet" in rendered and "_open_path" in rendered
    assert "injected failure" in rendered
    assert passphrase not in rendered
    assert dek_hex not in rendered
    assert "Secret(<hidden>)" in rendered or "Keys(<hidden>)" in rendered


def test_internal_error_through_cli_shows_no_secret(monkeypatch, passphrase, capsys):
    from skillwallet.cli.app import run

    with Wallet.init(wallet_home(), passphrase):
        pass

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(Wallet, "_load_integrity", explode)
    code = run(["list"])
    out = capsys.readouterr()
    assert code == ExitCode.INTERNAL
    assert "Traceback" not in out.err and passphrase not in out.err + out.out


def test_passphrase_never_in_output_of_any_command(tmp_path, passphrase):
    env = {"SKILLWALLET_PASSPHRASE": passphrase, "SKILLWALLET_NEW_PASSPHRASE": passphrase + "!"}
    outputs = []
    for args in (["init"], ["status"], ["list"], ["unlock"], ["backup", str(tmp_path / "b")], ["passwd"],
                 ["list"], ["--debug", "list"]):
        proc = run_cli(*args, env=env)
        outputs.append(proc.stdout + proc.stderr)
    assert not any(passphrase in text for text in outputs)


# --- test 7: no plaintext at rest -------------------------------------------------------------------------------


def scan_for(needle: bytes, roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")] if root.is_dir() else [root]:
            if path.is_file():
                try:
                    if needle in path.read_bytes():
                        found.append(path)
                except OSError:
                    pass
    return found


@pytest.mark.slow
def test_canary_never_at_rest_after_commands_errors_and_crashes(tmp_path, passphrase, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    tmpdir = Path(os.environ["TMPDIR"])
    state = Path(os.environ["SKILLWALLET_STATE_DIR"])
    with Wallet.init(wallet_home(), passphrase) as wallet:
        cred = make_credential(1, title=f"Title {CANARY}", description=f"About {CANARY}")
        wid, _ = wallet.add_credential(cred)
        wallet.set_profile({"name": CANARY})
        wallet.put("documents", f"https://example.org/{CANARY}", {"body": CANARY})
    env = {"SKILLWALLET_PASSPHRASE": passphrase, "SKILLWALLET_NEW_PASSPHRASE": "second passphrase"}
    backup = workdir / "wallet.backup"
    commands = [
        ["list"], ["list", "--json"], ["show", wid], ["show", "--json", wid], ["tag", wid, CANARY],
        ["note", wid, f"note {CANARY}"], ["unlock"], ["status"], ["backup", str(backup)],
        ["restore", "--force", str(backup)], ["passwd"],
    ]
    for args in commands:
        proc = run_cli(*args, env=env)
        assert proc.returncode == 0, (args, proc.stderr)
        if args[0] == "passwd":
            env["SKILLWALLET_PASSPHRASE"] = "second passphrase"
    # error paths
    assert run_cli("list", env={"SKILLWALLET_PASSPHRASE": "wrong"}).returncode == ExitCode.BAD_PASSPHRASE
    assert run_cli("show", "000000000000", env=env).returncode == ExitCode.NOT_FOUND
    assert run_cli("restore", str(backup), env=env).returncode == ExitCode.EXISTS
    # a crash in the middle of writes of the canary
    pid = os.fork()
    if pid == 0:
        try:
            with Wallet.open(wallet_home(), passphrase="second passphrase") as wallet:
                for n in range(10**6):
                    wallet.add_credential(make_credential(10 + n, title=f"{CANARY} {n}"))
        finally:
            os._exit(0)
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    found = scan_for(CANARY.encode(), [wallet_home(), state, tmpdir, workdir])
    assert found == []
    # the data really is in there
    with Wallet.open(wallet_home(), passphrase="second passphrase") as wallet:
        assert CANARY in wallet.get_credential(wid).credential.title
        assert CANARY in wallet.get_credential(wid).tags


def test_session_files_and_state_hold_no_key_material_in_clear(passphrase):
    with Wallet.init(wallet_home(), passphrase) as wallet:
        dek = wallet.dek_for_session().reveal()
    proc = run_cli("unlock", env={"SKILLWALLET_PASSPHRASE": passphrase})
    token = proc.stdout.strip().split("=", 1)[1]
    state = Path(os.environ["SKILLWALLET_STATE_DIR"])
    for path in state.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert dek not in data and dek.hex().encode() not in data
            assert token.split(".")[2].encode() not in data
            assert passphrase.encode() not in data
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
