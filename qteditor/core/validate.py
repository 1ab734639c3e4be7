"""Field warnings from the schema — required, lengths, patterns: one function that the form
(under each field) and ``qteditor check`` (as problems) both use."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .schema import Field, Schema


@dataclass(frozen=True)
class Finding:
    key: str  # dotted field key
    rule: str  # required-missing, field-pattern, field-length, or the field's own rule
    hint: str  # for the form, under the field
    message: str  # for a problem list (names the field)


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern:
    return re.compile(text)


class Omitted:
    """A text field's value that was not loaded, known by its length (the index keeps the
    answer apart): required and length rules still apply, patterns cannot."""

    __slots__ = ("length",)

    def __init__(self, length: int):
        self.length = length


def check_field(f: Field, value: Any) -> Finding | None:
    """The first warning of one field's value (required, then form, then length)."""
    key = f.key
    if isinstance(value, Omitted):
        if value.length == 0 and f.required:
            return Finding(key, "required-missing", f"{f.label} is required.", f"{key} is required")
        return _length(f, value.length)
    empty = (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (dict, list)) and not value and f.type not in ("mapping", "list"))
    )
    if empty:
        if f.required:
            return Finding(key, "required-missing", f"{f.label} is required.", f"{key} is required")
        return None
    if isinstance(value, (dict, list)):
        if f.required and f.type == "mapping" and not isinstance(value, dict):
            return Finding(key, "required-missing", f"{f.label} is required.", f"{key} is required")
        return None
    wrong = _wrong_type(f.type, value)
    if wrong is not None:
        return Finding(key, "field-pattern", f"Not {wrong}.", f"{key} {value!r:.60} is not {wrong}")
    text = value if isinstance(value, str) else str(value)
    if f.pattern and not _pattern(f.pattern).fullmatch(text):
        hint = f.pattern_help or "Not in the expected form."
        return Finding(
            key, "field-pattern", hint, f"{key} {text[:60]!r} is not in the expected form ({f.pattern})"
        )
    return _length(f, len(text))


def _wrong_type(ftype: str, value: Any) -> str | None:
    """What a value of a typed field should be, when it is not (None when it is): the writer
    keeps a value's type, so an ``id: abc`` would stay text, and a fix copying it elsewhere
    would be refused."""
    if ftype == "int" and (type(value) is not int):
        return "a whole number"
    if ftype == "date" and not isinstance(value, _dt.date):
        try:  # (the index keeps a date as its text)
            _dt.date.fromisoformat(value if type(value) is str and len(value) == 10 else "")
        except ValueError:
            return "a date (YYYY-MM-DD)"
    return None


def _length(f: Field, n: int) -> Finding | None:
    key = f.key
    if (
        f.recommended_min is not None
        and f.recommended_max is not None
        and not (f.recommended_min <= n <= f.recommended_max)
    ):
        return Finding(
            key,
            f.rule or "field-length",
            f"{n} characters; search engines show {f.recommended_min}–{f.recommended_max}.",
            f"{key} has {n} characters; search engines show {f.recommended_min}-{f.recommended_max}",
        )
    if f.max_length is not None and n > f.max_length:
        return Finding(
            key,
            "field-length",
            f"Longer than {f.max_length} characters ({n}).",
            f"{key} has {n} characters; at most {f.max_length}",
        )
    if f.min_length is not None and n < f.min_length:
        return Finding(
            key,
            "field-length",
            f"Shorter than {f.min_length} characters ({n}).",
            f"{key} has {n} characters; at least {f.min_length}",
        )
    return None


def validate(fields: Any, schema: Schema, omitted: dict[str, int] | None = None) -> list[Finding]:
    """Every field's first warning, in schema order (repeated fields such as related articles
    are the checks' business). ``omitted``: fields not loaded, by their length."""
    if omitted:
        fields = {**fields, **{k: Omitted(n) for k, n in omitted.items()}}
    out = []
    get = fields.get
    for f, parts, ruled in schema.validated_fields:
        if len(parts) == 1:
            value = get(parts[0])
        else:
            value = fields
            for part in parts:
                if type(value) is not dict:
                    value = None
                    break
                value = value.get(part)
            if value is None and not f.required:
                continue
        if not ruled:
            if not f.required or (type(value) is str and value.strip()):
                continue  # the common case: a required text that is there
        finding = check_field(f, value)
        if finding is not None:
            out.append(finding)
    return out
