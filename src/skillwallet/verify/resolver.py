"""The document resolver: one object, one policy for every document verification needs.

DID documents (did:web), OB 2.0 key documents and issuer profiles, hosted OB 2.0 assertions and status
lists all come through :class:`DocumentResolver`. Where a document comes from, in order:

1. ``supplied``: documents given for this call (``verify --document URL=FILE``);
2. ``kept``: documents the user added to the wallet on purpose (``skillwallet documents add URL FILE``);
3. ``fetched``: the network, only when not offline: HTTPS only, short timeout, size cap; a fetched copy is
   cached in the wallet (collection ``documents``);
4. ``cached``: a copy cached in the wallet by an earlier fetch (offline, or when the fetch fails).

``from-import``: a status list credential that arrived inside an ``add`` (a file beside a credential, in
a zip) is kept too, but nobody vouched for where it came from: the resolver hands it out only to the
status check (``fetch(url, status_list=True)``), at the lowest precedence, and never as a DID document, a
key, a profile or a context. The status check then uses it only when the credential's own issuer signed it.

Anything else raises :class:`~skillwallet.errors.DocumentUnavailableError`: the caller reports
"unknown" / "unverifiable", never "valid". Documents are matched by URL without its fragment. Every
answer is logged with its source (:attr:`DocumentResolver.log`), so each verdict can say where each
document it relied on came from.

``SKILLWALLET_OFFLINE=1`` forces every resolver offline (the switch tests and cautious users rely on):
an offline resolver never calls :func:`urllib.request.urlopen`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from skillwallet.errors import (
    DocumentUnavailableError,
    InvalidInputError,
    NotFoundError,
    SkillwalletError,
    UsageError,
)

#: Wallet collection holding supplied and cached documents.
DOCUMENTS_COLLECTION = "documents"
#: Wallet collection holding the X.509 trust anchors the user added (``documents add-anchor``), by SHA-256.
ANCHORS_COLLECTION = "trust_anchors"
#: Largest document accepted from the network or a file: DID documents, key documents and
#: status lists are small (a 131,072-entry bitstring list is ~16 KiB before base64).
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
#: Environment switch forcing offline resolution everywhere.
OFFLINE_ENV = "SKILLWALLET_OFFLINE"

# Where a resolved document came from (ResolvedDocument.source, verdict details, `verify` output).
SOURCE_SUPPLIED = "supplied"  # --document for this call
SOURCE_KEPT = "kept"  # `documents add`: the user's own copy, kept until removed
SOURCE_NETWORK = "fetched"  # fetched just now
SOURCE_CACHE = "cached"  # fetched earlier and cached in the wallet
SOURCE_IMPORTED = "from-import"  # a status list that came inside an `add`: status checks only

#: ResolvedDocument.kind of a JSON-LD context the user supplied or kept (:meth:`DocumentResolver.user_context`).
KIND_CONTEXT = "context"

# The ``source`` of a record in the wallet's documents collection.
SOURCE_ADDED = "added"  # `documents add`
RECORD_FETCHED = "fetched"  # a cached fetch
RECORD_IMPORTED = "from-import"  # a status list kept from an `add`

_ACCEPT = (
    "application/did+json, application/did+ld+json, application/ld+json, application/json;q=0.9, */*;q=0.1"
)


class DocumentGoneError(DocumentUnavailableError):
    """The server answered 410 Gone: for an OB 2.0 hosted assertion, revoked (OB 2.0 §Verification)."""


class NetworkForbiddenError(DocumentUnavailableError):
    """A network fetch was attempted while the resolver is offline. Never expected: a guard for tests."""


def normalize_document_url(url: str) -> str:
    """The key documents are stored and matched under: the URL without fragment, scheme and host lower-cased.

    ``did:web`` DIDs map to their HTTPS URL (did:web spec §3.2.1 "Read"), so a DID document may be
    supplied under either the DID or the URL.
    """
    text = url.strip()
    if text.startswith("did:web:"):
        try:
            return did_web_to_url(text.split("#", 1)[0])
        except ValueError:
            return text.split("#", 1)[0]  # no did:web DID we could fetch (e.g. no host): kept as given, as below
    text = text.split("#", 1)[0]
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        return text  # not a URL we could fetch; kept as given so a supplied copy can still match
    if parts.scheme in ("http", "https"):
        path = parts.path or "/"
        return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return text


def _scheme_twin(key: str) -> list[str]:
    """The same http(s) URL under the other scheme (a list of one), or no twin for anything else."""
    for scheme, other in (("http://", "https://"), ("https://", "http://")):
        if key.startswith(scheme):
            return [other + key[len(scheme):]]
    return []


def is_fetchable(key: str) -> bool:
    """Whether the resolver ever fetches the document at ``key`` (a normalised URL) when online: HTTPS only
    (:meth:`DocumentResolver._download`); an http URL, a DID of another method than did:web or anything else can
    only be supplied or kept."""
    return key.startswith("https://")


# A DNS name (or IPv4 address) with an optional port: what a did:web host may be (did:web spec §3.1).
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_DID_WEB_HOST = re.compile(rf"^{_DNS_LABEL}(?:\.{_DNS_LABEL})*(?::\d{{1,5}})?$")


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of a ``did:web`` DID document (did:web method spec, "Read (Resolve)").

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:user:alice`` → ``https://example.com/user/alice/did.json``;
    a percent-encoded port (``example.com%3A8443``) is decoded.
    """
    did = did.split("#", 1)[0].split("?", 1)[0]
    if not did.startswith("did:web:"):
        raise ValueError(f"not a did:web DID: {did}")
    method_specific = did[len("did:web:") :]
    segments = method_specific.split(":")
    if not segments or not segments[0]:
        raise ValueError(f"did:web DID without a host: {did}")
    host = urllib.parse.unquote(segments[0]).lower()
    if not _DID_WEB_HOST.match(host):
        raise ValueError(f"did:web DID with an invalid host: {did}")
    path_segments = [urllib.parse.unquote(s) for s in segments[1:]]
    if any(not s or s in (".", "..") or "/" in s for s in path_segments):
        raise ValueError(f"did:web DID with an invalid path: {did}")
    if path_segments:
        return f"https://{host}/" + "/".join(path_segments) + "/did.json"
    return f"https://{host}/.well-known/did.json"


def document_record(
    url: str, content: bytes, *, source: str, media_type: str | None = None
) -> dict[str, Any]:
    """The value stored in the wallet's ``documents`` collection for ``url``."""
    return {
        "url": normalize_document_url(url),
        "content": base64.b64encode(content).decode("ascii"),
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "media_type": media_type,
        "source": source,
        "stored_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
    }


def record_content(record: dict[str, Any]) -> bytes:
    """The document bytes of a stored record; raises ``ValueError`` if the record is damaged."""
    content = base64.b64decode(record["content"], validate=True)
    expected = record.get("sha256")
    if expected and hashlib.sha256(content).hexdigest() != expected:
        raise ValueError("stored document does not match its digest")
    return content


def read_document_file(path: str | os.PathLike[str]) -> bytes:
    """Read a local document file given by the user, with the same size cap as a fetch."""
    file_path = Path(path).expanduser()
    try:
        size = file_path.stat().st_size
        if not file_path.is_file():
            raise InvalidInputError(f"{file_path} is not a file")
        if size > MAX_DOCUMENT_BYTES:
            raise InvalidInputError(
                f"{file_path} is too large for a document ({size} bytes; the limit is {MAX_DOCUMENT_BYTES})"
            )
        return file_path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(f"no such file: {file_path}") from None
    except PermissionError:
        raise InvalidInputError(f"cannot read {file_path}: permission denied") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{file_path} is not a file") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {file_path}: {exc.strerror or exc}") from None


def validate_document_url(url: str) -> str:
    """Check a URL given by the user names a fetchable document (https URL or did:web); return its key."""
    text = url.strip()
    if text.startswith("did:web:"):
        try:
            return did_web_to_url(text)
        except ValueError as exc:
            raise InvalidInputError(str(exc)) from None
    if text.startswith("did:"):
        # a DID document of any other method, vouched for by the user (verify.keys.resolve_did_document)
        from skillwallet.verify.did_syntax import did_syntax_problem

        problem = did_syntax_problem(text)
        if problem:
            raise InvalidInputError(f"malformed DID {text!r}: {problem}")
        return text.split("#", 1)[0]
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError:
        raise InvalidInputError(f"not a document URL: {url!r}") from None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInputError(
            f"not a document URL: {url!r}", "give the https:// URL the document would be fetched from"
        )
    return normalize_document_url(text)


def parse_document_options(values: Iterable[str]) -> dict[str, bytes]:
    """Parse repeated ``--document URL=FILE`` options into ``{normalised URL: bytes}``.

    URLs may contain ``=`` (query strings), so the split is at the last ``=`` whose right side is an
    existing file, else at the last ``=``. A missing or unreadable file raises
    :class:`~skillwallet.errors.InvalidInputError`; so does one URL given twice with different files.
    """
    supplied: dict[str, bytes] = {}
    for value in values:
        if "=" not in value:
            raise InvalidInputError(f"--document expects URL=FILE, got {value!r}")
        url, file_name = _split_url_file(value)
        if not url or not file_name:
            raise InvalidInputError(f"--document expects URL=FILE, got {value!r}")
        key = validate_document_url(url)
        refuse_shipped_context(key)
        content = read_document_file(file_name)
        if key in supplied and supplied[key] != content:
            raise InvalidInputError(f"--document given twice for {key} with different files")
        supplied[key] = content
    return supplied


def refuse_shipped_context(key: str) -> None:
    """Refuse a document given for a URL whose JSON-LD context the package ships (:class:`UsageError`, exit 2).

    The shipped copy always wins (it is what the VC and Open Badges contexts mean), so a document for its URL
    would be ignored at best and, were it used, would let whoever wrote it change what a signature covers.
    """
    from skillwallet.verify.contexts import is_shipped

    if is_shipped(key):
        raise UsageError(
            f"{key} is a JSON-LD context skillwallet ships; its own copy is always used, a document given for it "
            "never is",
            "leave it out: skillwallet verifies with its own pinned copy of this context",
        )


def parse_trust_anchor_options(values: Iterable[str]) -> dict[str, bytes]:
    """Read repeated ``--trust-anchor FILE`` options (PEM, one or several certificates, or DER) into
    ``{file name: bytes}``; a file that holds no certificate raises :class:`InvalidInputError`."""
    anchors: dict[str, bytes] = {}
    for value in values:
        from skillwallet.verify.x509 import CertificateError, load_certificates  # only when anchors are given
        content = read_document_file(value)
        try:
            load_certificates(content, str(value))
        except CertificateError as exc:
            raise InvalidInputError(str(exc), "a trust anchor is a CA certificate file, PEM or DER") from None
        anchors[str(value)] = content
    return anchors


def _split_url_file(value: str) -> tuple[str, str]:
    positions = [i for i, ch in enumerate(value) if ch == "="]
    for pos in reversed(positions):
        candidate = value[pos + 1 :]
        if candidate and Path(candidate).expanduser().exists():
            return value[:pos], candidate
    pos = positions[-1]
    return value[:pos], value[pos + 1 :]


@dataclass
class ResolvedDocument:
    """Where a resolved document came from (for reasons and ``--json`` details)."""

    url: str
    source: str
    sha256: str
    stored_at: str | None = None  # when a wallet copy (added or cached) was stored; None for fresh ones
    kind: str | None = None  # KIND_CONTEXT for a JSON-LD context the user supplied; None for other documents


class DocumentResolver:
    """Resolve documents by URL under one policy (see the module docstring).

    ``offline``: never touch the network (also forced by ``SKILLWALLET_OFFLINE=1``).
    ``supplied``: per-call documents, ``{url: bytes}`` (from :func:`parse_document_options`).
    ``wallet``: an open wallet with ``get/put(collection, key, ...)``; documents the user added and
    earlier fetches are read from it, fetches are cached in it.
    ``timeout``: seconds per network request (a whole download gets twice that). ``ssl_context`` and
    ``allow_private_hosts``: for tests with a local HTTPS server; otherwise hosts that resolve to loopback,
    private or link-local addresses are refused, so a credential cannot make the wallet probe the
    holder's own network.
    """

    def __init__(
        self,
        *,
        offline: bool = True,
        supplied: dict[str, bytes] | None = None,
        wallet: Any = None,
        timeout: float = 5.0,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        ssl_context: Any = None,
        allow_private_hosts: bool = False,
        anchors: dict[str, bytes] | None = None,
    ) -> None:
        forced = os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        self.offline = bool(offline or forced)
        #: offline because SKILLWALLET_OFFLINE says so: ``--online`` cannot change that
        self.forced_offline = forced
        #: URLs needed while offline with no copy to hand, in order: what ``--online`` could fetch, if anything
        self.missed_offline: list[str] = []
        self.supplied = {normalize_document_url(k): v for k, v in (supplied or {}).items()}
        self.wallet = wallet
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.ssl_context = ssl_context
        self.allow_private_hosts = allow_private_hosts
        self.network_requests = 0  # how many fetches went to the network (tests assert 0 offline)
        self.resolved: dict[str, ResolvedDocument] = {}
        #: every answer given, in order (memoised ones too): what each verdict relied on
        self.log: list[ResolvedDocument] = []
        self._memo: dict[tuple[str, bool], tuple[bytes, ResolvedDocument]] = {}
        self._failures: dict[tuple[str, bool], DocumentUnavailableError] = {}
        #: trust anchor files given for this call (``--trust-anchor``): {name: PEM or DER bytes}
        self.supplied_anchors = dict(anchors or {})
        self._anchors: list[Any] | None = None

    # -- public API -------------------------------------------------------------------------------

    def fetch(self, url: str, *, status_list: bool = False) -> bytes:
        """The bytes of the document at ``url`` (fragment ignored), or raise ``DocumentUnavailableError``.

        ``status_list``: the caller is the status check, which may also be answered by a status list kept
        from an import (source ``from-import``; see the module docstring). Every other caller never is.
        """
        key = normalize_document_url(url)
        memo_key = (key, bool(status_list))
        if memo_key in self._memo:
            content, found = self._memo[memo_key]
            self.resolved[key] = found
            self.log.append(found)
            return content
        if memo_key in self._failures:
            # One attempt per URL and run: a status list shared by many credentials costs one timeout.
            raise self._failures[memo_key]
        try:
            content, source, stored_at = self._resolve(key, allow_imported=bool(status_list))
        except DocumentUnavailableError as exc:
            self._failures[memo_key] = exc
            raise
        found = ResolvedDocument(key, source, hashlib.sha256(content).hexdigest(), stored_at)
        self._memo[memo_key] = (content, found)
        self.resolved[key] = found
        self.log.append(found)
        return content

    def _vouched_for(self, key: str) -> tuple[bytes, str, Any] | None:
        """(content, source, stored_at) of what the user vouched for under ``key``: supplied for this call, else
        kept with ``documents add``; never a fetched or cached copy, nor a record an import left."""
        if key in self.supplied:
            return self.supplied[key], SOURCE_SUPPLIED, None
        record = self._wallet_record(key)
        if record is None or record[1] != SOURCE_ADDED:
            return None
        return record[0], SOURCE_KEPT, record[2]

    def user_document(self, key: str) -> dict[str, Any] | None:
        """The JSON document the user vouched for under ``key`` (a DID of any method, or a URL): supplied for this
        call (``--document``) or kept (``documents add``), never the network, a cache or an import. Logged like a
        fetch. None when there is none (or it is not a JSON object)."""
        key = normalize_document_url(key)
        vouched = self._vouched_for(key)
        if vouched is None:
            return None
        content, source, stored_at = vouched
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        if not isinstance(document, dict):
            return None
        found = ResolvedDocument(key, source, hashlib.sha256(content).hexdigest(), stored_at)
        self.resolved[key] = found
        self.log.append(found)
        return document

    def user_bytes(self, url: str) -> tuple[bytes, str] | None:
        """(content, source) of the document the user vouched for at ``url``, whatever its format (a CRL for a
        certificate's distribution point): supplied for this call or kept, never fetched, cached or imported.
        Logged like a fetch. None when there is none."""
        key = normalize_document_url(url)
        vouched = self._vouched_for(key)
        if vouched is None:
            return None
        content, source, stored_at = vouched
        found = ResolvedDocument(key, source, hashlib.sha256(content).hexdigest(), stored_at)
        self.resolved[key] = found
        self.log.append(found)
        return content, source

    def user_context(self, url: str) -> bytes | None:
        """The JSON-LD context the user vouched for at ``url``: supplied for this call (``--document``) or kept
        (``documents add``); never fetched, cached or imported, and never for a URL whose context the package
        ships (the shipped copy always wins). Logged with its SHA-256, kind "context" and the URL the user gave it
        under. None when there is none.

        http and https name one context, as for the shipped copies (:func:`~skillwallet.verify.contexts.
        normalise_context_url`): a copy given for ``http://w3id.org/openbadges/v2`` serves a credential naming
        ``https://w3id.org/openbadges/v2`` and the other way round. This gives the credential's author no say:
        which spelling a credential uses never changes which bytes are used, since there is one copy per context
        (one given for this call beats one kept, as for every document), and two different copies under the two
        spellings at the same level are refused (:class:`~skillwallet.verify.jsonld.UserContextError`), never
        picked from. Contexts are never fetched, so the scheme's transport security plays no part: the bytes are
        the user's file either way. Any other difference (host, path, query) is another document.
        """
        from skillwallet.verify.contexts import is_shipped

        key = normalize_document_url(url)
        if is_shipped(url) or is_shipped(key):
            return None
        spellings = [key, *_scheme_twin(key)]
        for source, copies_under in ((SOURCE_SUPPLIED, self._supplied_copies), (SOURCE_KEPT, self._kept_copies)):
            copies = copies_under(spellings)
            if not copies:
                continue
            if len({content for _, content, _ in copies}) > 1:
                from skillwallet.verify.jsonld import UserContextError

                given = " and ".join(spelling for spelling, _, _ in copies)
                raise UserContextError(
                    f"two different copies are supplied for the JSON-LD context {key}, under {given}; http and "
                    "https name one context, so keep one",
                    unknown_context=key,
                )
            given, content, stored_at = copies[0]  # the credential's own spelling first when both agree
            found = ResolvedDocument(given, source, hashlib.sha256(content).hexdigest(), stored_at, KIND_CONTEXT)
            self.resolved[given] = found
            self.log.append(found)
            return content
        return None

    def _supplied_copies(self, keys: list[str]) -> list[tuple[str, bytes, str | None]]:
        return [(key, self.supplied[key], None) for key in keys if key in self.supplied]

    def _kept_copies(self, keys: list[str]) -> list[tuple[str, bytes, str | None]]:
        found = []
        for key in keys:
            record = self._wallet_record(key)
            if record is not None and record[1] == SOURCE_ADDED:
                found.append((key, record[0], record[2]))
        return found

    def trust_anchors(self) -> list[Any]:
        """The X.509 trust anchors the user chose: ``--trust-anchor`` files, then those kept in the wallet
        (``documents add-anchor``). Never a certificate from a credential or from the network."""
        if self._anchors is None:
            from skillwallet.verify.x509 import TrustAnchor, fingerprint, load_certificates

            found: dict[str, TrustAnchor] = {}
            for name, content in self.supplied_anchors.items():
                for certificate in load_certificates(content, name):
                    digest = fingerprint(certificate)
                    found.setdefault(digest, TrustAnchor(certificate, SOURCE_SUPPLIED, digest))
            if self.wallet is not None:
                try:
                    kept = list(self.wallet.items(ANCHORS_COLLECTION))
                except Exception:  # noqa: BLE001 - a wallet without the collection keeps no anchors
                    kept = []
                for _, record in kept:
                    try:
                        content = base64.b64decode(record["content"])
                        for certificate in load_certificates(content, "kept anchor"):
                            digest = fingerprint(certificate)
                            found.setdefault(digest, TrustAnchor(certificate, SOURCE_KEPT, digest))
                    except (KeyError, TypeError, ValueError):
                        continue  # a damaged record is no anchor
            self._anchors = list(found.values())
        return self._anchors

    def fetch_json(self, url: str) -> dict[str, Any]:
        """The document at ``url`` parsed as a JSON object, or raise ``DocumentUnavailableError``."""
        content = self.fetch(url)
        try:
            value = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            where = normalize_document_url(url)
            raise DocumentUnavailableError(f"the document at {where} is not JSON") from None
        if not isinstance(value, dict):
            where = normalize_document_url(url)
            raise DocumentUnavailableError(f"the document at {where} is not a JSON object")
        return value

    def source_of(self, url: str) -> str | None:
        """Where the document at ``url`` came from (supplied/kept/fetched/cached/from-import), if resolved."""
        found = self.resolved.get(normalize_document_url(url))
        return found.source if found else None

    def describe(self, url: str) -> dict[str, Any] | None:
        """Provenance of a resolved document for reports: url, source, sha256, stored_at (wallet copies)."""
        found = self.resolved.get(normalize_document_url(url))
        if found is None:
            return None
        from dataclasses import asdict

        return asdict(found)

    # -- policy -----------------------------------------------------------------------------------

    def _resolve(self, key: str, *, allow_imported: bool = False) -> tuple[bytes, str, str | None]:
        """Precedence: supplied > kept (``documents add``) > fetched now > a stored copy (cached, or
        from an import when ``allow_imported``)."""
        if key in self.supplied:
            return self.supplied[key], SOURCE_SUPPLIED, None
        record = self._wallet_record(key)
        if record is not None and record[1] == SOURCE_ADDED:
            return record[0], SOURCE_KEPT, record[2]
        if record is not None and record[1] == RECORD_IMPORTED:
            record = (record[0], SOURCE_IMPORTED, record[2]) if allow_imported else None
        elif record is not None:
            record = (record[0], SOURCE_CACHE, record[2])
        if self.offline:
            if record is not None:
                return record
            self.missed_offline.append(key)
            # --online is offered only for what a fetch could bring: an https URL (a did:web is one already)
            online = "run again with --online to fetch it, " if is_fetchable(key) else ""
            raise DocumentUnavailableError(
                f"{key} is needed but not available offline",
                f"{online}give a copy with --document {key}=FILE, or keep one with `skillwallet documents add {key} FILE`",
            )
        try:
            content, media_type = self._download(key)
        except DocumentGoneError:
            raise
        except DocumentUnavailableError:
            if record is not None:
                # A stored copy beats nothing; callers see its source and stored_at (describe()).
                return record
            raise
        self._cache(key, content, media_type)
        return content, SOURCE_NETWORK, None

    def _wallet_record(self, key: str) -> tuple[bytes, str, str | None] | None:
        if self.wallet is None:
            return None
        try:
            record = self.wallet.get(DOCUMENTS_COLLECTION, key)
        except (KeyError, LookupError, NotFoundError):
            return None  # nothing stored under this URL
        if not record:
            return None
        try:
            stored_at = record.get("stored_at") if isinstance(record.get("stored_at"), str) else None
            return record_content(record), record.get("source", SOURCE_CACHE), stored_at
        except (KeyError, ValueError, TypeError):
            return None  # a damaged cache entry is ignored, never trusted

    def _cache(self, key: str, content: bytes, media_type: str | None) -> None:
        if self.wallet is None:
            return
        try:
            record = document_record(key, content, source=RECORD_FETCHED, media_type=media_type)
            self.wallet.put(DOCUMENTS_COLLECTION, key, record)
        except SkillwalletError:
            pass  # caching is an optimisation; a read-only or busy wallet must not fail verification

    # -- network ----------------------------------------------------------------------------------

    def _download(self, url: str) -> tuple[bytes, str | None]:
        """One HTTPS GET with the timeout and size cap; redirects only to HTTPS."""
        if self.offline:  # defence in depth: _resolve already checked
            raise NetworkForbiddenError(f"refusing to fetch {url} while offline")
        try:
            parts = urllib.parse.urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a malformed port
        except ValueError:
            raise DocumentUnavailableError(f"{url} is not a valid URL") from None
        if parts.scheme != "https":
            raise DocumentUnavailableError(
                f"{url} is not an https URL; only HTTPS documents are fetched",
                f"supply it with --document {url}=FILE if you trust a local copy",
            )
        from urllib import error as urlerror
        from urllib import request as urlrequest

        if not self.allow_private_hosts:
            _refuse_private_host(url)
        self.network_requests += 1
        handlers: list[Any] = [_HttpsOnlyRedirectHandler(self.allow_private_hosts)]
        if self.ssl_context is not None:
            handlers.append(urlrequest.HTTPSHandler(context=self.ssl_context))
        opener = urlrequest.build_opener(*handlers)
        request = urlrequest.Request(url, headers={"Accept": _ACCEPT, "User-Agent": "skillwallet"})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise DocumentUnavailableError(f"{url} is too large ({declared} bytes)")
                content = self._read_capped(response, url)
                media_type = response.headers.get_content_type() if response.headers else None
                return content, media_type
        except urlerror.HTTPError as exc:
            if exc.code == 410:
                raise DocumentGoneError(f"{url} is gone (HTTP 410)") from None
            raise DocumentUnavailableError(f"fetching {url} failed: HTTP {exc.code}") from None
        except urlerror.URLError as exc:
            raise DocumentUnavailableError(f"fetching {url} failed: {exc.reason}") from None
        except (TimeoutError, OSError, ValueError) as exc:
            raise DocumentUnavailableError(f"fetching {url} failed: {exc}") from None

    def _read_capped(self, response: Any, url: str) -> bytes:
        """Read at most ``max_bytes`` within an overall deadline (a slow drip cannot hold verify hostage)."""
        import time

        deadline = time.monotonic() + 2 * self.timeout
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(64 * 1024)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise DocumentUnavailableError(f"{url} is larger than {self.max_bytes} bytes (too large)")
            if time.monotonic() > deadline:
                raise DocumentUnavailableError(f"fetching {url} took too long")
            chunks.append(chunk)


def _refuse_private_host(url: str) -> None:
    """Refuse URLs whose host is, or resolves to, a loopback, private, link-local or reserved address."""
    import ipaddress
    import socket

    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise DocumentUnavailableError(f"fetching {url} failed: cannot resolve {host} ({exc})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise DocumentUnavailableError(
                f"refusing to fetch {url}: {host} is a local or private address ({address})",
                f"supply it with --document {url}=FILE if you mean it",
            )


def _https_only_redirect_handler_class():
    from urllib import request as urlrequest

    class HttpsOnlyRedirectHandler(urlrequest.HTTPRedirectHandler):
        """Follow redirects only to HTTPS: a downgrade to HTTP would let anyone on the path swap a key."""

        max_redirections = 5

        def __init__(self, allow_private_hosts: bool) -> None:
            super().__init__()
            self.allow_private_hosts = allow_private_hosts

        def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib hook
            if urllib.parse.urlsplit(newurl).scheme != "https":
                raise DocumentUnavailableError(f"{req.full_url} redirects to a non-HTTPS URL ({newurl})")
            if not self.allow_private_hosts:
                _refuse_private_host(newurl)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return HttpsOnlyRedirectHandler


def _HttpsOnlyRedirectHandler(allow_private_hosts: bool):  # noqa: N802 - a factory (lazy urllib import)
    return _https_only_redirect_handler_class()(allow_private_hosts)
