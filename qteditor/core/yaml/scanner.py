"""A fast reader for the common shape of an entry's front matter, for indexing collections.

The site's files use a small part of YAML: top-level ``key: plain`` and ``key: >-`` with one
content line, and mappings one level deep (``seo``, ``related_articleN``) written the same
way. This scanner reads exactly that shape with one regular-expression pass and gives up
(returns None) on anything else — comments, quotes, lists, anchors, tags, tabs, other block
styles, folded text over several lines, duplicate keys — so the caller falls back to the full
parser. Where it answers, it answers what the full parser would (tested on the whole corpus).

Most of the work is left to the regular expression: a plain value that is text for sure (no
character that could start another kind of node or a typed value, no ``": "``, no ``" #"``)
comes back in its own group and needs no check in Python; other plain values are checked and
typed here, with decimal integers and text that no implicit type matches answered without
the YAML resolver (the resolver only for what it would type).
"""

from __future__ import annotations

import re
from typing import Any

from .resolve import IMPLICIT_FIRST, implicit_patterns, resolve_plain
from .values import json_safe

_UNSAFE_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_TEXT_FIRST = "".join(re.escape(c) for c in sorted(_UNSAFE_START | IMPLICIT_FIRST))
# a plain value that is text whatever else is in it: a first character that starts neither
# another kind of node nor a typed value; no ": ", " #" or final ":"; no trailing spaces
_TEXT = rf"[^\n {_NOT_TEXT_FIRST}][^\n:#]*(?:(?::(?=[^\n ])|(?<! )\#)[^\n:#]*)*(?<! )"
_ITEM = re.compile(
    r"^( *)([A-Za-z_][A-Za-z0-9_]*):"
    r"(?:[ ]+>-[ ]*\n( +)([^\n]*)"  # key: >- and its one content line
    rf"|[ ]+({_TEXT})[ ]*"  # key: text
    r"|[ ]+([^\n]*)"  # key: any other value, checked below
    r"|[ ]*)$",
    re.M,
)  # key: (nothing: null, or a mapping follows)
# the implicit types a plain scalar may have, by its first character (as the resolver does)
_CANDIDATES = implicit_patterns()
# every character but printable ASCII and the line break: what is left must be printable
_JSON_AS_IS = frozenset({str, int, bool, type(None)})
_ASCII_TEXT = bytes(range(0x20, 0x7F)) + b"\n"
_TEXT_KEYS: set[str] = set()  # keys seen to be text (most keys: found without a call)


def typed(text: str) -> Any:
    """The value of a plain scalar starting with a character an implicit type may start with:
    what ``resolve_plain`` gives, without asking the resolver for decimal integers or for
    text that none of its patterns for that first character match."""
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)
    for regexp in _CANDIDATES[text[0]]:
        if regexp.match(text):
            return resolve_plain(text)
    return text


def _plain(text: str, as_json: bool) -> tuple[bool, Any]:
    """The value of a one-line plain scalar, or (False, None) when unsure."""
    first = text[0]
    if first in _UNSAFE_START and (first not in "-?:" or len(text) == 1 or text[1] == " "):
        return False, None
    if ": " in text or " #" in text or text[-1] == ":" or text.startswith(("---", "...")):
        return False, None
    if first in IMPLICIT_FIRST:
        try:
            value = typed(text)
        except (ValueError, OverflowError):  # 2023-02-30, a 5,000-digit integer: the full
            return False, None  # parser reports those with their line and column
        if as_json and type(value) not in _JSON_AS_IS:
            value = json_safe(value)  # dates as ISO text, NaN and infinities as text
        return True, value
    return True, text


def _key_ok(key: str) -> bool:
    """A key that is text to YAML too (not true, null, …)."""
    try:
        if key[0] in IMPLICIT_FIRST and not isinstance(typed(key), str):
            return False
    except (ValueError, OverflowError):
        return False
    if len(_TEXT_KEYS) < 4096:
        _TEXT_KEYS.add(key)
    return True


def printable(yaml: str) -> bool:
    """``yaml.replace("\\n", "").isprintable()``, faster: printable ASCII is dropped first
    (as bytes) and only the rest is looked at."""
    return (
        yaml.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_TEXT)
        .decode("utf-8", "surrogatepass")
        .isprintable()
    )


def _items(yaml: str, with_starts: bool) -> tuple[list[tuple], list[int] | None, int]:
    """The lines ``_ITEM`` matches (its groups), where each starts (only ``with_starts`` and
    when there are blank lines: else None) and how many non-blank lines the text has (each
    must be one an item matches, or the text is not in the common shape)."""
    blank = "\n\n" in yaml or yaml.startswith("\n")
    starts: list[int] | None = None
    if with_starts and blank:  # blank lines between keys: each key's line from its place
        matches = list(_ITEM.finditer(yaml))
        items = [m.groups() for m in matches]
        starts = [m.start() for m in matches]
    else:
        items = _ITEM.findall(yaml)
    if blank:
        all_lines = yaml.split("\n")
        nonblank = len(all_lines) - all_lines.count("")
    else:  # no blank line: only the empty text after a final line break
        nonblank = yaml.count("\n") + (not yaml.endswith("\n"))
        if not yaml:
            nonblank = 0
    return items, starts, nonblank


def _key_lines(lines: list[int] | None, items: list[tuple], starts: list[int] | None, yaml: str) -> None:
    """Append the 0-based line of each item's key to ``lines``, if any (after the scan: a text
    the scanner answers has every line in an item)."""
    if lines is None:
        return
    line = pos = 0
    if starts is not None:  # the line of its start (blank lines in between)
        for start in starts:
            line += yaml.count("\n", pos, start)
            pos = start
            lines.append(line)
        return
    for item in items:  # one line a key, two with block content
        lines.append(line)
        line += 2 if item[2] else 1


def scan(yaml: str, as_json: bool = False, lines: list[int] | None = None) -> dict | None:
    """The data of a front-matter text in the common shape, else None.

    ``as_json``: typed values as JSON holds them (``json_safe``): dates as ISO text.
    ``lines``: filled with the 0-based line of every key, in the order the keys appear
    (top-level keys and the keys of their mappings: the order ``key_lines`` walks them), when
    the text is in the common shape (left as it was when the answer is None)."""
    if not printable(yaml):
        return None  # tabs, CR, NEL, LS/PS, BOM, controls (and other rare characters)
    items, starts, nonblank = _items(yaml, lines is not None)
    consumed = 0
    data: dict = {}
    cur = data
    pending = None  # a top-level key with no value yet: a mapping may follow
    sub_indent = 0
    # (no function call a line in this loop: indexing runs it for every line of 36,000 files)
    for ind, key, content_indent, content, text, value in items:
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
        if key in cur or (key not in _TEXT_KEYS and not _key_ok(key)):
            return None
        consumed += 1
        if text:
            cur[key] = text
        elif content_indent:
            if len(content_indent) <= len(ind) or not content or content[0] == " ":
                return None
            cur[key] = content
            consumed += 1
        elif value and value.rstrip(" "):
            ok, typed = _plain(value.rstrip(" "), as_json)
            if not ok:
                return None
            cur[key] = typed
        else:
            cur[key] = None
            if not ind:
                pending = key
    if consumed != nonblank:
        return None  # some line is not in the common shape
    _key_lines(lines, items, starts, yaml)
    return data


def key_lines(data: Any, lines: tuple | list) -> dict[str, int]:
    """Dotted key -> line, from the lines ``scan`` (or the collection's ``tree_lines``) recorded for
    ``data``: top-level keys and the keys of their mappings, in order."""
    out: dict[str, int] = {}
    if not isinstance(data, dict):
        return out
    it = iter(lines)
    for key, value in data.items():
        at = next(it, None)
        if at is None:
            break
        out[str(key)] = at
        if isinstance(value, dict):
            for sub in value:
                at = next(it, None)
                if at is None:
                    return out
                out[f"{key}.{sub}"] = at
    return out
