"""The site's own renderer (shared/tools/site-render, Node), for fidelity tests and benchmarks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, SHARED

CACHE = REPO / ".cache" / "site-render"


def site_renderer() -> Path:
    """A writable copy of shared/tools/site-render with its npm packages installed."""
    src = SHARED / "tools" / "site-render"
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "render.mjs"):
        if not (CACHE / name).exists() or (CACHE / name).read_bytes() != (src / name).read_bytes():
            shutil.copyfile(src / name, CACHE / name)
    if not (CACHE / "node_modules" / "rehype-katex").is_dir():
        subprocess.run(
            # npm is npm.cmd on Windows, which a bare name does not start there
            [shutil.which("npm") or "npm", "install", "--no-audit", "--no-fund", "--silent"],
            cwd=CACHE,
            check=True,
            capture_output=True,
        )
    return CACHE / "render.mjs"


def site_html(answers: dict[str, str]) -> dict[str, str]:
    """Site HTML for stored answers (exactly as in the files: literal \\n pairs)."""
    script = site_renderer()
    lines = "".join(json.dumps({"id": k, "answer": v}) + "\n" for k, v in answers.items())
    proc = subprocess.run(
        ["node", str(script)], input=lines, capture_output=True, encoding="utf-8", check=True
    )  # node writes UTF-8 (the locale's encoding is cp1252 on Windows)
    return {row["id"]: row["html"] for row in map(json.loads, proc.stdout.splitlines())}
