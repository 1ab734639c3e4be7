"""Never lose work: journal and recovery (including after SIGKILL), outside changes reloaded or
merged field by field, deleted files, two editors on one file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from qteditor.core.entry import Entry
from qteditor.core.journal import Journal
from qteditor.ui.main_window import FOLLOW_LINK, MainWindow, sample_collection
from tests.conftest import REPO, posix_only


def _entry(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(sample_collection(), root)
    return root / "mathematics" / "what-is-a-prime-number.md"


def test_journal_and_recovery_in_process(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, " Unsaved words.")
    assert window.write_journal()
    assert path.read_bytes().count(b"Unsaved words.") == 0  # never written over the file
    items = Journal().pending()
    assert len(items) == 1 and items[0].path == str(path)
    fresh = MainWindow(window.settings)
    qtbot.addWidget(fresh)
    assert fresh.offer_recovery(lambda item, disk: "recover") == 1
    assert fresh.session.fields["answer"].endswith("Unsaved words.") and fresh.session.dirty
    assert fresh.save()
    assert Journal().pending() == []
    assert Entry.load(path).fields()["answer"].endswith("Unsaved words.")
    fresh.session.discard_changes()
    window.session.discard_changes()


def test_recovery_after_sigkill(tmp_path):
    path = _entry(tmp_path)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(REPO),
    )
    typist = textwrap.dedent(f"""
        import sys, time
        from PySide6.QtCore import QTimer
        from PySide6.QtTest import QTest
        from qteditor.ui.app import make_app
        from qteditor.ui.main_window import MainWindow
        app = make_app()
        w = MainWindow()
        w.open_file(__import__("pathlib").Path({str(path)!r}))
        w.show()
        def type_some():
            w.editor.edit.moveCursor(w.editor.edit.textCursor().MoveOperation.End)
            QTest.keyClicks(w.editor.edit, " Typed before the crash.")
        QTimer.singleShot(100, type_some)
        QTimer.singleShot(2600, lambda: print("typed", flush=True))  # the journal runs at 2 s
        app.exec()
    """)
    proc = subprocess.Popen([sys.executable, "-c", typist], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "typed"
    time.sleep(0.2)
    proc.kill()  # SIGKILL; TerminateProcess on Windows
    proc.wait()
    assert b"Typed before the crash." not in path.read_bytes()
    recover = textwrap.dedent("""
        from qteditor.ui.app import make_app
        from qteditor.ui.main_window import MainWindow
        app = make_app()
        w = MainWindow()
        print(w.offer_recovery(lambda item, disk: "recover"))
        print(repr(w.session.fields["answer"][-40:]))
        w.save()
    """)
    out = subprocess.run([sys.executable, "-c", recover], env=env, capture_output=True, text=True, timeout=60)
    lines = out.stdout.splitlines()
    assert lines[0] == "1", out.stderr
    assert "Typed before the crash." in lines[1]
    assert Entry.load(path).fields()["answer"].endswith("Typed before the crash.")


def test_recovery_after_sigkill_keeps_an_outside_change_the_window_had_merged(tmp_path):
    """Type in the answer, journal; `qteditor set author=…` on disk; the window merges it;
    SIGKILL. Recovery puts the typing onto the file as it is: the author stays, and the
    recovery diff shows only the typing."""
    path = _entry(tmp_path)
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(REPO),
    )
    typist = textwrap.dedent(f"""
        import subprocess, sys
        from pathlib import Path
        from PySide6.QtCore import QTimer
        from PySide6.QtTest import QTest
        from qteditor.ui.app import make_app
        from qteditor.ui.main_window import MainWindow
        app = make_app()
        w = MainWindow()
        w.open_file(Path({str(path)!r}))
        w.show()
        def type_some():
            w.editor.edit.moveCursor(w.editor.edit.textCursor().MoveOperation.End)
            QTest.keyClicks(w.editor.edit, " Typed before the crash.")
        def change_outside():
            subprocess.run([sys.executable, "-m", "qteditor", "set", {str(path)!r},
                            "author=Changed Outside"], check=True)
            poll()
        def poll():
            if w.session.fields.get("author") == "Changed Outside":  # the window merged it
                print("merged", flush=True)
            else:
                QTimer.singleShot(50, poll)
        QTimer.singleShot(100, type_some)
        QTimer.singleShot(2600, change_outside)  # the journal was written at 2.1 s
        app.exec()
    """)
    proc = subprocess.Popen([sys.executable, "-c", typist], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "merged"
    finally:
        proc.kill()  # SIGKILL; TerminateProcess on Windows
        proc.wait()
    assert Entry.load(path).fields()["author"] == "Changed Outside"
    recover = textwrap.dedent("""
        import json
        from qteditor.ui import dialogs
        from qteditor.ui.app import make_app
        from qteditor.ui.main_window import MainWindow
        shown = []
        def choice(self):
            shown.append(self.diff)
            return "recover"
        dialogs.RecoveryDialog.choice = choice  # the real dialog's diff, answered "recover"
        app = make_app()
        w = MainWindow()
        print(w.offer_recovery())
        print(json.dumps(shown[0]))
        w.save()
    """)
    out = subprocess.run([sys.executable, "-c", recover], env=env, capture_output=True, text=True, timeout=60)
    lines = out.stdout.splitlines()
    assert lines[0] == "1", out.stderr
    changed = [
        line
        for line in json.loads(lines[1]).splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 2 and "Typed before the crash." in changed[1]
    assert "Typed" not in changed[0]
    assert not any("author" in line for line in changed)
    saved = Entry.load(path).fields()
    assert saved["author"] == "Changed Outside"
    assert saved["answer"].endswith("Typed before the crash.")


def test_outside_change_without_local_edits_reloads(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    other = Entry.load(path)
    fields = other.fields()
    fields["author"] = "Someone Else"
    other.save(fields)
    window.on_outside_change(str(path))
    assert window.session.fields["author"] == "Someone Else" and not window.session.dirty
    assert window.form.rows[("author",)].read() == "Someone Else"


def test_outside_change_with_local_edits_merges(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    title = window.form.rows[("title",)].widget
    title.selectAll()
    qtbot.keyClicks(title, "Mine")
    other = Entry.load(path)
    fields = other.fields()
    fields["author"] = "Them"
    fields["title"] = "Theirs"
    other.save(fields)
    picked = []
    window.resolve_conflicts = lambda conflicts, choose=None: picked.extend(conflicts)
    window.on_outside_change(str(path))
    assert window.session.fields["author"] == "Them"  # only they changed it
    assert window.session.fields["title"] == "Mine"  # both changed: ours kept, asked
    assert [c.path for c in picked] == [("title",)]
    assert window.save()  # the merge is based on the new disk version: no conflict error
    saved = Entry.load(path).fields()
    assert (saved["author"], saved["title"]) == ("Them", "Mine")


def test_deleted_file_keeps_the_text(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    path.unlink()
    window.on_outside_change(str(path))
    assert window.file_missing and window.notice.isVisible()
    assert "Save As" in window.notice.text()
    assert window.editor.text()


def test_two_windows_on_one_file_get_a_notice(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    second = MainWindow(window.settings)
    qtbot.addWidget(second)
    second.open_file(path)
    assert not second.notice.isHidden() and "already open" in second.notice.text()
    assert window.notice.isHidden()


def test_broken_file_is_corrected_in_the_raw_view(window, qtbot, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n\tid: 1\n---\nbody")
    window.open_file(bad)
    view = window.error_view
    assert not view.text.isReadOnly()
    view.text.setPlainText("---\ntitle: x\n\tid: 2\n---\nbody")
    assert window.save_raw() is False  # still broken: nothing written
    assert bad.read_bytes() == b"---\ntitle: x\n\tid: 1\n---\nbody"
    assert "bad.md:3:1" in view.message.text()
    view.text.setPlainText("---\ntitle: x\nid: 1\n---\nbody")
    assert window.save_raw() is True
    assert bad.read_bytes() == b"---\ntitle: x\nid: 1\n---\nbody"
    assert window.session is not None and window.session.fields["id"] == 1


def test_binary_file_is_never_editable(window, tmp_path):
    bad = tmp_path / "bin.md"
    bad.write_bytes(b"---\na: \x00\xff\n---\n")
    window.open_file(bad)
    assert window.error_view.text.isReadOnly() and not window.error_view.save_button.isEnabled()


def test_save_over_an_outside_change_merges_instead(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    window.open_file(path)
    author = window.form.rows[("author",)].widget
    author.selectAll()
    qtbot.keyClicks(author, "Me")
    window.watcher.removePaths(window.watcher.files())  # as if the change went unnoticed
    other = Entry.load(path)
    fields = other.fields()
    fields["subject"] = "Maths"
    other.save(fields)
    assert window.save() is False  # refused: the file changed since it was read
    assert Entry.load(path).fields()["author"] == "QuickTakes"
    assert window.session.fields["subject"] == "Maths" and window.session.fields["author"] == "Me"
    assert window.save() is True
    saved = Entry.load(path).fields()
    assert (saved["author"], saved["subject"]) == ("Me", "Maths")


def _type_author(window, qtbot, text):
    author = window.form.rows[("author",)].widget
    author.selectAll()
    qtbot.keyClicks(author, text)


def _save_refused_for_read_only(window, qtbot, tmp_path):
    """An entry edited in the window, made read-only, its save declined: (path, its bytes)."""
    from PySide6.QtWidgets import QMessageBox

    path = _entry(tmp_path)
    before = path.read_bytes()
    window.open_file(path)
    _type_author(window, qtbot, "Me")
    os.chmod(path, 0o444)
    window.answers.append(QMessageBox.StandardButton.No)
    assert window.save() is False
    return path, before


def test_read_only_file_is_saved_only_when_the_user_agrees(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    path, before = _save_refused_for_read_only(window, qtbot, tmp_path)
    assert window.asked == ["This file is read-only. Save anyway?"]
    assert path.read_bytes() == before and window.session.dirty
    window.answers.append(QMessageBox.StandardButton.Yes)
    assert window.save() is True
    assert Entry.load(path).fields()["author"] == "Me" and not window.session.dirty
    assert path.stat().st_mode & 0o777 == 0o444


def test_hard_linked_file_is_asked_about_and_written_in_place(window, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    path = _entry(tmp_path)
    other = tmp_path / "other-name.md"
    os.link(path, other)
    window.open_file(path)
    _type_author(window, qtbot, "Me")
    window.answers.append(QMessageBox.StandardButton.Yes)
    assert window.save() is True
    assert "2 hard links" in window.asked[0]
    assert os.path.samefile(path, other) and Entry.load(other).fields()["author"] == "Me"


@posix_only("permission bits")
def test_a_refused_save_says_what_the_writer_can_do_not_the_clis_force(window, qtbot, tmp_path):
    """Regression: a read-only (or hard-linked) entry the user chose not to save anyway said
    "use --force", an option of the command line, in the window's status bar."""
    from PySide6.QtWidgets import QMessageBox

    path, before = _save_refused_for_read_only(window, qtbot, tmp_path)
    assert path.read_bytes() == before
    said = window.statusBar().currentMessage()
    assert said.startswith("Not saved: the file is read-only") and "force" not in said
    assert "writable" in said and "Save As" in said
    os.chmod(path, 0o644)
    other = tmp_path / "other-name.md"
    os.link(path, other)
    window.answers.append(QMessageBox.StandardButton.No)
    assert window.save() is False and path.read_bytes() == before
    said = window.statusBar().currentMessage()
    assert "2 hard links" in said and "force" not in said
    assert "Save anyway" in said and "Save As" in said


@posix_only("permission bits")
def test_a_refused_correction_of_a_broken_file_says_to_make_it_writable(window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n\tid: 1\n---\nbody")
    window.open_file(bad)
    os.chmod(bad, 0o444)
    window.error_view.text.setPlainText("---\ntitle: x\nid: 1\n---\nbody")
    window.answers.append(QMessageBox.StandardButton.No)
    assert window.save_raw() is False
    said = window.error_view.message.text()
    assert "read-only" in said and str(bad) in said and "force" not in said and "writable" in said


def test_an_error_dialog_on_a_refused_file_says_what_the_writer_can_do(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from qteditor.core.storage import ReadOnlyError
    from qteditor.ui.dialogs import show_error

    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    show_error(window, "Not renamed", ReadOnlyError("cannot rename: a.md is read-only", "/x/a.md"))
    show_error(window, "Not saved", ValueError("/x/b.md:1:1: something else"))
    assert shown[0].startswith("/x/a.md:1:1: cannot rename: a.md is read-only\n\n")
    assert "writable" in shown[0] and "force" not in shown[0]
    assert shown[1] == "/x/b.md:1:1: something else"  # other errors as they are


def test_corrected_text_is_not_saved_over_a_file_changed_meanwhile(window, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n\tid: 1\n---\nbody")
    window.open_file(bad)
    bad.write_bytes(b"---\ntitle: theirs\n---\nbody")  # another program fixed it meanwhile
    window.error_view.text.setPlainText("---\ntitle: mine\n---\nbody")
    assert window.save_raw() is False
    assert bad.read_bytes() == b"---\ntitle: theirs\n---\nbody"
    assert "changed on disk" in window.error_view.message.text()
    assert window.error_view.text.toPlainText() == "---\ntitle: mine\n---\nbody"  # kept


def test_a_literal_backslash_n_is_refused_on_save_with_its_position(window, qtbot, tmp_path, monkeypatch):
    from qteditor.ui import main_window

    shown = []
    monkeypatch.setattr(main_window, "show_error", lambda parent, title, exc: shown.append(str(exc)))
    path = _entry(tmp_path)
    before = path.read_bytes()
    window.open_file(path)
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, " see C:\\new")
    assert window.save() is False and path.read_bytes() == before
    line = Entry.load(path).field_lines("answer")[0]
    assert len(shown) == 1 and shown[0].startswith(
        f"{path}:{line}:1: answer: the text contains the characters \\n at line "
    )
    assert window.write_journal()  # the typed text is journaled all the same
    assert Journal().pending()[0].content.count(b"C:\\new") == 1


@posix_only("a FIFO (os.mkfifo)")
@pytest.mark.timeout(30)
def test_opening_a_fifo_never_blocks_the_window(window, tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert window.open_file(fifo) is False
    assert "named pipe" in window.error_view.message.text()
    assert window.error_view.text.isReadOnly() and not window.error_view.save_button.isEnabled()


def test_opening_a_file_removes_the_temporaries_a_killed_save_left(window, tmp_path):
    from qteditor.core import storage

    path = _entry(tmp_path)
    stale = path.parent / (storage._tmp_stem(str(path)) + "0badf00d.tmp")
    stale.write_bytes(b"x" * 1000)  # what a SIGKILL mid-save leaves
    other = path.parent / (storage._tmp_stem(str(path.parent / "other.md")) + "12345678.tmp")
    other.write_bytes(b"another file's")
    assert window.open_file(path)
    assert not stale.exists() and other.exists()


@pytest.mark.timeout(30)
def test_a_save_in_progress_keeps_its_temporary_and_the_window_does_not_wait(window, tmp_path):
    from qteditor.core import storage

    path = _entry(tmp_path)
    tmp = path.parent / (storage._tmp_stem(str(path)) + "0badf00d.tmp")
    tmp.write_bytes(b"being written")
    with storage.locked(str(path)):  # another writer holds the file's lock
        start = time.monotonic()
        assert window.open_file(path)
        assert time.monotonic() - start < 5 and tmp.exists()


# ---------------------------------------------------------------------------- a moved entry
def _indexed_site(window, qtbot, tmp_path):
    path = _entry(tmp_path)
    root = path.parents[1]
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.open_folder(root)
    assert window.open_file(path)
    return root, path


def _type_in_answer(window, qtbot, text):
    window.editor.edit.moveCursor(window.editor.edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor.edit, text)


def test_an_entry_renamed_behind_the_windows_back_is_followed_with_its_edits(window, qtbot, tmp_path):
    """Regression: an entry renamed while open (git mv, a pull, the CMS) said only "deleted
    or moved": the edits could only be written with Save As."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    _type_in_answer(window, qtbot, " Typed here.")
    assert window.write_journal()
    new = root / "chemistry" / "what-is-a-prime-number-renamed.md"
    os.rename(path, new)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()  # (the folder watcher does the same)
        window.on_outside_change(str(path))
    assert window.file_missing
    text = window.notice.text()
    assert "chemistry/what-is-a-prime-number-renamed.md" in text and "Follow it" in text
    link = re.search(r'href="([^"]+)"', text).group(1)
    window.notice.linkActivated.emit(link)  # the notice's link, as clicked
    assert window.session.path == str(new) and not window.file_missing
    assert window.editor.text().endswith(" Typed here.")  # the edits kept
    assert window.session.dirty and window.notice.isHidden()
    assert [item.path for item in window.journal.pending()] == [str(new)]  # journaled by the new name
    assert window.save()
    assert not path.exists()  # never written back under the old name
    assert b"Typed here." in new.read_bytes()
    assert new.name in window.windowTitle()
    recent = window.settings.get("files/recent")
    assert recent[0] == str(new) and str(path) not in recent  # the old name opens nothing now
    assert [a.text() for a in window.recent_menu.actions()] == recent


def test_a_move_written_anew_with_changes_is_found_after_the_index_refresh(window, qtbot, tmp_path):
    """A pull that renames and changes the entry: the old file removed, a new one written;
    found once the index has the new file, the edits merged onto its changes."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    _type_in_answer(window, qtbot, " Mine.")
    raw = path.read_bytes()
    path.unlink()
    window.on_outside_change(str(path))  # before the index knows the new name
    assert "deleted or moved" in window.notice.text()
    new = root / "mathematics" / "prime-numbers.md"
    new.write_bytes(raw.replace(b"author: ", b"author: Theirs ", 1))
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
    assert "prime-numbers.md" in window.notice.text()
    assert window.follow_move(str(new)) == "followed"
    assert window.session.fields["author"].startswith("Theirs ")  # their change …
    assert window.editor.text().endswith(" Mine.")  # … and mine


def test_an_unrelated_entry_sharing_the_id_is_not_offered(window, qtbot, tmp_path):
    root, path = _indexed_site(window, qtbot, tmp_path)
    twin = root / "biology" / "twin.md"
    twin.write_bytes(path.read_bytes())  # an id used twice, there before the entry was opened
    os.utime(twin, (1_000_000, 1_000_000))
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
    path.unlink()
    window.on_outside_change(str(path))
    assert "deleted or moved" in window.notice.text() and "Follow" not in window.notice.text()


def _follow_link(window):
    return re.search(rf'href="{re.escape(FOLLOW_LINK)}([^"]+)"', window.notice.text())


def test_the_old_name_coming_back_ends_the_move_notice(window, qtbot, tmp_path):
    """Regression: after a checkout back (the moved file gone, the old one written again),
    the notice still offered to follow the file that was gone, the window still took its own
    file for missing and no longer watched it (an outside change to it went unseen)."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    _type_in_answer(window, qtbot, " Mine.")
    raw = path.read_bytes()
    new = root / "chemistry" / "moved.md"
    os.rename(path, new)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
        window.on_outside_change(str(path))
    assert _follow_link(window)
    new.unlink()  # git checkout back: the moved name goes, the old one is written anew
    path.write_bytes(raw)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
    assert not window.file_missing and window.notice.isHidden()
    assert window.watcher.files() == [str(path)]
    assert window.session.path == str(path) and window.editor.text().endswith(" Mine.")


def test_follow_refuses_a_file_that_is_no_longer_the_entry(window, qtbot, tmp_path, monkeypatch):
    """Regression: Follow clicked after the moved file was replaced by another entry merged
    the edits onto that other entry (its id and title), to be saved over it."""
    monkeypatch.setattr(window, "resolve_conflicts", lambda conflicts, choose=None: None)  # no dialog
    root, path = _indexed_site(window, qtbot, tmp_path)
    _type_in_answer(window, qtbot, " Mine.")
    ident = window.session.fields["id"]
    new = root / "chemistry" / "moved.md"
    os.rename(path, new)
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
        window.on_outside_change(str(path))
    link = _follow_link(window)
    other = next(p for p in sorted(root.rglob("*.md")) if p != new)
    assert Entry.load(other).fields()["id"] != ident
    new.write_bytes(other.read_bytes())  # another entry there now
    assert window.follow_move(link.group(1)) == "other"
    assert window.session.path == str(path) and window.file_missing
    assert window.session.fields["id"] == ident and window.editor.text().endswith(" Mine.")
    assert "no longer this entry" in window.notice.text()


def test_an_entry_sharing_the_id_edited_since_is_no_trail(window, qtbot, tmp_path):
    """Regression: an entry that shared the id while the open one was still there, written
    since it was opened, was offered as where the open one moved when it was deleted."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    twin = root / "biology" / "twin.md"
    twin.write_bytes(path.read_bytes())
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
    assert window.open_file(path)
    twin.write_bytes(twin.read_bytes() + b"\nMore.\n")  # edited, after the entry was opened
    path.unlink()  # deleted, not moved
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
        window.on_outside_change(str(path))
    assert "deleted or moved" in window.notice.text() and "Follow" not in window.notice.text()


def test_saving_an_unchanged_entry_whose_file_went_is_no_save(window, qtbot, tmp_path):
    """Regression: Save with no edits said "Saved" though the file was gone (nothing was
    written) and the window stopped looking for where it went."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    new = root / "chemistry" / "moved.md"
    os.rename(path, new)
    window.on_outside_change(str(path))
    assert not window.save()
    assert window.file_missing and not path.exists()
    assert "Not saved" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.collection_panel.indexed, timeout=20000):
        window.collection_panel.files_written()
    assert _follow_link(window)


def test_the_notice_of_an_unreadable_moved_file_shows_its_name_as_text(window, qtbot, tmp_path):
    """Regression: the error's text (the file's name in it) went into the rich-text notice as
    it was: a name holding markup (a link, even) was shown as markup."""
    root, path = _indexed_site(window, qtbot, tmp_path)
    new = root / "chemistry" / 'x<a href="qteditor-follow:elsewhere">y.md'
    os.rename(path, new)
    new.write_bytes(new.read_bytes().replace(b"title:", b"title: [", 1))  # broken now
    assert window.follow_move(str(new)) == "unreadable"
    text = window.notice.text()
    assert "<a href" not in text and "&lt;a href=" in text


def test_an_unreadable_outside_change_shows_the_error_as_text(window, qtbot, tmp_path):
    """Regression: "changed on disk and cannot be read" put the error (the file's name in it)
    into the rich-text notice as markup."""
    path = tmp_path / "x<b>bold.md"
    path.write_bytes(_entry(tmp_path).read_bytes())
    assert window.open_file(path)
    path.write_bytes(path.read_bytes().replace(b"title:", b"title: [", 1))  # broken now
    assert window.on_outside_change(str(path)) == "unreadable"
    text = window.notice.text()
    assert "cannot be read now" in text and "<b>bold" not in text and "&lt;b&gt;bold" in text


def test_the_conflict_notice_shows_a_file_name_holding_markup_as_text(window, tmp_path):
    path = tmp_path / "x<i>y.md"
    raw = _entry(tmp_path).read_bytes()
    path.write_bytes(raw)
    assert window.open_file(path)
    head, rest = raw.split(b"\n", 1)  # the markers inside the front matter, as git leaves them
    path.write_bytes(head + b"\n<<<<<<< HEAD\nauthor: A\n=======\nauthor: B\n>>>>>>> theirs\n" + rest)
    assert window.on_outside_change(str(path)) == "conflict"
    text = window.notice.text()
    assert "git conflict" in text and "<i>y" not in text and "x&lt;i&gt;y" in text


def test_the_pull_renamed_notice_shows_the_new_name_as_text(window, qtbot, tmp_path):
    """A pull that renamed the open entry while it has edits: the notice names the new file,
    as text (a name holding markup was shown as markup)."""
    path = _entry(tmp_path)
    assert window.open_file(path)
    _type_in_answer(window, qtbot, " Mine.")
    top = path.parents[3]
    new = path.parent / "x<b>bold.md"
    new.write_bytes(path.read_bytes())
    window.git._follow_rename(top, {str(path.relative_to(top)): str(new.relative_to(top))})
    text = window.notice.text()
    assert "pull renamed this entry" in text and "<b>bold" not in text and "x&lt;b&gt;bold.md" in text
    assert window.session.path == str(path) and window.editor.text().endswith(" Mine.")
