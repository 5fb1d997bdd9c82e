"""What the demo corpus's authors planted (src/newsprism/demo/expected.json), found in the dossiers or not.

    python benchmarks/demo_dossiers.py [--verbose]

The planted facts are short descriptions ("87 people were rescued"), not spans, so each is located as the
sentence of each article most similar to it, or holding the clause most similar to it (multilingual
embeddings), and then:
- consensus: those sentences, one per article of the story, sit in one group labelled consensus (a
  sentence that reports several facts may sit in several groups), or the fact is a figure every report
  states alike (the dossier's agreed figures: "two killed");
- unique: the article's sentence sits in a group labelled unique;
- quotes: one quote match of the speaker (surname) spans at least two of the listed articles; and,
  stricter, all of them (a Chinese rendering included);
- omissions: the fact's group (located in another article) is among those the article is said to omit,
  or to carry without the figure the others give;
- contradictions: a contradiction on the slot with the planted values (as tests/compare asserts).
The locating step can itself miss (a Chinese lead that packs three facts into one sentence), so a miss is
something to read, not proof of a wrong dossier.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    import numpy as np

    from newsprism import demo
    from newsprism.compare.align import clause_spans
    from newsprism.embed import get_embedder
    import newsprism
    from newsprism.pipeline import _default_embedder

    with tempfile.TemporaryDirectory() as tmp:
        news = newsprism.open(Path(tmp) / "demo.db")
        news.ingest(demo.corpus_path())
        news.cluster()
        encode = get_embedder(_default_embedder()).encode
        external = news.store.external_ids()
        internal = {v: k for k, v in external.items()}
        found = {k: [0, 0] for k in ("consensus", "unique", "quotes", "quotes in every listed report", "omissions",
                                     "contradictions")}
        misses = []
        for name, planted in demo.expected()["stories"].items():
            c = news.compare(news.story_of(internal[planted["articles"][0]]))
            # a sentence may report several claims, so it may sit in several groups
            spans = {}
            for g in c.groups:
                for u in g.units:
                    spans.setdefault((u.span.article_id, u.span.start), (u, []))[1].append(g)

            def locate(fact: str, article: str):
                """The sentence of ``article`` most similar to ``fact`` (or one of whose clauses is), with the
                groups it sits in. A planted fact is often one clause of a long lead."""
                cand = [(text, v) for (a, _), v in spans.items() if external[a] == article
                        for text in [v[0].text] + [v[0].text[s - v[0].span.start:e - v[0].span.start]
                                                   for s, e in clause_spans(v[0].text, v[0].span.start)]]
                vecs = encode([fact] + [text for text, _ in cand])
                return cand[int(np.argmax(vecs[1:] @ vecs[0]))][1]

            def score(kind: str, ok: bool, what) -> None:
                found[kind][0] += ok
                found[kind][1] += 1
                if not ok:
                    misses.append(f"{kind}: {name}: {what}")

            for fact in planted.get("consensus", []):
                located = [locate(fact, a) for a in planted["articles"]]
                shared = set.intersection(*({g.id for g in groups if g.label == "consensus"} for _, groups in located))
                # or a figure of the fact that every report states alike ("two killed": killed 2)
                shared = shared or {a["slot"] for a in c.agreed if a["everyone"] and a["value"] in figures_in(fact)}
                score("consensus", bool(shared), f"{fact} (located: " + " | ".join(
                    f"{u.text.strip()[:60]} [{','.join(f'{g.id}:{g.label[0]}' for g in groups)}]" for u, groups in located) + ")")
            for item in planted.get("unique", []):
                score("unique", any(g.label == "unique" for g in locate(item["fact"], item["article"])[1]), item)
            for item in planted.get("quotes", []):
                surname = item["speaker"].split()[-1].lower()
                got = {external[q["article_id"]] for m in c.quotes if surname in m.speaker.lower() for q in m.quotes}
                score("quotes", len(got & set(item["articles"])) >= 2, item["speaker"])
                score("quotes in every listed report", got >= set(item["articles"]), f"{item['speaker']}: {sorted(got)}")
            for item in planted.get("omissions", []):
                other = next(a for a in planted["articles"] if a != item["article"])
                groups = locate(item["fact"], other)[1]
                left_out = set(c.omissions.get(internal[item["article"]], []))
                left_out |= {o["group"] for o in c.omitted_figures if o["article_id"] == internal[item["article"]]}
                score("omissions", any(g.id in left_out for g in groups), item)
            for item in planted.get("contradictions", []):
                ok = any(sum(1 for v in k.values if planted_value_matches(v["value"], item["values"].get(external[v["article_id"]])))
                         >= 2 and len({v["value"] for v in k.values}) > 1 for k in c.contradictions)
                score("contradictions", ok, item["slot"])
        news.close()
    print(json.dumps({k: f"{a} of {n}" for k, (a, n) in found.items()}))
    if args.verbose:
        print("\n".join(misses))


def figures_in(fact: str) -> set[float]:
    """The numbers a planted description states, in digits or words ("two killed", "about 30,000")."""
    from newsprism.extract.quantities import number_value

    return {v for w in re.findall(r"\d[\d,.]*\d|\d|[a-z]+", fact.lower()) for v in [number_value(w.replace(",", ""))]
            if v is not None and w not in ("a", "an", "no")}


def planted_value_matches(ours, planted) -> bool:
    """A planted value is a number or a phrase ("2 million euros", "2026-03-14 (Saturday)", "unanimous")."""
    if planted is None:
        return False
    if isinstance(planted, (int, float)):
        return isinstance(ours, (int, float)) and abs(ours - planted) < 1e-9
    text = str(planted).lower()
    if isinstance(ours, (int, float)):
        digits = "".join(ch for ch in text.split("(")[0] if ch.isdigit() or ch == ".")
        scale = 1e6 if "million" in text else 1.0
        try:
            return abs(float(digits) * scale - ours) < 1e-6 * max(1.0, ours) if digits else False
        except ValueError:
            return False
    months = "january february march april may june july august september october november december".split()
    for k, month in enumerate(months, 1):  # "January 2027" for our "2027-01"
        if month in text:
            year = "".join(ch for ch in text if ch.isdigit())[:4]
            text = f"{year}-{k:02d} {text}"
    return str(ours).lower() in text or text.startswith(str(ours).lower())


if __name__ == "__main__":
    main()
