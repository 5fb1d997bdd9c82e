"""``newsprism eval pairs``: SemEval-2022 Task 8 article pairs, scored by the clustering model.

A pair's similarity is the probability the clustering model gives to the first article joining a story
made of the second, the decision the model makes in production. Gold ``Overall`` runs from 1 (same
story) to 4 (unrelated), so Pearson r is reported against its negation: higher is better.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..cluster import ClusterConfig, OnlineClusterer
from ..cluster.features import DocFreq, headline, represent
from ..embed import get_embedder
from ..model import RawRecord
from ..normalize import normalize


def _pearson(x: list[float], y: list[float]) -> float | None:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def evaluate(file: Path, config: Path | None = None) -> dict:
    cfg = ClusterConfig.load(config) if config else ClusterConfig.load()
    opener = gzip.open if str(file).endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    arts = []
    for i, row in enumerate(rows):
        for side in ("1", "2"):
            raw = RawRecord(text=row[f"text{side}"], origin=str(file), record=f"pair {row['pair_id']} text{side}",
                            lang=row.get(f"lang{side}"))
            arts.append(normalize(raw))
    df = DocFreq()
    embs = get_embedder(cfg.embedder).encode([headline(a) for a in arts])
    # IDF from all texts of the file first (unsupervised), so early pairs are scored like late ones.
    for a, e in zip(arts, embs):
        represent(a, df, e, learn=True)
    reps = [represent(a, df, e, learn=False) for a, e in zip(arts, embs)]
    clusterer = OnlineClusterer(cfg)
    sims, gold, langs = [], [], []
    for i, row in enumerate(rows):
        a, b = reps[2 * i], reps[2 * i + 1]
        clusterer.stories.clear()
        sid = clusterer.new_story()
        clusterer.stories[sid].add(b)
        sims.append(clusterer.score(a, clusterer.stories[sid]))
        gold.append(-float(row["scores"]["Overall"]))
        langs.append("-".join(sorted({row["lang1"], row["lang2"]})) if row["lang1"] != row["lang2"] else row["lang1"])
    per: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for s, g, lp in zip(sims, gold, langs):
        per[lp][0].append(s)
        per[lp][1].append(g)
    return {
        "file": Path(file).name, "config": cfg.version, "pairs": len(rows), "pearson_r": round(_pearson(sims, gold) or 0.0, 4),
        "per_language_pair": {lp: {"pairs": len(x), "pearson_r": None if (r := _pearson(x, y)) is None else round(r, 4)}
                              for lp, (x, y) in sorted(per.items(), key=lambda kv: -len(kv[1][0]))},
    }
