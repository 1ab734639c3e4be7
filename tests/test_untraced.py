"""The suite's own habit: whole-corpus tests marked ``untraced`` run without the coverage
tracer (``tests/conftest.py``), the others under it when the suite measures coverage."""

from __future__ import annotations

import sys

import pytest


def _measuring() -> bool:
    try:
        import coverage
    except ImportError:
        return False
    return coverage.Coverage.current() is not None


# one worker, in this order: the second finds the tracer started again after the first
@pytest.mark.xdist_group("untraced")
@pytest.mark.untraced
def test_an_untraced_test_runs_without_the_tracer() -> None:
    assert sys.gettrace() is None


@pytest.mark.xdist_group("untraced")
def test_the_other_tests_run_under_the_tracer_while_coverage_is_measured() -> None:
    assert (sys.gettrace() is not None) == _measuring()
