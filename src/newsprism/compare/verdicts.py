"""Contradictions, matched quotes, the timeline and unreliable values of a story.

A contradiction is one slot with different values in different articles:
- people killed / injured / arrested: each article's first stated figure per role (its toll);
- outcomes in words (a vote unanimous or split, a verdict): each article's first statement of one;
- dates and percentages inside aligned sentence groups (the same claim), and dates whose surrounding
  words say the same thing in two articles (the same event, dated differently);
with both spans and a reason. Values extraction flagged as damaged (``garbled``) are never a side of a
contradiction: they are listed as unreliable.
"""

from __future__ import annotations

import re

from ..model import Article, ClaimGroup, Contradiction, Extraction, QuoteMatch, Span, TimelineEntry

_DATE_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
STORY_UNITS = ("magnitude", "worker", "job", "passenger", "rider", "affected", "hour")
QUOTE_MATCH = 0.5  # cosine of two renderings of the same words (translations score 0.6-0.9)


def _value(art: Article, span: Span, value, text: str) -> dict:
    return {"value": value, "text": text, "span": span, "article_id": art.id, "source": art.source or art.id,
            "published": art.published}


def _later_note(values: list[dict]) -> str:
    dated = sorted((v for v in values if v["published"]), key=lambda v: v["published"])
    if len(dated) >= 2 and dated[0]["published"] != dated[-1]["published"]:
        return f"; the latest report ({dated[-1]['source']}, {dated[-1]['published'][:10]}) may be an update"
    return ""


def contradictions(articles: list[Article], extractions: list[Extraction | None], groups: list[ClaimGroup],
                   encode=None) -> list[Contradiction]:
    out: list[Contradiction] = []
    by_id = {a.id: (a, x) for a, x in zip(articles, extractions)}
    # Story-level slots: each article's first figure for a toll, a counted thing or an amount (the
    # figure a report leads with); articles that differ contradict each other.
    slots: list[tuple[str, object]] = [(r, lambda q, r=r: q.kind == "people" and q.role == r)
                                       for r in ("killed", "injured", "arrested", "missing")]
    slots += [(u, lambda q, u=u: q.kind == "number" and q.unit == u) for u in STORY_UNITS]
    slots += [(f"money ({c})", lambda q, c=c: q.kind == "money" and q.unit == c) for c in ("USD", "EUR", "GBP", "CNY", "JPY")]
    for slot, wanted in slots:
        values = []
        for art, ex in zip(articles, extractions):
            first = next((q for q in ex.quantities if wanted(q)), None) if ex is not None else None
            if first is not None:
                values.append(_value(art, first.span, first.value, first.text))
        if len({v["value"] for v in values}) > 1:
            out.append(Contradiction(slot, values, f"the articles state different figures for {slot}" + _later_note(values)))
    # Outcomes in words (a vote, a verdict): each article's first statement of the slot.
    for slot in sorted({x.slot for ex in extractions if ex is not None for x in ex.labels}):
        values = []
        for art, ex in zip(articles, extractions):
            first = next((x for x in ex.labels if x.slot == slot), None) if ex is not None else None
            if first is not None:
                values.append(_value(art, first.span, first.value, first.text))
        if len({v["value"] for v in values}) > 1:
            out.append(Contradiction(slot, values, f"the articles report the {slot} differently" + _later_note(values)))
    # dates and amounts inside one aligned claim
    for g in groups:
        if len(g.articles) < 2:
            continue
        per_slot: dict[str, list[dict]] = {"date": [], "percent": []}
        for unit in g.units:
            art, ex = by_id[unit.span.article_id]
            if ex is None:
                continue
            s, e = unit.span.start, unit.span.end
            for t in ex.times:
                if s <= t.span.start < e and t.value and "garbled" not in t.flags and _DATE_VALUE.match(t.value) \
                        and not _dateline(art, t):
                    per_slot["date"].append(_value(art, t.span, t.value, t.text))
            for q in ex.quantities:
                if s <= q.span.start < e and q.kind == "percent":
                    per_slot[q.kind].append(_value(art, q.span, q.value, q.text))
        for slot, values in per_slot.items():
            if len({v["article_id"] for v in values}) < 2:
                continue
            if slot == "date":
                clash = _dates_clash(values)
            else:
                clash = _values_clash(values)
            if clash:
                out.append(Contradiction(slot, values, f"the same claim (group {g.id}) carries different {slot} values"
                                         + _later_note(values)))
    if encode is not None:
        known = {(v["article_id"], v["span"].start) for k in out if k.slot == "date" for v in k.values}
        out += dated_events(articles, extractions, encode, known)
    return out


def _dateline(art: Article, t) -> bool:
    """"VALPARAISO, March 16 (Harbor Wire) -": the wire's dateline, the day of the report, not of the event."""
    return t.span.start < 60 and bool(re.match(r"\s*(?:\(|[-–—])", art.text[t.span.end : t.span.end + 3]))


def _dates_clash(values: list[dict]) -> bool:
    """Different dates, compared at the coarser of two granularities (2023-01 agrees with 2023-01-31),
    between articles; within one article several dates are just several dates. A date between the two
    publications is news the earlier article could not have had, not a contradiction; two dates after
    both (a plan, a deadline) are two forecasts and can contradict."""
    for a in values:
        for b in values:
            if a["article_id"] >= b["article_id"]:
                continue
            # (an article without a date counts as published last: then any date after the first is skipped)
            first, last = sorted(((a["published"] or "9999")[:10], (b["published"] or "9999")[:10]))
            if any(first < v["value"][:10] <= last for v in (a, b)):
                continue
            n = min(len(a["value"]), len(b["value"]))
            if a["value"][:n] != b["value"][:n]:
                # only a clash if neither article also states the other's value
                if not any(v["article_id"] == a["article_id"] and v["value"][:n] == b["value"][:n] for v in values) and \
                   not any(v["article_id"] == b["article_id"] and v["value"][:n] == a["value"][:n] for v in values):
                    return True
    return False


DATE_CONTEXT_MATCH = 0.55  # cosine of the words around two dates that date the same event (tuned on the demo)
_ATTRIBUTION_TIME = re.compile(  # "said on Friday": when it was said, not when the event happened
    r"\b(said|says|told|announced|reported|added|confirmed|stated|wrote|dijo|dice|informó|afirmó|anunció|declaró|"
    r"sagte|erklärte|teilte|mitteilte|déclaré|annoncé|disse|afirmou|ha detto)\b\W+(?:\w+\W+){0,3}$", re.I)


_CLAUSE_END = re.compile(r"[.!?;:,，。！？；：]\s|[，。！？；：]|\s[-–—]\s|\(")


def dated_events(articles: list[Article], extractions: list[Extraction | None], encode, known: set[tuple[str, int]]) -> list[Contradiction]:
    """Dates of the same event in different articles, found by the words around each date rather than by
    whole aligned sentences: "the fund will begin paying out in July 2027" and "the fund is to start
    disbursing money in January 2027" sit in sentences that say different things otherwise. A date
    already compared inside an aligned claim (``known``: article id, start) is not compared again."""
    items = []
    for art, ex in zip(articles, extractions):
        for t in ex.times if ex else []:
            if not t.value or "garbled" in t.flags or not _DATE_VALUE.match(t.value) or (art.id, t.span.start) in known \
                    or _dateline(art, t):
                continue
            # The clause around the date, a few words each way: what happened then, not the whole sentence.
            before = _CLAUSE_END.split(art.text[max(0, t.span.start - 80) : t.span.start])[-1]
            after = _CLAUSE_END.split(art.text[t.span.end : t.span.end + 80])[0]
            if _ATTRIBUTION_TIME.search(before):
                continue
            context = " ".join(before.split()[-7:] + ["…"] + after.split()[:5])
            if len(context) < 12:
                continue
            items.append((art, t, context))
    if len({a.id for a, _, _ in items}) < 2:
        return []
    sims = (lambda v: v @ v.T)(encode([c for _, _, c in items]))
    pairs = sorted(((float(sims[i, j]), i, j) for i in range(len(items)) for j in range(i + 1, len(items))
                    if items[i][0].id != items[j][0].id and sims[i, j] >= DATE_CONTEXT_MATCH), reverse=True)
    out, used = [], set()
    for sim, i, j in pairs:  # best-matching pairs first, each date in one contradiction at most
        if i in used or j in used:
            continue
        values = [_value(a, t.span, t.value, t.text) for a, t, _ in (items[i], items[j])]
        # Context alone is weaker evidence than an aligned claim: both dates must be as precise (a day
        # against a day, a month against a month); "fell in February" and "cut on Tuesday" are two events.
        if len(values[0]["value"]) == len(values[1]["value"]) and _dates_clash(values):
            used.update((i, j))
            out.append(Contradiction("date", values, f"the same event is dated differently (context similarity {sim:.2f})"
                                     + _later_note(values)))
    return out


def _values_clash(values: list[dict]) -> bool:
    per_article: dict[str, set] = {}
    for v in values:
        per_article.setdefault(v["article_id"], set()).add(v["value"])
    sets = list(per_article.values())
    return all(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :])


def unreliable(articles: list[Article], extractions: list[Extraction | None]) -> list[dict]:
    out = []
    for art, ex in zip(articles, extractions):
        for t in ex.times if ex else []:
            if "garbled" in t.flags:
                out.append({"text": t.text, "span": t.span, "article_id": art.id, "source": art.source or art.id,
                            "flags": list(t.flags), "reason": "a date as printed cannot be right (damaged in translation?)"})
    return out


def quote_matches(articles: list[Article], extractions: list[Extraction | None], encode) -> list[QuoteMatch]:
    """Quotes of one canonical speaker in different articles whose contents say the same thing."""
    by_speaker: dict[str, list[tuple[Article, object]]] = {}
    for art, ex in zip(articles, extractions):
        for q in ex.quotes if ex else []:
            if q.speaker and q.speaker_kind == "person":
                by_speaker.setdefault(q.speaker, []).append((art, q))
    out = []
    for speaker, items in by_speaker.items():
        if len({a.id for a, _ in items}) < 2:
            continue
        vecs = encode([q.content_text[:400] for _, q in items])
        sims = vecs @ vecs.T
        used: set[int] = set()
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if items[i][0].id == items[j][0].id or i in used or j in used:
                    continue
                if sims[i, j] >= QUOTE_MATCH:
                    used.update((i, j))
                    out.append(QuoteMatch(speaker, [
                        {"article_id": a.id, "source": a.source or a.id, "span": q.content, "text": q.content_text,
                         "direct": q.direct, "cue": q.cue} for a, q in (items[i], items[j])], round(float(sims[i, j]), 3)))
    return out


def timeline(articles: list[Article], extractions: list[Extraction | None]) -> list[TimelineEntry]:
    out = []
    for art, ex in zip(articles, extractions):
        if art.published:
            out.append(TimelineEntry(art.published[:10], "published", art.title or art.text[:80], None, art.id))
        for t in ex.times if ex else []:
            if t.value and _DATE_VALUE.match(t.value) and "garbled" not in t.flags:
                s = max((a for a, b in art.sentences if a <= t.span.start), default=0)
                e = next((b for a, b in art.sentences if a <= t.span.start < b), min(len(art.text), t.span.end + 120))
                out.append(TimelineEntry(t.value, "event", art.text[s:e].strip()[:200], t.span, art.id))
    out.sort(key=lambda x: (x.date, x.kind != "event"))
    return out

