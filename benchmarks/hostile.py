"""Hostile inputs: wall time and peak memory of ``skillwallet verify`` and ``add`` on each one, and the
canonicalisation work the largest real credentials need (to compare with the bounds).

Every input of ``tests/hostile/bounds_corpus.py`` (huge-pixel PNGs, text-chunk bombs, deep and wide SVG,
the RDF "poison graph", wide JSON-LD, zip bombs...) runs through the real CLI in a child process; the peak
is that child's maximum resident set size. The test suite asserts the same figures stay under 200 MiB.
A throwaway home and wallet (cheap test KDF profile) are used; nothing touches the user's own.

    .venv/bin/python benchmarks/hostile.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from bounds_corpus import hostile_corpus, measure_cli  # noqa: E402


def isolated_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HOME": str(home),
            "SKILLWALLET_HOME": str(home / "wallet"),
            "SKILLWALLET_CONFIG_DIR": str(home / "config"),
            "SKILLWALLET_STATE_DIR": str(home / "state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "SKILLWALLET_KDF_PROFILE": "test",
            "SKILLWALLET_PASSPHRASE": "benchmark passphrase",
        }
    )
    return env


def canonicalisation_work() -> None:
    """The most RDFC work any JSON-LD fixture of the test suite needs, against the limits of verify/rdfc.py."""
    from skillwallet.verify import jsonld, rdfc

    made = []
    original = rdfc.bounded_canonicaliser
    rdfc.bounded_canonicaliser = lambda: made.append(original()) or made[-1]
    largest = {"blank_nodes": (0, ""), "hash_n_degree_calls": (0, ""), "permutations": (0, ""), "seconds": (0.0, "")}
    count = 0
    for path in sorted((ROOT / "tests").glob("**/fixtures/**/*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if not isinstance(document, dict) or "@context" not in document or "proof" not in document:
            continue
        started = time.perf_counter()
        try:
            jsonld.canonicalize({k: v for k, v in document.items() if k != "proof"})
        except (jsonld.JsonLdError, rdfc.CanonicalisationTooComplex):
            continue
        seconds = time.perf_counter() - started
        count += 1
        name = str(path.relative_to(ROOT))
        for key in ("blank_nodes", "hash_n_degree_calls", "permutations"):
            value = getattr(made[-1], key)
            if value > largest[key][0]:
                largest[key] = (value, name)
        if seconds > largest["seconds"][0]:
            largest["seconds"] = (seconds, name)
    rdfc.bounded_canonicaliser = original
    limits = {
        "blank_nodes": rdfc.MAX_BLANK_NODES,
        "hash_n_degree_calls": rdfc.MAX_HASH_N_DEGREE_CALLS,
        "permutations": rdfc.MAX_PERMUTATIONS,
    }
    print(f"RDFC work over {count} signed JSON-LD fixtures (most in any one, and the limit):")
    for key, limit in limits.items():
        value, name = largest[key]
        print(f"  {key:<22} {value:>6} of {limit:>6}   {name}")
    print(f"  {'slowest (first use)':<22} {largest['seconds'][0] * 1000:>6.0f} ms          {largest['seconds'][1]}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    args = parser.parse_args(argv)
    corpus = hostile_corpus()
    names = args.only or list(corpus)
    with tempfile.TemporaryDirectory(prefix="skillwallet-hostile-") as tmp:
        folder = Path(tmp)
        env = isolated_env(folder / "home")
        (folder / "home").mkdir(mode=0o700)
        os.environ.update(env)
        from skillwallet import paths
        from skillwallet.store.wallet import Wallet

        Wallet.init(paths.wallet_home(), env["SKILLWALLET_PASSPHRASE"]).close()
        print(f"{'case':<28} {'size':>9}  {'verify s':>8} {'MiB':>5} {'exit':>4}  {'add s':>6} {'MiB':>5} {'exit':>4}")
        worst = 0
        for name in names:
            path = folder / name
            path.write_bytes(corpus[name]())
            row = f"{name:<28} {path.stat().st_size:>9,}"
            for command in ("verify", "add"):
                result = measure_cli([command, str(path)], env, timeout=120)
                worst = max(worst, result["peak_bytes"])
                row += f"  {result['seconds']:>7.2f} {result['peak_bytes'] / 2**20:>5.0f} {result['rc']!s:>4}"
            print(row, flush=True)
        print(f"largest peak: {worst / 2**20:.0f} MiB (the test suite's bound: 200 MiB)")
    canonicalisation_work()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
