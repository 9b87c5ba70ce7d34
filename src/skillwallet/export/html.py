"""The resume as one self-contained HTML file: inline CSS, QR codes as inline SVG, no scripts, no external requests.

Every value from a credential or the profile is HTML-escaped; links are only emitted for http(s), mailto: and
tel: URLs (:func:`skillwallet.export.resume.safe_url`), so a hostile credential cannot inject markup or script.
"""

from __future__ import annotations

from html import escape

from skillwallet.export.resume import ResumeCredential, credits_text, ResumeModel, ResumePathway, format_date, safe_url, type_label

_CSS = """
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Noto Sans CJK SC", sans-serif;
       color: #1f2933; max-width: 52rem; margin: 2rem auto; padding: 0 1.25rem; line-height: 1.45; font-size: 15px; }
header h1 { color: #1f4e79; font-size: 2.1rem; margin: 0; }
header .headline { color: #5f6b7a; font-size: 1.15rem; margin: .15rem 0 .4rem; }
header .contact { color: #5f6b7a; font-size: .9rem; }
a { color: #1f4e79; }
h2 { color: #1f4e79; font-size: .95rem; letter-spacing: .06em; text-transform: uppercase;
     border-bottom: 1.5px solid #1f4e79; padding-bottom: .15rem; margin: 1.6rem 0 .6rem; }
.skills { padding: 0; margin: 0; list-style: none; }
.skills li { display: inline-block; border: 1px solid #c9d3df; border-radius: 1rem; padding: .1rem .6rem;
             margin: 0 .3rem .35rem 0; font-size: .88rem; }
.skills li small { color: #5f6b7a; }
.row { display: flex; justify-content: space-between; align-items: flex-start; }
.row > .main { flex: 1 1 auto; min-width: 0; padding-right: 1rem; }
.row > .side { flex: 0 0 auto; }
.pathway { margin: .45rem 0; }
.pathway .side { width: 9rem; font-size: .85rem; white-space: nowrap; }
.pathway .missing { color: #5f6b7a; font-size: .82rem; }
.bar { height: .45rem; width: 8rem; background: #c9d3df; border-radius: .25rem; overflow: hidden; margin: .2rem 0; }
.bar span { display: block; height: 100%; background: #1f4e79; }
.bar.done span { background: #1e7b4f; }
.credential { border-bottom: 1px solid #c9d3df; padding: .7rem 0; break-inside: avoid; page-break-inside: avoid; }
h3.group { color: #5f6b7a; font-size: .9rem; margin: 1rem 0 0; }
.credential h3 { font-size: 1.02rem; margin: 0 0 .15rem; }
.credential h3 .kind { color: #5f6b7a; font-size: .78rem; font-weight: normal; }
.credential p { margin: .1rem 0; }
.credential .small { color: #5f6b7a; font-size: .8rem; overflow-wrap: anywhere; }
.status-good { color: #1e7b4f; font-weight: bold; }
.status-warn { color: #a86500; font-weight: bold; }
.status-bad { color: #b42318; font-weight: bold; }
figure { margin: 0; text-align: center; }
figure svg { width: 7.5rem; height: 7.5rem; display: block; margin: 0 auto; }
figure.dense svg { width: 11rem; height: 11rem; }
figcaption { color: #5f6b7a; font-size: .7rem; }
footer { color: #5f6b7a; font-size: .78rem; margin-top: 1.5rem; }
@media print { body { margin: 0; max-width: none; font-size: 12px; } a { text-decoration: none; } }
"""


def _a(url: str | None, text: str, *, allow: tuple[str, ...] = ()) -> str:
    """An ``<a>`` element when ``url`` is a safe http(s) URL (or uses a scheme in ``allow``), else plain text."""
    scheme = url.split(":", 1)[0].lower() if url and ":" in url else ""
    if url and (safe_url(url) or (scheme in allow and scheme in ("mailto", "tel"))):
        return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'
    return escape(text)


def _status_class(credential: ResumeCredential) -> str:
    if credential.trusted:
        return "status-good"
    if credential.verdict == "invalid" or (credential.status_detail or "").startswith(("revoked", "suspended")):
        return "status-bad"
    return "status-warn"


def _qr_svg_inline(text: str) -> tuple[str, bool]:
    """The QR code as inline SVG (no XML prolog) and whether it is dense (shown larger)."""
    from skillwallet.export.qr import qr_svg

    svg = qr_svg(text, module_size=1).decode("ascii")
    svg = svg[svg.index("<svg") :]
    modules = int(svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1), modules > 57


def _credential(credential: ResumeCredential) -> str:
    kind = f' <span class="kind">· {escape(type_label(credential.achievement_type))}</span>' if credential.achievement_type else ""
    dates = [f"Issued {format_date(credential.issued)}"] if credential.issued else []
    if credential.expires:
        dates.append(f"{'Expired' if credential.expired else 'Expires'} {format_date(credential.expires)}")
    else:
        dates.append("No expiry")
    mark = "✓ " if credential.trusted else ("✗ " if _status_class(credential) == "status-bad" else "! ")
    status = f'<span class="{_status_class(credential)}">{mark}{escape(credential.status_label)}</span>'
    if credential.status_detail:
        status += f" ({escape(credential.status_detail)})"
    facts = []
    if credential.result:
        facts.append(f"Result: {escape(credential.result)}")
    if credential.credits is not None:
        facts.append(escape(credits_text(credential)))
    if credential.hours is not None:
        facts.append(f"{credential.hours:g} hours")
    parts = [
        f"<h3>{_a(credential.link, credential.title)}{kind}</h3>",
        f"<p>{_a(credential.issuer_url, credential.issuer_name)} · {' · '.join(dates)}</p>",
        f"<p>{status}{' · ' + ' · '.join(facts) if facts else ''}</p>",
    ]
    if credential.skills:
        parts.append(f'<p class="small">Skills: {escape(", ".join(credential.skills))}</p>')
    id_line = f"Wallet id <code>{escape(credential.wallet_id)}</code>"
    if credential.credential_id:
        id_line += f" · Credential id {_a(credential.credential_id, credential.credential_id)}"
    parts.append(f'<p class="small">{id_line}</p>')
    if credential.qr_note:
        parts.append(f'<p class="small">{escape(credential.qr_note)}</p>')
    if credential.qr_help:
        parts.append(f'<p class="small">{escape(credential.qr_help)}</p>')
    figure = ""
    if credential.qr_text:
        svg, dense = _qr_svg_inline(credential.qr_text)
        caption = "Opens the verification page" if credential.qr_kind == "url" else "Holds the signed credential (SW1)"
        figure = f'<figure class="{"dense" if dense else ""}">{svg}<figcaption>{caption}</figcaption></figure>'
    side = f'<div class="side">{figure}</div>' if figure else ""
    return f'<article class="credential row"><div class="main">{"".join(parts)}</div>{side}</article>'


def _pathway(pathway: ResumePathway) -> str:
    label = pathway.label
    cls = "status-good" if pathway.completed else ("status-warn" if pathway.met else "")
    missing = ""
    if pathway.missing and not pathway.met:
        missing = f'<div class="missing">Still needed: {escape("; ".join(pathway.missing))}</div>'
    if pathway.met and pathway.weak_evidence:
        missing = f'<div class="missing">Not verified: {escape("; ".join(pathway.weak_evidence))}</div>'
    bar = ""
    if pathway.progress is not None:
        # a styled div, not <progress>: it prints, and renders the same in every browser and converter
        percent = round(pathway.progress * 100)
        bar = (
            f'<div class="bar{" done" if pathway.met else ""}" role="progressbar" aria-valuenow="{percent}" '
            f'aria-valuemin="0" aria-valuemax="100"><span style="width:{percent}%"></span></div>'
            f"{escape(pathway.progress_text or '')}"
        )
    return (
        f'<div class="pathway row"><div class="main"><strong>{escape(pathway.title)}</strong>{missing}</div>'
        f'<div class="side"><span class="{cls}">{label}</span>{bar}</div></div>'
    )


def render_html(model: ResumeModel) -> str:
    """Render the resume as a standalone HTML5 document."""
    profile = model.profile
    contact = [_a(f"mailto:{e}", e, allow=("mailto",)) for e in profile.emails]
    if profile.phone:
        tel = "tel:" + "".join(c for c in profile.phone if c.isdigit() or c == "+")
        contact.append(_a(tel, profile.phone, allow=("tel",)))
    if profile.location:
        contact.append(escape(profile.location))
    contact += [_a(link.url, link.label) for link in profile.links]
    body = ["<header>", f"<h1>{escape(profile.name)}</h1>"]
    if profile.headline:
        body.append(f'<p class="headline">{escape(profile.headline)}</p>')
    if contact:
        body.append(f'<p class="contact">{" · ".join(contact)}</p>')
    body.append("</header>")
    if profile.summary:
        body += ["<section><h2>Summary</h2>", f"<p>{escape(profile.summary)}</p></section>"]
    if model.skills:
        items = "".join(
            f"<li>{escape(s.name)}{f' <small>×{s.credential_count}</small>' if s.credential_count > 1 else ''}</li>"
            for s in model.skills
        )
        body.append(f'<section><h2>Skills</h2><ul class="skills">{items}</ul></section>')
    if model.pathways_met or model.pathways_in_progress:
        body.append("<section><h2>Career pathways</h2>")
        body += [_pathway(p) for p in model.pathways_met + model.pathways_in_progress]
        body.append("</section>")
    verified = f", {model.verified_count} verified" if model.verified_count else ""
    body.append(f"<section><h2>Credentials ({len(model.credentials)}{verified})</h2>")
    groups = model.grouped()
    for group, credentials in groups:
        if len(groups) > 1:
            body.append(f'<h3 class="group">{escape(group)}</h3>')
        body += [_credential(c) for c in credentials]
    body.append("</section>")
    body.append(
        f"<footer>Exported by skillwallet on {format_date(model.generated_at)}. Each code opens the issuer's "
        "verification page, or holds the signed credential itself (skillwallet SW1 encoding) so it can be checked "
        "offline.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="skillwallet">\n'
        f"<title>{escape(profile.name)} — Resume</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
