"""Collection benchmark: what the user waits for at N entries, on a collection that behaves like
the real site (bench/make_collection.py), each figure beside a reference from the same run.

    .venv/bin/python bench/collection.py [N] [--runs R] [--out DIR] [--json FILE]
                                         [--only check,fix,loop,index] [--no-lock]

Measured as whole processes (wall time; peak memory = the largest single process of the
command's tree, from wait4's rusage), the index cache in a fresh XDG_CACHE_HOME for "cold":
- `qteditor check --json SITE`: cold and warm (issue 10 targets: warm <= 2 s, cold <= 6 s,
  peak <= 400 MB);
- `qteditor fix --dry-run` and `qteditor fix` on a fresh copy of the collection (<= 8 s plus the
  writes), and `git apply --check` of the dry run's output inside the copy;
- the whole loop on a fresh copy: check -> fix --dry-run | git apply --check -> fix -> check ->
  fix (the second fix must change nothing: every file hashed before and after), with the
  per-rule counts before and after;
- secondary, in this process: the index itself (cold, warm reopen, search as you type).
References: reading every file in this process, `cat` of the tree, a bare `python -c pass`, and
a Python process that reads every file. A step that fails is reported (step, exit code, the
end of its stderr) and the benchmark goes on. Figures are min / median / max over R runs.
By default the whole run holds /tmp/bench.lock (flock) so that benchmarks do not share cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.make_collection import make  # noqa: E402

PY = str(Path(sys.executable))
QTEDITOR = [PY, "-m", "qteditor"]
TIMEOUT = 600.0
READ_ALL = """import os, sys
n = 0
for folder, _subs, names in os.walk(sys.argv[1]):
    for name in names:
        with open(os.path.join(folder, name), "rb") as fh:
            n += len(fh.read())
"""
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


# ---------------------------------------------------------------------------- processes
@dataclass
class Run:
    """One finished child process."""

    step: str
    cmd: list
    wall: float = 0.0
    peak_mb: float = 0.0
    rc: int | None = None
    stdout: Path | None = None
    stderr: str = ""
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.rc is None or bool(self.note)

    def tail(self, lines: int = 4) -> str:
        return " | ".join(self.stderr.strip().splitlines()[-lines:])


def run(
    step: str,
    cmd: list,
    env: dict | None = None,
    cwd: str | Path | None = None,
    stdout: Path | None = None,
    timeout: float = TIMEOUT,
    ok: tuple = (0,),
) -> Run:
    """Run ``cmd`` (stdout to a file, stderr kept); its wall time and peak memory (wait4)."""
    r = Run(step, [str(c) for c in cmd], stdout=stdout)
    # GNU time's wait4 gives the command's own peak; this process's wait4 would never read
    # below this process's size (a forked child starts with its parent's resident pages)
    timed = Path(tempfile.mkstemp(prefix="time-")[1]) if TIME else None
    full = [TIME, "-f", "%M", "-o", str(timed), *r.cmd] if timed else r.cmd
    with tempfile.TemporaryFile() as err, open(stdout or os.devnull, "wb") as out:
        try:
            start = time.perf_counter()
            p = subprocess.Popen(
                full,
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            r.note = f"cannot start: {exc}"
            return r
        timer = threading.Timer(timeout, lambda: _kill(p.pid))
        timer.start()
        try:
            _pid, status, usage = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        r.wall = time.perf_counter() - start
        p.returncode = r.rc = os.waitstatus_to_exitcode(status)
        r.peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        if timed:
            try:
                r.peak_mb = int(timed.read_text().split()[-1]) / 1024
            except (OSError, ValueError, IndexError):
                pass
            timed.unlink(missing_ok=True)
        err.seek(0)
        r.stderr = err.read()[-20_000:].decode("utf-8", "replace")
    if timed and r.rc is not None and r.rc > 128 and "terminated by signal" in r.stderr:
        r.rc = 128 - r.rc
    if r.rc < 0:
        r.note = f"killed by signal {-r.rc}" + (" (timeout)" if r.wall >= timeout else "")
    elif r.rc not in ok:
        r.note = f"exit {r.rc}"
    if "internal error" in r.stderr or "Traceback" in r.stderr:
        r.note = (r.note + "; " if r.note else "") + "internal error"
    return r


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the group this script started for that child
    except ProcessLookupError:
        pass


def env_with(cache: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update({"XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(REPO)}, **extra)
    return env


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "-"
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def digest_tree(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*.md")):
        out[path.relative_to(root).as_posix()] = hashlib.blake2b(
            path.read_bytes(), digest_size=16
        ).hexdigest()
    return out


def rule_files(path: Path | None) -> tuple[dict, int] | None:
    """Files with a finding per rule, from a ``check --json`` output (None: not JSON)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return None
    files = defaultdict(set)
    for p in data.get("problems", []):
        files[p["rule"]].add(p["path"])
    return {rule: len(v) for rule, v in files.items()}, data.get("files", 0)


def patch_files(path: Path) -> int:
    try:
        return sum(
            1
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.startswith("+++ b/")
        )
    except OSError:
        return 0


# ---------------------------------------------------------------------------- benchmark
@dataclass
class Bench:
    n: int
    site: Path
    runs: int
    tmp: Path
    results: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def record(self, r: Run) -> Run:
        if r.failed:
            self.failures.append(r)
            print(f"  FAILED {r.step}: {r.note}; stderr: {r.tail()}", flush=True)
        return r

    def cache(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="cache-", dir=self.tmp))

    def fresh_copy(self, name: str) -> tuple[Path, float]:
        work = self.tmp / name
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
        start = time.perf_counter()
        subprocess.run(["cp", "-a", str(self.site / "content"), str(work / "content")], check=True)
        return work, time.perf_counter() - start

    # -------------------------------------------------------------- references
    def references(self) -> None:
        print("references", flush=True)
        files = sorted((self.site / "content").rglob("*.md"))
        for f in files:  # the page cache warm, as for every measurement after it
            f.read_bytes()
        start = time.perf_counter()
        total = sum(len(f.read_bytes()) for f in files)
        read_s = time.perf_counter() - start
        refs = {"read_in_process": read_s, "bytes": total}
        env = env_with(self.cache())
        learn = str(self.site / "content" / "learn")
        for key, cmd in (
            ("python_pass", [PY, "-c", "pass"]),
            ("cat_tree", ["sh", "-c", f"find '{learn}' -name '*.md' -print0 | xargs -0 cat >/dev/null"]),
            ("python_reads_all", [PY, "-c", READ_ALL, learn]),
            ("import_cli", [PY, "-c", "import qteditor.cli, qteditor.core.checks, qteditor.core.collection"]),
        ):
            walls, peaks = [], []
            for _ in range(self.runs):
                r = self.record(run(f"reference {key}", cmd, env))
                walls.append(r.wall)
                peaks.append(r.peak_mb)
            refs[key] = {"wall": walls, "peak_mb": peaks}
        self.results["references"] = refs

    # -------------------------------------------------------------- check
    def check(self) -> None:
        print("check --json: cold and warm", flush=True)
        cold, warm = [], []
        counts = None
        for i in range(self.runs):
            cache = self.cache()
            out = self.tmp / f"check-{i}.json"
            for kind, bucket in (("cold", cold), ("warm", warm)):
                r = self.record(
                    run(
                        f"check {kind} #{i + 1}",
                        [*QTEDITOR, "check", "--json", self.site],
                        env_with(cache),
                        stdout=out,
                        ok=(0, 1),
                    )
                )
                found = rule_files(out)
                if found is None and not r.failed:
                    r.note = "no JSON on stdout"
                    self.record(r)
                bucket.append(r)
                if found is not None:
                    counts = found
                print(f"  {kind}: {r.wall:6.2f} s, peak {r.peak_mb:6.0f} MB, exit {r.rc}", flush=True)
        self.results["check"] = {
            k: {
                "wall": [r.wall for r in v if not r.failed],
                "peak_mb": [r.peak_mb for r in v if not r.failed],
                "failed": [(r.step, r.rc, r.note, r.tail()) for r in v if r.failed],
            }
            for k, v in (("cold", cold), ("warm", warm))
        }
        if counts is not None:
            self.results["check"]["rules"], self.results["check"]["files"] = counts

    # -------------------------------------------------------------- fix
    def fix(self) -> None:
        print("fix --dry-run and fix, on a fresh copy each run", flush=True)
        rows = defaultdict(list)
        apply_ok = []
        for i in range(self.runs):
            work, copy_s = self.fresh_copy("fix-copy")
            rows["copy"].append(copy_s)
            cache = self.cache()
            patch = self.tmp / f"fix-{i}.patch"
            dry_cold = self.record(
                run(
                    f"fix --dry-run cold #{i + 1}",
                    [*QTEDITOR, "fix", "--dry-run", work],
                    env_with(cache),
                    stdout=patch,
                    ok=(0, 1),
                )
            )
            dry = self.record(
                run(
                    f"fix --dry-run warm #{i + 1}",
                    [*QTEDITOR, "fix", "--dry-run", work],
                    env_with(cache),
                    stdout=patch,
                    ok=(0, 1),
                )
            )
            check = run(f"git apply --check #{i + 1}", ["git", "apply", "--check", patch], cwd=work)
            apply_ok.append((not check.failed, check.tail(2), patch_files(patch)))
            before = digest_tree(work)
            fixed = self.record(
                run(f"fix warm #{i + 1}", [*QTEDITOR, "fix", work], env_with(cache), ok=(0, 1))
            )
            after = digest_tree(work)
            changed = sum(before[k] != after.get(k) for k in before)
            for key, r in (("dry_cold", dry_cold), ("dry_warm", dry), ("fix_warm", fixed)):
                rows[key].append(r)
            rows["changed"].append(changed)
            print(
                f"  dry-run cold {dry_cold.wall:6.2f} s ({dry_cold.peak_mb:.0f} MB), warm "
                f"{dry.wall:6.2f} s ({dry.peak_mb:.0f} MB); git apply --check "
                f"{'passes' if not check.failed else 'FAILS: ' + check.tail(2)} "
                f"({patch_files(patch):,} files in the patch); fix {fixed.wall:6.2f} s "
                f"({fixed.peak_mb:.0f} MB), {changed:,} files changed",
                flush=True,
            )
        self.results["fix"] = {
            k: (
                {
                    "wall": [r.wall for r in v if not r.failed],
                    "peak_mb": [r.peak_mb for r in v if not r.failed],
                    "failed": [(r.step, r.rc, r.note, r.tail()) for r in v if r.failed],
                }
                if k not in ("changed", "copy")
                else v
            )
            for k, v in rows.items()
        }
        self.results["fix"]["git_apply_check"] = apply_ok

    # -------------------------------------------------------------- the loop
    def loop(self) -> None:
        print("the loop: check -> fix --dry-run | git apply --check -> fix -> check -> fix", flush=True)
        work, _ = self.fresh_copy("loop-copy")
        env = env_with(self.cache())
        steps = []
        out1, out2 = self.tmp / "loop-check-1.json", self.tmp / "loop-check-2.json"
        patch = self.tmp / "loop.patch"

        def step(name, cmd, **kw):
            r = self.record(run(name, cmd, env, **kw))
            steps.append(r)
            print(
                f"  {name:28} {r.wall:6.2f} s  peak {r.peak_mb:5.0f} MB  exit {r.rc}"
                + (f"  FAILED: {r.note}: {r.tail()}" if r.failed else ""),
                flush=True,
            )
            return r

        step("check (cold)", [*QTEDITOR, "check", "--json", work], stdout=out1, ok=(0, 1))
        step("fix --dry-run", [*QTEDITOR, "fix", "--dry-run", work], stdout=patch, ok=(0, 1))
        applies = step("git apply --check", ["git", "apply", "--check", patch], cwd=work)
        h0 = digest_tree(work)
        step("fix", [*QTEDITOR, "fix", work], ok=(0, 1))
        h1 = digest_tree(work)
        again = step("check (after the fix)", [*QTEDITOR, "check", "--json", work], stdout=out2, ok=(0, 1))
        if again.failed:  # the cache failed: the counts after the fix from a fresh one
            env = env_with(self.cache())
            step("check (after, fresh cache)", [*QTEDITOR, "check", "--json", work], stdout=out2, ok=(0, 1))
        second = step("fix (second: no change)", [*QTEDITOR, "fix", work], ok=(0, 1))
        if second.failed:
            env = env_with(self.cache())
            second = step("fix (second, fresh cache)", [*QTEDITOR, "fix", work], ok=(0, 1))
        h2 = digest_tree(work)
        first_changed = sorted(k for k in h0 if h0[k] != h1.get(k))
        second_changed = sorted(k for k in h1 if h1[k] != h2.get(k))
        before, after = rule_files(out1), rule_files(out2)
        self.results["loop"] = {
            "steps": [(r.step, r.wall, r.peak_mb, r.rc, r.note, r.tail()) for r in steps],
            "git_apply_check": not applies.failed,
            "patch_files": patch_files(patch),
            "first_fix_changed": len(first_changed),
            "second_fix_changed": len(second_changed),
            "second_fix_failed": second.failed,
            "second_fix_examples": second_changed[:5],
            "rules_before": before[0] if before else None,
            "rules_after": after[0] if after else None,
        }
        print(
            f"  files in the patch {patch_files(patch):,}; first fix changed "
            f"{len(first_changed):,} files; second fix changed {len(second_changed):,}"
            + (
                f" (e.g. {second_changed[:3]})"
                if second_changed
                else " (but it failed: idempotence not shown)"
                if second.failed
                else " (idempotent)"
            ),
            flush=True,
        )

    # -------------------------------------------------------------- the index (secondary)
    def index(self) -> None:
        print("index (in this process)", flush=True)
        from qteditor.core.collection import Collection

        out: dict = {"failed": []}
        try:
            cold, browse, warm = [], [], []
            for _ in range(self.runs):
                cache = self.cache()
                start = time.perf_counter()
                col = Collection(self.site, cache)
                col.refresh(text=False)
                browse.append(time.perf_counter() - start)
                col.ensure_text()
                cold.append(time.perf_counter() - start)
                col.close()
                start = time.perf_counter()
                col = Collection(self.site, cache)
                col.refresh()
                warm.append(time.perf_counter() - start)
            ranked, keys = [], []
            for q in ("photosynthesis", "balance sheet", "cell membr", "newton", "supply demand"):
                start = time.perf_counter()
                col.search(q)
                ranked.append(time.perf_counter() - start)
            for word in ("photosynthesis", "the balance sheet", "newton"):
                for i in range(2, len(word) + 1):
                    start = time.perf_counter()
                    col.matching(word[:i])
                    keys.append(time.perf_counter() - start)
            start = time.perf_counter()
            col.rows("date")
            out["sort_date"] = time.perf_counter() - start
            col.close()
            out.update(browse=browse, cold=cold, warm=warm, ranked=ranked, keys=keys)
        except Exception as exc:  # noqa: BLE001 - reported, the rest of the figures stand
            out["failed"].append(f"{type(exc).__name__}: {exc}")
            print(f"  FAILED: {type(exc).__name__}: {exc}", flush=True)
        self.results["index"] = out


# ---------------------------------------------------------------------------- report
def _report_fix(fx: dict) -> None:
    """The fix figures: dry runs and the fix, the copy, git apply --check of the patches."""
    for key, label in (
        ("dry_cold", "fix --dry-run, cold index"),
        ("dry_warm", "fix --dry-run, warm index"),
        ("fix_warm", "fix, warm index"),
    ):
        c = fx[key]
        print(
            f"{label:26}: {spread(c['wall'])} s (target <= 8 s + writes), peak "
            f"{spread(c['peak_mb'], '{:.0f}')} MB"
            + (f"; FAILED {len(c['failed'])}: {c['failed'][0]}" if c["failed"] else "")
        )
    print(
        f"copy of the collection (cp -a): {spread(fx['copy'])} s; fix changed "
        f"{spread(fx['changed'], '{:,.0f}')} files"
    )
    for ok, tail, files in fx["git_apply_check"]:
        print(f"git apply --check of the dry run ({files:,} files): {'passes' if ok else 'FAILS: ' + tail}")


def _report_loop(lp: dict) -> None:
    """The loop's steps, what its two fixes changed, and each rule's files before and after."""
    print("the loop (fresh copy, cold cache):")
    for name, wall, peak, rc, note, tail in lp["steps"]:
        print(
            f"  {name:28} {wall:6.2f} s  peak {peak:5.0f} MB  exit {rc}"
            + (f"  FAILED ({note}): {tail}" if note else "")
        )
    print(
        f"  files in the dry run's patch {lp['patch_files']:,}; the fix changed "
        f"{lp['first_fix_changed']:,}; the second fix changed {lp['second_fix_changed']} "
        f"(must be 0)" + (": it FAILED, so idempotence is not shown" if lp["second_fix_failed"] else "")
    )
    before, after = lp["rules_before"] or {}, lp["rules_after"] or {}
    if before or after:
        print(f"  {'rule (files with a finding)':30} {'before':>8} {'after':>8}")
        for rule in sorted(set(before) | set(after), key=lambda r: -before.get(r, 0)):
            later = f"{after.get(rule, 0):,}" if after else "-"
            print(f"  {rule:30} {before.get(rule, 0):8,} {later:>8}")
        if not after:
            print("  (no counts after the fix: the second check failed)")


def report(b: Bench) -> None:
    res = b.results
    print()
    print(f"# {b.n:,} entries (bench/make_collection.py), {b.runs} run(s): min / median / max")
    refs = res.get("references")
    if refs:
        print(
            f"reference: read every file in this process   {refs['read_in_process']:.2f} s "
            f"({refs['bytes'] / 1e6:.0f} MB)"
        )
        for key, label in (
            ("python_pass", "python -c pass"),
            ("cat_tree", "cat of the tree"),
            ("python_reads_all", "a Python process reading every file"),
            ("import_cli", "python: import the CLI, checks, index"),
        ):
            print(
                f"reference: {label:36} {spread(refs[key]['wall'])} s, peak "
                f"{spread(refs[key]['peak_mb'], '{:.0f}')} MB"
            )
    chk = res.get("check")
    if chk:
        for kind, target in (("cold", 6), ("warm", 2)):
            c = chk[kind]
            print(
                f"check --json {kind:4}: {spread(c['wall'])} s (target <= {target} s), peak "
                f"{spread(c['peak_mb'], '{:.0f}')} MB (target <= 400)"
                + (f"; FAILED {len(c['failed'])}: {c['failed'][0]}" if c["failed"] else "")
            )
    fx = res.get("fix")
    if fx:
        _report_fix(fx)
    lp = res.get("loop")
    if lp:
        _report_loop(lp)
    ix = res.get("index")
    if ix and "cold" in ix:
        print(
            f"index, secondary: browse/checks ready {spread(ix['browse'])} s; full text ready "
            f"{spread(ix['cold'])} s; warm reopen {spread(ix['warm'])} s; search as you type "
            f"median {statistics.median(ix['keys']) * 1000:.1f} ms, max {max(ix['keys']) * 1000:.1f} "
            f"ms; ranked search median {statistics.median(ix['ranked']) * 1000:.1f} ms; sort "
            f"by date {ix['sort_date'] * 1000:.0f} ms"
        )
    if ix and ix.get("failed"):
        print(f"index: FAILED {ix['failed']}")
    if b.failures:
        print(f"{len(b.failures)} step(s) failed:")
        for r in b.failures:
            print(f"  {r.step}: {r.note}; stderr: {r.tail()}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=36_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", help="the collection (default /tmp/qteditor-N, made if needed)")
    parser.add_argument(
        "--only", default="check,fix,loop,index", help="comma-separated parts: references are always measured"
    )
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-lock", action="store_true", help="do not wait for /tmp/bench.lock")
    args = parser.parse_args(argv)
    site = Path(args.out or f"/tmp/qteditor-{args.n}")
    make(args.n, site, quiet=False)
    lock = None
    if not args.no_lock:
        import fcntl

        lock = open("/tmp/bench.lock", "a")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for /tmp/bench.lock (another benchmark is running)", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
    print(
        f"load average (1, 5, 15 min) at the start: {os.getloadavg()} on {os.cpu_count()} cores", flush=True
    )
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="qte-bench-") as tmp:
        b = Bench(args.n, site, args.runs, Path(tmp))
        run("warm-up", [*QTEDITOR, "--version"], env_with(b.cache()))  # byte-compiled first
        b.references()
        for part in ("check", "fix", "loop", "index"):
            if part in parts:
                getattr(b, part)()
        print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
        report(b)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "n": args.n,
                        "runs": args.runs,
                        "results": b.results,
                        "failures": [(r.step, r.rc, r.note, r.tail()) for r in b.failures],
                    },
                    indent=1,
                    default=str,
                )
                + "\n",
                encoding="utf-8",
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
