"""``newsprism eval figures``: killed, injured and arrested counts against hand labels.

A labels file (``benchmarks/labels/figures_*.json``; its ``about`` says how the labels were read) gives, for
each article, how many people the article itself says were killed, injured and arrested in the incident it
reports, or null where it states no such count. newsprism's figure for a role is the one a story's
comparison uses: the first count of that role the article states (``quantities.people_counts``), read from
the same excerpt the labeller read (the title and the text's first ``excerpt_chars`` characters).

Precision: of the figures newsprism gives, the share equal to the label; recall: of the labelled figures,
the share given and equal. A roundup (an article about several incidents, flagged in the labels) has no
single toll, so it is scored apart.
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Iterator

ROLES = ("killed", "injured", "arrested")


def read_corpus(path: Path) -> Iterator[tuple[str, str, str]]:
    """(id, title, text) of every article of a JSON-lines file (gzipped or not) or of BASIL's archive."""
    if path.name.endswith((".tar.xz", ".tar.gz", ".tar")):
        from .basil import read_triplets, to_article

        for docs in read_triplets(path).values():
            for doc, _ann in docs:
                art = to_article(doc)
                yield art.id, art.title or "", art.text
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield str(row["id"]), row.get("title") or "", row.get("text") or ""


def load_labels(path: Path) -> tuple[dict[str, dict], int]:
    """Labels by article id prefix, and the excerpt length they were read from."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["labels"], int(data.get("excerpt_chars", 3000))


def predict(title: str, text: str, article_id: str, excerpt_chars: int) -> dict[str, float]:
    from ..extract.quantities import find_quantities, people_counts

    return people_counts(find_quantities(f"{title}\n{text[:excerpt_chars]}", article_id))


def evaluate(corpus: Path, labels_path: Path, errors: Path | None = None, split: str | None = None) -> dict:
    """Scores over the labelled articles (only those of ``split`` when given: "dev", "test", "test2", "test3")."""
    labels, excerpt = load_labels(labels_path)
    if split:
        labels = {k: v for k, v in labels.items() if v.get("split", "dev") == split}
    counts = {part: {role: {"tp": 0, "fp": 0, "fn": 0} for role in ROLES} for part in ("single", "roundup")}
    log, seen = [], set()
    started = time.perf_counter()
    for article_id, title, text in read_corpus(Path(corpus)):
        key = next((k for k in (article_id, article_id[:8]) if k in labels), None)
        if key is None or key in seen:
            continue
        seen.add(key)
        gold = labels[key]
        ours = predict(title, text, article_id, excerpt)
        part = "roundup" if gold.get("roundup") else "single"
        for role in ROLES:
            want, got = gold.get(role), ours.get(role)
            c = counts[part][role]
            if got is not None and want is not None and int(got) == int(want):
                c["tp"] += 1
                continue
            c["fp"] += got is not None
            c["fn"] += want is not None
            if got is not None or want is not None:
                log.append(f"{key}\t{part}\t{role}\tours {'-' if got is None else f'{got:g}'}\t"
                           f"label {'-' if want is None else want}\t{gold.get('note', '')}")
    seconds = time.perf_counter() - started
    missing = sorted(set(labels) - seen)
    if errors:
        Path(errors).write_text("\n".join(log) + "\n", encoding="utf-8")
    out: dict = {"articles": len(seen), "roundups": sum(1 for k in seen if labels[k].get("roundup")),
                 "labels_not_found": missing, "articles_per_s": round(len(seen) / seconds, 1) if seconds else None}
    for part, by_role in counts.items():
        out[part] = {role: _scores(c) for role, c in by_role.items()}
        out[part]["all"] = _scores({k: sum(c[k] for c in by_role.values()) for k in ("tp", "fp", "fn")})
    return out


def _scores(c: dict[str, int]) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    return {"precision": None if p is None else round(p, 3), "recall": None if r is None else round(r, 3),
            "given": c["tp"] + c["fp"], "labelled": c["tp"] + c["fn"]}
