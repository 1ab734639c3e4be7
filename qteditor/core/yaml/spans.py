"""ruamel.yaml's event stream -> a span tree (exact start/end of every node) + plain typed data.

The event stream, unlike ``compose()``, gives every alias its own position. The typed data is
what ruamel.yaml's safe loader would build (YAML 1.2 core schema), except that tags are never
constructed: a ``!!python/object`` value stays a plain string, mapping or list.

ruamel.yaml.clib's libyaml parser is used when it is installed (about 40x faster, same events
and marks); the pure-Python parser is the fallback and always words the error messages.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from ..errors import FormatError, SaveError
from .resolve import CORE, MERGE_TAG, construct_tagged, resolve_plain
from .values import key_sig, yaml_key

try:  # the C parser ships as ruamel.yaml.clib (QTEDITOR_PURE_YAML=1 forces the pure one)
    if os.environ.get("QTEDITOR_PURE_YAML"):
        raise ImportError("pure parser requested")
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - exercised where clib is missing
    _CParser = None
LIBYAML = _CParser is not None  # whether libyaml's parser reads the files

MAX_DEPTH = 150
MAX_EXPANDED_NODES = 2_000_000
MAX_EXPANDED_CHARS = 64 * 1024 * 1024  # text of every scalar with aliases expanded, at most


class Node:
    """One node of the span tree. ``start``/``end`` index the front-matter text."""

    __slots__ = ("kind", "start", "end", "line", "col", "style", "tag", "anchor", "value", "items", "flow")

    def __init__(self, kind: str, ev: Any):
        self.kind = kind  # "scalar" | "map" | "seq" | "alias"
        self.start = ev.start_mark.index
        self.end = ev.end_mark.index
        self.line = ev.start_mark.line
        self.col = ev.start_mark.column
        self.style = getattr(ev, "style", None) or None  # libyaml says "" for plain
        tag = getattr(ev, "tag", None)
        self.tag = None if tag is None else str(tag)
        self.anchor = getattr(ev, "anchor", None)
        if self.anchor is not None:
            self.anchor = str(self.anchor)
        self.value: str | None = None
        self.items: list = []
        self.flow = bool(getattr(ev, "flow_style", False))

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Node {self.kind} {self.start}:{self.end} style={self.style!r}>"


@dataclass
class Parsed:
    """The result of parsing one front-matter text."""

    root: Node | None
    data: Any
    anchors: dict[str, Node] = field(default_factory=dict)
    aliases: list[tuple[Node, tuple]] = field(default_factory=list)
    merges: bool = False


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_PROPERTY = re.compile(r"[&!][^ \t,\[\]{}]*")
_FLOW_TEXT = re.compile(r"[^\[\]{},'\" \t#]+")  # plain text inside a flow collection
_DQ_STOP = re.compile(r'[\\"]')


def flow_depth(text: str) -> int:
    """The deepest nesting of flow collections (``[…]``, ``{…}``), worked out only when there
    are many brackets at all. Only structural brackets count, not those inside quoted, plain or
    block scalars or comments (an answer with 151 ``[a, b)`` is not nested at all). Both YAML
    parsers take time that grows with the square of this depth, so it is checked before them;
    the builder checks the real depth of every node afterwards."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    quote = ""  # a quoted scalar that goes on over lines
    block_owner: int | None = None  # in a block scalar: the column of its key or dash
    plain_owner: int | None = None  # a plain scalar may go on: the column of its key or dash
    pending_owner: int | None = None  # a line ended awaiting a value: the column of its key
    at_node = True
    for raw_line in text.split("\n"):
        line = raw_line[:-1] if raw_line.endswith("\r") else raw_line
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        blank = not body.strip(" \t")
        if block_owner is not None:
            if blank or indent > block_owner:
                continue  # block scalar text
            block_owner = None
        if plain_owner is not None and depth == 0 and not quote:
            if blank:
                continue
            if indent > plain_owner and not body.startswith("#"):
                continue  # the plain scalar goes on: text (and perhaps a comment)
            plain_owner = None
        if depth == 0 and not quote:
            at_node = True
        # the column of the key or dash the next node belongs to (-1: the root)
        owner = pending_owner if pending_owner is not None else -1
        pending_owner = None
        node_col: int | None = None  # where the next node's properties (&anchor, !tag) began
        commented = False
        after_text = False  # the last character read was plain text (a "#" there is text)
        i, n = indent, len(line)
        while i < n:
            if quote == "'":
                end = line.find("'", i)
                if end < 0:
                    break  # goes on on the next line
                if end + 1 < n and line[end + 1] == "'":
                    i = end + 2
                    continue
                quote, at_node, after_text, i = "", False, False, end + 1
                continue
            if quote == '"':
                m = _DQ_STOP.search(line, i)
                if m is None:
                    break
                if m.group() == "\\":
                    i = m.end() + 1
                    continue
                quote, at_node, after_text, i = "", False, False, m.end()
                continue
            c = line[i]
            if c in " \t":
                after_text = False
                i += 1
                continue
            if c == "#" and not after_text:  # where a token could start, as libyaml reads it
                commented = True
                break  # a comment to the end of the line
            if c in "&!" and at_node:
                if node_col is None:
                    node_col = i
                prop = _PROPERTY.match(line, i)
                assert prop is not None  # c is '&' or '!', which the pattern's first class takes
                i = prop.end()
                continue
            if c in "'\"" and at_node:
                quote = c
                i += 1
                continue
            if c in "[{" and (depth > 0 or at_node):
                depth += 1
                deepest = max(deepest, depth)
                at_node = True
                i += 1
                continue
            if depth > 0:  # inside a flow collection
                if c in "]}":
                    depth -= 1
                    at_node = False
                elif c == ",":
                    at_node = True
                elif c in ":?" and (i + 1 >= n or line[i + 1] in " \t,[]{}"):
                    at_node = True
                else:
                    m = _FLOW_TEXT.match(line, i)
                    at_node, after_text = False, True
                    i = m.end() if m else i + 1
                    continue
                after_text = False
                i += 1
                continue
            # block context: indicators, then one node
            if c in "-?:" and (i + 1 >= n or line[i + 1] in " \t"):
                if c != ":":
                    owner = i
                at_node, node_col = True, None
                i += 1
                continue
            if c in "|>" and at_node and _BLOCK_HEADER.match(line, i):
                block_owner = owner
                break
            # a plain scalar: a key (its value follows ": ") or text to the end of the line
            colon = line.find(": ", i)
            comment = line.find(" #", i)
            key_col = node_col if node_col is not None else i
            node_col = None
            if colon >= 0 and (comment < 0 or colon < comment):
                owner, at_node, i = key_col, True, colon + 1
                continue
            rest = line[i:comment] if comment >= 0 else line[i:]
            if not rest.rstrip(" \t").endswith(":"):  # not a key without a value
                plain_owner = owner
                at_node = False
            else:
                owner, at_node = key_col, True
            break
        if depth == 0 and not quote and block_owner is None and at_node and (i >= n or commented):
            pending_owner = owner  # "key:" or "-" at the end of the line: its value follows
    return deepest


def events(text: str) -> list:
    """The parser's events for a text: libyaml's when it can read it, else the pure parser's
    (a MarkedYAMLError as libyaml words it when the text is not YAML)."""
    if _CParser is not None:
        try:
            parser = _CParser(text)
            out = []
            get = parser.get_event
            while True:
                ev = get()
                out.append(ev)
                if type(ev).__name__ == "StreamEndEvent":
                    return out
        except MarkedYAMLError:
            raise  # libyaml's own message, with its line and column
        except Exception:  # noqa: BLE001 - anything else: the pure parser decides
            pass
    return list(YAML(typ="rt", pure=True).parse(text))


class _Mark(Protocol):
    """A parser's position (ruamel's StreamMark, or libyaml's Mark from the C parser)."""

    line: int
    column: int


def _char_at(text: str, mark: _Mark) -> str:
    try:
        lines = text.split("\n")
        return lines[mark.line][mark.column]
    except (IndexError, AttributeError, TypeError):
        return ""


def _mark_error(exc: MarkedYAMLError, path: str | None, line0: int, text: str = "") -> FormatError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    if "\\t" in problem or "tab" in problem.lower() or (mark is not None and _char_at(text, mark) == "\t"):
        problem = "a tab is used for indentation here (YAML allows only spaces)"
    elif exc.context and exc.problem:
        where = ""
        if exc.context_mark is not None and exc.context_mark is not mark:
            where = f" started at line {exc.context_mark.line + line0}"
        problem = f"{problem} ({exc.context.strip()}{where})"
    line = (mark.line + line0) if mark is not None else line0
    col = (mark.column + 1) if mark is not None else 1
    return FormatError(f"YAML error: {problem}", path, line, col)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


class _Builder:
    def __init__(self, events: list, path: str | None, line0: int):
        self.events = events
        self.i = 0
        self.path = path
        self.line0 = line0
        self.anchors: dict[str, Node] = {}
        self.anchor_data: dict[str, tuple[Any, int]] = {}
        self.anchor_chars: dict[str, int] = {}
        self.chars = 0  # characters of scalar text so far, every alias expanded
        self.aliases: list[tuple[Node, tuple]] = []
        self.stack: list = []
        self.total = 0
        self.merges = False

    def fail(self, message: str, node: Node) -> FormatError:
        return FormatError(message, self.path, node.line + self.line0, node.col + 1)

    def build(self, depth: int = 0) -> tuple[Node, Any, int]:
        ev = self.events[self.i]
        self.i += 1
        name = type(ev).__name__
        chars_before = self.chars
        if name == "ScalarEvent":
            node = Node("scalar", ev)
            node.value = ev.value
            self.chars += len(ev.value)
            try:
                if node.tag is not None and node.tag != "!":
                    data = construct_tagged(node.tag, ev.value)
                elif node.style is None and ev.implicit[0]:
                    data = resolve_plain(ev.value)
                else:
                    data = ev.value
            except Exception as exc:  # noqa: BLE001 - a bad !!int, or 2019-02-29 read as a date
                if node.tag is not None:
                    what = f"its tag {node.tag.replace(CORE, '!!')}"
                else:
                    what = "the type it reads as (quote it to keep it as text)"
                raise self.fail(f"the value {ev.value[:40]!r} does not fit {what}: {exc}", node) from None
            size = 1
        elif name == "AliasEvent":
            node = Node("alias", ev)
            if node.anchor not in self.anchor_data:
                raise self.fail(f"alias *{node.anchor} names no anchor defined before it", node)
            data, size = self.anchor_data[node.anchor]
            self.aliases.append((node, tuple(self.stack)))
            self.chars += self.anchor_chars[node.anchor]
            if self.chars > MAX_EXPANDED_CHARS:  # a few aliases of a long text: a byte bomb
                raise self.fail(
                    f"aliases expand to more than {MAX_EXPANDED_CHARS:,} characters of text (an alias bomb?)",
                    node,
                )
        elif name == "MappingStartEvent":
            node, data, size = self._mapping(ev, depth)
        elif name == "SequenceStartEvent":
            node, data, size = self._sequence(ev, depth)
        else:  # pragma: no cover - the parser guarantees the grammar
            raise FormatError(f"unexpected YAML event {name}", self.path)
        self.total += size
        if self.total > MAX_EXPANDED_NODES:
            raise self.fail("aliases expand to more than 2,000,000 values (an alias bomb?)", node)
        if node.anchor is not None and node.kind != "alias":
            self.anchors[node.anchor] = node
            self.anchor_data[node.anchor] = (data, size)
            self.anchor_chars[node.anchor] = self.chars - chars_before
        return node, data, size

    def _mapping(self, ev: Any, depth: int) -> tuple[Node, dict, int]:
        node = Node("map", ev)
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", node)
        data: dict = {}
        first_line: dict = {}
        merged: list[dict] = []
        size = 1
        events = self.events
        while type(events[self.i]).__name__ != "MappingEndEvent":
            knode, kdata, ksize = self.build(depth + 1)
            if isinstance(kdata, (dict, list)):
                kdata = _freeze(kdata)
            is_merge = (
                knode.kind == "scalar"
                and knode.value == "<<"
                and knode.style is None
                and (knode.tag is None or knode.tag == MERGE_TAG)
            )
            self.stack.append(kdata)
            vnode, vdata, vsize = self.build(depth + 1)
            self.stack.pop()
            size += ksize + vsize
            node.items.append((knode, vnode))
            if is_merge:
                self.merges = True
                sources = vdata if isinstance(vdata, list) else [vdata]
                for src in sources:
                    if not isinstance(src, dict):
                        raise self.fail("a merge key '<<' needs a mapping or a list of them", vnode)
                    merged.append(src)
                continue
            try:
                seen = kdata in first_line
            except TypeError:
                raise self.fail("this kind of mapping key is not supported", knode) from None
            if seen:
                first = next(k for k in first_line if k == kdata)
                where = f"line {first_line[kdata] + self.line0}"
                if type(first) is type(kdata) or key_sig(first) == key_sig(kdata):
                    raise self.fail(f"duplicate key '{kdata}' (first defined at {where})", knode)
                raise self.fail(  # 1 and true, 1 and 1.0: two keys to YAML, one to Python
                    f"the keys {yaml_key(first)} ({where}) and {yaml_key(kdata)} are different "
                    "in YAML, but a program reading this file sees one key (they compare equal); "
                    "quote one of them to make it text",
                    knode,
                )
            first_line[kdata] = knode.line
            data[kdata] = vdata
        end = events[self.i]
        self.i += 1
        node.end = end.end_mark.index
        if merged:
            full: dict = {}
            for src in merged:
                for k, v in src.items():
                    full.setdefault(k, v)
            full.update(data)
            data = full
        return node, data, size

    def _sequence(self, ev: Any, depth: int) -> tuple[Node, list, int]:
        node = Node("seq", ev)
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", node)
        data: list = []
        size = 1
        events = self.events
        while type(events[self.i]).__name__ != "SequenceEndEvent":
            self.stack.append(len(data))
            item, idata, isize = self.build(depth + 1)
            self.stack.pop()
            node.items.append(item)
            data.append(idata)
            size += isize
        end = events[self.i]
        self.i += 1
        node.end = end.end_mark.index
        return node, data, size


def node_key(k: Node, first_line: int = 1) -> Any:
    """The data key of a key node, as the builder made it (``first_line``: the file line of
    the text's first line, for the error a complex key gets)."""
    if k.kind == "scalar":
        assert k.value is not None  # the builder sets every scalar's text
        if k.style is None and (k.tag is None):
            return resolve_plain(k.value)
        if k.tag is not None and k.tag != "!":
            return construct_tagged(k.tag, k.value)
        return k.value
    # a complex key (a mapping or a list): not one the writer can name
    raise SaveError("complex mapping keys cannot be edited", None, k.line + first_line, k.col + 1)


def parse(text: str, path: str | None = None, first_line: int = 1) -> Parsed:
    """Parse front-matter text. ``first_line`` is the file line of the text's first line."""
    if flow_depth(text) > MAX_DEPTH:
        raise FormatError(f"nesting deeper than {MAX_DEPTH} levels", path, first_line)
    try:
        stream = events(text)
    except MarkedYAMLError as exc:
        raise _mark_error(exc, path, first_line, text) from None
    except RecursionError:
        raise FormatError(f"nesting deeper than {MAX_DEPTH} levels", path, first_line) from None
    except Exception as exc:  # noqa: BLE001 - any other parser failure is still a format error
        raise FormatError(f"YAML error: {exc}", path, first_line) from None
    builder = _Builder(stream, path, first_line)
    names = [type(e).__name__ for e in stream[:2]]
    if names != ["StreamStartEvent", "DocumentStartEvent"]:
        return Parsed(None, {})
    builder.i = 2
    root, data, _ = builder.build()
    if type(stream[builder.i]).__name__ != "DocumentEndEvent" or len(stream) > builder.i + 2:
        raise FormatError("the front matter holds more than one YAML document", path, first_line)
    return Parsed(root, data, builder.anchors, builder.aliases, builder.merges)
