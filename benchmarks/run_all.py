"""Run every benchmark in this folder, one after another, and print their figures (``make bench``).

Each script prints its own figures and how they scale; this runner adds a header per script, the wall
time it took, and a final list of any script that failed. Pass script names to run only those, e.g.
``python benchmarks/run_all.py store verify``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["cli_startup", "store", "import", "verify", "jose", "stacking", "export"]


def main(argv: list[str]) -> int:
    available = {p.stem for p in HERE.glob("*.py") if p.stem != "run_all"}
    chosen = argv or [name for name in ORDER if name in available] + sorted(available - set(ORDER))
    failed = []
    for name in chosen:
        if name not in available:
            print(f"run_all: no benchmark named {name!r} (have: {', '.join(sorted(available))})", file=sys.stderr)
            return 2
        print(f"\n===== benchmarks/{name}.py =====", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py")])
        print(f"----- {name}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nrun_all: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
