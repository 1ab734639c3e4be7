"""What changed between two versions of an entry, in the words of its fields.

Git and Review Changes show an entry's change field by field: ``field_changes`` lists the fields
(``title``, ``seo.page_description``, ``related_article2.title``, ``body``) with their old and
new values; ``paragraphs`` splits a changed answer into its changed paragraphs with word-level
operations; ``suggest_message`` words a commit message for a set of changed entries ("Fix
related articles in 12 entries", "Edit answer: <title>"); ``textconv`` is what ``git diff``
shows of an entry (the front matter with the answer decoded into real lines). Plain Python.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .related import default_family
from .yaml import json_safe, same

_MISSING = object()
BODY = ()  # the path of the body (the text after the front matter)


@dataclass
class FieldChange:
    path: tuple  # (key, subkey…); BODY for the body
    old: Any  # None when absent (see ``kind``)
    new: Any
    kind: str = "changed"  # "changed" | "added" | "removed"

    @property
    def name(self) -> str:
        return ".".join(str(p) for p in self.path) if self.path else "body"


def field_changes(
    old: Any, new: Any, old_body: str | None = None, new_body: str | None = None
) -> list[FieldChange]:
    """The fields that differ between two versions (mappings recurse: ``seo.title``), in the
    new version's order, then removed ones; the body last when both bodies are given."""
    out: list[FieldChange] = []

    def walk(a: Any, b: Any, path: tuple) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in list(b) + [k for k in a if k not in b]:
                walk(a.get(k, _MISSING), b.get(k, _MISSING), path + (k,))
            return
        if a is _MISSING and b is _MISSING:
            return
        if a is _MISSING:
            out.append(FieldChange(path, None, b, "added"))
        elif b is _MISSING:
            out.append(FieldChange(path, a, None, "removed"))
        elif not same(a, b):
            out.append(FieldChange(path, a, b))

    walk(old if old is not None else {}, new if new is not None else {}, ())
    if old_body is not None and new_body is not None and old_body != new_body:
        out.append(FieldChange(BODY, old_body, new_body))
    return out


def changed_names(changes: list[FieldChange]) -> list[str]:
    return [c.name for c in changes]


# ---------------------------------------------------------------------------- paragraphs, words
_WORD = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class ParagraphChange:
    kind: str  # "changed" | "added" | "removed"
    old: str
    new: str
    at: int  # index of the paragraph in the new text (in the old one when removed)
    words: list[tuple[str, str]] = field(default_factory=list)  # (op, text): "=", "-", "+"


def words(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level operations turning ``old`` into ``new``: ("=", text), ("-", text), ("+", text)."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", "".join(b[j1:j2])))
    return ops


def paragraphs(old: str, new: str) -> list[ParagraphChange]:
    """The changed paragraphs (lines of the decoded text) of a text field, each changed one
    with its word-level operations."""
    a, b = (old or "").split("\n"), (new or "").split("\n")
    out: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        pairs = min(len(olds), len(news)) if tag == "replace" else 0
        for k in range(pairs):
            out.append(ParagraphChange("changed", olds[k], news[k], j1 + k, words(olds[k], news[k])))
        for k in range(pairs, len(news)):
            if news[k].strip():
                out.append(ParagraphChange("added", "", news[k], j1 + k, [("+", news[k])]))
        for k in range(pairs, len(olds)):
            if olds[k].strip():
                out.append(ParagraphChange("removed", olds[k], "", i1 + k, [("-", olds[k])]))
    return out


# ---------------------------------------------------------------------------- words for people
_ACRONYM = re.compile(r"^[A-Z]{2,}")


def family_of(key: Any, schema: Any = None) -> str | None:
    """The repeated field a numbered key belongs to (``related_article3`` -> related_article)."""
    if not isinstance(key, str):
        return None
    m = re.match(r"^(.+?)(\d+)$", key)
    if not m:
        return None
    if schema is not None:
        f = schema.field(m.group(1))
        return m.group(1) if f is not None and f.repeat else None
    return m.group(1) if m.group(1) == default_family().prefix else None


def label(path: tuple, schema: Any = None) -> str:
    """A field as a person names it: "answer", "page description", "related articles"."""
    if not path:
        return "body"
    fam = family_of(path[0], schema)
    if fam is not None:
        f = schema.field(fam) if schema is not None else None
        name = f.label if f is not None else fam.replace("_", " ")
        return _lower(name) + "s"
    f = schema.field(tuple(str(p) for p in path)) if schema is not None else None
    text = f.label if f is not None else str(path[-1]).replace("_", " ")
    return _lower(text)


def _lower(text: str) -> str:
    return text if _ACRONYM.match(text) else text[:1].lower() + text[1:]


def short(value: Any, width: int = 60) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else str(json_safe(value))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(change: FieldChange, schema: Any = None) -> str:
    """One line: ``title: old → new``; ``answer: 2 paragraphs changed``; ``seo.title added``."""
    name = change.name
    if change.kind == "added":
        return f"{name}: added ({short(change.new)})"
    if change.kind == "removed":
        return f"{name}: removed"
    if (
        isinstance(change.old, str)
        and isinstance(change.new, str)
        and ("\n" in change.old or "\n" in change.new)
    ):
        n = len(paragraphs(change.old, change.new))
        return f"{name}: {n} paragraph{'s' if n != 1 else ''} changed"
    return f"{name}: {short(change.old, 40)} → {short(change.new, 40)}"


_FIX_GROUPS = ("related", "seo", "slugs", "taxonomy")  # metadata: a change there is a fix


@dataclass
class EntryChange:
    """One changed entry as a commit message sees it."""

    path: str
    state: str  # status state: modified, staged, new, untracked, deleted, conflicted
    title: str | None
    fields: list[tuple]  # paths of the changed fields


def _groups(fields: list[tuple], schema: Any) -> list[str]:
    out: list[str] = []
    for p in fields:
        name = label(p[:1] if family_of(p[0] if p else None, schema) else p[:2], schema) if p else "body"
        if p and p[0] == "seo" and len(p) == 1:
            name = "SEO"
        if name not in out:
            out.append(name)
    return out


def _is_fix(fields: list[tuple], schema: Any) -> bool:
    for p in fields:
        if not p:
            return False
        fam = family_of(p[0], schema)
        f = schema.field(fam or str(p[0])) if schema is not None else None
        group = f.group if f is not None else ("related" if fam else None)
        if group not in _FIX_GROUPS:
            return False
    return bool(fields)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def suggest_message(changes: list[EntryChange], schema: Any = None) -> str:
    """A commit message for these changed entries: "Edit answer: <title>", "Fix related
    articles in 12 entries", "Add entry: <title>", "Edit 5 entries"."""
    if schema is None:
        from .schema import default_schema

        schema = default_schema()
    if not changes:
        return ""
    added = [c for c in changes if c.state in ("new", "untracked")]
    removed = [c for c in changes if c.state == "deleted"]
    edited = [c for c in changes if c not in added and c not in removed]
    if len(changes) == 1:
        c = changes[0]
        title = short(c.title or c.path.rsplit("/", 1)[-1], 72)
        if added:
            return f"Add entry: {title}"
        if removed:
            return f"Delete entry: {title}"
        groups = _groups(c.fields, schema)
        verb = "Fix" if _is_fix(c.fields, schema) else "Edit"
        if not groups:
            return f"Edit {title}"
        if len(groups) <= 2:
            return f"{verb} {_and(groups)}: {title}"
        return f"Edit {title}"
    if edited and not added and not removed:
        groups = _groups([p for c in edited for p in c.fields], schema)
        if len(groups) in (1, 2):
            verb = "Fix" if all(_is_fix(c.fields, schema) for c in edited) else "Edit"
            return f"{verb} {_and(groups)} in {len(edited)} entries"
        return f"Edit {len(edited)} entries"
    parts = []
    if added:
        parts.append(f"add {len(added)} entr{'ies' if len(added) != 1 else 'y'}")
    if edited:
        parts.append(f"edit {len(edited)}")
    if removed:
        parts.append(f"delete {len(removed)}")
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------------- textconv
def textconv(raw: bytes, path: str | None = None) -> bytes:
    """What ``git diff`` shows of an entry: the file as it is, with each text field stored with
    ``\\n`` pairs (the answer) written as a block of its real lines, so an edit of one
    paragraph shows that paragraph. A file that is not an entry is shown as it is."""
    from .entry import Entry
    from .errors import QtEditorError

    try:
        entry = Entry.from_bytes(raw, path)
    except QtEditorError:
        return raw
    data = entry.data
    if not isinstance(data, dict) or not entry.conventions:
        return raw
    fields = entry.fields()
    lines = entry.doc.yaml.splitlines(keepends=True)
    nl = entry.doc.newline
    spans = []
    for key in entry.conventions:
        value = fields.get(key)
        if not isinstance(value, str):
            continue
        span = entry.field_lines(key)
        if span is None:
            continue
        first, last = (n - entry.doc.yaml_first_line for n in span)
        indent = len(lines[first]) - len(lines[first].lstrip(" "))
        pad = " " * (indent + 4)
        shown = [" " * indent + f"{key}: |-{nl}"]
        shown += [(pad + line if line else "") + nl for line in value.split("\n")]
        spans.append((first, last, shown))
    for first, last, shown in sorted(spans, reverse=True):
        lines[first : last + 1] = shown
    doc = entry.doc.with_yaml("".join(lines))
    return doc.text().encode("utf-8")
