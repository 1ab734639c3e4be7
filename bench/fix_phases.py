"""Where `qteditor fix --dry-run` spends its time, phase by phase, in this process, beside a
reference measured in the same run (reading every file of the collection).

    .venv/bin/python bench/fix_phases.py [COLLECTION] [--cache DIR]

COLLECTION defaults to /tmp/qteditor-36000 (bench/make_collection.py makes it). The index is
warmed first (a refresh and a check), then the dry run's plan is timed with each phase's
inclusive time: the records, the index's check, the files read, the contexts built, the
settling rounds, the checks after, the patches, the rendering (which overlaps the planner's
last loop when cores are idle).
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _timed(acc: dict[str, float], obj: Any, name: str, label: str) -> None:
    real = getattr(obj, name)

    @functools.wraps(real)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            acc[label] = acc.get(label, 0.0) + time.perf_counter() - start

    setattr(obj, name, wrapper)


def _read_every_file(root: Path) -> float:
    start = time.perf_counter()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), "rb") as f:
                    f.read()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("collection", nargs="?", default="/tmp/qteditor-36000")
    parser.add_argument("--cache", help="XDG_CACHE_HOME for the index (default: a fresh one)")
    args = parser.parse_args()
    os.environ["XDG_CACHE_HOME"] = args.cache or tempfile.mkdtemp(prefix="fix-phases-")
    from qteditor.core import collection, fixes, workspace

    site = Path(args.collection)
    ws = workspace.Workspace.for_folder(site)
    ws.refresh()
    ws.check()
    reference = _read_every_file(site)
    acc: dict[str, float] = {}
    wraps: list[tuple[Any, str, str]] = [
        (collection.Collection, "records", "records"),
        (workspace.Workspace, "check", "the index's check"),
        (fixes.FixPlanner, "_read", "files read from disk"),
        (fixes, "build_context", "contexts"),
        (fixes.FixPlanner, "_settle", "settling rounds"),
        (fixes, "check_record", "checks (rounds and after)"),
        (fixes, "json_patch", "patches"),
        (fixes, "_render_all", "rendering (and the last loop)"),
    ]
    for obj, name, label in wraps:
        _timed(acc, obj, name, label)
    start = time.perf_counter()
    plan = workspace.Workspace.for_folder(site).plan_fix_all(None)
    total = time.perf_counter() - start
    print(f"reference: read every file in this process {reference:6.2f} s")
    print(f"plan of fix --dry-run: {total:6.2f} s, {len(plan.changes):,} files to change")
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, seconds in acc.items():
        print(f"  {label:32s} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
