"""Shared fixtures: where the shared corpus is (read in place, never copied); the platform
marks (CONTRIBUTING.md, "Platform marks": when to use which)."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QTEDITOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "quicktakes"


# ---------------------------------------------------------------------------- platform marks
# Each takes the reason: what the test needs that the other systems lack. The suite runs on
# Linux, Windows and macOS (.github/workflows/ci.yml); on Linux none of them skips anything.
def posix_only(why: str) -> pytest.MarkDecorator:
    """Skip on Windows: the test needs a POSIX behaviour Windows lacks (FIFOs, permission bits,
    signals, fcntl), that Linux and macOS share."""
    return pytest.mark.skipif(sys.platform == "win32", reason=f"POSIX only: {why}")


def linux_only(why: str) -> pytest.MarkDecorator:
    """Skip everywhere but Linux: the test needs Linux itself (dpkg and the .deb, GNU time,
    /proc, XDG settings files)."""
    return pytest.mark.skipif(not sys.platform.startswith("linux"), reason=f"Linux only: {why}")


def _can_symlink() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        try:
            os.symlink(os.path.join(folder, "target"), os.path.join(folder, "link"))
        except (OSError, NotImplementedError):
            return False
    return True


# Windows creates symbolic links only with a privilege (an administrator, or developer mode)
needs_symlinks = pytest.mark.skipif(
    not _can_symlink(), reason="symbolic links cannot be created here (Windows without the privilege)"
)


def bare_env(**extra: str) -> dict[str, str]:
    """A nearly empty environment for a child process (nothing of this one's PATH or venv):
    PATH of the system's own programs and, on Windows, the variables every process needs there
    (SYSTEMROOT: sockets, random numbers, DLLs; the profile folder: the home folder)."""
    if sys.platform == "win32":
        keep = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "USERPROFILE", "HOMEDRIVE", "HOMEPATH", "TEMP", "TMP")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env["PATH"] = os.pathsep.join((os.path.join(root, "System32"), root))
    else:
        env = {"PATH": "/usr/bin:/bin"}
    env.update(extra)
    return env


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


def rare_files(fewer_than: int) -> set[Path]:
    """Corpus files selected for a MANIFEST reason fewer than ``fewer_than`` files share (the
    longest answer, the smallest file, a self-reference…): what a sample must never leave out."""
    if not (CORPUS / "MANIFEST.tsv").is_file():
        missing_corpus()
    lines = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    rows = [line.split("\t") for line in lines]
    counts: dict[str, int] = {}
    for cols in rows:
        for reason in cols[-1].split(","):
            counts[reason] = counts.get(reason, 0) + 1
    return {CORPUS / cols[0] for cols in rows if any(counts[r] < fewer_than for r in cols[-1].split(","))}


@pytest.fixture(autouse=True)
def _as_an_ordinary_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite speaks as the desktop's user, not as root (CI runs as root, who may write any
    file): permission bits refuse a save as they do for a user. Tests of root's case set
    ``storage.superuser`` back."""
    from qteditor.core import storage

    monkeypatch.setattr(storage, "superuser", lambda: False)


@pytest.fixture(autouse=True)
def _untraced(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked ``untraced`` runs with the coverage tracer paused: the whole-corpus runs
    prove behaviour on 3,000 real files and run through code the other tests cover, at a third
    of their speed under the tracer (the suite's time is the house's budget). A test worker may
    measure with two Coverage objects (pytest-cov's and the one its start-up file began): each
    is stopped, as stopping one resumes the one below, and started again in their order."""
    stopped: list = []
    if request.node.get_closest_marker("untraced") is not None:
        try:
            from coverage import Coverage
        except ImportError:
            Coverage = None  # type: ignore[assignment,misc]  # noqa: N806
        while Coverage is not None and (cov := Coverage.current()) is not None and cov not in stopped:
            cov.stop()
            stopped.append(cov)
    try:
        yield
    finally:
        for cov in reversed(stopped):
            cov.start()
