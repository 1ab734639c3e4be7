"""Renames as a workspace plan: the entry moves, every link follows, nothing is lost when a
step fails."""

from __future__ import annotations

import os
import shutil

import pytest

from qteditor.core.entry import Entry
from qteditor.core.errors import SaveError
from qteditor.core.resources import resource
from qteditor.core.workspace import Workspace

MATH = "mathematics/what-is-a-prime-number.md"
CHEM = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    ws = Workspace(root, workers=1)
    ws.refresh()
    yield root, ws
    ws.close()


def _retitled(path, title="What are prime numbers?"):
    fields = Entry.load(path).fields()
    fields.update(title=title, article_title=title, question=title)
    return fields


def test_rename_moves_the_file_and_updates_inbound_links(site):
    root, ws = site
    path = root / MATH
    fields = _retitled(path)
    rp = ws.plan_rename(path, fields)
    assert rp.new_path == root / "mathematics" / "what-are-prime-numbers.md"
    assert rp.new_url == "/learn/mathematics/questions/what-are-prime-numbers"
    linking = sorted(f.relative_to(root).as_posix() for f, _ in rp.inbound)
    assert linking == [
        CHEM,
        "computer-science/what-does-a-python-list-comprehension-do.md",
        "physics/what-is-the-difference-between-speed-and-velocity.md",
    ]
    assert [c.kind for c in rp.plan.writes] == ["create", "write", "write", "write", "delete"]
    assert "+url: /learn/mathematics/questions/what-are-prime-numbers" in rp.plan.diff()
    chem = root / CHEM
    before = chem.read_bytes().split(b"\n")
    ws.apply_rename(rp)
    assert not path.exists() and rp.new_path.exists()
    moved = Entry.load(rp.new_path).fields()
    assert moved["file_name"] == "what-are-prime-numbers.md" and moved["url"] == rp.new_url
    after = chem.read_bytes().split(b"\n")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (b"        What is a prime number?", b"        What are prime numbers?"),
        (
            b"    url: /learn/mathematics/questions/what-is-a-prime-number",
            b"    url: /learn/mathematics/questions/what-are-prime-numbers",
        ),
    ]


def test_rename_refuses_to_overwrite(site):
    root, ws = site
    path = root / MATH
    fields = Entry.load(path).fields()
    fields["subject"] = "Physics"
    fields["title"] = "What is the difference between speed and velocity?"
    rp = ws.plan_rename(path, fields)
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    with pytest.raises(SaveError):
        ws.apply_rename(rp)
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before


def test_a_read_only_linking_file_stops_the_rename_before_anything_is_written(site):
    root, ws = site
    path = root / MATH
    rp = ws.plan_rename(path, _retitled(path))
    os.chmod(root / CHEM, 0o444)
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    with pytest.raises(SaveError) as info:
        ws.apply_rename(rp)
    assert "read-only" in str(info.value) and "nothing was changed" in str(info.value)
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before


def test_a_link_that_fails_half_way_keeps_the_old_file(site, monkeypatch):
    from qteditor.core import storage

    root, ws = site
    path = root / MATH
    rp = ws.plan_rename(path, _retitled(path))
    real = storage.update
    calls = []

    def failing(p, compute, **kw):  # the second linking file cannot be written
        calls.append(p)
        if len(calls) == 2:
            raise SaveError("the disk is full; the file on disk is unchanged", p)
        return real(p, compute, **kw)

    monkeypatch.setattr(storage, "update", failing)
    old = path.read_bytes()
    with pytest.raises(SaveError) as info:
        ws.apply_rename(rp)
    assert "the old file is kept" in str(info.value)
    assert path.read_bytes() == old  # nothing lost: the entry is still where it was
    assert rp.new_path.exists()


def test_a_linking_file_edited_since_the_plan_keeps_its_edit(site):
    root, ws = site
    path = root / MATH
    rp = ws.plan_rename(path, _retitled(path))
    chem = root / CHEM
    chem.write_text(chem.read_text().replace("author: QuickTakes", "author: Someone"))
    ws.apply_rename(rp)
    fields = Entry.load(chem).fields()
    assert fields["author"] == "Someone"
    assert fields["related_article1"]["url"] == "/learn/mathematics/questions/what-are-prime-numbers"
