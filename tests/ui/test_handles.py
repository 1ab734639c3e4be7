"""Handles a writer can find: the panes' splitter handles and the browser dock's edge."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette

from qteditor.ui.handles import HANDLE_WIDTH, SEPARATOR_STYLE, LineHandle


def _middle(handle: LineHandle) -> str:
    image = handle.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def _role(handle: LineHandle, role: QPalette.ColorRole) -> str:
    return handle.palette().color(role).name()


def test_the_panes_handles_are_lines_that_light_up_under_the_pointer(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    splitter = window.splitter
    assert splitter.handleWidth() == HANDLE_WIDTH
    handles = [splitter.handle(i) for i in range(1, splitter.count())]
    assert len(handles) == 2 and all(isinstance(h, LineHandle) for h in handles)
    handle = handles[0]
    mid, highlight = QPalette.ColorRole.Mid, QPalette.ColorRole.Highlight
    assert _middle(handle) == _role(handle, mid)
    edge = handle.grab().toImage().pixelColor(0, handle.height() // 2).name()
    assert edge != _role(handle, mid)  # a line, not a filled band
    handle.event(QEvent(QEvent.Type.HoverEnter))
    assert _middle(handle) == _role(handle, highlight)
    handle.event(QEvent(QEvent.Type.HoverLeave))
    assert _middle(handle) == _role(handle, mid)


def test_the_browser_edge_is_styled_once_the_window_has_painted(window, qtbot):
    window.show()
    qtbot.waitUntil(lambda: SEPARATOR_STYLE in window.styleSheet(), timeout=3000)
    window.show()
    assert window.styleSheet().count(SEPARATOR_STYLE) == 1


def _settled(window, qtbot) -> tuple:
    """The panes' sizes once two looks 100 ms apart agree (layouts finish in later events)."""
    last = None
    for _ in range(50):
        qtbot.wait(100)
        now = (window.splitter.sizes(), window.centralWidget().geometry())
        if now == last:
            return now
        last = now
    raise AssertionError(f"the panes kept moving: {last}")


def test_styling_the_browser_edge_moves_no_pane(window, qtbot):
    from qteditor.ui.handles import style_separators
    from qteditor.ui.main_window import sample_collection

    panel = window.collection_panel
    with qtbot.waitSignal(panel.indexed, timeout=20000):  # rows listed, first entry opened
        window.open_folder(sample_collection())
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    qtbot.waitUntil(lambda: SEPARATOR_STYLE in window.styleSheet(), timeout=3000)
    window.setStyleSheet("")
    before = _settled(window, qtbot)
    style_separators(window)
    assert _settled(window, qtbot) == before
