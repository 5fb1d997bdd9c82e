from __future__ import annotations

import pytest

from newsprism.cluster.metrics import bcubed, pairwise, scores


def test_perfect_clustering():
    gold = ["a", "a", "b", "c", "c", "c"]
    pred = [1, 1, 2, 3, 3, 3]
    assert bcubed(pred, gold) == (1.0, 1.0, 1.0) and pairwise(pred, gold) == (1.0, 1.0, 1.0)


def test_all_singletons_and_one_blob():
    gold = ["a", "a", "b", "b"]
    assert pairwise([1, 2, 3, 4], gold)[2] == 0.0
    p, r, _ = bcubed([1, 2, 3, 4], gold)
    assert (p, r) == (1.0, 0.5)
    p, r, _ = pairwise([1, 1, 1, 1], gold)
    assert (p, r) == (pytest.approx(2 / 6), 1.0)


def test_known_values():
    # gold {1,2,3} {4,5}; pred {1,2} {3,4,5}
    gold = ["x", "x", "x", "y", "y"]
    pred = [1, 1, 2, 2, 2]
    p, r, _ = bcubed(pred, gold)
    assert p == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    assert pairwise(pred, gold)[:2] == (pytest.approx(2 / 4), pytest.approx(2 / 4))
    s = scores(pred, gold)
    assert 0 < s["nmi"] < 1 and s["stories_pred"] == 2
