"""YAML 1.2 core typing, in one place: what a scalar's text means as data.

A plain scalar is typed as ruamel.yaml's safe loader types it (YAML 1.2 core schema); a tagged
one is built only for the core scalar tags (str, int, float, bool, null, timestamp): unknown
and local tags are kept as text, never constructed. ``yaml11_typed`` is the other half of the
quoting rule: text a YAML 1.1 reader would type, so the writer never leaves it plain.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode

_SAFE = YAML(typ="safe", pure=True)
_RESOLVER = _SAFE.resolver
_CONSTRUCTOR = _SAFE.constructor

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

# ruamel's resolver picks implicit types by the first character: anything else is a string
IMPLICIT_FIRST = frozenset(k for k in _RESOLVER.versioned_resolver if k)


def resolve_plain(value: str) -> Any:
    """The typed value of a plain scalar (YAML 1.2 core schema, as ruamel.yaml types it)."""
    if value and value[0] not in IMPLICIT_FIRST:
        return value
    return resolve_typed(value)


@lru_cache(maxsize=4096)
def resolve_typed(value: str) -> Any:
    """``resolve_plain`` for a text whose first character an implicit type may start with."""
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))
    if tag in (CORE + "str", MERGE_TAG, CORE + "value"):  # "=" is text in YAML 1.2
        return value
    return _CONSTRUCTOR.construct_object(ScalarNode(tag, value), deep=True)


def construct_tagged(tag: str, value: str) -> Any:
    """The value of a scalar with an explicit tag: built for the core scalar tags only."""
    if tag == CORE + "str":
        return value
    if tag in TYPED_TAGS:
        return _CONSTRUCTOR.construct_object(ScalarNode(tag, value), deep=True)
    return value  # unknown and local tags are kept as text, never constructed


def implicit_patterns() -> dict[str, tuple[re.Pattern, ...]]:
    """First character -> the resolver's patterns for the implicit types starting with it
    (compiled again: ruamel.yaml's are lazy wrappers, slower to call)."""
    return {
        c: tuple(
            re.compile(regexp.pattern, regexp.flags)
            for _tag, regexp in _RESOLVER.versioned_resolver.get(c, ())
        )
        for c in IMPLICIT_FIRST
    }


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
