"""File actions and view behaviour of the window: recent files, Save As, Revert, export, word
count, scroll sync, palettes."""

from __future__ import annotations

import shutil

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFileDialog, QMessageBox

from qteditor.core.entry import Entry
from qteditor.ui.app import dark_palette
from qteditor.ui.main_window import sample_collection
from qteditor.ui.preview import preview_css


def _copy(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root


def test_recent_files_are_remembered(window, tmp_path, settings):
    root = _copy(tmp_path)
    path = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    window.open_file(path)
    assert settings.get("files/recent")[0] == str(path)
    assert [a.text() for a in window.recent_menu.actions()][0] == str(path)


def test_a_recent_file_opens_from_its_menu_entry(window, tmp_path):
    root = _copy(tmp_path)
    paths = [
        root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md",
        root / "history" / "why-did-the-roman-republic-become-an-empire.md",
        root / "mathematics" / "what-is-a-prime-number.md",
    ]
    for path in paths:
        window.open_file(path)
    middle = str(paths[1])  # neither the one open nor the menu's last entry
    entry = next(a for a in window.recent_menu.actions() if a.text() == middle)
    entry.trigger()  # each entry opens its own path (not the last one, not the checked flag)
    assert window.session.path == middle


def test_save_as_writes_a_copy_and_follows_it(window, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    path = root / "history" / "why-did-the-roman-republic-become-an-empire.md"
    window.open_file(path)
    target = tmp_path / "copy.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    window.session.set("author", "Copy Editor")
    assert window.save_as()
    assert Entry.load(target).fields()["author"] == "Copy Editor"
    assert Entry.load(path).fields()["author"] == "QuickTakes"  # the original is untouched
    assert window.session.path == str(target) and not window.isWindowModified()


def test_revert_discards_unsaved_edits(window, qtbot, tmp_path):
    root = _copy(tmp_path)
    window.open_file(root / "mathematics" / "what-is-a-prime-number.md")
    author = window.form.rows[("author",)].widget
    author.selectAll()
    qtbot.keyClicks(author, "Someone")
    assert window.act_revert.isEnabled()
    window.answers.append(QMessageBox.StandardButton.Yes)
    window.revert()
    assert window.form.rows[("author",)].read() == "QuickTakes" and not window.session.dirty


def test_export_html_from_the_window(window, tmp_path, monkeypatch):
    root = _copy(tmp_path)
    window.open_file(root / "physics" / "what-is-the-difference-between-speed-and-velocity.md")
    out = tmp_path / "page.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.export_html()
    html = out.read_text(encoding="utf-8")
    assert "<title>Student Question : What is the difference between speed and velocity?" in html
    assert 'class="math math-display"' in html


def test_word_count_and_reading_time(window, qtbot, tmp_path):
    root = _copy(tmp_path)
    window.open_file(root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md")
    qtbot.waitUntil(lambda: "words" in window.stats_label.text(), timeout=2000)
    words = int(window.stats_label.text().split()[0].replace(",", ""))
    assert 70 <= words <= 90 and "1 min read" in window.stats_label.text()


def test_scroll_sync_moves_the_preview(window, qtbot, tmp_path):
    root = _copy(tmp_path)
    window.open_file(root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md")
    qtbot.wait(100)  # the browser takes its width: the panes settle before the test scrolls
    window.editor.set_text("\n\n".join(f"Paragraph {i} with some words." for i in range(300)))
    window.session.set(("answer",), window.editor.text())
    window.preview.schedule(window.session.fields, window.session.text(), now=True)
    qtbot.waitUntil(lambda: window.preview.browser.verticalScrollBar().maximum() > 0, timeout=5000)
    bar = window.editor.edit.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    bar.setValue(bar.maximum())
    preview_bar = window.preview.browser.verticalScrollBar()
    assert preview_bar.value() == preview_bar.maximum()
    window.act_sync.setChecked(False)
    bar.setValue(0)
    assert preview_bar.value() == preview_bar.maximum()


def test_dark_palette_and_preview_colours():
    dark = dark_palette()
    assert dark.color(QPalette.ColorRole.Base).lightness() < 64
    assert "#e6edf3" in preview_css(dark) and "#1f2328" in preview_css(QPalette())
