"""Keywords as a tag list: chips with a remove button, a box to add more; the file's own
separator (", " or ",") is kept when the list is written back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QLayout, QLineEdit, QSizePolicy, QToolButton, QWidget, QWidgetItem

if TYPE_CHECKING:
    from PySide6.QtGui import QResizeEvent
    from PySide6.QtWidgets import QLayoutItem


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping to new lines (like words in a paragraph).
    With ``fill_last`` the last item (an input box) takes the rest of its line, between its
    minimum and maximum width, or starts a line of its own."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4, fill_last: bool = False):
        super().__init__(parent)
        self._items: list = []
        self.fill_last = fill_last
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._lay_out(QRect(0, 0, width, 0), True)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._lay_out(rect, False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _lay_out(self, rect: QRect, test: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        gap = self.spacing()
        right = rect.right() + 1
        for n, item in enumerate(self._items):
            hint = item.sizeHint()
            if self.fill_last and n == len(self._items) - 1:
                lo, hi = item.minimumSize().width(), item.maximumSize().width()
                if x > rect.x() and right - x < lo:
                    x, y, line = rect.x(), y + line + gap, 0
                hint = QSize(max(lo, min(hi, right - x)), hint.height())
            elif x + hint.width() > right and x > rect.x():
                x, y, line = rect.x(), y + line + gap, 0
            if not test:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y()


def detect_separator(value: str, default: str = ", ") -> str:
    if ", " in value:
        return ", "
    if "," in value:
        return ","
    return default


def split_keywords(value: str) -> list[str]:
    return [k.strip() for k in value.split(",") if k.strip()]


CHIP_STYLE = (
    "QToolButton#keywordChip { border: 1px solid palette(mid); border-radius: 9px; padding: 1px 6px; }"
)


class KeywordsEdit(QWidget):
    """A tag list over a comma-separated string."""

    changed = Signal(str)

    def __init__(self, default_separator: str = ", ", parent: QWidget | None = None):
        super().__init__(parent)
        self.separator = default_separator
        self.default_separator = default_separator
        self.keywords: list[str] = []
        self.flow = FlowLayout(self, fill_last=True)
        self.input = QLineEdit(self, placeholderText="Add keyword…")
        self.input.setMinimumWidth(self.input.fontMetrics().horizontalAdvance("Add keyword…") + 10)
        self.input.setMaximumWidth(240)
        self.input.returnPressed.connect(self._add_from_input)
        self.input.textEdited.connect(self._maybe_split)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setFocusProxy(self.input)
        self._rebuild()

    def text(self) -> str:
        return self.separator.join(self.keywords)

    def set_text(self, value: str | None) -> None:
        value = value or ""
        self.separator = detect_separator(value, self.default_separator)
        self.keywords = split_keywords(value)
        self._rebuild()

    def _rebuild(self) -> None:
        while self.flow.count():
            item = self.flow.takeAt(0)
            assert item is not None  # the layout holds count() > 0 items
            w = item.widget()
            if w is not None and w is not self.input:
                w.hide()  # gone at once (deleted with the next event loop)
                w.deleteLater()
        for i, word in enumerate(self.keywords):
            chip = QToolButton(self)
            chip.setText(f"{word} ×")
            chip.setToolTip(f"Remove “{word}”")
            chip.setObjectName("keywordChip")
            chip.setStyleSheet(CHIP_STYLE)
            chip.clicked.connect(lambda _=False, i=i: self.remove(i))
            self.flow.addItem(QWidgetItem(chip))
            chip.show()
        self.flow.addItem(QWidgetItem(self.input))
        self._order_tabs()
        self.flow.invalidate()  # lay the new chips out even when the size stays the same
        self._fit()
        self.updateGeometry()

    def _order_tabs(self) -> None:
        """Tab goes through the chips and then into the field, as they are laid out: a new chip
        would come last in the window's focus chain, after everything else."""
        chips: list[QWidget] = [c for c in self.findChildren(QToolButton) if c.isVisibleTo(self)]
        before: QWidget | None = self.input.previousInFocusChain()
        # the stop before this box: past the old chips (deleted later) and widgets Tab skips
        while before is not None and before is not self.input:
            if not self.isAncestorOf(before) and before.focusPolicy() != Qt.FocusPolicy.NoFocus:
                break
            before = before.previousInFocusChain()
        stops = ([before] if before is not None and before is not self.input else []) + chips + [self.input]
        for a, b in zip(stops, stops[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _fit(self) -> None:
        """Ask for the height the chips need at this width as a minimum: a form layout does not
        always ask heightForWidth again when only the chips changed (the add field was cut off)."""
        if self.width() > 0:
            height = self.flow.heightForWidth(self.width())
            if self.minimumHeight() != height:
                self.setMinimumHeight(height)

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(e)
        self._fit()

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.keywords):
            del self.keywords[index]
            self._rebuild()
            self.changed.emit(self.text())

    def add(self, word: str) -> None:
        word = word.strip().strip(",").strip()
        if word and word not in self.keywords:
            self.keywords.append(word)
            self._rebuild()
            self.changed.emit(self.text())

    def _add_from_input(self) -> None:
        self.add(self.input.text())
        self.input.clear()
        self.input.setFocus()

    def _maybe_split(self, text: str) -> None:
        if "," in text:
            for word in text.split(",")[:-1]:
                self.add(word)
            self.input.setText(text.split(",")[-1].lstrip())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self.flow.heightForWidth(width)
