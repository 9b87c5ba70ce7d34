"""Commands of the `documents` group: documents kept in the wallet for verification (add, list, remove).

A document added here (a DID document, an OB 2.0 key or issuer profile, a status list, a hosted assertion, a
JSON-LD context the package does not ship) is the user's deliberate choice: `verify` uses it before fetching its
URL, also with `--offline` (only a `--document` given for one call comes first). A context is never fetched: a
kept copy is how a credential with a custom context verifies, and every verdict that used it says so with its
SHA-256. A document for a context the package ships is refused: the shipped copy always wins. Documents that `verify` fetched are cached in the same
collection and listed with source "fetched"; status lists that arrived inside an `add` are listed with
source "from-import" and are used for status checks only (skillwallet.verify.resolver).

Trust anchors (`documents add-anchor FILE`) are the CA certificates the user trusts for X.509 chains (the `x5c`
of a JWT or SD-JWT credential, a JAdES signature): kept by SHA-256 fingerprint, listed with the documents, and
used by every `verify` and `add` until removed (`documents remove-anchor SHA256`). skillwallet ships none.
"""

from __future__ import annotations

from pathlib import Path

import typer

from skillwallet.cli.common import command_group, emit_json, info, render_table

documents_app = command_group(
    "documents",
    "Documents kept for offline verification: DID documents, issuer keys and profiles, status lists, "
    "hosted assertions, JSON-LD contexts, certificate revocation lists (CRLs), and the X.509 trust anchors you chose.",
    ["skillwallet documents list", "skillwallet documents add did:web:university.example did.json"],
)


def _check_document_content(content: bytes, file: Path) -> object:
    """A document is JSON, a compact JWS (a status list credential may be a VC-JWT) or an X.509 CRL (for a
    certificate's distribution point); returns parsed JSON (None for a JWS or a CRL)."""
    import json

    from skillwallet.errors import InvalidInputError

    if content.lstrip()[:1] not in (b"{", b"[", b'"') and _is_crl(content):
        return None
    try:
        text = content.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise InvalidInputError(f"{file} is not a text document (expected JSON, a JWS or a CRL)") from None
    try:
        return json.loads(text)
    except ValueError:
        pass
    from skillwallet.verify.jose import MalformedJwsError, decode_compact_jws

    try:
        decode_compact_jws(text)
    except MalformedJwsError:
        raise InvalidInputError(f"{file} is neither JSON nor a compact JWS nor an X.509 CRL") from None
    return None


def _is_crl(content: bytes) -> bool:
    from skillwallet.verify.revocation import load_crl

    try:
        load_crl(content)
    except ValueError:
        return False
    return True


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
    """Keep a local copy of a document, used as if fetched from URL (also offline).

    \b
    Examples:
      skillwallet documents add https://issuer.example/status/1 status-1.json
      skillwallet documents add did:web:university.example did.json
      skillwallet documents add http://crl.uni.example/seal.crl seal.crl
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import AlreadyExistsError
    from skillwallet.verify.resolver import (
        DOCUMENTS_COLLECTION,
        SOURCE_ADDED,
        document_record,
        read_document_file,
        record_content,
        refuse_shipped_context,
        validate_document_url,
    )

    key = validate_document_url(url)
    refuse_shipped_context(key)
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
    """List the documents kept in the wallet: added by you, or fetched and cached by verify.

    \b
    Example:
      skillwallet documents list
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

    from skillwallet.verify.resolver import ANCHORS_COLLECTION

    with open_wallet() as wallet:
        anchors = [
            {
                "sha256": key,
                "subject": record.get("subject"),
                "not_after": record.get("not_after"),
                "stored_at": record.get("stored_at"),
            }
            for key, record in wallet.items(ANCHORS_COLLECTION)
            if isinstance(record, dict)
        ]
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
        emit_json("documents", {"count": len(rows), "documents": rows, "anchors": anchors})
        return
    if not rows and not anchors:
        info("no documents kept; add one with: skillwallet documents add URL FILE")
        return
    if anchors:
        render_table(
            ["trust anchor", "valid until", "stored", "sha256"],
            [[a["subject"] or "", (a["not_after"] or "")[:10], (a["stored_at"] or "")[:19], a["sha256"][:12]]
             for a in anchors],
        )
    if not rows:
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
    """Forget a document kept in the wallet (added or cached).

    \b
    Example:
      skillwallet documents remove https://issuer.example/status/1
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import NotFoundError
    from skillwallet.verify.resolver import DOCUMENTS_COLLECTION, validate_document_url

    key = validate_document_url(url)
    with open_wallet() as wallet:
        if not wallet.delete(DOCUMENTS_COLLECTION, key):
            raise NotFoundError(f"no document kept for {key}", "see: skillwallet documents list")
    info(f"removed {key}")


@documents_app.command("add-anchor")
def add_anchor_command(
    file: Path = typer.Argument(..., metavar="FILE", help="A CA certificate, PEM (one or several) or DER."),
) -> None:
    """Trust a CA certificate for X.509 chains (x5c, JAdES) in every verify and add, until removed.

    \b
    Example:
      skillwallet documents add-anchor national-trust-ca.pem
    """
    import base64
    from datetime import timezone

    from skillwallet.cli.session import open_wallet
    from skillwallet.model import format_datetime
    from skillwallet.verify.resolver import ANCHORS_COLLECTION, parse_trust_anchor_options
    from skillwallet.verify.x509 import fingerprint, load_certificates, subject_of

    content = parse_trust_anchor_options([str(file)])[str(file)]
    from cryptography.hazmat.primitives.serialization import Encoding

    certificates = load_certificates(content, str(file))
    with open_wallet() as wallet:
        for certificate in certificates:
            key = fingerprint(certificate)
            subject = subject_of(certificate)
            if wallet.get(ANCHORS_COLLECTION, key) is not None:
                info(f"{subject}: already a trust anchor")
                continue
            from datetime import datetime

            wallet.put(ANCHORS_COLLECTION, key, {
                "content": base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii"),
                "subject": subject,
                "not_after": format_datetime(certificate.not_valid_after_utc),
                "stored_at": format_datetime(datetime.now(timezone.utc)),
            })
            info(f"trusting {subject} (sha256 {key[:16]}...)")


@documents_app.command("remove-anchor")
def remove_anchor_command(
    sha256: str = typer.Argument(..., metavar="SHA256", help="The anchor's fingerprint (or a unique prefix), as listed."),
) -> None:
    """Stop trusting a CA certificate kept with add-anchor.

    \b
    Example:
      skillwallet documents remove-anchor 3b1f09c2
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import InvalidInputError, NotFoundError
    from skillwallet.verify.resolver import ANCHORS_COLLECTION

    prefix = sha256.strip().lower()
    if len(prefix) < 8:
        raise InvalidInputError("give at least 8 characters of the anchor's SHA-256", "see: skillwallet documents list")
    with open_wallet() as wallet:
        matches = [(k, r) for k, r in wallet.items(ANCHORS_COLLECTION) if k.startswith(prefix)]
        if not matches:
            raise NotFoundError(f"no trust anchor {prefix}", "see: skillwallet documents list")
        if len(matches) > 1:
            raise InvalidInputError(f"{prefix} matches {len(matches)} trust anchors", "give more of the SHA-256")
        key, record = matches[0]
        wallet.delete(ANCHORS_COLLECTION, key)
    info(f"no longer trusting {record.get('subject') if isinstance(record, dict) else key}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.add_typer(documents_app, name="documents")
