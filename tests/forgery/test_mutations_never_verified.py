"""Every valid credential the project ships or has published, mutated the ways an attacker would: never `verified`.

The corpus is every published file the interop tests judge `verified` (``tests/interop``) and the package's own
sample credentials. Each mutation keeps the original signature and changes what a reader sees, or re-signs with
an attacker's key while claiming the issuer's name:

* alias injection: an inline context maps a new term to a JSON-LD keyword that produces no RDF (``@index``,
  ``@none``), so the added JSON is not covered by the signature;
* a displayed field (skills, expiry) smuggled in the same way;
* a context appended that is not shipped (cannot be checked offline) or an inline context that redefines a term;
* the proof moved onto another credential;
* the proof's verification method swapped for an attacker's key whose document claims the issuer as controller.

Disclosures injected into SD-JWT VCs are covered in ``test_forge_sdjwt.py``.

A verifier that calls any of these `verified` is wrong: the result must be `invalid` or `unverifiable`, and
``skillwallet verify`` must exit non-zero.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.keys import did_key_from_ed25519, multibase_encode

HERE = Path(__file__).parent
INTEROP = HERE.parent / "interop"
SAMPLES = HERE.parent.parent / "src" / "skillwallet" / "data" / "samples"
AS_OF = "2026-06-01"


def _interop_module():
    spec = importlib.util.spec_from_file_location("interop_expectations", INTEROP / "test_published_credentials.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


_INTEROP = _interop_module()


def _corpus() -> dict[str, tuple[bytes, list[str]]]:
    """name -> (the file's bytes, the --document options it needs to verify)."""
    corpus: dict[str, tuple[bytes, list[str]]] = {}
    for name, expected in _INTEROP.EXPECTATIONS.items():
        if expected.verdict != "verified":
            continue
        first = _INTEROP.fixture(expected.files[0])
        supporting = [f"--document={_INTEROP.doc_url(f)}={_INTEROP.fixture(f)}" for f in expected.files[1:]]
        corpus[f"interop:{name}"] = (first.read_bytes(), supporting)
    for path in sorted(SAMPLES.glob("*.json")):
        corpus[f"sample:{path.stem}"] = (path.read_bytes(), [])
    return corpus


CORPUS = _corpus()
JSON_LD = {name: raw for name, (raw, _) in CORPUS.items() if raw.lstrip().startswith(b"{") and b'"proof"' in raw}


def verify(capsys, tmp_path: Path, content: bytes, *extra: str) -> tuple[int, dict]:
    path = tmp_path / f"mutated-{secrets.token_hex(4)}.json"
    path.write_bytes(content)
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, *extra, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0]


def assert_not_verified(code: int, result: dict) -> None:
    assert result["verdict"] in ("invalid", "unverifiable"), (result["verdict"], result["checks"], result["reasons"])
    assert code != ExitCode.OK


def with_context(document: dict, extra) -> dict:
    context = document["@context"]
    document["@context"] = [*(context if isinstance(context, list) else [context]), extra]
    return document


def test_the_corpus_is_not_empty_and_verifies_unmutated(capsys, tmp_path) -> None:
    """The mutations below only mean something if the originals verify."""
    assert len(JSON_LD) >= 8
    for name in ("sample:python-fundamentals", "interop:dcc-v2-di-alignments"):
        raw, extra = CORPUS[name]
        _, result = verify(capsys, tmp_path, raw, *extra)
        assert result["verdict"] == "verified", (name, result["reasons"])


@pytest.mark.parametrize("keyword", ["@index", "@none"])
@pytest.mark.parametrize("name", sorted(JSON_LD))
def test_alias_injected_fields_are_never_verified(name, keyword, capsys, tmp_path) -> None:
    document = with_context(json.loads(JSON_LD[name]), {"injectedSkills": keyword})
    document["injectedSkills"] = ["Brain surgery"]
    subject = document["credentialSubject"]
    (subject[0] if isinstance(subject, list) else subject)["injectedSkills"] = ["Brain surgery"]
    code, result = verify(capsys, tmp_path, json.dumps(document).encode(), *CORPUS[name][1])
    assert_not_verified(code, result)


DISPLAYED_FIELDS = ("expirationDate", "validUntil", "issuanceDate", "refreshService")
# a field the credential signs itself cannot be smuggled in: only the others are aliased
UNSIGNED_FIELD_CASES = [
    (name, field) for name in sorted(JSON_LD) for field in DISPLAYED_FIELDS if field not in json.loads(JSON_LD[name])
]


@pytest.mark.parametrize(("name", "field"), UNSIGNED_FIELD_CASES)
def test_a_displayed_field_aliased_to_index_is_never_verified(name, field, capsys, tmp_path) -> None:
    document = json.loads(JSON_LD[name])
    document = with_context(document, {field: "@index"})
    document[field] = "2099-12-31T00:00:00Z" if field != "refreshService" else {"id": "https://evil.example/r"}
    code, result = verify(capsys, tmp_path, json.dumps(document).encode(), *CORPUS[name][1])
    assert_not_verified(code, result)


@pytest.mark.parametrize("name", sorted(JSON_LD))
def test_an_appended_unshipped_context_is_never_verified(name, capsys, tmp_path) -> None:
    document = with_context(json.loads(JSON_LD[name]), "https://contexts.attacker.example/v1")
    code, result = verify(capsys, tmp_path, json.dumps(document).encode(), *CORPUS[name][1])
    assert_not_verified(code, result)


@pytest.mark.parametrize("name", sorted(JSON_LD))
def test_an_inline_context_redefining_the_name_is_never_verified(name, capsys, tmp_path) -> None:
    document = with_context(json.loads(JSON_LD[name]), {"name": "https://attacker.example/vocab#name"})
    code, result = verify(capsys, tmp_path, json.dumps(document).encode(), *CORPUS[name][1])
    assert_not_verified(code, result)


@pytest.mark.parametrize("name", sorted(JSON_LD))
def test_a_proof_moved_onto_another_credential_is_never_verified(name, capsys, tmp_path) -> None:
    names = sorted(JSON_LD)
    donor = json.loads(JSON_LD[names[(names.index(name) + 1) % len(names)]])
    target = json.loads(JSON_LD[name])
    target["proof"] = donor["proof"]
    code, result = verify(capsys, tmp_path, json.dumps(target).encode(), *CORPUS[name][1])
    assert_not_verified(code, result)


def _issuer_id(document: dict) -> str:
    issuer = document["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


@pytest.mark.parametrize("name", sorted(JSON_LD))
def test_an_attacker_key_claiming_the_issuer_as_controller_is_never_verified(name, capsys, tmp_path) -> None:
    """The attacker's own did:web document lists their key with ``controller`` set to the real issuer; the
    issuer's own document (not available, or not listing the key) is what decides."""
    document = json.loads(JSON_LD[name])
    del document["proof"]
    issuer = _issuer_id(document)
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes_raw()
    attacker = "did:web:attacker.example"
    vm = f"{attacker}#key-1"
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": attacker,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multibase_encode(b"\xed\x01" + raw)}
        ],
        "assertionMethod": [vm],
    }
    try:
        signed = sign_data_integrity(document, key, vm)
    except Exception as exc:  # a document the project cannot re-sign faithfully is not this attack's concern
        pytest.skip(f"cannot re-sign: {exc}")
    did_file = tmp_path / "attacker-did.json"
    did_file.write_text(json.dumps(did_document))
    code, result = verify(
        capsys, tmp_path, json.dumps(signed).encode(), f"--document=https://attacker.example/.well-known/did.json={did_file}"
    )
    assert_not_verified(code, result)
    # the same forgery with the key published as a did:key is self-consistent, but it is the attacker's key:
    # it binds to the attacker, never to the issuer named in the credential
    own = did_key_from_ed25519(key.public_key())
    signed = sign_data_integrity(document, key, f"{own}#{own.split(':')[-1]}")
    code, result = verify(capsys, tmp_path, json.dumps(signed).encode())
    if issuer != own:
        assert_not_verified(code, result)
