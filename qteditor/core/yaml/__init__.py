"""The format-preserving YAML engine: its one public face.

Everything outside this package imports from here (``from qteditor.core.yaml import ...``);
the modules behind it are

    spans        ruamel.yaml's event stream -> a span tree (exact start/end of every node) + data
    emit         scalar renderers per style; quoting that YAML 1.1 and 1.2 readers read the same
    geometry     text geometry: where values end, colons, dashes; ``pair_span``, a key's lines
    resolve      YAML 1.2 core typing in one place; the YAML 1.1 spellings quoting avoids
    values       plain-data helpers: ``same`` (type-strict equality), ``unshare``, JSON-safe data
"""

from __future__ import annotations

from .geometry import pair_span
from .resolve import resolve_plain
from .spans import LIBYAML, MAX_DEPTH, Node, Parsed, parse
from .values import KeyCollision, is_scalar, json_fields, json_safe, key_text, same, unshare

__all__ = [
    "LIBYAML", "MAX_DEPTH", "Node", "Parsed", "parse", "pair_span",
    "KeyCollision", "is_scalar", "json_fields", "json_safe", "key_text", "resolve_plain", "same",
    "unshare",
]
