from __future__ import annotations

from qteditor.core.resources import resource_dir
from qteditor.core.schema import default_schema, load_schema
from tests.conftest import corpus_files


def test_schema_knows_every_real_field():
    schema = default_schema()
    from qteditor.core.entry import Entry

    for path in corpus_files()[::50]:
        data = Entry.load(path).data
        for key, value in data.items():
            assert schema.field(key) is not None, key
            if isinstance(value, dict):
                for sub in value:
                    assert schema.field((key, sub)) is not None, (key, sub)


def test_field_facts():
    schema = default_schema()
    assert schema.type_of("id") == "int" and schema.type_of("date") == "date"
    assert schema.type_of("seo.page_description") == "text"
    assert schema.field("seo.page_description").recommended_min == 150
    assert schema.type_of(("related_article4", "id")) == "int"
    assert schema.codec_fields() == {"answer": "escaped-newlines"}
    assert schema.order("no_index") < schema.order("answer") < schema.order("related_article2")
    assert schema.template_path().is_file()


def test_resources_found_from_checkout():
    assert (resource_dir() / "schema" / "quicktakes.yaml").is_file()
    assert load_schema(resource_dir() / "schema" / "quicktakes.yaml").name


def test_a_collection_brings_its_own_schema(tmp_path):
    from qteditor.core.entry import Entry
    from qteditor.core.schema import default_schema

    own = tmp_path / "site" / ".qteditor"
    own.mkdir(parents=True)
    (own / "schema.yaml").write_text(
        "name: Recipes\nfields:\n  - {key: servings, label: Servings, type: int}\n"
        "  - {key: steps, label: Steps, type: markdown, codec: escaped-newlines}\n"
    )
    entry_path = tmp_path / "site" / "content" / "soup.md"
    entry_path.parent.mkdir(parents=True)
    entry_path.write_bytes(b"---\nservings: 4\nsteps: >-\n  Boil\\nServe\n---\n")
    entry = Entry.load(entry_path)
    assert entry.schema.name == "Recipes"
    assert entry.fields()["steps"] == "Boil\nServe"
    assert entry.schema.type_of("servings") == "int"
    elsewhere = tmp_path / "other.md"
    elsewhere.write_bytes(b"---\na: 1\n---\n")
    assert Entry.load(elsewhere).schema is default_schema()


def test_the_text_field_is_the_schemas_markdown_field_or_none_for_the_body(tmp_path):
    from tests.core.test_site import BLOG

    quicktakes = default_schema()
    assert quicktakes.text_field == "answer" and quicktakes.text_label == "Answer"
    blog = tmp_path / "blog.yaml"
    blog.write_text(BLOG, encoding="utf-8")
    assert load_schema(blog).text_field is None  # the post's text is its Markdown body
    assert load_schema(blog).text_label == "Body"
    recipes = tmp_path / "recipes.yaml"
    recipes.write_text(
        "name: Recipes\nfields:\n  - {key: servings, label: Servings, type: int}\n"
        "  - {key: steps, label: Steps, type: markdown}\n"  # markdown without a codec
        "  - {key: notes, label: Notes, type: markdown}\n",
        encoding="utf-8",
    )
    assert load_schema(recipes).text_field == "steps" and load_schema(recipes).text_label == "Steps"
    coded = tmp_path / "coded.yaml"
    coded.write_text(
        "name: Coded\nfields:\n  - {key: seo, label: SEO, type: mapping}\n"
        "  - {key: seo.note, label: Note, type: markdown}\n"  # never a nested field
        "  - {key: text, label: Text, type: text, codec: escaped-newlines}\n",
        encoding="utf-8",
    )
    assert load_schema(coded).text_field == "text"


def test_the_fields_validation_looks_at_are_the_schemas_computed_once():
    from qteditor.core.validate import validate

    schema = load_schema()
    first = schema.validated_fields
    assert first and schema.validated_fields is first  # computed once a schema
    keys = [f.key for f, _parts, _ruled in schema.validated_fields]
    assert "title" in keys and "seo.title" in keys
    assert not any(f.repeat or f.type == "related" for f, _p, _r in schema.validated_fields)
    assert dict((f.key, parts) for f, parts, _r in schema.validated_fields)["seo.title"] == ("seo", "title")
    assert validate({}, schema)  # required fields missing
    assert not [k for k in vars(schema) if k.startswith("_")]  # validation hangs nothing private on it


def _count_parses(monkeypatch) -> list[str]:
    """Record each parse the schema reader makes (the YAML package's ``parse``)."""
    import qteditor.core.yaml as face
    from qteditor.core.yaml.spans import parse

    calls: list[str] = []

    def counted(text, path=None, first_line=1):
        calls.append(path)
        return parse(text, path, first_line)

    monkeypatch.setattr(face, "parse", counted, raising=False)
    return calls


def test_a_schema_is_parsed_once_then_read_from_its_cached_json(tmp_path, monkeypatch):
    from qteditor.core.schema import read_schema_data, schema_cache
    from qteditor.core.yaml import parse, same

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    parses = _count_parses(monkeypatch)
    src = resource_dir() / "schema" / "quicktakes.yaml"
    expected = parse(src.read_text(encoding="utf-8")).data
    first = read_schema_data(src)
    assert schema_cache(src.read_text(encoding="utf-8")).is_file()
    again = read_schema_data(src)
    assert same(first, expected) and same(again, expected)
    assert len(parses) == 1  # the second read is the cache's
    assert load_schema(src) == load_schema(src)


def test_a_changed_or_damaged_schema_cache_is_never_used(tmp_path, monkeypatch):
    from qteditor.core.schema import read_schema_data, schema_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    parses = _count_parses(monkeypatch)
    src = tmp_path / "schema.yaml"
    src.write_text("name: One\nfields:\n  - {key: title, label: Title}\n", encoding="utf-8")
    assert read_schema_data(src)["name"] == "One"
    src.write_text("name: Two\nfields:\n  - {key: title, label: Title}\n", encoding="utf-8")
    assert read_schema_data(src)["name"] == "Two"  # another text: another cache
    cache = schema_cache(src.read_text(encoding="utf-8"))
    for damage in (cache.read_bytes()[:-5], b"[1, 2]", b'{"format": 99, "data": {"name": "Old"}}'):
        cache.write_bytes(damage)
        assert read_schema_data(src)["name"] == "Two"
    assert len(parses) == 5
    assert read_schema_data(src)["name"] == "Two" and len(parses) == 5  # rewritten whole


def test_a_schema_json_cannot_hold_exactly_is_parsed_each_time(tmp_path, monkeypatch):
    import datetime as dt

    from qteditor.core.schema import read_schema_data, schema_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    parses = _count_parses(monkeypatch)
    src = tmp_path / "schema.yaml"
    src.write_text("name: Dated\nsince: 2024-01-02\nfields: []\n", encoding="utf-8")
    for _ in range(2):
        assert read_schema_data(src)["since"] == dt.date(2024, 1, 2)
    assert len(parses) == 2 and not schema_cache(src.read_text(encoding="utf-8")).exists()


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    from qteditor.core.schema import read_schema_data

    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    src = tmp_path / "schema.yaml"
    src.write_text("name: N\nfields: []\n", encoding="utf-8")
    assert read_schema_data(src) == {"name": "N", "fields": []}
