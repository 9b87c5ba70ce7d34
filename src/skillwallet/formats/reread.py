"""Reading a stored credential again with today's importers (``skillwallet doctor --reread``).

The wallet keeps each credential's exact original bytes beside the view an importer made of them when it was
added (docs/store.md, "Records"). When the importers improve, :func:`reread_credential` makes the view today's
``add`` would make of the same bytes; the store decides what to write (:meth:`Wallet.reread_credentials`).

Some of a view did not come from the original bytes, and cannot be read from them again; it is carried over:

* what the OB 2.0 / 1.0 BadgeClass and Issuer given beside the assertion (or fetched) said: the wallet keeps no
  supporting file, only the documents the importer resolved, in ``extra["badge"]`` and
  ``extra["issuer_profile"]``. They are handed to the parser again under the URLs that link to them, exactly as
  the files were at ``add`` (never to the verifier: :mod:`skillwallet.formats.importer`);
* where the bytes came from: the badge image they were baked in, the QR code, the hosted URL, the presentation
  (:data:`CONTAINER_EXTRA`), and ``parent_id``, the wallet id of the CLR a nested credential came in.

Nothing is fetched (the resolver is never asked): a view whose linked documents are not kept is left as it was
rather than read with less than it had (:class:`RereadRefused`).
"""

from __future__ import annotations

from typing import Any

from skillwallet.errors import InvalidInputError, SkillwalletError
from skillwallet.model import FORMAT_CLR, FORMAT_SELF, Credential

#: ``extra`` members the parser sets from the container the bytes arrived in, not from the bytes
#: (formats/parse.py: ``_keep_image``, ``_parse_qr_image``, ``_parse_baked``, ``_parse_presentation``; ob2.py:
#: ``fetched``, the URLs the linked documents were fetched from at ``add``).
CONTAINER_EXTRA = ("baked_image", "baked_in", "hosted_url", "from_qr", "from_presentation", "fetched")


class RereadRefused(InvalidInputError):
    """The stored view stays: the re-read view would be another credential, or would know less than it."""


def is_self_attested(credential: Credential) -> bool:
    """An entry the holder made (``add --self``): its view is the holder's statement, built by the wallet, not
    read by an importer, so it is never re-read (read as a plain VC it would lose ``self_attested``)."""
    return credential.self_attested or credential.format == FORMAT_SELF


def kept_documents(stored: Credential) -> dict[str, dict[str, Any]]:
    """The BadgeClass and Issuer the stored view was completed with, under every URL that links to them."""
    from skillwallet.formats._common import id_of

    related: dict[str, dict[str, Any]] = {}
    extra = stored.extra or {}
    badge = extra.get("badge")
    if isinstance(badge, dict):
        # the assertion's `badge` URL is the stored achievement id when the BadgeClass has none of its own (OB 1.0)
        for url in (stored.achievement_id, id_of(badge)):
            if url:
                related[url] = badge
    issuer = extra.get("issuer_profile")
    if isinstance(issuer, dict) and issuer:
        linked = badge.get("issuer") if isinstance(badge, dict) else None
        for url in (linked if isinstance(linked, str) else None, id_of(issuer), stored.issuer.id):
            if url:
                related[url.strip()] = issuer
    return related


def reread_credential(
    stored: Credential, *, source: str, holder_emails: list[str] = (), holder_ids: list[str] = ()
) -> Credential:
    """The view today's importers make of ``stored.original``, with what did not come from those bytes carried over.

    Raises :class:`InvalidInputError` when the bytes no longer parse, and :class:`RereadRefused` when the view read
    would identify another credential or would lose what the stored view shows (a title, an issuer, a linked
    document resolved at ``add``). ``holder_emails`` and ``holder_ids`` are the ones ``add`` uses (the profile's
    emails, the holder's DID): whether the credential is addressed to the holder.
    """
    from skillwallet.formats.parse import parse_credential_bytes

    if is_self_attested(stored):
        raise RereadRefused(f"{source}: a self-attested entry is made by you, not read from a document")
    try:
        read = parse_credential_bytes(
            stored.original, source=source, related=kept_documents(stored) or None,
            holder_emails=list(holder_emails), holder_ids=list(holder_ids), fetch=None,
        )
    except SkillwalletError:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser bug: this credential's outcome, never the end of the run
        raise InvalidInputError(f"{source}: could not be read (the parser failed: {type(exc).__name__})") from None
    identity = stored.identity_key()
    # a CLR's bytes give the CLR first and then its nested credentials (each stored on its own): take this one
    same = [c for c in read if c.original == stored.original and c.identity_key() == identity]
    if not same:
        others = ", ".join(sorted({c.wallet_id() for c in read if c.original == stored.original})) or "none"
        raise RereadRefused(
            f"{source}: today's importers read it as another credential (id {others}); the stored view is kept"
        )
    fresh = same[0]
    fresh.parent_id = stored.parent_id
    extra = stored.extra or {}
    for key in CONTAINER_EXTRA:
        if key in extra and key not in fresh.extra:
            fresh.extra[key] = extra[key]
    if fresh.format != FORMAT_CLR and "nested_errors" in extra and "nested_errors" not in fresh.extra:
        fresh.extra["nested_errors"] = extra["nested_errors"]  # the presentation it came in could not give them all
    lost = [url for url in fresh.extra.get("unresolved") or [] if url not in (extra.get("unresolved") or [])]
    if lost:
        raise RereadRefused(
            f"{source}: {', '.join(lost)} was resolved when it was added and is not kept; the stored view is kept "
            "(to read it again: remove it and add the file with its BadgeClass and Issuer)"
        )
    for name, before, after in (
        ("title", stored.title, fresh.title),
        ("issuer", stored.issuer.id, fresh.issuer.id),
        ("issuer name", stored.issuer.name, fresh.issuer.name),
    ):
        if before and not after:
            raise RereadRefused(f"{source}: read again it would have no {name} ({before!r} now); the stored view is kept")
    return fresh
