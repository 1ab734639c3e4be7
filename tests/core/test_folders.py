"""Collection layout rules: which folder is the collection, and the first entry in it."""

from __future__ import annotations

from qteditor.core.folders import collection_of, content_root, first_entry


def test_first_entry_is_the_first_in_path_order_without_hidden_names(tmp_path):
    for rel in ("b/z.md", "a/y.md", "a/x.txt", "a-b.md", ".hidden/a.md", "a/.c.md", "c.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    expected = min(p for p in tmp_path.rglob("*.md") if ".hidden" not in p.parts
                   and not p.name.startswith("."))
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
    loose = tmp_path / "notes" / "physics" / "speed.md"
    loose.parent.mkdir(parents=True)
    loose.write_text("x")
    assert collection_of(loose) == (tmp_path / "notes").resolve()
