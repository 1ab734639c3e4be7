"""Dialogs: review the exact diff a save will write, regenerate slugs, show errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .fit import fit_screen

if TYPE_CHECKING:  # (for the annotations only)
    from PySide6.QtWidgets import QPushButton

    from ..core.collection import Collection, Record
    from ..core.journal import JournalItem
    from ..core.merge import Conflict
    from ..core.schema import Schema

__all__ = ["fit_screen"]  # dialogs keep their size helper at hand


def save_diff(old: bytes, new: bytes, name: str) -> str:
    """What a save writes, for reading: the core's diff (``plan.unified_diff``) with two
    lines of context, a carriage return shown as ␍ and a missing last line break as ⏎."""
    from ..core.plan import unified_diff

    return unified_diff(
        old, new, name, (f"{name} (on disk)", f"{name} (after saving)"), context=2, readable=True
    )


class _DiffColors(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        fmt = QTextCharFormat()
        if text.startswith("+") and not text.startswith("+++"):
            fmt.setBackground(QColor(46, 160, 67, 60))
        elif text.startswith("-") and not text.startswith("---"):
            fmt.setBackground(QColor(248, 81, 73, 60))
        elif text.startswith("@@"):
            fmt.setForeground(QColor("#8250df"))
        else:
            return
        self.setFormat(0, len(text), fmt)


def diff_view(text: str) -> QPlainTextEdit:
    """A read-only, unwrapped, monospaced view of a unified diff, coloured by line."""
    view = QPlainTextEdit(readOnly=True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setPlainText(text)
    view.colors = _DiffColors(view.document())  # type: ignore[attr-defined]  # kept with the view
    return view


def header_grid(*titles: str) -> QGridLayout:
    """A grid whose first row holds bold column titles."""
    grid = QGridLayout()
    for col, title in enumerate(titles):
        grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
    return grid


def accept_buttons(
    dialog: QDialog,
    accept_text: str,
    enabled: bool = True,
    cancel: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Cancel,
) -> tuple[QDialogButtonBox, QPushButton]:
    """Buttons with one accepting button (returned) and a cancel/close button."""
    buttons = QDialogButtonBox()
    accept = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
    accept.setEnabled(enabled)
    buttons.addButton(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, accept


class ReviewChangesDialog(QDialog):
    """What Save will write, before it writes it: field by field ("Fields", word-level marks)
    and as the exact diff of the file's lines ("Lines"); against the file on disk, or, in a git
    repository (``committed``: the entry's bytes in the last commit), against the last commit."""

    DISK, COMMIT = "disk", "commit"

    def __init__(
        self,
        old: bytes,
        new: bytes | None,
        name: str,
        parent: QWidget | None = None,
        committed: bytes | None = None,
        schema: Schema | None = None,
    ):
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox, QHBoxLayout, QTabWidget

        from .change_view import ChangeView

        self.setWindowTitle(f"Review changes — {name}")
        fit_screen(self, 900, 560)
        self._old, self._new, self._name = old, new, name
        self._committed, self._schema = committed, schema
        diff = save_diff(old, new, name) if new is not None else ""
        self.diff = diff  # against the file on disk: what Save writes
        self.against = QComboBox()
        self.against.addItem("against the file on disk", self.DISK)
        if committed is not None:
            self.against.addItem("against the last commit", self.COMMIT)
        self.against.setEnabled(committed is not None)
        self.against.setToolTip(
            "Compare what Save writes with the file as it is on disk now, or "
            "with the entry as it is in the last git commit"
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.fields = ChangeView()
        self.lines = diff_view("")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.fields, "Fields")
        self.tabs.addTab(self.lines, "Lines")
        buttons, self.save_button = accept_buttons(
            self, "Save", bool(diff), QDialogButtonBox.StandardButton.Close
        )
        top = QHBoxLayout()
        top.addWidget(QLabel("Changes"))
        top.addWidget(self.against)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(buttons)
        self.against.currentIndexChanged.connect(lambda _i: self.show_against())
        self.show_against(self.DISK)

    def show_against(self, which: str | None = None) -> None:
        """Show the change against the file on disk or against the last commit."""
        if which is not None:
            self.against.setCurrentIndex(max(0, self.against.findData(which)))
        which = self.against.currentData()
        base = self._committed if which == self.COMMIT else self._old
        new = self._new if self._new is not None else self._old
        diff = save_diff(base or b"", new, self._name).replace(
            "(on disk)", "(last commit)" if which == self.COMMIT else "(on disk)", 1
        )
        nothing = (
            "No changes: saving would write nothing."
            if which == self.DISK
            else "No changes since the last commit."
        )
        self.lines.setPlainText(diff or nothing)
        self.fields.setHtml(_fields_html(base or b"", new, self._name, self._schema))
        changed = sum(
            1 for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
        )
        if which == self.DISK:
            self.summary.setText(
                f"{changed} changed line(s). Only these lines change on disk."
                if diff
                else "The file on disk already holds this entry."
            )
        else:
            self.summary.setText(
                f"{changed} line(s) differ from the last commit (saved or not)."
                if diff
                else "The entry is as in the last commit."
            )


def _fields_html(old: bytes, new: bytes, name: str, schema: Schema | None = None) -> str:
    """Two versions of an entry as field-level HTML (ChangeView's), or why they cannot be."""
    from html import escape

    from ..core.entry import Entry
    from ..core.errors import QtEditorError
    from .change_view import changes_html

    try:
        a = Entry.from_bytes(old, name) if old else None
        b = Entry.from_bytes(new, name)
    except QtEditorError as exc:
        return f"<p>Not comparable field by field: {escape(str(exc))}. See the lines.</p>"
    return changes_html(a.fields() if a else {}, b.fields(), a.body if a else None, b.body, schema)


class RegenerateDialog(QDialog):
    """Old and new file name, URL and SEO title, before anything changes."""

    def __init__(self, plan: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Regenerate from title")
        grid = header_grid("Field", "Now", "After")
        for r, (key, (old, new)) in enumerate(plan.items(), start=1):
            grid.addWidget(QLabel(key), r, 0)
            for col, value in ((1, old or "—"), (2, new)):
                # a line that scrolls, not a label as wide as the longest URL
                shown = QLineEdit(str(value))
                shown.setReadOnly(True)
                shown.setFrame(False)
                shown.setCursorPosition(0)
                shown.setMinimumWidth(160)
                shown.setToolTip(str(value))
                if col == 2 and old != new:
                    shown.setStyleSheet("color: #1a7f37; font-weight: bold; background: transparent;")
                else:
                    shown.setStyleSheet("background: transparent;")
                grid.addWidget(shown, r, col)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        note = QLabel(
            "A published URL is a permalink: links to the old URL break unless the site "
            "redirects it. The file is renamed when you save under the new name."
        )
        note.setWordWrap(True)
        buttons, self.regenerate_button = accept_buttons(self, "Regenerate")
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(note)
        lay.addWidget(buttons)
        fit_screen(self, 900, self.sizeHint().height())


def show_error(parent: QWidget | None, title: str, error: Exception) -> None:
    """An error as a message (file:line:column: message), never a traceback; a file refused as
    read-only says what the writer can do."""
    from .advice import error_text

    text = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


class RecoveryDialog(QDialog):
    """Unsaved edits from a session that ended abruptly: the diff against the file on disk."""

    def __init__(
        self, item: JournalItem, disk: bytes, parent: QWidget | None = None, content: bytes | None = None
    ):
        super().__init__(parent)
        import datetime as dt
        from pathlib import Path

        name = Path(item.path).name if item.path else "a new entry (never saved)"
        when = dt.datetime.fromtimestamp(item.written).strftime("%Y-%m-%d %H:%M:%S")
        self.setWindowTitle("Recover unsaved edits")
        fit_screen(self, 860, 520)
        label = QLabel(
            f"qteditor ended before <b>{name}</b> was saved. "
            f"Edits journaled at {when}; your changes, put onto the file as it is "
            "on disk now:"
        )
        label.setWordWrap(True)
        # content: the edits merged onto the disk version (changes made on disk meanwhile are
        # not shown as the user's)
        self.diff = save_diff(disk, item.content if content is None else content, name)
        text = diff_view(self.diff or "(no difference)")
        buttons = QDialogButtonBox()
        recover = buttons.addButton("Recover", QDialogButtonBox.ButtonRole.AcceptRole)
        discard = buttons.addButton("Discard", QDialogButtonBox.ButtonRole.DestructiveRole)
        later = buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        self._choice = "later"
        recover.clicked.connect(lambda: self._done("recover"))
        discard.clicked.connect(lambda: self._done("discard"))
        later.clicked.connect(lambda: self._done("later"))
        lay = QVBoxLayout(self)
        lay.addWidget(label)
        lay.addWidget(text)
        lay.addWidget(buttons)

    def _done(self, choice: str) -> None:
        self._choice = choice
        self.accept()

    def choice(self) -> str:
        self.exec()
        return self._choice


class ConflictDialog(QDialog):
    """Fields both you and someone else changed: choose, field by field."""

    def __init__(self, conflicts: list[Conflict], parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QComboBox, QFrame, QScrollArea

        self.setWindowTitle("Changed on disk and here")
        grid = header_grid("Field", "Yours", "On disk", "Keep")
        self.combos = []
        for r, c in enumerate(conflicts, start=1):
            grid.addWidget(QLabel(".".join(map(str, c.path))), r, 0)
            for col, value in ((1, c.ours), (2, c.theirs)):
                shown = QLabel(_short(value))
                shown.setWordWrap(True)  # long values wrap; the dialog stays on screen
                shown.setMinimumWidth(120)
                shown.setToolTip(str(value))
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(shown, r, col)
            combo = QComboBox()
            combo.addItems(["Yours", "On disk"])
            grid.addWidget(combo, r, 3)
            self.combos.append(combo)
        note = QLabel(
            "Everything else was merged: fields changed on one side only take that "
            "side, and the answer merged line by line."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        # the fields scroll: forty conflicting fields made the dialog taller than the screen
        # (its OK button below it)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(scroll, 1)
        lay.addWidget(buttons)
        wanted = note.sizeHint().height() + body.sizeHint().height() + buttons.sizeHint().height() + 40
        fit_screen(self, 900, wanted)

    def choices(self) -> list[bool]:
        self.exec()
        return [c.currentIndex() == 1 for c in self.combos]


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


class PickerDialog(QDialog):
    """Choose an entry of the collection: suggestions first, search as you type."""

    def __init__(
        self,
        collection: Collection,
        by_path: dict,
        suggestions: list,
        exclude: set,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        from PySide6.QtWidgets import QLineEdit, QListWidget

        self.setWindowTitle("Pick a related article")
        fit_screen(self, 640, 480)
        self.collection, self.by_path, self.exclude = collection, by_path, exclude
        self.search = QLineEdit(placeholderText="Search the collection")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.caption = QLabel("Suggested (similar text):")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.results.itemActivated.connect(lambda _i: self.accept())
        self.search.textChanged.connect(self._search)
        lay = QVBoxLayout(self)
        lay.addWidget(self.search)
        lay.addWidget(self.caption)
        lay.addWidget(self.results, 1)
        lay.addWidget(buttons)
        self.show_records(suggestions)

    def show_records(self, records: list) -> None:
        from PySide6.QtWidgets import QListWidgetItem

        self.results.clear()
        for r in records:
            item = QListWidgetItem(f"{r.fields.get('title')}  —  {r.fields.get('subject')}")
            item.setData(Qt.ItemDataRole.UserRole, r.path)
            item.setToolTip(str(r.fields.get("url")))
            self.results.addItem(item)
        if records:
            self.results.setCurrentRow(0)

    def _search(self, text: str) -> None:
        if not text.strip():
            self.caption.setText("Type to search")
            self.results.clear()
            return
        paths = [p for p in self.collection.search(text, 50) if p not in self.exclude]
        self.caption.setText(f"{len(paths)} found")
        self.show_records([self.by_path[p] for p in paths if p in self.by_path])

    def chosen(self) -> Record | None:
        item = self.results.currentItem()
        return self.by_path.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def pick(self) -> Record | None:
        return self.chosen() if self.exec() else None


class BatchDialog(QDialog):
    """The combined diff of a change to many files (fix all of a rule, batch edit), before
    anything is written."""

    def __init__(self, title: str, changes: list, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        fit_screen(self, 900, 560)
        diffs = "".join(c.diff() for c in changes)
        errors = [str(c.error) for c in changes if c.error is not None]
        count = sum(c.new is not None for c in changes)
        text = diff_view(
            diffs + ("\n".join(["", "Not possible:"] + errors) if errors else "") or "Nothing to change."
        )
        summary = QLabel(
            f"{count} file(s) will change"
            + (f"; {len(errors)} cannot" if errors else "")
            + ". Only the lines shown change."
        )
        buttons, self.apply_button = accept_buttons(self, "Apply", count > 0)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(text)
        lay.addWidget(buttons)
