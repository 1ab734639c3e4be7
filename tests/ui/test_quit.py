"""Quitting: the process ends promptly once its window closes, and nothing is lost on the way
(the settings, a journal of unsaved edits, a thread that writes)."""

from __future__ import annotations

import sys
import time

import shiboken6

from bench.quit import DRIVER, SAMPLE, measure
from qteditor.core import render
from qteditor.core.journal import Journal
from qteditor.ui import preview
from qteditor.ui.collection_panel import CollectionPanel
from qteditor.ui.preview import PreviewPane
from tests.conftest import CORPUS, corpus_files

EXIT_SECONDS = 1.0  # a bare QMainWindow ends in about 0.1 s here; qteditor took 1.9-2.9 s


def test_the_process_ends_within_a_second_of_the_window_closing_while_the_index_reads(tmp_path):
    """The 3,000-entry corpus, closed while the index's worker processes read it: before, the
    exit waited for every chunk handed to the workers (1.9-2.9 s here; 19 s for 36,000)."""
    corpus_files()  # the corpus is there (a missing one fails, never skips)
    result = measure(DRIVER, CORPUS, "reading", home=tmp_path)
    assert result["code"] == 0, result["stderr"]
    assert result["exit"] < EXIT_SECONDS, f"the process lived {result['exit']:.2f} s after the close"
    assert result["loop"] is None  # the app ended the process itself, after its own clean-up
    if sys.platform.startswith("linux"):  # (XDG_CONFIG_HOME: the registry on Windows, a plist on macOS)
        settings = (tmp_path / "config" / "qteditor" / "qteditor.conf").read_text()
        assert "geometry" in settings and str(CORPUS) in settings  # the settings were written


def test_a_thread_writing_when_the_window_closes_finishes_before_the_process_ends(tmp_path):
    marker = tmp_path / "written"
    writer = (  # a thread that is not a daemon, still writing when the window closes
        "import threading, time\n"
        "def write():\n"
        "    time.sleep(0.4)\n"
        f"    open({str(marker)!r}, 'w').write('done')\n"
        "threading.Thread(target=write).start()\n"
    )
    result = measure(DRIVER, SAMPLE, 0.5, home=tmp_path, on_close=writer)
    assert result["code"] == 0, result["stderr"]
    assert marker.read_text() == "done"
    assert result["exit"] >= 0.35  # it was waited for


def test_unsaved_edits_are_journaled_when_the_event_loop_ends_under_the_open_window(tmp_path):
    """A session that ends (logout) without closing the window: the edits are journaled at
    once, not only by the journal's timer 2 s after the last keystroke."""
    edit = (
        "s = window.session\n"
        "s.fields = dict(s.fields, title='Edited just before the end')\n"
        "window._journal_timer.stop()\n"
    )  # the edit is too recent for the timer
    result = measure(
        DRIVER.replace("self.session.saved_fields = self.session.fields", "pass"),
        SAMPLE,
        0.5,
        by="end",
        home=tmp_path,
        on_close=edit,
    )
    assert result["code"] == 0, result["stderr"]
    items = Journal(tmp_path / "data" / "qteditor" / "journal").pending()
    assert len(items) == 1 and b"Edited just before the end" in items[0].content


def test_the_collection_panel_shutdown_stops_the_index_workers_at_once(qtbot, tmp_path):
    panel = CollectionPanel(cache=tmp_path / "cache")
    qtbot.addWidget(panel)
    panel.set_folder(CORPUS)  # indexed on a thread, by two worker processes
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=60_000)  # the workers read
    start = time.monotonic()
    panel.shutdown()
    qtbot.waitUntil(lambda: panel.error is not None, timeout=5_000)
    assert time.monotonic() - start < EXIT_SECONDS
    assert "stopped" in panel.error
    panel.shutdown()  # twice is fine
    ran: list[int] = []
    panel._off_thread(lambda: ran.append(1))  # no search starts any more
    time.sleep(0.2)
    assert ran == []


def test_a_closed_preview_is_deleted_without_waiting_for_its_render(qtbot, slow_formulas):
    release, calls = slow_formulas
    pane = PreviewPane()
    pane.schedule({}, "A formula: $z^3$.", now=True)
    qtbot.waitUntil(lambda: bool(calls), timeout=10_000)  # the worker is typesetting now
    pane.shutdown()
    pool = preview._DETACHED[-1]
    start = time.monotonic()
    shiboken6.delete(pane)  # the pool's destructor would wait for the render
    assert time.monotonic() - start < 0.5
    release.set()
    qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=20_000)
    render.clear_math_cache()
    render.render_markdown.cache_clear()
