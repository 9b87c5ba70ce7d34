"""Importing pathways published in other formats: Credential Engine CTDL and Badgr exports.

:func:`import_pathway_documents` takes every file given in one call (a CTDL pathway may keep its components in
a separate file), detects the format of each, and returns native pathways (validated, with their TOML text)
plus, for each, the list of what could not be mapped. Nothing is dropped silently: every property or construct
the native model cannot express is named in ``unmapped``.
"""

from __future__ import annotations

import json
from typing import Any

from skillwallet.errors import InvalidPathwayError
from skillwallet.jsondepth import nests_deeper_than
from skillwallet.stacking.interchange import ImportResult
from skillwallet.stacking.model import MAX_JSON_DEPTH, check_size


def parse_json_documents(documents: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """Parse each file, refusing files over the size limit and JSON nested deeper than the converters walk."""
    out = []
    for source, text in documents:
        check_size(text, source)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidPathwayError(f"{source}: not valid JSON: {exc}") from None
        except RecursionError:
            data = None
        if data is None or nests_deeper_than(data, MAX_JSON_DEPTH):
            raise InvalidPathwayError(f"{source}: JSON nested more than {MAX_JSON_DEPTH} levels deep",
                                      "published pathway files nest a few levels: is this the right file?")
        out.append((source, data))
    return out


def detect_format(data: Any) -> str | None:
    """``ctdl`` for CTDL JSON-LD (compact or expanded), ``badgr`` for Badgr pathway exports."""
    text = json.dumps(data)[:200_000]
    if "badgr.io/public/contexts/pathways" in text or '"BadgeJunction"' in text or '"ElementJunction"' in text:
        return "badgr"
    if "ceterms:" in text or "purl.org/ctdl/terms/" in text or "credreg.net" in text:
        return "ctdl"
    return None


def import_pathway_documents(documents: list[tuple[str, str]]) -> list[ImportResult]:
    """Convert every pathway in the given files (``(name, text)`` pairs)."""
    from skillwallet.stacking import badgr, ctdl

    parsed = parse_json_documents(documents)
    ctdl_docs: list[tuple[str, Any]] = []
    results: list[ImportResult] = []
    for source, data in parsed:
        kind = detect_format(data)
        if kind == "badgr":
            results.extend(badgr.convert(data, source))
        elif kind == "ctdl":
            ctdl_docs.append((source, data))
        else:
            raise InvalidPathwayError(f"{source}: neither a CTDL pathway (ceterms:) nor a Badgr pathway export",
                                      "skillwallet pathways add FILE reads native TOML pathways")
    if ctdl_docs:
        results.extend(ctdl.convert(ctdl_docs))
    if not results:
        raise InvalidPathwayError("no pathway found in " + ", ".join(s for s, _ in documents))
    return results
