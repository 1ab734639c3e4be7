"""The keyboard and the focus: Undo and Redo act on the field that has the focus, a save ends
an undo step, Tab follows the form as it is laid out."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from qteditor.ui.main_window import sample_collection
from tests.ui.test_off_the_happy_path import _tab_through

BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _site(window, qtbot, tmp_path, before=None):
    """The sample collection indexed in the window, its biology entry open; the browser.
    ``before``: given the biology entry's path, changes it before the folder opens."""
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    if before is not None:
        before(root / BIO)
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


def test_find_and_go_to_line_wait_for_an_entry(window, qtbot, tmp_path):
    """Regression: with no entry open (at start, after Close) Ctrl+F opened the find bar of
    the hidden answer editor and put the focus there: what was typed next went nowhere."""
    finding = (window.act_find, window.act_replace, window.act_find_next, window.act_find_previous)
    assert not any(a.isEnabled() for a in (*finding, window.act_goto))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert not window.editor.find_bar.isVisibleTo(window.editor)
    _site(window, qtbot, tmp_path)
    assert all(a.isEnabled() for a in (*finding, window.act_goto))
    _focus(window.editor.edit)
    qtbot.keyClick(window.editor.edit, Qt.Key.Key_F, CTRL)
    assert (
        window.editor.find_bar.isVisible() and QApplication.focusWidget() is window.editor.find_bar.find_edit
    )
    window.editor.find_bar.close_bar()
    assert window.close_document()
    assert not any(a.isEnabled() for a in (*finding, window.act_goto))


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


def test_a_save_keeps_each_fields_undo_history_and_ends_its_step(window, qtbot, tmp_path):
    """Regression: a save wrote every field again, which cleared their undo history: Ctrl+Z in
    a field after a save could not take back what was typed there before it. Now the first
    undo after the save takes back what was typed after it, the next one the saved typing."""
    _site(window, qtbot, tmp_path)
    author = window.form.rows[("author",)].widget
    description = window.form.rows[("seo", "page_description")].widget.focusProxy()
    for field in (author, description):
        shown = field.text() if field is author else field.toPlainText()
        _focus(field)
        if field is author:
            author.end(False)
        else:
            description.moveCursor(description.textCursor().MoveOperation.End)
        qtbot.keyClicks(field, " before")
        assert window.save()
        qtbot.keyClicks(field, " after")

        def text(field=field):
            return field.text() if field is author else field.toPlainText()

        qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
        assert text() == shown + " before", field
        qtbot.keyClick(field, Qt.Key.Key_Z, CTRL)
        assert text() == shown, field
        assert window.session.dirty  # the entry follows the field back past the save
        qtbot.keyClick(field, Qt.Key.Key_Y, CTRL)  # and forward again: as saved
        assert text() == shown + " before" and not window.session.dirty
    # another entry's fields start with no history of this one's
    window.open_file(window.collection_panel.root / "mathematics" / "what-is-a-prime-number.md")
    assert not author.isUndoAvailable() and not description.document().isUndoAvailable()


def test_a_save_keeps_the_undo_history_of_a_field_outside_the_schema(window, qtbot, tmp_path):
    """Regression: the rows of the fields outside the schema ("Other fields") were built anew at
    every save, so Ctrl+Z there after a save had nothing to take back. Now they stay (with
    their history) while they show the entry's values."""

    def legacy(path):
        path.write_bytes(path.read_bytes().replace(b"---\n", b"---\nlegacy_note: an old note\n", 1))

    _site(window, qtbot, tmp_path, before=legacy)
    form = window.form
    assert form.other_rows == [("legacy_note",)]
    note = form.other_widgets[0]
    assert isinstance(note, QLineEdit) and note.text() == "an old note"
    _focus(note)
    note.end(False)
    qtbot.keyClicks(note, " before")
    assert window.save()
    assert form.other_widgets == [note]  # the same row, not one built anew
    qtbot.keyClicks(note, " after")
    qtbot.keyClick(note, Qt.Key.Key_Z, CTRL)
    assert note.text() == "an old note before"
    qtbot.keyClick(note, Qt.Key.Key_Z, CTRL)
    assert note.text() == "an old note"
    assert window.session.fields["legacy_note"] == "an old note"  # the entry follows the field


# ---------------------------------------------------------------------------- Tab
def _tab_from(window, qtbot, start: QWidget, until: QWidget, presses: int = 80) -> list[QWidget]:
    _focus(start)  # (the focus where it is meant to start: a box's text field)
    return _tab_through(window, qtbot, start, presses, until)


def _box(widget: QWidget, inner: QWidget) -> QRect:
    return QRect(widget.mapTo(inner, QPoint(0, 0)), widget.size())


def test_tab_follows_the_form_top_to_bottom_into_the_answer(window, qtbot, tmp_path):
    """Regression: Tab went from the title past the entry's id and date (visited after the
    answer), through the SEO fields before the author, to the related articles before the
    lock and Regenerate buttons beside the URL, and the keyword chips came last of all."""
    _site(window, qtbot, tmp_path)
    form = window.form
    inner = form.widget()
    title = form.rows[("title",)].widget
    seen = _tab_from(window, qtbot, title, window.editor.edit)
    assert seen[-1] is window.editor.edit, [type(w).__name__ for w in seen]
    # (a date box takes a Tab a section, year, month and day, as Qt's date boxes do)
    fields = [w for i, w in enumerate(seen[:-1]) if i == 0 or w is not seen[i - 1]]
    assert all(inner.isAncestorOf(w) for w in fields)
    # every widget of the form the keyboard can reach, each once
    reachable = {
        w
        for w in inner.findChildren(QWidget)
        if w.isVisibleTo(inner)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    }
    assert len(fields) == len(set(fields)) and set(fields) == reachable
    # in the order they are laid out: each one below the last, or on its line to its right
    for a, b in zip(fields, fields[1:], strict=False):
        ra, rb = _box(a, inner), _box(b, inner)
        same_line = rb.top() < ra.bottom() and ra.top() < rb.bottom()
        assert rb.top() >= ra.bottom() or (same_line and rb.left() > ra.left()), (a, b)
    # the first and the last fields, the related articles in between as they are laid out
    assert fields[0] is title
    related = form.related
    assert related is not None and related.table in fields
    assert fields[-1] is related.refresh_button
    # and back: Shift+Tab from the answer goes up into the form's last field
    _focus(window.editor.edit)
    qtbot.keyClick(window.editor.edit, Qt.Key.Key_Backtab, SHIFT)
    assert QApplication.focusWidget() is related.refresh_button


def test_tab_order_holds_after_keywords_change_and_another_entry_opens(window, qtbot, tmp_path):
    """A keyword added (a new chip) and an entry with a field outside the schema (its row
    built when it opens) keep the visual order."""
    panel = _site(window, qtbot, tmp_path)
    form = window.form
    keywords = form.rows[("seo", "page_keywords")].widget
    _focus(keywords.input)
    qtbot.keyClicks(keywords.input, "mitochondria")
    qtbot.keyClick(keywords.input, Qt.Key.Key_Return)
    chips = [c for c in keywords.findChildren(QWidget) if c is not keywords.input and c.isVisibleTo(keywords)]
    assert any("mitochondria" in c.text() for c in chips)
    seen = _tab_from(window, qtbot, form.rows[("seo", "page_description")].widget, keywords.input)
    assert seen[1:-1] == chips[: len(seen) - 2] and len(seen) == len(chips) + 2
    assert seen[-1] is keywords.input
    qtbot.keyClick(keywords.input, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.rows[("subject",)].widget
    # another entry, with a field the schema does not know: its row is last, before the answer
    path = panel.root / BIO
    path.write_bytes(path.read_bytes().replace(b"---\n", b"---\nextra_note: hello\n", 1))
    window.session.discard_changes()
    assert window.open_file(path)
    (other,) = [w for w in form.widget().findChildren(QLineEdit) if w.text() == "hello"]
    related = form.related
    assert related is not None
    seen = _tab_from(window, qtbot, related.refresh_button, window.editor.edit)
    assert seen == [related.refresh_button, other, window.editor.edit]


# ---------------------------------------------------------------------------- the related articles
def _related(window):
    related = window.form.related
    assert related is not None
    return related


def test_edit_menu_undo_and_redo_take_back_each_edit_of_the_related_articles(window, qtbot, tmp_path):
    """Regression: a related article added, moved, retyped or removed could not be undone
    (Undo was disabled while the focus was in the table)."""
    _site(window, qtbot, tmp_path)
    rel = _related(window)
    first = rel.items()
    assert [item["id"] for item in first] == [9002]
    _focus(rel.table)
    assert not window.act_undo.isEnabled()  # nothing done here yet
    rel.add({"id": 9003, "title": "Prime", "subject": "Math", "url": "/learn/math/questions/p"})
    added = rel.items()
    rel.table.selectRow(1)
    rel.up_button.click()  # moved
    moved = rel.items()
    assert [item["id"] for item in moved] == [9003, 9002]
    rel.table.item(1, 1).setText("Burning methane")  # a cell typed and committed
    retyped = rel.items()
    rel.table.selectRow(0)
    rel.remove_button.click()
    removed = rel.items()
    assert [item["id"] for item in removed] == [9002]
    assert window.act_undo.isEnabled() and not window.act_redo.isEnabled()

    for before in (retyped, moved, added, first):  # each edit taken back, newest first
        window.act_undo.trigger()
        assert rel.items() == before
        assert _related_fields(window) == before  # the entry follows the table
    assert not window.act_undo.isEnabled() and window.act_redo.isEnabled()
    for after in (added, moved, retyped, removed):
        window.act_redo.trigger()
        assert rel.items() == after
        assert _related_fields(window) == after
    assert not window.act_redo.isEnabled()
    qtbot.keyClick(rel.table, Qt.Key.Key_Z, CTRL)  # the keys too
    assert rel.items() == retyped


def _related_fields(window) -> list[dict]:
    from qteditor.core.related import related_items

    return [dict(v) for _k, v in related_items(window.session.fields, _related(window).family)]


def test_a_related_edit_undone_saves_the_file_as_it_was(window, qtbot, tmp_path):
    _site(window, qtbot, tmp_path)
    path = Path(window.session.path)
    before = path.read_bytes()
    rel = _related(window)
    _focus(rel.table)
    rel.table.selectRow(0)
    rel.remove_button.click()
    assert window.session.dirty
    window.act_undo.trigger()
    assert window.save()
    assert path.read_bytes() == before


def test_another_entry_starts_the_related_tables_history_anew(window, qtbot, tmp_path):
    _site(window, qtbot, tmp_path)
    rel = _related(window)
    _focus(rel.table)
    rel.table.selectRow(0)
    rel.remove_button.click()
    assert window.act_undo.isEnabled()
    assert window.save()
    root = tmp_path / "content" / "learn"
    assert window.open_file(root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md")
    _focus(rel.table)
    assert not window.act_undo.isEnabled()
    window.act_undo.trigger()  # nothing of the other entry's comes back here
    assert "9002" not in str(_related_fields(window))


def test_a_cell_being_typed_in_undoes_its_own_typing_first(window, qtbot, tmp_path):
    _site(window, qtbot, tmp_path)
    rel = _related(window)
    before = rel.items()
    rel.table.setCurrentCell(0, 1)
    rel.table.editItem(rel.table.item(0, 1))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "X")
    window.act_undo.trigger()  # the cell's own line: its typing
    assert editor.text() == before[0]["title"]
    assert rel.items() == before


def test_the_related_tables_history_ends_when_the_entry_shows_other_articles(window, qtbot, tmp_path):
    """Regression: after an outside change to the related articles was merged into the open
    entry (or a Revert), Undo in the table went back to a state of before it: the change from
    disk was dropped unseen (Revert: the discarded rows came back). A text field's history
    ends the same way when the entry shows another value in it; a save or an outside change
    elsewhere keeps it."""
    from qteditor.core.entry import Entry

    _site(window, qtbot, tmp_path)
    rel = _related(window)
    path = Path(window.session.path)
    _focus(rel.table)
    rel.add({"id": 9003, "title": "Prime", "subject": "Math", "url": "/learn/math/questions/p"})
    assert window.save()
    other = Entry.load(path)
    fields = other.fields()
    fields["author"] = "Someone Else"  # not the table: its history stays
    other.save(fields)
    assert window.on_outside_change(str(path)) == "reloaded"
    _focus(rel.table)
    assert window.act_undo.isEnabled()
    fields["related_article1"]["title"] = "Changed outside"
    other.save(fields)
    assert window.on_outside_change(str(path)) == "reloaded"
    merged = _related_fields(window)
    assert merged[0]["title"] == "Changed outside"
    _focus(rel.table)
    assert not window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    window.act_undo.trigger()
    assert _related_fields(window) == merged == rel.items()

    rel.table.selectRow(0)
    rel.remove_button.click()
    window.answers.append(QMessageBox.StandardButton.Yes)
    window.revert()
    assert _related_fields(window) == merged and not window.session.dirty
    _focus(rel.table)
    assert not window.act_undo.isEnabled()
    window.act_redo.trigger()
    window.act_undo.trigger()
    assert _related_fields(window) == merged and not window.session.dirty


def test_the_first_related_article_undone_takes_its_score_back_too(window, qtbot, tmp_path):
    """Regression: an entry without related articles and score took a score with its first
    article; Undo took the article back but left the score: the entry stayed modified and its
    save wrote ``score: -1.0``."""
    _site(window, qtbot, tmp_path)
    path = tmp_path / "content" / "learn" / "history" / "why-did-the-roman-republic-become-an-empire.md"
    before = path.read_bytes()
    assert window.open_file(path)
    rel = _related(window)
    _focus(rel.add_button)
    rel.add({"id": 9003, "title": "Prime", "subject": "Math", "url": "/learn/math/questions/p"})
    assert window.session.fields["score"] == -1.0
    window.act_undo.trigger()
    assert not window.session.dirty and not window.isWindowModified()
    assert window.form.rows[("score",)].read() in (None, "")
    window.act_redo.trigger()
    assert window.session.fields["score"] == -1.0
    window.act_undo.trigger()
    assert window.save()
    assert path.read_bytes() == before
