"""A one-line note inside a pane, with one action button (like the ambiguity note): the
similar-question warning of a new entry, with "Open it"."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class InlineNote(QWidget):
    """Text, an action button and a close button; hidden until ``show_note``."""

    activated = Signal(str)  # the note's target (a path)

    def __init__(self, action_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.target = ""
        self.label = QLabel()
        self.label.setWordWrap(True)  # never widens the pane
        self.label.setStyleSheet("color: #9a6700; font-size: 9pt;")
        self.button = QPushButton(action_text)
        self.button.setAutoDefault(False)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.button)
        lay.addWidget(self.close_button)
        self.button.clicked.connect(lambda: self.activated.emit(self.target))
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_note(self, text: str | None, target: str = "") -> None:
        """Show ``text`` (plain) with the action for ``target``; ``None`` hides the note."""
        self.target = target
        self.label.setText(text or "")
        self.setVisible(bool(text))
