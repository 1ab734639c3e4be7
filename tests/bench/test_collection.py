"""The collection benchmark's process runner: a failing step is reported (exit code, the end of
its stderr), a hung one is killed at its time bound, and peak memory is the command's own."""

from __future__ import annotations

import json
import sys
import time

from bench import collection as bc
from tests.conftest import linux_only

# bench/collection.py times each step through GNU time (-f) and os.wait4 (no os.wait4 on
# Windows; macOS's /usr/bin/time has no -f, and its ru_maxrss counts bytes, not kilobytes)
GNU_TIME = "the benchmark's runner: GNU time and os.wait4 (the peak in kilobytes)"


@linux_only(GNU_TIME)
def test_a_failing_step_is_reported_not_raised(tmp_path):
    r = bc.run("boom", [sys.executable, "-c", "import sys; print('a\\nb', file=sys.stderr); sys.exit(3)"])
    assert r.rc == 3 and r.failed and r.note == "exit 3" and r.tail() == "a | b"
    ok = bc.run("fine", [sys.executable, "-c", "import sys; sys.exit(1)"], ok=(0, 1))
    assert ok.rc == 1 and not ok.failed
    crash = bc.run("crash", [sys.executable, "-c", "raise ValueError('x')"], ok=(0, 1))
    assert crash.failed and "internal error" in crash.note and "ValueError: x" in crash.tail()
    missing = bc.run("missing", [str(tmp_path / "no-such-program")])
    assert missing.failed  # (through GNU time: exit 127 and its reason on stderr)
    assert missing.note.startswith("cannot start") or (missing.rc == 127 and "No such file" in missing.tail())


@linux_only(GNU_TIME + "; the step's process group killed with SIGKILL")
def test_a_hung_step_is_killed_at_its_bound():
    start = time.perf_counter()
    r = bc.run("hang", [sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert time.perf_counter() - start < 10
    assert r.failed and r.rc is not None and r.rc < 0 and "signal 9" in r.note


@linux_only(GNU_TIME)
def test_peak_memory_is_the_commands_own():
    small = bc.run("small", [sys.executable, "-c", "pass"])
    big = bc.run(
        "big", [sys.executable, "-c", "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"]
    )
    assert small.peak_mb < 60  # not this test process's size
    assert 200 <= big.peak_mb < 400


def test_check_outputs_are_counted_per_rule(tmp_path):
    out = tmp_path / "check.json"
    out.write_text(
        json.dumps(
            {
                "files": 3,
                "problems": [
                    {"path": "a.md", "rule": "r1"},
                    {"path": "a.md", "rule": "r1"},
                    {"path": "b.md", "rule": "r1"},
                    {"path": "b.md", "rule": "r2"},
                ],
            }
        )
    )
    assert bc.rule_files(out) == ({"r1": 2, "r2": 1}, 3)
    out.write_text("<qteditor>:1:1: internal error")
    assert bc.rule_files(out) is None
    patch = tmp_path / "p.patch"
    patch.write_text("--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-a\n+b\n--- a/y.md\n+++ b/y.md\n")
    assert bc.patch_files(patch) == 2
