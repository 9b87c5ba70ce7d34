"""The JSON-LD contexts skillwallet ships, and the only place a verifier gets a context from.

A Data Integrity signature covers the RDF that a credential's ``@context`` documents define, so the verifier
must use byte-exact local copies of the published contexts and never fetch one at verification time
(``/work/shared/JSONLD-CONTEXTS.md``, VC Data Integrity §2.4 "Contexts and Vocabularies"). The copies live in
``skillwallet/data/contexts/`` with ``index.json`` mapping each URL to its file, the SHA-256 of the copy, the
hash of the published document it matches and where it came from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

INDEX_FILE = "index.json"


class UnknownContextError(Exception):
    """A context URL that is neither shipped with the package nor supplied by the user: the credential cannot be
    verified. Contexts are never fetched, so the message says how the user can supply a copy they trust."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context not available offline: {url} (contexts are never fetched; give a copy you trust with "
            f"--document {url}=FILE, or keep one with `skillwallet documents add {url} FILE`)"
        )
        self.url = url


@dataclass(frozen=True)
class ShippedContext:
    """One context the package carries."""

    url: str
    file: str
    sha256: str  # of the shipped bytes
    published_sha256: str  # of the published document (JSONLD-CONTEXTS.md)
    canonical_sha256: str  # of the published document's JSON, sorted keys, no spaces
    source: str  # where the copy came from


def _data_dir():
    # The package's own folder when it is one (any pip or editable install): importlib.resources would import its
    # readers and zipfile first, about a tenth of a cold `verify FILE`. A package inside a zip goes through it.
    folder = Path(__file__).resolve().parent.parent / "data" / "contexts"
    if folder.is_dir():
        return folder
    from importlib import resources

    return resources.files("skillwallet") / "data" / "contexts"


@lru_cache(maxsize=1)
def _index() -> dict[str, Any]:
    return json.loads((_data_dir() / INDEX_FILE).read_text(encoding="utf-8"))


def shipped_contexts() -> dict[str, ShippedContext]:
    """Every shipped context, by URL."""
    return {url: ShippedContext(url=url, **entry) for url, entry in _index()["contexts"].items()}


def normalise_context_url(url: str) -> str:
    """The index key for ``url``: contexts are served under http and https alike, with or without a trailing
    fragment; any other difference (a query, another path) is another document."""
    base = url.split("#", 1)[0]
    if base.startswith("http://"):
        base = "https://" + base[len("http://") :]
    return base


def is_shipped(url: str) -> bool:
    return normalise_context_url(url) in _index()["contexts"]


class AlteredContextError(UnknownContextError):
    """A shipped copy whose bytes no longer match its index: treated as not available, never used."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.args = (f"the shipped copy of the JSON-LD context {url} is altered (SHA-256 differs from the index)",)


def data_dir():
    """The folder holding the shipped contexts and ``index.json`` (an ``importlib.resources`` traversable)."""
    return _data_dir()


@lru_cache(maxsize=None)
def context_bytes(url: str) -> bytes:
    """The exact shipped bytes of the context published at ``url``.

    :class:`UnknownContextError` if not shipped; :class:`AlteredContextError` if the installed copy does not
    match the SHA-256 in the index (a modified installation must not change what signatures mean).
    """
    key = normalise_context_url(url)
    entry = _index()["contexts"].get(key)
    if entry is None:
        raise UnknownContextError(url)
    data = (_data_dir() / entry["file"]).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise AlteredContextError(key)
    return data


@lru_cache(maxsize=None)
def context_document(url: str) -> dict[str, Any]:
    """The parsed context document for ``url`` (cached; callers must not mutate it)."""
    return json.loads(context_bytes(url))


@lru_cache(maxsize=1)
def index_version() -> str:
    """A digest of the whole shipped set (URLs and content hashes).

    It is part of every verification-cache key, so a release that changes a context copy re-verifies
    credentials instead of trusting a result computed with other contexts.
    """
    entries = sorted((url, entry["sha256"]) for url, entry in _index()["contexts"].items())
    return hashlib.sha256(json.dumps(entries, separators=(",", ":")).encode()).hexdigest()[:16]
