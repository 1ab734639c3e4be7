"""The answer editor: Markdown text with highlighting, spelling, ambiguity marks, find/replace."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QKeySequence,
    QPalette,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import codec
from ..core.spelling import Speller
from .highlighter import MarkdownHighlighter

if TYPE_CHECKING:  # (for the annotations only: these Qt types load when first used)
    from PySide6.QtGui import QContextMenuEvent, QHideEvent, QIcon, QKeyEvent, QResizeEvent, QShowEvent
from .icons import icon

WORDS = re.compile(r"\b[\w'’-]+\b")
READING_WPM = 200


def word_count(text: str) -> int:
    return len(WORDS.findall(text))


class WordCounter:
    """``word_count`` by lines, each line's count remembered: after an edit only the changed
    lines are counted again (a 200 KB answer: well under a millisecond instead of ~8 ms)."""

    def __init__(self, count: Callable[[str], int] = word_count):
        self._count = count
        self._lines: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        known, seen, total = self._lines, {}, 0
        for line in text.split("\n"):  # words never span a line break
            n = known.get(line)
            if n is None:
                n = self._count(line)
            seen[line] = n
            total += n
        self._lines = seen  # only the current lines are kept
        return total


def reading_minutes(words: int) -> int:
    return max(1, round(words / READING_WPM)) if words else 0


class _Bridge(QObject):
    ready = Signal()


class MarkdownEdit(QPlainTextEdit):
    """The text area itself: soft wrap, Markdown highlighting, marks with explanations."""

    FIND_MARK = int(QTextFormat.Property.UserProperty) + 1  # set on the find bar's highlights

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
        self._ambiguity_marks: list[QTextEdit.ExtraSelection] = []
        self._find_marks: list[QTextEdit.ExtraSelection] = []

    # ------------------------------------------------------------------ marks
    def set_find_marks(self, spans: list[tuple[int, int]]) -> None:
        """Highlight the find bar's matches (document positions)."""
        if not spans and not self._find_marks:
            return
        fmt = QTextCharFormat()
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        fmt.setBackground(QColor(187, 128, 9, 110) if dark else QColor(255, 214, 10, 120))
        fmt.setProperty(self.FIND_MARK, True)
        marks = []
        doc = self.document()
        for start, end in spans:
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(doc)
            cur.setPosition(start)
            cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format = fmt
            marks.append(sel)
        self._find_marks = marks
        self.setExtraSelections(self._ambiguity_marks + marks)

    def set_ambiguities(self, spots: list[codec.Ambiguity]) -> None:
        if not spots and not self.ambiguities and not self._ambiguity_marks:
            return
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
        self._ambiguity_marks = selections
        self.setExtraSelections(selections + self._find_marks)

    def ambiguity_at(self, position: int) -> codec.Ambiguity | None:
        for spot in self.ambiguities:
            if spot.offset - 1 <= position <= spot.offset + len(spot.word):
                return spot
        return None

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            from PySide6.QtWidgets import QToolTip  # loads with the first tooltip

            cur = self.cursorForPosition(self.viewport().mapFrom(self, e.pos()))  # type: ignore[attr-defined]
            spot = self.ambiguity_at(cur.position())
            if spot is not None:
                QToolTip.showText(
                    e.globalPos(),  # type: ignore[attr-defined]
                    f"<b>Ambiguous line break</b><br>{spot.message}",
                    self,
                )
                return True
            QToolTip.hideText()
        return super().event(e)

    # ------------------------------------------------------------------ spelling menu
    def contextMenuEvent(self, e: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.createStandardContextMenu()
        cur = self.cursorForPosition(e.pos())
        cur.select(QTextCursor.SelectionType.WordUnderCursor)
        word = cur.selectedText()
        if self.speller is not None and word and not self.speller.known(word):
            first = cast(QAction, menu.actions()[0] if menu.actions() else None)  # (None: at the end)
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
        self.speller.add(word)  # type: ignore[union-attr]  # offered only with a speller
        self.highlighter.rehighlight()


class _SearchField(QLineEdit):
    """The find field, with the match count ("3 of 12") inside its right end."""

    submitted = Signal(bool)  # Enter: True with Shift (the previous match)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, placeholderText="Find")
        self.count = QLabel(self)
        self.count.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count.hide()

    def set_count(self, text: str, bad: bool = False) -> None:
        self.count.setText(text)
        self.count.setStyleSheet("color: #cf222e;" if bad else "color: palette(placeholder-text);")
        self.count.setVisible(bool(text))
        self._place()

    def _place(self) -> None:
        width = self.count.sizeHint().width() if self.count.text() else 0
        self.setTextMargins(0, 0, width + 6 if width else 0, 0)
        self.count.setGeometry(self.width() - width - 7, 0, width, self.height())

    def resizeEvent(self, e: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(e)
        self._place()

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit(bool(e.modifiers() & Qt.KeyboardModifier.ShiftModifier))
            return
        super().keyPressEvent(e)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
MAX_MATCHES = 100_000  # counted; more than that shows as "100,000+"
HIGHLIGHT_ALL = 2_000  # up to this many matches are all highlighted, beyond only those in view


def _utf16(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Python string spans -> QTextDocument positions (characters outside the BMP count two)."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return spans
    return [(a + bisect_left(astral, a), b + bisect_left(astral, b)) for a, b in spans]


class FindBar(QWidget):
    """Find and replace in the answer. The count shows in the field, every match is highlighted;
    Enter / F3 find the next match, Shift+Enter / Shift+F3 the previous one; Esc (in the bar or
    the editor) closes the bar. Searches use Python's ``re`` (``\\1`` in a replacement)."""

    def __init__(self, editor: MarkdownEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.editor = editor
        self.find_edit = _SearchField()
        self.find_edit.setMinimumWidth(110)
        self.count = self.find_edit.count
        self.status = self.count  # the old name
        self.case = self._toggle("Aa", "Match case")
        self.regex = self._toggle(
            ".*", "Regular expression (Python syntax; \\1 in the replacement is the first group)"
        )
        self.prev_button = self._tool(
            "Previous match (Shift+F3, Shift+Enter)", lambda: self.find(back=True), icon("up")
        )
        self.next_button = self._tool("Next match (F3, Enter)", self.find, icon("down"))
        self.close_button = self._tool("Close (Esc)", self.close_bar, text="✕")
        self.replace_edit = QLineEdit(placeholderText="Replace with")
        self.replace_edit.setMinimumWidth(100)
        self.replace_button = self._tool(
            "Replace this match and find the next one (Enter)", self.replace, text="Replace", raised=False
        )
        self.replace_all_button = self._tool(
            "Replace all: every match (one undo step)", self.replace_all, text="All", raised=False
        )
        # two rows on a grid: the find and replace fields share their left and right edges
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(1)
        for w in (self.case, self.regex, self.prev_button, self.next_button, self.close_button):
            buttons.addWidget(w)
        grid.addWidget(self.find_edit, 0, 0)
        grid.addLayout(buttons, 0, 1)
        self.replace_row = QWidget()  # shown by Find and Replace (Ctrl+H)
        row = QHBoxLayout(self.replace_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.replace_button)
        row.addWidget(self.replace_all_button)
        grid.addWidget(self.replace_edit, 1, 0)
        grid.addWidget(self.replace_row, 1, 1)
        self._escape = QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            parent or self,
            self.close_bar,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self._escape.setEnabled(False)
        self._revision = 0  # counts edits of the answer (matches are cached per revision)
        self._key: tuple | None = None
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._py_spans: list[tuple[int, int]] = []  # the same matches as Python string indices
        self._rx: re.Pattern | None = None
        self._text = ""
        self._error = ""
        self._windowed = False
        self._marked: tuple | None = None  # the search whose matches are highlighted
        self._stale = QTimer(self, singleShot=True, interval=150)  # the answer changed: count again
        self._stale.timeout.connect(self._refresh)
        self.find_edit.textEdited.connect(self._typed)
        self.find_edit.submitted.connect(lambda back: self.find(back=back))
        self.replace_edit.returnPressed.connect(self.replace)
        editor.document().contentsChanged.connect(self._edited)
        editor.cursorPositionChanged.connect(self._cursor_moved)
        editor.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.hide()

    def _toggle(self, text: str, tip: str) -> QToolButton:
        b = self._tool(tip, None, text=text)
        b.setCheckable(True)
        b.toggled.connect(self._options_changed)
        return b

    def _tool(
        self,
        tip: str,
        slot: Callable[[], object] | None,
        ico: QIcon | None = None,
        text: str = "",
        raised: bool = True,
    ) -> QToolButton:
        b = QToolButton(text=text)  # type: ignore[call-arg]  # a Qt property as keyword
        if ico is not None:
            b.setIcon(ico)
        b.setToolTip(tip)
        b.setAutoRaise(raised)
        b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        if slot is not None:
            b.clicked.connect(slot)
        return b

    # ------------------------------------------------------------------ showing
    def _show_replace(self, on: bool) -> None:
        self.replace_row.setVisible(on)
        self.replace_edit.setVisible(on)

    def open(self, replace: bool = False) -> None:
        self._show_replace(replace)
        self.show()
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_edit.setText(selected)
        self._refresh()
        target = self.replace_edit if replace and self.find_edit.text() else self.find_edit
        target.setFocus()
        target.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.set_find_marks([])
        self.editor.setFocus()

    def showEvent(self, e: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._escape.setEnabled(True)
        super().showEvent(e)

    def hideEvent(self, e: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._escape.setEnabled(False)
        self._stale.stop()
        super().hideEvent(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if e.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(e)

    # ------------------------------------------------------------------ matching
    def _matches(self) -> list[tuple[int, int]]:
        """Every match as (start, end) document positions, kept until the answer or the search
        changes."""
        key = (self._revision, self.find_edit.text(), self.case.isChecked(), self.regex.isChecked())
        if key == self._key:
            return self._spans
        self._key = key
        self._spans, self._starts, self._py_spans, self._error = [], [], [], ""
        self._rx, self._text = None, ""
        pattern = self.find_edit.text()
        if not pattern:
            return self._spans
        flags = re.MULTILINE | (0 if self.case.isChecked() else re.IGNORECASE)
        try:
            rx = re.compile(pattern if self.regex.isChecked() else re.escape(pattern), flags)
        except re.error as exc:
            self._error = str(exc)
            return self._spans
        text = self.editor.toPlainText()
        spans = [m.span() for m in islice(rx.finditer(text), MAX_MATCHES)]
        if self.regex.isChecked():
            spans = [(a, b) for a, b in spans if b > a]  # an empty match selects nothing
        self._rx, self._text, self._py_spans = rx, text, spans
        self._spans = _utf16(text, spans)
        self._starts = [a for a, _b in self._spans]
        return self._spans

    def _current(self) -> int | None:
        """The index of the match the editor's selection is, if it is one."""
        cur = self.editor.textCursor()
        if not cur.hasSelection():
            return None
        i = bisect_left(self._starts, cur.selectionStart())
        if i < len(self._spans) and self._spans[i] == (cur.selectionStart(), cur.selectionEnd()):
            return i
        return None

    def _show_count(self) -> None:
        spans = self._spans
        if self._error:
            self.find_edit.set_count("Bad pattern", bad=True)
            self.find_edit.setToolTip(self._error)
            return
        self.find_edit.setToolTip("")
        if not self.find_edit.text():
            self.find_edit.set_count("")
        elif not spans:
            self.find_edit.set_count("No matches", bad=True)
        else:
            n = f"{len(spans):,}" + ("+" if len(spans) >= MAX_MATCHES else "")
            i = self._current()
            self.find_edit.set_count(
                f"{i + 1:,} of {n}" if i is not None else f"{n} match" + ("" if len(spans) == 1 else "es")
            )

    def _highlight(self) -> None:
        self._marked = self._key
        spans = self._spans if self.isVisible() else []
        self._windowed = len(spans) > HIGHLIGHT_ALL
        if self._windowed:  # only the matches around the text in view
            edit = self.editor
            first = edit.cursorForPosition(QPoint(0, 0)).position()
            corner = QPoint(edit.viewport().width() - 1, edit.viewport().height() - 1)
            last = edit.cursorForPosition(corner).position()
            lo = bisect_left(self._starts, first - 2_000)
            spans = spans[lo : bisect_right(self._starts, last + 2_000, lo)]
        self.editor.set_find_marks(spans)

    def _refresh(self) -> None:
        self._matches()
        self._highlight()
        self._show_count()

    def _edited(self) -> None:
        self._revision += 1
        if self.isVisible():
            self._stale.start()  # counted again after a pause in typing

    def _cursor_moved(self) -> None:
        if (
            self.isVisible()
            and not self._stale.isActive()
            and self._key is not None
            and self._key[0] == self._revision
        ):
            self._show_count()

    def _scrolled(self) -> None:
        if self._windowed and self.isVisible():
            self._highlight()

    def _select(self, i: int) -> None:
        start, end = self._spans[i]
        cur = QTextCursor(self.editor.document())
        cur.setPosition(start)
        cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cur)
        self.editor.ensureCursorVisible()
        if self._windowed or self._marked != self._key:
            self._highlight()
        self._show_count()

    def _typed(self, _text: str) -> None:
        """Find as the search is typed: the match at or after the selection's start."""
        self._go(self.editor.textCursor().selectionStart())

    def _options_changed(self, _on: bool) -> None:
        self._go(self.editor.textCursor().selectionStart())

    def _go(self, at: int) -> bool:
        spans = self._matches()
        if spans:
            i = bisect_left(self._starts, at)
            self._select(i if i < len(spans) else 0)
        self._highlight()
        self._show_count()
        return bool(spans)

    def find(self, back: bool = False) -> bool:  # type: ignore[override]
        """Select the next (or previous) match, wrapping around; False when there is none."""
        spans = self._matches()
        if not spans:
            self._highlight()
            self._show_count()
            return False
        cur = self.editor.textCursor()
        if back:
            i = bisect_left(self._starts, cur.selectionStart()) - 1
            self._select(i if i >= 0 else len(spans) - 1)
        else:
            i = bisect_left(self._starts, cur.selectionEnd() if cur.hasSelection() else cur.position())
            self._select(i if i < len(spans) else 0)
        return True

    def find_next(self, back: bool = False) -> None:
        """F3 / Shift+F3: the next match of the last search (the bar shows, the focus stays)."""
        if not self.find_edit.text():
            self.open()
            return
        if not self.isVisible():
            self._show_replace(False)
            self.show()
        self.find(back=back)

    # ------------------------------------------------------------------ replacing
    def _replacement(self, i: int) -> str:
        if not self.regex.isChecked():
            return self.replace_edit.text()
        m = self._rx.match(self._text, self._py_spans[i][0])  # type: ignore[union-attr]  # found by it
        return m.expand(self.replace_edit.text())  # type: ignore[union-attr]

    def replace(self) -> None:
        """Replace the selected match and select the next; without one, select the next match."""
        self._matches()
        i = self._current()
        if i is None:
            self.find()
            return
        try:
            new = self._replacement(i)
        except (re.error, IndexError) as exc:
            self.find_edit.set_count("Bad replacement", bad=True)
            self.find_edit.setToolTip(str(exc))
            return
        self.editor.textCursor().insertText(new)
        self.find()

    def replace_all(self) -> int:
        """Replace every match in one undo step; returns how many."""
        spans = self._matches()
        if not spans:
            self._show_count()
            return 0
        try:
            new = [self._replacement(i) for i in range(len(spans))]
        except (re.error, IndexError) as exc:
            self.find_edit.set_count("Bad replacement", bad=True)
            self.find_edit.setToolTip(str(exc))
            return 0
        cur = QTextCursor(self.editor.document())
        cur.beginEditBlock()
        for (start, end), text in zip(reversed(spans), reversed(new), strict=True):
            cur.setPosition(start)
            cur.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cur.insertText(text)
        cur.endEditBlock()
        self._stale.stop()
        self._matches()
        self._highlight()
        self.find_edit.set_count(f"{len(spans):,} replaced")
        return len(spans)


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
        self.convention: str | None = None  # how the text's line breaks are stored (set_text)
        self._marks = QTimer(self, singleShot=True, interval=250)
        self._marks.timeout.connect(self._refresh_marks)
        self._words = WordCounter()
        self._shown: tuple | None = None  # (marks, words) last signalled
        self.edit.textChanged.connect(self._changed)

    def tab_stops(self) -> list[QWidget]:
        """The text, then the find bar's fields and buttons as they are laid out."""
        bar = self.find_bar
        return [
            self.edit,
            bar.find_edit,
            bar.case,
            bar.regex,
            bar.prev_button,
            bar.next_button,
            bar.close_button,
            bar.replace_edit,
            bar.replace_button,
            bar.replace_all_button,
        ]

    def set_text(self, text: str, convention: str | None = None) -> None:
        """Show a text (line breaks normalised here, at the widget boundary). ``convention`` is
        how its line breaks are stored (the session's ``text_convention()``): the ambiguity
        marks follow it; None (a body, a field without a codec) has none."""
        self.convention = convention
        self._loading = True
        try:
            self.edit.setPlainText(text.replace("\r\n", "\n").replace("\r", "\n"))
        finally:
            self._loading = False
        self._shown = None  # a new text: signal its stats even when they are the same
        self._refresh_marks()

    def text(self) -> str:
        return self.edit.toPlainText()

    def _changed(self) -> None:
        if self._loading:
            return
        self.textEdited.emit(self.text())
        self._marks.start()  # marks and word count follow a pause in typing

    def _refresh_marks(self) -> None:
        """Ambiguity marks and word count, after a pause in typing; signalled when they change."""
        text = self.text()
        self.edit.set_ambiguities(codec.text_ambiguities(text, self.convention))
        marks, words = len(self.edit.ambiguities), self._words(text)
        shown, self._shown = self._shown, (marks, words)
        if shown is None or shown[0] != marks:
            self.marksChanged.emit(marks)
        if shown is None or shown[1] != words:
            self.statsChanged.emit(words, reading_minutes(words))

    def go_to_line(self, line: int | None = None) -> None:
        doc = self.edit.document()
        if line is None:
            current = self.edit.textCursor().blockNumber() + 1
            from PySide6.QtWidgets import QInputDialog

            line, ok = QInputDialog.getInt(
                self, "Go to line", f"Line (1–{doc.blockCount()}):", current, 1, doc.blockCount()
            )
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
