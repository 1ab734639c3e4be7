"""Typed errors of the core. Each carries the file and a 1-based line and column."""

from __future__ import annotations


class QtEditorError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, message: str, path: str | None = None, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def located(self, path: str | None) -> QtEditorError:
        """Return self with the path set (when the core did not know it)."""
        if self.path is None:
            self.path = path
        return self

    def __str__(self) -> str:
        where = self.path if self.path is not None else "<input>"
        return f"{where}:{self.line}:{self.column}: {self.message}"


class FormatError(QtEditorError):
    """The file cannot be read as a front-matter entry (encoding, YAML syntax, layout)."""


class SaveError(QtEditorError):
    """The intended data cannot be written so that it loads back the same."""


class PatchError(QtEditorError):
    """A requested change does not fit the entry (wrong type, path through a scalar).
    ``field`` is the dotted key path it is about, so that it can be located in the file."""

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int = 1,
        column: int = 1,
        field: tuple | None = None,
    ):
        super().__init__(message, path, line, column)
        self.field = field
