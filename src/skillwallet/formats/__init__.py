"""Recognise and parse credentials: bytes in, normalised :class:`~skillwallet.model.Credential` objects out.

One module per format family (:mod:`.ob2`, :mod:`.ob3`, :mod:`.clr`, :mod:`.jose`, :mod:`.edc`,
:mod:`.blockcerts`, :mod:`.baked`); :mod:`.detect` sniffs what bytes are, :mod:`.parse` dispatches to the right
parser, :mod:`.inputs` expands what the user named into bytes (and reads QR images), :mod:`.sw1` is the QR
payload codec and :mod:`.importer` runs an import. This package face only names what the package offers.
"""

from __future__ import annotations

from skillwallet.formats._common import types_of
from skillwallet.formats.parse import (
    Presentation,
    is_presentation_document,
    looks_ob1_supporting,
    parse_credential_bytes,
    parse_text,
    read_presentation,
    related_documents,
)

__all__ = [
    "Presentation",
    "is_presentation_document",
    "looks_ob1_supporting",
    "parse_credential_bytes",
    "parse_text",
    "read_presentation",
    "related_documents",
    "types_of",
]
