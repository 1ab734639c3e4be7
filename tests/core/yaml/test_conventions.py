"""How a file writes things, inferred: an added key copies the same key, then its family, then
the schema's hints; nested collections take the file's most common indentation."""

from __future__ import annotations

from qteditor.core.yaml import parse
from qteditor.core.yaml.conventions import Convention, Conventions, family
from qteditor.core.yaml.geometry import Geometry

TEXT = """\
no_index: True
answer: >-
    text
related_article5:
    id: 5
    title: >-
        Five
list:
      - a
other:
    x: 1
"""


def _conventions(text=TEXT, hints=None):
    return Conventions(Geometry(text), parse(text).root, hints)


def test_family_drops_the_final_number():
    assert family("related_article12") == "related_article" and family("seo") == "seo"
    assert family(7) == 7 and family(None) is None


def test_a_key_takes_the_convention_of_the_same_key_then_of_its_family():
    conv = _conventions()
    assert conv.for_key("no_index", None).spelling == "True"
    answer = conv.for_key("answer", None)
    assert (answer.style, answer.chomp, answer.offset) == (">", "-", 4)
    six = conv.for_key("related_article6", None)  # a new one: its family's
    assert six.map_offset == 4 and six is conv.for_key("related_article5", None)
    title = conv.for_key("title", "related_article6")  # under the family of its parent
    assert (title.style, title.offset) == (">", 4)


def test_hints_fill_in_what_the_file_does_not_show():
    asked = []

    def hints(key, parent):
        asked.append((key, parent))
        return {"style": ">", "chomp": "-", "offset": 4} if key == "description" else None

    conv = _conventions(hints=hints)
    assert conv.for_key("description", None) == Convention(style=">", chomp="-", offset=4)
    assert conv.for_key("unknown", None) is None
    assert conv.for_key("answer", None).style == ">" and ("answer", None) not in asked


def test_new_collections_are_indented_as_the_file_indents_them():
    conv = _conventions()
    assert conv.map_offset("new", None) == 4  # the most common mapping offset in the file
    assert conv.seq_offset("list", None) == 6 and conv.seq_offset("new", None) == 6
    plain = _conventions("a: 1\n")
    assert plain.map_offset("new", None) == 2 and plain.seq_offset("new", None) == 2
