"""The attribution tagger: a spaCy entity recogniser trained on PolNeAR (newsprism/train/quote_tagger.py) that marks
the CONTENT, SOURCE and CUE of attributions the cue rules in ``quotes.py`` miss ("is convinced", "has long
been skeptical of").

It runs after the tagger and parser, on the parsed sentences that the rules' quotes leave mostly free, and
reads their tags and dependency labels. ``ExtractConfig.quote_tagger`` names it: ``builtin`` (the one shipped in
``models/quote_tagger``), the folder of another one, or ``none`` for the rules alone.
"""

from __future__ import annotations

from pathlib import Path

COMPONENTS = ("attribution_tok2vec", "attribution")
LABELS = ("CONTENT", "SOURCE", "CUE")
DEFAULT_DIR = Path(__file__).with_name("models") / "quote_tagger"
CONFIG = Path(__file__).with_name("quote_tagger.cfg")  # the architecture, for training and loading alike


def tagger_dir(setting: str) -> Path | None:
    """The folder of the configured tagger, or None for the rules alone."""
    if setting in ("", "none"):
        return None
    path = DEFAULT_DIR if setting == "builtin" else Path(setting)
    if not (path / COMPONENTS[-1]).is_dir():
        raise FileNotFoundError(f"no attribution tagger in {path} (train one with python -m newsprism.train.quote_tagger)")
    return path


def add_tagger(nlp, path: Path) -> None:
    """Adds the tagger's components to a pipeline that has a tagger and a parser, after them."""
    from spacy.util import load_config

    components = load_config(CONFIG, interpolate=True)["components"]
    for name in COMPONENTS:
        section = dict(components[name])
        factory = section.pop("factory")
        pipe = nlp.add_pipe(factory, name=name, config=section, last=True)
        pipe.from_disk(path / name, exclude=["vocab"])
