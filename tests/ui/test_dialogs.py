"""The dialogs themselves, run as the user runs them (exec, buttons), not patched out; every
dialog fits a 1280×800 screen."""

from __future__ import annotations

import datetime as dt
import shutil
import types

import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDateEdit, QDialog, QDialogButtonBox

from qteditor.core.entry import Entry
from qteditor.core.schema import default_schema
from qteditor.ui import dialogs, git_dialogs
from qteditor.ui.batch_dialog import BatchEditDialog, batch_fields
from qteditor.ui.main_window import sample_collection

CHEM = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"
PHYS = "physics/what-is-the-difference-between-speed-and-velocity.md"


def _on_modals(*steps):
    """Run each step on the next modal dialog to appear (each a different dialog). A step that
    fails closes its dialog first: the test fails (pytest-qt reports the error), never hangs on
    a modal dialog left open."""
    done: list = []

    def tick(index=0, previous=None):
        widget = QApplication.activeModalWidget()
        if widget is None or widget is previous or not widget.isVisible():
            QTimer.singleShot(20, lambda: tick(index, previous))
            return
        try:
            steps[index](widget)
        except BaseException:
            if isinstance(widget, QDialog):
                widget.done(0)
            else:
                widget.close()
            raise
        done.append(type(widget).__name__)
        if index + 1 < len(steps):
            QTimer.singleShot(0, lambda: tick(index + 1, widget))

    QTimer.singleShot(0, tick)
    return done


def test_a_failing_step_closes_its_dialog_so_the_test_fails_instead_of_hanging(qtbot):
    import time

    dialog = QDialog()
    qtbot.addWidget(dialog)

    def step(_dialog):
        raise AssertionError("a step that fails")

    with qtbot.capture_exceptions() as errors:
        _on_modals(step)
        QTimer.singleShot(5000, dialog.reject)  # (a helper that left it open: 5 s, then this)
        start = time.monotonic()
        dialog.exec()
        waited = time.monotonic() - start
    assert waited < 4, waited
    assert [str(e[1]) for e in errors] == ["a step that fails"]


def _button(dialog: QDialog, text: str):
    for box in dialog.findChildren(QDialogButtonBox):
        for b in box.buttons():
            if b.text().replace("&", "") == text:
                return b
    raise AssertionError(f"no button {text!r} in {dialog.windowTitle()}")


def _site(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root


def test_batch_fields_come_from_the_schema_and_leave_out_what_one_value_cannot_set():
    keys = [f.key for f in batch_fields(default_schema())]
    assert {"date", "subject", "author", "no_index", "seo.title", "seo.page_keywords"} <= set(keys)
    assert not {"id", "answer", "related_article", "seo", "_schema"} & set(keys)


def test_the_batch_dialog_gives_each_field_its_own_editor(qtbot):
    dialog = BatchEditDialog(default_schema(), 3, ["Chemistry", "Physics"])
    qtbot.addWidget(dialog)
    dialog.select("date")
    assert isinstance(dialog.editor(), QDateEdit)
    dialog.editor().setDate(QDate(2026, 2, 3))
    assert dialog.assignment() == "date=2026-02-03"
    dialog.select("no_index")
    assert isinstance(dialog.editor(), QCheckBox)
    dialog.editor().setChecked(True)
    assert dialog.assignment() == "no_index=true"
    dialog.select("subject")
    combo = dialog.editor()
    assert [combo.itemText(i) for i in range(combo.count())] == ["Chemistry", "Physics"]
    combo.setEditText("Physics")
    assert dialog.assignment() == "subject=Physics"
    dialog.select("author")
    dialog.editor().setText("QuickTakes Team")
    assert dialog.assignment() == "author=QuickTakes Team"


def test_batch_edit_runs_through_both_dialogs_and_writes_only_the_field(window, qtbot, tmp_path):
    root = _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    paths = [str(root / CHEM), str(root / PHYS)]
    before = {p: Entry.load(p).fields() for p in paths}

    def choose(dialog):
        assert isinstance(dialog, BatchEditDialog)
        dialog.select("author")
        dialog.editor().setText("Editorial Team")
        dialog.next_button.click()

    seen: list = []

    def review(dialog):
        seen.append(dialog.findChildren(type(dialogs.diff_view("")))[0].toPlainText())
        _button(dialog, "Apply").click()

    done = _on_modals(choose, review)
    assert window.batch_set(paths) == 2
    assert done == ["BatchEditDialog", "BatchDialog"]
    assert "chemistry/" in seen[0] and "physics/" in seen[0]  # paths with their subject folder
    for p in paths:
        after = Entry.load(p).fields()
        assert after["author"] == "Editorial Team"
        assert {k: v for k, v in after.items() if k != "author"} == {
            k: v for k, v in before[p].items() if k != "author"
        }


def test_cancelling_the_batch_dialog_writes_nothing(window, qtbot, tmp_path):
    root = _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    raw = (root / CHEM).read_bytes()
    _on_modals(lambda d: _button(d, "Cancel").click())
    assert window.batch_set([str(root / CHEM)]) == 0
    assert (root / CHEM).read_bytes() == raw


def test_review_changes_saves_from_its_own_button(window, qtbot, tmp_path):
    root = _site(tmp_path)
    path = root / CHEM
    window.open_file(path)
    window.form.widget_for(("author",)).setText("Someone Else")
    window.form.widget_for(("author",)).textEdited.emit("Someone Else")
    assert window.session.dirty
    texts: list = []

    def review(dialog):
        texts.append(dialog.diff)
        dialog.save_button.click()

    _on_modals(review)
    window.review_changes()
    assert "+author: Someone Else" in texts[0]
    assert Entry.load(path).fields()["author"] == "Someone Else"
    assert not window.session.dirty


def test_the_picker_searches_and_adds_the_chosen_article(window, qtbot, tmp_path):
    root = _site(tmp_path)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(tmp_path)
    window.open_file(root / PHYS)
    before = len(window.form.related.items())
    wanted = Entry.load(root / CHEM).fields()["title"]

    def pick(dialog):
        dialog.search.setText("methane")
        titles = [dialog.results.item(i).text() for i in range(dialog.results.count())]
        assert any(wanted in t for t in titles)
        dialog.results.setCurrentRow(next(i for i, t in enumerate(titles) if wanted in t))
        _button(dialog, "OK").click()

    _on_modals(pick)
    window.pick_related()
    items = window.form.related.items()
    assert len(items) == before + 1 and items[-1]["title"] == wanted


def _every_dialog(parent):
    long_url = "/learn/" + "-".join(["a-very-long-slug-made-of-many-words"] * 8)
    old, new = b"title: a\n" * 300, b"title: b\n" * 300
    change = types.SimpleNamespace(diff=lambda: "--- a\n+++ b\n" + "+x" * 2000 + "\n", error=None, new=b"x")
    item = types.SimpleNamespace(path="/tmp/x.md", written=dt.datetime.now().timestamp(), content=new)
    conflict = types.SimpleNamespace(path=("title",), ours="mine " * 80, theirs="theirs " * 80)
    records = types.SimpleNamespace(search=lambda text, n: [])
    yield dialogs.ReviewChangesDialog(old, new, "entry.md", parent)
    yield dialogs.RegenerateDialog(
        {
            "file_name": ("old.md", long_url[1:] + ".md"),
            "url": ("/learn/x/old", long_url),
            "seo.title": ("QuickTakes | X", "QuickTakes | Y"),
        },
        parent,
    )
    yield dialogs.RecoveryDialog(item, old, parent)
    yield dialogs.ConflictDialog([conflict] * 6, parent)
    yield dialogs.PickerDialog(records, {}, [], set(), parent)
    yield dialogs.BatchDialog("Fix all", [change] * 3, parent)
    yield BatchEditDialog(default_schema(), 12, ["Physics"], parent)
    yield from _git_dialogs(parent, long_url)


def _git_dialogs(parent, long_url):
    ns = types.SimpleNamespace
    items = [git_dialogs_item(f"content/learn/physics/{long_url[7:]}-{i}.md", i) for i in range(40)]
    yield git_dialogs.CommitDialog(
        items, "Desk Writer <desk@example.org>", lambda c: "Edit " + "x" * 300, parent
    )
    sync = git_dialogs.SyncDialog(parent)
    sync.on_failed(
        ns(
            kind="conflicts",
            message="Both you and someone else changed " + "x " * 200,
            advice="Resolve each conflicted entry " * 10,
            detail="CONFLICT\n" * 200,
        )
    )
    yield sync
    conflicts = [
        ns(
            path=("title",),
            base="base " * 200,
            ours="mine " * 200,
            theirs="theirs " * 200,
            key=("field", "title"),
            absent=(),
        )
        for _ in range(8)
    ]
    yield git_dialogs.ResolveDialog(
        ns(
            path="content/learn/x/" + long_url + ".md",
            mine="ours",
            rebase=False,
            mergeable=True,
            conflicts=conflicts,
            error=None,
        ),
        parent,
    )
    raw = b"---\ntitle: " + b"a" * 500 + b"\nanswer: b\n---\n"
    commits = [
        ns(
            commit="0123456789" * 4,
            date="2025-01-02T03:04:05+00:00",
            subject="s" * 300,
            author="Someone",
            email="a@b",
            path="x.md",
            old_path=None,
            fields=["title"] * 20,
            old=raw,
            new=raw.replace(b"a", b"c"),
        )
        for _ in range(50)
    ]
    yield git_dialogs.HistoryDialog(commits, long_url + ".md", parent)


def git_dialogs_item(path, i):
    ns = types.SimpleNamespace
    change = ns(path=path, title="A title " * 30, state="modified", fields=[("title",)])
    return ns(
        change=change, lines=[f"title: {'old ' * 40} → {'new ' * 40}"] * 3, committable=i % 7 != 3, path=path
    )


DIALOGS = 11


@pytest.mark.parametrize("index", range(DIALOGS))
def test_every_dialog_fits_a_1280_by_800_screen(window, qtbot, index):
    """Regression: the Regenerate dialog was wider than the screen (its new URL and Cancel
    were cut off)."""
    made = list(_every_dialog(window))
    assert len(made) == DIALOGS
    dialog = made[index]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1240 and hint.height() <= 740, (type(dialog).__name__, hint)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    for box in dialog.findChildren(QDialogButtonBox):  # every button inside the dialog
        for b in box.buttons():
            corner = b.mapTo(dialog, b.rect().bottomRight())
            assert corner.x() <= dialog.width() and corner.y() <= dialog.height(), b.text()
    dialog.reject()
