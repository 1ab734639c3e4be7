"""A collection of entries: a folder scan, an SQLite index with FTS5 search, kept current by
path, size and mtime. The index is a cache in the user's cache folder, never the source of
truth: opening an entry always reads its file.

Cold indexing reads files on every core: the scanner (``scanner.py``) handles the common shape
and the full parser everything else, with the same answers.
"""

from __future__ import annotations

import hashlib
import itertools
import marshal
import multiprocessing
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import _find_closer, decode, split_text
from .errors import QtEditorError
from .folders import content_root as content_root  # the layout rule, re-exported
from .resources import user_folder
from .scanner import scan
from .yamlspan import json_safe, parse

# the stored data of an entry (all but the answer) is in marshal's format, several times faster
# to write and read than JSON; the index is a cache of this Python's, rebuilt for another one
# (schema 3, marshal format, Python major and minor: 3_04_03_11)
INDEX_VERSION = 3_00_00_00 + marshal.version * 1_00_00 + sys.version_info[0] * 100 + \
    sys.version_info[1]
CHUNK = 400


def cache_dir() -> Path:
    return user_folder("cache")


def _read_bytes(path: str, size: int = -1) -> bytes:
    """The bytes of a file (``size`` from a stat just before: one read of that size, then
    one more to make sure it has not grown since)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts = [os.read(fd, size + 1 if size >= 0 else 1 << 16)]
        while parts[-1]:
            parts.append(os.read(fd, 1 << 16))
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 2 else b"".join(parts)


def read_entry(path: str, size: int = -1) -> tuple[Any, str | None]:
    """(stored data as JSON-safe values, error text) of one file."""
    try:
        text = decode(_read_bytes(path, size), path)
        closer = _find_closer(text, 4) if text.startswith("---\n") else None
        if closer is not None:  # the usual opening line: what split() gives, sooner
            yaml = text[4:closer.start()]
        else:
            yaml = split_text(text, path).yaml
        data = scan(yaml, as_json=True)
        if data is None:  # outside the common shape: the full parser, any YAML value
            return json_safe(parse(yaml, path, 2).data), None
        return data, None
    except QtEditorError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{path}:1:1: cannot read the file: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - one file never fails the whole index; shown as
        # that entry's problem (a bug to report, not a reason to show no collection at all)
        return None, f"{path}:1:1: cannot index this file: {type(exc).__name__}: {exc}"


def _read_chunk_packed(job: tuple[str, list[tuple[str, int, int]]]) -> bytes:
    """``_read_chunk`` for a worker: the rows in one marshal blob (quicker than pickling)."""
    return marshal.dumps(_read_chunk(job))


def _read_chunk(job: tuple[str, list[tuple[str, int, int]]]) -> list[tuple]:
    """Index rows for (relative path, size, mtime) under root: runs in worker processes."""
    root, items = job
    return [Collection._row(rel, size, mtime, *read_entry(os.path.join(root, rel), size))
            for rel, size, mtime in items]


@dataclass
class RefreshStats:
    files: int = 0
    read: int = 0
    removed: int = 0
    seconds: float = 0.0


@dataclass
class Record:
    """One indexed entry."""

    path: str  # relative to the collection root, with "/"
    data: Any
    error: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def fields(self) -> dict:
        return self.data if isinstance(self.data, dict) else {}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class Collection:
    """The entries under one folder, indexed."""

    def __init__(self, folder: str | Path, cache: Path | None = None, workers: int | None = None):
        self.folder = Path(folder)
        self.root = content_root(self.folder)
        self.workers = workers or min(4, os.cpu_count() or 1)
        key = hashlib.sha1(str(self.root.resolve()).encode("utf-8")).hexdigest()[:16]
        cache = cache or cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        self.db_path = cache / f"index-{key}.sqlite"
        self.db = sqlite3.connect(str(self.db_path), check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._schema()

    # ------------------------------------------------------------------ storage
    def _schema(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version != INDEX_VERSION:
            self.db.executescript("""
                DROP TABLE IF EXISTS entries;
                DROP TABLE IF EXISTS fts;
                CREATE TABLE entries(
                    rowid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER,
                    mtime INTEGER, error TEXT, id INTEGER, title TEXT, subject TEXT,
                    date TEXT, url TEXT, file_name TEXT, question TEXT, answer TEXT,
                    keywords TEXT, data BLOB);
                CREATE VIRTUAL TABLE fts USING fts5(question, answer, keywords,
                    content='entries', content_rowid='rowid', detail='column');
            """)
            self.db.execute(f"PRAGMA user_version={INDEX_VERSION}")
            self.db.commit()

    def close(self) -> None:
        self.db.close()

    # ------------------------------------------------------------------ scanning
    def files(self) -> Iterator[tuple[str, int, int]]:
        """(relative path, size, mtime_ns) of every .md file below the root."""
        stack = [(str(self.root), "")]  # (folder, its path relative to the root with "/")
        while stack:
            folder, prefix = stack.pop()
            try:
                with os.scandir(folder) as it:
                    for e in it:
                        name = e.name
                        if name[0] == ".":
                            continue
                        if e.is_dir(follow_symlinks=False):
                            stack.append((e.path, prefix + name + "/"))
                        elif name.endswith(".md") and e.is_file():
                            try:
                                st = e.stat()
                            except OSError:  # gone since the folder was listed
                                continue
                            yield prefix + name, st.st_size, st.st_mtime_ns
            except OSError:
                continue

    def refresh(self, progress: Callable[[int, int], None] | None = None,
                text: bool = True) -> RefreshStats:
        """Bring the index up to date: read new and changed files, drop removed ones.

        A collection indexed from nothing gets its full-text index in one pass at the end;
        ``text=False`` leaves that pass to the first search (checks and browsing need none)."""
        start = time.perf_counter()
        stats = RefreshStats()
        known = {p: (s, m) for p, s, m in self.db.execute("SELECT path, size, mtime FROM entries")}
        on_disk: dict[str, tuple[int, int]] = {}
        todo: list[str] = []

        def changed() -> Iterator[tuple[str, int, int]]:
            for rel, size, mtime in self.files():
                on_disk[rel] = (size, mtime)
                if known.get(rel) != (size, mtime):
                    todo.append(rel)
                    yield rel, size, mtime

        # the workers read the first files while this process still walks the folder: the
        # first chunk of rows comes once the walk is over (or the only one, read here)
        chunks = self._read_all(changed())
        first = next(chunks, None)
        stats.files = len(on_disk)
        gone = [p for p in known if p not in on_disk]
        cold = not known and len(todo) > CHUNK
        if cold:  # a cache being built from nothing: no journal, no fsync (rebuilt if lost)
            self.db.execute("PRAGMA synchronous=OFF")
        with self.db:
            for rel in gone:
                self._delete(rel)
            stats.removed = len(gone)
            for rel in todo:
                if rel in known:
                    self._delete(rel)
            done = 0
            for rows in itertools.chain([first] if first is not None else [], chunks):
                self._insert(rows, with_text=not cold)
                done += len(rows)
                if progress:
                    progress(done, len(todo))
            if cold:  # one pass over all answers is faster than one per chunk
                if text:
                    self.db.execute("INSERT INTO fts(fts) VALUES('rebuild')")
                else:
                    self._set_text_pending(True)
        if cold:
            self.db.execute("PRAGMA synchronous=NORMAL")
        stats.read = len(todo)
        stats.seconds = time.perf_counter() - start
        return stats

    def _read_all(self, items: Iterable[tuple[str, int, int]]) -> Iterator[list]:
        """Index rows of (relative path, size, mtime) items, CHUNK at a time, in order. Every
        item is taken before the first rows come back (``refresh`` relies on a complete walk);
        the workers start on the first chunks while later items are still being found."""
        root = str(self.root)
        items = iter(items)
        head = list(itertools.islice(items, 2 * CHUNK + 1))
        if len(head) <= 2 * CHUNK or self.workers <= 1:
            head.extend(items)
            for i in range(0, len(head), CHUNK):
                yield _read_chunk((root, head[i:i + CHUNK]))
            return
        chunks: list[tuple[str, list]] = []

        def batches() -> Iterator[tuple[str, list]]:  # as the items come (while walking)
            batch = []
            for item in itertools.chain(head, items):
                batch.append(item)
                if len(batch) == CHUNK:
                    chunks.append((root, batch))
                    yield chunks[-1]
                    batch = []
            if batch:
                chunks.append((root, batch))
                yield chunks[-1]

        pending = batches()
        # forkserver/spawn: never fork a process that runs other threads (the window's)
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        done = 0
        try:
            with ProcessPoolExecutor(max_workers=self.workers,
                                     mp_context=multiprocessing.get_context(method)) as pool:
                for packed in pool.map(_read_chunk_packed, pending):  # (map takes every item first)
                    done += 1
                    yield marshal.loads(packed)
        except (BrokenProcessPool, OSError):
            # workers could not start here: read the rest in this process
            for _ in pending:  # (the walk first: it appends to chunks)
                pass
            for chunk in chunks[done:]:
                yield _read_chunk(chunk)

    @staticmethod
    def _row(rel: str, size: int, mtime: int, data: Any, error: str | None) -> tuple:
        d = data if isinstance(data, dict) else {}
        seo = d.get("seo") if isinstance(d.get("seo"), dict) else {}
        ident = d.get("id")
        answer = d.get("answer")
        rest = {k: v for k, v in d.items() if k != "answer"} if isinstance(answer, str) else data
        if type(ident) is not int or not -2**63 <= ident < 2**63:
            ident = None  # not an id SQLite can hold (true, a 20-digit number): in data only
        return (rel, size, mtime, error, ident,
                _text(d.get("title")), _text(d.get("subject")), _text(d.get("date")),
                _text(d.get("url")), _text(d.get("file_name")), _text(d.get("question")),
                answer if isinstance(answer, str) else "", _text(seo.get("page_keywords")),
                marshal.dumps(rest))

    def _insert(self, rows: list[tuple], with_text: bool = True) -> None:
        before = self.db.execute("SELECT coalesce(max(rowid), 0) FROM entries").fetchone()[0]
        self.db.executemany(
            "INSERT INTO entries(path, size, mtime, error, id, title, subject, date, url, "
            "file_name, question, answer, keywords, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        if not with_text:
            return
        # the new rows have the rowids above the old maximum: a range, not a search by path
        self.db.execute(
            "INSERT INTO fts(rowid, question, answer, keywords) SELECT rowid, question, answer, "
            "keywords FROM entries WHERE rowid > ?", (before,))

    def _delete(self, rel: str) -> None:
        row = self.db.execute("SELECT rowid, question, answer, keywords FROM entries WHERE path=?",
                              (rel,)).fetchone()
        if row is None:
            return
        self.db.execute("INSERT INTO fts(fts, rowid, question, answer, keywords) "
                        "VALUES('delete', ?, ?, ?, ?)", row)
        self.db.execute("DELETE FROM entries WHERE rowid=?", (row[0],))

    def _set_text_pending(self, pending: bool) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('text_pending', ?)",
                        ("1" if pending else "0",))

    def text_pending(self) -> bool:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key='text_pending'").fetchone()
        return bool(row and row[0] == "1")

    def ensure_text(self) -> None:
        """Build the full-text index if a text-less refresh left it for later."""
        if self.text_pending():
            with self.db:
                self.db.execute("INSERT INTO fts(fts) VALUES('rebuild')")
                self._set_text_pending(False)

    def update_file(self, rel: str) -> None:
        """Re-read one file now (after a save or a file-watcher event)."""
        path = self.root / rel
        with self.db:
            self._delete(rel)
            if path.exists():
                st = path.stat()
                self._insert([self._row(rel, st.st_size, st.st_mtime_ns, *read_entry(str(path)))])

    # ------------------------------------------------------------------ reading
    def records(self) -> list[Record]:
        out = []
        for path, data, answer, error in self.db.execute(
                "SELECT path, data, answer, error FROM entries ORDER BY path"):
            value = marshal.loads(data)
            if isinstance(value, dict) and answer:
                value["answer"] = answer  # kept in its own column (and in the search index)
            out.append(Record(path, value, error))
        return out

    def next_id(self) -> int:
        """One more than the largest id in the collection."""
        return (self.db.execute("SELECT max(id) FROM entries").fetchone()[0] or 0) + 1

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM entries").fetchone()[0]

    def rows(self, order: str = "title") -> list[tuple]:
        """(path, title, subject, date, id, error, rowid) of every entry, for the browser."""
        column = {"title": "title", "subject": "subject", "date": "date", "id": "id",
                  "path": "path"}.get(order, "title")
        return self.db.execute(
            f"SELECT path, title, subject, date, id, error, rowid FROM entries "
            f"ORDER BY {column}, path").fetchall()

    def search(self, query: str, limit: int = 200) -> list[str]:
        """Paths of the entries matching ``query`` (words, prefix* allowed), best first."""
        match = _fts_query(query)
        if not match:
            return []
        self.ensure_text()
        return [r[0] for r in self.db.execute(
            "SELECT e.path FROM fts JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ? "
            "ORDER BY bm25(fts, 10.0, 1.0, 5.0) LIMIT ?", (match, limit))]

    def matching(self, query: str) -> set[int]:
        """The row ids of every entry matching ``query``, unranked: what a filter-as-you-type
        needs (ranking, or even naming, every match of a short prefix costs far more)."""
        match = _fts_query(query)
        if not match:
            return set()
        self.ensure_text()
        return {r[0] for r in self.db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (match,))}

    def similar(self, text: str, exclude: set[str] | None = None, limit: int = 10) -> list[str]:
        """Entries whose text is like ``text`` (bm25 over question, keywords and answer)."""
        words = [w for w in _words(text) if len(w) > 3][:24]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        self.ensure_text()
        out = []
        for (path,) in self.db.execute(
                "SELECT e.path FROM fts JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ? "
                "ORDER BY bm25(fts, 10.0, 1.0, 5.0) LIMIT ?", (match, limit + len(exclude or ()))):
            if exclude and path in exclude:
                continue
            out.append(path)
            if len(out) >= limit:
                break
        return out


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z0-9\u00C0-\uFFFF]+", text.lower())


def _fts_query(query: str) -> str:
    """An FTS5 query: every word must match; the word still being typed (the last, unless a
    space follows it) and words ending in * match as prefixes. A last word of one letter is
    left out until a second one is typed (it would match nearly every entry)."""
    tokens = query.split()
    terms: list[str] = []
    for n, raw in enumerate(tokens):
        words = _words(raw)
        for i, w in enumerate(words):
            last_word = i == len(words) - 1
            typing = n == len(tokens) - 1 and not query.endswith(" ")
            prefix = last_word and (raw.endswith("*") or typing)
            if prefix and len(w) < 2 and terms:
                continue
            terms.append(f'"{w}"' + ("*" if prefix else ""))
    return " AND ".join(terms)
