"""JOSE verification and key resolution figures: microseconds per check, median of several rounds.

Covers VC-JWT with did:key (EdDSA, ES256), did:jwk (RS256), did:web from a supplied document, an SD-JWT with
20 disclosures and a key binding JWT, a signed OB 2.0 assertion, and did:key decoding on its own.
Offline throughout: documents are supplied, the network is never touched.

    .venv/bin/python benchmarks/jose.py [--rounds 7] [--iterations 300]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "verify"))

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from test_jose_helpers import credential, ed25519, make_jws, offline, p256, rsa2048  # noqa: E402

from skillwallet.verify import jose, keys  # noqa: E402


def per_call_us(fn, iterations: int, rounds: int) -> float:
    samples = []
    fn()  # warm-up (imports, first key load)
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iterations):
            fn()
        samples.append((time.perf_counter() - start) / iterations * 1e6)
    return statistics.median(samples)


def vc_claims(issuer: str) -> dict:
    return {"iss": issuer, "nbf": 1700000000, "vc": {"type": ["VerifiableCredential"], "credentialSubject": {"name": "x"}}}


def cases():
    out = {}
    sk = ed25519()
    did = keys.did_key_from_public_key(sk.public_key())
    token = make_jws({"alg": "EdDSA", "kid": f"{did}#{did[8:]}"}, vc_claims(did), sk)
    out["vc-jwt EdDSA did:key"] = lambda c=credential("vc-jwt", token, did): jose.verify_jose_credential(c, resolver=offline())

    sk = p256()
    did2 = keys.did_key_from_public_key(sk.public_key())
    token = make_jws({"alg": "ES256", "kid": f"{did2}#{did2[8:]}"}, vc_claims(did2), sk)
    out["vc-jwt ES256 did:key"] = lambda c=credential("vc-jwt", token, did2): jose.verify_jose_credential(c, resolver=offline())

    rk = rsa2048()
    did3 = "did:jwk:" + keys.b64url_encode(json.dumps(keys.public_jwk(rk.public_key())).encode())
    token = make_jws({"alg": "RS256", "kid": f"{did3}#0"}, vc_claims(did3), rk)
    out["vc-jwt RS256 did:jwk"] = lambda c=credential("vc-jwt", token, did3): jose.verify_jose_credential(c, resolver=offline())

    wk = p256()
    web = "did:web:example.edu"
    doc = {"id": web, "verificationMethod": [{"id": f"{web}#k", "type": "JsonWebKey2020", "controller": web,
                                              "publicKeyJwk": keys.public_jwk(wk.public_key())}], "assertionMethod": [f"{web}#k"]}
    token = make_jws({"alg": "ES256", "kid": f"{web}#k"}, vc_claims(web), wk)
    out["vc-jwt ES256 did:web (supplied doc, new resolver each time)"] = (
        lambda c=credential("vc-jwt", token, web): jose.verify_jose_credential(c, resolver=offline({web: doc}))
    )

    holder = p256()
    disclosures = [keys.b64url_encode(json.dumps([f"salt{i}", f"claim{i}", i]).encode()) for i in range(20)]
    digests = [keys.b64url_encode(hashlib.sha256(d.encode()).digest()) for d in disclosures]
    issuer_key = ed25519()
    did4 = keys.did_key_from_public_key(issuer_key.public_key())
    payload = {"iss": did4, "vct": "x", "_sd": digests, "cnf": {"jwk": keys.public_jwk(holder.public_key())}}
    presented = "~".join([make_jws({"alg": "EdDSA", "kid": f"{did4}#{did4[8:]}"}, payload, issuer_key), *disclosures]) + "~"
    kb = make_jws({"alg": "ES256", "typ": "kb+jwt"}, {"iat": 1700000000, "aud": "v", "nonce": "n",
                  "sd_hash": keys.b64url_encode(hashlib.sha256(presented.encode()).digest())}, holder)
    out["sd-jwt 20 disclosures + KB-JWT"] = lambda t=presented + kb: jose.verify_sd_jwt(t, resolver=offline())

    ob_key = rsa2048()
    issuer, key_url, badge = "https://b.example/i", "https://b.example/k", "https://b.example/b"
    docs = {
        issuer: {"id": issuer, "publicKey": key_url},
        key_url: {"type": "CryptographicKey", "id": key_url, "owner": issuer,
                  "publicKeyPem": ob_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()},
        badge: {"id": badge, "issuer": issuer},
    }
    assertion = {"type": "Assertion", "id": "urn:uuid:1", "badge": badge, "recipient": {},
                 "verification": {"type": "SignedBadge", "creator": key_url}}
    token = make_jws({"alg": "RS256"}, assertion, ob_key)
    out["ob2 signed RS256 (3 supplied docs)"] = (
        lambda c=credential("ob2", token, issuer): jose.verify_jose_credential(c, resolver=offline(docs))
    )

    out["did:key decode (Ed25519)"] = lambda d=did: keys.public_key_from_did_key(d)
    out["did:key decode (P-256, point decompression)"] = lambda d=did2: keys.public_key_from_did_key(d)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    for name, fn in cases().items():
        result = fn()
        outcome = getattr(result, "outcome", "ok")
        if outcome not in ("pass", "ok"):
            raise SystemExit(f"{name}: expected a passing check, got {outcome}: {getattr(result, 'reasons', '')}")
        print(f"{name:60s} {per_call_us(fn, args.iterations, args.rounds):9.1f} µs")


if __name__ == "__main__":
    main()
