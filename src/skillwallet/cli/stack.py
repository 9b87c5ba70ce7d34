"""Commands of the `stack` group: stack (evaluate goals), pathways (list/show/add/remove/validate/import)
and offerings (add/list/remove). Rendering only: the work happens in :mod:`skillwallet.stacking`."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional

import typer

if TYPE_CHECKING:
    from skillwallet.stacking.catalog import Catalog

from skillwallet.cli.completion import complete_pathway_id
from skillwallet.cli.common import (
    Column,
    Row,
    command_group,
    emit_json,
    info,
    parse_as_of,
    render_table,
    stdout_console,
    word_overflow,
)

pathways_app = command_group(
    "pathways", "Career and learning pathways: list, show, add, remove, validate, import (CTDL, Badgr).",
    ["skillwallet pathways list", "skillwallet pathways show data-analyst", "skillwallet pathways add my-pathway.toml"],
)
offerings_app = command_group("offerings", "The catalogue of offerings (courses, exams) that `stack --next` plans with.",
                              ["skillwallet offerings list", "skillwallet offerings add my-courses.toml"])

WIDE_NODE = 50  # a node with more children than this shows its unmet ones only in part
WIDE_UNMET_SHOWN = 20
NOT_PROVEN = "best found within the search budget; not proven optimal"
STATUS_MARK = {"met": "✓", "partial": "◐", "unmet": "✗", "expired": "⌛"}
STATUS_STYLE = {"met": "green", "partial": "yellow", "unmet": "red", "expired": "magenta"}


def read_text_file(path: Path, limit: int | None = None) -> str:
    """The file's text. With ``limit`` (bytes) a larger file is refused as a pathway, and never read whole."""
    from skillwallet.errors import InvalidInputError, InvalidPathwayError

    try:
        if limit is None:
            return path.read_text(encoding="utf-8-sig")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InvalidPathwayError(f"{path}: too large for a pathway (more than {limit:,} bytes)",
                                      "published pathways are far smaller: is this the right file?")
        return data.decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path}: is a folder, not a file") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc.strerror})") from None


@contextlib.contextmanager
def wallet_catalog() -> Iterator["Catalog"]:
    """The unlocked wallet's catalogue (built-in pathways and offerings plus the holder's own), for one command;
    the wallet is closed when the block ends."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.stacking.catalog import Catalog

    with open_wallet() as wallet:
        yield Catalog(wallet)


@contextlib.contextmanager
def optional_wallet() -> Iterator[object | None]:
    """The wallet if there is one and it can be opened; otherwise ``None`` (built-in catalogue only)."""
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import WalletLockedError, WalletNotFoundError

    try:
        wallet = open_wallet()
    except WalletNotFoundError:
        yield None
        return
    except WalletLockedError:
        info("note: the wallet is locked; showing built-in pathways and offerings only")
        yield None
        return
    with wallet:
        yield wallet


def _render_node(tree, node, show_credentials: bool = True, show_fill: bool = True) -> None:
    from rich.console import Group
    from rich.markup import escape

    mark = STATUS_MARK.get(node.status, "?")
    style = STATUS_STYLE.get(node.status, "")
    text = f"[{style}]{mark}[/{style}] {escape(node.label)} [dim]({escape(node.detail)})[/dim]"
    if node.credentials and show_credentials:
        creds = "; ".join(
            f"{escape(c['title'])} [dim]{escape(c['wallet_id'])}[/dim]"
            + (" [cyan]shortcut[/cyan]" if c["via"] == "shortcut" else "")
            + (" [cyan]transfer[/cyan]" if c["via"] == "transfer" else "")
            + (" [cyan]part of the milestone above[/cyan]" if c["via"] == "within-shortcut" else "")
            + (f" [cyan]inferred from the catalogue ({escape(c['inferred_from'] or '')})[/cyan]"
               if c.get("inferred") else "")
            for c in node.credentials
        )
        text += f" ← {creds}"
        if node.rule:
            text += f" [dim]by rule: {escape(node.rule)}[/dim]"
    elif node.status != "met" and not node.children and node.fill:
        text += f" [dim]counts: {escape(node.fill['counts'])}[/dim]"
    elif node.status != "met" and not node.children and node.rule:
        text += f" [dim]needs: {escape(node.rule)}[/dim]"
    lines = [text]
    if node.fill and node.status != "met" and show_fill:
        fill = node.fill
        if fill.get("offering"):
            o = fill["offering"]
            lines.append(
                f"[dim]  cheapest: {escape(o['name'])}"
                + (f" ({escape(o['provider'])})" if o.get("provider") else "")
                + f", {o['cost']:,.2f} {escape(o['currency'])}, {o['hours']:g} h[/dim]"
            )
        if fill.get("command"):
            lines.append(f"[dim]  record it: {escape(fill['command'])}[/dim]")
    lines += [
        f"[yellow]! {escape(warning['message'])}[/yellow]"
        for warning in node.warnings
        if warning["kind"] != "counted-twice"  # listed once, under Warnings
    ]
    # one renderable per line: the console shows a newline inside a string escaped (text from credentials)
    branch = tree.add(lines[0] if len(lines) == 1 else Group(*lines))
    children = node.children
    if len(children) > WIDE_NODE:
        # thousands of requirements under one node: every met or partly met one, the first unmet ones, a count
        shown = [c for c in children if c.status in ("met", "partial", "expired")]
        unmet = [c for c in children if c.status not in ("met", "partial", "expired")]
        shown += unmet[:WIDE_UNMET_SHOWN]
        order = {id(c): n for n, c in enumerate(children)}
        children = sorted(shown, key=lambda c: order[id(c)])
        hidden = len(node.children) - len(children)
    else:
        hidden = 0
    for child in children:
        # under a node with thousands of requirements the how-to-fill lines stay in --json
        _render_node(branch, child, show_credentials, show_fill=not hidden)
    if hidden:
        branch.add(f"[dim]… {hidden:,} more not met (--json lists every requirement)[/dim]")


def render_evaluation(evaluation) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    console = stdout_console()
    p = evaluation.pathway
    style = STATUS_STYLE.get(evaluation.status, "")
    head = (f"[bold]{escape(p.name)}[/bold] ({escape(p.id)}): [{style}]{evaluation.status}[/{style}], "
            f"{evaluation.progress:.0%} as of {evaluation.as_of.date().isoformat()}")
    if not evaluation.exhaustive:
        head += f" [yellow]({NOT_PROVEN})[/yellow]"
    tree = Tree(head)
    _render_node(tree, evaluation.tree)
    # long lines wrap inside the tree at spaces; on a terminal a single word (a title without spaces, a URL)
    # wider than the room left is cut with "…" rather than split across lines (piped and `--json` have it whole)
    console.print(tree, soft_wrap=False, overflow=word_overflow())
    if evaluation.exits:
        for award in evaluation.exits:
            console.print(f"exit award {escape(award['name'])}: {award['status']} ({award['progress']:.0%})")
    if evaluation.destination_held and evaluation.status != "met":
        # the other reading of a CTDL pathway, beside the route it does not replace
        console.print(f"You hold {escape(evaluation.destination or 'the destination credential')} (the destination); "
                      f"the pathway's route also lists {escape(', '.join(evaluation.missing))}")
    if evaluation.missing:
        console.print("[bold]Missing:[/bold] " + escape("; ".join(evaluation.missing)), overflow=word_overflow())
    if evaluation.warnings:
        console.print("[bold]Warnings:[/bold]")
        for w in evaluation.warnings:
            console.print(f"  [yellow]![/yellow] {escape(w['message'])}", overflow=word_overflow())
    if not evaluation.exhaustive:
        console.print(f"[yellow]note: {NOT_PROVEN}: the search for the best assignment of credentials to "
                      "requirements ran out of its work budget[/yellow]")


def render_completion(completion) -> None:
    from rich.markup import escape

    console = stdout_console()
    if completion.already_met:
        console.print("[green]The goal is already met: no next steps needed.[/green]")
        return
    if not completion.feasible and getattr(completion, "constrained", False):
        console.print("[yellow]No plan completes this goal within the --budget / --max-weeks given.[/yellow] "
                      "Raise them, or see the cheapest plan without them.")
        return
    if not completion.feasible:
        if not completion.exact:
            console.print(f"[yellow]No plan found within the search budget that completes this goal.[/yellow] "
                          "Still missing: " + escape("; ".join(completion.evaluation_after.missing)))
            return
        console.print("[red]No combination of the known offerings completes this goal.[/red] Still missing after "
                      "everything on offer: " + escape("; ".join(completion.evaluation_after.missing)))
        console.print("add your own with: skillwallet offerings add FILE")
        return
    # the heading is a line of its own, not a table title: piped, the table itself is plain tab-separated lines
    heading = "Fastest next steps" if getattr(completion, "objective", "cost") == "weeks" else "Cheapest next steps"
    console.print(heading + (" (exact)" if completion.exact else f" ({NOT_PROVEN})"), markup=False)
    labels = {node_id: node.label for node_id, node in completion.pathway.requirements.items()}
    render_table(
        [Column("step", shorten="end", min_width=20, ratio=3), Column("provider", shorten="end", drop=2),
         Column("cost", justify="right"), Column("hours", justify="right"),
         Column("fills", shorten="end", wrap=True, min_width=14, ratio=2, drop=1)],
        [
            [o.name, o.provider or ("you" if o.source == "self" else ""),
             f"{o.cost:,.2f} {o.currency}" if o.source != "self" else "—", f"{o.hours:g}",
             ", ".join(labels.get(n, n) for n in completion.covers.get(o.id, []))]
            for o in completion.steps
        ],
    )
    currency = completion.currencies[0] if len(completion.currencies) == 1 else "(mixed currencies)"
    line = f"Total: {completion.cost:,.2f} {currency}, {completion.hours:g} hours"
    if completion.estimated_completion is not None and completion.hours > 0:
        study = completion.hours / completion.hours_per_week
        waiting = getattr(completion, "waiting_weeks", 0.0)
        line += (f"; at {completion.hours_per_week:g} h/week about {study:.1f} weeks of study")
        if waiting >= 0.05:  # a renewal window opens after everything else is done: the plan waits for it
            line += f" and {waiting:.1f} waiting for a renewal to open ({completion.weeks:.1f} weeks in all)"
    if completion.estimated_completion is not None:
        line += f"; done around {completion.estimated_completion.date().isoformat()}"
    console.print(line)
    if completion.schedule:
        console.print("Schedule:", markup=False)
        for step in completion.schedule:
            note = f" ({step['note']})" if step.get("note") else ""
            console.print(f"  {step['start'][:10]} → {step['end'][:10]}  {step['name']}{note}", markup=False)
    # renewals are steps of the plan (in its total and schedule): say why each is there
    for step in completion.steps:
        expires = getattr(step, "expires", None)
        if getattr(step, "renews_wallet_id", None) and expires is not None:
            opens = getattr(step, "opens", None)
            console.print(f"Renewal in the plan: {step.renews} expires on {expires.date().isoformat()}, before the "
                          f"plan ends; {step.name} ({step.cost:,.2f} {step.currency}, {step.hours:g} h) keeps it "
                          "counted" + (f"; it can be taken from {opens.date().isoformat()}" if opens else ""),
                          markup=False)
    for renewal in completion.renewals:
        console.print(f"[yellow]![/yellow] {escape(renewal['message'])}")


def render_tradeoff(plans) -> None:
    """The Pareto set: cheapest first, each later plan faster and dearer."""
    console = stdout_console()
    exact = all(p.exact for p in plans)
    console.print("Plans trading cost against time, cheapest first" + ("" if exact else f" ({NOT_PROVEN})"),
                  markup=False)
    rows = []
    for n, p in enumerate(plans, start=1):
        if not p.feasible:
            continue
        currency = p.currencies[0] if len(p.currencies) == 1 else "(mixed)"
        weeks = f"{p.weeks or 0:.1f}" if p.hours_per_week else ""  # a wait for a renewal window included
        rows.append([n, f"{p.cost:,.2f} {currency}", f"{p.hours:g}", weeks, "; ".join(o.name for o in p.steps)])
    render_table(["#", Column("cost", justify="right"), Column("hours", justify="right"),
                  Column("weeks", justify="right"), Column("steps", shorten="end", wrap=True, min_width=20)], rows)


def stack_command(
    goal: Optional[str] = typer.Option(
        None, "--goal", "-g", metavar="PATHWAY", help="A pathway id (see `skillwallet pathways list`).",
        autocompletion=complete_pathway_id
    ),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE",
                                        help="Evaluate on this date (YYYY-MM-DD) instead of today."),
    next_steps: bool = typer.Option(False, "--next", help="Also plan the cheapest next steps that complete the goal."),
    hours_per_week: Optional[float] = typer.Option(None, "--hours-per-week", min=0.5,
                                                   help="With --next: estimate when the goal would be reached."),
    fastest: bool = typer.Option(False, "--fastest", help="With --next: the plan with the fewest hours (weeks)."),
    tradeoff: bool = typer.Option(False, "--tradeoff",
                                  help="With --next: every plan no other beats on both cost and weeks."),
    budget: Optional[float] = typer.Option(None, "--budget", min=0, help="With --next: spend at most this much."),
    max_weeks: Optional[float] = typer.Option(None, "--max-weeks", min=0.1,
                                              help="With --next and --hours-per-week: finish within this many weeks."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """How far your credentials take you toward a goal, explained; without --goal, every pathway ranked.

    \b
    Examples:
      skillwallet stack
      skillwallet stack --goal data-analyst
      skillwallet stack --goal data-analyst --next --hours-per-week 6 --budget 500
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.errors import UsageError
    from skillwallet.stacking.catalog import Catalog
    from skillwallet.stacking.evaluate import CredentialIndex, PathwayEvaluator, rank_pathways
    from skillwallet.stacking.explain import add_fill_hints
    from skillwallet.stacking.inference import SkillInference
    from skillwallet.stacking.optimise import cheapest_completion_renewing, pareto_plans_renewing

    when = parse_as_of(as_of)
    # numbers as numbers: in some process states (after typer's own conversion was swapped in and out, as
    # tests/test_cli_fast_params.py does) an option's float arrives as the text typed
    hours_per_week, budget, max_weeks = (None if v is None else float(v) for v in (hours_per_week, budget, max_weeks))
    if (next_steps or hours_per_week) and not goal:
        raise UsageError("--next and --hours-per-week need --goal", "e.g. skillwallet stack --goal data-analyst --next")
    if (fastest or tradeoff or budget is not None or max_weeks is not None) and not next_steps:
        raise UsageError("--fastest, --tradeoff, --budget and --max-weeks plan next steps: they need --next",
                                "e.g. skillwallet stack --goal data-analyst --next --fastest")
    if fastest and tradeoff:
        raise UsageError("--fastest and --tradeoff ask different questions: give one",
                                "--tradeoff already lists the fastest plan last")
    if max_weeks is not None and not hours_per_week:
        raise UsageError("--max-weeks needs --hours-per-week (weeks are hours at your pace)",
                                "e.g. --hours-per-week 6 --max-weeks 20")
    with open_wallet() as wallet:
        catalog = Catalog(wallet)
        credentials = wallet.list_credential_facts()  # the small index records: no bodies to decrypt
        trusted = _trusted_issuers()
        pathways = list(catalog.pathways().values())
        # the catalogue (built-in and the holder's own offerings) says what a held credential evidences
        catalogue = list(catalog.offerings().values())
        inference = SkillInference(catalogue)
        if goal:
            pathway = catalog.get_pathway(goal)
            offerings = catalogue if next_steps else []
    if not goal:
        index = CredentialIndex(credentials, as_of=when, inference=inference)
        ranked = rank_pathways(pathways, index, as_of=when, trusted_issuers=trusted)
        if json_output:
            emit_json("stack-ranking", {
                "as_of": _iso(when),
                "pathways": [{"goal": e.pathway.id, "name": e.pathway.name, "status": e.status,
                              "progress": round(e.progress, 4), "missing": e.missing, "exact": e.exhaustive}
                             for e in ranked],
            })
            return
        # on a terminal the ranking stays one screen line a pathway (what is missing cut to the width, the
        # goal id whole, the name left out when narrow); piped, scripts get every missing requirement
        rows = []
        for n, e in enumerate(ranked, start=1):
            rows.append(Row([n, e.pathway.id, e.pathway.name, e.status, f"{e.progress:.0%}", "; ".join(e.missing)],
                            STATUS_STYLE.get(e.status)))
        render_table(["#", "goal", Column("name", shorten="end", min_width=16, drop=2), "status", "progress",
                      Column("missing", shorten="end", min_width=14, ratio=2, drop=1)], rows,
                     title=f"Pathways ranked by progress, as of {when.date().isoformat()}")
        if not credentials:
            info("the wallet holds no credentials yet: add some with `skillwallet add FILE`")
        return
    index = CredentialIndex(credentials, as_of=when, inference=inference)
    evaluation = PathwayEvaluator(pathway, index, trusted_issuers=trusted).evaluate()
    add_fill_hints(pathway, evaluation.tree, catalogue, as_of=when)
    completion = None
    plans = None
    max_hours = max_weeks * hours_per_week if max_weeks is not None and hours_per_week else None
    if next_steps and tradeoff:
        # plans are judged at their finish: a counted credential lapsing before it is renewed inside the plan
        plans = pareto_plans_renewing(pathway, credentials, offerings, as_of=when, hours_per_week=hours_per_week,
                             budget=budget, max_hours=max_hours, trusted_issuers=trusted, inference=inference)
        completion = plans[0]
    elif next_steps:
        completion = cheapest_completion_renewing(pathway, credentials, offerings, as_of=when,
                                                  hours_per_week=hours_per_week, trusted_issuers=trusted,
                                                  inference=inference, objective="weeks" if fastest else "cost",
                                                  budget=budget, max_hours=max_hours)
    if json_output:
        payload = evaluation.to_dict()
        if completion is not None:
            payload["next"] = completion.to_dict()
        if plans is not None:
            payload["pareto"] = [p.to_dict() for p in plans if p.feasible]
        emit_json("stack", payload)
        return
    render_evaluation(evaluation)
    if plans is not None and len([p for p in plans if p.feasible]) > 1:
        render_tradeoff(plans)
    elif completion is not None:
        render_completion(completion)
        if plans is not None and completion.feasible and not completion.already_met:
            # --tradeoff with one plan looked like --next alone: say why there is nothing to trade
            stdout_console().print("No plan finishes sooner for more money: the cheapest plan is also the quickest.",
                                   markup=False)


def _trusted_issuers() -> list[str]:
    """Issuers the user trusts (config), for requirements that say trusted_issuer = true."""
    from skillwallet.config import load_config

    return list(load_config().trusted_issuers)


def _iso(dt: datetime) -> str:
    from skillwallet.model import format_datetime

    return format_datetime(dt)


# ------------------------------------------------------------------------------------------------ pathways


@pathways_app.command("list")
def pathways_list(json_output: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """List the known pathways: built-in and your own.

    \b
    Example:
      skillwallet pathways list
    """
    from skillwallet.stacking.catalog import Catalog

    with optional_wallet() as wallet:
        pathways = Catalog(wallet).pathways()
    rows = sorted(pathways.values(), key=lambda p: p.id)
    if json_output:
        emit_json("pathways", {"pathways": [p.summary() for p in rows]})
        return
    render_table(
        ["id", Column("name", shorten="end", min_width=16), Column("occupation", drop=2),
         Column("source", shorten="start", min_width=10, drop=1)],
        [[p.id, p.name, p.occupation.get("onet") or p.occupation.get("esco") or "", p.source or ""] for p in rows],
        title="Pathways",
    )


@pathways_app.command("show")
def pathways_show(
    pathway_id: str = typer.Argument(..., metavar="ID", autocompletion=complete_pathway_id,
                                     help="The pathway's id (see `skillwallet pathways list`)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
    toml_output: bool = typer.Option(False, "--toml", help="Print the pathway as TOML."),
) -> None:
    """Show a pathway's requirements as a tree.

    \b
    Examples:
      skillwallet pathways show data-analyst
      skillwallet pathways show data-analyst --toml > my-pathway.toml
    """
    from skillwallet.stacking.catalog import Catalog
    from skillwallet.stacking.model import pathway_to_dict, pathway_to_toml

    with optional_wallet() as wallet:
        pathway = Catalog(wallet).get_pathway(pathway_id)
    if json_output:
        emit_json("pathway", {"pathway": {**pathway.summary(), **pathway_to_dict(pathway),
                                          "typical_credentials": pathway.typical_credentials}})
        return
    if toml_output:
        typer.echo(pathway.text if pathway.text else pathway_to_toml(pathway), nl=False)
        return
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{escape(pathway.name)}[/bold] ({escape(pathway.id)})")

    def add(branch, node_id: str) -> None:
        node = pathway.requirements[node_id]
        label = f"{escape(node.label)} [dim]{node.kind}"
        if node.kind == "at_least":
            label += f" {node.n} of {len(node.children)}"
        if node.is_leaf:
            label += f": {escape(node.match.describe())}" if node.kind != "manual" else ""
        if node.shortcut is not None:
            label += f"; shortcut: {escape(node.shortcut.describe())}"
        label += "[/dim]"
        child_branch = branch.add(label)
        for child in node.children:
            add(child_branch, child)

    add(tree, pathway.root)
    console = stdout_console()
    # as `stack --goal`: long lines wrap at spaces (never cropped), an overlong word on a terminal cut with "…"
    console.print(tree, soft_wrap=False, overflow=word_overflow())
    if pathway.occupation:
        console.print("occupation: " + ", ".join(f"{k} {v}" for k, v in pathway.occupation.items()))
    if pathway.typical_credentials:
        console.print("typically satisfied by: " + "; ".join(pathway.typical_credentials))


@pathways_app.command("validate")
def pathways_validate(
    file: Path = typer.Argument(..., metavar="FILE", help="A pathway: TOML, or CTDL / Badgr JSON."),
) -> None:
    """Check a pathway file — native TOML, or CTDL / Badgr JSON as `pathways import` reads it; nothing is stored.

    \b
    Example:
      skillwallet pathways validate my-pathway.toml
    """
    from skillwallet.stacking.model import MAX_PATHWAY_BYTES, load_pathway_toml

    text = read_text_file(file, MAX_PATHWAY_BYTES)
    if not text.lstrip().startswith(("{", "[")):
        pathway = load_pathway_toml(text, str(file))
        info(f"{file}: valid pathway {pathway.id!r} ({len(pathway.requirements)} requirements)")
        return
    from skillwallet.stacking.pathway_import import import_pathway_documents

    for result in import_pathway_documents([(str(file), text)]):
        load_pathway_toml(result.toml, f"{file} ({result.format} → TOML)")  # the stored form must validate too
        info(f"{file}: valid {result.format} pathway {result.pathway.id!r} "
             f"({len(result.pathway.requirements)} requirements)")
        for item in result.unmapped:
            info(f"  not mapped: {item}")


@pathways_app.command("add")
def pathways_add(
    file: Path = typer.Argument(..., metavar="FILE", help="A pathway in TOML (see docs/pathways.md)."),
    force: bool = typer.Option(False, "--force", help="Replace a pathway with the same id."),
) -> None:
    """Add a pathway from a TOML file to your wallet (validated first; nothing is stored if invalid).

    \b
    Example:
      skillwallet pathways add my-pathway.toml
    """
    from skillwallet.stacking.model import MAX_PATHWAY_BYTES, load_pathway_toml

    text = read_text_file(file, MAX_PATHWAY_BYTES)
    load_pathway_toml(text, str(file))  # validate before unlocking anything
    with wallet_catalog() as catalog:
        pathway = catalog.add_pathway(text, file.name, force=force)
    info(f"added pathway {pathway.id!r}: {pathway.name}")


@pathways_app.command("remove")
def pathways_remove(
    pathway_id: str = typer.Argument(..., metavar="ID", help="The id of a pathway you added."),
) -> None:
    """Remove one of your pathways.

    \b
    Example:
      skillwallet pathways remove my-pathway
    """
    with wallet_catalog() as catalog:
        catalog.remove_pathway(pathway_id)
    info(f"removed pathway {pathway_id!r}")


@pathways_app.command("import")
def pathways_import(
    files: List[Path] = typer.Argument(..., metavar="FILE...",
                                       help="CTDL pathway JSON-LD (plus separate component files) or a Badgr export."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Convert and report; store nothing."),
    force: bool = typer.Option(False, "--force", help="Replace pathways with the same id."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Import pathways from Credential Engine CTDL or Badgr exports; what cannot be mapped is listed.

    \b
    Example:
      skillwallet pathways import ctdl-pathway.json ctdl-components.json --dry-run
    """
    from skillwallet.stacking.pathway_import import import_pathway_documents
    from skillwallet.stacking.model import MAX_PATHWAY_BYTES

    documents = [(str(f), read_text_file(f, MAX_PATHWAY_BYTES)) for f in files]
    results = import_pathway_documents(documents)
    stored: list[str] = []
    if not dry_run:
        with wallet_catalog() as catalog:
            for result in results:
                catalog.add_pathway(result.toml, result.source, force=force)
                stored.append(result.pathway.id)
    if json_output:
        emit_json("pathways-import", {
            "dry_run": dry_run,
            "pathways": [{"id": r.pathway.id, "name": r.pathway.name, "format": r.format, "source": r.source,
                          "requirements": len(r.pathway.requirements), "unmapped": r.unmapped,
                          "stored": r.pathway.id in stored} for r in results],
        })
        return
    for r in results:
        verb = "would import" if dry_run else "imported"
        info(f"{verb} {r.format} pathway {r.pathway.id!r}: {r.pathway.name} ({len(r.pathway.requirements)} requirements)")
        for item in r.unmapped:
            info(f"  not mapped: {item}")


# ------------------------------------------------------------------------------------------------ offerings


@offerings_app.command("list")
def offerings_list(json_output: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """List the offerings `stack --next` plans with.

    \b
    Example:
      skillwallet offerings list
    """
    from skillwallet.stacking.catalog import Catalog

    with optional_wallet() as wallet:
        offerings = sorted(Catalog(wallet).offerings().values(), key=lambda o: o.id)
    if json_output:
        emit_json("offerings", {"offerings": [o.to_dict() for o in offerings]})
        return
    render_table(
        ["id", Column("name", shorten="end", min_width=16, ratio=2), Column("cost", justify="right"),
         Column("hours", justify="right", drop=2), Column("skills", shorten="end", drop=3),
         Column("source", shorten="start", min_width=10, drop=1)],
        # a renewal route awards no skills: it keeps the credential it renews counted
        [[o.id, o.name, f"{o.cost:,.2f} {o.currency}", f"{o.hours:g}",
          ", ".join(o.skills) or (f"(renews {o.renews})" if o.renews else ""), o.source] for o in offerings],
        title="Offerings",
    )


@offerings_app.command("add")
def offerings_add(
    file: Path = typer.Argument(..., metavar="FILE", help="A TOML file of [[offering]] tables."),
    force: bool = typer.Option(False, "--force", help="Replace offerings with the same id."),
) -> None:
    """Add offerings ([[offering]] tables in a TOML file) to your wallet.

    \b
    Example:
      skillwallet offerings add my-courses.toml
    """
    from skillwallet.stacking.catalog import load_offerings_toml

    file = Path(file)  # a path whatever the parameter conversion in force (as stack reads its numbers)
    text = read_text_file(file)
    load_offerings_toml(text, str(file))  # validate before unlocking anything
    with wallet_catalog() as catalog:
        added = catalog.add_offerings(text, file.name, force=force)
    info(f"added {len(added)} offering(s): " + ", ".join(o.id for o in added))


@offerings_app.command("remove")
def offerings_remove(
    offering_id: str = typer.Argument(..., metavar="ID", help="The id of an offering you added."),
) -> None:
    """Remove one of your offerings.

    \b
    Example:
      skillwallet offerings remove evening-sql-course
    """
    with wallet_catalog() as catalog:
        catalog.remove_offering(offering_id)
    info(f"removed offering {offering_id!r}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command("stack")(stack_command)
    app.add_typer(pathways_app, name="pathways")
    app.add_typer(offerings_app, name="offerings")
