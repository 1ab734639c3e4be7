"""Related articles: read in number order, set, renumbered; the score that comes with them."""

from __future__ import annotations

from qteditor.core.entry import Entry
from qteditor.core.related import related_items, renumber, set_related
from qteditor.core.resources import resource
from qteditor.core.session import EditSession


def test_items_in_number_order_not_key_order():
    fields = {
        "related_article10": {"id": 10},
        "title": "x",
        "related_article2": {"id": 2},
        "related_article1": "not a snapshot",
    }
    assert related_items(fields) == [("related_article2", {"id": 2}), ("related_article10", {"id": 10})]


def test_set_and_renumber():
    fields = {"related_article1": {"id": 1}, "related_article2": {"id": 2}, "related_article3": {"id": 3}}
    set_related(fields, [{"id": 3}])
    assert fields == {"related_article1": {"id": 3}}
    gappy = {"a": 1, "related_article01": {"id": 1}, "related_article3": {"id": 3}}
    assert renumber(gappy) == {"a": 1, "related_article1": {"id": 1}, "related_article2": {"id": 3}}
    fine = {"related_article1": {"id": 1}}
    assert renumber(fine) is fine


def test_a_session_adds_the_score_related_articles_come_with():
    path = next(resource("sample").rglob("what-is-a-prime-number.md"))
    s = EditSession(Entry.load(path))
    s.fields.pop("score", None)
    for key, _ in related_items(s.fields):
        del s.fields[key]
    assert s.set_related([]) == [] and "score" not in s.fields
    assert s.set_related([{"id": 1, "title": "t", "subject": "s", "url": "/u"}]) == [("score",)]
    assert s.fields["score"] == -1.0 and s.fields["related_article1"]["id"] == 1
