"""Entry: one front-matter file, loaded once, edited as plain fields, saved with minimal diffs.

entry = Entry.load(path)
fields = entry.fields()          # typed data; the answer with real line breaks
fields["title"] = "…"
entry.save(fields)               # only the title's lines change on disk
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import codec
from .document import Document, split
from .errors import FormatError, QtEditorError, SaveError
from .schema import Schema, default_schema, schema_for
from .storage import MAX_READ_BYTES, digest, read_file, update, write_atomic
from .yaml import same, scan, unshare

if TYPE_CHECKING:
    from .yaml import Parsed

MAX_FILE_BYTES = MAX_READ_BYTES  # what an entry file may hold, at most


class UnstorableText(SaveError):
    """A codec field's text that its convention cannot store (a literal ``\\n`` in the
    site's escaped convention). ``field`` names it; ``spot`` is (line, column) in the text."""

    def __init__(self, message: str, path: str | None, line: int, field: str, spot: tuple[int, int]):
        super().__init__(message, path, line)
        self.field = field
        self.spot = spot


class Entry:
    """A loaded entry. ``fields()`` is what editors edit; ``render``/``save`` write it back.

    ``parsed`` None: the front matter was read by the scanner (``data``, what the full parser
    gives for it), and the full parse (the span tree, ruamel.yaml) waits for its first need: a
    save, a field's lines, a merge. The window's first frame needs none of them."""

    def __init__(
        self,
        path: str | None,
        raw: bytes,
        doc: Document,
        parsed: Parsed | None,
        schema: Schema | None = None,
        data: Any = None,
    ):
        self.path = path
        self.raw = raw
        self.digest = digest(raw)
        self.doc = doc
        self._parsed = parsed
        self._data = parsed.data if parsed is not None else data
        self.schema = schema or default_schema()
        self.conventions: dict[str, str] = {}
        data = self._data if isinstance(self._data, dict) else {}
        for key, kind in self.schema.codec_fields().items():
            if kind == "escaped-newlines":
                stored = data.get(key)
                self.conventions[key] = codec.detect(stored) if isinstance(stored, str) else codec.ESCAPED

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | Path, schema: Schema | None = None) -> Entry:
        path = str(path)
        # a regular file only (checked once open: a FIFO or /dev/zero is never read), at most
        # MAX_FILE_BYTES, counted as read (st_size says 0 for both)
        raw = read_file(path, MAX_FILE_BYTES)
        return cls.from_bytes(raw, path, schema or schema_for(path))

    @classmethod
    def from_bytes(
        cls, raw: bytes, path: str | None = None, schema: Schema | None = None, writing: bool = False
    ) -> Entry:
        """An entry of these bytes. ``writing``: it is read to be written (a fix, a plan's
        recompute, ``update``), so the full parse is made at once (the scanner's reading
        first would be work done twice: read, parse and compare)."""
        doc = split(raw, path)
        data = None if writing else scan(doc.yaml)  # the common shape: no full parse yet
        if data is not None:
            return cls(path, raw, doc, None, schema, data)
        from .yaml import parse

        return cls(path, raw, doc, parse(doc.yaml, path, doc.yaml_first_line), schema)

    def copy(self, path: str | None) -> Entry:
        """The same bytes as an entry of another path (None: not saved yet); the parse is
        shared, or still to come."""
        return Entry(path, self.raw, self.doc, self._parsed, self.schema, self._data)

    # ------------------------------------------------------------------ reading
    @property
    def parsed(self) -> Parsed:
        """The full parse of the front matter (span tree and data), made on first use when the
        scanner read the file. Refuses (FormatError) the file if the two readers disagree, so
        that nothing is ever written from data the parser would not have read."""
        if self._parsed is None:
            from .yaml import parse

            parsed = parse(self.doc.yaml, self.path, self.doc.yaml_first_line)
            if not same(parsed.data, self._data):
                raise FormatError(
                    "the front matter reads differently to the fast reader and the parser "
                    "(a bug in qteditor: please report it with this file); nothing was written",
                    self.path,
                    self.doc.yaml_first_line,
                )
            self._parsed = parsed
        return self._parsed

    @property
    def parsed_now(self) -> bool:
        """Whether the full parse has been made (the scanner alone read the file so far)."""
        return self._parsed is not None

    @property
    def data(self) -> Any:
        """The stored front matter as plain typed data (answer as stored)."""
        return self._data

    @property
    def body(self) -> str:
        return self.doc.body

    def fields(self) -> Any:
        """An independent copy of the front matter for editing, codec fields decoded."""
        fields = unshare(self._data)
        if isinstance(fields, dict):
            for key, conv in self.conventions.items():
                if isinstance(fields.get(key), str):
                    fields[key] = codec.decode(fields[key], conv)
        return fields

    def ambiguities(self) -> dict[str, list[codec.Ambiguity]]:
        data = self._data if isinstance(self._data, dict) else {}
        out = {}
        for key, conv in self.conventions.items():
            if isinstance(data.get(key), str):
                spots = codec.ambiguities(data[key], conv)
                if spots:
                    out[key] = spots
        return out

    def field_lines(self, path: str | tuple) -> tuple[int, int] | None:
        """1-based first and last file line of a field (key and value), or None if absent."""
        if isinstance(path, str):
            path = tuple(path.split("."))
        from .yaml import pair_span

        span = pair_span(self.doc.yaml, self.parsed, path)
        if span is None:
            return None
        first = self.doc.yaml_first_line
        return span[0] + first, span[1] + first

    def field_position(self, path: str | tuple) -> tuple[int, int] | None:
        """1-based line and column of a field's key in the file; for a key the file does not
        have, of its closest enclosing key that it has; None when none of them is there."""
        if isinstance(path, str):
            path = tuple(path.split("."))
        path = tuple(path)
        while path:
            try:
                lines = self.field_lines(path)
            except (KeyError, TypeError, ValueError, IndexError):  # a path through a list
                lines = None
            if lines is not None:
                text = self.raw.split(b"\n")[lines[0] - 1].decode("utf-8", "replace")
                indent = len(text) - len(text.lstrip(" "))
                at = text.find(str(path[-1]), indent)
                return lines[0], (at if at >= 0 else indent) + 1
            path = path[:-1]
        return None

    # ------------------------------------------------------------------ writing
    def encode(self, fields: Any) -> Any:
        """Stored data for editor fields: codec fields back in their own convention. Refuses
        (UnstorableText) text the convention cannot store so that it reads back the same."""
        data = unshare(fields)
        if isinstance(data, dict):
            for key, conv in self.conventions.items():
                if isinstance(data.get(key), str):
                    spot = codec.unstorable(data[key], conv)
                    if spot is not None:
                        lines = self.field_lines(key)
                        raise UnstorableText(
                            f"{key}: the text contains the characters \\n at line {spot[0]}, "
                            f"column {spot[1]}, which the site reads as a line break; it cannot "
                            "be stored so that it reads back as written (change those two "
                            "characters); the file was not changed",
                            self.path,
                            lines[0] if lines else 1,
                            field=key,
                            spot=spot,
                        )
                    data[key] = codec.encode(data[key], conv)
        return data

    def render(
        self, fields: Any, body: str | None = None, need_parsed: bool = True
    ) -> tuple[bytes, Document, Parsed | None] | None:
        """The file's new bytes for these fields (and body), or None when nothing changed.
        Without ``need_parsed`` the new parse may be left out (None): bytes for a plan."""
        from .yaml import Writer  # the writer loads on the first save, not at start-up

        new_data = self.encode(fields)
        if isinstance(new_data, dict) and isinstance(self._data, dict):
            new_data = self._place_new_keys(self._data, new_data)
        writer = Writer(
            self.doc.yaml,
            self.parsed,
            self.doc.newline,
            self.path,
            self.doc.yaml_first_line,
            self.schema.yaml_hint,
        )
        result = writer.write(self.parsed.data, new_data, need_parsed)
        if result is not None:
            self._check_conventions(fields, result[1].data if result[1] is not None else new_data)
        parsed: Parsed | None
        doc, parsed = self.doc, self._parsed
        if result is not None:
            doc = doc.with_yaml(result[0])
            parsed = result[1]
        if body is not None and body != doc.body:
            doc = doc.with_body(body)
        if doc is self.doc:
            return None
        return doc.to_bytes(), doc, parsed

    def _check_conventions(self, fields: Any, stored: Any) -> None:
        """A field stored with real line breaks must not read back as the \\n convention."""
        if not isinstance(fields, dict) or not isinstance(stored, dict):
            return
        for key, conv in self.conventions.items():
            value = stored.get(key)
            if (
                conv == codec.REAL
                and isinstance(value, str)
                and codec.detect(value) != conv
                and codec.decode(value, codec.detect(value)) != fields.get(key)
            ):
                raise SaveError(
                    f"{key} has no line break but contains the characters \\n, which would "
                    "read back as line breaks; add a line break or change the text",
                    self.path,
                    (self.field_lines(key) or (1,))[0],
                )

    def _place_new_keys(self, old: dict, new: dict) -> dict:
        """Put added keys where the schema orders them (no_index before answer…)."""
        added = [k for k in new if k not in old]
        order = self.schema.order
        if not added or not any(order(k) for k in added):
            return new
        keys = [k for k in new if k in old]
        for key in added:
            pos = order(key)
            if pos is None:
                keys.append(key)
                continue
            before = [i for i, k in enumerate(keys) if (o := order(k)) is not None and o < pos]
            after = [i for i, k in enumerate(keys) if (o := order(k)) is not None and o > pos]
            at = before[-1] + 1 if before else (after[0] if after else len(keys))
            keys.insert(at, key)
        return {k: new[k] for k in keys}

    @classmethod
    def update(
        cls,
        path: str | Path,
        change: Callable[[Entry], Any],
        schema: Schema | None = None,
        force: bool = False,
    ) -> Entry | None:
        """Edit a file as it is at the moment it is written: under the file's lock, load it,
        ask ``change(entry)`` for its new fields (None: no change), write them. Returns the
        entry as written, or None when nothing changed. ``change`` may raise to refuse."""
        path = str(path)
        schema = schema or schema_for(path)
        written: list[Entry] = []

        def compute(current: bytes | None) -> bytes | None:
            if current is None:
                raise FormatError("no such file", path)
            entry = cls.from_bytes(current, path, schema, writing=True)
            fields = change(entry)
            if fields is None:
                return None
            rendered = entry.render(fields)
            if rendered is None:
                return None
            raw, doc, parsed = rendered
            assert parsed is not None  # render was asked for the parse
            written.append(cls(path, raw, doc, parsed, schema))
            return raw

        update(path, compute, force=force)
        return written[0] if written else None

    def save(
        self,
        fields: Any,
        body: str | None = None,
        path: str | None = None,
        check_disk: bool = True,
        force: bool = False,
    ) -> bool:
        """Write the fields; True when bytes were written. A save with no change writes
        nothing. Refuses (SaveError) rather than write a file that reads back differently."""
        target = path or self.path
        if target is None:
            raise QtEditorError("no file name to save to")
        rendered = self.render(fields, body)
        if rendered is None and (path is None or path == self.path):
            return False
        raw, doc, parsed = rendered if rendered is not None else (self.raw, self.doc, self._parsed)
        assert parsed is not None  # render made the parse (and was asked for the new one)
        same_file = path is None or path == self.path
        write_atomic(target, raw, self.digest if (same_file and check_disk) else None, force=force)
        self.path, self.raw, self.doc, self._parsed = target, raw, doc, parsed
        self._data = parsed.data
        self.digest = digest(raw)
        return True


def write_corrected(path: str | Path, text: str, shown: bytes, force: bool = False) -> None:
    """Save the corrected text of a file that could not be read as an entry: only if it now
    reads as one (and back to itself), in the line endings the file had, and only over the
    bytes that were shown (``ConflictError`` when the file changed meanwhile)."""
    path = str(path)
    raw = text.encode("utf-8")
    if b"\r\n" in shown:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    entry = Entry.from_bytes(raw, path)
    if entry.render(entry.fields()) is not None:
        raise FormatError("the text does not read back to itself", path)
    write_atomic(path, raw, digest(shown), force=force)
