"""basewatch's modules import each other without cycles, and the library never imports the CLI.

Every import counts, including those inside functions (a lazy import is still a dependency); imports
under `if TYPE_CHECKING:` and in a package's lazy `__getattr__` do not.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in (SRC / "basewatch").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ignored = {id(m) for n in ast.walk(tree)
                   if (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))
                   or (isinstance(n, ast.FunctionDef) and n.name == "__getattr__") for m in ast.walk(n)}
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in ignored:
                continue
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checker_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_library_does_not_import_the_cli() -> None:
    graph = _graph()
    offenders = sorted(m for m, deps in graph.items() if not m.startswith(("basewatch.cli", "basewatch.__main__"))
                       and any(d.startswith("basewatch.cli") for d in deps))
    assert offenders == []


def test_no_test_turns_any_exception_into_a_skip() -> None:
    """A broken reader must fail its tests, not skip them (issue 9)."""
    offenders = []
    for path in Path(__file__).parent.rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            broad = isinstance(node, ast.ExceptHandler) and node.type is not None and ast.unparse(node.type) in (
                "Exception", "BaseException", "ImportError", "ModuleNotFoundError")
            if broad and any("skip" in ast.unparse(n) for n in node.body):  # type: ignore[attr-defined]
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
