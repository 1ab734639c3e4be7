"""Quit benchmark: how long the process lives after its last window closes.

    .venv/bin/python bench/quit.py [PATH] [--runs N] [--after SECONDS|reading]
                                   [--by close|quit|end]

Starts the real app (``qteditor PATH``, the sample collection by default) in its own process
with fresh settings, cache and journal folders and closes the window ``--after`` seconds after
it shows (``reading``: as soon as the index's workers are reading the collection), by
``close()``, File ▸ Quit (``quit``) or by ending the event loop under the open window (``end``,
as a session ending does); it times from the close to the process's exit. A bare QMainWindow,
closed the same way, is measured in the same run as the reference. Uses the offscreen
platform unless a display is present.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "resources" / "sample" / "content" / "learn"

# the close is announced on stdout with the monotonic clock (one clock for every process)
DRIVER = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from qteditor.cli import main
from qteditor.ui.main_window import MainWindow

after, by, on_close = sys.argv[2], sys.argv[3], sys.argv[4]
shown = MainWindow.show


def reading(window):  # the index's workers are reading the collection (some files, not all)
    bar = window.collection_panel.progress
    return bar.isVisible() and 0 < bar.value() < bar.maximum()

def show(self):
    shown(self)

    def close():
        if self.session is not None:  # nothing to ask about
            self.session.saved_fields = self.session.fields
        exec(on_close, {"window": self})  # what a test does at that moment
        print("closing", time.monotonic(), flush=True)
        if by == "quit":  # File > Quit, what its key (Ctrl+Q where the platform has one) does
            self.act_quit.trigger()
        elif by == "end":  # the event loop ends with the window open (a session ending);
            QApplication.exit(0)  # (quit() would close the window first, asking to save)
        else:
            self.close()

    if after == "reading":  # as soon as the workers are under way
        poll = QTimer(self, interval=5)
        poll.timeout.connect(lambda: reading(self) and (poll.stop(), close()))
        poll.start()
    else:
        QTimer.singleShot(int(float(after) * 1000), close)

MainWindow.show = show
code = main([sys.argv[1]])  # what `qteditor PATH` runs
print("returned", time.monotonic(), flush=True)
sys.exit(code)
"""

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800); w.show()
def close():
    print("closing", time.monotonic(), flush=True)
    w.close()
QTimer.singleShot(int(float(sys.argv[2]) * 1000) if sys.argv[2] != "reading" else 500, close)
code = app.exec()
print("returned", time.monotonic(), flush=True)
sys.exit(code)
"""


def measure(
    script: str,
    path: Path,
    after: float | str,
    by: str = "close",
    timeout: float = 120,
    home: Path | None = None,
    on_close: str = "",
) -> dict:
    """Seconds from the close to the end of the process (``exit``) and to the return from the
    app's code (``loop``, None when it ended the process itself); the exit code and stderr.
    The settings, cache and journal go under ``home`` (kept) or a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="qte-quit-") as temporary:
        home = home or temporary
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "XDG_CACHE_HOME": f"{home}/cache",
            "XDG_DATA_HOME": f"{home}/data",
            "XDG_CONFIG_HOME": f"{home}/config",
        }
        if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
            env["QT_QPA_PLATFORM"] = "offscreen"
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(path), str(after), by, on_close],
            env=env,
            cwd=home,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ended = time.monotonic()
        reader.join(5)
        err = proc.stderr.read()
    stamps = dict(line.split(" ", 1) for line in lines if line.count(" ") == 1)
    closing = float(stamps["closing"]) if "closing" in stamps else None
    returned = float(stamps["returned"]) if "returned" in stamps else None
    if closing is None:
        raise RuntimeError(f"the window never closed (exit {proc.returncode}): {err[-2000:]}")
    return {
        "exit": ended - closing,
        "loop": (returned - closing) if returned else None,
        "code": proc.returncode,
        "stderr": err,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default=str(SAMPLE))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--after",
        default="1",
        help="seconds the window stays open (default 1), or 'reading': until "
        "the index's workers are reading the collection",
    )
    parser.add_argument(
        "--by",
        choices=("close", "quit", "end"),
        default="close",
        help="close(), File > Quit, or the event loop ended with the window open",
    )
    args = parser.parse_args()
    path = Path(args.path)
    rows = {"bare QMainWindow": [], "qteditor": []}
    for _ in range(args.runs):
        rows["bare QMainWindow"].append(measure(BARE, path, args.after))
        rows["qteditor"].append(measure(DRIVER, path, args.after, args.by))
    when = (
        "once the index's workers are reading" if args.after == "reading" else f"{args.after} s after showing"
    )
    print(f"{path}, closed {when}, by {args.by}, {args.runs} runs")
    for name, results in rows.items():
        exits = [r["exit"] * 1000 for r in results]
        print(
            f"  {name:18} close -> exit median {statistics.median(exits):6.0f} ms, "
            f"min {min(exits):6.0f} ms, max {max(exits):6.0f} ms; exit codes "
            f"{sorted({r['code'] for r in results})}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
