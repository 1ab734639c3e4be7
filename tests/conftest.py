"""Shared fixtures: where the shared corpus is (read in place, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QTEDITOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "quicktakes"


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*/*.md"))
    if not files:  # a missing corpus must fail the suite, never skip it
        raise RuntimeError(f"the shared corpus was not found at {CORPUS} (set QTEDITOR_SHARED)")
    return files


def corpus_sample(step: int) -> list[Path]:
    return corpus_files()[::step]


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    return corpus_files()


def by_reason(reason: str) -> list[Path]:
    """Corpus files selected for a MANIFEST reason (e.g. 'no-index', 'title-with-colon-or-hash')."""
    out = []
    for line in (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if reason in cols[-1].split(","):
            out.append(CORPUS / cols[0])
    return out
