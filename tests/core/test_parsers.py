"""The C parser (ruamel.yaml.clib) and the pure-Python one agree on events and marks."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from qteditor.core import yamlspan
from qteditor.core.document import split
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
    return [_row(e) for e in yamlspan._events(text)]


def test_c_parser_is_present():
    assert yamlspan._CParser is not None, "ruamel.yaml.clib is a dependency: install it"


@pytest.mark.parametrize("text", [c[0] for c in CONTEXTS.values()] + [
    "a: é\nb: 😀 x\r\nc: 'q''s'\n", "x: |+\n  keep\n\n\ny: 1\n", "? complex\n: value\n",
])
def test_events_agree_on_contexts(text):
    assert _c(text) == _pure(text)


def test_events_agree_on_corpus_sample():
    for path in corpus_files()[::40]:
        text = split(path.read_bytes()).yaml
        assert _c(text) == _pure(text), path
