"""Atomic, locked writes and content hashes: a save leaves the old bytes or the new, never a
mix, and two writers of one file never interleave.

Every qteditor writer (the CLI, the window, fixes, renames, recovery) goes through ``update``
or ``write_atomic``. Both hold the file's lock from the read they check to the rename, so a
writer always decides on what is on disk at that moment:

    storage.update(path, lambda current: new_bytes_or_None)

The lock is advisory and shared by qteditor processes only: an exclusive ``flock`` on the file
itself (POSIX; the inode is checked again once locked, since a rename by the previous holder
replaced it), or a lock file in the user's cache folder (Windows, where an open file cannot be
renamed over). A file that does not exist yet is created with a hard link, which fails rather
than replace a file that appeared meanwhile.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial

from .errors import FormatError, SaveError

LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one before giving up
MAX_READ_BYTES = 64 * 1024 * 1024  # what a writer reads back of a file, at most
REPLACE_RETRY = 2.0  # seconds a rename waits on Windows for another program to close the file
_TMP_PREFIX = ".qte-"


class ConflictError(SaveError):
    """The file on disk is no longer what was read: someone else changed it."""


class ReadOnlyError(SaveError):
    """The file is read-only (``reason`` "read-only"), or has other names that a rename would
    break (``reason`` "hard-links"); written only when forced. The message says what is wrong,
    not what to do about it: the CLI adds its --force, the window its own choices."""

    def __init__(self, message: str, path: str | None = None, reason: str = "read-only", links: int = 1):
        super().__init__(message, path)
        self.reason = reason
        self.links = links


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (is the folder read-only?)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return exc.strerror or str(exc)


def _tmp_stem(target: str) -> str:
    """The start of every temporary file name of ``target``: short (a 250-character file name
    can still be saved) and the same for every save of that file (stale ones are found)."""
    name = os.path.basename(target).encode("utf-8", "surrogatepass")
    return _TMP_PREFIX + hashlib.sha1(name).hexdigest()[:10] + "-"


# ---------------------------------------------------------------------------- locks
if sys.platform == "win32":  # pragma: no cover - exercised on Windows runners
    import msvcrt

    def _lock_fd(path: str) -> int:
        from .resources import user_folder

        folder = user_folder("cache") / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha1(os.path.normcase(path).encode("utf-8", "surrogatepass")).hexdigest()
        return os.open(str(folder / f"{key}.lock"), os.O_RDWR | os.O_CREAT, 0o600)

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, 0)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

    @contextmanager
    def _locked(target: str, timeout: float) -> Iterator[None]:
        fd = _lock_fd(target)
        try:
            _wait(lambda: _try_lock(fd), target, timeout)
            try:
                yield
            finally:
                _unlock(fd)
        finally:
            os.close(fd)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        except OSError as exc:  # a file system without locks: nothing to wait for
            # (macOS says ENOTSUP, 45, where Linux says EOPNOTSUPP, which is ENOTSUP there)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS):
                return True
            raise

    @contextmanager
    def _locked(target: str, timeout: float) -> Iterator[None]:
        """Lock the file (its folder while it does not exist), checking once locked that the
        name still points at the locked inode (the holder before may have renamed over it)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
                is_file = True
            except FileNotFoundError:
                fd = os.open(os.path.dirname(target) or ".", os.O_RDONLY)
                is_file = False
            try:
                _wait(partial(_try_lock, fd), target, max(0.0, deadline - time.monotonic()))
                try:
                    now = os.stat(target)
                except FileNotFoundError:
                    now = None
                held = os.fstat(fd)
                if (
                    now is not None and is_file and (now.st_ino, now.st_dev) == (held.st_ino, held.st_dev)
                ) or (now is None and not is_file):
                    try:
                        yield
                    finally:
                        fcntl.flock(fd, fcntl.LOCK_UN)
                    return
                fcntl.flock(fd, fcntl.LOCK_UN)  # replaced meanwhile: lock the new file
            finally:
                os.close(fd)


def _wait(attempt: Callable[[], bool], target: str, timeout: float) -> None:
    delay = 0.002
    deadline = time.monotonic() + timeout
    while not attempt():
        if time.monotonic() >= deadline:
            raise SaveError(
                "another program is writing this file (its lock was held for "
                f"{LOCK_TIMEOUT:.0f} s); nothing was written",
                target,
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


@contextmanager
def locked(path: str, timeout: float = LOCK_TIMEOUT) -> Iterator[str]:
    """Hold ``path``'s write lock; yields the real path (symlinks resolved) to read and write.
    Not re-entrant: a holder writes with ``_write_locked``, never through ``write_atomic``."""
    target = os.path.realpath(path)
    try:
        with _locked(target, timeout):
            yield target
    except OSError as exc:
        raise SaveError(
            f"cannot write the file: {_reason(exc)}; the file on disk is unchanged", path
        ) from None


# ---------------------------------------------------------------------------- reading
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class _Unreadable(Exception):
    """Why a path is not read: not a regular file, or larger than the cap."""


def _read_regular(target: str, limit: int) -> bytes | None:
    """The bytes of a regular file, read with a byte cap (None when it does not exist). The
    file is opened without blocking and checked once open (fstat), so a FIFO or a device is
    never read: _Unreadable says what it is instead. OSError for anything else."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise _Unreadable("this is a folder, not a file") from None
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM) and os.path.isdir(target):  # Windows: no folder opens
            raise _Unreadable("this is a folder, not a file") from None
        # a socket: ENXIO on Linux (or a FIFO without a writer, elsewhere), EOPNOTSUPP on macOS
        if exc.errno in (errno.ENXIO, errno.EOPNOTSUPP):
            try:
                mode = os.stat(target).st_mode
            except OSError:
                mode = 0
            what = next((name for test, name in _KINDS if test(mode)), "a socket or a pipe")
            raise _Unreadable(f"this is {what}, not a regular file; only regular files are read") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
            raise _Unreadable(f"this is {what}, not a regular file; only regular files are read")
        parts, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _Unreadable(f"the file is larger than {limit:,} bytes; it is not read")
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def read_file(path: str, limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of an entry file, for loading: a regular file only, at most ``limit`` bytes;
    anything else is a FormatError that says what the path is."""
    try:
        raw = _read_regular(path, limit)
    except _Unreadable as exc:
        message = str(exc)
        if message.startswith("this is a folder"):
            message = "this is a folder, not an entry file"
        raise FormatError(message, path) from None
    except OSError as exc:
        raise FormatError(f"cannot read the file: {_reason(exc)}", path) from None
    if raw is None:
        raise FormatError("no such file", path)
    return raw


def read_current(target: str, path: str | None = None) -> bytes | None:
    """The bytes of a regular file as they are now (None when it does not exist), for a writer
    holding its lock; refuses anything else (a FIFO, a device) and files over MAX_READ_BYTES."""
    try:
        return _read_regular(target, MAX_READ_BYTES)
    except _Unreadable as exc:
        raise SaveError(f"{exc}; nothing was written", path or target) from None
    except OSError as exc:
        raise SaveError(
            f"cannot read the file: {_reason(exc)}; nothing was written", path or target
        ) from None


# ---------------------------------------------------------------------------- writing
def superuser() -> bool:
    """Whether this process may write any file (root on POSIX): the system lets it write a
    file without write permission, and so does a save."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def read_only(target: str, st: os.stat_result) -> bool:
    """Whether this user may not write the file in place (see ``_check_writable``)."""
    return not superuser() and (not st.st_mode & 0o222 or not os.access(target, os.W_OK))


def _check_writable(target: str, st: os.stat_result, path: str, force: bool) -> None:
    """A save does what writing the file in place would be allowed to do: a file without write
    permission for this user is refused (the atomic rename would replace it all the same),
    unless forced; root, whom the system lets write any file, writes it (a read-only copy of
    a read-only tree, as `cp` makes it, is edited as root edits it in place)."""
    if force:
        return
    if read_only(target, st):
        raise ReadOnlyError("the file is read-only; nothing was written", path)
    if st.st_nlink > 1:
        raise ReadOnlyError(
            f"the file has {st.st_nlink} hard links; saving would replace it "
            "and break them, so nothing was written",
            path,
            "hard-links",
            st.st_nlink,
        )


class Temporaries(frozenset[str]):
    """The names of a folder's temporary files (``temporaries``); ``folder``: the real path of
    the folder listed, None when it could not be listed."""

    folder: str | None

    def __new__(cls, names: Iterable[str] = (), folder: str | None = None) -> Temporaries:
        self = super().__new__(cls, names)
        self.folder = folder
        return self


def temporaries(folder: str) -> Temporaries:
    """The names of the temporary files of saves in ``folder`` (a batch of writes lists each of
    its folders once: ``update(stale=…)``)."""
    real = os.path.realpath(folder or ".")
    try:
        names = os.listdir(real)
    except OSError:
        return Temporaries()
    return Temporaries((n for n in names if n.startswith(_TMP_PREFIX) and n.endswith(".tmp")), real)


def remove_stale_temporaries(path: str, listed: Temporaries | None = None) -> int:
    """Remove temporary files a killed save of ``path`` left behind (call under its lock, or
    when no qteditor writes it). Returns how many were removed. ``listed``: the folder's
    temporary files as ``temporaries`` listed them before the lock was taken (any of this
    file's still there is stale: a save in progress holds the lock; one killed since the
    listing is found by a later save), else the folder is listed now — and so it is when
    ``listed`` is of another folder than the file's real one (a symbolic link to a file
    elsewhere) or its folder could not be listed."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    stem = _tmp_stem(target)
    removed = 0
    names: Iterable[str]
    if listed is not None and listed.folder == folder:
        names = listed
    else:
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
    for name in names:
        if name.startswith(stem) and name.endswith(".tmp"):
            try:
                os.unlink(os.path.join(folder, name))
                removed += 1
            except OSError:
                pass
    return removed


def clean_stale_temporaries(path: str) -> int:
    """Remove what killed saves of ``path`` left behind, if no writer holds its lock at this
    moment (never waits: a save in progress is left alone). Returns how many were removed."""
    try:
        with locked(path, timeout=0) as target:
            return remove_stale_temporaries(target)
    except SaveError:
        return 0


def _fsync_folder(folder: str) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# a hard link refused where the file system has none (FAT, exFAT, some SMB shares): these
# errno values, or on Windows ERROR_INVALID_FUNCTION and ERROR_NOT_SUPPORTED (errno EINVAL)
_NO_LINKS_ERRNO = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS)
_NO_LINKS = (1, 50)


def _replace(tmp: str, target: str, st: os.stat_result) -> None:
    """``os.replace(tmp, target)`` over an existing file. Windows refuses it in two cases POSIX
    does not: a read-only target (forced: its read-only attribute is cleared first, and put back
    if the rename fails; the new file carries the mode) and a target another program holds open
    without delete sharing (an indexer, a virus scanner: tried again for REPLACE_RETRY seconds)."""
    if sys.platform != "win32":
        os.replace(tmp, target)
        return
    read_only = not st.st_mode & stat.S_IWRITE
    if read_only:
        os.chmod(target, stat.S_IREAD | stat.S_IWRITE)
    deadline = time.monotonic() + REPLACE_RETRY
    delay = 0.01
    try:
        while True:
            try:
                os.replace(tmp, target)
                return
            except PermissionError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
    except BaseException:
        if read_only:
            try:
                os.chmod(target, stat.S_IREAD)
            except OSError:
                pass
        raise


def _write_in_place(target: str, data: bytes, durable: bool) -> None:
    """Overwrite the file itself (a forced save of a hard-linked file: every name sees it)."""
    with open(target, "r+b") as fh:
        fh.write(data)
        fh.truncate()
        fh.flush()
        if durable:
            os.fsync(fh.fileno())


def _create_temporary(folder: str, stem: str) -> tuple[str, int]:
    """A new temporary file in ``folder`` (a name no other file has, owner-only): its path and
    a descriptor open for writing."""
    for _attempt in range(100):
        tmp = os.path.join(folder, stem + os.urandom(4).hex() + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            return tmp, fd
        except FileExistsError:
            pass
    raise OSError(errno.EEXIST, "no free temporary name")  # pragma: no cover - 100 random names taken


def _link_new_file(tmp: str, target: str, path: str) -> None:
    """Give the written temporary file the name of a file that does not exist yet (``tmp`` is
    gone when this returns; it stays when this raises)."""
    # a new file: a link fails where a file appeared meanwhile (replace would not)
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ConflictError(
            "a file with this name was created meanwhile; nothing was written", path
        ) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS_ERRNO and getattr(exc, "winerror", None) not in _NO_LINKS:
            raise
        os.replace(tmp, target)  # no hard links on this file system (FAT, some SMB)
    else:
        os.unlink(tmp)


def _write_locked(
    target: str,
    data: bytes,
    path: str,
    force: bool = False,
    durable: bool = True,
    stale: Temporaries | None = None,
) -> None:
    """Write ``data`` over ``target`` (the caller holds its lock; ``stale``: the folder's
    temporary files listed before, see ``remove_stale_temporaries``)."""
    folder = os.path.dirname(target) or "."
    mode = None
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    tmp = None
    try:
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)
            _check_writable(target, st, path, force)
            if st.st_nlink > 1:  # forced: written in place, so every name sees the new bytes
                _write_in_place(target, data, durable)
                return
            remove_stale_temporaries(target, stale)
        tmp, fd = _create_temporary(folder, _tmp_stem(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        if st is None:
            _link_new_file(tmp, target, path)
        else:
            _replace(tmp, target, st)
        tmp = None
        if durable:
            _fsync_folder(folder)
    except OSError as exc:
        raise SaveError(
            f"cannot write the file: {_reason(exc)}; the file on disk is unchanged", path
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def write_atomic(
    path: str,
    data: bytes,
    expected_digest: str | None = None,
    *,
    force: bool = False,
    durable: bool = True,
    new_file: bool = False,
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync'd and
    renamed over the target, under the file's lock. A symlink is written through to its target;
    permissions are kept. With ``expected_digest``, refuse when the file on disk is not the
    version that was read (``ConflictError``); with ``new_file``, refuse when a file of that
    name exists; a read-only or hard-linked file is refused unless ``force``.
    ``durable=False`` skips the fsyncs (caches and locks, not the user's files)."""

    def compute(current: bytes | None) -> bytes:
        if new_file and current is not None:
            raise ConflictError("a file with this name exists already; nothing was written", path)
        if expected_digest is not None:
            if current is None:
                raise ConflictError("the file was deleted or moved since it was opened", path)
            if digest(current) != expected_digest:
                raise ConflictError(
                    "the file was changed on disk since it was opened; nothing was written", path
                )
        return data

    update(path, compute, force=force, durable=durable, always=True)


def update(
    path: str,
    compute: Callable[[bytes | None], bytes | None],
    *,
    force: bool = False,
    durable: bool = True,
    always: bool = False,
    stale: Temporaries | None = None,
) -> bytes | None:
    """Under ``path``'s lock: read the file as it is now (None when it does not exist), ask
    ``compute`` for its new bytes (None: leave it), write them atomically. Returns the bytes
    written, or None when nothing was. ``compute`` may raise to refuse; nothing is written then.
    ``always`` writes even bytes equal to the current ones. ``stale``: the names of the
    folder's temporary files as ``temporaries`` listed them before (a batch of writes in one
    folder lists it once, not once a file), else the folder is listed at the write."""
    with locked(path) as target:
        current = read_current(target, path)
        new = compute(current)
        if new is None or (new == current and not always):
            return None
        _write_locked(target, new, path, force, durable, stale)
        return new


def remove(path: str, expected: bytes | None = None) -> None:
    """Remove a file under its lock — only if it still holds ``expected`` (when given): a file
    changed since it was read is kept (``ConflictError``)."""
    with locked(path) as target:
        current = read_current(target, path)
        if current is None:
            return
        if expected is not None and current != expected:
            raise ConflictError("the file was changed since it was read; it was not removed", path)
        try:
            os.unlink(target)
        except OSError as exc:
            raise SaveError(f"cannot remove the file: {_reason(exc)}", path) from None
        _fsync_folder(os.path.dirname(target) or ".")
