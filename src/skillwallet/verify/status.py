"""Credential status: W3C Bitstring Status List v1.0 and its predecessor StatusList2021.

A status entry points at a status list credential (through the document resolver) and an index into its
GZIP-compressed bitstring. The list answers -- ``pass`` for a clear bit, the purpose for a set one -- only
when all of these hold; otherwise the status is "unknown" with the reason, never "not revoked" and never
"revoked" (``/work/shared/FORMATS.md``, "Status and time"; Bitstring Status List v1.0 §3.2 "Validate"):

* the list credential verifies (``verified``: its signature checks with a key bound to *its* issuer), has
  the right types and ``statusPurpose``, is within its validity window, and its ``id`` is the URL the
  credential's signed entry names;
* it came from that URL (fetched), or the user supplied it deliberately (``--document``, ``documents
  add``). The list's issuer may differ from the credential's (Bitstring Status List v1.0 §2.2: the issuer
  of the list "MAY be different"); it is named in the entry's ``list_issuer``. A list that merely arrived
  beside a credential (source ``from-import``) proves nothing unless the credential's own issuer signed it;
* a stored copy (cached by an earlier fetch, or from an import) answers only within the bound the list itself
  states: its ``validUntil`` (or the VC 1.1 ``expirationDate``, a JWT's ``exp``) and its ``ttl`` (§2.2,
  milliseconds since it was fetched; for a list from an import, since the list's own ``validFrom``). Past that,
  or with no bound at all, the status is "unknown" with the last known answer and its date; only a revocation
  stands ("not reversible", §2.1). A list the user supplied (``--document``) or kept (``documents add``) is
  their decision: it answers while the list credential is itself in force, and the verdict names its source.

A set bit from a list that does not meet these rules is not honoured either: such a list could revoke any
genuine credential for good.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from skillwallet.errors import DocumentUnavailableError, SkillwalletError

STATUS_PASS = "pass"
STATUS_REVOKED = "revoked"
STATUS_SUSPENDED = "suspended"
STATUS_UNKNOWN = "unknown"
STATUS_NA = "na"

BITSTRING_ENTRY = "BitstringStatusListEntry"
BITSTRING_CREDENTIAL = "BitstringStatusListCredential"
BITSTRING_LIST = "BitstringStatusList"
SL2021_ENTRY = "StatusList2021Entry"
SL2021_CREDENTIAL = "StatusList2021Credential"
SL2021_LIST = "StatusList2021"

_ENTRY_KINDS = {
    BITSTRING_ENTRY: (BITSTRING_CREDENTIAL, BITSTRING_LIST),
    SL2021_ENTRY: (SL2021_CREDENTIAL, SL2021_LIST),
}

#: A decompressed list larger than this is refused (a compression bomb, not a status list):
#: the spec's recommended minimum is 16 KiB; 16 MiB allows 134 million entries.
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
#: How many status lists one credential may point at before we stop fetching.
MAX_STATUS_ENTRIES = 8


class StatusListError(Exception):
    """A status list that cannot be used: undecodable, wrong type, wrong purpose, index out of range."""


@dataclass
class StatusResult:
    """The combined status of one credential, with one record per entry."""

    status: str = STATUS_NA
    reasons: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def decode_encoded_list(encoded: Any, *, multibase: bool) -> bytes:
    """The uncompressed bitstring of an ``encodedList``.

    Bitstring Status List v1.0 §2.1: multibase base64url without padding (prefix ``u``) of a GZIP stream.
    StatusList2021 used base64url without the multibase prefix; both forms are accepted there.
    """
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("the status list has no encodedList")
    candidates = []
    if encoded.startswith("u"):
        candidates.append(encoded[1:])
    if not multibase or not encoded.startswith("u"):
        candidates.append(encoded)
    last_error = "not base64url"
    for text in candidates:
        try:
            compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            continue
        try:
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)  # GZIP container
            raw = decompressor.decompress(compressed, MAX_BITSTRING_BYTES + 1)
        except zlib.error:
            last_error = "not a GZIP stream"
            continue
        if len(raw) > MAX_BITSTRING_BYTES or decompressor.unconsumed_tail:
            raise StatusListError("the status list decompresses to more than 16 MiB")
        if not decompressor.eof:
            last_error = "a truncated GZIP stream"
            continue
        return raw
    raise StatusListError(f"the status list's encodedList does not decode ({last_error})")


def bit_at(bitstring: bytes, index: int, size: int = 1) -> int:
    """The ``size``-bit value at entry ``index``; bit 0 is the most significant bit of byte 0 (§2.1)."""
    first = index * size
    if index < 0 or first + size > len(bitstring) * 8:
        raise StatusListError(f"status index {index} is outside the list ({len(bitstring) * 8 // size} entries)")
    value = 0
    for bit in range(first, first + size):
        value = (value << 1) | ((bitstring[bit // 8] >> (7 - bit % 8)) & 1)
    return value


def encode_bitstring(bitstring: bytes) -> str:
    """The ``encodedList`` (multibase ``u`` + base64url, no padding) of a bitstring: for issuing test lists."""
    compressed = gzip.compress(bitstring, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def _parse_index(value: Any) -> int:
    # The spec gives statusListIndex as a string of decimal digits; accept an integer too.
    if isinstance(value, bool):
        raise StatusListError("statusListIndex is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    raise StatusListError(f"statusListIndex {value!r} is not a non-negative integer")


def _same_issuer(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.split("#", 1)[0] == b.split("#", 1)[0]


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


ListVerifier = Callable[[bytes, datetime], Any]  # (list bytes, as_of) -> model.Verdict


def check_entry(
    entry: dict[str, Any],
    *,
    issuer: str | None,
    resolver,
    as_of: datetime,
    verify_list: ListVerifier,
) -> dict[str, Any]:
    """Check one ``credentialStatus`` entry; returns ``{"type", "purpose", "status", "reason", "list"}``."""
    entry_type = next((t for t in _types(entry.get("type")) if t in _ENTRY_KINDS), None)
    purpose = entry.get("statusPurpose")
    record: dict[str, Any] = {
        "type": entry_type or ", ".join(_types(entry.get("type"))) or None,
        "purpose": purpose,
        "list": entry.get("statusListCredential"),
        "status": STATUS_UNKNOWN,
        "reason": None,
    }
    if entry_type is None:
        record["reason"] = f"status type {record['type'] or '(none)'} is not supported"
        return record
    list_credential_type, list_type = _ENTRY_KINDS[entry_type]
    try:
        if purpose not in ("revocation", "suspension"):
            raise StatusListError(f"status purpose {purpose!r} is not revocation or suspension")
        index = _parse_index(entry.get("statusListIndex"))
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not url:
            raise StatusListError("the entry has no statusListCredential URL")
        try:
            data = resolver.fetch(url, status_list=True)
        except DocumentUnavailableError as exc:
            raise StatusListError(f"the status list {url} is not available: {exc.message}") from None
        except SkillwalletError as exc:
            raise StatusListError(f"the status list {url} could not be read: {exc.message}") from None
        list_verdict = verify_list(data, as_of)
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            document = (list_verdict.details or {}).get("document")
        if not isinstance(document, dict):
            raise StatusListError("the status list is not a JSON credential")
        if list_credential_type not in _types(document.get("type")):
            raise StatusListError(f"the status list credential is not a {list_credential_type}")
        subject = document.get("credentialSubject")
        if not isinstance(subject, dict) or list_type not in _types(subject.get("type")):
            raise StatusListError(f"the status list's subject is not a {list_type}")
        list_purposes = _types(subject.get("statusPurpose"))
        if purpose not in list_purposes:
            raise StatusListError(f"the status list is for {', '.join(list_purposes) or 'no purpose'}, not {purpose}")
        size = entry.get("statusSize", 1)
        if size != 1 and size != "1":
            raise StatusListError("status entries wider than one bit are not supported for revocation/suspension")
        bitstring = decode_encoded_list(subject.get("encodedList"), multibase=entry_type == BITSTRING_ENTRY)
        bit = bit_at(bitstring, index)
    except StatusListError as exc:
        record["reason"] = str(exc)
        return record

    answer = (STATUS_REVOKED if purpose == "revocation" else STATUS_SUSPENDED) if bit == 1 else STATUS_PASS
    list_issuer = _issuer_id(document)
    found = resolver.describe(url) if hasattr(resolver, "describe") else None
    source = (found or {}).get("source")
    stored_at = (found or {}).get("stored_at")
    record["list_issuer"] = list_issuer
    record["source"] = source
    if stored_at:
        record["stored_at"] = stored_at
    problems = []
    if not _same_issuer(list_issuer, issuer) and not _same_url(document.get("id"), url):
        # Another party's list answers only for the URL it says it is: its word for this URL, not another's.
        problems.append(f"the status list at {url} says it is {document.get('id')!r}, and is not the credential issuer's")
    if list_verdict.verdict != "verified":
        why = f" ({list_verdict.reasons[0]})" if getattr(list_verdict, "reasons", None) else ""
        problems.append(f"the status list credential is {list_verdict.verdict}{why}")
    if source == SOURCE_IMPORTED and not _same_issuer(list_issuer, issuer):
        problems.append(
            f"the status list came inside an import and is signed by {list_issuer or 'nobody'}, not by the "
            f"credential's issuer; fetch it from {url} (--online) or supply it (--document, documents add)"
        )
    if problems:
        record["reason"] = "; ".join(problems)
        return record
    if source in (SOURCE_CACHED, SOURCE_IMPORTED):
        # FORMATS.md, "Status and time": a copy stored earlier (cached by a fetch, or one that came with an
        # import) is evidence of the past; it answers for the as-of date only within its own bound.
        why = _stored_copy_problem(subject, list_verdict, source, stored_at, as_of)
        if why is not None:
            return _last_known(record, answer, why, source, stored_at, list_verdict)
    if not list_verdict.in_force:
        record["reason"] = "the status list credential is expired or not yet valid"
        return record
    record["status"] = answer
    return record


def _stored_copy_problem(subject: dict[str, Any], list_verdict: Any, source: str, stored_at: str | None,
                         as_of: datetime) -> str | None:
    """Why a stored copy of a list cannot answer for ``as_of`` (None when it can): it is outside its own validity
    period, its ``ttl`` has run out, or it states neither (so nothing says how long its answer holds)."""
    if not list_verdict.in_force:
        return "it is outside its own validity period"
    ttl = subject.get("ttl")
    if ttl is not None:
        # a cached copy's ttl runs from when it was fetched; one from an import was fetched by someone, some
        # time after the list was issued: its ttl runs from the list's own (signed) start of validity
        start = stored_at if source == SOURCE_CACHED else (list_verdict.details or {}).get("valid_from")
        return _stale(ttl, start, as_of)
    if not (list_verdict.details or {}).get("valid_until"):
        return "the list states no validUntil or ttl, so a stored copy tells only the past"
    return None


def _last_known(record: dict[str, Any], answer: str, why: str, source: str, stored_at: str | None,
                list_verdict: Any) -> dict[str, Any]:
    """The entry of a stored copy that cannot answer for the as-of date: "unknown, last known X on DATE".

    A revocation stands: Bitstring Status List v1.0 §2.1 (statusPurpose): "revocation ... This status is not
    reversible", so a list the issuer signed that revoked the credential then says it is revoked now; a clear bit
    or a suspension may have changed since. DATE is when the copy was fetched, or for a list that came with an
    import (fetched by someone, some time), the date the list says it was issued.
    """
    stored = (stored_at or "")[:10]
    issued = str((list_verdict.details or {}).get("valid_from") or "")[:10]
    known = stored if source == SOURCE_CACHED else (issued or stored)
    copy = (f"the copy of the status list stored on {stored or 'an earlier check'}" if source == SOURCE_CACHED
            else f"the status list that came inside an import ({f'issued {issued}, ' if issued else ''}kept "
                 f"{stored or 'earlier'})")
    if answer == STATUS_REVOKED and list_verdict.checks.get("not_before") != "fail":
        record["status"] = answer
        record["reason"] = f"{copy} is out of date ({why}), but it revoked the credential, which is never undone"
        return record
    record["reason"] = f"{copy} is out of date ({why}); last known: {answer} on {known or 'an earlier date'}"
    return record


SOURCE_CACHED = "cached"
SOURCE_IMPORTED = "from-import"


def _same_url(list_id: Any, url: str) -> bool:
    """Whether a list's ``id`` is the URL the entry names (fragment, scheme and host case aside)."""
    from skillwallet.verify.resolver import normalize_document_url

    return isinstance(list_id, str) and bool(list_id) and normalize_document_url(list_id) == normalize_document_url(url)


def _stale(ttl: Any, start: str | None, as_of: datetime) -> str | None:
    """Why a stored copy's ``ttl`` (Bitstring Status List v1.0 §2.2: milliseconds it may be cached) no longer
    covers the later of now and the as-of date, counted from ``start``; None while it does."""
    from datetime import timedelta, timezone

    from skillwallet.model import parse_datetime, utc

    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl < 0:
        return f"its ttl {ttl!r} is not a number of milliseconds"
    started = parse_datetime(start) if start else None
    if started is None:
        return "the date it was fetched is unknown, so its ttl cannot be counted"
    if utc(started) + timedelta(milliseconds=ttl) <= max(datetime.now(timezone.utc), utc(as_of)):
        return f"its ttl of {ttl} ms has passed"
    return None


def check_status(
    entries: Any,
    *,
    issuer: str | None,
    resolver,
    as_of: datetime,
    verify_list: ListVerifier,
) -> StatusResult:
    """Check every ``credentialStatus`` entry of a credential and combine them.

    Revoked beats suspended beats unknown beats pass; no entries is ``na``.
    """
    if entries is None or entries == [] or entries == {}:
        return StatusResult()
    items = entries if isinstance(entries, list) else [entries]
    result = StatusResult()
    if len(items) > MAX_STATUS_ENTRIES:
        result.status = STATUS_UNKNOWN
        result.reasons.append(f"the credential has {len(items)} status entries; at most {MAX_STATUS_ENTRIES} are checked")
        return result
    for item in items:
        if not isinstance(item, dict):
            record = {"type": None, "purpose": None, "list": None, "status": STATUS_UNKNOWN, "reason": "a status entry is not an object"}
        else:
            record = check_entry(item, issuer=issuer, resolver=resolver, as_of=as_of, verify_list=verify_list)
        result.entries.append(record)
        if record["reason"]:
            result.reasons.append(f"status ({record['purpose'] or record['type']}): {record['reason']}")
    statuses = [r["status"] for r in result.entries]
    for candidate in (STATUS_REVOKED, STATUS_SUSPENDED, STATUS_UNKNOWN):
        if candidate in statuses:
            result.status = candidate
            break
    else:
        result.status = STATUS_PASS
    return result


def list_cache_key(data: bytes, as_of: datetime) -> str:
    """Key of a verified status list in a per-run cache: its bytes and the evaluation day."""
    return hashlib.sha256(data).hexdigest() + "@" + as_of.date().isoformat()
