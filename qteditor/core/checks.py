"""Checks over a collection: rules -> problems, each with a fix expressed as a field patch.

Rule ids (public contract): related-dangling, related-stale-id, related-stale-title,
related-duplicate, related-self, id-duplicate, file-name-mismatch, url-mismatch,
subject-casing, title-mismatch, seo-title-mismatch, seo-description-length, required-missing,
field-pattern, field-length, answer-ambiguous-newline, yaml-error.

Severities: an *error* breaks the site (a dangling link, a wrong url, a duplicate id), a
*warning* is worth fixing, an *info* is a note (a description outside the search engines'
window, which 98 % of the real entries have). A collection sets a rule's severity, or turns it
off, in ``.qteditor/config.yaml`` (``config.py``).

A fix only ever writes a value it has: when the value to copy is missing or empty (a target
without an id, an entry without a title) the problem has no fix and needs a decision.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeGuard

from . import slugs
from .related import related_items
from .schema import Schema, default_schema
from .site import Site, site_for
from .validate import validate

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
RULES = {
    "related-dangling": ERROR,
    "related-stale-id": WARNING,
    "related-stale-title": WARNING,
    "related-duplicate": WARNING,
    "related-self": WARNING,
    "id-duplicate": ERROR,
    "file-name-mismatch": ERROR,
    "url-mismatch": ERROR,
    "subject-casing": WARNING,
    "title-mismatch": WARNING,
    "seo-title-mismatch": WARNING,
    "seo-description-length": INFO,
    "required-missing": ERROR,
    "field-pattern": WARNING,
    "field-length": WARNING,
    "answer-ambiguous-newline": WARNING,
    "yaml-error": ERROR,
}
# rules that look at other entries; every other rule looks at one file alone, and its findings
# are kept in the index (computed by the index's workers when a file changes)
COLLECTION_RULES = (
    "related-dangling",
    "related-stale-id",
    "related-stale-title",
    "id-duplicate",
    "subject-casing",
)
_COLLECTION_SET = frozenset(COLLECTION_RULES)
CHECKS_VERSION = 4  # of what the rules find: the index's stored findings are of one version
# fixes applied only when asked for by name (``fix --rule``, the panel's menu), after the diff
REVIEWED = ("id-duplicate", "related-dangling")
# rules whose problems can have a fix (the others always need a person)
FIXABLE = (
    "related-stale-id",
    "related-stale-title",
    "related-duplicate",
    "related-self",
    "file-name-mismatch",
    "url-mismatch",
    "subject-casing",
    "title-mismatch",
    "seo-title-mismatch",
    *REVIEWED,
)


def fixable(rule: str) -> bool:
    """Whether a rule's problems are offered a fix across files (``qteditor fix --rule``, the
    window's "Fix all"): the ``FIXABLE`` rules, and a missing required field (filled in when
    it follows from the others)."""
    return rule in FIXABLE or rule == "required-missing"


_LOCATED = re.compile(r"^.*?:(\d+):(\d+): (.*)$", re.S)


@dataclass
class Problem:
    path: str
    rule: str
    message: str
    field: str | None = None
    line: int | None = None
    fix: dict | None = None
    severity: str = ""
    file: str | None = None  # where the entry is on disk (set by whoever knows the root)

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = RULES[self.rule]

    @property
    def needs_decision(self) -> bool:
        """No fix can be computed (the right value is unknown, or no rule can know it)."""
        return self.fix is None

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


class Draft:
    """An entry as a rule sees it that is not in the index: read from disk just now, or being
    edited (``data`` is the stored form: JSON-safe values, codec fields encoded)."""

    __slots__ = ("path", "data", "error", "spots", "local")

    def __init__(self, path: str, data: Any, error: str | None = None):
        self.path = path
        self.data = data
        self.error = error
        self.spots: dict | None = None  # the codec fields' ambiguity summary (None: not known)
        self.local: dict | None = None  # what the rules over this file found (None: not known)

    @property
    def fields(self) -> dict:
        return self.data if isinstance(self.data, dict) else {}


def _has_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


@dataclass
class Context:
    """What a rule needs to know of the rest of the collection."""

    site: Site
    schema: Schema
    severities: dict[str, str] = field(default_factory=dict)
    by_url: dict[str, Any] = field(default_factory=dict)  # url -> record
    ids: dict[Any, list] = field(default_factory=dict)  # id -> records
    canonical: dict[str, str] = field(default_factory=dict)  # subject folder -> spelling
    lone: bool = False  # a file opened alone: links cannot be resolved

    def severity(self, rule: str) -> str:
        return self.severities.get(rule, RULES[rule])

    def target(self, url: Any) -> Any:
        return self.by_url.get(url) if isinstance(url, str) else None


def build_context(
    records: Iterable,
    schema: Schema | None = None,
    slug_rule: str = slugs.COLLECTION,
    severities: dict[str, str] | None = None,
    lone: bool = False,
) -> Context:
    schema = schema or default_schema()
    site = site_for(schema, slug_rule)
    ctx = Context(site, schema, dict(severities or {}), lone=lone)
    link = schema.related.link if schema.related is not None else "url"  # what a link names
    spellings: dict[str, Counter] = defaultdict(Counter)
    ids: dict[Any, list] = defaultdict(list)
    for r in records:
        if r.error is not None or not isinstance(r.data, dict):
            continue
        f = r.data
        for url in (f.get(link), site.url_at(r.path)):
            if isinstance(url, str) and url:
                ctx.by_url.setdefault(url, r)
        ident = f.get("id")
        if ident is not None and not isinstance(ident, (dict, list)):
            ids[ident].append(r)
        subject = f.get("subject")
        if _has_text(subject):
            spellings[site.folder(subject)][subject] += 1
    ctx.ids = {k: v for k, v in ids.items() if len(v) > 1}
    # the most common spelling of each subject folder, ties to the first in sorted order
    ctx.canonical = {
        slug: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        for slug, c in spellings.items()
        if len(c) > 1
    }
    return ctx


def check(
    records: list,
    schema: Schema | None = None,
    only: set[str] | None = None,
    slug_rule: str = slugs.COLLECTION,
    severities: dict[str, str] | None = None,
    context: Context | None = None,
) -> list[Problem]:
    """Problems of ``records`` (collection.Record); ``only`` limits reporting to some paths."""
    ctx = context or build_context(records, schema, slug_rule, severities)
    problems: list[Problem] = []
    for r in records:
        if only is not None and r.path not in only:
            continue
        problems.extend(check_record(r, ctx))
    return problems


def check_record(r: Any, ctx: Context, rules: set[str] | frozenset | None = None) -> list[Problem]:
    """The problems of one record (anything with path, data, error; lines, spots, omitted and
    stored ``local`` findings optional). ``rules``: only these are wanted (the rules over one
    file are skipped when none of them is)."""
    out: list[Problem] = []
    severity_of = ctx.severities.get
    if rules is None or not rules <= _COLLECTION_SET:
        for rule, message, key, fix, line in local_of(r, ctx.site, ctx.schema, rules):
            severity = severity_of(rule) or RULES[rule]
            if severity != "off":
                out.append(Problem(r.path, rule, message, key, line, fix, severity))
    if r.error is not None or not isinstance(r.data, dict):
        return out

    def add(rule: str, message: str, key: str | None = None, fix: dict | None = None) -> None:
        severity = severity_of(rule) or RULES[rule]
        if severity == "off":
            return
        line = r.line_of(key) if key is not None and hasattr(r, "line_of") else None
        out.append(Problem(r.path, rule, message, key, line, fix, severity))

    f = r.data
    if not ctx.lone and (rules is None or not rules.isdisjoint(_LINK_SET)):
        _links(r, f, ctx, add)
    if rules is None or "id-duplicate" in rules:
        _ids(r, f, ctx, add)
    if rules is None or "subject-casing" in rules:
        _casing(f, ctx, add)
    return out


_OWN_LINKS = frozenset(("related-self", "related-duplicate"))
_LINKED = frozenset(("title-mismatch",))
_CODEC = frozenset(("answer-ambiguous-newline",))


Finding = tuple  # (rule, message, field, fix, line): what the index keeps of a local problem


def local_of(r: Any, site: Site, schema: Schema, rules: set[str] | frozenset | None = None) -> list[Finding]:
    """The record's findings of the rules that look at it alone: the index's copy when it has
    one for this slug rule, else computed now (``rules``: at least these; None: all)."""
    stored = getattr(r, "local", None)
    if stored is not None:  # (an index record's data is its facts: the findings are all there is)
        found = stored.get(site.slug_rule, stored.get("*"))
        return found if found is not None else []
    return local_findings(r, site, schema, rules)


def local_variants(r: Any, schema: Schema, sites: dict[str, Site]) -> dict[str, list[Finding]]:
    """``local_findings`` under every slug rule the answer depends on: {"*": findings} when the
    rules agree on the entry's slugs (most entries), else one list a rule."""
    first = sites[slugs.COLLECTION]
    found = local_findings(r, first, schema)
    if not isinstance(r.data, dict) or not first.slug_sensitive(r.data):
        return {"*": found}
    out = {slugs.COLLECTION: found}
    for rule, site in sites.items():
        if rule != slugs.COLLECTION:
            out[rule] = local_findings(r, site, schema)
    return out


def local_findings(
    r: Any, site: Site, schema: Schema, rules: set[str] | frozenset | None = None
) -> list[Finding]:
    """The findings of the rules that look at one file alone (default severities); with
    ``rules``, only the rules that can report one of those are run (the others' findings may
    come too)."""
    out: list[Finding] = []
    has_lines = hasattr(r, "line_of")

    def add(
        rule: str, message: str, key: str | None = None, fix: dict | None = None, line: int | None = None
    ) -> None:
        if line is None and key is not None and has_lines:
            line = r.line_of(key)
        out.append((rule, message, key, fix, line))

    if r.error is not None or not isinstance(r.data, dict):
        m = _LOCATED.match(r.error or "")
        add(
            "yaml-error",
            m.group(3) if m else (r.error or "the front matter is not a mapping"),
            None,
            None,
            int(m.group(1)) if m else 1,
        )
        return out
    f = r.data
    derived_rules, validated = site.derived_rules, site.validated_rules

    def wanted(group: frozenset) -> bool:
        return rules is None or not group.isdisjoint(rules)

    if wanted(_OWN_LINKS):
        _own_links(r, f, site, add)
    if wanted(derived_rules):
        _derived(r, f, site, add)
    if wanted(_LINKED):
        _linked(f, site, add)
    if wanted(validated):
        _validated(r, f, site, schema, add)
    if wanted(_CODEC):
        _ambiguous_newlines(r, f, schema, add)
    return out


def facts(data: Any, site: Site) -> Any:
    """The part of an entry's data the rules over other entries read (a fraction of it, so a
    check of 36,000 entries loads little): ids, titles, subjects, urls, dates, the fields
    derived from the subject, and the related articles' snapshots."""
    if not isinstance(data, dict):
        return data
    out: dict = {}
    for key in site.fact_keys:
        if key in data:
            out[key] = data[key]
    for dotted in site.fact_paths:
        head, _, tail = dotted.partition(".")
        sub = data.get(head)
        if isinstance(sub, dict) and tail in sub:
            out.setdefault(head, {})[tail] = sub[tail]
    family = site.schema.related
    if family is not None:
        keys = family.keys
        for key, snap in related_items(data, family):
            out[key] = {k: snap[k] for k in keys if k in snap}
    return out


class _Add(Protocol):
    """How the rules below report a finding (``check``'s and ``local_findings``' ``add``)."""

    def __call__(self, rule: str, message: str, key: str | None = None, fix: dict | None = None) -> None: ...


def _own_links(r: Any, f: dict, site: Site, add: _Add) -> None:
    """Related articles listed twice, or linking the entry to itself."""
    family = site.schema.related
    if family is None:
        return
    link = family.link
    own_url = f.get(link)
    path_url = site.url_at(r.path)
    seen: dict[str, str] = {}
    for key, rel in related_items(f, family):
        url = rel.get(link)
        if not isinstance(url, str) or not url:
            continue
        if url in seen:
            add("related-duplicate", f"{key} repeats {seen[url]} ({url})", key, {key: None})
            continue
        seen[url] = key
        if url in (own_url, path_url):
            add("related-self", f"{key} links the entry to itself", key, {key: None})


def _links(r: Any, f: dict, ctx: Context, add: _Add) -> None:
    """Related articles that point at no entry, or whose snapshot is stale (the subfields with
    a ``rule`` against the target's fields of the same name)."""
    family = ctx.schema.related
    if family is None:
        return
    link = family.link
    own_url = f.get(link)
    path_url = ctx.site.url_at(r.path)
    by_url = ctx.by_url
    stale = [(sub, rule) for sub, rule in family.stale if rule in _STALE]
    seen: set[str] = set()
    for key, rel in related_items(f, family):
        url = rel.get(link)
        if not isinstance(url, str) or not url or url in seen:
            continue
        seen.add(url)
        if url in (own_url, path_url):
            continue
        target = by_url.get(url)
        if target is None:
            add("related-dangling", f"{key}: no entry has the {link} {url}", key)
            continue
        t = target.data if isinstance(target.data, dict) else {}
        for sub, rule in stale:
            if sub in rel:
                old, new = rel[sub], t.get(sub)
                if old != new:
                    _stale(key, sub, rule, old, new, target.path, add)


_STALE = frozenset(("related-stale-id", "related-stale-title"))  # a snapshot subfield's rules
_LINK_SET = frozenset(("related-dangling",)) | _STALE  # what ``_links`` reports


def _stale(key: str, sub: str, rule: str, old: Any, new: Any, where: str, add: _Add) -> None:
    """A snapshot's value that differs from its target's: ``related-stale-id`` names both
    values and copies any, ``related-stale-title`` copies a text."""
    if rule == "related-stale-id":
        fix = {key: {sub: new}} if new is not None and _copyable(old, new) else None
        if fix:
            message = f"{key}: {sub} {old} but {where} has {sub} {new}"
        elif new is None:
            message = f"{key}: {sub} {old} but {where} has no {sub} (nothing to copy: a decision is needed)"
        else:
            message = (
                f"{key}: {sub} {old!r} but {where} has {sub} {new!r}, "
                "which cannot be copied here (a decision is needed)"
            )
    else:
        fix = {key: {sub: new}} if _has_text(new) and _copyable(old, new) else None
        message = f"{key}: the {sub} differs from {where}'s" + (
            ""
            if fix
            else f" (it has no {sub} to copy: a decision is needed)"
            if not _has_text(new)
            else f" (its {sub} cannot be written as this one's: a decision is needed)"
        )
    add(rule, message, f"{key}.{sub}", fix)


def _copyable(old: Any, new: Any) -> bool:
    """Whether a target's value can be written over a snapshot's as it is: the writer keeps
    the type of the value it replaces (``patch.coerce``), so a value of another type (an id
    'abc', 12.5, '777' or true over an int) would be refused, failing the file's every fix, or
    be written as something else and found stale again on every run."""
    return old is None or type(old) is type(new)


def _ids(r: Any, f: dict, ctx: Context, add: _Add) -> None:
    ident = f.get("id")
    if ident is None or isinstance(ident, (dict, list)):
        return
    group = ctx.ids.get(ident)
    if group:
        others = ", ".join(o.path for o in group if o is not r and o.path != r.path)
        add("id-duplicate", f"id {ident} is also used by {others}", "id")


def _derived(r: Any, f: dict, site: Site, add: _Add) -> None:
    """Fields that follow from others (seo.title) or name the file (file_name, url)."""
    name = r.path.rsplit("/", 1)[-1]
    derived, located = site.compute(f, r.path)
    away = site.misplaced(f, r.path) if site.folder_followers else None

    def fixed(d: Any, message: str, want: str) -> None:
        if away is not None and d.key in site.folder_followers:  # the subject may be the mistake
            add(d.rule, _away(message, away), d.key)
        else:
            add(d.rule, message, d.key, _patch(d.key, want))

    for d in site.derived:
        if d.rule is None or not _present(f, d.key):
            continue
        value = _get(f, d.key)
        if d.key in located:
            want = located[d.key]
            if value != want:
                if d.key == site.name_field:
                    fixed(d, f"{d.key} is {value!r} but the file is named {name!r}", want)
                else:
                    fixed(d, f"{d.key} should be {want}", want)
            elif d.key == site.name_field and d.key in derived and value != derived[d.key]:
                add(d.rule, f"{d.key} {value!r} is not the slug of the title ({derived[d.key]!r})", d.key)
        elif d.key in derived and value != derived[d.key]:
            fixed(d, f"{d.key} should be {derived[d.key]!r}", derived[d.key])


def _away(message: str, away: tuple[str, str]) -> str:
    """A problem of a field that follows the subject while the subject names another folder
    than the file's (which of the two is right is not known: no fix)."""
    return (
        f"{message} (the subject names the folder {away[0]!r} but the file is in "
        f"{away[1]!r}: correct the subject or move the file; a decision is needed)"
    )


def _casing(f: dict, ctx: Context, add: _Add) -> None:
    """Subject spellings: one folder, two display names."""
    subject = f.get("subject")
    if not _has_text(subject):
        return
    site = ctx.site
    canon = ctx.canonical.get(site.folder(subject))
    if canon is None or subject == canon:
        return
    fix: dict = {"subject": canon}
    follow = {**f, "subject": canon}
    for d in site.derived:  # derived fields that followed the old spelling follow along
        if (
            "{subject}" in d.template
            and _present(f, d.key)
            and _get(f, d.key) == site.evaluate(d.template, f)
        ):
            new = site.evaluate(d.template, follow)
            if new is not None:
                _merge(fix, _patch(d.key, new))
    add("subject-casing", f"subject {subject!r} is a less common spelling of {canon!r}", "subject", fix)


def _linked(f: dict, site: Site, add: _Add) -> None:
    """title, article_title and question stay equal; the title is the one to copy."""
    if not site.linked:
        return
    head = site.linked[0]
    keys = [k for k in site.linked if k in f]
    if len(keys) < 2:
        return
    values = [f[k] for k in keys]
    if len({repr(v) for v in values}) <= 1:
        return
    if keys[0] != head:  # the title itself is missing
        keys = [head, *keys]
    source = f.get(head)
    fix: dict | None = None
    if _has_text(source):
        fix = {k: source for k in keys[1:] if f[k] != source}
    else:  # no title: the others, when they agree, are what it was
        others = {f[k] for k in keys[1:] if _has_text(f[k])}
        if len(others) == 1 and all(_has_text(f[k]) or f[k] in (None, "") for k in keys[1:]):
            value = others.pop()
            fix = {k: value for k in keys if f[k] != value}
    wrong = next((k for k in keys[1:] if f[k] != source), keys[1])
    add(
        "title-mismatch",
        f"{', '.join(keys)} differ" + ("" if fix else " (no title to copy: a decision is needed)"),
        wrong if _has_text(source) else head,
        fix or None,
    )


def _validated(r: Any, f: dict, site: Site, schema: Schema, add: _Add) -> None:
    """The schema's field warnings; a missing field that follows from others gets its fix."""
    known: dict | None = None
    for finding in validate(f, schema, getattr(r, "omitted", None)):
        fix = None
        message = finding.message
        if finding.rule == "required-missing":  # a missing field that follows from others
            if known is None:
                both = site.compute(f, r.path)
                known = {**both[0], **both[1]}
            if finding.key in known and not _present(f, finding.key):
                away = site.misplaced(f, r.path) if finding.key in site.folder_followers else None
                if away is None:
                    fix = _patch(finding.key, known[finding.key])
                else:  # it would follow a subject that may be the mistake
                    message = _away(message, away)
        add(finding.rule, message, finding.key, fix)


def _ambiguous_newlines(r: Any, f: dict, schema: Schema, add: _Add) -> None:
    """Escaped-newline fields with a \\n that could be a line break or text (the index's
    summary when the record has one, else computed now)."""
    spots = getattr(r, "spots", None)
    for key, kind in schema.codec_fields().items():
        if kind != "escaped-newlines":
            continue
        summary = spots.get(key) if spots is not None else None
        if spots is None and isinstance(f.get(key), str):
            from . import codec

            found = codec.ambiguities(f[key], codec.detect(f[key]))
            summary = (len(found), sorted({"\\" + s.word for s in found})) if found else None
        if summary:
            count, words = summary
            add("answer-ambiguous-newline", f"{count} ambiguous \\n spot(s): {', '.join(words)}", key)


def _present(f: dict, dotted: str) -> bool:
    value: Any = f
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True


def _get(f: dict, dotted: str) -> Any:
    value: Any = f
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _patch(dotted: str, value: Any) -> dict:
    from .patch import nested

    return nested({dotted: value})


def _merge(into: dict, patch: dict) -> dict:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


def counts(problems: Iterable[Problem]) -> dict[str, int]:
    """Problems per severity."""
    c = Counter(p.severity for p in problems)
    return {s: c.get(s, 0) for s in (ERROR, WARNING, INFO)}
