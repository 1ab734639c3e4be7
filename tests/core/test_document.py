"""Splitting entry bytes: nothing is normalised, and bad input names file, line and column."""

from __future__ import annotations

import os

import pytest

from qteditor.core.document import FIRST_LINE, find_closer, split
from qteditor.core.entry import Entry
from qteditor.core.errors import FormatError
from tests.conftest import posix_only


@pytest.mark.parametrize(
    "raw",
    [
        b"---\na: 1\n---\n\n&nbsp;",
        b"---\na: 1\n---\n\n&nbsp;\n",
        b"---\r\na: 1\r\n---\r\nbody\r\n\r\n",
        b"\xef\xbb\xbf---\na: 1\n...\nbody",
        b"---   \na: 1\n---\t\n",
        b"---\na: 1\n\n\n---",
        b"---\n---\n",
        b"---\na: |\n  ---x\n---\n",
    ],
)
def test_split_join_is_exact(raw):
    doc = split(raw)
    assert doc.to_bytes() == raw
    entry = Entry.from_bytes(raw)
    assert entry.render(entry.fields()) is None


@pytest.mark.parametrize(
    "raw", [b"---\na: 1\n---\n", b"\xef\xbb\xbf---  \r\nb: 2\r\n...\r\n", b"---\n---\nbody"]
)
def test_the_front_matter_starts_on_the_first_line_after_the_opener(raw):
    doc = split(raw)
    assert doc.yaml_first_line == FIRST_LINE
    lines = raw.decode("utf-8-sig").splitlines(keepends=True)
    assert "".join(lines[FIRST_LINE - 1 :]).startswith(doc.yaml + doc.closer)


def test_the_closer_is_the_first_fence_line_after_the_opener():
    text = "---\na: |\n  ---x\n...y\n---\nbody\n---\n"
    assert find_closer(text, 4).start() == text.index("\n---\n") + 1
    assert find_closer("---\n---\n", 4).start() == 4  # right after the opener
    assert find_closer("---\na: 1\n", 4) is None


def test_parts():
    doc = split(b"\xef\xbb\xbf---\r\na: 1\r\n...\r\nbody")
    assert doc.bom == "\ufeff" and doc.opener == "---\r\n" and doc.yaml == "a: 1\r\n"
    assert doc.closer == "...\r\n" and doc.body == "body" and doc.newline == "\r\n"


BAD = {
    "empty": (b"", "1:1", "empty"),
    "binary": (b"---\na: \x00\n---\n", "2:4", "binary"),
    "latin1": (b"---\na: caf\xe9\n---\n", "2:7", "not UTF-8"),
    "no front matter": (b"title: x\n", "1:1", "no front matter"),
    "unclosed": (b"---\na: 1\nb: 2\n", "4:1", "not closed"),
    "tab indentation": (b"---\na:\n\tb: 1\n---\n", "3:1", "tab"),
    "unclosed bracket": (b"---\na: [1, 2\nb: 3\n---\n", "3:2", "flow sequence"),
    "duplicate key": (b"---\na: 1\nb: 2\na: 3\n---\n", "4:1", "duplicate key 'a'"),
    "bad indentation": (b"---\nkey: value\n  bad: x\n---\n", "3:6", "mapping values"),
    "undefined alias": (b"---\na: *nope\n---\n", "2:4", "no anchor"),
    "bad int tag": (b"---\na: !!int abc\n---\n", "2:4", "!!int"),
    "two documents": (b"---\na: 1\n--- x\n---\n", "", "YAML"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_a_located_error(name, tmp_path):
    raw, where, words = BAD[name]
    path = tmp_path / "bad.md"
    path.write_bytes(raw)
    with pytest.raises(FormatError) as info:
        Entry.load(path)
    text = str(info.value)
    assert text.startswith(f"{path}:{where}") if where else text.startswith(f"{path}:")
    assert words in text
    assert "Traceback" not in text
    assert path.read_bytes() == raw


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    raw = ("---\n" + "\n".join(lines) + "\n---\n").encode()
    with pytest.raises(FormatError) as info:
        Entry.from_bytes(raw, "bomb.md")
    assert "alias" in str(info.value)


def test_deep_nesting_is_refused():
    raw = ("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n").encode()
    with pytest.raises(FormatError) as info:
        Entry.from_bytes(raw, "deep.md")
    assert "deep.md:" in str(info.value)


def test_python_object_tag_is_never_executed():
    raw = b"---\na: !!python/object/apply:os.system ['touch /tmp/qteditor-pwned']\n---\n"
    entry = Entry.from_bytes(raw)
    assert entry.fields() == {"a": ["touch /tmp/qteditor-pwned"]}


# ---------------------------------------------------------------------------- what is read
@posix_only("a FIFO (os.mkfifo), /dev/zero and a Unix-domain socket (socket.AF_UNIX)")
@pytest.mark.timeout(20)
def test_only_regular_files_are_read_and_never_block(tmp_path, monkeypatch):
    import socket

    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.md"
    sock = socket.socket(socket.AF_UNIX)
    monkeypatch.chdir(tmp_path)  # bound by a short name: macOS caps a socket's path at 104 bytes
    sock.bind(sock_path.name)
    try:
        for path, what in (
            (fifo, "a named pipe (FIFO)"),
            ("/dev/zero", "a character device"),
            (sock_path, "a socket"),
            (tmp_path, "a folder"),
        ):
            with pytest.raises(FormatError) as info:
                Entry.load(path)
            assert str(info.value).startswith(f"{path}:1:1: this is {what}"), str(info.value)
    finally:
        sock.close()


def test_the_size_cap_counts_the_bytes_read_not_st_size(tmp_path, monkeypatch):
    from qteditor.core import entry as entry_module

    monkeypatch.setattr(entry_module, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.md"
    path.write_bytes(b"---\na: " + b"x" * 1000 + b"\n---\n")
    real_stat, real_fstat = os.stat, os.fstat

    def size_zero(st):  # what /dev/zero and /proc files say
        return os.stat_result(
            (
                st.st_mode,
                st.st_ino,
                st.st_dev,
                st.st_nlink,
                st.st_uid,
                st.st_gid,
                0,
                st.st_atime,
                st.st_mtime,
                st.st_ctime,
            )
        )

    with monkeypatch.context() as m:
        m.setattr(os, "stat", lambda *a, **k: size_zero(real_stat(*a, **k)))
        m.setattr(os, "fstat", lambda fd: size_zero(real_fstat(fd)))
        with pytest.raises(FormatError) as info:
            Entry.load(path)
    assert "larger than 1,000 bytes" in str(info.value)
    path.write_bytes(b"---\na: 1\n---\n")
    assert Entry.load(path).data == {"a": 1}
