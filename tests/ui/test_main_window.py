"""The editor window, driven as a writer would (offscreen)."""

from __future__ import annotations

import shutil

from PySide6.QtCore import QDate, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox

from qteditor.core.entry import Entry
from qteditor.core.yaml import json_safe
from qteditor.ui.main_window import sample_collection
from qteditor.ui.preview import SafeBrowser
from tests.conftest import by_reason


def _copy_sample(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root


def _wait_preview(qtbot, window):
    qtbot.waitUntil(lambda: not window.preview.pending, timeout=5000)


def test_corpus_entry_shows_every_field(window, qtbot):
    path = by_reason("no_index")[0]
    assert window.open_file(path)
    data = json_safe(Entry.load(path).fields())
    form = window.form
    for key in ("title", "_schema", "date_format", "post_on_text", "author", "file_name", "url"):
        assert form.rows[(key,)].read() == data[key], key
    assert form.rows[("id",)].read() == data["id"]
    assert form.rows[("date",)].widget.date() == QDate.fromString(data["date"], "yyyy-MM-dd")
    assert form.rows[("no_index",)].widget.isChecked() is True
    assert form.rows[("seo", "title")].read() == data["seo"]["title"]
    assert form.rows[("seo", "page_description")].read() == data["seo"]["page_description"]
    assert form.rows[("seo", "page_keywords")].read() == data["seo"]["page_keywords"]
    assert form.rows[("subject",)].read() == data["subject"]
    assert window.editor.text() == data["answer"]
    related = [v for k, v in data.items() if k.startswith("related_article")]
    assert form.related.items() == related
    assert not window.isWindowModified()


def test_editing_the_answer_updates_preview_and_saves_only_its_line(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    path = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    before = path.read_bytes()
    window.open_file(path)
    _wait_preview(qtbot, window)
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, " Plants also store starch.")
    assert window.isWindowModified()
    _wait_preview(qtbot, window)
    assert "Plants also store starch." in window.preview.browser.toPlainText()
    assert window.save()
    after = path.read_bytes()
    changed = [(a, b) for a, b in zip(before.split(b"\n"), after.split(b"\n"), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith(b"    A plant cell has")
    assert changed[0][1].endswith(b"Plants also store starch.")
    assert not window.isWindowModified()


def test_editing_another_field_refreshes_the_page_without_rendering_the_answer_again(window, qtbot, tmp_path):
    from qteditor.core.render import render_markdown

    root = _copy_sample(tmp_path)
    window.open_file(root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md")
    _wait_preview(qtbot, window)
    rendered = render_markdown.cache_info().misses
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "Plant cell parts")
    qtbot.waitUntil(lambda: "Plant cell parts" in window.preview.browser.toPlainText(), timeout=5000)
    assert render_markdown.cache_info().misses == rendered


def test_new_entry_slugs_follow_the_title(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_folder(root)
    window.new_entry()
    assert window.session.is_new and window.session.fields["id"] == 9007
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "How do vaccines work?")
    assert window.form.rows[("file_name",)].read() == "how-do-vaccines-work.md"
    subject = window.form.rows[("subject",)].read()
    assert window.form.rows[("url",)].read().endswith("/questions/how-do-vaccines-work")
    assert window.session.fields["question"] == "How do vaccines work?"
    target = window.session.default_path()
    from qteditor.core.slugs import subject_slug

    assert subject and target.parent.name == subject_slug(subject)  # the subject's folder
    assert target.parent.parent == root and target.name == "how-do-vaccines-work.md"
    window.session.save(target)
    assert Entry.load(target).fields()["file_name"] == "how-do-vaccines-work.md"


def test_existing_entry_slugs_stay_locked(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_file(root / "history" / "why-did-the-roman-republic-become-an-empire.md")
    url = window.form.rows[("url",)].read()
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "Why did Rome fall?")
    assert window.form.rows[("url",)].read() == url
    assert window.form.rows[("url",)].widget.isReadOnly()
    assert window.session.regeneration()["url"][1].endswith("/why-did-rome-fall")
    window.form.lock_button.click()  # unlock: follows the title again
    assert window.form.rows[("url",)].read().endswith("/why-did-rome-fall")


def test_unsaved_changes_prompt(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_file(root / "mathematics" / "what-is-a-prime-number.md")
    qtbot.keyClicks(window.form.rows[("author",)].widget, "!")
    assert window.isWindowModified()
    window.answers.append(QMessageBox.StandardButton.Cancel)
    assert window.close_document() is False and window.session is not None
    window.answers.append(QMessageBox.StandardButton.Discard)
    assert window.close_document() is True and window.session is None
    assert window.asked and "Save your changes" in window.asked[0]
    assert (root / "mathematics" / "what-is-a-prime-number.md").read_bytes().count(b"QuickTakes!") == 0


def test_preview_never_navigates_or_fetches(window, qtbot, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("qteditor.ui.preview.QDesktopServices.openUrl", lambda url: opened.append(url))
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    assert browser.open_link(QUrl("javascript:alert(1)")) is False
    assert browser.open_link(QUrl("file:///etc/passwd")) is False
    assert browser.open_link(QUrl("https://example.com/")) is True
    assert [u.toString() for u in opened] == ["https://example.com/"]
    assert browser.loadResource(2, QUrl("http://example.com/x.png")).isNull()
    assert browser.loadResource(2, QUrl("file:///etc/passwd")).isNull()
    assert browser.loadResource(1, QUrl("file:///etc/passwd")).isEmpty()  # no file is read
    root = _copy_sample(tmp_path)
    window.open_file(root / "physics" / "what-is-the-difference-between-speed-and-velocity.md")
    window.editor.edit.setPlainText(
        "[x](javascript:alert(1)) ![i](http://example.com/x.png) <img src='http://example.com/y.png'>"
    )
    _wait_preview(qtbot, window)
    html = window.preview.last_html
    assert 'href="javascript' not in html and 'src="http' not in html
    assert window.preview.browser.source().isEmpty()  # the browser never navigated


def test_review_changes_shows_the_exact_diff(window, qtbot, tmp_path, monkeypatch):
    root = _copy_sample(tmp_path)
    path = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    window.open_file(path)
    author = window.form.rows[("author",)].widget
    author.selectAll()
    qtbot.keyClicks(author, "Jane Doe")
    seen = {}

    def fake_exec(dialog):
        seen["diff"] = dialog.diff
        return 0

    monkeypatch.setattr("qteditor.ui.dialogs.ReviewChangesDialog.exec", fake_exec)
    window.review_changes()
    assert "-author: QuickTakes\n+author: Jane Doe\n" in seen["diff"]
    assert sum(1 for line in seen["diff"].splitlines() if line[:1] in "+-") == 4  # 2 headers


def test_bad_file_opens_with_its_error_line(window, qtbot, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n\tid: 1\n---\nbody")
    assert window.open_file(bad) is False
    assert window.stack.currentWidget() is window.error_view
    assert "bad.md:3:1" in window.error_view.message.text()
    assert window.error_view.text.textCursor().blockNumber() == 2
    assert bad.read_bytes() == b"---\ntitle: x\n\tid: 1\n---\nbody"


def test_ambiguous_newlines_are_marked(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_file(root / "physics" / "what-is-the-difference-between-speed-and-velocity.md")
    spots = window.editor.edit.ambiguities
    assert len(spots) == 1 and spots[0].word == "neq"
    assert window.editor.edit.extraSelections()
    qtbot.waitUntil(lambda: window.ambiguity_label.isVisible(), timeout=2000)
    edit = window.editor.edit  # typing the spot away hides the note once typing pauses
    edit.selectAll()
    qtbot.keyClicks(edit, "v != s")
    qtbot.waitUntil(lambda: not window.ambiguity_label.isVisible(), timeout=3000)


def test_the_marks_follow_the_files_own_line_break_convention(window, qtbot, tmp_path):
    """Regression: the editor marked every answer as if stored with literal \\n pairs; an
    answer stored with real line breaks has no ambiguous spot (its \\neq is \\neq)."""
    root = _copy_sample(tmp_path)
    escaped = root / "physics" / "what-is-the-difference-between-speed-and-velocity.md"
    real = tmp_path / "real.md"
    real.write_bytes(b"---\ntitle: Real\nanswer: |-\n    Speed:\n    $v \\neq s$\n---\n")
    window.open_file(real)
    assert window.editor.text() == "Speed:\n$v \\neq s$"
    assert window.editor.edit.ambiguities == [] and not window.editor.edit.extraSelections()
    edit = window.editor.edit  # typing keeps it so
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, " and $\\nabla f$")
    qtbot.wait(400)  # the marks follow a pause in typing
    assert window.editor.edit.ambiguities == [] and not window.ambiguity_label.isVisible()
    window.session.discard_changes()
    window.open_file(escaped)
    assert [a.word for a in window.editor.edit.ambiguities] == ["neq"]


def test_find_replace_and_go_to_line(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_file(root / "mathematics" / "what-is-a-prime-number.md")
    bar = window.editor.find_bar
    bar.open(replace=True)
    bar.find_edit.setText("prime")
    bar.replace_edit.setText("PRIME")
    assert bar.replace_all() >= 3
    assert "PRIME" in window.session.fields["answer"]
    bar.regex.setChecked(True)
    bar.find_edit.setText(r"\d+")
    bar.replace_edit.setText("N")
    bar.replace_all()
    assert "11" not in window.editor.text()
    window.editor.go_to_line(3)
    assert window.editor.edit.textCursor().blockNumber() == 2
    window.editor.edit.undo()
    assert "11" in window.editor.text()


def test_related_articles_add_remove_reorder(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    path = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    window.open_file(path)
    rel = window.form.related
    assert len(rel.items()) == 2
    rel.table.selectRow(1)
    rel.move_row(-1)
    assert window.session.fields["related_article1"]["id"] == 9005
    rel.table.selectRow(1)
    rel.remove()
    assert "related_article2" not in window.session.fields
    window.save()
    text = path.read_text()
    assert "related_article2" not in text and "related_article1:\n    id: 9005" in text


def test_splitter_sizes_persist(window, qtbot, settings):
    qtbot.wait(10)  # let the first-show sizing run
    window.splitter.setSizes([500, 300, 300])
    expected = window.splitter.sizes()
    window.close()
    assert [int(s) for s in settings.get("window/splitter")] == expected
    assert expected[0] > expected[1]


def test_speller_marks_words(qtbot):
    from qteditor.core.spelling import Speller

    speller = Speller()
    assert speller.wait(20)
    assert speller.known("structure") and not speller.known("strcture")
    assert "structure" in speller.suggestions("strcture")
    assert speller.known("DNA") and speller.known("x2")  # acronyms and digits are not checked


def test_keywords_tag_list_keeps_the_files_separator(window, qtbot, tmp_path):
    from qteditor.ui.keywords import KeywordsEdit

    edit = KeywordsEdit()
    qtbot.addWidget(edit)
    edit.set_text("a,b,c")
    assert edit.keywords == ["a", "b", "c"] and edit.text() == "a,b,c"
    seen = []
    edit.changed.connect(seen.append)
    edit.remove(1)
    edit.add("d e")
    assert seen == ["a,c", "a,c,d e"]
    edit.set_text("x, y")
    edit.input.setText("z")
    edit._add_from_input()
    assert edit.text() == "x, y, z"
    root = _copy_sample(tmp_path)
    path = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    window.open_file(path)
    kw = window.form.rows[("seo", "page_keywords")].widget
    kw.remove(0)
    window.save()
    assert "    cell wall, chloroplast, vacuole, nucleus, organelles\n" in path.read_text()


def test_spelling_skips_code_math_and_links(qtbot):
    from qteditor.core.spelling import Speller
    from qteditor.ui.answer_editor import AnswerEditor

    speller = Speller()
    assert speller.wait(20)
    editor = AnswerEditor(speller)
    qtbot.addWidget(editor)
    editor.set_text("A sentense with `codde` and $\\fraac{a}{b}$ and [link](http://exmple.com).")
    editor.edit.highlighter.rehighlight()
    block = editor.edit.document().firstBlock()
    marked = {
        block.text()[r.start : r.start + r.length]
        for r in block.layout().formats()
        if r.format.underlineStyle() == r.format.UnderlineStyle.SpellCheckUnderline
    }
    assert marked == {"sentense"}


def test_collection_browser_search_filter_and_problems(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    text = chem.read_text().replace("    id: 9006\n", "    id: 1\n")
    chem.write_text(text)
    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    assert panel.model.rowCount() == 6
    panel.search.setText("chloroplasts")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=3000)
    panel.subject_filter.setCurrentIndex(panel.subject_filter.findText("Physics"))
    assert panel.model.rowCount() == 1
    panel.subject_filter.setCurrentIndex(0)
    panel.rule_filter.setCurrentIndex(panel.rule_filter.findData("related-stale-id"))
    assert panel.model.rowCount() == 1
    panel.table.selectRow(0)
    panel.table.activated.emit(panel.model.index(0, 0))
    assert window.session.path == str(chem)
    stale = next(p for p in window.problems_panel.problems if p.rule == "related-stale-id")
    assert stale.field == "related_article1.id"
    window.form.widget_for(("title",)).setFocus()
    window.jump_to_problem(stale)
    table = window.form.related.table
    assert table.currentRow() == 0 and table.selectionModel().isRowSelected(0)
    assert table.hasFocus() or QApplication.focusWidget() is table


def test_a_related_article_problem_under_a_schema_without_the_editor_is_shown_without_a_crash(
    window, tmp_path
):
    import dataclasses

    from qteditor.core.checks import Problem

    root = _copy_sample(tmp_path)
    window.open_file(root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md")
    schema = window.schema
    window.use_schema(dataclasses.replace(schema, fields=[f for f in schema.fields if f.type != "related"]))
    assert window.form.related is None and window.form.widget_for(("related_article1",)) is None
    problem = Problem("chemistry/x.md", "related-stale-id", "stale", field="related_article1.id")
    window.jump_to_problem(problem)  # it raised AttributeError (no related editor to select in)
    assert window.form.related is None
