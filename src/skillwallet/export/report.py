"""A verification report a recruiter can read and file: what `skillwallet verify` found, as HTML or PDF.

Per credential: its title (and the resume line that shows it), the issuer, what was checked and how each check
came out, the verdict, whether it is in force, its status, when it was checked and with which documents (each
with where it came from: supplied, cached, fetched). Everything shown comes from the results ``verify``
computed; the report adds no judgement of its own. All text is untrusted credential content, escaped.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

CHECK_NAMES = {
    "signature": "signature",
    "issuer_binding": "issuer key bound to the issuer",
    "holder_binding": "credentials are the holder's",
    "challenge": "challenge",
    "domain": "domain",
    "proof_purpose": "proof purpose",
    "undefined_terms": "every field signed",
    "contexts": "JSON-LD contexts",
    "not_before": "valid from",
    "expiry": "not expired",
    "status": "revocation status",
    "issuer_trusted": "issuer in trusted list",
    "format": "readable",
}


def _in_force(result: dict[str, Any]) -> str:
    return "yes" if result.get("in_force") else "no"


def _status(result: dict[str, Any]) -> str:
    status = result["checks"].get("status")
    return {"pass": "not revoked", "na": "no status list", "unknown": "unknown", None: "-"}.get(status, str(status))


def _documents(result: dict[str, Any]) -> list[str]:
    out = []
    for document in result.get("details", {}).get("documents") or []:
        if isinstance(document, dict):
            stored = (document.get("stored_at") or "")[:10]
            source = document.get("source") or "?"
            out.append(f"{document.get('url')} ({source}{' ' + stored if stored and source != 'supplied' else ''})")
    return out


def report_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's rows: one per result, in words."""
    rows = []
    for result in results:
        details = result.get("details") or {}
        resume = result.get("resume") or {}
        checks = [(CHECK_NAMES.get(name, name.replace("_", " ")), outcome) for name, outcome in result["checks"].items()]
        if resume.get("match") in ("pass", "fail"):
            checks.append(("matches the resume line", resume["match"]))
        rows.append({
            "source": result["source"],
            "kind": result["kind"],
            "title": result.get("title") or details.get("proof_title")
            or ("(the holder's presentation)" if result["kind"] == "presentation" else "(untitled)"),
            "issuer": details.get("issuer") or details.get("holder") or "-",
            "verdict": result["verdict"],
            "in_force": _in_force(result),
            "status": _status(result),
            "checked_at": result.get("checked_at") or "-",
            "checks": checks,
            "reasons": list(result.get("reasons") or []),
            "documents": _documents(result),
            "page": resume.get("page"),
        })
    return rows


def _visible(value: str) -> str:
    """``value`` with its control and invisible format characters spelled out (``\\u202e``), as the terminal
    output shows them: a bidi override (Unicode UAX #9, U+202A-202E, U+2066-2069) would make a browser draw a
    title in another order than the one it is signed in, and a zero-width character would hide a difference."""
    import unicodedata

    if value.isprintable():
        return value
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") else c
                   for c in value)


def render_report_html(results: list[dict[str, Any]], *, target: str, generated_at: datetime, passed: bool) -> bytes:
    """The report as one self-contained HTML page (no scripts, no external resources)."""

    def e(value: str) -> str:
        return html.escape(_visible(value))

    rows = report_rows(results)
    body = []
    for row in rows:
        checks = "".join(f"<li>{e(name)}: <b>{e(str(outcome))}</b></li>" for name, outcome in row["checks"])
        reasons = "".join(f"<li>{e(r)}</li>" for r in row["reasons"])
        documents = "".join(f"<li>{e(d)}</li>" for d in row["documents"]) or "<li>none</li>"
        page = f" (page {row['page']})" if row["page"] else ""
        cls = "good" if row["verdict"] == "verified" and row["in_force"] == "yes" else "bad"
        body.append(
            f'<section class="{cls}"><h2>{e(row["title"])}{e(page)}</h2><table>'
            f'<tr><th>Source</th><td>{e(row["source"])}</td></tr>'
            f'<tr><th>{"Holder" if row["kind"] == "presentation" else "Issuer"}</th><td>{e(row["issuer"])}</td></tr>'
            f'<tr><th>Verdict</th><td><b>{e(row["verdict"])}</b></td></tr>'
            f'<tr><th>In force</th><td>{e(row["in_force"])}</td></tr>'
            f'<tr><th>Status</th><td>{e(row["status"])}</td></tr>'
            f'<tr><th>Checked</th><td>{e(row["checked_at"])}</td></tr>'
            f"<tr><th>What was checked</th><td><ul>{checks}</ul></td></tr>"
            + (f"<tr><th>Findings</th><td><ul>{reasons}</ul></td></tr>" if reasons else "")
            + f"<tr><th>Documents used</th><td><ul>{documents}</ul></td></tr></table></section>"
        )
    outcome = "Everything verified and in force" if passed else "Not everything is verified and in force"
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Verification report: {e(target)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; color: #1f2933; }}
section {{ border-left: 4px solid #c9d3df; padding: 0 1rem; margin: 1.2rem 0; }}
section.good {{ border-color: #1e7b4f; }} section.bad {{ border-color: #b42318; }}
th {{ text-align: left; vertical-align: top; padding-right: 1rem; white-space: nowrap; }}
ul {{ margin: 0; padding-left: 1.2rem; }}
</style></head><body>
<h1>Verification report</h1>
<p>Checked: <b>{e(target)}</b> by skillwallet on {e(generated_at.isoformat(timespec="seconds"))}.</p>
<p><b>{e(outcome)}.</b> {len(rows)} result{"s" if len(rows) != 1 else ""}.</p>
{"".join(body)}
</body></html>
"""
    return page.encode("utf-8")


def render_report_pdf(results: list[dict[str, Any]], *, target: str, generated_at: datetime, passed: bool) -> bytes:
    """The report as a PDF (the resume's fonts, so any script in a title shows)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from skillwallet.export.pdf import paragraph_styles, markup

    styles = paragraph_styles()
    story: list[Any] = [Paragraph("Verification report", styles["name"]),
                        Paragraph(markup(f"Checked: {target} by skillwallet on "
                                         f"{generated_at.isoformat(timespec='seconds')}"), styles["contact"]),
                        Paragraph(markup("Everything verified and in force." if passed
                                         else "Not everything is verified and in force."), styles["title"])]
    for row in report_rows(results):
        story.append(Spacer(1, 8))
        page = f" (page {row['page']})" if row["page"] else ""
        story.append(Paragraph(markup(row["title"] + page), styles["title"]))
        lines = [
            f"Source: {row['source']}",
            f"{'Holder' if row['kind'] == 'presentation' else 'Issuer'}: {row['issuer']}",
            f"Verdict: {row['verdict']} · in force: {row['in_force']} · status: {row['status']}",
            f"Checked: {row['checked_at']}",
            "What was checked: " + ", ".join(f"{name} {outcome}" for name, outcome in row["checks"]),
        ]
        lines += [f"Finding: {r}" for r in row["reasons"]]
        lines.append("Documents used: " + ("; ".join(row["documents"]) or "none"))
        story.append(Paragraph("<br/>".join(markup(line) for line in lines), styles["entry"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=17 * mm, rightMargin=17 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm, title=f"Verification report: {target}", creator="skillwallet").build(story)
    return buffer.getvalue()
