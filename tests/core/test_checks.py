"""Checks and fixes: the rules on planted defects and on the shared corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from qteditor.cli import main
from qteditor.core.entry import Entry
from qteditor.core.resources import resource
from tests.conftest import CORPUS, REPO, bare_env, by_reason, corpus_dir


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    return tmp_path / "site", root


def _set(path, **changes):
    entry = Entry.load(path)
    fields = entry.fields()
    for key, value in changes.items():
        holder = fields
        parts = key.split("__")
        for part in parts[:-1]:
            holder = holder[part]
        if value is None:
            del holder[parts[-1]]
        else:
            holder[parts[-1]] = value
    entry.save(fields)


def _check(capsys, *paths):
    code = main(["check", "--json", *map(str, paths)])
    out = json.loads(capsys.readouterr().out)
    return code, out


def test_clean_sample_has_no_errors(site, capsys):
    folder, _ = site
    code, out = _check(capsys, folder)
    assert out["files"] == 6
    assert not [p for p in out["problems"] if p["severity"] == "error"]
    # every warning and note the bundled sample has is one it shows on purpose: the ambiguous
    # line break of the physics entry, and descriptions outside the search engines' window
    found = {(p["path"].split("/")[-2], p["rule"], p["severity"]) for p in out["problems"]}
    assert found == {
        ("physics", "answer-ambiguous-newline", "warning"),
        ("physics", "seo-description-length", "info"),
        ("history", "seo-description-length", "info"),
        ("computer-science", "seo-description-length", "info"),
    }
    assert code == 0


def test_planted_defects_are_found_with_location_and_fix(site, capsys):
    folder, root = site
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    math = root / "mathematics" / "what-is-a-prime-number.md"
    hist = root / "history" / "why-did-the-roman-republic-become-an-empire.md"
    _set(
        chem,
        related_article1__url="/learn/nowhere/questions/gone",
        related_article2__id=1,
        related_article2__title="Old title",
    )
    _set(
        bio,
        id=9002,
        subject="biology",
        seo__title="QuickTakes | Biology",
        related_article1__url="/learn/biology/questions/what-are-the-main-parts-of-a-plant-cell",
    )
    _set(math, file_name="prime.md", question="Something else")
    _set(hist, url="/learn/history/questions/wrong")
    (root / "broken.md").write_bytes(b"---\ntitle: x\n\tid: 1\n---\n")
    code, out = _check(capsys, folder)
    assert code == 1
    got = {(p["path"], p["rule"]) for p in out["problems"]}
    prefix = "content/learn/"
    expected = {
        (prefix + "chemistry/how-do-you-balance-the-equation-for-burning-methane.md", "related-dangling"),
        (prefix + "chemistry/how-do-you-balance-the-equation-for-burning-methane.md", "related-stale-id"),
        (prefix + "chemistry/how-do-you-balance-the-equation-for-burning-methane.md", "related-stale-title"),
        (prefix + "biology/what-are-the-main-parts-of-a-plant-cell.md", "id-duplicate"),
        (prefix + "chemistry/how-do-you-balance-the-equation-for-burning-methane.md", "id-duplicate"),
        (prefix + "biology/what-are-the-main-parts-of-a-plant-cell.md", "related-self"),
        (prefix + "biology/what-are-the-main-parts-of-a-plant-cell.md", "seo-title-mismatch"),
        (prefix + "mathematics/what-is-a-prime-number.md", "file-name-mismatch"),
        (prefix + "mathematics/what-is-a-prime-number.md", "title-mismatch"),
        (prefix + "history/why-did-the-roman-republic-become-an-empire.md", "url-mismatch"),
        (prefix + "broken.md", "yaml-error"),
        (prefix + "physics/what-is-the-difference-between-speed-and-velocity.md", "answer-ambiguous-newline"),
    }
    assert expected <= got, expected - got
    broken = next(p for p in out["problems"] if p["rule"] == "yaml-error")
    assert broken["line"] == 3 and broken["severity"] == "error"
    stale = next(p for p in out["problems"] if p["rule"] == "related-stale-id")
    assert stale["fix"] == {"related_article2": {"id": 9005}} and stale["field"] == "related_article2.id"
    assert stale["line"] == Entry.load(chem).field_lines("related_article2.id")[0]
    for p in out["problems"]:
        assert set(p) == {"path", "line", "field", "rule", "severity", "message", "fix"}


def test_fix_applies_minimal_diffs_and_dry_run_writes_nothing(site, capsys):
    folder, root = site
    chem = root / "chemistry" / "how-do-you-balance-the-equation-for-burning-methane.md"
    _set(chem, related_article2__id=1)
    before = chem.read_bytes()
    assert main(["fix", "--dry-run", str(folder)]) == 0
    diff = capsys.readouterr().out
    assert "-    id: 1\n+    id: 9005\n" in diff and chem.read_bytes() == before
    assert main(["fix", "--rule", "related-stale-id", str(folder)]) == 0
    after = chem.read_bytes()
    changed = [(a, b) for a, b in zip(before.split(b"\n"), after.split(b"\n"), strict=True) if a != b]
    assert changed == [(b"    id: 1", b"    id: 9005")]
    assert main(["fix", "--rule", "no-such-rule", str(folder)]) == 2


def test_subject_casing_fix_moves_seo_title_along(site, capsys):
    folder, root = site
    extra = root / "biology" / "copy.md"
    shutil.copy(root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md", extra)
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    _set(bio, subject="biology", seo__title="QuickTakes | biology")
    _code, out = _check(capsys, folder)
    casing = [p for p in out["problems"] if p["rule"] == "subject-casing"]
    assert len(casing) == 1 and casing[0]["fix"] == {
        "subject": "Biology",
        "seo": {"title": "QuickTakes | Biology"},
    }
    main(["fix", "--rule", "subject-casing", str(folder)])
    assert Entry.load(bio).fields()["subject"] == "Biology"
    assert Entry.load(bio).fields()["seo"]["title"] == "QuickTakes | Biology"


@pytest.mark.parametrize("subject", [42, "Sociology", "Mathematics"])
def test_a_subject_naming_another_folder_than_the_files_is_a_decision_not_a_fix(site, capsys, subject):
    """A file in biology/ whose subject names another folder (a typo, a number, a file in the
    wrong folder): its url and seo.title are reported, with no fix (which of the subject and
    the folder is right is not known), and ``fix`` leaves the file as it is."""
    folder, root = site
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    _set(bio, subject=subject)
    before = bio.read_bytes()
    _code, out = _check(capsys, folder)
    mine = {p["rule"]: p for p in out["problems"] if p["path"].endswith(bio.name)}
    for rule in ("url-mismatch", "seo-title-mismatch"):
        assert mine[rule]["fix"] is None, mine[rule]
        assert "'biology'" in mine[rule]["message"] and "a decision is needed" in mine[rule]["message"]
    assert main(["fix", str(folder)]) == 0
    capsys.readouterr()
    assert bio.read_bytes() == before
    # the same entry with its subject put right again: the url and seo.title have fixes
    _set(bio, subject="Biology", url="/learn/biology/questions/other", seo__title="QuickTakes | x")
    _code, out = _check(capsys, folder)
    mine = {p["rule"]: p for p in out["problems"] if p["path"].endswith(bio.name)}
    url = "/learn/biology/questions/what-are-the-main-parts-of-a-plant-cell"
    assert mine["url-mismatch"]["fix"] == {"url": url}
    assert mine["seo-title-mismatch"]["fix"] == {"seo": {"title": "QuickTakes | Biology"}}


@pytest.mark.parametrize("missing", ["url", "seo__title"])
def test_a_missing_field_following_a_subject_naming_another_folder_gets_no_fix(site, capsys, missing):
    """A missing url or seo.title is required and follows from the subject: while the subject
    names another folder than the file's, the value it would get may be the wrong one, so the
    problem asks for a decision and ``fix`` writes nothing; with the subject right, it is fixed."""
    folder, root = site
    bio = root / "biology" / "what-are-the-main-parts-of-a-plant-cell.md"
    _set(bio, subject="Sociology", **{missing: None})
    before = bio.read_bytes()
    _code, out = _check(capsys, folder)
    key = missing.replace("__", ".")
    mine = [p for p in out["problems"] if p["path"].endswith(bio.name) and p["rule"] == "required-missing"]
    assert [p["field"] for p in mine] == [key], mine
    assert mine[0]["fix"] is None
    assert "'sociology'" in mine[0]["message"] and "a decision is needed" in mine[0]["message"]
    assert main(["fix", str(folder)]) == 0
    capsys.readouterr()
    assert bio.read_bytes() == before
    _set(bio, subject="Biology")
    _code, out = _check(capsys, folder)
    mine = [p for p in out["problems"] if p["path"].endswith(bio.name) and p["rule"] == "required-missing"]
    want = {
        "url": {"url": "/learn/biology/questions/what-are-the-main-parts-of-a-plant-cell"},
        "seo.title": {"seo": {"title": "QuickTakes | Biology"}},
    }[key]
    assert [p["fix"] for p in mine] == [want]


def test_rules_fire_on_the_corpus_where_the_manifest_says(tmp_path):
    env = bare_env(XDG_CACHE_HOME=str(tmp_path), PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "qteditor", "check", "--json", str(corpus_dir())],
        capture_output=True,
        encoding="utf-8",  # what qteditor writes (not the locale's: cp1252 on Windows)
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["files"] == 3000
    by_rule: dict = {}
    for p in out["problems"]:
        by_rule.setdefault(p["rule"], set()).add(p["path"])

    def rel(paths):
        return {p.relative_to(CORPUS).as_posix() for p in paths}

    for reason, rule in (
        ("duplicate-RA-entries", "related-duplicate"),
        ("RA-self-reference", "related-self"),
        ("duplicate-id", "id-duplicate"),
        ("lowercase-subject-variant", "subject-casing"),
    ):
        planted = rel(by_reason(reason))
        assert planted, reason  # the manifest lists such entries (the subset is not vacuous)
        assert planted <= by_rule[rule], (reason, sorted(planted - by_rule[rule])[:5])
    assert "yaml-error" not in by_rule and "url-mismatch" not in by_rule
    assert "file-name-mismatch" not in by_rule and "title-mismatch" not in by_rule


def test_asking_for_some_rules_finds_what_the_full_check_finds_of_them():
    """``check_record(r, ctx, rules)`` skips the rules it was not asked for (the fix planner's
    settling rounds ask for a few): for every subset it reports exactly the full check's
    problems of those rules, on corpus entries and planted defects alike."""
    from qteditor.core.checks import RULES, Draft, build_context, check_record
    from qteditor.core.collection import entry_data
    from qteditor.core.fixes import DEFAULT_RULES, LINK_RULES
    from tests.conftest import corpus_sample

    records = []
    for path in corpus_sample(15):
        data, error, _lines = entry_data(path.read_bytes(), str(path))
        records.append(Draft(f"{path.parent.name}/{path.name}", data))
    planted = []
    for i, r in enumerate(records[:40]):
        if not isinstance(r.data, dict):
            continue
        d = dict(r.data)
        kind = i % 5
        if kind == 0:
            d["subject"] = str(d.get("subject", "")).upper()  # casing, seo.title follows
        elif kind == 1:
            d.pop("title", None)  # required-missing, title-mismatch without a source
        elif kind == 2:
            d["url"] = "/learn/elsewhere/x"  # url-mismatch
        elif kind == 3:
            d["related_article1"] = {"title": "old", "url": d.get("url"), "id": -1}  # self link
        else:
            d["id"] = records[0].data.get("id") if isinstance(records[0].data, dict) else 1
        planted.append(Draft(r.path.replace(".md", "-planted.md"), d))
    everything = records + planted
    ctx = build_context(everything)
    subsets = [{rule} for rule in RULES] + [
        set(DEFAULT_RULES) - set(LINK_RULES),
        set(LINK_RULES),
        {"subject-casing", "seo-title-mismatch"},
    ]
    asked = 0
    for r in everything:
        full = check_record(r, ctx)
        for rules in subsets:
            want = [(p.rule, p.message, p.field, p.fix) for p in full if p.rule in rules]
            got = [
                (p.rule, p.message, p.field, p.fix) for p in check_record(r, ctx, rules) if p.rule in rules
            ]
            assert got == want, (r.path, rules)
            asked += bool(want)
    assert asked > 50  # the subsets did find problems (the comparison is not of empty lists)


def test_fixable_is_the_rules_the_planner_fixes_by_default_or_by_name():
    """One policy for "can this rule be fixed across files": the window's "Fix all" and the
    CLI's notice ask ``checks.fixable``, and it names exactly what ``FixPlanner`` plans."""
    from qteditor.core.checks import REVIEWED, RULES, fixable
    from qteditor.core.fixes import DEFAULT_RULES

    offered = {rule for rule in RULES if fixable(rule)}
    assert offered == set(DEFAULT_RULES) | set(REVIEWED)
    assert fixable("required-missing") and fixable("id-duplicate")
    assert not fixable("field-pattern") and not fixable("yaml-error") and not fixable("no-such-rule")


def test_overlapping_targets_report_each_problem_once(site, capsys):
    """A folder and files inside it (or one file twice) on one command line: every problem is
    reported once, as for the folder alone."""
    folder, root = site
    physics = next((root / "physics").glob("*.md"))
    _code, alone = _check(capsys, folder)
    _code, both = _check(capsys, folder, physics, physics)
    assert both["problems"] == alone["problems"] and alone["problems"]
    _code, one = _check(capsys, physics)
    _code, twice = _check(capsys, physics, physics)
    assert twice["problems"] == one["problems"] and one["problems"]
