"""Collection benchmark: cold index, warm reopen and search at N entries.

    .venv/bin/python bench/collection.py [N]      (makes the collection with make_collection.py)

Targets (issue 4) at 36,000 entries: cold index <= 3 s, warm reopen <= 0.5 s, search <= 50 ms.
Reference in the same run: reading every file's bytes, and parsing them all with ruamel.yaml's
C parser (events only).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_collection import make  # noqa: E402
from qteditor.core.collection import Collection  # noqa: E402
from qteditor.core.yamlspan import _events  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 36000
    folder = Path(f"/tmp/qteditor-{n}")
    make(n, folder)
    files = sorted(folder.rglob("*.md"))
    t = time.perf_counter()
    raws = [f.read_bytes() for f in files]
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    for raw in raws[:3000]:
        _events(raw.decode("utf-8").split("\n---\n", 1)[0][4:])
    events_s = (time.perf_counter() - t) * len(raws) / min(3000, len(raws))
    with tempfile.TemporaryDirectory() as cache:
        t = time.perf_counter()
        col = Collection(folder, Path(cache))
        stats = col.refresh(text=False)
        browse = time.perf_counter() - t
        col.ensure_text()
        cold = time.perf_counter() - t
        col.close()
        t = time.perf_counter()
        col = Collection(folder, Path(cache))
        col.refresh()
        warm = time.perf_counter() - t
        times = []
        for q in ["photosynthesis", "balance sheet", "cell membr", "newton", "supply demand"]:
            t = time.perf_counter()
            col.search(q)
            times.append(time.perf_counter() - t)
        keys = []  # the browser filters as you type (unranked) from the second letter on
        for word in ("photosynthesis", "the balance sheet", "newton"):
            for i in range(2, len(word) + 1):
                t = time.perf_counter()
                col.matching(word[:i])
                keys.append(time.perf_counter() - t)
        t = time.perf_counter()
        col.rows("date")
        sort_s = time.perf_counter() - t
        col.close()
    print(f"{stats.files:,} entries")
    print(f"reference: read all files        {read_s:6.2f} s")
    print(f"reference: libyaml events (est.) {events_s:6.2f} s")
    print(f"cold index, browse and checks ready {browse:6.2f} s  (target 3 s)")
    print(f"cold index, full text ready too     {cold:6.2f} s")
    print(f"warm reopen                      {warm:6.2f} s  (target 0.5 s)")
    print(f"ranked search: median {statistics.median(times) * 1000:.1f} ms, max "
          f"{max(times) * 1000:.1f} ms")
    print(f"search as you type, per keystroke: median {statistics.median(keys) * 1000:.1f} ms, "
          f"max {max(keys) * 1000:.1f} ms (target 50 ms); sort all by date {sort_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
