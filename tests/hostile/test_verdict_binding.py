"""Each stored credential keeps its own verdict: a verdict is only ever shown beside the exact bytes it was made on.

The attack: a tampered copy of a credential and the genuine one share the credential id (and so the wallet id).
Whatever order they are added in, `list`, `show`, `list --json` and the exported presentation must show the
stored document with *its* verdict; the second, different document is a conflict (exit 15, nothing written)
unless the holder asks for `add --replace`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import cli, genuine_and_tampered, init_wallet, open_wallet, wallet_state

from skillwallet.errors import ExitCode
from skillwallet.model import Credential, Issuer, Verdict
from skillwallet.store.wallet import BODIES, CREDENTIALS

GENUINE_TITLE = "Cloud Practitioner"
TAMPERED_TITLE = "Chief Cloud Architect"


@pytest.fixture
def documents(passphrase, tmp_path):
    init_wallet()
    return genuine_and_tampered(tmp_path)


def listed(capsys) -> dict:
    code, out, _ = cli(capsys, "list", "--json")
    assert code == 0
    (item,) = json.loads(out)["credentials"]
    return item


def shown(capsys, wallet_id: str) -> dict[str, str]:
    code, out, _ = cli(capsys, "show", wallet_id)
    assert code == 0
    return dict(line.split("\t", 1) for line in out.splitlines()[1:])


def presented(capsys, tmp_path: Path) -> tuple[int, list]:
    target = tmp_path / "vp.json"
    code, _, err = cli(capsys, "export", "--presentation", "-o", str(target))
    if code != 0:
        assert not target.exists(), err
        return code, []
    return code, json.loads(target.read_text())["verifiableCredential"]


def test_tampered_first_then_genuine_keeps_the_tampered_copy_invalid(documents, capsys, tmp_path):
    genuine, tampered = documents
    code, out, err = cli(capsys, "add", "--offline", str(tampered))
    assert code == 0, err
    wallet_id = out.splitlines()[1].split("\t")[0]
    assert out.splitlines()[1].split("\t")[-1] == "invalid"
    before = wallet_state()

    code, out, err = cli(capsys, "add", "--offline", str(genuine))
    assert code == ExitCode.EXISTS
    assert out == ""  # nothing stored: no table
    conflict = [line for line in err.splitlines() if line.startswith("conflict:")]
    assert conflict == [
        f"conflict: {genuine}: a different document with id urn:uuid:6a1f0b3c-0000-4000-8000-000000000001 is already "
        f"stored as {wallet_id} ({TAMPERED_TITLE}); kept the stored one; `add --replace` to take the new one"
    ]
    assert "already present" not in err.replace("already present 0", "")
    assert "Traceback" not in err
    assert wallet_state() == before  # a conflict writes nothing

    # every view shows the stored (tampered) document with its own verdict
    item = listed(capsys)
    assert (item["title"], item["verdict"]) == (TAMPERED_TITLE, "invalid")
    code, out, _ = cli(capsys, "list")
    assert out.splitlines()[1].split("\t")[1:2] + out.splitlines()[1].split("\t")[6:7] == [TAMPERED_TITLE, "invalid"]
    fields = shown(capsys, wallet_id)
    assert fields["title"] == TAMPERED_TITLE and fields["verdict"] == "invalid"
    code, credentials = presented(capsys, tmp_path)
    assert code == ExitCode.EXPORT and credentials == []  # an invalid credential is never put forward
    resume = tmp_path / "resume.md"
    assert cli(capsys, "profile", "set", "--name", "Ada Example")[0] == 0
    assert cli(capsys, "export", "--resume", "-o", str(resume))[0] == ExitCode.EXPORT and not resume.exists()


def test_genuine_first_then_tampered_keeps_the_genuine_copy_verified(documents, capsys, tmp_path):
    genuine, tampered = documents
    code, out, err = cli(capsys, "add", "--offline", str(genuine))
    assert code == 0, err
    wallet_id = out.splitlines()[1].split("\t")[0]
    before = wallet_state()

    code, out, err = cli(capsys, "add", "--offline", "--json", str(tampered))
    assert code == ExitCode.EXISTS
    (result,) = json.loads(out)["results"]
    assert result["status"] == "conflict" and result["id"] == wallet_id and result["verdict"] == "invalid"
    assert f"is already stored as {wallet_id} ({GENUINE_TITLE}); kept the stored one" in result["reason"]
    assert wallet_state() == before

    item = listed(capsys)
    assert (item["title"], item["verdict"]) == (GENUINE_TITLE, "verified")
    fields = shown(capsys, wallet_id)
    assert fields["title"] == GENUINE_TITLE and fields["verdict"] == "verified"
    code, credentials = presented(capsys, tmp_path)
    assert code == 0
    assert credentials == [json.loads(genuine.read_text())]  # the genuine bytes, not the tampered ones
    resume = tmp_path / "resume.md"
    assert cli(capsys, "profile", "set", "--name", "Ada Example")[0] == 0
    assert cli(capsys, "export", "--resume", "-o", str(resume))[0] == 0
    assert GENUINE_TITLE in resume.read_text() and TAMPERED_TITLE not in resume.read_text()


def test_add_replace_takes_the_new_document_with_its_own_verdict_and_keeps_tags_and_note(documents, capsys, tmp_path):
    genuine, tampered = documents
    assert cli(capsys, "add", "--offline", str(tampered))[0] == 0
    wallet_id = listed(capsys)["id"]
    assert cli(capsys, "tag", wallet_id, "cloud")[0] == 0
    assert cli(capsys, "note", wallet_id, "from the 2024 course")[0] == 0

    code, out, err = cli(capsys, "add", "--offline", "--replace", str(genuine))
    assert code == 0, err
    assert out.splitlines()[1].split("\t") == [wallet_id, "replaced", GENUINE_TITLE, "Example Institute", "ob3", "verified"]
    assert f"replaced the different document stored as {wallet_id} ({TAMPERED_TITLE})" in err
    item = listed(capsys)
    assert (item["title"], item["verdict"], item["tags"], item["note"]) == (
        GENUINE_TITLE, "verified", ["cloud"], "from the 2024 course"
    )
    assert shown(capsys, wallet_id)["verdict"] == "verified"
    code, credentials = presented(capsys, tmp_path)
    assert code == 0 and credentials == [json.loads(genuine.read_text())]

    # and back: the tampered copy replaces it with its own (invalid) verdict, never the genuine one's
    assert cli(capsys, "add", "--offline", "--replace", str(tampered))[0] == 0
    item = listed(capsys)
    assert (item["title"], item["verdict"]) == (TAMPERED_TITLE, "invalid")


def test_the_same_document_again_is_a_no_op(documents, capsys):
    genuine, _ = documents
    assert cli(capsys, "add", "--offline", str(genuine))[0] == 0
    code, out, err = cli(capsys, "add", "--offline", "--json", str(genuine))
    assert code == 0, err
    assert [r["status"] for r in json.loads(out)["results"]] == ["present"]
    assert listed(capsys)["verdict"] == "verified"


def test_a_conflict_in_a_folder_does_not_stop_the_rest(documents, capsys, tmp_path):
    genuine, tampered = documents
    assert cli(capsys, "add", "--offline", str(genuine))[0] == 0
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "tampered.json").write_bytes(tampered.read_bytes())
    other = json.loads(genuine.read_text())
    other["id"] = "urn:uuid:6a1f0b3c-0000-4000-8000-000000000002"  # a new id: added (its proof no longer matches)
    (folder / "other.json").write_text(json.dumps(other))
    code, out, err = cli(capsys, "add", "--offline", "--json", str(folder))
    assert code == ExitCode.PARTIAL
    assert sorted(r["status"] for r in json.loads(out)["results"]) == ["added", "conflict"]


# --- the store: a verdict is bound to the hash of the bytes it was computed on ---------------------------------


def credential(title: str, original: bytes) -> Credential:
    return Credential(format="ob3", original=original, credential_id="urn:example:one", title=title,
                      issuer=Issuer(id="did:example:issuer", name="Issuer"))


def test_store_outcomes_and_verdicts_stay_with_their_document(passphrase):
    from skillwallet.store.wallet import STORED_ADDED, STORED_CONFLICT, STORED_PRESENT, STORED_REPLACED

    init_wallet()
    first = credential("First", b'{"name": "First"}')
    other = credential("Other", b'{"name": "Other"}')
    reshaped = credential("First", b'{"name":"First"}')  # the same credential, other bytes
    with open_wallet() as wallet:
        (added,) = wallet.store_credentials([(first, Verdict(verdict="invalid"))])
        assert added.status == STORED_ADDED
        (conflict,) = wallet.store_credentials([(other, Verdict(verdict="verified"))])
        assert (conflict.status, conflict.stored_title) == (STORED_CONFLICT, "First")
        (present,) = wallet.store_credentials([(reshaped, Verdict(verdict="verified"))])
        assert present.status == STORED_PRESENT and not present.same_document
        assert wallet.get_credential(added.wallet_id).verdict.verdict == "invalid"
        assert wallet.list_summaries()[0]["verdict"] == "invalid"
        (replaced,) = wallet.store_credentials([(other, Verdict(verdict="verified"))], replace=True)
        assert replaced.status == STORED_REPLACED
        assert wallet.get_credential(added.wallet_id).verdict.verdict == "verified"
        # a verdict computed on the old bytes arrives after the replacement: not recorded
        assert not wallet.set_verdict(added.wallet_id, Verdict(verdict="invalid"),
                                      sha256=__import__("hashlib").sha256(first.original).hexdigest())
        with wallet.batch() as writer:
            assert not writer.set_verdict(added.wallet_id, Verdict(verdict="invalid"), sha256="0" * 64)
        assert wallet.get_credential(added.wallet_id).verdict.verdict == "verified"


@pytest.mark.parametrize("stored_hash", [None, "0" * 64], ids=["older-version", "another-document"])
def test_a_verdict_not_made_on_the_stored_bytes_is_never_shown(passphrase, capsys, stored_hash):
    """An old wallet (verdicts recorded without a hash) or a record whose verdict is another document's: read as
    not verified, in `list`, `list --json` and `show`."""
    init_wallet()
    with open_wallet() as wallet:
        wallet_id = wallet.add_credential(credential("First", b'{"name": "First"}'))[0]
        with wallet.batch() as writer:
            record = writer.get(CREDENTIALS, wallet_id)
            record["verdict"] = {"verdict": "verified", "checks": {"signature": "pass"}, "reasons": [],
                                 "checked_at": "2026-01-01T00:00:00Z", "details": {}}
            if stored_hash is not None:
                record["verdict"]["sha256"] = stored_hash
            else:
                record.pop("sha256", None)  # as written before the hash was kept
            writer.put(CREDENTIALS, wallet_id, record)
            assert writer.get(BODIES, wallet_id) is not None
        stored = wallet.get_credential(wallet_id)
        assert stored.verdict.verdict == "not-verified"
        assert stored.verdict.reasons and "run skillwallet verify" in stored.verdict.reasons[0]
    assert listed(capsys)["verdict"] == "not-verified"
    fields = shown(capsys, wallet_id)
    assert fields["verdict"] == "not-verified"
    code, out, _ = cli(capsys, "list")
    assert out.splitlines()[1].split("\t")[6] == "not-verified"
