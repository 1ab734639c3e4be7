"""YAML 1.2 core typing, in one place: what a scalar's text means as data.

A plain scalar is typed as ruamel.yaml's safe loader types it (YAML 1.2 core schema); a tagged
one is built only for the core scalar tags (str, int, float, bool, null, timestamp): unknown
and local tags are kept as text, never constructed. ``yaml11_typed`` is the other half of the
quoting rule: text a YAML 1.1 reader would type, so the writer never leaves it plain.

ruamel.yaml is not imported with this module (the window's first frame reads its entry with
the scanner, which types values here): the resolver's table of implicit types is copied below
(tests/core/yaml/test_resolve.py compares it with ruamel.yaml's own), and the values an entry
usually holds (decimal integers and fractions, dates, booleans, null) are built here as
ruamel.yaml's safe constructor builds them. Any other typed value is built by that
constructor, loaded on its first use.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any

CORE = "tag:yaml.org,2002:"  # the core schema's tag prefix (``!!int`` is CORE + "int")
TYPED_TAGS = frozenset(CORE + t for t in ("int", "float", "bool", "null", "timestamp"))
MERGE_TAG = CORE + "merge"
TAG_TYPES = {  # the Python types a value under each core tag may have
    CORE + "str": (str,),
    CORE + "int": (int,),
    CORE + "float": (float,),
    CORE + "bool": (bool,),
    CORE + "null": (type(None),),
}

# ruamel.yaml's YAML 1.2 implicit resolvers (``VersionedResolver``, version 1.2), in the order
# it tries them: (tag, the first characters it is tried for, flags, pattern). A plain scalar
# whose first character none of them is tried for is text; the empty scalar is null.
IMPLICIT_RESOLVERS: tuple[tuple[str, str, int, str], ...] = (
    ("bool", "tTfF", re.X, "^(?:true|True|TRUE|false|False|FALSE)$"),
    (
        "float",
        "-+0123456789.",
        re.X,
        "^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        "
        "|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        "
        "|[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        "
        "|[-+]?\\.(?:inf|Inf|INF)\n        "
        "|\\.(?:nan|NaN|NAN))$",
    ),
    (
        "int",
        "-+0123456789",
        re.X,
        "^(?:[-+]?0b[0-1_]+\n        |[-+]?0o?[0-7_]+\n        |[-+]?[0-9_]+\n        "
        "|[-+]?0x[0-9a-fA-F_]+)$",
    ),
    (
        "timestamp",
        "0123456789",
        re.X,
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n        "
        "|[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?\n        "
        "(?:[Tt]|[ \\t]+)[0-9][0-9]?\n        "
        ":[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?\n        "
        "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
    ),
    ("merge", "<", 0, "^(?:<<)$"),
    ("null", "~nN", re.X, "^(?: ~\n        |null|Null|NULL\n        | )$"),
    ("value", "=", 0, "^(?:=)$"),
    ("yaml", "!&*", 0, "^(?:!|&|\\*)$"),
)

# the implicit types are picked by the first character: anything else is a string
IMPLICIT_FIRST = frozenset(c for _tag, first, _flags, _pattern in IMPLICIT_RESOLVERS for c in first)
_TEXT_TAGS = frozenset({CORE + "str", MERGE_TAG, CORE + "value"})  # "=" is text in YAML 1.2

# the values built here rather than by ruamel.yaml's constructor, with what it would build
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,17})")  # no "_", no leading zero, 18 digits at most
_FRACTION = re.compile(r"[-+]?[0-9]{1,15}\.[0-9]{1,15}")  # no "_", no exponent
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def implicit_patterns() -> dict[str, tuple[re.Pattern, ...]]:
    """First character -> the patterns of the implicit types tried for it, in order."""
    return {c: tuple(pattern for _tag, pattern in _resolvers()[c]) for c in IMPLICIT_FIRST}


@lru_cache(maxsize=1)
def _resolvers() -> dict[str, tuple[tuple[str, re.Pattern], ...]]:
    """First character -> (tag, compiled pattern) of each implicit type tried for it."""
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    for tag, first, flags, pattern in IMPLICIT_RESOLVERS:
        compiled = re.compile(pattern, flags)
        for c in first:
            out.setdefault(c, []).append((CORE + tag, compiled))
    return {c: tuple(pairs) for c, pairs in out.items()}


def implicit_tag(value: str) -> str:
    """The tag a plain scalar resolves to (YAML 1.2 core schema, as ruamel.yaml resolves it)."""
    if not value:
        return CORE + "null"
    for tag, pattern in _resolvers().get(value[0], ()):
        if pattern.match(value):
            return tag
    return CORE + "str"


def resolve_plain(value: str) -> Any:
    """The typed value of a plain scalar (YAML 1.2 core schema, as ruamel.yaml types it)."""
    if value and value[0] not in IMPLICIT_FIRST:
        return value
    return resolve_typed(value)


@lru_cache(maxsize=4096)
def resolve_typed(value: str) -> Any:
    """``resolve_plain`` for a text whose first character an implicit type may start with."""
    tag = implicit_tag(value)
    if tag in _TEXT_TAGS:
        return value
    return _construct(tag, value)


def construct_tagged(tag: str, value: str) -> Any:
    """The value of a scalar with an explicit tag: built for the core scalar tags only."""
    if tag == CORE + "str":
        return value
    if tag in TYPED_TAGS:
        return _constructor().construct_object(_scalar_node(tag, value), deep=True)
    return value  # unknown and local tags are kept as text, never constructed


def _construct(tag: str, value: str) -> Any:
    """The value of a plain scalar resolved to ``tag``: the common ones built here exactly as
    ruamel.yaml's safe constructor builds them, the rest by that constructor."""
    if tag == CORE + "null":
        return None
    if tag == CORE + "bool":  # (the resolver matched true/True/TRUE/false/False/FALSE)
        return value.lower() == "true"
    if tag == CORE + "int" and _DECIMAL.fullmatch(value):
        return (-1 if value[0] == "-" else 1) * int(value.lstrip("+-"))
    if tag == CORE + "float" and _FRACTION.fullmatch(value):
        return (-1 if value[0] == "-" else 1) * float(value.lstrip("+-"))
    if tag == CORE + "timestamp":
        date = _DATE.fullmatch(value)
        if date is not None:
            return _dt.date(int(date[1]), int(date[2]), int(date[3]))
    return _constructor().construct_object(_scalar_node(tag, value), deep=True)


@lru_cache(maxsize=1)
def _constructor() -> Any:
    """ruamel.yaml's safe constructor (YAML 1.2), loaded on first use."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).constructor


def _scalar_node(tag: str, value: str) -> Any:
    from ruamel.yaml.nodes import ScalarNode

    return ScalarNode(tag, value)


# Plain scalars a YAML 1.1 reader (PyYAML, libyaml's users, most tools older than YAML 1.2)
# types as something other than a string, though YAML 1.2 reads them as text: booleans in any
# of their spellings, sexagesimal (``1:30``) and underscored numbers, ``0b``/``0x``/leading-zero
# octal ints, ``.inf``/``.nan``, the null spellings, the merge key ``<<``, the value key ``=``
# and timestamps. The same resolver tables PyYAML uses, plus the 1.1 spec's y/n.
_YAML11_FIRST = frozenset("yYnNtTfFoO-+0123456789.<~=")
_YAML11 = re.compile(r"""(?x)
    y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
  | [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
  | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
  | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
  | [-+]?\.(?:inf|Inf|INF)
  | \.(?:nan|NaN|NAN)
  | [-+]?0b[0-1_]+
  | [-+]?0[0-7_]+
  | [-+]?(?:0|[1-9][0-9_]*)
  | [-+]?0x[0-9a-fA-F_]+
  | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
  | <<
  | ~|null|Null|NULL
  | [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
  | [0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[\ \t]+)[0-9][0-9]?
      :[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
  | =
""")


def yaml11_typed(value: str) -> bool:
    """True when a YAML 1.1 reader would not read this plain scalar as a string."""
    return bool(value) and value[0] in _YAML11_FIRST and _YAML11.fullmatch(value) is not None
