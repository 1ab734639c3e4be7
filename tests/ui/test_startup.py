"""Start-up: the window shows the entry before the heavy parts load, and they load after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from qteditor.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
ENTRY = (
    REPO
    / "resources/sample/content/learn/chemistry"
    / "how-do-you-balance-the-equation-for-burning-methane.md"
)

# What the first frame must not wait for: the index (worker pool, SQLite), the dialogs, the
# checks, the command-line parser, the renderer and typesetter, the spelling dictionary, the
# YAML parser (the entry is read by the scanner, the schema from its cached parse).
LATER = (
    "qteditor.core.collection",
    "multiprocessing",
    "sqlite3",
    "qteditor.ui.dialogs",
    "qteditor.core.checks",
    "markdown_it",
    "ziamath",
    "spellchecker",
    "qteditor.core.render",
    "socket",
    "uuid",
    "difflib",
    "html",  # the notices escape names with it: only when one needs it
    "platform",
    "qteditor.core.git",
    "qteditor.core.changes",
    "qteditor.ui.help",
    "PySide6.QtSvg",
    "ruamel.yaml",
    "_ruamel_yaml",
    "qteditor.core.yaml.spans",
)

# Qt classes whose Python types (built by PySide6 on first use, with their enums) the first frame
# does without: the dialogs' (QMessageBox, QFileDialog), and QGradient (built when fillRect's
# overloads are weighed)
LATER_TYPES = ("QMessageBox", "QFileDialog", "QDialog", "QGradient")

PROBE = """
import json, sys, tempfile
from PySide6.QtCore import QSettings
from qteditor.ui.app import make_app
from qteditor.ui.main_window import MainWindow
from qteditor.ui.settings import Settings
app = make_app()
w = MainWindow(Settings(QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)))
w.open_path(sys.argv[1])
w.show()
app.processEvents()
first = {m: m in sys.modules for m in json.loads(sys.argv[2])}
import PySide6.QtGui, PySide6.QtWidgets
built = [n for n in json.loads(sys.argv[3]) if n in vars(PySide6.QtWidgets) or n in vars(PySide6.QtGui)]
lazy = "QCalendarWidget" not in vars(PySide6.QtWidgets)  # this PySide6 builds types on first use
shown = w.session is not None and w.form.isVisible() and w.editor.edit.toPlainText() != ""
from PySide6.QtCore import QTimer
QTimer.singleShot(600, app.quit)
app.exec()
print(json.dumps({"first": first, "built": built, "lazy": lazy, "shown": shown,
                  "scanned": w.collection_panel.collection is not None, "style": app.style().name()}))
w.session.discard_changes()
"""


def test_first_frame_shows_the_entry_without_the_heavy_modules(tmp_path, monkeypatch):
    from qteditor.core.resources import resource
    from qteditor.core.schema import read_schema_data

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    read_schema_data(resource("schema", "quicktakes.yaml"))  # as any start after the first
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(REPO),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ENTRY), json.dumps(LATER), json.dumps(LATER_TYPES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["shown"], "the first frame shows the entry's fields and answer"
    loaded = [m for m, present in result["first"].items() if present]
    assert loaded == [], f"loaded before the first frame: {loaded}"
    if result["lazy"]:  # (older PySide6 releases build every type at import)
        assert result["built"] == [], f"Python types built before the first frame: {result['built']}"
    assert result["scanned"], "the collection is indexed once the window is on screen"
    if sys.platform.startswith("linux"):  # given on the command line, not by setStyle
        assert result["style"] == "fusion"


ORDER_PROBE = """
import json, sys
from qteditor.cli import main  # the window's way in: cli, then qteditor.ui.app
from qteditor.ui.app import run
from qteditor.ui.main_window import MainWindow
names = list(sys.modules)
qt = names.index("PySide6")
print(json.dumps({"after": [n for n in names[qt:] if n.startswith("qteditor.core")],
                  "before": [n for n in names[:qt] if n.startswith("qteditor.core")]}))
"""


def test_the_windows_core_modules_load_before_pyside6():
    """PySide6 reads the source of every module imported after it (its ``__feature__`` import
    hook): the core modules of the first frame load first (``qteditor/ui/__init__.py``)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", ORDER_PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "qteditor.core.entry" in result["before"]
    assert result["after"] == [], f"core modules imported after PySide6: {result['after']}"


def test_what_waits_for_the_paint_is_there_once_the_window_has_painted(qtbot, settings):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    w = MainWindow(settings)
    w.PAINT_FALLBACK_MS = 600_000  # only the paint can bring them
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.open_path(str(ENTRY))
    assert not w.form._wheel_guarded
    assert w.help_menu.actions() == [] and not hasattr(w, "act_guide")
    w.show()
    qtbot.waitUntil(lambda: w.form._wheel_guarded, timeout=3000)
    # the wheel over a text box the user has not clicked into scrolls the form
    bar = w.form.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    box = w.form.rows[("seo", "page_description")].widget.focusProxy()
    w.editor.edit.setFocus()
    centre = QPointF(box.viewport().width() / 2, box.viewport().height() / 2)
    QApplication.sendEvent(
        box.viewport(),
        QWheelEvent(
            centre,
            QPointF(box.viewport().mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, -240),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )
    assert bar.value() > 0
    qtbot.waitUntil(lambda: w.preview.last_html != "", timeout=5000)  # the preview rendered
    helps = [a.text().replace("&", "") for a in w.help_menu.actions() if not a.isSeparator()]
    assert helps == ["User Guide", "Keyboard Shortcuts", "Copy System Information", "About qteditor"]
    w.session.discard_changes()


def test_work_waits_for_the_first_paint(qtbot, settings):
    w = MainWindow(settings)
    w.PAINT_FALLBACK_MS = 600_000  # only the paint can start it here
    qtbot.addWidget(w)
    ran = []
    w.after_first_paint(lambda: ran.append("scan"))
    assert ran == []
    w.show()
    qtbot.waitUntil(lambda: ran == ["scan"], timeout=2000)
    w.after_first_paint(lambda: ran.append("later"))  # once painted: on the next turn
    qtbot.waitUntil(lambda: ran == ["scan", "later"], timeout=2000)


def test_a_window_that_never_paints_still_runs_its_deferred_work(qtbot, settings):
    w = MainWindow(settings)
    w.PAINT_FALLBACK_MS = 50
    qtbot.addWidget(w)
    ran = []
    w.after_first_paint(lambda: ran.append("scan"))
    qtbot.waitUntil(lambda: ran == ["scan"], timeout=2000)
    assert not w.isVisible()


def test_a_shown_window_waits_for_its_paint_past_the_fallback(qtbot, settings):
    """Opening a large folder lists it before the window is shown, so the fallback may fall due
    before the first paint: a shown window then keeps waiting for its paint (four more periods
    at most) instead of running the work first."""
    from PySide6.QtCore import QEvent, QObject

    class NoPaint(QObject):  # a window whose paint is slow to come
        def eventFilter(self, obj, event):  # noqa: N802 - Qt override
            return event.type() == QEvent.Type.Paint

    w = MainWindow(settings)
    w.PAINT_FALLBACK_MS = 200
    qtbot.addWidget(w)
    blocker = NoPaint()
    w.installEventFilter(blocker)
    ran = []
    w.after_first_paint(lambda: ran.append(time.monotonic()))
    start = time.monotonic()
    w.show()
    qtbot.wait(500)  # the fallback fell due at 200 ms: shown, not painted, so it waits
    assert ran == []
    qtbot.waitUntil(lambda: ran != [], timeout=5000)  # never painted: runs after all
    assert ran[0] - start >= 0.9


def test_deferred_work_that_fails_does_not_drop_the_rest(qtbot, settings):
    w = MainWindow(settings)
    w.PAINT_FALLBACK_MS = 1
    qtbot.addWidget(w)
    ran = []
    with qtbot.captureExceptions() as exceptions:
        w.after_first_paint(lambda: 1 / 0)
        w.after_first_paint(lambda: ran.append("after"))
        qtbot.waitUntil(lambda: ran == ["after"], timeout=2000)
    assert [type(e[1]) for e in exceptions] == [ZeroDivisionError]


def test_the_window_takes_the_interpreter_back_quickly_from_busy_threads(qapp):
    """The window's thread re-enters Python for each cell it paints; a thread checking a
    collection in Python held the interpreter up to CPython's 5 ms each time (seconds of frozen
    window at 36,000 entries, ``bench/window_open.py``): the application shortens the interval."""
    import sys

    from qteditor.ui.app import SWITCH_INTERVAL_S, make_app

    sys.setswitchinterval(0.005)
    make_app()
    assert sys.getswitchinterval() == SWITCH_INTERVAL_S <= 0.001


def test_the_first_start_opens_the_users_own_copy_of_the_sample(settings, tmp_path):
    """With no path and no last collection the window opens the sample as the user's copy in
    the data folder (the test's XDG_DATA_HOME): never the bundle, which an installed app keeps
    read-only and a source checkout keeps inside qteditor's own git repository."""
    from qteditor.core.resources import resource
    from qteditor.ui.app import first_target

    target = first_target(None, settings)
    assert target == tmp_path / "data" / "qteditor" / "sample" / "content" / "learn"
    assert sorted(p.name for p in target.rglob("*.md")) == sorted(
        p.name for p in (resource("sample") / "content" / "learn").rglob("*.md")
    )
    settings.set("files/last_collection", str(tmp_path))  # a collection opened before wins
    assert first_target(None, settings) == tmp_path
    assert first_target("elsewhere.md", settings) == Path("elsewhere.md")
