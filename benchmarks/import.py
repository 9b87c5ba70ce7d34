"""Import figures: 1,000 mixed credentials from a folder into a fresh wallet.

Mixed shapes, generated in a throwaway folder: OB 3.0 JSON, OB 2.0 assertions (embedded BadgeClass), VC-JWT,
vc+jwt, SD-JWT VC, baked PNG and baked SVG (one seventh each). Prints:

* the end-to-end time of ``skillwallet add FOLDER`` in a fresh process (with and without verification);
* the per-credential cost of the first 100 adds (wallet nearly empty) and of the adds from 900 to 1,000
  (wallet holding 900), one file per add so each pays its own transaction and fsync (a bulk import
  batches 64 per transaction); it must not grow with the wallet's size;
* the parse-only cost per shape (bytes → normalised credential, no wallet).

Runs in a throwaway home with the cheap test KDF profile; never touches the real one.

    .venv/bin/python benchmarks/import.py [--count 1000]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "formats"))
PASSPHRASE = "benchmark passphrase, not a secret"
SHAPES = ("ob3-json", "ob2-json", "vc-jwt", "vc+jwt", "sd-jwt", "png", "svg")


def make_inputs(folder: Path, count: int) -> list[Path]:
    """``count`` distinct credentials, cycling through SHAPES; returns the files in import order."""
    from formats_helpers import baked_png, baked_svg, fixture_json, sd_jwt, vc_jose, vc_jwt_v11

    ob3 = fixture_json("ob3_full_v2.json")
    ob2 = fixture_json("ob2_assertion_embedded.json")
    files = []
    for number in range(count):
        shape = SHAPES[number % len(SHAPES)]
        doc = json.loads(json.dumps(ob3))
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
        doc["credentialSubject"]["achievement"]["name"] = f"Skill badge {number}"
        if shape == "ob3-json":
            data = json.dumps(doc, indent=2).encode()
        elif shape == "ob2-json":
            assertion = json.loads(json.dumps(ob2))
            assertion["id"] = f"https://badges.example.net/public/assertions/{number}"
            data = json.dumps(assertion, indent=2).encode()
        elif shape == "vc-jwt":
            data = vc_jwt_v11(fixture_json("ob3_basic_v1.json") | {"id": doc["id"]}).encode()
        elif shape == "vc+jwt":
            data = vc_jose(doc).encode()
        elif shape == "sd-jwt":
            data = sd_jwt(
                {"iss": "https://university.example/issuer", "vct": "https://credentials.example.com/degree", "jti": doc["id"]},
                {"name": f"Degree {number}"},
            ).encode()
        elif shape == "png":
            data = baked_png(json.dumps(doc))
        else:
            data = baked_svg(json.dumps(doc))
        path = folder / f"{number:05d}-{shape}.{'png' if shape == 'png' else 'svg' if shape == 'svg' else 'txt'}"
        path.write_bytes(data)
        files.append(path)
    return files


def cli_import(folder: Path, home: Path, *, verify: bool) -> float:
    env = dict(os.environ, SKILLWALLET_HOME=str(home), SKILLWALLET_PASSPHRASE=PASSPHRASE, SKILLWALLET_KDF_PROFILE="test",
               SKILLWALLET_OFFLINE="1")
    subprocess.run([sys.executable, "-m", "skillwallet", "init"], env=env, check=True, capture_output=True)
    args = [sys.executable, "-m", "skillwallet", "add", "--json", str(folder)] + ([] if verify else ["--no-verify"])
    start = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"import failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    summary = json.loads(result.stdout)["summary"]
    assert summary["added"] >= len(list(folder.iterdir())), summary
    return elapsed


def per_credential_costs(files: list[Path], home: Path, *, verify: bool) -> tuple[float, float]:
    """Median ms per credential for adds 1–100 and for adds 901–1,000 (in-process, same code path as the CLI)."""
    os.environ["SKILLWALLET_KDF_PROFILE"] = "test"
    os.environ["SKILLWALLET_OFFLINE"] = "1"
    from skillwallet.formats.importer import default_verifier, import_items
    from skillwallet.formats.inputs import read_file
    from skillwallet.store import Wallet
    from skillwallet.verify.resolver import DocumentResolver

    wallet = Wallet.init(home, PASSPHRASE)
    try:
        resolver = DocumentResolver(offline=True, wallet=wallet)
        verifier = default_verifier(resolver, wallet=wallet) if verify else None
        samples: list[float] = []
        for path in files:
            item = read_file(path)
            start = time.perf_counter()
            report = import_items([item], wallet, verifier=verifier, holder_ids=[wallet.holder_did], fetch=resolver.fetch)
            samples.append(time.perf_counter() - start)
            assert report.count("added") == 1, report.results
    finally:
        wallet.close()
    first = statistics.median(samples[:100]) * 1000
    last = statistics.median(samples[-100:]) * 1000
    return first, last


def parse_costs(files: list[Path]) -> dict[str, float]:
    from skillwallet.formats import parse_credential_bytes

    out = {}
    for shape in SHAPES:
        chosen = [p.read_bytes() for p in files if f"-{shape}." in p.name][:50]
        start = time.perf_counter()
        for _ in range(4):
            for data in chosen:
                parse_credential_bytes(data, source="bench")
        out[shape] = (time.perf_counter() - start) / (4 * len(chosen)) * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sw-bench-import-") as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "inputs"
        folder.mkdir()
        files = make_inputs(folder, args.count)
        size = sum(p.stat().st_size for p in files)
        print(f"inputs: {len(files)} files, {size / 1024:.0f} KiB, shapes: {', '.join(SHAPES)}")

        for shape, ms in parse_costs(files).items():
            print(f"parse only, {shape:8}: {ms:6.3f} ms per credential")

        for verify in (False, True):
            label = "with verification" if verify else "--no-verify"
            total = cli_import(folder, tmp_path / f"cli-{verify}", verify=verify)
            print(f"skillwallet add FOLDER ({args.count}, {label}): {total:.2f} s total, {total / args.count * 1000:.2f} ms per credential")

        for verify in (False, True):
            label = "with verification" if verify else "--no-verify"
            first, last = per_credential_costs(files, tmp_path / f"inproc-{verify}", verify=verify)
            print(
                f"one file per add, one transaction each ({label}): {first:.2f} ms at 1-100, {last:.2f} ms at {args.count - 99}-{args.count}"
                f" (ratio {last / first:.2f})"
            )


if __name__ == "__main__":
    main()
