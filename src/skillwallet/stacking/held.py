"""What the stacking engine needs of a held credential: a wallet id, the credential and its verdict.

Its own module so that what builds held credentials (the offerings' hypothetical ones, tests, library use)
does not import the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from skillwallet.model import Credential, Verdict


class HeldCredential(Protocol):
    """What the engine needs of a wallet entry (``store.StoredCredential`` fits)."""

    wallet_id: str
    credential: Credential
    verdict: Verdict


@dataclass
class Held:
    """A simple :class:`HeldCredential` (tests, offerings, library use)."""

    wallet_id: str
    credential: Credential
    verdict: Verdict = field(default_factory=Verdict)

