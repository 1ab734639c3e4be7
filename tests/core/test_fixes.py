"""Fixes on planted defects: nothing is ever lost, everything is computed from the files as
they are on disk, fixes of one file come together and a second run changes nothing, reviewed
fixes run only when named. (Issue: collections you can trust.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from qteditor.cli import main
from qteditor.core.entry import Entry
from qteditor.core.resources import resource
from qteditor.core.workspace import Workspace
from qteditor.core.yaml import json_safe
from tests.conftest import REPO, needs_symlinks

MATH = "mathematics/what-is-a-prime-number.md"
CHEM = "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"
PHYS = "physics/what-is-the-difference-between-speed-and-velocity.md"
CS = "computer-science/what-does-a-python-list-comprehension-do.md"
BIO = "biology/what-are-the-main-parts-of-a-plant-cell.md"
HIST = "history/why-did-the-roman-republic-become-an-empire.md"


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    return root


def replace(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_bytes().decode("utf-8")
    assert old in text, old
    path.write_bytes(text.replace(old, new, count).encode("utf-8"))


def data(path) -> dict:
    return json_safe(Entry.load(path).data)


def snapshot(root) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def run(*args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(root, capsys) -> dict:
    _code, out, _err = run("check", "--json", root, capsys=capsys)
    return json.loads(out)


def without(d: dict, *dotted: str) -> dict:
    """A copy without some keys (``a.b`` for nested), to compare what else stayed."""
    out = json.loads(json.dumps(d))
    for key in dotted:
        parts = key.split(".")
        holder = out
        for p in parts[:-1]:
            holder = holder.get(p, {})
        holder.pop(parts[-1], None)
    return out


# ---------------------------------------------------------------------------- 1. nothing lost
@pytest.mark.parametrize("how", ["empty", "missing"])
def test_a_linked_entry_without_a_title_loses_nothing(site, capsys, how):
    """Regression: an empty or missing title became {article_title: null, question: null} in
    the entry, and {related_articleN: {title: null}} in every entry linking to it."""
    math = site / MATH
    if how == "empty":
        replace(math, "title: >-\n    What is a prime number?\narticle_title", "title: ''\narticle_title")
    else:
        replace(math, "title: >-\n    What is a prime number?\narticle_title", "article_title")
    # and make the article_title differ from the question, so the right value is unknown
    replace(math, "article_title: >-\n    What is a prime number?", "article_title: >-\n    Primes?")
    before = {rel: data(site / rel) for rel in (MATH, CHEM, PHYS, CS)}
    code, _out, err = run("fix", site, capsys=capsys)
    assert code == 0, err
    after = {rel: data(site / rel) for rel in (MATH, CHEM, PHYS, CS)}
    assert after[MATH] == before[MATH]  # nothing to copy: left as it was
    for rel in (CHEM, PHYS, CS):  # their snapshots keep the title they have
        for key, value in before[rel].items():
            if key.startswith("related_article"):
                assert after[rel][key]["title"] == value["title"], (rel, key)
    assert "need a decision" in err
    problems = check_json(site, capsys)["problems"]
    stale = [
        p
        for p in problems
        if p["rule"] == "related-stale-title"
        and "prime" in p["message"]
        or p["rule"] == "title-mismatch"
        and p["path"] == MATH
    ]
    assert stale and all(p["fix"] is None for p in stale)


def test_when_the_title_is_missing_the_agreeing_fields_give_it(site, capsys):
    math = site / MATH
    replace(math, "title: >-\n    What is a prime number?\narticle_title", "title: ''\narticle_title")
    before = data(math)
    run("fix", "--rule", "title-mismatch", site, capsys=capsys)
    after = data(math)
    assert after["title"] == "What is a prime number?"
    assert without(after, "title") == without(before, "title")


def test_a_target_without_an_id_keeps_the_snapshots_ids(site, capsys):
    math = site / MATH
    replace(math, "\nid: 9006\n", "\n")
    replace(site / CHEM, "    id: 9006\n", "    id: 1234\n")  # stale: but there is nothing to copy
    before = data(site / CHEM)
    run("fix", site, capsys=capsys)
    assert data(site / CHEM) == before
    assert Entry.load(site / CHEM).raw.count(b"    id: 1234\n") == 1
    assert main(["check", "--json", str(site)]) == 1
    stale = [p for p in json.loads(capsys.readouterr().out)["problems"] if p["rule"] == "related-stale-id"]
    said = {p["message"].split(": ", 1)[1] for p in stale}
    assert f"id 1234 but {MATH} has no id (nothing to copy: a decision is needed)" in said
    assert all(m.endswith(f"but {MATH} has no id (nothing to copy: a decision is needed)") for m in said)
    assert all(p["fix"] is None for p in stale)


def test_odd_values_are_never_copied_into_snapshots(site, capsys):
    """A target whose title is only spaces: nothing to copy (a decision), the snapshot stays."""
    replace(
        site / MATH, "title: >-\n    What is a prime number?\narticle_title", "title: '   '\narticle_title"
    )
    before = snapshot(site)
    run("fix", "--rule", "related-stale-title", site, capsys=capsys)
    assert snapshot(site) == before


# ---------------------------------------------------------------------------- 2. from disk
def test_an_edit_with_its_mtime_put_back_is_not_overwritten(site, capsys):
    """Regression: a same-size edit with its mtime put back (cp -p, rsync -t, touch -r) was not
    read again, and fix wrote an old title over a newer question."""
    math = site / MATH
    replace(math, "question: >-\n    What is a prime number?", "question: >-\n    What is a prime numbxr?")
    assert [p for p in check_json(site, capsys)["problems"] if p["rule"] == "title-mismatch"]
    st = math.stat()
    # the writer retitles the entry after its newer question (same size) and the mtime is put
    # back: the index's copy still says title "number", question "numbxr"
    replace(math, "title: >-\n    What is a prime number?", "title: >-\n    What is a prime numbxr?")
    replace(
        math,
        "article_title: >-\n    What is a prime number?",
        "article_title: >-\n    What is a prime numbxr?",
    )
    assert math.stat().st_size == st.st_size
    os.utime(math, ns=(st.st_atime_ns, st.st_mtime_ns))
    run("fix", site, capsys=capsys)
    assert data(math)["question"] == "What is a prime numbxr?"
    assert data(math)["title"] == "What is a prime numbxr?"


def test_a_plan_applied_after_the_file_changed_is_computed_again(site):
    ws = Workspace(site)
    replace(site / CHEM, "    id: 9006\n", "    id: 1\n")
    ws.refresh()
    plan = ws.plan_fix_all({"related-stale-id"})
    assert [c.shown for c in plan.writes] == [CHEM]
    replace(site / CHEM, "author: QuickTakes", "author: Someone Else")  # an edit since the plan
    result = ws.apply(plan)
    assert result.recomputed == [site / CHEM]
    fields = data(site / CHEM)
    assert fields["author"] == "Someone Else" and fields["related_article1"]["id"] == 9006
    ws.close()


# ---------------------------------------------------------------------------- 3. idempotent
def test_crlf_entry_with_a_casing_variant_is_fixed_in_one_run(site, capsys):
    """Regression: subject fixed, seo.title recomputed from the old subject; the second run
    changed seo.title back."""
    shutil.copy(site / BIO, site / "biology" / "copy-one.md")
    shutil.copy(site / BIO, site / "biology" / "copy-two.md")
    bio = site / BIO
    text = bio.read_text().replace("subject: Biology", "subject: biology")
    text = text.replace("QuickTakes | Biology", "QuickTakes | Biolgy")  # wrong already
    bio.write_bytes(text.replace("\n", "\r\n").encode())
    code, _out, err = run("fix", site, capsys=capsys)
    assert code == 0, err
    fields = data(bio)
    assert fields["subject"] == "Biology" and fields["seo"]["title"] == "QuickTakes | Biology"
    assert b"\r\n" in bio.read_bytes() and b"\n" not in bio.read_bytes().replace(b"\r\n", b"")
    fixed = snapshot(site)
    _code, out, err = run("fix", "--dry-run", site, capsys=capsys)
    assert out == "" and "would change 0 files" in err
    run("fix", site, capsys=capsys)
    assert snapshot(site) == fixed


def test_the_whole_loop_on_planted_defects(site, capsys, tmp_path):
    replace(site / CHEM, "    id: 9006\n", "    id: 1\n")
    replace(site / PHYS, "        What is a prime number?", "        What was a prime number?")
    replace(
        site / HIST,
        "url: /learn/history/questions/why-did-the-roman-republic-become-an-empire",
        "url: /learn/history/questions/roman",
    )
    replace(site / MATH, "file_name: what-is-a-prime-number.md", "file_name: prime.md")
    first = check_json(site, capsys)
    fixable = {p["rule"] for p in first["problems"] if p["fix"] is not None}
    assert {"related-stale-id", "related-stale-title", "url-mismatch", "file-name-mismatch"} <= fixable
    _code, patch, _err = run("fix", "--dry-run", site, capsys=capsys)
    (tmp_path / "fix.patch").write_text(patch, encoding="utf-8", newline="")  # as written
    applied = subprocess.run(
        ["git", "apply", "--check", str(tmp_path / "fix.patch")], cwd=site, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr
    run("fix", site, capsys=capsys)
    second = check_json(site, capsys)
    assert not [p for p in second["problems"] if p["fix"] is not None]
    done = snapshot(site)
    run("fix", site, capsys=capsys)
    assert snapshot(site) == done


# ---------------------------------------------------------------------------- 9. a real patch
def test_dry_run_is_a_patch_git_applies_and_ends_with_a_summary(site, capsys, tmp_path):
    """Regression: an entry without a final newline glued the next file's header onto its
    last line (``&nbsp;--- a/…``)."""
    for rel in (CHEM, PHYS):
        p = site / rel
        assert not p.read_bytes().endswith(b"\n")
    replace(site / CHEM, "    id: 9006\n", "    id: 1\n")
    replace(site / PHYS, "    id: 9006\n", "    id: 2\n")
    replace(site / CHEM, "\n&nbsp;", "\n&nbsp; changed body")  # the last line is in the hunk
    code, patch, err = run("fix", "--dry-run", site, capsys=capsys)
    assert code == 0
    assert "\\ No newline at end of file" not in patch or "&nbsp;---" not in patch
    assert "&nbsp;--- a/" not in patch and "&nbsp; changed body--- a/" not in patch
    (tmp_path / "fix.patch").write_text(patch, encoding="utf-8", newline="")  # as written
    before = snapshot(site)
    proc = subprocess.run(
        ["git", "apply", "--check", str(tmp_path / "fix.patch")], cwd=site, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert snapshot(site) == before  # dry run wrote nothing
    assert "would change 2 files, 2 problems fixed" in err
    code, _out, err = run("fix", site, capsys=capsys)
    assert "changed 2 files, 2 problems fixed" in err


def test_a_patch_with_a_hunk_at_the_end_of_a_file_without_a_final_newline(tmp_path):
    from qteditor.core.plan import unified_diff

    old, new = b"a\nb\nc", b"a\nb\nC"
    diff = unified_diff(old, new, "x.md")
    assert diff.endswith("-c\n\\ No newline at end of file\n+C\n\\ No newline at end of file\n")
    (tmp_path / "x.md").write_bytes(old)
    (tmp_path / "p.diff").write_text(diff, encoding="utf-8", newline="")
    subprocess.run(["git", "apply", "p.diff"], cwd=tmp_path, check=True)
    assert (tmp_path / "x.md").read_bytes() == new


# ---------------------------------------------------------------------------- 10. reviewed
def test_duplicate_ids_are_fixed_only_when_named_and_links_follow(site, capsys):
    replace(site / BIO, "\nid: 9001\n", "\nid: 9006\n")  # the same id as mathematics
    replace(site / BIO, "date: 2025-01-", "date: 2024-01-")  # biology is older: it keeps it
    run("fix", site, capsys=capsys)
    assert data(site / MATH)["id"] == 9006 and data(site / BIO)["id"] == 9006
    code, out, err = run("fix", "--rule", "id-duplicate", "--dry-run", site, capsys=capsys)
    assert "-id: 9006\n+id: 9007\n" in out  # mathematics, the younger one, takes the next id
    run("fix", "--rule", "id-duplicate", site, capsys=capsys)
    assert data(site / BIO)["id"] == 9006 and data(site / MATH)["id"] == 9007
    for rel in (CHEM, PHYS, CS):  # the links to mathematics follow it
        links = [
            v
            for k, v in data(site / rel).items()
            if k.startswith("related_article") and v["url"].endswith("what-is-a-prime-number")
        ]
        assert links and all(v["id"] == 9007 for v in links), rel
    assert not [
        p for p in check_json(site, capsys)["problems"] if p["rule"] in ("id-duplicate", "related-stale-id")
    ]


def test_a_dangling_link_points_at_the_closest_entry_or_goes(site, capsys):
    # moved to another subject folder: the same file name is found there
    replace(
        site / CHEM,
        "/learn/mathematics/questions/what-is-a-prime-number",
        "/learn/maths/questions/what-is-a-prime-number",
    )
    # and one to nothing like any entry: removed, the rest renumbered
    replace(
        site / MATH,
        "url: /learn/computer-science/questions/what-does-a-python-list-comprehension-do",
        "url: /learn/art/questions/baroque-painting-in-flanders",
    )
    before_math = data(site / MATH)
    run("fix", site, capsys=capsys)
    assert data(site / CHEM)["related_article1"]["url"].startswith("/learn/maths/")  # not named
    code, out, err = run("fix", "--rule", "related-dangling", site, capsys=capsys)
    assert code == 0, err
    assert (
        data(site / CHEM)["related_article1"]["url"] == "/learn/mathematics/questions/what-is-a-prime-number"
    )
    math = data(site / MATH)
    assert "related_article2" not in math
    assert math["related_article1"] == before_math["related_article2"]
    assert not [p for p in check_json(site, capsys)["problems"] if p["rule"] == "related-dangling"]


# ---------------------------------------------------------------------------- 5. where
def test_a_subject_folder_is_checked_as_part_of_its_collection(site, capsys):
    """Regression: `check content/learn/physics` reported every link into another subject as
    dangling."""
    out = check_json(site / "physics", capsys)
    assert out["files"] == 1
    assert not [p for p in out["problems"] if p["rule"] == "related-dangling"]
    assert {p["path"] for p in out["problems"]} <= {"what-is-the-difference-between-speed-and-velocity.md"}
    replace(
        site / PHYS,
        "url: /learn/mathematics/questions/what-is-a-prime-number",
        "url: /learn/mathematics/questions/gone",
    )
    out = check_json(site / "physics", capsys)
    assert [p["rule"] for p in out["problems"] if p["rule"] == "related-dangling"] == ["related-dangling"]


def test_a_stray_file_is_checked_alone(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stray = tmp_path / "downloads" / "x" / "entry.md"
    stray.parent.mkdir(parents=True)
    shutil.copy(resource("sample") / "content" / "learn" / MATH, stray)
    for n in range(3):  # neighbours that are not a collection
        (tmp_path / "downloads" / f"other{n}.md").write_text("---\na: 1\n---\n")
    out = check_json(stray, capsys)
    assert out["files"] == 1
    rules = {p["rule"] for p in out["problems"]}
    assert "related-dangling" not in rules and "yaml-error" not in rules
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.sqlite"))


# ---------------------------------------------------------------------------- 7. severities
def test_description_length_is_a_note_and_a_collection_sets_severities(site, capsys):
    replace(site / MATH, "page_description: >-\n    ", "page_description: >-\n    Too short. ")
    probs = check_json(site, capsys)["problems"]
    length = [p for p in probs if p["rule"] == "seo-description-length"]
    assert length and {p["severity"] for p in length} == {"info"}
    code, _out, _err = run("check", site, capsys=capsys)
    assert code == 0  # notes are not errors
    settings = site.parent.parent / ".qteditor"
    settings.mkdir()
    (settings / "config.yaml").write_text(
        "rules:\n  seo-description-length: error\n  answer-ambiguous-newline: off\n"
    )
    probs = check_json(site, capsys)["problems"]
    assert {p["severity"] for p in probs if p["rule"] == "seo-description-length"} == {"error"}
    assert not [p for p in probs if p["rule"] == "answer-ambiguous-newline"]
    assert run("check", site, capsys=capsys)[0] == 1
    (settings / "config.yaml").write_text("rules:\n  seo-description-length: loud\n")
    code, _out, err = run("check", site, capsys=capsys)
    assert code == 2 and "config.yaml:2:" in err and "unknown severity" in err


# ---------------------------------------------------------------------------- 8. conventions
def test_a_collection_named_the_python_slugify_way_has_no_false_mismatches(tmp_path, capsys, monkeypatch):
    from slugify import slugify

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "content" / "learn"
    titles = [
        "What's the Big-O of quicksort?",
        "Café au lait: what is it?",
        "Why do cells divide -- and when?",
        "How does A/B testing work?",
    ]
    template = (resource("sample") / "content" / "learn" / HIST).read_text()
    for n, title in enumerate(titles):
        stem = slugify(title)
        text = template.replace("Why did the Roman Republic become an empire?", title)
        text = text.replace("why-did-the-roman-republic-become-an-empire", stem)
        text = text.replace("\nid: 9004\n", f"\nid: {100 + n}\n")
        (root / "history").mkdir(parents=True, exist_ok=True)
        (root / "history" / f"{stem}.md").write_text(text, encoding="utf-8")  # "Café": UTF-8 everywhere
    probs = check_json(root, capsys)["problems"]
    assert not [p for p in probs if p["rule"] == "file-name-mismatch"], probs
    ws = Workspace(root)
    ws.refresh()
    assert ws.slug_rule == "slugify"
    ws.close()


def test_check_reports_what_the_form_warns_about(site, capsys):
    replace(site / MATH, "file_name: what-is-a-prime-number.md", "file_name: What_Is.md")
    probs = [p for p in check_json(site, capsys)["problems"] if p["path"] == MATH]
    assert {"field-pattern", "file-name-mismatch"} <= {p["rule"] for p in probs}
    from qteditor.core.schema import default_schema
    from qteditor.core.validate import validate

    findings = validate(data(site / MATH), default_schema())
    assert [f.rule for f in findings if f.key == "file_name"] == ["field-pattern"]


# ---------------------------------------------------------------------------- 4. processes
def test_check_and_fix_processes_at_once_on_one_cache(site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache2")}
    replace(site / CHEM, "    id: 9006\n", "    id: 1\n")
    exe = [sys.executable, "-m", "qteditor"]
    procs = [
        subprocess.Popen([*exe, *args, str(site)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for args in (["check", "--json"], ["check", "--json"], ["fix"], ["check", "--json"])
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode in (0, 1), err
        assert b"internal error" not in err and b"Traceback" not in err
    assert data(site / CHEM)["related_article1"]["id"] == 9006


def _plan_texts(root) -> list[tuple[str, bytes | None, str | None]]:
    ws = Workspace.for_folder(root)
    ws.refresh()
    plan = ws.plan_fix_all(None)
    return [(c.shown, c.new, c.diff_text) for c in plan.changes]


def test_rendering_on_workers_gives_what_one_process_gives(site, monkeypatch):
    """A plan of many files is rendered on worker processes while the planner still computes
    later files; the result is the same as rendering in this process, and the same again
    when the workers cannot start (they fall back to this process)."""
    from qteditor.core import fixes

    for path in sorted(site.rglob("*.md")):  # every entry gets a fix of its own
        text = path.read_bytes().decode()
        path.write_bytes(text.replace("\nurl: ", "\nurl: /learn/wrong", 1).encode())
    monkeypatch.setattr(fixes, "PARALLEL", 10**9)
    alone = _plan_texts(site)
    assert len(alone) >= 6 and all(new for _s, new, _d in alone)
    monkeypatch.setattr(fixes, "PARALLEL", 1)
    assert _plan_texts(site) == alone  # on workers

    import concurrent.futures

    tried = []

    def refuse(*args, **kwargs):
        tried.append(kwargs.get("max_workers"))
        raise OSError("no processes here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    assert _plan_texts(site) == alone  # workers could not start
    assert tried or (os.cpu_count() or 1) < 2  # (the worker path was taken where it can be)


# ---------------------------------------------------------------------------- symbolic links
@needs_symlinks
def test_a_symlink_to_an_entry_never_renames_its_target(site, capsys, tmp_path):
    """Regression: a symbolic link in the collection (biology/alias.md -> an entry) was fixed
    as an entry of its own name: ``fix`` wrote file_name: alias.md and the alias's url into the
    real entry through the link, every link to the entry followed to the alias, and the next
    ``fix`` put them back (a loop). A link outside the collection was written too."""
    (site / "biology" / "alias.md").symlink_to(os.path.join("..", MATH))
    outside = tmp_path / "outside.md"
    outside.write_bytes((site / CS).read_bytes())
    (site / "biology" / "elsewhere.md").symlink_to(outside)
    replace(site / CHEM, "  title: QuickTakes | Chemistry\n", "  title: QuickTakes | Chem\n")  # a fix
    before = snapshot(site)
    outside_before = outside.read_bytes()
    code, _out, err = run("fix", site, capsys=capsys)
    assert "Traceback" not in err
    after = snapshot(site)
    changed = {rel for rel in before if before[rel] != after[rel]}
    assert changed == {CHEM}, err
    assert outside.read_bytes() == outside_before
    assert (site / "biology" / "alias.md").is_symlink()
    code, _out, err = run("fix", site, capsys=capsys)
    assert snapshot(site) == after, err  # a second run changes nothing


@needs_symlinks
def test_a_symlink_alias_does_not_renumber_the_entry_it_points_at(site, capsys):
    """An alias shares its target's id: ``fix --rule id-duplicate`` must not give the real
    entry a new id because of it (the alias sorted first and kept the id)."""
    (site / "biology" / "alias.md").symlink_to(os.path.join("..", MATH))
    before = snapshot(site)
    run("fix", "--rule", "id-duplicate", site, capsys=capsys)
    assert snapshot(site) == before


# ---------------------------------------------------------------------------- typed snapshots
@pytest.mark.parametrize("ident", ["abc", "12.5", "'777'", "true"])
def test_a_target_whose_id_is_not_a_number_is_not_copied_and_blocks_nothing(site, capsys, ident):
    """Regression: an entry with ``id: abc`` made related-stale-id offer to copy 'abc' into
    every entry linking to it; the writer refused it, so each of those files failed as a whole
    (its other fixes too) on every run, with an error at 1:1 naming no culprit."""
    replace(site / MATH, "\nid: 9006\n", f"\nid: {ident}\n")
    # CHEM links to MATH, and has a fix of its own to make
    replace(site / CHEM, "  title: QuickTakes | Chemistry\n", "  title: QuickTakes | Chem\n")
    before = data(site / CHEM)
    code, _out, err = run("fix", site, capsys=capsys)
    assert code == 0, err
    after = data(site / CHEM)
    assert after["seo"]["title"] == "QuickTakes | Chemistry"
    assert after["related_article1"]["id"] == before["related_article1"]["id"] == 9006
    stale = [p for p in check_json(site, capsys)["problems"] if p["rule"] == "related-stale-id"]
    assert stale and all(p["fix"] is None and "decision" in p["message"] for p in stale)


def test_files_rendered_in_this_process_leave_no_cycles_while_the_collector_is_held_off(site):
    # fix holds the cyclic collector off (bulk.gc_paused): a full YAML parse leaves reference
    # cycles, some 250 objects a file, that only it frees (a fix of 12,000 entries on one core
    # peaked at 272 MB, not 191 MB)
    import gc

    from qteditor.core.bulk import gc_paused
    from qteditor.core.fixes import _render_all
    from qteditor.core.schema import schema_for

    schema = schema_for(site / "entry.md")
    items = [
        (str(p), p.read_bytes(), {"keywords": "one, two"}, p.name)
        for p in sorted(site.rglob("*.md"))
        if p.name != "entry.md"
    ]
    gc.collect()
    with gc_paused():
        rendered = _render_all(items * 4, schema)  # (in this process: fewer than fixes.PARALLEL)
        left = gc.collect()
    assert len(items) > 5 and all(error is None and new for new, error, _diff in rendered)
    assert left < 200, f"{left} objects in cycles after {len(rendered)} files"
