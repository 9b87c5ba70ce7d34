"""What the wallet keeps about a credential: its small index record (summary, verdict, holder's tags and note,
the facts stacking reads) beside its body, and the binding of a verdict to the exact bytes it was computed on.

These are the values :mod:`skillwallet.store.records` seals, and :class:`CredentialWriter`, the write transaction
that records a verdict beside a stored credential.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from skillwallet.model import VERDICT_NOT_VERIFIED, Credential, Verdict, format_datetime, parse_datetime
from skillwallet.store.records import BODIES, CREDENTIALS, Writer

# What stacking, `skills` and `list` need of a credential, kept in its small index record ("facts") so that
# evaluating goals never decrypts and parses the full bodies (the original bytes, descriptions, evidence):
# at 10,000 credentials that load was 3.8 s of a 5.3 s `stack`. Written in the same transaction as the body.
FACT_FIELDS = (
    "format", "media_type", "credential_id", "title", "issuer", "issued", "expires", "valid_from", "achievement_id",
    "achievement_type", "achievement_aliases", "skills", "tags", "credits", "hours", "result", "level", "types",
    "parent_id", "self_attested",
)
# the experience aggregate reads the activity dates, occupation requirements the occupation (stacking/evaluate.py),
# credit sums the unit of a credential's credits and the credit-system concept that names it (stacking/units.py)
FACT_EXTRA = ("activity_start", "activity_end", "occupation", "credit_unit", "credit_framework")


def now() -> datetime:
    """The current UTC time to the second: when a credential was added, the header created, a key made."""
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass
class StoredCredential:
    """A credential as the wallet holds it: the normalised credential plus what the wallet adds."""

    wallet_id: str
    credential: Credential
    verdict: Verdict = field(default_factory=Verdict)
    added: datetime = field(default_factory=now)
    tags: list[str] = field(default_factory=list)
    note: str | None = None
    # False when loaded from the index record only (list_credential_facts): the credential lacks its body
    complete: bool = field(default=True, compare=False)

    def summary(self) -> dict[str, Any]:
        """The ``list --json`` object: ``Credential.summary()`` plus id, verdict, checked_at, wallet tags, added, note.

        ``tags`` are the holder's own wallet tags; the tags the credential itself carries are ``badge_tags``.
        """
        return list_object(self.wallet_id, self.index_record())

    def index_record(self) -> dict[str, Any]:
        """The small record ``list`` reads (everything but the credential's full body).

        ``sha256`` is the hash of the credential's exact original bytes; the verdict carries the hash of the bytes
        it was computed on (here: these), so a verdict can never be read beside a document it was not made on.
        """
        digest = document_sha256(self.credential.original)
        return {
            "identity": self.credential.identity_key(),
            "sha256": digest,
            "summary": self.credential.summary(),
            "verdict": bound_verdict(self.verdict, digest),
            "added": format_datetime(self.added),
            "tags": list(self.tags),
            "note": self.note,
            # what `stack` and `skills` read instead of the body (FACT_FIELDS), written with it
            "facts": credential_facts(self.credential),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything about the stored credential as one JSON object (the facts are part of ``credential``)."""
        record = self.index_record()
        del record["facts"]
        record["credential"] = self.credential.to_dict()
        return record

    @classmethod
    def from_records(cls, wallet_id: str, index: dict[str, Any], body: dict[str, Any]) -> "StoredCredential":
        credential = Credential.from_dict(body["credential"])
        # the document itself, not the index, decides which verdict may be shown beside it
        verdict = verdict_for(index.get("verdict"), document_sha256(credential.original))
        return cls(
            wallet_id=wallet_id,
            credential=credential,
            verdict=Verdict.from_dict(verdict),
            added=parse_datetime(index.get("added")) or now(),
            tags=list(index.get("tags") or []),
            note=index.get("note"),
        )

    @classmethod
    def from_facts(cls, wallet_id: str, index: dict[str, Any], dates: dict | None = None) -> "StoredCredential":
        """From the index record alone: the credential holds its :data:`FACT_FIELDS` only (``complete`` False:
        no original bytes, description, criteria, evidence or image). ``dates`` memoises parsed timestamps
        across a bulk load (many credentials share their ``added`` time and dates)."""
        dates = {} if dates is None else dates
        verdict = index_verdict(index)
        return cls(
            wallet_id=wallet_id,
            credential=credential_from_facts(index["facts"], dates),
            verdict=Verdict(
                verdict=verdict.get("verdict", VERDICT_NOT_VERIFIED),
                checks=dict(verdict.get("checks") or {}),
                reasons=list(verdict.get("reasons") or []),
                checked_at=_memo_datetime(verdict.get("checked_at"), dates),
                details=dict(verdict.get("details") or {}),
            ),
            added=_memo_datetime(index.get("added"), dates) or now(),
            tags=list(index.get("tags") or []),
            note=index.get("note"),
            complete=False,
        )


def index_verdict(index: dict[str, Any]) -> dict[str, Any]:
    """The verdict an index record holds, as ``list`` shows it (:func:`list_object`): stacking from the index facts
    must count a credential as exactly what ``list`` and a full load say it is."""
    return verdict_for(index.get("verdict"), index.get("sha256"))


def _memo_datetime(value: Any, dates: dict) -> datetime | None:
    if value is None:
        return None
    try:
        return dates[value]
    except KeyError:
        parsed = dates[value] = parse_datetime(value)
        return parsed
    except TypeError:  # not hashable: let the parser say what it is
        return parse_datetime(value)


def credential_facts(credential: Credential) -> dict[str, Any]:
    """The compact facts of a credential kept in its index record (:data:`FACT_FIELDS`)."""
    from dataclasses import asdict

    out: dict[str, Any] = {}
    for name in FACT_FIELDS:
        value = getattr(credential, name)
        if isinstance(value, datetime):
            value = format_datetime(value)
        elif name == "issuer":
            value = asdict(value)
        elif name == "skills":
            value = [asdict(s) for s in value]
        elif isinstance(value, list):
            value = list(value)
        out[name] = value
    extra = {k: credential.extra[k] for k in FACT_EXTRA if k in (credential.extra or {})}
    if extra:
        out["extra"] = extra
    return out


def credential_from_facts(facts: dict[str, Any], dates: dict | None = None) -> Credential:
    """A :class:`Credential` with only the fields its facts hold (empty ``original``).

    Built field by field rather than through ``Credential.from_dict``: this runs once per credential per `stack`.
    """
    from skillwallet.model import Issuer, Skill

    dates = {} if dates is None else dates
    get = facts.get
    return Credential(
        format=facts["format"],
        original=b"",
        media_type=get("media_type") or "application/json",
        credential_id=get("credential_id"),
        title=get("title"),
        issuer=Issuer(**(get("issuer") or {})),
        issued=_memo_datetime(get("issued"), dates),
        expires=_memo_datetime(get("expires"), dates),
        valid_from=_memo_datetime(get("valid_from"), dates),
        achievement_id=get("achievement_id"),
        achievement_type=get("achievement_type"),
        achievement_aliases=list(get("achievement_aliases") or []),
        skills=[Skill(**skill) for skill in get("skills") or []],
        tags=list(get("tags") or []),
        credits=get("credits"),
        hours=get("hours"),
        result=get("result"),
        level=get("level"),
        types=list(get("types") or []),
        parent_id=get("parent_id"),
        self_attested=bool(get("self_attested")),
        extra=dict(get("extra") or {}),
    )


def list_object(wallet_id: str, index: dict[str, Any]) -> dict[str, Any]:
    """The ``list --json`` object built from a credential's index record."""
    out: dict[str, Any] = {"id": wallet_id}
    out.update(index["summary"])
    out["badge_tags"] = out.pop("tags", [])
    out["tags"] = list(index.get("tags") or [])
    # read the stored verdict dict directly (no Verdict object): this runs once per credential per listing
    verdict = index_verdict(index)
    checks = verdict.get("checks") or {}
    out["verdict"] = verdict.get("verdict", VERDICT_NOT_VERIFIED)
    out["checked_at"] = verdict.get("checked_at")  # stored by Verdict.to_dict: ISO 8601 with Z already
    # what keeps it from being in force, in the verdict vocabulary (FORMATS.md): a verified credential may still be
    # revoked or expired, and `list` must say so beside the verdict, never "verified" alone
    out["not_in_force"] = [
        word for word, failed in (
            (checks.get("status"), checks.get("status") in ("revoked", "suspended")),
            ("expired", checks.get("expiry") == "fail"),
            ("not yet valid", checks.get("not_before") == "fail"),
        ) if failed
    ]
    out["in_force"] = not out["not_in_force"]
    out["added"] = index.get("added")
    out["note"] = index.get("note")
    return out


#: What is shown instead of a verdict that was not recorded with the hash of the stored document.
UNBOUND_VERDICT_REASON = (
    "no verdict for this exact document (recorded by an older version, or for another copy): run skillwallet verify"
)


def document_sha256(original: bytes) -> str:
    """The hex SHA-256 of a credential's exact original bytes: what a verdict is bound to."""
    return hashlib.sha256(original).hexdigest()


def bound_verdict(verdict: Verdict, digest: str) -> dict[str, Any]:
    """The stored form of ``verdict``, computed on the document whose hash is ``digest``."""
    return verdict.to_dict() | {"sha256": digest}


def verdict_for(stored: Any, digest: Any) -> dict[str, Any]:
    """The stored verdict if it was computed on the document with hash ``digest``; else a neutral not-verified one.

    A verdict without a hash (written before verdicts were bound to their document) or with another document's
    hash says nothing about this one: it is never shown, whatever it claims.
    """
    if isinstance(stored, dict) and isinstance(digest, str) and stored.get("sha256") == digest:
        return stored
    if isinstance(stored, dict) and stored.get("verdict", VERDICT_NOT_VERIFIED) == VERDICT_NOT_VERIFIED and not stored.get("checks"):
        return {"verdict": VERDICT_NOT_VERIFIED, "checks": {}, "reasons": [], "checked_at": None, "details": {}}
    return {"verdict": VERDICT_NOT_VERIFIED, "checks": {}, "reasons": [UNBOUND_VERDICT_REASON], "checked_at": None,
            "details": {}}


# outcomes of Wallet.store_credentials
STORED_ADDED = "added"  # a new credential
STORED_PRESENT = "present"  # the same credential is stored: nothing changed (but the verdict, for the same bytes)
STORED_CONFLICT = "conflict"  # a credential with the same id but other content is stored: kept, the new one not taken
STORED_REPLACED = "replaced"  # another document with the same id was stored and is replaced (replace=True)


@dataclass(frozen=True)
class StoreOutcome:
    """What :meth:`Wallet.store_credentials` did with one credential."""

    wallet_id: str
    status: str  # STORED_ADDED | STORED_PRESENT | STORED_CONFLICT | STORED_REPLACED
    stored_title: str | None = None  # of the copy that was stored before (present, conflict, replaced)
    same_document: bool = False  # present: the very same bytes (not only the same credential in another shape)


#: What a credential's shape changes in its normalised view: the same credential as JSON, baked in a PNG or as a
#: VC-JWT differs only here (and in the exact bytes).
SHAPE_FIELDS = frozenset({"original", "format", "media_type", "extra", "parent_id"})


def content_key(credential: dict[str, Any]) -> str:
    """What the credential says, whatever its shape: its normalised view without :data:`SHAPE_FIELDS`."""
    content = {k: v for k, v in credential.items() if k not in SHAPE_FIELDS}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)


def stored_digest(writer: "Writer", wallet_id: str, index: dict[str, Any]) -> str | None:
    """The hash of the stored document (from the index, else from its body: records written before the index had it)."""
    digest = index.get("sha256")
    if isinstance(digest, str):
        return digest
    body = writer.get(BODIES, wallet_id)
    try:
        return document_sha256(base64.b64decode(body["credential"]["original"]))
    except (TypeError, KeyError, ValueError):
        return None


def normalise_tags(tags: list[str]) -> list[str]:
    """Strip, drop empties and duplicates, keep the order given."""
    out: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in out:
            out.append(tag)
    return out


class CredentialWriter(Writer):
    """The operations of one write transaction, with the verdict of a stored credential."""

    def set_verdict(self, wallet_id: str, verdict: Verdict, *, sha256: str | None = None) -> bool:
        """Record a verdict beside a credential in this transaction; ``False`` if it is not (or no longer) there,
        or when ``sha256`` (the hash of the bytes verified) is not the stored document's."""
        record = self.get(CREDENTIALS, wallet_id)
        if record is None:
            return False
        digest = stored_digest(self, wallet_id, record)
        if digest is None or (sha256 is not None and sha256 != digest):
            return False
        record["sha256"] = digest
        record["verdict"] = bound_verdict(verdict, digest)
        self.put(CREDENTIALS, wallet_id, record)
        return True


# --- reading stored credentials again (doctor --reread) -------------------------------------------------------

#: What verification reads of the normalised view besides the original bytes (verify/verifier.py: the format, the
#: stored issuer id, the validity dates, the status entries, self-attestation; verify/jose.py
#: ``_ob2_shown_content_problem``: the title, description, issuer name, achievement id and the BadgeClass and
#: Issuer shown). A re-read view that changes one of these may change the verdict: the stored one is not kept.
#: tests/store/test_store_reread.py fails when the verifier reads a field missing here.
VERDICT_FIELDS = frozenset({
    "format", "issuer.id", "issuer.name", "title", "description", "achievement_id", "valid_from", "expires",
    "status_entries", "self_attested", "extra.badge", "extra.issuer_profile",
})

CREDENTIAL_FIELDS = frozenset(f.name for f in fields(Credential))

REREAD_CHANGED = "changed"  # the view read today differs: replaced (or, in a dry run, would be)
REREAD_UNCHANGED = "unchanged"
REREAD_UNREADABLE = "unreadable"  # the original no longer reads, or reads as less: left as it is
REREAD_SKIPPED = "skipped"  # a self-attested entry: the holder's statement, not read from a document

#: The reason on the verdict of a credential whose re-read view may verify differently.
REREAD_VERDICT_REASON = (
    "read again by a newer skillwallet (doctor --reread: {fields} changed); the {verdict} verdict of {checked_at} "
    "was computed on the earlier view: run skillwallet verify {wallet_id}"
)


@dataclass(frozen=True)
class RereadOutcome:
    """What :meth:`Wallet.reread_credentials` did (or, in a dry run, would do) with one stored credential."""

    wallet_id: str
    status: str  # REREAD_CHANGED | REREAD_UNCHANGED | REREAD_UNREADABLE | REREAD_SKIPPED
    title: str | None = None  # as the wallet shows it after the run (the stored one unless changed)
    fields: tuple[str, ...] = ()  # changed: the fields of the view, ``issuer.name``, ``extra.credit_unit``...
    reason: str | None = None  # unreadable, skipped: why it is left as it is
    verdict: str | None = None  # the verdict shown before the run
    verdict_reset: bool = False  # the verdict is not-verified now, with REREAD_VERDICT_REASON

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.wallet_id, "status": self.status, "title": self.title, "fields": list(self.fields),
                "reason": self.reason, "verdict": self.verdict, "verdict_reset": self.verdict_reset}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields where two ``Credential.to_dict()`` views differ; ``issuer`` and ``extra`` member by member."""
    out = []
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in ("issuer", "extra") and isinstance(old or {}, dict) and isinstance(new or {}, dict):
            old, new = old or {}, new or {}
            out += [f"{name}.{key}" for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)]
        else:
            out.append(name)
    return out


def reread_records(
    wallet_id: str, index: dict[str, Any], body: dict[str, Any], read
) -> tuple[RereadOutcome, dict[str, Any] | None, dict[str, Any] | None]:
    """Read one stored credential again: (outcome, new index record, new body), the records ``None`` unless changed.

    ``read(wallet_id, credential)`` returns the view today's importers make of the stored one (raising a
    :class:`~skillwallet.errors.SkillwalletError` when they cannot). Only what the view gives is replaced: the
    summary, the facts and the body's credential. Every other member of the records (the holder's tags and note,
    when it was added, its identity, anything a later version adds) is kept as it is, and so is the verdict unless
    a field verification reads changed (:data:`VERDICT_FIELDS`): then it is not-verified, saying why.
    """
    from skillwallet.errors import SkillwalletError
    from skillwallet.model import FORMAT_SELF

    stored = Credential.from_dict(body["credential"])
    digest = document_sha256(stored.original)
    shown = verdict_for(index.get("verdict"), digest)
    verdict = shown.get("verdict", VERDICT_NOT_VERIFIED)
    title = stored.title
    if stored.self_attested or stored.format == FORMAT_SELF:
        return RereadOutcome(wallet_id, REREAD_SKIPPED, title, reason="a self-attested entry: made by you, not read "
                             "from a document", verdict=verdict), None, None
    try:
        fresh = read(wallet_id, stored)
    except SkillwalletError as exc:
        return RereadOutcome(wallet_id, REREAD_UNREADABLE, title, reason=exc.message, verdict=verdict), None, None
    except Exception as exc:  # noqa: BLE001 - a bug reading one credential leaves it as it is, never the others
        return RereadOutcome(wallet_id, REREAD_UNREADABLE, title, reason=f"could not be read ({type(exc).__name__})",
                             verdict=verdict), None, None
    if fresh.original != stored.original:  # the bytes are the credential: a view of other bytes is never taken
        return RereadOutcome(wallet_id, REREAD_UNREADABLE, title, reason="read as other bytes", verdict=verdict), None, None
    # both through the same serialisation: a member an older version did not write reads as its default
    fields = changed_fields(stored.to_dict(), fresh.to_dict())
    if not fields:
        return RereadOutcome(wallet_id, REREAD_UNCHANGED, title, verdict=verdict), None, None
    new_body = dict(body)
    # members this version does not know (written by a newer one) stay: only the view read today is replaced
    unknown = {k: v for k, v in body["credential"].items() if k not in CREDENTIAL_FIELDS}
    new_body["credential"] = unknown | fresh.to_dict()
    new_index = dict(index)
    new_index["sha256"] = digest
    new_index["summary"] = fresh.summary()
    new_index["facts"] = credential_facts(fresh)
    relevant = [f for f in fields if f in VERDICT_FIELDS or f.split(".")[0] in VERDICT_FIELDS]
    reset = bool(relevant) and (verdict != VERDICT_NOT_VERIFIED or bool(shown.get("checks")))
    if reset:
        reason = REREAD_VERDICT_REASON.format(
            fields=", ".join(relevant), verdict=verdict, checked_at=shown.get("checked_at") or "an earlier run",
            wallet_id=wallet_id,
        )
        new_index["verdict"] = bound_verdict(Verdict(reasons=[reason]), digest)
    outcome = RereadOutcome(wallet_id, REREAD_CHANGED, fresh.title, tuple(fields), verdict=verdict, verdict_reset=reset)
    return outcome, new_index, new_body
