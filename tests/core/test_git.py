"""core/git.py against real git: status, commit, log, restore, sync (file:// and git daemon),
conflicts and their resolution, the drivers end to end through ``git merge``, and no git."""

from __future__ import annotations

import json
import subprocess
import threading

import pytest

from qteditor.cli import main
from qteditor.core import git as g
from qteditor.core.entry import Entry
from qteditor.core.merge import THEIRS, Value
from tests.conftest import CORPUS, needs_symlinks, posix_only
from tests.core.git_helpers import ENTRIES, cms_save, git, set_field, stop_git_am_at_a_conflict
from tests.core.merge_helpers import desktop, edit_paragraph, fields_of, paragraphs


# ---------------------------------------------------------------------------- status
def test_status_states_and_fields(site):
    e0, e1, e2, e3 = (site.entry(site.desk, i) for i in range(4))
    set_field(e0, title="New title")
    e1.write_bytes(desktop(e1.read_bytes(), lambda f: f["seo"].update(page_keywords="k")))
    git(site.desk, "add", str(e1))
    e2.unlink()
    new = site.learn(site.desk) / "biology" / "a-new-entry.md"
    new.write_bytes(e3.read_bytes())
    (site.desk / "notes.txt").write_text("outside the collection", encoding="utf-8", newline="")
    ws = g.GitWorkspace(site.learn(site.desk))
    status = ws.status()
    states = {e.path.rsplit("/", 1)[-1]: (e.state, e.fields) for e in status.entries}
    assert states[e0.name] == ("modified", ["title"])
    assert states[e1.name] == ("staged", ["seo.page_keywords"])
    assert states[e2.name] == ("deleted", [])
    assert states["a-new-entry.md"][0] == "untracked" and "title" in states["a-new-entry.md"][1]
    assert len(states) == 4  # notes.txt and README.md are not the collection's
    assert (status.branch, status.upstream, status.ahead, status.behind) == ("main", "origin/main", 0, 0)
    git(site.desk, "add", str(new))
    assert {e.path: e.state for e in ws.status(fields=False).entries}[ws.repo.rel(new)] == "new"


def test_status_json_and_text_cli(site, capsys, monkeypatch):
    set_field(site.entry(site.desk, 0), title="Changed")
    monkeypatch.chdir(site.desk)
    assert main(["git", "status", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"branch", "upstream", "ahead", "behind", "entries"}
    assert out["entries"] == [
        {"path": "content/learn/" + ENTRIES[0], "state": "modified", "fields": ["title"]}
    ]
    assert main(["git", "status", "content/learn"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("On branch main (tracking origin/main: 0 ahead, 0 behind)")
    assert "modified    content/learn/" + ENTRIES[0] + "  [title]" in text


def test_status_outside_a_repository(tmp_path, gitenv, capsys):
    (tmp_path / "loose").mkdir()
    assert main(["git", "status", str(tmp_path / "loose")]) == 1
    assert "not inside a git repository" in capsys.readouterr().err
    assert main(["git", "status", str(tmp_path / "missing")]) == 2


# ---------------------------------------------------------------------------- commit
def test_commit_stages_only_the_checked_entries(site):
    e0, e1, e2 = (site.entry(site.desk, i) for i in range(3))
    for e in (e0, e1, e2):
        set_field(e, author="Edited")
    (site.desk / "README.md").write_text("staged by hand\n", encoding="utf-8", newline="")
    git(site.desk, "add", "README.md")
    ws = g.GitWorkspace(site.learn(site.desk))
    changes = [c for c in ws.changes() if c.path.endswith((e0.name, e1.name))]
    message = ws.suggest_message(changes)
    assert message == "Edit author in 2 entries"
    sha = ws.commit([e0, e1], message)
    committed = git(site.desk, "show", "--name-only", "--format=%s%n%an", sha).split("\n")
    assert committed[0] == message and committed[1] == "Desk Writer"
    assert sorted(p for p in committed[2:] if p) == sorted(
        ["content/learn/" + ENTRIES[0], "content/learn/" + ENTRIES[1]]
    )
    left = {
        e.path.rsplit("/", 1)[-1]: e.state
        for e in ws.repo.status(None, fields=False, entries_only=False).entries
    }
    assert left == {e2.name: "modified", "README.md": "staged"}  # untouched, still staged
    with pytest.raises(g.GitError, match="outside the collection"):
        ws.commit([site.desk / "README.md"], "no")
    with pytest.raises(g.GitError, match="message"):
        ws.commit([e2], "   ")
    assert ws.repo.author() == "Desk Writer <desk@example.org>"


def test_commit_a_new_and_a_deleted_entry(site):
    ws = g.GitWorkspace(site.learn(site.desk))
    new = site.learn(site.desk) / "biology" / "brand-new.md"
    new.write_bytes(site.entry(site.desk, 3).read_bytes())
    site.entry(site.desk, 2).unlink()
    ws.commit([new, site.entry(site.desk, 2)], "Add one, delete one")
    assert ws.status(fields=False).entries == []


def test_commit_items_list_each_entry_with_its_field_summaries(site):
    from tests.core.merge_helpers import cms

    e0, e1, e2, e3 = (site.entry(site.desk, i) for i in range(4))
    old_title = fields_of(e0.read_bytes())["title"]
    set_field(e0, title="A new title")
    e1.write_bytes(cms(e1.read_bytes()))  # re-dumped at width 80, no field changed
    e2.unlink()
    new = site.learn(site.desk) / "biology" / "brand-new.md"
    new.write_bytes(e3.read_bytes())
    ws = g.GitWorkspace(site.learn(site.desk))
    for status in (None, ws.status(fields=False)):  # values are read when the status lacks them
        items = {i.path.rsplit("/", 1)[-1]: i for i in ws.commit_items(status)}
        assert items[e0.name].lines == [
            f"title: {old_title[:39]}… → A new title"
            if len(old_title) > 40
            else f"title: {old_title} → A new title"
        ]
        assert items[e0.name].change.title == "A new title" and items[e0.name].committable
        assert items[e1.name].lines == ["formatting only (no field changed)"]
        assert items[e2.name].lines == ["deleted"]
        assert items["brand-new.md"].lines == ["new entry"]
        assert len(items) == 4


# ---------------------------------------------------------------------------- log and restore
def test_log_follows_renames_with_the_fields_each_commit_changed(site, capsys):
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="First change")
    git(site.desk, "commit", "-q", "-am", "Edit title")
    moved = e0.with_name("renamed-entry.md")
    git(site.desk, "mv", str(e0), str(moved))
    git(site.desk, "commit", "-q", "-m", "Rename")
    moved.write_bytes(desktop(moved.read_bytes(), lambda f: f["seo"].update(page_keywords="k")))
    git(site.desk, "commit", "-q", "-am", "Keywords")
    commits = g.Repo.find(site.desk).log(moved)
    assert [(c.subject, c.fields) for c in commits[:3]] == [
        ("Keywords", ["seo.page_keywords"]),
        ("Rename", []),
        ("Edit title", ["title"]),
    ]
    assert commits[3].subject == "Entries" and commits[3].status == "A"
    assert commits[3].fields == list(fields_of(commits[3].new))  # added: every field
    assert commits[1].old_path == "content/learn/" + ENTRIES[0] and commits[1].status == "R"
    assert commits[2].changes[0].new == "First change"
    assert main(["git", "log", "--json", str(moved)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["fields"] for c in out["commits"]][:3] == [["seo.page_keywords"], [], ["title"]]
    assert out["commits"][2]["path"] == "content/learn/" + ENTRIES[0]


def test_restore_a_field_and_a_version_with_minimal_diffs(site):
    e0 = site.entry(site.desk, 0)
    original = e0.read_bytes()
    first = git(site.desk, "rev-parse", "HEAD").strip()
    e0.write_bytes(
        desktop(
            original,
            lambda f: (
                f.update(title="Changed", author="Someone"),
                edit_paragraph(f, paragraphs(f)[0], " More."),
            ),
        )
    )
    git(site.desk, "commit", "-q", "-am", "Edits")
    repo = g.Repo.find(site.desk)
    assert repo.restore_field(e0, first, "title")
    now = fields_of(e0.read_bytes())
    assert now["title"] == fields_of(original)["title"] and now["author"] == "Someone"
    diff = git(site.desk, "diff", "--no-ext-diff", "--unified=0", "--", str(e0))
    assert [
        ln for ln in diff.splitlines() if ln.startswith(("+", "-")) and ln[1:3] != "++" and ln[1:3] != "--"
    ] == ["-    Changed", "+    " + fields_of(original)["title"]]
    assert repo.restore_version(e0, first)
    assert e0.read_bytes() == original
    assert not repo.restore_version(e0, first)  # already that version: nothing written


# ---------------------------------------------------------------------------- sync
def test_sync_brings_in_and_sends_changes(site):
    cms_save(site, 1, lambda d: d.__setitem__("author", "From the CMS"))
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="From the desk")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    steps = []
    result = ws.sync(lambda step, frac, text: steps.append(step))
    assert result.fetched and result.integrated == "merge" and result.pushed
    assert result.changed == ["content/learn/" + ENTRIES[1]]
    assert {"fetch", "merge", "push"} <= set(steps)
    assert (result.ahead, result.behind) == (0, 0)
    git(site.cms, "pull", "-q", "--no-rebase")
    assert fields_of(site.entry(site.cms, 0).read_bytes())["title"] == "From the desk"
    again = ws.sync()
    assert not again.pushed and again.integrated is None and "up to date" in again.message


def test_sync_rebases_when_pull_rebase_says_so(site):
    git(site.desk, "config", "pull.rebase", "true")
    cms_save(site, 1, lambda d: d.__setitem__("author", "CMS"))
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="Desk")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    result = ws.sync()
    assert result.integrated == "rebase" and result.pushed
    parents = git(site.desk, "log", "--format=%P", "-n1").split()
    assert len(parents) == 1  # no merge commit: rebased


def test_a_rejected_push_is_said_plainly_and_the_next_sync_sends(site):
    e0 = site.entry(site.desk, 0)
    set_field(e0, title="Desk")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")

    def progress(step, frac, text):  # someone pushes between our fetch and our push
        if step == "push" and not pushed:
            pushed.append(1)
            cms_save(site, 2, lambda d: d.__setitem__("author", "Quick CMS"))

    pushed: list = []
    with pytest.raises(g.SyncError) as err:
        ws.sync(progress)
    assert err.value.kind == "rejected" and "Sync again" in err.value.advice
    result = ws.sync()
    assert result.pushed and "content/learn/" + ENTRIES[2] in result.changed


def test_a_conflict_stops_sync_and_resolves_field_by_field(site):
    e0 = site.entry(site.desk, 0)
    g.setup(site.desk)
    cms_save(
        site,
        0,
        lambda d: (d.__setitem__("title", "CMS title"), d["seo"].__setitem__("page_keywords", "cms, words")),
    )
    set_field(e0, title="Desk title", author="Desk author")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    mine = e0.read_bytes()
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "conflicts"
    assert ws.conflicted() == ["content/learn/" + ENTRIES[0]]
    status = ws.status()
    assert [(e.state, e.fields) for e in status.entries] == [("conflicted", ["title"])]
    assert status.operation == "merge"
    c = ws.conflict(e0)
    assert c.mergeable and not c.rebase and c.label("ours") == "Mine"
    (conflict,) = c.conflicts
    assert (conflict.path, conflict.ours, conflict.theirs) == (("title",), "Desk title", "CMS title")
    ws.resolve(e0, {conflict.key: THEIRS})
    got = fields_of(e0.read_bytes())
    assert (got["title"], got["author"], got["seo"]["page_keywords"]) == (
        "CMS title",
        "Desk author",
        "cms, words",
    )
    assert e0.read_bytes() == desktop(
        mine, lambda f: (f.update(title="CMS title"), f["seo"].update(page_keywords="cms, words"))
    )  # written into mine: the CMS's re-wrap is not taken
    assert ws.conflicted() == []
    ws.finish()
    result = ws.sync()
    assert result.pushed


def test_a_conflict_during_a_rebase_knows_which_side_is_mine(site):
    git(site.desk, "config", "pull.rebase", "true")
    e0 = site.entry(site.desk, 0)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "conflicts"
    c = ws.conflict(e0)
    assert c.rebase and c.mine == "theirs" and c.label("theirs") == "Mine"
    (conflict,) = c.conflicts
    assert conflict.theirs == "Desk title"  # in a rebase, "theirs" is the user's commit
    ws.resolve(e0, {conflict.key: Value("Both agreed")})
    ws.finish()
    assert fields_of(e0.read_bytes())["title"] == "Both agreed"
    assert git(site.desk, "log", "-n1", "--format=%s").strip() == "Edit title"
    ws.abort()  # nothing in progress: nothing happens


def test_abort_goes_back_to_before_sync(site):
    e0 = site.entry(site.desk, 0)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS"))
    set_field(e0, title="Desk")
    ws = g.GitWorkspace(site.learn(site.desk))
    sha = ws.commit([e0], "Edit title")
    with pytest.raises(g.SyncError):
        ws.sync()
    ws.abort()
    assert ws.repo.operation() is None and ws.repo.head() == sha
    assert fields_of(e0.read_bytes())["title"] == "Desk"


def test_offline_no_remote_and_cancel(site, tmp_path):
    ws = g.GitWorkspace(site.learn(site.desk))
    git(site.desk, "remote", "set-url", "origin", (tmp_path / "gone.git").as_uri())
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "offline" and "could not be reached" in err.value.message
    git(site.desk, "remote", "set-url", "origin", site.url)
    stop = threading.Event()
    stop.set()
    with pytest.raises(g.SyncError) as err:
        ws.sync(cancel=stop)
    assert err.value.kind == "cancelled"
    alone = tmp_path / "alone"
    git(tmp_path, "init", "-q", str(alone))
    with pytest.raises(g.SyncError) as err:
        g.Repo.find(alone).sync()
    assert err.value.kind == "no-remote"


def test_publish_a_branch_without_upstream(site):
    git(site.desk, "switch", "-q", "-c", "topic")
    set_field(site.entry(site.desk, 0), title="On a topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([site.entry(site.desk, 0)], "Topic")
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "no-upstream"
    assert ws.sync(publish=True).pushed
    assert "topic" in git(site.remote, "branch")


def _second_remote(site, tmp_path, name):
    other = tmp_path / f"{name}.git"
    git(tmp_path, "init", "-q", "--bare", str(other))
    git(site.desk, "remote", "add", name, other.as_uri())
    return other


def test_publish_goes_where_git_would_push(site, tmp_path):
    """Several remotes: the one git pushes to (remote.pushDefault, then origin), never the
    first in the list; without origin or a default, Publish does not guess."""
    mirror = _second_remote(site, tmp_path, "aaa")  # listed before origin
    git(site.desk, "switch", "-q", "-c", "topic")
    set_field(site.entry(site.desk, 0), title="On a topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([site.entry(site.desk, 0)], "Topic")
    assert ws.repo.publish_remote("topic") == "origin"
    git(site.desk, "config", "remote.pushDefault", "aaa")
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "no-upstream" and "aaa" in err.value.advice, err.value.advice
    assert ws.status(fields=False).publish_to == "aaa"
    assert ws.sync(publish=True).message == "Published topic to aaa."
    assert "topic" in git(mirror, "branch") and "topic" not in git(site.remote, "branch")
    assert git(site.desk, "rev-parse", "--abbrev-ref", "topic@{upstream}").strip() == "aaa/topic"


def test_publish_with_several_remotes_and_none_git_would_use_says_so(site, tmp_path):
    _second_remote(site, tmp_path, "zzz")
    git(site.desk, "remote", "rename", "origin", "yyy")
    git(site.desk, "switch", "-q", "-c", "topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    assert ws.repo.publish_remote("topic") is None
    st = ws.status(fields=False)
    assert st.publish_to is None and st.remotes == ["yyy", "zzz"]
    for publish in (False, True):
        with pytest.raises(g.SyncError) as err:
            ws.sync(publish=publish)
        assert err.value.kind == "no-remote" and "yyy, zzz" in err.value.message, err.value.message
        assert "remote.pushDefault" in err.value.advice
    assert "topic" not in git(site.remote, "branch")


def test_publish_with_one_remote_not_named_origin_uses_it(site):
    git(site.desk, "remote", "rename", "origin", "shared")
    git(site.desk, "switch", "-q", "-c", "topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert "shared" in err.value.advice
    assert ws.sync(publish=True).pushed and "topic" in git(site.remote, "branch")


def test_status_says_when_the_upstream_is_gone(site):
    git(site.desk, "switch", "-q", "-c", "topic")
    git(site.desk, "push", "-q", "-u", "origin", "topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    st = ws.status(fields=False)
    assert (st.upstream, st.gone, st.publish_to) == ("origin/topic", False, None)
    git(site.cms, "push", "-q", "origin", "--delete", "topic")
    git(site.desk, "fetch", "-q", "--prune")
    st = ws.status(fields=False)
    assert (st.upstream, st.gone, st.publish_to) == ("origin/topic", True, "origin")


@pytest.mark.parametrize(
    "text, line",
    [
        (b"a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n", 2),
        (b"a\r\n<<<<<<< HEAD\r\nb\r\n||||||| base\r\nx\r\n=======\r\nc\r\n>>>>>>> 1a2b\r\n", 2),
        (b"<<<<<<<<<< ours\nb\n==========\n>>>>>>>>>> theirs\n", 1),  # conflict-marker-size=10
        (b"a\n>>>>>>> quoted\nno opener before it\n", None),
        (b"<<<<<<< alone\nno separator\n>>>>>>> x\n", None),
        (b"text with <<<<<<< inside\n=======\n>>>>>>> x\n", None),
        (b"", None),
    ],
)
def test_conflict_markers_find_a_whole_block(text, line):
    assert g.conflict_markers(text) == line


def test_errors_in_plain_words():
    cases = {
        "fatal: Authentication failed for 'https://example.org/site.git/'": "authentication",
        "git@example.org: Permission denied (publickey).\nfatal: Could not read from remote "
        "repository.": "authentication",
        "fatal: could not read Username for 'https://example.org': terminal prompts disabled": (
            "authentication"
        ),
        " ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs": "rejected",
        "fatal: unable to access 'https://example.org/': Could not resolve host: example.org": "offline",
        " ! [remote rejected] main -> main (pre-receive hook declined)": "rejected",
        "error: Your local changes to the following files would be overwritten by merge:\n"
        "\tcontent/learn/a.md\nPlease commit": "local-changes",
    }
    for text, kind in cases.items():
        err = g.classify(text)
        assert err.kind == kind, text
        assert err.message and err.advice and err.detail == text.strip()


def test_sync_over_git_daemon(daemon_site):
    site = daemon_site
    cms_save(site, 1, lambda d: d.__setitem__("author", "CMS over git://"))
    set_field(site.entry(site.desk, 0), title="Desk over git://")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([site.entry(site.desk, 0)], "Edit title")
    result = ws.sync()
    assert result.pushed and result.changed == ["content/learn/" + ENTRIES[1]]


# ---------------------------------------------------------------------------- drivers
def test_setup_is_idempotent_and_registers_this_qteditor(site, capsys):
    (site.desk / ".gitattributes").write_text(
        "*.png binary\n/content/learn/**/*.md diff=other\n", encoding="utf-8", newline=""
    )
    assert main(["git", "setup", str(site.desk)]) == 0
    attrs = (site.desk / ".gitattributes").read_text(encoding="utf-8")
    assert attrs == "*.png binary\n/content/learn/**/*.md merge=qteditor diff=qteditor\n"
    assert main(["git", "setup", str(site.desk)]) == 0
    assert (site.desk / ".gitattributes").read_text(encoding="utf-8") == attrs
    assert "already set up" in capsys.readouterr().err
    driver = git(site.desk, "config", "--get", "merge.qteditor.driver").strip()
    assert driver.endswith("merge-driver --marker-size %L -- %O %A %B %P") and " -I " in driver
    assert git(site.desk, "config", "--get", "diff.qteditor.textconv").strip().endswith("textconv --")
    assert g.is_setup(site.learn(site.desk))
    assert main(["git", "setup", str(site.desk / "missing")]) == 2


def test_setup_without_a_collection_marks_md_files(tmp_path, gitenv):
    repo = tmp_path / "notes"
    git(tmp_path, "init", "-q", str(repo))
    (repo / "docs").mkdir()
    g.setup(repo / "docs")
    assert (repo / ".gitattributes").read_text(
        encoding="utf-8"
    ) == "/docs/**/*.md merge=qteditor diff=qteditor\n"
    (repo / "my site" / ".qteditor").mkdir(parents=True)
    g.setup(repo)
    assert '"/my site/**/*.md" merge=qteditor diff=qteditor' in (repo / ".gitattributes").read_text(
        encoding="utf-8"
    )
    assert main(["git", "setup", str(tmp_path)]) == 1  # not a repository


def test_setup_from_inside_a_collection_marks_the_whole_collection(site):
    for where in (site.entry(site.desk, 2).parent, site.entry(site.desk, 0)):  # a subject, an entry
        (site.desk / ".gitattributes").unlink(missing_ok=True)
        assert main(["git", "setup", str(where)]) == 0
        assert (site.desk / ".gitattributes").read_text(
            encoding="utf-8"
        ) == "/content/learn/**/*.md merge=qteditor diff=qteditor\n"


def test_setup_keeps_the_attribute_file_as_it_is_written(tmp_path, gitenv):
    repo = tmp_path / "site"
    git(tmp_path, "init", "-q", str(repo))
    attributes = repo / ".gitattributes"
    attributes.write_bytes(b"*.png binary\r\n*.md text diff=qteditor\r\n*.md -merge\r\n")
    done = g.setup(repo)
    assert attributes.read_bytes() == b"*.png binary\r\n*.md text merge=qteditor diff=qteditor\r\n"
    assert done["updated"] == ["*.md", "*.md"] and done["added"] == []
    right = b"*.md   diff=qteditor merge=qteditor eol=lf"  # right already, no final newline
    attributes.write_bytes(right)
    done = g.setup(repo)
    assert attributes.read_bytes() == right and done["added"] == done["updated"] == []
    assert g.is_setup(repo)


@needs_symlinks
def test_the_debs_launcher_is_what_git_calls(monkeypatch, tmp_path):
    bundle = tmp_path / "opt" / "qteditor" / "qteditor"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("", encoding="utf-8", newline="")
    launcher = tmp_path / "usr" / "bin" / "qteditor"
    launcher.parent.mkdir(parents=True)
    launcher.symlink_to(bundle)  # as build-deb.sh links /usr/bin/qteditor
    monkeypatch.setattr(g, "LAUNCHERS", (launcher,))
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys.executable", str(bundle))
    assert g.qteditor_command() == [str(launcher)]


def test_the_frozen_app_registers_itself(monkeypatch, tmp_path):
    exe = tmp_path / "opt" / "qteditor"
    exe.parent.mkdir()
    exe.write_text("", encoding="utf-8", newline="")
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys.executable", str(exe))
    assert g.qteditor_command() == [str(exe)]
    monkeypatch.undo()
    import sys

    cmd = g.qteditor_command()
    assert cmd[:2] == [sys.executable, "-I"] and cmd[2] in ("-m", "-c")  # isolated: no cwd


def test_merge_driver_end_to_end_through_git_merge(site):
    g.setup(site.desk)
    git(site.desk, "config", "merge.conflictStyle", "diff3")
    e0, e1 = site.entry(site.desk, 0), site.entry(site.desk, 1)
    # the CMS re-dumps two entries, changing one field in each
    cms_save(site, 0, lambda d: d["seo"].__setitem__("page_keywords", "cms, words"))
    cms_save(site, 1, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    set_field(e1, title="Desk title too")
    git(site.desk, "commit", "-q", "-am", "Desk edits")
    git(site.desk, "fetch", "-q")
    ours_e0 = e0.read_bytes()
    proc = subprocess.run(
        ["git", "merge", "--no-edit", "origin/main"], cwd=site.desk, capture_output=True, encoding="utf-8"
    )
    assert proc.returncode == 1  # e1's title is a real conflict
    assert git(site.desk, "diff", "--name-only", "--diff-filter=U").split() == ["content/learn/" + ENTRIES[1]]
    # e0 merged clean: OURS's bytes with the keywords line changed, nothing re-wrapped
    assert e0.read_bytes() == desktop(ours_e0, lambda f: f["seo"].update(page_keywords="cms, words"))
    text = e1.read_text(encoding="utf-8")
    start, end = text.index("<<<<<<< ours"), text.index(">>>>>>> theirs")
    base_title = fields_of((CORPUS / ENTRIES[1]).read_bytes())["title"]
    assert text[start:end].split("\n")[1:-1] == [
        "    Desk title too",
        "||||||| base",
        "    " + base_title,
        "=======",
        "    CMS title",
    ]
    assert text.count("<<<<<<<") == 1
    assert text[:start].endswith("date: 2024-12-26\ntitle: >-\n")  # only the title's value
    assert text[end:].split("\n", 1)[1].startswith("article_title: >-\n    " + base_title)


def test_merge_driver_falls_back_to_git_merge_file(tmp_path, gitenv, capsys):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text("plain\ntext\nhere\n", encoding="utf-8", newline="")
    ours.write_text("plain\nOURS\nhere\n", encoding="utf-8", newline="")
    theirs.write_text("plain\ntext\nhere\nmore\n", encoding="utf-8", newline="")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "notes.md"]) == 0
    assert ours.read_text(encoding="utf-8") == "plain\nOURS\nhere\nmore\n"
    theirs.write_text("plain\nTHEIRS\nhere\n", encoding="utf-8", newline="")
    ours.write_text("plain\nOURS\nhere\n", encoding="utf-8", newline="")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "notes.md"]) == 1
    assert (
        ours.read_text(encoding="utf-8")
        == "plain\n<<<<<<< ours\nOURS\n=======\nTHEIRS\n>>>>>>> theirs\nhere\n"
    )
    assert "merged line by line" in capsys.readouterr().err
    git(tmp_path, "config", "--global", "merge.conflictStyle", "diff3")
    ours.write_text("plain\nOURS\nhere\n", encoding="utf-8", newline="")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "notes.md"]) == 1
    assert ours.read_text(encoding="utf-8") == (
        "plain\n<<<<<<< ours\nOURS\n||||||| base\ntext\n=======\nTHEIRS\n>>>>>>> theirs\nhere\n"
    )
    assert main(["merge-driver", str(base), str(tmp_path / "nope"), str(theirs), "x.md"]) == 2


def test_merge_driver_falls_back_for_an_unparseable_entry_and_on_a_fault(
    tmp_path, gitenv, capsys, monkeypatch
):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text("---\ntitle: [broken\n---\nbody\n", encoding="utf-8", newline="")
    ours.write_text("---\ntitle: [broken\n---\nbody OURS\n", encoding="utf-8", newline="")
    theirs.write_text("---\ntitle: [broken, too\n---\nbody\n", encoding="utf-8", newline="")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "e.md"]) == 0
    assert (
        ours.read_text(encoding="utf-8") == "---\ntitle: [broken, too\n---\nbody OURS\n"
    )  # git's line merge
    raw = (CORPUS / ENTRIES[0]).read_bytes()
    base.write_bytes(raw)
    ours.write_bytes(raw.replace(b"\ndate:", b"\nauthor_note: ours\ndate:", 1))
    theirs.write_bytes(raw.replace(b"\ndate:", b"\nauthor_note: theirs\ndate:", 1))

    def broken(*args, **kw):
        raise RuntimeError("a bug")

    monkeypatch.setattr("qteditor.core.merge.merge_bytes", broken)
    assert main(["merge-driver", str(base), str(ours), str(theirs), "e.md"]) == 1
    text = ours.read_text(encoding="utf-8")
    assert "<<<<<<< ours\nauthor_note: ours\n=======\nauthor_note: theirs\n>>>>>>> theirs\n" in text
    assert "the entry merge failed (RuntimeError: a bug)" in capsys.readouterr().err


def test_textconv_makes_git_diff_show_the_paragraph(site):
    g.setup(site.desk)
    e0 = site.entry(site.desk, 0)
    p = paragraphs(fields_of(e0.read_bytes()))
    e0.write_bytes(desktop(e0.read_bytes(), lambda f: edit_paragraph(f, p[2], " One more sentence.")))
    diff = git(site.desk, "diff", "--", str(e0))
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert len(changed) == 2 and changed[1].endswith("One more sentence.")
    assert len(changed[1]) < 1000  # one paragraph, not the 3,000-character line


def test_without_git_the_git_features_say_so_and_the_rest_works(site, monkeypatch, capsys, tmp_path):
    empty = tmp_path / "nogit"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(g.GitUnavailable):
        g.Repo.find(site.desk)
    assert not g.available()
    assert main(["git", "status", str(site.desk)]) == 1
    assert "git is not installed" in capsys.readouterr().err
    for command in (["git", "setup", str(site.desk)], ["git", "log", str(site.entry(site.desk, 0))]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "git is not installed" in err and "Traceback" not in err
    assert main(["check", str(site.learn(site.desk))]) in (0, 1)
    assert "problems" in capsys.readouterr().err
    e0 = site.entry(site.desk, 0)
    assert main(["set", str(e0), "author=Works"]) == 0
    assert Entry.load(e0).fields()["author"] == "Works"
    assert main(["textconv", str(e0)]) == 0 and "answer: |-" in capsys.readouterr().out


@posix_only("a #!/bin/sh script stands for an old git")
def test_a_git_older_than_2_30_is_refused_in_one_line(site, monkeypatch, capsys, tmp_path):
    old = tmp_path / "oldgit"
    old.mkdir()
    (old / "git").write_text("#!/bin/sh\necho 'git version 2.25.1'\n", encoding="utf-8", newline="")
    (old / "git").chmod(0o755)
    monkeypatch.setenv("PATH", str(old))
    assert not g.available()
    assert main(["git", "status", str(site.desk)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "git 2.25.1 is too old: qteditor needs 2.30 or newer." in err


def _lone_repo(tmp_path, name: str):
    """A repository of loose entries (no collection: setup marks ``*.md``) with one entry."""
    import shutil

    repo = tmp_path / "loose"
    repo.mkdir()
    git(repo, "init", "-q")
    entry = repo / name
    shutil.copyfile(CORPUS / ENTRIES[0], entry)
    entry.chmod(0o644)
    assert main(["git", "setup", str(repo)]) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    return repo, entry


def test_code_in_the_repository_never_runs_as_the_driver(tmp_path, gitenv):
    """Regression: the driver was ``python -m qteditor``, and git runs it in the repository's
    top folder, where ``python -m`` looks first: a committed ``qteditor/`` ran instead."""
    import os

    repo, entry = _lone_repo(tmp_path, "entry.md")
    planted = repo / "qteditor"
    planted.mkdir()
    (planted / "__init__.py").write_text("", encoding="utf-8", newline="")
    (planted / "__main__.py").write_text("print('PLANTED CODE RAN')\n", encoding="utf-8", newline="")
    fields = Entry.load(entry).fields()
    Entry.load(entry).save({**fields, "author": "Someone Else"})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(["git", "diff"], cwd=repo, capture_output=True, encoding="utf-8", env=env)
    assert out.returncode == 0, out.stderr
    assert "PLANTED CODE RAN" not in out.stdout + out.stderr
    assert "+author: Someone Else" in out.stdout  # textconv ran: this installation's qteditor


def test_an_entry_whose_name_starts_with_a_dash_merges(tmp_path, gitenv):
    """Regression: git passes %P (and textconv's file) as they are; '-notes.md' was read as an
    option, so the driver exited 2 and left OURS without markers."""
    repo, entry = _lone_repo(tmp_path, "-notes.md")
    git(repo, "checkout", "-q", "-b", "side")
    f = Entry.load(entry).fields()
    Entry.load(entry).save({**f, "title": "Side title"})
    git(repo, "commit", "-q", "-am", "side")
    git(repo, "checkout", "-q", "-")
    f = Entry.load(entry).fields()
    Entry.load(entry).save({**f, "author": "Main author"})
    git(repo, "commit", "-q", "-am", "main")
    git(repo, "merge", "-q", "--no-edit", "side")  # clean: fails the test otherwise
    merged = Entry.load(entry).fields()
    assert merged["title"] == "Side title" and merged["author"] == "Main author"
    diff = git(repo, "diff", "HEAD~1", "--", "./-notes.md")
    assert "Side title" in diff


def test_a_comment_added_on_the_other_side_is_kept(tmp_path, gitenv):
    """Regression: a comment THEIRS added (or changed) vanished in a clean merge written into
    OURS's bytes: comments are not fields. Such a merge goes by lines."""
    base = (CORPUS / ENTRIES[0]).read_text(encoding="utf-8")
    assert "\nauthor: " in base
    ours = base.replace("\nauthor: ", "\n# checked by the desk\nauthor: ", 1)
    theirs = base.replace("\nauthor: ", "\n# TODO: check keywords\nauthor: ", 1)
    files = {}
    for name, text in (("base", base), ("ours", base.replace("\ndate: ", "\ndate: ", 1)), ("theirs", theirs)):
        files[name] = tmp_path / f"{name}.md"
        files[name].write_text(text, encoding="utf-8", newline="")
    # OURS edits a field, THEIRS adds a comment: both kept
    f = Entry.load(files["ours"]).fields()
    Entry.load(files["ours"]).save({**f, "title": "Our new title"})
    code, _note = g.merge_driver(str(files["base"]), str(files["ours"]), str(files["theirs"]), "e.md")
    merged = files["ours"].read_text(encoding="utf-8")
    assert code == 0 and "# TODO: check keywords" in merged and "Our new title" in merged
    # both sides add a different comment at one place: a conflict with markers, nothing lost
    files["ours"].write_text(ours, encoding="utf-8", newline="")
    code, _note = g.merge_driver(str(files["base"]), str(files["ours"]), str(files["theirs"]), "e.md")
    merged = files["ours"].read_text(encoding="utf-8")
    assert code == 1 and "# TODO: check keywords" in merged and "# checked by the desk" in merged
    assert "<<<<<<<" in merged


@needs_symlinks
def test_setup_refuses_a_gitattributes_it_cannot_or_must_not_write(tmp_path, gitenv, capsys):
    """Regression: setup wrote through a symlinked .gitattributes (git ignores those; a dangling
    one created a file outside the repository) and gave 'internal error' for a non-UTF-8 one
    or a folder of that name."""
    target = tmp_path / "outside.txt"
    for kind in ("symlink", "latin1", "folder"):
        repo = tmp_path / kind
        (repo / "content" / "learn" / "biology").mkdir(parents=True)
        git(repo, "init", "-q")
        attrs = repo / ".gitattributes"
        if kind == "symlink":
            attrs.symlink_to(target)
        elif kind == "latin1":
            attrs.write_bytes(b"*.txt text\n# caf\xe9\n")
        else:
            attrs.mkdir()
        before = attrs.read_bytes() if kind == "latin1" else None
        assert main(["git", "setup", str(repo)]) == 1
        err = capsys.readouterr().err
        assert ".gitattributes" in err and "internal error" not in err and "nothing was changed" in err
        assert not target.exists()
        if before is not None:
            assert attrs.read_bytes() == before
        assert git(repo, "config", "--get", "merge.qteditor.driver", check=False) == ""


def test_setup_sees_a_later_line_that_overrides_its_own(site, capsys):
    """Regression: setup said "already set up" when a later line of .gitattributes overrode its
    line (in git the last line that matches wins). git is asked (check-attr): a line that
    overrides it for every entry is what the line is moved below; one that overrides a few
    entries is an exception, kept and said; another attributes file is said, exit 1 when no
    entry gets the drivers."""
    attributes = site.desk / ".gitattributes"
    ours = "/content/learn/**/*.md merge=qteditor diff=qteditor"
    entry = "content/learn/" + ENTRIES[0]

    def attr(path=entry):
        return git(site.desk, "check-attr", "merge", "diff", "--", path).splitlines()

    for later in ("*.md -merge", "content/** merge=other", "* binary"):
        attributes.write_text(f"*.png binary\n{ours}\n{later}\n# the end\n", encoding="utf-8", newline="")
        assert main(["git", "setup", str(site.desk)]) == 0
        err = capsys.readouterr().err
        assert "already set up" not in err and f"{later!r} (line 2) overrode it" in err
        assert f"{attributes}:4:1: note" in err
        assert attributes.read_text(encoding="utf-8") == f"*.png binary\n{later}\n# the end\n{ours}\n"
        assert attr() == [f"{entry}: merge: qteditor", f"{entry}: diff: qteditor"]
        assert main(["git", "setup", str(site.desk)]) == 0  # idempotent
        assert "already set up" in capsys.readouterr().err
        assert attributes.read_text(encoding="utf-8") == f"*.png binary\n{later}\n# the end\n{ours}\n"
    # an exception for one entry, after the line: kept, and said
    exception = f"/{entry} -merge"
    attributes.write_text(f"{ours}\n{exception}\n", encoding="utf-8", newline="")
    assert main(["git", "setup", str(site.desk)]) == 0
    err = capsys.readouterr().err
    assert (
        f"{attributes}:2:1: note:" in err
        and "1 of the 4 entries checked" in err
        and "already set up" not in err
    )
    assert attributes.read_text(encoding="utf-8") == f"{ours}\n{exception}\n"
    # another attributes file: said where, exit 1 when no entry gets the drivers
    nested = site.learn(site.desk) / ".gitattributes"
    nested.write_text("# subjects\n*.md merge=other\n", encoding="utf-8", newline="")
    attributes.write_text(f"{ours}\n", encoding="utf-8", newline="")
    assert main(["git", "setup", str(site.desk)]) == 1
    err = capsys.readouterr().err
    assert f"{nested}:2:1: error:" in err and "'*.md merge=other'" in err
    assert attributes.read_text(encoding="utf-8") == f"{ours}\n" and not g.is_setup(site.learn(site.desk))
    nested.unlink()
    info = site.desk / ".git" / "info" / "attributes"
    info.parent.mkdir(exist_ok=True)
    info.write_text("[attr]nomerge -merge\n* nomerge\n", encoding="utf-8", newline="")
    assert main(["git", "setup", str(site.desk)]) == 1
    assert f"{info}:2:1: error:" in capsys.readouterr().err
    info.unlink()
    assert main(["git", "setup", str(site.desk)]) == 0
    assert "already set up" in capsys.readouterr().err and g.is_setup(site.learn(site.desk))


def test_setup_keeps_each_line_ending_and_a_bom(tmp_path, gitenv, capsys):
    """Regression: one CRLF line made every line setup wrote CRLF (and rewrote the others); a
    UTF-8 BOM hid the first line's pattern, so a second line for it was added."""
    repo = tmp_path / "site"
    git(tmp_path, "init", "-q", str(repo))
    attributes = repo / ".gitattributes"
    attributes.write_bytes(b"*.png binary\r\n*.jpg binary\n*.gif binary\n")
    g.setup(repo)
    assert (
        attributes.read_bytes()
        == b"*.png binary\r\n*.jpg binary\n*.gif binary\n*.md merge=qteditor diff=qteditor\n"
    )
    attributes.write_bytes(b"*.png binary\r\n*.jpg binary\r\n*.md diff=other\n*.gif binary")
    g.setup(repo)
    assert attributes.read_bytes() == (
        b"*.png binary\r\n*.jpg binary\r\n*.md merge=qteditor diff=qteditor\n*.gif binary"
    )
    bom = "\ufeff*.md merge=qteditor diff=qteditor\r\n*.txt text\r\n".encode()
    attributes.write_bytes(bom)
    capsys.readouterr()
    assert main(["git", "setup", str(repo)]) == 0
    assert attributes.read_bytes() == bom and "already set up" in capsys.readouterr().err
    attributes.write_bytes("\ufeff*.md diff=other\n".encode())
    g.setup(repo)
    assert attributes.read_bytes() == "\ufeff*.md merge=qteditor diff=qteditor\n".encode()
    # a second line for the pattern keeps what else it says (only merge/diff leave it)
    attributes.write_bytes(b"*.md text\n*.md eol=lf diff=other\n*.md -merge\n")
    g.setup(repo)
    assert attributes.read_bytes() == b"*.md text merge=qteditor diff=qteditor\n*.md eol=lf\n"


def test_the_driver_honours_the_conflict_marker_size_and_diff3(site):
    """Regression: git's %L (the conflict-marker-size attribute) was not passed, so markers
    were always 7 characters; setup replaces an older driver line in place."""
    old = "/usr/bin/qteditor merge-driver -- %O %A %B %P"
    git(site.desk, "config", "merge.qteditor.driver", old)
    done = g.setup(site.desk)
    assert "merge.qteditor.driver" in done["config"]
    values = git(site.desk, "config", "--local", "--get-all", "merge.qteditor.driver").splitlines()
    assert len(values) == 1 and values[0].endswith(" merge-driver --marker-size %L -- %O %A %B %P")
    assert g.setup(site.desk)["config"] == []  # idempotent
    attributes = site.desk / ".gitattributes"
    attributes.write_text(
        attributes.read_text(encoding="utf-8").rstrip("\n") + " conflict-marker-size=10\n",
        encoding="utf-8",
        newline="",
    )
    git(site.desk, "add", ".gitattributes")
    git(site.desk, "commit", "-q", "-m", "attributes")
    git(site.desk, "config", "merge.conflictStyle", "diff3")
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(site.entry(site.desk, 0), title="Desk title")
    git(site.desk, "commit", "-q", "-am", "Desk title")
    git(site.desk, "fetch", "-q")
    proc = subprocess.run(["git", "merge", "--no-edit", "origin/main"], cwd=site.desk, capture_output=True)
    assert proc.returncode == 1
    text = site.entry(site.desk, 0).read_text(encoding="utf-8")
    assert "\n<<<<<<<<<< ours\n    Desk title\n||||||||||" in text
    assert "\n==========\n    CMS title\n>>>>>>>>>> theirs\n" in text


def test_the_line_merge_fallback_gets_the_marker_size_and_diff3(tmp_path, gitenv):
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text("plain\ntext\nhere\n", encoding="utf-8", newline="")
    theirs.write_text("plain\nTHEIRS\nhere\n", encoding="utf-8", newline="")
    for style, middle in (("merge", ""), ("diff3", "|||||||||| base\ntext\n"), ("zdiff3", None)):
        git(tmp_path, "config", "--global", "merge.conflictStyle", style)
        ours.write_text("plain\nOURS\nhere\n", encoding="utf-8", newline="")
        args = ["merge-driver", "--marker-size", "10", "--", str(base), str(ours), str(theirs), "-n.md"]
        assert main(args) == 1
        got = ours.read_text(encoding="utf-8")
        if middle is None:  # zdiff3: git 2.35+ (else diff3): the base's lines either way
            assert "|||||||||| base\ntext\n" in got
        else:
            assert (
                got == f"plain\n<<<<<<<<<< ours\nOURS\n{middle}==========\nTHEIRS\n>>>>>>>>>> theirs\nhere\n"
            )
    ours.write_text("plain\nOURS\nhere\n", encoding="utf-8", newline="")
    assert main(["merge-driver", str(base), str(ours), str(theirs), "n.md"]) == 1  # the old form
    assert "<<<<<<< ours\n" in ours.read_text(encoding="utf-8")


def test_log_lists_merges_that_changed_the_entry_and_a_deletion_as_one(site, capsys):
    """Regression: ``git log --follow`` left out merges (a resolved conflict, both sides' edits
    merged by the driver) and an edit made under the old name on another branch while this
    one renamed the entry; a deletion after a rename listed every field, like a creation."""
    g.setup(site.desk)
    git(site.desk, "add", ".gitattributes")
    git(site.desk, "commit", "-q", "-m", "Drivers")
    ws = g.GitWorkspace(site.learn(site.desk))
    e0 = site.entry(site.desk, 0)
    # a conflict, resolved with a title of its own: the merge commit changed the title
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    ws.commit([e0], "Desk title")
    with pytest.raises(g.SyncError):
        ws.sync()
    (conflict,) = ws.conflict(e0).conflicts
    ws.resolve(e0, {conflict.key: Value("Agreed title")})
    resolved = ws.finish()
    # both sides' edits of different fields, merged by the driver
    cms_save(site, 0, lambda d: d["seo"].__setitem__("page_keywords", "cms, words"), "CMS keywords")
    set_field(e0, author="Desk author")
    ws.commit([e0], "Desk author")
    ws.sync()
    combined = git(site.desk, "rev-parse", "HEAD").strip()
    # a merge that took the entry unchanged from one side is not the entry's change
    cms_save(site, 1, lambda d: d.__setitem__("author", "CMS only"), "CMS author of e1")
    set_field(e0, date="2025-01-02")
    ws.commit([e0], "Desk date")
    ws.sync()
    plain = git(site.desk, "rev-parse", "HEAD").strip()
    log = ws.log(e0)
    by = {c.commit: c for c in log}
    assert by[resolved].fields == ["title"] and by[resolved].changes[0].new == "Agreed title"
    assert by[combined].fields == ["seo.page_keywords"] and len(by[combined].parents) == 2
    assert plain not in by  # e0 came from the desk's side unchanged
    subjects = [c.subject for c in log]
    assert subjects.index("Desk author") < subjects.index("Desk title") < subjects.index("Entries")
    assert "CMS keywords" in subjects and "CMS author of e1" not in subjects
    # the desk renames the entry while the CMS edits it under its old name; then it is deleted
    moved = e0.with_name("renamed-entry.md")
    cms_save(site, 0, lambda d: d.__setitem__("author", "CMS under the old name"), "CMS old name")
    git(site.desk, "mv", str(e0), str(moved))
    git(site.desk, "commit", "-q", "-m", "Rename")
    ws.sync()
    assert fields_of(moved.read_bytes())["author"] == "CMS under the old name"
    git(site.desk, "rm", "-q", str(moved))
    git(site.desk, "commit", "-q", "-m", "Delete")
    log = ws.log(moved)
    assert log[0].subject == "Delete" and log[0].status == "D" and log[0].fields == []
    assert [c.subject for c in log if c.status == "A"] == ["Entries"]
    old_name = [c for c in log if c.subject == "CMS old name"]
    assert old_name and old_name[0].path == "content/learn/" + ENTRIES[0]
    assert old_name[0].fields == ["author"]
    assert any(c.subject == "Rename" and c.status == "R" for c in log)
    assert main(["git", "log", "--json", str(moved)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["commits"][0]["fields"] == [] and set(out["commits"][0]) == {
        "commit",
        "author",
        "email",
        "date",
        "subject",
        "path",
        "fields",
    }
    assert resolved in [c["commit"] for c in out["commits"]]
    assert main(["git", "log", str(moved)]) == 0
    text = capsys.readouterr().out
    assert text.split("\n")[1] == "    deleted" and "    added: _schema, id" in text


def test_a_cherry_pick_or_revert_stopped_at_a_conflict_is_in_progress_and_finishes(site):
    """A cherry-pick (or revert) that stopped at conflicts is an operation in progress, as a
    merge is: status says so, commit and Sync refuse, finish concludes it with the picked
    commit and abort goes back (it was None: finish returned HEAD and left it half done)."""
    e0 = site.entry(site.desk, 0)
    g.setup(site.desk)
    ws = g.GitWorkspace(site.learn(site.desk))
    git(site.desk, "checkout", "-q", "-b", "other")
    set_field(e0, title="Picked title", author="Picked author")
    git(site.desk, "commit", "-q", "-am", "Picked")
    git(site.desk, "checkout", "-q", "main")
    set_field(e0, title="Main title")
    sha = ws.commit([e0], "Main title")
    git(site.desk, "cherry-pick", "other", check=False)
    assert ws.repo.operation() == "cherry-pick"
    status = ws.status()
    assert status.operation == "cherry-pick"
    assert [(e.state, e.fields) for e in status.entries] == [("conflicted", ["title"])]
    with pytest.raises(g.GitError) as err:
        ws.commit([site.entry(site.desk, 1)], "Something else")
    assert err.value.kind == "in-progress" and "cherry-pick is in progress" in str(err.value)
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "conflicts" and "A cherry-pick is in progress" in str(err.value)
    ws.abort()
    assert ws.repo.operation() is None and ws.repo.head() == sha
    git(site.desk, "cherry-pick", "other", check=False)
    c = ws.conflict(e0)
    assert not c.rebase and c.label("ours") == "Mine"  # HEAD is mine, the picked commit theirs
    (conflict,) = c.conflicts
    ws.resolve(e0, {conflict.key: THEIRS})
    with pytest.raises(g.GitError):  # nothing left in conflict but the pick is not finished
        ws.commit([site.entry(site.desk, 1)], "Something else")
    head = ws.finish()
    assert ws.repo.operation() is None and head != sha
    assert git(site.desk, "log", "-n1", "--format=%s").strip() == "Picked"
    assert (fields_of(e0.read_bytes())["title"], fields_of(e0.read_bytes())["author"]) == (
        "Picked title",
        "Picked author",
    )
    git(site.desk, "revert", "--no-edit", "HEAD~1", check=False)  # its title against the pick's
    assert ws.status().operation == "revert"
    (conflict,) = ws.conflict(e0).conflicts
    ws.resolve(e0, {conflict.key: THEIRS})
    ws.finish()
    assert ws.repo.operation() is None
    assert git(site.desk, "log", "-n1", "--format=%s").strip().startswith('Revert "Main title"')


# ---------------------------------------------------------------------------- operations in progress
def _stop_a_rebase(site, how: str) -> str:
    """The desk's clone stopped in the middle of a rebase of main: at a conflict (the merge
    backend, or the apply backend that keeps its state in rebase-apply), or at an ``edit``
    of ``rebase -i``. Returns the commit HEAD is detached at."""
    e0 = site.entry(site.desk, 0)
    if how == "edit":
        set_field(e0, title="Desk title")
        git(site.desk, "commit", "-q", "-am", "Edit title")
        git(site.desk, "rebase", "-q", "-i", "HEAD~1", env={"GIT_SEQUENCE_EDITOR": "sed -i s/^pick/edit/"})
    else:
        cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
        set_field(e0, title="Desk title")
        git(site.desk, "commit", "-q", "-am", "Edit title")
        git(site.desk, "fetch", "-q")
        args = ["rebase"] + (["--apply"] if how == "apply" else []) + ["origin/main"]
        git(site.desk, *args, check=False)
    assert git(site.desk, "symbolic-ref", "-q", "HEAD", check=False) == ""  # git detached HEAD
    return git(site.desk, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("how", ["conflict", "apply", "edit"])
def test_a_rebase_in_progress_names_the_branch_being_rebased(site, capsys, monkeypatch, how):
    """During a rebase git detaches HEAD; status names the branch being rebased (git's
    head-name) and says a rebase is in progress (the CLI said "On branch (detached HEAD)")."""
    head = _stop_a_rebase(site, how)
    status = g.GitWorkspace(site.learn(site.desk)).status()
    assert (status.operation, status.branch, status.rebasing) == ("rebase", None, "main")
    monkeypatch.chdir(site.desk)
    assert main(["git", "status", "content/learn"]) == 0
    first = capsys.readouterr().out.split("\n")[0]
    assert "Rebasing branch main" in first and "a rebase is in progress" in first, first
    assert head[:7] in first and "(detached HEAD)" not in first, first
    assert main(["git", "status", "--json"]) == 0  # the JSON's shape is the same
    assert set(json.loads(capsys.readouterr().out)) == {"branch", "upstream", "ahead", "behind", "entries"}


def test_a_detached_head_and_no_rebase_is_said_with_its_commit(site, capsys, monkeypatch):
    head = git(site.desk, "rev-parse", "HEAD").strip()
    git(site.desk, "checkout", "-q", "--detach")
    assert g.Repo.find(site.desk).status().rebasing is None
    monkeypatch.chdir(site.desk)
    assert main(["git", "status"]) == 0
    first = capsys.readouterr().out.split("\n")[0]
    assert first == f"Not on a branch (HEAD detached at {head[:7]})", first


@pytest.mark.parametrize(
    "op, said",
    [
        ("am", "git am is in progress"),
        ("rebase", "a rebase is in progress"),
        ("merge", "a merge is in progress"),
        ("cherry-pick", "a cherry-pick is in progress"),
        ("revert", "a revert is in progress"),
    ],
)
def test_each_operation_in_progress_is_said_in_plain_english(site, capsys, monkeypatch, op, said):
    """The CLI said "a am is in progress" and commit and Sync "An am is in progress"."""
    monkeypatch.setattr(g.Repo, "operation", lambda self: op)
    monkeypatch.chdir(site.desk)
    assert main(["git", "status"]) == 0
    assert f"; {said}" in capsys.readouterr().out.split("\n")[0]
    ws = g.GitWorkspace(site.learn(site.desk))
    with pytest.raises(g.GitError) as err:
        ws.commit([site.entry(site.desk, 0)], "Something")
    assert err.value.kind == "in-progress" and err.value.message.startswith(said[:1].upper() + said[1:])
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.message.startswith(said[:1].upper() + said[1:]), err.value.message
    assert g.operation_phrase(op) == said.removesuffix(" is in progress")


def test_git_am_stopped_at_a_conflict_is_said_as_git_am(site, capsys, monkeypatch, tmp_path):
    stop_git_am_at_a_conflict(site, tmp_path)
    assert g.Repo.find(site.desk).operation() == "am"
    assert g.Repo.find(site.desk).status().rebasing is None  # git am keeps HEAD on its branch
    monkeypatch.chdir(site.desk)
    assert main(["git", "status"]) == 0
    assert capsys.readouterr().out.split("\n")[0].startswith("On branch main (tracking origin/main: 1 ahead")
    assert main(["git", "status"]) == 0
    assert "; git am is in progress" in capsys.readouterr().out


# ---------------------------------------------------------------------------- adversarial: sync
def test_sync_sends_the_first_commits_of_a_clone_of_an_empty_repository(tmp_path, gitenv):
    """A clone of an empty shared repository has an upstream whose branch does not exist yet:
    Sync said "Already up to date: nothing to bring in or send" and never sent the commits."""
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    desk = tmp_path / "desk"
    git(tmp_path, "clone", "-q", bare.as_uri(), str(desk))
    repo = g.Repo.find(desk)
    result = repo.sync()  # nothing here and nothing there: nothing to do, and it says so
    assert not result.pushed and "no commit" in result.message, result.message
    entry = desk / "entry.md"
    entry.write_bytes((CORPUS / ENTRIES[0]).read_bytes())
    sha = repo.commit([entry], "First entry")
    result = repo.sync()
    assert result.pushed, result.message
    assert git(bare, "rev-parse", "refs/heads/main").strip() == sha
    assert "Already up to date" not in result.message
    st = repo.status()
    assert (st.upstream, st.ahead, st.behind) == ("origin/main", 0, 0)


def test_sync_says_when_the_upstream_branch_was_deleted_and_sends_nothing_silently(site):
    """The branch's upstream was deleted on the shared repository (fetch.prune drops the
    remote-tracking ref): Sync said "Already up to date" while the commits stayed here."""
    git(site.desk, "switch", "-q", "-c", "topic")
    ws = g.GitWorkspace(site.learn(site.desk))
    set_field(site.entry(site.desk, 0), title="On a topic")
    ws.commit([site.entry(site.desk, 0)], "Topic")
    ws.sync(publish=True)
    git(site.cms, "push", "-q", "origin", "--delete", "topic")
    git(site.desk, "config", "fetch.prune", "true")
    set_field(site.entry(site.desk, 0), title="More on the topic")
    sha = ws.commit([site.entry(site.desk, 0)], "More")
    with pytest.raises(g.SyncError) as err:
        ws.sync()
    assert err.value.kind == "no-upstream" and "topic" in err.value.message, err.value.message
    assert "topic" not in git(site.remote, "branch")
    assert ws.sync(publish=True).pushed
    assert git(site.remote, "rev-parse", "refs/heads/topic").strip() == sha


# ---------------------------------------------------------------------------- adversarial: resolve
def _conflict_on_the_title(site):
    e0 = site.entry(site.desk, 0)
    g.setup(site.desk)
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    set_field(e0, title="Desk title")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    with pytest.raises(g.SyncError):
        ws.sync()
    assert b"<<<<<<< " in e0.read_bytes()
    return ws, e0


@pytest.mark.parametrize("how", ["fields", "whole"])
def test_resolving_does_not_replace_edits_made_to_the_file_since_the_conflict(site, how):
    """The writer resolved the markers by hand (another editor) and changed another field, not
    yet staged: the resolver, which works from git's three versions, replaced all of it."""
    ws, e0 = _conflict_on_the_title(site)
    ours = ws.stages(e0)[2]
    hand = desktop(ours, lambda f: f.update(title="Hand title", author="Hand author"))
    e0.write_bytes(hand)

    def resolve(**replace: bool) -> None:
        if how == "whole":
            ws.resolve_whole(e0, "theirs", **replace)
        else:
            (conflict,) = ws.conflict(e0).conflicts
            ws.resolve(e0, {conflict.key: THEIRS}, **replace)

    with pytest.raises(g.GitError) as err:
        resolve()
    assert err.value.kind == "edited" and "edited since" in err.value.message
    assert e0.read_bytes() == hand and ws.conflicted() == ["content/learn/" + ENTRIES[0]]
    resolve(replace=True)  # the writer said so
    assert fields_of(e0.read_bytes())["title"] == "CMS title" and ws.conflicted() == []


def test_resolving_a_file_with_its_markers_or_as_git_left_it_needs_no_question(site):
    ws, e0 = _conflict_on_the_title(site)
    (conflict,) = ws.conflict(e0).conflicts
    ws.resolve(e0, {conflict.key: THEIRS})  # the markers are there: nothing to keep
    assert fields_of(e0.read_bytes())["title"] == "CMS title"


def test_a_deletion_chosen_for_a_modify_delete_conflict_keeps_later_edits_unless_told(site):
    """The CMS deleted an entry the desk changed: taking the deletion removes the desk's file
    as git left it, but not one edited since (it was unlinked whatever it held)."""
    e0 = site.entry(site.desk, 0)
    git(site.cms, "rm", "-q", str(site.entry(site.cms, 0)))
    git(site.cms, "commit", "-qm", "Deleted via CloudCannon")
    git(site.cms, "push", "-q")
    set_field(e0, title="Desk title")
    ws = g.GitWorkspace(site.learn(site.desk))
    ws.commit([e0], "Edit title")
    with pytest.raises(g.SyncError):
        ws.sync()
    c = ws.conflict(e0)
    assert not c.mergeable and c.theirs is None
    set_field(e0, author="Edited since")
    edited = e0.read_bytes()
    with pytest.raises(g.GitError) as err:
        ws.resolve_whole(e0, "theirs")
    assert err.value.kind == "edited" and e0.read_bytes() == edited
    e0.write_bytes(c.ours)  # as git left it: the deletion is taken without a question
    ws.resolve_whole(e0, "theirs")
    assert not e0.exists() and ws.conflicted() == []


def test_a_rebase_refused_for_uncommitted_changes_names_them(site):
    """git rebases only a clean work tree: the refusal named no file ("Changes you have not
    committed are in the way of the incoming ones."), though the changed entry is elsewhere."""
    git(site.desk, "config", "pull.rebase", "true")
    cms_save(site, 0, lambda d: d.__setitem__("title", "CMS title"))
    e1 = site.entry(site.desk, 1)
    set_field(e1, author="Not committed")
    kept = e1.read_bytes()
    with pytest.raises(g.SyncError) as err:
        g.GitWorkspace(site.learn(site.desk)).sync()
    assert err.value.kind == "local-changes"
    assert "content/learn/" + ENTRIES[1] in err.value.message, err.value.message
    assert "rebase" in err.value.message and e1.read_bytes() == kept
