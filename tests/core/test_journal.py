"""Crash journal: what is recorded, and recovery putting only the user's edits back onto the
file as it is now (a three-way merge against the version the edits were made against)."""

from __future__ import annotations

import difflib

from qteditor.core.entry import Entry
from qteditor.core.journal import Journal, JournalItem, recover
from qteditor.core.resources import resource

SAMPLE = resource("sample") / "content" / "learn" / "mathematics" / "what-is-a-prime-number.md"


def _edited(raw: bytes, **changes) -> bytes:
    entry = Entry.from_bytes(raw, "x.md")
    fields = entry.fields()
    fields.update(changes)
    return entry.render(fields)[0]


def _changed_lines(old: bytes, new: bytes) -> list[str]:
    diff = difflib.unified_diff(old.decode().split("\n"), new.decode().split("\n"), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_journal_keeps_the_base_of_the_edits(tmp_path):
    journal = Journal(tmp_path)
    journal.write("/x/a.md", "d1", b"content", base=b"base")
    journal.write(None, None, b"new entry", token="t")
    items = {i.path: i for i in journal.pending()}
    assert (items["/x/a.md"].content, items["/x/a.md"].base) == (b"content", b"base")
    assert items[None].base is None


def test_recovery_keeps_an_outside_change_and_shows_only_the_users_edits():
    base = SAMPLE.read_bytes()
    answer = Entry.from_bytes(base).fields()["answer"] + "\n\nTyped before the crash."
    journaled = _edited(base, answer=answer)
    disk = _edited(base, author="Changed Outside")  # `qteditor set author=…` meanwhile
    item = JournalItem(None, "x.md", None, journaled, 0.0, base)
    rec = recover(item, Entry.from_bytes(disk, "x.md"))
    assert rec.fields["author"] == "Changed Outside" and rec.fields["answer"] == answer
    assert rec.conflicts == []
    changed = _changed_lines(disk, rec.content)  # what the recovery dialog shows
    old_line = next(
        line
        for line in disk.decode().split("\n")
        if "prime" in line.lower() and line.startswith("    ") and "\\n" in line
    )
    assert changed == ["-" + old_line, "+" + old_line + "\\n\\nTyped before the crash."]


def test_recovery_after_the_window_merged_an_outside_change():
    """The window merged an outside author change (its base is now that version) and the user
    went on typing; then someone changed the subject on disk and the window died."""
    original = SAMPLE.read_bytes()
    merged_in = _edited(original, author="First Outside")
    answer = Entry.from_bytes(original).fields()["answer"] + "\n\nMine."
    journaled = _edited(merged_in, answer=answer)
    disk = _edited(merged_in, subject="Maths")
    rec = recover(JournalItem(None, "x.md", None, journaled, 0.0, merged_in), Entry.from_bytes(disk, "x.md"))
    assert (rec.fields["author"], rec.fields["subject"], rec.fields["answer"]) == (
        "First Outside",
        "Maths",
        answer,
    )
    assert Entry.from_bytes(rec.content).fields() == rec.fields


def test_recovery_reports_fields_both_sides_changed_and_keeps_the_users():
    base = SAMPLE.read_bytes()
    journaled = _edited(base, author="Mine")
    disk = _edited(base, author="Theirs", subject="Maths")
    rec = recover(JournalItem(None, "x.md", None, journaled, 0.0, base), Entry.from_bytes(disk, "x.md"))
    assert rec.fields["author"] == "Mine" and rec.fields["subject"] == "Maths"
    assert [(c.path, c.ours, c.theirs) for c in rec.conflicts] == [(("author",), "Mine", "Theirs")]


def test_a_journal_without_a_base_keeps_all_of_its_content():
    base = SAMPLE.read_bytes()
    journaled = _edited(base, author="Mine")
    disk = _edited(base, subject="Maths")
    rec = recover(JournalItem(None, "x.md", None, journaled, 0.0, None), Entry.from_bytes(disk, "x.md"))
    assert rec.fields == Entry.from_bytes(journaled).fields()  # as before: nothing is lost


def test_a_file_gone_is_recovered_as_journaled():
    journaled = _edited(SAMPLE.read_bytes(), author="Mine")
    rec = recover(JournalItem(None, "x.md", None, journaled, 0.0, None), None)
    assert rec.content == journaled and rec.disk is None


# ---------------------------------------------------------------------------- Windows
def test_on_windows_whether_another_editor_runs_is_asked_without_os_kill(monkeypatch):
    """os.kill(pid, 0) on Windows is no probe: signal 0 is CTRL_C_EVENT there, and any other
    number ends the process."""
    from qteditor.core import journal

    asked = []

    def kill(*args):
        raise AssertionError(f"os.kill{args} on Windows")

    monkeypatch.setattr(journal.sys, "platform", "win32")
    monkeypatch.setattr(journal.os, "kill", kill)
    monkeypatch.setattr(journal, "_alive_on_windows", lambda pid: asked.append(pid) or True)
    assert journal._alive(4242) and asked == [4242]
    assert journal._alive(journal.os.getpid())  # this process: nothing to ask


def test_on_windows_the_host_name_is_known_without_importing_socket(monkeypatch):
    import socket

    from qteditor.core import journal

    def gethostname():
        raise AssertionError("socket is loaded at start-up for the lock file")

    monkeypatch.delattr(journal.os, "uname", raising=False)
    monkeypatch.setenv("COMPUTERNAME", "DESK-7")
    monkeypatch.setattr(socket, "gethostname", gethostname)
    assert journal._host() == "DESK-7"
