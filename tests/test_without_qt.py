"""qteditor.core and the CLI's headless commands work where Qt cannot be imported at all: a
process whose import system refuses PySide6 and shiboken6 imports every module of
qteditor.core and runs check, show, set and render on an entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from qteditor.core.entry import Entry
from tests.conftest import REPO

ENTRY = REPO / "resources/sample/content/learn/biology/what-are-the-main-parts-of-a-plant-cell.md"

# Put in front of every other finder: any import of PySide6 or shiboken6 (or a submodule) fails
# as it does on a machine without them, then run the code given in argv[1] with argv[2:].
NO_QT = """
import importlib.abc, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            raise ImportError(f"No module named {name!r} (blocked by the test)", name=name)
        return None

sys.meta_path.insert(0, NoQt())
code, sys.argv = sys.argv[1], sys.argv[1:]
exec(compile(code, "<test>", "exec"), {"__name__": "__main__"})
"""

IMPORT_CORE = """
import importlib, json, pkgutil, sys
import qteditor.core
names = sorted(m.name for m in pkgutil.walk_packages(qteditor.core.__path__, "qteditor.core."))
for name in names:
    importlib.import_module(name)
try:
    import PySide6
    blocked = False
except ImportError:
    blocked = True
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"modules": names, "qt": qt, "blocked": blocked}))
"""

CLI = """
import runpy
runpy.run_module("qteditor", run_name="__main__")
"""


def _run(tmp_path, code: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-c", NO_QT, code, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_core_module_imports_without_qt(tmp_path):
    proc = _run(tmp_path, IMPORT_CORE)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["blocked"], "the shim did not make PySide6 unimportable"
    assert found["qt"] == []
    on_disk = {p.stem for p in (REPO / "qteditor" / "core").glob("*.py") if p.stem != "__init__"}
    assert {name.rsplit(".", 1)[-1] for name in found["modules"]} >= on_disk


def test_headless_commands_run_without_qt(tmp_path):
    entry = tmp_path / "entry.md"
    shutil.copyfile(ENTRY, entry)
    before = Entry.load(entry).fields()

    check = _run(tmp_path, CLI, "check", "--json", str(entry))
    assert check.returncode in (0, 1) and check.stderr == "", check.stderr
    assert json.loads(check.stdout)["files"] == 1

    show = _run(tmp_path, CLI, "show", "--json", str(entry))
    assert show.returncode == 0, show.stderr
    assert json.loads(show.stdout)["fields"]["id"] == before["id"]

    done = _run(tmp_path, CLI, "set", str(entry), "id=424242", "seo.title=QuickTakes | Botany")
    assert done.returncode == 0, done.stderr
    after = Entry.load(entry).fields()
    assert after["id"] == 424242 and after["seo"]["title"] == "QuickTakes | Botany"
    assert {k: v for k, v in after.items() if k not in ("id", "seo")} == {
        k: v for k, v in before.items() if k not in ("id", "seo")
    }

    shown = _run(tmp_path, CLI, "show", "--json", str(entry))
    assert json.loads(shown.stdout)["fields"]["id"] == 424242

    render = _run(tmp_path, CLI, "render", "--fragment", str(entry))
    assert render.returncode == 0, render.stderr
    assert "<p>" in render.stdout

    for proc in (check, show, done, shown, render):
        assert "PySide6" not in proc.stderr and "Traceback" not in proc.stderr
