"""Core's modules import one another without a circle, so each part can be read, tested and moved alone;
every plugin imports ``contracts`` and the standard library only.

Imports under ``if TYPE_CHECKING:`` count too: a module that needs another's types to be understood
depends on it. The layer rules (contracts → core → plugins and adapters) are import-linter contracts in
pyproject.toml.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"


def _imports() -> dict[str, set[str]]:
    graph = grimp.build_graph("core", exclude_type_checking_imports=False, cache_dir=None)
    return {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (or a module importing itself), by Tarjan."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(edges[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1 or module in edges[module]:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def _describe(group: list[str], edges: dict[str, set[str]]) -> str:
    inside = set(group)
    lines = [f"circle of {len(group)} modules:"]
    lines += [f"  {m} -> {', '.join(sorted(edges[m] & inside))}" for m in group]
    return "\n".join(lines)


def test_no_import_circle_inside_core() -> None:
    edges = _imports()
    circles = _circles(edges)
    assert not circles, "\n".join(_describe(group, edges) for group in circles)


def test_the_circle_finder_sees_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _circles(edges) == [["a", "b", "c"], ["e"]]


def test_every_plugin_imports_contracts_and_the_standard_library_only() -> None:
    plugins = sorted(p.parent.name for p in PLUGINS.glob("*/__init__.py"))
    assert len(plugins) >= 4, plugins
    crossing = []
    for path in sorted(PLUGINS.glob("**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            top = {n.split(".")[0] for n in names}
            crossing += [f"{path.relative_to(PLUGINS)}: {t}" for t in sorted(top) if not _allowed(t)]
    assert not crossing, crossing


def _allowed(top: str) -> bool:
    return top == "contracts" or top == "__future__" or top in sys.stdlib_module_names
