"""Text geometry: where a value's text ends, and the lines a key holds (``pair_span``), from a
text and its parse alone, with no writer."""

from __future__ import annotations

import pytest

from qteditor.core.yaml import pair_span, parse
from qteditor.core.yaml.geometry import Geometry, is_empty

TEXT = """\
id: 1
title: >-
    A folded
    title

seo:
  title: T
  keywords: |+
    kept

empty:
list:
  - a
  - b: 1
flow: {a: 1, b: [2, 3]}
1: one
last: plain
  continued
"""


@pytest.mark.parametrize(
    "path, span",
    [
        (("id",), (0, 0)),
        (("title",), (1, 3)),  # the blank line after the folded text is not the title's
        (("seo",), (5, 9)),  # keep chomping: the kept blank line is the value's
        (("seo", "title"), (6, 6)),
        (("seo", "keywords"), (7, 9)),
        (("empty",), (10, 10)),
        (("list",), (11, 13)),
        (("flow",), (14, 14)),
        (("flow", "a"), (14, 14)),  # a flow mapping's key: its one line
        ((1,), (15, 15)),  # data keys, typed
        (("last",), (16, 17)),
    ],
)
def test_pair_span_gives_a_keys_lines(path, span):
    assert pair_span(TEXT, parse(TEXT), path) == span


@pytest.mark.parametrize("path", [("missing",), ("id", "x"), ("list", 0), ("flow", "b", 0), ("1",), ()])
def test_pair_span_of_what_is_not_a_key_of_mappings_is_none(path):
    assert pair_span(TEXT, parse(TEXT), path) is None


def test_pair_span_in_crlf_text_counts_lines():
    text = TEXT.replace("\n", "\r\n")
    assert pair_span(text, parse(text), ("title",)) == (1, 3)
    assert pair_span(text, parse(text), ("seo", "keywords")) == (7, 9)


def test_content_ends_colons_and_dashes():
    parsed = parse(TEXT)
    geo = Geometry(TEXT)
    items = dict((k.value, (k, v)) for k, v in parsed.root.items)
    k, v = items["title"]
    assert TEXT[: geo.content_end(v)].endswith("    title")
    k, v = items["empty"]
    assert is_empty(v) and geo.colon(k, v, None) == TEXT.index("empty:") + len("empty:")
    assert geo.pair_end(k, v) == geo.colon(k, v, None)
    _k, v = items["list"]
    assert [geo.col(geo.dash(item)) for item in v.items] == [2, 2]
    assert geo.line_end(0) == TEXT.index("\n") and geo.after_line(0) == TEXT.index("\n") + 1
    assert geo.indent_at(geo.line_start(v.items[0].start)) == 2
