"""The format-preserving YAML engine: its one public face.

Everything outside this package imports from here (``from qteditor.core.yaml import ...``);
the modules behind it are

    values       plain-data helpers: ``same`` (type-strict equality), ``unshare``, JSON-safe data
"""

from __future__ import annotations

from .values import KeyCollision, is_scalar, json_fields, json_safe, key_text, same, unshare

__all__ = [
    "KeyCollision", "is_scalar", "json_fields", "json_safe", "key_text", "same", "unshare",
]
