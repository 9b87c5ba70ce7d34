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

Contexts the user supplies (``verify --document URL=FILE``, ``documents add URL FILE``) are served for URLs the
package does not ship, only while :func:`user_contexts` is active (the verifier activates it with its document
resolver). They are the user's trust decision: never cached across calls, held to the same rules as a
credential's own inline contexts (:func:`context_problems`), and counted (:func:`user_context_loads`) so a
result computed with one is never cached as if it came from shipped contexts alone. ``@import`` is merged here
(:func:`_merge_imports`), never by pyld, whose merge writes into the imported context it caches.
"""

from __future__ import annotations

import copy
import json
import urllib.parse
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from skillwallet.verify.contexts import UnknownContextError, context_bytes, is_shipped

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


class UserContextSource(Protocol):
    """Where contexts the user supplied come from (the verifier's document resolver)."""

    def user_context(self, url: str) -> bytes | None:
        """The bytes the user gave for the context at ``url`` (never a shipped URL), logged; None if none."""


_user_context_source: ContextVar[UserContextSource | None] = ContextVar("skillwallet_user_contexts", default=None)
_user_context_loads = 0


@contextmanager
def user_contexts(source: UserContextSource | None) -> Iterator[None]:
    """While active, a context URL the package does not ship is looked up with ``source.user_context(url)``."""
    token = _user_context_source.set(source if hasattr(source, "user_context") else None)
    try:
        yield
    finally:
        _user_context_source.reset(token)


def user_context_loads() -> int:
    """How many times a user-supplied context has been served in this process: a computation during which this
    changed used one (its result must not be cached as a shipped-contexts-only result)."""
    return _user_context_loads


class UserContextError(JsonLdError):
    """A context the user supplied cannot be used (not a JSON-LD context document)."""


class UnsafeUserContextError(JsonLdError):
    """A context the user supplied uses a construct that keeps JSON out of the signed statements."""


#: How many contexts deep ``@import`` may reach (an import inside a scoped context of an imported context...).
_MAX_IMPORT_CHAIN = 8


def _load_context(url: str, chain: tuple[str, ...] = (), imported: bool = False) -> tuple[dict[str, Any], bool]:
    """(the parsed context document at ``url``, whether it is shipped), ``@import`` merged.

    A shipped copy always wins: a supplied document for a shipped URL is never consulted, so nobody can swap
    the VC or OB context. Raises :class:`UnknownContextError` when there is neither. ``chain``: the contexts
    whose imports led here (a cycle, or a chain longer than any context needs, is an error); ``imported``: the
    document is loaded for an ``@import`` (so must not hold one itself).
    """
    global _user_context_loads
    if url in chain or len(chain) >= _MAX_IMPORT_CHAIN:
        raise JsonLdError(f"@import of {url} is cyclic or nested too deeply ({' -> '.join((*chain, url))})")
    chain = (*chain, url)
    if is_shipped(url):
        document = json.loads(context_bytes(url))  # AlteredContextError for a damaged copy: never replaced
        return _merge_imports(document, url, depth=0, chain=chain, imported=imported), True
    source = _user_context_source.get()
    content = source.user_context(url) if source is not None else None
    if content is None:
        raise UnknownContextError(url)
    _user_context_loads += 1
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        document = None
    if not isinstance(document, dict) or "@context" not in document:
        raise UserContextError(
            f"the document supplied for the context {url} is not a JSON-LD context (a JSON object with @context)",
            unknown_context=url,
        )
    problems = context_problems(document["@context"], f"the context supplied for {url}")
    if problems:
        raise UnsafeUserContextError(
            "JSON-LD keeps JSON here that the signature does not cover: " + "; ".join(problems[:4])
        )
    return _merge_imports(document, url, depth=0, chain=chain, imported=imported), False


def _merge_imports(
    document: dict[str, Any], base: str | None, depth: int, chain: tuple[str, ...], imported: bool
) -> dict[str, Any]:
    """A copy of the context document ``document`` with every ``@import`` in its contexts merged in."""
    context = document["@context"]
    if imported and isinstance(context, dict) and "@import" in context:
        # JSON-LD 1.1 API §4.1.2 step 5.6.6: an imported context must not itself hold @import
        raise JsonLdError(f"invalid context entry: the imported context {base} holds @import itself")
    out = dict(document)
    out["@context"] = _merge_context_imports(context, base, depth, chain)
    return out


def _merge_context_imports(context: Any, base: str | None, depth: int, chain: tuple[str, ...] = ()) -> Any:
    """The context value ``context`` (an object, a URL, null or a list of them), scoped contexts included, with
    every ``@import`` merged in.

    JSON-LD 1.1 API §4.1.2 step 5.6: the imported context (one object, itself without ``@import``) is the
    starting point and the importing context's entries replace its own. pyld does this by updating the cached
    imported document in place, so one credential's context could change the next credential's; here the merge
    works on copies. The imported document comes from where any context comes from (shipped, or supplied).
    """
    if depth > 64:
        raise JsonLdError("contexts nested too deeply")
    if isinstance(context, list):
        return [_merge_context_imports(item, base, depth + 1, chain) for item in context]
    if not isinstance(context, dict):
        return context
    out: dict[str, Any] = {}
    for term, definition in context.items():
        if not term.startswith("@") and isinstance(definition, dict) and "@context" in definition:
            definition = dict(definition)
            definition["@context"] = _merge_context_imports(definition["@context"], base, depth + 1, chain)
        out[term] = definition
    if "@import" not in out:
        return out
    target = out.pop("@import")
    if not isinstance(target, str):
        raise JsonLdError("invalid @import value: it must be a string (JSON-LD 1.1 §4.1.10)")
    url = urllib.parse.urljoin(base, target) if base else target
    document, _ = _load_context(url, chain, imported=True)
    inner = document.get("@context")
    if not isinstance(inner, dict):
        raise JsonLdError(f"@import must reference a single context object; {url} holds none")
    merged = copy.deepcopy(inner)
    merged.update(out)
    return merged


def _document_has_import(node: Any, depth: int = 0) -> bool:
    if depth > 256:
        return False
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                if _has_import(value):
                    return True
            elif isinstance(value, (dict, list)) and _document_has_import(value, depth + 1):
                return True
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (dict, list)) and _document_has_import(item, depth + 1):
                return True
    return False


def _merge_document_imports(node: Any, depth: int = 0) -> Any:
    """``node`` (a document being verified) with ``@import`` merged in every context it carries, or ``node``
    itself when it has none (the common case: nothing copied)."""
    if depth == 0 and not _document_has_import(node):
        return node
    if depth > 256:
        return node
    if isinstance(node, list):
        items = [_merge_document_imports(item, depth + 1) for item in node]
        return node if all(a is b for a, b in zip(items, node)) else items
    if not isinstance(node, dict):
        return node
    changed = False
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            new = _merge_context_imports(value, None, 0) if _has_import(value) else value
        else:
            new = _merge_document_imports(value, depth + 1)
        changed = changed or new is not value
        out[key] = new
    return out if changed else node


def _has_import(context: Any, depth: int = 0) -> bool:
    if depth > 64:
        return False
    if isinstance(context, list):
        return any(_has_import(item, depth + 1) for item in context)
    if not isinstance(context, dict):
        return False
    return "@import" in context or any(
        isinstance(d, dict) and "@context" in d and _has_import(d["@context"], depth + 1) for d in context.values()
    )


def offline_document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving the shipped contexts and, while :func:`user_contexts` is active, the ones
    the user supplied for other URLs; never the network.

    Returns a fresh parse each time: pyld caches processed contexts itself (see :func:`_context_resolver`),
    so this runs once per shipped context URL per process.
    """
    document, shipped = _load_context(url)  # raises UnknownContextError
    if not shipped:
        # no tag: pyld keeps an untagged context for this operation only, so a supplied context is read
        # afresh by every call (another call may supply other bytes for the same URL)
        return {"contextUrl": None, "documentUrl": url, "document": document}
    _register_shipped(document)
    # tag "static": pyld keeps a resolved context in the shared cache only under a tag, and reads back
    # only "static" ones; the shipped copies never change within a process.
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": "static"}


#: Every dict and list inside a loaded shipped context, by identity (and kept alive, so identities are never
#: reused). Only these, never objects from a document being verified, are memoised by identity: a caller may
#: mutate its own document between two verifications, but nobody mutates the shipped contexts.
_shipped_objects: dict[int, Any] = {}


def _register_shipped(node: Any) -> None:
    if isinstance(node, (dict, list)):
        _shipped_objects[id(node)] = node
        for child in node.values() if isinstance(node, dict) else node:
            _register_shipped(child)


_processed_contexts = None  # (active context uuid, local context identity, flags) -> (local context, new active context)
_PROCESSED_CONTEXT_CACHE_SIZE = 4096
_processor_class = None


def _processor(**kwargs):
    """A pyld processor that memoises context processing across calls.

    pyld caches a processed context per (resolved context, active context uuid), but a type-scoped context
    (OB 3.0 and VC 2.0 scope most terms to types) is processed against a fresh clone with a fresh uuid at
    every typed node, so each verification re-creates hundreds of term definitions. The memo keys on the
    active context's uuid and the local context: a context URL by value, a scoped context from a shipped
    document by identity (see ``_shipped_objects``); inline contexts of the document itself are never
    memoised. Processed active contexts are never mutated by pyld afterwards except to receive their uuid.
    """
    global _processor_class, _processed_contexts
    if _processor_class is None:
        from cachetools import LRUCache
        from skillwallet.verify._pyld import jsonld

        _processed_contexts = LRUCache(maxsize=_PROCESSED_CONTEXT_CACHE_SIZE)

        class MemoisingProcessor(jsonld.JsonLdProcessor):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self._objects: list[tuple[Any, Any]] = []  # (active context, JSON object) being expanded

            def _expand_object(self, active_ctx, active_property, expanded_active_property, element, *args, **kwargs):
                # pyld tells its on_property_dropped hook the expanded IRI only, which is None for a term
                # mapped to null; the object being expanded lets :meth:`null_mapped_keys` name the field
                self._objects.append((active_ctx, element))
                try:
                    return super()._expand_object(
                        active_ctx, active_property, expanded_active_property, element, *args, **kwargs
                    )
                finally:
                    self._objects.pop()

            def null_mapped_keys(self) -> list[str]:
                """The keys of the object being expanded that expand to no IRI at all: terms a context maps to
                null (JSON-LD 1.1 §4.1.4 "a term ... decoupled from an IRI"), whose values expansion drops."""
                if not self._objects:
                    return []
                active_ctx, element = self._objects[-1]
                if not isinstance(element, dict):
                    return []
                return [
                    key for key in element
                    if isinstance(key, str) and key != "@context"
                    and self._expand_iri(active_ctx, key, vocab=True) is None
                ]

            def _process_context(
                self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                validate_scoped=True, cycles=None,
            ):
                uid = active_ctx.get("_uuid") if hasattr(active_ctx, "get") else None
                if isinstance(local_ctx, str) and is_shipped(local_ctx):
                    identity: Any = ("url", local_ctx)
                elif _shipped_objects.get(id(local_ctx)) is local_ctx:
                    identity = ("shipped", id(local_ctx))
                else:
                    identity = None  # the document's own inline context: processed afresh every time
                if uid is None or cycles or identity is None:
                    return super()._process_context(
                        active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
                    )
                key = (uid, identity, override_protected, propagate, validate_scoped)
                hit = _processed_contexts.get(key)
                if hit is not None:
                    return hit[1]
                result = super()._process_context(
                    active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
                )
                if hasattr(result, "__setitem__") and "_uuid" not in result:
                    import uuid

                    result["_uuid"] = str(uuid.uuid4())  # so contexts processed on top of it are memoised too
                _processed_contexts[key] = (local_ctx, result)
                return result

        _processor_class = MemoisingProcessor
    return _processor_class(**kwargs)


def _context_resolver():
    global _resolved_contexts
    from cachetools import LRUCache
    from skillwallet.verify._pyld import ContextResolver

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


def _unknown_cause(exc: BaseException) -> UnknownContextError | None:
    current: BaseException | None = exc
    for _ in range(20):
        if current is None:
            return None
        if isinstance(current, UnknownContextError):
            return current
        details = getattr(current, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)
    return None


def _cause_of_type(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """The first exception of ``kinds`` in ``exc``'s chain (pyld wraps a loader's errors in its own)."""
    current: BaseException | None = exc
    for _ in range(20):
        if current is None:
            return None
        if isinstance(current, kinds):
            return current
        details = getattr(current, "details", None)
        cause = details.get("cause") if isinstance(details, dict) else None
        current = cause if isinstance(cause, BaseException) else (current.__cause__ or current.__context__)
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


#: JSON-LD 1.1 keywords (JSON-LD 1.1 §1.7 "Syntax Tokens and Keywords").
JSONLD_KEYWORDS = frozenset({
    "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index", "@json",
    "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set", "@type",
    "@value", "@version", "@vocab",
})
#: Keywords a credential's own context may alias: an alias of ``@id`` or ``@type`` still produces the triples
#: (subject, rdf:type, datatype) the signature covers, and relative IRIs are reported by :func:`canonicalize`.
_SIGNED_ALIASES = frozenset({"@id", "@type"})
#: Keywords a credential may use as keys in its body: each becomes part of a signed triple (a node's id or
#: type, a literal and its datatype, language or direction, a list) or is the context itself.
_BODY_KEYWORDS = frozenset({"@context", "@id", "@type", "@value", "@language", "@direction", "@list", "@set"})
_MAX_PROBLEMS = 20


def signed_body_keyword(key: str, node: dict[str, Any]) -> bool:
    """Whether the keyword ``key``, as a key of ``node`` in a document body, ends up in a signed statement."""
    if key in ("@language", "@direction"):
        return "@value" in node  # outside a value object they say nothing (JSON-LD 1.1 §9.4)
    return key in _BODY_KEYWORDS


class UnsignedJsonError(JsonLdError):
    """The document uses a JSON-LD construct that lets JSON stand in it without producing a signed triple."""


def context_problems(context: Any, whose: str, depth: int = 0) -> list[str]:
    """What in the context value ``context`` (scoped contexts included) keeps JSON out of the signed statements
    (see :func:`unsigned_json_constructs`): keyword aliases other than ``@id``/``@type``, terms mapped to blank
    nodes, ``@index`` containers without a property-valued ``@index``, ``@nest``. ``whose`` starts each problem
    ("the credential's own @context", "the context supplied for URL"): a credential's inline contexts and the
    contexts a user supplies are held to the same rules, since neither was reviewed like the shipped copies."""
    problems: list[str] = []

    def add(text: str) -> None:
        if len(problems) < _MAX_PROBLEMS and text not in problems:
            problems.append(text)

    def check(context: Any, depth: int) -> None:
        if depth > 64:
            add("contexts nested too deeply")
            return
        for local in context if isinstance(context, list) else [context]:
            if not isinstance(local, dict):
                continue  # a URL (only shipped or supplied contexts load, each checked) or null
            for term, definition in local.items():
                if term.startswith("@"):
                    continue  # @base, @vocab, @language, @version, @import, @propagate, @protected, ...
                target = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(target, str) and target in JSONLD_KEYWORDS and target not in _SIGNED_ALIASES:
                    add(f"{whose} makes {term!r} an alias of {target}")
                elif isinstance(target, str) and target.startswith("_:"):
                    add(f"{whose} maps {term!r} to the blank node {target}")
                if not isinstance(definition, dict):
                    continue
                container = definition.get("@container")
                containers = container if isinstance(container, list) else [container]
                if "@index" in containers and "@index" not in definition:
                    add(f"{whose} gives {term!r} an @index container (its keys are not signed)")
                if "@nest" in definition:
                    add(f"{whose} nests {term!r} with @nest")
                if "@context" in definition:
                    check(definition["@context"], depth + 1)

    check(context, depth)
    return problems


def unsigned_json_constructs(document: Any) -> list[str]:
    """Where ``document`` holds JSON that an RDF-canonicalised signature would not cover, by construct.

    JSON-LD keeps some JSON through expansion without turning it into a triple, so changing it leaves the
    canonical N-Quads, and so the signature, unchanged while a reader of the JSON sees it:

    * a keyword alias in a context the credential carries itself (JSON-LD 1.1 §4.1.3 "Aliasing Keywords"):
      ``{"skills": "@index"}`` makes ``"skills": "…"`` an index, which "is not used for RDF" (§4.6.1
      "Data Indexing"); ``@nest`` (§4.4 "Nested Properties") makes a key a mere grouping, ``@none``/``@json``/
      ``@included``/``@graph``/``@reverse``/``@language``/… give a key a meaning the reader of the JSON does
      not see. Only ``@id`` and ``@type`` aliases are accepted (they produce the node id and rdf:type triples);
      ``@context`` itself cannot be aliased (§4.1.3) and the JSON-LD processor refuses that;
    * a term definition in such a context with an ``@index`` container and no property-valued ``@index``
      (§4.6.1: the map keys are dropped from the RDF) or with ``@nest``, or mapping the term to a blank node
      identifier (a blank-node predicate is skipped by RDF serialisation, JSON-LD 1.1 API §8.1; :func:`expand`
      also refuses any such property after expansion, however it was produced);
    * a keyword used directly as a key in the body where it produces no triple (``@index``, ``@nest``,
      ``@included``, ``@none``, ``@json``, ``@graph``, ``@reverse``, ``@language``/``@direction`` outside a
      value object, or a key in the "@…" form the processor ignores, §9.1).

    Contexts referenced by URL are the shipped copies (:mod:`skillwallet.verify.contexts`), reviewed and
    pinned, or copies the user supplied, held to these same rules when they are loaded (:func:`context_problems`);
    every context object inside the document (top-level, nested, property- or type-scoped) is checked here.
    ``@propagate``/``@protected`` need no rule here: a term they leave undefined is dropped by expansion and
    reported by :func:`canonicalize`, and redefining a protected term is a processing error.
    """
    problems: list[str] = []

    def add(text: str) -> None:
        if len(problems) < _MAX_PROBLEMS and text not in problems:
            problems.append(text)

    def check_context(context: Any, depth: int) -> None:
        for problem in context_problems(context, "the credential's own @context", depth):
            add(problem)

    def walk(node: Any, depth: int) -> None:
        if depth > 256:
            add("the document is nested too deeply")
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "@context":
                check_context(value, depth + 1)
                continue
            if key.startswith("@"):
                if not signed_body_keyword(key, node):
                    add(f"the document uses {key} as a key, which produces no signed statement")
                if key in ("@value", "@id", "@language", "@direction"):
                    continue  # literals: a @value may even be a JSON literal (@type @json), signed as a whole
                if key == "@type" and "@value" in node:
                    continue
            walk(value, depth + 1)

    walk(document, 0)
    return problems


def unsigned_terms(document: Any) -> frozenset[str]:
    """Keys that the document's own contexts make unsigned (see :func:`unsigned_json_constructs`): aliases of
    keywords other than ``@id``/``@type``, terms with an ``@index`` container or ``@nest``. Wherever in the
    document a context defines them: an importer that leaves these keys out of what it shows may leave out a
    little too much, never too little."""
    terms: set[str] = set()

    def check_context(context: Any, depth: int) -> None:
        for local in (context if isinstance(context, list) else [context]) if depth <= 64 else []:
            if not isinstance(local, dict):
                continue
            for term, definition in local.items():
                if term.startswith("@"):
                    continue
                target = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(target, str) and (
                    (target in JSONLD_KEYWORDS and target not in _SIGNED_ALIASES) or target.startswith("_:")
                ):
                    terms.add(term)
                if isinstance(definition, dict):
                    container = definition.get("@container")
                    containers = container if isinstance(container, list) else [container]
                    if ("@index" in containers and "@index" not in definition) or "@nest" in definition:
                        terms.add(term)
                    if "@context" in definition:
                        check_context(definition["@context"], depth + 1)

    def walk(node: Any, depth: int) -> None:
        if depth > 256:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    check_context(value, depth + 1)
                else:
                    walk(value, depth + 1)

    walk(document, 0)
    return frozenset(terms)


def expand(document: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """Expand ``document`` with the shipped contexts; return the expanded form and the dropped properties.

    Raises :class:`UnsignedJsonError` (a :class:`JsonLdError`) first when the document uses a construct that
    keeps JSON without a signed triple (:func:`unsigned_json_constructs`).
    """
    from skillwallet.verify._pyld import jsonld

    unsigned = unsigned_json_constructs(document)
    if unsigned:
        raise UnsignedJsonError(
            "JSON-LD keeps JSON here that the signature does not cover: " + "; ".join(unsigned[:4])
        )

    dropped: list[str] = []

    def on_dropped(expanded_property: Any) -> None:
        if expanded_property is None:
            # a term mapped to null: pyld gives no name, the field's own key is what the user can find
            named = processor.null_mapped_keys() if hasattr(processor, "null_mapped_keys") else []
            dropped.extend(f"{key} (mapped to null)" for key in named)
            if not named:
                dropped.append("a field whose term a context maps to null")
            return
        dropped.append(str(expanded_property))

    processor = _processor(on_property_dropped=on_dropped)
    options = {
        "documentLoader": offline_document_loader,
        "contextResolver": _context_resolver(),
        "base": None,
    }
    try:
        expanded = processor.expand(_merge_document_imports(document), options)
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, plain TypeError/ValueError
        own = _cause_of_type(exc, (JsonLdError,))  # ours (a supplied context, an @import), not pyld's own class
        if own is not None:
            raise (UnsignedJsonError(str(own)) if isinstance(own, UnsafeUserContextError) else own) from exc
        unknown = _unknown_context_in(exc)
        if unknown:
            cause = _unknown_cause(exc)
            message = str(cause) if cause is not None else f"JSON-LD context not available offline: {unknown}"
            raise JsonLdError(message, unknown_context=unknown) from exc
        raise JsonLdError(f"JSON-LD processing failed: {_describe(exc)}") from exc
    blank = _blank_node_properties(expanded)
    if blank:
        # JSON-LD 1.1 API §8.1 (Deserialize JSON-LD to RDF): without generalized RDF, a triple whose predicate
        # is a blank node is skipped, so a term mapped to "_:…" (or an "_:" @vocab) keeps unsigned JSON too.
        raise UnsignedJsonError(
            "JSON-LD keeps JSON here that the signature does not cover: properties named by blank node "
            "identifiers produce no statement: " + ", ".join(blank[:4])
        )
    return expanded, sorted(set(dropped))


def _blank_node_properties(node: Any, found: list[str] | None = None, depth: int = 0) -> list[str]:
    found = [] if found is None else found
    if depth > 512 or len(found) >= _MAX_PROBLEMS:
        return found
    if isinstance(node, list):
        for item in node:
            _blank_node_properties(item, found, depth + 1)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("_:"):
                found.append(key)
            if key != "@value":
                _blank_node_properties(value, found, depth + 1)
    return found


def _expanded_to_rdf(processor, expanded: list[Any]) -> dict[str, Any]:
    """The RDF dataset of an already expanded document: JSON-LD 1.1 API §8.1 "Deserialize JSON-LD to RDF",
    without pyld's ``to_rdf`` expanding the expanded form a second time (a third of the cost)."""
    from skillwallet.verify._pyld import jsonld

    create_node_map = getattr(processor, "_create_node_map", None)
    graph_to_rdf = getattr(processor, "_graph_to_rdf", None)
    if create_node_map is None or graph_to_rdf is None:  # another pyld: take the public road
        return processor.to_rdf(
            expanded,
            {"documentLoader": offline_document_loader, "contextResolver": _context_resolver(), "base": None},
        )
    issuer = jsonld.IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "rdfDirection": None, "processingMode": "json-ld-1.1"}
    dataset = {}
    for graph_name, graph in sorted(node_map.items()):
        # graphs named by relative IRIs are skipped by the spec; _find_relative_iris has reported them
        if graph_name == "@default" or jsonld._is_absolute_iri(graph_name):
            dataset[graph_name] = graph_to_rdf(graph, issuer, options)
    return dataset


def canonicalize(document: dict[str, Any]) -> Canonicalised:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, plus every term expansion dropped.

    Raises :class:`JsonLdError` when the document cannot be processed (with ``unknown_context`` set when
    the cause is a context that is not shipped), and :class:`~skillwallet.verify.rdfc.CanonicalisationTooComplex`
    when canonicalising would take more work than any credential needs.
    """
    from skillwallet.verify import rdfc
    from skillwallet.verify.rdfc import CanonicalisationTooComplex

    rdfc.check_document_size(document)  # expansion is slow and the node map quadratic in these sizes
    expanded, dropped = expand(document)
    rdfc.check_node_map_work(expanded)
    relative: list[str] = []
    _find_relative_iris(expanded, relative)
    processor = _processor()
    try:
        dataset = _expanded_to_rdf(processor, expanded)
        # pyld's URDNA2015 with its work bounded (RDFC-1.0 §Security Considerations, "Dataset Poisoning")
        nquads = rdfc.bounded_canonicaliser().main(dataset, {"format": "application/n-quads"})
    except CanonicalisationTooComplex:
        raise
    except RecursionError as exc:
        raise JsonLdError("document nesting is too deep to process") from exc
    except Exception as exc:
        raise JsonLdError(f"RDF canonicalisation failed: {_describe(exc)}") from exc
    return Canonicalised(nquads=nquads, dropped_terms=dropped, relative_iris=sorted(set(relative)))
