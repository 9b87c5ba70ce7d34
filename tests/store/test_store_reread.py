"""`skillwallet doctor --reread`: stored credentials read again from their original bytes with today's importers
(docs/store.md, "Reading credentials again"), on real wallet files.

A view an older version stored (a title with HTML markup, as before titles were read as plain text) is written
directly through the store API, as that version wrote it; the command must replace the view and nothing else."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from store_helpers import PASSPHRASE, make_credential, wallet_file, wallet_home

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode, StorageIOError
from skillwallet.formats import parse_credential_bytes
from skillwallet.formats.reread import reread_credential
from skillwallet.model import Credential
from skillwallet.store import Wallet, fsutil
from skillwallet.store.credentials import VERDICT_FIELDS
from skillwallet.verify import data_integrity as di
from skillwallet.verify.keys import did_key_from_public_key

HTML_TITLE = "<p>Data Analysis with <b>Python</b> &amp; pandas</p>"
TITLE = "Data Analysis with Python & pandas"
HTML_ISSUER = "<span>Example &amp; Co</span>"
ISSUER = "Example & Co"
INTEROP = Path(__file__).parent.parent / "interop" / "fixtures"


def signed_badge(n: int, key: Ed25519PrivateKey) -> bytes:
    """A real OB 3.0 credential signed with a key made here (eddsa-rdfc-2022), its name and issuer in HTML."""
    did = did_key_from_public_key(key.public_key())
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"urn:uuid:3c5d7e9f-1a2b-4c3d-8e9f-0a1b2c3d4e{n:02d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": HTML_ISSUER},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": HTML_TITLE,
        "credentialSubject": {
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://example.edu/achievements/python-data-{n}", "type": ["Achievement"],
                "name": HTML_TITLE, "description": "Cleans &amp; analyses data.",
                "criteria": {"narrative": "Passed the project."},
            },
        },
    }
    signed = di.sign_data_integrity(document, key, f"{did}#{did.removeprefix('did:key:')}")
    return json.dumps(signed).encode()


def old_view(original: bytes) -> Credential:
    """The view a version from before plain-text titles stored: today's, with the markup put back."""
    (credential,) = parse_credential_bytes(original, source="old")
    credential.title = HTML_TITLE
    credential.description = "Cleans &amp; analyses data."
    credential.issuer.name = HTML_ISSUER
    return credential


@pytest.fixture
def old_wallet(passphrase, capsys) -> list[str]:
    """A wallet holding two signed credentials with old-style views, verified, tagged and annotated."""
    key = Ed25519PrivateKey.generate()
    ids = []
    with Wallet.init(wallet_home(), passphrase) as wallet:
        for n in range(2):
            wallet_id, created = wallet.add_credential(old_view(signed_badge(n, key)))
            assert created
            wallet.set_tags(wallet_id, ["data", f"job-{n}"])
            wallet.set_note(wallet_id, f"shown at interview {n}")
            ids.append(wallet_id)
    assert run(["verify", *ids]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    return ids


def stored(wallet_id: str):
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        wallet.verify_all()
        return wallet.get_credential(wallet_id)


def wallet_bytes() -> dict[str, bytes]:
    home = wallet_home()
    return {p.name: p.read_bytes() for p in sorted(home.iterdir()) if p.name.startswith("wallet.sqlite")}


def doctor_json(capsys, *args: str) -> tuple[int, dict]:
    code = run(["doctor", "--reread", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out)


def test_reread_makes_the_title_plain_text_and_keeps_the_holders_data(old_wallet, capsys):
    first, second = old_wallet
    before = stored(first)
    assert before.credential.title == HTML_TITLE and before.verdict.verdict == "verified"

    code, document = doctor_json(capsys)
    assert code == ExitCode.OK
    report = document["reread"]
    assert report["dry_run"] is False
    assert report["counts"] == {"changed": 2, "unchanged": 0, "unreadable": 0, "skipped": 0}
    by_id = {c["id"]: c for c in report["credentials"]}
    assert set(by_id) == {first, second}
    assert by_id[first]["status"] == "changed" and by_id[first]["title"] == TITLE
    assert set(by_id[first]["fields"]) == {"title", "description", "issuer.name"}
    # the title is what verification compares for some formats: the verdict must be earned again, and says so
    assert by_id[first]["verdict"] == "verified" and by_id[first]["verdict_reset"] is True
    assert any(c["check"] == "reread" and first in c["message"] and "title" in c["message"] for c in document["checks"])

    after = stored(first)
    assert after.wallet_id == first
    assert (after.credential.title, after.credential.issuer.name) == (TITLE, ISSUER)
    assert after.credential.description == "Cleans & analyses data."
    assert after.credential.original == before.credential.original
    assert after.tags == ["data", "job-0"] and after.note == "shown at interview 0" and after.added == before.added
    assert after.verdict.verdict == "not-verified"
    assert "doctor --reread" in after.verdict.reasons[0] and f"skillwallet verify {first}" in after.verdict.reasons[0]

    # list reads the index record, stack the facts: both give the new view
    assert run(["list", "--json"]) == ExitCode.OK
    listed = {c["id"]: c for c in json.loads(capsys.readouterr().out)["credentials"]}
    assert listed[first]["title"] == TITLE and listed[first]["issuer"] == ISSUER
    assert listed[first]["tags"] == ["data", "job-0"] and listed[first]["note"] == "shown at interview 0"
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        facts = {s.wallet_id: s for s in wallet.list_credential_facts()}
    assert facts[first].credential.title == TITLE and facts[first].verdict.verdict == "not-verified"

    assert run(["doctor"]) == ExitCode.OK, capsys.readouterr().out
    capsys.readouterr()
    # verifying again gives the verdict back, on the new view
    assert run(["verify", first]) == ExitCode.OK
    assert stored(first).verdict.verdict == "verified"


def test_text_output_names_each_changed_credential_and_field(old_wallet, capsys):
    assert run(["doctor", "--reread"]) == ExitCode.OK
    out = capsys.readouterr().out
    for wallet_id in old_wallet:
        line = next(line for line in out.splitlines() if wallet_id in line)
        assert "changed: title, description, issuer.name" in line
        assert f"skillwallet verify {wallet_id}" in line
    assert "2 credentials read again: 2 changed, 0 unchanged, 0 left as they are" in out


def test_dry_run_writes_nothing(old_wallet, capsys):
    before = wallet_bytes()
    code, document = doctor_json(capsys, "--dry-run")
    assert code == ExitCode.OK
    assert document["reread"]["dry_run"] is True
    assert document["reread"]["counts"]["changed"] == 2
    assert all(set(c["fields"]) == {"title", "description", "issuer.name"} for c in document["reread"]["credentials"])
    assert any("dry run: nothing written" in c["message"] for c in document["checks"])
    assert wallet_bytes() == before
    assert stored(old_wallet[0]).credential.title == HTML_TITLE
    assert stored(old_wallet[0]).verdict.verdict == "verified"

    assert run(["doctor", "--reread", "--dry-run"]) == ExitCode.OK
    assert "would change: title, description, issuer.name" in capsys.readouterr().out
    assert wallet_bytes() == before


def test_a_second_run_changes_nothing(old_wallet, capsys):
    assert doctor_json(capsys)[0] == ExitCode.OK
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        generation = wallet.generation
    before = wallet_bytes()
    code, document = doctor_json(capsys)
    assert code == ExitCode.OK
    assert document["reread"]["counts"] == {"changed": 0, "unchanged": 2, "unreadable": 0, "skipped": 0}
    assert document["reread"]["credentials"] == []
    assert wallet_bytes() == before
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        assert wallet.generation == generation  # no write transaction at all


def _reread(wallet: Wallet, **options):
    def read(wallet_id, credential):
        return reread_credential(credential, source=wallet_id)

    return wallet.reread_credentials(read, **options)


def test_a_crash_at_the_fault_point_leaves_every_old_view(old_wallet):
    """A SIGKILL after the first credential was rewritten, inside the one transaction: neither view is new."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: rewrite, killed at the second credential
        os.close(read_fd)
        try:
            seen = []

            def hook(name: str) -> None:
                if name == "reread.credential":
                    seen.append(name)
                    if len(seen) == 2:
                        os.write(write_fd, b"killed\n")
                        os.kill(os.getpid(), signal.SIGKILL)

            fsutil.fault_hook = hook
            with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
                _reread(wallet)
        finally:
            os._exit(0)
    os.close(write_fd)
    _, status = os.waitpid(pid, 0)
    assert os.read(read_fd, 100) == b"killed\n"
    os.close(read_fd)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    for wallet_id in old_wallet:
        after = stored(wallet_id)  # opens (integrity checked), whole
        assert after.credential.title == HTML_TITLE and after.verdict.verdict == "verified"
        assert after.tags[0] == "data"


def test_an_io_error_at_the_fault_point_leaves_every_old_view(old_wallet):
    calls = []

    def hook(name: str) -> None:
        if name == "reread.credential":
            calls.append(name)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")

    fsutil.fault_hook = hook
    try:
        with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
            with pytest.raises(StorageIOError, match="disk is full"):
                _reread(wallet)
    finally:
        fsutil.fault_hook = None
    assert len(calls) == 2
    assert [stored(i).credential.title for i in old_wallet] == [HTML_TITLE, HTML_TITLE]


def test_an_original_that_no_longer_reads_is_left_and_reported(passphrase, capsys):
    with Wallet.init(wallet_home(), passphrase) as wallet:
        # what an earlier importer accepted and today's do not: kept as it was added, never deleted
        broken = make_credential(1, title="Kept As It Was")
        broken.original = b'{"name": "not a credential today"}'
        broken_id = wallet.add_credential(broken)[0]
        wallet.set_note(broken_id, "mine")
        good_id = wallet.add_credential(old_view(signed_badge(7, Ed25519PrivateKey.generate())))[0]
    before = stored(broken_id)
    code, document = doctor_json(capsys)
    assert code == ExitCode.OK  # a warning, not a problem: nothing is wrong with the wallet
    by_id = {c["id"]: c for c in document["reread"]["credentials"]}
    assert by_id[broken_id]["status"] == "unreadable" and by_id[broken_id]["title"] == "Kept As It Was"
    assert "not a credential" in by_id[broken_id]["reason"]
    assert by_id[good_id]["status"] == "changed"
    assert document["warnings"] >= 1
    assert any(c["status"] == "warning" and broken_id in c["message"] and "left as it is" in c["message"]
               for c in document["checks"])
    assert stored(broken_id) == before
    assert stored(good_id).credential.title == TITLE


def test_a_self_attested_entry_is_not_read_again(passphrase, capsys):
    Wallet.init(wallet_home(), passphrase).close()
    assert run(["add", "--self", "project", "--title", "<b>My</b> project", "--skill", "Python"]) == ExitCode.OK
    capsys.readouterr()
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        (entry,) = wallet.list_credentials()
    before = wallet_bytes()
    code, document = doctor_json(capsys)
    assert code == ExitCode.OK
    (outcome,) = document["reread"]["credentials"]
    # read as a plain VC it would lose self_attested and could be called verified: never re-read
    assert outcome["status"] == "skipped" and outcome["id"] == entry.wallet_id
    assert wallet_bytes() == before
    after = stored(entry.wallet_id)
    assert after.credential.self_attested and after.verdict.verdict == entry.verdict.verdict == "self-asserted"


def test_an_ob1_assertion_keeps_what_its_badgeclass_and_issuer_gave(passphrase, capsys):
    """The BadgeClass and Issuer files given beside an OB 1.0 assertion are not kept as files; the documents the
    importer resolved are (``extra``), and the re-read uses them under the URLs that link to them."""
    Wallet.init(wallet_home(), passphrase).close()
    files = [str(INTEROP / "1edtech-ob1" / name) for name in ("assertion-hosted.json", "badgeclass.json", "issuer.json")]
    assert run(["add", "--offline", "--no-verify", *files]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        (credential,) = wallet.list_credentials()
    assert credential.credential.title == "Awesome Robotics Badge"
    code, document = doctor_json(capsys, "--dry-run")
    assert document["reread"]["counts"]["unchanged"] == 1, document["reread"]

    # as an earlier version stored it: the BadgeClass's tags not yet read as skills and its name with markup
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        wallet.remove_credential(credential.wallet_id)
        old = credential.credential
        old.title, old.skills, old.tags = "<i>Awesome</i> Robotics Badge", [], []
        wallet.add_credential(old)
        wallet.set_tags(credential.wallet_id, ["robots"])
    code, document = doctor_json(capsys)
    (outcome,) = document["reread"]["credentials"]
    assert outcome["status"] == "changed" and set(outcome["fields"]) == {"title", "skills", "tags"}
    after = stored(credential.wallet_id)
    assert after.credential.title == "Awesome Robotics Badge"
    assert after.credential.issuer.name == "An Example Badge Issuer"
    assert after.credential.extra["badge"]["name"] == "Awesome Robotics Badge"
    assert {s.name for s in after.credential.skills} >= {"robots", "awesome"}
    assert after.tags == ["robots"]


def test_a_linked_document_no_longer_at_hand_keeps_the_stored_view(passphrase, capsys):
    """An assertion completed at `add` by a BadgeClass the view does not keep (an older version did not keep it):
    read again offline it would lose its title and issuer. It is left as it is."""
    Wallet.init(wallet_home(), passphrase).close()
    files = [str(INTEROP / "1edtech-ob1" / name) for name in ("assertion-hosted.json", "badgeclass.json", "issuer.json")]
    assert run(["add", "--offline", "--no-verify", *files]) == ExitCode.OK
    capsys.readouterr()
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        (credential,) = wallet.list_credentials()
        wallet.remove_credential(credential.wallet_id)
        old = credential.credential
        del old.extra["badge"], old.extra["issuer_profile"]
        wallet.add_credential(old)
    before = stored(credential.wallet_id)
    code, document = doctor_json(capsys)
    assert code == ExitCode.OK
    (outcome,) = document["reread"]["credentials"]
    assert outcome["status"] == "unreadable" and "robotics-badge.json" in outcome["reason"]
    assert stored(credential.wallet_id) == before


def test_a_nested_clr_credential_keeps_its_parent(passphrase, tmp_path, capsys):
    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key())
    method = f"{did}#{did.removeprefix('did:key:')}"
    inner = json.loads(signed_badge(3, key))
    clr = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:9d8c7b6a-0000-4000-8000-00000000c1a2",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2024-06-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": "did:example:learner", "type": ["ClrSubject"], "verifiableCredential": [inner]},
    }
    path = tmp_path / "clr.json"
    path.write_text(json.dumps(di.sign_data_integrity(clr, key, method)))
    Wallet.init(wallet_home(), passphrase).close()
    assert run(["add", "--offline", "--no-verify", str(path)]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        nested = next(s for s in wallet.list_credentials() if s.credential.parent_id)
        parent_id = nested.credential.parent_id
        wallet.remove_credential(nested.wallet_id)
        nested.credential.title = HTML_TITLE
        wallet.add_credential(nested.credential)
    code, document = doctor_json(capsys)
    assert document["reread"]["counts"] == {"changed": 1, "unchanged": 1, "unreadable": 0, "skipped": 0}
    after = stored(nested.wallet_id)
    assert after.credential.title == TITLE and after.credential.parent_id == parent_id


def test_dry_run_goes_with_reread_alone(passphrase, capsys):
    Wallet.init(wallet_home(), passphrase).close()
    assert run(["doctor", "--dry-run"]) == ExitCode.USAGE
    assert capsys.readouterr().err.startswith("error: --dry-run goes with --reread")
    assert run(["doctor", "--reread", "--dry-run", "--compact"]) == ExitCode.USAGE
    assert "cannot go with --fix or --compact" in capsys.readouterr().err


def test_the_verdict_fields_cover_what_the_verifier_reads():
    """A view change in a field verification reads must not leave the old verdict standing: every attribute of a
    stored credential the verifier reads is in VERDICT_FIELDS (or the verdict would be kept silently)."""
    from dataclasses import fields

    names = {f.name for f in fields(Credential)} - {"original"}
    verify = Path(paths.__file__).parent / "verify"
    read: set[str] = set()
    extras: set[str] = set()
    for source in verify.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for attribute, member in re.findall(r"\bcred(?:ential)?\.(\w+)(?:\.(\w+))?", text):
            if attribute == "extra" or (attribute == "issuer" and not member):
                continue  # extra: by its members, below; the issuer: by its id and name
            if attribute in names:
                read.add(f"{attribute}.{member}" if attribute == "issuer" and member else attribute)
        if "cred.extra" in text or "credential.extra" in text:
            extras |= {f"extra.{k}" for k in re.findall(r"\bextra\.get\(\"(\w+)\"", text)}
    assert read, "the verifier reads stored credentials through `cred.`"
    missing = {f for f in read | extras if f not in VERDICT_FIELDS and f.split(".")[0] not in VERDICT_FIELDS}
    assert not missing, f"add to store.credentials.VERDICT_FIELDS: {sorted(missing)}"


def test_members_a_newer_version_wrote_are_kept(old_wallet, capsys):
    """Only the view read today replaces the stored one: a member of the records this version does not know (a
    newer version's) stays, in the body and in the index record."""
    first = old_wallet[0]
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        body = wallet.get("credential-bodies", first)
        body["credential"]["pinned_view"] = {"by": "a newer version"}
        body["kept_by_newer"] = [1, 2]
        index = wallet.get("credentials", first)
        index["aliases"] = ["my data badge"]
        with wallet.batch() as writer:
            writer.put("credential-bodies", first, body)
            writer.put("credentials", first, index)
    assert doctor_json(capsys)[0] == ExitCode.OK
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:
        body = wallet.get("credential-bodies", first)
        index = wallet.get("credentials", first)
    assert body["credential"]["title"] == TITLE
    assert body["credential"]["pinned_view"] == {"by": "a newer version"} and body["kept_by_newer"] == [1, 2]
    assert index["aliases"] == ["my data badge"] and index["summary"]["title"] == TITLE


def test_credits_and_learning_outcomes_read_now_keep_the_verdict(passphrase, tmp_path, capsys):
    """An EDC stored before credits and learning outcomes were read: re-read, it gains them, and its verdict stays
    (verification reads neither: VERDICT_FIELDS)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verify"))
    from test_wild_verdicts import EDC, edc_pki, jades

    Wallet.init(wallet_home(), passphrase).close()
    chain = edc_pki()
    sealed = tmp_path / "edc.jsonld"
    sealed.write_text(json.dumps(jades(EDC, chain.x5c, chain.leaf_key)))
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    assert run(["add", "--offline", "--trust-anchor", str(root), str(sealed)]) == ExitCode.OK, capsys.readouterr().err
    capsys.readouterr()
    with Wallet.open(wallet_home(), passphrase=passphrase) as wallet:
        (current,) = wallet.list_credentials()
        assert current.verdict.verdict == "verified" and current.credential.credits == 5.0
        old = current.credential
        old.credits, old.skills = None, []
        del old.extra["credit_unit"]
        wallet.remove_credential(current.wallet_id)
        wallet.add_credential(old, current.verdict)  # as the earlier version stored it, verified on the same bytes
        wallet.set_tags(current.wallet_id, ["ects"])
    code, document = doctor_json(capsys)
    assert code == ExitCode.OK
    (outcome,) = document["reread"]["credentials"]
    assert set(outcome["fields"]) == {"credits", "skills", "extra.credit_unit"}
    assert outcome["verdict"] == "verified" and outcome["verdict_reset"] is False
    after = stored(current.wallet_id)
    assert after.credential.credits == 5.0 and after.credential.extra["credit_unit"] == "European Credit Transfer System"
    assert [s.name for s in after.credential.skills] == ["use Python for data analysis", "present statistical findings"]
    assert after.verdict.verdict == "verified" and after.tags == ["ects"]
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as wallet:  # stacking reads the credits from the facts
        (facts,) = wallet.list_credential_facts()
    assert facts.credential.credits == 5.0 and facts.credential.extra["credit_unit"] == "European Credit Transfer System"
