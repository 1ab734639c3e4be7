"""The Help menu: the user guide, the keyboard shortcuts (from the window's actions), system
information to the clipboard, About; every dialog fits a 1280×800 screen."""

from __future__ import annotations

import platform
import re
import shutil

import PySide6
import pytest
from PySide6 import QtCore
from PySide6.QtCore import QRect, QUrl
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence, QScreen, QTextDocument

from qteditor import __version__
from qteditor.core.resources import resource
from qteditor.ui import help as helpmod
from tests.conftest import REPO

GUIDE = REPO / "docs" / "guide.md"


@pytest.fixture
def window(window, qtbot):
    qtbot.waitUntil(lambda: hasattr(window, "act_guide"), timeout=3000)  # filled once painted
    return window


@pytest.fixture
def screen_1280x800(monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1280, 800))


def _menu(window, title: str):
    for act in window.menuBar().actions():
        if act.menu() is not None and act.menu().title().replace("&", "") == title:
            return act.menu()
    raise AssertionError(f"no {title} menu")


def _open(window, act: QAction, qtbot):
    before = set(window.help_dialogs.values())
    act.trigger()
    dialog = next(d for d in window.help_dialogs.values() if d not in before or d.isVisible())
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_the_help_menu_holds_the_guide_shortcuts_system_information_and_about(window):
    texts = [a.text().replace("&", "") for a in _menu(window, "Help").actions() if not a.isSeparator()]
    assert texts == ["User Guide", "Keyboard Shortcuts", "Copy System Information", "About qteditor"]
    assert window.act_guide.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)


def test_the_guide_covers_both_workflows_and_shows_its_screenshots(window, qtbot, screen_1280x800):
    text = GUIDE.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for topic in (
        "Open a collection",
        "Browse, search and filter",
        "Edit an entry",
        "Preview",
        "Problems and their fixes",
        "Fix all",
        "Rename",
        "Batch edit",
        "Recovery",
        "The command line",
    ):
        assert any(h.startswith(topic) for h in headings), topic
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images and all((GUIDE.parent / src).is_file() for src in images)  # screenshots that exist
    dialog = _open(window, window.act_guide, qtbot)
    assert dialog.path == GUIDE
    shown = dialog.browser.toPlainText()
    assert all(h in shown for h in headings)
    for src in set(images):  # every screenshot is loaded, scaled to the dialog
        data = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl(src))
        image = QImage.fromData(data)  # what the browser finds under that name
        assert not image.isNull() and image.width() == QImage(str(GUIDE.parent / src)).width(), src
    assert f'width="{helpmod.IMAGE_WIDTH}"' in dialog.browser.toHtml()
    assert dialog.browser.viewport().width() >= helpmod.IMAGE_WIDTH  # no sideways scrolling


def test_a_missing_guide_says_so(qtbot, monkeypatch):
    monkeypatch.setattr(helpmod, "guide_path", lambda: None)  # an installation without docs/
    dialog = helpmod.GuideDialog(None)
    qtbot.addWidget(dialog)
    assert "not part of this installation" in dialog.browser.toPlainText()
    assert "qteditor --help" in dialog.browser.toPlainText()


def test_keyboard_shortcuts_are_the_windows_own_actions(window, qtbot):
    expected = {}
    for act in window.findChildren(QAction):  # every action whose keys work in this window
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts())
        if keys and act.associatedObjects():
            expected[re.sub(r"&(.)", r"\1", act.text()).replace("…", "").strip()] = keys
    assert len(expected) >= 15
    dialog = _open(window, window.act_shortcuts, qtbot)
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows == expected
    where = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert where["Save"] == "File" and where["Find and Replace"] == "Edit"
    assert where["Find Next"] == "(keys only)"
    # not a list written down once: a changed or a new shortcut shows the next time
    window.act_export.setShortcut("Ctrl+Alt+E")
    extra = QAction("Spell Check Everything", window)
    extra.setShortcut("Ctrl+Alt+K")
    _menu(window, "Edit").addAction(extra)
    dialog = _open(window, window.act_shortcuts, qtbot)
    rows = {
        dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())
    }
    assert rows["Export HTML"] == QKeySequence("Ctrl+Alt+E").toString(QKeySequence.SequenceFormat.NativeText)
    assert "Spell Check Everything" in rows


def test_copy_system_information_names_versions_platform_and_the_collection(window, qtbot, tmp_path):
    root = tmp_path / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    window.open_path(str(root))
    panel = window.collection_panel
    qtbot.waitUntil(lambda: not panel.loading and len(panel.model.rows) > 0, timeout=30_000)
    QGuiApplication.clipboard().clear()
    window.act_sysinfo.trigger()
    text = QGuiApplication.clipboard().text()
    entries = len(list(root.rglob("*.md")))
    assert f"qteditor {__version__}\n" in text
    assert f"Python {platform.python_version()}" in text
    assert f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}" in text
    assert platform.platform() in text
    assert f"Qt platform {QGuiApplication.platformName()}" in text
    assert f"Collection: {root} ({entries:,} entries)" in text
    assert f"Entry: {window.session.path}" in text
    assert "copied" in window.statusBar().currentMessage()


def test_system_information_without_a_collection(window):
    window.collection_panel.root = None
    assert "Collection: none open" in helpmod.system_information(window)


def test_about_shows_the_version_without_blocking(window, qtbot):
    dialog = _open(window, window.act_about, qtbot)
    assert f"qteditor {__version__}" in dialog.label.text()
    assert not dialog.isModal()


@pytest.mark.parametrize("name", ["act_guide", "act_shortcuts", "act_about"])
def test_every_help_dialog_fits_1280x800(window, qtbot, screen_1280x800, name):
    dialog = _open(window, getattr(window, name), qtbot)
    size, least = dialog.frameGeometry(), dialog.minimumSizeHint()
    title_bar = 40
    assert size.width() <= 1280 and size.height() + title_bar <= 800, (size, name)
    assert least.width() <= 1280 and least.height() + title_bar <= 800, (least, name)
