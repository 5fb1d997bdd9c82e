"""``newsprism eval timex``: TempEval-3 TimeML files (TBAQ gold), time expressions found and normalised
against each document's creation time, scored as in TempEval-3: detection P/R/F1 (strict and relaxed
= overlapping) and value F1 (a system expression counts when it overlaps a gold one and has its value)."""

from __future__ import annotations

import html
import re
import tarfile
import time
from datetime import date
from pathlib import Path
from typing import Iterator

_TAG = re.compile(r"<(/?)([A-Z0-9]+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_tml(xml: str) -> tuple[str, date | None, list[tuple[int, int, str, str]]]:
    """(plain text of <TEXT>, creation date, gold TIMEX3s as (start, end, type, value))."""
    dct = None
    m = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', xml)
    if m:
        value = dict(_ATTR.findall(m.group(0))).get("value", "")[:10]
        try:
            dct = date.fromisoformat(value)
        except ValueError:
            dct = None
    body = xml[xml.index("<TEXT>") + len("<TEXT>") : xml.index("</TEXT>")]
    out: list[str] = []
    pos, length = 0, 0
    gold, open_timex = [], None
    for tag in _TAG.finditer(body):
        chunk = html.unescape(body[pos : tag.start()])
        out.append(chunk)
        length += len(chunk)
        pos = tag.end()
        if tag.group(2) == "TIMEX3":
            if tag.group(1) == "":
                attrs = dict(_ATTR.findall(tag.group(3)))
                open_timex = (length, attrs.get("type", ""), attrs.get("value", ""))
            elif open_timex:
                gold.append((open_timex[0], length, open_timex[1], open_timex[2]))
                open_timex = None
    out.append(html.unescape(body[pos:]))
    return "".join(out), dct, gold


def iter_docs(path: Path) -> Iterator[tuple[str, str]]:
    if path.is_dir():
        for f in sorted(path.rglob("*.tml")):
            yield f.name, f.read_text(encoding="utf-8")
        return
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".tml"):
                yield Path(member.name).name, tar.extractfile(member).read().decode("utf-8")


def _prf(tp: float, n_sys: int, n_gold: int) -> dict:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def evaluate(path: Path, errors: Path | None = None) -> dict:
    from ..extract.timex import EnglishTimex

    finder = EnglishTimex()
    n_sys = n_gold = strict = relaxed = values = 0
    docs = 0
    started = time.perf_counter()
    misses = []
    for name, xml in iter_docs(Path(path)):
        text, dct, gold = read_tml(xml)
        found = finder.find(text, dct)
        docs += 1
        n_sys += len(found)
        n_gold += len(gold)
        for g0, g1, gtype, gvalue in gold:
            match = next((t for t in found if t.span.start < g1 and g0 < t.span.end), None)
            if match is None:
                misses.append(f"{name}\tmissed\t{text[g0:g1]!r}\t{gvalue}")
                continue
            relaxed += 1
            strict += (match.span.start, match.span.end) == (g0, g1)
            if match.value == gvalue:
                values += 1
            else:
                misses.append(f"{name}\tvalue\t{text[g0:g1]!r}\tgold {gvalue}\tours {match.value} ({match.text!r})")
        for t in found:
            if not any(t.span.start < g1 and g0 < t.span.end for g0, g1, _, _ in gold):
                misses.append(f"{name}\tspurious\t{t.text!r}\t{t.value}")
    if errors:
        Path(errors).write_text("\n".join(misses) + "\n", encoding="utf-8")
    return {"docs": docs, "gold": n_gold, "found": n_sys, "strict": _prf(strict, n_sys, n_gold),
            "relaxed": _prf(relaxed, n_sys, n_gold), "value": _prf(values, n_sys, n_gold),
            "docs_per_s": round(docs / (time.perf_counter() - started), 1)}
