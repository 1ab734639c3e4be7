"""All settings in one place: the table of defaults is the schema; unknown keys are refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

DEFAULTS: dict[str, Any] = {
    "window/geometry": b"",
    "window/state": b"",
    "window/splitter": [],
    "files/recent": [],
    "files/last_collection": "",
    "editor/font_size": 11,
    "editor/wrap": True,
    "editor/spellcheck": True,
    "preview/delay_ms": 25,
    "preview/sync_scroll": True,
    "view/collection_panel": True,
    "git/setup_offered": [],  # repositories offered `git setup` once (top folders)
}
MAX_RECENT = 10


class Settings:
    """Typed access to QSettings with the defaults above."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings("qteditor", "qteditor")

    def get(self, key: str) -> Any:
        default = DEFAULTS[key]  # KeyError for an unknown key, on purpose
        value: Any = self.store.value(key, default)
        if value is None:
            return default
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        if isinstance(default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return default
        if isinstance(default, list):
            if isinstance(value, str):
                return [value] if value else []
            return list(value)
        if isinstance(default, bytes):
            return bytes(value) if value else default
        return value

    def set(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        self.store.setValue(key, value)

    def add_recent(self, path: str, replacing: str | None = None) -> list[str]:
        """``path`` first in the recent files; ``replacing`` (the name it had: a moved entry)
        leaves the list."""
        recent = [p for p in self.get("files/recent") if p not in (path, replacing)]
        recent.insert(0, path)
        del recent[MAX_RECENT:]
        self.set("files/recent", recent)
        return recent
