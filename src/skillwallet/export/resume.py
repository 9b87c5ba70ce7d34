"""The resume as data: one model built from the profile, the stored credentials, their verdicts and pathway
evaluations, shared by the PDF, HTML and Markdown renderers so the three always say the same thing.

The model is built from what it is given: it never re-verifies a credential and never reads the clock on its
own (``as_of`` is a parameter), so a resume is reproducible and testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Protocol, Sequence

from skillwallet.errors import ExportError
from skillwallet.model import (
    VERDICT_INVALID,
    VERDICT_NOT_VERIFIED,
    VERDICT_SELF_ASSERTED,
    VERDICT_UNSIGNED,
    VERDICT_UNVERIFIABLE,
    VERDICT_VERIFIED,
    Credential,
    Verdict,
    utc,
)

PROFILE_FIELDS = ("name", "headline", "emails", "phone", "location", "links", "summary")

# Pathway evaluation statuses (PATHWAYS.md "What an evaluation returns")
PATHWAY_MET = {"met", "complete", "completed", "achieved"}
PATHWAY_NOT_SHOWN = {"unmet", "not-started", "unknown"}


class StoredLike(Protocol):
    """What the resume needs of a stored credential (``skillwallet.store``'s ``StoredCredential``)."""

    wallet_id: str
    credential: Credential
    verdict: Verdict
    tags: list[str]


@dataclass
class ResumeLink:
    url: str
    label: str


@dataclass
class ResumeProfile:
    name: str
    headline: str | None = None
    emails: list[str] = field(default_factory=list)
    phone: str | None = None
    location: str | None = None
    links: list[ResumeLink] = field(default_factory=list)
    summary: str | None = None


@dataclass
class ResumeSkill:
    name: str
    credential_count: int
    frameworks: list[str] = field(default_factory=list)  # e.g. "ESCO", "O*NET 15-1252.00"
    level: str | None = None
    evidence: list[str] = field(default_factory=list)  # titles of the credentials that evidence it


@dataclass
class ResumePathway:
    goal: str
    title: str
    status: str
    progress: float | None  # 0..1
    progress_text: str | None
    missing: list[str] = field(default_factory=list)
    # the credentials it was met with that are not verified and in force: "Title (self-attested)"
    weak_evidence: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.status in PATHWAY_MET

    @property
    def completed(self) -> bool:
        """Met, and met by verified credentials only: the one case a resume may call "Completed"."""
        return self.met and not self.weak_evidence

    @property
    def label(self) -> str:
        if self.completed:
            return "✓ Completed"
        if self.met:
            return "Met, partly on self-attested / unverified evidence"
        return "In progress"


@dataclass
class ResumeCredential:
    wallet_id: str
    title: str
    issuer_name: str
    issuer_url: str | None
    issued: datetime | None
    expires: datetime | None
    credential_id: str | None
    achievement_type: str | None
    description: str | None
    skills: list[str]
    verdict: str
    status_label: str  # e.g. "Verified", "Signature invalid", "Self-asserted"
    status_detail: str | None  # e.g. "checked 2026-11-20", "expired 2025-01-01"
    trusted: bool  # verified and in force: rendered in the positive colour
    expired: bool
    qr_text: str | None  # what the QR code holds; None when no code is shown
    qr_kind: str | None  # url | embedded
    qr_help: str | None  # beside an embedded (SW1) code: how a reader checks it
    qr_note: str | None  # why there is no QR code, when there is none
    link: str | None  # a clickable link for the title (the verification URL or issuer-given URL)
    result: str | None = None
    credits: float | None = None
    credit_unit: str | None = None  # the credit system as the credential names it ("European Credit Transfer System")
    hours: float | None = None
    proof_index: int | None = None  # its 1-based place in the attached presentation, when it is in it
    proof_note: str | None = None  # why it is not in the attached presentation


@dataclass
class ResumeModel:
    profile: ResumeProfile
    skills: list[ResumeSkill]
    pathways_met: list[ResumePathway]
    pathways_in_progress: list[ResumePathway]
    credentials: list[ResumeCredential]
    generated_at: datetime
    goal: str | None = None
    attached_proof: bool = False  # the PDF carries the signed presentation as an embedded file

    @property
    def verified_count(self) -> int:
        return sum(1 for c in self.credentials if c.trusted)

    def grouped(self) -> list[tuple[str, list[ResumeCredential]]]:
        """The credentials by group (degrees, certifications, courses, other), each keeping the chosen order."""
        groups: dict[str, list[ResumeCredential]] = {name: [] for name in GROUP_ORDER}
        for credential in self.credentials:
            groups[credential_group(credential.achievement_type)].append(credential)
        return [(name, items) for name, items in groups.items() if items]


# Credential groups on a resume, in the order employers read them (OB 3.0 achievementType vocabulary, plus the
# looser names other formats use). Anything else is listed under "Other credentials".
GROUP_DEGREES = "Degrees and diplomas"
GROUP_CERTIFICATIONS = "Certifications and licences"
GROUP_COURSES = "Courses, badges and awards"
GROUP_OTHER = "Other credentials"
GROUP_ORDER = (GROUP_DEGREES, GROUP_CERTIFICATIONS, GROUP_COURSES, GROUP_OTHER)
_CERTIFICATION_TYPES = {
    "certification", "certificate", "license", "licence", "apprenticeshipcertificate", "journeymancertificate",
    "mastercertificate", "qualityassurancecredential", "professionalcertification",
}
_COURSE_TYPES = {
    "course", "badge", "microcredential", "learningprogram", "certificateofcompletion", "assessment", "assignment",
    "competency", "award", "cocurricular", "communityservice", "fieldwork", "membership", "achievement",
    "openbadge", "digitalbadge",
}


def type_label(achievement_type: str | None) -> str:
    """A readable achievement type: ``BachelorDegree`` -> ``Bachelor Degree``, ``ext:CPDPoints`` -> ``CPD Points``."""
    text = (achievement_type or "").removeprefix("ext:")
    out: list[str] = []
    for i, char in enumerate(text):
        previous, following = text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else ""
        # a word starts at lower->Upper ("BachelorDegree") and at the end of an acronym ("CPDPoints")
        if char.isupper() and i and (previous.islower() or (previous.isupper() and following.islower())):
            out.append(" ")
        out.append(char)
    return "".join(out)


def credential_group(achievement_type: str | None) -> str:
    """The resume group for an achievement type (``BachelorDegree`` -> degrees, ``License`` -> certifications)."""
    key = (achievement_type or "").replace(" ", "").replace("_", "").replace("-", "").lower()
    if key.startswith("ext:"):
        key = key[4:]
    if not key:
        return GROUP_OTHER
    if "degree" in key or "diploma" in key or "doctorate" in key or key == "generaleducationdevelopment":
        return GROUP_DEGREES
    if key in _CERTIFICATION_TYPES:
        return GROUP_CERTIFICATIONS
    if key in _COURSE_TYPES:
        return GROUP_COURSES
    return GROUP_OTHER


# --- Profile ----------------------------------------------------------------------------------------------------


def normalise_profile(profile: dict[str, Any] | None) -> dict[str, Any]:
    """The stored profile in its canonical shape (missing keys filled, legacy single values made lists)."""
    profile = dict(profile or {})
    emails = profile.get("emails") or ([profile["email"]] if profile.get("email") else [])
    links: list[dict[str, str | None]] = []
    for item in profile.get("links") or ([profile["url"]] if profile.get("url") else []):
        if isinstance(item, str):
            links.append({"url": item, "label": None})
        elif isinstance(item, dict) and item.get("url"):
            links.append({"url": str(item["url"]), "label": item.get("label")})
    return {
        "name": profile.get("name") or None,
        "headline": profile.get("headline") or None,
        "emails": [str(e) for e in emails],
        "phone": profile.get("phone") or None,
        "location": profile.get("location") or None,
        "links": links,
        "summary": profile.get("summary") or None,
    }


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without whitespace, else ``None``.

    Credential fields are untrusted input: a ``javascript:`` or ``file:`` link must never become a clickable
    link in a resume someone else opens.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        return None
    return url


def link_label(url: str) -> str:
    """A short readable label for a URL: ``github.com/ada`` for ``https://github.com/ada/``."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.netloc:
        return url
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path


def resume_profile(profile: dict[str, Any] | None) -> ResumeProfile:
    """The profile part of a resume; :class:`ExportError` when there is no name to head it."""
    data = normalise_profile(profile)
    if not data["name"]:
        raise ExportError(
            "no profile: a resume needs at least your name",
            'set it with `skillwallet profile set --name "Your Name" --headline "..." --email you@example.org`',
        )
    return ResumeProfile(
        name=data["name"],
        headline=data["headline"],
        emails=data["emails"],
        phone=data["phone"],
        location=data["location"],
        links=[
            ResumeLink(url=link["url"], label=link["label"] or link_label(link["url"]))
            for link in data["links"]
            if safe_url(link["url"])
        ],
        summary=data["summary"],
    )


# --- Credentials ------------------------------------------------------------------------------------------------


def _status_label(verdict: Verdict, credential: Credential, as_of: datetime) -> tuple[str, str | None, bool, bool]:
    """(label, detail, trusted, expired) in the verdict vocabulary of FORMATS.md: never call more than was checked."""
    expired = credential.expires is not None and utc(credential.expires) <= as_of
    if verdict.checks.get("expiry") == "fail":
        expired = True
    status = verdict.checks.get("status")
    labels = {
        VERDICT_VERIFIED: "Verified",
        VERDICT_SELF_ASSERTED: "Self-asserted",
        VERDICT_INVALID: "Signature invalid",
        VERDICT_UNVERIFIABLE: "Could not be verified",
        VERDICT_UNSIGNED: "Unsigned",
        VERDICT_NOT_VERIFIED: "Not yet verified",
    }
    label = labels.get(verdict.verdict, verdict.verdict)
    if verdict.verdict == VERDICT_VERIFIED and verdict.details.get("binding") == "self-asserted":
        label = "Signature valid, issuer key not bound"
    details: list[str] = []
    if status == "revoked":
        details.append("revoked")
    elif status == "suspended":
        details.append("suspended")
    elif status == "unknown" and verdict.verdict == VERDICT_VERIFIED:
        # the signature is checked but not whether the issuer has revoked it since: an employer must not read
        # "Verified" as "still valid" (the status list was not at hand, or out of date, when it was checked)
        details.append("revocation status unknown")
    if expired and credential.expires is not None:
        details.append(f"expired {utc(credential.expires).date().isoformat()}")
    elif expired:
        details.append("expired")
    if verdict.checked_at is not None:
        details.append(f"checked {utc(verdict.checked_at).date().isoformat()}")
    trusted = (
        verdict.verdict == VERDICT_VERIFIED
        and label == "Verified"
        and not expired
        and status not in ("revoked", "suspended")
    )
    return label, (", ".join(details) or None), trusted, expired


# Beside a QR code that holds the signed credential itself (SW1): a phone's camera shows only text, so say how
# to check it.
EMBEDDED_QR_HELP = "Its code holds the signed credential: scan with `skillwallet verify`, or see the attached proof."


def resume_credential(stored: StoredLike, *, as_of: datetime, qr_mode: str | None = "auto") -> ResumeCredential:
    """One credential's entry. ``qr_mode`` None: no QR code; else as :func:`skillwallet.export.qr.qr_content_for`."""
    from skillwallet.export.qr import qr_content_for, verification_url

    credential = stored.credential
    label, detail, trusted, expired = _status_label(stored.verdict, credential, as_of)
    qr_text = qr_kind = qr_note = qr_help = None
    if qr_mode is not None:
        try:
            content = qr_content_for(credential, mode=qr_mode)
            qr_text, qr_kind = content.text, content.kind
            if qr_kind == "embedded":
                qr_help = EMBEDDED_QR_HELP
        except ExportError as exc:
            # in a resume, one credential that does not fit is noted beside it, not a failed export
            qr_note = "No QR code: " + exc.message.split(" (")[0].removeprefix("the ").rstrip(".") + "."
    issuer_url = safe_url(credential.issuer.url) or safe_url(credential.issuer.id)
    return ResumeCredential(
        wallet_id=stored.wallet_id,
        title=credential.title or "(untitled credential)",
        issuer_name=credential.issuer.name or credential.issuer.id or "unknown issuer",
        issuer_url=issuer_url,
        issued=credential.issued,
        expires=credential.expires,
        credential_id=credential.credential_id,
        achievement_type=credential.achievement_type,
        description=credential.description,
        skills=unique_names(s.name for s in credential.skills),
        verdict=stored.verdict.verdict,
        status_label=label,
        status_detail=detail,
        trusted=trusted,
        expired=expired,
        qr_text=qr_text,
        qr_kind=qr_kind,
        qr_note=qr_note,
        qr_help=qr_help,
        link=safe_url(verification_url(credential)),
        result=credential.result,
        credits=credential.credits,
        credit_unit=credit_unit_of(credential),
        hours=credential.hours,
    )


def credit_unit_of(credential: Credential) -> str | None:
    """The credit system the credential names, to show beside the number: 5 credits are not 5 US semester hours."""
    unit = (credential.extra or {}).get("credit_unit")
    if not isinstance(unit, str) or not unit.strip() or unit.strip().casefold() in ("credit", "credits"):
        return None
    return " ".join(unit.split())


def credits_text(credential: ResumeCredential) -> str | None:
    """``5 credits (European Credit Transfer System)``, or ``5 credits`` when the credential names no system."""
    if credential.credits is None:
        return None
    text = f"{credential.credits:g} credits"
    return f"{text} ({credential.credit_unit})" if credential.credit_unit else text


def unique_names(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = name.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(name.strip())
    return out


def _counts_on(item: StoredLike, as_of: datetime) -> bool:
    """Whether a credential is in force on ``as_of`` for what a resume claims from it (skills): its signature did
    not fail, it is not revoked or suspended, not expired and not yet to start."""
    verdict, credential = item.verdict, item.credential
    if verdict.verdict == VERDICT_INVALID or not verdict.in_force:
        return False
    if credential.expires is not None and utc(credential.expires) <= as_of:
        return False
    return True


def skills_summary(stored: Sequence[StoredLike], *, as_of: datetime | None = None) -> list[ResumeSkill]:
    """Skills evidenced by ``stored`` (the credentials on the resume), most evidenced first.

    The same inventory as ``skillwallet skills`` (:func:`skillwallet.skills.inventory.build_inventory`), under the
    taxonomy's normalised labels. Only credentials in force on ``as_of`` count, and only what they state as skills
    (alignments, achievement skills): a tag is the holder's own filing word, and a skill inferred from the
    offerings catalogue is the wallet's reading, not a claim the issuer made; neither goes to an employer.
    """
    from skillwallet.skills.inventory import build_inventory

    as_of = utc(as_of) if as_of else datetime.now(timezone.utc)
    counting = [item for item in stored if _counts_on(item, as_of)]
    out: list[ResumeSkill] = []
    for entry in build_inventory(counting, as_of=as_of, inference=None):
        evidence = [e for e in entry.evidence if e.in_force and e.source != "tag"]
        if not evidence:
            continue
        ref = entry.skill
        frameworks = []
        if ref.framework_code:
            framework, code = ref.framework_code
            frameworks.append(framework if code.startswith("http") else f"{framework} {code}")
        levels = [e.level for e in evidence if e.level]
        out.append(ResumeSkill(
            name=ref.label,
            credential_count=len(evidence),
            frameworks=frameworks,
            level=entry.level or (levels[0] if levels else None),
            evidence=unique_names(e.title for e in evidence),
        ))
    return sorted(out, key=lambda s: (-s.credential_count, s.name.casefold()))


# --- Pathways ---------------------------------------------------------------------------------------------------


def evidence_weakness(item: StoredLike, as_of: datetime) -> str | None:
    """Why a credential a pathway counted is not verified evidence ("self-attested", "unsigned", "expired"...),
    or ``None`` when it is verified (with its issuer's key bound) and in force on ``as_of``."""
    verdict, credential = item.verdict, item.credential
    if credential.self_attested or verdict.verdict == VERDICT_SELF_ASSERTED:
        return "self-attested"
    if verdict.verdict != VERDICT_VERIFIED:
        return {VERDICT_NOT_VERIFIED: "not verified"}.get(verdict.verdict, verdict.verdict)
    if verdict.details.get("binding") == "self-asserted":
        return "issuer key not bound"
    if verdict.checks.get("status") in ("revoked", "suspended"):
        return str(verdict.checks["status"])
    if not _counts_on(item, as_of):
        return "not in force"
    return None


def resume_pathway(evaluation: dict[str, Any], stored: dict[str, StoredLike] | None = None,
                   as_of: datetime | None = None) -> ResumePathway:
    """A pathway evaluation (``PathwayEvaluation.to_dict()``: goal, status, progress, missing) as a resume line.

    ``stored``: the wallet's credentials by wallet id, to tell which of those the evaluation counted
    (``credentials_used``) are not verified evidence; a credential it counted that is not there is unverified.
    """
    goal = str(evaluation.get("goal") or evaluation.get("id") or "pathway")
    title = str(evaluation.get("title") or evaluation.get("name") or goal)
    status = str(evaluation.get("status") or "unknown")
    progress, progress_text = _progress(evaluation.get("progress"))
    missing = []
    for item in evaluation.get("missing") or []:
        if isinstance(item, str):
            missing.append(item)
        elif isinstance(item, dict):
            text = item.get("title") or item.get("name") or item.get("description") or item.get("id")
            if text:
                missing.append(str(text))
    weak: list[str] = []
    if status in PATHWAY_MET and isinstance(evaluation.get("credentials_used"), dict):
        when = utc(as_of) if as_of else datetime.now(timezone.utc)
        for wallet_id in evaluation["credentials_used"]:
            item = (stored or {}).get(wallet_id)
            if item is None:
                weak.append(f"{wallet_id} (not verified)")
                continue
            why = evidence_weakness(item, when)
            if why:
                weak.append(f"{item.credential.title or wallet_id} ({why})")
    return ResumePathway(goal=goal, title=title, status=status, progress=progress, progress_text=progress_text,
                         missing=missing, weak_evidence=weak)


def _progress(value: Any) -> tuple[float | None, str | None]:
    """Progress given as a fraction, a percentage, ``{"done": k, "total": n}`` or ``{"met": k, "of": n}``."""
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, (int, float)):
        fraction = float(value) / 100 if value > 1 else float(value)
        fraction = max(0.0, min(1.0, fraction))
        return fraction, f"{round(fraction * 100)} %"
    if isinstance(value, dict):
        done = next((value[k] for k in ("done", "met", "completed", "satisfied", "k") if k in value), None)
        total = next((value[k] for k in ("total", "of", "required", "n") if k in value), None)
        if isinstance(value.get("fraction"), (int, float)):
            fraction = max(0.0, min(1.0, float(value["fraction"])))
            text = f"{done} of {total}" if done is not None and total else f"{round(fraction * 100)} %"
            return fraction, text
        if isinstance(done, (int, float)) and isinstance(total, (int, float)) and total > 0:
            return max(0.0, min(1.0, done / total)), f"{done:g} of {total:g}"
    return None, str(value) if isinstance(value, str) else None


# --- The whole resume -------------------------------------------------------------------------------------------


def build_resume(
    profile: dict[str, Any] | None,
    chosen: Sequence[StoredLike],
    *,
    all_credentials: Sequence[StoredLike] | None = None,
    evaluations: Sequence[dict[str, Any]] = (),
    as_of: datetime | None = None,
    qr_mode: str | None = "auto",
    goal: str | None = None,
) -> ResumeModel:
    """Assemble a resume from plain data.

    ``chosen`` are the credentials listed in full (in that order), and the only source of the skills summary;
    ``all_credentials`` (default: ``chosen``) are what the pathway ``evaluations`` (evaluation dicts) may have
    counted, to judge whether a met pathway rests on verified evidence. Raises
    :class:`ExportError` for a missing profile name or an empty selection.
    """
    if not chosen:
        raise ExportError(
            "nothing to export: the selection holds no credentials",
            "see `skillwallet list`; select with --id or --tag, or omit them to export every credential",
        )
    as_of = utc(as_of) if as_of else datetime.now(timezone.utc)
    by_id = {s.wallet_id: s for s in (all_credentials if all_credentials is not None else chosen)}
    by_id.update({s.wallet_id: s for s in chosen})
    pathways = [resume_pathway(e, by_id, as_of) for e in evaluations]
    return ResumeModel(
        profile=resume_profile(profile),
        # only what the credentials on the resume evidence: a skill the reader cannot trace to a listed,
        # checkable credential is an overstatement
        skills=skills_summary(chosen, as_of=as_of),
        pathways_met=[p for p in pathways if p.met],
        pathways_in_progress=[p for p in pathways if not p.met and p.status not in PATHWAY_NOT_SHOWN]
        + [p for p in pathways if p.status in PATHWAY_NOT_SHOWN and p.goal == goal],
        credentials=[resume_credential(s, as_of=as_of, qr_mode=qr_mode) for s in chosen],
        generated_at=as_of,
        goal=goal,
    )


def format_date(value: datetime | None) -> str:
    """``12 Mar 2024`` (unambiguous in every locale a resume is read in)."""
    if value is None:
        return ""
    value = utc(value)
    return f"{value.day} {value:%b %Y}"
