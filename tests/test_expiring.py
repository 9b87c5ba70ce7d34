"""`skillwallet expiring`: what expires soon or has expired, with renewal information, on a real wallet."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app, run
from skillwallet.cli.everyday import parse_as_of, parse_window, select_expiring
from skillwallet.errors import ExitCode, InvalidInputError, UsageError
from skillwallet.model import Credential, Issuer
from skillwallet.store import Wallet

AS_OF = "2026-01-01"


def credential(title: str, expires: str | None, renewal: str | None = None, **extra) -> Credential:
    return Credential(
        format="ob3",
        original=json.dumps({"title": title}).encode(),
        credential_id=f"urn:uuid:{title.replace(' ', '-')}",
        title=title,
        issuer=Issuer(id="https://issuer.example/", name="Example Institute", url="https://issuer.example/"),
        issued=datetime(2024, 1, 1, tzinfo=timezone.utc),
        expires=datetime.fromisoformat(expires) if expires else None,
        renewal=renewal,
        achievement_id=f"https://issuer.example/achievements/{title.replace(' ', '-')}",
        **extra,
    )


@pytest.fixture
def wallet_ids(passphrase) -> dict[str, str]:
    """A real wallet with credentials expired, expiring soon, expiring later, and never expiring."""
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    ids = {}
    try:
        for cred in (
            credential("First Aid", "2025-12-01T00:00:00+00:00", renewal="https://issuer.example/renew/first-aid"),
            credential("Forklift Licence", "2026-01-20T12:00:00+00:00", renewal="Retake the practical test"),
            credential("Cloud Architect", "2026-03-25T00:00:00+00:00"),
            credential("Data Protection", "2026-09-01T00:00:00+00:00"),
            credential("BSc Computing", None),
        ):
            wallet_id, _new = wallet.add_credential(cred)
            ids[cred.title] = wallet_id
    finally:
        wallet.close()
    return ids


def test_parse_window_units():
    assert parse_window("90d") == 90
    assert parse_window("90") == 90
    assert parse_window("12w") == 84
    assert parse_window("6mo") == 180
    assert parse_window("6 months") == 180
    assert parse_window("1y") == 365
    assert parse_window(" 2 weeks ") == 14
    assert parse_window("1y2w") == 379
    for bad in ("", "soon", "-5d", "3h", "3x", "5 parsecs"):
        with pytest.raises(UsageError):
            parse_window(bad)


def test_parse_as_of():
    assert parse_as_of("2026-01-01") == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_as_of("2026-01-01T10:00:00+02:00") == datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
    with pytest.raises(UsageError, match="cannot read the date"):
        parse_as_of("next tuesday")


def test_json_lists_expired_and_expiring_soonest_first(wallet_ids):
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "skillwallet/expiring"
    assert document["version"] == 1
    assert document["as_of"] == "2026-01-01T00:00:00Z"
    assert document["within_days"] == 90
    assert document["until"] == "2026-04-01T00:00:00Z"
    rows = document["credentials"]
    assert [r["title"] for r in rows] == ["First Aid", "Forklift Licence", "Cloud Architect"]
    first_aid, forklift, cloud = rows
    assert first_aid["status"] == "expired" and first_aid["days_left"] == -31
    assert first_aid["renewal"] == "https://issuer.example/renew/first-aid"
    assert first_aid["id"] == wallet_ids["First Aid"]
    assert forklift["status"] == "expiring" and forklift["days_left"] == 19
    assert forklift["renewal"] == "Retake the practical test"
    assert forklift["expires"] == "2026-01-20T12:00:00Z"
    assert cloud["renewal"] is None
    assert cloud["issuer_url"] == "https://issuer.example/"
    assert cloud["achievement_id"] == "https://issuer.example/achievements/Cloud-Architect"
    assert cloud["issuer"] == "Example Institute"


def test_window_and_date_move_the_selection(wallet_ids):
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--within", "1y", "--json"])
    titles = [r["title"] for r in json.loads(result.stdout)["credentials"]]
    assert titles == ["First Aid", "Forklift Licence", "Cloud Architect", "Data Protection"]
    result = CliRunner().invoke(app, ["expiring", "--as-of", "2025-06-01", "--within", "30d", "--json"])
    assert json.loads(result.stdout)["credentials"] == []
    # never-expiring credentials never appear, however long the window
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--within", "100y", "--json"])
    assert "BSc Computing" not in result.stdout


def test_human_table_marks_expired(wallet_ids):
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF])
    assert result.exit_code == 0
    out = result.stdout
    assert "First Aid" in out and "expired 31 days ago" in out
    assert "Forklift Licence" in out and "in 19 days" in out
    assert "https://issuer.example/renew/first-aid" in out
    assert "Data Protection" not in out
    assert "\x1b[" not in out  # not a terminal: plain text


def test_nothing_expiring_is_a_message_not_data(wallet_ids):
    result = CliRunner().invoke(app, ["expiring", "--as-of", "2020-01-01", "--within", "7d"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "nothing expires within 7 days" in result.stderr


def test_select_expiring_boundary_is_inclusive():
    class Stored:
        def __init__(self, cred):
            from skillwallet.model import Verdict

            self.wallet_id = cred.wallet_id()
            self.credential = cred
            self.verdict = Verdict()

    at_horizon = Stored(credential("Edge", "2026-01-31T00:00:00+00:00"))
    just_after = Stored(credential("After", "2026-01-31T00:00:01+00:00"))
    at_now = Stored(credential("Now", "2026-01-01T00:00:00+00:00"))
    entries = select_expiring([at_horizon, just_after, at_now], parse_as_of(AS_OF), 30)
    assert [(e.title, e.status, e.days_left) for e in entries] == [("Now", "expired", 0), ("Edge", "expiring", 30)]


def test_bad_window_is_a_usage_style_error(wallet_ids, capsys):
    code = run(["expiring", "--within", "soon"])
    captured = capsys.readouterr()
    assert code == ExitCode.USAGE
    assert captured.err.startswith("error: cannot read the duration 'soon' for --within")


def test_no_wallet(capsys):
    code = run(["expiring"])
    assert code == ExitCode.NO_WALLET
    assert "skillwallet init" in capsys.readouterr().err


def test_locked_wallet_without_passphrase(wallet_ids, monkeypatch, capsys):
    monkeypatch.delenv("SKILLWALLET_PASSPHRASE")
    code = run(["expiring"])
    assert code == ExitCode.LOCKED
    assert capsys.readouterr().out == ""


# --- what renewing costs -------------------------------------------------------------------------------------

def certification(title: str, expires: str, issuer: str, issuer_name: str) -> Credential:
    """A certification as its issuer's badge names it (no skills, no renewal link)."""
    return Credential(
        format="ob3",
        original=json.dumps({"title": title, "issuer": issuer}).encode(),
        credential_id=f"urn:uuid:{title.replace(' ', '-')}",
        title=title,
        issuer=Issuer(id=issuer, name=issuer_name, url=issuer),
        issued=datetime(2023, 2, 1, tzinfo=timezone.utc),
        expires=datetime.fromisoformat(expires),
    )


@pytest.fixture
def certified_wallet(passphrase) -> dict[str, str]:
    """CompTIA, Microsoft and PMI certifications expiring, and one no catalogue renews."""
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    ids = {}
    try:
        for cred in (
            certification("CompTIA Security+ ce Certification", "2026-02-01T00:00:00+00:00",
                          "https://www.comptia.org", "CompTIA"),
            certification("Network+", "2026-02-15T00:00:00+00:00", "https://www.comptia.org", "CompTIA"),
            certification("Microsoft Certified: Azure Administrator Associate", "2026-03-01T00:00:00+00:00",
                          "https://learn.microsoft.com", "Microsoft"),
            certification("Project Management Professional (PMP)", "2026-03-10T00:00:00+00:00",
                          "https://www.pmi.org", "PMI"),
            certification("Harbour Pilot Licence", "2026-03-20T00:00:00+00:00", "https://port.example", "Port"),
        ):
            wallet_id, _new = wallet.add_credential(cred)
            ids[cred.title] = wallet_id
    finally:
        wallet.close()
    return ids


def test_json_says_what_renewing_costs_through_the_cheapest_route(certified_wallet):
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["renewal_hours_per_week"] == 10
    rows = {r["title"]: r for r in document["credentials"]}
    security = rows["CompTIA Security+ ce Certification"]
    # CompTIA's two routes: 50 CEUs with three years of CE fees (USD 150), or CertMaster CE; the cheaper first
    assert security["renewal_route"]["id"] == "comptia-security-plus-renewal-ce"
    assert security["renewal_route"]["cost"] == 150 and security["renewal_route"]["hours"] == 50
    assert security["renewal_route"]["weeks"] == 5
    assert [r["id"] for r in security["renewal_routes"]] == ["comptia-security-plus-renewal-ce",
                                                               "comptia-security-plus-certmaster-ce"]
    assert "comptia.org" in security["renewal_route"]["price_source"] and security["renewal_route"]["checked"]
    assert security["renewal_note"].startswith("renew with CompTIA Security+ renewal")
    # a badge titled only "Network+" is CompTIA Network+ because CompTIA issued it
    assert rows["Network+"]["renewal_route"]["id"] == "comptia-network-plus-renewal-ce"
    azure = rows["Microsoft Certified: Azure Administrator Associate"]["renewal_route"]
    assert azure["id"] == "az-104-renewal" and azure["cost"] == 0 and azure["provider"] == "Microsoft"
    pmp = rows["Project Management Professional (PMP)"]["renewal_route"]
    assert pmp["id"] == "pmp-renewal" and pmp["cost"] == 150 and pmp["hours"] == 60
    unknown = rows["Harbour Pilot Licence"]
    assert unknown["renewal_route"] is None and unknown["renewal_routes"] == []
    assert unknown["renewal_note"] == "no renewal route is known: ask the issuer what renewing costs"


def test_table_says_what_renewing_costs_and_plainly_when_no_route_is_known(certified_wallet):
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF])
    assert result.exit_code == 0, result.stderr
    lines = {line.split("\t")[1]: line.split("\t") for line in result.stdout.splitlines() if "\t" in line}
    security = lines["CompTIA Security+ ce Certification"]
    assert "CompTIA Security+ renewal: 50 CEUs and the CE fees" in security
    assert "150.00 USD" in security and "50 h, about 5 weeks at 10 h/week" in security
    azure = lines["Microsoft Certified: Azure Administrator Associate"]
    assert "free" in azure and any(cell.startswith("3 h") for cell in azure)
    assert "no renewal route known" in lines["Harbour Pilot Licence"]
    assert "1 of 5 have no known renewal route" in result.stderr


def test_a_holders_own_offering_renews_what_the_catalogue_does_not(certified_wallet, tmp_path):
    own = tmp_path / "pilot.toml"
    own.write_text('[[offering]]\nid = "pilot-revalidation"\nname = "Pilot licence revalidation"\n'
                   'provider = "Port"\ncost = 320\nhours = 16\nrenews = "Harbour Pilot Licence"\n', encoding="utf-8")
    assert run(["offerings", "add", str(own)]) == 0
    rows = {r["title"]: r for r in json.loads(
        CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--json"]).stdout)["credentials"]}
    route = rows["Harbour Pilot Licence"]["renewal_route"]
    assert route["id"] == "pilot-revalidation" and route["cost"] == 320 and route["weeks"] == 1.6


def test_a_revoked_credential_is_not_offered_a_renewal(passphrase):
    """A renewal route renews a current credential: one its issuer revoked is said to be revoked, with no route to
    pay for, in the table and in --json."""
    from skillwallet.model import Verdict

    def comptia(title: str, expires: datetime) -> Credential:
        return Credential(format="ob3", original=json.dumps({"title": title}).encode(),
                          credential_id=f"urn:uuid:{title}", title=title,
                          issuer=Issuer(id="https://www.comptia.org", name="CompTIA"), expires=expires)

    revoked = Verdict(verdict="verified", checks={"signature": "pass", "status": "revoked"},
                      checked_at=datetime(2025, 12, 1, tzinfo=timezone.utc))
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        wallet.add_credential(comptia("CompTIA Security+", datetime(2026, 1, 20, tzinfo=timezone.utc)), revoked)
        wallet.add_credential(comptia("CompTIA Network+", datetime(2026, 1, 25, tzinfo=timezone.utc)))
    finally:
        wallet.close()
    result = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--within", "60d", "--json"])
    assert result.exit_code == 0, result.output
    by_title = {c["title"]: c for c in json.loads(result.stdout)["credentials"]}
    sec, net = by_title["CompTIA Security+"], by_title["CompTIA Network+"]
    assert sec["revoked"] is True and sec["renewal_note"].startswith("revoked by its issuer")
    assert net["revoked"] is False and net["renewal_note"].startswith("renew with")  # a catalogued CE route
    table = CliRunner().invoke(app, ["expiring", "--as-of", AS_OF, "--within", "60d"]).stdout.splitlines()
    headers = table[0].split("\t") if "\t" in table[0] else None
    rows = {cells[1]: dict(zip(headers, cells)) for cells in (line.split("\t") for line in table[1:])} if headers \
        else {}
    assert rows["CompTIA Security+"]["when"].endswith(", revoked")
    assert rows["CompTIA Security+"]["renewal route"] == "revoked by its issuer: ask the issuer"
    assert rows["CompTIA Network+"]["renewal route"] != "revoked by its issuer: ask the issuer"
