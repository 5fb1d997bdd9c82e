"""Dates: the same event dated differently by two reports (judged by the words around each date), and
dates as printed that cannot be right (flagged by extraction: damaged in translation, say)."""

from __future__ import annotations

import re
from datetime import date

from ...model import Article, Contradiction
from .common import _DATE_VALUE, Story, _later_note, _value


_MONTH_WORDS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
                          r"septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|mai|juin|juillet|août|"
                          r"januar|februar|märz|juni|juli|oktober|dezember)", re.I)
_RELATIVE = re.compile(r"\b(?:ago|later|earlier|before|after|today|yesterday|tomorrow|last|next|this)\b|[今昨明前后]", re.I)


def _explicit(t) -> bool:
    """A date the text spells out ("March 15", "14 de marzo", "3月12日"), not one inferred from a weekday or
    "two days later": on real news most clashes between inferred dates are the inference, not the sources
    (an article written on Tuesday about "Monday", another on Thursday about "Monday")."""
    return bool(re.search(r"\d", t.text) or _MONTH_WORDS.search(t.text)) and not _RELATIVE.search(t.text)


_STAMP = re.compile(r"\b(?:updated|published|posted|last modified|modified)\s*:?\s*(?:\w+,?\s*)?$", re.I)


def _dateline(art: Article, t) -> bool:
    """"VALPARAISO, March 16 (Harbor Wire) -", "东方时报3月12日电", "Updated: Thursday, October 27, 2016": the
    report's own date (a wire's dateline, a page's stamp), not the date of anything it reports."""
    if _STAMP.search(art.text[max(0, t.span.start - 30) : t.span.start]):
        return True
    return t.span.start < 60 and bool(re.match(r"\s*(?:\(|[-–—]|电)", art.text[t.span.end : t.span.end + 3]))


def _dates_clash(a: dict, b: dict) -> bool:
    """Two dates of two articles differ. A date between the two publications is news the earlier article
    could not have had, not a contradiction; two dates after both (a plan, a deadline) are two forecasts
    and can contradict."""
    # (an article without a date counts as published last: then any date after the first is skipped)
    first, last = sorted(((a["published"] or "9999")[:10], (b["published"] or "9999")[:10]))
    if any(first < v["value"][:10] <= last for v in (a, b)):
        return False
    return a["value"] != b["value"]

_ATTRIBUTION_TIME = re.compile(  # "said on Friday": when it was said, not when the event happened
    r"\b(said|says|told|announced|reported|added|confirmed|stated|wrote|dijo|dice|informó|afirmó|anunció|declaró|"
    r"sagte|erklärte|teilte|mitteilte|déclaré|annoncé|disse|afirmou|ha detto)\b\W+(?:\w+\W+){0,3}$", re.I)


_CLAUSE_END = re.compile(r"[.!?;:,，。！？；：]\s|[，。！？；：]|\s[-–—]\s|\(")

def dated_events(story: Story) -> list[Contradiction]:
    """Dates of the same event in different articles, judged by the words around each date. One sentence
    often dates several events ("pledged on Thursday, will pay out in July 2027"), so sharing an aligned
    claim is not enough; and two sentences that say different things otherwise can date the same event
    ("the fund is to start disbursing money in January 2027"). Two dates in one aligned claim need
    similar surroundings; two dates elsewhere, very similar ones."""
    if story.encode is None:
        return []
    articles, extractions, encode, groups, config = story.articles, story.extractions, story.encode, story.groups, story.config
    claims: dict[str, list[tuple[int, int, int]]] = {}  # article id -> (start, end, group id) of its aligned sentences
    for g in groups:
        for u in g.units:
            claims.setdefault(u.span.article_id, []).append((u.span.start, u.span.end, g.id))
    items = []
    for art, ex in zip(articles, extractions):
        for t in ex.times if ex else []:
            # Explicit dates of a month or a day only (a bare year in a news story is background: "in 2010").
            if not t.value or "garbled" in t.flags or not _DATE_VALUE.match(t.value) or len(t.value) < 7 \
                    or not _explicit(t) or _dateline(art, t):
                continue
            # The clause around the date, a few words each way: what happened then, not the whole sentence.
            before = _CLAUSE_END.split(art.text[max(0, t.span.start - 80) : t.span.start])[-1]
            after = _CLAUSE_END.split(art.text[t.span.end : t.span.end + 80])[0]
            if _ATTRIBUTION_TIME.search(before):
                continue
            context = " ".join(before.split()[-7:] + ["…"] + after.split()[:5])
            if len(context) < 12:
                continue
            claim = next((gid for s, e, gid in claims.get(art.id, ()) if s <= t.span.start < e), None)
            items.append((art, t, context, claim))
    if len({it[0].id for it in items}) < 2:
        return []
    vecs = encode([it[2] for it in items])
    sims = vecs @ vecs.T

    def same_claim(i: int, j: int) -> bool:
        return items[i][3] is not None and items[i][3] == items[j][3]

    pairs = sorted(((float(sims[i, j]), i, j) for i in range(len(items)) for j in range(i + 1, len(items))
                    if items[i][0].id != items[j][0].id
                    and sims[i, j] >= (config.date_in_claim_match if same_claim(i, j) else config.date_context_match)), reverse=True)
    out, used = [], set()
    for sim, i, j in pairs:  # best-matching pairs first, each date in one contradiction at most
        if i in used or j in used:
            continue
        values = [_value(it[0], it[1].span, it[1].value, it[1].text) for it in (items[i], items[j])]
        first_report = min((v["published"] or "9999")[:10] for v in values)
        if any(_days_between(v["value"], first_report) > config.background_days for v in values):
            continue  # history told as background ("featured in an October 2014 story"), not the story's events
        # Context alone is weaker evidence than an aligned claim: both dates must be as precise (a day
        # against a day, a month against a month); "fell in February" and "cut on Tuesday" are two events.
        if len(values[0]["value"]) == len(values[1]["value"]) and _dates_clash(*values):
            used.update((i, j))
            where = f"in the same claim (group {items[i][3]})" if same_claim(i, j) else "in different sentences"
            out.append(Contradiction("date", values, f"the same event is dated differently, {where}; context similarity {sim:.2f}"
                                     + _later_note(values)))
    return out

def _days_between(value: str, day: str) -> int:
    """Days from a day or month value (a month counts from its 28th) to a later day; 0 when not earlier."""
    try:
        return max(0, (date.fromisoformat(day) - date.fromisoformat((value + "-28")[:10])).days)
    except ValueError:
        return 0

def unreliable(story: Story) -> list[dict]:
    """Dates as printed that cannot be right: never a side of a contradiction, listed instead."""
    out = []
    for art, ex in zip(story.articles, story.extractions):
        for t in ex.times if ex else []:
            if "garbled" in t.flags:
                out.append({"text": t.text, "span": t.span, "article_id": art.id, "source": art.source or art.id,
                            "flags": list(t.flags), "reason": "a date as printed cannot be right (damaged in translation?)"})
    return out
