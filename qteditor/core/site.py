"""The site's conventions in one place: where an entry lives, its url, and every field derived
from others — all read from the schema's ``derive`` templates and its ``path`` layout, so a
collection with another schema brings its own conventions and needs no code.

A template is text with ``{expr}`` parts; ``expr`` is a field (``subject``, ``seo.title``) or a
function of one: ``slug(title)`` (the collection's slug rule), ``folder(subject)`` (the subject's
folder name, as every real url has it). The QuickTakes schema says:

    path:      {folder(subject)}/{file_name}
    file_name: {slug(title)}.md
    url:       /learn/{folder(subject)}/questions/{slug(title)}
    seo.title: QuickTakes | {subject}

The file's own name stands in for the title's slug when a template is read for a file that
exists (``located``): its url must name the file it is in, whatever its title says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import slugs
from .schema import Field, Schema

_EXPR = re.compile(r"\{([^{}]+)\}")
_CALL = re.compile(r"^(\w+)\(([\w.]+)\)$")


@lru_cache(maxsize=256)
def _parse_template(template: str) -> tuple[tuple[str, str | None], ...]:
    """(literal text, expression after it or None) pieces of a template."""
    pieces = []
    pos = 0
    for m in _EXPR.finditer(template):
        pieces.append((template[pos : m.start()], m.group(1)))
        pos = m.end()
    pieces.append((template[pos:], None))
    return tuple(pieces)


@lru_cache(maxsize=256)
def _parse_expr(expr: str) -> tuple[str | None, tuple[str, ...]]:
    call = _CALL.match(expr)
    if call:
        return call.group(1), tuple(call.group(2).split("."))
    return None, tuple(expr.split("."))


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    head, dot, _ext = name.rpartition(".")
    return head if dot and head else name


def _get(fields: Any, dotted: str) -> Any:
    value = fields
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


@dataclass(frozen=True)
class Derived:
    """A field whose value follows from others."""

    key: str  # dotted
    template: str
    rule: str | None  # the check's rule id when the value differs


class Site:
    """The conventions of one collection: its schema's templates and its slug rule."""

    def __init__(self, schema: Schema, slug_rule: str = slugs.COLLECTION):
        self.schema = schema
        self.slug_rule = slug_rule
        self.path_template = schema.path
        self.derived = tuple(Derived(f.key, f.derive, f.rule) for f in _all_fields(schema) if f.derive)
        by_key = {d.key: d for d in self.derived}
        # the rules the derived fields report, and those the schema's validation can report
        self.derived_rules = frozenset(d.rule for d in self.derived if d.rule)
        self.validated_rules = frozenset(("required-missing", "field-pattern", "field-length")) | frozenset(
            f.rule for f in _all_fields(schema) if f.rule
        )
        # the field the file is named after, and the part of its template the name stands for
        self.name_field: str | None = None
        self.stem_expr: str | None = None
        self.folder_expr: str | None = None
        if self.path_template:
            parts = self.path_template.rsplit("/", 1)
            last = _EXPR.fullmatch(parts[-1])
            if last and last.group(1) in by_key:
                self.name_field = last.group(1)
                inner = _EXPR.findall(by_key[self.name_field].template)
                self.stem_expr = inner[0] if len(inner) == 1 else None
            if len(parts) == 2:
                folder = _EXPR.fullmatch(parts[0])
                self.folder_expr = folder.group(1) if folder else None
        # the derived fields that read what names the folder (the subject): while the subject
        # names another folder than the file's, which of the two is right is not known
        source = _parse_expr(self.folder_expr)[1] if self.folder_expr else None
        self.folder_followers = frozenset(
            d.key
            for d in self.derived
            if source is not None
            and any(e is not None and _parse_expr(e)[1] == source for _lit, e in _parse_template(d.template))
        )
        self.linked: tuple[str, ...] = ()  # fields that stay equal (title, article_title, …)
        for f in schema.fields:
            if f.same_as:
                self.linked = (f.key, *f.same_as)
                break
        # what the rules over other entries read of each (``checks.facts``)
        keys = ["id", "date", "subject", "url"] + ([self.linked[0]] if self.linked else ["title"])
        if schema.related is not None:  # what a snapshot of the entry copies (and links by)
            keys.extend(schema.related.keys)
        paths: list[str] = []
        for d in self.derived:
            if "{subject}" in d.template:
                (paths if "." in d.key else keys).append(d.key)
        self.fact_keys = tuple(dict.fromkeys(keys))
        self._urls: dict[str, str | None] = {}
        self.fact_paths = tuple(paths)
        self._slug_sources = tuple(
            dict.fromkeys(
                parts
                for d in self.derived
                for _lit, expr in _parse_template(d.template)
                if expr is not None
                for func, parts in [_parse_expr(expr)]
                if func == "slug"
            )
        )

    # ------------------------------------------------------------------ evaluation
    def value(self, expr: str, fields: Any, overrides: dict[str, str] | None = None) -> str | None:
        if overrides and expr in overrides:
            return overrides[expr]
        func, parts = _parse_expr(expr)
        raw = fields
        for part in parts:
            raw = raw.get(part) if isinstance(raw, dict) else None
        if raw is None or isinstance(raw, (dict, list)) or (isinstance(raw, str) and not raw.strip()):
            return None  # a missing or empty source: nothing can be derived from it
        text = raw if isinstance(raw, str) else str(raw)
        if func is None:
            return text
        if func == "slug":
            return slugs.slug(text, self.slug_rule)
        if func == "folder":
            return slugs.subject_slug(text)
        raise ValueError(f"unknown function {func}() in a schema template")

    def misplaced(self, fields: Any, rel: str) -> tuple[str, str] | None:
        """(the folder the entry's subject names, the file's folder) when they differ (a
        mistyped subject, or a file in the wrong folder), else None."""
        if not self.folder_expr or "/" not in rel:
            return None
        there = self.value(self.folder_expr, fields)
        here = rel.rsplit("/", 2)[-2]
        return (there, here) if there is not None and there != here else None

    def slug_sensitive(self, fields: Any) -> bool:
        """Whether the slug rules disagree on this entry's slugs (so what the checks find of
        it depends on the collection's rule)."""
        for parts in self._slug_sources:
            raw = fields
            for part in parts:
                raw = raw.get(part) if isinstance(raw, dict) else None
            if isinstance(raw, str) and raw.strip() and not slugs.rules_agree(raw):
                return True
        return False

    def evaluate(self, template: str, fields: Any, overrides: dict[str, str] | None = None) -> str | None:
        """The template's text for these fields, or None when a value it needs is missing."""
        out = []
        for literal, expr in _parse_template(template):
            out.append(literal)
            if expr is not None:
                v = self.value(expr, fields, overrides)
                if v is None:
                    return None
                out.append(v)
        return "".join(out)

    def derive(self, fields: Any) -> dict[str, str]:
        """Every derived field's value (dotted key -> value), where it can be computed."""
        return self.compute(fields)[0]

    def compute(self, fields: Any, rel: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """(``derive(fields)``, ``located(fields, rel)``) with each expression evaluated once
        (what the checks ask of every entry)."""
        values: dict[str, str | None] = {}
        stem = _stem(rel) if rel is not None and self.stem_expr else None
        derived: dict[str, str] = {}
        located: dict[str, str] = {}
        for d in self.derived:
            out: list[str] = []
            at: list[str] | None = (
                [] if stem is not None and "{" + self.stem_expr + "}" in d.template else None  # type: ignore[operator]
            )
            missing = missing_at = False
            for literal, expr in _parse_template(d.template):
                out.append(literal)
                if at is not None:
                    at.append(literal)
                if expr is None:
                    continue
                if expr not in values:
                    values[expr] = self.value(expr, fields)
                v = values[expr]
                if v is None:
                    missing = True
                else:
                    out.append(v)
                if at is not None:
                    if expr == self.stem_expr:
                        at.append(stem)  # type: ignore[arg-type]
                    elif v is None:
                        missing_at = True
                    else:
                        at.append(v)
            if not missing:
                derived[d.key] = "".join(out)
            if at is not None and not missing_at:
                located[d.key] = "".join(at)
        return derived, located

    # ------------------------------------------------------------------ places
    def folder(self, subject: str) -> str:
        """The folder of a subject (what ``{folder(subject)}`` gives)."""
        return slugs.subject_slug(subject)

    def path_for(self, fields: Any) -> str | None:
        """Where the entry belongs, relative to the collection (None when unknown)."""
        if not self.path_template:
            return None
        return self.evaluate(self.path_template, fields)

    def _place(self, rel: str) -> dict[str, str]:
        return {self.stem_expr: _stem(rel)} if self.stem_expr else {}

    def located(self, fields: Any, rel: str) -> dict[str, str]:
        """The values the derived fields bound to the file's name must have for the file at
        ``rel`` (its file_name, its url naming it), where they can be computed."""
        if not self.stem_expr:
            return {}
        over = self._place(rel)
        out = {}
        for d in self.derived:
            if "{" + self.stem_expr + "}" in d.template:
                v = self.evaluate(d.template, fields, over)
                if v is not None:
                    out[d.key] = v
        return out

    def url_at(self, rel: str) -> str | None:
        """The url an entry is found at by its place alone (its folder and name), whatever
        its fields say: how links to it resolve while its url field is wrong."""
        try:
            return self._urls[rel]
        except KeyError:
            found = self._urls[rel] = self._url_at(rel)
            return found

    def _url_at(self, rel: str) -> str | None:
        url = next((d for d in self.derived if d.key == "url"), None)
        if url is None or not self.stem_expr:
            return None
        over = self._place(rel)
        if self.folder_expr:
            parts = rel.rsplit("/", 2)
            over[self.folder_expr] = parts[-2] if len(parts) > 1 else ""
        return self.evaluate(url.template, {}, over)

    def section_url(self, subject: str) -> str:
        """The page listing a subject's entries (the preview's back link)."""
        url = next((d for d in self.derived if d.key == "url"), None)
        if url is None or not self.folder_expr or not subject:
            return "/"
        head = url.template.split("{" + self.folder_expr + "}")[0]
        return head + self.folder(subject)


def _all_fields(schema: Schema) -> list[Field]:
    out = []
    for f in schema.fields:
        out.append(f)
    return out


_SITES: dict[tuple[int, str], tuple[Schema, Site]] = {}


def site_for(schema: Schema | None = None, slug_rule: str = slugs.COLLECTION) -> Site:
    """The Site of a schema and slug rule (one a pair: it keeps what it worked out of each
    entry's place, which every check of a collection asks again)."""
    from .schema import default_schema

    schema = schema or default_schema()
    key = (id(schema), slug_rule)
    found = _SITES.get(key)
    if found is None or found[0] is not schema:
        found = _SITES[key] = (schema, Site(schema, slug_rule))
    return found[1]
