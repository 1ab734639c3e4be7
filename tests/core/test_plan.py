"""Plans as data: a part of a plan, and what applying it again adds to the result."""

from __future__ import annotations

import os

from qteditor.core.plan import FileChange, Plan, apply
from qteditor.core.storage import ReadOnlyError


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
