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
