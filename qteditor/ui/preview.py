"""The live preview: the page the site will show, and its search-result snippet.

Updates coalesce (mark outdated, one short timer, render again if the text changed meanwhile);
large answers render on a worker thread. The browser never navigates, never fetches: only
``data:`` images load, and only http(s)/mailto links open, in the system browser.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QByteArray,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QDesktopServices, QPalette, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPaintEvent

OFF_THREAD_CHARS = 20_000
# an answer this long renders after this pause in typing (each key restarts the wait): its
# render thread and the page it sets would otherwise take the window's time between keys
LARGE_PAUSE_MS = 300


_DETACHED: list = []  # render pools of closed panes, left to finish (never waited for)
OPENABLE = ("http", "https", "mailto")

_ALIGN = re.compile(r'<(t[hd]) style="text-align:(left|right|center)">')


def preview_css(palette: QPalette) -> str:
    dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
    fg = "#e6edf3" if dark else "#1f2328"
    muted = "#9198a1" if dark else "#59636e"
    link = "#4493f8" if dark else "#0969da"
    code_bg = "#2d333b" if dark else "#f3f4f6"
    rule = "#3d444d" if dark else "#d0d7de"
    return f"""
    body {{ color: {fg}; }}
    a {{ color: {link}; text-decoration: none; }}
    h1 {{ font-size: 20pt; margin-top: 4px; margin-bottom: 6px; }}
    h2 {{ font-size: 15pt; margin-top: 14px; }}
    h3 {{ font-size: 13pt; margin-top: 12px; }}
    p {{ margin-top: 6px; margin-bottom: 6px; }}
    li {{ margin-bottom: 3px; }}
    pre {{ background-color: {code_bg}; font-family: monospace; }}
    code {{ background-color: {code_bg}; font-family: monospace; }}
    th {{ background-color: {code_bg}; }}
    table {{ margin-top: 10px; margin-bottom: 6px; }}  /* a block gap: Qt lends a table none */
    .qt-back {{ font-size: 9pt; }}
    .qt-date {{ color: {muted}; font-size: 9pt; }}
    .qt-related-subject {{ color: {muted}; font-size: 9pt; }}
    .qt-snippet-url {{ color: {muted}; font-size: 8pt; }}
    .qt-snippet-title {{ color: {link}; font-size: 12pt; }}
    .qt-snippet-desc {{ color: {muted}; font-size: 9pt; }}
    .qt-rule {{ color: {rule}; }}
    """


def for_qt(html: str) -> str:
    """Qt's rich text draws table borders from attributes, and loses them with inline styles."""
    html = html.replace("<table>", '<table border="1" cellspacing="0" cellpadding="5" width="100%">')
    html = html.replace('<div class="math math-display">', '<div class="math math-display" align="center">')
    return _ALIGN.sub(r'<\1 align="\2">', html)


def compose(fields: dict, text: str) -> str:
    """The page of an entry: its ``fields`` and its Markdown ``text`` (the session's text: the
    schema's Markdown field, or the file's body)."""
    from ..core.page import body_html, snippet_html  # imported on first render, after start-up
    from ..core.render import render_markdown

    page = body_html(fields, render_markdown(text))
    return for_qt(f'{snippet_html(fields)}<hr class="qt-rule"/>{page}')


_SVG_PREFIX = "data:image/svg+xml;base64,"


@lru_cache(maxsize=512)
def data_image(uri: str, ratio: float = 1.0, color: str = "") -> QImage | None:
    """The formula image of a ``data:image/svg+xml;base64,…`` URI, drawn at the screen's
    pixel ratio; anything else yields nothing."""
    from PySide6.QtGui import QImage, QPainter  # formulas: their types load on first use
    from PySide6.QtSvg import QSvgRenderer

    if not uri.startswith(_SVG_PREFIX):
        return None
    try:
        svg = base64.b64decode(uri[len(_SVG_PREFIX) :], validate=True)
    except (ValueError, binascii.Error):
        return None
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        return None
    size = renderer.defaultSize()
    scale = max(1.0, ratio) * 1.15
    if size.width() * size.height() * scale * scale > 64_000_000:  # never a giant image
        return None
    image = QImage(
        max(1, round(size.width() * scale)),
        max(1, round(size.height() * scale)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    if color:  # formulas take the text colour (dark palettes)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), QColor(color))
    painter.end()
    image.setDevicePixelRatio(max(1.0, ratio))
    return image


def warm_up() -> None:
    """Import the renderer and typesetter (run on a worker thread after the window shows)."""
    from ..core.render import math_svg

    math_svg("x", False)


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that never navigates and loads nothing but inline data images."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self.open_link)
        self.opened: list[str] = []  # what was handed to the system browser (tests look)
        self.on_first_paint: Callable[[], None] | None = None  # called once, when the page area first paints

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override (the viewport's paint)
        super().paintEvent(event)
        if self.on_first_paint is not None:
            done, self.on_first_paint = self.on_first_paint, None
            done()

    @Slot(QUrl)
    def open_link(self, url: QUrl) -> bool:
        if url.scheme().lower() in OPENABLE:
            self.opened.append(url.toString())
            QDesktopServices.openUrl(url)
            return True
        return False

    def loadResource(self, kind: int, url: QUrl) -> QImage | QByteArray:  # type: ignore[override]  # noqa: N802 - Qt override
        from PySide6.QtGui import QImage

        # Never return None to Qt here: PySide6 then releases None once too often and the
        # process dies after enough images. A null image / empty bytes means "nothing".
        if url.scheme().lower() == "data" and kind == QTextDocument.ResourceType.ImageResource:
            text = self.palette().color(QPalette.ColorRole.Text)
            image = data_image(url.toString(), self.devicePixelRatioF(), text.name())
            return image if image is not None else QImage()
        if kind == QTextDocument.ResourceType.ImageResource:
            return QImage()  # no files, no network
        return QByteArray()


class _Signals(QObject):
    done = Signal(int, str, float)


class _RenderTask(QRunnable):
    def __init__(self, serial: int, fields: dict, text: str, signals: _Signals):
        super().__init__()
        self.serial, self.fields, self.text, self.signals = serial, fields, text, signals

    def run(self) -> None:
        start = time.perf_counter()
        html = compose(self.fields, self.text)
        self.signals.done.emit(self.serial, html, time.perf_counter() - start)


class PreviewPane(QWidget):
    """Shows ``compose(fields, text)``; call ``schedule(fields, text)`` on every change."""

    rendered = Signal(float)  # seconds the last render took
    PAINT_FALLBACK_MS = 250

    def __init__(self, delay_ms: int = 25, parent: QWidget | None = None):
        super().__init__(parent)
        self.browser = SafeBrowser(self)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.document().setDocumentMargin(18)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser)
        self._fields: dict | None = None
        self._text = ""
        self._serial = 0
        self._shown = 0
        self._busy = False
        self._delay = delay_ms
        self._timer = QTimer(self, singleShot=True, interval=delay_ms)
        self._timer.timeout.connect(self._render)
        # the first render waits for the first paint (a pane never painted: this long at most)
        self._painted = False
        self._first = QTimer(self, singleShot=True, interval=self.PAINT_FALLBACK_MS)
        self._first.timeout.connect(self._render)
        # told by the browser itself: a look at its viewport would make PySide6 build the
        # Python types of every widget class (25 ms of the first frame)
        self.browser.on_first_paint = self._first_paint
        self._signals = _Signals()
        self._signals.done.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.last_html = ""
        self.apply_palette()

    def apply_palette(self) -> None:
        self.browser.document().setDefaultStyleSheet(preview_css(self.palette()))

    def schedule(self, fields: dict, text: str, now: bool = False) -> None:
        """Mark the preview outdated: ``fields`` and the Markdown ``text`` shown; it renders
        after a short pause in typing (the first time, once the pane has painted: the
        window's first frame never waits for it)."""
        self._fields = fields
        self._text = text
        self._serial += 1
        if now:
            self._timer.stop()
            self._render()
        elif not self._painted:
            if not self._first.isActive():
                self._first.start()
        elif len(text) >= OFF_THREAD_CHARS:  # a long text renders once typing pauses, not during it
            self._timer.start(max(self._delay, LARGE_PAUSE_MS))
        elif not self._timer.isActive():
            self._timer.start(self._delay)

    def _first_paint(self) -> None:
        if not self._painted:
            self._painted = True
            if self._first.isActive():  # rendered on the next turn, after this frame
                self._first.stop()
                QTimer.singleShot(0, self, self._render)

    @property
    def pending(self) -> bool:
        return self._timer.isActive() or self._first.isActive() or self._busy or self._shown != self._serial

    def _render(self) -> None:
        if self._fields is None:
            return
        if self._busy:  # a render is running: it re-renders when it is done
            return
        serial = self._serial
        fields, text = self._fields, self._text
        # on this thread only what cannot take long: a short text without formulas (a
        # formula may take seconds to typeset; the window never waits for one)
        if len(text) < OFF_THREAD_CHARS and "$" not in text:
            start = time.perf_counter()
            self._show(serial, compose(fields, text), time.perf_counter() - start)
        else:
            self._busy = True
            self._pool.start(_RenderTask(serial, dict(fields), text, self._signals))

    @Slot(int, str, float)
    def _show(self, serial: int, html: str, seconds: float) -> None:
        self._busy = False
        if serial != self._serial and len(self._text) >= OFF_THREAD_CHARS:
            # a long text typed in meanwhile: laying out its outdated page would hold the
            # typing up (tens of ms for 200 KB, at a key); the newer text renders after the pause
            if not self._timer.isActive():
                self._timer.start()
            return
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        self.browser.setHtml(html)
        bar.setValue(min(keep, bar.maximum()))
        self.last_html = html
        self._shown = serial
        self.rendered.emit(seconds)
        if serial != self._serial:  # the text changed meanwhile
            self._timer.start()

    def shutdown(self) -> None:
        """The window is closing: no render starts any more, queued ones are dropped, and a
        render still running is left to end on its own: the pool is detached so that deleting
        this pane never waits for it (the process may end first; it only makes HTML)."""
        self._timer.stop()
        self._first.stop()
        self._fields = None
        self._pool.clear()
        if self._pool.activeThreadCount():
            self._pool.setParent(None)
            _DETACHED.append(self._pool)

    def sync_to(self, fraction: float) -> None:
        bar = self.browser.verticalScrollBar()
        bar.setValue(round(fraction * bar.maximum()))

    def document(self) -> QTextDocument:
        return self.browser.document()
