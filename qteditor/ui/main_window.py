"""The main window: form, answer editor and live preview; every signal is wired in one place."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QFileSystemWatcher, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication

# (QMessageBox and QFileDialog are imported where a dialog opens: their Python types and enums
# would cost the first frame ~5 ms)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QSplitterHandle,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core import slugs, storage
from ..core.entry import Entry
from ..core.errors import QtEditorError
from ..core.folders import (
    collection_for_folder,
    collection_of,
    file_identity,
    first_entry,
    moved_entry,
    sharing_id,
)
from ..core.journal import Journal, Locks, recover, snapshot
from ..core.resources import resource
from ..core.schema import Schema, default_schema, schema_for
from ..core.session import EditSession
from ..core.spelling import Speller
from ..core.storage import ConflictError, ReadOnlyError
from .actions import browser_menu, fill_recent, make_actions, make_menus
from .answer_editor import AnswerEditor
from .collection_panel import CollectionPanel
from .error_view import ErrorView
from .form import FormPanel
from .git_panel import GitController
from .handles import HANDLE_WIDTH, LineHandle, style_separators
from .icons import app_icon
from .inline_note import InlineNote
from .preview import PreviewPane
from .problems_panel import ProblemsPanel
from .settings import Settings

if TYPE_CHECKING:  # (for the annotations only: neither these modules nor these Qt types load at start-up)
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QAction, QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QDialog, QMenu

    from ..core.checks import Problem
    from ..core.journal import JournalItem
    from ..core.merge import Conflict
    from ..core.plan import FileChange, Plan
    from .focus_undo import FocusUndo


def show_error(parent: QWidget, title: str, error: Exception) -> None:
    from .dialogs import show_error as show  # dialogs load on first use, not at start-up

    show(parent, title, error)


FOLLOW_LINK = "qteditor-follow:"  # the notice's link that follows a moved entry


def _pane(title: str | QLabel, widget: QWidget, extra: QWidget | None = None) -> QWidget:
    """A titled pane: a small caption (a title, or the label that shows it) above the widget."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    head = QWidget()
    head.setObjectName("paneHeader")
    h = QVBoxLayout(head)
    h.setContentsMargins(10, 6, 10, 6)
    label = QLabel(title) if isinstance(title, str) else title
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
        self.setHandleWidth(HANDLE_WIDTH)

    def createHandle(self) -> QSplitterHandle:  # noqa: N802 - Qt override
        return LineHandle(self.orientation(), self)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if not self.settled and self.width() > 300 and self.count() == len(self.proportions):
            self.settled = True
            total = self.width() - self.handleWidth() * (self.count() - 1)
            self.setSizes([round(total * p) for p in self.proportions])


def _as_text(value: str) -> str:
    """``value`` (a file name, an error) shown as text in the rich-text notice. html is
    imported here, when a notice needs it, not with the window: start-up never pays for it."""
    from html import escape

    return escape(value)


class MainWindow(QMainWindow):
    PAINT_FALLBACK_MS = 250  # deferred work runs by then even if the window never paints
    BROWSER_WIDTH = 350  # the browser's width once a folder is open (title, subject, date)

    # set on the window at run time (declared here for the type checker; no value until then):
    # actions.py's make_actions and make_menus, in __init__
    act_new: QAction
    act_open: QAction
    act_open_folder: QAction
    act_save: QAction
    act_save_as: QAction
    act_revert: QAction
    act_review: QAction
    act_export: QAction
    act_close: QAction
    act_quit: QAction
    act_undo: QAction
    act_redo: QAction
    focus_undo: FocusUndo  # what Undo and Redo act on: the focused field
    act_find: QAction
    act_replace: QAction
    act_find_next: QAction
    act_find_previous: QAction
    act_goto: QAction
    act_batch: QAction
    act_refresh: QAction
    act_sync: QAction
    act_wrap: QAction
    act_about: QAction  # its dialog is shown by help.py
    act_collection: QAction  # the docks' own toggle actions
    act_problems: QAction
    recent_menu: QMenu
    git_menu: QMenu
    help_menu: QMenu  # filled by help.py after the first paint
    # help.py's build_help_menu, once the window has painted
    act_guide: QAction
    act_shortcuts: QAction
    act_sysinfo: QAction
    help_dialogs: dict[str, QDialog]  # the Help menu's dialogs, by name, while open

    def __init__(
        self,
        settings: Settings | None = None,
        schema: Schema | None = None,
        speller: Speller | None = None,
        journal: Journal | None = None,
        locks: Locks | None = None,
    ):
        super().__init__()
        self.settings = settings or Settings()
        self.journal = journal or Journal()
        self.locks = locks or Locks()
        self._token = os.urandom(16).hex()  # names the journal of a new, never saved entry
        self._locked_path: str | None = None
        self.file_missing = False
        # the open file as it was read: (device, inode, when), to know it again when moved
        self._opened_file: tuple[int, int, float] | None = None
        # the entries that had its id beside it while it was there: never where it went
        self._twins: frozenset[str] = frozenset()
        self.schema = schema or default_schema()
        self.session: EditSession | None = None
        self.collection: Path | None = None
        self.slug_rule = slugs.COLLECTION
        self._painted = False
        self._paint_waited = False
        self._after_paint: list[Callable[[], object]] = []  # work that waits until the window is on screen
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)

        self.form = FormPanel(self.schema, later=self.after_first_paint)
        self.after_first_paint(lambda: style_separators(self))  # the browser's edge, findable
        self.editor = AnswerEditor(speller)
        self.editor.set_font_size(self.settings.get("editor/font_size"))
        self.preview = PreviewPane(self.settings.get("preview/delay_ms"))
        self.ambiguity_label = QLabel()
        self.ambiguity_label.setStyleSheet("color: #9a6700; font-size: 9pt;")
        self.ambiguity_label.setWordWrap(True)  # never widens the pane
        self.ambiguity_label.hide()
        self.splitter = ProportionalSplitter([0.38, 0.31, 0.31])
        self.similar_note = InlineNote("Open it")
        self.splitter.addWidget(_pane("Fields", self.form, self.similar_note))
        self.text_title = QLabel(self.schema.text_label)  # "Answer", or the schema's own ("Body")
        self.splitter.addWidget(_pane(self.text_title, self.editor, self.ambiguity_label))
        self.splitter.addWidget(_pane("Preview", self.preview))
        self.splitter.setChildrenCollapsible(False)
        self.error_view = ErrorView()
        self.empty = QLabel(
            "Open an entry or a folder of entries\n\n"
            "File ▸ New Entry (Ctrl+N) · File ▸ Open… (Ctrl+O) · "
            "File ▸ Open Folder… (Ctrl+Shift+O)"
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: palette(placeholder-text); font-size: 12pt;")
        self.stack = QStackedWidget()
        for w in (self.empty, self.splitter, self.error_view):
            self.stack.addWidget(w)
        self.notice = QLabel()  # one line above the panes: this file's state
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("background: #fff8c5; color: #3b2300; padding: 4px 10px;")
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.notice)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.collection_panel = CollectionPanel()
        self.collection_dock = self._dock(
            "Collection",
            "collectionDock",
            self.collection_panel,
            Qt.DockWidgetArea.LeftDockWidgetArea,
            300,
            Qt.Orientation.Horizontal,
        )
        self.problems_panel = ProblemsPanel()
        self.problems_panel.can_fix_all = self._can_fix_all
        self.problems_dock = self._dock(
            "Problems",
            "problemsDock",
            self.problems_panel,
            Qt.DockWidgetArea.BottomDockWidgetArea,
            60,
            Qt.Orientation.Vertical,
        )

        self.path_label = QLabel()
        self.stats_label = QLabel()
        self.position_label = QLabel()
        # a fixed size: a new position never relayouts the status bar (it did on every key)
        metrics = self.position_label.fontMetrics()
        self.position_label.setFixedSize(
            metrics.horizontalAdvance("Ln 000000, Col 00000") + 8, metrics.height() + 4
        )
        self.render_label = QLabel()
        for w in (self.stats_label, self.position_label, self.render_label):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addWidget(self.path_label, 1)

        self.watcher = QFileSystemWatcher(self)
        self._journal_timer = QTimer(self, singleShot=True, interval=2000)
        self._duplicate_timer = QTimer(self, singleShot=True, interval=400)
        self._problems_timer = QTimer(self, singleShot=True, interval=350)  # after typing pauses

        self.git = GitController(self)  # the Git column, menu and notices (git_panel.py)
        make_actions(self)
        make_menus(self)
        self._connect()
        self._restore()
        self._update_title()

    def _dock(
        self,
        title: str,
        name: str,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        size: int,
        orientation: Qt.Orientation,
    ) -> QDockWidget:
        """A closable, movable dock (named, so its place is restored) at its first size."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(area, dock)
        self.resizeDocks([dock], [size], orientation)
        return dock

    def _connect(self) -> None:
        """Every connection of the window, in one place."""
        self._connect_form()
        self.editor.textEdited.connect(self.on_answer_edited)
        self.editor.statsChanged.connect(self.on_stats)
        self.editor.marksChanged.connect(self._update_ambiguity_label)  # after a pause in typing
        self.editor.edit.cursorPositionChanged.connect(self.on_cursor)
        self.editor.edit.verticalScrollBar().valueChanged.connect(self.on_editor_scrolled)
        self.preview.rendered.connect(lambda s: self.render_label.setText(f"preview {s * 1000:.0f} ms"))
        self.collection_panel.openRequested.connect(self.open_path)
        self.collection_panel.indexed.connect(self.on_indexed)
        self.collection_panel.rowsShown.connect(self.on_rows_shown)
        self.collection_panel.rowsRead.connect(self.on_rows_read)
        self._journal_timer.timeout.connect(self.write_journal)
        self._duplicate_timer.timeout.connect(self.check_duplicate)
        self._problems_timer.timeout.connect(self._show_problems)
        self.notice.linkActivated.connect(self._notice_link)
        self.similar_note.activated.connect(self.open_path)
        self.watcher.fileChanged.connect(  # (the window as context: no call once it is gone)
            lambda path: QTimer.singleShot(150, self, lambda: self.on_outside_change(path))
        )
        self.problems_panel.activated.connect(self.jump_to_problem)
        self.problems_panel.fixRequested.connect(self.fix_problem)
        self.problems_panel.fixAllRequested.connect(self.fix_all)
        self.problems_panel.heightWanted.connect(
            lambda h: self.resizeDocks([self.problems_dock], [h], Qt.Orientation.Vertical)
        )
        self.collection_panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.collection_panel.table.customContextMenuRequested.connect(lambda pos: browser_menu(self, pos))
        self.error_view.save_button.clicked.connect(self.save_raw)

    def _connect_form(self) -> None:
        form = self.form
        form.fieldEdited.connect(self.on_field_edited)
        form.relatedEdited.connect(self.on_related_edited)
        form.lockToggled.connect(self.on_lock_toggled)
        form.regenerateRequested.connect(self.regenerate)
        form.titlesLinkToggled.connect(self.on_titles_link)
        if form.related is not None:
            form.related.pickRequested.connect(self.pick_related)
            form.related.refreshRequested.connect(self.refresh_related)

    def use_schema(self, schema: Schema) -> None:
        """Show entries by another schema (a collection's own ``.qteditor/schema.yaml``): the
        form is built again from it."""
        if schema is self.schema:
            return
        self.schema = schema
        self.text_title.setText(schema.text_label)
        old, self.form = self.form, FormPanel(schema, later=self.after_first_paint)
        holder = old.parentWidget()
        layout = holder.layout() if holder is not None else None
        assert layout is not None  # the form sits in its pane's layout (_pane)
        layout.replaceWidget(old, self.form)
        old.hide()
        old.deleteLater()
        self._connect_form()
        if self.collection_panel.subjects:
            self.form.set_subjects(self.collection_panel.subjects)

    # ------------------------------------------------------------------ state
    def _restore(self) -> None:
        geometry = self.settings.get("window/geometry")
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.fit_first_size()
        state = self.settings.get("window/state")
        self._dock_placed = bool(state)  # the user's own layout is kept as it was
        if state:
            self.restoreState(QByteArray(state))
        self.set_wrap(self.act_wrap.isChecked())
        saved = [int(v) for v in self.settings.get("window/splitter")]
        if len(saved) == 3 and all(v > 0 for v in saved):
            self.splitter.setSizes(saved)
            self.splitter.settled = True

    FRAME_ALLOWANCE = (16, 48)  # the window manager's frame and title bar, before they are known

    def fit_first_size(self) -> None:
        """The first window (no saved geometry): 1280×800 or the screen's available area less
        the frame and title bar, whichever is smaller, at the area's top left — so the status
        bar is on screen on a 1280×800 display."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        fw, fh = self.FRAME_ALLOWANCE
        self.resize(min(1280, area.width() - fw), min(800, area.height() - fh))
        self.move(area.left() + fw // 2, area.top())

    def _store(self) -> None:
        # QByteArray has the buffer protocol; its stub declares neither __bytes__ nor __buffer__
        self.settings.set("window/geometry", bytes(self.saveGeometry()))  # type: ignore[call-overload]
        self.settings.set("window/state", bytes(self.saveState()))  # type: ignore[call-overload]
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
        for act in (self.act_save, self.act_save_as, self.act_review, self.act_export, self.act_close):
            act.setEnabled(has)
        # the answer's find bar and Go to Line: with no entry shown, they would take the keys
        # into the hidden editor
        for act in (
            self.act_find,
            self.act_replace,
            self.act_find_next,
            self.act_find_previous,
            self.act_goto,
        ):
            act.setEnabled(has)
        self.act_revert.setEnabled(dirty and s is not None and s.path is not None)

    # ------------------------------------------------------------------ edits
    def on_field_edited(self, path: tuple, value: object) -> None:
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
        self.form.refresh(self.session.set_locked(locked))
        self._changed()

    def on_titles_link(self, linked: bool) -> None:
        if self.session is not None:
            self.session.set_titles_linked(linked)

    def on_answer_edited(self, text: str) -> None:
        if self.session is None:
            return
        self.session.set_text(text)  # the schema's Markdown field, or the body
        self._changed()

    def _changed(self) -> None:
        assert self.session is not None  # called after an edit of the open entry
        self._update_title()
        self.preview.schedule(self.session.fields, self.session.text())
        self._journal_timer.start()  # journaled a little after typing stops
        self._problems_timer.start()  # the Problems panel follows the edit

    def _update_ambiguity_label(self, n: int) -> None:
        self.ambiguity_label.setVisible(n > 0)
        self.ambiguity_label.setText(
            f"⚠ {n} ambiguous line break{'s' if n != 1 else ''} underlined: hover for details" if n else ""
        )
        self.ambiguity_label.setToolTip(
            "The site reads every \\n in the stored answer as a line "
            "break, also inside \\neq, \\nabla, \\nu …"
        )

    def on_stats(self, words: int, minutes: int) -> None:
        self.stats_label.setText(f"{words:,} words · {minutes} min read")

    def on_cursor(self) -> None:
        cur = self.editor.edit.textCursor()
        self.position_label.setText(f"Ln {cur.blockNumber() + 1}, Col {cur.positionInBlock() + 1}")

    def on_editor_scrolled(self, value: int) -> None:
        if self.act_sync.isChecked():
            bar = self.editor.edit.verticalScrollBar()
            self.preview.sync_to(value / bar.maximum() if bar.maximum() else 0.0)

    def refresh_preview(self) -> None:
        if self.session is not None:
            self.preview.schedule(self.session.fields, self.session.text(), now=True)

    def set_wrap(self, on: bool) -> None:
        self.editor.edit.setLineWrapMode(
            QPlainTextEdit.LineWrapMode.WidgetWidth if on else QPlainTextEdit.LineWrapMode.NoWrap
        )

    # ------------------------------------------------------------------ documents
    def show_session(self, session: EditSession) -> None:
        self._release_lock()
        self.use_schema(session.entry.schema)  # the form of the entry's own schema
        self.session = session
        self.file_missing = False
        self._opened_file = file_identity(session.path)
        self._note_twins()
        self._watch(session.path)
        notice = self.locks.acquire(session.path) if session.path else None
        self._locked_path = session.path if notice is None else None
        self.show_notice(notice)
        self.similar_note.show_note(None)  # the last new entry's warning is not this one's
        self.form.load(session)
        self._order_tabs()
        self.editor.set_text(session.text(), session.text_convention())
        self.stack.setCurrentWidget(self.splitter)
        if self._painted:
            self.preview.schedule(session.fields, session.text())
        else:  # the renderer loads after the first frame, however long that takes

            def preview() -> None:
                if self.session is not None:
                    self.preview.schedule(self.session.fields, self.session.text())

            self.after_first_paint(preview)
        self._update_title()
        self.collection_panel.select_path(session.path)
        if self._painted:
            self._show_problems()
        else:  # the checks load after the first frame
            self.problems_panel.show_problems([], "Checking…")
            self.after_first_paint(self._show_problems)

    def _order_tabs(self) -> None:
        """Tab from the form's last field goes into the answer (then its find bar), as laid out."""
        stops = self.form.tab_stops()[-1:] + self.editor.tab_stops()
        for a, b in zip(stops, stops[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def open_path(self, path: str) -> bool:
        p = Path(path)
        if p.is_dir():
            return self.open_folder(p)
        if self.git.is_conflicted(p):  # a merge left it in conflict: the resolver first
            return self.git.open_conflicted(str(p))
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
            self._release_lock()  # (the last entry's: it is no longer open here)
            self.session = None
            self._watch(str(path))  # corrected on disk meanwhile: opened then
            readable = True
            try:
                raw = storage.read_file(str(path))  # never a FIFO, a device or a huge file
            except QtEditorError:
                raw, readable = b"", False
            self.error_view.show_error(exc, raw, path, readable)
            self.stack.setCurrentWidget(self.error_view)
            self._clear_entry_panels(str(exc))
            self._update_title()
            self.path_label.setText(str(exc))
            return False
        self.show_session(session)
        self._fill_recent_with(str(path))
        return True

    def _fill_recent_with(self, path: str, replacing: str | None = None) -> None:
        self.settings.add_recent(path, replacing)
        fill_recent(self)

    def _set_collection(self, folder: Path, open_first: bool = True) -> None:
        self.collection = collection_for_folder(folder)
        self.use_schema(schema_for(self.collection / "entry.md"))
        self.settings.set("files/last_collection", str(folder))
        self.collection_panel.announce(self.collection)
        if not self._dock_placed:  # first folder, default layout: room for Subject and Date
            self._dock_placed = True
            self.resizeDocks([self.collection_dock], [self.BROWSER_WIDTH], Qt.Orientation.Horizontal)
        self.after_first_paint(self._scan_collection)
        if open_first and self.session is None:
            first = first_entry(self.collection)
            if first is not None:
                self.open_file(first)

    def _scan_collection(self) -> None:
        if self.collection is not None:
            self.collection_panel.set_folder(self.collection)

    def on_rows_shown(self) -> None:
        """The collection's entries are listed: its slug rule (inferred from its files, or its
        settings') is known before any check runs, for new entries too."""
        self.slug_rule = self.collection_panel.slug_rule or slugs.COLLECTION
        if self.session is not None:
            self.session.slug_rule = self.slug_rule
        self.collection_panel.select_path(self.session.path if self.session else None)

    def on_rows_read(self, _count: int) -> None:
        """Rows read so far of a collection being indexed: the open entry's row is selected
        once it is among them (the user's selection, when there is one, is kept)."""
        panel = self.collection_panel
        if self.session is not None and not panel.table.selectionModel().hasSelection():
            panel.select_path(self.session.path)

    def on_indexed(self) -> None:
        panel = self.collection_panel
        s = self.session
        if self.file_missing and s is not None and s.path is not None and Path(s.path).exists():
            self.on_outside_change(s.path)  # back under its name (a checkout back): as it is now
        elif self.file_missing:  # the open file went: perhaps the index has it under a new name
            self.look_for_move()
        else:
            self._note_twins(keep=True)
        panel.select_path(self.session.path if self.session else None)
        self.form.set_subjects(panel.subjects)
        self.slug_rule = panel.slug_rule or slugs.COLLECTION  # the workspace's, before checks
        if self.session is not None:
            self.session.slug_rule = self.slug_rule
        self._show_problems()

    def _session_in_collection(self) -> bool:
        ws = self.collection_panel.workspace
        return self.session is not None and ws is not None and ws.contains(self.session)

    def current_problems(self) -> list:
        """The open entry's problems as it is now in the editor (saved or not), against the
        collection it is in (or alone)."""
        s = self.session
        if s is None:
            return []
        panel = self.collection_panel
        if panel.workspace is None:
            return s.problems(slug_rule=self.slug_rule)
        return panel.workspace.problems_of(s, panel.context, self.slug_rule)

    def _show_problems(self) -> None:
        problems = self.current_problems()
        self.problems_panel.show_problems(problems)
        self.problems_dock.setWindowTitle(f"Problems ({len(problems)})" if problems else "Problems")

    def _clear_entry_panels(self, why: str = "") -> None:
        """Nothing of the previous entry stays shown when what opens is not an entry."""
        self.problems_panel.show_problems(
            [], "No entry open." if not why else "This file is not an entry: its error is shown above."
        )
        self.problems_dock.setWindowTitle("Problems")
        self.stats_label.setText("")
        self.position_label.setText("")
        self.ambiguity_label.hide()
        self.show_notice(None)

    def _can_fix_all(self, problem: Problem) -> bool:
        from ..core.checks import fixable

        return (
            fixable(problem.rule)
            and self.collection_panel.workspace is not None
            and self._session_in_collection()
        )

    def fix_problem(self, problem: Problem) -> bool:
        """Apply one problem's fix to the open entry (saved with the next Save)."""
        s = self.session
        if s is None or problem.fix is None:
            return False
        s.apply_patch(problem.fix)
        self.form.load(s)
        self._changed()
        self._show_problems()
        return True

    def fix_all(self, rule: str, apply: Callable[[list[FileChange]], bool] | None = None) -> int:
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

    def _apply_plan(
        self, title: str, plan: Plan, apply: Callable[[list[FileChange]], bool] | None = None
    ) -> int:
        from PySide6.QtWidgets import QMessageBox

        from .dialogs import BatchDialog

        ws = self.collection_panel.workspace
        changes = plan.changes
        if (
            self.session is not None
            and self.session.dirty
            and any(str(c.path) == self.session.path for c in plan.writes)
        ):
            show_error(self, title, QtEditorError("save or revert the open entry first", self.session.path))
            return 0
        ok = apply(changes) if apply else BatchDialog(title, changes, self).exec()
        if not ok:
            return 0
        from ..core.plan import apply as apply_plan

        result = ws.apply(plan) if ws is not None else apply_plan(plan)
        locked = result.refused
        if locked:  # read-only or hard-linked files: written only when the user says so
            answer = QMessageBox.question(
                self,
                title,
                f"{len(locked)} file(s) are read-only or have other names (hard links). Write them anyway?",
            )
            result.forget(locked)  # the user's answer, not an error
            if answer == QMessageBox.StandardButton.Yes:
                again = plan.only(locked)
                result.merge(ws.apply(again, force=True) if ws is not None else apply_plan(again, True))
            else:  # say what was left
                self.statusBar().showMessage(f"{len(locked)} read-only file(s) left unchanged", 8000)
        for exc in result.errors[:1]:
            show_error(self, title, exc)
        if (
            self.session is not None
            and self.session.path
            and any(str(p) == self.session.path for p in result.written)
        ):
            self.on_outside_change(self.session.path)
        self.collection_panel.files_written()
        written = len(result.written)
        self.statusBar().showMessage(f"{written} file(s) changed", 5000)
        return written

    def batch_set(
        self,
        paths: list[str],
        assignment: str | None = None,
        apply: Callable[[list[FileChange]], bool] | None = None,
    ) -> int:
        """Set one field (dotted keys, the field's type kept) on many entries, after a diff:
        the field is picked from the schema and typed in its own editor."""
        if not paths:
            self.statusBar().showMessage("Select the entries to change in the browser first", 5000)
            return 0
        if assignment is None:
            from .batch_dialog import BatchEditDialog

            dialog = BatchEditDialog(self.schema, len(paths), self.collection_panel.subjects, self)
            if not dialog.exec():
                return 0
            assignment = dialog.assignment()
        ws = self.collection_panel.workspace
        files = [Path(p) for p in paths]
        if ws is not None:
            plan = ws.plan_batch([assignment], files)
        else:
            from ..core.fixes import plan_assignments

            plan = plan_assignments(files, [assignment], lambda p: Path(p).name)
        return self._apply_plan(f"Set {assignment.split('=', 1)[0]}", plan, apply)

    def jump_to_problem(self, problem: Problem) -> None:
        """Show a problem's field: its widget in the form (a related article's row in the
        table), the answer editor for the answer."""
        field = getattr(problem, "field", None)
        if not field:
            return
        if field.split(".")[0] in self.session.entry.conventions if self.session else False:
            self.editor.edit.setFocus()
            return
        parts = tuple(field.split("."))
        widget = self.form.widget_for(parts) or self.form.widget_for(parts[:1])
        related = self.form.related
        if widget is None and related is not None and parts[0].startswith(related.family.prefix):
            widget = related.table
            number = parts[0][len(related.family.prefix) :]
            if number.isdecimal() and int(number) - 1 < widget.rowCount():
                widget.selectRow(int(number) - 1)
        if widget is not None:
            self.form.ensureWidgetVisible(widget)
            widget.setFocus()

    def open_folder(self, folder: Path) -> bool:
        if not self.maybe_save():
            return False
        s = self.session
        if s is not None:
            target = collection_for_folder(folder).resolve()
            if s.path is not None:
                inside = Path(s.path).resolve().is_relative_to(target)
            else:
                inside = s.collection is not None and Path(s.collection).resolve() == target
            if not inside or (s.dirty and s.path is None):
                self._drop_session()  # another folder's entry (or a discarded new one): its first opens
            elif s.dirty:  # the user chose Discard: the edits go, the entry stays
                try:
                    s.revert()
                except QtEditorError:  # gone or unreadable on disk now: nothing to show
                    self._drop_session()
                else:
                    self.show_session(s)
        self._set_collection(folder, open_first=True)
        return True

    def _drop_session(self) -> None:
        """Stop showing the open entry (the user was asked about its edits)."""
        self._release_lock()
        self._watch(None)
        self.session = None
        self.stack.setCurrentWidget(self.empty)
        self._clear_entry_panels()
        self.collection_panel.select_path(None)
        self._update_title()

    def open_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = str(self.collection or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open entry", start, "Entries (*.md);;All files (*)")
        if path:
            self.open_file(Path(path))

    def open_folder_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(
            self, "Open collection folder", str(self.collection or Path.home())
        )
        if folder:
            self.open_folder(Path(folder))

    def new_entry(self) -> None:
        if not self.maybe_save():
            return
        from ..core.workspace import new_entry_fields

        current = self.session.fields if self.session is not None else None
        panel = self.collection_panel
        if panel.workspace is not None:  # the id from the index once its rows are listed
            defaults, next_id = panel.workspace.new_entry_fields(current, listed=bool(panel.model.rows))
        else:
            defaults, next_id = new_entry_fields(current, self.collection)
        session = EditSession.new(self.schema, self.collection, next_id, defaults, self.slug_rule)
        self.show_session(session)
        first = self.form.first_widget()
        if first is not None:
            first.setFocus()
            if hasattr(first, "selectAll"):
                first.selectAll()

    def ask_force(self, exc: ReadOnlyError) -> bool:
        """A read-only or hard-linked file: ask before writing it anyway."""
        from PySide6.QtWidgets import QMessageBox

        if exc.reason == "hard-links":
            text = (
                f"This file has {exc.links} hard links (other names for the same file). "
                "Save anyway? It is written in place, so every name sees the change."
            )
        else:
            text = "This file is read-only. Save anyway?"
        answer = QMessageBox.question(self, "Save anyway?", text)
        return answer == QMessageBox.StandardButton.Yes

    def _not_saved(self, exc: ReadOnlyError) -> None:
        """A save the user did not force: what is wrong, and what can be done instead."""
        from .advice import read_only_advice

        self.statusBar().showMessage(f"Not saved: {exc.message}. {read_only_advice(exc, save=True)}", 15000)

    def save(self, force: bool = False) -> bool:
        s = self.session
        if s is None:
            return False
        if s.path is None:
            return self.save_as()
        if not s.dirty and not os.path.exists(s.path):  # nothing to write, and no file: no save
            self.on_outside_change(s.path)
            self.statusBar().showMessage(
                "Not saved: the file was deleted or moved. Use Save As to write it somewhere.", 8000
            )
            return False
        try:
            s.save(force=force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self.save(force=True)
            self._not_saved(exc)
            return False
        except ConflictError:
            assert s.path is not None  # (a new entry has no file to have changed)
            in_conflict = self._save_in_conflict(s, force)
            if in_conflict is not None:  # a merge or rebase stopped on it: not an outside edit
                return in_conflict
            # someone else changed the file: merge their version in, then let the user save
            outcome = self.on_outside_change(s.path)
            words = {
                "merged": "The file had changed on disk: its changes are merged with your edits. "
                "Review and save again.",
                "conflicts": "The file had changed on disk: merged with your edits (as you chose "
                "for the fields both changed). Review and save again.",
                "reloaded": "The file had changed on disk: reloaded; there was nothing of yours to save.",
                "unreadable": "Not saved: the file changed on disk and cannot be read now (the "
                "notice says why); your edits are kept here.",
                "gone": "Not saved: the file was deleted or moved. Use Save As to write it somewhere.",
            }
            self.statusBar().showMessage(words.get(outcome or "merged", words["merged"]), 8000)
            return False
        except QtEditorError as exc:
            show_error(self, "Not saved", exc)
            return False
        self._saved()
        return True

    def _save_in_conflict(self, s: EditSession, force: bool) -> bool | None:
        """Save found the file changed on disk, and it holds git's conflict markers: a merge or
        rebase stopped on it (it is not someone's edit to merge with). Said as it is, with the
        choice: the resolver (the edits here stay, on top of the resolution), saving over the
        markers on purpose, or neither (nothing written, the edits kept). None: no markers."""
        from ..core.git import conflict_markers

        assert s.path is not None
        try:
            disk = storage.read_file(s.path)
        except (OSError, QtEditorError):
            return None
        line = conflict_markers(disk)
        if line is None:
            return None
        name = Path(s.path).name
        choice = self._ask_conflict_save(name, line, self.git.in_conflict(s.path))
        if choice == "resolve":
            self.git.resolve_entry(s.path)  # then the session merges the resolution (outside change)
            return False
        if choice == "over":
            return self._save_over(s, disk, force)
        self.show_notice(
            f"{_as_text(name)} is in a git conflict (its conflict markers start at line {line}): "
            "nothing was saved, and your edits are kept here. Resolve it (Git ▸ Resolve Conflicts…), or save "
            "over it on purpose."
        )
        self.statusBar().showMessage(
            f"Not saved: {name} is in a git conflict (markers at line {line}); your edits are kept", 10000
        )
        return False

    def _ask_conflict_save(self, name: str, line: int, resolvable: bool) -> str:
        """ "resolve", "over" or "cancel" (the default, and Escape)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("The file is in a git conflict")
        box.setText(
            f"{name} is in a git conflict: a merge or rebase stopped on it, and the file on disk "
            f"holds its conflict markers (from line {line}). Nothing was saved; your edits are kept."
        )
        box.setInformativeText(
            (
                "Resolve Conflicts… chooses field by field; your unsaved edits stay on top. "
                if resolvable
                else ""
            )
            + "Save Over It writes your version over the file and its markers"
            + (" (git lists the file as in conflict until it is staged)." if resolvable else ".")
        )
        resolve = (
            box.addButton("Resolve Conflicts…", QMessageBox.ButtonRole.AcceptRole) if resolvable else None
        )
        over = box.addButton("Save Over It", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        if resolve is not None and clicked is resolve:
            return "resolve"
        return "over" if clicked is over else "cancel"

    def _save_over(self, s: EditSession, disk: bytes, force: bool) -> bool:
        """Write the entry as edited here over the conflicted file, only if it still holds the
        bytes the writer was told about (the markers): a file changed again is not replaced."""
        assert s.path is not None
        raw = s.current_bytes()
        try:
            storage.write_atomic(s.path, raw, storage.digest(disk), force=force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self._save_over(s, disk, True)
            self._not_saved(exc)
            return False
        except ConflictError:
            self.statusBar().showMessage("Not saved: the file changed again meanwhile; save again", 8000)
            return False
        except QtEditorError as exc:
            show_error(self, "Not saved", exc)
            return False
        s.reload(Entry.from_bytes(raw, s.path, s.entry.schema))
        self._saved()
        self.show_notice(None)
        listed = self.git.in_conflict(s.path)
        self.statusBar().showMessage(
            f"Saved over the conflict markers in {Path(s.path).name}"
            + (
                ": git lists it as in conflict until it is staged (Git ▸ Resolve Conflicts…, or git add)"
                if listed
                else ""
            ),
            12000,
        )
        return True

    def save_as(self) -> bool:
        from PySide6.QtWidgets import QFileDialog

        s = self.session
        if s is None:
            return False
        suggestion = s.default_path() or Path(self.collection or Path.home()) / str(
            s.fields.get("file_name") or "untitled.md"
        )
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
                    self._not_saved(exc)
                    return False
                force = True
            except QtEditorError as exc:
                show_error(self, "Not saved", exc)
                return False
        self._fill_recent_with(path)
        self._saved()
        return True

    def _saved(self) -> None:
        assert self.session is not None and self.session.path is not None  # saved: open, with its file
        self.journal.remove(self.session.path)
        self.journal.remove(None, self._token)
        self.file_missing = False
        self._watch(self.session.path)
        if self._locked_path != self.session.path:
            self._release_lock()
            if self.locks.acquire(self.session.path) is None:
                self._locked_path = self.session.path
        self.form.load(self.session)
        self._order_tabs()
        # a save ends the undo step being typed: the next undo takes back only what is typed
        # after it (the text document merges typing into one step while it is modified)
        self.editor.edit.document().setModified(False)
        self.form.end_undo_steps()
        if self.collection is not None and self.collection in Path(self.session.path).resolve().parents:
            self.collection_panel.files_written()
        self._update_title()
        self.statusBar().showMessage("Saved", 3000)

    def revert(self) -> None:
        from PySide6.QtWidgets import QMessageBox

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

        dialog = ReviewChangesDialog(
            old, new if new != old else None, name, self, self.git.committed_bytes(s.path), s.entry.schema
        )
        if dialog.exec() and dialog.diff:
            self.save()

    def export_html(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        s = self.session
        if s is None:
            return
        stem = Path(str(s.fields.get("file_name") or "entry")).stem
        path, _ = QFileDialog.getSaveFileName(
            self, "Export HTML", str(Path.home() / f"{stem}.html"), "HTML (*.html)"
        )
        if path:
            from ..core.page import check_export_target, page_html
            from ..core.render import render_markdown

            try:
                check_export_target(path, s.path)  # never over the entry, nor another entry
                page = page_html(s.fields, render_markdown(s.text()))
                storage.write_atomic(path, page.encode("utf-8"))
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
        ws = self.collection_panel.workspace
        root = self.collection_panel.root
        if s is None or not s.is_new or ws is None or root is None:
            return None
        found = ws.near_duplicates(str(s.fields.get("title") or ""))
        if not found:
            self.similar_note.show_note(None)
            return None
        path, other = found[0]
        full = str(root / path)
        self.similar_note.show_note(f"A similar question exists: “{other}” ({path}).", full)
        return full

    def pick_related(self) -> None:
        from .dialogs import PickerDialog

        s = self.session
        panel = self.collection_panel
        related = self.form.related
        assert related is not None  # asked by the related editor (its Pick… button)
        ws = panel.workspace
        if s is None or panel.collection is None or ws is None:
            self.statusBar().showMessage("Open the collection folder to pick related articles", 5000)
            return
        listed = {v.get(related.family.link) for v in related.items()}
        own = panel.rel_path(s.path) if s.path else None
        paths, exclude = ws.related_candidates(s.fields, listed, own)
        by_path = {r.path: r for r in panel.records}
        suggestions = [by_path[p] for p in paths if p in by_path]
        dialog = PickerDialog(panel.collection, by_path, suggestions, exclude, self)
        record = dialog.pick()
        if record is not None:
            related.add(related.family.snapshot(record.fields))

    def refresh_related(self) -> None:
        """Refresh stale snapshots: id, title and subject from the entries they point to."""
        s = self.session
        ws = self.collection_panel.workspace
        related = self.form.related
        assert related is not None  # asked by the related editor (its Refresh button)
        if s is None or ws is None:
            return
        from ..core.related import related_items

        fields, changed = ws.refresh_related(s.fields, self.collection_panel.context)
        if changed:
            related.change_to([dict(v) for _k, v in related_items(fields, related.family)])
        self.statusBar().showMessage(f"{changed} snapshot value(s) refreshed", 4000)

    def offer_rename(self, force: bool = False) -> bool:
        """When the slug or subject moved the entry: move the file and update every inbound
        link in one confirmed operation (the workspace's plan)."""
        from PySide6.QtWidgets import QMessageBox

        s = self.session
        ws = self.collection_panel.workspace
        root = self.collection_panel.root
        if s is None or s.path is None or ws is None or root is None:
            return False
        try:
            rp = ws.plan_rename(s.path, s.fields)
        except QtEditorError as exc:
            show_error(self, "Not renamed", exc)
            return False
        if rp is None:
            return False
        where = rp.new_path.relative_to(root) if rp.moves else Path(s.path).name
        links = "\n".join(f"  • {p.relative_to(root)}" for p, _ in rp.inbound[:12])
        more = f"\n  … and {len(rp.inbound) - 12} more" if len(rp.inbound) > 12 else ""
        if not force:
            answer = QMessageBox.question(
                self,
                "Rename entry",
                f"Move the entry to {where} (url {rp.new_url}) and update "
                f"{len(rp.inbound)} file(s) that link to it?\n{links}{more}",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            ws.apply_rename(rp, force=force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self.offer_rename(force=True)
            show_error(self, "Not renamed", exc)
            return False
        except QtEditorError as exc:
            show_error(self, "Not renamed", exc)
            return False
        self.journal.remove(s.path)
        s.mark_saved()  # written by the rename: nothing to ask about
        self.open_file(rp.new_path)
        self.collection_panel.files_written()
        self.statusBar().showMessage(f"Renamed; {len(rp.inbound)} inbound link(s) updated", 6000)
        return True

    def close_document(self) -> bool:
        if not self.maybe_save():
            return False
        self._drop_session()  # nothing of it stays: its problems, word count, browser row
        return True

    def maybe_save(self) -> bool:
        """Ask before unsaved work is dropped. True when it is fine to go on."""
        s = self.session
        if s is None or not s.dirty:
            return True  # (every open asks: QMessageBox loads only for a question)
        from PySide6.QtWidgets import QMessageBox

        name = Path(s.path).name if s.path else "the new entry"
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"Save your changes to {name}?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.journal.remove(s.path)
            self.journal.remove(None, self._token)
            return True
        return False

    def after_first_paint(self, work: Callable[[], object]) -> None:
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

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._flush_after_paint)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
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
        from ..core.entry import write_corrected

        view = self.error_view
        if view.path is None:
            return False
        try:
            write_corrected(view.path, view.text.toPlainText(), view.raw, force)
        except ReadOnlyError as exc:
            if not force and self.ask_force(exc):
                return self.save_raw(force=True)
            from .advice import error_text

            view.message.setText(f"Not saved.\n{error_text(exc)}")
            return False
        except ConflictError:
            view.message.setText(
                "Not saved: the file changed on disk since it was shown; your "
                "text is kept here. Open the file again to see its new text."
            )
            return False
        except QtEditorError as exc:
            view.message.setText(f"Not saved: the text still does not read as an entry.\n{exc}")
            view.mark(exc)
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
        self.journal.write(
            s.path,
            s.entry.digest if s.path else None,
            content,
            self._token,
            base=s.entry.raw if s.path else None,
        )
        return True

    def offer_recovery(self, choose: Callable[[JournalItem, bytes], str] | None = None) -> int:
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
                    entry = Entry.from_bytes(disk, item.path, schema_for(item.path))
                    content = recover(item, entry).content
                except QtEditorError:
                    pass  # shown against the file as it is; recovering reports the error
                if disk == item.content or disk == content:
                    self.journal.discard(item)  # nothing of the edits is missing on disk
                    continue
            answer = choose(item, disk) if choose else RecoveryDialog(item, disk, self, content).choice()
            if answer == "discard":
                self.journal.discard(item)
            elif answer == "recover" and self.recover(item):
                recovered += 1
                break  # one document at a time in this window
        return recovered

    def recover(self, item: JournalItem) -> bool:
        """Reopen journaled edits: put onto the file as it is now (a three-way merge, so what
        changed on disk meanwhile stays), or as a new entry when the file is gone."""
        try:
            stored = Entry.from_bytes(item.content, item.path, schema_for(item.path) if item.path else None)
        except QtEditorError as exc:
            show_error(self, "Cannot recover", exc)
            return False
        conflicts = []
        if item.path and Path(item.path).exists():
            if not self.open_file(Path(item.path)):
                return False
            s = self.session
            assert s is not None  # open_file shows the entry before it says True
            try:
                recovery = recover(item, s.entry)
            except QtEditorError as exc:
                show_error(self, "Cannot recover", exc)
                return False
            s.recover_from(recovery.fields, recovery.body)
            conflicts = recovery.conflicts
        else:
            s = EditSession.recovered(stored, self.slug_rule, self.collection)
        self.show_session(s)
        if conflicts:
            self.resolve_conflicts(conflicts)
        self.statusBar().showMessage("Recovered unsaved edits: review and save them", 6000)
        return True

    def _notice_link(self, link: str) -> None:
        if link.startswith(FOLLOW_LINK):
            self.follow_move(link[len(FOLLOW_LINK) :])
        else:
            self.open_path(link)

    def _note_twins(self, keep: bool = False) -> None:
        """Note the entries of the collection that share the open entry's id while the index
        lists it (``keep``: what was noted stays when it does not)."""
        s, panel = self.session, self.collection_panel
        known = None
        if s is not None and s.path is not None and panel.root is not None:
            ident = s.saved_fields.get("id")
            if ident is not None:
                known = sharing_id(s.path, ident, panel.records, panel.root)
        if known is not None:
            self._twins = known
        elif not keep:
            self._twins = frozenset()

    def look_for_move(self) -> str | None:
        """The open entry's file is gone: is it elsewhere in the collection under a new name
        (renamed by git, a pull, the CMS or another program)? The one entry there with its id
        that is the same file (a rename in place) or was written since it was opened here.
        When found, the notice offers to follow it; returns its path."""
        s = self.session
        panel = self.collection_panel
        if s is None or s.path is None or panel.root is None:
            return None
        ident = s.saved_fields.get("id")
        found = moved_entry(s.path, ident, panel.records, panel.root, self._opened_file, self._twins)
        if found is None:
            return None
        shown = panel.rel_path(found) or found
        self.show_notice(
            f"This entry was moved to <b>{_as_text(shown)}</b> (renamed outside qteditor). "
            f'<a href="{FOLLOW_LINK}{_as_text(found)}">Follow it</a>: your edits are kept, '
            "merged onto the file there; or use Save As to write them somewhere else."
        )
        return found

    def follow_move(self, path: str) -> str:
        """Make ``path`` the open entry's file (it was moved there): the edits here are merged
        onto it as onto any outside change, and the journal, the lock and the watch move with
        it. What happened: "followed", "conflicts" (merged as chosen), "unreadable", "other"
        (the file there is not this entry now: another id), "none"."""
        s = self.session
        if s is None:
            return "none"
        old = s.path
        try:
            raw = storage.read_file(path)
            theirs = Entry.from_bytes(raw, path, s.entry.schema)
        except (QtEditorError, OSError) as exc:
            self.show_notice(f"The moved file cannot be read now: {_as_text(str(exc))}")
            return "unreadable"
        ident = s.saved_fields.get("id")
        if ident is None or theirs.fields().get("id") != ident:  # replaced since it was found
            self.show_notice(
                f"{_as_text(Path(path).name)} is no longer this entry (its id is not "
                f"{_as_text(str(ident))}): nothing was followed. Your text is kept: use Save As "
                "to write it somewhere."
            )
            return "other"
        conflicts = s.merge_from_disk(theirs)  # the session's file is now the moved one
        if old is not None:
            self.journal.remove(old)  # the edits' journal goes with them, under the new name
        self.show_session(s)
        self.write_journal()
        self._fill_recent_with(path, replacing=old)  # the old name opens nothing now
        self.statusBar().showMessage(f"Now editing {Path(path).name}, where the entry moved", 6000)
        if conflicts:
            self.resolve_conflicts(conflicts)
            return "conflicts"
        return "followed"

    def on_outside_change(self, path: str) -> str | None:
        """The open file changed on disk: reload, merge, or say it is gone. What happened:
        "reloaded", "merged", "conflicts" (merged as chosen), "same", "gone", "unreadable",
        "conflict" (git's conflict markers: a merge or rebase stopped on it; not taken in);
        None when it is not the open entry."""
        from ..core.git import conflict_markers

        s = self.session
        if s is None:
            self._broken_file_changed(path)
            return None
        if s.path != path:
            return None
        p = Path(path)
        if not p.exists():
            self.file_missing = True
            if self.look_for_move() is None:
                self.show_notice(
                    "The file was deleted or moved. Your text is kept: use Save As to write it somewhere."
                )
            return "gone"
        self._watch(path)  # some programs replace the file: watch the new one
        try:
            raw = storage.read_file(path)  # a regular file, capped: never blocks the window
            if raw == s.entry.raw:
                if self.file_missing:  # back as it was (a checkout back): not missing now
                    self.file_missing = False
                    self.show_notice(None)
                return "same"
            line = conflict_markers(raw)
            if line is not None:  # not someone's version: never merged into the edits here
                self.show_notice(
                    f"{_as_text(p.name)} is in a git conflict (its conflict markers start at line "
                    f"{line}). What is shown here is the entry as it was; edits are kept. Resolve it (Git ▸ "
                    "Resolve Conflicts…), or save over it on purpose."
                )
                return "conflict"
            theirs = Entry.from_bytes(raw, path, s.entry.schema)  # read by its own schema
        except (QtEditorError, OSError) as exc:
            self.show_notice(f"The file changed on disk and cannot be read now: {_as_text(str(exc))}")
            return "unreadable"
        cursor = self.editor.edit.textCursor().position()
        scroll = self.editor.edit.verticalScrollBar().value()
        conflicts = s.merge_from_disk(theirs)
        self.show_session(s)
        cur = self.editor.edit.textCursor()
        cur.setPosition(min(cursor, len(self.editor.text())))
        self.editor.edit.setTextCursor(cur)
        self.editor.edit.verticalScrollBar().setValue(scroll)
        if conflicts:
            self.resolve_conflicts(conflicts)
            return "conflicts"
        self.statusBar().showMessage("Reloaded: the file changed on disk", 4000)
        return "merged" if s.dirty else "reloaded"

    def _broken_file_changed(self, path: str) -> None:
        """The file shown as not an entry changed on disk: open it again (it may read as an
        entry now) unless its text was corrected here, which is kept (its save is refused
        now: the file is not the one shown)."""
        view = self.error_view
        if self.stack.currentWidget() is not view or view.path is None or str(view.path) != path:
            return
        if view.text.document().isModified():
            view.message.setText(
                "The file changed on disk since it was shown; your corrected text is kept here. "
                "Open the file again to see its new text."
            )
            return
        if Path(path).exists():
            self.open_file(Path(path))

    def resolve_conflicts(
        self, conflicts: list[Conflict], choose: Callable[[list[Conflict]], list[bool]] | None = None
    ) -> None:
        from .dialogs import ConflictDialog

        s = self.session
        assert s is not None  # the conflicts are the open entry's (recovered or merged from disk)
        picks = choose(conflicts) if choose else ConflictDialog(conflicts, self).choices()
        for conflict, take_theirs in zip(conflicts, picks, strict=True):
            if take_theirs:
                s.set(conflict.path, conflict.theirs)
        self.show_session(s)


def sample_collection() -> Path:
    return resource("sample") / "content" / "learn"
