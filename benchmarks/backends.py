"""SQLite against PostgreSQL: the whole pipeline on one labelled file, and concurrent ingest workers.

    python benchmarks/backends.py --pg postgresql://user@host/db [--file ../shared/benchmarks/clustering/gva-dev.jsonl.gz]
                                  [--workers 4] [--out results.json]

1. End to end, through the library object (``newsprism.open``), once per backend, each in a fresh store:
   ingest, cluster, extract, report (a dossier for every story of 2+ articles). Prints each stage's
   seconds, the clustering scores against the file's gold stories, and checks that both backends made the
   same stories and byte-identical dossiers.
2. Ingest workers on PostgreSQL: the file's articles under new ids once per worker (so each worker's are new),
   one worker's ingested by one process alone, then all at once into a fresh database: aggregate articles/s
   (wall time of the processes, start-up included).
Each PostgreSQL run gets a new database on the server the URL names (its user must be allowed to create one).
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

import newsprism
from newsprism.cluster.metrics import scores

ROOT = Path(__file__).resolve().parents[1]


def new_database(server: str) -> str:
    name = f"np_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return make_conninfo(server, dbname=name) if "://" not in server else server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, url: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {conninfo_to_dict(url)['dbname']} WITH (FORCE)")


def end_to_end(location: str, file: Path, out_dir: Path) -> dict:
    timings: dict[str, float] = {}
    with newsprism.open(location) as news:
        for stage, run in (("ingest", lambda: news.ingest(file)), ("cluster", news.cluster), ("extract", news.extract),
                           ("report", lambda: news.report(out_dir, format="json", min_size=2, limit=100_000))):
            started = time.perf_counter()
            result = run()
            timings[stage] = round(time.perf_counter() - started, 2)
            if stage == "ingest":
                articles = result.read
        external = news.store.external_ids()
        story_of = {external[a]: s for a, s in news.store.memberships().items() if a in external}
    timings["total"] = round(sum(timings.values()), 2)
    return {"seconds": timings, "articles": articles, "ingest_per_s": round(articles / timings["ingest"]),
            "story_of": story_of}


def gold_of(file: Path) -> list[tuple[str, str]]:
    with gzip.open(file, "rt", encoding="utf-8") if file.suffix == ".gz" else open(file, encoding="utf-8") as fh:
        return [(str(r["id"]), str(r["story"])) for r in map(json.loads, filter(str.strip, fh))]


def partition(story_of: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for article, story in story_of.items():
        groups.setdefault(story, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def same_files(a: Path, b: Path) -> tuple[int, list[str]]:
    """(files, those that differ) of two JSON reports, each dossier's own timing ("seconds") aside."""
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return len(names), ["the two reports hold different files"]
    differ = []
    for name in names:
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if x != y and name.endswith(".json"):
            x, y = (json.loads(v) for v in (x, y))
            for d in (x, y):
                d.pop("seconds", None) if isinstance(d, dict) else None
        if x != y:
            differ.append(name)
    return len(names), differ


WORKER = r"""
import json, sys, time
import newsprism
with newsprism.open(sys.argv[1]) as news:
    t = time.perf_counter()
    report = news.ingest(sys.argv[2])
    print(json.dumps({"new": report.new, "seconds": time.perf_counter() - t}))
"""


def ingest_workers(server: str, file: Path, workers: int, tmp: Path) -> dict:
    with gzip.open(file, "rt", encoding="utf-8") if file.suffix == ".gz" else open(file, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    copies = []
    for k in range(workers):  # each worker's own articles: fresh ids, no URL (a URL would name the same article)
        copy = tmp / f"worker{k}.jsonl"
        with open(copy, "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}-w{k}", "url": None}) + "\n")
        copies.append(copy)
    out = {}
    for label, files in (("one worker", copies[:1]), (f"{workers} workers", copies)):
        url = new_database(server)
        try:
            with newsprism.open(url):
                pass  # create the schema first, as `serve` does, not in a race between the workers
            started = time.perf_counter()
            procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(f)], stdout=subprocess.PIPE, text=True)
                     for f in files]
            results = [json.loads(p.communicate()[0]) for p in procs]
            wall = time.perf_counter() - started
            total = sum(r["new"] for r in results)
            out[label] = {"articles": total, "seconds": round(wall, 2), "articles_per_s": round(total / wall)}
            print(f"  {label:12s} {total:>7,} articles in {wall:6.2f}s = {total / wall:7,.0f}/s", flush=True)
        finally:
            drop_database(server, url)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True, help="a PostgreSQL server URL whose user may create databases")
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared/benchmarks/clustering/gva-dev.jsonl.gz")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    results: dict = {"commit": commit, "machine": platform.platform(), "file": args.file.name}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if not args.skip_end_to_end:
            gold = gold_of(args.file)
            runs = {}
            for backend in ("sqlite", "postgresql"):
                location = str(tmp / "e2e.db") if backend == "sqlite" else new_database(args.pg)
                try:
                    run = end_to_end(location, args.file, tmp / f"report-{backend}")
                finally:
                    if backend == "postgresql":
                        drop_database(args.pg, location)
                pred = [run["story_of"].get(i, f"missing:{i}") for i, _ in gold]
                run["scores"] = {k: round(v, 4) for k, v in scores(pred, [g for _, g in gold]).items() if isinstance(v, float)}
                runs[backend] = run
                s = run["seconds"]
                print(f"{backend:10s} ingest {s['ingest']:6.1f}s ({run['ingest_per_s']:,}/s) cluster {s['cluster']:6.1f}s "
                      f"extract {s['extract']:6.1f}s report {s['report']:6.1f}s total {s['total']:6.1f}s  "
                      f"BCubed F1 {run['scores'].get('bcubed_f1')} pairwise F1 {run['scores'].get('pairwise_f1')}", flush=True)
            files, differ = same_files(tmp / "report-sqlite", tmp / "report-postgresql")
            same_stories = partition(runs["sqlite"]["story_of"]) == partition(runs["postgresql"]["story_of"])
            ratio = runs["postgresql"]["seconds"]["total"] / runs["sqlite"]["seconds"]["total"]
            print(f"PostgreSQL / SQLite end to end: {ratio:.2f}x · same stories: {same_stories} · "
                  f"dossiers: {files} files, {len(differ)} differ {differ[:5]}", flush=True)
            for run in runs.values():
                del run["story_of"]
            results.update({"end_to_end": runs, "pg_over_sqlite": round(ratio, 3), "same_stories": same_stories,
                            "dossier_files": files, "dossiers_differing": differ})
        print(f"ingest workers on PostgreSQL ({args.file.name}):", flush=True)
        results["workers"] = ingest_workers(args.pg, args.file, args.workers, tmp)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
