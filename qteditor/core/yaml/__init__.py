"""The format-preserving YAML engine: its one public face.

Everything outside this package imports from here (``from qteditor.core.yaml import ...``):

    parsed = parse(text, path, first_line)     # span tree + typed data, or a FormatError
    Writer(text, parsed, newline, path, first_line, hints).write(parsed.data, new_data)
        # -> (new text, its parse), None when nothing changed, or a SaveError
    pair_span(text, parsed, ("seo", "title"))  # 0-based first and last line of a key

Every save is parsed again and compared (type-strict, ``same``) with the intended data; a value
that does not read back falls to its next style, and when nothing verifies the save is refused.
The modules behind this face:

    spans        ruamel.yaml's event stream -> a span tree (exact start/end of every node) + data
    resolve      YAML 1.2 core typing in one place; the YAML 1.1 spellings quoting avoids
    values       plain-data helpers: ``same`` (type-strict equality), ``unshare``, JSON-safe data
    geometry     text geometry: where values end, colons, dashes; ``pair_span``, a key's lines
    emit         scalar renderers per style; quoting that YAML 1.1 and 1.2 readers read the same
    conventions  how a file writes things (styles, indentation, spellings), inferred
    writer       old data vs new data -> minimal edits -> verified by a re-parse
    scanner      a fast reader of the common shape (the index, the writer's quick check)

The parser (``parse``, ``Parsed``, ``Node``, ``pair_span``: ruamel.yaml), ``Writer`` and the
scanner load on first use (an entry outside the scanner's shape, the first save, the index),
not with this package: the window's first frame reads its entry with the scanner alone.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .resolve import resolve_plain
from .values import KeyCollision, is_scalar, json_fields, json_safe, key_text, same, unshare

if TYPE_CHECKING:
    from .geometry import pair_span
    from .scanner import key_lines, printable, scan
    from .spans import LIBYAML, MAX_DEPTH, Node, Parsed, parse
    from .writer import Writer

__all__ = [
    "LIBYAML",
    "MAX_DEPTH",
    "Node",
    "Parsed",
    "parse",
    "pair_span",
    "Writer",
    "key_lines",
    "printable",
    "scan",
    "KeyCollision",
    "is_scalar",
    "json_fields",
    "json_safe",
    "key_text",
    "resolve_plain",
    "same",
    "unshare",
]

# name -> the module that holds it, imported on first use
_LAZY = {
    "Writer": "writer",
    "key_lines": "scanner",
    "printable": "scanner",
    "scan": "scanner",
    "pair_span": "geometry",
    "LIBYAML": "spans",
    "MAX_DEPTH": "spans",
    "Node": "spans",
    "Parsed": "spans",
    "parse": "spans",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
