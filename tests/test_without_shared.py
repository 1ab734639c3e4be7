"""A missing ../shared fails only the tests that read the corpus: the whole suite still
collects, tests that need no corpus pass, and corpus tests fail (never skip) saying what is
missing."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from tests.conftest import REPO

NO_CORPUS = ["tests/core/test_document.py", "tests/core/test_merge.py"]
MIXED = ["tests/core/test_slugs.py", "tests/core/test_fuzz.py"]  # some tests read the corpus
READ_THE_CORPUS = {
    "tests.core.test_slugs.test_collection_rule_matches_every_real_file_name",
    "tests.core.test_slugs.test_rules_differ_where_the_corpus_says",
    "tests.core.test_slugs.test_the_quick_agreement_test_never_says_agree_when_the_rules_differ",
    "tests.core.test_fuzz.test_mutated_real_entries",
    "tests.core.test_fuzz.test_yaml_syntax_dropped_into_real_entries",
}


def _pytest(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "QTEDITOR_SHARED": str(tmp_path / "no-shared-here"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",
        "QTEDITOR_FUZZ_EXAMPLES": "10",
    }
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:cov", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_whole_suite_collects_without_the_corpus(tmp_path):
    proc = _pytest(tmp_path, "--collect-only", "-q", "tests")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "error" not in proc.stdout.splitlines()[-1], proc.stdout[-3000:]
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    assert any(line.startswith("tests/core/test_corpus_roundtrip.py::") for line in collected)
    assert any(line.startswith("tests/core/test_fuzz.py::") for line in collected)
    assert len(collected) > 300


def test_tests_without_the_corpus_pass_and_corpus_tests_fail_saying_why(tmp_path):
    report = tmp_path / "report.xml"
    proc = _pytest(tmp_path, "-q", f"--junitxml={report}", *NO_CORPUS, *MIXED)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]  # failures, not errors
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        outcomes[f"{case.get('classname')}.{case.get('name')}"] = (
            "passed" if problem is None else problem.tag,
            "" if problem is None else (problem.text or ""),
        )
    modules = [path.removesuffix(".py").replace("/", ".") for path in NO_CORPUS + MIXED]
    for module in modules:
        assert any(name.startswith(module + ".") for name in outcomes), f"{module} did not run"
    assert set(outcomes) >= READ_THE_CORPUS
    for name, (outcome, message) in outcomes.items():
        if name in READ_THE_CORPUS:
            assert outcome == "failure", (name, outcome)
            assert "../shared/corpus not found" in message, (name, message)
        else:
            assert outcome == "passed", (name, outcome, message)
    assert len(outcomes) > len(READ_THE_CORPUS) + 10
