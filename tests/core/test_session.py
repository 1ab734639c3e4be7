"""Editing rules of the window, without a window: derived slugs, permalinks, linked titles."""

from __future__ import annotations

import datetime as dt

import pytest

from qteditor.core.entry import Entry
from qteditor.core.errors import SaveError
from qteditor.core.resources import resource
from qteditor.core.session import EditSession, next_free_id
from tests.conftest import by_reason

SAMPLE = resource("sample") / "content" / "learn"


def test_new_entry_slugs_follow_the_title(tmp_path):
    s = EditSession.new(collection=tmp_path, next_id=77, today=dt.date(2025, 5, 6))
    assert not s.dirty and s.fields["date"] == dt.date(2025, 5, 6) and s.fields["id"] == 77
    changed = s.set("title", "What's an Enzyme — really?")
    assert ("file_name",) in changed and ("url",) in changed
    assert s.fields["file_name"] == "whats-an-enzyme--really.md"
    assert s.fields["article_title"] == s.fields["question"] == "What's an Enzyme — really?"
    s.set("subject", "Cell Biology")
    assert s.fields["url"] == "/learn/cell-biology/questions/whats-an-enzyme--really"
    assert s.fields["seo"]["title"] == "QuickTakes | Cell Biology"
    assert s.dirty
    target = s.default_path()
    assert target == tmp_path / "cell-biology" / "whats-an-enzyme--really.md"
    assert s.save(target)
    assert not s.dirty and not s.is_new and s.locked
    again = Entry.load(target)
    assert again.fields()["title"] == "What's an Enzyme — really?"
    assert again.raw.endswith(b"---\n\n&nbsp;")
    assert b"title: >-\n    What's an Enzyme" in again.raw


def test_new_entry_refuses_to_overwrite(tmp_path):
    s = EditSession.new(collection=tmp_path)
    s.set("title", "Taken")
    target = s.default_path()
    target.parent.mkdir(parents=True)
    target.write_bytes(b"precious")
    with pytest.raises(SaveError):
        s.save(target)
    assert target.read_bytes() == b"precious"


def test_existing_entry_keeps_its_permalink(tmp_path):
    src = next(SAMPLE.glob("biology/*.md"))
    path = tmp_path / src.name
    path.write_bytes(src.read_bytes())
    s = EditSession.open(path)
    url = s.fields["url"]
    s.set("title", "A different title")
    assert s.fields["url"] == url and s.fields["file_name"] == src.name
    plan = s.regeneration()
    assert plan["url"] == (url, "/learn/biology/questions/a-different-title")
    s.regenerate()
    assert s.fields["url"] == "/learn/biology/questions/a-different-title" and s.locked
    s.save()
    text = path.read_text()
    assert "url: /learn/biology/questions/a-different-title" in text


def test_unlocked_entry_follows_again(tmp_path):
    src = next(SAMPLE.glob("physics/*.md"))
    path = tmp_path / src.name
    path.write_bytes(src.read_bytes())
    s = EditSession.open(path)
    s.set_locked(False)
    s.set("title", "Speed")
    assert s.fields["file_name"] == "speed.md"


def test_titles_edit_separately_when_unlinked(tmp_path):
    src = next(SAMPLE.glob("history/*.md"))
    s = EditSession.open(src)
    assert s.titles_linked
    s.titles_linked = False
    s.set("title", "Only the title")
    assert s.fields["question"] != "Only the title"
    s.revert()
    assert not s.dirty


def test_titles_unlinked_when_the_file_has_them_differ():
    paths = by_reason("RA-title-mismatch")
    assert paths, "the manifest lists entries whose titles differ"
    for path in paths[:3]:
        entry = Entry.load(path)
        fields = entry.fields()
        fields["question"] = "Something else"
        raw = entry.render(fields)[0]
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "e.md"
            p.write_bytes(raw)
            assert not EditSession.open(p).titles_linked


def test_next_free_id():
    assert next_free_id(SAMPLE) == 9007


def test_a_new_entry_never_replaces_an_existing_file(tmp_path):
    target = tmp_path / "taken.md"
    target.write_bytes(b"someone's entry")
    session = EditSession.new()
    with pytest.raises(SaveError):
        session.save(target)
    assert target.read_bytes() == b"someone's entry" and session.path is None
    fresh = tmp_path / "sub" / "fresh.md"
    assert session.save(fresh) and session.path == str(fresh) and not session.dirty


def test_a_new_entry_stores_no_placeholder_text(tmp_path, capsys, monkeypatch):
    """The template's hints are the schema's placeholders: shown in empty fields, never saved;
    the checks still find the fields empty."""
    import json

    from qteditor.cli import main
    from qteditor.core.schema import default_schema

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    schema = default_schema()
    hints = {key: schema.field(key).placeholder for key in ("seo.page_description", "seo.page_keywords")}
    assert hints["seo.page_description"] == "Describe the answer in 150 to 160 characters."
    assert hints["seo.page_keywords"]
    s = EditSession.new(collection=tmp_path / "learn", next_id=5)
    assert s.get("seo.page_description") == "" and s.get("seo.page_keywords") == ""
    assert not s.dirty
    s.set("title", "What is an enzyme?")
    target = s.default_path()
    s.save(target)
    raw = target.read_bytes()
    for hint in hints.values():
        assert hint.encode() not in raw
    assert b"    keyword\n" not in raw
    assert b"  page_description: >-\n  page_keywords: >-\n" in raw  # empty, in the file's styles
    again = Entry.load(target)
    assert again.fields()["seo"] == {
        "title": "QuickTakes | General",
        "page_description": "",
        "page_keywords": "",
    }
    main(["check", "--json", str(target)])
    problems = {(p["rule"], p["field"]) for p in json.loads(capsys.readouterr().out)["problems"]}
    assert ("required-missing", "seo.page_description") in problems  # (one finding a field,
    assert ("seo-description-length", "seo.page_description") not in problems  # as the form)
    # written later, the description takes the site's folded style
    again_session = EditSession.open(target)
    again_session.set("seo.page_description", "Enzymes: proteins that speed up reactions.")
    again_session.save()
    assert b"  page_description: >-\n    Enzymes: proteins that speed up reactions.\n" in target.read_bytes()


BLOG_POST = (
    b"---\ntitle: Hello\ndescription: Short.\ndate: 2025-01-02\nseo:\n  title: Blog | Hello\n"
    b"featuredImg: cat.png\n---\nThe post's *body*, with $a \\neq b$.\n"
)


def _blog_post(tmp_path, raw: bytes = BLOG_POST):
    from tests.core.test_site import BLOG

    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    path = root / "hello.md"
    path.write_bytes(raw)
    return path


def test_the_text_of_a_schema_without_a_markdown_field_is_the_body(tmp_path):
    path = _blog_post(tmp_path)
    s = EditSession.open(path)
    assert s.text_field is None
    assert s.text() == "The post's *body*, with $a \\neq b$.\n"
    assert s.text_convention() is None and s.text_ambiguities() == [] and s.ambiguities() == {}
    assert s.set_text("The post's *body*, with $a \\neq b$.\n") == [] and not s.dirty
    assert s.set_text("New body.\n\nTwo paragraphs.\n") == []
    assert s.dirty and "answer" not in s.fields and s.text() == "New body.\n\nTwo paragraphs.\n"
    assert s.save()
    head = BLOG_POST[: BLOG_POST.index(b"---\nThe post")]
    assert path.read_bytes() == head + b"---\nNew body.\n\nTwo paragraphs.\n"
    assert not s.dirty


def test_a_body_keeps_the_files_line_breaks(tmp_path):
    raw = BLOG_POST.replace(b"\n", b"\r\n")
    path = _blog_post(tmp_path, raw)
    s = EditSession.open(path)
    s.set_text("The post's *body*, with $a \\neq b$.\n")  # as the editor shows it: LF
    assert not s.dirty and s.render() is None
    s.set_text("One\nTwo\n")
    assert s.body == "One\r\nTwo\r\n"
    assert s.render() == raw[: raw.index(b"The post")] + b"One\r\nTwo\r\n"


def test_the_text_of_the_quicktakes_schema_is_the_answer(tmp_path):
    from qteditor.core import codec

    src = SAMPLE / "physics" / "what-is-the-difference-between-speed-and-velocity.md"
    s = EditSession.open(src)
    assert s.text_field == "answer" and s.text() == s.fields["answer"]
    assert s.text_convention() == codec.ESCAPED
    spots = s.text_ambiguities()
    assert [a.word for a in spots] == ["neq"] and s.ambiguities() == {"answer": spots}
    body = s.body
    assert s.set_text("A new answer.") == [("answer",)]
    assert s.fields["answer"] == "A new answer." and s.body == body
    assert s.text_ambiguities() == []


def test_an_answer_stored_with_real_line_breaks_has_no_escaped_marks(tmp_path):
    from qteditor.core import codec

    path = tmp_path / "real.md"
    path.write_bytes(b"---\ntitle: Real\nanswer: |-\n    Speed:\n    $v \\neq s$\n---\n")
    s = EditSession.open(path)
    assert s.text() == "Speed:\n$v \\neq s$" and s.text_convention() == codec.REAL
    assert s.text_ambiguities() == [] and s.ambiguities() == {}
    escaped = tmp_path / "escaped.md"
    escaped.write_bytes(b"---\ntitle: Escaped\nanswer: >-\n    Speed:\\n$v \\neq s$\n---\n")
    e = EditSession.open(escaped)
    # the site reads that \n as a line break too: the editor shows one, and marks it
    assert e.text() == "Speed:\n$v \neq s$" and e.text_convention() == codec.ESCAPED
    assert [a.word for a in e.text_ambiguities()] == ["neq"]
