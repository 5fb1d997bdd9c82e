"""Articles/s of the whole extraction stage (entities, quotes, times, figures) on 2 cores.

    python benchmarks/extraction_speed.py [--articles 1000]

Reads GVA dev articles (English news, ~2,000 characters each), normalizes them (not timed), and times
``Extractor.run`` over them in this process, models loaded first (load time reported apart); then the
whole stage as ``newsprism extract`` runs it (from a store, with a second process taking 16-article
pieces as they finish; its model loading is inside the time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"))
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args()
    from newsprism.eval.common import peak_rss_mb
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for _, line in zip(range(args.articles), fh)]
    arts = [normalize(RawRecord(text=r["text"], title=r.get("title"), published=r.get("published"), lang="en",
                                origin=args.file, record=str(i))) for i, r in enumerate(rows) if r["text"].strip()]
    ex = Extractor()
    t = time.perf_counter()
    ex.nlp  # load the model outside the timed part
    load = time.perf_counter() - t
    t = time.perf_counter()
    out = list(ex.run(arts))
    secs = time.perf_counter() - t
    chars = sum(len(a.text) for a in arts)
    # The stage as `newsprism extract` runs it: from a store, with a second process on a second core.
    import tempfile

    from newsprism.pipeline import extract
    from newsprism.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "x.db")
        store.upsert_articles(arts)
        report = extract(store, extractor=ex)
        store.close()
    print(json.dumps({"articles": len(out), "mean_chars": round(chars / len(arts)), "seconds": round(secs, 2),
                      "articles_per_s_one_process": round(len(out) / secs, 1),
                      "articles_per_s_stage_two_processes": round(report.articles / report.seconds, 1),
                      "model_load_s": round(load, 2),
                      "quotes": sum(len(x.quotes) for x in out), "entities": sum(len(x.entities) for x in out),
                      "times": sum(len(x.times) for x in out), "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
