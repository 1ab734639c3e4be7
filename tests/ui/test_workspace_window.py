"""The window on the workspace floor: where a file's collection is, the Problems list, a
collection's own schema, the cache's notices, read-only files in a plan."""

from __future__ import annotations

import os
import shutil

from PySide6.QtWidgets import QMessageBox

from qteditor.core.entry import Entry
from qteditor.ui.main_window import sample_collection

CHEM = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"
PHYS = "physics/what-is-the-difference-between-speed-and-velocity.md"


def _site(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root


def test_a_stray_file_opens_alone_and_indexes_nothing(window, qtbot, tmp_path):
    """Regression: one stray file in a temporary folder made the window index its
    grandparent recursively (74,835 files)."""
    downloads = tmp_path / "downloads"
    (downloads / "deep").mkdir(parents=True)
    for n in range(30):
        (downloads / "deep" / f"other{n}.md").write_text("---\na: 1\n---\n")
    stray = downloads / "entry.md"
    shutil.copy(sample_collection() / CHEM, stray)
    assert window.open_file(stray)
    qtbot.wait(400)  # the deferred start-up work has run
    assert window.collection is None and window.collection_panel.workspace is None
    rules = {p.rule for p in window.current_problems()}
    assert "related-dangling" not in rules  # alone: its links are not judged


def test_the_problems_list_fixes_in_place_and_offers_fix_all_only_where_it_can(window, qtbot, tmp_path):
    root = _site(tmp_path)
    chem = root / CHEM
    chem.write_text(chem.read_text().replace("    id: 9006\n", "    id: 1\n"))
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    window.open_file(chem)
    qtbot.waitUntil(
        lambda: any(p.rule == "related-stale-id" for p in window.problems_panel.problems), timeout=5000
    )
    panel = window.problems_panel
    stale = next(p for p in panel.problems if p.rule == "related-stale-id")
    labels = [label for label, _fn in panel.actions_for(stale)]
    assert labels[0] == "Fix in this entry" and any("Fix all" in t for t in labels)
    row = panel.problems.index(stale)
    item = panel.tree.topLevelItem(row)
    assert item.text(0) == "warning" and item.text(1) == "related_article1.id"
    assert panel.tree.itemWidget(item, 3) is not None  # its Fix button
    window.fix_problem(stale)
    assert not any(p.rule == "related-stale-id" for p in panel.problems)  # gone before saving
    assert window.session.dirty
    # a problem no rule can fix: no "Fix all" for it
    phys = root / PHYS
    window.session.discard_changes()
    window.open_file(phys)
    qtbot.waitUntil(lambda: bool(panel.problems), timeout=5000)
    amb = next(p for p in panel.problems if p.rule == "answer-ambiguous-newline")
    assert not any("Fix all" in label for label, _fn in panel.actions_for(amb))


def test_an_entry_without_problems_takes_one_short_line(window, qtbot, tmp_path):
    root = _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    window.open_file(bio)
    qtbot.wait(100)
    panel = window.problems_panel
    panel.show_problems([])
    assert panel.stack.currentWidget() is panel.empty
    assert panel.natural_height() < 2.5 * panel.fontMetrics().height()


def test_a_new_entry_shows_its_problems_before_it_is_saved(window, qtbot, tmp_path):
    _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    window.new_entry()
    window._show_problems()
    found = {(p.rule, p.field) for p in window.problems_panel.problems}
    assert ("required-missing", "seo.page_description") in found


def test_opening_a_broken_file_leaves_nothing_of_the_last_entry(window, qtbot, tmp_path):
    root = _site(tmp_path)
    window.open_file(root / PHYS)
    qtbot.waitUntil(lambda: bool(window.problems_panel.problems), timeout=5000)
    broken = root / "physics" / "broken.md"
    broken.write_bytes(b"---\ntitle: [unclosed\n---\n")
    assert not window.open_file(broken)
    assert window.problems_panel.problems == [] and window.stats_label.text() == ""
    binary = root / "physics" / "binary.md"
    binary.write_bytes(b"---\x00\x01\x02")
    window.open_file(binary)
    assert "Correct the text below" not in window.error_view.message.text()
    assert "read-only" in window.error_view.message.text()
    assert not window.error_view.save_button.isVisible()


def test_closing_the_entry_leaves_nothing_of_it_in_the_panels(window, qtbot, tmp_path):
    """Regression: after File ▸ Close the Problems panel still listed the closed entry's
    problems (and its count in the dock's title), the status bar its word count and cursor
    position, and the browser still highlighted its row."""
    root = _site(tmp_path)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(root)
    window.open_file(root / PHYS)
    qtbot.waitUntil(lambda: bool(window.problems_panel.problems), timeout=5000)
    assert panel.selected_paths() and window.stats_label.text()
    assert window.problems_dock.windowTitle() != "Problems"
    assert window.close_document()
    assert window.session is None and window.stack.currentWidget() is window.empty
    assert window.problems_panel.problems == [] and window.problems_dock.windowTitle() == "Problems"
    assert window.stats_label.text() == "" and window.position_label.text() == ""
    assert panel.selected_paths() == []
    # a row activated again opens it again
    window.open_file(root / PHYS)
    qtbot.waitUntil(lambda: bool(window.problems_panel.problems), timeout=5000)
    assert panel.selected_paths()


def test_a_damaged_cache_is_rebuilt_and_the_panel_says_so(window, qtbot, tmp_path):
    _site(tmp_path)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    db = panel.workspace.index().db_path
    panel.workspace.close()
    db.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{db}{suffix}"):
            os.unlink(f"{db}{suffix}")
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        panel.set_folder(panel.root)
    assert "rebuilt" in panel.count.text()
    assert panel.model.rowCount() == 6


def test_a_collection_with_its_own_schema_gets_its_form(window, qtbot, tmp_path):
    from tests.core.test_site import BLOG

    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    (root / ".qteditor" / "post.md").write_text(
        "---\ntitle: New post\ndescription: ''\nseo:\n  title: Blog | New post\n---\n", encoding="utf-8"
    )
    (root / "hello.md").write_text(
        "---\ntitle: Hello\ndescription: Short.\ndate: 2025-01-02\nseo:\n  title: Blog | Hello\n"
        "featuredImg: cat.png\n---\nBody\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(root)
    assert window.session is not None and window.schema.name == "Blog post"
    assert set(window.form.rows) == {
        ("title",),
        ("description",),
        ("date",),
        ("seo", "title"),
        ("featuredImg",),
    }
    assert window.form.link_box is None and window.form.related is None
    assert window.form.rows[("featuredImg",)].hint.text() == "An image under /images/."
    window.new_entry()
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "Second post")
    assert window.session.fields["seo"]["title"] == "Blog | Second post"


POST_HEAD = (
    b"---\ntitle: Hello\ndescription: Short.\ndate: 2025-01-02\nseo:\n  title: Blog | Hello\n"
    b"featuredImg: cat.png\n---\n"
)


def test_a_post_by_a_schema_without_a_markdown_field_edits_its_body(window, qtbot, tmp_path):
    """Regression: the window edited a field named answer whatever the schema: a blog post's
    pane showed nothing, and typing wrote a new ``answer:`` key into the front matter."""
    from tests.core.test_site import BLOG

    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    post = root / "hello.md"
    post.write_bytes(POST_HEAD + b"The post's *body*, with $a \\neq b$.\n")
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(root)
    assert window.open_file(post)
    assert window.editor.text() == "The post's *body*, with $a \\neq b$.\n"
    assert window.text_title.text() == "Body"
    assert window.editor.edit.ambiguities == []  # nothing encodes the body's line breaks
    assert not window.isWindowModified()
    qtbot.waitUntil(lambda: "The post's body, with" in window.preview.browser.toPlainText(), timeout=5000)
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, "More text.")
    assert window.isWindowModified() and "answer" not in window.session.fields
    qtbot.waitUntil(lambda: "More text." in window.preview.browser.toPlainText(), timeout=5000)
    assert window.save()
    assert post.read_bytes() == POST_HEAD + b"The post's *body*, with $a \\neq b$.\nMore text."
    assert not window.isWindowModified()
    quicktakes = tmp_path / "quicktakes.md"  # an entry by the bundled schema: its answer again
    shutil.copy(sample_collection() / CHEM, quicktakes)
    assert window.open_file(quicktakes)
    assert window.text_title.text() == "Answer"
    assert window.editor.text() == Entry.load(quicktakes).fields()["answer"]


def test_a_schemas_own_markdown_field_is_the_text_and_not_a_form_row(window, qtbot, tmp_path):
    root = tmp_path / "recipes"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(
        "name: Recipes\nfields:\n  - {key: title, label: Title, type: string}\n"
        "  - {key: steps, label: Steps, type: markdown}\n",
        encoding="utf-8",
    )
    raw = b"---\ntitle: Soup\nsteps: |-\n  Boil.\n  Serve.\n---\nNotes.\n"
    soup = root / "soup.md"
    soup.write_bytes(raw)
    assert window.open_file(soup)
    assert window.editor.text() == "Boil.\nServe."
    assert window.text_title.text() == "Steps" and set(window.form.rows) == {("title",)}
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, " Eat.")
    assert window.save()
    assert soup.read_bytes() == raw.replace(b"Serve.", b"Serve. Eat.")


def test_read_only_files_in_a_fix_are_written_only_when_the_user_says(window, qtbot, tmp_path):
    root = _site(tmp_path)
    chem = root / CHEM
    chem.write_text(chem.read_text().replace("    id: 9006\n", "    id: 1\n"))
    os.chmod(chem, 0o444)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    window.answers.append(QMessageBox.StandardButton.No)
    assert window.fix_all("related-stale-id", apply=lambda changes: True) == 0
    assert "    id: 1\n" in chem.read_text()
    window.answers.append(QMessageBox.StandardButton.Yes)
    assert window.fix_all("related-stale-id", apply=lambda changes: True) == 1
    assert Entry.load(chem).fields()["related_article1"]["id"] == 9006


def test_the_slug_rule_is_known_when_the_rows_are_shown(window, qtbot, tmp_path):
    from slugify import slugify

    root = tmp_path / "content" / "learn" / "history"
    root.mkdir(parents=True)
    template = (
        sample_collection() / "history" / "why-did-the-roman-republic-become-an-empire.md"
    ).read_text()
    for n, title in enumerate(
        ["What's the Big-O of quicksort?", "Café au lait: what is it?", "How does A/B testing work?"]
    ):
        stem = slugify(title)
        text = template.replace("Why did the Roman Republic become an empire?", title)
        text = text.replace("why-did-the-roman-republic-become-an-empire", stem)
        (root / f"{stem}.md").write_text(text.replace("\nid: 9004\n", f"\nid: {n}\n"))
    shown = []
    window.collection_panel.rowsShown.connect(lambda: shown.append(window.slug_rule))
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    assert shown and shown[0] == "slugify"


def test_the_browser_shows_subject_and_date_by_default_and_forgets_the_row_on_new_entry(
    window, qtbot, tmp_path
):
    """Regression: by default only Title and Problems fit (four "Compare Babylonian and G…"
    rows could not be told apart); after New Entry the previous row stayed highlighted."""
    root = _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    table = window.collection_panel.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=5000)
    assert not table.isColumnHidden(1) and not table.isColumnHidden(2)  # Subject, Date
    assert table.columnWidth(0) >= 110  # the title keeps room beside them
    window.open_file(root / CHEM)
    assert table.selectionModel().selectedRows()
    window.new_entry()
    assert not table.selectionModel().selectedRows()


def test_the_first_window_leaves_room_for_its_frame_on_the_screen(qtbot, settings, monkeypatch):
    """Regression: the first window's default size ignored the title bar, so on a 1280×800
    screen the status bar fell off the bottom."""
    from PySide6.QtCore import QRect

    from qteditor.ui.main_window import MainWindow

    class Screen:
        def availableGeometry(self):  # noqa: N802 - Qt's name
            return QRect(0, 0, 1280, 800)

    monkeypatch.setattr(MainWindow, "screen", lambda self: Screen())
    w = MainWindow(settings)  # no saved geometry
    qtbot.addWidget(w)
    fw, fh = MainWindow.FRAME_ALLOWANCE
    assert w.width() <= 1280 - fw and w.height() <= 800 - fh
    assert w.height() >= 700  # still the size the panes were laid out for


def test_a_post_changed_on_disk_reloads_with_its_collections_schema(window, qtbot, tmp_path):
    """A blog post changed behind the window's back is read again by its own schema: its body
    stays the editor's text (it was read by the bundled schema, whose text is ``answer``)."""
    from tests.core.test_site import BLOG

    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    post = root / "hello.md"
    post.write_bytes(POST_HEAD + b"First body.\n")
    assert window.open_file(post)
    post.write_bytes(POST_HEAD.replace(b"Short.", b"Longer.") + b"Second body.\n")
    window.on_outside_change(str(post))
    assert window.editor.text() == "Second body.\n"
    assert window.session.fields["description"] == "Longer." and "answer" not in window.session.fields
    assert window.text_title.text() == "Body"
