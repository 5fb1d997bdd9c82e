"""Spellings learned across scripts on real reports: SemEval-2022 Task 8 dev's English-Chinese pairs that tell
one story (Overall <= 2.5), each pair compared as a story of two, and the spellings it teaches (a person
quoted in both, the Chinese name joined to the Latin one by sound or by the words given to both).

    python benchmarks/aliases_semeval.py [--overall 2.5]

Prints each learned spelling with its evidence (the two quotes' first words), to be judged by reading, and
how many pairs had a quote in each language at all (no match can be learned from the rest).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "benchmarks" / "semeval2022-task8" / "pairs_dev.jsonl.gz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--overall", type=float, default=2.5, help="pairs at most this far apart (1 = same story)")
    args = ap.parse_args()
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.cluster.similarity import pair_articles, read_pairs
    from newsprism.extract import Extractor

    rows = [r for r in read_pairs(PAIRS) if {r["lang1"], r["lang2"]} == {"en", "zh"} and float(r["scores"]["Overall"]) <= args.overall]
    arts = pair_articles(rows, PAIRS.name)
    extractor, encode = Extractor(), get_embedder().encode
    started = time.perf_counter()
    exs = {x.article_id: x for x in extractor.run(arts)}
    quoted = learned = 0
    out = []
    for i in range(len(rows)):
        pair = [arts[2 * i], arts[2 * i + 1]]
        if pair[0].id == pair[1].id:
            continue
        if all(any(q.speaker for q in exs[a.id].quotes) for a in pair):
            quoted += 1
        c = compare_articles(i, pair, [exs[a.id] for a in pair], encode)
        for a in c.spellings:
            learned += 1
            out.append({"alias": a.alias, "name": a.name, "pair": rows[i]["pair_id"],
                        "evidence": [x["text"][:60] for x in a.evidence]})
    print(json.dumps({"pairs": len(rows), "both_have_a_quote": quoted, "aliases": learned,
                      "seconds": round(time.perf_counter() - started, 1), "learned": out}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
