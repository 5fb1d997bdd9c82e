"""The reader's view of a comparison (compare/view.py): the headline rule, disputes with their majority and
odd one out, updates over time, claims with differing figures, quotes cut into their passages."""

from __future__ import annotations

from newsprism.compare.view import headline, outlet_names, quote_pieces, story_view
from newsprism.model import (Article, ClaimGroup, ClaimUnit, Contradiction, Extraction, Quantity, Span, StoryComparison,
                             TimelineEntry)


def art(aid: str, text: str, title: str | None, lang: str = "en", source: str | None = "Wire", published: str = "2026-03-03",
        provenance: str = "metadata", url: str | None = None) -> Article:
    return Article(id=aid, text=text, title=title, source=source, source_provenance=provenance, url=url, lang=lang,
                   published=published, date_provenance="metadata", date_precision="day", sentences=[(0, len(text))],
                   origin=f"{aid}.txt")


def value(a: Article, value: float, text: str, field: str = "title") -> dict:
    where = (a.title if field == "title" else a.text).index(text)
    return {"value": value, "text": text, "span": Span(a.id, where, where + len(text), field), "article_id": a.id,
            "source": a.source, "published": a.published}


def comparison(articles: list[Article], contradictions=(), groups=(), unreliable=(), timeline=()) -> StoryComparison:
    return StoryComparison(7, [{"id": a.id, "source": a.source or a.id, "lang": a.lang, "published": a.published,
                                "title": a.title or a.text[:80], "copy_of": None} for a in articles],
                           groups=list(groups), contradictions=list(contradictions), unreliable=list(unreliable),
                           timeline=list(timeline))


def unit(a: Article, start: int = 0, end: int | None = None) -> ClaimUnit:
    end = len(a.text) if end is None else end
    return ClaimUnit(Span(a.id, start, end), a.text[start:end], a.source or a.id)


A = art("a", "A ferry sank off Cebu on Tuesday, killing at least 12 people.", "Ferry sinks off Cebu, at least 12 dead", source="Coastal")
B = art("b", "A ferry sank off Cebu on Tuesday, killing at least 12 people.", "Ferry sinks off Cebu, at least 12 dead", source="Harbor")
C = art("c", "菲律宾宿务一艘渡轮周二沉没，至少15人死亡。", "菲律宾宿务渡轮沉没 至少15人死亡", lang="zh", source="东方时报")
D = art("d", "The death toll from the sinking rose to 14 on Wednesday.", "Cebu ferry death toll rises to 14", source="Harbor",
        published="2026-03-04")
KILLED = Contradiction("killed", [value(A, 12, "12"), value(B, 12, "12"), value(C, 15, "15"), value(D, 14, "14")],
                       "the articles state different figures for killed; the latest report (Harbor, 2026-03-04) may be an update")


def test_the_majority_and_the_odd_ones_out_are_told_apart():
    v = story_view(comparison([A, B, C, D], [KILLED]), [A, B, C, D], {})
    (d,) = v.disputes
    assert d.kind == "contradiction"
    assert [(x.value, x.role, len(x.statements)) for x in d.values] == [(12, "majority", 2), (15, "outlier", 1), (14, "outlier", 1)]
    # the latest report (14) disagrees with the majority: the note says it may be an update
    assert "differs from the majority: it may be an update" in d.note


def test_no_update_note_when_the_latest_report_agrees_with_the_majority():
    late = art("e", "At least 12 people died.", "12 dead", source="Late", published="2026-03-05")
    k = Contradiction("killed", [value(A, 12, "12"), value(C, 15, "15"), value(late, 12, "12")], "differ; the latest report (Late) may be an update")
    (d,) = story_view(comparison([A, C, late], [k]), [A, C, late], {}).disputes
    assert d.values[0].role == "majority" and "update" not in d.note


def test_a_toll_that_only_rises_over_time_is_an_update_not_a_contradiction():
    k = Contradiction("killed", [value(A, 12, "12"), value(D, 14, "14")], "the articles state different figures for killed")
    v = story_view(comparison([A, D], [k]), [A, D], {})
    assert v.disputes == [] and len(v.updates) == 1
    assert [(x.value, x.role) for x in v.updates[0].values] == [(12, "earlier"), (14, "latest")]
    assert "first reported as 12" in v.updates[0].note and "gives 14" in v.updates[0].note
    # a toll that falls, or differs on the same day, stays a contradiction
    same_day = art("f", "Ten people died.", "10 dead", source="Other")
    k2 = Contradiction("killed", [value(A, 12, "12"), value(same_day, 10, "10")], "differ")
    assert story_view(comparison([A, same_day], [k2]), [A, same_day], {}).disputes[0].values[0].role == "split"


def test_the_headline_never_states_a_disputed_figure():
    # 12 is the majority's figure: an English headline stating it may stand
    assert headline(comparison([A, B, C, D], [KILLED])) == ("Ferry sinks off Cebu, at least 12 dead", "a")
    # with no majority, the clause stating the toll is cut, and the rest is the headline
    split = Contradiction("killed", [value(A, 12, "12"), value(C, 15, "15")], "differ")
    assert headline(comparison([A, C], [split])) == ("Ferry sinks off Cebu", "a")
    # a headline that is nothing but the disputed figure is out: the other report's stands in
    only = art("g", "Jewels worth 20 million euros were stolen.", "Jewels worth 20 million euros stolen", source="X")
    other = art("h", "Juwelen im Wert von zwei Millionen Euro gestohlen.", "Juwelendiebstahl im Dresdner Kessler-Museum", lang="de")
    money = Contradiction("money (EUR)", [value(only, 2e7, "20 million euros"), value(other, 2e6, "zwei Millionen Euro", "text")], "differ")
    assert headline(comparison([only, other], [money])) == ("Juwelendiebstahl im Dresdner Kessler-Museum", "h")


def test_the_headline_prefers_the_readers_language_and_the_most_central_report():
    groups = [ClaimGroup(1, "consensus", [unit(A), unit(C)], ["a", "c"]), ClaimGroup(2, "partial", [unit(C), unit(D)], ["c", "d"])]
    c = comparison([A, C, D], groups=groups)
    assert headline(c, "zh")[1] == "c"  # the only Chinese headline
    # in English: A and D share one claim each; A is earlier
    assert headline(c, "en")[1] == "a"
    # no headline at all: the lead sentence of the most shared claim, never cut mid-word
    untitled = comparison([art("u", "word " * 60, None), art("w", "x", None)],
                          groups=[ClaimGroup(1, "consensus", [unit(art("u", "word " * 60, None))], ["u", "w"])])
    text, source = headline(untitled, "en", {"u": None, "w": None})
    assert source is None and text.endswith("word…") and len(text) <= 141


def test_a_claim_whose_reports_give_different_figures_is_not_agreement():
    ex = {"a": Extraction("a", quantities=[Quantity(Span("a", 44, 46), "12", "people", 12, role="killed")]),
          "c": Extraction("c", quantities=[Quantity(Span("c", 15, 17), "15", "people", 15, role="killed")])}
    groups = [ClaimGroup(1, "consensus", [unit(A), unit(C)], ["a", "c"]), ClaimGroup(2, "consensus", [unit(B), unit(A)], ["b", "a"])]
    v = story_view(comparison([A, B, C], groups=groups), [A, B, C], ex)
    assert [cv.group for cv in v.differing] == [1] and v.differing[0].figures_differ == ["killed: 12 / 15"]
    assert [cv.group for cv in v.agreed] == [2]
    assert v.counts["disputed"] == 1 and v.counts["agreed"] == 1


def test_the_representative_sentence_is_in_the_readers_language_and_the_rest_are_kept():
    groups = [ClaimGroup(1, "consensus", [unit(C), unit(A)], ["c", "a"])]
    v = story_view(comparison([A, C], groups=groups), [A, C], {})
    assert v.agreed[0].lead.span.article_id == "a" and [u.span.article_id for u in v.agreed[0].others] == ["c"]
    v_zh = story_view(comparison([A, C], groups=groups), [A, C], {}, reader_lang="zh")
    assert v_zh.agreed[0].lead.span.article_id == "c"


def test_a_quote_interrupted_by_its_attribution_is_shown_as_its_passages():
    text = 'Officials spoke. "We are still searching," Delgado said. "The weather made it difficult." Then rain.'
    a = art("q", text, "t")
    start, end = text.index("We are"), text.index("difficult.") + len("difficult.")
    pieces = quote_pieces(a, Span("q", start, end))
    assert [p.text for p in pieces] == ["We are still searching,", "The weather made it difficult."]
    assert all(text[p.span.start:p.span.end] == p.text for p in pieces)  # every shown character is the source's
    assert [p.text for p in quote_pieces(a, Span("q", text.index("The weather"), end))] == ["The weather made it difficult."]


def test_an_outlet_known_only_by_its_file_name_gets_a_readable_name():
    named = outlet_names([art("n1", "x", "t", source="000_405566032cb3d3f1", provenance="filename"),
                          art("n2", "x", "t", source="000_2", provenance="filename", url="https://www.example.org/a"),
                          art("n3", "x", "t", source="Harbor Wire")])
    assert named == {"n1": ("unnamed outlet", False), "n2": ("example.org", False), "n3": ("Harbor Wire", True)}


def test_garbled_and_disputed_values_are_marked_and_repeated_timeline_lines_go():
    g = art("z", "The office opens in 4, officials said.", "t", lang="en")
    unreliable = [{"text": "in 4", "span": Span("z", 16, 20), "article_id": "z", "source": "Wire", "flags": ["garbled"],
                   "reason": "cannot be right"}]
    line = TimelineEntry("2026-03-03", "published", "t", None, "z")
    v = story_view(comparison([g], unreliable=unreliable, timeline=[line, line]), [g], {})
    assert v.marks["z"] == [(16, 20, "garbled", "cannot be right")]
    assert len(v.timeline) == 1
