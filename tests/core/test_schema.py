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
