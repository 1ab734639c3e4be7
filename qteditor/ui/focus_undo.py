"""Edit ▸ Undo and Redo act on the text field that has the focus, with that field's own history:
the answer editor's, a form field's, the browser's search box's; or on the history of the widget
the focus is in when that widget keeps one (the related-articles table: ``EditHistory``). A list,
a button or a field that takes no typing (a locked URL) has nothing to undo, and the actions are
disabled there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu, QWidget

TextField = QLineEdit | QPlainTextEdit | QTextEdit


class EditHistory(QObject):
    """The undo history of a widget that is not a text field: the states before each edit
    (``record``) and those undone. A widget keeps one as its ``history`` attribute and says how
    to show a state again (``restore``); Undo and Redo then act on it while the focus is in the
    widget (on it or on one of its children that is not a text field of its own)."""

    changed = Signal()  # what can be undone or redone changed

    def __init__(self, restore: Callable[[Any], None], parent: QObject | None = None):
        super().__init__(parent)
        self._restore = restore
        self._done: list[Any] = []
        self._undone: list[Any] = []

    def record(self, before: Any) -> None:
        """An edit is about to replace the state ``before`` (the redo steps are dropped)."""
        self._done.append(before)
        self._undone.clear()
        self.changed.emit()

    def clear(self) -> None:
        """Another document: nothing to undo."""
        self._done.clear()
        self._undone.clear()
        self.changed.emit()

    def isUndoAvailable(self) -> bool:  # noqa: N802 - the text fields' names
        return bool(self._done)

    def isRedoAvailable(self) -> bool:  # noqa: N802
        return bool(self._undone)

    def undo(self, current: Any) -> None:
        """Show the state before the last edit; ``current`` is what redo brings back."""
        if self._done:
            self._undone.append(current)
            self._restore(self._done.pop())
            self.changed.emit()

    def redo(self, current: Any) -> None:
        if self._undone:
            self._done.append(current)
            self._restore(self._undone.pop())
            self.changed.emit()


class HistoryOwner(Protocol):
    """A widget with an ``EditHistory`` (the related-articles table), and its state now."""

    history: EditHistory

    def state(self) -> Any: ...


Target = TextField | HistoryOwner


def undo_target(widget: QWidget | None) -> Target | None:
    """What Undo acts on when ``widget`` has the focus, if anything: the widget itself, an
    editable list's or a date box's line, or else the nearest widget around it that keeps its
    own history."""
    if isinstance(widget, QComboBox):
        widget = widget.lineEdit()
    elif isinstance(widget, QAbstractSpinBox):
        widget = widget.findChild(QLineEdit)
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return None if widget.isReadOnly() else widget
    while widget is not None:
        if isinstance(getattr(widget, "history", None), EditHistory):
            return cast("HistoryOwner", widget)
        widget = widget.parentWidget()
    return None


def _can(field: Target, redo: bool) -> bool:
    if isinstance(field, QLineEdit):
        return field.isRedoAvailable() if redo else field.isUndoAvailable()
    if isinstance(field, (QPlainTextEdit, QTextEdit)):
        doc = field.document()
        return doc.isRedoAvailable() if redo else doc.isUndoAvailable()
    return field.history.isRedoAvailable() if redo else field.history.isUndoAvailable()


class FocusUndo(QObject):
    """Drives the window's Undo and Redo actions: what they do, and whether they are enabled,
    follow the focused field (kept up to date as it is typed in)."""

    def __init__(self, parent: QWidget, undo: QAction, redo: QAction, menu: QMenu | None = None):
        super().__init__(parent)
        self.undo_action, self.redo_action = undo, redo
        self._watched: Target | None = None
        undo.triggered.connect(self.undo)
        redo.triggered.connect(self.redo)
        app = QApplication.instance()
        assert isinstance(app, QApplication)  # a window exists only in a widgets application
        app.focusChanged.connect(self._focus_changed)
        if menu is not None:  # shown as it is when the menu opens, whatever happened meanwhile
            menu.aboutToShow.connect(self.update)
        self.update()

    def target(self) -> Target | None:
        return undo_target(QApplication.focusWidget())

    def undo(self) -> None:
        field = self.target()
        if isinstance(field, (QLineEdit, QPlainTextEdit, QTextEdit)):
            field.undo()
        elif field is not None:
            field.history.undo(field.state())
        self.update()

    def redo(self) -> None:
        field = self.target()
        if isinstance(field, (QLineEdit, QPlainTextEdit, QTextEdit)):
            field.redo()
        elif field is not None:
            field.history.redo(field.state())
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

    def _watch(self, field: Target | None) -> None:
        old, self._watched = self._watched, field
        if old is not None:
            if isinstance(old, QLineEdit):
                if shiboken6.isValid(old):
                    old.textChanged.disconnect(self.update)
            elif isinstance(old, (QPlainTextEdit, QTextEdit)):
                if shiboken6.isValid(old):
                    old.undoAvailable.disconnect(self.update)
                    old.redoAvailable.disconnect(self.update)
            elif shiboken6.isValid(old.history):
                old.history.changed.disconnect(self.update)
        if field is None:
            return
        if isinstance(field, QLineEdit):
            field.textChanged.connect(self.update)
        elif isinstance(field, (QPlainTextEdit, QTextEdit)):
            field.undoAvailable.connect(self.update)
            field.redoAvailable.connect(self.update)
        else:
            field.history.changed.connect(self.update)
