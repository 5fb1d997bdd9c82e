"""``newsprism eval quotes``: PolNeAR attributions (brat standoff: Source / Cue / Content spans).

An attribution found counts when its content span overlaps a gold content span by at least half of
the longer of the two (one-to-one, greedy by overlap); the lenient figure asks half of the gold span
only. For matched attributions, the speaker is right when our speaker span overlaps the gold Source.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..datasets import iter_part, parse_ann


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def evaluate(path: Path, part: str = "dev", errors: Path | None = None) -> dict:
    from ..extract import Extractor
    from ..model import Article

    docs = list(iter_part(Path(path), part))
    arts = [Article(id=name, text=text, title=None, source=None, source_provenance="none", url=None, lang="en",
                    published=None, date_provenance="none", date_precision="none", sentences=[], origin=str(path))
            for name, text, _ in docs]
    started = time.perf_counter()
    extractions = list(Extractor().run(arts))
    seconds = time.perf_counter() - started
    n_gold = n_sys = strict = lenient = speaker_ok = 0
    log = []
    for (name, text, ann), ex in zip(docs, extractions):
        gold = parse_ann(ann)
        n_gold += len(gold)
        n_sys += len(ex.quotes)
        free = list(range(len(gold)))
        pairs = sorted(((_overlap((q.content.start, q.content.end), g["content"]), qi, gi)
                        for qi, q in enumerate(ex.quotes) for gi, g in enumerate(gold)), reverse=True)
        used_q: set[int] = set()
        for ov, qi, gi in pairs:
            if ov == 0 or qi in used_q or gi not in free:
                continue
            q, g = ex.quotes[qi], gold[gi]
            qlen, glen = q.content.end - q.content.start, g["content"][1] - g["content"][0]
            if ov >= 0.5 * glen:
                lenient += 1
            if ov >= 0.5 * max(qlen, glen):
                strict += 1
                used_q.add(qi)
                free.remove(gi)
                sp = q.speaker_span
                ok = bool(sp and g["source"] and _overlap((sp.start, sp.end), g["source"]) > 0)
                speaker_ok += ok
                if not ok:
                    gs = text[g["source"][0]:g["source"][1]] if g["source"] else None
                    log.append(f"{name}\tspeaker\tgold {gs!r}\tours {q.speaker!r}")
        for gi in free:
            g = gold[gi]
            log.append(f"{name}\tmissed\t{text[g['content'][0]:g['content'][1]][:120]!r}")
        for qi, q in enumerate(ex.quotes):
            if qi not in used_q:
                log.append(f"{name}\tspurious\t{q.cue}\t{q.content_text[:120]!r}")
    if errors:
        Path(errors).write_text("\n".join(log) + "\n", encoding="utf-8")

    def prf(tp):
        p, r = tp / n_sys if n_sys else 0.0, tp / n_gold if n_gold else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}

    return {"part": part, "docs": len(docs), "gold": n_gold, "found": n_sys, "content": prf(strict),
            "content_lenient_half_of_gold": prf(lenient),
            "speaker_accuracy": round(speaker_ok / strict, 4) if strict else None,
            "articles_per_s": round(len(docs) / seconds, 1)}
