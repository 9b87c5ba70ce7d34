"""Blockcerts 1.2 certificates (``{"document": ..., "receipt": ...}``): the normalised view.

Blockcerts 2.x certificates are OB 2.0 assertions (read by :mod:`skillwallet.formats.ob2`) and 3.x are W3C
credentials (:mod:`skillwallet.formats.ob3`); only 1.2 has a shape of its own: the certificate in ``document``
(``certificate``, ``assertion``, ``recipient``) and its Chainpoint v2 receipt beside it. What can be verified
of any of them is in :mod:`skillwallet.verify.blockcerts`.
"""

from __future__ import annotations

from typing import Any

from skillwallet.formats._common import fail, is_blockcerts_v1  # noqa: F401 - the parser asks it
from skillwallet.model import Credential, Issuer, parse_datetime

FORMAT_BLOCKCERTS = "blockcerts"


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def map_v1(document: dict[str, Any], *, source: str, original: bytes) -> Credential:
    inner = document["document"]
    certificate = inner["certificate"]
    assertion = inner.get("assertion") if isinstance(inner.get("assertion"), dict) else {}
    recipient = inner.get("recipient") if isinstance(inner.get("recipient"), dict) else {}
    issuer = certificate.get("issuer") if isinstance(certificate.get("issuer"), dict) else {}
    title = _text(certificate.get("name")) or _text(certificate.get("title"))
    if not title:
        raise fail(source, "a Blockcerts 1.2 certificate without a name")
    name = " ".join(filter(None, [_text(recipient.get("givenName")), _text(recipient.get("familyName"))]))
    image = certificate.get("image")
    return Credential(
        format=FORMAT_BLOCKCERTS,
        original=original,
        credential_id=_text(assertion.get("id")) or (f"urn:uuid:{assertion['uid']}" if _text(assertion.get("uid")) else None),
        title=title,
        description=_text(certificate.get("description")),
        issuer=Issuer(id=_text(issuer.get("id")), name=_text(issuer.get("name")), url=_text(issuer.get("url"))),
        issued=parse_datetime(assertion.get("issuedOn")),
        expires=parse_datetime(assertion.get("expires")),
        image=image if isinstance(image, str) and image.startswith(("https://", "data:image/")) else None,
        recipient=name or _text(recipient.get("identity")),
        types=["BlockcertsCertificate"],
        extra={"family": "blockcerts", "blockcerts_version": "1.2"},
    )
