"""Figures: those every report states alike (agreed), and those reports state differently: a slot's
leading figure (a toll, a count, an amount), an outcome in words (a vote, a verdict), percentages inside
one aligned claim."""

from __future__ import annotations

from ...extract.quantities import lead_order
from ...model import Contradiction
from .common import FIGURE_SLOTS, Story, _later_note, _leading, _one_claim, _value, _values_clash


def agreed_figures(story: Story) -> list[dict]:
    """Figures two or more reports state alike and none states otherwise (each article's first figure of
    a slot, as for contradictions): "killed: 2" from "killing two people", "dos muertos", "2人死亡" and "Two
    people were killed", wherever in each article it stands. ``everyone``: every report states it."""
    articles, extractions, report_of = story.articles, story.extractions, story.report_of
    n_reports = len({report_of.get(a.id, a.id) for a in articles})
    out = []
    for slot, wanted in FIGURE_SLOTS:
        values = _leading(articles, extractions, lambda ex: lead_order(ex.quantities), wanted)
        reports = {report_of.get(v["article_id"], v["article_id"]) for v in values}
        if len(reports) >= 2 and len({v["value"] for v in values}) == 1:
            out.append({"slot": slot, "value": values[0]["value"], "values": values, "everyone": len(reports) == n_reports})
    return out


def figure_clashes(story: Story) -> list[Contradiction]:
    """Story-level slots: each article's first figure for a toll, a counted thing or an amount (the figure a
    report leads with); articles that differ contradict each other. Amounts only within one aligned claim."""
    out = []
    for slot, wanted in FIGURE_SLOTS:
        values = _leading(story.articles, story.extractions, lambda ex: lead_order(ex.quantities), wanted)
        # A report that only tells of one victim ("the woman killed") may be telling of one of several: it
        # contradicts no toll. Only counts stated as numbers clash.
        values = [v for v in values if not v.get("weak")]
        if len({v["value"] for v in values}) > 1 and (not slot.startswith("money") or _one_claim(values, story.groups)):
            out.append(Contradiction(slot, values, f"the articles state different figures for {slot}" + _later_note(values)))
    return out


def outcome_clashes(story: Story) -> list[Contradiction]:
    """Outcomes in words (a vote, a verdict): each article's first statement of the slot."""
    out = []
    for slot in sorted({x.slot for ex in story.extractions if ex is not None for x in ex.labels}):
        values = _leading(story.articles, story.extractions, lambda ex: ex.labels, lambda x, slot=slot: x.slot == slot)
        if len({v["value"] for v in values}) > 1:
            out.append(Contradiction(slot, values, f"the articles report the {slot} differently" + _later_note(values)))
    return out


def percent_clashes(story: Story) -> list[Contradiction]:
    """Percentages inside one aligned claim that differ between articles."""
    out = []
    by_id = story.by_id
    for g in story.groups:
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
    return out
