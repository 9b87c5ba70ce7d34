"""How the wallet scales: CPU per credential of `add`, `list --json`, `stack` and `verify --all` at 1,000 and
10,000 credentials, the time spent loading credentials for stacking, and the wallet file's size.

    .venv/bin/python benchmarks/scale.py [--quick] [--sizes 1000,10000] [--storage]

Every figure is the CPU time (user + system) of the whole command in a subprocess, unlocked with a session (no
KDF), the least of several runs: CPU rather than wall time because the machine is shared. "Per credential" is the
marginal cost: (command at N - the same command on an empty wallet) / N, so interpreter start-up does not flatter
the smaller wallet. `add` is one new credential file added to a wallet of N.

Goals: `stack` at 10,000 <= 1.5 s CPU; per-credential cost at 10,000 <= 1.2x the cost at 1,000 for add, list,
stack and verify --all; wallet file <= 1.3x the sealed data it holds after every step: the adds that built it,
`verify --all` (which rewrites every index record with its verdict) and `doctor --compact`. ``--storage`` prints
only those three file-size figures per size (it still runs `verify --all`, not the timed commands). BASELINE holds the figures of the same script run on the code before the compact index
records and the ordered record layout (same machine, same load class); each figure prints its ratio to it.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# measured with this script before the change (CPU seconds; bytes); None where the figure did not exist
BASELINE: dict[str, float | None] = {
    # the baseline's 1.77x was measured after verify --all (which rewrote every index record)
    "file size / sealed data, 1,000, after the adds": None, "file size / sealed data, 10,000, after the adds": None,
    "  after verify --all, 1,000": 1.77, "  after verify --all, 10,000": 1.77,
    "list, empty wallet": 0.168, "list, 1,000": 0.188, "list, 10,000": 0.566, "list: per credential 10,000 / 1,000": 2.0,
    "stack, empty wallet": 0.237, "stack, 1,000": 0.360, "stack, 10,000": 2.568,
    "stack: per credential 10,000 / 1,000": 1.88,
    "skills, empty wallet": 0.224, "skills, 1,000": 0.334, "skills, 10,000": 2.463,
    "skills: per credential 10,000 / 1,000": 2.05,
    "add, empty wallet": 0.271, "add, 1,000": 0.265, "add, 10,000": 0.284, "add: one add at 10,000 / at 1,000": 1.07,
    "verify --all, empty wallet": 0.228, "verify --all, 1,000": 1.335, "verify --all, 10,000": 12.429,
    "verify --all: per credential 10,000 / 1,000": 1.10,
    "load for stacking: full credentials, 10,000": 2.247,
}

GOALS = {
    "stack@10000": 1.5,
}
AS_OF = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _original(i: int, rng: random.Random) -> bytes:
    """An OB 3.0-shaped document of a realistic size (~3 KB: description, criteria, alignments, a proof)."""
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": f"urn:uuid:scale-{i:08d}", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"https://issuer{i % 200}.example", "type": ["Profile"], "name": f"Issuer {i % 200}"},
        "validFrom": "2024-01-01T00:00:00Z", "name": f"Credential {i}",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
            "id": f"https://issuer.example/achievements/{i % 3000}", "type": ["Achievement"], "name": f"Credential {i}",
            "description": "What the holder showed, in a paragraph or two. " * 12,
            "criteria": {"narrative": "How it was assessed, step by step. " * 10}}},
        "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                  "proofValue": "z" + "".join(rng.choice("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
                                              for _ in range(88))},
    }
    return json.dumps(doc).encode()


def synthetic(n: int, seed: int = 2026) -> list:
    from skillwallet.model import FORMAT_OB3, Credential, Issuer, Skill, Verdict
    from skillwallet.skills.taxonomy import default_taxonomy

    rng = random.Random(seed)
    labels = [s.label for s in default_taxonomy().skills.values()]
    out = []
    for i in range(n):
        issued = AS_OF - timedelta(days=rng.randint(1, 3000))
        credential = Credential(
            format=FORMAT_OB3, original=_original(i, rng), credential_id=f"urn:uuid:scale-{i:08d}",
            title=f"Credential {i}", description="What the holder showed, in a paragraph or two. " * 12,
            issuer=Issuer(id=f"https://issuer{i % 200}.example", name=f"Issuer {i % 200}"), issued=issued,
            expires=issued + timedelta(days=rng.randint(200, 3000)) if rng.random() < 0.4 else None,
            achievement_id=f"https://issuer.example/achievements/{i % 3000}",
            achievement_type=rng.choice(["Certificate", "Badge", "Course", "Certification"]),
            criteria="How it was assessed, step by step. " * 10,
            skills=[Skill(name=rng.choice(labels), level=rng.choice([None, "beginner", "intermediate", "advanced"]))
                    for _ in range(rng.randint(1, 4))],
            credits=rng.choice([None, None, 1, 3, 4]), tags=rng.sample(["cloud", "data", "web", "security"], 1),
            types=["VerifiableCredential", "OpenBadgeCredential"],
        )
        verdict = Verdict(verdict=rng.choice(["verified"] * 8 + ["not-verified", "unsigned"]),
                          checks={"signature": "pass", "status": "pass"}, checked_at=AS_OF)
        out.append((credential, verdict))
    return out


def cpu(args: list[str], env: dict, runs: int, ok=(0,)) -> float:
    """Least CPU seconds (user + system) of a command run in a subprocess, over ``runs`` runs: on a shared machine
    other load only ever adds (cache misses, migrations), so the least is the steadiest estimate of the cost."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
        samples.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return min(samples)


def line(name: str, value: float, unit: str, note: str = "") -> None:
    base = BASELINE.get(name)
    shown = f"{value:10.3f} {unit}" if unit == "s" else f"{value:10.2f} {unit}"
    if base:
        note = f"baseline {base:.3f} {unit}, {value / base:.2f}x  " + note if unit == "s" else \
            f"baseline {base:.2f} {unit}, {value / base:.2f}x  " + note
    print(f"{name:<50} {shown}  {note}".rstrip(), flush=True)


def sealed_bytes(path: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        total, count = conn.execute("SELECT sum(length(sealed)), count(*) FROM records").fetchone()
    finally:
        conn.close()
    return total or 0, count


def file_ratio(name: str, home: Path) -> None:
    path = home / "wallet.sqlite"
    sealed, records = sealed_bytes(path)
    file_size = path.stat().st_size
    line(name, file_size / sealed, "x",
         f"({file_size / 1e6:.1f} MB file, {sealed / 1e6:.1f} MB sealed in {records:,} records; goal <= 1.3x)")


def storage_after_verify(base: list[str], env: dict, home: Path, size: int, per: dict | None = None) -> None:
    """`verify --all` (timed into ``per`` when given), then `doctor --compact`: the file size after each."""
    spent = cpu(base + ["verify", "--all", "--offline", "--json"], env, 1, ok=(0, 13))
    if per is not None:
        per.setdefault("verify --all", {})[size] = spent
    file_ratio(f"  after verify --all, {size:,}", home)
    proc = subprocess.run(base + ["doctor", "--compact", "--json"], env=env, capture_output=True)
    if proc.returncode not in (0, 12):
        raise SystemExit(f"doctor --compact failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    file_ratio(f"  after doctor --compact, {size:,}", home)


def main() -> None:
    quick = "--quick" in sys.argv
    storage_only = "--storage" in sys.argv
    sizes = (200, 2_000) if quick else (1_000, 10_000)
    if "--sizes" in sys.argv:
        sizes = tuple(int(s) for s in sys.argv[sys.argv.index("--sizes") + 1].split(","))
    runs = 3
    python = sys.executable
    root = Path(tempfile.mkdtemp(prefix="skillwallet-scale-"))
    # each command runs from compiled bytecode as an installed package does (kept in the scratch folder): with
    # PYTHONDONTWRITEBYTECODE set, every run would also compile every module it imports
    env = dict(os.environ, SKILLWALLET_KDF_PROFILE="test", PYTHONPYCACHEPREFIX=str(root / "pycache"),
               PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    for name in ("SKILLWALLET_SESSION", "SKILLWALLET_PASSPHRASE", "SKILLWALLET_PASSPHRASE_FILE",
                 "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    os.environ["SKILLWALLET_KDF_PROFILE"] = "test"
    from skillwallet.store import Wallet
    from skillwallet.store import session as sessions

    every = synthetic(max(sizes) + 50)
    commands = {
        "list": ["list", "--json"],
        "stack": ["stack", "--goal", "data-analyst", "--json"],
        "skills": ["skills", "--json"],
    }
    per: dict[str, dict[int, float]] = {}
    print(f"skillwallet scale benchmark (sizes {', '.join(f'{s:,}' for s in sizes)}; CPU seconds, least of 3-7 runs)")
    for size in sizes if storage_only else (0, *sizes):
        home = root / f"wallet-{size}"
        state = root / f"state-{size}"
        os.environ["SKILLWALLET_STATE_DIR"] = str(state)
        with Wallet.init(home, "scale passphrase") as wallet:
            for start in range(0, size, 1000):
                wallet.add_credentials(every[start:min(size, start + 1000)])
            token, _ = sessions.start_session(home, wallet.header.wallet_id, wallet.dek_for_session(), 3600,
                                              key_id=wallet.header.salt)
        if size:
            file_ratio(f"file size / sealed data, {size:,}, after the adds", home)
        size_env = dict(env, SKILLWALLET_HOME=str(home), SKILLWALLET_STATE_DIR=str(state), SKILLWALLET_SESSION=token,
                        SKILLWALLET_CONFIG_DIR=str(root / f"config-{size}"))
        base = [python, "-m", "skillwallet"]
        # the first write after an upgrade builds the compact records and may rewrite the layout: not measured
        subprocess.run(base + ["tag", "--help"], env=size_env, capture_output=True)
        if storage_only:
            storage_after_verify(base, size_env, home, size)
            continue
        for name, args in commands.items():
            # the small sizes' marginal cost is a few ms over start-up: more runs there
            per.setdefault(name, {})[size] = cpu(base + args, size_env, runs if size >= 10_000 else 7)
        files = []
        for k in range(runs):
            credential, _ = synthetic(1, seed=10_000 + k + size)[0]
            path = root / f"add-{size}-{k}.json"
            path.write_bytes(credential.original.replace(b"scale-", f"add-{size}-{k}-".encode()))
            files.append(path)
        samples = []
        for path in files:
            samples.append(cpu(base + ["add", "--offline", str(path)], size_env, 1))
        per.setdefault("add", {})[size] = statistics.median(samples)
        if size:
            storage_after_verify(base, size_env, home, size, per)
        else:
            per.setdefault("verify --all", {})[size] = cpu(base + ["verify", "--all", "--offline", "--json"],
                                                         size_env, 1, ok=(0, 13))
    if storage_only:
        shutil.rmtree(root, ignore_errors=True)
        return
    print()
    for name, by_size in per.items():
        empty = by_size[0]
        line(f"{name}, empty wallet", empty, "s")
        marginal = {}
        for size in sizes:
            marginal[size] = max(by_size[size] - empty, 1e-9) / size
            goal = f"goal <= {GOALS[f'{name}@{size}']} s" if f"{name}@{size}" in GOALS else ""
            note = "" if name == "add" else f"({marginal[size] * 1e6:.0f} us per credential over the empty wallet) "
            line(f"{name}, {size:,}", by_size[size], "s", note + goal)
        if len(sizes) > 1 and name == "add":
            # one credential per add: its cost at the larger size over its cost at the smaller one
            line(f"add: one add at {sizes[-1]:,} / at {sizes[0]:,}", by_size[sizes[-1]] / by_size[sizes[0]], "x",
                 "(goal <= 1.2x)")
        elif len(sizes) > 1:
            ratio = marginal[sizes[-1]] / marginal[sizes[0]]
            line(f"{name}: per credential {sizes[-1]:,} / {sizes[0]:,}", ratio, "x", "(goal <= 1.2x)")

    # in-process, no start-up noise: the store's bulk reads per credential at each size
    import gc

    loads = {"load for stacking: full credentials": "list_credentials",
             "load for stacking: index facts": "list_credential_facts",
             "list_summaries (list --json)": "list_summaries"}
    inner: dict[str, dict[int, float]] = {}
    for size in sizes:
        os.environ["SKILLWALLET_STATE_DIR"] = str(root / f"state-{size}")
        with Wallet.open(root / f"wallet-{size}", passphrase="scale passphrase") as wallet:
            for label, method in loads.items():
                samples = []
                for _ in range(5 if size < 10_000 else 3):
                    gc.collect()
                    started = time.process_time()
                    loaded = getattr(wallet, method)()
                    samples.append(time.process_time() - started)
                    del loaded
                inner.setdefault(label, {})[size] = min(samples)
    print()
    for label, by_size in inner.items():
        for size in sizes:
            line(f"{label}, {size:,}", by_size[size], "s", f"({by_size[size] / size * 1e6:.0f} us per credential)")
        if len(sizes) > 1:
            line(f"{label}: per credential {sizes[-1]:,} / {sizes[0]:,}",
                 (by_size[sizes[-1]] / sizes[-1]) / (by_size[sizes[0]] / sizes[0]), "x", "(goal <= 1.2x)")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
