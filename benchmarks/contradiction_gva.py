"""GVA dev: do dossiers show the killed/injured contradictions that reports really contain, and only those?

    python benchmarks/contradiction_gva.py            # score against benchmarks/labels/gva_stated_counts.json
    python benchmarks/contradiction_gva.py --sample   # print the labelling sheet the labels were made from

GVA records one count per incident, not what each report stated, so what each report states was read by hand
for 40 incidents (the labels file says how). For every incident and slot (killed, injured) that at least two
reports state: the reports disagree or agree; the dossier of the incident's reports (the gold grouping) shows a
contradiction on that slot or not. Reported: the share of disagreeing slots shown (recall), the share of
agreeing slots wrongly shown (false alarms), and how often each report's own figure equals the label.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "benchmarks" / "labels" / "gva_stated_counts.json"
SLOTS = ("killed", "injured")


def incidents(path: Path) -> dict[str, list[dict]]:
    by: dict[str, list[dict]] = collections.defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            if row["text"].strip():
                by[row["story"]].append(row)
    return by


def sample_sheet(by: dict[str, list[dict]], records: Path) -> None:
    victims = {}
    with gzip.open(records, "rt", encoding="utf-8") as fh:
        for r in map(json.loads, fh):
            victims[str(r["incident_uri"])] = (r["num_killed"] or 0) + (r["num_injured"] or 0)
    pool = sorted(k for k, v in by.items() if 2 <= len(v) <= 4 and victims.get(k, 0) >= 2)
    mention = re.compile(r"\b(killed|kill|killing|dead|died|dies|death|deaths|fatal|fatally|slain|injur\w*|wound\w*|hurt|shot|victims?)\b", re.I)
    number = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|both|several)\b", re.I)
    for k in random.Random(5).sample(pool, 40):
        print(f"#### {k}")
        for r in by[k]:
            text = re.sub(r"\s+", " ", (r.get("title") or "") + " || " + r["text"])
            sents = re.split(r"(?<=[.!?])\s+", text)[:14]
            print(f"- {r['id'][:8]}: " + " ¦ ".join(s[:220] for s in sents if mention.search(s) and number.search(s))[:900])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"))
    ap.add_argument("--records", default=str(ROOT.parent / "shared" / "benchmarks" / "gva-violent-corpus" / "gva_incidents_structured.dev.jsonl.gz"))
    ap.add_argument("--sample", action="store_true")
    args = ap.parse_args()
    by = incidents(Path(args.file))
    if args.sample:
        sample_sheet(by, Path(args.records))
        return
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.extract.quantities import people_counts
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    labels = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    extractor, encode = Extractor(), get_embedder().encode
    outcome = collections.Counter()
    figures = collections.Counter()
    missed, false_alarms = [], []
    for incident, docs in sorted(labels.items()):
        rows = [r for r in by[incident] if r["id"][:8] in docs]
        arts = [normalize(RawRecord(text=r["text"], title=r.get("title"), published=r.get("published"), lang="en",
                                    origin=args.file, record=r["id"], external_id=r["id"])) for r in rows]
        exs = list(extractor.run(arts))
        shown = {k.slot for k in compare_articles(1, arts, exs, encode).contradictions}
        for r, ex in zip(rows, exs):  # each report's own figure against the label
            ours = people_counts(ex.quantities)
            for i, slot in enumerate(SLOTS):
                gold = docs[r["id"][:8]][i]
                if gold is not None:
                    figures["labelled"] += 1
                    figures["equal"] += ours.get(slot) == gold
        for i, slot in enumerate(SLOTS):
            stated = [v[i] for v in docs.values() if v[i] is not None]
            if len(stated) < 2:
                continue
            kind = "disagree" if len(set(stated)) > 1 else "agree"
            outcome[kind] += 1
            if slot in shown:
                outcome[kind + "_shown"] += 1
                if kind == "agree":
                    false_alarms.append(f"{incident} {slot}")
            elif kind == "disagree":
                missed.append(f"{incident} {slot} {stated}")
    print(json.dumps({
        "incidents": len(labels), "disagreeing_slots": outcome["disagree"], "agreeing_slots": outcome["agree"],
        "recall": round(outcome["disagree_shown"] / outcome["disagree"], 3) if outcome["disagree"] else None,
        "false_alarm_rate": round(outcome["agree_shown"] / outcome["agree"], 3) if outcome["agree"] else None,
        "report_figure_equals_label": round(figures["equal"] / figures["labelled"], 3) if figures["labelled"] else None,
        "missed": missed, "false_alarms": false_alarms}))


if __name__ == "__main__":
    main()
