"""The answer editor's find bar: layout in the window, match count, highlights, keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import QApplication

from qteditor.ui.answer_editor import AnswerEditor, WordCounter, word_count
from qteditor.ui.main_window import sample_collection

ENTRY = "biology/what-are-the-main-parts-of-a-plant-cell.md"


def _inside(child, bar) -> bool:
    """The child is shown whole inside the bar (not clipped by it)."""
    rect = child.geometry().translated(child.parentWidget().mapTo(bar, child.pos()) - child.pos())
    return bar.rect().contains(rect)


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_find_bar_fits_the_answer_pane_without_squeezing_the_field(window, qtbot, size):
    window.resize(*size)
    window.open_file(sample_collection() / ENTRY)
    qtbot.wait(50)
    before = window.splitter.sizes()
    bar = window.editor.find_bar
    for replace in (False, True):
        (window.act_replace if replace else window.act_find).trigger()
        qtbot.wait(50)
        assert window.splitter.sizes() == before  # opening the bar never widens the pane
        assert bar.width() <= window.editor.width()
        assert bar.find_edit.width() >= 0.45 * bar.width(), (bar.find_edit.width(), bar.width())
        shown = [
            w
            for w in (bar.find_edit, bar.prev_button, bar.next_button, bar.case, bar.regex, bar.close_button)
            + ((bar.replace_edit, bar.replace_button, bar.replace_all_button) if replace else ())
        ]
        for w in shown:
            assert w.isVisible() and _inside(w, bar), w
        assert bar.replace_edit.isVisible() is replace
        if replace:
            assert bar.replace_edit.width() >= 0.4 * bar.width()
        # a writer's search word fits whole in the field with the count beside it
        window.editor.edit.moveCursor(QTextCursor.MoveOperation.Start)
        bar.find_edit.setText("chloroplasts")
        bar.find()
        metrics = bar.find_edit.fontMetrics()
        room = bar.find_edit.width() - bar.count.width()
        assert metrics.horizontalAdvance("chloroplasts") + 12 < room
        assert bar.count.isVisible() and bar.count.text() == "1 of 2"


def _editor(qtbot, text: str) -> AnswerEditor:
    editor = AnswerEditor()
    qtbot.addWidget(editor)
    editor.resize(500, 400)
    editor.set_text(text)
    editor.show()
    return editor


def _found(editor) -> list[str]:
    return [
        s.cursor.selectedText()
        for s in editor.edit.extraSelections()
        if s.format.property(editor.edit.FIND_MARK)
    ]


def test_match_count_and_every_match_highlighted(qtbot):
    text = "\n".join(f"Cell {i}: the cell wall of a plant cell." for i in range(4))
    editor = _editor(qtbot, text)
    bar = editor.find_bar
    bar.open()
    qtbot.keyClicks(bar.find_edit, "cell")  # found as it is typed
    assert bar.count.text() == "1 of 12"
    assert editor.edit.textCursor().selectedText() == "Cell"
    assert sorted(_found(editor)) == sorted(["Cell", "cell", "cell"] * 4)
    bar.find()
    assert bar.count.text() == "2 of 12"
    bar.find(back=True)
    bar.find(back=True)  # wraps around to the last match
    assert bar.count.text() == "12 of 12"
    bar.case.setChecked(True)
    assert bar.count.text().endswith("of 8") and len(_found(editor)) == 8
    bar.find_edit.setText("no such words")
    bar.find()
    assert bar.count.text() == "No matches" and _found(editor) == []
    bar.regex.setChecked(True)
    bar.find_edit.setText("cell (wall")
    bar.find()
    assert bar.count.text() == "Bad pattern"
    bar.find_edit.setText(r"\d")
    bar.find()
    assert bar.count.text() == "1 of 4"


def test_typing_in_the_answer_updates_the_count(qtbot):
    editor = _editor(qtbot, "one fish, two fish")
    bar = editor.find_bar
    bar.open()
    bar.find_edit.setText("fish")
    bar.find()
    assert bar.count.text() == "1 of 2"
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor.edit, ", red fish")
    qtbot.waitUntil(lambda: bar.count.text() == "3 matches", timeout=2000)
    assert len(_found(editor)) == 3


def test_matches_after_emoji_are_selected_exactly(qtbot):
    editor = _editor(qtbot, "🧪 test tube 🧫 test dish")  # characters outside the BMP
    bar = editor.find_bar
    bar.open()
    bar.find_edit.setText("test")
    bar.find()
    bar.find()
    assert editor.edit.textCursor().selectedText() == "test"
    assert editor.edit.textCursor().selectionStart() == len("🧪 test tube 🧫 ".encode("utf-16-le")) // 2
    assert _found(editor) == ["test", "test"]


def test_replace_uses_the_match_and_replace_all_is_one_undo_step(qtbot):
    editor = _editor(qtbot, "colour and Colour and colours")
    bar = editor.find_bar
    bar.open(replace=True)
    bar.find_edit.setText("colour")
    bar.replace_edit.setText("color")
    bar.find()
    bar.replace()
    assert editor.text() == "color and Colour and colours"
    assert bar.count.text() == "1 of 2"  # the next one is selected
    assert bar.replace_all() == 2
    assert editor.text() == "color and color and colors"
    editor.edit.undo()
    assert editor.text() == "color and Colour and colours"
    bar.regex.setChecked(True)
    bar.find_edit.setText(r"(\w+)s\b")
    bar.replace_edit.setText(r"\1")
    bar.replace_all()
    assert editor.text() == "color and Colour and colour"


def test_escape_in_the_editor_or_the_bar_closes_it(window, qtbot):
    window.open_file(sample_collection() / ENTRY)
    bar, edit = window.editor.find_bar, window.editor.edit
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    for where in ("editor", "bar"):
        window.act_find.trigger()
        bar.find_edit.setText("cell")
        bar.find()
        assert bar.isVisible() and _found(window.editor)
        target = edit if where == "editor" else bar.find_edit
        target.setFocus()
        qtbot.waitUntil(target.hasFocus, timeout=1000)
        qtbot.keyClick(target, Qt.Key.Key_Escape)
        assert not bar.isVisible(), where
        assert edit.hasFocus() and _found(window.editor) == []
    before = edit.toPlainText()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # with the bar closed Esc does nothing
    assert edit.toPlainText() == before and not bar.isVisible()


def test_find_shortcuts(window, qtbot):
    assert window.act_find.shortcut() == QKeySequence("Ctrl+F")
    assert window.act_replace.shortcut() == QKeySequence("Ctrl+H")
    assert window.act_find_next.shortcut() == QKeySequence("F3")
    assert window.act_find_previous.shortcut() == QKeySequence("Shift+F3")
    window.open_file(sample_collection() / ENTRY)
    bar, edit = window.editor.find_bar, window.editor.edit
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.replace_edit.isVisible() and bar.find_edit.hasFocus()
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    qtbot.keyClick(edit, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and not bar.replace_edit.isVisible() and bar.find_edit.hasFocus()
    qtbot.keyClicks(bar.find_edit, "cell")
    assert bar.count.text() == "1 of 7"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_F3)
    assert bar.count.text() == "2 of 7"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Return)
    assert bar.count.text() == "3 of 7"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count.text() == "2 of 7"
    qtbot.keyClick(bar.find_edit, Qt.Key.Key_Escape)
    qtbot.keyClick(edit, Qt.Key.Key_F3)  # F3 in the editor: the next match, bar shown again
    assert bar.isVisible() and bar.count.text() == "3 of 7" and edit.hasFocus()


_LINES = st.lists(st.text(alphabet="ab c'’-\té1", max_size=12), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=5))
def test_the_word_counter_agrees_with_a_full_count(versions):
    """Edits in a row (each version of the answer): the by-line counter gives the full count."""
    counter = WordCounter()
    for lines in versions:
        text = "\n".join(lines)
        assert counter(text) == word_count(text)


def test_a_pause_counts_only_the_changed_lines_and_signals_changes_only(qtbot):
    paragraphs = [f"Paragraph {i} has five words." for i in range(300)]
    editor = _editor(qtbot, "\n\n".join(paragraphs))
    counted: list[str] = []
    count = editor._words._count
    editor._words._count = lambda line: counted.append(line) or count(line)
    stats: list[tuple[int, int]] = []
    editor.statsChanged.connect(lambda words, minutes: stats.append((words, minutes)))
    editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    editor.edit.moveCursor(QTextCursor.MoveOperation.Left)  # inside the last word
    qtbot.keyClicks(editor.edit, "s")
    editor._refresh_marks()  # the pause in typing
    assert counted == ["Paragraph 299 has five wordss."]
    assert stats == []  # the same count: the status bar is not asked to change
    qtbot.keyClicks(editor.edit, " more")
    editor._refresh_marks()
    assert stats == [(1501, 8)]


def test_the_marks_follow_the_convention_the_text_is_stored_in(qtbot):
    from qteditor.core import codec

    text = "Speed:\n$v \\neq s$"  # a \neq, as the editor shows it
    editor = _editor(qtbot, text)
    assert editor.edit.ambiguities == []  # no convention given: nothing is assumed
    editor.set_text(text, codec.REAL)  # stored with real line breaks: \neq stays \neq
    assert editor.edit.ambiguities == []
    editor.set_text(text, codec.ESCAPED)  # stored with \n pairs: the site breaks the line there
    assert [(a.word, a.line) for a in editor.edit.ambiguities] == [("neq", 2)]
    marks: list[int] = []
    editor.marksChanged.connect(marks.append)
    editor.set_text(text, None)  # a body: none
    assert editor.edit.ambiguities == [] and marks == [0]
