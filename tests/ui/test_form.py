"""The front-matter form: where it scrolls, who gets the wheel, how keyword chips flow."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QToolButton

from qteditor.ui.main_window import sample_collection

PLANT = "biology/what-are-the-main-parts-of-a-plant-cell.md"
PRIME = "mathematics/what-is-a-prime-number.md"


def _copy_sample(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root


def _shown_in_viewport(form, widget) -> bool:
    top_left = widget.mapTo(form.viewport(), QPoint(0, 0))
    return form.viewport().rect().contains(top_left) and top_left.y() >= 0


def test_the_form_starts_at_the_top_for_another_entry_and_a_new_one(window, qtbot):
    form = window.form
    bar = form.verticalScrollBar()
    window.open_file(sample_collection() / PLANT)
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    title = form.rows[("title",)].widget
    for step in ("another entry", "a new entry"):
        bar.setValue(bar.maximum())
        assert not _shown_in_viewport(form, title)
        if step == "another entry":
            window.open_file(sample_collection() / PRIME)
        else:
            window.new_entry()
        qtbot.wait(10)
        assert bar.value() == 0, step
        assert _shown_in_viewport(form, title), step
    # the same entry shown again (after a save or a fix) keeps the place
    bar.setValue(bar.maximum() // 2)
    form.load(window.session)
    assert bar.value() == bar.maximum() // 2


def _wheel(widget, steps: int = -2) -> None:
    """A mouse wheel turned over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_form_unless_the_box_under_it_has_focus(window, qtbot, tmp_path):
    root = _copy_sample(tmp_path)
    window.open_file(root / PLANT)
    form = window.form
    bar = form.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    qtbot.waitUntil(lambda: form._wheel_guarded, timeout=2000)  # set up once the window painted
    description = form.rows[("seo", "page_description")].widget.focusProxy()
    description.setPlainText("A long description of the plant cell. " * 20)  # scrolls inside
    assert description.verticalScrollBar().maximum() > 0
    form.ensureWidgetVisible(description)
    window.editor.edit.setFocus()

    start = bar.value()
    _wheel(description.viewport())
    assert bar.value() > start  # the form moved on
    assert description.verticalScrollBar().value() == 0  # the box did not

    description.setFocus()
    qtbot.waitUntil(description.hasFocus, timeout=1000)
    at = bar.value()
    _wheel(description.viewport())
    assert description.verticalScrollBar().value() > 0  # a focused box scrolls itself
    assert bar.value() == at

    window.editor.edit.setFocus()
    qtbot.waitUntil(lambda: not description.hasFocus(), timeout=1000)
    date = form.rows[("date",)].widget
    subject = form.rows[("subject",)].widget
    for box in (date, subject):  # the wheel never changes a value it merely passes over
        form.ensureWidgetVisible(box, 0, 200)
        before_value = date.date() if box is date else subject.currentText()
        at = bar.value()
        _wheel(box, -2 if at < bar.maximum() else 2)
        assert (date.date() if box is date else subject.currentText()) == before_value
        assert bar.value() != at and not box.hasFocus()
    assert date.date() == QDate(2025, 1, 14) and window.session.fields["subject"] == "Biology"
    assert window.session.fields["date"] == window.session.saved_fields["date"]


def _chips(kw) -> list:
    return [c for c in kw.findChildren(QToolButton) if c.isVisibleTo(kw)]


def _check_flow(kw) -> int:
    """No chip or the input is clipped or overlaps another; returns the number of chip rows."""
    chips = [c.geometry() for c in _chips(kw)]
    pieces = chips + [kw.input.geometry()]
    for i, a in enumerate(pieces):
        assert kw.rect().contains(a), (a, kw.rect())
        for b in pieces[i + 1 :]:
            assert not a.intersects(b), (a, b)
    assert kw.height() >= kw.heightForWidth(kw.width())
    return len({r.top() for r in chips})


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_keyword_chips_flow_several_a_row_and_never_clip_the_add_field(window, qtbot, size):
    window.resize(*size)
    window.open_file(sample_collection() / PLANT)
    form = window.form
    kw = form.rows[("seo", "page_keywords")].widget
    holder = form.rows[("seo", "page_keywords")].holder
    qtbot.waitUntil(lambda: not window.preview.pending, timeout=5000)  # no render in the way
    qtbot.wait(50)
    assert len(_chips(kw)) == 6
    rows = _check_flow(kw)
    assert rows <= 3, rows  # six chips: two or more a row
    # a fix changes the keywords (the form shows the session again): still nothing clipped
    s = window.session
    s.apply_patch(
        {
            "seo": {
                "page_keywords": ", ".join(
                    [
                        "plant cell",
                        "cell wall",
                        "chloroplast",
                        "vacuole",
                        "nucleus",
                        "organelles",
                        "photosynthesis",
                        "cellulose",
                        "cell membrane",
                        "mitochondria",
                    ]
                )
            }
        }
    )
    form.load(s)
    qtbot.wait(50)
    assert len(_chips(kw)) == 10
    assert _check_flow(kw) <= 7  # not one a row
    assert holder.geometry().contains(kw.geometry().translated(holder.geometry().topLeft()))
    subject = form.rows[("subject",)].widget
    below = subject.mapTo(form.widget(), QPoint(0, 0)).y()
    assert kw.mapTo(form.widget(), QPoint(0, kw.height())).y() < below  # nothing overlaps
    s.apply_patch({"seo": {"page_keywords": "plant cell"}})
    form.load(s)  # fewer chips: the removed ones are gone at once, not after the next event loop
    assert len(_chips(kw)) == 1 and _chips(kw)[0].text().startswith("plant cell")
    qtbot.wait(50)
    assert _check_flow(kw) == 1
    chip = _chips(kw)[0].geometry()
    if kw.width() - chip.right() - 1 - kw.flow.spacing() >= kw.input.minimumWidth():
        assert kw.input.geometry().top() == chip.top()  # the field sits beside the chip
        assert kw.input.geometry().right() <= kw.rect().right()
    s.discard_changes()


def test_a_short_description_after_a_long_one_has_no_scroll_bar(window, qtbot):
    window.open_file(sample_collection() / PLANT)  # 152 characters: five lines at 1280 px
    form = window.form
    description = form.rows[("seo", "page_description")].widget.focusProxy()
    qtbot.waitUntil(lambda: description.verticalScrollBar().isVisible(), timeout=2000)
    qtbot.wait(200)
    form.ensureWidgetVisible(form.rows[("seo", "page_keywords")].widget)
    window.new_entry()
    qtbot.wait(100)
    assert len(description.toPlainText()) < 60
    assert description.verticalScrollBar().maximum() == 0
    assert not description.verticalScrollBar().isVisible()  # not the last entry's bar


def test_a_new_entry_shows_placeholders_greyed_and_saves_none(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window.new_entry()
    form = window.form
    description = form.rows[("seo", "page_description")].widget.focusProxy()
    keywords = form.rows[("seo", "page_keywords")].widget
    schema = window.schema
    assert description.toPlainText() == ""
    assert description.placeholderText() == schema.field("seo.page_description").placeholder
    assert keywords.keywords == [] and _chips(keywords) == []
    assert keywords.input.placeholderText() == schema.field("seo.page_keywords").placeholder
    assert form.validate()[("seo", "page_description")] == "Page description is required."
    assert form.rows[("seo", "page_description")].hint.isVisible()
    title = form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "What is an enzyme?")
    target = tmp_path / "enzyme.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    assert window.save()
    raw = target.read_bytes()
    assert b"Describe the answer" not in raw and b"    keyword\n" not in raw
    assert b"  page_description: >-\n  page_keywords: >-\n" in raw
    assert form.validate()[("seo", "page_description")] == "Page description is required."


def test_the_related_editor_moves_like_any_widget_and_its_buttons_move_rows(qtbot):
    from qteditor.ui.form import RelatedEditor

    rel = RelatedEditor()
    qtbot.addWidget(rel)
    rel.move(QPoint(12, 34))  # QWidget.move (the row move once shadowed it and failed)
    assert rel.pos() == QPoint(12, 34)
    rel.move(5, 6)
    assert rel.pos() == QPoint(5, 6)
    rel.set_items([{"id": 1, "title": "a"}, {"id": 2, "title": "b"}])
    rel.table.selectRow(1)
    with qtbot.waitSignal(rel.changed) as moved:
        rel.up_button.click()
    assert [item["id"] for item in moved.args[0]] == [2, 1]
    rel.down_button.click()
    assert [item["id"] for item in rel.items()] == [1, 2]


def test_fields_outside_the_schema_are_edited_as_their_type_or_as_json(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QFormLayout

    root = _copy_sample(tmp_path)
    path = root / PRIME
    text = path.read_text()
    path.write_text(
        text.replace("id: 9006\n", "id: 9006\nlegacy_rank: 3\nlegacy_map:\n  a: 1\nlegacy_name: old\n", 1)
    )
    window.open_file(path)
    other = window.form.other_form
    widgets = {}
    for r in range(1, other.rowCount()):
        label = other.itemAt(r, QFormLayout.ItemRole.LabelRole).widget().text()
        widgets[label] = other.itemAt(r, QFormLayout.ItemRole.FieldRole).widget()
    assert set(widgets) == {"legacy_rank", "legacy_map", "legacy_name"}
    rank = widgets["legacy_rank"]
    rank.selectAll()
    qtbot.keyClicks(rank, "12")
    assert window.session.fields["legacy_rank"] == 12  # kept an int
    assert window.session.fields["legacy_name"] == "old"  # each box edits its own field
    rank.selectAll()
    qtbot.keyClicks(rank, "x")
    assert "cf222e" in rank.styleSheet() and window.session.fields["legacy_rank"] == 12
    mapping = widgets["legacy_map"]
    mapping.setPlainText('{"a": 2, "b": [1]}')
    assert window.session.fields["legacy_map"] == {"a": 2, "b": [1]}
    assert mapping.styleSheet() == ""
    mapping.setPlainText('{"a": ')
    assert "cf222e" in mapping.styleSheet() and window.session.fields["legacy_map"] == {"a": 2, "b": [1]}


def test_a_schema_of_its_own_names_the_related_table_its_rows_and_what_refresh_copies(
    window, qtbot, tmp_path
):
    from qteditor.core.checks import Problem
    from tests.core.test_related import NOTES

    root = tmp_path / "notes"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(NOTES, encoding="utf-8")
    (root / "a.md").write_text(
        "---\nslug: a\nheadline: Alpha\nsee_also_1:\n  slug: c\n  headline: Gamma\n"
        "see_also_2:\n  slug: b\n  headline: Old beta\n---\nBody\n",
        encoding="utf-8",
    )
    (root / "b.md").write_text("---\nslug: b\nheadline: Beta\n---\nBody\n", encoding="utf-8")
    (root / "c.md").write_text("---\nslug: c\nheadline: Gamma\n---\nBody\n", encoding="utf-8")
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(root)
    window.open_file(root / "a.md")
    rel = window.form.related
    assert rel is not None
    heads = [rel.table.horizontalHeaderItem(c).text() for c in range(rel.table.columnCount())]
    assert heads == ["Slug", "Headline"]
    assert rel.items() == [{"slug": "c", "headline": "Gamma"}, {"slug": "b", "headline": "Old beta"}]
    window.jump_to_problem(Problem("a.md", "related-stale-title", "stale", "see_also_2.headline"))
    assert rel.table.currentRow() == 1
    window.refresh_related()  # the headline from b.md, the links kept
    want = [{"slug": "c", "headline": "Gamma"}, {"slug": "b", "headline": "Beta"}]
    assert rel.items() == want
    assert [window.session.fields[k] for k in ("see_also_1", "see_also_2")] == want
    assert not any(str(k).startswith("related_article") for k in window.session.fields)
    rel.history.undo(rel.state())  # Edit ▸ Undo in the table: the refresh taken back
    old = [{"slug": "c", "headline": "Gamma"}, {"slug": "b", "headline": "Old beta"}]
    assert rel.items() == old
    assert [window.session.fields[k] for k in ("see_also_1", "see_also_2")] == old
    rel.history.redo(rel.state())
    assert rel.items() == want
    rel.add()
    assert rel.items()[-1] == {"slug": "", "headline": ""}
