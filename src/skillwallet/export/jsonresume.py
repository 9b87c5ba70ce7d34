"""JSON Resume (https://jsonresume.org/schema) from the resume model, validated against the official schema.

The schema is shipped as package data (``data/export/jsonresume/schema.json``, @jsonresume/schema 1.3.1, MIT,
licence beside it) and every document is validated before it is returned, so an invalid file is never written.
Certificates carry the standard ``name``/``date``/``issuer``/``url`` plus, as the schema allows
(``additionalProperties: true``), ``credentialId``, ``expiryDate``, ``walletId`` and ``verification``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from skillwallet.errors import ExportError
from skillwallet.export.resume import GROUP_DEGREES, ResumeModel, credential_group, safe_url, type_label

SCHEMA_RESOURCE = "data/export/jsonresume/schema.json"
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"

# Profile links on these hosts become basics.profiles entries (network + username), the rest the homepage.
KNOWN_NETWORKS = {
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "linkedin.com": "LinkedIn",
    "twitter.com": "Twitter",
    "x.com": "X",
    "mastodon.social": "Mastodon",
    "stackoverflow.com": "Stack Overflow",
    "orcid.org": "ORCID",
    "credly.com": "Credly",
    "behance.net": "Behance",
    "dribbble.com": "Dribbble",
}


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The official JSON Resume schema (draft-07)."""
    from importlib.resources import files

    return json.loads(files("skillwallet").joinpath(SCHEMA_RESOURCE).read_text("utf-8"))


def _date(value) -> str | None:
    return value.date().isoformat() if value is not None else None


def _profile_entry(url: str) -> dict[str, str] | None:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    network = KNOWN_NETWORKS.get(host)
    if network is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if host == "linkedin.com" and len(segments) >= 2 and segments[0] in ("in", "company"):
        username = segments[1]
    else:
        username = segments[0].lstrip("@") if segments else ""
    entry = {"network": network, "url": url}
    if username:
        entry["username"] = username
    return entry


def build_json_resume(model: ResumeModel) -> dict[str, Any]:
    """The JSON Resume document for ``model`` (not yet validated: see :func:`render_json_resume`)."""
    profile = model.profile
    basics: dict[str, Any] = {"name": profile.name}
    if profile.headline:
        basics["label"] = profile.headline
    if profile.emails:
        basics["email"] = profile.emails[0]
    if profile.phone:
        basics["phone"] = profile.phone
    if profile.summary:
        basics["summary"] = profile.summary
    if profile.location:
        # free text ("Edinburgh, UK"): the schema's address field takes free text; city/countryCode would be guesses
        basics["location"] = {"address": profile.location}
    profiles = []
    for link in profile.links:
        entry = _profile_entry(link.url)
        if entry is not None:
            profiles.append(entry)
        elif "url" not in basics:
            basics["url"] = link.url
    if profiles:
        basics["profiles"] = profiles

    certificates = []
    education = []
    for credential in model.credentials:
        if credential_group(credential.achievement_type) == GROUP_DEGREES:
            # degrees and diplomas belong in "education" (institution, studyType, area, endDate)
            degree: dict[str, Any] = {
                "institution": credential.issuer_name,
                "area": credential.title,
                "studyType": type_label(credential.achievement_type),
            }
            if credential.issued:
                degree["endDate"] = _date(credential.issued)
            url = credential.link or safe_url(credential.credential_id) or credential.issuer_url
            if url:
                degree["url"] = url
            if credential.result:
                degree["score"] = credential.result
            if credential.credential_id:
                degree["credentialId"] = credential.credential_id
            degree["walletId"] = credential.wallet_id
            degree["verification"] = credential.status_label + (
                f" ({credential.status_detail})" if credential.status_detail else ""
            )
            education.append(degree)
            continue
        entry: dict[str, Any] = {"name": credential.title, "issuer": credential.issuer_name}
        if credential.issued:
            entry["date"] = _date(credential.issued)
        url = credential.link or safe_url(credential.credential_id) or credential.issuer_url
        if url:
            entry["url"] = url
        if credential.credential_id:
            entry["credentialId"] = credential.credential_id
        if credential.expires:
            entry["expiryDate"] = _date(credential.expires)
        entry["walletId"] = credential.wallet_id
        entry["verification"] = credential.status_label + (f" ({credential.status_detail})" if credential.status_detail else "")
        certificates.append(entry)

    skills = []
    for skill in model.skills:
        entry = {"name": skill.name, "keywords": list(skill.evidence)}
        if skill.level:
            entry["level"] = skill.level
        skills.append(entry)

    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "basics": basics,
        "education": education,
        "certificates": certificates,
        "skills": skills,
        "meta": {
            "version": "v1.0.0",
            "lastModified": model.generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "generator": "skillwallet",
        },
    }
    return document


def validate_json_resume(document: dict[str, Any]) -> None:
    """Validate against the official schema, formats included; :class:`ExportError` naming the first problem."""
    from jsonschema import Draft7Validator, FormatChecker

    validator = Draft7Validator(load_schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(document)"
        raise ExportError(f"the JSON Resume would not be valid at {where}: {first.message}")


def render_json_resume(model: ResumeModel) -> bytes:
    """The validated JSON Resume as UTF-8 bytes."""
    document = build_json_resume(model)
    validate_json_resume(document)
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
