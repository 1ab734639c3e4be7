"""The preview renderer: the site's block structure, typeset math, nothing that runs or fetches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core import codec
from qteditor.core.entry import Entry
from qteditor.core.render import block_shape, render_markdown
from tests.conftest import corpus_files
from tests.site_render import site_html


@pytest.mark.untraced
def test_same_block_structure_as_the_site_on_the_corpus():
    files = corpus_files()[::6]  # 500 answers: the site's renderer and ours (with its maths)
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


@pytest.mark.parametrize(
    "markdown",
    [
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
    ],
)
def test_hostile_markdown_is_defused(markdown):
    html = render_markdown(markdown)
    tags = " ".join(re.findall(r"<[^>]+>", html)).lower()  # text may mention anything
    assert "<script" not in tags and "<iframe" not in tags and "<style" not in tags
    assert not re.search(r"\son\w+\s*=", tags), tags
    for url in re.findall(r'(?:href|src)="([^"]*)"', tags):
        assert url.startswith(("http:", "https:", "mailto:", "#", "data:image/svg+xml;base64,")), url
        assert not (url.startswith("http") and 'src="' + url in tags)  # no remote images


# ---------------------------------------------------------------------------- typesetting budget
@pytest.fixture
def typesetter(monkeypatch):
    """Counts the formulas handed to the typesetter (each real call is kept as it is)."""
    import ziamath

    from qteditor.core import render

    render.clear_math_cache()
    render_markdown.cache_clear()
    calls = []
    real = ziamath.Latex

    def counting(tex, *args, **kwargs):
        calls.append(tex)
        return real(tex, *args, **kwargs)

    monkeypatch.setattr(ziamath, "Latex", counting)
    yield calls
    render.clear_math_cache()
    render_markdown.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "$$\n" + "x\n" * 100_000,  # an unclosed $$ over 100,000 lines: one formula to the end
        "Before $$" + "\\frac{1}{2}" * 10_000 + "$$ after",
        "$" + "\\frac{1}{2}" * 10_000 + "$",
    ],
)
def test_a_formula_over_the_size_budget_shows_as_source_with_a_note(text, typesetter):
    import time

    start = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - start < 10.0  # linear: no typesetting at all here
    assert typesetter == []
    assert re.search(r'<code[^>]*title="shown as source: longer than 3,000 characters"', html)
    assert "1 formula shown as source (1 longer than 3,000 characters)" in html
    assert "\\frac{1}{2}" in html or "x\nx\n" in html  # the source itself is shown


def test_past_the_time_budget_formulas_show_as_source_and_typeset_ones_stay(typesetter, monkeypatch):
    from qteditor.core import render

    render_markdown("$a$")  # typeset once: kept
    monkeypatch.setattr(render, "MATH_SECONDS", 0.0)  # the budget is gone before the first
    render_markdown.cache_clear()
    html = render_markdown(" ".join(f"$x_{{{i}}}$" for i in range(500)) + " and $a$")
    assert typesetter == ["a"]  # nothing more was typeset
    assert html.count('class="math math-inline math-source"') == 500
    assert html.count('<img class="math math-inline"') == 1  # $a$ from before
    assert "500 formulas shown as source (500 left once typesetting had taken 0 s)" in html


def test_time_spent_typesetting_one_answer_is_bounded(typesetter, monkeypatch):
    import time

    from qteditor.core import render

    monkeypatch.setattr(render, "MATH_SECONDS", 0.5)
    start = time.perf_counter()
    html = render_markdown(" ".join(f"${'x+' * 200}y_{{{i}}}$" for i in range(200)))
    took = time.perf_counter() - start
    typeset = len(typesetter)
    assert 0 < typeset < 200 and html.count("math-source") == 200 - typeset
    assert took < 0.5 + 5.0  # the budget, plus the one formula that was running


# ---------------------------------------------------------------------------- links in pages
URL_PIECES = st.sampled_from(
    [
        "javascript:",
        "JaVaScRiPt:",
        "java\tscript:",
        " ",
        "\x01",
        "\n",
        "data:",
        "vbscript:",
        "file:",
        "http:",
        "https:",
        "mailto:",
        "//",
        "/",
        "\\",
        "evil.com",
        "alert(1)",
        "#",
        "learn",
        ":",
        "%6a",
        "&#106;",
        "?q=1",
        "x",
    ]
)


def _browser_reads(href: str) -> str:
    """How a browser reads an href: entities decoded, controls and spaces dropped."""
    import html as html_module

    return re.sub(r"[\x00-\x20\x7f]", "", html_module.unescape(href))


@settings(max_examples=400, deadline=None)
@given(st.lists(URL_PIECES, min_size=1, max_size=6).map("".join))
def test_links_written_into_pages_are_web_mail_or_site_relative(url):
    from qteditor.core.page import page_html

    fields = {
        "title": "T",
        "subject": "S",
        "score": -1.0,
        "related_article1": {"id": 1, "title": "Other", "subject": "S", "url": url},
    }
    page = page_html(fields)
    for href in re.findall(r'href="([^"]*)"', page):
        seen = _browser_reads(href)
        scheme = re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", seen)
        assert (
            scheme.group().lower() in ("http:", "https:", "mailto:")
            if scheme
            else not seen.startswith(("//", "/\\", "\\")) and ":" not in seen.split("/")[0]
        ), href
    assert "Other" in page  # the title stays, as text when its url is not a safe link


def test_a_javascript_related_url_is_text_in_render_and_export(tmp_path, capsys):
    from qteditor.cli import main

    path = tmp_path / "e.md"
    path.write_bytes(
        b"---\ntitle: T\nsubject: S\nanswer: >-\n    Hi\nscore: -1.0\nrelated_article1:\n"
        b"    id: 1\n    title: Evil\n    subject: S\n"
        b"    url: javascript:alert(document.domain)\n"
        b"related_article2:\n    id: 2\n    title: Good\n    subject: S\n"
        b"    url: /learn/s/questions/good\n---\n"
    )
    assert main(["render", str(path)]) == 0
    out = capsys.readouterr().out
    assert "javascript:" not in out and "<span>Evil</span>" in out
    assert '<a href="/learn/s/questions/good">Good</a>' in out
    assert main(["export", str(path), "-o", str(tmp_path / "p.html")]) == 0
    assert "javascript:" not in (tmp_path / "p.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("tex", ["\\rule{10000cm}{10000cm}", "\\hspace{100000cm}x"])
def test_a_formula_too_large_to_draw_shows_as_source(tex):
    render_markdown.cache_clear()
    html = render_markdown(f"See $${tex}$$ and $x^2$.")
    assert 'title="shown as source: too large to draw (' in html and "1 too large to draw" in html
    assert html.count("data:image/svg+xml") == 1  # x^2 is drawn


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
