"""Run firmware sources in a module namespace of their own, one per virtual board.

The firmware and the Adafruit drivers are executed from their source files, as CircuitPython
does, with ``import`` resolved by :class:`FirmwareImporter`:

* CircuitPython's hardware modules (``board``, ``busio``, ``time``, ``os`` …) are the board's
  fakes, fresh for each board, so two boards never share state;
* the firmware and device libraries come from the drive, then ``lib/``, then (for the libraries
  named in ``lib/requirements.txt`` only) from the host's installed copies;
* a few pure modules that CircuitPython also has are the host's own;
* anything else raises ImportError, as on the device — so ``typing`` is missing there too.

Sources are compiled with postponed annotations: MicroPython never evaluates annotations, and the
drivers annotate with names (``busio.I2C``, ``ReadableBuffer``) that only exist on a type checker.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import importlib
import importlib.util
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

# Pure modules CircuitPython has too; the host's implementation stands in for them.
HOST_MODULES = frozenset(
    {"__future__", "array", "binascii", "collections", "errno", "io", "json", "math", "random"}
    | {"re", "struct"}
)
_FLAGS = __future__.annotations.compiler_flag
_code_cache: dict[tuple[str, int], types.CodeType] = {}


def compile_source(path: Path) -> types.CodeType:
    """Compile a firmware/driver file as the board would run it (cached by modification time)."""
    key = (str(path), path.stat().st_mtime_ns)
    code = _code_cache.get(key)
    if code is None:
        code = compile(path.read_bytes(), str(path), "exec", flags=_FLAGS, dont_inherit=True)
        _code_cache[key] = code
    return code


def host_library_dirs(names: Iterable[str]) -> dict[str, Path]:
    """Where the host has each named device library installed: {top-level name: directory}."""
    found = {}
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            origin = Path(spec.origin)
            found[name] = origin.parent.parent if origin.name == "__init__.py" else origin.parent
        elif spec is not None and spec.submodule_search_locations:
            found[name] = Path(next(iter(spec.submodule_search_locations))).parent
    return found


class FirmwareImporter:
    """An ``__import__`` for one board: its fakes, its drive, its device libraries."""

    def __init__(
        self,
        search_path: list[Path],
        fakes: Mapping[str, types.ModuleType],
        host_libraries: Mapping[str, Path],
        overrides: Mapping[str, Callable[..., Any]],
    ) -> None:
        self.search_path = search_path
        self.fakes = fakes
        self.host_libraries = host_libraries
        self.modules: dict[str, types.ModuleType] = {}
        self.builtins = dict(vars(builtins))
        self.builtins.update(overrides)
        self.builtins["__import__"] = self._import

    def run(self, path: Path) -> None:
        """Execute a script (boot.py, code.py) as ``__main__``."""
        namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": self.builtins}
        exec(compile_source(path), namespace)

    def _import(
        self,
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: Iterable[str] | None = (),
        level: int = 0,
    ) -> types.ModuleType:
        if level:
            package = (globals or {}).get("__package__") or ""
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            name = base + "." + name if name else base
        module = self.load(name)
        if not fromlist:
            return self.modules[name.partition(".")[0]]
        for attribute in fromlist:
            if attribute != "*" and not hasattr(module, attribute) and hasattr(module, "__path__"):
                # If there is no such submodule, `from x import y` fails with the usual error.
                with contextlib.suppress(ImportError):
                    self.load(name + "." + attribute)
        return module

    def load(self, name: str) -> types.ModuleType:
        module = self.modules.get(name)
        if module is not None:
            return module
        parent_name, _, child = name.rpartition(".")
        parent = self.load(parent_name) if parent_name else None
        if name in self.fakes:
            module = self.fakes[name]
        elif name.partition(".")[0] in HOST_MODULES:
            module = importlib.import_module(name)
        else:
            module = self._execute(name, parent_name)
        self.modules[name] = module
        if parent is not None:
            setattr(parent, child, module)
        return module

    def _execute(self, name: str, parent_name: str) -> types.ModuleType:
        found = self._find(name)
        if found is None:
            raise ImportError(f"no module named '{name}'")
        path, package_dir = found
        module = types.ModuleType(name)
        module.__file__ = str(path) if path else None
        module.__package__ = name if package_dir else parent_name
        if package_dir:
            module.__path__ = [str(package_dir)]
        module.__dict__["__builtins__"] = self.builtins
        self.modules[name] = module  # before running it, for circular imports
        try:
            if path:
                exec(compile_source(path), module.__dict__)
        except BaseException:
            del self.modules[name]
            raise
        return module

    def _find(self, name: str) -> tuple[Path | None, Path | None] | None:
        parts = name.split(".")
        roots = list(self.search_path)
        host = self.host_libraries.get(parts[0])
        if host is not None:
            roots.append(host)
        for root in roots:
            target = root.joinpath(*parts)
            if (target / "__init__.py").is_file():
                return target / "__init__.py", target
            if target.with_suffix(".py").is_file():
                return target.with_suffix(".py"), None
            if target.is_dir() and len(parts) == 1 and root in self.search_path:
                return None, target  # a directory is a package on CircuitPython
            if target.is_dir() and len(parts) > 1:
                return None, target
        return None
