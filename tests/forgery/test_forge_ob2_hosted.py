"""Open Badges 2.0 assertions whose BadgeClass or Issuer was rewritten: a hosted assertion copied with an embedded
"Doctor of Medicine" BadgeClass under the real badge's id, a separate BadgeClass / Issuer / key file handed over
with a signed assertion. What the wallet shows must be what the issuer published, or the credential is not
verified. The issuer's own key is generated in the test and only signs the genuine assertion; the attacker's
forgeries use other fresh keys or none.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from attacker import write
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verify"))

from test_jose_helpers import make_jws, rsa2048  # noqa: E402

from skillwallet.cli.app import run  # noqa: E402
from skillwallet.errors import ExitCode  # noqa: E402

ISSUER = "https://badges.example/issuer.json"
BADGE = "https://badges.example/badges/welding.json"
ASSERTION = "https://badges.example/assertions/123.json"
KEY = "https://badges.example/key.json"
OB2 = "https://w3id.org/openbadges/v2"
RECIPIENT = {"type": "email", "hashed": False, "identity": "ana@example.org"}


def issuer_profile(**fields) -> dict:
    doc = {"@context": OB2, "type": "Issuer", "id": ISSUER, "name": "Badge Academy", "url": "https://badges.example",
           "email": "badges@badges.example"}
    doc.update(fields)
    return doc


def badge_class(**fields) -> dict:
    doc = {"@context": OB2, "type": "BadgeClass", "id": BADGE, "name": "Welding", "description": "Joins metal safely.",
           "image": "https://badges.example/badges/welding.png",
           "criteria": {"narrative": "Passed the practical welding test."}, "issuer": ISSUER}
    doc.update(fields)
    return doc


def hosted(**fields) -> dict:
    doc = {"@context": OB2, "type": "Assertion", "id": ASSERTION, "recipient": RECIPIENT, "badge": BADGE,
           "issuedOn": "2024-05-01T00:00:00Z", "verification": {"type": "HostedBadge"}}
    doc.update(fields)
    return doc


def doctor_of_medicine(**fields) -> dict:
    """The real badge's id over rewritten content (and, unless overridden, a rewritten issuer)."""
    doc = badge_class(name="Doctor of Medicine", description="Licensed to practise medicine.",
                      criteria={"narrative": "Completed medical school and residency."},
                      issuer=issuer_profile(name="Harvard Medical School"))
    doc.pop("@context")
    doc.update(fields)
    return doc


def issuer_documents(tmp_path: Path, **extra) -> dict[str, Path]:
    docs = {ASSERTION: hosted(), BADGE: badge_class(), ISSUER: issuer_profile()}
    docs.update(extra)
    return {url: write(tmp_path, f"published-{n}.json", doc) for n, (url, doc) in enumerate(docs.items())}


def verify_json(capsys, path: Path, documents: dict[str, Path]):
    args = ["verify", str(path), "--offline", "--json"] + [f"--document={u}={p}" for u, p in documents.items()]
    code = run(args)
    captured = capsys.readouterr()
    return code, json.loads(captured.out)["results"][0], captured.err


# ---- verify: a hosted assertion with a rewritten embedded BadgeClass / Issuer -----------------------------------


def test_the_genuine_hosted_assertion_still_verifies(tmp_path, capsys):
    documents = issuer_documents(tmp_path)
    embedded = {k: v for k, v in badge_class(issuer={k: v for k, v in issuer_profile().items() if k != "@context"}).items()
                if k != "@context"}  # embedded objects need not repeat the @context
    for local in (hosted(), hosted(badge=dict(badge_class(), issuer=issuer_profile())), hosted(badge=embedded)):
        code, result, err = verify_json(capsys, write(tmp_path, "mine.json", local), documents)
        assert code == 0, err
        assert result["verdict"] == "verified" and result["title"] in (None, "Welding")


FORGERIES = {
    "renamed BadgeClass and issuer": lambda: hosted(badge=doctor_of_medicine()),
    "renamed BadgeClass, real issuer link": lambda: hosted(badge=doctor_of_medicine(issuer=ISSUER)),
    "new criteria only": lambda: hosted(badge=dict(badge_class(), criteria={"narrative": "Attended."})),
    "issuer name only": lambda: hosted(badge=dict(badge_class(), issuer=issuer_profile(name="Harvard Medical School"))),
    "added evidence": lambda: hosted(evidence=[{"narrative": "Performed 200 surgeries."}]),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_rewritten_copy_of_a_hosted_assertion_is_invalid(tmp_path, capsys, forgery):
    code, result, _ = verify_json(capsys, write(tmp_path, "forged.json", FORGERIES[forgery]()), issuer_documents(tmp_path))
    assert code == ExitCode.NOT_VERIFIED
    assert result["verdict"] == "invalid", result["reasons"]


def test_a_rewritten_copy_against_a_hosted_copy_that_embeds_the_badge(tmp_path, capsys):
    published = hosted(badge=dict(badge_class(), issuer=issuer_profile()))
    documents = issuer_documents(tmp_path, **{ASSERTION: published})
    code, result, _ = verify_json(capsys, write(tmp_path, "forged.json", hosted(badge=doctor_of_medicine())), documents)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid"


def test_an_embedded_badgeclass_that_cannot_be_compared_is_never_verified(tmp_path, capsys):
    documents = {ASSERTION: write(tmp_path, "published.json", hosted())}  # the BadgeClass is not available
    code, result, _ = verify_json(capsys, write(tmp_path, "forged.json", hosted(badge=doctor_of_medicine())), documents)
    assert code == ExitCode.NOT_VERIFIED
    assert result["verdict"] == "unverifiable"


# ---- add: what is stored and shown is what was verified ---------------------------------------------------------


def keep(documents: dict[str, Path]) -> None:
    for url, path in documents.items():
        assert run(["documents", "add", url, str(path)]) == 0


def add_json(capsys, *paths: Path) -> list[dict]:
    run(["add", "--offline", "--json", *map(str, paths)])
    return [r for r in json.loads(capsys.readouterr().out)["results"] if r["status"] == "added"]


@pytest.fixture
def wallet(passphrase):
    assert run(["init"]) == 0


def test_add_stores_a_rewritten_hosted_copy_as_invalid(tmp_path, capsys, wallet):
    keep(issuer_documents(tmp_path))
    (genuine,) = add_json(capsys, write(tmp_path, "mine.json", hosted(badge=dict(badge_class(), issuer=ISSUER))))
    assert (genuine["title"], genuine["verdict"]) == ("Welding", "verified")
    run(["remove", genuine["id"], "--yes"])
    capsys.readouterr()
    (forged,) = add_json(capsys, write(tmp_path, "forged.json", hosted(badge=doctor_of_medicine())))
    assert forged["verdict"] == "invalid"
    run(["show", forged["id"], "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert json.dumps(shown).count("invalid") >= 1 and "verified" not in json.dumps(shown).replace("not-verified", "")


def test_add_with_a_forged_badgeclass_file_beside_a_genuine_hosted_assertion(tmp_path, capsys, wallet):
    documents = issuer_documents(tmp_path)
    forged_badge = dict(doctor_of_medicine(issuer=ISSUER), **{"@context": OB2})
    # with the issuer's BadgeClass at hand the file is caught; without it, it cannot vouch for itself
    for kept in ({u: p for u, p in documents.items() if u != BADGE}, documents):
        keep(kept)
        (added,) = add_json(capsys, write(tmp_path, "mine.json", hosted()), write(tmp_path, "badge.json", forged_badge))
        assert added["title"] == "Doctor of Medicine"
        assert added["verdict"] in ("invalid", "unverifiable"), added
        run(["remove", added["id"], "--yes"])
        capsys.readouterr()


# ---- the signed path: the JWS covers the payload, not the files handed over with it -------------------------------


def signed_assertion(private_key, **fields) -> bytes:
    payload = hosted(id="urn:uuid:6f4c7a38-8a2e-4b51-9d57-3f0d7a6a2b10", verification={"type": "SignedBadge", "creator": KEY})
    payload.update(fields)
    return make_jws({"alg": "RS256"}, payload, private_key).encode()


def key_document(private_key) -> dict:
    pem = private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    return {"@context": OB2, "type": "CryptographicKey", "id": KEY, "owner": ISSUER, "publicKeyPem": pem}


@pytest.fixture(scope="module")
def issuer_key():
    return rsa2048()


def test_a_forged_badgeclass_file_beside_a_genuine_signed_assertion(tmp_path, capsys, wallet, issuer_key):
    genuine = write(tmp_path, "badge.jws", signed_assertion(issuer_key))
    keep({ISSUER: write(tmp_path, "issuer.json", issuer_profile(publicKey=KEY)),
          KEY: write(tmp_path, "key.json", key_document(issuer_key)),
          BADGE: write(tmp_path, "welding.json", badge_class())})
    (honest,) = add_json(capsys, genuine)
    assert (honest["title"], honest["verdict"]) == ("Welding", "verified")
    run(["remove", honest["id"], "--yes"])
    capsys.readouterr()
    forged_badge = write(tmp_path, "forged-badge.json", dict(doctor_of_medicine(issuer=ISSUER), **{"@context": OB2}))
    (added,) = add_json(capsys, genuine, forged_badge)
    assert added["title"] == "Doctor of Medicine" and added["verdict"] == "invalid", added


def test_a_signed_assertion_with_its_own_issuer_and_key_files_is_not_verified(tmp_path, capsys, wallet):
    """The attacker signs with a fresh key and hands over an Issuer profile and a key document naming the real
    issuer: files beside an assertion are not the issuer's word."""
    attacker = rsa2048()
    files = [
        write(tmp_path, "badge.jws", signed_assertion(attacker, badge=BADGE)),
        write(tmp_path, "issuer.json", issuer_profile(publicKey=KEY)),
        write(tmp_path, "key.json", key_document(attacker)),
        write(tmp_path, "doctor.json", dict(doctor_of_medicine(issuer=ISSUER), **{"@context": OB2})),
    ]
    (added,) = add_json(capsys, *files)
    assert added["verdict"] != "verified", added


# ---- OB 1.0: a hosted assertion (verify.url) whose BadgeClass and Issuer organisation are linked by URL -----------

OB1_ASSERTION = "https://badges.example/assertions/ob1.json"
OB1_BADGE = "https://badges.example/ob1-badge.json"
OB1_ORGANISATION = "https://badges.example/ob1-organisation.json"


def ob1_assertion() -> dict:
    return {"uid": "ob1-123", "recipient": "sha256$" + "0" * 64, "salt": "deadsea", "badge": OB1_BADGE,
            "issuedOn": "2016-01-01", "verify": {"type": "hosted", "url": OB1_ASSERTION}}


def ob1_badge(name: str = "Welding") -> dict:
    return {"name": name, "description": "Joins metal safely.", "image": "https://badges.example/welding.png",
            "criteria": "https://badges.example/welding-criteria", "issuer": OB1_ORGANISATION}


def test_ob1_badgeclass_and_issuer_files_in_the_same_add_do_not_make_a_verified_title(tmp_path, capsys, wallet):
    """OB 1.0 (BadgeClass and IssuerOrganization, linked by URL, with no id): a "Doctor of Medicine" BadgeClass and
    a "Harvard Medical School" organisation handed over beside the issuer's genuine hosted assertion, with the
    issuer's own documents kept, are shown as given but never under a verified verdict, at add nor at verify."""
    keep({OB1_ASSERTION: write(tmp_path, "published-assertion.json", ob1_assertion()),
          OB1_BADGE: write(tmp_path, "published-badge.json", ob1_badge()),
          OB1_ORGANISATION: write(tmp_path, "published-organisation.json",
                                  {"name": "Badge Academy", "url": "https://badges.example"})})
    files = [write(tmp_path, "mine.json", ob1_assertion()), write(tmp_path, "badge.json", ob1_badge("Doctor of Medicine")),
             write(tmp_path, "organisation.json", {"name": "Harvard Medical School", "url": "https://badges.example"})]
    (added,) = add_json(capsys, *files)
    assert added["title"] == "Doctor of Medicine" and added["verdict"] != "verified", added
    run(["verify", "--all", "--offline", "--json"])
    (checked,) = json.loads(capsys.readouterr().out)["results"]
    assert checked["title"] == "Doctor of Medicine" and checked["verdict"] != "verified", checked
