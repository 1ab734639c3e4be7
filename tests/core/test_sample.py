"""The bundled sample collection: valid entries, consistent slugs, related articles that exist."""

from __future__ import annotations

from qteditor.core import slugs
from qteditor.core.entry import Entry
from qteditor.core.resources import resource
from qteditor.core.site import site_for


def test_sample_collection_is_consistent():
    root = resource("sample") / "content" / "learn"
    files = sorted(root.glob("*/*.md"))
    assert len(files) >= 6
    entries = {f: Entry.load(f) for f in files}
    urls = {e.data["url"]: e.data for e in entries.values()}
    for path, entry in entries.items():
        data = entry.data
        assert entry.render(entry.fields()) is None
        assert entry.raw.endswith(b"---\n\n&nbsp;")
        derived = site_for().derive(data)
        assert data["file_name"] == path.name == derived["file_name"]
        assert data["url"] == derived["url"]
        assert path.parent.name == slugs.subject_slug(data["subject"])
        for key, value in data.items():
            if key.startswith("related_article"):
                target = urls[value["url"]]
                assert (value["id"], value["title"]) == (target["id"], target["title"])
