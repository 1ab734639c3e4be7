"""Starting the window: application, palette that follows the system, what to open first."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..core.spelling import Speller
from .icons import app_icon
from .main_window import MainWindow
from .preview import warm_up
from .settings import Settings


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#0d1117"), QColor("#161b22"), QColor("#e6edf3")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.Highlight, QColor("#1f6feb")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#7d8590")),
        (QPalette.ColorRole.Link, QColor("#4493f8")),
        # the 3D roles (frames, splitter handles, the dock's edge): dark ones, not the light
        # palette's greys, which glare on a dark window
        (QPalette.ColorRole.Light, QColor("#3d444d")),
        (QPalette.ColorRole.Midlight, QColor("#30363d")),
        (QPalette.ColorRole.Mid, QColor("#484f58")),
        (QPalette.ColorRole.Dark, QColor("#010409")),
        (QPalette.ColorRole.Shadow, QColor("#000000")),
    ):
        p.setColor(role, color)
    return p


# how long a Python thread holds the interpreter before another may run (CPython's default is
# 5 ms): the window's thread takes it back for each of its many Python calls while it paints
# (a table's cells are hundreds), and a thread that checks a collection in Python made each
# of them wait up to the whole interval (seconds of frozen window at 36,000 entries)
SWITCH_INTERVAL_S = 0.0005


def make_app(argv: list[str] | None = None) -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = cast("QApplication | None", QApplication.instance())  # typed as the core application
    fusion = sys.platform.startswith("linux")
    if app is None:
        args = list(argv if argv is not None else sys.argv[:1])
        if fusion and "-style" not in args:  # as setStyle does, without wrapping a QStyle
            args += ["-style", "Fusion"]  # (its Python type and enums: ~10 ms of start-up)
        app = QApplication(args)
    elif fusion:
        app.setStyle("Fusion")
    app.setApplicationName("qteditor")
    app.setOrganizationName("qteditor")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    if fusion:
        hints = QGuiApplication.styleHints()

        def follow(scheme: Qt.ColorScheme) -> None:
            app.setPalette(dark_palette() if scheme == Qt.ColorScheme.Dark else app.style().standardPalette())

        if hints.colorScheme() == Qt.ColorScheme.Dark:
            follow(Qt.ColorScheme.Dark)
        hints.colorSchemeChanged.connect(follow)  # the system switched light/dark
    return app


def first_target(path: str | None, settings: Settings) -> Path:
    if path:
        return Path(path)
    last = settings.get("files/last_collection")
    if last and Path(last).is_dir():
        return Path(last)
    from ..core.resources import sample_site

    # the user's own copy: the bundled one may be read-only, or inside qteditor's git checkout
    return sample_site() / "content" / "learn"


def run(path: str | None = None, exit_process: bool = False) -> int:
    """Show the window and run until it closes. With ``exit_process`` (the ``qteditor``
    command) the process then ends at once (``finish``)."""
    app = make_app()
    settings = Settings()
    speller = Speller(start=False)
    window = MainWindow(settings, speller=speller)
    window.open_path(str(first_target(path, settings)))
    window.show()
    # after the first paint: the dictionary, the renderer and the typesetter load in the background
    QTimer.singleShot(200, speller.start)
    QTimer.singleShot(400, window.offer_recovery)  # edits journaled before a crash
    QTimer.singleShot(0, lambda: threading.Thread(target=warm_up, daemon=True).start())
    code = app.exec()
    return finish(app, window, settings, code, exit_process)


def finish(app: QApplication, window: MainWindow, settings: Settings, code: int, exit_process: bool) -> int:
    """After the event loop: stop the background work and, with ``exit_process``, end the
    process now rather than after the index's workers (seconds, while a collection is being
    read) and the interpreter's teardown of every module and Qt object (a quarter second).

    Nothing is lost: saves run on the window's thread, so they are done (the window's
    closeEvent saved, discarded or journaled the edits); a window still open (the session
    ended without closing it) journals its edits now; the settings are written; every thread
    that is not a daemon (one that may write) is waited for, as at any exit; Qt's exit runs
    (the clipboard goes to the clipboard manager) and so do the ``atexit`` functions.
    What is dropped is only work for the window: renders, searches, files being indexed
    (the index is a cache and keeps what it committed)."""
    if window.isVisible():
        window.write_journal()
    window.collection_panel.shutdown()
    window.git.shutdown()
    window.preview.shutdown()
    settings.store.sync()
    if not exit_process:
        return code
    if "qteditor.core.collection" in sys.modules:  # an index was opened: none starts now
        sys.modules["qteditor.core.collection"].stop_workers(quitting=True)
    import atexit
    import os

    wait = getattr(threading, "_shutdown", None)  # what the interpreter's exit runs first
    if wait is None:
        return code
    wait()  # the executors' idle threads are woken, then every thread that is not a daemon ends
    shutdown = getattr(app, "shutdown", None)  # PySide6 6.x: QApplication's destructor now
    if shutdown is not None:
        shutdown()
    else:
        import shiboken6

        shiboken6.delete(app)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(code)
