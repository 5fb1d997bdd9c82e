"""Time expressions resolved against the publication date, with damage flagged rather than guessed."""

from __future__ import annotations

from datetime import date

import pytest

from newsprism.extract.timex import EnglishTimex

DCT = date(2023, 5, 4)  # a Thursday


def found(text: str, dct: date | None = DCT) -> dict[str, tuple]:
    return {t.text: (t.value, t.flags, t.modifier) for t in EnglishTimex().find(text, dct, "a")}


@pytest.mark.parametrize("text, expr, value", [
    ("The ministry said Thursday that it was watching.", "Thursday", "2023-05-04"),
    ("The agency reported earlier Wednesday that talks began.", "Wednesday", "2023-05-03"),
    ("Ministers will meet on Monday to decide.", "Monday", "2023-05-08"),
    ("The office is due to open next year in Tokyo.", "next year", "2024"),
    ("He visited Japan in January and met the premier.", "January", "2023-01"),
    ("The summit is planned for July in Vilnius.", "July", "2023-07"),
    ("The plant closed in November after a fire.", "November", "2022-11"),
    ("It happened on May 1, 2021 near the port.", "May 1, 2021", "2021-05-01"),
    ("Sales fell last week, the firm said.", "last week", "2023-W17"),
    ("The dam was built three years ago.", "three years ago", "2020"),
    ("The strike lasted for three weeks.", "three weeks", "P3W"),
    ("Mao said on the 4th that Asia was no arena.", "on the 4th", "2023-05-04"),
    ("The results for the third quarter were weak.", "third quarter", "2023-Q3"),
])
def test_resolves_against_the_publication_date(text, expr, value):
    got = found(text)
    assert any(expr in k and v[0] == value for k, v in got.items()), got


def test_vague_boundaries_keep_their_vagueness():
    got = found("Stoltenberg raised the idea during a visit to Tokyo at the end of January.")
    value, flags, modifier = got["the end of January"]
    assert (value, modifier) == ("2023-01", "END") and "vague" in flags


def test_machine_translation_damage_is_flagged_not_guessed():
    got = found("Japan and NATO will open a liaison office in Tokyo in 4. They shook hands in Tokyo on January 2023, 1, local time.")
    assert got["in 4"][0] is None and "garbled" in got["in 4"][1]
    assert got["January 2023, 1"][0] is None and "garbled" in got["January 2023, 1"][1]
    # an ordinary small number after "in" is not a date
    assert "in 4" not in found("The shares rose in 4 of 5 sessions.")


def test_without_a_publication_date_relative_expressions_are_unanchored():
    got = found("The talks resume Thursday.", None)
    assert "unanchored" in got["Thursday"][1]


@pytest.mark.parametrize("lang, text, expr, value", [
    ("es", "Un incendio que comenzó el sábado 14 de marzo obligó a evacuar.", "14 de marzo", "2023-03-14"),
    ("es", "Los pagos empezarán en julio de 2027.", "julio de 2027", "2027-07"),
    ("de", "Der Streik begann am 3. April 2022 im Hafen.", "3. April 2022", "2022-04-03"),
    ("fr", "Le musée rouvrira le 1er juin.", "1er juin", "2023-06-01"),
    ("pt", "A obra termina em 20 de dezembro de 2024.", "20 de dezembro de 2024", "2024-12-20"),
])
def test_explicit_dates_in_other_european_languages(lang, text, expr, value):
    from newsprism.extract.timex import EuropeanTimex

    got = {t.text: t.value for t in EuropeanTimex(lang).find(text, DCT, "a")}
    assert got.get(expr) == value, got


def test_chinese_numbers_with_a_counter_are_not_days():
    pytest.importorskip("jionlp")
    from newsprism.extract.timex import ChineseTimex

    got = [t.text for t in ChineseTimex().find("成都地铁30号线今天开通，首日客流12万人次。", DCT, "a")]
    assert "今天" in got and not any("30号" in g for g in got)


@pytest.mark.parametrize("lang,text,start,end", [
    ("es", "El festival se celebrará del 19 al 25 de abril.", "19", "25 de abril"),
    ("de", "Die Messe läuft vom 19. bis 25. April 2026.", "19", "25. April 2026"),
    ("fr", "Le festival a lieu du 19 au 25 avril.", "19", "25 avril"),
])
def test_a_range_that_names_its_month_once_keeps_its_first_day(lang, text, start, end):
    from newsprism.extract.timex import EuropeanTimex

    found = EuropeanTimex(lang).find(text, date(2026, 3, 24), "a")
    assert [(t.text, t.value) for t in found] == [(start, "2026-04-19"), (end, "2026-04-25")]
    assert text[found[0].span.start : found[0].span.end] == "19"


def test_a_decade_is_timeml_s_and_a_weekday_after_as_soon_as_looks_ahead():
    found = {t.text: t.value for t in EnglishTimex().find(
        "Prices rose in the 1960s. The group could leave as soon as Tuesday.", date(2000, 4, 3))}
    assert found["the 1960s"] == "196X"
    assert found["Tuesday"] == "2000-04-04"  # 2000-04-03 is a Monday


def test_japanese_and_russian_dates_resolve_against_the_publication_day():
    from newsprism.extract import Extractor
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    for lang, text, expected in (
        ("ja", "東京で12日、地震があった。政府は2026年3月13日に対策本部を設置した。", [("12日", "2026-03-12"), ("2026年3月13日", "2026-03-13")]),
        ("ru", "В Москве 12 марта 2026 года произошёл пожар. 14 марта власти создали штаб.", [("12 марта 2026", "2026-03-12"), ("14 марта", "2026-03-14")]),
    ):
        art = normalize(RawRecord(text=text, title=None, published="2026-03-12", lang=lang, origin="t", record="1", external_id="x"))
        ex = next(Extractor().run([art]))
        assert [(t.text, t.value) for t in ex.times] == expected
        assert all(text[t.span.start : t.span.end] == t.text for t in ex.times)
        assert len(art.sentences) == 2
