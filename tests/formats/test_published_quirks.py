"""Importer behaviour found with published credentials (tests/interop): each pinned on a minimal document."""

from __future__ import annotations

import json

import pytest

from skillwallet.errors import InvalidInputError
from skillwallet.formats import parse_credential_bytes
from skillwallet.formats._common import load_json
from skillwallet.formats.ob3 import dedupe_skills
from skillwallet.model import Skill


def ob3(subject: dict) -> bytes:
    return json.dumps(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "https://issuer.example", "type": ["Profile"], "name": "Issuer"},
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": subject,
        }
    ).encode()


def test_a_line_break_inside_a_string_is_read_as_printed() -> None:
    # OB 2.0 examples page, BadgeClass Example: targetDescription wrapped across lines inside the string
    assert load_json(b'{"a": "first\n  second"}', "x.json") == {"a": "first\n  second"}


def test_a_trailing_comma_is_still_refused() -> None:
    with pytest.raises(InvalidInputError, match="malformed JSON at line 1"):
        load_json(b'{"a": 1,}', "x.json")


def test_a_subject_with_only_a_name_names_the_recipient() -> None:
    (credential,) = parse_credential_bytes(
        ob3({"type": ["AchievementSubject"], "name": "Zoey Zebrafish", "achievement": {"id": "urn:a", "type": ["Achievement"], "name": "A"}}),
        source="x.json",
    )
    assert credential.recipient == "Zoey Zebrafish"


def test_a_subject_id_wins_over_its_name() -> None:
    (credential,) = parse_credential_bytes(
        ob3({"id": "did:example:1", "type": ["AchievementSubject"], "name": "Zoey", "achievement": {"id": "urn:a", "type": ["Achievement"], "name": "A"}}),
        source="x.json",
    )
    assert credential.recipient == "did:example:1"


def test_a_repeated_alignment_with_fewer_fields_merges_into_the_first() -> None:
    first = Skill("Requirements Analysis", framework="Edmonds", code="ce-1", url=None)
    repeat = Skill("requirements analysis", framework=None, code=None, url="https://ctdl.example/1")
    (merged,) = dedupe_skills([first, repeat])
    assert (merged.name, merged.framework, merged.code, merged.url) == ("Requirements Analysis", "Edmonds", "ce-1", "https://ctdl.example/1")


def test_same_name_with_different_codes_stays_two_skills() -> None:
    skills = dedupe_skills([Skill("Teamwork", code="A"), Skill("Teamwork", code="B"), Skill("Teamwork")])
    assert [s.code for s in skills] == ["A", "B"]


@pytest.mark.parametrize(
    ("vct", "title"),
    [
        ("https://bmi.bund.example/credential/pid/1.0", "pid"),
        ("urn:eu.europa.ec.eudi:pid:1", "pid"),
        ("https://credentials.example.com/identity_credential", "identity credential"),
        ("https://example.com/education-credential/v2", "education credential"),
    ],
)
def test_an_sd_jwt_vc_named_only_by_its_vct_takes_its_last_non_version_segment(vct, title) -> None:
    from skillwallet.formats.parse import _title_from_vct

    assert _title_from_vct(vct) == title


def test_an_sd_jwt_vc_without_sub_names_its_recipient_from_the_disclosed_names() -> None:
    from skillwallet.formats.parse import _sd_jwt_recipient

    assert _sd_jwt_recipient({"given_name": "Erika", "family_name": "Mustermann"}) == "Erika Mustermann"
    assert _sd_jwt_recipient({"sub": "did:example:1", "given_name": "Erika"}) == "did:example:1"
    assert _sd_jwt_recipient({"vct": "x"}) is None


def test_an_open_badge_without_an_achievement_has_no_achievement_type() -> None:
    # 1EdTech validator ob30/simple.json: an OpenBadgeCredential whose subject has no achievement
    (credential,) = parse_credential_bytes(ob3({"id": "did:example:1", "type": ["AchievementSubject"]}), source="x.json")
    assert credential.achievement_type is None


def test_a_generic_vc_takes_its_most_specific_type_as_achievement_type() -> None:
    document = json.loads(ob3({"id": "did:example:1", "degree": {"type": "BachelorDegree", "name": "BSc"}}))
    document["type"] = ["VerifiableCredential", "UniversityDegreeCredential"]
    (credential,) = parse_credential_bytes(json.dumps(document).encode(), source="x.json")
    assert credential.achievement_type == "UniversityDegreeCredential"


def test_a_generic_vc_named_by_its_subject_takes_that_things_description() -> None:
    # Blockcerts v3: credentialSubject.claim {name, description}
    document = json.loads(ob3({"id": "did:example:1", "claim": {"name": "Master of Puppets", "description": "Awarded to those who rock"}}))
    document["type"] = ["VerifiableCredential", "BlockcertsCredential"]
    (credential,) = parse_credential_bytes(json.dumps(document).encode(), source="x.json")
    assert (credential.title, credential.description) == ("Master of Puppets", "Awarded to those who rock")


def test_hashed_recipient_with_non_ascii_characters_does_not_match_and_does_not_crash() -> None:
    """Found by the fuzz test: a hostile hashed identity with non-ASCII text once raised TypeError."""
    from skillwallet.formats.recipient import hash_identity, identity_matches

    assert not identity_matches("sha256$ñandú€", hashed=True, salt="s", candidates=["ana@example.org"])
    good = hash_identity("ana@example.org", "s")
    assert identity_matches(good, hashed=True, salt="s", candidates=["Ana@Example.org"])


# --- European Digital Credentials (MyNextID's published EDC examples, tests/interop/fixtures/mynextid-edc) -------


def edc(claim: dict, display: dict | None = None) -> bytes:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "http://data.europa.eu/snb/model/context/edc-ap"],
        "id": "urn:credential:1",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {"id": "urn:epass:org:1", "type": "Organisation", "legalName": {"en": "Issuer"}},
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "urn:epass:person:1", "type": "Person", "fullName": {"en": "John Doe"}, "hasClaim": claim},
    }
    if display is not None:
        document["displayParameter"] = {"id": "urn:epass:displayParameter:1", "type": "DisplayParameter", **display}
    return json.dumps(document).encode()


def parse_edc(claim: dict, display: dict | None = None):
    (credential,) = parse_credential_bytes(edc(claim, display), source="edc.json")
    assert credential.format == "edc"
    return credential


def achievement(**fields) -> dict:
    return {"id": "urn:epass:learningAchievement:1", "type": "LearningAchievement", "title": {"en": "Title of the Qualification"}, **fields}


def qualification(**fields) -> dict:
    return {"id": "urn:epass:qualification:1", "type": "Qualification", **fields}


def test_an_edc_with_a_generic_display_title_keeps_the_achievements_title_as_another_name() -> None:
    # The display title is the kind of document ("Degree Certificate"); a pathway names the qualification.
    credential = parse_edc(
        achievement(title={"en": "Master of Science"}, specifiedBy=qualification(title={"en": "Master of Science (ETH)"})),
        {"title": {"en": "Degree Certificate"}},
    )
    assert credential.title == "Degree Certificate"
    assert credential.achievement_aliases == ["Master of Science", "Master of Science (ETH)"]


def test_an_edc_titled_by_its_achievement_repeats_no_name() -> None:
    credential = parse_edc(achievement(specifiedBy=qualification(title={"en": "Title of the Qualification"})))
    assert credential.title == "Title of the Qualification"
    assert credential.achievement_aliases == []


def test_an_edc_is_described_by_its_achievement_not_by_the_awarding_words_on_its_face() -> None:
    # MyNextID's mapping puts the form's awardingStatement ("is awarded to") in displayParameter.description.
    credential = parse_edc(
        achievement(description={"en": "For the completion of the short course on Developmental Psychology I."}),
        {"title": {"en": "Microcredential"}, "description": {"en": "is awarded to"}},
    )
    assert credential.description == "For the completion of the short course on Developmental Psychology I."
    without = parse_edc(achievement(), {"title": {"en": "Microcredential"}, "description": {"en": "is awarded to"}})
    assert without.description == "is awarded to"  # nothing else describes it: the display text is all there is


@pytest.mark.parametrize(
    ("volume", "hours"),
    [("PT60H", 60.0), ("PT1H30M", 1.5), ("PT90M", 1.5), ("P2D", None), ("P1DT2H", None), ("PT", None), ("60", None),
     ("PT" + "9" * 400 + "H", None)],
)
def test_an_edc_volume_of_learning_is_read_in_hours_only_when_stated_in_time_units(volume, hours) -> None:
    # ELM volumeOfLearning is an xsd:duration; a day or a month of learning is no fixed number of hours
    credential = parse_edc(achievement(specifiedBy=qualification(volumeOfLearning=volume)))
    assert credential.hours == hours


def test_an_edc_result_is_the_grade_of_its_one_assessment() -> None:
    def assessment(n: int, grade: str) -> dict:
        note = {"id": f"urn:epass:note:{n}", "type": "Note", "noteLiteral": {"en": grade}}
        return {"id": f"urn:epass:learningAssessment:{n}", "type": "LearningAssessment", "title": {"en": "Exam"}, "grade": note}

    assert parse_edc(achievement(provenBy=assessment(1, "Pass"))).result == "Pass"
    assert parse_edc(achievement(provenBy=[assessment(1, "Pass")])).result == "Pass"
    # two assessments, two grades: neither is the achievement's own result
    assert parse_edc(achievement(provenBy=[assessment(1, "Pass"), assessment(2, "B")])).result is None
    assert parse_edc(achievement()).result is None


@pytest.mark.parametrize(("point", "credits"), [("5", 5.0), ("7,5", 7.5), (6, 6.0), ("NaN", None), ("inf", None), ("1e999", None), ("five", None)])
def test_an_edc_credit_point_is_a_finite_number_or_none(point, credits) -> None:
    # NaN or an infinity of credits would meet any credits requirement and make `--json` output that is not JSON
    framework = {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "type": "Concept",
                 "prefLabel": {"en": "European Credit Transfer System"}}
    credit = {"id": "urn:epass:creditPoint:1", "type": "CreditPoint", "point": point, "framework": framework}
    credential = parse_edc(achievement(specifiedBy=qualification(creditPoint=credit)))
    assert credential.credits == credits
    assert json.loads(json.dumps(credential.to_dict(), allow_nan=False))["credits"] == credits


def test_an_edc_takes_the_first_credit_point_that_is_a_number() -> None:
    points = [{"id": "urn:epass:creditPoint:1", "type": "CreditPoint", "point": "NaN"},
              {"id": "urn:epass:creditPoint:2", "type": "CreditPoint", "point": "3"}]
    assert parse_edc(achievement(specifiedBy=qualification(creditPoint=points))).credits == 3.0


def test_an_edc_stating_national_credits_beside_ects_keeps_the_ects_ones() -> None:
    # ELM lets a qualification state its credits in several systems (CreditPoint.framework, a concept of the
    # Europass education-credit list): a national system first, ECTS second; a credit sum compares ECTS
    national = {"id": "http://data.europa.eu/snb/education-credit/60b314e826", "type": "Concept",
                "prefLabel": {"en": "Spanish health professions credits"}}
    ects = {"id": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "type": "Concept",
            "prefLabel": {"en": "European Credit Transfer System"}}
    points = [{"id": "urn:epass:creditPoint:1", "type": "CreditPoint", "point": "12", "framework": national},
              {"id": "urn:epass:creditPoint:2", "type": "CreditPoint", "point": "7,5", "framework": ects}]
    credential = parse_edc(achievement(specifiedBy=qualification(creditPoint=points)))
    assert credential.credits == 7.5
    assert credential.extra["credit_framework"] == ects["id"]
    assert credential.extra["credit_unit"] == "European Credit Transfer System"
    only_national = parse_edc(achievement(specifiedBy=qualification(creditPoint=points[:1])))
    assert only_national.credits == 12.0 and only_national.extra["credit_framework"] == national["id"]
