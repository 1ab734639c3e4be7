"""Property tests: any value, written into any context, reads back exactly, and no line
outside the edited field changes."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qteditor.core.entry import Entry
from qteditor.core.yaml import same

# Each context has one target to replace; "{old}" is where the target's original value sits.
CONTEXTS = {
    "top-plain": ("a: 1\ntarget: old\nz: end\n", ("target",)),
    "top-folded": ("a: 1\ntarget: >-\n    old words\nz: end\n", ("target",)),
    "top-literal": ("a: 1\ntarget: |\n  old\n  text\nz: end\n", ("target",)),
    "top-single": ("a: 1\ntarget: 'old'\nz: end\n", ("target",)),
    "top-double": ('a: 1\ntarget: "old"\nz: end\n', ("target",)),
    "nested-2": ("seo:\n  a: x\n  target: old\n  b: y\nz: end\n", ("seo", "target")),
    "nested-4": ("ra:\n    id: 1\n    target: >-\n        old\n    url: /u\nz: 1\n", ("ra", "target")),
    "comments": ("# head\na: 1 # c\ntarget: old # trailing\n# after\nz: end # c\n", ("target",)),
    "blank-lines": ("a: 1\n\n\ntarget: old\n\nz: end\n\n", ("target",)),
    "flow-map": ("m: {a: 1, target: old, b: 2}\nz: end\n", ("m", "target")),
    "flow-seq": ("l: [x, old, y]\nz: end\n", ("l", 1)),
    "block-seq": ("l:\n  - x\n  - old\n  - y\nz: end\n", ("l", 1)),
    "block-seq-0": ("l:\n- x\n- old\nz: end\n", ("l", 1)),
    "seq-of-maps": ("l:\n  - name: x\n    target: old\n  - name: y\nz: end\n", ("l", 0, "target")),
    "anchored": ("a: &anc old\ntarget: *anc\nz: end\n", ("target",)),
    "anchor-edit": ("target: &anc old\nb: *anc\nz: end\n", ("target",)),
    "empty-value": ("a: 1\ntarget:\nz: end\n", ("target",)),
    "last-key": ("a: 1\ntarget: >-\n    old\n\n", ("target",)),
}

SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "  lead",
        "trail  ",
        "a: b",
        "a #b",
        "#x",
        "- x",
        "? x",
        ": x",
        "[x]",
        "{x}",
        "x, y",
        "'",
        '"',
        "''",
        "\\",
        "\\n",
        "C:\\Users\\x",
        "yes",
        "no",
        "True",
        "true",
        "null",
        "~",
        "123",
        "-1.0",
        "0x1F",
        "1e5",
        ".inf",
        "2024-12-23",
        "<<",
        "*a",
        "&a",
        "!tag",
        "|",
        ">",
        "%x",
        "@x",
        "`x`",
        "---",
        "...",
        "a\nb",
        "a\n\nb",
        "\nlead",
        "trail\n",
        "trail\n\n",
        "x\u0085y",
        "x\u2028y\u2029",
        "tab\there",
        "\ttab",
        "é ü € 😀",
        "\ufeffbom",
        "ctrl\x01x",
        "\r\n",
        "x" * 5000,
        ("word " * 1000).strip(),
        "a:b",
        "http://x.y/z?q=1#f",
        "back\\\nslash",
    ]
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
VALUES = st.one_of(
    SPECIAL,
    TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    st.lists(SPECIAL, max_size=3),
    st.dictionaries(st.sampled_from(["k", "x y", "1"]), SPECIAL, max_size=2),
)


def _wrap(yaml: str, crlf: bool, bom: bool, final_newline: bool) -> bytes:
    text = "---\n" + yaml + "---\n\n&nbsp;" + ("\n" if final_newline else "")
    if crlf:
        text = text.replace("\n", "\r\n")
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def _set(data, path, value):
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


EXAMPLES = int(os.environ.get("QTEDITOR_HYPOTHESIS_EXAMPLES", 600))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=st.sampled_from(sorted(CONTEXTS)),
    value=VALUES,
    crlf=st.booleans(),
    bom=st.booleans(),
    final_newline=st.booleans(),
)
def test_any_value_in_any_context_reads_back(context, value, crlf, bom, final_newline):
    yaml, path = CONTEXTS[context]
    raw = _wrap(yaml, crlf, bom, final_newline)
    entry = Entry.from_bytes(raw, "p.md")
    assert entry.render(entry.fields()) is None  # no-op
    fields = entry.fields()
    _set(fields, path, value)
    rendered = entry.render(fields)
    if rendered is None:
        assert same(entry.fields(), fields)
        return
    out = rendered[0]
    again = Entry.from_bytes(out, "p.md")
    assert same(again.fields(), fields)
    nl = b"\r\n" if crlf else b"\n"
    assert out.startswith(b"\xef\xbb\xbf" if bom else b"---")
    assert out.endswith(b"&nbsp;" + (nl if final_newline else b""))
    if crlf:
        assert out.count(b"\n") == out.count(b"\r\n")
    # every line before the target's first line and after its last line is untouched
    lines = entry.field_lines(path) if all(isinstance(p, str) for p in path) else None
    if lines and context not in ("flow-map", "anchor-edit"):  # an edited anchor writes out its alias
        first, last = lines
        old_lines, new_lines = raw.split(b"\n"), out.split(b"\n")
        assert new_lines[: first - 1] == old_lines[: first - 1]
        tail = len(old_lines) - last
        assert new_lines[len(new_lines) - tail :] == old_lines[len(old_lines) - tail :]


@settings(max_examples=150, deadline=None)
@given(
    context=st.sampled_from(sorted(CONTEXTS)), key=st.sampled_from(["new", "x y", "a:b", "1"]), value=VALUES
)
def test_added_keys_read_back_and_keep_existing_lines(context, key, value):
    yaml, _ = CONTEXTS[context]
    raw = _wrap(yaml, False, False, True)
    entry = Entry.from_bytes(raw, "p.md")
    fields = entry.fields()
    fields[key] = value
    out = entry.render(fields)[0]
    assert same(Entry.from_bytes(out, "p.md").fields(), fields)
    old_lines = raw.split(b"\n")
    new_lines = out.split(b"\n")
    # the old lines all remain, in order (the new key only adds lines)
    it = iter(new_lines)
    assert all(any(line == n for n in it) for line in old_lines)


@settings(max_examples=100, deadline=None)
@given(context=st.sampled_from(sorted(CONTEXTS)))
def test_deleting_the_target_reads_back(context):
    yaml, path = CONTEXTS[context]
    entry = Entry.from_bytes(_wrap(yaml, False, False, True), "p.md")
    fields = entry.fields()
    holder = fields
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]
    out = entry.render(fields)[0]
    assert same(Entry.from_bytes(out, "p.md").fields(), fields)
