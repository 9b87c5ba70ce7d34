"""Zero forgeries: every single-field change to a signed credential is caught, and nothing raises."""

from __future__ import annotations

import copy
import json
import random
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.di.helpers import did_key_for, ob3_credential
from skillwallet.model import Credential
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import credential_from_document, verify_credential

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
KEY = Ed25519PrivateKey.generate()
DID, VM = did_key_for(KEY)


def _signed(suite: str) -> dict:
    doc = ob3_credential(DID, validUntil="2030-01-01T00:00:00Z")
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "Python", "targetUrl": "https://example.org/python"}
    ]
    return sign_data_integrity(doc, KEY, VM, cryptosuite=suite)


SIGNED = {suite: _signed(suite) for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022")}


def _paths(node, prefix=()):
    """Every (path, leaf) of a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))
    else:
        yield prefix, node


def _set(doc, path, value):
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def _verify(doc) -> str:
    return verify_credential(credential_from_document(doc), resolver=DocumentResolver(offline=True), as_of=NOW).verdict


@pytest.mark.parametrize("suite", sorted(SIGNED))
def test_the_unmodified_credentials_verify(suite):
    assert _verify(copy.deepcopy(SIGNED[suite])) == "verified"


@pytest.mark.parametrize("suite", sorted(SIGNED))
def test_changing_any_string_leaf_is_caught(suite):
    doc = SIGNED[suite]
    leaves = [(p, v) for p, v in _paths(doc) if isinstance(v, str)]
    assert len(leaves) > 25
    for path, value in leaves:
        forged = copy.deepcopy(doc)
        _set(forged, path, value + "x" if not value.endswith("Z") else value.replace("Z", "+01:00"))
        assert _verify(forged) != "verified", f"forgery passed: {'/'.join(map(str, path))}"


@pytest.mark.parametrize("suite", sorted(SIGNED))
def test_adding_a_property_anywhere_is_caught(suite):
    doc = SIGNED[suite]
    objects = [()] + [p[:-1] for p, _ in _paths(doc) if len(p) > 1 and isinstance(p[-2], str)]
    rng = random.Random(4)
    for path in rng.sample(sorted(set(objects), key=str), k=min(15, len(set(objects)))):
        forged = copy.deepcopy(doc)
        target = forged
        for step in path:
            target = target[step]
        if not isinstance(target, dict) or path[:1] == ("proof",):
            continue
        for key in ("grade", "name", "description"):
            if key not in target:
                target[key] = "Summa cum laude"
                break
        assert _verify(forged) != "verified", f"added property passed at {'/'.join(map(str, path))}"


@pytest.mark.parametrize("suite", sorted(SIGNED))
def test_removing_any_property_is_caught(suite):
    doc = SIGNED[suite]
    for path, _ in _paths(doc):
        if path[0] == "proof" and path[-1] not in ("proofValue", "verificationMethod", "cryptosuite"):
            continue
        forged = copy.deepcopy(doc)
        target = forged
        for step in path[:-1]:
            target = target[step]
        if isinstance(target, dict):
            del target[path[-1]]
        else:
            target.pop(path[-1])
        assert _verify(forged) != "verified", f"removal passed: {'/'.join(map(str, path))}"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path_index=st.integers(min_value=0, max_value=10**6), value=json_values)
def test_arbitrary_values_never_raise_and_never_verify(path_index, value):
    doc = SIGNED["eddsa-rdfc-2022"]
    leaves = list(_paths(doc))
    path, original = leaves[path_index % len(leaves)]
    if value == original:
        return
    forged = copy.deepcopy(doc)
    _set(forged, path, value)
    verdict = verify_credential(
        Credential(format="ob3", original=json.dumps(forged).encode()), resolver=DocumentResolver(offline=True), as_of=NOW
    )
    assert verdict.verdict != "verified"
