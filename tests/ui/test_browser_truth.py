"""The browser tells the truth: after any change (save, batch edit, fix, rename, a file
changed on disk, a re-index) the rows are exactly the entries that match the search box and
the filters as they are displayed; while loading it says so."""

from __future__ import annotations

import re
import shutil

from PySide6.QtWidgets import QMessageBox

from qteditor.core.entry import Entry
from qteditor.ui.main_window import sample_collection

BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"


def _write(root, rel: str, title: str, word: str) -> None:
    """An entry like the biology sample, with its own title and ``word`` in its answer."""
    stem = re.sub(r"[^a-z0-9 ]", "", title.lower()).replace(" ", "-")
    folder = rel.split("/")[0]
    text = (sample_collection() / BIO).read_text(encoding="utf-8")
    text = text.replace("What are the main parts of a plant cell?", title)
    text = text.replace("what-are-the-main-parts-of-a-plant-cell", stem)
    text = text.replace("/learn/biology/", f"/learn/{folder}/")
    text = text.replace("subject: Biology", f"subject: {folder.title()}")
    text = text.replace("QuickTakes | Biology", f"QuickTakes | {folder.title()}")
    text = text.replace("A plant cell has several parts", f"A {word} note. A plant cell has parts")
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / f"{stem}.md").write_text(text, encoding="utf-8")


def _replace(path, old: str, new: str) -> None:
    """Change a file the way editors and git do: a new file renamed over it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text.replace(old, new, 1), encoding="utf-8")
    tmp.replace(path)


def _site(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    for n in range(6):
        _write(root, f"biology/x{n}.md", f"Biology question number {n}", "quokka" if n % 2 else "otter")
        _write(root, f"physics/x{n}.md", f"Physics question number {n}", "quokka" if n % 3 else "otter")
    return root


def shown(panel) -> set[str]:
    model = panel.model
    return {model.rows[model.source_row(i)][0] for i in range(model.rowCount())}


def expected(root, word: str | None, folder: str | None) -> set[str]:
    """What the box and the filters promise, worked out from the files themselves."""
    out = set()
    for path in root.rglob("*.md"):
        rel = path.relative_to(root).as_posix()
        fields = Entry.load(path).fields()
        text = " ".join(str(fields.get(k) or "") for k in ("question", "answer"))
        text += " " + str((fields.get("seo") or {}).get("page_keywords") or "")
        if word and word not in re.findall(r"[a-z0-9]+", text.lower()):
            continue
        if folder and not rel.startswith(folder + "/"):
            continue
        out.add(rel)
    return out


def _truthful(qtbot, panel, root, word, folder):
    qtbot.waitUntil(lambda: shown(panel) == expected(root, word, folder), timeout=10000)


def _open(window, qtbot, tmp_path):
    root = _site(tmp_path)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    panel.search.setText("quokka")
    panel.subject_filter.setCurrentIndex(panel.subject_filter.findText("Biology"))
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert len(shown(panel)) == 3
    return root, panel


def test_a_save_keeps_the_search_and_filters_true(window, qtbot, tmp_path):
    """Regression: edited entries dropped out of an active search until it was retyped."""
    root, panel = _open(window, qtbot, tmp_path)
    target = root / "biology" / "biology-question-number-1.md"
    window.open_file(target)
    window.editor.edit.setPlainText(window.editor.text().replace("quokka", "marmot"))
    window.on_answer_edited(window.editor.text())
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        assert window.save()
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-1.md" not in shown(panel)
    # an edit that makes another entry match: it comes in
    window.open_file(root / "biology" / "biology-question-number-2.md")
    window.editor.edit.setPlainText(window.editor.text().replace("otter", "quokka"))
    window.on_answer_edited(window.editor.text())
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.save()
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-2.md" in shown(panel)
    # and an edit that only changes the title keeps the entry in the list
    window.open_file(root / "biology" / "biology-question-number-3.md")
    window.form.rows[("title",)].widget.selectAll()
    qtbot.keyClicks(window.form.rows[("title",)].widget, "Biology question three")
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.save()
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-3.md" in shown(panel)


def test_a_batch_edit_a_fix_and_an_outside_change_keep_it_true(window, qtbot, tmp_path):
    root, panel = _open(window, qtbot, tmp_path)
    paths = [str(root / rel) for rel in sorted(shown(panel))]
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        assert window.batch_set(paths[:2], "author=Batch Team", apply=lambda changes: True) == 2
    _truthful(qtbot, panel, root, "quokka", "biology")
    # a stale snapshot, found with the rule filter on
    stale = root / "biology" / "biology-question-number-5.md"
    _replace(stale, "    id: 9002\n", "    id: 1\n")
    qtbot.waitUntil(lambda: panel.rule_filter.findData("related-stale-id") >= 0, timeout=20000)
    panel.rule_filter.setCurrentIndex(panel.rule_filter.findData("related-stale-id"))
    assert shown(panel) == {"biology/biology-question-number-5.md"}
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        assert window.fix_all("related-stale-id", apply=lambda changes: True) == 1
    # the rule has no problems left: the combo says "Any problem state" and means it
    qtbot.waitUntil(lambda: panel.rule_filter.currentData() == "", timeout=10000)
    assert panel.rule_filter.currentText() == "Any problem state"
    _truthful(qtbot, panel, root, "quokka", "biology")
    # a file changed on disk behind the window's back
    outside = root / "biology" / "biology-question-number-4.md"
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        _replace(outside, "otter", "quokka")
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-4.md" in shown(panel)
    # a re-index of its own
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        panel.reindex()
    _truthful(qtbot, panel, root, "quokka", "biology")
    # the filters cleared: every entry again
    panel.search.clear()
    panel.subject_filter.setCurrentIndex(0)
    _truthful(qtbot, panel, root, None, None)


def test_a_file_written_in_place_is_seen_when_the_window_comes_back(window, qtbot, tmp_path):
    """Writes in place (no rename) do not change the folder: the browser looks again when the
    window is activated, and every little while."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    root, panel = _open(window, qtbot, tmp_path)
    outside = root / "biology" / "biology-question-number-4.md"
    outside.write_text(outside.read_text(encoding="utf-8").replace("otter", "quokka"), encoding="utf-8")
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.activateWindow()
        QApplication.sendEvent(window, QEvent(QEvent.Type.ActivationChange))
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-4.md" in shown(panel)


def test_a_rename_keeps_it_true(window, qtbot, tmp_path):
    root, panel = _open(window, qtbot, tmp_path)
    old = root / "biology" / "biology-question-number-1.md"
    window.open_file(old)
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "Biology question number one")
    window.session.regenerate()
    window.answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        assert window.offer_rename()
    _truthful(qtbot, panel, root, "quokka", "biology")
    assert "biology/biology-question-number-one.md" in shown(panel)


def test_while_loading_the_panel_says_so(window, qtbot, tmp_path):
    _site(tmp_path)
    panel = window.collection_panel
    assert "No folder open" in panel.empty.text()
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
        assert "Indexing" in panel.empty.text() or panel.model.rowCount() > 0
        assert "No folder open" not in panel.empty.text()


def test_subjects_that_differ_only_in_case_are_one_filter_item(window, qtbot, tmp_path):
    root = _site(tmp_path)
    odd = root / "physics" / "physics-question-number-1.md"
    odd.write_text(
        odd.read_text(encoding="utf-8").replace("subject: Physics", "subject: physics"), encoding="utf-8"
    )
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    items = [panel.subject_filter.itemText(i) for i in range(panel.subject_filter.count())]
    assert [t for t in items if t.lower() == "physics"] == ["Physics"]
    panel.subject_filter.setCurrentIndex(panel.subject_filter.findText("Physics"))
    assert "physics/physics-question-number-1.md" in shown(panel)
    assert len(shown(panel)) == 7


def test_the_count_and_problem_filter_leave_out_notes_unless_asked(window, qtbot, tmp_path):
    root = _site(tmp_path)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    notes = {p for p, ps in panel.model.problems.items() if ps and all(x.severity == "info" for x in ps)}
    assert notes  # the sample copies' descriptions are outside 150-160 characters
    panel.rule_filter.setCurrentIndex(panel.rule_filter.findData("*"))
    assert not shown(panel) & notes
    panel.severity_filter.setCurrentIndex(panel.severity_filter.findText("All, with notes"))
    assert notes <= shown(panel)
    assert "with problems or notes" in panel.count.text()
    del root


def test_the_model_keeps_its_order_through_filters_and_follows_problem_counts(qtbot):
    """Filters pick from rows kept sorted (clearing a search sorts nothing again); sorted by
    the problem count, the order follows new counts."""
    import types

    from PySide6.QtCore import Qt

    from qteditor.ui.collection_panel import EntryModel

    model = EntryModel()
    rows = [(f"s/{n}.md", f"Title {n:02d}", "S", f"2025-01-{n + 1:02d}", n, None, n) for n in range(20)]
    model.set_rows(rows, {})
    model.sort(3, Qt.SortOrder.DescendingOrder)  # newest first
    dates = [rows[i][3] for i in model.visible]
    assert dates == sorted(dates, reverse=True)
    model.show_only(lambda i: i % 3 == 0)
    assert [rows[i][3] for i in model.visible] == [d for d in dates if int(d[-2:]) % 3 == 1]
    model.show_only(None)
    assert [rows[i][3] for i in model.visible] == dates
    problem = types.SimpleNamespace(severity="warning")
    model.sort(4, Qt.SortOrder.DescendingOrder)
    model.set_problems({"s/7.md": [problem] * 3, "s/2.md": [problem]}, ("error", "warning"))
    assert [rows[i][0] for i in model.visible[:2]] == ["s/7.md", "s/2.md"]
    model.show_only(lambda i: i != 7)
    assert rows[model.visible[0]][0] == "s/2.md"


def test_a_folder_opened_again_shows_its_index_at_once_then_what_changed_meanwhile(qtbot, tmp_path):
    """The warm open shows the cached rows before the refresh (the panel says it is still
    indexing); a file changed while the app was closed is corrected when the refresh ends."""
    import os

    from qteditor.ui.collection_panel import CollectionPanel

    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    first = CollectionPanel()
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.indexed, timeout=20000):
        first.set_folder(root)
    first.close()
    page = root / "physics" / "what-is-the-difference-between-speed-and-velocity.md"
    _replace(
        page,
        "title: >-\n    What is the difference between speed and velocity?",
        "title: >-\n    Speed and velocity, told apart",
    )
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    second = CollectionPanel()
    qtbot.addWidget(second)
    seen = []
    second.rowsShown.connect(
        lambda: seen.append({r[1] for r in second.model.rows if r[0].startswith("physics/")})
    )
    with qtbot.waitSignal(second.indexed, timeout=20000):
        second.set_folder(root)
    assert len(seen) == 2, seen  # the index's rows at once, then the refreshed ones
    assert seen[0] == {"What is the difference between speed and velocity?"}
    assert seen[-1] == {"Speed and velocity, told apart"}
    unchanged = CollectionPanel()  # nothing changed since: the rows come once
    qtbot.addWidget(unchanged)
    count = []
    unchanged.rowsShown.connect(lambda: count.append(1))
    with qtbot.waitSignal(unchanged.indexed, timeout=20000):
        unchanged.set_folder(root)
    assert count == [1]


def test_a_refresh_that_finds_nothing_new_leaves_the_rows_alone(window, qtbot, tmp_path):
    """A poll or a watcher's false alarm reads no file: the rows and problems shown stay
    (sending all of them again froze the window for seconds at 36,000 entries, every 20 s);
    a real change still comes through."""
    root, panel = _open(window, qtbot, tmp_path)
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    rows = panel.model.rows
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        panel.reindex()
    assert resets == [] and panel.model.rows is rows
    _truthful(qtbot, panel, root, "quokka", "biology")
    _replace(root / "biology" / "biology-question-number-1.md", "quokka note", "marmot note")
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        panel.reindex()
    assert resets and panel.model.rows is not rows
    _truthful(qtbot, panel, root, "quokka", "biology")
