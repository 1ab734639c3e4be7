"""The Problems panel: the open entry's problems as a list — severity, field, message and a
Fix button where a fix exists — one short line when there are none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint

    from ..core.checks import Problem

COLOURS = {"error": "#cf222e", "warning": "#9a6700", "info": "#0969da"}
ORDER = {"error": 0, "warning": 1, "info": 2}


def severity_icon(severity: str, size: int = 12) -> QIcon:
    """A round mark in the severity's colour (drawn, so it follows no icon theme)."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor(COLOURS.get(severity, "#57606a")))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pix)


class ProblemsPanel(QWidget):
    """Emits what the user asks for; the window decides what it means."""

    activated = Signal(object)  # a Problem: show its field
    fixRequested = Signal(object)  # a Problem: fix it in this entry
    fixAllRequested = Signal(str)  # a rule: fix it in the whole collection (after the diff)
    heightWanted = Signal(int)  # the panel's natural height for what it shows

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.problems: list = []
        self.can_fix_all: Callable[[Problem], bool] = lambda problem: False
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Severity", "Field", "Problem", ""])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(False)
        head = self.tree.header()
        head.setStretchLastSection(False)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        self.tree.itemActivated.connect(lambda item, _col: self._activate(item))
        self.empty = QLabel("No problems in this entry.")
        self.empty.setStyleSheet("color: palette(placeholder-text); padding: 4px 8px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tree)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

    def show_problems(self, problems: list, empty_text: str = "No problems in this entry.") -> None:
        self.problems = sorted(problems, key=lambda p: (ORDER.get(p.severity, 3), p.line or 0))
        self.tree.clear()
        for p in self.problems:
            item = QTreeWidgetItem(["", p.field or "", p.message, ""])
            item.setIcon(0, severity_icon(p.severity))
            item.setText(0, p.severity)
            item.setToolTip(2, f"{p.message}\n[{p.rule}]" + (f"\nfix: {p.fix}" if p.fix else ""))
            item.setData(0, Qt.ItemDataRole.UserRole, p)
            self.tree.addTopLevelItem(item)
            if p.fix is not None:
                button = QPushButton("Fix")
                button.setToolTip("Fix this in the entry (saved with the next Save)")
                button.setFlat(True)
                button.clicked.connect(lambda _c=False, p=p: self.fixRequested.emit(p))
                holder = QWidget()
                row = QHBoxLayout(holder)
                row.setContentsMargins(0, 0, 4, 0)
                row.addWidget(button)
                self.tree.setItemWidget(item, 3, holder)
        self.empty.setText(empty_text)
        self.stack.setCurrentWidget(self.tree if self.problems else self.empty)
        self.heightWanted.emit(self.natural_height())

    def natural_height(self) -> int:
        """One line when empty; else the rows shown (up to six) and the header."""
        if not self.problems:
            return self.empty.sizeHint().height() + 6
        row = max(self.tree.sizeHintForRow(0), self.fontMetrics().height() + 8)
        return self.tree.header().sizeHint().height() + row * min(len(self.problems), 6) + 8

    def _activate(self, item: QTreeWidgetItem) -> None:
        problem = item.data(0, Qt.ItemDataRole.UserRole)
        if problem is not None:
            self.activated.emit(problem)

    def actions_for(self, problem: Problem) -> list[tuple[str, Callable[[], object]]]:
        """(label, callable) of the menu of one problem: "Fix all" only for a rule that can
        fix something."""
        out: list[tuple[str, Callable[[], object]]] = []
        if problem.fix is not None:
            out.append(("Fix in this entry", lambda: self.fixRequested.emit(problem)))
        if self.can_fix_all(problem):
            out.append(
                (
                    f"Fix all “{problem.rule}” in the collection…",
                    lambda: self.fixAllRequested.emit(problem.rule),
                )
            )
        out.append(("Show the field", lambda: self.activated.emit(problem)))
        return out

    def _menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        problem = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if problem is None:
            return
        menu = QMenu(self)
        for label, fn in self.actions_for(problem):
            menu.addAction(label, fn)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
