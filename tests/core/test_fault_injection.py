"""Saves killed at random moments: the file is always the old version or the new one."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import time

from qteditor.core import storage
from qteditor.core.entry import Entry
from tests.conftest import REPO, by_reason

KILLS = int(os.environ.get("QTEDITOR_KILLS", "40"))


def test_sigkill_during_saves_leaves_old_or_new(tmp_path):
    src = by_reason("largest-file")[0]
    entry = Entry.load(src)
    fields = entry.fields()
    fields["answer"] = (fields["answer"] + "\n\n") * 200  # a large entry: about 1 MB
    big = entry.render(fields)[0]
    path = tmp_path / "entry.md"
    path.write_bytes(big)
    variants = {big}
    for i in range(2):
        e = Entry.from_bytes(big)
        f = e.fields()
        f["answer"] += f"\nVersion {i}."
        variants.add(e.render(f)[0])
    saver = textwrap.dedent(f"""
        import sys
        from qteditor.core.entry import Entry
        path = {str(path)!r}
        print("ready", flush=True)
        i = 0
        while True:
            e = Entry.load(path)
            f = e.fields()
            base = f["answer"].rsplit("\\nVersion", 1)[0]
            f["answer"] = base + f"\\nVersion {{i % 2}}."
            e.save(f)
            i += 1
    """)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    rng = random.Random(1234)
    intact = 0
    for _ in range(KILLS):
        proc = subprocess.Popen([sys.executable, "-c", saver], env=env, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.kill()  # SIGKILL; TerminateProcess on Windows: no clean-up either way
        proc.wait()
        assert path.read_bytes() in variants, "a killed save left a mixed file"
        intact += 1
    leftovers = [p for p in tmp_path.iterdir() if p.name != "entry.md"]
    # a kill between creating the temporary file and renaming it leaves that file behind,
    # never a damaged entry; the next save of the file removes it (so one at most is left)
    stem = storage._tmp_stem(str(path))
    assert all(p.name.startswith(stem) and p.suffix == ".tmp" for p in leftovers), leftovers
    assert len(leftovers) <= 1
    assert intact == KILLS
