"""Every parse of a date, URL, DID or number read from input is total: a reason, never a crash.

A credential is written by whoever sent it. Its dates (VC 2.0 validFrom/validUntil, VC 1.1 issuanceDate/
expirationDate, OB 2.0 issuedOn/expires, JWT nbf/exp/iat), its status entries' URLs, its issuer's DID and the
DID of its proof's verification method can hold anything JSON can: years 1 and 9999 with an offset that pushes
them out of range, empty hosts, huge numbers, NaN. Through `add` and `verify` each such credential ends in a
verdict or a one-line rejection, the rest of the batch goes on, and the exit code is never 1 (internal error).
"""

from __future__ import annotations

import io
import json
import math
import os
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from hostile_helpers import (
    b64url,
    cli,
    init_wallet,
    issuer_key,
    ob3_document,
    signed,
    vc_jwt,
    wallet_state,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skillwallet.errors import ExitCode, SkillwalletError
from skillwallet.model import parse_datetime

FUZZ = settings(max_examples=int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "40")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --- strategies ------------------------------------------------------------------------------------------------

OFFSETS = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
DATE_EDGES = [
    "0001-01-01T00:00:00+01:00",  # before year 1 in UTC (OverflowError)
    "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
    "0001-01-01", "9999-12-31", "0000-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00+24:00", "+2024-01-01", "2024-W01-1", "", " ", "Z", "T", "2024-01-01T00:00:00.1234567890Z",
    "٢٠٢٤-٠١-٠١", "2024-01-01\x00", "9" * 400,
]
DATE_TEXT = st.one_of(
    st.sampled_from(DATE_EDGES),
    st.builds(lambda d, tz: d.replace(tzinfo=tz).isoformat(), st.datetimes(), OFFSETS),
    st.builds(lambda d: d.date().isoformat(), st.datetimes()),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?\Z"),
    st.text(max_size=40),
)
NUMBERS = st.one_of(
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63), 10**20, 10**400, math.nan, math.inf, -math.inf, 1e308, -1e308,
                     253402300800, -62135596801, 0.5, True]),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
)
DATE_VALUES = st.one_of(DATE_TEXT, NUMBERS, st.none(), st.lists(DATE_TEXT, max_size=2), st.dictionaries(st.text(max_size=3), DATE_TEXT, max_size=1))
DID_EDGES = [
    "did:web:", "did:web:%", "did:web:%ZZ", "did:web:%3A", "did:web:[::1]", "did:web:a:", "did:web:a::b", "did:web:a:..",
    "did:web:例え.jp", "did:web:example.com%3A99999999999", "did:web:-a-", "did:key:", "did:key:z", "did:key:zz",
    "did:key:z6Mk", "did:key:z111111111111", "did:key:f00", "did:jwk:", "did:jwk:!!!", "did:jwk:" + b64url(b"[]"),
    "did:jwk:" + b64url(b'{"kty":"OKP","crv":"Ed25519","x":"AA"}'), "did:jwk:" + b64url(b'{"kty":"EC","crv":"P-256"}'),
    "did:jwk:" + b64url(b'{"kty":"RSA","n":"AA","e":"AQAB"}'), "did:", "did::", "did:example", ":", "#", "",
    "https://[::1", "https://", "https:///x", "https://a b/", "http://x:99999/", "https://%zz/", "https://x:-1/",
    "https://example.org:65536/list", "//example.org", "urn:", "data:,", "https://user@/", "https://\x00/",
]
DIDS = st.one_of(
    st.sampled_from(DID_EDGES),
    st.builds(lambda m, s: f"did:{m}:{s}", st.sampled_from(["web", "key", "jwk", "example", "WEB"]), st.text(max_size=24)),
    st.builds(lambda s: "https://" + s, st.text(max_size=24)),
    st.text(max_size=24),
)


def assert_total(code: int, err: str, allowed: set[int]) -> None:
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    assert code != ExitCode.INTERNAL and code in allowed, (code, err)


ADD_CODES = {ExitCode.OK, ExitCode.BAD_INPUT, ExitCode.EXISTS, ExitCode.PARTIAL}
VERIFY_CODES = {ExitCode.OK, ExitCode.NOT_VERIFIED, ExitCode.BAD_INPUT}


@pytest.fixture
def issuer(passphrase):
    init_wallet()
    return issuer_key()


def add_and_verify(capsys, path) -> None:
    code, out, err = cli(capsys, "add", "--offline", "--json", str(path))
    assert_total(code, err, ADD_CODES)
    json.loads(out)  # the report is still complete JSON
    code, out, err = cli(capsys, "verify", "--offline", "--json", str(path))
    assert_total(code, err, VERIFY_CODES)
    json.loads(out)


# --- the parsers themselves ------------------------------------------------------------------------------------


@given(value=st.one_of(DATE_VALUES, st.binary(max_size=8)))
@example(value="0001-01-01T00:00:00+01:00")
@example(value="9999-12-31T23:59:59-01:00")
@example(value=math.nan)
@example(value=10**400)
@FUZZ
def test_parse_datetime_is_total(value):
    parsed = parse_datetime(value)
    assert parsed is None or (isinstance(parsed, datetime) and parsed.utcoffset() == timedelta(0))


def test_parse_datetime_refuses_what_leaves_the_range_in_utc():
    assert parse_datetime("0001-01-01T00:00:00+01:00") is None
    assert parse_datetime("9999-12-31T23:59:59-01:00") is None
    assert parse_datetime("0001-01-01T00:00:00-01:00") == datetime(1, 1, 1, 1, tzinfo=timezone.utc)
    assert parse_datetime(math.nan) is None and parse_datetime(math.inf) is None and parse_datetime(10**400) is None


@given(did=DIDS)
@example(did="did:web:")
@FUZZ
def test_did_and_url_parsers_raise_only_their_own_errors(did):
    from skillwallet.verify.base import KeyResolutionError
    from skillwallet.verify.keys import public_key_from_did_key, resolve_did_document
    from skillwallet.verify.resolver import DocumentResolver, normalize_document_url, validate_document_url

    resolver = DocumentResolver(offline=True)
    for parse in (
        lambda: resolve_did_document(did, resolver),
        lambda: public_key_from_did_key(did),
        lambda: validate_document_url(did),
        lambda: resolver.fetch(did),
    ):
        try:
            parse()
        except (SkillwalletError, KeyResolutionError):  # the project's own errors: a reason, not a crash
            pass
    assert isinstance(normalize_document_url(did), str)


# --- through the command line ----------------------------------------------------------------------------------


@given(field=st.sampled_from(["validFrom", "validUntil", "issuanceDate", "expirationDate"]), value=DATE_VALUES)
@example(field="validFrom", value="0001-01-01T00:00:00+01:00")
@example(field="validUntil", value="9999-12-31T23:59:59-01:00")
@FUZZ
def test_vc_dates_through_add_and_verify(issuer, capsys, tmp_path, field, value):
    key, did, method = issuer
    document = ob3_document("Dated", issuer=did, ident=f"urn:uuid:{uuid.uuid4()}")
    document[field] = value
    path = tmp_path / "dated.json"
    try:
        path.write_text(json.dumps(signed(document, key, method)))
    except SkillwalletError:  # not signable (e.g. a date the context types reject): the unsigned copy will do
        path.write_text(json.dumps(document))
    add_and_verify(capsys, path)


@given(issued=DATE_VALUES, expires=DATE_VALUES)
@example(issued="0001-01-01T00:00:00+01:00", expires="9999-12-31T23:59:59-01:00")
@FUZZ
def test_ob2_dates_through_add_and_verify(issuer, capsys, tmp_path, issued, expires):
    assertion = {  # an OB 2.0 assertion with its BadgeClass and Issuer embedded: nothing to fetch
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"https://badges.example.net/public/assertions/{uuid.uuid4()}",
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "issuedOn": issued,
        "expires": expires,
        "badge": {
            "type": "BadgeClass", "id": "https://badges.example.net/badges/1", "name": "Dated badge",
            "description": "d", "image": "https://badges.example.net/badges/1/image", "criteria": {"narrative": "n"},
            "issuer": {"type": "Issuer", "id": "https://badges.example.net/issuer", "name": "Club"},
        },
        "verification": {"type": "hosted"},
    }
    path = tmp_path / "ob2.json"
    path.write_text(json.dumps(assertion))
    add_and_verify(capsys, path)


@given(claim=st.sampled_from(["nbf", "exp", "iat"]), value=st.one_of(NUMBERS, DATE_TEXT, st.none()))
@example(claim="exp", value=math.nan)
@example(claim="nbf", value=10**400)
@example(claim="iat", value=-(2**63))
@FUZZ
def test_jwt_time_claims_through_add_and_verify(issuer, capsys, tmp_path, claim, value):
    key, did, method = issuer
    ident = f"urn:uuid:{uuid.uuid4()}"
    claims = {
        "iss": did, "jti": ident, "sub": "did:example:holder", "nbf": 1262304000,
        "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
               "credentialSubject": {"id": "did:example:holder", "name": "JWT credential"}},
    }
    claims[claim] = value
    path = tmp_path / "credential.jwt"
    path.write_text(vc_jwt(claims, key, method))
    add_and_verify(capsys, path)


@given(url=DIDS, index=st.one_of(st.integers(), st.text(max_size=12), NUMBERS))
@example(url="did:web:", index="1")
@example(url="https://[::1", index="1")
@example(url="https://example.org/list", index=10**400)
@FUZZ
def test_status_entries_through_add_and_verify(issuer, capsys, tmp_path, url, index):
    key, did, method = issuer
    document = ob3_document("With status", issuer=did, ident=f"urn:uuid:{uuid.uuid4()}")
    document["credentialStatus"] = {
        "id": f"{url}#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": index if not isinstance(index, float) else str(index), "statusListCredential": url,
    }
    path = tmp_path / "status.json"
    try:
        path.write_text(json.dumps(signed(document, key, method)))
    except SkillwalletError:
        path.write_text(json.dumps(document))
    add_and_verify(capsys, path)


@given(issuer_id=DIDS, method_did=DIDS)
@example(issuer_id="did:web:", method_did="did:web:")
@example(issuer_id="did:jwk:!!!", method_did="did:key:z")
@FUZZ
def test_issuer_and_verification_method_dids_through_add_and_verify(issuer, capsys, tmp_path, issuer_id, method_did):
    key, _, _ = issuer
    document = ob3_document("Odd issuer", issuer=issuer_id, ident=f"urn:uuid:{uuid.uuid4()}")
    path = tmp_path / "odd.json"
    try:
        path.write_text(json.dumps(signed(document, key, f"{method_did}#key-1")))
    except SkillwalletError:
        path.write_text(json.dumps(document))
    add_and_verify(capsys, path)


@given(text=st.one_of(DATE_TEXT, st.text(max_size=30)))
@example(text="0001-01-01T00:00:00+01:00")
@example(text="9999-12-31T23:59:59-01:00")
@example(text="0001-01-01")
@example(text="9999-12-31")
@FUZZ
def test_as_of_is_total(issuer, capsys, tmp_path, text):
    key, did, method = issuer
    path = tmp_path / "plain.json"
    if not path.exists():
        path.write_text(json.dumps(signed(ob3_document("Plain", issuer=did), key, method)))
    for args in (["verify", "--offline", "--as-of", text, str(path)], ["expiring", "--as-of", text],
                 ["stack", "--as-of", text]):
        code, _, err = cli(capsys, *args)
        assert_total(code, err, {ExitCode.OK, ExitCode.NOT_VERIFIED, ExitCode.BAD_INPUT, ExitCode.USAGE})


# --- the regressions as they were reported -----------------------------------------------------------------------


def test_year_one_with_an_offset_is_a_rejection_not_a_crash(issuer, capsys, tmp_path):
    key, did, method = issuer
    document = ob3_document("Early", issuer=did, valid_from="0001-01-01T00:00:00+01:00")
    (tmp_path / "early.json").write_text(json.dumps(signed(document, key, method)))
    code, out, err = cli(capsys, "add", "--offline", str(tmp_path / "early.json"))
    assert_total(code, err, ADD_CODES)
    code, out, err = cli(capsys, "verify", "--offline", "--json", str(tmp_path / "early.json"))
    assert code == ExitCode.NOT_VERIFIED, err
    (result,) = json.loads(out)["results"]
    assert result["checks"]["dates"] == "fail" and "validFrom" in " ".join(result["reasons"])


def test_status_list_did_web_without_a_host_is_a_status_reason(issuer, capsys, tmp_path):
    key, did, method = issuer
    document = ob3_document("Status", issuer=did)
    document["credentialStatus"] = {"id": "did:web:#1", "type": "BitstringStatusListEntry",
                                    "statusPurpose": "revocation", "statusListIndex": "1",
                                    "statusListCredential": "did:web:"}
    (tmp_path / "status.json").write_text(json.dumps(signed(document, key, method)))
    code, out, err = cli(capsys, "add", "--offline", "--json", str(tmp_path / "status.json"))
    assert code == 0, err
    assert "the verifier failed" not in out
    code, out, err = cli(capsys, "verify", "--offline", "--json", str(tmp_path / "status.json"))
    assert_total(code, err, {ExitCode.NOT_VERIFIED})
    (result,) = json.loads(out)["results"]
    assert result["checks"]["status"] == "unknown" and result["checks"]["signature"] == "pass"


def test_a_zip_with_one_malformed_member_keeps_the_good_one(issuer, capsys, tmp_path):
    key, did, method = issuer
    good = signed(ob3_document("Good", issuer=did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000010"), key, method)
    bad = signed(ob3_document("Bad", issuer=did, ident="urn:uuid:6a1f0b3c-0000-4000-8000-000000000011",
                              valid_from="0001-01-01T00:00:00+01:00"), key, method)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bad.json", json.dumps(bad))
        archive.writestr("good.json", json.dumps(good))
    (tmp_path / "export.zip").write_bytes(buffer.getvalue())
    code, out, err = cli(capsys, "add", "--offline", "--json", str(tmp_path / "export.zip"))
    assert_total(code, err, ADD_CODES)
    report = json.loads(out)
    titles = {r["title"]: r["status"] for r in report["results"]}
    assert titles.get("Good") == "added"
    code, out, _ = cli(capsys, "list", "--json")
    assert "Good" in [c["title"] for c in json.loads(out)["credentials"]]


def test_a_parser_crash_is_one_rejection_and_the_rest_of_the_batch_goes_on(issuer, capsys, tmp_path, monkeypatch):
    """A bug in one parser (any exception, not only the project's own) rejects that input alone: exit 17."""
    import skillwallet.formats as formats

    key, did, method = issuer
    real = formats.parse_credential_bytes

    def fragile(data, **kwargs):
        if b"Fragile" in data:
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, **kwargs)

    monkeypatch.setattr(formats, "parse_credential_bytes", fragile)
    (tmp_path / "a.json").write_text(json.dumps(signed(ob3_document("Fragile", issuer=did, ident="urn:uuid:a"), key, method)))
    (tmp_path / "b.json").write_text(json.dumps(signed(ob3_document("Sound", issuer=did, ident="urn:uuid:b"), key, method)))
    before = wallet_state()
    code, out, err = cli(capsys, "add", "--offline", "--json", str(tmp_path / "a.json"))
    assert code == ExitCode.BAD_INPUT and wallet_state() == before
    code, out, err = cli(capsys, "add", "--offline", "--json", str(tmp_path))
    assert_total(code, err, {ExitCode.PARTIAL})
    statuses = {r["source"].rsplit("/", 1)[-1]: r for r in json.loads(out)["results"]}
    assert statuses["b.json"]["status"] == "added"
    assert statuses["a.json"]["status"] == "rejected" and "RecursionError" in statuses["a.json"]["reason"]


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "0001-01-01T00:00:00+01:00"])
def test_as_of_out_of_range_is_one_error_line(passphrase, capsys, text):
    init_wallet()
    code, out, err = cli(capsys, "expiring", "--as-of", text)
    assert code == ExitCode.USAGE and out == ""
    assert err.splitlines()[0].startswith("error: ")
    assert "out of range" in err or "is not a date" in err


def test_a_verifier_crash_is_one_result_and_verify_goes_on(issuer, capsys, tmp_path, monkeypatch):
    """`verify` over files and over the wallet: a verifier bug on one credential is that credential's result
    (unverifiable, with the exception's name), the others are verified, exit 13."""
    import skillwallet.verify.verifier as verifier

    key, did, method = issuer
    real = verifier.verify_credential

    def fragile(cred, **kwargs):
        if cred.title == "Fragile":
            raise ZeroDivisionError("a bug")
        return real(cred, **kwargs)

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for title, ident in (("Fragile", "urn:uuid:f"), ("Sound", "urn:uuid:s")):
        (inbox / f"{title}.json").write_text(json.dumps(signed(ob3_document(title, issuer=did, ident=ident), key, method)))
    assert cli(capsys, "add", "--offline", str(inbox))[0] == 0
    monkeypatch.setattr(verifier, "verify_credential", fragile)
    for args in (["verify", "--offline", "--json", str(inbox / "Fragile.json"), str(inbox / "Sound.json")],
                 ["verify", "--offline", "--json", "--all"]):
        code, out, err = cli(capsys, *args)
        assert_total(code, err, {ExitCode.NOT_VERIFIED})
        verdicts = {r["title"]: r for r in json.loads(out)["results"]}
        assert verdicts["Sound"]["verdict"] == "verified"
        assert verdicts["Fragile"]["verdict"] == "unverifiable"
        assert "ZeroDivisionError" in verdicts["Fragile"]["reasons"][0]
