"""Collection layout rules: which folder is the collection, and the first entry in it."""

from __future__ import annotations

from qteditor.core.folders import collection_for_folder, collection_of, content_root, first_entry


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
