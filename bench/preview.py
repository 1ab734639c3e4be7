"""Preview benchmark: latency from the last keystroke to the updated preview, for a typical
entry (target <= 50 ms) and a 200 KB answer (typing must stay responsive; render time reported).
References in the same run: a bare QPlainTextEdit's keystroke time (typical and 200 KB text), and
the answer editor alone (its highlighting, spelling and marks without the window's work).

    .venv/bin/python bench/preview.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from bench.roundtrip import typical_entry
from qteditor.core.entry import Entry
from qteditor.ui.app import make_app
from qteditor.ui.main_window import MainWindow
from qteditor.ui.preview import warm_up
from qteditor.ui.settings import Settings

KEYS = "abcdefghij"


def pump(app: QApplication, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()


def type_and_wait(app: QApplication, window: MainWindow, gap: float) -> tuple[float, list[float]]:
    """Type KEYS with ``gap`` seconds between keys; return (latency after last key, key times)."""
    edit = window.editor.edit
    key_times = []
    for i, ch in enumerate(KEYS):
        t = time.perf_counter()
        QTest.keyClick(edit, ch)
        app.processEvents()
        key_times.append(time.perf_counter() - t)
        if i < len(KEYS) - 1:
            pump(app, gap)
    last = t  # the moment of the last keystroke
    want = window.session.fields["answer"]
    while window.preview.pending or want[-12:] not in _shown_text(window):
        app.processEvents()
        if time.perf_counter() - last > 30:
            raise SystemExit("the preview never caught up")
    return time.perf_counter() - last, key_times


def _shown_text(window: MainWindow) -> str:
    return window.preview.browser.toPlainText().replace("\u2029", "\n")


def bench(app: QApplication, answer: str | None, label: str, trials: int) -> None:
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    path = tmp / "entry.md"
    raw = typical_entry().read_bytes()
    if answer is not None:
        entry = Entry.from_bytes(raw)
        fields = entry.fields()
        fields["answer"] = answer
        raw = entry.render(fields)[0]
    path.write_bytes(raw)
    window = MainWindow(settings)
    window.resize(1280, 800)
    window.open_file(path)
    window.show()
    renders: list[float] = []
    window.preview.rendered.connect(renders.append)
    pump(app, 0.5)
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    latencies, keys = [], []
    for _ in range(trials):
        latency, key_times = type_and_wait(app, window, 0.03)
        latencies.append(latency)
        keys += key_times
    size = len(window.session.fields["answer"])
    print(
        f"{label:28} answer {size:>8,} chars   latency after last key: median "
        f"{statistics.median(latencies) * 1000:6.1f} ms, max {max(latencies) * 1000:6.1f} ms"
    )
    print(
        f"{'':28} keystroke handling: median {statistics.median(keys) * 1000:5.2f} ms, "
        f"max {max(keys) * 1000:6.2f} ms; render: median {statistics.median(renders) * 1000:6.1f} ms"
    )
    window.session.saved_fields = window.session.fields
    window.close()


def _keys(app: QApplication, edit: QPlainTextEdit, gap: float = 0.03) -> list[float]:
    """KEYS three times at the end of ``edit``, ``gap`` seconds apart, a pause after each ten."""
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    times = []
    for _burst in range(3):
        for i, ch in enumerate(KEYS):
            t = time.perf_counter()
            QTest.keyClick(edit, ch)
            app.processEvents()
            times.append(time.perf_counter() - t)
            pump(app, gap if i < len(KEYS) - 1 else 0.4)  # the pause: marks and word count
    return times


def bare_reference(app: QApplication, text: str, label: str = "reference: bare QPlainTextEdit") -> None:
    edit = QPlainTextEdit()
    edit.resize(450, 560)
    edit.setPlainText(text)
    edit.show()
    times = _keys(app, edit)
    print(
        f"{label:28} keystroke handling: median "
        f"{statistics.median(times) * 1000:5.2f} ms, max {max(times) * 1000:6.2f} ms"
    )
    edit.close()


def editor_alone(app: QApplication, text: str) -> None:
    """The answer editor without the window: highlighting, spelling, marks, word count."""
    from qteditor.core import codec
    from qteditor.core.spelling import Speller
    from qteditor.ui.answer_editor import AnswerEditor

    speller = Speller()
    speller.wait(30)
    editor = AnswerEditor(speller)
    editor.resize(450, 600)
    editor.set_text(text, codec.ESCAPED)  # marked as the site's answers are
    editor.show()
    pump(app, 0.3)
    times = _keys(app, editor.edit)
    print(
        f"{'answer editor alone, 200 KB':28} keystroke handling: median "
        f"{statistics.median(times) * 1000:5.2f} ms, max {max(times) * 1000:6.2f} ms (spelling on)"
    )
    editor.close()


def main() -> None:
    app = make_app()
    warm_up()
    typical = Entry.load(typical_entry()).fields()["answer"]
    big = (typical + "\n\n") * (200_000 // (len(typical) + 2) + 1)
    bare_reference(app, typical)
    bench(app, None, "typical entry", 8)
    bare_reference(app, big[:200_000], "reference: bare, 200 KB")
    editor_alone(app, big[:200_000])
    bench(app, big[:200_000], "200 KB answer", 3)


if __name__ == "__main__":
    main()
