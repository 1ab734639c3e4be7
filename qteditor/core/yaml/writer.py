"""Old data vs new data -> minimal edits of the front-matter text, verified by a re-parse.

Only the spans of changed values are replaced; added keys copy the file's own conventions
(indentation of their siblings, style of same-named keys elsewhere); deleted keys take their
lines and only them. The new text is parsed again and compared with the intended data; a value
that does not read back falls to its next style (plain -> single -> double quoted,
folded -> literal -> double quoted) and if nothing verifies the save is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import FormatError, SaveError
from . import emit
from .conventions import Conventions, Hints
from .geometry import BLOCK_HEADER, Geometry, is_empty
from .resolve import MERGE_TAG, TAG_TYPES
from .spans import Node, Parsed, node_key, parse
from .values import is_scalar, same

_MAX_ROUNDS = 4


@dataclass(frozen=True)
class Ctx:
    """Where a value sits: in flow or block context, the column of its collection's entries,
    the key it belongs to (and that key's parent), and where its indicator (``:``/``-``) ends."""

    flow: bool
    indent: int
    key: Any = None
    parent: Any = None
    lead: int | None = None


@dataclass
class Job:
    start: int
    end: int
    path: tuple | None
    render: Callable[[int], str | None]
    levels: int = 1
    level: int = 0


class Writer:
    """Writes new data into one front-matter text, keeping everything else as it was."""

    def __init__(
        self,
        text: str,
        parsed: Parsed,
        newline: str = "\n",
        path: str | None = None,
        first_line: int = 1,
        hints: Hints | None = None,
    ):
        self.text = text
        self.geo = Geometry(text)
        self.parsed = parsed
        self.conv = Conventions(self.geo, parsed.root, hints)
        self.nl = newline
        self.path = path
        self.first_line = first_line

    # ------------------------------------------------------------------ rendering new values
    def _new_scalar(self, value: Any, ctx: Ctx, level: int) -> str:
        """Text of a scalar in a place that had none, in the conventions of its key."""
        c = self.conv.for_key(ctx.key, ctx.parent) if ctx.key is not None else None
        if not isinstance(value, str):
            text = emit.scalar_text(value, c.spelling if c else None)
            return emit.double(str(value)) if text is None else text
        if level > 0:
            return emit.double(value)
        style = c.style if c else None
        if style is None and ("\n" in value) and not ctx.flow:
            style = "|"
        offset = c.offset if c and c.offset else 2
        keep = bool(c and "+" in c.chomp)
        for how in emit.chain(style):
            text = emit.render(value, how, ctx.flow, ctx.indent + offset, ctx.indent, self.nl, keep)
            if text is not None:
                return text
        return emit.double(value)

    def _after_indicator(self, value: Any, ctx: Ctx, level: int, anchor: str | None = None) -> str:
        """What follows ``key:`` or ``-`` in block context for a whole new value."""
        pre = f" &{anchor}" if anchor else ""
        if ctx.key is None and isinstance(value, (dict, list)) and value:
            inner = ctx.indent + 2  # an item of a sequence: its entries sit past the dash
            if isinstance(value, dict):
                body = self._map_body(value, inner, ctx.parent, level)
            else:
                body = self._seq_body(value, inner, ctx.parent, level)
            return pre + self.nl + body if anchor else " " + body[inner:]
        if isinstance(value, dict) and value:
            indent = ctx.indent + self.conv.map_offset(ctx.key, ctx.parent)
            return pre + self.nl + self._map_body(value, indent, ctx.key, level)
        if isinstance(value, list) and value:
            indent = ctx.indent + self.conv.seq_offset(ctx.key, ctx.parent)
            return pre + self.nl + self._seq_body(value, indent, ctx.key, level)
        if isinstance(value, (dict, list)):
            return pre + (" {}" if isinstance(value, dict) else " []")
        text = self._new_scalar(value, ctx, level)
        return pre + (" " + text if text else "")

    def _pair(self, key: Any, value: Any, indent: int, parent: Any, level: int) -> str:
        ctx = Ctx(False, indent, key, parent)
        return " " * indent + emit.new_key(key, False) + ":" + self._after_indicator(value, ctx, level)

    def _map_body(self, value: dict, indent: int, parent: Any, level: int) -> str:
        return self.nl.join(self._pair(k, v, indent, parent, level) for k, v in value.items())

    def _seq_item(self, value: Any, dash: int, parent: Any, level: int) -> str:
        """One ``- item`` (without leading indentation)."""
        inner = dash + 2
        if isinstance(value, dict) and value:
            return "- " + self._map_body(value, inner, parent, level)[inner:]
        if isinstance(value, list) and value:
            return "- " + self._seq_body(value, inner, parent, level)[inner:]
        return "-" + self._after_indicator(value, Ctx(False, dash, None, parent), level)

    def _seq_body(self, value: list, dash: int, parent: Any, level: int) -> str:
        return self.nl.join(" " * dash + self._seq_item(v, dash, parent, level) for v in value)

    def _flow(self, value: Any, level: int, key: Any = None, parent: Any = None) -> str:
        if isinstance(value, dict):
            inner = ", ".join(
                f"{emit.new_key(k, True)}: {self._flow(v, level, k, key)}" for k, v in value.items()
            )
            return "{" + inner + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self._flow(v, level, None, key) for v in value) + "]"
        return self._new_scalar(value, Ctx(True, 0, key, parent), level)

    # ------------------------------------------------------------------ diff
    def _add(
        self, start: int, end: int, path: tuple | None, render: Callable[[int], str | None], levels: int = 1
    ) -> None:
        self.jobs.append(Job(start, end, path, render, levels))

    def _fixed(self, start: int, end: int, text: str) -> None:
        self._add(start, end, None, lambda _lvl: text)

    def _diff(self, node: Node, old: Any, new: Any, ctx: Ctx, path: tuple) -> None:
        if same(old, new):
            return
        if node.kind == "scalar" and is_scalar(new):
            self._replace_scalar(node, new, ctx, path)
        elif node.kind == "map" and isinstance(new, dict) and isinstance(old, dict) and new:
            if node.flow:
                self._diff_flow_map(node, old, new, ctx, path)
            else:
                self._diff_block_map(node, old, new, ctx, path)
        elif node.kind == "seq" and isinstance(new, list) and isinstance(old, list) and new:
            if node.flow or len(old) == len(new):
                self._diff_seq_same_length(node, old, new, ctx, path)
            else:
                self._diff_block_seq(node, old, new, ctx, path)
        else:
            self._replace_value(node, new, ctx, path)

    def _replace_scalar(self, node: Node, new: Any, ctx: Ctx, path: tuple) -> None:
        if is_empty(node):
            if ctx.lead is None:
                self._replace_value(node, new, ctx, path)
                return
            self._add(
                ctx.lead,
                ctx.lead,
                path,
                lambda lvl: (
                    self._after_indicator(new, ctx, lvl)
                    if not ctx.flow
                    else " " + self._flow(new, lvl, ctx.key, ctx.parent)
                ),
                2,
            )
            return
        start = self.geo.props_end(node)
        if node.tag is not None and node.tag != "!":
            kinds = TAG_TYPES.get(node.tag, (str,))
            if not isinstance(new, kinds) or (isinstance(new, bool) and bool not in kinds):
                start = node.start  # the tag no longer fits: drop it, keep the anchor
                anchor = f"&{node.anchor} " if node.anchor else ""
            else:
                anchor = ""
        else:
            anchor = ""
        end = self.geo.content_end(node)
        if not isinstance(new, str):
            text = emit.scalar_text(new, node.value if node.style is None else None)
            if text is None:  # no YAML spelling of its own (not a type the loader builds)
                text = emit.double(str(new))
            self._add(start, end, path, lambda lvl: anchor + text)
            return
        if node.style in ("|", ">") and not ctx.flow:
            m = BLOCK_HEADER.match(self.text, start)
            header_mods = m.group(2) if m else ""
            comment = m.group(3) if m else ""
            keep = "+" in header_mods
            has_digit = any(ch.isdigit() for ch in header_mods)
            content_col = self.geo.indent_at(self.geo.after_line(start))
            if content_col <= ctx.indent:
                content_col = ctx.indent + 2
            parent = ctx.indent if ctx.lead is not None else -1
            chain = emit.chain(node.style)
            if content_col - max(parent, 0) > 9:
                has_digit = False
        else:
            chain = emit.chain(node.style if not ctx.flow or node.style not in ("|", ">") else '"')
            content_col, parent, keep, has_digit, comment = ctx.indent + 2, ctx.indent, False, False, ""

        def render(level: int) -> str | None:
            how = chain[min(level, len(chain) - 1)]
            text = emit.render(
                new,
                how,
                ctx.flow,
                content_col,
                max(parent, 0),
                self.nl,
                keep,
                has_digit,
                comment if how == node.style else "",
            )
            if text is None:
                return None
            return anchor + text

        self._add(start, end, path, render, len(chain))

    def _replace_value(self, node: Node, new: Any, ctx: Ctx, path: tuple) -> None:
        anchor = node.anchor if node.kind != "alias" else None
        end = self.geo.content_end(node)
        if ctx.flow or (node.flow and isinstance(new, (dict, list))):
            pre = f"&{anchor} " if anchor else ""
            self._add(node.start, end, path, lambda lvl: pre + self._flow(new, lvl, ctx.key, ctx.parent), 2)
        elif ctx.lead is not None:
            start = ctx.lead
            self._add(start, end, path, lambda lvl: self._after_indicator(new, ctx, lvl, anchor), 2)
        else:  # the root node

            def render(lvl: int) -> str:
                if isinstance(new, dict) and new:
                    return self._map_body(new, node.col, None, lvl)[node.col :]
                if isinstance(new, list) and new:
                    return self._seq_body(new, node.col, None, lvl)[node.col :]
                if isinstance(new, (dict, list)):
                    return "{}" if isinstance(new, dict) else "[]"
                return self._new_scalar(new, Ctx(False, 0), lvl)

            self._add(node.start, end, path, render, 2)

    def _diff_block_map(self, node: Node, old: dict, new: dict, ctx: Ctx, path: tuple) -> None:
        pairs: dict = {}
        merge = False
        for k, v in node.items:
            if (
                k.kind == "scalar"
                and k.value == "<<"
                and k.style is None
                and (k.tag is None or k.tag == MERGE_TAG)
            ):
                merge = True
                continue
            kdata = node_key(k, self.first_line)
            pairs[kdata] = (k, v)
        if merge and any(key not in new for key in old if key not in pairs):
            self._replace_value(node, new, ctx, path)  # a merged key was deleted: write it out
            return
        indent = node.items[0][0].col
        keys = list(pairs)
        for i, key in enumerate(keys):
            k, v = pairs[key]
            if key not in new:
                self._delete_pair(node, i, keys, pairs)
                continue
            lead = self.geo.colon(k, v, pairs[keys[i + 1]][0].start if i + 1 < len(keys) else None)
            child = Ctx(False, k.col, key, ctx.key, lead)
            self._diff(v, old[key], new[key], child, path + (key,))
        # new keys go after the closest preceding key that already exists
        anchor_key = None
        inserts: dict = {}
        for key in new:
            if key in pairs:
                anchor_key = key
                continue
            if key in old and same(old[key], new[key]):
                continue  # a merged key left as it was
            inserts.setdefault(anchor_key, []).append(key)
        for after, added in inserts.items():
            if after is None:
                first_key = node.items[0][0]
                pos = first_key.start

                def first(lvl: int, added: list = added) -> str:
                    return (
                        self.nl.join(self._pair(a, new[a], indent, ctx.key, lvl) for a in added)[indent:]
                        + self.nl
                        + " " * indent
                    )

                self._add(pos, pos, path + (added[0],), first, 2)
            else:
                k, v = pairs[after]
                end = self.geo.pair_end(k, v)
                pos = self.geo.line_end(end)

                def after_pair(lvl: int, added: list = added) -> str:
                    return "".join(self.nl + self._pair(a, new[a], indent, ctx.key, lvl) for a in added)

                self._add(pos, pos, path + (added[0],), after_pair, 2)

    def _delete_pair(self, node: Node, i: int, keys: list, pairs: dict) -> None:
        k, v = pairs[keys[i]]
        end = self.geo.pair_end(k, v)
        line_start = self.geo.line_start(k.start)
        if self.text[line_start : k.start].strip(" ") == "":
            self._fixed(line_start, self.geo.after_line(end), "")
        elif i + 1 < len(keys):
            self._fixed(k.start, pairs[keys[i + 1]][0].start, "")
        else:  # the last pair of an inline mapping (``- a: 1``): remove it with its line break
            self._fixed(
                self.geo.line_end(self.geo.content_end(pairs[keys[i - 1]][1])) if i else k.start,
                self.geo.line_end(end),
                "",
            )

    def _diff_flow_map(self, node: Node, old: dict, new: dict, ctx: Ctx, path: tuple) -> None:
        if list(old) != list(new) or len(node.items) != len(old):
            self._replace_value(node, new, ctx, path)
            return
        for (k, v), key in zip(node.items, old, strict=False):
            lead = self.geo.colon(k, v, None)
            self._diff(v, old[key], new[key], Ctx(True, ctx.indent, key, ctx.key, lead), path + (key,))

    def _diff_seq_same_length(self, node: Node, old: list, new: list, ctx: Ctx, path: tuple) -> None:
        if len(old) != len(new):
            self._replace_value(node, new, ctx, path)
            return
        for i, item in enumerate(node.items):
            lead = None if node.flow else self.geo.dash(item) + 1
            dash_col = ctx.indent if node.flow else self.geo.col(self.geo.dash(item))
            self._diff(item, old[i], new[i], Ctx(node.flow, dash_col, None, ctx.key, lead), path + (i,))

    def _diff_block_seq(self, node: Node, old: list, new: list, ctx: Ctx, path: tuple) -> None:
        items = node.items
        dashes = [self.geo.dash(it) for it in items]
        if any(self.text[self.geo.line_start(d) : d].strip(" ") for d in dashes):
            self._replace_value(node, new, ctx, path)  # nested inline sequences: write it out
            return
        dash_col = self.geo.col(dashes[0])
        pre = 0
        while pre < min(len(old), len(new)) and same(old[pre], new[pre]):
            pre += 1
        post = 0
        while post < min(len(old), len(new)) - pre and same(
            old[len(old) - 1 - post], new[len(new) - 1 - post]
        ):
            post += 1
        old_mid = range(pre, len(old) - post)
        new_mid = range(pre, len(new) - post)
        for i, j in zip(old_mid, new_mid, strict=False):
            self._diff(
                items[i], old[i], new[j], Ctx(False, dash_col, None, ctx.key, dashes[i] + 1), path + (j,)
            )
        common = min(len(old_mid), len(new_mid))
        for i in list(old_mid)[common:]:
            end = self.geo.content_end(items[i]) if not is_empty(items[i]) else dashes[i] + 1
            self._fixed(self.geo.line_start(dashes[i]), self.geo.after_line(end), "")
        extra = list(new_mid)[common:]
        if extra:
            if pre + common > 0:
                prev = items[pre + common - 1]
                end = self.geo.content_end(prev) if not is_empty(prev) else dashes[pre + common - 1] + 1
                pos = self.geo.line_end(end)
                self._add(
                    pos,
                    pos,
                    path + (extra[0],),
                    lambda lvl: "".join(
                        self.nl + " " * dash_col + self._seq_item(new[j], dash_col, ctx.key, lvl)
                        for j in extra
                    ),
                    2,
                )
            else:
                pos = dashes[0]
                self._add(
                    pos,
                    pos,
                    path + (extra[0],),
                    lambda lvl: "".join(
                        self._seq_item(new[j], dash_col, ctx.key, lvl) + self.nl + " " * dash_col
                        for j in extra
                    ),
                    2,
                )

    # ------------------------------------------------------------------ aliases
    def _fix_aliases(self, new: Any) -> None:
        touched = set()
        for name, anchored in self.parsed.anchors.items():
            for job in self.jobs:
                if job.start < anchored.end and job.end > anchored.start:
                    touched.add(name)
                    break
        if not touched:
            return
        for alias, path in self.parsed.aliases:
            if alias.anchor not in touched:
                continue
            if any(job.start <= alias.start and alias.end <= job.end for job in self.jobs):
                continue
            try:
                intended = _get(new, path)
            except (KeyError, IndexError, TypeError):
                continue
            ctx = self._locate(path)
            if ctx is not None:
                self._replace_value(alias, intended, ctx, path)

    def _locate(self, path: tuple) -> Ctx | None:
        node, ctx = self.parsed.root, Ctx(False, 0)
        for step in path:
            if node is None:
                return None
            if node.kind == "map":
                found = None
                for i, (k, v) in enumerate(node.items):
                    if k.kind == "scalar" and node_key(k, self.first_line) == step:
                        nxt = node.items[i + 1][0].start if i + 1 < len(node.items) else None
                        found = (
                            v,
                            Ctx(
                                node.flow,
                                k.col if not node.flow else ctx.indent,
                                step,
                                ctx.key,
                                self.geo.colon(k, v, nxt),
                            ),
                        )
                        break
                if found is None:
                    return None
                node, ctx = found
            elif node.kind == "seq" and isinstance(step, int) and step < len(node.items):
                item = node.items[step]
                lead = None if node.flow else self.geo.dash(item) + 1
                col = ctx.indent if node.flow else self.geo.col(self.geo.dash(item))
                node, ctx = item, Ctx(node.flow, col, None, ctx.key, lead)
            else:
                return None
        return ctx

    # ------------------------------------------------------------------ public
    def write(self, old: Any, new: Any, need_parsed: bool = True) -> tuple[str, Parsed | None] | None:
        """New front-matter text and its parse, or None when nothing changed. Without
        ``need_parsed`` a new text in the common shape is verified by the scanner (an
        independent reader that agrees with the full parser on that shape) and no parse is
        returned: what a plan of thousands of fixes needs."""
        if same(old, new):
            return None
        self.jobs: list[Job] = []
        root = self.parsed.root
        if root is None:
            if not isinstance(new, dict):
                raise SaveError(
                    "the front matter is empty; only a mapping can be added", self.path, self.first_line
                )
            pos = len(self.text)
            sep = "" if not self.text or self.text.endswith("\n") else self.nl
            self._add(pos, pos, (), lambda lvl: sep + self._map_body(new, 0, None, lvl) + self.nl, 2)
        else:
            self._diff(root, old, new, Ctx(False, root.col), ())
            self._fix_aliases(new)
        self._sort_jobs()
        last_error: str = ""
        for _round in range(_MAX_ROUNDS + 2):
            candidate = self._splice(last_error)
            if not need_parsed:
                from .scanner import scan

                quick = scan(candidate)
                if quick is not None and same(quick, new):
                    return candidate, None
            try:
                reparsed = parse(candidate, self.path, self.first_line)
            except FormatError as exc:
                last_error = exc.message
                bad = [j for j in self.jobs if j.level + 1 < j.levels]
            else:
                if same(reparsed.data, new):
                    return candidate, reparsed
                last_error = "the written value would read back differently"
                bad = [
                    j
                    for j in self.jobs
                    if j.path is not None
                    and j.level + 1 < j.levels
                    and not _same_at(reparsed.data, new, j.path)
                ]
                if not bad:
                    bad = [j for j in self.jobs if j.level + 1 < j.levels]
            if not bad:
                break
            for job in bad:
                job.level += 1
        raise self._refuse(self.jobs[0] if self.jobs else None, last_error)

    def _sort_jobs(self) -> None:
        """The edits in the order of the text; no two may overlap (a bug: refused)."""
        self.jobs.sort(key=lambda j: (j.start, j.end))
        for a, b in zip(self.jobs, self.jobs[1:], strict=False):
            if b.start < a.end:
                raise SaveError(
                    "internal error: overlapping edits (nothing was written)", self.path, self.first_line
                )

    def _splice(self, last_error: str) -> str:
        """The text with every edit in place, each at its current level or the first one after
        it that renders (refused, naming ``last_error``, when none is left)."""
        pieces, pos = [], 0
        for job in self.jobs:
            text = None
            while job.level < job.levels:
                text = job.render(job.level)
                if text is not None:
                    break
                job.level += 1
            if text is None:
                raise self._refuse(job, last_error)
            pieces.append(self.text[pos : job.start])
            pieces.append(text)
            pos = job.end
        pieces.append(self.text[pos:])
        return "".join(pieces)

    def _refuse(self, job: Job | None, detail: str) -> SaveError:
        line = self.first_line + (self.text.count("\n", 0, job.start) if job else 0)
        col = (self.geo.col(job.start) + 1) if job else 1
        where = ".".join(str(p) for p in job.path) if job and job.path else "the front matter"
        msg = f"cannot write {where} so that it reads back as intended"
        if detail:
            msg += f" ({detail})"
        return SaveError(msg + "; the file was not changed", self.path, line, col)


def _get(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def _same_at(a: Any, b: Any, path: tuple) -> bool:
    try:
        return same(_get(a, path), _get(b, path))
    except (KeyError, IndexError, TypeError):
        return False
