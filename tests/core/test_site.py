"""The site's conventions come from the schema's templates: derived fields, the path layout,
the url a file is found at; a second schema brings its own and needs no code."""

from __future__ import annotations

from qteditor.core import slugs
from qteditor.core.schema import load_schema
from qteditor.core.site import Site, site_for


def test_derived_fields_from_the_templates():
    site = site_for()
    assert site.derive({"title": "What is DNA?", "subject": "Biology"}) == {
        "seo.title": "QuickTakes | Biology",
        "file_name": "what-is-dna.md",
        "url": "/learn/biology/questions/what-is-dna",
    }
    slugify = site_for(slug_rule=slugs.SLUGIFY)
    assert slugify.derive({"title": "Café au lait?", "subject": "Computer Science"})["url"] == (
        "/learn/computer-science/questions/cafe-au-lait"
    )
    # a missing or empty source gives nothing (never ".md" or "QuickTakes | ")
    assert site.derive({"title": "", "subject": "  "}) == {}


def test_the_file_names_the_url_and_the_place():
    site = site_for()
    fields = {"title": "What is DNA?", "subject": "Biology"}
    assert site.path_for({**fields, "file_name": "what-is-dna.md"}) == "biology/what-is-dna.md"
    assert site.located(fields, "biology/dna-basics.md") == {
        "file_name": "dna-basics.md",
        "url": "/learn/biology/questions/dna-basics",
    }
    assert site.url_at("chemistry/x.md") == "/learn/chemistry/questions/x"
    assert site.section_url("Computer Science") == "/learn/computer-science"


def test_a_blog_schema_needs_no_code(tmp_path):
    schema_file = tmp_path / "blog.yaml"
    schema_file.write_text(
        """name: Blog post
path: "posts/{slug(title)}.md"
fields:
  - {key: title, label: Title, type: string, required: true, max_length: 80}
  - {key: description, label: Description, type: text, recommended_min: 50, recommended_max: 160,
     rule: seo-description-length}
  - {key: date, label: Date, type: date, default: today}
  - {key: seo, label: SEO, type: mapping}
  - {key: seo.title, label: SEO title, type: string, derive: "Blog | {title}",
     rule: seo-title-mismatch}
  - {key: featuredImg, label: Featured image, type: string, pattern: '^/images/.+'}
""",
        encoding="utf-8",
    )
    site = Site(load_schema(schema_file))
    assert site.derive({"title": "Hello world"}) == {"seo.title": "Blog | Hello world"}
    assert site.path_for({"title": "Hello world"}) == "posts/hello-world.md"
    assert site.linked == () and site.url_at("posts/x.md") is None


BLOG = """name: Blog post
template: post.md
path: "{slug(title)}.md"
fields:
  - {key: title, label: Title, type: string, required: true, max_length: 80}
  - {key: description, label: Description, type: text, required: true, recommended_min: 50,
     recommended_max: 160, rule: seo-description-length}
  - {key: date, label: Date, type: date, default: today}
  - {key: seo, label: SEO, type: mapping}
  - {key: seo.title, label: SEO title, type: string, derive: "Blog | {title}",
     rule: seo-title-mismatch}
  - {key: featuredImg, label: Featured image, type: string, pattern: '^/images/.+',
     pattern_help: An image under /images/.}
"""


def test_a_collection_with_a_blog_schema_is_checked_and_written_by_it(tmp_path, monkeypatch):
    import datetime as dt

    from qteditor.core.entry import Entry
    from qteditor.core.session import EditSession
    from qteditor.core.workspace import Workspace

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "blog"
    (root / ".qteditor").mkdir(parents=True)
    (root / ".qteditor" / "schema.yaml").write_text(BLOG, encoding="utf-8")
    (root / ".qteditor" / "post.md").write_text(
        "---\ntitle: New post\ndescription: ''\nseo:\n  title: Blog | New post\n---\n", encoding="utf-8"
    )
    (root / "hello.md").write_text(
        "---\ntitle: Hello\ndescription: Short.\ndate: 2025-01-02\nseo:\n  title: Blog | Hi\n"
        "featuredImg: cat.png\n---\nBody\n",
        encoding="utf-8",
    )
    ws = Workspace.for_file(root / "hello.md")
    assert ws.root == root.resolve() and ws.schema.name == "Blog post"
    ws.refresh()
    found = {(p.rule, p.field) for p in ws.check()}
    assert found == {
        ("seo-title-mismatch", "seo.title"),
        ("field-pattern", "featuredImg"),
        ("seo-description-length", "description"),
    }
    plan = ws.plan_fix_all()
    ws.apply(plan)
    assert Entry.load(root / "hello.md").fields()["seo"]["title"] == "Blog | Hello"
    session = EditSession.new(ws.schema, root, today=dt.date(2025, 3, 4))
    assert session.fields["date"] == dt.date(2025, 3, 4)
    session.set("title", "Second post")
    assert session.fields["seo"]["title"] == "Blog | Second post"
    target = session.default_path()
    assert target == root / "second-post.md"
    session.save(target)
    assert Entry.load(target).fields()["title"] == "Second post"
    ws.close()
