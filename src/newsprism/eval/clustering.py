"""``newsprism eval clustering``: the real pipeline (ingest -> dedup -> cluster, in a fresh store) on a
labelled file, scored against its gold stories."""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from pathlib import Path

from ..cluster import ClusterConfig
from ..cluster.metrics import scores
from ..pipeline import ingest_and_cluster
from ..store import open_store
from .common import peak_rss_mb


def evaluate(file: Path, out: Path | None = None, config: Path | None = None) -> dict:
    opener = gzip.open if str(file).endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8") as fh:
        gold = [(str(row["id"]), str(row["story"])) for row in map(json.loads, filter(str.strip, fh))]
    cfg = ClusterConfig.load(config) if config else ClusterConfig.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "eval.db")
        started = time.perf_counter()
        ingested, report = ingest_and_cluster([str(file)], store, cfg)
        elapsed = time.perf_counter() - started
        external = store.external_ids()
        story_of = {external[aid]: sid for aid, sid in store.memberships().items() if aid in external}
        store.close()
    missing = [i for i, _ in gold if i not in story_of]
    # An article the pipeline did not store (rejected) counts as a story of its own.
    pred = [story_of.get(i, f"missing:{i}") for i, _ in gold]
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            for (i, _), p in zip(gold, pred):
                fh.write(json.dumps({"id": i, "story": p}) + "\n")
    result = {k: round(v, 4) if isinstance(v, float) else v for k, v in scores(pred, [g for _, g in gold]).items()}
    result.update({
        "file": Path(file).name, "config": cfg.version, "missing": len(missing), "rejected": len(ingested.rejected),
        "seconds": round(elapsed, 2), "articles_per_s": round(len(gold) / elapsed, 1),
        "cluster_articles_per_s": round(report.articles / report.seconds, 1) if report.seconds else None,
        "peak_rss_mb": peak_rss_mb(),
    })
    return result
