"""The extraction stage through the store and the CLI, and the seeds' acceptance checks."""

from __future__ import annotations

import json

import pytest
from tests.conftest import SEEDS

from newsprism import demo
from newsprism.extract import VERSION
from newsprism.pipeline import extract, ingest


def test_extract_is_incremental_and_kept_in_the_store(store):
    ingest([str(demo.corpus_path())], store)
    first = extract(store)
    assert first.articles == 40 and first.quotes > 0 and first.times > 0 and first.entities > 0
    assert extract(store).articles == 0  # nothing new
    art_id = store.db.execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
    store.db.execute("UPDATE extractions SET version = 'old' WHERE article_id = ?", (art_id,))
    again = extract(store)
    assert again.articles == 1 and store.get_extraction(art_id).version == VERSION
    for q in store.get_extraction(art_id).quotes:  # every statement is a span of its article
        assert store.get_article(art_id).text[q.content.start : q.content.end] == q.content_text


def test_cli_extract_and_show(cli):
    cli("ingest", str(demo.corpus_path()))
    code, out, _ = cli("extract", "--json")
    assert code == 0 and json.loads(out)["articles"] == 40
    code, out, _ = cli("show", "d01", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["extraction"]["article_id"] == shown["id"]
    code, out, _ = cli("show", "d01")
    assert code == 0 and "legend" in out


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/examples/seeds not present")
def test_seed_acceptance(store):
    ingest([str(SEEDS)], store)
    extract(store)
    exs = {a.published: store.get_extraction(a.id) for a in store.iter_articles()}
    en, mt = exs["2023-05-04"], exs["2023-05-05"]
    for ex in (en, mt):
        assert any(q.speaker == "Mao Ning" for q in ex.quotes)  # the same canonical speaker in both
        persons = {e.canonical for e in ex.entities if e.kind == "person"}
        assert {"Jens Stoltenberg", "Fumio Kishida"} <= persons
    lungescu = [q for q in en.quotes if q.speaker == "Oana Lungescu"]
    assert len(lungescu) >= 3 and any(q.direct for q in lungescu)  # "..., she said" is hers
    en_times = {t.text: t for t in en.times}
    assert en_times["next year"].value == "2024"
    mt_times = {t.text: t for t in mt.times}
    assert "garbled" in mt_times["in 4"].flags and mt_times["in 4"].value is None
    assert "garbled" in mt_times["January 2023, 1"].flags


def test_second_process_gives_the_same_extractions(tmp_path):
    from newsprism.store import open_store

    stores = []
    for name, background in (("inline", False), ("worker", True)):
        store = open_store(tmp_path / f"{name}.db")
        ingest([str(demo.corpus_path())], store)
        report = extract(store, background=background)
        assert report.articles == 40
        stores.append(store)
    ids = [a for a, in stores[0].db.execute("SELECT id FROM articles ORDER BY id")]
    for art_id in ids:
        assert stores[0].get_extraction(art_id).to_dict() == stores[1].get_extraction(art_id).to_dict()


def test_a_headline_toll_comes_first_with_a_title_span():
    from newsprism.extract import Extractor
    from newsprism.extract.quantities import people_counts
    from newsprism.model import RawRecord
    from newsprism.ingest.normalize import normalize

    art = normalize(RawRecord(title="2 killed, 4 injured in Stockton shootings", origin="test", lang="en",
                              text="Police are investigating two shootings on Sunday night. One man was killed on Clay Street."))
    ex = next(Extractor().run([art]))
    assert people_counts(ex.quantities) == {"killed": 2.0, "injured": 4.0}
    first = ex.quantities[0]
    assert first.span.field == "title" and art.title[first.span.start : first.span.end] == first.text
    assert any(q.span.field == "text" and q.value == 1.0 for q in ex.quantities)  # the text's own figure stays


def test_a_piece_the_second_process_fails_on_is_extracted_here(tmp_path, monkeypatch):
    from concurrent.futures import Future

    import newsprism.workers
    from newsprism.store import open_store

    class Broken:  # a child that stopped: every future it gives fails
        def __init__(self, *args, **kwargs):
            self.submitted = 0

        def submit(self, request):
            self.submitted += 1
            f = Future()
            f.set_exception(RuntimeError("the background extractor stopped (exit 1)"))
            return f

        def close(self):
            pass

    monkeypatch.setattr(newsprism.workers, "Worker", Broken)
    store = open_store(tmp_path / "x.db")
    ingest([str(demo.corpus_path())], store)
    report = extract(store, background=True)
    assert report.articles == 40
    assert store.unextracted_ids(report.version) == []
