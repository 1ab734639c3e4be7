"""The collection browser: every entry of the open folder in a sortable table, searched as you
type (FTS5), filtered by subject and by problem; indexing runs in the background."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QFileSystemWatcher,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
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
    from ..core.collection import Collection


COLUMNS = ("Title", "Subject", "Date", "ID", "Problems")


class EntryModel(QAbstractTableModel):
    """Rows: (path, title, subject, date, id, error, rowid); problems by path."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple] = []
        self.problems: dict[str, list] = {}

    def set_rows(self, rows: list[tuple], problems: dict[str, list]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.problems = problems
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        path, title, subject, date, ident, error, _rowid = self.rows[index.row()]
        col = index.column()
        count = len(self.problems.get(path, ()))
        if role == Qt.ItemDataRole.DisplayRole:
            return (title or Path(path).stem, subject, date,
                    "" if ident is None else str(ident), str(count) if count else "")[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (title.lower() if title else path, subject.lower(), date,
                    ident if ident is not None else -10**12, count)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [path] + [f"• {p.message} [{p.rule}]" for p in self.problems.get(path, ())[:8]]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class EntryFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.allowed: set[int] | None = None  # row ids of the search results
        self.subject = ""
        self.rule = ""

    def change(self, **values) -> None:
        """Set filter values and re-filter the rows (begin/endFilterChange where Qt has them)."""
        modern = hasattr(self, "endFilterChange")
        if modern:
            self.beginFilterChange()
        for name, value in values.items():
            setattr(self, name, value)
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt override
        model: EntryModel = self.sourceModel()
        path, _title, subject, *_rest, rowid = model.rows[row]
        if self.allowed is not None and rowid not in self.allowed:
            return False
        if self.subject and subject != self.subject:
            return False
        if self.rule:
            found = model.problems.get(path, ())
            if self.rule == "*":
                return bool(found)
            return any(p.rule == self.rule for p in found)
        return True


class _Indexer(QObject):
    progress = Signal(int, int)
    finished = Signal(object, object, object)  # rows, problems, records


class CollectionPanel(QWidget):
    """Entries of the open folder; type to search, Enter or double-click to open."""

    openRequested = Signal(str)
    indexed = Signal()

    def __init__(self, parent: QWidget | None = None, cache: Path | None = None):
        super().__init__(parent)
        self.root: Path | None = None
        self.cache = cache
        self.collection: Collection | None = None
        self.subjects: list[str] = []
        self.records = []
        self.search = QLineEdit(placeholderText="Search question, answer, keywords")
        self.search.setClearButtonEnabled(True)
        self.subject_filter = QComboBox()
        self.rule_filter = QComboBox()
        self.model = EntryModel()
        self.proxy = EntryFilter()
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.count = QLabel()
        self.count.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
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
        lay.addWidget(self.progress)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.count)
        self._search_timer = QTimer(self, singleShot=True, interval=120)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._open_first_visible)
        self.subject_filter.currentIndexChanged.connect(self._apply_filters)
        self.rule_filter.currentIndexChanged.connect(self._apply_filters)
        self.table.activated.connect(self._open_index)
        self.watcher = QFileSystemWatcher(self)
        self._rescan = QTimer(self, singleShot=True, interval=700)
        self._rescan.timeout.connect(lambda: self.root and self.set_folder(self.root))
        self.watcher.directoryChanged.connect(lambda _p: self._rescan.start())
        self._indexer = _Indexer()
        self._indexer.progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._indexer.finished.connect(self._indexed, Qt.ConnectionType.QueuedConnection)
        self._show_empty(True)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        width = self.width()  # narrow panel: title and problems; wider: every column
        self.table.setColumnHidden(1, width < 420)
        self.table.setColumnHidden(2, width < 520)
        self.table.setColumnHidden(3, width < 600)

    # ------------------------------------------------------------------ loading
    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)

    def set_folder(self, folder: Path, wait: bool = False) -> None:
        """Index the folder in the background (``wait`` for tests and scripts)."""
        self.root = Path(folder)
        # a previous indexing thread may still run: it closes its own collection when done
        from ..core.collection import Collection

        self.collection = Collection(self.root, self.cache, workers=2)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Indexing…")
        self.progress.show()
        worker = threading.Thread(target=self._index, args=(self.collection,), daemon=True)
        worker.start()
        if wait:
            worker.join()
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.sendPostedEvents()

    def _index(self, collection: Collection) -> None:
        from ..core.checks import check

        def progress(done: int, total: int) -> None:
            try:
                self._indexer.progress.emit(done, total)
            except RuntimeError:
                pass  # the panel was closed while indexing

        try:
            collection.refresh(progress, text=False)  # browse and checks first
            rows = collection.rows()
            records = collection.records()
            problems: dict[str, list] = {}
            for p in check(records):
                problems.setdefault(p.path, []).append(p)
        except Exception as exc:  # noqa: BLE001 - shown in the panel, never a traceback
            rows, problems, records = [], {}, []
            self.error = str(exc)
        current = collection is self.collection
        if not current:
            collection.close()  # superseded by a newer folder: its result is not shown
            return
        try:
            self._indexer.finished.emit(rows, problems, records)
        except RuntimeError:
            return  # the panel was closed while indexing
        try:
            collection.ensure_text()  # then the full-text index, while the browser is in use
        except Exception:  # noqa: BLE001 - search builds it on first use otherwise
            pass

    def _show_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"Indexing: {done:,} of {total:,} files")

    def _watch_folders(self) -> None:
        """Files added, removed or changed outside the app refresh the index (by mtime)."""
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        folders = {str(self.root)} | {str(self.root / Path(r[0]).parent) for r in self.model.rows}
        self.watcher.addPaths(sorted(folders)[:2000])

    def _indexed(self, rows, problems, records) -> None:
        self.progress.hide()
        self.records = records
        self.model.set_rows(rows, problems)
        self.subjects = sorted({r[2] for r in rows if r[2]}, key=str.lower)
        self.subject_filter.blockSignals(True)
        self.subject_filter.clear()
        self.subject_filter.addItem("All subjects", "")
        for s in self.subjects:
            self.subject_filter.addItem(s, s)
        self.subject_filter.blockSignals(False)
        rules = sorted({p.rule for ps in problems.values() for p in ps})
        self.rule_filter.blockSignals(True)
        self.rule_filter.clear()
        self.rule_filter.addItem("Any problem state", "")
        self.rule_filter.addItem("With problems", "*")
        for r in rules:
            self.rule_filter.addItem(r, r)
        self.rule_filter.blockSignals(False)
        self._show_empty(not rows)
        if not rows:
            self.empty.setText(f"No entries (.md files) in\n{self.root}")
        self._update_count()
        self._watch_folders()
        self.indexed.emit()

    # ------------------------------------------------------------------ filtering
    def _apply_search(self) -> None:
        text = self.search.text().strip()
        if len(text) < 2 or self.collection is None:  # one letter matches everything
            self.proxy.change(allowed=None)
        else:
            self.proxy.change(allowed=self.collection.matching(text))
        self._update_count()

    def _apply_filters(self) -> None:
        self.proxy.change(subject=self.subject_filter.currentData() or "",
                          rule=self.rule_filter.currentData() or "")
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        with_problems = sum(1 for v in self.model.problems.values() if v)
        self.count.setText(f"{shown:,} of {total:,} entries · {with_problems:,} with problems"
                           if shown != total else
                           f"{total:,} entries · {with_problems:,} with problems")

    # ------------------------------------------------------------------ opening
    def path_at(self, index: QModelIndex) -> str:
        src = self.proxy.mapToSource(index)
        return str(self.root / self.model.rows[src.row()][0])

    def _open_index(self, index: QModelIndex) -> None:
        self.openRequested.emit(self.path_at(index))

    def _open_first_visible(self) -> None:
        if self.proxy.rowCount():
            self._open_index(self.proxy.index(0, 0))

    def selected_paths(self) -> list[str]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.path_at(self.proxy.index(r, 0)) for r in sorted(rows)]

    def rel_path(self, path: str) -> str | None:
        """An entry's path as the index keys it (relative to the collection), or None."""
        if self.root is None:
            return None
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def select_path(self, path: str | None) -> None:
        rel = self.rel_path(path) if path is not None else None
        if rel is None:
            return
        for row, r in enumerate(self.model.rows):
            if r[0] == rel:
                idx = self.proxy.mapFromSource(self.model.index(row, 0))
                if idx.isValid():
                    self.table.selectRow(idx.row())
                    self.table.scrollTo(idx)
                return

    def problems_for(self, path: str) -> list:
        rel = self.rel_path(path)
        return self.model.problems.get(rel, []) if rel is not None else []

    def files_written(self) -> None:
        """The app wrote files here (a save, fixes, a rename): index again once, shortly. The
        folder watcher reports the same writes; both land on this one coalescing timer, and
        the refresh reads only the files whose size or mtime changed."""
        if self.root is not None:
            self._rescan.start()
