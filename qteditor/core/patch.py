"""Patches for ``qteditor set``: deep merge of a JSON object, and dotted KEY=VALUE pairs.

Values keep the type of the field they replace: an ``id`` stays an int, a ``date`` a date,
``True`` a bool; a new key takes its type from the schema, else it is text.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from .errors import PatchError
from .schema import Schema
from .yaml import resolve_plain, unshare

_MISSING = object()
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


def _schema_type(schema: Schema | None, path: tuple) -> str | None:
    return schema.type_of(path) if schema is not None else None


def _to_bool(value: Any) -> bool:
    """A bool, or a word for one (true/yes/on/1, false/no/off/0, any case)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError


def _to_int(value: Any) -> int:
    """An int, a whole float, or the text of a whole number; never a bool."""
    if isinstance(value, bool):  # (a bool is an int to Python, not to a writer)
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    return int(str(value).strip())


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    return float(value)


def _to_datetime(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value
    return _dt.datetime.fromisoformat(str(value).strip())


def _to_date(value: Any) -> _dt.date:
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value).strip())


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


# a value converted to a field's type (exactly that type: a subclass converts nothing); each
# raises ValueError or TypeError for a value that is not one
_CONVERT: dict[type, Callable[[Any], Any]] = {
    bool: _to_bool,
    int: _to_int,
    float: _to_float,
    _dt.datetime: _to_datetime,
    _dt.date: _to_date,
    str: _to_str,
}


def coerce(existing: Any, value: Any, ftype: str | None, path: tuple, from_text: bool) -> Any:
    """Convert ``value`` to the type of ``existing`` (or of the schema field when new)."""
    name = _dotted(path)
    if existing is _MISSING or existing is None:
        kind: Any = {"int": int, "float": float, "bool": bool, "date": _dt.date}.get(ftype or "")
        if kind is None:
            if from_text and existing is None:
                return resolve_plain(value)
            return value
        target = kind
    elif isinstance(existing, (dict, list)):
        if from_text:
            what = "a mapping" if isinstance(existing, dict) else "a list"
            raise PatchError(
                f"{name} is {what}; set its parts (e.g. {name}.KEY=VALUE) or use --json", field=path
            )
        return value
    else:
        target = type(existing)
    if isinstance(value, (dict, list)) or value is None:
        return value
    convert = _CONVERT.get(target)
    if convert is None:
        return value
    try:
        return convert(value)
    except (ValueError, TypeError):
        kind = {
            bool: "true or false",
            int: "a whole number",
            float: "a number",
            _dt.date: "a date (YYYY-MM-DD)",
            _dt.datetime: "a date and time",
        }.get(target, "")
        raise PatchError(f"{name} must be {kind}; got {value!r}", field=path) from None


def nested(flat: dict[str, Any]) -> dict:
    """Dotted keys as a patch: ``{"seo.title": v}`` -> ``{"seo": {"title": v}}``."""
    out: dict = {}
    for dotted, value in flat.items():
        holder = out
        parts = dotted.split(".")
        for part in parts[:-1]:
            holder = holder.setdefault(part, {})
        holder[parts[-1]] = value
    return out


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
                raise PatchError(
                    f"{_dotted(path[: i + 1])} is not a mapping, so {_dotted(path)} cannot be set",
                    field=path[: i + 1],
                )
            node = nxt
        leaf = path[-1]
        node[leaf] = coerce(node.get(leaf, _MISSING), value, _schema_type(schema, path), path, from_text=True)
    return out


def schema_keys(schema: Schema | None) -> list[str]:
    """Every dotted key the schema names (a repeated field by each of its numbers)."""
    if schema is None:
        return []
    out: list[str] = []
    for f in schema.fields:
        if not f.repeat:
            out.append(f.key)
            continue
        for n in range(1, f.repeat + 1):
            out.append(f"{f.key}{n}")
            out.extend(f"{f.key}{n}.{sub.key}" for sub in f.subfields)
    return out


def file_keys(fields: Any, _prefix: str = "") -> list[str]:
    """Every dotted key of the file's mappings (text keys; not inside lists)."""
    out: list[str] = []
    if isinstance(fields, dict):
        for key, value in fields.items():
            if not isinstance(key, str):
                continue
            dotted = f"{_prefix}{key}"
            out.append(dotted)
            out.extend(file_keys(value, dotted + "."))
    return out


def _in_file(fields: Any, path: tuple) -> bool:
    """The key is in the file, or the path goes through a value of the file that is not a
    mapping (``assign`` says so, which is the better message)."""
    node = fields
    for part in path:
        if not isinstance(node, dict):
            return node is not None
        if part not in node:
            return False
        node = node[part]
    return True


def check_keys(fields: Any, assignments: list[str], schema: Schema | None = None) -> None:
    """Refuse a key that is neither in the schema nor in the file (a typo, most often),
    naming the closest known key (``--new-key`` skips this check)."""
    known: list[str] | None = None
    for text in assignments:
        path, _ = parse_assignment(text)
        if _in_file(fields, path) or (schema is not None and schema.field(path) is not None):
            continue
        if known is None:
            known = list(dict.fromkeys(schema_keys(schema) + file_keys(fields)))
        dotted = _dotted(path)
        import difflib  # only when a key is unknown

        close = difflib.get_close_matches(dotted, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        raise PatchError(
            f"{dotted} is neither in the schema nor in the file; {hint}(--new-key adds it)", field=path
        )
