"""--next: the cheapest completion is exact (checked against brute force) and explained."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator
from skillwallet.stacking.optimise import Offering, cheapest_completion

from .helpers import (AS_OF, all_of, any_of, at_least, brute_force_best, count, cred, experience,
                      make_pathway, skill, sum_of)

ANALYST = dict(root=all_of("sql", "viz", "stats"), sql=skill("SQL"),
               viz=any_of("tableau", "powerbi"), tableau=skill("Tableau"), powerbi=skill("Power BI"),
               stats=skill("Statistics"), id="analyst", name="Analyst")
GOAL = make_pathway(**ANALYST)
# skills, unlike course credits, may be evidenced by one credential for several requirements
SKILLS_GOAL = make_pathway(**ANALYST, policy={"double_counting": True})


def test_bundle_beats_greedy_cheapest_per_requirement():
    offerings = [
        Offering(id="sql-101", name="SQL 101", cost=50, hours=10, skills=["SQL"]),
        Offering(id="stats-101", name="Stats 101", cost=60, hours=20, skills=["Statistics"]),
        Offering(id="tableau", name="Tableau course", cost=40, hours=10, skills=["Tableau"]),
        # covers all three for less than the three singles (150): a greedy "cheapest per gap" pick misses it
        Offering(id="bootcamp", name="Analytics bootcamp", cost=120, hours=80, skills=["SQL", "Statistics", "Tableau"]),
    ]
    plan = cheapest_completion(SKILLS_GOAL, [], offerings, as_of=AS_OF, hours_per_week=10)
    assert plan.feasible and plan.exact
    assert [o.id for o in plan.steps] == ["bootcamp"] and plan.cost == 120
    assert plan.estimated_completion == AS_OF + timedelta(weeks=8)
    assert plan.evaluation_after.status == "met"
    assert sorted(plan.covers["bootcamp"]) == ["sql", "stats", "tableau"]
    # without double counting the bootcamp fills one requirement only: the three singles are cheapest
    plan = cheapest_completion(GOAL, [], offerings, as_of=AS_OF)
    assert sorted(o.id for o in plan.steps) == ["sql-101", "stats-101", "tableau"] and plan.cost == 150


def test_one_credential_cannot_fill_two_requirements_in_a_plan():
    # The bootcamp gives SQL and Statistics, but without double counting it fills only one requirement.
    held = [cred("Tableau cert", skills=["Tableau"])]
    offerings = [
        Offering(id="combo", name="Combo", cost=10, hours=5, skills=["SQL", "Statistics"]),
        Offering(id="combo2", name="Combo again", cost=10, hours=5, skills=["SQL", "Statistics"]),
        Offering(id="sql", name="SQL", cost=30, hours=5, skills=["SQL"]),
    ]
    plan = cheapest_completion(GOAL, held, offerings, as_of=AS_OF)
    assert plan.cost == 20 and sorted(o.id for o in plan.steps) == ["combo", "combo2"]


def test_already_met_and_infeasible():
    held = [cred("A", skills=["SQL"]), cred("B", skills=["Power BI"]), cred("C", skills=["Statistics"])]
    assert cheapest_completion(GOAL, held, [], as_of=AS_OF).already_met
    plan = cheapest_completion(GOAL, [], [Offering(id="x", name="X", cost=1, skills=["SQL"])], as_of=AS_OF)
    assert not plan.feasible and plan.steps == []
    assert "stats" in plan.evaluation_after.missing


def _brute_force(pathway, held, offerings):
    hypothetical = [o.hypothetical_credential(AS_OF) for o in offerings]
    index = CredentialIndex(held, as_of=AS_OF, hypothetical=hypothetical)
    evaluator = PathwayEvaluator(pathway, index)
    base = len(index.items) - len(offerings)
    best = None
    for r in range(len(offerings) + 1):
        for subset in itertools.combinations(range(len(offerings)), r):
            cost = sum(offerings[j].cost for j in subset)
            hours = sum(offerings[j].hours for j in subset)
            if best is not None and (cost, hours) >= best:
                continue
            chosen = {base + j for j in subset}
            # feasibility from the brute force over every sharing, not from the engine's own search
            if brute_force_best(evaluator, lambda i, chosen=chosen: i < base or i in chosen)[0]:
                best = (cost, hours)
    return best


SKILLS = ["SQL", "Python", "Tableau", "Statistics", "Excel", "R"]


def _random_pathway(rng: random.Random):
    leaves = rng.sample(SKILLS, rng.randint(3, 5))
    n = rng.randint(1, len(leaves) - 1)
    return make_pathway(root=all_of("first", "pick", "credits"),
                        first=skill(leaves[0]),
                        pick=at_least(n, *(f"s{i}" for i in range(1, len(leaves)))),
                        credits=sum_of(rng.choice([3, 6, 9]), field="credits", tag="course"),
                        **{f"s{i}": skill(s) for i, s in enumerate(leaves[1:], start=1)},
                        policy={"double_counting": True} if rng.random() < 0.3 else None,
                        id="r", name="R")


def _assert_the_plan_is_the_brute_force_optimum(pathway, held, offerings):
    expected = _brute_force(pathway, held, offerings)
    plan = cheapest_completion(pathway, held, offerings, as_of=AS_OF)
    if expected is None:
        assert not plan.feasible
    elif expected == (0, 0) and not plan.steps:
        assert plan.already_met or plan.cost == 0
    else:
        assert plan.feasible and plan.exact
        assert (plan.cost, plan.hours) == expected
        assert plan.evaluation_after.status == "met"


@pytest.mark.parametrize("seed", range(60))
def test_exact_against_brute_force_on_random_instances(seed):
    rng = random.Random(1000 + seed)
    pathway = _random_pathway(rng)
    held = [cred(f"h{j}", skills=rng.sample(SKILLS, rng.randint(1, 2)), credits=rng.choice([None, 3]),
                 tags=["course"]) for j in range(rng.randint(0, 2))]
    offerings = [
        Offering(id=f"o{j}", name=f"Offering {j}", cost=rng.choice([0, 20, 35, 50, 80, 120]),
                 hours=rng.choice([5, 10, 40]), skills=rng.sample(SKILLS, rng.randint(1, 3)),
                 credits=rng.choice([None, 3, 6]), tags=["course"])
        for j in range(rng.randint(3, 9))
    ]
    _assert_the_plan_is_the_brute_force_optimum(pathway, held, offerings)


def test_the_plan_uses_the_exact_sharing_of_credits():
    """ACCT 102 on the core and ACCT 101 on the electives already meet the goal: no course to buy."""
    goal = make_pathway(root=all_of("core", "electives"), core=sum_of(3, tag="accounting"),
                        electives=sum_of(4, achievement_type="Course"), id="acct", name="Accounting")
    held = [cred("ACCT 101", credits=4, tags=["accounting"], achievement_type="Course"),
            cred("ACCT 102", credits=3, tags=["accounting"], achievement_type="Course")]
    course = Offering(id="acct-201", name="ACCT 201", cost=450, hours=45, credits=3, achievement_type="Course",
                      tags=["accounting"])
    plan = cheapest_completion(goal, held, [course], as_of=AS_OF)
    assert plan.already_met and plan.steps == [] and plan.cost == 0


def _competing_pathway(rng: random.Random):
    """Two credit sums and a count over overlapping tags, and a skill leaf: every consuming kind competes."""
    tags = ["x", "y"]
    return make_pathway(root=all_of("first", "s1", "s2", "n"),
                        first=skill(rng.choice(SKILLS[:3])),
                        s1=sum_of(rng.choice([3, 4, 6]), tag=rng.choice(tags)),
                        s2=sum_of(rng.choice([2, 3, 5]), tag=rng.choice(tags)),
                        n=count(1, tag=rng.choice(tags)),
                        id="c", name="C")


@pytest.mark.parametrize("seed", range(40))
def test_exact_plans_with_competing_sums_and_counts(seed):
    rng = random.Random(7000 + seed)
    pathway = _competing_pathway(rng)
    held = [cred(f"h{j}", skills=rng.sample(SKILLS[:3], 1), credits=rng.choice([None, 1, 3, 4]),
                 tags=rng.sample(["x", "y"], rng.randint(1, 2))) for j in range(rng.randint(0, 2))]
    offerings = [
        Offering(id=f"o{j}", name=f"Offering {j}", cost=rng.choice([0, 20, 35, 50, 80]),
                 hours=rng.choice([5, 10, 40]), skills=rng.sample(SKILLS[:3], rng.randint(0, 1)),
                 credits=rng.choice([None, 1, 2, 3, 4]), tags=rng.sample(["x", "y"], rng.randint(1, 2)))
        for j in range(rng.randint(2, 5))
    ]
    _assert_the_plan_is_the_brute_force_optimum(pathway, held, offerings)


@pytest.mark.parametrize("as_of_text", ["2025-02-01", "2025-03-01", "2024-03-31"])
def test_the_experience_step_covers_the_calendar_months(as_of_text):
    """Seven months ending on 1 February span 215 days: the planned experience is long enough whatever the
    months' lengths, and relevant to the requirement."""
    from datetime import datetime, timezone

    goal = make_pathway(root=experience(7, occupation=["15-2051.01", "Data analyst"], skill="Data analysis"),
                        id="x", name="X")
    as_of = datetime.fromisoformat(as_of_text).replace(tzinfo=timezone.utc)
    plan = cheapest_completion(goal, [], [], as_of=as_of)
    assert plan.feasible and [o.id for o in plan.steps] == ["self:root"]
