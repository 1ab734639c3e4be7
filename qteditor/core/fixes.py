"""Fixes and batch edits as plans (``plan.py``), computed from the files as they are on disk.

``FixPlanner`` takes the index's records for the collection around the files (what links
where, which ids repeat), reads every file it would change — and every entry it would copy a
value from — from disk, and works out each file's fixes together until none is left:

1. the fixes of the file's own fields (subject spelling, file name, url, derived fields,
   linked titles, repeated or self links), one rule at a time in a fixed order, until the
   file has none of those problems (so ``seo.title`` follows the *fixed* subject);
2. the consequences elsewhere: links to an entry whose url is fixed follow it; with
   ``id-duplicate`` (reviewed, only when named) the oldest entry of a group keeps its id, the
   others take new ones and the links to them follow; with ``related-dangling`` (reviewed)
   a dangling link points at the closest entry by slug and title, or is removed;
3. the links' snapshots from their targets *after* step 1.

A second run finds nothing to do. A fix only writes values it has (``checks.py``). Each file's
change is computed again from its bytes at the moment it is written (``plan.apply``).
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from . import patch as patching
from .checks import FIXABLE, REVIEWED, Context, Draft, Problem, build_context, check, check_record
from .errors import QtEditorError
from .plan import FileChange, Plan
from .related import family_of, number_of, related_items, renumber
from .schema import Schema
from .yaml import json_safe, same, unshare

DEFAULT_RULES = tuple(r for r in FIXABLE if r not in REVIEWED) + ("required-missing",)
# one rule at a time, in this order: a fix that changes a source (the subject) comes before
# the fixes that derive from it (seo.title); links last, from their targets' fixed values
ORDER = (
    "subject-casing",
    "url-mismatch",
    "file-name-mismatch",
    "required-missing",
    "seo-title-mismatch",
    "title-mismatch",
    "related-self",
    "related-duplicate",
    "related-dangling",
    "related-stale-id",
    "related-stale-title",
    "id-duplicate",
)
LINK_RULES = ("related-stale-id", "related-stale-title")
_PRIORITY = {r: i for i, r in enumerate(ORDER)}
_ROUNDS = 12


def json_patch(old: Any, new: Any) -> dict:
    """The field patch that turns ``old`` into ``new`` (``None`` deletes a key)."""
    out: dict = {}
    for key, value in new.items():
        if key not in old:
            out[key] = value
        elif isinstance(value, dict) and isinstance(old[key], dict):
            sub = json_patch(old[key], value)
            if sub:
                out[key] = sub
        elif not same(value, old[key]):
            out[key] = value
    for key in old:
        if key not in new:
            out[key] = None
    return out


def _merge(data: dict, fix: dict) -> None:
    for key, value in fix.items():
        if value is None:
            data.pop(key, None)
        elif isinstance(value, dict) and isinstance(data.get(key), dict):
            _merge(data[key], value)
        else:
            data[key] = unshare(value)


class FixPlanner:
    """Plan the fixes of a collection (or of some of its files: ``only``)."""

    def __init__(
        self,
        root: Path,
        records: list,
        schema: Schema,
        slug_rule: str,
        severities: dict[str, str] | None = None,
        rules: Iterable[str] | None = None,
        only: set[str] | None = None,
        shown: Callable[[str], str] | None = None,
        problems: list[Problem] | None = None,
        lone: bool = False,
    ):
        self.root = Path(root)
        self.records = records
        self.schema = schema
        self.slug_rule = slug_rule
        self.severities = dict(severities or {})
        self.rules = set(rules) if rules else set(DEFAULT_RULES)
        self.only = only
        self.shown = shown or (lambda rel: rel)
        self.lone = lone
        if problems is None:
            ctx0 = build_context(records, schema, slug_rule, self.severities, lone)
            problems = check(records, context=ctx0, only=only)
        self.problems = problems
        self.raw: dict[str, bytes] = {}
        self.fresh: dict[str, Draft] = {}
        self.errors: dict[str, QtEditorError] = {}
        self.moves: dict[str, str] = {}  # old url -> new url (links follow)
        self.new_ids: dict[str, int] = {}  # rel -> its new id (id-duplicate)
        self.choices: dict[tuple[str, str], str | None] = {}  # dangling (rel, key) -> target
        self._inbound: dict[str, list[tuple[str, str]]] | None = None
        self.codec_keys = tuple(k for k, kind in schema.codec_fields().items() if kind == "escaped-newlines")
        self.own = frozenset(r for r in self.rules if r not in LINK_RULES and r not in REVIEWED)
        self.links = frozenset(r for r in self.rules if r in LINK_RULES or r in REVIEWED)

    # ------------------------------------------------------------------ reading
    def _read(self, rel: str) -> Draft | None:
        """The entry as it is on disk now (None when it cannot be read)."""
        if rel in self.fresh:
            return self.fresh[rel]
        if rel in self.errors:
            return None
        from .collection import entry_data, spots_of
        from .errors import FormatError
        from .storage import read_current

        path = self.root / rel
        if _linked(path):
            return None  # an alias: its target is fixed under its own name, or not at all
        try:
            raw = read_current(str(path))
            if raw is None:
                raise FormatError("no such file", str(path))
        except QtEditorError as exc:
            self.errors[rel] = exc.located(str(path))
            return None
        data, error, _lines = entry_data(raw, str(path))  # the index's fast reader
        if error is not None:
            m = _LOCATED.match(error)
            self.errors[rel] = (
                FormatError(m.group(4), m.group(1), int(m.group(2)), int(m.group(3)))
                if m
                else FormatError(error, str(path))
            )
            return None
        self.raw[rel] = raw
        rec = Draft(rel, data)
        rec.spots = spots_of(data, self.codec_keys)
        self.fresh[rel] = rec
        return rec

    def _records_with(self, views: dict[str, Draft]) -> list:
        return [views.get(r.path, r) for r in self.records]

    def inbound(self) -> dict[str, list[tuple[str, str]]]:
        """url -> (entry, related key) of every link, over the whole collection."""
        if self._inbound is None:
            found: dict[str, list[tuple[str, str]]] = {}
            family = family_of(self.schema)
            if family is None:
                self._inbound = found
                return found
            link = family.link
            for r in self.records:
                for key, snap in related_items(r.fields, family):
                    url = snap.get(link)
                    if isinstance(url, str):
                        found.setdefault(url, []).append((r.path, key))
            self._inbound = found
        return self._inbound

    def _links_to(self, rel: str, ctx: Context) -> set[str]:
        """The entries with a link that resolves to ``rel``."""
        out: set[str] = set()
        rec = ctx.by_url
        for url, holders in self.inbound().items():
            target = rec.get(url)
            if target is not None and target.path == rel:
                out.update(h for h, _key in holders)
        return out

    # ------------------------------------------------------------------ fixing one file
    def _settle(self, rel: str, data: Any, ctx: Context, rules: frozenset, spots: dict | None = None) -> Any:
        """``data`` with the fixes of ``rules`` applied one rule at a time until none is left."""
        if not isinstance(data, dict):
            return data
        data = unshare(data)
        self._link_ops(rel, data, ctx)
        if not rules:
            return data
        for _ in range(_ROUNDS):
            draft = Draft(rel, data)
            draft.spots = spots
            fixes = [p for p in check_record(draft, ctx, rules) if p.rule in rules and p.fix is not None]
            if not fixes:
                break
            first = min(_PRIORITY.get(p.rule, 99) for p in fixes)
            for p in fixes:
                if _PRIORITY.get(p.rule, 99) == first:
                    _merge(data, p.fix)  # type: ignore[arg-type]  # fixes: p.fix is not None
        return data

    def _link_ops(self, rel: str, data: dict, ctx: Context) -> None:
        """The consequences of other files' fixes: moved urls, new ids, dangling choices."""
        family = family_of(self.schema)
        if family is None:
            return
        link = family.link
        for key, snap in related_items(data, family):
            url = snap.get(link)
            if (rel, key) in self.choices:
                target = self.choices[(rel, key)]
                if target is None:
                    data.pop(key, None)
                    continue
                new = {k: v for k, v in family.snapshot(self._view(target)).items() if v is not None}
                data[key] = {k: new.get(k, v) for k, v in snap.items()} | {
                    k: v for k, v in new.items() if k not in snap
                }
                continue
            if isinstance(url, str) and url in self.moves:
                snap[link] = self.moves[url]
                url = snap[link]
            target = ctx.target(url)
            if target is not None and target.path in self.new_ids and "id" in snap:
                snap["id"] = self.new_ids[target.path]

    def _view(self, rel: str) -> dict:
        rec = self.post.get(rel) or self.fresh.get(rel)
        if rec is None:
            rec = next((r for r in self.records if r.path == rel), None)
        return rec.fields if rec is not None else {}

    # ------------------------------------------------------------------ the plan
    def plan(self) -> Plan:
        rules = self.rules
        targets = {
            p.path for p in self.problems if p.rule in rules and (p.fix is not None or p.rule in REVIEWED)
        }
        involved = self._readable(targets)
        ctx1 = build_context(
            self._records_with(self.fresh), self.schema, self.slug_rule, self.severities, self.lone
        )
        # 1. every file's own fields (the files the index says have such problems)
        self.post: dict[str, Draft] = {}
        has_own = {p.path for p in self.problems if p.rule in self.own and p.fix is not None}
        self._fix_own(involved, has_own, ctx1)
        # 2. consequences elsewhere
        followers = self._follow_moves(ctx1)
        if "id-duplicate" in rules:
            followers |= self._renumber(ctx1, involved)
        if "related-dangling" in rules:
            self._choose_targets(ctx1, involved)
        for rel in sorted(followers - involved):
            if self._read(rel) is not None:
                involved.add(rel)
                self.post[rel] = self.fresh[rel]
        views = {**self.fresh, **self.post}
        ctx2 = build_context(
            self._records_with(views), self.schema, self.slug_rule, self.severities, self.lone
        )
        # 3. the links, from their targets' fixed values
        self.ctx1, self.ctx2 = ctx1, ctx2
        plan = Plan("Fix " + (", ".join(sorted(self.rules)) if self.rules != set(DEFAULT_RULES) else "all"))
        self._by_path: dict[str, list[Problem]] = {}
        for p in self.problems:
            self._by_path.setdefault(p.path, []).append(p)
        final: dict[str, Any] = {}
        self._after: dict[str, list[Problem]] = {}
        jobs: list[tuple[str, dict]] = []
        index_local = {r.path: r.local for r in self.records if getattr(r, "local", None) is not None}

        def work() -> Iterator[tuple[str, bytes, dict, str]]:
            """Each file's final fields, problems after and patch, as the workers render the
            files before it (the rendering overlaps this process's work)."""
            for rel in sorted(involved):
                final[rel] = self._final(rel, self.post[rel].data, ctx2)
                draft = Draft(rel, final[rel])
                draft.spots = self.fresh[rel].spots
                if rel not in has_own and self.post[rel] is self.fresh[rel]:
                    draft.local = index_local.get(rel)  # its own fields are as the index read them
                self._after[rel] = check_record(draft, ctx2)
                before = self.fresh[rel]
                delta = json_patch(before.data, final[rel]) if isinstance(final[rel], dict) else {}
                if delta:
                    jobs.append((rel, delta))
                    yield (str(self.root / rel), self.raw[rel], delta, self.shown(rel))

        rendered = _render_all(work(), self.schema, len(involved))
        for (rel, _delta), (new, error, diff) in zip(jobs, rendered, strict=True):
            change = self._change(rel, new, error)
            if change is not None:
                change.diff_text = diff
                plan.changes.append(change)
        for rel, exc in sorted(self.errors.items()):
            if rel in targets:
                plan.changes.append(FileChange(self.root / rel, self.shown(rel), b"", None, error=exc))
        plan.left = self._left(final, ctx2)
        return plan

    def _readable(self, targets: set[str]) -> set[str]:
        """The files to change that can be read: every one is read from disk now (the values
        copied from others come from the index, refreshed by stamps that see any write)."""
        involved = set(targets)
        for rel in list(involved):
            if self._read(rel) is None:
                involved.discard(rel)
        return involved

    def _fix_own(self, involved: set[str], has_own: set[str], ctx1: Context) -> None:
        """Step 1 of the plan: each involved file's post-fix draft in ``self.post`` (its own
        fields settled when the index says it has such problems, else the file as read)."""
        for rel in sorted(involved):
            fresh = self.fresh[rel]
            if rel in has_own:
                self.post[rel] = Draft(rel, self._settle(rel, fresh.data, ctx1, self.own, fresh.spots))
                self.post[rel].spots = fresh.spots
            else:
                self.post[rel] = fresh

    def _follow_moves(self, ctx1: Context) -> set[str]:
        """The urls step 1 moved (into ``self.moves``) and the files whose links follow them."""
        followers: set[str] = set()
        for rel, rec in self.post.items():
            old_url = self.fresh[rel].fields.get("url")
            new_url = rec.fields.get("url")
            if (
                isinstance(old_url, str)
                and old_url
                and new_url != old_url
                and isinstance(new_url, str)
                and ctx1.site.url_at(rel) != old_url
            ):
                self.moves[old_url] = new_url
                followers.update(h for h, _k in self.inbound().get(old_url, ()))
        return followers

    def _final(self, rel: str, data: Any, ctx: Context) -> Any:
        data = self._settle(rel, data, ctx, self.links - set(REVIEWED))
        if self.new_ids.get(rel) is not None and isinstance(data, dict):
            data["id"] = self.new_ids[rel]
        return data

    def _fields_for(self, rel: str, stored: Any) -> Any:
        """All fixes of one file, from its stored data as read now (at plan or write time)."""
        data = self._settle(rel, json_safe(stored), self.ctx1, self.own)
        return self._final(rel, data, self.ctx2)

    def _change(self, rel: str, new: bytes | None, error: QtEditorError | None) -> FileChange | None:
        path = self.root / rel
        raw = self.raw[rel]
        if error is not None:
            return FileChange(path, self.shown(rel), raw, None, error=error)
        if new is None:
            return None

        def recompute(entry: Any, rel: str = rel) -> Any:
            if not isinstance(entry.data, dict):
                return None
            final = self._fields_for(rel, entry.data)
            delta = json_patch(json_safe(entry.data), final)
            return _fields(entry, delta) if delta else None

        wanted = self.rules
        fixed_before = sum(1 for p in self._by_path.get(rel, ()) if p.rule in wanted)
        fixed_after = sum(1 for p in self._after[rel] if p.rule in wanted)
        return FileChange(
            path, self.shown(rel), raw, new, recompute, fixed=max(0, fixed_before - fixed_after)
        )

    def _left(self, final: dict[str, Any], ctx2: Context) -> list[Problem]:
        left = [p for p in self.problems if p.path not in final and p.needs_decision]
        for rel in final:
            if self.only is not None and rel not in self.only:
                continue
            left += [p for p in self._after[rel] if p.needs_decision]
        return [p for p in left if p.severity != "info"]

    # ------------------------------------------------------------------ reviewed fixes
    def _renumber(self, ctx: Context, involved: set[str]) -> set[str]:
        """id-duplicate: the oldest entry of each group (by date, then path) keeps the id; the
        others take the next free ids. Returns the entries whose links must follow."""
        highest = max(
            (r.fields.get("id") for r in self._records_with(self.fresh) if type(r.fields.get("id")) is int),
            default=0,
        )
        next_id = max(highest, 0) + 1
        followers: set[str] = set()
        for _ident, group in sorted(ctx.ids.items(), key=lambda kv: str(kv[0])):
            members = sorted(
                (r for r in group if not _linked(self.root / r.path)),  # (an alias is no entry)
                key=lambda r: (str(r.fields.get("date") or "9999"), r.path),
            )
            if not any(m.path in involved for m in members):
                continue
            for member in members[1:]:
                if member.path not in self.post:
                    continue
                self.new_ids[member.path] = next_id
                post = self.post[member.path]
                if post is self.fresh.get(member.path):  # (the file's own view: a copy to change)
                    post = self.post[member.path] = Draft(member.path, copy.deepcopy(post.data))
                    post.spots = self.fresh[member.path].spots
                post.data["id"] = next_id
                next_id += 1
                followers |= self._links_to(member.path, ctx)
        return followers

    def _choose_targets(self, ctx: Context, involved: set[str]) -> None:
        """related-dangling: the closest entry by slug and title, or nothing (removal)."""
        index = _Similar(self._records_with(self.fresh))
        for p in self.problems:
            if p.rule != "related-dangling" or p.path not in involved or p.field is None:
                continue
            snap = self.fresh[p.path].fields.get(p.field)
            if not isinstance(snap, dict):
                continue
            url = snap.get(self.schema.related.link if self.schema.related is not None else "url")
            stem = PurePosixPath(url).name if isinstance(url, str) else ""
            best = index.closest(stem, str(snap.get("title") or ""), exclude=p.path)
            self.choices[(p.path, p.field)] = best


def _linked(path: Path) -> bool:
    """Whether a collection's file is a symbolic link. A fix never writes through one: the
    link is named like no entry (its file_name and url "fixes" would rename the entry it
    points at, and the links to that entry would follow), or points outside the collection."""
    import os

    return os.path.islink(path)


def _fields(entry: Any, delta: dict) -> Any:
    return apply_patch(entry.fields(), delta, entry.schema)


PARALLEL = 400  # files: more are rendered on worker processes (one a core)


def _render_one(path: str, raw: bytes, delta: dict, shown: str, schema: Schema) -> tuple:
    """(new bytes or None, error or None, diff or None) of one file and its field patch."""
    from .entry import Entry
    from .plan import unified_diff

    try:
        entry = Entry.from_bytes(raw, path, schema, writing=True)
        rendered = entry.render(_fields(entry, delta), need_parsed=False)
    except QtEditorError as exc:
        return None, exc.located(path), None
    if rendered is None:
        return None, None, None
    return rendered[0], None, unified_diff(raw, rendered[0], shown)


def _render_here(items: Iterable[tuple[str, bytes, dict, str]], schema: Schema) -> list[tuple]:
    """``_render_one`` of each item in this process. A file's full YAML parse leaves reference
    cycles (some 250 objects a file) that only the cyclic collector frees: while ``check`` and
    ``fix`` hold it off (``bulk.gc_paused``), each file's are collected once it is rendered (its
    young generation only: the records made before are walked once, then no more)."""
    import gc

    out = []
    for item in items:
        out.append(_render_one(*item, schema))
        if not gc.isenabled():
            gc.collect(0)
    return out


def _render_chunk(job: tuple[str | None, list[tuple[str, bytes, dict, str]]]) -> list[tuple]:
    """A worker's part of ``_render_all``: errors travel as (text, path, line, column, kind)."""
    from .collection import rules_for

    source, items = job
    schema = rules_for(source)[0]
    out = []
    for path, raw, delta, shown in items:
        new, error, diff = _render_one(path, raw, delta, shown, schema)
        out.append(
            (
                new,
                None
                if error is None
                else (error.message, error.path, error.line, error.column, type(error).__name__),
                diff,
            )
        )
    return out


def _render_all(
    items: Iterable[tuple[str, bytes, dict, str]], schema: Schema, expected: int | None = None
) -> list[tuple]:
    """(new bytes, error, diff) of each (path, old bytes, field patch, shown path), in order:
    rendered by the core writer (verified), on worker processes when there are many
    (``expected``: at most how many items come; the workers start on the first chunks while
    the later items are still being computed)."""
    import os

    workers = min(4, os.cpu_count() or 1)
    if expected is None:
        items = list(items)
        expected = len(items)
    if expected < PARALLEL or workers < 2:
        return _render_here(items, schema)
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from . import errors as error_types
    from .collection import rules_for

    bundled = schema.source is None or schema.source == rules_for(None)[0].source
    source = None if bundled else str(schema.source)
    size = max(50, min(200, expected // (workers * 4)))
    taken: list[tuple[str, bytes, dict, str]] = []

    def chunks() -> Iterator[tuple[str | None, list[tuple[str, bytes, dict, str]]]]:
        it = iter(items)
        while batch := list(itertools.islice(it, size)):
            taken.extend(batch)
            yield (source, batch)

    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    pending = chunks()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
            results = [r for chunk in pool.map(_render_chunk, pending) for r in chunk]
    except (BrokenProcessPool, OSError):  # workers could not start here: render in this one
        for _ in pending:  # (every item computed first)
            pass
        return _render_here(taken, schema)
    out = []
    for new, error, diff in results:
        if error is not None:
            message, path, line, column, kind = error
            cls = getattr(error_types, kind, error_types.QtEditorError)
            out.append((None, cls(message, path, line, column), None))
        else:
            out.append((new, None, diff))
    return out


def apply_patch(fields: dict, fix: dict, schema: Schema | None = None) -> dict:
    """Editor fields with a fix (a field patch) applied: each value in its field's type,
    related articles numbered again after one is removed."""
    out = patching.merge(fields, fix, schema)
    family = family_of(schema)
    if family is None:
        return out
    removed = any(v is None and number_of(k, family) is not None for k, v in fix.items())
    return renumber(out, family) if removed else out


_WORD = re.compile(r"[a-z0-9]+")
_LOCATED = re.compile(r"^(.*?):(\d+):(\d+): (.*)$", re.S)


class _Similar:
    """Entries by slug and title words, for the closest match of a dangling link."""

    THRESHOLD = 0.85

    def __init__(self, records: list):
        self.by_stem: dict[str, list] = {}
        self.by_word: dict[str, list] = {}
        self.records = [r for r in records if r.error is None and isinstance(r.data, dict)]
        for r in self.records:
            stem = PurePosixPath(r.path).stem
            self.by_stem.setdefault(stem, []).append(r)

    def _words(self) -> dict[str, list]:
        if not self.by_word:
            for r in self.records:
                for w in set(_WORD.findall(PurePosixPath(r.path).stem)):
                    if len(w) > 3:
                        self.by_word.setdefault(w, []).append(r)
        return self.by_word

    def closest(self, stem: str, title: str, exclude: str) -> str | None:
        same_name = [r for r in self.by_stem.get(stem, ()) if r.path != exclude]
        if same_name:
            return sorted(same_name, key=lambda r: r.path)[0].path
        words = [w for w in set(_WORD.findall(stem)) if len(w) > 3]
        pool: dict[str, Any] = {}
        index = self._words()
        for w in sorted(words, key=lambda w: len(index.get(w, ())))[:4]:  # the rarest words
            for r in index.get(w, ())[:2000]:
                pool[r.path] = r
        best, best_score = None, 0.0
        t = title.lower()
        for r in pool.values():
            if r.path == exclude:
                continue
            score = max(
                difflib.SequenceMatcher(None, stem, PurePosixPath(r.path).stem).ratio(),
                difflib.SequenceMatcher(None, t, str(r.fields.get("title") or "").lower()).ratio()
                if t
                else 0.0,
            )
            if score > best_score or (score == best_score and best is not None and r.path < best):
                best, best_score = r.path, score
        return best if best_score >= self.THRESHOLD else None


# ---------------------------------------------------------------------------- batch edits
def plan_assignments(
    files: list[Path], assignments: list[str], shown: Callable[[Path], str], title: str = "Set a field"
) -> Plan:
    """A batch edit: KEY=VALUE assignments on every file, each value in its field's type,
    computed again from each file as it is when it is written."""
    from .entry import Entry

    plan = Plan(title)

    def change(entry: Any) -> Any:
        return patching.assign(entry.fields(), assignments, entry.schema)

    for file in files:
        try:
            entry = Entry.load(file)
            rendered = entry.render(change(entry))
            plan.changes.append(
                FileChange(
                    Path(file), shown(Path(file)), entry.raw, rendered[0] if rendered else None, change
                )
            )
        except QtEditorError as exc:
            plan.changes.append(
                FileChange(Path(file), shown(Path(file)), b"", None, error=exc.located(str(file)))
            )
    return plan
