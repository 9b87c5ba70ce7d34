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


def strongest_single_entry(pathway, *, self_attested: bool):
    """One credential claiming everything a single entry can: every skill the goal names, every manual step's tag,
    the occupation codes, the title of a job the experience requirements accept, a milestone's name, and credits
    in the unit the goal counts; a work-experience entry dated years back when self-attested."""
    nodes = list(pathway.requirements.values())
    steps = [node.step or f"step:{node.id}" for node in nodes if node.kind == "manual"]
    codes = [o for node in nodes if node.kind == "experience" for o in node.occupation if o[:2].isdigit()]
    jobs = [o for node in nodes if node.kind == "experience" for o in node.occupation if not o[:2].isdigit()]
    milestones = [n for node in nodes if node.shortcut is not None for n in sorted(node.shortcut.names)]
    unit = next((node.unit for node in nodes if node.kind == "sum" and node.unit), None)
    title = (jobs or milestones or ["Everything"])[0]
    held = cred(title, skills=[Skill(name=s) for s in every_skill(pathway)], tags=[*steps, *codes],
                self_attested=self_attested, verdict="self-asserted" if self_attested else "verified",
                achievement_type="WorkExperience" if self_attested else "Certificate", issued="2015-01-01",
                credits=200 if unit else None)
    if unit:
        held.credential.extra = {"credit_unit": unit}
    return held


@pytest.mark.parametrize("goal", sorted(builtin_pathways()))
def test_no_goal_is_met_by_one_free_certificate_or_one_self_attested_entry(goal):
    pathway = builtin_pathways()[goal]
    for offering in builtin_offerings().values():
        if offering.cost == 0:
            held = offering.hypothetical_credential(AS_OF)
            assert evaluate_pathway(pathway, [held], as_of=AS_OF).status != "met", offering.id
    # a free certificate (or any single one) claiming every skill is still one credential
    for self_attested in (True, False):
        entry = strongest_single_entry(pathway, self_attested=self_attested)
        assert evaluate_pathway(pathway, [entry], as_of=AS_OF).status != "met", self_attested
    # and the goal can be met: two credentials and the practice it asks for complete it
    second = strongest_single_entry(pathway, self_attested=False)
    assert evaluate_pathway(pathway, [strongest_single_entry(pathway, self_attested=True), second],
                            as_of=AS_OF).status == "met"


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



def test_a_renewal_window_is_set_where_the_issuer_states_one_and_cites_it():
    """Microsoft's renewal assessment opens six months before the expiry (the page each route cites says so); a
    CompTIA CE route can be done any time in the three-year cycle and an exam taken again any time: no window."""
    offerings = builtin_offerings()
    microsoft = sorted(o.id for o in offerings.values() if o.renews and o.provider == "Microsoft")
    assert microsoft == ["az-104-renewal", "dp-300-renewal", "pl-300-renewal"]
    expires = datetime.datetime(2027, 9, 1, tzinfo=datetime.timezone.utc)
    for route_id in microsoft:
        route = offerings[route_id]
        assert route.opens_before_expiry == "6mo"
        assert "open six months before the expiry" in route.price_source
        assert "https://learn.microsoft.com/credentials/certifications/renew-your-microsoft-certification" \
            in route.price_source
        assert route.renewal_opens(expires) == datetime.datetime(2027, 3, 1, tzinfo=datetime.timezone.utc)
    windowed = {o.id for o in offerings.values() if o.opens_before_expiry}
    assert windowed == set(microsoft)  # only routes that renew something have one, and only where it is stated
    assert offerings["comptia-a-plus-renewal-ce"].opens_before_expiry is None
    assert offerings["cka-recertification"].opens_before_expiry is None
