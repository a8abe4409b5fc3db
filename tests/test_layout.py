"""The package's shape: no import cycles, and the gazetteer a library that knows nothing of mapper."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports() -> dict[str, set[str]]:
    """module -> the project modules it imports (at the top or inside functions)."""
    mods = {}
    for pkg in ("mapper", "gazetteer"):
        for f in (ROOT / pkg).rglob("*.py"):
            name = ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            mods[name] = f
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, f in mods.items():
        pkg = name if f.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = pkg.split(".")[:len(pkg.split(".")) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                targets = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in mods and t != name and not name.startswith(t + ".")}
    return graph


def test_no_module_imports_itself_round_a_cycle():
    graph = _imports()
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        assert m not in path, " -> ".join(path[path.index(m):] + [m])
        if m in done:
            return
        for t in sorted(graph[m]):
            visit(t, path + [m])
        done.add(m)

    for m in sorted(graph):
        visit(m, [])


def test_the_gazetteer_imports_nothing_of_mapper():
    assert [(m, t) for m, ts in _imports().items() if m.startswith("gazetteer") for t in ts if t.startswith("mapper")] == []
