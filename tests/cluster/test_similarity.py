from __future__ import annotations

import numpy as np

from newsprism.cluster.similarity import PAIR_FEATURES, PairModel, expand, ridge


def test_ridge_recovers_a_linear_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X @ np.array([2.0, -1.0, 0.5]) + 3.0
    w, b = ridge(X, y, alpha=1e-6)
    assert np.allclose(w, [2.0, -1.0, 0.5], atol=1e-4) and abs(b - 3.0) < 1e-4


def test_shipped_model_matches_the_features_this_code_computes():
    model = PairModel.load()
    assert model.features == list(PAIR_FEATURES)
    assert len(model.weights) == len(expand([0.0] * len(PAIR_FEATURES), True))
