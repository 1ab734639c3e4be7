"""Edits the way each writer of the site's repository makes them: the desktop (qteditor's writer,
a minimal diff) and the web CMS (the front matter loaded and dumped again by ruamel.yaml at
width 80, which re-wraps folded text and re-indents everything)."""

from __future__ import annotations

import io
from collections.abc import Callable

from ruamel.yaml import YAML

from qteditor.core.document import split
from qteditor.core.entry import Entry


def desktop(raw: bytes, change: Callable[[dict], None]) -> bytes:
    """``change(fields)`` (the answer decoded) written by the core writer."""
    entry = Entry.from_bytes(raw, "entry.md")
    fields = entry.fields()
    change(fields)
    rendered = entry.render(fields)
    return raw if rendered is None else rendered[0]


def cms(raw: bytes, change: Callable[[dict], None] | None = None) -> bytes:
    """The CMS's save: ``change(data)`` on the stored data (the answer with its ``\\n`` pairs),
    then the whole front matter dumped again with ruamel.yaml at width 80."""
    doc = split(raw)
    yaml = YAML()
    yaml.width = 80
    yaml.preserve_quotes = True
    data = yaml.load(doc.yaml)
    if change is not None:
        change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    return (doc.opener + out.getvalue() + doc.closer + doc.body).encode("utf-8")


def expected(ours: bytes, change: Callable[[dict], None]) -> bytes:
    """What a right merge writes: OURS with the other side's change made by the core writer."""
    return desktop(ours, change)


def fields_of(raw: bytes) -> dict:
    return Entry.from_bytes(raw, "entry.md").fields()


def paragraphs(fields: dict) -> list[int]:
    """Indexes of the answer's non-empty lines."""
    return [i for i, line in enumerate(fields["answer"].split("\n")) if line.strip()]


def edit_paragraph(fields: dict, index: int, text: str) -> None:
    lines = fields["answer"].split("\n")
    lines[index] = lines[index] + text
    fields["answer"] = "\n".join(lines)


def renumber(fields: dict, family: str = "related_article") -> None:
    """Number a family's keys 1..N again in their order (after one was removed)."""
    keys = [k for k in fields if k.startswith(family) and k[len(family) :].isdigit()]
    items = [fields.pop(k) for k in keys]
    for n, item in enumerate(items, start=1):
        fields[f"{family}{n}"] = item
