"""Batch edit's first step: which field, and its new value, in that field's own editor.

The dialog only collects the choice (``assignment()`` gives ``KEY=VALUE``); the workspace plans
the change and the window shows its diff before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.schema import Field, Schema
from .dialogs import accept_buttons

EDITABLE = ("string", "text", "keywords", "bool", "date", "int", "float")


def batch_fields(schema: Schema) -> list[Field]:
    """The fields one value can be set on for many entries: scalars, not the unique id, not
    the answer or the related articles, not the schema's own marker."""
    return [
        f for f in schema.fields if f.type in EDITABLE and f.key not in ("id", "_schema") and not f.repeat
    ]


class BatchEditDialog(QDialog):
    """Pick a field from the schema and type its value in the field's editor."""

    def __init__(
        self, schema: Schema, count: int, subjects: list[str] | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Set a field")
        self.fields = batch_fields(schema)
        self.field_box = QComboBox()
        self.editors = QStackedWidget()
        self._readers = []
        for f in self.fields:
            self.field_box.addItem(f"{f.label}  ({f.key})", f.key)
            widget, read = self._editor(f, subjects or [])
            self.editors.addWidget(widget)
            self._readers.append(read)
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: palette(placeholder-text);")
        many = "entry" if count == 1 else "entries"
        intro = QLabel(
            f"Set one field on {count} selected {many}. The next step shows every "
            "line that will change; nothing is written before you apply it."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Field", self.field_box)
        form.addRow("New value", self.editors)
        buttons, self.next_button = accept_buttons(self, "Show Changes…", bool(self.fields))
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.help)
        lay.addWidget(buttons)
        self.setMinimumWidth(520)
        self._field_changed(0)

    def _editor(self, f: Field, subjects: list[str]) -> tuple[QWidget, Callable[[], str]]:
        if f.type == "bool":
            box = QCheckBox("yes")
            return box, lambda: "true" if box.isChecked() else "false"
        if f.type == "date":
            edit = QDateEdit(QDate.currentDate())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")

            def read_date() -> str:
                q = edit.date()
                return dt.date(q.year(), q.month(), q.day()).isoformat()

            return edit, read_date
        if f.key == "subject" or f.key.endswith(".subject"):
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(subjects)
            combo.setCurrentIndex(-1)
            combo.lineEdit().setPlaceholderText(f.placeholder or "Choose or type a subject")  # type: ignore[union-attr]
            return combo, combo.currentText
        line = QLineEdit()
        line.setPlaceholderText(f.placeholder)
        if f.type == "int":
            line.setValidator(QIntValidator())
        elif f.type == "float":
            line.setValidator(QDoubleValidator())
        elif f.type == "keywords":
            line.setPlaceholderText(f.placeholder or f"keywords separated by '{f.separator or ', '}'")
        return line, line.text

    def _field_changed(self, index: int) -> None:
        if not 0 <= index < len(self.fields):
            return
        self.editors.setCurrentIndex(index)
        f = self.fields[index]
        self.help.setText(f.help or "")
        self.help.setVisible(bool(f.help))

    def select(self, key: str) -> None:
        """Choose a field by its key (for keyboard users and tests)."""
        index = self.field_box.findData(key)
        if index >= 0:
            self.field_box.setCurrentIndex(index)

    def editor(self) -> QWidget:
        return self.editors.currentWidget()  # type: ignore[return-value]  # a page is always shown

    def key(self) -> str:
        return self.field_box.currentData() or ""

    def value(self) -> str:
        index = self.field_box.currentIndex()
        return self._readers[index]() if 0 <= index < len(self._readers) else ""

    def assignment(self) -> str:
        """The choice as the CLI writes it: ``KEY=VALUE``."""
        return f"{self.key()}={self.value()}"
