"""Related articles: an entry's numbered snapshots of other entries, read and written in
number order. What they are called and what they hold comes from the schema's repeated field
of type ``related`` (``Schema.related``: ``related_articleN: {id, title, subject, url}`` in the
bundled schema); without a family these use the bundled schema's."""

from __future__ import annotations

from typing import Any

from .schema import RelatedFamily, default_schema


def default_family() -> RelatedFamily:
    """The bundled schema's related articles."""
    family = default_schema().related
    assert family is not None  # the bundled schema has its related articles
    return family


def family_of(schema: Any) -> RelatedFamily | None:
    """The schema's related family (the bundled one's without a schema)."""
    return default_family() if schema is None else schema.related


def related_items(fields: dict, family: RelatedFamily | None = None) -> list[tuple[str, dict]]:
    """(key, snapshot) of every related article, in number order."""
    prefix = (family or default_family()).prefix
    start = len(prefix)
    found = []
    numbers = []
    ordered = True
    last = -1
    for key, value in fields.items():
        if type(key) is str and key.startswith(prefix) and type(value) is dict:
            number = key[start:]
            if number.isdecimal():  # what the family's pattern's \d+ takes
                n = int(number)
                if n < last:
                    ordered = False
                last = n
                numbers.append(n)
                found.append((key, value))
    if ordered:  # (as the files and the index have them)
        return found
    order = sorted(range(len(found)), key=numbers.__getitem__)  # stable: equal numbers keep their order
    return [found[i] for i in order]


def number_of(key: object, family: RelatedFamily | None = None) -> int | None:
    """The number of a related key (``related_article3`` -> 3), or None for any other key."""
    m = (family or default_family()).pattern.fullmatch(str(key))
    return int(m.group(1)) if m else None


def set_related(fields: dict, items: list[dict], family: RelatedFamily | None = None) -> None:
    """Make ``items`` the related articles, numbered from 1 (keys past them are removed)."""
    family = family or default_family()
    old = [(k, n) for k in fields if (n := number_of(k, family)) is not None]
    for n, item in enumerate(items, start=1):
        fields[family.key(n)] = item
    for key, number in old:
        if number > len(items):
            del fields[key]


def renumber(fields: dict, family: RelatedFamily | None = None) -> dict:
    """The fields with the related keys numbered without gaps (after a removal)."""
    family = family or default_family()
    numbered = sorted((n, k) for k in fields if (n := number_of(k, family)) is not None)
    if [key for _, key in numbered] == [family.key(i) for i in range(1, len(numbered) + 1)]:
        return fields
    values = [fields[key] for _, key in numbered]
    keys = {key for _, key in numbered}
    out = {k: v for k, v in fields.items() if k not in keys}
    for i, v in enumerate(values, start=1):
        out[family.key(i)] = v
    return out
