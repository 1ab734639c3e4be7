"""The window used off the happy path: a second folder opened over unsaved edits, the keyboard
alone, a merge with many conflicting fields."""

from __future__ import annotations

import shutil
import types

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from qteditor.ui.main_window import sample_collection

BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"
CHEM = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"


def _two_sites(tmp_path):
    first = tmp_path / "first" / "content" / "learn"
    second = tmp_path / "second" / "content" / "learn"
    shutil.copytree(sample_collection(), first)
    shutil.copytree(sample_collection(), second)
    return first, second


def _opened(window, qtbot, site):
    """The window with ``site`` indexed and its biology entry open; its collection panel."""
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(site)
    window.open_file(site / BIO)
    return panel


def _edit_answer(window, words: str) -> None:
    window.editor.edit.setPlainText(window.editor.text() + words)
    window.on_answer_edited(window.editor.text())


def test_another_folder_over_unsaved_edits_discarded_shows_that_folders_entry(window, qtbot, tmp_path):
    """Regression: Discard kept the edits on screen (still unsaved, their journal deleted) and
    the entry of the first folder stayed open beside the second folder's browser."""
    first, second = _two_sites(tmp_path)
    panel = _opened(window, qtbot, first)
    before = (first / BIO).read_bytes()
    _edit_answer(window, " an edit to throw away")
    window.answers.append(QMessageBox.StandardButton.Discard)
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        assert window.open_folder(second)
    assert (first / BIO).read_bytes() == before
    s = window.session
    assert s is not None and not s.dirty
    assert s.path is not None and second.resolve() in type(second)(s.path).resolve().parents
    assert "an edit to throw away" not in window.editor.text()
    assert window.path_label.text() == s.path
    assert not window.isWindowModified()


def test_reopening_the_folder_over_discarded_edits_keeps_the_entry_as_saved(window, qtbot, tmp_path):
    first, _second = _two_sites(tmp_path)
    _opened(window, qtbot, first)
    _edit_answer(window, " an edit to throw away")
    window.answers.append(QMessageBox.StandardButton.Discard)
    window.open_folder(first)
    s = window.session
    assert s is not None and s.path == str(first / BIO) and not s.dirty
    assert "an edit to throw away" not in window.editor.text()
    # and Save on the question keeps the entry open, saved
    _edit_answer(window, " an edit to keep")
    window.answers.append(QMessageBox.StandardButton.Save)
    window.open_folder(first)
    assert window.session is s and not s.dirty
    assert b"an edit to keep" in (first / BIO).read_bytes()


def _tab_through(window, qtbot, start, presses: int, until) -> list:
    """The widgets Tab visits from ``start`` (keyboard only), up to ``until`` (where Tab is
    typed, not a move)."""
    window.activateWindow()
    start.setFocus()
    QApplication.processEvents()
    seen = []
    for _ in range(presses):
        widget = QApplication.focusWidget()
        seen.append(widget)
        if widget is until:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        QApplication.processEvents()
    return seen


def test_tab_goes_from_the_search_through_the_browser_and_the_form_to_the_answer(window, qtbot, tmp_path):
    """Regression: Tab in the browser moved from cell to cell of its rows (and in the form's
    related-articles table from cell to cell) and never left: the keyboard alone could not
    get from the list to the fields."""
    first, _second = _two_sites(tmp_path)
    panel = _opened(window, qtbot, first)
    before = window.session.current_bytes()
    seen = _tab_through(window, qtbot, panel.search, 80, window.editor.edit)
    title = window.form.rows[("title",)].widget
    related = window.form.related
    assert related is not None and related.table.rowCount() > 0
    for widget in (panel.table, title, related.table, window.editor.edit):
        assert widget in seen, widget
    assert seen.index(panel.table) < seen.index(title) < seen.index(window.editor.edit)
    # each table takes one Tab, not one a cell
    assert seen.count(panel.table) == 1 and seen.count(related.table) == 1
    assert window.session.current_bytes() == before and not window.session.dirty


def test_forty_conflicting_fields_fit_a_1280_by_800_screen(window, qtbot):
    """Regression: the conflict dialog grew a row a field with no scrolling: forty fields
    changed on disk and here made it 1,204 pixels tall, its OK button off the screen."""
    from qteditor.ui.dialogs import ConflictDialog

    conflicts = [
        types.SimpleNamespace(
            path=(f"related_article{i % 5 + 1}", "title"), ours="mine " * 6, theirs="on disk"
        )
        for i in range(40)
    ]
    dialog = ConflictDialog(conflicts, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for hint in (dialog.sizeHint(), dialog.minimumSizeHint()):
        assert hint.width() <= 1280 and hint.height() <= 800 - 40, hint
    assert dialog.height() <= dialog.screen().availableGeometry().height()
    ok = dialog.findChildren(QDialogButtonBox)[0].buttons()[0]
    corner = ok.mapTo(dialog, ok.rect().bottomRight())
    assert corner.y() <= dialog.height() and corner.x() <= dialog.width()
    assert len(dialog.combos) == 40
    dialog.combos[-1].setCurrentIndex(1)
    dialog.accept()
    assert [c.currentIndex() == 1 for c in dialog.combos] == [False] * 39 + [True]


def test_save_of_a_file_deleted_while_open_says_it_did_not_save(window, qtbot, tmp_path):
    """Regression: Save of an entry whose file was deleted meanwhile returned without a word
    (the title still marked unsaved, the status bar empty)."""
    first, _second = _two_sites(tmp_path)
    _opened(window, qtbot, first)
    _edit_answer(window, " a last edit")
    (first / BIO).unlink()
    assert not window.save()
    assert not (first / BIO).exists()
    assert window.file_missing and window.session.dirty and "a last edit" in window.editor.text()
    assert "Not saved" in window.statusBar().currentMessage()
    assert "Save As" in window.statusBar().currentMessage()


def _break(path) -> bytes:
    good = path.read_bytes()
    path.write_bytes(good.replace(b"title:", b"title: [oops", 1))
    return good


def _replace_bytes(path, data: bytes) -> None:
    """Written the way editors and git do: a new file renamed over the old."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def test_a_broken_file_corrected_on_disk_opens_as_an_entry(window, qtbot, tmp_path):
    """Regression: the error view went on showing the old text and its YAML error after the
    file was corrected in another editor (and the last entry's lock stayed held)."""
    first, _second = _two_sites(tmp_path)
    _opened(window, qtbot, first)
    other = first / CHEM
    good = _break(other)
    assert not window.open_file(other)
    assert window.stack.currentWidget() is window.error_view and window.session is None
    assert window._locked_path is None
    for write in (other.write_bytes, lambda data: _replace_bytes(other, data)):  # in place, renamed over
        if window.session is not None:  # broken again, shown again
            _break(other)
            assert not window.open_file(other)
        write(good)
        qtbot.waitUntil(
            lambda: window.session is not None and window.session.path == str(other), timeout=5000
        )
        assert window.stack.currentWidget() is window.splitter
        assert window.path_label.text() == str(other) and not window.session.dirty
        assert other.read_bytes() == good


def test_a_correction_typed_in_the_error_view_is_kept_when_the_file_changes(window, qtbot, tmp_path):
    first, _second = _two_sites(tmp_path)
    other = first / CHEM
    good = _break(other)
    assert not window.open_file(other)
    view = window.error_view
    view.text.moveCursor(view.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(view.text, "corrected here")
    changed = good.replace(b"methane", b"methane (theirs)", 1)
    other.write_bytes(changed.replace(b"title:", b"title: [still broken", 1))
    qtbot.waitUntil(lambda: "changed on disk" in view.message.text(), timeout=5000)
    assert "corrected here" in view.text.toPlainText()
    assert window.stack.currentWidget() is view and window.session is None
    assert not window.save_raw()  # the file is not the one shown: refused
    assert b"corrected here" not in other.read_bytes()


def test_a_file_change_reported_as_the_window_closes_is_no_error(qtbot, settings, tmp_path):
    """Regression: the watcher's report of the open file's change ran 150 ms later even when
    the window was gone by then: "Internal C++ object already deleted" (a file deleted as
    the window closed)."""
    from PySide6.QtCore import QEvent

    from qteditor.ui.main_window import MainWindow

    first, _second = _two_sites(tmp_path)
    w = MainWindow(settings)
    w.open_file(first / BIO)
    (first / BIO).unlink()
    w.watcher.fileChanged.emit(str(first / BIO))
    w.session.discard_changes()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.wait(400)  # an exception raised in the timer's call fails the test (pytest-qt)
