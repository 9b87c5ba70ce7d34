"""CTDL and Badgr import: real shapes (compact, expanded, split files), evaluation of the result, and what is
reported as not mapped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillwallet.errors import InvalidPathwayError
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.pathway_import import import_pathway_documents
from skillwallet.stacking.model import load_pathway_toml

from .helpers import AS_OF, cred

FIXTURES = Path(__file__).parent / "fixtures"


def docs(*names: str) -> list[tuple[str, str]]:
    return [(name, (FIXTURES / name).read_text()) for name in names]


def test_ctdl_with_components_in_a_separate_file():
    (result,) = import_pathway_documents(docs("ctdl_pathway.json", "ctdl_components.json"))
    pathway = result.pathway
    assert result.format == "ctdl" and pathway.name == "Information Technology Support Pathway"
    # the TOML written is itself a valid native pathway
    assert load_pathway_toml(result.toml, "again").requirements.keys() == pathway.requirements.keys()
    root = pathway.requirements[pathway.root]
    assert root.kind == "all" and len(root.children) == 3 and root.completes_with is not None
    core, choice, electives = (pathway.requirements[c] for c in root.children)
    assert core.kind == "all" and choice.kind == "any"
    assert electives.kind == "sum" and electives.minimum == 6 and len(electives.children) == 3
    assert pathway.requirements["ce-internship"].min_months == pytest.approx(3.0)
    assert any("precedes" in u for u in result.unmapped)
    assert any("hasProgressionModel" in u for u in result.unmapped)

    creds = [cred("IT Fundamentals", achievement_type="Course"), cred("NET 110 Networking", achievement_type="Course"),
             cred("CompTIA A+"), cred("Security Fundamentals", credits=4, achievement_type="Course")]
    evaluation = evaluate_pathway(pathway, creds, as_of=AS_OF)
    assert evaluation.status == "partial"
    # IT 101 by name, NET 110 not (its title differs); 4 of 6 elective credits
    assert any("Networking Essentials" in m for m in evaluation.missing)
    creds += [cred("NET 110", achievement_type="Course"), cred("Linux Administration", achievement_type="Course")]
    assert evaluate_pathway(pathway, creds, as_of=AS_OF).status == "met"
    # holding the destination credential is shown beside the route, which it does not replace (CTDL: the
    # conditions are what must be done to complete the component)
    only_destination = evaluate_pathway(pathway, [cred("IT Support Technician Certificate")], as_of=AS_OF)
    assert only_destination.status == "unmet" and only_destination.destination_held is True


def test_components_missing_from_the_call_are_named():
    with pytest.raises(InvalidPathwayError) as info:
        import_pathway_documents(docs("ctdl_pathway.json"))
    assert "ce-course-it101" in info.value.message and "not in the given files" in info.value.message
    assert "separate file" in info.value.hints[0]


def test_ctdl_expanded_json_ld_bare_array():
    (result,) = import_pathway_documents(docs("ctdl_expanded.json"))
    pathway = result.pathway
    root = pathway.requirements[pathway.root]
    assert root.kind == "at_least" and root.n == 2 and len(root.children) == 3
    evaluation = evaluate_pathway(pathway, [cred("Course", skills=["Python 3", "SQL"])], as_of=AS_OF)
    assert evaluation.status == "partial"  # one credential, two competencies: counted once (no double counting)
    evaluation = evaluate_pathway(pathway, [cred("A", skills=["Python 3"]), cred("B", skills=["SQL"])], as_of=AS_OF)
    assert evaluation.status == "met"


def test_badgr_export_junctions_and_completion_badge():
    (result,) = import_pathway_documents(docs("badgr_pathway.json"))
    pathway = result.pathway
    assert result.format == "badgr" and pathway.id == "web-foundations"
    assert pathway.requirements["markup"].kind == "all" and pathway.requirements["scripting"].kind == "any"
    assert any("Showcase" in u for u in result.unmapped)
    badges = [cred("HTML", achievement_id="https://api.badgr.io/public/badges/html-basics", achievement_type="Badge"),
              cred("CSS", achievement_id="https://api.badgr.io/public/badges/css-basics", achievement_type="Badge")]
    evaluation = evaluate_pathway(pathway, badges, as_of=AS_OF)
    assert evaluation.status == "partial" and evaluation.missing == ["one of: js-basics, js-dom"]
    badges.append(cred("DOM", achievement_id="https://api.badgr.io/public/badges/js-dom"))
    assert evaluate_pathway(pathway, badges, as_of=AS_OF).status == "met"
    done = [cred("Done", achievement_id="https://api.badgr.io/public/badges/web-foundations-complete")]
    assert evaluate_pathway(pathway, done, as_of=AS_OF).status == "met"


def test_badgr_impossible_required_number_and_cycles_are_rejected():
    data = json.loads((FIXTURES / "badgr_pathway.json").read_text())
    data["elements"][2]["requirements"]["junctionConfig"]["requiredNumber"] = 5
    with pytest.raises(InvalidPathwayError) as info:
        import_pathway_documents([("b.json", json.dumps(data))])
    assert "can never be met" in info.value.message
    data = json.loads((FIXTURES / "badgr_pathway.json").read_text())
    data["elements"][1]["requirements"] = {"@type": "ElementJunction", "junctionConfig": {"@type": "Conjunction"},
                                           "elements": [data["elements"][0]["@id"]]}
    with pytest.raises(InvalidPathwayError) as info:
        import_pathway_documents([("b.json", json.dumps(data))])
    assert "cycle" in info.value.message


@pytest.mark.parametrize("text, fragment", [
    ("{not json", "not valid JSON"),
    ('{"hello": "world"}', "neither a CTDL pathway"),
    ('{"@graph": [{"@type": "ceterms:Credential", "ceterms:name": "x"}]}', "no ceterms:Pathway"),
])
def test_malformed_inputs(text, fragment):
    with pytest.raises(InvalidPathwayError) as info:
        import_pathway_documents([("x.json", text)])
    assert fragment in info.value.message


def test_ctdl_registry_envelope_nested_conditions_and_logical_or():
    graph = {
        "envelope_id": "e1",
        "decoded_resource": {
            "@context": "https://credreg.net/ctdl/schema/context/json",
            "@graph": [
                {"@id": "https://r.example/p", "@type": "ceterms:Pathway", "ceterms:name": {"en": "Nested"},
                 "ceterms:hasDestinationComponent": "https://r.example/dest"},
                {"@id": "https://r.example/dest", "@type": "ceterms:BasicComponent", "ceterms:name": {"en": "Goal"},
                 "ceterms:hasCondition": [{
                     "@type": "ceterms:ComponentCondition", "ceterms:name": {"en": "Either route"},
                     "ceterms:logicalOperator": {"@id": "logical:Or"},
                     "ceterms:hasCondition": [
                         {"@type": "ceterms:ComponentCondition", "ceterms:name": {"en": "Route A"},
                          "ceterms:requiredNumber": 2,
                          "ceterms:targetComponent": ["https://r.example/a1", "https://r.example/a2"]},
                         {"@type": "ceterms:ComponentCondition", "ceterms:name": {"en": "Route B"},
                          "ceterms:targetComponent": ["https://r.example/b1"]},
                     ]}]},
                {"@id": "https://r.example/a1", "@type": "ceterms:CompetencyComponent", "ceterms:name": {"en": "SQL"}},
                {"@id": "https://r.example/a2", "@type": "ceterms:CompetencyComponent", "ceterms:name": {"en": "Excel"}},
                {"@id": "https://r.example/b1", "@type": "ceterms:CredentialComponent",
                 "ceterms:name": {"en": "Data Analyst Certificate"}},
            ],
        },
    }
    (result,) = import_pathway_documents([("envelope.json", json.dumps(graph))])
    pathway = result.pathway
    root = pathway.requirements[pathway.root]
    assert root.kind == "any" and len(root.children) == 2
    assert evaluate_pathway(pathway, [cred("X", skills=["SQL"]), cred("Y", skills=["Microsoft Excel"])],
                            as_of=AS_OF).status == "met"
    assert evaluate_pathway(pathway, [cred("Data Analyst Certificate")], as_of=AS_OF).status == "met"
    assert evaluate_pathway(pathway, [cred("X", skills=["SQL"])], as_of=AS_OF).status == "partial"


def test_ctdl_is_child_of_builds_the_hierarchy_when_there_is_no_destination():
    graph = [
        {"@id": "https://r.example/p2", "@type": "ceterms:Pathway", "ceterms:name": {"en": "Children"}},
        {"@id": "https://r.example/c1", "@type": "ceterms:CourseComponent", "ceterms:name": {"en": "Course One"},
         "ceterms:isChildOf": ["https://r.example/p2"], "ceterms:pointValue": {"schema:value": 10}},
        {"@id": "https://r.example/c2", "@type": "ceterms:CourseComponent", "ceterms:name": {"en": "Course Two"},
         "ceterms:isChildOf": ["https://r.example/p2"]},
    ]
    (result,) = import_pathway_documents([("children.json", json.dumps(graph))])
    root = result.pathway.requirements[result.pathway.root]
    assert root.kind == "all" and len(root.children) == 2
    assert any("pointValue" in u for u in result.unmapped)
    assert any("every hasChild component is required" in u for u in result.unmapped)


def test_ctdl_work_experience_is_relevant_through_its_occupation_type():
    graph = {"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [
        {"@id": "p", "@type": "ceterms:Pathway", "ceterms:name": "Support", "ceterms:hasDestinationComponent": "w"},
        {"@id": "w", "@type": "ceterms:WorkExperienceComponent", "ceterms:name": "A year in IT support",
         "ceterms:minimumDuration": "P1Y",
         "ceterms:occupationType": [{"@type": "ceterms:CredentialAlignmentObject", "ceterms:codedNotation": "15-1232.00",
                                     "ceterms:targetNodeName": {"en-US": "Computer User Support Specialists"}}]},
    ]}
    [result] = import_pathway_documents([("support.json", json.dumps(graph))])
    node = result.pathway.requirements[result.pathway.root]
    assert node.occupation == ("15-1232.00", "Computer User Support Specialists")

    def job(title):
        entry = cred(title, achievement_type="ext:WorkExperience", issued="2023-01-01")
        entry.credential.extra.update({"activity_start": "2023-01-01T00:00:00Z", "activity_end": "2023-12-31T00:00:00Z"})
        return entry

    assert evaluate_pathway(result.pathway, [job("Barista")], as_of=AS_OF).status == "unmet"
    assert evaluate_pathway(result.pathway, [job("Computer user support specialist")], as_of=AS_OF).status == "met"
