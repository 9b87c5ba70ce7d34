"""Plans in weeks, not only dollars: --fastest, the cost/weeks trade-off (Pareto set, checked against brute
force), --budget and --max-weeks, and subscriptions priced at the learner's pace."""

from __future__ import annotations

import itertools
import json
import random
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app, run
from skillwallet.errors import ExitCode
from skillwallet.stacking.catalog import builtin_offerings
from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator
from skillwallet.stacking.optimise import (
    Offering,
    RenewalStep,
    cheapest_completion,
    pareto_plans,
    pareto_plans_renewing,
    priced_at_pace,
)
from skillwallet.store import Wallet

from .helpers import AS_OF, all_of, any_of, cred, credential, experience, make_pathway, manual, skill

THREE = make_pathway(root=all_of("a", "b", "c"), a=skill("SQL"), b=skill("Python"), c=skill("Statistics"),
                     id="three", name="Three skills", policy={"double_counting": True})


def test_a_subscription_costs_what_the_pace_takes():
    google = builtin_offerings()["google-data-analytics"]
    assert google.price_per_month == 49 and google.hours == 180
    assert priced_at_pace(google, 6).cost == 343  # 30 weeks: 7 months at USD 49
    assert priced_at_pace(google, 10).cost == 245  # 18 weeks: 5 months
    assert priced_at_pace(google, None).cost == google.cost
    fixed = builtin_offerings()["pl-300"]
    assert priced_at_pace(fixed, 1).cost == fixed.cost  # an exam fee does not depend on the pace


def test_cost_weeks_budget_and_max_weeks():
    slow = Offering(id="slow", name="Slow and cheap", cost=10, hours=100, skills=["SQL", "Python", "Statistics"])
    fast = Offering(id="fast", name="Fast and dear", cost=100, hours=10, skills=["SQL", "Python", "Statistics"])
    plan = lambda **kw: cheapest_completion(THREE, [], [slow, fast], as_of=AS_OF, **kw)  # noqa: E731
    assert [o.id for o in plan().steps] == ["slow"]
    assert [o.id for o in plan(objective="weeks").steps] == ["fast"]
    assert [o.id for o in plan(objective="weeks", budget=50).steps] == ["slow"]
    assert [o.id for o in plan(max_hours=50).steps] == ["fast"]
    nothing = plan(budget=5)
    assert not nothing.feasible and nothing.constrained and nothing.to_dict()["within_constraints"] is False
    assert [[o.id for o in p.steps] for p in pareto_plans(THREE, [], [slow, fast], as_of=AS_OF)] == [["slow"], ["fast"]]


def brute_frontier(offerings):
    index = CredentialIndex([], as_of=AS_OF, inference=None,
                            hypothetical=[o.hypothetical_credential(AS_OF) for o in offerings])
    evaluator = PathwayEvaluator(THREE, index, time_limit=None)
    points = set()
    for r in range(len(offerings) + 1):
        for subset in itertools.combinations(range(len(offerings)), r):
            chosen = set(subset)
            if evaluator.is_met(lambda i: i in chosen):
                points.add((sum(offerings[i].cost for i in subset), sum(offerings[i].hours for i in subset)))
    return sorted(p for p in points if not any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points))


@pytest.mark.parametrize("seed", range(12))
def test_the_trade_off_is_the_pareto_set(seed):
    rng = random.Random(seed)
    skills = ["SQL", "Python", "Statistics"]
    offerings = [Offering(id=f"o{i}", name=f"Course {i}", cost=rng.choice([0, 20, 50, 90, 150]),
                          hours=rng.choice([5, 10, 30, 60, 120]), skills=rng.sample(skills, rng.randint(1, 2)))
                 for i in range(7)]
    plans = pareto_plans(THREE, [], offerings, as_of=AS_OF, time_limit=None)
    expected = brute_frontier(offerings)
    if not expected:
        assert not plans[0].feasible
        return
    assert [(p.cost, p.hours) for p in plans] == expected and all(p.exact for p in plans)


@pytest.fixture
def empty_wallet(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()


def test_cli_fastest_tradeoff_and_constraints(empty_wallet, capsys):
    runner = CliRunner()
    base = ["stack", "--goal", "cloud-engineer", "--as-of", "2026-01-01", "--next", "--hours-per-week", "6"]
    cheapest = json.loads(runner.invoke(app, [*base, "--json"]).stdout)["next"]
    fastest = json.loads(runner.invoke(app, [*base, "--fastest", "--json"]).stdout)["next"]
    assert fastest["objective"] == "weeks" and fastest["hours"] <= cheapest["hours"]
    assert fastest["cost"] >= cheapest["cost"]
    human = runner.invoke(app, [*base, "--fastest"])
    assert "Fastest next steps (exact)" in human.stdout
    trade = json.loads(runner.invoke(app, [*base, "--tradeoff", "--json"]).stdout)
    costs = [p["cost"] for p in trade["pareto"]]
    hours = [p["hours"] for p in trade["pareto"]]
    assert costs == sorted(costs) and hours == sorted(hours, reverse=True) and len(trade["pareto"]) >= 2
    assert trade["pareto"][0]["cost"] == cheapest["cost"]
    human = runner.invoke(app, [*base, "--tradeoff"], env={"COLUMNS": "200"})
    assert "Plans trading cost against time, cheapest first" in human.stdout
    tight = runner.invoke(app, [*base, "--budget", "1"])
    assert tight.exit_code == 0 and "within the --budget / --max-weeks given" in tight.stdout
    capsys.readouterr()
    assert run(["stack", "--goal", "cloud-engineer", "--next", "--max-weeks", "3"]) == ExitCode.USAGE
    assert "error: --max-weeks needs --hours-per-week" in capsys.readouterr().err
    assert run(["stack", "--goal", "cloud-engineer", "--fastest"]) == ExitCode.USAGE
    assert "need --next" in capsys.readouterr().err


def test_a_plan_is_dated_ordered_and_renews_what_lapses_before_it_ends():
    pathway = make_pathway(root=all_of("a", "b", "cert", "work"), a=skill("SQL"), b=skill("Python"),
                           cert=credential(name="Old Cert"), work=experience(6, occupation=["Data analyst"]),
                           id="dated", name="Dated")
    intro = Offering(id="intro", name="Intro", cost=10, hours=60, skills=["SQL"])
    advanced = Offering(id="advanced", name="Advanced", cost=10, hours=12, skills=["Python"], requires=["intro"])
    renew = Offering(id="renew-old", name="Old Cert renewal", cost=75, hours=5, achievement_id="x:renewal",
                     renews="Old Cert")
    held = [cred("Old Cert", expires="2025-08-01")]
    plan = cheapest_completion(pathway, held, [intro, advanced, renew], as_of=AS_OF, hours_per_week=6)
    assert [o.id for o in plan.steps] == ["intro", "advanced", "self:work"]  # the prerequisite first
    schedule = {s["step"]: s for s in plan.schedule}
    assert schedule["intro"]["start"].startswith("2025-06-01") and schedule["intro"]["end"].startswith("2025-08-10")
    assert schedule["advanced"]["start"] == schedule["intro"]["end"] and schedule["advanced"]["note"] == "after intro"
    # six calendar months of work run alongside the courses and end the plan
    assert schedule["self:work"]["end"].startswith("2025-12-01") and plan.estimated_completion.month == 12
    # the held certificate lapses before the plan ends: renew it, with the offering that renews it
    [renewal] = plan.renewals
    assert renewal["title"] == "Old Cert" and renewal["renewal"]["id"] == "renew-old"
    assert "renew it with Old Cert renewal (75.00 USD)" in renewal["message"]


def test_planned_work_experience_is_not_evidence_of_skills():
    # months of planned work in an occupation count as experience, not as the skills a course would teach
    from skillwallet.stacking.catalog import builtin_pathways

    offerings = builtin_offerings()
    held = [cred("Tableau course", skills=["Tableau"])]
    plan = cheapest_completion(builtin_pathways()["data-analyst"], held, [offerings["pcep"], offerings["excel-skills"]],
                               as_of=AS_OF, hours_per_week=6)
    assert not plan.feasible  # SQL and statistics still need a course: six months' work does not teach them


def test_pmp_comes_after_its_eligibility_and_fastest_avoids_the_wait():
    pmp = builtin_offerings()["pmp"]
    assert pmp.eligible_after_months == 36
    pathway = make_pathway(root=skill("Budgeting"), id="pm", name="PM")
    course = Offering(id="budget-course", name="Budgeting course", cost=900, hours=30, skills=["Budgeting"])
    cheap = cheapest_completion(pathway, [], [pmp, course], as_of=AS_OF, hours_per_week=5)
    assert [o.id for o in cheap.steps] == ["pmp"]
    [step] = cheap.schedule
    assert step["start"].startswith("2028-06-01") and "eligible after 36 months" in step["note"]
    fast = cheapest_completion(pathway, [], [pmp, course], as_of=AS_OF, hours_per_week=5, objective="weeks")
    assert [o.id for o in fast.steps] == ["budget-course"]


def test_the_trade_off_always_answers_at_least_the_cheapest_plan():
    slow = Offering(id="slow", name="Slow and cheap", cost=10, hours=100, skills=["SQL", "Python", "Statistics"])
    plans = pareto_plans(THREE, [], [slow], as_of=AS_OF, time_limit=1e-6)  # the budget is gone at once
    assert len(plans) == 1 and [o.id for o in plans[0].steps] == ["slow"]
    # stopped before it could look for a faster plan: the set is not proven whole, and says so
    assert not plans[-1].exact


ALTERNATIVES = make_pathway(
    root=all_of("sql", "practice", "cert"),
    sql=skill("SQL"),
    practice=any_of("portfolio", "work"),
    portfolio=manual("Portfolio"), work=experience(6, occupation=["Data analyst"]),
    cert=any_of("a", "b"), a=credential(name="Cert A"), b=credential(name="Cert B"),
    id="alternatives", name="Alternatives")


@pytest.mark.parametrize("objective", ["cost", "weeks"])
def test_an_alternative_no_better_than_its_sibling_is_left_out_and_the_plan_stays_the_best(objective):
    sql = Offering(id="sql", name="SQL", cost=10, hours=5, skills=["SQL"])
    a = Offering(id="a", name="Cert A", cost=50, hours=10, achievement_type="Certificate", tags=["x"])
    b = Offering(id="b", name="Cert B", cost=80, hours=20, achievement_type="Certificate", tags=["x"])
    plan = cheapest_completion(ALTERNATIVES, [], [sql, a, b], as_of=AS_OF, hours_per_week=6, objective=objective)
    # the project attested at once, never six months of work; Cert A, no dearer and no slower than Cert B
    assert sorted(o.id for o in plan.steps) == ["a", "self:portfolio", "sql"] and plan.exact
    # dearer but faster: neither dominates, and each objective takes its own
    a.hours = 30
    plan = cheapest_completion(ALTERNATIVES, [], [sql, a, b], as_of=AS_OF, hours_per_week=6, objective=objective)
    assert sorted(o.id for o in plan.steps) == (["a", "self:portfolio", "sql"] if objective == "cost"
                                                 else ["b", "self:portfolio", "sql"])
    # the experience already held: the plan buys nothing for practice either way
    held = cred("Data analyst", achievement_type="WorkExperience", valid_from="2024-01-01", issued="2024-01-01")
    plan = cheapest_completion(ALTERNATIVES, [held], [sql, a, b], as_of=AS_OF, hours_per_week=6, objective=objective)
    assert "self:portfolio" not in {o.id for o in plan.steps}


# --- the trade-off with renewals: each plan judged at its own finish ---------------------------------------------
#
# Two held certifications the goal counts, lapsing 3.25 and 8.25 weeks on at 10 h/week (between whole hours, so no
# plan ends the very day one lapses), each with renewal routes. A set of steps is a plan when it completes the goal
# on its own finish date (as_of + its hours at the pace): a held credential counts only if it expires after that
# day, a renewed one always. The brute force takes every subset of the courses and of the renewals.

PACE = 10.0


def brute_frontier_renewing(held, renewals, offerings):
    """``renewals``: (held index, route) pairs. Every subset of courses and renewals judged at its own finish:
    (cost, weeks) of each that completes the goal then, weeks counting any wait for a renewal's window."""
    import copy

    renewed = []
    for h, _ in renewals:
        c = copy.copy(held[h].credential)
        c.expires = None
        renewed.append(type(held[h])(wallet_id=f"renewed-{h}", credential=c, verdict=held[h].verdict))
    index = CredentialIndex([*held, *renewed], as_of=AS_OF, inference=None,
                            hypothetical=[o.hypothetical_credential(AS_OF) for o in offerings])
    evaluator = PathwayEvaluator(THREE, index, time_limit=None)
    steps = [route for _, route in renewals] + list(offerings)
    points = set()
    for r in range(len(steps) + 1):
        for subset in itertools.combinations(range(len(steps)), r):
            finish, idle = finish_of([(steps[i], held[renewals[i][0]].credential.expires if i < len(renewals)
                                       else None) for i in subset])
            on = {n for n, item in enumerate(held) if item.credential.expires > finish}
            on |= {len(held) + n for n in range(len(renewals)) if n in subset}
            on |= {len(held) + len(renewed) + n for n in range(len(offerings)) if len(renewals) + n in subset}
            if evaluator.is_met(lambda i, on=on: i in on):
                hours = sum(steps[i].hours for i in subset)
                points.add((sum(steps[i].cost for i in subset), round(hours / PACE + idle, 4)))
    return sorted(p for p in points if not any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points))


def finish_of(chosen):
    """When (step, expiry of what it renews) pairs are done at PACE, one after another without idling, a renewal
    never before its window opens (opens_before_expiry): the finish, and the weeks spent idle waiting for one."""
    from skillwallet.stacking.offerings import window_opens

    work = sum(step.hours for step, expires in chosen if expires is None) / PACE  # courses: any time
    windows = sorted((window_opens(step.opens_before_expiry, expires) or AS_OF, step.hours / PACE)
                     for step, expires in chosen if expires is not None)
    now, idle = AS_OF, 0.0
    for opens, length in windows:
        gap = max(0.0, (opens - now) / timedelta(weeks=1))
        done = min(gap, work)  # course work until the window opens
        now += timedelta(weeks=done)
        work -= done
        if now < opens:
            idle += (opens - now) / timedelta(weeks=1)
            now = opens
        now += timedelta(weeks=length)
    return now + timedelta(weeks=work), idle


@pytest.mark.parametrize("seed", range(48))
def test_the_trade_off_with_renewals_is_the_pareto_set(seed):
    rng = random.Random(seed)
    skills = ["SQL", "Python", "Statistics"]
    held = [cred("SQL Professional", skills=["SQL"]), cred("Python Professional", skills=["Python"])]
    held[0].credential.expires = AS_OF + timedelta(weeks=3.25)
    held[1].credential.expires = AS_OF + timedelta(weeks=8.25)
    routes = []
    for h, item in enumerate(held):
        for n in range(rng.randint(1, 2)):
            # seeds 20 on: a route may have a window, opening only two or five weeks before the expiry
            window = rng.choice([None, "2w", "5w"]) if seed >= 20 else None
            routes.append((h, Offering(id=f"r{h}{n}", name=f"Renew {item.credential.title} {n}",
                                       cost=rng.choice([0, 30, 80]), hours=rng.choice([2, 10, 40]),
                                       renews=item.credential.title, opens_before_expiry=window)))
    offerings = [Offering(id=f"o{i}", name=f"Course {i}", cost=rng.choice([0, 20, 50, 90, 150]),
                          hours=rng.choice([5, 10, 30, 60, 120]), skills=rng.sample(skills, rng.randint(1, 2)))
                 for i in range(5)]
    plans = pareto_plans_renewing(THREE, held, [*offerings, *(route for _, route in routes)], as_of=AS_OF,
                                  hours_per_week=PACE, inference=None, time_limit=None)
    expected = brute_frontier_renewing(held, routes, offerings)
    if not expected:  # the renewals alone award no Statistics: some draws have no course for it
        assert not plans[0].feasible
        return
    assert [(p.cost, round(p.weeks, 4)) for p in plans] == expected and all(p.exact for p in plans)
    for plan in plans:
        finish = plan.estimated_completion
        renewing = {s.renews_wallet_id for s in plan.steps if isinstance(s, RenewalStep)}
        # a renewal only of what lapses by the plan's own finish; what it holds and counts outlasts it
        assert all(held[n].credential.expires <= finish for n in range(2) if held[n].wallet_id in renewing)
        for wallet_id in plan.evaluation_after.used:
            item = next((h for h in held if h.wallet_id == wallet_id), None)
            assert item is None or item.credential.expires > finish
