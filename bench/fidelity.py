"""Preview fidelity: how many real answers render with the site's block structure.

    .venv/bin/python bench/fidelity.py [--show N]

Renders every corpus answer with the site's own pipeline (shared/tools/site-render, Node) and
with qteditor's renderer, and compares their block structure (nested paragraphs, headings,
lists, items, quotes, code, tables, rules, display math). Target: >= 99.5 %.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qteditor.core import codec
from qteditor.core.entry import Entry
from qteditor.core.render import block_shape, render_markdown
from tests.site_render import site_html

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def compare(files: list[Path]) -> tuple[int, list[tuple[str, tuple, tuple]]]:
    stored = {str(f): Entry.load(f).data["answer"] for f in files}
    theirs = site_html(stored)
    mismatches = []
    for key, answer in stored.items():
        ours = render_markdown(codec.decode(answer, codec.detect(answer)))
        a, b = block_shape(ours), block_shape(theirs[key])
        if a != b:
            mismatches.append((key, a, b))
    return len(stored), mismatches


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args()
    files = sorted((SHARED / "corpus" / "quicktakes").glob("*/*.md"))
    total, bad = compare(files)
    same = total - len(bad)
    print(f"same block structure as the site: {same}/{total} = {100 * same / total:.2f} %")
    for key, ours, theirs in bad[: args.show]:
        print(f"\n{key}")
        for i, (x, y) in enumerate(zip(ours, theirs, strict=False)):
            if x != y:
                print(
                    f"  first difference at block token {i}: ours {ours[i : i + 6]} site {theirs[i : i + 6]}"
                )
                break
        else:
            print(f"  lengths differ: ours {len(ours)} site {len(theirs)}")


if __name__ == "__main__":
    main()
