"""The answer editor: Markdown text with highlighting, spelling, ambiguity marks, find/replace."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..core import codec
from ..core.spelling import Speller
from .highlighter import MarkdownHighlighter

WORDS = re.compile(r"\b[\w'’-]+\b")
READING_WPM = 200


def word_count(text: str) -> int:
    return len(WORDS.findall(text))


def reading_minutes(words: int) -> int:
    return max(1, round(words / READING_WPM)) if words else 0


class _Bridge(QObject):
    ready = Signal()


class MarkdownEdit(QPlainTextEdit):
    """The text area itself: soft wrap, Markdown highlighting, marks with explanations."""

    def __init__(self, speller: Speller | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(10, font.pointSize()))
        self.setFont(font)
        self.setPlaceholderText("Write the answer in Markdown: **bold**, lists, tables, $math$ …")
        self.highlighter = MarkdownHighlighter(self.document(), self.palette())
        self.speller = speller
        if speller is not None:
            self.highlighter.spell = speller.known
            # the dictionary loads on a thread: re-check the text (on this thread) once it is in
            self._bridge = _Bridge()
            self._bridge.ready.connect(self.highlighter.rehighlight, Qt.ConnectionType.QueuedConnection)
            speller.on_ready = self._bridge.ready.emit
        self.ambiguities: list[codec.Ambiguity] = []

    # ------------------------------------------------------------------ marks
    def set_ambiguities(self, spots: list[codec.Ambiguity]) -> None:
        self.ambiguities = spots
        selections = []
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor("#d4a72c"))
        fmt.setBackground(QColor(212, 167, 44, 60))
        doc_len = self.document().characterCount()
        for spot in spots:
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.document())
            start = max(0, spot.offset - 1)
            end = min(doc_len - 1, spot.offset + 1 + max(1, len(spot.word) - 1))
            cur.setPosition(start)
            cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format = fmt
            selections.append(sel)
        self.setExtraSelections(selections)

    def ambiguity_at(self, position: int) -> codec.Ambiguity | None:
        for spot in self.ambiguities:
            if spot.offset - 1 <= position <= spot.offset + len(spot.word):
                return spot
        return None

    def event(self, e: QEvent) -> bool:  # noqa: N802 - Qt override
        if e.type() == QEvent.Type.ToolTip:
            cur = self.cursorForPosition(self.viewport().mapFrom(self, e.pos()))
            spot = self.ambiguity_at(cur.position())
            if spot is not None:
                QToolTip.showText(e.globalPos(), f"<b>Ambiguous line break</b><br>{spot.message}", self)
                return True
            QToolTip.hideText()
        return super().event(e)

    # ------------------------------------------------------------------ spelling menu
    def contextMenuEvent(self, e) -> None:  # noqa: N802 - Qt override
        menu = self.createStandardContextMenu()
        cur = self.cursorForPosition(e.pos())
        cur.select(QTextCursor.SelectionType.WordUnderCursor)
        word = cur.selectedText()
        if self.speller is not None and word and not self.speller.known(word):
            first = menu.actions()[0] if menu.actions() else None
            suggestions = self.speller.suggestions(word)
            for s in suggestions or []:
                act = menu.addAction(s)
                act.triggered.connect(lambda _=False, s=s, c=QTextCursor(cur): c.insertText(s))
                menu.insertAction(first, act)
            if not suggestions:
                none = menu.addAction("(no suggestions)")
                none.setEnabled(False)
                menu.insertAction(first, none)
            add = menu.addAction(f"Add “{word}” to dictionary")
            add.triggered.connect(lambda _=False, w=word: self._learn(w))
            menu.insertAction(first, add)
            menu.insertSeparator(first)
        menu.exec(e.globalPos())

    def _learn(self, word: str) -> None:
        self.speller.add(word)
        self.highlighter.rehighlight()


class FindBar(QWidget):
    """Find and replace, optionally with a regular expression (Ctrl+F / Ctrl+H, Esc closes)."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.find_edit = QLineEdit(placeholderText="Find")
        self.replace_edit = QLineEdit(placeholderText="Replace with")
        self.regex = QCheckBox("Regex")
        self.case = QCheckBox("Match case")
        self.status = QLabel()
        self.status.setMinimumWidth(90)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.setSpacing(4)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for w in (self.find_edit, self._button("Previous", lambda: self.find(back=True)),
                  self._button("Next", self.find), self.regex, self.case, self.status,
                  self._button("✕", self.hide, "Close (Esc)")):
            row1.addWidget(w)
        for w in (self.replace_edit, self._button("Replace", self.replace),
                  self._button("Replace all", self.replace_all)):
            row2.addWidget(w)
        lay.addLayout(row1)
        lay.addLayout(row2)
        self.find_edit.returnPressed.connect(self.find)
        self.replace_edit.returnPressed.connect(self.replace)
        self.hide()

    def _button(self, text, slot, tip=None) -> QToolButton:
        b = QToolButton(text=text)
        b.clicked.connect(slot)
        if tip:
            b.setToolTip(tip)
        return b

    def keyPressEvent(self, e) -> None:  # noqa: N802 - Qt override
        if e.key() == Qt.Key.Key_Escape:
            self.hide()
            self.editor.setFocus()
            return
        super().keyPressEvent(e)

    def open(self, replace: bool = False) -> None:
        self.show()
        self.replace_edit.setVisible(True)
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        (self.replace_edit if replace and self.find_edit.text() else self.find_edit).setFocus()
        self.find_edit.selectAll()

    def _pattern(self):
        text = self.find_edit.text()
        if not text:
            return None
        flags = QTextDocument.FindFlag(0)
        if self.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if self.regex.isChecked():
            rx = QRegularExpression(text)
            if not self.case.isChecked():
                rx.setPatternOptions(QRegularExpression.PatternOption.CaseInsensitiveOption)
            if not rx.isValid():
                self.status.setText("bad pattern")
                return None
            return rx, flags
        return text, flags

    def find(self, back: bool = False) -> bool:
        found = self._pattern()
        if found is None:
            return False
        what, flags = found
        if back:
            flags |= QTextDocument.FindFlag.FindBackward
        doc = self.editor.document()
        cur = doc.find(what, self.editor.textCursor(), flags)
        if cur.isNull():  # wrap around
            start = QTextCursor(doc)
            if back:
                start.movePosition(QTextCursor.MoveOperation.End)
            cur = doc.find(what, start, flags)
        if cur.isNull():
            self.status.setText("not found")
            return False
        self.editor.setTextCursor(cur)
        self.status.setText("")
        return True

    def replace(self) -> None:
        cur = self.editor.textCursor()
        if not cur.hasSelection() and not self.find():
            return
        cur = self.editor.textCursor()
        cur.insertText(self._replacement(cur.selectedText()))
        self.find()

    def _replacement(self, matched: str) -> str:
        if not self.regex.isChecked():
            return self.replace_edit.text()
        flags = 0 if self.case.isChecked() else re.IGNORECASE
        try:
            return re.sub(self.find_edit.text(), self.replace_edit.text(), matched, count=1, flags=flags)
        except re.error:
            return self.replace_edit.text()

    def replace_all(self) -> int:
        text = self.editor.toPlainText()
        pattern = self.find_edit.text()
        if not pattern:
            return 0
        flags = 0 if self.case.isChecked() else re.IGNORECASE
        try:
            rx = re.compile(pattern if self.regex.isChecked() else re.escape(pattern), flags)
            repl = self.replace_edit.text() if self.regex.isChecked() else (
                lambda _m: self.replace_edit.text())
            new, count = rx.subn(repl, text)
        except re.error as exc:
            self.status.setText(f"bad pattern: {exc}")
            return 0
        if count:
            cur = self.editor.textCursor()
            cur.beginEditBlock()  # one undo step
            cur.select(QTextCursor.SelectionType.Document)
            cur.insertText(new)
            cur.endEditBlock()
        self.status.setText(f"{count} replaced")
        return count


class AnswerEditor(QWidget):
    """The editor with its find bar; emits ``textEdited`` (coalesced) with the answer text."""

    textEdited = Signal(str)
    statsChanged = Signal(int, int)  # words, minutes of reading
    marksChanged = Signal(int)  # how many ambiguous line breaks are marked

    def __init__(self, speller: Speller | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = MarkdownEdit(speller, self)
        self.find_bar = FindBar(self.edit, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.edit)
        lay.addWidget(self.find_bar)
        self._loading = False
        self._marks = QTimer(self, singleShot=True, interval=250)
        self._marks.timeout.connect(self._refresh_marks)
        self.edit.textChanged.connect(self._changed)

    def set_text(self, text: str) -> None:
        """Show an answer (line breaks normalised here, at the widget boundary)."""
        self._loading = True
        try:
            self.edit.setPlainText(text.replace("\r\n", "\n").replace("\r", "\n"))
        finally:
            self._loading = False
        self._refresh_marks()

    def text(self) -> str:
        return self.edit.toPlainText()

    def _changed(self) -> None:
        if self._loading:
            return
        self.textEdited.emit(self.text())
        self._marks.start()  # marks and word count follow a pause in typing

    def _refresh_marks(self) -> None:
        text = self.text()
        self.edit.set_ambiguities(codec.ambiguities(codec.encode(text, codec.ESCAPED)))
        self.marksChanged.emit(len(self.edit.ambiguities))
        words = word_count(text)
        self.statsChanged.emit(words, reading_minutes(words))

    def go_to_line(self, line: int | None = None) -> None:
        doc = self.edit.document()
        if line is None:
            current = self.edit.textCursor().blockNumber() + 1
            line, ok = QInputDialog.getInt(self, "Go to line", f"Line (1–{doc.blockCount()}):",
                                           current, 1, doc.blockCount())
            if not ok:
                return
        block = doc.findBlockByNumber(max(0, min(line, doc.blockCount()) - 1))
        self.edit.setTextCursor(QTextCursor(block))
        self.edit.centerCursor()
        self.edit.setFocus()

    def set_font_size(self, points: int) -> None:
        font = QFont(self.edit.font())
        font.setPointSize(points)
        self.edit.setFont(font)



