"""Bulk import: inputs → parsed credentials → verdicts → the wallet, with a per-input report.

The one module of ``formats`` that causes writes — only through the wallet object it is given
(``add_credential``); it never opens files itself (inputs arrive as :class:`InputItem` bytes).
A bad input never stops the run: it is recorded as rejected with its one-line reason.

Two passes: OB 2.0 BadgeClass / Issuer files given in the same call are collected first (they complete
assertions that link to them by URL, and are reported as "supporting", not as rejected); then each
input is parsed, verified when a verifier is available, and added. The same document again is reported as
"already present"; another document with the id of a stored one as a "conflict" (the stored one and its verdict
are kept) unless ``replace`` is asked for: then it takes the stored one's place, with its own verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from skillwallet.errors import OperationInterrupted, SkillwalletError
from skillwallet.formats.inputs import InputItem
from skillwallet.model import VERDICT_INVALID, VERDICT_UNVERIFIABLE, VERDICT_VERIFIED, Credential, Verdict

ADDED = "added"
PRESENT = "present"
CONFLICT = "conflict"
REPLACED = "replaced"
REJECTED = "rejected"
SUPPORTING = "supporting"

Verifier = Callable[[Credential], Verdict]


@dataclass
class ImportResult:
    """What happened to one credential (or one rejected input)."""

    source: str
    status: str  # added | present | conflict | replaced | rejected | supporting
    wallet_id: str | None = None
    title: str | None = None
    issuer: str | None = None
    format: str | None = None
    verdict: str | None = None
    parent_id: str | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "id": self.wallet_id,
            "title": self.title,
            "issuer": self.issuer,
            "format": self.format,
            "verdict": self.verdict,
            "parent_id": self.parent_id,
            "reason": self.reason,
            "notes": list(self.notes),
        }


@dataclass
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def rejected(self) -> list[ImportResult]:
        return [r for r in self.results if r.status == REJECTED]

    @property
    def conflicts(self) -> list[ImportResult]:
        return [r for r in self.results if r.status == CONFLICT]

    def summary(self) -> dict[str, int]:
        return {
            "added": self.count(ADDED),
            "present": self.count(PRESENT),
            "conflict": self.count(CONFLICT),
            "replaced": self.count(REPLACED),
            "rejected": self.count(REJECTED),
            "supporting": self.count(SUPPORTING),
        }


def default_verifier(resolver: Any, as_of: datetime | None = None, wallet: Any = None) -> Verifier | None:
    """``skillwallet.verify.verifier.verify_credential`` bound to ``resolver`` (and the wallet's cache), if present."""
    try:
        from skillwallet.verify.verifier import verify_credential
    except ImportError:
        return None
    when = as_of or datetime.now(timezone.utc)

    def verify(credential: Credential) -> Verdict:
        if wallet is not None:
            return verify_credential(credential, resolver=resolver, as_of=when, wallet=wallet)
        return verify_credential(credential, resolver=resolver, as_of=when)

    return verify


def _looks_supporting(data: bytes) -> bool:
    """Cheap pre-check before parsing: a JSON object naming an OB 2.0 context and a supporting type."""
    from skillwallet.formats import looks_ob1_supporting

    head = data[:8192]
    return (
        head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
        and b"openbadge" in head
        and any(marker in head for marker in (b"BadgeClass", b'"Issuer"', b'"Profile"', b"CryptographicKey"))
    ) or looks_ob1_supporting(data)


@dataclass
class SupportingDocuments:
    """OB 2.0 BadgeClass / Issuer / CryptographicKey files given in the same call."""

    documents: dict[str, dict] = field(default_factory=dict)  # id -> parsed JSON (for the parser)
    # id -> exact bytes. Never handed to the verifier: whoever made the archive wrote them, so they cannot
    # vouch for a key or an issuer (only the parser uses these documents, to complete assertions).
    raw: dict[str, bytes] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)  # inputs that are supporting documents


def collect_related(items: Iterable[InputItem]) -> SupportingDocuments:
    """The OB 2.0 supporting documents among ``items``."""
    from skillwallet.formats import related_documents

    found_all = SupportingDocuments()
    for item in items:
        if item.data is None or not _looks_supporting(item.data):
            continue
        found = related_documents(item.data)
        if found:
            for ident, document in found:
                found_all.documents[ident] = document
                found_all.raw[ident] = item.data
            found_all.sources.add(item.source)
    return found_all


def _verify(credential: Credential, verifier: Verifier | None) -> tuple[Verdict, list[str]]:
    if verifier is None:
        return Verdict(), []
    try:
        verdict = verifier(credential)
    except SkillwalletError as exc:
        return Verdict(reasons=[f"verification could not run: {exc.message}"]), [f"not verified: {exc.message}"]
    except Exception as exc:  # noqa: BLE001 - a verifier bug must not lose the user's credential
        return Verdict(reasons=[f"verification failed internally ({type(exc).__name__})"]), [
            f"not verified: the verifier failed ({type(exc).__name__})"
        ]
    notes: list[str] = []
    if verdict.verdict in (VERDICT_INVALID, VERDICT_UNVERIFIABLE):
        why = f": {verdict.reasons[0]}" if verdict.reasons else ""
        notes.append(f"kept, marked {verdict.verdict}{why}")
    return verdict, notes


BATCH_SIZE = 64  # credentials per wallet transaction in a bulk import: one lock and one fsync per batch


class _WalletWriter:
    """Adds credentials to the wallet in batches (``Wallet.add_credentials``: one transaction each), in order."""

    def __init__(self, wallet: Any, report: ImportReport, *, replace: bool = False) -> None:
        self.wallet = wallet
        self.report = report
        self.replace = replace
        self.pending: list[tuple[Credential, Verdict | None, ImportResult]] = []

    def add(self, credential: Credential, verdict: Verdict | None, result: ImportResult) -> None:
        self.report.results.append(result)  # filled in on flush; keeps the report in input order
        earlier = None if self.replace else _stored_without_ob2_links(self.wallet, credential)
        if earlier is not None:
            result.status, result.wallet_id = PRESENT, earlier
            result.notes.append(
                "already stored without its BadgeClass/Issuer; remove it and add this file again to complete it"
            )
            return
        self.pending.append((credential, verdict, result))
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        store = getattr(self.wallet, "store_credentials", None)
        if store is not None:
            outcomes = [
                (o.wallet_id, o.status, o.stored_title, o.same_document)
                for o in store([(credential, verdict) for credential, verdict, _ in batch], replace=self.replace)
            ]
        else:  # a minimal store (tests, other back ends): added or present, by identity
            outcomes = [
                (wallet_id, ADDED if created else PRESENT, None, True)
                for wallet_id, created in (self.wallet.add_credential(c, v) for c, v, _ in batch)
            ]
        for (credential, _verdict, result), (wallet_id, status, stored_title, same) in zip(batch, outcomes):
            result.wallet_id = wallet_id
            result.status = status if status in (ADDED, PRESENT, CONFLICT, REPLACED) else PRESENT
            stored_as = f"{wallet_id} ({stored_title or 'untitled'})"
            if result.status == CONFLICT:
                # the new document was not kept: a "kept, marked invalid" note would be about nothing stored
                result.notes = [n for n in result.notes if not n.startswith("kept, marked")]
                result.reason = (
                    f"a different document with id {credential.credential_id or wallet_id} is already stored as "
                    f"{stored_as}; kept the stored one; `add --replace` to take the new one"
                )
            elif result.status == PRESENT and not same:
                result.notes = [n for n in result.notes if not n.startswith("kept, marked")]
                result.notes.append(
                    "the same credential is stored from another document (another shape or copy): kept the stored "
                    "one and its verdict; `add --replace` to take this one"
                )
            elif result.status == REPLACED:
                result.notes.append(f"replaced the different document stored as {stored_as} (its tags and note kept)")


def _stored_without_ob2_links(wallet: Any, credential: Credential) -> str | None:
    """The wallet id of this OB 2.0 assertion when it is stored already, but without its issuer.

    An assertion's identity is its id alone (model.Credential.identity_key), so the copy completed with its
    BadgeClass and Issuer is "already present"; the holder is told that the stored copy is the incomplete one.
    """
    from skillwallet.model import FORMAT_OB2

    if credential.format != FORMAT_OB2 or not credential.issuer.id or not credential.credential_id:
        return None
    try:
        from skillwallet.store.wallet import CREDENTIALS

        # an exact O(1) lookup of the small index record: a bulk import must not scan the wallet per file
        record = wallet.get(CREDENTIALS, credential.wallet_id())
    except (ImportError, AttributeError, TypeError):
        return None
    if not isinstance(record, dict):
        return None
    stored_issuer = (record.get("summary") or {}).get("issuer_id")
    return credential.wallet_id() if not stored_issuer else None


def import_items(
    items: list[InputItem],
    wallet: Any,
    *,
    verifier: Verifier | None = None,
    holder_emails: list[str] = (),
    holder_ids: list[str] = (),
    fetch: Callable[[str], bytes] | None = None,
    on_item: Callable[[InputItem], None] | None = None,
    supporting: SupportingDocuments | None = None,
    replace: bool = False,
) -> ImportReport:
    """Parse, verify and add every item; return what happened to each (never raises for bad input).

    ``supporting`` may be given when the caller already collected it (e.g. to hand the same documents
    to the verifier's resolver); otherwise it is collected here. Credentials are written in batches of
    :data:`BATCH_SIZE` per wallet transaction; wallet errors (disk full, lock timeout) propagate.
    ``replace``: a document whose id is stored already, with other content, replaces the stored one.
    """

    report = ImportReport()
    supporting = supporting if supporting is not None else collect_related(items)
    related, supporting_sources = supporting.documents, supporting.sources
    writer = _WalletWriter(wallet, report, replace=replace)
    count = getattr(wallet, "count", None)
    stored_before = count("credentials") if count is not None else None
    try:
        _import_each(items, report, writer, wallet, verifier, related, supporting_sources, holder_emails, holder_ids,
                     fetch, on_item)
        writer.flush()
    except KeyboardInterrupt:
        # Every batch is one transaction: what was committed stays, the batch in hand was rolled back or never
        # begun. Running the same command again adds the rest (what is stored is found "already present").
        # Counted in the wallet: Ctrl-C can land between a batch's COMMIT and the report being filled in.
        if stored_before is not None:
            added = count("credentials") - stored_before
        else:
            added = sum(1 for r in report.results if r.status == ADDED and r.wallet_id is not None)
        raise OperationInterrupted(
            f"{added:,} added, nothing lost", "run the same command again to continue"
        ) from None
    return report


def _import_each(items, report, writer, wallet, verifier, related, supporting_sources, holder_emails, holder_ids,
                 fetch, on_item) -> None:
    from skillwallet.formats import parse_credential_bytes

    for item in items:
        try:
            if item.error is not None:
                report.results.append(ImportResult(item.source, REJECTED, reason=item.error))
                continue
            if item.source in supporting_sources:
                report.results.append(
                    ImportResult(item.source, SUPPORTING, reason="Open Badges 2.0 document used to complete assertions")
                )
                continue
            try:
                credentials = parse_credential_bytes(
                    item.data or b"",
                    source=item.source,
                    related=related,
                    holder_emails=list(holder_emails),
                    fetch=fetch,
                    holder_ids=list(holder_ids),
                )
            except SkillwalletError as exc:
                report.results.append(ImportResult(item.source, REJECTED, reason=exc.message))
                continue
            except Exception as exc:  # noqa: BLE001 - a parser bug rejects this input alone, never the batch
                report.results.append(
                    ImportResult(item.source, REJECTED, reason=f"{item.source}: could not be read (the parser failed: "
                                 f"{type(exc).__name__})")
                )
                continue
            for credential in credentials:
                kept_as = _keep_status_list(wallet, credential, verifier)
                if kept_as is not None:
                    report.results.append(ImportResult(item.source, SUPPORTING, reason=kept_as))
                    continue
                verdict, notes = _verify(credential, verifier)
                writer.add(credential, verdict if verifier is not None else None, _result_for(item.source, credential, verdict, notes))
        finally:
            if on_item is not None:
                on_item(item)


STATUS_LIST_TYPES = frozenset({"BitstringStatusListCredential", "StatusList2021Credential"})


def _keep_status_list(wallet: Any, credential: Credential, verifier: Verifier | None = None) -> str | None:
    """A status list credential is the issuer's, not the holder's: keep it for status checks only.

    Whoever handed over the file is not the issuer, so what is kept is marked ``from-import``: the resolver
    gives it out only to the status check, below a fetched or deliberately added copy, and the status check
    uses it only for credentials whose own issuer signed it (:mod:`skillwallet.verify.status`). It never
    becomes a DID document, a key or a context. Returns the reason line for the report, or ``None`` when
    ``credential`` is no status list.
    """
    if not STATUS_LIST_TYPES & set(credential.types) or credential.parent_id:
        return None
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION, RECORD_IMPORTED, document_record, validate_document_url

    list_id = credential.credential_id or ""
    try:
        if not list_id.lower().startswith("https://"):
            raise SkillwalletError("not https")
        key = validate_document_url(list_id)
    except SkillwalletError:
        # A status list is fetched from an https URL (Bitstring Status List v1.0 §2.1, statusListCredential);
        # an id like a did:web would be stored where that DID's document is looked for.
        return "a status list credential whose id is not an https URL: not kept"
    if verifier is not None:
        # A list that can never verify (tampered, unsigned, a key only it asserts) is refused now; one whose
        # issuer's document is out of reach (unverifiable) is kept: it is verified again whenever it is used.
        verdict, _ = _verify(credential, verifier)
        if verdict.verdict not in (VERDICT_VERIFIED, VERDICT_UNVERIFIABLE):
            why = f" ({verdict.reasons[0]})" if verdict.reasons else ""
            return f"a status list credential for {key} that is {verdict.verdict}{why}: not kept"
    existing = wallet.get(DOCUMENTS_COLLECTION, key)
    if existing and existing.get("source") != RECORD_IMPORTED:
        if existing.get("sha256") == _sha256(credential.original):
            return f"a status list credential for {key}: the same copy is kept already"
        return (
            f"a status list credential for {key}: not kept, a copy you added or fetched from its URL is kept already"
        )
    wallet.put(DOCUMENTS_COLLECTION, key, document_record(key, credential.original, source=RECORD_IMPORTED))
    return (
        f"a status list credential: kept for {key} (from this import: used for status only, "
        "and only for credentials its own issuer signed)"
    )


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _result_for(source: str, credential: Credential, verdict: Verdict, notes: list[str]) -> ImportResult:
    unresolved = credential.extra.get("unresolved") or []
    if unresolved:
        notes.append("could not resolve: " + ", ".join(unresolved))
    for problem in credential.extra.get("nested_errors") or []:
        notes.append(f"nested credential skipped: {problem}")
    return ImportResult(
        source=source,
        status=ADDED,
        title=credential.title,
        issuer=credential.issuer.name or ("you (self-attested)" if credential.self_attested else credential.issuer.id),
        format=credential.format,
        verdict=verdict.verdict,
        parent_id=credential.parent_id,
        notes=notes,
    )


def add_credentials(
    credentials: list[Credential], wallet: Any, *, source: str, verifier: Verifier | None, replace: bool = False
) -> list[ImportResult]:
    """Verify and add parsed credentials in one wallet transaction; one result each."""
    report = ImportReport()
    writer = _WalletWriter(wallet, report, replace=replace)
    for credential in credentials:
        verdict, notes = _verify(credential, verifier)
        writer.add(credential, verdict if verifier is not None else None, _result_for(source, credential, verdict, notes))
    writer.flush()
    return report.results
