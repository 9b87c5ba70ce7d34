"""How to fill each missing requirement: what would count, the cheapest offering that fills it, and for the
steps you attest yourself the command that records one.

Pure: an evaluated pathway and the offerings catalogue in; every unmet requirement of the evaluation tree gets
a ``fill`` (``NodeResult.fill``, ``"fill"`` in ``--json``):

``{"counts": "a credential evidencing the skill SQL (an alignment, skill or tag naming it)",
   "offering": {"id", "name", "provider", "cost", "currency", "hours"} or null,
   "command": "skillwallet add --self project --title ..." or null}``
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any, Iterable

from skillwallet.stacking.model import OCCUPATION_CODE, Pathway, Requirement

SELF_KINDS = ("manual", "experience")


def _counts(node: Requirement) -> str:
    """What would count, in words."""
    m = node.match
    kind = node.kind
    if kind == "manual":
        step = node.step or f"step:{node.id}"
        return f"a self-attested entry titled {node.label!r} (or tagged {step})"
    if kind == "experience":
        amount = (f"{node.min_months:g} months" if node.min_months is not None
                  else f"{node.min_hours:g} hours" if node.min_hours is not None else "some")
        what = []
        titles = [o for o in node.occupation if not OCCUPATION_CODE.match(o) and "://" not in o]
        codes = [o for o in node.occupation if o not in titles]
        if titles:
            what.append("as " + " or ".join(titles))
        if codes:
            what.append("in occupation " + " or ".join(codes))
        if m.skills:
            what.append("using " + " or ".join(m.skills))
        return f"{amount} of work experience " + (", ".join(what) if what else "of any kind")
    if kind == "skill":
        text = "a credential evidencing the skill " + " or ".join(m.skills) if m.skills else "a credential aligned to"
        if m.alignments:
            text += (" or " if m.skills else " ") + " or ".join(f"{fw} {code}" for fw, code in m.alignments)
        text += " (an alignment, skill or tag naming it; or an offering's credential that teaches it)"
        if m.min_level_text:
            text += f", at level {m.min_level_text} or above"
        return text
    if kind == "credential":
        return "the credential " + m.describe()
    if kind == "count":
        return f"{node.minimum:g} credentials: {m.describe() or 'any'}"
    if kind == "sum":
        return f"{node.minimum:g} {node.quantity or 'credits'} from credentials: {m.describe() or 'any'}"
    if kind == "mean":
        return f"a mean result of {node.minimum:g} or more over credentials: {m.describe() or 'any'}"
    return m.describe()


def _command(node: Requirement) -> str | None:
    """The command that records a self-attested step (cli/add.py `--self`)."""
    if node.kind == "manual":
        return f"skillwallet add --self project --title {shlex.quote(node.label)} --evidence URL"
    if node.kind == "experience":
        titles = [o for o in node.occupation if not OCCUPATION_CODE.match(o) and "://" not in o]
        title = titles[0] if titles else "JOB TITLE"
        skills = "".join(f" --skill {shlex.quote(s)}" for s in node.match.skills[:1])
        return (f"skillwallet add --self experience --title {shlex.quote(title)} --issuer-name EMPLOYER "
                f"--date YYYY-MM-DD --until YYYY-MM-DD{skills}")
    return None


def add_fill_hints(pathway: Pathway, tree: Any, offerings: Iterable[Any], *, as_of: datetime) -> None:
    """Set ``fill`` on every unmet requirement of ``tree`` (a :class:`NodeResult`), in place."""
    from skillwallet.stacking.evaluate import CredentialIndex

    bought = [o for o in offerings if o.source != "self"]
    index = CredentialIndex([], as_of=as_of, inference=None,
                            hypothetical=[o.hypothetical_credential(as_of) for o in bought])
    by_wallet = {f"offering:{o.id}": o for o in bought}

    def cheapest(node: Requirement) -> dict[str, Any] | None:
        if node.kind in SELF_KINDS or node.match.is_empty():
            return None
        usable, _ = index.candidates(node.match)
        options = [by_wallet[index.items[i].wallet_id] for i in usable]
        if not options:
            return None
        o = min(options, key=lambda o: (o.cost, o.hours, o.name))
        return {"id": o.id, "name": o.name, "provider": o.provider, "cost": o.cost, "currency": o.currency,
                "hours": o.hours}

    def walk(result: Any) -> None:
        if result.met:
            return
        node = pathway.requirements.get(result.id)
        if node is not None and not result.children and node.kind not in ("not",):
            result.fill = {"counts": _counts(node), "offering": cheapest(node), "command": _command(node)}
        for child in result.children:
            walk(child)

    walk(tree)
