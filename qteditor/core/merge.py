"""Three-way merges of entries.

``merge_fields`` / ``merge_lines``: an entry changed on disk while it was being edited (the
window's outside-change merge). Front-matter fields merge independently (a field changed on one
side only takes that side); the answer merges line by line against the version that was read.
What both sides changed differently is a conflict for the user to choose.

``merge_entry`` / ``merge_bytes``: what git's merge driver does (``qteditor merge-driver``).
Front matter field by field, repeated snapshots (``related_articleN``) item by item (matched by
url, then id, renumbered), text fields by their decoded lines (the answer's paragraphs), the
body line by line; the result is written into OURS through the core writer, so every field
THEIRS did not change keeps OURS's bytes even when THEIRS re-wrapped the whole file. Conflicts
get git's markers around the lines of the conflicting fields only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .yaml import same, unshare

if TYPE_CHECKING:
    from .document import Document
    from .entry import Entry

_MISSING = object()


@dataclass
class Conflict:
    path: tuple
    base: Any
    ours: Any
    theirs: Any
    key: Any = None  # merge_entry: the same conflict in every re-merge (what a choice names)
    kind: str = "value"  # "value" | "text" (merged by lines) | "deleted" | "item" | "body"
    absent: tuple = ()  # sides ("base", "ours", "theirs") that do not have the value


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

    events = sorted(
        [(*c, "o") for c in changes(o)] + [(*c, "t") for c in changes(t)], key=lambda e: (e[0], e[1])
    )
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


def merge_fields(
    base: dict, ours: dict, theirs: dict, text_fields: tuple = ("answer",), _path: tuple = ()
) -> tuple[dict, list[Conflict]]:
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


# ============================================================================ git's merge driver
OURS, THEIRS, BASE = "ours", "theirs", "base"
MISSING = _MISSING  # a value one side does not have (a choice may name it: delete the field)


@dataclass(frozen=True)
class Value:
    """A choice that is neither side: this value (``MISSING``: the field is removed)."""

    value: Any


def _matching_blocks(base: list, other: list) -> list[tuple[int, int, int]]:
    """``SequenceMatcher.get_matching_blocks`` of two sequences, with their common start and
    end matched first and only the middle compared (the matcher is quadratic where lines
    repeat: a 20,000-line body with one line added took 20 s; GNU diff trims the same way)."""
    n = min(len(base), len(other))
    head = 0
    while head < n and base[head] == other[head]:
        head += 1
    tail = 0
    while tail < n - head and base[-1 - tail] == other[-1 - tail]:
        tail += 1
    middle = difflib.SequenceMatcher(
        None, base[head : len(base) - tail], other[head : len(other) - tail], autojunk=False
    ).get_matching_blocks()
    out: list[tuple[int, int, int]] = [(0, 0, head)] if head else []
    out += [(i + head, j + head, size) for i, j, size in middle if size]
    if tail:
        out.append((len(base) - tail, len(other) - tail, tail))
    out.append((len(base), len(other), 0))
    return out


def _sync_regions(base: list, a: list, b: list) -> list[tuple[int, int, int, int, int, int]]:
    """Stretches of ``base`` that both ``a`` and ``b`` kept, with where they are in each
    (diff3's sync regions), ending with an empty one at the ends."""
    am = _matching_blocks(base, a)
    bm = _matching_blocks(base, b)
    out = []
    ia = ib = 0
    while ia < len(am) and ib < len(bm):
        abase, amatch, alen = am[ia]
        bbase, bmatch, blen = bm[ib]
        lo, hi = max(abase, bbase), min(abase + alen, bbase + blen)
        if lo < hi:
            asub, bsub = amatch + lo - abase, bmatch + lo - bbase
            out.append((lo, hi, asub, asub + hi - lo, bsub, bsub + hi - lo))
        if abase + alen < bbase + blen:
            ia += 1
        else:
            ib += 1
    out.append((len(base), len(base), len(a), len(a), len(b), len(b)))
    return out


def merge3(base: list, ours: list, theirs: list) -> list[tuple]:
    """diff3 of three sequences: a list of ``("ok", items)`` and ``("conflict", base, ours,
    theirs)`` chunks. A stretch changed on one side takes that side; changed the same way on
    both, once; changed differently (or touching changes of both sides) is a conflict."""
    chunks: list[tuple] = []

    def ok(items: list) -> None:
        if not items:
            return
        if chunks and chunks[-1][0] == "ok":
            chunks[-1] = ("ok", chunks[-1][1] + items)
        else:
            chunks.append(("ok", list(items)))

    iz = io = it = 0
    for zs, ze, os_, oe, ts, te in _sync_regions(base, ours, theirs):
        b, o, t = base[iz:zs], ours[io:os_], theirs[it:ts]
        if o or t or b:
            if o == t:
                ok(o)
            elif o == b:
                ok(t)
            elif t == b:
                ok(o)
            else:
                chunks.append(("conflict", b, o, t))
        ok(base[zs:ze])
        iz, io, it = ze, oe, te
    return chunks


class TextMerge:
    """A text merged by lines: ``pick(side)`` is the text with every conflict taken from that
    side (and everything else merged)."""

    def __init__(self, base: str, ours: str, theirs: str, keepends: bool = False):
        self.keepends = keepends
        split: Callable[[str], list[str]] = (
            (lambda s: s.splitlines(keepends=True)) if keepends else (lambda s: s.split("\n"))
        )
        self.chunks = merge3(split(base), split(ours), split(theirs))

    @property
    def clean(self) -> bool:
        return all(c[0] == "ok" for c in self.chunks)

    def lines(self, side: str) -> list[str]:
        at = {BASE: 1, OURS: 2, THEIRS: 3}[side]
        out: list[str] = []
        for c in self.chunks:
            out.extend(c[1] if c[0] == "ok" else c[at])
        return out

    def pick(self, side: str) -> str:
        return ("" if self.keepends else "\n").join(self.lines(side))


def _family_keys(data: dict, family: str) -> list[tuple[int, str]]:
    out = []
    for key in data:
        if isinstance(key, str) and key.startswith(family) and key[len(family) :].isdigit():
            out.append((int(key[len(family) :]), key))
    return sorted(out)


def _family_kept(family: str, base: dict, ours: dict, theirs: dict) -> bool:
    """Whether one side left a family as it was (or both made it the same): its keys then
    merge as fields, so the side that changed it is taken as written and a family neither
    side touched keeps OURS's keys (numbered from 0, with a gap) instead of being renumbered."""
    b, o, t = ({k: d[k] for _n, k in _family_keys(d, family)} for d in (base, ours, theirs))
    return same(o, b) or same(t, b) or same(o, t)


def _ident(item: Any) -> tuple:
    """What identifies a snapshot: its url, else its id, else its whole value."""
    if isinstance(item, dict):
        url = item.get("url")
        if isinstance(url, str) and url:
            return ("url", url)
        ident = item.get("id")
        if ident is not None and not isinstance(ident, (dict, list)):
            return ("id", repr(ident))
    return ("value", repr(item))


def _match(base: list, side: list) -> list:
    """For each item of ``side``, the index of the base item it is (None: added)."""
    out: list = [None] * len(side)
    free = set(range(len(base)))

    def by(keyf: Callable[[Any], str | None]) -> None:
        pools: dict = {}
        for i in sorted(free):
            k = keyf(base[i])
            if k is not None:
                pools.setdefault(k, []).append(i)
        for j, item in enumerate(side):
            if out[j] is not None:
                continue
            k = keyf(item)
            if k is not None and pools.get(k):
                i = pools[k].pop(0)
                out[j] = i
                free.discard(i)

    def url(item: Any) -> str | None:
        u = item.get("url") if isinstance(item, dict) else None
        return u if isinstance(u, str) and u else None

    def ident(item: Any) -> str | None:
        v = item.get("id") if isinstance(item, dict) else None
        return repr(v) if v is not None and not isinstance(v, (dict, list)) else None

    # first the items that line up (the same url in the same order): which of two copies of
    # one article a side removed is then told by where it stood
    keys_b = [url(x) or ident(x) or repr(x) for x in base]
    keys_s = [url(x) or ident(x) or repr(x) for x in side]
    for i, j in _lcs(keys_b, keys_s):
        out[j] = i
        free.discard(i)
    by(url)
    by(ident)
    for j, item in enumerate(side):  # an unchanged item whose url and id were both odd
        if out[j] is None:
            for i in sorted(free):
                if same(base[i], item):
                    out[j] = i
                    free.discard(i)
                    break
    return out


def _lcs(a: list, b: list) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of ``a`` and ``b`` (the fewest items added
    and removed); difflib's blocks on long lists."""
    if len(a) * len(b) > 250_000:
        return [
            (i + d, j + d)
            for i, j, n in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            for d in range(n)
        ]
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _tokens(base: list, side: list) -> list[tuple]:
    matched = _match(base, side)
    seen: dict = {}
    out: list[tuple] = []
    for item, i in zip(side, matched, strict=True):
        if i is not None:
            out.append(("b", i))
        else:
            ident = _ident(item)
            seen[ident] = seen.get(ident, 0) + 1
            out.append(("n", ident, seen[ident]))
    return out


def _numbered_tokens(base: list, side: list) -> list[tuple]:
    """Each item of ``side`` as the n-th copy of its article: the n-th copy in ``base`` when
    there is one (copies are matched by their number, not their place), else added."""
    at: dict = {}
    for i, item in enumerate(base):
        at.setdefault(_ident(item), []).append(i)
    seen: dict = {}
    out: list[tuple] = []
    for item in side:
        ident = _ident(item)
        n = seen.get(ident, 0)
        seen[ident] = n + 1
        copies = at.get(ident, [])
        out.append(("b", copies[n]) if n < len(copies) else ("n", ident, n - len(copies) + 1))
    return out


def _has_copies(items: list) -> bool:
    idents = [_ident(x) for x in items]
    return len(set(idents)) < len(idents)


def _same_bag(a: list, b: list) -> bool:
    """The same values, each as many times, in any order."""
    if len(a) != len(b):
        return False
    left = list(b)
    for x in a:
        for i, y in enumerate(left):
            if same(x, y):
                del left[i]
                break
        else:
            return False
    return True


def _copies_agree(base: list, ours: list, theirs: list, merged: list) -> bool:
    """Whether a merged list agrees with both sides article by article: an article whose
    copies one side left as they were has the other side's copies; one both sides left the
    same has those; one both changed differently has at least as many copies as the side
    with fewer (nothing both kept is lost) and at most as many as the side with more."""
    groups: dict = {}
    for n, items in enumerate((base, ours, theirs, merged)):
        for item in items:
            groups.setdefault(_ident(item), ([], [], [], []))[n].append(item)
    for b, o, t, m in groups.values():
        if _same_bag(o, b):
            want = t
        elif _same_bag(t, b) or _same_bag(o, t):
            want = o
        else:
            if not min(len(o), len(t)) <= len(m) <= max(len(o), len(t)):
                return False
            continue
        if not _same_bag(m, want):
            return False
    return True


class _Merger:
    """One run of ``merge_entry``: conflicts are collected and each is decided by ``choose``."""

    def __init__(self, choose: Callable[[Conflict], Any], text_fields: tuple, families: tuple):
        self.choose = choose
        self.text_fields = text_fields
        self.families = families
        self.conflicts: list[Conflict] = []

    def decide(self, conflict: Conflict, values: dict) -> Any:
        """The chosen value (MISSING: absent) of a conflict whose sides are ``values``."""
        self.conflicts.append(conflict)
        choice = self.choose(conflict)
        if isinstance(choice, Value):
            return choice.value
        return values[choice if choice in values else OURS]

    # ------------------------------------------------------------------ values
    def value(self, b: Any, o: Any, t: Any, path: tuple, key: tuple, top: bool = False) -> Any:
        if _eq(o, t):
            return o
        if _eq(o, b):
            return t
        if _eq(t, b):
            return o
        if isinstance(o, dict) and isinstance(t, dict) and (isinstance(b, dict) or b is _MISSING):
            return self.mapping(b if isinstance(b, dict) else {}, o, t, path, key)
        strs = [v for v in (b, o, t) if v is not _MISSING]
        if (
            isinstance(o, str)
            and isinstance(t, str)
            and all(isinstance(v, str) for v in strs)
            and ((top and path[-1] in self.text_fields) or any("\n" in v for v in strs))
        ):
            text = TextMerge(b if isinstance(b, str) else "", o, t)
            if text.clean:
                return text.pick(OURS)
            sides = {BASE: text.pick(BASE), OURS: text.pick(OURS), THEIRS: text.pick(THEIRS)}
            return self.decide(
                Conflict(path, sides[BASE], sides[OURS], sides[THEIRS], ("text",) + key, "text"), sides
            )
        absent = tuple(n for n, v in ((BASE, b), (OURS, o), (THEIRS, t)) if v is _MISSING)
        kind = "deleted" if (o is _MISSING or t is _MISSING) else "value"
        return self.decide(
            Conflict(path, _none(b), _none(o), _none(t), ("field",) + key, kind, absent),
            {BASE: b, OURS: o, THEIRS: t},
        )

    def mapping(self, base: dict, ours: dict, theirs: dict, path: tuple = (), key: tuple = ()) -> dict:
        top = not path
        fams = {}
        if top:
            for family in self.families:
                sides = [_family_keys(d, family) for d in (base, ours, theirs)]
                if (
                    any(sides)
                    and all(
                        isinstance(d[k], dict)
                        for d, s in zip((base, ours, theirs), sides, strict=True)
                        for _n, k in s
                    )
                    and not _family_kept(family, base, ours, theirs)
                ):
                    fams[family] = sides
        skip = {k for sides in fams.values() for s in sides for _n, k in s}
        keys = [k for k in ours if k not in skip]
        keys += [k for k in theirs if k not in ours and k not in skip]
        merged: dict = {}
        for k in keys:
            value = self.value(
                base.get(k, _MISSING),
                ours.get(k, _MISSING),
                theirs.get(k, _MISSING),
                path + (k,),
                key + (k,),
                top,
            )
            if value is not _MISSING:
                merged[k] = unshare(value)
        for family, sides in fams.items():
            items = self.items(
                family, *[[d[k] for _n, k in s] for d, s in zip((base, ours, theirs), sides, strict=True)]
            )
            # where the family sits: where ours has it, else where theirs has it
            order = list(ours) if sides[1] else list(theirs)
            first = sides[1][0][1] if sides[1] else (sides[2][0][1] if sides[2] else None)
            before = order[: order.index(first)] if first is not None else list(merged)
            at = (
                max([i + 1 for i, k in enumerate(merged) if k in before], default=0)
                if first is not None
                else len(merged)
            )
            pairs = list(merged.items())
            if not isinstance(items, list):  # a choice that removes the whole list
                items = []
            new = [(f"{family}{n}", unshare(v)) for n, v in enumerate(items, start=1)]
            merged = dict(pairs[:at] + new + pairs[at:])
        return merged

    def items(self, family: str, base: list, ours: list, theirs: list) -> Any:
        """Snapshots merged item by item: matched by url, then id; kept where both keep them;
        added from both sides; an item one side removed and the other edited is a conflict.

        A list holding one article twice (5,385 of the site's files do) is ambiguous: which
        copy a side removed cannot always be told. Such a merge is taken only when it is
        clean and agrees, article by article, with what each side did to its copies
        (``_copies_agree``), first with the copies matched by their order, then by their
        number (the first copy with the first); else the whole list is one conflict."""
        if not any(_has_copies(x) for x in (base, ours, theirs)):
            return self._items(family, base, ours, theirs, _tokens(base, ours), _tokens(base, theirs))
        for tokens in (_tokens, _numbered_tokens):
            trial = _Merger(_default_choice, self.text_fields, self.families)
            got = trial._items(family, base, ours, theirs, tokens(base, ours), tokens(base, theirs))
            if not trial.conflicts and _copies_agree(base, ours, theirs, got):
                return got  # clean: no choice was asked for, so every run gives this list
        sides = {BASE: base, OURS: ours, THEIRS: theirs}
        return self.decide(Conflict((family,), base, ours, theirs, ("items", family), "items"), sides)

    def _items(self, family: str, base: list, ours: list, theirs: list, to: list, tt: list) -> list:
        order: list = []
        for chunk in merge3([("b", i) for i in range(len(base))], to, tt):
            order.extend(chunk[1] if chunk[0] == "ok" else chunk[2] + chunk[3])
        # an item one side removed drops out of the order: put it back where the side that
        # kept it has it, so that an edit of it is seen (and conflicts with the removal)
        for side in (to, tt):
            for j, tok in enumerate(side):
                if tok[0] == "b" and tok not in order:
                    before = [x for x in side[:j] if x in order]
                    order.insert(order.index(before[-1]) + 1 if before else 0, tok)
        by_o = dict(zip(to, ours, strict=True))
        by_t = dict(zip(tt, theirs, strict=True))
        out: list = []
        seen = set()
        for tok in order:
            if tok in seen:
                continue
            seen.add(tok)
            b = base[tok[1]] if tok[0] == "b" else _MISSING
            o, t = by_o.get(tok, _MISSING), by_t.get(tok, _MISSING)
            path = (f"{family}{len(out) + 1}",)
            key = (family, tok)
            if o is _MISSING and t is _MISSING:
                continue
            if o is not _MISSING and t is not _MISSING:
                value = (
                    self.value(b if b is not _MISSING else {}, o, t, path, key)
                    if isinstance(o, dict) and isinstance(t, dict)
                    else self.value(b, o, t, path, key)
                )
            elif b is _MISSING:
                value = o if o is not _MISSING else t  # added on one side
            else:  # removed on one side
                kept = o if o is not _MISSING else t
                if same(kept, b):
                    continue
                absent = (OURS,) if o is _MISSING else (THEIRS,)
                value = self.decide(
                    Conflict(path, b, _none(o), _none(t), ("item",) + key, "item", absent),
                    {BASE: b, OURS: o, THEIRS: t},
                )
            if value is not _MISSING:
                out.append(unshare(value))
        return out


@dataclass
class EntryMerge:
    fields: dict
    body: str
    conflicts: list[Conflict]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _default_choice(_conflict: Conflict) -> str:
    return OURS


def merge_entry(
    base: dict,
    ours: dict,
    theirs: dict,
    base_body: str,
    ours_body: str,
    theirs_body: str,
    schema: Any = None,
    choose: Callable[[Conflict], Any] | None = None,
) -> EntryMerge:
    """Merge three versions of an entry's fields (codec fields decoded) and body. Each conflict
    is decided by ``choose(conflict)``: OURS (the default), THEIRS, BASE or ``Value(v)``;
    its ``key`` is the same in every run, so a second run with other choices builds a
    resolution (or the other side of a conflict's markers)."""
    choose = choose or _default_choice
    text_fields = tuple(schema.codec_fields()) if schema is not None else ("answer",)
    families = tuple(f.key for f in schema.fields if f.repeat) if schema is not None else ("related_article",)
    merger = _Merger(choose, text_fields, families)
    fields = merger.mapping(base, ours, theirs)
    body = TextMerge(base_body, ours_body, theirs_body, keepends=True)
    if body.clean:
        body_text = body.pick(OURS)
    else:
        sides = {BASE: body.pick(BASE), OURS: body.pick(OURS), THEIRS: body.pick(THEIRS)}
        body_text = merger.decide(
            Conflict((), sides[BASE], sides[OURS], sides[THEIRS], ("body",), "body"), sides
        )
        if body_text is _MISSING:
            body_text = sides[OURS]
    return EntryMerge(fields, body_text, merger.conflicts)


# ---------------------------------------------------------------------------- the driver's bytes
class NotMergeable(Exception):
    """The three versions cannot be merged as entries (one does not parse, or the result
    cannot be written): the caller falls back to a line merge (``git merge-file``)."""


@dataclass
class MergeOutcome:
    data: bytes  # what OURS should hold: merged, or merged with conflict markers
    conflicts: list[Conflict]
    merge: EntryMerge | None = None

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _load(raw: bytes, path: str | None, schema: Any) -> tuple[Entry, dict]:
    from .entry import Entry
    from .errors import QtEditorError

    try:
        entry = Entry.from_bytes(raw, path, schema)
    except QtEditorError as exc:
        raise NotMergeable(str(exc)) from None
    fields = entry.fields()
    if not isinstance(fields, dict):
        raise NotMergeable(f"{path}: the front matter is not a mapping")
    return entry, fields


def _prefix(a: list, b: list) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _suffix(a: list, b: list, limit: int) -> int:
    n = 0
    while n < limit and a[len(a) - 1 - n] == b[len(b) - 1 - n]:
        n += 1
    return n


_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.MULTILINE)


def _scalar_spans(node: Any, out: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if node is None:
        return out
    if node.kind == "scalar":
        out.append((node.start, node.end))
    for item in node.items:
        for sub in item if isinstance(item, tuple) else (item,):
            _scalar_spans(sub, out)
    return out


def _comments(entry: Any) -> list[str]:
    """The front matter's comments in order: a ``#`` that starts a line or follows a space,
    outside every scalar (an answer's ``# heading`` or ``#include`` is text, not a comment,
    wherever a re-wrap puts it)."""
    text = entry.doc.yaml
    masked = list(text)
    for start, end in _scalar_spans(entry.parsed.root, []):
        for i in range(start, min(end, len(text))):
            if masked[i] != "\n":
                masked[i] = " "
    return [text[m.start() : m.end()].rstrip() for m in _COMMENT.finditer("".join(masked))]


def _endings(data: bytes) -> tuple[int, int]:
    """(CRLF line ends, bare LF line ends) of a file."""
    crlf = data.count(b"\r\n")
    return crlf, data.count(b"\n") - crlf


def _convention(data: bytes) -> bytes:
    crlf, lf = _endings(data)
    return b"\r\n" if crlf > lf else b"\n"


def one_convention(merged: bytes, base: bytes | None, ours: bytes, theirs: bytes) -> bytes:
    """A merge's bytes with one line-break convention when OURS had one: THEIRS's when THEIRS
    converted the file (BASE and OURS agree, THEIRS differs), else OURS's. Lines THEIRS
    changed come in with THEIRS's line breaks; a file half CRLF and half LF is what no side
    wrote. A file OURS already mixed is left as merged."""
    if all(_endings(ours)):
        return merged
    target = _convention(ours)
    if base and _convention(theirs) != _convention(base) == target and not all(_endings(theirs)):
        target = _convention(theirs)
    unified = merged.replace(b"\r\n", b"\n")
    return unified if target == b"\n" else unified.replace(b"\n", b"\r\n")


_BOM = b"\xef\xbb\xbf"


def one_bom(merged: bytes, base: bytes | None, ours: bytes, theirs: bytes) -> bytes:
    """A merge's bytes starting with a UTF-8 BOM when THEIRS added one (BASE and OURS have
    none), without one when THEIRS removed it (BASE and OURS had it), else as OURS has it: a
    change of the BOM alone is THEIRS's change of the first line, which git's line merge takes
    too (the merge is written into OURS's bytes, so it was lost)."""
    has = [x is not None and x.startswith(_BOM) for x in (base, ours, theirs)]
    if not base or has[0] != has[1] or has[2] == has[1]:
        return merged
    bare = merged[len(_BOM) :] if merged.startswith(_BOM) else merged
    return _BOM + bare if has[2] else bare


def merge_bytes(  # noqa: C901 - 21: the three-way merge of whole files, split when it next changes
    base: bytes | None,
    ours: bytes,
    theirs: bytes,
    path: str | None = None,
    style: str = "merge",
    labels: tuple[str, str, str] = (OURS, BASE, THEIRS),
    marker_size: int = 7,
    schema: Any = None,
) -> MergeOutcome:
    """git's merge of three versions of an entry file (``base`` None or empty: added on both
    sides). Raises NotMergeable when they are not all entries. ``style``: git's
    ``merge.conflictStyle`` ("merge", "diff3" or "zdiff3": the base's lines too)."""
    from .errors import QtEditorError
    from .schema import schema_for

    if schema is None:
        schema = schema_for(path) if path else None
    ours_entry, of = _load(ours, path, schema)
    schema = ours_entry.schema
    _te, tf = _load(theirs, path, schema)
    if base:
        _be, bf = _load(base, path, schema)
        base_body = _be.body
        # comments are not fields: a change of them on THEIRS side would be lost by a merge
        # written into OURS's bytes, so such a merge goes by lines (git merge-file)
        if _comments(_te) != _comments(_be):
            raise NotMergeable("the other side changed comments in the front matter")
    else:
        bf, base_body = {}, ""
        # added on both sides: what OURS lacks of THEIRS's comments would be lost the same way
        if _comments(_te) != _comments(ours_entry):
            raise NotMergeable("the two sides have different comments in the front matter")

    # the bodies' lines compared without their line breaks when every side has one convention
    # (a side that converted the file changed no line's text); the result gets one again
    uniform = not any(all(_endings(x)) for x in (ours, theirs, base or b""))
    b_body, o_body, t_body = base_body, ours_entry.body, _te.body
    if uniform:
        b_body, o_body, t_body = (b.replace("\r\n", "\n") for b in (b_body, o_body, t_body))

    def run(choose: Callable[[Conflict], Any] | None = None) -> EntryMerge:
        return merge_entry(bf, of, tf, b_body, o_body, t_body, schema, choose)

    def render(m: EntryMerge, body: str | None = None) -> Document:
        try:
            rendered = ours_entry.render(m.fields, m.body if body is None else body)
        except QtEditorError as exc:
            raise NotMergeable(f"the merged entry cannot be written: {exc}") from None
        return ours_entry.doc if rendered is None else rendered[1]

    merged = run()
    doc = render(merged)
    if merged.clean:
        data = one_convention(doc.to_bytes(), base, ours, theirs)
        return MergeOutcome(one_bom(data, base, ours, theirs), [], merged)
    nl = doc.newline
    diff3 = style in ("diff3", "zdiff3")
    lo, mid, eq, hi = ("<" * marker_size, "|" * marker_size, "=" * marker_size, ">" * marker_size)
    fm = [c for c in merged.conflicts if c.kind != "body"]
    body_conflict = next((c for c in merged.conflicts if c.kind == "body"), None)
    body_ours = merged.body
    o_lines = doc.yaml.splitlines(keepends=True)

    def variant(keys: set, side: str) -> list[str]:
        m = run(lambda c: side if c.key in keys else OURS)
        return render(m, body_ours).yaml.splitlines(keepends=True)

    def region(keys: set) -> tuple[int, int, list, list]:
        t_lines, b_lines = variant(keys, THEIRS), variant(keys, BASE)
        p = min(_prefix(o_lines, t_lines), _prefix(o_lines, b_lines))
        s = min(_suffix(o_lines, x, min(len(o_lines), len(x)) - p) for x in (t_lines, b_lines))
        return p, len(o_lines) - s, t_lines[p : len(t_lines) - s], b_lines[p : len(b_lines) - s]

    groups = [({c.key}, *region({c.key})) for c in fm]
    changed = True
    while changed:  # conflicts whose lines touch share one block
        changed = False
        groups.sort(key=lambda g: (g[1], g[2]))
        for i in range(len(groups) - 1):
            a, b = groups[i], groups[i + 1]
            if b[1] <= a[2]:
                keys = a[0] | b[0]
                groups[i : i + 2] = [(keys, *region(keys))]
                changed = True
                break

    def block(o: list, b: list, t: list) -> list[str]:
        def ended(lines: list) -> list:
            return [x if x.endswith("\n") else x + nl for x in lines]

        out = [f"{lo} {labels[0]}{nl}"] + ended(o)
        if diff3:
            out += [f"{mid} {labels[1]}{nl}"] + ended(b)
        return out + [f"{eq}{nl}"] + ended(t) + [f"{hi} {labels[2]}{nl}"]

    yaml_out: list[str] = []
    pos = 0
    marked = 0
    for _keys, p, e, t_part, b_part in groups:
        if p == e and not t_part and not b_part:
            continue  # the sides read differently but are written the same
        yaml_out.extend(o_lines[pos:p])
        yaml_out.extend(block(o_lines[p:e], b_part, t_part))
        pos = e
        marked += 1
    yaml_out.extend(o_lines[pos:])
    body_text = body_ours
    if body_conflict is not None:
        body = TextMerge(b_body, o_body, t_body, keepends=True)
        parts: list[str] = []
        for c in body.chunks:
            if c[0] == "ok":
                parts.extend(c[1])
            else:
                parts.extend(block(c[2], c[1], c[3]))
        body_text = "".join(parts)
    text = doc.bom + doc.opener + "".join(yaml_out) + doc.closer + body_text
    conflicts = merged.conflicts if (marked or body_conflict is not None) else []
    data = one_convention(text.encode("utf-8"), base, ours, theirs)
    return MergeOutcome(one_bom(data, base, ours, theirs), conflicts, merged)
