"""Legacy suite verification figures: Ed25519Signature2018 and JsonWebSignature2020 (EdDSA, ES256, ES384, PS256).

For each, the median time to verify one credential signed with a did:key / did:jwk key: "cold" computes the
URDNA2015 hash data, "warm" finds it in the canonical-hash cache (as a re-verification of a stored credential
does), so the difference is the canonicalisation cost and the rest is key resolution plus signature arithmetic.

    .venv/bin/python benchmarks/legacy_suites.py [--runs 30]
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature  # noqa: E402

from skillwallet.verify import data_integrity as di  # noqa: E402
from skillwallet.verify.keys import did_key_from_public_key  # noqa: E402
from skillwallet.verify.resolver import DocumentResolver  # noqa: E402

UNSIGNED = {
    "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/jws-2020/v1"],
    "id": "http://example.edu/credentials/3732",
    "type": ["VerifiableCredential"],
    "issuanceDate": "2010-01-01T19:23:24Z",
    "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(value: int, size: int) -> str:
    return b64url(value.to_bytes(size, "big"))


def did_jwk(key) -> str:
    public = key.public_key()
    if isinstance(key, Ed25519PrivateKey):
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public.public_bytes_raw())}
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        n = public.public_numbers()
        jwk = {"kty": "EC", "crv": {"secp256r1": "P-256", "secp384r1": "P-384"}[key.curve.name],
               "x": _int(n.x, size), "y": _int(n.y, size)}
    else:
        n = public.public_numbers()
        jwk = {"kty": "RSA", "n": _int(n.n, (n.n.bit_length() + 7) // 8), "e": _int(n.e, 3)}
    return "did:jwk:" + b64url(json.dumps(jwk, separators=(",", ":")).encode())


def sign(key, alg: str, suite: str) -> dict:
    doc = copy.deepcopy(UNSIGNED)
    if suite == "Ed25519Signature2018":
        doc["@context"] = ["https://www.w3.org/2018/credentials/v1"]
        did = did_key_from_public_key(key.public_key())
        vm = f"{did}#{did.split(':')[-1]}"
    else:
        did = did_jwk(key)
        vm = f"{did}#0"
    doc["issuer"] = did
    proof = {"type": suite, "created": "2024-01-01T00:00:00Z", "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, "eddsa-rdfc-2022")
    header = b64url(json.dumps({"alg": alg, "b64": False, "crit": ["b64"]}).encode())
    signing_input = header.encode() + b"." + data
    if alg == "EdDSA":
        signature = key.sign(signing_input)
    elif alg.startswith("ES"):
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA384() if alg == "ES384" else hashes.SHA256())))
        size = (key.curve.key_size + 7) // 8
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    else:
        signature = key.sign(signing_input, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    doc["proof"] = dict(proof, jws=f"{header}..{b64url(signature)}")
    return doc


def median_ms(doc: dict, runs: int, warm: bool) -> float:
    samples = []
    cache: dict[str, str] = {}
    resolver = DocumentResolver(offline=True)
    di.verify_data_integrity_proofs(doc, resolver=resolver, issuer=doc["issuer"], canonical_cache=cache)  # warm-up
    for _ in range(runs):
        start = time.perf_counter()
        finding = di.verify_data_integrity_proofs(
            doc, resolver=resolver, issuer=doc["issuer"], canonical_cache=cache if warm else None
        )
        samples.append(time.perf_counter() - start)
        assert finding.outcome == "pass", finding.reasons
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    cases = [
        ("Ed25519Signature2018", "EdDSA", Ed25519PrivateKey.generate()),
        ("JsonWebSignature2020", "EdDSA", Ed25519PrivateKey.generate()),
        ("JsonWebSignature2020", "ES256", ec.generate_private_key(ec.SECP256R1())),
        ("JsonWebSignature2020", "ES384", ec.generate_private_key(ec.SECP384R1())),
        ("JsonWebSignature2020", "PS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ]
    print(f"{'suite':22} {'alg':6} {'cold ms':>9} {'warm ms':>9}")
    for suite, alg, key in cases:
        doc = sign(key, alg, suite)
        cold = median_ms(doc, args.runs, warm=False)
        warm = median_ms(doc, args.runs, warm=True)
        print(f"{suite:22} {alg:6} {cold:9.2f} {warm:9.2f}")


if __name__ == "__main__":
    main()
