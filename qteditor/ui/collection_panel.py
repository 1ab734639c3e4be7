"""A simple list of a collection's entries (the collection issue makes it a real browser)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

_TITLE = re.compile(rb"^title:[ \t]*(?:[>|][-+0-9]*[ \t]*\r?\n[ \t]+)?(.+?)\r?$", re.M)
_SUBJECT = re.compile(rb"^subject:[ \t]*['\"]?(.+?)['\"]?[ \t]*\r?$", re.M)


def quick_facts(path: Path) -> tuple[str, str]:
    """Title and subject read from the top of a file (display only; the editor reads fully)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16384)
    except OSError:
        return path.stem, ""
    t = _TITLE.search(head)
    s = _SUBJECT.search(head)
    title = t.group(1).decode("utf-8", "replace").strip() if t else path.stem
    subject = s.group(1).decode("utf-8", "replace").strip() if s else ""
    return title, subject


def content_root(folder: Path) -> Path:
    """A site root holding content/learn opens at that folder."""
    for candidate in (folder / "content" / "learn", folder / "learn"):
        if candidate.is_dir():
            return candidate
    return folder


class CollectionPanel(QWidget):
    """Entries of the open folder; type to filter, Enter or double-click to open."""

    openRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.root: Path | None = None
        self.filter = QLineEdit(placeholderText="Filter entries")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.count = QLabel()
        self.count.setStyleSheet("color: palette(placeholder-text); font-size: 9pt;")
        self.empty = QLabel("No folder open.\nFile ▸ Open Folder… shows its entries here.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.filter)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.count)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.returnPressed.connect(self._open_first_visible)
        self.list.itemActivated.connect(
            lambda item: self.openRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.subjects: list[str] = []
        self._show_empty(True)

    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.list.setVisible(not empty)

    def set_folder(self, folder: Path) -> None:
        self.root = folder
        self.list.clear()
        subjects = set()
        files = sorted(folder.rglob("*.md"))
        for path in files:
            title, subject = quick_facts(path)
            if subject:
                subjects.add(subject)
            item = QListWidgetItem(title)
            rel = path.relative_to(folder)
            item.setToolTip(f"{rel}\n{subject}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{title} {rel} {subject}".lower())
            self.list.addItem(item)
        self.subjects = sorted(subjects, key=str.lower)
        self._show_empty(not files)
        if not files:
            self.empty.setText(f"No entries (.md files) in\n{folder}")
        self._apply_filter(self.filter.text())

    def _apply_filter(self, text: str) -> None:
        words = text.lower().split()
        shown = 0
        for i in range(self.list.count()):
            item = self.list.item(i)
            hay = item.data(Qt.ItemDataRole.UserRole + 1)
            hidden = not all(w in hay for w in words)
            item.setHidden(hidden)
            shown += not hidden
        total = self.list.count()
        self.count.setText(f"{shown} of {total} entries" if words else f"{total} entries")

    def _open_first_visible(self) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if not item.isHidden():
                self.openRequested.emit(item.data(Qt.ItemDataRole.UserRole))
                return

    def select_path(self, path: str | None) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == path:
                self.list.setCurrentItem(item)
                return
