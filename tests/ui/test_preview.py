"""The preview never waits for the typesetter (formulas render on a worker thread), and its
page spaces blocks as the site does."""

from __future__ import annotations

import time

from PySide6.QtGui import QTextCursor

from qteditor.core import render
from qteditor.core.render import render_markdown
from qteditor.ui.preview import PreviewPane, SafeBrowser, for_qt, preview_css


def test_the_window_never_waits_for_a_formula(qtbot, slow_formulas):
    release, calls = slow_formulas
    pane = PreviewPane()
    qtbot.addWidget(pane)
    start = time.perf_counter()
    pane.schedule({}, "A short answer with $y^2$ in it.", now=True)
    assert time.perf_counter() - start < 1.0 and pane.pending  # returned at once
    # the worker is typesetting this formula now (another test's thread may still typeset its own)
    qtbot.waitUntil(lambda: "y^2" in calls, timeout=10000)
    qtbot.wait(50)  # the event loop runs on while the formula is typeset
    assert pane.pending
    release.set()
    qtbot.waitUntil(lambda: not pane.pending, timeout=20000)
    assert '<img class="math math-inline"' in pane.last_html
    pane.schedule({}, "No formula here.", now=True)  # plain text: shown at once
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


def _painted_pane(qtbot) -> tuple[PreviewPane, list]:
    """A preview pane on screen, its first render done; the list its later renders go to."""
    pane = PreviewPane(25)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    rendered: list = []
    pane.rendered.connect(rendered.append)
    pane.schedule({"title": "T"}, "First.")  # the first render follows the first paint
    qtbot.waitUntil(lambda: bool(rendered), timeout=5000)
    rendered.clear()
    return pane, rendered


def test_a_long_answer_renders_once_typing_pauses_and_a_short_one_at_once(qtbot):
    """Typing in a 200 KB answer: each key restarts the wait, so the render thread and the
    page it sets never take the window's time between keys (the ≤ 16 ms keystroke budget)."""
    from qteditor.ui.preview import LARGE_PAUSE_MS, OFF_THREAD_CHARS

    pane, rendered = _painted_pane(qtbot)
    long_answer = "word " * (OFF_THREAD_CHARS // 4)
    start = time.perf_counter()
    for n in range(6):  # keys 100 ms apart: shorter than the pause, so nothing renders yet
        pane.schedule({"title": "T"}, long_answer + str(n))
        qtbot.wait(100)
    assert rendered == []
    qtbot.waitUntil(lambda: bool(rendered), timeout=10000)
    # the last key went in at 0.5 s (after five waits): the render comes a pause after it
    assert time.perf_counter() - start >= 0.5 + LARGE_PAUSE_MS / 1000 - 0.05
    assert "word 5" in pane.browser.toPlainText() or "5" in pane.last_html
    rendered.clear()
    pane.schedule({"title": "T"}, "A short answer.")
    qtbot.waitUntil(lambda: bool(rendered), timeout=LARGE_PAUSE_MS - 100)  # well before the long pause


def test_a_long_answers_outdated_page_is_never_laid_out_while_it_is_typed_in(qtbot, monkeypatch):
    """A render of a long answer that comes back after more typing is dropped (laying out its
    200 KB page took tens of ms at a key); the newer text's page follows the pause."""
    from qteditor.ui import preview
    from qteditor.ui.preview import OFF_THREAD_CHARS

    pane, shown = _painted_pane(qtbot)
    composed = []
    real = preview.compose

    def slow(fields, text):  # the render thread: slow enough for a key to come meanwhile
        composed.append(text[-6:])
        time.sleep(0.3)
        return real(fields, text)

    monkeypatch.setattr(preview, "compose", slow)
    long_answer = "word " * (OFF_THREAD_CHARS // 4)
    pane.schedule({"title": "T"}, long_answer + "first", now=True)  # a render starts …
    qtbot.wait(50)
    pane.schedule({"title": "T"}, long_answer + "second")  # … and the text changes meanwhile
    qtbot.waitUntil(lambda: len(composed) == 2, timeout=10_000)
    assert shown == [] and "first" not in pane.last_html  # the outdated page was not laid out
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert len(shown) == 1 and "second" in pane.last_html and not pane.pending


def test_the_cursor_position_never_resizes_the_status_bar(window, qtbot):
    from qteditor.ui.main_window import sample_collection

    window.open_file(next(sample_collection().glob("*/*.md")))
    label = window.position_label
    size = label.size()
    window.editor.set_text("x" * 20000 + "\n" * 3000)
    window.editor.edit.moveCursor(QTextCursor.MoveOperation.End)
    window.on_cursor()
    assert label.text().startswith("Ln 3001") and label.size() == size
    assert label.minimumSize() == label.maximumSize()  # fixed: no layout request on a new text
