"""Persons and attributed statements in French, Spanish and German news, against hand labels.

    python benchmarks/european_extraction.py [--rules-only]

The labels (benchmarks/labels/european_speech.json) cover 33 French, 31 Spanish and 33 German articles of
SemEval-2022 Task 8 dev (German: their first 1,200 characters); the texts are read from ../shared. Persons: the set of people an article names, matched by last
name (accents and case aside). Speech: a labelled statement is found when a quote's content covers half of
its labelled stretch; its speaker is right when the labelled speaker's last word is among the found
speaker's words. A quote that covers no labelled statement counts against precision. ``--rules-only``
measures what the European languages got before (dates, figures, direct quotes by pattern): no spaCy
pipeline, and German not tagged. Speed: articles per second of the whole extraction stage, pipelines loaded first.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT.parent / "shared" / "benchmarks" / "semeval2022-task8" / "pairs_dev.jsonl.gz"
LABELS = ROOT / "benchmarks" / "labels" / "european_speech.json"


def texts(refs: set[str]) -> dict[str, tuple[str, str]]:
    """ref -> (language, text) for the labelled articles."""
    out = {}
    with gzip.open(PAIRS, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for k in ("1", "2"):
                ref = f"{row['pair_id']}:{k}"
                if ref in refs and ref not in out:  # (a pair can come twice, its texts translated anew: the first)
                    out[ref] = (row["lang" + k], row["text" + k])
    return out


def last(name: str) -> str:
    from newsprism.compare.places import fold_accents

    words = fold_accents(name).replace(".", " ").split()
    return words[-1] if words else ""


def score(labels: dict, found: dict) -> dict:
    """Persons and speech P/R for one language: ``found`` maps ref -> (person names, quotes)."""
    from newsprism.compare.places import fold_accents

    tp = fp = fn = 0
    s_found = s_total = s_pred = s_pred_ok = s_speaker = 0
    for ref, gold in labels.items():
        people, quotes = found[ref]
        if "window" in gold:  # (labelled as far as this character only)
            people = [name for name, at in people if at < gold["window"]]
            quotes = [q for q in quotes if q.content.start < gold["window"]]
        else:
            people = [name for name, _ in people]
        gold_last = {last(p) for p in gold["persons"]}
        pred_last = {last(p) for p in people}
        tp += len(gold_last & pred_last)
        fp += len(pred_last - gold_last)
        fn += len(gold_last - pred_last)
        for g in gold["speech"]:
            s_total += 1
            need = 0.5 * (g["end"] - g["start"])
            hit = [q for q in quotes if min(q.content.end, g["end"]) - max(q.content.start, g["start"]) >= need]
            if hit:
                s_found += 1
                s_speaker += any(last(g["speaker"]) in fold_accents(q.speaker or "").replace(".", " ").split() for q in hit)
        for q in quotes:
            s_pred += 1
            s_pred_ok += any(min(q.content.end, g["end"]) - max(q.content.start, g["start"]) >= 0.5 * (g["end"] - g["start"])
                             for g in gold["speech"])
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    return {"articles": len(labels),
            "persons": {"P": round(p, 3), "R": round(r, 3), "F1": round(2 * p * r / max(1e-9, p + r), 3), "gold": tp + fn},
            "speech": {"gold": s_total, "found": s_found, "recall": round(s_found / max(1, s_total), 3),
                       "precision": round(s_pred_ok / max(1, s_pred), 3), "quotes": s_pred,
                       "speaker_right_of_found": round(s_speaker / max(1, s_found), 3)}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules-only", action="store_true", help="no spaCy pipeline for the European languages")
    ap.add_argument("--show", action="store_true", help="print what was found, article by article")
    args = ap.parse_args()
    from newsprism.extract import ExtractConfig, Extractor
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    labels = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    raw = texts(set(labels))
    config = ExtractConfig(spacy_models={}) if args.rules_only else ExtractConfig()
    if args.rules_only:  # German was not tagged either
        from newsprism.extract import components

        components.tag_german = lambda text, sentences: []
    extractor = Extractor(config)
    report = {"config": "rules only" if args.rules_only else {**{k: v for k, v in config.spacy_models.items() if k in ("fr", "es")},
                                                                "de": "Hanover tagger (HanTa)"}}
    for lang in ("fr", "es", "de"):
        refs = [r for r in labels if raw[r][0] == lang]
        arts = [normalize(RawRecord(text=raw[r][1], title=None, published="2020-06-01", lang=lang, origin="semeval",
                                    record=r, external_id=r)) for r in refs]
        list(extractor.run(arts[:1]))  # (pipelines loaded before the clock starts)
        started = time.perf_counter()
        exs = list(extractor.run(arts))
        seconds = time.perf_counter() - started
        found = {r: ([(e.canonical, e.span.start) for e in x.entities if e.kind == "person"], x.quotes) for r, x in zip(refs, exs)}
        if args.show:
            for r, a in zip(refs, arts):
                people, quotes = found[r]
                print(f"== {labels[r]['key']} persons {sorted({name for name, _ in people})}")
                for q in quotes:
                    print(f"   [{'D' if q.direct else 'I'}] {q.speaker!r} <{q.cue}> {a.text[q.content.start:q.content.end][:90]!r}")
                for g in labels[r]["speech"]:
                    if not any(min(q.content.end, g["end"]) - max(q.content.start, g["start"]) >= 0.5 * (g["end"] - g["start"]) for q in quotes):
                        print(f"   MISSED {g['speaker']!r}: {a.text[max(0, g['start'] - 60):g['end'] + 40]!r}")
        report[lang] = {**score({r: labels[r] for r in refs}, found),
                        "articles_per_s": round(len(arts) / seconds, 1), "chars_per_article": sum(len(a.text) for a in arts) // len(arts)}
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
