"""Wires the stages together. The CLI, the HTTP API and the web UI call these functions and nothing else."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .ingest import IngestOptions, read_inputs
from .model import Article, Rejection
from .normalize import NormalizeContext, normalize
from .store import Store

BATCH_SIZE = 500


@dataclass
class IngestReport:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    new_ids: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.new + self.updated

    def to_dict(self) -> dict:
        return {
            "read": self.read, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": len(self.rejected), "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.read / self.seconds, 1) if self.seconds else None,
            "rejections": [r.line() for r in self.rejected], "warnings": self.warnings,
        }


# Progress callbacks get (records read so far, rejections so far, the input being read).
Progress = Callable[[int, int, str], None]


def ingest(
    targets: Iterable[str],
    store: Store,
    opts: IngestOptions | None = None,
    progress: Progress | None = None,
    keep_new_ids: bool = False,
) -> IngestReport:
    """Read, normalize and store; batches commit as they fill, so an interruption loses at most one batch."""
    report = IngestReport()
    ctx = NormalizeContext()
    batch: list[Article] = []
    rejected: list[Rejection] = []
    warned: set[tuple[str, str]] = set()
    started = time.perf_counter()

    def flush() -> None:
        result = store.upsert_articles(batch, rejected)
        report.new += len(result.new)
        report.updated += len(result.updated)
        report.unchanged += len(result.unchanged)
        if keep_new_ids:
            report.new_ids.extend(result.new)
        batch.clear()
        rejected.clear()

    for item in read_inputs(targets, opts):
        if isinstance(item, Rejection):
            rejected.append(item)
            report.rejected.append(item)
        else:
            report.read += 1
            try:
                article = normalize(item, ctx)
            except ValueError as exc:
                rej = Rejection(item.origin, str(exc), item.record)
                rejected.append(rej)
                report.rejected.append(rej)
            else:
                batch.append(article)
                for w in article.warnings:
                    # Each article keeps its warnings; the report says a file-wide one (an encoding) once.
                    if (article.origin, w) not in warned:
                        warned.add((article.origin, w))
                        report.warnings.append(f"{_where(article)}: {w}")
        if len(batch) >= BATCH_SIZE or len(rejected) >= BATCH_SIZE:
            flush()
        if progress:
            progress(report.read, len(report.rejected), item.origin)
    flush()
    report.seconds = time.perf_counter() - started
    return report


def _where(article: Article) -> str:
    return f"{article.origin} [{article.record}]" if article.record else article.origin


@dataclass
class ClusterReport:
    articles: int = 0
    new_stories: int = 0
    joined: int = 0
    duplicates: int = 0
    restored: int = 0
    seconds: float = 0.0
    config_version: str = ""

    def to_dict(self) -> dict:
        return {"articles": self.articles, "new_stories": self.new_stories, "joined": self.joined,
                "duplicates": self.duplicates, "restored_from_earlier_runs": self.restored,
                "seconds": round(self.seconds, 3), "config": self.config_version,
                "articles_per_second": round(self.articles / self.seconds, 1) if self.seconds else None}


CHUNK = 256


def cluster(store, config=None, rebuild: bool = False, progress: Progress | None = None) -> ClusterReport:
    """Put every article that is in no story yet into one, in publication order.

    Incremental: stories still active within the config's window are restored from the store (their
    articles re-represented, embeddings read from the cache), then only new articles are decided.
    Articles a user placed by hand (merge, split, move) are never moved. ``rebuild`` forgets every
    automatic decision and clusters the whole store again around the manual ones.
    """
    import zlib
    from datetime import date, timedelta

    import numpy as np

    from .cluster import ClusterConfig, StoryStream
    from .cluster.features import BUCKETS, DocFreq, article_day
    from .embed import get_embedder

    started = time.perf_counter()
    config = config or ClusterConfig.load()
    report = ClusterReport(config_version=config.version)
    if rebuild:
        store.clear_automatic_assignments()
    new = list(store.unassigned_articles())
    if not new:
        report.seconds = time.perf_counter() - started
        return report
    embedder = get_embedder(config.embedder)

    df = DocFreq()
    saved = store.get_meta("cluster.docfreq")
    if saved:
        n_docs, blob = saved.split(b":", 1)
        df = DocFreq(np.frombuffer(zlib.decompress(blob), dtype=np.int32).copy(), int(n_docs))
        if df.counts.shape[0] != BUCKETS:
            df = DocFreq()
    stream = StoryStream(config, embedder, df, first_story_id=store.max_story_id() + 1)

    def embeddings(articles: list[Article]) -> list:
        cached = store.get_vectors([a.id for a in articles], embedder.name)
        missing = [a for a in articles if a.id not in cached]
        if missing:
            fresh = dict(zip((a.id for a in missing), stream.embed(missing)))
            store.put_vectors(fresh, embedder.name)
            cached.update(fresh)
        return [cached.get(a.id) for a in articles]

    days = [d for d in (article_day(a) for a in new) if d is not None]
    since = (date.fromordinal(min(days)) - timedelta(days=config.window_days)).isoformat() if days else None
    earlier = list(store.members_since(since))
    for k in range(0, len(earlier), CHUNK):
        chunk = earlier[k : k + CHUNK]
        for (art, sid, method), emb in zip(chunk, embeddings([a for a, _, _ in chunk])):
            if rebuild or not saved:
                stream.place(art, sid, emb)  # their counts are not in the saved IDF state: count them now
            else:
                stream.restore(art, sid, emb)
            report.restored += 1

    for k in range(0, len(new), CHUNK):
        chunk = new[k : k + CHUNK]
        results = [stream.process(a, e) for a, e in zip(chunk, embeddings(chunk))]
        store.save_assignments(results)
        for r in results:
            report.articles += 1
            if r.method == "new":
                report.new_stories += 1
            elif r.method == "duplicate":
                report.duplicates += 1
            else:
                report.joined += 1
        if progress:
            progress(report.articles, len(new), chunk[-1].origin)
    store.put_meta("cluster.docfreq", str(df.n_docs).encode() + b":" + zlib.compress(df.counts.tobytes(), 1))
    report.seconds = time.perf_counter() - started
    return report
