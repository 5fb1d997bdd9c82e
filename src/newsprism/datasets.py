"""Readers of the labelled benchmark formats, for evaluation (``eval/``) and training (the trainers in
``cluster/`` and ``extract/``) alike: the common clustering format (JSON Lines with gold stories) and
PolNeAR's brat standoff archive (Source / Cue / Content attributions)."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Iterator

from .ingest import read_inputs
from .ingest.normalize import NormalizeContext, normalize
from .model import Article, Rejection


def load_labelled(path: str | Path) -> tuple[list[Article], list[tuple[str, str]]]:
    """Articles in publication order (undated last, file order within a day), and the file's
    (id, gold story) lines in file order. Ids repeated in the file map to one article."""
    ctx = NormalizeContext()
    articles: dict[str, Article] = {}
    lines: list[tuple[str, str]] = []
    order: dict[str, int] = {}
    for item in read_inputs([str(path)]):
        if isinstance(item, Rejection):
            continue
        art = normalize(item, ctx)
        xid = item.external_id or art.id
        lines.append((xid, str(item.extra.get("story"))))
        if xid not in articles:
            art.id = xid  # keep the benchmark's ids, so assignments can be scored against its gold
            articles[xid] = art
            order[xid] = len(order)
    ranked = sorted(articles.values(), key=lambda a: (a.published is None, (a.published or "")[:10], order[a.id]))
    return ranked, lines


def parse_ann(ann: str) -> list[dict]:
    """Gold attributions: {"content": (s, e), "source": (s, e) | None, "cue": (s, e) | None}."""
    spans: dict[str, tuple[int, int]] = {}
    out = []
    for line in ann.splitlines():
        if line.startswith("T") and line.count("\t") >= 1:
            tid, info, *_ = line.split("\t")
            _label, *ranges = info.split(" ", 1)
            nums = [int(x) for x in re.findall(r"\d+", ranges[0])] if ranges else []
            if nums:
                spans[tid] = (min(nums), max(nums))  # discontinuous spans: their hull
        elif line.startswith("E") and "\t" in line:
            parts = dict(p.split(":") for p in line.split("\t")[1].split() if ":" in p)
            content = spans.get(parts.get("Content", ""))
            if content:
                out.append({"content": content, "source": spans.get(parts.get("Source", "")),
                            "cue": spans.get(parts.get("Cue", ""))})
    return out


def iter_part(path: Path, part: str = "dev") -> Iterator[tuple[str, str, str]]:
    """(name, text, annotation) for each text of a part; a text annotated twice is taken once."""
    texts: dict[str, str] = {}
    anns: dict[str, str] = {}
    with tarfile.open(path) as tar:
        for m in tar:
            if not m.isfile() or f"/{part}/" not in f"/{m.name}":
                continue
            data = tar.extractfile(m).read().decode("utf-8")
            stem = Path(m.name).stem
            if m.name.endswith(".txt"):
                texts[stem] = data
            elif m.name.endswith(".ann"):
                base = stem.rsplit("_", 1)[0]
                anns.setdefault(base, data) if base not in anns or stem < base else None
    for name in sorted(texts):
        if name in anns:
            yield name, texts[name], anns[name]
