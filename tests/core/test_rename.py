from __future__ import annotations

import shutil

import pytest

from qteditor.core.collection import Collection
from qteditor.core.entry import Entry
from qteditor.core.errors import SaveError
from qteditor.core.rename import apply, plan
from qteditor.core.resources import resource


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    col = Collection(root, tmp_path / "cache", workers=1)
    col.refresh()
    yield root, col.records()
    col.close()


def test_rename_moves_the_file_and_updates_inbound_links(site):
    root, records = site
    path = root / "mathematics" / "what-is-a-prime-number.md"
    entry = Entry.load(path)
    fields = entry.fields()
    fields.update(title="What are prime numbers?", article_title="What are prime numbers?",
                  question="What are prime numbers?")
    p = plan(root, path, fields, records)
    assert p.new_path == root / "mathematics" / "what-are-prime-numbers.md"
    assert p.new_url == "/learn/mathematics/questions/what-are-prime-numbers"
    linking = sorted(f.relative_to(root).as_posix() for f, _ in p.inbound)
    assert linking == ["chemistry/how-do-you-balance-the-equation-for-burning-methane.md",
                       "computer-science/what-does-a-python-list-comprehension-do.md",
                       "physics/what-is-the-difference-between-speed-and-velocity.md"]
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    before = chem.read_bytes().split(b"\n")
    apply(p, fields)
    assert not path.exists() and p.new_path.exists()
    moved = Entry.load(p.new_path).fields()
    assert moved["file_name"] == "what-are-prime-numbers.md" and moved["url"] == p.new_url
    after = chem.read_bytes().split(b"\n")
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [(b"        What is a prime number?", b"        What are prime numbers?"),
                       (b"    url: /learn/mathematics/questions/what-is-a-prime-number",
                        b"    url: /learn/mathematics/questions/what-are-prime-numbers")]


def test_rename_refuses_to_overwrite(site):
    root, records = site
    path = root / "mathematics" / "what-is-a-prime-number.md"
    fields = Entry.load(path).fields()
    fields["subject"] = "Physics"
    fields["title"] = "What is the difference between speed and velocity?"
    p = plan(root, path, fields, records)
    with pytest.raises(SaveError):
        apply(p, fields)
    assert path.exists()
