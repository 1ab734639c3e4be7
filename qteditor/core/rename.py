"""Renames that keep the site whole: when an entry's slug or subject changes, its file moves,
its file_name and url follow, and every related_articleN that links to it is updated — all
through the core writer."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import slugs
from .entry import Entry
from .errors import SaveError
from .related import RELATED


@dataclass
class RenamePlan:
    old_path: Path
    new_path: Path
    old_url: str
    new_url: str
    file_name: str
    inbound: list[tuple[Path, list[str]]] = field(default_factory=list)  # file, related keys

    @property
    def moves(self) -> bool:
        return self.old_path != self.new_path


def plan(root: Path, entry_path: Path, fields: dict, records: list,
         rule: str = slugs.COLLECTION) -> RenamePlan:
    """Where the entry goes for its (edited) title and subject, and who links to it now."""
    title = str(fields.get("title") or "")
    subject = str(fields.get("subject") or "")
    file_name = slugs.file_name(title, rule)
    new_url = slugs.url(subject, title, rule)
    new_path = root / slugs.subject_slug(subject) / file_name
    old_url = ""
    try:
        old_url = Entry.load(entry_path).fields().get("url") or ""
    except Exception:  # noqa: BLE001 - an unreadable old file links nowhere
        pass
    inbound = []
    for record in records:
        data = record.data if isinstance(record.data, dict) else {}
        keys = [k for k, v in data.items() if RELATED.fullmatch(str(k)) and isinstance(v, dict)
                and v.get("url") == old_url]
        path = root / record.path
        if keys and path.resolve() != entry_path.resolve():
            inbound.append((path, keys))
    return RenamePlan(entry_path, new_path, old_url, new_url, file_name, inbound)


def apply(plan: RenamePlan, fields: dict) -> list[Path]:
    """Write the entry at its new place, update inbound links, then remove the old file.
    Returns the files written. Refuses to overwrite an existing different file."""
    if plan.moves and plan.new_path.exists():
        raise SaveError("a file with the new name exists already; nothing was changed",
                        str(plan.new_path))
    entry = Entry.load(plan.old_path)
    new_fields: dict[str, Any] = dict(fields)
    new_fields["file_name"] = plan.file_name
    new_fields["url"] = plan.new_url
    written = []
    if plan.moves:
        plan.new_path.parent.mkdir(parents=True, exist_ok=True)
        rendered = entry.render(new_fields)
        from . import storage

        storage.write_atomic(str(plan.new_path), rendered[0] if rendered else entry.raw,
                             new_file=True)  # never over a file that appeared meanwhile
    else:
        entry.save(new_fields)
    written.append(plan.new_path)
    snapshot = {"id": new_fields.get("id"), "title": new_fields.get("title"),
                "subject": new_fields.get("subject"), "url": plan.new_url}
    for path, keys in plan.inbound:
        other = Entry.load(path)
        data = other.fields()
        for key in keys:
            data[key] = {**data[key], **{k: v for k, v in snapshot.items() if k in data[key]}}
            data[key]["url"] = plan.new_url
        if other.save(data):
            written.append(path)
    if plan.moves:
        os.unlink(plan.old_path)
    return written
