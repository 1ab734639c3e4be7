"""The Qt binding itself: PySide6 6.12.0 released None once per void call on Python 3.11, and
the editor aborted after a few thousand keystrokes. Guard against such a binding."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QPlainTextEdit


def test_void_calls_do_not_release_none(qtbot):
    edit = QPlainTextEdit()
    qtbot.addWidget(edit)
    app = QApplication.instance()
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):
        edit.setPlainText("x")
        app.processEvents()
        edit.isReadOnly()
    assert sys.getrefcount(None) >= before_none - 50
    assert sys.getrefcount(True) >= before_true - 50
