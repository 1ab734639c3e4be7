"""Patches for ``qteditor set``: deep merge of a JSON object, and dotted KEY=VALUE pairs.

Values keep the type of the field they replace: an ``id`` stays an int, a ``date`` a date,
``True`` a bool; a new key takes its type from the schema, else it is text.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .errors import PatchError
from .schema import Schema
from .yamlspan import _resolve_plain, unshare

_MISSING = object()
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _schema_type(schema: Schema | None, path: tuple) -> str | None:
    return schema.type_of(path) if schema is not None else None


def coerce(existing: Any, value: Any, ftype: str | None, path: tuple, from_text: bool) -> Any:
    """Convert ``value`` to the type of ``existing`` (or of the schema field when new)."""
    name = _dotted(path)
    if existing is _MISSING or existing is None:
        kind: Any = {"int": int, "float": float, "bool": bool, "date": _dt.date}.get(ftype or "")
        if kind is None:
            if from_text and existing is None:
                return _resolve_plain(value)
            return value
        target = kind
    elif isinstance(existing, (dict, list)):
        if from_text:
            what = "a mapping" if isinstance(existing, dict) else "a list"
            raise PatchError(f"{name} is {what}; set its parts (e.g. {name}.KEY=VALUE) or use --json")
        return value
    else:
        target = type(existing)
    if isinstance(value, (dict, list)) or value is None:
        return value
    try:
        if target is bool:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError
        if target is int:
            if isinstance(value, bool):
                raise ValueError
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError
                return int(value)
            return int(str(value).strip())
        if target is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if target is _dt.datetime:
            if isinstance(value, _dt.datetime):
                return value
            return _dt.datetime.fromisoformat(str(value).strip())
        if target is _dt.date:
            if isinstance(value, _dt.date):
                return value
            return _dt.date.fromisoformat(str(value).strip())
        if target is str:
            if isinstance(value, bool):
                return "true" if value else "false"
            return value if isinstance(value, str) else str(value)
    except (ValueError, TypeError):
        kind = {bool: "true or false", int: "a whole number", float: "a number",
                _dt.date: "a date (YYYY-MM-DD)", _dt.datetime: "a date and time"}.get(target, "")
        raise PatchError(f"{name} must be {kind}; got {value!r}") from None
    return value


def merge(fields: dict, patch: dict, schema: Schema | None = None, _path: tuple = ()) -> dict:
    """Deep-merge ``patch`` into a copy of ``fields``; ``None`` deletes a key."""
    if not isinstance(fields, dict):
        raise PatchError("the front matter is not a mapping, so keys cannot be set")
    out = unshare(fields) if not _path else fields
    for key, value in patch.items():
        path = _path + (key,)
        current = out.get(key, _MISSING)
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(current, dict):
            out[key] = merge(current, value, schema, path)
        else:
            out[key] = coerce(current, value, _schema_type(schema, path), path, from_text=False)
    return out


def parse_assignment(text: str) -> tuple[tuple[str, ...], str]:
    if "=" not in text:
        raise PatchError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    parts = tuple(key.strip().split("."))
    if not all(parts):
        raise PatchError(f"empty key in {text!r}")
    return parts, value


def assign(fields: dict, assignments: list[str], schema: Schema | None = None) -> dict:
    """Apply ``a.b=value`` assignments, each value converted to its field's type."""
    if not isinstance(fields, dict):
        raise PatchError("the front matter is not a mapping, so keys cannot be set")
    out = unshare(fields)
    for text in assignments:
        path, value = parse_assignment(text)
        node = out
        for i, part in enumerate(path[:-1]):
            nxt = node.get(part, _MISSING)
            if nxt is _MISSING or nxt is None:
                nxt = node[part] = {}
            elif not isinstance(nxt, dict):
                raise PatchError(f"{_dotted(path[: i + 1])} is not a mapping, so "
                                 f"{_dotted(path)} cannot be set")
            node = nxt
        leaf = path[-1]
        node[leaf] = coerce(node.get(leaf, _MISSING), value, _schema_type(schema, path), path,
                            from_text=True)
    return out
