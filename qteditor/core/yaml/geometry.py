"""Text geometry of a front-matter text and its span tree: columns, line starts and ends, where
a value's content ends, where a key's colon and an item's dash are, and the lines a key holds.

The parser's end marks are not always where a value's text ends (a block scalar's end mark is
past its trailing blank lines; an empty value has no text at all): these are the places the
writer cuts and inserts at.
"""

from __future__ import annotations

import re
from typing import Any

from .spans import Node, Parsed, node_key

BLOCK_HEADER = re.compile(r"([|>])([-+1-9]*)([^\r\n]*)")  # a block scalar's | or >, then modifiers
_SPACES = re.compile(r" *")


def is_empty(node: Node) -> bool:
    """An empty plain scalar with no anchor or tag: a key or dash with nothing after it."""
    return (
        node.kind == "scalar"
        and node.style is None
        and node.value == ""
        and node.anchor is None
        and node.tag is None
    )


class Geometry:
    """Positions in one text (indexes into it, as the span tree's are)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def col(self, pos: int) -> int:
        return pos - (self.text.rfind("\n", 0, pos) + 1)

    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def line_end(self, pos: int) -> int:
        """Index of the line break ending the line that holds pos (or the text's end)."""
        nl = self.text.find("\n", pos)
        if nl < 0:
            return len(self.text)
        return nl - 1 if nl > 0 and self.text[nl - 1] == "\r" else nl

    def after_line(self, pos: int) -> int:
        nl = self.text.find("\n", pos)
        return len(self.text) if nl < 0 else nl + 1

    def indent_at(self, pos: int) -> int:
        """Number of spaces that start the line at pos."""
        spaces = _SPACES.match(self.text, pos)
        assert spaces is not None  # " *" matches anywhere, if only the empty string
        return spaces.end() - pos

    def props_end(self, node: Node) -> int:
        """Where a node's text starts after its anchor and tag."""
        t, p = self.text, node.start
        if node.anchor is None and node.tag is None:
            return p
        while p < len(t) and t[p] in "&!":
            while p < len(t) and t[p] not in " \t\r\n":
                p += 1
            while p < len(t) and t[p] in " \t":
                p += 1
        return p

    def block_content_end(self, node: Node) -> int:
        t = self.text
        header_end = self.line_end(node.start)
        m = BLOCK_HEADER.match(t, self.props_end(node))
        keep = m is not None and "+" in m.group(2)
        end = node.end
        if keep:
            if end > header_end and t[end - 1] == "\n":
                end -= 2 if end >= 2 and t[end - 2] == "\r" else 1
            return max(end, header_end)
        # the last line that holds content (blank lines after the text are not the value's)
        pos = header_end
        last = header_end
        col = None
        while pos < end:
            line_from = pos + 1 if t[pos] == "\n" else pos
            if line_from >= end:
                break
            nxt = t.find("\n", line_from)
            line_to = len(t) if nxt < 0 else nxt
            if line_to > line_from and t[line_to - 1] == "\r":
                line_to -= 1
            spaces = _SPACES.match(t, line_from, line_to)
            assert spaces is not None  # " *" matches anywhere, if only the empty string
            text_at = spaces.end()
            if text_at < line_to:
                if col is None:
                    col = text_at - line_from
                last = line_to
            elif col is not None and line_to - line_from > col:
                last = line_to
            if nxt < 0:
                break
            pos = nxt
        return last

    def content_end(self, node: Node) -> int:
        """Where the text of a value ends (its last content, not the blank lines after it)."""
        if node.kind == "scalar":
            if node.style in ("|", ">"):
                return self.block_content_end(node)
            return node.end
        if node.kind == "alias" or node.flow:
            return node.end
        if node.kind == "map":
            if not node.items:
                return node.end
            k, v = node.items[-1]
            if is_empty(v):
                lead = self.colon(k, v, None)
                return lead if lead is not None else k.end
            return self.content_end(v)
        if not node.items:
            return node.end
        last = node.items[-1]
        if is_empty(last):
            return self.dash(last) + 1
        return self.content_end(last)

    def colon(self, k: Node, v: Node, limit: int | None) -> int | None:
        """Just past the ``:`` between a key and its value (None when there is none)."""
        stop = v.start if not is_empty(v) else (limit if limit is not None else len(self.text))
        pos = self.text.find(":", self.content_end(k), max(stop, self.content_end(k)))
        return None if pos < 0 else pos + 1

    def dash(self, item: Node) -> int:
        """The ``-`` of a block sequence item."""
        pos = item.start - 1
        t = self.text
        while pos >= 0 and t[pos] != "-":
            pos -= 1
        return pos

    def pair_end(self, k: Node, v: Node) -> int:
        """Where a key with its value ends (just past the colon when the value is empty)."""
        return self.content_end(v) if not is_empty(v) else (self.colon(k, v, None) or k.end)


def pair_span(text: str, parsed: Parsed, path: tuple) -> tuple[int, int] | None:
    """0-based first and last line of the key at ``path`` (data keys, through mappings) with
    its value in ``text`` (the text ``parsed`` was parsed from), or None when it is absent."""
    node: Any = parsed.root
    found = None
    for step in path:
        if node is None or node.kind != "map":
            return None
        found = None
        for k, v in node.items:
            if k.kind == "scalar" and node_key(k) == step:
                found = (k, v)
                break
        if found is None:
            return None
        node = found[1]
    if found is None:
        return None
    k, v = found
    geo = Geometry(text)
    end = geo.pair_end(k, v)
    first = text.count("\n", 0, geo.line_start(k.start))
    return first, first + text.count("\n", geo.line_start(k.start), end)
