"""JSON-LD for verification: an offline document loader, expansion with undefined-term detection, RDFC-1.0.

Two security properties matter here (``/work/shared/FORMATS.md``, "JSON-LD pitfalls"):

* contexts come only from the shipped copies (:mod:`skillwallet.verify.contexts`); an unknown URL is
  "cannot verify offline", never a network fetch;
* JSON-LD expansion silently drops properties the active context does not define, so those properties are
  not covered by an RDF-canonicalised signature. pyld has no "safe mode" (jsonld.js does), so
  :func:`canonicalize` records every dropped property (pyld's ``on_property_dropped`` hook) and every
  relative IRI left in ``@id``/``@type`` (which RDF serialisation drops just as silently), and reports them.

pyld re-processes a context on every call unless given a resolver with a cache; one process-wide cache of
processed contexts (keyed by URL, filled only from the shipped copies) makes a warm verification several
times faster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from skillwallet.verify.contexts import UnknownContextError, context_bytes

#: Processed-context cache size: the shipped set is ~25 contexts; scoped contexts add a few entries each.
_RESOLVED_CONTEXT_CACHE_SIZE = 512

_resolved_contexts = None  # a cachetools.LRUCache, created on first use (pyld imports it)


class JsonLdError(Exception):
    """The document is not JSON-LD that can be processed (bad context, protected term redefined, ...)."""

    def __init__(self, message: str, *, unknown_context: str | None = None) -> None:
        super().__init__(message)
        self.unknown_context = unknown_context


@dataclass
class Canonicalised:
    """The RDFC-1.0 canonical N-Quads of a document, with what expansion would have lost."""

    nquads: str
    dropped_terms: list[str] = field(default_factory=list)  # properties not defined by the context
    relative_iris: list[str] = field(default_factory=list)  # @id/@type values that are not absolute IRIs

    @property
    def lossless(self) -> bool:
        return not self.dropped_terms and not self.relative_iris


def offline_document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only the shipped contexts; never the network.

    Returns a fresh parse each time: pyld caches processed contexts itself (see :func:`_context_resolver`),
    so this runs once per context URL per process.
    """
    document = json.loads(context_bytes(url))  # raises UnknownContextError
    return {"contextUrl": None, "documentUrl": url, "document": document}


def _context_resolver():
    global _resolved_contexts
    from cachetools import LRUCache
    from pyld.context_resolver import ContextResolver

    if _resolved_contexts is None:
        _resolved_contexts = LRUCache(maxsize=_RESOLVED_CONTEXT_CACHE_SIZE)
    return ContextResolver(_resolved_contexts, offline_document_loader)


def _unknown_context_in(exc: BaseException) -> str | None:
    """The unknown context URL at the root of a pyld error, if that is what it was."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, UnknownContextError):
            return current.url
        details = getattr(current, "details", None)
        if isinstance(details, dict):
            cause = details.get("cause")
            if isinstance(cause, UnknownContextError):
                return cause.url
            if isinstance(cause, BaseException):
                current = cause
                seen += 1
                continue
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _describe(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc).split("\n", 1)[0]
    code = getattr(exc, "code", None)
    return f"{message} ({code})" if code else message


def _is_absolute_iri(value: str) -> bool:
    # RFC 3987: a scheme followed by ':'; blank node identifiers are fine too.
    if value.startswith("_:"):
        return True
    scheme, sep, _ = value.partition(":")
    return bool(sep) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _find_relative_iris(node: Any, found: list[str], limit: int = 20) -> None:
    """Walk an expanded document for ``@id``/``@type`` values that RDF serialisation would silently drop."""
    if len(found) >= limit:
        return
    if isinstance(node, list):
        for item in node:
            _find_relative_iris(item, found, limit)
        return
    if not isinstance(node, dict):
        return
    is_value = "@value" in node
    for key, value in node.items():
        if key == "@id" and isinstance(value, str) and not _is_absolute_iri(value):
            found.append(value)
        elif key == "@type":
            for t in value if isinstance(value, list) else [value]:
                if isinstance(t, str) and t != "@json" and not _is_absolute_iri(t):
                    found.append(t)
        elif key == "@value" or (is_value and key in ("@language", "@direction")):
            continue
        else:
            _find_relative_iris(value, found, limit)


def expand(document: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """Expand ``document`` with the shipped contexts; return the expanded form and the dropped properties."""
    from pyld import jsonld

    dropped: list[str] = []

    def on_dropped(expanded_property: Any) -> None:
        dropped.append(str(expanded_property))

    processor = jsonld.JsonLdProcessor(on_property_dropped=on_dropped)
    options = {
        "documentLoader": offline_document_loader,
        "contextResolver": _context_resolver(),
        "base": None,
    }
    try:
        expanded = processor.expand(document, options)
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, plain TypeError/ValueError
        unknown = _unknown_context_in(exc)
        if unknown:
            raise JsonLdError(f"JSON-LD context not available offline: {unknown}", unknown_context=unknown) from exc
        raise JsonLdError(f"JSON-LD processing failed: {_describe(exc)}") from exc
    return expanded, sorted(set(dropped))


def canonicalize(document: dict[str, Any]) -> Canonicalised:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, plus every term expansion dropped.

    Raises :class:`JsonLdError` when the document cannot be processed (with ``unknown_context`` set when
    the cause is a context that is not shipped).
    """
    from pyld import jsonld

    expanded, dropped = expand(document)
    relative: list[str] = []
    _find_relative_iris(expanded, relative)
    processor = jsonld.JsonLdProcessor()
    try:
        dataset = processor.to_rdf(
            expanded,
            {
                "documentLoader": offline_document_loader,
                "contextResolver": _context_resolver(),
                "base": None,
                "produceGeneralizedRdf": False,
            },
        )
        nquads = jsonld.URDNA2015().main(dataset, {"format": "application/n-quads"})
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:
        raise JsonLdError(f"RDF canonicalisation failed: {_describe(exc)}") from exc
    return Canonicalised(nquads=nquads, dropped_terms=dropped, relative_iris=sorted(set(relative)))
