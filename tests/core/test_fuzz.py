"""Fuzzing the reader and writer: random bytes and mutated real entries give only typed errors,
and any file that loads saves back byte-identical (a no-op writes nothing)."""

from __future__ import annotations

import functools
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qteditor.core.entry import Entry
from qteditor.core.errors import QtEditorError
from tests.conftest import corpus_sample

EXAMPLES = int(os.environ.get("QTEDITOR_FUZZ_EXAMPLES", "300"))


@functools.cache
def _seeds() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in corpus_sample(100))


# drawn from the corpus when a test runs, never at import (a missing corpus fails these tests only)
SEEDS = st.deferred(lambda: st.sampled_from(_seeds()))


def _load_or_typed_error(raw: bytes) -> None:
    try:
        entry = Entry.from_bytes(raw, "fuzz.md")
    except QtEditorError as exc:
        assert str(exc).startswith("fuzz.md:")
        return
    assert entry.render(entry.fields()) is None
    assert entry.doc.to_bytes() == raw


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes(raw):
    _load_or_typed_error(b"---\n" + raw)
    _load_or_typed_error(raw)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=SEEDS,
    cuts=st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 40), st.binary(max_size=6)), max_size=4),
)
def test_mutated_real_entries(seed, cuts):
    raw = bytearray(seed)
    for at, length, insert in cuts:
        at = at % (len(raw) + 1)
        raw[at : at + length] = insert
    _load_or_typed_error(bytes(raw))


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(
    seed=SEEDS,
    junk=st.sampled_from(
        [
            b"\t",
            b": ",
            b" #",
            b"'",
            b'"',
            b"&a ",
            b"*a",
            b"!!python/object:x ",
            b"[",
            b"{",
            b"- ",
            b"? ",
            b"|",
            b">",
            b"\r",
            b"\xc2\x85",
            b"\xe2\x80\xa8",
            b"\xef\xbb\xbf",
            b"%YAML 1.2\n",
            b"---\n",
            b"...\n",
            b"\\",
            b"\x00",
            b"\xff",
        ]
    ),
    where=st.integers(0, 5000),
)
def test_yaml_syntax_dropped_into_real_entries(seed, junk, where):
    at = where % (len(seed) + 1)
    _load_or_typed_error(seed[:at] + junk + seed[at:])
