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
from pathlib import PurePosixPath
from typing import Any

from . import slugs
from .schema import Field, Schema

_EXPR = re.compile(r"\{([^{}]+)\}")
_CALL = re.compile(r"^(\w+)\(([\w.]+)\)$")


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
        self.derived = tuple(Derived(f.key, f.derive, f.rule) for f in _all_fields(schema)
                             if f.derive)
        by_key = {d.key: d for d in self.derived}
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
        self.linked: tuple[str, ...] = ()  # fields that stay equal (title, article_title, …)
        for f in schema.fields:
            if f.same_as:
                self.linked = (f.key, *f.same_as)
                break

    # ------------------------------------------------------------------ evaluation
    def value(self, expr: str, fields: Any, overrides: dict[str, str] | None = None) -> str | None:
        if overrides and expr in overrides:
            return overrides[expr]
        call = _CALL.match(expr)
        name = call.group(2) if call else expr
        raw = _get(fields, name)
        if raw is None or isinstance(raw, (dict, list)) or (isinstance(raw, str) and not raw.strip()):
            return None  # a missing or empty source: nothing can be derived from it
        text = str(raw)
        if call is None:
            return text
        func = call.group(1)
        if func == "slug":
            return slugs.slug(text, self.slug_rule)
        if func == "folder":
            return slugs.subject_slug(text)
        raise ValueError(f"unknown function {func}() in a schema template")

    def evaluate(self, template: str, fields: Any,
                 overrides: dict[str, str] | None = None) -> str | None:
        """The template's text for these fields, or None when a value it needs is missing."""
        missing = False

        def part(m: re.Match) -> str:
            nonlocal missing
            v = self.value(m.group(1), fields, overrides)
            if v is None:
                missing = True
                return ""
            return v

        text = _EXPR.sub(part, template)
        return None if missing else text

    def derive(self, fields: Any) -> dict[str, str]:
        """Every derived field's value (dotted key -> value), where it can be computed."""
        out = {}
        for d in self.derived:
            v = self.evaluate(d.template, fields)
            if v is not None:
                out[d.key] = v
        return out

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
        p = PurePosixPath(rel)
        over = {}
        if self.stem_expr:
            over[self.stem_expr] = p.stem
        return over

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
        url = next((d for d in self.derived if d.key == "url"), None)
        if url is None or not self.stem_expr:
            return None
        p = PurePosixPath(rel)
        over = self._place(rel)
        if self.folder_expr:
            over[self.folder_expr] = p.parent.name
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


def site_for(schema: Schema | None = None, slug_rule: str = slugs.COLLECTION) -> Site:
    from .schema import default_schema

    return Site(schema or default_schema(), slug_rule)
