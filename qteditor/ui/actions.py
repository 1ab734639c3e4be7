"""The window's actions, menus, toolbar and the browser's context menu, in one place.

The window keeps the slots (what an action does); this module says which actions exist, their
keys, icons and tips, and where they appear. The Help menu's own dialogs live in ``help.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from .focus_undo import FocusUndo
from .git_panel import build_git_menu
from .icons import action

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint

    from .main_window import MainWindow


def make_actions(w: MainWindow) -> None:
    """Create the window's actions as ``w.act_*`` attributes."""
    a = action
    keys = QKeySequence.StandardKey
    w.act_new = a(
        w, "&New Entry", w.new_entry, keys.New, "document-new", "Start a new entry from the template"
    )
    w.act_open = a(w, "&Open…", w.open_dialog, keys.Open, "document-open", "Open an entry")
    w.act_open_folder = a(
        w, "Open &Folder…", w.open_folder_dialog, "Ctrl+Shift+O", None, "Open a collection folder"
    )
    w.act_save = a(
        w, "&Save", w.save, keys.Save, "document-save", "Save through the format-preserving writer"
    )
    w.act_save_as = a(w, "Save &As…", w.save_as, keys.SaveAs)
    w.act_revert = a(w, "&Revert", w.revert, None, None, "Discard unsaved changes")
    w.act_review = a(
        w,
        "Review &Changes…",
        w.review_changes,
        "Ctrl+Shift+D",
        "review",
        "See the exact diff Save will write",
    )
    w.act_export = a(w, "&Export HTML…", w.export_html, "Ctrl+E")
    w.act_close = a(w, "&Close", w.close_document, keys.Close)
    w.act_quit = a(w, "&Quit", w.close, keys.Quit)
    # the focused field's own undo (make_menus wires them: focus_undo.py); every key of each
    w.act_undo = a(w, "&Undo", None, tuple(QKeySequence.keyBindings(keys.Undo)))
    w.act_redo = a(w, "&Redo", None, tuple(QKeySequence.keyBindings(keys.Redo)))
    w.act_find = a(w, "&Find…", lambda: w.editor.find_bar.open(False), "Ctrl+F")
    w.act_replace = a(w, "Find and &Replace…", lambda: w.editor.find_bar.open(True), "Ctrl+H")
    w.act_find_next = a(w, "Find &Next", lambda: w.editor.find_bar.find_next(), "F3")
    w.act_find_previous = a(w, "Find Pre&vious", lambda: w.editor.find_bar.find_next(back=True), "Shift+F3")
    w.addActions([w.act_find_next, w.act_find_previous])  # not in a menu: keys only
    w.act_goto = a(w, "&Go to Line…", lambda: w.editor.go_to_line(), "Ctrl+L")
    w.act_batch = a(
        w,
        "Set a &Field on Selected Entries…",
        lambda: w.batch_set(w.collection_panel.selected_paths()),
        "Ctrl+Shift+B",
        None,
        "Set one field on every entry selected in the browser, after a diff",
    )
    w.act_refresh = a(w, "Refresh &Preview", w.refresh_preview, "F5")
    w.act_sync = a(w, "&Sync Preview Scrolling", None, None, None, None, True)
    w.act_sync.setChecked(w.settings.get("preview/sync_scroll"))
    w.act_wrap = a(w, "Soft &Wrap", w.set_wrap, None, None, None, True)
    w.act_wrap.setChecked(w.settings.get("editor/wrap"))
    w.act_about = a(w, "&About qteditor")  # help.py shows its dialog
    w.act_collection = w.collection_dock.toggleViewAction()
    w.act_collection.setShortcut("Ctrl+Shift+L")
    w.act_problems = w.problems_dock.toggleViewAction()
    w.act_problems.setShortcut("Ctrl+Shift+M")


def make_menus(w: MainWindow) -> None:
    """The menu bar and the toolbar, from the actions."""
    bar = w.menuBar()
    file = bar.addMenu("&File")
    for act in (w.act_new, w.act_open, w.act_open_folder):
        file.addAction(act)
    w.recent_menu = file.addMenu("Open &Recent")
    file.addSeparator()
    for act in (w.act_save, w.act_save_as, w.act_revert, w.act_review, w.act_export):
        file.addAction(act)
    file.addSeparator()
    file.addAction(w.act_close)
    file.addAction(w.act_quit)
    edit = bar.addMenu("&Edit")
    for act in (w.act_undo, w.act_redo):
        edit.addAction(act)
    w.focus_undo = FocusUndo(w, w.act_undo, w.act_redo, edit)
    edit.addSeparator()
    for act in (w.act_find, w.act_replace, w.act_goto):
        edit.addAction(act)
    edit.addSeparator()
    edit.addAction(w.act_batch)
    view = bar.addMenu("&View")
    for act in (w.act_collection, w.act_problems, w.act_sync, w.act_wrap, w.act_refresh):
        view.addAction(act)
    w.git_menu = build_git_menu(w)  # commit, sync, resolve, history (in a git repository)
    w.help_menu = bar.addMenu("&Help")  # the guide, the shortcuts, system information, About:
    w.after_first_paint(lambda: _fill_help(w))  # its actions come after the first paint
    tools = QToolBar("Main")
    tools.setObjectName("mainToolbar")
    tools.setMovable(False)
    tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for act in (w.act_new, w.act_open, w.act_save, w.act_review):
        tools.addAction(act)
    w.addToolBar(tools)
    fill_recent(w)


def _fill_help(w: MainWindow) -> None:
    from .help import build_help_menu  # help.py and its dialogs load after the first frame

    build_help_menu(w, w.help_menu)


def fill_recent(w: MainWindow) -> None:
    """File ▸ Open Recent from the settings."""
    w.recent_menu.clear()
    recent = w.settings.get("files/recent")
    for path in recent:

        def open_recent(p: str = path) -> bool:  # p bound to this entry's path
            return w.open_path(p)

        w.recent_menu.addAction(path, open_recent)
    w.recent_menu.setEnabled(bool(recent))


def browser_menu(w: MainWindow, pos: QPoint) -> None:
    """The browser's context menu on its selected rows."""
    paths = w.collection_panel.selected_paths()
    if not paths:
        return
    menu = QMenu(w)
    many = "y" if len(paths) == 1 else "ies"
    menu.addAction(f"Set a field on {len(paths)} selected entr{many}…", lambda: w.batch_set(paths))
    menu.exec(w.collection_panel.table.viewport().mapToGlobal(pos))
