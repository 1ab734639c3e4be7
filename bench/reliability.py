"""Reliability runs longer than the suite's: saves killed at random moments, and fuzzing.

    .venv/bin/python bench/reliability.py [--kills N] [--fuzz-seconds S]

Prints how many saves were killed, how many files were found intact (old or new version),
how many fuzz cases ran and how they ended.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qteditor.core.entry import Entry  # noqa: E402
from qteditor.core.errors import QtEditorError  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "quicktakes"


def kills(n: int) -> tuple[int, int]:
    src = sorted(CORPUS.glob("*/*.md"))[0]
    entry = Entry.load(src)
    fields = entry.fields()
    fields["answer"] = (fields["answer"] + "\n\n") * 250
    big = entry.render(fields)[0]
    variants = {big}
    for i in range(2):
        e = Entry.from_bytes(big)
        f = e.fields()
        f["answer"] += f"\nVersion {i}."
        variants.add(e.render(f)[0])
    folder = Path(tempfile.mkdtemp())
    path = folder / "entry.md"
    path.write_bytes(big)
    saver = textwrap.dedent(f"""
        from qteditor.core.entry import Entry
        path = {str(path)!r}
        print("ready", flush=True)
        i = 0
        while True:
            e = Entry.load(path)
            f = e.fields()
            f["answer"] = f["answer"].rsplit("\\nVersion", 1)[0] + f"\\nVersion {{i % 2}}."
            e.save(f)
            i += 1
    """)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rng = random.Random(7)
    intact = 0
    for _ in range(n):
        proc = subprocess.Popen([sys.executable, "-c", saver], env=env, stdout=subprocess.PIPE,
                                text=True)
        proc.stdout.readline()
        time.sleep(rng.uniform(0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        intact += path.read_bytes() in variants
    return n, intact


def fuzz(seconds: float) -> dict:
    rng = random.Random(11)
    seeds = [p.read_bytes() for p in sorted(CORPUS.glob("*/*.md"))[::10]]
    junk = [b"\t", b": ", b" #", b"'", b'"', b"&a ", b"*a", b"!!x ", b"[", b"{", b"- ", b"? ",
            b"|", b">", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"---\n", b"\\", b"\x00", b"\xff"]
    counts = {"cases": 0, "loaded and saved back identical": 0, "typed error": 0, "other": 0}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        raw = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(raw) + 1)
            if rng.random() < 0.5:
                raw[at:at + rng.randint(0, 20)] = rng.choice(junk)
            else:
                raw[at:at + rng.randint(0, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
        counts["cases"] += 1
        try:
            e = Entry.from_bytes(bytes(raw), "fuzz.md")
            ok = e.render(e.fields()) is None and e.doc.to_bytes() == bytes(raw)
            counts["loaded and saved back identical" if ok else "other"] += 1
        except QtEditorError:
            counts["typed error"] += 1
        except Exception:  # noqa: BLE001 - counted: the promise is that this never happens
            counts["other"] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=300)
    ap.add_argument("--fuzz-seconds", type=float, default=120)
    args = ap.parse_args()
    n, intact = kills(args.kills)
    print(f"saves killed: {n}; file intact (old or new version) after each: {intact}")
    for k, v in fuzz(args.fuzz_seconds).items():
        print(f"fuzz {k}: {v:,}")


if __name__ == "__main__":
    main()
