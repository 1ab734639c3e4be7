"""The site's own renderer (shared/tools/site-render, Node), for fidelity tests and benchmarks."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.conftest import REPO, SHARED

CACHE = REPO / ".cache" / "site-render"
FILES = ("package.json", "render.mjs")


def site_renderer() -> Path:
    """A copy of shared/tools/site-render with its npm packages installed, complete or absent.

    Test workers (pytest-xdist) start at once: each one that finds no finished copy installs
    its own in a private folder and renames it into place, so no worker ever runs a copy whose
    npm install is still under way (a worker that saw the packages' folder appear mid-install
    ran node on half a tree).
    """
    src = SHARED / "tools" / "site-render"
    stamp = hashlib.sha256(b"".join((src / name).read_bytes() for name in FILES)).hexdigest()[:12]
    ready = CACHE / stamp
    if not (ready / "render.mjs").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="installing-", dir=CACHE))
        for name in FILES:
            shutil.copyfile(src / name, work / name)
        proc = subprocess.run(
            # npm is npm.cmd on Windows, which a bare name does not start there
            [shutil.which("npm") or "npm", "install", "--no-audit", "--no-fund", "--silent"],
            cwd=work,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            shutil.rmtree(work, ignore_errors=True)
            raise RuntimeError(f"npm install of the site renderer failed:\n{proc.stderr[-4000:]}")
        try:
            os.rename(work, ready)
        except OSError:  # another worker's finished copy is there first: use that one
            shutil.rmtree(work, ignore_errors=True)
    return ready / "render.mjs"


def site_html(answers: dict[str, str]) -> dict[str, str]:
    """Site HTML for stored answers (exactly as in the files: literal \\n pairs)."""
    script = site_renderer()
    lines = "".join(json.dumps({"id": k, "answer": v}) + "\n" for k, v in answers.items())
    proc = subprocess.run(
        ["node", str(script)], input=lines, capture_output=True, encoding="utf-8"
    )  # node writes UTF-8 (the locale's encoding is cp1252 on Windows)
    if proc.returncode != 0:
        raise RuntimeError(f"the site renderer failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return {row["id"]: row["html"] for row in map(json.loads, proc.stdout.splitlines())}
