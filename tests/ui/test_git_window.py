"""Git in the window, against real git in temporary repositories (a bare remote on this machine,
the desktop's and the CMS's clones; tests/core/git_helpers.py): the browser's Git column and
filter, the status bar, commit, sync (a rejected push, a conflict), the resolver, history with
restore, Review Changes against the last commit, the setup offer, and no git at all. Dialogs
run as the user runs them (exec, buttons)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from qteditor.core import git as g
from qteditor.core.entry import Entry
from qteditor.ui.collection_panel import GIT_COLUMN
from qteditor.ui.git_dialogs import CommitDialog, HistoryDialog, ResolveDialog, SyncDialog
from tests.conftest import CORPUS
from tests.core.git_helpers import (
    ENTRIES,
    cms_save,
    git,
    make_site,
    own_git_config,
    set_field,
    stop_git_am_at_a_conflict,
)
from tests.core.merge_helpers import desktop, fields_of
from tests.ui.test_dialogs import _on_modals


@pytest.fixture
def site(tmp_path, monkeypatch):
    own_git_config(tmp_path, monkeypatch)
    return make_site(tmp_path)


def open_site(window, qtbot, folder, state="on"):
    window.open_folder(folder)
    qtbot.waitUntil(
        lambda: window.git.state == state and bool(window.collection_panel.model.rows), timeout=20000
    )


def refreshed(window, qtbot):
    with qtbot.waitSignal(window.git.statusReady, timeout=20000):
        window.git.refresh()


def row_of(panel, rel):
    for shown in range(panel.model.rowCount()):
        if panel.model.rows[panel.model.source_row(shown)][0] == rel:
            return shown
    return None


def no_setup_offer(window):
    """This test is not about the setup offer: said once, so that it is not shown."""
    window.settings.set("git/setup_offered", [str(window.git.ws.repo.top)] if window.git.ws else [])


# ---------------------------------------------------------------------------- the browser
def test_the_git_column_filter_and_status_bar_follow_git_status(window, qtbot, site):
    e0, e1 = site.entry(site.desk, 0), site.entry(site.desk, 1)
    set_field(e0, title="A new title")
    set_field(e1, author="Someone")
    git(site.desk, "add", str(e1))
    new = site.learn(site.desk) / "biology" / "a-new-entry.md"
    shutil.copyfile(CORPUS / ENTRIES[3], new)
    panel = window.collection_panel
    assert panel.table.isColumnHidden(GIT_COLUMN) and panel.git_filter.isHidden()
    open_site(window, qtbot, site.learn(site.desk))
    qtbot.waitUntil(lambda: len(window.git.states) == 3, timeout=20000)
    assert window.git.states[ENTRIES[0]] == ("modified", ["title"])
    assert window.git.states[ENTRIES[1]] == ("staged", ["author"])
    assert window.git.states["biology/a-new-entry.md"][0] == "untracked"
    assert not panel.table.isColumnHidden(GIT_COLUMN) and not panel.git_filter.isHidden()
    model = panel.model
    shown = {model.rows[model.source_row(r)][0]: model.index(r, GIT_COLUMN) for r in range(model.rowCount())}
    assert model.data(shown[ENTRIES[0]]) == "M" and model.data(shown[ENTRIES[1]]) == "S"
    assert model.data(shown["biology/a-new-entry.md"]) == "U" and model.data(shown[ENTRIES[2]]) == ""
    assert "title" in model.data(shown[ENTRIES[0]], Qt.ItemDataRole.ToolTipRole)
    for state, rows in (
        ("modified", {ENTRIES[0]}),
        ("staged", {ENTRIES[1]}),
        ("*", {ENTRIES[0], ENTRIES[1], "biology/a-new-entry.md"}),
        ("", set(shown)),
    ):
        panel.git_filter.setCurrentIndex(panel.git_filter.findData(state))
        assert {model.rows[model.source_row(r)][0] for r in range(model.rowCount())} == rows, state
    label = window.git.branch_label
    assert label.isVisible() and "main" in label.text() and "↑0 ↓0" in label.text()
    assert "3 changed" in label.text()
    git(site.desk, "commit", "-q", "-m", "Author", "--", str(e1))  # in a terminal
    refreshed(window, qtbot)
    assert ENTRIES[1] not in window.git.states and "↑1 ↓0" in label.text()
    assert window.git_menu.menuAction().isVisible()


def test_status_is_read_off_the_gui_thread(window, qtbot, site, monkeypatch):
    import threading

    seen = []
    real = g.GitWorkspace.status

    def status(self, *a, **kw):
        seen.append(threading.current_thread() is threading.main_thread())
        return real(self, *a, **kw)

    monkeypatch.setattr(g.GitWorkspace, "status", status)
    open_site(window, qtbot, site.learn(site.desk))
    assert seen and not any(seen)


def test_without_git_one_notice_and_everything_else_works(window, qtbot, site, monkeypatch, tmp_path):
    empty = tmp_path / "nogit"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    open_site(window, qtbot, site.learn(site.desk), state="no-git")
    panel = window.collection_panel
    assert window.git.notice.isVisible() and "git is not installed" in window.git.notice.text()
    assert not window.git_menu.menuAction().isVisible()
    assert panel.table.isColumnHidden(GIT_COLUMN) and panel.git_filter.isHidden()
    assert not window.git.branch_label.isVisible()
    assert len(panel.model.rows) == len(ENTRIES)  # the browser works
    window.open_file(site.entry(site.desk, 0))
    window.form.widget_for(("author",)).setText("Still works")
    window.form.widget_for(("author",)).textEdited.emit("Still works")
    assert window.save() and fields_of(site.entry(site.desk, 0).read_bytes())["author"] == "Still works"


def test_a_folder_outside_git_shows_no_git_feature_and_no_notice(window, qtbot, tmp_path, monkeypatch):
    own_git_config(tmp_path, monkeypatch)
    root = tmp_path / "plain" / "content" / "learn"
    for rel in ENTRIES[:2]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, root / rel)
    open_site(window, qtbot, root, state="no-repo")
    assert not window.git.notice.isVisible() and not window.git_menu.menuAction().isVisible()
    assert window.collection_panel.table.isColumnHidden(GIT_COLUMN)


# ---------------------------------------------------------------------------- commit
def test_commit_commits_only_the_checked_entries_with_the_edited_message(window, qtbot, site):
    e0, e1 = site.entry(site.desk, 0), site.entry(site.desk, 1)
    title0 = fields_of(e0.read_bytes())["title"]
    set_field(e0, title="Desk title")
    set_field(e1, author="Someone")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    seen = {}

    def commit(dialog):
        assert isinstance(dialog, CommitDialog)
        seen["rows"] = dialog.tree.topLevelItemCount()
        seen["both"] = dialog.text()
        top = next(
            dialog.tree.topLevelItem(i)
            for i in range(dialog.tree.topLevelItemCount())
            if dialog.tree.topLevelItem(i).toolTip(0) == "content/learn/" + ENTRIES[0]
        )
        seen["summary"] = [top.child(i).text(0) for i in range(top.childCount())]
        seen["author"] = dialog.author.text()
        dialog.set_checked("content/learn/" + ENTRIES[1], False)
        seen["one"] = dialog.text()
        dialog.message.setPlainText(seen["one"] + "\n\nAs the editor asked.")
        dialog.set_checked("content/learn/" + ENTRIES[1], True)
        dialog.set_checked("content/learn/" + ENTRIES[1], False)
        seen["kept"] = dialog.text()  # the user's own words are not replaced
        dialog.commit_button.click()

    _on_modals(commit)
    sha = window.git.commit()
    assert sha and seen["rows"] == 2
    assert seen["both"] == "Edit 2 entries" or " in 2 entries" in seen["both"]
    assert seen["one"] == "Edit title: Desk title"
    assert seen["summary"] == [f"title: {title0[:39] + '…' if len(title0) > 40 else title0} → Desk title"]
    assert seen["author"] == "Author: Desk Writer <desk@example.org>"
    assert seen["kept"].endswith("As the editor asked.")
    assert (
        git(site.desk, "log", "-1", "--format=%B").strip() == "Edit title: Desk title\n\nAs the editor asked."
    )
    assert git(site.desk, "show", "--name-only", "--format=", "HEAD").split() == [
        "content/learn/" + ENTRIES[0]
    ]
    assert git(site.desk, "status", "--porcelain").split() == ["M", "content/learn/" + ENTRIES[1]]
    qtbot.waitUntil(lambda: ENTRIES[0] not in window.git.states, timeout=20000)


def test_cancelling_the_commit_dialog_commits_nothing(window, qtbot, site):
    set_field(site.entry(site.desk, 0), title="Desk title")
    open_site(window, qtbot, site.learn(site.desk))
    head = git(site.desk, "rev-parse", "HEAD")
    _on_modals(lambda d: d.reject())
    assert window.git.commit() is None
    assert git(site.desk, "rev-parse", "HEAD") == head


# ---------------------------------------------------------------------------- sync
def _wait_done(qtbot, dialog):
    qtbot.waitUntil(lambda: not dialog.running, timeout=30000)


def test_sync_brings_in_and_sends_and_the_open_entry_reloads(window, qtbot, site):
    cms_save(site, 1, lambda d: d.__setitem__("author", "From the CMS"))
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="From the desk")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    window.open_file(site.entry(site.desk, 1))
    assert window.session.fields["author"] != "From the CMS"
    seen = {}

    def sync(dialog):
        assert isinstance(dialog, SyncDialog)
        _wait_done(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["log"] = dialog.details.toPlainText()
        dialog.close_button.click()

    _on_modals(sync)
    dialog = window.git.sync()
    assert dialog.sync_result is not None and dialog.sync_result.pushed, dialog.error
    assert seen["message"].startswith("Synced: brought in changes to 1 file and sent your commits")
    assert window.session.fields["author"] == "From the CMS"  # reloaded (outside-change path)
    assert not window.session.dirty
    git(site.cms, "pull", "-q", "--no-rebase")
    assert fields_of(site.entry(site.cms, 0).read_bytes())["title"] == "From the desk"
    qtbot.waitUntil(lambda: "↑0 ↓0" in window.git.branch_label.text(), timeout=20000)


def test_a_rejected_push_is_said_plainly_and_the_next_sync_sends(window, qtbot, site, monkeypatch):
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="Desk")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    real = g.Repo.sync
    pushed: list = []

    def racing(self, progress=None, cancel=None, publish=False):
        def spy(step, frac, text):  # someone pushes between our fetch and our push
            if step == "push" and not pushed:
                pushed.append(1)
                cms_save(site, 2, lambda d: d.__setitem__("author", "Quick CMS"))
            if progress:
                progress(step, frac, text)

        return real(self, spy, cancel, publish)

    monkeypatch.setattr(g.Repo, "sync", racing)
    seen = {}

    def sync(dialog):
        _wait_done(qtbot, dialog)
        seen.update(
            message=dialog.message.text(),
            advice=dialog.advice.text(),
            resolve=dialog.resolve_button.isVisible(),
        )
        dialog.close_button.click()

    _on_modals(sync)
    dialog = window.git.sync()
    assert dialog.error is not None and dialog.error.kind == "rejected"
    assert "Someone else sent changes meanwhile, so yours were not sent." in seen["message"]
    assert "Sync again" in seen["advice"] and not seen["resolve"]
    _on_modals(sync)
    dialog = window.git.sync()
    assert dialog.sync_result is not None and dialog.sync_result.pushed
    assert fields_of(site.entry(site.desk, 2).read_bytes())["author"] == "Quick CMS"


def test_cancel_stops_sync_and_nothing_is_lost(window, qtbot, site, monkeypatch):
    set_field(site.entry(site.desk, 0), title="Desk")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    head = git(site.desk, "rev-parse", "HEAD")
    open_site(window, qtbot, site.learn(site.desk))
    seen = {}

    def sync(dialog):
        dialog.cancel_button.click()  # at once: the worker stops at its next step
        _wait_done(qtbot, dialog)
        seen["step"] = dialog.step.text()
        dialog.close_button.click()

    _on_modals(sync)
    dialog = window.git.sync()
    assert dialog.error is not None and dialog.error.kind == "cancelled" and seen["step"] == "Cancelled."
    assert git(site.desk, "rev-parse", "HEAD") == head
    assert git(site.remote, "rev-parse", "main") != head


def test_a_conflict_stops_sync_and_the_resolver_takes_theirs_field_by_field(window, qtbot, site):
    e0 = site.entry(site.desk, 0)
    cms_save(
        site,
        0,
        lambda d: (d.__setitem__("title", "CMS title"), d["seo"].__setitem__("page_keywords", "cms, words")),
    )
    cms_save(site, 1, lambda d: d.__setitem__("author", "CMS author"))
    set_field(e0, title="Desk title", author="Desk author")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    window.open_file(site.entry(site.desk, 1))  # merged cleanly by the stopped merge: reloads
    seen = {}

    def sync(dialog):
        _wait_done(qtbot, dialog)
        seen.update(message=dialog.message.text(), advice=dialog.advice.text())
        assert dialog.resolve_button.isVisible()
        dialog.resolve_button.click()

    def resolve(dialog):
        assert isinstance(dialog, ResolveDialog)
        seen["rows"] = [(c.path, c.ours, c.theirs) for c, _g, _e in dialog.rows]
        seen["views"] = [
            v.toPlainText() for v in dialog.findChildren(type(dialog.rows[0][2])) if v.isReadOnly()
        ]
        dialog.choose(0, ResolveDialog.THEIRS)
        dialog.resolve_button.click()

    window.answers.append(QMessageBox.StandardButton.Yes)  # finish the merge
    done = _on_modals(sync, resolve)
    dialog = window.git.sync()
    assert done == ["SyncDialog", "ResolveDialog"]
    assert dialog.error.kind == "conflicts" and "could not be merged" in seen["message"]
    assert window.session.fields["author"] == "CMS author" and not window.session.dirty
    assert "Resolve each conflicted entry" in seen["advice"]
    assert seen["rows"] == [(("title",), "Desk title", "CMS title")]
    assert "Desk title" in seen["views"] and "CMS title" in seen["views"]
    got = fields_of(e0.read_bytes())
    assert (got["title"], got["author"], got["seo"]["page_keywords"]) == (
        "CMS title",
        "Desk author",
        "cms, words",
    )
    assert window.git.ws.repo.operation() is None  # finished: a merge commit
    assert len(git(site.desk, "log", "-1", "--format=%P").split()) == 2
    assert any("Finish the merge" in q or "Every conflict is resolved" in q for q in window.asked)
    _on_modals(lambda d: (_wait_done(qtbot, d), d.close_button.click()))
    assert window.git.sync().sync_result.pushed


def test_opening_a_conflicted_entry_opens_the_resolver_with_an_edit(window, qtbot, site):
    git(site.desk, "config", "pull.rebase", "true")
    e0 = site.entry(site.desk, 0)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    git(site.desk, "fetch", "-q")
    git(site.desk, "rebase", "origin/main", check=False)  # stops at the conflict (a terminal)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[0], ("",))[0] == "conflicted", timeout=20000)
    assert window.git.act_resolve.isEnabled() and not window.git.act_sync.isEnabled()
    seen = {}

    def resolve(dialog):
        c = dialog.conflicted
        seen["mine"] = (c.rebase, c.mine)
        mine_view = [v for v in dialog.findChildren(type(dialog.rows[0][2])) if v.isReadOnly()][1]
        seen["mine_text"] = mine_view.toPlainText()
        dialog.choose(0, ResolveDialog.EDIT, "Both agreed")
        dialog.resolve_button.click()

    window.answers.append(QMessageBox.StandardButton.Yes)  # continue the rebase
    _on_modals(resolve)
    assert window.open_path(str(e0))
    assert seen["mine"] == (True, "theirs")  # in a rebase, git's "theirs" is the user's commit
    assert seen["mine_text"] == "Desk title"  # the Mine column shows the user's own title
    assert fields_of(e0.read_bytes())["title"] == "Both agreed"
    assert window.session is not None and window.session.fields["title"] == "Both agreed"
    assert window.git.ws.repo.operation() is None
    assert git(site.desk, "log", "-1", "--format=%s").strip() == "Edit title"


def test_a_cherry_pick_stopped_at_a_conflict_is_shown_resolved_and_finished(window, qtbot, site):
    """A cherry-pick in a terminal that stopped at a conflict: the status bar says so, Sync is
    off, and the resolver offers to finish it (the window took it for no operation at all:
    Sync on, no finish offered, the pick left half done)."""
    e0 = site.entry(site.desk, 0)
    g.setup(site.desk)
    git(site.desk, "checkout", "-q", "-b", "other")
    set_field(e0, title="Picked title")
    git(site.desk, "commit", "-q", "-am", "Picked")
    git(site.desk, "checkout", "-q", "main")
    set_field(e0, title="Main title")
    git(site.desk, "commit", "-q", "-am", "Main title")
    git(site.desk, "cherry-pick", "other", check=False)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[0], ("",))[0] == "conflicted", timeout=20000)
    assert "cherry-pick in progress, 1 conflicted" in window.git.branch_label.text()
    assert window.git.act_resolve.isEnabled() and not window.git.act_sync.isEnabled()

    def resolve(dialog):
        assert dialog.conflicted.mine == "ours"  # HEAD is mine, the picked commit theirs
        dialog.choose(0, ResolveDialog.THEIRS)
        dialog.resolve_button.click()

    window.answers.append(QMessageBox.StandardButton.Yes)  # finish the cherry-pick
    _on_modals(resolve)
    assert window.git.resolve_all() == 1
    assert any("Finish the cherry-pick now (the picked commit)" in q for q in window.asked)
    assert window.git.ws.repo.operation() is None
    assert git(site.desk, "log", "-1", "--format=%s").strip() == "Picked"
    assert fields_of(e0.read_bytes())["title"] == "Picked title"
    qtbot.waitUntil(lambda: "in progress" not in window.git.branch_label.text(), timeout=20000)
    assert window.git.act_sync.isEnabled() and not window.git.states


@pytest.mark.parametrize("how", ["conflict", "edit"])
def test_a_rebase_in_progress_shows_the_branch_being_rebased(window, qtbot, site, how):
    """git detaches HEAD while it rebases: the status bar names the branch being rebased and
    that a rebase is in progress (it said "detached HEAD", as if the branch were gone)."""
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="Desk title")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    if how == "edit":
        git(site.desk, "rebase", "-q", "-i", "HEAD~1", env={"GIT_SEQUENCE_EDITOR": "sed -i s/^pick/edit/"})
    else:
        cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
        git(site.desk, "fetch", "-q")
        git(site.desk, "rebase", "origin/main", check=False)
    head = git(site.desk, "rev-parse", "--short=7", "HEAD").strip()
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: window.git.status is not None and window.git.status.operation == "rebase")
    label = window.git.branch_label
    assert label.text().startswith("⎇ main (rebasing)") and "rebase in progress" in label.text()
    assert "detached HEAD" not in label.text()
    tip = label.toolTip()
    assert "Rebasing branch main" in tip and f"detached at {head}" in tip, tip
    assert ("1 conflicted" in label.text()) == (how == "conflict")


def test_git_am_in_progress_is_said_as_git_am(window, qtbot, site, tmp_path):
    """git am stopped at a conflict: "git am in progress" and "Finish git am" (not "am in
    progress", "Finish the am")."""
    stop_git_am_at_a_conflict(site, tmp_path)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[0], ("",))[0] == "conflicted", timeout=20000)
    assert "⎇ main" in window.git.branch_label.text()
    assert "· git am in progress, 1 conflicted" in window.git.branch_label.text()

    def resolve(dialog):
        dialog.choose(0, ResolveDialog.THEIRS)
        dialog.resolve_button.click()

    window.answers.append(QMessageBox.StandardButton.No)  # not now
    _on_modals(resolve)
    assert window.git.resolve_all() == 1
    finish = "Every conflict is resolved. Finish git am now"
    assert any(q.startswith(finish) for q in window.asked), window.asked


def test_the_resolver_asks_before_replacing_edits_made_since_the_conflict(window, qtbot, site):
    """The writer resolved the markers by hand in another editor and changed the author: the
    resolver asks before its resolution (from git's versions) replaces that; No keeps it."""
    e0 = site.entry(site.desk, 0)
    g.setup(site.desk)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    git(site.desk, "pull", "-q", "--no-rebase", check=False)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[0], ("",))[0] == "conflicted", timeout=20000)
    hand = desktop(window.git.ws.stages(e0)[2], lambda f: f.update(author="Hand author"))
    e0.write_bytes(hand)

    def take_theirs(dialog):
        dialog.choose(0, ResolveDialog.THEIRS)
        return True

    window.answers.append(QMessageBox.StandardButton.No)
    assert not window.git.resolve_entry(str(e0), take_theirs)
    assert any("was edited since the merge stopped" in q for q in window.asked), window.asked
    assert e0.read_bytes() == hand and window.git.ws.conflicted()
    window.answers.append(QMessageBox.StandardButton.Yes)
    assert window.git.resolve_entry(str(e0), take_theirs)
    assert fields_of(e0.read_bytes())["title"] == "CMS title" and not window.git.ws.conflicted()


@pytest.mark.parametrize("rebase", [False, True])
def test_the_whole_version_choice_says_which_side_deleted_the_file(qtbot, rebase):
    """A modify/delete conflict offers whole versions: the side without the file says that
    choosing it removes the file (both read "the incoming version" / "my version")."""
    ours, theirs = (None, b"---\ntitle: x\n---\n") if rebase else (b"---\ntitle: x\n---\n", None)
    c = g.ConflictedEntry("a.md", b"---\ntitle: b\n---\n", ours, theirs, mergeable=False, rebase=rebase)
    dialog = ResolveDialog(c)
    qtbot.addWidget(dialog)
    assert dialog.whole is not None
    texts = [b.text() for b in dialog.whole.buttons()]
    assert texts == ["Mine (my version)", "Theirs (deleted there: the file is removed)"], texts
    assert dialog.whole_side() == ("theirs" if rebase else "ours")  # Mine, the kept version, is the default


# ---------------------------------------------------------------------------- history
@pytest.fixture
def lone_repo(tmp_path, monkeypatch):
    """A repository without a remote: two entries, three commits of the first."""
    own_git_config(tmp_path, monkeypatch)
    top = tmp_path / "alone"
    root = top / "content" / "learn"
    for rel in ENTRIES[:2]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, root / rel)
    git(tmp_path, "init", "-q", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Entries")
    e0 = root / ENTRIES[0]
    original = e0.read_bytes()
    set_field(e0, title="Second title")
    git(top, "commit", "-q", "-am", "Retitle")
    set_field(e0, author="Another author")
    git(top, "commit", "-q", "-am", "New author")
    return top, root, e0, original


def test_history_restores_a_field_then_the_version_in_a_repo_without_a_remote(window, qtbot, lone_repo):
    top, root, e0, original = lone_repo
    open_site(window, qtbot, root)
    no_setup_offer(window)
    window.open_file(e0)
    seen = {}

    def restore_field(dialog):
        assert isinstance(dialog, HistoryDialog)
        seen["subjects"] = [c.subject for c in dialog.commits]
        dialog.select(1)
        seen["retitle"] = dialog.view.toPlainText()
        seen["fields"] = [dialog.fields.item(i).text() for i in range(dialog.fields.count())]
        dialog.select(2, "title")
        dialog.restore_field_button.click()

    _on_modals(restore_field)
    assert window.git.history()
    assert seen["subjects"] == ["New author", "Retitle", "Entries"]
    assert "Second title" in seen["retitle"] and seen["fields"] == ["title"]
    now = fields_of(e0.read_bytes())
    assert now["title"] == fields_of(original)["title"] and now["author"] == "Another author"
    diff = git(top, "diff", "--unified=0", "--", str(e0))
    assert [ln for ln in diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        "-    Second title",
        "+    " + fields_of(original)["title"],
    ]  # only the field's lines
    assert window.session.fields["title"] == fields_of(original)["title"]  # reloaded
    assert not window.session.dirty

    def restore_version(dialog):
        dialog.select(2)
        dialog.restore_version_button.click()

    _on_modals(restore_version)
    assert window.git.history()
    assert e0.read_bytes() == original
    assert window.session.fields["author"] == fields_of(original)["author"]


def test_a_restore_the_writer_refuses_is_said_and_writes_nothing(window, qtbot, lone_repo, monkeypatch):
    """Restore onto a read-only entry (or one the writer refuses otherwise): the writer's
    error in a message, the file untouched (it escaped the slot as a traceback: only GitError
    was caught, and the writer's errors are not git's)."""
    import qteditor.ui.dialogs as dialogs

    top, root, e0, original = lone_repo
    open_site(window, qtbot, root)
    no_setup_offer(window)
    window.open_file(e0)
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, title, exc: shown.append((title, str(exc))))
    before = e0.read_bytes()
    e0.chmod(0o444)

    def restore(dialog):
        dialog.select(2, "title")
        dialog.restore_field_button.click()

    _on_modals(restore)
    assert window.git.history() is False
    assert e0.read_bytes() == before
    ((title, text),) = shown
    assert title == "Not restored" and "read-only" in text and e0.name in text
    assert "force" not in text and "writable" in text  # the window's choice, not the CLI's

    def restore_version(dialog):
        dialog.select(2)
        dialog.restore_version_button.click()

    _on_modals(restore_version)
    assert window.git.history() is False
    assert e0.read_bytes() == before and len(shown) == 2 and shown[1][0] == "Not restored"


def test_history_does_not_restore_over_unsaved_edits(window, qtbot, lone_repo):
    _top, root, e0, _original = lone_repo
    open_site(window, qtbot, root)
    window.open_file(e0)
    window.form.widget_for(("author",)).setText("Unsaved")
    window.form.widget_for(("author",)).textEdited.emit("Unsaved")
    seen = {}

    def look(dialog):
        dialog.select(2, "title")
        seen["enabled"] = (dialog.restore_field_button.isEnabled(), dialog.restore_version_button.isEnabled())
        dialog.reject()

    raw = e0.read_bytes()
    _on_modals(look)
    assert not window.git.history()
    assert seen["enabled"] == (False, False) and e0.read_bytes() == raw


# ---------------------------------------------------------------------------- review changes
def test_review_changes_against_the_last_commit_field_by_field(window, qtbot, lone_repo):
    _top, root, e0, _original = lone_repo
    set_field(e0, title="On disk, not committed")
    open_site(window, qtbot, root)
    window.open_file(e0)
    window.form.widget_for(("author",)).setText("Edited here")
    window.form.widget_for(("author",)).textEdited.emit("Edited here")
    seen = {}

    def review(dialog):
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        seen["current"] = dialog.tabs.currentIndex()
        seen["choices"] = [dialog.against.itemText(i) for i in range(dialog.against.count())]
        seen["disk"] = dialog.fields.toPlainText()
        seen["disk_diff"] = dialog.diff
        dialog.show_against(dialog.COMMIT)
        seen["commit"] = dialog.fields.toPlainText()
        seen["commit_lines"] = dialog.lines.toPlainText()
        seen["save"] = dialog.save_button.isEnabled()
        dialog.reject()

    _on_modals(review)
    window.review_changes()
    assert seen["tabs"] == ["Fields", "Lines"] and seen["current"] == 0
    assert seen["choices"] == ["against the file on disk", "against the last commit"]
    assert "Edited here" in seen["disk"] and "On disk, not committed" not in seen["disk"]
    assert "+author: Edited here" in seen["disk_diff"]
    assert "Edited here" in seen["commit"] and "On disk, not committed" in seen["commit"]
    assert "(last commit)" in seen["commit_lines"] and "+    On disk, not committed" in seen["commit_lines"]
    assert seen["save"]


# ---------------------------------------------------------------------------- git setup
def test_the_window_offers_git_setup_once_per_repository(window, qtbot, site, tmp_path):
    open_site(window, qtbot, site.learn(site.desk))
    note = window.git.setup_note
    qtbot.waitUntil(note.isVisible, timeout=20000)
    assert "merge drivers" in note.label.text()
    note.button.click()
    assert g.is_setup(site.learn(site.desk)) and not note.isVisible()
    assert str(site.desk.resolve()) in window.settings.get("git/setup_offered")
    window.git._checked_setup.clear()
    refreshed(window, qtbot)
    assert not note.isVisible()
    # another repository, dismissed: remembered, not offered again
    (tmp_path / "second").mkdir()
    other = make_site(tmp_path / "second")
    window.open_folder(other.learn(other.desk))
    qtbot.waitUntil(lambda: note.isVisible(), timeout=20000)
    note.close_button.click()
    window.git._checked_setup.clear()
    refreshed(window, qtbot)
    assert not note.isVisible() and not g.is_setup(other.learn(other.desk))
    assert str(other.desk.resolve()) in window.settings.get("git/setup_offered")


def test_entry_written_by_save_shows_as_modified_after_the_refresh(window, qtbot, site):
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    e0 = site.entry(site.desk, 0)
    window.open_file(e0)
    window.form.widget_for(("author",)).setText("Saved here")
    window.form.widget_for(("author",)).textEdited.emit("Saved here")
    assert window.save()
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[0]) == ("modified", ["author"]), timeout=20000)
    assert Entry.load(e0).fields()["author"] == "Saved here"


def test_a_clean_repository_leaves_the_title_its_room(window, qtbot, site):
    """Nothing changed: the Git column stays hidden (the filter is there); the first change
    shows it."""
    panel = window.collection_panel
    open_site(window, qtbot, site.learn(site.desk))
    qtbot.waitUntil(lambda: not panel.git_filter.isHidden(), timeout=20000)
    assert window.git.states == {} and panel.table.isColumnHidden(GIT_COLUMN)
    set_field(site.entry(site.desk, 0), author="Someone")
    panel.reindex()
    qtbot.waitUntil(lambda: not panel.table.isColumnHidden(GIT_COLUMN), timeout=20000)


def test_an_idle_refresh_skips_git_and_any_change_reads_again(window, qtbot, site, monkeypatch):
    """Regression: every tick of the browser's watcher ran ``git status`` (about 300 ms of
    background work at 36,000 entries) although nothing had changed. A re-index now reads
    only when the collection index's generation, git's own files (index, HEAD, refs) or an
    ignore file changed; a save, a commit, an outside edit, a ``git add`` in a terminal, an
    explicit refresh and a new .gitignore all still read."""
    reads = []
    real = g.GitWorkspace.status

    def status(self, *a, **kw):
        reads.append(1)
        return real(self, *a, **kw)

    monkeypatch.setattr(g.GitWorkspace, "status", status)
    panel = window.collection_panel
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    qtbot.waitUntil(lambda: not panel._running and not window.git._running, timeout=20000)

    def reindex(read: bool) -> None:
        before = len(reads)
        with qtbot.waitSignal(panel.rowsShown, timeout=20000):
            panel.reindex()  # what the folder watcher, its 20-second poll and a save do
        git_ctl = window.git
        qtbot.waitUntil(lambda: not git_ctl._soon.isActive() and not git_ctl._running, timeout=20000)
        assert len(reads) == before + (1 if read else 0)

    reindex(read=True)  # the first re-index of a folder makes its stamp
    for _ in range(3):
        reindex(read=False)
    e0, e1 = site.entry(site.desk, 0), site.entry(site.desk, 1)
    set_field(e0, title="Edited outside")  # another program writes an entry
    reindex(read=True)
    assert window.git.states[ENTRIES[0]] == ("modified", ["title"])
    reindex(read=False)
    git(site.desk, "add", str(e0))  # a terminal stages it: only .git/index changes
    reindex(read=True)
    assert window.git.states[ENTRIES[0]] == ("staged", ["title"])
    git(site.desk, "commit", "-q", "-m", "From a terminal")
    reindex(read=True)
    assert ENTRIES[0] not in window.git.states and "↑1" in window.git.branch_label.text()
    new = site.learn(site.desk) / "biology" / "scratch-note.md"
    shutil.copyfile(CORPUS / ENTRIES[3], new)
    reindex(read=True)
    assert window.git.states["biology/scratch-note.md"][0] == "untracked"
    (new.parent / ".gitignore").write_text(
        "scratch-note.md\n", encoding="utf-8", newline=""
    )  # the index sees no entry change
    reindex(read=True)
    assert "biology/scratch-note.md" not in window.git.states
    reindex(read=False)
    before = len(reads)
    refreshed(window, qtbot)  # Git ▸ Refresh, a commit, a sync: always read
    assert len(reads) == before + 1
    window.open_file(e1)  # a save in the window
    window.form.widget_for(("author",)).setText("Saved here")
    window.form.widget_for(("author",)).textEdited.emit("Saved here")
    assert window.save()
    qtbot.waitUntil(lambda: window.git.states.get(ENTRIES[1]) == ("modified", ["author"]), timeout=20000)
    monkeypatch.setattr(type(window.git), "MAX_SKIP_S", 0.0)  # an old read is read again
    reindex(read=True)


def test_a_folder_indexed_from_nothing_shows_its_git_status_once_listed(window, qtbot, site, monkeypatch):
    """A large repository opened with no index: git status comes once every row is listed,
    while the index's pass (the rules over every entry: seconds at 36,000) still runs; before,
    the git panel stayed empty until that pass ended."""
    import threading

    import qteditor.core.collection as collection

    monkeypatch.setattr(collection, "CHUNK", 1)  # the site's entries count as a large collection
    go_on = threading.Event()
    real = collection.Collection._refresh_locked

    def held(self, *args, **kwargs):
        go_on.wait(20)  # the index's pass waits until the test has seen the status
        return real(self, *args, **kwargs)

    monkeypatch.setattr(collection.Collection, "_refresh_locked", held)
    panel = window.collection_panel
    try:
        with qtbot.waitSignal(panel.listed, timeout=20000):
            window.open_folder(site.learn(site.desk))
        with qtbot.waitSignal(window.git.statusReady, timeout=20000):
            pass
        assert panel.loading and window.git.state == "on"  # the index's pass is not over
        assert len(panel.model.rows) == len(ENTRIES)
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: not panel.loading, timeout=20000)
    assert window.git.state == "on"
