"""The format-preserving writer: styles, types, added and deleted keys, lists, anchors."""

from __future__ import annotations

import datetime as dt

import pytest

from qteditor.core.entry import Entry
from qteditor.core.errors import SaveError
from qteditor.core.yaml import Writer, parse
from tests.core.helpers import edit, entry_of

ENTRY = """---
_schema: default
id: 172022
date: 2025-02-09
title: >-
    What is a plain title?
date_format: MMM DD, YYYY
seo:
  title: QuickTakes | Biology
  page_keywords: >-
    cells, biology
author: QuickTakes
no_index: True
answer: >-
    Line one\\n\\n- item\\n  - nested
subject: Biology
score: -1.0
related_article1:
    id: 5
    title: >-
        First related
    subject: Biology
    url: /learn/biology/questions/first-related
---

&nbsp;"""


def test_noop_writes_nothing():
    assert entry_of(ENTRY).render(entry_of(ENTRY).fields()) is None


def test_plain_value_stays_plain():
    out = edit(ENTRY, lambda f: f.__setitem__("author", "Jane Doe"))
    assert "\nauthor: Jane Doe\n" in out


@pytest.mark.parametrize(
    "value, expected",
    [
        ("a: b", "author: 'a: b'"),
        ("x #y", "author: 'x #y'"),
        ("123", "author: '123'"),
        ("True", "author: 'True'"),
        ("", "author: ''"),
        ("it's: 'q'", "author: 'it''s: ''q'''"),
        ("line\nbreak", 'author: "line\\nbreak"'),
        ("nel\x85here", 'author: "nel\\Nhere"'),
        ("ls\u2028ps\u2029", 'author: "ls\\Lps\\P"'),
    ],
)
def test_plain_falls_back_to_single_then_double(value, expected):
    out = edit(ENTRY, lambda f: f.__setitem__("author", value))
    assert expected in out


def test_folded_keeps_style_and_indentation():
    out = edit(ENTRY, lambda f: f.__setitem__("title", "Why: a #hash title?"))
    assert "title: >-\n    Why: a #hash title?\n" in out


def test_folded_with_line_breaks_and_leading_space_falls_to_literal_then_double():
    out = edit(ENTRY, lambda f: f.__setitem__("title", "one\n  indented"))
    assert "title: |-\n    one\n      indented\n" in out
    out = edit(ENTRY, lambda f: f.__setitem__("title", "tab\u2028sep"))
    assert 'title: "tab\\Lsep"' in out


def test_folded_trailing_newlines_change_chomping():
    out = edit(ENTRY, lambda f: f.__setitem__("title", "ends with break\n"))
    assert "title: >\n    ends with break\n" in out
    out = edit(ENTRY, lambda f: f.__setitem__("title", "two breaks\n\n"))
    assert "title: >+\n    two breaks\n\n" in out


def test_answer_keeps_escaped_newline_convention():
    out = edit(ENTRY, lambda f: f.__setitem__("answer", "New\n\n1. a\n   - b"))
    assert "answer: >-\n    New\\n\\n1. a\\n   - b\n" in out


def test_types_are_kept():
    out = edit(ENTRY, lambda f: f.update(id=172023, date=dt.date(2025, 3, 1), no_index=False, score=2.5))
    assert "\nid: 172023\n" in out and "\ndate: 2025-03-01\n" in out
    assert "\nno_index: False\n" in out and "\nscore: 2.5\n" in out
    fields = entry_of(out).fields()
    assert isinstance(fields["id"], int) and isinstance(fields["date"], dt.date)


def test_added_related_article_copies_its_siblings():
    def add(f):
        f["related_article2"] = {
            "id": 6,
            "title": "Second: related",
            "subject": "Biology",
            "url": "/learn/biology/questions/second-related",
        }

    out = edit(ENTRY, add)
    assert out.endswith(
        "    url: /learn/biology/questions/first-related\n"
        "related_article2:\n"
        "    id: 6\n"
        "    title: >-\n"
        "        Second: related\n"
        "    subject: Biology\n"
        "    url: /learn/biology/questions/second-related\n---\n\n&nbsp;"
    )


def test_added_key_goes_where_the_schema_puts_it():
    text = ENTRY.replace("no_index: True\n", "")
    out = edit(text, lambda f: f.__setitem__("no_index", True))
    assert "author: QuickTakes\nno_index: True\nanswer:" in out


def test_added_nested_key_takes_sibling_indent():
    out = edit(ENTRY, lambda f: f["seo"].__setitem__("page_description", "A description"))
    assert "  page_keywords: >-\n    cells, biology\n  page_description: >-\n    A description\n" in out
    out = edit(ENTRY, lambda f: f["seo"].__setitem__("robots", "noindex"))
    assert "    cells, biology\n  robots: noindex\nauthor:" in out


def test_deleted_key_removes_its_lines_only():
    out = edit(ENTRY, lambda f: f.pop("title"))
    assert out == ENTRY.replace("title: >-\n    What is a plain title?\n", "")
    out = edit(ENTRY, lambda f: f.pop("related_article1"))
    assert out.endswith("score: -1.0\n---\n\n&nbsp;")


def test_deleting_every_child_leaves_an_empty_mapping():
    out = edit(ENTRY, lambda f: f.__setitem__("seo", {}))
    assert "\nseo: {}\nauthor:" in out


COMMENTED = """\ufeff---\r
# leading comment\r
a: 1   # trailing\r
\r
b:  spaced value\r
nest:\r
    x: 1\r
    # between\r
    y: 'single'\r
list:\r
  - one\r
  - two\r
flow: {p: 1, q: [a, b]}\r
anchor: &base old\r
alias: *base\r
tagged: !!python/object:os.system echo\r
---\r
body"""


def test_crlf_bom_comments_survive_edits():
    out = edit(COMMENTED, lambda f: f.__setitem__("b", "new value"))
    assert out == COMMENTED.replace("b:  spaced value", "b:  new value")
    out = edit(COMMENTED, lambda f: f["nest"].__setitem__("y", "it's"))
    assert out == COMMENTED.replace("y: 'single'", "y: 'it''s'")


def test_block_list_append_delete_and_edit():
    out = edit(COMMENTED, lambda f: f["list"].append("three"))
    assert "  - one\r\n  - two\r\n  - three\r\nflow" in out
    out = edit(COMMENTED, lambda f: f["list"].pop(0))
    assert "list:\r\n  - two\r\nflow" in out
    out = edit(COMMENTED, lambda f: f["list"].insert(0, "zero"))
    assert "list:\r\n  - zero\r\n  - one\r\n" in out


def test_flow_collections_edit_in_place():
    out = edit(COMMENTED, lambda f: f["flow"].__setitem__("p", 2))
    assert "flow: {p: 2, q: [a, b]}" in out
    out = edit(COMMENTED, lambda f: f["flow"]["q"].__setitem__(1, "c, d"))
    assert "flow: {p: 1, q: [a, 'c, d']}" in out
    out = edit(COMMENTED, lambda f: f["flow"]["q"].append("z"))
    assert "q: [a, b, z]" in out


def test_editing_an_anchor_keeps_its_alias_value():
    out = edit(COMMENTED, lambda f: f.__setitem__("anchor", "new"))
    assert "anchor: &base new\r\n" in out and "alias: old\r\n" in out


def test_editing_an_alias_writes_it_out():
    out = edit(COMMENTED, lambda f: f.__setitem__("alias", "own"))
    assert "anchor: &base old\r\nalias: own\r\n" in out


def test_tags_are_never_constructed_and_kept():
    entry = entry_of(COMMENTED)
    assert entry.fields()["tagged"] == "echo"
    out = edit(COMMENTED, lambda f: f.__setitem__("tagged", "other"))
    assert "tagged: !!python/object:os.system other\r\n" in out


def test_trailing_blank_line_before_closer_is_kept():
    text = ENTRY.replace("\n---\n\n&nbsp;", "\n\n---\n\n&nbsp;")
    out = edit(text, lambda f: f["related_article1"].__setitem__("url", "/x"))
    assert out.endswith("    url: /x\n\n---\n\n&nbsp;")


def test_no_final_newline_and_body_kept():
    out = edit(ENTRY, lambda f: f.__setitem__("subject", "Chemistry"))
    assert out.endswith("---\n\n&nbsp;")


def test_empty_front_matter_gets_keys():
    out = edit("---\n---\nbody", lambda f: f.update(name="Hello", id=3))
    assert out == "---\nname: Hello\nid: 3\n---\nbody"
    out = edit("---\n---\nbody", lambda f: f.update(title="Hello"))
    assert out == "---\ntitle: >-\n    Hello\n---\nbody"  # the schema's style for a title


def test_empty_value_can_be_filled():
    out = edit("---\na:\nb: 1\n---\n", lambda f: f.__setitem__("a", "x"))
    assert out == "---\na: x\nb: 1\n---\n"
    out = edit("---\na:\nb: 1\n---\n", lambda f: f.pop("a"))
    assert out == "---\nb: 1\n---\n"


def test_type_change_rewrites_only_that_value():
    out = edit(ENTRY, lambda f: f.__setitem__("author", {"name": "Jane", "ids": [1, 2]}))
    assert "author:\n  name: Jane\n  ids:\n" in out
    fields = entry_of(out).fields()
    assert fields["author"] == {"name": "Jane", "ids": [1, 2]}


def test_merge_keys_override_and_delete():
    text = "---\nbase: &b {x: 1, y: 2}\nm:\n  <<: *b\n  z: 3\n---\n"
    out = edit(text, lambda f: f["m"].__setitem__("x", 9))
    assert entry_of(out).fields()["m"] == {"x": 9, "y": 2, "z": 3}
    out = edit(text, lambda f: f["m"].pop("y"))
    assert entry_of(out).fields()["m"] == {"x": 1, "z": 3}


def test_verification_gate_refuses_a_value_that_does_not_read_back(monkeypatch):
    """If every style renders text that reads back differently, nothing is written."""
    from qteditor.core.yaml import emit

    monkeypatch.setattr(emit, "plain", lambda value, flow=False: value + "x")
    monkeypatch.setattr(emit, "single", lambda value: "'" + value + "y'")
    monkeypatch.setattr(emit, "double", lambda value: '"' + value + 'z"')
    entry = entry_of(ENTRY)
    fields = entry.fields()
    fields["author"] = "Someone"
    with pytest.raises(SaveError) as info:
        entry.render(fields)
    assert "author" in str(info.value) and "not changed" in str(info.value)
    assert str(info.value).startswith("test.md:12:")


def test_verification_falls_back_to_the_next_style(monkeypatch):
    from qteditor.core.yaml import emit

    real_single = emit.single
    monkeypatch.setattr(emit, "plain", lambda value, flow=False: value + "-broken")
    monkeypatch.setattr(emit, "single", real_single)
    out = edit(ENTRY, lambda f: f.__setitem__("author", "Someone"))
    assert "\nauthor: 'Someone'\n" in out


def test_field_lines():
    entry = entry_of(ENTRY)
    assert entry.field_lines("title") == (5, 6)
    assert entry.field_lines(("seo", "page_keywords")) == (10, 11)
    assert entry.field_lines("related_article1") == (18, 23)
    assert entry.field_lines("missing") is None


def test_writer_on_parse_result_directly():
    text = "a: 1\nb: [1, 2]\n"
    parsed = parse(text)
    out, _ = Writer(text, parsed).write(parsed.data, {"a": 1, "b": [1, 2, 3]})
    assert out == "a: 1\nb: [1, 2, 3]\n"


def test_entry_save_writes_atomically(tmp_path):
    path = tmp_path / "e.md"
    path.write_bytes(ENTRY.encode())
    entry = Entry.load(path)
    fields = entry.fields()
    assert entry.save(fields) is False  # unchanged: nothing written
    fields["author"] = "Other"
    assert entry.save(fields) is True
    assert path.read_bytes() == ENTRY.replace("author: QuickTakes", "author: Other").encode()
    assert [p.name for p in tmp_path.iterdir()] == ["e.md"]


# Found by an adversarial review: each used to be a wrong file or an untyped exception.
def test_values_that_look_typed_but_are_not_are_quoted():
    for value in ("2019-02-29", "._", "+_", "0b_", "2021-13-01"):
        out = edit(ENTRY, lambda f, v=value: f.__setitem__("author", v))
        assert f"author: '{value}'" in out


def test_plain_values_that_cannot_be_built_are_located_errors():
    import pytest as _pytest

    from qteditor.core.errors import FormatError

    for raw in (b"---\na: 2019-02-29\n---\n", b"---\na: +_\n---\n"):
        with _pytest.raises(FormatError) as info:
            Entry.from_bytes(raw, "t.md")
        assert str(info.value).startswith("t.md:2:4:") and "quote it" in str(info.value)
    assert Entry.from_bytes(b"---\na: =\n---\n").fields() == {"a": "="}


def test_key_types_and_negative_zero_count():
    from qteditor.core.yaml import same

    assert not same({1: "x"}, {True: "x"}) and not same({1.0: "x"}, {1: "x"})
    assert not same(0.0, -0.0) and same({"a": 1}, {"a": 1})
    entry = entry_of("---\n1: x\n---\n")
    with pytest.raises(SaveError):
        entry.render({True: "x"})


def test_real_line_break_answer_never_flips_convention():
    entry = entry_of("---\nanswer: |\n  line1\n  line2\n---\n")
    with pytest.raises(SaveError) as info:
        entry.render({"answer": "use $\\nabla f$"})
    assert "answer" in str(info.value)
    out = entry.render({"answer": "use $\\nabla f$\nand more"})[0].decode()
    assert entry_of(out).fields()["answer"] == "use $\\nabla f$\nand more"


def test_values_without_a_yaml_spelling_are_quoted():
    import datetime as _dt

    entry = entry_of(ENTRY)
    fields = entry.fields()
    fields["author"] = _dt.time(10, 30)
    with pytest.raises(SaveError):  # it would read back as text, not as a time
        entry.render(fields)
