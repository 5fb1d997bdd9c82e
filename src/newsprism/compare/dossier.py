"""A story's comparison as Markdown, JSON, or one self-contained HTML file (no scripts, no external
assets) that a user can send: contradictions first, then the figures all agree on, the source-by-claim
coverage matrix, agreed claims, what only some report, what each source leaves out, matched quotes, the timeline, and the
values that cannot be trusted as printed. Every line cites its article and character span."""

from __future__ import annotations

import html
import json

from ..model import StoryComparison, span_fields
from .chart import timeline_svg


def _fmt(value) -> str:
    return f"{value:,.10g}" if isinstance(value, float) else str(value)


def _cite(span) -> str:
    if span is None:
        return ""
    d = span_fields(span)
    where = "title " if d.get("field") == "title" else ""
    return f"[{d['article_id'][:8]} {where}{d['start']}-{d['end']}]"


def _source(a: dict, src: dict[str, str]) -> str:
    """The outlet, and whose report it republishes when it is a copy (copies are not counted as reports)."""
    copy = a.get("copy_of")
    return f"{a['source']} (copy of {src.get(copy, copy)}, {copy[:8]})" if copy else a["source"]


def _agreed_by(a: dict) -> str:
    """Who states an agreed figure: every report, or those that state it (the rest are silent)."""
    return "every source" if a["everyone"] else f"{len(a['values'])} sources, none saying otherwise"


def to_json(c: StoryComparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2)


def to_markdown(c: StoryComparison) -> str:
    """The dossier as Markdown. Most Markdown renderers pass HTML through: every <, > and & in it (all of
    them come from article text; the template writes none) is escaped, so a page's <script> stays text."""
    return _escape_markup(_markdown(c))


def _escape_markup(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown(c: StoryComparison) -> str:
    src = {a["id"]: a["source"] for a in c.articles}
    out = [f"# Story {c.story_id}: {c.articles[0]['title'] if c.articles else ''}", ""]
    out.append("| article | source | language | published | title |")
    out.append("|---|---|---|---|---|")
    for a in c.articles:
        out.append(f"| {a['id'][:8]} | {_source(a, src)} | {a['lang'] or '-'} | {(a['published'] or '-')[:10]} | {a['title'][:70]} |")
    out += ["", "## Contradictions", ""]
    if not c.contradictions:
        out.append("None found.")
    for k in c.contradictions:
        vals = "; ".join(f"**{_fmt(v['value'])}** in {v['source']} (\u201c{v['text']}\u201d {_cite(v['span'])})" for v in k.values)
        out.append(f"- **{k.slot}**: {vals}. {k.reason}.")
    if c.unreliable:
        out += ["", "## Unreliable values (shown, not trusted)", ""]
        for u in c.unreliable:
            out.append(f"- \u201c{u['text']}\u201d in {u['source']} {_cite(u['span'])}: {u['reason']}")
    if c.agreed:
        out += ["", "## Figures the sources agree on", ""]
        for a in c.agreed:
            spans = "; ".join(f"\u201c{v['text']}\u201d in {v['source']} {_cite(v['span'])}" for v in a["values"])
            out.append(f"- **{a['slot']}: {_fmt(a['value'])}** ({_agreed_by(a)}): {spans}")
    for label, title in (("consensus", "Reported by every source"), ("partial", "Reported by some sources"),
                         ("unique", "Reported by one source")):
        groups = [g for g in c.groups if g.label == label]
        out += ["", f"## {title} ({len(groups)})", ""]
        for g in groups:
            if label == "unique":
                u = g.units[0]
                out.append(f"- {src[u.span.article_id]}: {u.text.strip()} {_cite(u.span)}")
                continue
            out.append(f"- group {g.id}, {len(g.articles)} of {len(c.articles)} sources:")
            for u in g.units:
                out.append(f"    - {src[u.span.article_id]}: {u.text.strip()} {_cite(u.span)}")
    out += ["", "## What each source leaves out (that most others report)", ""]
    for aid, gids in c.omissions.items():
        out.append(f"- {src[aid]} ({aid[:8]}): {', '.join(f'group {g}' for g in gids) if gids else 'nothing'}")
    for o in c.omitted_figures:
        out.append(f"- {src[o['article_id']]} ({o['article_id'][:8]}) reports group {o['group']} without a figure: "
                   + "; ".join(f"\u201c{s['text']}\u201d in {src.get(s['article_id'], s['article_id'])} {_cite(s['span'])}"
                               for s in o["stated_by"]))
    out += ["", "## The same speaker across sources", ""]
    if not c.quotes:
        out.append("No speaker quoted with the same words in two sources.")
    for m in c.quotes:
        out.append(f"- **{m.speaker}** (similarity {m.similarity}):")
        for q in m.quotes:
            said_by = f", said by {q['said_by']}" if q.get("said_by") else ""
            out.append(f"    - {q['source']} ({'direct' if q['direct'] else 'indirect'}, {q['cue']}{said_by}): "
                       f"\u201c{q['text']}\u201d {_cite(q['span'])}")
    out += ["", "## Timeline", ""]
    for t in c.timeline:
        what = "published" if t.kind == "published" else "dated fact"
        out.append(f"- {t.date} ({what}, {src.get(t.article_id, t.article_id)}): {t.text} {_cite(t.span)}")
    out += ["", f"_Compared in {c.seconds:.2f} s. Spans are character offsets into each article's stored text._", ""]
    return "\n".join(out)


CSS = _CSS = """body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d1d1f}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:3px 7px;vertical-align:top}.c{background:#e7f6e7}.p{background:#fdf3d6}
.u{background:#f1f1f1}.x{background:#fde2e1}.cite{color:#777;font-size:.8em}.bad{background:#c62828;color:#fff;padding:0 3px}
.tl{position:relative;margin-left:7em}.tl div{margin:2px 0}.tl b{position:absolute;left:-7em;width:6.5em;text-align:right}
.timeline{margin:.5em 0 1em;border:1px solid #ddd}.timeline a:hover *{stroke:#000;stroke-width:2}
.matrix td{text-align:center;width:2.2em}.matrix td:first-child{text-align:left;width:auto;min-width:28em}"""


def to_html(c: StoryComparison) -> str:
    """The dossier as one self-contained page."""
    return (f"<!doctype html><meta charset=utf-8><title>Story {c.story_id}</title><style>{_CSS}</style>\n"
            + html_body(c))


def html_body(c: StoryComparison, article_link: str | None = None) -> str:
    """The dossier's HTML without the page around it (the web UI embeds it). ``article_link``: a URL
    pattern with ``{id}`` to link each article."""
    e = html.escape
    src = {a["id"]: a["source"] for a in c.articles}
    cols = [a["id"] for a in c.articles]

    def title_cell(a):
        text = e(a["title"][:90])
        return f"<a href='{e(article_link.format(id=a['id']))}'>{text}</a>" if article_link else text

    parts = [f"<h1>Story {c.story_id}: {e(c.articles[0]['title'] if c.articles else '')}</h1>",
             "<table><tr><th>#</th><th>source</th><th>lang</th><th>published</th><th>title</th></tr>"]
    for i, a in enumerate(c.articles, 1):
        parts.append(f"<tr><td>{i}</td><td>{e(_source(a, src))}</td><td>{e(a['lang'] or '-')}</td>"
                     f"<td>{e((a['published'] or '-')[:10])}</td><td>{title_cell(a)}</td></tr>")
    parts.append("</table><h2>Contradictions</h2>")
    if not c.contradictions:
        parts.append("<p>None found.</p>")
    for k in c.contradictions:
        vals = "".join(f"<li class=x><b>{e(_fmt(v['value']))}</b> — {e(v['source'])}: “{e(v['text'])}” "
                       f"<span class=cite>{e(_cite(v['span']))}</span></li>" for v in k.values)
        parts.append(f"<p><b>{e(k.slot)}</b>: {e(k.reason)}.</p><ul>{vals}</ul>")
    if c.unreliable:
        parts.append("<h2>Unreliable values</h2><ul>")
        parts += [f"<li><span class=bad>{e(u['text'])}</span> — {e(u['source'])}: {e(u['reason'])} "
                  f"<span class=cite>{e(_cite(u['span']))}</span></li>" for u in c.unreliable]
        parts.append("</ul>")
    if c.agreed:
        parts.append("<h2>Figures the sources agree on</h2><ul>")
        for a in c.agreed:
            spans = "; ".join(f"“{e(v['text'])}” — {e(v['source'])} <span class=cite>{e(_cite(v['span']))}</span>"
                              for v in a["values"])
            parts.append(f"<li class=c><b>{e(a['slot'])}: {e(_fmt(a['value']))}</b> ({e(_agreed_by(a))}): {spans}</li>")
        parts.append("</ul>")
    parts.append("<h2>Coverage: claims × sources</h2><table class=matrix><tr><th>claim</th>"
                 + "".join(f"<th title='{e(src[a])}'>{i}</th>" for i, a in enumerate(cols, 1)) + "</tr>")
    for g in c.groups:
        if g.label == "unique":
            continue
        cls = "c" if g.label == "consensus" else "p"
        cells = "".join(f"<td class={cls}>●</td>" if a in g.articles else "<td></td>" for a in cols)
        parts.append(f"<tr><td style='text-align:left'>{e(g.units[0].text.strip()[:110])}</td>{cells}</tr>")
    parts.append("</table>")
    for label, title in (("consensus", "Reported by every source"), ("partial", "Reported by some"), ("unique", "Reported by one")):
        cls = {"consensus": "c", "partial": "p", "unique": "u"}[label]
        parts.append(f"<h2>{title}</h2><ul>")
        for g in (g for g in c.groups if g.label == label):
            units = "".join(f"<div class={cls}>{e(src[u.span.article_id])}: {e(u.text.strip())} "
                            f"<span class=cite>{e(_cite(u.span))}</span></div>" for u in g.units)
            parts.append(f"<li>{units}</li>")
        parts.append("</ul>")
    parts.append("<h2>What each source leaves out</h2><ul>")
    titles = {g.id: g.units[0].text.strip()[:100] for g in c.groups}
    for aid, gids in c.omissions.items():
        items = "; ".join(e(titles[g]) for g in gids) or "nothing"
        parts.append(f"<li><b>{e(src[aid])}</b>: {items}</li>")
    for o in c.omitted_figures:
        stated = "; ".join(f"“{e(s['text'])}” in {e(src.get(s['article_id'], s['article_id']))} "
                           f"<span class=cite>{e(_cite(s['span']))}</span>" for s in o["stated_by"])
        parts.append(f"<li><b>{e(src[o['article_id']])}</b> reports “{e(titles[o['group']])}” without the figure others give: "
                     f"{stated}</li>")
    parts.append("</ul><h2>The same speaker across sources</h2>")
    for m in c.quotes:
        qs = "".join(f"<li>{e(q['source'])} ({'direct' if q['direct'] else 'indirect'}"
                     f"{', said by ' + e(q['said_by']) if q.get('said_by') else ''}): “{e(q['text'])}” "
                     f"<span class=cite>{e(_cite(q['span']))}</span></li>" for q in m.quotes)
        parts.append(f"<p><b>{e(m.speaker)}</b> (similarity {m.similarity})</p><ul>{qs}</ul>")
    parts.append("<h2>Timeline</h2>" + timeline_svg(c, article_link) + "<div class=tl>")
    for t in c.timeline:
        mark = "📰 " if t.kind == "published" else ""
        parts.append(f"<div><b>{e(t.date)}</b> {mark}{e(src.get(t.article_id, ''))}: {e(t.text[:160])}</div>")
    parts.append(f"</div><p class=cite>Compared in {c.seconds:.2f} s; spans are character offsets into each article's text.</p>")
    return "\n".join(parts)


RENDERERS = {"md": to_markdown, "json": to_json, "html": to_html}
