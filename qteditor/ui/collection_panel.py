"""The collection browser: every entry of the open folder in a sortable table, searched as you
type (FTS5), filtered by subject, by problem and by severity; indexing and searching run off
the GUI thread, so the window never waits for them.

The rows shown are always the entries that match the search box and the filters as they are
displayed: after any re-index (a save, a fix, a file changed on disk) the filters keep their
choice and the search is asked again.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QFileSystemWatcher,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtCore import QPersistentModelIndex, SignalInstance
    from PySide6.QtGui import QColor, QResizeEvent

    from ..core.checks import Context, Problem
    from ..core.collection import Collection, Record, TextSearch
    from ..core.workspace import Workspace


COLUMNS = ("Title", "Subject", "Date", "ID", "Problems", "Git")
GIT_COLUMN = 5
# an entry's git state in the Git column: (symbol, words); the order sorts the column
GIT_STATES = {
    "conflicted": ("C", "in conflict: resolve it"),
    "modified": ("M", "modified, not staged"),
    "staged": ("S", "changed and staged"),
    "new": ("A", "new, staged"),
    "untracked": ("U", "new, not yet known to git"),
    "deleted": ("D", "deleted"),
}
GIT_FILTERS = (
    ("Any git state", ""),
    ("Changed since the last commit", "*"),
    ("Modified", "modified"),
    ("Staged", "staged"),
    ("New (staged)", "new"),
    ("Untracked", "untracked"),
    ("Conflicted", "conflicted"),
)
SEVERITIES = (
    ("Errors and warnings", ("error", "warning")),
    ("Errors only", ("error",)),
    ("All, with notes", ("error", "warning", "info")),
)


class EntryModel(QAbstractTableModel):
    """Rows: (path, title, subject, date, id, error, rowid); problems by path. The model
    filters and sorts itself (key lists built once, sorted in C): a proxy model would call
    back into Python for every row and every comparison (seconds at 36,000 rows)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple] = []
        self.problems: dict[str, list] = {}
        self.git: dict[str, tuple[str, list]] = {}  # path -> (state, changed fields)
        self.severities: tuple[str, ...] = SEVERITIES[0][1]
        self.visible: list[int] = []
        self._counts: list[int] = []
        self._keys: list[list] = []
        self._order: list[int] = []  # every row, sorted: the filters keep its order
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder

    # ------------------------------------------------------------------ content
    def set_rows(self, rows: list[tuple], problems: dict[str, list] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        if problems is not None:
            self.problems = problems
        self._recount()
        self._keys = self._row_keys(rows)
        self._order = list(range(len(rows)))
        self._sort_order()
        self.visible = list(self._order)
        self.endResetModel()

    def add_rows(self, rows: list[tuple]) -> None:
        """Rows read after the ones shown (a collection indexed from nothing): the sorted
        order is merged with theirs, not sorted again (Python's sort merges two sorted runs)."""
        self.beginResetModel()
        start = len(self.rows)
        self.rows = self.rows + rows
        self._recount()
        for keys, new in zip(self._keys, self._row_keys(rows), strict=True):
            keys.extend(new)
        added = list(range(start, len(self.rows)))
        self._sort_rows(added)
        self._order = self._order + added
        self._sort_order()
        self.visible = list(self._order)
        self.endResetModel()

    @staticmethod
    def _row_keys(rows: list[tuple]) -> list[list]:
        return [
            [(r[1] or r[0]).lower() for r in rows],
            [r[2].lower() for r in rows],
            [r[3] for r in rows],
            [r[4] if r[4] is not None else -(10**18) for r in rows],
        ]

    def set_problems(self, problems: dict[str, list], severities: tuple[str, ...]) -> None:
        self.problems = problems
        self.severities = severities
        self._recount()
        if self.sort_column == 4:  # the order follows the counts
            self.layoutAboutToBeChanged.emit()
            self._sort_order()
            self._sort()
            self.layoutChanged.emit()
        if self.visible:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self.visible) - 1, 4))

    def set_git(self, states: dict[str, tuple[str, list]]) -> None:
        """Each changed entry's git state and fields (the rest are as in the last commit)."""
        self.git = states
        if self.sort_column == GIT_COLUMN:  # the order follows the states
            self.layoutAboutToBeChanged.emit()
            self._sort_order()
            self._sort()
            self.layoutChanged.emit()
        if self.visible:
            self.dataChanged.emit(self.index(0, GIT_COLUMN), self.index(len(self.visible) - 1, GIT_COLUMN))

    def _recount(self) -> None:
        wanted = set(self.severities)
        get = self.problems.get
        self._counts = [sum(p.severity in wanted for p in ps) if (ps := get(r[0])) else 0 for r in self.rows]

    def count(self, row: int) -> int:
        return self._counts[row] if row < len(self._counts) else 0

    def show_only(self, accept: Callable[[int], bool] | None) -> None:
        """Show the rows ``accept(index)`` takes (None: all), in the current order: a filter
        of the rows kept sorted, so clearing a search sorts nothing."""
        self.beginResetModel()
        order = getattr(self, "_order", None)
        if order is None or len(order) != len(self.rows):
            self._order = list(range(len(self.rows)))
            self._sort_order()
        self.visible = list(self._order) if accept is None else [i for i in self._order if accept(i)]
        self.endResetModel()

    def _key(self) -> list | None:
        col = self.sort_column
        if col == GIT_COLUMN:
            order = {state: i for i, state in enumerate(GIT_STATES)}
            return [order.get(self.git.get(r[0], ("",))[0], len(order)) for r in self.rows]
        return self._counts if col == 4 else (self._keys[col] if col < len(self._keys) else None)

    def _sort_rows(self, rows: list[int]) -> None:
        key = self._key()
        if key is None:
            return
        # (key, path) pairs made and compared in C: a Python key function a row was 3x slower
        pairs = list(zip(key, [r[0] for r in self.rows], strict=True))
        rows.sort(key=pairs.__getitem__, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def _sort_order(self) -> None:
        """Every row in the current order (what the filters pick from)."""
        self._sort_rows(self._order)

    def _sort(self) -> None:
        self._sort_rows(self.visible)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # Qt override
        self.layoutAboutToBeChanged.emit()
        self.sort_column, self.sort_order = column, order
        self._sort_order()
        self._sort()
        self.layoutChanged.emit()

    def source_row(self, visible_row: int) -> int:
        return self.visible[visible_row]

    def visible_row(self, source_row: int) -> int | None:
        try:
            return self.visible.index(source_row)
        except ValueError:
            return None

    # ------------------------------------------------------------------ Qt
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return len(COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:  # the problem count's column is narrow
            return "⚠" if COLUMNS[section] == "Problems" else COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "Problems": "Problems (errors and warnings)",
                "Git": "Git state against the last commit: M modified, S staged, A new, "
                "U untracked, C in conflict",
            }.get(COLUMNS[section])
        return None

    def data(  # type: ignore[override]
        self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | int | QColor | None:
        row = self.visible[index.row()]
        path, title, subject, date, ident, _error, _rowid = self.rows[row]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            count = self._counts[row]
            if col == GIT_COLUMN:
                state = self.git.get(path)
                return GIT_STATES.get(state[0], ("?",))[0] if state else ""
            return (
                title or Path(path).stem,
                subject,
                date,
                "" if ident is None else str(ident),
                str(count) if count else "",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == GIT_COLUMN:
            state = self.git.get(path)
            if not state:
                return f"{path}\nas in the last commit"
            words = GIT_STATES.get(state[0], (None, state[0]))[1]
            return f"{path}\n{words}" + (f"\nfields: {', '.join(state[1])}" if state[1] else "")
        if role == Qt.ItemDataRole.ForegroundRole and col == GIT_COLUMN:
            state = self.git.get(path)
            if state and state[0] == "conflicted":
                from PySide6.QtGui import QColor

                return QColor("#cf222e")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            found = self.problems.get(path, ())
            lines = [path] + [f"• {p.severity}: {p.message} [{p.rule}]" for p in found[:8]]
            if len(found) > 8:
                lines.append(f"… and {len(found) - 8} more")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == GIT_COLUMN:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _Signals(QObject):
    progress = Signal(int, int)
    rows = Signal(object, object)  # generation, rows
    partial = Signal(object, object)  # generation, (the rows read so far, a search over them, all?)
    checked = Signal(object, object)  # generation, (problems, records, context, slug rule)
    text_ready = Signal(object)  # generation
    failed = Signal(object, str)  # generation, message
    unchanged = Signal(object)  # generation: the refresh found nothing new
    searched = Signal(int, object)  # search generation, (paths (None: all), the text searched)


class CollectionPanel(QWidget):
    """Entries of the open folder; type to search, Enter or double-click to open."""

    POLL_MS = 20_000
    openRequested = Signal(str)
    indexed = Signal()  # rows, problems and records are current
    rowsShown = Signal()  # the rows are shown (problems may follow)
    rowsRead = Signal(int)  # a collection indexed from nothing: this many of its rows listed so far
    listed = Signal()  # a collection indexed from nothing: every row listed (the index's pass follows)

    def __init__(self, parent: QWidget | None = None, cache: Path | None = None):
        super().__init__(parent)
        self.root: Path | None = None
        self.cache = cache
        self.workspace: Workspace | None = None
        self.context: Any = None  # the checks' view of the collection (for the open entry)
        self.slug_rule: str | None = None
        self.subjects: list[str] = []
        self.records: list = []
        self.loading = False
        self.error: str | None = None
        self._generation = 0  # of the folder being shown
        # the index's content generation after the last refresh (None: not read yet): it
        # changes whenever an entry is added, changed or removed (what git status may see)
        self.index_generation: tuple[Path, int] | None = None
        self._shown: tuple[Path, int] | None = None  # the index content the rows and problems show
        self._running = False
        self._again = False
        self._ended_early: set[int] = set()  # runs of older folders that ended at their check
        self._run: tuple[int, Workspace | None] = (0, None)  # the running run's generation, workspace
        self._retired: dict[int, Workspace] = {}  # workspaces of older folders still in a run
        self._allowed: set[str] | None = None  # the search's matches (None: no search)
        # while a collection is indexed from nothing: its rows come as they are read and a
        # search is answered from their text in memory until the full-text index is built
        self._streaming = False
        self._memory: TextSearch | None = None
        self._search_generation = 0
        self._searcher: Collection | None = None
        # the search thread, made by the first search (concurrent.futures: ~3 ms of start-up);
        # none is made or used once the panel is shut down
        self._search_pool: ThreadPoolExecutor | None = None
        self._shut_down = False

        self.search = QLineEdit(placeholderText="Search question, answer, keywords")
        self.search.setClearButtonEnabled(True)
        self.subject_filter = QComboBox()
        self.rule_filter = QComboBox()
        self.severity_filter = QComboBox()
        for label, severities in SEVERITIES:
            self.severity_filter.addItem(label, severities)
        self.git_filter = QComboBox()  # shown once the folder is known to be in a git repository
        for label, state in GIT_FILTERS:
            self.git_filter.addItem(label, state)
        self.git_filter.setToolTip("Show the entries in this git state (against the last commit)")
        self.git_filter.hide()
        self.severity_filter.setToolTip(
            "Which problems count in the Problems column, the count below and the “With problems” filter"
        )
        self.model = EntryModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the form (arrows move in the list)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # widths from the font, not ResizeToContents: that asks data() of every one of 36,000
        # rows each time the table is shown or laid out (seconds on the GUI thread)
        metrics = self.fontMetrics()
        for col, sample in ((2, "0000-00-00"), (3, "-000000"), (4, "999"), (GIT_COLUMN, "Git")):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            head.resizeSection(col, metrics.horizontalAdvance(sample) + 16)
        self.table.setColumnHidden(GIT_COLUMN, True)  # until git status says where we are
        # the subject tells four "Compare Babylonian and G…" rows apart: shown by default, at
        # a width that leaves the title room (the user can drag it wider)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        head.resizeSection(1, self.fontMetrics().horizontalAdvance("Computer S…") + 10)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.count = QLabel()
        self.count.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
        self.count.setWordWrap(True)
        self.empty = QLabel("No folder open.\nFile ▸ Open Folder… shows its entries here.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        filters = QHBoxLayout()
        filters.addWidget(self.subject_filter, 1)
        filters.addWidget(self.rule_filter, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.search)
        lay.addLayout(filters)
        lay.addWidget(self.severity_filter)
        lay.addWidget(self.git_filter)
        lay.addWidget(self.progress)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.count)
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self._start_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._open_first_visible)
        self.subject_filter.currentIndexChanged.connect(self._apply_filters)
        self.rule_filter.currentIndexChanged.connect(self._apply_filters)
        self.severity_filter.currentIndexChanged.connect(self._severity_changed)
        self.git_filter.currentIndexChanged.connect(self._apply_filters)
        self.table.activated.connect(self._open_index)
        self.watcher = QFileSystemWatcher(self)
        self._rescan = QTimer(self, singleShot=True, interval=700)
        self._rescan.timeout.connect(lambda: self.reindex())
        self.watcher.directoryChanged.connect(lambda _p: self._rescan.start())
        # a write in place changes no folder: look again every little while (a refresh that
        # finds nothing changed stats the files and reads none)
        self._poll = QTimer(self, interval=self.POLL_MS)
        self._poll.timeout.connect(lambda: self.isVisible() and self.files_written())  # type: ignore[func-returns-value]
        self._poll.start()
        self._signals = _Signals()
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.progress.connect(self._show_progress, queued)
        self._signals.rows.connect(self._rows_ready, queued)
        self._signals.partial.connect(self._partial_rows, queued)
        self._signals.checked.connect(self._checked, queued)
        self._signals.text_ready.connect(self._text_ready, queued)
        self._signals.failed.connect(self._failed, queued)
        self._signals.unchanged.connect(self._unchanged, queued)
        self._signals.searched.connect(self._searched, queued)
        self._fill_rules({})  # the problem filter's own choices before the first check
        self._show_empty(True)

    SUBJECT_FROM = 260  # panel widths from which the subject and date columns show
    DATE_FROM = 330

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width = self.width()  # narrow panel: title, subject, date, problems; wider: the id too
        self.table.setColumnHidden(1, width < self.SUBJECT_FROM)
        self.table.setColumnHidden(2, width < self.DATE_FROM)
        self.table.setColumnHidden(3, width < 560)

    @property
    def collection(self) -> Collection | None:
        """The index of the folder shown (None before one is opened)."""
        return self.workspace.index() if self.workspace is not None else None

    # ------------------------------------------------------------------ loading
    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)

    def announce(self, folder: Path) -> None:
        """Say the folder is on its way (the window indexes it once it has painted)."""
        self.loading = True
        self.empty.setText(f"Indexing {folder}…")
        self._show_empty(True)

    def set_folder(self, folder: Path, wait: bool = False) -> None:
        """Show the collection at ``folder``, indexed in the background (``wait`` for tests)."""
        from ..core.workspace import Workspace

        self.root = Path(folder)
        self._generation += 1
        if self.workspace is not None:
            old = self.workspace
            self.workspace = None
            if self._running and old is self._run[1]:
                self._retired[self._run[0]] = old  # closed when its run's thread is done
            else:
                old.close()
        self._close_searcher()
        self.workspace = Workspace(self.root, cache=self.cache, workers=2)
        self.loading = True
        self.records, self.context = [], None
        self.model.set_rows([], {})
        self._allowed = None
        self._streaming, self._memory = False, None
        self._shown = None
        self.empty.setText(f"Indexing {self.root}…")
        self._show_empty(True)
        self._update_count()
        self.reindex(wait)

    def reindex(self, wait: bool = False) -> None:
        """Read what changed in the folder and show it (one run at a time; a request during a
        run starts one more when it ends)."""
        if self.workspace is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.progress.setRange(0, 0)
        self.progress.setFormat("Indexing…")
        self.progress.show()
        early = self.loading and not self.model.rows  # a folder just opened
        self._run = (self._generation, self.workspace)
        worker = threading.Thread(
            target=self._index, args=(self.workspace, self._generation, early), daemon=True
        )
        worker.start()
        if wait:
            worker.join()
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.sendPostedEvents()

    def _index(self, ws: Workspace, generation: int, early: bool = False) -> None:
        """Refresh the index and send the rows, then the problems. A folder just opened whose
        index exists shows that index's rows at once (the panel says it is still indexing);
        the rows come again after the refresh when it found any change."""
        signals = self._signals

        def emit(signal: SignalInstance, *args: object) -> bool:
            try:
                signal.emit(*args)
                return True
            except RuntimeError:
                return False  # the panel was closed meanwhile

        def progress(done: int, total: int) -> None:
            emit(signals.progress, done, total)

        try:
            before = None
            read = None
            if early:
                index = ws.index()
                before = index.generation()
                rows = index.rows()
                if not rows:
                    before = None  # a new index: its rows are shown as they are read
                    read = self._stream(lambda shown: emit(signals.partial, generation, shown))
                elif not emit(signals.rows, generation, (rows, ws.slug_rule)):
                    return
            ws.refresh(progress, read)
            if ws.root is not None:  # read here, in the refresh's thread (set before rowsShown)
                self.index_generation = (ws.root, ws.index().generation())
            if not early and self.index_generation == self._shown:
                # nothing changed since the rows and problems shown (a poll, a watcher's
                # false alarm): they stay; sending them again cost the window seconds
                if emit(signals.unchanged, generation):
                    emit(signals.text_ready, generation)
                return
            slug_rule = ws.slug_rule  # inferred from the files before any check runs
            if before is None or ws.index().generation() != before:
                rows = ws.index().rows()
                if not emit(signals.rows, generation, (rows, slug_rule)):
                    return
            records = ws.records()
            ctx = ws.context()
            problems: dict[str, list] = {}
            for p in ws.check(context=ctx):
                problems.setdefault(p.path, []).append(p)
            if not emit(signals.checked, generation, (problems, records, ctx, slug_rule)):
                return
            self._shown = self.index_generation  # (the rows and problems of this content)
            ws.build_text()  # then the full-text index, while the browser is in use
            emit(signals.text_ready, generation)
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never a traceback
            emit(signals.failed, generation, str(exc))

    STREAM_S = 1.0  # how often the rows read so far are shown again while indexing

    def _stream(
        self, send: Callable[[tuple[list[tuple], TextSearch, bool]], object]
    ) -> Callable[[list[tuple]], None]:
        """What a refresh from nothing gives its rows to: the browser rows and a search of
        their text, sent on (the first chunk at once, then every STREAM_S seconds, and all of
        them at once when the refresh says every file has been given: an empty chunk)."""
        import time

        from ..core.collection import TextSearch, browse_rows

        shown: list[tuple] = []
        memory = TextSearch()
        last = [0.0]

        def read(rows: list[tuple]) -> None:
            if not rows:  # every file given: all of them shown now (the checks follow)
                send((list(shown), memory, True))
                return
            shown.extend(browse_rows(rows))
            memory.add(rows)
            now = time.monotonic()
            if now - last[0] >= self.STREAM_S:
                last[0] = now
                send((list(shown), memory, False))

        return read

    def _finish_run(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.reindex()

    def _show_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"Indexing: {done:,} of {total:,} files")

    def _watch_folders(self) -> None:
        """Files added, removed or changed outside the app refresh the index (by their stamp)."""
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        # string work on the relative paths (36,000 Path objects took seconds on the GUI thread)
        parents = {r[0].rpartition("/")[0] for r in self.model.rows}
        root = str(self.root)
        folders = {root} | {f"{root}/{p}" if p else root for p in parents}
        self.watcher.addPaths(sorted(folders)[:2000])

    def _partial_rows(self, generation: int, result: tuple[list[tuple], TextSearch, bool]) -> None:
        """The rows read so far of a collection indexed from nothing (the rest on their way;
        ``complete``: every one, listed before the index's pass, which the checks follow)."""
        if generation != self._generation or not self.loading:
            return
        rows, self._memory, complete = result
        self._streaming = not complete
        kept = self._kept_selection()  # (a reset of the model clears it)
        known = len(self.model.rows)
        if 0 < known <= len(rows) and rows[known - 1] == self.model.rows[-1]:
            self.model.add_rows(rows[known:])  # (the rows come in the order they are read)
        else:
            self.model.set_rows(rows)
        self._fill_subjects(rows)
        self._show_empty(not rows)
        self._apply_filters()
        self._restore_selection(kept)
        if self.search.text().strip():
            self._start_search(refine=True)  # the rows read since the last answer may match too
        self.rowsRead.emit(len(rows))
        if complete:
            self.listed.emit()

    def _rows_ready(self, generation: int, result: tuple[list[tuple], str]) -> None:
        if generation != self._generation:
            return
        self._streaming = False
        rows, self.slug_rule = result
        first = self.loading and not self.model.rows
        self.model.set_rows(rows)
        self._fill_subjects(rows)
        self._show_empty(not rows)
        if not rows:
            self.empty.setText(f"No entries (.md files) in\n{self.root}")
        self._apply_filters()
        if self.search.text().strip():
            self._start_search()
        if first:
            self._watch_folders()
        self.rowsShown.emit()

    def _checked(
        self, generation: int, result: tuple[dict[str, list[Problem]], list[Record], Context, str]
    ) -> None:
        if generation != self._generation:
            # another folder is waiting: this run ends here for the panel (its thread still
            # builds the old folder's full text; what it sends then is not a second end)
            self._ended_early.add(generation)
            self._finish_run()
            return
        problems, records, ctx, slug_rule = result
        self.progress.hide()
        self.loading = False
        self.records, self.context, self.slug_rule = records, ctx, slug_rule
        self.model.set_problems(problems, self.severity_filter.currentData())
        self._fill_rules(problems)
        self._apply_filters()
        self._watch_folders()
        self.indexed.emit()

    def _unchanged(self, generation: int) -> None:
        """A refresh that found nothing new: what is shown is current."""
        if generation == self._generation:
            self.progress.hide()
            self.loading = False
            self.rowsShown.emit()
            self.indexed.emit()

    def _text_ready(self, generation: int) -> None:
        if generation == self._generation:
            self._memory = None  # searches go to the full-text index now
            if self.search.text().strip():
                self._start_search()
        if not self._ended(generation):
            self._finish_run()

    def _failed(self, generation: int, message: str) -> None:
        self.progress.hide()
        self.loading = False
        self.error = message
        if generation == self._generation:
            self.count.setText(f"The collection could not be indexed: {message}")
            self.indexed.emit()
        if not self._ended(generation):
            self._finish_run()

    def _ended(self, generation: int) -> bool:
        """Whether the run of an older folder already ended (``_checked``): once only. Its
        thread sends nothing after this: the folder's workspace is closed."""
        retired = self._retired.pop(generation, None)
        if retired is not None:
            retired.close()
        if generation in self._ended_early:
            self._ended_early.discard(generation)
            return True
        return False

    def _fill_subjects(self, rows: list) -> None:
        """One item a subject folder: spellings that differ only in case are one subject,
        shown in its most common spelling."""
        from collections import Counter

        from ..core.slugs import subject_slug

        per_spelling = Counter(r[2] for r in rows if r[2])  # a few dozen spellings
        slug_of = {name: subject_slug(name) for name in per_spelling}
        spellings: dict[str, Counter] = {}
        for name, n in per_spelling.items():
            spellings.setdefault(slug_of[name], Counter())[name] += n
        names = {
            slug: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for slug, c in spellings.items()
        }
        self.subjects = sorted(names.values(), key=str.lower)
        self._row_folders = [slug_of[r[2]] if r[2] else "" for r in rows]
        _refill(
            self.subject_filter,
            [("All subjects", "")] + [(names[s], s) for s in sorted(names, key=lambda s: names[s].lower())],
        )

    def _fill_rules(self, problems: dict[str, list]) -> None:
        from collections import Counter

        per_rule = Counter(p.rule for ps in problems.values() for p in ps)
        _refill(
            self.rule_filter,
            [("Any problem state", ""), ("With problems", "*")]
            + [(f"{rule} ({n:,})", rule) for rule, n in sorted(per_rule.items())],
        )

    # ------------------------------------------------------------------ searching
    def _start_search(self, refine: bool = False) -> None:
        """Ask the full-text index in the background; the rows follow when it answers
        (``refine``: the same search again over more rows, the count line left as it is)."""
        text = self.search.text().strip()
        self._search_generation += 1
        generation = self._search_generation
        if len(text) < 2 or self.workspace is None:  # one letter matches everything
            self._searched(generation, (None, text))
            return
        searcher: Collection | TextSearch
        if self._memory is not None:  # indexed from nothing: no full text yet
            searcher = self._memory
        else:
            if self._searcher is None:
                self._searcher = self.workspace.searcher()
            searcher = self._searcher
        signals = self._signals

        def run() -> None:
            try:
                paths = searcher.matching(text)
            except Exception:  # noqa: BLE001 - a failed search shows every row, never a traceback
                paths = None
            if generation == self._search_generation or searcher is self._memory:
                try:
                    signals.searched.emit(generation, (paths, text))
                except RuntimeError:
                    pass

        if not refine:
            self.count.setText("Searching…")
        self._off_thread(run)

    def _off_thread(self, work: Callable[[], object]) -> None:
        """Run ``work`` on the search thread, in order; nothing once the panel is shut down."""
        if self._shut_down:
            return
        if self._search_pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._search_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
        self._search_pool.submit(work)

    def _searched(self, generation: int, result: tuple[set[str] | None, str]) -> None:
        paths, text = result
        if generation != self._search_generation:
            # a newer search is on its way; while rows are still being read, an older answer
            # for the same text is true of the rows it searched (the newer adds the later ones)
            if not (self._streaming and text == self.search.text().strip()):
                return
        self._allowed = paths
        self._apply_filters()

    def _close_searcher(self) -> None:
        searcher, self._searcher = self._searcher, None
        if searcher is not None:
            self._off_thread(searcher.close)

    # ------------------------------------------------------------------ git
    def set_git_states(self, states: dict[str, tuple[str, list]] | None) -> None:
        """Show each entry's git state (paths relative to the folder) in the Git column, with
        its filter; None: not a git repository (or no git), the column and filter hidden; no
        entry changed: the column hidden, the filter kept."""
        on = states is not None
        # the column shows once an entry has a state: a clean repository leaves the title its room
        self.table.setColumnHidden(GIT_COLUMN, not states)
        self.git_filter.setVisible(on)
        if not on and self.git_filter.currentIndex():
            self.git_filter.setCurrentIndex(0)
        self.model.set_git(states or {})
        if on and self.git_filter.currentData():
            self._apply_filters()

    # ------------------------------------------------------------------ filtering
    def _severity_changed(self) -> None:
        self.model.set_problems(self.model.problems, self.severity_filter.currentData())
        self._apply_filters()

    def _apply_filters(self) -> None:
        model = self.model
        allowed = self._allowed
        subject = self.subject_filter.currentData() or ""
        rule = self.rule_filter.currentData() or ""
        rows = model.rows
        folders = getattr(self, "_row_folders", [])
        git_state = (self.git_filter.currentData() or "") if not self.git_filter.isHidden() else ""
        git = model.git
        if allowed is None and not subject and not rule and not git_state:
            accept = None
        else:

            def accept(i: int) -> bool:
                r = rows[i]
                if allowed is not None and r[0] not in allowed:
                    return False
                if subject and (folders[i] if i < len(folders) else "") != subject:
                    return False
                if git_state and (
                    r[0] not in git if git_state == "*" else git.get(r[0], ("",))[0] != git_state
                ):
                    return False
                if rule == "*":
                    return model.count(i) > 0
                if rule:
                    return any(p.rule == rule for p in model.problems.get(r[0], ()))
                return True

        kept = self._kept_selection()
        model.show_only(accept)
        self._restore_selection(kept)
        self._update_count()

    def _kept_selection(self) -> tuple[set[str], str | None]:
        """The paths of the selected rows and of the current one (a model reset forgets them:
        rows read while indexing, a search's answer, come every second)."""
        model, table = self.model, self.table
        paths = {model.rows[model.source_row(i.row())][0] for i in table.selectionModel().selectedRows()}
        current = table.currentIndex()
        ok = current.isValid() and current.row() < len(model.visible)
        return paths, model.rows[model.source_row(current.row())][0] if ok else None

    def _restore_selection(self, kept: tuple[set[str], str | None]) -> None:
        """Select again the rows of ``kept`` still shown (the current one too)."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        paths, current = kept
        if not paths and current is None:
            return
        model, rows = self.model, self.model.rows
        selection = QItemSelection()
        last = model.columnCount() - 1
        at = None
        wanted = len(paths) + (current is not None and current not in paths)
        for pos, source in enumerate(model.visible):  # (every answer of a search comes here)
            path = rows[source][0]
            if path in paths:
                selection.select(model.index(pos, 0), model.index(pos, last))
                wanted -= 1
            if path == current:
                at = pos
                wanted -= current not in paths
            if not wanted:
                break
        chosen = self.table.selectionModel()
        flag = QItemSelectionModel.SelectionFlag
        if at is not None:
            chosen.setCurrentIndex(model.index(at, 0), flag.NoUpdate)
        chosen.select(selection, flag.Select | flag.Rows)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.rows)
        with_problems = sum(1 for c in self.model._counts if c)
        what = {("error", "warning"): "with problems", ("error",): "with errors"}.get(
            tuple(self.severity_filter.currentData() or ()), "with problems or notes"
        )
        text = f"{shown:,} of {total:,} entries" if shown != total else f"{total:,} entries"
        if self._streaming:
            text += " read so far"
            if self.rule_filter.currentData():
                text += " · problems are checked once every entry is read"
        if not self.loading or self.model.problems:
            text += f" · {with_problems:,} {what}"
        elif total and not self._streaming:
            text += " · checking…"
        notice = self.workspace.notice if self.workspace is not None else None
        if notice:
            text += f"\n{notice}"
        self.count.setText(text)

    # ------------------------------------------------------------------ opening
    def path_at(self, index: QModelIndex) -> str:
        return str(self.root / self.model.rows[self.model.source_row(index.row())][0])

    def _open_index(self, index: QModelIndex) -> None:
        self.openRequested.emit(self.path_at(index))

    def _open_first_visible(self) -> None:
        if self.model.rowCount():
            self._open_index(self.model.index(0, 0))

    def selected_paths(self) -> list[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.path_at(self.model.index(r, 0)) for r in sorted(rows)]

    def rel_path(self, path: str) -> str | None:
        """An entry's path as the index keys it (relative to the collection), or None."""
        if self.root is None:
            return None
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def select_path(self, path: str | None) -> None:
        """Select the entry's row (nothing is selected for a path not in the list: a new
        entry, an entry outside the collection)."""
        rel = self.rel_path(path) if path is not None else None
        for row, r in enumerate(self.model.rows):
            if rel is not None and r[0] == rel:
                shown = self.model.visible_row(row)
                if shown is not None:
                    self.table.selectRow(shown)
                    self.table.scrollTo(self.model.index(shown, 0))
                    return
                break
        self.table.clearSelection()

    def problems_for(self, path: str) -> list:
        rel = self.rel_path(path)
        return self.model.problems.get(rel, []) if rel is not None else []

    def files_written(self) -> None:
        """The app wrote files here (a save, fixes, a rename): index again once, shortly. The
        folder watcher reports the same writes; both land on this one coalescing timer, and
        the refresh reads only the files whose stamp changed."""
        if self.root is not None:
            self._rescan.start()

    def shutdown(self) -> None:
        """The window is closing: nothing more starts, queued searches are dropped and the
        index's worker processes stop, so that the process can end at once (the index keeps
        what it committed; a refresh cut short is read again next time). Idempotent."""
        for timer in (self._poll, self._rescan, self._search_timer):
            timer.stop()
        self._generation += 1  # what is still on its way is not shown
        self._search_generation += 1
        self._shut_down = True
        if self._search_pool is not None:
            self._search_pool.shutdown(wait=False, cancel_futures=True)
        if self.workspace is not None:  # (the index's module is loaded only with a folder)
            from ..core.collection import stop_workers

            stop_workers()


def _refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    """New items, the current choice kept when it is still there (else the first item, and
    the change is applied)."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for label, data in items:
        combo.addItem(label, data)
    at = combo.findData(current) if current is not None else -1
    combo.setCurrentIndex(at if at >= 0 else 0)
    combo.blockSignals(False)
