"""`skillwallet stack`, `pathways`, `offerings` and `skills` on a real wallet: exit codes, stdout, stderr, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet

from .helpers import cred, wallet_holding

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


@pytest.fixture
def wallet_with_credentials(passphrase):
    wallet_holding(
        passphrase,
        cred("Google Data Analytics Professional Certificate",
             skills=["Data analysis", "SQL", "Spreadsheets", "Tableau", "R"], issued="2025-03-01"),
        cred("Python for Everybody", skills=["Python 3"], issued="2024-01-01", expires="2026-07-01"),
        cred("My portfolio", tags=["step:portfolio"], self_attested=True, verdict="self-asserted"),
        cred("Statistics with Python", skills=["Statistics"], issued="2024-06-01"),
    )


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result


def test_stack_goal_json_contract(wallet_with_credentials):
    result = invoke("stack", "--goal", "data-analyst", "--as-of", "2026-01-01", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == "skillwallet/stack" and data["goal"] == "data-analyst"
    assert data["status"] == "met" and data["progress"] == 1.0 and data["missing"] == []
    assert data["tree"]["id"] == "root" and data["tree"]["children"]
    kinds = {w["kind"] for w in data["warnings"]}
    assert "self-attested" in kinds and "counted-twice" in kinds


def test_stack_as_of_later_date_changes_the_answer(wallet_with_credentials):
    result = invoke("stack", "--goal", "data-analyst", "--as-of", "2026-08-01", "--json")
    data = json.loads(result.stdout)
    assert data["status"] == "met"
    # Python expired on 2026-07-01; R still comes from the data analytics certificate
    scripting = next(c for c in data["tree"]["children"] if c["id"] == "scripting")
    assert scripting["status"] == "met" and scripting["children"][0]["status"] == "expired"


def test_stack_human_output_is_a_tree(wallet_with_credentials):
    result = invoke("stack", "--goal", "data-analyst", "--as-of", "2026-06-01")
    assert result.exit_code == 0
    assert "Data analyst (data-analyst): met" in result.stdout
    assert "Google Data Analytics Professional Certificate" in result.stdout
    assert "expires on 2026-07-01" in result.stdout  # expiring within 90 days: a warning


def test_stack_next_plans_exactly_with_hours_per_week(wallet_with_credentials):
    result = invoke("stack", "--goal", "cloud-engineer", "--as-of", "2026-01-01", "--next", "--hours-per-week", "10",
                    "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["next"]
    assert plan["feasible"] and plan["exact"] and plan["steps"]
    assert plan["weeks"] == round(plan["hours"] / 10, 1) and plan["estimated_completion"].startswith("20")
    human = invoke("stack", "--goal", "cloud-engineer", "--as-of", "2026-01-01", "--next")
    assert "Cheapest next steps (exact)" in human.stdout and "Total:" in human.stdout


def test_stack_without_goal_ranks_every_pathway(wallet_with_credentials):
    result = invoke("stack", "--json", "--as-of", "2026-01-01")
    data = json.loads(result.stdout)
    assert data["schema"] == "skillwallet/stack-ranking" and len(data["pathways"]) >= 12
    assert data["pathways"][0]["goal"] == "data-analyst"
    progresses = [p["progress"] for p in data["pathways"] if p["status"] != "met"]
    assert progresses == sorted(progresses, reverse=True)


def test_unknown_goal_suggests_and_exits_not_found(wallet_with_credentials, capsys):
    code = run(["stack", "--goal", "data-analist"])
    captured = capsys.readouterr()
    assert code == ExitCode.NOT_FOUND and captured.out == ""
    assert "error: no pathway or goal 'data-analist'" in captured.err and "did you mean: data-analyst" in captured.err


def test_bad_as_of(wallet_with_credentials, capsys):
    assert run(["stack", "--goal", "data-analyst", "--as-of", "June"]) == ExitCode.USAGE
    assert "not a date" in capsys.readouterr().err


def test_pathways_list_json_without_a_wallet():
    result = invoke("pathways", "list", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"id", "name"} <= set(data["pathways"][0]) and len(data["pathways"]) >= 12


def test_pathways_show_and_validate(tmp_path):
    result = invoke("pathways", "show", "data-analyst")
    assert result.exit_code == 0 and "Analysis foundations" in result.stdout
    good = tmp_path / "good.toml"
    good.write_text('id = "g"\nname = "G"\n[requirements.root]\ntype = "skill"\nskill = "SQL"\n')
    result = invoke("pathways", "validate", str(good))
    assert result.exit_code == 0 and "valid pathway 'g'" in result.stderr and result.stdout == ""


def test_invalid_pathway_add_stores_nothing(wallet_with_credentials, tmp_path, capsys):
    bad = tmp_path / "cycle.toml"
    bad.write_text('id = "c"\nname = "C"\n[requirements.root]\ntype = "all"\nchildren = ["a"]\n'
                   '[requirements.a]\ntype = "any"\nchildren = ["root"]\n')
    assert run(["pathways", "add", str(bad)]) == ExitCode.INVALID_PATHWAY
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cycle" in err and "Traceback" not in err
    wallet = Wallet.open(paths.wallet_home(), passphrase="correct horse battery staple")
    try:
        assert wallet.items("pathways") == []
    finally:
        wallet.close()


def test_pathway_add_remove_and_evaluate(wallet_with_credentials, tmp_path, capsys):
    mine = tmp_path / "mine.toml"
    mine.write_text('id = "mine"\nname = "Mine"\n[requirements.root]\ntype = "skill"\nskill = "Python"\n')
    assert run(["pathways", "add", str(mine)]) == 0
    assert run(["pathways", "add", str(mine)]) == ExitCode.EXISTS
    capsys.readouterr()
    assert run(["stack", "--goal", "mine", "--json", "--as-of", "2026-01-01"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "met"
    assert run(["pathways", "remove", "mine"]) == 0
    assert run(["pathways", "remove", "data-analyst"]) == ExitCode.INVALID_PATHWAY


def test_pathways_import_ctdl_and_badgr(wallet_with_credentials, capsys):
    code = run(["pathways", "import", str(FIXTURES / "ctdl_pathway.json"), str(FIXTURES / "ctdl_components.json"),
                str(FIXTURES / "badgr_pathway.json"), "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    formats = sorted(p["format"] for p in data["pathways"])
    assert formats == ["badgr", "ctdl"] and all(p["stored"] for p in data["pathways"])
    assert any("precedes" in u for p in data["pathways"] for u in p["unmapped"])
    assert run(["pathways", "show", "web-foundations", "--json"]) == 0
    assert run(["pathways", "import", str(FIXTURES / "ctdl_pathway.json")]) == ExitCode.INVALID_PATHWAY
    assert "separate file" in capsys.readouterr().err


def test_offerings_add_list_remove(wallet_with_credentials, tmp_path, capsys):
    mine = tmp_path / "offers.toml"
    mine.write_text('[[offering]]\nid = "evening-sql"\nname = "Evening SQL"\ncost = 5\nhours = 2\nskills = ["SQL"]\n')
    assert run(["offerings", "add", str(mine)]) == 0
    capsys.readouterr()
    assert run(["offerings", "list", "--json"]) == 0
    ids = [o["id"] for o in json.loads(capsys.readouterr().out)["offerings"]]
    assert "evening-sql" in ids and "google-data-analytics" in ids
    assert run(["offerings", "remove", "evening-sql"]) == 0
    assert run(["offerings", "remove", "evening-sql"]) == ExitCode.NOT_FOUND


def test_skills_inventory_and_gap(wallet_with_credentials):
    result = invoke("skills", "--json", "--goal", "data-scientist", "--as-of", "2026-01-01")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    by_id = {s["id"]: s for s in data["skills"]}
    assert by_id["sw:python"]["esco"].endswith("ccd0a1d9-afda-43d9-b901-96344886e14d")
    assert by_id["sw:python"]["credentials"][0]["title"] == "Python for Everybody"
    assert data["goal"]["goal"] == "data-scientist" and data["goal"]["missing_skills"]
    assert any(g["label"] == "Machine learning" for g in data["goal"]["missing_skills"])
    human = invoke("skills")
    assert human.exit_code == 0 and "Python" in human.stdout and "ESCO" in human.stdout


def test_no_traceback_for_a_malformed_pathway_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("id = \n")
    proc = subprocess.run([sys.executable, "-m", "skillwallet", "pathways", "validate", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == ExitCode.INVALID_PATHWAY
    assert proc.stdout == "" and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
