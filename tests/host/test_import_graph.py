"""The host package's modules import each other in one direction only: no cycle, lazy imports
inside functions included, and no module takes another's private names."""

import ast

from paths import ROOT

PACKAGE = ROOT / "tools" / "smartkey"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = ast.parse(path.read_text(), str(path))
    return found


MODULES = _modules()


def _imports(tree: ast.Module):
    """(module, names taken from it) for each import of the package in ``tree``; ``from a
    import b`` where ``a.b`` is a module is an import of ``a.b``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, ()
                else:
                    yield node.module, (alias.name,)


def _graph() -> dict[str, set[str]]:
    return {
        name: {target for target, _ in _imports(tree) if target in MODULES and target != name}
        for name, tree in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_cycle():
    assert _cycles(_graph()) == []


def test_no_module_imports_another_modules_private_names():
    crossing = [
        f"{name} takes {taken} from {target}"
        for name, tree in MODULES.items()
        for target, names in _imports(tree)
        for taken in names
        if target in MODULES and taken.startswith("_") and not taken.startswith("__")
    ]
    assert crossing == []
