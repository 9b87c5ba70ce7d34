"""Builders for test inputs: signed JWS / VC-JWT / vc+jwt / SD-JWT tokens and baked PNG / SVG badges.

Tokens are really signed (Ed25519, RFC 8037) so that the verifier can check them later; baked images
are real PNGs (Pillow) and SVGs, baked following OB 2.0 / OB 3.0 §5.3.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

FIXTURES = Path(__file__).parent / "fixtures"
ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> dict[str, Any]:
    return json.loads(fixture_bytes(name))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jws(payload: dict[str, Any], header: dict[str, Any] | None = None, key: Ed25519PrivateKey = ISSUER_KEY) -> str:
    """A compact JWS (RFC 7515 §7.1) with EdDSA (RFC 8037)."""
    header = {"alg": "EdDSA", **(header or {})}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))


def vc_jwt_v11(credential: dict[str, Any]) -> str:
    """VC 1.1 §6.3.1: registered claims beside the ``vc`` claim (id/issuer/dates moved out, as issuers do)."""
    vc = json.loads(json.dumps(credential))
    claims: dict[str, Any] = {"vc": vc}
    claims["jti"] = vc.pop("id")
    issuer = vc["issuer"]
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["nbf"] = 1262304000  # 2010-01-01T00:00:00Z
    claims["sub"] = vc["credentialSubject"].get("id")
    vc.pop("issuanceDate", None)
    vc.pop("validFrom", None)
    return sign_jws(claims, {"typ": "JWT", "kid": claims["iss"] + "#key-1"})


def vc_jose(credential: dict[str, Any]) -> str:
    """VC-JOSE-COSE §3.1.1: the payload is the credential, ``typ`` vc+jwt."""
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    return sign_jws(unsecured, {"typ": "vc+jwt", "cty": "vc"})


def sd_jwt(
    claims: dict[str, Any], disclose: dict[str, Any], *, typ: str = "dc+sd-jwt", decoys: int = 2, alg: str = "sha-256"
) -> str:
    """An SD-JWT VC: each ``disclose`` item becomes a disclosure referenced from ``_sd`` (SD-JWT §4.2)."""
    disclosures = []
    digests = []
    for name, value in disclose.items():
        disclosure = b64url(json.dumps([b64url(secrets.token_bytes(16)), name, value]).encode())
        disclosures.append(disclosure)
        digests.append(b64url(hashlib.new(alg.replace("-", "") if alg.startswith("sha-") else alg.replace("-", "_"), disclosure.encode("ascii")).digest()))
    digests += [b64url(secrets.token_bytes(32)) for _ in range(decoys)]  # decoy digests (§4.2.5)
    payload = dict(claims)
    payload["_sd"] = sorted(digests)
    payload["_sd_alg"] = alg
    token = sign_jws(payload, {"typ": typ})
    return token + "~" + "".join(d + "~" for d in disclosures)


def plain_png(size: int = 8, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def baked_png(text: str, *, version: str = "ob3", chunk: str = "iTXt", compressed: bool = False) -> bytes:
    """A real PNG with the badge text in a text chunk (keyword openbadges / openbadgecredential)."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    keyword = "openbadgecredential" if version == "ob3" else "openbadges"
    info = PngInfo()
    if chunk == "iTXt":
        info.add_itxt(keyword, text, zip=compressed)
    elif chunk == "zTXt":
        info.add_text(keyword, text, zip=True)
    else:
        info.add_text(keyword, text)
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 160)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def baked_svg(text: str, *, version: str = "ob3", as_verify: bool = False) -> bytes:
    """An SVG baked per OB 3.0 §5.3.2 (or OB 2.0): JSON in CDATA, or a JWS/URL in ``verify``."""
    if version == "ob3":
        namespace, element = "https://purl.imsglobal.org/ob/v3p0", "credential"
    else:
        namespace, element = "http://openbadges.org", "assertion"
    if as_verify:
        inner = f'<openbadges:{element} verify="{text}"></openbadges:{element}>'
    else:
        inner = f"<openbadges:{element}><![CDATA[{text}]]></openbadges:{element}>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{namespace}" viewBox="0 0 512 512">\n'
        f"  {inner}\n"
        '  <circle cx="256" cy="256" r="200" fill="#0a5"/>\n'
        "</svg>\n"
    ).encode("utf-8")
