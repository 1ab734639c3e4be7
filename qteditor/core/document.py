"""Bytes of an entry file <-> (opener, front-matter text, closer, body).

Nothing is normalised: a BOM, CRLF or LF, trailing spaces on the fence lines, a missing final
newline and trailing blank lines all come back exactly as they were read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import FormatError, SaveError

_OPENER = re.compile(r"---[ \t]*(\r\n|\n)")
_CLOSER = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r\n|\n|\Z)", re.M)
FIRST_LINE = 2  # the 1-based file line the front matter starts on (after the opening ---)


@dataclass(frozen=True)
class Document:
    """One entry file split into its parts; ``text()`` joins them back byte-for-byte."""

    bom: str
    opener: str
    yaml: str
    closer: str
    body: str

    @property
    def newline(self) -> str:
        """The line break this file uses (for lines the writer adds)."""
        return "\r\n" if self.opener.endswith("\r\n") else "\n"

    @property
    def yaml_first_line(self) -> int:
        """1-based file line of the front matter's first line."""
        return FIRST_LINE

    def with_yaml(self, yaml: str) -> Document:
        return replace(self, yaml=yaml)

    def with_body(self, body: str) -> Document:
        return replace(self, body=body)

    def text(self) -> str:
        return self.bom + self.opener + self.yaml + self.closer + self.body

    def to_bytes(self) -> bytes:
        text = self.text()
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 byte sequence holds it
            line, col = _line_col(text, exc.start)
            raise SaveError(
                f"the text holds {text[exc.start]!r}, which UTF-8 cannot store (a "
                "lone surrogate); the file was not changed",
                None,
                line,
                col,
            ) from None


def _line_col(data: bytes | str, offset: int) -> tuple[int, int]:
    if isinstance(data, bytes):
        return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)
    return data.count("\n", 0, offset) + 1, offset - data.rfind("\n", 0, offset)


def find_closer(text: str, start: int) -> re.Match | None:
    """The first closing line at or after ``start`` (str.find first: a regex scan of every
    position is slow over long answer lines)."""
    pos = start - 1  # the opener's line break: a closer may follow right away
    best = None
    for fence in ("\n---", "\n..."):
        at = text.find(fence, pos)
        while at >= 0:
            m = _CLOSER.match(text, at + 1)
            if m is not None:
                if best is None or m.start() < best.start():
                    best = m
                break
            at = text.find(fence, at + 1)
    return best


def decode(raw: bytes, path: str | None = None) -> str:
    """UTF-8 text of a file, or a FormatError naming where it stops being text."""
    if not raw:
        raise FormatError("the file is empty (an entry starts with a '---' line)", path)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(raw, nul)
        raise FormatError("this is a binary file, not a text entry (NUL byte)", path, line, col)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        bad = raw[exc.start : exc.start + 1].hex()
        raise FormatError(f"the file is not UTF-8 text (byte 0x{bad})", path, line, col) from None


def split(raw: bytes, path: str | None = None) -> Document:
    """Split the bytes of an entry file into its parts."""
    return split_text(decode(raw, path), path)


def split_text(text: str, path: str | None = None) -> Document:
    bom = ""
    if text.startswith("\ufeff"):
        bom, text = "\ufeff", text[1:]
    opener = _OPENER.match(text)
    if opener is None:
        raise FormatError(
            "no front matter: the first line must be '---' (YAML front matter, then '---')",
            path,
        )
    start = opener.end()
    closer = find_closer(text, start)
    if closer is None:
        line = text.count("\n") + 1
        raise FormatError(
            "the front matter is not closed: no '---' line after the opening one", path, line, 1
        )
    return Document(
        bom=bom,
        opener=opener.group(0),
        yaml=text[start : closer.start()],
        closer=closer.group(0),
        body=text[closer.end() :],
    )
