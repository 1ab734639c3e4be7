"""The window's git: the browser's Git column and filter, branch and ahead/behind in the status
bar, the Git menu (commit, sync, resolve, history, set up), and the one-line notices (no git;
set up the merge drivers). Git work is the core's (``GitWorkspace``); status and sync run off the
GUI thread and their results come back by queued signals.

Without git (or in a folder that is not in a repository) every git feature is hidden; when the
folder is in a repository but git is missing, one notice says so and everything else works.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from .icons import action
from .inline_note import InlineNote

if TYPE_CHECKING:
    from .main_window import MainWindow

OFF, NO_GIT, NO_REPO, ON = "off", "no-git", "no-repo", "on"


class _Signals(QObject):
    status = Signal(int, object)  # generation, result
    progress = Signal(str, object, str)  # step, fraction or None, text
    synced = Signal(object, object)  # result, error


class _Busy:
    """A wait cursor while a short local git call runs (commit, log, resolve, restore)."""

    def __enter__(self):
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc):
        QGuiApplication.restoreOverrideCursor()


def _in_a_repository(folder: Path) -> bool:
    """Whether a ``.git`` is at or above ``folder`` (asked without git, to know whether a
    missing git deserves a notice)."""
    return any((p / ".git").exists() for p in [folder, *folder.parents])


class GitController(QObject):
    """Git for the window's collection. ``state``: off (no folder), no-git, no-repo, on."""

    statusReady = Signal()  # a status was shown (tests and the window wait for it)
    AFTER_ROWS_MS = 150

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.ws = None  # core.git.GitWorkspace of the folder shown
        self.state = OFF
        self.status = None  # the last core.git.Status
        self.states: dict[str, tuple[str, list]] = {}  # browser path -> (state, fields)
        self.error: str | None = None
        self._generation = 0
        self._running = False
        self._again = False
        self._checked_setup: set[str] = set()
        self._signals = _Signals()
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.status.connect(self._status_ready, queued)
        self._signals.progress.connect(self._sync_progress, queued)
        self._signals.synced.connect(self._sync_finished, queued)
        self._sync_dialog = None
        self._cancel = threading.Event()
        self.branch_label = QLabel()
        self.branch_label.hide()
        window.statusBar().addPermanentWidget(self.branch_label)
        panel = window.collection_panel
        self.notice = QLabel()  # no git: the one notice
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #9a6700; font-size: 9pt;")
        self.notice.hide()
        self.setup_note = InlineNote("Set Up")
        self.setup_note.activated.connect(lambda _t: self.setup())
        self.setup_note.close_button.clicked.connect(self._setup_dismissed)
        panel.layout().addWidget(self.notice)
        panel.layout().addWidget(self.setup_note)
        # every re-index (the poll, the folder watcher, saves) asks again, a moment after the
        # rows are shown: the browser paints them first, and close requests are one read
        self._soon = QTimer(self, singleShot=True, interval=self.AFTER_ROWS_MS)
        self._soon.timeout.connect(self.refresh)
        panel.rowsShown.connect(self._soon.start)

    # ------------------------------------------------------------------ status, off the GUI thread
    def refresh(self) -> None:
        """Read git status in the background (one at a time; a request during a run starts one
        more after it)."""
        root = self.w.collection_panel.root
        if root is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        generation = self._generation
        ws = self.ws if self.ws is not None and self._root == root else None
        check_setup = True
        signals = self._signals

        def job() -> None:
            from ..core import git

            try:
                work = ws or git.GitWorkspace(root)
                status = work.status(fields=True)
                setup = None
                top = str(work.repo.top)
                if check_setup and top not in self._checked_setup:
                    setup = git.is_setup(root)
                result: tuple = (ON, work, status, setup, root)
            except git.GitUnavailable as exc:
                result = (NO_GIT, str(exc), _in_a_repository(Path(root)), root)
            except git.NotARepository:
                result = (NO_REPO, None, root)
            except Exception as exc:  # noqa: BLE001 - shown as one line, never a traceback
                result = (
                    "error",
                    f"{type(exc).__name__}: {exc}" if not isinstance(exc, git.GitError) else str(exc),
                    root,
                )
            try:
                signals.status.emit(generation, result)
            except RuntimeError:
                pass  # the window closed meanwhile

        # a daemon thread: a status read writes nothing, so quitting never waits for it
        threading.Thread(target=job, name="git-status", daemon=True).start()

    _root: Path | None = None

    def _status_ready(self, generation: int, result: tuple) -> None:
        self._running = False
        panel = self.w.collection_panel
        kind, root = result[0], result[-1]
        if generation == self._generation and root == panel.root:
            if kind == ON:
                self._show_on(*result[1:4])
                self._root = root
            elif kind == NO_GIT:
                self._show_off(NO_GIT, result[1] if result[2] else None)
            elif kind == NO_REPO:
                self._show_off(NO_REPO, None)
            else:
                self.error = result[1]
                self.w.statusBar().showMessage(f"git status failed: {result[1]}", 8000)
            self.statusReady.emit()
        if self._again or root != panel.root:
            self._again = False
            self.refresh()

    def _show_off(self, state: str, notice: str | None) -> None:
        self.ws, self.status, self.states, self.state = None, None, {}, state
        self._root = None
        self.w.collection_panel.set_git_states(None)
        self.branch_label.hide()
        self.setup_note.show_note(None)
        self.notice.setText(notice or "")
        self.notice.setVisible(bool(notice))
        self._update_actions()

    def _show_on(self, ws, status, setup) -> None:
        self.ws, self.status, self.state, self.error = ws, status, ON, None
        self.notice.hide()
        scope = ws.scope
        prefix = "" if scope in ("", ".") else scope.rstrip("/") + "/"
        states = {}
        for e in status.entries:
            if prefix and not e.path.startswith(prefix):
                continue
            states[e.path[len(prefix) :]] = (e.state, list(e.fields))
        self.states = states
        self.w.collection_panel.set_git_states(states)
        self._show_branch(status)
        if setup is not None:
            top = str(ws.repo.top)
            self._checked_setup.add(top)
            offered = top in self.w.settings.get("git/setup_offered")
            if not setup and not offered:
                self.setup_note.show_note(
                    "Two edits of one entry conflict in plain git: set up "
                    "qteditor's merge drivers for this repository?",
                    top,
                )
        self._update_actions()

    def _show_branch(self, s) -> None:
        branch = s.branch or "detached HEAD"
        text = f"⎇ {branch}"
        tip = [f"Branch {branch}" if s.branch else "Not on a branch (detached HEAD)"]
        if s.upstream:
            text += f"  ↑{s.ahead} ↓{s.behind}"
            tip.append(
                f"tracking {s.upstream}: {s.ahead} commit(s) to send, {s.behind} to "
                "bring in (as of the last fetch)"
            )
        else:
            tip.append("not shared (no upstream)")
        changed = len(self.states)
        if changed:
            text += f"  · {changed} changed"
        if s.operation:
            conflicted = sum(1 for st, _f in self.states.values() if st == "conflicted")
            text += f"  · {s.operation} in progress" + (f", {conflicted} conflicted" if conflicted else "")
        self.branch_label.setText(text)
        self.branch_label.setToolTip("\n".join(tip))
        self.branch_label.show()

    # ------------------------------------------------------------------ helpers
    def _update_actions(self) -> None:
        on = self.state == ON
        menu = getattr(self, "menu", None)
        if menu is not None:
            menu.menuAction().setVisible(on)
        for act in getattr(self, "actions", []):
            act.setEnabled(on)
        if on and self.status is not None:
            self.act_sync.setEnabled(self.status.operation is None)
            self.act_resolve.setEnabled(
                any(st == "conflicted" for st, _f in self.states.values())
                or self.status.operation is not None
            )

    def _message(self, title: str, exc: Exception) -> None:
        """A git error in plain words (its message and what to do next), never a traceback."""
        from .dialogs import show_error

        advice = getattr(exc, "advice", "")
        text = getattr(exc, "message", None) or str(exc)
        show_error(self.w, title, Exception(text + ("\n\n" + advice if advice else "")))

    def is_conflicted(self, path: str | Path) -> bool:
        rel = self.w.collection_panel.rel_path(str(path))
        return self.state == ON and rel is not None and self.states.get(rel, ("",))[0] == "conflicted"

    def _reload(self, paths: list[str]) -> None:
        """Entries written by git or the core: the open one reloads through the window's
        outside-change path; the browser re-reads what changed."""
        s = self.w.session
        if s is not None and s.path:
            mine = Path(s.path).resolve()
            if any(Path(p).resolve() == mine for p in paths):
                self.w.on_outside_change(s.path)
        self.w.collection_panel.files_written()

    def committed_bytes(self, path: str | None) -> bytes | None:
        """The entry as it is in the last commit (None: no git, not committed, not in the
        repository): what Review Changes compares with "against the last commit"."""
        if self.state != ON or self.ws is None or not path:
            return None
        from ..core.git import GitError

        try:
            return self.ws.repo.show("HEAD", path)
        except GitError:
            return None

    # ------------------------------------------------------------------ commit
    def commit(self, choose=None) -> str | None:
        """The commit dialog: the changed entries, a message from their change; commits the
        checked ones. ``choose(dialog)`` instead of running it (tests). The new commit's id."""
        from ..core.git import GitError

        if self.state != ON:
            return None
        if not self.w.maybe_save():
            return None
        from .git_dialogs import CommitDialog

        with _Busy():
            try:
                items = self.ws.commit_items()
                author = self.ws.repo.author()
            except GitError as exc:
                self._message("Commit", exc)
                return None
        if not items:
            self.w.statusBar().showMessage("Nothing to commit: every entry is as in the last commit", 5000)
            return None
        dialog = CommitDialog(items, author, self.ws.suggest_message, self.w)
        ok = choose(dialog) if choose else dialog.exec()
        if not ok:
            return None
        with _Busy():
            try:
                sha = self.ws.commit([self.ws.repo.top / p for p in dialog.paths()], dialog.text())
            except GitError as exc:
                self._message("Not committed", exc)
                return None
        n = len(dialog.paths())
        self.w.statusBar().showMessage(
            f"Committed {n} entr{'y' if n == 1 else 'ies'} as {sha[:8]}: {dialog.text().splitlines()[0]}",
            8000,
        )
        self.refresh()
        return sha

    # ------------------------------------------------------------------ sync
    def sync(self, modal: bool = True):
        """Fetch, merge or rebase (pull.rebase), push, in a worker thread; the Sync dialog shows
        its progress with Cancel, then what happened or what to do next."""
        if self.state != ON or self._sync_dialog is not None:
            return None
        from .git_dialogs import SyncDialog

        s = self.w.session
        if s is not None and s.dirty and not self.w.maybe_save():
            return None
        dialog = SyncDialog(self.w)
        self._sync_dialog = dialog
        self._cancel = threading.Event()
        dialog.cancelRequested.connect(self._cancel.set)
        ws, signals, cancel = self.ws, self._signals, self._cancel

        def progress(step: str, fraction, text: str) -> None:
            try:
                signals.progress.emit(step, fraction, text)
            except RuntimeError:
                pass

        def job() -> None:
            from ..core.git import GitError

            result = error = None
            try:
                result = ws.sync(progress, cancel)
            except GitError as exc:
                error = exc
            except Exception as exc:  # noqa: BLE001 - said in the dialog, never a traceback
                error = exc
            try:
                signals.synced.emit(result, error)
            except RuntimeError:
                pass

        threading.Thread(target=job, name="git-sync").start()  # not a daemon: it writes
        if not modal:
            dialog.show()
            return dialog
        dialog.exec()
        self._after_sync(dialog)
        return dialog

    def _sync_progress(self, step: str, fraction, text: str) -> None:
        if self._sync_dialog is not None:
            self._sync_dialog.on_progress(step, fraction, text)

    def _sync_finished(self, result, error) -> None:
        dialog = self._sync_dialog
        top = self.ws.repo.top if self.ws is not None else None
        if top is not None:  # what the pull changed; the open entry is looked at in any case
            # (a merge stopped at conflicts has changed files too): unchanged bytes are a no-op
            s = self.w.session
            self._reload(
                [str(top / p) for p in (result.changed if result is not None else [])]
                + ([s.path] if s is not None and s.path else [])
            )
        if dialog is not None:
            if result is not None:
                dialog.on_done(result)
            else:
                dialog.on_failed(error)
        self.refresh()

    def _after_sync(self, dialog) -> None:
        self._sync_dialog = None
        if dialog.next_action == "resolve":
            self.resolve_all()

    # ------------------------------------------------------------------ resolve
    def resolve_all(self) -> int:
        """Open the resolver for each conflicted entry; when none is left, offer to finish the
        merge (or rebase). How many were resolved."""
        from ..core.git import GitError

        if self.ws is None:
            return 0
        try:
            left = self.ws.conflicted()
        except GitError as exc:
            self._message("Resolve", exc)
            return 0
        done = 0
        for rel in left:
            if not self.resolve_entry(str(self.ws.repo.top / rel)):
                break
            done += 1
        self._offer_finish()
        return done

    def _offer_finish(self) -> None:
        from ..core.git import GitError

        repo = self.ws.repo
        op = repo.operation()
        if op is None or repo.conflicted():
            self.refresh()
            return
        answer = QMessageBox.question(
            self.w,
            "Finish the " + op,
            f"Every conflict is resolved. Finish the {op} now (a "
            f"{'merge commit' if op == 'merge' else 'continued rebase'}"
            ")? Then Sync to send it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            with _Busy():
                try:
                    repo.finish()
                except GitError as exc:
                    self._message(f"The {op} is not finished", exc)
                else:
                    self.w.statusBar().showMessage(f"The {op} is finished: Sync to send it", 8000)
            self._reload([])
        self.refresh()

    def resolve_entry(self, path: str, choose=None) -> bool:
        """The resolver for one conflicted entry: its conflicting fields side by side; the
        choice written through the core writer and staged. True when resolved."""
        from ..core.git import GitError
        from .git_dialogs import ResolveDialog

        if self.ws is None:
            return False
        try:
            with _Busy():
                conflicted = self.ws.conflict(path)
        except GitError as exc:
            self._message("Resolve", exc)
            return False
        dialog = ResolveDialog(conflicted, self.w, self.w.schema)
        ok = choose(dialog) if choose else dialog.exec()
        if not ok:
            return False
        side = dialog.whole_side()
        try:
            with _Busy():
                if side is not None:
                    self.ws.resolve_whole(path, side)
                else:
                    self.ws.resolve(path, dialog.choices())
        except (GitError, Exception) as exc:  # noqa: BLE001 - said plainly
            self._message("Not resolved", exc)
            return False
        s = self.w.session
        shown = self.w.error_view.path if self.w.stack.currentWidget() is self.w.error_view else None
        if s is not None and s.path and Path(s.path).resolve() == Path(path).resolve():
            self.w.on_outside_change(s.path)
        elif shown is not None and Path(shown).resolve() == Path(path).resolve():
            self.w.open_file(Path(path))  # the markers are gone: it reads as an entry now
        self.w.collection_panel.files_written()
        self.w.statusBar().showMessage(f"Resolved {Path(path).name} (staged)", 6000)
        self.refresh()
        return True

    def open_conflicted(self, path: str) -> bool:
        """The window opens a conflicted entry: the resolver first, then the entry."""
        if not self.resolve_entry(path):
            return False
        s = self.w.session
        if s is None or not s.path or Path(s.path).resolve() != Path(path).resolve():
            self.w.open_file(Path(path))
        self._offer_finish()
        return True

    # ------------------------------------------------------------------ history
    def history(self, path: str | None = None, choose=None) -> bool:
        """The open entry's commits with their field-level changes; restore one field or the
        whole version through the core writer. True when something was restored."""
        from ..core.git import GitError
        from .git_dialogs import HistoryDialog

        s = self.w.session
        path = path or (s.path if s is not None else None)
        if self.ws is None:
            return False
        if not path:
            self.w.statusBar().showMessage("Open an entry (saved) to see its history", 5000)
            return False
        try:
            with _Busy():
                commits = self.ws.log(path)
        except GitError as exc:
            self._message("History", exc)
            return False
        dirty = (
            s is not None
            and s.dirty
            and s.path is not None
            and Path(s.path).resolve() == Path(path).resolve()
        )
        dialog = HistoryDialog(commits, Path(path).name, self.w, self.w.schema, not dirty)
        ok = choose(dialog) if choose else dialog.exec()
        if not ok or dialog.choice is None:
            return False
        kind, commit, field = dialog.choice
        try:
            with _Busy():
                if kind == "field":
                    changed = self.ws.restore_field(path, commit.commit, field, rev_path=commit.path)
                else:
                    changed = self.ws.restore_version(path, commit.commit, rev_path=commit.path)
        except GitError as exc:
            self._message("Not restored", exc)
            return False
        what = f"{field}" if kind == "field" else "the entry"
        self.w.statusBar().showMessage(
            f"Restored {what} as of {commit.commit[:8]}"
            if changed
            else f"{what.capitalize()} is already as of {commit.commit[:8]}: nothing written",
            6000,
        )
        if changed:
            self._reload([path])
        self.refresh()
        return bool(changed)

    # ------------------------------------------------------------------ setup
    def setup(self) -> bool:
        """Register the merge and diff drivers (``qteditor git setup``) in this repository."""
        from ..core import git

        root = self.w.collection_panel.root
        if root is None or self.state != ON:
            return False
        self._remember_offered()
        try:
            with _Busy():
                done = git.setup(root)
        except git.GitError as exc:
            self._message("Set up", exc)
            return False
        self.setup_note.show_note(None)
        what = (
            f"{len(done['added']) + len(done['updated'])} .gitattributes line(s), "
            f"{len(done['config'])} config value(s)"
        )
        self.w.statusBar().showMessage(
            f"Merge drivers set up ({what}): commit .gitattributes to share it", 8000
        )
        self.refresh()
        return True

    def _remember_offered(self) -> None:
        if self.ws is None:
            return
        top = str(self.ws.repo.top)
        offered = self.w.settings.get("git/setup_offered")
        if top not in offered:
            self.w.settings.set("git/setup_offered", offered + [top])

    def _setup_dismissed(self) -> None:
        self._remember_offered()

    def shutdown(self) -> None:
        self._generation += 1
        self._cancel.set()  # a sync on its way stops at its next step (it is waited for: it writes)


def build_git_menu(w: MainWindow) -> QMenu:
    """The Git menu (shown when the folder is in a git repository)."""
    g: Any = w.git
    a = action
    g.act_commit = a(
        w,
        "&Commit…",
        lambda: g.commit(),
        "Ctrl+Alt+C",
        None,
        "Commit the changed entries you check, with a message",
    )
    g.act_sync = a(
        w,
        "&Sync",
        lambda: g.sync(),
        "Ctrl+Alt+S",
        None,
        "Fetch, bring in the shared changes (merge or rebase), and send yours",
    )
    g.act_resolve = a(
        w,
        "&Resolve Conflicts…",
        lambda: g.resolve_all(),
        None,
        None,
        "Resolve the entries a merge left in conflict, field by field",
    )
    g.act_history = a(
        w,
        "&History of This Entry…",
        lambda: g.history(),
        "Ctrl+Alt+H",
        None,
        "The open entry's commits, field by field; restore a field or a version",
    )
    g.act_setup = a(
        w,
        "Set &Up Merge Drivers…",
        lambda: g.setup(),
        None,
        None,
        "Register qteditor's field-by-field merge driver in this repository",
    )
    g.act_refresh = a(w, "Refresh &Git Status", lambda: g.refresh(), None, None, None)
    g.actions = [g.act_commit, g.act_sync, g.act_resolve, g.act_history, g.act_setup, g.act_refresh]
    menu = w.menuBar().addMenu("&Git")
    for act in g.actions[:4]:
        menu.addAction(act)
    menu.addSeparator()
    menu.addAction(g.act_setup)
    menu.addAction(g.act_refresh)
    menu.aboutToShow.connect(g._update_actions)
    g.menu = menu
    g._update_actions()
    return menu
