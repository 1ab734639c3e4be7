"""An editing session on one entry: the fields being edited, the derived fields, dirty state.

Plain Python, so the window's behaviour (slugs following the title of a new entry, locked
permalinks of an existing one, linked title fields) is tested without a display.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from . import codec, slugs
from .entry import Entry
from .related import family_of, set_related
from .schema import Schema, default_schema
from .site import site_for
from .yaml import same, unshare


class EditSession:
    """Fields of one entry as the user edits them, and the rules that tie fields together —
    the schema's (``site.py``): fields derived from others follow them in a new entry (an
    existing entry's are a permalink, locked), linked fields (title, article_title, question)
    stay equal unless edited separately. Its state changes through its methods."""

    def __init__(
        self,
        entry: Entry,
        is_new: bool = False,
        slug_rule: str = slugs.COLLECTION,
        collection: Path | None = None,
    ):
        self.entry = entry
        self.is_new = is_new
        self.collection = collection
        self.site = site_for(entry.schema, slug_rule)
        fields = entry.fields()  # a decoded copy: made once
        self.fields: dict = fields if isinstance(fields, dict) else {}
        self.saved_fields: dict = unshare(self.fields)
        self.body = entry.body
        self.locked = not is_new  # a published URL is a permalink
        self.titles_linked = self._linked_equal()

    # ------------------------------------------------------------------ creation
    @classmethod
    def open(
        cls,
        path: str | Path,
        collection: Path | None = None,
        slug_rule: str = slugs.COLLECTION,
        schema: Schema | None = None,
    ) -> EditSession:
        return cls(Entry.load(path, schema), False, slug_rule, collection)

    @classmethod
    def new(
        cls,
        schema: Schema | None = None,
        collection: Path | None = None,
        next_id: int | None = None,
        defaults: dict | None = None,
        slug_rule: str = slugs.COLLECTION,
        today: dt.date | None = None,
    ) -> EditSession:
        """A new entry from the schema's template, with the schema's defaults (a date field
        defaulting to today gets today) and the next free id."""
        schema = schema or default_schema()
        template = schema.template_path()
        raw = template.read_bytes() if template is not None else b"---\n---\n"
        entry = Entry.from_bytes(raw, None, schema)
        session = cls(entry, True, slug_rule, collection)
        fields = session.fields
        for f in schema.fields:
            if "." in f.key or f.repeat:
                continue
            if f.default == "today" and f.type == "date":
                fields[f.key] = today or dt.date.today()
            elif f.key not in fields and f.default is not None:
                fields[f.key] = f.default
        if next_id is not None and schema.field("id") is not None:
            fields["id"] = next_id
        for key, value in (defaults or {}).items():
            fields[key] = value
        session.titles_linked = True
        session.apply_derivations()
        session.mark_saved()  # a new, untouched entry is not dirty
        return session

    # ------------------------------------------------------------------ state
    @property
    def path(self) -> str | None:
        return self.entry.path

    @property
    def slug_rule(self) -> str:
        return self.site.slug_rule

    @slug_rule.setter
    def slug_rule(self, rule: str) -> None:
        self.site = site_for(self.entry.schema, rule)

    @property
    def dirty(self) -> bool:
        return not same(self.fields, self.saved_fields) or self.body != self.entry.body

    def mark_saved(self) -> None:
        """What is shown now is what is on disk (after a save, or a write done for it)."""
        self.saved_fields = unshare(self.fields)
        self.body = self.entry.body if self.entry.path is not None else self.body

    def discard_changes(self) -> None:
        """Forget the unsaved edits (closing without saving): nothing left to ask about."""
        self.fields = unshare(self.saved_fields)
        self.body = self.entry.body

    def set_locked(self, locked: bool) -> list[tuple]:
        """Lock or unlock the permalink; unlocked, the derived fields follow again (returns
        the paths that changed)."""
        self.locked = locked
        return [] if locked else self.apply_derivations()

    def set_titles_linked(self, linked: bool) -> None:
        self.titles_linked = linked

    def _linked_equal(self) -> bool:
        values = [self.fields.get(k) for k in self.site.linked if k in self.fields]
        return len(values) > 1 and all(v == values[0] for v in values)

    # ------------------------------------------------------------------ editing
    def get(self, path: tuple | str) -> Any:
        value: Any = self.fields
        for key in path.split(".") if isinstance(path, str) else path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def _put(self, path: tuple, value: Any) -> None:
        holder = self.fields
        for key in path[:-1]:
            nxt = holder.get(key)
            if not isinstance(nxt, dict):
                nxt = holder[key] = {}
            holder = nxt
        if value is None:
            holder.pop(path[-1], None)
        else:
            holder[path[-1]] = value

    def set(self, path: tuple | str, value: Any) -> list[tuple]:
        """Set a field (``None`` removes it); returns every path that changed with it."""
        path = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
        self._put(path, value)
        changed = [path]
        linked = self.site.linked
        if len(path) == 1 and path[0] in linked and self.titles_linked:
            for other in linked:
                if other != path[0] and (other in self.fields or self.is_new):
                    if self.fields.get(other) != value:
                        self.fields[other] = value
                        changed.append((other,))
        if self._sources(path):
            changed += self.apply_derivations()
        return changed

    def _sources(self, path: tuple) -> bool:
        """Whether a derived field is made from this one."""
        dotted = ".".join(path)
        return any(
            "{" + dotted + "}" in d.template or f"({dotted})" in d.template for d in self.site.derived
        ) or (
            len(path) == 1
            and path[0] in self.site.linked
            and self.titles_linked
            and any(
                "{" + self.site.linked[0] + "}" in d.template or f"({self.site.linked[0]})" in d.template
                for d in self.site.derived
            )
        )

    def set_related(self, items: list[dict]) -> list[tuple]:
        """Make ``items`` the related articles; returns the other paths that changed with them
        (the site's files carry a score whenever they list related articles; the score they
        brought goes with the last of them, when the file has none and it was not changed)."""
        set_related(self.fields, items, family_of(self.entry.schema))
        if items and "score" not in self.fields and self.entry.schema.field("score") is not None:
            self.fields["score"] = -1.0
            return [("score",)]
        if not items and "score" not in self.saved_fields and self.fields.get("score") == -1.0:
            del self.fields["score"]  # (an undo of the first article leaves the entry as it was)
            return [("score",)]
        return []

    def apply_patch(self, patch: dict) -> None:
        """Apply a field patch (a problem's fix, a merge's result) to the fields being edited,
        each value in its field's type, related articles numbered again after a removal."""
        from .fixes import apply_patch

        self.fields = apply_patch(self.fields, patch, self.entry.schema)

    apply_fix = apply_patch

    def recover_from(self, fields: dict, body: str, is_new: bool = False) -> None:
        """Show recovered edits (unsaved) over what is on disk; a new entry never saved has
        nothing saved to compare with."""
        self.fields = unshare(fields)
        self.body = body
        if is_new:
            self.is_new = True
            self.locked = False
            self.saved_fields = {}

    def ambiguities(self) -> dict[str, list[codec.Ambiguity]]:
        """The ambiguous ``\\n`` spots of the codec fields as they would be stored now (one
        policy: each field's own line-break convention, as the checks and the editor see it)."""
        out = {}
        for key, conv in self.entry.conventions.items():
            value = self.fields.get(key)
            if isinstance(value, str):
                spots = codec.text_ambiguities(value, conv)
                if spots:
                    out[key] = spots
        return out

    # ------------------------------------------------------------------ the text
    @property
    def text_field(self) -> str | None:
        """The field the text editor edits (the schema's Markdown field), or None: the body."""
        return self.entry.schema.text_field

    def text(self) -> str:
        """The Markdown text being edited: the schema's Markdown field, or the file's body."""
        key = self.text_field
        if key is None:
            return self.body
        value = self.fields.get(key)
        return value if isinstance(value, str) else ""

    def set_text(self, text: str) -> list[tuple]:
        """Edit the Markdown text (real line breaks, as the editor shows them); returns the
        field paths that changed (none for the body). The body keeps the file's line breaks,
        and is left as it is when only its line breaks differ from ``text``."""
        key = self.text_field
        if key is not None:
            return self.set((key,), text)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text != self.body.replace("\r\n", "\n").replace("\r", "\n"):
            newline = self.entry.doc.newline
            self.body = text if newline == "\n" else text.replace("\n", newline)
        return []

    def text_convention(self) -> str | None:
        """How the text's line breaks are stored (``codec.ESCAPED`` or ``codec.REAL``: the
        file's own for its field), or None when nothing is encoded (the body, a plain field)."""
        key = self.text_field
        return None if key is None else self.entry.conventions.get(key)

    def text_ambiguities(self) -> list[codec.Ambiguity]:
        """The ambiguous spots of the text as it would be stored now (see ``ambiguities``)."""
        return codec.text_ambiguities(self.text(), self.text_convention())

    def problems(self, context: Any = None, rel: str | None = None, slug_rule: str | None = None) -> list:
        """The entry's problems as it is now (saved or not), against ``context`` (the
        collection's ``checks.Context``; None: the entry alone, with its schema and
        ``slug_rule``, by default the session's); ``rel`` is where it is, or would be (None:
        ``lone_path``). ``Workspace.problems_of`` picks the context and the path."""
        from .checks import Draft, build_context, check_record
        from .errors import QtEditorError
        from .yaml import json_safe

        if context is None:
            context = build_context([], self.entry.schema, slug_rule or self.slug_rule, lone=True)
        if rel is None:
            rel = self.lone_path()
        try:
            data = json_safe(self.entry.encode(self.fields))
        except QtEditorError:  # text that cannot be stored as it stands: the save says why
            return []
        return check_record(Draft(rel, data), context)

    def lone_path(self) -> str:
        """Where the entry is, checked alone: its folder's name and its file name (a new entry:
        the file name it would get, or ``new.md``)."""
        if self.path:
            name, folder = Path(self.path).name, Path(self.path).parent.name
        else:
            name, folder = str(self.fields.get("file_name") or "new.md"), ""
        return f"{folder}/{name}" if folder else name

    def merge_from_disk(self, theirs: Entry) -> list:
        """Follow a version written by someone else: shown as it is when there are no edits
        here, else the edits merged onto it field by field (the answer line by line). Returns
        the conflicts (fields both changed differently; ours kept until chosen)."""
        if not self.dirty:
            self.reload(theirs)
            return []
        from .merge import merge_fields

        merged, conflicts = merge_fields(self.entry.fields(), self.fields, theirs.fields())
        self.reload(theirs, merged)
        return conflicts

    @classmethod
    def recovered(
        cls, entry: Entry, slug_rule: str = slugs.COLLECTION, collection: Path | None = None
    ) -> EditSession:
        """Journaled edits of an entry whose file is gone (or never was): a new, unsaved entry."""
        fresh = entry.copy(None)
        session = cls(fresh, True, slug_rule, collection)
        session.saved_fields = {}
        return session

    def derived(self) -> dict[str, str]:
        """The derived fields' values (dotted key -> value) as the schema's templates give them."""
        return self.site.derive(self.fields)

    def apply_derivations(self) -> list[tuple]:
        """Make the derived fields follow their sources — unless the permalink is locked."""
        if self.locked:
            return []
        changed = []
        for key, value in self.derived().items():
            path = tuple(key.split("."))
            if self.get(path) != value:
                self._put(path, value)
                changed.append(path)
        return changed

    def regeneration(self) -> dict:
        """What "Regenerate from title" would change: each derived field's old and new value."""
        return {key: (self.get(key), value) for key, value in self.derived().items()}

    def regenerate(self) -> list[tuple]:
        was = self.locked
        self.locked = False
        try:
            return self.apply_derivations()
        finally:
            self.locked = was

    # ------------------------------------------------------------------ saving
    def default_path(self) -> Path | None:
        """Where a new entry goes in its collection (the schema's path layout)."""
        if self.collection is None:
            return None
        rel = self.site.path_for(self.fields)
        if rel is None:
            name = self.fields.get(self.site.name_field or "file_name")
            if not isinstance(name, str) or not name:
                return None
            rel = f"unsorted/{name}"
        if not re.fullmatch(r"(?:[^/\\]+/)*[^/\\]+\.md", rel) or ".." in rel.split("/"):
            return None
        return self.collection / rel

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
