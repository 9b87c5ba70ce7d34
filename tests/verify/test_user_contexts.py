"""JSON-LD contexts the user supplies: `verify --document CONTEXT_URL=FILE` and `documents add CONTEXT_URL FILE`.

A credential in the wild may name a context skillwallet does not ship. Contexts are never fetched, so it is
unverifiable until the user gives a copy they trust; with that copy it verifies, and the verdict says the
context was the user's choice, with the copy's SHA-256. A shipped context always wins, a supplied context is
held to the rules a credential's own inline context is, and a result computed with one is never cached.
Every credential here is signed in the test with a fresh Ed25519 key (did:key), over the custom context.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fixtures.di.helpers import did_key_for as did_key

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify import data_integrity as di
from skillwallet.verify import jsonld
from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

COURSE_URL = "https://example.edu/contexts/course-v1.jsonld"
VOCAB = "https://example.edu/vocab#"
COURSE_CONTEXT = {
    "@context": {
        "@version": 1.1,
        "@protected": True,
        "CourseCompletionCredential": f"{VOCAB}CourseCompletionCredential",
        "courseCode": f"{VOCAB}courseCode",
        "grade": f"{VOCAB}grade",
    }
}


class _Supplied:
    """What a resolver offers the JSON-LD loader: the issuer's own copy of the context, to sign with."""

    def __init__(self, documents: dict[str, dict]):
        self.documents = {url: json.dumps(doc).encode() for url, doc in documents.items()}

    def user_context(self, url: str) -> bytes | None:
        return self.documents.get(url)


def sign_with_contexts(document: dict, key: Ed25519PrivateKey, vm: str, contexts: dict[str, dict]) -> dict:
    """eddsa-rdfc-2022 over ``document`` read with ``contexts`` (what the issuer published) besides the shipped."""
    with jsonld.user_contexts(_Supplied(contexts)):
        return di.sign_data_integrity(document, key, vm)


def course_credential(issuer: str, *extra_contexts: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", COURSE_URL, *extra_contexts],
        "id": "urn:uuid:2f1c7d52-6f0e-4b8e-9d1a-3c5e7a9b1d20",
        "type": ["VerifiableCredential", "CourseCompletionCredential"],
        "issuer": issuer,
        "name": "Introduction to Cryptography",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "courseCode": "CS-204", "grade": "A"},
    }


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: COURSE_CONTEXT})
    path = tmp_path / "course.json"
    path.write_text(json.dumps(credential, indent=2))
    return path


def write(folder: Path, name: str, value) -> Path:
    path = folder / name
    path.write_bytes(value if isinstance(value, bytes) else json.dumps(value, indent=2).encode())
    return path


def verify(capsys, *args: str) -> tuple[int, dict, str]:
    code = run(["verify", "--json", "--offline", *map(str, args)])
    out = capsys.readouterr()
    return code, json.loads(out.out)["results"][0], out.err


def verify_text(capsys, *args: str) -> tuple[int, str, str]:
    code = run(["verify", "--offline", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def wallet_ready(passphrase):
    Wallet.init(paths.wallet_home(), passphrase).close()
    return passphrase


# --------------------------------------------------------------------------------------------------------
# without, with, and with the wrong context


def test_without_the_context_the_credential_is_unverifiable_and_the_reason_says_how_to_supply_it(signed, capsys):
    code, result, err = verify(capsys, signed)
    assert code == ExitCode.NOT_VERIFIED
    assert result["verdict"] == "unverifiable", result
    (reason,) = [r for r in result["reasons"] if COURSE_URL in r]
    assert f"--document {COURSE_URL}=FILE" in reason and "documents add" in reason
    assert "never fetched" in err and "--online" not in err  # a context is not fetched: --online would not help


def test_with_the_supplied_context_it_verifies_and_says_the_context_was_the_users_choice(signed, tmp_path, capsys):
    context_file = write(tmp_path, "course-v1.jsonld", COURSE_CONTEXT)
    digest = hashlib.sha256(context_file.read_bytes()).hexdigest()
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={context_file}", signed)
    assert (code, result["verdict"]) == (ExitCode.OK, "verified"), result
    assert result["checks"]["signature"] == "pass" and result["checks"]["contexts"] == "supplied by you"
    assert {"url": COURSE_URL, "source": "supplied", "stored_at": None, "kind": "context",
            "sha256": digest} in result["details"]["documents"]
    (reason,) = [r for r in result["reasons"] if "context supplied by you" in r]
    assert COURSE_URL in reason and digest in reason and "your choice" in reason

    code, out, err = verify_text(capsys, f"--document={COURSE_URL}={context_file}", signed)
    assert code == ExitCode.OK
    assert "supplied by you" in out  # the contexts column of the table
    assert f"context supplied by you: {COURSE_URL}" in err
    assert f"{COURSE_URL} (supplied context, sha256 {digest})" in err


def test_a_context_that_differs_from_the_one_signed_with_makes_the_signature_invalid(signed, tmp_path, capsys):
    """Changing what a term means changes the signed statements: the credential no longer matches its proof."""
    other = copy.deepcopy(COURSE_CONTEXT)
    other["@context"]["grade"] = "https://attacker.example/vocab#grade"
    context_file = write(tmp_path, "other.jsonld", other)
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={context_file}", signed)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert result["checks"]["signature"] == "fail" and result["checks"]["contexts"] == "supplied by you"


def test_one_process_two_calls_two_contexts_no_result_carried_over(signed, tmp_path, capsys):
    """Nothing read with a supplied context is kept for a later call (pyld's caches, the memo, the hash cache)."""
    good = write(tmp_path, "good.jsonld", COURSE_CONTEXT)
    other = copy.deepcopy(COURSE_CONTEXT)
    other["@context"]["courseCode"] = "https://attacker.example/vocab#courseCode"
    bad = write(tmp_path, "bad.jsonld", other)
    assert verify(capsys, f"--document={COURSE_URL}={good}", signed)[1]["verdict"] == "verified"
    assert verify(capsys, f"--document={COURSE_URL}={bad}", signed)[1]["verdict"] == "invalid"
    assert verify(capsys, signed)[1]["verdict"] == "unverifiable"
    assert verify(capsys, f"--document={COURSE_URL}={good}", signed)[1]["verdict"] == "verified"


def test_a_supplied_file_that_is_not_a_context_is_named(signed, tmp_path, capsys):
    not_json = write(tmp_path, "course.jsonld", b"<html>not found</html>")
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={not_json}", signed)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "unverifiable", result
    assert any(f"the document supplied for the context {COURSE_URL} is not a JSON-LD context" in r
               for r in result["reasons"]), result


# --------------------------------------------------------------------------------------------------------
# a shipped context always wins


@pytest.mark.parametrize("url", [
    "https://www.w3.org/ns/credentials/v2",
    "http://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://www.w3.org/2018/credentials/v1#fragment",
])
def test_a_document_for_a_shipped_context_is_refused_on_the_command_line(url, signed, tmp_path, capsys):
    forged = write(tmp_path, "v2.jsonld", {"@context": {"@vocab": "https://attacker.example/#"}})
    code = run(["verify", "--offline", f"--document={url}={forged}", str(signed)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert err.startswith("error: ") and "skillwallet ships" in err and "Traceback" not in err


def test_documents_add_refuses_a_shipped_context_and_keeps_nothing(wallet_ready, tmp_path, capsys):
    forged = write(tmp_path, "v2.jsonld", {"@context": {"@vocab": "https://attacker.example/#"}})
    code = run(["documents", "add", "https://www.w3.org/ns/credentials/v2", str(forged)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE and "skillwallet ships" in err
    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as w:
        assert list(w.items(DOCUMENTS_COLLECTION)) == []


def test_a_kept_record_under_a_shipped_url_is_never_a_context(wallet_ready, signed, tmp_path, capsys):
    """Defence in depth: a record that reached the wallet some other way (an older version, a damaged store)
    for a shipped URL is still never used as that context."""
    from skillwallet.verify.resolver import SOURCE_ADDED, document_record

    url = "https://www.w3.org/ns/credentials/v2"
    forged = json.dumps({"@context": {"@vocab": "https://attacker.example/#"}}).encode()
    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as w:
        w.put(DOCUMENTS_COLLECTION, url, document_record(url, forged, source=SOURCE_ADDED))
    from skillwallet.verify.resolver import DocumentResolver

    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as w:
        resolver = DocumentResolver(offline=True, wallet=w)
        assert resolver.user_context(url) is None and resolver.log == []


# --------------------------------------------------------------------------------------------------------
# kept with `documents add`, across calls, and never cached


def test_a_context_kept_with_documents_add_is_used_by_later_calls(wallet_ready, signed, tmp_path, capsys):
    context_file = write(tmp_path, "course-v1.jsonld", COURSE_CONTEXT)
    digest = hashlib.sha256(context_file.read_bytes()).hexdigest()
    assert run(["documents", "add", COURSE_URL, str(context_file)]) == ExitCode.OK
    capsys.readouterr()
    for _ in range(2):  # two calls: the kept copy, not anything left over from the first
        code, result, _ = verify(capsys, signed)
        assert (code, result["verdict"]) == (ExitCode.OK, "verified"), result
        assert result["checks"]["contexts"] == "supplied by you"
        (entry,) = [d for d in result["details"]["documents"] if d["url"] == COURSE_URL]
        assert (entry["source"], entry["kind"], entry["sha256"]) == ("kept", "context", digest)
        assert any("kept with `documents add`" in r and digest in r for r in result["reasons"])

    # --document for this call outranks the kept copy
    other = copy.deepcopy(COURSE_CONTEXT)
    other["@context"]["grade"] = "https://attacker.example/vocab#grade"
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'o.jsonld', other)}", signed)
    assert result["verdict"] == "invalid" and result["details"]["documents"][0]["source"] == "supplied", result


def test_a_stored_credential_verified_with_a_kept_context_is_not_cached_with_it(wallet_ready, signed, tmp_path, capsys):
    """`verify --all` keeps canonical hashes per credential; one computed with the user's context must not be
    reused once the user keeps another copy (the cache is keyed by the document, not by its contexts)."""
    good = write(tmp_path, "good.jsonld", COURSE_CONTEXT)
    assert run(["documents", "add", COURSE_URL, str(good)]) == ExitCode.OK
    assert run(["add", "--offline", str(signed)]) == ExitCode.OK
    capsys.readouterr()
    code = run(["verify", "--all", "--json", "--offline"])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert (code, result["verdict"], result["checks"]["contexts"]) == (ExitCode.OK, "verified", "supplied by you")

    other = copy.deepcopy(COURSE_CONTEXT)
    other["@context"]["courseCode"] = "https://attacker.example/vocab#courseCode"
    assert run(["documents", "add", "--force", COURSE_URL, str(write(tmp_path, "bad.jsonld", other))]) == ExitCode.OK
    capsys.readouterr()
    code = run(["verify", "--all", "--json", "--offline"])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert (code, result["verdict"]) == (ExitCode.NOT_VERIFIED, "invalid"), result


# --------------------------------------------------------------------------------------------------------
# the same JSON-LD rules as a credential's own context


@pytest.mark.parametrize("definition, construct", [
    ({"courseCode": "@index"}, "alias of @index"),
    ({"courseCode": {"@id": "@nest"}}, "alias of @nest"),
    ({"courseCode": "@json"}, "alias of @json"),
    ({"courseCode": "@none"}, "alias of @none"),
    ({"courseCode": {"@id": f"{VOCAB}courseCode", "@container": "@index"}}, "@index container"),
    ({"courseCode": "_:b0"}, "blank node"),
    ({"CourseCompletionCredential": {"@id": f"{VOCAB}CourseCompletionCredential",
                                     "@context": {"grade": "@index"}}}, "alias of @index"),
])
def test_a_supplied_context_that_keeps_json_out_of_the_signature_is_refused(definition, construct, tmp_path, capsys):
    """An attacker's context could make a field shown to the user produce no signed statement: the credential,
    signed by the attacker with that very context, must still not verify."""
    context = copy.deepcopy(COURSE_CONTEXT)
    context["@context"].update(definition)
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = course_credential(issuer)
    # signed over what the signature covers; the unsigned part is whatever that construct hides
    with jsonld.user_contexts(_Supplied({COURSE_URL: context})):
        try:
            credential = di.sign_data_integrity(credential, key, vm)
        except Exception:  # noqa: BLE001 - the signer refuses too; give the proof of the plain context
            credential = sign_with_contexts(credential, key, vm, {COURSE_URL: COURSE_CONTEXT})
    path = write(tmp_path, "c.json", credential)
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'ctx.jsonld', context)}", path)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] != "verified", result
    assert any(f"the context supplied for {COURSE_URL}" in r and construct in r for r in result["reasons"]), result


def test_a_supplied_context_cannot_redefine_a_protected_vc_term(tmp_path, capsys):
    """The VC 2.0 context protects its terms (JSON-LD 1.1 §4.1.11): a later context redefining `name` is an
    error, not a new meaning for the title the wallet shows."""
    context = copy.deepcopy(COURSE_CONTEXT)
    context["@context"]["name"] = "https://attacker.example/vocab#notTheTitle"
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: COURSE_CONTEXT})
    path = write(tmp_path, "c.json", credential)
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'ctx.jsonld', context)}", path)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert any("protected term redefinition" in r for r in result["reasons"]), result


def test_a_supplied_context_cannot_clear_the_protected_terms_with_a_null_context(tmp_path, capsys):
    context = {"@context": [None, {"name": "https://attacker.example/vocab#notTheTitle",
                                   "courseCode": f"{VOCAB}courseCode", "grade": f"{VOCAB}grade"}]}
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: COURSE_CONTEXT})
    path = write(tmp_path, "c.json", credential)
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'ctx.jsonld', context)}", path)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result


# --------------------------------------------------------------------------------------------------------
# contexts a supplied context imports


def test_an_import_of_a_context_neither_shipped_nor_supplied_names_the_missing_url(tmp_path, capsys):
    base_url = "https://example.edu/contexts/base-v1.jsonld"
    base = {"@context": {"courseCode": f"{VOCAB}courseCode"}}
    importing = {"@context": {"@import": base_url, "grade": f"{VOCAB}grade",
                              "CourseCompletionCredential": f"{VOCAB}CourseCompletionCredential"}}
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: importing, base_url: base})
    path = write(tmp_path, "c.json", credential)
    course = f"--document={COURSE_URL}={write(tmp_path, 'course.jsonld', importing)}"

    code, result, _ = verify(capsys, course, path)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "unverifiable", result
    assert any(base_url in r and f"--document {base_url}=FILE" in r for r in result["reasons"]), result

    code, result, _ = verify(capsys, course, f"--document={base_url}={write(tmp_path, 'base.jsonld', base)}", path)
    assert (code, result["verdict"]) == (ExitCode.OK, "verified"), result
    assert {d["url"] for d in result["details"]["documents"] if d.get("kind") == "context"} == {COURSE_URL, base_url}


def test_a_supplied_context_importing_a_shipped_one_leaves_the_shipped_one_unchanged(tmp_path, capsys):
    """pyld merges an @import into the cached imported context in place; a supplied context importing ODRL must
    not change ODRL for the next credential (here: define a term that credential leaves undefined)."""
    odrl = "https://www.w3.org/ns/odrl.jsonld"
    importing = {"@context": {"@import": odrl, "courseCode": f"{VOCAB}courseCode", "grade": f"{VOCAB}grade",
                              "CourseCompletionCredential": f"{VOCAB}CourseCompletionCredential",
                              "smuggled": "https://attacker.example/vocab#smuggled"}}
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    first = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: importing})
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'i.jsonld', importing)}",
                             write(tmp_path, "first.json", first))
    assert result["verdict"] == "verified", result

    # a VC 1.1 credential reading ODRL itself, with a property ODRL does not define
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1", odrl],
        "type": ["VerifiableCredential"], "issuer": "did:example:issuer", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}, "smuggled": "unsigned",
    }
    _, dropped = jsonld.expand(document)
    assert dropped == ["smuggled"]


def test_a_credentials_own_import_leaves_the_imported_shipped_context_unchanged():
    """The same for a credential's inline context: one credential in a batch cannot change what the next one's
    shipped context defines (pyld's in-place merge left ODRL unusable for the next document)."""
    odrl = "https://www.w3.org/ns/odrl.jsonld"
    first = {
        "@context": ["https://www.w3.org/2018/credentials/v1", {"@import": odrl, "smuggled": "https://attacker.example/s"}],
        "type": ["VerifiableCredential"], "issuer": "did:example:issuer", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}, "smuggled": "signed here",
    }
    expanded, dropped = jsonld.expand(first)
    assert dropped == [] and "https://attacker.example/s" in json.dumps(expanded)
    second = {
        "@context": ["https://www.w3.org/2018/credentials/v1", odrl],
        "type": ["VerifiableCredential"], "issuer": "did:example:issuer", "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"}, "smuggled": "unsigned",
    }
    assert jsonld.expand(second)[1] == ["smuggled"]
    assert first["@context"][1] == {"@import": odrl, "smuggled": "https://attacker.example/s"}  # caller's copy intact


@pytest.mark.parametrize("shape", ["cycle", "import-in-import"])
def test_imports_that_loop_or_nest_are_refused_not_followed(shape, tmp_path, capsys):
    """JSON-LD 1.1 API §4.1.2 5.6.6: an imported context holds no @import; a loop through scoped contexts ends."""
    other_url = "https://example.edu/contexts/other-v1.jsonld"
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    credential = sign_with_contexts(course_credential(issuer), key, vm, {COURSE_URL: COURSE_CONTEXT})
    course = copy.deepcopy(COURSE_CONTEXT)
    if shape == "cycle":  # course imports other, whose scoped context imports course
        course["@context"]["@import"] = other_url
        other = {"@context": {"thing": {"@id": f"{VOCAB}thing", "@context": {"@import": COURSE_URL}}}}
    else:  # course imports other, which imports course
        course["@context"]["@import"] = other_url
        other = {"@context": {"@import": COURSE_URL}}
    code, result, _ = verify(capsys, f"--document={COURSE_URL}={write(tmp_path, 'c.jsonld', course)}",
                             f"--document={other_url}={write(tmp_path, 'o.jsonld', other)}",
                             write(tmp_path, "c.json", credential))
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] != "verified", result
    assert any("@import" in r for r in result["reasons"]), result


def test_a_presentation_of_a_credential_with_a_kept_context_can_be_signed_and_verified(wallet_ready, tmp_path, capsys):
    """The holder's own presentation reads the credential with the context the holder keeps (and only that: the
    export never fetches one); a verifier with the same copy verifies both proofs, and is told whose copy it was."""
    with Wallet.open(paths.wallet_home(), passphrase=wallet_ready) as w:
        holder = w.holder_did
    key = Ed25519PrivateKey.generate()
    issuer, vm = did_key(key)
    document = course_credential(issuer)
    document["credentialSubject"]["id"] = holder
    credential = write(tmp_path, "mine.json", sign_with_contexts(document, key, vm, {COURSE_URL: COURSE_CONTEXT}))
    context_file = write(tmp_path, "course-v1.jsonld", COURSE_CONTEXT)
    assert run(["add", "--offline", str(credential)]) == ExitCode.OK
    assert run(["export", "--presentation", "-o", str(tmp_path / "vp.json")]) == ExitCode.EXPORT  # no copy kept
    assert f"JSON-LD context not available offline: {COURSE_URL}" in capsys.readouterr().err

    assert run(["documents", "add", COURSE_URL, str(context_file)]) == ExitCode.OK
    assert run(["export", "--presentation", "-o", str(tmp_path / "vp.json")]) == ExitCode.OK
    capsys.readouterr()
    code = run(["verify", "--json", "--offline", str(tmp_path / "vp.json")])
    presentation, inner = json.loads(capsys.readouterr().out)["results"]
    assert code == ExitCode.OK and (presentation["verdict"], inner["verdict"]) == ("verified", "verified")
    assert presentation["checks"]["contexts"] == inner["checks"]["contexts"] == "supplied by you"
