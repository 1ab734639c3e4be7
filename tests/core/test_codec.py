"""The answer codec: exact on every stored answer; ambiguous spots reported as positions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core import codec
from qteditor.core.entry import Entry
from tests.conftest import by_reason, corpus_files


def test_decode_encode_is_exact_on_every_answer():
    count = 0
    for path in corpus_files():
        stored = Entry.load(path).data["answer"]
        conv = codec.detect(stored)
        assert codec.encode(codec.decode(stored, conv), conv) == stored, path
        count += 1
    assert count == len(corpus_files())


def test_conventions():
    assert codec.detect("a\\nb") == codec.ESCAPED
    assert codec.detect("a\nb") == codec.REAL
    assert codec.decode("a\\n\\nb", codec.ESCAPED) == "a\n\nb"
    assert codec.encode("a\n\nb", codec.ESCAPED) == "a\\n\\nb"
    assert codec.decode("a\\nb\nc", codec.REAL) == "a\\nb\nc"  # real breaks: kept as stored


def test_entry_keeps_a_real_newline_answer_real():
    raw = b"---\nanswer: |-\n  one\n  two\n---\n"
    entry = Entry.from_bytes(raw)
    fields = entry.fields()
    assert fields["answer"] == "one\ntwo"
    fields["answer"] = "one\ntwo\nthree"
    out = entry.render(fields)[0]
    assert out == b"---\nanswer: |-\n  one\n  two\n  three\n---\n"


def test_latex_in_math_is_reported():
    stored = "Intro\\n\\n$a \\neq b$ and $\\nabla f$\\nnext"
    spots = codec.ambiguities(stored)
    assert [(s.kind, s.word) for s in spots] == [("latex-command", "neq"), ("latex-command", "nabla")]
    decoded = codec.decode(stored, codec.ESCAPED)
    for spot in spots:
        assert decoded[spot.offset] == "\n"
        line_start = decoded.rfind("\n", 0, spot.offset) + 1
        assert spot.column == spot.offset - line_start + 1
    assert spots[0].line == 3


def test_backslash_before_break_is_reported():
    stored = "a \\\\\\nb"  # a, space, backslash, backslash, n, b
    spots = codec.ambiguities(stored)
    assert len(spots) == 1 and spots[0].kind == "backslash-before-break"


def test_ordinary_breaks_are_not_reported():
    assert codec.ambiguities("Line\\n\\nNext\\nnot in math $x$\\nneq outside") == []


def test_corpus_files_selected_for_latex_n_have_spots():
    files = by_reason("latex-\\n-command")
    flagged = sum(bool(codec.ambiguities(Entry.load(p).data["answer"])) for p in files)
    assert files and flagged >= len(files) * 0.8


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["\\n", "\\neq", "\\nu", "\\nabla", "\\next", "$", "$$", "x", " ", "\\", "\\\\n", "nabla", "\\$"]
        ),
        max_size=40,
    )
)
def test_latex_spots_are_exactly_the_n_commands_inside_math(parts):
    """The spots, found with a bisect over the math spans, are those a plain reading gives:
    every \\n pair whose word is a LaTeX command and that lies inside some math span."""
    stored = "".join(parts)
    spans = [(m.start(), m.end()) for m in codec._MATH.finditer(stored)]
    expected = []
    for m in codec._PAIR.finditer(stored):
        p = m.start()
        if p > 0 and stored[p - 1] == "\\":
            continue
        word = codec._PAIR_WORD.match(stored, p).group(1)
        if word in codec.LATEX_N_COMMANDS and any(a <= p < b for a, b in spans):
            expected.append(word)
    got = [s.word for s in codec.ambiguities(stored) if s.kind == "latex-command"]
    assert got == expected


# ---------------------------------------------------------------------------- literal \n
ESCAPED_DOC = b"---\ntitle: x\nanswer: >-\n    old\\nlines\nsubject: s\n---\nbody"
REAL_DOC = b"---\ntitle: x\nanswer: |-\n  old\n  lines\nsubject: s\n---\nbody"


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=["a", "\\", "n", "\n", " ", "$"], max_size=14), st.sampled_from([ESCAPED_DOC, REAL_DOC])
)
def test_answer_text_reads_back_exactly_or_is_refused_at_its_literal_backslash_n(text, doc):
    """Every text an editor gives either saves so that it reads back exactly, or is refused
    with the line and column of the characters \\n the convention cannot store."""
    from qteditor.core.entry import UnstorableText
    from qteditor.core.errors import SaveError

    entry = Entry.from_bytes(doc, "e.md")
    fields = entry.fields()
    fields["answer"] = text
    literal = text.find("\\n")
    try:
        rendered = entry.render(fields)
    except UnstorableText as exc:
        assert literal >= 0 and doc is ESCAPED_DOC
        line = text.count("\n", 0, literal) + 1
        col = literal - text.rfind("\n", 0, literal)
        assert exc.spot == (line, col) and (exc.line, exc.column) == (3, 1)
        assert str(exc).startswith(
            f"e.md:3:1: answer: the text contains the characters \\n at "
            f"line {line}, column {col}, which the site reads as a line break"
        )
        return
    except SaveError as exc:  # real breaks convention, no break left: it would flip on reload
        assert doc is REAL_DOC and "\n" not in text and literal >= 0, exc
        return
    assert doc is REAL_DOC or literal < 0
    raw = entry.raw if rendered is None else rendered[0]
    assert Entry.from_bytes(raw).fields()["answer"] == text


def test_set_refuses_a_literal_backslash_n_with_its_position(tmp_path, capsys):
    from qteditor.cli import main

    path = tmp_path / "e.md"
    path.write_bytes(ESCAPED_DOC)
    assert main(["set", "--json", '{"answer": "a\\\\nb\\nc"}', str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"{path}:3:1: answer: the text contains the characters \\n at line 1, "
        "column 2, which the site reads as a line break"
    )
    assert path.read_bytes() == ESCAPED_DOC
    assert main(["set", str(path), "answer=one \\nu"]) == 1  # KEY=VALUE: the same refusal
    assert "line 1, column 5" in capsys.readouterr().err and path.read_bytes() == ESCAPED_DOC


def test_a_literal_backslash_n_being_typed_is_journaled_exactly():
    from qteditor.core.journal import JournalItem, recover, snapshot

    entry = Entry.from_bytes(ESCAPED_DOC, "e.md")
    fields = entry.fields()
    fields["answer"] = "typing \\nabla\nnext line"
    content = snapshot(entry, fields, entry.body)  # saving would refuse; the journal keeps it
    rec = recover(JournalItem(None, "e.md", None, content, 0.0, ESCAPED_DOC), entry)
    assert rec.fields["answer"] == "typing \\nabla\nnext line" and rec.fields["title"] == "x"


def test_the_quick_rejection_never_hides_a_spot():
    """ambiguities() returns early when no candidate is found; on texts made of the pieces
    that matter it finds exactly what the full scan finds."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qteditor.core import codec

    pieces = st.sampled_from(
        [
            "\\n",
            "\\\\n",
            "\\neq",
            "\\nu",
            "\\nabla x",
            "$",
            "$$",
            "a",
            " ",
            "\\notin",
            "\\nx",
            "\\n\\n",
            "\\",
            "n",
            "eq",
        ]
    )

    class Always:
        def search(self, _text):
            return True

    @settings(max_examples=500, deadline=None)
    @given(st.lists(pieces, max_size=20).map("".join))
    def same(text):
        quick = codec.ambiguities(text)
        saved, codec._CANDIDATE = codec._CANDIDATE, Always()
        try:
            assert quick == codec.ambiguities(text), text
        finally:
            codec._CANDIDATE = saved

    same()
