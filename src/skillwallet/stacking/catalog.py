"""The pathway and offering catalogue: built-in ones (package data) plus the user's own (stored in the wallet).

Built-in pathways live in ``data/pathways/*.toml`` and offerings in ``data/offerings/*.toml``. The user's own
are kept in the wallet's ``pathways`` and ``offerings`` collections as ``{"toml": text, "source": name}`` (a
pathway) or the offering's fields (an offering), so they are encrypted and travel with backups.

Lookups of unknown ids raise :class:`NotFoundError` with the closest ids as a hint (difflib).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any, Protocol

from skillwallet.errors import AlreadyExistsError, InvalidInputError, InvalidPathwayError, NotFoundError
from skillwallet.stacking.model import Pathway, load_pathway_toml
from skillwallet.stacking.offerings import (  # the loader lives with the Offering type; still importable here
    OFFERING_KEYS,
    Offering,
    builtin_offerings,
    data_files,
    load_offerings_toml,
    offering_from_dict,
)

PATHWAYS_COLLECTION = "pathways"
OFFERINGS_COLLECTION = "offerings"


class KeyValueStore(Protocol):
    """The part of ``store.Wallet`` the catalogue uses."""

    def put(self, collection: str, key: str, value: Any) -> None: ...
    def get(self, collection: str, key: str) -> Any | None: ...
    def delete(self, collection: str, key: str) -> bool: ...
    def items(self, collection: str) -> list[tuple[str, Any]]: ...


@lru_cache(maxsize=1)
def builtin_pathways() -> dict[str, Pathway]:
    """The built-in pathway catalogue, by id."""
    out: dict[str, Pathway] = {}
    for name, text in data_files("pathways"):
        pathway = load_pathway_toml(text, f"built-in:{name}")
        pathway.source = "built-in"
        out[pathway.id] = pathway
    return out


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
