"""Reading a file in the common clustering format into articles, with its gold story labels."""

from __future__ import annotations

from pathlib import Path

from ..ingest import read_inputs
from ..model import Article, Rejection
from ..ingest.normalize import NormalizeContext, normalize


def load_labelled(path: str | Path) -> tuple[list[Article], list[tuple[str, str]]]:
    """Articles in publication order (undated last, file order within a day), and the file's
    (id, gold story) lines in file order. Ids repeated in the file map to one article."""
    ctx = NormalizeContext()
    articles: dict[str, Article] = {}
    lines: list[tuple[str, str]] = []
    order: dict[str, int] = {}
    for item in read_inputs([str(path)]):
        if isinstance(item, Rejection):
            continue
        art = normalize(item, ctx)
        xid = item.external_id or art.id
        lines.append((xid, str(item.extra.get("story"))))
        if xid not in articles:
            art.id = xid  # keep the benchmark's ids, so assignments can be scored against its gold
            articles[xid] = art
            order[xid] = len(order)
    ranked = sorted(articles.values(), key=lambda a: (a.published is None, (a.published or "")[:10], order[a.id]))
    return ranked, lines


def peak_rss_mb() -> float:
    """Peak resident memory of this process plus the largest finished child (the background encoder)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + child) / 1024, 1)
