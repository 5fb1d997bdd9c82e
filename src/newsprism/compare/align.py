"""Align the sentences of a story's articles: which sentences of different articles report the same thing.

Sentences are embedded with the multilingual encoder (so a Chinese sentence meets its English
counterpart); two sentences of different articles are linked when their cosine, raised a little by a
shared name, figure or date value, clears a threshold and each is the other's best match in its article
(or the score is clearly high). Linked sentences form groups (union-find); a group's label is how many
of the story's articles it covers: all (consensus), several (partial) or one (unique).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..cluster.features import STOPWORDS
from ..model import Article, ClaimGroup, ClaimUnit, Extraction, Span

MAX_SENTENCES = 80  # per article: the rest of a long page is rarely about the story
MIN_CHARS = 25  # shorter "sentences" are captions, bylines, datelines
LINK = 0.58  # a pair at or above this joins if it is the best match of either sentence in the other article
STRONG = 0.70  # any pair at or above this joins
NAME_BONUS = 0.08  # sharing a name that few sentences of the story carry (Stoltenberg, not NATO)
VALUE_BONUS = 0.05  # sharing a figure, sharing a date value
WORD_BONUS, MAX_WORD_BONUS = 0.04, 0.12  # per shared specific word ("cyber", "disinformation")
SPECIFIC = 0.2  # a name or word is specific if at most this share of the story's sentences carry it


@dataclass
class Unit:
    article: int  # index into the story's articles
    start: int
    end: int
    text: str
    names: frozenset[str]
    figures: frozenset[str]
    dates: frozenset[str]
    words: frozenset[str]


def root(parent: list[int], x: int) -> int:
    """The representative of ``x`` in a union-find forest (path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def units_of(art: Article, ex: Extraction | None, index: int) -> list[Unit]:
    out = []
    spans = art.sentences or [(0, len(art.text))]
    for s, e in spans[:MAX_SENTENCES]:
        text = art.text[s:e].strip()
        if len(text) < MIN_CHARS or len(text.split()) < 4 and not re.search(r"[\u4e00-\u9fff]", text):
            continue
        names = frozenset(x.canonical.lower() for x in (ex.entities if ex else []) if s <= x.span.start < e)
        figures = frozenset(f"{q.kind}:{q.value:g}" for q in (ex.quantities if ex else [])
                            if q.span.field == "text" and s <= q.span.start < e)
        dates = frozenset(t.value for t in (ex.times if ex else []) if s <= t.span.start < e and t.value and "garbled" not in t.flags)
        words = frozenset(w for w in re.findall(r"[^\W\d_]{4,}", text.lower()) if w not in STOPWORDS)
        out.append(Unit(index, s, e, art.text[s:e], names, figures, dates, words))
    return out


def align(articles: list[Article], extractions: list[Extraction | None], encode) -> list[ClaimGroup]:
    """``encode``: texts -> unit-length rows (the embedder's ``encode``)."""
    units: list[Unit] = []
    for i, (art, ex) in enumerate(zip(articles, extractions)):
        units.extend(units_of(art, ex, i))
    if not units:
        return []
    vecs = encode([u.text[:300] for u in units])
    sims = vecs @ vecs.T
    art_of = np.array([u.article for u in units])
    parent = list(range(len(units)))

    def find(x: int) -> int:
        return root(parent, x)

    df: dict[str, int] = {}
    for u in units:
        for key in u.names | {"w:" + w for w in u.words}:
            df[key] = df.get(key, 0) + 1
    specific = {n for n, k in df.items() if k <= max(2, SPECIFIC * len(units))}
    # Shared evidence as matrix products over indicator matrices: every pair at once.
    def shared(keys_of) -> np.ndarray:
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for r, u in enumerate(units):
            for key in keys_of(u):
                rows.append(r)
                cols.append(vocab.setdefault(key, len(vocab)))
        m = np.zeros((len(units), max(1, len(vocab))), dtype=np.float32)
        m[rows, cols] = 1.0
        return m @ m.T

    score_all = sims.astype(np.float32)
    score_all += NAME_BONUS * (shared(lambda u: u.names & specific) > 0)
    score_all += np.minimum(MAX_WORD_BONUS, WORD_BONUS * shared(lambda u: {w for w in u.words if "w:" + w in specific}))
    score_all += VALUE_BONUS * ((shared(lambda u: u.figures) > 0).astype(np.float32) + (shared(lambda u: u.dates) > 0))

    n_art = len(articles)
    links: list[tuple[float, int, int]] = []
    for i in range(n_art):
        rows_i = np.where(art_of == i)[0]
        for j in range(i + 1, n_art):
            rows_j = np.where(art_of == j)[0]
            if not len(rows_i) or not len(rows_j):
                continue
            block = score_all[np.ix_(rows_i, rows_j)]
            best_j, best_i = block.argmax(axis=1), block.argmax(axis=0)
            pairs = {(ai, int(best_j[ai])) for ai in range(len(rows_i))} | {(int(best_i[bj]), bj) for bj in range(len(rows_j))}
            pairs |= {(int(x), int(y)) for x, y in zip(*np.where(block >= STRONG))}
            links += [(float(block[ai, bj]), int(rows_i[ai]), int(rows_j[bj])) for ai, bj in pairs if block[ai, bj] >= LINK]
    # Strongest links first; two groups merge only if no article is in both, so a group is one
    # sentence per article and chains of loosely similar sentences cannot grow.
    arts_of = {k: {int(art_of[k])} for k in range(len(units))}
    for _, a, b in sorted(links, reverse=True):
        ra, rb = find(a), find(b)
        if ra != rb and not (arts_of[ra] & arts_of[rb]):
            parent[rb] = ra
            arts_of[ra] |= arts_of.pop(rb)
    members: dict[int, list[int]] = {}
    for k in range(len(units)):
        members.setdefault(find(k), []).append(k)
    groups = []
    for ks in members.values():
        arts = sorted({units[k].article for k in ks})
        label = "consensus" if len(arts) == n_art and n_art > 1 else ("partial" if len(arts) > 1 else "unique")
        groups.append((min(units[k].article * 10_000 + units[k].start for k in ks), label, ks, arts))
    groups.sort()
    out = []
    for gid, (_, label, ks, arts) in enumerate(groups, start=1):
        ks.sort(key=lambda k: (units[k].article, units[k].start))
        out.append(ClaimGroup(gid, label,
                              [ClaimUnit(Span(articles[units[k].article].id, units[k].start, units[k].end), units[k].text,
                                         articles[units[k].article].source or articles[units[k].article].id) for k in ks],
                              [articles[a].id for a in arts]))
    return out


def omissions(groups: list[ClaimGroup], article_ids: list[str]) -> dict[str, list[int]]:
    """Per article, the groups that most of the other articles report and it does not."""
    n = len(article_ids)
    out: dict[str, list[int]] = {a: [] for a in article_ids}
    if n < 3:
        # with two sources "most others" is the other one: everything it alone reports
        for g in groups:
            if len(g.articles) == 1:
                for a in article_ids:
                    if a not in g.articles:
                        out[a].append(g.id)
        return out
    for g in groups:
        if len(g.articles) >= max(2, (n - 1) // 2 + 1):
            for a in article_ids:
                if a not in g.articles:
                    out[a].append(g.id)
    return out
