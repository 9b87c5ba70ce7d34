"""Documents planted through `add`: whatever arrives inside an import is not the issuer's word.

An attacker hands the holder an archive. Nothing in it may become a DID document, a key, an issuer profile or
a context; a status list in it is used only for credentials whose own issuer signed it, and never outranks a
list fetched from its URL or supplied on purpose (`--document`, `documents add`).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from attacker import (
    LIST_URL,
    UNIVERSITY,
    UNIVERSITY_DID_URL,
    controller_document,
    did_key_for,
    make_jws,
    ob3_credential,
    sign_data_integrity,
    sign_di_with_contexts,
    status_entry,
    status_list,
    university_document,
    write,
)
from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.store import Wallet
from skillwallet.verify import resolver as resolver_module
from skillwallet.verify.resolver import DOCUMENTS_COLLECTION

PROFILE = "https://university.example/issuer"


def archive(folder: Path, name: str, files: dict[str, object]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, value in files.items():
            zf.writestr(member, value if isinstance(value, (bytes, str)) else json.dumps(value, indent=2))
    return path


def add(capsys, *args):
    code = run(["add", "--json", *map(str, args)])
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip() else None, out.err


def verify_all(capsys, *args):
    code = run(["verify", "--all", "--json", *map(str, args)])
    out = capsys.readouterr()
    return code, json.loads(out.out)["results"]


def documents_kept(passphrase) -> dict[str, dict]:
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as w:
        return {key: record for key, record in w.items(DOCUMENTS_COLLECTION) if isinstance(record, dict)}


# --------------------------------------------------------------------------------------------------------
# a "status list" that is really the university's DID document (or controller document)


def planted_did_document(key: Ed25519PrivateKey, doc_id: str) -> dict:
    """A file typed as a status list credential that is, to a DID resolver, the university's document with the
    attacker's key."""
    planted = controller_document(doc_id, key)
    planted["@context"] = ["https://www.w3.org/ns/credentials/v2", *planted["@context"]]
    planted.update(status_list(doc_id, doc_id, [], id=doc_id))
    return planted


@pytest.mark.parametrize("issuer", [UNIVERSITY, PROFILE], ids=["did-web", "https-controller-document"])
def test_a_status_list_posing_as_the_universitys_document_is_not_a_document(issuer, wallet, tmp_path, capsys, network):
    key = Ed25519PrivateKey.generate()
    forged = sign_data_integrity(ob3_credential(issuer), key, f"{issuer}#k1")
    zip_path = archive(tmp_path, "transcript.zip", {"degree.json": forged, "list.json": planted_did_document(key, issuer)})
    code, report, err = add(capsys, "--offline", zip_path)
    (degree,) = [r for r in report["results"] if r["status"] == "added"]
    assert degree["verdict"] != "verified", report

    code, results = verify_all(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and results[0]["verdict"] == "unverifiable", results
    assert "from-import" not in {d["source"] for d in results[0]["details"]["documents"]}
    for record in documents_kept(wallet).values():
        assert record["source"] == "from-import"  # kept, if at all, only for status checks

    # online, the university's real document answers; the planted copy never outranks it
    real = university_document() if issuer == UNIVERSITY else controller_document(PROFILE, Ed25519PrivateKey.generate())
    network[UNIVERSITY_DID_URL if issuer == UNIVERSITY else PROFILE] = real
    code, results = verify_all(capsys, "--online")
    assert code == ExitCode.NOT_VERIFIED and results[0]["verdict"] == "invalid", results
    assert {"url": resolver_module.normalize_document_url(UNIVERSITY_DID_URL if issuer == UNIVERSITY else PROFILE),
            "source": "fetched", "stored_at": None} in results[0]["details"]["documents"]


def test_a_did_web_status_list_id_is_not_kept(wallet, tmp_path, capsys):
    key = Ed25519PrivateKey.generate()
    zip_path = archive(tmp_path, "a.zip", {"list.json": planted_did_document(key, UNIVERSITY),
                                           "b.json": sign_data_integrity(ob3_credential(did_key_for(key)[0]), key, did_key_for(key)[1])})
    code, report, _ = add(capsys, "--offline", zip_path)
    (refused,) = [r for r in report["results"] if r["status"] == "supporting"]
    assert "not an https URL: not kept" in refused["reason"]
    assert documents_kept(wallet) == {}


# --------------------------------------------------------------------------------------------------------
# Open Badges 2.0: an issuer profile and key shipped beside a signed assertion


def ob2_archive(folder: Path, attacker: rsa.RSAPrivateKey) -> Path:
    badge, key_url = "https://university.example/badges/md.json", "https://university.example/keys/1.json"
    context = "https://w3id.org/openbadges/v2"
    assertion = {
        "@context": context, "type": "Assertion", "id": "urn:uuid:5d2b1f0e-8f8e-4f0c-9d4e-2b6a1c3d4e5f",
        "recipient": {"type": "email", "hashed": False, "identity": "mallory@example.org"},
        "badge": badge, "issuedOn": "2024-05-01T00:00:00Z",
        "verification": {"type": "SignedBadge", "creator": key_url},
    }
    pem = attacker.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    return archive(folder, "badge.zip", {
        "assertion.jws": make_jws({"alg": "RS256"}, assertion, attacker),
        "badgeclass.json": {"@context": context, "type": "BadgeClass", "id": badge, "name": "Doctor of Medicine",
                            "issuer": PROFILE},
        "issuer.json": {"@context": context, "type": "Issuer", "id": PROFILE, "name": "Example University",
                        "publicKey": key_url},
        "key.json": {"@context": context, "type": "CryptographicKey", "id": key_url, "owner": PROFILE, "publicKeyPem": pem},
    })


def test_ob2_issuer_profile_and_key_in_the_archive_do_not_vouch_for_the_signature(wallet, tmp_path, capsys):
    zip_path = ob2_archive(tmp_path, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    code, report, _ = add(capsys, "--offline", zip_path)
    (added,) = [r for r in report["results"] if r["status"] == "added"]
    assert added["verdict"] != "verified", report
    code, results = verify_all(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and results[0]["verdict"] != "verified", results


# --------------------------------------------------------------------------------------------------------
# an attacker-signed list for a real issuer's status URL, every bit set


@pytest.fixture
def genuine(tmp_path):
    """A genuine credential of an issuer whose list (all clear) is published at LIST_URL. The issuer's key is
    generated here and used only to make the genuine credential and list, never by the attacker."""
    issuer_key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(issuer_key)
    credential = sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 42)), issuer_key, vm)
    real_list = sign_data_integrity(status_list(did, LIST_URL, []), issuer_key, vm)
    return write(tmp_path, "genuine.json", credential), write(tmp_path, "real-list.json", real_list), real_list


def attacker_list_archive(folder: Path) -> Path:
    attacker = Ed25519PrivateKey.generate()
    did, vm = did_key_for(attacker)
    return archive(folder, "lists.zip", {"status.json": sign_data_integrity(status_list(did, LIST_URL, every_bit=True), attacker, vm)})


def test_an_imported_list_signed_by_someone_else_revokes_nothing(wallet, tmp_path, capsys, genuine, network):
    credential, real_list_file, real_list = genuine
    assert add(capsys, "--offline", credential)[0] == ExitCode.OK
    code, report, _ = add(capsys, "--offline", attacker_list_archive(tmp_path))
    assert report["summary"]["supporting"] == 1

    code, (result,) = verify_all(capsys, "--offline")
    assert result["verdict"] == "verified"
    assert result["checks"]["status"] == "unknown", result  # not revoked: the attacker's word is not taken
    assert documents_kept(wallet)[LIST_URL]["source"] == "from-import"
    (entry,) = result["details"]["status_entries"]
    assert entry["source"] == "from-import" and "not by the credential's issuer" in entry["reason"]

    # the issuer's own list, supplied for this call, answers
    code, (result,) = verify_all(capsys, "--offline", f"--document={LIST_URL}={real_list_file}")
    assert (code, result["checks"]["status"]) == (ExitCode.OK, "pass"), result

    # and fetched from its URL it answers too, and replaces the imported copy
    network[LIST_URL] = real_list
    code, (result,) = verify_all(capsys, "--online")
    assert (code, result["checks"]["status"]) == (ExitCode.OK, "pass"), result
    assert documents_kept(wallet)[LIST_URL]["source"] == "fetched"


def test_an_imported_list_does_not_replace_one_the_user_added(wallet, tmp_path, capsys, genuine):
    credential, real_list_file, _ = genuine
    assert run(["documents", "add", LIST_URL, str(real_list_file)]) == ExitCode.OK
    add(capsys, "--offline", credential)
    code, report, _ = add(capsys, "--offline", attacker_list_archive(tmp_path))
    (kept,) = [r for r in report["results"] if r["status"] == "supporting"]
    assert "not kept" in kept["reason"]
    assert documents_kept(wallet)[LIST_URL]["source"] == "added"
    code, (result,) = verify_all(capsys, "--offline")
    assert (code, result["checks"]["status"]) == (ExitCode.OK, "pass"), result


def test_an_imported_list_signed_by_the_credentials_issuer_is_used(wallet, tmp_path, capsys):
    """The rule's other half: the issuer's own list, handed over in a zip with its credential, is honoured."""
    issuer_key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(issuer_key)
    credential = sign_data_integrity(ob3_credential(did, credentialStatus=status_entry(LIST_URL, 42)), issuer_key, vm)
    issuers_list = sign_data_integrity(status_list(did, LIST_URL, [42]), issuer_key, vm)
    add(capsys, "--offline", archive(tmp_path, "both.zip", {"c.json": credential, "l.json": issuers_list}))
    code, (result,) = verify_all(capsys, "--offline")
    assert (code, result["checks"]["status"]) == (ExitCode.NOT_VERIFIED, "revoked"), result
    (entry,) = result["details"]["status_entries"]
    assert (entry["source"], entry["list_issuer"]) == ("from-import", did)


def test_an_imported_list_that_cannot_verify_is_not_kept(wallet, tmp_path, capsys):
    attacker = Ed25519PrivateKey.generate()
    did, vm = did_key_for(attacker)
    tampered = sign_data_integrity(status_list(did, LIST_URL, []), attacker, vm)
    tampered["credentialSubject"]["encodedList"] = status_list(did, LIST_URL, every_bit=True)["credentialSubject"]["encodedList"]
    unsigned = status_list(did, LIST_URL, every_bit=True)
    code, report, _ = add(capsys, "--offline", archive(tmp_path, "l.zip", {"a.json": tampered, "b.json": unsigned}))
    reasons = sorted(r["reason"] for r in report["results"] if r["status"] == "supporting")
    assert reasons[0].endswith(": not kept") and "invalid" in reasons[0], reasons
    assert reasons[1].endswith(": not kept") and "unsigned" in reasons[1], reasons
    assert documents_kept(wallet) == {}


def test_a_refused_list_is_named_on_stderr(wallet, tmp_path, capsys):
    unsigned = status_list("did:example:nobody", LIST_URL, every_bit=True)
    assert run(["add", "--offline", str(write(tmp_path, "list.json", unsigned))]) == ExitCode.OK
    assert f"list.json: a status list credential for {LIST_URL} that is unsigned" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------------------
# a JSON-LD context handed over with the credential


COURSE_URL = "https://university.example/contexts/course-v1.jsonld"
COURSE_CONTEXT = {"@context": {"@version": 1.1, "CourseCredential": "https://university.example/vocab#CourseCredential",
                               "grade": "https://university.example/vocab#grade"}}


def course_credential(issuer: str, **fields) -> dict:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", COURSE_URL],
        "id": "urn:uuid:6a0d4c3e-1b2f-4e5d-8c7b-9a0f1e2d3c4b",
        "type": ["VerifiableCredential", "CourseCredential"],
        "issuer": issuer, "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:mallory", "grade": "A"},
    }
    doc.update(fields)
    return doc


def test_a_context_in_the_archive_is_never_a_context(wallet, tmp_path, capsys):
    """The context file beside the credential, a status list whose id is the context's URL (kept "from-import"),
    and a node inside the credential carrying the context under its URL: none is read as the context."""
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    embedded = {"id": COURSE_URL, **COURSE_CONTEXT}
    credential = sign_di_with_contexts(course_credential(did, relatedResource=[embedded]), key, vm,
                                       {COURSE_URL: COURSE_CONTEXT})
    planted_list = sign_data_integrity(status_list(did, COURSE_URL, [], id=COURSE_URL), key, vm)
    zip_path = archive(tmp_path, "course.zip", {"course.json": credential, "course-v1.jsonld": COURSE_CONTEXT,
                                                "list.json": planted_list})
    code, report, _ = add(capsys, "--offline", zip_path)
    (course,) = [r for r in report["results"] if r["status"] == "added"]
    assert course["verdict"] == "unverifiable", report

    code, results = verify_all(capsys, "--offline")
    assert code == ExitCode.NOT_VERIFIED and results[0]["verdict"] == "unverifiable", results
    assert any(f"JSON-LD context not available offline: {COURSE_URL}" in r for r in results[0]["reasons"])
    assert "context" not in {d.get("kind") for d in results[0]["details"]["documents"]}
    assert documents_kept(wallet)[COURSE_URL]["source"] == "from-import"  # the planted list, for status only
    for record in documents_kept(wallet).values():
        assert record["source"] == "from-import"  # kept, if at all, only for status checks

    # the user's own copy, for this call only: verified at import, and kept nowhere
    context_file = write(tmp_path, "mine.jsonld", COURSE_CONTEXT)
    credential_file = write(tmp_path, "course.json", credential)
    code, report, _ = add(capsys, "--offline", "--replace", f"--document={COURSE_URL}={context_file}", credential_file)
    (course,) = [r for r in report["results"] if r["status"] in ("present", "added", "replaced")]
    assert course["verdict"] == "verified", report
    code, (result,) = verify_all(capsys, "--offline", f"--document={COURSE_URL}={context_file}")
    assert (result["verdict"], result["checks"]["contexts"]) == ("verified", "supplied by you"), result
    assert COURSE_URL not in documents_kept(wallet) or documents_kept(wallet)[COURSE_URL]["source"] == "from-import"
    code, (result,) = verify_all(capsys, "--offline")
    assert result["verdict"] == "unverifiable", result


def test_add_with_a_supplied_context_verifies_at_import_and_says_so(wallet, tmp_path, capsys):
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    credential = write(tmp_path, "c.json",
                       sign_di_with_contexts(course_credential(did), key, vm, {COURSE_URL: COURSE_CONTEXT}))
    context_file = write(tmp_path, "mine.jsonld", COURSE_CONTEXT)
    code, report, _ = add(capsys, "--offline", f"--document={COURSE_URL}={context_file}", credential)
    (added,) = report["results"]
    assert (code, added["verdict"]) == (ExitCode.OK, "verified"), report
    assert documents_kept(wallet) == {}  # --document is for this call; `documents add` keeps
    code = run(["add", "--offline", "--document=https://www.w3.org/ns/credentials/v2=" + str(context_file), str(credential)])
    assert code == ExitCode.USAGE and "skillwallet ships" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------------------
# an unsigned member beside a JAdES seal


def test_an_issuer_written_beside_a_jades_seal_does_not_choose_whose_status_list_answers(wallet, tmp_path, capsys):
    """A genuine sealed Europass credential whose signed issuer has no id: the attacker writes their own did:key
    as an "issuer" member of the JWS envelope (RFC 7515 §7.2.1: outside the protected header and the payload,
    signed by nobody) and ships a status list signed by that key saying "not revoked". The issuer the status
    check and the verdict go by is the one inside the sealed payload only; the planted list answers nothing."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verify"))
    from attacker import Attacker
    from test_wild_verdicts import EDC, edc_pki, jades

    chain = edc_pki()
    edc = dict(EDC, issuer={"type": "Organisation", "legalName": {"en": "Test University"}},
               credentialStatus=status_entry(LIST_URL, 7))
    envelope = jades(edc, chain.x5c, chain.leaf_key)
    mallory = Attacker.ed25519()
    envelope["issuer"] = mallory.did
    zip_path = archive(tmp_path, "europass.zip", {
        "edc.json": envelope, "list.json": mallory.sign_di(status_list(mallory.did, LIST_URL, []))})
    root = write(tmp_path, "root.pem", chain.root_pem())
    code, report, err = add(capsys, "--offline", "--trust-anchor", root, zip_path)
    (added,) = [r for r in report["results"] if r["status"] == "added"]
    assert added["title"] == "Certificate in Data Science", report
    code, results = verify_all(capsys, "--offline", "--trust-anchor", root)
    (result,) = results
    assert result["verdict"] == "verified", result["reasons"]  # the seal itself is genuine
    assert result["checks"]["status"] == "unknown", result
    assert result["details"]["issuer"] != mallory.did, result["details"]
    assert code != ExitCode.OK
