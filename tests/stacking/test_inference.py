"""Held credentials count for what they are: skills inferred from the offerings catalogue for credentials that
carry no alignments, marked "inferred" wherever they show (tree, `skills`, --json)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from skillwallet.cli.app import app
from skillwallet.model import Issuer, Skill
from skillwallet.skills.inventory import build_inventory
from skillwallet.stacking.catalog import builtin_offerings, builtin_pathways
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.inference import SkillInference, title_keys
from skillwallet.stacking.optimise import Offering
from skillwallet.stacking.renewal import RenewalRoutes

from .helpers import AS_OF, cred, node, wallet_holding

COMPTIA_SEVEN = ["CompTIA A+", "CompTIA Network+", "CompTIA Security+", "CompTIA Project+",
                 "CompTIA Cloud Essentials+", "CompTIA Linux+", "CompTIA Server+"]


def test_seven_comptia_certifications_without_alignments_qualify_a_systems_administrator():
    held = [cred(name, issuer="https://www.comptia.org") for name in COMPTIA_SEVEN]
    # the goal also asks for practice: certifications alone are not a systems administrator
    lab = cred("Home lab", tags=["step:home-lab"], self_attested=True, verdict="self-asserted")
    evaluation = evaluate_pathway(builtin_pathways()["systems-administrator"], held, as_of=AS_OF)
    assert evaluation.missing == ["one of: Home lab, 12 months of systems or IT support experience"]
    evaluation = evaluate_pathway(builtin_pathways()["systems-administrator"], [*held, lab], as_of=AS_OF)
    assert evaluation.status == "met" and evaluation.progress == 1.0
    networking = node(evaluation, "networking")
    assert networking.credentials and all(c["inferred"] for c in networking.credentials)
    assert networking.credentials[0]["inferred_from"] in {"CompTIA Network+", "CompTIA Linux+", "CompTIA A+"}
    # without the catalogue the same wallet evidences nothing
    bare = evaluate_pathway(builtin_pathways()["systems-administrator"], held, as_of=AS_OF, inference=None)
    assert bare.progress == 0.0


def test_google_data_analytics_without_tags_counts_for_its_skills():
    held = [cred("Google Data Analytics Professional Certificate", issuer="https://www.coursera.org")]
    evaluation = evaluate_pathway(builtin_pathways()["data-analyst"], held, as_of=AS_OF)
    assert evaluation.progress == 0.7
    # one certificate is one credential of the two the goal asks for, and practice is still to show
    assert evaluation.missing == ["one of: Portfolio project, 6 months of analytics experience",
                                  "Two data analysis credentials"]
    sql = node(evaluation, "sql")
    assert sql.status == "met" and sql.credentials[0]["inferred"] is True
    assert evaluation.to_dict()["tree"]["children"][0]["children"][0]["credentials"][0]["inferred"] is True


def test_a_skill_the_credential_states_is_not_marked_inferred():
    held = [cred("Google Data Analytics Professional Certificate", skills=["SQL"], issuer="https://www.coursera.org")]
    evaluation = evaluate_pathway(builtin_pathways()["data-analyst"], held, as_of=AS_OF)
    assert node(evaluation, "sql").credentials[0]["inferred"] is False
    assert node(evaluation, "spreadsheets").credentials[0]["inferred"] is True


@pytest.mark.parametrize("title,issuer,achievement_id,expected", [
    ("Network+", "https://www.comptia.org", None, "comptia-network-plus"),           # issuer + short name
    ("RHCSA", "https://www.redhat.com", None, "rhcsa"),                              # issuer + code
    ("Microsoft Certified: Power BI Data Analyst Associate", "https://microsoft.com", None, "pl-300"),
    ("comptia   network+", "https://www.comptia.org", None, "comptia-network-plus"),  # the name, however spaced
    ("comptia   network+", None, None, "comptia-network-plus"),                   # the name, no issuer named
    ("CompTIA Network+", "https://elsewhere.example", None, None),                # the name, someone else's badge
    ("Network+", "https://elsewhere.example", None, None),                            # short name, other issuer
    ("Some badge", "https://x.example", "https://example.org/achievements/net", "net"),  # achievement id
    ("Unknown course", "https://x.example", None, None),
])
def test_matching_by_name_achievement_id_or_issuer_and_name(title, issuer, achievement_id, expected):
    catalogue = [*builtin_offerings().values(),
                 Offering(id="net", name="Networking course", skills=["Networking"],
                          achievement_id="https://example.org/achievements/net", source="user")]
    credential = cred(title, issuer=issuer or "", achievement_id=achievement_id).credential
    if issuer is None:
        credential.issuer = Issuer()
    inferred = SkillInference(catalogue).infer(credential)
    assert (inferred.offering_id if inferred else None) == expected


def test_inventory_marks_inferred_skills():
    held = [cred("CompTIA Network+", issuer="https://www.comptia.org"),
            cred("Home lab", skills=[Skill(name="Networking")])]
    inference = SkillInference(builtin_offerings().values())
    inventory = {e.skill.id: e for e in build_inventory(held, as_of=AS_OF, inference=inference)}
    sources = {e.title: e.inferred for e in inventory["sw:networking"].evidence}
    assert sources == {"CompTIA Network+": True, "Home lab": False}
    assert inventory["sw:network-security"].to_dict()["credentials"][0]["inferred_from"] == "CompTIA Network+"


def test_cli_marks_inferred_skills_in_the_tree_and_the_inventory(passphrase):
    wallet_holding(passphrase, *[cred(name, issuer="https://www.comptia.org") for name in COMPTIA_SEVEN],
                   cred("Home lab", tags=["step:home-lab"], self_attested=True, verdict="self-asserted"))
    runner = CliRunner()
    tree = runner.invoke(app, ["stack", "--goal", "systems-administrator", "--as-of", "2026-01-01"],
                         env={"COLUMNS": "300"})
    assert tree.exit_code == 0, tree.output
    assert "met, 100%" in tree.output and "inferred from the catalogue (CompTIA " in tree.output
    skills = runner.invoke(app, ["skills", "--as-of", "2026-01-01"])
    assert "CompTIA Linux+ (inferred from the catalogue)" in skills.output
    data = json.loads(runner.invoke(app, ["skills", "--json", "--as-of", "2026-01-01"]).output)
    linux = next(s for s in data["skills"] if s["id"] == "sw:linux")
    assert linux["credentials"][0]["inferred"] is True and linux["credentials"][0]["inferred_from"] == "CompTIA Linux+"


def test_the_resume_lists_only_the_skills_credentials_state_never_inferred_ones():
    # An employer reads the resume's skills as what the issuers vouched for: a skill the wallet inferred from the
    # offerings catalogue is shown by `skills` and counted by `stack`, but it is no issuer's claim.
    from skillwallet.export.resume import skills_summary

    held = [cred("CompTIA Network+", issuer="https://www.comptia.org"),
            cred("Home lab", skills=[Skill(name="Networking")])]
    inference = SkillInference(builtin_offerings().values())
    inventory = {e.skill.id for e in build_inventory(held, as_of=AS_OF, inference=inference)}
    assert "sw:network-security" in inventory  # inferred for Network+
    summary = skills_summary(held, as_of=AS_OF)
    assert summary and all(skill.evidence == ["Home lab"] for skill in summary), summary


# Titles as issuers print them on the badges themselves (found on credly.com/badges/... listings): CompTIA's Credly
# badges say "CompTIA Security+ ce Certification", "CompTIA Network+ ce Certification", "CompTIA A+ ce
# Certification" (older listings "CompTIA Network+ ce"); holders and training sites add the exam code, "AWS Certified
# Cloud Practitioner (CLF-C02)", "CompTIA Security+ (SY0-701)"; PMI's badge is "Project Management Professional
# (PMP)®"; Google's career certificate is listed as "Google Data Analytics Certificate" as often as by its Coursera
# name. Each issuer is named by its own site.
COMPTIA = "https://www.comptia.org"
AWS = "https://aws.amazon.com"
GOOGLE = "https://www.google.com"
PMI = "https://www.pmi.org"
REAL_TITLES = [
    ("CompTIA Security+ ce Certification", COMPTIA, "comptia-security-plus", "cybersecurity-analyst", "fundamentals"),
    ("CompTIA Network+ ce", COMPTIA, "comptia-network-plus", "systems-administrator", "networking"),
    ("CompTIA Network+ ce Certification", COMPTIA, "comptia-network-plus", "systems-administrator", "networking"),
    ("CompTIA A+ ce Certification", COMPTIA, "comptia-a-plus", "systems-administrator", "networking"),
    ("CompTIA Security+™ (SY0-701)", COMPTIA, "comptia-security-plus", "cybersecurity-analyst", "fundamentals"),
    ("AWS Certified Cloud Practitioner (CLF-C02)", AWS, "aws-ccp", "cloud-engineer", "aws"),
    ("Google Data Analytics Certificate", GOOGLE, "google-data-analytics", "data-analyst", "sql"),
    ("Project Management Professional (PMP)®", PMI, "pmp", None, None),
    ("Security+ ce Certification", COMPTIA, "comptia-security-plus", "cybersecurity-analyst", "fundamentals"),
    # "+" written out, and exam codes without brackets, as holders type them into profiles
    ("CompTIA Security Plus", COMPTIA, "comptia-security-plus", "cybersecurity-analyst", "fundamentals"),
    ("CompTIA A Plus Certification", COMPTIA, "comptia-a-plus", "systems-administrator", "networking"),
    ("CompTIA Security+ SY0-701", COMPTIA, "comptia-security-plus", "cybersecurity-analyst", "fundamentals"),
    ("AWS Certified Cloud Practitioner CLF-C02", AWS, "aws-ccp", "cloud-engineer", "aws"),
    ("AZ-104 Microsoft Certified: Azure Administrator Associate", "https://learn.microsoft.com", "az-104", None, None),
]


@pytest.mark.parametrize("title,issuer,offering,pathway,requirement", REAL_TITLES)
def test_a_badge_titled_as_its_issuer_titles_it_counts_for_the_catalogued_credential(title, issuer, offering,
                                                                                      pathway, requirement):
    held = cred(title, issuer=issuer)
    inferred = SkillInference(builtin_offerings().values()).infer(held.credential)
    assert inferred is not None and inferred.offering_id == offering
    if pathway is None:
        return
    evaluation = evaluate_pathway(builtin_pathways()[pathway], [held], as_of=AS_OF)
    counted = node(evaluation, requirement)
    assert counted.status == "met", (title, counted)
    [used] = counted.credentials
    assert used["inferred"] is True and used["inferred_from"] == builtin_offerings()[offering].name


@pytest.mark.parametrize("title,issuer,expected", [
    ("CompTIA Server+ ce Certification", COMPTIA, "comptia-server-plus"),   # Server+ is not Security+
    ("CompTIA Security", COMPTIA, None),                                    # no "+": not the certification
    ("CompTIA Security+ Practice Exam", COMPTIA, None),
    ("CompTIA Cloud Essentials+ ce", COMPTIA, "comptia-cloud-essentials"),  # not Cloud+
    ("A+ ce Certification", "https://www.udemy.com", None),                # "A+" from another issuer
    ("CompTIA A+ Certification", "https://www.udemy.com", None),           # a course named after it, elsewhere
    ("A+ Student of the Year", COMPTIA, None),
    ("AWS Cloud Practitioner Essentials", AWS, None),                       # AWS's free course, not the exam
    ("Google Data Analytics Capstone", GOOGLE, None),
    ("Certified", COMPTIA, None),
    ("CE", COMPTIA, None),
    ("CompTIA Security Plus", "https://www.udemy.com", None),               # written out, still CompTIA's name
    ("CompTIA Security+ SY0-701 Practice Exam", COMPTIA, None),             # the code inside: a practice exam
    ("CompTIA Server Plus", COMPTIA, "comptia-server-plus"),                # Server Plus is Server+, not Security+
    ("SY0-701", COMPTIA, None),                                             # a code alone names nothing
])
def test_a_near_miss_title_is_not_the_catalogued_credential(title, issuer, expected):
    inferred = SkillInference(builtin_offerings().values()).infer(cred(title, issuer=issuer).credential)
    assert (inferred.offering_id if inferred else None) == expected


def test_credly_titled_comptia_badges_qualify_a_systems_administrator_in_the_cli(passphrase):
    titles = ["CompTIA A+ ce Certification", "CompTIA Network+ ce Certification", "CompTIA Security+ ce Certification",
              "CompTIA Project+", "CompTIA Cloud Essentials+", "CompTIA Linux+", "CompTIA Server+"]
    wallet_holding(passphrase, *[cred(title, issuer=COMPTIA) for title in titles],
                   cred("Home lab", tags=["step:home-lab"], self_attested=True, verdict="self-asserted"))
    runner = CliRunner()
    tree = runner.invoke(app, ["stack", "--goal", "systems-administrator", "--as-of", "2026-01-01", "--json"])
    assert tree.exit_code == 0, tree.output
    assert json.loads(tree.output)["status"] == "met"
    data = json.loads(runner.invoke(app, ["skills", "--json", "--as-of", "2026-01-01"]).output)
    security = next(s for s in data["skills"] if s["id"] == "sw:network-security")
    assert {(c["title"], c["inferred"], c["inferred_from"]) for c in security["credentials"]} >= {
        ("CompTIA Security+ ce Certification", True, "CompTIA Security+"),
        ("CompTIA Network+ ce Certification", True, "CompTIA Network+")}


@pytest.mark.parametrize("title,issuer,route", [
    ("CompTIA Network+ ce", COMPTIA, "comptia-network-plus-renewal-ce"),
    ("CompTIA Security+ ce Certification", COMPTIA, "comptia-security-plus-renewal-ce"),
    ("AWS Certified Cloud Practitioner (CLF-C02)", AWS, "aws-ccp-recertification"),
    ("Project Management Professional (PMP)®", PMI, "pmp-renewal"),
    ("CompTIA Server+ ce Certification", COMPTIA, None),  # no Server+ route, and Security+'s is not one
    ("CompTIA A+ Certification", "https://www.udemy.com", None),  # a course named after it: CompTIA renews nothing
    ("Microsoft Certified: Azure Administrator Associate (AZ-104)", "https://learn.microsoft.com", "az-104-renewal"),
])
def test_the_renewal_lookup_reads_titles_as_the_inference_does(title, issuer, route):
    lookup = RenewalRoutes(builtin_offerings().values())
    routes = {r.id for r in lookup.for_credential(cred(title, issuer=issuer).credential)}
    assert route in routes if route else routes == set()


def test_no_two_built_in_offerings_read_as_the_same_title():
    # the normalisation merges spellings of one name; it must never merge two catalogued credentials
    seen: dict[str, str] = {}
    for offering in builtin_offerings().values():
        if offering.renews or not offering.skills:
            continue
        for key in title_keys(offering.name):
            assert seen.setdefault(key, offering.id) == offering.id, (key, seen[key], offering.id)
