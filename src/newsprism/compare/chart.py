"""The story timeline as an inline SVG chart: one lane per source, a square where it published, a dot
for each dated fact it reports (a bar when the date is only a month or a year). No script and no
external asset, so it works in the web UI and in a dossier file sent by mail alike; each mark's
tooltip quotes the sentence and cites its span, and links to the article when a link pattern is given.

Dates far before the story (background such as "founded in 1998") would squash a linear axis into a
line, so they sit in a narrow "earlier" zone at the left, past an axis break, in date order.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

from ..model import StoryComparison

_LEFT, _WIDTH, _LANE, _TOP = 170, 900, 26, 26
_EARLY = 90  # pixels for the zone of dates long before the story
_CONTEXT_DAYS = 31  # how far before the first publication a date still counts as part of the story


_YEARS = (1000, 9000)  # a chart spans days around a story: dates at the calendar's ends (0001, 9999) are not placed


def _period(value: str) -> tuple[date, date] | None:
    """The first and last day a date of day, month or year precision stands for."""
    try:
        parts = [int(p) for p in value[:10].split("-")]
        if not parts or not _YEARS[0] <= parts[0] <= _YEARS[1]:
            return None
        if len(parts) == 3:
            d = date(*parts)
            return d, d
        if len(parts) == 2:
            start = date(parts[0], parts[1], 1)
            return start, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if len(parts) == 1 and 1 <= parts[0] <= 9999:
            return date(parts[0], 1, 1), date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def timeline_svg(c: StoryComparison, article_link: str | None = None) -> str:
    e = html.escape
    source = {a["id"]: a["source"] for a in c.articles}
    marks = [(t, p) for t in c.timeline if (p := _period(t.date)) and t.article_id in source]
    if not marks:
        return ""
    lanes = list(dict.fromkeys(source[a["id"]] for a in c.articles))
    published = [p[0] for t, p in marks if t.kind == "published"] or [min(p[0] for _, p in marks)]
    core_start = min(published) - timedelta(days=_CONTEXT_DAYS)
    core = [p for _, p in marks if p[1] >= core_start]
    first = min(max(p[0], core_start) for p in core)
    last = max(p[1] for p in core)
    pad = timedelta(days=max(1, round((last - first).days * 0.04)))  # marks never sit on the frame
    lo, hi = first - pad, last + pad
    span_days = (hi - lo).days
    early = sorted({p[0] for _, p in marks if p[1] < core_start})
    x0 = _LEFT + (_EARLY if early else 0)
    plot = _WIDTH - x0 - 16

    def x(d: date) -> float:
        return x0 + plot * max(0, (d - lo).days) / span_days

    def x_early(d: date) -> float:  # evenly spaced, in date order, inside the "earlier" zone
        return _LEFT + 8 + (_EARLY - 24) * (early.index(d) + 0.5) / len(early)

    height = _TOP + _LANE * len(lanes) + 30
    out = [f"<svg class=timeline viewBox='0 0 {_WIDTH} {height}' width='100%' role=img "
           f"aria-label='Timeline of story {c.story_id}: {len(marks)} dated items from {len(lanes)} sources'>"]
    for i, lane in enumerate(lanes):
        y = _TOP + _LANE * i
        out.append(f"<rect x=0 y={y} width={_WIDTH} height={_LANE} fill='{'#f7f7f9' if i % 2 else '#fff'}'/>"
                   f"<text x={_LEFT - 8} y={y + 17} text-anchor=end font-size=12>{e(lane[:24])}</text>")
    axis_y = _TOP + _LANE * len(lanes)
    out.append(f"<line x1={x0} y1={axis_y} x2={x0 + plot} y2={axis_y} stroke='#999'/>")
    step = next((n for n in (1, 2, 7, 14, 30, 61, 91, 182, 365, 730) if span_days / n <= 7), span_days)
    for k in range(1, span_days // step + 1):  # at most seven labelled ticks, a whole number of days apart
        d = lo + timedelta(days=k * step)
        if x(d) > x0 + plot - 35:  # its label would run off the chart
            break
        out.append(f"<line x1={x(d):.1f} y1={_TOP} x2={x(d):.1f} y2={axis_y + 4} stroke='#e3e3e8'/>"
                   f"<text x={x(d):.1f} y={axis_y + 18} text-anchor=middle font-size=11 fill='#555'>{d.isoformat()}</text>")
    if early:
        out.append(f"<text x={_LEFT + _EARLY / 2 - 8:.0f} y={axis_y + 18} text-anchor=middle font-size=11 fill='#555'>earlier</text>"
                   f"<text x={x0 - 8} y={axis_y + 5} font-size=14 fill='#999'>⫽</text>")
    for t, (start, end) in marks:
        y = _TOP + _LANE * lanes.index(source[t.article_id]) + _LANE / 2  # publications above the middle, facts below
        cite = f" [{t.article_id[:8]} {t.span.start}-{t.span.end}]" if t.span else ""
        tip = f"<title>{e(t.date)} · {e(source[t.article_id])}: {e(t.text[:200])}{e(cite)}</title>"
        if t.kind == "published":
            shape = f"<rect class=pub x={x(start) - 4:.1f} y={y - 10:.1f} width=8 height=8 fill='#4a6fa5'>{tip}</rect>"
        elif end < core_start:
            shape = f"<circle class=fact cx={x_early(start):.1f} cy={y + 4:.1f} r=5 fill='#d9822b'>{tip}</circle>"
        elif start != end:  # a month or a year: a bar over the part of it the axis shows
            w = max(x(end) - x(start), 6)
            shape = f"<rect class=fact x={x(start):.1f} y={y + 1:.1f} width={w:.1f} height=6 rx=3 fill='#d9822b' opacity=.75>{tip}</rect>"
        else:
            shape = f"<circle class=fact cx={x(start):.1f} cy={y + 4:.1f} r=5 fill='#d9822b'>{tip}</circle>"
        if article_link:
            shape = f"<a href='{e(article_link.format(id=t.article_id))}'>{shape}</a>"
        out.append(shape)
    out.append(f"<g font-size=11 fill='#555'><rect x={_LEFT} y=6 width=8 height=8 fill='#4a6fa5'/>"
               f"<text x={_LEFT + 12} y=14>published</text><circle cx={_LEFT + 90} cy=10 r=5 fill='#d9822b'/>"
               f"<text x={_LEFT + 99} y=14>dated fact (bar: a month or a year)</text></g></svg>")
    return "".join(out)
