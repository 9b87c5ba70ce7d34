"""The ``add`` command: import credentials from files, folders, ZIP archives or stdin, or make a self-attested entry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import typer

from skillwallet.cli.common import Column, emit_json, info, is_terminal, progress, render_table

if TYPE_CHECKING:
    from skillwallet.formats.importer import ImportReport

ADD_HELP = """Add credentials to the wallet: files, folders (recursively), .zip archives, - for standard input,
or https:// URLs of hosted credentials (with --online).

The format is recognised by content, not by file name: Open Badges 2.0 assertions (JSON, signed JWS,
baked PNG/SVG; BadgeClass and Issuer files given in the same call complete them), Open Badges 3.0 and
CLR 2.0 credentials (JSON or VC-JWT, baked PNG/SVG; a CLR's nested credentials are added too), any
W3C Verifiable Credential 1.1/2.0, VC-JOSE vc+jwt, SD-JWT VCs (disclosures kept) and QR codes made by
skillwallet export. The same document added twice is stored once. A different document with the id of a
stored credential (another copy, a re-issue, a forgery) is not taken: the stored one and its verdict are kept
and the input is reported as a conflict; --replace takes the new document instead (the holder's tags and note
on the credential are kept; the verdict is the new document's own).

Limits: 5 MiB per credential; archives at most 10,000 entries and 256 MiB uncompressed, no entry with a
compression ratio over 100:1, no paths leaving the archive. Bad inputs are reported and skipped.

\b
Examples:
  skillwallet add ~/Downloads/badge.json
  skillwallet add ~/Downloads/certificates.zip transcript.png
  skillwallet add --online https://badges.example.org/assertions/1234
  pbpaste | skillwallet add -

Self-attested entries (signed with your holder key, always marked self-attested):

\b
  skillwallet add --self degree --title "BSc Computer Science" \\
      --issuer-name "Example University" --date 2019-07-01
  skillwallet add --self project --title "Home lab cluster" \\
      --evidence https://github.com/me/lab --evidence report.pdf \\
      --skill Kubernetes
  skillwallet add --self experience --title "Backend developer" \\
      --issuer-name "Acme" --date 2020-01-01 --until 2023-06-30

Exit codes: 0 all added or already present; 10 nothing could be added; 15 every input conflicts with a stored
credential; 17 some inputs were rejected or conflict."""

SELF_KINDS = ("degree", "project", "experience")


def add_command(
    inputs: Optional[List[str]] = typer.Argument(None, metavar="INPUT", help="Files, folders, .zip archives, - for standard input, or https:// URLs (with --online)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (schema skillwallet/add)."),
    no_verify: bool = typer.Option(False, "--no-verify", help="Do not verify at import (verdict: not-verified)."),
    replace: bool = typer.Option(
        False, "--replace", help="A different document with the id of a stored credential replaces the stored one."
    ),
    offline: Optional[bool] = typer.Option(
        None,
        "--offline/--online",
        help="Never fetch linked documents (OB 2.0 BadgeClass/Issuer, hosted assertions), or allow it. Default: the 'offline' setting.",
    ),
    self_kind: Optional[str] = typer.Option(
        None, "--self", metavar="KIND", help="Make a self-attested entry: degree, project or experience."
    ),
    title: Optional[str] = typer.Option(None, "--title", metavar="TEXT", help="Self-attested entry: its title."),
    issuer_name: Optional[str] = typer.Option(
        None, "--issuer-name", metavar="NAME", help="Self-attested entry: the institution or employer, as you state it."
    ),
    description: Optional[str] = typer.Option(None, "--description", metavar="TEXT", help="Self-attested entry: a description."),
    date: Optional[str] = typer.Option(None, "--date", help="Self-attested entry: awarded / start date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Self-attested entry: end date (YYYY-MM-DD)."),
    evidence: Optional[List[str]] = typer.Option(
        None, "--evidence", metavar="URL|FILE", help="Self-attested entry: an evidence URL or FILE (its SHA-256 is recorded, not the file). Repeatable."
    ),
    skills: Optional[List[str]] = typer.Option(None, "--skill", metavar="SKILL", help="Self-attested entry: a skill it shows. Repeatable."),
    credits: Optional[float] = typer.Option(None, "--credits", min=0, help="Self-attested entry: credits (e.g. ECTS)."),
    trust_anchors: Optional[List[str]] = typer.Option(
        None, "--trust-anchor", metavar="FILE", help="Trust this CA certificate (PEM or DER) when verifying at import. Repeatable."
    ),
    documents: Optional[List[str]] = typer.Option(
        None, "--document", metavar="URL=FILE",
        help="Verify at import with FILE as the document at URL (DID document, status list, JSON-LD context...). Repeatable.",
    ),
) -> None:
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import InvalidInputError, UsageError
    from skillwallet.verify.resolver import parse_document_options, parse_trust_anchor_options

    anchors = parse_trust_anchor_options(trust_anchors or [])
    # the user's own choice for this call, like `verify --document`; never a file found among the inputs
    supplied = parse_document_options(documents or [])

    inputs = list(inputs or [])
    self_options = any(v for v in (title, issuer_name, description, date, until, evidence, skills)) or credits is not None
    if self_kind is None and self_options:
        raise UsageError("--title, --issuer-name, --date, --until, --evidence, --skill and --credits go with --self KIND")
    if self_kind is not None:
        if inputs:
            raise UsageError("give either files to import or --self KIND, not both")
        if self_kind not in SELF_KINDS:
            raise UsageError(f"unknown entry kind {self_kind!r}", f"choose one of: {', '.join(SELF_KINDS)}")
        if not title:
            raise UsageError("a self-attested entry needs --title")
        _add_self_attested(
            self_kind, title, issuer_name, description, date, until, evidence or [], skills or [], credits, as_json, no_verify,
            replace,
        )
        return
    if not inputs:
        raise UsageError("nothing to add", "give files, folders, .zip archives or - for standard input; or --self KIND")

    from skillwallet.formats.inputs import expand_inputs

    if "-" in inputs and is_terminal(sys.stdin):
        info("reading a credential from standard input (paste it, then press Ctrl-D)")
    urls = [i for i in inputs if i.lower().startswith(("https://", "http://"))]
    paths = [i for i in inputs if i not in urls]
    with open_wallet() as wallet:
        try:
            items = list(expand_inputs(paths))
            if not items and not urls:
                raise InvalidInputError("no files found in " + ", ".join(inputs))
            report = _run_import(
                wallet, items, offline=offline, no_verify=no_verify, urls=urls, replace=replace, anchors=anchors,
                supplied=supplied,
            )
        except KeyboardInterrupt:
            # Ctrl-C while reading the inputs, before the first credential was written (the import loop itself
            # reports how many it added)
            from skillwallet.errors import OperationInterrupted

            raise OperationInterrupted("0 added, nothing lost", "run the same command again to continue") from None
    _print_report(report, as_json)
    _exit_for(report, len(items))


def _resolver(wallet, offline: Optional[bool], supplied: Optional[dict] = None, anchors: Optional[dict] = None):
    from skillwallet.verify.resolver import DocumentResolver

    if offline is None:
        from skillwallet.config import load_config

        offline = load_config().offline
    return DocumentResolver(offline=offline, wallet=wallet, supplied=supplied, anchors=anchors)


def _fetch_urls(resolver, urls: list[str]) -> list:
    """A credential given by URL (a hosted OB 2.0 assertion, a published credential) through the document resolver."""
    from skillwallet.errors import SkillwalletError
    from skillwallet.formats.inputs import InputItem

    items = []
    for url in urls:
        if resolver.offline:
            # --online cannot lift SKILLWALLET_OFFLINE: name what would
            switch = "unset SKILLWALLET_OFFLINE and add --online" if resolver.forced_offline else "add --online"
            items.append(InputItem(url, error=f"{url}: fetching is off ({switch}, or download the file and add it)"))
            continue
        try:
            items.append(InputItem(url, data=resolver.fetch(url)))
        except SkillwalletError as exc:
            items.append(InputItem(url, error=f"{url}: {exc.message}"))
    return items


def _run_import(
    wallet,
    items,
    *,
    offline: Optional[bool],
    no_verify: bool,
    urls: list[str] = (),
    replace: bool = False,
    anchors: Optional[dict] = None,
    supplied: Optional[dict] = None,
) -> "ImportReport":
    from skillwallet.formats.importer import collect_related, default_verifier, import_items

    supporting = collect_related(items)
    # BadgeClass / Issuer / key files given alongside complete what the assertion shows, but they do not reach
    # the verifier: whoever handed over the assertion wrote them, so they cannot vouch for the issuer (a key
    # document and an Issuer profile naming it would "verify" any assertion). The verifier takes the issuer's
    # documents from their URLs, or from the ones the user keeps (`skillwallet documents add`).
    resolver = _resolver(wallet, offline, supplied=supplied, anchors=anchors)
    if urls:
        items = items + _fetch_urls(resolver, list(urls))
    verifier = None if no_verify else default_verifier(resolver, wallet=wallet)
    profile = wallet.get_profile()
    emails = [e for e in (profile.get("emails") or []) if isinstance(e, str)]
    with progress(len(items), "Importing") as bar:
        task = bar.add_task("Importing", total=len(items))
        return import_items(
            items,
            wallet,
            verifier=verifier,
            holder_emails=emails,
            holder_ids=[wallet.holder_did],
            fetch=resolver.fetch,
            on_item=lambda _item: bar.advance(task),
            supporting=supporting,
            replace=replace,
        )


def _print_report(report: "ImportReport", as_json: bool) -> None:
    summary = report.summary()
    if as_json:
        emit_json("add", {"summary": summary, "results": [r.to_dict() for r in report.results]})
    else:
        stored = [r for r in report.results if r.status in ("added", "present", "replaced")]
        labels = {"added": "added", "present": "already present", "replaced": "replaced"}
        rows = [
            (
                r.wallet_id,
                labels[r.status],
                ("  ↳ " if r.parent_id else "") + (r.title or "(untitled)"),
                r.issuer or "-",
                r.format or "-",
                r.verdict or "-",
            )
            for r in stored
        ]
        if stored:
            # piped: tab-separated lines, header first, one row per line (cut/awk/grep), as every table command
            render_table([Column("id", whole=True), "status", "title", "issuer", "format", "verdict"], rows)
    # messages go to stderr in both modes: stdout stays pure data (the table or the JSON document)
    for r in report.results:
        if r.status == "present":
            info(f"already present: {r.source} is {r.wallet_id} ({r.title or 'untitled'})")
        if r.status == "conflict":
            info(f"conflict: {r.source}: {r.reason}")
        for note in r.notes:
            # a CLR or presentation yields several credentials from one source: name which one
            info(f"note: {r.source} ({r.title or r.wallet_id or 'untitled'}): {note}")
        if r.status == "rejected":
            info(f"rejected: {r.reason}")
        elif r.status == "supporting" and (r.reason or "").endswith("not kept"):
            info(f"{r.source}: {r.reason}")  # a status list refused: say why, it is not silently dropped
    parts = [f"added {summary['added']}", f"already present {summary['present']}", f"rejected {summary['rejected']}"]
    if summary["conflict"]:
        parts.append(f"conflicts {summary['conflict']}")
    if summary["replaced"]:
        parts.append(f"replaced {summary['replaced']}")
    if summary["supporting"]:
        parts.append(f"supporting documents {summary['supporting']}")
    info(", ".join(parts))


def _exit_for(report: "ImportReport", total_inputs: int) -> None:
    from skillwallet.errors import AlreadyExistsError, InvalidInputError, PartialFailureError

    rejected, conflicts = report.rejected, report.conflicts
    if not rejected and not conflicts:
        return
    stored = report.count("added") + report.count("present") + report.count("replaced")
    if stored == 0 and not rejected:
        what = "a different document with this id is" if len(conflicts) == 1 else "different documents with these ids are"
        raise AlreadyExistsError(
            f"{what} already stored; kept the stored one (reasons above)", "add --replace to take the new one"
        )
    if conflicts:
        raise PartialFailureError(
            f"{len(rejected)} input(s) rejected, {len(conflicts)} conflict(s) with stored credentials, "
            f"{stored} credential(s) stored (reasons above)"
        )
    if stored == 0 and len(rejected) == 1:
        raise InvalidInputError(rejected[0].reason or f"{rejected[0].source}: rejected")
    if stored == 0:
        raise InvalidInputError(f"none of the {len(rejected)} inputs could be added (reasons above)")
    raise PartialFailureError(f"{len(rejected)} input(s) rejected, {stored} credential(s) stored (reasons above)")


def _evidence_entries(values: list[str]):
    from skillwallet.errors import InvalidInputError
    from skillwallet.formats.selfattested import EvidenceFile

    urls: list[str] = []
    files: list[EvidenceFile] = []
    for value in values:
        if value.lower().startswith(("https://", "http://")):
            urls.append(value)
            continue
        path = Path(value).expanduser()
        if not path.is_file():
            raise InvalidInputError(f"--evidence {value}: not a URL (https://...) and no such file")
        import hashlib  # loads OpenSSL: only when evidence is hashed, not for every start-up

        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(block)
        except OSError as exc:
            raise InvalidInputError(f"--evidence {value}: cannot read ({exc.strerror or exc})") from None
        files.append(EvidenceFile(name=path.name, sha256=digest.hexdigest()))
    return urls, files


def _add_self_attested(
    kind, title, issuer_name, description, date, until, evidence, skills, credits, as_json, no_verify, replace=False
):
    from skillwallet.cli.session import open_wallet
    from skillwallet.formats.importer import add_credentials, default_verifier, ImportReport
    from skillwallet.formats.selfattested import SelfAttestedEntry, make_self_attested
    from skillwallet.model import VERDICT_SELF_ASSERTED, Verdict

    urls, files = _evidence_entries(evidence)
    entry = SelfAttestedEntry(
        kind=kind,
        title=title,
        issuer_name=issuer_name,
        description=description,
        date=date,
        until=until,
        evidence_urls=urls,
        evidence_files=files,
        skills=skills,
        credits=credits,
    )
    with open_wallet() as wallet:
        credential = make_self_attested(
            entry,
            holder_did=wallet.holder_did,
            verification_method=wallet.holder_verification_method,
            private_key=wallet.holder_key(),
            holder_name=wallet.get_profile().get("name"),
        )
        verifier = None
        if not no_verify:
            verifier = default_verifier(_resolver(wallet, True), wallet=wallet)
            if verifier is None:
                # made and signed here, by construction: say what it is rather than "not verified"
                def verifier(_credential):  # noqa: E306 - a fallback with the same shape as the verifier
                    return Verdict(verdict=VERDICT_SELF_ASSERTED, reasons=["made and signed by the holder"])

        results = add_credentials(
            [credential], wallet, source=f"self-attested {kind}", verifier=verifier, replace=replace
        )
    report = ImportReport(results=results)
    _print_report(report, as_json)
    _exit_for(report, 1)


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("add", help=ADD_HELP)(add_command)
