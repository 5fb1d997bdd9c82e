"""Compare the sources of a story: aligned claims (consensus / partial / unique), omissions,
contradictions, one speaker's quotes across sources and languages, a timeline, unreliable values.

Nothing is generated: every item of a ``StoryComparison`` is a span of one of the story's articles.
``align.py`` aligns sentences, ``verdicts/`` judges (one module per kind of verdict, run from the list in
``config.py``), ``dossier.py`` renders Markdown, HTML and JSON.
"""

from __future__ import annotations

import time

import numpy as np

from ..model import Article, Extraction, StoryComparison
from .align import align
from .config import DEFAULT, CompareConfig
from .verdicts import VERDICTS, Story


def compare_articles(story_id: int, articles: list[Article], extractions: list[Extraction | None], encode,
                     copies: dict[str, str] | None = None, config: CompareConfig = DEFAULT) -> StoryComparison:
    """``copies``: article id -> the id of the member it republishes (dedup's ``copy-of`` links). A copy
    is one more outlet carrying a report, not one more report: a claim that only an article and its
    copies carry is unique, and consensus means every independent report."""
    started = time.perf_counter()
    encode = _Remembered(encode)  # quote contents are embedded by several verdicts: once is enough
    articles = sorted(articles, key=lambda a: (a.published or "9999", a.id))
    by_id = {x.article_id: x for x in extractions if x is not None}
    exs = [by_id.get(a.id) for a in articles]
    report_of = _reports(articles, copies or {})
    groups = align(articles, exs, encode, report_of)
    story = Story(articles, exs, groups, encode, report_of, config)
    out = StoryComparison(
        story_id,
        [{"id": a.id, "source": a.source or a.id, "lang": a.lang, "published": a.published, "title": a.title or a.text[:80],
          "copy_of": (copies or {}).get(a.id) if report_of[a.id] != a.id else None}
         for a in articles],
        groups=groups,
        **{name: VERDICTS[name](story) for name in config.verdicts},
    )
    out.seconds = round(time.perf_counter() - started, 3)
    return out


def _reports(articles: list[Article], copies: dict[str, str]) -> dict[str, str]:
    """Each member's original report: follows copy-of links (a copy of a copy) within the story."""
    ids = {a.id for a in articles}
    out = {}
    for a in articles:
        seen, x = {a.id}, a.id
        while copies.get(x) in ids and copies[x] not in seen:
            x = copies[x]
            seen.add(x)
        out[a.id] = x
    return out


class _Remembered:
    """An ``encode`` that embeds each distinct text once per comparison."""

    def __init__(self, encode):
        self._encode, self._seen = encode, {}

    def __call__(self, texts):
        todo = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if todo:
            self._seen.update(zip(todo, self._encode(todo)))
        if not texts:
            return self._encode(texts)
        return np.stack([self._seen[t] for t in texts])
