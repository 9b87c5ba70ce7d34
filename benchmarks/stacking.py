"""Stacking figures: evaluation at scale, the whole `stack --goal` command, and exact `--next` planning.

Run: .venv/bin/python benchmarks/stacking.py [--quick]

1. 1,000 pathways against a 10,000-credential wallet: engine time (index once, then evaluate every pathway).
   Then the contended case: pathways over 20 shared skills, so credentials compete for requirements.
2. `skillwallet stack --goal data-analyst` on a real 1,000-credential wallet: the whole command in a subprocess
   (interpreter start, unlock with the production Argon2id profile, decrypt, evaluate, render).
3. `--next` on a 200-offering catalogue: exact cheapest completion for every built-in goal.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from skillwallet.model import FORMAT_OB3, Credential, Issuer, Skill, Verdict  # noqa: E402
from skillwallet.skills.taxonomy import default_taxonomy  # noqa: E402
from skillwallet.stacking.catalog import builtin_offerings, builtin_pathways  # noqa: E402
from skillwallet.stacking.evaluate import CredentialIndex, Held, PathwayEvaluator  # noqa: E402
from skillwallet.stacking.model import pathway_from_dict  # noqa: E402
from skillwallet.stacking.optimise import (  # noqa: E402
    Offering,
    cheapest_completion_renewing,
    pareto_plans_renewing,
)

AS_OF = datetime(2026, 1, 1, tzinfo=timezone.utc)
LEVELS = [None, None, "beginner", "intermediate", "advanced"]


def synthetic_credentials(n: int, rng: random.Random) -> list[Held]:
    labels = [s.label for s in default_taxonomy().skills.values()]
    issuers = [f"https://issuer{i}.example" for i in range(200)]
    out = []
    for i in range(n):
        issued = AS_OF - timedelta(days=rng.randint(1, 3000))
        expires = issued + timedelta(days=rng.randint(200, 2000)) if rng.random() < 0.4 else None
        credential = Credential(
            format=FORMAT_OB3, original=f'{{"i": {i}}}'.encode(), credential_id=f"urn:uuid:bench-{i}",
            title=f"Credential {i}", issuer=Issuer(id=rng.choice(issuers), name=f"Issuer {i % 200}"),
            issued=issued, expires=expires, achievement_id=f"https://issuer.example/achievements/{i % 3000}",
            achievement_type=rng.choice(["Certificate", "Badge", "Course", "Certification"]),
            skills=[Skill(name=rng.choice(labels), level=rng.choice(LEVELS)) for _ in range(rng.randint(1, 4))],
            credits=rng.choice([None, None, 1, 3, 4]), tags=rng.sample(["cloud", "data", "web", "security"], 1),
            result=str(rng.choice([None, 2.5, 3.0, 3.7])) if rng.random() < 0.3 else None,
        )
        verdict = Verdict(verdict=rng.choice(["verified"] * 8 + ["not-verified", "unsigned"]),
                          checks={"status": "revoked" if rng.random() < 0.02 else "pass"})
        out.append(Held(wallet_id=f"w{i:06d}", credential=credential, verdict=verdict))
    return out


def synthetic_pathways(n: int, rng: random.Random) -> list:
    labels = [s.label for s in default_taxonomy().skills.values()]
    pathways = []
    for p in range(n):
        requirements: dict = {}
        groups = []
        for g in range(rng.randint(2, 4)):
            leaves = []
            for k in range(rng.randint(2, 5)):
                leaf = f"g{g}s{k}"
                requirements[leaf] = {"type": "skill", "skill": rng.choice(labels)}
                if rng.random() < 0.2:
                    requirements[leaf]["min_level"] = "intermediate"
                leaves.append(leaf)
            kind = rng.choice(["all", "any", "at_least"])
            group = {"type": kind, "children": leaves}
            if kind == "at_least":
                group["n"] = rng.randint(1, len(leaves))
            requirements[f"g{g}"] = group
            groups.append(f"g{g}")
        if rng.random() < 0.3:
            requirements["credits"] = {"type": "sum", "field": "credits", "min": rng.choice([6, 12]),
                                       "tag": rng.choice(["cloud", "data", "web", "security"])}
            groups.append("credits")
        if rng.random() < 0.2:
            requirements["count"] = {"type": "count", "min": 3, "achievement_type": "Badge",
                                     "tag": rng.choice(["cloud", "data"])}
            groups.append("count")
        requirements["root"] = {"type": "all", "children": groups}
        doc = {"id": f"bench-{p}", "name": f"Bench {p}", "requirements": requirements,
               "policy": {"double_counting": rng.random() < 0.5}}
        pathways.append(pathway_from_dict(doc, f"bench-{p}"))
    return pathways


def figure(label: str, seconds: float, goal: str = "") -> None:
    print(f"{label:<70} {seconds * 1000:10.1f} ms  {goal}")


def bench_evaluation(rng: random.Random, n_credentials: int, n_pathways: int) -> None:
    credentials = synthetic_credentials(n_credentials, rng)
    pathways = synthetic_pathways(n_pathways, rng) + list(builtin_pathways().values())
    t0 = time.perf_counter()
    index = CredentialIndex(credentials, as_of=AS_OF)
    t1 = time.perf_counter()
    statuses = {"met": 0, "partial": 0, "unmet": 0}
    exhaustive = 0
    slowest = 0.0
    for pathway in pathways:
        s = time.perf_counter()
        evaluation = PathwayEvaluator(pathway, index).evaluate()
        slowest = max(slowest, time.perf_counter() - s)
        statuses[evaluation.status] += 1
        exhaustive += evaluation.exhaustive
    t2 = time.perf_counter()
    figure(f"index {n_credentials:,} credentials (once)", t1 - t0)
    figure(f"evaluate {len(pathways):,} pathways against {n_credentials:,} credentials", t2 - t1, "(goal ≤ 1000 ms)")
    figure("  slowest single pathway", slowest)
    figure("  index + evaluate (engine total)", t2 - t0)
    print(f"  outcomes: {statuses}; exhaustive searches: {exhaustive}/{len(pathways)}")


def bench_contended(rng: random.Random, n_credentials: int, n_pathways: int) -> None:
    """The hard case for the assignment search: every credential evidences several of the same 20 skills, and
    half the pathways also sum credits over every credential, with one credential per requirement."""
    labels = [s.label for s in default_taxonomy().skills.values()][:20]
    credentials = []
    for i in range(n_credentials):
        credential = Credential(
            format=FORMAT_OB3, original=f'{{"c": {i}}}'.encode(), credential_id=f"urn:uuid:contended-{i}",
            title=f"Contended {i}", issuer=Issuer(id="https://issuer.example"),
            issued=AS_OF - timedelta(days=rng.randint(1, 2000)),
            skills=[Skill(name=s) for s in rng.sample(labels, rng.randint(2, 5))],
            credits=rng.choice([None, 3]), tags=["data"])
        verdict = Verdict(verdict=rng.choice(["verified"] * 3 + ["unsigned"]), checks={"status": "pass"})
        credentials.append(Held(wallet_id=f"c{i:06d}", credential=credential, verdict=verdict))
    pathways = []
    for p in range(n_pathways):
        requirements: dict = {}
        leaves = []
        for k in range(rng.randint(6, 12)):
            requirements[f"s{k}"] = {"type": "skill", "skill": rng.choice(labels)}
            leaves.append(f"s{k}")
        requirements["pick"] = {"type": "at_least", "n": rng.randint(3, len(leaves)), "children": leaves}
        root = "pick"
        if rng.random() < 0.5:
            requirements["credits"] = {"type": "sum", "min": 9, "tag": "data"}
            requirements["root"] = {"type": "all", "children": ["pick", "credits"]}
            root = "root"
        pathways.append(pathway_from_dict({"id": f"contended-{p}", "name": "Contended", "root": root,
                                           "requirements": requirements}, "contended"))
    t0 = time.perf_counter()
    index = CredentialIndex(credentials, as_of=AS_OF)
    results = [PathwayEvaluator(p, index).evaluate() for p in pathways]
    elapsed = time.perf_counter() - t0
    figure(f"contended: {n_pathways} pathways over 20 shared skills, {n_credentials:,} credentials (index + evaluate)",
           elapsed)
    print(f"  exhaustive searches: {sum(r.exhaustive for r in results)}/{len(results)}; "
          f"most search nodes: {max(r.search_nodes for r in results)}")


def bench_whole_command(n_credentials: int) -> None:
    from skillwallet.store import Wallet

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, SKILLWALLET_HOME=str(Path(home) / "wallet"), SKILLWALLET_PASSPHRASE="bench passphrase",
                   HOME=home, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
        env.pop("SKILLWALLET_KDF_PROFILE", None)
        env.pop("SKILLWALLET_SESSION", None)
        # from compiled bytecode, as an installed package runs (the first of the timed runs is a warm-up)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
        os.environ["SKILLWALLET_HOME"] = env["SKILLWALLET_HOME"]
        wallet = Wallet.init(Path(env["SKILLWALLET_HOME"]), "bench passphrase")
        try:
            for held in synthetic_credentials(n_credentials, rng):
                wallet.add_credential(held.credential, held.verdict)
        finally:
            wallet.close()
        subprocess.run([sys.executable, "-m", "skillwallet", "stack", "--goal", "data-analyst", "--json"],
                       env=env, capture_output=True)  # warm-up: writes the bytecode
        times = []
        for _ in range(3):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "skillwallet", "stack", "--goal", "data-analyst", "--json"],
                                  env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            assert proc.returncode == 0, proc.stderr
        figure(f"`stack --goal data-analyst` whole command, {n_credentials:,}-credential wallet (median of 3)",
               statistics.median(times), "(production KDF unlock included)")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "skillwallet", "--help"], env=env, capture_output=True, text=True)
        figure("  for scale: `skillwallet --help`", time.perf_counter() - t)


def bench_next(rng: random.Random, n_offerings: int) -> None:
    labels = [s.label for s in default_taxonomy().skills.values()]
    offerings = list(builtin_offerings().values())
    while len(offerings) < n_offerings:
        i = len(offerings)
        offerings.append(Offering(id=f"synthetic-{i}", name=f"Synthetic course {i}",
                                  cost=rng.choice([0, 29, 49, 99, 149, 199, 299, 399]),
                                  hours=rng.choice([5, 10, 20, 40, 80]), skills=rng.sample(labels, rng.randint(1, 4)),
                                  credits=rng.choice([None, 3])))
    held = synthetic_credentials(30, rng)
    # certifications lapsing a month from now, each with renewal routes: every plan weighs renewing them
    for title, issuer in (("CompTIA A+", "https://www.comptia.org"), ("CompTIA Security+", "https://www.comptia.org"),
                          ("Microsoft Certified: Azure Administrator Associate", "https://learn.microsoft.com")):
        held.append(Held(wallet_id=f"lapsing-{len(held)}", verdict=Verdict(verdict="verified", checks={"status": "pass"}),
                         credential=Credential(format=FORMAT_OB3, original=title.encode(), credential_id=f"urn:{title}",
                                               title=title, issuer=Issuer(id=issuer, name=issuer), issued=AS_OF - timedelta(days=700),
                                               expires=AS_OF + timedelta(days=31))))
    times = []
    inexact = 0
    for pathway in builtin_pathways().values():
        t = time.perf_counter()
        # what `stack --next` runs: the plan judged at its finish, lapsing credentials renewed inside it
        plan = cheapest_completion_renewing(pathway, held, offerings, as_of=AS_OF)
        times.append((time.perf_counter() - t, pathway.id, plan.explored))
        inexact += not plan.exact
    times.sort()
    figure(f"--next, {len(offerings)} offerings: median over {len(times)} built-in goals",
           statistics.median(t for t, _, _ in times), "(goal ≤ 1000 ms each)")
    worst = times[-1]
    figure(f"--next, {len(offerings)} offerings: slowest goal ({worst[1]}, {worst[2]} B&B nodes)", worst[0])
    print(f"  exact answers: {len(times) - inexact}/{len(times)}")
    # --next --tradeoff: the whole Pareto set of cost against weeks, at 6 h/week (subscriptions priced by pace)
    times = []
    inexact = 0
    sizes = []
    for pathway in builtin_pathways().values():
        t = time.perf_counter()
        plans = pareto_plans_renewing(pathway, held, offerings, as_of=AS_OF, hours_per_week=6)
        times.append((time.perf_counter() - t, pathway.id))
        inexact += not all(p.exact for p in plans)
        sizes.append(len(plans))
    times.sort()
    figure(f"--next --tradeoff (Pareto set), {len(offerings)} offerings: median over {len(times)} goals",
           statistics.median(t for t, _ in times), "(goal ≤ 1000 ms each)")
    figure(f"--next --tradeoff, slowest goal ({times[-1][1]})", times[-1][0])
    print(f"  plans in a Pareto set: {min(sizes)}..{max(sizes)}; every plan exact: {len(times) - inexact}/{len(times)}")


def main() -> None:
    quick = "--quick" in sys.argv
    rng = random.Random(2026)
    print("skillwallet stacking benchmark" + (" (quick)" if quick else ""))
    bench_evaluation(rng, 2_000 if quick else 10_000, 200 if quick else 1_000)
    bench_contended(rng, 2_000 if quick else 10_000, 200 if quick else 1_000)
    bench_next(rng, 200)
    bench_whole_command(200 if quick else 1_000)


if __name__ == "__main__":
    main()
