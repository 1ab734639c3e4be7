"""A file that cannot be read as an entry: the message, and its text with the bad line marked;
the text can be corrected and saved once it reads as an entry (a binary file stays read-only)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import QtEditorError


class ErrorView(QWidget):
    """A file that cannot be read as an entry: the message, and its text with the bad line.
    The text can be corrected here; it is saved only once it reads as an entry."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.path: Path | None = None
        self.raw = b""
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #cf222e; font-weight: bold; padding: 8px;")
        self.text = QPlainTextEdit()
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.save_button = QPushButton("Save corrected text")
        self.save_button.setToolTip("Written only if the text reads as an entry")
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.text, 1)
        lay.addLayout(bar)

    def show_error(
        self, error: QtEditorError, raw: bytes, path: Path | None = None, readable: bool = True
    ) -> None:
        """Show the file's text at its error; editable only when it is text that was read
        (binary text, or nothing read, stays read-only and says so)."""
        self.path = path
        self.raw = raw  # what was read: the corrected text is saved only over these bytes
        editable = readable
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            editable = False  # not text: nothing here may be written back
        if "\x00" in text:
            editable = False
            text = text.replace("\x00", "\u2400")
        self.text.setReadOnly(not editable)
        self.save_button.setEnabled(editable)
        self.save_button.setVisible(editable)
        what = (
            "Correct the text below and save it."
            if editable
            else "It is shown read-only: it is not text that can be corrected here."
        )
        self.message.setText(
            f"This file cannot be opened as an entry; nothing has been written to it. {what}\n{error}"
        )
        self.text.setPlainText(text)
        self.text.document().setModified(False)  # (corrected here: what a change on disk keeps)
        self.mark(error)

    def mark(self, error: QtEditorError) -> None:
        block = self.text.document().findBlockByNumber(max(0, error.line - 1))
        cur = QTextCursor(block)
        cur.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(error.column - 1, block.length() - 1)))
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 230, 0, 110))
        fmt.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
        sel.format = fmt
        sel.cursor = QTextCursor(block)
        self.text.setExtraSelections([sel])
        self.text.setTextCursor(cur)
        self.text.centerCursor()
