"""GUI tests run offscreen, with settings in a temporary file and no modal dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from qteditor.ui.main_window import MainWindow
from qteditor.ui.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the index goes here
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # journal and locks


@pytest.fixture
def window(qtbot, settings, monkeypatch):
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2] if len(args) > 2 else "")
        return window_answers.pop(0) if window_answers else QMessageBox.StandardButton.Cancel

    window_answers: list = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    w = MainWindow(settings)
    w.asked = asked
    w.answers = window_answers
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    if w.session is not None:
        w.session.discard_changes()  # no prompt on teardown


@pytest.fixture
def slow_formulas(monkeypatch):
    """Every formula is typeset only when the test says (``release.set()``); ``calls`` lists
    the formulas the typesetter was asked for. The render caches are empty before and after."""
    import threading

    import ziamath

    from qteditor.core import render

    render.clear_math_cache()
    render.render_markdown.cache_clear()
    release = threading.Event()
    real = ziamath.Latex
    calls: list = []

    def slow(tex, *args, **kwargs):
        calls.append(tex)
        release.wait(20)
        return real(tex, *args, **kwargs)

    monkeypatch.setattr(ziamath, "Latex", slow)
    yield release, calls
    release.set()
    render.clear_math_cache()
    render.render_markdown.cache_clear()
