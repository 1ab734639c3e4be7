"""Every real entry: a no-op save is byte-identical; editing a field changes only its lines
and the file reloads to exactly the intended data."""

from __future__ import annotations

import datetime as dt

import pytest

from qteditor.core.entry import Entry
from qteditor.core.yaml import same, unshare
from tests.conftest import corpus_files, rare_files


def _mutate(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if isinstance(value, float):
        return value + 0.5
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=3)
    if isinstance(value, str):
        return value + ": edited #1 'it''s' \"q\" \\ x\n- item"
    return value


def _leaves(data, path=()):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _leaves(value, path + (key,))
        else:
            yield path + (key,), value


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    if value is _DELETE:
        del data[path[-1]]
    else:
        data[path[-1]] = value


_DELETE = object()


def _check_edit(entry: Entry, path: tuple, new_fields: dict) -> None:
    # the writer verifies its text the way a plan of many files does (by the scanner where the
    # text has the common shape, else the full parser); the full parser reads the bytes below
    rendered = entry.render(new_fields, need_parsed=False)
    assert rendered is not None, f"{path}: a change wrote nothing"
    raw = rendered[0]
    again = Entry.from_bytes(raw, entry.path)
    assert same(again.fields(), new_fields), f"{entry.path}: {path} did not read back"
    old_lines = entry.raw.split(b"\n")
    new_lines = raw.split(b"\n")
    first, last = entry.field_lines(path)  # 1-based, inclusive
    before = first - 1
    after = len(old_lines) - last
    assert new_lines[:before] == old_lines[:before], f"{path}: lines before the field changed"
    assert new_lines[len(new_lines) - after :] == old_lines[len(old_lines) - after :], (
        f"{path}: lines after the field changed"
    )


@pytest.mark.untraced
@pytest.mark.parametrize("chunk", range(10))
def test_noop_and_every_field_edit(chunk: int) -> None:
    """Every corpus file saves byte for byte untouched; every other one in the corpus's order,
    and every file of a rare MANIFEST reason (fewer than 20 files: the longest answer, the
    smallest file…), has each of its fields edited in turn (about half the corpus: editing
    every field of all of it took a third of the suite's time)."""
    files = corpus_files()[chunk::10]
    rare = rare_files(20)
    edits = 0
    for i, path in enumerate(files):
        entry = Entry.load(path)
        assert entry.render(entry.fields()) is None, f"{path}: a no-op save would write"
        assert entry.doc.to_bytes() == entry.raw, f"{path}: split/join is not exact"
        if i % 2 and path not in rare:
            continue
        base = entry.fields()
        for leaf, value in _leaves(base):
            new = unshare(base)
            _set(new, leaf, _mutate(value))
            _check_edit(entry, leaf, new)
            edits += 1
    assert edits > 5 * len(files)


@pytest.mark.untraced
@pytest.mark.parametrize("chunk", range(4))
def test_delete_each_field(chunk: int) -> None:
    """Deleting a key removes its lines and only them (every 8th file, every key)."""
    for path in corpus_files()[chunk::32]:
        entry = Entry.load(path)
        base = entry.fields()
        for leaf, _value in list(_leaves(base)) + [((k,), None) for k in base if isinstance(base[k], dict)]:
            new = unshare(base)
            _set(new, leaf, _DELETE)
            rendered = entry.render(new)
            again = Entry.from_bytes(rendered[0], entry.path)
            assert same(again.fields(), new), f"{path}: deleting {leaf}"
            first, last = entry.field_lines(leaf)
            old_lines = entry.raw.split(b"\n")
            expected = old_lines[: first - 1] + old_lines[last:]
            assert rendered[0].split(b"\n") == expected, f"{path}: deleting {leaf} touched other lines"
