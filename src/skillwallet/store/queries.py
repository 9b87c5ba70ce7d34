"""The wallet's credentials: storing them, listing them from their small index records, loading one in full,
and changing what the holder adds (tags, note, verdict)."""

from __future__ import annotations

from typing import Any

from skillwallet.bulk import paused_gc
from skillwallet.errors import InvalidInputError, NotFoundError, WalletCorruptError
from skillwallet.model import Credential, Verdict
from skillwallet.store import fsutil
from skillwallet.store.credentials import (
    REREAD_CHANGED,
    REREAD_UNREADABLE,
    STORED_ADDED,
    STORED_CONFLICT,
    STORED_PRESENT,
    STORED_REPLACED,
    RereadOutcome,
    StoreOutcome,
    StoredCredential,
    bound_verdict,
    content_key,
    document_sha256,
    list_object,
    normalise_tags,
    now,
    reread_records,
    stored_digest,
)
from skillwallet.store.db import CORRUPT_HINT
from skillwallet.store.records import BODIES, CREDENTIALS, Writer


class CredentialQueries:
    """Credentials in the wallet, each an index record and a body (:mod:`skillwallet.store.credentials`).

    Part of :class:`skillwallet.store.wallet.Wallet` (a mixin): it reads and writes through the sealed records
    (:mod:`skillwallet.store.records`); the wallet's ``path`` names it in errors.
    """

    def add_credential(self, cred: Credential, verdict: Verdict | None = None) -> tuple[str, bool]:
        """Add ``cred`` unless a credential with its identity is already there; returns (wallet id, created?).

        Duplicates are recognised by ``Credential.identity_key()``. The same document again (same bytes) keeps the
        stored copy and records the newer verdict; a different document with the same identity changes nothing
        (see :meth:`store_credentials`).
        """
        return self.add_credentials([(cred, verdict)])[0]

    def add_credentials(
        self, items: list[tuple[Credential, Verdict | None]] | list[Credential]
    ) -> list[tuple[str, bool]]:
        """Add many credentials in one transaction (all or none); returns (wallet id, created?) for each.

        For bulk imports (a CLR with its achievements, a folder of badges): one lock, one fsync.
        """
        return [(o.wallet_id, o.status == STORED_ADDED) for o in self.store_credentials(items)]

    def store_credentials(
        self, items: list[tuple[Credential, Verdict | None]] | list[Credential], *, replace: bool = False
    ) -> list[StoreOutcome]:
        """Add many credentials in one transaction (all or none); what happened to each.

        A verdict is stored only beside the exact bytes it was computed on (``verdict`` is the outcome of
        verifying ``cred``). For a credential whose identity is already stored:

        * the same document (same SHA-256 of the original bytes): kept; a newer verdict given is recorded;
        * another document: with ``replace`` it takes the stored one's place with its own verdict (the holder's
          tags and note stay: they are about the credential, not one copy of it); without, nothing changes: the
          stored copy and its verdict are kept. It is ``present`` when it says the same (the same credential in
          another shape: JSON, baked image, VC-JWT), a ``conflict`` when it says something else.
        """
        pairs = [item if isinstance(item, tuple) else (item, None) for item in items]
        # a read-only pass first: when nothing would change (the same documents, conflicts), nothing is written
        planned: list[StoreOutcome] = []
        for cred, verdict in pairs:
            outcome, changes = self._store_one(self, cred, verdict, replace, write=False)
            if changes:
                break
            planned.append(outcome)
        else:
            return planned
        results: list[StoreOutcome] = []
        with self._write_transaction() as writer:
            for cred, verdict in pairs:
                results.append(self._store_one(writer, cred, verdict, replace, write=True)[0])
        return results

    @staticmethod
    def _store_one(
        reader: "CredentialQueries | Writer", cred: Credential, verdict: Verdict | None, replace: bool, *, write: bool
    ) -> tuple[StoreOutcome, bool]:
        """What storing ``cred`` does (and, with ``write``, do it through the writer ``reader``): (outcome, changes?)."""
        wallet_id = cred.wallet_id()
        digest = document_sha256(cred.original)
        existing = reader.get(CREDENTIALS, wallet_id)
        if existing is None:
            if write:
                stored = StoredCredential(wallet_id, cred, verdict or Verdict(), now(), [], None)
                reader.put(BODIES, wallet_id, {"credential": cred.to_dict()})
                reader.put(CREDENTIALS, wallet_id, stored.index_record())
            return StoreOutcome(wallet_id, STORED_ADDED), True
        stored_title = (existing.get("summary") or {}).get("title")
        if stored_digest(reader, wallet_id, existing) == digest:
            if verdict is not None and write:
                existing["sha256"] = digest
                existing["verdict"] = bound_verdict(verdict, digest)
                reader.put(CREDENTIALS, wallet_id, existing)
            return StoreOutcome(wallet_id, STORED_PRESENT, stored_title, same_document=True), verdict is not None
        if not replace:
            # another document: its verdict is about other bytes and is never recorded here
            body = reader.get(BODIES, wallet_id) or {}
            same = content_key(body.get("credential") or {}) == content_key(cred.to_dict())
            return StoreOutcome(wallet_id, STORED_PRESENT if same else STORED_CONFLICT, stored_title), False
        if write:
            stored = StoredCredential(
                wallet_id, cred, verdict or Verdict(), now(), list(existing.get("tags") or []), existing.get("note")
            )
            reader.put(BODIES, wallet_id, {"credential": cred.to_dict()})
            reader.put(CREDENTIALS, wallet_id, stored.index_record())
        return StoreOutcome(wallet_id, STORED_REPLACED, stored_title), True

    def list_summaries(self) -> list[dict[str, Any]]:
        """The ``list --json`` object of every credential, in the order they were added.

        Reads only the small index records (not the credentials' bodies): fast for large wallets.
        """
        with paused_gc():
            index = self.items(CREDENTIALS)
            self._scan(BODIES, "")  # the bodies' record set must be intact too (read through the narrow index)
            out = [list_object(key, value) for key, value in index]
            out.sort(key=lambda o: (o["added"] or "", o["id"]))
        return out

    def list_credentials(self) -> list[StoredCredential]:
        """Every stored credential, in full, in the order they were added."""
        with paused_gc():
            index = dict(self.items(CREDENTIALS))
            bodies = dict(self.items(BODIES))
            if index.keys() != bodies.keys():
                raise WalletCorruptError(f"credentials of the wallet {self.path} are incomplete", CORRUPT_HINT)
            out = [StoredCredential.from_records(key, index[key], bodies[key]) for key in index]
            out.sort(key=lambda s: (s.added, s.wallet_id))
        return out

    def list_credential_facts(self) -> list[StoredCredential]:
        """Every stored credential from its small index record only, in the order they were added.

        Each credential holds the :data:`FACT_FIELDS` (what stacking and the skills inventory read), not its body:
        ``complete`` is False. Load a full one with :meth:`get_credential` when it is shown. The bodies' record
        set is checked too (through the narrow index, as ``list`` does). An index record written before facts
        existed (a wallet not yet written by this version) is completed from its body.
        """
        with paused_gc():
            index = self.items(CREDENTIALS)
            bodies = self._scan(BODIES, "")
            if len(bodies) != len(index):
                raise WalletCorruptError(f"credentials of the wallet {self.path} are incomplete", CORRUPT_HINT)
            out = []
            dates: dict = {}
            for key, record in index:
                if "facts" in record:
                    out.append(StoredCredential.from_facts(key, record, dates))
                    continue
                body = self.get(BODIES, key)
                if body is None:
                    raise WalletCorruptError(f"the credential {key} of the wallet {self.path} is incomplete", CORRUPT_HINT)
                out.append(StoredCredential.from_records(key, record, body))
            out.sort(key=lambda s: (s.added, s.wallet_id))
        return out

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full wallet id for an id or unique prefix (NotFoundError / InvalidInputError when ambiguous)."""
        wanted = id_or_prefix.strip().lower()
        if len(wanted) == 12 and self.get(CREDENTIALS, wanted) is not None:
            return wanted
        matches = sorted(key for key, _ in self.items(CREDENTIALS) if key.startswith(wanted))
        if not matches:
            raise NotFoundError(f"no credential with id {id_or_prefix!r}", "see the ids with: skillwallet list")
        if len(matches) > 1:
            raise InvalidInputError(
                f"the id prefix {id_or_prefix!r} matches {len(matches)} credentials: {', '.join(matches[:5])}",
                "type more characters of the id",
            )
        return matches[0]

    def get_credential(self, id_or_prefix: str) -> StoredCredential:
        """The credential with this wallet id or unique id prefix."""
        wallet_id = self.resolve_id(id_or_prefix)
        index = self.get(CREDENTIALS, wallet_id)
        if index is None:
            raise NotFoundError(f"no credential with id {id_or_prefix!r}")
        body = self.get(BODIES, wallet_id)
        if body is None:
            raise WalletCorruptError(f"the credential {wallet_id} of the wallet {self.path} is incomplete", CORRUPT_HINT)
        return StoredCredential.from_records(wallet_id, index, body)

    def remove_credential(self, wallet_id: str) -> None:
        """Remove a credential by its full wallet id (NotFoundError if absent)."""
        with self._write_transaction() as writer:
            if not writer.delete(CREDENTIALS, wallet_id):
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            writer.delete(BODIES, wallet_id)

    def _update_credential(self, wallet_id: str, change) -> None:
        with self._write_transaction() as writer:
            record = writer.get(CREDENTIALS, wallet_id)
            if record is None:
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            change(record)
            writer.put(CREDENTIALS, wallet_id, record)

    def set_verdict(self, wallet_id: str, verdict: Verdict, *, sha256: str | None = None) -> bool:
        """Record the outcome of verifying a credential beside it; ``False`` if it was not recorded.

        ``sha256`` is the hash of the bytes that were verified: when the stored document is another one by now
        (replaced meanwhile), the verdict is not recorded. Without it, the verdict is taken to be about the stored
        document as it is.
        """
        with self._write_transaction() as writer:
            if writer.get(CREDENTIALS, wallet_id) is None:
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            return writer.set_verdict(wallet_id, verdict, sha256=sha256)

    def set_tags(self, wallet_id: str, tags: list[str]) -> None:
        """Replace the holder's tags on a credential."""
        self._update_credential(wallet_id, lambda r: r.__setitem__("tags", normalise_tags(tags)))

    def set_note(self, wallet_id: str, note: str | None) -> None:
        """Set (or with ``None`` clear) the holder's note on a credential."""
        self._update_credential(wallet_id, lambda r: r.__setitem__("note", note or None))

    def reread_credentials(self, read, *, dry_run: bool = False) -> list[RereadOutcome]:
        """Read every stored credential's original again (``doctor --reread``); what happened to each, in the
        order they were added.

        ``read(wallet_id, credential)`` gives the view today's importers make of a stored credential
        (:func:`skillwallet.formats.reread.reread_credential`; the store does not import the importers). A
        changed view replaces the stored one, keeping the credential's id and every member of its records the
        view does not give (:func:`~skillwallet.store.credentials.reread_records`); one that cannot be read
        is left as it is and reported, never removed. Every replacement is written in one transaction: all
        of them or, after a crash or an error, none. ``dry_run`` reads and reports, and writes nothing.
        """
        with paused_gc():
            index = self.items(CREDENTIALS)  # the whole record sets, checked against the integrity row
            bodies = dict(self.items(BODIES))
        if len(bodies) != len(index):
            raise WalletCorruptError(f"credentials of the wallet {self.path} are incomplete", CORRUPT_HINT)
        planned: list[tuple[RereadOutcome, dict, dict | None, dict | None]] = []
        for key, record in index:
            body = bodies.get(key)
            if body is None:
                raise WalletCorruptError(f"the credential {key} of the wallet {self.path} is incomplete", CORRUPT_HINT)
            outcome, new_index, new_body = reread_records(key, record, body, read)
            planned.append((outcome, record, new_index, new_body))
        added = {key: record.get("added") or "" for key, record in index}
        outcomes = [p[0] for p in planned]
        outcomes.sort(key=lambda o: (added[o.wallet_id], o.wallet_id))
        changes = [p for p in planned if p[0].status == REREAD_CHANGED]
        if dry_run or not changes:
            return outcomes
        with self._write_transaction() as writer:
            by_id = {o.wallet_id: i for i, o in enumerate(outcomes)}
            for outcome, record, new_index, new_body in changes:
                key = outcome.wallet_id
                fsutil.fault_point("reread.credential")
                current_index, current_body = writer.get(CREDENTIALS, key), writer.get(BODIES, key)
                if current_index != record or current_body != bodies[key]:
                    # changed by another command since it was read (a tag, a verdict, a replacement): read it again
                    if current_index is None or current_body is None:
                        outcomes[by_id[key]] = RereadOutcome(key, REREAD_UNREADABLE, outcome.title,
                                                             reason="removed while it was read")
                        continue
                    outcome, new_index, new_body = reread_records(key, current_index, current_body, read)
                    outcomes[by_id[key]] = outcome
                    if outcome.status != REREAD_CHANGED:
                        continue
                writer.put(BODIES, key, new_body)
                writer.put(CREDENTIALS, key, new_index)
        return outcomes
