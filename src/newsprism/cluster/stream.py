"""Dedup and clustering together, fed articles in publication order. Store-agnostic: the pipeline,
the trainer and the benchmarks all run articles through this one class."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .dedup import Deduplicator, Link, Member
from ..embed import Embedder
from ..model import Article
from .features import ArticleRep, DocFreq, headline, represent, tokens
from .online import ClusterConfig, OnlineClusterer


@dataclass
class Assignment:
    article_id: str
    story_id: int
    score: float
    method: str  # "joined" | "joined by name" | "new" | "duplicate"
    links: tuple[Link, ...] = ()


class StoryStream:
    def __init__(self, config: ClusterConfig, embedder: Embedder | None, df: DocFreq | None = None,
                 first_story_id: int = 1, dedup: Deduplicator | None = None,
                 new_story_id: Callable[[], int] | None = None):
        self.config = config
        self.embedder = embedder
        self.df = df or DocFreq()
        self.clusterer = OnlineClusterer(config, first_story_id, new_story_id)
        self.dedup = dedup or Deduplicator()
        self.story_of: dict[str, int] = {}
        # Recent members per story, for translation links: (id, language, figures, headline embedding).
        self._members: dict[int, list[Member]] = {}
        self._titles: dict[str, tuple[str, ...]] = {}  # headline words, for the boilerplate rule
        self._articles: dict[int, list[str]] = {}  # story -> its article ids, to forget them with it

    def embed(self, articles: Sequence[Article]) -> list[np.ndarray | None]:
        if self.embedder is None:
            return [None] * len(articles)
        return list(self.embedder.encode([headline(a) for a in articles]))

    def restore(self, article: Article, story_id: int, emb: np.ndarray | None) -> None:
        """Re-enter an article already assigned (by an earlier run or by hand) without deciding anything."""
        self._enter(article, story_id, emb, learn=False)

    def place(self, article: Article, story_id: int, emb: np.ndarray | None) -> None:
        """Put a new article where a user said it belongs; it still counts for IDF and dedup."""
        self._enter(article, story_id, emb, learn=True)

    def _enter(self, article: Article, story_id: int, emb: np.ndarray | None, learn: bool) -> None:
        rep = represent(article, self.df, emb, learn=learn)
        self.clusterer.add(story_id, rep)
        self.dedup.add(article)
        self._remember(article, story_id, rep, set(tokens(article.title or "")))

    def process(self, article: Article, emb: np.ndarray | None) -> Assignment:
        link = self.dedup.check(article)
        title_toks = set(tokens(article.title or ""))
        boilerplate = False
        if link is not None and not self._same_headline(title_toks, link.target_id):
            # Same body, different headline: a login wall, cookie notice or site chrome shared by
            # unrelated pages, not a copy. Only the headline says what such a page is about.
            link, boilerplate = None, True
        rep = represent(article, self.df, emb, learn=True, body=not boilerplate)
        if link is not None and link.target_id in self.story_of and self.story_of[link.target_id] in self.clusterer.stories:
            sid = self.story_of[link.target_id]
            self.clusterer.add(sid, rep)
            result = Assignment(article.id, sid, link.score, "duplicate", (link,))
        else:
            sid, score, how = self.clusterer.assign(rep)
            links = (link,) if link is not None else ()
            if how != "new" and emb is not None:
                translation = self.dedup.translation(article.id, article.lang, rep.nums, emb,
                                                     self._members.get(sid, []))
                links = links + ((translation,) if translation else ())
            result = Assignment(article.id, sid, score, how, links)
        self.dedup.add(article)
        self._remember(article, sid, rep, title_toks)
        return result

    def _same_headline(self, mine: set[str], target_id: str) -> bool:
        theirs = set(self._titles.get(target_id, ()))
        if not mine or not theirs:
            return True  # nothing to tell them apart: trust the text
        return len(mine & theirs) / len(mine | theirs) >= 0.5

    def _remember(self, article: Article, sid: int, rep: ArticleRep, title_toks: set[str]) -> None:
        self.story_of[article.id] = sid
        self._titles[article.id] = tuple(title_toks)  # a tuple is a third of a set's memory
        self._articles.setdefault(sid, []).append(article.id)
        if rep.emb is not None:
            members = self._members.setdefault(sid, [])
            # Keep only what translation detection needs (figures of the lead), not the text.
            members.append(Member(article.id, article.lang, rep.nums, rep.emb))
            del members[:-20]
        if self.clusterer.retired:
            self._forget(self.clusterer.retired)
            self.clusterer.retired.clear()

    def _forget(self, story_ids: list[int]) -> None:
        """Stories out of the window take their articles' state with them: memory stays flat."""
        for sid in story_ids:
            if sid in self.clusterer.stories:  # back in the window (an article joined it again)
                continue
            self._members.pop(sid, None)
            ids = self._articles.pop(sid, [])
            self.dedup.forget(ids)
            for aid in ids:
                if self.story_of.get(aid) == sid:
                    del self.story_of[aid]
        # Headlines go with the exact keys they are checked against: the most recent ones, bounded.
        while len(self._titles) > self.dedup.keep_exact:
            del self._titles[next(iter(self._titles))]


def cluster_in_memory(articles: Sequence[Article], config: ClusterConfig, embedder: Embedder | None,
                      embeddings: Sequence[np.ndarray | None] | None = None) -> list[Assignment]:
    """Cluster a list of articles (already in publication order) without a store."""
    stream = StoryStream(config, embedder)
    embs = list(embeddings) if embeddings is not None else stream.embed(articles)
    return [stream.process(a, e) for a, e in zip(articles, embs)]
