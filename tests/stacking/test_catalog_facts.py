"""The built-in catalogue states facts: each offering says where its price and hours come from and when that was
checked, corrections a review found stay corrected, and the marketing and project-management goals are not met
by one free certificate or by one self-attested entry."""

from __future__ import annotations

import datetime

import pytest

from skillwallet.model import Skill
from skillwallet.stacking.catalog import builtin_offerings, builtin_pathways
from skillwallet.stacking.evaluate import evaluate_pathway

from .helpers import AS_OF, cred


@pytest.mark.parametrize("offering_id", sorted(builtin_offerings()))
def test_every_offering_cites_its_price_source_and_the_date_checked(offering_id):
    offering = builtin_offerings()[offering_id]
    assert offering.price_source and len(offering.price_source) > 20
    assert "http" in offering.price_source or offering.price_source.startswith("illustrative")
    checked = datetime.date.fromisoformat(offering.checked)
    assert datetime.date(2024, 1, 1) <= checked <= datetime.date.today()


def skills_of(offering_id):
    return set(builtin_offerings()[offering_id].skills)


def test_corrections_stay_corrected():
    offerings = builtin_offerings()
    assert "Ansible" not in skills_of("rhcsa") and "Ansible" in skills_of("rhce")  # Ansible is RHCE (EX294)
    oracle = offerings["oracle-dba"]
    assert "2019" in oracle.name and oracle.cost == 2 * 245  # two exams: 1Z0-082 and 1Z0-083
    assert offerings["intro-accounting"].credits is None and "credit" not in offerings["intro-accounting"].name
    assert {"Networking", "Network security"} <= skills_of("google-cybersecurity")
    assert "Ticketing systems" in skills_of("google-it-support")
    assert "Statistics" in skills_of("ibm-data-science")
    assert "Docker" not in skills_of("cka")
    for offering in offerings.values():
        if offering.credits:
            assert offering.credit_unit, offering.id
    for pathway in builtin_pathways().values():
        for name in pathway.typical_credentials:
            assert "Modern Desktop Administrator" not in name  # retired in 2023: Endpoint Administrator (MD-102)


def every_skill(pathway) -> list[str]:
    return sorted({s for node in pathway.requirements.values() for s in node.match.skills})


@pytest.mark.parametrize("goal", ["digital-marketer", "project-manager"])
def test_a_goal_is_not_met_by_one_free_certificate_or_one_self_attested_entry(goal):
    pathway = builtin_pathways()[goal]
    for offering in builtin_offerings().values():
        if offering.cost == 0:
            held = offering.hypothetical_credential(AS_OF)
            assert evaluate_pathway(pathway, [held], as_of=AS_OF).status != "met", offering.id
    steps = [f"step:{node.id}" for node in pathway.requirements.values() if node.kind == "manual"]
    log = cred("My log", skills=[Skill(name=s) for s in every_skill(pathway)], tags=steps, self_attested=True,
               verdict="self-asserted", achievement_type="WorkExperience", issued="2020-01-01")
    assert evaluate_pathway(pathway, [log], as_of=AS_OF).status != "met"


# certifications the catalogue sells that expire, and the ones that do not (CompTIA Server+, Project+ and Cloud
# Essentials+ are outside CompTIA's CE programme; Microsoft's Fundamentals do not expire)
EXPIRING = ["comptia-a-plus", "comptia-network-plus", "comptia-security-plus", "comptia-linux-plus",
            "comptia-cloud-plus", "comptia-cysa", "pl-300", "az-104", "dp-300", "aws-ccp", "aws-saa", "pmp", "capm",
            "isc2-cc", "cka", "lfcs", "terraform-associate", "gcp-ace", "ccna", "rhcsa", "rhce",
            "google-ads-search", "google-analytics-cert", "hubspot-content", "hubspot-email"]
LIFETIME = ["comptia-server-plus", "comptia-project-plus", "comptia-cloud-essentials", "az-900", "psm-1",
            "istqb-ctfl"]


def test_every_expiring_certification_has_a_cited_renewal_route():
    from skillwallet.stacking.renewal import RenewalRoutes

    offerings = builtin_offerings()
    routes = RenewalRoutes(offerings.values())
    for offering_id in EXPIRING:
        found = routes.for_credential(offerings[offering_id].hypothetical_credential(AS_OF).credential)
        assert found, offering_id
        for route in found:
            # the parametrised test above checks these too: renewal routes are built-in offerings like any other
            assert route.id in offerings and route.renews == offerings[offering_id].name
            assert "http" in route.price_source and route.checked
    for offering_id in LIFETIME:
        assert routes.for_credential(offerings[offering_id].hypothetical_credential(AS_OF).credential) == []
    # CompTIA: the continuing-education route (the CE fee each year of the three, 1 CEU an hour of training)
    assert (offerings["comptia-a-plus-renewal-ce"].cost, offerings["comptia-a-plus-renewal-ce"].hours) == (75, 20)
    assert (offerings["comptia-security-plus-renewal-ce"].cost,
            offerings["comptia-security-plus-renewal-ce"].hours) == (150, 50)
    assert offerings["comptia-security-plus-certmaster-ce"].renews == "CompTIA Security+"
    # Microsoft's role-based certifications renew free each year; PMP with 60 PDUs and the fee
    assert offerings["az-104-renewal"].cost == 0 and offerings["pl-300-renewal"].cost == 0
    assert (offerings["pmp-renewal"].cost, offerings["pmp-renewal"].hours) == (150, 60)
    assert offerings["aws-saa-recertification"].cost == offerings["aws-saa"].cost
