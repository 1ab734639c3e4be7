"""The merge benchmark's judge: its pairs and verdicts are right (a merge tool that takes ours
everywhere is caught as clean-but-wrong; git and qteditor are judged on the same files)."""

from __future__ import annotations

from bench import merge as bm


def test_the_benchmark_pairs_and_verdicts():
    res = bm.run_merges(3)
    q, g = res["counts"]["qteditor"], res["counts"]["git"]
    assert set(q) == set(bm.MERGEABLE + bm.CONFLICTS)
    for category in bm.MERGEABLE:
        assert q[category]["merged right"] == sum(q[category].values()) > 0
    for category in bm.CONFLICTS:
        assert q[category]["flagged"] == sum(q[category].values()) == sum(g[category].values())
    assert g["CMS rewrite vs desktop"]["merged right"] == 0  # plain git cannot keep the bytes
    assert sum(c["clean but wrong"] for c in q.values()) == 0


def test_a_merge_that_keeps_ours_is_judged_wrong():
    raw = bm.pick_entries(1)[0]
    pairs = bm.pairs_for(raw, 0)
    verdicts = {bm.verdict(True, ours, want) for _c, ours, _t, want in pairs}
    assert "clean but wrong" in verdicts
    assert {bm.verdict(True, want, want) for _c, _o, _t, want in pairs if want} == {"merged right"}
    assert bm.verdict(False, b"", None) == "flagged"
