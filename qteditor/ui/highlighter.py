"""Markdown syntax highlighting for the answer editor, with spelling marks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat

if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument

_IN_FENCE = 1
_IN_MATH = 2
_WORD = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[A-Za-z]")
_NOT_PROSE = re.compile(
    r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)|<[^>]*>|\b(?:https?://|www\.)\S+"
    r"|\\[A-Za-z]+"
)


def _fmt(
    color: QColor | None = None,
    bold: bool = False,
    italic: bool = False,
    mono: bool = False,
    background: QColor | None = None,
) -> QTextCharFormat:
    f = QTextCharFormat()
    if color is not None:
        f.setForeground(color)
    if bold:
        f.setFontWeight(QFont.Weight.Bold)
    if italic:
        f.setFontItalic(True)
    if mono:
        f.setFontFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
    if background is not None:
        f.setBackground(background)
    return f


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, lists, quotes, code, links and $math$; misspelled words underlined."""

    def __init__(self, document: QTextDocument, palette: QPalette | None = None):
        super().__init__(document)
        self.spell: Callable[[str], bool] | None = None  # a callable word -> bool (True when spelled right)
        self.set_palette(palette or QPalette())

    def set_palette(self, palette: QPalette) -> None:
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        accent = QColor("#79c0ff" if dark else "#0550ae")
        muted = QColor("#8b949e" if dark else "#6e7781")
        code_bg = QColor("#2d333b" if dark else "#f3f4f6")
        math = QColor("#d2a8ff" if dark else "#8250df")
        marker = QColor("#d29922" if dark else "#9a6700")
        self.rules = [
            (re.compile(r"^#{1,6}\s.*$"), _fmt(accent, bold=True)),
            (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s"), _fmt(marker, bold=True)),
            (re.compile(r"^\s*>.*$"), _fmt(muted, italic=True)),
            (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), _fmt(bold=True)),
            (
                re.compile(
                    r"(?<![*\w])\*(?=\S)([^*]+?)(?<=\S)\*(?!\*)|(?<![_\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)"
                ),
                _fmt(italic=True),
            ),
            (re.compile(r"~~.+?~~"), _fmt(muted)),
            (re.compile(r"!?\[[^\]]*\]\([^)]*\)|<https?://[^>]+>"), _fmt(accent)),
            (re.compile(r"`[^`]+`"), _fmt(mono=True, background=code_bg)),
            (re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<![\\$])\$(?!\$)[^$]+?(?<!\\)\$"), _fmt(math)),
            (re.compile(r"^\s*(?:---|\*\*\*|___)\s*$"), _fmt(muted)),
        ]
        self.fence = _fmt(mono=True, background=code_bg)
        self.math_block = _fmt(math)
        self.misspelled = QTextCharFormat()
        self.misspelled.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self.misspelled.setUnderlineColor(QColor(Qt.GlobalColor.red))
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        previous = self.previousBlockState()
        stripped = text.strip()
        if previous == _IN_FENCE:
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(-1 if stripped.startswith(("```", "~~~")) else _IN_FENCE)
            return
        if previous == _IN_MATH:
            self.setFormat(0, len(text), self.math_block)
            self.setCurrentBlockState(
                -1 if stripped.startswith("$$") and stripped.strip("$ ") == "" else _IN_MATH
            )
            return
        if stripped.startswith(("```", "~~~")):
            self.setFormat(0, len(text), self.fence)
            self.setCurrentBlockState(_IN_FENCE)
            return
        if stripped.startswith("$$") and "$" not in stripped[2:].strip("$ "):
            self.setFormat(0, len(text), self.math_block)
            self.setCurrentBlockState(
                _IN_MATH if stripped == "$$" or not stripped.endswith("$$") or len(stripped) == 2 else -1
            )
            return
        self.setCurrentBlockState(-1)
        for pattern, fmt in self.rules:
            for m in pattern.finditer(text):
                self.setFormat(m.start(), m.end() - m.start(), fmt)
        if self.spell is not None:
            skip = [(m.start(), m.end()) for m in _NOT_PROSE.finditer(text)]
            for m in _WORD.finditer(text):
                if any(a <= m.start() < b for a, b in skip):
                    continue  # code, math, links and URLs are not spell-checked
                if not self.spell(m.group()):
                    self.setFormat(m.start(), m.end() - m.start(), self._merge(m.start()))

    def _merge(self, pos: int) -> QTextCharFormat:
        fmt = QTextCharFormat(self.format(pos))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        fmt.setUnderlineColor(QColor(Qt.GlobalColor.red))
        return fmt
