"""Blockcerts 2.x with the Open Badges 2.0 context the user supplies.

A 2.x certificate (an OB 2.0 assertion with a ``MerkleProof2017`` signature) names
``https://w3id.org/openbadges/v2``, which skillwallet does not ship (no copy matches its published hash, see
``NOT_SHIPPED`` in tests/verify/test_contexts.py). Its target hash can be recomputed only with a copy the user
gives (``verify --document URL=FILE``, ``documents add URL FILE``); the verdict then says the context was theirs,
with the copy's SHA-256, and stays ``unverifiable``: the blockchain anchor is not checked offline. The copy used
here is the specification repository's (fixtures/blockcerts/SOURCES.md). The certificate is built in the test and
hashed as cert-verifier-js ``computeLocalHash`` hashes a 2.x certificate: without ``signature``, URDNA2015 with
its preloaded contexts and a ``http://fallback.org/`` ``@vocab`` that any unmapped field would show up under.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from test_blockcerts_target_hash import AS_OF, FIXTURES

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify import contexts

OB2 = "https://w3id.org/openbadges/v2"
BLOCKCERTS_2 = "https://w3id.org/blockcerts/v2"
OB2_CONTEXT_FILE = FIXTURES / "openbadges-v2-context.json"
OB2_CONTEXT_SHA256 = "393a890d7d95eb3a86f5f12309648a64c2d0676e5270e2967b5341a2dcea13d2"

CERTIFICATE = {
    "@context": [OB2, BLOCKCERTS_2],
    "id": "urn:uuid:5b1c4a2e-7d3f-4e8a-9c6b-2f0e1d3a4b5c",
    "type": "Assertion",
    "recipient": {"type": "email", "identity": "ann@example.org", "hashed": False},
    "recipientProfile": {
        "type": ["RecipientProfile", "Extension"],
        "name": "Ann Lee",
        "publicKey": "ecdsa-koblitz-pubkey:mtr98kany9G1XYNU74pRnfBQmaCg2FZLmc",
    },
    "issuedOn": "2018-03-01T10:00:00+00:00",
    "badge": {
        "type": "BadgeClass",
        "id": "urn:uuid:9c2e7f41-3a5b-4d6c-8e1f-0a2b3c4d5e6f",
        "name": "Master of Data Science",
        "description": "Awarded for completing the two-year programme",
        "criteria": {"narrative": "Passed every module and defended a thesis"},
        "issuer": {
            "id": "https://issuer.example/blockcerts/issuer.json",
            "type": "Profile",
            "name": "University of Learning",
            "url": "https://issuer.example",
            "email": "registrar@issuer.example",
        },
    },
    "verification": {
        "type": ["MerkleProofVerification2017", "Extension"],
        "publicKey": "ecdsa-koblitz-pubkey:msBCHdwaQ7N2ypBYupkp6uNxtr9Pg76imj",
    },
}


def cert_verifier_js_hash(document: dict, ob2_context: dict) -> str:
    """SHA-256 of the URDNA2015 N-Quads of ``document`` (no signature) with ``ob2_context`` served for OB 2.0 and
    the shipped Blockcerts 2 context, the fallback ``@vocab`` appended as computeLocalHash appends it."""
    from pyld import jsonld

    served = {OB2: ob2_context, BLOCKCERTS_2: json.loads(contexts.context_bytes(BLOCKCERTS_2))}

    def loader(url, options=None):
        assert url in served, url  # nothing else is needed, nothing is fetched
        return {"contextUrl": None, "documentUrl": url, "document": served[url]}

    document = copy.deepcopy(document)
    document["@context"] = [*document["@context"], {"@vocab": "http://fallback.org/"}]
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    nquads = jsonld.normalize(document, options)
    assert "http://fallback.org/" not in nquads  # every field mapped: the issuer's hash covers it all
    return hashlib.sha256(nquads.encode()).hexdigest()


def issued(document: dict) -> dict:
    """``document`` issued in a three-certificate batch: its hash is a leaf of a Merkle tree whose root is
    anchored in a Bitcoin testnet transaction (Chainpoint v2 path: a right sibling, then a left one)."""
    leaf = cert_verifier_js_hash(document, json.loads(OB2_CONTEXT_FILE.read_bytes()))
    right = hashlib.sha256(b"the second certificate of the batch").hexdigest()
    left = hashlib.sha256(b"the third certificate of the batch").hexdigest()
    pair = hashlib.sha256(bytes.fromhex(leaf) + bytes.fromhex(right)).hexdigest()
    root = hashlib.sha256(bytes.fromhex(left) + bytes.fromhex(pair)).hexdigest()
    certificate = copy.deepcopy(document)
    certificate["signature"] = {
        "type": ["MerkleProof2017", "Extension"],
        "targetHash": leaf,
        "merkleRoot": root,
        "proof": [{"right": right}, {"left": left}],
        "anchors": [{"sourceId": "d75b7a5bdb3d5244b753e6b84e987267cfa4ffa7a532a2ed49ad3848be1d82f8",
                     "type": "BTCOpReturn", "chain": "bitcoinTestnet"}],
    }
    return certificate


def write(folder: Path, name: str, value) -> Path:
    path = folder / name
    path.write_bytes(value if isinstance(value, bytes) else json.dumps(value, indent=2).encode())
    return path


def verify(capsys, *args) -> tuple[int, dict, str]:
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)["results"][0], out.err


def supplied(url: str = OB2, path: Path = OB2_CONTEXT_FILE) -> str:
    return f"--document={url}={path}"


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    return write(tmp_path, "cert.json", issued(CERTIFICATE))


@pytest.fixture
def wallet_ready(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()
    return passphrase


def assert_checked_with_the_users_context(code: int, result: dict, source: str) -> None:
    assert code == ExitCode.NOT_VERIFIED  # README "Exit codes": verification ran, not verified
    assert result["verdict"] == "unverifiable", result  # never verified: the anchor is not checked offline
    checks = result["checks"]
    assert (checks["merkle_path"], checks["target_hash"], checks["anchor"]) == ("pass", "pass", "unknown"), checks
    assert checks["contexts"] == "supplied by you"
    (entry,) = [d for d in result["details"]["documents"] if d["url"] == OB2]
    assert (entry["kind"], entry["source"], entry["sha256"]) == ("context", source, OB2_CONTEXT_SHA256)
    assert result["reasons"][0] == (
        "Blockcerts 2 (MerkleProof2017): Merkle path checked, target hash checked with a JSON-LD context supplied "
        "by you, anchor on bitcoinTestnet not checked offline"
    )
    (note,) = [r for r in result["reasons"] if r.startswith("context supplied by you:")]
    assert OB2 in note and OB2_CONTEXT_SHA256 in note
    assert any(r.startswith("not checked: that merkleRoot is anchored (") for r in result["reasons"])


# --------------------------------------------------------------------------------------------------------
# the premise: the fixture is the spec repository's copy, and it is not shipped


def test_the_context_copy_is_the_spec_repositorys_and_is_not_shipped() -> None:
    data = OB2_CONTEXT_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == OB2_CONTEXT_SHA256
    canonical = json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert hashlib.sha256(canonical).hexdigest().startswith("4b5f71314b9fef23")  # as test_contexts.py records
    assert not contexts.is_shipped(OB2) and contexts.is_shipped(BLOCKCERTS_2)


# --------------------------------------------------------------------------------------------------------
# without, with --document, with documents add


def test_without_the_context_the_target_hash_is_not_checked_and_the_reason_says_how_to_supply_it(certificate, capsys):
    code, result, err = verify(capsys, certificate)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "unverifiable", result
    assert (result["checks"]["merkle_path"], result["checks"]["target_hash"]) == ("pass", "unknown")
    assert "contexts" not in result["checks"] and result["details"]["documents"] == []
    assert result["reasons"][0] == (
        "Blockcerts 2 (MerkleProof2017): Merkle path checked, target hash not checked (JSON-LD context not "
        f"available offline: {OB2}), anchor on bitcoinTestnet not checked offline"
    )
    (hint,) = [r for r in result["reasons"] if r.startswith("not checked: the certificate's own hash")]
    assert f"--document {OB2}=FILE" in hint and f"`skillwallet documents add {OB2} FILE`" in hint
    assert "never fetched" in err


def test_with_the_context_given_by_document_the_target_hash_is_checked_and_it_stays_unverifiable(certificate, capsys):
    code, result, err = verify(capsys, supplied(), certificate)
    assert_checked_with_the_users_context(code, result, "supplied")
    assert not any("not available offline" in r for r in result["reasons"]), result["reasons"]


def test_with_the_context_kept_by_documents_add_the_target_hash_is_checked(wallet_ready, certificate, tmp_path, capsys):
    assert run(["documents", "add", OB2, str(OB2_CONTEXT_FILE)]) == ExitCode.OK
    capsys.readouterr()
    for _ in range(2):  # the kept copy serves every later call
        code, result, _ = verify(capsys, certificate)
        assert_checked_with_the_users_context(code, result, "kept")
        assert any("kept with `documents add`" in r for r in result["reasons"])

    # a certificate stored in the wallet and checked again by `verify --all`
    assert run(["add", "--offline", str(certificate)]) == ExitCode.OK
    capsys.readouterr()
    code = run(["verify", "--all", "--offline", "--json", "--as-of", AS_OF])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert_checked_with_the_users_context(code, result, "kept")

    # forgetting the copy takes the check away again
    assert run(["documents", "remove", OB2]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, certificate)
    assert (code, result["verdict"], result["checks"]["target_hash"]) == (ExitCode.NOT_VERIFIED, "unverifiable", "unknown")


def test_a_supplied_file_that_is_not_a_context_is_named_not_called_missing(certificate, tmp_path, capsys):
    page = write(tmp_path, "v2.json", b"<html>moved permanently</html>")
    code, result, _ = verify(capsys, supplied(path=page), certificate)
    assert (code, result["verdict"], result["checks"]["target_hash"]) == (ExitCode.NOT_VERIFIED, "unverifiable", "unknown")
    assert f"the document supplied for the context {OB2} is not a JSON-LD context" in result["reasons"][0]
    assert not any("not available offline" in r for r in result["reasons"]), result["reasons"]


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        (("badge",), "name", "Doctor of Philosophy"),
        (("recipient",), "identity", "mallory@example.org"),
        ((), "issuedOn", "2016-03-01T10:00:00+00:00"),
        (("badge", "issuer"), "name", "Ivy League University"),
    ],
)
def test_with_the_context_one_changed_field_is_invalid(where, key, value, tmp_path, capsys):
    certificate = issued(CERTIFICATE)
    node = certificate
    for part in where:
        node = node[part]
    node[key] = value
    code, result, _ = verify(capsys, supplied(), write(tmp_path, "changed.json", certificate))
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert (result["checks"]["merkle_path"], result["checks"]["target_hash"]) == ("pass", "fail")
    assert result["checks"]["contexts"] == "supplied by you"
    (reason,) = [r for r in result["reasons"] if "target hash check failed" in r]
    assert "is not the targetHash" in reason and "read with a JSON-LD context supplied by you" in reason


# --------------------------------------------------------------------------------------------------------
# who supplies a context: only the user, only for the URL they named


@pytest.mark.parametrize(
    "other_url",
    [
        "https://openbadgespec.org/v2/context.json",  # the other URL OB 2.0 documents name for this context
        "https://w3id.org/openbadges/v1",
        "https://attacker.example/w3id.org/openbadges/v2",
    ],
)
def test_a_context_supplied_for_another_url_is_not_used_for_the_open_badges_2_context(other_url, wallet_ready,
                                                                                      certificate, capsys):
    """The right bytes under the wrong name: a copy is the user's word for one URL only, so a context given (or
    kept) for another URL never stands in for https://w3id.org/openbadges/v2, however alike they are (http and
    https are one URL for a context, as for the shipped ones: see the tests at the end)."""
    code, result, _ = verify(capsys, supplied(other_url), certificate)
    assert (code, result["verdict"], result["checks"]["target_hash"]) == (ExitCode.NOT_VERIFIED, "unverifiable", "unknown")
    assert "contexts" not in result["checks"] and result["details"]["documents"] == [], result
    assert any(f"--document {OB2}=FILE" in r for r in result["reasons"]), result["reasons"]

    assert run(["documents", "add", other_url, str(OB2_CONTEXT_FILE)]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, certificate)
    assert (result["verdict"], result["checks"]["target_hash"]) == ("unverifiable", "unknown"), result
    assert "contexts" not in result["checks"] and result["details"]["documents"] == [], result


@pytest.mark.parametrize(
    "hiding",
    [
        {"grade": None},  # the term mapped to null: JSON-LD drops the field
        {"grade": "@index"},  # an alias of @index: the value becomes an index, no statement
        {"grade": "_:b0"},  # a blank node property: no statement (JSON-LD 1.1 API §8.1)
    ],
)
def test_a_supplied_context_that_keeps_an_added_field_out_of_the_hash_does_not_help(hiding, tmp_path, capsys):
    """An attacker adds a field the wallet could show and persuades the user to take a context that keeps it out
    of the N-Quads, so the changed certificate would hash like the issued one: the field is not covered, and the
    certificate is invalid rather than checked."""
    context = json.loads(OB2_CONTEXT_FILE.read_bytes())
    context["@context"].update(hiding)
    certificate = issued(CERTIFICATE)
    certificate["grade"] = "A+ with distinction"
    evil = write(tmp_path, "ob2-context.json", context)
    code, result, _ = verify(capsys, supplied(path=evil), write(tmp_path, "forged.json", certificate))
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert result["checks"]["target_hash"] == "fail" and result["checks"]["contexts"] == "supplied by you"


# --------------------------------------------------------------------------------------------------------
# what the verdict says: the hint after it, the proof a supplied context is covered by, a field mapped to null


def hints_of(err: str) -> list[str]:
    return [line.removeprefix("hint: ") for line in err.splitlines() if line.startswith("hint: ")]


@pytest.mark.parametrize("network", ["--offline", "--online"])
@pytest.mark.parametrize("with_context", [True, False])
@pytest.mark.parametrize("as_json", [True, False])
def test_the_hint_after_a_blockcerts_verdict_never_offers_online(network, with_context, as_json, certificate, capsys,
                                                                 monkeypatch):
    """Neither the anchor nor the issuer's revocation list of a Blockcerts certificate is checked, online or
    offline, so --online cannot change the verdict: the hint says what would (a verifier that reads the
    blockchain), and offers no flag. Online, nothing is fetched (the conftest fails any connection)."""
    monkeypatch.delenv("SKILLWALLET_OFFLINE", raising=False)
    args = ["verify", network, "--as-of", AS_OF, *([supplied()] if with_context else []), str(certificate)]
    code = run(args + (["--json"] if as_json else []))
    err = capsys.readouterr().err
    assert code == ExitCode.NOT_VERIFIED and "Traceback" not in err
    hints = hints_of(err)
    assert [h for h in hints if "--online" in h] == [], hints
    (anchor,) = [h for h in hints if "Blockcerts" in h and "blockchain" in h]
    assert "anchor" in anchor and "revocation list" in anchor and "not checked" in anchor, anchor
    # the one thing that can change a check here: the context, when it is missing
    assert any("--document URL=FILE" in h for h in hints) == (not with_context), hints


def test_a_changed_certificate_is_invalid_and_gets_no_anchor_hint(tmp_path, capsys):
    certificate = issued(CERTIFICATE)
    certificate["badge"]["name"] = "Doctor of Philosophy"
    code = run(["verify", "--offline", "--as-of", AS_OF, supplied(), str(write(tmp_path, "changed.json", certificate))])
    err = capsys.readouterr().err
    assert code == ExitCode.NOT_VERIFIED and "target hash check failed" in err
    assert not any("blockchain" in h or "--online" in h for h in hints_of(err)), err


def test_the_note_on_the_supplied_context_speaks_of_the_anchored_hash_not_a_signature(certificate, capsys):
    """A Blockcerts certificate has no issuer signature: its targetHash, anchored on a chain, is what covers the
    statements the user's copy of the context reads."""
    _, result, _ = verify(capsys, supplied(), certificate)
    (note,) = [r for r in result["reasons"] if r.startswith("context supplied by you:")]
    assert "signature" not in note, note
    assert note.endswith(
        "which is your choice: the certificate's targetHash, which its issuer anchors on a blockchain, covers the "
        "statements read with it, not the copy itself"
    ), note


def test_fields_a_supplied_context_maps_to_null_are_named(tmp_path, capsys):
    """JSON-LD drops a field whose term a context maps to null (JSON-LD 1.1 §4.1.4): the reason names each such
    field by its key, at the top and nested, never "None"."""
    context = json.loads(OB2_CONTEXT_FILE.read_bytes())
    context["@context"].update({"grade": None, "honours": {"@id": None}})
    certificate = issued(CERTIFICATE)
    certificate["grade"] = "A+ with distinction"
    certificate["badge"]["honours"] = "summa cum laude"
    evil = write(tmp_path, "ob2-context.json", context)
    code, result, _ = verify(capsys, supplied(path=evil), write(tmp_path, "forged.json", certificate))
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    (reason,) = [r for r in result["reasons"] if "target hash check failed" in r]
    assert reason.endswith(": grade (mapped to null), honours (mapped to null)"), reason
    assert "None" not in reason


# --------------------------------------------------------------------------------------------------------
# http and https name one context, for the user's copy as for the shipped ones


OB2_HTTP = "http://w3id.org/openbadges/v2"


def assert_read_with_the_copy_given_under(given: str, code: int, result: dict, source: str) -> None:
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "unverifiable", result
    assert (result["checks"]["target_hash"], result["checks"]["contexts"]) == ("pass", "supplied by you"), result
    (entry,) = [d for d in result["details"]["documents"] if d.get("kind") == "context"]
    assert (entry["url"], entry["source"], entry["sha256"]) == (given, source, OB2_CONTEXT_SHA256), entry
    (note,) = [r for r in result["reasons"] if r.startswith("context supplied by you:")]
    how = "given with --document" if source == "supplied" else "kept with `documents add`"
    assert note.startswith(f"context supplied by you: {given} ({how}, sha256 {OB2_CONTEXT_SHA256});"), note


def test_a_context_given_for_the_http_spelling_serves_the_https_one(wallet_ready, certificate, capsys):
    """Stored documents keep the URL as given; a context is one document under http and https (as
    contexts.normalise_context_url has it for the shipped copies), and the verdict names the URL given."""
    code, result, _ = verify(capsys, supplied(OB2_HTTP), certificate)
    assert_read_with_the_copy_given_under(OB2_HTTP, code, result, "supplied")

    assert run(["documents", "add", OB2_HTTP, str(OB2_CONTEXT_FILE)]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, certificate)
    assert_read_with_the_copy_given_under(OB2_HTTP, code, result, "kept")


def test_a_certificate_naming_the_http_spelling_is_read_with_the_copy_given_for_https(tmp_path, capsys):
    certificate = issued(CERTIFICATE)
    certificate["@context"] = [OB2_HTTP, BLOCKCERTS_2]  # the context's URL is no statement: the hash is the same
    code, result, _ = verify(capsys, supplied(OB2), write(tmp_path, "http.json", certificate))
    assert_read_with_the_copy_given_under(OB2, code, result, "supplied")


def test_the_copy_given_for_this_call_beats_the_one_kept_under_the_other_spelling(wallet_ready, certificate,
                                                                                  tmp_path, capsys):
    other = json.loads(OB2_CONTEXT_FILE.read_bytes())
    other["@context"]["grade"] = "http://example.org/grade"
    assert run(["documents", "add", OB2, str(write(tmp_path, "other.json", other))]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, supplied(OB2_HTTP), certificate)
    assert_read_with_the_copy_given_under(OB2_HTTP, code, result, "supplied")


def test_two_different_copies_under_the_two_spellings_are_refused_not_picked_from(wallet_ready, certificate,
                                                                                  tmp_path, capsys):
    """With one copy under http and another under https, the certificate's author would choose which one reads
    it by spelling its @context: neither is used, and the reason says why."""
    other = json.loads(OB2_CONTEXT_FILE.read_bytes())
    other["@context"]["grade"] = "http://example.org/grade"
    other_file = write(tmp_path, "other.json", other)
    for spelling in (OB2, OB2_HTTP):
        document = issued(CERTIFICATE)
        document["@context"] = [spelling, BLOCKCERTS_2]
        path = write(tmp_path, "spelled.json", document)
        for args in ([supplied(OB2_HTTP), supplied(OB2, other_file)], [supplied(OB2_HTTP, other_file), supplied(OB2)]):
            code, result, _ = verify(capsys, *args, path)
            assert (code, result["verdict"]) == (ExitCode.NOT_VERIFIED, "unverifiable"), result
            assert result["checks"]["target_hash"] == "unknown" and "contexts" not in result["checks"], result
            assert "two different copies are supplied for the JSON-LD context" in result["reasons"][0]
            assert OB2 in result["reasons"][0] and OB2_HTTP in result["reasons"][0]

    # kept under both spellings: the same
    assert run(["documents", "add", OB2, str(other_file)]) == ExitCode.OK
    assert run(["documents", "add", OB2_HTTP, str(OB2_CONTEXT_FILE)]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, certificate)
    assert result["checks"]["target_hash"] == "unknown" and "two different copies" in result["reasons"][0], result

    # the same bytes under both spellings are one copy
    assert run(["documents", "add", "--force", OB2, str(OB2_CONTEXT_FILE)]) == ExitCode.OK
    capsys.readouterr()
    code, result, _ = verify(capsys, certificate)
    assert_read_with_the_copy_given_under(OB2, code, result, "kept")
