from __future__ import annotations

import errno
import os
import stat

import pytest

from qteditor.core import storage
from qteditor.core.errors import FormatError, SaveError
from tests.conftest import needs_symlinks, posix_only


@posix_only("permission bits: Windows keeps a read-only attribute only (0o640 reads back 0o666)")
def test_write_keeps_permissions_and_leaves_no_temp(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["a.md"]


@needs_symlinks
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


@pytest.mark.parametrize(
    "err, words",
    [
        (errno.EACCES, "permission denied"),
        (errno.ENOSPC, "disk is full"),
        (errno.EROFS, "read-only"),
    ],
)
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


# ---------------------------------------------------------------------------- locks
def _append_lines(path: str, tag: str, n: int) -> None:
    for i in range(n):
        storage.update(path, lambda cur, i=i: (cur or b"") + f"{tag}{i}\n".encode())


def test_concurrent_updates_in_real_processes_lose_nothing(tmp_path):
    import multiprocessing

    path = tmp_path / "a.md"
    path.write_bytes(b"")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_lines, args=(str(path), tag, 60)) for tag in "abc"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = path.read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{t}{i}" for t in "abc" for i in range(60))
    assert os.listdir(tmp_path) == ["a.md"]


def test_update_sees_the_file_as_it_is_under_the_lock(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"one")
    seen = []
    storage.update(str(path), lambda cur: seen.append(cur) or None)
    assert seen == [b"one"] and path.read_bytes() == b"one"  # None: nothing written
    assert storage.update(str(path), lambda cur: cur + b" two") == b"one two"


def test_a_new_file_never_replaces_one_created_meanwhile(tmp_path, monkeypatch):
    path = tmp_path / "new.md"
    real_link = os.link

    def racing_link(src, dst):
        path.write_bytes(b"theirs")  # another program created the file first
        return real_link(src, dst)

    monkeypatch.setattr(storage.os, "link", racing_link)
    with pytest.raises(storage.ConflictError):
        storage.write_atomic(str(path), b"mine")
    assert path.read_bytes() == b"theirs"
    assert os.listdir(tmp_path) == ["new.md"]


def test_a_held_lock_times_out_with_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    with storage.locked(str(path)):  # another writer holds it (a lock of its own: not re-entrant)
        monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.2)
        with pytest.raises(SaveError) as info, storage.locked(str(path), timeout=0.2):
            pass
        assert "another program is writing this file" in str(info.value)
    assert path.read_bytes() == b"old"


# ---------------------------------------------------------------------------- read-only, links
def test_read_only_file_is_refused_unless_forced_and_stays_read_only(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o444)
    with pytest.raises(storage.ReadOnlyError) as info:
        storage.write_atomic(str(path), b"new")
    assert info.value.reason == "read-only" and "read-only" in str(info.value)
    assert str(info.value).startswith(f"{path}:1:1:")
    # what is wrong, not what a CLI user or a window user should do (each adds its own)
    assert "force" not in str(info.value)
    assert path.read_bytes() == b"old"
    storage.write_atomic(str(path), b"new", force=True)
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert os.listdir(tmp_path) == ["a.md"]


def test_hard_linked_file_is_refused_unless_forced_then_written_in_place(tmp_path):
    path, other = tmp_path / "a.md", tmp_path / "b.md"
    path.write_bytes(b"old")
    os.link(path, other)
    with pytest.raises(storage.ReadOnlyError) as info:
        storage.update(str(path), lambda cur: cur + b" new")
    assert info.value.reason == "hard-links" and info.value.links == 2
    assert "2 hard links" in str(info.value) and path.read_bytes() == b"old"
    assert str(info.value).startswith(f"{path}:1:1:") and "force" not in str(info.value)
    storage.update(str(path), lambda cur: cur + b" new", force=True)
    assert other.read_bytes() == b"old new" and path.stat().st_ino == other.stat().st_ino
    storage.write_atomic(str(other), b"x", force=True)  # shorter: the rest is cut off
    assert path.read_bytes() == b"x" and path.stat().st_nlink == 2


def test_new_file_is_never_written_over_an_existing_one(tmp_path):
    path = tmp_path / "a.md"
    storage.write_atomic(str(path), b"mine", new_file=True)
    assert path.read_bytes() == b"mine"
    with pytest.raises(storage.ConflictError):
        storage.write_atomic(str(path), b"again", new_file=True)
    assert path.read_bytes() == b"mine"


def test_a_250_character_file_name_saves(tmp_path):
    path = tmp_path / ("q" * 247 + ".md")
    path.write_bytes(b"old")
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == [path.name]


def test_the_next_save_removes_temporaries_a_killed_save_left(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    stale = tmp_path / (storage._tmp_stem(str(path)) + "deadbeef.tmp")
    stale.write_bytes(b"half a save")
    storage.write_atomic(str(path), b"new")
    assert os.listdir(tmp_path) == ["a.md"]
    stale.write_bytes(b"again")
    assert storage.clean_stale_temporaries(str(path)) == 1 and os.listdir(tmp_path) == ["a.md"]


@posix_only("flock (the POSIX lock); Windows locks a lock file of its own")
@pytest.mark.parametrize("err", ["ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS"])
def test_a_file_system_without_locks_still_saves(tmp_path, monkeypatch, err):
    """flock refused by the file system (some SMB and FAT volumes): nothing to wait for. macOS
    says ENOTSUP (45) where Linux says EOPNOTSUPP (95, which is also ENOTSUP there), so the
    ENOTSUP case proves something on the macOS runner only."""
    import fcntl

    def flock(fd, op):
        if op & fcntl.LOCK_UN:
            return
        raise OSError(getattr(errno, err), os.strerror(getattr(errno, err)))

    monkeypatch.setattr(fcntl, "flock", flock)
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new"


# ---------------------------------------------------------------------------- Windows and macOS
# What those systems answer differently, simulated here (each branch runs on its own runner too)
def _windows_replace(monkeypatch, busy: int = 0):
    """os.replace as Windows does it: refused over a read-only file, and while another program
    holds the target open (the first ``busy`` calls)."""
    real = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if os.path.exists(dst) and not os.stat(dst).st_mode & stat.S_IWRITE:
            raise PermissionError(errno.EACCES, "Access is denied", dst)
        if len(calls) <= busy:
            raise PermissionError(errno.EACCES, "The process cannot access the file", dst)
        return real(src, dst)

    monkeypatch.setattr(storage.sys, "platform", "win32")
    monkeypatch.setattr(storage.os, "replace", replace)
    return calls


def test_a_forced_save_replaces_a_read_only_file_on_windows_and_keeps_it_read_only(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o444)
    _windows_replace(monkeypatch)
    with pytest.raises(storage.ReadOnlyError):
        storage.write_atomic(str(path), b"new")
    storage.write_atomic(str(path), b"new", force=True)
    assert path.read_bytes() == b"new" and not path.stat().st_mode & 0o222
    assert os.listdir(tmp_path) == ["a.md"]


def test_a_file_another_program_holds_open_on_windows_is_replaced_once_it_lets_go(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    calls = _windows_replace(monkeypatch, busy=3)
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new" and len(calls) == 4 and os.listdir(tmp_path) == ["a.md"]
    # held for longer than REPLACE_RETRY: a clear error, the file as it was, read-only still
    os.chmod(path, 0o444)
    monkeypatch.setattr(storage, "REPLACE_RETRY", 0.05)
    calls.clear()
    _windows_replace(monkeypatch, busy=1000)
    with pytest.raises(SaveError) as info:
        storage.write_atomic(str(path), b"newer", force=True)
    assert "unchanged" in str(info.value) and path.read_bytes() == b"new"
    assert not path.stat().st_mode & 0o222 and os.listdir(tmp_path) == ["a.md"]


def test_a_new_file_saves_on_windows_where_the_file_system_has_no_hard_links(tmp_path, monkeypatch):
    class NoLinks(OSError):
        winerror = 1  # ERROR_INVALID_FUNCTION: exFAT, FAT (errno EINVAL)

    def link(src, dst):
        raise NoLinks(errno.EINVAL, "Incorrect function")

    monkeypatch.setattr(storage.os, "link", link)
    path = tmp_path / "new.md"
    storage.write_atomic(str(path), b"mine", new_file=True)
    assert path.read_bytes() == b"mine" and os.listdir(tmp_path) == ["new.md"]


def test_a_folder_is_named_where_opening_it_is_refused_as_on_windows(tmp_path, monkeypatch):
    real = os.open

    def open_(path, flags, *args):  # Windows opens no folder: EACCES, not EISDIR
        if os.path.isdir(path):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", open_)
    with pytest.raises(FormatError) as info:
        storage.read_file(str(tmp_path))
    assert "this is a folder, not an entry file" in str(info.value)


@posix_only("a Unix-domain socket file (socket.AF_UNIX)")
def test_a_socket_is_named_where_opening_it_fails_as_on_macos(tmp_path, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)  # a short name: macOS caps a socket's path at 104 bytes
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("s.md")
    real = os.open

    def open_(path, flags, *args):  # macOS: EOPNOTSUPP where Linux says ENXIO
        if str(path).endswith("s.md"):
            raise OSError(errno.EOPNOTSUPP, "Operation not supported on socket", path)
        return real(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", open_)
    try:
        with pytest.raises(FormatError) as info:
            storage.read_file(str(tmp_path / "s.md"))
        assert "this is a socket, not a regular file" in str(info.value)
    finally:
        sock.close()


@posix_only("permission bits: root may write any file")
def test_root_writes_a_read_only_file_as_the_system_lets_it(tmp_path, monkeypatch):
    """A save does what writing the file in place may do: root, whom the system lets write a
    file without write permission, saves a read-only copy (as `cp` makes of a read-only tree);
    an ordinary user is refused (the tests above)."""
    monkeypatch.setattr(storage, "superuser", lambda: True)
    path = tmp_path / "entry.md"
    path.write_bytes(b"old")
    os.chmod(path, 0o444)
    storage.write_atomic(str(path), b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o444
    monkeypatch.setattr(storage, "superuser", lambda: False)
    with pytest.raises(storage.ReadOnlyError):
        storage.write_atomic(str(path), b"newer")
    assert path.read_bytes() == b"new"
