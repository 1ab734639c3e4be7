"""The collection index: same answers as the full parser, incremental refresh, search."""

from __future__ import annotations

import os
import shutil
import time

from qteditor.core.collection import Collection, read_entry
from qteditor.core.entry import Entry
from qteditor.core.resources import resource
from qteditor.core.yaml import json_safe, scan
from tests.conftest import CORPUS, corpus_files, needs_symlinks


def test_index_equals_full_parser_on_the_corpus(tmp_path):
    corpus_files()  # a missing corpus fails here, saying so
    col = Collection(CORPUS, tmp_path / "cache")
    stats = col.refresh()
    assert stats.files == len(corpus_files()) == col.count()
    by_path = {r.path: r for r in col.records(answers=True)}
    for path in corpus_files():
        rel = path.relative_to(CORPUS).as_posix()
        expected = json_safe(Entry.load(path).data)
        assert by_path[rel].error is None
        assert by_path[rel].data == expected, rel
    col.close()


def test_refresh_is_incremental_and_follows_changes(tmp_path):
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    col = Collection(tmp_path / "site", tmp_path / "cache", workers=1)
    assert col.root == root
    first = col.refresh()
    assert first.read == first.files == 6
    assert col.refresh().read == 0  # warm: nothing read again
    target = root / "mathematics" / "what-is-a-prime-number.md"
    text = target.read_text().replace("What is a prime number?", "What are prime numbers?")
    target.write_text(text)
    os.utime(target, ns=(1, 1))
    (root / "history" / "why-did-the-roman-republic-become-an-empire.md").unlink()
    (root / "bad.md").write_bytes(b"---\na: [1\n---\n")
    again = col.refresh()
    assert (again.read, again.removed, again.files) == (2, 1, 6)
    rows = {r.path: r for r in col.records()}
    assert rows["mathematics/what-is-a-prime-number.md"].fields["title"] == "What are prime numbers?"
    assert rows["bad.md"].error.startswith(str(root / "bad.md") + ":3:1")
    assert col.search("prime numbers")[0] == "mathematics/what-is-a-prime-number.md"
    assert "history/why-did-the-roman-republic-become-an-empire.md" not in rows
    col.close()


def test_search_and_similar(tmp_path):
    col = Collection(resource("sample") / "content" / "learn", tmp_path / "cache", workers=1)
    col.refresh()
    assert col.search("chloroplasts") == ["biology/what-are-the-main-parts-of-a-plant-cell.md"]
    assert col.search("veloc*")[0].startswith("physics/")
    assert col.search("") == [] and col.search("!!") == []
    similar = col.similar("prime numbers divisors", exclude={"mathematics/what-is-a-prime-number.md"})
    assert "mathematics/what-is-a-prime-number.md" not in similar
    col.close()


def test_read_entry_reports_errors_with_location(tmp_path):
    bad = tmp_path / "x.md"
    bad.write_bytes(b"---\na: 1\na: 2\n---\n")
    data, error = read_entry(str(bad))
    assert data is None and error.startswith(f"{bad}:3:1: duplicate key")


def test_filter_as_you_type_queries():
    from qteditor.core.collection import _fts_query

    assert _fts_query("balance sh") == '"balance" AND "sh"*'
    assert _fts_query("balance ") == '"balance"'
    assert _fts_query("the b") == '"the"'  # a lone letter still being typed waits
    assert _fts_query("veloc* x") == '"veloc"*'
    assert _fts_query("!!") == ""


def test_matching_returns_row_ids_of_every_match(tmp_path, monkeypatch):
    import qteditor.core.collection as collection

    monkeypatch.setattr(collection, "CHUNK", 2)  # so that six files count as a large cold index
    col = Collection(resource("sample") / "content" / "learn", tmp_path / "cache", workers=1)
    col.refresh(text=False)
    assert col.text_pending()
    paths = col.matching("cell")  # builds the full-text index on first use
    assert not col.text_pending()
    assert "biology/what-are-the-main-parts-of-a-plant-cell.md" in paths
    col.close()


def test_next_id_from_the_index(tmp_path):
    col = Collection(resource("sample") / "content" / "learn", tmp_path / "cache", workers=1)
    col.refresh()
    assert col.next_id() == 9007
    col.close()


def test_workers_read_while_the_walk_goes_on_and_the_fallback_waits_for_it(tmp_path, monkeypatch):
    import qteditor.core.collection as collection

    monkeypatch.setattr(collection, "CHUNK", 2)  # six files: three chunks, read on workers
    sample = resource("sample") / "content" / "learn"
    serial = Collection(sample, tmp_path / "serial", workers=1)
    serial.refresh()
    expected = serial.rows("path")
    serial.close()
    col = Collection(sample, tmp_path / "pool", workers=2)
    assert col.refresh().files == 6 and col.rows("path") == expected
    col.close()

    class NoWorkers:  # processes cannot start here: fails on the second chunk submitted
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, fn, items):
            for n, _item in enumerate(items):
                if n == 1:
                    raise OSError("no processes")
            return iter(())

    monkeypatch.setattr(collection, "ProcessPoolExecutor", NoWorkers)
    col = Collection(sample, tmp_path / "fallback", workers=2)
    stats = col.refresh()
    assert (stats.files, stats.read, stats.removed) == (6, 6, 0)
    assert col.rows("path") == expected
    col.close()


def test_an_index_written_in_another_format_is_rebuilt(tmp_path):
    """The index is a cache in this Python's marshal format: an older or foreign one (JSON data,
    another version number) is dropped and read again, never misread."""
    root = tmp_path / "site"
    shutil.copytree(resource("sample"), root)
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6
    col.db.execute('UPDATE entries SET data = \'{"title": "stale"}\'')  # as version 2 stored it
    col.db.execute("PRAGMA user_version=2")
    col.close()
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6  # everything read again
    titles = {r.fields["title"] for r in col.records()}
    assert "stale" not in titles and "What is a prime number?" in titles
    col.close()


def test_a_value_the_full_parser_rejects_is_an_error_on_that_entry_not_a_failed_refresh(tmp_path):
    """Regression: ``date: 2023-02-30`` (and a decimal integer over Python's 4,300-digit limit)
    read as a type whose constructor fails. ``parse`` reports a FormatError; the scanner raised
    ValueError instead of answering None, so read_entry let it out and one such file failed the
    whole refresh (the panel showed no entries at all)."""
    for yaml in ("date: 2023-02-30\n", "a: 1\nseo:\n  b: 2019-02-29\n", "n: " + "1" * 4400 + "\n"):
        assert scan(yaml) is None, yaml[:40]
        assert scan(yaml, as_json=True) is None, yaml[:40]
    root = tmp_path / "site"
    shutil.copytree(resource("sample"), root)
    bad = next(root.rglob("*.md"))
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("\n", "\nbad_date: 2023-02-30\n", 1), encoding="utf-8"
    )
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6
    errors = [r for r in col.records() if r.error]
    assert len(errors) == 1 and "2023-02-30" in errors[0].error
    col.close()


def test_ids_sqlite_cannot_hold_stay_in_the_data_only(tmp_path):
    """``id: 99999999999999999999`` (beyond 64 bits) and ``id: true`` must not fail the refresh
    or pass for ids: the id column is empty for them, the entry's data keeps the value."""
    root = tmp_path / "site"
    shutil.copytree(resource("sample"), root)
    files = sorted(root.rglob("*.md"))
    for path, value in zip(files, ("99999999999999999999", "true"), strict=False):
        text = path.read_text(encoding="utf-8")
        start = text.index("\nid: ") + 5
        path.write_text(text[:start] + value + text[text.index("\n", start) :], encoding="utf-8")
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6
    by_path = {r.path: r for r in col.records()}
    rel = [str(f.relative_to(col.root)) for f in files[:2]]
    assert by_path[rel[0]].fields["id"] == 99999999999999999999
    assert by_path[rel[1]].fields["id"] is True
    ids = dict(col.db.execute("SELECT path, id FROM entries").fetchall())
    assert ids[rel[0]] is None and ids[rel[1]] is None
    col.close()


def test_an_unexpected_failure_on_one_file_is_that_entrys_error(tmp_path, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(resource("sample"), root)
    import qteditor.core.collection as collection

    real = collection.scan

    def scan_or_fail(yaml, as_json=False, lines=None):
        if "\nid: 9006\n" in "\n" + yaml:  # the prime-number entry
            raise RuntimeError("scanner bug")
        return real(yaml, as_json, lines)

    monkeypatch.setattr(collection, "scan", scan_or_fail)
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6
    errors = {r.path: r.error for r in col.records() if r.error}
    assert list(errors) == ["mathematics/what-is-a-prime-number.md"]
    assert "RuntimeError: scanner bug" in errors["mathematics/what-is-a-prime-number.md"]
    col.close()


# ---------------------------------------------------------------------------- a real cache
def _site(tmp_path, monkeypatch=None):
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    return root


def _fts_ok(col: Collection) -> None:
    col.db.execute("INSERT INTO fts(fts) VALUES('integrity-check')")


def test_a_change_after_a_textless_cold_index_keeps_the_cache_whole(tmp_path, monkeypatch):
    """Regression: a cold refresh without full text, then one changed file, made FTS5 take a
    'delete' of a row it never had, and the cache was 'malformed' for good."""
    import qteditor.core.collection as collection

    monkeypatch.setattr(collection, "CHUNK", 2)  # six files count as a large cold index
    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh(text=False)
    assert col.text_pending()
    target = root / "mathematics" / "what-is-a-prime-number.md"
    target.write_text(target.read_text().replace("prime number?", "prime numeral?"))
    assert col.refresh(text=False).read == 1
    col.update_file("mathematics/what-is-a-prime-number.md")
    assert "mathematics/what-is-a-prime-number.md" in col.matching("numeral")
    _fts_ok(col)
    target.write_text(target.read_text().replace("numeral", "numeric"))
    col.refresh()  # now with full text maintained row by row
    _fts_ok(col)
    assert col.search("numeric") == ["mathematics/what-is-a-prime-number.md"]
    assert col.search("numeral") == []
    col.close()


def test_a_same_size_edit_with_its_mtime_put_back_is_read_again(tmp_path):
    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    target = root / "mathematics" / "what-is-a-prime-number.md"
    st = target.stat()
    text = target.read_text()
    target.write_text(text.replace("What is a prime number?", "What is a prime numbe?!"))
    assert target.stat().st_size == st.st_size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # touch -r, cp -p, rsync -t
    assert col.refresh().read == 1
    assert col.record("mathematics/what-is-a-prime-number.md").fields["title"] == "What is a prime numbe?!"
    col.close()


def _refresh_in_a_process(root: str, cache: str, rounds: int, out) -> None:
    try:
        for _ in range(rounds):
            col = Collection(root, __import__("pathlib").Path(cache), workers=1)
            col.refresh(text=False)
            col.matching("cell")
            assert col.count() == 6, col.count()
            col.close()
        out.put("ok")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        out.put(f"{type(exc).__name__}: {exc}")


def test_processes_share_one_cache_while_files_change(tmp_path):
    import multiprocessing

    root = _site(tmp_path)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_refresh_in_a_process, args=(str(root), str(tmp_path / "cache"), 15, out))
        for _ in range(3)
    ]
    for p in procs:
        p.start()
    files = sorted(root.rglob("*.md"))
    for n in range(40):  # edits while they index
        f = files[n % len(files)]
        f.write_text(
            f.read_text().replace("\nauthor:", f"\nx{n % 3}: {n}\nauthor:", 1)
            if n % 2 == 0
            else f.read_text()
        )
        time.sleep(0.01)
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert results == ["ok"] * 3
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    _fts_ok(col)
    col.close()


def test_a_damaged_cache_is_rebuilt_with_a_notice(tmp_path):
    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    path = col.db_path
    col.close()
    path.write_bytes(b"this is not an SQLite database" * 100)
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6 and col.count() == 6
    assert "damaged" in col.notice and "rebuilt" in col.notice
    col.close()
    # damage found later, on a query: rebuilt too, and the query answered
    col = Collection(root, tmp_path / "cache", workers=1)
    col.notice = None
    col.db.execute("DROP TABLE entries")
    assert col.count() == 6 and "rebuilt" in col.notice
    col.close()


def test_a_cache_locked_too_long_gives_way_to_a_private_one(tmp_path, monkeypatch):
    import sqlite3

    import qteditor.core.collection as collection

    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    holder = sqlite3.connect(str(col.db_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(collection, "BUSY_SECONDS", 0.2)
    (root / "biology" / "new.md").write_bytes((root / "biology").glob("*.md").__next__().read_bytes())
    other = Collection(root, tmp_path / "cache", workers=1)
    assert other.refresh().files == 7 and other.count() == 7
    assert "locked" in other.notice
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    col.close()


def test_an_unusable_cache_folder_gives_a_private_index(tmp_path):
    root = _site(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    col = Collection(root, blocker, workers=1)
    assert col.refresh().read == 6 and col.search("chloroplasts")
    assert "cache folder cannot be used" in col.notice
    col.close()


def test_a_file_over_the_size_cap_is_an_error_and_is_not_read(tmp_path, monkeypatch):
    import qteditor.core.collection as collection

    root = _site(tmp_path)
    huge = root / "biology" / "huge.md"
    with open(huge, "wb") as fh:
        fh.truncate(collection.MAX_FILE_BYTES + 1)  # sparse: nothing to read, if it were read
    calls = []
    real = collection._read_bytes
    monkeypatch.setattr(collection, "_read_bytes", lambda p, s=-1: calls.append(p) or real(p, s))
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    rec = col.record("biology/huge.md")
    assert "too large" in rec.error and str(huge) not in calls
    col.close()


def test_records_know_each_keys_line(tmp_path):
    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    for rec in col.records():
        entry = Entry.load(root / rec.path)
        for dotted in ("title", "seo.title", "subject", "related_article1.title", "seo.nothing"):
            want = entry.field_lines(dotted) or entry.field_lines(dotted.split(".")[0])
            assert rec.line_of(dotted) == (want[0] if want else None), (rec.path, dotted)
    col.close()


def test_a_refresh_hands_over_every_row_it_reads_and_they_search_as_the_index_does(tmp_path):
    """What a browser shows while a collection is indexed: the rows as read (the stored rows
    but their rowid), and a search over them in memory that finds what the full-text index
    finds once built (words, the last one a prefix, two words, case and accents ignored)."""
    import random
    import re

    from qteditor.core.collection import TextSearch, browse_rows

    col = Collection(CORPUS, tmp_path / "cache", workers=2)
    chunks: list[list[tuple]] = []
    col.refresh(rows=chunks.append)
    assert len(chunks) > 1  # chunk by chunk, as they are read
    # a large collection is listed first (its rows without stored data), then says it is all
    assert chunks[-1] == [] and all(chunks[:-1])
    assert all(row[-4:] == (b"", b"", b"", b"") for chunk in chunks for row in chunk)
    streamed = [row for chunk in chunks for row in browse_rows(chunk)]
    stored = col.rows()
    assert sorted(streamed) == sorted(r[:6] + (None,) for r in stored)
    assert len(streamed) == len(corpus_files())

    memory = TextSearch()
    for chunk in chunks:
        memory.add(chunk)
    assert len(memory) == len(streamed)
    rng = random.Random(10)
    words = sorted({w for r in stored for w in re.findall(r"[A-Za-z]{4,}", r[1])})
    queries = rng.sample(words, 40)
    queries += [w[:3] for w in rng.sample(words, 15)]  # being typed: a prefix
    queries += [f"{a} {b[:4]}" for a, b in zip(rng.sample(words, 15), rng.sample(words, 15), strict=True)]
    queries += [f"{w} " for w in rng.sample(words, 5)] + [w.upper() for w in rng.sample(words, 5)]
    queries += ["photosynthesis", "café", "schrodinger", "Schrödinger", "e=mc2", "x", "", "  "]
    found = 0
    for query in queries:
        expected = col.matching(query)
        assert memory.matching(query) == expected, query
        found += bool(expected)
    assert found > 50  # the queries find things (not only empty sets compared)
    col.close()


# texts of the kind the corpus has: curly apostrophes, dashes, signs, sub- and superscripts,
# ligatures, accents (composed and not), other scripts
_TRICKY = [
    "Plants don’t waste CO₂: they fix it. Don Quixote was a knight.",
    "An x–ray (or x-ray) photo of 3×4 cells—walls and all; it’s the cell’s wall.",
    "The ﬁsh breathes H₂O; E=mc² holds; ½ of the ℓ units; naïve café, Schrödinger’s cat.",
    "Việt Nam and ΟΔΟΣ; a Greek σοφία; 光合作用 in Chinese; हिन्दी and كِتَاب too.",
    "Rock’n’roll at nine o’clock; L’Hôpital’s rule; the 1990s and the 19th century.",
]


def _tricky_collection(tmp_path):
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    source = bio.read_text(encoding="utf-8")
    assert "A plant cell has several parts" in source
    for n, text in enumerate(_TRICKY):
        body = source.replace("A plant cell has several parts", f"{text} A plant cell has several parts")
        body = body.replace("what-are-the-main-parts-of-a-plant-cell", f"tricky-{n}")
        (bio.parent / f"tricky-{n}.md").write_text(body, encoding="utf-8")
    return tmp_path / "site"


def test_a_search_of_any_words_never_damages_the_index_and_memory_finds_what_it_finds(tmp_path):
    """Queries with the signs that join words in the entries (’ – × — ₂ ² ﬁ ½ ℓ …) are asked of
    the full-text index as the words it holds: no query is an error there (an error was taken
    for a damaged index, which was deleted and built again), and the search in memory of the
    rows read finds the same entries (the browser switches from one to the other)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qteditor.core.collection import TextSearch

    chunks: list[list[tuple]] = []
    col = Collection(_tricky_collection(tmp_path), tmp_path / "cache", workers=1)
    col.refresh(rows=chunks.append)
    col.ensure_text()
    memory = TextSearch()
    for chunk in chunks:
        memory.add(chunk)
    for text in ("What’s a plant cell’s wall?", "x–ray 3×4 cells—walls"):  # related entries
        col.similar(text)
    pieces = st.sampled_from(
        "don t it s cell x ray 3 4 co 2 h o fish ﬁsh e mc 1 ℓ l naive naïve cafe café cafe\u0301 "
        "schrodinger σοφία σοφια οδος 光合作用 rock n roll clock hopital 1990s 19th wall walls plant "
        "CO₂ H₂O mc² ½".split()
    )
    joins = st.sampled_from([" ", "’", "'", "–", "-", "×", "—", "·", "*", "", "  ", "’s ", "\u0301"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(pieces, joins), min_size=1, max_size=4), st.booleans())
    def same(parts, typing):
        query = "".join(p + j for p, j in parts)
        query = query if typing else query + " "
        assert memory.matching(query) == col.matching(query), query
        assert col.notice is None, query

    same()
    assert col.matching("don’t") == col.matching("don't")  # the apostrophes are one
    # a letter SQLite's Unicode tables do not know as one (New Tai Lue, 2006) cuts the word
    # there: asked as a phrase, refused; it finds nothing, and the index is not rebuilt
    assert col.matching("cell\u19b0wall") == set() and col.similar("plants\u19b0cells") == []
    assert col.notice is None
    assert "biology/tricky-0.md" in col.matching("CO₂") == col.matching("co₂")
    col.close()


def _same_records(a, b):
    assert [r.path for r in a] == [r.path for r in b]
    for x, y in zip(a, b, strict=True):
        assert (x.data, x.error, tuple(x.lines)) == (y.data, y.error, tuple(y.lines)), x.path
        assert x.local == y.local, x.path


def test_a_cold_refresh_hands_its_records_to_the_next_records_call_once(tmp_path, monkeypatch):
    """A refresh that read every file keeps the records it made of the rows: the next
    ``records()`` takes them (no read back) and they are what the index holds; they are taken
    once, and never once the index changed since."""
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    (root / "bad.md").write_bytes(b"---\na: [1\n---\n")
    col = Collection(tmp_path / "site", tmp_path / "cache", workers=1)
    col.refresh()
    reads = []
    execute = col.db.execute

    class Spy:
        def execute(self, sql, *args):
            if "FROM entries ORDER BY path" in sql:
                reads.append(sql)
            return execute(sql, *args)

        def __getattr__(self, name):
            return getattr(col.db_real, name)

    col.db_real = col.db
    col.db = Spy()
    first = col.records()
    assert reads == []  # taken from the refresh
    second = col.records()
    assert len(reads) == 1  # read back: the first list was handed over
    _same_records(first, second)
    assert first[0] is not second[0]
    assert any(r.error for r in first) and [r.path for r in first] == sorted(r.path for r in first)
    col.db = col.db_real

    # the index changed by another process since the refresh: its records are read back
    col2 = Collection(tmp_path / "site", tmp_path / "cache2", workers=1)
    col2.refresh()
    target = root / "mathematics" / "what-is-a-prime-number.md"
    target.write_text(target.read_text().replace("What is a prime number?", "Primes?"))
    twin = Collection(tmp_path / "site", tmp_path / "cache2", workers=1)
    assert twin.refresh().read == 1
    fresh = {r.path: r for r in col2.records()}
    assert fresh["mathematics/what-is-a-prime-number.md"].fields["title"] == "Primes?"
    for c in (col, col2, twin):
        c.close()


@needs_symlinks
def test_a_symbolic_link_is_no_entry_and_hides_no_other_entry_of_its_folder(tmp_path):
    """A symbolic link is not indexed (a fix never writes through one: an alias checked would
    be a duplicate nothing fixes), and one the walk cannot even look at (a link to itself, to
    nothing) leaves every other entry of its folder indexed (the rest of it was dropped)."""
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    folder = root / "biology"
    source = next(folder.glob("*.md")).read_text(encoding="utf-8")
    for n in range(30):
        (folder / f"extra-{n:02d}.md").write_text(source, encoding="utf-8")
    for name in ("a-loop.md", "m-loop.md", "z-loop.md"):
        (folder / name).symlink_to(name)  # ELOOP when followed
    (folder / "b-nothing.md").symlink_to("missing.md")
    # an alias of an entry, and a link to a file outside: not entries of their own either
    (folder / "c-alias.md").symlink_to(folder / "extra-00.md")
    outside = tmp_path / "outside.md"
    outside.write_text(source, encoding="utf-8")
    (folder / "d-outside.md").symlink_to(outside)
    col = Collection(tmp_path / "site", tmp_path / "cache", workers=1)
    listed = {rel for rel, _stamp in col.files()}
    expected = {p.relative_to(root).as_posix() for p in root.rglob("*.md") if not p.is_symlink()}
    assert listed == expected
    assert col.refresh().files == len(expected)
    col.close()


def test_a_large_collection_is_listed_before_the_index_takes_its_write_lock(tmp_path):
    """The first pass over a collection indexed from nothing (the browser's rows) holds no lock
    of the shared cache: another process writes meanwhile; the index's pass then stores every
    entry with its data and findings, the same records as a refresh without a browser."""
    import sqlite3

    cache = tmp_path / "cache"
    col = Collection(CORPUS, cache, workers=2)
    other = sqlite3.connect(str(col.db_path), timeout=0.5, isolation_level=None)
    wrote: list[bool] = []

    def rows(chunk: list[tuple]) -> None:
        if not wrote and chunk:
            other.execute("BEGIN IMMEDIATE")  # (sqlite3.OperationalError: locked, if held)
            other.execute("ROLLBACK")
            wrote.append(True)

    col.refresh(rows=rows)
    other.close()
    assert wrote == [True]
    listed = col.records()
    plain = Collection(CORPUS, tmp_path / "cache2", workers=2)
    plain.refresh()
    _same_records(listed, plain.records())
    assert col.records()[0].local is not None  # (read back: the index's own rows)
    for c in (col, plain):
        c.close()


def test_a_cold_build_copies_its_log_into_the_database_on_a_thread_while_the_caller_goes_on(
    tmp_path, monkeypatch
):
    """A large cold build commits without copying its write-ahead log into the database
    (that copy is most of a commit of 36,000 rows); a thread with its own connection copies
    it, passively, while the caller's checks run. The database holds every row without the
    log, later writes and readers are not held up, and the log is emptied."""
    import sqlite3

    import qteditor.core.collection as collection

    monkeypatch.setattr(collection, "CHUNK", 2)  # six files count as a large cold index
    started = []
    real = collection._checkpoint_soon
    monkeypatch.setattr(collection, "_checkpoint_soon", lambda path: started.append(real(path)))
    root = _site(tmp_path)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh(text=False)
    assert len(started) == 1
    assert col.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == collection.AUTOCHECKPOINT
    col.store("check|x", b"written while the log is copied", kind="check|")  # not held up
    collection.wait_for_checkpoints()
    assert not started[0].is_alive() and not collection._CHECKPOINTS
    copy = tmp_path / "copy.sqlite"  # the database file alone, without its log
    copy.write_bytes(col.db_path.read_bytes())
    alone = sqlite3.connect(copy)
    assert alone.execute("SELECT count(*) FROM entries").fetchone()[0] == col.count() == 6
    alone.close()
    assert col.cached("check|x") == b"written while the log is copied"
    col.close()
    assert not os.path.exists(f"{col.db_path}-wal")  # the last connection removed it

    # a warm refresh starts no copy; a cache removed before the copy runs is no error
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    assert len(started) == 1
    col.close()
    real(str(tmp_path / "gone" / "index.sqlite")).join()
    assert not collection._CHECKPOINTS


def test_the_cyclic_collector_is_held_off_until_the_last_pause_ends(monkeypatch):
    import gc
    import threading

    from qteditor.core.bulk import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause goes on
        inside, go_on = threading.Event(), threading.Event()

        def other() -> None:
            with gc_paused():
                inside.set()
                go_on.wait(5)

        thread = threading.Thread(target=other)
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's pause is not over
    go_on.set()
    thread.join(5)
    assert gc.isenabled()
    gc.disable()  # a collector off before stays off
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
