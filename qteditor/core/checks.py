"""Checks over a collection: rules -> problems, each with a fix expressed as a field patch.

Rule ids (public contract): related-dangling, related-stale-id, related-stale-title,
related-duplicate, related-self, id-duplicate, file-name-mismatch, url-mismatch,
subject-casing, title-mismatch, seo-title-mismatch, seo-description-length, required-missing,
answer-ambiguous-newline, yaml-error.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from . import codec, slugs
from .related import related_items
from .schema import Schema, default_schema

ERROR, WARNING = "error", "warning"
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
    "seo-description-length": WARNING,
    "required-missing": ERROR,
    "answer-ambiguous-newline": WARNING,
    "yaml-error": ERROR,
}
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

    def __post_init__(self) -> None:
        if not self.severity:
            self.severity = RULES[self.rule]

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "field": self.field, "rule": self.rule,
                "severity": self.severity, "message": self.message, "fix": self.fix}


def _path_url(rel: str) -> str:
    p = PurePosixPath(rel)
    return f"/learn/{p.parent.name}/questions/{p.stem}"


def check(records: list, schema: Schema | None = None, only: set[str] | None = None,
          slug_rule: str = slugs.COLLECTION) -> list[Problem]:
    """Problems of ``records`` (collection.Record); ``only`` limits reporting to some paths."""
    schema = schema or default_schema()
    problems: list[Problem] = []
    ok = [r for r in records if r.error is None and isinstance(r.data, dict)]
    by_url: dict[str, Any] = {}
    for r in ok:
        for url in (r.fields.get("url"), _path_url(r.path)):
            if isinstance(url, str) and url:
                by_url.setdefault(url, r)
    ids: dict[Any, list] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for r in ok:
        ident = r.fields.get("id")
        if ident is not None:
            ids[ident].append(r)
        subject = r.fields.get("subject")
        if isinstance(subject, str) and subject:
            spellings[slugs.subject_slug(subject)][subject] += 1
    canonical = {slug: c.most_common(1)[0][0] for slug, c in spellings.items()
                 if len(c) > 1}
    required = [f for f in schema.fields if f.required and f.type != "related"]
    desc = schema.field("seo.page_description")
    lo = desc.recommended_min if desc else None
    hi = desc.recommended_max if desc else None

    for r in records:
        if only is not None and r.path not in only:
            continue
        add = problems.append
        if r.error is not None or not isinstance(r.data, dict):
            m = _LOCATED.match(r.error or "")
            add(Problem(r.path, "yaml-error", m.group(3) if m else (r.error or "not a mapping"),
                        None, int(m.group(1)) if m else 1))
            continue
        f = r.fields
        own_url = f.get("url")
        where = PurePosixPath(r.path)
        path_url = f"/learn/{where.parent.name}/questions/{where.stem}"
        # related articles
        seen: dict[str, str] = {}
        for key, rel in related_items(f):
            url = rel.get("url")
            if not isinstance(url, str) or not url:
                continue
            if url in seen:
                add(Problem(r.path, "related-duplicate", f"{key} repeats {seen[url]} ({url})", key,
                            fix={key: None}))
                continue
            seen[url] = key
            if url == own_url or url == path_url:
                add(Problem(r.path, "related-self", f"{key} links the entry to itself", key,
                            fix={key: None}))
                continue
            target = by_url.get(url)
            if target is None:
                add(Problem(r.path, "related-dangling", f"{key}: no entry has the url {url}", key))
                continue
            t = target.fields
            if rel.get("id") != t.get("id"):
                add(Problem(r.path, "related-stale-id",
                            f"{key}: id {rel.get('id')} but {target.path} has id {t.get('id')}",
                            f"{key}.id", fix={key: {"id": t.get("id")}}))
            if rel.get("title") != t.get("title"):
                add(Problem(r.path, "related-stale-title",
                            f"{key}: the title differs from {target.path}'s", f"{key}.title",
                            fix={key: {"title": t.get("title")}}))
        # ids
        ident = f.get("id")
        if ident is not None and len(ids.get(ident, ())) > 1:
            others = ", ".join(o.path for o in ids[ident] if o is not r)
            add(Problem(r.path, "id-duplicate", f"id {ident} is also used by {others}", "id"))
        # slugs
        name = where.name
        title = f.get("title")
        file_name = f.get("file_name")
        if isinstance(title, str) or file_name is not None:
            want = slugs.file_name(str(title or ""), slug_rule)
            if file_name != name:
                add(Problem(r.path, "file-name-mismatch",
                            f"file_name is {file_name!r} but the file is named {name!r}",
                            "file_name", fix={"file_name": name}))
            elif isinstance(title, str) and file_name != want:
                add(Problem(r.path, "file-name-mismatch",
                            f"file_name {file_name!r} is not the slug of the title ({want!r})",
                            "file_name"))
        subject = f.get("subject")
        if isinstance(subject, str):
            slug = slugs.subject_slug(subject)
            want_url = f"/learn/{slug}/questions/{where.stem}"
            if own_url != want_url:
                add(Problem(r.path, "url-mismatch", f"url should be {want_url}", "url",
                            fix={"url": want_url}))
            if slug in canonical and subject != canonical[slug]:
                fix = {"subject": canonical[slug]}
                seo_now = f.get("seo") if isinstance(f.get("seo"), dict) else {}
                if seo_now.get("title") == slugs.seo_title(subject):  # derived: follows along
                    fix["seo"] = {"title": slugs.seo_title(canonical[slug])}
                add(Problem(r.path, "subject-casing",
                            f"subject {subject!r} is a less common spelling of "
                            f"{canonical[slug]!r}", "subject", fix=fix))
        # titles and SEO
        titles = [f.get(k) for k in ("title", "article_title", "question") if k in f]
        if len(set(map(str, titles))) > 1:
            fix = {k: title for k in ("article_title", "question") if k in f and f[k] != title}
            add(Problem(r.path, "title-mismatch", "title, article_title and question differ",
                        "article_title" if f.get("article_title") != title else "question",
                        fix=fix or None))
        seo = f.get("seo") if isinstance(f.get("seo"), dict) else {}
        if isinstance(subject, str) and "title" in seo and seo.get("title") != slugs.seo_title(subject):
            add(Problem(r.path, "seo-title-mismatch",
                        f"seo.title should be {slugs.seo_title(subject)!r}", "seo.title",
                        fix={"seo": {"title": slugs.seo_title(subject)}}))
        description = seo.get("page_description")
        if isinstance(description, str) and lo and hi and not lo <= len(description) <= hi:
            add(Problem(r.path, "seo-description-length",
                        f"seo.page_description has {len(description)} characters; search engines "
                        f"show {lo}-{hi}", "seo.page_description"))
        for fld in required:
            value: Any = f
            for part in fld.key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                add(Problem(r.path, "required-missing", f"{fld.key} is required", fld.key))
        answer = f.get("answer")
        if isinstance(answer, str):
            spots = codec.ambiguities(answer, codec.detect(answer))
            if spots:
                words = ", ".join(sorted({"\\" + s.word for s in spots}))
                add(Problem(r.path, "answer-ambiguous-newline",
                            f"{len(spots)} ambiguous \\n spot(s): {words}", "answer"))
    return problems
