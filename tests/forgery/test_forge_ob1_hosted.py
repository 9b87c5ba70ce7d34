"""Open Badges 1.0 hosted assertions checked offline against the issuer's documents the user keeps or supplies.

OB 1.0 identifies a BadgeClass and an Issuer Organization by the URL they are published at (the assertion's
`badge`, the BadgeClass's `issuer`): neither has an `id` (1EdTech openbadges-specification, Assertion/latest.md,
"Badge Class" and "Issuer Organization"). The genuine published example, with the documents at their URLs given
by the user, is what an OB 2.0 hosted assertion is in the same situation: verified, on the user's word that the
copy is what the issuer hosts (and the verdict says so). A copy that is not the hosted one, or a BadgeClass that
names another issuer, is never verified.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attacker import write

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode

FIXTURES = Path(__file__).resolve().parents[1] / "interop" / "fixtures" / "1edtech-ob1"
ASSERTION = "https://example.org/beths-robotics-badge.json"
BADGE = "https://example.org/robotics-badge.json"
ISSUER = "https://example.org/organization.json"
AS_OF = "2014-01-01"  # the example is dated 2013-01-26


def published(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def documents(tmp_path: Path, *, assertion=None, badge=None, issuer=None) -> dict[str, Path]:
    """The issuer's three documents at their URLs (the published ones unless replaced)."""
    docs = {
        ASSERTION: assertion or published("assertion-hosted.json"),
        BADGE: badge or published("badgeclass.json"),
        ISSUER: issuer or published("issuer.json"),
    }
    return {url: write(tmp_path, f"doc-{n}.json", doc) for n, (url, doc) in enumerate(docs.items())}


def verify_file(capsys, path: Path, docs: dict[str, Path]) -> tuple[int, dict]:
    args = ["verify", str(path), "--offline", "--json", "--as-of", AS_OF]
    code = run(args + [f"--document={url}={file}" for url, file in docs.items()])
    return code, json.loads(capsys.readouterr().out)["results"][0]


def test_the_published_example_with_supplied_documents_is_verified_and_says_whose_word_it_is(tmp_path, capsys):
    code, result = verify_file(capsys, FIXTURES / "assertion-hosted.json", documents(tmp_path))
    assert (code, result["verdict"]) == (ExitCode.OK, "verified"), result["reasons"]
    assert result["checks"]["signature"] == "pass" and result["checks"]["issuer_binding"] == "pass"
    assert any(
        r.startswith(f"hosted assertion supplied by you: {ASSERTION} (given with --document)")
        and "not fetched from the issuer" in r
        for r in result["reasons"]
    ), result["reasons"]
    assert {(d["url"], d["source"]) for d in result["details"]["documents"]} == {
        (ASSERTION, "supplied"), (BADGE, "supplied"), (ISSUER, "supplied")
    }


def test_the_published_example_added_with_its_documents_kept_is_verified(wallet, tmp_path, capsys):
    """`add` with the BadgeClass and Issuer files beside it (what the wallet shows), the issuer's documents kept
    with `documents add`: the stored title and issuer are compared with the kept BadgeClass and Issuer."""
    for url, file in documents(tmp_path).items():
        assert run(["documents", "add", url, str(file)]) == ExitCode.OK
    run(["add", "--offline", "--json", *(str(FIXTURES / n) for n in ("assertion-hosted.json", "badgeclass.json", "issuer.json"))])
    (added,) = [r for r in json.loads(capsys.readouterr().out)["results"] if r["status"] == "added"]
    assert added["title"] == "Awesome Robotics Badge"
    assert run(["verify", "--all", "--offline", "--json", "--as-of", AS_OF]) == ExitCode.OK
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "verified", result["reasons"]
    assert any("(kept with `documents add`)" in r for r in result["reasons"]), result["reasons"]


def forged_assertion() -> dict:
    forged = published("assertion-hosted.json")
    forged["evidence"] = "https://example.org/someone-elses-work.html"
    return forged


def forged_badge_elsewhere() -> dict:
    badge = published("badgeclass.json")
    badge["issuer"] = "https://diploma-mill.example/organization.json"
    return badge


def forged_badge_same_origin() -> dict:
    badge = published("badgeclass.json")
    badge["issuer"] = "https://example.org/another-organization.json"
    return badge


def badge_with_another_id() -> dict:
    return dict(published("badgeclass.json"), id="https://example.org/another-badge.json")


@pytest.mark.parametrize(
    ("name", "stored", "replaced", "reason"),
    [
        # the copy checked is not the one the issuer hosts
        ("rewritten copy", forged_assertion, {}, "the hosted assertion differs from the stored one in: evidence"),
        # the BadgeClass at the `badge` URL names an issuer on another origin than the assertion's
        ("badge of another issuer", None, {"badge": forged_badge_elsewhere}, "not on the issuer's origin diploma-mill.example"),
    ],
)
def test_a_forged_ob1_assertion_is_never_verified(tmp_path, capsys, name, stored, replaced, reason):
    local = write(tmp_path, "mine.json", stored()) if stored else FIXTURES / "assertion-hosted.json"
    docs = documents(tmp_path, **{k: v() for k, v in replaced.items()})
    code, result = verify_file(capsys, local, docs)
    assert code == ExitCode.NOT_VERIFIED
    assert result["verdict"] == "invalid", result
    assert any(reason in r for r in result["reasons"]), result["reasons"]


def add_and_verify(capsys, kept: dict[str, Path], *files: Path) -> tuple[int, dict]:
    """Keep the documents with `documents add`, add the files, verify the one credential added."""
    for url, file in kept.items():
        assert run(["documents", "add", url, str(file)]) == ExitCode.OK
    assert run(["add", "--offline", *map(str, files)]) == ExitCode.OK
    capsys.readouterr()
    code = run(["verify", "--all", "--offline", "--json", "--as-of", AS_OF])
    (result,) = json.loads(capsys.readouterr().out)["results"]
    return code, result


def test_a_stored_issuer_that_is_not_the_one_the_kept_badgeclass_names_is_invalid(wallet, tmp_path, capsys):
    """Added with the published BadgeClass beside it (issuer organization.json); the BadgeClass the user keeps
    for the badge URL names another issuer on the same origin: what the wallet shows is not the issuer's."""
    kept = documents(tmp_path, badge=forged_badge_same_origin())
    beside = [FIXTURES / n for n in ("assertion-hosted.json", "badgeclass.json", "issuer.json")]
    code, result = add_and_verify(capsys, kept, *beside)
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert any("the BadgeClass shown differs from the issuer's" in r and "issuer" in r for r in result["reasons"])


def test_a_kept_badgeclass_that_says_it_is_another_badge_is_invalid(wallet, tmp_path, capsys):
    """Without an id an OB 1.0 BadgeClass is the one at its URL; with one, it must be that URL."""
    code, result = add_and_verify(capsys, documents(tmp_path, badge=badge_with_another_id()), FIXTURES / "assertion-hosted.json")
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    # the importer took the id the document gives; the issuer's assertion links the badge URL
    assert any("another-badge.json" in r for r in result["reasons"]), result["reasons"]


def test_an_ob2_badgeclass_without_an_id_is_still_refused(wallet, tmp_path, capsys):
    """Only OB 1.0 documents are identified by their URL: an OB 2.0 BadgeClass names its own id (OB 2.0
    BadgeClass: id REQUIRED)."""
    ob2 = "https://w3id.org/openbadges/v2"
    assertion = {"@context": ob2, "type": "Assertion", "id": ASSERTION, "badge": BADGE, "issuedOn": "2013-06-01T00:00:00Z",
                 "recipient": {"type": "email", "hashed": False, "identity": "beth@example.org"},
                 "verification": {"type": "HostedBadge"}}
    badge = dict(published("badgeclass.json"), **{"@context": ob2, "type": "BadgeClass"})
    issuer = dict(published("issuer.json"), **{"@context": ob2, "type": "Issuer", "id": ISSUER})
    kept = documents(tmp_path, assertion=assertion, badge=badge, issuer=issuer)
    code, result = add_and_verify(capsys, kept, write(tmp_path, "ob2.json", assertion))
    assert code == ExitCode.NOT_VERIFIED and result["verdict"] == "invalid", result
    assert any(f"the BadgeClass at {BADGE} has id None" in r for r in result["reasons"]), result["reasons"]
