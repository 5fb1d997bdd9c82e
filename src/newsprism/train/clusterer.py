"""Learn the clustering model's weights and threshold on dev data, and save them as a versioned config.

    python -m newsprism.train.clusterer ../shared/benchmarks/clustering/gva-dev.jsonl.gz \
        --out src/newsprism/cluster/config.json

1. Replay the file in publication order with the gold stories as the state, and for each article
   collect the features against every candidate story the clusterer would consider, labelled by
   whether it is the article's gold story.
2. Fit a logistic regression on those (article, candidate) pairs.
3. Run the real streaming clusterer over the file for a grid of thresholds and windows, and keep the
   setting with the best pairwise F1 among those whose pairwise precision is at least 0.90 (a wrong
   merge costs a reader more than a split story).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from ..embed import get_embedder
from ..datasets import load_labelled
from ..cluster.features import FEATURES, DocFreq, features, headline, represent
from ..cluster.metrics import scores
from ..cluster.online import ClusterConfig, OnlineClusterer
from ..cluster.stream import cluster_in_memory


def collect_pairs(articles, gold: dict[str, str], embs, config: ClusterConfig) -> tuple[np.ndarray, np.ndarray]:
    df = DocFreq()
    clusterer = OnlineClusterer(config)
    sid_of_gold: dict[str, int] = {}
    X, y = [], []
    for art, emb in zip(articles, embs):
        rep = represent(art, df, emb, learn=True)
        clusterer._tick(rep)
        g = gold[art.id]
        for sid in clusterer.candidates(rep):
            X.append(features(rep, clusterer.stories[sid]))
            y.append(1 if sid_of_gold.get(g) == sid else 0)
        if g not in sid_of_gold or sid_of_gold[g] not in clusterer.stories:
            sid_of_gold[g] = clusterer.new_story()
        clusterer.add(sid_of_gold[g], rep)
    return np.array(X), np.array(y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--out", default=str(Path(__file__).parent.parent / "cluster" / "config.json"))
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--cache", help="npy file to keep headline embeddings between runs")
    ap.add_argument("--xling-cosine", type=float, default=0.5,
                    help="headline cosine at which an article joins a same-day story in another language; a prior "
                         "until cross-lingual dev data calibrates it (the dev file may have one language only)")
    ap.add_argument("--windows", default="30", help="comma-separated candidate windows in days to try")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    base = ClusterConfig()
    if args.embedder:
        base = replace(base, embedder=args.embedder)
    articles, lines = load_labelled(args.file)
    gold = dict(lines)
    embedder = get_embedder(base.embedder)
    if args.cache and Path(args.cache).exists():
        embs = np.load(args.cache)
    else:
        t = time.perf_counter()
        embs = embedder.encode([headline(a) for a in articles])
        print(f"embedded {len(articles)} headlines in {time.perf_counter() - t:.1f}s")
        if args.cache:
            np.save(args.cache, embs)
    X, y = collect_pairs(articles, gold, embs, base)
    print(f"{len(y)} candidate pairs, {int(y.sum())} positive")
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, y)
    weights = [round(float(w), 4) for w in lr.coef_[0]]
    xi = FEATURES.index("emb_xling")
    no_xling = not (X[:, xi] != 0).any()
    print("weights", dict(zip(FEATURES, weights)), "bias", round(float(lr.intercept_[0]), 4))

    line_ids = [i for i, _ in lines]
    gold_line = [g for _, g in lines]
    best = None
    for window in [int(w) for w in args.windows.split(",")]:
        for threshold in np.arange(0.3, 0.95, 0.05):
            cfg = replace(base, weights=weights, bias=round(float(lr.intercept_[0]), 4), threshold=round(float(threshold), 2),
                          window_days=window)
            assigned = {a.article_id: a.story_id for a in cluster_in_memory(articles, cfg, embedder, embs)}
            s = scores([assigned[i] for i in line_ids], gold_line)
            ok = s["pairwise_p"] >= 0.90
            print(f"window {window:3d} threshold {threshold:.2f}  B3 F1 {s['bcubed_f1']:.3f}  pairwise P {s['pairwise_p']:.3f} "
                  f"R {s['pairwise_r']:.3f} F1 {s['pairwise_f1']:.3f}{'' if ok else '  (precision < 0.90)'}", flush=True)
            if ok and (best is None or s["pairwise_f1"] > best[0]["pairwise_f1"]):
                best = (s, cfg)
    if best is None:
        raise SystemExit("no setting reached pairwise precision 0.90")
    s, cfg = best
    if no_xling:
        # No cross-lingual candidates in the dev file, so nothing to learn this weight from: put the
        # decision boundary at --xling-cosine for a same-day, one-article story with nothing else in common.
        weights = list(cfg.weights)
        logit = math.log(cfg.threshold / (1 - cfg.threshold))
        weights[xi] = round((logit - cfg.bias - weights[FEATURES.index("log_size")] * math.log(2)) / args.xling_cosine, 4)
        cfg = replace(cfg, weights=weights)
    cfg = replace(cfg, version=f"{Path(args.file).name.split('.')[0]}-{date.today().isoformat()}", trained_on=Path(args.file).name,
                  notes=f"dev scores: BCubed F1 {s['bcubed_f1']:.3f}, pairwise P {s['pairwise_p']:.3f} R {s['pairwise_r']:.3f} "
                        f"F1 {s['pairwise_f1']:.3f}" + ("; emb_xling from the --xling-cosine prior "
                        f"({args.xling_cosine}): no cross-lingual candidates in the dev file" if no_xling else ""))
    cfg.save(args.out)
    print(f"saved {args.out}: {cfg.notes}")


if __name__ == "__main__":
    main()
