"""Start-up benchmark: process start -> main window shown with an entry open, beside a bare
QMainWindow in the same run. Target: ratio <= 1.3.

    .venv/bin/python bench/startup.py [--runs N] [--command "qteditor-binary"]

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
ENTRY = REPO / "resources" / "sample" / "content" / "learn" / "chemistry" / \
    "how-do-you-balance-the-equation-for-burning-methane.md"

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1280, 800); w.show()
app.processEvents()
print("shown", flush=True)
"""

def time_child(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                            text=True, cwd=REPO)
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
    args = ap.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(REPO)
    env["QTEDITOR_STARTUP_PROBE"] = "1"
    py = sys.executable
    rows = {"bare QMainWindow": [py, "-c", BARE],
            "qteditor (source)": [py, "-m", "qteditor", "--startup-probe", str(ENTRY)]}
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
        print(f"{name:22} {med * 1000:8.0f} ms   ratio {med / base:5.2f}")


if __name__ == "__main__":
    main()
