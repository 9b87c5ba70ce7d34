"""Builders for stacking tests: real model.Credential objects with verdicts."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

from skillwallet.model import FORMAT_OB3, Credential, Issuer, Skill, Verdict
from skillwallet.stacking.evaluate import Held

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
