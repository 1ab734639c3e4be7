"""The application floor: a collection (or one lone file) and the operations a user does on
it — check, plan fixes, plan batch edits, apply a plan. Plain Python; the CLI and the window
are its two faces, so ``qteditor fix`` and the window's "Fix all" are one code path.

A workspace owns its root, schema, settings (``config.py``), slug rule and index. Every
operation that writes returns a ``Plan`` first (``plan.py``); ``apply`` writes it under the
files' locks, each file's change computed from its bytes at that moment.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import slugs
from .checks import Context, Problem, build_context, check
from .config import Config, load_config
from .folders import collection_for_folder, collection_of
from .plan import Applied, Plan, apply
from .schema import Schema, schema_for

if TYPE_CHECKING:  # imported when first used (start-up)
    from .collection import Collection, RowsRead
    from .rename import RenamePlan
    from .session import EditSession
    from .site import Site

SAMPLE_PAIRS = 2000  # (title, file name) pairs the slug rule is inferred from


def new_entry_fields(
    current: dict | None, folder: Path | None, index: Collection | None = None
) -> tuple[dict, int | None]:
    """What a new entry starts with besides its schema's defaults: (fields, its id). The
    subject of the entry open now (``current``), and the next free id of the collection at
    ``folder`` — from its ``index`` when that has been read (no file is read), else from the
    files' ``id:`` lines; no collection, no id."""
    from .session import next_free_id

    defaults = {}
    if current is not None and current.get("subject"):
        defaults["subject"] = current["subject"]
    if index is not None:
        return defaults, index.next_id()
    return defaults, next_free_id(folder) if folder else None


class Workspace:
    """A collection at ``root``, or the lone file ``lone`` (no collection around it)."""

    def __init__(
        self,
        root: Path | None = None,
        lone: Path | None = None,
        cache: Path | None = None,
        workers: int | None = None,
    ):
        if (root is None) == (lone is None):
            raise ValueError("a workspace is a collection root or one lone file")
        self.root = Path(root).resolve() if root is not None else None
        self.lone = Path(lone).resolve() if lone is not None else None
        self.cache = cache
        self.workers = workers
        self.schema: Schema = schema_for(self._folder / "entry.md")
        self.config: Config = load_config(self.root) if self.root is not None else Config()
        self._index: Collection | None = None
        self._records: list | None = None
        self._slug_rule: str | None = self.config.slug_rule

    @property
    def _lone_file(self) -> Path:
        """The lone file of a workspace without a root (``__init__`` takes one or the other)."""
        assert self.lone is not None  # no root: __init__ refused a workspace without a lone file
        return self.lone

    @property
    def _folder(self) -> Path:
        """The root, or the lone file's folder."""
        return self.root if self.root is not None else self._lone_file.parent

    # ------------------------------------------------------------------ opening
    @classmethod
    def for_folder(cls, folder: str | Path, **kw: Any) -> Workspace:
        return cls(collection_for_folder(folder), **kw)

    @classmethod
    def for_file(cls, path: str | Path, opened: Path | None = None, **kw: Any) -> Workspace:
        root = collection_of(path, opened)
        return cls(root, **kw) if root is not None else cls(lone=Path(path), **kw)

    @property
    def notice(self) -> str | None:
        return self._index.notice if self._index is not None else None

    def index(self) -> Collection:
        """The collection's index (opened on first use)."""
        if self._index is None:
            if self.root is None:
                raise ValueError("a lone file has no collection index")
            from .collection import Collection

            codec_keys = tuple(
                k for k, kind in self.schema.codec_fields().items() if kind == "escaped-newlines"
            )
            self._index = Collection(self.root, self.cache, self.workers, codec_keys, self.root)
        return self._index

    def searcher(self) -> Collection:
        """A second connection to the collection's index, for full-text searches on another
        thread (SQLite connections stay on theirs); the caller closes it."""
        from .collection import Collection

        index = self.index()  # (refuses a lone file)
        return Collection(index.root, self.cache, 1, index.codec_keys, index.root)

    def build_text(self) -> None:
        """Build the index's full text if it waits for that, on a connection of its own: the
        build holds its connection for seconds at 36,000 entries, and what the window asks
        of the index meanwhile (on the index's own connection) must not wait behind it. A
        private index (in memory: the cache could not be used) builds on its own."""
        index = self.index()
        if not index.text_pending():
            return
        if str(index.db_path) == ":memory:":
            index.ensure_text()
            return
        builder = self.searcher()
        try:
            builder.ensure_text()
        finally:
            builder.close()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    def rel(self, path: str | Path) -> str | None:
        """A file's path as the index keys it (relative to the root, with "/")."""
        if self.root is None:
            return None
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return None

    def refresh(
        self, progress: Callable[[int, int], None] | None = None, rows: RowsRead | None = None
    ) -> None:
        """Read what changed on disk into the index (checks and browsing need no full text);
        ``rows`` is given each chunk of rows read (``Collection.refresh``)."""
        self._records = None
        if self.root is not None:
            index = self.index()
            before = index.generation()
            index.refresh(progress, text=False, rows=rows)
            if index.generation() != before and self.config.slug_rule is None:
                self._slug_rule = None  # the files changed: their rule is inferred again

    def records(self) -> list:
        if self._records is None:
            if self.root is None:
                from .collection import Record, read_entry_lines

                data, error, lines = read_entry_lines(str(self._lone_file))
                self._records = [Record(self._lone_file.name, data, error, tuple(lines))]
            else:
                self._records = self.index().records()
        return self._records

    # ------------------------------------------------------------------ conventions
    @property
    def slug_rule(self) -> str:
        """The collection's slug rule: its settings' choice, else the one its files follow."""
        if self._slug_rule is None:
            key = None
            if self.root is not None:  # inferred once per generation of the index
                index = self.index()
                key = f"slug-rule|{index.generation()}"
                known = index.cached(key)
                if known is not None and known.decode() in slugs.RULES:
                    self._slug_rule = known.decode()
                    return self._slug_rule
            pairs = []
            if self.root is not None:
                for path, title in self.index().titles(SAMPLE_PAIRS):
                    name = path.rsplit("/", 1)[-1]
                    pairs.append((title, name[:-3] if name.endswith(".md") else name))
            self._slug_rule = slugs.infer_rule(pairs) if pairs else self.schema.slug_rule
            if self._slug_rule not in slugs.RULES:
                self._slug_rule = slugs.COLLECTION
            if key is not None:
                self.index().store(key, self._slug_rule.encode(), kind="slug-rule|")
        return self._slug_rule

    def context(self) -> Context:
        return build_context(
            self.records(), self.schema, self.slug_rule, self.config.severities, lone=self.root is None
        )

    # ------------------------------------------------------------------ operations
    def count(self) -> int:
        """How many entries the collection has (1 for a lone file)."""
        return self.index().count() if self.root is not None else 1

    def paths(self) -> list[str]:
        return self.index().paths() if self.root is not None else [self._lone_file.name]

    def check(self, only: set[str] | None = None, context: Context | None = None) -> list[Problem]:
        """The problems of the collection (or of the files in ``only``), each with its line and
        the file it is in. The collection's result is kept in the index for its generation
        (with this slug rule and these severities): a check of an unchanged collection loads it."""
        base = str(self._folder) + os.sep
        problems = None
        key = None
        if self.root is not None and context is None:
            import json

            index = self.index()
            key = (
                f"check|{index.generation()}|{self.slug_rule}|"
                f"{json.dumps(self.config.severities, sort_keys=True)}"
            )
            blob = index.cached(key)
            if blob is not None:
                problems = _stored_problems(blob)
        if problems is None:
            problems = check(self.records(), context=context or self.context())
            for p in problems:
                if p.line is None:
                    p.line = 1
            if key is not None:
                self.index().store(key, _stored_blob(problems), kind="check|")
        if only is not None:
            problems = [p for p in problems if p.path in only]
        for p in problems:
            p.file = base + p.path
        return problems

    def new_entry_fields(self, current: dict | None, listed: bool = True) -> tuple[dict, int | None]:
        """A new entry's first fields and id in this collection (``new_entry_fields``): the id
        from the index once it is ``listed`` (read at least once), else from the files."""
        index = self.index() if listed and self.root is not None else None
        return new_entry_fields(current, self.root, index)

    def contains(self, session: EditSession) -> bool:
        """Whether an editing session's entry is in this collection (a new entry: made in a
        collection); a lone file's workspace contains none."""
        if self.root is None:
            return False
        if session.path is None:
            return session.collection is not None
        return self.rel(session.path) is not None

    def problems_of(
        self, session: EditSession, context: Context | None = None, slug_rule: str | None = None
    ) -> list[Problem]:
        """An entry's problems as it is now in the editor (saved or not): against the
        collection's ``context`` (the one its last check built: none is built here) when the
        entry is in the collection, else alone (``slug_rule``, by default the session's)."""
        inside = self.contains(session)
        rel = self.rel(session.path) if inside and session.path else None
        return session.problems(context if inside else None, rel, slug_rule)

    def plan_fix_all(
        self,
        rules: set[str] | None = None,
        only: set[str] | None = None,
        shown: Callable[[str], str] | None = None,
    ) -> Plan:
        """The fixes of ``rules`` (the default fixable ones when None) for the collection, or for
        the files in ``only``, read from disk and computed together (``fixes.FixPlanner``)."""
        from .fixes import FixPlanner

        root = self._folder
        planner = FixPlanner(
            root,
            self.records(),
            self.schema,
            self.slug_rule,
            self.config.severities,
            rules,
            only,
            shown,
            problems=self.check(only) if self.root is not None else None,  # (kept per generation)
            lone=self.root is None,
        )
        return planner.plan()

    def plan_batch(self, assignments: list[str], files: list[Path]) -> Plan:
        from .fixes import plan_assignments

        return plan_assignments(
            files, assignments, self.shown_path, "Set " + ", ".join(a.split("=", 1)[0] for a in assignments)
        )

    def site(self) -> Site:
        from .site import site_for

        return site_for(self.schema, self.slug_rule)

    def plan_rename(self, path: str | Path, fields: dict) -> RenamePlan | None:
        """Where an entry goes for its edited fields, who links to it, and the files a rename
        writes (``rename.py``): ``None`` when it neither moves nor has links to update."""
        from . import rename

        if self.root is None:
            return None
        rp = rename.plan(self.root, Path(path), fields, self.records(), self.site())
        if not rp.moves and not rp.inbound:
            return None
        rename.prepare(rp, fields, self.shown_path)
        return rp

    def apply_rename(self, rp: RenamePlan, force: bool = False) -> list[Path]:
        from . import rename

        written = rename.apply(rp, force=force)
        self._records = None
        return written

    def refresh_related(self, fields: dict, context: Context | None = None) -> tuple[dict, int]:
        """The related articles' snapshots (id, title, subject: every subfield but the link)
        brought up to date from the entries they point at; returns the new fields and how many
        values changed."""
        from .related import related_items, set_related
        from .yaml import unshare

        ctx = context or self.context()
        family = ctx.schema.related
        if family is None:
            return fields, 0
        out = unshare(fields)
        items = [dict(v) for _k, v in related_items(out, family)]
        changed = 0
        copied = tuple(k for k in family.keys if k != family.link)
        for item in items:
            target = ctx.target(item.get(family.link))
            if target is None:
                continue
            for key in copied:
                value = target.fields.get(key)
                if key in item and value not in (None, "") and item[key] != value:
                    item[key] = value
                    changed += 1
        if changed:
            set_related(out, items, family)
        return out, changed

    def related_candidates(
        self, fields: dict, listed: set, own: str | None, limit: int = 12
    ) -> tuple[list[str], set[str]]:
        """(suggested entries, entries not to offer) for a new related article of the entry
        with these fields: the entries most like its question and answer, without itself and
        the entries whose link (url) is ``listed`` already."""
        if self.root is None:
            return [], set()
        link = self.schema.related.link if self.schema.related is not None else "url"
        exclude = {own} if own else set()
        exclude |= {r.path for r in self.records() if r.fields.get(link) in listed}
        text = " ".join(str(fields.get(k) or "") for k in ("question", "answer"))[:2000]
        return self.index().similar(text, exclude, limit), exclude

    def near_duplicates(
        self, title: str, exclude: str | None = None, threshold: float = 0.6
    ) -> list[tuple[str, str]]:
        """(path, title) of entries whose question is nearly this one (most of their words in
        common), best first: the notice a new entry gets."""
        import re

        words = set(re.findall(r"[a-z0-9]+", title.lower()))
        if len(words) < 3 or self.root is None:
            return []
        by_path = {r.path: r for r in self.records()}
        out = []
        for path in self.index().similar(title, limit=5):
            if path == exclude or path not in by_path:
                continue
            other = str(by_path[path].fields.get("title") or "")
            theirs = set(re.findall(r"[a-z0-9]+", other.lower()))
            if theirs and len(words & theirs) / len(words | theirs) >= threshold:
                out.append((path, other))
        return out

    def shown_path(self, path: str | Path) -> str:
        """A file's path as the user sees it: relative to the collection, with its folder."""
        rel = self.rel(path)
        return rel if rel is not None else os.path.basename(str(path))

    def apply(self, plan: Plan, force: bool = False) -> Applied:
        result = apply(plan, force)
        if self._index is not None and result.written:
            self._records = None
        return result


def _stored_blob(problems: list[Problem]) -> bytes:
    """A check's problems as the index keeps them: marshal, compressed (a tenth of the size: a
    blob larger than SQLite's write-ahead log holds makes the commit copy the whole log into
    the database, 0.7 s after a cold build of 36,000 entries, against 5 ms)."""
    import marshal
    import zlib

    rows = [(p.path, p.rule, p.message, p.field, p.line, p.fix, p.severity) for p in problems]
    return zlib.compress(marshal.dumps(rows), 1)


def _stored_problems(blob: bytes) -> list[Problem] | None:
    """The problems ``_stored_blob`` kept, or None when the blob cannot be read (another
    format, damage: the check runs again)."""
    import marshal
    import zlib

    try:
        return [Problem(*t) for t in marshal.loads(zlib.decompress(blob))]
    except (zlib.error, ValueError, EOFError, TypeError):
        return None
