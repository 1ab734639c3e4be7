"""Where a collection's entries live: the folder layout rules, with no index behind them (the
window needs them at start-up, before the index module loads)."""

from __future__ import annotations

import os
from pathlib import Path


def content_root(folder: Path) -> Path:
    """A site root holding content/learn opens at that folder; any other folder as it is."""
    for candidate in (folder / "content" / "learn", folder / "learn"):
        if candidate.is_dir():
            return candidate
    return folder


def collection_of(path: str | Path) -> Path:
    """The collection a file belongs to: the content/learn folder above it, else the folder
    above its subject folder (the file's own folder at the top of the file system)."""
    parent = Path(path).resolve().parent
    for up in (parent, *parent.parents):
        if up.name == "learn" and up.parent.name == "content":
            return up
    return parent.parent if parent.parent != parent else parent


def first_entry(root: Path) -> Path | None:
    """The first .md file below ``root`` in path order (part by part, as Paths sort), found
    without listing the whole tree (a collection of 36,000 entries opens on it at start-up).
    Hidden names are skipped, as the index skips them."""
    try:
        with os.scandir(root) as it:
            entries = [e for e in it if not e.name.startswith(".")]
    except OSError:
        return None
    for e in sorted(entries, key=lambda e: e.name):  # the order of sorted(Path) lists
        if e.is_dir():
            found = first_entry(Path(e.path))
            if found is not None:
                return found
        elif e.name.endswith(".md") and e.is_file():
            return Path(e.path)
    return None
