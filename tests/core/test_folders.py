"""Collection layout rules: which folder is the collection, and the first entry in it."""

from __future__ import annotations

import os

from qteditor.core.folders import (
    collection_for_folder,
    collection_of,
    content_root,
    file_identity,
    first_entry,
    moved_entry,
    sharing_id,
)


def test_first_entry_is_the_first_in_path_order_without_hidden_names(tmp_path):
    for rel in ("b/z.md", "a/y.md", "a/x.txt", "a-b.md", ".hidden/a.md", "a/.c.md", "c.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    expected = min(
        p for p in tmp_path.rglob("*.md") if ".hidden" not in p.parts and not p.name.startswith(".")
    )
    assert expected == tmp_path / "a" / "y.md"  # Paths sort part by part: "a" < "a-b.md"
    assert first_entry(tmp_path) == expected
    (tmp_path / "a" / "y.md").unlink()
    assert first_entry(tmp_path) == tmp_path / "a-b.md"  # folder "a" holds no entry now
    assert first_entry(tmp_path / "nothing-here") is None


def test_collection_of_a_file_and_the_root_of_a_site(tmp_path):
    learn = tmp_path / "site" / "content" / "learn"
    (learn / "biology").mkdir(parents=True)
    entry = learn / "biology" / "cells.md"
    entry.write_text("x")
    assert collection_of(entry) == learn.resolve()
    assert content_root(tmp_path / "site") == learn
    assert collection_for_folder(learn / "biology") == learn.resolve()  # a subject folder
    assert collection_for_folder(tmp_path / "site") == learn.resolve()  # a site root


def test_a_stray_file_opens_alone(tmp_path):
    """Regression: one stray file in a temporary folder made its grandparent a collection (the
    window indexed 74,835 files); a file in the home folder would have indexed the home."""
    loose = tmp_path / "notes" / "physics" / "speed.md"
    loose.parent.mkdir(parents=True)
    loose.write_text("x")
    assert collection_of(loose) is None
    assert collection_of(loose, opened=tmp_path / "notes") == (tmp_path / "notes").resolve()
    assert collection_of(loose, opened=tmp_path / "elsewhere") is None
    (tmp_path / "notes" / ".qteditor").mkdir()  # a collection by its settings folder
    assert collection_of(loose) == (tmp_path / "notes").resolve()
    assert collection_for_folder(loose.parent) == (tmp_path / "notes").resolve()
    other = tmp_path / "plain"
    other.mkdir()
    assert collection_for_folder(other) == other.resolve()  # a folder given is one


# ---------------------------------------------------------------------------- a moved entry
class _Record:
    def __init__(self, path: str, ident: object):
        self.path, self.fields = path, {"id": ident}


def _moved_setup(tmp_path):
    root = tmp_path / "learn"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    old = root / "a" / "old.md"
    old.write_text("---\nid: 7\n---\n", encoding="utf-8")
    return root, old


def test_a_file_renamed_in_place_is_found_by_its_inode_whatever_its_time(tmp_path):
    root, old = _moved_setup(tmp_path)
    opened = file_identity(str(old))
    new = root / "b" / "new.md"
    os.rename(old, new)
    os.utime(new, (1_000_000, 1_000_000))  # a rename keeps the file's old time
    records = [_Record("b/new.md", 7), _Record("a/other.md", 8)]
    assert moved_entry(str(old), 7, records, root, opened) == str(new)


def test_a_file_written_anew_since_opening_is_found_by_its_time(tmp_path):
    root, old = _moved_setup(tmp_path)
    opened = file_identity(str(old))
    old.unlink()  # what a checkout or a pull does: the old name removed, a new file written
    new = root / "b" / "new.md"
    new.write_text("---\nid: 7\n---\nchanged\n", encoding="utf-8")
    assert moved_entry(str(old), 7, [_Record("b/new.md", 7)], root, opened) == str(new)


def test_an_older_entry_sharing_the_id_is_no_trail(tmp_path):
    root, old = _moved_setup(tmp_path)
    twin = root / "b" / "twin.md"  # an id used twice in the collection, long before
    twin.write_text("---\nid: 7\n---\n", encoding="utf-8")
    os.utime(twin, (1_000_000, 1_000_000))
    opened = file_identity(str(old))
    old.unlink()
    assert moved_entry(str(old), 7, [_Record("b/twin.md", 7)], root, opened) is None


def test_two_candidates_or_no_id_give_no_answer(tmp_path):
    root, old = _moved_setup(tmp_path)
    opened = file_identity(str(old))
    old.unlink()
    for name in ("x.md", "y.md"):
        (root / "b" / name).write_text("---\nid: 7\n---\n", encoding="utf-8")
    two = [_Record("b/x.md", 7), _Record("b/y.md", 7)]
    assert moved_entry(str(old), 7, two, root, opened) is None
    one = two[:1]
    assert moved_entry(str(old), 7, one, root, opened) == str(root / "b" / "x.md")
    for ident in (None, "", True):
        assert moved_entry(str(old), ident, one, root, opened) is None
    assert moved_entry(str(old), 7, one, root, None) is None  # never read: nothing to know it by
    assert moved_entry(str(old), 7, [_Record("b/gone.md", 7)], root, opened) is None  # not there
    # the record of the old path itself (an index not yet refreshed) is not where it went
    assert moved_entry(str(old), 7, [_Record("a/old.md", 7)], root, opened) is None
    assert file_identity(str(old)) is None and file_identity(None) is None


def test_an_entry_that_shared_the_id_while_the_open_one_was_there_is_no_trail(tmp_path):
    """Regression: a twin written since the entry was opened (edited, a batch fix) was taken
    for where the entry went when it was deleted."""
    root, old = _moved_setup(tmp_path)
    twin = root / "b" / "twin.md"
    twin.write_text("---\nid: 7\n---\n", encoding="utf-8")
    before = [_Record("a/old.md", 7), _Record("b/twin.md", 7), _Record("b/other.md", 8)]
    twins = sharing_id(str(old), 7, before, root)
    assert twins == {str(twin)}
    assert sharing_id(str(old), 7, before[1:], root) is None  # an index without the entry: unknown
    opened = file_identity(str(old))
    twin.write_text("---\nid: 7\n---\nedited\n", encoding="utf-8")
    old.unlink()
    after = [_Record("b/twin.md", 7)]
    assert moved_entry(str(old), 7, after, root, opened) == str(twin)  # (not knowing it was there)
    assert moved_entry(str(old), 7, after, root, opened, twins) is None


def test_the_very_file_renamed_over_a_twin_is_still_followed(tmp_path):
    root, old = _moved_setup(tmp_path)
    twin = root / "b" / "twin.md"
    twin.write_text("---\nid: 7\n---\n", encoding="utf-8")
    twins = sharing_id(str(old), 7, [_Record("a/old.md", 7), _Record("b/twin.md", 7)], root)
    opened = file_identity(str(old))
    os.replace(old, twin)
    assert moved_entry(str(old), 7, [_Record("b/twin.md", 7)], root, opened, twins) == str(twin)
