"""What an evaluation returns: the explained requirement tree (:class:`NodeResult`) and the pathway's outcome
(:class:`PathwayEvaluation`), with their ``--json`` shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skillwallet.model import format_datetime
from skillwallet.stacking.model import Pathway

MET = "met"
PARTIAL = "partial"
UNMET = "unmet"
EXPIRED = "expired"  # would be met, but the credentials that match are expired (or revoked) on the date


@dataclass
class NodeResult:
    """The explanation of one requirement: status, what met it and through which rule, what is missing."""

    id: str
    kind: str
    label: str
    status: str
    progress: float
    detail: str
    rule: str | None = None
    credentials: list[dict[str, Any]] = field(default_factory=list)
    children: list["NodeResult"] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    url: str | None = None
    # how to fill an unmet requirement (stacking/explain.py): what counts, the cheapest offering, a command
    fill: dict[str, Any] | None = None

    @property
    def met(self) -> bool:
        return self.status == MET

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.kind,
            "label": self.label,
            "status": self.status,
            "met": self.met,
            "progress": round(self.progress, 4),
            "detail": self.detail,
            "rule": self.rule,
            "credentials": list(self.credentials),
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "url": self.url,
            "fill": self.fill,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class PathwayEvaluation:
    """The outcome of evaluating one pathway on one date."""

    pathway: Pathway
    as_of: datetime
    tree: NodeResult
    warnings: list[dict[str, Any]]
    exits: list[dict[str, Any]]
    used: dict[str, list[str]]  # wallet id -> requirement ids it counted toward
    exhaustive: bool = True
    search_nodes: int = 0
    # a CTDL destination credential (the root's completes_with): whether it is held, whatever the route says
    # (None: the pathway names none), and the held credential's title
    destination_held: bool | None = None
    destination: str | None = None

    @property
    def status(self) -> str:
        if self.tree.status == MET:
            return MET
        return PARTIAL if self.tree.progress > 0 else UNMET

    @property
    def progress(self) -> float:
        return self.tree.progress

    @property
    def missing(self) -> list[str]:
        return list(self.tree.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "goal": self.pathway.id,
            "name": self.pathway.name,
            "as_of": format_datetime(self.as_of),
            "status": self.status,
            "progress": round(self.progress, 4),
            "missing": self.missing,
            "warnings": list(self.warnings),
            "exits": list(self.exits),
            "occupation": dict(self.pathway.occupation),
            "credentials_used": {k: list(v) for k, v in self.used.items()},
            # false when the search ran out of its budget: the best assignment found, not proven optimal
            "exact": self.exhaustive,
            "destination_held": self.destination_held,
            "search": {"exhaustive": self.exhaustive, "nodes": self.search_nodes},
            "tree": self.tree.to_dict(),
        }
