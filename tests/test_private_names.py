"""No private name crosses a module: what one module uses of another's objects is public (the
YAML engine's own rule, ``tests/core/yaml/test_api.py``, for the whole package)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "qteditor"
# the standard library's own private names, used on purpose (the app's last exit, explained there)
ALLOWED = {"atexit._run_exitfuncs", "os._exit"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def crossings(package: Path) -> list[str]:
    """``obj._name`` on anything but ``self``/``cls``, where the file does not define ``_name``
    itself; and every ``obj._name = …`` (an attribute hung on another module's object)."""
    out = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                own.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                    own.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                own.add(node.id)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            text = ast.unparse(node)
            if text in ALLOWED or (node.attr in own and not isinstance(node.ctx, ast.Store)):
                continue
            out.append(f"{path.relative_to(package.parent)}:{node.lineno}: {text}")
    return out


def test_no_private_name_crosses_a_module():
    assert crossings(PACKAGE) == []


def test_the_check_finds_a_crossing(tmp_path):
    package = tmp_path / "qteditor"
    package.mkdir()
    (package / "a.py").write_text(
        "class A:\n    def _own(self):\n        return self._own\n\n\ndef f(window, schema):\n"
        "    schema._cache = 1\n    return window._refresh()\n"
    )
    assert crossings(package) == ["qteditor/a.py:7: schema._cache", "qteditor/a.py:8: window._refresh"]
