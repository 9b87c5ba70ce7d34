"""Store figures: CLI start-up, `list --json` and single adds at 100 / 1,000 / 10,000 credentials, unlock time,
and `passwd` (which re-encrypts every record under a new data key) at 1,000 credentials.

    .venv/bin/python benchmarks/store.py [--quick]

Prints one line per figure. Goals: --version <= 4x `python -c pass`; `list --json` <= 1 s at 10,000
(whole command, unlocked session); one add at 10,000 <= 1.5x one add at 100; unlock with the default KDF profile.
The wallet file's size against its sealed data after the adds, after `verify --all` and after `doctor --compact`
(goal <= 1.3x after each): benchmarks/scale.py --storage.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SIZES = (100, 1_000, 10_000)


def wall(args: list[str], env: dict, runs: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise SystemExit(f"{args} failed: {proc.stderr.decode()}")
    return statistics.median(times)


def credential(n: int):
    from skillwallet.model import Credential, Issuer, Skill

    original = (
        '{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:%08d","type":["VerifiableCredential",'
        '"OpenBadgeCredential"],"issuer":{"id":"https://issuer-%d.example","name":"Issuer %d"},"name":"Badge %d",'
        '"credentialSubject":{"achievement":{"name":"Badge %d","description":"%s"}}}'
        % (n, n % 50, n % 50, n, n, "A realistic description of what was achieved. " * 8)
    ).encode()
    return Credential(
        format="ob3",
        original=original,
        credential_id=f"urn:uuid:{n:08d}",
        title=f"Badge {n}",
        description="A realistic description of what was achieved. " * 8,
        issuer=Issuer(id=f"https://issuer-{n % 50}.example", name=f"Issuer {n % 50}"),
        issued=datetime(2022, 1, 1, tzinfo=timezone.utc) + timedelta(days=n % 1000),
        expires=datetime(2027, 1, 1, tzinfo=timezone.utc) + timedelta(days=n % 1000),
        skills=[Skill(name="Python"), Skill(name=f"Skill {n % 40}", framework="ESCO", code=f"esco:{n % 40}")],
        achievement_type="Badge",
    )


def main() -> None:
    quick = "--quick" in sys.argv
    runs = 5 if quick else 11
    python = sys.executable
    root = Path(tempfile.mkdtemp(prefix="skillwallet-bench-"))
    env = dict(os.environ)
    env.update(
        SKILLWALLET_HOME=str(root / "wallet"),
        SKILLWALLET_STATE_DIR=str(root / "state"),
        SKILLWALLET_CONFIG_DIR=str(root / "config"),
        SKILLWALLET_KDF_PROFILE="test",
    )
    env.pop("SKILLWALLET_SESSION", None)
    env.pop("SKILLWALLET_PASSPHRASE", None)
    os.environ.update({k: env[k] for k in ("SKILLWALLET_HOME", "SKILLWALLET_STATE_DIR", "SKILLWALLET_CONFIG_DIR")})

    baseline = wall([python, "-c", "pass"], env, runs)
    version = wall([python, "-m", "skillwallet", "--version"], env, runs)
    help_time = wall([python, "-m", "skillwallet", "--help"], env, runs)
    print(f"python -c pass                 {baseline * 1000:8.1f} ms")
    print(f"skillwallet --version          {version * 1000:8.1f} ms  ({version / baseline:.2f}x python; goal <= 4x)")
    print(f"skillwallet --help             {help_time * 1000:8.1f} ms  ({help_time / baseline:.2f}x python)")

    from skillwallet.store import Wallet
    from skillwallet.store import session as sessions

    passphrase = "benchmark passphrase"
    add_costs: dict[int, float] = {}
    for size in SIZES:
        home = root / f"wallet-{size}"
        os.environ["SKILLWALLET_KDF_PROFILE"] = "test"
        with Wallet.init(home, passphrase) as wallet:
            batch = 1000
            for start in range(0, size, batch):
                wallet.add_credentials([credential(n) for n in range(start, min(size, start + batch))])
            token, _ = sessions.start_session(
                home, wallet.header.wallet_id, wallet.dek_for_session(), 3600, key_id=wallet.header.salt
            )
        size_env = dict(env, SKILLWALLET_HOME=str(home), SKILLWALLET_SESSION=token)
        listing = wall([python, "-m", "skillwallet", "list", "--json"], size_env, max(3, runs // 2))
        print(f"list --json, {size:>6} credentials {listing * 1000:8.1f} ms  (whole command, session; goal <= 1000 ms at 10,000)")

        # one add as a command does it: unlock with the session, add, close (median of several)
        samples = []
        for k in range(runs):
            started = time.perf_counter()
            with Wallet.open(home, session_token=token) as wallet:
                wallet.add_credential(credential(1_000_000 + size + k))
            samples.append(time.perf_counter() - started)
        add_costs[size] = statistics.median(samples)
        # the add alone, wallet already open
        with Wallet.open(home, session_token=token) as wallet:
            inner = []
            for k in range(runs):
                started = time.perf_counter()
                wallet.add_credential(credential(2_000_000 + size + k))
                inner.append(time.perf_counter() - started)
        print(
            f"add one,     {size:>6} credentials {add_costs[size] * 1000:8.1f} ms  (open+add+close; add alone "
            f"{statistics.median(inner) * 1000:.1f} ms)"
        )
    ratio = add_costs[SIZES[-1]] / add_costs[SIZES[0]]
    print(f"add at 10,000 / add at 100     {ratio:8.2f}x    (goal <= 1.5x)")

    os.environ["SKILLWALLET_KDF_PROFILE"] = "default"
    home = root / "wallet-default-kdf"
    Wallet.init(home, passphrase).close()
    samples = []
    for _ in range(3 if quick else 5):
        started = time.perf_counter()
        Wallet.open(home, passphrase=passphrase).close()
        samples.append(time.perf_counter() - started)
    header = Wallet.read_header(home / "wallet.sqlite")
    print(f"unlock, default KDF            {statistics.median(samples) * 1000:8.1f} ms  ({header.kdf.describe()})")

    # passwd on 1,000 credentials (2,000+ records re-sealed in one transaction), default KDF: the new passphrase's
    # derivation is part of it, the unlock with the old one is not
    home = root / "wallet-passwd"
    with Wallet.init(home, passphrase) as wallet:
        wallet.add_credentials([credential(n) for n in range(1_000)])
        records = wallet.count("credentials") + wallet.count("credential-bodies")
    samples = []
    current, other = passphrase, passphrase + " (new)"
    for _ in range(3 if quick else 5):
        with Wallet.open(home, passphrase=current) as wallet:
            started = time.perf_counter()
            wallet.change_passphrase(other)
            samples.append(time.perf_counter() - started)
        current, other = other, current
    print(
        f"passwd, 1,000 credentials      {statistics.median(samples) * 1000:8.1f} ms  "
        f"({records} records re-encrypted, default KDF; whole command adds one unlock)"
    )
    cheap = []
    for _ in range(3 if quick else 5):
        with Wallet.open(home, passphrase=current) as wallet:
            started = time.perf_counter()
            wallet.change_passphrase(other, kdf_profile="test")
            cheap.append(time.perf_counter() - started)
        current, other = other, current
    print(f"passwd re-encryption alone     {statistics.median(cheap) * 1000:8.1f} ms  (the same, with the test KDF)")
    import shutil

    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
