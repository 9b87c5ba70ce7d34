"""The normalised credential view: the contract between import, verification, stacking and export.

Every importer produces :class:`Credential` objects; nothing downstream parses a source format again.
``original`` holds the exact bytes the credential arrived as (JSON text, compact JWS, SD-JWT with its
disclosures); verification and export use those bytes, never a re-serialisation.

All dates are timezone-aware ``datetime`` objects in UTC, serialised as ISO 8601 (``2024-05-01T00:00:00Z``).
:meth:`Credential.to_dict` / :meth:`Credential.from_dict` round-trip losslessly through JSON.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

# Source formats (the ``format`` field). Stable strings: they appear in --json output.
FORMAT_OB2 = "ob2"  # Open Badges 2.0 assertion (hosted or signed)
FORMAT_OB3 = "ob3"  # Open Badges 3.0 OpenBadgeCredential / AchievementCredential (JSON-LD)
FORMAT_CLR = "clr2"  # CLR 2.0 ClrCredential
FORMAT_VC = "vc"  # any other W3C VC 1.1 / 2.0 (JSON-LD)
FORMAT_VC_JWT = "vc-jwt"  # VC 1.1 JWT (``vc`` claim)
FORMAT_VC_JOSE = "vc+jwt"  # VC-JOSE-COSE: the payload is the credential
FORMAT_SD_JWT = "sd-jwt"  # SD-JWT VC
FORMAT_SELF = "self-attested"  # an entry the holder made, signed with the holder key

#: The European Credit Transfer System in the EU's Europass "Education credit" list (scheme
#: http://data.europa.eu/snb/education-credit/25831c2): how a Europass credential names ECTS credits.
ECTS_CONCEPT = "http://data.europa.eu/snb/education-credit/6fcec5c5af"

# Verdicts. Until a credential is verified: VERDICT_NOT_VERIFIED.
VERDICT_VERIFIED = "verified"
VERDICT_SELF_ASSERTED = "self-asserted"
VERDICT_INVALID = "invalid"
VERDICT_UNVERIFIABLE = "unverifiable"
VERDICT_UNSIGNED = "unsigned"
VERDICT_NOT_VERIFIED = "not-verified"
VERDICTS = (
    VERDICT_VERIFIED,
    VERDICT_SELF_ASSERTED,
    VERDICT_INVALID,
    VERDICT_UNVERIFIABLE,
    VERDICT_UNSIGNED,
    VERDICT_NOT_VERIFIED,
)


def utc(dt: datetime) -> datetime:
    """Make ``dt`` timezone-aware UTC (naive values are taken as UTC)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def format_datetime(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return utc(dt).isoformat().replace("+00:00", "Z")


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO 8601 string, a date, or a Unix timestamp into aware UTC; ``None`` if not parseable.

    Total: whatever a credential holds (NaN, 10**400, ``0001-01-01T00:00:00+01:00``, which is before year 1 in
    UTC), the answer is a datetime or ``None``, never an exception.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):  # OverflowError: a valid local time outside years 1-9999 in UTC
        return None


@dataclass
class Issuer:
    id: str | None = None
    name: str | None = None
    url: str | None = None


@dataclass
class Skill:
    """A skill a credential evidences: from an alignment, a tag or a skill field.

    ``framework``/``code`` come from alignments (e.g. ``ESCO`` + URI, ``O*NET`` + ``15-2051.00``);
    ``level`` from a result (``achievedLevel``) where known.
    """

    name: str
    framework: str | None = None
    code: str | None = None
    url: str | None = None
    level: str | None = None
    source: str = "alignment"  # alignment | tag | skill | self


@dataclass
class Evidence:
    id: str | None = None
    name: str | None = None
    description: str | None = None
    url: str | None = None
    sha256: str | None = None  # of an evidence file the holder attached


@dataclass
class Credential:
    """The normalised view of one credential, plus its exact original bytes."""

    format: str
    original: bytes
    media_type: str = "application/json"  # application/json, application/jwt, application/vc+jwt, application/sd-jwt
    credential_id: str | None = None  # the credential's own id (URI / jti / OB 2.0 assertion id)
    title: str | None = None
    description: str | None = None
    issuer: Issuer = field(default_factory=Issuer)
    issued: datetime | None = None
    expires: datetime | None = None
    valid_from: datetime | None = None
    achievement_id: str | None = None  # OB 3.0 achievement id / OB 2.0 BadgeClass id
    achievement_type: str | None = None  # e.g. Certificate, Course, Degree, Badge, MicroCredential
    achievement_aliases: list[str] = field(default_factory=list)
    criteria: str | None = None
    skills: list[Skill] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    credits: float | None = None  # creditsEarned, else creditsAvailable
    hours: float | None = None
    result: str | None = None  # result value / grade
    level: str | None = None  # achieved level
    evidence: list[Evidence] = field(default_factory=list)
    image: str | None = None  # URL or data: URI
    recipient: str | None = None  # subject id / identity as given (may be a salted hash)
    addressed_to_holder: bool | None = None  # None: cannot tell
    types: list[str] = field(default_factory=list)  # the credential's declared types
    renewal: str | None = None  # renewal information the credential carries (URL or text)
    status_entries: list[dict[str, Any]] = field(default_factory=list)  # credentialStatus as given
    parent_id: str | None = None  # wallet id of the CLR this credential came in
    self_attested: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # format-specific details worth keeping

    def identity_key(self) -> str:
        """A key equal for every shape of the same credential (dedupe on add).

        The credential's own id together with its issuer when it has one; otherwise a hash of the exact
        original bytes (importers give id-less credentials a content-derived URN first, so this is rare).
        An Open Badges 2.0 assertion id is an HTTPS URL the issuer hosts: it identifies the assertion alone,
        whether or not the issuer profile could be resolved in a given import.
        """
        if self.credential_id and self.format == FORMAT_OB2:
            basis = f"id\n\n{self.credential_id}"
        elif self.credential_id:
            basis = f"id\n{self.issuer.id or ''}\n{self.credential_id}"
        else:
            basis = "bytes\n" + hashlib.sha256(self.original).hexdigest()
        return hashlib.sha256(basis.encode()).hexdigest()

    def wallet_id(self) -> str:
        """The short id users type (``skillwallet show ID``): 12 hex digits of the identity key."""
        return self.identity_key()[:12]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "original":
                out[f.name] = base64.b64encode(value).decode("ascii")
            elif isinstance(value, datetime):
                out[f.name] = format_datetime(value)
            elif f.name == "issuer":
                out[f.name] = asdict(value)
            elif f.name in ("skills", "evidence"):
                out[f.name] = [asdict(v) for v in value]
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Credential":
        kwargs: dict[str, Any] = {}
        names = {f.name for f in fields(cls)}
        for key, value in data.items():
            if key not in names:
                continue
            if key == "original":
                value = base64.b64decode(value)
            elif key in ("issued", "expires", "valid_from"):
                value = parse_datetime(value)
            elif key == "issuer":
                value = Issuer(**value)
            elif key == "skills":
                value = [Skill(**v) for v in value]
            elif key == "evidence":
                value = [Evidence(**v) for v in value]
            kwargs[key] = value
        return cls(**kwargs)

    def summary(self) -> dict[str, Any]:
        """The fields ``list --json`` prints for each credential (without the original bytes)."""
        return {
            "title": self.title,
            "issuer": self.issuer.name or self.issuer.id,
            "issuer_id": self.issuer.id,
            "issued": format_datetime(self.issued),
            "expires": format_datetime(self.expires),
            "format": self.format,
            "achievement_type": self.achievement_type,
            "skills": [s.name for s in self.skills],
            "tags": list(self.tags),
            "self_attested": self.self_attested,
            "parent_id": self.parent_id,
        }


@dataclass
class Verdict:
    """The outcome of verifying one credential. Never mutates the credential.

    ``checks`` maps a check name to its outcome, at least ``signature`` (pass/fail/unknown/na),
    ``expiry`` (pass/fail/na), ``not_before`` (pass/fail/na) and ``status``
    (pass/revoked/suspended/unknown/na). ``reasons`` are human sentences, one per notable finding.
    """

    verdict: str = VERDICT_NOT_VERIFIED
    checks: dict[str, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    checked_at: datetime | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def in_force(self) -> bool:
        return (
            self.checks.get("expiry") != "fail"
            and self.checks.get("not_before") != "fail"
            and self.checks.get("status") not in ("revoked", "suspended")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "checks": dict(self.checks),
            "reasons": list(self.reasons),
            "checked_at": format_datetime(self.checked_at),
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        return cls(
            verdict=data.get("verdict", VERDICT_NOT_VERIFIED),
            checks=dict(data.get("checks") or {}),
            reasons=list(data.get("reasons") or []),
            checked_at=parse_datetime(data.get("checked_at")),
            details=dict(data.get("details") or {}),
        )
