"""Titles, descriptions and issuer names with HTML markup are plain text in every view: `list`, `show`, `verify`
and the exports show the text the markup stands for (tags stripped, entities decoded), never the markup and never
anything interpreted. `show` shortens embedded data (a data: URI image) to its start and size."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillwallet import paths
from skillwallet.cli.app import run
from skillwallet.errors import ExitCode
from skillwallet.formats._common import plain_text
from skillwallet.store import Wallet
from skillwallet.verify import data_integrity as di
from skillwallet.verify.keys import did_key_from_public_key

HTML_TITLE = "<p>Data Analysis with <b>Python</b> &amp; pandas</p>"
TITLE = "Data Analysis with Python & pandas"
HTML_DESCRIPTION = "<p>Cleans &amp; analyses data.</p><ul><li>pandas</li><li>&lt;matplotlib&gt;</li></ul>"
HTML_ISSUER = "<span>Example &amp; Co</span><script>alert('issuer')</script>"
ISSUER = "Example & Co"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(12_600)).decode()


@pytest.mark.parametrize("markup, text", [
    ("<p>Intro to <b>Data</b> &amp; AI</p>", "Intro to Data & AI"),
    ("<script>alert(1)</script>Title<style>p{}</style>", "Title"),
    ("x <a href=\"javascript:alert(1)\" onclick='y'>link</a>", "x link"),
    ("&lt;b&gt;not bold&lt;/b&gt;", "<b>not bold</b>"),  # decoded once: text, never markup
    ("C++ <templates> and <3 years", "C++ <templates> and <3 years"),  # not HTML elements: text
    ("AT&T <!-- note -->R&amp;D", "AT&T R&D"),
    # HTML decodes a reference to a C0 control to nothing; U+202E stays, and every view prints it escaped
    ("&#27;[31mred&#8238;", "[31mred\u202e"),
    ("<p>  spaced\n\t out  </p>", "spaced out"),
    ("no markup,  kept\tas it is ", "no markup,  kept\tas it is "),
])
def test_plain_text(markup, text):
    assert plain_text(markup) == text


def test_plain_text_keeps_the_lines_of_a_description():
    assert plain_text(HTML_DESCRIPTION, multiline=True) == "Cleans & analyses data.\npandas\n<matplotlib>"


@pytest.fixture
def wallet_with_html_badge(passphrase, tmp_path) -> str:
    Wallet.init(paths.wallet_home(), passphrase).close()
    key = Ed25519PrivateKey.generate()
    did = did_key_from_public_key(key.public_key())
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:3c5d7e9f-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": HTML_ISSUER},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": HTML_TITLE,
        "credentialSubject": {
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/python-data", "type": ["Achievement"],
                "name": HTML_TITLE, "description": HTML_DESCRIPTION,
                "criteria": {"narrative": "Passed the project."},
                "image": {"id": f"data:image/png;base64,{PNG}", "type": "Image"},
            },
        },
    }
    signed = di.sign_data_integrity(document, key, f"{did}#{did.removeprefix('did:key:')}")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed))
    assert run(["add", "--offline", str(path)]) == ExitCode.OK
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as w:
        (stored,) = w.list_credentials()
    return stored.wallet_id


def _no_markup(text: str) -> None:
    for markup in ("<p>", "<b>", "</p>", "&amp;", "<span>", "<script", "alert("):
        assert markup not in text, (markup, text)


def test_list_show_and_verify_show_plain_text(wallet_with_html_badge, capsys):
    capsys.readouterr()
    assert run(["list", "--json"]) == ExitCode.OK
    (entry,) = json.loads(capsys.readouterr().out)["credentials"]
    assert (entry["title"], entry["issuer"]) == (TITLE, ISSUER)

    assert run(["list"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert TITLE in out and ISSUER in out
    _no_markup(out)

    assert run(["show", wallet_with_html_badge]) == ExitCode.OK
    out = capsys.readouterr().out
    assert TITLE in out and "Cleans & analyses data." in out and "<matplotlib>" in out
    _no_markup(out)
    assert "data:image/png;base64,iVBO… (12.3 KB)" in out and PNG[:200] not in out

    assert run(["show", wallet_with_html_badge, "--json"]) == ExitCode.OK
    shown = json.loads(capsys.readouterr().out)["credential"]
    assert (shown["title"], shown["issuer"]["name"]) == (TITLE, ISSUER)

    assert run(["verify", wallet_with_html_badge]) == ExitCode.OK
    out = capsys.readouterr().out
    assert TITLE in out
    _no_markup(out)


@pytest.mark.parametrize("name", ["resume.md", "resume.html", "resume.json"])
def test_exports_show_plain_text(name, wallet_with_html_badge, tmp_path, capsys):
    assert run(["profile", "set", "--name", "Ada Learner"]) == ExitCode.OK
    output = tmp_path / name
    args = ["export", "--json-resume", "-o", str(output)] if name.endswith(".json") else \
        ["export", "--resume", "-o", str(output)]
    assert run(args) == ExitCode.OK, capsys.readouterr().err
    text = output.read_text(encoding="utf-8")
    if name.endswith(".html"):
        assert "Data Analysis with Python &amp; pandas" in text  # escaped once, as text
        assert "&amp;amp;" not in text and "<b>Python</b>" not in text and "<script>alert" not in text
    elif name.endswith(".json"):
        assert TITLE in json.dumps(json.loads(text), ensure_ascii=False)
        _no_markup(text)
    else:
        assert "Data Analysis with Python \\& pandas" in text  # Markdown's own escape of "&"
        _no_markup(text)


def test_show_shortens_the_kept_image_of_a_baked_badge(passphrase, tmp_path, capsys):
    """A baked badge keeps its image (base64) beside the credential: `show` names it by start and size."""
    from formats_helpers import baked_png, fixture_json

    Wallet.init(paths.wallet_home(), passphrase).close()
    png = baked_png(json.dumps(fixture_json("ob3_full_v2.json")))
    (tmp_path / "badge.png").write_bytes(png)
    assert run(["add", "--offline", "--no-verify", str(tmp_path / "badge.png")]) == ExitCode.OK
    with Wallet.open(paths.wallet_home(), passphrase=passphrase) as w:
        (stored,) = w.list_credentials()
    capsys.readouterr()
    assert run(["show", stored.wallet_id]) == ExitCode.OK
    out = capsys.readouterr().out
    encoded = base64.b64encode(png).decode()
    assert f"base64: iVBO… ({len(png)} bytes)" in out or f"base64: iVBO… ({len(png) / 1024:.1f} KB)" in out, out
    assert encoded[:64] not in out
