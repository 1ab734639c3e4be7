"""Plans as data: a part of a plan, and what applying it again adds to the result."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qteditor.core.plan import NO_NEWLINE, FileChange, Plan, apply, unified_diff
from qteditor.core.storage import ReadOnlyError
from tests.conftest import needs_symlinks


def test_refused_files_are_written_again_with_force_and_the_results_merge(tmp_path):
    files = [tmp_path / f"{name}.md" for name in ("a", "b", "c")]
    for f in files:
        f.write_bytes(b"old " + f.name.encode() + b"\n")
    os.chmod(files[1], 0o444)
    os.link(files[2], tmp_path / "other-name.md")
    plan = Plan(
        "test",
        [FileChange(f, f.name, f.read_bytes(), b"new " + f.name.encode() + b"\n") for f in files]
        + [FileChange(tmp_path / "same.md", "same.md", b"", None)],  # nothing to write
    )
    result = apply(plan)
    assert result.written == [files[0]]
    assert all(isinstance(e, ReadOnlyError) for e in result.errors)
    assert result.refused == {str(files[1]), str(files[2])}
    again = plan.only(result.refused)
    assert [c.path for c in again.changes] == files[1:] and again.title == plan.title
    assert files[1].read_bytes() == b"old b.md\n"  # nothing written until forced

    result.forget(result.refused)
    assert result.errors == [] and result.refused == set()
    result.merge(apply(again, force=True))
    assert result.written == files and result.errors == []
    assert [f.read_bytes() for f in files] == [b"new a.md\n", b"new b.md\n", b"new c.md\n"]
    assert plan.only(set()).changes == []


def test_a_batch_lists_each_folder_once_and_still_removes_the_stale_temporaries_of_its_files(
    tmp_path, monkeypatch
):
    """A plan of many files writes them with each folder's leftover temporary files listed
    once (a listing at every write made fix's writes three times slower), and a temporary file
    a killed save of one of them left is still removed when that file is written; another
    file's is left alone (it is removed under that file's lock, by its next save)."""
    from qteditor.core import plan as plan_module
    from qteditor.core import storage

    folders = [tmp_path / "a", tmp_path / "b"]
    files = []
    for folder in folders:
        folder.mkdir()
        for i in range(3 * plan_module.WRITERS):
            f = folder / f"entry-{i}.md"
            f.write_bytes(b"old\n")
            files.append(f)
    killed = files[0].parent / (storage._tmp_stem(str(files[0])) + "0123abcd.tmp")
    killed.write_bytes(b"half a save")
    untouched = folders[1] / "not-in-the-plan.md"
    untouched.write_bytes(b"old\n")
    other = folders[1] / (storage._tmp_stem(str(untouched)) + "89abcdef.tmp")
    other.write_bytes(b"half another save")
    listings: list[str] = []
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listings.append(str(path)) or real(path))
    result = apply(Plan("batch", [FileChange(f, f.name, b"old\n", b"new\n") for f in files]))
    assert result.errors == [] and sorted(result.written) == sorted(files)
    assert all(f.read_bytes() == b"new\n" for f in files)
    assert sorted(listings) == sorted(str(f) for f in folders)  # once a folder
    assert not killed.exists()
    assert other.read_bytes() == b"half another save" and untouched.read_bytes() == b"old\n"
    assert sorted(p.name for p in folders[0].iterdir()) == sorted(
        f.name for f in files if f.parent == folders[0]
    )


@needs_symlinks
def test_a_batch_removes_the_stale_temporaries_of_files_given_through_a_link_or_a_relative_path(
    tmp_path, monkeypatch
):
    """The batch's listing is of the folder a plan names; a file that is a symbolic link to a
    file in another folder, or a file named relative to the working folder (its folder is
    ""), still has the stale temporaries of a killed save removed when it is written (the
    listing of the wrong folder, or of no folder, was used: they stayed for good)."""
    from qteditor.core import plan as plan_module
    from qteditor.core import storage

    links, real, here = tmp_path / "links", tmp_path / "real", tmp_path / "here"
    for folder in (links, real, here):
        folder.mkdir()
    linked, relative = [], []
    for i in range(3 * plan_module.WRITERS):
        target = real / f"entry-{i}.md"
        target.write_bytes(b"old\n")
        (links / target.name).symlink_to(target)
        linked.append(links / target.name)
        (here / target.name).write_bytes(b"old\n")
        relative.append(Path(target.name))
    killed = [
        real / (storage._tmp_stem(str(real / "entry-0.md")) + "0123abcd.tmp"),
        here / (storage._tmp_stem(str(here / "entry-1.md")) + "4567abcd.tmp"),
    ]
    for k in killed:
        k.write_bytes(b"half a save")
    monkeypatch.chdir(here)
    for files in (linked, relative):
        result = apply(Plan("batch", [FileChange(f, f.name, b"old\n", b"new\n") for f in files]))
        assert result.errors == [] and len(result.written) == len(files)
        assert all(f.read_bytes() == b"new\n" for f in files)
    assert [k.exists() for k in killed] == [False, False]
    assert all(p.is_symlink() for p in links.iterdir())


_LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\r\n", "--- x\n", "é\n", "\n", "d"]), max_size=12).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(_LINES, _LINES, st.integers(0, 4))
def test_the_readable_diff_is_the_git_diff_with_marks_a_person_can_see(old, new, context):
    """One diff for the CLI and the dialogs: the readable one (the review dialogs) is the
    ``git apply`` one with its labels, a carriage return shown as ␍ and a missing last line
    break as ⏎ instead of git's marker; nothing else differs."""
    a, b = old.encode(), new.encode()
    git = unified_diff(a, b, "x.md", context=context)
    shown = unified_diff(a, b, "x.md", ("x.md (on disk)", "x.md (after saving)"), context, readable=True)
    assert (git == "") is (a == b) and (shown == "") is (a == b)
    if a == b:
        return
    assert "\r" not in shown and ("␍" in shown) is ("\r" in git)
    back = shown.replace("␍\n", "\r\n").replace("⏎ no newline at end of file\n", NO_NEWLINE)
    back = back.replace("--- x.md (on disk)\n", "--- a/x.md\n", 1).replace(
        "+++ x.md (after saving)\n", "+++ b/x.md\n", 1
    )
    assert back == git


def test_the_readable_diff_marks_line_ends():
    diff = unified_diff(b"a\r\nb\r\nc", b"a\r\nB\r\nc", "x.md", ("before", "after"), 0, readable=True)
    assert diff == "--- before\n+++ after\n@@ -2 +2 @@\n-b␍\n+B␍\n"
    diff = unified_diff(b"a\nb", b"a\nc", "x.md", readable=True)
    assert diff.endswith("-b\n⏎ no newline at end of file\n+c\n⏎ no newline at end of file\n")
