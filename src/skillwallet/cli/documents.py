"""Commands of the `documents` group: documents kept in the wallet for verification (add, list, remove).

A document added here (a DID document, an OB 2.0 key or issuer profile, a status list, a hosted assertion)
is the user's deliberate choice: `verify` uses it before fetching its URL, also with `--offline` (only a
`--document` given for one call comes first). Documents that `verify` fetched are cached in the same
collection and listed with source "fetched"; status lists that arrived inside an `add` are listed with
source "from-import" and are used for status checks only (skillwallet.verify.resolver).
"""

from __future__ import annotations

from pathlib import Path

import typer

from skillwallet.cli.common import command_group, emit_json, info, render_table

documents_app = command_group(
    "documents",
    "Documents kept for offline verification: DID documents, issuer keys and profiles, status lists, "
    "hosted assertions.",
)


def _check_document_content(content: bytes, file: Path) -> object:
    """A document is JSON or a compact JWS (a status list credential may be a VC-JWT); returns parsed JSON."""
    import json

    from skillwallet.errors import InvalidInputError

    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise InvalidInputError(f"{file} is not a text document (expected JSON or a JWS)") from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    from skillwallet.verify.jose import MalformedJwsError, decode_compact_jws

    try:
        decode_compact_jws(text)
    except MalformedJwsError:
        raise InvalidInputError(f"{file} is neither JSON nor a compact JWS") from None
    return None


def _id_mismatch(key: str, document: object) -> str | None:
    """The URL a document's own ``id`` belongs to, when that is not ``key`` (verification would refuse it)."""
    from skillwallet.verify.resolver import did_web_to_url, normalize_document_url

    own = document.get("id") if isinstance(document, dict) else None
    if not isinstance(own, str):
        return None
    try:
        if own.startswith("did:web:"):
            home = did_web_to_url(own)
        elif own.startswith(("https://", "http://")):
            home = normalize_document_url(own)
        else:
            return None
    except ValueError:
        return None
    return None if home == key else own


@documents_app.command("add")
def add_command(
    url: str = typer.Argument(..., metavar="URL", help="The URL (or did:web DID) it is fetched from."),
    file: Path = typer.Argument(..., metavar="FILE", help="The local copy of the document."),
    force: bool = typer.Option(False, "--force", help="Replace a different document already kept for URL."),
) -> None:
    """Keep a local copy of a document, used as if fetched from URL (also offline)."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import AlreadyExistsError
    from skillwallet.verify.resolver import (
        DOCUMENTS_COLLECTION,
        SOURCE_ADDED,
        document_record,
        read_document_file,
        record_content,
        validate_document_url,
    )

    key = validate_document_url(url)
    content = read_document_file(file)
    document = _check_document_content(content, file)
    other = _id_mismatch(key, document)
    if other:
        info(f"warning: the document says it is {other}, not the one at {key}; verification will refuse it")
    with open_wallet() as wallet:
        existing = wallet.get(DOCUMENTS_COLLECTION, key)
        if existing and existing.get("source") == SOURCE_ADDED and not force:
            try:
                same = record_content(existing) == content
            except (KeyError, ValueError, TypeError):
                same = False
            if same:
                info(f"{key}: already kept (unchanged)")
                return
            raise AlreadyExistsError(f"a different document is kept for {key}", "add --force to replace it")
        wallet.put(DOCUMENTS_COLLECTION, key, document_record(key, content, source=SOURCE_ADDED))
    info(f"kept {key} ({len(content)} bytes)")


@documents_app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema skillwallet/documents)."),
) -> None:
    """List the documents kept in the wallet: added by you, or fetched and cached by verify."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

    with open_wallet() as wallet:
        rows = [
            {
                "url": key,
                "source": record.get("source"),
                "media_type": record.get("media_type"),
                "size": record.get("size"),
                "sha256": record.get("sha256"),
                "stored_at": record.get("stored_at"),
            }
            for key, record in wallet.items(DOCUMENTS_COLLECTION)
            if isinstance(record, dict)
        ]
    if as_json:
        emit_json("documents", {"count": len(rows), "documents": rows})
        return
    if not rows:
        info("no documents kept; add one with: skillwallet documents add URL FILE")
        return
    render_table(
        ["url", "source", "size", "stored", "sha256"],
        [
            [row["url"], row["source"] or "", str(row["size"] or ""), (row["stored_at"] or "")[:19],
             (row["sha256"] or "")[:12]]
            for row in rows
        ],
    )


@documents_app.command("remove")
def remove_command(
    url: str = typer.Argument(..., metavar="URL", help="The URL (or did:web DID) of the document."),
) -> None:
    """Forget a document kept in the wallet (added or cached)."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import NotFoundError
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION, validate_document_url

    key = validate_document_url(url)
    with open_wallet() as wallet:
        if not wallet.delete(DOCUMENTS_COLLECTION, key):
            raise NotFoundError(f"no document kept for {key}", "see: skillwallet documents list")
    info(f"removed {key}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.add_typer(documents_app, name="documents")
