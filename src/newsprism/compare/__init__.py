"""Compare the sources of a story: aligned claims (consensus / partial / unique), omissions,
contradictions, one speaker's quotes across sources and languages, a timeline, unreliable values.

Nothing is generated: every item of a ``StoryComparison`` is a span of one of the story's articles.
``align.py`` aligns sentences, ``verdicts.py`` judges, ``dossier.py`` renders Markdown, HTML and JSON.
"""

from __future__ import annotations

import time

from ..model import Article, Extraction, StoryComparison
from .align import align, omissions
from .verdicts import contradictions, quote_matches, timeline, unreliable


def compare_articles(story_id: int, articles: list[Article], extractions: list[Extraction | None], encode) -> StoryComparison:
    started = time.perf_counter()
    articles = sorted(articles, key=lambda a: (a.published or "9999", a.id))
    by_id = {x.article_id: x for x in extractions if x is not None}
    exs = [by_id.get(a.id) for a in articles]
    groups = align(articles, exs, encode)
    out = StoryComparison(
        story_id,
        [{"id": a.id, "source": a.source or a.id, "lang": a.lang, "published": a.published, "title": a.title or a.text[:80]}
         for a in articles],
        groups=groups,
        omissions=omissions(groups, [a.id for a in articles]),
        contradictions=contradictions(articles, exs, groups, encode),
        quotes=quote_matches(articles, exs, encode),
        timeline=timeline(articles, exs),
        unreliable=unreliable(articles, exs),
    )
    out.seconds = round(time.perf_counter() - started, 3)
    return out
