"""`skillwallet documents add/list/remove` on a real encrypted wallet, and the resolver using what was added."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_jose_helpers import credential, make_jws, p256

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify import jose, keys
from skillwallet.verify.base import BOUND, PASS, UNKNOWN
from skillwallet.verify.resolver import DocumentResolver

DID = "did:web:university.example"
DID_URL = "https://university.example/.well-known/did.json"


@pytest.fixture
def wallet_ready(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()


@pytest.fixture
def issuer_key():
    return p256()


@pytest.fixture
def did_document(tmp_path: Path, issuer_key) -> Path:
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID,
        "verificationMethod": [
            {"id": f"{DID}#k1", "type": "JsonWebKey2020", "controller": DID,
             "publicKeyJwk": keys.public_jwk(issuer_key.public_key()), "canary": "CANARY-7f3a9"}
        ],
        "assertionMethod": [f"{DID}#k1"],
    }
    path = tmp_path / "did.json"
    path.write_text(json.dumps(document))
    return path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_remove_round_trip(wallet_ready, did_document, capsys):
    code, out, err = cli(capsys, "documents", "add", DID, str(did_document))
    assert code == 0 and out == "" and f"kept {DID_URL}" in err
    code, out, _ = cli(capsys, "documents", "list", "--json")
    assert code == 0
    listing = json.loads(out)
    assert listing["schema"] == "skillwallet/documents" and listing["version"] == 1 and listing["count"] == 1
    (entry,) = listing["documents"]
    assert entry["url"] == DID_URL and entry["source"] == "added" and entry["size"] == did_document.stat().st_size
    code, out, _ = cli(capsys, "documents", "list")
    assert code == 0 and DID_URL in out and "added" in out
    code, _, err = cli(capsys, "documents", "remove", DID_URL)
    assert code == 0 and "removed" in err
    code, _, err = cli(capsys, "documents", "remove", DID_URL)
    assert code == ExitCode.NOT_FOUND and err.startswith("error: no document kept")
    code, out, err = cli(capsys, "documents", "list")
    assert code == 0 and out == "" and "no documents kept" in err


def test_added_document_is_used_offline_by_verification(wallet_ready, did_document, issuer_key, capsys):
    token = make_jws({"alg": "ES256", "kid": f"{DID}#k1"}, {"iss": DID, "vc": {"credentialSubject": {}}}, issuer_key)
    cred = credential("vc-jwt", token, DID)
    with Wallet.open(paths.wallet_home(), passphrase="correct horse battery staple") as wallet:
        before = jose.verify_jose_credential(cred, resolver=DocumentResolver(offline=True, wallet=wallet))
    assert before.outcome == UNKNOWN and before.unverifiable
    assert cli(capsys, "documents", "add", DID, str(did_document))[0] == 0
    with Wallet.open(paths.wallet_home(), passphrase="correct horse battery staple") as wallet:
        resolver = DocumentResolver(offline=True, wallet=wallet)
        after = jose.verify_jose_credential(cred, resolver=resolver)
    assert after.outcome == PASS and after.binding == BOUND
    assert resolver.source_of(DID_URL) == "kept" and resolver.network_requests == 0


def test_document_is_encrypted_at_rest(wallet_ready, did_document, capsys):
    assert cli(capsys, "documents", "add", DID_URL, str(did_document))[0] == 0
    for path in paths.wallet_home().rglob("*"):
        if path.is_file():
            assert b"CANARY-7f3a9" not in path.read_bytes(), path


def test_adding_a_different_document_needs_force(wallet_ready, did_document, tmp_path, capsys):
    assert cli(capsys, "documents", "add", DID_URL, str(did_document))[0] == 0
    code, _, err = cli(capsys, "documents", "add", DID_URL, str(did_document))
    assert code == 0 and "unchanged" in err
    other = tmp_path / "other.json"
    other.write_text('{"id": "did:web:university.example"}')
    code, _, err = cli(capsys, "documents", "add", DID_URL, str(other))
    assert code == ExitCode.EXISTS and "--force" in err
    assert cli(capsys, "documents", "add", DID_URL, str(other), "--force")[0] == 0
    code, out, _ = cli(capsys, "documents", "list", "--json")
    assert json.loads(out)["documents"][0]["size"] == other.stat().st_size


def test_a_jws_document_is_accepted(wallet_ready, tmp_path, capsys):
    status_list = tmp_path / "status.jwt"
    status_list.write_text(make_jws({"alg": "ES256"}, {"vc": {}}, p256()))
    assert cli(capsys, "documents", "add", "https://issuer.example/status/1", str(status_list))[0] == 0


@pytest.mark.parametrize(
    "url,content,message",
    [
        ("https://issuer.example/x", b"<html>not json</html>", "neither JSON nor a compact JWS"),
        ("https://issuer.example/x", b"\xff\xfe\x00", "not a text document"),
        ("ftp://issuer.example/x", b"{}", "not a document URL"),
        ("did:web:", b"{}", "did:web"),
    ],
)
def test_bad_inputs_are_refused(wallet_ready, tmp_path, capsys, url, content, message):
    path = tmp_path / "doc"
    path.write_bytes(content)
    code, out, err = cli(capsys, "documents", "add", url, str(path))
    assert code == ExitCode.BAD_INPUT and out == "" and message in err and "Traceback" not in err


def test_missing_file_is_refused(wallet_ready, tmp_path, capsys):
    code, _, err = cli(capsys, "documents", "add", DID_URL, str(tmp_path / "missing.json"))
    assert code == ExitCode.BAD_INPUT and "no such file" in err


def test_without_a_wallet(tmp_path, capsys, did_document):
    code, _, err = cli(capsys, "documents", "list")
    assert code == ExitCode.NO_WALLET and "skillwallet init" in err


def test_verify_cli_offline_with_document_option_and_added_document(wallet_ready, did_document, issuer_key, tmp_path, capsys):
    """The halves meet through the CLI: add a did:web VC-JWT, verify offline (unverifiable, exit 13), then
    with --document, then after `documents add` (verified, exit 0); the network is never touched."""
    claims = {
        "iss": DID,
        "jti": "urn:uuid:7d1f0e8a-1b7e-4c44-9a2e-3f0f5c7d9e21",
        "nbf": 1700000000,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "name": "Forklift licence",
            "issuer": DID,
            "credentialSubject": {"name": "Forklift licence"},
        },
    }
    token_file = tmp_path / "forklift.jwt"
    token_file.write_text(make_jws({"alg": "ES256", "kid": f"{DID}#k1"}, claims, issuer_key))
    code, out, err = cli(capsys, "add", str(token_file), "--offline", "--json")
    assert code in (0, ExitCode.NOT_VERIFIED), err
    (added,) = json.loads(out)["results"]
    assert added["status"] == "added" and added["verdict"] == "unverifiable"
    target = added["id"]  # a stored credential: verify opens the wallet and its kept documents

    code, out, err = cli(capsys, "verify", target, "--offline", "--json")
    assert code == ExitCode.NOT_VERIFIED, err
    assert json.loads(out)["results"][0]["verdict"] == "unverifiable"

    code, out, err = cli(capsys, "verify", target, "--offline", "--json", "--document", f"{DID}={did_document}")
    assert code == 0, err
    assert json.loads(out)["results"][0]["verdict"] == "verified"

    assert cli(capsys, "documents", "add", DID, str(did_document))[0] == 0
    code, out, err = cli(capsys, "verify", target, "--offline", "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["verdict"] == "verified"


def test_a_document_for_another_url_is_kept_with_a_warning(wallet_ready, did_document, capsys):
    code, _, err = cli(capsys, "documents", "add", "did:web:other.example", str(did_document))
    assert code == 0 and f"says it is {DID}" in err and "will refuse it" in err
    code, _, err = cli(capsys, "documents", "add", DID, str(did_document), "--force")
    assert code == 0 and "warning" not in err


@pytest.fixture
def wallet_opens(monkeypatch):
    """Counts how often a command opens the wallet (each open is a key derivation or a session read)."""
    opened: list[int] = []
    real = Wallet.open.__func__

    def counting(cls, *args, **kwargs):
        opened.append(1)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(Wallet, "open", classmethod(counting))
    return opened


def _forklift_token(issuer: str, kid: str, key, tmp_path: Path) -> Path:
    claims = {
        "iss": issuer,
        "jti": "urn:uuid:2b0c4f8e-9d1a-4c55-8e0b-6a7d3c2f1e90",
        "nbf": 1700000000,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuer": issuer,
            "credentialSubject": {"name": "Forklift licence"},
        },
    }
    path = tmp_path / "forklift.jwt"
    path.write_text(make_jws({"alg": "ES256", "kid": kid}, claims, key))
    return path


def test_verify_file_does_not_open_the_wallet_when_no_document_is_needed(wallet_ready, wallet_opens, tmp_path, capsys):
    """A did:jwk issuer's key is in its DID: verifying the file never unlocks the wallet (no key derivation)."""
    key = p256()
    did = "did:jwk:" + keys.b64url_encode(json.dumps(keys.public_jwk(key.public_key()), separators=(",", ":")).encode())
    token = _forklift_token(did, f"{did}#0", key, tmp_path)
    code, out, err = cli(capsys, "verify", str(token), "--offline", "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["verdict"] == "verified"
    assert wallet_opens == []


def test_verify_file_opens_the_wallet_once_for_a_kept_document(wallet_ready, did_document, issuer_key, wallet_opens, tmp_path, capsys):
    """The did:web document is kept in the wallet: the first lookup opens it, and only once."""
    assert cli(capsys, "documents", "add", DID, str(did_document))[0] == 0
    wallet_opens.clear()
    token = _forklift_token(DID, f"{DID}#k1", issuer_key, tmp_path)
    code, out, err = cli(capsys, "verify", str(token), "--offline", "--json")
    assert code == 0, err
    result = json.loads(out)["results"][0]
    assert result["verdict"] == "verified"
    assert result["details"]["documents"][0]["source"] == "kept"
    assert wallet_opens == [1]
