"""`make demo` is one of the two README set-up commands: it must run end to end on the embedded samples."""

import json

import pytest

from skillwallet.demo import run_demo


@pytest.mark.slow
def test_demo_runs_end_to_end_and_writes_every_export(tmp_path, capsys):
    out = tmp_path / "demo-out"
    run_demo(out)
    printed = capsys.readouterr().out
    for name in ("resume.pdf", "resume.html", "resume.md", "presentation.json", "resume.json", "renewals.ics",
                 "python-fundamentals-qr.png", "verification-report.html"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "resume.pdf").read_bytes().startswith(b"%PDF-")
    presentation = json.loads((out / "presentation.json").read_text())
    assert "VerifiablePresentation" in presentation["type"]
    assert presentation["proof"]["challenge"] == "demo-challenge"
    assert "demo: done" in printed
    # The throwaway wallet is gone: nothing but the exports is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-out", "home", "tmp"]
    # the employer's check of the demo's resume: every line is the proof credential's own
    from skillwallet.cli.app import run

    capsys.readouterr()
    run(["verify", "--offline", "--json", str(out / "resume.pdf")])
    lines = [r for r in json.loads(capsys.readouterr().out)["results"] if r["kind"] == "credential"]
    assert lines and all(r["resume"]["match"] == "pass" for r in lines), [r["reasons"] for r in lines]
    # `make demo` again: it replaces its own earlier exports instead of stopping at the first one
    first = (out / "presentation.json").read_bytes()
    run_demo(out)
    assert "demo: done" in capsys.readouterr().out
    assert (out / "presentation.json").read_bytes() != first  # a fresh holder key and proof
