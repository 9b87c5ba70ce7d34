"""Entries the holder makes: a degree, a work project, work experience — signed with the holder key.

Each entry is a W3C VC 2.0 OpenBadgeCredential (OB 3.0 data model) whose issuer *and* subject are the
holder's did:key, secured with a Data Integrity proof using the ``eddsa-jcs-2022`` cryptosuite
(W3C vc-di-eddsa §3.3: JCS canonicalisation, SHA-256, Ed25519). It is marked self-attested everywhere:
a signature by the holder proves only that the holder made the entry and that it was not altered since.

Evidence files are never copied: their name and SHA-256 are recorded (as ``digestMultibase``, VC 2.0 §5.3,
a multibase base64url multihash) so that the file can be matched later.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from skillwallet.errors import InvalidInputError
from skillwallet.model import FORMAT_SELF, Credential, format_datetime, parse_datetime

ENTRY_KINDS = {
    # kind -> (OB 3.0 achievementType, criteria narrative)
    "degree": ("Degree", "Awarded on completion of the degree programme."),
    "project": ("ext:Project", "Work project carried out by the holder."),
    "experience": ("ext:WorkExperience", "Work experience of the holder."),
}
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CRYPTOSUITE = "eddsa-jcs-2022"


@dataclass
class EvidenceFile:
    """An evidence file attached by the holder: only its name and digest are kept."""

    name: str
    sha256: str  # hex


@dataclass
class SelfAttestedEntry:
    kind: str  # degree | project | experience
    title: str
    issuer_name: str | None = None  # the institution / employer, as the holder states it
    description: str | None = None
    date: str | None = None  # ISO date: awarded (degree) or started (project, experience)
    until: str | None = None  # ISO date the activity ended (not an expiry: the entry does not expire)
    evidence_urls: list[str] = field(default_factory=list)
    evidence_files: list[EvidenceFile] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    credits: float | None = None


def evidence_file(name: str, content: bytes) -> EvidenceFile:
    return EvidenceFile(name=name, sha256=hashlib.sha256(content).hexdigest())


def _multibase_sha256(hex_digest: str) -> str:
    from skillwallet.formats.jose import b64url_encode

    return "u" + b64url_encode(b"\x12\x20" + bytes.fromhex(hex_digest))


def _iso(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise InvalidInputError(f"--{what}: {value!r} is not a date (use YYYY-MM-DD)")
    return format_datetime(parsed)


def build_document(
    entry: SelfAttestedEntry,
    *,
    holder_did: str,
    holder_name: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The unsigned VC 2.0 document for ``entry``."""
    if entry.kind not in ENTRY_KINDS:
        raise InvalidInputError(f"unknown entry kind {entry.kind!r}", f"choose one of: {', '.join(ENTRY_KINDS)}")
    if not entry.title or not entry.title.strip():
        raise InvalidInputError("a self-attested entry needs a --title")
    now = now or datetime.now(timezone.utc)
    achievement_type, narrative = ENTRY_KINDS[entry.kind]
    signed_at = format_datetime(now.replace(microsecond=0))
    started = _iso(entry.date, "date")
    ended = _iso(entry.until, "until")
    if started and ended and parse_datetime(ended) < parse_datetime(started):
        raise InvalidInputError("--until is before --date")
    achievement: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": entry.title.strip(),
        "description": (entry.description or entry.title).strip(),
        "criteria": {"narrative": narrative},
    }
    if entry.skills:
        achievement["tag"] = [s.strip() for s in entry.skills if s.strip()]
    if entry.credits is not None:
        achievement["creditsAvailable"] = entry.credits
    issuer: dict[str, Any] = {"id": holder_did, "type": ["Profile"]}
    if holder_name:
        issuer["name"] = holder_name
    document: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": signed_at,  # the entry is valid from when the holder signed it
        "name": entry.title.strip(),
        "credentialSubject": {"id": holder_did, "type": ["AchievementSubject"], "achievement": achievement},
    }
    if entry.issuer_name:
        # Who the holder says awarded it; the credential's issuer stays the holder (self-attested).
        document["description"] = f"Self-attested; stated source: {entry.issuer_name.strip()}"
        achievement["creator"] = {"id": f"urn:uuid:{uuid.uuid4()}", "type": ["Profile"], "name": entry.issuer_name.strip()}
    # The dates the holder states go where OB 3.0 puts them (§B.1.1 awardedDate; §B.1.3 activityStartDate /
    # activityEndDate), not in validFrom/validUntil: a job that ended is not an expired credential.
    subject = document["credentialSubject"]
    if entry.kind == "degree" and started:
        document["awardedDate"] = started
    elif started:
        subject["activityStartDate"] = started
    if ended:
        subject["activityEndDate"] = ended
    evidence: list[dict[str, Any]] = []
    for url in entry.evidence_urls:
        evidence.append({"id": url, "type": ["Evidence"]})
    for item in entry.evidence_files:
        evidence.append({"type": ["Evidence"], "name": item.name, "digestMultibase": _multibase_sha256(item.sha256)})
    if evidence:
        document["evidence"] = evidence
    return document


def sign_eddsa_jcs_2022(
    document: dict[str, Any],
    private_key: Any,
    verification_method: str,
    *,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Add an ``eddsa-jcs-2022`` DataIntegrityProof (vc-di-eddsa §3.3.1–3.3.5) and return the secured document.

    proofConfig = proof options with ``@context`` set to the document's; hashData =
    SHA-256(JCS(proofConfig)) || SHA-256(JCS(unsecured document)); proofValue = ``z`` + base58btc(Ed25519 signature).
    The published proof keeps the ``@context`` (as the spec's test vectors show).
    """
    import base58
    import rfc8785

    unsecured = {k: v for k, v in document.items() if k != "proof"}
    created_at = created or datetime.now(timezone.utc).replace(microsecond=0)
    proof_config: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created_at),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in unsecured:
        proof_config["@context"] = unsecured["@context"]
    hash_data = hashlib.sha256(rfc8785.dumps(proof_config)).digest() + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    signature = private_key.sign(hash_data)
    proof = dict(proof_config)
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    secured = dict(unsecured)
    secured["proof"] = proof
    return secured


def make_self_attested(
    entry: SelfAttestedEntry,
    *,
    holder_did: str,
    verification_method: str,
    private_key: Any,
    holder_name: str | None = None,
    now: datetime | None = None,
) -> Credential:
    """Build, sign and normalise a self-attested entry."""
    from skillwallet.formats.ob3 import map_vc

    document = build_document(entry, holder_did=holder_did, holder_name=holder_name, now=now)
    try:
        # The verifier's signer when it is there: one implementation signs and checks.
        from skillwallet.verify.data_integrity import sign_data_integrity
    except ImportError:
        secured = sign_eddsa_jcs_2022(document, private_key, verification_method, created=now)
    else:
        secured = sign_data_integrity(
            document, private_key, verification_method, cryptosuite=CRYPTOSUITE, created=now
        )
    original = json.dumps(secured, ensure_ascii=False, indent=2).encode("utf-8")
    credential = map_vc(secured, source="self-attested entry", original=original, fmt=FORMAT_SELF, holder_ids=[holder_did])
    credential.self_attested = True
    for skill in credential.skills:
        skill.source = "self"
    credential.addressed_to_holder = True
    if entry.issuer_name:
        credential.extra["stated_issuer"] = entry.issuer_name.strip()
    for item, evidence in zip(entry.evidence_files, [e for e in credential.evidence if e.sha256]):
        evidence.name = item.name
    credential.extra["entry_kind"] = entry.kind
    stated = stated_date(document)
    if stated is not None:
        # what the holder says (awarded / started) is the entry's date; duration rules count from it
        credential.issued = stated
        credential.valid_from = stated
    return credential


def stated_date(document: dict[str, Any]) -> datetime | None:
    """The date a self-attested entry's holder states (OB 3.0 ``awardedDate``, else the subject's
    ``activityStartDate``): the entry's date, where ``validFrom`` is only when the holder signed it. Read the same
    way wherever the signed entry is read again (a resume's attached proof: export/pdfcheck.py)."""
    subject = document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    value = document.get("awardedDate") or subject.get("activityStartDate")
    return parse_datetime(value) if isinstance(value, str) else None
