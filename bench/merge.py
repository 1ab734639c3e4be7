"""Merge benchmark: qteditor's merge driver beside plain git (``git merge-file``) in the same run,
over pairs of concurrent edits of real corpus entries; and ``git status`` of an N-entry repository.

    .venv/bin/python bench/merge.py [--entries E] [--status N] [--runs R] [--no-lock]
                                    [--only merge,status] [--json FILE]

Pairs (for each of E corpus entries with 3+ related articles and 4+ answer paragraphs):
- mergeable: distant fields, adjacent fields (neighbouring lines), different paragraphs of one
  answer, neighbouring related articles (one removed and renumbered / one fixed), a CMS save
  (the front matter re-dumped by ruamel.yaml at width 80, one field changed) against a desktop
  edit, the same change on both sides;
- true conflicts: one field changed differently, an edit against a deletion, one paragraph
  edited differently.
A mergeable pair is *merged right* when the merge is clean and its bytes are OURS with THEIRS's
change made by the core writer (the right data, nothing re-formatted); *reformatted* when clean
with the right data but other bytes; *clean but wrong* when clean with other data (or a true
conflict merged clean): this must be 0. A conflict is *flagged* when the merge reports it.
Both tools get the same three files; qteditor's through ``merge_driver`` (what
``qteditor merge-driver`` runs in-process: read, merge, write OURS), git's through
``git merge-file``.

Status: the N-entry collection of bench/make_collection.py in a fresh git repository (one
commit), then 5 entries modified; warm timings (min / median / max over R rounds after one
warm-up round, the six taken in turn each round) of plain ``git status --porcelain=v2`` (the
reference), of ``Repo.status`` with states only, of the status the browser needs (states,
fields for the changed files), of ``qteditor git status --json`` as a process (Python's
start-up and imports included), and of the check the window makes instead of a status read
when the browser re-indexes (``Repo.state_stamp``: a few stats, no git process).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qteditor.core import codec  # noqa: E402
from qteditor.core import git as g  # noqa: E402
from qteditor.core.entry import Entry  # noqa: E402
from qteditor.core.errors import QtEditorError  # noqa: E402
from qteditor.core.yaml import same  # noqa: E402

SHARED = Path(os.environ.get("QTEDITOR_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "quicktakes"

MERGEABLE = (
    "distant fields",
    "adjacent fields",
    "different paragraphs",
    "neighbouring related",
    "CMS rewrite vs desktop",
    "same change both sides",
)
CONFLICTS = ("one field changed differently", "edit vs deletion", "one paragraph differently")


# ---------------------------------------------------------------------------- writers
def fields_of(raw: bytes) -> dict:
    return Entry.from_bytes(raw, "entry.md").fields()


def desktop(raw: bytes, change) -> bytes:
    entry = Entry.from_bytes(raw, "entry.md")
    fields = entry.fields()
    change(fields)
    out = entry.render(fields)
    return raw if out is None else out[0]


def cms(raw: bytes, change=None) -> bytes:
    """The CMS's save: the change made on the data it loaded, everything dumped again by
    ruamel.yaml at width 80."""
    import io

    from ruamel.yaml import YAML

    from qteditor.core.document import split

    doc = split(raw)
    yaml = YAML()
    yaml.width = 80
    yaml.preserve_quotes = True
    data = yaml.load(doc.yaml)
    if change is not None:
        old = fields_of(raw)
        new = copy.deepcopy(old)
        change(new)
        _apply(data, old, new, top=True)
    out = io.StringIO()
    yaml.dump(data, out)
    return (doc.opener + out.getvalue() + doc.closer + doc.body).encode("utf-8")


def _apply(data, old: dict, new: dict, top: bool = False) -> None:
    for key in [k for k in old if k not in new]:
        del data[key]
    for key, value in new.items():
        if key in old and same(old[key], value):
            continue
        if isinstance(value, dict) and isinstance(old.get(key), dict) and key in data:
            _apply(data[key], old[key], value)
            continue
        if top and key == "answer" and isinstance(value, str):
            value = codec.encode(value, codec.ESCAPED)
        data[key] = value


# ---------------------------------------------------------------------------- edits
def paras(f: dict) -> list[int]:
    return [i for i, line in enumerate(f["answer"].split("\n")) if line.strip()]


def para_edit(index: int, text: str):
    def change(f: dict) -> None:
        lines = f["answer"].split("\n")
        lines[index] = lines[index] + text
        f["answer"] = "\n".join(lines)

    return change


def setter(path: tuple, value):
    def change(f: dict) -> None:
        d = f
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value

    return change


def deleter(path: tuple):
    def change(f: dict) -> None:
        d = f
        for k in path[:-1]:
            d = d[k]
        d.pop(path[-1])

    return change


def drop_related(n: int):
    def change(f: dict) -> None:
        keys = [k for k in f if k.startswith("related_article")]
        items = [f.pop(k) for k in keys]
        del items[n - 1]
        for i, item in enumerate(items, start=1):
            f[f"related_article{i}"] = item

    return change


def both(*changes):
    def change(f: dict) -> None:
        for c in changes:
            c(f)

    return change


def pairs_for(raw: bytes, k: int) -> list[tuple[str, bytes, bytes, bytes | None]]:
    """(category, ours, theirs, expected bytes or None for a true conflict)."""
    f = fields_of(raw)
    p = paras(f)
    sep = [i for i in range(len(p) - 1) if p[i + 1] - p[i] >= 2]  # paragraphs with a line between
    related = sorted(int(x[len("related_article") :]) for x in f if x.startswith("related_article"))
    out = []

    def add(category: str, ours_change, theirs_change, theirs_by_cms: bool = False) -> None:
        ours = desktop(raw, ours_change)
        theirs = cms(raw, theirs_change) if theirs_by_cms else desktop(raw, theirs_change)
        out.append((category, ours, theirs, desktop(ours, theirs_change)))

    def conflict(category: str, ours_change, theirs_change, theirs_by_cms: bool = False) -> None:
        ours = desktop(raw, ours_change)
        theirs = cms(raw, theirs_change) if theirs_by_cms else desktop(raw, theirs_change)
        out.append((category, ours, theirs, None))

    cms_side = k % 2 == 1  # every other pair's THEIRS is a CMS save
    distant = [
        (("title",), ("url",)),
        (("author",), ("seo", "page_keywords")),
        (("date_format",), ("subject",)),
    ][k % 3]
    add("distant fields", setter(distant[0], f"Ours {k}"), setter(distant[1], f"theirs-{k}"), cms_side)
    adjacent = [
        (("date_format",), ("post_on_text",)),
        (("subject",), ("file_name",)),
        (("seo", "page_description"), ("seo", "page_keywords")),
    ][k % 3]
    add("adjacent fields", setter(adjacent[0], f"Ours {k}"), setter(adjacent[1], f"theirs {k}"), cms_side)
    if sep:
        i = sep[k % len(sep)]
        add(
            "different paragraphs",
            para_edit(p[i], " Ours added this."),
            para_edit(p[i + 1], " Theirs added that."),
            cms_side,
        )
    urls = [f[f"related_article{i}"].get("url") for i in related]
    # an article listed once (removing one of two identical copies is no conflict: either copy)
    # (which of two identical copies a side removed or edited cannot be told: an entry listing
    # only copies of one article gets no related-article pair)
    single = [i for i in related[:-1] if urls.count(f[f"related_article{i}"].get("url")) == 1]
    n = single[k % len(single)] if single else None
    if n is None:
        pass
    elif k % 2:
        ours_c, theirs_c = drop_related(n), setter((f"related_article{n + 1}", "title"), "Fixed title")
        expected_c = setter((f"related_article{n}", "title"), "Fixed title")  # after renumbering
        ours = desktop(raw, ours_c)
        theirs = cms(raw, theirs_c)
        out.append(("neighbouring related", ours, theirs, desktop(ours, expected_c)))
    else:
        add(
            "neighbouring related",
            setter((f"related_article{n}", "title"), "Ours fixed"),
            setter((f"related_article{n + 1}", "id"), 424242 + k),
        )
    cms_field = [("seo", "page_keywords"), ("title",), ("seo", "page_description")][k % 3]
    desk_field = [("author",), ("question",), ("date_format",)][k % 3]
    add(
        "CMS rewrite vs desktop",
        setter(desk_field, f"Desk {k}"),
        setter(cms_field, f"CMS value {k}"),
        theirs_by_cms=True,
    )
    same_change = [
        setter(("title",), f"Same {k}"),
        para_edit(p[0], " Same words."),
        setter(("seo", "page_keywords"), "same, words"),
    ][k % 3]
    ours = desktop(raw, same_change)
    theirs = cms(raw, same_change) if cms_side else desktop(raw, same_change)
    out.append(("same change both sides", ours, theirs, ours))  # done once: ours as it is
    field = [("title",), ("seo", "page_description"), ("author",)][k % 3]
    conflict(
        "one field changed differently", setter(field, f"Ours {k}"), setter(field, f"Theirs {k}"), cms_side
    )
    if k % 3 == 0:
        conflict(
            "edit vs deletion",
            setter(("seo", "page_keywords"), "edited"),
            deleter(("seo", "page_keywords")),
            cms_side,
        )
    elif k % 3 == 1 and n is not None:
        conflict(
            "edit vs deletion", setter((f"related_article{n}", "title"), "Edited"), drop_related(n), cms_side
        )
    else:
        conflict("edit vs deletion", deleter(("author",)), setter(("author",), "Edited"), cms_side)
    i = p[k % len(p)]
    conflict("one paragraph differently", para_edit(i, " Ours."), para_edit(i, " Theirs."), cms_side)
    return out


def pick_entries(n: int) -> list[bytes]:
    out = []
    files = sorted(CORPUS.glob("*/*.md"))
    step = max(1, len(files) // (n * 4))
    for path in files[::step]:
        raw = path.read_bytes()
        try:
            f = fields_of(raw)
        except QtEditorError:
            continue
        keys = [k for k in f if k.startswith("related_article")]
        if len(keys) >= 3 and len(paras(f)) >= 4 and isinstance(f.get("answer"), str):
            out.append(raw)
        if len(out) == n:
            break
    return out


# ---------------------------------------------------------------------------- judging
def verdict(clean: bool, result: bytes, want: bytes | None) -> str:
    if want is None:
        return "flagged" if not clean else "clean but wrong"
    if not clean:
        return "flagged"
    if result == want:
        return "merged right"
    try:
        a, b = Entry.from_bytes(result, "x.md"), Entry.from_bytes(want, "x.md")
    except QtEditorError:
        return "clean but wrong"
    return "reformatted" if same(a.fields(), b.fields()) and a.body == b.body else "clean but wrong"


def run_merges(entries: int) -> dict:
    sample = pick_entries(entries)
    work = Path(tempfile.mkdtemp(prefix="qte-merge-bench-"))
    counts = {tool: defaultdict(lambda: defaultdict(int)) for tool in ("qteditor", "git")}
    times = {"qteditor": [], "git": []}
    wrong_examples = []
    git_cmd = g.git_command()
    try:
        for k, raw in enumerate(sample):
            for n, (category, ours, theirs, want) in enumerate(pairs_for(raw, k)):
                base_f, ours_f, theirs_f = (work / f"{k}-{n}.{s}" for s in ("base", "ours", "theirs"))
                base_f.write_bytes(raw)
                theirs_f.write_bytes(theirs)
                # qteditor: the driver's own code, in this process
                ours_f.write_bytes(ours)
                t = time.perf_counter()
                code, _note = g.merge_driver(str(base_f), str(ours_f), str(theirs_f), "entry.md", work)
                times["qteditor"].append(time.perf_counter() - t)
                v = verdict(code == 0, ours_f.read_bytes(), want)
                counts["qteditor"][category][v] += 1
                if v == "clean but wrong" and len(wrong_examples) < 5:
                    wrong_examples.append((category, k))
                # plain git: git merge-file, on the same three versions
                git_ours = _write(work / "git.ours", ours)
                t = time.perf_counter()
                proc = subprocess.run(
                    [
                        git_cmd,
                        "merge-file",
                        "-p",
                        "-L",
                        "ours",
                        "-L",
                        "base",
                        "-L",
                        "theirs",
                        str(git_ours),
                        str(base_f),
                        str(theirs_f),
                    ],
                    capture_output=True,
                )
                times["git"].append(time.perf_counter() - t)
                counts["git"][category][verdict(proc.returncode == 0, proc.stdout, want)] += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"entries": len(sample), "counts": counts, "times": times, "wrong": wrong_examples}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def report_merges(res: dict) -> dict:
    print(
        f"\n== merges: {res['entries']} corpus entries, "
        f"{sum(sum(v.values()) for v in res['counts']['qteditor'].values())} pairs =="
    )
    print(
        f"{'pair':<32}{'n':>5}  {'qteditor right/flag/refmt/WRONG':>32}  {'git right/flag/refmt/WRONG':>28}"
    )
    summary = {}
    for category in MERGEABLE + CONFLICTS:
        q = res["counts"]["qteditor"][category]
        gg = res["counts"]["git"][category]
        n = sum(q.values())

        def cell(c):
            return f"{c['merged right']}/{c['flagged']}/{c['reformatted']}/{c['clean but wrong']}"

        print(f"{category:<32}{n:>5}  {cell(q):>32}  {cell(gg):>28}")
    for tool in ("qteditor", "git"):
        c = res["counts"][tool]
        m_total = sum(sum(c[x].values()) for x in MERGEABLE)
        m_right = sum(c[x]["merged right"] for x in MERGEABLE)
        m_refmt = sum(c[x]["reformatted"] for x in MERGEABLE)
        x_total = sum(sum(c[x].values()) for x in CONFLICTS)
        x_flag = sum(c[x]["flagged"] for x in CONFLICTS)
        wrong = sum(c[x]["clean but wrong"] for x in MERGEABLE + CONFLICTS)
        flagged_all = sum(c[x]["flagged"] for x in MERGEABLE + CONFLICTS)
        total = m_total + x_total
        t = res["times"][tool]
        summary[tool] = {
            "mergeable": m_total,
            "merged_right": m_right,
            "reformatted": m_refmt,
            "conflicts": x_total,
            "conflicts_flagged": x_flag,
            "flagged_share": flagged_all / total if total else 0,
            "clean_but_wrong": wrong,
            "ms_median": statistics.median(t) * 1000,
        }
        print(
            f"{tool:>9}: mergeable pairs merged right {m_right}/{m_total} "
            f"({100 * m_right / m_total:.1f} %), reformatted {m_refmt}; true conflicts flagged "
            f"{x_flag}/{x_total}; all pairs flagged {100 * flagged_all / total:.1f} %; clean but "
            f"wrong {wrong}; median {statistics.median(t) * 1000:.1f} ms a merge"
        )
    if res["wrong"]:
        print("clean-but-wrong examples (category, entry):", res["wrong"])
    return summary


# ---------------------------------------------------------------------------- status
def timed_together(fns: dict, runs: int) -> dict[str, list[float]]:
    """Each function once a round, in turn, for ``runs`` rounds after one warm-up round: on a
    shared machine a change of load then falls on all of them alike."""
    out: dict[str, list[float]] = {name: [] for name in fns}
    for round_ in range(runs + 1):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            if round_:
                out[name].append(time.perf_counter() - t)
    return out


def fmt(ts: list[float]) -> str:
    digits = 2 if max(ts) < 0.01 else 0
    return (
        f"{min(ts) * 1000:6.{digits}f} / {statistics.median(ts) * 1000:6.{digits}f} / "
        f"{max(ts) * 1000:6.{digits}f} ms"
    )


def run_status(n: int, runs: int) -> dict:
    from bench.make_collection import make

    work = Path(tempfile.mkdtemp(prefix=f"qte-status-{n}-"))
    try:
        print(f"\n== git status of a {n:,}-entry repository ({work}) ==")
        t = time.perf_counter()
        make(n, work / "site")
        made = time.perf_counter() - t
        site = work / "site"
        env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
        git_cmd = g.git_command()

        def git(*args: str) -> None:
            subprocess.run([git_cmd, *args], cwd=site, check=True, env=env, capture_output=True)

        t = time.perf_counter()
        git("init", "-q")
        git("add", "-A")
        git("-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "all")
        committed = time.perf_counter() - t
        learn = site / "content" / "learn"
        changed = sorted(learn.glob("*/*.md"))[:: max(1, n // 5)][:5]
        for path in changed:
            path.write_bytes(desktop(path.read_bytes(), lambda f: f.update(author="Benchmark")))
        print(f"made in {made:.1f} s, committed in {committed:.1f} s; {len(changed)} entries modified")
        repo = g.Repo.find(learn)
        ignores = [learn / ".gitignore"] + [d / ".gitignore" for d in sorted(learn.iterdir()) if d.is_dir()]
        cli = [sys.executable, "-m", "qteditor", "git", "status", "--json", str(learn)]
        shown = json.loads(subprocess.run(cli, cwd=site, capture_output=True, check=True).stdout)
        assert [e["fields"] for e in shown["entries"]] == [["author"]] * len(changed)
        ts = timed_together(
            {
                "plain": lambda: subprocess.run(
                    [
                        git_cmd,
                        "--no-optional-locks",
                        "status",
                        "--porcelain=v2",
                        "-z",
                        "--branch",
                        "--untracked-files=all",
                    ],
                    cwd=site,
                    capture_output=True,
                    check=True,
                ),
                "plain_default": lambda: subprocess.run(
                    [git_cmd, "status", "--porcelain"], cwd=site, capture_output=True, check=True
                ),
                "states": lambda: repo.status([learn], fields=False),
                "browser": lambda: repo.status([learn], fields=True),
                "process": lambda: subprocess.run(cli, cwd=site, capture_output=True, check=True),
                # what the window checks instead when the browser re-indexes (the watcher's
                # tick): git's files and the ignore files of the folders it watches
                "stamp": lambda: repo.state_stamp(None, ignores),
            },
            runs,
        )
        plain, plain_default, states, browser, process, stamp = (
            ts[k] for k in ("plain", "plain_default", "states", "browser", "process", "stamp")
        )
        status = repo.status([learn])
        assert len(status.entries) == len(changed) and all(e.fields == ["author"] for e in status.entries)
        print(f"{'plain git status --porcelain=v2 -uall (reference)':<58}{fmt(plain)}")
        print(f"{'plain git status --porcelain (reference)':<58}{fmt(plain_default)}")
        print(f"{'Repo.status: file states':<58}{fmt(states)}")
        print(
            f"{'Repo.status: states + fields of the changed files':<58}{fmt(browser)}  "
            f"(target warm <= 300 ms)"
        )
        print(f"{'qteditor git status --json (a process, start-up included)':<58}{fmt(process)}")
        print(f"{'the window skip check (Repo.state_stamp, no git process)':<58}{fmt(stamp)}")
        return {
            "stamp_ms": statistics.median(stamp) * 1000,
            "n": n,
            "plain_ms": statistics.median(plain) * 1000,
            "process_ms": statistics.median(process) * 1000,
            "states_ms": statistics.median(states) * 1000,
            "browser_ms": statistics.median(browser) * 1000,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=120)
    parser.add_argument("--status", type=int, default=36_000, metavar="N")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--only", default="merge,status")
    parser.add_argument("--no-lock", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    lock = None
    if not args.no_lock:
        import fcntl

        lock = open("/tmp/bench.lock", "a")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print("waiting for /tmp/bench.lock (another benchmark is running)", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
    print(
        f"git {'.'.join(map(str, g.git_version()))}; load average (1, 5, 15 min) at the start: "
        f"{os.getloadavg()} on {os.cpu_count()} cores",
        flush=True,
    )
    out = {}
    only = set(args.only.split(","))
    if "merge" in only:
        out["merge"] = report_merges(run_merges(args.entries))
    if "status" in only:
        out["status"] = run_status(args.status, args.runs)
    print(f"load average at the end: {os.getloadavg()}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
