"""LinkedIn "Add licence or certification" links (the documented add-to-profile URL).

``https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&name=…&organizationName=…&issueYear=…``
``&issueMonth=…&expirationYear=…&expirationMonth=…&certUrl=…&certId=…`` (LinkedIn, "Add to Profile for
certifications"). Every value is percent-encoded with :func:`urllib.parse.quote` (spaces as ``%20``, ``&``,
``=``, ``#``, ``+`` and non-ASCII escaped), so a title like "R&D Lead – Café ®" survives the round trip.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from skillwallet.export.qr import verification_url
from skillwallet.export.resume import safe_url
from skillwallet.model import Credential, utc

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def linkedin_add_url(credential: Credential) -> str:
    """The add-to-profile URL for ``credential`` (fields it lacks are left out, never sent empty)."""
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME")]
    params.append(("name", credential.title or "Credential"))
    organisation = credential.issuer.name or credential.issuer.id
    if organisation:
        params.append(("organizationName", organisation))
    if credential.issued:
        issued = utc(credential.issued)
        params += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if credential.expires:
        expires = utc(credential.expires)
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    cert_url = safe_url(verification_url(credential)) or safe_url(credential.credential_id)
    if cert_url:
        params.append(("certUrl", cert_url))
    if credential.credential_id:
        params.append(("certId", credential.credential_id))
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"
