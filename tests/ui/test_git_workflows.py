"""The window's git workflows off the happy path, against real git in temporary repositories (a
bare remote, the desktop's and the CMS's clones; tests/core/git_helpers.py): publishing a branch
that has no upstream, saving an entry whose file is in a git conflict, committing on a detached
HEAD. Dialogs run as the user runs them (exec, buttons)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from qteditor.ui.git_dialogs import SyncDialog
from tests.core.git_helpers import ENTRIES, cms_save, git, make_site, own_git_config
from tests.core.merge_helpers import fields_of
from tests.ui.test_dialogs import _on_modals
from tests.ui.test_git_window import _wait_done, no_setup_offer, open_site, refreshed, set_field


@pytest.fixture
def site(tmp_path, monkeypatch):
    own_git_config(tmp_path, monkeypatch)
    return make_site(tmp_path)


def _topic(site, title="On a topic"):
    """A new branch with one commit, never pushed (no upstream)."""
    git(site.desk, "switch", "-q", "-c", "topic")
    set_field(site.entry(site.desk, 0), title=title)
    git(site.desk, "commit", "-q", "-am", "Topic")
    return git(site.desk, "rev-parse", "HEAD").strip()


# ---------------------------------------------------------------------------- publish
def test_sync_of_a_branch_without_upstream_offers_publish_which_pushes_it(window, qtbot, site):
    sha = _topic(site)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    seen = {}

    def stopped(dialog):
        assert isinstance(dialog, SyncDialog)
        _wait_done(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["advice"] = dialog.advice.text()
        seen["offered"] = dialog.publish_button.isVisible() and dialog.publish_button.isDefault()
        dialog.publish_button.click()

    def published(dialog):
        assert isinstance(dialog, SyncDialog)
        _wait_done(qtbot, dialog)
        seen["done"] = dialog.message.text()
        seen["error"] = dialog.error
        dialog.close_button.click()

    _on_modals(stopped, published)
    window.git.sync()
    assert "not shared yet" in seen["message"] and "origin" in seen["advice"], seen
    assert seen["offered"], seen
    assert seen["error"] is None and seen["done"] == "Published topic to origin.", seen
    assert git(site.remote, "rev-parse", "refs/heads/topic").strip() == sha
    assert git(site.desk, "rev-parse", "--abbrev-ref", "topic@{upstream}").strip() == "origin/topic"
    qtbot.waitUntil(lambda: "↑0 ↓0" in window.git.branch_label.text(), timeout=20000)


def test_the_git_menu_publishes_a_branch_without_upstream_and_says_so_in_the_status_bar(window, qtbot, site):
    sha = _topic(site)
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    act = window.git.act_publish
    assert act in window.git_menu.actions()
    assert act.isEnabled() and act.isVisible()
    assert "not published" in window.git.branch_label.text()

    def published(dialog):
        _wait_done(qtbot, dialog)
        dialog.close_button.click()

    _on_modals(published)
    act.trigger()
    assert git(site.remote, "rev-parse", "refs/heads/topic").strip() == sha
    refreshed(window, qtbot)
    assert not act.isEnabled()  # shared now: Sync does the rest
    assert "not published" not in window.git.branch_label.text()


def test_a_branch_deleted_on_the_shared_repository_is_shown_and_can_be_published_again(window, qtbot, site):
    sha = _topic(site)
    git(site.desk, "push", "-q", "-u", "origin", "topic")
    git(site.cms, "push", "-q", "origin", "--delete", "topic")
    git(site.desk, "fetch", "-q", "--prune")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    label = window.git.branch_label
    assert "↑0 ↓0" not in label.text() and "gone" in label.text(), label.text()
    assert window.git.act_publish.isEnabled()
    seen = {}

    def stopped(dialog):
        _wait_done(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["offered"] = dialog.publish_button.isVisible()
        dialog.publish_button.click()

    def published(dialog):
        _wait_done(qtbot, dialog)
        seen["error"] = dialog.error
        dialog.close_button.click()

    _on_modals(stopped, published)
    window.git.sync()
    assert "deleted there" in seen["message"] and seen["offered"] and seen["error"] is None, seen
    assert git(site.remote, "rev-parse", "refs/heads/topic").strip() == sha


def test_publish_without_a_remote_says_there_is_no_shared_repository(window, qtbot, tmp_path, monkeypatch):
    import shutil

    from tests.conftest import CORPUS

    own_git_config(tmp_path, monkeypatch)
    top = tmp_path / "alone"
    root = top / "content" / "learn"
    (root / ENTRIES[0]).parent.mkdir(parents=True)
    shutil.copyfile(CORPUS / ENTRIES[0], root / ENTRIES[0])
    git(tmp_path, "init", "-q", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Entries")
    open_site(window, qtbot, root)
    no_setup_offer(window)
    assert "not published" not in window.git.branch_label.text()  # nowhere to publish to
    seen = {}

    def stopped(dialog):
        _wait_done(qtbot, dialog)
        seen["message"] = dialog.message.text()
        seen["offered"] = dialog.publish_button.isVisible()
        dialog.close_button.click()

    _on_modals(stopped)
    window.git.act_publish.trigger()
    assert "no shared copy" in seen["message"] and not seen["offered"], seen


# ---------------------------------------------------------------------------- save over a conflict
def _conflict_while_open(window, qtbot, site, driver):
    """The desk committed a title, the CMS pushed another; the writer opens the entry and edits
    its author (unsaved) while a pull in a terminal stops on that entry with markers."""
    from qteditor.core import git as g

    if driver:
        g.setup(site.desk)
    e0 = site.entry(site.desk, 0)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    window.open_file(e0)
    author = window.form.widget_for(("author",))
    author.setText("Unsaved author")
    author.textEdited.emit("Unsaved author")
    assert window.session.dirty
    git(site.desk, "pull", "-q", "--no-rebase", check=False)
    marked = e0.read_bytes()
    assert b"<<<<<<<" in marked and b">>>>>>>" in marked
    return e0, marked


@pytest.mark.parametrize("driver", [True, False], ids=["entry-merge", "line-merge"])
def test_saving_over_a_file_in_a_git_conflict_says_so_and_writes_nothing_unless_asked(
    window, qtbot, site, driver
):
    e0, marked = _conflict_while_open(window, qtbot, site, driver)
    seen = {}

    def cancel(box):
        seen["text"] = box.text() + "\n" + box.informativeText()
        seen["buttons"] = [b.text().replace("&", "") for b in box.buttons()]
        seen["default"] = box.defaultButton().text().replace("&", "")
        _button_of(box, "Cancel").click()

    _on_modals(cancel)
    assert not window.save()
    assert "git conflict" in seen["text"] and "merged" not in seen["text"], seen
    assert seen["default"] == "Cancel" and "Resolve Conflicts…" in seen["buttons"], seen
    assert "Save Over It" in seen["buttons"], seen
    assert e0.read_bytes() == marked  # the markers are not written over
    assert window.session.dirty and window.session.fields["author"] == "Unsaved author"
    status = window.statusBar().currentMessage()
    assert "merged" not in status and "conflict" in status, status

    _on_modals(lambda box: _button_of(box, "Save Over It").click())
    assert window.save()
    now = e0.read_bytes()
    assert b"<<<<<<<" not in now and fields_of(now)["author"] == "Unsaved author"
    assert not window.session.dirty
    assert "conflict" in window.statusBar().currentMessage()  # git still lists it: said


def test_resolve_from_the_save_question_keeps_the_unsaved_edits(window, qtbot, site):
    from qteditor.ui.git_dialogs import ResolveDialog

    e0, _marked = _conflict_while_open(window, qtbot, site, True)

    def resolve(dialog):
        assert isinstance(dialog, ResolveDialog)
        dialog.choose(0, ResolveDialog.THEIRS)
        dialog.resolve_button.click()

    window.answers.append(QMessageBox.StandardButton.No)  # finish the merge: not now
    _on_modals(lambda box: _button_of(box, "Resolve Conflicts…").click(), resolve)
    assert not window.save()  # the resolver ran; the edits are still to be saved
    on_disk = fields_of(e0.read_bytes())
    assert on_disk["title"] == "CMS title" and not window.git.ws.conflicted()
    s = window.session
    assert s.dirty and s.fields["author"] == "Unsaved author" and s.fields["title"] == "CMS title"
    assert window.save()
    assert fields_of(e0.read_bytes())["author"] == "Unsaved author"


def _button_of(box, text):
    for b in box.buttons():
        if b.text().replace("&", "") == text:
            return b
    raise AssertionError(f"no button {text!r}: {[b.text() for b in box.buttons()]}")


# ---------------------------------------------------------------------------- detached HEAD
def test_commit_on_a_detached_head_asks_first_and_no_is_the_default(window, qtbot, site, monkeypatch):
    defaults = []
    asked = QMessageBox.question  # the fixture's: records the text, pops window.answers

    def question(*args, **kwargs):
        defaults.append(args[4] if len(args) > 4 else kwargs.get("defaultButton"))
        return asked(*args, **kwargs)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    git(site.desk, "switch", "-q", "--detach")
    head = git(site.desk, "rev-parse", "HEAD").strip()
    set_field(site.entry(site.desk, 0), title="Detached title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    seen = {}

    def commit(dialog):
        seen["note"] = " ".join(label.text() for label in dialog.findChildren(type(dialog.author)))
        dialog.commit_button.click()

    _on_modals(commit)  # the question's answer: the fixture's default (as if Escape)
    assert window.git.commit() is None
    assert git(site.desk, "rev-parse", "HEAD").strip() == head
    assert any("detached" in q and head[:7] in q and "no branch" in q for q in window.asked), window.asked
    assert "detached" in seen["note"], seen
    assert defaults == [QMessageBox.StandardButton.No]
    window.answers.append(QMessageBox.StandardButton.Yes)
    _on_modals(lambda d: d.commit_button.click())
    sha = window.git.commit()
    assert sha and git(site.desk, "rev-parse", "HEAD").strip() == sha


def test_commit_on_a_branch_asks_nothing_about_the_head(window, qtbot, site):
    set_field(site.entry(site.desk, 0), title="Branch title")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    _on_modals(lambda d: d.commit_button.click())
    assert window.git.commit()
    assert not any("detached" in q for q in window.asked), window.asked


# ---------------------------------------------------------------------------- renamed by the CMS
def test_an_entry_the_cms_renamed_follows_its_new_name_after_sync(window, qtbot, site):
    """The CMS renamed the open entry (and pushed); Sync's pull moves it: the window opened
    it under its new name (it said "deleted or moved; use Save As", and Save As made a second
    copy of the entry at its old name)."""
    e0 = site.entry(site.desk, 0)
    git(site.cms, "pull", "-q", "--no-rebase")
    old = site.entry(site.cms, 0)
    new_rel = "content/learn/" + ENTRIES[0].rsplit("/", 1)[0] + "/renamed-by-the-cms.md"
    git(site.cms, "mv", str(old), new_rel)
    git(site.cms, "commit", "-q", "-m", "Renamed via CloudCannon.")
    git(site.cms, "push", "-q")
    open_site(window, qtbot, site.learn(site.desk))
    no_setup_offer(window)
    window.open_file(e0)
    seen = {}

    def sync(dialog):
        _wait_done(qtbot, dialog)
        seen["error"] = dialog.error
        dialog.close_button.click()

    _on_modals(sync)
    window.git.sync()
    assert seen["error"] is None, seen
    assert not e0.exists() and (site.desk / new_rel).exists()
    assert window.session.path == str(site.desk / new_rel), window.session.path
    assert not window.file_missing and "deleted or moved" not in window.notice.text()
    assert "renamed" in window.statusBar().currentMessage()
