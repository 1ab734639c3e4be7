"""Edit ▸ Undo and Redo act on the text field that has the focus, with that field's own history:
the answer editor's, a form field's, the browser's search box's. A list, a button or a field that
takes no typing (a locked URL) has nothing to undo, and the actions are disabled there."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QWidget

TextField = QLineEdit | QPlainTextEdit | QTextEdit


def undo_target(widget: QWidget | None) -> TextField | None:
    """The text field whose history Undo acts on when ``widget`` has the focus, if any: the
    widget itself, an editable list's or a date box's line."""
    if isinstance(widget, QComboBox):
        widget = widget.lineEdit()
    elif isinstance(widget, QAbstractSpinBox):
        widget = widget.findChild(QLineEdit)
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)) and not widget.isReadOnly():
        return widget
    return None


def _can(field: TextField, redo: bool) -> bool:
    if isinstance(field, QLineEdit):
        return field.isRedoAvailable() if redo else field.isUndoAvailable()
    doc = field.document()
    return doc.isRedoAvailable() if redo else doc.isUndoAvailable()


class FocusUndo(QObject):
    """Drives the window's Undo and Redo actions: what they do, and whether they are enabled,
    follow the focused field (kept up to date as it is typed in)."""

    def __init__(self, parent: QWidget, undo: QAction, redo: QAction, menu: QMenu | None = None):
        super().__init__(parent)
        self.undo_action, self.redo_action = undo, redo
        self._watched: TextField | None = None
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window exists only in a widgets application
        app.focusChanged.connect(self._focus_changed)
        if menu is not None:  # shown as it is when the menu opens, whatever happened meanwhile
            menu.aboutToShow.connect(self.update)
        self.update()

    def target(self) -> TextField | None:
        return undo_target(QApplication.focusWidget())

    def undo(self) -> None:
        field = self.target()
        if field is not None:
            field.undo()
        self.update()

    def redo(self) -> None:
        field = self.target()
        if field is not None:
            field.redo()
        self.update()

    def update(self) -> None:
        field = self.target()
        self.undo_action.setEnabled(field is not None and _can(field, False))
        self.redo_action.setEnabled(field is not None and _can(field, True))

    def _focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.undo_action):
            return  # the window is gone (the application's signal outlives it)
        field = self.target()
        if field is not self._watched:
            self._watch(field)
        self.update()

    def _watch(self, field: TextField | None) -> None:
        old, self._watched = self._watched, field
        if old is not None and shiboken6.isValid(old):
            if isinstance(old, QLineEdit):
                old.textChanged.disconnect(self.update)
            else:
                old.undoAvailable.disconnect(self.update)
                old.redoAvailable.disconnect(self.update)
        if field is None:
            return
        if isinstance(field, QLineEdit):
            field.textChanged.connect(self.update)
        else:
            field.undoAvailable.connect(self.update)
            field.redoAvailable.connect(self.update)
