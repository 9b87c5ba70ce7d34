"""Unsigned fields smuggled into a genuinely signed credential through JSON-LD constructs.

An rdfc signature covers the canonical N-Quads, not the JSON. Some JSON-LD constructs keep JSON through
expansion without producing a triple, so the attacker can add them to a credential someone else signed and the
signature still matches: a keyword alias in an inline context (JSON-LD 1.1 §4.1.3), ``@index`` ("not used for
RDF", §4.6.1), ``@nest`` (§4.4), ``@included`` (§4.7), keyword keys a processor ignores. Each must make the
credential invalid, and the importer must not show or count what such JSON says.

The issuer here is a fresh key made in the test; the attacker never holds it and only edits the JSON.
"""

from __future__ import annotations

import copy
import json

import pytest
from attacker import Attacker, ob3_credential, verify_file

from skillwallet.formats import parse_credential_bytes

INJECTED = "Nuclear Reactor Operation"


@pytest.fixture(scope="module")
def issuer() -> Attacker:
    return Attacker.ed25519()  # here playing the genuine issuer, whose key the attacker does not hold


@pytest.fixture(scope="module")
def genuine(issuer) -> dict:
    return issuer.sign_di(ob3_credential(issuer.did, validFrom="2024-01-01T00:00:00Z"))


def with_context(doc: dict, extra, **fields) -> dict:
    forged = copy.deepcopy(doc)
    forged["@context"] = [*forged["@context"], extra]
    forged.update(fields)
    return forged


def in_subject(doc: dict, extra_context, **fields) -> dict:
    forged = copy.deepcopy(doc)
    forged["credentialSubject"].update({"@context": extra_context, **fields})
    return forged


def parse(doc: dict):
    (credential,) = parse_credential_bytes(json.dumps(doc).encode(), source="forged.json")
    return credential


def test_the_genuine_credential_is_verified(tmp_path, genuine):
    result = verify_file(tmp_path, genuine)
    assert (result.exit_code, result.verdict) == (0, "verified"), result.json


FORGERIES = {
    # keyword aliases in an inline context, at the top level
    "skills as @index": lambda g: with_context(g, {"skills": "@index"}, skills=INJECTED),
    "skills as @none": lambda g: with_context(g, {"skills": "@none"}, skills=[INJECTED]),
    "skills as @json": lambda g: with_context(g, {"skills": "@json"}, skills=[INJECTED]),
    "skills as @nest": lambda g: with_context(g, {"skills": "@nest"}, skills={}),
    "skills as @included": lambda g: with_context(g, {"skills": "@included"}, skills=[{"@id": "urn:x:python"}]),
    "skills as @reverse": lambda g: with_context(g, {"skills": "@reverse"}, skills={}),
    "skills as @graph": lambda g: with_context(g, {"skills": "@graph"}, skills=[]),
    "skills as @language": lambda g: with_context(g, {"skills": "@language"}, skills="en"),
    "skills as @set": lambda g: with_context(g, {"skills": "@set"}, skills=[INJECTED]),
    "expanded alias {'@id': '@index'}": lambda g: with_context(g, {"skills": {"@id": "@index"}}, skills=INJECTED),
    "issuanceDate as @index": lambda g: with_context(g, {"issuanceDate": "@index"}, issuanceDate="2001-01-01T00:00:00Z"),
    "expirationDate as @index": lambda g: with_context(
        g, {"expirationDate": "@index"}, expirationDate="2099-01-01T00:00:00Z"
    ),
    "refreshService as @index": lambda g: with_context(g, {"refreshService": "@index"}, refreshService="https://evil.example"),
    # an inline context further down the document, and a scoped context inside an inline term
    "alias in credentialSubject": lambda g: in_subject(g, {"skills": "@index"}, skills=INJECTED),
    "alias in a scoped context": lambda g: with_context(
        g, {"Extra": {"@id": "https://example.org/Extra", "@context": {"skills": "@index"}}}
    ),
    # an @index container: the map keys are not signed (its values would have to be existing triples)
    "@index container": lambda g: with_context(
        g, {"skills": {"@id": "https://schema.org/name", "@container": "@index"}}, skills={INJECTED: g["name"]}
    ),
    "@nest term definition": lambda g: with_context(
        g, {"skills": {"@id": "https://example.org/skills", "@nest": "@nest"}}
    ),
    # keyword keys used directly
    "direct @index": lambda g: {**copy.deepcopy(g), "@index": INJECTED},
    "direct @nest": lambda g: {**copy.deepcopy(g), "@nest": {"name": g["name"]}},
    "direct @included": lambda g: {**copy.deepcopy(g), "@included": [{"@id": "urn:x:skill"}]},
    "direct @none": lambda g: {**copy.deepcopy(g), "@none": INJECTED},
    "direct @json": lambda g: {**copy.deepcopy(g), "@json": [INJECTED]},
    "direct @reverse": lambda g: {**copy.deepcopy(g), "@reverse": {}},
    "direct @graph": lambda g: {**copy.deepcopy(g), "@graph": []},
    "ignored @-form key": lambda g: {**copy.deepcopy(g), "@skills": [INJECTED]},
    "@language outside a value": lambda g: {**copy.deepcopy(g), "@language": "fr"},
    "@index on a value": lambda g: {**copy.deepcopy(g), "name": {"@value": g["name"], "@index": INJECTED}},
    # a property named by a blank node: RDF without generalized triples skips it (JSON-LD 1.1 API §8.1)
    "term mapped to a blank node": lambda g: with_context(g, {"skills": "_:skills"}, skills=[INJECTED]),
    "term with a blank node @id": lambda g: with_context(g, {"skills": {"@id": "_:s"}}, skills=[INJECTED]),
    "blank node @vocab": lambda g: in_subject(g, {"@vocab": "_:"}, skills=[INJECTED]),
    "blank node key": lambda g: {**copy.deepcopy(g), "_:skills": [INJECTED]},
    # aliasing @context itself is an error in JSON-LD 1.1 (§4.1.3)
    "@context aliased": lambda g: with_context(g, {"ctx": "@context"}, ctx={"skills": "@index"}, skills=INJECTED),
    # a protected term cannot be redefined by an inline context (VC 2.0 and OB 3.0 contexts are @protected)
    "protected term redefined": lambda g: with_context(g, {"name": "@index"}),
    # a term null-mapped, or left undefined below @propagate: false, is dropped: reported as undefined
    "term mapped to null": lambda g: with_context(g, {"skills": None}, skills=[INJECTED]),
    "@propagate false": lambda g: in_subject(
        g, {"@propagate": False, "skills": "https://example.org/skills"}, achievement={
            **g["credentialSubject"]["achievement"], "skills": [INJECTED]
        }
    ),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_unsigned_json_makes_the_credential_invalid(tmp_path, genuine, name):
    forged = FORGERIES[name](genuine)
    result = verify_file(tmp_path, forged)
    assert result.exit_code != 0, result.json
    assert result.verdict == "invalid", (result.verdict, result.json)


@pytest.mark.parametrize("keyword", ["@index", "@none", "@json", "@set", "@language", "_:skills"])
@pytest.mark.parametrize("where", ["credentialSubject", "achievement"])
def test_the_importer_does_not_show_aliased_skills(genuine, keyword, where):
    # the alias in the top-level context applies throughout; the skills sit where the importer reads skills
    forged = with_context(genuine, {"skills": keyword})
    node = forged["credentialSubject"] if where == "credentialSubject" else forged["credentialSubject"]["achievement"]
    node["skills"] = INJECTED if keyword in ("@index", "@language") else [INJECTED]
    credential = parse(forged)
    assert INJECTED not in [skill.name for skill in credential.skills]
    assert parse(genuine).title == credential.title  # the rest is still imported


def test_the_importer_does_not_take_dates_or_refresh_from_aliases(genuine):
    forged = with_context(
        genuine,
        {"issuanceDate": "@index", "expirationDate": "@index", "refreshService": "@index"},
        issuanceDate="2001-01-01T00:00:00Z",
        expirationDate="2002-01-01T00:00:00Z",
        refreshService="https://evil.example/renew",
    )
    del forged["validFrom"]
    credential = parse(forged)
    assert credential.issued is None and credential.valid_from is None
    assert credential.expires is None
    assert credential.renewal is None


def test_an_issuer_signed_json_literal_is_covered(tmp_path, issuer):
    # @type @json (JSON-LD 1.1 §4.2.2) turns the JSON into an rdf:JSON literal: signed, so allowed
    doc = ob3_credential(issuer.did)
    doc["@context"] = [*doc["@context"], {"skillData": {"@id": "https://example.org/skillData", "@type": "@json"}}]
    doc["skillData"] = {"skills": ["Python"], "level": 3}
    signed = issuer.sign_di(doc)
    assert verify_file(tmp_path, signed).verdict == "verified"
    tampered = copy.deepcopy(signed)
    tampered["skillData"]["skills"] = [INJECTED]
    result = verify_file(tmp_path, tampered)
    assert (result.verdict, result.exit_code != 0) == ("invalid", True)


def test_an_issuer_signed_id_alias_is_accepted(tmp_path, issuer):
    # aliases of @id and @type produce the node id and rdf:type triples, so the signature covers them
    doc = ob3_credential(issuer.did)
    doc["@context"] = [*doc["@context"], {"ident": "@id"}]
    doc["credentialSubject"]["achievement"]["ident"] = doc["credentialSubject"]["achievement"].pop("id")
    assert verify_file(tmp_path, issuer.sign_di(doc)).verdict == "verified"
