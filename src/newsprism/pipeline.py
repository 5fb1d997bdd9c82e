"""Wires the stages together; the library object (library.py) calls these, and every face calls it.

The stages that load models or numpy (cluster, embed, extract, compare) are imported inside the functions
that run them: `newsprism --help`, an ingest or a cached story page then start without loading them.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable

from .ingest import IngestOptions, read_inputs
from .ingest.sources import one_line
from .model import Article, Extraction, RawRecord, Rejection, StoryComparison
from .ingest.normalize import NormalizeContext, normalize
from .store import Store, StoreError, UpsertResult
from .workers import Worker

log = logging.getLogger(__name__)

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
    new_ids: list[str] = field(default_factory=list)  # with keep_new_ids: the articles new to the store ...
    updated_ids: list[str] = field(default_factory=list)  # ... and those whose text changed

    @property
    def stored(self) -> int:
        return self.new + self.updated

    @property
    def exit_code(self) -> int:
        """0 all stored; 1 some input rejected, the rest stored (or already there); 3 nothing could be stored."""
        if not self.rejected:
            return 0
        return 1 if self.stored or self.unchanged else 3

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
    on_new: Callable[[list[Article]], None] | None = None,
) -> IngestReport:
    """Read, normalize and store; batches commit as they fill, so an interruption loses at most one batch.

    ``on_new`` sees each committed batch's new articles (the clustering prefetch encodes their headlines)."""
    opts = opts or IngestOptions()
    return ingest_records(read_inputs(targets, opts), store, opts, progress, keep_new_ids, on_new)


def ingest_records(
    items: Iterable[RawRecord | Rejection],
    store: Store,
    opts: IngestOptions | None = None,
    progress: Progress | None = None,
    keep_new_ids: bool = False,
    on_new: Callable[[list[Article]], None] | None = None,
) -> IngestReport:
    """``ingest`` for records already read (a poller's feed entries): normalized and stored the same way."""
    opts = opts or IngestOptions()
    report = IngestReport()
    ctx = NormalizeContext(earliest=date.fromisoformat(opts.earliest_date), future_days=opts.future_days)
    batch: list[Article] = []
    rejected: list[Rejection] = []
    warned: set[tuple[str, str]] = set()
    started = time.perf_counter()

    def flush() -> None:
        try:
            result = store.upsert_articles(batch, rejected)
        except StoreError as exc:  # the store itself failed: no record's fault, and no point going on
            raise StoreError(f"{exc}; {report.new + report.updated} article(s) of this run were stored before it") from exc
        except Exception as exc:  # noqa: BLE001 - one article the store refuses must not sink its batch
            log.warning("storing a batch of %d failed (%s); storing its articles one by one", len(batch), exc)
            result = _upsert_one_by_one(store, batch, rejected, report)
        report.new += len(result.new)
        report.updated += len(result.updated)
        report.unchanged += len(result.unchanged)
        if keep_new_ids:
            report.new_ids.extend(result.new)
            report.updated_ids.extend(result.updated)
        if on_new and result.new:
            fresh = set(result.new)
            on_new([a for a in batch if a.id in fresh])
        batch.clear()
        rejected.clear()

    for item in items:
        if isinstance(item, Rejection):
            rejected.append(item)
            report.rejected.append(item)
        else:
            report.read += 1
            article = _normalized(item, ctx)
            if isinstance(article, Rejection):
                rejected.append(article)
                report.rejected.append(article)
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


def _normalized(raw, ctx) -> Article | Rejection:
    """Normalize one record; whatever fails is that record's rejection, never the run's end."""
    try:
        return normalize(raw, ctx)
    except ValueError as exc:
        return Rejection(raw.origin, str(exc), raw.record)
    except Exception as exc:  # noqa: BLE001 - a hostile record trips some library: reject it, keep the batch
        log.debug("normalizing %s [%s] failed", raw.origin, raw.record, exc_info=True)
        return Rejection(raw.origin, f"cannot normalize this record ({type(exc).__name__}: {one_line(exc)})", raw.record)


def _upsert_one_by_one(store, batch: list[Article], rejected: list[Rejection], report: IngestReport):
    """Store a batch that failed as a whole one article at a time: each that still fails is a rejection."""
    total = UpsertResult()
    for art in batch:
        try:
            one = store.upsert_articles([art])
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            rej = Rejection(art.origin, f"could not be stored ({type(exc).__name__}: {one_line(exc)})", art.record)
            rejected.append(rej)
            report.rejected.append(rej)
            continue
        total.new += one.new
        total.updated += one.updated
        total.unchanged += one.unchanged
    store.upsert_articles([], rejected)
    return total


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
PIECE = 16  # articles a process takes at a time when two share the extraction
LOOKAHEAD = 2  # chunks being encoded ahead of the one being clustered


def _with_embeddings(store, encoder, chunks: Iterable[list[Article]], prefetch=None):
    """Yield (chunk, headline embeddings): from the store's cache, else from what ingest handed over for
    encoding, else encoded now, ahead of use."""

    from .cluster.features import headline

    pending: deque = deque()

    def finish(item):
        chunk, cached, missing, future = item
        fresh = prefetch.take([a.id for a in chunk if a.id not in cached]) if prefetch is not None else {}
        if future is not None:
            fresh.update(zip((a.id for a in missing), future.result()))
        if fresh:
            store.put_vectors(fresh, encoder.name)
            cached.update(fresh)
        return chunk, [cached.get(a.id) for a in chunk]

    for chunk in chunks:
        cached = store.get_vectors([a.id for a in chunk], encoder.name)
        handed_over = prefetch.pending(a.id for a in chunk) if prefetch is not None else set()
        missing = [a for a in chunk if a.id not in cached and a.id not in handed_over]
        future = encoder.submit([headline(a) for a in missing]) if missing else None
        pending.append((chunk, cached, missing, future))
        if len(pending) > LOOKAHEAD:
            yield finish(pending.popleft())
    while pending:
        yield finish(pending.popleft())


def cluster(store, config=None, rebuild: bool = False, progress: Progress | None = None,
            prefetch=None, on_wait: Callable[[str], None] | None = None) -> ClusterReport:
    """Put every article that is in no story yet into one, in publication order.

    Incremental: stories still active within the config's window are restored from the store (their
    articles re-represented, embeddings read from the cache), then only new articles are decided.
    Articles a user placed by hand (merge, split, move) are never moved. ``rebuild`` forgets every
    automatic decision and clusters the whole store again around the manual ones.

    The clusterer is the single writer of assignments: a second run on the same store waits for the
    first (``on_wait`` hears why), then places what is left.
    """
    with store.writer_lock("cluster", on_wait=on_wait):
        return _cluster(store, config, rebuild, progress, prefetch)


def _cluster(store, config, rebuild: bool, progress: Progress | None, prefetch) -> ClusterReport:

    import numpy as np

    from .cluster import ClusterConfig, StoryStream
    from .cluster.features import BUCKETS, DocFreq
    from .embed import Encoder

    started = time.perf_counter()
    config = config or ClusterConfig.load()
    report = ClusterReport(config_version=config.version)
    if rebuild:
        store.clear_automatic_assignments()
    new_ids = store.unassigned_ids()  # ids, not articles: texts are read a chunk at a time
    if not new_ids:
        report.seconds = time.perf_counter() - started
        return report
    df = DocFreq()
    saved = store.get_cluster_state()
    if saved:
        n_docs, blob = saved.split(b":", 1)
        df = DocFreq(np.frombuffer(zlib.decompress(blob), dtype=np.int32).copy(), int(n_docs))
        if df.counts.shape[0] != BUCKETS:
            df = DocFreq()
    stream = StoryStream(config, None, df, new_story_id=store.new_story_id)

    since = _window_start(store.first_unassigned_day(), config.reach_days)
    earlier = list(store.members_since(since))  # bounded by the window
    n_restore_chunks = -(-len(earlier) // CHUNK)
    chunks = itertools.chain(
        ([a for a, _, _ in earlier[k : k + CHUNK]] for k in range(0, len(earlier), CHUNK)),
        (store.get_articles(new_ids[k : k + CHUNK]) for k in range(0, len(new_ids), CHUNK)))
    if prefetch is not None and prefetch.encoder is not None:
        encoder = prefetch.encoder  # already warm, in the background
    else:
        encoder = Encoder(config.embedder, background=Encoder.worth_a_process(len(earlier) + len(new_ids)))
    with encoder:
        for i, (chunk, embs) in enumerate(_with_embeddings(store, encoder, chunks, prefetch)):
            if i < n_restore_chunks:
                for (art, sid, _method), emb in zip(earlier[i * CHUNK : (i + 1) * CHUNK], embs):
                    if rebuild or not saved:
                        stream.place(art, sid, emb)  # their counts are not in the saved IDF state: count them now
                    else:
                        stream.restore(art, sid, emb)
                    report.restored += 1
                continue
            results = [stream.process(a, e) for a, e in zip(chunk, embs)]
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
                progress(report.articles, len(new_ids), chunk[-1].origin)
    store.put_cluster_state(str(df.n_docs).encode() + b":" + zlib.compress(df.counts.tobytes(), 1))
    report.seconds = time.perf_counter() - started
    return report


def _window_start(first_day: str | None, window_days: int) -> str | None:
    """The first day whose stories a run restores; None (all of them) when the first new article's
    date is none a calendar can count back from (a store written before dates were checked)."""

    try:
        return (date.fromisoformat(first_day) - timedelta(days=window_days)).isoformat() if first_day else None
    except (ValueError, OverflowError):
        return None


def ingest_and_cluster(targets: Iterable[str], store: Store, config=None, opts: IngestOptions | None = None,
                       ingest_progress: Progress | None = None,
                       cluster_progress: Progress | None = None) -> tuple[IngestReport, ClusterReport]:
    """Ingest, then cluster. Headlines of new articles are encoded in the background while the rest
    is still being read, so on two cores the encoder's time mostly disappears."""
    from .cluster import ClusterConfig
    from .cluster.features import headline
    from .embed import Prefetch

    config = config or ClusterConfig.load()
    prefetch = Prefetch(config.embedder)
    try:
        report = ingest(targets, store, opts, progress=ingest_progress,
                        on_new=lambda arts: prefetch.add([a.id for a in arts], [headline(a) for a in arts]))
        return report, cluster(store, config, progress=cluster_progress, prefetch=prefetch)
    finally:
        prefetch.close()


@dataclass
class ExtractReport:
    articles: int = 0
    entities: int = 0
    quotes: int = 0
    times: int = 0
    garbled_times: int = 0
    quantities: int = 0
    seconds: float = 0.0
    version: str = ""

    def to_dict(self) -> dict:
        return {**self.__dict__, "seconds": round(self.seconds, 3),
                "articles_per_second": round(self.articles / self.seconds, 1) if self.seconds else None}


def extract(store, progress: Progress | None = None, extractor=None, redo: bool = False,
            background: bool | None = None) -> ExtractReport:
    """Extract entities, quotes, times and quantities from every article that has no current extraction
    (none yet, an older extractor version, or a text changed since). ``redo``: all articles again.

    On two or more cores and enough articles, a child process (``python -m newsprism.extract``) shares
    the work: both take the next piece of ``PIECE`` articles as they finish one, so neither waits for the
    other (the child starts seconds late, loading its models, and a piece's cost varies)."""

    from .extract import VERSION

    started = time.perf_counter()
    report = ExtractReport(version=VERSION)
    ids = store.article_ids() if redo else store.unextracted_ids(VERSION)
    extractor = extractor or _shared_extractor()
    if background is None:
        background = (os.cpu_count() or 1) >= 2 and len(ids) >= 400 and os.environ.get("NEWSPRISM_EXTRACT_PROCESS") != "0"
    worker = None
    threads = extractor.encoder_threads
    if background:
        extractor.encoder_threads = 1  # the child extracts beside this process: a core each
        worker = Worker("newsprism.extract", name="extractor")
    pieces = deque(ids[k : k + PIECE] for k in range(0, len(ids), PIECE))
    inflight: deque = deque()  # (the piece's articles, the child's future)
    finished: list[Extraction] = []

    def keep(done: list[Extraction], force: bool = False) -> None:
        finished.extend(done)
        for ex in done:
            report.articles += 1
            report.entities += len(ex.entities)
            report.quotes += len(ex.quotes)
            report.times += len(ex.times)
            report.garbled_times += sum("garbled" in t.flags for t in ex.times)
            report.quantities += len(ex.quantities)
        if finished and (force or len(finished) >= CHUNK):
            store.put_extractions(finished)  # committed as it goes: an interruption keeps what is done
            if progress:
                progress(report.articles, len(ids), "")
            finished.clear()

    def from_child(arts: list[Article], future) -> list[Extraction]:
        try:
            return [Extraction.from_dict(d) for d in future.result()]
        except RuntimeError as exc:  # the child failed on this piece (or stopped): this process does it
            log.warning("%s; extracting %d articles here", exc, len(arts))
            return list(extractor.run(arts))

    try:
        while pieces or inflight:
            # Two pieces queued for the child keep it busy while this process works or writes.
            while worker is not None and len(inflight) < 2 and pieces:
                arts = store.get_articles(pieces.popleft())
                inflight.append((arts, worker.submit([a.to_dict() for a in arts])))
            if pieces:
                keep(list(extractor.run(store.get_articles(pieces.popleft()))))
            else:
                keep(from_child(*inflight.popleft()))
            while inflight and inflight[0][1].done():
                keep(from_child(*inflight.popleft()))
        keep([], force=True)
    finally:
        extractor.encoder_threads = threads
        if worker is not None:
            worker.close()
    report.seconds = time.perf_counter() - started
    return report




_COMPARING: dict[tuple[str, int], threading.Lock] = {}
_COMPARING_GUARD = threading.Lock()


def compare(store, story_id: int, embedder: str | None = None):
    """The comparison of one story's sources (extracting any member not extracted yet).

    Kept in the store and reused while the story's members, their texts and the extractor, comparer and
    embedder versions are unchanged: a story page is then a lookup, not a 1-2 s computation. One
    computation per story at a time in a process: readers who ask meanwhile wait for it and read its
    result, instead of each computing the same dossier (ten readers of a story that just grew)."""
    sid = store.resolve_story(story_id)
    if sid is None:
        return None
    with _COMPARING_GUARD:
        lock = _COMPARING.setdefault((str(store.path), sid), threading.Lock())
    with lock:
        return _compare(store, sid, embedder)


def _compare(store, sid: int, embedder: str | None = None):
    """compare() for a story id already resolved, under that story's lock."""

    from .compare import compare_articles
    from .compare.view import headline, reader_language
    from .embed import get_embedder
    from .extract import VERSION

    name = embedder or _default_embedder()
    key = dossier_key(store, sid, name)
    cached = store.get_dossier(sid)
    if cached is not None and cached[0] == key:
        return StoryComparison.from_dict(json.loads(cached[1]))
    members = store.story_members(sid)
    articles = [a for a, _ in members]
    copies = {a.id: link["target_id"] for a, info in members for link in info["links"] if link["type"] == "copy-of"}
    extractions = [store.get_extraction(a.id, VERSION) for a in articles]
    stale = [a for a, x in zip(articles, extractions) if x is None]
    if stale:
        fresh = {x.article_id: x for x in _shared_extractor().run(stale)}
        store.put_extractions(list(fresh.values()))
        extractions = [x if x is not None else fresh.get(a.id) for a, x in zip(articles, extractions)]
    result = compare_articles(sid, articles, extractions, get_embedder(name).encode, copies)
    store.put_dossier(sid, key, json.dumps(result.to_dict(), ensure_ascii=False).encode())
    store.set_story_title(sid, headline(result, reader_language(), {a.id: a.title for a in articles})[0])  # the list then names it as its page does
    store.put_aliases([replace(a, story_id=sid) for a in result.spellings])  # (person pages show them)
    return result


def story_view(store, story_id: int, reader_lang: str | None = None):
    """(comparison, reader's view, the members by id) of a story, or None: what a story page shows."""
    from .compare.view import reader_language, story_view as view_of
    from .extract import VERSION

    result = compare(store, story_id)
    if result is None:
        return None
    articles = {a.id: a for a in store.get_articles([a["id"] for a in result.articles])}
    extractions = {aid: store.get_extraction(aid, VERSION) for aid in articles}
    return result, view_of(result, list(articles.values()), extractions, reader_lang or reader_language()), articles


def dossier_key(store, sid: int, embedder: str | None = None) -> str:
    """What a story's dossier depends on: its members' ids and texts and the extractor, comparer and
    embedder versions. It reads only ids and content hashes, so checking a cached dossier is cheap."""

    from .compare.config import DEFAULT  # (the compare package loads numpy and the aligner: not at start-up)
    from .extract import VERSION

    name = embedder or _default_embedder()
    return hashlib.sha1("|".join([DEFAULT.version, VERSION, name, *sorted(f"{i}:{h}" for i, h in store.member_hashes(sid))])
                        .encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _default_embedder() -> str:
    from .cluster import ClusterConfig

    return ClusterConfig.load().embedder


def article_extraction(store, article: Article, extract_if_stale: bool = False):
    """The article's current extraction; with ``extract_if_stale``, made now when there is none (the web
    UI opening an article), else None until ``extract`` runs."""
    from .extract import VERSION

    found = store.get_extraction(article.id, VERSION)
    if found is None and extract_if_stale:
        found = next(iter(_shared_extractor().run([article])), None)
        if found is not None:
            store.put_extractions([found])
    return found


_EXTRACTOR = None


def _shared_extractor():
    """One extractor per process (its models take seconds to load) for the calls that extract a few
    articles on demand: a dossier's stale members, an article opened in the web UI."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from .extract import Extractor

        _EXTRACTOR = Extractor()
    return _EXTRACTOR


@dataclass
class ReportResult:
    written: list[tuple[dict, str, int]] = field(default_factory=list)  # (story row, file name, contradictions)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (story id, why)


def write_report(store, out_dir, fmt: str = "html", min_size: int = 2, limit: int = 200,
                 progress: Callable[[int, int], None] | None = None) -> ReportResult:
    """A dossier file for each story with ``min_size`` articles or more, and an index.md of them. Each
    story is its own error boundary: one that cannot be compared is listed as failed, the rest written."""
    from .compare.dossier import RENDERERS

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = store.list_stories(limit=limit, min_size=min_size, order="size")
    result = ReportResult()
    for k, row in enumerate(rows, start=1):
        name = f"story-{row['id']}.{fmt}"
        try:
            comparison = compare(store, row["id"])
            (out / name).write_text(RENDERERS[fmt](comparison), encoding="utf-8")
            result.written.append((row, name, len(comparison.contradictions)))
        except Exception as exc:  # noqa: BLE001 - one story's failure must not cost the others their dossiers
            log.exception("dossier of story %s failed", row["id"])
            result.failed.append((row["id"], f"{type(exc).__name__}: {exc}"))
        if progress:
            progress(k, len(rows))
    from .compare.view import clip

    # each story's headline as its comparison chose it (computing a dossier names the story)
    ids = [r["id"] for r, _, _ in result.written]
    titles = {s["id"]: s["title"] for s in store.list_stories(limit=len(ids) or 1, min_size=0, ids=ids)}
    lines = ["# Stories", "", "| story | size | contradictions | title |", "|---|---|---|---|"]
    lines += [f"| [{r['id']}]({name}) | {r['size']} | {n} | {clip(titles.get(r['id'], r['title']), 80)} |"
              for r, name, n in result.written]
    lines += [f"| {sid} | | failed: {why[:80]} | |" for sid, why in result.failed]
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return result


# --- corrections by hand (the CLI, the API and the web UI all go through these) -----------------------


class NotFound(LookupError):
    """A story or article a caller named does not exist."""


class BadRequest(ValueError):
    """A correction that cannot be made as asked (merging a story into itself)."""


def _article_refs(store, refs: list[str]) -> list[str]:
    """Article ids for what a user typed: an id, an unambiguous prefix, or the input's own id."""
    out = []
    for ref in refs:
        art = store.get_article(ref)
        if art is None:
            raise NotFound(f"no article {ref}")
        out.append(art.id)
    return out


def merge_stories(store, target: int, others: list[int]) -> int:
    """Merge stories into ``target``; later automatic runs keep them together."""
    others = list(dict.fromkeys(others))
    if target in others:
        raise BadRequest(f"story {target} cannot be merged into itself")
    if not others:
        raise BadRequest("name at least one story to merge into the target")
    for sid in [target, *others]:
        if store.resolve_story(sid) != sid:
            raise NotFound(f"no story {sid} (or it was merged already)")
    return store.merge_stories(target, others)


def split_articles(store, refs: list[str]) -> int:
    """Take articles out of their story into a new story of their own; returns its id."""
    return store.move_articles(_article_refs(store, refs), None, action="split")


def move_articles(store, refs: list[str], story_id: int) -> int:
    """Move articles to another story; later automatic runs leave them there. Returns the story's id."""
    target = store.resolve_story(story_id)
    if target is None:
        raise NotFound(f"no story {story_id}")
    store.move_articles(_article_refs(store, refs), target)
    return target
