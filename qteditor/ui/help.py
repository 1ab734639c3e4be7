"""The Help menu: the user guide (docs/guide.md), the keyboard shortcuts (read from the
window's own actions), system information for a report (to the clipboard) and About.

``build_help_menu(window)`` adds the menu to a main window; every dialog fits the screen
(1280×800 and larger)."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from .fit import fit_screen

if TYPE_CHECKING:
    from .main_window import MainWindow

_PACKAGE = Path(__file__).resolve().parent.parent  # .../qteditor
GUIDE_WIDTH, GUIDE_HEIGHT = 900, 720  # at most; less on a smaller screen
IMAGE_WIDTH = 760  # screenshots are shown at this width (they are 1280 px wide)


def guide_path() -> Path | None:
    """docs/guide.md of a source checkout, of an installed wheel (qteditor/docs) or of a frozen
    app (its docs/)."""
    candidates = [_PACKAGE.parent / "docs" / "guide.md", _PACKAGE / "docs" / "guide.md"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "docs" / "guide.md")
    return next((p for p in candidates if p.is_file()), None)


def _close_buttons(dialog: QDialog, layout: QVBoxLayout) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return buttons


# ---------------------------------------------------------------------------- the guide
def guide_html(text: str) -> str:
    """The guide's Markdown as HTML, its screenshots scaled to the dialog."""
    from markdown_it import MarkdownIt

    out = MarkdownIt("commonmark").enable("table").render(text)
    return re.sub(r"<img ", f'<img width="{IMAGE_WIDTH}" ', out)


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("qteditor User Guide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        layout.addWidget(self.browser)
        _close_buttons(self, layout)
        self.path = path if path is not None else guide_path()
        if self.path is None:
            self.browser.setHtml(
                "<p>The user guide (docs/guide.md) is not part of this "
                "installation. <code>qteditor --help</code> describes the "
                "command line.</p>"
            )
        else:
            folder = self.path.parent
            self.browser.setSearchPaths([str(folder)])
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(folder) + "/"))
            self.browser.setHtml(guide_html(self.path.read_text(encoding="utf-8")))
        fit_screen(self, GUIDE_WIDTH, GUIDE_HEIGHT, parent)


# ---------------------------------------------------------------------------- shortcuts
def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersands or trailing ellipsis."""
    return re.sub(r"&(.)", r"\1", text).replace("…", "").strip()


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(action, keys, where) for every action of the window that has a shortcut: those of
    its menus in menu order, then those that are keys only (not in any menu)."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def add(act: QAction, where: str) -> None:
        if id(act) in seen or act.isSeparator():
            return
        seen.add(id(act))
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            rows.append((_plain(act.text()), ", ".join(keys), where))

    def walk(menu: QMenu, where: str) -> None:
        for act in menu.actions():
            sub = act.menu()  # a QMenu or None (the stubs say QObject)
            if isinstance(sub, QMenu):
                walk(sub, f"{where} ▸ {_plain(sub.title())}")
            else:
                add(act, where)

    for act in window.menuBar().actions():
        sub = act.menu()
        if isinstance(sub, QMenu):
            walk(sub, _plain(sub.title()))
    for act in window.findChildren(QAction):  # keys only: added to a widget, in no menu
        if id(act) not in seen and act.associatedObjects():
            add(act, "(keys only)")
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        layout = QVBoxLayout(self)
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setHorizontalHeaderLabels(["Action", "Shortcut", "Menu"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        _close_buttons(self, layout)
        fit_screen(self, 620, 40 + 30 * (len(rows) + 3), window)


# ---------------------------------------------------------------------------- system information
def system_information(window: QMainWindow | None = None) -> str:
    """What a problem report needs: versions, platform, what is open."""
    import platform  # loaded when asked for, not with the window

    import PySide6
    from PySide6 import QtCore

    app = QGuiApplication.instance()  # the stubs say QCoreApplication
    built = QtCore.__version__  # type: ignore[attr-defined]  # QtCore.pyi omits the module's __version__
    lines = [
        f"qteditor {__version__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}, {sys.executable})",
        f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()} (built with {built})",
        f"Platform: {platform.platform()}"
        + (f", Qt platform {app.platformName()}" if isinstance(app, QGuiApplication) else ""),
    ]
    panel = getattr(window, "collection_panel", None)
    root = getattr(panel, "root", None)
    if panel is not None and root is not None:  # (no panel, no root)
        count = len(panel.model.rows)
        state = " (still indexing)" if getattr(panel, "loading", False) else ""
        lines.append(f"Collection: {root} ({count:,} entr{'y' if count == 1 else 'ies'}{state})")
    else:
        lines.append("Collection: none open")
    session = getattr(window, "session", None)
    path = getattr(session, "path", None)
    if path:
        lines.append(f"Entry: {path}")
    return "\n".join(lines) + "\n"


def copy_system_information(window: QMainWindow) -> str:
    text = system_information(window)
    QGuiApplication.clipboard().setText(text)
    window.statusBar().showMessage("System information copied to the clipboard", 5000)
    return text


# ---------------------------------------------------------------------------- about
class AboutDialog(QDialog):
    def __init__(self, window: QMainWindow | None = None):
        super().__init__(window)
        self.setWindowTitle("About qteditor")
        layout = QVBoxLayout(self)
        import platform

        import PySide6
        from PySide6 import QtCore

        self.label = QLabel(
            f"<h3>qteditor {html.escape(__version__)}</h3>"
            "<p>Edits Markdown Q&amp;A entries with YAML front matter and keeps every byte of "
            "the front matter it does not change.</p>"
            f"<p>Python {platform.python_version()} · PySide6 {PySide6.__version__} · "
            f"Qt {QtCore.qVersion()}</p>"
            "<p>Help ▸ User Guide (F1) describes the workflows; "
            "<code>qteditor --help</code> the command line.</p>",
            self,
        )
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        _close_buttons(self, layout)
        fit_screen(self, 440, 220, window)


# ---------------------------------------------------------------------------- the menu
def build_help_menu(window: MainWindow, menu: QMenu | None = None) -> QMenu:
    """Fill ``menu`` (by default a new Help menu on ``window``'s menu bar): its actions are kept
    on the window as ``act_guide``, ``act_shortcuts``, ``act_sysinfo``; About is
    ``window.act_about`` when the window has one."""
    if menu is None:
        menu = window.menuBar().addMenu("&Help")
    window.help_dialogs = {}

    def show(name: str, make: Callable[[], QDialog]) -> QDialog:
        dialog = window.help_dialogs.get(name)
        if dialog is None or name == "shortcuts":  # the shortcuts as they are now
            if dialog is not None:
                dialog.deleteLater()
            dialog = window.help_dialogs[name] = make()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    window.act_guide = QAction("&User Guide", window)
    window.act_guide.setShortcut(QKeySequence.StandardKey.HelpContents)
    window.act_guide.triggered.connect(lambda: show("guide", lambda: GuideDialog(window)))
    window.act_shortcuts = QAction("&Keyboard Shortcuts", window)
    window.act_shortcuts.triggered.connect(lambda: show("shortcuts", lambda: ShortcutsDialog(window)))
    window.act_sysinfo = QAction("&Copy System Information", window)
    window.act_sysinfo.setStatusTip("Versions, platform and the open collection, for a report")
    window.act_sysinfo.triggered.connect(lambda: copy_system_information(window))
    about = getattr(window, "act_about", None)
    if about is None:
        about = QAction("&About qteditor", window)
        window.act_about = about
    about.triggered.connect(lambda: show("about", lambda: AboutDialog(window)))
    for act in (window.act_guide, window.act_shortcuts):
        menu.addAction(act)
    menu.addSeparator()
    menu.addAction(window.act_sysinfo)
    menu.addSeparator()
    menu.addAction(about)
    return menu
