from __future__ import annotations

import errno
import os
import stat

import pytest

from qteditor.core import storage
from qteditor.core.errors import SaveError


def test_write_keeps_permissions_and_leaves_no_temp(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["a.md"]


def test_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.md"
    target.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    storage.write_atomic(str(link), b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_changed_on_disk_is_refused(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"read")
    seen = storage.digest(b"read")
    path.write_bytes(b"someone else")
    with pytest.raises(storage.ConflictError):
        storage.write_atomic(str(path), b"mine", seen)
    assert path.read_bytes() == b"someone else"


@pytest.mark.parametrize("err, words", [
    (errno.EACCES, "permission denied"), (errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"),
])
def test_write_failures_are_clear_and_leave_the_old_file(tmp_path, monkeypatch, err, words):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")

    def fail(*_args, **_kw):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(storage.os, "replace", fail)
    with pytest.raises(SaveError) as info:
        storage.write_atomic(str(path), b"new")
    assert words in str(info.value) and str(info.value).startswith(f"{path}:")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["a.md"]  # the temporary file is gone too


def test_unwritable_target_folder_is_a_clear_error(tmp_path):
    path = tmp_path / "missing-folder" / "a.md"
    with pytest.raises(SaveError) as info:
        storage.write_atomic(str(path), b"new")
    assert "cannot write" in str(info.value) and "unchanged" in str(info.value)
