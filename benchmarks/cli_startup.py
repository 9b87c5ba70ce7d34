"""CLI start-up figures: `skillwallet --help`, a command without a wallet, completing a subcommand, and
`skillwallet list` on 1,000 credentials.

Each figure is the median wall time of several runs of a fresh process, and its ratio to `python -c pass` measured
in the same run (so the figures compare across machines). Runs in a throwaway home; never touches the real one.

    .venv/bin/python benchmarks/cli_startup.py [--runs 9] [--credentials 1000]
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
from datetime import datetime, timedelta, timezone
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"
UNSIGNED_OB3 = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:example:bench:file",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "https://example.com/issuers/1", "type": ["Profile"], "name": "Example"},
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Benchmark badge",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
        "id": "https://example.com/a/1", "type": ["Achievement"], "name": "Benchmark", "criteria": {"narrative": "x"},
        "description": "x"}},
}


def _run_once(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"benchmark command failed ({result.returncode}): {argv}\n{result.stderr.decode()}")
    return elapsed


def timed(argv: list[str], env: dict[str, str], runs: int, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(median seconds, median ratio to `python -c pass`) of ``runs`` fresh processes, after one warm-up run.

    Each run of the command is paired with a run of `python -c pass` just before it: on a loaded machine the
    load changes from second to second, and a ratio taken within a pair cancels most of it.
    """
    baseline_argv = [sys.executable, "-c", "pass"]
    samples, ratios = [], []
    for index in range(runs + 1):
        base = _run_once(baseline_argv, env)
        elapsed = _run_once(argv, env, ok)
        if index:
            samples.append(elapsed)
            ratios.append(elapsed / base)
    return statistics.median(samples), statistics.median(ratios)


def build_wallet(home: Path, count: int, kdf_profile: str) -> None:
    """A real wallet with ``count`` distinct credentials, added in one process."""
    os.environ["SKILLWALLET_KDF_PROFILE"] = kdf_profile
    from skillwallet.model import Credential, Issuer, Skill
    from skillwallet.store import Wallet

    wallet = Wallet.init(home, PASSPHRASE)
    issued = datetime(2020, 1, 1, tzinfo=timezone.utc)
    try:
        for number in range(count):
            document = {"id": f"urn:example:bench:{number}", "name": f"Benchmark credential {number}"}
            wallet.add_credential(
                Credential(
                    format="ob3",
                    original=json.dumps(document).encode(),
                    credential_id=document["id"],
                    title=document["name"],
                    issuer=Issuer(id=f"https://issuer{number % 17}.example/", name=f"Issuer {number % 17}"),
                    issued=issued + timedelta(days=number),
                    expires=issued + timedelta(days=number + 1500) if number % 3 == 0 else None,
                    skills=[Skill(name=f"Skill {number % 50}"), Skill(name="Teamwork")],
                )
            )
    finally:
        wallet.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--credentials", type=int, default=1000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="skillwallet-bench-") as scratch:
        scratch_path = Path(scratch)
        env = dict(os.environ)
        for name in ("SKILLWALLET_SESSION", "SKILLWALLET_PASSPHRASE_FILE", "_SKILLWALLET_COMPLETE"):
            env.pop(name, None)
        env.update(
            SKILLWALLET_HOME=str(scratch_path / "wallet"),
            SKILLWALLET_CONFIG_DIR=str(scratch_path / "config"),
            SKILLWALLET_STATE_DIR=str(scratch_path / "state"),
            SKILLWALLET_PASSPHRASE=PASSPHRASE,
            # an installed package has its bytecode compiled; keep it in the scratch folder, not the source tree
            PYTHONPYCACHEPREFIX=str(scratch_path / "pycache"),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for name in ("SKILLWALLET_HOME", "SKILLWALLET_CONFIG_DIR", "SKILLWALLET_STATE_DIR"):
            os.environ[name] = env[name]

        started = time.perf_counter()
        build_wallet(scratch_path / "wallet", options.credentials, "default")
        build_seconds = time.perf_counter() - started

        python = sys.executable
        credential_file = scratch_path / "credential.json"
        credential_file.write_text(json.dumps(UNSIGNED_OB3))
        baseline = statistics.median(_run_once([python, "-c", "pass"], env) for _ in range(options.runs))
        figures = [
            ("skillwallet --help", timed([python, "-m", "skillwallet", "--help"], env, options.runs)),
            ("skillwallet --version (fast path)", timed([python, "-m", "skillwallet", "--version"], env, options.runs)),
            # a real command that needs no wallet: option conversion and the command itself, nothing else
            ("skillwallet config get paper", timed([python, "-m", "skillwallet", "config", "get", "paper"], env, options.runs)),
            (
                "complete `skillwallet con` (bash)",
                timed(
                    [python, "-m", "skillwallet"],
                    dict(env, _SKILLWALLET_COMPLETE="complete_bash", COMP_WORDS="skillwallet con", COMP_CWORD="1"),
                    options.runs,
                ),
            ),
            (
                f"skillwallet list ({options.credentials} credentials, Argon2id default)",
                timed([python, "-m", "skillwallet", "list"], env, options.runs),
            ),
            (
                f"skillwallet list --json ({options.credentials} credentials)",
                timed([python, "-m", "skillwallet", "list", "--json"], env, options.runs),
            ),
            (
                "skillwallet verify FILE (unsigned, no wallet needed)",
                timed([python, "-m", "skillwallet", "verify", "--json", str(credential_file)], env, options.runs,
                  ok=(0, 13)),  # an unsigned credential is "not verified": exit 13 by design
            ),
        ]

    print(f"cli_startup: median of {options.runs} fresh processes; ratio: median of (run / `python -c pass` run just before)")
    print(f"  {'python -c pass':<58} {baseline * 1000:8.1f} ms   1.0x")
    for label, (seconds, ratio) in figures:
        print(f"  {label:<58} {seconds * 1000:8.1f} ms  {ratio:5.1f}x")
    print(f"  (building the {options.credentials}-credential wallet took {build_seconds:.1f} s, not counted)")


if __name__ == "__main__":
    main()
