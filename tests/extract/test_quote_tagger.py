"""The attribution tagger: loading it into the pipeline, what it adds to the cue rules, and how the
training data is made from PolNeAR-style brat files (a small archive written here)."""

from __future__ import annotations

import io
import tarfile

import pytest

from newsprism.extract import ExtractConfig, Extractor
from newsprism.extract.quote_tagger import tagger_dir
from newsprism.model import RawRecord
from newsprism.ingest.normalize import normalize

# "is convinced" is no cue verb of the rules
TEXT = ("The council met on Tuesday to discuss the budget for the new bridge.\n\n"
        "Mayor Karin Olsen is convinced the bridge will pay for itself within twenty years.\n")


def extract(text: str, tagger: str):
    """The rules with the tagger or without (the tagger serves the rules: beside the encoder it is off)."""
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    return next(Extractor(ExtractConfig(quote_tagger=tagger, quote_encoder="none")).run([art]))


def test_the_tagger_finds_an_attribution_the_rules_miss():
    words = "the bridge will pay for itself within twenty years"
    assert not [q for q in extract(TEXT, "none").quotes if q.content_text == words]
    (q,) = [q for q in extract(TEXT, "builtin").quotes if q.content_text == words]
    assert (q.speaker, q.cue) == ("Karin Olsen", "is convinced")
    assert TEXT[q.content.start : q.content.end] == q.content_text


def test_the_tagger_follows_the_parser_and_runs_in_neither_pass():
    # it reads the parse, and it runs after the rules, on the sentences they found nothing in
    ex = Extractor(ExtractConfig(quote_tagger="builtin", quote_encoder="none"))
    names = ex.nlp.pipe_names
    assert names.index("attribution") > names.index("parser")
    assert "attribution" in ex.ner_off and "attribution" in ex.parser_off
    assert ex.tagger == [ex.nlp.get_pipe("attribution_tok2vec"), ex.nlp.get_pipe("attribution")]
    rules = Extractor(ExtractConfig(quote_tagger="none", quote_encoder="none"))
    assert "attribution" not in rules.nlp.pipe_names and rules.tagger == []


def test_tagger_settings(tmp_path):
    assert tagger_dir("none") is None
    assert tagger_dir("builtin").name == "quote_tagger"
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        tagger_dir(str(tmp_path))


def _archive(path, files: dict[str, str]) -> None:
    with tarfile.open(path, "w:xz") as tar:
        for name, data in files.items():
            raw = data.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))


def test_training_sentences_carry_the_gold_spans_as_entities(tmp_path):
    import spacy

    from newsprism.train.quote_tagger import sentence_docs

    text = ("The ferry left Oslo at noon.\n\n"
            "Captain Lars Berg said the crossing would take longer than planned.\n")
    s = text.index("Captain Lars Berg")
    c = text.index("the crossing")
    k = text.index("said")
    ann = (f"T1\tSource {s} {s + 17}\tCaptain Lars Berg\n"
           f"T2\tCue {k} {k + 4}\tsaid\n"
           f"T3\tContent {c} {len(text) - 2}\t{text[c : len(text) - 2]}\n"
           f"T4\tAttribution {k} {k + 4}\tsaid\n"
           "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n")
    _archive(tmp_path / "p.tar.xz", {"p/train/doc1.txt": text, "p/train/doc1_ann1.ann": ann})
    nlp = spacy.load(ExtractConfig().spacy_model, disable=["ner", "attribute_ruler", "lemmatizer"])
    (doc,) = sentence_docs(nlp, tmp_path / "p.tar.xz", "train")  # the first sentence has no cue word: left out
    assert [(e.label_, e.text) for e in doc.ents] == [
        ("SOURCE", "Captain Lars Berg"), ("CUE", "said"), ("CONTENT", "the crossing would take longer than planned")]


@pytest.mark.parametrize("sentence, content, source, cue, speaker", [
    # a clause: any cue the tagger marks
    ("Mayor Karin Olsen remains skeptical that the state will pay.", "the state will pay", "Mayor Karin Olsen",
     "remains skeptical", "Karin Olsen"),
    # no clause, a cue word of the rules: what was endorsed
    ("Mayor Karin Olsen endorsed the plan for a second bridge.", "the plan for a second bridge", "Mayor Karin Olsen",
     "endorsed", "Karin Olsen"),
    # no clause and no cue word: nobody's words
    ("Mayor Karin Olsen dragged her bicycle to the ferry.", "her bicycle to the ferry", "Mayor Karin Olsen",
     "dragged", None),
])
def test_what_the_tagger_marks_becomes_a_quote(sentence, content, source, cue, speaker):
    from spacy.tokens import Span as Mark

    from newsprism.extract.quotes import SpacyQuotes
    from newsprism.model import Entity, Span

    ex = Extractor(ExtractConfig(quote_tagger="none"))
    doc = ex.nlp(sentence, disable=ex.parser_off)
    marks = []
    for words, label in ((content, "CONTENT"), (source, "SOURCE"), (cue, "CUE")):
        i = sentence.index(words)
        marks.append(doc.char_span(i, i + len(words), label=label))
    doc.ents = [Mark(doc, m.start, m.end, label=m.label_) for m in marks]
    i = sentence.index("Karin Olsen")
    people = [Entity(Span("a", i, i + 11), "Karin Olsen", "person", "Karin Olsen")]
    quotes = SpacyQuotes.with_tagged(sentence, [(0, doc)], "a", people, [])
    assert [(q.speaker, q.cue, q.content_text) for q in quotes] == ([(speaker, cue, content)] if speaker else [])
