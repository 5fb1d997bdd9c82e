"""``newsprism eval pairs``: SemEval-2022 Task 8 article pairs, scored by the article similarity model
(``cluster/similarity.py``). Gold ``Overall`` runs from 1 (same story) to 4 (unrelated); the model
predicts it, and Pearson r is reported against the gold, overall and per language pair (the sign is
turned so that higher is better, as for a similarity)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from ..cluster.similarity import PairModel, pair_design, read_pairs
from ..embed import get_embedder


def _pearson(x: list[float], y: list[float]) -> float | None:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def evaluate(file: Path, model_path: Path | None = None) -> dict:
    model = PairModel.load(model_path)
    rows = read_pairs(file)
    _, X = pair_design(rows, get_embedder(model.embedder))
    sims = list((4.0 + (X @ np.asarray(model.weights) + model.bias)) / 3.0)  # = PairModel.similarity, in bulk
    gold = [-float(row["scores"]["Overall"]) for row in rows]
    per: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for s, g, row in zip(sims, gold, rows):
        lp = row["lang1"] if row["lang1"] == row["lang2"] else "-".join(sorted((row["lang1"], row["lang2"])))
        per[lp][0].append(s)
        per[lp][1].append(g)
    return {
        "file": Path(file).name, "model": model.version, "pairs": len(rows), "pearson_r": round(_pearson(sims, gold) or 0.0, 4),
        "per_language_pair": {lp: {"pairs": len(x), "pearson_r": None if (r := _pearson(x, y)) is None else round(r, 4)}
                              for lp, (x, y) in sorted(per.items(), key=lambda kv: -len(kv[1][0]))},
    }
