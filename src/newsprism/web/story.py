"""The story page as a reader sees it (from ``compare.view.StoryView``): a header that says what the story
is and who covers it, where the reports disagree first, then what they agree on (one sentence per claim,
the other wordings behind a disclosure), who said what, what only one report says, what each leaves out,
the timeline and the reports. Every cited span is a link to its article, scrolled to and marking it.
Sections with nothing to show are left out. Also the side-by-side view of two reports."""

from __future__ import annotations

from html import escape as e
from typing import Any
from urllib.parse import quote

from ..compare.chart import timeline_svg
from ..compare.view import clip
from ..model import Article, ClaimUnit, ClaimView, Dispute, Span, StoryComparison, StoryView, span_fields

ROLE_LABEL = {"majority": "majority", "outlier": "odd one out", "split": "no majority", "earlier": "earlier figure",
              "latest": "latest figure"}
LABELS = {"consensus": "every report", "partial": "some reports"}


def span_link(span: Span | dict | None) -> str:
    """The article page, scrolled to this span and marking it."""
    if span is None:
        return ""
    d = span_fields(span)
    field = "&field=title" if d.get("field") == "title" else ""
    return f"/articles/{quote(d['article_id'])}?span={d['start']}-{d['end']}{field}#span"


def person_link(name: str | None) -> str:
    """A speaker's name as a link to their page (everything they were quoted saying)."""
    return f"<a href='/people/{quote(name, safe='')}'>{e(name)}</a>" if name else "?"


def cite(span: Span | dict | None, outlet: str) -> str:
    """A reference as a link: the outlet and where in its text."""
    if span is None:
        return ""
    d = span_fields(span)
    where = "headline" if d.get("field") == "title" else f"chars {d['start']}–{d['end']}"
    return f" <a class=cite href='{e(span_link(span))}'>{e(outlet)}, {where}</a>"


class Render:
    """What rendering one story needs at hand: its view, its articles' texts and languages, outlets by id."""

    def __init__(self, view: StoryView, articles: dict[str, Article]):
        self.v, self.articles = view, articles
        self.outlet = {o.article_id: o for o in view.outlets}

    def name(self, article_id: str) -> str:
        o = self.outlet.get(article_id)
        return o.name if o else article_id[:8]

    def lang(self, article_id: str) -> str:
        o = self.outlet.get(article_id)
        return f" lang={e(o.lang)}" if o and o.lang else ""

    def text(self, unit: ClaimUnit | dict, limit: int | None = None) -> str:
        """A sentence (or a quoted value's text) with the disputed and garbled values inside it marked."""
        span = unit.span if isinstance(unit, ClaimUnit) else unit["span"]
        text = unit.text if isinstance(unit, ClaimUnit) else unit["text"]
        art = self.articles.get(span.article_id)
        if art is not None and span.field == "text" and art.text[span.start:span.end] == text:
            marks = sorted((s, x, k, n) for s, x, k, n in self.v.marks.get(span.article_id, ())
                           if span.start <= s and x <= span.end)
        else:
            marks = []
        out, pos = [], span.start
        for s, x, kind, note in marks:
            if s < pos:
                continue  # overlapping marks: the first wins
            out.append(e(text[pos - span.start:s - span.start]))
            label = "cannot be right as printed" if kind == "garbled" else "disputed"
            out.append(f"<mark class={kind} title='{e(note)}'>{e(text[s - span.start:x - span.start])}"
                       f"<span class=sr> ({label})</span></mark>")
            pos = x
        out.append(e(text[pos - span.start:]))
        html = "".join(out).strip()
        return html if limit is None or len(text) <= limit else e(clip(text.strip(), limit))

    def unit(self, u: ClaimUnit, tag: str = "p") -> str:
        return f"<{tag}{self.lang(u.span.article_id)}>{self.text(u)}{cite(u.span, self.name(u.span.article_id))}</{tag}>"


def story_page_body(c: StoryComparison, view: StoryView, articles: dict[str, Article], writable: bool,
                    candidates: list[dict[str, Any]]) -> str:
    r = Render(view, articles)
    parts = [_header(view, r)]
    parts.append(_disagree(view, r))
    parts.append(_agree(c, view, r))
    parts.append(_quotes(view, r))
    parts.append(_single(view, r))
    parts.append(_omissions(view, r))
    parts.append(_timeline(c, view, r))
    parts.append(_reports(c, view, r))
    if writable:
        parts.append(_corrections(view, candidates))
    return "\n".join(p for p in parts if p)


def _header(v: StoryView, r: Render) -> str:
    reports = [o for o in v.outlets if not o.copy_of]
    names = sorted({o.name for o in v.outlets})
    when = ""
    if v.first_report:
        when = f" · first report {e(v.first_report[:16].replace('T', ' '))}"
        if v.last_report and v.last_report != v.first_report:
            when += f", latest {e(v.last_report[:16].replace('T', ' '))}"
    strip = "".join(
        f"<li><a href='/articles/{quote(o.article_id)}'><span class=outlet>{e(o.name)}</span>"
        f"{'' if o.named else ' <span class=hint>(outlet not named)</span>'} "
        f"<span class=lang-tag>{e((o.lang or '?').upper())}</span>"
        f"{' <span class=hint>copy</span>' if o.copy_of else ''}</a></li>" for o in v.outlets)
    n = v.counts
    count_links = [f"<a href='#disagree'>{n['disputed']} disputed</a>" if n["disputed"] else "0 disputed",
                   f"<a href='#agree'>{n['agreed']} agreed</a>" if n["agreed"] else "0 agreed",
                   f"<a href='#single'>{n['single']} single-source</a>" if n["single"] else "0 single-source"]
    if n["updates"]:
        count_links.append(f"<a href='#updates'>{n['updates']} updated</a>")
    src = v.headline_article
    copies = len(v.outlets) - len(reports)
    return (f"<header class=story-head><p class=kicker>Story {v.story_id} · {_n(len(reports), 'report')}"
            f"{' and ' + _n(copies, 'copy', 'copies') if copies else ''} from {_n(len(names), 'outlet')} in "
            f"{_n(len(v.languages), 'language')}{when}</p>"
            f"<h1{r.lang(src) if src else ''}>{e(v.headline)}</h1>"
            f"<ul class=coverage aria-label='Who covers it'>{strip}</ul>"
            f"<p class=counts>{' · '.join(count_links)}</p></header>")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _statement(s: dict[str, Any], r: Render) -> str:
    return f"<li{r.lang(s['article_id'])}>“{r.text(s)}”{cite(s['span'], r.name(s['article_id']))}</li>"


def _dispute(d: Dispute, r: Render) -> str:
    rows = []
    for val in d.values:
        reports = len({s["article_id"] for s in val.statements})
        shown = f"{val.value:,.10g}" if isinstance(val.value, (int, float)) else str(val.value)
        rows.append(f"<div class='val {val.role}'><p><span class=tag>{ROLE_LABEL[val.role]}</span> <b>{e(shown)}</b> "
                    f"<span class=hint>{reports} report{'s' if reports != 1 else ''}</span></p>"
                    f"<ul>{''.join(_statement(s, r) for s in val.statements)}</ul></div>")
    return f"<article class=dispute><h3>{e(d.slot)}</h3><p class=note>{e(d.note)}.</p>{''.join(rows)}</article>"


def _claim(cv: ClaimView, r: Render, total: int) -> str:
    who = ", ".join(dict.fromkeys(r.name(a) for a in cv.articles))
    scope = LABELS.get(cv.label, "")
    others = ""
    if cv.others:
        others = (f"<details><summary>{len(cv.others)} other wording{'s' if len(cv.others) != 1 else ''}</summary>"
                  f"{''.join(r.unit(u) for u in cv.others)}</details>")
    differ = "".join(f"<p class=differ><span class=tag>figures differ</span> {e(f)}</p>" for f in cv.figures_differ)
    return (f"<li class=claim>{differ}{r.unit(cv.lead)}<p class=by>{len(cv.articles)} of {total} reports"
            f"{' (' + scope + ')' if scope else ''}: {e(who)}</p>{others}</li>")


def _disagree(v: StoryView, r: Render) -> str:
    total = len([o for o in v.outlets if not o.copy_of])
    out = []
    if v.disputes or v.differing:
        out.append("<section id=disagree><h2>Where they disagree</h2>")
        out += [_dispute(d, r) for d in v.disputes]
        if v.differing:
            out.append("<h3>The same claim with different figures</h3><ul class=claims>"
                       + "".join(_claim(cv, r, total) for cv in v.differing) + "</ul>")
        out.append("</section>")
    if v.updates:
        out.append("<section id=updates><h2>Updated as the story developed</h2>"
                   + "".join(_dispute(d, r) for d in v.updates) + "</section>")
    if v.unreliable:
        out.append("<section id=unreliable><h2>Values that cannot be trusted as printed</h2><ul>"
                   + "".join(f"<li{r.lang(u['article_id'])}><mark class=garbled>{e(u['text'])}</mark> {e(u['reason'])}"
                             f"{cite(u['span'], r.name(u['article_id']))}</li>" for u in v.unreliable) + "</ul></section>")
    return "".join(out)


def _agree(c: StoryComparison, v: StoryView, r: Render) -> str:
    if not (v.agreed or c.agreed):
        return ""
    total = len([o for o in v.outlets if not o.copy_of])
    out = ["<section id=agree><h2>What they agree on</h2>"]
    if c.agreed:
        out.append("<ul class=figures>")
        for a in c.agreed:
            by = "every report" if a["everyone"] else f"{len(a['values'])} reports, none saying otherwise"
            refs = "".join(cite(x["span"], r.name(x["article_id"])) for x in a["values"])
            value = f"{a['value']:,.10g}" if isinstance(a["value"], (int, float)) else str(a["value"])
            out.append(f"<li><b>{e(a['slot'])}: {e(value)}</b>"
                       f" <span class=hint>({by})</span>{refs}</li>")
        out.append("</ul>")
    if v.agreed:
        out.append("<ul class=claims>" + "".join(_claim(cv, r, total) for cv in v.agreed) + "</ul>")
    out.append("</section>")
    return "".join(out)


def _quotes(v: StoryView, r: Render) -> str:
    if not v.quotes:
        return ""
    out = ["<section id=quotes><h2>Who said what</h2>"]
    for m, pieces in v.quotes:
        rows = []
        for q, parts in zip(m.quotes, pieces):
            kind = "direct" if q["direct"] else "indirect"
            said = f", said by {e(q['said_by'])}" if q.get("said_by") else ""
            shown = " … ".join(f"“{e(p.text)}”{cite(p.span, r.name(q['article_id']))}" for p in parts) or (
                f"“{e(q['text'])}”{cite(q['span'], r.name(q['article_id']))}")
            rows.append(f"<li{r.lang(q['article_id'])}><span class=hint>{e(r.name(q['article_id']))} ({kind}{said}):</span> {shown}</li>")
        out.append(f"<h3>{person_link(m.speaker)}</h3><ul>{''.join(rows)}</ul>")
    out.append("</section>")
    return "".join(out)


def _single(v: StoryView, r: Render) -> str:
    if len(v.outlets) < 2:
        return ""
    return _per_report("single", "What only one report says", "", v.single, r,
                       lambda n: f"{n} sentence{'s' if n != 1 else ''}")


def _omissions(v: StoryView, r: Render) -> str:
    return _per_report("omissions", "What each report leaves out", "<p class=hint>Claims most other reports carry.</p>",
                       v.omissions, r, lambda n: f"leaves out {n}")


def _per_report(anchor: str, title: str, intro: str, claims: dict[str, list[ClaimView]], r: Render, count) -> str:
    """A section with one disclosure per report listing its claims (nothing when no report has any)."""
    if not claims:
        return ""
    out = [f"<section id={anchor}><h2>{title}</h2>{intro}"]
    for aid, items in claims.items():
        out.append(f"<details><summary>{e(r.name(aid))}: {count(len(items))}</summary>"
                   f"<ul>{''.join(r.unit(cv.lead, 'li') for cv in items)}</ul></details>")
    out.append("</section>")
    return "".join(out)


def _timeline(c: StoryComparison, v: StoryView, r: Render) -> str:
    if len(v.timeline) < 2:
        return ""
    # The chart keeps its drawn size in a region that scrolls by itself on a phone (its labels stay
    # readable); its marks are not links: the list below carries them, in the tab order once.
    chart = timeline_svg(c, None)
    rows = []
    for t in v.timeline:
        what = "published" if t.kind == "published" else "dated fact"
        link = cite(t.span, r.name(t.article_id)) if t.span else f" <a class=cite href='/articles/{quote(t.article_id)}'>{e(r.name(t.article_id))}</a>"
        rows.append(f"<li><time>{e(t.date)}</time> <span class=hint>{what}</span> "
                    f"<span{r.lang(t.article_id)}>{e(clip(t.text, 200))}</span>{link}</li>")
    return (f"<section id=timeline><h2>Timeline</h2>"
            + (f"<div class=chart role=region aria-label='timeline chart' tabindex=0>{chart}</div>" if chart else "")
            + f"<ol class=timeline-list>{''.join(rows)}</ol></section>")


def _reports(c: StoryComparison, v: StoryView, r: Render) -> str:
    rows = []
    for o in v.outlets:
        orig = f"<a href='{e(o.url)}' rel=noopener>original</a>" if o.url and o.url.startswith(("http://", "https://")) else "-"
        copy = f" <span class=hint>(copy of {e(r.name(o.copy_of))})</span>" if o.copy_of else ""
        rows.append(f"<tr><td>{e(o.name)}{copy}</td><td>{e(o.lang or '-')}</td><td>{e((o.published or '-')[:16].replace('T', ' '))}</td>"
                    f"<td{r.lang(o.article_id)}><a href='/articles/{quote(o.article_id)}'>{e(clip(o.title, 110))}</a></td><td>{orig}</td></tr>")
    out = ["<section id=reports><h2>The reports</h2><div class=scroll role=region aria-label='the reports' tabindex=0>"
           "<table class=stack><thead><tr><th scope=col>outlet</th><th scope=col>language</th><th scope=col>published</th>"
           f"<th scope=col>headline</th><th scope=col>source page</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"]
    if len(v.outlets) >= 2:
        opts = "".join(f"<option value='{e(o.article_id)}'>{e(o.name)} ({e(o.lang or '?')})</option>" for o in v.outlets)
        second = "".join(f"<option value='{e(o.article_id)}'{' selected' if i == 1 else ''}>{e(o.name)} ({e(o.lang or '?')})</option>"
                         for i, o in enumerate(v.outlets))
        out.append(f"<form class=inline action='/stories/{v.story_id}/compare'><label>Read two reports side by side: "
                   f"<select name=a>{opts}</select></label> <label>and <select name=b>{second}</select></label> "
                   f"<button>compare</button></form>")
    shared = [g for g in c.groups if g.label != "unique"]
    if shared and len(v.outlets) >= 2:
        head = "".join(f"<th scope=col>{e(clip(o.name, 18))}</th>" for o in v.outlets)
        body = []
        for g in shared:
            cells = "".join(("<td class=yes>✓<span class=sr> reports it</span></td>" if o.article_id in g.articles
                             else "<td class=no>–<span class=sr> not in it</span></td>") for o in v.outlets)
            lead = next(cv for cv in v.agreed + v.differing if cv.group == g.id)
            body.append(f"<tr><th scope=row{r.lang(lead.lead.span.article_id)}>{r.text(lead.lead, 110)}</th>{cells}</tr>")
        out.append("<h3>Which report carries which claim</h3><div class=scroll role=region aria-label='claims by report' tabindex=0>"
                   f"<table class=matrix><thead><tr><th scope=col>claim</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")
    out.append("</section>")
    return "".join(out)


def _corrections(v: StoryView, candidates: list[dict[str, Any]]) -> str:
    """Forms that pick what they act on from the page (no ids to type); each asks for a confirmation."""
    others = [s for s in candidates if s["id"] != v.story_id]
    story_opts = "".join(f"<option value={s['id']}>{e(clip(s['title'], 70))} ({s['size']})</option>" for s in others)
    arts = "".join(f"<option value='{e(o.article_id)}'>{e(o.name)}: {e(clip(o.title, 60))}</option>" for o in v.outlets)
    merge = (f"<form class=edit method=post action='/ui/merge'><input type=hidden name=target value={v.story_id}>"
             f"<label>Merge into this story: <select name=others>{story_opts}</select></label> "
             f"<label>token <input name=token type=password autocomplete=off></label> <button>merge…</button></form>"
             if others else "")
    move = (f"<form class=edit method=post action='/ui/move'><label>Move <select name=article_id>{arts}</select></label> "
            f"<label>to <select name=story_id><option value=''>a new story of its own</option>{story_opts}</select></label> "
            f"<label>token <input name=token type=password autocomplete=off></label> <button>move…</button></form>")
    return (f"<section id=correct><h2>Correct this story</h2><p class=hint>Each correction asks you to confirm, "
            f"and the last one can be undone.</p>{merge}{move}</section>")


def side_by_side(view: StoryView, c: StoryComparison, articles: dict[str, Article], a: str, b: str) -> str:
    """Two reports of one story in two columns: the claims both carry on one row each, then what each
    alone says; every sentence cites its span."""
    r = Render(view, articles)
    both, only_a, only_b = [], [], []
    for g in c.groups:
        ua = next((u for u in g.units if u.span.article_id == a), None)
        ub = next((u for u in g.units if u.span.article_id == b), None)
        if ua and ub:
            both.append((ua, ub))
        elif ua:
            only_a.append(ua)
        elif ub:
            only_b.append(ub)
    both.sort(key=lambda p: p[0].span.start)

    def col(u: ClaimUnit | None) -> str:
        return f"<div class=cell>{r.unit(u)}</div>" if u else "<div class='cell empty'><span class=hint>—</span></div>"

    head = (f"<div class=pair><div class=cell><h3>{e(r.name(a))}</h3><p class=hint{r.lang(a)}>{e(r.outlet[a].title)}</p></div>"
            f"<div class=cell><h3>{e(r.name(b))}</h3><p class=hint{r.lang(b)}>{e(r.outlet[b].title)}</p></div></div>")
    rows = "".join(f"<div class=pair>{col(x)}{col(y)}</div>" for x, y in both)
    alone = "".join(f"<div class=pair>{col(x)}{col(None)}</div>" for x in sorted(only_a, key=lambda u: u.span.start))
    alone += "".join(f"<div class=pair>{col(None)}{col(y)}</div>" for y in sorted(only_b, key=lambda u: u.span.start))
    return (f"<p><a href='/stories/{view.story_id}'>← story {view.story_id}: {e(view.headline)}</a></p>"
            f"<h1>Two reports side by side</h1>{head}"
            f"<h2>What both report ({len(both)})</h2>{rows or '<p>No claim in common.</p>'}"
            f"<h2>What only one of them reports ({len(only_a) + len(only_b)})</h2>{alone or '<p>Nothing.</p>'}")

