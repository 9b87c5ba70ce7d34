"""What the pathway converters share: the :class:`ImportResult` each returns, :func:`slug` for ids and
:func:`build`, which validates a converted document and serialises it as TOML.

The converters (:mod:`skillwallet.stacking.ctdl`, :mod:`skillwallet.stacking.badgr`) import this module and it
imports neither; :mod:`skillwallet.stacking.pathway_import` detects each file's format and calls them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from skillwallet.stacking.model import Pathway, pathway_from_dict


@dataclass
class ImportResult:
    pathway: Pathway
    toml: str
    source: str
    format: str  # ctdl | badgr
    unmapped: list[str] = field(default_factory=list)


def slug(text: str, fallback: str = "pathway") -> str:
    """An id the TOML model accepts, from a name, CTID or URL."""
    text = text.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1] or text
    value = re.sub(r"[^A-Za-z0-9_.:-]+", "-", text).strip("-._:").lower()
    return (value or fallback)[:100]


def build(document: dict[str, Any], source: str, fmt: str, unmapped: list[str]) -> ImportResult:
    """Validate a converted pathway document and serialise it as TOML."""
    import tomli_w

    if unmapped:
        document["unmapped"] = list(unmapped)
    document["imported_from"] = source
    pathway = pathway_from_dict(document, source)
    text = tomli_w.dumps(document)
    return ImportResult(pathway=pathway, toml=text, source=source, format=fmt, unmapped=list(unmapped))
