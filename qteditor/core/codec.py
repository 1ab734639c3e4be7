"""Field codecs. The answer stores line breaks as the two characters ``\\n`` on one line.

Editors see real line breaks; saving writes the field's own convention back, so
decode -> encode reproduces every stored value exactly. The mapping is ambiguous where a
``\\n`` is really part of a LaTeX command (``\\neq``, ``\\nabla``, ``\\nu`` …) or where a
backslash stands right before a line break; those spots are reported, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

ESCAPED = "escaped"  # one physical line, literal \n pairs (the site's convention)
REAL = "real"  # real line breaks in the YAML scalar

_PAIR = re.compile(r"\\n")
_PAIR_WORD = re.compile(r"\\(n[A-Za-z]*)")
_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$(?!\$).+?(?<!\\)\$")

# LaTeX commands that start with "n": after the site's replace they lose their backslash.
LATEX_N_COMMANDS = frozenset(
    """
ne neq nabla nu not neg ni nmid nleq ngeq nless ngtr newline nexists notin natural nearrow
nwarrow napprox ncong nsim nparallel nsubseteq nsupseteq nsubset nsupset nvdash nvDash
nLeftarrow nRightarrow nleftarrow nrightarrow nleftrightarrow nLeftrightarrow normalsize
noindent nonumber nolimits newcommand notag nprec nsucc ntriangleleft ntriangleright
nleqslant ngeqslant nshortmid nshortparallel nsucceq npreceq
""".split()
)


def detect(stored: str) -> str:
    """The convention a stored value uses: real line breaks, or literal ``\\n`` pairs."""
    return REAL if "\n" in stored else ESCAPED


def decode(stored: str, convention: str) -> str:
    return stored.replace("\\n", "\n") if convention == ESCAPED else stored


def encode(text: str, convention: str) -> str:
    return text.replace("\n", "\\n") if convention == ESCAPED else text


def unstorable(text: str, convention: str) -> tuple[int, int] | None:
    """Where editor text cannot be stored in ``convention`` so that it reads back exactly: in
    the escaped one, the two characters backslash and ``n`` (they would read back as a line
    break, as the site shows them). 1-based line and column in the text, or None."""
    if convention != ESCAPED:
        return None
    at = text.find("\\n")
    if at < 0:
        return None
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


@dataclass(frozen=True)
class Ambiguity:
    """A spot where the stored ``\\n`` may not mean a line break. Offsets index the decoded
    text; line and column are 1-based in it."""

    offset: int
    line: int
    column: int
    kind: str  # "latex-command" | "backslash-before-break"
    word: str
    message: str


# what an ambiguous spot needs: a backslash right before a \n, or a \n that begins one of
# the LaTeX words (most answers have neither: one search, and they are done)
_CANDIDATE = re.compile(
    r"\\\\n|\\(?:" + "|".join(sorted(LATEX_N_COMMANDS, key=len, reverse=True)) + r")(?![A-Za-z])"
)


def ambiguities(stored: str, convention: str = ESCAPED) -> list[Ambiguity]:
    """The ambiguous ``\\n`` spots of a stored value (none when breaks are real)."""
    if convention != ESCAPED or "\\n" not in stored or _CANDIDATE.search(stored) is None:
        return []
    math: list[tuple[int, int]] | None = None  # the math spans, found when first needed
    starts: list[int] = []
    out: list[Ambiguity] = []
    line, line_start = 1, 0
    # pairs: the \n pairs before the current one; each shortens the decoded text by one
    for pairs, m in enumerate(_PAIR.finditer(stored)):
        p = m.start()
        decoded = p - pairs
        kind = word = message = ""
        if p > 0 and stored[p - 1] == "\\":
            kind, word = "backslash-before-break", "\\"
            message = (
                "a backslash stands right before this line break: the site shows a "
                "break here; a LaTeX '\\\\' or a literal '\\n' was perhaps meant"
            )
        else:
            w = _PAIR_WORD.match(stored, p)
            word = w.group(1) if w else "n"
            if word in LATEX_N_COMMANDS:
                if math is None:  # spans in order, never overlapping: found once, bisected
                    math = [(m.start(), m.end()) for m in _MATH.finditer(stored)]
                    starts = [a for a, _b in math]
                i = bisect_right(starts, p) - 1  # the last span starting at or before p
                in_math = i >= 0 and p < math[i][1]
            else:
                in_math = False
            if in_math:
                kind = "latex-command"
                message = (
                    f"'\\{word}' looks like a LaTeX command, but the site turns its "
                    f"'\\n' into a line break followed by '{word[1:]}'"
                )
        if kind:
            out.append(Ambiguity(decoded, line, decoded - line_start + 1, kind, word, message))
        line += 1
        line_start = decoded + 1
    return out


def text_ambiguities(text: str, convention: str | None) -> list[Ambiguity]:
    """The ambiguous spots of editor text (real line breaks) once stored in ``convention``: the
    one policy of the editor's marks and the session's. None (the file's Markdown body, a field
    without a codec) and the real-line-break convention have none."""
    if convention is None:
        return []
    return ambiguities(encode(text, convention), convention)
