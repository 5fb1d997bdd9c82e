"""Extraction on Ray against the local run, on the same two cores (issue 20).

    python benchmarks/ray_extract.py [--slice 600] [--partitions 16,64,256]

GVA dev (3,161 articles) is ingested into two SQLite stores. One is extracted by `newsprism extract` as it
runs locally (this process and a child sharing the work: 2 processes); the other by Ray tasks on a two-node
Ray cluster started on this machine (`ray.cluster_utils.Cluster`, two nodes of one CPU), partitions of 64
articles. The extractions must be equal, article by article. Then, on the first ``--slice`` articles, the
partition size is varied: time, articles/s per worker, and the scheduling overhead (wall time beyond the
tasks' own time, over the tasks).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GVA = ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"


def store_with(db: Path, limit: int | None = None) -> Path:
    import gzip

    import newsprism

    src = GVA
    if limit:
        src = db.with_suffix(".jsonl")
        with gzip.open(GVA, "rt", encoding="utf-8") as fh, open(src, "w", encoding="utf-8") as out:
            for k, line in zip(range(limit), fh):
                out.write(line)
    with newsprism.open(db) as news:
        news.ingest(src)
    return db


def extractions(db: Path) -> dict:
    from newsprism.extract import VERSION
    from newsprism.store import open_store

    store = open_store(db)
    try:
        return {i: (x.to_dict() if (x := store.get_extraction(i, VERSION)) else None) for i in store.article_ids()}
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slice", type=int, default=600)
    ap.add_argument("--partitions", default="16,64,256")
    args = ap.parse_args()

    import ray
    from ray.cluster_utils import Cluster

    import newsprism
    from newsprism import distribute

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        local, remote = store_with(tmp / "local.db"), store_with(tmp / "ray.db")
        with newsprism.open(local) as news:
            started = time.perf_counter()
            report = news.extract()
            out["local"] = {"articles": report.articles, "seconds": round(time.perf_counter() - started, 1)}
        print(json.dumps(out), flush=True)
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
        cluster.add_node(num_cpus=1)
        t0 = time.perf_counter()
        ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
        out["ray_start_s"] = round(time.perf_counter() - t0, 1)
        done = distribute.extract(str(remote), cluster.address, partition=64)
        out["ray"] = {"articles": done.items, "tasks": done.tasks, "seconds": round(done.seconds, 1)}
        out["overhead"] = round(done.seconds / out["local"]["seconds"] - 1, 3)
        out["equal"] = extractions(local) == extractions(remote)
        print(json.dumps(out), flush=True)
        sweep = []
        for size in map(int, args.partitions.split(",")):
            db = store_with(tmp / f"slice-{size}.db", args.slice)
            report = distribute.extract(str(db), cluster.address, partition=size)
            sweep.append({"partition": size, "tasks": report.tasks, "seconds": round(report.seconds, 1),
                          "articles_per_s_per_worker": round(report.items / report.seconds / 2, 1)})
            print(json.dumps(sweep[-1]), flush=True)
        out["partition_sweep"] = sweep
        ray.shutdown()
        cluster.shutdown()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
