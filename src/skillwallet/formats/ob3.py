"""Open Badges 3.0 OpenBadgeCredential / AchievementCredential, and any other W3C VC, as JSON-LD.

Field mapping follows the OB 3.0 data model (1EdTech Open Badges 3.0 §B.1: AchievementCredential,
AchievementSubject, Achievement, Alignment, Result, ResultDescription, Evidence, Profile) and the
VC Data Model 1.1 (``issuanceDate``/``expirationDate``) and 2.0 (``validFrom``/``validUntil``).
"""

from __future__ import annotations

from typing import Any

from skillwallet.formats._common import (
    OB1_CONTEXTS,
    OB2_CONTEXTS,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    as_list,
    canonical_json_bytes,
    content_id,
    contexts_of,
    fail,
    id_of,
    number_of,
    text_of,
    types_of,
)
from skillwallet.formats.recipient import identity_matches
from skillwallet.model import (
    FORMAT_OB3,
    FORMAT_VC,
    Credential,
    Evidence,
    Issuer,
    Skill,
    format_datetime,
    parse_datetime,
)

OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
# VC 2.0 §4.3 and VC 1.1 §4.1: the first context must be the base context.
BASE_CONTEXTS = {VC_V1_CONTEXT, VC_V2_CONTEXT}


def check_vc_context(document: dict[str, Any], source: str, *, context_optional: bool = False) -> str:
    """Refuse a document whose first ``@context`` is not a W3C VC base context; return the VC version.

    ``context_optional``: a VC-JWT ``vc`` claim may omit ``@context`` (OpenID4VCI ``jwt_vc_json``, a JWT-secured
    VC not processed as JSON-LD); such a credential is accepted and recorded as version ``jwt``.
    """
    contexts = contexts_of(document)
    if not contexts and context_optional:
        return "jwt"
    if not contexts:
        raise fail(source, "the credential has no @context")
    head = contexts[0]
    if not isinstance(head, str):
        raise fail(source, "the credential's first @context is not a URL")
    if head in BASE_CONTEXTS:
        return "2.0" if head == VC_V2_CONTEXT else "1.1"
    if head in OB2_CONTEXTS or head in OB1_CONTEXTS:
        raise fail(source, "an Open Badges 2.0 context where a Verifiable Credential was expected")
    raise fail(source, f"unknown @context {head[:100]!r} (not a W3C Verifiable Credentials context)")


def issuer_of(value: Any) -> Issuer:
    """VC ``issuer`` is an IRI or a Profile object (OB 3.0 §B.1.11)."""
    if isinstance(value, dict):
        return Issuer(id=id_of(value), name=text_of(value.get("name")), url=id_of(value.get("url")))
    if isinstance(value, str):
        return Issuer(id=value.strip() or None)
    return Issuer()


def skills_from_alignments(alignments: Any) -> list[Skill]:
    """OB 3.0 Alignment (§B.1.6) and OB 2.0 AlignmentObject share targetName/targetUrl/targetFramework/targetCode;
    the OB 1.0 AlignmentObject has name/url/description."""
    skills: list[Skill] = []
    for item in as_list(alignments):
        if not isinstance(item, dict):
            continue
        if "targetName" not in item and "targetCode" not in item and isinstance(item.get("name"), str):
            item = {"targetName": item["name"], "targetUrl": item.get("url")}  # OB 1.0
        name = text_of(item.get("targetName")) or text_of(item.get("targetCode"))
        if not name:
            continue
        skills.append(
            Skill(
                name=name,
                framework=text_of(item.get("targetFramework")),
                code=text_of(item.get("targetCode")),
                url=id_of(item.get("targetUrl")),
                source="alignment",
            )
        )
    return skills


def skills_from_tags(tags: list[str]) -> list[Skill]:
    return [Skill(name=tag, source="tag") for tag in tags]


def skills_from_fields(node: dict[str, Any]) -> list[Skill]:
    """Free-form skill fields some issuers use (``skill``/``skills``/``hasSkill``), strings or objects."""
    skills: list[Skill] = []
    for key in ("skill", "skills", "hasSkill"):
        for item in as_list(node.get(key)):
            if isinstance(item, str) and item.strip():
                skills.append(Skill(name=item.strip(), source="skill"))
            elif isinstance(item, dict):
                name = text_of(item.get("name")) or text_of(item.get("targetName"))
                if name:
                    skills.append(
                        Skill(
                            name=name,
                            framework=text_of(item.get("framework")) or text_of(item.get("targetFramework")),
                            code=text_of(item.get("code")) or text_of(item.get("targetCode")),
                            url=id_of(item.get("url")) or id_of(item.get("id")),
                            source="skill",
                        )
                    )
    return skills


def dedupe_skills(skills: list[Skill]) -> list[Skill]:
    """One skill per name and code: a repeat of an earlier skill is merged into it.

    A skill with the same name and either the same code or no code at all is a repeat. Published credentials
    repeat an alignment with fewer fields (the DCC test fixture ``alignments`` aligns to the same CTDL URL twice,
    once with its framework and code, once with a description only); the repeat fills the fields the first lacks.
    """
    out: list[Skill] = []
    for skill in skills:
        name = skill.name.casefold()
        kept = next(
            (k for k in out if k.name.casefold() == name and (k.code is None or skill.code is None or k.code == skill.code)),
            None,
        )
        if kept is None:
            out.append(skill)
            continue
        for attribute in ("framework", "code", "url", "level"):
            if getattr(kept, attribute) is None and getattr(skill, attribute) is not None:
                setattr(kept, attribute, getattr(skill, attribute))
    return out


def tags_of(value: Any) -> list[str]:
    return [t.strip() for t in as_list(value) if isinstance(t, str) and t.strip()]


def evidence_of(value: Any) -> list[Evidence]:
    """OB 3.0 Evidence (§B.1.14) / OB 2.0 Evidence: a URL or an object with id/name/narrative/description."""
    out: list[Evidence] = []
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            out.append(Evidence(id=item.strip(), url=item.strip() if "://" in item else None))
        elif isinstance(item, dict):
            ident = id_of(item)
            out.append(
                Evidence(
                    id=ident,
                    name=text_of(item.get("name")),
                    description=text_of(item.get("description")) or text_of(item.get("narrative")),
                    url=ident if ident and "://" in ident else None,
                    sha256=_sha256_of_digest(item),
                )
            )
    return out


def _sha256_of_digest(item: dict[str, Any]) -> str | None:
    """The hex sha256 of an evidence file when the evidence records one (``digestMultibase``, VC 2.0 §5.3)."""
    value = item.get("digestMultibase")
    if not isinstance(value, str) or not value.startswith("u"):
        return None
    import base64
    import binascii

    try:
        raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) == 34 and raw[:2] == b"\x12\x20":  # multihash sha2-256, 32 bytes
        return raw[2:].hex()
    return None


def image_of(value: Any) -> str | None:
    """OB 3.0 Image (§B.1.16) is an object with ``id``; OB 2.0 allows a plain URL or data URI."""
    return id_of(value)


def criteria_of(value: Any) -> str | None:
    """OB 3.0 Criteria: ``narrative`` and/or ``id`` (a URL); OB 2.0 may give a URL string."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return text_of(value.get("narrative")) or id_of(value)
    return None


def _achieved_level_name(achievement: dict[str, Any], result: dict[str, Any]) -> str | None:
    """Resolve ``achievedLevel`` (an IRI) to the RubricCriterionLevel name in the achievement's resultDescription."""
    level_id = id_of(result.get("achievedLevel"))
    if not level_id:
        return None
    for description in as_list(achievement.get("resultDescription")):
        if not isinstance(description, dict):
            continue
        for level in as_list(description.get("rubricCriterionLevel")):
            if isinstance(level, dict) and id_of(level) == level_id:
                return text_of(level.get("name")) or level_id
    return level_id


def _pick_subject(document: dict[str, Any]) -> dict[str, Any]:
    subjects = [s for s in as_list(document.get("credentialSubject")) if isinstance(s, dict)]
    for subject in subjects:
        if isinstance(subject.get("achievement"), dict):
            return subject
    return subjects[0] if subjects else {}


def _subject_identities(subject: dict[str, Any]) -> list[dict[str, Any]]:
    """OB 3.0 IdentityObject list (``identifier``, §B.1.17): hashed or plain email/URL/etc."""
    return [item for item in as_list(subject.get("identifier")) if isinstance(item, dict)]


def addressed_to(subject: dict[str, Any], holder_emails: list[str], holder_ids: list[str] = ()) -> bool | None:
    """Is the subject this holder? ``None`` when the profile gives nothing to compare with."""
    subject_id = id_of(subject)
    if subject_id and holder_ids and subject_id in holder_ids:
        return True
    identities = _subject_identities(subject)
    email_identities = [i for i in identities if str(i.get("identityType", "")).lower() in ("emailaddress", "email")]
    if email_identities and holder_emails:
        return any(
            identity_matches(
                i.get("identityHash"),
                hashed=bool(i.get("hashed")),
                salt=i.get("salt"),
                candidates=holder_emails,
                case_insensitive=True,
            )
            for i in email_identities
        )
    if subject_id and subject_id.lower().startswith("mailto:") and holder_emails:
        return subject_id[7:].lower() in {e.lower() for e in holder_emails}
    # another DID or URL: the holder may well have identifiers this wallet does not know, so "cannot tell"
    return None


#: Keys the mapping needs to recognise a credential at all: kept even when aliased, so that the credential is
#: still imported and its verification (which refuses the alias) reports it invalid.
_STRUCTURAL_KEYS = frozenset({"@context", "id", "type", "issuer", "credentialSubject"})


def without_unsigned_json(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without the keys its own ``@context`` makes unsigned (keyword aliases such as
    ``{"skills": "@index"}``, ``@index`` containers, ``@nest``) and without keyword keys that produce no
    signed statement (``@index``, ``@nest``, ``@included``, ...): what is shown and counted must be what an
    RDF-canonicalised signature covers (``skillwallet.verify.jsonld.unsigned_json_constructs``)."""
    from skillwallet.verify.jsonld import signed_body_keyword, unsigned_terms

    terms = unsigned_terms(document)
    if not terms and not _has_unsigned_keyword(document, 0):
        return document

    def clean(node: Any, depth: int, top: bool) -> Any:
        if depth > 256:
            return None
        if isinstance(node, list):
            return [clean(item, depth + 1, False) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            unsigned = key in terms or (key.startswith("@") and not signed_body_keyword(key, node))
            if unsigned and not (top and key in _STRUCTURAL_KEYS):
                continue
            out[key] = value if key == "@context" else clean(value, depth + 1, False)
        return out

    return clean(document, 0, True)


def _has_unsigned_keyword(node: Any, depth: int) -> bool:
    from skillwallet.verify.jsonld import signed_body_keyword

    if depth > 256:
        return False
    if isinstance(node, list):
        return any(_has_unsigned_keyword(item, depth + 1) for item in node)
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            if key.startswith("@") and not signed_body_keyword(key, node):
                return True
            if _has_unsigned_keyword(value, depth + 1):
                return True
    return False


def map_vc(
    document: dict[str, Any],
    *,
    source: str,
    original: bytes,
    media_type: str = "application/json",
    fmt: str | None = None,
    holder_emails: list[str] = (),
    holder_ids: list[str] = (),
    context_optional: bool = False,
) -> Credential:
    """Map an OB 3.0 / generic VC JSON-LD object to the normalised :class:`Credential`.

    Displayed fields are read from the document without the JSON that JSON-LD would keep out of a signature
    (:func:`without_unsigned_json`); verification calls such a credential invalid.
    """
    document = without_unsigned_json(document)
    types = types_of(document)
    if "VerifiableCredential" not in types:
        if "VerifiablePresentation" in types:
            raise fail(source, "a presentation, not a credential (import the credentials it holds instead)")
        raise fail(source, "JSON-LD that is not a Verifiable Credential (no 'VerifiableCredential' type)")
    vc_version = check_vc_context(document, source, context_optional=context_optional)
    if fmt is None:
        fmt = FORMAT_OB3 if OB3_TYPES & set(types) else FORMAT_VC
    subject = _pick_subject(document)
    if not subject and document.get("credentialSubject") is None:
        raise fail(source, "the credential has no credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}

    issuer = issuer_of(document.get("issuer"))
    if issuer.id is None and fmt in (FORMAT_OB3, FORMAT_VC):
        raise fail(source, "the credential has no issuer")

    tags = tags_of(achievement.get("tag")) or tags_of(document.get("tag"))
    skills = skills_from_alignments(achievement.get("alignment"))
    skills += skills_from_fields(subject) + skills_from_fields(achievement)
    skills += skills_from_tags(tags)

    results = [r for r in as_list(subject.get("result")) if isinstance(r, dict)]
    result_value = None
    level = None
    for result in results:
        result_value = result_value or text_of(result.get("value"))
        level = level or _achieved_level_name(achievement, result)
    if level:
        for skill in skills:
            skill.level = skill.level or level

    credits = number_of(subject.get("creditsEarned"))
    if credits is None:
        credits = number_of(achievement.get("creditsAvailable"))

    achievement_type = text_of(achievement.get("achievementType"))
    if achievement_type and achievement_type.startswith("ext:"):
        achievement_type = achievement_type[4:]
    if not achievement_type and achievement == {}:
        # a generic VC: its most specific declared type says what it is (e.g. UniversityDegreeCredential)
        # An OpenBadgeCredential without an achievement (the 1EdTech validator's ob30/simple.json) has no
        # achievement type: its credential type says only that it is a badge.
        specific = [t for t in types if t != "VerifiableCredential" and t not in OB3_TYPES]
        achievement_type = specific[-1] if specific else None

    issued = parse_datetime(document.get("validFrom") or document.get("issuanceDate"))
    awarded = parse_datetime(document.get("awardedDate"))  # OB 3.0 §B.1.1: when the achievement was awarded
    credential_id = id_of(document.get("id")) if isinstance(document.get("id"), str) else None
    if credential_id is None:
        credential_id = content_id("jcs-sha256", canonical_json_bytes(document))

    evidence = evidence_of(document.get("evidence"))
    title = (
        text_of(achievement.get("name"))
        or text_of(document.get("name"))
        or _generic_title(subject, types)
    )
    extra: dict[str, Any] = {"vc_version": vc_version}
    if text_of(document.get("name")) and text_of(document.get("name")) != title:
        extra["credential_name"] = text_of(document.get("name"))
    proofs = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
    if proofs:
        extra["proof_types"] = [
            text_of(p.get("cryptosuite")) or text_of(p.get("type")) or "unknown" for p in proofs
        ]
    for key in ("humanCode", "fieldOfStudy", "specialization"):
        if text_of(achievement.get(key)):
            extra[key] = text_of(achievement.get(key))
    if awarded:
        extra["awarded"] = awarded.isoformat()
    # OB 3.0 §B.1.3 AchievementSubject activity dates (work experience, course attendance): kept for
    # duration rules; they are not the credential's validity window.
    for key, name in (("activityStartDate", "activity_start"), ("activityEndDate", "activity_end")):
        when = parse_datetime(subject.get(key))
        if when is not None:
            extra[name] = format_datetime(when)
    return Credential(
        format=fmt,
        original=original,
        media_type=media_type,
        credential_id=credential_id,
        achievement_aliases=_aliases(document, achievement, title),
        title=title,
        description=(
            text_of(achievement.get("description"))
            or text_of(document.get("description"))
            or _generic_description(subject, title)
        ),
        issuer=issuer,
        issued=awarded or issued,
        expires=parse_datetime(document.get("validUntil") or document.get("expirationDate")),
        valid_from=parse_datetime(document.get("validFrom") or document.get("issuanceDate")),
        achievement_id=id_of(achievement) if achievement else None,
        achievement_type=achievement_type,
        criteria=criteria_of(achievement.get("criteria")),
        skills=dedupe_skills(skills),
        tags=tags,
        credits=credits,
        hours=None,
        result=result_value,
        level=level,
        evidence=evidence,
        image=image_of(achievement.get("image")) or image_of(document.get("image")),
        recipient=id_of(subject) or _first_identity(subject) or _subject_name(subject),
        addressed_to_holder=addressed_to(subject, list(holder_emails), list(holder_ids)),
        types=types,
        renewal=id_of(document.get("refreshService")),
        status_entries=[s for s in as_list(document.get("credentialStatus")) if isinstance(s, dict)],
        extra=extra,
    )


def _aliases(document: dict[str, Any], achievement: dict[str, Any], title: str | None) -> list[str]:
    """Other names and identifiers of the achievement, for matching pathway requirements.

    The credential's own name when it differs from the achievement's, the ``humanCode`` (e.g. a course code),
    and ``otherIdentifier`` entries (OB 3.0 §B.1.19 IdentifierEntry: e.g. an SIS or CTDL id).
    """
    out: list[str] = []
    candidates = [text_of(document.get("name")), text_of(achievement.get("humanCode"))]
    for entry in as_list(achievement.get("otherIdentifier")):
        if isinstance(entry, dict):
            candidates.append(text_of(entry.get("identifier")))
    for value in candidates:
        if value and value != title and value not in out:
            out.append(value)
    return out


def _first_identity(subject: dict[str, Any]) -> str | None:
    for identity in _subject_identities(subject):
        value = text_of(identity.get("identityHash"))
        if value:
            return value
    return None


def _subject_name(subject: dict[str, Any]) -> str | None:
    """The recipient's name as the issuer wrote it, for subjects with neither an id nor an identifier.

    OB 3.0 issuers (the DCC's Learner Credential Wallet badges, for one) name the learner with a plain ``name``
    on the AchievementSubject; it is the only recipient the credential states.
    """
    return text_of(subject.get("name"))


def _generic_description(subject: dict[str, Any], title: str | None) -> str | None:
    """The description of the subject's named thing that gave a generic VC its title (Blockcerts ``claim``)."""
    for value in subject.values():
        if isinstance(value, dict) and title and (text_of(value.get("name")) or text_of(value.get("title"))) == title:
            return text_of(value.get("description"))
    return None


def _generic_title(subject: dict[str, Any], types: list[str]) -> str | None:
    """A title for a VC that names nothing: a named thing in its subject, else its type split into words."""
    for value in subject.values():
        if isinstance(value, dict):
            named = text_of(value.get("name")) or text_of(value.get("title"))
            if named:
                return named
    specific = [t for t in types if t != "VerifiableCredential"]
    if specific:
        import re

        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", specific[-1])
    return None
