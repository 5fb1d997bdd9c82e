"""Learn the clustering model's weights and threshold on dev data, and save them as a versioned config.

    python -m newsprism.train.clusterer ../shared/benchmarks/clustering/gva-dev.jsonl.gz \
        --out src/newsprism/cluster/config.json

1. Replay the file in publication order with the gold stories as the state, and for each article
   collect the features against every candidate story the clusterer would consider, labelled by
   whether it is the article's gold story.
2. Fit the first logistic regression on the pairs within ``window_days`` (the full-name features
   left out: the first model must stand without them, for undated and unnamed reports), and the named
   one on the dated pairs that share a full name the story owns, up to ``named_window_days`` apart.
3. Run the real streaming clusterer over the file for a grid of thresholds (one per model), and keep
   the setting with the best pairwise F1 among those whose pairwise precision is at least 0.90 (a
   wrong merge costs a reader more than a split story).
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
from ..cluster.features import FEATURES, NAMED_FEATURES, DocFreq, features, headline, represent
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
    ap.add_argument("--window", type=int, default=30, help="the first model's window in days")
    ap.add_argument("--named-window", type=int, default=90,
                    help="the named model's window in days (0: no named model)")
    ap.add_argument("--threshold", type=float, help="fix the first model's threshold instead of searching the grid")
    ap.add_argument("--named-threshold", type=float, help="fix the named model's threshold instead of searching the grid")
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    # Pairs are collected as far back as either model reaches.
    base = ClusterConfig(window_days=max(args.window, args.named_window))
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
    named_cols = [FEATURES.index(f) for f in NAMED_FEATURES]
    log_days, undated = X[:, FEATURES.index("log_days")], X[:, FEATURES.index("undated")]
    first = log_days <= math.log1p(args.window)
    X1 = X[first].copy()
    X1[:, named_cols] = 0.0  # zero columns: weights 0
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X1, y[first])
    weights = [round(float(w), 4) for w in lr.coef_[0]]
    bias = round(float(lr.intercept_[0]), 4)
    print("first model", dict(zip(FEATURES, weights)), "bias", bias)
    named_w, named_b = None, 0.0
    if args.named_window:
        named = (X[:, FEATURES.index("full_name")] > 0) & (undated == 0)
        lr2 = LogisticRegression(C=1.0, max_iter=2000).fit(X[named], y[named])
        named_w, named_b = [round(float(w), 4) for w in lr2.coef_[0]], float(lr2.intercept_[0])
        print(f"named model on {int(named.sum())} pairs ({int(y[named].sum())} positive)", dict(zip(FEATURES, named_w)),
              "bias", round(named_b, 4))
    xi = FEATURES.index("emb_xling")
    no_xling = not (X[:, xi] != 0).any()

    line_ids = [i for i, _ in lines]
    gold_line = [g for _, g in lines]
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    best = None
    thresholds = [args.threshold] if args.threshold else np.arange(0.3, 0.95, 0.05)
    named_thresholds = [args.named_threshold] if args.named_threshold else np.arange(0.4, 0.85, 0.1)
    for threshold in thresholds:
        for named_threshold in (named_thresholds if named_w else [None]):
            cfg = replace(base, weights=weights, bias=bias, threshold=round(float(threshold), 2), window_days=args.window,
                          named_window_days=args.named_window or base.named_window_days, named_weights=named_w,
                          # one threshold for both: the named model's own sits in its bias
                          named_bias=round(named_b + logit(threshold) - logit(named_threshold), 4) if named_w else 0.0)
            assigned = {a.article_id: a.story_id for a in cluster_in_memory(articles, cfg, embedder, embs)}
            s = scores([assigned[i] for i in line_ids], gold_line)
            ok = s["pairwise_p"] >= 0.90
            named_txt = f" named {named_threshold:.2f}" if named_w else ""
            print(f"threshold {threshold:.2f}{named_txt}  B3 F1 {s['bcubed_f1']:.3f}  pairwise P {s['pairwise_p']:.3f} "
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
        weights[xi] = round((logit(cfg.threshold) - cfg.bias - weights[FEATURES.index("log_size")] * math.log(2))
                            / args.xling_cosine, 4)
        cfg = replace(cfg, weights=weights)
    cfg = replace(cfg, version=f"{Path(args.file).name.split('.')[0]}-{date.today().isoformat()}", trained_on=Path(args.file).name,
                  notes=f"dev scores: BCubed F1 {s['bcubed_f1']:.3f}, pairwise P {s['pairwise_p']:.3f} R {s['pairwise_r']:.3f} "
                        f"F1 {s['pairwise_f1']:.3f}" + ("; emb_xling from the --xling-cosine prior "
                        f"({args.xling_cosine}): no cross-lingual candidates in the dev file" if no_xling else ""))
    cfg.save(args.out)
    print(f"saved {args.out}: {cfg.notes}")


if __name__ == "__main__":
    main()
