"""The keyboard and the focus: Undo and Redo act on the field that has the focus, a save ends
an undo step."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from qteditor.ui.main_window import sample_collection

BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _site(window, qtbot, tmp_path):
    """The sample collection indexed in the window, its biology entry open; the browser."""
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(root)
    assert window.open_file(root / BIO)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return panel


def _focus(widget: QWidget) -> None:
    widget.setFocus()
    QApplication.processEvents()
    while widget.focusProxy() is not None:  # a box whose text field takes its focus
        widget = widget.focusProxy()
    assert QApplication.focusWidget() is widget


def _type_at_end_of_answer(window, qtbot, text: str) -> None:
    edit = window.editor.edit
    _focus(edit)
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)


# ---------------------------------------------------------------------------- undo follows the focus
def test_undo_keys_outside_the_entry_never_undo_the_answer(window, qtbot, tmp_path):
    """Regression: Ctrl+Z (Ctrl+Shift+Z, Ctrl+Y) pressed in the browser's list, or in a field
    that takes no typing (the locked URL), undid or redid the answer editor, out of sight."""
    panel = _site(window, qtbot, tmp_path)
    _type_at_end_of_answer(window, qtbot, " typed")
    typed = window.editor.text()
    url = window.form.rows[("url",)].widget
    assert url.isReadOnly()  # an existing entry's permalink is locked
    for widget in (panel.table, url):
        _focus(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)
        assert window.editor.text() == typed, widget
    window.editor.edit.undo()  # undone where it was typed …
    undone = window.editor.text()
    assert undone != typed
    for widget in (panel.table, url):
        _focus(widget)
        for key, mods in ((Qt.Key.Key_Z, CTRL | SHIFT), (Qt.Key.Key_Y, CTRL)):
            qtbot.keyClick(widget, key, mods)
            assert window.editor.text() == undone, (widget, key)  # … and not redone from elsewhere


def test_edit_menu_undo_and_redo_act_on_the_focused_line_edit(window, qtbot, tmp_path):
    """Regression: Edit ▸ Undo with the browser's search box focused undid the answer editor,
    not the search typed there."""
    panel = _site(window, qtbot, tmp_path)
    _type_at_end_of_answer(window, qtbot, " typed")
    typed = window.editor.text()
    _focus(panel.search)
    qtbot.keyClicks(panel.search, "cell")
    window.act_undo.trigger()
    assert panel.search.text() == "" and window.editor.text() == typed
    window.act_redo.trigger()
    assert panel.search.text() == "cell" and window.editor.text() == typed
    # a form field's own line edit, the same
    author = window.form.rows[("author",)].widget
    before = author.text()
    _focus(author)
    author.end(False)
    qtbot.keyClicks(author, " Jr")
    window.act_undo.trigger()
    assert author.text() == before and window.editor.text() == typed
    assert window.session.fields["author"] == before  # the entry follows the field's undo
    # the answer's own undo when it has the focus
    _focus(window.editor.edit)
    window.act_undo.trigger()
    assert window.editor.text() != typed


def test_the_edit_menu_shows_what_the_focused_field_can_undo(window, qtbot, tmp_path):
    panel = _site(window, qtbot, tmp_path)
    _type_at_end_of_answer(window, qtbot, " typed")
    assert window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    _focus(panel.search)  # nothing typed here yet: nothing to undo, though the answer has
    assert not window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    qtbot.keyClicks(panel.search, "cell")
    assert window.act_undo.isEnabled()
    window.act_undo.trigger()
    assert not window.act_undo.isEnabled() and window.act_redo.isEnabled()
    _focus(panel.table)  # a list: nothing of it to undo
    assert not window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    _focus(window.editor.edit)
    assert window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    # every key of the platform's Redo is on the action (the menu shows them; Ctrl+Shift+Z too)
    assert set(window.act_redo.shortcuts()) == set(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))


# ---------------------------------------------------------------------------- a save ends an undo step
def test_the_first_undo_after_a_save_takes_back_only_what_was_typed_after_it(window, qtbot, tmp_path):
    """Regression: typing before and after a save was one undo step: one Ctrl+Z after the save
    took back the saved words too."""
    _site(window, qtbot, tmp_path)
    saved_text = window.editor.text()
    _type_at_end_of_answer(window, qtbot, " before")
    assert window.save()
    qtbot.keyClicks(window.editor.edit, " after")
    qtbot.keyClick(window.editor.edit, Qt.Key.Key_Z, CTRL)
    assert window.editor.text() == saved_text + " before"
    assert not window.session.dirty  # back to what is on disk
    qtbot.keyClick(window.editor.edit, Qt.Key.Key_Z, CTRL)  # the next undo: the saved words
    assert window.editor.text() == saved_text and window.session.dirty
