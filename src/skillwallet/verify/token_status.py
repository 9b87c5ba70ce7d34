"""Token Status List (IETF draft-ietf-oauth-status-list): the ``status`` claim of SD-JWT VCs and other JWTs.

A credential's signed ``status`` claim names a Status List Token and an index: ``{"status_list": {"idx": 7, "uri":
"https://..."}}`` (§6.1). The token is a JWT with ``typ: statuslist+jwt`` (§5.1) whose ``status_list`` claim holds
``bits`` (1, 2, 4 or 8 per entry) and ``lst``, the entries DEFLATE-compressed in the ZLIB format and base64url
encoded (§4.1); entry ``idx`` sits in the least significant bits first. Values (§7.1): 0x00 VALID, 0x01 INVALID
(revoked for good), 0x02 SUSPENDED, 0x03 application-specific.

The answer counts only when (otherwise "unknown" with the reason; a set value from a list that does not meet
them is not honoured either, since such a list could revoke any genuine credential):

* the token is the one the credential names: its ``sub`` is the ``uri`` (§5.1 "sub: REQUIRED ... MUST specify
  the URI of the Status List Token"), its ``typ`` is ``statuslist+jwt``;
* its signature verifies with a key bound to the credential's own issuer (the same resolution as the
  credential's: an x5c chain to a trust anchor the user supplied, issuer metadata, a DID): a list signed by
  anyone else is someone else's word;
* it is in force at the as-of date (``exp``, §5.1); a copy stored earlier (cached by a fetch, or one that came
  with an import) answers only within its ``exp`` and its ``ttl`` (counted from its ``iat``), and with neither
  it is "unknown, last known X on DATE" (only a revocation, "irreversible" in §7.1, stands).

The token comes through the document resolver: supplied (``--document URI=FILE``), kept (``documents add``),
fetched when online, or cached.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from typing import Any

STATUS_TYP = "statuslist+jwt"
MAX_LIST_BYTES = 16 * 1024 * 1024
_VALUES = {0: "pass", 1: "revoked", 2: "suspended"}


def status_list_reference(claims: dict[str, Any] | None) -> dict[str, Any] | None:
    status = claims.get("status") if isinstance(claims, dict) else None
    return status if isinstance(status, dict) else None


def check_token_status(status: dict[str, Any], *, issuer: str | None, resolver: Any, as_of: datetime) -> tuple[str, list[str], dict[str, Any]]:
    """(status, reasons, details) for a credential's ``status`` claim; status is pass / revoked / suspended / unknown."""
    from skillwallet.errors import DocumentUnavailableError
    from skillwallet.verify import jose
    from skillwallet.verify.base import BOUND, PASS
    from skillwallet.verify.keys import b64url_decode

    reference = status.get("status_list")
    if not isinstance(reference, dict):
        kinds = ", ".join(sorted(status)) or "(empty)"
        return "unknown", [f"status: mechanism {kinds} is not supported"], {}
    idx, uri = reference.get("idx"), reference.get("uri")
    if not isinstance(idx, int) or isinstance(idx, bool) or idx < 0 or not isinstance(uri, str) or not uri:
        return "unknown", ["status: the status_list reference needs an idx and a uri (Token Status List §6.1)"], {}
    details: dict[str, Any] = {"status_list": uri, "idx": idx}
    if resolver is None:
        return "unknown", [f"status: the Status List Token {uri} cannot be fetched here"], details
    try:
        token = resolver.fetch(uri, status_list=True)
    except DocumentUnavailableError as exc:
        return "unknown", [f"status: the Status List Token is not available ({exc.message})"], details
    details["source"] = resolver.source_of(uri) if hasattr(resolver, "source_of") else None
    try:
        header, payload, signature, signing_input = jose.decode_compact_jws(token.strip())
        claims = jose.decode_jwt_payload(payload)
    except ValueError as exc:
        return "unknown", [f"status: the Status List Token at {uri} is not a JWT ({exc})"], details
    if header.get("typ") not in (STATUS_TYP, "application/" + STATUS_TYP):
        return "unknown", [f"status: the token at {uri} is not typed {STATUS_TYP}"], details
    if claims.get("sub") != uri:
        return "unknown", [f"status: the Status List Token at {uri} is for {claims.get('sub')!r}"], details
    finding = jose.check_jws(header, signature, signing_input, issuer=issuer, resolver=resolver, as_of=as_of)
    if finding.outcome != PASS or finding.binding != BOUND:
        why = finding.reasons[0] if finding.reasons else "its signature does not check"
        return "unknown", [f"status: the Status List Token at {uri} is not the credential issuer's: {why}"], details
    exp = claims.get("exp")
    expired = _number(exp) and datetime.fromtimestamp(exp, timezone.utc) <= as_of
    stored = details["source"] in ("cached", "from-import")
    if expired and not stored:
        return "unknown", [f"status: the Status List Token at {uri} expired"], details
    # A copy stored earlier (cached by a fetch, or one that came with an import) is evidence of the past
    # (FORMATS.md, "Status and time"): it answers only within its own exp and ttl (§5.1: seconds it may be
    # cached, counted here from its signed iat, before which nobody fetched it). Read the value first, so that
    # what it last said can be given.
    stale = None
    if stored:
        described = resolver.describe(uri) if hasattr(resolver, "describe") else None
        fetched_at = ((described or {}).get("stored_at") or "")[:10]
        ttl, iat = claims.get("ttl"), claims.get("iat")
        if expired:
            stale = "it has expired"
        elif _number(ttl):
            if not _number(iat):
                stale = "it has a ttl but no iat to count it from"
            elif datetime.fromtimestamp(iat + ttl, timezone.utc) <= max(datetime.now(timezone.utc), as_of):
                stale = f"its ttl of {ttl} s has passed"
        elif not _number(exp):
            stale = "it states no exp or ttl, so a stored copy tells only the past"
    listed = claims.get("status_list")
    bits = listed.get("bits") if isinstance(listed, dict) else None
    # §4.1: the integer 1, 2, 4 or 8 (JSON true and 8.0 compare equal to 1 and 8 in Python, but are not sizes)
    if type(bits) is not int or bits not in (1, 2, 4, 8) or not isinstance(listed.get("lst"), str):
        return "unknown", [f"status: the Status List Token at {uri} has no valid status_list (bits, lst)"], details
    try:
        decompressor = zlib.decompressobj()
        entries = decompressor.decompress(b64url_decode(listed["lst"]), MAX_LIST_BYTES)
        if decompressor.unconsumed_tail:
            raise ValueError("the list is too large")
    except (ValueError, zlib.error) as exc:
        return "unknown", [f"status: the status list at {uri} cannot be read ({exc})"], details
    position = idx * bits
    if position // 8 >= len(entries):
        return "unknown", [f"status: index {idx} is beyond the status list at {uri}"], details
    value = (entries[position // 8] >> (position % 8)) & ((1 << bits) - 1)
    details["value"] = value
    outcome = _VALUES.get(value, "unknown")
    if outcome == "unknown":
        return "unknown", [f"status: value 0x{value:02x} at index {idx} of {uri} is application-specific"], details
    if stale is not None:
        issued = datetime.fromtimestamp(claims["iat"], timezone.utc).date().isoformat() if _number(claims.get("iat")) else ""
        copy = (f"the copy of the Status List Token {uri} stored on {fetched_at or 'an earlier check'}"
                if details["source"] == "cached"
                else f"the Status List Token {uri} that came inside an import (kept {fetched_at or 'earlier'})")
        if outcome == "revoked":
            # §7.1: 0x01 INVALID "is revoked, annulled, taken back, recalled or cancelled. This state is irreversible."
            return outcome, [f"status: revoked, says {copy}; it is out of date ({stale}), but a revocation is "
                             "never undone"], details
        known = (fetched_at if details["source"] == "cached" else issued or fetched_at) or "an earlier date"
        return "unknown", [f"status: {copy} is out of date ({stale}); last known: {outcome} on {known}"], details
    if outcome == "pass":
        return "pass", [], details
    return outcome, [f"status: {outcome} (Status List Token {uri}, index {idx})"], details


def _number(value: Any) -> bool:
    """A JWT NumericDate or a count of seconds (RFC 7519 §2): a number that is not a JSON boolean."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
