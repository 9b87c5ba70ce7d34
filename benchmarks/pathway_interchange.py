"""Pathway import figures: published CTDL / Badgr files, then a large synthetic registry graph.

Run: .venv/bin/python benchmarks/pathway_interchange.py

1. Each file under tests/stacking/fixtures/published: conversion to a validated native pathway (JSON parse,
   CTDL / Badgr mapping, model validation, TOML serialisation), median of 20 runs.
2. A registry-shaped CTDL graph with 2,000 course components under 200 "N of 10" groups and one destination
   requiring 150 of the groups, with ValueProfile credits: the same conversion, median of 5 runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from skillwallet.stacking.pathway_import import import_pathway_documents  # noqa: E402

PUBLISHED = ROOT / "tests" / "stacking" / "fixtures" / "published"


def timed(documents: list[tuple[str, str]], runs: int) -> tuple[float, list]:
    samples = []
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        results = import_pathway_documents(documents)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), results


def synthetic_graph(groups: int = 200, per_group: int = 10, required_groups: int = 150) -> str:
    base = "https://credentialengineregistry.org/resources/"
    graph: list[dict] = [{"@id": base + "ce-p", "@type": "ceterms:Pathway", "ceterms:ctid": "ce-p",
                          "ceterms:name": {"en-US": "Synthetic programme"},
                          "ceterms:hasDestinationComponent": base + "ce-dest"}]
    group_ids = []
    for g in range(groups):
        courses = []
        for c in range(per_group):
            cid = f"ce-course-{g}-{c}"
            courses.append(base + cid)
            graph.append({"@id": base + cid, "@type": "ceterms:CourseComponent", "ceterms:ctid": cid,
                          "ceterms:name": {"en-US": f"Course {g}.{c}"}, "ceterms:codedNotation": f"C{g:03d}{c}",
                          "ceterms:creditValue": [{"@type": "ceterms:ValueProfile", "schema:value": 3}]})
        gid = f"ce-group-{g}"
        group_ids.append(base + gid)
        graph.append({"@id": base + gid, "@type": "ceterms:BasicComponent", "ceterms:ctid": gid,
                      "ceterms:name": {"en-US": f"Group {g}"},
                      "ceterms:hasCondition": [{"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 3,
                                                "ceterms:targetComponent": courses}]})
    graph.append({"@id": base + "ce-dest", "@type": "ceterms:CredentialComponent", "ceterms:ctid": "ce-dest",
                  "ceterms:name": {"en-US": "Synthetic Certificate"},
                  "ceterms:hasCondition": [{"@type": "ceterms:ComponentCondition",
                                            "ceterms:requiredNumber": required_groups,
                                            "ceterms:targetComponent": group_ids}]})
    return json.dumps({"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": graph})


def main() -> None:
    print("published pathway files (median of 20 conversions):")
    for path in sorted(PUBLISHED.glob("*.json*")):
        text = path.read_text()
        try:
            seconds, results = timed([(path.name, text)], 20)
        except Exception as exc:  # the pathway list has no structure: it is rejected, and that is timed too
            print(f"  {path.name:45s} rejected: {getattr(exc, 'message', exc)}")
            continue
        requirements = sum(len(r.pathway.requirements) for r in results)
        unmapped = sum(len(r.unmapped) for r in results)
        print(f"  {path.name:45s} {len(text) / 1024:6.1f} KiB  {requirements:4d} requirements  "
              f"{unmapped:2d} unmapped notes  {seconds * 1000:7.2f} ms")
    text = synthetic_graph()
    seconds, results = timed([("synthetic.json", text)], 5)
    print(f"synthetic registry graph: {len(text) / 1024:.0f} KiB, "
          f"{len(results[0].pathway.requirements)} requirements: {seconds * 1000:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
