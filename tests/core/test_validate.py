"""Field warnings from the schema: a value of the wrong type is a warning the form shows and
``check`` reports (field-pattern), never silence."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from qteditor.cli import main
from qteditor.core.resources import resource
from qteditor.core.schema import default_schema
from qteditor.core.validate import validate

MATH = "mathematics/what-is-a-prime-number.md"


def _fields(**changes: object) -> dict:
    base: dict = {
        "_schema": "default",
        "id": 9006,
        "date": dt.date(2025, 1, 28),
        "title": "What is a prime number?",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "key, value",
    [
        ("id", "abc"),
        ("id", 12.5),
        ("id", "777"),
        ("id", True),
        ("date", "yesterday"),
        ("date", "2025-13-01"),
        ("date", 20250128),
    ],
)
def test_a_value_of_another_type_than_its_fields_is_a_warning(key, value):
    findings = [f for f in validate(_fields(**{key: value}), default_schema()) if f.key == key]
    assert [f.rule for f in findings] == ["field-pattern"]
    assert repr(value)[:20] in findings[0].message


@pytest.mark.parametrize(
    "key, value", [("id", 9006), ("id", -3), ("date", dt.date(2024, 2, 29)), ("date", "2024-02-29")]
)
def test_a_value_of_its_fields_type_is_no_warning(key, value):
    assert not [f for f in validate(_fields(**{key: value}), default_schema()) if f.key == key]


def test_check_names_the_line_of_an_id_that_is_not_a_number(tmp_path, monkeypatch, capsys):
    """Regression: ``id: abc`` passed ``check`` silently (only the entries linking to it
    failed, on ``fix``)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "site" / "content" / "learn"
    shutil.copytree(resource("sample") / "content" / "learn", root)
    path = root / MATH
    path.write_bytes(path.read_bytes().replace(b"\nid: 9006\n", b"\nid: abc\n"))
    main(["check", "--json", str(root)])
    problems = json.loads(capsys.readouterr().out)["problems"]
    found = [p for p in problems if p["path"] == MATH and p["field"] == "id"]
    assert [(p["rule"], p["line"], p["fix"]) for p in found] == [("field-pattern", 3, None)], found
