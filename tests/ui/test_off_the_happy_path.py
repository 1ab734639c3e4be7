"""The window used off the happy path: a second folder opened over unsaved edits."""

from __future__ import annotations

import shutil

from PySide6.QtWidgets import QMessageBox

from qteditor.ui.main_window import sample_collection

BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"


def _two_sites(tmp_path):
    first = tmp_path / "first" / "content" / "learn"
    second = tmp_path / "second" / "content" / "learn"
    shutil.copytree(sample_collection(), first)
    shutil.copytree(sample_collection(), second)
    return first, second


def _edit_answer(window, words: str) -> None:
    window.editor.edit.setPlainText(window.editor.text() + words)
    window.on_answer_edited(window.editor.text())


def test_another_folder_over_unsaved_edits_discarded_shows_that_folders_entry(window, qtbot, tmp_path):
    """Regression: Discard kept the edits on screen (still unsaved, their journal deleted) and
    the entry of the first folder stayed open beside the second folder's browser."""
    first, second = _two_sites(tmp_path)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(first)
    window.open_file(first / BIO)
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
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(first)
    window.open_file(first / BIO)
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
