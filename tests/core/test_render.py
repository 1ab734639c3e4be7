"""The preview renderer: the site's block structure, typeset math, nothing that runs or fetches."""

from __future__ import annotations

import re

import pytest

from qteditor.core import codec
from qteditor.core.entry import Entry
from qteditor.core.render import block_shape, render_markdown
from tests.conftest import corpus_files
from tests.site_render import site_html


def test_same_block_structure_as_the_site_on_the_corpus():
    files = corpus_files()[::3]
    stored = {str(f): Entry.load(f).data["answer"] for f in files}
    theirs = site_html(stored)
    same = sum(
        block_shape(render_markdown(codec.decode(a, codec.detect(a)))) == block_shape(theirs[k])
        for k, a in stored.items()
    )
    assert same / len(stored) >= 0.995, f"{same}/{len(stored)}"


STRUCTURES = {
    "nested lists 2 and 3 spaces": "1. one\n   - two\n     - three\n2. four\n\n- a\n  - b",
    "table": "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "task list": "- [x] done\n- [ ] todo",
    "strikethrough and autolink": "~~gone~~ see www.example.com and https://x.org",
    "code fence": "```python\nprint('hi')\n```\n\n    indented code",
    "display math in a list": "1. Formula:\n   $$\n   x^2\n   $$\n2. next",
    "unclosed math": "$$\nx\n",
    "math interrupts a paragraph": "text\n$$\nx\n$$\nmore",
    "heading and quote": "## Title\n\n> quoted\n> more\n\n---\n\ntext",
    "raw html dropped": "<div>block</div>\n\npara <b>bold</b>",
}


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_structures_match_the_site(name):
    text = STRUCTURES[name]
    theirs = site_html({"x": codec.encode(text, codec.ESCAPED)})["x"]
    assert block_shape(render_markdown(text)) == block_shape(theirs)


def test_each_formula_is_one_math_element():
    html = render_markdown("Inline $a+b$ and $$c$$.\n\n$$\n\\frac{1}{2}\n$$")
    assert len(re.findall(r'<img class="math math-inline"', html)) == 2
    assert len(re.findall(r'<div class="math math-display">', html)) == 1
    assert len(re.findall(r'class="[^"]*math', html)) == 3  # each formula is one element
    assert "$" not in re.sub(r'alt="[^"]*"', "", html)
    assert "data:image/svg+xml;base64," in html


def test_bad_tex_falls_back_to_code():
    html = render_markdown("$\\frac{$")
    assert "math" in html


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](file:///etc/passwd)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](http://example.com/x.png)",
    "![img](file:///etc/passwd)",
    '<img src="http://example.com/x.png" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src='http://example.com'></iframe>",
    "<style>body{background:url(http://x)}</style>",
])
def test_hostile_markdown_is_defused(markdown):
    html = render_markdown(markdown)
    tags = " ".join(re.findall(r"<[^>]+>", html)).lower()  # text may mention anything
    assert "<script" not in tags and "<iframe" not in tags and "<style" not in tags
    assert not re.search(r"\son\w+\s*=", tags), tags
    for url in re.findall(r'(?:href|src)="([^"]*)"', tags):
        assert url.startswith(("http:", "https:", "mailto:", "#", "data:image/svg+xml;base64,")), url
        assert not (url.startswith("http") and 'src="' + url in tags)  # no remote images


_ANCHOR = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)


def _link_texts(fragment: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in _ANCHOR.findall(fragment)]


AUTOLINKS = {
    "bare domains stay text": "Try Monday.com, Tsunami.gov, Character.AI or Beautiful.ai after your M.Sc.",
    "bare host with a path": "see example.com/path and sub.example.org",
    "www and protocols": "www.example.com, WWW.Example.com/a?b=1), https://x.org/a_(b). and http://1.2.3.4:80/x",
    "e-mail": "Write to a.b+c-d@ex-ample.co.uk. or mailto:me@x.org or xmpp:me@x.org",
    "not links on the site": "//x.org/a, ftp://x.org/f and awww.x.org",
    "inside emphasis and parentheses": "*www.x.org* (https://y.org)",
}


@pytest.fixture(scope="module")
def site_autolinks() -> dict[str, str]:
    return site_html({k: codec.encode(v, codec.ESCAPED) for k, v in AUTOLINKS.items()})  # one run


@pytest.mark.parametrize("name", sorted(AUTOLINKS))
def test_autolinks_are_the_sites(name, site_autolinks):
    """GFM links www., http(s):// and e-mail addresses; bare domains (Monday.com) stay text."""
    assert _link_texts(render_markdown(AUTOLINKS[name])) == _link_texts(site_autolinks[name])


def test_autolinks_match_the_site_on_the_corpus():
    """The answers with something a linkifier may take for a link: the same links as the site."""
    candidate = re.compile(r"(?i)\b[a-z0-9-]+\.[a-z]{2,}\b|@|www\.|https?://")
    stored = {}
    for f in corpus_files():
        raw = f.read_text(encoding="utf-8").split("\nanswer:", 1)[-1].split("\nsubject:", 1)[0]
        if not candidate.search(raw):
            continue  # nothing link-like in the answer's lines: not loaded
        answer = Entry.load(f).data["answer"]
        decoded = codec.decode(answer, codec.detect(answer))
        plain = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`]*`", "", decoded, flags=re.S)  # math is slow
        if candidate.search(plain):
            stored[str(f)] = answer
    assert len(stored) >= 10  # 15 of the 3,000: Monday.com, Tsunami.gov, www., mail addresses …
    theirs = site_html(stored)
    differ = [k for k, a in stored.items() if _token_link_texts(a) != _link_texts(theirs[k])]
    assert differ == []


def _token_link_texts(stored: str) -> list[str]:
    """Our links' texts, from the parse (the formulas are not typeset: links are all we need)."""
    from qteditor.core.render import parser

    texts: list[str] = []
    for block in parser().parse(codec.decode(stored, codec.detect(stored))):
        inside = None
        for t in block.children or ():
            if t.type == "link_open":
                inside = []
            elif t.type == "link_close" and inside is not None:
                texts.append("".join(inside))
                inside = None
            elif inside is not None and t.type in ("text", "code_inline"):
                inside.append(t.content)
    return texts
