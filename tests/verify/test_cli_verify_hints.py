"""What `skillwallet verify` tells the person after a verdict, and the words of its reasons.

The ``hint:`` lines after a failing verdict offer only what could change it: ``--online`` only when the run was
offline by choice and a document it would fetch (an https URL) was missing or answered from a stored copy. A
hint that offers a flag that cannot change the outcome sends the user round in circles: an unsupported status
type, an http URL (never fetched), SKILLWALLET_OFFLINE (which ``--online`` does not override). The reasons name
what they are about: a field a context maps to null is named by its key, and the note on a context the user
supplied says which proof covers the statements (the issuer's or the holder's signature here; the Blockcerts
hash in tests/interop/test_blockcerts_2_supplied_context.py). Every credential is signed in the test with a
fresh Ed25519 key (did:key).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fixtures.di.helpers import did_key_for, ob3_credential, status_entry, status_list_credential
from test_user_contexts import COURSE_CONTEXT, COURSE_URL, course_credential, sign_with_contexts

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.resolver import DOCUMENTS_COLLECTION, RECORD_FETCHED, document_record

LIST_URL = "https://issuer.example/status/3"
STATUS_TYPE = "https://issuer.example/vocab#RevocationRegister"  # no status mechanism skillwallet reads


@pytest.fixture(autouse=True)
def not_forced_offline(monkeypatch):
    monkeypatch.delenv("SKILLWALLET_OFFLINE", raising=False)


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    return key, did, vm


@pytest.fixture
def wallet_ready(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()
    return passphrase


def write(folder: Path, name: str, value) -> Path:
    path = folder / name
    path.write_bytes(value if isinstance(value, bytes) else json.dumps(value, indent=2).encode())
    return path


def verify(capsys, *args) -> tuple[int, list[dict], list[str]]:
    """(exit code, results, hint lines) of `verify --json`; nothing the CLI prints may be a traceback."""
    code = run(["verify", "--json", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    hints = [line.removeprefix("hint: ") for line in out.err.splitlines() if line.startswith("hint: ")]
    return code, json.loads(out.out)["results"], hints


def offering_online(hints: list[str]) -> list[str]:
    return [h for h in hints if "--online" in h]


# --------------------------------------------------------------------------------------------------------
# --online is offered only where a fetch could change the outcome


@pytest.mark.parametrize("network", ["--offline", "--online"])
def test_an_unsupported_status_type_is_not_met_with_online(network, issuer, tmp_path, capsys):
    """A status entry of a type skillwallet does not read stays unknown online as offline."""
    key, did, vm = issuer
    document = ob3_credential(did, credentialStatus={"id": "https://issuer.example/revocations",
                                                     "type": STATUS_TYPE})
    path = write(tmp_path, "badge.json", sign_data_integrity(document, key, vm))
    code, (result,), hints = verify(capsys, network, path)  # did:key and no list to fetch: nothing goes out
    assert code == ExitCode.NOT_VERIFIED
    assert (result["verdict"], result["checks"]["status"]) == ("verified", "unknown"), result
    assert any(f"{STATUS_TYPE} is not supported" in r for r in result["reasons"]), result["reasons"]
    assert offering_online(hints) == [], hints


def test_a_status_list_at_an_http_url_is_never_fetched_so_only_a_copy_is_offered(issuer, tmp_path, capsys):
    key, did, vm = issuer
    url = "http://issuer.example/status/3"  # only https documents are fetched (resolver._download)
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(url, 7)), key, vm))
    code, (result,), hints = verify(capsys, "--offline", path)
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert any(f"{url} is needed but not available offline" in r for r in result["reasons"]), result["reasons"]
    assert offering_online(hints) == [], hints
    (advice,) = [h for h in hints if h.startswith("a document needed is not available offline")]
    assert "--document URL=FILE" in advice and "documents add" in advice


def test_a_status_list_at_an_https_url_missing_offline_is_offered_online(issuer, tmp_path, capsys):
    key, did, vm = issuer
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 7)), key, vm))
    code, (result,), hints = verify(capsys, "--offline", path)
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    (advice,) = offering_online(hints)
    assert "run again with --online to fetch it" in advice and "--document URL=FILE" in advice


def test_skillwallet_offline_in_the_environment_is_named_rather_than_online_offered_again(issuer, tmp_path, capsys,
                                                                                            monkeypatch):
    """SKILLWALLET_OFFLINE=1 forces every resolver offline, --online included: asking for --online again would
    change nothing, so the hint says what would."""
    monkeypatch.setenv("SKILLWALLET_OFFLINE", "1")
    key, did, vm = issuer
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 7)), key, vm))
    code, (result,), hints = verify(capsys, "--online", path)
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    (advice,) = offering_online(hints)
    assert "unset SKILLWALLET_OFFLINE and run again with --online" in advice, hints


def test_a_status_list_stored_by_an_earlier_fetch_and_out_of_date_is_offered_online(wallet_ready, issuer, tmp_path,
                                                                                    capsys):
    """The one status problem a fresh fetch can solve: the copy an earlier --online run stored has run out."""
    key, did, vm = issuer
    status_list = status_list_credential(did, LIST_URL, [])
    status_list["credentialSubject"]["ttl"] = 1000  # a second (Bitstring Status List v1.0 §2.2)
    data = json.dumps(sign_data_integrity(status_list, key, vm)).encode()
    record = document_record(LIST_URL, data, source=RECORD_FETCHED)
    record["stored_at"] = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat().replace("+00:00", "Z")
    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as wallet:
        wallet.put(DOCUMENTS_COLLECTION, LIST_URL, record)
    path = write(tmp_path, "badge.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 7)), key, vm))

    code, (result,), hints = verify(capsys, "--offline", path)
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert any("is out of date" in r for r in result["reasons"]), result["reasons"]
    (advice,) = offering_online(hints)
    assert "run again with --online" in advice

    # the same list given with --document wins over any fetch: --online would change nothing
    supplied = write(tmp_path, "list.json", data)
    other = Ed25519PrivateKey.generate()
    _, other_vm = did_key_for(other)
    forged = write(tmp_path, "forged-list.json", sign_data_integrity(status_list_credential(did, LIST_URL, []), other, other_vm))
    for copy in (supplied, forged):
        code, (result,), hints = verify(capsys, "--offline", f"--document={LIST_URL}={copy}", path)
        assert result["checks"]["status"] == ("pass" if copy == supplied else "unknown"), result
        assert offering_online(hints) == [], hints


# --------------------------------------------------------------------------------------------------------
# the words of the reasons


def test_a_field_the_credentials_own_context_maps_to_null_is_named(issuer, tmp_path, capsys):
    """JSON-LD drops a field whose term is mapped to null (JSON-LD 1.1 §4.1.4), so the signature does not cover
    it: a field added to a signed credential this way is caught, and the reason names it, never "None"."""
    key, did, vm = issuer
    document = sign_data_integrity(ob3_credential(did), key, vm)  # signing refuses such a field: added after
    document["@context"].append({"nickname": None})
    document["credentialSubject"]["achievement"]["nickname"] = "top of the class"
    path = write(tmp_path, "badge.json", document)
    code, (result,), _ = verify(capsys, "--offline", path)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert result["checks"]["undefined_terms"] == "fail"
    (reason,) = [r for r in result["reasons"] if "does not cover them" in r]
    assert reason.endswith(": nickname (mapped to null)"), reason
    assert "None" not in reason


def test_the_note_on_a_supplied_context_names_the_issuers_signature_and_the_holders(wallet_ready, tmp_path, capsys):
    """A Data Integrity credential: the issuer's signature covers what the user's copy reads; its presentation:
    the holder's signature does."""
    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as w:
        holder = w.holder_did
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    document = course_credential(did)
    document["credentialSubject"]["id"] = holder
    credential = write(tmp_path, "mine.json", sign_with_contexts(document, key, vm, {COURSE_URL: COURSE_CONTEXT}))
    context_file = write(tmp_path, "course-v1.jsonld", COURSE_CONTEXT)
    assert run(["documents", "add", COURSE_URL, str(context_file)]) == ExitCode.OK
    assert run(["add", "--offline", str(credential)]) == ExitCode.OK
    assert run(["export", "--presentation", "-o", str(tmp_path / "vp.json")]) == ExitCode.OK
    capsys.readouterr()

    code, (presentation, inner), _ = verify(capsys, "--offline", tmp_path / "vp.json")
    assert code == ExitCode.OK and (presentation["verdict"], inner["verdict"]) == ("verified", "verified")
    (note,) = [r for r in presentation["reasons"] if r.startswith("context supplied by you:")]
    assert "the holder's signature covers the statements read with it" in note, note
    (note,) = [r for r in inner["reasons"] if r.startswith("context supplied by you:")]
    assert "the issuer's signature covers the statements read with it" in note, note


# --------------------------------------------------------------------------------------------------------
# http and https name one context, for the user's copies as for the shipped ones


def test_a_context_given_under_the_http_spelling_serves_the_https_one(issuer, tmp_path, capsys):
    key, did, vm = issuer
    credential = write(tmp_path, "course.json", sign_with_contexts(course_credential(did), key, vm, {COURSE_URL: COURSE_CONTEXT}))
    context_file = write(tmp_path, "course-v1.jsonld", COURSE_CONTEXT)
    digest = hashlib.sha256(context_file.read_bytes()).hexdigest()
    given = COURSE_URL.replace("https://", "http://", 1)
    code, (result,), _ = verify(capsys, "--offline", f"--document={given}={context_file}", credential)
    assert (code, result["verdict"], result["checks"]["contexts"]) == (ExitCode.OK, "verified", "supplied by you"), result
    assert result["details"]["documents"] == [
        {"url": given, "source": "supplied", "stored_at": None, "kind": "context", "sha256": digest},
    ]
    (note,) = [r for r in result["reasons"] if r.startswith("context supplied by you:")]
    assert note.startswith(f"context supplied by you: {given} (given with --document, sha256 {digest})"), note
