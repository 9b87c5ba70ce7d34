"""The pathway model: requirements as a tree, policies, and the TOML format that defines them.

A pathway is a set of named requirement nodes (``[requirements.<id>]``) with one root. Inner nodes combine
their children (``all``, ``any``, ``at_least`` N of M with an optional ``at_most``, ``not``, ``sum`` of credits or
hours over children); leaves say which held credentials count (``credential``, ``skill``, ``count``, ``sum``,
``mean``, ``experience``, ``manual``). The constructs follow ``PATHWAYS.md`` (Badgr junctions, CTDL
ComponentCondition / Constraint). Policies say whether one credential may count twice, which credentials short-cut
a branch, the exit awards and credit-transfer rules.

:func:`load_pathway_toml` validates everything and raises :class:`~skillwallet.errors.InvalidPathwayError` with
the file, the key path and what was expected; nothing half-valid gets through. The format is documented in
``docs/pathways.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from skillwallet.errors import InvalidPathwayError
from skillwallet.skills.levels import LEVEL_WORDS, level_rank

# Inner nodes combine children; leaves look at credentials.
COMBINATORS = ("all", "any", "at_least", "not")
AGGREGATES = ("count", "sum", "mean", "experience")
SINGLE_LEAVES = ("credential", "skill", "manual")
KINDS = COMBINATORS + AGGREGATES + SINGLE_LEAVES
SUM_FIELDS = ("credits", "hours")
EXPERIENCE_TYPES = ("workexperience", "experience", "employment", "job", "apprenticeship", "internship")

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")

# Limits. Pathways come from outside (Credential Engine's registry, Badgr exports, files people share), so a
# hostile or broken one must be refused with a reason, not run the machine out of time, memory or stack.
# Each is far above anything published (the largest CTDL pathways in the registry have a few hundred
# components and nest under ten levels deep).
MAX_PATHWAY_BYTES = 8 * 1024 * 1024  # one pathway file (TOML or JSON)
MAX_REQUIREMENTS = 10_000  # requirements in one pathway
MAX_CHILDREN = 5_000  # children of one requirement
MAX_DEPTH = 100  # levels below the root: every walk, the explanation tree and its JSON nest this deep
MAX_RULES = 1_000  # exits and transfer rules
MAX_JSON_DEPTH = 200  # nesting of an imported JSON document (objects and arrays)

# Keys a match (a leaf's filter) accepts; each maps to how the value is read.
MATCH_KEYS = (
    "achievement_id",
    "achievement_type",
    "name",
    "alignment",
    "skill",
    "min_level",
    "issuer",
    "trusted_issuer",
    "tag",
    "min_result",
    "min_credits",
    "earned_within_days",
    "earned_after",
    "earned_before",
    "valid_through",
    "allow_expired",
)
NODE_KEYS = ("type", "label", "description", "children", "n", "at_most", "field", "min", "min_months", "min_hours",
             "allow_reuse", "shortcut", "credits", "step", "url", "occupation", "completes_with", "unit") + MATCH_KEYS
# an O*NET-SOC code (15-2051.00) or an ESCO / O*NET occupation URI; any other occupation string is a job title
OCCUPATION_CODE = re.compile(r"^(?:\d{2}-\d{4}(?:\.\d{2})?|https?://\S+)$")


@dataclass(frozen=True)
class Match:
    """Which held credentials a leaf accepts. Every given criterion must hold; a list means any of its values.

    Names, types, issuers and tags compare case-insensitively; skills and alignments are normalised through the
    skills taxonomy at evaluation time (so "Python 3" and the ESCO Python URI are one skill).
    """

    achievement_ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    alignments: tuple[tuple[str, str], ...] = ()
    skills: tuple[str, ...] = ()
    min_level: float | None = None
    min_level_text: str | None = None
    issuers: frozenset[str] = frozenset()
    trusted_issuer: bool = False
    tags: frozenset[str] = frozenset()
    min_result: float | None = None
    min_credits: float | None = None
    earned_within_days: int | None = None
    earned_after: datetime | None = None
    earned_before: datetime | None = None
    valid_through: datetime | None = None
    allow_expired: bool = False

    def is_empty(self) -> bool:
        return not (self.achievement_ids or self.types or self.names or self.alignments or self.skills
                    or self.issuers or self.tags or self.trusted_issuer or self.min_result is not None
                    or self.min_credits is not None)

    def describe(self) -> str:
        """A short human phrase for what this match accepts (used in explanations)."""
        parts = []
        if self.skills:
            parts.append("skill " + " or ".join(self.skills))
        if self.alignments:
            parts.append("alignment " + " or ".join(f"{fw} {code}" for fw, code in self.alignments))
        if self.min_level_text:
            parts.append(f"at level {self.min_level_text}+")
        if self.achievement_ids:
            parts.append("achievement " + " or ".join(sorted(self.achievement_ids)))
        if self.names:
            parts.append("named " + " or ".join(sorted(self.names)))
        if self.types:
            parts.append("type " + " or ".join(sorted(self.types)))
        if self.issuers:
            parts.append("from " + " or ".join(sorted(self.issuers)))
        if self.trusted_issuer:
            parts.append("from a trusted issuer")
        if self.tags:
            parts.append("tagged " + " or ".join(sorted(self.tags)))
        if self.min_result is not None:
            parts.append(f"result ≥ {self.min_result:g}")
        if self.min_credits is not None:
            parts.append(f"≥ {self.min_credits:g} credits")
        if self.earned_within_days is not None:
            parts.append(f"earned within {self.earned_within_days} days")
        if self.earned_after is not None:
            parts.append(f"earned after {self.earned_after.date().isoformat()}")
        if self.earned_before is not None:
            parts.append(f"earned before {self.earned_before.date().isoformat()}")
        if self.valid_through is not None:
            parts.append(f"valid through {self.valid_through.date().isoformat()}")
        return ", ".join(parts) or "any credential"


@dataclass
class Requirement:
    """One node of the requirement tree."""

    id: str
    kind: str
    label: str
    description: str | None = None
    children: list[str] = field(default_factory=list)
    n: int | None = None  # at_least: how many children must be met
    at_most: int | None = None  # at_least: how many children may consume credentials
    quantity: str | None = None  # the TOML key "field": sum: credits | hours ; mean: result
    minimum: float | None = None  # count / sum / mean / experience threshold
    min_months: float | None = None
    min_hours: float | None = None
    match: Match = field(default_factory=Match)
    allow_reuse: bool = False
    shortcut: Match | None = None  # a credential that satisfies this whole branch (milestone)
    # the credential a CTDL component stands for, when the component also has conditions: under the policy
    # conditions = "destination" holding it completes the branch (like a shortcut); under "route" (CTDL's
    # reading of ComponentCondition) the conditions are required as well, and holding it is only reported
    completes_with: Match | None = None
    credits: float | None = None  # credit value of this node when a parent sums over children (CTDL creditValue)
    step: str | None = None  # manual: the tag a self-attested entry carries (default step:<id>)
    url: str | None = None
    # experience: the occupations that count (O*NET-SOC codes, ESCO / O*NET URIs, job titles); with the match's
    # skills, an entry counts when its title, skills or occupation match one of them
    occupation: tuple[str, ...] = ()
    unit: str | None = None  # sum of credits: the unit of `min` (stacking/units.py); credits convert into it

    @property
    def is_leaf(self) -> bool:
        return self.kind not in COMBINATORS and not (self.kind == "sum" and self.children)


@dataclass
class Policy:
    double_counting: bool = False  # may one credential count toward two requirements?
    expiring_warning_days: int = 90  # warn (not fail) when a counted credential expires this soon
    count_self_attested: bool = True  # self-attested entries count (with a warning)
    count_unverified: bool = True  # not-yet-verified / unsigned / unverifiable credentials count (with a warning)
    trusted_issuers: tuple[str, ...] = ()
    # how a component's conditions read (CTDL ComponentCondition): "route", they must be done to complete it
    # (Credential Engine's definition); "destination", holding the component's credential completes it anyway
    conditions: str = "route"


@dataclass
class ExitAward:
    id: str
    name: str
    node: str


@dataclass
class CreditTransfer:
    """A credit-transfer rule: a credential matching ``match`` grants requirement ``grants`` outright, or adds
    ``credits`` to the sum node ``into`` (each), with the total transferred capped at ``cap``."""

    match: Match
    grants: str | None = None
    into: str | None = None
    credits: float | None = None
    cap: float | None = None
    label: str | None = None


@dataclass
class Pathway:
    id: str
    name: str
    root: str
    requirements: dict[str, Requirement]
    description: str | None = None
    policy: Policy = field(default_factory=Policy)
    exits: list[ExitAward] = field(default_factory=list)
    transfers: list[CreditTransfer] = field(default_factory=list)
    occupation: dict[str, str] = field(default_factory=dict)
    typical_credentials: list[str] = field(default_factory=list)
    source: str | None = None
    text: str | None = None  # the TOML text it was read from

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "occupation": dict(self.occupation),
            "requirements": len(self.requirements),
            "source": self.source,
        }

    def walk(self, start: str | None = None):
        """Requirements in depth-first pre-order from ``start`` (default the root)."""
        stack = [start or self.root]
        seen: set[str] = set()
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            node = self.requirements[node_id]
            yield node
            stack.extend(reversed(node.children))


# ---------------------------------------------------------------------------------------------------------
# Reading TOML


class _Reader:
    """Validates a decoded TOML document, naming the key path of every problem."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, expected: str, got: Any = None) -> InvalidPathwayError:
        where = f"{self.source}: {path}" if path else self.source
        suffix = "" if got is None else f", got {_show(got)}"
        return InvalidPathwayError(f"{where}: expected {expected}{suffix}")

    def string(self, table: dict, key: str, path: str, *, required: bool = False) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{path}{key}", "a string (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{path}{key}", "a non-empty string", value)
        return value.strip()

    def strings(self, table: dict, key: str, path: str) -> list[str]:
        value = table.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{path}{key}", "a string or a list of strings", value)
        return [v.strip() for v in value]

    def number(self, table: dict, key: str, path: str, *, minimum: float | None = 0, integer: bool = False):
        value = table.get(key)
        if value is None:
            return None
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or (minimum is not None and value < minimum):
            kind = "an integer" if integer else "a number"
            bound = "" if minimum is None else f" ≥ {minimum:g}"
            raise self.fail(f"{path}{key}", f"{kind}{bound}", value)
        return value

    def boolean(self, table: dict, key: str, path: str, default: bool = False) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{path}{key}", "true or false", value)
        return value

    def date(self, table: dict, key: str, path: str) -> datetime | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        raise self.fail(f"{path}{key}", "a date (YYYY-MM-DD)", value)

    def match(self, table: dict, path: str) -> Match:
        if not isinstance(table, dict):
            raise self.fail(path.rstrip("."), "a table of match keys", table)
        unknown = [k for k in table if k not in MATCH_KEYS]
        if unknown:
            raise self.fail(f"{path}{unknown[0]}", "one of the match keys " + ", ".join(MATCH_KEYS))
        alignments: list[tuple[str, str]] = []
        raw = table.get("alignment")
        if raw is not None:
            items = raw if isinstance(raw, list) else [raw]
            for i, item in enumerate(items):
                if not isinstance(item, dict) or not isinstance(item.get("code"), str):
                    raise self.fail(f"{path}alignment[{i}]", "a table with framework and code", item)
                alignments.append((str(item.get("framework") or ""), item["code"].strip()))
        level_value = table.get("min_level")
        min_level = None
        if level_value is not None:
            min_level = level_rank(level_value)
            if min_level is None:
                raise self.fail(f"{path}min_level", "a number or a level word (" + ", ".join(LEVEL_WORDS) + ")",
                                level_value)
        days = self.number(table, "earned_within_days", path, minimum=1, integer=True)
        return Match(
            achievement_ids=frozenset(self.strings(table, "achievement_id", path)),
            types=frozenset(v.casefold() for v in self.strings(table, "achievement_type", path)),
            names=frozenset(self.strings(table, "name", path)),  # compared through normalise_key
            alignments=tuple(alignments),
            skills=tuple(self.strings(table, "skill", path)),
            min_level=min_level,
            min_level_text=None if level_value is None else str(level_value),
            issuers=frozenset(v.casefold() for v in self.strings(table, "issuer", path)),
            trusted_issuer=self.boolean(table, "trusted_issuer", path),
            tags=frozenset(v.casefold() for v in self.strings(table, "tag", path)),
            min_result=self.number(table, "min_result", path, minimum=None),
            min_credits=self.number(table, "min_credits", path),
            earned_within_days=days,
            earned_after=self.date(table, "earned_after", path),
            earned_before=self.date(table, "earned_before", path),
            valid_through=self.date(table, "valid_through", path),
            allow_expired=self.boolean(table, "allow_expired", path),
        )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_pathway_toml(text: str, source: str = "<pathway>") -> Pathway:
    """Parse and validate a pathway TOML document. Raises :class:`InvalidPathwayError` naming ``source``,
    the key path and what was expected."""
    check_size(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPathwayError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise InvalidPathwayError(f"{source}: not valid TOML: arrays or inline tables nested too deeply") from None
    pathway = pathway_from_dict(data, source)
    pathway.text = text
    return pathway


def check_size(text: str, source: str) -> None:
    """Refuse a pathway document larger than :data:`MAX_PATHWAY_BYTES`, with the reason."""
    if len(text) > MAX_PATHWAY_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_PATHWAY_BYTES:
        raise InvalidPathwayError(
            f"{source}: too large for a pathway ({len(text.encode('utf-8', 'surrogatepass')):,} bytes; "
            f"at most {MAX_PATHWAY_BYTES:,})",
            "published pathways are far smaller: is this the right file?")


def pathway_from_dict(data: dict[str, Any], source: str = "<pathway>") -> Pathway:
    """Validate a decoded pathway document (the TOML structure) and build the :class:`Pathway`."""
    r = _Reader(source)
    if not isinstance(data, dict):
        raise r.fail("", "a table at the top level", data)
    allowed_top = {"id", "name", "description", "version", "root", "occupation", "typical_credentials", "policy",
                   "exits", "transfer", "requirements", "format", "imported_from", "unmapped"}
    for key in data:
        if key not in allowed_top:
            raise r.fail(key, "one of the top-level keys " + ", ".join(sorted(allowed_top)))
    pathway_id = r.string(data, "id", "", required=True)
    if not ID_PATTERN.match(pathway_id):
        raise r.fail("id", "an id of letters, digits, '-', '_', '.', ':' (at most 100)", pathway_id)
    name = r.string(data, "name", "", required=True)
    raw_requirements = data.get("requirements")
    if not isinstance(raw_requirements, dict) or not raw_requirements:
        raise r.fail("requirements", "a table of requirement tables ([requirements.<id>])", raw_requirements)

    if len(raw_requirements) > MAX_REQUIREMENTS:
        raise r.fail("requirements", f"at most {MAX_REQUIREMENTS:,} requirements (this pathway has "
                     f"{len(raw_requirements):,}): a larger one cannot be evaluated or explained in reasonable time")
    requirements: dict[str, Requirement] = {}
    for node_id, table in raw_requirements.items():
        path = f"requirements.{node_id}."
        if not ID_PATTERN.match(node_id):
            raise r.fail(path.rstrip("."), "a requirement id of letters, digits, '-', '_', '.', ':'")
        if not isinstance(table, dict):
            raise r.fail(path.rstrip("."), "a table", table)
        requirements[node_id] = _read_requirement(r, node_id, table, path)

    root = r.string(data, "root", "") or ("root" if "root" in requirements else next(iter(requirements)))
    for node in requirements.values():
        for i, child in enumerate(node.children):
            if child not in requirements:
                raise r.fail(f"requirements.{node.id}.children[{i}]",
                             "the id of a requirement defined in this file", child)
    if root not in requirements:
        raise r.fail("root", "the id of a requirement defined in this file", root)
    _check_acyclic(r, requirements, root)
    _check_depth(r, requirements)

    policy_table = data.get("policy", {})
    if not isinstance(policy_table, dict):
        raise r.fail("policy", "a table", policy_table)
    for key in policy_table:
        if key not in ("double_counting", "expiring_warning_days", "count_self_attested", "count_unverified",
                       "trusted_issuers", "conditions"):
            raise r.fail(f"policy.{key}", "one of double_counting, expiring_warning_days, count_self_attested, "
                         "count_unverified, trusted_issuers, conditions")
    conditions = r.string(policy_table, "conditions", "policy.") or "route"
    if conditions not in ("route", "destination"):
        raise r.fail("policy.conditions", '"route" (a component\'s conditions must be met) or "destination" '
                     "(holding its credential completes it)", conditions)
    policy = Policy(
        double_counting=r.boolean(policy_table, "double_counting", "policy."),
        expiring_warning_days=r.number(policy_table, "expiring_warning_days", "policy.", integer=True) or 90,
        count_self_attested=r.boolean(policy_table, "count_self_attested", "policy.", True),
        count_unverified=r.boolean(policy_table, "count_unverified", "policy.", True),
        trusted_issuers=tuple(v.casefold() for v in r.strings(policy_table, "trusted_issuers", "policy.")),
        conditions=conditions,
    )

    exits: list[ExitAward] = []
    raw_exits = data.get("exits", [])
    if not isinstance(raw_exits, list):
        raise r.fail("exits", "an array of tables ([[exits]])", raw_exits)
    if len(raw_exits) > MAX_RULES:
        raise r.fail("exits", f"at most {MAX_RULES:,} exit awards", f"{len(raw_exits):,} of them")
    for i, table in enumerate(raw_exits):
        path = f"exits[{i}]."
        if not isinstance(table, dict):
            raise r.fail(path.rstrip("."), "a table", table)
        node = r.string(table, "node", path, required=True)
        if node not in requirements:
            raise r.fail(f"{path}node", "the id of a requirement defined in this file", node)
        exits.append(ExitAward(id=r.string(table, "id", path) or node, name=r.string(table, "name", path) or node,
                               node=node))

    transfers: list[CreditTransfer] = []
    raw_transfers = data.get("transfer", [])
    if not isinstance(raw_transfers, list):
        raise r.fail("transfer", "an array of tables ([[transfer]])", raw_transfers)
    if len(raw_transfers) > MAX_RULES:
        raise r.fail("transfer", f"at most {MAX_RULES:,} transfer rules", f"{len(raw_transfers):,} of them")
    for i, table in enumerate(raw_transfers):
        path = f"transfer[{i}]."
        if not isinstance(table, dict):
            raise r.fail(path.rstrip("."), "a table", table)
        if "match" not in table:
            raise r.fail(f"{path}match", "a table saying which credentials transfer (required)")
        rule = CreditTransfer(
            match=r.match(table["match"], f"{path}match."),
            grants=r.string(table, "grants", path),
            into=r.string(table, "into", path),
            credits=r.number(table, "credits", path),
            cap=r.number(table, "cap", path),
            label=r.string(table, "label", path),
        )
        if (rule.grants is None) == (rule.into is None):
            raise r.fail(path.rstrip("."), "exactly one of grants = \"<requirement>\" or into = \"<sum requirement>\"")
        target = rule.grants or rule.into
        if target not in requirements:
            raise r.fail(f"{path}{'grants' if rule.grants else 'into'}",
                         "the id of a requirement defined in this file", target)
        if rule.into and (requirements[rule.into].kind != "sum" or rule.credits is None):
            raise r.fail(f"{path}into", "a sum requirement, with credits = N on the rule", rule.into)
        transfers.append(rule)

    occupation = data.get("occupation", {})
    if not isinstance(occupation, dict) or not all(isinstance(v, str) for v in occupation.values()):
        raise r.fail("occupation", "a table of strings (onet, esco, title)", occupation)
    return Pathway(
        id=pathway_id,
        name=name,
        root=root,
        requirements=requirements,
        description=r.string(data, "description", ""),
        policy=policy,
        exits=exits,
        transfers=transfers,
        occupation=dict(occupation),
        typical_credentials=r.strings(data, "typical_credentials", ""),
        source=source,
    )


def _read_requirement(r: _Reader, node_id: str, table: dict, path: str) -> Requirement:
    kind = r.string(table, "type", path, required=True)
    if kind not in KINDS:
        raise r.fail(f"{path}type", "one of " + ", ".join(KINDS), kind)
    for key in table:
        if key not in NODE_KEYS:
            raise r.fail(f"{path}{key}", "one of the requirement keys " + ", ".join(NODE_KEYS))
    children = r.strings(table, "children", path)
    if len(children) > MAX_CHILDREN:
        raise r.fail(f"{path}children", f"at most {MAX_CHILDREN:,} children ({len(children):,} given): group them "
                     "under intermediate requirements")
    if len(set(children)) != len(children):
        raise r.fail(f"{path}children", "distinct requirement ids", children)
    match_table = {k: table[k] for k in MATCH_KEYS if k in table}
    match = r.match(match_table, path)
    node = Requirement(
        id=node_id,
        kind=kind,
        label=r.string(table, "label", path) or node_id,
        description=r.string(table, "description", path),
        children=children,
        n=r.number(table, "n", path, minimum=0, integer=True),
        at_most=r.number(table, "at_most", path, minimum=1, integer=True),
        quantity=r.string(table, "field", path),
        minimum=r.number(table, "min", path),
        min_months=r.number(table, "min_months", path),
        min_hours=r.number(table, "min_hours", path),
        match=match,
        allow_reuse=r.boolean(table, "allow_reuse", path),
        shortcut=r.match(table["shortcut"], f"{path}shortcut.") if "shortcut" in table else None,
        completes_with=r.match(table["completes_with"], f"{path}completes_with.") if "completes_with" in table
        else None,
        credits=r.number(table, "credits", path),
        step=r.string(table, "step", path),
        url=r.string(table, "url", path),
        occupation=tuple(r.strings(table, "occupation", path)),
    )
    if node.occupation and kind != "experience":
        raise r.fail(f"{path}occupation", "occupation only on 'experience' requirements")
    if kind in COMBINATORS:
        if not children:
            raise r.fail(f"{path}children", f"at least one child for a '{kind}' requirement")
        if not match.is_empty():
            raise r.fail(path.rstrip("."), f"no match keys on a '{kind}' requirement (put them on a leaf)")
    if kind == "not" and len(children) != 1:
        raise r.fail(f"{path}children", "exactly one child for 'not'", children)
    if kind == "at_least":
        if node.n is None:
            raise r.fail(f"{path}n", "an integer (how many children must be met)")
        if node.n > len(children) or node.n == 0:
            raise r.fail(f"{path}n", f"between 1 and the number of children ({len(children)}): "
                         f"at least {node.n} of {len(children)} can never be met")
        if node.at_most is not None and node.at_most < node.n:
            raise r.fail(f"{path}at_most", f"an integer ≥ n ({node.n})", node.at_most)
    elif node.n is not None or node.at_most is not None:
        raise r.fail(f"{path}n", "n / at_most only on 'at_least' requirements")
    if kind in ("count", "sum", "mean") and node.minimum is None:
        raise r.fail(f"{path}min", f"a number (the threshold of this '{kind}' requirement)")
    if kind == "count" and (not float(node.minimum).is_integer() or node.minimum < 1):
        raise r.fail(f"{path}min", "a whole number ≥ 1", node.minimum)
    if kind == "sum":
        node.quantity = node.quantity or "credits"
        if node.quantity not in SUM_FIELDS:
            raise r.fail(f"{path}field", "one of " + ", ".join(SUM_FIELDS), node.quantity)
        if node.minimum <= 0:
            raise r.fail(f"{path}min", "a number > 0", node.minimum)
        unit_text = r.string(table, "unit", path)
        if unit_text is not None:
            from skillwallet.stacking.units import TO_ECTS, parse_unit

            if node.quantity != "credits":
                raise r.fail(f"{path}unit", "no unit: only a sum of credits has one", unit_text)
            node.unit = parse_unit(unit_text)
            if node.unit is None:
                raise r.fail(f"{path}unit", "one of " + ", ".join(TO_ECTS), unit_text)
    if kind == "mean":
        node.quantity = node.quantity or "result"
        if node.quantity != "result":
            raise r.fail(f"{path}field", "result (the mean is taken over numeric results / grades)", node.quantity)
    if kind == "experience" and node.min_months is None and node.min_hours is None:
        raise r.fail(f"{path}min_months", "min_months or min_hours on an 'experience' requirement")
    if kind == "skill" and not (match.skills or match.alignments):
        raise r.fail(f"{path}skill", "a skill name (or an alignment) on a 'skill' requirement")
    if kind == "credential" and match.is_empty():
        raise r.fail(path.rstrip("."), "at least one match key on a 'credential' requirement "
                     "(achievement_id, name, achievement_type, issuer, alignment, skill, tag...)")
    if kind in ("count", "sum") and not children and match.is_empty() and kind == "count":
        raise r.fail(path.rstrip("."), "at least one match key saying which credentials to count")
    if children and kind not in COMBINATORS and kind != "sum":
        raise r.fail(f"{path}children", f"no children on a '{kind}' requirement")
    return node


def _check_acyclic(r: _Reader, requirements: dict[str, Requirement], root: str) -> None:
    """Reject cycles anywhere (not only under the root): a requirement may not contain itself. An explicit
    stack, not recursion: a chain of thousands of requirements must get this message, not a RecursionError."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in requirements:
        if start in state:
            continue
        state[start] = 1
        path = [start]
        stack = [(start, iter(requirements[start].children))]
        while stack:
            node_id, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node_id] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(child) == 1:
                cycle = path[path.index(child):]
                shown = cycle if len(cycle) <= 12 else cycle[:5] + [f"... {len(cycle) - 10} more ..."] + cycle[-5:]
                raise r.fail(f"requirements.{node_id}.children", "no cycle, found "
                             + " -> ".join(shown) + f" -> {child}")
            if child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(requirements[child].children)))


def _check_depth(r: _Reader, requirements: dict[str, Requirement]) -> None:
    """Refuse requirement trees deeper than :data:`MAX_DEPTH` (the graph is acyclic here). The height of every
    node, children first, without recursion."""
    height: dict[str, int] = {}
    for start in requirements:
        if start in height:
            continue
        stack = [start]
        while stack:
            node_id = stack[-1]
            pending = [c for c in requirements[node_id].children if c not in height]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if node_id not in height:
                height[node_id] = 1 + max((height[c] for c in requirements[node_id].children), default=0)
                if height[node_id] > MAX_DEPTH + 1:
                    raise r.fail(f"requirements.{node_id}.children",
                                 f"a requirement tree at most {MAX_DEPTH} levels deep (requirements nest deeper "
                                 f"below {node_id!r}): group long chains into one level")


def pathway_to_dict(pathway: Pathway) -> dict[str, Any]:
    """The TOML-shaped dict of a pathway (inverse of :func:`pathway_from_dict`, for writing with tomli-w)."""
    def match_dict(m: Match) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if m.achievement_ids:
            out["achievement_id"] = sorted(m.achievement_ids)
        if m.types:
            out["achievement_type"] = sorted(m.types)
        if m.names:
            out["name"] = sorted(m.names)
        if m.alignments:
            out["alignment"] = [{"framework": fw, "code": code} for fw, code in m.alignments]
        if m.skills:
            out["skill"] = list(m.skills)
        if m.min_level_text is not None:
            out["min_level"] = m.min_level_text
        if m.issuers:
            out["issuer"] = sorted(m.issuers)
        if m.trusted_issuer:
            out["trusted_issuer"] = True
        if m.tags:
            out["tag"] = sorted(m.tags)
        for key in ("min_result", "min_credits", "earned_within_days"):
            if getattr(m, key) is not None:
                out[key] = getattr(m, key)
        for key in ("earned_after", "earned_before", "valid_through"):
            if getattr(m, key) is not None:
                out[key] = getattr(m, key).date()
        if m.allow_expired:
            out["allow_expired"] = True
        return out

    requirements: dict[str, Any] = {}
    for node in pathway.requirements.values():
        table: dict[str, Any] = {"type": node.kind, "label": node.label}
        if node.description:
            table["description"] = node.description
        if node.children:
            table["children"] = list(node.children)
        for key, value in (("n", node.n), ("at_most", node.at_most), ("field", node.quantity), ("min", node.minimum),
                           ("min_months", node.min_months), ("min_hours", node.min_hours),
                           ("credits", node.credits), ("step", node.step), ("url", node.url), ("unit", node.unit)):
            if value is not None:
                table[key] = value
        if node.allow_reuse:
            table["allow_reuse"] = True
        if node.occupation:
            table["occupation"] = list(node.occupation)
        table.update(match_dict(node.match))
        if node.shortcut is not None:
            table["shortcut"] = match_dict(node.shortcut)
        if node.completes_with is not None:
            table["completes_with"] = match_dict(node.completes_with)
        requirements[node.id] = table
    out: dict[str, Any] = {"id": pathway.id, "name": pathway.name}
    if pathway.description:
        out["description"] = pathway.description
    out["root"] = pathway.root
    if pathway.occupation:
        out["occupation"] = dict(pathway.occupation)
    if pathway.typical_credentials:
        out["typical_credentials"] = list(pathway.typical_credentials)
    p = pathway.policy
    out["policy"] = {"double_counting": p.double_counting, "expiring_warning_days": p.expiring_warning_days,
                     "count_self_attested": p.count_self_attested, "count_unverified": p.count_unverified}
    if p.trusted_issuers:
        out["policy"]["trusted_issuers"] = list(p.trusted_issuers)
    if p.conditions != "route":
        out["policy"]["conditions"] = p.conditions
    if pathway.exits:
        out["exits"] = [{"id": e.id, "name": e.name, "node": e.node} for e in pathway.exits]
    if pathway.transfers:
        out["transfer"] = []
        for t in pathway.transfers:
            rule: dict[str, Any] = {"match": match_dict(t.match)}
            for key in ("grants", "into", "credits", "cap", "label"):
                if getattr(t, key) is not None:
                    rule[key] = getattr(t, key)
            out["transfer"].append(rule)
    out["requirements"] = requirements
    return out


def pathway_to_toml(pathway: Pathway) -> str:
    """Serialise with tomli-w; reading the result back gives an equivalent pathway."""
    import tomli_w

    return tomli_w.dumps(pathway_to_dict(pathway))
