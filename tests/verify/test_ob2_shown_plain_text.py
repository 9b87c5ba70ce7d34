"""An Open Badges 2.0 BadgeClass or Issuer whose name has HTML markup: the importer shows its plain text
(formats/parse.py), and verification compares what is shown with what the issuer published
(verify/jose.py ``_ob2_shown_content_problem``). The plain text of the published name is the issuer's own name:
a genuine badge is verified, whether its view was read as plain text (today) or with the markup (an earlier
version's view, as `doctor --reread` finds it); a rewritten name is still invalid."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forgery"))

from attacker import write  # noqa: E402
from test_forge_ob2_hosted import ASSERTION, BADGE, ISSUER, badge_class, hosted, issuer_profile  # noqa: E402

from skillwallet import paths  # noqa: E402
from skillwallet.cli.app import run  # noqa: E402
from skillwallet.errors import ExitCode  # noqa: E402
from skillwallet.store import Wallet  # noqa: E402

HTML_NAME = "<b>Welding</b> &amp; Cutting"
HTML_DESCRIPTION = "<p>Joins &amp; cuts metal safely.</p>"
HTML_ISSUER = "Badge <i>Academy</i>"


@pytest.fixture
def published(tmp_path, passphrase) -> dict[str, Path]:
    """The issuer's hosted assertion, BadgeClass and Issuer, kept in the wallet as the user chose them."""
    assert run(["init"]) == ExitCode.OK
    docs = {ASSERTION: hosted(), BADGE: badge_class(name=HTML_NAME, description=HTML_DESCRIPTION),
            ISSUER: issuer_profile(name=HTML_ISSUER)}
    files = {url: write(tmp_path, f"published-{n}.json", doc) for n, (url, doc) in enumerate(docs.items())}
    for url, path in files.items():
        assert run(["documents", "add", url, str(path)]) == ExitCode.OK
    return files


def add(capsys, *files: Path) -> dict:
    capsys.readouterr()
    run(["add", "--offline", "--json", *map(str, files)])
    (added,) = [r for r in json.loads(capsys.readouterr().out)["results"] if r["status"] == "added"]
    return added


def test_a_genuine_badge_with_markup_in_its_name_is_verified(published, tmp_path, capsys):
    added = add(capsys, write(tmp_path, "mine.json", hosted()), published[BADGE], published[ISSUER])
    assert added["title"] == "Welding & Cutting" and added["issuer"] == "Badge Academy"
    assert added["verdict"] == "verified", added


def test_an_earlier_view_with_the_markup_verifies_too(published, tmp_path, capsys, passphrase):
    added = add(capsys, write(tmp_path, "mine.json", hosted()), published[BADGE], published[ISSUER])
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        stored = wallet.get_credential(added["id"])
        wallet.remove_credential(added["id"])
        old = stored.credential
        old.title, old.description, old.issuer.name = HTML_NAME, HTML_DESCRIPTION, HTML_ISSUER
        wallet.add_credential(old)
    capsys.readouterr()
    assert run(["verify", added["id"], "--offline", "--json"]) == ExitCode.OK, capsys.readouterr().err


@pytest.mark.parametrize("title", ["Welding &amp; Cutting", "Welding & Cutting (Advanced)", "<b>Welding</b>"])
def test_a_stored_title_that_is_not_the_published_name_is_invalid(published, tmp_path, capsys, passphrase, title):
    added = add(capsys, write(tmp_path, "mine.json", hosted()), published[BADGE], published[ISSUER])
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        stored = wallet.get_credential(added["id"])
        wallet.remove_credential(added["id"])
        stored.credential.title = title
        wallet.add_credential(stored.credential)
    capsys.readouterr()
    assert run(["verify", added["id"], "--offline", "--json"]) == ExitCode.NOT_VERIFIED
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert result["verdict"] == "invalid" and any("stored title" in r for r in result["reasons"]), result["reasons"]


def test_doctor_reread_then_verify_gives_the_verdict_back(published, tmp_path, capsys, passphrase):
    """An earlier version's view (the markup), verified; `doctor --reread` makes it plain text and asks for a new
    verdict; `verify` gives `verified` again."""
    added = add(capsys, write(tmp_path, "mine.json", hosted()), published[BADGE], published[ISSUER])
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        stored = wallet.get_credential(added["id"])
        wallet.remove_credential(added["id"])
        old = stored.credential
        old.title, old.issuer.name = HTML_NAME, HTML_ISSUER
        wallet.add_credential(old, stored.verdict)
    capsys.readouterr()
    assert run(["doctor", "--reread", "--json"]) == ExitCode.OK
    (outcome,) = json.loads(capsys.readouterr().out)["reread"]["credentials"]
    assert set(outcome["fields"]) == {"title", "issuer.name"} and outcome["verdict_reset"] is True
    assert run(["verify", added["id"], "--offline"]) == ExitCode.OK, capsys.readouterr().err
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as wallet:
        after = wallet.get_credential(added["id"])
    assert (after.credential.title, after.verdict.verdict) == ("Welding & Cutting", "verified")
