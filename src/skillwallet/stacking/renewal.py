"""Renewal routes: what keeping a held credential current costs.

An offering with ``renews = "<credential name or achievement id>"`` is a renewal route (the built-in ones are in
``data/offerings/renewals.toml``: CompTIA continuing education and CertMaster CE, Microsoft's free renewal
assessment, PMI's PDUs and fee, exams passed again). A held credential is the one a route renews when (first that
applies):

1. its achievement id (or an alias) is the route's ``renews``;
2. its title (or an alias) is the route's ``renews`` as the catalogue's one title normalisation reads both
   (stacking/inference.py ``title_keys``: case, separators, trademark signs, the parenthetical, "certification"
   and a trailing "ce" aside, as CompTIA's Credly badges say "CompTIA Security+ ce Certification"), unless the name
   begins with the route's provider's and the credential is known to come from someone else (``issued_elsewhere``);
3. it *is* the catalogued offering of that name (stacking/inference.py: by achievement id, name, or issuer and short
   name, so a "Network+" badge issued by CompTIA is renewed by the "CompTIA Network+" routes).

A route awards nothing new: the plan (stacking/optimise.py) counts the renewed credential in the held one's
place. Offerings are read duck-typed (``id``, ``name``, ``cost``, ``hours``, ``renews`` ...), so this module
imports neither the optimiser nor the catalogue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from skillwallet.model import format_datetime
from skillwallet.stacking.inference import SkillInference, issued_elsewhere, title_keys
from skillwallet.stacking.offerings import window_opens


class RenewalRoutes:
    """The renewal routes of a catalogue, looked up by the credential they renew."""

    def __init__(self, offerings: Iterable[Any]) -> None:
        offerings = list(offerings)
        self.routes = [o for o in offerings if getattr(o, "renews", None)]
        self.by_key: dict[str, list[Any]] = {}
        for route in self.routes:
            for key in {route.renews, *title_keys(route.renews)}:
                self.by_key.setdefault(key, []).append(route)
        # what a held credential *is*, from the catalogue's own (non-renewal) offerings
        self.inference = SkillInference(o for o in offerings if not getattr(o, "renews", None)) if self.routes \
            else None

    def for_credential(self, credential: Any) -> list[Any]:
        """The routes that renew ``credential``, cheapest first (then fewest hours)."""
        if not self.routes:
            return []
        found: dict[str, Any] = {}
        aliases = list(getattr(credential, "achievement_aliases", None) or ())
        for a in (credential.achievement_id, *aliases):
            for route in self.by_key.get(a or "", ()):
                found[route.id] = route
        if not found:
            for name in (credential.title, *aliases):
                for key in title_keys(name or ""):
                    for route in self.by_key.get(key, ()):
                        if not issued_elsewhere(route.renews, getattr(route, "provider", None), credential):
                            found[route.id] = route
        if not found and self.inference is not None:
            inferred = self.inference.infer(credential)
            if inferred is not None:
                for key in title_keys(inferred.offering_name):
                    for route in self.by_key.get(key, ()):
                        found[route.id] = route
        return sorted(found.values(), key=lambda r: (r.cost, r.hours, r.id))


def renewal_summary(route: Any, hours_per_week: float, expires: datetime | None = None) -> dict[str, Any]:
    """One route as ``expiring`` reports it: name, provider, cost, hours and weeks at a pace, and for a route
    with a window (``opens_before_expiry``) the day it opens for a credential expiring on ``expires``."""
    window = getattr(route, "opens_before_expiry", None)
    return {
        "id": route.id, "name": route.name, "provider": route.provider, "cost": route.cost,
        "currency": route.currency, "hours": route.hours,
        "weeks": round(route.hours / hours_per_week, 1) if hours_per_week else None,
        "url": route.url, "price_source": route.price_source, "checked": route.checked,
        "opens_before_expiry": window, "opens": format_datetime(window_opens(window, expires)),
    }
