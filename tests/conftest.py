"""Shared fixtures: where the shared corpus is (read in place, never copied)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QTEDITOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "quicktakes"


def missing_corpus() -> NoReturn:
    """Fail the calling test (never skip it) when the shared corpus is not there. Every helper
    below is called from inside tests, never at import time, so a missing ../shared fails only
    the tests that need it and the rest of the suite still runs."""
    pytest.fail(
        f"../shared/corpus not found ({CORPUS} has no entries; set QTEDITOR_SHARED to the "
        "folder that holds corpus/quicktakes)",
        pytrace=False,
    )


@functools.cache
def _corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(CORPUS.glob("*/*.md")))


def corpus_files() -> list[Path]:
    files = _corpus_files()
    if not files:  # a missing corpus must fail the tests that read it, never skip them
        missing_corpus()
    return list(files)


def corpus_dir() -> Path:
    """The corpus folder, for tests that hand it to the code whole (fails when it is missing)."""
    corpus_files()
    return CORPUS


def corpus_sample(step: int) -> list[Path]:
    return corpus_files()[::step]


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    return corpus_files()


def by_reason(reason: str) -> list[Path]:
    """Corpus files selected for a MANIFEST reason (e.g. 'no-index', 'title-with-colon-or-hash')."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        missing_corpus()
    out = []
    for line in (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if reason in cols[-1].split(","):
            out.append(CORPUS / cols[0])
    return out
