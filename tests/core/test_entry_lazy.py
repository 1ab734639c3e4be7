"""An entry in the common shape is read by the scanner; the full parse (ruamel.yaml's span tree)
is made on its first need, and what is written from it is what the full parser's reading gives."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core.document import split
from qteditor.core.entry import Entry
from qteditor.core.errors import FormatError
from qteditor.core.resources import resource
from qteditor.core.yaml import parse, same, scan
from tests.conftest import corpus_files

COMMON = (
    b"---\nid: 7\ndate: 2025-01-20\ntitle: >-\n    A question?\nseo:\n  title: Q\nscore: -1.0\n---\nBody\n"
)


def test_a_common_entry_is_read_without_the_full_parse():
    entry = Entry.from_bytes(COMMON, "a.md")
    assert not entry.parsed_now
    assert entry.fields()["title"] == "A question?" and entry.body == "Body\n"
    assert entry.data == parse(split(COMMON).yaml).data
    assert not entry.parsed_now  # reading the fields needs no parse
    assert entry.field_lines("seo.title") == (7, 7)  # a field's lines do
    assert entry.parsed_now


def test_a_save_from_the_scanners_reading_writes_only_the_edit(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(COMMON)
    entry = Entry.load(path)
    assert not entry.parsed_now
    fields = entry.fields()
    fields["seo"]["title"] = "Q2"
    assert entry.save(fields)
    assert path.read_bytes() == COMMON.replace(b"title: Q\n", b"title: Q2\n")
    assert entry.render(entry.fields()) is None  # untouched: nothing to write


def test_an_entry_read_to_be_written_is_parsed_at_once(tmp_path, monkeypatch):
    """A fix, a plan's recompute and ``Entry.update`` will need the parse: the scanner's reading
    first would be work done twice (read, parse, compare) on 8,000 files of a fix."""
    from qteditor.core import entry as entry_module

    entry = Entry.from_bytes(COMMON, "a.md", writing=True)
    assert entry.parsed_now and entry.data == parse(split(COMMON).yaml).data
    path = tmp_path / "a.md"
    path.write_bytes(COMMON)
    scanned: list[str] = []
    real = entry_module.scan
    monkeypatch.setattr(entry_module, "scan", lambda yaml: scanned.append(yaml) or real(yaml))
    Entry.update(path, lambda e: {**e.fields(), "score": 2.5})
    assert scanned == [] and b"score: 2.5\n" in path.read_bytes()


def test_outside_the_common_shape_the_full_parser_reads_at_once():
    entry = Entry.from_bytes(b"---\na: 'quoted'  # c\n---\n")
    assert entry.parsed_now and entry.data == {"a": "quoted"}


def test_a_copy_shares_the_reading_and_waits_for_the_parse_too():
    entry = Entry.from_bytes(COMMON, "a.md")
    copy = entry.copy(None)
    assert copy.path is None and not copy.parsed_now and same(copy.fields(), entry.fields())
    assert copy.render(copy.fields()) is None and copy.parsed_now


def test_readers_that_disagree_refuse_the_save_rather_than_write():
    doc = split(COMMON)
    wrong = {**scan(doc.yaml), "id": 8}  # as if the scanner had misread a value
    entry = Entry("a.md", COMMON, doc, None, None, wrong)
    fields = entry.fields()
    fields["title"] = "Another question?"
    with pytest.raises(FormatError, match="reads differently"):
        entry.render(fields)


def test_every_corpus_entry_the_scanner_reads_renders_as_the_parser_reads_it():
    for path in corpus_files()[::10]:
        fast = Entry.load(path)
        full = Entry(str(path), fast.raw, fast.doc, parse(fast.doc.yaml, str(path), 2))
        assert same(fast.fields(), full.fields()), path
        assert fast.render(fast.fields()) is None, path


# lines of the common shape and a little beside it: the scanner answers (what the parser
# reads) or gives up, never anything else
_VALUE = st.one_of(
    st.sampled_from(["7", "-1.0", "2025-01-20", "true", "~", "", "0x1F", "1_0", "012", ".5", "1e3"]),
    st.text(alphabet="ab :#-'\"é{}[]&*!|>%@`?,=<~\\0129.", max_size=8),
)
_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["a", "b", "true", "c_1"]), _VALUE),
    st.builds(lambda k, v: f"  {k}: {v}", st.sampled_from(["x", "y"]), _VALUE),
    st.builds(lambda k, v: f"{k}: >-\n    {v}", st.sampled_from(["a", "d"]), _VALUE),
    st.sampled_from(["a:", "seo:", "", " ", "- x", "# c", "...", "---"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=6))
def test_the_scanner_answers_what_the_parser_reads_or_nothing(lines):
    yaml = "\n".join(lines) + "\n"
    fast = scan(yaml)
    if fast is not None:
        assert same(fast, parse(yaml).data), yaml


def test_opening_the_sample_entry_does_not_load_ruamel(tmp_path):
    sample = next(resource("sample").rglob("*.md"))
    code = (
        "import sys\n"
        "from qteditor.core.entry import Entry\n"
        "from qteditor.core.schema import Schema\n"
        f"e = Entry.load({str(sample)!r}, Schema('s', []))\n"
        "e.fields(); e.ambiguities()\n"
        "print(sorted(m for m in sys.modules if 'ruamel' in m))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
