"""Time to compare the sources of a 20-article story (alignment, verdicts, quotes, timeline, HTML).

    python benchmarks/dossier_speed.py [--runs 5]

The 20 articles: the largest gold incident of GVA dev, filled up to 20 with the next largest ones (a
story of 20 reports is rarer than its cost is important). Extraction is done first and timed apart,
as `newsprism extract` does it before anyone opens a dossier; the encoder and the gazetteer are loaded
first too.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import argparse
    import statistics

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from newsprism.compare import compare_articles
    from newsprism.compare.places import default_gazetteer
    from newsprism.compare.dossier import to_html
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    path = ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"
    by_story = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            if row["text"].strip():
                by_story[row["story"]].append(row)
    rows = [r for _, rs in sorted(by_story.items(), key=lambda kv: -len(kv[1])) for r in rs][:20]
    arts = [normalize(RawRecord(text=r["text"], title=r.get("title"), published=r.get("published"), lang="en",
                                origin=str(path), record=str(i), external_id=r["id"])) for i, r in enumerate(rows)]
    embedder = get_embedder()
    embedder.encode(["warm up"])
    default_gazetteer()  # loaded once per process, like the encoder
    t = time.perf_counter()
    extractions = list(Extractor().run(arts))
    extract_s = time.perf_counter() - t
    runs = []
    for _ in range(args.runs):
        t = time.perf_counter()
        c = compare_articles(1, arts, extractions, embedder.encode)
        to_html(c)
        runs.append(time.perf_counter() - t)
    print(json.dumps({"articles": len(arts), "sentences": sum(len(a.sentences) for a in arts),
                      "extract_seconds": round(extract_s, 2), "dossier_seconds": [round(x, 2) for x in runs],
                      "median": round(statistics.median(runs), 2),
                      "groups": len(c.groups), "contradictions": len(c.contradictions), "quote_matches": len(c.quotes)}))


if __name__ == "__main__":
    main()
