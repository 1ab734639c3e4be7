from __future__ import annotations

from qteditor.core.entry import Entry
from qteditor.core.yaml import same


def entry_of(text: str) -> Entry:
    return Entry.from_bytes(text.encode("utf-8"), "test.md")


def edit(text: str, change) -> str:
    """Apply ``change(fields)`` to an entry text; return the new text (checked to read back)."""
    entry = entry_of(text)
    fields = entry.fields()
    change(fields)
    rendered = entry.render(fields)
    assert rendered is not None, "the change wrote nothing"
    out = rendered[0].decode("utf-8")
    assert same(entry_of(out).fields(), fields), "the written file does not read back"
    return out
