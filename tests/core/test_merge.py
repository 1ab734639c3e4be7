"""Three-way merge of outside changes: fields independently, the answer line by line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core.merge import merge_fields, merge_lines
from qteditor.core.resources import resource


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


def test_a_long_repetitive_body_merges_with_both_sides_lines():
    """The line diff matches the common start and end first: a 20,000-line body of repeated
    lines with a line added at each end merges clean with both lines (the matcher alone, on
    the whole body, took 20 s; git waits on the driver)."""
    from qteditor.core.merge import merge_bytes

    src = sorted((resource("sample") / "content" / "learn").glob("*/*.md"))[0].read_bytes()
    body = "".join(f"line {i % 7}\n" for i in range(20000)).encode()
    base = src + body
    out = merge_bytes(base, base + b"appended\n", src + b"prepended\n" + body, "x.md")
    assert out.clean
    assert out.data == src + b"prepended\n" + body + b"appended\n"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcde"), max_size=30),
    st.lists(st.sampled_from("abcde"), max_size=30),
)
def test_matching_blocks_are_a_common_subsequence_and_find_the_ends(base, other):
    from qteditor.core.merge import _matching_blocks

    blocks = _matching_blocks(base, other)
    assert blocks[-1] == (len(base), len(other), 0)
    i_end = j_end = 0
    for i, j, size in blocks[:-1]:
        assert size > 0 and i >= i_end and j >= j_end  # in order, not overlapping
        assert base[i : i + size] == other[j : j + size]
        i_end, j_end = i + size, j + size
    matched = sum(size for _i, _j, size in blocks)
    common_start = next((k for k, (x, y) in enumerate(zip(base, other, strict=False)) if x != y), None)
    if common_start is None:
        common_start = min(len(base), len(other))
    assert matched >= common_start  # the common start is always matched
