"""resources/ is found from an installed wheel too (not only from a source checkout)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile

from tests.conftest import REPO, bare_env


def test_wheel_carries_resources_and_finds_them(tmp_path):
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(REPO)]
    if importlib.util.find_spec("setuptools") is not None:
        import setuptools

        if int(setuptools.__version__.split(".")[0]) >= 68:  # else pip fetches a new one
            cmd.insert(4, "--no-build-isolation")
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    wheel = next((tmp_path / "dist").glob("qteditor-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        zf.extractall(site)
    assert "qteditor/resources/schema/quicktakes.yaml" in names
    sources = {p.relative_to(REPO).as_posix() for p in (REPO / "qteditor").rglob("*.py")}
    assert sources - set(names) == set(), "every module of the source tree is in the wheel"
    assert "qteditor/resources/templates/quicktakes.md" in names
    assert any(n.startswith("qteditor/resources/sample/content/learn/") for n in names)
    assert "qteditor/docs/guide.md" in names  # the Help menu's guide, with its screenshots
    shots = {n.rsplit("/", 1)[1] for n in names if n.startswith("qteditor/docs/screenshots/")}
    import re

    wanted = set(re.findall(r"screenshots/([\w.-]+\.png)", (REPO / "docs" / "guide.md").read_text("utf-8")))
    assert wanted and wanted <= shots
    assert not any(n.startswith("qteditor/docs/") and n.endswith("performance.md") for n in names)
    probe = (
        "from qteditor.core.resources import resource_dir; "
        "from qteditor.core.schema import default_schema; "
        "print(resource_dir()); print(default_schema().name)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=bare_env(PYTHONPATH=str(site)),
        check=True,
    ).stdout
    where, name = out.splitlines()
    assert where == str(site / "qteditor" / "resources")
    assert name == "QuickTakes Q&A entry"
