"""The package's layout holds: wings import only the wings below them, no import circle, a small
top level, and the README and the development page name every wing there is."""

from __future__ import annotations

import ast

from conftest import REPO

PACKAGE = REPO / "src" / "stancekit"
#: From the bottom up; a module may import its own wing and any wing of a lower rank.
RANKS = {
    "leaf": 0,
    "io": 1,
    "data": 2,
    "model": 3,
    "scoring": 4,
    "evaluation": 5,
    "trends": 5,
    "annotate": 6,
    "cli": 7,
    "face": 8,
}
LEAVES = {"errors", "labels", "language", "params", "_version"}


def _wing(module: str) -> str:
    parts = module.split(".")
    if parts == ["stancekit"] or parts[1] == "__main__":
        return "face"
    return "leaf" if parts[1] in LEAVES else parts[1]


def _imports() -> dict[str, set[str]]:
    """Module -> the stancekit modules it imports (``from a import b`` imports ``a.b`` when that
    is a module, else ``a``)."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        targets = found.setdefault(module, [])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.append((node.module, [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                targets.extend((a.name, []) for a in node.names)
    modules = set(found)
    graph: dict[str, set[str]] = {}
    for module, imports in found.items():
        edges = graph.setdefault(module, set())
        for source, names in imports:
            submodules = {f"{source}.{name}" for name in names} & modules
            if submodules:
                edges |= submodules
            if len(submodules) < len(names) or not names:
                edges.add(source)
        edges &= modules
        edges.discard(module)
    return graph


def test_every_top_level_name_is_a_wing_or_a_leaf() -> None:
    tops = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    wings = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert tops == LEAVES
    assert wings == set(RANKS) - {"leaf", "face"}
    assert len(tops) + 2 <= 10


def test_no_wing_imports_a_wing_above_it() -> None:
    """Nor one beside it: evaluation and trends stand side by side and know nothing of each
    other."""
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _imports().items()
        for target in targets
        if RANKS[_wing(target)] > RANKS[_wing(module)]
        or (RANKS[_wing(target)] == RANKS[_wing(module)] and _wing(target) != _wing(module))
    )
    assert upward == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = _imports()
    for module in graph:  # the package face re-exports lazily; its arrows point down only
        graph[module] = {t for t in graph[module] if t != "stancekit"}
    state: dict[str, int] = {}
    circles: list[str] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_readme_and_the_development_page_name_every_wing() -> None:
    wings = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    development = (REPO / "docs" / "development.md").read_text(encoding="utf-8")
    assert [w for w in wings if f"| `{w}/` |" not in readme] == []
    assert [w for w in wings if f"\n{w}/" not in development] == []
