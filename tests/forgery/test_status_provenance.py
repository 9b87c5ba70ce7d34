"""Where a status list comes from decides what it may say (Bitstring Status List v1.0; README "Documents").

Precedence: `--document` for this call > `documents add` > a fetch of the URL the credential names > a stored
copy. Any verified list fetched from (or deliberately supplied for) that URL answers, whoever signed it, and its
issuer is named; a stored copy (cached, or from an import) answers only while its `validUntil` and `ttl`
hold, and with neither it says only what it last said (a revocation stands: it is never undone). A list whose
key is not bound to its own issuer answers nothing, not even "revoked".
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from attacker import (
    LIST_URL,
    did_key_for,
    ob3_credential,
    public_key_multibase,
    sign_data_integrity,
    status_entry,
    status_list,
    write,
)
from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

INDEX = 42


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    return key, did, vm


def lists_of(issuer, **fields):
    """The issuer's list for LIST_URL with INDEX clear, and with it set."""
    key, did, vm = issuer
    clear = sign_data_integrity(status_list(did, LIST_URL, [], **fields), key, vm)
    revoked = sign_data_integrity(status_list(did, LIST_URL, [INDEX], **fields), key, vm)
    return clear, revoked


@pytest.fixture
def stored(wallet, issuer, tmp_path, capsys):
    """The holder's wallet with the issuer's credential in it."""
    key, did, vm = issuer
    credential = sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, INDEX)), key, vm)
    assert run(["add", "--offline", str(write(tmp_path, "c.json", credential))]) == ExitCode.OK
    capsys.readouterr()
    return did


def verify(capsys, *args):
    code = run(["verify", "--all", "--json", *map(str, args)])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    (entry,) = result["details"]["status_entries"]
    return code, result, entry


def test_precedence_supplied_then_kept_then_fetched_then_cached(stored, issuer, tmp_path, capsys, network):
    clear, revoked = lists_of(issuer)
    network[LIST_URL] = revoked  # what the issuer's server says now

    code, result, entry = verify(capsys, "--online")
    assert (result["checks"]["status"], entry["source"]) == ("revoked", "fetched")
    assert {"url": LIST_URL, "source": "fetched", "stored_at": None} in result["details"]["documents"]

    code, result, entry = verify(capsys, "--offline")  # the copy cached by that fetch
    assert (result["checks"]["status"], entry["source"]) == ("revoked", "cached")
    assert entry["stored_at"].startswith(datetime.now(timezone.utc).date().isoformat())

    assert run(["documents", "add", LIST_URL, str(write(tmp_path, "kept.json", clear))]) == ExitCode.OK
    fetched_before = len(network.requested)
    code, result, entry = verify(capsys, "--online")  # the user's deliberate copy beats the network
    assert (code, result["checks"]["status"], entry["source"]) == (ExitCode.OK, "pass", "kept")
    assert len(network.requested) == fetched_before

    code, result, entry = verify(capsys, "--online", f"--document={LIST_URL}={write(tmp_path, 's.json', revoked)}")
    assert (result["checks"]["status"], entry["source"]) == ("revoked", "supplied")


def test_verify_text_output_names_where_each_document_came_from(stored, issuer, tmp_path, capsys):
    clear, _ = lists_of(issuer)
    code = run(["verify", "--all", "--offline", f"--document={LIST_URL}={write(tmp_path, 's.json', clear)}"])
    err = capsys.readouterr().err
    assert code == ExitCode.OK
    assert f"documents used: {LIST_URL} (supplied)" in err


def test_a_cached_list_past_its_valid_until_is_unknown_with_the_last_answer(stored, issuer, capsys, network):
    clear, _ = lists_of(issuer, validUntil="2030-01-01T00:00:00Z")
    network[LIST_URL] = clear
    assert verify(capsys, "--online")[1]["checks"]["status"] == "pass"
    today = datetime.now(timezone.utc).date().isoformat()
    code, result, entry = verify(capsys, "--offline", "--as-of", "2031-01-01")
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert f"last known: pass on {today}" in entry["reason"]


def test_a_cached_list_past_its_ttl_is_unknown_with_the_last_answer(stored, issuer, capsys, network):
    key, did, vm = issuer
    short = status_list(did, LIST_URL, [])
    short["credentialSubject"]["ttl"] = 1  # milliseconds (Bitstring Status List v1.0 §2.2)
    network[LIST_URL] = sign_data_integrity(short, key, vm)
    assert verify(capsys, "--online")[1]["checks"]["status"] == "pass"
    time.sleep(0.01)
    code, result, entry = verify(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert "ttl of 1 ms has passed" in entry["reason"] and "last known: pass on" in entry["reason"]


def test_a_cached_list_within_its_ttl_answers(stored, issuer, capsys, network):
    key, did, vm = issuer
    day = status_list(did, LIST_URL, [])
    day["credentialSubject"]["ttl"] = 86_400_000
    network[LIST_URL] = sign_data_integrity(day, key, vm)
    verify(capsys, "--online")
    code, result, entry = verify(capsys, "--offline")
    assert (code, result["checks"]["status"], entry["source"]) == (ExitCode.OK, "pass", "cached")


def test_a_list_fetched_from_its_url_answers_whoever_signed_it_and_names_them(stored, capsys, network, monkeypatch):
    """Bitstring Status List v1.0 §2.2: the list's issuer "MAY be different" from the credential's."""
    service = Ed25519PrivateKey.generate()
    service_did, service_vm = did_key_for(service)
    network[LIST_URL] = sign_data_integrity(status_list(service_did, LIST_URL, [INDEX]), service, service_vm)
    code, result, entry = verify(capsys, "--online")
    assert result["checks"]["status"] == "revoked" and entry["list_issuer"] == service_did
    run(["verify", "--all", "--online"])
    assert f"status list {LIST_URL} is signed by {service_did}, not by the issuer" in capsys.readouterr().err

    network[LIST_URL] = sign_data_integrity(status_list(service_did, LIST_URL, []), service, service_vm)
    run(["config", "set", "trusted_issuers", stored])
    capsys.readouterr()
    code, result, entry = verify(capsys, "--online")
    assert result["checks"]["status"] == "pass"
    assert result["checks"]["issuer_trusted"] == "unknown"  # the list's word is its issuer's: trust it too
    assert any(f"the status list's issuer {service_did} is not in your trusted_issuers" in r for r in result["reasons"])
    run(["config", "set", "trusted_issuers", f"{stored}, {service_did}"])
    capsys.readouterr()
    assert verify(capsys, "--online")[1]["checks"]["issuer_trusted"] == "pass"


def test_a_list_whose_key_is_not_bound_revokes_nothing(stored, capsys, network):
    """Fetched from the right URL, but signed with a key only the list itself asserts (a URL-fragment key):
    a set bit from it is not "revoked" -- such a list could revoke anyone's credentials."""
    forger = Ed25519PrivateKey.generate()
    self_asserted = f"https://university.example/status#{public_key_multibase(forger)}"
    network[LIST_URL] = sign_data_integrity(status_list("https://university.example/status", LIST_URL, every_bit=True), forger, self_asserted)
    code, result, entry = verify(capsys, "--online")
    assert result["checks"]["status"] == "unknown", result
    assert "self-asserted" in entry["reason"]


def test_documents_list_shows_an_imported_list_as_from_import(wallet, issuer, tmp_path, capsys):
    _, revoked = lists_of(issuer)
    run(["add", "--offline", str(write(tmp_path, "l.json", revoked))])
    capsys.readouterr()
    assert run(["documents", "list", "--json"]) == ExitCode.OK
    (entry,) = json.loads(capsys.readouterr().out)["documents"]
    assert (entry["url"], entry["source"]) == (LIST_URL, "from-import")
    with Wallet.open(paths.wallet_home(), passphrase=wallet) as w:
        assert w.get(DOCUMENTS_COLLECTION, LIST_URL)["source"] == "from-import"


# ---- a stored copy with no bound of its own tells only the past (FORMATS.md, "Status and time") -----------------


def test_a_cached_list_with_no_valid_until_or_ttl_is_unknown_offline_with_the_last_answer(stored, issuer, capsys, network):
    clear, _ = lists_of(issuer)  # validFrom 2024-01-01, no validUntil, no ttl
    network[LIST_URL] = clear
    assert verify(capsys, "--online")[1]["checks"]["status"] == "pass"
    today = datetime.now(timezone.utc).date().isoformat()
    code, result, entry = verify(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert (entry["status"], entry["source"]) == ("unknown", "cached")
    assert "states no validUntil or ttl" in entry["reason"] and f"last known: pass on {today}" in entry["reason"]
    run(["verify", "--all", "--offline"])
    assert "hint: the status list could not be checked with the copy stored earlier: run again with --online" in (
        capsys.readouterr().err
    )


def test_a_cached_list_with_no_bound_still_says_revoked(stored, issuer, capsys, network):
    """Bitstring Status List v1.0 §2.1: a revocation "is not reversible"; what it last said still holds."""
    _, revoked = lists_of(issuer)
    network[LIST_URL] = revoked
    verify(capsys, "--online")
    code, result, entry = verify(capsys, "--offline")
    assert (code, result["checks"]["status"], result["in_force"]) == (ExitCode.NOT_VERIFIED, "revoked", False)
    assert "is out of date" in entry["reason"] and "never undone" in entry["reason"]


def test_a_cached_suspension_with_no_bound_is_unknown(wallet, issuer, tmp_path, capsys, network):
    """A suspension may be lifted: a stored copy that says so tells only the past."""
    key, did, vm = issuer
    credential = sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, INDEX, "suspension")), key, vm)
    run(["add", "--offline", str(write(tmp_path, "c.json", credential))])
    capsys.readouterr()
    network[LIST_URL] = sign_data_integrity(status_list(did, LIST_URL, [INDEX], purpose="suspension"), key, vm)
    assert verify(capsys, "--online")[1]["checks"]["status"] == "suspended"
    code, result, entry = verify(capsys, "--offline")
    assert result["checks"]["status"] == "unknown" and "last known: suspended on" in entry["reason"], entry


def test_a_list_that_came_with_the_credential_and_no_bound_does_not_answer(wallet, issuer, tmp_path, capsys):
    """The holder's folder (or zip) holds the credential and the issuer's list: the list is the issuer's, but it
    says what the issuer said when it was issued, not today."""
    key, did, vm = issuer
    folder = tmp_path / "from-the-holder"
    folder.mkdir()
    write(folder, "c.json", sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, INDEX)), key, vm))
    write(folder, "list.json", lists_of(issuer)[0])
    assert run(["add", "--offline", str(folder)]) == ExitCode.OK
    capsys.readouterr()
    code, result, entry = verify(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and result["checks"]["status"] == "unknown", result
    assert entry["source"] == "from-import"
    # its date is the one the issuer signed (validFrom), not the day it was imported
    assert "came inside an import (issued 2024-01-01" in entry["reason"]
    assert "last known: pass on 2024-01-01" in entry["reason"], entry["reason"]


def test_a_list_that_came_with_the_credential_answers_within_its_valid_until(wallet, issuer, tmp_path, capsys):
    key, did, vm = issuer
    archive = tmp_path / "from-the-holder.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("c.json", json.dumps(sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, INDEX)), key, vm)))
        z.writestr("list.json", json.dumps(lists_of(issuer, validUntil="2099-01-01T00:00:00Z")[0]))
    assert run(["add", "--offline", str(archive)]) == ExitCode.OK
    capsys.readouterr()
    code, result, entry = verify(capsys, "--offline")
    assert (code, result["checks"]["status"], entry["source"]) == (ExitCode.OK, "pass", "from-import")


def test_a_list_with_no_bound_the_user_keeps_or_supplies_answers_and_is_named(stored, issuer, tmp_path, capsys):
    """`documents add` and `--document` are the user's decision (FORMATS.md ranks them first): they answer, and
    the verdict says where the list came from."""
    clear, _ = lists_of(issuer)
    code, result, entry = verify(capsys, "--offline", f"--document={LIST_URL}={write(tmp_path, 's.json', clear)}")
    assert (code, result["checks"]["status"], entry["source"]) == (ExitCode.OK, "pass", "supplied")
    assert run(["documents", "add", LIST_URL, str(write(tmp_path, "kept.json", clear))]) == ExitCode.OK
    code, result, entry = verify(capsys, "--offline")
    assert (code, result["checks"]["status"], entry["source"]) == (ExitCode.OK, "pass", "kept")
    assert {"url": LIST_URL, "source": "kept"} == {k: v for k, v in result["details"]["documents"][0].items() if k != "stored_at"}


# ---- the same rule for an IETF Token Status List (draft-ietf-oauth-status-list: exp, ttl in seconds) ------------


def status_token(chain, values: list[int], **claims) -> str:
    """The issuer's Status List Token (2 bits per entry) for STATUS_URI, with the ``claims`` given (exp, ttl...)."""
    import zlib

    from test_jose_helpers import make_jws
    from test_x509_chains import STATUS_URI

    from skillwallet.verify.keys import b64url_encode

    packed = bytearray((len(values) * 2 + 7) // 8)
    for index, value in enumerate(values):
        packed[index * 2 // 8] |= value << (index * 2 % 8)
    body = {"sub": STATUS_URI, "iat": int(time.time()) - 60,
            "status_list": {"bits": 2, "lst": b64url_encode(zlib.compress(bytes(packed)))}, **claims}
    return make_jws({"alg": "ES256", "typ": "statuslist+jwt", "x5c": chain.x5c}, body, chain.leaf_key)


@pytest.fixture
def pid(wallet, tmp_path):
    """An SD-JWT VC PID whose status is entry 0, 1 or 2 of the issuer's token (x5c chain, the root as anchor)."""
    from test_x509_chains import ISSUER, with_status
    from x509_helpers import pki

    chain = pki(ISSUER)
    root = write(tmp_path, "root.pem", chain.root_pem())
    return chain, root, {idx: write(tmp_path, f"pid-{idx}.sd-jwt", with_status(chain.x5c, chain.leaf_key, idx)) for idx in range(3)}


def verify_token(capsys, root, credential, *args):
    code = run(["verify", "--json", "--trust-anchor", str(root), *map(str, args), str(credential)])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    return code, result


@pytest.mark.parametrize(("idx", "online", "offline"), [(0, "pass", "unknown"), (1, "revoked", "revoked"),
                                                        (2, "suspended", "unknown")])
def test_a_cached_status_list_token_with_no_exp_or_ttl_tells_only_the_past(idx, online, offline, pid, capsys, network):
    from test_x509_chains import STATUS_URI

    chain, root, credentials = pid
    network[STATUS_URI] = status_token(chain, [0, 1, 2]).encode()
    code, result = verify_token(capsys, root, credentials[idx], "--online")
    assert (result["verdict"], result["checks"]["status"]) == ("verified", online), result["reasons"]
    assert result["details"]["token_status"]["source"] == "fetched"
    code, result = verify_token(capsys, root, credentials[idx], "--offline")
    assert result["checks"]["status"] == offline, result["reasons"]
    assert result["details"]["token_status"]["source"] == "cached"
    words = "never undone" if offline == "revoked" else f"last known: {online} on {datetime.now(timezone.utc).date()}"
    assert any("states no exp or ttl" in r and words in r for r in result["reasons"]), result["reasons"]


def test_a_cached_status_list_token_within_its_ttl_answers(pid, capsys, network):
    from test_x509_chains import STATUS_URI

    chain, root, credentials = pid
    network[STATUS_URI] = status_token(chain, [0, 1, 2], ttl=86_400).encode()
    verify_token(capsys, root, credentials[0], "--online")
    code, result = verify_token(capsys, root, credentials[0], "--offline")
    assert (code, result["checks"]["status"]) == (ExitCode.OK, "pass"), result["reasons"]


def test_a_status_list_token_the_user_supplies_answers_without_exp_or_ttl(pid, tmp_path, capsys):
    from test_x509_chains import STATUS_URI

    chain, root, credentials = pid
    token = write(tmp_path, "status.jwt", status_token(chain, [0, 1, 2]))
    code, result = verify_token(capsys, root, credentials[0], "--offline", f"--document={STATUS_URI}={token}")
    assert (code, result["checks"]["status"], result["details"]["token_status"]["source"]) == (ExitCode.OK, "pass", "supplied")
