"""The workspace's results kept in the index: each kind of result (the check, the inferred slug
rule) for its generation, one kind never evicting another."""

from __future__ import annotations

import shutil

import pytest

from qteditor.core import slugs
from qteditor.core.resources import resource
from qteditor.core.workspace import Workspace


def _site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    return root


def test_the_slug_rule_is_inferred_once_per_generation_and_the_check_result_stays(tmp_path, monkeypatch):
    root = _site(tmp_path, monkeypatch)
    calls = []
    real = slugs.infer_rule
    monkeypatch.setattr(slugs, "infer_rule", lambda pairs: calls.append(len(pairs)) or real(pairs))
    first = Workspace.for_folder(root)
    first.refresh()
    rule = first.slug_rule
    problems = first.check()
    assert calls == [6]
    second = Workspace.for_folder(root)  # another process, the same cache
    second.refresh()
    assert second.slug_rule == rule and calls == [6]  # from the index
    index = second.index()
    check_key = next(k for (k,) in index.db.execute("SELECT key FROM results") if k.startswith("check|"))
    assert index.cached(check_key) is not None  # storing the rule did not evict the check
    assert [p.rule for p in second.check()] == [p.rule for p in problems]
    page = root / "physics" / "what-is-the-difference-between-speed-and-velocity.md"
    page.write_text(page.read_text().replace("author: QuickTakes", "author: Someone"))
    third = Workspace.for_folder(root)
    third.refresh()  # a new generation: inferred again
    assert third.slug_rule == rule and calls == [6, 6]


def test_related_candidates_offer_similar_entries_but_not_itself_or_what_is_listed(tmp_path, monkeypatch):
    root = _site(tmp_path, monkeypatch)
    ws = Workspace.for_folder(root)
    ws.refresh()
    ws.index().ensure_text()
    own = "physics/what-is-the-difference-between-speed-and-velocity.md"
    fields = next(r for r in ws.records() if r.path == own).fields
    mine = {"question": "How fast does a plant cell divide, and what is a prime number?", "answer": ""}
    paths, exclude = ws.related_candidates({**fields, **mine}, set(), own)
    assert own in exclude and own not in paths
    assert "biology/what-are-the-main-parts-of-a-plant-cell.md" in paths
    assert "mathematics/what-is-a-prime-number.md" in paths
    prime = "mathematics/what-is-a-prime-number.md"
    prime_url = next(r for r in ws.records() if r.path == prime).fields["url"]
    paths, exclude = ws.related_candidates({**fields, **mine}, {prime_url}, own)
    assert "mathematics/what-is-a-prime-number.md" in exclude
    assert "mathematics/what-is-a-prime-number.md" not in paths
    assert "biology/what-are-the-main-parts-of-a-plant-cell.md" in paths
    lone = Workspace(lone=root / own)
    assert lone.related_candidates(fields, set(), None) == ([], set())


def test_problems_of_an_open_entry_in_the_collection_or_alone(tmp_path, monkeypatch):
    """The window's Problems panel: an entry in the collection is checked against it (a stale
    related id is found) under its path there; the same entry outside is checked alone, named
    by its folder and file name; a new entry by the file name it would get."""
    import shutil

    from qteditor.core.session import EditSession

    root = _site(tmp_path, monkeypatch)
    ws = Workspace.for_folder(root)
    ws.refresh()
    own = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"
    inside = EditSession.open(root / own, root, ws.slug_rule)
    inside.fields["related_article2"]["id"] = 1  # stale: only the collection knows
    inside.fields["seo"]["title"] = "QuickTakes | Cooking"  # wrong in any company
    assert ws.contains(inside)
    found = ws.problems_of(inside, ws.context())
    assert sorted((p.path, p.rule) for p in found) == [(own, "related-stale-id"), (own, "seo-title-mismatch")]
    before_check = ws.problems_of(inside, None)  # no check yet: the entry alone, at its path
    assert [(p.path, p.rule) for p in before_check] == [(own, "seo-title-mismatch")]

    elsewhere = tmp_path / "drafts" / "x.md"
    elsewhere.parent.mkdir()
    shutil.copy(root / own, elsewhere)
    alone = EditSession.open(elsewhere, None, ws.slug_rule)
    assert not ws.contains(alone)
    problems = ws.problems_of(alone, ws.context())
    assert {p.path for p in problems} == {"drafts/x.md"}
    assert "file-name-mismatch" in {p.rule for p in problems}  # x.md is not its title's slug
    assert "related-stale-id" not in {p.rule for p in problems}
    assert [(p.path, p.rule) for p in Workspace(lone=elsewhere).problems_of(alone)] == [
        (p.path, p.rule) for p in problems
    ]

    new = EditSession.new(ws.schema, root, 7, {"title": "What is a wave?"}, ws.slug_rule)
    assert ws.contains(new) and new.lone_path() == new.fields["file_name"]
    fresh = ws.problems_of(new, ws.context())
    assert fresh and {p.path for p in fresh} == {new.fields["file_name"]}


def test_new_entry_fields_take_the_open_subject_and_the_next_free_id(tmp_path, monkeypatch):
    from qteditor.core import session
    from qteditor.core.workspace import new_entry_fields

    root = _site(tmp_path, monkeypatch)
    ws = Workspace.for_folder(root)
    # before the index is read, the id comes from the files' id lines
    assert ws.new_entry_fields({"subject": "Physics", "title": "x"}, listed=False) == (
        {"subject": "Physics"},
        9007,
    )
    ws.refresh()
    page = root / "physics" / "what-is-the-difference-between-speed-and-velocity.md"
    page.write_text(page.read_text().replace("\nid: 9005\n", "\nid: 9100\n"))  # not in the index yet

    real = session.next_free_id

    def no_scan(folder):
        raise AssertionError("the index knows the ids: no file is read")

    monkeypatch.setattr(session, "next_free_id", no_scan)
    assert ws.new_entry_fields({"subject": ""}) == ({}, 9007)  # from the index, an empty subject not copied
    monkeypatch.setattr(session, "next_free_id", real)
    assert new_entry_fields(None, root) == ({}, 9101)  # no index: the files as they are now
    assert new_entry_fields({"subject": "Biology"}, None) == ({"subject": "Biology"}, None)  # no collection


def test_the_searcher_answers_searches_from_another_thread(tmp_path, monkeypatch):
    import threading

    root = _site(tmp_path, monkeypatch)
    ws = Workspace.for_folder(root)
    ws.refresh()
    ws.index().ensure_text()
    searcher = ws.searcher()
    assert searcher is not ws.index() and searcher.codec_keys == ws.index().codec_keys
    found: list = []
    worker = threading.Thread(target=lambda: found.append(searcher.matching("prime number")))
    worker.start()
    worker.join()
    searcher.close()
    assert found == [ws.index().matching("prime number")]
    assert "mathematics/what-is-a-prime-number.md" in found[0]
    with pytest.raises(ValueError):
        Workspace(lone=root / "mathematics" / "what-is-a-prime-number.md").searcher()


def test_the_full_text_is_built_on_a_connection_of_its_own(tmp_path, monkeypatch):
    """The window asks the index things (on its connection) while the full text is built for
    seconds: the build uses a connection of its own, so those questions never wait behind it;
    a private index (in memory) builds on its own connection, the only one that sees it."""
    from qteditor.core.collection import Collection
    from tests.conftest import CORPUS

    built: list[Collection] = []
    build = Collection.ensure_text
    monkeypatch.setattr(Collection, "ensure_text", lambda self: (built.append(self), build(self))[1])
    ws = Workspace(CORPUS, cache=tmp_path / "cache", workers=2)
    ws.refresh()  # from nothing, more than a few hundred files: the full text is left for later
    assert ws.index().text_pending()
    ws.build_text()
    assert len(built) == 1 and built[0] is not ws.index()
    assert not ws.index().text_pending()
    ws.build_text()  # built: nothing to do
    assert len(built) == 1
    found = ws.index().matching("photosynthesis")
    assert found
    ws.close()

    private = Workspace(CORPUS, cache=tmp_path / "other", workers=2)
    index = private.index()
    index.db = index._private("the test's own index")
    private.refresh()
    assert index.text_pending()
    private.build_text()
    assert built[-1] is index and not index.text_pending()
    assert index.matching("photosynthesis") == found
    private.close()


def test_a_kept_check_result_is_small_and_one_that_cannot_be_read_is_checked_again(tmp_path, monkeypatch):
    """The check's result is kept compressed (a blob larger than SQLite's log makes its commit
    copy the whole log); a kept result in another format or damaged is computed again, the
    same problems."""
    import marshal

    root = _site(tmp_path, monkeypatch)
    ws = Workspace.for_folder(root)
    ws.refresh()
    problems = [(p.path, p.rule, p.message, p.line) for p in ws.check()]
    assert problems
    index = ws.index()
    ((key, blob),) = index.db.execute("SELECT key, blob FROM results WHERE key LIKE 'check|%'")
    rows = [(p[0], p[1], p[2]) for p in problems]
    assert len(blob) < len(marshal.dumps(rows))
    old_format = marshal.dumps([("x.md", "yaml-error", "old", None, 1, None, "error")])
    for stored in (old_format, b"\x78\x01junk", b""):
        index.db.execute("UPDATE results SET blob=? WHERE key=?", (stored, key))
        again = Workspace.for_folder(root)
        again.refresh()
        assert [(p.path, p.rule, p.message, p.line) for p in again.check()] == problems
