"""Normalization: clean text, language, sentence spans, dates with provenance, outlets, stable ids."""

from __future__ import annotations

from datetime import date

import pytest
from tests.conftest import FIXTURES, SEEDS, records

from newsprism.model import RawRecord
from newsprism.ingest.normalize import (
    NormalizeContext, clean_text, find_dateline, infer_year, normalize, parse_date, sentence_spans, url_date,
)


def test_clean_text_normalizes_unicode_and_whitespace():
    assert clean_text("Cafe\u0301\r\n\r\n\r\n\r\nline\u00a0two\x07  end ") == "Café\n\nline two end"


@pytest.mark.parametrize("value,expected", [
    ("2023-05-04", ("2023-05-04", "day")),
    ("2023-05-04T10:20:00Z", ("2023-05-04T10:20:00+00:00", "datetime")),
    ("2023-05", ("2023-05", "month")),
    ("May 4, 2023", ("2023-05-04", "day")),
    ("Thu, 04 May 2023 10:20:00 GMT", ("2023-05-04T10:20:00+00:00", "datetime")),
    ("March 2026", ("2026-03", "month")),
    ("not a date", None),
    ("May 4", None),  # no year: not usable as a publication date on its own
    ("2023-13", None),  # month 13 or 0 is no month (it once came back with no precision and broke the store)
    ("2023-00", None),
    ("2023-05-04T10:00:00+99:99", None),  # no clock uses that offset
    ("2023-05-04T10:00:00+15:00", None),
    ("2023-05-04T10:00:00+14:00", ("2023-05-04T10:00:00+14:00", "datetime")),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_english_dateline_with_outlet_and_without_year():
    d = find_dateline("China News Network, May 5 According to the report...")
    assert (d.outlet, d.place, d.month, d.day, d.year) == ("China News Network", None, 5, 5, None)


def test_english_dateline_place_and_credit():
    d = find_dateline("ROTTERDAM, March 5 (Harbor Wire) - Container traffic...")
    assert (d.outlet, d.place, d.month, d.day) == ("Harbor Wire", "ROTTERDAM", 3, 5)


def test_chinese_dateline():
    d = find_dateline("新华社北京5月5日电 外交部发言人说……")
    assert (d.outlet, d.place, d.month, d.day, d.year) == ("新华社", "北京", 5, 5, None)


def test_sentence_lead_is_not_a_dateline():
    assert find_dateline("The ministry said on Thursday that talks would go on.") is None


def test_infer_year_prefers_years_printed_in_the_text():
    assert infer_year("met in January 2023 and again", 5, 5, None, date(2026, 11, 22)) == (2023, "year printed in the text")
    # A year that would put the date in the future is not taken.
    assert infer_year("plans for 2030", 5, 5, 2024, date(2026, 11, 22)) == (2024, "year of the articles read before it")
    assert infer_year("no year", 12, 30, None, date(2026, 11, 22)) == (2025, "ingest date")


def test_url_date():
    assert url_date("https://x.example/2026/03/16/fire") == ("2026-03-16", "day")
    assert url_date("http://web.archive.org/web/20170313013842/http://site.example/2016/07/story") == ("2016-07", "month")
    assert url_date("https://x.example/story/1234") is None


def test_language_of_capitalised_wire_copy():
    a = normalize(RawRecord(title="COMPUTER TERMINAL SYSTEMS <CPML> COMPLETES SALE", origin="r.sgm",
                            text="Computer Terminal Systems Inc said it has completed the sale of 200,000 shares of its common stock."))
    assert a.lang == "en"


def test_sentence_spans_point_into_the_text():
    text = 'Mao Ning said Asia was a "promising land." NATO declined to comment.\n\nA new paragraph starts here'
    spans = sentence_spans(text, "en")
    assert [text[s:e] for s, e in spans] == ['Mao Ning said Asia was a "promising land."', "NATO declined to comment.", "A new paragraph starts here"]


def test_chinese_sentence_spans():
    text = "北约计划在东京开设联络处。中方表示应高度警惕！日本尚未决定？"
    assert [text[s:e] for s, e in sentence_spans(text, "zh")] == ["北约计划在东京开设联络处。", "中方表示应高度警惕！", "日本尚未决定？"]


def test_a_cjk_full_stop_before_a_digit_ends_its_sentence():
    # sentencex reads "。3" as part of a number; Japanese and Chinese end the sentence there
    for lang, text, first in (("ja", "東京で12日、地震があった。3人が死亡した。", "東京で12日、地震があった。"),
                              ("zh", "东京12日发生地震。3人死亡。", "东京12日发生地震。")):
        spans = sentence_spans(text, lang)
        assert [text[s:e] for s, e in spans] == [first, text[len(first):]]


def test_date_precedence_metadata_over_header_over_dateline_over_url():
    base = dict(text="ROTTERDAM, March 5 (Harbor Wire) - Traffic stopped.", origin="t.txt", url="https://h.example/2026/03/04/x")
    assert normalize(RawRecord(**base, published="2026-03-06", header_date="2026-03-07")).date_provenance == "metadata"
    assert normalize(RawRecord(**base, header_date="2026-03-07")).published == "2026-03-07"
    a = normalize(RawRecord(**base), NormalizeContext(last_year=2026))
    assert (a.published, a.date_provenance) == ("2026-03-05", "dateline-year-inferred")
    assert a.source == "Harbor Wire" and a.source_provenance == "dateline"
    a = normalize(RawRecord(text="Traffic stopped.", origin="t.txt", url=base["url"]))
    assert (a.published, a.date_provenance, a.source, a.source_provenance) == ("2026-03-04", "url", "h.example", "domain")


def test_unparseable_metadata_date_warns_and_falls_back():
    a = normalize(RawRecord(text="Words.", origin="f.jsonl", record="line 3", published="someday", header_date="2026-01-02"))
    assert a.published == "2026-01-02" and "unparseable date" in a.warnings[0]


def test_ids_are_stable_and_content_keyed_without_url_or_id():
    raw = RawRecord(text="Same text.", origin="a/one.txt", source="Wire")
    moved = RawRecord(text="Same text.", origin="b/other-name.txt", source="Wire")
    assert normalize(raw).id == normalize(moved).id
    assert normalize(RawRecord(text="x", origin="f", url="https://A.example/p?utm_source=t#top")).id == \
        normalize(RawRecord(text="y", origin="g", url="https://a.example/p")).id


def test_fixture_dateline_outlet_and_year_from_text():
    (rec,), _ = records([FIXTURES / "dateline_only.txt"])
    a = normalize(rec)
    assert (a.source, a.published, a.date_provenance) == ("Xinhua Global Service", "2026-03-23", "dateline-year-inferred")
    assert a.lang == "en"


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/examples/seeds not present")
def test_seeds_dates_languages_and_sources():
    recs, rej = records([SEEDS])
    ctx = NormalizeContext()
    first, second = (normalize(r, ctx) for r in recs)
    assert not rej
    assert (first.lang, first.published, first.date_provenance) == ("en", "2023-05-04", "header")
    assert (second.lang, second.published, second.date_provenance) == ("en", "2023-05-05", "dateline-year-inferred")
    assert second.source == "China News Network" and first.source
    assert first.text.startswith("Beijing is closely following")  # the metadata prefix is not article text


@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-30", "9999-12-31", "0000", "1700-06-01", "2150-01-01"])
def test_a_date_outside_the_window_is_kept_as_metadata_not_used(value):
    ctx = NormalizeContext(today=date(2026, 12, 2))
    a = normalize(RawRecord(text="The bridge opened.", origin="f.jsonl", record="line 1", published=value,
                            url="https://h.example/2026/03/04/bridge"), ctx)
    assert (a.published, a.date_provenance) == ("2026-03-04", "url")  # the next most trusted date that is plausible
    assert a.extra["implausible_dates"] == [{"value": parse_date(value)[0], "from": "metadata"}]
    assert any("outside 1800-01-01..today+2d" in w for w in a.warnings)


def test_the_date_window_is_configurable():
    raw = RawRecord(text="An archive story.", origin="f.jsonl", published="1750-03-01")
    assert normalize(raw, NormalizeContext()).published is None
    assert normalize(raw, NormalizeContext(earliest=date(1700, 1, 1))).published == "1750-03-01"
    ahead = RawRecord(text="An embargoed story.", origin="f.jsonl", published="2026-12-10")
    assert normalize(ahead, NormalizeContext(today=date(2026, 12, 2))).published is None
    assert normalize(ahead, NormalizeContext(today=date(2026, 12, 2), future_days=10)).published == "2026-12-10"


def test_lone_surrogates_become_replacement_characters_everywhere():
    a = normalize(RawRecord(text="Harbour \ud800 news.", title="T\udfff", source="Wire \ud834", url="https://x.example/\udc00",
                            origin="f.jsonl"))
    for value in (a.text, a.title, a.source, a.url):
        value.encode("utf-8")  # storable
    assert "\ufffd" in a.text and a.lang
