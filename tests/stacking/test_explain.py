"""Honest explanations: held credentials shown where they count (under met shortcuts too), counts that read
right, and for every missing requirement what would count, the cheapest offering and the command to run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app
from skillwallet.skills.inventory import skill_gap
from skillwallet.stacking.catalog import Catalog, builtin_offerings, builtin_pathways
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.explain import add_fill_hints
from skillwallet.stacking.pathway_import import import_pathway_documents
from skillwallet.store import Wallet

from .helpers import AS_OF, all_of, at_least, cred, make_pathway, node, nodes, skill, wallet_holding

PUBLISHED = Path(__file__).parent / "fixtures" / "published"
runner = CliRunner()


def test_held_credentials_show_under_a_branch_met_by_its_shortcut():
    pathway = make_pathway(root=all_of("foundations", "extra"),
                           foundations=all_of("sql", "stats", "sheets",
                                              shortcut={"name": "Analyst Certificate"}),
                           sql=skill("SQL"), stats=skill("Statistics"), sheets=skill("Spreadsheets"),
                           extra=skill("Python"),
                           id="shortcut-test", name="Shortcut test")
    held = [cred("Analyst Certificate"), cred("SQL course", skills=["SQL"]), cred("Stats course", skills=["Statistics"])]
    evaluation = evaluate_pathway(pathway, held, as_of=AS_OF)
    foundations = node(evaluation, "foundations")
    assert foundations.status == "met"
    assert foundations.detail == "met by its shortcut; 2 of 3 also met directly"
    assert [c["title"] for c in node(evaluation, "sql").credentials] == ["SQL course"]
    assert node(evaluation, "sql").status == "met" and node(evaluation, "stats").status == "met"
    assert evaluation.status == "partial" and evaluation.missing == ["extra"]
    # with the shortcut alone the branch says so, never "0 of 3 met"
    alone = evaluate_pathway(pathway, [cred("Analyst Certificate")], as_of=AS_OF)
    assert node(alone, "foundations").detail == "met by its shortcut"
    assert "0 of 3 met" not in json.dumps(alone.to_dict())


def test_at_least_met_beyond_its_minimum_reads_right():
    pathway = make_pathway(root=at_least(2, "a", "b", "c", "d", "e"),
                           a=skill("SQL"), b=skill("Python"), c=skill("R"), d=skill("Tableau"),
                           e=skill("Statistics"),
                           id="n-of-m", name="n of m")
    held = [cred(f"c{k}", skills=[s]) for k, s in enumerate(["SQL", "Python", "R", "Tableau", "Statistics"])]
    evaluation = evaluate_pathway(pathway, held, as_of=AS_OF)
    assert evaluation.tree.detail == "5 met, 2 needed (of 5)"


def test_the_comptia_route_shows_every_held_certification():
    (result,) = import_pathway_documents([("c.jsonld", (PUBLISHED / "comptia-it-networking-specialist.jsonld").read_text())])
    held = [cred(n) for n in ("CompTIA A+", "CompTIA Network+", "CompTIA Linux+", "CompTIA Server+")]
    evaluation = evaluate_pathway(result.pathway, held, as_of=AS_OF)
    leaves = {n.label: n.status for n in nodes(evaluation.tree) if not n.children}
    for name in ("CompTIA Network+", "CompTIA Linux+", "CompTIA Server+"):
        assert leaves[name] == "met"


def test_every_missing_requirement_says_how_to_fill_it():
    pathway = builtin_pathways()["data-analyst"]
    evaluation = evaluate_pathway(pathway, [], as_of=AS_OF)
    add_fill_hints(pathway, evaluation.tree, builtin_offerings().values(), as_of=AS_OF)
    sql = node(evaluation, "sql").fill
    assert sql["counts"].startswith("a credential evidencing the skill SQL")
    # the cheapest offering that teaches SQL: the free course, not a paid certificate
    assert sql["offering"]["id"] == "sql-course" and sql["offering"]["cost"] == 0
    portfolio = node(evaluation, "portfolio").fill
    assert portfolio["command"] == "skillwallet add --self project --title 'Portfolio project' --evidence URL"
    work = node(evaluation, "work").fill
    assert work["counts"].startswith("6 months of work experience as Data analyst")
    assert work["command"].startswith("skillwallet add --self experience --title 'Data analyst' ")
    # every unmet leaf has one
    for n in nodes(evaluation.tree):
        if not n.children and n.status != "met":
            assert n.fill and n.fill["counts"]


def test_skill_gap_lists_a_one_of_group_once():
    pathway = builtin_pathways()["data-analyst"]
    evaluation = evaluate_pathway(pathway, [cred("SQL course", skills=["SQL"])], as_of=AS_OF)
    gap = skill_gap(pathway, evaluation)
    visual = [g for g in gap if g["requirement"] == "visualisation"]
    assert len(visual) == 1 and visual[0]["one_of"] is True
    assert [s["label"] for s in visual[0]["skills"]] == ["Tableau", "Power BI", "Data visualisation"]
    assert not any(g["requirement"] in ("tableau", "power-bi", "dataviz") for g in gap)


def test_an_imported_pathway_is_reachable_by_name(passphrase):
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        (result,) = import_pathway_documents(
            [("c.jsonld", (PUBLISHED / "comptia-it-networking-specialist.jsonld").read_text())])
        Catalog(wallet).add_pathway(result.toml, "c.jsonld")
        held = cred("CompTIA A+")
        wallet.add_credential(held.credential, held.verdict)
    finally:
        wallet.close()
    out = runner.invoke(app, ["stack", "--goal", "IT Networking Specialist Pathway", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["goal"] == "ce-cc62e516-f95d-4306-a11a-c0ecc39d835f"
    out = runner.invoke(app, ["stack", "--goal", "it networking  specialist pathway", "--json"])
    assert out.exit_code == 0


def test_cli_tree_says_how_to_fill_and_skills_goal_lists_groups_once(passphrase):
    wallet_holding(passphrase, cred("SQL course", skills=["SQL"]))
    out = runner.invoke(app, ["stack", "--goal", "data-analyst", "--as-of", "2026-01-01"], env={"COLUMNS": "300"})
    assert out.exit_code == 0, out.output
    assert "cheapest: Introduction to Statistics (online course)" in out.output
    assert "record it: skillwallet add --self project --title 'Portfolio project' --evidence URL" in out.output
    data = json.loads(runner.invoke(app, ["stack", "--goal", "data-analyst", "--json"]).output)
    assert data["tree"]["children"][3]["children"][0]["fill"]["command"].startswith("skillwallet add --self project")
    skills = runner.invoke(app, ["skills", "--goal", "data-analyst", "--as-of", "2026-01-01"], env={"COLUMNS": "300"})
    assert skills.output.count("Tableau or Power BI or Data visualisation") == 1
    assert "one of: Tableau, Power BI, Data visualisation" not in skills.output


def test_under_a_met_milestone_held_certifications_show_met():
    from dataclasses import replace

    (result,) = import_pathway_documents([("c.jsonld", (PUBLISHED / "comptia-it-networking-specialist.jsonld").read_text())])
    pathway = result.pathway
    pathway.policy = replace(pathway.policy, conditions="destination")
    held = [cred(n) for n in ("CompTIA Network+", "CompTIA Linux+", "CompTIA Server+", "CompTIA Cloud+")]
    evaluation = evaluate_pathway(pathway, held, as_of=AS_OF)
    assert evaluation.status == "met"
    leaves = {(n.label, n.status) for n in nodes(evaluation.tree) if not n.children}
    for name in ("CompTIA Network+", "CompTIA Linux+", "CompTIA Server+", "CompTIA Cloud+"):
        assert (name, "met") in leaves
    cloud = [n for n in evaluation.tree.children if not n.children][0]
    assert cloud.credentials[0]["via"] == "within-shortcut"
    # shown, not counted twice
    assert not [w for w in evaluation.warnings if w["kind"] == "counted-twice"]
    assert evaluation.to_dict()["credentials_used"][held[3].wallet_id] == [pathway.root]


def test_a_held_credential_counted_elsewhere_is_named():
    pathway = make_pathway(root=all_of("a", "b"), a=skill("SQL"), b=skill("SQL"), id="once", name="once")
    evaluation = evaluate_pathway(pathway, [cred("SQL course", skills=["SQL"])], as_of=AS_OF)
    unmet = [n for n in evaluation.tree.children if n.status != "met"][0]
    assert unmet.detail == "SQL course is held but counted toward a (a credential counts once here)"
