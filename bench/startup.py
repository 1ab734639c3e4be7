"""Start-up benchmark: process start -> main window shown with an entry open, beside a bare
QMainWindow in the same run. Target: ratio <= 1.3.

    .venv/bin/python bench/startup.py [--runs N] [--floors] [--command "qteditor-binary"]

Uses the offscreen platform unless a display is present. ``--command`` times another
launcher of the app (the frozen bundle) in the same way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENTRY = (
    REPO
    / "resources"
    / "sample"
    / "content"
    / "learn"
    / "chemistry"
    / "how-do-you-balance-the-equation-for-burning-methane.md"
)

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800); w.show()
app.processEvents()
print("shown", flush=True)
"""

# Floors: what PySide6 itself costs before any qteditor code (``--floors``)
QT_NAMESPACE = BARE.replace(
    "w = QMainWindow()",
    """from PySide6.QtCore import Qt
Qt.AlignmentFlag.AlignLeft  # the first use of any Qt.* enum builds the whole namespace
w = QMainWindow()""",
)

MINIMAL_EDITOR = """
import sys
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QDockWidget, QFormLayout, QLineEdit, QListWidget,
    QMainWindow, QPlainTextEdit, QScrollArea, QSplitter, QTextBrowser, QToolBar, QWidget)
app = QApplication(sys.argv[:1])
text = open(sys.argv[1], encoding="utf-8").read()
w = QMainWindow(); w.resize(1280, 800)
for title in ("&File", "&Edit", "&View", "&Help"):
    w.menuBar().addMenu(title)
tools = QToolBar(); tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
for name in ("New Entry", "Open", "Save", "Review Changes"):
    tools.addAction(name)
w.addToolBar(tools)
dock = QDockWidget("Collection"); dock.setWidget(QListWidget())
w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
form = QWidget(); rows = QFormLayout(form)
for n in range(17):
    rows.addRow(f"Field {n}", QLineEdit(text[n * 20:n * 20 + 40]))
scroll = QScrollArea(); scroll.setWidgetResizable(True); scroll.setWidget(form)
split = QSplitter()
for pane in (scroll, QPlainTextEdit(text), QTextBrowser()):
    split.addWidget(pane)
w.setCentralWidget(split)
w.statusBar().showMessage(sys.argv[1])
w.show()
app.processEvents()
print("shown", flush=True)
"""


# the same window without the dock and the toolbar's text style: no Qt.* enum at all
MINIMAL_NO_ENUM = (
    MINIMAL_EDITOR.replace("from PySide6.QtCore import Qt\n", "")
    .replace("tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)", "")
    .replace("w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)", "")
)
assert "Qt." not in MINIMAL_NO_ENUM


def time_child(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, cwd=REPO
    )
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    proc.kill()
    proc.wait()
    if "shown" not in line:
        raise SystemExit(f"the child did not show a window: {cmd}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--command", help="time this launcher too (e.g. a frozen qteditor)")
    ap.add_argument(
        "--floors",
        action="store_true",
        help="also time PySide6 floors: the Qt namespace, a minimal editor-shaped window",
    )
    ap.add_argument(
        "--no-compile",
        action="store_true",
        help="do not byte-compile qteditor first (an installed app has its .pyc files)",
    )
    args = ap.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(REPO)
    env["QTEDITOR_STARTUP_PROBE"] = "1"
    py = sys.executable
    if not args.no_compile:  # as installed (pip and the bundle ship byte code)
        subprocess.run(
            [py, "-m", "compileall", "-q", str(REPO / "qteditor")], check=True, stdout=subprocess.DEVNULL
        )
    rows = {"bare QMainWindow": [py, "-c", BARE]}
    if args.floors:
        rows["+ Qt namespace"] = [py, "-c", QT_NAMESPACE]
        rows["minimal window, no Qt.*"] = [py, "-c", MINIMAL_NO_ENUM, str(ENTRY)]
        rows["minimal editor window"] = [py, "-c", MINIMAL_EDITOR, str(ENTRY)]
    rows["qteditor (source)"] = [py, "-m", "qteditor", "--startup-probe", str(ENTRY)]
    if args.command:
        rows["qteditor (command)"] = [*args.command.split(), "--startup-probe", str(ENTRY)]
    results = {}
    for _ in range(args.runs):  # interleaved, so load on the machine hits all alike
        for name, cmd in rows.items():
            results.setdefault(name, []).append(time_child(cmd, env))
    base = statistics.median(results["bare QMainWindow"])
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'display')}; median of {args.runs} runs")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:24} {med * 1000:8.0f} ms   ratio {med / base:5.2f}")


if __name__ == "__main__":
    main()
