"""The entry schema as data (resources/schema/*.yaml): fields, types, groups, derivations."""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .resources import resource, user_folder

_REPEATED = re.compile(r"^(?P<base>.+?)(?P<n>\d+)$")
_TYPED = frozenset(("int", "date"))  # checked for their type (``validate``)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "string"
    group: str = "other"
    required: bool = False
    help: str = ""
    placeholder: str = ""  # shown greyed in an empty field, never stored
    default: Any = None
    derive: str | None = None
    codec: str | None = None
    pattern: str | None = None
    pattern_help: str | None = None  # what the form says when the value is not in that form
    min_length: int | None = None
    max_length: int | None = None
    recommended_min: int | None = None
    recommended_max: int | None = None
    separator: str | None = None
    same_as: tuple[str, ...] = ()
    repeat: int | None = None
    rule: str | None = None  # the check's rule id for this field's derivation, length or staleness
    link: str | None = None  # a repeated snapshot's subfield naming the entry it points at
    yaml: dict | None = None  # how a new value is written when the file shows no example
    subfields: tuple[Field, ...] = ()

    @classmethod
    def from_dict(cls, raw: dict) -> Field:
        known = {f for f in cls.__dataclass_fields__}
        args = {k: v for k, v in raw.items() if k in known}
        args["subfields"] = tuple(cls.from_dict(s) for s in raw.get("subfields", ()))
        args["same_as"] = tuple(raw.get("same_as", ()))
        return cls(**args)


@dataclass(frozen=True)
class RelatedFamily:
    """The schema's repeated snapshots of other entries (``related_articleN: {id, title, subject,
    url}``): each ``<prefix><N>`` holds the values of the ``keys`` of the entry whose field
    ``link`` has the snapshot's ``link`` value; ``stale``: (key, rule) of the keys the checks
    compare with that entry's (the subfields' ``rule``)."""

    prefix: str
    subfields: tuple[Field, ...]
    link: str = "url"
    limit: int | None = None

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(sub.key for sub in self.subfields)

    @cached_property
    def stale(self) -> tuple[tuple[str, str], ...]:
        return tuple((sub.key, sub.rule) for sub in self.subfields if sub.rule)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A key of the family; its group 1 is the number."""
        return re.compile(re.escape(self.prefix) + r"(\d+)$")

    def key(self, number: int) -> str:
        return f"{self.prefix}{number}"

    def snapshot(self, target: Any) -> dict[str, Any]:
        """A new snapshot of the entry with these fields (every key, in the schema's order)."""
        get = target.get
        return {key: get(key) for key in self.keys}

    @classmethod
    def of(cls, f: Field) -> RelatedFamily:
        return cls(f.key, f.subfields, f.link or "url", f.repeat)


@dataclass
class Schema:
    name: str
    fields: list[Field]
    groups: list[dict] = field(default_factory=list)
    template: str | None = None
    slug_rule: str = "collection"
    source: Path | None = None
    path: str | None = None  # where an entry lives in its collection (a template)

    def field(self, path: str | tuple) -> Field | None:
        """The field at a dotted path (``seo.title``, ``related_article3.title``)."""
        parts = path.split(".") if isinstance(path, str) else [str(p) for p in path]
        by_key = {f.key: f for f in self.fields}
        whole = ".".join(parts)
        if whole in by_key:
            return by_key[whole]
        head = parts[0]
        m = _REPEATED.match(head)
        if m and m.group("base") in by_key and by_key[m.group("base")].repeat:
            base = by_key[m.group("base")]
            if len(parts) == 1:
                return base
            for sub in base.subfields:
                if sub.key == ".".join(parts[1:]):
                    return sub
        return None

    @cached_property
    def related(self) -> RelatedFamily | None:
        """The related articles' family: the first repeated field of type ``related``."""
        f = next((f for f in self.fields if f.type == "related" and f.repeat and f.subfields), None)
        return RelatedFamily.of(f) if f is not None else None

    def type_of(self, path: str | tuple) -> str | None:
        f = self.field(path)
        return f.type if f else None

    def yaml_hint(self, key: object, parent: object = None) -> dict | None:
        """Writing conventions for a new key the file has no example of."""
        path = (key,) if parent is None else (parent, key)
        f = self.field(tuple(str(p) for p in path))
        return f.yaml if f else None

    def order(self, key: object) -> tuple[int, int] | None:
        """Sort position of a top-level key in the schema (repeated keys by their number)."""
        if not isinstance(key, str):
            return None
        for i, f in enumerate(self.fields):
            if f.key == key:
                return (i, 0)
            m = _REPEATED.match(key)
            if f.repeat and m and m.group("base") == f.key:
                return (i, int(m.group("n")))
        return None

    @property
    def text_field(self) -> str | None:
        """The key of the field the text editor edits (the schema's Markdown field: a top-level
        field of type ``markdown`` or with a ``codec``), or None: the file's Markdown body is
        the text then."""
        for f in self.fields:
            if "." not in f.key and not f.repeat and (f.type == "markdown" or f.codec):
                return f.key
        return None

    @property
    def text_label(self) -> str:
        """What the text is called (the pane's title): its field's label, else "Body"."""
        key = self.text_field
        f = self.field(key) if key is not None else None
        return f.label if f is not None and f.label else "Body"

    def codec_fields(self) -> dict[str, str]:
        return {f.key: f.codec for f in self.fields if f.codec}

    @cached_property
    def validated_fields(self) -> list[tuple[Field, tuple[str, ...], bool]]:
        """The fields ``validate.validate`` looks at (repeated fields such as the related
        articles are the checks' business), each with its key's parts and whether it has a
        rule besides being required; once a schema: the checks ask for 36,000 entries."""
        return [
            (
                f,
                tuple(f.key.split(".")),
                bool(
                    f.pattern
                    or f.recommended_min is not None
                    or f.max_length is not None
                    or f.min_length is not None
                    or f.type in _TYPED
                ),
            )
            for f in self.fields
            if not (f.repeat or f.type == "related")
        ]

    def default_value(self, f: Field) -> Any:
        if f.default == "today" and f.type == "date":
            return _dt.date.today()
        return f.default

    def template_path(self) -> Path | None:
        if not self.template:
            return None
        if self.source is not None:
            local = self.source.parent / self.template
            if local.is_file():
                return local
        return resource("templates") / self.template


SCHEMA_CACHE_FORMAT = 1  # the layout of a cached schema's JSON form (a new one: parsed again)


def schema_cache(text: str) -> Path:
    """Where the JSON form of a schema file with this text is cached (named by its SHA-256)."""
    import hashlib

    name = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return user_folder("cache") / "schemas" / f"{name}.json"


def read_schema_data(src: Path) -> Any:
    """A schema file's data as the YAML parser reads it. The parse (ruamel.yaml, not loaded
    for the window's first frame otherwise) is cached as JSON under the text's SHA-256, when
    JSON holds the data exactly; the cache is only read for the very same text, and anything
    wrong with it (missing, damaged, another format) means a parse, as without it."""
    text = src.read_text(encoding="utf-8")
    cache = schema_cache(text)
    try:
        stored = json.loads(cache.read_bytes())
        if isinstance(stored, dict) and stored.get("format") == SCHEMA_CACHE_FORMAT:
            return stored["data"]
    except (OSError, ValueError, KeyError):
        pass
    from .yaml import parse, same

    data = parse(text, str(src), 1).data
    try:
        form = json.dumps({"format": SCHEMA_CACHE_FORMAT, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):  # a date, a key that is not text: not cached
        return data
    if same(json.loads(form)["data"], data):
        _store(cache, form.encode("utf-8"))
    return data


def _store(target: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (another process may read it meanwhile); a
    cache that cannot be written is no error."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".schema-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except OSError:
            os.unlink(temp)
            raise
    except OSError:
        pass


def load_schema(path: str | Path | None = None) -> Schema:
    """Load a schema file (the bundled QuickTakes schema when no path is given)."""
    src = Path(path) if path else resource("schema", "quicktakes.yaml")
    raw = read_schema_data(src)
    return Schema(
        name=raw.get("name", src.stem),
        fields=[Field.from_dict(f) for f in raw.get("fields", [])],
        groups=list(raw.get("groups", [])),
        template=raw.get("template"),
        slug_rule=raw.get("slug_rule", "collection"),
        source=src,
        path=raw.get("path"),
    )


_DEFAULT: Schema | None = None
COLLECTION_SCHEMA = Path(".qteditor") / "schema.yaml"


@lru_cache(maxsize=256)
def _schema_in(folder: Path) -> Schema:
    for parent in (folder, *folder.parents):
        candidate = parent / COLLECTION_SCHEMA
        if candidate.is_file():
            return load_schema(candidate)
    return default_schema()


def schema_for(path: str | Path) -> Schema:
    """The schema a file follows: the nearest ``.qteditor/schema.yaml`` above it (a
    collection's own), else the bundled one."""
    return _schema_in(Path(path).resolve().parent)


def default_schema() -> Schema:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_schema()
    return _DEFAULT
