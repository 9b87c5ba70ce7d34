"""Open Badges 2.0 Assertions (hosted or signed), with their BadgeClass and Issuer Profile.

Spec: 1EdTech Open Badges v2.0 (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html):
Assertion → ``badge`` (BadgeClass, embedded or by URL) → ``issuer`` (Profile, embedded or by URL).
Linked documents come from ``related`` (files given in the same call) or an optional ``fetch``
callable (the document resolver, only when online is allowed); what cannot be resolved is recorded in
``extra["unresolved"]`` and the assertion is kept with what is known.
"""

from __future__ import annotations

from typing import Any, Callable

from skillwallet.formats._common import (
    canonical_json_bytes,
    content_id,
    fail,
    id_of,
    load_json,
    text_of,
    types_of,
)
from skillwallet.formats.ob3 import (
    criteria_of,
    dedupe_skills,
    evidence_of,
    image_of,
    skills_from_alignments,
    skills_from_tags,
    tags_of,
)
from skillwallet.formats.recipient import identity_matches
from skillwallet.model import FORMAT_OB2, Credential, Issuer, parse_datetime
from skillwallet.verify.shapes import is_ob1_assertion, is_ob2_document  # shared with verification

Fetch = Callable[[str], bytes]


def is_ob2_assertion(document: dict[str, Any]) -> bool:
    return is_ob2_document(document) and ("Assertion" in types_of(document) or "badge" in document)


class _Linker:
    """Resolves an IRI to a JSON object: embedded → related → fetch; remembers what it could not."""

    def __init__(self, related: dict[str, dict[str, Any]] | None, fetch: Fetch | None, source: str) -> None:
        self.related = related or {}
        self.fetch = fetch
        self.source = source
        self.unresolved: list[str] = []
        self.fetched: dict[str, bytes] = {}

    def resolve(self, value: Any) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        if not isinstance(value, str) or not value.strip():
            return None
        url = value.strip()
        if url in self.related and isinstance(self.related[url], dict):
            return self.related[url]
        if self.fetch is not None:
            from skillwallet.errors import SkillwalletError

            try:
                raw = self.fetch(url)
                document = load_json(raw, url)
            except SkillwalletError:
                document = None
            if isinstance(document, dict):
                self.fetched[url] = raw
                return document
        if url not in self.unresolved:
            self.unresolved.append(url)
        return None


def map_ob2_assertion(
    assertion: dict[str, Any],
    *,
    source: str,
    original: bytes,
    media_type: str = "application/json",
    related: dict[str, dict[str, Any]] | None = None,
    fetch: Fetch | None = None,
    holder_emails: list[str] = (),
    signed_jws: str | None = None,
) -> Credential:
    """Map an OB 2.0 Assertion to a :class:`Credential`; BadgeClass / Issuer resolved via ``related``/``fetch``."""
    types = types_of(assertion)
    if "Assertion" not in types and "badge" not in assertion:
        kind = types[0] if types else "document"
        raise fail(source, f"an Open Badges 2.0 {kind}, not an Assertion (give it together with the assertion it describes)")
    legacy = is_ob1_assertion(assertion) and not is_ob2_document(assertion)
    recipient = assertion.get("recipient")
    if legacy and isinstance(recipient, str):
        # OB 0.5: the recipient is a string (an email, or a hash with a top-level salt)
        hashed = recipient.startswith(("sha256$", "md5$"))
        recipient = {"type": "email", "identity": recipient, "hashed": hashed, "salt": assertion.get("salt")}
    if not isinstance(recipient, dict):
        raise fail(source, "the Open Badges assertion has no recipient object")
    if assertion.get("badge") in (None, "", {}):
        raise fail(source, "the Open Badges assertion has no badge")
    linker = _Linker(related, fetch, source)
    badge = linker.resolve(assertion.get("badge")) or {}
    issuer_doc = linker.resolve(badge.get("issuer")) if badge else None
    issuer_doc = issuer_doc or {}

    issuer = Issuer(
        # OB 1.x issuers have no id: their `url` (1.0) or `origin` (0.5) identifies them
        id=id_of(issuer_doc)
        or (badge.get("issuer") if isinstance(badge.get("issuer"), str) else None)
        or text_of(issuer_doc.get("origin")),
        name=text_of(issuer_doc.get("name")),
        url=id_of(issuer_doc.get("url")) or text_of(issuer_doc.get("origin")),
    )
    verification = assertion.get("verification") or assertion.get("verify")  # `verify` in OB 1.x
    verification = verification if isinstance(verification, dict) else {}
    verification_type = text_of(verification.get("type")) or ("signed" if signed_jws else "hosted")
    credential_id = id_of(assertion.get("id")) if isinstance(assertion.get("id"), str) else None
    if credential_id is None and isinstance(verification.get("url"), str):
        credential_id = verification["url"]  # OB 1.x hosted: the assertion's own URL identifies it
    if credential_id is None and isinstance(assertion.get("uid"), str):
        credential_id = assertion["uid"]
    if credential_id is None:
        # OB 0.5 assertions carry no id: identify them by content so baked and plain copies dedupe
        credential_id = content_id("jcs-sha256", canonical_json_bytes(assertion))

    tags = tags_of(badge.get("tags"))
    skills = skills_from_alignments(badge.get("alignment")) + skills_from_tags(tags)

    identity = recipient.get("identity")
    recipient_type = str(recipient.get("type", "email")).lower()
    addressed: bool | None = None
    if holder_emails and recipient_type == "email":
        addressed = identity_matches(
            identity,
            hashed=bool(recipient.get("hashed")),
            salt=recipient.get("salt"),
            candidates=list(holder_emails),
            case_insensitive=True,
        )

    extra: dict[str, Any] = {"verification_type": verification_type}
    if legacy:
        extra["ob_version"] = "1.x"
    if linker.unresolved:
        extra["unresolved"] = list(linker.unresolved)
    if linker.fetched:
        extra["fetched"] = sorted(linker.fetched)
    if signed_jws:
        extra["signed"] = True
    if text_of(verification.get("creator")):
        extra["verification_creator"] = text_of(verification.get("creator"))
    if assertion.get("revoked") is True:
        extra["revoked"] = True
        if text_of(assertion.get("revocationReason")):
            extra["revocation_reason"] = text_of(assertion.get("revocationReason"))
    if issuer_doc.get("revocationList"):
        extra["revocation_list"] = id_of(issuer_doc.get("revocationList"))
    if text_of(assertion.get("narrative")):
        extra["narrative"] = text_of(assertion.get("narrative"))
    if badge:
        extra["badge"] = badge  # the resolved BadgeClass, so later steps need not resolve it again
    if issuer_doc:
        extra["issuer_profile"] = issuer_doc

    issued = parse_datetime(assertion.get("issuedOn", assertion.get("issued_on")))
    return Credential(
        format=FORMAT_OB2,
        original=original,
        media_type=media_type,
        credential_id=credential_id,
        title=text_of(badge.get("name")),
        description=text_of(badge.get("description")),
        issuer=issuer,
        issued=issued,
        expires=parse_datetime(assertion.get("expires")),
        valid_from=issued,
        achievement_id=id_of(badge) or (assertion["badge"] if isinstance(assertion["badge"], str) else None),
        achievement_type=text_of(badge.get("achievementType")) or "Badge",
        criteria=criteria_of(badge.get("criteria")),
        skills=dedupe_skills(skills),
        tags=tags,
        evidence=evidence_of(assertion.get("evidence")),
        image=image_of(assertion.get("image")) or image_of(badge.get("image")),
        recipient=identity if isinstance(identity, str) else None,
        addressed_to_holder=addressed,
        types=types or ["Assertion"],
        status_entries=[],
        extra=extra,
    )


def supporting_documents(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """If ``document`` is an OB 2.0 BadgeClass, Issuer Profile or CryptographicKey, the (id, doc) pairs it provides.

    A bulk import puts these in ``related`` so assertions that link to them by URL can be completed offline.
    """
    if not isinstance(document, dict) or "Assertion" in types_of(document):
        return []
    types = set(types_of(document))
    if types & {"BadgeClass", "Issuer", "Profile", "CryptographicKey", "RevocationList"} and is_ob2_document(document):
        ident = id_of(document)
        if ident:
            return [(ident, document)]
    return []
