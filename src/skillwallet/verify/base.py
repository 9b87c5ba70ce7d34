"""Shared shapes for the verifier's parts (proof suites, JOSE, keys, status, resolver).

Verification never raises for a bad credential: each part returns a finding, and
:mod:`skillwallet.verify.verifier` combines findings into a :class:`skillwallet.model.Verdict`.
Exceptions here are only for the parts' internal signalling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Outcomes of the ``signature`` check
PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
NA = "na"

# How a key is tied to the issuer
BOUND = "bound"  # the issuer's own DID document / key document lists it for the purpose
SELF_ASSERTED = "self-asserted"  # only the document itself asserts it (URL fragment key, JWS header jwk)
UNRESOLVED = "unresolved"


class KeyResolutionError(Exception):
    """A verification method could not be resolved (unknown DID method, document unavailable, bad key)."""

    def __init__(self, message: str, *, unavailable: bool = False, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unavailable = unavailable  # a document was needed but is not available offline
        self.unsupported = unsupported


@dataclass
class ResolvedKey:
    """A public key resolved from a verification method id (or a JWS header)."""

    public_key: Any  # a cryptography public key object (Ed25519PublicKey, EllipticCurvePublicKey, RSAPublicKey)
    key_id: str  # the verification method id as resolved
    controller: str | None  # the DID / issuer URL that controls the key
    binding: str = BOUND  # BOUND / SELF_ASSERTED
    purposes: frozenset[str] | None = None  # verification relationships listing the key; None = not stated
    # what the method's own `controller` member says, when that is not the document listing it: a claim
    # only, which the claimed controller's own document must confirm (keys.bind_to_issuer)
    claimed_controller: str | None = None
    #: why an UNRESOLVED key is not bound (an x5c chain without an anchor), for the verdict's reasons
    note: str | None = None
    #: what the verdict should show about how the key was found (an x5c chain and its trust anchor)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SignatureFinding:
    """What one proof or JWS check found."""

    outcome: str  # PASS / FAIL / UNKNOWN / NA
    binding: str = UNRESOLVED  # BOUND / SELF_ASSERTED / UNRESOLVED
    reasons: list[str] = field(default_factory=list)
    unverifiable: bool = False  # a key, context or document needed is not available
    details: dict[str, Any] = field(default_factory=dict)
