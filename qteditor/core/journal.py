"""Crash recovery: unsaved edits are journaled (never over the user's file) in the user's data
folder, and offered back at the next start. Also the locks that keep two editors from
silently writing the same file."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import codec, storage
from .entry import Entry, UnstorableText
from .errors import FormatError, SaveError
from .resources import user_folder

if TYPE_CHECKING:
    from . import merge


def _host() -> str:
    """This machine's name, as the lock files record it."""
    if hasattr(os, "uname"):
        return os.uname().nodename  # what gethostname() answers, without importing socket
    name = os.environ.get("COMPUTERNAME")  # Windows: its name, still without socket (start-up)
    if name:
        return name
    import socket

    return socket.gethostname()


def data_dir() -> Path:
    return user_folder("data")


def _key(path: str | None, token: str) -> str:
    ident = os.path.realpath(path) if path else f"new:{token}"
    return hashlib.sha1(ident.encode("utf-8")).hexdigest()[:20]


@dataclass
class JournalItem:
    file: Path
    path: str | None  # None for a new entry never saved
    digest: str | None  # of the file on disk when the edits began
    content: bytes  # the entry as it would have been saved
    written: float
    base: bytes | None = None  # the file the edits were made against (None: not recorded)


@dataclass
class Recovery:
    """Journaled edits put onto the file as it is now: what a recovered session shows."""

    fields: Any  # the merged fields (the user's edits on top of the disk version)
    body: str
    conflicts: list[merge.Conflict]  # fields both the user and the disk changed (the user's kept)
    content: bytes  # the entry as saving the recovery would write it
    disk: Entry | None  # the file as it is now (None: it is gone)


class Journal:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_dir() / "journal"

    def write(
        self, path: str | None, digest: str | None, content: bytes, token: str = "", base: bytes | None = None
    ) -> Path:
        """Journal ``content`` (the entry as it would be saved) for ``path``; ``base`` is the
        file the edits were made against (the session's saved state: after a merge of an outside
        change, the merged-in disk version), so recovery can put only the edits back."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{_key(path, token)}.json"
        record = {
            "path": path,
            "digest": digest,
            "written": time.time(),
            "content": base64.b64encode(content).decode("ascii"),
        }
        if base is not None:
            record["base"] = base64.b64encode(base).decode("ascii")
        storage.write_atomic(str(target), json.dumps(record).encode("utf-8"))
        return target

    def remove(self, path: str | None, token: str = "") -> None:
        try:
            (self.folder / f"{_key(path, token)}.json").unlink()
        except FileNotFoundError:
            pass

    def pending(self) -> list[JournalItem]:
        items: list[JournalItem] = []
        if not self.folder.is_dir():
            return items
        for file in sorted(self.folder.glob("*.json")):
            try:
                record = json.loads(file.read_text(encoding="utf-8"))
                base = record.get("base")
                items.append(
                    JournalItem(
                        file,
                        record["path"],
                        record.get("digest"),
                        base64.b64decode(record["content"]),
                        float(record.get("written", 0)),
                        None if base is None else base64.b64decode(base),
                    )
                )
            except (OSError, ValueError, KeyError):
                continue  # a damaged journal entry is skipped, never fatal
        return items

    def discard(self, item: JournalItem) -> None:
        try:
            item.file.unlink()
        except FileNotFoundError:
            pass


def recover(item: JournalItem, disk: Entry | None) -> Recovery:
    """Put a journal item's edits onto the file as it is now (``disk``; None when it is gone):
    the user's edits are the journal's content against its base, merged three ways (fields
    independently, the answer and the body line by line) onto ``disk``, so a change made on disk
    meanwhile (or merged in by the window before the crash) is kept, and only the user's edits
    differ from ``disk``. Raises FormatError when the journal cannot be read as an entry."""
    from .merge import merge_fields, merge_lines  # loaded when there is something to recover

    ours = Entry.from_bytes(item.content, item.path, disk.schema if disk is not None else None)
    if disk is None:
        return Recovery(ours.fields(), ours.body, [], item.content, None)
    base = disk  # no base recorded (an older journal) or unreadable: all of it is the user's
    if item.base is not None:
        try:
            base = Entry.from_bytes(item.base, item.path, disk.schema)
        except FormatError:
            pass
    base_fields, our_fields, disk_fields = base.fields(), ours.fields(), disk.fields()
    if all(isinstance(f, dict) for f in (base_fields, our_fields, disk_fields)):
        fields, conflicts = merge_fields(base_fields, our_fields, disk_fields)
    else:
        fields, conflicts = our_fields, []
    body, _clean = merge_lines(base.body, ours.body, disk.body)
    try:
        rendered = disk.render(fields, body)
        content = disk.raw if rendered is None else rendered[0]
    except SaveError:  # not storable as it stands: shown as journaled, fixed before saving
        content = item.content
    return Recovery(fields, body, conflicts, content, disk)


def snapshot(entry: Entry, fields: Any, body: str) -> bytes:
    """What to journal for a session: its bytes as saving would write them, or, when a codec
    field's text cannot be stored in its convention yet (a literal ``\\n`` being typed), the
    bytes with such fields in real line breaks, so the text comes back exactly as typed.
    Raises SaveError when neither can be written."""
    try:
        rendered = entry.render(fields, body)
    except UnstorableText:
        copy = entry.copy(entry.path)
        copy.conventions = dict.fromkeys(entry.conventions, codec.REAL)
        rendered = copy.render(fields, body)
    return entry.raw if rendered is None else rendered[0]


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) there would not ask: it sends signal 0
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _alive_on_windows(pid: int) -> bool:  # pragma: no cover - Windows
    """Whether process ``pid`` runs, asked of Windows itself. ``os.kill`` is no probe there:
    signal 0 is CTRL_C_EVENT (sent to a console's process group) and any other number ends the
    process it names."""
    if sys.platform != "win32":
        raise OSError("only Windows answers this")
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it runs, as another user
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


class Locks:
    """One lock file per open entry: which process has it open."""

    held: set[str] = set()  # keys this process holds (several windows share the process)

    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_dir() / "locks"

    def acquire(self, path: str) -> str | None:
        """Take the lock; returns a notice when another editor has the file open."""
        key = _key(path, "")
        lock = self.folder / f"{key}.lock"
        notice = None
        if key in Locks.held:
            notice = "This entry is already open in another qteditor window."
        else:
            try:
                other = json.loads(lock.read_text(encoding="utf-8"))
                if (
                    other.get("host") == _host()
                    and _alive(int(other["pid"]))
                    and int(other["pid"]) != os.getpid()
                ):
                    notice = (
                        f"This entry is open in another qteditor (process {other['pid']}); "
                        "saving here will not overwrite its changes silently."
                    )
            except (OSError, ValueError, KeyError):
                pass
        if notice is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            storage.write_atomic(
                str(lock), json.dumps({"pid": os.getpid(), "host": _host(), "path": path}).encode()
            )
            Locks.held.add(key)
        return notice

    def release(self, path: str) -> None:
        key = _key(path, "")
        if key in Locks.held:
            Locks.held.discard(key)
            try:
                (self.folder / f"{key}.lock").unlink()
            except FileNotFoundError:
                pass
