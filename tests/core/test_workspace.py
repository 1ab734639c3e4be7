"""The workspace's results kept in the index: each kind of result (the check, the inferred slug
rule) for its generation, one kind never evicting another."""

from __future__ import annotations

import shutil

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
