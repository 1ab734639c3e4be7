"""Field-level changes, paragraph and word diffs, commit messages, textconv."""

from __future__ import annotations

from qteditor.core.changes import (
    EntryChange,
    describe,
    field_changes,
    paragraphs,
    suggest_message,
    textconv,
    words,
)
from qteditor.core.entry import Entry
from tests.conftest import CORPUS
from tests.core.merge_helpers import cms, desktop, edit_paragraph, fields_of
from tests.core.merge_helpers import paragraphs as para_index

RICH = CORPUS / "accounting-and-finance" / "how-can-tax-and-compliance-issues-be-mitigated.md"


def test_field_changes_name_the_fields_and_subfields():
    base = fields_of(RICH.read_bytes())
    new = fields_of(
        desktop(
            RICH.read_bytes(),
            lambda f: (
                f.update(title="New"),
                f["seo"].update(page_keywords="k"),
                f["related_article2"].update(title="R"),
                f.pop("score"),
                f.update(no_index=True),
            ),
        )
    )
    changes = field_changes(base, new, "\n&nbsp;", "\nchanged")
    assert [c.name for c in changes] == [
        "title",
        "seo.page_keywords",
        "no_index",
        "related_article2.title",
        "score",
        "body",
    ]
    assert [c.kind for c in changes] == ["changed", "changed", "added", "changed", "removed", "changed"]
    assert field_changes(base, base, "x", "x") == []


def test_a_cms_rewrite_changes_no_field():
    raw = RICH.read_bytes()
    assert field_changes(fields_of(raw), fields_of(cms(raw))) == []


def test_paragraphs_and_words():
    raw = RICH.read_bytes()
    f = fields_of(raw)
    p = para_index(f)
    g = fields_of(desktop(raw, lambda x: edit_paragraph(x, p[2], " Extra words.")))
    (change,) = paragraphs(f["answer"], g["answer"])
    assert change.kind == "changed" and change.at == p[2]
    assert "".join(t for op, t in change.words if op == "+").strip() == "Extra words."
    assert all(op == "=" for op, _t in change.words[:-1])
    assert "".join(t for op, t in change.words if op != "+") == change.old
    assert "".join(t for op, t in change.words if op != "-") == change.new
    assert words("a b c", "a x c") == [("=", "a "), ("-", "b"), ("+", "x"), ("=", " c")]
    added = paragraphs("a\n\nb", "a\n\nb\n\nc")
    assert [(c.kind, c.new) for c in added] == [("added", "c")]
    summary = describe(field_changes({"answer": f["answer"]}, {"answer": g["answer"]})[0])
    assert summary == "answer: 1 paragraph changed"
    assert describe(field_changes({"title": "A"}, {"title": "B"})[0]) == "title: A → B"


def test_suggested_messages():
    one = [EntryChange("a.md", "modified", "What is a cell?", [("answer",)])]
    assert suggest_message(one) == "Edit answer: What is a cell?"
    fixes = [EntryChange(f"{i}.md", "modified", f"T{i}", [("related_article2", "title")]) for i in range(12)]
    assert suggest_message(fixes) == "Fix related articles in 12 entries"
    seo = [EntryChange("a.md", "modified", "T", [("seo", "page_description")])]
    assert suggest_message(seo) == "Fix page description: T"
    assert suggest_message([EntryChange("a.md", "untracked", "New one", [])]) == "Add entry: New one"
    mixed = [EntryChange("a.md", "new", "A", []), EntryChange("b.md", "modified", "B", [("title",)])]
    assert suggest_message(mixed) == "Add 1 entry, edit 1"
    many = [EntryChange(f"{i}.md", "modified", "T", [("title",), ("answer",), ("author",)]) for i in range(3)]
    assert suggest_message(many) == "Edit 3 entries"


def test_textconv_shows_the_answer_as_real_lines():
    raw = RICH.read_bytes()
    shown = textconv(raw).decode()
    f = fields_of(raw)
    assert "answer: |-\n" in shown
    for line in f["answer"].split("\n"):
        assert ("    " + line if line else "") + "\n" in shown
    assert "\\n" not in shown.split("answer: |-")[1].split("subject:")[0]
    # everything but the answer is the file's own lines
    rest = raw.decode().split("answer: >-")[0]
    assert shown.startswith(rest)
    # a CMS rewrite shows the same answer lines
    assert (
        textconv(cms(raw)).decode().split("answer: |-")[1].split("\nsubject:")[0]
        == shown.split("answer: |-")[1].split("\nsubject:")[0]
    )
    assert textconv(b"not an entry") == b"not an entry"
    Entry.from_bytes(shown.encode())  # still reads (as YAML) with the same answer
    assert Entry.from_bytes(shown.encode()).fields()["answer"] == f["answer"]
