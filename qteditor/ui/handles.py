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

# as wide as Fusion's own separator (6 px): styled after the first frame, it must not move the
# panes (a test opening the find bar compares their sizes)
SEPARATOR_STYLE = (
    "QMainWindow::separator { background: palette(midlight); width: 6px; height: 6px; }"
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
        # a rectangle without outline: the pixels fillRect would fill, without fillRect's
        # overloads (choosing among them builds QGradient's Python type and enums: ~5 ms of
        # the first frame)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(role))
        if self.orientation() == Qt.Orientation.Horizontal:
            painter.drawRect((rect.width() - thick) // 2, 0, thick, rect.height())
        else:
            painter.drawRect(0, (rect.height() - thick) // 2, rect.width(), thick)
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
