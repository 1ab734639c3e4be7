"""Make an N-entry collection that behaves like the real site, for benchmarks and tests.

    .venv/bin/python bench/make_collection.py N [OUT] [--seed S] [--force]
                                                       (OUT defaults to /tmp/qteditor-N)

The entries are written to OUT/content/learn/<subject-slug>/<file_name>, made from the 3,000 real
corpus entries (their questions, answers, descriptions and keywords, in the site's exact YAML
layout), and reproduce the real collection's figures (../shared/docs/format.md, 35,915 entries)
scaled to N: related-article counts per entry, links resolving 99.7% with 35.5% of them crossing
subject folders, a skewed inbound-link distribution, and the defects per rule (files with a
finding): seo-description-length, related-duplicate, id-duplicate groups (one question copied
into 2-3 subject folders with one id), subject-casing variants, stale snapshot ids and titles,
dangling links, ambiguous answer line breaks, self links; the same file name in two subject
folders. Deterministic for a given N and seed. OUT/bench-plan.json records what was planted
(a folder holding that file is regenerated when N, the seed or this generator's version differ;
any other existing folder is left alone unless --force is given).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QTEDITOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "quicktakes"
PLAN = "bench-plan.json"
VERSION = 3  # of the generator: a folder made by another version is made again

REAL_N = 35_915
# figures of the real collection (format.md): files with a finding, per rule
REAL_RULES = {
    "seo-description-length": 35_082,
    "related-duplicate": 5_385,
    "id-duplicate": 4_876,
    "subject-casing": 2_475,
    "related-stale-id": 1_209,
    "related-dangling": 285,
    "answer-ambiguous-newline": 240,
    "related-stale-title": 84,
    "related-self": 2,
}
REAL_DANGLING_LINKS = 310
REAL_LINKS = 103_133
REAL_WITH_INBOUND = 25_523
REAL_CROSS = 0.355
# id-duplicate groups: 2,402 (2,330 pairs + 72 triples = 4,876 files); with 209 more names
# shared by files with different ids (187 pairs + 22 triples) that makes 2,611 names, 5,316 files
REAL_ID_PAIRS, REAL_ID_TRIPLES = 2_330, 72
REAL_NAME_PAIRS, REAL_NAME_TRIPLES = 187, 22
REAL_IN_WINDOW = 833  # descriptions within 150-160 characters
REAL_NO_INDEX = 67
REAL_BLANK_BEFORE_CLOSE = 1_832
REAL_NEGATIVE_IDS = 13  # the college-basketball entries
# (title style, related articles, has score) -> entries: plain titles go with no related
# articles (an older batch), and the related titles take their entry's title style
REAL_SHAPES = {
    ("plain", 0, False): 7_851,
    ("plain", 0, True): 14,
    ("plain", 3, True): 1,
    ("plain", 4, True): 11,
    ("plain", 5, True): 259,
    ("folded", 0, True): 1_832,
    ("folded", 1, True): 1_937,
    ("folded", 2, True): 2_670,
    ("folded", 3, True): 3_423,
    ("folded", 4, True): 5_340,
    ("folded", 5, True): 12_577,
}
INBOUND_SIGMA = 1.15  # the spread of the targets' popularity (lognormal)
INBOUND_CAP = 92  # duplicated slots come on top (max about 98)
# description lengths outside the 150-160 window: (quantile, characters), interpolated
DESCRIPTION_QUANTILES = [
    (0.0, 100),
    (0.01, 125),
    (0.08, 174),
    (0.5, 222),
    (0.9, 279),
    (0.99, 340),
    (1.0, 420),
]

QUALIFIERS = [  # short: each use of a title adds it to ~9 places (title, url, snapshots)
    "today",
    "in brief",
    "in short",
    "in theory",
    "in practice",
    "at school",
    "in class",
    "at work",
    "simply",
    "briefly",
    "for kids",
    "for adults",
    "for teens",
    "in 2025",
    "in 2024",
    "at home",
    "online",
    "overall",
    "in sum",
    "in general",
    "again",
    "now",
    "exactly",
    "mainly",
    "in depth",
    "in detail",
    "by example",
    "in context",
    "in essence",
    "in summary",
    "at first",
    "in full",
    "in part",
    "by design",
    "for exams",
    "for tests",
    "for labs",
    "on paper",
    "in reality",
    "in effect",
]

_NOT_SLUG = re.compile(r"[^a-z0-9 ]")
_PLAIN_OK = re.compile(r"[A-Za-z0-9(][^\t\n]*\Z")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def file_slug(title: str) -> str:
    """The collection's slug rule (how every real file_name was made)."""
    return _NOT_SLUG.sub("", title.lower()).replace(" ", "-")


def subject_slug(subject: str, _cache: dict = {}) -> str:  # noqa: B006 - a memo on purpose
    if subject not in _cache:
        from slugify import slugify

        _cache[subject] = slugify(subject)
    return _cache[subject]


def plain_ok(text: str) -> bool:
    """Can this title be written as a plain scalar and read back as the same string?"""
    return (
        bool(_PLAIN_OK.match(text))
        and ": " not in text
        and " #" not in text
        and not text.endswith((":", " "))
        and text.lower() not in ("true", "false", "null", "yes", "no")
    )


def scaled(real: int, n: int, at_least: int = 0) -> int:
    return max(at_least, round(real * n / REAL_N)) if real else 0


def allocate(total: int, weights: dict) -> dict:
    """``total`` split in proportion to ``weights`` (largest remainder; sums exactly)."""
    s = sum(weights.values())
    raw = {k: total * w / s for k, w in weights.items()}
    out = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (out[k] - raw[k], str(k)))[: total - sum(out.values())]:
        out[k] += 1
    return out


# ---------------------------------------------------------------------------- templates
@dataclass
class Template:
    path: str
    folder: str
    subject: str
    title: str
    description: str
    keywords: str
    answer: str
    date: str
    ambiguous: bool
    words: list = field(default_factory=list)  # for lengthening a description


def _folded(raw: str, key: str) -> str:
    m = re.search(rf"\n{key}: >-\n {{4}}(.*)\n", raw)
    if m is None:
        raise ValueError(f"no folded {key}")
    return m.group(1)


def load_templates(corpus: Path = CORPUS) -> list[Template]:
    from qteditor.core import codec  # the rule's own notion of an ambiguous spot

    files = sorted(corpus.glob("*/*.md"))
    if not files:
        raise SystemExit(f"the shared corpus was not found at {corpus} (set QTEDITOR_SHARED)")
    out = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        title = re.search(r"\ntitle: (?:>-\n {4})?(.*)\n", raw).group(1)
        answer = _folded(raw, "answer")
        t = Template(
            path=f"{f.parent.name}/{f.name}",
            folder=f.parent.name,
            subject=re.search(r"\nsubject: (.*)\n", raw).group(1),
            title=title,
            description=_folded(raw, "  page_description"),
            keywords=_folded(raw, "  page_keywords"),
            answer=answer,
            date=re.search(r"\ndate: (.*)\n", raw).group(1),
            ambiguous=bool(codec.ambiguities(answer)),
        )
        t.words = _WORD.findall(answer.replace("\\n", " "))[:80]
        out.append(t)
    return out


# ---------------------------------------------------------------------------- the plan
@dataclass
class Spec:
    n: int  # its index
    folder: str
    subject: str
    title: str
    tpl: Template
    description: str = ""
    ident: int = 0
    style: str = "folded"
    k: int = 0
    score: bool = True
    no_index: bool = False
    blank: bool = False
    group: int = -1  # a same-name group (shared id or not); -1 alone
    slots: list = field(default_factory=list)  # [kind, target spec or data]

    @property
    def name(self) -> str:
        return file_slug(self.title) + ".md"

    @property
    def url(self) -> str:
        return f"/learn/{self.folder}/questions/{file_slug(self.title)}"

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.name}"


def vary(title: str, k: int) -> str:
    """The template's title for its k-th use (0: as it is)."""
    if k == 0:
        return title
    q = QUALIFIERS[(k - 1) % len(QUALIFIERS)]
    rounds = (k - 1) // len(QUALIFIERS)
    if rounds:
        q += f" (part {rounds + 1})"
    if title[-1:] in "?.!":
        return f"{title[:-1].rstrip()} {q}{title[-1]}"
    return f"{title} {q}"


def fit(text: str, words: list[str], lo: int, hi: int) -> str:
    """``text`` cut or lengthened at word boundaries to lo..hi characters, ending a sentence."""
    out = ""
    for w in text.split(" ") + words + words:
        cand = f"{out} {w}" if out else w
        if len(cand) + 1 > hi:
            break
        out = cand
    out = out.rstrip(",;:.-") or "Summary"
    if out[-1] not in "?!":
        out += "."
    while len(out) < lo:  # words ran out (a very short answer): a filler, still at the end
        out = out[:-1] + " in short."
    return out[:hi] if len(out) > hi else out


def description_length(rng: random.Random) -> int:
    while True:
        u = rng.random()
        for (q0, v0), (q1, v1) in zip(DESCRIPTION_QUANTILES, DESCRIPTION_QUANTILES[1:], strict=False):
            if u <= q1:
                length = round(v0 + (v1 - v0) * (u - q0) / (q1 - q0))
                break
        if not 150 <= length <= 160:
            return length


def plan(n: int, templates: list[Template], seed: int = 1) -> tuple[list[Spec], dict]:
    rng = random.Random(seed)
    by_folder: dict[str, list[Template]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for t in templates:
        by_folder[t.folder].append(t)
        spellings[t.folder][t.subject] += 1
    folders = sorted(by_folder)
    canonical = {f: c.most_common(1)[0][0] for f, c in spellings.items()}
    variant = {
        f: next(s for s, _ in c.most_common() if s != canonical[f])
        for f, c in spellings.items()
        if len(c) > 1
    }
    # folder sizes: the stratified random part of the corpus is drawn in proportion to them
    manifest = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    strat = Counter()
    minority = Counter()
    for line in manifest:
        cols = line.split("\t")
        if cols[-1] == "stratified-random":
            folder = cols[0].split("/")[0]
            strat[folder] += 1
            if cols[3] != canonical[folder]:
                minority[folder] += 1
    weights = {f: strat[f] or 0.5 for f in folders}

    # same-name groups: the copies are extra files of a question that already exists
    id_pairs, id_triples = scaled(REAL_ID_PAIRS, n), scaled(REAL_ID_TRIPLES, n)
    name_pairs, name_triples = scaled(REAL_NAME_PAIRS, n), scaled(REAL_NAME_TRIPLES, n)
    group_sizes = (
        [(2, True)] * id_pairs
        + [(3, True)] * id_triples
        + [(2, False)] * name_pairs
        + [(3, False)] * name_triples
    )
    unique = n - sum(size - 1 for size, _ in group_sizes)
    per_folder = allocate(unique, weights)
    questions = [f for f in folders for _ in range(per_folder[f])]
    rng.shuffle(questions)
    ambiguous_n = scaled(REAL_RULES["answer-ambiguous-newline"], n, 1)
    in_window_n = scaled(REAL_IN_WINDOW, n, 1)
    # roles of the unique questions: group originals, ambiguous answers, in-window descriptions
    order = list(range(unique))
    rng.shuffle(order)
    group_of = {q: g for g, q in enumerate(order[: len(group_sizes)])}
    singles = order[len(group_sizes) :]
    has_ambiguous = {f for f in folders if any(t.ambiguous for t in by_folder[f])}
    ambiguous_q = set([q for q in singles if questions[q] in has_ambiguous][:ambiguous_n])
    window_q = set([q for q in singles if q not in ambiguous_q][:in_window_n])

    # titles: each question its own template use; slugs unique across the collection
    pools = {
        f: (
            [t for t in by_folder[f] if not t.ambiguous] or by_folder[f],
            [t for t in by_folder[f] if t.ambiguous],
        )
        for f in folders
    }
    for plain, amb in pools.values():
        rng.shuffle(plain)
        rng.shuffle(amb)
    turn: Counter = Counter()
    uses: Counter = Counter()
    used_slugs: set[str] = set()

    def new_title(t: Template) -> str:
        while True:
            title = vary(t.title, uses[t.path])
            uses[t.path] += 1
            slug = file_slug(title)
            if slug and slug not in used_slugs and len(slug) < 240:
                used_slugs.add(slug)
                return title

    specs: list[Spec] = []
    groups: list[list[Spec]] = [[] for _ in group_sizes]
    for q, folder in enumerate(questions):
        pool = pools[folder][1] if q in ambiguous_q else pools[folder][0]
        t = pool[turn[(folder, q in ambiguous_q)] % len(pool)]
        turn[(folder, q in ambiguous_q)] += 1
        s = Spec(len(specs), folder, canonical[folder], new_title(t), t)
        s.description = fit(t.description, t.words, 150, 160) if q in window_q else None
        specs.append(s)
        if q in group_of:
            g = group_of[q]
            s.group = g
            groups[g].append(s)
            others = [f for f in folders if f != folder]
            for f in rng.sample(others, group_sizes[g][0] - 1):
                copy = Spec(0, f, canonical[f], s.title, t, s.description)
                copy.group = g
                groups[g].append(copy)
    for g in groups:  # the copies, after the questions (the index order does not matter)
        for copy in g[1:]:
            copy.n = len(specs)
            specs.append(copy)
    _descriptions(specs, groups, rng)
    _casing(specs, n, variant, minority, rng)
    specs = _ids(specs, groups, group_sizes, n, rng)
    no_index_n, blank_n = _shapes(specs, n, rng)

    stats = _links(specs, rng, n)
    stats.update(
        groups_id=id_pairs + id_triples,
        groups_name=name_pairs + name_triples,
        files_in_id_groups=sum(size for size, shared in group_sizes if shared),
        files_in_name_groups=sum(size for size, _ in group_sizes),
        casing=sum(s.subject != canonical[s.folder] for s in specs),
        ambiguous=len(ambiguous_q),
        in_window=len(window_q),
        no_index=no_index_n,
        blank_before_close=blank_n,
        negative_ids=sum(s.ident < 0 for s in specs),
        plain_titles=sum(s.style == "plain" for s in specs),
    )
    return specs, stats


def _descriptions(specs: list[Spec], groups: list[list[Spec]], rng: random.Random) -> None:
    """Descriptions outside the search engines' window for the entries not given one."""
    for s in specs:
        if s.description is None:  # outside the window; copies share their question's text
            first = groups[s.group][0] if s.group >= 0 else s
            if first.description is None:
                length = description_length(rng)
                # (a cut at a word boundary lands a few characters below its bound)
                first.description = fit(first.tpl.description, first.tpl.words, length - 5, length + 3)
                if 150 <= len(first.description) <= 160:
                    first.description = fit(first.tpl.description, first.tpl.words, 140, 149)
            s.description = first.description


def _casing(specs: list[Spec], n: int, variant: dict, minority: Counter, rng: random.Random) -> None:
    # subject spelled the other way (same folder and url)
    casing_n = scaled(REAL_RULES["subject-casing"], n)
    casing_w = {f: minority[f] for f in variant if minority[f]}
    casing = allocate(casing_n, casing_w) if casing_w else {}
    in_folder = defaultdict(list)
    for s in specs:
        in_folder[s.folder].append(s)
    for f, count in casing.items():
        members = in_folder[f]
        for s in rng.sample(members, min(count, (len(members) - 1) // 2)):
            s.subject = variant[f]


def _ids(
    specs: list[Spec], groups: list[list[Spec]], group_sizes: list, n: int, rng: random.Random
) -> list[Spec]:
    # ids: unique, growing with the date; a shared one in each id group; negative in one folder
    rng.shuffle(specs)
    specs.sort(key=lambda s: s.tpl.date)
    pool_ids = sorted(rng.sample(range(20_000, 20_000 + 5 * n), n))
    negative = scaled(REAL_NEGATIVE_IDS, n, 1)
    for s, ident in zip(specs, pool_ids, strict=True):
        s.ident = ident
    for s in specs:
        if s.folder == "college-basketball" and negative and s.group < 0:
            s.ident = -negative
            negative -= 1
    for g, (_size, shared) in enumerate(group_sizes):
        if shared:
            for copy in groups[g][1:]:
                copy.ident = groups[g][0].ident
    specs.sort(key=lambda s: s.n)
    return specs


def _shapes(specs: list[Spec], n: int, rng: random.Random) -> tuple[int, int]:
    # title style, related-article count and score, together (they go together on the site)
    shapes = allocate(n, REAL_SHAPES)
    plain_shapes = [k for k, v in shapes.items() if k[0] == "plain" for _ in range(v)]
    folded_shapes = [k for k, v in shapes.items() if k[0] == "folded" for _ in range(v)]
    order = specs[:]
    rng.shuffle(order)
    can_plain = [s for s in order if plain_ok(s.title)]
    rng.shuffle(plain_shapes)
    plain_set = set(id(s) for s in can_plain[: len(plain_shapes)])
    folded_shapes += plain_shapes[len(can_plain) :]  # (never: nearly every title can be plain)
    rng.shuffle(folded_shapes)
    fi = pi = 0
    for s in order:
        if id(s) in plain_set:
            shape = plain_shapes[pi]
            pi += 1
        else:
            shape = folded_shapes[fi]
            fi += 1
            shape = ("folded", *shape[1:]) if shape[0] == "plain" else shape
        s.style, s.k, s.score = shape
    no_index_n = scaled(REAL_NO_INDEX, n, 1)
    blank_n = scaled(REAL_BLANK_BEFORE_CLOSE, n)
    for s in rng.sample(specs, no_index_n):
        s.no_index = True
    for s in rng.sample(specs, blank_n):
        s.blank = True
    return no_index_n, blank_n


def _plant_defects(with_links: list[Spec], rng: random.Random, n: int) -> None:
    """Mark related-article slots of the entries with links (shuffled) as planted defects, as
    many of each as the real collection has: repeated, self, dangling, stale id and title."""

    def free(s: Spec) -> list[int]:
        return [i for i, (kind, _) in enumerate(s.slots) if kind == "link"]

    def plant(kind: str, count: int, candidates: list[Spec], done: set | None = None) -> list:
        chosen = []
        for s in candidates:
            if len(chosen) == count:
                break
            slots = free(s)
            if s.n in (done or ()) or not slots:
                continue
            s.slots[rng.choice(slots)][0] = kind
            chosen.append(s)
        return chosen

    dup_n = scaled(REAL_RULES["related-duplicate"], n)
    for s in [s for s in with_links if s.k >= 2][:dup_n]:
        j = rng.randrange(1, s.k)
        s.slots[j] = ["dup", rng.randrange(j)]
    rest = with_links[dup_n:] + with_links[:dup_n]  # the other defects prefer other files
    rng.shuffle(rest)
    plant("self", scaled(REAL_RULES["related-self"], n, 1), rest[::-1])
    dangling_files = plant("dangling", scaled(REAL_RULES["related-dangling"], n, 1), rest)
    extra = scaled(REAL_DANGLING_LINKS, n, 1) - len(dangling_files)
    plant("dangling", extra, dangling_files[::-1])
    rng.shuffle(rest)
    plant("stale-id", scaled(REAL_RULES["related-stale-id"], n, 1), rest)
    rng.shuffle(rest)
    plant("stale-title", scaled(REAL_RULES["related-stale-title"], n, 1), rest)


def _links(specs: list[Spec], rng: random.Random, n: int) -> dict:
    """Fill every entry's related-article slots: planted defects first, then the resolved
    links matched to targets with a skewed popularity, 35.5% of them across subjects."""
    for s in specs:
        s.slots = [["link", None] for _ in range(s.k)]
    with_links = [s for s in specs if s.k]
    rng.shuffle(with_links)
    _plant_defects(with_links, rng, n)

    # resolved slots, per source folder; same-folder ones take tickets of their own folder
    resolved = [
        (s, i)
        for s in specs
        for i, (kind, _) in enumerate(s.slots)
        if kind in ("link", "stale-id", "stale-title")
    ]
    rng.shuffle(resolved)
    slots_of = defaultdict(list)
    for s, i in resolved:
        slots_of[s.folder].append((s, i))
    size_of = Counter(s.folder for s in specs)
    same_n = {f: round((1 - REAL_CROSS) * len(v)) for f, v in slots_of.items()}
    cross_total = len(resolved) - sum(same_n.values())
    cross_n = allocate(cross_total, size_of)
    by_folder = defaultdict(list)
    for s in specs:
        by_folder[s.folder].append(s)
    same_pool, cross_pool = _ticket_pools(specs, by_folder, same_n, cross_n, n, rng)
    rng.shuffle(cross_pool)
    linked: dict[int, set] = defaultdict(set)
    fallback = 0

    def take(pool: list, source: Spec, same: bool) -> Spec | None:
        for _ in range(24):
            if not pool:
                return None
            j = rng.randrange(len(pool))
            t = pool[j]
            if t.n != source.n and t.n not in linked[source.n] and (t.folder == source.folder) == same:
                pool[j] = pool[-1]
                pool.pop()
                return t
        return None

    for f, items in slots_of.items():
        for k, (s, i) in enumerate(items):
            same = k < same_n[f]
            t = take(same_pool[f] if same else cross_pool, s, same)
            if t is None:  # a pool ran dry or only conflicts were left: any fitting entry
                fallback += 1
                while t is None or t.n == s.n or t.n in linked[s.n] or (t.folder == s.folder) != same:
                    t = rng.choice(by_folder[f] if same else specs)
                    if same and len(by_folder[f]) <= len(linked[s.n]) + 1:
                        same = not same
            linked[s.n].add(t.n)
            s.slots[i][1] = t

    _fill_planted(specs, by_folder, n, rng)
    return _link_stats(specs, fallback)


def _ticket_pools(
    specs: list[Spec], by_folder: dict, same_n: dict, cross_n: dict, n: int, rng: random.Random
) -> tuple[dict[str, list], list]:
    """Link targets as tickets (an entry once per inbound link it gets), per folder for the
    same-folder links and one pool for the links across subjects."""
    same_pool: dict[str, list] = {}
    cross_pool: list = []
    share = scaled(REAL_WITH_INBOUND, n) / n
    for f, members in by_folder.items():
        tickets = same_n.get(f, 0) + cross_n.get(f, 0)
        targets = rng.sample(members, min(len(members), max(1, round(share * len(members))), tickets))
        counts = Counter({t.n: 1 for t in targets})
        extra = tickets - len(targets)
        if extra > 0:
            popularity = [rng.lognormvariate(0, INBOUND_SIGMA) for _ in targets]
            for t in rng.choices(targets, weights=popularity, k=extra):
                counts[t.n] += 1
            over = sum(max(0, c - INBOUND_CAP) for c in counts.values())
            for t in list(counts):
                counts[t] = min(counts[t], INBOUND_CAP)
            while over:  # spread what the cap cut off over the others
                t = rng.choice(targets).n
                if counts[t] < INBOUND_CAP:
                    counts[t] += 1
                    over -= 1
        tickets_f = [specs[t] for t, c in counts.items() for _ in range(c)]
        rng.shuffle(tickets_f)
        cut = same_n.get(f, 0)
        same_pool[f], rest_f = tickets_f[:cut], tickets_f[cut:]
        cross_pool += rest_f
    return same_pool, cross_pool


def _fill_planted(specs: list[Spec], by_folder: dict, n: int, rng: random.Random) -> None:
    """What the planted slots hold: the entry itself, or a snapshot of an entry that is gone."""
    urls = {s.url for s in specs}
    ids = {s.ident for s in specs}
    folders = sorted(by_folder)
    subjects = {s.folder: s.subject for s in specs}
    for s in specs:
        for slot in s.slots:
            kind, data = slot
            if kind == "self":
                slot[1] = s
            elif kind == "dangling":  # an entry deleted or renamed since the snapshot
                while True:
                    tpl = rng.choice(specs).tpl
                    folder = rng.choice(folders)
                    title = vary(tpl.title, rng.randrange(60, 400))
                    url = f"/learn/{folder}/questions/{file_slug(title)}"
                    ident = rng.randrange(20_000, 20_000 + 5 * n)
                    if url not in urls and ident not in ids:
                        break
                slot[1] = {"id": ident, "title": title, "subject": subjects[folder], "url": url}


def _link_stats(specs: list[Spec], fallback: int) -> dict:
    def target(s: Spec, kind: str, data) -> Spec | None:  # the entry a slot resolves to
        if kind == "dup":
            return target(s, *s.slots[data])
        return None if kind == "dangling" else data

    ends = [(s, target(s, kind, data)) for s in specs for kind, data in s.slots]
    inbound = Counter(t.n for s, t in ends if t is not None and t is not s)
    links = sum(s.k for s in specs)
    resolved_n = sum(t is not None for _s, t in ends)
    cross = sum(1 for s, t in ends if t is not None and t.folder != s.folder)
    counts = sorted(inbound.values())
    return {
        "links": links,
        "resolved": resolved_n,
        "cross": cross,
        "dangling_links": sum(kind == "dangling" for s in specs for kind, _ in s.slots),
        "dangling_files": sum(any(k == "dangling" for k, _ in s.slots) for s in specs),
        "dup_files": sum(any(k == "dup" for k, _ in s.slots) for s in specs),
        "self_files": sum(any(k == "self" for k, _ in s.slots) for s in specs),
        "stale_id_files": sum(any(k == "stale-id" for k, _ in s.slots) for s in specs),
        "stale_title_files": sum(any(k == "stale-title" for k, _ in s.slots) for s in specs),
        "with_inbound": len(inbound),
        "inbound_max": counts[-1] if counts else 0,
        "inbound_median": statistics.median(counts) if counts else 0,
        "inbound_1_to_6": sum(1 <= c <= 6 for c in counts),
        "fallback_links": fallback,
        "per_count": dict(sorted(Counter(s.k for s in specs).items())),
    }


# ---------------------------------------------------------------------------- writing
def _stale_title(t: Spec) -> str:
    for candidate in (
        t.tpl.title,
        t.title.rstrip("?"),
        t.title[:1].lower() + t.title[1:],
        t.title + " (draft)",
    ):
        if candidate != t.title and candidate:
            return candidate
    return t.title + "."


def render(s: Spec, rng: random.Random) -> bytes:
    plain = s.style == "plain"
    title = (
        [f"title: {s.title}", f"article_title: {s.title}"]
        if plain
        else ["title: >-", f"    {s.title}", "article_title: >-", f"    {s.title}"]
    )
    lines = [
        "---",
        "_schema: default",
        f"id: {s.ident}",
        f"date: {s.tpl.date}",
        *title,
        "date_format: MMM DD, YYYY",
        "post_on_text: Posted on",
        "seo:",
        f"  title: QuickTakes | {s.subject}",
        "  page_description: >-",
        f"    {s.description}",
        "  page_keywords: >-",
        f"    {s.tpl.keywords}",
        "author: QuickTakes",
        "question: >-",
        f"    {s.title}",
    ]
    if s.no_index:
        lines.append("no_index: True")
    lines += [
        "answer: >-",
        f"    {s.tpl.answer}",
        f"subject: {s.subject}",
        f"file_name: {s.name}",
        f"url: {s.url}",
    ]
    if s.score:
        lines.append("score: -1.0")
    snaps = []
    for kind, data in s.slots:
        if kind == "dup":
            snap = dict(snaps[data])
        elif kind == "dangling":
            snap = dict(data)
        else:
            snap = {"id": data.ident, "title": data.title, "subject": data.subject, "url": data.url}
            if kind == "stale-id":
                snap["id"] = data.ident + rng.randrange(1, 400)
            elif kind == "stale-title":
                snap["title"] = _stale_title(data)
        snaps.append(snap)
    for i, snap in enumerate(snaps, 1):
        lines += [f"related_article{i}:", f"    id: {snap['id']}"]
        if plain and plain_ok(snap["title"]):
            lines.append(f"    title: {snap['title']}")
        else:
            lines += ["    title: >-", f"        {snap['title']}"]
        lines += [f"    subject: {snap['subject']}", f"    url: {snap['url']}"]
    if s.blank:
        lines.append("")
    lines += ["---", "", "&nbsp;"]
    return "\n".join(lines).encode("utf-8")


def targets(n: int) -> dict:
    """The real collection's figures scaled to ``n`` entries (what the plan aims at)."""
    return {
        "rules": {rule: scaled(v, n) for rule, v in REAL_RULES.items()},
        "links": scaled(REAL_LINKS, n),
        "resolved_share": 0.997,
        "cross_share": REAL_CROSS,
        "with_inbound": scaled(REAL_WITH_INBOUND, n),
        "dangling_links": scaled(REAL_DANGLING_LINKS, n),
        "same_name": {
            "names": scaled(REAL_ID_PAIRS + REAL_ID_TRIPLES + REAL_NAME_PAIRS + REAL_NAME_TRIPLES, n),
            "files": scaled(5_316, n),
        },
        "size_median": 4_466,
        "size_max": 7_807,
    }


def make(n: int, out: Path, seed: int = 1, force: bool = False, quiet: bool = True) -> Path:
    """Write the collection (or keep the one already there for the same N, seed, version)."""
    out = Path(out)
    plan_file = out / PLAN
    root = out / "content" / "learn"
    if plan_file.exists():
        try:
            old = json.loads(plan_file.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
        if (old.get("n"), old.get("seed"), old.get("version")) == (n, seed, VERSION) and sum(
            1 for _ in root.glob("*/*.md")
        ) == n:
            if not quiet:
                print(f"{out}: already made (N={n:,}, seed {seed}); --force makes it again")
            return out
    elif out.exists() and any(out.iterdir()) and not force:
        raise SystemExit(f"{out} exists and was not made by this script: give another folder or --force")
    start = time.perf_counter()
    templates = load_templates()
    specs, stats = plan(n, templates, seed)
    planned = time.perf_counter() - start
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed + 1)
    sizes = []
    made = set()
    for s in specs:
        folder = root / s.folder
        if s.folder not in made:
            folder.mkdir(parents=True, exist_ok=True)
            made.add(s.folder)
        data = render(s, rng)
        sizes.append(len(data))
        with open(folder / s.name, "xb") as fh:  # a name twice in one folder would be a bug
            fh.write(data)
    sizes.sort()
    stats.update(size_median=statistics.median(sizes), size_max=sizes[-1], size_min=sizes[0])
    names = Counter(s.name for s in specs)
    stats["same_name_names"] = sum(1 for c in names.values() if c > 1)
    stats["same_name_files"] = sum(c for c in names.values() if c > 1)
    expected = {
        "seo-description-length": n - stats["in_window"],
        "related-duplicate": stats["dup_files"],
        "id-duplicate": stats["files_in_id_groups"],
        "subject-casing": stats["casing"],
        "related-stale-id": stats["stale_id_files"],
        "related-dangling": stats["dangling_files"],
        "answer-ambiguous-newline": stats["ambiguous"],
        "related-stale-title": stats["stale_title_files"],
        "related-self": stats["self_files"],
    }
    record = {
        "n": n,
        "seed": seed,
        "version": VERSION,
        "planted": expected,
        "stats": stats,
        "targets": targets(n),
        "seconds": round(time.perf_counter() - start, 2),
        "plan_seconds": round(planned, 2),
    }
    plan_file.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    if not quiet:
        summary(record, out)
    return out


def summary(record: dict, out: Path) -> None:
    st, tg, n = record["stats"], record["targets"], record["n"]
    print(
        f"{out}/content/learn: {n:,} entries in {record['seconds']:.1f} s "
        f"(plan {record['plan_seconds']:.1f} s), seed {record['seed']}"
    )
    print(f"{'rule (files with a finding)':32} {'planted':>8} {'target':>8}")
    for rule, count in record["planted"].items():
        print(f"  {rule:30} {count:8,} {tg['rules'][rule]:8,}")
    res = st["resolved"] / max(1, st["links"])
    print(
        f"links {st['links']:,} (target {tg['links']:,}); resolving {res:.1%} (target 99.7%); "
        f"across subjects {st['cross'] / max(1, st['resolved']):.1%} of the resolved (target "
        f"35.5%); dangling links {st['dangling_links']:,} in {st['dangling_files']:,} files"
    )
    print(f"per entry: {st['per_count']}")
    print(
        f"inbound: {st['with_inbound']:,} entries (target {tg['with_inbound']:,}), median "
        f"{st['inbound_median']}, max {st['inbound_max']}, {st['inbound_1_to_6']:,} with 1-6; "
        f"{st['fallback_links']} links placed outside the popularity draw"
    )
    print(
        f"same file name in two or three folders: {st['same_name_names']:,} names, "
        f"{st['same_name_files']:,} files (target {tg['same_name']['names']:,} / "
        f"{tg['same_name']['files']:,}); id groups {st['groups_id']:,}"
    )
    print(
        f"sizes: median {st['size_median']:,.0f} B (target 4,466), max {st['size_max']:,} B "
        f"(target 7,807); plain titles {st['plain_titles']:,} ({st['plain_titles'] / n:.1%}); "
        f"no_index {st['no_index']}; blank line before --- {st['blank_before_close']:,}; "
        f"negative ids {st['negative_ids']}"
    )


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=36_000)
    parser.add_argument("out", nargs="?")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="make it again, whatever is there")
    args = parser.parse_args(argv)
    out = Path(args.out or f"/tmp/qteditor-{args.n}")
    if args.force and (out / PLAN).exists():
        (out / PLAN).unlink()
    if args.n < 200:
        parser.error("N must be at least 200 (the planted defects need room)")
    make(args.n, out, args.seed, force=args.force, quiet=False)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
