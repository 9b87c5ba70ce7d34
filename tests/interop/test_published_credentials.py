"""Real credentials published by standards bodies and issuers, imported and verified end to end.

Every fixture under ``fixtures/`` is a published file (``fixtures/<source>/SOURCES.md`` names the repository,
path and commit). For each, ``skillwallet add`` must store the right normalised view and
``skillwallet verify FILE --offline`` must give the right verdict; a tampered copy of every signed one (one
payload value changed, the signature kept) must never be ``verified``.

The expectations were read off the source documents by hand, not off skillwallet's output.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet

FIXTURES = Path(__file__).parent / "fixtures"
# A fixed evaluation date, so validity windows give the same verdict every day the suite runs.
AS_OF = "2026-06-01"

DCC_KEY_A = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
DCC_KEY_B = "did:key:z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS"
DCC_KEY_LCW = "did:key:z6MktL8XGbuYv5f7hwf6hVyJkJWynNtNhcsXFYe9NJzjKHkW"
TEAMWORK_CRITERIA = (
    "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."
)
BETH_HASH = "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5"


@dataclass
class Expected:
    """What one published file must yield."""

    files: list[str]  # the credential first, then supporting documents given in the same `add`
    view: dict[str, Any]  # normalised fields (Credential attribute -> value); "skills" compares names/framework/code
    verdict: str  # offline verdict at AS_OF
    checks: dict[str, str] = field(default_factory=dict)  # verdict checks that must have these outcomes
    reason: str | None = None  # a substring one of the reasons must contain
    signed: bool = True  # whether a tampered copy is tested
    added: int = 1  # credentials `add` stores (a CLR brings its nested credentials)
    # CA certificates the publisher's wallet trusts for this issuer, given with --trust-anchor to add and verify
    anchors: list[str] = field(default_factory=list)
    # the last day the import verdict (judged today, not at AS_OF) is still `verdict`: the day the x5c signing
    # certificate expires; after it nothing proves the signature was made before, and the import verdict is
    # "unverifiable"
    certificate_until: str | None = None

    def anchor_options(self) -> list[str]:
        return [f"--trust-anchor={fixture(a)}" for a in self.anchors]

    def import_verdict(self) -> str:
        from datetime import date, datetime, timezone

        today = datetime.now(timezone.utc).date()
        if self.certificate_until and today > date.fromisoformat(self.certificate_until):
            return "unverifiable"
        return self.verdict


EXPECTATIONS: dict[str, Expected] = {
    # --- Digital Credentials Consortium test fixtures: OB 3.0 with eddsa-rdfc-2022 / Ed25519Signature2020, did:key
    "dcc-v2-di-alignments": Expected(
        ["dcc-vc-test-fixtures/v2-di-alignments.json"],
        {
            "format": "ob3",
            "title": "Text analysis",
            "credential_id": "http://example.edu/credentials/3732",
            "issuer.name": "Example University",
            "issuer.id": DCC_KEY_A,
            "issued": "2010-01-01T00:00:00Z",
            "expires": None,
            "achievement_id": "https://1edtech.edu/achievements/1",
            "achievement_aliases": ["Example University Degree"],
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            # two alignments to the same CTDL course: one skill, framework and code from the first
            "skills": [
                ("Requirements Analysis", "Edmonds College Course Catalog", "ce-cf4dee18-7cea-443a-b920-158a0762c6bf")
            ],
        },
        "verified",
        {"signature": "pass", "issuer_binding": "pass"},
    ),
    "dcc-v2-di-achievement-type": Expected(
        ["dcc-vc-test-fixtures/v2-di-achievement-type.json"],
        {
            "format": "ob3",
            "title": "OBv3 achievementType example",
            "achievement_type": "Award",
            "issuer.name": "Example Corp",
            "issuer.id": DCC_KEY_A,
            "issued": "2010-01-01T00:00:00Z",
            "criteria": TEAMWORK_CRITERIA,
            "recipient": "Sam Salmon",  # the subject has a name and no id
            "skills": [],
        },
        "verified",
        {"signature": "pass", "issuer_binding": "pass"},
    ),
    "dcc-v2-di-identity-hash": Expected(
        ["dcc-vc-test-fixtures/v2-di-identity-hash.json"],
        {
            "format": "ob3",
            "title": "Truth, veracity, candor, and verisimilitude.",
            "achievement_type": "Program",
            "issuer.name": "The Learned",
            "issued": "2025-02-24T00:00:00Z",
            "recipient": "Parker Pearl",  # IdentityObject, identityType name, hashed false
            "image": "https://digitalcredentials.github.io/badge-assets/brain.png",
        },
        "verified",
        {"signature": "pass"},
    ),
    "dcc-v2-di-not-yet-valid": Expected(
        ["dcc-vc-test-fixtures/v2-di-not-yet-valid.json"],
        {
            "format": "ob3",
            "title": "A credential that isn't yet valid",
            "issuer.name": "Bestest Ever University",
            "issuer.url": "https://bestest.edu",
            "valid_from": "2099-01-01T00:00:00Z",
            "expires": "9999-01-02T00:00:00Z",
            "recipient": "Sam Salmon",
        },
        "verified",  # authentic: the signature checks; the date check says it is not in force yet
        {"signature": "pass", "not_before": "fail"},
        reason="not valid until 2099-01-01",
    ),
    "dcc-v2-di-expired-with-status": Expected(
        ["dcc-vc-test-fixtures/v2-di-expired-with-status.json"],
        {
            "format": "ob3",
            "title": "Bachelors - v2 - revoked",
            "issued": "2010-01-01T00:00:00Z",
            "expires": "2010-01-02T00:00:00Z",
            "status_entries.0.type": "BitstringStatusListEntry",
        },
        "verified",
        {"signature": "pass", "expiry": "fail", "status": "unknown"},  # the status list is not available offline
        reason="expired on 2010-01-02",
    ),
    "dcc-v2-ed25519-tampered": Expected(
        ["dcc-vc-test-fixtures/v2-ed25519-tampered.json"],
        {"format": "ob3", "title": "A tampered credential", "issuer.id": DCC_KEY_A},
        "invalid",  # published by the DCC as tampered: the achievement name was changed after signing
        {"signature": "fail"},
        reason="signature does not match",
    ),
    "dcc-v2-ed25519-lcw-experience": Expected(
        ["dcc-vc-test-fixtures/v2-ed25519-lcw-experience.json"],
        {
            "format": "ob3",
            "title": "LCW Experience Badge",
            "achievement_type": "Badge",
            "issuer.name": "Digital Credentials Consortium",
            "issuer.url": "https://digitalcredentials.mit.edu/",
            "issuer.id": DCC_KEY_LCW,
            "issued": "2026-01-23T15:11:55.521000Z",
            "recipient": "Zoey Zebrafish",
            "image": "https://digitalcredentials.github.io/badge-assets/lcw-exp.png",
        },
        "verified",
        {"signature": "pass", "issuer_binding": "pass"},
    ),
    "dcc-v2-both-endorsement-non-ob": Expected(
        ["dcc-vc-test-fixtures/v2-both-endorsement-non-ob.json"],
        {
            "format": "vc",  # typed only VerifiableCredential although it uses the OB context
            "title": "SDE endorsement",
            "issuer.name": "State Department of Education",
            "issued": "2010-01-01T00:00:00Z",
            "expires": "2030-01-01T00:00:00Z",
            "recipient": "https://1edtech.edu/issuers/565049",
        },
        "verified",  # proof set: eddsa-rdfc-2022 and Ed25519Signature2020, both by the issuer's did:key
        {"signature": "pass", "issuer_binding": "pass", "expiry": "pass"},
    ),
    "dcc-v1-di-ob-spec-example": Expected(
        ["dcc-vc-test-fixtures/v1-di-ob-spec-example.json"],
        {
            "format": "ob3",
            "title": "Teamwork",
            "achievement_aliases": ["Teamwork Badge"],
            "issuer.name": "Example Corp",
            "issued": "2010-01-01T00:00:00Z",  # VC 1.1 issuanceDate
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "achievement_id": "https://example.com/achievements/21st-century-skills/teamwork",
        },
        "verified",
        {"signature": "pass", "issuer_binding": "pass"},
    ),
    "dcc-v1-di-old-dcc-example": Expected(
        ["dcc-vc-test-fixtures/v1-di-old-dcc-example.json"],
        {
            "format": "vc",
            "title": "GT Guide",  # the DCC v1 context's hasCredential
            "issuer.name": "Your friendly issuer.",
            "issued": "2021-09-06T00:00:00Z",
            "recipient": "Ya Ya Na",
        },
        "verified",
        {"signature": "pass", "issuer_binding": "pass"},
    ),
    "dcc-v2-did-web": Expected(
        ["dcc-verifier-core/v2-did-web-with-valid-status.json"],
        {
            "format": "ob3",
            "title": "Masters - v2 - unrevoked",
            "issuer.id": "did:web:digitalcredentials.github.io:dcc-did-web",
            "recipient": "Taylor Tuna",
            "status_entries.0.statusListIndex": "9",
        },
        # did:web: the key lives in https://digitalcredentials.github.io/dcc-did-web/did.json, not available offline
        "unverifiable",
        {"signature": "unknown", "status": "unknown"},
        reason="is needed but not available offline",
    ),
    # --- 1EdTech Open Badges 3.0 specification and implementation guide
    "1edtech-ob3-basic": Expected(
        ["1edtech-ob3/basic-open-badge-credential.json"],
        {
            "format": "ob3",
            "title": "Teamwork",
            "achievement_aliases": ["Teamwork Badge"],
            "issuer.id": "https://example.com/issuers/876543",
            "issuer.name": "Example Corp",
            "issued": "2010-01-01T00:00:00Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "criteria": TEAMWORK_CRITERIA,
        },
        "unsigned",
        {"signature": "na"},
        reason="no proof",
        signed=False,
    ),
    "1edtech-ob3-ldp-test-vector": Expected(
        ["1edtech-ob3/ldp-test-vector-signed.json"],
        {
            "format": "ob3",
            "title": "Teamwork",
            "issuer.id": "https://example.edu/issuers/565049",
            "issuer.url": "https://www.imsglobal.org",
            "issued": "2010-01-01T00:00:00Z",
        },
        # Signed with eddsa-rdfc-2022 over a pre-release context (context/ob_v3p0.jsonld) that was never published
        # at a stable address, by a key named only in the fragment of the issuer's https URL: nothing to check
        # the signature against offline, and nothing that binds the key to the issuer.
        "unverifiable",
        {"signature": "unknown", "contexts": "unknown"},
        reason="context not available offline: https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
    ),
    # --- 1EdTech's own conformance validator (digital-credentials-public-validator) test resources
    "1edtech-validator-clr20-simple": Expected(
        ["1edtech-validator/clr20-simple.json"],
        {
            "format": "clr2",
            "title": "Sample Transcript",
            "issuer.id": "https://example.edu/issuers/565049",
            "issuer.name": "Example University",
            "issued": "2010-01-01T00:00:00Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "extra.achievements": ["Achievement 1", "Achievement 2"],
        },
        # The signature checks, but with a key named only in the fragment of the issuer's https URL: nothing but
        # the document itself says the key is Example University's. Never "verified".
        "self-asserted",
        {"signature": "pass", "issuer_binding": "self-asserted"},
        reason="asserted only by the document itself",
        added=2,  # the CLR and its nested Teamwork OpenBadgeCredential
    ),
    "1edtech-validator-ob30-did-key-not-issuer": Expected(
        ["1edtech-validator/ob30-simple-did-key-method.json"],
        {
            "format": "ob3",
            "title": "test 1",
            "achievement_type": "Achievement",
            "issuer.id": "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164",
            "issuer.name": "Andy F. Miller",
            "issued": "2022-11-10T15:38:00Z",  # validFrom 07:38 at -08:00
        },
        # Signed by did:key:z6MkjZRZ..., but the issuer is urn:uuid:6f2e...: the key is not the issuer's.
        "invalid",
        {"issuer_binding": "fail"},
        reason="no proof is made with a key controlled by the issuer",
    ),
    "1edtech-validator-ob30-err-proof-value": Expected(
        ["1edtech-validator/ob30-simple-err-proof-value.json"],
        {"format": "ob3", "title": "Teamwork", "issuer.id": "https://example.com/issuers/876543"},
        "invalid",  # published as a wrong proof value
        {"signature": "fail"},
        reason="signature does not match",
    ),
    "1edtech-validator-ob30-simple": Expected(
        ["1edtech-validator/ob30-simple.json"],
        {
            "format": "ob3",
            "title": "Example University Degree",
            "achievement_type": None,  # no achievement: "OpenBadgeCredential" is no achievement type
            "issuer.name": "Example University",
            "issued": "2010-01-01T00:00:00Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        },
        # Ed25519Signature2020 by https://example.edu/issuers/565049#key-1: the issuer profile must be fetched
        "unverifiable",
        {"signature": "unknown"},
        reason="https://example.edu/issuers/565049 is needed but not available offline",
    ),
    "1edtech-validator-ob30-simple-jwt": Expected(
        ["1edtech-validator/ob30-simple.jwt"],
        {
            "format": "vc-jwt",
            "media_type": "application/jwt",
            "title": "Example University Degree",
            "achievement_type": None,
            "credential_id": "http://example.edu/credentials/3732",
            "issuer.id": "https://example.edu/issuers/565049",
            "issued": "2010-01-01T00:00:00Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "extra.family": "ob3",
        },
        "unverifiable",  # RS256 with neither kid nor jwk: the issuer's JWT VC metadata is needed
        {"signature": "unknown"},
        reason="cannot resolve the issuer key",
    ),
    "1edtech-validator-ob30-simple-jwt-baked-svg": Expected(
        ["1edtech-validator/ob30-simple-jwt.svg"],
        {
            "format": "vc-jwt",
            "title": "Example University Degree",
            "credential_id": "http://example.edu/credentials/3732",
            "issuer.id": "https://example.edu/issuers/565049",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        },
        "unverifiable",  # the JWT baked in the SVG (OB 3.0 §5.3.2 `openbadges:credential verify=`): as above
        {"signature": "unknown"},
        reason="cannot resolve the issuer key",
        signed=False,  # the tampered copy of this JWT is tested as ob30-simple.jwt
    ),
    "1edtech-validator-ob30-multiple-proofs": Expected(
        ["1edtech-validator/ob30-simple-multiple-proofs.json"],
        {"format": "ob3", "title": "Teamwork", "issuer.id": "https://example.com/issuers/876543"},
        # a proof of an unknown type next to an Ed25519Signature2020 by a self-asserted key: the set cannot be
        # checked as a whole
        "unverifiable",
        {"signature": "unknown"},
        reason="proof suite SomeProofType is not supported",
    ),
    "1edtech-validator-ob30-bbs-2023": Expected(
        ["1edtech-validator/ob30-simple-bbs-2023.json"],
        {"format": "ob3", "title": "Teamwork", "issued": "2010-01-01T00:00:00Z"},
        "unverifiable",
        {"signature": "unknown"},
        reason="proof suite bbs-2023 is not supported",
    ),
    # --- Blockcerts (blockchain-certificates/cert-verifier-js test fixtures)
    "blockcerts-v3-merkle-proof-2019": Expected(
        ["blockcerts/mocknet-vc-v2-data-integrity-proof.json"],
        {
            "format": "vc",
            "title": "Master of Puppets",
            "description": "Awarded to those who rock",
            "issuer.id": "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json",
            "issued": "2022-07-13T20:21:40.088000Z",
            "expires": "2039-07-13T00:00:00Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        },
        # anchored in a blockchain transaction (merkle-proof-2019): offline, the certificate's own hash (RDFC of the
        # document without its proof, with the shipped Blockcerts v3.1 context) is checked against targetHash and
        # the Merkle path (here empty: targetHash is the root); the anchor needs the chain
        "unverifiable",
        {"signature": "unknown", "merkle_path": "pass", "target_hash": "pass", "anchor": "unknown"},
        reason="Merkle path checked, target hash checked, anchor on mockchain not checked offline",
    ),
    "blockcerts-v3-testnet-did-ion": Expected(
        ["blockcerts/testnet-v3-did.json"],
        {
            "format": "vc",
            "title": "V3 issuance",  # credentialSubject.claim.name
            "description": "A v3 working example for test purposes",
            "credential_id": "urn:uuid:13172c8c-efa5-49e1-9f69-a67ba6bd9937",
            "issuer.id": "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ",
            "issuer.name": "Hyland Innovation Team",
            "issued": "2022-02-02T15:00:00Z",
            "recipient": "Julien Fraichot",
        },
        # MerkleProof2019 anchored in a Bitcoin testnet transaction: the target hash (with the shipped Blockcerts
        # v3 context) and the one-step Merkle path are checked offline, the anchor (the chain) is not
        "unverifiable",
        {"signature": "unknown", "merkle_path": "pass", "target_hash": "pass", "anchor": "unknown"},
        reason="Merkle path checked, target hash checked, anchor on Bitcoin testnet not checked offline",
    ),
    "blockcerts-v3-ethereum-sepolia": Expected(
        ["blockcerts/ethereum-sepolia-v3.json"],
        {
            "format": "vc",
            "credential_id": "urn:uuid:bbba8553-8ec1-445f-82c9-a57251dd731c",
            "issuer.id": "https://www.blockcerts.org/samples/3.0/issuer-blockcerts.json",
            "issued": "2022-08-18T14:04:24Z",
            "recipient": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        },
        # MerkleProof2019 anchored in an Ethereum Sepolia transaction (network 11155111): hash and path checked
        "unverifiable",
        {"signature": "unknown", "merkle_path": "pass", "target_hash": "pass", "anchor": "unknown"},
        reason="Merkle path checked, target hash checked, anchor on Ethereum sepolia not checked offline",
    ),
    "blockcerts-v3-proof-chain": Expected(
        ["blockcerts/mocknet-vc-v2-data-integrity-proof-multiple-signatures.json"],
        {"format": "vc", "title": "Master of Puppets", "issued": "2022-07-13T20:21:40.088000Z"},
        # two merkle-proof-2019 proofs, the second chained to the first (previousProof): the first hashes the
        # certificate without proofs, the second the certificate holding the first; both checked
        "unverifiable",
        {"signature": "unknown", "merkle_path": "pass", "target_hash": "pass", "anchor": "unknown"},
        reason="Blockcerts 3 (MerkleProof2019), proof 2 of 2: Merkle path checked, target hash checked",
    ),
    "blockcerts-v3-published-tampered": Expected(
        ["blockcerts/testnet-v3--tampered.json"],
        {
            "format": "vc",
            "title": "Julien is the best",  # the claim's name, changed after issuance
            "issuer.id": "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ",
            "issuer.name": "Hyland Innovation Team",
            "recipient": "Julien Fraichot",
        },
        # published by Blockcerts as tampered (cert-verifier-js expects "ensureHashesEqual" to fail): the Merkle
        # path still leads to the root, but the certificate's hash is not the proof's targetHash
        "invalid",
        {"merkle_path": "pass", "target_hash": "fail", "anchor": "unknown"},
        reason="is not the targetHash 05b306c28ac8f6e7... of its proof",
        signed=False,  # it is itself the tampered twin of a Blockcerts v3 certificate
    ),
    # --- W3C VC-JOSE-COSE examples: ES256 with keys that resolve nowhere
    "w3c-vc-1.1-jwt": Expected(
        ["w3c-vc-jose-cose/vc-1.1-verifiable-credential.jwt"],
        {
            "format": "vc-jwt",
            "title": "Bachelor of Science and Arts",
            "credential_id": "http://example.edu/credentials/3732",
            "issuer.id": "https://example.edu/issuers/14",
            "issued": "2010-01-01T19:23:24Z",
            "expires": "2023-01-27T00:50:11Z",  # the JWT exp claim (VC 1.1 §6.3.1)
            "recipient": "did:example:123",
        },
        "unverifiable",  # kid urn:example:issuer#key-0: no key can be found for it, offline or not
        {"signature": "unknown", "expiry": "fail"},
        reason="cannot resolve the issuer key",
    ),
    # --- IETF SD-JWT VC draft (oauth-wg/oauth-sd-jwt-vc), Appendix B.1: the issued PID SD-JWT with all disclosures
    "ietf-sd-jwt-vc-pid": Expected(
        ["ietf-sd-jwt-vc/pid-issued.sd-jwt"],
        {
            "format": "sd-jwt",
            "media_type": "application/sd-jwt",
            "title": "pid",  # nothing names it but the vct; its version segment (1.0) is no title
            "issuer.id": "https://example.com/issuer",
            "issued": "2023-05-02T04:00:00Z",  # iat 1683000000
            "expires": "2029-09-01T23:33:20Z",  # exp 1883000000
            "recipient": "Erika Mustermann",  # disclosed given_name + family_name (no sub)
            "extra.disclosures": 21,
            "extra.key_binding": False,
            "extra.vct": "https://bmi.bund.example/credential/pid/1.0",
        },
        # the issuer key is in https://example.com/.well-known/jwt-vc-issuer/issuer: not available offline
        "unverifiable",
        {"signature": "unknown", "expiry": "pass"},
        reason="cannot resolve the issuer key",
    ),
    # --- A PID issued by Procivis One under the EUDI reference "PID Issuer CA - UT 02" (procivis/one-core tests),
    # with that CA as the EUDI reference wallet publishes it
    "procivis-eudi-pid": Expected(
        ["procivis-eudi-pid/pid-issued.sd-jwt"],
        {
            "format": "sd-jwt",
            "media_type": "application/sd-jwt",
            "title": "pid",  # nothing names it but the vct urn:eudi:pid:1
            "issuer.id": "https://core.dev.procivis-one.com/ssi/openid4vci/draft-13/28aee069-48c0-4ff9-9ce9-75601aec826d",
            "issued": "2025-09-11T07:55:21Z",  # iat 1757577321
            "expires": "2027-09-11T07:55:21Z",  # exp 1820649321
            "recipient": "did:key:zDnaebvyVpwG3R7Qj1znrVy9rtsi6N8TgjWPKZhyBda2qv58w",  # sub
            "extra.disclosures": 11,  # three of them nationalities array elements, one inside place_of_birth
            "extra.key_binding": False,
            "extra.vct": "urn:eudi:pid:1",
        },
        "verified",
        # the Token Status List it names is not available offline
        {"signature": "pass", "issuer_binding": "pass", "expiry": "pass", "status": "unknown"},
        reason="validates up to the trust anchor C=UT,O=EUDI Wallet Reference Implementation,CN=PID Issuer CA - UT 02",
        anchors=["procivis-eudi-pid/pidissuerca02_ut.pem"],
        certificate_until="2027-07-22",  # the leaf "Procivis AG": 2025-07-22 to 2027-07-22
    ),
    # --- Bundesdruckerei demo PID issuer (SPRIND Funke), via credo-ts: an SD-JWT VC signed under an x5c chain
    "bdr-funke-pid": Expected(
        ["bdr-funke-pid/pid-issued.sd-jwt"],
        {
            "format": "sd-jwt",
            "media_type": "application/sd-jwt",
            "title": "pid",  # nothing names it but the vct urn:eu.europa.ec.eudi:pid:1
            "issuer.id": "https://demo.pid-issuer.bundesdruckerei.de/c",
            "issued": "2024-06-04T10:50:04Z",  # iat 1717498204
            "expires": "2024-06-18T10:50:04Z",  # exp 1718707804
            "recipient": "ERIKA MUSTERMANN",  # disclosed given_name + family_name
            "extra.disclosures": 17,
            "extra.key_binding": False,
            "extra.vct": "urn:eu.europa.ec.eudi:pid:1",
        },
        # Its signing certificate expired on 2025-07-05: at AS_OF nothing proves it was signed before (EN 319 102-1
        # OUT_OF_BOUNDS_NO_POE), so its signature is not checkable, anchor or not; a tampered copy is still invalid.
        # Inside the windows it is verified (test_published_x5c_pids.py).
        "unverifiable",
        {"signature": "unknown", "expiry": "fail"},
        reason="the certificate CN=SPRIND Funke EUDI Wallet Prototype Issuer,OU=I,O=Bundesdruckerei "
        "GmbH,C=DE is not valid at 2026-06-01 (valid 2024-05-31 to 2025-07-05): no time-stamp proves the signature "
        "was made before 2025-07-05",
        anchors=["bdr-funke-pid/bdr-pid-issuer-root.pem"],
    ),
    # --- 1EdTech Open Badges 2.0 examples page (ob_v2p0/examples)
    "ob2-hosted-with-badgeclass-and-issuer": Expected(
        ["1edtech-ob2/assertion-hosted.json", "1edtech-ob2/badgeclass.json", "1edtech-ob2/issuer.json"],
        {
            "format": "ob2",
            "title": "Awesome Robotics Badge",
            "credential_id": "https://example.org/beths-robotics-badge.json",
            "issuer.name": "An Example Badge Issuer",
            "issuer.id": "https://example.org/organization.json",
            "issuer.url": "https://example.org",
            "issued": "2016-12-31T23:59:59Z",
            "expires": "2017-06-30T23:59:59Z",
            "achievement_id": "https://example.org/robotics-badge.json",
            "recipient": BETH_HASH,
            "tags": ["robots", "awesome"],
            "skills": [
                ("CCSS.ELA-Literacy.RST.11-12.3", None, "CCSS.ELA-Literacy.RST.11-12.3"),
                ("Problem-Solving", "Mozilla 21st Century Skills", None),
                ("robots", None, None),
                ("awesome", None, None),
            ],
        },
        # Hosted verification: the assertion must be fetched from its URL, which offline cannot be done.
        "unverifiable",
        {"signature": "unknown", "expiry": "fail"},
        signed=False,
    ),
    "ob2-signed-jws": Expected(
        ["1edtech-ob2/signed-assertion.jws"],
        {
            "format": "ob2",
            "media_type": "application/jwt",
            "issued": "2016-12-31T23:59:59Z",
            "recipient": BETH_HASH,
            "achievement_id": "https://example.org/robotics-badge.json",
        },
        # The page says so itself: "This example is not a valid JWS, as the referenced key on example.org does
        # not exist." Offline, the key cannot even be looked for.
        "unverifiable",
        {"signature": "unknown"},
    ),
    # --- Open Badges 1.0 specification (1EdTech openbadges-specification, Assertion/latest.md)
    "ob1-hosted-with-badgeclass-and-issuer": Expected(
        ["1edtech-ob1/assertion-hosted.json", "1edtech-ob1/badgeclass.json", "1edtech-ob1/issuer.json"],
        {
            "format": "ob2",
            "title": "Awesome Robotics Badge",  # from the BadgeClass given beside it (display only)
            "credential_id": "https://example.org/beths-robotics-badge.json",  # verify.url: OB 1.0 has no id
            "issuer.name": "An Example Badge Issuer",
            "issuer.id": "https://example.org/organization.json",
            "issuer.url": "https://example.org",
            "issued": "2013-01-26T16:31:50Z",  # issuedOn 1359217910, a Unix timestamp (OB 1.0 DateTime)
            "achievement_id": "https://example.org/robotics-badge.json",
            "recipient": BETH_HASH,
            "tags": ["robots", "awesome"],
            "skills": [
                ("CCSS.ELA-Literacy.RST.11-12.3", None, None),  # OB 1.0 AlignmentObject: name and url
                ("CCSS.ELA-Literacy.RST.11-12.9", None, None),
                ("robots", None, None),
                ("awesome", None, None),
            ],
        },
        # Hosted: the assertion must be fetched from its verify.url. Signed by nothing: nothing to tamper with.
        "unverifiable",
        {"signature": "unknown", "dates": None},
        reason="to be fetched from https://example.org/beths-robotics-badge.json",
        signed=False,
    ),
    "ob1-signed-jws": Expected(
        ["1edtech-ob1/signed-assertion.jws"],
        {
            "format": "ob2",
            "media_type": "application/jwt",
            "title": None,  # the BadgeClass is only linked, and not given
            "issued": "2013-01-26T16:31:50Z",
            "achievement_id": "https://example.org/robotics-badge.json",
            # the example names the hash "id", not "identity" (OB 1.0 IdentityObject): no recipient is read
            "recipient": None,
        },
        # RS256; the key is at verify.url (https://example.org/publicKey.pem), the issuer behind the BadgeClass
        "unverifiable",
        {"signature": "unknown"},
        reason="https://example.org/robotics-badge.json is needed but not available offline",
    ),
    # --- European Digital Credentials (ELM as a W3C VC) from MyNextID's credential definitions: unsigned examples
    "mynextid-edc-microcredential": Expected(
        ["mynextid-edc/edc-mc-example.json"],
        {
            "format": "edc",
            "title": "Microcredential",  # displayParameter.title
            "achievement_aliases": ["Title of the Qualification"],  # hasClaim.title = specifiedBy.title
            # hasClaim.description; displayParameter.description is the awarding statement "is awarded to"
            "description": (
                "For the completion of the short course on Developmental Psychology I., at the Department of "
                "Psychology, Faculty of Social Sciences, Lalaland University, on the 5th May 2025."
            ),
            "credential_id": "urn:credential:00000000-0000-4000-8000-000000000001",
            "issuer.id": "urn:epass:org:8f1c2a4e-0000-4000-8000-00000000a001",
            "issuer.name": "Example Credential Services d.o.o.",  # legalName
            "issuer.url": "https://issuer.example.com",  # homepage.contentURL
            "issued": "2026-01-01T00:00:00Z",
            "valid_from": "2026-01-01T00:00:00Z",
            "expires": "2031-01-01T00:00:00Z",  # expirationDate
            "recipient": "John Doe",  # fullName
            "skills": [],  # no learningOutcome
            "credits": 5.0,  # specifiedBy.creditPoint.point "5"
            "extra.credit_unit": "European Credit Transfer System",  # the framework's prefLabel, shown
            # the framework concept: the EU education-credit list's ECTS, by which credit sums count it as ECTS
            "extra.credit_framework": "http://data.europa.eu/snb/education-credit/6fcec5c5af",
            "hours": 60.0,  # specifiedBy.volumeOfLearning PT60H
            "result": "Pass",  # provenBy (one LearningAssessment) grade
            "extra.family": "edc",
        },
        "unsigned",  # no proof and no JAdES seal
        {"signature": "na", "not_before": "pass", "expiry": "pass"},
        reason="no proof",
        signed=False,
    ),
    "mynextid-edc-degree-certificate": Expected(
        ["mynextid-edc/edc-dc-example.json"],
        {
            "format": "edc",
            "title": "Degree Certificate",  # displayParameter.title
            "achievement_aliases": ["Master of science eth in electrical engineering and information technology"],
            "description": None,  # neither the claim nor displayParameter has one
            "credential_id": "urn:credential:00000000-0000-4000-8000-000000000001",  # the same id as the microcredential
            "issuer.id": "urn:epass:org:8f1c2a4e-0000-4000-8000-00000000a001",
            "issuer.name": "Example Credential Services d.o.o.",
            "issued": "2026-01-01T00:00:00Z",
            "expires": "2031-01-01T00:00:00Z",
            "recipient": "John Doe",
            "skills": [],
            "credits": None,  # the Qualification states no creditPoint
            "hours": None,
            "result": None,
        },
        "unsigned",
        {"signature": "na", "expiry": "pass"},
        reason="no proof",
        signed=False,
    ),
    # --- MyNextID's microcredential as an Open Badges 3.0 credential: the unsigned example the same form gives
    "mynextid-ob-microcredential": Expected(
        ["mynextid-ob/open-badge-mc-example.json"],
        {
            "format": "ob3",
            "title": "Title of the Qualification",  # name (= credentialSubject.achievement.name)
            "achievement_type": "MicroCredential",
            "achievement_id": "urn:uuid:00000000-0000-4000-8000-000000000002",
            "description": (
                "For the completion of the short course on Developmental Psychology I., at the Department of "
                "Psychology, Faculty of Social Sciences, Lalaland University, on the 5th May 2025."
            ),
            "criteria": "Written Exam",  # criteria.narrative
            "credential_id": "urn:uuid:00000000-0000-4000-8000-000000000001",
            "issuer.id": "https://issuer.example.com",
            "issuer.name": "Example Credential Services d.o.o.",
            "issuer.url": "https://issuer.example.com",
            "issued": "2026-01-01T00:00:00Z",  # validFrom
            "valid_from": "2026-01-01T00:00:00Z",
            "expires": "2031-01-01T00:00:00Z",  # validUntil
            # a hashed emailAddress IdentityObject (salt 8b2f6c1e04): the hash is all there is to show
            "recipient": "sha256$e5ebde24258d48c0d3166fcfa4919fb82df2a06dce96e97a85e7ef1045043ae8",
            "skills": [],  # no alignment
            # achievement.creditsAvailable 5, with no unit: OB 3.0 names none (the form maps its ECTS points here,
            # but nothing in the credential says so), so a sum in ECTS does not count it
            "credits": 5.0,
            "extra.credit_unit": None,
            "hours": None,
            "result": "Pass",  # result[0].value
        },
        "unsigned",  # no proof
        {"signature": "na", "not_before": "pass", "expiry": "pass"},
        reason="no proof",
        signed=False,
    ),
}

# Published files skillwallet must refuse, with the reason it gives.
REJECTED = {
    # The OB 2.0 examples page's "Open Badges in Linked Data" example has a trailing comma after the issuer's
    # email: not JSON, and no reading of it is safe to guess.
    "1edtech-ob2/assertion-embedded-linked-data.json": "malformed JSON at line 26 column 5",
    # VC-JOSE-COSE's vc+jwt example secures a bare JWT claims set (sub, name), not a credential.
    "w3c-vc-jose-cose/vc-2.0-vc+jwt.jose": "a JWS whose payload is not a credential",
    # The EUDI PID SD-JWT VC of the iOS OpenID4VCI tests is only its issuer-signed JWT: an SD-JWT always ends its
    # JWT with "~" (RFC 9901 §4); its x5c chain is tested on its own (test_eudi_x5c.py).
    "eudi-pid-issuer/pid-sd-jwt-vc.jwt": "an SD-JWT without its '~' separator",
    # MyNextID's "signed" Open Badge is one base64url part: a JOSE protected header (RS256, a jwk, an x5c chain to
    # Rekono RSA Root CA, sigT 2026-01-12T08:37:18Z) with no payload and no signature after it.
    "mynextid-ob/open-badge-mc-signed.jwt": (
        "a JWS protected header alone (alg RS256): the payload and the signature that should follow it are missing"
    ),
}

# Expectations skillwallet does not meet yet because of the verifier (src/skillwallet/verify, not owned here).
VERIFIER_XFAIL: dict[str, str] = {}  # expectations the verifier does not meet yet (strict xfail)


# Fixtures with tests of their own below.
OTHER_TESTS = {
    "1edtech-validator-ob20/basic-assertion.json",
    "dcc-verifier-core/did-web-dcc-did-web-ca509a3.json",
    "dcc-verifier-core/did-web-dcc-did-web-48de976.json",
    "dcc-verifier-core/status-e5WK8CbZ1GjycuPombrj.json",
    "eudi-pid-issuer/eudi_pid_issuer_ut.pem",  # test_eudi_x5c.py
    "blockcerts/openbadges-v2-context.json",  # test_blockcerts_2_supplied_context.py: a context, not a credential
}
# DSS's JAdES test files sign no credential: test_dss_jades_vectors.py checks each against DSS's conclusion (and that
# every file there is in its table)
OTHER_TESTS |= {f"dss-jades/{p.name}" for p in (FIXTURES / "dss-jades").iterdir() if p.name != "SOURCES.md"}


@pytest.fixture
def wallet_home(passphrase: str) -> Path:
    home = paths.wallet_home()
    Wallet.init(home, passphrase).close()
    return home


def fixture(name: str) -> Path:
    return FIXTURES / name


def attribute(credential: Any, dotted: str) -> Any:
    value: Any = credential
    for part in dotted.split("."):
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            value = getattr(value, part)
    return value


def as_text(value: Any) -> Any:
    from skillwallet.model import format_datetime

    if hasattr(value, "tzinfo"):
        return format_datetime(value)
    return value


def verify_file(capsys, path: Path, *extra: str) -> tuple[int, dict]:
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, *extra, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    document = json.loads(out.out)
    assert document["schema"] == "skillwallet/verify"
    # a CLR is reported first, then each credential it carries
    return code, document["results"][0]


def assert_verdict(result: dict, expected: Expected) -> None:
    assert result["verdict"] == expected.verdict, result["reasons"]
    for check, outcome in expected.checks.items():
        assert result["checks"].get(check) == outcome, (check, result["checks"], result["reasons"])
    if expected.reason:
        assert any(expected.reason in r for r in result["reasons"]), result["reasons"]


def marks_for(name: str) -> list:
    if name in VERIFIER_XFAIL:
        return [pytest.mark.xfail(strict=True, reason=VERIFIER_XFAIL[name])]
    return []


def cases(names) -> list:
    return [pytest.param(name, id=name, marks=marks_for(name)) for name in names]


@pytest.mark.parametrize("name", list(EXPECTATIONS))
def test_add_stores_the_normalised_view(name, wallet_home, passphrase, capsys) -> None:
    expected = EXPECTATIONS[name]
    code = run(["add", "--json", "--offline", *expected.anchor_options(), *(str(fixture(f)) for f in expected.files)])
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert code == ExitCode.OK, out.err
    added = [r for r in report["results"] if r["status"] == "added"]
    assert len(added) == expected.added, report
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = [s for s in wallet.list_credentials() if s.credential.parent_id is None]
    credential = stored.credential
    published = fixture(expected.files[0]).read_bytes()
    if published.lstrip().startswith(b"<"):  # a baked SVG: the credential is what was baked in, byte for byte
        assert credential.original in published and credential.extra["baked_in"] == "svg"
    else:
        assert credential.original.strip() == published.strip()
    for key, value in expected.view.items():
        if key == "skills":
            got = [(s.name, s.framework, s.code) for s in credential.skills]
            assert got == value, credential.skills
        else:
            assert as_text(attribute(credential, key)) == value, (key, attribute(credential, key))
    # the verdict kept at import is the offline verdict (the dates are those of today, not AS_OF)
    if name not in VERIFIER_XFAIL:
        assert stored.verdict.verdict == expected.import_verdict(), stored.verdict.reasons


@pytest.mark.parametrize("name", cases(EXPECTATIONS))
def test_verify_offline_gives_the_right_verdict(name, capsys) -> None:
    expected = EXPECTATIONS[name]
    # supporting documents that state their own URL (OB 2.0) are supplied under it; OB 1.0 ones state none
    supporting = [f"--document={doc_url(f)}={fixture(f)}" for f in expected.files[1:] if doc_url(f)]
    code, result = verify_file(capsys, fixture(expected.files[0]), *supporting, *expected.anchor_options())
    assert_verdict(result, expected)
    in_force_and_verified = result["verdict"] == "verified" and result["in_force"] and result["checks"]["status"] != "unknown"
    assert (code == ExitCode.OK) == in_force_and_verified


def doc_url(name: str) -> str:
    return json.loads(fixture(name).read_text(), strict=False).get("id")  # the published BadgeClass wraps a string


def forge(credential: dict) -> None:
    """Change what a holder would most like to change: the achievement's name, else the credential's, else whose it is."""
    subject = credential["credentialSubject"]
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else None
    named = achievement or subject.get("hasCredential") or (subject if "name" in subject else None)
    if named is not None and isinstance(named.get("name"), str):
        named["name"] += " (forged)"
    elif isinstance(credential.get("name"), str):
        credential["name"] += " (forged)"
    else:
        subject["id"] = "did:example:forger"


def tampered(raw: bytes) -> bytes:
    """The same credential with one payload value changed and its signature kept."""
    text = raw.decode().strip()
    if text.startswith("{"):
        document = json.loads(text)
        forge(document)
        return json.dumps(document, indent=2).encode()
    header, payload, signature = text.split(".", 2)  # an SD-JWT keeps its disclosures after the signature
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if "vc" in claims:
        forge(claims["vc"])
    elif "vct" in claims:
        claims["exp"] = claims["exp"] + 10 * 365 * 86400  # SD-JWT VC: ten more years of validity
    else:
        claims["issuedOn"] = "2020-01-01T00:00:00Z"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}".encode()


SIGNED = [name for name, e in EXPECTATIONS.items() if e.signed]


@pytest.mark.parametrize("name", SIGNED)
def test_a_tampered_copy_is_never_verified(name, tmp_path, capsys) -> None:
    expected = EXPECTATIONS[name]
    original = fixture(expected.files[0])
    forged = tmp_path / original.name
    forged.write_bytes(tampered(original.read_bytes()))
    assert forged.read_bytes() != original.read_bytes()
    code, result = verify_file(capsys, forged, *expected.anchor_options())
    assert result["verdict"] != "verified", result
    assert code != ExitCode.OK
    if expected.checks.get("signature") == "pass":
        # its signature checked before the change: the change alone must break it
        assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result
    if expected.checks.get("target_hash") == "pass":
        # a Blockcerts certificate whose hash checked before the change: its proof no longer matches it
        assert result["verdict"] == "invalid" and result["checks"]["target_hash"] == "fail", result
        assert result["checks"]["merkle_path"] == "pass", result  # the proof itself is untouched


@pytest.mark.parametrize("name", list(REJECTED))
def test_published_files_that_are_not_credentials_are_refused_with_a_reason(name, wallet_home, capsys) -> None:
    code = run(["add", "--offline", str(fixture(name))])
    out = capsys.readouterr()
    assert code == ExitCode.BAD_INPUT
    assert "Traceback" not in out.err
    assert REJECTED[name] in out.err.splitlines()[-1]


def test_every_fixture_is_listed_in_sources_and_covered_by_a_test() -> None:
    covered = {f for e in EXPECTATIONS.values() for f in [*e.files, *e.anchors]} | set(REJECTED) | OTHER_TESTS
    on_disk = {
        str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md"
    }
    assert on_disk == covered
    sources = "\n".join(p.read_text() for p in FIXTURES.rglob("SOURCES.md"))
    for name in on_disk:
        assert f"`{Path(name).name}`" in sources, name


VERIFIED_JSON = [
    name for name, e in EXPECTATIONS.items() if e.verdict == "verified" and e.files[0].endswith(".json")
]


@pytest.mark.parametrize("name", VERIFIED_JSON)
def test_a_verified_credential_stripped_of_its_proof_is_unsigned(name, tmp_path, capsys) -> None:
    document = json.loads(fixture(EXPECTATIONS[name].files[0]).read_text())
    del document["proof"]
    stripped = tmp_path / "stripped.json"
    stripped.write_text(json.dumps(document))
    _, result = verify_file(capsys, stripped)
    assert result["verdict"] == "unsigned", result


def test_a_proof_moved_onto_another_credential_by_the_same_key_is_invalid(tmp_path, capsys) -> None:
    # Both published credentials are signed by the same did:key; a proof is bound to the document it signed.
    donor = json.loads(fixture("dcc-vc-test-fixtures/v2-di-alignments.json").read_text())
    target = json.loads(fixture("dcc-vc-test-fixtures/v2-di-achievement-type.json").read_text())
    assert donor["proof"]["verificationMethod"] == target["proof"]["verificationMethod"]
    target["proof"] = donor["proof"]
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(target))
    _, result = verify_file(capsys, moved)
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_an_issuer_renamed_after_signing_is_invalid(tmp_path, capsys) -> None:
    # The displayed issuer name is part of the signed document: a forger cannot borrow a real badge's signature
    # to show another institution's name.
    document = json.loads(fixture("dcc-vc-test-fixtures/v2-ed25519-lcw-experience.json").read_text())
    document["issuer"]["name"] = "Massachusetts Institute of Technology"
    renamed = tmp_path / "renamed.json"
    renamed.write_text(json.dumps(document))
    _, result = verify_file(capsys, renamed)
    assert result["verdict"] == "invalid", result


def test_the_baked_svg_and_the_bare_jwt_of_one_credential_are_stored_once(wallet_home, passphrase, capsys) -> None:
    code = run(["add", "--json", "--offline", str(fixture("1edtech-validator/ob30-simple.jwt"))])
    first = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK and first["summary"]["added"] == 1
    code = run(["add", "--json", "--offline", str(fixture("1edtech-validator/ob30-simple-jwt.svg"))])
    again = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK
    assert again["summary"]["added"] == 0 and again["summary"]["present"] == 1
    assert again["results"][0]["id"] == first["results"][0]["id"]


@pytest.mark.parametrize(("email", "addressed"), [("nobody@example.org", True), ("NOBODY@example.org", True), ("beth@example.org", False)])
def test_a_hashed_ob2_recipient_is_matched_against_the_holders_emails(email, addressed, wallet_home, passphrase, capsys) -> None:
    # 1EdTech validator ob20/basic-assertion.json: sha256$ecf5409f... is sha256("nobody@example.org" + "deadsea")
    assert run(["profile", "add-email", email]) == ExitCode.OK
    code = run(["add", "--offline", str(fixture("1edtech-validator-ob20/basic-assertion.json"))])
    assert code == ExitCode.OK, capsys.readouterr().err
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = wallet.list_credentials()
    assert stored.credential.addressed_to_holder is addressed


DID_WEB_URL = "https://digitalcredentials.github.io/dcc-did-web/did.json"
DCC_STATUS_URL = (
    "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/"
    "e5WK8CbZ1GjycuPombrj"
)


def did_web_verdict(capsys, did_document: str) -> dict:
    _, result = verify_file(
        capsys,
        fixture("dcc-verifier-core/v2-did-web-with-valid-status.json"),
        f"--document={DID_WEB_URL}={fixture('dcc-verifier-core/' + did_document)}",
        f"--document={DCC_STATUS_URL}={fixture('dcc-verifier-core/status-e5WK8CbZ1GjycuPombrj.json')}",
    )
    return result


def test_did_web_credential_verifies_with_the_did_document_that_lists_its_key(capsys) -> None:
    result = did_web_verdict(capsys, "did-web-dcc-did-web-ca509a3.json")
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["issuer_binding"] == "pass"
    # The status list is signed by another key (a did:key), not by the did:web issuer, and its id is another URL
    # (testing.dcconsortium.org) than the one the credential names: another party's list is not taken for it.
    assert result["checks"]["status"] == "unknown"
    assert any("is not the credential issuer's" in r for r in result["reasons"])


def test_did_web_credential_is_not_verified_once_its_key_is_rotated_out(capsys) -> None:
    # The same DID's later document (commit 48de976) lists another key: the credential's key is no longer the issuer's.
    result = did_web_verdict(capsys, "did-web-dcc-did-web-48de976.json")
    assert result["verdict"] == "invalid", result
    assert result["checks"]["signature"] != "pass"
    assert any("is not a verification method of did:web:digitalcredentials.github.io:dcc-did-web" in r for r in result["reasons"])


def test_two_published_edcs_with_one_id_are_not_taken_for_one_another(wallet_home, passphrase, capsys) -> None:
    # MyNextID's microcredential and degree certificate examples share urn:credential:00000000-...-000000000001:
    # the second is a different document under a stored id, reported as a conflict, never stored over the first.
    files = [fixture("mynextid-edc/edc-dc-example.json"), fixture("mynextid-edc/edc-mc-example.json")]
    code = run(["add", "--json", "--offline", *map(str, files)])
    report = json.loads(capsys.readouterr().out)
    assert code == ExitCode.PARTIAL  # one stored, one conflict in a batch (README "Exit codes")
    assert [r["status"] for r in report["results"]] == ["added", "conflict"]
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        (stored,) = wallet.list_credentials()
    assert stored.credential.title == "Degree Certificate" and stored.credential.original == files[0].read_bytes()


def test_the_corpus_benchmark_reports_the_published_edcs_as_their_own_family() -> None:
    import importlib.util

    from skillwallet.formats import parse_credential_bytes

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "interop.py"
    spec = importlib.util.spec_from_file_location("interop_benchmark", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    assert "edc" in benchmark.FAMILIES  # listed even when the corpus has no such file
    for name in ("mynextid-edc/edc-mc-example.json", "mynextid-edc/edc-dc-example.json"):
        (credential,) = parse_credential_bytes(fixture(name).read_bytes(), source=name)
        assert benchmark.family_of(credential) == "edc"
