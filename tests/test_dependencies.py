"""The dependency lists in pyproject.toml say what the code imports: nothing unused, nothing missing.

Read from the code itself (``ast``, so conditional and function-level imports count) and mapped to
distributions with ``importlib.metadata``:

* a declared dependency that no code of its group imports is an error (weight and confusion);
* a third-party import whose distribution is not declared is an error; when that distribution is only there
  because a declared one requires it (a transitive dependency), the message says so: it can vanish with any
  upgrade of the package that brings it.

``[project] dependencies`` are checked against ``src/``; the ``test`` extra against ``tests/`` and
``benchmarks/``, which may also use the main dependencies.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Mapping

ROOT = Path(__file__).resolve().parent.parent

# group -> folders whose code may use it (a later group may also use every earlier one)
GROUPS = {"main": ("src",), "test": ("tests", "benchmarks")}

# Declared but never imported, on purpose: what loads each instead.
NOT_IMPORTED = {
    "pytest-xdist": "pytest plugin: loaded by pytest itself for `-n 2` (Makefile `make test`, .ci/run)",
}


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name: ``Zxing_CPP`` -> ``zxing-cpp``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject: Mapping) -> dict[str, set[str]]:
    """group -> normalised distribution names, from ``[project]`` and its ``optional-dependencies``."""
    project = pyproject["project"]
    lists = {"main": project.get("dependencies", [])}
    lists.update(project.get("optional-dependencies", {}))
    pattern = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
    return {group: {normalise(pattern.match(spec).group(1)) for spec in specs} for group, specs in lists.items()}


def imports_in(paths: Iterable[Path]) -> dict[str, set[Path]]:
    """Top-level module name -> the files importing it (absolute imports only; relative ones are local)."""
    found: dict[str, set[Path]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path)
    return found


def local_modules(folders: Iterable[Path]) -> set[str]:
    """Names importable from the folders themselves (test helpers, ``fixtures`` packages, benchmark modules)."""
    names: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix == ".py":
                names.add(path.stem)
            elif path.is_dir():
                names.add(path.name)
    return names


@dataclass
class Environment:
    """What is installed: module -> distributions providing it, and distribution -> distributions it requires."""

    providers: Mapping[str, list[str]]
    requires: Callable[[str], set[str]]


def installed_environment() -> Environment:
    def requires(distribution: str) -> set[str]:
        try:
            specs = metadata.requires(distribution) or []
        except metadata.PackageNotFoundError:
            return set()
        pattern = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
        # extras' requirements ("; extra == ...") are not installed by the plain requirement
        return {normalise(pattern.match(s).group(1)) for s in specs if "extra ==" not in s.replace('"', "").replace("'", "")}

    return Environment(metadata.packages_distributions(), requires)


def dependency_problems(
    pyproject: Mapping,
    code: Mapping[str, list[Path]],
    environment: Environment,
    *,
    first_party: set[str],
    not_imported: Mapping[str, str] = NOT_IMPORTED,
) -> list[str]:
    """Every mismatch between the declared groups and the imports of each group's ``code``, one line each."""
    groups = declared(pyproject)
    problems: list[str] = []
    allowed: set[str] = set()
    for group, files in code.items():
        own = groups.get(group, set())
        allowed |= own
        used: set[str] = set()
        for module, where in sorted(imports_in(files).items()):
            if module in sys.stdlib_module_names or module in first_party or module == "__future__":
                continue
            distributions = {normalise(d) for d in environment.providers.get(module, [])}
            example = min(str(p) for p in where)
            if not distributions:
                problems.append(f"{group}: `import {module}` ({example}) is not provided by any installed distribution")
                continue
            if distributions & allowed:
                used |= distributions & own
                continue
            via = sorted(d for d in allowed if distributions & environment.requires(d))
            name = sorted(distributions)[0]
            if via:
                problems.append(
                    f"{group}: `import {module}` ({example}) relies on {name}, installed only as a dependency of "
                    f"{', '.join(via)}: declare it"
                )
            else:
                problems.append(f"{group}: `import {module}` ({example}) needs {name}, which is not declared")
        for distribution in sorted(own - used):
            if distribution not in not_imported:
                problems.append(f"{group}: {distribution} is declared but nothing in its code imports it")
    for group in sorted(set(groups) - set(code)):
        problems.append(f"{group}: an extra with no code to check it against (add its folders to GROUPS)")
    for distribution in sorted(set(not_imported) - set().union(*groups.values())):
        problems.append(f"{distribution} is listed as declared-but-not-imported, but is not declared at all")
    return problems


def project_code() -> dict[str, list[Path]]:
    return {group: sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py")) for group, folders in GROUPS.items()}


def test_declared_dependencies_match_the_imports() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    first_party = {"skillwallet"} | local_modules(ROOT / f for f in GROUPS["test"])
    problems = dependency_problems(pyproject, project_code(), installed_environment(), first_party=first_party)
    assert problems == [], "\n".join(problems)


def test_the_check_finds_an_unused_declaration_an_undeclared_and_a_transitive_import(tmp_path: Path) -> None:
    package = tmp_path / "src" / "fakepkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "import json\n"
        "import declaredlib.sub\n"
        "from fakepkg import helpers\n"
        "def later():\n"
        "    import undeclaredlib  # a function-level import counts too\n"
        "    from transitivelib.deep import thing\n",
        encoding="utf-8",
    )
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_fake.py").write_text("import declaredlib\nimport testlib\nimport test_helpers\n", encoding="utf-8")
    (tests / "test_helpers.py").write_text("", encoding="utf-8")
    pyproject = {
        "project": {
            "dependencies": ["Declared_Lib>=1", "unused-lib[extra]>=2; python_version>'3'"],
            "optional-dependencies": {"test": ["testlib==1.0", "unused-test-lib"]},
        }
    }
    environment = Environment(
        providers={
            "declaredlib": ["Declared.Lib"],
            "undeclaredlib": ["undeclared-lib"],
            "transitivelib": ["transitive-lib"],
            "testlib": ["TestLib"],
        },
        requires=lambda distribution: {"transitive-lib"} if distribution == "declared-lib" else set(),
    )
    code = {"main": sorted(package.rglob("*.py")), "test": sorted(tests.rglob("*.py"))}
    problems = dependency_problems(
        pyproject, code, environment, first_party={"fakepkg"} | local_modules([tests]), not_imported={}
    )
    assert len(problems) == 4, problems
    assert any("import transitivelib" in p and "dependency of declared-lib" in p for p in problems)
    assert any("import undeclaredlib" in p and "undeclared-lib, which is not declared" in p for p in problems)
    assert "main: unused-lib is declared but nothing in its code imports it" in problems
    assert "test: unused-test-lib is declared but nothing in its code imports it" in problems

    # declaring what is used and dropping what is not makes it pass
    pyproject["project"]["dependencies"] = ["declared-lib", "undeclared-lib", "transitive-lib"]
    pyproject["project"]["optional-dependencies"]["test"] = ["testlib"]
    assert dependency_problems(pyproject, code, environment, first_party={"fakepkg", "test_helpers"}, not_imported={}) == []


def test_an_extra_without_code_to_check_is_reported() -> None:
    pyproject = {"project": {"dependencies": [], "optional-dependencies": {"docs": ["sphinx"]}}}
    environment = Environment(providers={}, requires=lambda distribution: set())
    problems = dependency_problems(pyproject, {"main": []}, environment, first_party=set(), not_imported={})
    assert problems == ["docs: an extra with no code to check it against (add its folders to GROUPS)"]


def test_a_stale_not_imported_entry_is_reported() -> None:
    pyproject = {"project": {"dependencies": []}}
    environment = Environment(providers={}, requires=lambda distribution: set())
    problems = dependency_problems(pyproject, {"main": []}, environment, first_party=set(),
                                   not_imported={"gone-plugin": "was a pytest plugin"})
    assert problems == ["gone-plugin is listed as declared-but-not-imported, but is not declared at all"]
