"""Handles a writer can find: the panes' splitter handles and the browser dock's edge.

Fusion draws both as a few faint dots. A splitter handle here is a thin line that turns the
highlight colour under the pointer (and while dragged); the separator between the browser and
the editor gets the same look from a style rule set on the window after its first frame (a
style sheet on the window restyles every widget under it: done once the window is shown, so
start-up does not pay for it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSplitter, QSplitterHandle, QWidget

HANDLE_WIDTH = 5  # px (as wide as Fusion's): drawn as a 1 px line, 3 px under the pointer

SEPARATOR_STYLE = (
    "QMainWindow::separator { background: palette(midlight); width: 5px; height: 5px; }"
    "QMainWindow::separator:hover { background: palette(highlight); }"
)


class LineHandle(QSplitterHandle):
    """A splitter handle drawn as a line in the middle of its width."""

    def __init__(self, orientation: Qt.Orientation, parent: QSplitter):
        super().__init__(orientation, parent)
        self.hovered = False
        self.dragging = False
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.HoverEnter, QEvent.Type.HoverLeave):
            self.hovered = kind == QEvent.Type.HoverEnter
            self.update()
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        active = self.hovered or self.dragging
        role = QPalette.ColorRole.Highlight if active else QPalette.ColorRole.Mid
        thick = 3 if active else 1
        rect = self.rect()
        if self.orientation() == Qt.Orientation.Horizontal:
            x = (rect.width() - thick) // 2
            painter.fillRect(x, 0, thick, rect.height(), self.palette().color(role))
        else:
            y = (rect.height() - thick) // 2
            painter.fillRect(0, y, rect.width(), thick, self.palette().color(role))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.dragging = True
        self.update()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.dragging = False
        self.update()
        super().mouseReleaseEvent(event)


def style_separators(window: QWidget) -> None:
    """The dock separators' rule, set on the window (``SEPARATOR_STYLE``)."""
    sheet = window.styleSheet()
    if SEPARATOR_STYLE not in sheet:
        window.setStyleSheet(sheet + SEPARATOR_STYLE)
