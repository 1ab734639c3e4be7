"""The preview never waits for the typesetter: formulas render on a worker thread."""

from __future__ import annotations

import threading
import time

from qteditor.core import render
from qteditor.ui.preview import PreviewPane


def test_the_window_never_waits_for_a_formula(qtbot, monkeypatch):
    import ziamath

    render.clear_math_cache()
    render.render_markdown.cache_clear()
    release = threading.Event()
    real = ziamath.Latex

    def slow(tex, *args, **kwargs):  # a formula that takes as long as the test wants
        release.wait(20)
        return real(tex, *args, **kwargs)

    monkeypatch.setattr(ziamath, "Latex", slow)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    start = time.perf_counter()
    pane.schedule({"answer": "A short answer with $y^2$ in it."}, now=True)
    assert time.perf_counter() - start < 1.0 and pane.pending  # returned at once
    qtbot.wait(50)  # the event loop runs on while the formula is typeset
    assert pane.pending
    release.set()
    qtbot.waitUntil(lambda: not pane.pending, timeout=20000)
    assert '<img class="math math-inline"' in pane.last_html
    pane.schedule({"answer": "No formula here."}, now=True)  # plain text: shown at once
    assert "No formula here." in pane.last_html and not pane.pending
    render.clear_math_cache()
    render.render_markdown.cache_clear()
