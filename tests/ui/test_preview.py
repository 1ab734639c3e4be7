"""The preview's page: blocks spaced as on the site."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from qteditor.core.render import render_markdown
from qteditor.ui.preview import SafeBrowser, for_qt, preview_css


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
