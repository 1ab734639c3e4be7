"""The YAML engine has one public face: everything outside the package imports from
``qteditor.core.yaml``, no private name crosses a module boundary, the old modules are gone,
and the writer loads on the first save, not with the package."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import qteditor.core.yaml as face

REPO = Path(__file__).resolve().parents[3]
PACKAGE = "qteditor.core.yaml"
OLD = ("qteditor.core.yamlspan", "qteditor.core.splice", "qteditor.core.emit", "qteditor.core.scanner")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path):
    """(module imported from, names) of every import in a file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]  # the package a module is in
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            yield node, module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, []


def _sources():
    for folder in ("qteditor", "tests", "bench", "scripts"):
        yield from sorted((REPO / folder).rglob("*.py"))


def test_every_public_name_is_on_the_face():
    for name in face.__all__:
        assert getattr(face, name) is not None, name
    namespace: dict = {}
    exec(f"from {PACKAGE} import *", namespace)
    assert set(face.__all__) <= set(namespace)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_of_the_engine_crosses_a_module():
    """Not imported (``from .spans import _x``), nor reached through a module (``spans._x``)."""
    submodules = {p.stem for p in (REPO / "qteditor/core/yaml").glob("*.py")} - {"__init__"}
    crossings = []
    for path in _sources():
        inside = _module_name(path).startswith(PACKAGE)
        engine_modules = set()  # local names of the engine's modules in this file
        for node, module, names in _imports(path):
            private = [n for n in names if _private(n)]
            from_engine = module.startswith(PACKAGE) or module == "qteditor.core.document"
            if private and (from_engine or (inside and module.startswith("qteditor"))):
                crossings.append(f"{path.relative_to(REPO)}:{node.lineno}: {module} {private}")
            if module == PACKAGE:
                engine_modules |= {a.asname or a.name for a in node.names if a.name in submodules}
            elif module.startswith(PACKAGE) and isinstance(node, ast.Import):
                engine_modules |= {a.asname for a in node.names if a.asname}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in engine_modules
                and _private(node.attr)
            ):
                crossings.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert crossings == []


def test_outside_the_package_qteditor_uses_only_the_face():
    reached = []
    for path in sorted((REPO / "qteditor").rglob("*.py")):
        if _module_name(path).startswith(PACKAGE):
            continue
        for node, module, names in _imports(path):
            if (
                module.startswith(PACKAGE + ".")
                or module in OLD
                or (module == PACKAGE and set(names) - set(face.__all__))
            ):
                reached.append(f"{path.relative_to(REPO)}:{node.lineno}: {module} {names}")
    assert reached == []


def test_the_old_modules_are_gone():
    for name in OLD:
        assert importlib.util.find_spec(name) is None, name


@pytest.mark.parametrize("name, module", [("Writer", "writer"), ("scan", "scanner")])
def test_the_writer_and_scanner_load_on_first_use_not_with_the_package(name, module):
    later = ("writer", "conventions", "emit", "scanner")
    probe = (
        f"import sys, {PACKAGE} as y\n"
        f"print([m for m in {later!r} if '{PACKAGE}.' + m in sys.modules])\n"
        f"y.{name}\n"
        f"print('{PACKAGE}.{module}' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
