"""SD-JWT (RFC 9901): published digest vectors and example, disclosure rules, key binding JWT."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from test_jose_helpers import credential, ed25519, make_jws, offline, p256

from skillwallet.verify import jose, keys
from skillwallet.verify.base import BOUND, FAIL, PASS, SELF_ASSERTED, UNKNOWN, ResolvedKey

EXAMPLES = json.loads((Path(__file__).parent / "fixtures" / "jose" / "sd-jwt-examples.json").read_text())
ISSUER = "https://issuer.example"


def disclosure(*parts) -> str:
    return keys.b64url_encode(json.dumps(list(parts)).encode())


def digest(text: str, alg: str = "sha-256") -> str:
    return keys.b64url_encode(jose.SD_HASHES[alg](text.encode()).digest())


class Issued:
    """An SD-JWT made in the test: the issuer key, the token parts, and the DID that names the key."""

    def __init__(self, payload: dict, disclosures: list[str], *, alg_key=None):
        self.key = alg_key or ed25519()
        self.did = keys.did_key_from_public_key(self.key.public_key())
        payload = {"iss": self.did, "iat": 1700000000, "vct": "https://credentials.example/Welding", **payload}
        alg = "EdDSA" if "Ed25519" in type(self.key).__name__ else "ES256"
        self.jwt = make_jws({"alg": alg, "typ": "dc+sd-jwt", "kid": f"{self.did}#{self.did[8:]}"}, payload, self.key)
        self.disclosures = disclosures

    def token(self, disclosures: list[str] | None = None, kb: str = "") -> str:
        return "~".join([self.jwt, *(self.disclosures if disclosures is None else disclosures)]) + "~" + kb


def simple_issued(**extra) -> tuple[Issued, dict[str, str]]:
    d = {
        "given_name": disclosure("salt-1", "given_name", "Ada"),
        "family_name": disclosure("salt-2", "family_name", "Lovelace"),
        "nationality": disclosure("salt-3", "DE"),
    }
    payload = {
        "_sd": [digest(d["given_name"]), digest(d["family_name"]), digest("decoy")],
        "nationalities": [{"...": digest(d["nationality"])}, "FR"],
        "_sd_alg": "sha-256",
        **extra,
    }
    return Issued(payload, list(d.values())), d


def verify(token: str, **kw):
    return jose.verify_sd_jwt(token, resolver=offline(), **kw)


# -- published material ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", EXAMPLES["digest_vectors"])
def test_rfc9901_digest_vectors(pair):
    assert jose.sd_jwt_digest(pair[0]) == pair[1]


def test_published_example_verifies_via_jwt_vc_issuer_metadata():
    metadata = {"issuer": EXAMPLES["issuer"], "jwks": {"keys": [EXAMPLES["issuer_jwk"]]}}
    resolver = offline({"https://example.com/.well-known/jwt-vc-issuer/issuer": metadata})
    finding = jose.verify_sd_jwt(EXAMPLES["sd_jwt"], resolver=resolver)
    assert finding.outcome == PASS and finding.binding == BOUND, finding.reasons
    assert finding.details["disclosed_claims"] == sorted(EXAMPLES["disclosed"])
    claims = jose.apply_disclosures(
        json.loads(jose.decode_compact_jws(EXAMPLES["sd_jwt"].split("~")[0])[1]), EXAMPLES["sd_jwt"].split("~")[1:-1]
    )
    for name, value in EXAMPLES["disclosed"].items():
        assert claims[name] == value


def test_published_example_offline_without_metadata_is_unknown():
    finding = jose.verify_sd_jwt(EXAMPLES["sd_jwt"], resolver=offline())
    assert finding.outcome == UNKNOWN and finding.unverifiable


def test_published_example_with_a_tampered_disclosure_fails():
    parts = EXAMPLES["sd_jwt"].split("~")
    name_disclosure = json.loads(keys.b64url_decode(parts[3]))
    name_disclosure[2] = "Jane"
    parts[3] = keys.b64url_encode(json.dumps(name_disclosure).encode())
    key = ResolvedKey(keys.public_key_from_jwk(EXAMPLES["issuer_jwk"]), "k", EXAMPLES["issuer"])
    finding = jose.verify_sd_jwt("~".join(parts), resolver=offline(), key=key)
    assert finding.outcome == FAIL and "not referenced" in finding.reasons[0]


# -- disclosure rules ----------------------------------------------------------------------------------------


def test_generated_sd_jwt_passes_with_every_disclosure_applied():
    issued, d = simple_issued()
    finding = verify(issued.token())
    assert finding.outcome == PASS and finding.binding == BOUND
    assert finding.details["disclosures"] == 3
    assert finding.details["disclosed_claims"] == ["family_name", "given_name"]
    payload = json.loads(jose.decode_compact_jws(issued.jwt)[1])
    claims = jose.apply_disclosures(payload, issued.disclosures)
    assert claims["nationalities"] == ["DE", "FR"] and "_sd" not in claims and "_sd_alg" not in claims


def test_partial_disclosure_hides_the_rest():
    issued, d = simple_issued()
    payload = json.loads(jose.decode_compact_jws(issued.jwt)[1])
    claims = jose.apply_disclosures(payload, [d["given_name"]])
    assert claims["given_name"] == "Ada" and "family_name" not in claims and claims["nationalities"] == ["FR"]
    assert verify(issued.token([d["given_name"]])).outcome == PASS


def test_recursive_disclosure():
    street = disclosure("s1", "street", "1 Main St")
    address = disclosure("s2", "address", {"_sd": [digest(street)], "country": "DE"})
    issued = Issued({"_sd": [digest(address)]}, [address, street])
    payload = json.loads(jose.decode_compact_jws(issued.jwt)[1])
    assert jose.apply_disclosures(payload, [address, street])["address"] == {"street": "1 Main St", "country": "DE"}
    assert verify(issued.token()).outcome == PASS


@pytest.mark.parametrize("alg", ["sha-384", "sha-512"])
def test_other_digest_algorithms(alg):
    d = disclosure("s", "skill", "welding")
    issued = Issued({"_sd": [digest(d, alg)], "_sd_alg": alg}, [d])
    assert verify(issued.token()).outcome == PASS


def test_disclosure_not_in_payload_fails():
    issued, _ = simple_issued()
    extra = disclosure("salt-x", "is_admin", True)
    finding = verify(issued.token([*issued.disclosures, extra]))
    assert finding.outcome == FAIL and "not referenced" in finding.reasons[0]


def test_duplicate_disclosure_fails():
    issued, d = simple_issued()
    finding = verify(issued.token([*issued.disclosures, d["given_name"]]))
    assert finding.outcome == FAIL and "twice" in finding.reasons[0]


def test_digest_listed_twice_in_payload_fails():
    d = disclosure("s", "skill", "welding")
    issued = Issued({"_sd": [digest(d)], "sub": {"_sd": [digest(d)]}}, [d])
    assert verify(issued.token()).outcome == FAIL


def test_disclosed_name_clashing_with_a_plain_claim_fails():
    d = disclosure("s", "given_name", "Mallory")
    issued = Issued({"_sd": [digest(d)], "given_name": "Ada"}, [d])
    finding = verify(issued.token())
    assert finding.outcome == FAIL and "already exists" in finding.reasons[0]


def test_kind_mismatches_fail():
    element = disclosure("s", "DE")
    issued = Issued({"_sd": [digest(element)]}, [element])  # array element referenced from _sd
    assert verify(issued.token()).outcome == FAIL
    prop = disclosure("s", "name", "x")
    issued = Issued({"list": [{"...": digest(prop)}]}, [prop])  # object property referenced as element
    assert verify(issued.token()).outcome == FAIL


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_forbidden_claim_names(name):
    d = disclosure("s", name, ["x"])
    issued = Issued({"_sd": [digest(d)]}, [d])
    assert verify(issued.token()).outcome == FAIL


def test_unknown_sd_alg_and_malformed_disclosures():
    d = disclosure("s", "skill", "welding")
    assert verify(Issued({"_sd": [digest(d)], "_sd_alg": "md5"}, [d]).token()).outcome == FAIL
    issued, _ = simple_issued()
    assert verify(issued.token(["not*base64"])).outcome == FAIL
    assert verify(issued.token([keys.b64url_encode(b'{"a": 1}')])).outcome == FAIL
    assert verify(issued.jwt).outcome == FAIL  # no '~' at all


def test_issuer_signature_tamper_fails():
    issued, _ = simple_issued()
    header, payload, signature = issued.jwt.split(".")
    claims = json.loads(keys.b64url_decode(payload))
    claims["vct"] = "https://credentials.example/Surgeon"
    tampered = f"{header}.{keys.b64url_encode(json.dumps(claims).encode())}.{signature}"
    finding = verify("~".join([tampered, *issued.disclosures]) + "~")
    assert finding.outcome == FAIL and "does not verify" in finding.reasons[0]


def test_sd_jwt_credential_through_the_entry_point():
    issued, _ = simple_issued()
    cred = credential("sd-jwt", issued.token(), issued.did, "application/sd-jwt")
    assert jose.verify_jose_credential(cred, resolver=offline()).outcome == PASS
    cred.issuer.id = "did:example:someone"
    assert jose.verify_jose_credential(cred, resolver=offline()).outcome == FAIL


def test_header_jwk_with_https_issuer_offline_is_self_asserted():
    sk = p256()
    d = disclosure("s", "skill", "welding")
    payload = {"iss": ISSUER, "vct": "x", "_sd": [digest(d)]}
    jwt = make_jws({"alg": "ES256", "jwk": keys.public_jwk(sk.public_key())}, payload, sk)
    finding = verify(f"{jwt}~{d}~")
    assert finding.outcome == PASS and finding.binding == SELF_ASSERTED


# -- key binding JWT -----------------------------------------------------------------------------------------


def holder_bound(holder_key) -> Issued:
    d = disclosure("s", "skill", "welding")
    return Issued({"_sd": [digest(d)], "cnf": {"jwk": keys.public_jwk(holder_key.public_key())}}, [d])


def kb_jwt(presented: str, holder_key, **overrides) -> str:
    claims = {
        "iat": int(time.time()),
        "aud": "https://verifier.example",
        "nonce": "n-0S6_WzA2Mj",
        "sd_hash": keys.b64url_encode(hashlib.sha256(presented.encode()).digest()),
    }
    header = {"alg": "ES256", "typ": "kb+jwt"}
    header.update(overrides.pop("header", {}))
    claims.update(overrides)
    return make_jws(header, {k: v for k, v in claims.items() if v is not None}, holder_key)


def test_key_binding_jwt_passes():
    holder = p256()
    issued = holder_bound(holder)
    presented = issued.token()
    finding = verify(presented + kb_jwt(presented, holder))
    assert finding.outcome == PASS and finding.details["key_binding"] == PASS


@pytest.mark.parametrize(
    "change,reason",
    [
        ({"sd_hash": "AAAA"}, "sd_hash"),
        ({"header": {"typ": "JWT"}}, "typ"),
        ({"iat": None}, "iat"),
        ({"nonce": None}, "nonce"),
    ],
)
def test_key_binding_jwt_problems_fail(change, reason):
    holder = p256()
    issued = holder_bound(holder)
    presented = issued.token()
    finding = verify(presented + kb_jwt(presented, holder, **change))
    assert finding.outcome == FAIL and reason in finding.reasons[0]


def test_key_binding_jwt_by_another_key_fails():
    holder = p256()
    issued = holder_bound(holder)
    presented = issued.token()
    finding = verify(presented + kb_jwt(presented, p256()))
    assert finding.outcome == FAIL and "holder key" in finding.reasons[0]


def test_key_binding_jwt_over_fewer_disclosures_fails():
    holder = p256()
    issued = holder_bound(holder)
    kb = kb_jwt(issued.token([]), holder)  # signed over a presentation without the disclosure
    assert verify(issued.token() + kb).outcome == FAIL


def test_key_binding_jwt_without_cnf_fails():
    holder = p256()
    issued, _ = simple_issued()
    presented = issued.token()
    finding = verify(presented + kb_jwt(presented, holder))
    assert finding.outcome == FAIL and "cnf" in finding.reasons[0]
