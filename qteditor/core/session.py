"""An editing session on one entry: the fields being edited, the derived fields, dirty state.

Plain Python, so the window's behaviour (slugs following the title of a new entry, locked
permalinks of an existing one, linked title fields) is tested without a display.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from . import slugs
from .entry import Entry
from .related import set_related
from .schema import Schema, default_schema
from .yaml import same, unshare

LINKED_TITLES = ("title", "article_title", "question")


class EditSession:
    """Fields of one entry as the user edits them, and the rules that tie fields together."""

    def __init__(self, entry: Entry, is_new: bool = False, slug_rule: str = slugs.COLLECTION,
                 collection: Path | None = None):
        self.entry = entry
        self.is_new = is_new
        self.slug_rule = slug_rule
        self.collection = collection
        fields = entry.fields()  # a decoded copy: made once
        self.fields: dict = fields if isinstance(fields, dict) else {}
        self.saved_fields: dict = unshare(self.fields)
        self.body = entry.body
        self.locked = not is_new  # a published URL is a permalink
        self.titles_linked = self._titles_equal()

    # ------------------------------------------------------------------ creation
    @classmethod
    def open(cls, path: str | Path, collection: Path | None = None,
             slug_rule: str = slugs.COLLECTION) -> EditSession:
        return cls(Entry.load(path), False, slug_rule, collection)

    @classmethod
    def new(cls, schema: Schema | None = None, collection: Path | None = None,
            next_id: int | None = None, defaults: dict | None = None,
            slug_rule: str = slugs.COLLECTION, today: dt.date | None = None) -> EditSession:
        """A new entry from the schema's template: today's date, the next free id."""
        schema = schema or default_schema()
        template = schema.template_path()
        entry = Entry.from_bytes(template.read_bytes(), None, schema)
        session = cls(entry, True, slug_rule, collection)
        fields = session.fields
        fields["date"] = today or dt.date.today()
        if next_id is not None:
            fields["id"] = next_id
        for key, value in (defaults or {}).items():
            fields[key] = value
        session.titles_linked = True
        session.apply_derivations()
        session.saved_fields = unshare(fields)  # a new, untouched entry is not dirty
        return session

    # ------------------------------------------------------------------ state
    @property
    def path(self) -> str | None:
        return self.entry.path

    @property
    def dirty(self) -> bool:
        return not same(self.fields, self.saved_fields) or self.body != self.entry.body

    def _titles_equal(self) -> bool:
        values = [self.fields.get(k) for k in LINKED_TITLES if k in self.fields]
        return len(values) > 1 and all(v == values[0] for v in values)

    # ------------------------------------------------------------------ editing
    def get(self, path: tuple | str) -> Any:
        value: Any = self.fields
        for key in (path.split(".") if isinstance(path, str) else path):
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def set(self, path: tuple | str, value: Any) -> list[tuple]:
        """Set a field (``None`` removes it); returns every path that changed with it."""
        path = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
        holder = self.fields
        for key in path[:-1]:
            holder = holder.setdefault(key, {})
        if value is None:
            holder.pop(path[-1], None)
        else:
            holder[path[-1]] = value
        changed = [path]
        if path[0] in LINKED_TITLES and len(path) == 1 and self.titles_linked:
            for other in LINKED_TITLES:
                if other != path[0] and (other in self.fields or self.is_new):
                    if self.fields.get(other) != value:
                        self.fields[other] = value
                        changed.append((other,))
        if path in (("title",), ("subject",)) or (path[0] in LINKED_TITLES and self.titles_linked):
            changed += self.apply_derivations()
        return changed

    def set_related(self, items: list[dict]) -> list[tuple]:
        """Make ``items`` the related articles; returns the other paths that changed with them
        (the site's files carry a score whenever they list related articles)."""
        set_related(self.fields, items)
        if items and "score" not in self.fields:
            self.fields["score"] = -1.0
            return [("score",)]
        return []

    def apply_fix(self, fix: dict) -> None:
        """Apply a problem's fix (a field patch) to the fields being edited."""
        from .fixes import apply_patch

        self.fields = apply_patch(self.fields, fix, self.entry.schema)

    def derived(self) -> dict:
        title = str(self.fields.get("title") or "")
        subject = str(self.fields.get("subject") or "")
        return slugs.derived(title, subject, self.slug_rule)

    def apply_derivations(self) -> list[tuple]:
        """Make file_name, url and seo.title follow title and subject — unless locked."""
        if self.locked:
            return []
        changed = []
        d = self.derived()
        for key in ("file_name", "url"):
            if self.fields.get(key) != d[key]:
                self.fields[key] = d[key]
                changed.append((key,))
        seo = self.fields.setdefault("seo", {})
        if isinstance(seo, dict) and seo.get("title") != d["seo"]["title"]:
            seo["title"] = d["seo"]["title"]
            changed.append(("seo", "title"))
        return changed

    def regeneration(self) -> dict:
        """What "Regenerate from title" would change: old and new file name, url, seo title."""
        d = self.derived()
        return {
            "file_name": (self.fields.get("file_name"), d["file_name"]),
            "url": (self.fields.get("url"), d["url"]),
            "seo.title": (self.get("seo.title"), d["seo"]["title"]),
        }

    def regenerate(self) -> list[tuple]:
        was = self.locked
        self.locked = False
        try:
            return self.apply_derivations()
        finally:
            self.locked = was

    # ------------------------------------------------------------------ saving
    def default_path(self) -> Path | None:
        """Where a new entry goes in its collection: <collection>/<subject-slug>/<file_name>."""
        if self.collection is None or not self.fields.get("file_name"):
            return None
        subject = slugs.subject_slug(str(self.fields.get("subject") or "")) or "unsorted"
        name = str(self.fields["file_name"])
        if not re.fullmatch(r"[^/\\]+\.md", name):
            return None
        return self.collection / subject / name

    def render(self) -> bytes | None:
        rendered = self.entry.render(self.fields, self.body)
        return None if rendered is None else rendered[0]

    def current_bytes(self) -> bytes:
        rendered = self.render()
        return self.entry.raw if rendered is None else rendered

    def save(self, path: str | Path | None = None, force: bool = False) -> bool:
        """Write through the core writer (atomic, verified). True when bytes were written.
        ``force`` writes a read-only or hard-linked file (storage.ReadOnlyError otherwise)."""
        target = str(path) if path is not None else self.entry.path
        if target is None:
            raise ValueError("this entry has no file yet: choose where to save it")
        if self.entry.path is None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            rendered = self.entry.render(self.fields, self.body)
            raw = rendered[0] if rendered else self.entry.raw
            from . import storage

            # refused under the file's lock when a file of that name exists (never replaced)
            storage.write_atomic(target, raw, new_file=True)
            self.entry = Entry.from_bytes(raw, target, self.entry.schema)
            written = True
        else:
            written = self.entry.save(self.fields, self.body, target, force=force)
        self.saved_fields = unshare(self.fields)
        self.body = self.entry.body
        if self.is_new:
            self.is_new = False
            self.locked = True
        return written

    def revert(self) -> None:
        path = self.entry.path
        self.reload(Entry.load(path, self.entry.schema) if path is not None else self.entry)

    def reload(self, entry: Entry, merged: dict | None = None) -> None:
        """Follow a version of the file: it becomes the saved state, shown as it is, or with
        ``merged`` edits (and this session's body) still unsaved on top of it."""
        self.entry = entry
        self.saved_fields = entry.fields()
        if merged is None:
            self.fields = unshare(self.saved_fields)
            self.body = entry.body
        else:
            self.fields = merged


def next_free_id(folder: Path) -> int:
    """One more than the largest id in a collection (a quick scan of ``id:`` lines)."""
    pattern = re.compile(rb"^id:\s*(-?\d+)\s*$", re.M)
    best = 0
    for path in folder.rglob("*.md"):
        try:
            with open(path, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            continue
        m = pattern.search(head)
        if m:
            best = max(best, int(m.group(1)))
    return best + 1
