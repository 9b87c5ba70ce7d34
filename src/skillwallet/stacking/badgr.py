"""Badgr pathway exports (``https://badgr.io/public/contexts/pathways``) to native pathways.

A Badgr pathway is a tree of *elements*. An element's ``requirements`` is a completion spec: a
``BadgeJunction`` (badges to earn) or an ``ElementJunction`` (child elements to complete), with a
``junctionConfig`` of ``Conjunction`` (all) or ``Disjunction`` (at least ``requiredNumber``). Elements may have
a ``completionBadge``, which we treat as a milestone: holding it completes the element (a shortcut). Badgr never
marks an element without requirements complete; those become manual steps, and are reported.
"""

from __future__ import annotations

from typing import Any

from skillwallet.errors import InvalidPathwayError
from skillwallet.stacking.interchange import ImportResult, build, slug
from skillwallet.stacking.model import MAX_DEPTH


def _ref(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("@id") or value.get("id") or value.get("slug")
    return None


def badge_ids(ref: str) -> list[str]:
    """A Badgr badge URL and its http/https twin: Badgr's API wrote completion badges as http:// and junction
    badges as https:// for the same BadgeClass, and a held badge may carry either."""
    twins = [ref]
    if ref.startswith("https://"):
        twins.append("http://" + ref[len("https://"):])
    elif ref.startswith("http://"):
        twins.append("https://" + ref[len("http://"):])
    return twins


def _pathways(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [p for p in data if isinstance(p, dict)]
    if isinstance(data, dict):
        if isinstance(data.get("pathways"), list):
            return [p for p in data["pathways"] if isinstance(p, dict)]
        if isinstance(data.get("result"), list):  # API v2 envelope
            return [p for p in data["result"] if isinstance(p, dict)]
        return [data]
    return []


def convert(data: Any, source: str) -> list[ImportResult]:
    results = []
    for raw in _pathways(data):
        results.append(_convert_one(raw, source))
    if not results:
        raise InvalidPathwayError(f"{source}: no Badgr pathway in the file")
    return results


def _convert_one(raw: dict[str, Any], source: str) -> ImportResult:
    unmapped: list[str] = []
    elements = raw.get("elements")
    if not isinstance(elements, list) or not elements:
        raise InvalidPathwayError(f"{source}: Badgr pathway {raw.get('name')!r} has no elements "
                                  "(export it with its structure)")
    by_ref: dict[str, dict[str, Any]] = {}
    for element in elements:
        if not isinstance(element, dict):
            raise InvalidPathwayError(f"{source}: elements: expected objects")
        for key in ("@id", "slug"):
            if element.get(key):
                by_ref[element[key]] = element
    root_ref = _ref(raw.get("rootElement")) or _ref(elements[0])
    if root_ref not in by_ref:
        raise InvalidPathwayError(f"{source}: rootElement {root_ref!r} is not among the pathway's elements")

    requirements: dict[str, dict[str, Any]] = {}
    ids: dict[str, str] = {}

    def node_id(element: dict[str, Any]) -> str:
        key = element.get("@id") or element.get("slug")
        if key not in ids:
            base = slug(element.get("slug") or key or "element", "element")
            candidate = base
            n = 2
            while candidate in ids.values():
                candidate = f"{base}-{n}"
                n += 1
            ids[key] = candidate
        return ids[key]

    def badge_leaf(badge: Any) -> str:
        ref = _ref(badge)
        if not ref:
            raise InvalidPathwayError(f"{source}: a badge in a BadgeJunction has no id")
        leaf = "badge-" + slug(ref.split("://", 1)[-1], "badge")
        if leaf not in requirements:
            label = badge.get("name") if isinstance(badge, dict) and badge.get("name") else ref.rsplit("/", 1)[-1]
            requirements[leaf] = {"type": "credential", "label": label, "achievement_id": badge_ids(ref)}
        return leaf

    visiting: set[str] = set()
    listed_only: list[str] = []  # elements whose "badges" list holds badges their requirements do not name

    def convert_element(element: dict[str, Any]) -> str:
        nid = node_id(element)
        if nid in requirements:
            return nid
        if nid in visiting:
            raise InvalidPathwayError(f"{source}: element {nid!r} requires itself (a cycle)")
        if len(visiting) >= MAX_DEPTH:
            raise InvalidPathwayError(f"{source}: elements nest more than {MAX_DEPTH} levels deep (at {nid!r}): "
                                      f"skillwallet reads pathways up to {MAX_DEPTH} levels deep")
        visiting.add(nid)
        name = element.get("name") or nid
        spec = element.get("requirements")
        table: dict[str, Any]
        if isinstance(spec, dict):
            kind = spec.get("@type")
            junction = spec.get("junctionConfig") or {}
            junction_type = junction.get("@type")
            if kind == "BadgeJunction":
                children = [badge_leaf(b) for b in spec.get("badges") or []]
            elif kind == "ElementJunction":
                children = []
                for ref in spec.get("elements") or []:
                    child = by_ref.get(_ref(ref))
                    if child is None:
                        raise InvalidPathwayError(f"{source}: element {name!r} requires element {_ref(ref)!r}, "
                                                  "which is not in the export")
                    children.append(convert_element(child))
            else:
                raise InvalidPathwayError(f"{source}: element {name!r}: unknown requirements @type {kind!r} "
                                          "(expected BadgeJunction or ElementJunction)")
            children = list(dict.fromkeys(children))
            if not children:
                spec = None
        if isinstance(spec, dict):
            if junction_type == "Disjunction":
                required = junction.get("requiredNumber") or 1
                try:
                    required = int(required)
                except (TypeError, ValueError):
                    raise InvalidPathwayError(f"{source}: element {name!r}: requiredNumber {required!r} "
                                              "is not a number") from None
                table = {"type": "any", "children": children} if required == 1 else \
                    {"type": "at_least", "n": required, "children": children}
            elif junction_type in ("Conjunction", None):
                table = {"type": "all", "children": children}
            else:
                raise InvalidPathwayError(f"{source}: element {name!r}: unknown junctionConfig @type "
                                          f"{junction_type!r} (expected Conjunction or Disjunction)")
            # children elements outside the spec are optional in Badgr: report, do not require
            optional = [_ref(c) for c in element.get("children") or []
                        if _ref(c) not in {_ref(e) for e in (spec.get("elements") or [])}]
            if kind == "ElementJunction" and optional:
                unmapped.append(f"element {name!r}: {len(optional)} optional child element(s) not required "
                                "by its completion spec (not evaluated)")
        elif element.get("children"):
            # no completion spec of its own: Badgr's editor keeps a parent's spec as a junction over its
            # children, so an element without one is read as requiring all of them
            children = []
            for ref in element["children"]:
                child = by_ref.get(_ref(ref))
                if child is None:
                    raise InvalidPathwayError(f"{source}: element {name!r} has child {_ref(ref)!r}, which is not "
                                              "in the export")
                children.append(convert_element(child))
            table = {"type": "all", "children": list(dict.fromkeys(children))}
            unmapped.append(f"element {name!r} has no completion requirements: all its child elements are required")
        elif _ref(element.get("completionBadge")):
            completion_badge = _ref(element.get("completionBadge"))
            table = {"type": "credential", "achievement_id": badge_ids(completion_badge)}
            unmapped.append(f"element {name!r} has no completion requirements: only its completion badge "
                            "completes it")
        else:
            step = f"step:{nid}"
            table = {"type": "manual", "step": step}
            empty = "an empty badge or element list" if isinstance(element.get("requirements"), dict) else \
                "no completion requirements"
            unmapped.append(f"element {name!r} has {empty} (Badgr never completes it): "
                            f"mapped to a manual step; tag a self-attested entry {step}")
        table["label"] = name
        if element.get("description"):
            table["description"] = element["description"]
        if element.get("alignmentUrl"):
            table["url"] = element["alignmentUrl"]
        completion = _ref(element.get("completionBadge"))
        if completion and table["type"] not in ("manual", "credential"):
            table["shortcut"] = {"achievement_id": badge_ids(completion)}
        required_badges = set(map(_ref, spec.get("badges") or [])) if isinstance(spec, dict) else set()
        if set(map(_ref, element.get("badges") or [])) - required_badges:
            listed_only.append(name)
        requirements[nid] = table
        visiting.discard(nid)
        return nid

    root = convert_element(by_ref[root_ref])
    unreached = [e.get("name") or e.get("slug") for e in elements if node_id(e) not in requirements]
    if unreached:
        unmapped.append("elements not reachable from the root's requirements: " + ", ".join(map(str, unreached)))
    if listed_only:
        unmapped.append(f"badges listed on {len(listed_only)} element(s) (e.g. {listed_only[0]!r}) but not named in "
                        "their completion requirements are shown by Badgr, not required")
    if raw.get("groups"):
        unmapped.append("recipient groups (Badgr access control) are not part of a pathway definition here")
    name = raw.get("name") or by_ref[root_ref].get("name") or "Badgr pathway"
    document = {
        "id": slug(raw.get("slug") or name),
        "name": name,
        "root": root,
        "policy": {"double_counting": True},  # Badgr counts a badge toward every junction that lists it
        "requirements": requirements,
    }
    if raw.get("description"):
        document["description"] = raw["description"]
    completion = _ref(raw.get("completionBadge"))
    if completion:
        document["typical_credentials"] = badge_ids(completion)
    return build(document, source, "badgr", unmapped)
