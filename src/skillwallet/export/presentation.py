"""A W3C Verifiable Presentation of chosen credentials, signed by the holder (VC Data Model 2.0 §4.13).

The credentials travel unchanged: JSON-LD credentials are embedded as the objects their original bytes hold
(their own proofs intact); JWT-family credentials are embedded as ``EnvelopedVerifiableCredential`` objects whose
``id`` is a ``data:`` URL holding the exact compact serialisation (VC 2.0 §4.13.1). Media types: ``application/vc+jwt`` for VC-JOSE-COSE
tokens whose payload is the credential, ``application/vc+sd-jwt`` for SD-JWT VCs (VC-JOSE-COSE §3.2), and
``application/jwt`` (RFC 7519) for VC 1.1 JWTs, whose payload wraps the credential in a ``vc`` claim and so is
not ``vc+jwt`` (VC-JOSE-COSE §3.1.1 forbids the ``vc`` claim there). The holder signs the whole presentation with a Data
Integrity proof, ``proofPurpose: authentication`` with the verifier's ``challenge`` and ``domain``
(VC Data Integrity §2.1.1), which binds it to one verifier and one request and defeats replay.

Open Badges 2.0 assertions are not Verifiable Credentials (no VC context, no ``credentialSubject``), so they
cannot be placed in a presentation: they are reported back as skipped, with their hosted URL where they have one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from skillwallet.errors import ExportError, InvalidInputError
from skillwallet.model import FORMAT_OB2, FORMAT_SD_JWT, FORMAT_VC_JOSE, FORMAT_VC_JWT, Credential

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_TYPE = "EnvelopedVerifiableCredential"
JWT_FORMATS = {FORMAT_VC_JWT: "application/jwt", FORMAT_VC_JOSE: "application/vc+jwt", FORMAT_SD_JWT: "application/vc+sd-jwt"}
DEFAULT_CRYPTOSUITE = "eddsa-rdfc-2022"


@dataclass
class PresentationResult:
    """The signed presentation and what was left out (with why)."""

    presentation: dict[str, Any]
    included: list[str] = field(default_factory=list)  # wallet ids
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (wallet id, reason)

    def to_bytes(self) -> bytes:
        return (json.dumps(self.presentation, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def presentation_entry(credential: Credential) -> dict[str, Any]:
    """The ``verifiableCredential`` entry for one credential; :class:`ExportError` when it cannot be one."""
    if credential.format in JWT_FORMATS or credential.media_type in ("application/jwt", "application/vc+jwt", "application/sd-jwt"):
        token = credential.original.decode("ascii", errors="strict").strip()
        media_type = JWT_FORMATS.get(credential.format, "application/jwt")
        if credential.format == FORMAT_SD_JWT or credential.media_type == "application/sd-jwt" or "~" in token:
            media_type = "application/vc+sd-jwt"
        return {"@context": VC_V2_CONTEXT, "id": f"data:{media_type},{token}", "type": ENVELOPED_TYPE}
    if credential.format == FORMAT_OB2:
        raise ExportError("an Open Badges 2.0 assertion is not a Verifiable Credential")
    try:
        document = json.loads(credential.original)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ExportError("its original bytes are not a JSON-LD credential") from None
    types = document.get("type") if isinstance(document, dict) else None
    types = [types] if isinstance(types, str) else (types or [])
    if not isinstance(document, dict) or "@context" not in document or "VerifiableCredential" not in types:
        raise ExportError("it is not a W3C Verifiable Credential")
    return document


def _did_of(value: Any) -> str | None:
    """The DID of a DID or DID URL (W3C DID Core §3.2): what :func:`skillwallet.verify.verifier.did_of` gives."""
    if not isinstance(value, str) or not value.startswith("did:"):
        return None
    for mark in ("#", "?", "/"):
        value = value.split(mark, 1)[0]
    return value


def _subject_ids(entry: dict[str, Any]) -> list[str]:
    """The subject ids of a presentation entry, as :func:`skillwallet.verify.verifier.subject_ids` reads them.

    A JSON-LD credential (every entry of a usual resume) is read here: its ``credentialSubject`` ids (VC 2.0
    §4.4). Only an enveloped token asks the verifier, whose JOSE reading it needs: a resume export otherwise
    never imports the verifier module (40 KB of source) for what is two dictionary look-ups per credential.
    tests/export/test_export_formats.py checks that both read the same ids.
    """
    from skillwallet.formats import types_of

    if ENVELOPED_TYPE in types_of(entry):
        from skillwallet.verify.verifier import subject_ids

        return subject_ids(entry)
    subjects = entry.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else ([] if subjects is None else [subjects])
    return [s["id"] for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)]


def build_presentation(
    chosen: Sequence[Any],
    *,
    holder: str,
    presentation_id: str | None = None,
) -> PresentationResult:
    """The unsigned presentation of ``chosen`` stored credentials (objects with ``wallet_id`` and ``credential``)."""
    entries: list[dict[str, Any]] = []
    result = PresentationResult(presentation={})
    holder_did = _did_of(holder)
    for item in chosen:
        try:
            entry = presentation_entry(item.credential)
            # A verifier fails holder binding when a credential is about a DID other than the presenter's
            # (skillwallet.verify.verifier._holder_binding): someone else's credential is not the holder's to present,
            # and one such entry would make the whole presentation fail. Subjects that are not DIDs (emails,
            # hashed identities, none) cannot be bound either way and go in.
            subjects = {d for d in (_did_of(s) for s in _subject_ids(entry)) if d}
            if subjects and holder_did not in subjects:
                raise ExportError(f"it is about {', '.join(sorted(subjects))}, not your holder DID {holder}")
            entries.append(entry)
            result.included.append(item.wallet_id)
        except ExportError as exc:
            reason = exc.message
            if item.credential.format == FORMAT_OB2 and (item.credential.credential_id or "").startswith("http"):
                reason += f"; share its hosted URL instead: {item.credential.credential_id}"
            result.skipped.append((item.wallet_id, reason))
    if not entries:
        detail = f": {result.skipped[0][1]}" if len(result.skipped) == 1 else ""
        raise ExportError(
            "nothing to present: none of the chosen credentials can go in a Verifiable Presentation" + detail,
            "choose W3C Verifiable Credentials (Open Badges 3.0, CLR 2.0, VC, VC-JWT, SD-JWT) with --id or --tag",
        )
    result.presentation = {
        "@context": [VC_V2_CONTEXT],
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": entries,
    }
    return result


def sign_presentation(
    chosen: Sequence[Any],
    *,
    private_key,
    holder: str,
    verification_method: str,
    challenge: str | None = None,
    domain: str | None = None,
    cryptosuite: str = DEFAULT_CRYPTOSUITE,
    created: datetime | None = None,
    presentation_id: str | None = None,
    contexts: Any = None,
) -> PresentationResult:
    """Build and sign the presentation with the holder's Ed25519 key (Data Integrity, proofPurpose authentication).

    Raises :class:`ExportError` when nothing can be presented or the presentation cannot be signed faithfully
    (for ``eddsa-rdfc-2022``: a credential uses a JSON-LD context skillwallet neither ships nor has from the user,
    or properties its context does not define, which an RDF-canonicalised signature would silently leave
    uncovered). ``contexts``: where the JSON-LD contexts the user keeps (``documents add``) come from, a
    :class:`~skillwallet.verify.resolver.DocumentResolver` on the wallet.
    """
    from skillwallet.verify.data_integrity import sign_data_integrity
    from skillwallet.verify.jsonld import user_contexts

    result = build_presentation(chosen, holder=holder, presentation_id=presentation_id)
    try:
        with user_contexts(contexts):
            result.presentation = sign_data_integrity(
                result.presentation,
                private_key,
                verification_method,
                cryptosuite=cryptosuite,
                proof_purpose="authentication",
                challenge=challenge,
                domain=domain,
                created=created,
            )
    except InvalidInputError as exc:
        hints = list(exc.hints) or [
            "leave that credential out of the selection (--id / --tag); verifiers would not trust its undefined fields"
        ]
        raise ExportError(f"cannot sign the presentation: {exc.message.removeprefix('cannot sign this document: ')}", *hints) from None
    return result
