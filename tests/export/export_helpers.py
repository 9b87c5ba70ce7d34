"""Realistic credentials and a stand-in for the store's StoredCredential, for the export tests.

The credentials carry real original bytes (JSON-LD documents, a compact JWS) because exports embed and sign those
bytes, never a re-serialisation.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from skillwallet.model import (
    FORMAT_OB2,
    FORMAT_OB3,
    FORMAT_VC_JWT,
    Credential,
    Issuer,
    Skill,
    Verdict,
)

AS_OF = datetime(2026, 11, 28, tzinfo=timezone.utc)


@dataclass
class FakeStored:
    """The shape of ``skillwallet.store.StoredCredential`` that exports read."""

    wallet_id: str
    credential: Credential
    verdict: Verdict
    tags: list[str] = field(default_factory=list)
    added: datetime = AS_OF
    note: str | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ob3_document(title: str, issuer_name: str, *, index: int = 0, skills=("Python",), expires: str | None = None,
                 padding: int = 0) -> dict:
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:6a1f0b3c-0000-4000-8000-{index:012d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "type": ["Profile"],
                   "name": issuer_name, "url": "https://issuer.example.org"},
        "validFrom": "2024-03-12T00:00:00Z",
        "name": title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://issuer.example.org/achievements/{index}",
                "type": ["Achievement"],
                "name": title,
                "description": "Awarded for demonstrated skill. " + "x" * padding,
                "criteria": {"narrative": "Pass the assessment."},
                "alignment": [
                    {"type": ["Alignment"], "targetName": s, "targetFramework": "ESCO",
                     "targetUrl": f"http://data.europa.eu/esco/skill/{i}"}
                    for i, s in enumerate(skills)
                ],
            },
        },
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2024-03-12T00:00:00Z",
            "verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "proofPurpose": "assertionMethod",
            "proofValue": "z" + "3" * 86,
        },
    }
    if expires:
        document["validUntil"] = expires
    return document


def ob3_credential(title: str, issuer_name: str, *, index: int = 0, skills=("Python",), expires: datetime | None = None,
                   padding: int = 0, achievement_type: str = "Certificate") -> Credential:
    document = ob3_document(title, issuer_name, index=index, skills=skills,
                            expires=expires.isoformat().replace("+00:00", "Z") if expires else None, padding=padding)
    return Credential(
        format=FORMAT_OB3,
        original=json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
        credential_id=document["id"],
        title=title,
        description=document["credentialSubject"]["achievement"]["description"][:200],
        issuer=Issuer(id=document["issuer"]["id"], name=issuer_name, url="https://issuer.example.org"),
        issued=datetime(2024, 3, 12, tzinfo=timezone.utc),
        expires=expires,
        achievement_id=document["credentialSubject"]["achievement"]["id"],
        achievement_type=achievement_type,
        skills=[Skill(name=s, framework="ESCO", code=f"http://data.europa.eu/esco/skill/{i}") for i, s in enumerate(skills)],
        types=document["type"],
    )


def ob2_hosted_credential() -> Credential:
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.edu/assertions/1234?lang=en&v=2",
        "recipient": {"type": "email", "hashed": True, "salt": "s", "identity": "sha256$" + "ab" * 32},
        "badge": "https://badges.example.edu/badges/data-literacy",
        "verification": {"type": "hosted"},
        "issuedOn": "2023-06-01T00:00:00Z",
    }
    return Credential(
        format=FORMAT_OB2,
        original=json.dumps(document).encode(),
        credential_id=document["id"],
        title="Data Literacy Foundations",
        issuer=Issuer(id="https://badges.example.edu/issuer", name="Universidad Politécnica de Cataluña",
                      url="https://badges.example.edu"),
        issued=datetime(2023, 6, 1, tzinfo=timezone.utc),
        achievement_type="Badge",
        skills=[Skill(name="Data analysis"), Skill(name="python")],
    )


def vc_jwt_credential() -> Credential:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": "did:example:issuer#key-1"}
    payload = {
        "iss": "did:example:issuer",
        "sub": "did:example:holder",
        "jti": "urn:uuid:7b1e2c4d-1111-4222-8333-444455556666",
        "nbf": 1700000000,
        "exp": 1900000000,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:holder", "skill": "Kubernetes"},
        },
    }
    token = ".".join([_b64url(json.dumps(header).encode()), _b64url(json.dumps(payload).encode()), _b64url(b"s" * 64)])
    return Credential(
        format=FORMAT_VC_JWT,
        original=token.encode(),
        media_type="application/jwt",
        credential_id=payload["jti"],
        title="Certified Kubernetes Administrator (CKA)®",
        issuer=Issuer(id="did:example:issuer", name="Cloud Native Computing Foundation"),
        issued=datetime.fromtimestamp(1700000000, tz=timezone.utc),
        expires=datetime.fromtimestamp(1900000000, tz=timezone.utc),
        achievement_type="Certification",
        skills=[Skill(name="Kubernetes"), Skill(name="Python")],
    )


def verified(checked: datetime = AS_OF, **checks: str) -> Verdict:
    base = {"signature": "pass", "expiry": "pass", "not_before": "pass", "status": "na"}
    base.update(checks)
    return Verdict(verdict="verified", checks=base, checked_at=checked)


def sample_wallet_items() -> list[FakeStored]:
    """Five credentials covering the shapes a resume must handle (URL QR, embedded QR, CJK, expired, invalid)."""
    items = [
        FakeStored("a1b2c3d4e5f6", vc_jwt_credential(), verified(), ["cloud"]),
        FakeStored("0badc0ffee01", ob2_hosted_credential(), Verdict(verdict="unsigned", checks={"signature": "na"}), ["data"]),
        FakeStored(
            "c0ffee000003",
            ob3_credential("Zertifikat für Datenschutz – Grundlagen", "Technische Universität München",
                           index=3, skills=("GDPR", "Data protection", "Python")),
            verified(),
            ["law"],
        ),
        FakeStored(
            "c0ffee000004",
            ob3_credential("高级软件工程师证书", "清华大学", index=4, skills=("软件工程", "Python"),
                           achievement_type="Certificate"),
            verified(),
            ["cjk"],
        ),
        FakeStored(
            "c0ffee000005",
            ob3_credential("First Aid at Work", "St John Ambulance", index=5, skills=("First aid",),
                           expires=datetime(2025, 1, 31, tzinfo=timezone.utc)),
            verified(expiry="fail"),
            ["safety"],
        ),
        FakeStored(
            "c0ffee000006",
            ob3_credential("Forged Diploma", "Nowhere Institute", index=6, skills=("Forgery",)),
            Verdict(verdict="invalid", checks={"signature": "fail"}, reasons=["the signature does not match"]),
            [],
        ),
    ]
    return items


def sample_profile() -> dict:
    return {
        "name": "Zoë Ångström-Nakamura",
        "headline": "Cloud & data engineer — Kubernetes, Python, privacy engineering",
        "emails": ["zoe@example.org"],
        "phone": "+44 20 7946 0958",
        "location": "Edinburgh, UK",
        "links": [{"url": "https://github.com/zoe-example", "label": None},
                  {"url": "https://www.linkedin.com/in/zoe-example/", "label": "LinkedIn"}],
        "summary": "Engineer with eight years of experience building reliable cloud platforms and data pipelines.",
    }
