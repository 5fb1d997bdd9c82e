"""What the verdicts share: the story they judge (``Story``), a value with its provenance, each
article's leading figure of a slot, and folded texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ...extract.quantities import LOWER_BOUNDS
from ...model import Article, ClaimGroup, Extraction, Span
from ..config import CompareConfig
from ..places import fold_accents


@dataclass
class Story:
    """One story as every verdict reads it: its articles (oldest first), their extractions (None: none),
    the aligned claim groups, the sentence encoder, each member's original report (copies followed) and
    the comparison's configuration."""

    articles: list[Article]
    extractions: list[Extraction | None]
    groups: list[ClaimGroup]
    encode: Callable[[list[str]], Any] | None
    report_of: dict[str, str]
    config: CompareConfig
    texts: "FoldedTexts" = field(default_factory=lambda: FoldedTexts())
    memo: dict[str, Any] = field(default_factory=dict)  # what two verdicts both need, computed once (speakers.py)

    @property
    def by_id(self) -> dict[str, tuple[Article, Extraction | None]]:
        return {a.id: (a, x) for a, x in zip(self.articles, self.extractions)}


_DATE_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
STORY_UNITS = ("magnitude", "worker", "job", "passenger", "rider", "affected", "hour")


def _value(art: Article, span: Span, value, text: str) -> dict:
    return {"value": value, "text": text, "span": span, "article_id": art.id, "source": art.source or art.id,
            "published": art.published}


LATER_NOTE = "; the latest report"  # how _later_note's note begins: the reader's view (compare/view.py) takes it off


def _later_note(values: list[dict]) -> str:
    dated = sorted((v for v in values if v["published"]), key=lambda v: v["published"])
    if len(dated) >= 2 and dated[0]["published"] != dated[-1]["published"]:
        return f"{LATER_NOTE} ({dated[-1]['source']}, {dated[-1]['published'][:10]}) may be an update"
    return ""


# The figures compared across a story: (slot, which quantities fill it)
FIGURE_SLOTS: list[tuple[str, object]] = (
    [(r, lambda q, r=r: q.kind == "people" and q.role == r) for r in ("killed", "injured", "arrested", "missing")]
    + [(u, lambda q, u=u: q.kind == "number" and q.unit == u) for u in STORY_UNITS]
    + [(f"money ({c})", lambda q, c=c: q.kind == "money" and q.unit == c) for c in ("USD", "EUR", "GBP", "CNY", "JPY")])

def _leading(articles: list[Article], extractions: list[Extraction | None], items, wanted) -> list[dict]:
    """Each article's first item (of ``items(extraction)``) that ``wanted`` accepts: the value it leads with."""
    values = []
    for art, ex in zip(articles, extractions):
        first = next((x for x in items(ex) if wanted(x)), None) if ex is not None else None
        if first is not None:
            values.append(_value(art, first.span, first.value, first.text))
            if getattr(first, "unit", None) in LOWER_BOUNDS:
                values[-1]["weak"] = True  # one person told of, "a murder-suicide": a lower bound, not the toll
    return values

class FoldedTexts(dict):
    """An article's title and text folded (case, accents), once per comparison: several verdicts ask
    whether a report names someone or somewhere anywhere."""

    def of(self, art: Article) -> str:
        if art.id not in self:
            self[art.id] = fold_accents(f"{art.title or ''} {art.text}")
        return self[art.id]

def _one_claim(values: list[dict], groups: list[ClaimGroup]) -> bool:
    """Whether two different amounts sit in one aligned claim (or both in headlines). A story's first amounts
    are its toll when it is an incident, but in politics or business each report may lead with a different
    sum (a budget, a fine, a salary), so amounts are compared only as the same claim."""
    def claims(v: dict) -> set:
        if v["span"].field == "title":
            return {"title"}
        return {g.id for g in groups for u in g.units if u.span.article_id == v["article_id"]
                and u.span.start <= v["span"].start < u.span.end}
    return any(a["value"] != b["value"] and claims(a) & claims(b) for i, a in enumerate(values) for b in values[i + 1:])

def _values_clash(values: list[dict]) -> bool:
    per_article: dict[str, set] = {}
    for v in values:
        per_article.setdefault(v["article_id"], set()).add(v["value"])
    sets = list(per_article.values())
    return all(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :])
