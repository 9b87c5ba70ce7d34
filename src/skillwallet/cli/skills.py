"""The `skills` command: the holder's skills inventory, and the gap to a goal."""

from __future__ import annotations

from typing import Optional

import typer

from skillwallet.cli.common import emit_json, info, parse_as_of, register_commands, render_table, stdout_console


def skills_command(
    goal: Optional[str] = typer.Option(None, "--goal", "-g", metavar="PATHWAY",
                                       help="Show the skills still missing for this pathway."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Evaluate on this date (YYYY-MM-DD)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Your skills inventory: each skill (normalised to ESCO / O*NET), its level, and the credentials behind it.

    \b
    Examples:
      skillwallet skills
      skillwallet skills --goal cloud-engineer
    """
    from skillwallet.cli.session import open_wallet
    from skillwallet.skills.inventory import build_inventory, skill_gap
    from skillwallet.stacking.catalog import Catalog
    from skillwallet.stacking.evaluate import evaluate_pathway
    from skillwallet.stacking.inference import SkillInference

    when = parse_as_of(as_of)
    with open_wallet() as wallet:
        credentials = wallet.list_credential_facts()  # the small index records: no bodies to decrypt
        catalog = Catalog(wallet)
        pathway = catalog.get_pathway(goal) if goal else None
        inference = SkillInference(catalog.offerings().values())
    inventory = build_inventory(credentials, as_of=when, inference=inference)
    gap = None
    evaluation = None
    if pathway is not None:
        evaluation = evaluate_pathway(pathway, credentials, as_of=when, inference=inference)
        gap = skill_gap(pathway, evaluation)
    if json_output:
        payload = {
            "as_of": evaluation.to_dict()["as_of"] if evaluation else None,
            "skills": [entry.to_dict() for entry in inventory],
            "attribution": "Skill codes from ESCO (© European Union, reuse with attribution) and O*NET "
                           "(USDOL/ETA, CC BY 4.0); see the package's data/skills/ATTRIBUTION.md",
        }
        if evaluation is not None:
            payload["goal"] = {"goal": pathway.id, "name": pathway.name, "status": evaluation.status,
                               "progress": round(evaluation.progress, 4), "missing": evaluation.missing,
                               "missing_skills": gap}
        emit_json("skills", payload)
        return
    from rich.markup import escape

    rows = []
    for entry in inventory:
        code = entry.skill.framework_code
        creds = ", ".join(
            e.title + (" (inferred from the catalogue)" if e.inferred else "") + ("" if e.in_force else " (not in force)")
            for e in entry.evidence)
        label = entry.skill.label if entry.skill.known else f"{entry.skill.label} (not in the taxonomy)"
        rows.append([label, entry.level or "", f"{code[0]} {code[1]}" if code else "", creds])
    render_table(["skill", "level", "code", "credentials"], rows, title="Skills")
    console = stdout_console()
    if not inventory:
        info("no skills yet: credentials with alignments, skills or tags add them")
    if evaluation is not None:
        console.print(f"[bold]Gap to {escape(pathway.name)}[/bold] ({evaluation.status}, {evaluation.progress:.0%}):")
        if not gap and not evaluation.missing:
            console.print("  nothing missing")
        for item in gap or []:
            names = " or ".join(s["label"] for s in item["skills"])
            level = f" at level {item['min_level']}+" if item["min_level"] else ""
            console.print(f"  - {escape(names)}{escape(level)} [dim]({escape(item['label'])})[/dim]")
        listed = {m for g in gap or [] for m in (g["label"], *g.get("missing", ()))}
        other = [m for m in evaluation.missing if m not in listed]
        for m in other:
            console.print(f"  - {escape(m)}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    register_commands(app, {"skills": skills_command})
