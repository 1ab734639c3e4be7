"""Round-trip benchmark: load and one-field save, beside vanilla ruamel.yaml in the same run.

    .venv/bin/python bench/roundtrip.py [--repeat N]

Targets (issue #2): load <= 5 ms and save <= 1 ms for a typical entry; save <= 20 ms for an
entry with a 1 MB answer. "save" is the in-memory work (splice + verification re-parse);
"save+fsync" adds the atomic write to disk.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruamel.yaml import YAML

from qteditor.core.document import split
from qteditor.core.entry import Entry
from qteditor.core.yaml import LIBYAML

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "quicktakes"


def typical_entry() -> Path:
    """The stratified-random corpus file closest to the median size."""
    rows = [line.split("\t") for line in (SHARED / "MANIFEST.tsv").read_text().splitlines()[1:]]
    rows = [r for r in rows if r[-1] == "stratified-random"]
    sizes = sorted(int(r[1]) for r in rows)
    median = sizes[len(sizes) // 2]
    best = min(rows, key=lambda r: abs(int(r[1]) - median))
    return SHARED / best[0]


def timeit(fn, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def vanilla(raw: bytes) -> tuple[float, float]:
    text = split(raw).yaml
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096
    data = yaml.load(text)

    def load():
        yaml.load(text)

    def dump():
        yaml.dump(data, io.StringIO())

    return load, dump


def measure(name: str, raw: bytes, edit, repeat: int, folder: Path) -> list[tuple]:
    entry = Entry.from_bytes(raw, "bench.md")
    fields = entry.fields()
    edit(fields)
    load_ms = timeit(lambda: Entry.from_bytes(raw, "bench.md"), repeat)
    save_ms = timeit(lambda: entry.render(fields), repeat)
    path = folder / "bench.md"

    def save_to_disk():
        path.write_bytes(raw)
        e = Entry.load(path)
        e.save(fields)

    disk_ms = timeit(save_to_disk, max(5, repeat // 10)) - timeit(lambda: Entry.load(path), repeat)
    v_load, v_dump = vanilla(raw)
    return [
        (name, "load", load_ms, timeit(v_load, max(3, repeat // 5))),
        (name, "one-field save", save_ms, timeit(v_dump, max(3, repeat // 5))),
        (name, "save+fsync", disk_ms, None),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    typical = typical_entry()
    raw = typical.read_bytes()
    answer = Entry.from_bytes(raw).data["answer"]
    big_answer = (answer + "\\n\\n") * (1_000_000 // (len(answer) + 4) + 1)
    big_answer = big_answer[:1_000_000].rstrip("\\")
    entry = Entry.from_bytes(raw)
    fields = entry.fields()
    fields["answer"] = big_answer.replace("\\n", "\n")
    big_raw = entry.render(fields)[0]

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows += measure(
            f"typical ({len(raw):,} B)",
            raw,
            lambda f: f.__setitem__("title", f["title"] + " (edited)"),
            args.repeat,
            folder,
        )
        rows += measure(
            f"1 MB answer ({len(big_raw):,} B)",
            big_raw,
            lambda f: f.__setitem__("answer", f["answer"] + "\nOne more line."),
            max(10, args.repeat // 20),
            folder,
        )
        rows += measure(
            "1 MB answer, other field",
            big_raw,
            lambda f: f.__setitem__("subject", "Edited"),
            max(10, args.repeat // 20),
            folder,
        )
    parser = "libyaml (ruamel.yaml.clib)" if LIBYAML else "pure Python"
    print(f"parser: {parser}; typical entry: {typical.relative_to(SHARED)}")
    print(f"{'entry':32} {'operation':16} {'qteditor ms':>12} {'vanilla ruamel ms':>18}")
    for name, op, ours, ref in rows:
        ref_text = f"{ref:18.3f}" if ref is not None else f"{'-':>18}"
        print(f"{name:32} {op:16} {ours:12.3f} {ref_text}")
    print(
        "vanilla ruamel: YAML(typ='rt', pure=True) load / dump of the same front matter "
        "(its dump is not byte-identical; shown for scale)"
    )


if __name__ == "__main__":
    main()
