"""Collection features in the window: related-article picker and refresh, renames that keep
links whole, near-duplicate warning for new entries."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from qteditor.core.entry import Entry
from qteditor.ui.main_window import sample_collection


def _open(window, qtbot, tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    return root


def test_pick_adds_a_full_snapshot_and_suggests_similar_entries(window, qtbot, tmp_path, monkeypatch):
    root = _open(window, qtbot, tmp_path)
    window.open_file(root / "history" / "why-did-the-roman-republic-become-an-empire.md")
    seen = {}

    def fake_pick(dialog):
        seen["suggested"] = [dialog.results.item(i).text() for i in range(dialog.results.count())]
        dialog.search.setText("chloroplasts")
        return dialog.chosen()

    monkeypatch.setattr("qteditor.ui.dialogs.PickerDialog.pick", fake_pick)
    window.pick_related()
    assert seen["suggested"] and not any("Roman Republic" in t for t in seen["suggested"])
    added = window.session.fields["related_article1"]
    assert list(added) == ["id", "title", "subject", "url"]  # the site's order, kept
    assert added == {
        "id": 9001,
        "title": "What are the main parts of a plant cell?",
        "subject": "Biology",
        "url": "/learn/biology/questions/what-are-the-main-parts-of-a-plant-cell",
    }
    assert window.session.fields["score"] == -1.0
    window.save()
    text = (root / "history" / "why-did-the-roman-republic-become-an-empire.md").read_text()
    # the file's own conventions: children 4 spaces in (schema), titles plain like its title
    assert (
        "related_article1:\n    id: 9001\n    title: What are the main parts of a plant cell?\n"
        "    subject: Biology\n"
    ) in text


def _open_stale(window, qtbot, tmp_path):
    """The sample collection with chemistry's first related article holding a stale id, open."""
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    chem.write_text(chem.read_text().replace("    id: 9006\n", "    id: 1\n"))
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    window.open_file(chem)
    return chem


def test_refresh_stale_snapshots(window, qtbot, tmp_path):
    _open_stale(window, qtbot, tmp_path)
    window.refresh_related()
    assert window.session.fields["related_article1"]["id"] == 9006


def test_rename_moves_the_file_and_updates_links(window, qtbot, tmp_path):
    root = _open(window, qtbot, tmp_path)
    old = root / "mathematics" / "what-is-a-prime-number.md"
    window.open_file(old)
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "What are prime numbers?")
    window.session.regenerate()
    window.answers.append(QMessageBox.StandardButton.Yes)
    assert window.offer_rename()
    new = root / "mathematics" / "what-are-prime-numbers.md"
    assert not old.exists() and window.session.path == str(new)
    assert (
        "what-are-prime-numbers"
        in (root / "physics" / "what-is-the-difference-between-speed-and-velocity.md").read_text()
    )
    assert Entry.load(new).fields()["title"] == "What are prime numbers?"


def test_new_entry_warns_of_a_near_duplicate(window, qtbot, tmp_path):
    _open(window, qtbot, tmp_path)
    window.new_entry()
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "What is a prime number exactly?")
    found = window.check_duplicate()
    assert found and found.endswith("what-is-a-prime-number.md")
    note = window.similar_note  # inline in the Fields pane, not a block in the status bar
    assert not note.isHidden() and "similar question" in note.label.text()
    assert window.splitter.widget(0).isAncestorOf(note)
    window.answers.append(QMessageBox.StandardButton.Discard)  # the draft is dropped
    qtbot.mouseClick(note.button, Qt.MouseButton.LeftButton)  # "Open it"
    assert window.session.path == found and note.isHidden()


def test_fix_one_problem_in_the_open_entry(window, qtbot, tmp_path):
    chem = _open_stale(window, qtbot, tmp_path)
    problem = next(p for p in window.collection_panel.problems_for(str(chem)) if p.rule == "related-stale-id")
    assert window.fix_problem(problem)
    assert window.session.fields["related_article1"]["id"] == 9006 and window.session.dirty
    window.save()
    assert "    id: 9006\n" in chem.read_text()


def test_fix_all_of_a_rule_and_batch_edit_show_the_diff_first(window, qtbot, tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    shutil.copy(bio, root / "biology" / "copy.md")
    bio.write_text(
        bio.read_text()
        .replace("subject: Biology", "subject: biology")
        .replace("QuickTakes | Biology", "QuickTakes | biology")
    )
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    seen = []
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        written = window.fix_all("subject-casing", apply=lambda changes: seen.extend(changes) or True)
    assert written == 1 and "-subject: biology\n+subject: Biology\n" in seen[0].diff()
    assert "subject: Biology" in bio.read_text() and "QuickTakes | Biology" in bio.read_text()
    targets = [
        str(root / "physics" / "what-is-the-difference-between-speed-and-velocity.md"),
        str(root / "history" / "why-did-the-roman-republic-become-an-empire.md"),
    ]
    declined = window.batch_set(targets, "author=Editorial Team", apply=lambda changes: False)
    assert (
        declined == 0
        and "Editorial Team"
        not in (root / "history" / "why-did-the-roman-republic-become-an-empire.md").read_text()
    )
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        assert window.batch_set(targets, "author=Editorial Team", apply=lambda changes: True) == 2
    for t in targets:
        assert "\nauthor: Editorial Team\n" in Path(t).read_text()


def test_index_follows_files_changed_outside(window, qtbot, tmp_path):
    root = _open(window, qtbot, tmp_path)
    assert window.collection_panel.model.rowCount() == 6
    src = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        (root / "biology" / "another.md").write_bytes(
            src.read_bytes().replace(b"What are the main parts of a plant cell?", b"Another question")
        )
    assert window.collection_panel.model.rowCount() == 7


def test_a_save_indexes_the_collection_once_and_the_browser_follows(window, qtbot, tmp_path, monkeypatch):
    """The save itself and the folder watcher's notice of it end in one re-index, not two."""
    root = _open(window, qtbot, tmp_path)
    window.open_file(root / "mathematics" / "what-is-a-prime-number.md")
    panel = window.collection_panel
    calls = []
    real = panel.reindex
    monkeypatch.setattr(panel, "reindex", lambda wait=False: (calls.append(1), real(wait)))
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "What are prime numbers?")
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.save()
    qtbot.wait(1500)  # the watcher's notice of the same write has come and gone
    assert len(calls) == 1
    assert "What are prime numbers?" in [r[1] for r in panel.model.rows]
