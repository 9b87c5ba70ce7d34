"""Stacking worst cases: pathway files built to be deep, cyclic, wide, large or combinatorial.

Run: .venv/bin/python benchmarks/stacking_hostile.py

Every case must end in bounded time: refused with a reason (the limits in skillwallet.stacking.model), or
answered, with `exact` false when the assignment search ran out of its work budget. Times are the engine's
(parse, convert, validate, evaluate), without the CLI's start-up.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from skillwallet.errors import InvalidPathwayError  # noqa: E402
from skillwallet.model import FORMAT_OB3, Credential, Issuer, Verdict  # noqa: E402
from skillwallet.stacking.evaluate import CredentialIndex, Held, PathwayEvaluator  # noqa: E402
from skillwallet.stacking.pathway_import import import_pathway_documents  # noqa: E402
from skillwallet.stacking.model import MAX_PATHWAY_BYTES, load_pathway_toml  # noqa: E402
from skillwallet.stacking.optimise import Offering, cheapest_completion  # noqa: E402

AS_OF = datetime(2026, 1, 1, tzinfo=timezone.utc)
CONTEXT = "https://credreg.net/ctdl/schema/context/json"


def figure(label: str, seconds: float, outcome: str) -> None:
    print(f"{label:<62} {seconds * 1000:9.1f} ms  {outcome}")


def attempt(label: str, work) -> None:
    start = time.perf_counter()
    try:
        outcome = work()
    except InvalidPathwayError as exc:
        outcome = "refused: " + str(exc).split(": ", 1)[-1][:70]
    figure(label, time.perf_counter() - start, outcome)


def held(title: str, *, credits=None, kind="Course") -> Held:
    credential = Credential(format=FORMAT_OB3, original=title.encode(), credential_id=f"urn:uuid:{title}",
                            title=title, issuer=Issuer(id="https://college.example"), issued=AS_OF,
                            achievement_type=kind, credits=credits)
    return Held(wallet_id=title, credential=credential, verdict=Verdict(verdict="verified",
                                                                       checks={"status": "pass"}))


def ctdl_chain(n: int, cycle: bool = False) -> str:
    graph = [{"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Deep", "ceterms:hasDestinationComponent": "c0"}]
    for i in range(n):
        comp = {"@id": f"c{i}", "@type": "ceterms:CredentialComponent", "ceterms:name": f"Credential {i}"}
        if i + 1 < n or cycle:
            comp["ceterms:hasCondition"] = {"@type": "ceterms:ComponentCondition",
                                            "ceterms:targetComponent": [f"c{(i + 1) % n}"]}
        graph.append(comp)
    return json.dumps({"@context": CONTEXT, "@graph": graph})


def ctdl_wide(n: int) -> str:
    """A destination needing 3 of ``n`` modules, each module reached through a condition on a course."""
    graph = [{"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Wide", "ceterms:hasDestinationComponent": "d"},
             {"@id": "d", "@type": "ceterms:CredentialComponent", "ceterms:name": "Destination",
              "ceterms:hasCondition": {"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 3,
                                       "ceterms:targetComponent": [f"m{i}" for i in range(n)]}}]
    for i in range(n):
        graph.append({"@id": f"m{i}", "@type": "ceterms:CourseComponent", "ceterms:name": f"Module {i}",
                      "ceterms:hasCondition": {"@type": "ceterms:ComponentCondition",
                                               "ceterms:targetComponent": [f"c{i}"]}})
        graph.append({"@id": f"c{i}", "@type": "ceterms:CourseComponent", "ceterms:name": f"Course {i}",
                      "ceterms:creditValue": 3})
    return json.dumps({"@context": CONTEXT, "@graph": graph})


def toml_chain(n: int, cycle: bool = False) -> str:
    body = 'id = "chain"\nname = "Chain"\nroot = "a0"\n'
    for i in range(n):
        body += f'[requirements.a{i}]\ntype = "all"\nchildren = ["a{i + 1}"]\n'
    body += (f'[requirements.a{n}]\ntype = "all"\nchildren = ["a0"]\n' if cycle else
             f'[requirements.a{n}]\ntype = "skill"\nskill = "SQL"\n')
    return body


def imported(text: str) -> str:
    results = import_pathway_documents([("bench.json", text)])
    return f"imported, {len(results[0].pathway.requirements):,} requirements"


def bench_refusals() -> None:
    attempt("CTDL: destination on a 5,000-component chain", lambda: imported(ctdl_chain(5000)))
    attempt("CTDL: a 5,000-component cycle", lambda: imported(ctdl_chain(5000, cycle=True)))
    attempt("TOML: 5,000 nested requirements", lambda: str(load_pathway_toml(toml_chain(5000), "deep.toml")))
    attempt("TOML: a 5,000-requirement cycle", lambda: str(load_pathway_toml(toml_chain(5000, True), "c.toml")))
    attempt("JSON nested 100,000 levels", lambda: imported("[" * 100_000 + "]" * 100_000))
    big = '{"@graph": [' + ",".join(['{"ceterms:name": "x"}'] * (MAX_PATHWAY_BYTES // 20)) + "]}"
    attempt(f"a {len(big) / 2**20:.1f} MiB file (limit {MAX_PATHWAY_BYTES / 2**20:g} MiB)", lambda: imported(big))


def bench_wide() -> None:
    attempt("CTDL: 3 of 2,000 modules (4,001 requirements)", lambda: imported(ctdl_wide(2000)))
    attempt("CTDL: 3 of 4,000 modules (8,001 requirements)", lambda: imported(ctdl_wide(4000)))
    body = 'id = "wide"\nname = "Wide"\n[requirements.root]\ntype = "at_least"\nn = 1000\nchildren = [' + \
        ", ".join(f'"c{i}"' for i in range(2000)) + "]\n" + "".join(
            f'[requirements.c{i}]\ntype = "credential"\nlabel = "Course {i}"\nname = "Course {i}"\n'
            for i in range(2000))
    pathway = load_pathway_toml(body, "wide.toml")
    index = CredentialIndex([held(f"Course {i}") for i in range(0, 2000, 3)], as_of=AS_OF)
    start = time.perf_counter()
    evaluation = PathwayEvaluator(pathway, index).evaluate()
    figure("evaluate 1,000 of 2,000 children against 667 courses", time.perf_counter() - start,
           f"{evaluation.status}, exact {evaluation.exhaustive}")


def bench_combinatorial() -> None:
    rng = random.Random(1)
    courses = [held(f"Course {j}", credits=rng.choice([2, 3, 4, 5, 7])) for j in range(80)]
    total = sum(c.credential.credits for c in courses)
    body = 'id = "blocks"\nname = "Blocks"\n[requirements.root]\ntype = "all"\nchildren = [' + \
        ", ".join(f'"s{k}"' for k in range(25)) + "]\n" + "".join(
            f'[requirements.s{k}]\ntype = "sum"\nmin = {total // 25}\nachievement_type = "Course"\n'
            for k in range(25))
    pathway = load_pathway_toml(body, "blocks.toml")
    start = time.perf_counter()
    evaluation = PathwayEvaluator(pathway, CredentialIndex(courses, as_of=AS_OF)).evaluate()
    figure("25 credit sums over the same 80 courses (no double counting)", time.perf_counter() - start,
           f"{evaluation.status} {evaluation.progress:.1%}, exact {evaluation.exhaustive} (goal ≤ 2000 ms)")
    offerings = [Offering(id=f"o{j}", name=f"Course offer {j}", cost=100 + j, hours=10, credits=3,
                          achievement_type="Course") for j in range(10)]
    start = time.perf_counter()
    plan = cheapest_completion(pathway, courses, offerings, as_of=AS_OF)
    figure("  --next with 10 course offerings", time.perf_counter() - start,
           f"{len(plan.steps)} steps, exact {plan.exact} (goal ≤ 2000 ms)")
    # the same shape small enough to be proven: two sums sharing four courses
    small = load_pathway_toml('id = "acct"\nname = "Acct"\n[requirements.root]\ntype = "all"\n'
                              'children = ["core", "electives"]\n[requirements.core]\ntype = "sum"\nmin = 3\n'
                              'achievement_type = "Course"\n[requirements.electives]\ntype = "sum"\nmin = 4\n'
                              'achievement_type = "Course"\n', "acct.toml")
    start = time.perf_counter()
    evaluation = PathwayEvaluator(small, CredentialIndex([held("ACCT 101", credits=4), held("ACCT 102", credits=3)],
                                                         as_of=AS_OF)).evaluate()
    figure("two credit sums sharing two courses (ACCT 101 / 102)", time.perf_counter() - start,
           f"{evaluation.status}, exact {evaluation.exhaustive}")


def main() -> None:
    print("skillwallet stacking benchmark: hostile and combinatorial pathways")
    bench_refusals()
    bench_wide()
    bench_combinatorial()


if __name__ == "__main__":
    main()
