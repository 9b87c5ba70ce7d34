"""Renewal windows: a route that can be taken only shortly before the expiry (Microsoft's renewal assessment opens
six months before, `opens_before_expiry = "6mo"`) is never planned before its window opens, and `expiring` says
when it opens. Real wallets, the real CLI, the built-in renewal routes; a goal and courses of the holder's own,
added through the CLI, make the plan's length plain."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from skillwallet.cli.app import app
from skillwallet.stacking.catalog import builtin_offerings
from skillwallet.stacking.offerings import load_offerings_toml
from skillwallet.stacking.optimise import cheapest_completion_renewing

from .helpers import AS_OF, added_through_cli, all_of, cred, credential, make_pathway, skill, wallet_holding

MICROSOFT = "https://learn.microsoft.com"
COMPTIA = "https://www.comptia.org"
PL_300 = "Microsoft Certified: Power BI Data Analyst Associate"
RENEWAL = "Microsoft Certified: Power BI Data Analyst Associate renewal assessment"

# Power BI reporting: the PL-300 and DAX, which the holder's evening course (100 h) or a bootcamp (10 h) teaches
def goal():
    return make_pathway(id="bi-reporting", name="BI reporting", root=all_of("powerbi", "dax"),
                        powerbi=credential(name=PL_300), dax=skill("DAX modelling"))


COURSES = """
[[offering]]
id = "evening-dax"
name = "Evening DAX course"
provider = "City College"
cost = 90
hours = 100
skills = ["DAX modelling"]

[[offering]]
id = "dax-bootcamp"
name = "DAX bootcamp"
provider = "City College"
cost = 900
hours = 10
skills = ["DAX modelling"]
"""
# at 2 h/week the evening course takes 50 weeks and the renewal assessment (3 h) a week and a half
PLAN = ["stack", "--goal", "bi-reporting", "--as-of", "2026-01-01", "--next", "--hours-per-week", "2"]


def holding(passphrase: str, *held) -> dict[str, str]:
    """A real wallet with ``held`` and the goal and courses added through the CLI; wallet ids by title."""
    ids = wallet_holding(passphrase, *held)
    added_through_cli(goal(), COURSES)
    return {h.credential.title: wallet_id for h, wallet_id in zip(held, ids)}


def pl_300(expires: str):
    return cred(PL_300, issuer=MICROSOFT, issued="2025-01-01", expires=expires)


def plan_of(args: list[str]) -> dict:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def entry(plan: dict, step_id: str) -> dict:
    return next(e for e in plan["schedule"] if e["step"] == step_id)


def test_a_renewal_whose_window_is_not_open_yet_is_taken_the_day_it_opens(passphrase):
    # PL-300 expires in ten months (2026-11-01): the 50-week course would carry the plan past it, so the free
    # renewal assessment is in the plan; it opens six months before the expiry, on 2026-05-01
    ids = holding(passphrase, pl_300("2026-11-01"))
    plan = plan_of(PLAN)["next"]
    renewal = next(s for s in plan["steps"] if s.get("kind") == "renewal")
    # not in week 1, where the deadline alone would put it: the day the window opens, the course paused for it
    dated = entry(plan, renewal["id"])
    assert dated["start"] == "2026-05-01T00:00:00Z" and dated["end"] == "2026-05-11T12:00:00Z"
    assert renewal["route"] == "pl-300-renewal" and renewal["renews_wallet_id"] == ids[PL_300]
    assert renewal["renew_from"] == "2026-05-01T00:00:00Z" and renewal["renew_by"] == "2026-11-01T00:00:00Z"
    assert renewal["opens_before_expiry"] == "6mo"
    assert dated["note"] == (f"renews {PL_300} before it expires on 2026-11-01; the renewal opens on 2026-05-01")
    course = entry(plan, "evening-dax")
    assert course["start"] == "2026-01-01T00:00:00Z" and course["note"] == f"paused on 2026-05-01 for {RENEWAL}"
    # nothing waits: the course goes on around the renewal, so the plan is its 51.5 weeks of study
    assert plan["hours"] == 103 and plan["weeks"] == 51.5 and plan["waiting_weeks"] == 0
    assert plan["estimated_completion"] == "2026-12-27T12:00:00Z" == course["end"]
    text = CliRunner().invoke(app, PLAN, env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.stderr
    assert (f"  2026-05-01 → 2026-05-11  {RENEWAL} (renews {PL_300} before it expires on 2026-11-01; the renewal "
            "opens on 2026-05-01)") in text.stdout
    assert "; it can be taken from 2026-05-01" in text.stdout
    assert "about 51.5 weeks of study; done around 2026-12-27" in text.stdout


def test_a_renewal_whose_window_is_open_is_taken_at_once(passphrase):
    # PL-300 expires in three months: its window opened on 2025-10-01, so the renewal is today's step, before
    # the course that would outlast the certification
    holding(passphrase, pl_300("2026-04-01"))
    plan = plan_of(PLAN)["next"]
    renewal = plan["steps"][0]
    assert renewal["kind"] == "renewal" and renewal["renew_from"] == "2025-10-01T00:00:00Z"
    dated = plan["schedule"][0]
    assert dated["step"] == renewal["id"] and dated["start"] == "2026-01-01T00:00:00Z"
    assert dated["note"] == f"renews {PL_300} before it expires on 2026-04-01"  # nothing to wait for
    assert entry(plan, "evening-dax")["note"] is None  # not paused: it starts after the renewal
    assert plan["weeks"] == 51.5 and plan["waiting_weeks"] == 0
    assert plan["estimated_completion"] == "2026-12-27T12:00:00Z"


def test_a_route_without_a_window_is_planned_by_its_deadline_alone(passphrase):
    # CompTIA's CE can be done any time in the three-year cycle: A+ is renewed first, today, as before
    holding(passphrase, cred("CompTIA A+", issuer=COMPTIA, issued="2022-07-01", expires="2025-07-01"))
    base = ["stack", "--goal", "it-support", "--as-of", "2025-06-01", "--next", "--hours-per-week", "6"]
    plan = plan_of(base)["next"]
    renewal = plan["steps"][0]
    assert renewal["route"] == "comptia-a-plus-renewal-ce"
    assert renewal["renew_from"] is None and renewal["opens_before_expiry"] is None
    dated = plan["schedule"][0]
    assert dated["start"] == "2025-06-01T00:00:00Z"
    assert dated["note"] == "renews CompTIA A+ before it expires on 2025-07-01"
    assert plan["waiting_weeks"] == 0 and plan["weeks"] == round(plan["hours"] / 6, 1)
    text = CliRunner().invoke(app, base, env={"COLUMNS": "200"})
    assert "Renewal in the plan: CompTIA A+ expires on 2025-07-01" in text.stdout
    assert "it can be taken from" not in text.stdout and "renewal opens" not in text.stdout


def test_a_plan_done_before_the_window_opens_neither_renews_nor_waits(passphrase):
    # the trade-off: the cheapest plan (the evening course) ends after PL-300 expires, so it keeps it by renewing
    # it, the renewal taken the day its window opens; the bootcamp is done in five weeks, months before PL-300
    # expires (and before the renewal could even open): that plan counts PL-300 as held, renews nothing and
    # waits for nothing, its finish the day the bootcamp ends
    ids = holding(passphrase, pl_300("2026-11-01"))
    plans = plan_of([*PLAN, "--tradeoff"])["pareto"]
    assert [[s["id"] for s in p["steps"]] for p in plans] == [
        [f"renew:{ids[PL_300]}:pl-300-renewal", "evening-dax"], ["dax-bootcamp"]]
    cheapest, fast = plans
    dated = entry(cheapest, f"renew:{ids[PL_300]}:pl-300-renewal")
    assert dated["start"] == "2026-05-01T00:00:00Z" and "the renewal opens on 2026-05-01" in dated["note"]
    assert cheapest["cost"] == 90 and cheapest["weeks"] == 51.5 and cheapest["waiting_weeks"] == 0
    assert fast["schedule"] == [{"step": "dax-bootcamp", "name": "DAX bootcamp", "start": "2026-01-01T00:00:00Z",
                                 "end": "2026-02-05T00:00:00Z", "note": None}]
    assert fast["estimated_completion"] == "2026-02-05T00:00:00Z"
    # 10 hours of study, 5 weeks, no wait (main planned the renewal here and waited 12.1 weeks for it to open)
    assert fast["cost"] == 900 and fast["hours"] == 10 and fast["waiting_weeks"] == 0 and fast["weeks"] == 5
    assert fast["renewals"] == []
    text = CliRunner().invoke(app, [*PLAN, "--tradeoff"], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.stderr
    row = next(line.split("\t") for line in text.stdout.splitlines() if line.startswith("2\t"))
    assert row[1:4] == ["900.00 USD", "10", "5.0"]  # cost, hours, and weeks with nothing to wait for


@pytest.mark.parametrize("as_of, shown", [("2026-12-01", "renewal opens 2027-03-01"),
                                          ("2027-05-01", "renewal open since 2027-03-01")])
def test_expiring_says_when_the_renewal_opens(passphrase, as_of, shown):
    ids = holding(passphrase, pl_300("2027-09-01"),
                  cred("CompTIA A+", issuer=COMPTIA, issued="2024-09-01", expires="2027-09-01"))
    args = ["expiring", "--as-of", as_of, "--within", "1y"]
    document = plan_of(args)
    rows = {c["id"]: c for c in document["credentials"]}
    microsoft, comptia = rows[ids[PL_300]], rows[ids["CompTIA A+"]]
    assert microsoft["renewal_opens"] == "2027-03-01T00:00:00Z"
    assert microsoft["renewal_route"]["opens_before_expiry"] == "6mo"
    assert microsoft["renewal_route"]["opens"] == "2027-03-01T00:00:00Z"
    assert microsoft["renewal_note"].endswith(f"({shown})")
    # CompTIA's CE can be done any time in the cycle: no window, none shown
    assert comptia["renewal_opens"] is None and all(r["opens"] is None for r in comptia["renewal_routes"])
    assert "renewal open" not in comptia["renewal_note"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    lines = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines() if "\t" in line}
    assert lines[ids[PL_300]][7] == f"3 h, about 0.3 weeks at 10 h/week; {shown}"
    assert "renewal open" not in "\t".join(lines[ids["CompTIA A+"]])


def test_a_renewal_longer_than_its_window_at_the_pace_is_taken_the_week_it_opens():
    # a route of the holder's own that opens two weeks before the expiry and takes 40 hours: at 2 h/week it cannot
    # be done inside its window, so the plan says to take it the week it opens (not "at once": it cannot start
    # earlier), and the course under way pauses the twenty weeks it takes
    pathway = make_pathway(id="pilot", name="Pilot", root=all_of("licence", "pilotage"),
                           licence=credential(name="Harbour Pilot Licence"), pilotage=skill("Harbour pilotage"))
    own = load_offerings_toml("""
[[offering]]
id = "pilot-revalidation"
name = "Pilot licence revalidation"
provider = "Port"
cost = 10
hours = 40
renews = "Harbour Pilot Licence"
opens_before_expiry = "2w"

[[offering]]
id = "pilotage"
name = "Pilotage course"
cost = 40
hours = 100
skills = ["Harbour pilotage"]
""", "mine.toml")
    held = cred("Harbour Pilot Licence", issuer="https://port.example", expires="2025-12-28")  # 30 weeks on
    plan = cheapest_completion_renewing(pathway, [held], [*builtin_offerings().values(), *own], as_of=AS_OF,
                                        hours_per_week=2)
    assert [o.id for o in plan.steps] == [f"renew:{held.wallet_id}:pilot-revalidation", "pilotage"]
    renewal = next(e for e in plan.schedule if e["step"].startswith("renew:"))
    assert renewal["start"] == "2025-12-14T00:00:00Z" and renewal["end"] == "2026-05-03T00:00:00Z"
    assert renewal["note"] == ("renews Harbour Pilot Licence before it expires on 2025-12-28; the renewal opens on "
                               "2025-12-14; at this pace it ends after that date: take it the week it opens")
    course = next(e for e in plan.schedule if e["step"] == "pilotage")
    assert course["note"] == "paused on 2025-12-14 for Pilot licence revalidation"
    assert plan.estimated_completion == datetime(2026, 10, 4, tzinfo=timezone.utc)  # 70 weeks: 140 h at 2 h/week
    assert plan.waiting_weeks == 0 and plan.to_dict()["weeks"] == 70
