"""A collection indexed from nothing: its rows are listed as they are read, and a search is
answered from their text before the full-text index exists (then by it, the same rows)."""

from __future__ import annotations

import re
import threading

from PySide6.QtCore import QItemSelectionModel

from qteditor.core.collection import Collection
from qteditor.core.entry import Entry
from qteditor.ui.collection_panel import CollectionPanel
from tests.conftest import CORPUS, corpus_files
from tests.ui.test_browser_truth import shown

WORD = "photosynth"  # typed: the last word is a prefix ("photosynthesis", "photosynthetic")


def _matching_files() -> set[str]:
    """The entries whose question, answer or keywords have a word starting with WORD."""
    out = set()
    for path in corpus_files():
        fields = Entry.load(path).fields()
        text = " ".join(str(fields.get(k) or "") for k in ("question", "answer"))
        text += " " + str((fields.get("seo") or {}).get("page_keywords") or "")
        if any(w.startswith(WORD) for w in re.findall(r"[^\W_]+", text.lower())):
            out.add(path.relative_to(CORPUS).as_posix())
    return out


def test_rows_come_as_read_and_a_search_is_answered_before_the_full_text_index(window, qtbot, monkeypatch):
    monkeypatch.setattr(CollectionPanel, "STREAM_S", 0.0)  # every chunk shown as it comes
    release = threading.Event()
    build = Collection.ensure_text

    def held(self: Collection) -> None:  # the panel's build of the full text waits for the test
        if not threading.current_thread().name.startswith("search"):
            release.wait(120)
        build(self)

    monkeypatch.setattr(Collection, "ensure_text", held)
    panel = window.collection_panel
    listed: list[int] = []
    panel.rowsRead.connect(listed.append)
    said: list[str] = []  # what the count line said, in order
    label = panel.count.setText
    panel.count.setText = lambda text: (said.append(text), label(text))  # type: ignore[method-assign]
    panel.search.setText(WORD)  # typed before the folder is opened: answered as rows come
    try:
        window.open_folder(CORPUS)
        qtbot.waitUntil(lambda: len(listed) >= 2, timeout=30000)
        with qtbot.waitSignal(panel.indexed, timeout=120000):
            pass
        total = len(corpus_files())
        assert listed == sorted(listed) and listed[0] < total  # growing, from the first chunk on
        assert any(re.fullmatch(r"[\d,]+ of [\d,]+ entries read so far", t) for t in said), "|".join(said)
        assert len(panel.model.rows) == total
        want = _matching_files()
        assert 0 < len(want) < total
        # every row is read, the full text is not built: answered from memory, truthfully
        assert panel.collection.text_pending()
        qtbot.waitUntil(lambda: shown(panel) == want, timeout=20000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not panel.collection.text_pending(), timeout=60000)
    panel.search.setText(WORD + "e")  # "photosynthe": the full-text index answers now
    qtbot.waitUntil(lambda: shown(panel) == want, timeout=20000)


def test_rows_added_as_read_sort_as_all_of_them_at_once(qapp):
    """``EntryModel.add_rows`` (merging the rows read since) orders them as ``set_rows`` of all
    of them does, in every column and both directions, with ties broken by path."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from PySide6.QtCore import Qt

    from qteditor.ui.collection_panel import EntryModel

    row = st.tuples(
        st.sampled_from(["", "Alpha", "beta", "Beta", "gamma"]),
        st.sampled_from(["Physics", "biology", ""]),
        st.sampled_from(["2024-01-02", "2023-12-31", ""]),
        st.one_of(st.none(), st.integers(-3, 3)),
    )

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(row, max_size=40), st.lists(st.integers(1, 12), max_size=6), st.integers(0, 3), st.booleans()
    )
    def same(fields, cuts, column, descending):
        rows = [(f"s/{n:03d}.md", t, s, d, i, None, None) for n, (t, s, d, i) in enumerate(fields)]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        whole, streamed = EntryModel(), EntryModel()
        for model in (whole, streamed):
            model.sort(column, order)
        whole.set_rows(rows)
        at = min(cuts[0], len(rows)) if cuts else len(rows)
        streamed.set_rows(rows[:at])
        for cut in cuts[1:] + [len(rows)]:
            end = min(at + cut, len(rows))
            streamed.add_rows(rows[at:end])
            at = end
        streamed.add_rows(rows[at:])
        assert streamed.rows == rows
        assert streamed.visible == whole.visible

    same()


def test_the_selection_and_the_open_entry_stay_selected_while_rows_are_read(window, qtbot, monkeypatch):
    """Each chunk of rows read resets the table's model: the rows the user selected (and the
    current one) stay selected, and the open entry's row is selected once it is read."""
    monkeypatch.setattr(CollectionPanel, "STREAM_S", 0.0)
    gate = threading.Semaphore(0)  # each chunk of rows read waits for the test
    stream = CollectionPanel._stream

    def gated(self, send):
        read = stream(self, send)
        return lambda rows: (gate.acquire(timeout=60), read(rows))

    monkeypatch.setattr(CollectionPanel, "_stream", gated)
    panel = window.collection_panel
    listed: list[int] = []
    panel.rowsRead.connect(listed.append)

    def next_chunk() -> None:
        n = len(listed)
        gate.release()
        qtbot.waitUntil(lambda: len(listed) > n, timeout=30000)

    try:
        window.open_folder(CORPUS)
        next_chunk()
        model, chosen = panel.model, panel.table.selectionModel()
        picked = {model.rows[model.source_row(row)][0] for row in (3, 5)}
        flag = QItemSelectionModel.SelectionFlag
        chosen.select(model.index(3, 0), flag.ClearAndSelect | flag.Rows)
        chosen.select(model.index(5, 0), flag.Select | flag.Rows)
        chosen.setCurrentIndex(model.index(5, 0), flag.NoUpdate)
        next_chunk()
        assert panel._streaming and panel.count.text().endswith("read so far")
        assert {panel.rel_path(p) for p in panel.selected_paths()} == picked
        current = panel.table.currentIndex()
        assert current.isValid() and model.rows[model.source_row(current.row())][0] in picked
        panel.search.setText("cell")  # answered each chunk (from memory): the rows shown change
        qtbot.waitUntil(lambda: model.rowCount() < len(model.rows), timeout=20000)
        next_chunk()
        qtbot.wait(300)  # (the chunk's search answered)
        now = {model.rows[model.source_row(r)][0] for r in range(model.rowCount())}
        assert {panel.rel_path(p) for p in panel.selected_paths()} == picked & now
        panel.search.setText("")
        # (the search box answers after its typing pause: every row is shown again first)
        qtbot.waitUntil(lambda: model.rowCount() == len(model.rows), timeout=20000)
        panel.table.clearSelection()
        opened = panel.rel_path(str(window.session.path))
        next_chunk()
        while opened not in {r[0] for r in model.rows}:
            next_chunk()
        assert [panel.rel_path(p) for p in panel.selected_paths()] == [opened]
    finally:
        for _ in range(40):
            gate.release()
    with qtbot.waitSignal(panel.indexed, timeout=120000):
        pass


def test_a_folder_opened_during_a_run_ends_that_run_once_and_closes_its_workspace(qtbot, tmp_path):
    """The run of the folder left ends for the panel at its check (the next folder starts);
    its thread's last message (the old folder's full text built) must not end the next
    folder's run too (a second run could then start beside it on one index), and it closes
    the old folder's workspace (left open for ever before)."""
    from qteditor.ui.main_window import sample_collection

    panel = CollectionPanel(cache=tmp_path / "cache")
    qtbot.addWidget(panel)
    closed: list[object] = []

    class Old:  # the workspace the running thread uses
        def close(self) -> None:
            closed.append(self)

    old = Old()
    panel.workspace = old  # type: ignore[assignment]
    panel._running, panel._generation = True, 1
    panel._run = (1, old)  # type: ignore[assignment]
    panel.set_folder(sample_collection())  # generation 2: waits for the running one to end
    assert panel._again and closed == []  # still in use by the old run's thread
    started: list[int] = []
    panel.reindex = lambda wait=False: started.append(panel._generation)  # type: ignore[method-assign]
    panel._checked(1, ({}, [], None, "collection"))  # the old run's check: it ends here
    assert started == [2]  # the new folder's run is asked for
    panel._running = True  # (what that run's start sets)
    panel._text_ready(1)  # the old thread's last message
    assert panel._running, "the old run ended the new one"
    assert closed == [old]
    panel._text_ready(2)
    assert not panel._running


def test_the_problem_filter_offers_its_choices_before_the_first_check(qtbot, tmp_path):
    """While a new collection's rows stream in, the problem filter was an empty box."""
    panel = CollectionPanel(cache=tmp_path / "cache")
    qtbot.addWidget(panel)
    choices = [panel.rule_filter.itemText(i) for i in range(panel.rule_filter.count())]
    assert choices == ["Any problem state", "With problems"]
    assert panel.rule_filter.currentData() == ""


def test_every_row_is_listed_and_searchable_before_the_index_is_built(window, qtbot, monkeypatch):
    """A large collection indexed from nothing is listed first: while the index's own pass
    (the rules, the stored data) is still to come, the browser has every row, says it is
    checking them (no longer "read so far"), and answers a search from their text."""
    release = threading.Event()
    locked = Collection._refresh_locked

    def held(self: Collection, *args: object, **kwargs: object) -> object:
        release.wait(120)  # the index's pass waits for the test
        return locked(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "_refresh_locked", held)
    panel = window.collection_panel
    total = len(corpus_files())
    want = _matching_files()
    try:
        window.open_folder(CORPUS)
        qtbot.waitUntil(lambda: len(panel.model.rows) == total, timeout=60000)
        assert panel.loading and not panel.model.problems
        qtbot.waitUntil(lambda: panel.count.text() == f"{total:,} entries · checking…", timeout=10000)
        panel.search.setText(WORD)
        qtbot.waitUntil(lambda: shown(panel) == want, timeout=20000)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not panel.loading, timeout=120000)
    assert len(panel.model.rows) == total and panel.model.problems
    qtbot.waitUntil(lambda: shown(panel) == want, timeout=20000)
