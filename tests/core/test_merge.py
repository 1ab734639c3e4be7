"""Three-way merge of outside changes: fields independently, the answer line by line."""

from __future__ import annotations

from qteditor.core.merge import merge_fields, merge_lines


def test_fields_changed_on_one_side_take_that_side():
    base = {"title": "T", "author": "A", "seo": {"title": "S", "page_keywords": "k"}, "id": 1}
    ours = {"title": "Mine", "author": "A", "seo": {"title": "S", "page_keywords": "k"}, "id": 1}
    theirs = {
        "title": "T",
        "author": "Them",
        "seo": {"title": "S", "page_keywords": "k2"},
        "id": 1,
        "no_index": True,
    }
    merged, conflicts = merge_fields(base, ours, theirs)
    assert merged == {
        "title": "Mine",
        "author": "Them",
        "id": 1,
        "no_index": True,
        "seo": {"title": "S", "page_keywords": "k2"},
    }
    assert conflicts == []


def test_deletions_merge_and_conflicts_keep_ours():
    base = {"a": 1, "b": 2, "c": 3}
    ours = {"a": 1, "b": 20, "c": 3}
    theirs = {"a": 1, "b": 200}
    merged, conflicts = merge_fields(base, ours, theirs)
    assert merged == {"a": 1, "b": 20}
    assert [c.path for c in conflicts] == [("b",)]
    assert (conflicts[0].ours, conflicts[0].theirs) == (20, 200)


def test_answer_merges_line_by_line():
    base = "one\ntwo\nthree\nfour"
    ours = "one\nTWO\nthree\nfour"
    theirs = "one\ntwo\nthree\nFOUR\nfive"
    assert merge_lines(base, ours, theirs) == ("one\nTWO\nthree\nFOUR\nfive", True)
    merged, conflicts = merge_fields({"answer": base}, {"answer": ours}, {"answer": theirs})
    assert merged["answer"] == "one\nTWO\nthree\nFOUR\nfive" and not conflicts


def test_answer_conflict_is_reported():
    text, clean = merge_lines("a\nb\nc", "a\nB1\nc", "a\nB2\nc")
    assert not clean and text == "a\nB1\nc"
    _, conflicts = merge_fields({"answer": "a\nb"}, {"answer": "a\nX"}, {"answer": "a\nY"})
    assert conflicts and conflicts[0].path == ("answer",)


def test_same_change_on_both_sides_is_clean():
    assert merge_lines("a\nb", "a\nc", "a\nc") == ("a\nc", True)
    merged, conflicts = merge_fields({"x": 1}, {"x": 2}, {"x": 2})
    assert merged == {"x": 2} and not conflicts
