"""A collection of entries: a folder scan, an SQLite index with FTS5 search, kept current by
each file's size, mtime, ctime and inode. The index is a cache in the user's cache folder,
never the source of truth: opening or writing an entry always reads its file.

The cache behaves like one: any number of qteditor processes share it (every change is one
``BEGIN IMMEDIATE`` transaction that reads what is indexed only once it holds the write lock),
and a cache that is damaged, from another version, unreadable or locked too long is rebuilt or
replaced by a private one, with a one-line ``notice`` for the user. No error of the index
reaches the user as an internal error.

Cold indexing reads files on every core: the scanner (``scanner.py``) handles the common shape
and the full parser everything else, with the same answers.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import marshal
import multiprocessing
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import codec
from .bulk import gc_paused
from .document import FIRST_LINE, decode, split_text
from .document import find_closer as _find_closer
from .errors import QtEditorError
from .folders import content_root as content_root  # the layout rule, re-exported
from .resources import user_folder
from .yaml import json_safe, key_lines, parse, scan

# the stored data of an entry (all but the answer) is in marshal's format, several times faster
# to write and read than JSON; the index is a cache of this Python's, rebuilt for another one
# (schema 4, marshal format, Python major and minor: 4_04_03_11). The version is part of the
# file name, so two qteditor versions never share (and never rebuild each other's) cache.
INDEX_VERSION = 5_00_00_00 + marshal.version * 1_00_00 + sys.version_info[0] * 100 + sys.version_info[1]
CHUNK = 400
BUSY_SECONDS = 30.0  # how long a writer waits for another process's transaction
MAX_FILE_BYTES = 64 * 1024 * 1024  # larger files are an entry's problem, never read


WAL_LIMIT = 64 * 1024 * 1024  # bytes of write-ahead log kept on disk once it is emptied
AUTOCHECKPOINT = 1000  # SQLite's default: pages in the write-ahead log before a commit copies them
_CHECKPOINTS: set[threading.Thread] = set()


def _checkpoint_soon(db_path: str) -> threading.Thread:
    """Copy the write-ahead log of a cache into its database on a thread with a connection of
    its own (passive: never waiting for, nor holding up, another reader or writer; the log is
    emptied by the next write, or removed when the last connection closes)."""

    def run() -> None:
        try:
            db = sqlite3.connect(db_path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                db.close()
        except sqlite3.Error:
            pass  # (removed meanwhile, busy: the next commit copies the log)
        finally:
            _CHECKPOINTS.discard(thread)

    thread = threading.Thread(target=run, name="qteditor-index-checkpoint")
    _CHECKPOINTS.add(thread)
    thread.start()
    return thread


def wait_for_checkpoints(timeout: float | None = None) -> None:
    """Wait until the caches' log copies started by this process are over (the tests wait; a
    process that ends waits for them anyway: the threads are not daemons)."""
    for thread in list(_CHECKPOINTS):
        thread.join(timeout)


_SCHEMA = (
    "DROP TABLE IF EXISTS entries",
    "DROP TABLE IF EXISTS fts",
    "DROP TABLE IF EXISTS meta",
    "DROP TABLE IF EXISTS results",
    "CREATE TABLE entries(rowid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, "
    "mtime INTEGER, ctime INTEGER, ino INTEGER, error TEXT, id INTEGER, title TEXT, subject TEXT, "
    "date TEXT, url TEXT, file_name TEXT, question TEXT, answer TEXT, keywords TEXT, data BLOB, "
    "extra BLOB, facts BLOB, local BLOB)",
    "CREATE VIRTUAL TABLE fts USING fts5(question, answer, keywords, content='entries', "
    "content_rowid='rowid', detail='column')",
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE results(key TEXT PRIMARY KEY, blob BLOB)",
)


def _schema_digest(schema: Any) -> str:
    source = getattr(schema, "source", None)
    try:
        return hashlib.sha1(Path(source).read_bytes()).hexdigest() if source else "none"
    except OSError:
        return "unreadable"


def cache_dir() -> Path:
    return user_folder("cache")


def _read_bytes(path: str, size: int = -1) -> bytes:
    """The bytes of a file (``size`` from a stat just before: one read of that size, then
    one more to make sure it has not grown since), never more than MAX_FILE_BYTES."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        parts = [os.read(fd, size + 1 if size >= 0 else 1 << 16)]
        total = len(parts[0])
        while parts[-1]:
            if total > MAX_FILE_BYTES:
                raise _TooLarge(total)
            parts.append(os.read(fd, 1 << 16))
            total += len(parts[-1])
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 2 else b"".join(parts)


class _TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _too_large(path: str, size: int) -> str:
    return (
        f"{path}:1:1: the file is too large to be an entry ({size:,} bytes; at most "
        f"{MAX_FILE_BYTES:,}); it was not read"
    )


def tree_lines(parsed: Any, data: Any) -> list[int]:
    """What ``scan`` records in ``lines``, from the full parser's span tree: the 0-based line of
    every top-level key and of the keys of its mapping, in ``data``'s order (0 if unknown)."""
    found: dict[tuple, int] = {}
    root = parsed.root
    if root is not None and root.kind == "map":
        for k, v in root.items:
            if k.kind != "scalar":
                continue
            found[(k.value,)] = k.line
            if v.kind == "map":
                for k2, _v2 in v.items:
                    if k2.kind == "scalar":
                        found[(k.value, k2.value)] = k2.line
    out: list[int] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append(found.get((str(key),), 0))
            if isinstance(value, dict):
                out.extend(found.get((str(key), str(sub)), 0) for sub in value)
    return out


def read_entry(path: str, size: int = -1) -> tuple[Any, str | None]:
    """(stored data as JSON-safe values, error text) of one file."""
    data, error, _lines = read_entry_lines(path, size)
    return data, error


def read_entry_lines(path: str, size: int = -1) -> tuple[Any, str | None, list[int]]:
    """(stored data as JSON-safe values, error text, the 1-based file line of each key as
    ``scan`` orders them) of one file."""
    if size > MAX_FILE_BYTES:
        return None, _too_large(path, size), []
    try:
        raw = _read_bytes(path, size)
    except _TooLarge as exc:
        return None, _too_large(path, exc.size), []
    except OSError as exc:
        return None, f"{path}:1:1: cannot read the file: {exc.strerror or exc}", []
    return entry_data(raw, path)


def entry_data(raw: bytes, path: str) -> tuple[Any, str | None, list[int]]:
    """(stored data as JSON-safe values, error text, key lines) of a file's bytes: the fast
    reader (the scanner for the common shape, else the full parser)."""
    lines: list[int] = []
    try:
        text = decode(raw, path)
        closer = _find_closer(text, 4) if text.startswith("---\n") else None
        if closer is not None:  # the usual opening line: what split() gives, sooner
            yaml = text[4 : closer.start()]
        else:
            yaml = split_text(text, path).yaml
        data = scan(yaml, as_json=True, lines=lines)
        if data is None:  # outside the common shape: the full parser, any YAML value
            parsed = parse(yaml, path, FIRST_LINE)
            data = json_safe(parsed.data)
            lines = tree_lines(parsed, data)
        return data, None, [n + FIRST_LINE for n in lines]
    except QtEditorError as exc:
        return None, str(exc), []
    except Exception as exc:  # noqa: BLE001 - one file never fails the whole index; shown as
        # that entry's problem (a bug to report, not a reason to show no collection at all)
        return None, f"{path}:1:1: cannot index this file: {type(exc).__name__}: {exc}", []


def spots_of(data: Any, codec_keys: tuple[str, ...]) -> dict:
    """Ambiguous ``\\n`` spots of the codec fields, summarised (count, words): the checks need
    no more of an answer, so records load without it."""
    out = {}
    if isinstance(data, dict):
        for key in codec_keys:
            value = data.get(key)
            if isinstance(value, str):
                spots = codec.ambiguities(value, codec.detect(value))
                if spots:
                    out[key] = (len(spots), sorted({"\\" + s.word for s in spots}))
    return out


def _fact_lines(data: dict, lines: list[int] | tuple, fact: Any, found: dict | None = None) -> tuple:
    """The key lines of an entry's facts, in their order (as ``scanner.key_lines`` reads them;
    ``found``: what it read of these lines already)."""
    if not isinstance(fact, dict):
        return ()
    if found is None:
        found = key_lines(data, lines)
    out = []
    for key, value in fact.items():
        out.append(found.get(str(key), 0))
        if isinstance(value, dict):
            out.extend(found.get(f"{key}.{sub}", 0) for sub in value)
    return tuple(out)


def _lines_without_answer(data: dict, lines: list[int] | tuple, moved: bool) -> tuple:
    """(the key lines of the stored data, the answer's line): the answer is kept in a column
    of its own, so its line is taken out of the others."""
    if not moved:
        return tuple(lines), None
    rest: list[int] = []
    answer_line = None
    it = iter(lines)
    for key, value in data.items():
        at = next(it, 0)
        if key == "answer":
            answer_line = at
        else:
            rest.append(at)
        if isinstance(value, dict):
            rest.extend(next(it, 0) for _ in value)
    return tuple(rest), answer_line


Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode: a changed file changes one
# given each chunk of index rows as a refresh reads it; an empty chunk: every file has been given
# (the rows stored are given by ``Collection.rows`` once the refresh returns)
RowsRead = Callable[[list[tuple]], None]
Job = tuple[str, list[tuple[str, Stamp]], tuple[str, ...], str | None]

_SITES: dict[str | None, tuple[Any, dict]] = {}


def rules_for(schema_source: str | None) -> tuple[Any, dict]:
    """(schema, {slug rule: Site}) of a schema file (None: the bundled one), once a process."""
    found = _SITES.get(schema_source)
    if found is None:
        from . import slugs
        from .schema import default_schema, load_schema
        from .site import Site

        schema = load_schema(schema_source) if schema_source else default_schema()
        found = _SITES[schema_source] = (schema, {r: Site(schema, r) for r in slugs.RULES})
    return found


def _read_chunk_packed(job: Job) -> bytes:
    """``_read_chunk`` for a worker: the rows in one marshal blob (quicker than pickling)."""
    return marshal.dumps(_read_chunk(job))


def _read_chunk(job: Job) -> list[tuple]:
    """Index rows for (relative path, stamp) under root: runs in worker processes. Each row
    carries what the rules over one file find of it (``checks.local_variants``)."""
    root, items, codec_keys, schema_source = job
    with gc_paused():
        return [_read_row(root, rel, stamp, codec_keys, schema_source) for rel, stamp in items]


def _listed_chunk_packed(job: Job) -> bytes:
    """``_listed_chunk`` for a worker, in one marshal blob."""
    return marshal.dumps(_listed_chunk(job))


def _listed_chunk(job: Job) -> list[tuple]:
    """The rows a browser lists and searches of (relative path, stamp) under root, shaped as
    index rows whose stored data is left empty: read and scanned, no rule run (a third of a
    row's work: the first pass over a collection indexed from nothing)."""
    root, items, _codec_keys, _schema_source = job
    out = []
    for rel, stamp in items:
        data, error, _lines = read_entry_lines(os.path.join(root, rel), stamp[0])
        out.append(Collection.listed_row(rel, stamp, data, error))
    return out


def _read_row(
    root: str, rel: str, stamp: Stamp, codec_keys: tuple[str, ...], schema_source: str | None
) -> tuple:
    from .checks import facts, local_variants

    schema, sites = rules_for(schema_source)
    data, error, lines = read_entry_lines(os.path.join(root, rel), stamp[0])
    spots = spots_of(data, codec_keys)
    record = Record(rel, data, error, tuple(lines), spots)
    try:
        local = local_variants(record, schema, sites)
    except Exception as exc:  # noqa: BLE001 - a rule's bug is that entry's problem, not the index's
        local = {
            "*": [("yaml-error", f"cannot check this entry: {type(exc).__name__}: {exc}", None, None, 1)]
        }
    fact = facts(data, sites[next(iter(sites))])
    # (the rules asked for the lines of the whole data: the facts' lines are some of them)
    return Collection._row(rel, stamp, data, error, lines, spots, fact, local, found=record._lines_by_key)


@dataclass
class RefreshStats:
    files: int = 0
    read: int = 0
    removed: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class Record:
    """One indexed entry."""

    path: str  # relative to the collection root, with "/"
    data: Any
    error: str | None = None
    lines: tuple = ()  # the file line of each key (``scanner.key_lines`` reads them)
    spots: dict = field(default_factory=dict)  # codec field -> (ambiguous spots, their words)
    answer_line: int | None = None  # the answer is stored apart: its line too
    omitted: dict = field(default_factory=dict)  # fields left out of data -> their length
    local: dict | None = None  # what the rules over this file alone found (by slug rule)
    _lines_by_key: dict | None = field(default=None, repr=False, compare=False)

    @property
    def fields(self) -> dict:
        return self.data if isinstance(self.data, dict) else {}

    def line_of(self, dotted: str | None) -> int | None:
        """The file line of a field (its parent's, for a key deeper than the index records)."""
        if not dotted:
            return None
        if self.answer_line is not None and dotted.split(".")[0] == "answer":
            return self.answer_line
        found = self._lines_by_key
        if found is None:
            data = self.data
            if self.answer_line is not None and isinstance(data, dict) and "answer" in data:
                data = {k: v for k, v in data.items() if k != "answer"}
            found = self._lines_by_key = key_lines(data, self.lines)
        while dotted:
            if dotted in found:
                return found[dotted] or None
            dotted = dotted.rpartition(".")[0]
        return None


def _kept(walk: Iterator[tuple[str, Stamp]], items: list) -> Iterator[tuple[str, Stamp]]:
    """``items`` then the rest of ``walk``, each kept in ``items`` as it is given."""
    yield from list(items)
    for item in walk:
        items.append(item)
        yield item


def _path_of(record: Record) -> str:
    return record.path


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


class IndexError_(QtEditorError):  # noqa: N801 - IndexError is the builtin's name
    """The index cannot be used even after rebuilding it (shown as a located message)."""


class Stopped(QtEditorError):
    """A refresh whose workers ``stop_workers`` stopped: it keeps nothing of its run (its
    transaction rolls back; the next refresh reads those files)."""


_POOLS: set = set()  # the worker pools reading now
_STOPPED: set = set()  # of those, the ones stop_workers stopped
_POOLS_LOCK = threading.Lock()
_QUITTING = threading.Event()  # the process is ending: no pool starts any more


def stop_workers(quitting: bool = False) -> int:
    """Stop every index worker process of this process now (a window closes, and nothing
    waits for files being read: the index is a cache). With ``quitting`` (the process is
    ending) no pool starts after this either. Returns how many pools were stopped."""
    with _POOLS_LOCK:
        if quitting:
            _QUITTING.set()
        pools = list(_POOLS)
        _STOPPED.update(pools)
    for pool in pools:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # A worker ended while it writes a result leaves half a message in the pipe, and the
        # pool's manager thread waits for the rest for ever (and every exit joins it): this
        # process never writes results, so its end of the pipe closes now and the manager
        # reads the end of the pipe instead once the workers are gone. The feeder thread may
        # be stuck writing jobs no one reads any more: nothing waits for it.
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        calls = getattr(pool, "_call_queue", None)
        try:
            if writer is not None:
                writer.close()
            if calls is not None:
                calls.cancel_join_thread()
        except (OSError, AttributeError):
            pass
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:  # they only read files; the pool sees them gone and ends
            try:
                proc.terminate()
            except (OSError, ValueError):  # already gone, or closed
                pass
    return len(pools)


def _guarded(method: Callable) -> Callable:
    """Run an index operation; a damaged cache is rebuilt, a cache locked too long is replaced
    by a private one for this process (``notice`` says which), and the operation runs again."""

    @functools.wraps(method)
    def run(self: Collection, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            if self._recovering:
                raise
            self._recover(exc)
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as again:
                raise IndexError_(
                    f"the collection index cannot be used: {again}", str(self.db_path)
                ) from None

    return run


class Collection:
    """The entries under one folder, indexed."""

    def __init__(
        self,
        folder: str | Path,
        cache: Path | None = None,
        workers: int | None = None,
        codec_keys: tuple[str, ...] | None = None,
        root: Path | None = None,
        schema: Any = None,
    ):
        from .schema import schema_for

        self.folder = Path(folder)
        self.root = Path(root) if root is not None else content_root(self.folder)
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.schema = schema or schema_for(self.root / "entry.md")
        if codec_keys is None:
            codec_keys = tuple(
                k for k, kind in self.schema.codec_fields().items() if kind == "escaped-newlines"
            )
        self.codec_keys = tuple(codec_keys)
        source = self.schema.source
        bundled = source is None or source == rules_for(None)[0].source
        self.schema_source = None if bundled else str(source)
        # what the stored findings were computed with: another schema or rules version is
        # another cache (a cache file of its own, like another index version)
        from .checks import CHECKS_VERSION

        rules_key = hashlib.sha1(f"{CHECKS_VERSION}:{_schema_digest(self.schema)}".encode())
        key = hashlib.sha1(str(self.root.resolve()).encode("utf-8")).hexdigest()[:16]
        self._rules_key = rules_key.hexdigest()[:8]
        self.notice: str | None = None  # one line for the user when the cache was replaced
        self._recovering = False
        # the records a refresh that read every file made of its rows, with the generation
        # they are of: the next ``records()`` takes them instead of reading them back
        self._built: tuple[int, list[Record]] | None = None
        self.cache = cache or cache_dir()
        self.db_path = self.cache / f"index-{key}-v{INDEX_VERSION}-{self._rules_key}.sqlite"
        self.db = self._connect()

    # ------------------------------------------------------------------ storage
    def _connect(self) -> sqlite3.Connection:
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            db = self._open(str(self.db_path))
        except sqlite3.DatabaseError as exc:
            if _locked(exc):
                return self._private("the collection index is busy in another qteditor")
            self._discard()
            self.notice = f"The collection index was damaged ({exc}) and has been rebuilt."
            try:
                db = self._open(str(self.db_path))
            except (sqlite3.Error, OSError):
                return self._private("the collection index cannot be opened")
        except OSError as exc:
            return self._private(f"the cache folder cannot be used ({exc.strerror or exc})")
        return db

    def _private(self, why: str) -> sqlite3.Connection:
        """An index of this process's own, in memory (read anew at each start)."""
        self.notice = f"{why[0].upper()}{why[1:]}; this window indexes the folder on its own."
        self.db_path = Path(":memory:")
        return self._open(":memory:")

    @staticmethod
    def _open(where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, check_same_thread=False, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
            Collection._schema(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _schema(db: sqlite3.Connection) -> None:
        if db.execute("PRAGMA user_version").fetchone()[0] == INDEX_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                for statement in _SCHEMA:  # (executescript would commit the transaction)
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={INDEX_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _discard(self) -> None:
        """Remove a damaged cache file (another process may still hold it open: it keeps its
        copy; every later open gets the new one)."""
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.db_path}{suffix}")
            except OSError:
                pass

    def _recover(self, exc: sqlite3.Error) -> None:
        """After an error of the cache: a new private index when it was locked too long, else
        the cache file removed and built again."""
        self._recovering = True
        try:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            if _locked(exc):
                self.db = self._private("the collection index was locked by another qteditor for too long")
            else:
                if str(self.db_path) != ":memory:":
                    self._discard()
                self.notice = f"The collection index was damaged ({exc}) and has been rebuilt."
                self.db = self._connect() if str(self.db_path) != ":memory:" else self._open(":memory:")
            self._refresh(None, False)
        finally:
            self._recovering = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, begun with the write lock held (other processes wait)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    # ------------------------------------------------------------------ scanning
    def files(self) -> Iterator[tuple[str, Stamp]]:
        """(relative path, stamp) of every .md file below the root."""
        stack = [(str(self.root), "")]  # (folder, its path relative to the root with "/")
        while stack:
            folder, prefix = stack.pop()
            try:
                with os.scandir(folder) as it:
                    found = list(it)
            except OSError:  # unreadable or gone: its entries are not listed
                continue
            for e in found:
                name = e.name
                if name[0] == ".":
                    continue
                # an entry is a file of its own: a symbolic link (to an entry, outside, to
                # nothing, to itself) is not one, as a linked folder is not followed (a fix never
                # writes through one: checked, an alias would be a duplicate nothing fixes)
                try:  # one entry's error (gone since the folder was listed) is that entry's only
                    if e.is_dir(follow_symlinks=False):
                        stack.append((e.path, prefix + name + "/"))
                        continue
                    if not (name.endswith(".md") and e.is_file(follow_symlinks=False)):
                        continue
                    st = e.stat()
                except OSError:
                    continue
                yield prefix + name, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    @_guarded
    def refresh(
        self,
        progress: Callable[[int, int], None] | None = None,
        text: bool = True,
        rows: RowsRead | None = None,
    ) -> RefreshStats:
        """Bring the index up to date: read new and changed files, drop removed ones.

        A collection indexed from nothing gets its full-text index in one pass at the end;
        ``text=False`` leaves that pass to the first search (checks and browsing need none).
        ``rows`` is given each chunk of rows as it is read (``browse_rows`` and ``TextSearch``
        take them): what a browser shows while a large collection is indexed. They are
        uncommitted until the refresh returns (another process sees none of them before). A
        large collection indexed from nothing is first listed, every file read for its
        browser row and text alone (``listed_row``: no rule run, no stored data), before the
        index's pass; an empty chunk then says every file has been given once."""
        return self._refresh(progress, text, rows)

    def _refresh(
        self, progress: Callable[[int, int], None] | None, text: bool, rows: RowsRead | None = None
    ) -> RefreshStats:
        start = time.perf_counter()
        stats = RefreshStats()
        self._built = None
        known = self._known()
        items: list[tuple[str, Stamp]] | None = None
        if known:  # a warm index: look first, and take the write lock only for a change
            items = list(self.files())
            stats.files = len(items)
            on_disk = {rel for rel, _stamp in items}
            if all(known.get(rel) == stamp for rel, stamp in items) and on_disk.issuperset(known):
                stats.seconds = time.perf_counter() - start
                return stats
        else:  # a cache built from nothing: no fsync (rebuilt if lost)
            if rows is not None:
                walk = self.files()
                items = list(itertools.islice(walk, 2 * CHUNK + 1))
                if len(items) > 2 * CHUNK:  # listed first (before the write lock is taken)
                    # the workers list the first files while the walk goes on
                    for chunk in self._read_all(_kept(walk, items), listed=True):
                        rows(chunk)
                    rows([])
                    rows = None  # (the rows stored are the browser's once the refresh returns)
                else:
                    items.extend(walk)
            self.db.execute("PRAGMA synchronous=OFF")
            # the build's commit does not copy its pages into the database (see below)
            self.db.execute("PRAGMA wal_autocheckpoint=0")
        built: list[Record] | None = None
        try:
            with self._write():  # what is indexed is read again with the write lock held
                built = self._refresh_locked(stats, progress, text, items, rows)
        finally:
            if not known:
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT}")
        if built is not None:
            built.sort(key=_path_of)
            self._built = (self._generation(), built)
        if not known and stats.read > CHUNK and str(self.db_path) != ":memory:":
            # the build's pages are copied into the database by the process that made them,
            # not by the next reader (a warm check would wait seconds for it), on a thread of
            # their own: the caller's checks run meanwhile (the copy is mostly the disk's work)
            _checkpoint_soon(str(self.db_path))
        stats.seconds = time.perf_counter() - start
        return stats

    def _known(self) -> dict[str, Stamp]:
        return {
            p: (s, m, c, i)
            for p, s, m, c, i in self.db.execute("SELECT path, size, mtime, ctime, ino FROM entries")
        }

    def _refresh_locked(
        self,
        stats: RefreshStats,
        progress: Callable[[int, int], None] | None,
        text: bool,
        walked: list[tuple[str, Stamp]] | None = None,
        read: RowsRead | None = None,
    ) -> list[Record] | None:
        """Read what changed; when nothing was indexed, the records of every row read (what
        ``records()`` would read back, in the order read)."""
        known = self._known()
        on_disk: dict[str, Stamp] = {}
        todo: list[str] = []

        def changed() -> Iterator[tuple[str, Stamp]]:
            for rel, stamp in walked if walked is not None else self.files():
                on_disk[rel] = stamp
                if known.get(rel) != stamp:
                    todo.append(rel)
                    yield rel, stamp

        # the workers read the first files while this process still walks the folder: the
        # first chunk of rows comes once the walk is over (or the only one, read here)
        chunks = self._read_all(changed())
        first = next(chunks, None)
        stats.files = len(on_disk)
        gone = [p for p in known if p not in on_disk]
        pending = self._text_pending()
        cold = not known and len(todo) > CHUNK
        if cold:
            pending = True  # one pass over all answers at the end is faster than one a chunk
            self._set_text_pending(True)
        for rel in gone:
            self._delete(rel, not pending)
        stats.removed = len(gone)
        for rel in todo:
            if rel in known:
                self._delete(rel, not pending)
        done = 0
        built: list[Record] | None = [] if not known else None
        loads = marshal.loads
        for rows in itertools.chain([first] if first is not None else [], chunks):
            self._insert(rows, with_text=not pending)
            if built is not None:
                for row in rows:  # (path, …, error at 5, …, facts, local): see _row
                    value, lines, local = loads(row[-2])
                    built.append(Record(row[0], value, row[5], lines, {}, None, {}, local))
            if read is not None:
                read(rows)
            done += len(rows)
            if progress:
                progress(done, len(todo))
        if cold and text:
            self.db.execute("INSERT INTO fts(fts) VALUES('rebuild')")
            self._set_text_pending(False)
        stats.read = len(todo)
        if todo or gone:
            self._bump()
        return built

    def _bump(self) -> None:
        """A new generation of the index's content (what cached results are keyed by)."""
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(self._generation() + 1),)
        )

    def _generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @_guarded
    def generation(self) -> int:
        """Changes whenever an entry is added, changed or removed."""
        return self._generation()

    @_guarded
    def cached(self, key: str) -> bytes | None:
        """A result stored for ``key`` (a computation over this generation of the index)."""
        row = self.db.execute("SELECT blob FROM results WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    @_guarded
    def store(self, key: str, blob: bytes, kind: str = "") -> None:
        """Keep one result of its kind (``kind`` is how its keys start; the older keys of that
        kind go, the other kinds' stay)."""
        if not key.startswith(kind):
            raise ValueError(f"{key!r} is not a key of kind {kind!r}")
        with self._write():
            self.db.execute("DELETE FROM results WHERE substr(key, 1, ?) = ?", (len(kind), kind))
            self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (key, blob))

    @_guarded
    def paths(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT path FROM entries ORDER BY path")]

    @_guarded
    def titles(self, limit: int) -> list[tuple[str, str]]:
        """(path, title) of some entries (what the slug rule is inferred from)."""
        return self.db.execute(
            "SELECT path, title FROM entries WHERE title != '' ORDER BY path LIMIT ?", (limit,)
        ).fetchall()

    def _read_all(self, items: Iterable[tuple[str, Stamp]], listed: bool = False) -> Iterator[list]:
        """Index rows of (relative path, stamp) items, CHUNK at a time, in order (``listed``:
        the browser's rows only, ``listed_row``). Every item is taken before the first rows
        come back (``refresh`` relies on a complete walk); the workers start on the first
        chunks while later items are still being found."""
        read_chunk, packed_chunk = (
            (_listed_chunk, _listed_chunk_packed) if listed else (_read_chunk, _read_chunk_packed)
        )
        root = str(self.root)
        keys = self.codec_keys
        source = self.schema_source
        items = iter(items)
        head = list(itertools.islice(items, 2 * CHUNK + 1))
        if len(head) <= 2 * CHUNK or self.workers <= 1:
            head.extend(items)
            for i in range(0, len(head), CHUNK):
                yield read_chunk((root, head[i : i + CHUNK], keys, source))
            return
        chunks: list[Job] = []

        def batches() -> Iterator[Job]:  # as the items come (while walking)
            batch = []
            for item in itertools.chain(head, items):
                batch.append(item)
                if len(batch) == CHUNK:
                    chunks.append((root, batch, keys, source))
                    yield chunks[-1]
                    batch = []
            if batch:
                chunks.append((root, batch, keys, source))
                yield chunks[-1]

        pending = batches()
        # forkserver/spawn: never fork a process that runs other threads (the window's)
        method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        done = 0
        pool = None
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context(method)
            ) as pool:
                with _POOLS_LOCK:
                    if _QUITTING.is_set():
                        _STOPPED.add(pool)
                        raise Stopped("the process is ending")
                    _POOLS.add(pool)
                for packed in pool.map(packed_chunk, pending):  # (map takes every item first)
                    done += 1
                    yield marshal.loads(packed)
        except Exception as exc:
            if pool is not None and pool in _STOPPED:  # stop_workers(): the app is quitting
                raise Stopped("the index's workers were stopped") from None
            if not isinstance(exc, (BrokenProcessPool, OSError)):
                raise
            # workers could not start here: read the rest in this process
            for _ in pending:  # (the walk first: it appends to chunks)
                pass
            for chunk in chunks[done:]:
                yield read_chunk(chunk)
        finally:
            with _POOLS_LOCK:
                _POOLS.discard(pool)
                _STOPPED.discard(pool)

    @staticmethod
    def listed_row(rel: str, stamp: Stamp, data: Any, error: str | None) -> tuple:
        """What a browser lists and searches of an entry, shaped as an index row (``_row``)
        whose stored data (data, extra, facts, local) is empty."""
        return Collection._row(rel, stamp, data, error, stored=False)

    @staticmethod
    def _row(
        rel: str,
        stamp: Stamp,
        data: Any,
        error: str | None,
        lines: list[int] | tuple = (),
        spots: dict | None = None,
        fact: Any = None,
        local: dict | None = None,
        stored: bool = True,
        found: dict | None = None,
    ) -> tuple:
        d = data if isinstance(data, dict) else {}
        seo = d["seo"] if isinstance(d.get("seo"), dict) else {}
        ident = d.get("id")
        answer = d.get("answer")
        if type(ident) is not int or not -(2**63) <= ident < 2**63:
            ident = None  # not an id SQLite can hold (true, a 20-digit number): in data only
        head = (
            rel,
            *stamp,
            error,
            ident,
            _text(d.get("title")),
            _text(d.get("subject")),
            _text(d.get("date")),
            _text(d.get("url")),
            _text(d.get("file_name")),
            _text(d.get("question")),
            answer if isinstance(answer, str) else "",
            _text(seo.get("page_keywords")),
        )
        if not stored:
            return (*head, b"", b"", b"", b"")
        rest = {k: v for k, v in d.items() if k != "answer"} if isinstance(answer, str) else data
        return (
            *head,
            marshal.dumps(rest),
            marshal.dumps(
                _lines_without_answer(d, lines, rest is not data)
                + (spots or {}, len(answer) if rest is not data else None)  # type: ignore[arg-type]
            ),
            marshal.dumps((fact, _fact_lines(d, lines, fact, found), local or {})),
            marshal.dumps(local or {}),
        )

    def _insert(self, rows: list[tuple], with_text: bool = True) -> None:
        before = self.db.execute("SELECT coalesce(max(rowid), 0) FROM entries").fetchone()[0]
        self.db.executemany(
            "INSERT INTO entries(path, size, mtime, ctime, ino, error, id, title, subject, date, "
            "url, file_name, question, answer, keywords, data, extra, facts, local) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        if not with_text:
            return
        # the new rows have the rowids above the old maximum: a range, not a search by path
        self.db.execute(
            "INSERT INTO fts(rowid, question, answer, keywords) SELECT rowid, question, answer, "
            "keywords FROM entries WHERE rowid > ?",
            (before,),
        )

    def _delete(self, rel: str, with_text: bool) -> None:
        """Remove one entry; its full-text row too when the full-text index is built (FTS5
        takes a 'delete' of a row it never had for damage)."""
        row = self.db.execute(
            "SELECT rowid, question, answer, keywords FROM entries WHERE path=?", (rel,)
        ).fetchone()
        if row is None:
            return
        if with_text:
            self.db.execute(
                "INSERT INTO fts(fts, rowid, question, answer, keywords) VALUES('delete', ?, ?, ?, ?)", row
            )
        self.db.execute("DELETE FROM entries WHERE rowid=?", (row[0],))

    def _set_text_pending(self, pending: bool) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('text_pending', ?)", ("1" if pending else "0",))

    def _text_pending(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key='text_pending'").fetchone()
        return bool(row and row[0] == "1")

    @_guarded
    def text_pending(self) -> bool:
        return self._text_pending()

    @_guarded
    def ensure_text(self) -> None:
        """Build the full-text index if a text-less refresh left it for later."""
        if self._text_pending():
            with self._write():
                if self._text_pending():  # another process may have built it meanwhile
                    self.db.execute("INSERT INTO fts(fts) VALUES('rebuild')")
                    self._set_text_pending(False)

    @_guarded
    def update_file(self, rel: str) -> None:
        """Re-read one file now (after a save or a file-watcher event)."""
        path = self.root / rel
        with self._write():
            with_text = not self._text_pending()
            self._delete(rel, with_text)
            self._bump()
            try:
                st = path.stat()
            except OSError:
                return
            stamp = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            self._insert(
                [_read_row(str(self.root), rel, stamp, self.codec_keys, self.schema_source)], with_text
            )

    # ------------------------------------------------------------------ reading
    @_guarded
    def records(self, full: bool = False, answers: bool = False) -> list[Record]:
        """Every entry, in path order, with what the rules found of it alone (``local``). The
        data is the entry's *facts* (what the rules over other entries read: ``checks.facts``),
        or with ``full`` the whole front matter (``answers``: the codec fields' text too)."""
        loads = marshal.loads
        built, self._built = self._built, None
        if built is not None and not (full or answers) and built[0] == self._generation():
            return built[1]  # (taken once: a caller may change its records)
        if full or answers:
            query = (
                "SELECT path, data, error, extra, local, answer FROM entries ORDER BY path"
                if answers
                else "SELECT path, data, error, extra, local FROM entries ORDER BY path"
            )
            return [self._record(row, answers, loads) for row in self.db.execute(query)]
        out = []
        for path, blob, error in self.db.execute("SELECT path, facts, error FROM entries ORDER BY path"):
            value, lines, local = loads(blob)
            out.append(Record(path, value, error, lines, {}, None, {}, local))
        return out

    @staticmethod
    def _record(row: tuple, answers: bool, loads: Callable = marshal.loads) -> Record:
        value = loads(row[1])
        lines, answer_line, spots, length = loads(row[3])
        omitted = {}
        if isinstance(value, dict) and length is not None:
            if answers:
                value["answer"] = row[5]  # kept in its own column (and in the search index)
            else:
                omitted["answer"] = length
        return Record(row[0], value, row[2], lines, spots, answer_line, omitted, loads(row[4]))

    @_guarded
    def record(self, rel: str, answers: bool = True) -> Record | None:
        """One entry with its whole front matter (and its answer)."""
        row = self.db.execute(
            "SELECT path, data, error, extra, local, answer FROM entries WHERE path=?", (rel,)
        ).fetchone()
        return None if row is None else self._record(row, answers)

    @_guarded
    def next_id(self) -> int:
        """One more than the largest id in the collection."""
        return (self.db.execute("SELECT max(id) FROM entries").fetchone()[0] or 0) + 1

    @_guarded
    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM entries").fetchone()[0]

    @_guarded
    def rows(self, order: str = "title") -> list[tuple]:
        """(path, title, subject, date, id, error, rowid) of every entry, for the browser."""
        column = {"title": "title", "subject": "subject", "date": "date", "id": "id", "path": "path"}.get(
            order, "title"
        )
        return self.db.execute(
            f"SELECT path, title, subject, date, id, error, rowid FROM entries ORDER BY {column}, path"
        ).fetchall()

    @_guarded
    def search(self, query: str, limit: int = 200) -> list[str]:
        """Paths of the entries matching ``query`` (words, prefix* allowed), best first."""
        match = _fts_query(query)
        if not match:
            return []
        self.ensure_text()
        return [
            r[0]
            for r in self._matches(
                "SELECT e.path FROM fts JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ? "
                "ORDER BY bm25(fts, 10.0, 1.0, 5.0) LIMIT ?",
                (match, limit),
            )
        ]

    @_guarded
    def matching(self, query: str) -> set[str]:
        """The paths of every entry matching ``query``, unranked: what a filter-as-you-type
        needs (ranking every match of a short prefix costs far more)."""
        match = _fts_query(query)
        if not match:
            return set()
        self.ensure_text()
        return {
            r[0]
            for r in self._matches(
                "SELECT e.path FROM fts JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ?", (match,)
            )
        }

    def _matches(self, sql: str, params: tuple) -> list[tuple]:
        """The rows of a full-text query. A query the index refuses finds nothing: it is no
        damage of the index (which ``_guarded`` deletes and builds again). Only a word that
        SQLite's tokenizer cuts in two and this Python keeps whole (a letter of a newer Unicode)
        is refused: it is asked as a phrase, which an index of detail=column cannot answer."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if str(exc).startswith(("fts5: phrase queries", "fts5: syntax error")):
                return []
            raise

    @_guarded
    def similar(self, text: str, exclude: set[str] | None = None, limit: int = 10) -> list[str]:
        """Entries whose text is like ``text`` (bm25 over question, keywords and answer)."""
        words = [w for w in _words(text) if len(w) > 3][:24]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        self.ensure_text()
        out = []
        for (path,) in self._matches(
            "SELECT e.path FROM fts JOIN entries e ON e.rowid = fts.rowid WHERE fts MATCH ? "
            "ORDER BY bm25(fts, 10.0, 1.0, 5.0) LIMIT ?",
            (match, limit + len(exclude or ())),
        ):
            if exclude and path in exclude:
                continue
            out.append(path)
            if len(out) >= limit:
                break
        return out


def browse_rows(rows: list[tuple]) -> list[tuple]:
    """The browser's (path, title, subject, date, id, error, rowid) of rows as ``refresh`` reads
    them (what ``Collection.rows`` gives once they are stored; the rowid is not known yet)."""
    return [(r[0], r[7], r[8], r[9], r[6], r[5], None) for r in rows]


_TOKEN = "[^\\W_]"  # what FTS5's unicode61 tokenizer keeps in a word: letters and digits


def _fold(text: str) -> str:
    """Lower case without accents, as unicode61 (remove_diacritics=1) compares words: a letter
    with one accent on a Latin letter loses it ("é", "ñ"); signs, sub- and superscripts and
    ligatures stay what they are ("CO₂" is not "co2", "ﬁ" not "fi"), as they do in the index."""
    text = text.lower()
    if text.isascii():
        return text
    # only the runs of other characters are looked up (ASCII folds to itself): an answer of
    # 3,000 characters with a few curly quotes, 70 -> 10 us
    return _NOT_ASCII.sub(_fold_run, text)


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLDED)


_NOT_ASCII = re.compile("[^\x00-\x7f]+")


class _Folded(dict):
    """A character's folded form (str.translate's table), worked out once a character."""

    def __missing__(self, code: int) -> str:
        import unicodedata

        char = chr(code)
        parts = unicodedata.normalize("NFD", char)
        base = parts[0]
        if len(parts) == 2 and base.isascii() and unicodedata.combining(parts[1]):
            char = base
        elif unicodedata.combining(char) and code in range(0x300, 0x370):
            char = ""  # a combining accent typed apart from its letter
        elif char == "ς":
            char = "σ"  # (lower() writes a final sigma; the index folds it as any other)
        self[code] = char
        return char


_FOLDED = _Folded()


class TextSearch:
    """A search of the question, answer and keywords of the rows read so far, held in memory: it
    answers a search while the index is being built and its full text is not there yet, with
    the full-text index's rules (every word, the one being typed as a prefix, case and accents
    ignored). Rows may be added on one thread while another searches."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._paths: list[str] = []

    def add(self, rows: list[tuple]) -> None:
        """Index rows as ``refresh`` reads them."""
        for r in rows:
            self._texts.append(_fold(f"{r[12]}\n{r[13]}\n{r[14]}"))
            self._paths.append(r[0])  # (after its text: a search takes only paths with one)

    def __len__(self) -> int:
        return len(self._paths)

    def matching(self, query: str) -> set[str]:
        """The paths of the rows read so far that match ``query`` (as ``Collection.matching``)."""
        import re

        patterns = []
        for word, prefix in _terms(query):
            for part in re.findall(f"{_TOKEN}+", _fold(word)):
                tail = "" if prefix else f"(?!{_TOKEN})"
                patterns.append((part, re.compile(f"(?<!{_TOKEN}){re.escape(part)}{tail}")))
        if not patterns:
            return set()
        n = len(self._paths)
        return {
            path
            for path, text in zip(self._paths[:n], self._texts[:n], strict=True)
            if all(part in text and pattern.search(text) for part, pattern in patterns)
        }


def _words(text: str) -> list[str]:
    """The words of ``text`` as the full-text index's tokenizer cuts them (letters and digits;
    an apostrophe, a dash or a sign between two is a break): each one word of the index, never a
    phrase (which an index of detail=column refuses: the query would be an error)."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFC", text).lower()
    return re.findall(f"{_TOKEN}+", text)


def _terms(query: str) -> list[tuple[str, bool]]:
    """(word, whether it matches as a prefix) of a search: the word still being typed (the
    last, unless a space follows it) and words ending in * match as prefixes. A last word of
    one letter is left out until a second one is typed (it would match nearly every entry)."""
    tokens = query.split()
    terms: list[tuple[str, bool]] = []
    for n, raw in enumerate(tokens):
        words = _words(raw)
        for i, w in enumerate(words):
            last_word = i == len(words) - 1
            typing = n == len(tokens) - 1 and not query.endswith(" ")
            prefix = last_word and (raw.endswith("*") or typing)
            if prefix and len(w) < 2 and terms:
                continue
            terms.append((w, prefix))
    return terms


def _fts_query(query: str) -> str:
    """An FTS5 query: every word of ``_terms`` must match."""
    return " AND ".join(f'"{w}"' + ("*" if prefix else "") for w, prefix in _terms(query))
