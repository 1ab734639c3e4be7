"""The preview never waits for the typesetter (formulas render on a worker thread), and its
page spaces blocks as the site does."""

from __future__ import annotations

import threading
import time

from PySide6.QtGui import QTextCursor

from qteditor.core import render
from qteditor.core.render import render_markdown
from qteditor.ui.preview import PreviewPane, SafeBrowser, for_qt, preview_css


def test_the_window_never_waits_for_a_formula(qtbot, monkeypatch):
    import ziamath

    render.clear_math_cache()
    render.render_markdown.cache_clear()
    release = threading.Event()
    real = ziamath.Latex
    calls = []

    def slow(tex, *args, **kwargs):  # a formula that takes as long as the test wants
        calls.append(tex)
        release.wait(20)
        return real(tex, *args, **kwargs)

    monkeypatch.setattr(ziamath, "Latex", slow)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    start = time.perf_counter()
    pane.schedule({"answer": "A short answer with $y^2$ in it."}, now=True)
    assert time.perf_counter() - start < 1.0 and pane.pending  # returned at once
    qtbot.waitUntil(lambda: bool(calls), timeout=10000)  # the worker is typesetting now
    qtbot.wait(50)  # the event loop runs on while the formula is typeset
    assert pane.pending
    release.set()
    qtbot.waitUntil(lambda: not pane.pending, timeout=20000)
    assert '<img class="math math-inline"' in pane.last_html
    pane.schedule({"answer": "No formula here."}, now=True)  # plain text: shown at once
    assert "No formula here." in pane.last_html and not pane.pending
    render.clear_math_cache()
    render.render_markdown.cache_clear()


def _laid_out(qtbot, markdown: str) -> SafeBrowser:
    browser = SafeBrowser()
    qtbot.addWidget(browser)
    browser.resize(420, 600)
    browser.document().setDefaultStyleSheet(preview_css(browser.palette()))
    browser.setHtml(for_qt(render_markdown(markdown)))
    browser.show()
    return browser


def _bottom(browser, text: str) -> float:
    doc = browser.document()
    return doc.documentLayout().blockBoundingRect(doc.find(text).block()).bottom()


def _top(browser, text: str) -> float:
    doc = browser.document()
    return doc.documentLayout().blockBoundingRect(doc.find(text).block()).top()


def _table_top(browser) -> float:
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        table = QTextCursor(block).currentTable()
        if table is not None:
            return doc.documentLayout().frameBoundingRect(table).top()
        block = block.next()
    raise AssertionError("no table")


def test_a_table_keeps_the_block_gap_after_a_list_or_a_paragraph(qtbot):
    table = "| Gas | Formula |\n|---|---|\n| Methane | CH4 |"
    browser = _laid_out(qtbot, f"Intro words.\n\n- first item\n- last item\n\n{table}")
    block_gap = _top(browser, "first item") - _bottom(browser, "Intro words.")  # paragraph, list
    assert block_gap > 6
    assert _table_top(browser) - _bottom(browser, "last item") >= block_gap  # not butting
    browser = _laid_out(qtbot, f"Intro words.\n\n{table}")
    assert _table_top(browser) - _bottom(browser, "Intro words.") >= block_gap
