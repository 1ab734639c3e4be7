"""YAML typing in one place: plain scalars as ruamel.yaml's safe loader types them, tags built
only for the core scalar types, and the YAML 1.1 spellings the quoting must avoid."""

from __future__ import annotations

import datetime as dt

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
