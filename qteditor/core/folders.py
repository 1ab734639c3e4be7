"""Where a collection's entries live: the folder layout rules, with no index behind them (the
window needs them at start-up, before the index module loads)."""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

MARKER = ".qteditor"  # a folder holding this folder is a collection (its settings are there)
# a file's time and the clock can disagree by this much (a file system's coarse stamps)
CLOCK_SLACK_S = 2.0


def content_root(folder: Path) -> Path:
    """A site root holding content/learn opens at that folder; any other folder as it is."""
    for candidate in (folder / "content" / "learn", folder / "learn"):
        if candidate.is_dir():
            return candidate
    return folder


def learn_tree(folder: Path) -> Path | None:
    """The content/learn folder that ``folder`` is (or is inside of), if any."""
    for up in (folder, *folder.parents):
        if up.name == "learn" and up.parent.name == "content":
            return up
    return None


def marked_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` that holds a .qteditor folder."""
    for up in (folder, *folder.parents):
        if (up / MARKER).is_dir():
            return up
    return None


def collection_of(path: str | Path, opened: Path | None = None) -> Path | None:
    """The collection a file belongs to, or None when it stands alone. A file belongs to one
    only when the layout says so: inside a content/learn tree, below a folder holding
    .qteditor/, or inside ``opened`` (a folder the user opened). A stray file elsewhere (in
    the home folder, a temporary folder) opens alone: its grandparent is not a collection."""
    parent = Path(path).resolve().parent
    tree = learn_tree(parent)
    if tree is not None:
        return tree
    marked = marked_root(parent)
    if marked is not None:
        return content_root(marked)
    if opened is not None:
        opened = Path(opened).resolve()
        if parent == opened or opened in parent.parents:
            return opened
    return None


def collection_for_folder(folder: str | Path) -> Path:
    """The collection a folder given by the user belongs to: a subject folder is part of
    the content/learn tree (or the .qteditor collection) it is in; a site root opens at its
    content/learn; any other folder is a collection of its own."""
    folder = Path(folder).resolve()
    tree = learn_tree(folder)
    if tree is not None:
        return tree
    marked = marked_root(folder)
    if marked is not None:
        return content_root(marked)
    return content_root(folder)


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


def file_identity(path: str | None) -> tuple[int, int, float] | None:
    """The file at ``path`` as read now: its device and inode (a rename keeps them) and the
    time, to know it again if it is moved (``moved_entry``)."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, time.time()


def sharing_id(path: str, ident: object, records: Iterable[Any], root: Path) -> frozenset[str] | None:
    """The other entries of the collection (its index's ``records``, paths relative to
    ``root``) with the id ``ident`` of the entry at ``path``, as paths like ``moved_entry``'s;
    None when the index does not list ``path`` (it tells nothing of the entry then)."""
    here = os.path.normcase(os.path.abspath(path))
    listed, others = False, set()
    for record in records:
        if record.fields.get("id") != ident:
            continue
        other = str(root / record.path)
        if os.path.normcase(os.path.abspath(other)) == here:
            listed = True
        else:
            others.add(other)
    return frozenset(others) if listed else None


def moved_entry(
    gone: str,
    ident: object,
    records: Iterable[Any],
    root: Path,
    opened: tuple[int, int, float] | None,
    twins: Collection[str] = (),
) -> str | None:
    """Where the entry whose file ``gone`` is no longer there went: the one record of the
    collection (its index's ``records``, paths relative to ``root``) with its id ``ident`` at
    another path that is the very file (``opened``'s device and inode: renamed in place) or was
    written since the entry was opened (a checkout or a pull writes the file anew), unless it
    is one of ``twins`` (``sharing_id``: it had the id beside the entry while it was there).
    None when there is none, or more than one (an id used twice is no trail to follow)."""
    if ident is None or ident == "" or isinstance(ident, bool) or opened is None:
        return None
    here = os.path.normcase(os.path.abspath(gone))
    found = []
    for record in records:
        if record.fields.get("id") != ident:
            continue
        path = str(root / record.path)
        if os.path.normcase(os.path.abspath(path)) == here:
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == opened[:2] or (
            path not in twins and st.st_mtime >= opened[2] - CLOCK_SLACK_S
        ):
            found.append(path)
    return found[0] if len(found) == 1 else None
