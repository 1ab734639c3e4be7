"""Scalar renderers for each YAML style, quoting that every reader reads the same.

Each renderer returns the source text of a scalar, or None when the style cannot hold the value.
A string is written plain only when YAML 1.2 and YAML 1.1 readers both read it as that string.
The predicates are conservative; the writer's re-parse is still the final judge.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from .resolve import resolve_plain, yaml11_typed

# Characters only double quotes (with escapes) carry safely: controls, NEL, LS, PS, BOM,
# surrogates and non-characters. Libraries also treat NEL/LS/PS as line breaks.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_DQ_SPECIAL = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_DQ_NAMED = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x00": "\\0",
    "\x07": "\\a",
    "\x08": "\\b",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\x1b": "\\e",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")

_FLOW_CHARS = set(",[]{}")


def unsafe(value: str) -> bool:
    """True when the value holds a character only double quotes carry safely."""
    if value.isprintable():  # fast path (C speed): no controls, separators or format chars
        return False
    return _UNSAFE.search(value) is not None


def _dq_escape(match: re.Match) -> str:
    ch = match.group()
    named = _DQ_NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}"


def double(value: str) -> str:
    return '"' + _DQ_SPECIAL.sub(_dq_escape, value) + '"'


def single(value: str) -> str | None:
    if "\n" in value or "\r" in value or unsafe(value):
        return None
    return "'" + value.replace("'", "''") + "'"


def plain(value: str, flow: bool = False) -> str | None:
    if not value or value[0] in " \t" or value[-1] in " \t:":
        return None
    if "\n" in value or "\r" in value or "\t" in value or unsafe(value):
        return None
    first = value[0]
    if first in _INDICATORS:
        if first not in "-?:" or len(value) == 1 or value[1] in " \t" or (flow and value[1] in _FLOW_CHARS):
            return None
    if ": " in value or " #" in value or value.startswith(("---", "...")):
        return None
    if flow and (":" in value or "?" in value or any(c in _FLOW_CHARS for c in value)):
        return None  # ("?" inside a flow plain scalar: ruamel's parser refuses "{0?: x}")
    if yaml11_typed(value):  # text to YAML 1.2, a bool, number, null… to YAML 1.1 readers
        return None
    try:
        if not isinstance(resolve_plain(value), str):
            return None
    except Exception:  # noqa: BLE001 - reads as a type but is not one (2019-02-29, "="): quote it
        return None
    return value


def block(
    value: str,
    kind: str,
    content_col: int,
    parent_indent: int,
    newline: str,
    keep_chomp: bool = False,
    indicator: bool = False,
    comment: str = "",
) -> str | None:
    """A literal (``|``) or folded (``>``) block scalar: header, then its content lines."""
    if not value or "\r" in value or unsafe(value):
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    if not body:
        return None
    segments = body.split("\n")
    if kind == ">":
        if any(s[:1] in (" ", "\t") for s in segments):
            return None
        lines: list[str] = []
        pending = 0  # empty segments since the last text line
        seen_text = False
        for seg in segments:
            if not seg:
                pending += 1
                continue
            if seen_text:
                pending += 1  # a single break between two text lines needs an empty line
            lines.extend([""] * pending)
            lines.append(seg)
            pending = 0
            seen_text = True
    else:
        lines = segments
    first_text = next(s for s in segments if s)
    digit = ""
    if indicator or first_text[:1] in (" ", "\t"):
        step = content_col - parent_indent
        if not 1 <= step <= 9:
            return None
        digit = str(step)
    if trailing == 0:
        chomp, extra = "-", 0
    elif keep_chomp or trailing > 1:
        chomp, extra = "+", trailing - 1
    else:
        chomp, extra = "", 0
    pad = " " * content_col
    out = [kind + digit + chomp + comment]
    out.extend(pad + s if s else "" for s in lines)
    out.extend([""] * extra)
    return newline.join(out)


def bool_text(value: bool, hint: str | None) -> str:
    word = "true" if value else "false"
    if hint and hint[:1].isupper():
        return word.upper() if hint.isupper() and len(hint) > 1 else word.capitalize()
    return word


def scalar_text(value: Any, hint: str | None = None) -> str | None:
    """Plain text of a non-string scalar; ``hint`` is the spelling it replaces (True/true…)."""
    if value is None:
        return hint if hint in ("~", "null", "Null", "NULL", "") else "null"
    if isinstance(value, bool):
        return bool_text(value, hint)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:
            text = text.replace("e", ".0e")
        return text
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return None


# the styles a string falls through when the one before does not read back, by its old style
_CHAINS = {
    None: ["plain", "single", "double"],
    "'": ["single", "double"],
    '"': ["double"],
    ">": [">", "|", "double"],
    "|": ["|", "double"],
}


def chain(style: str | None) -> list[str]:
    """The styles to try, in order, for a string written where a scalar of ``style`` was."""
    return _CHAINS.get(style, _CHAINS[None])


def render(
    value: str,
    how: str,
    flow: bool,
    content_col: int,
    parent_indent: int,
    newline: str,
    keep: bool = False,
    indicator: bool = False,
    comment: str = "",
) -> str | None:
    """A string in one style of ``chain``: "plain", "single", "double" or a block (``|``,
    ``>``; never in flow context); None when that style cannot hold it."""
    if how == "plain":
        return plain(value, flow)
    if how == "single":
        return single(value)
    if how == "double":
        return double(value)
    if flow:
        return None
    return block(value, how, content_col, parent_indent, newline, keep, indicator, comment)


def new_key(value: Any, flow: bool) -> str:
    """The text of a new mapping key: plain when it can be, else quoted."""
    if isinstance(value, str):
        return plain(value, flow) or single(value) or double(value)
    text = scalar_text(value)
    return text if text is not None else double(str(value))
