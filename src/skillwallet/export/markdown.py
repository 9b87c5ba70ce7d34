"""The resume as Markdown (CommonMark): the same content as the PDF, for pasting into a profile or a README.

Markdown has no QR codes; each credential carries its verification link instead where it has one. Text from
credentials is escaped so an issuer name cannot inject links or formatting.
"""

from __future__ import annotations

import re

from skillwallet.export.resume import ResumeCredential, credits_text, ResumeModel, format_date, safe_url, type_label

# Characters that start inline constructs (emphasis, code, links, autolinks/HTML, tables, strikethrough,
# entities); text is only ever placed inline, so block markers like "-" or "1." need no escaping.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md_escape(text: str | None) -> str:
    """Backslash-escape CommonMark punctuation (CommonMark §2.4) and fold newlines into spaces."""
    if not text:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_link(url: str, text: str) -> str:
    # CommonMark §6.3: a destination in <...> may hold any character but <, > and line breaks
    destination = url.replace("<", "%3C").replace(">", "%3E")
    return f"[{md_escape(text)}](<{destination}>)"


def _credential(credential: ResumeCredential, heading: str = "###") -> list[str]:
    title = md_escape(credential.title)
    if credential.link:
        title = _md_link(credential.link, credential.title)
    kind = f" · {md_escape(type_label(credential.achievement_type))}" if credential.achievement_type else ""
    lines = [f"{heading} {title}{kind}", ""]
    issuer = md_escape(credential.issuer_name)
    if credential.issuer_url:
        issuer = _md_link(credential.issuer_url, credential.issuer_name)
    dates = [f"issued {format_date(credential.issued)}"] if credential.issued else []
    if credential.expires:
        dates.append(f"{'expired' if credential.expired else 'expires'} {format_date(credential.expires)}")
    else:
        dates.append("no expiry")
    lines.append(f"- **Issuer:** {issuer} — {', '.join(dates)}")
    mark = "✓ " if credential.trusted else ""
    status = f"{mark}{md_escape(credential.status_label)}"
    if credential.status_detail:
        status += f" ({md_escape(credential.status_detail)})"
    lines.append(f"- **Status:** {status}")
    if credential.result or credential.credits is not None or credential.hours is not None:
        facts = []
        if credential.result:
            facts.append(f"result {md_escape(credential.result)}")
        if credential.credits is not None:
            facts.append(md_escape(credits_text(credential)))
        if credential.hours is not None:
            facts.append(f"{credential.hours:g} hours")
        lines.append(f"- **Outcome:** {', '.join(facts)}")
    if credential.skills:
        lines.append(f"- **Skills:** {md_escape(', '.join(credential.skills))}")
    if credential.credential_id:
        shown = credential.credential_id
        lines.append(f"- **Credential id:** {_md_link(shown, shown) if safe_url(shown) else '`' + shown.replace('`', '') + '`'}")
    lines.append(f"- **Wallet id:** `{credential.wallet_id}`")
    lines.append("")
    return lines


def render_markdown(model: ResumeModel) -> str:
    """Render the resume as a CommonMark document."""
    profile = model.profile
    out = [f"# {md_escape(profile.name)}", ""]
    if profile.headline:
        out += [f"**{md_escape(profile.headline)}**", ""]
    contact = [_md_link(f"mailto:{e}", e) for e in profile.emails]
    if profile.phone:
        contact.append(md_escape(profile.phone))
    if profile.location:
        contact.append(md_escape(profile.location))
    contact += [_md_link(link.url, link.label) for link in profile.links]
    if contact:
        out += [" · ".join(contact), ""]
    if profile.summary:
        out += ["## Summary", "", md_escape(profile.summary), ""]
    if model.skills:
        out += ["## Skills", ""]
        out.append(
            " · ".join(
                md_escape(s.name) + (f" ×{s.credential_count}" if s.credential_count > 1 else "") for s in model.skills
            )
        )
        out.append("")
    if model.pathways_met or model.pathways_in_progress:
        out += ["## Career pathways", ""]
        for pathway in model.pathways_met:
            if pathway.completed:
                out.append(f"- ✓ **{md_escape(pathway.title)}** — completed")
            else:
                out.append(f"- **{md_escape(pathway.title)}** — met, partly on self-attested / unverified evidence: "
                           f"{md_escape('; '.join(pathway.weak_evidence))}")
        for pathway in model.pathways_in_progress:
            line = f"- **{md_escape(pathway.title)}** — in progress"
            if pathway.progress_text:
                line += f" ({md_escape(pathway.progress_text)})"
            if pathway.missing:
                line += f"; still needed: {md_escape('; '.join(pathway.missing))}"
            out.append(line)
        out.append("")
    verified = f", {model.verified_count} verified" if model.verified_count else ""
    out += [f"## Credentials ({len(model.credentials)}{verified})", ""]
    groups = model.grouped()
    for group, credentials in groups:
        if len(groups) > 1:
            out += [f"### {group}", ""]
        for credential in credentials:
            out += _credential(credential, heading="####" if len(groups) > 1 else "###")
    out.append(f"*Exported by skillwallet on {format_date(model.generated_at)}.*")
    return "\n".join(out) + "\n"
