"""Source comparison on the demo corpus (planted contradictions) and the seeds (the issue's acceptance)."""

from __future__ import annotations

import json

import pytest
from tests.conftest import SEEDS

from newsprism import demo
from newsprism.compare.dossier import to_html, to_markdown
from newsprism.pipeline import cluster, compare, ingest


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from newsprism.store import open_store

    store = open_store(tmp_path_factory.mktemp("cmp") / "demo.db")
    ingest([str(demo.corpus_path())], store)
    cluster(store)
    yield store
    store.close()


def story_of(store, xid: str) -> int:
    return store.db.execute("SELECT m.story_id FROM story_members m JOIN articles a ON a.id = m.article_id "
                            "WHERE a.external_id = ?", (xid,)).fetchone()[0]


def xids(store, c) -> dict[str, str]:
    return {row[0]: row[1] for row in store.db.execute("SELECT id, external_id FROM articles")}


@pytest.mark.parametrize("first, slot, planted", [
    ("d01", "killed", {"d01": 12, "d04": 15}),
    ("d01", "passenger", {"d01": 103, "d04": 110}),
    ("d06", "worker", {"d06": 6000, "d07": 5000}),
    ("d09", "magnitude", {"d09": 6.1, "d10": 6.3}),
    ("d16", "money (USD)", {"d16": 300e6, "d17": 350e6}),
    ("d19", "job", {"d19": 1200, "d20": 1500}),
    ("d24", "money (EUR)", {"d25": 2e6, "d26": 20e6}),  # d24 writes "zwei Millionen": number words are not read in German
    ("d27", "rider", {"d27": 120000, "d28": 150000}),
    ("d30", "hour", {"d30": 24, "d32": 48}),
    ("d34", "killed", {"d34": 96, "d36": 101}),
    ("d09", "injured", {"d09": 40, "d12": 55}),  # "the number of people injured ... rose to 55"
    ("d16", "date", {"d16": "2027-01", "d18": "2027-07"}),  # payouts: the same event in unaligned sentences
    ("d22", "date", {"d22": "2026-03-14", "d23": "2026-03-15"}),  # the fire's start: Spanish vs English date
    ("d13", "vote", {"d13": "unanimous", "d14": "unanimous", "d15": "split"}),  # words: "unánime" vs "split"
])
def test_planted_contradictions_are_found_with_both_spans(demo_store, first, slot, planted):
    c = compare(demo_store, story_of(demo_store, first))
    names = xids(demo_store, c)
    found = next(k for k in c.contradictions if k.slot == slot)
    got = {names[v["article_id"]]: v["value"] for v in found.values}
    assert all(got.get(a) == v for a, v in planted.items()), got
    for v in found.values:  # each side is the exact text at its span (of the headline or of the text)
        art = demo_store.get_article(v["article_id"])
        source = art.title if v["span"].field == "title" else art.text
        assert source[v["span"].start : v["span"].end] == v["text"]


def test_agreeing_stories_have_no_contradiction(demo_store):
    # Chile: the same rate everywhere, so only the planted vote ("inflation fell in February" and "cut on
    # Tuesday" are two events, not one event dated twice).
    assert [k.slot for k in compare(demo_store, story_of(demo_store, "d13")).contradictions] == ["vote"]
    # Chengdu: "30号线" is metro line 30, not the 30th of the month
    assert not [k for k in compare(demo_store, story_of(demo_store, "d27")).contradictions if k.slot == "date"]
    # Every date contradiction in the demo is one its authors planted.
    dated = [k for sid in {story_of(demo_store, f"d{n:02d}") for n in range(1, 41)}
             for k in compare(demo_store, sid).contradictions if k.slot == "date"]
    assert len(dated) == 2
    worded = [k for sid in {story_of(demo_store, f"d{n:02d}") for n in range(1, 41)}
              for k in compare(demo_store, sid).contradictions if k.slot in ("vote", "verdict")]
    assert len(worded) == 1


def test_renderings(demo_store):
    c = compare(demo_store, story_of(demo_store, "d01"))
    md, page = to_markdown(c), to_html(c)
    assert md.startswith("# Story") and "## Contradictions" in md and "killing at least 12 people" in md
    assert page.startswith("<!doctype html>") and "<script" not in page and "http" not in page  # self-contained
    json.dumps(c.to_dict(), default=str)


def test_timeline_chart_places_each_source_on_its_lane(demo_store):
    import re

    from newsprism.compare.chart import timeline_svg
    from newsprism.model import Span, TimelineEntry

    c = compare(demo_store, story_of(demo_store, "d01"))
    svg = timeline_svg(c, article_link="/articles/{id}")
    sources = list(dict.fromkeys(a["source"] for a in c.articles))
    assert svg.count("<rect class=pub") == len(c.articles)  # one square per publication
    assert svg.count("class=fact") == sum(t.kind == "event" for t in c.timeline)
    assert all(f">{s}</text>" in svg for s in sources) and "/articles/" in svg

    # Background dates years before the story go to the "earlier" zone instead of squashing the axis;
    # a date known only to the month is a bar over that month; text is escaped.
    aid = c.articles[0]["id"]
    c.timeline += [TimelineEntry("1998", "event", "founded in 1998 <b>", Span(aid, 0, 4), aid),
                   TimelineEntry("2026-02", "event", "in February", Span(aid, 5, 9), aid),
                   TimelineEntry("2026", "event", "this year", Span(aid, 9, 12), aid)]  # starts before, ends after
    svg = timeline_svg(c)
    assert ">earlier</text>" in svg and "&lt;b&gt;" in svg and "<b>" not in svg
    assert svg.count("class=fact") == sum(t.kind == "event" for t in c.timeline)
    bar = re.search(r"<rect class=fact x=([\d.]+) y=[\d.]+ width=([\d.]+)", svg)
    assert bar and float(bar.group(2)) > 20  # February spans many days on a weeks-long axis
    xs = [float(v) for v in re.findall(r"<rect class=pub x=([\d.]+)", svg)]
    assert min(xs) > float(bar.group(1))  # the publications come after February


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/examples/seeds not present")
def test_seed_dossier(store):
    ingest([str(SEEDS)], store)
    cluster(store)
    c = compare(store, 1)
    first, second = c.articles[0]["id"], c.articles[1]["id"]
    consensus = [" || ".join(u.text for u in g.units) for g in c.groups if g.label == "consensus"]
    assert any("first Asian liaison office" in t and "first liaison office in Asia" in t for t in consensus)
    assert any("Stoltenberg visited Japan in January" in t and "Stoltenberg first discussed" in t for t in consensus)
    assert any("promising land" in t and "Mao Ning said on the 4th" in t for t in consensus)
    # the second packs "first office in Asia" and "consultations with partners" into one sentence: it joins both
    assert any("security partners, such as South Korea" in t and "consultations with partners" in t for t in consensus)
    assert any("calls for high vigilance" in t and "high degree of vigilance" in t for t in consensus)
    assert any("NATO would fund it" in t and "funded by Japan or NATO" in t for t in consensus)  # funding undecided
    assert any("disinformation" in t and t.count("Japan and NATO") >= 2 for t in consensus)  # the cyber partnership
    unique = {g.units[0].span.article_id: [] for g in c.groups}
    for g in c.groups:
        if g.label == "unique":
            unique[g.units[0].span.article_id].append(g.units[0].text)
    assert any("Oana Lungescu" in t for t in unique[first]) and any("New York, Vienna" in t for t in unique[first])
    assert any("Lithuania" in t for t in unique[second]) and any("size of the liaison office" in t for t in unique[second])
    assert {u["text"] for u in c.unreliable} >= {"in 4", "January 2023, 1"}  # shown as unreliable ...
    assert not any(v["text"] in ("in 4", "January 2023, 1") for k in c.contradictions for v in k.values)  # ... not as facts
    assert any(m.speaker == "Mao Ning" and {q["article_id"] for q in m.quotes} == {first, second} for m in c.quotes)
    # her call for high vigilance: the second report gives the same words to "China", and names her too
    vigilance = [m for m in c.quotes if m.speaker == "Mao Ning" and all("vigilan" in q["text"] for q in m.quotes)]
    assert vigilance and {q["article_id"] for q in vigilance[0].quotes} == {first, second}
    assert [q.get("said_by") for q in vigilance[0].quotes if q["article_id"] == second] == ["China"]
    assert "said by China" in to_markdown(c)


def test_dossier_is_cached_until_the_story_changes(tmp_path):
    from newsprism.store import open_store

    demo_store = open_store(tmp_path / "own.db")  # its own store: this test merges two stories
    ingest([str(demo.corpus_path())], demo_store)
    cluster(demo_store)
    sid = story_of(demo_store, "d06")
    first = compare(demo_store, sid)
    again = compare(demo_store, sid)
    assert again.to_dict() == first.to_dict()  # the stored copy reads back whole
    other = story_of(demo_store, "d09")
    demo_store.merge_stories(sid, [other])
    merged = compare(demo_store, sid)
    assert len(merged.articles) == len(first.articles) + 4  # recomputed for the new membership


def test_page_stamps_and_background_history_are_not_dated_events():
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    texts = [
        ("2016-10-26", "Updated: Wednesday, October 26, 2016\n\nA man was shot on Elm Street on Tuesday. The family was "
                       "featured in an October 2014 story in the local paper."),
        ("2016-11-08", "Updated: Tuesday, November 08, 2016\n\nPolice charged a suspect in the Elm Street shooting. The "
                       "family was featured in a July 2015 story in a national paper."),
    ]
    arts = [normalize(RawRecord(text=t, published=p, lang="en", origin="test", record=str(i))) for i, (p, t) in enumerate(texts)]
    c = compare_articles(1, arts, list(Extractor().run(arts)), get_embedder().encode)
    assert [k for k in c.contradictions if k.slot == "date"] == []


def test_one_statement_quoted_by_several_outlets_is_one_match(demo_store):
    c = compare(demo_store, story_of(demo_store, "d01"))
    names = xids(demo_store, c)
    delgado = [m for m in c.quotes if "Delgado" in m.speaker]
    assert len(delgado) == 1
    outlets = [names[q["article_id"]] for q in delgado[0].quotes]
    assert len(outlets) == len(set(outlets)) >= 3 and {"d03", "d05"} & set(outlets)  # one quote per article


def test_a_speaker_matches_across_languages_and_accents(demo_store):
    c = compare(demo_store, story_of(demo_store, "d09"))
    names = xids(demo_store, c)
    paredes = [m for m in c.quotes if "Paredes" in m.speaker]  # "Lucía" in Spanish, "Lucia" in English
    assert paredes and {"d09", "d10"} <= {names[q["article_id"]] for q in paredes[0].quotes}


def _groups_with(c, names, text_of):
    """The groups with a unit of each article in ``text_of`` (external id -> words its unit holds)."""
    return [g for g in c.groups
            if all(any(names[u.span.article_id] == a and words in u.text for u in g.units) for a, words in text_of.items())]


def test_a_lead_that_packs_two_facts_joins_two_claims(demo_store):
    # d33 reports the derailment and the closure in two sentences; the others pack both into one lead.
    # The leads stay in the closure group and their first clause also joins the derailment group.
    c = compare(demo_store, story_of(demo_store, "d30"))
    names = xids(demo_store, c)
    derailed = _groups_with(c, names, {"d33": "Güterzug entgleist", "d31": "derailed near Zaragoza",
                                       "d30": "descarriló", "d32": "脱轨"})
    assert len(derailed) == 1 and derailed[0].label == "consensus"
    clause = next(u for u in derailed[0].units if names[u.span.article_id] == "d31")
    assert clause.text == "A freight train derailed near Zaragoza on Monday"  # the clause's own span, not the sentence
    art = demo_store.get_article(clause.span.article_id)
    assert art.text[clause.span.start:clause.span.end] == clause.text
    closure = _groups_with(c, names, {"d33": "gesperrt", "d31": "closure"})
    assert closure and closure[0] is not derailed[0] and closure[0].label == "consensus"
    # short sentences are claims too: "No one was hurt." in four languages
    assert any(g.label == "consensus" for g in _groups_with(c, names, {"d31": "No one was hurt", "d30": "No hubo heridos",
                                                                      "d33": "Verletzt wurde niemand", "d32": "未造成人员受伤"}))


def test_a_copy_is_not_a_second_report(demo_store):
    # d02 republishes d01 word for word: what only the two of them carry is still unique to one report
    c = compare(demo_store, story_of(demo_store, "d01"))
    names = xids(demo_store, c)
    copy = next(a for a in c.articles if names[a["id"]] == "d02")
    assert names[copy["copy_of"]] == "d01"
    overloaded = _groups_with(c, names, {"d01": "not overloaded", "d02": "not overloaded"})
    assert overloaded and overloaded[0].label == "unique"
    assert "(copy of Harbor Wire" in to_markdown(c)


def test_a_figure_the_others_give_is_an_omitted_detail(demo_store):
    # d06 reports "dozens of ships" waiting where d07 and d08 say 40
    c = compare(demo_store, story_of(demo_store, "d06"))
    names = xids(demo_store, c)
    (left,) = [o for o in c.omitted_figures if names[o["article_id"]] == "d06"]
    assert left["value"] == 40 and {names[s["article_id"]] for s in left["stated_by"]} == {"d07", "d08"}
    assert all(demo_store.get_article(s["article_id"]).text[s["span"].start:s["span"].end] == s["text"]
               for s in left["stated_by"])
    assert "without a figure" in to_markdown(c)
    assert not [o for o in compare(demo_store, story_of(demo_store, "d30")).omitted_figures]  # all give theirs


def test_figures_every_report_states_alike(demo_store):
    # "two killed" is in three leads and in d12's second sentence: one agreed figure, wherever it stands
    c = compare(demo_store, story_of(demo_store, "d09"))
    names = xids(demo_store, c)
    (killed,) = [a for a in c.agreed if a["slot"] == "killed"]
    assert killed["value"] == 2 and killed["everyone"]
    assert {names[v["article_id"]] for v in killed["values"]} == {"d09", "d10", "d11", "d12"}
    assert not [a for a in c.agreed if a["slot"] == "injured"]  # 40 against 55 is a contradiction, not agreement
    assert "## Figures the sources agree on" in to_markdown(c) and "killed: 2" in to_markdown(c)


def test_a_quote_matched_across_scripts_teaches_the_spelling_with_its_evidence(demo_store):
    c = compare(demo_store, story_of(demo_store, "d16"))
    learned = {a.alias: a for a in c.spellings}
    # 兰布卡 is glossed in pinyin (Lan Buka): both are spellings of the name the English reports give
    assert set(learned) == {"兰布卡", "Lan Buka"} and {a.name for a in learned.values()} == {"Sitiveni Rabuka"}
    zh, en = learned["兰布卡"].evidence
    for x in (zh, en):
        text = demo_store.get_article(x["article_id"]).text
        assert text[x["span"].start:x["span"].end] in x["text"] or x["text"] in text[x["span"].start:x["span"].end]
        assert text[x["speaker_span"].start:x["speaker_span"].end] == x["said_as"]
    assert zh["said_as"] == "兰布卡" and "Rabuka" in en["said_as"]
    # a Spanish report's accents are no new spelling; a Chinese one of the same match is
    c = compare(demo_store, story_of(demo_store, "d30"))
    assert [(a.alias, a.name) for a in c.spellings] == [("奥斯卡·普恩特", "Óscar Puente")]


def test_a_foreign_name_in_chinese_characters_is_the_same_speaker(demo_store):
    from newsprism.compare.verdicts import sound_key

    # pinyin of the transliteration against the Latin spelling, by sound classes
    assert sound_key("de er jia duo") == sound_key("Delgado") and sound_key("pu en te") == sound_key("Puente")
    assert sound_key("pa lei de si") == sound_key("Paredes") and sound_key("lan bu ka") == sound_key("Rabuka")
    assert sound_key("pu en te") != sound_key("Paredes")
    for first, speaker, chinese in (("d30", "Puente", "d32"), ("d01", "Delgado", "d04"), ("d09", "Paredes", "d11")):
        c = compare(demo_store, story_of(demo_store, first))
        names = xids(demo_store, c)
        (match,) = [m for m in c.quotes if speaker in m.speaker]
        assert chinese in {names[q["article_id"]] for q in match.quotes}, speaker
