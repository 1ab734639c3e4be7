"""Real entries in variants (CRLF, BOM, comments, blank lines, trailing spaces, quoting styles,
extra keys and lists, final newline) edited through ``qteditor set`` in every kind of way."""

from __future__ import annotations

import json
import re

import pytest

from qteditor.cli import main
from qteditor.core.entry import Entry
from qteditor.core.yaml import same
from tests.conftest import corpus_files


def _front(text: str) -> tuple[str, str]:
    head, rest = text[4:].split("\n---\n", 1)
    return head + "\n", rest


def crlf(t):
    return t.replace("\n", "\r\n")


def bom(t):
    return "\ufeff" + t


def final_newline(t):
    return t + "\n"


def trailing_spaces(t):
    head, rest = _front(t)
    return "---  \n" + "".join(line + "  \n" for line in head.splitlines()) + "---\n" + rest


def comments(t):
    head, rest = _front(t)
    out = ["# entry managed by qteditor"]
    for line in head.splitlines():
        if re.match(r"^[A-Za-z_]\w*: >-$", line):
            line += "  # folded"
        elif re.match(r"^(id|date|subject|author|score|file_name): \S", line):
            line += "  # note"
        out.append(line)
        if line.startswith("author:"):
            out.append("# between keys")
    return "---\n" + "\n".join(out) + "\n---\n" + rest


def blank_lines(t):
    head, rest = _front(t)
    lines = head.splitlines()
    out = []
    for line in lines:
        if out and re.match(r"^\S", line):
            out.append("")
        out.append(line)
    return "---\n" + "\n".join(out) + "\n\n---\n" + rest


def quoting(t):
    t = re.sub(r"(?m)^subject: (.*)$", lambda m: "subject: '" + m.group(1).replace("'", "''") + "'", t)
    t = re.sub(r"(?m)^author: (.*)$", lambda m: 'author: "' + m.group(1) + '"', t)
    return re.sub(r"(?m)^(    url: )(.*)$", r'\1"\2"', t)


def extra_keys(t):
    head, rest = _front(t)
    head = head.replace("author:", "tags:\n  - first\n  - second: x\nextra: {a: 1, b: [x, y]}\nauthor:", 1)
    return "---\n" + head + "---\n" + rest


VARIANTS = [crlf, bom, final_newline, trailing_spaces, comments, blank_lines, quoting, extra_keys]

EDITS = {
    "title": ["title=Why: does #this work?"],
    "id": ["id=123"],
    "date": ["date=2026-01-02"],
    "subject": ["subject=Computer Science"],
    "seo.page_description": ["seo.page_description=A new description, with: colons."],
    "answer-json": {"answer": "First line\n\n- a\n  - b\n\n$x \\times y$"},
    "delete-related": {"related_article1": None},
    "add-related": {
        "related_article6": {"id": 5, "title": "Added: one", "subject": "X", "url": "/learn/x/questions/y"}
    },
    "no_index": {"no_index": True},
    "tags": {"tags": ["first", "new"]},
    "several": {"title": "T", "article_title": "T", "question": "T", "seo": {"title": "QuickTakes | T"}},
}


def files() -> list:
    return corpus_files()[5::150]  # read when a test runs, never at import


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.__name__)
def test_variants_survive_every_kind_of_edit(variant, tmp_path, capsys):
    for src in files():
        text = variant(src.read_bytes().decode("utf-8"))
        raw = text.encode("utf-8")
        base = Entry.from_bytes(raw, "v.md")
        assert base.render(base.fields()) is None, f"{variant.__name__}: no-op changed {src}"
        for name, edit in EDITS.items():
            path = tmp_path / "v.md"
            path.write_bytes(raw)
            if isinstance(edit, list):
                code = main(["set", str(path), *edit])
            else:
                if name == "tags" and "tags" not in base.fields():
                    continue
                code = main(["set", "--json", json.dumps(edit), str(path)])
            err = capsys.readouterr().err
            assert code == 0, f"{variant.__name__} {name} {src}: {err}"
            out = path.read_bytes()
            again = Entry.from_bytes(out, "v.md")
            fields = again.fields()
            if name == "id":
                assert fields["id"] == 123
            elif name == "title":
                assert fields["title"] == "Why: does #this work?"
            elif name == "answer-json":
                assert fields["answer"] == edit["answer"]
            elif name == "delete-related":
                assert "related_article1" not in fields
            # everything not edited is as it was
            expected = base.fields()
            if isinstance(edit, list):
                from qteditor.core.patch import assign

                expected = assign(expected, edit, base.schema)
            else:
                from qteditor.core.patch import merge

                expected = merge(expected, edit, base.schema)
            assert same(fields, expected), f"{variant.__name__} {name} {src}"
            if isinstance(edit, list):  # one field: every other line is untouched
                key = edit[0].split("=")[0]
                first, last = base.field_lines(key)
                old, new = raw.split(b"\n"), out.split(b"\n")
                assert new[: first - 1] == old[: first - 1], f"{variant.__name__} {name}"
                tail = len(old) - last
                assert new[len(new) - tail :] == old[len(old) - tail :], f"{variant.__name__} {name}"
            assert out.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
            assert (b"\r\n" in out) == (b"\r\n" in raw)
            assert out.endswith(b"\n") == raw.endswith(b"\n")
