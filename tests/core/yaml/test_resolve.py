"""YAML typing in one place: plain scalars as ruamel.yaml's safe loader types them, tags built
only for the core scalar types, and the YAML 1.1 spellings the quoting must avoid."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
import yaml as pyyaml  # the YAML 1.1 reference reader
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from qteditor.core.yaml import resolve_plain, same
from qteditor.core.yaml.resolve import CORE, IMPLICIT_FIRST, construct_tagged, yaml11_typed

PLAIN = (
    "0",
    "7",
    "0123",
    "-1",
    "+1",
    "1_000",
    "0o17",
    "0x1F",
    "1.5",
    "-1.0",
    "1e3",
    ".5",
    ".nan",
    ".inf",
    "-.inf",
    "2024-12-13",
    "2024-12-13T10:00:00",
    "2024-1-3",
    "12:30",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "null",
    "Null",
    "~",
    "",
    "title",
    "yes",
    "the answer",
    "<b>",
    "9 lives",
    "1984",
    "Infinity",
    "NaN",
)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_scalars_are_typed_as_the_safe_loader_types_them(text):
    expected = YAML(typ="safe", pure=True).load(f"k: {text}\n")["k"]
    assert same(resolve_plain(text), expected)


def test_the_text_the_safe_loader_cannot_build_is_text():
    assert resolve_plain("=") == "=" and resolve_plain("<<") == "<<"
    assert "a" not in IMPLICIT_FIRST and resolve_plain("a: b") == "a: b"  # never resolved


def test_tags_are_built_only_for_the_core_scalar_types():
    assert construct_tagged(CORE + "int", "12") == 12
    assert construct_tagged(CORE + "str", "12") == "12"
    assert construct_tagged(CORE + "timestamp", "2024-01-02") == dt.date(2024, 1, 2)
    assert construct_tagged(CORE + "bool", "yes") is True
    assert construct_tagged("tag:yaml.org,2002:python/object/apply:os.system", "ls") == "ls"
    assert construct_tagged("!local", "1") == "1"


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "1:30",
        "1:30.5",
        "1_000",
        "0b101",
        "0x1F",
        "017",
        ".inf",
        ".NaN",
        "~",
        "null",
        "NULL",
        "=",
        "<<",
        "2024-12-13",
        "2024-12-13 10:00:00",
    ],
)
def test_yaml11_spellings_are_seen(text):
    assert yaml11_typed(text)


@pytest.mark.parametrize("text", ["title", "yess", "0o17", "1a", "Yes please", "nope", "-", ""])
def test_ordinary_text_is_not_a_yaml11_type(text):
    assert not yaml11_typed(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789_:.-+eExXbBoOyYnNtrufalsTRUFALSEinfINFaA~<=Z", min_size=1, max_size=10))
def test_whatever_a_yaml11_reader_types_is_seen(text):
    try:
        value = pyyaml.safe_load(f"k: {text}\n")["k"]
    except Exception:  # noqa: BLE001 - not a scalar PyYAML reads: nothing to compare
        return
    if not isinstance(value, str):
        assert yaml11_typed(text), (text, value)


def test_the_implicit_types_are_ruamels_own_table():
    """resolve.py copies ruamel.yaml's YAML 1.2 resolver table (so that ruamel.yaml need not
    load to type a value): the same patterns, flags, tags and order for every first character."""
    from qteditor.core.yaml.resolve import IMPLICIT_RESOLVERS, implicit_tag

    theirs = YAML(typ="safe", pure=True).resolver
    assert theirs.processing_version == (1, 2)
    table = theirs.versioned_resolver
    ours: dict[str, list] = {}
    for tag, first, flags, pattern in IMPLICIT_RESOLVERS:
        for c in first:
            ours.setdefault(c, []).append((CORE + tag, pattern, re.compile(pattern, flags).flags))
    assert set(ours) == {c for c in table if c} == set(IMPLICIT_FIRST)
    for c, resolvers in table.items():
        if c:
            assert [(str(t), p.pattern, p.flags) for t, p in resolvers] == ours[c], c
    assert [str(t) for t, _ in table[""]] == [CORE + "null"] and implicit_tag("") == CORE + "null"


def _reference(text: str):
    """What ruamel.yaml's resolver and safe constructor make of a plain scalar (the code
    resolve.py had before it built the common values itself), or the exception's type."""
    from ruamel.yaml.nodes import ScalarNode

    safe = YAML(typ="safe", pure=True)
    tag = safe.resolver.resolve(ScalarNode, text, (True, False))
    if tag in (CORE + "str", CORE + "merge", CORE + "value"):
        return text
    try:
        return safe.constructor.construct_object(ScalarNode(tag, text), deep=True)
    except Exception as exc:  # noqa: BLE001 - compared by type
        return type(exc)


def _ours(text: str):
    try:
        return resolve_plain(text)
    except Exception as exc:  # noqa: BLE001 - compared by type
        return type(exc)


_TYPED_SHAPES = st.one_of(
    st.from_regex(r"[-+]?(0|[1-9][0-9]{0,20})", fullmatch=True),
    st.from_regex(r"[-+]?[0-9]{1,17}\.[0-9]{0,17}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.from_regex(r"(true|True|TRUE|false|False|FALSE|null|Null|NULL|~|tRue|nULL)", fullmatch=True),
    st.text(alphabet="0123456789_:.-+eExXbBoOtrufalsTRUFALSEinfINFnN~<=Z T", min_size=1, max_size=12),
)


@settings(max_examples=600, deadline=None)
@given(_TYPED_SHAPES)
def test_values_built_without_ruamel_are_what_ruamel_builds(text):
    assert same(_ours(text), _reference(text)) or _ours(text) is _reference(text), text


def test_typing_a_common_value_does_not_load_ruamel():
    code = (
        "import sys\n"
        "from qteditor.core.yaml import resolve_plain, scan\n"
        "assert scan('id: 7\\ndate: 2025-01-20\\nscore: -1.0\\nno_index: false\\nx: ~\\n')"
        " is not None\n"
        "print(sorted(m for m in sys.modules if 'ruamel' in m))\n"
        "resolve_plain('0x1F')\n"
        "print('ruamel.yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]
