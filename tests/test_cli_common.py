"""The shared CLI helpers: one --as-of reader for every command, and the profile written back only when changed."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from skillwallet.cli.app import run
from skillwallet.errors import ExitCode


@pytest.mark.parametrize("command", [["stack", "--goal", "data-analyst"], ["skills"], ["expiring"]])
def test_every_as_of_option_reads_dates_the_same_way(passphrase, capsys, command):
    assert run(["init"]) == 0
    capsys.readouterr()
    assert run([*command, "--as-of", "next tuesday"]) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: cannot read the date 'next tuesday': --as-of is not a date",
        "hint: write an ISO 8601 date such as 2026-03-01",
    ]


def test_as_of_is_utc_and_a_date_means_its_start():
    from skillwallet.cli.common import parse_as_of

    assert parse_as_of("2026-01-01") == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_as_of("2026-01-01T10:00:00+02:00") == datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
    before = datetime.now(timezone.utc)
    assert before <= parse_as_of(None) <= datetime.now(timezone.utc)


def test_profile_is_written_only_when_a_command_changes_it(passphrase, capsys, monkeypatch):
    from skillwallet.store.wallet import Wallet

    assert run(["init"]) == 0
    assert run(["profile", "add-email", "ada@example.org"]) == 0
    writes = []
    original = Wallet.set_profile
    monkeypatch.setattr(Wallet, "set_profile", lambda self, profile: (writes.append(profile), original(self, profile)))
    assert run(["profile", "add-email", "ADA@example.org"]) == 0  # already there (emails compare case-blind)
    assert run(["profile", "remove-email", "nobody@example.org"]) == ExitCode.NOT_FOUND
    assert writes == []
    assert run(["profile", "add-link", "https://example.org/ada", "--label", "Home"]) == 0
    assert len(writes) == 1
    capsys.readouterr()
    assert run(["profile", "show", "--json"]) == 0
    profile = json.loads(capsys.readouterr().out)["profile"]
    assert profile["emails"] == ["ada@example.org"]
    assert profile["links"] == [{"url": "https://example.org/ada", "label": "Home"}]


def test_tag_and_untag_report_the_tags_now_held(passphrase, capsys):
    assert run(["init"]) == 0
    assert run(["add", "--self", "project", "--title", "Home lab", "--json"]) == 0
    wallet_id = json.loads(capsys.readouterr().out)["results"][0]["id"]
    assert run(["tag", wallet_id, "lab", "work", "lab"]) == 0
    assert capsys.readouterr().err == f"{wallet_id}: tags lab, work\n"
    assert run(["untag", wallet_id, "lab"]) == 0
    assert capsys.readouterr().err == f"{wallet_id}: tags work\n"
    assert run(["untag", wallet_id, "work"]) == 0
    assert capsys.readouterr().err == f"{wallet_id}: tags (none)\n"
