"""The C parser (ruamel.yaml.clib) and the pure-Python one agree on events and marks."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from qteditor.core.document import split
from qteditor.core.yaml import LIBYAML, spans
from tests.conftest import corpus_files
from tests.core.test_properties import CONTEXTS


def _row(e):
    value = getattr(e, "value", None)
    style = getattr(e, "style", None) or None
    if value == "" and style is None:  # an empty plain scalar has no text: the writer finds
        return (type(e).__name__, value)  # its place from the key's colon, not from marks
    return (type(e).__name__, e.start_mark.index, e.end_mark.index, value, style)


def _pure(text):
    return [_row(e) for e in YAML(typ="rt", pure=True).parse(text)]


def _c(text):
    return [_row(e) for e in spans.events(text)]


def test_c_parser_is_present():
    assert LIBYAML, "ruamel.yaml.clib is a dependency: install it"


@pytest.mark.parametrize(
    "text",
    [c[0] for c in CONTEXTS.values()]
    + [
        "a: é\nb: 😀 x\r\nc: 'q''s'\n",
        "x: |+\n  keep\n\n\ny: 1\n",
        "? complex\n: value\n",
    ],
)
def test_events_agree_on_contexts(text):
    assert _c(text) == _pure(text)


def test_events_agree_on_corpus_sample():
    for path in corpus_files()[::40]:
        text = split(path.read_bytes()).yaml
        assert _c(text) == _pure(text), path


def test_a_key_node_names_the_key_the_builder_made():
    text = "1: a\n'1': b\n!!str 2: c\nfalse: d\n~: e\n!!int '3': f\nkey: g\n"
    parsed = spans.parse(text)
    assert [spans.node_key(k) for k, _v in parsed.root.items] == list(parsed.data)
    assert [type(k) for k in parsed.data] == [int, str, str, bool, type(None), int, str]


def test_a_complex_key_is_refused_at_its_file_line():
    from qteditor.core.errors import SaveError

    parsed = spans.parse("a: 1\n? [x, y]\n: 2\n")
    key = parsed.root.items[1][0]
    with pytest.raises(SaveError) as info:
        spans.node_key(key, first_line=2)
    assert (info.value.line, info.value.column) == (3, 3)
