"""The evaluation engine: exact assignment, policies, validity windows and the explanation tree."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator, evaluate_pathway, rank_pathways
from skillwallet.errors import InvalidPathwayError

from .helpers import (AS_OF, all_of, any_of, at_least, brute_force_best, count, cred, credential, experience,
                      make_pathway, manual, mean, not_, skill, sum_of)

TWO_SKILLS = dict(root=all_of("sql", "py"), sql=skill("SQL", label="SQL"), py=skill("Python", label="Python"))


def test_greedy_pick_would_fail_exact_assignment_meets_both():
    # The newest credential is preferred, and it is the only one with Python: a greedy pass over requirements in
    # order would give it to SQL and leave Python unmet.
    both = cred("Data bootcamp", skills=["SQL", "Python programming"], issued="2025-01-01")
    sql_only = cred("SQL basics", skills=["SQL"], issued="2020-01-01")
    evaluation = evaluate_pathway(make_pathway(**TWO_SKILLS), [both, sql_only], as_of=AS_OF)
    assert evaluation.status == "met"
    assert evaluation.used == {both.wallet_id: ["py"], sql_only.wallet_id: ["sql"]}
    assert evaluation.warnings == []


def test_one_credential_never_counts_twice_unless_allowed():
    both = cred("Data bootcamp", skills=["SQL", "Python"])
    evaluation = evaluate_pathway(make_pathway(**TWO_SKILLS), [both], as_of=AS_OF)
    assert evaluation.status == "partial" and evaluation.progress == 0.5
    assert evaluation.missing in (["SQL"], ["Python"])

    allowed = make_pathway(**TWO_SKILLS, policy={"double_counting": True})
    evaluation = evaluate_pathway(allowed, [both], as_of=AS_OF)
    assert evaluation.status == "met"
    assert [w["kind"] for w in evaluation.warnings] == ["counted-twice"]


def test_at_least_n_of_m_with_explanation():
    p = make_pathway(root=at_least(2, "a", "b", "c"),
                     a=skill("Tableau"), b=skill("Power BI"), c=skill("Looker"))
    one = cred("Tableau desktop specialist", skills=["Tableau"])
    evaluation = evaluate_pathway(p, [one], as_of=AS_OF)
    assert evaluation.status == "partial"
    assert evaluation.tree.detail == "1 of 2 needed (from 3)"
    assert evaluation.missing == ["one of: b, c"]
    two = cred("PL-300", skills=["PowerBI"])
    assert evaluate_pathway(p, [one, two], as_of=AS_OF).status == "met"


def test_expired_on_the_date_is_reported_and_as_of_changes_the_answer():
    p = make_pathway(**TWO_SKILLS)
    sql = cred("SQL cert", skills=["SQL"], issued="2023-01-01", expires="2025-03-01")
    py = cred("PCEP", skills=["Python"], issued="2023-01-01", expires="2025-08-01")
    now = evaluate_pathway(p, [sql, py], as_of=AS_OF)
    assert now.status == "partial"
    sql_node = now.tree.children[0]
    assert sql_node.status == "expired" and "expired on 2025-03-01" in sql_node.detail
    # py expires within 90 days of the date: counted, with a warning
    assert [w["kind"] for w in now.warnings] == ["expiring-soon"]
    earlier = evaluate_pathway(p, [sql, py], as_of=datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert earlier.status == "met"
    later = evaluate_pathway(p, [sql, py], as_of=datetime(2025, 9, 1, tzinfo=timezone.utc))
    assert later.status == "unmet"


def test_revoked_and_invalid_never_count_unverified_counts_with_warning():
    p = make_pathway(**TWO_SKILLS)
    revoked = cred("SQL", skills=["SQL"], status="revoked")
    invalid = cred("Python", skills=["Python"], verdict="invalid")
    assert evaluate_pathway(p, [revoked, invalid], as_of=AS_OF).status == "unmet"
    unverified = cred("SQL", skills=["SQL"], verdict="not-verified")
    mine = cred("My Python", skills=["Python"], verdict="self-asserted", self_attested=True)
    evaluation = evaluate_pathway(p, [unverified, mine], as_of=AS_OF)
    assert evaluation.status == "met"
    assert sorted(w["kind"] for w in evaluation.warnings) == ["self-attested", "unverified"]
    strict = make_pathway(**TWO_SKILLS, policy={"count_unverified": False, "count_self_attested": False})
    assert evaluate_pathway(strict, [unverified, mine], as_of=AS_OF).status == "unmet"


def test_verified_credential_preferred_over_unverified_one():
    p = make_pathway(**TWO_SKILLS)
    shaky = cred("SQL (unsigned)", skills=["SQL"], verdict="unsigned", issued="2025-05-01")
    solid = cred("SQL (verified)", skills=["SQL"], issued="2019-01-01")
    py = cred("Python", skills=["Python"])
    evaluation = evaluate_pathway(p, [shaky, solid, py], as_of=AS_OF)
    assert solid.wallet_id in evaluation.used and shaky.wallet_id not in evaluation.used
    assert evaluation.warnings == []


def test_credit_sum_with_capped_transfer():
    p = make_pathway(root=sum_of(30, field="credits", tag="college", label="30 college credits"),
                     transfer=[{"match": {"issuer": "https://prior.example"}, "into": "root", "credits": 6,
                                "cap": 9, "label": "prior learning (6 credits each, at most 9)"}])
    courses = [cred(f"Course {i}", credits=5, tags=["college"]) for i in range(4)]  # 20 credits
    prior = [cred(f"Prior {i}", issuer="https://prior.example") for i in range(3)]
    evaluation = evaluate_pathway(p, courses + prior, as_of=AS_OF)
    assert evaluation.status == "partial"
    assert evaluation.tree.detail == "29 of 30 credits"  # 20 + 6 + 3 (cap)
    vias = sorted(c["via"] for c in evaluation.tree.credentials)
    assert vias.count("transfer") == 2
    evaluation = evaluate_pathway(p, courses + prior + [cred("Course 5", credits=3, tags=["college"])], as_of=AS_OF)
    assert evaluation.status == "met"


def test_shortcut_credential_satisfies_a_branch_and_grants_transfer():
    p = make_pathway(root=all_of("core", "capstone"),
                     core=all_of("sql", "py", shortcut={"achievement_id": "urn:cert:data-pro"}),
                     sql=skill("SQL"), py=skill("Python"), capstone=manual("Capstone project"),
                     transfer=[{"match": {"achievement_id": "urn:cert:portfolio"}, "grants": "capstone"}])
    milestone = cred("Data Pro", achievement_id="urn:cert:data-pro")
    portfolio = cred("Portfolio review", achievement_id="urn:cert:portfolio")
    evaluation = evaluate_pathway(p, [milestone, portfolio], as_of=AS_OF)
    assert evaluation.status == "met"
    core = evaluation.tree.children[0]
    assert core.credentials[0]["via"] == "shortcut" and core.children[0].status == "unmet"
    assert evaluation.tree.children[1].credentials[0]["via"] == "transfer"


def test_manual_step_is_met_by_a_tagged_self_attested_entry():
    p = make_pathway(root=manual("Mentoring session"))
    assert evaluate_pathway(p, [], as_of=AS_OF).missing == ["Mentoring session"]
    entry = cred("I met my mentor", tags=["step:root"], self_attested=True, verdict="self-asserted")
    evaluation = evaluate_pathway(p, [entry], as_of=AS_OF)
    assert evaluation.status == "met" and [w["kind"] for w in evaluation.warnings] == ["self-attested"]


def test_not_count_mean_experience_level_and_windows():
    p = make_pathway({
        "root": all_of("no-ban", "three-cloud", "grades", "work", "py-adv", "recent"),
        "no-ban": not_("banned"),
        "banned": credential(achievement_type="Sanction"),
        "three-cloud": count(3, tag="cloud"),
        "grades": mean(3.0, achievement_type="Course"),
        "work": experience(12),
        "py-adv": skill("Python", min_level="advanced"),
        "recent": credential(achievement_type="Certificate", earned_within_days=365,
                             issuer="https://recent.example"),
    })
    creds = [cred(f"Cloud {i}", tags=["cloud"], achievement_type="Badge") for i in range(3)]
    creds += [cred("Course A", achievement_type="Course", result="3.5"),
              cred("Course B", achievement_type="Course", result="2.9")]
    creds += [cred("Job", achievement_type="WorkExperience", valid_from="2023-01-01", issued="2023-01-01",
                   expires="2026-01-01")]
    creds += [cred("Py", skills=[("Python", "intermediate")], achievement_type="Badge")]
    creds += [cred("Recent", issued="2023-01-01", issuer="https://recent.example")]
    evaluation = evaluate_pathway(p, creds, as_of=AS_OF)
    by_id = {c.id: c for c in evaluation.tree.children}
    assert by_id["no-ban"].met and by_id["three-cloud"].met and by_id["grades"].met and by_id["work"].met
    assert by_id["grades"].detail.startswith("mean 3.2 of 2 results")
    assert not by_id["py-adv"].met and not by_id["recent"].met
    creds += [cred("Py adv", skills=[("Python 3", "Advanced")], achievement_type="Badge"),
              cred("Recent 2", issued="2025-01-01", issuer="https://recent.example")]
    assert evaluate_pathway(p, creds, as_of=AS_OF).status == "met"
    creds += [cred("Ban", achievement_type="Sanction")]
    evaluation = evaluate_pathway(p, creds, as_of=AS_OF)
    assert evaluation.status == "partial" and "not: no-ban" in evaluation.missing


def test_exit_awards_report_each_destination():
    p = make_pathway(**TWO_SKILLS, exits=[{"id": "cert", "name": "Certificate (SQL only)", "node": "sql"},
                                          {"id": "diploma", "name": "Diploma", "node": "root"}])
    evaluation = evaluate_pathway(p, [cred("SQL", skills=["SQL"])], as_of=AS_OF)
    assert [(e["id"], e["status"]) for e in evaluation.exits] == [("cert", "met"), ("diploma", "partial")]


def test_to_dict_contract():
    evaluation = evaluate_pathway(make_pathway(**TWO_SKILLS), [cred("SQL", skills=["SQL"])], as_of=AS_OF)
    data = evaluation.to_dict()
    assert {"goal", "status", "progress", "missing", "tree"} <= set(data)
    assert data["goal"] == "t" and data["status"] == "partial" and data["missing"] == ["Python"]
    assert data["tree"]["children"][0]["credentials"][0]["rule"] == "skill SQL"


def test_rank_pathways_orders_by_progress():
    p1 = make_pathway(**TWO_SKILLS, id="a", name="A")
    p2 = make_pathway(root=skill("SQL"), id="b", name="B")
    ranked = rank_pathways([p1, p2], [cred("SQL", skills=["SQL"])], as_of=AS_OF)
    assert [e.pathway.id for e in ranked] == ["b", "a"]


@pytest.mark.parametrize("seed", range(40))
def test_search_matches_brute_force_on_random_instances(seed):
    rng = random.Random(seed)
    skills = ["SQL", "Python", "Tableau", "Excel", "Statistics"]
    leaves = rng.sample(skills, rng.randint(2, 5))
    # root: all of [at_least k of some leaves, any of the rest]
    first = leaves[: max(1, len(leaves) // 2 + 1)]
    rest = leaves[len(first):] or leaves[:1]
    k = rng.randint(1, len(first))
    p = make_pathway(root=all_of("g1", "g2"),
                     g1=at_least(k, *(f"a{i}" for i in range(len(first)))),
                     g2=any_of(*(f"b{i}" for i in range(len(rest)))),
                     **{f"a{i}": skill(s) for i, s in enumerate(first)},
                     **{f"b{i}": skill(s) for i, s in enumerate(rest)})
    creds = [cred(f"c{j}", skills=rng.sample(skills, rng.randint(1, 3)), issued=f"202{rng.randint(0, 4)}-01-01")
             for j in range(rng.randint(1, 5))]
    index = CredentialIndex(creds, as_of=AS_OF)
    evaluator = PathwayEvaluator(p, index)
    evaluation = evaluator.evaluate()
    assert (evaluation.tree.met, round(evaluation.progress, 9)) == brute_force_best(evaluator)
    assert evaluation.exhaustive


def test_at_most_caps_the_children_that_count():
    p = make_pathway(root=at_least(1, "a", "b", "c", at_most=2),
                     a=skill("SQL"), b=skill("Python"), c=skill("R"))
    creds = [cred("SQL", skills=["SQL"]), cred("Py", skills=["Python"]), cred("R", skills=["R"])]
    evaluation = evaluate_pathway(p, creds, as_of=AS_OF)
    assert evaluation.status == "met" and len(evaluation.used) == 2


@pytest.mark.parametrize("seed", range(25))
def test_adding_a_credential_never_lowers_the_outcome(seed):
    """Monotonicity (no `not`, no `mean`): the exact search can only do better with more credentials."""
    rng = random.Random(500 + seed)
    skills = ["SQL", "Python", "Tableau", "Excel", "Statistics", "R"]
    p = make_pathway(root=all_of("pick", "either", "credits"),
                     pick=at_least(rng.randint(1, 3), "a", "b", "c"),
                     a=skill(skills[0]), b=skill(skills[1]), c=skill(skills[2]),
                     either=any_of("d", "e"), d=skill(skills[3]), e=skill(skills[4]),
                     credits=sum_of(6, tag="course"))
    creds = []
    previous = (False, 0.0)
    for j in range(7):
        creds.append(cred(f"c{j}", skills=rng.sample(skills, rng.randint(1, 3)), credits=rng.choice([None, 3]),
                          tags=["course"], issued=f"202{rng.randint(0, 4)}-01-01"))
        evaluation = evaluate_pathway(p, creds, as_of=AS_OF)
        outcome = (evaluation.tree.met, round(evaluation.progress, 9))
        assert outcome >= previous
        previous = outcome


def test_issuer_key_not_bound_is_its_own_warning():
    p = make_pathway(**TWO_SKILLS)
    loose = cred("SQL", skills=["SQL"], verdict="self-asserted")  # issuer's key asserted only by the credential
    py = cred("Python", skills=["Python"])
    evaluation = evaluate_pathway(p, [loose, py], as_of=AS_OF)
    assert evaluation.status == "met"
    assert [w["kind"] for w in evaluation.warnings] == ["issuer-key-not-bound"]
    strict = make_pathway(**TWO_SKILLS, policy={"count_unverified": False})
    assert evaluate_pathway(strict, [loose, py], as_of=AS_OF).status == "partial"


@pytest.mark.parametrize("seed", range(40))
def test_search_with_competing_aggregates_matches_brute_force(seed):
    """Leaves and consuming aggregates compete for the same credentials, with more candidates than leaves (the
    search keeps only the best L + A per leaf): the result must still be the brute-force optimum."""
    rng = random.Random(900 + seed)
    skills = ["SQL", "Python", "Excel"]
    p = make_pathway(root=all_of("a", "b", "n", "credits"),
                     a=skill(rng.choice(skills)), b=skill(rng.choice(skills)),
                     n=count(rng.randint(1, 2), tag="badge"),
                     credits=sum_of(rng.choice([3, 5, 8]), tag="course"))
    creds = [cred(f"c{j}", skills=rng.sample(skills, rng.randint(1, 3)), credits=rng.choice([None, 1, 3, 5]),
                  tags=rng.sample(["badge", "course"], rng.randint(1, 2)), issued=f"202{rng.randint(0, 4)}-01-01",
                  verdict=rng.choice(["verified", "verified", "unsigned"]))
             for j in range(rng.randint(4, 8))]
    index = CredentialIndex(creds, as_of=AS_OF)
    evaluator = PathwayEvaluator(p, index)
    evaluation = evaluator.evaluate()
    assert (evaluation.tree.met, round(evaluation.progress, 9)) == brute_force_best(evaluator)


def test_experience_uses_activity_dates_and_extension_types():
    p = make_pathway(root=experience(18))
    job = cred("Support analyst", achievement_type="ext:WorkExperience", issued="2025-05-01")
    job.credential.extra.update({"activity_start": "2022-01-01T00:00:00Z", "activity_end": "2023-03-01T00:00:00Z"})
    evaluation = evaluate_pathway(p, [job], as_of=AS_OF)
    # 1 January 2022 to 1 March 2023, both days worked: 14 months and a day
    assert evaluation.status == "partial" and evaluation.tree.detail.startswith("14.0 of 18 months")
    current = cred("Data analyst", achievement_type="ext:WorkExperience", issued="2025-05-01")
    current.credential.extra.update({"activity_start": "2024-09-01T00:00:00Z"})  # ongoing: counts up to the date
    assert evaluate_pathway(p, [job, current], as_of=AS_OF).status == "met"


def test_manual_step_is_met_by_a_wallet_tag_on_a_stored_credential():
    """`skillwallet tag ID step:portfolio` puts the tag on the stored record, not in the credential."""
    import dataclasses

    p = make_pathway(root=manual("Portfolio project"))
    entry = cred("Housing prices analysis", self_attested=True, verdict="self-asserted")
    assert evaluate_pathway(p, [entry], as_of=AS_OF).status == "unmet"

    @dataclasses.dataclass
    class Stored:
        wallet_id: str
        credential: object
        verdict: object
        tags: list

    stored = Stored(entry.wallet_id, entry.credential, entry.verdict, ["step:root"])
    assert evaluate_pathway(p, [stored], as_of=AS_OF).status == "met"


ACCOUNTING = dict(root=all_of("core", "electives"),
                  core=sum_of(3, tag="accounting", label="Accounting core"),
                  electives=sum_of(4, achievement_type="Course", label="Electives"))


def test_two_credit_sums_share_the_courses_exactly():
    """Taking the biggest course for the first sum (greedy) leaves 3 of 4 elective credits; ACCT 102 on the core
    and ACCT 101 on the electives meets both."""
    acct101 = cred("ACCT 101", credits=4, tags=["accounting"], achievement_type="Course")
    acct102 = cred("ACCT 102", credits=3, tags=["accounting"], achievement_type="Course")
    evaluation = evaluate_pathway(make_pathway(**ACCOUNTING), [acct101, acct102], as_of=AS_OF)
    assert evaluation.status == "met" and evaluation.exhaustive
    assert evaluation.used == {acct102.wallet_id: ["core"], acct101.wallet_id: ["electives"]}
    core, electives = evaluation.tree.children
    assert core.detail == "3 of 3 credits" and electives.detail == "4 of 4 credits"


def test_a_count_and_a_sum_share_the_badges_exactly():
    p = make_pathway(root=all_of("badges", "credits"),
                     badges=count(1, tag="badge"), credits=sum_of(5, tag="course"))
    # the count, earlier in the tree, would take the 5-credit badge-course first
    big = cred("Big", credits=5, tags=["badge", "course"], issued="2025-01-01")
    small = cred("Small", credits=1, tags=["badge", "course"], issued="2020-01-01")
    evaluation = evaluate_pathway(p, [big, small], as_of=AS_OF)
    assert evaluation.status == "met"
    assert evaluation.used == {small.wallet_id: ["badges"], big.wallet_id: ["credits"]}


def test_a_mean_reads_every_grade_whatever_else_counts_it():
    p = make_pathway(root=all_of("credits", "grades"),
                     credits=sum_of(3, tag="course"), grades=mean(3.0, tag="course"))
    low = cred("Low", credits=3, result="2.0", tags=["course"])
    high = cred("High", credits=3, result="4.5", tags=["course"])
    evaluation = evaluate_pathway(p, [low, high], as_of=AS_OF)
    assert evaluation.status == "met"
    assert evaluation.tree.children[1].detail.startswith("mean 3.25 of 2 results")


def _mixed_pathway(rng: random.Random):
    """A random tree mixing every consuming kind: leaves, counts, sums of credits and hours, experience,
    at-least with an optional cap, any, credit transfer into a sum, reuse on some requirements."""
    tags = ["a", "b", "c"]
    reuse = lambda: {"allow_reuse": True} if rng.random() < 0.15 else {}  # noqa: E731
    n = rng.randint(1, 2)
    cap = {"at_most": rng.randint(n, 3)} if rng.random() < 0.4 else {}
    requirements = {"root": all_of("pick", "s1", "s2", "n1", "either"),
                    "pick": at_least(n, "l1", "l2", "l3", **cap)}
    for k in (1, 2, 3):
        requirements[f"l{k}"] = credential(tag=rng.choice(tags), **reuse())
    requirements["s1"] = sum_of(rng.choice([2, 3, 4, 5, 7]), tag=rng.choice(tags))
    field = rng.choice(["credits", "hours"])
    requirements["s2"] = sum_of(rng.choice([3, 4, 6]), field=field, tag=rng.choice(tags), **reuse())
    requirements["n1"] = count(rng.randint(1, 2), tag=rng.choice(tags))
    requirements["either"] = any_of("x", "job")
    requirements["x"] = credential(tag=rng.choice(tags))
    requirements["job"] = experience(rng.choice([6, 12]), achievement_type="WorkExperience")
    transfer = []
    if rng.random() < 0.3:
        transfer.append({"match": {"tag": rng.choice(tags)}, "into": "s1", "credits": 2, "cap": 2})
    policy = {"double_counting": True} if rng.random() < 0.25 else None
    return make_pathway(requirements, transfer=transfer, policy=policy)


@pytest.mark.parametrize("seed", range(80))
def test_exact_across_every_kind_matches_brute_force(seed):
    """Leaves, counts, sums (credits and hours), experience, at-least with a cap, transfers and reuse, all
    competing for the same few credentials: the search equals the brute force over every sharing."""
    rng = random.Random(4000 + seed)
    p = _mixed_pathway(rng)
    creds = []
    for j in range(rng.randint(3, 5)):
        if rng.random() < 0.2:
            start = f"202{rng.randint(2, 4)}-0{rng.randint(1, 9)}-01"
            creds.append(cred(f"job{j}", achievement_type="WorkExperience", valid_from=start, issued=start,
                              tags=rng.sample(["a", "b", "c"], rng.randint(0, 2))))
        else:
            creds.append(cred(f"c{j}", credits=rng.choice([None, 1, 2, 3, 4]), hours=rng.choice([None, 2, 3, 5]),
                              tags=rng.sample(["a", "b", "c"], rng.randint(1, 3)),
                              issued=f"202{rng.randint(0, 4)}-01-01",
                              verdict=rng.choice(["verified", "verified", "unsigned"])))
    evaluator = PathwayEvaluator(p, CredentialIndex(creds, as_of=AS_OF))
    evaluation = evaluator.evaluate()
    assert evaluation.exhaustive
    assert (evaluation.tree.met, round(evaluation.progress, 9)) == brute_force_best(evaluator)
    # the explanation agrees with the score it reports: no credential counted twice unless allowed
    if not p.policy.double_counting:
        reusing = {n.id for n in p.requirements.values() if n.allow_reuse}
        for wallet_id, nodes in evaluation.used.items():
            assert len([n for n in nodes if n not in reusing]) <= 1, (wallet_id, nodes)


ANALYTICS_EXPERIENCE = dict(root=experience(
    6, label="6 months of analytics experience",
    occupation=["15-2051.00", "Data analyst", "Business intelligence analyst"], skill=["Data analysis"]))


def _job(title, start, end=None, skills=(), tags=()):
    entry = cred(title, achievement_type="ext:WorkExperience", issued=start, skills=skills, tags=tags,
                 self_attested=True, verdict="self-asserted")
    entry.credential.extra["activity_start"] = f"{start}T00:00:00Z"
    if end:
        entry.credential.extra["activity_end"] = f"{end}T00:00:00Z"
    return entry


def test_a_year_as_a_barista_is_not_analytics_experience():
    p = make_pathway(**ANALYTICS_EXPERIENCE)
    barista = _job("Barista", "2023-01-01", "2023-12-31")
    evaluation = evaluate_pathway(p, [barista], as_of=AS_OF)
    assert evaluation.status == "unmet" and evaluation.used == {}
    assert "not relevant (no matching title, skill or occupation): Barista" in evaluation.tree.detail
    assert evaluation.tree.rule.startswith("work experience as 'Data analyst' or 'Business intelligence analyst'")


@pytest.mark.parametrize("title, skills, tags, why", [
    ("Junior Data Analyst at Acme", (), (), "title 'Junior Data Analyst at Acme' matches 'Data analyst'"),
    ("Business Intelligence Analysts intern", (), (), "matches 'Business intelligence analyst'"),
    ("Operations assistant", ("Data analysis",), (), "skill Data analysis"),
    ("Operations assistant", (), ("onet:15-2051.00",), "occupation 15-2051.00"),
])
def test_experience_counts_when_title_skill_or_occupation_matches_and_says_which(title, skills, tags, why):
    p = make_pathway(**ANALYTICS_EXPERIENCE)
    job = _job(title, "2024-01-01", "2024-12-31", skills=skills, tags=tags)
    evaluation = evaluate_pathway(p, [job], as_of=AS_OF)
    assert evaluation.status == "met"
    [credential] = evaluation.tree.credentials
    assert credential["rule"].startswith("relevant experience: ") and why in credential["rule"]


def test_a_full_year_with_an_inclusive_end_date_is_12_months():
    p = make_pathway(root=experience(12, occupation="Data analyst"))
    job = _job("Data analyst", "2024-01-01", "2024-12-31")
    evaluation = evaluate_pathway(p, [job], as_of=AS_OF)
    assert evaluation.status == "met" and evaluation.tree.detail.startswith("12.0 of 12 months")
    # and an ongoing job counts up to the evaluation date: 1 December to 1 June is 6 months
    ongoing = _job("Data analyst", "2024-12-01")
    six = make_pathway(root=experience(6, occupation="Data analyst"))
    assert evaluate_pathway(six, [ongoing], as_of=AS_OF).status == "met"


def test_a_certificate_with_the_skill_is_not_months_of_experience():
    """Skills on an experience requirement say which jobs are relevant; a course with the skill is no job."""
    p = make_pathway(**ANALYTICS_EXPERIENCE)
    course = cred("Data analysis course", skills=["Data analysis"], issued="2020-01-01")
    assert evaluate_pathway(p, [course], as_of=AS_OF).status == "unmet"


def test_occupation_only_on_experience_requirements():
    with pytest.raises(InvalidPathwayError, match="occupation only on 'experience' requirements"):
        make_pathway(root=skill("SQL", occupation="Data analyst"))
