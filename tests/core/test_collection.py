"""The collection index: same answers as the full parser, incremental refresh, search."""

from __future__ import annotations

import os
import shutil

from qteditor.core.collection import Collection, read_entry
from qteditor.core.document import split
from qteditor.core.entry import Entry
from qteditor.core.resources import resource
from qteditor.core.scanner import scan
from qteditor.core.yamlspan import json_safe, parse, same
from tests.conftest import CORPUS, corpus_files


def test_scanner_agrees_with_the_full_parser_on_every_corpus_file():
    answered = 0
    for path in corpus_files():
        yaml = split(path.read_bytes()).yaml
        fast = scan(yaml)
        if fast is not None:
            answered += 1
            assert same(fast, parse(yaml).data), path
    assert answered >= 0.99 * len(corpus_files())  # the fast path covers the common shape


def test_scanner_gives_up_outside_the_common_shape():
    for yaml in ("a: 1 # c\n", "a: 'q'\n", "a:\n  - x\n", "a: >-\n    one\n    two\n", "a: &x 1\n",
                 "a: 1\na: 2\n", "a:\n  b:\n    c: 1\n", "a: |\n  x\n", "a:\tb\n", "a: x\n  y\n",
                 "a: >-\n    x\n\n  b: 1\n", "true: 1\n"):
        assert scan(yaml) is None, yaml


def test_index_equals_full_parser_on_the_corpus(tmp_path):
    col = Collection(CORPUS, tmp_path / "cache")
    stats = col.refresh()
    assert stats.files == len(corpus_files()) == col.count()
    by_path = {r.path: r for r in col.records()}
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
    ids = col.matching("cell")  # builds the full-text index on first use
    assert not col.text_pending()
    paths = {r[0] for r in col.rows() if r[6] in ids}
    assert "biology/what-are-the-main-parts-of-a-plant-cell.md" in paths
    col.close()


def test_next_id_from_the_index(tmp_path):
    col = Collection(resource("sample") / "content" / "learn", tmp_path / "cache", workers=1)
    col.refresh()
    assert col.next_id() == 9007
    col.close()


def test_scanner_types_plain_values_as_the_resolver_does():
    from qteditor.core.scanner import _typed
    from qteditor.core.yamlspan import _resolve_plain

    for text in ("0", "7", "123008", "0123", "-1", "+1", "1_000", "0o17", "0x1F", "1.5", "-1.0",
                 "1e3", ".5", ".nan", ".inf", "-.inf", "2024-12-13", "2024-12-13T10:00:00",
                 "2024-1-3", "12:30", "true", "True", "TRUE", "tRUE", "false", "null", "Null",
                 "~", "nothing", "title", "the answer", "=", "<<", "<b>", "9 lives",
                 "1984", "١٢", "2024-13-45x", "+", "-", ".", "NaN", "Infinity"):
        if text[0] in "0123456789+-.tTfFnN~=<":
            assert same(_typed(text), _resolve_plain(text)), text


def test_scanner_json_values_and_printable_check():
    from qteditor.core.scanner import printable

    assert scan("a: 2024-12-13\nb: 1.5\nc: .nan\nd: 7\n", as_json=True) == {
        "a": "2024-12-13", "b": 1.5, "c": "nan", "d": 7}
    for text in ("a: b\n", "a: é\n", "a: \u2028\n", "a:\tb\n", "a: \x85\n", "a: \ufeff\n",
                 "a: \x7f\n", "a: b\r\n", "", "\n", "a: 😀\n", "a: \xa0\n"):
        assert printable(text) == text.replace("\n", "").isprintable(), repr(text)


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
    col.db.execute("UPDATE entries SET data = '{\"title\": \"stale\"}'")  # as version 2 stored it
    col.db.execute("PRAGMA user_version=2")
    col.db.commit()
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
    bad.write_text(bad.read_text(encoding="utf-8").replace("\n", "\nbad_date: 2023-02-30\n", 1),
                   encoding="utf-8")
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
        path.write_text(text[:start] + value + text[text.index("\n", start):], encoding="utf-8")
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

    def scan_or_fail(yaml, as_json=False):
        if "\nid: 9006\n" in "\n" + yaml:  # the prime-number entry
            raise RuntimeError("scanner bug")
        return real(yaml, as_json)

    monkeypatch.setattr(collection, "scan", scan_or_fail)
    col = Collection(root, tmp_path / "cache", workers=1)
    assert col.refresh().read == 6
    errors = {r.path: r.error for r in col.records() if r.error}
    assert list(errors) == ["mathematics/what-is-a-prime-number.md"]
    assert "RuntimeError: scanner bug" in errors["mathematics/what-is-a-prime-number.md"]
    col.close()
