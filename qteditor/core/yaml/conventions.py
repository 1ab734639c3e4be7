"""How a file writes things, inferred from its span tree: the style, chomping and indentation
of each key's value, the spelling of its booleans and nulls, the indentation of nested
mappings and sequences. An added key copies the convention of the same key elsewhere in the
file (``related_article6`` takes ``related_article5``'s, its family's), then the schema's hints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .geometry import BLOCK_HEADER, Geometry
from .spans import Node

Hints = Callable[[Any, Any], dict | None]  # (key, parent key) -> a schema's writing hints


def family(key: Any) -> Any:
    """The key without its final number (``related_article5`` -> ``related_article``)."""
    return re.sub(r"\d+$", "", key) if isinstance(key, str) else key


@dataclass
class Convention:
    """How the value of one key is written."""

    style: str | None = None
    chomp: str = "-"
    offset: int | None = None  # block scalar content column - key column
    spelling: str | None = None
    map_offset: int | None = None
    seq_offset: int | None = None


class Conventions:
    """The conventions of one text, inferred on first use (a save that only changes values
    never needs them)."""

    def __init__(self, geo: Geometry, root: Node | None, hints: Hints | None = None):
        self.geo = geo
        self.root = root
        self.hints = hints
        self._conv: dict | None = None
        self._defaults: tuple[int, int] | None = None

    def _inferred(self) -> dict:
        if self._conv is not None:
            return self._conv
        conv: dict = {}
        map_offsets: Counter = Counter()
        seq_offsets: Counter = Counter()
        geo = self.geo

        def visit(node: Node | None, parent: Any) -> None:
            if node is None:
                return
            if node.kind == "map" and not node.flow:
                for k, v in node.items:
                    if k.kind != "scalar":
                        continue
                    key = k.value
                    c = Convention()
                    if v.kind == "scalar":
                        c.style = v.style
                        c.spelling = v.value if v.style is None else None
                        if v.style in ("|", ">"):
                            m = BLOCK_HEADER.match(geo.text, geo.props_end(v))
                            c.chomp = m.group(2).strip("123456789") if m else "-"
                            c.offset = geo.indent_at(geo.after_line(v.start)) - k.col
                    elif v.kind == "map" and not v.flow and v.items:
                        c.map_offset = v.items[0][0].col - k.col
                        map_offsets[c.map_offset] += 1
                    elif v.kind == "seq" and not v.flow and v.items:
                        c.seq_offset = geo.col(geo.dash(v.items[0])) - k.col
                        seq_offsets[c.seq_offset] += 1
                    conv.setdefault((family(parent), key), c)
                    conv.setdefault((None, key), c)
                    conv.setdefault((None, family(key)), c)
                    visit(v, key)
            elif node.kind == "map":
                for k, v in node.items:
                    visit(v, k.value if k.kind == "scalar" else None)
            elif node.kind == "seq":
                for item in node.items:
                    visit(item, parent)

        visit(self.root, None)
        self._conv = conv
        self._defaults = (
            map_offsets.most_common(1)[0][0] if map_offsets else 2,
            seq_offsets.most_common(1)[0][0] if seq_offsets else 2,
        )
        return conv

    def for_key(self, key: Any, parent: Any) -> Convention | None:
        """The convention of ``key`` under ``parent``: the same key under the same family of
        parent, the same key anywhere, its family anywhere, then the hints; None if none."""
        conv = self._inferred()
        for probe in ((family(parent), key), (None, key), (None, family(key))):
            c = conv.get(probe)
            if c is not None:
                return c
        hint = self.hints(key, parent) if self.hints else None
        if hint:
            return Convention(
                style=hint.get("style"),
                chomp=hint.get("chomp", "-"),
                offset=hint.get("offset"),
                spelling=hint.get("spelling"),
                map_offset=hint.get("map_offset"),
                seq_offset=hint.get("seq_offset"),
            )
        return None

    def map_offset(self, key: Any, parent: Any) -> int:
        """How far a new mapping under ``key`` is indented past the key."""
        c = self.for_key(key, parent)
        if c is not None and c.map_offset:
            return c.map_offset
        self._inferred()
        assert self._defaults is not None  # _inferred sets it with the conventions
        return self._defaults[0] or 2

    def seq_offset(self, key: Any, parent: Any) -> int:
        """How far the dashes of a new sequence under ``key`` are indented past the key."""
        c = self.for_key(key, parent)
        if c is not None and c.seq_offset is not None:
            return c.seq_offset
        self._inferred()
        assert self._defaults is not None  # _inferred sets it with the conventions
        return self._defaults[1]
