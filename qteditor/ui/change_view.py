"""An entry's change in the words of its fields: ``title: old → new``; a text field (the
answer) as its changed paragraphs, the changed words marked. Review Changes and the git
history show the same view (the computation is ``core/changes.py``)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from ..core import changes

_DEL = "background:#ffd7d5;color:#82071e;text-decoration:line-through;"
_INS = "background:#ccffd8;color:#055d20;"
_MUTED = "color:palette(placeholder-text);"


def _value(value: Any) -> str:
    if value is None:
        return f'<span style="{_MUTED}">(none)</span>'
    return escape(changes.short(value, 120))


def _paragraph_html(p: changes.ParagraphChange) -> str:
    parts = []
    for op, text in p.words:
        if op == "=":
            parts.append(escape(text))
        elif op == "-":
            parts.append(f'<span style="{_DEL}">{escape(text)}</span>')
        else:
            parts.append(f'<span style="{_INS}">{escape(text)}</span>')
    what = {"changed": "changed", "added": "new paragraph", "removed": "removed paragraph"}[p.kind]
    return (
        f'<p style="margin:4px 0 8px 12px;"><span style="{_MUTED}">¶ {p.at + 1}, {what}'
        f"</span><br>{''.join(parts)}</p>"
    )


def _alike(old: str, new: str) -> bool:
    """Whether two values share enough words for word-level marks to read well (a title
    rewritten from scratch reads better as old → new)."""
    kept = sum(len(t) for op, t in changes.words(old, new) if op == "=" and t.strip())
    return kept >= 0.4 * max(len(old.strip()), len(new.strip()), 1)


def changes_html(
    old_fields: dict,
    new_fields: dict,
    old_body: str | None = None,
    new_body: str | None = None,
    schema: Any = None,
) -> str:
    """The change between two versions of an entry, as HTML for a QTextBrowser."""
    found = changes.field_changes(old_fields, new_fields, old_body, new_body)
    if not found:
        return f'<p style="{_MUTED}">No field changes.</p>'
    out = []
    for c in found:
        name = escape(changes.label(c.path, schema) if c.path else "Body")
        key = escape(c.name)
        head = f'<p style="margin:8px 0 2px 0;"><b>{name}</b> <span style="{_MUTED}">{key}</span>'
        multiline = any(isinstance(v, str) and "\n" in v for v in (c.old, c.new))
        if multiline and isinstance(c.old or "", str) and isinstance(c.new or "", str):
            paras = changes.paragraphs(c.old or "", c.new or "")
            out.append(head + f' <span style="{_MUTED}">— {len(paras)} paragraph(s)</span></p>')
            out.extend(_paragraph_html(p) for p in paras)
        elif c.kind == "added":
            out.append(head + f'<br><span style="{_INS}">{_value(c.new)}</span> (added)</p>')
        elif c.kind == "removed":
            out.append(head + f'<br><span style="{_DEL}">{_value(c.old)}</span> (removed)</p>')
        elif isinstance(c.old, str) and isinstance(c.new, str) and _alike(c.old, c.new):
            words = changes.words(c.old, c.new)
            marked = "".join(
                escape(t) if op == "=" else f'<span style="{_DEL if op == "-" else _INS}">{escape(t)}</span>'
                for op, t in words
            )
            out.append(head + f"<br>{marked}</p>")
        elif isinstance(c.old, str) and isinstance(c.new, str):  # rewritten: old → new, whole
            out.append(
                head + f'<br><span style="{_DEL}">{_value(c.old)}</span> → '
                f'<span style="{_INS}">{_value(c.new)}</span></p>'
            )
        else:
            out.append(head + f"<br>{_value(c.old)} → {_value(c.new)}</p>")
    return "".join(out)


class ChangeView(QTextBrowser):
    """Read-only view of an entry's field changes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)

    def show_change(
        self,
        old_fields: dict,
        new_fields: dict,
        old_body: str | None = None,
        new_body: str | None = None,
        schema: Any = None,
    ) -> None:
        self.setHtml(changes_html(old_fields, new_fields, old_body, new_body, schema))
