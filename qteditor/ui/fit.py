"""Dialog sizes that fit the screen they open on (a 1280×800 screen shows every dialog whole).
Small on purpose: the Help menu, built with the window, imports it before the first frame."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fit_screen(dialog: QWidget, width: int, height: int, parent: QWidget | None = None) -> None:
    """Size a dialog to (width, height) or less: the available area of the screen it opens on,
    less a margin for the frame and title bar, so that the whole dialog (its buttons too) shows
    on a 1280×800 screen."""
    parent = parent if parent is not None else dialog.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - 60)
        height = min(height, area.height() - 80)
    dialog.resize(max(width, 320), max(height, 240))
