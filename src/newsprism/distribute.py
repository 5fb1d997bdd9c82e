"""Past one machine: the stages that parallelise run as Ray tasks over partitions (``--ray auto|ADDRESS``).

- ``ingest``: one task per input file (a file, a WARC, a JSONL shard): read, normalise and store it;
- ``embed``: headline vectors of the articles without one, a partition per task, stored for clustering;
- ``extract``: a partition of article ids per task, extracted and stored;
- ``dossiers``: a few stories per task, compared and their dossiers stored.

Every task opens the store itself (a ``postgresql://`` URL for a real cluster; a SQLite file works on one
machine) and writes what it made there: article ids are content-derived and every write is an upsert, so
a task Ray retries (its worker was killed, its node lost) rewrites the same rows, never doubles them. A
record that makes extraction fail becomes a rejection with its reason; the job goes on.

Clustering stays one sequential consumer in publication order (the online clusterer's decisions depend on
what came before; at 300-900 articles/s one consumer keeps up with 25M+ articles a day), reading the vectors
the tasks stored. Ray is an optional extra: ``pip install 'newsprism[ray]'``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .model import Extraction, Rejection

log = logging.getLogger(__name__)

INSTALL_HINT = "Ray is not installed: pip install 'newsprism[ray]' (or pip install ray)"
RETRIES = 3  # a task whose worker died is run again this many times


class RayUnavailable(ImportError):
    """--ray was asked for and Ray cannot be imported."""


def connect(address: str = "auto"):
    """Join the Ray cluster at ``address`` ("auto": the one this machine belongs to; "local": start one
    here for this process) and return the ``ray`` module."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(INSTALL_HINT) from None
    if not ray.is_initialized():
        ray.init(address=None if address == "local" else address, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
    return ray


@dataclass
class RayReport:
    """What a distributed stage did: tasks, retries Ray made, records rejected, and the stage's counts."""

    stage: str
    tasks: int = 0
    items: int = 0
    rejected: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "tasks": self.tasks, "items": self.items, "rejected": self.rejected,
                **self.counts, "seconds": round(self.seconds, 3),
                "items_per_second": round(self.items / self.seconds, 1) if self.seconds else None}


def _run(ray, stage: str, fn: Callable, partitions: list[Any], args: tuple, progress, total: int) -> RayReport:
    """Submit one task per partition and gather their results as they finish (progress as they do)."""
    started = time.perf_counter()
    task = ray.remote(fn).options(max_retries=RETRIES, name=f"newsprism-{stage}")
    pending = [task.remote(p, *args) for p in partitions]
    report = RayReport(stage, tasks=len(pending))
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        for result in ray.get(done):
            report.items += result.pop("items")
            report.rejected += result.pop("rejected", [])
            for k, v in result.items():
                report.counts[k] = report.counts.get(k, 0) + v
        if progress:
            progress(report.items, total, "")
    report.seconds = time.perf_counter() - started
    return report


def _split(items: list[Any], size: int) -> list[list[Any]]:
    return [items[k:k + size] for k in range(0, len(items), max(1, size))]


# --- extraction ----------------------------------------------------------------------------------------


def extract_partition(ids: list[str], location: str) -> dict[str, Any]:
    """One task: extract these articles and store the results. An article that makes the extractor fail is
    stored as a rejection (its origin and record, and why), the rest of the partition goes on."""
    from .pipeline import _shared_extractor
    from .store import open_store

    store = open_store(location)
    try:
        arts = store.get_articles(ids)
        extractor = _shared_extractor()
        try:
            done = list(extractor.run(arts))
            failed: list[Rejection] = []
        except Exception:  # one of them breaks the extractor: find which, one at a time
            done, failed = [], []
            for art in arts:
                try:
                    done += list(extractor.run([art]))
                except Exception as exc:  # noqa: BLE001 (any failure of one record is that record's)
                    failed.append(Rejection(art.origin, f"extraction failed: {type(exc).__name__}: {exc}", art.record))
        store.put_extractions(done)
        if failed:
            store.upsert_articles([], failed)
        return {"items": len(arts), "rejected": [r.line() for r in failed], **_extraction_counts(done)}
    finally:
        store.close()


def _extraction_counts(done: Iterable[Extraction]) -> dict[str, int]:
    counts = {"entities": 0, "quotes": 0, "times": 0, "quantities": 0}
    for ex in done:
        counts["entities"] += len(ex.entities)
        counts["quotes"] += len(ex.quotes)
        counts["times"] += len(ex.times)
        counts["quantities"] += len(ex.quantities)
    return counts


def extract(location: str, address: str = "auto", partition: int = 64, redo: bool = False, progress=None) -> RayReport:
    """Every article without a current extraction (all with ``redo``), a partition per Ray task."""
    from .extract import VERSION
    from .store import open_store

    ray = connect(address)
    store = open_store(location)
    try:
        ids = store.article_ids() if redo else store.unextracted_ids(VERSION)
    finally:
        store.close()
    return _run(ray, "extract", extract_partition, _split(ids, partition), (location,), progress, len(ids))


# --- headline vectors for clustering ----------------------------------------------------------------------


def embed_partition(ids: list[str], location: str, model: str) -> dict[str, Any]:
    """One task: the headline vectors of these articles, stored for the clusterer."""
    from .cluster.features import headline
    from .embed import get_embedder
    from .store import open_store

    store = open_store(location)
    try:
        arts = store.get_articles(ids)
        vectors = get_embedder(model, threads=1).encode([headline(a) for a in arts]) if arts else []
        store.put_vectors({a.id: v for a, v in zip(arts, vectors)}, model)
        return {"items": len(arts)}
    finally:
        store.close()


def embed(location: str, address: str = "auto", partition: int = 512, progress=None) -> RayReport:
    """Headline vectors of the articles in no story yet that have none, so the clusterer (one process)
    only reads them."""
    from .pipeline import _default_embedder
    from .store import open_store

    ray = connect(address)
    model = _default_embedder()
    store = open_store(location)
    try:
        todo = store.unassigned_ids()
        have = set(store.get_vectors(todo, model))
    finally:
        store.close()
    ids = [i for i in todo if i not in have]
    return _run(ray, "embed", embed_partition, _split(ids, partition), (location, model), progress, len(ids))


# --- dossiers ---------------------------------------------------------------------------------------------


def dossier_partition(story_ids: list[int], location: str) -> dict[str, Any]:
    """One task: compare these stories (their dossiers are stored, as ``newsprism compare`` keeps them)."""
    from .pipeline import compare
    from .store import open_store

    store = open_store(location)
    try:
        made = sum(compare(store, sid) is not None for sid in story_ids)
        return {"items": len(story_ids), "dossiers": made}
    finally:
        store.close()


def dossiers(location: str, story_ids: list[int], address: str = "auto", partition: int = 4, progress=None) -> RayReport:
    ray = connect(address)
    return _run(ray, "dossiers", dossier_partition, _split(story_ids, partition), (location,), progress, len(story_ids))


# --- ingest -----------------------------------------------------------------------------------------------


def ingest_partition(targets: list[str], location: str, options: Any) -> dict[str, Any]:
    """One task: read, normalise and store these inputs (ingest is idempotent: a retry stores nothing twice)."""
    from .pipeline import ingest as ingest_local
    from .store import open_store

    store = open_store(location)
    try:
        report = ingest_local(targets, store, options)
        return {"items": len(targets), "read": report.read, "new": report.new, "updated": report.updated,
                "unchanged": report.unchanged, "rejected": [r.line() for r in report.rejected]}
    finally:
        store.close()


def ingest(targets: list[str], location: str, address: str = "auto", options: Any = None, progress=None) -> RayReport:
    """One task per input file (a directory's files each on their own): archives and shards read side by
    side. URLs and stdin are read here, as one task of their own each."""
    from pathlib import Path

    from .ingest.sources import iter_files, is_url

    ray = connect(address)
    files: list[str] = []
    for t in targets:
        if is_url(t) or t == "-" or not Path(t).is_dir():
            files.append(t)
        else:
            files += [str(p) for p in iter_files(Path(t))]
    return _run(ray, "ingest", ingest_partition, [[f] for f in files], (location, options), progress, len(files))
