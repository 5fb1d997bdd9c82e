"""Cross-lingual search quality (issue 18): does a story's other report come up when one report's
headline is the query, in its language or another?

    python benchmarks/search_crosslingual.py [--pairs ../shared/benchmarks/semeval2022-task8/pairs_dev.jsonl.gz]

Every article of the SemEval-2022 Task 8 dev pairs goes into one new store (ingested, clustered: the
clusterer stores each headline's multilingual embedding, which search reads). For each pair its gold calls
the same story (Overall <= 1.5), each side's headline (the text before the first blank run, as the
dataset joins title and body) is the query, and we count how often the other side is among the first 10
articles of the fused ranking (words + meaning), and how often its story is among the first 10 stories
the search page lists. Same-language and cross-language pairs apart, and per language pair; words alone
and meaning alone beside the fusion, so the gain of each is seen.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "benchmarks" / "semeval2022-task8" / "pairs_dev.jsonl.gz"


def title_of(text: str) -> str:
    head = text.strip().split("  ", 1)[0].strip()
    return head[:200]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", default=str(PAIRS))
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args()

    import newsprism
    from newsprism import pipeline, search
    from newsprism.cluster.similarity import pair_articles, read_pairs

    rows = read_pairs(args.pairs)
    arts = pair_articles(rows, "semeval-dev")
    with tempfile.TemporaryDirectory() as tmp, newsprism.open(Path(tmp) / "search.db") as news:
        news.store.upsert_articles(arts)
        news.cluster()
        model = pipeline._default_embedder()
        found = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # group -> measure -> [hits, queries]
        took = []
        for i, row in enumerate(rows):
            if float(row["scores"]["Overall"]) > 1.5:
                continue
            a, b = arts[2 * i], arts[2 * i + 1]
            if a.id == b.id:
                continue  # the same text twice: nothing to find
            cross = row["lang1"] != row["lang2"]
            pair = row["lang1"] if not cross else "-".join(sorted((row["lang1"], row["lang2"])))
            for query_art, text, other in ((a, row["text1"], b), (b, row["text2"], a)):
                q = title_of(text)
                started = time.perf_counter()
                fused = search.ranked(news.store, q, model)
                stories = search.find(news.store, q, model, limit=args.k)
                took.append(time.perf_counter() - started)
                words = [art.id for art, _ in search.by_words(news.store, q)]
                meaning = [aid for aid, _ in search.by_meaning(news.store, q, model)]
                # the query's own article would take a place: the partner must be in the top k besides it
                top = {"fused": [h.article.id for h in fused], "words": words, "meaning": meaning}
                other_story = news.story_of(other.id)
                for group in ("cross" if cross else "same", pair):
                    for name, ids in top.items():
                        ids = [x for x in ids if x != query_art.id][: args.k]
                        found[group][name][0] += other.id in ids
                        found[group][name][1] += 1
                    in_stories = other_story is not None and other_story in [g.story_id for g in stories]
                    found[group]["story"][0] += in_stories
                    found[group]["story"][1] += 1
        report = {"pairs_file": Path(args.pairs).name, "articles": news.stats()["articles"], "k": args.k,
                  "query_ms_median": round(1000 * sorted(took)[len(took) // 2], 1),
                  "groups": {g: {m: {"found": h, "queries": n, "rate": round(h / n, 3)} for m, (h, n) in ms.items()}
                             for g, ms in sorted(found.items(), key=lambda kv: (kv[0] not in ("same", "cross"), -kv[1]["fused"][1]))}}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    sys.exit(0)


if __name__ == "__main__":
    main()
