"""The accurate mode's attribution encoder: decoding, windows, stored weights, and the mode in extraction."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.extract.attribution_encoder import LABELS, MAX_PIECES, Mark, marks, viterbi

pytest.importorskip("onnxruntime")  # the `accurate` extra (in the test extra: this runs in CI)


def log_probs(rows):
    """Per-piece log-probabilities that favour the given labels, 0.6 against 0.4/6 for the rest."""
    out = np.full((len(rows), len(LABELS)), np.log(0.4 / 6))
    for i, label in enumerate(rows):
        out[i, LABELS.index(label)] = np.log(0.6)
    return out


def test_viterbi_never_opens_a_span_inside():
    # argmax would read I-CONTENT after O as a new fragment; under BIO an I- follows its B- or nothing
    path = viterbi(log_probs(["B-CONTENT", "I-CONTENT", "O", "I-CONTENT", "I-CONTENT"]))
    labels = [LABELS[i] for i in path]
    assert all(not b.startswith("I-") or a[2:] == b[2:] for a, b in zip(["O"] + labels, labels))
    assert viterbi(log_probs(["I-CUE"]))[0] != LABELS.index("I-CUE")


def test_marks_are_whole_spans_in_characters():
    offsets = [(0, 3), (4, 8), (9, 13), (14, 18), (19, 24)]
    path = [LABELS.index(x) for x in ("B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O")]
    assert marks(path, offsets) == [Mark("SOURCE", 0, 3), Mark("CUE", 4, 8), Mark("CONTENT", 9, 18)]


def test_windows_keep_sentences_whole_and_map_back_to_the_text():
    from tokenizers import Tokenizer

    from newsprism.extract.attribution_encoder import base_dir, windows

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_truncation()
    sentence = "The governor said the bridge would reopen in May. "
    text = sentence * 40
    spans = [(i * len(sentence), (i + 1) * len(sentence) - 1) for i in range(40)]
    found = windows(tok, text, spans)
    assert len(found) > 1 and all(len(ids) <= MAX_PIECES for ids, _ in found)
    starts = [offsets[0][0] for _, offsets in found]
    assert all(s % len(sentence) == 0 for s in starts)  # each window opens on a sentence
    ids, offsets = found[0]
    assert text[offsets[1][0] : offsets[1][1]] == "governor"


def test_the_shipped_file_labels_as_the_trained_model_does(tmp_path):
    """Training exports the model above its embeddings to ONNX with int8 weights; extraction runs that file
    on embeddings it computes itself. A one-layer model, exported, must give the trained model's labels."""
    torch = pytest.importorskip("torch")  # training's: the `train` extra
    pytest.importorskip("onnx")
    from safetensors.torch import load_file

    from newsprism.extract.attribution_encoder import AttributionEncoder, base_dir, padded, windows
    from newsprism.train.attribution_encoder import build_model, export

    torch.manual_seed(0)
    model = build_model(0, (0,))
    model.load_base(load_file(str(base_dir() / "model.safetensors")))
    torch.nn.init.normal_(model.head.weight, std=0.1)  # an untrained head: labels that vary piece to piece
    export(model, tmp_path)
    shipped = AttributionEncoder(tmp_path)
    text = "The mayor said on Tuesday that the bridge would reopen in May, after repairs to its deck."
    ids, mask = padded([windows(shipped.tokenizer, text, [(0, len(text))])[0][0]], shipped.cls, shipped.sep)
    (ours,) = shipped.session(1).run(None, {"states": shipped.embed(ids), "mask": mask})
    with torch.inference_mode():
        theirs = model.from_embedded(model.embed(torch.from_numpy(ids)), torch.from_numpy(mask)).numpy()
    assert ours.shape == theirs.shape == (1, ids.shape[1], len(LABELS))
    assert np.allclose(np.exp(ours).sum(-1), 1, atol=1e-4)  # log-probabilities
    assert (ours.argmax(-1) == theirs.argmax(-1)).mean() >= 0.9  # int8 moves a close call, rarely more
    assert np.abs(np.exp(ours) - np.exp(theirs)).max() < 0.1


# "made little secret of her view" is no cue of the rules, and the tagger does not mark it either
ARTICLE = ("Senator Maria Lopez has long been skeptical of the spending plan. "
           "Lopez made little secret of her view that the bill would fail in the House.\n\n"
           "\"We will not vote for a budget that raises taxes on working families,\" Lopez told reporters on Tuesday.\n")


def quotes(encoder: str):
    from newsprism.extract import ExtractConfig, Extractor
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    art = normalize(RawRecord(text=ARTICLE, origin="test", lang="en", published="2026-03-05"))
    return next(Extractor(ExtractConfig(quote_encoder=encoder)).run([art])).quotes


@pytest.mark.parametrize("encoder", ["builtin", "small"])
def test_the_encoder_finds_what_the_rules_miss_and_keeps_their_speakers(encoder):
    fast, accurate = quotes("none"), quotes(encoder)
    assert not [q for q in fast if "the bill would fail" in q.content_text]
    (found,) = [q for q in accurate if "the bill would fail" in q.content_text]
    assert found.speaker.endswith("Lopez") and not found.direct
    # the direct quotation is still Lopez's, as the rules resolved it
    (said,) = [q for q in accurate if "raises taxes" in q.content_text]
    assert said.direct and said.speaker.endswith("Lopez") and said.cue == "told"
    for q in accurate:  # every quote points at its words
        assert ARTICLE[q.content.start : q.content.end] == q.content_text


def test_the_mode_is_off_by_default_and_versions_its_extractions():
    from newsprism.extract import ExtractConfig, Extractor

    assert ExtractConfig().quote_encoder == "none"
    assert ExtractConfig(quote_encoder="small").version != ExtractConfig(quote_encoder="builtin").version != ExtractConfig().version
    # the spaCy attribution tagger serves the rules alone: beside the encoder it is not even loaded
    with_encoder, rules_alone = Extractor(ExtractConfig(quote_encoder="builtin")), Extractor()
    assert with_encoder.nlp and rules_alone.nlp
    assert not with_encoder.tagger and rules_alone.tagger


def test_a_marked_part_of_a_quotation_the_rules_found_whole_takes_the_whole():
    """'"A," Reyes said. "B."': the encoder often marks A alone; the rules' quotation runs on to B."""
    from newsprism.extract import Extractor
    from newsprism.extract.quotes import SpacyQuotes
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    text = ("The vote was close.\n\n\"The port has to listen,\" Tomas Reyes said. \"The people who work in it know "
            "where the cranes should go.\"\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    ex = next(Extractor().run([art]))
    first = text.index("The port")
    window = [Mark("CONTENT", first, first + len("The port has to listen")), Mark("SOURCE", text.index("Tomas"), text.index(" said"))]
    (q,) = SpacyQuotes.with_encoded(text, [window], art.sentences, art.id, ex.entities, ex.quotes)
    assert (q.speaker, q.direct) == ("Tomas Reyes", True)
    assert q.content.start == first and text[q.content.end - 10 : q.content.end] == "should go."


def test_a_marked_content_s_speaker_is_the_source_its_cue_goes_with():
    """Two sources marked in the sentence: the content's is the one beside the cue, not the one nearest it."""
    from newsprism.extract.quotes import SpacyQuotes
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    text = "\"We will reopen the harbour in May,\" Ana Ruiz heard the mayor tell reporters.\n"
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    at = text.index
    window = [Mark("CONTENT", 1, at(",\"")), Mark("SOURCE", at("Ana Ruiz"), at(" heard")),
              Mark("SOURCE", at("the mayor"), at(" tell")), Mark("CUE", at("tell"), at(" reporters"))]
    (q,) = SpacyQuotes.with_encoded(text, [window], art.sentences, art.id, [], [])
    assert text[q.speaker_span.start : q.speaker_span.end] == "the mayor"


def _encoded(text: str, window: list) -> list:
    """The accurate mode's quotes of ``text`` with these marks as the encoder's one window."""
    from newsprism.extract import Extractor
    from newsprism.extract.quotes import SpacyQuotes
    from newsprism.ingest.normalize import normalize
    from newsprism.model import RawRecord

    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    ex = next(Extractor().run([art]))
    return SpacyQuotes.with_encoded(text, [window], art.sentences, art.id, ex.entities, ex.quotes)


def test_a_marked_content_stops_at_the_paragraph_its_quotation_ends_in():
    text = ("\"We are still looking for four people,\" spokesman Ramon Delgado told reporters on Friday. \"The weather "
            "made the rescue very difficult.\"\n\n\"Nobody should sail tomorrow,\" a fisherman added.\n")
    over = Mark("CONTENT", 1, text.index("tomorrow") + len("tomorrow"))  # runs on into the next paragraph
    (q, *_) = [q for q in _encoded(text, [over]) if "four people" in q.content_text]
    assert q.speaker == "Ramon Delgado" and "Nobody" not in q.content_text
    assert q.content_text.rstrip('."').endswith("very difficult")


def test_a_marked_clause_its_cue_interrupts_is_said_without_the_cue():
    text = "The new terminal, Mayor Ahmed Aboutaleb said, would not open before the end of next year.\n"
    (q,) = _encoded(text, [Mark("CONTENT", 0, text.index(" before")), Mark("SOURCE", 18, 39)])
    assert q.content_text == "The new terminal would not open before the end of next year"
    assert q.speaker == "Ahmed Aboutaleb"
