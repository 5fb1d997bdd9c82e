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


def evaluate_stories(file: Path, config: Path | None = None) -> dict:
    """Pairs as stories: every article of the file in one fresh store, clustered as the pipeline does (in
    the file's order: the pairs carry no dates), then, for pairs the gold calls the same story (Overall <=
    1.5) and different ones (>= 3.5), how often both land in one story; monolingual and cross-lingual
    apart, and per language pair."""
    import tempfile

    from ..cluster import ClusterConfig
    from ..cluster.similarity import pair_articles
    from ..pipeline import cluster
    from ..store import open_store

    rows = read_pairs(file)
    arts = pair_articles(rows, Path(file).name)
    cfg = ClusterConfig.load(config) if config else ClusterConfig.load()
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"same": [0, 0], "different": [0, 0]})
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "pairs.db")
        store.upsert_articles(arts)
        report = cluster(store, cfg)
        story = store.memberships()
        store.close()
    for i, row in enumerate(rows):
        overall = float(row["scores"]["Overall"])
        kind = "same" if overall <= 1.5 else "different" if overall >= 3.5 else None
        a, b = arts[2 * i].id, arts[2 * i + 1].id
        if kind is None or a == b:
            continue  # in between, or one text twice
        together = story.get(a) is not None and story.get(a) == story.get(b)
        cross = row["lang1"] != row["lang2"]
        pair = row["lang1"] if not cross else "-".join(sorted((row["lang1"], row["lang2"])))
        for group in ("cross-lingual" if cross else "monolingual", pair):
            counts[group][kind][0] += together
            counts[group][kind][1] += 1

    def rate(hit_n: list[int]) -> dict:
        return {"together": hit_n[0], "pairs": hit_n[1], "rate": round(hit_n[0] / hit_n[1], 3) if hit_n[1] else None}

    order = sorted(counts, key=lambda g: (g not in ("monolingual", "cross-lingual"), -counts[g]["same"][1]))
    return {"file": Path(file).name, "config": cfg.version, "articles": len({a.id for a in arts}),
            "cluster_articles_per_s": round(report.articles / report.seconds, 1) if report.seconds else None,
            "together": {g: {k: rate(v) for k, v in counts[g].items()} for g in order}}
