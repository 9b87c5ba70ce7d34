"""The pathway and offering catalogue: built-in ones (package data) plus the user's own (stored in the wallet).

Built-in pathways live in ``data/pathways/*.toml`` and offerings in ``data/offerings/*.toml``. The user's own
are kept in the wallet's ``pathways`` and ``offerings`` collections as ``{"toml": text, "source": name}`` (a
pathway) or the offering's fields (an offering), so they are encrypted and travel with backups.

Lookups of unknown ids raise :class:`NotFoundError` with the closest ids as a hint (difflib).
"""

from __future__ import annotations

import datetime
import difflib
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from skillwallet.errors import AlreadyExistsError, InvalidInputError, InvalidPathwayError, NotFoundError
from skillwallet.stacking.model import ID_PATTERN, Pathway, load_pathway_toml
from skillwallet.stacking.optimise import Offering

PATHWAYS_COLLECTION = "pathways"
OFFERINGS_COLLECTION = "offerings"


class KeyValueStore(Protocol):
    """The part of ``store.Wallet`` the catalogue uses."""

    def put(self, collection: str, key: str, value: Any) -> None: ...
    def get(self, collection: str, key: str) -> Any | None: ...
    def delete(self, collection: str, key: str) -> bool: ...
    def items(self, collection: str) -> list[tuple[str, Any]]: ...


def _data_files(folder: str) -> list[tuple[str, str]]:
    root = resources.files("skillwallet.data").joinpath(folder)
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.append((entry.name, entry.read_text(encoding="utf-8")))
    return out


@lru_cache(maxsize=1)
def builtin_pathways() -> dict[str, Pathway]:
    """The built-in pathway catalogue, by id."""
    out: dict[str, Pathway] = {}
    for name, text in _data_files("pathways"):
        pathway = load_pathway_toml(text, f"built-in:{name}")
        pathway.source = "built-in"
        out[pathway.id] = pathway
    return out


@lru_cache(maxsize=1)
def builtin_offerings() -> dict[str, Offering]:
    """The built-in example offerings, by id."""
    out: dict[str, Offering] = {}
    for name, text in _data_files("offerings"):
        for offering in load_offerings_toml(text, f"built-in:{name}", label="built-in"):
            out[offering.id] = offering
    return out


OFFERING_KEYS = ("id", "name", "provider", "cost", "currency", "hours", "url", "achievement_id", "achievement_type",
                 "skills", "skill_level", "credits", "credit_unit", "tags", "price_source", "checked", "price_per_month",
                 "requires", "renews", "eligible_after_months")


def load_offerings_toml(text: str, where: str = "<offerings>", *, label: str = "user") -> list[Offering]:
    """Read ``[[offering]]`` tables. Raises :class:`InvalidInputError` naming the file, key path and expectation.
    ``label`` records where the offerings came from (``built-in`` or the file name)."""
    source = where
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{source}: not valid TOML: {exc}") from None
    raw = data.get("offering")
    if not isinstance(raw, list) or not raw:
        raise InvalidInputError(f"{source}: offering: expected one or more [[offering]] tables")
    out: list[Offering] = []
    seen: set[str] = set()
    for i, table in enumerate(raw):
        out.append(offering_from_dict(table, f"{source}: offering[{i}]", label))
        if out[-1].id in seen:
            raise InvalidInputError(f"{source}: offering[{i}].id: expected a unique id, got {out[-1].id!r} twice")
        seen.add(out[-1].id)
    return out


def offering_from_dict(table: Any, where: str, source: str = "user") -> Offering:
    """Validate one offering table."""
    if not isinstance(table, dict):
        raise InvalidInputError(f"{where}: expected a table")
    for key in table:
        if key not in OFFERING_KEYS and key != "source":
            raise InvalidInputError(f"{where}.{key}: expected one of the keys " + ", ".join(OFFERING_KEYS))

    def text(key: str, required: bool = False) -> str | None:
        value = table.get(key)
        if key == "checked" and isinstance(value, datetime.date):  # a TOML date: checked = 2025-06-01
            value = value.isoformat()
        if value is None:
            if required:
                raise InvalidInputError(f"{where}.{key}: expected a string (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{where}.{key}: expected a non-empty string, got {value!r}")
        return value.strip()

    def number(key: str) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise InvalidInputError(f"{where}.{key}: expected a number ≥ 0, got {value!r}")
        return float(value)

    def strings(key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInputError(f"{where}.{key}: expected a list of strings, got {value!r}")
        return [v.strip() for v in value]

    offering_id = text("id", required=True)
    if not ID_PATTERN.match(offering_id):
        raise InvalidInputError(f"{where}.id: expected letters, digits, '-', '_', '.', ':', got {offering_id!r}")
    offering = Offering(
        id=offering_id,
        name=text("name", required=True),
        provider=text("provider"),
        cost=number("cost") or 0.0,
        currency=text("currency") or "USD",
        hours=number("hours") or 0.0,
        url=text("url"),
        achievement_id=text("achievement_id"),
        achievement_type=text("achievement_type") or "Certificate",
        skills=strings("skills"),
        skill_level=text("skill_level"),
        credits=number("credits"),
        tags=strings("tags"),
        source=source,
        price_source=text("price_source"),
        price_per_month=number("price_per_month"),
        requires=strings("requires"),
        renews=text("renews"),
        eligible_after_months=number("eligible_after_months"),
        checked=text("checked"),
    )
    unit_text = text("credit_unit")
    if unit_text is not None:
        from skillwallet.stacking.units import TO_ECTS, parse_unit

        offering.credit_unit = parse_unit(unit_text)
        if offering.credit_unit is None:
            raise InvalidInputError(f"{where}.credit_unit: expected one of {', '.join(TO_ECTS)}, got {unit_text!r}")
    # a renewal awards nothing new: it keeps the credential it ``renews`` valid (stacking/renewal.py)
    if not (offering.skills or offering.achievement_id or offering.credits or offering.tags or offering.renews):
        raise InvalidInputError(f"{where}: expected skills, achievement_id, credits, tags or renews: what the "
                                "offering awards or renews")
    return offering


def suggest(wanted: str, known: list[str]) -> list[str]:
    """The closest ids, for "did you mean" hints."""
    return difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)


class Catalog:
    """Built-in and user pathways and offerings. ``store`` may be ``None`` (built-ins only)."""

    def __init__(self, store: KeyValueStore | None = None) -> None:
        self.store = store

    # -- pathways
    def user_pathways(self) -> dict[str, Pathway]:
        out: dict[str, Pathway] = {}
        if self.store is None:
            return out
        for key, value in self.store.items(PATHWAYS_COLLECTION):
            pathway = load_pathway_toml(value["toml"], value.get("source") or key)
            pathway.source = value.get("source") or "user"
            out[key] = pathway
        return out

    def pathways(self) -> dict[str, Pathway]:
        """Every pathway by id; a user pathway with a built-in's id replaces it."""
        out = dict(builtin_pathways())
        out.update(self.user_pathways())
        return out

    def get_pathway(self, pathway_id: str) -> Pathway:
        pathways = self.pathways()
        if pathway_id in pathways:
            return pathways[pathway_id]
        # imported pathways have CTIDs for ids: their name reaches them too ("IT Networking Specialist Pathway")
        wanted = " ".join(pathway_id.split()).casefold()
        named = [p for p in pathways.values() if " ".join(p.name.split()).casefold() == wanted]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise NotFoundError(f"{len(named)} pathways are named {pathway_id!r}",
                                "give the id instead: " + ", ".join(sorted(p.id for p in named)))
        by_name = {p.name: p.id for p in pathways.values()}
        close = suggest(pathway_id, list(pathways))
        close += [f"{by_name[n]} ({n})" for n in suggest(pathway_id, list(by_name)) if by_name[n] not in close]
        hints = [f"did you mean: {', '.join(close)}?"] if close else []
        hints.append("list them with: skillwallet pathways list")
        raise NotFoundError(f"no pathway or goal {pathway_id!r}", *hints)

    def add_pathway(self, text: str, source: str, *, force: bool = False) -> Pathway:
        """Validate and store a user pathway. Nothing is stored if it is invalid."""
        pathway = load_pathway_toml(text, source)
        self._require_store()
        exists = pathway.id in builtin_pathways() or self.store.get(PATHWAYS_COLLECTION, pathway.id) is not None
        if exists and not force:
            raise AlreadyExistsError(f"a pathway {pathway.id!r} already exists",
                                     "use --force to replace it (a built-in one is only shadowed)")
        self.store.put(PATHWAYS_COLLECTION, pathway.id, {"toml": text, "source": source})
        pathway.source = source
        return pathway

    def remove_pathway(self, pathway_id: str) -> None:
        self._require_store()
        if not self.store.delete(PATHWAYS_COLLECTION, pathway_id):
            if pathway_id in builtin_pathways():
                raise InvalidPathwayError(f"{pathway_id!r} is a built-in pathway and cannot be removed")
            self.get_pathway(pathway_id)  # raises NotFoundError with suggestions
            raise NotFoundError(f"no user pathway {pathway_id!r}")

    # -- offerings
    def offerings(self) -> dict[str, Offering]:
        out = dict(builtin_offerings())
        if self.store is not None:
            for key, value in self.store.items(OFFERINGS_COLLECTION):
                out[key] = offering_from_dict(value, f"wallet offering {key}", value.get("source", "user"))
        return out

    def add_offerings(self, text: str, source: str, *, force: bool = False) -> list[Offering]:
        offerings = load_offerings_toml(text, source, label=source)
        self._require_store()
        if not force:
            for offering in offerings:
                if offering.id in builtin_offerings() or self.store.get(OFFERINGS_COLLECTION, offering.id) is not None:
                    raise AlreadyExistsError(f"an offering {offering.id!r} already exists", "use --force to replace it")
        for offering in offerings:
            record = {k: v for k, v in offering.to_dict().items() if v is not None and k in OFFERING_KEYS}
            record["source"] = source
            self.store.put(OFFERINGS_COLLECTION, offering.id, record)
        return offerings

    def remove_offering(self, offering_id: str) -> None:
        self._require_store()
        if not self.store.delete(OFFERINGS_COLLECTION, offering_id):
            if offering_id in builtin_offerings():
                raise InvalidInputError(f"{offering_id!r} is a built-in offering and cannot be removed")
            close = suggest(offering_id, list(self.offerings()))
            raise NotFoundError(f"no offering {offering_id!r}", *([f"did you mean: {', '.join(close)}?"] if close else []))

    def _require_store(self) -> None:
        if self.store is None:
            raise NotFoundError("no wallet to store user pathways and offerings in", "run: skillwallet init")
