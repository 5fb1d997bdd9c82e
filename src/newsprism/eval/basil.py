"""``newsprism eval basil``: BASIL triplets (one event, three outlets: Fox, NYT, HuffPost).

- Unique content: a sentence is gold "reported by this outlet only" when it holds an informational-bias
  span (BASIL's definition: content that only some outlets report); a sentence is ours when the dossier
  puts it in a ``unique`` group. Sentence-level precision / recall / F1, pooled, with the share of gold
  sentences as the baseline precision of marking everything.
- Quote speakers: for BASIL spans inside a quote with a named speaker (Donald_Trump, not other_anti), the
  share where our quote overlapping that span names the same person (surname match); over all named
  speakers, and over people only (BASIL also names groups: Republican_Lawmakers, Obama_campaign).
"""

from __future__ import annotations

import json
import tarfile
import time
from collections import defaultdict
from pathlib import Path


_GROUPS = {"lawmakers", "democrats", "republicans", "officials", "campaign", "department", "now", "companies",
           "protestors", "protesters", "administration", "house", "senate", "gop"}


def _is_person(label: str) -> bool:
    """BASIL names people (Donald_Trump) and groups (Republican_Lawmakers, Obama_campaign) alike; a group's
    words are quoted from one member, whom our extractor names, so only people are scored as people."""
    parts = label.split("_")
    return 2 <= len(parts) <= 3 and all(x[:1].isupper() for x in parts) and not any(x.lower() in _GROUPS for x in parts)


def _outcome(overlapping: list, surname: str, text: str) -> str:
    """What became of a person's quote BASIL marks: ``right`` (the first quote of ours over it names them);
    ``measure`` (another of ours over it does: the scoring takes the first); ``missed`` (no quote of ours
    over it); ``no speaker`` (ours has none); ``pronoun`` (ours names "he", "she" ...: unresolved);
    ``wrong speaker``; ``named elsewhere`` (ours names someone else but their surname is in our attribution
    span: a parse that took the wrong name of two)."""
    if not overlapping:
        return "missed"
    first = overlapping[0]
    if first.speaker and surname in first.speaker.lower():
        return "right"
    if any(q.speaker and surname in q.speaker.lower() for q in overlapping[1:]):
        return "measure"
    if not first.speaker:
        return "no speaker"
    if first.speaker.lower() in {"he", "she", "they", "i", "we", "it", "him", "her"}:
        return "pronoun"
    if surname in text[first.span.start:first.span.end].lower():
        return "named elsewhere"
    return "wrong speaker"


def read_triplets(path: Path) -> dict[str, list[tuple[dict, dict]]]:
    """triplet id -> [(article json, annotation json)], outlets in file order."""
    arts, anns = {}, {}
    with tarfile.open(path) as tar:
        for m in tar:
            if not m.isfile() or not m.name.endswith(".json"):
                continue
            data = json.loads(tar.extractfile(m).read())
            stem = Path(m.name).stem
            if stem.endswith("_ann"):
                anns[stem[: -len("_ann")]] = data
            elif "/articles/" in f"/{m.name}":
                arts[stem] = data
    out: dict[str, list] = defaultdict(list)
    for stem in sorted(arts):
        out[arts[stem]["triplet-uuid"]].append((arts[stem], anns.get(stem, {"phrase-level-annotations": []})))
    return out


def to_article(doc: dict):
    from ..model import Article

    text, sents = "", []
    for para in doc["body-paragraphs"]:
        for sentence in para:
            if text:
                text += " " if sents and not text.endswith("\n\n") else ""
            sents.append((len(text), len(text) + len(sentence)))
            text += sentence
        text += "\n\n"
    return Article(id=doc["uuid"], text=text, title=doc.get("title"), source=doc["source"], source_provenance="metadata",
                   url=doc.get("url"), lang="en", published=doc.get("date"), date_provenance="metadata",
                   date_precision="day", sentences=sents, origin="basil")


def evaluate(path: Path, limit: int | None = None) -> dict:
    from ..compare import compare_articles
    from ..embed import get_embedder
    from ..extract import Extractor

    triplets = read_triplets(Path(path))
    encode = get_embedder().encode
    extractor = Extractor()
    tp = n_pred = n_gold = n_sent = 0
    spk_total = spk_ok = person_total = person_ok = 0
    alarms: dict[str, int] = {}
    split: dict[str, int] = defaultdict(int)  # persons' quotes by what became of them (see _outcome)
    started = time.perf_counter()
    for k, (tid, members) in enumerate(sorted(triplets.items())):
        if limit and k >= limit:
            break
        arts = [to_article(doc) for doc, _ in members]
        exs = list(extractor.run(arts))
        c = compare_articles(0, arts, exs, encode)
        for k in c.contradictions:  # an alarm rate: BASIL does not label contradictions
            alarms[k.slot] = alarms.get(k.slot, 0) + 1
        unique = {(u.span.article_id, u.span.start) for g in c.groups if g.label == "unique" for u in g.units}
        for art, ex, (_doc, ann) in zip(arts, exs, members):
            gold = set()
            for p in ann["phrase-level-annotations"]:
                for s, e in art.sentences:
                    if p["txt"] and p["txt"] in art.text[s:e]:
                        if p["bias"] == "inf":
                            gold.add(s)
                        if p["quote"] == "yes" and p["speaker"] and not p["speaker"].startswith("other_"):
                            at = s + art.text[s:e].index(p["txt"])
                            # BASIL's span includes the quotation marks, ours is the words inside: overlap counts
                            end = at + len(p["txt"])
                            overlapping = [q for q in ex.quotes if q.content.start < end and at < q.content.end]
                            q = overlapping[0] if overlapping else None
                            surname = p["speaker"].replace("_", " ").split()[-1].lower()
                            right = bool(q and q.speaker and surname in q.speaker.lower())
                            spk_total += 1
                            spk_ok += right
                            if _is_person(p["speaker"]):
                                person_total += 1
                                person_ok += right
                                split[_outcome(overlapping, surname, art.text)] += 1
                        break
            pred = {s for aid, s in unique if aid == art.id}
            n_sent += len(art.sentences)
            n_gold += len(gold)
            n_pred += len(pred)
            tp += len(pred & gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"triplets": min(len(triplets), limit or len(triplets)), "sentences": n_sent, "gold_unique_sentences": n_gold,
            "marked_unique": n_pred, "unique_content": {"p": round(p, 4), "r": round(r, 4),
                                                         "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0},
            "baseline_p_marking_all": round(n_gold / n_sent, 4) if n_sent else None,
            "quote_speakers": {"named": spk_total, "accuracy": round(spk_ok / spk_total, 4) if spk_total else None,
                               "persons": person_total,
                               "person_accuracy": round(person_ok / person_total, 4) if person_total else None,
                               "persons_by_outcome": dict(sorted(split.items(), key=lambda kv: -kv[1]))},
            "contradictions_by_slot": dict(sorted(alarms.items())),
            "seconds": round(time.perf_counter() - started, 1)}
