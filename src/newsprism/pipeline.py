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
                report.warnings.extend(f"{_where(article)}: {w}" for w in article.warnings)
        if len(batch) >= BATCH_SIZE or len(rejected) >= BATCH_SIZE:
            flush()
        if progress:
            progress(report.read, len(report.rejected), item.origin)
    flush()
    report.seconds = time.perf_counter() - started
    return report


def _where(article: Article) -> str:
    return f"{article.origin} [{article.record}]" if article.record else article.origin
