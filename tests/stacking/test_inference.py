"""Held credentials count for what they are: skills inferred from the offerings catalogue for credentials that
carry no alignments, marked "inferred" wherever they show (tree, `skills`, --json)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app
from skillwallet.model import Skill
from skillwallet.skills.inventory import build_inventory
from skillwallet.stacking.catalog import builtin_offerings, builtin_pathways
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.inference import SkillInference
from skillwallet.stacking.optimise import Offering
from skillwallet.store import Wallet

from .helpers import AS_OF, cred

COMPTIA_SEVEN = ["CompTIA A+", "CompTIA Network+", "CompTIA Security+", "CompTIA Project+",
                 "CompTIA Cloud Essentials+", "CompTIA Linux+", "CompTIA Server+"]


def nodes(tree):
    yield tree
    for child in tree.children:
        yield from nodes(child)


def by_id(evaluation, node_id):
    return next(n for n in nodes(evaluation.tree) if n.id == node_id)


def test_seven_comptia_certifications_without_alignments_qualify_a_systems_administrator():
    held = [cred(name, issuer="https://www.comptia.org") for name in COMPTIA_SEVEN]
    # the goal also asks for practice: certifications alone are not a systems administrator
    lab = cred("Home lab", tags=["step:home-lab"], self_attested=True, verdict="self-asserted")
    evaluation = evaluate_pathway(builtin_pathways()["systems-administrator"], held, as_of=AS_OF)
    assert evaluation.missing == ["one of: Home lab, 12 months of systems or IT support experience"]
    evaluation = evaluate_pathway(builtin_pathways()["systems-administrator"], [*held, lab], as_of=AS_OF)
    assert evaluation.status == "met" and evaluation.progress == 1.0
    networking = by_id(evaluation, "networking")
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
    sql = by_id(evaluation, "sql")
    assert sql.status == "met" and sql.credentials[0]["inferred"] is True
    assert evaluation.to_dict()["tree"]["children"][0]["children"][0]["credentials"][0]["inferred"] is True


def test_a_skill_the_credential_states_is_not_marked_inferred():
    held = [cred("Google Data Analytics Professional Certificate", skills=["SQL"])]
    evaluation = evaluate_pathway(builtin_pathways()["data-analyst"], held, as_of=AS_OF)
    assert by_id(evaluation, "sql").credentials[0]["inferred"] is False
    assert by_id(evaluation, "spreadsheets").credentials[0]["inferred"] is True


@pytest.mark.parametrize("title,issuer,achievement_id,expected", [
    ("Network+", "https://www.comptia.org", None, "comptia-network-plus"),           # issuer + short name
    ("RHCSA", "https://www.redhat.com", None, "rhcsa"),                              # issuer + code
    ("Microsoft Certified: Power BI Data Analyst Associate", "https://microsoft.com", None, "pl-300"),
    ("comptia   network+", "https://elsewhere.example", None, "comptia-network-plus"),  # the name alone
    ("Network+", "https://elsewhere.example", None, None),                            # short name, other issuer
    ("Some badge", "https://x.example", "https://example.org/achievements/net", "net"),  # achievement id
    ("Unknown course", "https://x.example", None, None),
])
def test_matching_by_name_achievement_id_or_issuer_and_name(title, issuer, achievement_id, expected):
    catalogue = [*builtin_offerings().values(),
                 Offering(id="net", name="Networking course", skills=["Networking"],
                          achievement_id="https://example.org/achievements/net", source="user")]
    inferred = SkillInference(catalogue).infer(cred(title, issuer=issuer, achievement_id=achievement_id).credential)
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
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        for name in COMPTIA_SEVEN:
            held = cred(name, issuer="https://www.comptia.org")
            wallet.add_credential(held.credential, held.verdict)
        lab = cred("Home lab", tags=["step:home-lab"], self_attested=True, verdict="self-asserted")
        wallet.add_credential(lab.credential, lab.verdict)
    finally:
        wallet.close()
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
