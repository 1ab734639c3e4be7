"""Three-way merge of an entry changed on disk while it was being edited.

Front-matter fields merge independently (a field changed on one side only takes that side);
the answer merges line by line against the version that was read. What both sides changed
differently is a conflict for the user to choose.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .yaml import same, unshare

_MISSING = object()


@dataclass
class Conflict:
    path: tuple
    base: Any
    ours: Any
    theirs: Any


def merge_lines(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Merge two edits of a text line by line; (text, clean). Where both sides changed the
    same lines differently, ours wins and clean is False."""
    if ours == theirs or theirs == base:
        return ours, True
    if ours == base:
        return theirs, True
    b, o, t = base.split("\n"), ours.split("\n"), theirs.split("\n")

    def changes(side: list[str]) -> list[tuple[int, int, list[str]]]:
        sm = difflib.SequenceMatcher(None, b, side, autojunk=False)
        return [(i1, i2, side[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]

    events = sorted([(*c, "o") for c in changes(o)] + [(*c, "t") for c in changes(t)],
                    key=lambda e: (e[0], e[1]))
    merged: list[str] = []
    pos = 0
    clean = True
    i = 0
    while i < len(events):
        start, end = events[i][0], events[i][1]
        group = [events[i]]
        i += 1
        while i < len(events) and (events[i][0] < end or events[i][0] == start == end):
            group.append(events[i])
            end = max(end, events[i][1])
            i += 1
        merged.extend(b[pos:start])
        sides = {g[3] for g in group}
        if len(sides) == 2 and any(g[:3] != group[0][:3] for g in group):
            clean = False  # both sides changed these lines differently: keep ours
            group = [g for g in group if g[3] == "o"]
        elif len(sides) == 2:
            group = group[:1]  # the same change on both sides
        cursor = start
        for g_start, g_end, lines, _side in group:
            merged.extend(b[cursor:g_start])
            merged.extend(lines)
            cursor = g_end
        merged.extend(b[cursor:end])
        pos = end
    merged.extend(b[pos:])
    return "\n".join(merged), clean


def merge_fields(base: dict, ours: dict, theirs: dict, text_fields: tuple = ("answer",),
                 _path: tuple = ()) -> tuple[dict, list[Conflict]]:
    """Merge front-matter dicts; (merged, conflicts). Conflicted fields keep our value."""
    merged: dict = {}
    conflicts: list[Conflict] = []
    keys = list(ours) + [k for k in theirs if k not in ours]
    keys += [k for k in base if k not in ours and k not in theirs]
    for key in keys:
        b = base.get(key, _MISSING)
        o = ours.get(key, _MISSING)
        t = theirs.get(key, _MISSING)
        path = _path + (key,)
        if _eq(o, t):
            value = o
        elif _eq(o, b):
            value = t
        elif _eq(t, b):
            value = o
        elif isinstance(o, dict) and isinstance(t, dict) and isinstance(b, dict):
            value, sub = merge_fields(b, o, t, (), path)
            conflicts += sub
        elif key in text_fields and not _path and all(isinstance(v, str) for v in (b, o, t)):
            value, clean = merge_lines(b, o, t)
            if not clean:
                conflicts.append(Conflict(path, b, o, t))
        else:
            value = o
            conflicts.append(Conflict(path, _none(b), _none(o), _none(t)))
        if value is not _MISSING:
            merged[key] = unshare(value)
    return merged, conflicts


def _eq(a: Any, b: Any) -> bool:
    if a is _MISSING or b is _MISSING:
        return a is b
    return same(a, b)


def _none(v: Any) -> Any:
    return None if v is _MISSING else v
