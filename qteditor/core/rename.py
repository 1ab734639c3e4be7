"""Renames that keep the site whole: when an entry's slug or subject changes, its file moves,
its file_name and url follow, and every related article (the schema's snapshots,
``related_articleN``) that links to it is updated — one
plan (``plan.py``): the new file, the linking entries, the old file's removal, all through the
core writer, each file under its lock.

Applying is safe when a step fails: everything is checked first (the new name is free, every
linking file can be read and written), then the entry is written at its new place, the links
are updated (each from its file as it is then), and only then is the old file removed. If a
link cannot be written after all, the old file stays, and the error names what was done.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .entry import Entry
from .errors import QtEditorError, SaveError
from .patch import nested
from .plan import FileChange, Plan
from .related import family_of, related_items
from .site import Site


@dataclass
class RenamePlan:
    old_path: Path
    new_path: Path
    old_url: str
    new_url: str
    file_name: str
    inbound: list[tuple[Path, list[str]]] = field(default_factory=list)  # file, related keys
    plan: Plan | None = None  # the files and their bytes (made by ``prepare``)

    @property
    def moves(self) -> bool:
        return self.old_path != self.new_path


def plan(root: Path, entry_path: Path, fields: dict, records: list, site: Site) -> RenamePlan:
    """Where the entry goes for its (edited) fields, and who links to it now."""
    derived = site.derive(fields)
    file_name = str(derived.get(site.name_field or "file_name") or Path(entry_path).name)
    new_url = str(derived.get("url") or fields.get("url") or "")
    rel = site.path_for({**fields, **nested(derived)})
    new_path = root / rel if rel else Path(entry_path).with_name(file_name)
    try:
        old_url = Entry.load(entry_path).fields().get("url") or ""
    except QtEditorError:  # an unreadable old file links nowhere
        old_url = ""
    old_at = (
        site.url_at(Path(entry_path).resolve().relative_to(root.resolve()).as_posix())
        if _inside(entry_path, root)
        else None
    )
    inbound = []
    family = family_of(site.schema)
    link = family.link if family is not None else "url"
    at = {old_url, old_at} - {None, ""}
    for record in records:
        keys = [k for k, v in related_items(record.fields, family) if v.get(link) in at]
        path = root / record.path
        if keys and path.resolve() != Path(entry_path).resolve():
            inbound.append((path, keys))
    return RenamePlan(Path(entry_path), new_path, old_url, new_url, file_name, inbound)


def _inside(path: Path, root: Path) -> bool:
    try:
        Path(path).resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def prepare(rp: RenamePlan, fields: dict, shown: Callable[[Path], str] | None = None) -> Plan:
    """The plan's files: the entry at its new place (or in place), each linking entry, and the
    old file's removal (nothing written yet)."""
    shown = shown or (lambda p: Path(p).name)
    entry = Entry.load(rp.old_path)
    new_fields: dict[str, Any] = dict(fields)
    new_fields["file_name"] = rp.file_name
    new_fields["url"] = rp.new_url
    out = Plan(f"Rename to {rp.new_path.name}", in_order=True)
    rendered = entry.render(new_fields)
    new_bytes = rendered[0] if rendered else entry.raw
    if rp.moves:
        out.changes.append(FileChange(rp.new_path, shown(rp.new_path), b"", new_bytes, kind="create"))
    else:
        out.changes.append(
            FileChange(
                rp.old_path,
                shown(rp.old_path),
                entry.raw,
                new_bytes if new_bytes != entry.raw else None,
                lambda current: new_fields,
            )
        )
    family = family_of(entry.schema)
    link = family.link if family is not None else "url"
    snapshot = family.snapshot(new_fields) if family is not None else {}
    urls = {rp.old_url}

    def follow(other: Any, keys: Sequence[str] = ()) -> Any:
        """A linking entry's fields with its links to the renamed entry updated."""
        data = other.fields()
        touched = False
        for key, value in related_items(data, family):
            if value.get(link) in urls or key in keys:
                data[key] = {**value, **{k: v for k, v in snapshot.items() if k in value and v is not None}}
                data[key][link] = rp.new_url
                touched = True
        return data if touched else None

    for path, keys in rp.inbound:
        try:
            other = Entry.load(path)
        except QtEditorError as exc:
            out.changes.append(FileChange(path, shown(path), b"", None, error=exc))
            continue
        data = follow(other, keys)
        rendered = other.render(data) if data is not None else None

        def again(current: Any, keys: Sequence[str] = keys) -> Any:
            return follow(current, keys)

        out.changes.append(FileChange(path, shown(path), other.raw, rendered[0] if rendered else None, again))
    if rp.moves:
        out.changes.append(FileChange(rp.old_path, shown(rp.old_path), entry.raw, None, kind="delete"))
    rp.plan = out
    return out


def apply(rp: RenamePlan, fields: dict | None = None, force: bool = False) -> list[Path]:
    """Carry out a rename (see the module doc). Returns the files written."""
    from . import storage
    from .plan import apply as apply_plan

    out = rp.plan if rp.plan is not None else prepare(rp, fields or {})
    if out.errors:
        raise out.errors[0]
    if rp.moves and rp.new_path.exists():
        raise SaveError("a file with the new name exists already; nothing was changed", str(rp.new_path))
    for c in out.changes:  # everything checked before anything is written
        if c.kind == "write" and c.new is not None:
            try:
                st = os.stat(c.path)
            except OSError as exc:
                raise SaveError(
                    f"cannot rename: {c.shown} cannot be read ({exc.strerror}); nothing was changed",
                    str(c.path),
                ) from None
            if not force and (storage.read_only(str(c.path), st) or st.st_nlink > 1):
                raise storage.ReadOnlyError(
                    f"cannot rename: {c.shown} links to this entry and is read-only (or has "
                    "other names); nothing was changed",
                    str(c.path),
                )
    result = apply_plan(out, force)
    if result.errors:
        done = ", ".join(str(Path(p).name) for p in result.written) or "nothing"
        first = result.errors[0]
        raise SaveError(
            f"the rename stopped: {first.message} (written: {done}); the old file is kept",
            first.path,
            first.line,
            first.column,
        )
    return result.written
