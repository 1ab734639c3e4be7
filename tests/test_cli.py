"""The public command-line contract: show / set, exit codes, error format."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.cli import main
from qteditor.core.entry import Entry
from tests.conftest import REPO, by_reason, corpus_files, needs_symlinks, posix_only

SAMPLE = """---
_schema: default
id: 172022
date: 2025-02-09
title: >-
    What is a cell?
seo:
  title: QuickTakes | Biology
author: QuickTakes
no_index: True
answer: >-
    A cell\\n\\n- is small\\n  - very
subject: Biology
score: -1.0
---

&nbsp;"""


@pytest.fixture
def entry_file(tmp_path):
    path = tmp_path / "what-is-a-cell.md"
    path.write_bytes(SAMPLE.encode())
    return path


def run(*args, stdin: str | None = None, capsys=None) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main([str(a) for a in args])
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_show_json(entry_file, capsys):
    code, out, err = run("show", "--json", entry_file, capsys=capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["path"] == str(entry_file)
    assert data["fields"]["answer"] == "A cell\n\n- is small\n  - very"
    assert data["fields"]["date"] == "2025-02-09"
    assert data["fields"]["id"] == 172022 and data["fields"]["no_index"] is True
    assert data["fields"]["seo"] == {"title": "QuickTakes | Biology"}
    assert data["body"] == "\n&nbsp;"


def test_show_text(entry_file, capsys):
    code, out, _ = run("show", entry_file, capsys=capsys)
    assert code == 0
    assert "title: What is a cell?" in out and "seo.title: QuickTakes | Biology" in out
    assert "answer: |\n    A cell\n\n    - is small\n      - very" in out


def test_set_json_deep_merge(entry_file, capsys):
    patch = {"seo": {"page_description": "About cells."}, "author": None, "id": 5, "answer": "New\n\n1. one"}
    code, out, err = run("set", "--json", json.dumps(patch), entry_file, capsys=capsys)
    assert code == 0, err
    text = entry_file.read_text()
    assert "author:" not in text and "\nid: 5\n" in text
    assert "  title: QuickTakes | Biology\n  page_description: >-\n    About cells.\n" in text
    assert "answer: >-\n    New\\n\\n1. one\n" in text
    assert Entry.load(entry_file).fields()["answer"] == "New\n\n1. one"


def test_set_json_from_file_and_stdin(entry_file, tmp_path, capsys):
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps({"subject": "Chemistry"}))
    assert run("set", "--json", f"@{patch}", entry_file, capsys=capsys)[0] == 0
    assert "\nsubject: Chemistry\n" in entry_file.read_text()
    assert run("set", "--json", "-", entry_file, stdin='{"subject": "Physics"}', capsys=capsys)[0] == 0
    assert "\nsubject: Physics\n" in entry_file.read_text()


def test_set_key_value_converts_to_the_fields_type(entry_file, capsys):
    code, _, err = run(
        "set",
        entry_file,
        "id=172023",
        "date=2025-03-01",
        "no_index=false",
        "score=2",
        "seo.title=QuickTakes | Cells",
        "title=Why: cells #1?",
        capsys=capsys,
    )
    assert code == 0, err
    fields = Entry.load(entry_file).fields()
    assert fields["id"] == 172023 and fields["date"] == dt.date(2025, 3, 1)
    assert fields["no_index"] is False and fields["score"] == 2.0
    text = entry_file.read_text()
    assert "\nno_index: False\n" in text and "\nscore: 2.0\n" in text
    assert "title: >-\n    Why: cells #1?\n" in text
    assert "  title: QuickTakes | Cells\n" in text


def test_set_nothing_changed_writes_nothing(entry_file, capsys):
    before = entry_file.stat().st_mtime_ns
    os.utime(entry_file, ns=(before - 10**9, before - 10**9))
    stamp = entry_file.stat().st_mtime_ns
    assert run("set", entry_file, "subject=Biology", capsys=capsys)[0] == 0
    assert entry_file.stat().st_mtime_ns == stamp


def test_set_type_error_is_reported_and_file_untouched(entry_file, capsys):
    code, _, err = run("set", entry_file, "id=abc", capsys=capsys)
    assert code == 1
    assert err.startswith(f"{entry_file}:") and "id must be a whole number" in err
    assert entry_file.read_bytes() == SAMPLE.encode()


def test_set_continues_after_a_failure(entry_file, tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\na: [1\n---\n")
    code, _, err = run("set", "--json", '{"subject": "X"}', bad, entry_file, capsys=capsys)
    assert code == 1
    assert err.startswith(f"{bad}:3:1: YAML error")
    assert "\nsubject: X\n" in entry_file.read_text()
    assert bad.read_bytes() == b"---\na: [1\n---\n"


@pytest.mark.parametrize(
    "args",
    [
        ["set"],
        ["set", "--json"],
        ["set", "x.md"],
        ["set", "x.md", "novalue"],
        ["set", "--json", "[1]", "x.md"],
        ["set", "--json", "{bad json", "x.md"],
        ["show"],
    ],
)
def test_usage_errors_exit_2(args, capsys):
    code, _, err = run(*args, capsys=capsys)
    assert code == 2 and err and "Traceback" not in err


def test_missing_file(capsys, tmp_path):
    code, _, err = run("show", tmp_path / "nope.md", capsys=capsys)
    assert code == 1 and err.startswith(f"{tmp_path / 'nope.md'}:1:1: no such file")


def test_set_through_the_real_process(tmp_path):
    """The installed entry point: exit code, stderr format, nothing else printed."""
    src = by_reason("title-with-colon-or-hash")[0]
    target = tmp_path / src.name
    target.write_bytes(src.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "qteditor", "set", str(target), "seo.page_keywords=a, b"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    old, new = src.read_bytes().split(b"\n"), target.read_bytes().split(b"\n")
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1 and new[changed[0]] == b"    a, b"
    proc = subprocess.run(
        [sys.executable, "-m", "qteditor", "show", "--json", str(tmp_path / "x.md")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_every_corpus_file_shows(capsys):
    files = corpus_files()[::25]
    code, out, err = run("show", "--json", *files, capsys=capsys)
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(files)
    assert all("\\n" not in r["fields"]["answer"] for r in rows)  # decoded: real breaks only
    assert sum("\n" in r["fields"]["answer"] for r in rows) > len(rows) * 0.9
    assert all(isinstance(r["fields"]["id"], int) for r in rows)


def test_render_fragment_page_and_json(entry_file, capsys):
    code, out, err = run("render", "--fragment", entry_file, capsys=capsys)
    assert code == 0, err
    assert out.startswith("<p>A cell</p>") and "<ul>" in out and "<html" not in out
    code, out, _ = run("render", entry_file, capsys=capsys)
    assert "<title>Student Question : What is a cell? | Biology | QuickTakes</title>" in out
    assert "Posted on Feb 09, 2025" in out
    code, out, _ = run("render", "--json", "--fragment", entry_file, entry_file, capsys=capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and rows[0]["path"] == str(entry_file) and "<ul>" in rows[0]["html"]


def test_render_math_is_one_element_each(tmp_path, capsys):
    path = tmp_path / "m.md"
    path.write_bytes(b"---\nanswer: >-\n    Inline $x^2$ and\\n\\n$$\\n\\\\frac{a}{b}\\n$$\n---\n")
    code, out, _ = run("render", "--fragment", path, capsys=capsys)
    assert code == 0
    import re

    assert len(re.findall(r'<[^>]+class="[^"]*math[^"]*"', out)) == 2  # one per formula
    assert "$" not in re.sub(r'alt="[^"]*"', "", out)


def test_render_of_a_post_by_a_schema_without_a_markdown_field_renders_its_body(tmp_path, capsys):
    from tests.core.test_site import BLOG

    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    post = root / "hello.md"
    post.write_bytes(
        b"---\ntitle: Hello\ndescription: Short.\ndate: 2025-01-02\nanswer: not the text\n"
        b"featuredImg: cat.png\n---\nThe post's *body*.\n\n- one\n- two\n"
    )
    code, out, err = run("render", "--fragment", post, capsys=capsys)
    assert code == 0, err
    assert out.startswith("<p>The post's <em>body</em>.</p>") and "<li>one</li>" in out
    assert "not the text" not in out  # a key named answer is only a field of this schema
    code, out, _ = run("render", post, capsys=capsys)
    assert '<h1 class="qt-title">Hello</h1>' in out and "<em>body</em>" in out
    page = tmp_path / "page.html"
    assert run("export", post, "-o", page, capsys=capsys)[0] == 0
    assert "<em>body</em>" in page.read_text(encoding="utf-8")


def test_export_writes_a_standalone_page(entry_file, tmp_path, capsys):
    page = tmp_path / "page.html"
    code, _, err = run("export", entry_file, "-o", page, capsys=capsys)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in html
    assert '<meta name="description" content="Get the full answer from QuickTakes - ' in html
    assert run("export", tmp_path / "missing.md", "-o", page, capsys=capsys)[0] == 1


def test_without_qt_the_collection_is_listed_with_the_reason(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "qteditor.ui.app", None)  # as if Qt could not load
    code = main([])
    out, err = capsys.readouterr()
    assert code == 0 and "the window cannot start here" in err
    assert "[Biology] What are the main parts of a plant cell?" in out


def test_unknown_path_for_the_window_is_an_error(capsys, tmp_path):
    code = main([str(tmp_path / "nope")])
    assert code == 1 and "no such file or folder" in capsys.readouterr().err


def test_two_set_processes_at_once_both_edits_land(tmp_path):
    """Two `qteditor set` on one file at the same moment, different fields: neither edit is
    lost (each patch is applied to the file as it is under its lock)."""
    path = tmp_path / "entry.md"
    exe = [sys.executable, "-m", "qteditor"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for trial in range(8):
        path.write_bytes(SAMPLE.encode())
        a = subprocess.Popen([*exe, "set", str(path), f"author=A{trial}"], env=env, stderr=subprocess.PIPE)
        b = subprocess.Popen([*exe, "set", str(path), f"subject=B{trial}"], env=env, stderr=subprocess.PIPE)
        assert a.wait(60) == 0 and b.wait(60) == 0, (a.stderr.read(), b.stderr.read())
        fields = Entry.load(path).fields()
        assert (fields["author"], fields["subject"]) == (f"A{trial}", f"B{trial}")


def test_set_refuses_a_read_only_file_unless_forced(entry_file, capsys):
    os.chmod(entry_file, 0o444)
    code, _, err = run("set", entry_file, "author=Me", capsys=capsys)
    assert code == 1 and err.startswith(f"{entry_file}:1:1: the file is read-only")
    assert "--force" in err and entry_file.read_bytes() == SAMPLE.encode()
    assert err.splitlines()[0] == (  # the core says what is wrong, the CLI what --force does
        f"{entry_file}:1:1: the file is read-only; nothing was written "
        "(use --force, or make it writable, to save it anyway)"
    )
    code, _, err = run("set", "--force", entry_file, "author=Me", capsys=capsys)
    assert code == 0, err
    assert Entry.load(entry_file).fields()["author"] == "Me"
    assert entry_file.stat().st_mode & 0o777 == 0o444  # still read-only


def test_set_refuses_a_hard_linked_file_unless_forced_which_keeps_the_links(entry_file, tmp_path, capsys):
    other = tmp_path / "other-name.md"
    os.link(entry_file, other)
    code, _, err = run("set", "--json", '{"author": "Me"}', entry_file, capsys=capsys)
    assert code == 1 and "2 hard links" in err and other.read_bytes() == SAMPLE.encode()
    assert err.splitlines()[0].endswith("(use --force to write it in place, keeping the links)")
    code, _, err = run("set", "--force", "--json", '{"author": "Me"}', entry_file, capsys=capsys)
    assert code == 0, err
    assert Entry.load(other).fields()["author"] == "Me"  # the other name sees the edit
    assert os.path.samefile(entry_file, other)


@posix_only("permission bits")
def test_export_over_a_read_only_page_names_no_force_it_does_not_have(entry_file, tmp_path, capsys):
    """Regression: the writer's message told export to "use --force", an option export lacks."""
    page = tmp_path / "page.html"
    page.write_bytes(b"old page")
    os.chmod(page, 0o444)
    code, _, err = run("export", entry_file, "-o", page, capsys=capsys)
    assert code == 1 and page.read_bytes() == b"old page"
    assert err.splitlines() == [f"{page}:1:1: the file is read-only; nothing was written"]


def test_fix_refuses_a_read_only_file_unless_forced(tmp_path, monkeypatch, capsys):
    import shutil

    from qteditor.core.resources import resource

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    entry = Entry.load(chem)
    fields = entry.fields()
    fields["related_article2"]["id"] = 1  # stale: the fix sets it back
    entry.save(fields)
    before = chem.read_bytes()
    os.chmod(chem, 0o444)
    folder = tmp_path / "site"
    assert main(["fix", "--rule", "related-stale-id", str(folder)]) == 1
    assert "read-only" in capsys.readouterr().err and chem.read_bytes() == before
    assert main(["fix", "--force", "--rule", "related-stale-id", str(folder)]) == 0
    assert Entry.load(chem).fields()["related_article2"]["id"] == 9005


@needs_symlinks
def test_export_never_writes_over_the_entry_or_another_entry(entry_file, tmp_path, capsys):
    other = tmp_path / "other.md"
    other.write_bytes(SAMPLE.encode())
    link = tmp_path / "link-to-entry.html"
    link.symlink_to(entry_file)
    hard = tmp_path / "hard-name"
    os.link(entry_file, hard)  # another name of the entry itself
    no_ext = tmp_path / "entry-without-extension"
    no_ext.write_bytes(SAMPLE.encode())
    for output in (entry_file, other, link, hard, no_ext, tmp_path / "UPPER.MD"):
        if output.name == "UPPER.MD":
            output.write_bytes(b"# notes")
        before = output.read_bytes()
        code, _, err = run("export", entry_file, "-o", output, capsys=capsys)
        assert code == 2 and err.startswith(f"{output}:1:1: the output is ") and "Traceback" not in err
        assert output.read_bytes() == before and entry_file.read_bytes() == SAMPLE.encode()
    page = tmp_path / "page.html"
    page.write_bytes(b"<html>an old export</html>")  # an earlier page is replaced
    assert run("export", entry_file, "-o", page, capsys=capsys)[0] == 0
    assert page.read_bytes().startswith(b"<!DOCTYPE html>")


@posix_only("a FIFO (os.mkfifo) and /dev/zero")
def test_show_a_fifo_or_a_device_says_what_it_is(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "qteditor", "show", "--json", str(fifo), "/dev/zero"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"{fifo}:1:1: this is a named pipe (FIFO), not a regular file; only regular files are read",
        "/dev/zero:1:1: this is a character device, not a regular file; only regular files are read",
    ]


def test_show_json_of_an_alias_byte_bomb_is_a_located_error_not_cut_output(tmp_path):
    bomb = tmp_path / "bomb.md"
    refs = ", ".join(["*b"] * 3000)
    bomb.write_text(f'---\nblob: &b "{"x" * 1_000_000}"\nrefs: [{refs}]\n---\n')
    proc = subprocess.run(
        [sys.executable, "-m", "qteditor", "show", "--json", str(bomb)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith(f"{bomb}:3:") and "alias bomb" in proc.stderr


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda d: d.write_bytes(b'{"title": "caf\xe9"}'), ":1:15: the patch is not UTF-8 text (byte 0xe9)"),
        (lambda d: d.write_text("[" * 100_000 + "]" * 100_000), "nests deeper than 150"),
        (lambda d: d.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000), "nests deeper than 150"),
        (lambda d: d.write_text('{"a": ' * 200 + "1" + "}" * 200), "nests deeper than 150"),
        (lambda d: d.write_text('{"title": "\\ud800"}'), "a lone surrogate"),
        (lambda d: d.write_text('{"\\udfff": 1}'), "a lone surrogate"),
        (lambda d: d.write_text('{"id": ' + "9" * 5000 + "}"), "the patch cannot be read"),
    ],
)
def test_a_bad_patch_file_is_a_usage_error_with_a_message(entry_file, tmp_path, capsys, make, words):
    patch = tmp_path / "patch.json"
    make(patch)
    code, _, err = run("set", "--json", f"@{patch}", entry_file, capsys=capsys)
    assert code == 2 and words in err and "internal error" not in err, err
    assert err.startswith(f"{patch}:1:")
    assert entry_file.read_bytes() == SAMPLE.encode()


@posix_only("a command line of bytes that are not UTF-8 (a Windows command line is UTF-16)")
def test_a_command_line_that_is_not_utf8_is_a_usage_error(entry_file):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    exe = [sys.executable, "-m", "qteditor", "set"]
    proc = subprocess.run(
        [*exe, os.fsencode(entry_file), b"title=caf\xe9"], env=env, capture_output=True, cwd=REPO
    )
    assert proc.returncode == 2 and b"lone surrogate" in proc.stderr, proc.stderr
    assert entry_file.read_bytes() == SAMPLE.encode()


def test_stdin_that_is_not_utf8_is_a_usage_error(entry_file):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    exe = [sys.executable, "-m", "qteditor", "set"]
    proc = subprocess.run(
        [*exe, "--json", "-", str(entry_file)],
        input=b'{"title": "\xff"}',
        env=env,
        capture_output=True,
        cwd=REPO,
    )
    assert proc.returncode == 2 and proc.stderr.startswith(b"<stdin>:1:12: the patch is not UTF-8")
    assert entry_file.read_bytes() == SAMPLE.encode()


KEY_SPELLINGS = [
    "1",
    "'1'",
    "2024-01-01",
    "'2024-01-01'",
    "null",
    "'null'",
    "true",
    "'true'",
    "1.0",
    "'1.0'",
    "x",
    "0",
    "false",
    "~",
    "'~'",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(KEY_SPELLINGS), min_size=1, max_size=6, unique=True))
def test_show_json_keeps_every_key_or_refuses(tmp_path_factory, spellings):
    """Every key of the file is in the JSON, or show refuses naming the keys; never one lost."""
    import contextlib

    path = tmp_path_factory.mktemp("keys") / "k.md"
    path.write_text("---\n" + "".join(f"{k}: v{i}\n" for i, k in enumerate(spellings)) + "---\n")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["show", "--json", str(path)])
    if code == 0:
        fields = json.loads(out.getvalue())["fields"]
        assert sorted(fields.values()) == sorted(f"v{i}" for i in range(len(spellings)))
    else:
        assert code == 1 and out.getvalue() == ""
        message = err.getvalue()
        assert message.startswith(f"{path}:") and (
            "would both be written" in message
            or "are different in YAML" in message
            or "duplicate key" in message
        ), message
        if "duplicate key" in message:  # only keys YAML itself reads as the same
            assert {"null", "~"} <= set(spellings)


def test_keys_one_and_true_are_not_called_duplicates(tmp_path, capsys):
    path = tmp_path / "k.md"
    path.write_text("---\n1: a\ntrue: b\n---\n")
    code, _, err = run("show", "--json", path, capsys=capsys)
    assert code == 1 and "duplicate" not in err
    assert err.startswith(f"{path}:3:1: the keys 1 (line 2) and true are different in YAML")
    path.write_text("---\n1: a\n'1': b\n---\n")
    code, out, err = run("show", "--json", path, capsys=capsys)
    assert (
        code == 1
        and out == ""
        and err.startswith(f"{path}:3:1: the keys 1 and '1' would both be written \"1\" in JSON")
    )
    code, out, _ = run("show", path, capsys=capsys)  # the text view shows both
    assert code == 0 and "1: a\n1: b\n" in out


def test_on_windows_output_is_utf8_with_the_line_ends_as_written(entry_file, monkeypatch):
    """A redirected stdout on Windows writes the ANSI code page and turns each "\\n" into
    "\\r\\n": a title with "→" was an internal error, a diff of a CRLF file got "\\r\\r\\n"."""
    raw = io.BytesIO()
    pipe = io.TextIOWrapper(raw, encoding="cp1252", newline="\r\n")  # what Windows gives a pipe
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "stdout", pipe)
    entry_file.write_bytes(SAMPLE.replace("What is a cell?", "Cells → tissues").encode())
    assert main(["show", "--json", str(entry_file)]) == 0
    pipe.flush()
    assert json.loads(raw.getvalue().decode("utf-8"))["fields"]["title"] == "Cells → tissues"
    assert raw.getvalue().endswith(b"}\n") and b"\r" not in raw.getvalue()


def test_fix_says_which_rules_need_a_decision(tmp_path, monkeypatch, capsys):
    import shutil

    from qteditor.core.resources import resource

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shutil.copytree(resource("sample") / "content" / "learn", tmp_path / "site" / "content" / "learn")
    folder = tmp_path / "site"
    for rule, decision in (("field-pattern", True), ("required-missing", False), ("id-duplicate", False)):
        main(["fix", "--dry-run", "--rule", rule, str(folder)])
        assert ("has no automatic fix" in capsys.readouterr().err) is decision, rule
