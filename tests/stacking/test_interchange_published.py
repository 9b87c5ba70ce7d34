"""Importing pathways as they are published: Credential Engine registry graphs, the Pathway Work Group's draft
encoding, and Badgr's API (files under fixtures/published, sources in SOURCES.md), then evaluating the result
against credentials that complete it and ones that do not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli_w

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode, InvalidPathwayError
from skillwallet.stacking.evaluate import evaluate_pathway
from skillwallet.stacking.pathway_import import import_pathway_documents
from skillwallet.stacking.model import load_pathway_toml, pathway_to_dict

from .helpers import AS_OF, cred, wallet_holding

PUBLISHED = Path(__file__).parent / "fixtures" / "published"
COMPTIA = "comptia-it-networking-specialist.jsonld"
DRAFT = "ctdl-pathway-conditions-draft.json"
BADGR = "badgr-ui-imperial-bootcamp.json"
BADGES = "https://api.review.badgr.io/public/badges/"
COMPTIA_ROUTE = ["CompTIA A+", "CompTIA Network+", "CompTIA Security+", "CompTIA Project+",
                 "CompTIA Cloud Essentials+", "CompTIA Linux+", "CompTIA Server+", "CompTIA Cloud+"]


def published(name: str):
    (result,) = import_pathway_documents([(name, (PUBLISHED / name).read_text())])
    return result


def status(pathway, creds):
    return evaluate_pathway(pathway, creds, as_of=AS_OF)


# ------------------------------------------------------------------------------------------ CompTIA registry graph


def test_comptia_registry_graph_structure():
    result = published(COMPTIA)
    pathway = result.pathway
    assert result.format == "ctdl" and pathway.name == "IT Networking Specialist Pathway"
    assert pathway.id == "ce-cc62e516-f95d-4306-a11a-c0ecc39d835f"
    # hasDestinationComponent names Cloud+; each certification's condition (1 of 1) leads down to A+
    node = pathway.requirements[pathway.root]
    chain = []
    while node.kind == "all":
        condition, credential = (pathway.requirements[c] for c in node.children)
        assert credential.kind == "credential" and node.shortcut is None
        assert node.completes_with.names == credential.match.names
        chain.append(credential.label)
        node = pathway.requirements[condition.children[0]]
    chain.append(node.label)
    assert node.kind == "credential" and chain == list(reversed(COMPTIA_ROUTE))
    unmapped = "\n".join(result.unmapped)
    assert "hasProgressionModel https://credentialengineregistry.org/resources/ce-cb87723a" in unmapped
    assert "progression levels on 8 component(s)" in unmapped
    assert "Certification resources used directly" in unmapped
    assert "not reached from the pathway's destination: IT Networking Specialist" in unmapped
    # the TOML written is a valid native pathway with the same requirements
    assert load_pathway_toml(result.toml, "again").requirements.keys() == pathway.requirements.keys()


def test_comptia_evaluation_follows_the_certification_route():
    pathway = published(COMPTIA).pathway
    everything = status(pathway, [cred(name) for name in COMPTIA_ROUTE])
    assert everything.status == "met" and everything.destination_held is True
    start = status(pathway, [cred("CompTIA A+")])
    assert start.status == "partial" and start.missing == COMPTIA_ROUTE[1:]
    almost = status(pathway, [cred(name) for name in COMPTIA_ROUTE[:-1]])
    assert almost.status == "partial" and almost.missing == ["CompTIA Cloud+"] and almost.progress == 0.5
    # the published name has a leading space (" CompTIA Cloud Essentials+"): matched all the same
    midway = status(pathway, [cred("CompTIA Cloud Essentials+")])
    # holding a certification midway is its step of the route, not the steps below it
    assert midway.missing == [name for name in COMPTIA_ROUTE if name != "CompTIA Cloud Essentials+"]
    assert status(pathway, [cred("CompTIA Cloud+", expires="2025-01-01")]).status == "unmet"
    assert status(pathway, [cred("Cisco CCNA")]).status == "unmet"


# ------------------------------------------------------------------------------------ 2018 Pathway Work Group draft


def test_draft_encoding_structure():
    result = published(DRAFT)
    pathway = result.pathway
    assert pathway.id == "a7f231f4-21cb-4ba3-8c03-4f7a5f67781c"
    root = pathway.requirements[pathway.root]
    # the unnamed destination credential is reached through its condition, the unnamed assessment likewise
    assert root.kind == "all" and root.completes_with is None and len(root.children) == 1
    either = pathway.requirements[root.children[0]]
    assert either.kind == "any" and either.label == "Select one or the other of the two options"
    two_of_three, course_a = (pathway.requirements[c] for c in either.children)
    assert two_of_three.kind == "at_least" and two_of_three.n == 2
    assert [pathway.requirements[c].label for c in two_of_three.children] == ["Course B", "Course C", "Course D"]
    assert two_of_three.label == "2 of: Course B, Course C, Course D"
    course_a = pathway.requirements[course_a.children[0]]
    # "@en-US" language keys are read; Course A is reached by two of B, C, D or by holding it
    assert course_a.label == "Course A" and course_a.kind == "at_least" and course_a.completes_with is not None
    unmapped = "\n".join(result.unmapped)
    assert "reqNum = 2 read as at least 2" in unmapped
    assert "has no name or code" in unmapped


@pytest.mark.parametrize("held, expected", [
    (["Course B", "Course D"], "met"),
    (["Course A"], "unmet"),  # Course A's condition is what completes it (CTDL ComponentCondition)
    (["Course B", "Course C", "Course D"], "met"),
    (["Course C"], "partial"),
    (["Course E"], "unmet"),
])
def test_draft_encoding_evaluation(held, expected):
    evaluation = status(published(DRAFT).pathway, [cred(name, achievement_type="Course") for name in held])
    assert evaluation.status == expected
    if expected == "partial":
        assert evaluation.missing == ["one of: 2 of: Course B, Course C, Course D, Course A"]


# ---------------------------------------------------------------------------------------------------- Badgr API


def test_badgr_api_detail_structure():
    result = published(BADGR)
    pathway = result.pathway
    assert result.format == "badgr" and pathway.id == "imperial-bootcamp"
    root = pathway.requirements[pathway.root]
    # no requirements on the root: its child elements; its http:// completion badge is matched in both schemes
    assert root.kind == "all" and list(root.children) == ["child", "my-child"]
    assert root.shortcut.achievement_ids == {BADGES + "sunsploder", BADGES.replace("https", "http") + "sunsploder"}
    child = pathway.requirements["child"]
    assert child.kind == "any" and len(child.children) == 2
    assert len(pathway.requirements["getting-nested-more"].children) == 15
    my_child = pathway.requirements["my-child"]
    assert my_child.kind == "all" and len(my_child.children) == 4
    assert [pathway.requirements[c].kind for c in my_child.children] == ["any", "manual", "manual", "manual"]
    unmapped = "\n".join(result.unmapped)
    assert "'Nested Child' has an empty badge or element list (Badgr never completes it)" in unmapped
    assert "'Sibling Nested More' has no completion requirements" in unmapped
    assert "'Imperial Bootcamp' has no completion requirements: all its child elements are required" in unmapped
    assert "badges listed on 2 element(s)" in unmapped


def test_badgr_api_detail_evaluation():
    pathway = published(BADGR).pathway
    # the completion badge, as Badgr's API wrote it (http://), completes the pathway
    assert status(pathway, [cred("Sunsploder", achievement_id="http://api.review.badgr.io/public/badges/sunsploder",
                                 achievement_type="Badge")]).status == "met"
    badges = [cred("Empire Awesome", achievement_id=BADGES + "empire-awesome"),
              cred("Team Work", achievement_id=BADGES + "team-work")]
    evaluation = status(pathway, badges)
    assert evaluation.status == "partial"
    assert evaluation.missing == ["Sibling Nested More", "Another Nested Child", "Nested Child"]
    steps = [cred(f"step {s}", tags=[f"step:{s}"], self_attested=True, achievement_type="SelfAttested")
             for s in ("sibling-nested-more", "another-nested-child", "nested-child")]
    assert status(pathway, badges + steps).status == "met"
    # a badge the pathway does not name counts for nothing
    assert status(pathway, [cred("Other", achievement_id=BADGES + "unrelated")]).status == "unmet"


def test_badgr_pathway_list_without_structure_is_named():
    text = (PUBLISHED / "badgr-ui-issuer-pathway-list.json").read_text()
    with pytest.raises(InvalidPathwayError) as info:
        import_pathway_documents([("list.json", text)])
    assert "'Imperial Bootcamp' has no elements" in info.value.message


# ------------------------------------------------------------------------------- CLI: import and validate


def test_cli_imports_every_published_file_and_validates_the_result(tmp_path, capsys):
    names = (COMPTIA, DRAFT, BADGR, "unt-french-ba-marketable-skills.json")
    files = [str(PUBLISHED / name) for name in names]
    assert run(["pathways", "import", *files, "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_source = {Path(p["source"]).name: p for p in data["pathways"]}
    assert set(by_source) == set(names)
    assert all(p["unmapped"] and not p["stored"] for p in by_source.values())
    for name in names:
        result = published(name)
        toml_file = tmp_path / f"{result.pathway.id}.toml"
        toml_file.write_text(result.toml)
        assert run(["pathways", "validate", str(toml_file)]) == 0
        err = capsys.readouterr().err
        assert f"valid pathway {result.pathway.id!r} ({len(result.pathway.requirements)} requirements)" in err


# ------------------------------------------------------------ shapes from published files not kept as fixtures


def test_value_profile_credits_compact_iris_and_abbreviated_targets():
    """Shapes of the Kansas Hutchinson Welding AAS example (see SOURCES.md)."""
    graph = {"@id": "graph:ce-e05d6bfa", "@graph": [
        {"@id": "res:ce-e05d6bfa", "@type": "ceterms:Pathway", "ceterms:name": {"en": "Welding Technology - AAS"},
         "ceterms:hasDestinationComponent": ["res:ce-5c1a3969"]},
        {"@id": "res:ce-5c1a3969", "@type": "ceterms:CredentialComponent",
         "ceterms:hasCondition": [
             {"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 2,
              "ceterms:targetComponent": ["res:ce-55855116", "res:ce-b3900b70"]},
             {"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 1,
              "ceterms:name": {"en": "WE116 or WE118"},
              "ceterms:targetComponent": ["res:ce-53bbbf4f", "res:ce-9223c4ee"]},
             {"@type": "ceterms:ComponentCondition", "ceterms:requiredNumber": 1,
              "ceterms:name": {"en": "Welding Social Science Options"}, "ceterms:targetComponent": ["(5 URIs)"]}]},
        {"@id": "res:ce-55855116", "@type": "ceterms:CourseComponent", "ceterms:codedNotation": "WE111",
         "ceterms:name": {"en": "Gas Metal Arc Welding II"},
         "ceterms:creditValue": [{"@type": "ceterms:ValueProfile", "schema:value": 3}]},
        {"@id": "res:ce-b3900b70", "@type": "ceterms:CourseComponent", "ceterms:codedNotation": "WE108",
         "ceterms:name": {"en": "Cutting Processes for Welding"},
         "ceterms:creditValue": [{"@type": "schema:QuantitativeValue", "schema:minValue": 2, "schema:maxValue": 4,
                                  "ceterms:creditUnitType": "creditUnit:SemesterHour"}]},
        {"@id": "res:ce-53bbbf4f", "@type": "ceterms:CourseComponent", "ceterms:codedNotation": "WE116",
         "ceterms:name": {"en": "Flux Cored Arc Welding"}},
        {"@id": "res:ce-9223c4ee", "@type": "ceterms:CourseComponent", "ceterms:codedNotation": "WE118",
         "ceterms:name": {"en": "Industrial Robotic Welding"}},
    ]}
    (result,) = import_pathway_documents([("welding.json", json.dumps(graph))])
    pathway = result.pathway
    assert pathway.requirements["ce-55855116"].credits == 3
    assert pathway.requirements["ce-b3900b70"].credits == 2
    unmapped = "\n".join(result.unmapped)
    assert "(5 URIs)" in unmapped and "credit range counted at its minimum (2)" in unmapped
    assert "creditUnit:SemesterHour" in unmapped
    # matched by name or by course code
    courses = [cred("Gas Metal Arc Welding II", achievement_type="Course"), cred("WE108", achievement_type="Course")]
    assert status(pathway, courses).status == "partial"
    assert status(pathway, courses + [cred("WE118", achievement_type="Course")]).status == "met"


def test_expanded_sum_constraint_with_vocabulary_iris():
    """Shapes of the Heriot-Watt example (see SOURCES.md): expanded JSON-LD, compare:GTEQ over schema:value."""
    terms = "https://purl.org/ctdl/terms/"

    def course(ident: str, name: str, credits: int) -> dict:
        return {"@id": ident, "@type": [terms + "CourseComponent"],
                terms + "name": [{"@language": "en", "@value": name}],
                terms + "creditValue": [{"@type": [terms + "ValueProfile"],
                                         "http://schema.org/value": [{"@value": credits}]}],
                terms + "precedes": [{"@id": "http://example.org/resources/next"}]}

    graph = [
        {"@id": "http://example.org/p", "@type": [terms + "Pathway"],
         terms + "name": [{"@language": "en", "@value": "BSc Computer Science stage"}],
         terms + "hasDestinationComponent": [{"@id": "http://example.org/stage"}]},
        {"@id": "http://example.org/stage", "@type": [terms + "BasicComponent"],
         terms + "name": [{"@language": "en", "@value": "Stage 4"}],
         terms + "hasCondition": [{"@id": "http://example.org/cond"}]},
        {"@id": "http://example.org/cond", "@type": [terms + "ComponentCondition"],
         terms + "description": [{"@value": "Stage 4 Constraint Group: [(courseCredits = 90)]"}],
         terms + "hasConstraint": [{"@id": "_:b35"}, {"@id": "_:b34"}],
         terms + "targetComponent": [{"@id": "http://example.org/c1"}, {"@id": "http://example.org/c2"},
                                     {"@id": "http://example.org/c3"}]},
        {"@id": "_:b35", "@type": [terms + "Constraint"],
         terms + "comparator": [{"@id": "https://purl.org/ctdl/vocabs/compare/GTEQ"}],
         terms + "leftAction": [{"@id": "https://purl.org/ctdl/vocabs/array/Sum"}],
         terms + "leftSource": [{"@id": "https://schema.org/value"}],
         terms + "rightSource": [{"@value": 90}]},
        {"@id": "_:b34", "@type": [terms + "Constraint"],
         terms + "comparator": [{"@id": "https://purl.org/ctdl/vocabs/compare/EQ"}],
         terms + "leftSource": [{"@id": "https://example.edu/studentData/resit"}],
         terms + "rightSource": [{"@value": False}]},
        course("http://example.org/c1", "Software Engineering", 45),
        course("http://example.org/c2", "Dissertation", 30),
        course("http://example.org/c3", "Distributed Systems", 15),
    ]
    (result,) = import_pathway_documents([("hw.json", json.dumps(graph))])
    pathway = result.pathway
    root = pathway.requirements[pathway.root]
    assert root.kind == "sum" and root.minimum == 90 and len(root.children) == 3
    unmapped = "\n".join(result.unmapped)
    assert "resit" in unmapped and "precedes" in unmapped
    held = [cred("Software Engineering", credits=45), cred("Dissertation", credits=30)]
    evaluation = status(pathway, held)
    assert evaluation.status == "partial" and evaluation.progress == pytest.approx(75 / 90)
    assert status(pathway, held + [cred("Distributed Systems", credits=15)]).status == "met"


# ------------------------------------------------------------------ a Badgr pathway published to the registry

FRENCH = "unt-french-ba-marketable-skills.json"
SKILLS = {"Collect and Analyze Data in French": 3, "Critical Thinking in French": 4,
          "Interpersonal Communication in French": 4, "Multicultural/Diversity Competencies in French": 3,
          "Oral and Written Communication in French": 4}


def test_badgr_pathway_published_as_ctdl_structure():
    result = published(FRENCH)
    pathway = result.pathway
    assert pathway.name == "French B.A. Marketable Skills"
    root = pathway.requirements[pathway.root]
    # the destination badge has five skill badges as children and no condition: all five, or the badge itself
    assert root.kind == "all" and root.shortcut.names == {"Marketable Skills in French"}
    skills = {pathway.requirements[c].label: pathway.requirements[c] for c in root.children}
    assert {label: node.n for label, node in skills.items()} == SKILLS
    # each skill badge's condition is its route; holding the badge itself is kept as completes_with
    assert all(node.kind == "at_least" and node.completes_with is not None for node in skills.values())
    leaves = [n for n in pathway.requirements.values() if n.kind == "credential"]
    assert len(leaves) == 24 and all(n.label.endswith(")") for n in leaves)
    unmapped = "\n".join(result.unmapped)
    assert "'Marketable Skills in French' has children but no condition" in unmapped
    assert "credentialType DigitalBadge on 30 component(s)" in unmapped
    assert len(result.unmapped) == 2  # one line per kind of thing, not one per component


def test_badgr_pathway_published_as_ctdl_evaluation():
    pathway = published(FRENCH).pathway
    badges = [n.label for n in pathway.requirements.values() if n.kind == "credential"]
    lower = [b for b in badges if "(FREN 204" in b or "(FREN 205" in b]
    upper = [b for b in badges if "(FREN 305" in b]
    assert len(lower) == 4 and len(upper) == 4

    def held(names):
        return [cred(name, achievement_type="Badge") for name in names]

    assert status(pathway, held(badges)).status == "met"
    assert status(pathway, held(["Marketable Skills in French"])).status == "met"
    # every skill asks N of M course groups: either level of courses may be missing, not both
    assert status(pathway, held(b for b in badges if b not in lower)).status == "met"
    assert status(pathway, held(b for b in badges if b not in upper)).status == "met"
    evaluation = status(pathway, held(b for b in badges if b not in lower + upper))
    assert evaluation.status == "partial"
    by_skill = {child.label: child.status for child in evaluation.tree.children}
    assert by_skill == {"Collect and Analyze Data in French": "met", "Critical Thinking in French": "partial",
                        "Interpersonal Communication in French": "partial",
                        "Multicultural/Diversity Competencies in French": "partial",
                        "Oral and Written Communication in French": "partial"}
    assert "one of: French 2040/2050, French 3050/3055" in evaluation.missing
    # three badges for three of the four course groups complete one skill, and nothing else
    one_skill = status(pathway, held(["Guided Writing (FREN 2040)", "Essay on French Movie (FREN 3040)",
                                      "Debate (FREN 3065)"]))
    assert one_skill.status == "partial"
    assert {c.label: c.status for c in one_skill.tree.children}["Collect and Analyze Data in French"] == "met"
    assert status(pathway, held(["Spanish Debate (SPAN 3065)"])).status == "unmet"


def test_cli_validates_published_json_directly_and_lists_what_is_not_mapped(capsys):
    """`pathways validate` reads CTDL / Badgr JSON as `pathways import` does, and says what it cannot map."""
    for name in (COMPTIA, DRAFT, BADGR):
        result = published(name)
        assert run(["pathways", "validate", str(PUBLISHED / name)]) == 0
        err = capsys.readouterr().err
        assert f"valid {result.format} pathway {result.pathway.id!r}" in err
        assert err.count("not mapped: ") == len(result.unmapped)


def test_cli_validate_refuses_json_that_is_no_pathway(tmp_path, capsys):
    bad = tmp_path / "not-a-pathway.json"
    bad.write_text('{"name": "hello"}')
    assert run(["pathways", "validate", str(bad)]) == ExitCode.INVALID_PATHWAY
    assert "neither a CTDL pathway" in capsys.readouterr().err


def test_comptia_route_is_required_and_the_destination_is_shown_beside_it():
    """ceterms:ComponentCondition is what must be done to complete a component, as the pathway's issuer
    determines: Cloud+ and six others without Security+ is partial, Security+ missing; holding Cloud+ is
    reported beside the route (destination_held), never folded into the status."""
    pathway = published(COMPTIA).pathway
    held = [cred(name) for name in COMPTIA_ROUTE if name != "CompTIA Security+"]
    evaluation = status(pathway, held)
    assert evaluation.status == "partial" and evaluation.missing == ["CompTIA Security+"]
    assert evaluation.destination_held is True and evaluation.to_dict()["destination_held"] is True
    alone = status(pathway, [cred("CompTIA Cloud+")])
    assert alone.status == "partial" and alone.destination_held is True
    assert alone.missing == COMPTIA_ROUTE[:-1]
    assert status(pathway, [cred("CompTIA A+")]).destination_held is False


def test_conditions_policy_destination_reads_the_credential_as_completing_the_branch():
    """A publisher who meant award prerequisites sets [policy] conditions = "destination"."""
    def with_destination_policy(name):
        document = pathway_to_dict(published(name).pathway)
        document["policy"]["conditions"] = "destination"
        return load_pathway_toml(tomli_w.dumps(document), f"{name}.toml")

    pathway = with_destination_policy(COMPTIA)
    assert pathway.policy.conditions == "destination"
    alone = status(pathway, [cred("CompTIA Cloud+")])
    assert alone.status == "met"
    assert alone.tree.credentials[0]["via"] == "shortcut"
    assert 'policy conditions = "destination"' in alone.tree.credentials[0]["rule"]
    draft = with_destination_policy(DRAFT)
    assert status(draft, [cred("Course A", achievement_type="Course")]).status == "met"


def test_badgr_completion_badge_keeps_its_shortcut_meaning():
    pathway = published(BADGR).pathway
    assert pathway.policy.conditions == "route"
    shortcuts = [n for n in pathway.requirements.values() if n.shortcut is not None]
    assert shortcuts and not any(n.completes_with for n in pathway.requirements.values())


def test_cli_says_the_destination_is_held_beside_the_route(passphrase, tmp_path, capsys):
    wallet_holding(passphrase, *[cred(name) for name in COMPTIA_ROUTE if name != "CompTIA Security+"])
    assert run(["pathways", "import", str(PUBLISHED / COMPTIA)]) == 0
    capsys.readouterr()
    goal = "ce-cc62e516-f95d-4306-a11a-c0ecc39d835f"
    assert run(["stack", "--goal", goal, "--json", "--as-of", "2025-06-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "partial" and data["destination_held"] is True and data["missing"] == ["CompTIA Security+"]
    assert run(["stack", "--goal", goal, "--as-of", "2025-06-01"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "You hold CompTIA Cloud+ (the destination); the pathway's route also lists CompTIA Security+" in out
