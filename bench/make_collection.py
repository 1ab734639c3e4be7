"""Make an N-entry collection from the shared corpus (same files, new names) for benchmarks.

    .venv/bin/python bench/make_collection.py N [OUT]     (OUT defaults to /tmp/qteditor-N)
"""

from __future__ import annotations

import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "quicktakes"


def make(n: int, out: Path) -> Path:
    files = sorted(SHARED.glob("*/*.md"))
    root = out / "content" / "learn"
    for i in range(n):
        src = files[i % len(files)]
        copy = i // len(files)
        folder = root / src.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        name = src.name if copy == 0 else f"{src.stem}-{copy}.md"
        target = folder / name
        if not target.exists():
            target.write_bytes(src.read_bytes())
    return out


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 36000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/qteditor-{n}")
    print(make(n, out))
