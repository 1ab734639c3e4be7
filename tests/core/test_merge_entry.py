"""git's merge of entries (merge_bytes / merge_entry): field by field, related articles item by
item, the answer by its paragraphs, written into OURS so that its bytes stay; conflicts marked
around the conflicting fields' lines only."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qteditor.core.entry import Entry
from qteditor.core.merge import (
    BASE,
    MISSING,
    OURS,
    THEIRS,
    NotMergeable,
    Value,
    merge3,
    merge_bytes,
    merge_entry,
)
from tests.conftest import CORPUS, corpus_files
from tests.core.merge_helpers import (
    cms,
    desktop,
    edit_paragraph,
    expected,
    fields_of,
    paragraphs,
    renumber,
)

RICH = CORPUS / "accounting-and-finance" / "how-can-tax-and-compliance-issues-be-mitigated.md"


def rich_entries(n: int) -> list:
    """Corpus entries with 3+ related articles and 6+ paragraphs (spread over the corpus)."""
    out = []
    for path in corpus_files()[::7]:
        raw = path.read_bytes()
        f = fields_of(raw)
        if "related_article3" in f and len(paragraphs(f)) >= 6:
            out.append(raw)
        if len(out) == n:
            break
    return out


@pytest.fixture(scope="module")
def base() -> bytes:
    return RICH.read_bytes()


def test_cms_rewrite_against_desktop_edit_keeps_ours_bytes():
    for raw in rich_entries(12):
        ours = desktop(raw, lambda f: f.update(title=f["title"] + " (revised)"))
        theirs = cms(raw, lambda d: d["seo"].__setitem__("page_keywords", "new, words"))
        assert theirs.count(b"\n") > raw.count(b"\n") + 3  # the CMS re-wrapped the file
        out = merge_bytes(raw, ours, theirs, "entry.md")
        assert out.clean
        assert out.data == expected(ours, lambda f: f["seo"].__setitem__("page_keywords", "new, words"))


def test_a_cms_rewrite_alone_leaves_ours_byte_for_byte(base):
    ours = desktop(base, lambda f: f.update(author="Someone"))
    out = merge_bytes(base, ours, cms(base), "entry.md")
    assert out.clean and out.data == ours
    # and the other way round (a rebase: OURS is the CMS's file): its bytes stay too
    theirs_cms = cms(base)
    out = merge_bytes(base, theirs_cms, ours, "entry.md")
    assert out.clean
    assert out.data == expected(theirs_cms, lambda f: f.update(author="Someone"))


def test_distant_and_adjacent_fields_merge(base):
    ours = desktop(base, lambda f: f.update(title="T1", article_title="T1"))
    theirs = desktop(base, lambda f: f.update(date_format="YYYY", url="/learn/x/questions/y"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean
    assert out.data == expected(ours, lambda f: f.update(date_format="YYYY", url="/learn/x/questions/y"))
    # adjacent lines: question (ours) right before answer's key... and the answer (theirs)
    ours = desktop(base, lambda f: f.update(question="Q?"))
    theirs = desktop(base, lambda f: f.update(author="A"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean and fields_of(out.data)["author"] == "A" and fields_of(out.data)["question"] == "Q?"


def test_different_paragraphs_of_the_answer_merge(base):
    p = paragraphs(fields_of(base))
    ours = desktop(base, lambda f: edit_paragraph(f, p[0], " Ours."))
    theirs = desktop(base, lambda f: edit_paragraph(f, p[3], " Theirs."))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean
    answer = fields_of(out.data)["answer"].split("\n")
    assert answer[p[0]].endswith(" Ours.") and answer[p[3]].endswith(" Theirs.")
    assert out.data == expected(ours, lambda f: edit_paragraph(f, p[3], " Theirs."))


def test_one_paragraph_edited_differently_is_a_conflict_of_the_answer_only(base):
    p = paragraphs(fields_of(base))
    ours = desktop(base, lambda f: (edit_paragraph(f, p[1], " Ours."), f.update(author="Me")))
    theirs = cms(
        base,
        lambda d: d.__setitem__(
            "answer",
            _stored_edit(d["answer"], p[1], " Theirs.").replace(
                _stored_line(d["answer"], p[4]), _stored_line(d["answer"], p[4]) + " T4"
            ),
        ),
    )
    out = merge_bytes(base, ours, theirs, "entry.md", style="diff3")
    assert [c.path for c in out.conflicts] == [("answer",)]
    text = out.data.decode()
    lines = text.split("\n")
    start, mid, sep, end = (
        lines.index(m) for m in ("<<<<<<< ours", "||||||| base", "=======", ">>>>>>> theirs")
    )
    assert start < mid < sep < end and end - start == 6  # one answer line on each side
    assert lines[start - 1] == "answer: >-"
    ours_line, base_line, theirs_line = lines[start + 1], lines[mid + 1], lines[sep + 1]
    assert "Ours." in ours_line and "Theirs." in theirs_line and "Ours." not in base_line
    assert all(" T4" in x for x in (ours_line, theirs_line, base_line))  # the rest is merged
    # everything outside the markers is OURS's bytes (author merged in its own line)
    outside = "\n".join(lines[:start] + lines[end + 1 :])
    assert "author: Me" in outside and outside.count("\n") == ours.decode().count("\n") - 1


def _stored_line(stored: str, index: int) -> str:
    return stored.split("\\n")[index]


def _stored_edit(stored: str, index: int, text: str) -> str:
    parts = stored.split("\\n")
    parts[index] += text
    return "\\n".join(parts)


def test_one_field_changed_differently_gets_markers_around_its_lines_only(base):
    ours = desktop(base, lambda f: f.update(title="Mine", author="Me"))
    theirs = cms(base, lambda d: d.__setitem__("title", "Theirs"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert [c.path for c in out.conflicts] == [("title",)]
    text = out.data.decode()
    assert "|||||||" not in text  # the default style has no base section
    block = text[text.index("<<<<<<< ours") : text.index(">>>>>>> theirs")]
    assert block.split("\n")[1:-1] == ["    Mine", "=======", "    Theirs"]
    assert out.conflicts[0].ours == "Mine" and out.conflicts[0].theirs == "Theirs"


def test_the_same_change_on_both_sides_is_clean(base):
    ours = desktop(base, lambda f: f.update(title="Same"))
    theirs = cms(base, lambda d: d.__setitem__("title", "Same"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean and out.data == ours


def test_an_edit_against_a_deletion_is_a_conflict(base):
    ours = desktop(base, lambda f: f["seo"].update(page_keywords="edited"))
    theirs = desktop(base, lambda f: f["seo"].pop("page_keywords"))
    out = merge_bytes(base, ours, theirs, "entry.md", style="diff3")
    (c,) = out.conflicts
    assert c.kind == "deleted" and c.path == ("seo", "page_keywords") and c.absent == (THEIRS,)
    text = out.data.decode()
    block = text[text.index("<<<<<<<") : text.index(">>>>>>>")].split("\n")
    assert block[1] == "  page_keywords: >-" and block[3] == "||||||| base"
    assert block[block.index("=======") + 1 :] == [""]  # theirs has no lines there


def test_related_articles_merge_item_by_item_and_renumber(base):
    f0 = fields_of(base)
    r3_url = f0["related_article3"]["url"]

    # ours removes related_article1 (renumbering the rest); theirs fixes related_article3's title
    def drop_first(f):
        f.pop("related_article1")
        renumber(f)

    ours = desktop(base, drop_first)
    theirs = cms(base, lambda d: d["related_article3"].__setitem__("title", "Fixed title"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean
    got = fields_of(out.data)
    assert got["related_article2"]["url"] == r3_url and got["related_article2"]["title"] == "Fixed title"
    assert "related_article1" in got and f0["related_article1"]["url"] not in [
        got[k]["url"] for k in got if k.startswith("related_article")
    ]


def test_related_articles_added_on_both_sides_are_both_kept(base):
    f0 = fields_of(base)
    n = max(int(k[len("related_article") :]) for k in f0 if k.startswith("related_article"))
    a = {"id": 1, "title": "A", "subject": "S", "url": "/learn/s/questions/a"}
    b = {"id": 2, "title": "B", "subject": "S", "url": "/learn/s/questions/b"}
    ours = desktop(base, lambda f: f.pop(f"related_article{n}") and f.update({f"related_article{n}": a}))
    theirs = desktop(base, lambda f: f.update({f"related_article{n + 1}": b}))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean
    got = fields_of(out.data)
    urls = [got[f"related_article{i}"]["url"] for i in range(1, n + 2)]
    assert urls[-2:] == [a["url"], b["url"]] and f"related_article{n + 2}" not in got


def test_a_related_article_removed_and_edited_is_a_conflict(base):
    ours = desktop(base, lambda f: f["related_article2"].update(title="Edited"))

    def drop(f):
        f.pop("related_article2")
        renumber(f)

    theirs = desktop(base, drop)
    out = merge_bytes(base, ours, theirs, "entry.md")
    (c,) = out.conflicts
    assert c.kind == "item" and c.path == ("related_article2",) and c.theirs is None
    assert c.ours["title"] == "Edited"


def test_choices_build_either_side_or_a_value(base):
    b, o, t = fields_of(base), fields_of(base), fields_of(base)
    o["title"], t["title"] = "O", "T"
    o["author"] = "Me"
    m = merge_entry(b, o, t, "", "", "")
    (c,) = m.conflicts
    assert m.fields["title"] == "O" and m.fields["author"] == "Me"
    for choice, want in ((THEIRS, "T"), (BASE, b["title"]), (Value("Edited"), "Edited")):
        again = merge_entry(b, o, t, "", "", "", choose=lambda x, ch=choice: ch if x.key == c.key else OURS)
        assert again.fields["title"] == want and again.fields["author"] == "Me"
    gone = merge_entry(b, o, t, "", "", "", choose=lambda x: Value(MISSING))
    assert "title" not in gone.fields


def test_added_on_both_sides_merges_what_agrees(base):
    ours = desktop(base, lambda f: f.update(author="Me"))
    out = merge_bytes(None, ours, base, "entry.md")
    assert [c.path for c in out.conflicts] == [("author",)]


def test_the_body_merges_line_by_line_with_markers_there():
    def entry(body: str) -> bytes:
        return ("---\ntitle: T\n---\n" + body).encode()

    out = merge_bytes(entry("a\nb\nc\nd\ne"), entry("a\nB\nc\nd\ne"), entry("a\nb\nc\nd\nE"), "x.md")
    assert out.clean and out.data == entry("a\nB\nc\nd\nE")
    out = merge_bytes(entry("a\nb\nc"), entry("a\nB1\nc"), entry("a\nB2\nc"), "x.md")
    assert [c.kind for c in out.conflicts] == ["body"]
    assert out.data.decode().endswith("a\n<<<<<<< ours\nB1\n=======\nB2\n>>>>>>> theirs\nc")


def test_files_that_are_not_entries_are_not_merged_here(base):
    with pytest.raises(NotMergeable):
        merge_bytes(base, b"no front matter\n", base, "x.md")
    with pytest.raises(NotMergeable):
        merge_bytes(base, base, b"---\ntitle: [unclosed\n---\n", "x.md")


def test_merge3_regions():
    assert merge3(list("abcde"), list("aXcde"), list("abcdY")) == [("ok", list("aXcdY"))]
    assert merge3(list("abc"), list("aXc"), list("aYc")) == [
        ("ok", ["a"]),
        ("conflict", ["b"], ["X"], ["Y"]),
        ("ok", ["c"]),
    ]


def test_the_window_merge_is_unchanged():
    """merge_fields (the outside-change merge) still keeps ours on a conflict, as before."""
    from qteditor.core.merge import merge_fields

    merged, conflicts = merge_fields({"a": 1}, {"a": 2}, {"a": 3})
    assert merged == {"a": 2} and [c.path for c in conflicts] == [("a",)]


# ---------------------------------------------------------------------------- families of edits
FIELDS = (
    "title",
    "author",
    "date_format",
    "post_on_text",
    "question",
    "subject",
    "url",
    ("seo", "page_description"),
    ("seo", "page_keywords"),
)


def _set(fields: dict, key, value) -> None:
    if isinstance(key, tuple):
        fields[key[0]][key[1]] = value
    else:
        fields[key] = value


def _get(fields: dict, key):
    return fields[key[0]][key[1]] if isinstance(key, tuple) else fields[key]


edits = st.lists(st.tuples(st.sampled_from(FIELDS), st.sampled_from(["x", "y", "z"])), min_size=0, max_size=4)
para_edits = st.lists(st.integers(0, 5), max_size=3, unique=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ours_edits=edits,
    theirs_edits=edits,
    ours_paras=para_edits,
    theirs_paras=para_edits,
    rewrite=st.booleans(),
    style=st.sampled_from(["merge", "diff3"]),
)
def test_merge_families(base, ours_edits, theirs_edits, ours_paras, theirs_paras, rewrite, style):
    """Over families of concurrent edits: a field or paragraph changed on one side only (or the
    same way on both) is merged with the right data and OURS's formatting; one changed
    differently on both sides is always flagged — never merged clean and wrong."""
    b = fields_of(base)
    p = paragraphs(b)
    o_vals = {k: f"{_get(b, k)} o{v}" for k, v in ours_edits}
    t_vals = {
        k: f"{_get(b, k)} t{v}" if (k not in o_vals or v != "x") else o_vals[k] for k, v in theirs_edits
    }

    def ours_change(f):
        for k, v in o_vals.items():
            _set(f, k, v)
        for i in ours_paras:
            edit_paragraph(f, p[i], " O")

    def theirs_change(f):
        for k, v in t_vals.items():
            _set(f, k, v)
        for i in theirs_paras:
            edit_paragraph(f, p[i], " O" if i in ours_paras and i % 2 else " T")

    ours = desktop(base, ours_change)
    theirs = desktop(base, theirs_change)
    if rewrite:
        theirs = cms(theirs)
    out = merge_bytes(base, ours, theirs, "entry.md", style=style)
    conflicting = {k for k in o_vals if k in t_vals and o_vals[k] != t_vals[k]}
    para_conflict = any(i in ours_paras and not i % 2 for i in theirs_paras)
    if conflicting or para_conflict:
        assert not out.clean
        flagged = {c.path if len(c.path) > 1 else c.path[0] for c in out.conflicts}
        assert conflicting <= flagged
        assert ("answer" in flagged) == para_conflict
        assert b"<<<<<<< ours" in out.data and (b"||||||| base" in out.data) == (style == "diff3")
    else:

        def theirs_on_ours(f):
            for k, v in t_vals.items():
                _set(f, k, v)
            for i in theirs_paras:
                if i not in ours_paras:
                    edit_paragraph(f, p[i], " T")

        assert out.clean
        assert out.data == expected(ours, theirs_on_ours)
        Entry.from_bytes(out.data)


def test_copies_of_one_article_line_up_by_their_order():
    """[C, M, C, C]: ours removes M, theirs fixes the third (a C): the fix lands on the copy
    that was third, now second (items are matched by the fewest removals, not moved)."""

    def item(url: str, title: str = "t") -> dict:
        return {"id": 1, "title": title, "subject": "S", "url": url}

    b = {f"related_article{i}": item(u) for i, u in enumerate("CMCC", start=1)}
    o = {f"related_article{i}": item(u) for i, u in enumerate("CCC", start=1)}
    t = dict(b, related_article3=item("C", "fixed"))
    m = merge_entry(b, o, t, "", "", "")
    assert m.clean
    assert [m.fields[f"related_article{i}"]["title"] for i in (1, 2, 3)] == ["t", "fixed", "t"]


def _article(url: str, title: str = "t") -> dict:
    return {"id": ord(url), "title": title, "subject": "S", "url": f"/learn/s/questions/{url}"}


def _family(items: list) -> dict:
    return {f"related_article{n}": item for n, item in enumerate(items, start=1)}


def _listed(fields: dict) -> list:
    return [
        fields[f"related_article{n}"] for n in range(1, len(fields) + 1) if f"related_article{n}" in fields
    ]


def test_copies_of_one_article_removed_on_both_sides_keep_one():
    """Regression: BASE [X, Y, X], OURS [X, Y] (the last copy removed), THEIRS [Y, X] (the
    first removed) merged clean to [Y]: X, which both sides kept, was lost."""
    x, y = _article("X"), _article("Y")
    m = merge_entry(_family([x, y, x]), _family([x, y]), _family([y, x]), "", "", "")
    assert m.clean and sorted(i["url"] for i in _listed(m.fields)) == sorted([x["url"], y["url"]])
    # both sides edit the copies differently: flagged as one conflict of the list, not guessed
    xu, xv = _article("X", "u"), _article("X", "v")
    m = merge_entry(_family([x, x]), _family([xu]), _family([xv]), "", "", "")
    assert not m.clean and [c.key for c in m.conflicts] == [("items", "related_article")]
    assert _listed(m.fields) == [xu]  # ours until resolved
    m = merge_entry(_family([x, x]), _family([xu]), _family([xv]), "", "", "", choose=lambda c: THEIRS)
    assert _listed(m.fields) == [xv]


def _edited(items: list, ops: list) -> list:
    out = [dict(i) for i in items]
    for op in ops:
        if op[0] == "del" and out:
            del out[op[1] % len(out)]
        elif op[0] == "ins":
            out.insert(op[1] % (len(out) + 1), _article(op[2], op[3]))
        elif op[0] == "edit" and out:
            out[op[1] % len(out)]["title"] = op[2]
        elif op[0] == "move" and out:
            out.insert(op[2] % len(out), out.pop(op[1] % len(out)))
    return out


_urls = st.sampled_from("ABC")
_titles = st.sampled_from(["t", "u", "v"])
_ops = st.lists(
    st.one_of(
        st.tuples(st.just("del"), st.integers(0, 5)),
        st.tuples(st.just("ins"), st.integers(0, 5), st.sampled_from("ABCDE"), _titles),
        st.tuples(st.just("edit"), st.integers(0, 5), _titles),
        st.tuples(st.just("move"), st.integers(0, 5), st.integers(0, 5)),
    ),
    max_size=3,
)


def _bag(items: list, url: str) -> list:
    return sorted(i["title"] for i in items if i["url"] == url)


@settings(max_examples=300, deadline=None)
@example(base=[_article("X"), _article("Y"), _article("X")], ours_ops=[("del", 2)], theirs_ops=[("del", 0)])
@given(
    base=st.lists(st.builds(_article, _urls, _titles), max_size=5),
    ours_ops=_ops,
    theirs_ops=_ops,
)
def test_related_lists_with_copies_never_lose_what_both_kept(base, ours_ops, theirs_ops):
    """Over lists that may hold one article twice, each side removing, adding, editing and
    moving items: the merge (whatever the choices) never loses an article both sides kept;
    a clean merge agrees article by article with what each side did (a side that left an
    article's copies as they were takes the other side's), and a side that left the whole
    list as it was takes the other side's list exactly."""
    ours, theirs = _edited(base, ours_ops), _edited(base, theirs_ops)
    for side in (OURS, THEIRS):
        m = merge_entry(_family(base), _family(ours), _family(theirs), "", "", "", choose=lambda c, s=side: s)
        got = _listed(m.fields)
        assert len(got) == len(m.fields)  # numbered 1..N, nothing else
        for url in {i["url"] for i in ours} & {i["url"] for i in theirs}:
            kept = min(len(_bag(ours, url)), len(_bag(theirs, url)))
            assert len(_bag(got, url)) >= kept, (url, got)
        if not m.clean:
            continue
        if ours in (base, theirs):
            assert got == (theirs if ours == base else ours)
        elif theirs == base:
            assert got == ours
        for url in {i["url"] for i in base + ours + theirs}:
            b, o, t, r = (_bag(x, url) for x in (base, ours, theirs, got))
            if o == b:
                assert r == t, url
            elif t == b or o == t:
                assert r == o, url
            else:
                assert min(len(o), len(t)) <= len(r) <= max(len(o), len(t)), url


def test_a_hash_in_an_answer_is_text_not_a_comment(base):
    """Regression: every ``#`` after a space counted as a front-matter comment, so an answer
    with code (``#include``, ``# a comment``) or a heading that THEIRS edited or the CMS
    re-wrapped sent the merge to lines (15 of the 710 mergeable pairs of bench/merge.py)."""

    def code(f):
        f["answer"] += "\n\n1. In code:\n   ```python\n   # set x\n   x = 1\n   ```"

    base = desktop(base, code)
    ours = desktop(base, lambda f: f.update(title="Ours title"))
    theirs = cms(desktop(base, lambda f: f.update(answer=f["answer"].replace("x = 1", "x = 2"))))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean and fields_of(out.data)["answer"].endswith("   # set x\n   x = 2\n   ```")
    assert out.data == expected(ours, lambda f: f.update(answer=fields_of(theirs)["answer"]))
    # a real comment THEIRS added still sends the merge to lines
    commented = theirs.replace(b"\nauthor:", b"\n# checked\nauthor:", 1)
    with pytest.raises(NotMergeable, match="comments"):
        merge_bytes(base, ours, commented, "entry.md")


@pytest.mark.parametrize(
    "numbering",
    [
        {"related_article1": "related_article0"},  # numbered from 0
        {"related_article2": "related_article7"},  # a gap, out of order
        {"related_article1": "related_article01"},  # a leading zero
    ],
)
@pytest.mark.parametrize("rewrite", [False, True])
def test_related_articles_neither_side_touched_keep_their_keys(base, numbering, rewrite):
    """Regression: the related-article family was always written back numbered 1..N in order,
    so a file numbered otherwise (from 0, with a gap) had its keys renamed and its articles
    reordered by a merge of some other field, which neither side asked for."""
    text = base.decode("utf-8")
    for old, new in numbering.items():
        assert f"\n{old}:\n" in text
        text = text.replace(f"\n{old}:\n", f"\n{new}:\n")
    odd = text.encode("utf-8")
    ours = desktop(odd, lambda f: f.update(title="Ours title"))
    theirs = desktop(odd, lambda f: f.update(author="CMS"))
    if rewrite:
        theirs = cms(theirs)
    out = merge_bytes(odd, ours, theirs, "entry.md")
    assert out.clean
    assert out.data == expected(ours, lambda f: f.update(author="CMS"))
    # and THEIRS's renumbering alone is taken as THEIRS wrote it
    out = merge_bytes(odd, odd, base, "entry.md")
    assert out.clean and out.data == base


@pytest.mark.parametrize("empty", [None, b""])
def test_a_comment_only_theirs_has_in_an_entry_added_on_both_sides_is_not_lost(base, empty):
    """Regression: with no base (the entry added on both sides) the comments were not compared,
    so a comment that only THEIRS had was dropped from a clean merge written into OURS."""
    ours = desktop(base, lambda f: f.update(author="Desk"))
    theirs = ours.replace(b"\nsubject:", b"\n# reviewed\nsubject:", 1)
    assert theirs != ours
    with pytest.raises(NotMergeable, match="comments"):
        merge_bytes(empty, ours, theirs, "entry.md")
    # the same comments on both sides merge as before
    out = merge_bytes(empty, theirs, theirs, "entry.md")
    assert out.clean and out.data == theirs


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


@pytest.mark.parametrize("convert", ["theirs", "ours", "neither"])
def test_a_merge_has_one_line_break_convention(base, convert):
    """A side that converted the file's line breaks wins them (THEIRS: the lines it converted
    are all its changes; OURS: its bytes are kept); the lines taken from the other side never
    leave a file half CRLF and half LF (THEIRS converted to LF left the body's line LF in a
    CRLF front matter)."""
    crlf_base = _crlf(base)
    ours = desktop(crlf_base, lambda f: f.update(title=f["title"] + " (revised)"))
    entry = Entry.from_bytes(desktop(crlf_base, lambda f: f.update(author="Someone")), "entry.md")
    theirs = entry.render(entry.fields(), entry.body + "A new body line.\r\n")[0]
    assert b"\r\n" in ours and b"\r\n" in theirs
    if convert == "theirs":
        theirs = _lf(theirs)
    elif convert == "ours":
        ours = _lf(ours)
    out = merge_bytes(crlf_base, ours, theirs, "entry.md")
    assert out.clean
    crlf = out.data.count(b"\r\n")
    lf = out.data.count(b"\n") - crlf
    if convert == "neither":
        assert lf == 0 and crlf > 0
    else:
        assert crlf == 0 and lf > 0
    fields = fields_of(out.data)
    assert fields["title"].endswith(" (revised)") and fields["author"] == "Someone"
    assert out.data.endswith(b"A new body line.\n" if convert != "neither" else b"A new body line.\r\n")


def test_a_merge_keeps_a_file_ours_mixed_as_it_is(base):
    mixed = base.replace(b"\n", b"\r\n", 3)  # the first lines CRLF, the rest LF
    theirs = desktop(mixed, lambda f: f.update(author="Someone"))
    out = merge_bytes(mixed, mixed, theirs, "entry.md")
    assert out.clean and out.data == theirs  # no line-break rewriting of what OURS wrote


def test_a_bom_one_side_added_or_removed_is_taken(base):
    """A BOM the CMS added (or removed) while the desktop edited a field: the result has the
    CMS's BOM and both edits, as git's line merge takes THEIRS's first line (the merge is
    written into OURS's bytes, so the BOM was silently dropped); a BOM neither changed stays."""
    bom = b"\xef\xbb\xbf"
    ours = desktop(base, lambda f: f.update(title="Desk title"))
    theirs = bom + desktop(base, lambda f: f.update(author="CMS author"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert out.clean and out.data == bom + desktop(ours, lambda f: f.update(author="CMS author"))
    # removed by THEIRS from a file that had one
    out = merge_bytes(bom + base, bom + ours, desktop(base, lambda f: f.update(author="CMS author")), "e.md")
    assert out.clean and out.data == desktop(ours, lambda f: f.update(author="CMS author"))
    # added by OURS, or by both, or by neither: OURS's
    for o, t in ((bom + ours, theirs[len(bom) :]), (bom + ours, theirs), (ours, theirs[len(bom) :])):
        out = merge_bytes(base, o, t, "entry.md")
        assert out.clean and out.data.startswith(bom) == o.startswith(bom)
    # with a conflict too: the markers keep the CMS's BOM at the very start
    theirs = bom + desktop(base, lambda f: f.update(title="CMS title"))
    out = merge_bytes(base, ours, theirs, "entry.md")
    assert not out.clean and out.data.startswith(bom + b"---\n") and out.data.count(bom) == 1
