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
