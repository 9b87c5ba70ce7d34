"""The compact index records (what `stack`, `skills` and `list` read without the credentials' bodies), the
record layout that keeps the file close to the size of its sealed data, and `doctor --compact` (docs/store.md,
"Index records" and "Compaction")."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from store_helpers import PASSPHRASE, make_credential, run_cli, wallet_file, wallet_home

from skillwallet.model import Skill, Verdict
from skillwallet.store import Wallet, fsutil
from skillwallet.store.credentials import FACT_FIELDS, credential_facts
from skillwallet.store.records import BODIES, CREDENTIALS

GOLDEN = Path(__file__).parent.parent / "golden" / "wallet-v1"
AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)


def varied_credential(n: int):
    """Credentials that exercise every fact stacking reads: levels, credits, hours, results, types, aliases,
    validity dates, experience dates, holder-independent tags."""
    from skillwallet.skills.taxonomy import default_taxonomy

    rng = random.Random(n)
    labels = sorted(s.label for s in default_taxonomy().skills.values())
    extra = {"activity_start": "2020-01-01T00:00:00Z", "activity_end": "2023-06-01T00:00:00Z"} if n % 5 == 0 else {}
    if n % 4 == 0:
        extra["occupation"] = "15-2051.00"  # O*NET Data Scientists
    return make_credential(
        n,
        title=f"Credential {n}",
        skills=[Skill(name=rng.choice(labels), level=rng.choice([None, "beginner", "advanced"])) for _ in range(3)],
        achievement_type=rng.choice(["Certificate", "Badge", "Course", "ext:Internship"]),
        achievement_id=f"https://issuer.example/achievements/{n % 4}",
        achievement_aliases=[f"Alias {n % 3}"],
        credits=rng.choice([None, 3, 4.5]),
        hours=rng.choice([None, 10, 40]),
        result=rng.choice([None, "3.5", "88%"]),
        level=rng.choice([None, "intermediate"]),
        tags=[rng.choice(["data", "cloud", "web"])],
        types=["VerifiableCredential", "OpenBadgeCredential"],
        valid_from=datetime(2026, 9, 1, tzinfo=timezone.utc) if n % 7 == 3 else None,
        expires=datetime(2026, 1, 1, tzinfo=timezone.utc) if n % 6 == 1 else None,
        self_attested=n % 9 == 4,
        extra=dict(extra, unrelated="not a fact"),
    )


def fill(wallet: Wallet, count: int = 40) -> None:
    verdicts = ["verified", "verified", "not-verified", "unsigned", "invalid"]
    wallet.add_credentials(
        [(varied_credential(n), Verdict(verdict=verdicts[n % 5], checks={"status": "revoked" if n % 11 == 2 else "pass"}))
         for n in range(count)]
    )


def index_records(wallet: Wallet) -> dict:
    return dict(wallet.items(CREDENTIALS))


def test_index_records_carry_the_facts_of_their_bodies(wallet):
    fill(wallet)
    bodies = dict(wallet.items(BODIES))
    for key, record in index_records(wallet).items():
        from skillwallet.model import Credential

        assert record["facts"] == credential_facts(Credential.from_dict(bodies[key]["credential"]))
    full = {s.wallet_id: s for s in wallet.list_credentials()}
    compact = wallet.list_credential_facts()
    assert [s.wallet_id for s in compact] == list(full)  # same order (added, id)
    for item in compact:
        assert not item.complete and full[item.wallet_id].complete
        assert item.credential.original == b""  # no body was read
        for name in FACT_FIELDS:
            assert getattr(item.credential, name) == getattr(full[item.wallet_id].credential, name), name
        assert item.verdict == full[item.wallet_id].verdict
        assert (item.tags, item.note, item.added) == (full[item.wallet_id].tags, full[item.wallet_id].note,
                                                     full[item.wallet_id].added)


def test_stacking_from_index_records_equals_stacking_from_full_credentials(wallet):
    """Every built-in pathway, the ranking and the skills inventory: the same answer from either load."""
    from skillwallet.skills.inventory import build_inventory
    from skillwallet.stacking.catalog import builtin_pathways
    from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator
    from skillwallet.stacking.inference import builtin_inference

    fill(wallet, 60)
    target = wallet.list_credential_facts()[3].wallet_id
    wallet.set_tags(target, ["step:portfolio", "data"])
    # an internship tagged with its occupation: the months of relevant work the customer-service goal asks for
    internship = next(s.wallet_id for s in wallet.list_credential_facts()
                      if s.credential.achievement_type == "ext:Internship" and s.credential.extra.get("activity_start")
                      and s.verdict.verdict != "invalid" and s.verdict.checks.get("status") == "pass")
    wallet.set_tags(internship, ["onet:43-4051.00"])
    assert_same_verdicts(wallet)
    full, compact = wallet.list_credentials(), wallet.list_credential_facts()
    full_index, compact_index = CredentialIndex(full, as_of=AS_OF), CredentialIndex(compact, as_of=AS_OF)
    statuses = set()
    for pathway in builtin_pathways().values():
        expected = PathwayEvaluator(pathway, full_index).evaluate().to_dict()
        assert PathwayEvaluator(pathway, compact_index).evaluate().to_dict() == expected, pathway.id
        statuses.add(expected["status"])
    assert len(statuses) > 1  # the credentials meet some goals and not others: the comparison means something
    assert [e.to_dict() for e in build_inventory(compact, as_of=AS_OF, inference=builtin_inference())] == [
        e.to_dict() for e in build_inventory(full, as_of=AS_OF, inference=builtin_inference())
    ]


def test_facts_stay_in_step_with_every_write(wallet):
    fill(wallet, 5)
    target = wallet.list_credential_facts()[0].wallet_id
    facts = index_records(wallet)[target]["facts"]
    wallet.set_tags(target, ["mine"])
    wallet.set_note(target, "a note")
    wallet.set_verdict(target, Verdict(verdict="verified"))
    with wallet.batch() as writer:
        writer.set_verdict(target, Verdict(verdict="invalid"))
    record = index_records(wallet)[target]
    assert record["facts"] == facts and record["tags"] == ["mine"] and record["verdict"]["verdict"] == "invalid"
    wallet.remove_credential(target)
    assert target not in {s.wallet_id for s in wallet.list_credential_facts()}
    assert len(wallet.list_credential_facts()) == 4


def golden_home() -> Path:
    home = wallet_home()
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(GOLDEN / "wallet.sqlite", home / "wallet.sqlite")
    return home


def golden_passphrase() -> str:
    return (GOLDEN / "PASSPHRASE").read_text().strip()


def assert_same_verdicts(wallet: Wallet) -> None:
    """Stacking from the index facts counts each credential as what `list` and a full load say it is (a verdict
    the wallet would not show beside the stored document must not count toward a goal either)."""
    full = {s.wallet_id: s.verdict for s in wallet.list_credentials()}
    facts = {s.wallet_id: s.verdict for s in wallet.list_credential_facts()}
    listed = {o["id"]: o["verdict"] for o in wallet.list_summaries()}
    assert facts == full
    assert {k: v.verdict for k, v in facts.items()} == listed


def test_golden_wallet_without_facts_is_read_from_its_bodies_then_upgraded_by_the_first_write():
    home = golden_home()
    expected = json.loads((GOLDEN / "expected.json").read_text())["credentials"]
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        assert all("facts" not in record for record in index_records(wallet).values())
        assert_same_verdicts(wallet)
        before = [(s.wallet_id, s.credential.to_dict()) for s in wallet.list_credential_facts()]
        assert before == [(c["id"], c["credential"]) for c in expected]  # complete: read from the bodies
        content = [s.to_record() | {"id": s.wallet_id} for s in wallet.list_credentials()]
        # the first write transaction builds the facts, in the same transaction
        wallet.set_profile({"name": "Golden Holder", "emails": ["holder@example.org"]})
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        records = index_records(wallet)
        assert all("facts" in record for record in records.values())
        assert_same_verdicts(wallet)
        assert wallet.get("_wallet", "layout") == {"facts": 1}
        compact = {s.wallet_id: s for s in wallet.list_credential_facts()}
        full = {s.wallet_id: s for s in wallet.list_credentials()}
        assert [s.to_record() | {"id": s.wallet_id} for s in full.values()] == content  # content unchanged
        for key, item in compact.items():
            assert not item.complete
            assert {n: getattr(item.credential, n) for n in FACT_FIELDS} == {
                n: getattr(full[key].credential, n) for n in FACT_FIELDS}


def test_stack_and_skills_commands_same_output_before_and_after_the_upgrade():
    home = golden_home()
    env = {"SKILLWALLET_PASSPHRASE": golden_passphrase()}
    commands = [("stack", "--json", "--as-of", "2026-06-01"), ("stack", "--goal", "data-analyst", "--json", "--as-of",
                "2026-06-01"), ("skills", "--json", "--as-of", "2026-06-01"), ("list", "--json")]
    before = [run_cli(*c, env=env) for c in commands]
    assert all(p.returncode == 0 for p in before), [p.stderr for p in before]
    proc = run_cli("tag", "dafbe3406422", "golden", env=env)  # a write: builds the index facts
    assert proc.returncode == 0, proc.stderr
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        assert all("facts" in record for record in index_records(wallet).values())
    after = [run_cli(*c, env=env) for c in commands]
    assert [p.stdout for p in after] == [p.stdout for p in before]


# --- layout and size --------------------------------------------------------------------------------------------


def records_sql(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_schema WHERE name='records'").fetchone()[0]
    finally:
        conn.close()


def sealed_total(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sum(length(sealed)) FROM records").fetchone()[0]
    finally:
        conn.close()


def big_credential(n: int):
    """A credential whose body is a few KB, like a signed OB 3.0 credential with descriptions and a proof."""
    credential = make_credential(n, description="What the holder showed, in a paragraph or two. " * 12)
    credential.original = credential.original + b" " + os.urandom(1500).hex().encode()
    return credential


def test_new_wallet_file_stays_close_to_its_sealed_data_across_many_small_writes(wallet):
    """Adds one by one (each its own transaction, random record ids) then a verdict rewrite of every credential:
    the appended layout keeps the file within 1.3x of the sealed bytes (the keyed layout was ~1.8x)."""
    assert "WITHOUT ROWID" not in records_sql(wallet_file()).upper()
    ids = []
    for n in range(150):
        ids.append(wallet.add_credential(big_credential(n))[0])
    with wallet.batch() as writer:
        for wallet_id in ids:
            writer.set_verdict(wallet_id, Verdict(verdict="verified", reasons=["checked " * 5]))
    wallet.close()
    path = wallet_file()
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    assert path.stat().st_size <= 1.3 * sealed_total(path)


def sizeable_index_credential(n: int):
    """A credential like the synthetic OB 3.0 ones of benchmarks/scale.py: its index record (summary, facts, a
    verdict not yet checked) seals to ~1.7 KB, all of it in its leaf page at 2 KiB pages; its body to ~4.6 KB."""
    skills = [Skill(name=label, level="intermediate") for label in ("Data analysis", "Statistics", "Reporting")]
    credential = make_credential(
        n, description="What the holder showed, in a paragraph or two. " * 12, skills=skills,
        achievement_id=f"https://issuer.example/achievements/{n}", achievement_type="Certificate",
        achievement_aliases=[f"Alias {n} of the achievement"], tags=["data", "cloud"],
        types=["VerifiableCredential", "OpenBadgeCredential"],
    )
    credential.original = credential.original + b" " + os.urandom(1000).hex().encode()
    return credential


def verification_verdict() -> Verdict:
    """What `verify --all` records: the outcome of each check, a reason and the proof details (~700 bytes)."""
    checks = {name: "pass" for name in ("signature", "undefined_terms", "contexts", "proof_purpose", "issuer_binding",
                                        "not_before", "expiry", "status")}
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    return Verdict(
        verdict="verified", checks=checks, reasons=["the issuer's key was resolved from its DID document"],
        checked_at=AS_OF,
        details={"format": "ob3", "as_of": "2026-06-01T00:00:00Z", "contexts_index": "66149c1e9212e771",
                 "proofs": [{"index": 0, "suite": "eddsa-rdfc-2022", "outcome": "pass", "binding": "issuer",
                             "verification_method": f"{did}#{did.removeprefix('did:key:')}", "controller": did,
                             "reasons": []}],
                 "issuer": "https://issuer.example", "binding": "issuer", "documents": []},
    )


def test_a_verdict_rewrite_of_every_credential_keeps_the_file_close_to_its_sealed_data(wallet):
    """`verify --all` rewrites every index record with a larger verdict, past what a 2 KiB leaf page keeps of a
    record: from then on the leaf holds 232 bytes of it and an overflow page the rest. Rewritten in place (SQLite
    rebalances an updated page only when it overflows), each credential left a nearly empty leaf behind: 1.51x
    the sealed data here. A replaced record is deleted and inserted again, and the delete merges the emptied leaf,
    whose page the rest of the rewrite reuses."""
    ids = [item[0] for item in wallet.add_credentials([sizeable_index_credential(n) for n in range(400)])]
    for start in range(0, len(ids), 100):  # as `verify --all` writes: 100 verdicts per transaction
        with wallet.batch() as writer:
            for wallet_id in ids[start:start + 100]:
                assert writer.set_verdict(wallet_id, verification_verdict())
    wallet.close()
    path = wallet_file()
    assert path.stat().st_size <= 1.3 * sealed_total(path)
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as reopened:
        assert reopened.verify_all() == 2 * len(ids) + 2  # the holder key and the layout record besides
        assert {s.verdict.verdict for s in reopened.list_credential_facts()} == {"verified"}
        assert reopened.get_credential(ids[7]).verdict.details["proofs"][0]["outcome"] == "pass"


def test_records_replaced_in_a_legacy_wallet_keep_it_whole():
    """The golden wallet's records table (the earlier layout, keyed by record id, no row numbers) is written by
    delete and insert too: every record stays readable and the record set checks out."""
    home = golden_home()
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        before = {s.wallet_id: s.to_record() for s in wallet.list_credentials()}
        for wallet_id in before:
            wallet.set_note(wallet_id, f"note on {wallet_id}")
            assert wallet.set_verdict(wallet_id, verification_verdict())
    assert "WITHOUT ROWID" in records_sql(wallet_file()).upper()
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        wallet.verify_all()
        after = {s.wallet_id: s for s in wallet.list_credentials()}
        assert after.keys() == before.keys()
        for wallet_id, stored in after.items():
            assert stored.note == f"note on {wallet_id}" and stored.verdict.verdict == "verified"
            assert stored.credential.to_dict() == before[wallet_id]["credential"]
        # moved to the current layout by this very wallet object: its next writes use the row numbers
        assert wallet.compact()["layout_migrated"]
        numbers = row_numbers(wallet_file())
        for wallet_id in after:
            wallet.set_note(wallet_id, "after the move")
        assert row_numbers(wallet_file()) == numbers  # each replaced record kept its place
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        assert {s.note for s in wallet.list_credentials()} == {"after the move"}


def row_numbers(path: Path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [n for (n,) in conn.execute("SELECT n FROM records ORDER BY n")]
    finally:
        conn.close()


def legacy_wallet_with(count: int) -> Path:
    """The golden format-1 wallet (keyed WITHOUT ROWID layout) with ``count`` more credentials added."""
    home = golden_home()
    assert "WITHOUT ROWID" in records_sql(wallet_file()).upper()
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        for n in range(count):
            wallet.add_credential(big_credential(n))
    return home


def full_content(wallet: Wallet) -> dict:
    return {
        "credentials": [(s.wallet_id, s.to_record()) for s in wallet.list_credentials()],
        "holder": wallet.items("_holder"),
        "documents": wallet.items("documents"),
        "records": wallet.verify_all(),
    }


def test_compact_moves_a_legacy_wallet_to_the_current_layout_and_gives_back_space():
    home = legacy_wallet_with(60)
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        wallet.delete("documents", "https://example.org/context.jsonld")
        expected = full_content(wallet)
        generation = wallet.generation
        result = wallet.compact()
        assert result["layout_migrated"] and result["bytes_after"] < result["bytes_before"]
        assert wallet.generation == generation + 1
    path = wallet_file()
    assert "WITHOUT ROWID" not in records_sql(path).upper()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x534B5754
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert path.stat().st_size <= 1.3 * sealed_total(path)
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        assert full_content(wallet) == expected
        wallet.add_credential(make_credential(999))  # and it keeps working
        assert len(wallet.list_credential_facts()) == 63


def test_compact_leaves_no_deleted_ciphertext_in_the_file_or_the_wal(wallet):
    for n in range(30):
        wallet.add_credential(big_credential(n))
    victim = make_credential(500, title="Deleted " + "Z" * 40)
    victim_id, _ = wallet.add_credential(victim)
    conn = sqlite3.connect(wallet_file())
    traces = [bytes(s)[-48:] for (s,) in conn.execute("SELECT sealed FROM records")]
    conn.close()
    wallet.remove_credential(victim_id)
    for n in range(30):
        wallet.set_note(wallet.list_credential_facts()[n].wallet_id, f"note {n}")  # old versions of records
    conn = sqlite3.connect(wallet_file())
    live = {bytes(s)[-48:] for (s,) in conn.execute("SELECT sealed FROM records")}
    conn.close()
    gone = [t for t in traces if t not in live]
    assert len(gone) >= 30  # the deleted credential's two records and the replaced index records
    wallet.compact()
    data = wallet_file().read_bytes()
    wal = Path(str(wallet_file()) + "-wal")
    data += wal.read_bytes() if wal.exists() else b""
    assert not [t for t in gone if t in data]


def test_compact_refuses_a_damaged_record_set(wallet):
    from skillwallet.errors import WalletCorruptError

    for n in range(5):
        wallet.add_credential(make_credential(n))
    wallet.close()
    conn = sqlite3.connect(wallet_file())
    conn.execute("DELETE FROM records WHERE rowid = (SELECT max(rowid) FROM records WHERE collection='credentials')")
    conn.commit()
    conn.close()
    before = wallet_file().read_bytes()
    with Wallet.open(wallet_home(), passphrase=PASSPHRASE) as reopened:
        with pytest.raises(WalletCorruptError):
            reopened.compact()
    assert wallet_file().read_bytes() == before


@pytest.mark.parametrize("step", ["compact.migrate", "compact.vacuum", "write.integrity", "write.commit"])
def test_compact_crash_at_each_step_leaves_the_wallet_whole(step):
    home = legacy_wallet_with(20)
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        expected = full_content(wallet)

    class Crash(Exception):
        pass

    def hook(name: str) -> None:
        if name == step:
            raise Crash(name)

    fsutil.fault_hook = hook
    try:
        with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
            with pytest.raises(Crash):
                wallet.compact()
    finally:
        fsutil.fault_hook = None
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        assert full_content(wallet) == expected
        wallet.compact()
        assert full_content(wallet) == expected


@pytest.mark.slow
def test_sigkill_during_compact_leaves_the_old_or_the_new_wallet_whole():
    """Real SIGKILLs at random moments of `doctor --compact` (migration and VACUUM of a legacy wallet)."""
    import subprocess
    import sys

    home = legacy_wallet_with(120)
    with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
        expected = full_content(wallet)
    pristine = wallet_file().read_bytes()
    rng = random.Random(4096)
    env = dict(os.environ, SKILLWALLET_PASSPHRASE=golden_passphrase())
    command = [sys.executable, "-m", "skillwallet", "doctor", "--compact", "--json"]
    started = time.monotonic()
    subprocess.run(command, env=env, capture_output=True, check=False)
    duration = time.monotonic() - started  # one whole run on this machine now: the kills land inside it
    finished = killed = 0
    rounds = 0
    # at least 12 rounds, and on until three kills landed inside a run: on a loaded machine a run's length varies,
    # so a run that finished before its kill makes the next kill come sooner
    while rounds < 12 or (killed < 3 and rounds < 40):
        rounds += 1
        for suffix in ("-wal", "-shm"):
            Path(str(wallet_file()) + suffix).unlink(missing_ok=True)
        wallet_file().write_bytes(pristine)
        with Wallet.open(home, passphrase=golden_passphrase(), check_rollback=False) as pristine_copy:
            pristine_copy.trust_current()  # the copy put back on purpose is the current one
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.95) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        else:
            finished += 1
            duration *= 0.7
        proc.wait()
        with Wallet.open(home, passphrase=golden_passphrase()) as wallet:
            assert full_content(wallet) == expected
    assert killed >= 3, (killed, finished)


def test_doctor_compact_through_the_cli():
    legacy_wallet_with(10)
    env = {"SKILLWALLET_PASSPHRASE": golden_passphrase()}
    proc = run_cli("doctor", "--compact", "--json", env=env)
    assert proc.returncode in (0, 20), proc.stderr
    checks = {c["check"]: c for c in json.loads(proc.stdout)["checks"]}
    assert checks["compact"]["status"] == "info"
    assert "records moved to the current layout" in checks["compact"]["message"]
    assert "WITHOUT ROWID" not in records_sql(wallet_file()).upper()
    locked = run_cli("doctor", "--compact", env={"SKILLWALLET_PASSPHRASE": None, "SKILLWALLET_SESSION": None})
    assert locked.returncode != 0 and locked.stderr.startswith("error: ") and "Traceback" not in locked.stderr


def test_damaged_schema_text_is_reported_on_one_line(wallet):
    """SQLite quotes the damaged schema statement (several lines) in its message: the error stays one line."""
    from skillwallet.errors import WalletCorruptError

    wallet.add_credential(make_credential(1))
    wallet.close()
    conn = sqlite3.connect(wallet_file())
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_schema SET sql = replace(sql, 'version INTEGER', 'version INTEGER \"') "
                 "WHERE name='records'")
    conn.commit()
    conn.close()
    with pytest.raises(WalletCorruptError) as caught:
        Wallet.open(wallet_home(), passphrase=PASSPHRASE).close()
    assert "\n" not in caught.value.message and "damaged" in caught.value.message
    proc = run_cli("list", env={"SKILLWALLET_PASSPHRASE": PASSPHRASE})
    assert proc.returncode != 0 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if not line.startswith("hint:")]) == 1, proc.stderr


def test_compact_says_when_a_reader_kept_the_wal_from_being_emptied(wallet):
    for n in range(10):
        wallet.add_credential(big_credential(n))
    reader = sqlite3.connect(wallet_file())
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM records").fetchone()  # holds a snapshot from before
        result = wallet.compact()
    finally:
        reader.close()
    assert result["wal_truncated"] is False
    assert len(wallet.list_credential_facts()) == 10
    assert wallet.compact()["wal_truncated"] is True  # once the reader is gone
    wal = Path(str(wallet_file()) + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
