"""CLI start-up figures: `skillwallet --help`, a command without a wallet, completing a subcommand, completing
credential ids with a live session, `skillwallet list` on 1,000 credentials, and a cold `skillwallet verify FILE`
of a signed credential.

Each figure is the median wall time of several runs of a fresh process, and its ratio to `python -c pass` measured
in the same run (so the figures compare across machines). Runs in a throwaway home; never touches the real one.

Goals: `skillwallet --help` at most 8x `python -c pass`; a cold `skillwallet verify FILE` (an OB 3.0 credential with
an eddsa-rdfc-2022 proof by a did:key) at most 1.0x a naive verifier written in the same run (NAIVE_VERIFIER: pyld
and cryptography imported the ordinary way, the shipped contexts, RDF canonicalisation, one Ed25519 check). For
`list --json` and `verify FILE` the number of modules each imports is printed too (tests/test_startup_imports.py
pins which modules they must not import).

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


#: A verifier as anyone would first write it with the same libraries: `from pyld import jsonld`, the shipped
#: contexts through a document loader, RDF canonicalisation of the proof options and the document
#: (vc-di-eddsa §3.3 "eddsa-rdfc-2022"), an Ed25519 check of the did:key's key. No checks beyond the signature.
NAIVE_VERIFIER = """
import hashlib, json, sys
from pathlib import Path

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

contexts = Path(sys.argv[2])
files = {url: entry["file"] for url, entry in json.loads((contexts / "index.json").read_text())["contexts"].items()}


def loader(url, options=None):
    return {"contextUrl": None, "documentUrl": url, "document": json.loads((contexts / files[url]).read_text())}


document = json.loads(Path(sys.argv[1]).read_text())
proof = document.pop("proof")
signature = base58.b58decode(proof.pop("proofValue")[1:])
proof["@context"] = document["@context"]
options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
data = b"".join(hashlib.sha256(jsonld.normalize(part, options).encode()).digest() for part in (proof, document))
key = base58.b58decode(proof["verificationMethod"].split("#")[1][1:])
assert key[:2] == b"\\xed\\x01"
Ed25519PublicKey.from_public_bytes(key[2:]).verify(signature, data)
print("verified")
"""

#: Runs the CLI entry point with the arguments after the first, then writes how many modules are loaded (in
#: ``sys.modules`` with a spec) to the file named first.
MODULE_COUNTER = """
import sys
out, sys.argv = sys.argv[1], ["skillwallet", *sys.argv[2:]]
from skillwallet.cli import main
try:
    main()
except SystemExit:
    pass
finally:
    with open(out, "w") as f:
        f.write(str(sum(1 for m in list(sys.modules.values()) if m is not None and getattr(m, "__spec__", None))))
"""


def modules_loaded(argv: list[str], env: dict[str, str], scratch: Path) -> int:
    """How many modules ``argv`` (a Python script's command line) has loaded when it ends."""
    out = scratch / "modules-loaded.txt"
    subprocess.run(argv[:1] + ["-c", MODULE_COUNTER, str(out)] + argv[1:], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return int(out.read_text())


def script_modules_loaded(script: Path, args: list[str], env: dict[str, str], scratch: Path) -> int:
    out = scratch / "modules-loaded.txt"
    runner = (
        "import runpy, sys\n"
        "out, sys.argv = sys.argv[1], sys.argv[2:]\n"
        "try:\n    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "finally:\n"
        "    open(out, 'w').write(str(sum(1 for m in list(sys.modules.values()) if m is not None and getattr(m, '__spec__', None))))\n"
    )
    subprocess.run([sys.executable, "-c", runner, str(out), str(script), *args], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return int(out.read_text())


def against(argv: list[str], reference: list[str], env: dict[str, str], runs: int, ok: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """(median seconds of ``argv``, median seconds of ``reference``, median ratio argv / reference), each run of
    ``argv`` paired with a run of ``reference`` just before it (as :func:`timed` pairs with `python -c pass`)."""
    mine, theirs, ratios = [], [], []
    for index in range(runs + 1):
        base = _run_once(reference, env)
        elapsed = _run_once(argv, env, ok)
        if index:
            mine.append(elapsed)
            theirs.append(base)
            ratios.append(elapsed / base)
    return statistics.median(mine), statistics.median(theirs), statistics.median(ratios)


def signed_credential(path: Path) -> None:
    """An Open Badges 3.0 credential signed (eddsa-rdfc-2022) with a key made here, issued by its did:key."""
    import base58
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from skillwallet.verify.data_integrity import sign_data_integrity

    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    multibase = "z" + base58.b58encode(b"\xed\x01" + raw).decode()
    document = json.loads(json.dumps(UNSIGNED_OB3))
    document["issuer"]["id"] = f"did:key:{multibase}"
    path.write_text(json.dumps(sign_data_integrity(document, key, f"did:key:{multibase}#{multibase}")))


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
        signed_file = scratch_path / "signed.json"
        signed_credential(signed_file)
        naive = scratch_path / "naive_verifier.py"
        naive.write_text(NAIVE_VERIFIER)
        from skillwallet.verify.contexts import data_dir

        contexts = str(data_dir())
        naive_argv = [python, str(naive), str(signed_file), contexts]
        check = subprocess.run(naive_argv, env=env, capture_output=True, text=True)
        if check.returncode != 0 or check.stdout.strip() != "verified":
            raise SystemExit(f"the naive verifier did not verify the credential:\n{check.stderr}")
        verify_argv = [python, "-m", "skillwallet", "verify", str(signed_file)]
        verify_vs_naive = against(verify_argv, naive_argv, env, options.runs)
        empty = scratch_path / "empty.py"
        empty.write_text("")
        counts = {
            "an empty script": script_modules_loaded(empty, [], env, scratch_path),
            "skillwallet list --json": modules_loaded([python, "list", "--json"], env, scratch_path),
            "skillwallet verify FILE (signed)": modules_loaded([python, "verify", str(signed_file)], env, scratch_path),
            "the naive verifier": script_modules_loaded(naive, [str(signed_file), contexts], env, scratch_path),
        }
        # completing credential ids reads the wallet through a live session only (never the passphrase)
        unlocked = subprocess.run([python, "-m", "skillwallet", "unlock", "--for", "1h"], env=env, capture_output=True,
                                  text=True, check=True)
        complete_ids_env = dict(env, SKILLWALLET_SESSION=unlocked.stdout.strip().rpartition("=")[2],
                                _SKILLWALLET_COMPLETE="complete_bash", COMP_WORDS="skillwallet show ", COMP_CWORD="2")
        complete_ids_env.pop("SKILLWALLET_PASSPHRASE")
        offered = subprocess.run([python, "-m", "skillwallet"], env=complete_ids_env, capture_output=True, text=True)
        if len(offered.stdout.split()) != options.credentials:
            raise SystemExit(f"completing ids offered {len(offered.stdout.split())} of {options.credentials}")
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
                f"complete `skillwallet show ` ({options.credentials} ids, live session)",
                timed([python, "-m", "skillwallet"], complete_ids_env, options.runs),
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
                "skillwallet verify FILE (signed eddsa-rdfc-2022, did:key)",
                timed(verify_argv, env, options.runs),
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
    mine, theirs, ratio = verify_vs_naive
    print("cold verify FILE against a naive pyld verifier of the same signed credential (goal: at most 1.0x):")
    print(f"  {'naive verifier (pyld + cryptography, one Ed25519 proof)':<58} {theirs * 1000:8.1f} ms")
    print(f"  {'skillwallet verify FILE':<58} {mine * 1000:8.1f} ms  {ratio:5.2f}x the naive verifier")
    print("modules loaded at exit (in sys.modules with a spec):")
    for label, count in counts.items():
        print(f"  {label:<58} {count:8d}")


if __name__ == "__main__":
    main()
