"""``make demo``: the main job end to end on the embedded sample credentials, in a throwaway wallet.

Runs the real command line in subprocesses, as a user would type it, and prints each command before
its output. The wallet lives in a temporary folder that is deleted afterwards; the exports are written to
``demo-out/`` in the current folder so that they can be opened, replacing those of an earlier run (``--force``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

DEMO_PASSPHRASE = "demo passphrase, not a secret"


def _run(args: list[str], env: dict[str, str], *, ok: tuple[int, ...] = (0,), capture: bool = False) -> str:
    print(f"\n$ skillwallet {shlex.join(args)}", flush=True)
    proc = subprocess.run(
        [sys.executable, "-m", "skillwallet", *args], env=env, text=True, stdout=subprocess.PIPE if capture else None
    )
    if proc.returncode not in ok:
        print(f"demo: `skillwallet {shlex.join(args)}` exited {proc.returncode}", file=sys.stderr)
        raise SystemExit(proc.returncode or 1)
    return proc.stdout or ""


def _throwaway_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SKILLWALLET_HOME": str(home / "wallet"),
            "SKILLWALLET_CONFIG_DIR": str(home / "config"),
            "SKILLWALLET_STATE_DIR": str(home / "state"),
            "SKILLWALLET_PASSPHRASE": DEMO_PASSPHRASE,
            "SKILLWALLET_KDF_PROFILE": "test",  # a throwaway wallet: skip the quarter-second KDF
        }
    )
    env.pop("SKILLWALLET_SESSION", None)
    env.pop("SKILLWALLET_PASSPHRASE_FILE", None)
    return env


def run_demo(out_dir: Path) -> None:
    """Run the whole story in a throwaway wallet; exports land in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="skillwallet-demo-"))
    env = _throwaway_env(home)
    try:
        with resources.as_file(resources.files("skillwallet") / "data" / "samples") as sample_dir:
            sample_dir = Path(sample_dir)
            credential_files = sorted(p for p in sample_dir.iterdir() if p.suffix in (".json", ".png"))
            documents = json.loads((sample_dir / "documents" / "index.json").read_text(encoding="utf-8"))
            _run(["init"], env)
            _run(
                ["profile", "set", "--name", "Ana Souza", "--headline", "Aspiring data analyst",
                 "--email", "ana.souza@example.org", "--location", "Lisbon, Portugal",
                 "--link", "https://github.com/ana-souza-demo"],
                env,
            )
            # The baked PNG holds the same credential as cloud-practitioner.json: it is stored once.
            _run(["add", "--offline", *map(str, credential_files)], env, ok=(0, 17))
            report = json.loads(_run(
                ["add", "--json", "--self", "project", "--title", "Lisbon housing prices analysis",
                 "--description", "Cleaned and analysed 40,000 listings; published notebook and dashboard.",
                 "--evidence", "https://github.com/ana-souza-demo/housing-analysis",
                 "--skill", "Data analysis", "--skill", "Python", "--date", "2025-10-01"],
                env, capture=True,
            ))
            project_ids = [item["id"] for item in report["results"] if item.get("status") == "added"]
            for wallet_id in project_ids:
                _run(["tag", wallet_id, "step:portfolio", "portfolio"], env)
            _run(["list"], env)
            # Offline, the status list is not available: status "unknown" for the two that carry one.
            _run(["verify", "--all", "--offline"], env, ok=(0, 13))
            # Supply the issuer's status list locally, exactly as if it had been fetched.
            for url, name in documents.items():
                _run(["documents", "add", url, str(sample_dir / "documents" / name)], env)
            _run(["verify", "--all", "--offline"], env, ok=(0, 13))
            _run(["stack"], env)
            _run(["stack", "--goal", "data-analyst"], env)
            _run(["stack", "--goal", "data-scientist", "--next", "--hours-per-week", "6"], env)
            _run(["skills"], env)
            _run(["expiring", "--within", "365d"], env)
            _run(["export", "--resume", "--goal", "data-analyst", "-o", str(out_dir / "resume.pdf"), "--force"], env)
            # the employer's side: the resume checked against the signed proof it carries, with a report to file
            _run(["verify", "--offline", str(out_dir / "resume.pdf"), "--report", str(out_dir / "verification-report.html"), "--force"],
                 env, ok=(0, 13))
            _run(["export", "--resume", "-o", str(out_dir / "resume.html"), "--force"], env)
            _run(["export", "--resume", "-o", str(out_dir / "resume.md"), "--force"], env)
            _run(["export", "--presentation", "--goal", "data-analyst", "--challenge", "demo-challenge",
                  "--domain", "jobs.example", "-o", str(out_dir / "presentation.json"), "--force"], env)
            _run(["verify", "--offline", "--challenge", "demo-challenge", "--domain", "jobs.example",
                  str(out_dir / "presentation.json")], env, ok=(0, 13))
            _run(["export", "--json-resume", "-o", str(out_dir / "resume.json"), "--force"], env)
            _run(["export", "--calendar", "-o", str(out_dir / "renewals.ics"), "--force"], env)
            _run(["export", "--qr", credential_id_of(env, "Python Fundamentals"), "-o", str(out_dir / "python-fundamentals-qr.png"), "--force"], env)
        print(f"\ndemo: done. Outputs in {out_dir}; the throwaway wallet was removed.")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def credential_id_of(env: dict[str, str], title: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "list", "--json"], env=env, text=True,
                          capture_output=True, check=True)
    for item in json.loads(proc.stdout)["credentials"]:
        if item.get("title") == title:
            return item["id"]
    raise SystemExit(f"demo: no credential titled {title!r}")


def main() -> None:
    run_demo(Path("demo-out").resolve())


if __name__ == "__main__":
    main()
