"""Hostile files: a clear message or a working entry, bounded time, never a write."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core.entry import Entry
from qteditor.core.errors import FormatError


def _timed(raw: bytes, limit: float):
    start = time.perf_counter()
    try:
        result = Entry.from_bytes(raw, "h.md")
    except FormatError as exc:
        result = exc
    assert time.perf_counter() - start < limit
    return result


def test_ten_megabyte_answer_loads_and_saves():
    raw = b"---\nid: 1\nanswer: >-\n    " + b"word \\n" * 1_500_000 + b"\n---\n"
    entry = _timed(raw, 5.0)
    assert isinstance(entry, Entry) and len(entry.fields()["answer"]) >= 9_000_000
    fields = entry.fields()
    fields["id"] = 2
    out = entry.render(fields)[0]
    assert out.startswith(b"---\nid: 2\nanswer:")


def test_two_thousand_fields():
    raw = ("---\n" + "".join(f"k{i}: v{i}\n" for i in range(2000)) + "---\n").encode()
    entry = _timed(raw, 5.0)
    fields = entry.fields()
    fields["k1999"] = "changed"
    assert entry.render(fields)[0].endswith(b"k1999: changed\n---\n")


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"---\na: " + b"[" * 100_000 + b"\n---\n", "nesting"),
        (b"---\n" + b"a:\n " * 3000 + b"b\n---\n", ""),
        (b"\xff\xfe---\n", "UTF-8"),
        (b"", "empty"),
        (b"---\nx: !!python/object/apply:os.system ['rm -rf /']\n---\n", None),
    ],
)
def test_hostile_inputs(raw, words):
    result = _timed(raw, 10.0)
    if words is None:
        assert isinstance(result, Entry)
        assert result.fields()["x"] == ["rm -rf /"]
    else:
        assert isinstance(result, FormatError) or words == ""
        if isinstance(result, FormatError):
            assert str(result).startswith("h.md:") and (words in str(result))


def test_billion_laughs_is_refused():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    raw = ("---\n" + "\n".join(lines) + "\n---\n").encode()
    result = _timed(raw, 5.0)
    assert isinstance(result, FormatError) and "alias" in str(result)


def test_an_alias_byte_bomb_is_refused_where_it_goes_off():
    """A 1 MB string and 3,000 aliases of it: 3 GB of text once expanded (few nodes)."""
    refs = ", ".join(["*b"] * 3000)
    raw = f'---\nblob: &b "{"x" * 1_000_000}"\nrefs: [{refs}]\n---\n'.encode()
    result = _timed(raw, 5.0)
    assert isinstance(result, FormatError)
    assert str(result).startswith("h.md:3:") and "characters of text (an alias bomb?)" in str(result)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 30), st.booleans())
def test_expanded_text_is_bounded_exactly(blob, refs, nested):
    """Refused exactly when the text of every scalar, aliases expanded, passes the bound."""
    from qteditor.core.yaml import spans

    cap = 20_000
    items = ", ".join(["*b"] * refs)
    value = f"[{items}]" if not nested else f"{{k: [{items}]}}"
    raw = f'---\nblob: &b "{"x" * blob}"\nrefs: {value}\n---\n'.encode()
    expanded = len("blob") + len("refs") + blob * (1 + refs) + (len("k") if nested else 0)
    old = spans.MAX_EXPANDED_CHARS
    spans.MAX_EXPANDED_CHARS = cap
    try:
        result = _timed(raw, 5.0)
    finally:
        spans.MAX_EXPANDED_CHARS = old
    if expanded > cap:
        assert isinstance(result, FormatError) and "alias bomb" in str(result)
    else:
        assert isinstance(result, Entry)
        got = result.fields()["refs"]
        assert (got["k"] if nested else got) == ["x" * blob] * refs


# ---------------------------------------------------------------------------- nesting counted right
INTERVALS = "[a, b) " * 151
LATEX = "\\\\frac{" * 151


@pytest.mark.parametrize(
    "yaml",
    [
        f"answer: >-\n    {INTERVALS}\nid: 1\n",  # the site's folded answer
        f"answer: |\n  {LATEX}\n  more\nid: 1\n",
        f"title: intervals {INTERVALS}\n",  # a plain scalar
        f"title: '{INTERVALS}it''s'\n",
        f'title: "{INTERVALS}\\" {LATEX}"\n',
        f'title: "{INTERVALS}\n  {INTERVALS}"\n',  # a quoted scalar over two lines
        f"title: text\n  {INTERVALS}\nid: 2\n",  # a plain scalar over two lines
        f"id: 1 # {INTERVALS}\n",
        f"list:\n  - see {INTERVALS}\n  - [\"{INTERVALS}\", '{{{{']\n",
    ],
)
def test_brackets_inside_text_are_not_nesting(yaml):
    result = _timed(("---\n" + yaml + "---\n").encode(), 5.0)
    assert isinstance(result, Entry), str(result)
    fields = result.fields()
    fields["id"] = 3
    assert result.render(fields) is not None  # and it saves


@pytest.mark.parametrize(
    "yaml",
    [
        "a: " + "[" * 151 + "]" * 151 + "\n",
        "a: " + "{b: " * 151 + "1" + "}" * 151 + "\n",
        "- " + "[" * 151 + "x" + "]" * 151 + "\n",
        "a: &x !!seq " + "[" * 100_000 + "\n",
    ],
)
def test_real_flow_nesting_is_still_refused_before_parsing(yaml):
    result = _timed(("---\n" + yaml + "---\n").encode(), 5.0)
    assert isinstance(result, FormatError) and "nesting deeper than 150 levels" in str(result)


def _true_flow_depth(text: str) -> int:
    from qteditor.core.yaml.spans import events

    stack, deepest = [], 0
    for ev in events(text):
        name = type(ev).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            stack.append(bool(getattr(ev, "flow_style", False)))
            deepest = max(deepest, sum(stack))
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
    return deepest


YAML_PIECES = [
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "#",
    " ",
    "\n",
    "- ",
    ": ",
    "a",
    ",",
    "|",
    ">",
    "  ",
    "? ",
    "&x ",
    "!t ",
    "\\",
    "k: ",
    "\n  ",
    "\n- ",
    "''",
    ":",
    "|-\n  ",
    ">\n   ",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=40))
def test_the_nesting_pre_check_never_counts_more_than_the_parser_finds(pieces):
    """Over any text the parser reads, the pre-check's depth is at most the real depth of
    flow collections (it runs only past 150 brackets, hence the commented ones first)."""
    from qteditor.core.yaml.spans import flow_depth

    text = "# " + "[" * 160 + "\n" + "".join(pieces) + "\n"
    try:
        true = _true_flow_depth(text)
    except Exception:  # noqa: BLE001 - not YAML: nothing to compare
        return
    assert flow_depth(text) <= true
