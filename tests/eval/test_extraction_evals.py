"""The benchmark readers, on tiny inputs written here in each benchmark's own format."""

from __future__ import annotations

from newsprism.datasets import parse_ann
from newsprism.eval.timex import read_tml

TML = """<?xml version="1.0" ?>
<TimeML><DOCID>T1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-03-05" functionInDocument="CREATION_TIME">03/05/1998</TIMEX3></DCT>
<TEXT>Shares of A&amp;B rose <TIMEX3 tid="t1" type="DATE" value="1998-03-04">Wednesday</TIMEX3> and the
company said it <EVENT eid="e1">expects</EVENT> growth <TIMEX3 tid="t2" type="DATE" value="1998">this year</TIMEX3>.</TEXT>
</TimeML>"""


def test_timeml_reader_keeps_offsets_into_the_plain_text():
    text, dct, gold = read_tml(TML)
    assert str(dct) == "1998-03-05" and "A&B" in text and "<" not in text
    assert [(text[s:e], v) for s, e, _, v in gold] == [("Wednesday", "1998-03-04"), ("this year", "1998")]


def test_brat_attributions_with_discontinuous_content():
    ann = ("T1\tSource 0 3\tShe\nT2\tCue 4 8\tsaid\nT3\tContent 9 20;25 30\tit was fine\n"
           "T4\tAttribution 4 8\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n")
    assert parse_ann(ann) == [{"content": (9, 30), "source": (0, 3), "cue": (4, 8)}]


def test_basil_article_keeps_the_dataset_sentences_as_spans():
    from newsprism.eval.basil import to_article

    doc = {"uuid": "u1", "source": "nyt", "title": "T", "date": "2016-09-28", "url": None,
           "body-paragraphs": [["First sentence here.", "Second one."], ["New paragraph."]]}
    art = to_article(doc)
    assert [art.text[s:e] for s, e in art.sentences] == ["First sentence here.", "Second one.", "New paragraph."]
    assert "\n\n" in art.text and art.published == "2016-09-28"


def test_basil_speakers_tell_people_from_groups():
    from newsprism.eval.basil import _is_person

    assert _is_person("Donald_Trump") and _is_person("Ruth_Bader_Ginsburg")
    assert not _is_person("Republican_Lawmakers") and not _is_person("Obama_campaign") and not _is_person("protestors")


def test_figure_labels_score_each_role_and_keep_roundups_apart(tmp_path):
    import json

    from newsprism.eval.figures import evaluate

    corpus = tmp_path / "c.jsonl"
    rows = [("a1", "Two killed in shooting", "Two people were killed and no arrests have been made."),
            ("a2", "Man hurt", "A man was wounded on Elm Street. Police arrested a 20-year-old."),
            ("a3", "Weekend violence", "Five people were killed in shootings across the city this weekend.")]
    corpus.write_text("".join(json.dumps({"id": i, "title": t, "text": x}) + "\n" for i, t, x in rows))
    labels = tmp_path / "l.json"
    labels.write_text(json.dumps({"excerpt_chars": 3000, "labels": {
        "a1": {"killed": 2, "injured": None, "arrested": 0, "split": "dev"},
        "a2": {"killed": None, "injured": 1, "arrested": 2, "split": "test"},  # the label says two: ours is wrong
        "a3": {"killed": 5, "injured": None, "arrested": None, "roundup": True}}}))
    out = evaluate(corpus, labels, tmp_path / "err.tsv")
    assert out["articles"] == 3 and out["roundups"] == 1 and out["labels_not_found"] == []
    assert out["single"]["all"] == {"precision": 0.75, "recall": 0.75, "given": 4, "labelled": 4}
    assert out["single"]["arrested"]["recall"] == 0.5 and out["roundup"]["killed"]["recall"] == 1.0
    assert "a2\tsingle\tarrested\tours 1\tlabel 2" in (tmp_path / "err.tsv").read_text()
    assert evaluate(corpus, labels, split="test")["articles"] == 1
