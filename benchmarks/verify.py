"""Verification throughput and latency.

Figures printed:

* warm verifications per second of ~2 KB Open Badges 3.0 credentials with eddsa-rdfc-2022 proofs
  (did:key issuer), in one process, and as a batch the way ``verify --all`` runs it (canonicalisation
  in a pool of two worker processes, keys/signatures/time/status in the main process);
* the cold wall-clock time of one ``skillwallet verify FILE`` (a new interpreter each time), and its ratio to a
  naive verifier of the same file written in the same run (``cli_startup.NAIVE_VERIFIER``: pyld and cryptography
  imported the ordinary way; goal at most 1.0x);
* a ~23 KB CLR 2.0 credential (eleven embedded, individually signed OB 3.0 credentials, itself signed):
  cold and warm;
* ``skillwallet verify --all`` end to end over a wallet of 300 credentials, first run and cached run.

Run: ``.venv/bin/python benchmarks/verify.py [--count N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillwallet.verify.contexts import data_dir
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import credential_from_document, verify_credential

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_startup import NAIVE_VERIFIER, against  # noqa: E402 - the same naive verifier as the start-up figures

AS_OF = datetime(2026, 6, 1, tzinfo=timezone.utc)


def did_key(key: Ed25519PrivateKey) -> tuple[str, str]:
    import base58

    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    mb = "z" + base58.b58encode(b"\xed\x01" + raw).decode()
    return f"did:key:{mb}", f"did:key:{mb}#{mb}"


def ob3(issuer: str, n: int) -> dict:
    """A realistic ~2 KB OpenBadgeCredential."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:2f0c6d7e-0000-4000-8000-{n:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Example Polytechnic Institute",
            "url": "https://polytechnic.example",
            "email": "badges@polytechnic.example",
        },
        "validFrom": "2025-09-01T00:00:00Z",
        "validUntil": "2028-09-01T00:00:00Z",
        "name": f"Data Analysis with Python, level {n % 5 + 1}",
        "description": "Awarded for completing the assessed data analysis project with distinction.",
        "credentialSubject": {
            "id": "did:example:learner-4711",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://polytechnic.example/achievements/python-data-{n % 40}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Data Analysis with Python",
                "description": "Cleans, analyses and visualises tabular data with pandas and matplotlib; "
                "writes reproducible notebooks and communicates findings to non-specialists.",
                "criteria": {"narrative": "Passed a 40-hour assessed project reviewed by two assessors."},
                "creditsAvailable": 5,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Data analysis",
                        "targetUrl": "http://data.europa.eu/esco/skill/0b6b8e6b-0a7a-4a7c-9e5b-1b0a5f3e7c11",
                        "targetFramework": "ESCO",
                        "targetCode": "S2.8.1",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "Python (computer programming)",
                        "targetUrl": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
                        "targetFramework": "ESCO",
                    },
                ],
                "tag": ["python", "pandas", "data"],
            },
        },
    }


def clr(issuer: str, key: Ed25519PrivateKey, vm: str, parts: int = 11) -> dict:
    creds = [sign_data_integrity(ob3(issuer, 1000 + i), key, vm) for i in range(parts)]
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:clr-bench-0001",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Polytechnic Institute"},
        "validFrom": "2025-09-01T00:00:00Z",
        "name": "Comprehensive Learner Record",
        "credentialSubject": {
            "id": "did:example:learner-4711",
            "type": ["ClrSubject"],
            "verifiableCredential": creds,
        },
    }
    return sign_data_integrity(doc, key, vm)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:7.1f}/s ({seconds / count * 1000:.2f} ms each)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=600)
    args = parser.parse_args()
    os.environ.setdefault("SKILLWALLET_OFFLINE", "1")

    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    documents = [sign_data_integrity(ob3(issuer, n), key, vm) for n in range(args.count)]
    sizes = [len(json.dumps(d).encode()) for d in documents]
    credentials = [credential_from_document(d) for d in documents]
    resolver = DocumentResolver(offline=True)
    print(f"credentials: {len(documents)} OB 3.0, eddsa-rdfc-2022, {statistics.mean(sizes) / 1024:.2f} KB on average")

    # warm-up: contexts loaded and processed once
    for cred in credentials[:5]:
        assert verify_credential(cred, resolver=resolver, as_of=AS_OF).verdict == "verified"

    start = time.perf_counter()
    for cred in credentials:
        verify_credential(cred, resolver=resolver, as_of=AS_OF)
    one = time.perf_counter() - start
    print(f"one process, warm:            {rate(len(credentials), one)}")

    # the verify --all path: canonicalisation in a 2-process pool, the rest here
    from skillwallet.cli.verify import POOL_WORKERS, _precompute  # noqa: F401  (the command's own batch code)

    start = time.perf_counter()
    hashes = _precompute(credentials)
    verdicts = [
        verify_credential(cred, resolver=resolver, as_of=AS_OF, canonical_cache=h) for cred, h in zip(credentials, hashes)
    ]
    batch = time.perf_counter() - start
    assert all(v.verdict == "verified" for v in verdicts)
    assert all(h for h in hashes), "the pool did not run"
    print(f"batch, {POOL_WORKERS} worker processes:     {rate(len(credentials), batch)}  (cpu count {os.cpu_count()})")

    # cached: the wallet holds each credential's canonical hashes from an earlier run
    start = time.perf_counter()
    for cred, h in zip(credentials, hashes):
        verify_credential(cred, resolver=resolver, as_of=AS_OF, canonical_cache=h)
    cached = time.perf_counter() - start
    print(f"re-verification, cached hashes: {rate(len(credentials), cached)}")

    with tempfile.TemporaryDirectory() as tmp:
        one_file = Path(tmp) / "badge.json"
        one_file.write_text(json.dumps(documents[0]))
        clr_doc = clr(issuer, key, vm)
        clr_file = Path(tmp) / "clr.json"
        clr_file.write_text(json.dumps(clr_doc))
        # an installed package has its bytecode compiled (as the naive verifier's libraries have): keep it in the
        # scratch folder, not the source tree
        env = dict(os.environ, SKILLWALLET_HOME=str(Path(tmp) / "home"), SKILLWALLET_OFFLINE="1",
                   PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        def cold(path: Path, environment: dict | None = None) -> float:
            times = []
            for _ in range(5):
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-m", "skillwallet", "verify", str(path), "--offline"],
                    env=environment or env,
                    capture_output=True,
                    text=True,
                )
                times.append(time.perf_counter() - start)
                assert proc.returncode == 0, proc.stderr
            return statistics.median(times)

        alone = cold(one_file)
        print(f"cold `skillwallet verify FILE` (2 KB OB 3.0): {alone * 1000:.0f} ms (median of 5)")
        naive = Path(tmp) / "naive_verifier.py"
        naive.write_text(NAIVE_VERIFIER)
        mine, theirs, ratio = against(
            [sys.executable, "-m", "skillwallet", "verify", str(one_file), "--offline"],
            [sys.executable, str(naive), str(one_file), str(data_dir())], env, 7,
        )
        print(f"  against a naive pyld verifier of the same file: {mine * 1000:.0f} ms vs {theirs * 1000:.0f} ms, "
              f"{ratio:.2f}x (median of 7 paired runs; goal: at most 1.0x)")
        # beside a real wallet (default Argon2id profile) whose passphrase is in the environment: verifying a
        # file that needs no kept document must not unlock it (no key derivation)
        from skillwallet.store import Wallet

        kdf_home = Path(tmp) / "kdf-home"
        Wallet.init(kdf_home, "pw").close()
        beside = cold(one_file, dict(env, SKILLWALLET_HOME=str(kdf_home), SKILLWALLET_PASSPHRASE="pw"))
        print(f"  the same beside an unlockable wallet (default KDF): {beside * 1000:.0f} ms "
              f"({beside / alone:.2f}x; the wallet is opened only when a kept document is looked up)")
        clr_cred = credential_from_document(clr_doc)
        print(f"CLR 2.0 credential: {clr_file.stat().st_size / 1024:.1f} KB, 11 embedded signed OB 3.0 credentials")
        print(f"cold `skillwallet verify CLR`: {cold(clr_file) * 1000:.0f} ms (median of 5; the CLR and each embedded credential)")
        start = time.perf_counter()
        for _ in range(10):
            assert verify_credential(clr_cred, resolver=resolver, as_of=AS_OF).verdict == "verified"
        print(f"CLR warm, its own proof only: {(time.perf_counter() - start) / 10 * 1000:.1f} ms")

        # end to end: `skillwallet verify --all` over a wallet (test KDF profile: unlocking is not measured)
        home = Path(tmp) / "wallet-home"
        wallet_env = dict(env, SKILLWALLET_HOME=str(home), SKILLWALLET_KDF_PROFILE="test", SKILLWALLET_PASSPHRASE="pw")
        os.environ["SKILLWALLET_KDF_PROFILE"] = "test"
        stored = credentials[:300]
        with Wallet.init(home, "pw") as wallet:
            for cred in stored:
                wallet.add_credential(cred)
        for label in ("first run", "again, hashes cached"):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "skillwallet", "verify", "--all", "--offline"], env=wallet_env, capture_output=True
            )
            elapsed = time.perf_counter() - start
            assert proc.returncode == 0, proc.stderr
            print(f"`skillwallet verify --all`, {len(stored)} credentials, {label}: {elapsed:.2f} s "
                  f"({len(stored) / elapsed:.0f}/s including start-up, unlock and recording verdicts)")


if __name__ == "__main__":
    main()
