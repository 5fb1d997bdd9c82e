"""Places: one aligned claim placed far apart by two reports ("near Zaragoza" / "near Huesca"), see
compare/places.py for the gazetteer and the distance rule."""

from __future__ import annotations

import re

from ...model import Article, Contradiction
from ..places import default_gazetteer, far_apart, fold, km
from .common import Story, _value


# "near Zaragoza": the small English model often tags a city after a preposition of place as an organisation
_AT_PLACE = re.compile(r"\b(?:in|near|at|outside|off|from|en|cerca de|bei|nahe|près de|à|em|perto de|vicino a)\s+$", re.I)


def _is_place(art: Article, e) -> bool:
    if e.kind == "place":
        return True
    return e.kind != "person" and bool(_AT_PLACE.search(art.text[max(0, e.span.start - 12) : e.span.start]))

def _names(text: str, e, place) -> bool:
    """Whether an article's folded text names this place (as the entity wrote it, or the city's name)."""
    return any(fold(n) in text for n in {e.text, e.canonical, place.name} if len(fold(n)) >= 3)


def place_clashes(story: Story, gazetteer=None) -> list[Contradiction]:
    """One aligned claim, placed far apart by two reports ("near Zaragoza" / "near Huesca"): see places.py."""
    groups, by_id, texts = story.groups, story.by_id, story.texts
    if not any(len(g.articles) >= 2 for g in groups):
        return []  # a story of one report: no need to load the gazetteer
    gazetteer = gazetteer or default_gazetteer()
    if gazetteer is None:
        return []
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
