"""Maths rendering time on hostile answers, beside a typical corpus answer with formulas.

    .venv/bin/python bench/maths.py

Each case is rendered once with an empty formula cache (the first render is the slow one).
Before issue 11 an unclosed $$ over 16,000 lines took 34.6 s and 10,000 \\frac{1}{2} 50.9 s;
now a formula over the size budget shows as source and an answer's typesetting stops after its
time budget, so the time grows with the text, not its square.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qteditor.core import render  # noqa: E402
from qteditor.core.entry import Entry  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "quicktakes"


def timed(text: str) -> tuple[float, int]:
    render.clear_math_cache()
    render.render_markdown.cache_clear()
    start = time.perf_counter()
    html = render.render_markdown(text)
    return time.perf_counter() - start, html.count("math-source")


def main() -> None:
    typical = next(
        a
        for a in (Entry.load(p).fields().get("answer") or "" for p in sorted(CORPUS.glob("*/*.md")))
        if a.count("$") >= 8
    )
    render.math_svg("x", False)  # the typesetter's import is not counted
    cases = [
        ("typical corpus answer with formulas (reference)", typical),
        ("unclosed $$ over 16,000 lines", "$$\n" + "x\n" * 16_000),
        ("unclosed $$ over 100,000 lines", "$$\n" + "x\n" * 100_000),
        ("10,000 \\frac{1}{2} in one formula", "$$" + "\\frac{1}{2}" * 10_000 + "$$"),
        ("2,000 different inline formulas", " ".join(f"$x_{{{i}}}+y$" for i in range(2_000))),
        ("300 formulas of 2,900 characters", "\n\n".join(f"$${'x+' * 1_450}{i}$$" for i in range(300))),
    ]
    print(
        f"budgets: {render.MAX_FORMULA_CHARS:,} characters a formula, "
        f"{render.MATH_SECONDS:g} s of typesetting an answer"
    )
    for label, text in cases:
        seconds, source = timed(text)
        print(f"{label}: {len(text):,} characters, {seconds:.2f} s, {source:,} formula(s) shown as source")


if __name__ == "__main__":
    main()
