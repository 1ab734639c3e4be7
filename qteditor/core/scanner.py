"""A fast reader for the common shape of an entry's front matter, for indexing collections.

The site's files use a small part of YAML: top-level ``key: plain`` and ``key: >-`` with one
content line, and mappings one level deep (``seo``, ``related_articleN``) written the same
way. This scanner reads exactly that shape with one regular-expression pass and gives up
(returns None) on anything else — comments, quotes, lists, anchors, tags, tabs, other block
styles, folded text over several lines, duplicate keys — so the caller falls back to the full
parser. Where it answers, it answers what the full parser would (tested on the whole corpus).
"""

from __future__ import annotations

import re
from typing import Any

from .yamlspan import _IMPLICIT_FIRST, _resolve_plain

_ITEM = re.compile(
    r"^( *)([A-Za-z_][A-Za-z0-9_]*):(?:[ ]+>-[ ]*\n( +)([^\n]*)|[ ]+([^\n]*)|[ ]*)$", re.M)
_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")



def _plain(text: str) -> tuple[bool, Any]:
    """The value of a one-line plain scalar, or (False, None) when unsure."""
    first = text[0]
    if first in _UNSAFE_START and (first not in "-?:" or len(text) == 1 or text[1] == " "):
        return False, None
    if ": " in text or " #" in text or text[-1] == ":" or text.startswith(("---", "...")):
        return False, None
    if first in _IMPLICIT_FIRST:
        return True, _resolve_plain(text)
    return True, text


def scan(yaml: str) -> dict | None:
    """The data of a front-matter text in the common shape, else None."""
    if not yaml.replace("\n", "").isprintable():
        return None  # tabs, CR, NEL, LS/PS, BOM, controls (and other rare characters)
    items = _ITEM.findall(yaml)
    lines = yaml.split("\n")
    nonblank = len(lines) - lines.count("")
    consumed = 0
    data: dict = {}
    cur = data
    pending = None  # a top-level key with no value yet: a mapping may follow
    sub_indent = 0
    for ind, key, content_indent, content, value in items:
        if ind:
            if cur is data:
                if pending is None:
                    return None
                cur = data[pending] = {}
                sub_indent = len(ind)
            elif len(ind) != sub_indent:
                return None
        else:
            cur = data
            pending = None
        if key in cur or (key[0] in _IMPLICIT_FIRST and not isinstance(_resolve_plain(key), str)):
            return None
        if content_indent:
            if len(content_indent) <= len(ind) or not content or content[0] == " ":
                return None
            cur[key] = content
            consumed += 2
        elif value and value.rstrip(" "):
            ok, typed = _plain(value.rstrip(" "))
            if not ok:
                return None
            cur[key] = typed
            consumed += 1
        else:
            cur[key] = None
            consumed += 1
            if not ind:
                pending = key
    if consumed != nonblank:
        return None  # some line is not in the common shape
    return data
