"""The `export` command: resumes (PDF, Markdown, HTML, JSON Resume), QR codes, signed presentations, LinkedIn
links and renewal calendars.

Each export writes exactly the file asked for (``-o FILE``; ``-o -`` for stdout), rendered in memory and written
atomically (:mod:`skillwallet.export.files`); nothing else unencrypted touches the disk.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List, Optional

import typer

from skillwallet.cli.completion import complete_credential_id, complete_pathway_id, complete_tag
from skillwallet.cli.common import busy, emit_json, info, is_terminal, safe_text
from skillwallet.errors import AlreadyExistsError, ExportError, OperationInterrupted, UsageError

# --format values and the file extensions that imply them
FORMATS = {
    "pdf": "resume-pdf",
    "md": "resume-md",
    "markdown": "resume-md",
    "html": "resume-html",
    "json-resume": "json-resume",
    "presentation": "presentation",
    "vp": "presentation",
    "ics": "calendar",
    "png": "qr-png",
    "svg": "qr-svg",
}
EXTENSIONS = {
    ".pdf": "pdf",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".ics": "ics",
    ".png": "png",
    ".svg": "svg",
}
TEXT_KINDS = {"resume-md", "resume-html", "json-resume", "presentation", "calendar", "qr-svg"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _default_kind(mode: str) -> str:
    return {"resume": "resume-pdf", "qr": "qr-png"}.get(mode, mode)


def _fits(mode: str, kind: str) -> bool:
    """Whether ``--<mode>`` can write ``kind`` (the kind an extension implies)."""
    if mode == "resume":
        return kind.startswith("resume")
    if mode == "qr":
        return kind.startswith("qr-")
    return kind == mode


def _extension_for(kind: str) -> str:
    return {"resume-pdf": ".pdf", "resume-md": ".md", "resume-html": ".html", "json-resume": ".json",
            "presentation": ".json", "calendar": ".ics", "qr-png": ".png", "qr-svg": ".svg"}.get(kind, "")


def _kind_from(mode: str | None, fmt: str | None, output: str | None) -> str:
    """Decide what to produce from the mode flag, --format and the output file's extension."""
    if fmt is not None and fmt.lower() not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", "use one of: " + ", ".join(sorted(FORMATS)))
    from_format = FORMATS[fmt.lower()] if fmt else None
    extension = Path(output).suffix.lower() if output and output != "-" else ""
    from_extension = FORMATS.get(EXTENSIONS.get(extension, ""), None)
    # the file's extension and the format asked for must agree: resume.pdf holding Markdown helps nobody
    if from_format and from_extension and from_format != from_extension:
        raise UsageError(
            f"-o {output} names a {extension} file, but --format {fmt} was asked for",
            f"name the file for its format (e.g. -o {Path(output).stem}{_extension_for(from_format)}), or drop --format",
        )
    if mode is not None and from_extension and not _fits(mode, from_extension):
        raise UsageError(
            f"-o {output} names a {extension} file, which --{mode} does not write",
            f"use -o {Path(output).stem}{_extension_for(_default_kind(mode))}",
        )
    if mode == "resume" and extension == ".json":
        raise UsageError("a resume written as .json is a JSON Resume", "use --json-resume -o resume.json")
    if mode == "resume" and extension and not from_extension and not from_format:
        # resume.txt or resume.docx would silently hold a PDF: the extension is what the user reads the file as
        raise UsageError(
            f"-o {output}: a resume is written as .pdf, .md or .html, not {extension}",
            f"use -o {Path(output).stem}.pdf, .md or .html, or --format pdf|md|html to keep the name",
        )
    if mode == "resume":
        kind = from_format or from_extension or "resume-pdf"
        if kind == "presentation" or not (kind.startswith("resume") or kind == "json-resume"):
            raise UsageError(
                f"a resume is written as PDF, Markdown, HTML or JSON Resume, not {fmt or extension}",
                "use -o resume.pdf, resume.md, resume.html, or --json-resume -o resume.json",
            )
        return kind
    if mode == "qr":
        kind = from_format or from_extension or "qr-terminal"
        if output and output != "-" and kind not in ("qr-png", "qr-svg"):
            raise UsageError("a QR code is written as .png or .svg", "use -o badge.png or -o badge.svg")
        return kind
    if mode in ("presentation", "json-resume", "calendar", "linkedin"):
        if from_format and from_format != mode:
            raise UsageError(f"--{mode} and --format {fmt} contradict each other")
        return mode
    # no mode flag: infer from --format or the extension
    kind = from_format or from_extension
    if kind is None:
        if extension == ".json":
            raise UsageError(
                "a .json file can be a JSON Resume or a signed presentation: say which",
                "add --json-resume or --presentation",
            )
        raise UsageError(
            "what should be exported?",
            "use --resume -o resume.pdf, --qr ID, --presentation -o vp.json, --json-resume -o resume.json, "
            "--linkedin ID or --calendar -o renewals.ics",
        )
    if kind.startswith("qr-"):
        raise UsageError("a QR code needs the credential: --qr ID", f"e.g. skillwallet export --qr ID -o badge{extension}")
    return kind


def _select(wallet, ids: list[str], tags: list[str], *, include_invalid: bool) -> tuple[list[Any], list[Any]]:
    """(chosen, all): the credentials picked by --id / --tag (every credential when neither is given)."""
    everything = wallet.list_credentials()
    if ids:
        chosen = []
        for wanted in ids:
            stored = wallet.get_credential(wanted)  # NotFoundError with a hint for an unknown id
            if all(c.wallet_id != stored.wallet_id for c in chosen):
                chosen.append(stored)
    else:
        chosen = list(everything)
    if tags:
        wanted_tags = {t.strip().lower() for t in tags}
        chosen = [c for c in chosen if wanted_tags & {t.lower() for t in c.tags}]
        if not chosen:
            raise ExportError(
                f"no credential has the tag{'s' if len(tags) > 1 else ''} {', '.join(tags)}",
                "see the tags with: skillwallet list",
            )
    if not ids and not include_invalid:
        # a credential whose signature failed is never put forward unless the holder names it
        chosen = [c for c in chosen if c.verdict.verdict != "invalid"]
    if not chosen:
        raise ExportError(
            "nothing to export: the wallet holds no credentials" if not everything else "nothing to export: the selection is empty",
            "add credentials with: skillwallet add FILE" if not everything else "see: skillwallet list",
        )
    return chosen, everything


def _newest_first(chosen: list[Any]) -> list[Any]:
    far_past = datetime.min.replace(tzinfo=timezone.utc)
    return sorted(chosen, key=lambda s: (s.credential.issued or far_past), reverse=True)


# In-progress pathways shown on a resume without --goal: the closest few, so a resume is not a catalogue.
MAX_PATHWAYS_IN_PROGRESS = 3


def _evaluations(wallet, everything: list[Any], goal: str | None, as_of: datetime) -> tuple[list[dict[str, Any]], list[str] | None]:
    """Pathway evaluations for the resume, and (with --goal) the wallet ids that goal's evaluation counts.

    Without --goal: every pathway met, and the few closest in progress. With --goal: that pathway (whatever its
    status) and the pathways met. Stacking is pure (credentials and a date in, an evaluation out), so this is
    the same evaluation `skillwallet stack` shows.
    """
    from skillwallet.config import load_config
    from skillwallet.stacking.catalog import Catalog
    from skillwallet.stacking.evaluate import CredentialIndex, evaluate_pathway, rank_pathways

    catalog = Catalog(wallet)
    trusted = list(load_config().trusted_issuers)
    index = CredentialIndex(everything, as_of=as_of)
    ranked = rank_pathways(list(catalog.pathways().values()), index, as_of=as_of, trusted_issuers=trusted)
    met = [e.to_dict() for e in ranked if e.status == "met"]
    if goal is None:
        in_progress = [e.to_dict() for e in ranked if e.status != "met" and e.progress > 0][:MAX_PATHWAYS_IN_PROGRESS]
        return met + in_progress, None
    pathway = catalog.get_pathway(goal)  # NotFoundError with "did you mean" hints
    evaluation = evaluate_pathway(pathway, index, as_of=as_of, trusted_issuers=trusted).to_dict()
    used = list((evaluation.get("credentials_used") or {}).keys())
    others = [m for m in met if m.get("goal") != evaluation.get("goal")]
    return [evaluation, *others], used


def _write_or_print(output: str, data: bytes) -> Path | None:
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return None
    from skillwallet.export.files import write_export

    return write_export(output, data)


def export_command(
    resume: bool = typer.Option(False, "--resume", help="A resume: PDF, Markdown or HTML (from the -o extension)."),
    qr: Optional[str] = typer.Option(None, "--qr", metavar="ID", help="A QR code for one credential: -o badge.png/.svg, or shown in the terminal.", autocompletion=complete_credential_id),
    presentation: bool = typer.Option(False, "--presentation", help="A W3C Verifiable Presentation signed with your holder key."),
    json_resume: bool = typer.Option(False, "--json-resume", help="A JSON Resume (jsonresume.org), validated against its schema."),
    linkedin: Optional[str] = typer.Option(None, "--linkedin", metavar="ID", help="Print the LinkedIn add-to-profile link for one credential.", autocompletion=complete_credential_id),
    calendar: bool = typer.Option(False, "--calendar", help="Expiry and renewal reminders as an iCalendar (.ics) file."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="The file to write (- for stdout)."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="Override the format implied by the extension: pdf, md, html, json-resume, presentation, ics, png, svg."),
    ids: Optional[List[str]] = typer.Option(None, "--id", metavar="ID", help="Only this credential (repeatable).", autocompletion=complete_credential_id),
    tags: Optional[List[str]] = typer.Option(None, "--tag", metavar="TAG", help="Only credentials with this tag (repeatable).", autocompletion=complete_tag),
    goal: Optional[str] = typer.Option(None, "--goal", metavar="PATHWAY", help="Tailor to a pathway goal: its credentials and progress.", autocompletion=complete_pathway_id),
    paper: Optional[str] = typer.Option(None, "--paper", metavar="a4|letter", help="PDF paper size: a4 or letter (default: config `paper`)."),
    qr_content: str = typer.Option("auto", "--qr-content", metavar="auto|url|embed", help="What QR codes hold: auto (link if any, else the credential), url, embed."),
    no_qr: bool = typer.Option(False, "--no-qr", help="Resume without QR codes."),
    include_invalid: bool = typer.Option(False, "--include-invalid", help="Also export credentials whose signature is invalid."),
    challenge: Optional[str] = typer.Option(None, "--challenge", metavar="NONCE", help="Presentation: the verifier's challenge (nonce)."),
    domain: Optional[str] = typer.Option(None, "--domain", metavar="DOMAIN", help="Presentation: the verifier's domain."),
    cryptosuite: Optional[str] = typer.Option(None, "--cryptosuite", metavar="SUITE", help="Presentation proof: eddsa-rdfc-2022 (default for --presentation) or eddsa-jcs-2022 (default for the proof a PDF resume carries)."),
    remind_days: int = typer.Option(30, "--remind-days", min=0, metavar="DAYS", help="Calendar: alarm this many days before expiry."),
    renew_days: int = typer.Option(60, "--renew-days", min=0, metavar="DAYS", help="Calendar: a 'start renewal' event this many days before expiry (0: none)."),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it exists."),
    as_json: bool = typer.Option(False, "--json", help="Print what was exported as JSON (schema skillwallet/export)."),
) -> None:
    """Export proof of your credentials: a resume with QR codes, a QR code, a signed presentation, a JSON Resume,
    a LinkedIn link or a renewal calendar.

    \b
    Examples:
      skillwallet export --resume -o resume.pdf --paper letter
      skillwallet export --resume -o resume.md --goal cloud-engineer
      skillwallet export --qr 3f2a9c -o badge.png
      skillwallet export --presentation -o vp.json --tag cloud \\
          --challenge NONCE --domain hr.example.com
      skillwallet export --json-resume -o resume.json
      skillwallet export --linkedin 3f2a9c
      skillwallet export --calendar -o renewals.ics --remind-days 45
    """
    modes = [name for name, on in (("resume", resume), ("qr", qr is not None), ("presentation", presentation),
                                   ("json-resume", json_resume), ("linkedin", linkedin is not None), ("calendar", calendar)) if on]
    if len(modes) > 1:
        raise UsageError(f"choose one export at a time, not {' and '.join('--' + m for m in modes)}")
    kind = _kind_from(modes[0] if modes else None, fmt, output)
    if kind not in ("qr-terminal", "qr-png", "qr-svg", "linkedin") and not output:
        raise UsageError(f"say where to write the {kind.replace('-', ' ')}: -o FILE (or -o - for stdout)")
    if kind in ("linkedin",) and output:
        raise UsageError("--linkedin prints a link; it writes no file")
    if kind in ("qr-png", "qr-svg") and not output:
        raise UsageError("say where to write the QR image: -o badge.png")
    if output == "-" and kind not in TEXT_KINDS and is_terminal(sys.stdout):
        raise UsageError("not writing binary data to the terminal", "redirect stdout, or give -o FILE")
    if qr_content not in ("auto", "url", "embed"):
        raise UsageError(f"unknown --qr-content {qr_content!r}", "use auto, url or embed")
    if paper is not None and paper.lower() not in ("a4", "letter"):
        raise UsageError(f"unknown paper size {paper!r}", "use a4 or letter")

    if output and output != "-" and os.path.isdir(os.path.expanduser(output)):
        # said before "exists, add --force", which a folder would refuse anyway (export.files.write_export)
        from skillwallet.errors import StorageIOError

        raise StorageIOError(f"cannot write {output}: it is a folder", "give a file name, e.g. -o resume.pdf")
    if output and output != "-":
        from skillwallet.store.fsutil import check_output_folder

        check_output_folder(output)  # before the wallet is opened (and its passphrase asked), as backup does
    if output and output != "-" and os.path.lexists(output) and not force:
        raise AlreadyExistsError(f"{output} exists; nothing written", "add --force to overwrite it, or choose another -o FILE")

    from skillwallet.cli.session import open_wallet

    try:
        _export(kind, output, as_json, qr, linkedin, ids=ids, tags=tags, goal=goal, paper=paper, no_qr=no_qr,
                qr_content=qr_content, include_invalid=include_invalid, challenge=challenge, domain=domain,
                cryptosuite=cryptosuite, remind_days=remind_days, renew_days=renew_days, open_wallet=open_wallet)
    except KeyboardInterrupt:
        # the file is written atomically, once the export is complete: an interrupted export leaves nothing behind
        raise OperationInterrupted("nothing written", "run the same command again to export") from None


def _export(kind, output, as_json, qr, linkedin, *, ids, tags, goal, paper, no_qr, qr_content, include_invalid,
            challenge, domain, cryptosuite, remind_days, renew_days, open_wallet) -> None:
    summary: dict[str, Any] = {"kind": kind}
    with open_wallet() as wallet:
        if kind in ("qr-terminal", "qr-png", "qr-svg"):
            data, text = _export_qr(wallet, qr, kind, qr_content, summary)
        elif kind == "linkedin":
            data, text = _export_linkedin(wallet, linkedin, summary)
        else:
            with busy(f"Preparing the {kind.replace('-', ' ')} export"):
                data, text = _export_selection(
                    wallet, kind, ids=ids or [], tags=tags or [], goal=goal, paper=paper,
                    qr_mode=None if no_qr else qr_content, include_invalid=include_invalid, challenge=challenge,
                    domain=domain, cryptosuite=cryptosuite, remind_days=remind_days, renew_days=renew_days,
                    summary=summary,
                )
    # the wallet is closed before anything is written: an export never holds the wallet lock while writing
    if data is not None and output:
        path = _write_or_print(output, data)
        summary["path"] = str(path) if path else "-"
        summary["bytes"] = len(data)
        if path is not None and not as_json:
            info(f"wrote {path} ({_size(len(data))})")
    if as_json:
        emit_json("export", summary)
    elif text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
    for wallet_id, reason in summary.get("skipped", []):
        info(f"note: left out {wallet_id}: {reason}")
    if "proof" in summary:  # a PDF resume, written: what its attached proof does not cover
        if summary["proof"] is None:
            info("note: no credential on this resume can go in a Verifiable Presentation: the PDF carries no proof")
        for wallet_id, reason in (summary["proof"] or {}).get("skipped", []):
            info(f"note: {wallet_id} is on the resume but not in its attached proof: {reason}")


def _size(n: int) -> str:
    return f"{n} bytes" if n < 10_000 else f"{n / 1024:.0f} KiB"


def _export_qr(wallet, credential_id: str, kind: str, mode: str, summary: dict[str, Any]) -> tuple[bytes | None, str | None]:
    from skillwallet.export.qr import qr_content_for, qr_png, qr_svg, qr_terminal

    stored = wallet.get_credential(credential_id)
    content = qr_content_for(stored.credential, mode=mode)
    summary.update({"id": stored.wallet_id, "content": content.kind, "characters": len(content.text)})
    from skillwallet.export.qr import qr_choice_text

    summary["holds"] = content.text if content.kind == "url" else "SW1"
    if kind in ("qr-png", "qr-svg"):
        info(f"note: the code holds {qr_choice_text(content.kind)}")
        return (qr_png(content.text) if kind == "qr-png" else qr_svg(content.text)), None
    caption = ("scan to open its verification page" if content.kind == "url"
               else "scan with `skillwallet verify`: the signed credential itself (skillwallet SW1)")
    blocks = qr_terminal(content.text)
    width = len(blocks.split("\n", 1)[0])
    if is_terminal(sys.stdout):
        import shutil

        if shutil.get_terminal_size().columns < width:
            info(f"note: this code is {width} columns wide; widen the terminal, or write an image with -o badge.png")
    return None, blocks + f"{safe_text(stored.credential.title or stored.wallet_id)}: {caption}\n"


def _export_linkedin(wallet, credential_id: str, summary: dict[str, Any]) -> tuple[None, str]:
    from skillwallet.export.linkedin import linkedin_add_url

    stored = wallet.get_credential(credential_id)
    url = linkedin_add_url(stored.credential)
    summary.update({"id": stored.wallet_id, "url": url})
    return None, url + "\n"


def _export_selection(wallet, kind: str, *, ids, tags, goal, paper, qr_mode, include_invalid, challenge, domain,
                      cryptosuite, remind_days, renew_days, summary: dict[str, Any]) -> tuple[bytes, None]:
    as_of = _now()
    # a presentation sees the invalid ones too, to refuse a named one and say which it leaves out
    chosen, everything = _select(wallet, ids, tags, include_invalid=include_invalid or kind == "presentation")
    evaluations: list[dict[str, Any]] = []
    if kind.startswith("resume") or kind == "json-resume" or goal:
        evaluations, used = _evaluations(wallet, everything, goal, as_of)
        if goal and not ids and not tags:
            if not used:
                raise ExportError(f"no credential counts toward {goal!r} yet", "export everything without --goal, or see: skillwallet stack")
            chosen = [c for c in chosen if c.wallet_id in set(used)]
            if not chosen:
                raise ExportError(f"no credential that counts toward {goal!r} can be exported")
    summary["credentials"] = [c.wallet_id for c in chosen]

    if kind == "presentation":
        from skillwallet.export.presentation import sign_presentation

        chosen, invalid = _without_invalid(chosen, ids, include_invalid)
        result = sign_presentation(
            chosen,
            private_key=wallet.holder_key(),
            holder=wallet.holder_did,
            verification_method=wallet.holder_verification_method,
            challenge=challenge,
            domain=domain,
            cryptosuite=cryptosuite or "eddsa-rdfc-2022",
            contexts=_kept_contexts(wallet),
        )
        summary["credentials"] = result.included
        summary["skipped"] = invalid + [list(s) for s in result.skipped]
        summary["holder"] = wallet.holder_did
        return result.to_bytes(), None
    if kind == "calendar":
        from skillwallet.export.calendar import render_calendar

        return render_calendar(chosen, as_of=as_of, remind_days=remind_days, renew_days=renew_days), None

    from skillwallet.export.resume import build_resume

    profile = wallet.get_profile()
    model = build_resume(
        profile,
        _newest_first(chosen),
        all_credentials=[c for c in everything if c.verdict.verdict != "invalid"],
        evaluations=evaluations,
        as_of=as_of,
        qr_mode=qr_mode if kind == "resume-pdf" or kind == "resume-html" else None,
        goal=goal,
    )
    if kind == "json-resume":
        from skillwallet.export.jsonresume import render_json_resume

        return render_json_resume(model), None
    if kind == "resume-md":
        from skillwallet.export.markdown import render_markdown

        return render_markdown(model).encode("utf-8"), None
    if kind == "resume-html":
        from skillwallet.export.html import render_html

        return render_html(model).encode("utf-8"), None
    from skillwallet.export.pdf import render_pdf

    if paper is None:
        paper = _configured_paper()
    summary["paper"] = paper
    attachments = _attach_proof(wallet, chosen, model, challenge=challenge, domain=domain, cryptosuite=cryptosuite,
                                summary=summary)
    return render_pdf(model, paper=paper.lower(), attachments=attachments), None


def _without_invalid(chosen: list[Any], ids: list[str], include_invalid: bool) -> tuple[list[Any], list[list[str]]]:
    """A presentation never puts forward a credential whose verdict is ``invalid`` (the verdict bound to its
    bytes, as the store reads it) unless --include-invalid: one named with --id is refused, one picked by
    --tag or by default is left out with a note."""
    from skillwallet.errors import ExportError

    if include_invalid:
        return chosen, []
    invalid = [c for c in chosen if c.verdict.verdict == "invalid"]
    named = [c for c in invalid if ids]
    if named:
        raise ExportError(
            f"{named[0].wallet_id} failed verification (verdict invalid): not putting it in a presentation",
            "see why with: skillwallet verify " + named[0].wallet_id,
            "leave it out, or add --include-invalid to present it anyway",
        )
    kept = [c for c in chosen if c.verdict.verdict != "invalid"]
    if not kept:
        raise ExportError("nothing to present: every chosen credential failed verification",
                          "see: skillwallet verify --all")
    return kept, [[c.wallet_id, "its verdict is invalid (--include-invalid to present it)"] for c in invalid]


def _kept_contexts(wallet):
    """The JSON-LD contexts the user keeps (`documents add`), for signing a presentation of credentials that use
    them; never the network, a cache or an import (skillwallet.verify.resolver.DocumentResolver.user_context)."""
    from skillwallet.verify.resolver import DocumentResolver

    return DocumentResolver(offline=True, wallet=wallet)


def _attach_proof(wallet, chosen: list[Any], model, *, challenge, domain, cryptosuite, summary: dict[str, Any]):
    """The holder-signed presentation of the resume's credentials, to embed in the PDF; each entry of ``model``
    gets its place in it (or why it is not there). ``None`` when none of them can be presented."""
    from skillwallet.errors import ExportError
    from skillwallet.export.pdf import ATTACHMENT_NAME
    from skillwallet.export.presentation import sign_presentation

    presentable = [c for c in chosen if c.verdict.verdict != "invalid"]
    # eddsa-jcs-2022 by default: it signs the exact JSON (vc-di-eddsa §3.3), so nothing goes uncovered, at a
    # fraction of the cost of RDF canonicalisation (1.6 s for 200 credentials, against 0.02 s)
    suites = [cryptosuite or "eddsa-jcs-2022"] + (["eddsa-jcs-2022"] if cryptosuite not in (None, "eddsa-jcs-2022") else [])
    result = None
    for suite in suites:
        try:
            result = sign_presentation(
                presentable, private_key=wallet.holder_key(), holder=wallet.holder_did,
                verification_method=wallet.holder_verification_method, challenge=challenge, domain=domain,
                cryptosuite=suite, contexts=_kept_contexts(wallet),
            )
            break
        except ExportError as exc:
            # nothing presentable (Open Badges 2.0 only): the resume goes out without an attachment; a
            # credential RDF canonicalisation cannot cover: JCS signs the exact JSON instead
            if exc.message.startswith("nothing to present"):
                break
    reasons = dict(result.skipped) if result else {}
    places = {wallet_id: number for number, wallet_id in enumerate(result.included, 1)} if result else {}
    for entry in model.credentials:
        entry.proof_index = places.get(entry.wallet_id)
        if entry.proof_index is None:
            why = reasons.get(entry.wallet_id) or ("its verdict is invalid" if entry.verdict == "invalid"
                                                   else "it cannot go in a Verifiable Presentation")
            entry.proof_note = "Not in the attached proof: " + why.split("; share")[0] + "."
    if result is None:
        summary["proof"] = None
        return None
    model.attached_proof = True
    summary["proof"] = {"attachment": ATTACHMENT_NAME, "credentials": result.included,
                        "skipped": [list(s) for s in result.skipped], "challenge": challenge, "domain": domain}
    description = "Verifiable Presentation of the credentials on this resume, signed by " + wallet.holder_did
    return [(ATTACHMENT_NAME, result.to_bytes(), "application/vp+ld+json", description)]


def _configured_paper() -> str:
    """The `paper` setting of the config file (a4 unless the user chose letter)."""
    from skillwallet.config import load_config

    return load_config().paper


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("export")(export_command)
