"""How alike two articles are, as a graded score: SemEval-2022 Task 8's question ("do these two report
the same story?", 1 = very similar ... 4 = unrelated).

The streaming clusterer answers a yes/no question cheaply from headlines; this answers the graded one
from more of the text, for ranking related articles and for the pair benchmark:

- ``headline``: cosine of the multilingual embeddings of the first sentences (the headline);
- ``lead``: cosine of the mean embedding of the first ``LEAD_SENTENCES`` sentences;
- ``align``: how well each sentence of one lead finds a close sentence in the other (mean best cosine,
  both ways), which survives reordering and partial overlap;
- ``text`` and ``names``: TF-IDF cosines of words and of capitalised names (zero across languages).

A ridge regression over those, their squares, and their products with a same-language flag (the
embedding cosines of two languages sit on another scale) is learned on dev pairs with
``python -m newsprism.cluster.similarity FILE`` and shipped as ``similarity.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from ..embed import DEFAULT_EMBEDDER, Embedder
from ..model import Article
from .features import ArticleRep, DocFreq, dot, represent

LEAD_SENTENCES = 10
SENTENCE_CHARS = 300
PAIR_FEATURES = ("headline", "lead", "align", "text", "names")


@dataclass
class Profile:
    rep: ArticleRep
    sentences: np.ndarray  # (k, dim) unit rows: the lead's sentence embeddings, headline first
    lead: np.ndarray  # unit mean of ``sentences``


def lead_sentences(article: Article) -> list[str]:
    spans = article.sentences[:LEAD_SENTENCES]
    out = [article.text[s:e][:SENTENCE_CHARS] for s, e in spans if e > s]
    if article.title:
        out = [article.title[:SENTENCE_CHARS], *out[: LEAD_SENTENCES - 1]]
    return out or [article.text[:SENTENCE_CHARS] or " "]


def profiles(articles: Sequence[Article], embedder: Embedder, df: DocFreq) -> list[Profile]:
    """Profiles of articles whose counts are already in ``df`` (IDF of the whole collection)."""
    texts, owner = [], []
    for i, art in enumerate(articles):
        for s in lead_sentences(art):
            texts.append(s)
            owner.append(i)
    vecs = embedder.encode(texts)
    bounds = np.searchsorted(np.asarray(owner), np.arange(len(articles) + 1))
    out = []
    for i, art in enumerate(articles):
        sents = vecs[bounds[i] : bounds[i + 1]]
        mean = sents.sum(axis=0)
        out.append(Profile(represent(art, df, sents[0], learn=False), sents, mean / max(float(np.linalg.norm(mean)), 1e-9)))
    return out


def _cos(u: dict[int, float], v: dict[int, float]) -> float:
    nu, nv = dot(u, u), dot(v, v)
    return dot(u, v) / math.sqrt(nu * nv) if nu > 0 and nv > 0 else 0.0


def pair_features(a: Profile, b: Profile) -> list[float]:
    sims = a.sentences @ b.sentences.T
    return [
        float(a.sentences[0] @ b.sentences[0]),
        float(a.lead @ b.lead),
        float(sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2,
        _cos(a.rep.text_vec, b.rep.text_vec),
        _cos(a.rep.name_vec, b.rep.name_vec),
    ]


def expand(base: Sequence[float], same_language: bool) -> list[float]:
    same = 1.0 if same_language else 0.0
    return [*base, *(x * x for x in base), *(x * same for x in base), same]


@dataclass
class PairModel:
    version: str = "untrained"
    weights: list[float] = field(default_factory=list)
    bias: float = 0.0
    features: list[str] = field(default_factory=lambda: list(PAIR_FEATURES))
    embedder: str = DEFAULT_EMBEDDER
    trained_on: str | None = None
    notes: str | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> "PairModel":
        if path is None:
            text = (resources.files("newsprism.cluster") / "similarity.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        model = cls(**json.loads(text))
        if model.features != list(PAIR_FEATURES):
            raise ValueError(f"similarity model {model.version} was trained on {model.features}, this code computes "
                             f"{list(PAIR_FEATURES)}: retrain it (python -m newsprism.cluster.similarity)")
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    def overall(self, a: Profile, b: Profile) -> float:
        """Predicted SemEval Overall: 1 = the same story ... 4 = unrelated."""
        x = expand(pair_features(a, b), bool(a.rep.lang and a.rep.lang == b.rep.lang))
        return -(sum(w * v for w, v in zip(self.weights, x)) + self.bias)

    def similarity(self, a: Profile, b: Profile) -> float:
        """The same on a 0 (unrelated) .. 1 (same story) scale, unclipped so rankings keep their order."""
        return (4.0 - self.overall(a, b)) / 3.0


def ridge(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Least squares with an L2 penalty on the weights (not the intercept)."""
    mx, my = X.mean(axis=0), y.mean()
    Xc = X - mx
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - my))
    return w, float(my - mx @ w)


def read_pairs(file: str | Path) -> list[dict]:
    opener = gzip.open if str(file).endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_articles(rows: list[dict], origin: str) -> list[Article]:
    """Both texts of each pair as normalized articles: [pair0 text1, pair0 text2, pair1 text1, ...]."""
    from ..model import RawRecord
    from ..ingest.normalize import normalize

    return [normalize(RawRecord(text=row[f"text{side}"], origin=origin, record=f"pair {row['pair_id']} text{side}",
                                lang=row.get(f"lang{side}")))
            for row in rows for side in ("1", "2")]


def pair_design(rows: list[dict], embedder: Embedder) -> tuple[list[Profile], np.ndarray]:
    """Profiles of every text (IDF from the whole file: unsupervised) and one expanded feature row per pair."""
    arts = pair_articles(rows, "pairs")
    df = DocFreq()
    for art in arts:
        represent(art, df, None, learn=True)
    profs = profiles(arts, embedder, df)
    X = np.array([expand(pair_features(profs[2 * i], profs[2 * i + 1]), row["lang1"] == row["lang2"])
                  for i, row in enumerate(rows)])
    return profs, X


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", help="pairs in the SemEval JSONL form (text1, text2, lang1, lang2, scores.Overall)")
    ap.add_argument("--out", default=str(Path(__file__).with_name("similarity.json")))
    ap.add_argument("--alpha", type=float, default=0.3)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    from ..embed import get_embedder

    rows = read_pairs(args.file)
    _, X = pair_design(rows, get_embedder(DEFAULT_EMBEDDER))
    y = -np.array([float(r["scores"]["Overall"]) for r in rows])
    order = np.random.default_rng(0).permutation(len(rows))
    pred = np.zeros(len(rows))
    for k in range(args.folds):
        test = order[k :: args.folds]
        train = np.setdiff1d(order, test)
        w, b = ridge(X[train], y[train], args.alpha)
        pred[test] = X[test] @ w + b
    cv_r = float(np.corrcoef(pred, y)[0, 1])
    w, b = ridge(X, y, args.alpha)
    fit_r = float(np.corrcoef(X @ w + b, y)[0, 1])
    model = PairModel(version=f"{Path(args.file).name.split('.')[0]}-ridge-{args.alpha}", weights=[round(float(v), 5) for v in w],
                      bias=round(b, 5), trained_on=Path(args.file).name,
                      notes=f"{args.folds}-fold cross-validated Pearson r {cv_r:.3f} (in-sample {fit_r:.3f}), {len(rows)} pairs")
    model.save(args.out)
    print(json.dumps({"pairs": len(rows), "cv_pearson_r": round(cv_r, 4), "in_sample_r": round(fit_r, 4), "out": args.out}))


if __name__ == "__main__":
    main()
