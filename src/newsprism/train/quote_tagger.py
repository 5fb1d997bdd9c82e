"""Train the attribution tagger on PolNeAR's train part (dev picks the best checkpoint):

    python -m newsprism.train.quote_tagger ../shared/benchmarks/polnear-attribution/polnear_v1.0.0_no_test.tar.xz

The tagger is a spaCy entity recogniser over the sentences that may attribute speech, marking each
attribution's CONTENT, SOURCE and CUE. Its own token encoder reads the words and the tags and
dependency labels that the configured spaCy model's tagger and parser give them (frozen, as they run at
extraction time). Writes the two components to ``models/quote_tagger`` beside this file, which
``quote_tagger.py`` loads; about 20 minutes on two cores (seeded: a rerun gives the same tagger).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from ..datasets import iter_part, parse_ann
from ..extract.quote_tagger import COMPONENTS, CONFIG, DEFAULT_DIR, LABELS


def sentence_docs(nlp, polnear: Path, part: str):
    """The part's attribution sentences parsed, with the gold spans as entities. A span is cut to the
    longest piece inside one parsed sentence (an entity cannot cross one); a content mostly outside the
    sentence is left out."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from ..ingest.normalize import sentence_spans
    from ..extract.quotes import may_attribute

    items = [(text, gold, s, e) for _name, text, ann in iter_part(polnear, part) for gold in [parse_ann(ann)]
             for s, e in sentence_spans(text, "en") if text[s:e].strip() and may_attribute(text[s:e])]
    for (_text, gold, s, e), doc in zip(items, nlp.pipe((t[s:e] for t, _g, s, e in items), batch_size=256)):
        spans = []
        for g in gold:
            for label in LABELS:
                whole = g[label.lower()]
                if not whole:
                    continue
                a0, a1 = max(whole[0], s) - s, min(whole[1], e) - s
                if a1 <= a0 or (label == "CONTENT" and a1 - a0 < 0.5 * (whole[1] - whole[0]) and a1 - a0 < 20):
                    continue
                span = doc.char_span(a0, a1, label=label, alignment_mode="expand")
                if span is None:
                    continue
                pieces = [doc[max(span.start, st.start) : min(span.end, st.end)] for st in doc.sents
                          if st.start < span.end and st.end > span.start]
                best = max(pieces, key=len)
                while len(best) and (best[0].is_punct or best[0].is_space):
                    best = best[1:]
                while len(best) and (best[-1].is_punct or best[-1].is_space):
                    best = best[:-1]
                if len(best):
                    spans.append(Span(doc, best.start, best.end, label=label))
        doc.ents = filter_spans(spans)  # nested attributions: the outer one
        yield doc


def main() -> None:
    import spacy
    from spacy.cli.train import train
    from spacy.tokens import DocBin

    from ..extract import ExtractConfig

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("polnear", type=Path)
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--max-steps", type=int, default=3500)  # the shipped tagger: its best at 3,000
    args = ap.parse_args()
    base = ExtractConfig().spacy_model
    nlp = spacy.load(base, disable=["ner", "attribute_ruler", "lemmatizer"])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for part in ("train", "dev"):
            DocBin(docs=sentence_docs(nlp, args.polnear, part)).to_disk(work / f"{part}.spacy")
        train(CONFIG, work / "out", overrides={"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                                              "paths.base": base, "training.max_steps": args.max_steps})
        best = spacy.load(work / "out" / "model-best")
        shutil.rmtree(args.out, ignore_errors=True)
        args.out.mkdir(parents=True)
        for name in COMPONENTS:
            best.get_pipe(name).to_disk(args.out / name, exclude=["vocab"])
    print(f"tagger -> {args.out}")


if __name__ == "__main__":
    main()
