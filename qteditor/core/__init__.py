"""The Qt-free core: file format, YAML splicing, entries, schema, slugs."""
