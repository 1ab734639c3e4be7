"""Window benchmark: a collection folder opened in the window, timed in the window, at N entries
(the collection from bench/make_collection.py), beside a bare table window in the same run.

    .venv/bin/python bench/window_open.py [N] [--runs R] [--out DIR] [--json FILE] [--no-lock]

Each measurement is its own process (offscreen, settings in a fresh temporary ini, journal and
locks in a fresh data folder): the window is shown, then the clock starts at
``MainWindow.open_folder(site)`` and stops when the browser's rows are painted (rows shown) and
when a search typed into the panel's search box ("photosynthesis", typed key by key) has
filtered them and the filtered rows are painted (first search answered). Cold: a fresh
XDG_CACHE_HOME; warm: the cache the cold run left. Targets (issue 10): warm <= 1 s, cold <= 4 s.

The longest stall of the event loop (a 5 ms heartbeat timer, the largest gap between its ticks)
is measured while the folder loads, while the search is answered, after clearing the search
box, after typing one letter into the empty box, and after a second letter (target: never
blocks; the issue saw ~3 s). Reference in the same run: a bare QMainWindow with a QTableView of
N rows from a Python list (a QAbstractTableModel behind a sorting QSortFilterProxyModel), timed
from building the model to rows painted, then filtered by a fixed string and cleared.
Figures are min / median / max over R runs; a failed run is reported, never fatal.

``--git`` also opens a copy of the collection that is a git repository (``git init``, every
entry committed) in each run, beside the plain folder: browse-ready time with git status
(the Git column) against without it (target: not worse by more than 10 %), and when the
status is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEARCH = "photosynthesis"
SETTLE_S = 1.5  # after an action, how long the heartbeat keeps watching
LIMIT_S = 120.0  # one phase longer than this: the run is reported as failed


# ---------------------------------------------------------------------------- in the child
class Watch:
    """A 5 ms heartbeat (longest gaps per phase) and the paints of one widget."""

    def __init__(self, app, viewport):
        from PySide6.QtCore import QEvent, QObject, Qt, QTimer

        self.ticks: list[float] = []
        self.paints: list[tuple[float, int]] = []  # (time, rows in the view then)
        self.rows = lambda: 0
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(5)
        timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))
        timer.start()
        self.timer = timer
        watch = self

        class Paints(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    watch.paints.append((time.perf_counter(), watch.rows()))
                return False

        self.filter = Paints()
        viewport.installEventFilter(self.filter)
        self.app = app

    def wait(self, done, limit: float = LIMIT_S) -> float | None:
        """Run the event loop until ``done()``; the time it became true (None: timed out)."""
        start = time.perf_counter()
        while not done():
            if time.perf_counter() - start > limit:
                return None
            self.app.processEvents()
            time.sleep(0.001)  # (the heartbeat still ticks: timers fire in processEvents)
        return time.perf_counter()

    def idle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        self.wait(lambda: time.perf_counter() >= end)

    def stall(self, since: float, until: float) -> float:
        """The longest gap between heartbeats (or the phase's edges) in [since, until]."""
        marks = [since] + [t for t in self.ticks if since < t < until] + [until]
        return max(b - a for a, b in zip(marks, marks[1:], strict=False))

    def painted_after(self, t: float, ok) -> float | None:
        for when, rows in self.paints:
            if when >= t and ok(rows):
                return when
        return None


def child_window(site: str) -> dict:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from qteditor.ui.app import make_app
    from qteditor.ui.main_window import MainWindow
    from qteditor.ui.settings import Settings

    app = make_app(["qteditor"])
    ini = tempfile.mktemp(suffix=".ini")
    window = MainWindow(Settings(QSettings(ini, QSettings.Format.IniFormat)))
    window.resize(1280, 800)
    window.show()
    panel = window.collection_panel
    watch = Watch(app, panel.table.viewport())
    watch.rows = lambda: panel.model.rowCount()
    watch.wait(lambda: window._painted, 10)
    watch.idle(0.3)
    out: dict = {}
    indexed: list[float] = []
    panel.indexed.connect(lambda: indexed.append(time.perf_counter()))
    git_shown: list[float] = []
    window.git.statusReady.connect(lambda: git_shown.append(time.perf_counter()))

    expected = sum(name.endswith(".md") for _d, _s, names in os.walk(site) for name in names)

    asked: list[bool] = []

    def shown() -> float | None:
        """Every row painted (a browser that fills in as it reads counts when it is full), or
        any rows painted once the panel says the indexing is done. Rows added below the
        visible ones change nothing on screen, so the view paints nothing: once the model has
        every row, the viewport is asked to paint, and its next paint counts."""
        if not asked and panel.model.rowCount() >= expected:
            asked.append(True)
            panel.table.viewport().update()
        full = watch.painted_after(t0, lambda r: r >= expected)
        done = watch.painted_after(indexed[0], lambda r: r > 0) if indexed else None
        return min((t for t in (full, done) if t is not None), default=None)

    t0 = time.perf_counter()
    window.open_folder(Path(site))
    opened = time.perf_counter()
    out["open_folder_call"] = opened - t0
    if watch.wait(lambda: shown() is not None) is None:
        raise RuntimeError(
            f"no rows shown within {LIMIT_S:.0f} s (indexed: {bool(indexed)}, "
            f"rows {panel.model.rowCount()}, table visible "
            f"{panel.table.isVisible()})"
        )
    t_rows = shown()
    total = panel.model.rowCount()
    out.update(
        rows_shown=t_rows - t0,
        first_rows=watch.painted_after(t0, lambda r: r > 0) - t0,  # (a browser that fills in)
        indexed=(indexed[0] - t0) if indexed else None,
        rows=total,
        stall_open=watch.stall(t0, t_rows),
        count_label=panel.count.text(),
    )
    watch.idle(0.05)

    # the first search, typed key by key into the panel's box
    t_type = time.perf_counter()
    QTest.keyClicks(panel.search, SEARCH)
    typed = time.perf_counter()
    done = watch.wait(
        lambda: panel.model.rowCount() != total and watch.painted_after(typed, lambda r: r != total)
    )
    if done is None:
        raise RuntimeError(
            f"the search {SEARCH!r} did not filter the rows within {LIMIT_S:.0f} s "
            f"(rows {panel.model.rowCount()} of {total})"
        )
    t_found = watch.painted_after(typed, lambda r: r != total)
    out.update(
        search_answered=t_found - t0,
        search_after_rows=t_found - t_rows,
        typing=typed - t_type,
        search_latency=t_found - typed,
        search_rows=panel.model.rowCount(),
        stall_search=watch.stall(t_type, t_found),
    )
    watch.idle(0.3)

    # clearing the box: every row again
    t = time.perf_counter()
    panel.search.clear()
    back = watch.wait(lambda: panel.model.rowCount() == total)
    watch.idle(SETTLE_S)
    out.update(clear_rows_back=(back - t) if back else None, stall_clear=watch.stall(t, time.perf_counter()))
    # one letter into the empty box, then a second one
    for key, name in (("p", "stall_one_letter"), ("h", "stall_second_letter")):
        t = time.perf_counter()
        QTest.keyClicks(panel.search, key)
        watch.idle(SETTLE_S)
        out[name] = watch.stall(t, time.perf_counter())
    out["rows_after_ph"] = panel.model.rowCount()
    # a search active ("ph"), then its text selected and replaced by one letter: every row back
    t = time.perf_counter()
    QTest.keyClick(panel.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(panel.search, "q")
    watch.idle(SETTLE_S)
    out["stall_replace_one_letter"] = watch.stall(t, time.perf_counter())
    watch.wait(lambda: bool(git_shown), 30)
    out.update(git_state=window.git.state, git_shown=(git_shown[0] - t0) if git_shown else None)
    # the window is left open until its indexing is over (checks and full text), as a writer
    # at work leaves it: the warm run then opens the index a whole first session made
    watch.wait(lambda: bool(indexed) and not panel._running)  # (the run ends with the full text)
    out["text_built"] = time.perf_counter() - t0
    if window.session is not None:
        window.session.saved_fields = window.session.fields  # no prompt
    return out


def child_reference(site: str, sorting: bool) -> dict:
    """A bare window with a table of the collection's N rows from a Python list: ``sorting``
    puts a sorting QSortFilterProxyModel in between (filtered by a fixed string); without it
    the filter is a list comprehension and a model reset."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    everything = []
    for folder, _subs, names in os.walk(site):
        for name in names:
            if name.endswith(".md"):
                everything.append((name[:-3].replace("-", " ").capitalize(), os.path.basename(folder)))
    app = QApplication(["reference"])
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    table = QTableView()
    window.setCentralWidget(table)
    watch = Watch(app, table.viewport())
    watch.idle(0.3)

    class Model(QAbstractTableModel):
        rows: list = []

        def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt override
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent=QModelIndex()):  # noqa: N802 - Qt override
            return 2

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rows[index.row()][index.column()]
            return None

        def show(self, rows: list) -> None:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    total = len(everything)
    t0 = time.perf_counter()
    model = Model()
    if sorting:
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setFilterKeyColumn(0)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        table.setModel(proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        model.show(everything)
        watch.rows = proxy.rowCount

        def search(text: str) -> None:
            proxy.setFilterFixedString(text)
    else:
        model.show(sorted(everything))
        table.setModel(model)
        watch.rows = model.rowCount

        def search(text: str) -> None:
            word = text.lower()
            model.show([r for r in everything if word in r[0].lower()] if word else everything)

    t_rows = watch.wait(lambda: watch.painted_after(t0, lambda r: r > 0))
    out = {"rows_shown": t_rows - t0, "rows": total, "stall_open": watch.stall(t0, t_rows)}
    watch.idle(0.3)
    t = time.perf_counter()
    search(SEARCH)
    t_found = watch.wait(lambda: watch.painted_after(t, lambda r: r != total))
    out.update(filter=t_found - t, filter_rows=watch.rows())
    watch.idle(0.3)
    t = time.perf_counter()
    search("")
    watch.idle(SETTLE_S)
    out["stall_clear"] = watch.stall(t, time.perf_counter())
    return out


def child(mode: str, site: str) -> int:
    try:
        result = (
            child_window(site)
            if mode == "window"
            else child_reference(site, sorting=mode == "reference-proxy")
        )
        result["ok"] = True
    except Exception as exc:  # noqa: BLE001 - reported to the parent, never a crash
        import traceback

        result = {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "trace": traceback.format_exc()[-2000:],
        }
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # the index's threads and workers are not waited for


# ---------------------------------------------------------------------------- the parent
def measure(mode: str, site: Path, cache: Path, data: Path) -> dict:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CACHE_HOME=str(cache),
        XDG_DATA_HOME=str(data),
        XDG_CONFIG_HOME=str(data / "config"),
        PYTHONPATH=str(REPO),
    )
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(site)]
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=4 * LIMIT_S)
    except subprocess.TimeoutExpired as exc:
        return {"ok": False, "error": f"timed out after {exc.timeout:.0f} s"}
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
            if not result["ok"]:
                result["stderr"] = p.stderr[-1500:]
            return result
    return {
        "ok": False,
        "error": f"exit {p.returncode}, no result",
        "stderr": " | ".join(p.stderr.strip().splitlines()[-6:]),
    }


def spread(values: list, scale: float = 1000, unit: str = "ms") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    return (
        " / ".join(f"{v * scale:.0f}" for v in (min(values), statistics.median(values), max(values)))
        + f" {unit}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=36_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", help="the collection (default /tmp/qteditor-N, made if needed)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--no-lock", action="store_true", help="do not wait for /tmp/bench.lock")
    parser.add_argument(
        "--git", action="store_true", help="also open a git repository copy of the collection (git status on)"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SITE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child)
    from bench.make_collection import make

    site = Path(args.out or f"/tmp/qteditor-{args.n}")
    make(args.n, site, quiet=False)
    git_site = make_git_copy(site) if args.git else None
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
    results: dict = {"cold": [], "warm": [], "reference-bare": [], "reference-proxy": []}
    modes = [("window", "cold", site), ("window", "warm", site)]
    if git_site is not None:
        results.update({"cold-git": [], "warm-git": []})
        modes += [("window", "cold-git", git_site), ("window", "warm-git", git_site)]
    modes += [("reference-bare", "reference-bare", site), ("reference-proxy", "reference-proxy", site)]
    with tempfile.TemporaryDirectory(prefix="qte-window-") as tmp:
        for i in range(args.runs):
            for mode, kind, where in modes:
                cache = Path(tmp) / f"cache-{i}{'-git' if where is git_site else ''}"
                data = Path(tempfile.mkdtemp(prefix="data-", dir=tmp))
                r = measure(mode, where, cache, data)
                results[kind].append(r)
                if r["ok"]:
                    line = f"rows {r['rows_shown'] * 1000:6.0f} ms" + (
                        f", search answered {r['search_answered'] * 1000:6.0f} ms, stalls: "
                        f"open {r['stall_open'] * 1000:.0f}, search "
                        f"{r['stall_search'] * 1000:.0f}, clear {r['stall_clear'] * 1000:.0f},"
                        f" one letter {r['stall_one_letter'] * 1000:.0f}, second letter "
                        f"{r['stall_second_letter'] * 1000:.0f}, search replaced by one letter "
                        f"{r['stall_replace_one_letter'] * 1000:.0f} ms"
                        if mode == "window"
                        else f", filter {r['filter'] * 1000:.0f} ms, clear stall "
                        f"{r['stall_clear'] * 1000:.0f} ms"
                    )
                else:
                    line = f"FAILED: {r['error']} {r.get('stderr', '')[-600:]}"
                if r.get("ok") and mode == "window":
                    line += f", git {r.get('git_state')} shown {(r.get('git_shown') or 0) * 1000:.0f} ms"
                print(f"run {i + 1} {kind:9} {line}", flush=True)
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    report(results, args.n, args.runs)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"n": args.n, "runs": args.runs, "results": results}, indent=1) + "\n"
        )
    return 0


def report(results: dict, n: int, runs: int) -> None:
    print()
    print(f"# the window, {n:,} entries, {runs} run(s): min / median / max")
    for kind, label in (
        (
            "reference-bare",
            "a Python list model, sorted in Python; filter: a list comprehension and a model reset",
        ),
        (
            "reference-proxy",
            "the same model behind a sorting QSortFilterProxyModel; filter: setFilterFixedString",
        ),
    ):
        ref = [r for r in results[kind] if r["ok"]]
        if ref:
            print(
                f"reference: bare QMainWindow + QTableView of {ref[0]['rows']:,} rows, {label}: "
                f"model to rows painted {spread([r['rows_shown'] for r in ref])} (longest stall "
                f"{spread([r['stall_open'] for r in ref])}); filter to rows painted "
                f"{spread([r['filter'] for r in ref])}; clearing it stalls "
                f"{spread([r['stall_clear'] for r in ref])}"
            )
        for r in results[kind]:
            if not r["ok"]:
                print(f"{kind}: FAILED: {r['error']} {r.get('stderr', '')[-400:]}")
    for kind, target in (("cold", 4), ("warm", 1), ("cold-git", 4), ("warm-git", 1)):
        if kind not in results:
            continue
        ok = [r for r in results[kind] if r["ok"]]
        failed = [r for r in results[kind] if not r["ok"]]
        if ok:
            print(
                f"{kind}: open_folder -> first rows shown {spread([r['first_rows'] for r in ok])}; "
                f"every row shown {spread([r['rows_shown'] for r in ok])}; "
                f"-> first search answered {spread([r['search_answered'] for r in ok])} "
                f"(target <= {target} s; typing {spread([r['typing'] for r in ok])}, "
                f"the answer after the last key {spread([r['search_latency'] for r in ok])})"
            )
            print(
                f"{kind}: longest stall while loading {spread([r['stall_open'] for r in ok])}, "
                f"answering the search {spread([r['stall_search'] for r in ok])}, after clearing "
                f"the box {spread([r['stall_clear'] for r in ok])}, after one letter "
                f"{spread([r['stall_one_letter'] for r in ok])}, after a second letter "
                f"{spread([r['stall_second_letter'] for r in ok])}, after a search is replaced by "
                f"one letter {spread([r['stall_replace_one_letter'] for r in ok])} "
                f"(target: never blocks)"
            )
            print(
                f"{kind}: {ok[0]['rows']:,} rows, {ok[0]['search_rows']:,} after the search; "
                f"panel: {ok[0]['count_label']!r}"
            )
        for r in failed:
            print(f"{kind}: FAILED: {r['error']} {r.get('stderr', '')[-400:]}")
    for kind in ("cold", "warm"):
        plain = [r["rows_shown"] for r in results[kind] if r["ok"]]
        with_git = [r for r in results.get(kind + "-git", []) if r["ok"]]
        if plain and with_git:
            a = statistics.median(plain)
            b = statistics.median(r["rows_shown"] for r in with_git)
            print(
                f"{kind}: browse-ready (rows shown) without git {a * 1000:.0f} ms, with git status "
                f"{b * 1000:.0f} ms ({(b / a - 1) * 100:+.1f} %; target <= +10 %); the Git column "
                f"shown {spread([r['git_shown'] for r in with_git])} after open_folder "
                f"(state {with_git[0]['git_state']})"
            )


def make_git_copy(site: Path) -> Path:
    """The collection copied into a git repository, every entry committed (made once)."""
    import shutil

    target = site.with_name(site.name + "-git")
    stamp = target / ".git" / "qteditor-bench"
    want = (site / "bench-plan.json").read_bytes() if (site / "bench-plan.json").exists() else b""
    if stamp.exists() and stamp.read_bytes() == want:
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target)
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
    )
    t = time.perf_counter()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Entries"]):
        subprocess.run(["git", *args], cwd=target, check=True, env=env, capture_output=True)
    stamp.write_bytes(want)
    print(f"git repository copy made in {time.perf_counter() - t:.1f} s: {target}", flush=True)
    return target


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
