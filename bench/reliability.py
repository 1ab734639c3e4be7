"""Reliability runs longer than the suite's: saves killed at random moments, writers at once,
and fuzzing.

    .venv/bin/python bench/reliability.py [--kills N] [--fuzz-seconds S]
        [--writers W] [--trials T] [--big-trials B]

Prints how many saves were killed, how many files were found intact (old or new version);
how many edits W `qteditor set` processes started at the same moment on one file (each its own
field) made and how many were lost, for a 3 KB entry (T trials) and a 30 MB one (B trials);
how many fuzz cases ran and how they ended.
"""

from __future__ import annotations

import argparse
import os
import random
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
        proc = subprocess.Popen([sys.executable, "-c", saver], env=env, stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()
        time.sleep(rng.uniform(0, 0.2))
        proc.kill()  # SIGKILL; TerminateProcess on Windows
        proc.wait()
        intact += path.read_bytes() in variants
    return n, intact


WRITER_FIELDS = ["author", "subject", "post_on_text", "date_format", "article_title", "seo.page_keywords"]


# The reference: what `set` did before issue 11 — read, change, write a temporary and rename
# it over the file, with no lock between the read and the rename.
UNLOCKED_SET = """
import os, sys
from qteditor.core.entry import Entry
from qteditor.core import patch
path, assignment = sys.argv[1], sys.argv[2]
entry = Entry.load(path)
new = entry.render(patch.assign(entry.fields(), [assignment], entry.schema))[0]
with open(path + ".tmp" + str(os.getpid()), "wb") as fh:
    fh.write(new)
os.replace(path + ".tmp" + str(os.getpid()), path)
"""


def concurrent_writers(writers: int, trials: int, big: bool, unlocked: bool = False) -> tuple[int, int, int]:
    """(file size, edits made, edits lost): ``writers`` processes `set` one field each, all at
    once (``unlocked``: the reference writer without the lock)."""
    src = sorted(CORPUS.glob("*/*.md"))[0]
    raw = src.read_bytes()
    if big:  # a 30 MB answer, as in the review that found two writers losing an edit
        entry = Entry.load(src)
        fields = entry.fields()
        fields["answer"] = (fields["answer"] + "\n\n") * (30_000_000 // len(fields["answer"]))
        raw = entry.render(fields)[0]
    folder = Path(tempfile.mkdtemp())
    path = folder / "entry.md"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    made = lost = 0
    for trial in range(trials):
        path.write_bytes(raw)
        procs = []
        for w in range(writers):
            field = WRITER_FIELDS[w % len(WRITER_FIELDS)]
            command = (
                [sys.executable, "-c", UNLOCKED_SET]
                if unlocked
                else [sys.executable, "-m", "qteditor", "set"]
            )
            procs.append(
                subprocess.Popen(
                    [*command, str(path), f"{field}=W{w}T{trial}"], env=env, stderr=subprocess.DEVNULL
                )
            )
        codes = [p.wait() for p in procs]
        got = Entry.load(path).fields()
        for w, code in enumerate(codes):
            made += 1
            node = got
            for part in WRITER_FIELDS[w % len(WRITER_FIELDS)].split("."):
                node = node.get(part) if isinstance(node, dict) else None
            lost += code != 0 or node != f"W{w}T{trial}"
    return len(raw), made, lost


def fuzz(seconds: float) -> dict:
    rng = random.Random(11)
    seeds = [p.read_bytes() for p in sorted(CORPUS.glob("*/*.md"))[::10]]
    junk = [
        b"\t",
        b": ",
        b" #",
        b"'",
        b'"',
        b"&a ",
        b"*a",
        b"!!x ",
        b"[",
        b"{",
        b"- ",
        b"? ",
        b"|",
        b">",
        b"\r",
        b"\xc2\x85",
        b"\xe2\x80\xa8",
        b"---\n",
        b"\\",
        b"\x00",
        b"\xff",
    ]
    counts = {"cases": 0, "loaded and saved back identical": 0, "typed error": 0, "other": 0}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        raw = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(raw) + 1)
            if rng.random() < 0.5:
                raw[at : at + rng.randint(0, 20)] = rng.choice(junk)
            else:
                raw[at : at + rng.randint(0, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 6)))
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
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--big-trials", type=int, default=10)
    args = ap.parse_args()
    if args.kills:
        n, intact = kills(args.kills)
        print(f"saves killed: {n}; file intact (old or new version) after each: {intact}")
    for big, trials in ((False, args.trials), (True, args.big_trials)):
        if trials:
            for unlocked in (True, False):
                size, made, lost = concurrent_writers(args.writers, trials, big, unlocked)
                who = "reference, no lock" if unlocked else "qteditor set"
                print(
                    f"concurrent writers, {who} ({size:,} B entry): {args.writers} writers "
                    f"x {trials} trials: edits {made}, lost updates: {lost}"
                )
    if args.fuzz_seconds:
        for k, v in fuzz(args.fuzz_seconds).items():
            print(f"fuzz {k}: {v:,}")


if __name__ == "__main__":
    main()
