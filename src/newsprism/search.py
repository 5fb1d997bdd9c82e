"""Finding stories: a query matched by its words (the store's full-text index) and by its meaning (the
multilingual headline embedding clustering already stored for every article), so "ferry" also finds the
Chinese and Spanish reports of the sinking. Hits are fused by rank, grouped by story, and each keeps
how it matched and the words to highlight.

The vectors are held in memory per store and model (22k articles: 45 MB) and read again only when the
count of stored vectors changed."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import Article

RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009): ranks, not scores, are fused
MIN_SIMILARITY = 0.30  # below this a headline shares little but the language with the query


@dataclass
class Hit:
    article: Article
    snippet: str
    how: list[str]  # "words", "meaning"
    similarity: float | None = None
    score: float = 0.0


@dataclass
class StoryHits:
    story_id: int | None  # None: an article in no story yet
    summary: dict[str, Any] | None
    hits: list[Hit] = field(default_factory=list)
    score: float = 0.0


class _Index:
    """One model's stored vectors as a matrix, rows normalised."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.matrix = np.zeros((0, 1), dtype=np.float32)
        self.count = -1


_INDEXES: dict[tuple[str, str], _Index] = {}
_LOCK = threading.Lock()


def _index(store, model: str) -> _Index:
    key = (str(store.path), model)
    count = store.vector_count(model)
    with _LOCK:
        idx = _INDEXES.setdefault(key, _Index())
        if idx.count != count:
            ids, rows = [], []
            for aid, vec in store.iter_vectors(model):
                ids.append(aid)
                rows.append(vec)
            matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), dtype=np.float32)
            if len(matrix):
                matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
            idx.ids, idx.matrix, idx.count = ids, matrix, count
        return idx


def by_meaning(store, query: str, model: str, k: int = 100) -> list[tuple[str, float]]:
    """(article id, cosine similarity) of the ``k`` headlines nearest the query, in any language."""
    from .embed import get_embedder

    idx = _index(store, model)
    if not idx.ids:
        return []
    q = np.asarray(get_embedder(model).encode([query]), dtype=np.float32)[0]
    q /= max(float(np.linalg.norm(q)), 1e-9)
    sims = idx.matrix @ q
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return [(idx.ids[i], float(sims[i])) for i in sorted(top, key=lambda i: -sims[i]) if sims[i] >= MIN_SIMILARITY]


def find(store, query: str, model: str, limit: int = 20, per_story: int = 3) -> list[StoryHits]:
    """Stories matching ``query`` by words or meaning, best first, each with its best ``per_story`` hits."""
    hits: dict[str, Hit] = {}
    for rank, (art, snippet) in enumerate(store.search(query, 200)):
        hits[art.id] = Hit(art, snippet, ["words"], score=1 / (RRF_K + rank))
    meaning = by_meaning(store, query, model)
    new = [aid for aid, _ in meaning if aid not in hits]
    fetched = {a.id: a for a in store.get_articles(new)} if new else {}
    for rank, (aid, sim) in enumerate(meaning):
        if aid in hits:
            hits[aid].how.append("meaning")
            hits[aid].similarity = round(sim, 3)
            hits[aid].score += 1 / (RRF_K + rank)
        elif aid in fetched:
            art = fetched[aid]
            hits[aid] = Hit(art, _lead(art), ["meaning"], round(sim, 3), 1 / (RRF_K + rank))
    stories = store.stories_of(list(hits))
    grouped: dict[Any, StoryHits] = {}
    for hit in sorted(hits.values(), key=lambda h: -h.score):
        sid = stories.get(hit.article.id)
        group = grouped.setdefault(sid if sid is not None else f"a:{hit.article.id}", StoryHits(sid, None))
        group.hits.append(hit)
        group.score += hit.score  # a story many hits point to ranks above one with a single hit
    ranked = sorted(grouped.values(), key=lambda g: -g.score)[:limit]
    for g in ranked:  # the best hit of each language first, then the rest by score
        firsts = list({h.article.lang: h for h in reversed(g.hits)}.values())[::-1]
        g.hits = (sorted(firsts, key=lambda h: -h.score) + [h for h in g.hits if h not in firsts])[:per_story]
    summaries = {s["id"]: s for s in store.list_stories(limit=len(ranked) or 1, min_size=0, ids=[g.story_id for g in ranked
                                                                                                     if g.story_id is not None])}
    for g in ranked:
        g.summary = summaries.get(g.story_id)
    return ranked


def _lead(art: Article) -> str:
    end = art.sentences[0][1] if art.sentences else 200
    return art.text[:min(end, 240)].strip()


def terms(query: str) -> list[str]:
    """The words of a query to highlight in a snippet (quoted phrases whole)."""
    return [t.strip('"') for t in re.findall(r'"[^"]+"|\S+', query) if len(t.strip('"')) >= 2 or re.search(r"[^\x00-\x7f]", t)]
