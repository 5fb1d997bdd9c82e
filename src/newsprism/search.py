"""Finding stories: a query matched by its words (the store's full-text index) and by its meaning (the
multilingual headline embedding clustering already stored for every article), so "ferry" also finds the
Chinese and Spanish reports of the sinking. Hits are fused by rank, grouped by story, and each keeps
how it matched and the words to highlight.

The vectors are held in memory per store and model (22k articles: 45 MB) and read again when the count of
stored vectors has changed (looked at every few seconds)."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import Article

ANY_WORD_BELOW, ANY_WORD_K = 10, 40  # the any-word query (costly for common words) only when every-word finds few
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009): ranks, not scores, are fused
MIN_SIMILARITY = 0.30  # below this a headline shares little but the language with the query
FEEDBACK_SIMILARITY = 0.5  # the nearest headline leads the query only when at least this close
FEEDBACK = 0.5  # weight of the headline added to the query (SemEval dev: cross-lingual top-10 by meaning 0.77 -> 0.81)
OTHER_LANGUAGES = 5  # places of the first ten kept for other languages (dev: cross 0.67 -> 0.81, same 0.90 -> 0.89)


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
        self.checked = -1e9  # when the stored count was last read
        self.rows: dict[str, int] = {}

    def row(self, article_id: str | None) -> int | None:
        return None if article_id is None else self.rows.get(article_id)


_INDEXES: dict[tuple[str, str], _Index] = {}
RECHECK_S = 5.0  # new vectors (articles clustered since) are looked for at most this often
_LOCK = threading.Lock()


def _index(store, model: str) -> _Index:
    key = (str(store.path), model)
    with _LOCK:
        idx = _INDEXES.setdefault(key, _Index())
        if time.monotonic() - idx.checked < RECHECK_S:
            return idx
        count = store.vector_count(model)
        idx.checked = time.monotonic()
        if idx.count != count:
            ids, rows = [], []
            for aid, vec in store.iter_vectors(model):
                ids.append(aid)
                rows.append(vec)
            matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), dtype=np.float32)
            if len(matrix):
                matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
            idx.ids, idx.matrix, idx.count, idx.rows = ids, matrix, count, {a: i for i, a in enumerate(ids)}
        return idx


# One search at a time per process: searches side by side contend for the GIL with each other and with the
# event loop that serves the story lists and pages (benchmarks/load_web.py --mix reader: lists' p99 835 ms
# with searches in parallel, 425 ms in turn).
_SEARCHING = threading.Lock()
_ENCODERS: dict[str, Any] = {}  # embedder name -> the child process encoding queries (in a server)
_aside = False  # whether queries are encoded in such a child (encode_queries_aside)


def encode_queries_aside() -> None:
    """In a server: encode queries in a child process (one per server process, started at the first
    query). The encoder is hundreds of small numpy steps, each giving up the GIL and asking for it back;
    beside an event loop serving 50 clients each step waited its turn, and a 20 ms search took seconds."""
    global _aside
    _aside = True


def _encode(model: str, query: str):
    from .embed import Encoder, get_embedder

    if not _aside:
        return get_embedder(model).encode([query])[0]
    with _LOCK:
        encoder = _ENCODERS.get(model) or _ENCODERS.setdefault(model, Encoder(model, background=True))
    try:
        return encoder.submit([query]).result(timeout=60)[0]
    except (RuntimeError, TimeoutError):  # the child died or hangs: this query is encoded here, the next starts a new one
        with _LOCK:
            if _ENCODERS.get(model) is encoder:
                del _ENCODERS[model]
        return get_embedder(model).encode([query])[0]


def by_words(store, query: str, k: int = 50) -> list[tuple[Article, str]]:
    """Articles with every word of the query, best first; when fewer than ten have them all (a pasted
    headline shares most of its words with its story's other reports, rarely all), then those with any."""
    found = store.search(query, k)
    if len(found) < ANY_WORD_BELOW:
        seen = {a.id for a, _ in found}
        found += [(a, snip) for a, snip in store.search(query, ANY_WORD_K, any_word=True) if a.id not in seen]
    return found


def by_meaning(store, query: str, model: str, k: int = 100, toward: str | None = None,
               feedback: float = FEEDBACK) -> list[tuple[str, float]]:
    """(article id, cosine similarity) of the ``k`` headlines nearest the query, in any language. With
    ``toward`` (the best match by words), the query moves towards that article's headline (pseudo-relevance
    feedback, Rocchio): a report's whole headline and lead carry its story across languages better than a
    few typed words do; else towards the nearest headline when it is close (a loose one would lead astray)."""
    idx = _index(store, model)
    if not idx.ids:
        return []
    q = np.asarray(_encode(model, query), dtype=np.float32)
    q /= max(float(np.linalg.norm(q)), 1e-9)
    sims = idx.matrix @ q
    row = idx.row(toward) if feedback else None
    if feedback and row is None and sims.max() >= FEEDBACK_SIMILARITY:
        row = int(np.argmax(sims))
    if row is not None:
        q = q + feedback * idx.matrix[row]
        q /= max(float(np.linalg.norm(q)), 1e-9)
        sims = idx.matrix @ q
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return [(idx.ids[i], float(sims[i])) for i in sorted(top, key=lambda i: -sims[i]) if sims[i] >= MIN_SIMILARITY]


def ranked(store, query: str, model: str, words: int = 50, meaning: int = 50, other_languages: int = OTHER_LANGUAGES) -> list[Hit]:
    """Articles matching ``query`` by words or meaning, best first: each list's ranks fused (RRF). Words
    only ever find the query's own language, so the best ``other_languages`` hits by meaning in other
    languages are placed among the first ten."""
    from .ingest.normalize import detect_language
    from .text import has_han

    hits: dict[str, Hit] = {}
    found = by_words(store, query, words)
    for rank, (art, snippet) in enumerate(found):
        hits[art.id] = Hit(art, snippet, ["words"], score=1 / (RRF_K + rank))
    near = by_meaning(store, query, model, meaning, toward=found[0][0].id if found else None)
    new = [aid for aid, _ in near if aid not in hits]
    fetched = {a.id: a for a in store.get_articles(new)} if new else {}
    for rank, (aid, sim) in enumerate(near):
        if aid in hits:
            hits[aid].how.append("meaning")
            hits[aid].similarity = round(sim, 3)
            hits[aid].score += 1 / (RRF_K + rank)
        elif aid in fetched:
            art = fetched[aid]
            hits[aid] = Hit(art, _lead(art), ["meaning"], round(sim, 3), 1 / (RRF_K + rank))
    order = sorted(hits.values(), key=lambda h: -h.score)
    lang = detect_language(query) or ("zh" if has_han(query) else None)  # two characters are too few to detect
    others = [hits[aid] for aid, _ in near if aid in hits and hits[aid].article.lang != lang][:other_languages]
    placed = {h.article.id for h in others}
    head = [h for h in order if h.article.id not in placed][: 10 - len(others)]
    placed |= {h.article.id for h in head}
    return head + others + [h for h in order if h.article.id not in placed]


def find(store, query: str, model: str, limit: int = 20, per_story: int = 3) -> list[StoryHits]:
    """Stories matching ``query`` by words or meaning, best first, each with its best ``per_story`` hits
    (the best of each language first)."""
    with _SEARCHING:
        hits = {h.article.id: h for h in ranked(store, query, model)}
    stories = store.stories_of(list(hits))
    grouped: dict[Any, StoryHits] = {}
    for hit in hits.values():
        sid = stories.get(hit.article.id)
        group = grouped.setdefault(sid if sid is not None else f"a:{hit.article.id}", StoryHits(sid, None))
        # its best hit ranks a story; each further hit adds a little (many weak matches never outrank a strong one)
        group.score += hit.score if not group.hits else hit.score / 4
        group.hits.append(hit)
    best = sorted(grouped.values(), key=lambda g: -g.score)[:limit]
    for g in best:  # each language's first hit in the ranking, best first; then the rest in ranking order
        firsts: dict[str | None, Hit] = {}
        for h in g.hits:
            firsts.setdefault(h.article.lang, h)
        rest = [h for h in g.hits if firsts[h.article.lang] is not h]
        g.hits = (sorted(firsts.values(), key=lambda h: -h.score) + rest)[:per_story]
    ids = [g.story_id for g in best if g.story_id is not None]
    summaries = {s["id"]: s for s in store.list_stories(limit=len(ids) or 1, min_size=0, ids=ids)}
    for g in best:
        g.summary = summaries.get(g.story_id)
    return best


def _lead(art: Article) -> str:
    end = art.sentences[0][1] if art.sentences else 200
    return art.text[:min(end, 240)].strip()


def terms(query: str) -> list[str]:
    """The words of a query to highlight in a snippet (quoted phrases whole)."""
    return [t.strip('"') for t in re.findall(r'"[^"]+"|\S+', query) if len(t.strip('"')) >= 2 or re.search(r"[^\x00-\x7f]", t)]
