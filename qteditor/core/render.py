"""Markdown answers -> sanitised HTML, as the site shows them.

The site renders ``answer.replace(/\\n/g, "\\n")`` with react-markdown + remark-gfm + remark-math
(KaTeX): CommonMark + GFM tables, strikethrough, task lists and autolinks, ``$…$``/``$$…$$``
math, raw HTML dropped. markdown-it-py with mdit-py-plugins follows the same CommonMark block
rules (nested lists with 2–3 space indents included); see ``bench/fidelity.py`` for the
measured agreement. Formulas are typeset offline to SVG (ziamath), cached per formula.
"""

from __future__ import annotations

import base64
import html
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

if TYPE_CHECKING:
    from linkify_it.main import Match  # (linkify-it-py has no types: Any to mypy)
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _drop(*_args: object, **_kwargs: object) -> str:
    return ""


def _math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return math_html(tokens[idx].content, display=False, budget=env.get("math"))


def _math_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return math_html(tokens[idx].content, display=True, budget=env.get("math")) + "\n"


def _math_flow(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``$$`` math as remark-math reads it: a fence like ``` (it may interrupt a paragraph,
    its closing ``$$`` stands on a line of its own, an unclosed one runs to the end of its
    container, the opening fence's indentation is removed from the content)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if pos + 2 > maximum or state.src[pos] != "$":
        return False
    mem = pos
    pos = state.skipCharsStr(pos, "$")
    length = pos - mem
    if length < 2:
        return False
    params = state.src[pos:maximum]
    if "$" in params:
        return False
    if silent:
        return True
    next_line = start_line
    closed = False
    while True:
        next_line += 1
        if next_line >= end_line:
            break
        pos = mem = state.bMarks[next_line] + state.tShift[next_line]
        maximum = state.eMarks[next_line]
        if pos < maximum and state.sCount[next_line] < state.blkIndent:
            break
        if pos >= maximum or state.src[pos] != "$":
            continue
        if state.sCount[next_line] - state.blkIndent >= 4:
            continue
        pos = state.skipCharsStr(pos, "$")
        if pos - mem < length:
            continue
        if state.skipSpaces(pos) < maximum:
            continue
        closed = True
        break
    indent = state.sCount[start_line]
    state.line = next_line + (1 if closed else 0)
    token = state.push("math_block", "math", 0)
    token.block = True
    token.info = params.strip()
    token.content = state.getLines(start_line + 1, next_line, indent, True)
    token.markup = "$" * length
    token.map = [start_line, state.line]
    return True


_GFM_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._+-]+$")


def _site_autolinks(matches: list[Match] | None) -> list[Match]:
    """The autolinks GFM makes (the site's remark-gfm): ``http(s)://``, ``www.`` and e-mail
    addresses. linkify-it's other finds, bare domains (Monday.com, M.Sc.), ``//host`` and
    ``xmpp:``, stay text; in ``mailto:me@x.org`` only the address is the link, as on the site."""
    kept = []
    for m in matches or ():
        if m.schema in ("http:", "https:") or (not m.schema and m.raw[:4].lower() == "www."):
            kept.append(m)
        elif m.schema == "mailto:":
            local = _GFM_EMAIL_LOCAL.search(m.raw.rpartition("@")[0])
            if local is None:
                continue
            cut = local.start()
            m.index, m.raw = m.index + cut, m.raw[cut:]
            m.text, m.url = m.raw, "mailto:" + m.raw
            kept.append(m)
    return kept


class _SiteLinkify(LinkifyIt):
    def match(self, text: str) -> list[Match]:  # the core linkify rule asks ``test`` first, then ``match``
        return _site_autolinks(super().match(text))


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.linkify = _SiteLinkify()
    md.use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True, double_inline=True)
    md.use(tasklists_plugin, enabled=False)
    # raw HTML is dropped, as the site's remark-rehype does
    md.add_render_rule("html_block", _drop)
    md.add_render_rule("html_inline", _drop)
    md.add_render_rule("math_inline", _math_inline)
    md.block.ruler.disable("math_block")
    md.block.ruler.before(
        "fence", "math_flow", _math_flow, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.add_render_rule("math_inline_double", _math_inline)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_label", _math_block)
    md.validateLink = _valid_link  # type: ignore[method-assign]  # markdown-it's documented hook
    return md


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_IGNORED = re.compile(r"[\x00-\x20\x7f]")  # what browsers drop from a URL before reading it


def safe_href(url: str) -> str | None:
    """``url`` when it may be written into a page as a link target: http(s), mailto, or
    site-relative (``/learn/…``, ``#anchor``, a relative path); None for anything else
    (``javascript:``, ``data:``, ``file:``, ``//other.host``, backslashes …), which stays text."""
    target = _IGNORED.sub("", url)  # "java\tscript:" and " javascript:" are javascript: too
    if not target or "\\" in target or target.startswith("//"):
        return None
    scheme = _SCHEME.match(target)
    if scheme is None:
        return url.strip() if ":" not in target.split("/")[0] else None
    return url.strip() if scheme.group().lower() in _SAFE_SCHEMES else None


def _valid_link(url: str) -> bool:
    """Only web and mail links, in-page anchors and site-relative links become links (a
    relative link stays inert in the preview and is kept for export)."""
    return safe_href(url) is not None


# Typesetting budgets. The typesetter's time grows faster than a formula's length (a 3,000
# character formula takes seconds, 10,000 \frac{1}{2} a minute), so: a formula longer than
# MAX_FORMULA_CHARS is shown as its source (the longest of the site's 35,915 answers has 1,975
# characters), and once an answer's formulas have taken MATH_SECONDS to typeset, the rest that
# are not typeset already show as source too, each with a note. Rendering stays linear in the
# text; formulas typeset once are kept (a later render of the answer shows more of them).
MAX_FORMULA_CHARS = 3_000
MATH_SECONDS = 4.0
# What a typeset formula may measure (px at the preview's size): the corpus's widest is 12,725
# x 18, its largest 535 x 69; \rule{10000cm}{10000cm} would be an image of 14 billion pixels
MAX_FORMULA_SIDE = 50_000
MAX_FORMULA_AREA = 2_000_000
_SVG_SIZE = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)[a-z]*"[^>]*?\sheight="([0-9.]+)[a-z]*"')
_SVG_CACHE_SIZE = 2048
_svg_cache: OrderedDict[tuple[str, bool], str | None] = OrderedDict()
_svg_lock = threading.Lock()


class MathBudget:
    """The typesetting time one render may spend, and the formulas it showed as source."""

    def __init__(self, seconds: float | None = None):
        self.deadline = time.monotonic() + (MATH_SECONDS if seconds is None else seconds)
        self.too_long = 0
        self.too_large = 0
        self.out_of_time = 0

    def spent(self) -> bool:
        return time.monotonic() >= self.deadline

    def note(self) -> str:
        parts = []
        if self.too_long:
            parts.append(f"{self.too_long:,} longer than {MAX_FORMULA_CHARS:,} characters")
        if self.too_large:
            parts.append(f"{self.too_large:,} too large to draw")
        if self.out_of_time:
            parts.append(f"{self.out_of_time:,} left once typesetting had taken {MATH_SECONDS:g} s")
        count = self.too_long + self.too_large + self.out_of_time
        return (
            (
                f'<p class="qt-note"><em>{count:,} formula{"s" if count != 1 else ""} shown as '
                f"source ({'; '.join(parts)}).</em></p>"
            )
            if count
            else ""
        )


def _cached_svg(tex: str, display: bool) -> tuple[bool, str | None]:
    with _svg_lock:
        key = (tex, display)
        if key in _svg_cache:
            _svg_cache.move_to_end(key)
            return True, _svg_cache[key]
    return False, None


def math_svg(tex: str, display: bool) -> str | None:
    """An SVG of the formula, or None when it cannot be typeset (results are kept)."""
    hit, svg = _cached_svg(tex, display)
    if hit:
        return svg
    try:
        import ziafont
        import ziamath

        ziamath.config.svg2 = ziafont.config.svg2 = False  # plain paths: Qt's SVG renderer too
        svg = ziamath.Latex(tex.strip(), size=16, inline=not display).svg()
    except Exception:  # noqa: BLE001 - any TeX the typesetter rejects falls back to text
        svg = None
    with _svg_lock:
        _svg_cache[(tex, display)] = svg
        while len(_svg_cache) > _SVG_CACHE_SIZE:
            _svg_cache.popitem(last=False)
    return svg


def clear_math_cache() -> None:
    with _svg_lock:
        _svg_cache.clear()


def _as_source(tex: str, kind: str, why: str) -> str:
    note = html.escape(f"shown as source: {why}", quote=True)
    if "math-display" in kind:
        return f'<div class="{kind} math-source"><code title="{note}">{html.escape(tex)}</code></div>'
    return f'<code class="{kind} math-source" title="{note}">{html.escape(tex)}</code>'


def math_html(tex: str, display: bool, budget: MathBudget | None = None) -> str:
    kind = "math math-display" if display else "math math-inline"
    if len(tex) > MAX_FORMULA_CHARS:
        if budget is not None:
            budget.too_long += 1
        return _as_source(tex, kind, f"longer than {MAX_FORMULA_CHARS:,} characters")
    hit, svg = _cached_svg(tex, display)
    if not hit:
        if budget is not None and budget.spent():
            budget.out_of_time += 1
            return _as_source(tex, kind, "this answer's typesetting time ran out")
        svg = math_svg(tex, display)
    if svg is None:
        return f'<code class="{kind} math-error">{html.escape(tex)}</code>'
    size = _SVG_SIZE.search(svg[:2000])
    width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
    if size is None or max(width, height) > MAX_FORMULA_SIDE or width * height > MAX_FORMULA_AREA:
        if budget is not None:
            budget.too_large += 1
        return _as_source(tex, kind, f"too large to draw ({width:,.0f} x {height:,.0f} px)")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = html.escape(tex, quote=True)
    src = f"data:image/svg+xml;base64,{data}"
    if display:  # one element per formula carries the class: the block; its image has none
        return f'<div class="{kind}"><img alt="{alt}" src="{src}"/></div>'
    return f'<img class="{kind}" alt="{alt}" src="{src}"/>'


@lru_cache(maxsize=4)
def render_markdown(text: str) -> str:
    """HTML of a Markdown answer (real line breaks), with raw HTML dropped and links vetted.
    The last few are kept: an edit of another field re-renders the page, not the answer.
    Formulas are typeset within a budget (see MathBudget); past it they show as source."""
    budget = MathBudget()
    fragment = parser().render(text, {"math": budget})
    return sanitize(fragment + budget.note())


_SCRIPTY = re.compile(r"(?is)<(script|style|iframe|object|embed)\b.*?</\1\s*>")


@lru_cache(maxsize=1)
def _policy() -> tuple[set, dict]:
    """The tags and attributes an answer may keep (built once)."""
    import nh3

    tags = set(nh3.ALLOWED_TAGS) | {
        "img",
        "input",
        "div",
        "span",
        "del",
        "s",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "pre",
        "code",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
    attributes = {
        "*": {"class", "align"},
        "a": {"href", "title"},
        "code": {"title"},
        "img": {"src", "alt", "title"},
        "input": {"type", "checked", "disabled"},
        "th": {"align", "style"},
        "td": {"align", "style"},
        "ol": {"start"},
    }
    return tags, attributes


def sanitize(fragment: str) -> str:
    """Remove anything that could run, fetch or navigate (defence in depth after the parser)."""
    import nh3

    tags, attributes = _policy()
    return nh3.clean(
        _SCRIPTY.sub("", fragment),
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel=None,
        filter_style_properties={"text-align"},
        attribute_filter=_only_data_images,
    )


def _only_data_images(tag: str, attr: str, value: str) -> str | None:
    if attr == "src":
        return value if tag == "img" and value.startswith("data:image/svg+xml;base64,") else None
    if attr == "href" and value.lower().startswith("data:"):
        return None
    return value


_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


_CONTAINERS = {"li", "blockquote"}


def _formula_start(tag: str, classes: list[str], stack: list[str]) -> tuple[str, int] | None:
    """What a start tag outside a formula that opens one adds to the block shape ("math" for
    display math, "" for inline) and how deep its own markup is skipped; None for other tags."""
    if "katex-display" in classes or "math-display" in classes:
        return "math", 0 if tag == "img" else 1
    if "katex-error" in classes and (not stack or stack[-1] in _CONTAINERS):
        return "math", 1  # a display formula KaTeX could not typeset
    if "katex" in classes or "katex-error" in classes:
        return "", 1
    return None


def block_shape(fragment: str) -> tuple:
    """The block structure of an HTML fragment: nested block tags, display math as ``math``,
    inline content ignored. Used to compare our preview with the site's renderer."""
    from html.parser import HTMLParser

    out: list[str] = []

    class Shape(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.skip = 0  # depth inside a formula's own markup
            self.stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            classes = (dict(attrs).get("class") or "").split()
            if self.skip:
                if tag not in ("img", "br", "hr", "input"):
                    self.skip += 1
                return
            formula = _formula_start(tag, classes, self.stack)
            if formula is not None:
                shape, self.skip = formula
                if shape:
                    out.append(shape)
                return
            if tag in _BLOCKS:
                out.append(f"<{tag}")
                if tag != "hr":
                    self.stack.append(tag)

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            classes = (dict(attrs).get("class") or "").split()
            if not self.skip and ("math-display" in classes):
                out.append("math")
            elif not self.skip and tag == "hr":
                out.append("<hr")

        def handle_endtag(self, tag: str) -> None:
            if self.skip:
                self.skip -= 1
                return
            if tag in _BLOCKS and self.stack and self.stack[-1] == tag:
                self.stack.pop()
                out.append(f"{tag}>")

    Shape().feed(fragment)
    return tuple(out)
