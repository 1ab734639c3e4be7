"""The benchmark collection behaves like the real site: qteditor's own checks find the real
defect rates (scaled), the link graph has the real shape, and every file is in the site's
exact layout (it parses, and a no-op save writes the same bytes)."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bench import make_collection as mc
from qteditor.core.checks import check
from qteditor.core.collection import Collection
from qteditor.core.entry import Entry
from qteditor.core.related import related_items

N = 2_400


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("made") / "site"
    mc.make(N, out, seed=7)
    return out


@pytest.fixture(scope="module")
def found(made, tmp_path_factory) -> tuple[dict, list]:
    col = Collection(made, tmp_path_factory.mktemp("cache"))
    try:
        col.refresh(text=False)
        records = col.records(full=True, answers=True)
    finally:
        col.close()
    files = defaultdict(set)
    for p in check(records):
        files[p.rule].add(p.path)
    return files, records


def close(got: float, want: float, rel: float, at_least: float = 1) -> bool:
    return abs(got - want) <= max(at_least, rel * want)


def test_checks_find_the_real_defect_rates_scaled(found):
    files, records = found
    assert len(records) == N
    for rule, real in mc.REAL_RULES.items():
        want = real * N / mc.REAL_N
        assert close(len(files[rule]), want, 0.05, at_least=1.5), (rule, len(files[rule]), want)
    # nothing else: the derived fields follow the site's rules in every file
    assert set(files) == set(mc.REAL_RULES), set(files) - set(mc.REAL_RULES)


def test_the_link_graph_has_the_real_shape(found):
    _files, records = found
    by_url = {r.fields["url"]: r for r in records}
    per_entry = Counter()
    links = resolved = cross = 0
    inbound = Counter()
    for r in records:
        items = list(related_items(r.fields))
        per_entry[len(items)] += 1
        folder = r.path.split("/")[0]
        for _key, rel in items:
            links += 1
            target = by_url.get(rel["url"])
            if target is None:
                continue
            resolved += 1
            cross += target.path.split("/")[0] != folder
            if target is not r:
                inbound[target.path] += 1
    real_counts = {0: 9_697, 1: 1_937, 2: 2_670, 3: 3_424, 4: 5_351, 5: 12_836}
    for count, real in real_counts.items():
        assert close(per_entry[count], real * N / mc.REAL_N, 0.03), (count, per_entry[count])
    assert close(links, mc.REAL_LINKS * N / mc.REAL_N, 0.02)
    assert 0.995 <= resolved / links <= 0.999
    assert 0.335 <= cross / resolved <= 0.375
    assert close(len(inbound), mc.REAL_WITH_INBOUND * N / mc.REAL_N, 0.04)
    counts = list(inbound.values())
    assert sum(1 <= c <= 6 for c in counts) >= 0.7 * len(counts)  # most have 1-6
    assert 15 <= max(counts) <= 98  # skewed: a few entries are linked from far more


def test_questions_copied_into_other_folders_share_their_name(found):
    files, records = found
    names = Counter(r.path.split("/")[1] for r in records)
    shared = {n: c for n, c in names.items() if c > 1}
    assert close(len(shared), 2_611 * N / mc.REAL_N, 0.05)
    assert close(sum(shared.values()), 5_316 * N / mc.REAL_N, 0.05)
    by_id = defaultdict(list)
    for r in records:
        by_id[r.fields["id"]].append(r)
    groups = [g for g in by_id.values() if len(g) > 1]
    assert close(len(groups), 2_402 * N / mc.REAL_N, 0.05)
    for g in groups:  # the same question in 2-3 subject folders
        assert len({r.path.split("/")[1] for r in g}) == 1 and 2 <= len(g) <= 3
        assert len({r.path.split("/")[0] for r in g}) == len(g)
        assert len({r.fields["answer"] for r in g}) == 1


def test_descriptions_and_casing_variants_look_like_the_site(found):
    _files, records = found
    lengths = sorted(len(r.fields["seo"]["page_description"]) for r in records)
    assert 212 <= statistics.median(lengths) <= 232
    assert 164 <= lengths[len(lengths) // 10] <= 184
    assert 269 <= lengths[len(lengths) * 9 // 10] <= 289
    spellings = defaultdict(Counter)
    for r in records:
        spellings[r.path.split("/")[0]][r.fields["subject"]] += 1
        assert r.fields["seo"]["title"] == "QuickTakes | " + r.fields["subject"]
    assert {f for f, c in spellings.items() if len(c) > 1} >= {"computer-science", "education-studies"}


def test_every_file_is_in_the_site_layout_and_saves_byte_for_byte(made):
    files = sorted((made / "content" / "learn").glob("*/*.md"))
    assert len(files) == N
    styles = Counter()
    blank = no_index = 0
    sizes = []
    related = Counter()
    for path in files:
        raw = path.read_bytes()
        sizes.append(len(raw))
        entry = Entry.load(path)
        rendered = entry.render(entry.fields())
        assert rendered is None or rendered[0] == raw, path
        text = raw.decode("utf-8")
        assert text.endswith("\n---\n\n&nbsp;") and "\r" not in text
        f = entry.data
        assert f["title"] == f["article_title"] == f["question"]
        assert (
            path.name
            == f["file_name"]
            == re.sub(r"[^a-z0-9 ]", "", f["title"].lower()).replace(" ", "-") + ".md"
        )
        assert f["url"] == f"/learn/{path.parent.name}/questions/{path.stem}"
        plain = "\ntitle: >-\n    " not in text
        styles["plain" if plain else "folded"] += 1
        blank += "\n\n---\n\n&nbsp;" in text
        no_index += "\nno_index: True\nanswer: >-\n" in text
        assert re.search(r"\nseo:\n  title: .*\n  page_description: >-\n    \S", text)
        for m in re.finditer(r"\nrelated_article\d:\n    id: -?\d+\n    title: (>-\n {8})?\S", text):
            related[plain, m.group(1) is None] += 1  # (entry title plain, related title plain)
    assert related[False, True] == 0  # a related title is plain only in a plain-titled entry
    assert related[True, True] > 0.9 * (related[True, True] + related[True, False])
    assert close(styles["plain"], 8_136 * N / mc.REAL_N, 0.05)
    assert close(blank, 1_832 * N / mc.REAL_N, 0.25)
    assert 1 <= no_index <= 10
    assert 4_300 <= statistics.median(sizes) <= 4_700 and max(sizes) <= 8_500


def test_the_same_seed_makes_the_same_collection_and_foreign_folders_are_kept(tmp_path):
    a = mc.make(300, tmp_path / "a", seed=3)
    b = mc.make(300, tmp_path / "b", seed=3)
    files_a = sorted(p.relative_to(a) for p in (a / "content").rglob("*.md"))
    assert files_a == sorted(p.relative_to(b) for p in (b / "content").rglob("*.md"))
    assert all((a / p).read_bytes() == (b / p).read_bytes() for p in files_a)
    c = mc.make(300, tmp_path / "c", seed=4)
    assert any(not (c / p).exists() or (c / p).read_bytes() != (a / p).read_bytes() for p in files_a)
    mine = tmp_path / "mine"
    (mine / "notes").mkdir(parents=True)
    (mine / "notes" / "keep.md").write_text("mine")
    with pytest.raises(SystemExit):
        mc.make(300, mine)
    assert (mine / "notes" / "keep.md").read_text() == "mine"
