"""Each credential family parses to the normalised view, from fixtures modelled on the published examples."""

from __future__ import annotations

import hashlib
import json

import pytest
from formats_helpers import (
    baked_png,
    baked_svg,
    fixture_bytes,
    fixture_json,
    sd_jwt,
    sign_jws,
    vc_jose,
    vc_jwt_v11,
)

from skillwallet.errors import InvalidInputError
from skillwallet.formats import parse_credential_bytes, related_documents
from skillwallet.model import (
    FORMAT_CLR,
    FORMAT_OB2,
    FORMAT_OB3,
    FORMAT_SD_JWT,
    FORMAT_VC,
    FORMAT_VC_JOSE,
    FORMAT_VC_JWT,
    Credential,
)


def parse_one(data: bytes, **kwargs) -> Credential:
    credentials = parse_credential_bytes(data, source=kwargs.pop("source", "input"), **kwargs)
    assert len(credentials) == 1
    return credentials[0]


def ob2_related() -> dict:
    related: dict = {}
    for name in ("ob2_badgeclass.json", "ob2_issuer.json"):
        related.update(dict(related_documents(fixture_bytes(name))))
    return related


# --- Open Badges 2.0 -------------------------------------------------------------------------------


def test_ob2_hosted_assertion_with_badgeclass_and_issuer_given_as_files() -> None:
    data = fixture_bytes("ob2_assertion_hosted.json")
    credential = parse_one(data, related=ob2_related(), holder_emails=["Beth@Example.org"])
    assert credential.format == FORMAT_OB2
    assert credential.original == data  # exact bytes kept
    assert credential.credential_id == "https://example.org/beths-robotics-badge.json"
    assert credential.title == "Awesome Robotics Badge"
    assert credential.issuer.id == "https://example.org/organization.json"
    assert credential.issuer.name == "An Example Badge Issuer"
    assert credential.issuer.url == "https://example.org"
    assert credential.issued.isoformat() == "2016-12-31T23:59:59+00:00"
    assert credential.expires.year == 2030
    assert credential.criteria == "https://example.org/robotics-badge.html"
    assert {s.name for s in credential.skills} == {"CCSS.ELA-Literacy.RST.11-12.3", "robotics", "awesomeness"}
    alignment = next(s for s in credential.skills if s.source == "alignment")
    assert alignment.framework == "Common Core State Standards"
    assert credential.evidence[0].url == "https://example.org/beths-robot-work.html"
    assert credential.image == "https://example.org/beths-robot-badge.png"
    assert credential.addressed_to_holder is True
    assert credential.extra["verification_type"] == "hosted"
    assert "unresolved" not in credential.extra


def test_ob2_recipient_hash_for_another_email_is_not_the_holder() -> None:
    credential = parse_one(fixture_bytes("ob2_assertion_hosted.json"), related=ob2_related(), holder_emails=["eve@example.org"])
    assert credential.addressed_to_holder is False


def test_ob2_recipient_unknown_without_profile_emails() -> None:
    credential = parse_one(fixture_bytes("ob2_assertion_hosted.json"), related=ob2_related())
    assert credential.addressed_to_holder is None


def test_ob2_md5_recipient_hash_is_recognised() -> None:
    assertion = fixture_json("ob2_assertion_hosted.json")
    assertion["recipient"]["identity"] = "md5$" + hashlib.md5(b"beth@example.orgdeadsea").hexdigest()
    credential = parse_one(json.dumps(assertion).encode(), related=ob2_related(), holder_emails=["beth@example.org"])
    assert credential.addressed_to_holder is True


def test_ob2_unhashed_email_recipient_compares_case_insensitively() -> None:
    assertion = fixture_json("ob2_assertion_hosted.json")
    assertion["recipient"] = {"type": "email", "hashed": False, "identity": "BETH@example.org"}
    credential = parse_one(json.dumps(assertion).encode(), related=ob2_related(), holder_emails=["beth@example.org"])
    assert credential.addressed_to_holder is True


def test_ob2_unresolved_badgeclass_is_kept_and_reported() -> None:
    credential = parse_one(fixture_bytes("ob2_assertion_hosted.json"))
    assert credential.title is None
    assert credential.extra["unresolved"] == ["https://example.org/robotics-badge.json"]


def test_ob2_badgeclass_fetched_through_the_given_fetcher() -> None:
    documents = {
        "https://example.org/robotics-badge.json": fixture_bytes("ob2_badgeclass.json"),
        "https://example.org/organization.json": fixture_bytes("ob2_issuer.json"),
    }
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return documents[url]

    credential = parse_one(fixture_bytes("ob2_assertion_hosted.json"), fetch=fetch)
    assert credential.title == "Awesome Robotics Badge"
    assert credential.issuer.name == "An Example Badge Issuer"
    assert fetched == list(documents)


def test_ob2_embedded_badgeclass_and_issuer() -> None:
    credential = parse_one(fixture_bytes("ob2_assertion_embedded.json"), holder_emails=["beth@example.org"])
    assert credential.title == "Continuous Integration Basics"
    assert credential.issuer == credential.issuer.__class__(
        id="https://badges.example.net/public/issuers/club", name="Robotics Club", url="https://club.example.net"
    )
    assert credential.criteria == "Set up a working CI pipeline with automated tests."
    esco = next(s for s in credential.skills if s.framework == "ESCO")
    assert esco.url.startswith("http://data.europa.eu/esco/skill/")
    assert credential.evidence[0].description == "Built a CI pipeline for the robotics club."
    assert credential.addressed_to_holder is True


def test_ob2_signed_assertion_jws() -> None:
    assertion = fixture_json("ob2_assertion_embedded.json")
    assertion["verification"] = {"type": "SignedBadge", "creator": "https://badges.example.net/public/keys/1"}
    token = sign_jws(assertion, {"alg": "RS256"})  # header alg says RS256; signature is not checked here
    credential = parse_one((token + "\n").encode())
    assert credential.format == FORMAT_OB2
    assert credential.original == token.encode()
    assert credential.media_type == "application/jwt"
    assert credential.credential_id == assertion["id"]
    assert credential.extra["signed"] is True
    assert credential.extra["verification_type"] == "SignedBadge"


def test_ob2_badgeclass_alone_is_rejected_with_a_reason() -> None:
    with pytest.raises(InvalidInputError, match=r"^badge\.json: an Open Badges 2\.0 BadgeClass, not an assertion"):
        parse_credential_bytes(fixture_bytes("ob2_badgeclass.json"), source="badge.json")


# --- Open Badges 3.0 and generic VCs ----------------------------------------------------------------


def test_ob3_full_credential_maps_every_field() -> None:
    credential = parse_one(fixture_bytes("ob3_full_v2.json"), holder_emails=["student@1edtech.edu"])
    assert credential.format == FORMAT_OB3
    assert credential.title == "1EdTech University Degree"
    assert credential.extra["credential_name"] == "1EdTech University Degree for Example Student"
    assert credential.issuer.id == "https://1edtech.edu/issuers/565049"
    assert credential.issuer.name == "1EdTech University"
    assert credential.achievement_type == "Degree"
    assert credential.achievement_id == "https://1edtech.edu/achievements/degree"
    assert credential.credits == 42.0  # creditsEarned wins over creditsAvailable
    assert credential.result == "A"
    assert credential.level == "Excellent"  # achievedLevel resolved through the rubric
    onet = next(s for s in credential.skills if s.framework == "O*NET")
    assert (onet.code, onet.name) == ("15-1252.00", "Software Developers")
    assert {"research", "computer science"} <= {s.name for s in credential.skills if s.source == "tag"}
    assert credential.expires.year == 2030
    assert credential.status_entries == [
        {"id": "https://1edtech.edu/credentials/3732/revocations", "type": "1EdTechRevocationList"}
    ]
    assert credential.evidence[0].name == "Final Project"
    assert credential.image == "https://1edtech.edu/achievements/degree/image"
    assert credential.addressed_to_holder is True  # hashed identifier matched
    assert credential.extra["vc_version"] == "2.0"
    assert credential.achievement_aliases == ["1EdTech University Degree for Example Student", "R1"]


def test_ob3_vc11_context() -> None:
    credential = parse_one(fixture_bytes("ob3_basic_v1.json"))
    assert credential.format == FORMAT_OB3
    assert credential.title == "Teamwork"
    assert credential.issued.year == 2010
    assert credential.extra["vc_version"] == "1.1"
    assert credential.criteria.startswith("Team members are nominated")


def test_generic_vc_11() -> None:
    credential = parse_one(fixture_bytes("vc_degree_v1.json"))
    assert credential.format == FORMAT_VC
    assert credential.title == "Bachelor of Science and Arts"
    assert credential.achievement_type == "UniversityDegreeCredential"
    assert credential.issuer.id == "https://example.edu/issuers/565049"
    assert credential.extra["proof_types"] == ["Ed25519Signature2020"]


def test_unknown_context_is_rejected() -> None:
    document = fixture_json("ob3_basic_v1.json")
    document["@context"][0] = "https://example.com/my-own-context"
    with pytest.raises(InvalidInputError, match=r"^x\.json: unknown @context"):
        parse_credential_bytes(json.dumps(document).encode(), source="x.json")


def test_credential_without_id_dedupes_across_whitespace() -> None:
    document = fixture_json("ob3_basic_v1.json")
    del document["id"]
    compact = parse_one(json.dumps(document, separators=(",", ":")).encode())
    pretty = parse_one(json.dumps(document, indent=4).encode())
    assert compact.wallet_id() == pretty.wallet_id()
    assert compact.credential_id.startswith("urn:skillwallet:jcs-sha256:")


# --- CLR 2.0 ------------------------------------------------------------------------------------------


def test_clr_and_each_nested_credential_linked_to_it() -> None:
    credentials = parse_credential_bytes(fixture_bytes("clr2_transcript.json"), source="clr.json")
    clr, *nested = credentials
    assert clr.format == FORMAT_CLR
    assert clr.title == "Example University Transcript"
    assert clr.extra["nested_count"] == 2
    assert clr.extra["associations"][0]["type"] == "precedes"
    assert [c.title for c in nested] == ["Introduction to Programming", "Data Structures"]
    assert all(c.parent_id == clr.wallet_id() for c in nested)
    assert all(c.format == FORMAT_OB3 for c in nested)
    assert nested[0].credits == 3.0
    # a nested original is the nested credential itself, proof included
    assert json.loads(nested[0].original)["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_clr_nested_jws_and_bad_nested_item() -> None:
    document = fixture_json("clr2_transcript.json")
    first = document["credentialSubject"]["verifiableCredential"][0]
    document["credentialSubject"]["verifiableCredential"] = [vc_jose(first), {"not": "a credential"}]
    clr, *nested = parse_credential_bytes(json.dumps(document).encode(), source="clr.json")
    assert len(nested) == 1
    assert nested[0].format == FORMAT_VC_JOSE
    assert nested[0].parent_id == clr.wallet_id()
    assert clr.extra["nested_errors"][0].startswith("clr.json#credential-2: ")


def test_nested_credential_dedupes_with_the_same_credential_alone() -> None:
    _clr, nested, _ = parse_credential_bytes(fixture_bytes("clr2_transcript.json"), source="clr.json")
    alone = fixture_json("clr2_transcript.json")["credentialSubject"]["verifiableCredential"][0]
    standalone = parse_one(json.dumps(alone, indent=2).encode())
    assert standalone.wallet_id() == nested.wallet_id()


# --- JOSE: VC-JWT, vc+jwt, SD-JWT -------------------------------------------------------------------


def test_vc_jwt_11_claims_map_onto_the_credential() -> None:
    document = fixture_json("ob3_basic_v1.json")
    token = vc_jwt_v11(document)
    credential = parse_one(token.encode())
    assert credential.format == FORMAT_VC_JWT
    assert credential.media_type == "application/jwt"
    assert credential.credential_id == "http://example.edu/credentials/3732"  # from jti
    assert credential.issuer.id == "https://example.edu/issuers/565049"
    assert credential.issued.isoformat() == "2010-01-01T00:00:00+00:00"  # from nbf
    assert credential.title == "Teamwork"
    assert credential.extra["family"] == FORMAT_OB3
    assert credential.extra["jws_alg"] == "EdDSA"


def test_vc_jose_payload_is_the_credential() -> None:
    document = fixture_json("ob3_full_v2.json")
    credential = parse_one(vc_jose(document).encode())
    assert credential.format == FORMAT_VC_JOSE
    assert credential.media_type == "application/vc+jwt"
    assert credential.title == "1EdTech University Degree"


def test_json_and_jwt_shapes_of_one_credential_dedupe() -> None:
    document = fixture_json("ob3_basic_v1.json")
    as_json = parse_one(json.dumps(document).encode())
    as_jwt = parse_one(vc_jwt_v11(document).encode())
    as_jose = parse_one(vc_jose(document).encode())
    assert as_json.wallet_id() == as_jwt.wallet_id() == as_jose.wallet_id()


def test_sd_jwt_vc_keeps_disclosures_and_applies_them() -> None:
    claims = {
        "iss": "https://university.example/issuer",
        "vct": "https://credentials.example.com/university_degree",
        "iat": 1683000000,
        "exp": 1883000000,
        "cnf": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
    }
    token = sd_jwt(claims, {"name": "Bachelor of Science", "given_name": "Erika", "email": "erika@example.com"})
    credential = parse_one(token.encode(), holder_emails=["Erika@example.com"])
    assert credential.format == FORMAT_SD_JWT
    assert credential.original == token.encode()  # disclosures kept
    assert credential.original.count(b"~") == 4
    assert credential.title == "Bachelor of Science"
    assert credential.issuer.id == "https://university.example/issuer"
    assert credential.expires.year == 2029
    assert credential.extra["disclosures"] == 3
    assert credential.addressed_to_holder is True
    assert credential.types == ["https://credentials.example.com/university_degree"]


@pytest.mark.parametrize("alg", sorted(__import__("skillwallet.verify.jose", fromlist=["SD_HASHES"]).SD_HASHES))
def test_sd_jwt_with_every_digest_algorithm_the_verifier_accepts_is_imported(alg: str) -> None:
    # The EUDI reference issuer uses sha3-256 (an IANA Named Information hash, RFC 9901 §4.1.1): the importer
    # must read every digest the verifier checks, or a genuine credential cannot even be added.
    claims = {"iss": "https://university.example/issuer", "vct": "https://credentials.example.com/degree"}
    credential = parse_one(sd_jwt(claims, {"name": "Bachelor of Science"}, alg=alg).encode())
    assert credential.title == "Bachelor of Science"


def test_sd_jwt_with_an_unreferenced_disclosure_is_rejected() -> None:
    claims = {"iss": "https://issuer.example", "vct": "https://vct.example/x"}
    token = sd_jwt(claims, {"name": "A"})
    forged = "WyJzYWx0IiwgIm5hbWUiLCAiQiJd"  # ["salt", "name", "B"], digest not in _sd
    with pytest.raises(InvalidInputError, match="not referenced by the signed payload"):
        parse_credential_bytes((token + forged + "~").encode(), source="sd.txt")


# --- baked images -------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", ["iTXt", "tEXt", "zTXt"])
def test_baked_png_ob2_has_the_same_identity_as_the_json(chunk: str) -> None:
    text = fixture_bytes("ob2_assertion_embedded.json").decode()
    png = baked_png(text, version="ob2", chunk=chunk)
    from_png = parse_one(png)
    from_json = parse_one(text.encode())
    assert from_png.wallet_id() == from_json.wallet_id()
    assert from_png.original == text.strip().encode()
    assert from_png.extra["baked_in"] == "png"
    assert from_png.title == "Continuous Integration Basics"
    import base64

    assert base64.b64decode(from_png.extra["baked_image"]["base64"]) == png  # the badge image, kept for display
    assert from_png.extra["baked_image"]["media_type"] == "image/png"


def test_baked_png_ob3_json_and_jws() -> None:
    document = fixture_json("ob3_full_v2.json")
    from_json = parse_one(baked_png(json.dumps(document), version="ob3", compressed=True))
    from_jws = parse_one(baked_png(vc_jose(document), version="ob3"))
    assert from_json.format == FORMAT_OB3 and from_jws.format == FORMAT_VC_JOSE
    assert from_json.wallet_id() == from_jws.wallet_id()


@pytest.mark.parametrize("version", ["ob2", "ob3"])
def test_baked_svg_cdata(version: str) -> None:
    name = "ob2_assertion_embedded.json" if version == "ob2" else "ob3_full_v2.json"
    text = fixture_bytes(name).decode()
    credential = parse_one(baked_svg(text, version=version))
    assert credential.wallet_id() == parse_one(text.encode()).wallet_id()
    assert credential.extra["baked_in"] == "svg"


def test_baked_svg_ob3_verify_attribute_holds_a_jws() -> None:
    token = vc_jose(fixture_json("ob3_basic_v1.json"))
    credential = parse_one(baked_svg(token, version="ob3", as_verify=True))
    assert credential.format == FORMAT_VC_JOSE
    assert credential.original == token.encode()


def test_baked_svg_with_only_a_hosted_url_needs_fetching() -> None:
    svg = baked_svg("https://example.org/beths-robotics-badge.json", version="ob2", as_verify=True)
    with pytest.raises(InvalidInputError, match="only a link to its hosted assertion"):
        parse_credential_bytes(svg, source="badge.svg")
    documents = {
        "https://example.org/beths-robotics-badge.json": fixture_bytes("ob2_assertion_hosted.json"),
        "https://example.org/robotics-badge.json": fixture_bytes("ob2_badgeclass.json"),
        "https://example.org/organization.json": fixture_bytes("ob2_issuer.json"),
    }
    credential = parse_one(svg, fetch=documents.__getitem__)
    assert credential.title == "Awesome Robotics Badge"
    assert credential.extra["hosted_url"] == "https://example.org/beths-robotics-badge.json"


# --- presentations ------------------------------------------------------------------------------------------


def test_presentation_yields_each_credential_it_carries() -> None:
    """VC 2.0 §4.13 presentation with an embedded credential, a VC-JWT string and an enveloped vc+jwt (§3.2 VC-JOSE-COSE)."""
    embedded = fixture_json("ob3_full_v2.json")
    jwt = vc_jwt_v11(fixture_json("ob3_basic_v1.json"))
    enveloped = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
                 "id": "data:application/vc+jwt," + vc_jose(fixture_json("vc_di_eddsa_jcs_signed.json"))}
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:holder",
        "verifiableCredential": [embedded, jwt, enveloped, 42],
    }
    credentials = parse_credential_bytes(json.dumps(presentation).encode(), source="vp.json")
    assert [c.title for c in credentials] == ["1EdTech University Degree", "Teamwork", "Alumni Credential"]
    assert [c.format for c in credentials] == [FORMAT_OB3, FORMAT_VC_JWT, FORMAT_VC_JOSE]
    assert credentials[0].wallet_id() == parse_one(fixture_bytes("ob3_full_v2.json")).wallet_id()
    assert credentials[0].extra["nested_errors"] == ["vp.json#credential-4: not a credential object, token or enveloped credential"]


def test_jwt_presentation_vp_claim() -> None:
    jwt = vc_jwt_v11(fixture_json("ob3_basic_v1.json"))
    token = sign_jws({"iss": "did:example:holder", "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                      "type": ["VerifiablePresentation"], "verifiableCredential": [jwt]}})
    (credential,) = parse_credential_bytes(token.encode(), source="vp.jwt")
    assert credential.original == jwt.encode()
    assert credential.extra["from_presentation"] is True


# --- QR codes (made by `skillwallet export`, read back with zxing-cpp) -----------------------------------------


def test_qr_code_image_holding_a_credential() -> None:
    qr = pytest.importorskip("skillwallet.export.qr")
    token = vc_jwt_v11(fixture_json("ob3_basic_v1.json"))
    png = qr.qr_png(qr.encode_credential_payload(token.encode()))
    credential = parse_one(png, source="qr.png")
    assert credential.original == token.encode()
    assert credential.title == "Teamwork"
    assert credential.extra["from_qr"] is True


def test_qr_code_with_a_link_needs_fetching() -> None:
    qr = pytest.importorskip("skillwallet.export.qr")
    png = qr.qr_png("https://example.org/beths-robotics-badge.json")
    with pytest.raises(InvalidInputError, match=r"^qr\.png: the QR code links to https://example\.org/beths-robotics-badge\.json; fetching is off"):
        parse_credential_bytes(png, source="qr.png")
    documents = {
        "https://example.org/beths-robotics-badge.json": fixture_bytes("ob2_assertion_hosted.json"),
        "https://example.org/robotics-badge.json": fixture_bytes("ob2_badgeclass.json"),
        "https://example.org/organization.json": fixture_bytes("ob2_issuer.json"),
    }
    credential = parse_one(png, source="qr.png", fetch=documents.__getitem__)
    assert credential.title == "Awesome Robotics Badge"


def test_issuance_response_wrapping_credentials_is_unwrapped() -> None:
    """An OpenID4VCI credential response saved to a file: {"credentials": [{"credential": ...}]}."""
    token = vc_jose(fixture_json("ob3_basic_v1.json"))
    response = {"credentials": [{"credential": token}], "notification_id": "3fwe98js"}
    (credential,) = parse_credential_bytes(json.dumps(response).encode(), source="response.json")
    assert credential.original == token.encode()
    single = {"credential": fixture_json("vc_degree_v1.json"), "c_nonce": "x"}
    (credential,) = parse_credential_bytes(json.dumps(single).encode(), source="response.json")
    assert credential.title == "Bachelor of Science and Arts"


def test_language_maps_give_english_text() -> None:
    """European Digital Credentials style: titles as JSON-LD language maps."""
    document = fixture_json("vc_degree_v1.json")
    document["credentialSubject"]["degree"] = {"type": "BachelorDegree", "title": {"de": "Bachelor der Künste", "en": "Bachelor of Arts"}}
    credential = parse_one(json.dumps(document).encode())
    assert credential.title == "Bachelor of Arts"


def test_cose_credential_is_named_as_unsupported() -> None:
    with pytest.raises(InvalidInputError, match="COSE-secured"):
        parse_credential_bytes(b"\xd2\x84\x43\xa1\x01\x26\xa0\x40\x40", source="vc.cose")


def test_vc_jwt_without_context_jwt_vc_json() -> None:
    """OpenID4VCI jwt_vc_json: the `vc` claim need not carry @context; a vc+jwt payload still must."""
    credential_doc = {"type": ["VerifiableCredential", "EmployeeCredential"], "credentialSubject": {"name": "Senior Engineer"}}
    token = sign_jws({"iss": "did:example:employer", "sub": "did:example:me", "nbf": 1700000000, "jti": "urn:uuid:1", "vc": credential_doc})
    credential = parse_one(token.encode())
    assert credential.format == FORMAT_VC_JWT
    assert credential.extra["vc_version"] == "jwt"
    assert credential.issuer.id == "did:example:employer"
    with pytest.raises(InvalidInputError, match="has no @context"):
        parse_credential_bytes(sign_jws({"typ": "x", **credential_doc, "issuer": "did:example:e"}, {"typ": "vc+jwt"}).encode(), source="x")


def test_subject_with_an_unknown_did_is_cannot_tell() -> None:
    credential = parse_one(fixture_bytes("ob3_basic_v1.json"), holder_ids=["did:key:z6MkSomeoneElse"])
    assert credential.addressed_to_holder is None
    document = fixture_json("ob3_basic_v1.json")
    document["credentialSubject"]["id"] = "did:key:z6MkMine"
    assert parse_one(json.dumps(document).encode(), holder_ids=["did:key:z6MkMine"]).addressed_to_holder is True


# --- Open Badges 1.x (Mozilla Backpack era) --------------------------------------------------------------------


def test_ob1_hosted_assertion_with_badgeclass_and_issuer() -> None:
    """Shapes of the OB 1.0 Assertion specification examples (uid, numeric issuedOn, verify.url)."""
    assertion = {
        "uid": "f2c20",
        "recipient": {"type": "email", "hashed": True, "salt": "deadsea",
                      "identity": "sha256$" + hashlib.sha256(b"beth@example.orgdeadsea").hexdigest()},
        "image": "https://example.org/beths-robot-badge.png",
        "evidence": "https://example.org/beths-robot-work.html",
        "issuedOn": 1359217910,
        "badge": "https://example.org/robotics-badge-1.json",
        "verify": {"type": "hosted", "url": "https://example.org/beths-robotics-badge-1.json"},
    }
    related = {
        "https://example.org/robotics-badge-1.json": {"name": "Awesome Robotics Badge", "description": "For robots.",
            "image": "https://example.org/robotics-badge.png", "criteria": "https://example.org/robotics-badge.html",
            "issuer": "https://example.org/organization-1.json", "tags": ["robots"]},
        "https://example.org/organization-1.json": {"name": "An Example Badge Issuer", "url": "https://example.org"},
    }
    credential = parse_one(json.dumps(assertion).encode(), related=related, holder_emails=["beth@example.org"])
    assert credential.format == FORMAT_OB2 and credential.extra["ob_version"] == "1.x"
    assert credential.credential_id == "https://example.org/beths-robotics-badge-1.json"
    assert credential.title == "Awesome Robotics Badge"
    assert credential.issuer.id == "https://example.org/organization-1.json"
    assert credential.issued.year == 2013
    assert credential.addressed_to_holder is True


def test_ob05_assertion_with_embedded_badge() -> None:
    assertion = {
        "recipient": "sha256$" + hashlib.sha256(b"beth@example.orgs4lt").hexdigest(),
        "salt": "s4lt",
        "evidence": "/beths-robot-work.html",
        "issued_on": "2011-06-01",
        "badge": {"version": "0.5.0", "name": "HTML5 Sorcerer", "image": "/img/html5-basic.png",
                  "description": "Uses the HTML5 <audio> and <video> elements.", "criteria": "/criteria.html",
                  "issuer": {"origin": "https://p2pu.org", "name": "P2PU", "org": "School of Webcraft"}},
    }
    credential = parse_one(json.dumps(assertion).encode(), holder_emails=["beth@example.org"])
    assert credential.title == "HTML5 Sorcerer"
    assert credential.issuer.id == "https://p2pu.org" and credential.issuer.name == "P2PU"
    assert credential.issued.isoformat() == "2011-06-01T00:00:00+00:00"
    assert credential.addressed_to_holder is True


def test_ob05_baked_and_plain_copies_dedupe() -> None:
    assertion = {"recipient": "beth@example.org", "badge": {"version": "0.5.0", "name": "HTML5 Sorcerer",
                 "issuer": {"origin": "https://p2pu.org", "name": "P2PU"}}, "issued_on": "2011-06-01"}
    plain = parse_one(json.dumps(assertion, indent=2).encode())
    baked = parse_one(baked_png(json.dumps(assertion), version="ob2"))
    assert plain.wallet_id() == baked.wallet_id()


def test_enveloped_credential_on_its_own() -> None:
    """VC 2.0 EnvelopedVerifiableCredential: data: URL with a vc+jwt (plain) or an SD-JWT (base64)."""
    import base64

    token = vc_jose(fixture_json("ob3_basic_v1.json"))
    envelope = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
                "id": "data:application/vc+jwt," + token}
    (credential,) = parse_credential_bytes(json.dumps(envelope).encode(), source="env.json")
    assert credential.original == token.encode() and credential.format == FORMAT_VC_JOSE
    sd = sd_jwt({"iss": "https://i.example", "vct": "https://vct.example/badge"}, {"name": "Badge X"})
    envelope["id"] = "data:application/dc+sd-jwt;base64," + base64.b64encode(sd.encode()).decode()
    (credential,) = parse_credential_bytes(json.dumps(envelope).encode(), source="env.json")
    assert credential.format == FORMAT_SD_JWT and credential.title == "Badge X"
    envelope["id"] = "https://example.org/not-a-data-url"
    with pytest.raises(InvalidInputError, match="without a data: URL"):
        parse_credential_bytes(json.dumps(envelope).encode(), source="env.json")


def test_json_array_export_of_several_credentials() -> None:
    export = [fixture_json("ob3_basic_v1.json"), fixture_json("ob2_assertion_embedded.json"), vc_jose(fixture_json("vc_degree_v1.json"))]
    credentials = parse_credential_bytes(json.dumps(export).encode(), source="export.json")
    assert [c.format for c in credentials] == [FORMAT_OB3, FORMAT_OB2, FORMAT_VC_JOSE]


def test_sd_jwt_nested_object_and_array_disclosures_with_key_binding() -> None:
    """SD-JWT §4.2.4 / §5 example shapes: a selectively disclosed nested object member, array elements
    referenced as {"...": digest}, and a key binding JWT after the last '~'."""
    import base64 as b64
    import hashlib as hl

    def disclosure(*parts) -> tuple[str, str]:
        text = b64.urlsafe_b64encode(json.dumps(list(parts)).encode()).rstrip(b"=").decode()
        return text, b64.urlsafe_b64encode(hl.sha256(text.encode()).digest()).rstrip(b"=").decode()

    street, street_digest = disclosure("2GLC42sKQveCfGfryNRN9w", "street_address", "Schulstr. 12")
    de, de_digest = disclosure("lklxF5jMYlGTPUovMNIvCA", "DE")
    undisclosed_digest = b64.urlsafe_b64encode(hl.sha256(b"never shown").digest()).rstrip(b"=").decode()
    payload = {
        "iss": "https://issuer.example.com", "vct": "https://credentials.example.com/identity_credential",
        "iat": 1683000000, "_sd_alg": "sha-256",
        "address": {"_sd": [street_digest], "country": "DE"},
        "nationalities": [{"...": de_digest}, {"...": undisclosed_digest}],
        "cnf": {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}},
    }
    issuer_jwt = sign_jws(payload, {"typ": "dc+sd-jwt"})
    kb_jwt = sign_jws({"nonce": "1234567890", "aud": "https://verifier.example.org", "iat": 1683000100}, {"typ": "kb+jwt"})
    token = f"{issuer_jwt}~{street}~{de}~{kb_jwt}"
    credential = parse_one(token.encode())
    assert credential.original == token.encode()
    assert credential.extra["key_binding"] is True
    assert credential.extra["disclosures"] == 2
    from skillwallet.formats.jose import decode_sd_jwt

    claims = decode_sd_jwt(token, "t").claims
    assert claims["address"] == {"country": "DE", "street_address": "Schulstr. 12"}
    assert claims["nationalities"] == ["DE"]  # the undisclosed element is left out


def test_text_file_with_one_token_per_line() -> None:
    first = vc_jwt_v11(fixture_json("ob3_basic_v1.json"))
    second = vc_jose(fixture_json("vc_degree_v1.json"))
    credentials = parse_credential_bytes(f"{first}\r\n\r\n{second}\n".encode(), source="tokens.txt")
    assert [c.original for c in credentials] == [first.encode(), second.encode()]


def test_utf16_file_is_named() -> None:
    data = json.dumps(fixture_json("ob3_basic_v1.json")).encode("utf-16")
    with pytest.raises(InvalidInputError, match="UTF-16"):
        parse_credential_bytes(data, source="win.json")
