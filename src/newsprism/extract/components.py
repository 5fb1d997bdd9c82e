"""Extraction components: each reads an ``ArticleDoc`` and fills its part of the article's ``Extraction``,
with one signature, as spaCy's pipeline components do. A component may also take a whole batch (``pipe``),
where batching pays (the English parser and the attribution tagger).

Which components run for an article depends on its language: ``ExtractConfig.pipelines`` names them per
language family (``family``), and ``build`` makes each from its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Protocol

from ..ingest.normalize import sentence_spans
from ..model import Article, Extraction
from .entities import EuropeanEntities, GermanEntities, JiaguEntities, SpacyEntities, tag_german
from .outcomes import find_labels
from .quantities import find_quantities
from .quotes import ChineseQuotes, GermanSpeech, ParsedEuropeanQuotes, SpacyQuotes, covered, may_attribute
from .timex import _EU_MONTHS, ChineseTimex, EnglishTimex, EuropeanTimex

if TYPE_CHECKING:
    from . import Extractor


@dataclass
class ArticleDoc:
    """One article on its way through the components: what it is, the day it was published (relative
    dates resolve against it), what was found so far, and, for English, its parse."""

    article: Article
    day: date | None
    extraction: Extraction
    doc: Any = None  # the spaCy Doc of the text
    tagged: list = field(default_factory=list)  # German without a spaCy pipeline: each sentence's tagged words
    parsed: list[tuple[int, Any]] = field(default_factory=list)  # (offset, Doc) of sentences that may attribute speech


class Component(Protocol):
    name: str

    def __call__(self, doc: ArticleDoc) -> None: ...


def run(component: Component, docs: list[ArticleDoc]) -> None:
    """A component over a batch: its own ``pipe`` where it has one, else one article at a time."""
    pipe = getattr(component, "pipe", None)
    if pipe is not None:
        pipe(docs)
    else:
        for doc in docs:
            component(doc)


def family(lang: str | None) -> str:
    """The pipeline an article takes: en (parsed by spaCy), zh, ja (dates written as Chinese writes them),
    eu (the European languages with rules for dates and quotes, Russian's dates among them) or other
    (figures and outcomes only)."""
    if (lang or "").startswith("zh"):
        return "zh"
    if (lang or "").startswith("ja"):
        return "ja"
    if (lang or "en") == "en":
        return "en"
    return "eu" if (lang or "")[:2] in _EU_MONTHS else "other"


class Parse:
    """spaCy's entity recogniser over the text, and tagger + parser over the sentences that may attribute
    speech, parsed as small documents of their own (tokenising a sentence again costs a quarter of cutting
    it out of the tokenised article)."""

    name = "parse"

    def __init__(self, extractor: "Extractor"):
        self.extractor = extractor

    def __call__(self, doc: ArticleDoc) -> None:
        self.pipe([doc])

    def pipe(self, docs: list[ArticleDoc]) -> None:
        x = self.extractor
        limit = x.config.max_parse_chars
        texts = [d.article.text[:limit] for d in docs]
        nlp = x.nlp
        for d, parsed in zip(docs, nlp.pipe(texts, batch_size=x.config.batch_size, disable=x.ner_off)):
            d.doc = parsed
        pieces: list[tuple[int, int, str]] = []  # (doc index, offset, sentence)
        for i, (d, text) in enumerate(zip(docs, texts)):
            for s, e in d.article.sentences or sentence_spans(text, "en"):
                if e <= len(text) and text[s:e].strip() and may_attribute(text[s:e]):
                    pieces.append((i, s, text[s:e]))
        for (i, off, _), sentence in zip(pieces, nlp.pipe((p[2] for p in pieces), batch_size=256, disable=x.parser_off)):
            docs[i].parsed.append((off, sentence))


class EuropeanParse:
    """The whole text through the language's spaCy pipeline (entities, tags, the dependency parse), where
    one is installed and configured (``ExtractConfig.spacy_models``); German without one goes through the
    Hanover tagger (words, lemmas, proper nouns); else nothing, and the language keeps its rules for dates,
    figures and direct quotes."""

    name = "parse"

    def __init__(self, extractor: "Extractor", lang: str):
        self.extractor, self.lang = extractor, lang

    def __call__(self, doc: ArticleDoc) -> None:
        self.pipe([doc])

    def pipe(self, docs: list[ArticleDoc]) -> None:
        nlp = self.extractor.european_nlp(self.lang)
        if nlp is None:
            if self.lang == "de":
                for d in docs:
                    text = d.article.text[: self.extractor.config.max_parse_chars]
                    d.tagged = tag_german(text, sentences_within(d.article, text, "de"))
            return
        limit = self.extractor.config.max_parse_chars
        for d, parsed in zip(docs, nlp.pipe((d.article.text[:limit] for d in docs), batch_size=self.extractor.config.batch_size)):
            d.doc = parsed


class Found:
    """What one finder returns, set as one part of the extraction: ``entities`` (spaCy for English, jiagu for
    Chinese; canonical across mentions and languages) or ``quotes`` by rule alone (Chinese, the European
    languages)."""

    def __init__(self, name: str, finder: Callable[[ArticleDoc], list]):
        self.name, self.finder = name, finder

    def __call__(self, doc: ArticleDoc) -> None:
        setattr(doc.extraction, self.name, self.finder(doc))


def sentences_within(article: Article, text: str, lang: str) -> list[tuple[int, int]]:
    """The article's sentence spans (split here where it has none) that end inside ``text``, its text or a
    prefix of it."""
    return [(s, e) for s, e in article.sentences or sentence_spans(text, lang) if e <= len(text)]


class EnglishQuotes:
    """Quotes by rule over the parsed attribution sentences, then the attribution tagger (where one is
    configured) over the sentences the rules' quotes leave mostly free, for the whole batch at once; in the
    accurate mode, then the attribution encoder over every sentence, whose marks lead."""

    name = "quotes"

    def __init__(self, extractor: "Extractor"):
        self.extractor, self.rules = extractor, SpacyQuotes()

    def __call__(self, doc: ArticleDoc) -> None:
        self.pipe([doc])

    def pipe(self, docs: list[ArticleDoc]) -> None:
        for d in docs:
            d.extraction.quotes = self.rules.find(d.article.text, d.parsed, d.article.id, d.extraction.entities)
        self._tag(docs)
        encoder = self.extractor.encoder
        if encoder is not None:
            texts = [(d.article.text, sentences_within(d.article, d.article.text, "en")) for d in docs]
            for d, (text, sentences), windows in zip(docs, texts, encoder.tag(texts, threads=self.extractor.encoder_threads)):
                ex = d.extraction
                ex.quotes = self.rules.with_encoded(text, windows, sentences, d.article.id, ex.entities, ex.quotes)

    def _tag(self, docs: list[ArticleDoc]) -> None:
        tagger = self.extractor.tagger
        if not tagger:
            return
        below = self.extractor.config.tag_below
        rest = [[(off, s) for off, s in d.parsed if covered(d.extraction.quotes, off, off + len(s.text)) < below] for d in docs]
        flat = (s for sentences in rest for _off, s in sentences)
        for pipe in tagger:
            flat = pipe.pipe(flat, batch_size=256)
        for _ in flat:
            pass  # (the pipes set each Doc's marks in place)
        for d, sentences in zip(docs, rest):
            ex = d.extraction
            ex.quotes = self.rules.with_tagged(d.article.text, sentences, d.article.id, ex.entities, ex.quotes)


class Times:
    """Time expressions resolved against the publication day; garbled values flagged."""

    name = "times"

    def __init__(self, timex: Any):
        self.timex = timex

    def __call__(self, doc: ArticleDoc) -> None:
        doc.extraction.times = self.timex.find(doc.article.text, doc.day, doc.article.id)


class Figures:
    """Figures (people killed, injured, arrested; counts, money, percentages), the headline's first: a
    headline states the toll a report leads with (and some pages carry it nowhere else)."""

    name = "figures"

    def __call__(self, doc: ArticleDoc) -> None:
        art = doc.article
        headline = find_quantities(art.title, art.id) if art.title else []
        for q in headline:
            q.span = replace(q.span, field="title")
        doc.extraction.quantities = headline + find_quantities(art.text, art.id)


class Outcomes:
    """Outcomes stated in words (a vote unanimous or split, a verdict)."""

    name = "outcomes"

    def __call__(self, doc: ArticleDoc) -> None:
        doc.extraction.labels = find_labels(doc.article.text, doc.article.id)


def _jiagu() -> Found:
    finder = JiaguEntities()
    return Found("entities", lambda d: finder.find(d.article.text, d.article.id))


def _chinese_quotes() -> Found:
    finder = ChineseQuotes()
    return Found("quotes", lambda d: finder.find(d.article.text, d.article.id, d.extraction.entities))


def _european_quotes(lang: str) -> Found:
    finder, german = ParsedEuropeanQuotes(lang), GermanSpeech() if lang == "de" else None

    def find(d: ArticleDoc) -> list:
        if german is not None and d.doc is None and d.tagged:
            return german.find(d.article.text, d.tagged, d.article.id, d.extraction.entities)
        return finder.find(d.article.text, d.doc, d.article.id, d.extraction.entities)

    return Found("quotes", find)


def _european_entities() -> Found:
    parsed, german = EuropeanEntities(), GermanEntities()

    def find(d: ArticleDoc) -> list:
        if d.doc is not None:
            return parsed.find(d.doc, d.article.id)
        return german.find(d.article.text, d.tagged, d.article.id) if d.tagged else []

    return Found("entities", find)


def _spacy_entities(finder: SpacyEntities) -> Found:
    return Found("entities", lambda d: finder.find(d.doc, d.article.id) if d.doc is not None else [])


# (language family, component name) -> a factory of (extractor, language)
FACTORIES: dict[tuple[str, str], Callable[["Extractor", str], Component]] = {
    ("en", "parse"): lambda x, _lang: Parse(x),
    ("en", "entities"): lambda _x, _lang: _spacy_entities(SpacyEntities()),
    ("en", "quotes"): lambda x, _lang: EnglishQuotes(x),
    ("en", "times"): lambda _x, _lang: Times(EnglishTimex()),
    ("zh", "entities"): lambda _x, _lang: _jiagu(),
    ("zh", "quotes"): lambda _x, _lang: _chinese_quotes(),
    ("zh", "times"): lambda _x, _lang: Times(ChineseTimex()),
    ("ja", "times"): lambda _x, _lang: Times(ChineseTimex()),  # (年月日: the same forms, read by jionlp)
    ("eu", "parse"): lambda x, lang: EuropeanParse(x, lang),
    ("eu", "entities"): lambda _x, _lang: _european_entities(),
    ("eu", "quotes"): lambda _x, lang: _european_quotes(lang),
    ("eu", "times"): lambda _x, lang: Times(EuropeanTimex(lang)),
    ("*", "figures"): lambda _x, _lang: Figures(),
    ("*", "outcomes"): lambda _x, _lang: Outcomes(),
}


def build(extractor: "Extractor", fam: str, name: str, lang: str) -> Component:
    factory = FACTORIES.get((fam, name)) or FACTORIES.get(("*", name))
    if factory is None:
        known = sorted({n for f, n in FACTORIES if f in (fam, "*")})
        raise ValueError(f"no extraction component {name!r} for {fam} articles (known: {', '.join(known)})")
    return factory(extractor, lang)
