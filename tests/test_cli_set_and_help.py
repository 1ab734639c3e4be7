"""`qteditor set` on several files, its key check and summary, located errors; `--help`."""

from __future__ import annotations

import json

import pytest

from qteditor.cli import main
from qteditor.core.checks import RULES
from qteditor.core.entry import Entry
from tests.test_cli import SAMPLE, run

# SAMPLE's lines: 3 id, 7 seo:, 8 "  title:", 10 no_index


@pytest.fixture
def files(tmp_path):
    out = []
    for name in ("a.md", "b.md", "c.md"):
        path = tmp_path / name
        path.write_bytes(SAMPLE.encode())
        out.append(path)
    return out


def test_set_several_files_key_value(files, capsys):
    code, out, err = run(
        "set", *files, "subject=Chemistry", "seo.title=QuickTakes | Chemistry", capsys=capsys
    )
    assert code == 0, err
    for path in files:
        fields = Entry.load(path).fields()
        assert fields["subject"] == "Chemistry" and fields["seo"]["title"] == "QuickTakes | Chemistry"
    assert out == "" and err == "qteditor set: 3 files changed\n"


def test_the_summary_counts_changed_unchanged_and_failed_files(files, tmp_path, capsys):
    run("set", files[0], "subject=Physics", capsys=capsys)
    code, _, err = run("set", *files, "subject=Physics", capsys=capsys)
    assert code == 0 and err == "qteditor set: 2 files changed, 1 file unchanged\n"
    code, _, err = run("set", "--json", '{"author": "Me"}', files[0], tmp_path / "missing.md", capsys=capsys)
    assert code == 1
    assert err.splitlines() == [
        f"{tmp_path / 'missing.md'}:1:1: no such file",
        "qteditor set: 1 file changed, 1 file failed",
    ]


def test_quiet_prints_no_summary(files, capsys):
    code, out, err = run("set", "-q", *files, "subject=Physics", capsys=capsys)
    assert code == 0 and out == "" and err == ""


def test_a_file_whose_name_holds_an_equals_sign_is_a_file(tmp_path, capsys):
    odd = tmp_path / "x=y.md"
    odd.write_bytes(SAMPLE.encode())
    code, _, err = run("set", odd, "author=Me", capsys=capsys)
    assert code == 0, err
    assert Entry.load(odd).fields()["author"] == "Me"


@pytest.mark.parametrize("args", [["author=Me", "{a}"], ["{a}", "author=Me", "{b}"], ["author=Me"]])
def test_assignments_come_after_the_files(files, capsys, args):
    args = [a.format(a=files[0], b=files[1]) for a in args]
    code, _, err = run("set", *args, capsys=capsys)
    assert code == 2 and "Traceback" not in err and err
    assert all(p.read_bytes() == SAMPLE.encode() for p in files)


def test_a_misspelt_key_is_refused_with_the_closest_known_key(files, capsys):
    code, _, err = run("set", *files[:2], "seo.titel=New", capsys=capsys)
    assert code == 1
    lines = err.splitlines()
    for path, line in zip(files[:2], lines, strict=False):
        # at the mapping that has no such key (seo:, line 7)
        assert line.startswith(f"{path}:7:1: seo.titel is neither in the schema nor in the file")
        assert "did you mean seo.title?" in line and "--new-key" in line
    assert lines[-1] == "qteditor set: 2 files failed"
    assert all(p.read_bytes() == SAMPLE.encode() for p in files)
    code, _, err = run("set", files[0], "subjetc=Physics", capsys=capsys)
    assert code == 1 and "did you mean subject?" in err and err.startswith(f"{files[0]}:1:1:")


def test_new_key_adds_a_key_the_schema_does_not_name(files, capsys):
    code, _, err = run("set", "--new-key", files[0], "seo.titel=New", "reviewed_by=Me", capsys=capsys)
    assert code == 0, err
    fields = Entry.load(files[0]).fields()
    assert fields["seo"]["titel"] == "New" and fields["reviewed_by"] == "Me"


def test_keys_of_the_file_or_the_schema_need_no_flag(tmp_path, capsys):
    path = tmp_path / "e.md"
    path.write_bytes(SAMPLE.replace("score: -1.0\n", "score: -1.0\nextra:\n  weight: 3\n").encode())
    code, _, err = run(
        "set", path, "extra.weight=4", "article_title=Cells", "related_article2.title=Other", capsys=capsys
    )
    assert code == 0, err
    fields = Entry.load(path).fields()
    assert fields["extra"]["weight"] == 4 and fields["article_title"] == "Cells"
    assert fields["related_article2"]["title"] == "Other"
    code, _, err = run("set", path, "extra.wieght=4", capsys=capsys)
    assert code == 1 and "did you mean extra.weight?" in err  # the file's keys are suggested


def test_the_json_patch_is_not_checked_for_new_keys(files, capsys):
    code, _, err = run("set", "--json", '{"seo": {"titel": "T"}}', *files, capsys=capsys)
    assert code == 0, err
    assert Entry.load(files[2]).fields()["seo"]["titel"] == "T"


@pytest.mark.parametrize(
    "args, where, words",
    [
        (["id=abc"], "3:1", "id must be a whole number"),
        (["no_index=maybe"], "10:1", "no_index must be true or false"),
        (["seo=flat"], "7:1", "seo is a mapping"),
        (["seo.title.x=1"], "8:3", "seo.title is not a mapping"),
        (["--json", '{"id": "abc"}'], "3:1", "id must be a whole number"),
        (["--json", '{"seo": {"title": {"a": 1}}}'], None, None),  # a mapping replaces text: fine
    ],
)
def test_a_refused_value_points_at_its_field(files, capsys, args, where, words):
    if args[0] == "--json":
        code, _, err = run("set", *args, files[0], capsys=capsys)
    else:
        code, _, err = run("set", files[0], *args, capsys=capsys)
    if where is None:
        assert code == 0, err
        return
    assert code == 1
    assert err.startswith(f"{files[0]}:{where}: {words}"), err
    assert files[0].read_bytes() == SAMPLE.encode()


def test_a_nested_field_of_the_file_is_located_at_its_key(tmp_path, capsys):
    path = tmp_path / "e.md"
    path.write_bytes(SAMPLE.replace("score: -1.0\n", "score: -1.0\nextra:\n  weight: 3\n").encode())
    code, _, err = run("set", path, "extra.weight=heavy", capsys=capsys)
    lines = path.read_text().split("\n")
    line = lines.index("  weight: 3") + 1
    assert code == 1 and err.startswith(f"{path}:{line}:3: extra.weight must be a whole number")


def test_top_level_help_gives_examples_rules_exit_codes_and_the_window(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "qteditor PATH opens the window" in out
    examples = out.split("examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    commands = {line.split()[1] for line in examples if line.startswith("  qteditor ")}
    assert {"check", "fix", "set", "show", "render", "export"} <= commands
    listed = out.split("rules (", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert [line.split()[0] for line in listed] == list(RULES)  # every rule id, from the checks
    assert [line.split()[1] for line in listed] == list(RULES.values())
    codes = out.split("exit status:\n", 1)[1].splitlines()
    assert [c.split()[0] for c in codes[:3]] == ["0", "1", "2"]
    assert "path:line:column" in out


def test_set_help_promises_what_set_does(capsys):
    with pytest.raises(SystemExit):
        main(["set", "--help"])
    out = capsys.readouterr().out
    assert "FILE... KEY=VALUE..." in out and "--new-key" in out and "3 files changed" in out


def test_the_json_shapes_of_show_are_unchanged_by_several_files(files, capsys):
    code, out, _ = run("show", "--json", *files, capsys=capsys)
    assert code == 0
    assert [json.loads(line)["path"] for line in out.splitlines()] == [str(p) for p in files]
