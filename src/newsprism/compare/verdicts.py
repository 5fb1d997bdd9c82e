"""Contradictions, agreed figures, matched quotes, the timeline and unreliable values of a story.

A contradiction is one slot with different values in different articles:
- people killed / injured / arrested, counted things: each article's first stated figure (its toll);
  amounts of money the same way, when two of them sit in one aligned claim;
- outcomes in words (a vote unanimous or split, a verdict): each article's first statement of one;
- percentages inside aligned sentence groups (the same claim);
- explicit dates whose surrounding words say the same thing in two articles (the same event, dated
  differently), more readily when the two sentences are aligned;
- one aligned claim placed in two cities far apart (places.py);
- the same quoted words given to two different people, each named in full;
with both spans and a reason. Values extraction flagged as damaged (``garbled``) are never a side of a
contradiction: they are listed as unreliable.
"""

from __future__ import annotations

import re

import numpy as np

from ..model import Article, ClaimGroup, Contradiction, Extraction, QuoteMatch, Span, TimelineEntry
from .align import root
from .places import default_gazetteer, far_apart, fold, fold_accents, km

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


# The figures compared across a story: (slot, which quantities fill it)
FIGURE_SLOTS: list[tuple[str, object]] = (
    [(r, lambda q, r=r: q.kind == "people" and q.role == r) for r in ("killed", "injured", "arrested", "missing")]
    + [(u, lambda q, u=u: q.kind == "number" and q.unit == u) for u in STORY_UNITS]
    + [(f"money ({c})", lambda q, c=c: q.kind == "money" and q.unit == c) for c in ("USD", "EUR", "GBP", "CNY", "JPY")])


def agreed_figures(articles: list[Article], extractions: list[Extraction | None],
                   report_of: dict[str, str] | None = None) -> list[dict]:
    """Figures two or more reports state alike and none states otherwise (each article's first figure of
    a slot, as for contradictions): "killed: 2" from "killing two people", "dos muertos", "2人死亡" and "Two
    people were killed", wherever in each article it stands. ``everyone``: every report states it."""
    report_of = report_of or {}
    n_reports = len({report_of.get(a.id, a.id) for a in articles})
    out = []
    for slot, wanted in FIGURE_SLOTS:
        values = _leading(articles, extractions, lambda ex: ex.quantities, wanted)
        reports = {report_of.get(v["article_id"], v["article_id"]) for v in values}
        if len(reports) >= 2 and len({v["value"] for v in values}) == 1:
            out.append({"slot": slot, "value": values[0]["value"], "values": values, "everyone": len(reports) == n_reports})
    return out


def _leading(articles: list[Article], extractions: list[Extraction | None], items, wanted) -> list[dict]:
    """Each article's first item (of ``items(extraction)``) that ``wanted`` accepts: the value it leads with."""
    values = []
    for art, ex in zip(articles, extractions):
        first = next((x for x in items(ex) if wanted(x)), None) if ex is not None else None
        if first is not None:
            values.append(_value(art, first.span, first.value, first.text))
    return values


def contradictions(articles: list[Article], extractions: list[Extraction | None], groups: list[ClaimGroup],
                   encode=None) -> list[Contradiction]:
    out: list[Contradiction] = []
    by_id = {a.id: (a, x) for a, x in zip(articles, extractions)}
    # Story-level slots: each article's first figure for a toll, a counted thing or an amount (the
    # figure a report leads with); articles that differ contradict each other.
    for slot, wanted in FIGURE_SLOTS:
        values = _leading(articles, extractions, lambda ex: ex.quantities, wanted)
        if len({v["value"] for v in values}) > 1 and (not slot.startswith("money") or _one_claim(values, groups)):
            out.append(Contradiction(slot, values, f"the articles state different figures for {slot}" + _later_note(values)))
    # Outcomes in words (a vote, a verdict): each article's first statement of the slot.
    for slot in sorted({x.slot for ex in extractions if ex is not None for x in ex.labels}):
        values = _leading(articles, extractions, lambda ex: ex.labels, lambda x, slot=slot: x.slot == slot)
        if len({v["value"] for v in values}) > 1:
            out.append(Contradiction(slot, values, f"the articles report the {slot} differently" + _later_note(values)))
    # percentages inside one aligned claim
    for g in groups:
        if len(g.articles) < 2:
            continue
        values = []
        for unit in g.units:
            art, ex = by_id[unit.span.article_id]
            for q in ex.quantities if ex is not None else []:
                if q.span.field == "text" and unit.span.start <= q.span.start < unit.span.end and q.kind == "percent":
                    values.append(_value(art, q.span, q.value, q.text))
        if len({v["article_id"] for v in values}) >= 2 and _values_clash(values):
            out.append(Contradiction("percent", values, f"the same claim (group {g.id}) carries different percent values"
                                     + _later_note(values)))
    texts = _FoldedTexts()
    out += place_clashes(groups, by_id, texts=texts)
    if encode is not None:
        out += dated_events(articles, extractions, encode, groups)
        out += speaker_clashes(articles, extractions, encode, texts)
    return out


class _FoldedTexts(dict):
    """An article's title and text folded (case, accents), once per comparison: several verdicts ask
    whether a report names someone or somewhere anywhere."""

    def of(self, art: Article) -> str:
        if art.id not in self:
            self[art.id] = fold_accents(f"{art.title or ''} {art.text}")
        return self[art.id]


SAME_WORDS = 0.8  # cosine of two quotations that are the same words (in one language; translations score lower)
_PRONOUN = re.compile(r"^(?:he|she|they|him|her|it|他|她|他们|她们|él|ella|er|sie|il|elle|ele|ela|lui|lei)$", re.I)


def speaker_clashes(articles: list[Article], extractions: list[Extraction | None], encode,
                    texts: _FoldedTexts | None = None) -> list[Contradiction]:
    """The same quoted words given to two different people. Only when both reports name the speaker in
    full at the quote (not "he", not a surname alone), the words are long enough to be one person's, and
    neither report names the other's speaker anywhere: a spokesman quoting his principal, or a name inside
    the quotation, is not a disagreement about who said it."""
    items = []
    for art, ex in zip(articles, extractions):
        for q in ex.quotes if ex is not None else []:
            if not (q.direct and q.speaker_kind == "person" and q.speaker and len(q.speaker.split()) >= 2
                    and len(q.content_text.split()) >= 6 and q.speaker_span is not None):
                continue
            mention = art.text[q.speaker_span.start : q.speaker_span.end] if q.speaker_span.field == "text" else ""
            if _PRONOUN.match(mention.strip()) or len(mention.split()) < 2:
                continue
            items.append((art, q))
    if len({a.id for a, _ in items}) < 2:
        return []
    vecs = encode([q.content_text[:400] for _, q in items])
    sims = vecs @ vecs.T
    texts = texts if texts is not None else _FoldedTexts()
    out, seen = [], set()
    for i, (a, qa) in enumerate(items):
        for j in range(i + 1, len(items)):
            b, qb = items[j]
            if a.id == b.id or sims[i, j] < SAME_WORDS:
                continue
            sa, sb = fold_accents(qa.speaker), fold_accents(qb.speaker)
            if sa == sb or sa.split()[-1] in texts.of(b) or sb.split()[-1] in texts.of(a):
                continue
            key = tuple(sorted((sa, sb)))
            if key in seen:
                continue
            seen.add(key)
            values = [_value(a, qa.speaker_span, qa.speaker, qa.content_text), _value(b, qb.speaker_span, qb.speaker, qb.content_text)]
            out.append(Contradiction("speaker", values, f"the same words (cosine {float(sims[i, j]):.2f}) are given to "
                                     f"{qa.speaker} and to {qb.speaker}"))
    return out


# "near Zaragoza": the small English model often tags a city after a preposition of place as an organisation
_AT_PLACE = re.compile(r"\b(?:in|near|at|outside|off|from|en|cerca de|bei|nahe|près de|à|em|perto de|vicino a)\s+$", re.I)


def _is_place(art: Article, e) -> bool:
    if e.kind == "place":
        return True
    return e.kind != "person" and bool(_AT_PLACE.search(art.text[max(0, e.span.start - 12) : e.span.start]))


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


def _names(text: str, e, place) -> bool:
    """Whether an article's folded text names this place (as the entity wrote it, or the city's name)."""
    return any(fold(n) in text for n in {e.text, e.canonical, place.name} if len(fold(n)) >= 3)


def place_clashes(groups: list[ClaimGroup], by_id: dict, gazetteer=None,
                  texts: _FoldedTexts | None = None) -> list[Contradiction]:
    """One aligned claim, placed far apart by two reports ("near Zaragoza" / "near Huesca"): see places.py."""
    if not any(len(g.articles) >= 2 for g in groups):
        return []  # a story of one report: no need to load the gazetteer
    gazetteer = gazetteer or default_gazetteer()
    if gazetteer is None:
        return []
    texts = texts if texts is not None else _FoldedTexts()
    out = []
    for g in groups:
        if len(g.articles) < 2:
            continue
        named = []  # per unit: (article, entity, place) of each place name the gazetteer knows
        for unit in g.units:
            art, ex = by_id[unit.span.article_id]
            found = []
            for e in ex.entities if ex is not None else []:
                if e.span.field == "text" and unit.span.start <= e.span.start < unit.span.end and _is_place(art, e):
                    place = gazetteer.lookup(e.text) or gazetteer.lookup(e.canonical)
                    if place is not None and all(place != p for _, _, p in found):
                        found.append((art, e, place))
            named.append(found)
        sides: dict[str, tuple[dict, object]] = {}  # article id -> (its value, its place)
        for i in range(len(named)):
            for j in range(i + 1, len(named)):
                clash = far_apart([p for *_, p in named[i]], [p for *_, p in named[j]])
                if clash is None:
                    continue
                picked = [next(x for x in side if x[2] == place) for side, place in zip((named[i], named[j]), clash)]
                # a place the other report names too, anywhere, is not a disagreement about where
                (art_a, e_a, p_a), (art_b, e_b, p_b) = picked
                if _names(texts.of(art_b), e_a, p_a) or _names(texts.of(art_a), e_b, p_b):
                    continue
                for art, e, place in picked:
                    sides.setdefault(art.id, (_value(art, e.span, place.name, e.text), place))
        if len(sides) >= 2:
            (_, a), (_, b) = list(sides.values())[:2]
            out.append(Contradiction("place", [v for v, _ in sides.values()],
                                     f"the same claim (group {g.id}) is placed {km(a, b):,.0f} km apart"))
    return out


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


# Cosine of the words around two dates that date the same event: inside one aligned claim, and anywhere
# in the story (tuned on the demo corpus, checked for false alarms on 150 GVA dev incidents).
DATE_IN_CLAIM_MATCH = 0.4
DATE_CONTEXT_MATCH = 0.55
BACKGROUND_DAYS = 90  # dates this long before the first report are history told as background
_ATTRIBUTION_TIME = re.compile(  # "said on Friday": when it was said, not when the event happened
    r"\b(said|says|told|announced|reported|added|confirmed|stated|wrote|dijo|dice|informó|afirmó|anunció|declaró|"
    r"sagte|erklärte|teilte|mitteilte|déclaré|annoncé|disse|afirmou|ha detto)\b\W+(?:\w+\W+){0,3}$", re.I)


_CLAUSE_END = re.compile(r"[.!?;:,，。！？；：]\s|[，。！？；：]|\s[-–—]\s|\(")


def dated_events(articles: list[Article], extractions: list[Extraction | None], encode,
                 groups: list[ClaimGroup] = ()) -> list[Contradiction]:
    """Dates of the same event in different articles, judged by the words around each date. One sentence
    often dates several events ("pledged on Thursday, will pay out in July 2027"), so sharing an aligned
    claim is not enough; and two sentences that say different things otherwise can date the same event
    ("the fund is to start disbursing money in January 2027"). Two dates in one aligned claim need
    similar surroundings; two dates elsewhere, very similar ones."""
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
                    and sims[i, j] >= (DATE_IN_CLAIM_MATCH if same_claim(i, j) else DATE_CONTEXT_MATCH)), reverse=True)
    out, used = [], set()
    for sim, i, j in pairs:  # best-matching pairs first, each date in one contradiction at most
        if i in used or j in used:
            continue
        values = [_value(it[0], it[1].span, it[1].value, it[1].text) for it in (items[i], items[j])]
        first_report = min((v["published"] or "9999")[:10] for v in values)
        if any(_days_between(v["value"], first_report) > BACKGROUND_DAYS for v in values):
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
    from datetime import date

    try:
        return max(0, (date.fromisoformat(day) - date.fromisoformat((value + "-28")[:10])).days)
    except ValueError:
        return 0


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
    """Quotes of one canonical speaker in different articles whose contents say the same thing, grouped:
    a statement carried by four outlets (one in translation, one as indirect speech) is one match of
    four quotes, one per article, not two pairs."""
    by_speaker: dict[str, list[tuple[Article, object]]] = {}
    shown: dict[str, str] = {}
    for art, ex in zip(articles, extractions):
        for q in ex.quotes if ex else []:
            if q.speaker and q.speaker_kind == "person":
                key = fold_accents(q.speaker)  # "Lucía Paredes" in Spanish is "Lucia Paredes" in English
                by_speaker.setdefault(key, []).append((art, q))
                shown.setdefault(key, q.speaker)
    _merge_transliterations(by_speaker, shown)
    out = []
    for key, items in by_speaker.items():
        speaker = shown[key]
        if len({a.id for a, _ in items}) < 2:
            continue
        vecs = encode([q.content_text[:400] for _, q in items])
        sims = vecs @ vecs.T
        parent = list(range(len(items)))
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                if items[i][0].id != items[j][0].id and sims[i, j] >= QUOTE_MATCH:
                    parent[root(parent, i)] = root(parent, j)
        groups: dict[int, list[int]] = {}
        for i in range(len(items)):
            groups.setdefault(root(parent, i), []).append(i)
        for members in groups.values():
            # one quote per article: the one closest to the rest of the group
            best: dict[str, int] = {}
            for i in members:
                score = sum(float(sims[i, j]) for j in members if j != i)
                aid = items[i][0].id
                if aid not in best or score > sum(float(sims[best[aid], j]) for j in members if j != best[aid]):
                    best[aid] = i
            kept = sorted(best.values())
            if len(kept) < 2:
                continue
            pair_sims = [float(sims[i, j]) for n, i in enumerate(kept) for j in kept[n + 1 :]]
            out.append(QuoteMatch(speaker, [_quoted(a, q) for a, q in (items[i] for i in kept)],
                                  round(sum(pair_sims) / len(pair_sims), 3)))
    return _voices(out, by_speaker, articles, extractions, encode)


# Sound classes for matching a name across scripts: pinyin of a Chinese transliteration against the
# Latin spelling (德尔加多 "de er jia duo" / Delgado, 普恩特 / Puente, 帕雷德斯 / Paredes)
_SOUND = [("er", "l"), ("zh", "j"), ("ch", "c"), ("sh", "s"), ("ph", "f")]
_CLASS = {**dict.fromkeys("lr", "L"), **dict.fromkeys("bp", "B"), **dict.fromkeys("dt", "D"),
          **dict.fromkeys("gkcqjh", "G"), **dict.fromkeys("sxzy", "S"), **dict.fromkeys("fvw", "F"),
          "m": "M", "n": "N", **dict.fromkeys("aeiou", "V")}


def sound_key(latin: str) -> str:
    """A name's consonant skeleton with vowels kept as one mark: runs collapsed, a vowel that pinyin adds
    after a final consonant dropped ("si" in 帕雷德斯), an n before a consonant dropped (兰布卡 "lan bu ka"
    / Rabuka)."""
    text = fold_accents(latin)
    for a, b in _SOUND:
        text = text.replace(a, b)
    classes = [_CLASS[c] for c in text if c in _CLASS]
    out: list[str] = []
    for i, c in enumerate(classes):
        if out and out[-1] == c:
            continue
        if c == "N" and i + 1 < len(classes) and classes[i + 1] not in ("V", "N"):
            continue
        out.append(c)
    if len(out) >= 3 and out[-1] == "V" and out[-2] == "S":
        out.pop()
    return "".join(out)


def _edits(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


_CJK_NAME = re.compile(r"[\u4e00-\u9fff]+(?:·[\u4e00-\u9fff]+)*")


def _merge_transliterations(by_speaker: dict, shown: dict) -> None:
    """A foreign name written in Chinese characters (拉蒙·德尔加多, or a surname alone: 穆奇马) is one speaker with the
    Latin name whose surname sounds the same: the same sound classes, or one apart for six classes or more.
    The quotes must still say the same thing to be matched."""
    from ..extract.entities import pinyin

    def written(key: str) -> str | None:
        """The speaker as the Chinese text writes it (拉蒙·德尔加多; 穆奇马, whose key is the pinyin "mu qima")."""
        for art, q in by_speaker[key]:
            if q.speaker_span is not None and q.speaker_span.field == "text":
                mention = art.text[q.speaker_span.start : q.speaker_span.end]
                if _CJK_NAME.fullmatch(mention.strip()):
                    return mention.strip()
        return None

    chinese_of = {k: written(k) for k in by_speaker}
    latin = {k: sound_key(k.split()[-1]) for k, zh in chinese_of.items() if zh is None and k.isascii() and k.split()}
    for key, chinese in chinese_of.items():
        if chinese is None:
            continue
        syllables = [pinyin(ch, False) for ch in chinese.split("·")[-1]]
        if not all(syllables):
            continue
        mine = sound_key("".join(syllables))
        allowed = 1 if len(mine) >= 6 else 0  # short skeletons must agree exactly (普恩特 / Puente: BVDV)
        close = [k for k, theirs in latin.items() if len(mine) >= 4 and _edits(mine, theirs) <= allowed]
        if len(close) == 1:  # one Latin name only: two would be a guess
            by_speaker[close[0]].extend(by_speaker.pop(key))


def _quoted(a: Article, q, said_by: str | None = None) -> dict:
    d = {"article_id": a.id, "source": a.source or a.id, "span": q.content, "text": q.content_text,
         "direct": q.direct, "cue": q.cue}
    if said_by:
        d["said_by"] = said_by  # this report gives the words to someone else: the person's office or country
    return d


INSTITUTION_MATCH = 0.7  # a person's words given to her ministry or country must be close to word for word
# the voice of a state: a country or city ("China said"), or a ministry, government, office or embassy
_STATE = re.compile(r"\b(?:ministry|ministries|government|department|office|embassy|kremlin|white house|cabinet|"
                    r"presidency|ministerio|gobierno|ministerium|regierung|ministère|gouvernement)\b|外交部|政府|部$", re.I)


_SPOKES = r"(?:spokes\w*|发言人|portavoz|sprecher\w*|porte-parole|porta-voz|minister|ministra|ministro|ambassador|envoy)"


def _speaks_for(text: str, person: str) -> bool:
    """Whether a (folded) text names the person as one who speaks for a state: "Chinese Foreign Ministry
    spokesman Mao Ning", "Mao Ning, a spokesperson for the ministry", "外交部发言人毛宁"."""
    if person not in text:
        return False
    name = re.escape(person)
    return bool(re.search(rf"{_SPOKES}[^.。]{{0,40}}?{name}|{name},? (?:a |the )?[^.。,]{{0,30}}?{_SPOKES}", text))


def _voices(matches: list[QuoteMatch], by_speaker: dict, articles: list[Article], extractions: list[Extraction | None],
            encode) -> list[QuoteMatch]:
    """A person's words that another report gives to her ministry or country ("Mao Ning said NATO's
    eastward expansion must arouse high vigilance" / "China said NATO's eastward advance should arouse a
    high degree of vigilance"): joined to her match when the words are nearly the same, the other speaker
    is a state (a country, a ministry, a government office: not "aides" or "the indictment"), and that
    report names her in full as one who speaks for a state (a spokesperson, a minister, an ambassador).
    A senator's or a president's words given to "the Justice Department" are not matched: that is
    usually another statement on the same subject."""
    voices = [(a, q) for a, ex in zip(articles, extractions) for q in (ex.quotes if ex else [])
              if q.speaker and q.speaker_kind != "person" and (q.speaker_kind == "place" or _STATE.search(q.speaker))]
    if not voices:
        return matches
    texts = {a.id: fold_accents(a.text) for a, _ in voices}
    # only people some report of a state voice names as speaking for a state: then few quotes to embed
    people = [(a, q) for items in by_speaker.values() for a, q in items
              if any(_speaks_for(t, fold_accents(q.speaker)) for t in texts.values())]
    if not people:
        return matches
    vecs = encode([q.content_text[:400] for _, q in voices + people])
    sims = vecs[: len(voices)] @ vecs[len(voices) :].T
    for i, (b, qv) in enumerate(voices):
        order = np.argsort(-sims[i])
        best = next((int(j) for j in order if sims[i, j] >= INSTITUTION_MATCH and people[j][0].id != b.id
                     and _speaks_for(texts[b.id], fold_accents(people[j][1].speaker))), None)
        if best is None:
            continue
        a, qp = people[best]
        voice = _quoted(b, qv, said_by=qv.speaker)
        match = next((m for m in matches if any(x["article_id"] == a.id and x["span"] == qp.content for x in m.quotes)), None)
        if match is None:
            matches.append(QuoteMatch(qp.speaker, [_quoted(a, qp), voice], round(float(sims[i, best]), 3)))
        elif all(x["article_id"] != b.id for x in match.quotes):
            match.quotes.append(voice)
    return matches



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

