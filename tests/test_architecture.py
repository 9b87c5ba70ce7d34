"""The layers keep to their order: every module's imports (inside functions too) are read with ``ast`` and checked.

1. no import cycles among skillwallet modules;
2. a module imports only the parts its layer may use (:data:`ALLOWED`, the same table as in
   ``docs/DEVELOPING.md``, "Layers"): an upward import is a failure, and the importer never imports an exporter;
3. the core (everything outside ``cli/``) never imports typer or rich;
4. no private name (``_x``) is imported from another module, and no private module from another package.

What still breaks a rule and belongs to work not yet done is listed in :data:`EXCEPTIONS`, each with its reason;
a test checks that every exception still exists, so the entry goes when the code is fixed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "skillwallet"

#: The layers, top first. A module may import modules of its own part and of the parts ALLOWED names.
LAYERS = (
    ("cli",),
    ("config",),
    ("formats", "export"),
    ("store", "stacking"),
    ("verify", "skills"),
    ("base",),
)

#: Which parts each part imports: drawn from what the code does, and only ever pointing down (export may use
#: formats, beside it: the QR codec; formats never imports export, the importer is independent of the exporters).
ALLOWED = {
    "cli": {"config", "formats", "export", "store", "stacking", "verify", "skills", "base"},
    "config": {"store", "base"},
    "formats": {"store", "verify", "base"},
    "export": {"formats", "store", "verify", "skills", "base"},
    "store": {"verify", "base"},
    "stacking": {"skills", "base"},
    "verify": {"base"},
    "skills": {"base"},
    "base": set(),
}

#: Top-level modules (outside the packages) and the part each belongs to.
TOP_LEVEL = {
    "__init__": "base",
    "__main__": "cli",
    "demo": "cli",
    "config": "config",
    "model": "base",
    "errors": "base",
    "paths": "base",
    "jsondepth": "base",
    "bulk": "base",
    "durations": "base",
}
PACKAGES = {"cli", "formats", "export", "store", "stacking", "verify", "skills"}


@dataclass(frozen=True)
class Known:
    """A rule the code still breaks, with why and what removes it. ``target`` is a module, or for a private
    name ``module:name``."""

    kind: str  # cycle | upward | private
    importer: str
    target: str
    reason: str


EXCEPTIONS: tuple[Known, ...] = ()  # none left: every layer rule holds


# --- reading the imports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported (a submodule when ``from package import submodule``)
    name: str | None  # the name taken by ``from target import name``; None for the module itself
    line: int


def module_names(root: Path = SOURCE) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package ``__init__``) for every module under ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        out[".".join(parts)] = (path, package)
    return out


def read_imports(module: str, source: str, is_package: bool, known: set[str]) -> list[Import]:
    """Every import in ``source`` (at any depth: in functions, in ``if`` blocks) of a skillwallet module, or of
    typer / rich, resolved against the ``known`` module names."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(module, alias.name, None, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[: len(base) - (node.level - 1)]
                target = ".".join(stem + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in known:
                    found.append(Import(module, submodule, None, node.lineno))
                else:
                    found.append(Import(module, target, alias.name, node.lineno))
    return [i for i in found if i.target.split(".")[0] in ("skillwallet", "typer", "rich")]


def all_imports(root: Path = SOURCE) -> list[Import]:
    modules = module_names(root)
    known = set(modules)
    out = []
    for module, (path, package) in modules.items():
        out += read_imports(module, path.read_text(encoding="utf-8"), package, known)
    return out


# --- the rules ------------------------------------------------------------------------------------------------


def part_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return TOP_LEVEL["__init__"]
    if parts[1] in PACKAGES:
        return parts[1]
    if parts[1] not in TOP_LEVEL:
        raise AssertionError(f"{module}: a new top-level module; give it a part in TOP_LEVEL (and DEVELOPING.md)")
    return TOP_LEVEL[parts[1]]


def internal(imports: list[Import]) -> list[Import]:
    return [i for i in imports if i.target.split(".")[0] == "skillwallet"]


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself), sorted."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:  # Tarjan's algorithm, iterative (no recursion limit on a long chain)
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def rank(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def layer_violations(imports: list[Import]) -> set[tuple[str, str]]:
    """(importer, target) for every import of a part the importer's part may not use."""
    out = set()
    for i in internal(imports):
        mine, theirs = part_of(i.importer), part_of(i.target)
        if theirs != mine and theirs not in ALLOWED[mine]:
            out.add((i.importer, i.target))
    return out


def core_ui_imports(imports: list[Import]) -> set[tuple[str, str]]:
    """(importer, target) for typer / rich imported outside ``cli``."""
    return {(i.importer, i.target) for i in imports
            if i.target.split(".")[0] in ("typer", "rich") and part_of(i.importer) != "cli"}


def private_imports(imports: list[Import]) -> set[tuple[str, str]]:
    """(importer, ``module:name``) for a private name taken from another module, and (importer, module) for a
    private module (``_common``) imported from outside its package."""
    out = set()
    for i in internal(imports):
        if i.name and i.name.startswith("_") and not i.name.startswith("__") and i.target != i.importer:
            out.add((i.importer, f"{i.target}:{i.name}"))
        last = i.target.rsplit(".", 1)
        if last[-1].startswith("_") and not last[-1].startswith("__"):
            if last[0] not in (i.importer, i.importer.rsplit(".", 1)[0]):  # a package or its modules
                out.add((i.importer, i.target))
    return out


def excused(kind: str) -> set[tuple[str, str]]:
    return {(k.importer, k.target) for k in EXCEPTIONS if k.kind == kind}


# --- the tests over the real code -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return all_imports()


def test_every_module_has_a_part(imports) -> None:
    for module in module_names():
        assert part_of(module) in ALLOWED


def test_the_table_only_points_down() -> None:
    for part, uses in ALLOWED.items():
        for used in uses:
            assert rank(used) > rank(part) or (part, used) == ("export", "formats"), (part, used)
    assert "export" not in ALLOWED["formats"], "the importer never imports an exporter"


def test_no_import_cycles(imports) -> None:
    edges = {(i.importer, i.target) for i in internal(imports)} - excused("cycle")
    assert cycles(edges) == []


def test_no_upward_imports(imports) -> None:
    assert layer_violations(imports) - excused("upward") == set()


def test_the_core_never_imports_typer_or_rich(imports) -> None:
    assert core_ui_imports(imports) == set()


def test_no_private_names_across_modules(imports) -> None:
    assert private_imports(imports) - excused("private") == set()


def test_every_exception_still_exists(imports) -> None:
    """An exception that the code no longer needs must be removed (here and in DEVELOPING.md). None is left today;
    the check stays for the next one, which must come with its reason."""
    edges = {(i.importer, i.target) for i in internal(imports)}
    for known in EXCEPTIONS:
        assert known.reason, known
        if known.kind == "cycle":
            assert (known.importer, known.target) in edges, known
            assert any(known.importer in c and known.target in c for c in cycles(edges)), known
        elif known.kind == "upward":
            assert (known.importer, known.target) in layer_violations(imports), known
        else:
            assert (known.importer, known.target) in private_imports(imports), known


def test_the_developing_guide_shows_the_table() -> None:
    text = (SOURCE.parent.parent / "docs" / "DEVELOPING.md").read_text(encoding="utf-8")
    for part, uses in ALLOWED.items():
        row = f"| `{part}` | " + (", ".join(f"`{u}`" for u in sorted(uses)) or "nothing") + " |"
        assert row in text, row
    for known in EXCEPTIONS:
        assert f"`{known.importer}` → `{known.target}`" in text, known


# --- the checks can fail --------------------------------------------------------------------------------------


FAKE = {
    # a loop closed by an import inside a function
    "skillwallet.stacking.alpha": "def late():\n    from skillwallet.stacking import beta\n",
    "skillwallet.stacking.beta": "from skillwallet.stacking.alpha import late\n",
    # the bottom layer importing the CLI: upward
    "skillwallet.model": "from skillwallet.cli.app import app\n",
    # the importer importing an exporter, a private name across files, and rich in the core
    "skillwallet.formats.gamma": (
        "import rich\n"
        "if True:\n"
        "    from skillwallet.export.qr import qr_png\n"
        "from skillwallet.verify.keys import _same_key\n"
        "from skillwallet.formats import _common\n"
    ),
    "skillwallet.verify.delta": "from ..formats._common import as_list\n",
    "skillwallet.cli.app": "import typer\n",
    "skillwallet.export.qr": "",
    "skillwallet.verify.keys": "",
    "skillwallet.formats._common": "",
}


def _fake_imports() -> list[Import]:
    known = set(FAKE) | {"skillwallet.stacking", "skillwallet.formats"}
    out = []
    for module, source in FAKE.items():
        out += read_imports(module, source, False, known)
    return out


def test_a_fake_cycle_is_found() -> None:
    edges = {(i.importer, i.target) for i in internal(_fake_imports())}
    assert cycles(edges) == [["skillwallet.stacking.alpha", "skillwallet.stacking.beta"]]
    assert cycles({("skillwallet.a", "skillwallet.a")}) == [["skillwallet.a"]]
    assert cycles({("skillwallet.a", "skillwallet.b")}) == []


def test_a_fake_upward_import_and_an_exporter_in_the_importer_are_found() -> None:
    assert layer_violations(_fake_imports()) == {
        ("skillwallet.model", "skillwallet.cli.app"),
        ("skillwallet.formats.gamma", "skillwallet.export.qr"),
        ("skillwallet.verify.delta", "skillwallet.formats._common"),
    }


def test_fake_private_and_ui_imports_are_found() -> None:
    fake = _fake_imports()
    assert private_imports(fake) == {
        ("skillwallet.formats.gamma", "skillwallet.verify.keys:_same_key"),
        ("skillwallet.verify.delta", "skillwallet.formats._common"),
    }
    assert core_ui_imports(fake) == {("skillwallet.formats.gamma", "rich")}
