"""``newsprism eval figures``: killed and injured counts against the Gun Violence Archive's records.

For each GVA dev article with an incident record, the first killed and the first injured figure the
article states (``quantities.people_counts``) are compared with the incident's ``num_killed`` and
``num_injured``. Scored only where the article states the figure: the share that equals the record
(accuracy among stated), and how often an article states it at all (coverage).
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path


def evaluate(articles_file: Path, incidents_file: Path, errors: Path | None = None) -> dict:
    from ..extract.quantities import find_quantities, people_counts

    with gzip.open(incidents_file, "rt", encoding="utf-8") as fh:
        incidents = {str(r["incident_uri"]): r for r in map(json.loads, fh)}
    stats = {role: {"stated": 0, "equal": 0, "articles": 0} for role in ("killed", "injured")}
    log = []
    started = time.perf_counter()
    n = 0
    with gzip.open(articles_file, "rt", encoding="utf-8") as fh:
        for row in map(json.loads, fh):
            inc = incidents.get(str(row["story"]))
            if inc is None:
                continue
            n += 1
            text = f"{row.get('title') or ''}\n{row.get('text') or ''}"
            counts = people_counts(find_quantities(text, row["id"]))
            for role, key in (("killed", "num_killed"), ("injured", "num_injured")):
                s = stats[role]
                s["articles"] += 1
                if role in counts:
                    s["stated"] += 1
                    ok = int(counts[role]) == int(inc[key])
                    s["equal"] += ok
                    if not ok:
                        log.append(f"{row['id']}\t{role}\tours {counts[role]:g}\trecord {inc[key]}")
    if errors:
        Path(errors).write_text("\n".join(log) + "\n", encoding="utf-8")
    out = {"articles": n, "articles_per_s": round(n / (time.perf_counter() - started), 1)}
    for role, s in stats.items():
        out[role] = {"accuracy_where_stated": round(s["equal"] / s["stated"], 4) if s["stated"] else None,
                     "stated": s["stated"], "coverage": round(s["stated"] / s["articles"], 4)}
    both = stats["killed"]["equal"] + stats["injured"]["equal"]
    stated = stats["killed"]["stated"] + stats["injured"]["stated"]
    out["accuracy_where_stated"] = round(both / stated, 4) if stated else None
    return out
