"""Plans: what an operation would write — the files, their bytes before and after, a diff —
computed first, shown, then applied. A plan is data; nothing is written until ``apply``.

Applying a plan writes each file under its lock from the bytes on disk at that moment: when
they are still the ones the plan was made from, the planned bytes are written; when the file
changed meanwhile, the change is computed again from what is there now (``recompute``), so an
edit made since the plan is never overwritten with old content.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import QtEditorError

if TYPE_CHECKING:
    from .storage import Temporaries

NO_NEWLINE = "\\ No newline at end of file\n"
SHOWN_CR = "␍"  # a carriage return, as a reader sees it (``readable``)
SHOWN_NO_NEWLINE = "⏎ no newline at end of file\n"


def unified_diff(
    old: bytes,
    new: bytes,
    shown: str,
    labels: tuple[str, str] | None = None,
    context: int = 3,
    readable: bool = False,
) -> str:
    """A unified diff of two versions of a file. By default one ``git apply`` takes: labelled
    ``a/shown`` and ``b/shown``, line ends kept as they are, a last line without a line break
    given git's marker. ``readable``: for a person reading it (the review dialogs) — a
    carriage return is shown as ``␍`` and a missing last line break as ``⏎``. ``labels``:
    the (before, after) file names; ``context``: the unchanged lines around each change."""
    a = old.decode("utf-8", "replace").splitlines(keepends=True)
    b = new.decode("utf-8", "replace").splitlines(keepends=True)
    before, after = labels or (f"a/{shown}", f"b/{shown}")
    out = []
    for line in difflib.unified_diff(a, b, before, after, n=context):
        if readable:
            if line.endswith("\r\n"):
                line = line[:-2] + SHOWN_CR + "\n"
            out.append(line if line.endswith("\n") else line + "\n" + SHOWN_NO_NEWLINE)
        elif line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)


@dataclass
class FileChange:
    path: Path  # on disk
    shown: str  # as the user sees it (relative to the folder they gave)
    old: bytes  # as read when the plan was made
    new: bytes | None  # the planned bytes; None: nothing to change
    recompute: Callable[[Any], Any] | None = None  # Entry as it is now -> new fields, or None
    error: QtEditorError | None = None
    fixed: int = 0  # problems this change fixes
    note: str = ""
    diff_text: str | None = None  # the diff, when it was made with the new bytes
    kind: str = "write"  # "write" (an existing file), "create" (a new one), "delete"

    @property
    def does_something(self) -> bool:
        return self.error is None and (self.new is not None or self.kind == "delete")

    def diff(self) -> str:
        if self.kind == "delete":
            return unified_diff(self.old, b"", self.shown) if self.diff_text is None else self.diff_text
        if self.new is None:
            return ""
        if self.diff_text is None:
            self.diff_text = unified_diff(self.old, self.new, self.shown)
        return self.diff_text


@dataclass
class Plan:
    title: str
    changes: list[FileChange] = field(default_factory=list)
    left: list = field(default_factory=list)  # problems the plan leaves for a person
    notes: list[str] = field(default_factory=list)
    in_order: bool = False  # one file after the other, stopping at the first that fails

    @property
    def writes(self) -> list[FileChange]:
        return [c for c in self.changes if c.does_something]

    @property
    def errors(self) -> list[QtEditorError]:
        return [c.error for c in self.changes if c.error is not None]

    @property
    def fixed(self) -> int:
        return sum(c.fixed for c in self.writes)

    def diff(self) -> str:
        return "".join(c.diff() for c in self.writes)

    def only(self, paths: Collection[str]) -> Plan:
        """The part of this plan that writes the files in ``paths`` (as ``str(change.path)``):
        what is written again, with ``force``, once the user says so (``Applied.refused``)."""
        return Plan(self.title, [c for c in self.writes if str(c.path) in paths])

    def summary(self, dry_run: bool = False) -> str:
        """One line: files changed, problems fixed, problems left that need a decision."""
        n = len(self.writes)
        verb = "would change" if dry_run else "changed"
        text = f"{verb} {n:,} file{'s' if n != 1 else ''}"
        if self.fixed or self.left or n:
            text += f", {self.fixed:,} problem{'s' if self.fixed != 1 else ''} fixed"
        decisions = [p for p in self.left if p.severity in ("error", "warning")]
        if decisions:
            by_rule: dict[str, int] = {}
            for p in decisions:
                by_rule[p.rule] = by_rule.get(p.rule, 0) + 1
            top = ", ".join(f"{r} {c:,}" for r, c in sorted(by_rule.items(), key=lambda kv: -kv[1]))
            text += f"; {len(decisions):,} left that need a decision ({top})"
        if self.errors:
            text += f"; {len(self.errors):,} file{'s' if len(self.errors) != 1 else ''} failed"
        return text


@dataclass
class Applied:
    written: list[Path] = field(default_factory=list)
    errors: list[QtEditorError] = field(default_factory=list)
    recomputed: list[Path] = field(default_factory=list)  # changed since planned: done again

    @property
    def refused(self) -> set[str]:
        """The files left unwritten because they are read-only or hard-linked
        (``storage.ReadOnlyError``): written only when the user says so (``Plan.only``, then
        ``apply(..., force=True)``)."""
        from .storage import ReadOnlyError

        return {str(e.path) for e in self.errors if isinstance(e, ReadOnlyError)}

    def forget(self, paths: Collection[str]) -> None:
        """Drop the errors of the files in ``paths`` (the user's answer, not an error)."""
        self.errors = [e for e in self.errors if str(e.path) not in paths]

    def merge(self, again: Applied) -> None:
        """Add what applying a part of the plan again did (after ``forget`` of its files)."""
        self.errors += again.errors
        self.written += again.written
        self.recomputed += again.recomputed


WRITERS = 8  # files written at once: their fsyncs overlap (the disk commits them together)


def _write_change(c: FileChange, force: bool, stale: Temporaries | None = None) -> tuple[str, Any]:
    """Write one change under its file's lock: ("written" or "unchanged", whether it was
    computed again from the file as it is now), or ("error", the located error). ``stale``:
    its folder's temporary files, listed before (``storage.update``)."""
    from . import storage
    from .entry import Entry

    recomputed = []
    if c.kind == "create":
        try:
            storage.write_atomic(str(c.path), c.new or b"", new_file=True, force=force)
        except QtEditorError as exc:
            return "error", exc.located(str(c.path))
        return "written", False
    if c.kind == "delete":
        try:
            storage.remove(str(c.path), c.old)
        except QtEditorError as exc:
            return "error", exc.located(str(c.path))
        return "written", False

    def compute(current: bytes | None) -> bytes | None:
        if current is None:
            raise QtEditorError(
                "the file was deleted or moved since the plan was made; nothing was written", str(c.path)
            )
        if current == c.old:
            return c.new
        if c.recompute is None:
            raise storage.ConflictError(
                "the file was changed on disk since the plan was made; nothing was written", str(c.path)
            )
        entry = Entry.from_bytes(current, str(c.path), writing=True)
        fields = c.recompute(entry)
        if fields is None:
            return None
        rendered = entry.render(fields)
        recomputed.append(c.path)
        return None if rendered is None else rendered[0]

    try:
        written = storage.update(str(c.path), compute, force=force, stale=stale) is not None
    except QtEditorError as exc:
        return "error", exc.located(str(c.path))
    return ("written" if written else "unchanged"), bool(recomputed)


def apply(plan: Plan, force: bool = False) -> Applied:
    """Write a plan through the core writer, each file under its lock (see the module doc).
    Many files are written by a few threads at once: each write is still atomic and durable
    (fsync'd, renamed, the folder fsync'd), and their waits for the disk overlap."""
    result = Applied()
    writes = plan.writes
    listed: dict[str, Temporaries] = {}  # by the folder's name in the plan
    if not plan.in_order and len(writes) > 2 * WRITERS:
        # each folder's leftover temporary files listed once, not at every write (a listing of
        # a folder of 1,000 entries at each of 8,000 writes was two thirds of fix's writing);
        # a listing of another folder than a file's real one is not used (storage lists it)
        from . import storage

        for c in writes:
            folder = os.path.dirname(str(c.path))
            if folder not in listed:
                listed[folder] = storage.temporaries(folder)

    def write(c: FileChange) -> tuple[str, Any]:
        return _write_change(c, force, listed.get(os.path.dirname(str(c.path))))

    if plan.in_order:
        outcomes = []
        for c in writes:
            outcomes.append(write(c))
            if outcomes[-1][0] == "error":
                break
        writes = writes[: len(outcomes)]
    elif len(writes) > 2 * WRITERS:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="write") as pool:
            outcomes = list(pool.map(write, writes))
    else:
        outcomes = [write(c) for c in writes]
    for c, (what, detail) in zip(writes, outcomes, strict=True):
        if what == "error":
            result.errors.append(detail)
            continue
        if what == "written":
            result.written.append(c.path)
        if detail is True:
            result.recomputed.append(c.path)
    return result
