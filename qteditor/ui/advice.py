"""What the writer can do about an error, in the window's words (the core says what is wrong;
the CLI adds its own --force)."""

from __future__ import annotations

from ..core.storage import ReadOnlyError


def read_only_advice(exc: ReadOnlyError, save: bool = False) -> str:
    """A file the writer refused (read-only, or hard-linked): the window's choices. ``save``: a
    Save of the open entry (which asks "Save anyway?" and has Save As…)."""
    if exc.reason == "hard-links":
        if save:
            return (
                "Save again and answer Save anyway to write it in place (every name sees the "
                "change), or use File ▸ Save As… to save a copy under another name."
            )
        return "Remove its other names (hard links), or replace it with a copy of its own, and try again."
    if save:
        return (
            "Make the file writable (its permissions) and save again, or use File ▸ Save As… "
            "to save a copy under another name."
        )
    return "Make the file writable (its permissions) and try again."


def error_text(exc: BaseException, save: bool = False) -> str:
    """``path:line:column: message``, and what the writer can do when the file was refused."""
    text = str(exc)
    if isinstance(exc, ReadOnlyError):
        text += "\n\n" + read_only_advice(exc, save)
    return text
