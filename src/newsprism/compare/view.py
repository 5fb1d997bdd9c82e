"""The reader's view of a story's comparison: what a story page shows, in reading order, so that a
reader sees in seconds what the story is, who covers it and where the reports disagree.

Nothing here is computed from the texts anew: it arranges a ``StoryComparison`` (and the members'
extractions, for the figures inside a claim) into a ``StoryView``:

- a **headline** chosen by one rule (``headline``), the outlets and languages, first and last report;
- **disputes** first, each value with the reports giving it, the majority and the odd one out apart; a
  count that only grows from report to report in publication order is an **update**, not a contradiction;
- **claims** two or more reports carry, each as one representative sentence (``lead``) with the other
  wordings kept for a disclosure; a claim whose members state different figures is set apart, never
  shown as agreement;
- what only one report says, what each leaves out, matched quotes cut into their passages (each with its
  own span), a timeline without repeated lines, and the spans of values to mark wherever they are shown.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import urlparse

from ..model import (Article, ClaimGroup, ClaimUnit, ClaimView, Dispute, DisputedValue, Extraction, Outlet, QuotePiece,
                     Span, StoryComparison, StoryView, TimelineEntry, span_fields)
from .verdicts.common import LATER_NOTE, STORY_UNITS

# Slots whose later, larger figure updates an earlier one (tolls rise as bodies are found): a count only.
COUNT_SLOTS = frozenset({"killed", "injured", "arrested", "missing", *STORY_UNITS})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WHOLE = re.compile(r"^[\"“«„'‘(\[]?[A-Z0-9À-Þ\u3000-\u9fff\uac00-\ud7af].*[.!?。！？\"”»’)]$", re.S)
# Where a quote is interrupted by its attribution: a closing mark, a few words, an opening mark.
_BREAK = re.compile(r"[\"”»」』]\s*[^\"“«「『”»」』]{1,80}?[\"“«「『]")
_QUOTE_MARKS = "\"“”«»„「」『』'‘’ \n\t"


def reader_language() -> str:
    """The language headlines and representative sentences are chosen in when a story has one
    (``NEWSPRISM_READER_LANG``, an ISO 639-1 code; English by default)."""
    return (os.environ.get("NEWSPRISM_READER_LANG") or "en").strip().lower()


def outlet_names(articles: list[Article]) -> dict[str, tuple[str, bool]]:
    """Article id -> (the outlet's name as shown, whether it is a known name). An outlet guessed from a file
    name is no name: the report's web domain stands in, else "unnamed outlet" (numbered when several)."""
    out: dict[str, tuple[str, bool]] = {}
    unnamed = [a for a in articles if not _named(a) and not (a.url and urlparse(a.url).hostname)]
    for a in articles:
        if _named(a):
            out[a.id] = (a.source or a.id, True)
        elif a.url and (host := urlparse(a.url).hostname):
            out[a.id] = (host.removeprefix("www."), False)
        else:
            n = unnamed.index(a) + 1
            out[a.id] = ("unnamed outlet" + (f" {n}" if len(unnamed) > 1 else ""), False)
    return out


def _named(a: Article) -> bool:
    return bool(a.source) and a.source_provenance not in ("filename", "none") and a.source != a.id


def headline(c: StoryComparison, reader_lang: str = "en", titles: dict[str, str | None] | None = None,
             disputes: list[Dispute] | None = None) -> tuple[str, str | None]:
    """The story's headline and the report it comes from, by this rule:

    1. candidates: the headlines of the story's original reports (not copies; ``titles`` gives each article's
       own headline, None where it has none);
    2. a headline never asserts what the page flags: a clause (between , : ; – — |) stating a figure the
       reports contradict (any but the majority's, or an update's latest) or a value that cannot be right as
       printed is cut; a headline left with fewer than three words is out;
    3. headlines in the reader's language first (any language when none is);
    4. of those, whole headlines before cut ones, then the report that shares most claims with the others
       (the most central), then the earliest.

    When every headline is out, the lead sentence of the claim most reports share stands in (None as report).
    ``disputes``: the contradictions as the reader's view arranged them, when it has (else arranged here)."""
    shared: dict[str, int] = {}
    for g in c.groups:
        if g.label != "unique":
            for aid in set(g.articles):
                shared[aid] = shared.get(aid, 0) + 1
    if disputes is None:
        report_of = {a["id"]: a.get("copy_of") or a["id"] for a in c.articles}
        disputes = [_dispute(k.slot, k.values, k.reason, report_of, {}) for k in c.contradictions]
    unsafe = _unsafe_values(disputes)
    flagged = {u["article_id"] for u in c.unreliable if _field(u["span"]) == "title"}
    candidates = []
    for a in c.articles:
        title = (titles.get(a["id"]) if titles is not None else a.get("title")) or ""
        if a.get("copy_of") or not title.strip() or a["id"] in flagged:
            continue
        kept = _safe_clauses(title.strip(), unsafe)
        if kept:
            candidates.append((kept != title.strip(), a, kept))
    if candidates:
        in_lang = [x for x in candidates if (x[1].get("lang") or "") == reader_lang] or candidates
        _, best, text = min(in_lang, key=lambda x: (x[0], -shared.get(x[1]["id"], 0), x[1].get("published") or "9999", x[1]["id"]))
        return text, best["id"]
    groups = sorted((g for g in c.groups if g.label != "unique"), key=lambda g: (-len(g.articles), g.id))
    if groups:
        return clip(groups[0].units[0].text.strip(), 140), None
    return (clip(c.articles[0]["title"], 140) if c.articles else f"Story {c.story_id}"), None


def _number(text: str) -> str:
    """A figure as printed, in one form: "6,3" and "6.3" alike, "3,000" as 3000."""
    text = re.sub(r",(?=\d{3}(?!\d))", "", text).replace(",", ".")
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def _unsafe_values(disputes: list[Dispute]) -> set[str]:
    """What a headline must not state: every value of a contradiction but its majority's, and an update's
    earlier figures, as numbers ("12") and as the words stating them ("2 million euros", "两人")."""
    out = set()
    for d in disputes:
        for val in d.values:
            if val.role in ("majority", "latest"):
                continue
            if isinstance(val.value, (int, float)):
                out.add(f"{val.value:g}")
            out.update(s["text"].strip().lower() for s in val.statements if len(s["text"].strip()) >= 2)
    return out


def _contains(text: str, words: str) -> bool:
    """``words`` in ``text`` as whole words where they begin or end with a Latin letter or digit ("12" is
    not in "120"; "两人" is in "造成两人死亡")."""
    left = r"(?<![\w.,])" if words[0].isascii() and words[0].isalnum() else ""
    right = r"(?![\w])" if words[-1].isascii() and words[-1].isalnum() else ""
    return re.search(left + re.escape(words) + right, text) is not None


_CLAUSE = re.compile(r"\s*[,:;|–—]\s+|\s+-\s+")


def _safe_clauses(title: str, unsafe: set[str]) -> str:
    """The title without the clauses that state an unsafe figure; "" when fewer than three words are left."""
    def states(part: str) -> bool:
        low = part.lower()
        return any(_number(n) in unsafe for n in _NUMBER.findall(part)) or any(_contains(low, t) for t in unsafe)

    if not unsafe or not states(title):
        return title
    kept = [p for p in _CLAUSE.split(title) if not states(p)]
    text = ", ".join(kept).strip()
    words = len(text.split()) if not re.search(r"[\u3000-\u9fff]", text) else len(text) // 2
    return text if words >= 3 else ""


def _field(span) -> str:
    return span_fields(span).get("field") or "text"


def clip(text: str, n: int) -> str:
    """At most ``n`` characters, cut at a word boundary (never mid-word), with an ellipsis when cut."""
    if len(text) <= n:
        return text
    cut = text[:n]
    space = cut.rfind(" ")
    return (cut[:space] if space > n * 0.6 else cut).rstrip(" ,;:") + "…"


def story_view(c: StoryComparison, articles: list[Article], extractions: dict[str, Extraction | None],
               reader_lang: str = "en") -> StoryView:
    by_id = {a.id: a for a in articles}
    names = outlet_names([by_id[a["id"]] for a in c.articles if a["id"] in by_id])
    outlets = [Outlet(a["id"], *names.get(a["id"], (a["source"], True)), a.get("lang"), a.get("published"), a.get("title") or "",
                      by_id[a["id"]].url if a["id"] in by_id else None, a.get("copy_of")) for a in c.articles]
    shown = {o.article_id: o.name for o in outlets}
    report_of = {a["id"]: a.get("copy_of") or a["id"] for a in c.articles}
    lang_of = {a["id"]: a.get("lang") or "" for a in c.articles}
    marks = _marks(c)

    disputes, updates = [], []
    for k in c.contradictions:
        d = _dispute(k.slot, k.values, k.reason, report_of, shown)
        (updates if d.kind == "update" else disputes).append(d)

    views = {g.id: _claim(g, lang_of, reader_lang, marks, extractions) for g in c.groups}
    shared = [views[g.id] for g in c.groups if g.label != "unique"]
    single: dict[str, list[ClaimView]] = {}
    for g in c.groups:
        if g.label == "unique":
            single.setdefault(g.units[0].span.article_id, []).append(views[g.id])
    omissions = {aid: [views[g] for g in gids if g in views] for aid, gids in c.omissions.items() if gids}
    title, source = headline(c, reader_lang, {a.id: a.title for a in articles}, disputes + updates)
    dates = sorted(a["published"] for a in c.articles if a.get("published"))
    return StoryView(
        story_id=c.story_id, headline=title, headline_article=source, outlets=outlets,
        languages=sorted({a.get("lang") for a in c.articles if a.get("lang")}),
        first_report=dates[0] if dates else None, last_report=dates[-1] if dates else None,
        disputes=disputes, updates=updates,
        agreed=[v for v in shared if not v.figures_differ], differing=[v for v in shared if v.figures_differ],
        single=single, omissions=omissions,
        quotes=[(m, [quote_pieces(by_id[q["article_id"]], q["span"]) if q["article_id"] in by_id else [] for q in m.quotes])
                for m in c.quotes],
        timeline=_timeline(c.timeline), unreliable=c.unreliable, marks=marks)


def _dispute(slot: str, statements: list[dict[str, Any]], reason: str, report_of: dict[str, str],
             shown: dict[str, str]) -> Dispute:
    """One contradiction arranged for reading: its values, most reports first, each marked majority,
    outlier or split; or, for a count that only rises in publication order, earlier and latest."""
    by_value: dict[str, list[dict[str, Any]]] = {}
    for s in statements:
        by_value.setdefault(repr(s["value"]), []).append(s)
    reports = {k: len({report_of.get(s["article_id"], s["article_id"]) for s in v}) for k, v in by_value.items()}
    order = sorted(by_value, key=lambda k: (-reports[k], min(s.get("published") or "9999" for s in by_value[k])))
    reason = reason.split(LATER_NOTE)[0]  # the verdict's own update note: said again below, only where it holds
    if slot in COUNT_SLOTS and _only_rises(statements):
        latest = max(statements, key=lambda s: s["published"])
        values = [DisputedValue(by_value[k][0]["value"], "latest" if k == repr(latest["value"]) else "earlier", by_value[k])
                  for k in sorted(by_value, key=lambda k: min(s["published"] for s in by_value[k]))]
        first = values[0].statements[0]
        note = (f"first reported as {first['value']:g} ({shown.get(first['article_id'], first['source'])}, "
                f"{first['published'][:10]}); the latest report ({shown.get(latest['article_id'], latest['source'])}, "
                f"{latest['published'][:10]}) gives {latest['value']:g}")
        return Dispute(slot, "update", values, note)
    top = reports[order[0]]
    majority = len(order) > 1 and top > reports[order[1]]
    values = [DisputedValue(by_value[k][0]["value"], ("majority" if i == 0 else "outlier") if majority else "split", by_value[k])
              for i, k in enumerate(order)]
    note = reason
    dated = [s for s in statements if s.get("published")]
    if majority and dated:
        latest = max(dated, key=lambda s: s["published"])
        if repr(latest["value"]) != order[0] and latest["published"] != min(s["published"] for s in dated):
            note += (f"; the latest report ({shown.get(latest['article_id'], latest['source'])}, {latest['published'][:10]}) "
                     "differs from the majority: it may be an update")
    return Dispute(slot, "contradiction", values, note)


def _only_rises(statements: list[dict[str, Any]]) -> bool:
    """Every statement dated, and in publication order the figure never falls and changes only between
    reports published at different times: each later report raised the count."""
    if any(not s.get("published") or not isinstance(s["value"], (int, float)) for s in statements):
        return False
    ordered = sorted(statements, key=lambda s: s["published"])
    for a, b in zip(ordered, ordered[1:]):
        if b["value"] < a["value"] or (b["value"] != a["value"] and b["published"] == a["published"]):
            return False
    return ordered[0]["value"] != ordered[-1]["value"]


def _claim(g: ClaimGroup, lang_of: dict[str, str], reader_lang: str, marks: dict[str, list[tuple[int, int, str, str]]],
           extractions: dict[str, Extraction | None]) -> ClaimView:
    def garbled(u: ClaimUnit) -> bool:
        return any(k == "garbled" and u.span.start <= s < u.span.end for s, _, k, _ in marks.get(u.span.article_id, ()))

    def rank(u: ClaimUnit):
        text = u.text.strip()
        return (lang_of.get(u.span.article_id) != reader_lang, garbled(u), not _WHOLE.match(text), abs(len(text) - 160))

    lead = min(g.units, key=rank)
    return ClaimView(g.id, g.label, lead, [u for u in g.units if u is not lead], list(g.articles),
                     _differing_figures(g, extractions))


def _differing_figures(g: ClaimGroup, extractions: dict[str, Extraction | None]) -> list[str]:
    """"killed: 12 / 14 / 15" for each kind of figure the group's reports state differently."""
    stated: dict[str, dict[str, set[float]]] = {}
    for u in g.units:
        ex = extractions.get(u.span.article_id)
        for q in ex.quantities if ex is not None else []:
            if q.span.field == "text" and u.span.start <= q.span.start < u.span.end:
                kind = q.role if q.kind == "people" else (q.unit or q.kind)
                stated.setdefault(kind or q.kind, {}).setdefault(u.span.article_id, set()).add(q.value)
    out = []
    for kind, per_article in stated.items():
        sets = list(per_article.values())
        # different figures: two reports of the claim whose figures of this kind have nothing in common
        if len(sets) >= 2 and any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1:]):
            values = sorted({v for s in sets for v in s})
            out.append(f"{kind}: " + " / ".join(f"{v:,.10g}" for v in values))
    return out


def _marks(c: StoryComparison) -> dict[str, list[tuple[int, int, str, str]]]:
    """Spans to mark wherever their text is shown: values that cannot be trusted as printed, and values
    the reports dispute."""
    out: dict[str, list[tuple[int, int, str, str]]] = {}
    for u in c.unreliable:
        sp = u["span"]
        if _field(sp) == "text":
            out.setdefault(u["article_id"], []).append((sp.start, sp.end, "garbled", u["reason"]))
    for k in c.contradictions:
        for v in k.values:
            sp = v["span"]
            if _field(sp) == "text":
                out.setdefault(v["article_id"], []).append((sp.start, sp.end, "disputed", f"disputed: {k.slot}"))
    return out


def quote_pieces(article: Article, span: Span) -> list[QuotePiece]:
    """The passages of a quote's content span, each its own span without its quotation marks: "A," he said,
    "B" gives A and B, never the stitched string."""
    text = article.text[span.start:span.end]
    cuts = [(m.start(), m.end()) for m in _BREAK.finditer(text)]
    bounds, pos = [], 0
    for s, e in cuts:
        bounds.append((pos, s))
        pos = e
    bounds.append((pos, len(text)))
    out = []
    for s, e in bounds:
        while s < e and text[s] in _QUOTE_MARKS:
            s += 1
        while e > s and text[e - 1] in _QUOTE_MARKS:
            e -= 1
        if e > s:
            out.append(QuotePiece(text[s:e], Span(article.id, span.start + s, span.start + e, span.field)))
    return out


def _timeline(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline without repeats: one line per date and sentence (a sentence with two dates of one
    day, or a copy's publication, said once)."""
    seen, out = set(), []
    for t in entries:
        key = (t.date, t.kind, " ".join(t.text.split()).lower())
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out
