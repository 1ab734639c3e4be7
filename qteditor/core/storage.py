"""Atomic writes and content hashes: a save leaves the old bytes or the new, never a mix."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile

from .errors import SaveError


class ConflictError(SaveError):
    """The file on disk is no longer what was read: someone else changed it."""


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


def write_atomic(path: str, data: bytes, expected_digest: str | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync'd and
    renamed over the target. A symlink is written through to its target; permissions are kept.
    With ``expected_digest``, refuse when the file on disk is not the version that was read."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    mode = None
    try:
        st = os.stat(target)
        mode = stat.S_IMODE(st.st_mode)
    except FileNotFoundError:
        if expected_digest is not None:
            raise ConflictError("the file was deleted or moved since it was opened", path) from None
    if expected_digest is not None:
        with open(target, "rb") as fh:
            if digest(fh.read()) != expected_digest:
                raise ConflictError("the file was changed on disk since it was opened; "
                                    "nothing was written", path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".",
                                   suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
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
    except OSError as exc:
        raise SaveError(f"cannot write the file: {_reason(exc)}; the file on disk is unchanged",
                        path) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
