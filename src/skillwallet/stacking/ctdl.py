"""Credential Engine CTDL pathways (``ceterms:Pathway``) to native pathways.

Reads what registries and publishers actually write: compact JSON-LD (``ceterms:`` / ``ceasn:`` / ``asn:``
prefixes, ``res:`` compact IRIs, language maps such as ``{"en-US": ...}`` or the draft ``{"@en-US": ...}``),
expanded JSON-LD (full ``https://purl.org/ctdl/terms/`` IRIs, ``@value`` / ``@language`` objects), the 2018
Pathway Work Group draft (plain ``id`` / ``type`` keys, unprefixed terms), as a ``@graph``, a registry envelope
(``decoded_resource``), a bare array or single objects, across several files given together (a pathway's
components may be published apart from it).

Mapping (CTDL terms at https://credreg.net/ctdl/terms):

* ``ceterms:Pathway``: the goal. ``hasDestinationComponent`` is the destination; several destinations become
  exit awards under an ``any`` root. Without a destination, ``hasChild`` components are all required.
* ``PathwayComponent`` subclasses: ``CredentialComponent``, ``CourseComponent``, ``AssessmentComponent`` become
  credential leaves matching the component's name or ``codedNotation`` (the ``proxyFor`` IRI is kept as its url);
  ``CompetencyComponent`` a skill leaf; ``WorkExperienceComponent`` / ``JobComponent`` an experience leaf (with a
  ``minimumDuration``) or a manual step; ``BasicComponent``, ``CocurricularComponent``,
  ``ExtracurricularComponent`` manual steps; ``SelectionComponent`` its conditions only.
* Credential, course and assessment classes (``ceterms:Certification``, ``Badge``, ``Course`` ...) placed in a
  pathway graph in place of a component (as the CompTIA roadmap does) are the credential itself: their
  conditions are read as the route to it (all of them and the credential), and holding it completes the branch.
* ``hasCondition`` → ``ceterms:ComponentCondition``: ``requiredNumber`` of ``targetComponent`` (and nested
  conditions) is a minimum ("at least N of M"), also in the draft form ``leftOperand: "reqNum"`` / ``operand`` /
  ``rightOperand``; without it, ``logicalOperator`` (or the draft ``logicalOperand``) Or means any, else all.
  A credential component that has conditions is reached either way: holding it is a shortcut. A named credential
  component with ``hasChild`` but no condition needs all its children, or the credential itself.
* ``creditValue`` (``ceterms:ValueProfile`` / ``schema:QuantitativeValue`` with ``schema:value``, a range's
  ``schema:minValue``, or a bare number; the older ``creditHourValue`` / ``creditUnitValue``) becomes the node's
  credit value; a ``hasConstraint`` whose ``leftAction`` is ``array:Sum`` over ``creditValue`` / ``schema:value``
  compared with ``compare:GTEQ`` (or GT / EQ, read as at least, and reported) becomes a credit sum over the
  condition's targets.
* Not mapped, and listed in ``unmapped``: other constraints (grades, resits, repeatability), ``precedes`` /
  ``precededBy`` ordering, progression models and levels, ``credentialType``, credit units, unnamed components
  (reachable through their conditions only), components of the file the destination never reaches, target lists
  abbreviated as ``"(5 URIs)"``, and any other property (named with how many resources carry it).
"""

from __future__ import annotations

import re
from typing import Any

from skillwallet.errors import InvalidPathwayError
from skillwallet.stacking.interchange import ImportResult, build, slug
from skillwallet.stacking.model import MAX_DEPTH

PREFIXES = (
    "https://purl.org/ctdl/terms/", "http://purl.org/ctdl/terms/", "ceterms:",
    "https://purl.org/ctdlasn/terms/", "ceasn:", "http://schema.org/", "https://schema.org/", "schema:",
    "https://purl.org/ctdl/vocabs/", "meta:",
    # progression models are ASN terms in the registry's context (asn:hasProgressionModel, asn:hasProgressionLevel)
    "http://purl.org/ASN/schema/core/", "https://purl.org/ASN/schema/core/", "asn:",
    # quantitative values (credits, durations) may use the qdata vocabulary
    "https://credreg.net/qdata/terms/", "qdata:",
)
# language-map keys: BCP 47 tags, also written "@en-US" in early Credential Engine drafts
LANG_KEY = re.compile(r"^@?[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
CREDENTIAL_LIKE = {"CredentialComponent", "CourseComponent", "AssessmentComponent"}
# CTDL credential, course and assessment classes that registry publishers put straight into a pathway graph in
# place of a PathwayComponent (the CompTIA roadmap links ceterms:Certification nodes by hasCondition)
CREDENTIAL_CLASSES = {
    "Credential", "Certification", "Certificate", "CertificateOfCompletion", "CertificateOfParticipation",
    "Badge", "DigitalBadge", "OpenBadge", "MicroCredential", "Diploma", "GeneralEducationDevelopment",
    "SecondarySchoolDiploma", "License", "ApprenticeshipCertificate", "JourneymanCertificate", "MasterCertificate",
    "QualityAssuranceCredential", "ProfessionalDoctorate", "ResearchDoctorate", "Degree", "AssociateDegree",
    "BachelorDegree", "MasterDegree", "DoctoralDegree",
}
# properties that describe a resource without bearing on whether a holder has completed it
DESCRIPTIVE = frozenset({
    "ctid", "name", "description", "subjectWebpage", "sourceData", "ownedBy", "offeredBy", "isPartOf", "hasPart",
    "isDestinationComponentFor", "isDestinationComponentOf", "isChildOf", "hasChild", "componentCategory",
    "componentDesignation", "dateCreated", "dateModified", "inLanguage", "keyword", "image", "identifier",
    "codedNotation", "proxyFor", "isRootOf", "isParentOf", "alternateName", "sameAs",
})
COMPONENT_KEYS = frozenset({
    "hasCondition", "creditValue", "creditHourValue", "creditUnitValue", "pointValue", "precedes", "precededBy",
    "prerequisite", "hasProgressionLevel", "credentialType", "minimumDuration", "exactDuration",
    "hasDestinationComponent", "occupationType", "industryType",
})
CONDITION_KEYS = frozenset({
    "targetComponent", "hasCondition", "hasConstraint", "requiredNumber", "logicalOperator", "logicalOperand",
    "leftOperand", "operand", "rightOperand",
})
GREATER_OR_EQUAL = frozenset({"gteq", "gte", "ge", "greaterthanequal", "greaterthanorequal",
                              "greaterthanorequalto"})
GREATER = frozenset({"gt", "greaterthan"})
EQUAL = frozenset({"eq", "equal", "equals", "equalto"})
PATHWAY_KEYS = frozenset({"hasDestinationComponent", "hasChild", "hasProgressionModel", "occupationType",
                          "industryType", "hasPart"})
COURSE_CLASSES = {"Course", "LearningOpportunityProfile", "LearningProgram"}
ASSESSMENT_CLASSES = {"AssessmentProfile", "Assessment"}
MANUAL_LIKE = {"BasicComponent", "CocurricularComponent", "ExtracurricularComponent"}
EXPERIENCE_LIKE = {"WorkExperienceComponent", "JobComponent"}
COMPONENT_TYPES = CREDENTIAL_LIKE | MANUAL_LIKE | EXPERIENCE_LIKE | {"CompetencyComponent", "SelectionComponent",
                                                                     "PathwayComponent"}


def strip(value: str) -> str:
    """A CTDL term without its namespace (``ceterms:name``, ``https://purl.org/ctdl/terms/name`` → ``name``)."""
    for prefix in PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def _unwrap(value: Any) -> Any:
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        if set(value) == {"@id"}:
            return {"@id": value["@id"]}
        if value and all(LANG_KEY.match(k) for k in value) and \
                all(isinstance(v, (str, list)) or v is None for v in value.values()):
            # a language map ({"en-US": "..."}): English when there is one, else the first non-empty value
            filled = [(k, v) for k, v in value.items() if v not in (None, "", [])]
            for key, text_value in filled:
                if key.lstrip("@").lower().startswith("en"):
                    return text_value
            return filled[0][1] if filled else None
        return normalise(value)
    return value


def normalise(resource: dict[str, Any]) -> dict[str, Any]:
    """Prefix-free keys and types, unwrapped values: one shape for compact and expanded JSON-LD."""
    out: dict[str, Any] = {}
    # early CTDL drafts and some publishers alias @id / @type as plain "id" / "type" (as JSON-LD contexts may)
    aliases = {"id": "@id", "type": "@type"}
    for key, value in resource.items():
        key = aliases.get(key, key) if aliases.get(key) not in resource and isinstance(value, (str, list)) else key
        if key == "@type":
            types = value if isinstance(value, list) else [value]
            out["@type"] = [strip(t) for t in types if isinstance(t, str)]
        elif key in ("@id", "@context"):
            out[key] = value
        else:
            out[strip(key)] = _unwrap(value)
    return out


def _first(value: Any) -> Any:
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value


def text(resource: dict[str, Any], key: str) -> str | None:
    value = _first(resource.get(key))
    if isinstance(value, dict):
        value = value.get("@id")
    return str(value).strip() if value not in (None, "") else None


def number(resource: dict[str, Any], key: str) -> float | None:
    value = _first(resource.get(key))
    if isinstance(value, dict):
        value = value.get("value")
        value = _first(value)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def refs(resource: dict[str, Any], key: str) -> list[Any]:
    value = resource.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"@id"}:
            out.append(item["@id"])
        else:
            out.append(item)
    return out


def _resources(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        out = []
        for item in data:
            out.extend(_resources(item))
        return out
    if isinstance(data, dict):
        if "@graph" in data:
            return _resources(data["@graph"])
        # a registry envelope keeps the document in decoded_resource / resource
        for key in ("decoded_resource", "DecodedResource"):
            if isinstance(data.get(key), (dict, list)):
                return _resources(data[key])
        return [data]
    return []


def _placeholder(ref: Any) -> bool:
    """Published sketches abbreviate long target lists as "(and 14 more)" or "(5 URIs)"."""
    return isinstance(ref, str) and ref.startswith("(") and ref.endswith(")")


def _duration_months(value: str | None) -> float | None:
    """ISO 8601 duration (P1Y6M, P26W, P90D) in months."""
    if not value:
        return None
    match = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
                         r"(?:T.*)?", value.strip())
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (float(g) if g else 0.0 for g in match.groups())
    return years * 12 + months + weeks * 7 / 30.4375 + days / 30.4375


class _Converter:
    def __init__(self, pool: dict[str, dict[str, Any]], sources: dict[str, str], source: str) -> None:
        self.pool = pool
        self.sources = sources
        self.source = source
        self.requirements: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str] = {}
        self.taken: set[str] = set()  # node ids handed out, for unique ids in constant time
        self.unmapped: list[str] = []
        self.visiting: set[str] = set()
        self.depth = 0  # conditions being converted, nested
        self.ignored: dict[tuple[str, str], int] = {}  # (resource kind, property) → how many carry it
        self.direct_classes: set[str] = set()
        self.progression_levels: list[str] = []
        self.credit_units: set[str] = set()
        self.credential_types: dict[str, int] = {}  # ceterms:credentialType → how many components name it

    def finish(self) -> list[str]:
        """Everything not mapped: the per-node notes, then one line per kind of thing left out."""
        notes = list(dict.fromkeys(self.unmapped))
        if self.direct_classes:
            notes.append(f"{', '.join(sorted(self.direct_classes))} resources used directly as pathway components: "
                         "each is matched as a credential by name; its conditions are read as the way to it, and "
                         "holding it completes its branch")
        if self.progression_levels:
            notes.append(f"progression levels on {len(self.progression_levels)} component(s) (e.g. "
                         f"{self.progression_levels[0]!r}) are not used in evaluation")
        for kind_name, count in sorted(self.credential_types.items()):
            notes.append(f"credentialType {kind_name} on {count} component(s) is noted, not required (matched by "
                         "name or code)")
        if self.credit_units:
            notes.append(f"credit units {', '.join(sorted(self.credit_units))} are all counted as credits")
        for (what, key), count in sorted(self.ignored.items()):
            notes.append(f"{what} property {key!r} (on {count}) is not mapped")
        return notes

    def resolve(self, ref: Any, what: str, owner: str) -> dict[str, Any]:
        if isinstance(ref, dict):
            return normalise(ref) if any(k.startswith(("ceterms:", "http")) for k in ref) else ref
        found = self.pool.get(ref) or self.pool.get(str(ref).rstrip("/").rsplit("/", 1)[-1])
        if found is None:
            raise InvalidPathwayError(
                f"{self.source}: {owner} refers to {what} {ref!r}, which is not in the given files",
                "a pathway's components may be published in a separate file: give every file in the same call")
        return found

    def new_id(self, resource: dict[str, Any], fallback: str) -> str:
        key = resource.get("@id") or text(resource, "ctid") or fallback
        if key in self.ids:
            return self.ids[key]
        # compact registry IRIs ("res:ce-…") keep only the CTID
        base = slug(re.sub(r"^[A-Za-z][\w-]*:(?=ce-)", "", text(resource, "ctid") or str(key)), fallback)
        candidate, n = base, 2
        while candidate in self.taken or candidate in self.requirements:
            candidate, n = f"{base}-{n}", n + 1
        self.ids[key] = candidate
        self.taken.add(candidate)
        return candidate

    def note_properties(self, resource: dict[str, Any], known: frozenset[str], what: str) -> None:
        """Remember properties the import does not use, so they are reported instead of dropped silently."""
        for key in resource:
            if key.startswith("@") or key in known or key in DESCRIPTIVE:
                continue
            self.ignored.setdefault((what, key), 0)
            self.ignored[(what, key)] += 1

    def component(self, ref: Any, owner: str) -> str:
        comp = self.resolve(ref, "component", owner)
        nid = self.new_id(comp, "component")
        if nid in self.requirements:
            return nid
        if nid in self.visiting:
            raise InvalidPathwayError(f"{self.source}: component {nid!r} is its own prerequisite (a cycle)")
        if len(self.visiting) >= MAX_DEPTH:
            # the walk follows hasCondition / targetComponent links; a longer chain is refused, not recursed into
            raise InvalidPathwayError(
                f"{self.source}: components nest more than {MAX_DEPTH} levels deep (at {nid!r}): skillwallet reads "
                f"pathways up to {MAX_DEPTH} levels deep", "published pathways nest a few levels: is this the right file?")
        self.visiting.add(nid)
        self.note_properties(comp, COMPONENT_KEYS, "component")
        types = set(comp.get("@type") or [])
        kind = next((t for t in types if t in COMPONENT_TYPES), None)
        given_name = text(comp, "name")
        name = given_name or text(comp, "codedNotation") or nid
        prerequisites = False  # conditions of a bare credential are what leads to it, not what makes it up
        if kind is None:
            if types & CREDENTIAL_CLASSES:
                kind, prerequisites = "CredentialComponent", True
                self.direct_classes.add(next(iter(sorted(types & CREDENTIAL_CLASSES))))
            elif types & COURSE_CLASSES:
                kind, prerequisites = "CourseComponent", True
                self.direct_classes.add(next(iter(sorted(types & COURSE_CLASSES))))
            elif types & ASSESSMENT_CLASSES:
                kind, prerequisites = "AssessmentComponent", True
                self.direct_classes.add(next(iter(sorted(types & ASSESSMENT_CLASSES))))
            else:
                self.unmapped.append(f"component {name!r}: type {sorted(types) or 'none'} is not a CTDL "
                                     "PathwayComponent type; treated as a basic component")
                kind = "BasicComponent"
        conditions = []
        for i, cond in enumerate(refs(comp, "hasCondition")):
            cid = self.condition(cond, f"{nid}-condition-{i + 1}", name)
            if cid:
                conditions.append(cid)
        leaf = self.leaf_for(comp, kind, nid, name, named=bool(given_name))
        if leaf is None and kind in CREDENTIAL_LIKE and conditions:
            self.unmapped.append(f"{kind} {name!r} has no name or code: it is reached through its conditions only "
                                 "(holding it cannot be recognised)")
        # ceterms:ComponentCondition is "what must be done to complete a PathwayComponent ... as determined by
        # the issuer of the Pathway" (https://credreg.net/ctdl/terms/ComponentCondition): the route is required.
        # Holding the component's credential is kept as completes_with: the pathway's policy
        # conditions = "destination" reads it as completing the branch, and the evaluation reports it beside the
        # route either way (never folded in).
        if conditions and prerequisites and leaf is not None and leaf.get("type") == "credential":
            # a credential placed in the graph itself: its conditions are the route to it, and it is required too
            leaf_id = f"{nid}-credential"
            self.requirements[leaf_id] = dict(leaf, label=name)
            table = {"type": "all", "children": conditions + [leaf_id],
                     "completes_with": {k: v for k, v in leaf.items() if k in ("name", "achievement_id")}}
        elif conditions:
            table = {"type": "all", "children": conditions} if len(conditions) > 1 else \
                dict(self.requirements.pop(conditions[0]))
            if len(conditions) == 1 and conditions[0] in self.taken:  # (a rare clash: a linear remap is fine)
                self.ids = {k: (nid if v == conditions[0] else v) for k, v in self.ids.items()}
            if leaf is not None and leaf.get("type") == "credential":
                table["completes_with"] = {k: v for k, v in leaf.items()
                                           if k in ("name", "achievement_id", "achievement_type")}
            elif leaf is not None and leaf.get("type") == "skill":
                self.unmapped.append(f"component {name!r}: competency with conditions: the competency itself is "
                                     "not a shortcut")
        elif leaf is not None and leaf.get("type") == "credential" and refs(comp, "hasChild") and not prerequisites:
            # a credential component whose parts are its children but with no condition over them (Badgr
            # pathways published to the registry leave the root's "all of" implicit): all children, or the
            # credential itself
            children = [self.component(c, name) for c in refs(comp, "hasChild")]
            table = {"type": "all", "children": list(dict.fromkeys(children)),
                     "shortcut": {k: v for k, v in leaf.items() if k in ("name", "achievement_id")}}
            self.unmapped.append(f"component {name!r} has children but no condition: all children are required "
                                 "(or the credential itself)")
        elif leaf is not None:
            table = leaf
        elif refs(comp, "hasChild"):
            children = [self.component(c, name) for c in refs(comp, "hasChild")]
            table = {"type": "all", "children": list(dict.fromkeys(children))}
            self.unmapped.append(f"component {name!r} has children but no condition: all children are required")
        else:
            step = f"step:{nid}"
            table = {"type": "manual", "step": step}
            self.unmapped.append(f"component {name!r}: nothing to match it by (no name, code or conditions): "
                                 f"mapped to a manual step; tag a self-attested entry {step}")
        if given_name or text(comp, "codedNotation") or not (len(conditions) == 1 and table.get("label")):
            table["label"] = name  # an unnamed component keeps the label of its only condition
        description = text(comp, "description")
        if description:
            table["description"] = description[:500]
        url = text(comp, "subjectWebpage") or text(comp, "sourceData")
        if url:
            table["url"] = url
        credits = self.credit_value(comp, name)
        if credits is not None:
            table["credits"] = credits
        if refs(comp, "precedes") or refs(comp, "precededBy") or refs(comp, "prerequisite"):
            self.unmapped.append(f"component {name!r}: ordering (precedes / precededBy / prerequisite) is not "
                                 "enforced")
        if comp.get("pointValue") is not None:
            self.unmapped.append(f"component {name!r}: pointValue is not used (only creditValue counts)")
        if text(comp, "hasProgressionLevel"):
            self.progression_levels.append(name)
        self.requirements[nid] = table
        self.visiting.discard(nid)
        return nid

    def credit_value(self, comp: dict[str, Any], name: str) -> float | None:
        """Credits of a component: ``creditValue`` as a ValueProfile / QuantitativeValue (``schema:value``, or
        ``schema:minValue`` for a range) or a bare number; the older ``creditHourValue`` / ``creditUnitValue``."""
        value = comp.get("creditValue")
        if value is None:
            for legacy in ("creditHourValue", "creditUnitValue"):
                if comp.get(legacy) is not None:
                    value = comp[legacy]
                    break
            else:
                return None
        first = _first(value)
        if isinstance(first, dict):
            amount = number(first, "value")
            if amount is None:
                amount = number(first, "minValue")
                if amount is not None:
                    self.unmapped.append(f"component {name!r}: credit range counted at its minimum ({amount:g})")
            unit = text(first, "creditUnitType") or text(first, "unitText")
            if unit:
                self.credit_units.add(strip(unit))
            if amount is None:
                self.unmapped.append(f"component {name!r}: creditValue without a value is not used")
            return amount
        try:
            return float(first)
        except (TypeError, ValueError):
            self.unmapped.append(f"component {name!r}: creditValue {value!r} is not a number")
            return None

    def leaf_for(self, comp: dict[str, Any], kind: str, nid: str, name: str, named: bool = True
                 ) -> dict[str, Any] | None:
        proxy = text(comp, "proxyFor")
        code = text(comp, "codedNotation")
        names = ([name] if named else []) + ([code] if code and code != name else [])
        if kind in CREDENTIAL_LIKE and not names:
            # nothing a held credential could be matched by: the component is reached through its conditions only
            return None
        if kind in CREDENTIAL_LIKE:
            leaf: dict[str, Any] = {"type": "credential", "name": names}
            if kind == "CourseComponent":
                leaf["description"] = "a course: a credential with this name or code counts"
            if proxy:
                # matched by name or code; the registry IRI is kept as the node's url
                leaf.setdefault("url", proxy)
            credential_type = text(comp, "credentialType")
            if credential_type:
                kind_name = re.split(r"[:/#]", strip(credential_type))[-1]
                self.credential_types[kind_name] = self.credential_types.get(kind_name, 0) + 1
            return leaf
        if kind == "CompetencyComponent":
            leaf = {"type": "skill", "skill": [name]}
            if proxy:
                leaf["url"] = proxy
            return leaf
        if kind in EXPERIENCE_LIKE:
            months = _duration_months(text(comp, "minimumDuration") or text(comp, "exactDuration"))
            if months:
                leaf = {"type": "experience", "min_months": round(months, 2)}
                # ceterms:occupationType (CredentialAlignmentObject: codedNotation such as an O*NET-SOC code,
                # targetNode, targetNodeName) says which jobs are relevant
                occupations: list[str] = []
                for item in refs(comp, "occupationType"):
                    if isinstance(item, dict):
                        occupations += [v for v in (text(item, "codedNotation"), text(item, "targetNode"),
                                                    text(item, "targetNodeName")) if v]
                    elif isinstance(item, str):
                        occupations.append(item)
                if occupations:
                    leaf["occupation"] = list(dict.fromkeys(occupations))
                else:
                    self.unmapped.append(f"component {name!r}: work experience without an occupationType: any "
                                         "work experience counts")
                return leaf
            self.unmapped.append(f"component {name!r}: {kind} without a minimumDuration: mapped to a manual step")
            return {"type": "manual", "step": f"step:{nid}"}
        if kind in MANUAL_LIKE:
            return {"type": "manual", "step": f"step:{nid}"}
        return None  # SelectionComponent / PathwayComponent: its conditions only

    def condition(self, cond: Any, cid: str, owner: str) -> str | None:
        cond = self.resolve(cond, "condition", owner)
        self.depth += 1  # nested conditions (hasCondition of a condition) count toward the depth too
        try:
            if self.depth > 2 * MAX_DEPTH:
                raise InvalidPathwayError(f"{self.source}: conditions nest more than {MAX_DEPTH} levels deep (at "
                                          f"{owner!r}): skillwallet reads pathways up to {MAX_DEPTH} levels deep")
            return self._condition(cond, cid, owner)
        finally:
            self.depth -= 1

    def _condition(self, cond: dict[str, Any], cid: str, owner: str) -> str | None:
        self.note_properties(cond, CONDITION_KEYS, "condition")
        short_description = text(cond, "description")
        if short_description and len(short_description) > 80:
            short_description = None
        label = text(cond, "name") or short_description or f"condition of {owner}"
        children = [self.component(t, label) for t in refs(cond, "targetComponent") if not _placeholder(t)]
        placeholders = [t for t in refs(cond, "targetComponent") if _placeholder(t)]
        if placeholders:
            self.unmapped.append(f"{label!r}: target components given only as a summary ({', '.join(placeholders)}) "
                                 "cannot be resolved")
        for i, sub in enumerate(refs(cond, "hasCondition")):
            sid = self.condition(sub, f"{cid}-{i + 1}", label)
            if sid:
                children.append(sid)
        children = list(dict.fromkeys(children))
        sums = []
        for constraint in refs(cond, "hasConstraint"):
            constraint = self.resolve(constraint, "constraint", label)
            mapped = self.constraint(constraint, children, f"{cid}-credits-{len(sums) + 1}", label)
            if mapped:
                sums.append(mapped)
        if not children and not sums:
            self.unmapped.append(f"{label!r}: a condition without target components or mappable constraints "
                                 "(ignored)")
            return None
        required = number(cond, "requiredNumber")
        if required is None and (text(cond, "leftOperand") or "").lower() in ("reqnum", "requirednumber"):
            # the 2018 Pathway Work Group draft wrote requiredNumber as leftOperand "reqNum", operand, rightOperand
            required = number(cond, "rightOperand")
            operand = text(cond, "operand") or "="
            targets = len(refs(cond, "targetComponent")) + len(refs(cond, "hasCondition"))
            if required is not None and operand not in (">=", "≥") and required < targets:
                self.unmapped.append(f"{label!r}: draft condition reqNum {operand} {required:g} read as at least "
                                     f"{required:g} (CTDL requiredNumber is a minimum)")
        operator = strip(text(cond, "logicalOperator") or text(cond, "logicalOperand") or "").lower()
        table: dict[str, Any]
        if sums and (required is None or required <= 0):
            # the targets are the pool the constraint sums over, not each required
            table = {"type": "all", "children": sums} if len(sums) > 1 else dict(self.requirements.pop(sums[0]))
        elif children:
            if required is not None and required > 0:
                n = int(required)
                if n > len(children):
                    raise InvalidPathwayError(
                        f"{self.source}: {label!r} requires {n} of {len(children)} components: it can never be met")
                if n == len(children):
                    table = {"type": "all", "children": children}
                elif n == 1:
                    table = {"type": "any", "children": children}
                else:
                    table = {"type": "at_least", "n": n, "children": children}
            elif operator.endswith("or"):
                table = {"type": "any", "children": children}
            else:
                table = {"type": "all", "children": children}
            if sums:
                inner = f"{cid}-components"
                table["label"] = f"{label}: components"
                self.requirements[inner] = table
                table = {"type": "all", "children": [inner] + sums}
        else:
            table = {"type": "all", "children": sums}
        if not (text(cond, "name") or short_description):
            label = self.summary(table) or label
        table["label"] = label
        description = text(cond, "description")
        if description:
            table["description"] = description[:500]
        self.requirements[cid] = table
        return cid

    def summary(self, table: dict[str, Any]) -> str | None:
        """A label for an unnamed condition from what it asks: "2 of: Course B, Course C, Course D"."""
        names = [str(self.requirements.get(c, {}).get("label") or c) for c in table.get("children") or []]
        if not names or table.get("type") not in ("all", "any", "at_least"):
            return None
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        if len(names) == 1:
            return shown
        head = {"all": "all of", "any": "one of"}.get(table["type"]) or f"{table.get('n')} of"
        return f"{head}: {shown}"

    def constraint(self, constraint: dict[str, Any], children: list[str], cid: str, label: str) -> str | None:
        """A ``ceterms:Constraint`` summing credit values (``creditValue`` or its ``schema:value``) over the
        condition's targets, compared with ≥ / > / = a number (https://credreg.net/ctdl/terms/Constraint;
        comparators from the ``compare:`` vocabulary, actions from ``array:``)."""
        left = strip(text(constraint, "leftSource") or "").lower()
        action = strip(text(constraint, "leftAction") or "").lower()
        comparator = re.split(r"[:/#]", strip(text(constraint, "comparator") or ""))[-1].lower()
        right = number(constraint, "rightSource")
        if right is None:
            right_text = text(constraint, "rightSource")
            try:
                right = float(right_text) if right_text else None
            except ValueError:
                right = None
        credit_source = left.rsplit("/", 1)[-1] in ("creditvalue", "value", "credithourvalue", "creditunitvalue")
        at_least = comparator in GREATER_OR_EQUAL | GREATER | EQUAL
        if credit_source and action.endswith("sum") and at_least and right and children:
            if comparator in GREATER | EQUAL:
                self.unmapped.append(f"{label!r}: credit total compared with {comparator.upper()} {right:g} "
                                     f"is evaluated as at least {right:g}")
            self.requirements[cid] = {"type": "sum", "field": "credits", "min": right, "children": list(children),
                                      "label": f"{label}: at least {right:g} credits"}
            return cid
        self.unmapped.append(f"{label!r}: constraint {text(constraint, 'name') or ''} "
                             f"({left or '?'} {action or ''} {comparator or '?'} {right if right is not None else '?'}) "
                             "is not mapped")
        return None


def _unreached(pool: dict[str, dict[str, Any]], sources: dict[str, str], source: str, pathway: dict[str, Any],
               converter: _Converter) -> list[str]:
    """Names of the components published with ``pathway`` (same file, part of it or of no pathway) that the
    conversion never reached: reported so that nothing in the file is dropped silently."""
    component_classes = COMPONENT_TYPES | CREDENTIAL_CLASSES | COURSE_CLASSES | ASSESSMENT_CLASSES
    seen: set[int] = set()
    names = []
    for key, resource in pool.items():
        if id(resource) in seen or sources.get(key) != source:
            continue
        seen.add(id(resource))
        if not set(resource.get("@type") or []) & component_classes:
            continue
        part_of = refs(resource, "isPartOf")
        if part_of and pathway.get("@id") not in part_of:
            continue
        if resource.get("@id") in converter.ids or text(resource, "ctid") in converter.ids:
            continue
        names.append(text(resource, "name") or resource.get("@id") or "?")
    return names


def convert(documents: list[tuple[str, Any]]) -> list[ImportResult]:
    """Convert every ``ceterms:Pathway`` found across ``documents`` (``(name, parsed JSON)`` pairs)."""
    pool: dict[str, dict[str, Any]] = {}
    sources: dict[str, str] = {}
    pathways: list[tuple[str, dict[str, Any]]] = []
    for source, data in documents:
        for raw in _resources(data):
            if not isinstance(raw, dict):
                continue
            resource = normalise(raw)
            keys = [resource.get("@id"), text(resource, "ctid")]
            for key in keys:
                if key and isinstance(key, str):  # a hostile file may put a list or an object in @id
                    pool[key] = resource
                    pool[str(key).rstrip("/").rsplit("/", 1)[-1]] = resource
                    sources[key] = source
            if "Pathway" in (resource.get("@type") or []):
                pathways.append((source, resource))
    # isChildOf is the inverse of hasChild: a child may name its parent without the parent listing it
    for resource in list(pool.values()):
        for parent_ref in refs(resource, "isChildOf"):
            parent = pool.get(parent_ref) if isinstance(parent_ref, str) else None
            if parent is not None and resource.get("@id"):
                children = refs(parent, "hasChild")
                if resource["@id"] not in children:
                    parent["hasChild"] = children + [resource["@id"]]
    if not pathways:
        raise InvalidPathwayError(", ".join(s for s, _ in documents) + ": no ceterms:Pathway in the CTDL files",
                                  "give the pathway file itself (its components may be in other files)")
    results = []
    for source, pathway in pathways:
        converter = _Converter(pool, sources, source)
        name = text(pathway, "name") or text(pathway, "ctid") or "CTDL pathway"
        destinations = [converter.component(ref, name) for ref in refs(pathway, "hasDestinationComponent")]
        exits = []
        if len(destinations) == 1:
            root = destinations[0]
        elif destinations:
            root = "destinations"
            converter.requirements[root] = {"type": "any", "children": destinations, "label": f"{name}: any destination"}
            exits = [{"id": d, "name": converter.requirements[d]["label"], "node": d} for d in destinations]
        else:
            children = [converter.component(ref, name) for ref in refs(pathway, "hasChild")]
            if not children:
                raise InvalidPathwayError(f"{source}: pathway {name!r} has neither hasDestinationComponent nor hasChild")
            root = "pathway"
            converter.requirements[root] = {"type": "all", "children": list(dict.fromkeys(children)), "label": name}
            converter.unmapped.append("no hasDestinationComponent: every hasChild component is required")
        if pathway.get("hasProgressionModel"):
            converter.unmapped.append(f"hasProgressionModel {text(pathway, 'hasProgressionModel')} (progression "
                                      "levels) is not used in evaluation")
        converter.note_properties(pathway, PATHWAY_KEYS, "pathway")
        unreached = _unreached(pool, sources, source, pathway, converter)
        if unreached:
            shown = ", ".join(unreached[:8]) + (" ..." if len(unreached) > 8 else "")
            converter.unmapped.append(f"{len(unreached)} component(s) in the file not reached from the pathway's "
                                      f"destination: {shown}")
        document: dict[str, Any] = {
            "id": slug(text(pathway, "ctid") or pathway.get("@id") or name),
            "name": name,
            "root": root,
            "requirements": converter.requirements,
        }
        description = text(pathway, "description")
        if description:
            document["description"] = description[:1000]
        occupations = [text(o, "targetNode") if isinstance(o, dict) else o for o in refs(pathway, "occupationType")]
        occupations = [o for o in occupations if isinstance(o, str)]
        if occupations:
            document["occupation"] = {"ctdl": "; ".join(occupations)}
        if exits:
            document["exits"] = exits
        results.append(build(document, source, "ctdl", converter.finish()))
    return results
