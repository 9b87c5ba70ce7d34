"""CLR 2.0 ClrCredential: the learner record itself and every credential nested in it.

Spec: 1EdTech Comprehensive Learner Record 2.0 §B.1 (ClrCredential, ClrSubject). ``credentialSubject``
is a ClrSubject whose ``verifiableCredential`` lists AchievementCredentials (each with its own proof,
as JSON objects or, for VC-JWT, compact JWS strings), plus ``achievement`` and ``association`` lists.
The CLR is returned first; each nested credential follows with ``parent_id`` set to the CLR's wallet id.
A nested credential that cannot be read does not sink the CLR: the reason is kept in ``extra``.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from skillwallet.errors import InvalidInputError
from skillwallet.formats._common import as_list, text_of
from skillwallet.formats.ob3 import map_vc
from skillwallet.model import FORMAT_CLR, Credential

MAX_NESTED = 10_000
CLR_TYPES = {"ClrCredential"}


def map_clr(
    document: dict[str, Any],
    *,
    source: str,
    original: bytes,
    media_type: str = "application/json",
    holder_emails: list[str] = (),
    parse_nested: Callable[[bytes, str], list[Credential]],
) -> list[Credential]:
    """Map a ClrCredential and its nested credentials. ``parse_nested(bytes, source)`` parses one nested item."""
    clr = map_vc(
        document,
        source=source,
        original=original,
        media_type=media_type,
        fmt=FORMAT_CLR,
        holder_emails=holder_emails,
    )
    subject = next((s for s in as_list(document.get("credentialSubject")) if isinstance(s, dict)), {})
    nested_items = as_list(subject.get("verifiableCredential"))
    if len(nested_items) > MAX_NESTED:
        raise InvalidInputError(f"{source}: the CLR nests more than {MAX_NESTED} credentials")
    clr.title = text_of(document.get("name")) or clr.title or "Comprehensive Learner Record"
    clr.description = text_of(document.get("description")) or clr.description
    clr.achievement_type = clr.achievement_type or "ClrCredential"
    achievements = [a for a in as_list(subject.get("achievement")) if isinstance(a, dict)]
    associations = [a for a in as_list(subject.get("association")) if isinstance(a, dict)]
    if achievements:
        clr.extra["achievements"] = [text_of(a.get("name")) for a in achievements if text_of(a.get("name"))]
    if associations:
        clr.extra["associations"] = [
            {
                "type": text_of(a.get("associationType")),
                "source": text_of(a.get("sourceId")),
                "target": text_of(a.get("targetId")),
            }
            for a in associations
        ]
    parent_id = clr.wallet_id()
    nested: list[Credential] = []
    problems: list[str] = []
    for index, item in enumerate(nested_items, 1):
        label = f"{source}#credential-{index}"
        if isinstance(item, dict):
            # A nested JSON credential has no bytes of its own; its proof covers the canonical form
            # (JCS or RDFC), not the whitespace, so compact UTF-8 JSON is a faithful original.
            raw = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        elif isinstance(item, str):
            raw = item.encode("utf-8")
        else:
            problems.append(f"{label}: not a credential object or token")
            continue
        try:
            parsed = parse_nested(raw, label)
        except InvalidInputError as exc:
            problems.append(exc.message)
            continue
        for credential in parsed:
            if credential.parent_id is None:
                credential.parent_id = parent_id
            nested.append(credential)
    clr.extra["nested_count"] = len(nested)
    if problems:
        clr.extra["nested_errors"] = problems
    return [clr, *nested]
