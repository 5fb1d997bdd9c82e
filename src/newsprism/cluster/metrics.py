"""Clustering scores: BCubed and pairwise (Miranda et al. 2018) precision/recall/F1, NMI, ARI."""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Sequence


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    pair = Counter(zip(pred, gold))
    psize, gsize = Counter(pred), Counter(gold)
    n = len(pred)
    # For an item, precision = |its pred ∩ gold cluster| / |pred cluster|; items sharing (pred, gold) share it.
    p = sum(c * c / psize[pc] for (pc, _), c in pair.items()) / n
    r = sum(c * c / gsize[gc] for (_, gc), c in pair.items()) / n
    return p, r, _f1(p, r)


def pairwise(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    pairs = lambda counts: sum(c * (c - 1) // 2 for c in counts.values())  # noqa: E731
    tp = pairs(Counter(zip(pred, gold)))
    pred_pairs, gold_pairs = pairs(Counter(pred)), pairs(Counter(gold))
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / gold_pairs if gold_pairs else 1.0
    return p, r, _f1(p, r)


def scores(pred: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    bp, br, bf = bcubed(pred, gold)
    pp, pr, pf = pairwise(pred, gold)
    labels = {x: i for i, x in enumerate(dict.fromkeys([*pred]))}
    glabels = {x: i for i, x in enumerate(dict.fromkeys([*gold]))}
    pi, gi = [labels[x] for x in pred], [glabels[x] for x in gold]
    return {
        "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": bf,
        "pairwise_p": pp, "pairwise_r": pr, "pairwise_f1": pf,
        "nmi": float(normalized_mutual_info_score(gi, pi)), "ari": float(adjusted_rand_score(gi, pi)),
        "articles": len(pred), "stories_pred": len(labels), "stories_gold": len(glabels),
    }
