"""The scanner: a fast reader of the common shape of front matter that answers what the full
parser would, or None (then the full parser reads the file)."""

from __future__ import annotations

from qteditor.core.document import split
from qteditor.core.yaml import parse, printable, resolve_plain, same, scan
from qteditor.core.yaml.scanner import typed
from tests.conftest import corpus_files


def test_scanner_agrees_with_the_full_parser_on_every_corpus_file():
    answered = 0
    for path in corpus_files():
        yaml = split(path.read_bytes()).yaml
        fast = scan(yaml)
        if fast is not None:
            answered += 1
            assert same(fast, parse(yaml).data), path
    assert answered >= 0.99 * len(corpus_files())  # the fast path covers the common shape


def test_scanner_gives_up_outside_the_common_shape():
    for yaml in (
        "a: 1 # c\n",
        "a: 'q'\n",
        "a:\n  - x\n",
        "a: >-\n    one\n    two\n",
        "a: &x 1\n",
        "a: 1\na: 2\n",
        "a:\n  b:\n    c: 1\n",
        "a: |\n  x\n",
        "a:\tb\n",
        "a: x\n  y\n",
        "a: >-\n    x\n\n  b: 1\n",
        "true: 1\n",
    ):
        assert scan(yaml) is None, yaml


def test_scanner_types_plain_values_as_the_resolver_does():
    for text in (
        "0",
        "7",
        "123008",
        "0123",
        "-1",
        "+1",
        "1_000",
        "0o17",
        "0x1F",
        "1.5",
        "-1.0",
        "1e3",
        ".5",
        ".nan",
        ".inf",
        "-.inf",
        "2024-12-13",
        "2024-12-13T10:00:00",
        "2024-1-3",
        "12:30",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "null",
        "Null",
        "~",
        "nothing",
        "title",
        "the answer",
        "=",
        "<<",
        "<b>",
        "9 lives",
        "1984",
        "١٢",
        "2024-13-45x",
        "+",
        "-",
        ".",
        "NaN",
        "Infinity",
    ):
        if text[0] in "0123456789+-.tTfFnN~=<":
            assert same(typed(text), resolve_plain(text)), text


def test_scanner_json_values_and_printable_check():
    assert scan("a: 2024-12-13\nb: 1.5\nc: .nan\nd: 7\n", as_json=True) == {
        "a": "2024-12-13",
        "b": 1.5,
        "c": "nan",
        "d": 7,
    }
    for text in (
        "a: b\n",
        "a: é\n",
        "a: \u2028\n",
        "a:\tb\n",
        "a: \x85\n",
        "a: \ufeff\n",
        "a: \x7f\n",
        "a: b\r\n",
        "",
        "\n",
        "a: 😀\n",
        "a: \xa0\n",
    ):
        assert printable(text) == text.replace("\n", "").isprintable(), repr(text)
