"""European Digital Credentials (Europass EDC, the European Learning Model) and their JAdES envelopes.

An EDC is a W3C VC JSON-LD document (context ``http://data.europa.eu/snb/model/context/edc-ap``) typed
``EuropeanDigitalCredential``. Europass seals it with JAdES (ETSI TS 119 182-1): a JWS in the JSON
serialisation (RFC 7515 §7.2), ``{"payload": ..., "signatures": [{"protected": ..., "signature": ...}]}`` or the
flattened form, whose protected header carries the sealing certificate chain in ``x5c``. With ``b64: false``
(RFC 7797) the payload is the credential's JSON text itself; otherwise it is base64url.

What is shown: the title (``displayParameter.title``, else the credential's or its first claim's title), the
issuer's ``legalName``, the dates, learning outcomes as skills (with their ESCO skill URI where given) and
credit points with their framework (ECTS...): the framework's label as the unit shown, and the id of the concept
it is (``credit_framework``), by which credit sums know the credit system. Language maps are read in English, else
the first language.

The display title is often a generic word ("Microcredential", "Degree Certificate"): the titles of the learning
achievements claimed (``hasClaim``) and of what specifies them (``specifiedBy``: the Qualification or learning
achievement specification) are kept as the achievement's other names, so a pathway that names the qualification
finds it. The description is the first claim's (what was achieved), else the display one: the
``displayParameter`` holds what is printed on the credential's face, and issuers fill its description with words
such as "is awarded to" (MyNextID's profiles map their form's awarding statement there). The hours are the
``volumeOfLearning`` (an ISO 8601 duration) of the first claim or what specifies it, read only when given in
hours, minutes and seconds; the result is the grade of the claim's assessment (``provenBy``) when there is exactly
one.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from skillwallet.formats._common import fail, is_edc_document, number_of
from skillwallet.model import ECTS_CONCEPT, Credential, Issuer, Skill, parse_datetime
from skillwallet.verify.shapes import is_jws_json, jws_json_parts  # noqa: F401 - shared with verification

FORMAT_EDC = "edc"
MAX_SKILLS = 200
# ISO 8601 durations given in hours, minutes and seconds only (PT60H, PT1H30M): a day or a month of learning
# is no fixed number of hours, so a volume given in those units is not turned into hours.
HOURS_DURATION = re.compile(r"PT(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?")


def text_of(value: Any) -> str | None:
    """A language map (``{"en": "..."}``, or ELM's ``{"en": ["..."]}``), a list of them, or a string: its English text."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        if "@value" in value:
            return text_of(value["@value"])
        for key in ("en", *sorted(k for k in value if k != "en")):
            found = text_of(value.get(key))
            if found:
                return found
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _claims(document: dict[str, Any]) -> list[dict[str, Any]]:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return []
    return [c for c in _as_list(subject.get("hasClaim")) if isinstance(c, dict)]


def _walk_specs(claim: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """A claim and what it is specified by, and its parts (ELM ``hasPart``), a few levels deep."""
    if depth > 4:
        return []
    found = [claim]
    for key in ("specifiedBy", "hasPart", "isPartOf"):
        for child in _as_list(claim.get(key)):
            if isinstance(child, dict):
                found.extend(_walk_specs(child, depth + 1))
    return found


def edc_view(document: dict[str, Any], *, source: str, original: bytes, media_type: str, sealed: bool) -> Credential:
    """The normalised view of an EDC credential (see the module docstring)."""
    if not isinstance(document.get("credentialSubject"), (dict, list)):
        raise fail(source, "a European Digital Credential without credentialSubject")
    display = document.get("displayParameter") if isinstance(document.get("displayParameter"), dict) else {}
    claims = _claims(document)
    title = text_of(display.get("title")) or text_of(document.get("title"))
    if not title and claims:
        title = text_of(claims[0].get("title"))
    issuer_value = document.get("issuer")
    issuer = Issuer()
    if isinstance(issuer_value, dict):
        issuer = Issuer(
            id=issuer_value.get("id") if isinstance(issuer_value.get("id"), str) else None,
            name=text_of(issuer_value.get("legalName")) or text_of(issuer_value.get("prefLabel")),
            url=_homepage(issuer_value),
        )
    elif isinstance(issuer_value, str):
        issuer = Issuer(id=issuer_value)
    if not issuer.name:
        for claim in claims:  # the awarding body of the first claim stands for an issuer without a name
            body = (claim.get("awardedBy") or {}).get("awardingBody") if isinstance(claim.get("awardedBy"), dict) else None
            body = body[0] if isinstance(body, list) and body else body
            if isinstance(body, dict) and text_of(body.get("legalName")):
                issuer.name = text_of(body.get("legalName"))
                break
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    recipient = None
    if isinstance(subject, dict):
        recipient = text_of(subject.get("fullName")) or " ".join(
            filter(None, [text_of(subject.get("givenName")), text_of(subject.get("familyName"))])
        ) or (subject.get("id") if isinstance(subject.get("id"), str) else None)
    skills: list[Skill] = []
    credits = None
    credit_unit = None
    credit_framework = None
    points: list[tuple[float, str | None, str]] = []  # (credits, framework concept, label) as stated
    seen: set[tuple[str, str | None]] = set()
    for claim in claims:
        for spec in _walk_specs(claim):
            for outcome in _as_list(spec.get("learningOutcome")):
                if not isinstance(outcome, dict):
                    continue
                esco = None
                for related in _as_list(outcome.get("relatedESCOSkill")):
                    rid = related.get("id") if isinstance(related, dict) else related
                    if isinstance(rid, str):
                        esco = rid
                        break
                name = text_of(outcome.get("title")) or text_of(outcome.get("prefLabel"))
                if name and (name, esco) not in seen and len(skills) < MAX_SKILLS:
                    seen.add((name, esco))
                    skills.append(Skill(name=name, framework="ESCO" if esco else None, code=esco, source="skill"))
            for point in _as_list(spec.get("creditPoint")):
                if not isinstance(point, dict):
                    continue
                # ELM CreditPoint.point is a string ("5", "7,5" with a decimal comma); NaN and infinities
                # are no number of credits (and would make --json output that is not JSON)
                value = point.get("point")
                number = number_of(value.replace(",", ".") if isinstance(value, str) else value)
                if number is None:
                    continue
                framework = point.get("framework")
                # the concept that names the credit system (ELM CreditPoint.framework, a concept of the
                # Europass education-credit list, or its bare id): what a credit sum compares
                # (stacking/units.py); its label is only shown
                concept = framework.get("id") if isinstance(framework, dict) else framework
                concept = (concept.strip() or None) if isinstance(concept, str) else None
                label = text_of(framework.get("prefLabel")) if isinstance(framework, dict) else None
                points.append((number, concept, label or "credits"))
    # one number of credits is kept: the ECTS one when the credential states its credits in several systems
    # (national credits beside ECTS), else the first stated
    chosen = next((p for p in points if p[1] == ECTS_CONCEPT), points[0] if points else None)
    if chosen is not None:
        credits, credit_framework, credit_unit = chosen
    issued = parse_datetime(document.get("issuanceDate")) or parse_datetime(document.get("issued"))
    valid_from = parse_datetime(document.get("validFrom"))
    expires = parse_datetime(document.get("expirationDate")) or parse_datetime(document.get("validUntil"))
    types = [t for t in _as_list(document.get("type")) if isinstance(t, str)]
    extra: dict[str, Any] = {"family": "edc", "sealed": "jades" if sealed else None}
    if credit_unit:
        extra["credit_unit"] = credit_unit
    if credit_framework:
        extra["credit_framework"] = credit_framework
    return Credential(
        format=FORMAT_EDC,
        original=original,
        media_type=media_type,
        credential_id=document.get("id") if isinstance(document.get("id"), str) else None,
        title=title,
        achievement_aliases=_achievement_names(claims, title),
        description=(
            (text_of(claims[0].get("description")) if claims else None)
            or text_of(display.get("description"))
            or text_of(document.get("description"))
        ),
        issuer=issuer,
        issued=issued or valid_from,
        valid_from=valid_from,
        expires=expires,
        achievement_type="EuropeanDigitalCredential",
        skills=skills,
        credits=credits,
        hours=_learning_hours(claims[0]) if claims else None,
        result=_grade(claims[0]) if claims else None,
        recipient=recipient,
        types=types,
        extra={k: v for k, v in extra.items() if v is not None},
    )


def _achievement_names(claims: list[dict[str, Any]], title: str | None) -> list[str]:
    """The titles of the claimed learning achievements and of what specifies them, other than the title shown."""
    names: list[str] = []
    for claim in claims:
        for named in [claim, *(s for s in _as_list(claim.get("specifiedBy")) if isinstance(s, dict))]:
            name = text_of(named.get("title"))
            if name and name != title and name not in names:
                names.append(name)
    return names


def _learning_hours(claim: dict[str, Any]) -> float | None:
    """ELM ``volumeOfLearning`` of the claim or of what specifies it, in hours, when stated in time units."""
    for spec in [claim, *(s for s in _as_list(claim.get("specifiedBy")) if isinstance(s, dict))]:
        volume = spec.get("volumeOfLearning")
        if not isinstance(volume, str):
            continue
        match = HOURS_DURATION.fullmatch(volume.strip().upper())
        if match is None:
            return None
        hours, minutes, seconds = (float(part.replace(",", ".")) if part else 0.0 for part in match.groups())
        total = hours + minutes / 60 + seconds / 3600
        return total if math.isfinite(total) else None  # a few hundred digits overflow to infinity
    return None


def _grade(claim: dict[str, Any]) -> str | None:
    """The grade of the assessment that proves the claim (ELM ``provenBy`` LearningAssessment ``grade``, a Note),
    when exactly one assessment is given: of several, none is the achievement's own result."""
    assessments = [a for a in _as_list(claim.get("provenBy")) if isinstance(a, dict)]
    if len(assessments) != 1:
        return None
    grade = assessments[0].get("grade")
    return text_of(grade.get("noteLiteral")) if isinstance(grade, dict) else text_of(grade)


def _homepage(agent: dict[str, Any]) -> str | None:
    for page in _as_list(agent.get("homepage")):
        url = page.get("contentURL") if isinstance(page, dict) else page
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            return url
    return None


def map_jades(document: dict[str, Any], *, source: str, original: bytes) -> Credential:
    """A JAdES-sealed (JWS JSON) credential: the view of its payload; the original is the whole envelope."""
    try:
        _, _, _, _, payload = jws_json_parts(document)
        inner = json.loads(payload.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise fail(source, "a JWS in the JSON serialisation whose payload is not a JSON credential") from None
    if not isinstance(inner, dict):
        raise fail(source, "a JWS in the JSON serialisation whose payload is not a JSON object")
    if is_edc_document(inner):
        return edc_view(inner, source=source, original=original, media_type="application/jose+json", sealed=True)
    from skillwallet.formats import ob3

    cred = ob3.map_vc(inner, source=source, original=original, media_type="application/jose+json")
    cred.extra["sealed"] = "jades"
    return cred
