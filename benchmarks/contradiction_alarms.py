"""How often dossiers raise contradictions on real stories: gold GVA dev incidents (2 to 4 reports each).

    python benchmarks/contradiction_alarms.py [--incidents 150] [--seed 11] [--show date]

Each sampled incident's reports (the gold grouping, not our clustering) are extracted and compared; the
script counts contradictions by slot and prints those of the slot given with --show, to be read by hand.
This is an alarm rate, not precision: GVA says how many people an incident killed, not what each report
stated, so whether two reports really disagree needs a reader.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"))
    ap.add_argument("--incidents", type=int, default=150)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show", default="date", help="print the contradictions of this slot")
    args = ap.parse_args()
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    by_incident: dict[str, list[dict]] = collections.defaultdict(list)
    with gzip.open(args.file, "rt", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            if row["text"].strip():
                by_incident[row["story"]].append(row)
    pool = sorted(k for k, v in by_incident.items() if 2 <= len(v) <= 4)
    sample = random.Random(args.seed).sample(pool, min(args.incidents, len(pool)))
    extractor, encode = Extractor(), get_embedder().encode
    slots: collections.Counter = collections.Counter()
    flagged = set()
    started = time.perf_counter()
    for incident in sample:
        arts = [normalize(RawRecord(text=r["text"], title=r.get("title"), published=r.get("published"), lang="en",
                                    origin=args.file, record=r["id"], external_id=r["id"])) for r in by_incident[incident]]
        c = compare_articles(1, arts, list(extractor.run(arts)), encode)
        for k in c.contradictions:
            slots[k.slot] += 1
            flagged.add(incident)
            if k.slot == args.show:
                print(incident, k.reason, [(v["value"], v["text"]) for v in k.values])
    print(json.dumps({"incidents": len(sample), "articles": sum(len(by_incident[k]) for k in sample),
                      "incidents_with_a_contradiction": len(flagged), "by_slot": dict(slots.most_common()),
                      "seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
