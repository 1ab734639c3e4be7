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
from .main_window import MainWindow, sample_collection
from .preview import warm_up
from .settings import Settings


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#0d1117"), QColor("#161b22"), QColor("#e6edf3")
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, QColor("#1f6feb")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.ToolTipBase, window), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#7d8590")), (QPalette.ColorRole.Link, QColor("#4493f8")),
    ):
        p.setColor(role, color)
    return p


def make_app(argv: list[str] | None = None) -> QApplication:
    app = cast(QApplication,  # (instance() is typed as the core application)
               QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1]))
    app.setApplicationName("qteditor")
    app.setOrganizationName("qteditor")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    if sys.platform.startswith("linux"):
        app.setStyle("Fusion")
        hints = QGuiApplication.styleHints()

        def follow(scheme) -> None:
            app.setPalette(dark_palette() if scheme == Qt.ColorScheme.Dark
                           else app.style().standardPalette())

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
    return sample_collection()


def run(path: str | None = None) -> int:
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
    return app.exec()
