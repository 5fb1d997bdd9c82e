"""The story's timeline: each report's publication and every date it gives an event (garbled ones left out)."""

from __future__ import annotations

from ...model import TimelineEntry
from .common import _DATE_VALUE, Story


def timeline(story: Story) -> list[TimelineEntry]:
    out = []
    for art, ex in zip(story.articles, story.extractions):
        if art.published:
            out.append(TimelineEntry(art.published[:10], "published", art.title or art.text[:80], None, art.id))
        for t in ex.times if ex else []:
            if t.value and _DATE_VALUE.match(t.value) and "garbled" not in t.flags:
                s = max((a for a, b in art.sentences if a <= t.span.start), default=0)
                e = next((b for a, b in art.sentences if a <= t.span.start < b), min(len(art.text), t.span.end + 120))
                out.append(TimelineEntry(t.value, "event", art.text[s:e].strip()[:200], t.span, art.id))
    out.sort(key=lambda x: (x.date, x.kind != "event"))
    return out
