"""The packages of collective.psc import each other in one direction only."""

from pathlib import Path

import ast
import collective.psc
import pytest


PACKAGE = Path(collective.psc.__file__).parent


def unit_of(module: str) -> str | None:
    """Return the top-level package or module of collective.psc a name is in."""
    parts = module.split(".")
    if parts[:2] != ["collective", "psc"] or len(parts) < 3:
        return None
    name = parts[2]
    exists = (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").exists()
    return name if exists else None


def import_graph() -> dict[str, set[str]]:
    """Return, for each unit of the package, the other units it imports."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative == Path("__init__.py"):
            continue
        source = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                target = unit_of(name)
                if target and target != source:
                    graph.setdefault(source, set()).add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Return the strongly connected groups of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_finds_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]


def test_the_graph_sees_known_imports():
    graph = import_graph()
    assert "services" in graph["upload"]
    assert "content" in graph["types"]


def test_no_import_cycle_between_packages():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    "leaf",
    ["constants", "events", "exceptions", "interfaces", "permissions", "accept"],
)
def test_leaf_modules_import_only_leaves(leaf):
    allowed = {"constants", "exceptions", "interfaces", "i18n", "permissions"}
    assert import_graph().get(leaf, set()) <= allowed


TESTS = Path(__file__).parent


def imports_between_tests(path: Path) -> list[str]:
    """Return the modules of tests/ a test file imports that are tests or conftests."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            last = module.rsplit(".", 1)[-1]
            if module.startswith("tests.") and (
                last.startswith("test_") or last == "conftest"
            ):
                found.append(module)
    return found


def test_the_test_import_check_sees_a_test_module(tmp_path):
    path = tmp_path / "test_example.py"
    path.write_text("from tests.simple.test_views import run\nimport tests.fixtures\n")
    assert imports_between_tests(path) == ["tests.simple.test_views"]


def test_tests_share_code_only_through_fixture_modules():
    """No test module or conftest imports another; shared code is in tests/fixtures."""
    offenders = {
        str(path.relative_to(TESTS)): imports_between_tests(path)
        for path in TESTS.rglob("*.py")
    }
    assert {path: found for path, found in offenders.items() if found} == {}


def test_no_fixture_is_imported_to_be_shadowed():
    """Fixtures come from conftest and plugins, never re-exported with noqa."""
    markers = [f"noqa: {code}" for code in ("F401", "F811")]
    marked = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any(marker in line for marker in markers)
    ]
    assert marked == []
