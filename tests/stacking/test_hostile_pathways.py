"""Pathway files are input too: deep, cyclic, wide, huge, combinatorial and malformed pathways get one clear
error line and a documented exit code, or an answer in bounded time — never a traceback, never a stored half.

The fuzz tests generate graphs in the three formats `pathways import` / `add` read (CTDL JSON-LD, Badgr exports,
native TOML) and assert a clean outcome: a valid pathway that evaluates, or InvalidPathwayError."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode, InvalidPathwayError
from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator, evaluate_pathway
from skillwallet.stacking.pathway_import import import_pathway_documents
from skillwallet.stacking.model import MAX_DEPTH, MAX_PATHWAY_BYTES, load_pathway_toml, pathway_to_toml
from skillwallet.stacking.optimise import Offering, cheapest_completion

from .helpers import AS_OF, cred, wallet_holding

CONTEXT = "https://credreg.net/ctdl/schema/context/json"


def ctdl_chain(n: int, cycle: bool = False) -> dict:
    """A destination on a chain of ``n`` components, each one's hasCondition targeting the next."""
    graph = [{"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Deep",
              "ceterms:hasDestinationComponent": "c0"}]
    for i in range(n):
        comp = {"@id": f"c{i}", "@type": "ceterms:CredentialComponent", "ceterms:name": f"Credential {i}"}
        if i + 1 < n or cycle:
            comp["ceterms:hasCondition"] = {"@type": "ceterms:ComponentCondition",
                                            "ceterms:targetComponent": [f"c{(i + 1) % n}"]}
        graph.append(comp)
    return {"@context": CONTEXT, "@graph": graph}


def ctdl_wide(n: int, required: int) -> dict:
    graph = [{"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Wide",
              "ceterms:hasDestinationComponent": "dest"},
             {"@id": "dest", "@type": "ceterms:CredentialComponent", "ceterms:name": "Destination",
              "ceterms:hasCondition": {"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": required,
                                       "ceterms:targetComponent": [f"c{i}" for i in range(n)]}}]
    graph += [{"@id": f"c{i}", "@type": "ceterms:CourseComponent", "ceterms:name": f"Course {i}"} for i in range(n)]
    return {"@context": CONTEXT, "@graph": graph}


def badgr_chain(n: int, cycle: bool = False) -> dict:
    elements = []
    for i in range(n):
        nxt = (i + 1) % n if cycle else i + 1
        spec = {"@type": "ElementJunction", "junctionConfig": {"@type": "Conjunction"},
                "elements": [f"e{nxt}"]} if (i + 1 < n or cycle) else \
            {"@type": "BadgeJunction", "junctionConfig": {"@type": "Conjunction"},
             "badges": ["https://badgr.example/badges/last"]}
        elements.append({"slug": f"e{i}", "name": f"Element {i}", "requirements": spec})
    return {"@context": "https://badgr.io/public/contexts/pathways", "name": "Chain", "slug": "chain",
            "rootElement": "e0", "elements": elements}


def toml_chain(n: int, cycle: bool = False) -> str:
    body = 'id = "chain"\nname = "Chain"\nroot = "a0"\n'
    for i in range(n):
        body += f'[requirements.a{i}]\ntype = "all"\nlabel = "Level {i}"\nchildren = ["a{i + 1}"]\n'
    body += (f'[requirements.a{n}]\ntype = "all"\nchildren = ["a0"]\n' if cycle else
             f'[requirements.a{n}]\ntype = "skill"\nskill = "SQL"\n')
    return body


@pytest.fixture
def wallet(passphrase):
    wallet_holding(passphrase, cred("Course 3"))


def _stored_pathways(capsys) -> list[str]:
    capsys.readouterr()
    assert run(["pathways", "list", "--json"]) == 0
    return sorted(p["id"] for p in json.loads(capsys.readouterr().out)["pathways"])


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert lines and lines[0].startswith("error: ") and "Traceback" not in err and "internal error" not in err
    assert all(line.startswith("hint: ") for line in lines[1:]), lines
    return lines[0]


# -------------------------------------------------------------------------------------------------- depth


@pytest.mark.parametrize("name, document", [
    ("ctdl.json", ctdl_chain(5000)),
    ("badgr.json", badgr_chain(5000)),
])
def test_a_5000_deep_chain_is_refused_with_a_reason_and_nothing_stored(wallet, tmp_path, capsys, name, document):
    before = _stored_pathways(capsys)
    path = tmp_path / name
    path.write_text(json.dumps(document))
    assert run(["pathways", "import", str(path)]) == ExitCode.INVALID_PATHWAY
    line = _one_error_line(capsys.readouterr().err)
    assert f"more than {MAX_DEPTH} levels deep" in line
    assert _stored_pathways(capsys) == before


def test_a_5000_deep_toml_chain_is_refused_in_a_subprocess(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(toml_chain(5000))
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "pathways", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == ExitCode.INVALID_PATHWAY and proc.stdout == ""
    assert f"at most {MAX_DEPTH} levels deep" in _one_error_line(proc.stderr)


@pytest.mark.parametrize("name, document, fragment", [
    ("ctdl.json", ctdl_chain(3, cycle=True), "its own prerequisite (a cycle)"),
    ("badgr.json", badgr_chain(3, cycle=True), "requires itself (a cycle)"),
    # a long cycle is deeper than the limit before it closes: refused for its depth
    ("ctdl.json", ctdl_chain(400, cycle=True), "levels deep"),
    ("badgr.json", badgr_chain(400, cycle=True), "levels deep"),
])
def test_cycles_are_refused_in_every_format(tmp_path, capsys, name, document, fragment):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    assert run(["pathways", "validate", str(path)]) == ExitCode.INVALID_PATHWAY
    assert fragment in _one_error_line(capsys.readouterr().err)


def test_a_long_toml_cycle_is_named_briefly(tmp_path, capsys):
    path = tmp_path / "cycle.toml"
    path.write_text(toml_chain(3000, cycle=True))
    assert run(["pathways", "validate", str(path)]) == ExitCode.INVALID_PATHWAY
    line = _one_error_line(capsys.readouterr().err)
    assert "no cycle, found a0 -> a1" in line and "more ..." in line and len(line) < 400


def test_deeply_nested_json_and_toml_values_are_refused(tmp_path, capsys):
    nested = tmp_path / "nested.json"
    nested.write_text('{"@graph": ' + "[" * 50_000 + "]" * 50_000 + ', "x": "ceterms:Pathway"}')
    assert run(["pathways", "validate", str(nested)]) == ExitCode.INVALID_PATHWAY
    assert "nested more than" in _one_error_line(capsys.readouterr().err)
    toml = tmp_path / "nested.toml"
    toml.write_text('id = "x"\nname = "X"\ndescription = ' + "[" * 5000 + "]" * 5000 + "\n")
    assert run(["pathways", "validate", str(toml)]) == ExitCode.INVALID_PATHWAY
    assert "nested too deeply" in _one_error_line(capsys.readouterr().err)


def test_a_chain_just_within_the_limit_imports_evaluates_and_explains(wallet, tmp_path, capsys):
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(ctdl_chain(MAX_DEPTH - 2)))
    assert run(["pathways", "import", str(path)]) == 0
    capsys.readouterr()
    assert run(["stack", "--goal", "p", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] in ("partial", "unmet") and data["exact"] is True
    assert run(["stack", "--goal", "p"]) == 0
    assert "Credential 97" in capsys.readouterr().out


# -------------------------------------------------------------------------------------------------- size


def test_an_oversized_file_is_refused_before_it_is_read_whole(tmp_path, capsys):
    path = tmp_path / "huge.json"
    with path.open("w") as handle:
        handle.write('{"@graph": [' + ",".join(['{"ceterms:name": "x"}'] * (MAX_PATHWAY_BYTES // 20)) + "]}")
    assert run(["pathways", "validate", str(path)]) == ExitCode.INVALID_PATHWAY
    assert "too large for a pathway" in _one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("body, fragment", [
    ('[requirements.root]\ntype = "all"\nchildren = [' + ", ".join(f'"c{i}"' for i in range(5001)) + "]\n"
     + "".join(f'[requirements.c{i}]\ntype = "skill"\nskill = "SQL"\n' for i in range(5001)),
     "at most 5,000 children"),
    ("".join(f'[requirements.r{i}]\ntype = "skill"\nskill = "SQL"\n' for i in range(10_001)),
     "at most 10,000 requirements"),
])
def test_size_limits_are_documented_errors(body, fragment):
    with pytest.raises(InvalidPathwayError) as info:
        load_pathway_toml('id = "big"\nname = "Big"\n' + body, "big.toml")
    assert fragment in str(info.value)


def test_a_2000_child_pathway_works_and_prints_readably(wallet, tmp_path, capsys):
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(ctdl_wide(2000, 1000)))
    assert run(["pathways", "import", str(path)]) == 0
    capsys.readouterr()
    started = time.perf_counter()
    assert run(["stack", "--goal", "p", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert time.perf_counter() - started < 10
    assert len(data["tree"]["children"]) == 2000
    # the missing line names requirements by label (not by key such as c17), and stays one readable line
    [missing] = data["missing"]
    assert missing.startswith("999 of: Course 0, Course 1,") and missing.endswith("and 1,989 more")
    assert "c17" not in missing
    assert run(["stack", "--goal", "p"]) == 0
    out = capsys.readouterr().out
    assert "✓ Course 3" in out and "more not met (--json lists every requirement)" in out
    assert len(out.splitlines()) < 40


# -------------------------------------------------------------------------------------------------- combinatorics


def _combinatorial(sums: int = 25, courses: int = 80, seed: int = 1):
    rng = random.Random(seed)
    held = [cred(f"Course {j}", credits=rng.choice([2, 3, 4, 5, 7]), achievement_type="Course")
            for j in range(courses)]
    total = sum(h.credential.credits for h in held)
    body = 'id = "blocks"\nname = "Credit blocks"\n[requirements.root]\ntype = "all"\nchildren = [' + \
        ", ".join(f'"s{k}"' for k in range(sums)) + "]\n"
    for k in range(sums):
        body += (f'[requirements.s{k}]\ntype = "sum"\nlabel = "Credit block {k}"\nmin = {total // sums}\n'
                 'achievement_type = "Course"\n')
    return load_pathway_toml(body, "blocks.toml"), held


def test_25_credit_sums_over_80_courses_answer_within_budget_and_say_so():
    pathway, held = _combinatorial()
    started = time.perf_counter()
    evaluation = evaluate_pathway(pathway, held, as_of=AS_OF)
    assert time.perf_counter() - started <= 2.0
    assert not evaluation.exhaustive and evaluation.to_dict()["exact"] is False
    assert evaluation.progress > 0.9  # the best found is a real assignment, not nothing
    # it is an honest assignment: no course counted twice
    assert all(len(nodes) == 1 for nodes in evaluation.used.values())
    offerings = [Offering(id=f"o{j}", name=f"Course offer {j}", cost=100 + j, hours=10, credits=3,
                          achievement_type="Course") for j in range(10)]
    started = time.perf_counter()
    plan = cheapest_completion(pathway, held, offerings, as_of=AS_OF)
    assert time.perf_counter() - started <= 2.0
    assert plan.to_dict()["exact"] is False


def test_the_budget_is_reported_in_the_tree_and_json(passphrase, tmp_path, capsys):
    pathway, held = _combinatorial()
    wallet_holding(passphrase, *held)
    path = tmp_path / "blocks.toml"
    path.write_text(pathway_to_toml(pathway))
    assert run(["pathways", "add", str(path)]) == 0
    capsys.readouterr()
    assert run(["stack", "--goal", "blocks", "--json", "--as-of", "2025-06-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exact"] is False and data["search"]["exhaustive"] is False
    assert run(["stack", "--goal", "blocks", "--as-of", "2025-06-01"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the terminal width may wrap the heading
    assert "partial, 99% as of 2025-06-01 (best found within the search budget; not proven optimal)" in out
    assert "note: best found within the search budget; not proven optimal" in out


def test_a_small_budget_still_gives_an_honest_assignment():
    pathway, held = _combinatorial(sums=6, courses=20, seed=3)
    evaluator = PathwayEvaluator(pathway, CredentialIndex(held, as_of=AS_OF), node_budget=5, time_limit=None)
    evaluation = evaluator.evaluate()
    assert not evaluation.exhaustive and evaluation.search_nodes <= 6
    assert all(len(nodes) == 1 for nodes in evaluation.used.values())


# -------------------------------------------------------------------------------------------------- fuzzing

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
KINDS = ["all", "any", "at_least", "not", "credential", "skill", "count", "sum", "mean", "experience", "manual",
         "bogus"]


@st.composite
def graphs(draw):
    """A random directed graph (cycles, self-loops, shared children, unreachable nodes, dangling edges), as
    (node count, edges, per-node kind and number)."""
    n = draw(st.integers(1, 14))
    edges = {i: draw(st.lists(st.integers(0, n), max_size=6)) for i in range(n)}  # n itself is a dangling edge
    kinds = {i: draw(st.sampled_from(KINDS)) for i in range(n)}
    numbers = {i: draw(st.one_of(st.none(), st.integers(-2, 8), st.text(max_size=3), st.floats(allow_nan=True)))
               for i in range(n)}
    return n, edges, kinds, numbers


def _clean(run_it) -> None:
    """The only acceptable outcomes: a valid pathway (which must then evaluate and round-trip) or one clear
    InvalidPathwayError."""
    try:
        results = run_it()
    except InvalidPathwayError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    held = [cred("Course 1", skills=["SQL"], credits=3, tags=["x"]), cred("Course 2", credits=4, result="3.0")]
    for pathway in results:
        evaluation = evaluate_pathway(pathway, held, as_of=AS_OF)
        json.dumps(evaluation.to_dict())
        load_pathway_toml(pathway_to_toml(pathway), "round-trip.toml")


@FUZZ
@given(graphs())
def test_fuzz_toml_graphs(graph):
    n, edges, kinds, numbers = graph
    body = 'id = "fuzz"\nname = "Fuzz"\nroot = "n0"\n'
    for i in range(n):
        body += f'[requirements.n{i}]\ntype = "{kinds[i]}"\n'
        if edges[i]:
            body += "children = [" + ", ".join(f'"n{j}"' for j in edges[i]) + "]\n"
        if isinstance(numbers[i], int):
            body += f"n = {numbers[i]}\nmin = {numbers[i]}\n"
        if kinds[i] in ("credential", "count", "sum", "mean"):
            body += 'tag = "x"\n'
        if kinds[i] == "skill":
            body += 'skill = "SQL"\n'
    _clean(lambda: [load_pathway_toml(body, "fuzz.toml")])


@FUZZ
@given(graphs())
def test_fuzz_ctdl_graphs(graph):
    n, edges, kinds, numbers = graph
    types = ["ceterms:CredentialComponent", "ceterms:CourseComponent", "ceterms:SelectionComponent",
             "ceterms:CompetencyComponent", "ceterms:WorkExperienceComponent", "ceterms:Certification", "Weird"]
    graph_items = [{"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Fuzz",
                    "ceterms:hasDestinationComponent": "c0"}]
    for i in range(n):
        comp = {"@id": f"c{i}", "@type": types[i % len(types)], "ceterms:name": f"Component {i}"}
        if edges[i]:
            condition = {"@type": "ceterms:ComponentCondition",
                         "ceterms:targetComponent": [f"c{j}" for j in edges[i]]}
            if numbers[i] is not None:
                condition["ceterms:requiredNumber"] = numbers[i]
            comp["ceterms:hasCondition"] = condition
        if isinstance(numbers[i], int):
            comp["ceterms:creditValue"] = {"schema:value": numbers[i]}
        graph_items.append(comp)
    text = json.dumps({"@context": CONTEXT, "@graph": graph_items})
    _clean(lambda: [r.pathway for r in import_pathway_documents([("fuzz.json", text)])])


@FUZZ
@given(graphs())
def test_fuzz_badgr_graphs(graph):
    n, edges, kinds, numbers = graph
    elements = []
    for i in range(n):
        element = {"slug": f"e{i}", "name": f"Element {i}"}
        if edges[i]:
            element["requirements"] = {
                "@type": "ElementJunction" if i % 3 else "BadgeJunction",
                "junctionConfig": {"@type": "Disjunction" if numbers[i] is not None else "Conjunction",
                                   "requiredNumber": numbers[i]},
                "elements": [f"e{j}" for j in edges[i]],
                "badges": [f"https://badgr.example/b/{j}" for j in edges[i]],
            }
        elements.append(element)
    text = json.dumps({"@context": "https://badgr.io/public/contexts/pathways", "name": "Fuzz",
                       "rootElement": "e0", "elements": elements})
    _clean(lambda: [r.pathway for r in import_pathway_documents([("fuzz.json", text)])])


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
              st.sampled_from(["ceterms:Pathway", "BadgeJunction", "ceterms:hasCondition", "c0", "@id"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["@id", "@type", "@graph", "ceterms:name",
                                                             "ceterms:hasDestinationComponent", "elements",
                                                             "ceterms:hasCondition", "ceterms:targetComponent",
                                                             "requirements", "rootElement", "x"]), inner,
                                            max_size=5)),
    max_leaves=30)


@FUZZ
@given(json_values)
def test_fuzz_malformed_json(value):
    _clean(lambda: [r.pathway for r in import_pathway_documents([("fuzz.json", json.dumps(value))])])


@FUZZ
@given(st.integers(1, 400), st.sampled_from(["ctdl", "badgr", "toml"]), st.booleans())
def test_fuzz_depths(depth, fmt, cycle):
    if fmt == "toml":
        outcome = lambda: [load_pathway_toml(toml_chain(depth, cycle), "deep.toml")]  # noqa: E731
    else:
        document = ctdl_chain(depth, cycle) if fmt == "ctdl" else badgr_chain(depth, cycle)
        outcome = lambda: [r.pathway for r in import_pathway_documents(  # noqa: E731
            [("deep.json", json.dumps(document))])]
    try:
        outcome()
    except InvalidPathwayError as exc:
        assert "cycle" in str(exc) or "levels deep" in str(exc) or "itself" in str(exc)
        assert cycle or depth >= MAX_DEPTH - 2
    else:
        assert not cycle and depth <= MAX_DEPTH + 1


def test_ranking_many_combinatorial_pathways_is_bounded_as_a_whole(monkeypatch):
    from skillwallet.stacking import evaluate as engine

    monkeypatch.setattr(engine, "RANK_SECONDS", 1.0)
    pathway, held = _combinatorial()
    started = time.perf_counter()
    ranked = engine.rank_pathways([pathway] * 6, held, as_of=AS_OF)
    # six searches of 0.6 s each would take 3.6 s; the ranking's budget stops them together
    assert time.perf_counter() - started < 3.0
    assert len(ranked) == 6 and not any(e.exhaustive for e in ranked)
