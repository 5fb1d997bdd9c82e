"""Per-article cost of dedup + clustering from 1k to 100k articles (GVA dev replayed with shifted dates).

    python benchmarks/clustering_scale.py [--articles 100000]

Replica k of the dev file has its ids suffixed and its dates moved k*5 years earlier (GVA dev spans 4.3
years), so stories never mix across replicas and the number of stories active at once stays what it is in
the real data: a flat curve means the cost of an article does not grow with the size of the store. Earlier,
not later: ingest keeps a date past tomorrow as metadata only, and a replay whose replicas all lost their
dates would cluster as one endless day (it did, until 2026-12-03). Ingest is run first and not counted; the
clustering run records the time of every 1,000 articles (embeddings included).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    """Resident memory now, of this process and its children (the background encoder)."""
    import psutil

    me = psutil.Process()
    return sum(p.memory_info().rss for p in [me, *me.children(recursive=True)]) / 2**20


def shifted(d: str | None, years: int) -> str | None:
    if not d:
        return d
    y, m, day = map(int, d[:10].split("-"))
    if m == 2 and day == 29:
        day = 28
    return date(y + years, m, day).isoformat()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"))
    ap.add_argument("--articles", type=int, default=100_000)
    args = ap.parse_args()
    import newsprism
    from newsprism.ingest import IngestOptions
    from newsprism.eval.common import peak_rss_mb

    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "replay.jsonl"
        written = 0
        with open(src, "w", encoding="utf-8") as out:
            k = 0
            while written < args.articles:
                for row in rows:
                    if written >= args.articles:
                        break
                    out.write(json.dumps({**row, "id": f"{row['id']}-{k}", "url": None,
                                          "published": shifted(row["published"], -5 * k)}) + "\n")
                    written += 1
                k += 1
        news = newsprism.open(Path(tmp) / "scale.db")
        t = time.perf_counter()
        news.ingest(src, options=IngestOptions(earliest_date="0001-01-01"))
        print(f"ingest {written:,} articles: {time.perf_counter() - t:.1f}s", flush=True)
        with sqlite3.connect(Path(tmp) / "scale.db") as db:  # the file is SQLite: a check needs no store API
            moved = db.execute("SELECT count(*) FROM articles WHERE date_provenance != 'metadata'").fetchone()[0]
        if moved:
            raise SystemExit(f"{moved:,} replayed articles lost their dates: the replay would not be one")
        marks: list[tuple[int, float, float]] = [(0, time.perf_counter(), rss_mb())]

        def progress(done: int, total: int, _where: str) -> None:
            if done - marks[-1][0] >= 1000 or done == total:
                marks.append((done, time.perf_counter(), rss_mb()))
                if done % 50_000 < 1000:  # a long replay shows its curve while it runs
                    print(f"  {done:,} clustered, {time.perf_counter() - t:.0f}s, {marks[-1][2]:.0f} MB", flush=True)

        t = time.perf_counter()
        report = news.cluster(progress=progress)
        total = time.perf_counter() - t
        print(f"cluster {report.articles:,} articles: {total:.1f}s, {report.articles / total:.0f}/s, "
              f"peak RSS {peak_rss_mb():.0f} MB (this process + the encoder process)", flush=True)
        print("articles_done  ms_per_article_in_last_block  rss_mb_now (both processes)")
        step = max(1, len(marks) // 25)
        for (n0, t0, _), (n1, t1, mb) in list(zip(marks, marks[1:]))[::step]:
            print(f"{n1:>12,}  {1000 * (t1 - t0) / max(1, n1 - n0):8.2f}  {mb:8.0f}")
        news.close()


if __name__ == "__main__":
    main()
