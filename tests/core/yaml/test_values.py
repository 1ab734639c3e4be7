"""Plain-data helpers: type-strict equality, copies that share nothing, JSON-safe data."""

from __future__ import annotations

import datetime as dt

import pytest

from qteditor.core.yaml import KeyCollision, json_fields, json_safe, key_text, same, unshare


def test_same_is_type_strict():
    assert same({"a": [1, 2.0, True, None]}, {"a": [1, 2.0, True, None]})
    assert not same(1, 1.0) and not same(1, True) and not same(0.0, -0.0)
    assert same(float("nan"), float("nan")) and not same(float("nan"), 1.0)
    assert same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order does not matter
    assert not same({1: "x"}, {True: "x"}) and not same({1.0: "x"}, {1: "x"})
    assert not same([1], (1,)) and not same("1", 1)


def test_unshare_copies_every_place():
    shared = [1, {"k": "v"}]
    data = {"a": shared, "b": shared}
    copy = unshare(data)
    assert same(copy, data)
    assert copy["a"] is not copy["b"] and copy["a"][1] is not copy["b"][1]
    assert copy["a"] is not shared


def test_json_safe_writes_what_json_cannot_hold_as_text():
    data = {
        7: dt.date(2024, 12, 13),
        None: float("nan"),
        True: [float("-inf"), 1.5],
        dt.date(2020, 1, 2): dt.datetime(2024, 1, 2, 3, 4, 5),
    }
    assert json_safe(data) == {
        "7": "2024-12-13",
        "null": "nan",
        "true": ["-inf", 1.5],
        "2020-01-02": "2024-01-02T03:04:05",
    }
    assert [key_text(k) for k in (False, None, 2.5, dt.date(2021, 3, 4))] == [
        "false",
        "null",
        "2.5",
        "2021-03-04",
    ]


@pytest.mark.parametrize(
    "keys", [(1, "1"), (None, "null"), (dt.date(2024, 1, 2), "2024-01-02"), (True, "true")]
)
def test_json_fields_refuses_keys_json_would_merge(keys):
    data = {"outer": {keys[0]: "a", keys[1]: "b"}}
    assert len(json_safe(data)["outer"]) == 1  # what json_safe would silently do
    with pytest.raises(KeyCollision) as info:
        json_fields(data)
    assert info.value.mapping == ("outer",) and info.value.keys == keys
    assert json_fields({"outer": {keys[0]: "a"}}) == json_safe({"outer": {keys[0]: "a"}})
