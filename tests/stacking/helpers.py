"""Builders for stacking tests: real model.Credential objects with verdicts, pathways from their requirements,
wallets holding credentials, and the brute force the exact search is checked against."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime, timezone

import tomli_w
from typer.testing import CliRunner

from skillwallet import paths
from skillwallet.cli.app import app
from skillwallet.model import FORMAT_OB3, Credential, Issuer, Skill, Verdict
from skillwallet.stacking.evaluate import Held
from skillwallet.stacking.model import Pathway, load_pathway_toml
from skillwallet.store import Wallet

AS_OF = datetime(2025, 6, 1, tzinfo=timezone.utc)
_counter = itertools.count()


def cred(title: str, *, skills=(), issued="2024-01-01", expires=None, verdict="verified", status="pass",
         achievement_id=None, achievement_type="Certificate", issuer="https://issuer.example", credits=None,
         hours=None, result=None, level=None, tags=(), self_attested=False, valid_from=None) -> Held:
    """A held credential with a verdict. ``skills`` are names or (name, level) pairs."""
    n = next(_counter)
    skill_objs = []
    for s in skills:
        if isinstance(s, tuple):
            name, lvl = s
            skill_objs.append(Skill(name=name, level=lvl))
        elif isinstance(s, Skill):
            skill_objs.append(s)
        else:
            skill_objs.append(Skill(name=s))
    c = Credential(
        format=FORMAT_OB3,
        original=f'{{"n": {n}}}'.encode(),
        credential_id=f"urn:uuid:test-{n}",
        title=title,
        issuer=Issuer(id=issuer, name=issuer.split("//")[-1]),
        issued=datetime.fromisoformat(issued).replace(tzinfo=timezone.utc) if issued else None,
        expires=datetime.fromisoformat(expires).replace(tzinfo=timezone.utc) if expires else None,
        valid_from=datetime.fromisoformat(valid_from).replace(tzinfo=timezone.utc) if valid_from else None,
        achievement_id=achievement_id,
        achievement_type=achievement_type,
        skills=skill_objs,
        credits=credits,
        hours=hours,
        result=result,
        level=level,
        tags=list(tags),
        self_attested=self_attested,
    )
    v = Verdict(verdict=verdict, checks={"status": status, "signature": "pass"})
    return Held(wallet_id=f"w{n:04d}", credential=c, verdict=v)


def nodes(tree):
    """Every node of an explanation tree, the root first."""
    yield tree
    for child in tree.children:
        yield from nodes(child)


def node(evaluation, node_id: str):
    """The explanation of requirement ``node_id``, wherever it is in the tree."""
    return next(n for n in nodes(evaluation.tree) if n.id == node_id)


def wallet_holding(passphrase: str, *held: Held) -> list[str]:
    """A wallet at the test's home holding ``held`` with their verdicts, closed again for the CLI to open; the
    wallet ids it gave them, in order."""
    wallet = Wallet.init(paths.wallet_home(), passphrase)
    try:
        return [wallet.add_credential(h.credential, h.verdict)[0] for h in held]
    finally:
        wallet.close()


def added_through_cli(pathway: Pathway, offerings_toml: str) -> None:
    """``pathway`` and the offerings in ``offerings_toml`` written beside the wallet and added as the holder's
    own through the real ``pathways add`` and ``offerings add``."""
    home = paths.wallet_home()
    (home.parent / "goal.toml").write_text(pathway.text, encoding="utf-8")
    (home.parent / "courses.toml").write_text(offerings_toml, encoding="utf-8")
    runner = CliRunner()
    for command in (["pathways", "add", str(home.parent / "goal.toml")],
                    ["offerings", "add", str(home.parent / "courses.toml")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.stderr


# Pathways, written as short as the test needs them. Each builder below is one ``[requirements.<id>]`` table
# of the TOML format (docs/pathways.md) and is named after its ``type`` (all_of is "all", any_of "any", sum_of
# "sum", not_ "not"); its arguments are the keys that kind needs, then any other key by its TOML name:
# skill("Python", min_level="advanced") is type = "skill", skill = "Python", min_level = "advanced".

def skill(name: str | list[str], **keys) -> dict:
    return {"type": "skill", "skill": name, **keys}


def credential(**keys) -> dict:
    return {"type": "credential", **keys}


def manual(label: str, **keys) -> dict:
    return {"type": "manual", "label": label, **keys}


def all_of(*children: str, **keys) -> dict:
    return {"type": "all", "children": list(children), **keys}


def any_of(*children: str, **keys) -> dict:
    return {"type": "any", "children": list(children), **keys}


def at_least(n: int, *children: str, **keys) -> dict:
    return {"type": "at_least", "n": n, "children": list(children), **keys}


def not_(child: str, **keys) -> dict:
    return {"type": "not", "children": [child], **keys}


def count(min: int, **keys) -> dict:  # noqa: A002 - the TOML key
    return {"type": "count", "min": min, **keys}


def sum_of(min: float, **keys) -> dict:  # noqa: A002 - the TOML key
    return {"type": "sum", "min": min, **keys}


def mean(min: float, **keys) -> dict:  # noqa: A002 - the TOML key
    return {"type": "mean", "min": min, **keys}


def experience(min_months: int, **keys) -> dict:
    return {"type": "experience", "min_months": min_months, **keys}


def make_pathway(requirements: dict[str, dict] | None = None, /, *, id: str = "t",  # noqa: A002 - TOML key
                 name: str = "Test pathway", policy: dict | None = None, exits: Sequence[dict] = (),
                 transfer: Sequence[dict] = (), **more_requirements: dict) -> Pathway:
    """The pathway with these requirements, written as TOML and read by the real ``load_pathway_toml``.

    Requirement ids are keywords (``root=all_of("sql", "py"), sql=skill("SQL")``), or a dict for ids that are
    no Python names (``{"no-ban": not_("banned")}``); ``policy``, ``exits`` and ``transfer`` are the
    ``[policy]`` table and the ``[[exits]]`` and ``[[transfer]]`` arrays, as dicts."""
    document: dict = {"id": id, "name": name}
    if policy:
        document["policy"] = policy
    if exits:
        document["exits"] = list(exits)
    if transfer:
        document["transfer"] = list(transfer)
    document["requirements"] = {**(requirements or {}), **more_requirements}
    return load_pathway_toml(tomli_w.dumps(document), "test.toml")


def brute_force_best(evaluator, enabled=lambda i: True) -> tuple[bool, float]:
    """The best (root met, root progress) over *every* way of sharing the credentials: each credential goes to
    one requirement that locks what it counts (a leaf, or a count / sum / experience when double counting is
    off) or to none; a leaf takes at most one. Requirements that may reuse credentials try every candidate too.
    Small instances only: this is the reference the branch and bound is checked against."""
    items = range(len(evaluator.index.items))
    locking_leaves = [leaf for leaf in evaluator.search_leaves if not leaf.reuse]
    reuse_leaves = [leaf for leaf in evaluator.search_leaves if leaf.reuse]
    aggregates = sorted(evaluator.consuming)
    takers: dict[int, list[str]] = {}
    for leaf in locking_leaves:
        for i in leaf.candidates:
            if enabled(i):
                takers.setdefault(i, []).append("leaf:" + leaf.key)
    for node_id in aggregates:
        reach = set(evaluator.aggregate_pool.get(node_id, ()))
        for matched, _, _, _ in evaluator.transfer_credit.get(node_id, ()):
            reach |= set(matched)
        for i in sorted(reach):
            if enabled(i):
                takers.setdefault(i, []).append("agg:" + node_id)
    shared = sorted(i for i in items if i in takers)
    best = None
    for reuse_combo in itertools.product(*[(None, *[i for i in leaf.candidates if enabled(i)])
                                           for leaf in reuse_leaves]):
        for combo in itertools.product(*[(None, *takers[i]) for i in shared]):
            chosen = [t for t in combo if t is not None and t.startswith("leaf:")]
            if len(chosen) != len(set(chosen)):
                continue  # a leaf takes one credential
            assignment = {leaf.key: i for leaf, i in zip(reuse_leaves, reuse_combo)}
            for leaf in locking_leaves:
                assignment[leaf.key] = None
            owner: dict[int, str | None] = {}
            used: set[int] = set()
            for i, t in zip(shared, combo):
                if t is not None and t.startswith("leaf:"):
                    assignment[t[5:]] = i
                    used.add(i)
                    owner[i] = None
                else:
                    owner[i] = t[4:] if t is not None else None
            met, prog, _ = evaluator._evaluate(assignment, enabled, False, used, owner=owner)
            score = (met, round(prog, 9))
            best = score if best is None or score > best else best
    return best
