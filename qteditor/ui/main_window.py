"""The main window: form, answer editor and live preview; every signal is wired in one place."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QFileSystemWatcher, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core import slugs, storage
from ..core.entry import Entry
from ..core.errors import QtEditorError
from ..core.folders import collection_for_folder, collection_of, first_entry
from ..core.journal import Journal, Locks, recover, snapshot
from ..core.resources import resource
from ..core.schema import Schema, default_schema
from ..core.session import EditSession, next_free_id
from ..core.spelling import Speller
from ..core.storage import ConflictError, ReadOnlyError
from .answer_editor import AnswerEditor
from .collection_panel import CollectionPanel
from .form import FormPanel
from .help import build_help_menu
from .icons import action, app_icon
from .preview import PreviewPane
from .settings import Settings


def show_error(parent: QWidget, title: str, error: Exception) -> None:
    from .dialogs import show_error as show  # dialogs load on first use, not at start-up

    show(parent, title, error)


def _pane(title: str, widget: QWidget, extra: QWidget | None = None) -> QWidget:
    """A titled pane: a small caption above the widget."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    head = QWidget()
    head.setObjectName("paneHeader")
    h = QVBoxLayout(head)
    h.setContentsMargins(10, 6, 10, 6)
    label = QLabel(title)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    h.addWidget(label)
    if extra is not None:
        h.addWidget(extra)
    lay.addWidget(head)
    lay.addWidget(widget, 1)
    return box


class ProportionalSplitter(QSplitter):
    """Takes its first sizes as proportions of its real width (unless sizes were restored)."""

    def __init__(self, proportions: list[float], parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.proportions = proportions
        self.settled = False

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if not self.settled and self.width() > 300 and self.count() == len(self.proportions):
            self.settled = True
            total = self.width() - self.handleWidth() * (self.count() - 1)
            self.setSizes([round(total * p) for p in self.proportions])


class ErrorView(QWidget):
    """A file that cannot be read as an entry: the message, and its text with the bad line.
    The text can be corrected here; it is saved only once it reads as an entry."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.path: Path | None = None
        self.raw = b""
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #cf222e; font-weight: bold; padding: 8px;")
        self.text = QPlainTextEdit()
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.save_button = QPushButton("Save corrected text")
        self.save_button.setToolTip("Written only if the text reads as an entry")
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.text, 1)
        lay.addLayout(bar)

    def show_error(self, error: QtEditorError, raw: bytes, path: Path | None = None) -> None:
        self.path = path
        self.raw = raw  # what was read: the corrected text is saved only over these bytes
        self.message.setText(f"This file cannot be opened as an entry; nothing has been written "
                             f"to it. Correct the text below and save it.\n{error}")
        try:
            text = raw.decode("utf-8")
            self.text.setReadOnly(False)
            self.save_button.setEnabled(True)
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            self.text.setReadOnly(True)  # not text: nothing here may be written back
            self.save_button.setEnabled(False)
        if "\x00" in text:
            self.text.setReadOnly(True)
            self.save_button.setEnabled(False)
            text = text.replace("\x00", "\u2400")
        self.text.setPlainText(text)
        self.mark(error)

    def mark(self, error: QtEditorError) -> None:
        block = self.text.document().findBlockByNumber(max(0, error.line - 1))
        cur = QTextCursor(block)
        cur.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(error.column - 1,
                                                                       block.length() - 1)))
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 230, 0, 110))
        fmt.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
        sel.format = fmt
        sel.cursor = QTextCursor(block)
        self.text.setExtraSelections([sel])
        self.text.setTextCursor(cur)
        self.text.centerCursor()


class MainWindow(QMainWindow):
    PAINT_FALLBACK_MS = 250  # deferred work runs by then even if the window never paints

    def __init__(self, settings: Settings | None = None, schema: Schema | None = None,
                 speller: Speller | None = None, journal: Journal | None = None,
                 locks: Locks | None = None):
        super().__init__()
        self.settings = settings or Settings()
        self.journal = journal or Journal()
        self.locks = locks or Locks()
        self._token = os.urandom(16).hex()  # names the journal of a new, never saved entry
        self._locked_path: str | None = None
        self.file_missing = False
        self.schema = schema or default_schema()
        self.session: EditSession | None = None
        self.collection: Path | None = None
        self.slug_rule = slugs.COLLECTION
        self._painted = False
        self._paint_waited = False
        self._after_paint: list = []  # work that waits until the window is on screen
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)

        self.form = FormPanel(self.schema)
        self.editor = AnswerEditor(speller)
        self.editor.set_font_size(self.settings.get("editor/font_size"))
        self.preview = PreviewPane(self.settings.get("preview/delay_ms"))
        self.ambiguity_label = QLabel()
        self.ambiguity_label.setStyleSheet("color: #9a6700; font-size: 9pt;")
        self.ambiguity_label.setWordWrap(True)  # never widens the pane
        self.ambiguity_label.hide()
        self.splitter = ProportionalSplitter([0.36, 0.32, 0.32])
        self.splitter.addWidget(_pane("Fields", self.form))
        self.splitter.addWidget(_pane("Answer", self.editor, self.ambiguity_label))
        self.splitter.addWidget(_pane("Preview", self.preview))
        self.splitter.setChildrenCollapsible(False)
        self.error_view = ErrorView()
        self.empty = QLabel("Open an entry or a folder of entries\n\n"
                            "File ▸ New Entry (Ctrl+N) · File ▸ Open… (Ctrl+O) · "
                            "File ▸ Open Folder… (Ctrl+Shift+O)")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text); font-size: 12pt;")
        self.stack = QStackedWidget()
        for w in (self.empty, self.splitter, self.error_view):
            self.stack.addWidget(w)
        self.setCentralWidget(self.stack)

        self.collection_panel = CollectionPanel()
        self.collection_dock = self._dock("Collection", "collectionDock", self.collection_panel,
                                          Qt.DockWidgetArea.LeftDockWidgetArea, 300,
                                          Qt.Orientation.Horizontal)
        self.problems_list = QListWidget()
        self.problems_dock = self._dock("Problems", "problemsDock", self.problems_list,
                                        Qt.DockWidgetArea.BottomDockWidgetArea, 110,
                                        Qt.Orientation.Vertical)

        self.path_label = QLabel()
        self.stats_label = QLabel()
        self.position_label = QLabel()
        self.render_label = QLabel()
        for w in (self.stats_label, self.position_label, self.render_label):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addWidget(self.path_label, 1)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff8c5; color: #3b2300; padding: 6px 10px;")
        self.notice.hide()
        self.statusBar().insertWidget(0, self.notice, 2)
        self.watcher = QFileSystemWatcher(self)
        self._journal_timer = QTimer(self, singleShot=True, interval=2000)
        self._duplicate_timer = QTimer(self, singleShot=True, interval=400)
        self._problems_timer = QTimer(self, singleShot=True, interval=350)  # after typing pauses
        self.notice.setTextFormat(Qt.TextFormat.RichText)

        self._make_actions()
        self._make_menus()
        self._connect()
        self._restore()
        self._update_title()

    def _dock(self, title: str, name: str, widget: QWidget, area, size: int,
              orientation) -> QDockWidget:
        """A closable, movable dock (named, so its place is restored) at its first size."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(area, dock)
        self.resizeDocks([dock], [size], orientation)
        return dock

    # ------------------------------------------------------------------ actions and menus
    def _make_actions(self) -> None:
        a = action
        self.act_new = a(self, "&New Entry", self.new_entry, QKeySequence.StandardKey.New,
                         "document-new", "Start a new entry from the template")
        self.act_open = a(self, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open,
                          "document-open", "Open an entry")
        self.act_open_folder = a(self, "Open &Folder…", self.open_folder_dialog, "Ctrl+Shift+O",
                                 None, "Open a collection folder")
        self.act_save = a(self, "&Save", self.save, QKeySequence.StandardKey.Save, "document-save",
                          "Save through the format-preserving writer")
        self.act_save_as = a(self, "Save &As…", self.save_as, QKeySequence.StandardKey.SaveAs)
        self.act_revert = a(self, "&Revert", self.revert, None, None, "Discard unsaved changes")
        self.act_review = a(self, "Review &Changes…", self.review_changes, "Ctrl+Shift+D", "review",
                            "See the exact diff Save will write")
        self.act_export = a(self, "&Export HTML…", self.export_html, "Ctrl+E")
        self.act_close = a(self, "&Close", self.close_document, QKeySequence.StandardKey.Close)
        self.act_quit = a(self, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_undo = a(self, "&Undo", self.editor.edit.undo, QKeySequence.StandardKey.Undo)
        self.act_redo = a(self, "&Redo", self.editor.edit.redo, QKeySequence.StandardKey.Redo)
        self.act_find = a(self, "&Find…", lambda: self.editor.find_bar.open(False), "Ctrl+F")
        self.act_replace = a(self, "Find and &Replace…", lambda: self.editor.find_bar.open(True),
                             "Ctrl+H")
        self.act_find_next = a(self, "Find &Next", lambda: self.editor.find_bar.find_next(), "F3")
        self.act_find_previous = a(self, "Find Pre&vious",
                                   lambda: self.editor.find_bar.find_next(back=True), "Shift+F3")
        self.addActions([self.act_find_next, self.act_find_previous])  # not in a menu: keys only
        self.act_goto = a(self, "&Go to Line…", lambda: self.editor.go_to_line(), "Ctrl+L")
        self.act_refresh = a(self, "Refresh &Preview", self._refresh_preview, "F5")
        self.act_sync = a(self, "&Sync Preview Scrolling", None, None, None, None, True)
        self.act_sync.setChecked(self.settings.get("preview/sync_scroll"))
        self.act_wrap = a(self, "Soft &Wrap", self._set_wrap, None, None, None, True)
        self.act_wrap.setChecked(self.settings.get("editor/wrap"))
        self.act_about = a(self, "&About qteditor", self.about)
        self.act_collection = self.collection_dock.toggleViewAction()
        self.act_collection.setShortcut("Ctrl+Shift+L")
        self.act_problems = self.problems_dock.toggleViewAction()
        self.act_problems.setShortcut("Ctrl+Shift+M")

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        for act in (self.act_new, self.act_open, self.act_open_folder):
            file.addAction(act)
        self.recent_menu = file.addMenu("Open &Recent")
        file.addSeparator()
        for act in (self.act_save, self.act_save_as, self.act_revert, self.act_review,
                    self.act_export):
            file.addAction(act)
        file.addSeparator()
        file.addAction(self.act_close)
        file.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        for act in (self.act_undo, self.act_redo):
            edit.addAction(act)
        edit.addSeparator()
        for act in (self.act_find, self.act_replace, self.act_goto):
            edit.addAction(act)
        view = bar.addMenu("&View")
        for act in (self.act_collection, self.act_problems, self.act_sync, self.act_wrap,
                    self.act_refresh):
            view.addAction(act)
        build_help_menu(self)  # the guide, the shortcuts, system information, About
        tools = QToolBar("Main")
        tools.setObjectName("mainToolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for act in (self.act_new, self.act_open, self.act_save, self.act_review):
            tools.addAction(act)
        self.addToolBar(tools)
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.get("files/recent")
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    def _connect(self) -> None:
        """Every connection of the window, in one place."""
        self.form.fieldEdited.connect(self.on_field_edited)
        self.form.relatedEdited.connect(self.on_related_edited)
        self.form.lockToggled.connect(self.on_lock_toggled)
        self.form.regenerateRequested.connect(self.regenerate)
        self.form.related.pickRequested.connect(self.pick_related)
        self.form.related.refreshRequested.connect(self.refresh_related)
        self.form.titlesLinkToggled.connect(self.on_titles_link)
        self.editor.textEdited.connect(self.on_answer_edited)
        self.editor.statsChanged.connect(self.on_stats)
        self.editor.marksChanged.connect(self._update_ambiguity_label)  # after a pause in typing
        self.editor.edit.cursorPositionChanged.connect(self.on_cursor)
        self.editor.edit.verticalScrollBar().valueChanged.connect(self.on_editor_scrolled)
        self.preview.rendered.connect(
            lambda s: self.render_label.setText(f"preview {s * 1000:.0f} ms"))
        self.collection_panel.openRequested.connect(self.open_path)
        self.collection_panel.indexed.connect(self.on_indexed)
        self._journal_timer.timeout.connect(self.write_journal)
        self._duplicate_timer.timeout.connect(self.check_duplicate)
        self._problems_timer.timeout.connect(self._show_problems)
        self.notice.linkActivated.connect(self.open_path)
        self.watcher.fileChanged.connect(
            lambda path: QTimer.singleShot(150, lambda: self.on_outside_change(path)))
        self.problems_list.itemActivated.connect(self.jump_to_problem)
        self.problems_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.problems_list.customContextMenuRequested.connect(self._problem_menu)
        self.collection_panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.collection_panel.table.customContextMenuRequested.connect(self._browser_menu)
        self.error_view.save_button.clicked.connect(self.save_raw)

    # ------------------------------------------------------------------ state
    def _restore(self) -> None:
        geometry = self.settings.get("window/geometry")
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = self.settings.get("window/state")
        if state:
            self.restoreState(QByteArray(state))
        self._set_wrap(self.act_wrap.isChecked())
        saved = [int(v) for v in self.settings.get("window/splitter")]
        if len(saved) == 3 and all(v > 0 for v in saved):
            self.splitter.setSizes(saved)
            self.splitter.settled = True

    def _store(self) -> None:
        self.settings.set("window/geometry", bytes(self.saveGeometry()))
        self.settings.set("window/state", bytes(self.saveState()))
        self.settings.set("window/splitter", self.splitter.sizes())
        self.settings.set("preview/sync_scroll", self.act_sync.isChecked())
        self.settings.set("editor/wrap", self.act_wrap.isChecked())

    def _update_title(self) -> None:
        s = self.session
        if s is None:
            self.setWindowTitle("qteditor")
            self.path_label.setText("")
        else:
            name = Path(s.path).name if s.path else f"{s.fields.get('file_name') or 'Untitled'} (new)"
            self.setWindowTitle(f"{name}[*] — qteditor")
            self.path_label.setText(s.path or "not saved yet")
        dirty = s is not None and s.dirty  # compared once a keystroke
        self.setWindowModified(dirty)
        has = s is not None
        for act in (self.act_save, self.act_save_as, self.act_review, self.act_export,
                    self.act_close):
            act.setEnabled(has)
        self.act_revert.setEnabled(dirty and s.path is not None)

    # ------------------------------------------------------------------ edits
    def on_field_edited(self, path: tuple, value) -> None:
        if self.session is None:
            return
        changed = self.session.set(path, value)
        self.form.refresh([p for p in changed if p != tuple(path)])
        self._changed()
        if self.session.is_new and tuple(path) in (("title",), ("question",)):
            self._duplicate_timer.start()

    def on_related_edited(self, items: list) -> None:
        if self.session is None:
            return
        self.form.refresh(self.session.set_related(items))
        self._changed()

    def on_lock_toggled(self, locked: bool) -> None:
        if self.session is None:
            return
        self.session.locked = locked
        if not locked:
            self.form.refresh(self.session.apply_derivations())
        self._changed()

    def on_titles_link(self, linked: bool) -> None:
        if self.session is not None:
            self.session.titles_linked = linked

    def on_answer_edited(self, text: str) -> None:
        if self.session is None:
            return
        self.session.set(("answer",), text)
        self._changed()

    def _changed(self) -> None:
        self._update_title()
        self.preview.schedule(self.session.fields)
        self._journal_timer.start()  # journaled a little after typing stops
        self._problems_timer.start()  # the Problems panel follows the edit

    def _update_ambiguity_label(self, n: int) -> None:
        self.ambiguity_label.setVisible(n > 0)
        self.ambiguity_label.setText(
            f"⚠ {n} ambiguous line break{'s' if n != 1 else ''} underlined: hover for details"
            if n else "")
        self.ambiguity_label.setToolTip("The site reads every \\n in the stored answer as a line "
                                        "break, also inside \\neq, \\nabla, \\nu …")

    def on_stats(self, words: int, minutes: int) -> None:
        self.stats_label.setText(f"{words:,} words · {minutes} min read")

    def on_cursor(self) -> None:
        cur = self.editor.edit.textCursor()
        self.position_label.setText(f"Ln {cur.blockNumber() + 1}, Col {cur.positionInBlock() + 1}")

    def on_editor_scrolled(self, value: int) -> None:
        if self.act_sync.isChecked():
            bar = self.editor.edit.verticalScrollBar()
            self.preview.sync_to(value / bar.maximum() if bar.maximum() else 0.0)

    def _refresh_preview(self) -> None:
        if self.session is not None:
            self.preview.schedule(self.session.fields, now=True)

    def _set_wrap(self, on: bool) -> None:
        self.editor.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth if on
                                         else QPlainTextEdit.LineWrapMode.NoWrap)

    # ------------------------------------------------------------------ documents
    def show_session(self, session: EditSession) -> None:
        self._release_lock()
        self.session = session
        self.file_missing = False
        self._watch(session.path)
        notice = self.locks.acquire(session.path) if session.path else None
        self._locked_path = session.path if notice is None else None
        self.show_notice(notice)
        self.form.load(session)
        answer = session.fields.get("answer")
        self.editor.set_text(answer if isinstance(answer, str) else "")
        self.stack.setCurrentWidget(self.splitter)
        if self._painted:
            self.preview.schedule(session.fields)
        else:  # the renderer loads after the first frame, however long that takes
            self.after_first_paint(lambda: self.session is not None and
                                   self.preview.schedule(self.session.fields))
        self._update_title()
        self.collection_panel.select_path(session.path)
        if self._painted:
            self._show_problems()
        else:  # the checks load after the first frame
            self.problems_list.clear()
            self.after_first_paint(self._show_problems)

    def open_path(self, path: str) -> bool:
        p = Path(path)
        if p.is_dir():
            return self.open_folder(p)
        return self.open_file(p)

    def open_file(self, path: Path) -> bool:
        if not self.maybe_save():
            return False
        storage.clean_stale_temporaries(str(path))  # left by a killed save (never waits)
        # a file belongs to a collection only where the layout says so (a content/learn tree,
        # a folder holding .qteditor/, the folder opened here); a stray file opens alone
        root = collection_of(path, opened=self.collection)
        if root is not None and root != self.collection:
            self._set_collection(root, open_first=False)
        collection = root if root is not None and root == self.collection else None
        try:
            session = EditSession.open(path, collection, self.slug_rule)
        except QtEditorError as exc:
            self.session = None
            readable = True
            try:
                raw = storage.read_file(str(path))  # never a FIFO, a device or a huge file
            except QtEditorError:
                raw, readable = b"", False
            self.error_view.show_error(exc, raw, path)
            if not readable:  # nothing was read: nothing may be written back
                self.error_view.text.setReadOnly(True)
                self.error_view.save_button.setEnabled(False)
            self.stack.setCurrentWidget(self.error_view)
            self._update_title()
            self.path_label.setText(str(exc))
            return False
        self.show_session(session)
        self._fill_recent_with(str(path))
        return True

    def _fill_recent_with(self, path: str) -> None:
        self.settings.add_recent(path)
        self._fill_recent()

    def _set_collection(self, folder: Path, open_first: bool = True) -> None:
        self.collection = collection_for_folder(folder)
        self.settings.set("files/last_collection", str(folder))
        self.collection_panel.announce(self.collection)
        self.after_first_paint(self._scan_collection)
        if open_first and self.session is None:
            first = first_entry(self.collection)
            if first is not None:
                self.open_file(first)

    def _scan_collection(self) -> None:
        if self.collection is not None:
            self.collection_panel.set_folder(self.collection)

    def on_indexed(self) -> None:
        panel = self.collection_panel
        panel.select_path(self.session.path if self.session else None)
        self.form.set_subjects(panel.subjects)
        self.slug_rule = panel.slug_rule or slugs.COLLECTION  # the workspace's, before checks
        if self.session is not None:
            self.session.slug_rule = self.slug_rule
        self._show_problems()

    def _session_in_collection(self) -> bool:
        s = self.session
        panel = self.collection_panel
        return s is not None and panel.root is not None and (
            s.path is None and s.collection is not None or
            s.path is not None and panel.rel_path(s.path) is not None)

    def current_problems(self) -> list:
        """The open entry's problems as it is now in the editor (saved or not), against the
        collection it is in (or alone)."""
        from ..core.checks import Draft, build_context, check_record
        from ..core.yamlspan import json_safe

        s = self.session
        if s is None:
            return []
        panel = self.collection_panel
        ctx = panel.context if self._session_in_collection() else None
        if ctx is None:
            ctx = build_context([], s.entry.schema, self.slug_rule, lone=True)
        rel = panel.rel_path(s.path) if s.path and panel.root is not None else None
        if rel is None:
            name = Path(s.path).name if s.path else str(s.fields.get("file_name") or "new.md")
            folder = Path(s.path).parent.name if s.path else ""
            rel = f"{folder}/{name}" if folder else name
        try:
            data = json_safe(s.entry.encode(s.fields))
        except Exception:  # noqa: BLE001 - fields that cannot be stored yet show no problems
            return []
        return check_record(Draft(rel, data), ctx)

    def _show_problems(self) -> None:
        problems = self.current_problems()
        self.problems_list.clear()
        for p in problems:
            item = QListWidgetItem(f"{p.severity}: {p.message}  [{p.rule}]")
            item.setData(Qt.ItemDataRole.UserRole, p.field)
            item.setData(Qt.ItemDataRole.UserRole + 1, p)
            item.setToolTip(f"{p.rule}: {p.message}" + (f"\nfix: {p.fix}" if p.fix else ""))
            self.problems_list.addItem(item)
        self.problems_dock.setWindowTitle(f"Problems ({len(problems)})" if problems else "Problems")
        if not problems:
            empty = QListWidgetItem("No problems in this entry.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.problems_list.addItem(empty)

    def _problem_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        item = self.problems_list.itemAt(pos)
        problem = item.data(Qt.ItemDataRole.UserRole + 1) if item else None
        if problem is None:
            return
        from ..core.checks import FIXABLE

        menu = QMenu(self)
        fix = menu.addAction("Fix in this entry", lambda: self.fix_problem(problem))
        fix.setEnabled(problem.fix is not None)
        if (problem.rule in FIXABLE or problem.rule == "required-missing") and \
                self.collection_panel.workspace is not None and self._session_in_collection():
            menu.addAction(f"Fix all “{problem.rule}” in the collection…",
                           lambda: self.fix_all(problem.rule))
        menu.exec(self.problems_list.mapToGlobal(pos))

    def fix_problem(self, problem) -> bool:
        """Apply one problem's fix to the open entry (saved with the next Save)."""
        s = self.session
        if s is None or problem.fix is None:
            return False
        s.apply_fix(problem.fix)
        self.form.load(s)
        self._changed()
        self._show_problems()
        return True

    def fix_all(self, rule: str, apply=None) -> int:
        """Fix every problem of a rule across the collection, after showing the diff (the
        workspace's plan: the same as ``qteditor fix --rule RULE``)."""
        ws = self.collection_panel.workspace
        if ws is None:
            return 0
        try:
            ws.refresh()
            plan = ws.plan_fix_all({rule})
        except QtEditorError as exc:
            show_error(self, f"Fix all “{rule}”", exc)
            return 0
        return self._apply_plan(f"Fix all “{rule}”", plan, apply)

    def _apply_plan(self, title: str, plan, apply=None) -> int:
        from .dialogs import BatchDialog

        ws = self.collection_panel.workspace
        changes = plan.changes
        if self.session is not None and self.session.dirty and any(
                str(c.path) == self.session.path for c in plan.writes):
            show_error(self, title, QtEditorError("save or revert the open entry first",
                                                  self.session.path))
            return 0
        ok = apply(changes) if apply else BatchDialog(title, changes, self).exec()
        if not ok:
            return 0
        result = ws.apply(plan) if ws is not None else None
        if result is None:
            from ..core.plan import apply as apply_plan

            result = apply_plan(plan)
        for exc in result.errors[:1]:
            show_error(self, title, exc)
        if self.session is not None and self.session.path and any(
                str(p) == self.session.path for p in result.written):
            self.on_outside_change(self.session.path)
        self.collection_panel.files_written()
        written = len(result.written)
        self.statusBar().showMessage(f"{written} file(s) changed", 5000)
        return written

    def _browser_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        paths = self.collection_panel.selected_paths()
        if not paths:
            return
        menu = QMenu(self)
        menu.addAction(f"Set a field on {len(paths)} selected entr{'y' if len(paths) == 1 else 'ies'}…",
                       lambda: self.batch_set(paths))
        menu.exec(self.collection_panel.table.viewport().mapToGlobal(pos))

    def batch_set(self, paths: list[str], assignment: str | None = None, apply=None) -> int:
        """Set KEY=VALUE (dotted keys, the field's type kept) on many entries, after a diff."""
        from PySide6.QtWidgets import QInputDialog

        if assignment is None:
            assignment, ok = QInputDialog.getText(
                self, "Set a field", "KEY=VALUE (e.g. subject=Computer Science, author=QuickTakes):")
            if not ok or "=" not in assignment:
                return 0
        ws = self.collection_panel.workspace
        files = [Path(p) for p in paths]
        if ws is not None:
            plan = ws.plan_batch([assignment], files)
        else:
            from ..core.fixes import plan_assignments

            plan = plan_assignments(files, [assignment], lambda p: Path(p).name)
        return self._apply_plan(f"Set {assignment.split('=', 1)[0]}", plan, apply)

    def jump_to_problem(self, item) -> None:
        field = item.data(Qt.ItemDataRole.UserRole)
        if not field:
            return
        if field == "answer":
            self.editor.edit.setFocus()
            return
        parts = tuple(field.split("."))
        widget = self.form.widget_for(parts) or self.form.widget_for(parts[:1])
        if widget is None and parts[0].startswith("related_article"):
            widget = self.form.related.table
        if widget is not None:
            self.form.ensureWidgetVisible(widget)
            widget.setFocus()

    def open_folder(self, folder: Path) -> bool:
        if not self.maybe_save():
            return False
        self._set_collection(folder, open_first=True)
        return True

    def open_dialog(self) -> None:
        start = str(self.collection or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open entry", start, "Entries (*.md);;All files (*)")
        if path:
            self.open_file(Path(path))

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open collection folder",
                                                  str(self.collection or Path.home()))
        if folder:
            self.open_folder(Path(folder))

    def new_entry(self) -> None:
        if not self.maybe_save():
            return
        defaults = {}
        if self.session is not None and self.session.fields.get("subject"):
            defaults["subject"] = self.session.fields["subject"]
        next_id = None
        panel = self.collection_panel
        if panel.workspace is not None and panel.model.rows:
            next_id = panel.collection.next_id()  # from the index: no file is read
        elif self.collection:
            next_id = next_free_id(self.collection)
        session = EditSession.new(self.schema, self.collection, next_id, defaults, self.slug_rule)
        self.show_session(session)
        self.form.widget_for(("title",)).setFocus()
        self.form.widget_for(("title",)).selectAll()

    def ask_force(self, exc: ReadOnlyError) -> bool:
        """A read-only or hard-linked file: ask before writing it anyway."""
        if exc.reason == "hard-links":
            text = (f"This file has {exc.links} hard links (other names for the same file). "
                    "Save anyway? It is written in place, so every name sees the change.")
        else:
            text = "This file is read-only. Save anyway?"
        answer = QMessageBox.question(self, "Save anyway?", text)
        return answer == QMessageBox.StandardButton.Yes

    def save(self, force: bool = False) -> bool:
        s = self.session
        if s is None:
            return False
        if s.path is None:
            return self.save_as()
        try:
            s.save(force=force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self.save(force=True)
            self.statusBar().showMessage(f"Not saved: {exc.message}", 8000)
            return False
        except ConflictError:
            # someone else changed the file: merge their version in, then let the user save
            self.on_outside_change(s.path)
            if not self.file_missing:
                self.statusBar().showMessage("The file had changed on disk: merged. Review and "
                                             "save again.", 8000)
            return False
        except QtEditorError as exc:
            show_error(self, "Not saved", exc)
            return False
        self._saved()
        return True

    def save_as(self) -> bool:
        s = self.session
        if s is None:
            return False
        suggestion = s.default_path() or Path(self.collection or Path.home()) / str(
            s.fields.get("file_name") or "untitled.md")
        path, _ = QFileDialog.getSaveFileName(self, "Save entry as", str(suggestion), "Entries (*.md)")
        if not path:
            return False
        force = False
        while True:
            try:
                s.save(path, force=force)
                break
            except ReadOnlyError as exc:
                if force or not self.ask_force(exc):
                    self.statusBar().showMessage(f"Not saved: {exc.message}", 8000)
                    return False
                force = True
            except QtEditorError as exc:
                show_error(self, "Not saved", exc)
                return False
        self._fill_recent_with(path)
        self._saved()
        return True

    def _saved(self) -> None:
        self.journal.remove(self.session.path)
        self.journal.remove(None, self._token)
        self.file_missing = False
        self._watch(self.session.path)
        if self._locked_path != self.session.path:
            self._release_lock()
            if self.locks.acquire(self.session.path) is None:
                self._locked_path = self.session.path
        self.form.load(self.session)
        if self.collection is not None and self.collection in Path(self.session.path).resolve().parents:
            self.collection_panel.files_written()
        self._update_title()
        self.statusBar().showMessage("Saved", 3000)

    def revert(self) -> None:
        s = self.session
        if s is None or s.path is None:
            return
        answer = QMessageBox.question(self, "Revert", "Discard your unsaved changes to this entry?")
        if answer == QMessageBox.StandardButton.Yes:
            s.revert()
            self.show_session(s)

    def review_changes(self) -> None:
        s = self.session
        if s is None:
            return
        try:
            new = s.current_bytes()
        except QtEditorError as exc:
            show_error(self, "Cannot save this", exc)
            return
        old = s.entry.raw if s.path else b""
        name = Path(s.path).name if s.path else str(s.fields.get("file_name") or "new entry")
        from .dialogs import ReviewChangesDialog

        dialog = ReviewChangesDialog(old, new if new != old else None, name, self)
        if dialog.exec() and dialog.diff:
            self.save()

    def export_html(self) -> None:
        s = self.session
        if s is None:
            return
        stem = Path(str(s.fields.get("file_name") or "entry")).stem
        path, _ = QFileDialog.getSaveFileName(self, "Export HTML", str(Path.home() / f"{stem}.html"),
                                              "HTML (*.html)")
        if path:
            from ..core.page import check_export_target, page_html

            try:
                check_export_target(path, s.path)  # never over the entry, nor another entry
                storage.write_atomic(path, page_html(s.fields).encode("utf-8"))
            except QtEditorError as exc:
                show_error(self, "Not exported", exc)

    def regenerate(self) -> None:
        s = self.session
        if s is None:
            return
        from .dialogs import RegenerateDialog

        dialog = RegenerateDialog(s.regeneration(), self)
        if dialog.exec():
            self.form.refresh(s.regenerate())
            self._changed()
            self.offer_rename()

    def check_duplicate(self) -> str | None:
        """Warn when a new entry's question is a near-duplicate of an existing one."""
        s = self.session
        panel = self.collection_panel
        if s is None or not s.is_new or panel.collection is None:
            return None
        title = str(s.fields.get("title") or "")
        words = set(re.findall(r"[a-z0-9]+", title.lower()))
        if len(words) < 3:
            self.show_notice(None)
            return None
        by_path = {r.path: r for r in panel.records}
        for path in panel.collection.similar(title, limit=5):
            other = str(by_path[path].fields.get("title") or "") if path in by_path else ""
            theirs = set(re.findall(r"[a-z0-9]+", other.lower()))
            if theirs and len(words & theirs) / len(words | theirs) >= 0.6:
                full = str(panel.root / path)
                from html import escape

                self.show_notice(f"A similar question exists: <a href=\"{escape(full)}\">"
                                 f"{escape(other)}</a> — open it instead?")
                return full
        self.show_notice(None)
        return None

    def pick_related(self) -> None:
        from .dialogs import PickerDialog

        s = self.session
        panel = self.collection_panel
        if s is None or panel.collection is None:
            self.statusBar().showMessage("Open the collection folder to pick related articles", 5000)
            return
        listed = {v.get("url") for v in self.form.related.items()}
        own = panel.rel_path(s.path) if s.path else None
        text = " ".join(str(s.fields.get(k) or "") for k in ("question", "answer"))[:2000]
        by_path = {r.path: r for r in panel.records}
        exclude = {own} | {p for p, r in by_path.items() if r.fields.get("url") in listed}
        suggestions = [by_path[p] for p in panel.collection.similar(text, exclude, 12) if p in by_path]
        dialog = PickerDialog(panel.collection, by_path, suggestions, exclude, self)
        record = dialog.pick()
        if record is not None:
            f = record.fields
            self.form.related.add({"id": f.get("id"), "title": f.get("title"),
                                   "subject": f.get("subject"), "url": f.get("url")})

    def refresh_related(self) -> None:
        """Refresh stale snapshots: id, title and subject from the entries they point to."""
        panel = self.collection_panel
        by_url = {r.fields.get("url"): r for r in panel.records}
        items = self.form.related.items()
        changed = 0
        for item in items:
            target = by_url.get(item.get("url"))
            if target is None:
                continue
            for key in ("id", "title", "subject"):
                if key in item and item[key] != target.fields.get(key):
                    item[key] = target.fields.get(key)
                    changed += 1
        if changed:
            self.form.related.set_items(items)
            self.on_related_edited(items)
        self.statusBar().showMessage(f"{changed} snapshot value(s) refreshed", 4000)

    def offer_rename(self) -> bool:
        """When the slug or subject moved the entry: move the file and update every inbound
        link in one confirmed operation."""
        from ..core import rename

        s = self.session
        panel = self.collection_panel
        if s is None or s.path is None or panel.root is None:
            return False
        plan = rename.plan(panel.root, Path(s.path), s.fields, panel.records, self.slug_rule)
        if not plan.moves and not plan.inbound:
            return False
        where = plan.new_path.relative_to(panel.root) if plan.moves else Path(s.path).name
        links = "\n".join(f"  • {p.relative_to(panel.root)}" for p, _ in plan.inbound[:12])
        more = f"\n  … and {len(plan.inbound) - 12} more" if len(plan.inbound) > 12 else ""
        answer = QMessageBox.question(
            self, "Rename entry",
            f"Move the entry to {where} (url {plan.new_url}) and update "
            f"{len(plan.inbound)} file(s) that link to it?\n{links}{more}")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            rename.apply(plan, s.fields)
        except QtEditorError as exc:
            show_error(self, "Not renamed", exc)
            return False
        self.journal.remove(s.path)
        s.saved_fields = s.fields  # written by the rename: nothing to ask about
        self.open_file(plan.new_path)
        panel.files_written()
        self.statusBar().showMessage(f"Renamed; {len(plan.inbound)} inbound link(s) updated", 6000)
        return True

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self._release_lock()
        self._watch(None)
        self.session = None
        self.stack.setCurrentWidget(self.empty)
        self._update_title()
        return True

    def maybe_save(self) -> bool:
        """Ask before unsaved work is dropped. True when it is fine to go on."""
        s = self.session
        if s is None or not s.dirty:
            return True
        name = Path(s.path).name if s.path else "the new entry"
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save your changes to {name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.journal.remove(s.path)
            self.journal.remove(None, self._token)
            return True
        return False

    def after_first_paint(self, work) -> None:
        """Run ``work`` once the window has painted (start-up shows the entry first); a window
        that never paints (hidden, tests) runs it shortly anyway."""
        if self._painted:
            QTimer.singleShot(0, self, work)
            return
        if not self._after_paint:
            QTimer.singleShot(self.PAINT_FALLBACK_MS, self, self._paint_overdue)
        self._after_paint.append(work)

    def _paint_overdue(self) -> None:
        """The fallback. A hidden window runs its deferred work now; a shown one still waiting
        for its first paint (a large folder was listed before it was shown) waits for the paint,
        for four more periods at most."""
        if self.isVisible() and not self._painted and not self._paint_waited:
            self._paint_waited = True
            QTimer.singleShot(4 * self.PAINT_FALLBACK_MS, self, self._flush_after_paint)
            return
        self._flush_after_paint()

    def _flush_after_paint(self) -> None:
        self._painted = True
        work, self._after_paint = self._after_paint, []
        for fn in work:  # each on its own turn: one that fails does not drop the others
            QTimer.singleShot(0, self, fn)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._flush_after_paint)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.ActivationChange and self.isActiveWindow():
            self.collection_panel.files_written()  # back from elsewhere: look for outside edits

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.maybe_save():
            self._store()
            self._release_lock()
            event.accept()
        else:
            event.ignore()

    def save_raw(self, force: bool = False) -> bool:
        """Save the corrected text of a broken file, only if it now reads as an entry and the
        file on disk is still the one shown (checked under the file's lock)."""
        view = self.error_view
        if view.path is None:
            return False
        raw = view.text.toPlainText().encode("utf-8")
        if b"\r\n" in view.raw:
            raw = raw.replace(b"\n", b"\r\n")
        try:
            entry = Entry.from_bytes(raw, str(view.path))
            if entry.render(entry.fields()) is not None:  # reads back to itself
                raise QtEditorError("the text does not read back to itself", str(view.path))
        except QtEditorError as exc:
            view.message.setText(f"Not saved: the text still does not read as an entry.\n{exc}")
            view.mark(exc)
            return False
        try:
            storage.write_atomic(str(view.path), raw, storage.digest(view.raw), force=force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self.save_raw(force=True)
            view.message.setText(f"Not saved.\n{exc}")
            return False
        except ConflictError:
            view.message.setText("Not saved: the file changed on disk since it was shown; your "
                                 "text is kept here. Open the file again to see its new text.")
            return False
        except QtEditorError as exc:
            view.message.setText(f"Not saved.\n{exc}")
            return False
        return self.open_file(view.path)

    # ------------------------------------------------------------------ never lose work
    def show_notice(self, text: str | None) -> None:
        self.notice.setText(text or "")
        self.notice.setVisible(bool(text))

    def _release_lock(self) -> None:
        if self._locked_path:
            self.locks.release(self._locked_path)
            self._locked_path = None

    def _watch(self, path: str | None) -> None:
        files = self.watcher.files()
        if files:
            self.watcher.removePaths(files)
        if path and Path(path).exists():
            self.watcher.addPath(path)

    def write_journal(self) -> bool:
        """Journal the unsaved edits (beside, never over, the user's file)."""
        s = self.session
        if s is None or not s.dirty:
            return False
        try:
            content = snapshot(s.entry, s.fields, s.body)
        except QtEditorError:
            return False  # not writable as it stands: the previous journal entry remains
        # the base is the version the edits were made against (after a merge of an outside
        # change, the merged-in disk version): recovery puts only the edits back onto the file
        self.journal.write(s.path, s.entry.digest if s.path else None, content, self._token,
                           base=s.entry.raw if s.path else None)
        return True

    def offer_recovery(self, choose=None) -> int:
        """Offer each journaled document back; ``choose(item, disk) -> "recover" | "discard" |
        "later"`` (a dialog when not given). Returns how many were recovered."""
        from .dialogs import RecoveryDialog

        recovered = 0
        for item in self.journal.pending():
            disk = b""
            content = item.content
            if item.path and Path(item.path).exists():
                try:
                    disk = storage.read_file(item.path)
                    content = recover(item, Entry.from_bytes(disk, item.path)).content
                except QtEditorError:
                    pass  # shown against the file as it is; recovering reports the error
                if disk == item.content or disk == content:
                    self.journal.discard(item)  # nothing of the edits is missing on disk
                    continue
            answer = (choose(item, disk) if choose
                      else RecoveryDialog(item, disk, self, content).choice())
            if answer == "discard":
                self.journal.discard(item)
            elif answer == "recover" and self.recover(item):
                recovered += 1
                break  # one document at a time in this window
        return recovered

    def recover(self, item) -> bool:
        """Reopen journaled edits: put onto the file as it is now (a three-way merge, so what
        changed on disk meanwhile stays), or as a new entry when the file is gone."""
        try:
            stored = Entry.from_bytes(item.content, item.path)
        except QtEditorError as exc:
            show_error(self, "Cannot recover", exc)
            return False
        conflicts = []
        if item.path and Path(item.path).exists():
            if not self.open_file(Path(item.path)):
                return False
            s = self.session
            try:
                recovery = recover(item, s.entry)
            except QtEditorError as exc:
                show_error(self, "Cannot recover", exc)
                return False
            s.fields = recovery.fields
            s.body = recovery.body
            conflicts = recovery.conflicts
        else:
            s = EditSession(stored, True, self.slug_rule, self.collection)
            s.saved_fields = {}
            if item.path:
                s.entry.path = None
        self.show_session(s)
        if conflicts:
            self.resolve_conflicts(conflicts)
        self.statusBar().showMessage("Recovered unsaved edits: review and save them", 6000)
        return True

    def on_outside_change(self, path: str) -> None:
        """The open file changed on disk: reload, merge, or say it is gone."""
        s = self.session
        if s is None or s.path != path:
            return
        p = Path(path)
        if not p.exists():
            self.file_missing = True
            self.show_notice("The file was deleted or moved. Your text is kept: use Save As to "
                             "write it somewhere.")
            return
        self._watch(path)  # some programs replace the file: watch the new one
        try:
            raw = storage.read_file(path)  # a regular file, capped: never blocks the window
            if raw == s.entry.raw:
                return
            theirs = Entry.from_bytes(raw, path)
        except QtEditorError as exc:
            self.show_notice(f"The file changed on disk and cannot be read now: {exc}")
            return
        cursor = self.editor.edit.textCursor().position()
        scroll = self.editor.edit.verticalScrollBar().value()
        conflicts = []
        if not s.dirty:
            s.reload(theirs)
        else:
            from ..core.merge import merge_fields

            merged, conflicts = merge_fields(s.entry.fields(), s.fields, theirs.fields())
            s.reload(theirs, merged)
        self.show_session(s)
        cur = self.editor.edit.textCursor()
        cur.setPosition(min(cursor, len(self.editor.text())))
        self.editor.edit.setTextCursor(cur)
        self.editor.edit.verticalScrollBar().setValue(scroll)
        if conflicts:
            self.resolve_conflicts(conflicts)
        else:
            self.statusBar().showMessage("Reloaded: the file changed on disk", 4000)

    def resolve_conflicts(self, conflicts, choose=None) -> None:
        from .dialogs import ConflictDialog

        s = self.session
        picks = choose(conflicts) if choose else ConflictDialog(conflicts, self).choices()
        for conflict, take_theirs in zip(conflicts, picks, strict=True):
            if take_theirs:
                s.set(conflict.path, conflict.theirs)
        self.show_session(s)

    def about(self) -> None:
        QMessageBox.about(self, "About qteditor",
                          f"<b>qteditor {__version__}</b><p>Edits Markdown Q&amp;A entries and "
                          "keeps every byte of the front matter it does not change.</p>")


def sample_collection() -> Path:
    return resource("sample") / "content" / "learn"



