"""Renewals re-planned, not listed beside: a plan is judged on the day it finishes, so a held certification it
counts that expires before then is renewed inside the plan (its cost in the total, its weeks in the dated
schedule, before the expiry), and the optimiser weighs renewing it against replacing it. Real built-in pathways
and renewal routes, real CompTIA and Microsoft certifications held in a real wallet for the command."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from typer.testing import CliRunner

from skillwallet.cli.app import app
from skillwallet.stacking.catalog import builtin_offerings, builtin_pathways
from skillwallet.stacking.optimise import (
    Offering,
    RenewalStep,
    cheapest_completion,
    cheapest_completion_renewing,
    pareto_plans_renewing,
)

from .helpers import AS_OF, added_through_cli, all_of, cred, credential, make_pathway, skill, wallet_holding

COMPTIA = "https://www.comptia.org"
MICROSOFT = "https://learn.microsoft.com"


def catalogue() -> list[Offering]:
    return list(builtin_offerings().values())


def not_renewals() -> list[Offering]:
    return [o for o in catalogue() if not o.renews]


def a_plus(expires: str):
    return cred("CompTIA A+", issuer=COMPTIA, issued="2022-07-01", expires=expires)


def end(entry: dict) -> datetime:
    return datetime.fromisoformat(entry["end"].replace("Z", "+00:00"))


def test_a_comptia_certification_lapsing_before_the_plan_ends_is_renewed_inside_it():
    pathway = builtin_pathways()["it-support"]
    held = a_plus("2025-07-01")  # a month after AS_OF (2025-06-01)
    # judged today, A+ fills the support core and is one of the two credentials: one course is left to take
    today = cheapest_completion(pathway, [held], not_renewals(), as_of=AS_OF, hours_per_week=6)
    assert today.cost == 147 and [o.id for o in today.steps] == ["zendesk-cs", "self:hands-on-project"]
    assert today.estimated_completion > datetime(2025, 7, 1, tzinfo=timezone.utc)  # after A+ has lapsed

    plan = cheapest_completion_renewing(pathway, [held], catalogue(), as_of=AS_OF, hours_per_week=6)
    renewal = plan.steps[0]
    assert isinstance(renewal, RenewalStep) and renewal.route == "comptia-a-plus-renewal-ce"
    assert renewal.renews == "CompTIA A+" and renewal.renews_wallet_id == held.wallet_id
    assert [o.id for o in plan.steps[1:]] == ["zendesk-cs", "self:hands-on-project"]
    # the renewal is counted: USD 75 of CE fees and 20 hours of CEUs, in the total and in the finish date
    assert plan.cost == 147 + 75 and plan.hours == today.hours + 20 and plan.exact
    assert plan.estimated_completion == today.estimated_completion + timedelta(weeks=20 / 6)
    # ordered first, done before A+ expires, and what it keeps counted is what A+ filled
    first = plan.schedule[0]
    assert first["step"] == renewal.id and end(first) <= datetime(2025, 7, 1, tzinfo=timezone.utc)
    assert first["note"] == "renews CompTIA A+ before it expires on 2025-07-01"
    assert {"core", "breadth"} <= set(plan.covers[renewal.id])
    assert plan.evaluation_after.status == "met" and held.wallet_id not in plan.evaluation_after.used
    assert plan.renewals == []  # nothing left beside the plan
    step = plan.to_dict()["steps"][0]
    assert step["kind"] == "renewal" and step["cost"] == 75 and step["renew_by"] == "2025-07-01T00:00:00Z"
    assert step["renews_wallet_id"] == held.wallet_id and "comptia.org" in step["price_source"]


def test_renewing_is_weighed_against_replacing_the_credential():
    pathway = builtin_pathways()["cybersecurity-analyst"]
    held = cred("CompTIA Security+", issuer=COMPTIA, issued="2022-08-01", expires="2025-08-01")
    today = cheapest_completion(pathway, [held], not_renewals(), as_of=AS_OF, hours_per_week=6)
    assert today.cost == 343 and held.wallet_id in today.evaluation_after.used  # counts Security+
    plans = pareto_plans_renewing(pathway, [held], catalogue(), as_of=AS_OF, hours_per_week=6)
    cheapest = plans[0]
    # renewing Security+ (USD 150) costs more than the free ISC2 CC as the second credential: not renewed
    assert [o.id for o in cheapest.steps] == ["isc2-cc", "google-cybersecurity", "self:hands-on-project"]
    assert cheapest.cost == 343 and held.wallet_id not in cheapest.evaluation_after.used
    # faster plans keep Security+ by renewing it, the cost counted: CE fees (50 h) or CertMaster CE (15 h)
    renewing = [(p.cost, p.hours, [o.id for o in p.steps if isinstance(o, RenewalStep)]) for p in plans[1:]]
    assert renewing == [(150 + 369, 130, [f"renew:{held.wallet_id}:comptia-security-plus-renewal-ce"]),
                        (249 + 369, 95, [f"renew:{held.wallet_id}:comptia-security-plus-certmaster-ce"])]
    for plan in plans[1:]:
        entry = next(e for e in plan.schedule if e["step"].startswith("renew:"))
        assert end(entry) <= datetime(2025, 8, 1, tzinfo=timezone.utc)


def test_a_microsoft_certification_renews_free_within_its_year():
    pathway = builtin_pathways()["cloud-engineer"]
    held = cred("Microsoft Certified: Azure Administrator Associate", issuer=MICROSOFT, issued="2024-09-01",
                expires="2025-09-01")
    plan = cheapest_completion_renewing(pathway, [held], catalogue(), as_of=AS_OF, hours_per_week=6)
    [renewal] = [o for o in plan.steps if isinstance(o, RenewalStep)]
    assert renewal.route == "az-104-renewal" and renewal.cost == 0 and renewal.hours == 3
    entry = next(e for e in plan.schedule if e["step"] == renewal.id)
    # placed before the long course that would otherwise run past the expiry
    assert end(entry) <= datetime(2025, 9, 1, tzinfo=timezone.utc)
    assert plan.schedule.index(entry) < [e["step"] for e in plan.schedule].index("google-cybersecurity")
    assert "azure" in {n for n in plan.covers[renewal.id]} and plan.evaluation_after.status == "met"


def test_a_credential_that_outlasts_the_plan_is_not_renewed():
    pathway = builtin_pathways()["it-support"]
    held = a_plus("2027-07-01")
    plan = cheapest_completion_renewing(pathway, [held], catalogue(), as_of=AS_OF, hours_per_week=6)
    assert plan.cost == 147 and not any(isinstance(o, RenewalStep) for o in plan.steps)
    assert held.wallet_id in plan.evaluation_after.used and plan.renewals == []


def test_without_a_pace_the_plan_is_judged_at_the_default_pace():
    pathway = builtin_pathways()["it-support"]
    plan = cheapest_completion_renewing(pathway, [a_plus("2025-07-01")], catalogue(), as_of=AS_OF)
    # Zendesk's certificate at its listed price (no pace to price the subscription by) and A+ renewed
    assert plan.cost == 196 + 75 and isinstance(plan.steps[0], RenewalStep)
    assert plan.schedule == [] and plan.estimated_completion is None  # no dates without --hours-per-week


def test_a_lapsing_credential_with_no_known_route_is_said_plainly():
    pathway = make_pathway(id="pilot", name="Pilot", root=all_of("licence", "pilotage"),
                           licence=credential(name="Harbour Pilot Licence"), pilotage=skill("Harbour pilotage"))
    held = cred("Harbour Pilot Licence", issuer="https://port.example", expires="2025-07-01")
    course = Offering(id="pilotage", name="Pilotage course", cost=40, hours=60, skills=["Harbour pilotage"])
    plan = cheapest_completion_renewing(pathway, [held], [*catalogue(), course], as_of=AS_OF, hours_per_week=6)
    assert [o.id for o in plan.steps] == ["pilotage"] and plan.cost == 40
    [warning] = plan.renewals
    assert warning["wallet_id"] == held.wallet_id and warning["renewal"] is None
    assert "no renewal route is known, so renewing it is not in the total" in warning["message"]


def test_stack_next_counts_the_renewal_in_the_plan(passphrase):
    wallet_holding(passphrase, a_plus("2025-07-01"))
    runner = CliRunner()
    base = ["stack", "--goal", "it-support", "--as-of", "2025-06-01", "--next", "--hours-per-week", "6"]
    document = json.loads(runner.invoke(app, [*base, "--json"]).stdout)
    plan = document["next"]
    assert plan["cost"] == 222 and plan["renewals"] == []
    assert plan["steps"][0]["kind"] == "renewal" and plan["steps"][0]["route"] == "comptia-a-plus-renewal-ce"
    assert plan["schedule"][0]["note"] == "renews CompTIA A+ before it expires on 2025-07-01"
    text = runner.invoke(app, base, env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.stderr
    assert "CompTIA A+ renewal: 20 CEUs and the CE fees" in text.stdout
    assert "Total: 222.00 USD, 80 hours" in text.stdout
    assert "Renewal in the plan: CompTIA A+ expires on 2025-07-01, before the plan ends" in text.stdout
    trade = json.loads(runner.invoke(app, [*base, "--tradeoff", "--json"]).stdout)["pareto"]
    assert all(p["steps"][0]["kind"] == "renewal" for p in trade)  # every plan keeps A+ by renewing it


def test_an_unverified_credential_is_never_renewed_into_counting():
    # a pathway that counts only verified credentials: an unverified "CompTIA A+" must not start counting
    # because the plan renews it (the renewed copy is planning data, without the warning that excludes it)
    pathway = make_pathway(id="verified-only", name="Verified only", policy={"count_unverified": False},
                           root=all_of("aplus", "pilotage"), aplus=credential(name="CompTIA A+"),
                           pilotage=skill("Harbour pilotage"))
    course = Offering(id="pilotage", name="Pilotage course", cost=40, hours=60, skills=["Harbour pilotage"])
    forged = cred("CompTIA A+", issuer=COMPTIA, issued="2022-07-01", expires="2025-07-01", verdict="not-verified")
    plan = cheapest_completion_renewing(pathway, [forged], [*catalogue(), course], as_of=AS_OF, hours_per_week=6)
    assert not any(isinstance(o, RenewalStep) for o in plan.steps)
    assert sorted(o.id for o in plan.steps) == ["comptia-a-plus", "pilotage"]  # the exam itself
    assert plan.cost == 506 + 40
    genuine = a_plus("2025-07-01")
    plan = cheapest_completion_renewing(pathway, [genuine], [*catalogue(), course], as_of=AS_OF, hours_per_week=6)
    assert [o.id for o in plan.steps] == [f"renew:{genuine.wallet_id}:comptia-a-plus-renewal-ce", "pilotage"]
    assert plan.cost == 75 + 40


def test_a_lapsing_unverified_credential_is_named_beside_the_plan():
    pathway = builtin_pathways()["it-support"]
    unverified = cred("CompTIA A+", issuer=COMPTIA, issued="2022-07-01", expires="2025-07-01",
                      verdict="not-verified")
    plan = cheapest_completion_renewing(pathway, [unverified], catalogue(), as_of=AS_OF, hours_per_week=6)
    assert not any(isinstance(o, RenewalStep) for o in plan.steps)
    [warning] = plan.renewals
    assert warning["wallet_id"] == unverified.wallet_id
    assert "it is not verified, so no renewal of it is planned" in warning["message"]


def test_offerings_list_names_what_a_renewal_route_renews():
    result = CliRunner().invoke(app, ["offerings", "list"])
    assert result.exit_code == 0, result.stderr
    row = next(line.split("\t") for line in result.stdout.splitlines() if line.startswith("comptia-a-plus-renewal-ce\t"))
    assert row[1] == "CompTIA A+ renewal: 20 CEUs and the CE fees" and row[4] == "(renews CompTIA A+)"


def test_each_trade_off_plan_renews_only_what_lapses_before_its_own_finish(passphrase):
    # PL-300 lapses on 2026-07-15. At 6 h/week the cheapest data-analyst plan (four courses, 175 hours) ends
    # around 2026-07-24, after it: that plan keeps PL-300 by renewing it (the free renewal assessment, 3 hours).
    # The IBM certificate plan (160 hours) ends around 2026-07-06, while PL-300 is still valid: it counts PL-300
    # as held and renews nothing, so its hours, weeks and finish are its own, not the renewal's
    [pl_300] = wallet_holding(passphrase, cred("Microsoft Certified: Power BI Data Analyst Associate",
                                               issuer=MICROSOFT, issued="2025-01-01", expires="2026-07-15"))
    runner = CliRunner()
    base = ["stack", "--goal", "data-analyst", "--as-of", "2026-01-01", "--next", "--hours-per-week", "6"]
    result = runner.invoke(app, [*base, "--tradeoff", "--json"])
    assert result.exit_code == 0, result.stderr
    cheapest, fast = json.loads(result.stdout)["pareto"]

    [renewal] = [s for s in cheapest["steps"] if s.get("kind") == "renewal"]
    assert renewal["route"] == "pl-300-renewal" and renewal["renews_wallet_id"] == pl_300
    assert cheapest["cost"] == 304 and cheapest["hours"] == 178 and cheapest["weeks"] == 29.7
    assert cheapest["estimated_completion"] == "2026-07-27T16:00:00Z"  # after 2026-07-15: the renewal is needed
    dated = next(e for e in cheapest["schedule"] if e["step"] == renewal["id"])
    assert end(dated) <= datetime(2026, 7, 15, tzinfo=timezone.utc)

    assert [s["id"] for s in fast["steps"]] == ["ibm-data-analyst", "self:portfolio"]
    assert not any(s.get("kind") == "renewal" for s in fast["steps"])
    assert fast["cost"] == 343 and fast["hours"] == 160 and fast["weeks"] == 26.7 and fast["waiting_weeks"] == 0
    assert fast["estimated_completion"] == "2026-07-06T16:00:00Z"  # before PL-300 lapses
    assert [e["step"] for e in fast["schedule"]] == ["ibm-data-analyst", "self:portfolio"]
    assert fast["renewals"] == []  # nothing lapses before this plan ends, so nothing is named beside it
    # --next is the cheapest of them, the renewal in it
    plan = json.loads(runner.invoke(app, [*base, "--json"]).stdout)["next"]
    assert plan["cost"] == 304 and plan["hours"] == 178 and any(s.get("kind") == "renewal" for s in plan["steps"])
    text = runner.invoke(app, [*base, "--tradeoff"], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in text.stdout.splitlines() if "\t" in line}
    assert rows["1"][1:4] == ["304.00 USD", "178", "29.7"] and rows["2"][1:4] == ["343.00 USD", "160", "26.7"]


def harbour():
    return make_pathway(id="harbour-pilot", name="Harbour pilot", root=all_of("licence", "pilotage"),
                        licence=credential(name="Harbour Pilot Licence"), pilotage=skill("Harbour pilotage"))


HARBOUR_OFFERINGS = """
[[offering]]
id = "revalidation"
name = "Pilot licence revalidation"
provider = "Port"
cost = 100
hours = 4
renews = "Harbour Pilot Licence"

[[offering]]
id = "evening-pilotage"
name = "Evening pilotage course"
provider = "Port"
cost = 10
hours = 100
skills = ["Harbour pilotage"]

[[offering]]
id = "pilotage-week"
name = "Pilotage week"
provider = "Port"
cost = 50
hours = 20
skills = ["Harbour pilotage"]
"""


def test_the_cheapest_plan_may_be_one_that_ends_before_the_credential_lapses(passphrase):
    # the licence lapses in five weeks. The evening course (USD 10, 10 weeks at 10 h/week) outlasts it, so that
    # plan must revalidate it (USD 100): USD 110. The pilotage week (USD 50, 2 weeks) ends while the licence is
    # valid: it needs no revalidation and is the cheapest plan, and the fastest
    wallet_holding(passphrase, cred("Harbour Pilot Licence", issuer="https://port.example", expires="2026-02-05"))
    added_through_cli(harbour(), HARBOUR_OFFERINGS)
    runner = CliRunner()
    base = ["stack", "--goal", "harbour-pilot", "--as-of", "2026-01-01", "--next", "--hours-per-week", "10"]
    result = runner.invoke(app, [*base, "--json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["next"]
    assert [s["id"] for s in plan["steps"]] == ["pilotage-week"]
    assert plan["cost"] == 50 and plan["hours"] == 20 and plan["weeks"] == 2 and plan["renewals"] == []
    assert plan["estimated_completion"] == "2026-01-15T00:00:00Z"
    # the trade-off has nothing else: revalidating costs more than the week saves, and takes longer
    trade = json.loads(runner.invoke(app, [*base, "--tradeoff", "--json"]).stdout)["pareto"]
    assert [[s["id"] for s in p["steps"]] for p in trade] == [["pilotage-week"]]


def test_a_renewal_a_plan_does_not_need_is_taken_out_and_the_plan_made_again():
    # the safeguard behind every plan: a plan made with the licence taken out (so it renews it) that ends before
    # the licence lapses is made again with the licence held; its cost, hours and what it fills are the new plan's
    from skillwallet.stacking.offerings import load_offerings_toml
    from skillwallet.stacking.optimise import DEFAULT_PACE, _renewal_steps, _without_unneeded_renewals

    pathway = harbour()
    offered = load_offerings_toml(HARBOUR_OFFERINGS, "harbour.toml")
    route = next(o for o in offered if o.renews)
    week = next(o for o in offered if o.id == "pilotage-week")
    held = cred("Harbour Pilot Licence", issuer="https://port.example", expires="2025-07-06")  # 5 weeks on
    renewing = cheapest_completion(pathway, [], [week, *_renewal_steps(held, [route], None)], as_of=AS_OF,
                                   hours_per_week=10, inference=None)
    assert sorted(o.id for o in renewing.steps) == ["pilotage-week", f"renew:{held.wallet_id}:revalidation"]

    def solve(credentials, offerings):
        return cheapest_completion(pathway, credentials, offerings, as_of=AS_OF, hours_per_week=10, inference=None)

    plan = _without_unneeded_renewals(pathway, renewing, [], {held.wallet_id: held}, as_of=AS_OF, pace=10.0,
                                      solve=solve)
    assert [o.id for o in plan.steps] == ["pilotage-week"] and plan.cost == 50 and plan.hours == 20
    assert plan.covers == {"pilotage-week": ["pilotage"]} and held.wallet_id in plan.evaluation_after.used
    # a renewal the plan does need stays: the licence lapses in one week, before the two weeks of the course
    soon = cred("Harbour Pilot Licence", issuer="https://port.example", expires="2025-06-08")
    needed = cheapest_completion(pathway, [], [week, *_renewal_steps(soon, [route], None)], as_of=AS_OF,
                                 hours_per_week=10, inference=None)
    kept = _without_unneeded_renewals(pathway, needed, [], {soon.wallet_id: soon}, as_of=AS_OF,
                                      pace=DEFAULT_PACE, solve=solve)
    assert kept is needed and kept.cost == 150
