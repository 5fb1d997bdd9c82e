from __future__ import annotations

from newsprism.extract.entities import JiaguEntities, canonicalize, clean_name, gloss
from newsprism.model import Entity, Span


def test_short_mentions_take_the_full_name():
    ents = [Entity(Span("a", 0, 8), "Mao Ning", "person", "Mao Ning"), Entity(Span("a", 50, 53), "Mao", "person", "Mao"),
            Entity(Span("a", 60, 65), "Japan", "place", "Japan")]
    assert [e.canonical for e in canonicalize(ents)] == ["Mao Ning", "Mao Ning", "Japan"]
    assert clean_name("NATO spokesperson's") != "" and clean_name("Prime Minister Fumio Kishida") == "Fumio Kishida"


def test_chinese_names_match_their_english_forms():
    assert gloss("北约", "organisation") == "NATO"
    assert gloss("东京", "place") == "Tokyo"
    assert gloss("毛宁", "person") == "Mao Ning"
    assert gloss("岸田文雄", "person") == "岸田文雄"  # a Japanese name: pinyin would be wrong, so it is kept


def test_jiagu_entities_with_offsets():
    text = "外交部发言人毛宁4日表示，北约在亚太地区持续东扩。"
    ents = JiaguEntities().find(text, "zh1")
    by_name = {e.canonical: e for e in ents}
    assert "Mao Ning" in by_name and "NATO" in by_name
    e = by_name["Mao Ning"]
    assert text[e.span.start : e.span.end] == "毛宁" and e.kind == "person"
