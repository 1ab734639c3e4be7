"""Related articles: read in number order, set, renumbered; the score that comes with them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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


NOTES = """name: Notes
fields:
  - {key: slug, label: Slug, type: string, required: true}
  - {key: headline, label: Headline, type: string, required: true}
  - key: see_also_
    label: See also
    type: related
    repeat: 3
    link: slug
    subfields:
      - {key: slug, label: Slug, type: string}
      - {key: headline, label: Headline, type: string, rule: related-stale-title}
"""


def _notes(tmp_path, monkeypatch):
    """A collection whose own schema links notes by slug through ``see_also_N``."""
    from qteditor.core.workspace import Workspace

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "notes"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(NOTES, encoding="utf-8")
    (root / "a.md").write_text(
        "---\nslug: a\nheadline: Alpha\n"
        "see_also_1:\n  slug: b\n  headline: Old beta\n"
        "see_also_2:\n  slug: a\n  headline: Alpha\n"
        "see_also_3:\n  slug: b\n  headline: Beta\n---\nBody\n",
        encoding="utf-8",
    )
    (root / "b.md").write_text("---\nslug: b\nheadline: Beta\n---\nBody\n", encoding="utf-8")
    (root / "c.md").write_text(
        "---\nslug: c\nheadline: Gamma\nsee_also_1:\n  slug: nowhere\n  headline: Gone\n---\nBody\n",
        encoding="utf-8",
    )
    ws = Workspace(root)
    assert ws.schema.name == "Notes"
    ws.refresh()
    return root, ws


def test_a_second_schema_names_its_related_family_and_what_it_copies(tmp_path, monkeypatch):
    from qteditor.core.entry import Entry

    root, ws = _notes(tmp_path, monkeypatch)
    try:
        found = sorted(
            (p.path, p.rule, p.field, p.message) for p in ws.check() if p.rule.startswith("related")
        )
        assert found == [
            ("a.md", "related-duplicate", "see_also_3", "see_also_3 repeats see_also_1 (b)"),
            ("a.md", "related-self", "see_also_2", "see_also_2 links the entry to itself"),
            (
                "a.md",
                "related-stale-title",
                "see_also_1.headline",
                "see_also_1: the headline differs from b.md's",
            ),
            ("c.md", "related-dangling", "see_also_1", "see_also_1: no entry has the slug nowhere"),
        ]
        # Refresh copies every subfield but the link from the entry the link names
        fields = Entry.load(root / "a.md").fields()
        fresh, changed = ws.refresh_related(fields)
        assert changed == 1 and fresh["see_also_1"] == {"slug": "b", "headline": "Beta"}
        assert list(fresh) == list(fields)
        # the fixes: the stale headline copied, the self link and the repeat removed
        plan = ws.plan_fix_all({"related-stale-title", "related-self", "related-duplicate"})
        assert [c.path.name for c in plan.changes] == ["a.md"]
        ws.apply(plan)
        text = (root / "a.md").read_text(encoding="utf-8")
        assert text == "---\nslug: a\nheadline: Alpha\nsee_also_1:\n  slug: b\n  headline: Beta\n---\nBody\n"
        ws.refresh()
        left = [(p.path, p.rule) for p in ws.check() if p.rule.startswith("related")]
        assert left == [("c.md", "related-dangling")]
        for path in root.glob("*.md"):
            assert "related_article" not in path.read_text(encoding="utf-8")
    finally:
        ws.close()


def test_a_related_key_of_another_family_is_no_related_article():
    from qteditor.core.schema import Field, RelatedFamily

    family = RelatedFamily("see_also_", (Field("slug", "Slug"), Field("headline", "Headline")), "slug")
    fields = {"related_article1": {"url": "/x"}, "see_also_2": {"slug": "b"}, "see_also_1": {"slug": "a"}}
    assert related_items(fields, family) == [("see_also_1", {"slug": "a"}), ("see_also_2", {"slug": "b"})]
    set_related(fields, [{"slug": "c"}], family)
    assert fields == {"related_article1": {"url": "/x"}, "see_also_1": {"slug": "c"}}
    assert renumber({"see_also_3": {"slug": "c"}}, family) == {"see_also_1": {"slug": "c"}}
    assert family.snapshot({"headline": "H", "slug": "s", "other": 1}) == {"slug": "s", "headline": "H"}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["related_article", "related_articles", "other", "related_article0"]),
            st.integers(0, 30),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_items_come_in_number_order_keeping_the_order_of_equal_numbers(keys):
    """Whatever the order of the keys (as the files have them, or not), the same result as
    sorting every snapshot key by its number, stably."""
    fields: dict = {}
    for prefix, number, snapshot in keys:
        fields[f"{prefix}{number}"] = {"n": number} if snapshot else "text"
    expected = sorted(
        (
            (int(k[len("related_article") :]), k, v)
            for k, v in fields.items()
            if type(v) is dict and k.startswith("related_article") and k[len("related_article") :].isdecimal()
        ),
        key=lambda t: t[0],
    )
    assert related_items(fields) == [(k, v) for _, k, v in expected]


def test_the_score_the_articles_brought_goes_with_the_last_of_them():
    """Undo of an entry's first related article (or its removal) leaves the entry as it was:
    the score it brought goes too, unless the file has one or it was changed."""
    path = next(resource("sample").rglob("why-did-the-roman-republic-become-an-empire.md"))
    s = EditSession(Entry.load(path))
    assert "score" not in s.fields and not related_items(s.fields)
    item = {"id": 1, "title": "t", "subject": "s", "url": "/u"}
    assert s.set_related([item]) == [("score",)]
    assert s.set_related([]) == [("score",)] and "score" not in s.fields and not s.dirty
    s.set_related([item])
    s.fields["score"] = 0.5  # the writer's own score is kept
    assert s.set_related([]) == [] and s.fields["score"] == 0.5
    kept = EditSession(Entry.load(next(resource("sample").rglob("what-is-a-prime-number.md"))))
    assert "score" in kept.saved_fields
    assert kept.set_related([]) == [] and kept.fields["score"] == kept.saved_fields["score"]
