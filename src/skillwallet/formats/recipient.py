"""Is a credential addressed to this holder? Salted-hash recipient identities.

Open Badges 2.0 IdentityObject (§ IdentityObject): when ``hashed`` is true, ``identity`` is
``sha256$`` (or ``md5$``) followed by the hex digest of the identity string concatenated with
``salt`` (empty when absent). Email addresses are compared case-insensitively; issuers differ in
whether they lower-case before hashing, so both the address as written and lower-cased are tried.
Open Badges 3.0 IdentityObject (§B.1.17) uses the same scheme in ``identityHash``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Iterable

_ALGORITHMS = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def hash_identity(identity: str, salt: str | None, algorithm: str = "sha256") -> str:
    """``<algorithm>$<hex(hash(identity + salt))>`` as issuers write it."""
    digest = _ALGORITHMS[algorithm]((identity + (salt or "")).encode("utf-8")).hexdigest()
    return f"{algorithm}${digest}"


def identity_matches(
    identity: Any,
    *,
    hashed: bool,
    salt: Any,
    candidates: Iterable[str],
    case_insensitive: bool = True,
) -> bool:
    """True when ``identity`` (plain or hashed) is one of ``candidates``."""
    if not isinstance(identity, str) or not identity:
        return False
    salt_text = salt if isinstance(salt, str) else ""
    options: list[str] = []
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate:
            continue
        options.append(candidate.strip())
        if case_insensitive:
            options.append(candidate.strip().lower())
    if not hashed:
        if case_insensitive:
            return identity.strip().lower() in {o.lower() for o in options}
        return identity.strip() in options
    algorithm, sep, expected = identity.strip().partition("$")
    algorithm = algorithm.lower()
    if not sep or algorithm not in _ALGORITHMS:
        return False
    expected = expected.lower()
    for option in options:
        computed = hash_identity(option, salt_text, algorithm).partition("$")[2]
        # bytes: compare_digest refuses str with non-ASCII characters, which a hostile identity may hold
        if hmac.compare_digest(computed.encode("utf-8"), expected.encode("utf-8")):
            return True
    return False
