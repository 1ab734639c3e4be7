"""The editor's whole loop on a collection that behaves like the real site (the benchmark's
generator, smaller), each step its own qteditor process as a script or git would run it:
check → fix --dry-run | git apply --check → fix → check → fix, then an edit and a check while a
second process checks the same cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import make_collection as mc
from tests.conftest import REPO

N = 900


def qte(*args, env, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qteditor", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",  # what qteditor writes (not the locale's: cp1252 on Windows)
        timeout=600,
    )


def rules(proc: subprocess.CompletedProcess) -> Counter:
    assert proc.returncode in (0, 1), proc.stderr  # 1: errors found, never a crash
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    return Counter(p["rule"] for p in json.loads(proc.stdout)["problems"])


def tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("loop") / "site"
    mc.make(N, out, seed=11)
    env = dict(
        os.environ,
        XDG_CACHE_HOME=str(out.parent / "cache"),
        XDG_DATA_HOME=str(out.parent / "data"),
        PYTHONPATH=str(REPO),
    )
    return out, env


def test_the_loop_fixes_what_it_can_loses_nothing_and_a_second_fix_changes_nothing(made, tmp_path):
    site, env = made
    first = rules(qte("check", "--json", site, env=env))
    fixable = {
        "related-duplicate",
        "subject-casing",
        "related-stale-id",
        "related-stale-title",
        "related-self",
    }
    assert fixable & set(first), first  # the generator planted them
    dry = qte("fix", "--dry-run", site, env=env)
    assert dry.returncode == 0, dry.stderr
    assert "would change" in dry.stderr  # the summary
    patch = tmp_path / "fix.patch"
    patch.write_text(dry.stdout, encoding="utf-8", newline="")  # as written (no CRLF on Windows)
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    check = subprocess.run(["git", "apply", "--check", str(patch)], cwd=site, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    # the patch, applied by git to a copy, gives exactly the files fix writes
    copy = tmp_path / "copy"
    shutil.copytree(site, copy, symlinks=True)
    subprocess.run(["git", "apply", str(patch)], cwd=copy, check=True)
    before = tree(site)
    fixed = qte("fix", site, env=env)
    assert fixed.returncode == 0, fixed.stderr
    after = tree(site)
    assert after == tree(copy)
    assert after != before and set(after) == set(before)  # nothing deleted or added
    second = rules(qte("check", "--json", site, env=env))
    assert not fixable & set(second), second
    for rule in set(first) - fixable - {"file-name-mismatch", "url-mismatch"}:
        assert second[rule] <= first[rule], rule  # what needs a decision is still reported
    assert second["id-duplicate"] == first["id-duplicate"] > 0
    again = qte("fix", site, env=env)
    assert again.returncode == 0 and tree(site) == after  # idempotent


def test_an_edit_then_two_checks_at_once_on_one_cache(made):
    site, env = made
    rules(qte("check", "--json", site, env=env))  # the cache exists
    entry = next(site.rglob("*.md"))
    edit = qte("set", entry, "author=Someone Else", env=env)
    assert edit.returncode == 0, edit.stderr
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "qteditor", "check", "--json", str(site)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
        )
        for _ in range(2)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        results.append(rules(subprocess.CompletedProcess(p.args, p.returncode, out, err)))
    assert results[0] == results[1]
    show = qte("show", "--json", entry, env=env)
    assert json.loads(show.stdout)["fields"]["author"] == "Someone Else"
