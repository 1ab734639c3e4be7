"""The window's git: the browser's Git column and filter, branch and ahead/behind in the status
bar, the Git menu (commit, sync, resolve, history, set up), and the one-line notices (no git;
set up the merge drivers). Git work is the core's (``GitWorkspace``); status and sync run off the
GUI thread and their results come back by queued signals.

Without git (or in a folder that is not in a repository) every git feature is hidden; when the
folder is in a repository but git is missing, one notice says so and everything else works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QMenu

from .icons import action
from .inline_note import InlineNote

if TYPE_CHECKING:
    from ..core.git import GitWorkspace, Status, SyncResult
    from .git_dialogs import CommitDialog, HistoryDialog, ResolveDialog, SyncDialog
    from .main_window import MainWindow

OFF, NO_GIT, NO_REPO, ON = "off", "no-git", "no-repo", "on"
# what finishing each operation in progress does (Repo.finish), in the question that offers it
_FINISH = {
    "merge": "a merge commit",
    "rebase": "a continued rebase",
    "cherry-pick": "the picked commit",
    "revert": "the reverting commit",
    "am": "the patches applied",
}


def _name(op: str) -> str:
    """An operation in progress as a status bar names it: "rebase", "git am" (not "am")."""
    return "git am" if op == "am" else op


def _the(op: str) -> str:
    """ "the rebase", "git am" (not "the am")."""
    return "git am" if op == "am" else f"the {op}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Signals(QObject):
    status = Signal(int, object)  # generation, result
    progress = Signal(str, object, str)  # step, fraction or None, text
    synced = Signal(object, object)  # result, error


class _Busy:
    """A wait cursor while a short local git call runs (commit, log, resolve, restore)."""

    def __enter__(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *exc: object) -> None:
        QGuiApplication.restoreOverrideCursor()


def _in_a_repository(folder: Path) -> bool:
    """Whether a ``.git`` is at or above ``folder`` (asked without git, to know whether a
    missing git deserves a notice)."""
    return any((p / ".git").exists() for p in [folder, *folder.parents])


class GitController(QObject):
    """Git for the window's collection. ``state``: off (no folder), no-git, no-repo, on."""

    statusReady = Signal()  # a status was shown (tests and the window wait for it)
    statusSkipped = Signal()  # a watcher's refresh found nothing changed: git was not asked
    AFTER_ROWS_MS = 150
    AFTER_LISTING_MS = 1500
    MAX_SKIP_S = 300.0  # git is asked at least this often all the same (what no stamp sees)
    # the Git menu's actions (build_git_menu makes them)
    act_commit: QAction
    act_sync: QAction
    act_publish: QAction
    act_resolve: QAction
    act_history: QAction
    act_setup: QAction
    act_refresh: QAction

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.ws: GitWorkspace | None = None  # the folder shown, in its repository
        self.state = OFF
        self.status: Status | None = None  # the last one shown
        self.states: dict[str, tuple[str, list]] = {}  # browser path -> (state, fields)
        self.error: str | None = None
        self._generation = 0
        self._running = False
        self._again = False
        self._again_forced = False
        self._stamp: tuple | None = None  # what the status shown was read against
        self._read_at = 0.0  # time.monotonic() of that read
        self._checked_setup: set[str] = set()
        self._signals = _Signals()
        queued = Qt.ConnectionType.QueuedConnection
        self._signals.status.connect(self._status_ready, queued)
        self._signals.progress.connect(self._sync_progress, queued)
        self._signals.synced.connect(self._sync_finished, queued)
        self._sync_dialog: SyncDialog | None = None
        self._cancel = threading.Event()
        self.menu: QMenu | None = None  # the Git menu, once built
        self.actions: list[QAction] = []
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
        layout = panel.layout()
        assert layout is not None  # the panel's QVBoxLayout, made with it
        layout.addWidget(self.notice)
        layout.addWidget(self.setup_note)
        # every re-index (the poll, the folder watcher, saves) asks again, a moment after the
        # rows are shown: the browser paints them first, and close requests are one read
        self._soon = QTimer(self, singleShot=True, interval=self.AFTER_ROWS_MS)
        self._soon.timeout.connect(lambda: self.refresh(force=False))
        panel.rowsShown.connect(self._soon.start)
        # a large folder indexed from nothing: its status a moment after every row is listed
        # (a search typed at once is answered first), not after the index's pass (the rules
        # over 36,000 entries take seconds more)
        self._listed = QTimer(self, singleShot=True, interval=self.AFTER_LISTING_MS)
        self._listed.timeout.connect(lambda: self.refresh(force=False))
        panel.listed.connect(self._listed.start)

    # ------------------------------------------------------------------ status, off the GUI thread
    def state_stamp(self) -> tuple | None:
        """What a status read depends on, from a few stats (no git process): the folder, the
        collection index's generation after the browser's last refresh (it changes with any
        entry added, changed or removed), and git's own files (``Repo.state_stamp``: the
        index, HEAD, refs, a merge in progress, ignore files). None: unknown (read)."""
        panel = self.w.collection_panel
        root = panel.root
        if root is None or self.ws is None or self._root != root:
            return None
        generation = panel.index_generation
        ws = panel.workspace
        if generation is None or ws is None or generation[0] != ws.root:
            return None
        folders = [Path(d) / ".gitignore" for d in panel.watcher.directories()]
        upstream = self.status.upstream if self.status is not None else None
        try:
            git_state = self.ws.repo.state_stamp(upstream, folders)
        except OSError:
            return None
        return (str(root), generation, git_state)

    def refresh(self, force: bool = True) -> None:
        """Read git status in the background (one at a time; a request during a run starts one
        more after it). ``force=False`` (the browser's re-index: the watcher, its poll, the
        window coming back) reads only when something it depends on changed since the status
        shown was read (``state_stamp``), or when that read is ``MAX_SKIP_S`` old: a save,
        commit, sync or outside change always reads again, an idle poll does not."""
        import time

        root = self.w.collection_panel.root
        if root is None:
            return
        if self._running:
            self._again = True
            self._again_forced = self._again_forced or force
            return
        stamp = self.state_stamp()
        if (
            not force
            and stamp is not None
            and stamp == self._stamp
            and time.monotonic() - self._read_at < self.MAX_SKIP_S
        ):
            self.statusSkipped.emit()
            return
        self._running = True
        self._pending_stamp = stamp
        self._pending_at = time.monotonic()
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
    _pending_stamp: tuple | None = None
    _pending_at = 0.0

    def _status_ready(self, generation: int, result: tuple) -> None:
        self._running = False
        panel = self.w.collection_panel
        kind, root = result[0], result[-1]
        self._stamp = None
        if generation == self._generation and root == panel.root:
            if kind == ON:
                self._show_on(*result[1:4])
                self._root = root
                # stamped as things were before the read (a change during it reads again);
                # the first read of a folder has none yet: the next request makes one
                self._stamp = self._pending_stamp
                self._read_at = self._pending_at
            elif kind == NO_GIT:
                self._show_off(NO_GIT, result[1] if result[2] else None)
            elif kind == NO_REPO:
                self._show_off(NO_REPO, None)
            else:
                self.error = result[1]
                self.w.statusBar().showMessage(f"git status failed: {result[1]}", 8000)
            self.statusReady.emit()
        if self._again or root != panel.root:
            forced = self._again_forced or root != panel.root
            self._again = self._again_forced = False
            self.refresh(force=forced)

    def _show_off(self, state: str, notice: str | None) -> None:
        self.ws, self.status, self.states, self.state = None, None, {}, state
        self._root = None
        self._stamp = None
        self.w.collection_panel.set_git_states(None)
        self.branch_label.hide()
        self.setup_note.show_note(None)
        self.notice.setText(notice or "")
        self.notice.setVisible(bool(notice))
        self._update_actions()

    def _show_on(self, ws: GitWorkspace, status: Status, setup: bool | None) -> None:
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

    def _show_branch(self, s: Status) -> None:
        at = f"HEAD detached at {s.head[:7]}" if s.head else "no commit yet"
        if s.branch:
            text, tip = f"⎇ {s.branch}", [f"Branch {s.branch}"]
        elif s.rebasing:  # git detaches HEAD while it rebases a branch: name the branch
            text = f"⎇ {s.rebasing} (rebasing)"
            tip = [f"Rebasing branch {s.rebasing} ({at} until the rebase is finished)"]
        else:
            text, tip = "⎇ detached HEAD", [f"Not on a branch ({at})"]
        if s.upstream and s.gone:  # counts against a branch that is not there would lie
            text += "  · upstream gone"
            tip.append(
                f"tracking {s.upstream}, which is not on the shared repository any more (deleted "
                "there): Git ▸ Publish Branch sends it again"
            )
        elif s.upstream:
            text += f"  ↑{s.ahead} ↓{s.behind}"
            tip.append(
                f"tracking {s.upstream}: {s.ahead} commit(s) to send, {s.behind} to "
                "bring in (as of the last fetch)"
            )
        elif s.branch and s.remotes:
            text += "  · not published"
            tip.append(
                "not shared (no upstream): Git ▸ Publish Branch sends it"
                + (f" to {s.publish_to}" if s.publish_to else "")
            )
        else:
            tip.append("not shared (no upstream)")
        changed = len(self.states)
        if changed:
            text += f"  · {changed} changed"
        if s.operation:
            conflicted = sum(1 for st, _f in self.states.values() if st == "conflicted")
            text += f"  · {_name(s.operation)} in progress"
            text += f", {conflicted} conflicted" if conflicted else ""
        self.branch_label.setText(text)
        self.branch_label.setToolTip("\n".join(tip))
        self.branch_label.show()

    # ------------------------------------------------------------------ helpers
    def _update_actions(self) -> None:
        on = self.state == ON
        if self.menu is not None:
            self.menu.menuAction().setVisible(on)
        for act in self.actions:
            act.setEnabled(on)
        if on and self.status is not None and self.actions:
            self.act_sync.setEnabled(self.status.operation is None)
            unpublished = bool(self.status.branch) and (self.status.upstream is None or self.status.gone)
            self.act_publish.setEnabled(self.status.operation is None and unpublished)
            self.act_resolve.setEnabled(
                any(st == "conflicted" for st, _f in self.states.values())
                or self.status.operation is not None
            )

    def _message(self, title: str, exc: Exception) -> None:
        """A git error in plain words (its message and what to do next), never a traceback;
        any other error (the writer's: a read-only file…) as file:line:column: message."""
        from ..core.git import GitError
        from .advice import error_text
        from .dialogs import show_error

        advice = getattr(exc, "advice", "")
        text = (getattr(exc, "message", None) if isinstance(exc, GitError) else None) or error_text(exc)
        show_error(self.w, title, Exception(text + ("\n\n" + advice if advice else "")))

    def is_conflicted(self, path: str | Path) -> bool:
        rel = self.w.collection_panel.rel_path(str(path))
        return self.state == ON and rel is not None and self.states.get(rel, ("",))[0] == "conflicted"

    def in_conflict(self, path: str | Path) -> bool:
        """Whether git lists this file as unmerged (asked now: the status shown may be older)."""
        from ..core.git import GitError

        if self.state != ON or self.ws is None:
            return False
        try:
            return self.ws.repo.rel(path) in self.ws.repo.conflicted([path])
        except (GitError, OSError):
            return False

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
    def commit(self, choose: Callable[[CommitDialog], Any] | None = None) -> str | None:
        """The commit dialog: the changed entries, a message from their change; commits the
        checked ones. ``choose(dialog)`` instead of running it (tests). The new commit's id."""
        from ..core.git import GitError

        ws = self.ws
        if self.state != ON or ws is None:
            return None
        if not self.w.maybe_save():
            return None
        from .git_dialogs import CommitDialog

        with _Busy():
            try:
                status = ws.status(values=True)
                items = ws.commit_items(status)
                author = ws.repo.author()
            except GitError as exc:
                self._message("Commit", exc)
                return None
        if not items:
            self.w.statusBar().showMessage("Nothing to commit: every entry is as in the last commit", 5000)
            return None
        # not on a branch (and not a rebase, which detaches HEAD until it is finished): the
        # commit would be on no branch, and switching branches later leaves it behind
        detached = status.branch is None and status.operation is None and status.head is not None
        at = (status.head or "")[:7]
        note = (
            f"HEAD is detached at {at}: this commit will be on no branch. Create a branch first "
            "(git switch -c NAME) to keep it."
            if detached
            else None
        )
        dialog = CommitDialog(items, author, ws.suggest_message, self.w, note)
        ok = choose(dialog) if choose else dialog.exec()
        if not ok:
            return None
        if detached and not self._commit_detached(at):
            self.w.statusBar().showMessage("Not committed: HEAD is detached (not on a branch)", 8000)
            return None
        with _Busy():
            try:
                sha = ws.commit([ws.repo.top / p for p in dialog.paths()], dialog.text())
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

    def _commit_detached(self, at: str) -> bool:
        """Commit on a detached HEAD only when the writer says so (No is the default)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self.w,
            "Commit on a detached HEAD?",
            f"HEAD is detached at {at} (you are not on a branch), so the commit will be on no "
            "branch: switching to a branch later leaves it behind, and git may delete it. "
            "Create a branch first (git switch -c NAME) to keep it. Commit anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ sync
    def sync(self, modal: bool = True, publish: bool = False) -> SyncDialog | None:
        """Fetch, merge or rebase (pull.rebase), push, in a worker thread; the Sync dialog shows
        its progress with Cancel, then what happened or what to do next. ``publish``: a branch
        without upstream (new, or deleted on the remote) is pushed and tracked (``git push
        -u``); a Sync that stops for want of one offers that (its Publish Branch button). The
        last dialog shown."""
        ws = self.ws
        if self.state != ON or ws is None or self._sync_dialog is not None:
            return None
        from .git_dialogs import SyncDialog

        s = self.w.session
        if s is not None and s.dirty and not self.w.maybe_save():
            return None
        dialog = SyncDialog(self.w, publish)
        self._sync_dialog = dialog
        self._cancel = threading.Event()
        dialog.cancelRequested.connect(self._cancel.set)
        signals, cancel = self._signals, self._cancel

        def progress(step: str, fraction: float | None, text: str) -> None:
            try:
                signals.progress.emit(step, fraction, text)
            except RuntimeError:
                pass

        def job() -> None:
            result: SyncResult | None = None
            error: Exception | None = None
            try:
                result = ws.sync(progress, cancel, publish=publish)
            except Exception as exc:  # noqa: BLE001 - a GitError or a fault: said in the dialog
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
        return self._after_sync(dialog) or dialog

    def _sync_progress(self, step: str, fraction: float | None, text: str) -> None:
        if self._sync_dialog is not None:
            self._sync_dialog.on_progress(step, fraction, text)

    def _sync_finished(self, result: SyncResult | None, error: Exception | None) -> None:
        dialog = self._sync_dialog
        top = self.ws.repo.top if self.ws is not None else None
        if top is not None and result is not None and result.renamed:
            self._follow_rename(top, result.renamed)
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

    def _follow_rename(self, top: Path, renamed: dict[str, str]) -> None:
        """The pull moved the open entry (the CMS renamed it): it opens under its new name
        (saved before Sync, so nothing is lost); with edits still here it stays open, and the
        notice names where the file went (a Save As to the old name would make a second copy)."""
        s = self.w.session
        if s is None or not s.path:
            return
        mine = Path(s.path).resolve()
        for old, new in renamed.items():
            if (top / old).resolve() != mine or not (top / new).is_file():
                continue
            if s.dirty:
                from html import escape  # only when a notice needs it: not at start-up

                self.w.show_notice(
                    f"The pull renamed this entry to {escape(new)}; your edits are kept here. Copy them "
                    "there (open it), rather than Save As to the old name: that makes a second copy."
                )
            elif self.w.open_file(top / new):
                self.w.statusBar().showMessage(f"The pull renamed {Path(old).name}: opened as {new}", 10000)
            return

    def _after_sync(self, dialog: SyncDialog) -> SyncDialog | None:
        self._sync_dialog = None
        if dialog.next_action == "resolve":
            self.resolve_all()
        elif dialog.next_action == "publish":
            return self.sync(publish=True)
        return None

    def publish(self) -> SyncDialog | None:
        """Git ▸ Publish Branch: send the branch (without upstream) to the remote git would
        push to and track it there; the Sync dialog says how it went (or that there is no
        shared repository to publish to)."""
        return self.sync(publish=True)

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
        from PySide6.QtWidgets import QMessageBox  # (its type loads with the first question)

        from ..core.git import GitError

        if self.ws is None:
            return
        repo = self.ws.repo
        op = repo.operation()
        if op is None or repo.conflicted():
            self.refresh()
            return
        the = _the(op)
        answer = QMessageBox.question(
            self.w,
            "Finish " + the,
            f"Every conflict is resolved. Finish {the} now ({_FINISH.get(op, 'it goes on')})? "
            "Then Sync to send it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            with _Busy():
                try:
                    repo.finish()
                except GitError as exc:
                    self._message(f"{_cap(the)} is not finished", exc)
                else:
                    self.w.statusBar().showMessage(f"{_cap(the)} is finished: Sync to send it", 8000)
            self._reload([])
        self.refresh()

    def resolve_entry(self, path: str, choose: Callable[[ResolveDialog], Any] | None = None) -> bool:
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
        replace = False
        while True:
            try:
                with _Busy():
                    if side is not None:
                        self.ws.resolve_whole(path, side, replace=replace)
                    else:
                        self.ws.resolve(path, dialog.choices(), replace=replace)
                break
            except GitError as exc:
                if exc.kind == "edited" and not replace:
                    if self._replace_edits(path):
                        replace = True
                        continue
                    self.w.statusBar().showMessage(f"Not resolved: {Path(path).name} keeps its edits", 8000)
                    return False
                self._message("Not resolved", exc)
                return False
            except Exception as exc:  # noqa: BLE001 - said plainly
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

    def _replace_edits(self, path: str) -> bool:
        """The conflicted file was edited since git stopped (its markers are gone): replace
        those edits with the resolution only when the writer says so (No is the default)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self.w,
            "Replace the edits?",
            f"{Path(path).name} was edited since the merge stopped (its conflict markers are "
            "gone). Replace those edits with this resolution?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

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
    def history(self, path: str | None = None, choose: Callable[[HistoryDialog], Any] | None = None) -> bool:
        """The open entry's commits with their field-level changes; restore one field or the
        whole version through the core writer. True when something was restored."""
        from ..core.errors import QtEditorError
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
        except (QtEditorError, OSError) as exc:  # git's, or the writer's (read-only, no room…)
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
            f"{len(done['added']) + len(done['updated']) + len(done['moved'])} .gitattributes "
            f"line(s), {len(done['config'])} config value(s)"
        )
        over = done["overridden"]
        if over:  # another line or file gives some entries other attributes: said, not hidden
            o = over[0]
            src = o["sources"][0] if o["sources"] else None
            where = f"{src['file']}:{src['line']} ({src['text']})" if src else "another attributes file"
            self.w.statusBar().showMessage(
                f"Merge drivers set up ({what}), but {where} overrides them for {o['entries']} of "
                f"the {o['of']} entries checked",
                15000,
            )
        else:
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
    g = w.git
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
    g.act_publish = a(
        w,
        "&Publish Branch",
        lambda: g.publish(),
        None,
        None,
        "Send this branch (not shared yet) to the shared repository and track it there",
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
    g.actions = [
        g.act_commit,
        g.act_sync,
        g.act_publish,
        g.act_resolve,
        g.act_history,
        g.act_setup,
        g.act_refresh,
    ]
    menu = w.menuBar().addMenu("&Git")
    for act in g.actions[:5]:
        menu.addAction(act)
    menu.addSeparator()
    menu.addAction(g.act_setup)
    menu.addAction(g.act_refresh)
    menu.aboutToShow.connect(g._update_actions)
    g.menu = menu
    g._update_actions()
    return menu
