"""Slug rules (the site's conventions that use them are in ``site.py``, from the schema).

Two rules: the collection's (characters outside a-z0-9 deleted, spaces to hyphens — how every
real ``file_name`` was made) and python-slugify's default. A collection's rule is inferred
from its files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

COLLECTION = "collection"
SLUGIFY = "slugify"
RULES = (COLLECTION, SLUGIFY)

_NOT_SLUG = re.compile(r"[^a-z0-9 ]")


def collection_slug(text: str) -> str:
    """Lower-case, delete everything outside a-z, 0-9 and space, then spaces to hyphens."""
    return _NOT_SLUG.sub("", text.lower()).replace(" ", "-")


@lru_cache(maxsize=256)  # the slug of a title is asked for more than once in a row (its checks)
def python_slug(text: str) -> str:
    from slugify import slugify  # imported when first needed (start-up time)

    return slugify(text)


def slug(text: str, rule: str = COLLECTION) -> str:
    if rule == SLUGIFY:
        return python_slug(text)
    if rule == COLLECTION:
        return collection_slug(text)
    raise ValueError(f"unknown slug rule {rule!r} (known: {', '.join(RULES)})")


@lru_cache(maxsize=1024)  # a collection has a few dozen subjects; checks ask for each entry
def subject_slug(subject: str) -> str:
    """The folder and url part of a subject (python-slugify, as every real url has it)."""
    return python_slug(subject)


# words of ASCII letters and digits, one space between them, punctuation only at a word's end:
# both rules give the same slug for such a text (the collection's deletes the punctuation,
# python-slugify makes a separator of it, which the space already is)
_PLAIN_WORDS = re.compile(r"(?:[A-Za-z0-9]+[?.,!:;]*)(?: [A-Za-z0-9]+[?.,!:;]*)*")


def rules_agree(text: str) -> bool:
    """Whether both slug rules give ``text`` the same slug (a quick test first: python-slugify
    is slow, and most titles are plain words)."""
    if _PLAIN_WORDS.fullmatch(text):
        return True
    return collection_slug(text) == python_slug(text)


def infer_rule(pairs: Iterable[tuple[str, str]]) -> str:
    """The rule that explains most (title, file-name stem) pairs; ties go to the collection's."""
    hits = {COLLECTION: 0, SLUGIFY: 0}
    for title, stem in pairs:
        if collection_slug(title) == stem:
            hits[COLLECTION] += 1
        if python_slug(title) == stem:
            hits[SLUGIFY] += 1
    return SLUGIFY if hits[SLUGIFY] > hits[COLLECTION] else COLLECTION
