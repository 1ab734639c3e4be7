from __future__ import annotations

from qteditor.core import slugs
from qteditor.core.entry import Entry
from tests.conftest import by_reason, corpus_files


def test_collection_rule_matches_every_real_file_name():
    from qteditor.core.site import site_for

    site = site_for()
    for path in corpus_files():
        data = Entry.load(path).data
        derived = site.derive(data)
        assert derived["file_name"] == data["file_name"], path
        assert derived["url"] == data["url"], path
        assert derived["seo.title"] == data["seo"]["title"], path
        assert path.parent.name == slugs.subject_slug(data["subject"])
        assert site.path_for(data) == f"{path.parent.name}/{path.name}"


def test_rules_differ_where_the_corpus_says():
    assert slugs.collection_slug("Schrödinger's cat -- why?") == "schrdingers-cat--why"
    assert slugs.python_slug("Schrödinger's cat -- why?") == "schrodinger-s-cat-why"
    pairs = []
    for path in by_reason("slugify-mismatch-nonascii") + by_reason("slugify-mismatch-ascii"):
        data = Entry.load(path).data
        pairs.append((data["title"], data["file_name"][:-3]))
    assert slugs.infer_rule(pairs) == slugs.COLLECTION
    assert slugs.infer_rule([(t, slugs.python_slug(t)) for t, _ in pairs]) == slugs.SLUGIFY


def test_the_quick_agreement_test_never_says_agree_when_the_rules_differ():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qteditor.core.slugs import collection_slug, python_slug, rules_agree

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet="aZ09 ?.,!:;'-/é", max_size=24))
    def agree(text):
        assert rules_agree(text) == (collection_slug(text) == python_slug(text)), text

    agree()
    for path in corpus_files()[:300]:
        title = path.read_text(encoding="utf-8").split("\n")[4].strip()
        assert rules_agree(title) == (collection_slug(title) == python_slug(title)), title
