"""Where a collection's entries live: the folder layout rules, with no index behind them (the
window needs them at start-up, before the index module loads)."""

from __future__ import annotations

from pathlib import Path


def content_root(folder: Path) -> Path:
    """A site root holding content/learn opens at that folder; any other folder as it is."""
    for candidate in (folder / "content" / "learn", folder / "learn"):
        if candidate.is_dir():
            return candidate
    return folder
