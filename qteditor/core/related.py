"""Related articles: an entry's numbered ``related_articleN`` snapshots of other entries
(``{id, title, subject, url}``), read and written in number order."""

from __future__ import annotations

import re

RELATED = re.compile(r"related_article(\d+)$")


def related_items(fields: dict) -> list[tuple[str, dict]]:
    """(key, snapshot) of every related article, in number order."""
    found = []
    for key, value in fields.items():
        if type(value) is dict and type(key) is str and key.startswith("related_article"):
            number = key[15:]
            if number.isdecimal():  # what RELATED's \d+ takes
                found.append((int(number), key, value))
    if len(found) > 1:
        found.sort(key=lambda t: t[0])
    return [(key, value) for _, key, value in found]


def set_related(fields: dict, items: list[dict]) -> None:
    """Make ``items`` the related articles, numbered from 1 (keys past them are removed)."""
    old = [k for k in fields if RELATED.fullmatch(str(k))]
    for n, item in enumerate(items, start=1):
        fields[f"related_article{n}"] = item
    for key in old:
        if int(RELATED.fullmatch(str(key)).group(1)) > len(items):  # type: ignore[union-attr]  # old: matched keys
            del fields[key]


def renumber(fields: dict) -> dict:
    """The fields with related_articleN numbered without gaps (after a removal)."""
    numbered = sorted((int(m.group(1)), k) for k in fields if (m := RELATED.fullmatch(str(k))))
    if [key for _, key in numbered] == [f"related_article{i}" for i in range(1, len(numbered) + 1)]:
        return fields
    values = [fields[key] for _, key in numbered]
    keys = {key for _, key in numbered}
    out = {k: v for k, v in fields.items() if k not in keys}
    for i, v in enumerate(values, start=1):
        out[f"related_article{i}"] = v
    return out
