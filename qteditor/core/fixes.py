"""Applying the checks' fixes and batch edits to files, through the core writer."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from . import patch as patching
from .entry import Entry
from .errors import QtEditorError
from .related import renumber


def deep_merge(into: dict, patch: dict) -> dict:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value
    return into


@dataclass
class Change:
    file: Path
    shown: str
    old: bytes
    new: bytes | None  # None: nothing to change
    error: QtEditorError | None = None

    def diff(self) -> str:
        if self.new is None:
            return ""
        return "".join(difflib.unified_diff(
            self.old.decode("utf-8", "replace").splitlines(keepends=True),
            self.new.decode("utf-8", "replace").splitlines(keepends=True),
            f"a/{self.shown}", f"b/{self.shown}"))


def plan_fixes(problems, rule: str | None = None) -> dict[tuple[str, str], dict]:
    """One merged field patch per file from the problems' fixes (``problem.file`` is where)."""
    per_file: dict = {}
    for p in problems:
        if p.fix is not None and (not rule or p.rule == rule):
            deep_merge(per_file.setdefault((p.file, p.path), {}), json.loads(json.dumps(p.fix)))
    return per_file


def prepare(per_file: dict[tuple[str, str], dict]) -> list[Change]:
    """The new bytes of each file (nothing written yet)."""
    changes = []
    for (file, shown), fix in sorted(per_file.items()):
        try:
            entry = Entry.load(file)
            fields = renumber(patching.merge(entry.fields(), fix, entry.schema))
            rendered = entry.render(fields)
            changes.append(Change(Path(file), shown, entry.raw, rendered[0] if rendered else None))
        except QtEditorError as exc:
            changes.append(Change(Path(file), shown, b"", None, exc))
    return changes


def prepare_assignments(files: list[Path], assignments: list[str]) -> list[Change]:
    """A batch edit: KEY=VALUE assignments on every file, each value in its field's type."""
    changes = []
    for file in files:
        try:
            entry = Entry.load(file)
            fields = patching.assign(entry.fields(), assignments, entry.schema)
            rendered = entry.render(fields)
            changes.append(Change(Path(file), Path(file).name, entry.raw,
                                  rendered[0] if rendered else None))
        except QtEditorError as exc:
            changes.append(Change(Path(file), Path(file).name, b"", None, exc))
    return changes


def write(changes: list[Change], force: bool = False) -> tuple[int, list[QtEditorError]]:
    """Write prepared changes atomically; refuses a file changed since it was prepared (and a
    read-only or hard-linked one unless ``force``)."""
    from . import storage

    written, errors = 0, [c.error for c in changes if c.error is not None]
    for c in changes:
        if c.new is None or c.error is not None:
            continue
        try:
            storage.write_atomic(str(c.file), c.new, storage.digest(c.old), force=force)
            written += 1
        except QtEditorError as exc:
            errors.append(exc.located(str(c.file)))
    return written, errors
