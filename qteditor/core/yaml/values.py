"""Plain-data helpers: the comparison every save is verified with, copies, JSON-safe data.

The data is what the span parser builds (dicts, lists, str, int, float, bool, None, dates).
``same`` is the type-strict equality the writer verifies a save with: ``1``, ``1.0`` and
``True`` differ, and so do ``0.0`` and ``-0.0``.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from ..errors import FormatError


def same(a: Any, b: Any) -> bool:
    """Equal in value and in type (1, 1.0 and True differ; key order does not matter)."""
    ta, tb = type(a), type(b)
    if ta is not tb:
        return False
    if ta is dict:
        if a.keys() != b.keys():
            return False
        if not all(type(k) is str for k in a) and (sorted(map(key_sig, a)) != sorted(map(key_sig, b))):
            return False  # 1, 1.0 and True are one dict key to Python, not to YAML
        return all(same(v, b[k]) for k, v in a.items())
    if ta is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    if ta is float:
        if a != a:
            return b != b
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


def yaml_key(key: Any) -> str:
    """A mapping key as a message shows it: ``true``, ``null``, ``'1'``, ``1``."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return repr(key) if isinstance(key, str) else str(key)


def key_sig(key: Any) -> tuple:
    """What tells two keys apart for YAML: its type and its text (1, 1.0 and True differ)."""
    return (type(key).__name__, repr(key))


def unshare(value: Any) -> Any:
    """A deep copy in which no two places share an object (aliases become copies)."""
    if isinstance(value, dict):
        return {k: unshare(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unshare(v) for v in value]
    return value


def is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


class KeyCollision(FormatError):
    """Two keys of one mapping that JSON would write as the same text (``1`` and ``'1'``)."""

    def __init__(self, message: str, path: tuple, keys: tuple):
        super().__init__(message)
        self.mapping = path  # the data keys of the mapping that holds them
        self.keys = keys


def json_fields(value: Any, _path: tuple = ()) -> Any:
    """``json_safe``, but refusing (KeyCollision) two keys of one mapping that become the same
    JSON text (``1`` and ``'1'``, a date and its quoted form, ``null`` and ``'null'``), which
    ``json_safe`` would silently merge: every key is kept or the output refused."""
    if isinstance(value, dict):
        out: dict = {}
        source: dict = {}
        for k, v in value.items():
            text = k if isinstance(k, str) else key_text(k)
            if text in out:
                other = source[text]
                raise KeyCollision(
                    f"the keys {yaml_key(other)} and {yaml_key(k)} would both be written "
                    f'"{text}" in JSON, so one would be lost; quote or rename one of them',
                    _path,
                    (other, k),
                )
            source[text] = k
            out[text] = json_fields(v, _path + (k,))
        return out
    if isinstance(value, list):
        return [json_fields(v, _path + (i,)) for i, v in enumerate(value)]
    return json_safe(value)


def json_safe(value: Any) -> Any:
    """Data as JSON can hold it: dates as ISO text, non-string keys as text."""
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else key_text(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    return value


def key_text(key: Any) -> str:
    """A non-string key as JSON text: ``true``, ``null``, a date in ISO form, ``str()`` else."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (_dt.date, _dt.datetime)):
        return key.isoformat()
    return str(key)
