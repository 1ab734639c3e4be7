"""The git dialogs: commit, sync, resolve, history. They only collect choices and show what
will happen (or what happened); the git work is the core's (``core/git.py``: GitWorkspace), run
by the window's git controller (``git_panel.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .change_view import ChangeView
from .dialogs import accept_buttons, fit_screen

if TYPE_CHECKING:
    from ..core.changes import EntryChange
    from ..core.git import CommitItem, ConflictedEntry, LogCommit, SyncResult
    from ..core.merge import Conflict
    from ..core.schema import Schema

_MUTED = "color: palette(placeholder-text);"
STATE_WORDS = {
    "modified": "modified",
    "staged": "staged",
    "new": "new",
    "untracked": "new",
    "deleted": "deleted",
    "conflicted": "in conflict",
}


def _shown(value: Any) -> str:
    """A field's value as text to read (a mapping or a list as indented JSON)."""
    from ..core.yaml import json_safe

    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(json_safe(value), indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------- commit
class CommitDialog(QDialog):
    """The changed entries with checkboxes and their field-level summaries, a message prefilled
    from the checked entries' change (editable), and who the commit is signed by."""

    def __init__(
        self,
        items: list[CommitItem],
        author: str | None,
        suggest: Callable[[list[EntryChange]], str],
        parent: QWidget | None = None,
        note: str | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Commit")
        fit_screen(self, 820, 620)
        self._suggest = suggest
        self._items = items
        self._edited = False  # once the user types, the message is theirs
        self._filling = False
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setUniformRowHeights(False)
        for item in items:
            c = item.change
            title = c.title or c.path.rsplit("/", 1)[-1]
            top = QTreeWidgetItem([f"{title}  —  {STATE_WORDS.get(c.state, c.state)}"])
            top.setToolTip(0, c.path)
            top.setData(0, Qt.ItemDataRole.UserRole, c.path)
            flags = top.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if not item.committable:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            top.setFlags(flags)
            top.setCheckState(0, Qt.CheckState.Checked if item.committable else Qt.CheckState.Unchecked)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for line in item.lines:
                child = QTreeWidgetItem([line])
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)
                child.setToolTip(0, line)
                child.setForeground(0, self.palette().placeholderText())
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        self.tree.itemChanged.connect(lambda *_: self._checks_changed())
        self.message = QPlainTextEdit()
        self.message.setPlaceholderText("What changed and why")
        self.message.setMaximumHeight(90)
        self.message.textChanged.connect(self._typed)
        who = (
            f"Author: {author}"
            if author
            else "git does not know your name and email yet: set user.name and user.email "
            "(git config --global) to commit."
        )
        self.author = QLabel(who)
        self.author.setStyleSheet(_MUTED if author else "color: #cf222e;")
        self.author.setWordWrap(True)
        self.count = QLabel()
        intro = QLabel("Only the checked entries are committed; nothing else is staged.")
        intro.setWordWrap(True)
        buttons, self.commit_button = accept_buttons(self, "Commit")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        if note:
            shown = QLabel(note)
            shown.setWordWrap(True)
            shown.setStyleSheet("color: #9a6700;")
            lay.addWidget(shown)
        lay.addWidget(self.tree, 1)
        lay.addWidget(self.count)
        lay.addWidget(QLabel("Message"))
        lay.addWidget(self.message)
        lay.addWidget(self.author)
        lay.addWidget(buttons)
        self._has_author = bool(author)
        self._checks_changed()

    def _rows(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def set_checked(self, path: str, on: bool) -> None:
        for row in self._rows():
            if row.data(0, Qt.ItemDataRole.UserRole) == path:
                row.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def paths(self) -> list[str]:
        """The checked entries (relative to the repository's top folder)."""
        return [
            r.data(0, Qt.ItemDataRole.UserRole)
            for r in self._rows()
            if r.checkState(0) == Qt.CheckState.Checked and not r.isDisabled()
        ]

    def text(self) -> str:
        return self.message.toPlainText().strip()

    def _typed(self) -> None:
        if not self._filling:
            self._edited = True
        self._update_button()

    def _checks_changed(self) -> None:
        chosen = set(self.paths())
        if not self._edited:
            self._filling = True
            self.message.setPlainText(self._suggest([i.change for i in self._items if i.path in chosen]))
            self._filling = False
        n = len(chosen)
        self.count.setText(f"{n} of {len(self._items)} entr{'y' if len(self._items) == 1 else 'ies'} checked")
        self._update_button()

    def _update_button(self) -> None:
        self.commit_button.setEnabled(bool(self.paths()) and bool(self.text()) and self._has_author)


# ---------------------------------------------------------------------------- sync
class SyncDialog(QDialog):
    """Sync's progress (fetch, merge or rebase, push) with Cancel; then what happened, or what
    stopped it in plain words with what to do next."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None, publish: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Publish Branch" if publish else "Sync")
        fit_screen(self, 620, 380)
        # what Sync ended with (not ``result``: that is QDialog's exit code)
        self.sync_result: SyncResult | None = None
        self.error: Exception | None = None
        # "resolve" when the user asks to resolve conflicts, "publish" to publish the branch
        self.next_action: str | None = None
        self.running = True
        self.step = QLabel("Starting…")
        self.step.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setPlaceholderText("What git said")
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.resolve_button = self.buttons.addButton(
            "Resolve Conflicts…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.resolve_button.hide()
        self.publish_button = self.buttons.addButton("Publish Branch", QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setToolTip(
            "Send this branch to the shared repository and track it there (git push -u)"
        )
        self.publish_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.accept)
        self.resolve_button.clicked.connect(self._resolve)
        self.publish_button.clicked.connect(self._publish)
        lay = QVBoxLayout(self)
        lay.addWidget(self.step)
        lay.addWidget(self.bar)
        lay.addWidget(self.message)
        lay.addWidget(self.advice)
        lay.addWidget(self.details, 1)
        lay.addWidget(self.buttons)

    def _cancel(self) -> None:
        if self.running:
            self.step.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.cancelRequested.emit()
        else:
            self.reject()

    def _resolve(self) -> None:
        self.next_action = "resolve"
        self.accept()

    def _publish(self) -> None:
        self.next_action = "publish"
        self.accept()

    def reject(self) -> None:  # Escape while running cancels, and waits for the worker
        if self.running:
            self._cancel()
            return
        super().reject()

    def on_progress(self, step: str, fraction: float | None, text: str) -> None:
        words = {"fetch": "Fetching", "merge": "Merging", "rebase": "Rebasing", "push": "Sending"}
        self.step.setText(f"{words.get(step, step.capitalize())}: {text}")
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(int(fraction * 100))
        self.details.appendPlainText(text)

    def _finished(self) -> None:
        self.running = False
        self.bar.setRange(0, 100)
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)

    def on_done(self, result: SyncResult) -> None:
        self.sync_result = result
        self._finished()
        self.bar.setValue(100)
        self.step.setText("Done.")
        self.message.setText(result.message)
        if result.changed:
            self.advice.setText(
                f"{len(result.changed)} file(s) changed by the pull; open entries were reloaded."
            )

    def on_failed(self, error: Exception | None) -> None:
        self.error = error
        self._finished()
        self.bar.setValue(0)
        kind = getattr(error, "kind", "other")
        self.step.setText("Cancelled." if kind == "cancelled" else "Sync stopped.")
        self.message.setText(f"<b>{_html(getattr(error, 'message', str(error)))}</b>")
        self.advice.setText(getattr(error, "advice", ""))
        detail = getattr(error, "detail", "")
        if detail:
            self.details.appendPlainText(detail)
        if kind == "conflicts":
            self.resolve_button.show()
            self.resolve_button.setDefault(True)
        elif kind == "no-upstream":  # a new branch, or its upstream deleted on the remote
            self.publish_button.show()
            self.publish_button.setDefault(True)
            self.publish_button.setFocus()


def _html(text: str) -> str:
    from html import escape

    return escape(text)


# ---------------------------------------------------------------------------- resolve
class ResolveDialog(QDialog):
    """A conflicted entry: each conflicting field side by side (base, mine, theirs), with mine,
    theirs or an edit of it; everything else is already merged. A file that cannot be merged
    field by field offers its whole versions."""

    MINE, THEIRS, EDIT = "mine", "theirs", "edit"

    def __init__(
        self, conflicted: ConflictedEntry, parent: QWidget | None = None, schema: Schema | None = None
    ):
        super().__init__(parent)
        from ..core import changes

        self.conflicted = conflicted
        self.setWindowTitle(f"Resolve — {conflicted.path.rsplit('/', 1)[-1]}")
        fit_screen(self, 1100, 700)
        mine = conflicted.mine
        other = "theirs" if mine == "ours" else "ours"
        self._sides = {self.MINE: mine, self.THEIRS: other}
        self.rows: list[tuple[Conflict, QButtonGroup, QPlainTextEdit]] = []
        lay = QVBoxLayout(self)
        where = "rebase" if conflicted.rebase else "merge"
        intro = QLabel(
            f"<b>{_html(conflicted.path)}</b> could not be merged ({where}). "
            + (
                "Everything else is already merged: choose each field below."
                if conflicted.mergeable and conflicted.conflicts
                else "It cannot be merged field by field"
                + (f" ({_html(conflicted.error)})" if conflicted.error else "")
                + ": choose one whole version."
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.whole: QButtonGroup | None = None
        if conflicted.mergeable and conflicted.conflicts:
            body = QWidget()
            column = QVBoxLayout(body)
            for c in conflicted.conflicts:
                column.addWidget(self._conflict_box(c, changes.label(c.path, schema) if c.path else "Body"))
            column.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(body)
            lay.addWidget(scroll, 1)
        else:
            self.whole = QButtonGroup(self)
            box = QGroupBox("Keep")
            row = QHBoxLayout(box)
            sides = {"ours": conflicted.ours, "theirs": conflicted.theirs}
            gone = {k: sides[self._sides[k]] is None for k in (self.MINE, self.THEIRS)}
            for n, (key, text) in enumerate(
                (
                    (self.MINE, "Mine (I deleted the file)" if gone[self.MINE] else "Mine (my version)"),
                    (
                        self.THEIRS,
                        "Theirs (deleted there: the file is removed)"
                        if gone[self.THEIRS]
                        else "Theirs (the incoming version)",
                    ),
                )
            ):
                b = QRadioButton(text)
                b.setProperty("choice", key)
                self.whole.addButton(b, n)
                row.addWidget(b)
            self.whole.button(0).setChecked(True)
            lay.addWidget(box)
            lay.addStretch(1)
        buttons, self.resolve_button = accept_buttons(self, "Resolve")
        lay.addWidget(buttons)

    def _conflict_box(self, c: Conflict, label: str) -> QGroupBox:
        box = QGroupBox(f"{label}  ({'.'.join(map(str, c.path)) if c.path else 'body'})")
        grid = QGridLayout(box)
        mine_side = self._sides[self.MINE]
        values = {"base": c.base, "ours": c.ours, "theirs": c.theirs}
        columns = (("Base", "base"), ("Mine", mine_side), ("Theirs", self._sides[self.THEIRS]))
        for col, (title, side) in enumerate(columns):
            absent = side in getattr(c, "absent", ())
            grid.addWidget(QLabel(f"<b>{title}</b>" + (" (removed)" if absent else "")), 0, col)
            view = QPlainTextEdit(readOnly=True)
            view.setPlainText("(not there)" if absent else _shown(values[side]))
            view.setMinimumHeight(60)
            view.setMaximumHeight(160)
            grid.addWidget(view, 1, col)
        group = QButtonGroup(box)
        choices = QHBoxLayout()
        for n, (key, text) in enumerate(((self.MINE, "Mine"), (self.THEIRS, "Theirs"), (self.EDIT, "Edit:"))):
            b = QRadioButton(text)
            b.setProperty("choice", key)
            group.addButton(b, n)
            choices.addWidget(b)
        choices.addStretch(1)
        group.button(0).setChecked(True)
        editor = QPlainTextEdit()
        mine_value = values[mine_side]
        editable = isinstance(mine_value, str) or mine_value is None
        editor.setPlainText(mine_value if isinstance(mine_value, str) else "")
        editor.setEnabled(False)
        editor.setMaximumHeight(120)
        group.button(2).setEnabled(editable)
        if not editable:
            group.button(2).setToolTip("Only text can be edited here; choose a side")
        group.idToggled.connect(lambda i, on: editor.setEnabled(group.checkedId() == 2))
        grid.addLayout(choices, 2, 0, 1, 3)
        grid.addWidget(editor, 3, 0, 1, 3)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        self.rows.append((c, group, editor))
        return box

    def choose(self, index: int, choice: str, text: str | None = None) -> None:
        """Set conflict ``index``'s choice (mine, theirs, or edit with ``text``)."""
        _c, group, editor = self.rows[index]
        group.button({self.MINE: 0, self.THEIRS: 1, self.EDIT: 2}[choice]).setChecked(True)
        if text is not None:
            editor.setPlainText(text)

    def choices(self) -> dict:
        """What ``GitWorkspace.resolve`` takes: conflict key -> "ours" | "theirs" | Value."""
        from ..core.merge import Value

        out: dict[Any, Any] = {}
        for c, group, editor in self.rows:
            choice = _choice(group, self.MINE)
            out[c.key] = Value(editor.toPlainText()) if choice == self.EDIT else self._sides[choice]
        return out

    def whole_side(self) -> str | None:
        """For a file resolved as a whole: "ours" or "theirs" (git's names); else None."""
        if self.whole is None:
            return None
        return self._sides[_choice(self.whole, self.MINE)]


def _choice(group: QButtonGroup, default: str) -> str:
    """The choice of a group of radio buttons (one is always checked; ``default`` else)."""
    button = group.checkedButton()
    return str(button.property("choice")) if button is not None else default


# ---------------------------------------------------------------------------- history
class HistoryDialog(QDialog):
    """An entry's commits, newest first; each one's change field by field. Restore one field,
    or the whole entry, as it was after the chosen commit."""

    def __init__(
        self,
        commits: list[LogCommit],
        name: str,
        parent: QWidget | None = None,
        schema: Schema | None = None,
        can_restore: bool = True,
    ):
        super().__init__(parent)
        self.setWindowTitle(f"History — {name}")
        fit_screen(self, 1100, 680)
        self.commits = commits
        self.schema = schema
        self.choice: tuple | None = None
        self.list = QListWidget()
        for c in commits:
            when = c.date[:16].replace("T", " ")
            item = QListWidgetItem(
                f"{when}  {c.subject}\n{c.author} · {c.commit[:8]}"
                + (f" · {len(c.fields)} field(s)" if c.fields else "")
            )
            item.setToolTip(f"{c.commit}\n{c.author} <{c.email}>\n{c.path}")
            self.list.addItem(item)
        self.view = ChangeView()
        self.fields = QListWidget()
        self.fields.setMaximumHeight(120)
        self.restore_field_button = QPushButton("Restore This Field")
        self.restore_version_button = QPushButton("Restore This Version")
        self.restore_field_button.setToolTip(
            "Put the chosen field back as it was after this commit (only its lines change)"
        )
        self.restore_version_button.setToolTip(
            "Put the whole entry back as it was after this commit (a minimal diff)"
        )
        self._can_restore = can_restore
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        # a long subject without spaces wraps nowhere: it is cut, never widens the dialog
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        rl.addWidget(self.heading)
        rl.addWidget(self.view, 1)
        rl.addWidget(QLabel("Fields this commit changed"))
        rl.addWidget(self.fields)
        row = QHBoxLayout()
        row.addWidget(self.restore_field_button)
        row.addWidget(self.restore_version_button)
        row.addStretch(1)
        rl.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        split.setSizes([340, 700])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        if not commits:
            lay.addWidget(QLabel("No commits of this entry yet."))
        if not can_restore:
            note = QLabel("Save or revert the open entry first to restore from its history.")
            note.setStyleSheet("color: #9a6700;")
            lay.addWidget(note)
        lay.addWidget(split, 1)
        lay.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.fields.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.restore_field_button.clicked.connect(self._restore_field)
        self.restore_version_button.clicked.connect(self._restore_version)
        if commits:
            self.list.setCurrentRow(0)
        else:
            self._update_buttons()

    def current(self) -> LogCommit | None:
        row = self.list.currentRow()
        return self.commits[row] if 0 <= row < len(self.commits) else None

    def _show(self, row: int) -> None:
        from ..core.entry import Entry
        from ..core.errors import QtEditorError

        c = self.current()
        self.fields.clear()
        if c is None:
            self.view.clear()
            self._update_buttons()
            return
        self.heading.setText(
            f"<b>{_html(c.subject)}</b> — {_html(c.author)}, "
            f"{_html(c.date[:19].replace('T', ' '))}"
            + (f"<br>renamed from {_html(c.old_path)}" if c.old_path else "")
        )
        try:
            old = Entry.from_bytes(c.old, c.path) if c.old is not None else None
            new = Entry.from_bytes(c.new, c.path) if c.new is not None else None
        except QtEditorError as exc:
            self.view.setPlainText(f"This version does not read as an entry: {exc}")
            old = new = None
        else:
            if new is None:
                self.view.setHtml("<p>The entry was deleted in this commit.</p>")
            else:
                self.view.show_change(
                    old.fields() if old else {},
                    new.fields(),
                    old.body if old else None,
                    new.body,
                    self.schema,
                )
        for name in c.fields:
            self.fields.addItem(name)
        if c.fields:
            self.fields.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        c = self.current()
        ok = self._can_restore and c is not None and c.new is not None
        self.restore_version_button.setEnabled(ok)
        field = self.fields.currentItem()
        self.restore_field_button.setEnabled(ok and field is not None and not field.text().startswith("("))

    def select(self, commit_index: int, field: str | None = None) -> None:
        self.list.setCurrentRow(commit_index)
        if field is not None:
            items = self.fields.findItems(field, Qt.MatchFlag.MatchExactly)
            if items:
                self.fields.setCurrentItem(items[0])

    def _restore_field(self) -> None:
        self.choice = ("field", self.current(), self.fields.currentItem().text())
        self.accept()

    def _restore_version(self) -> None:
        self.choice = ("version", self.current(), None)
        self.accept()
