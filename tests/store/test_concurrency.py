"""Several processes on one store: migrations, story ids, extractions written while texts change."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from newsprism.model import Extraction, RawRecord
from newsprism.ingest.normalize import normalize
from newsprism.store import open_store
from newsprism.store.sqlite import migrations


def _open_and_write(path: str, k: int, start, results) -> None:
    start.wait()
    try:
        store = open_store(path)
        store.upsert_articles([normalize(RawRecord(text=f"Article {k} about the harbour.", origin=f"p{k}"))])
        store.close()
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports what went wrong in the child
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("trial", range(5))
def test_four_processes_opening_a_new_store_at_once_all_succeed(tmp_path, trial):
    path = str(tmp_path / f"new{trial}.db")
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_open_and_write, args=(path, k, start, results)) for k in range(4)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(60)
    outcomes = [results.get(timeout=5) for _ in procs]
    assert outcomes == ["ok"] * 4
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 4


def test_story_ids_come_from_the_store_so_two_writers_never_share_one(tmp_path):
    """A split by hand while a clustering run holds ids: each gets its own."""
    path = tmp_path / "ids.db"
    clusterer, person = open_store(path), open_store(path)
    arts = [normalize(RawRecord(text=f"Report {k} about the pier.", origin="t")) for k in range(2)]
    clusterer.upsert_articles(arts)
    taken = clusterer.new_story_id()  # the clusterer's next story, not saved yet
    split = person.move_articles([arts[0].id], None, action="split")
    assert split != taken and person.new_story_id() not in (taken, split)
    clusterer.close()
    person.close()


def test_an_extraction_of_an_older_text_is_never_current(store):
    """Extraction read version 1 of a text; version 2 was ingested before it wrote: it must stay stale,
    its spans point into the old text."""
    old = normalize(RawRecord(text="Mayor Ana Ruiz opened the bridge.", origin="t", external_id="x"))
    store.upsert_articles([old])
    new = normalize(RawRecord(text="Mayor Ana Ruiz opened the new bridge here.", origin="t", external_id="x"))
    assert new.id == old.id and new.content_hash != old.content_hash
    store.upsert_articles([new])  # re-ingested while extraction ran
    store.put_extractions([Extraction(old.id, version="v1", content_hash=old.content_hash)])
    assert store.get_extraction(old.id, "v1") is None and store.get_extraction(old.id) is None
    assert store.unextracted_ids("v1") == [old.id]
    store.put_extractions([Extraction(new.id, version="v1", content_hash=new.content_hash)])
    assert store.get_extraction(new.id, "v1").content_hash == new.content_hash
    assert store.unextracted_ids("v1") == [] and store.unextracted_ids("v2") == [new.id]


def test_a_second_clustering_run_waits_for_the_first_and_says_so(tmp_path):
    """The clusterer is the single writer of assignments: a run started while another holds the store
    waits (naming the holder), then places what is left."""
    import os
    import subprocess
    import sys
    import time

    from newsprism import demo
    from newsprism.pipeline import ingest

    path = str(tmp_path / "lock.db")
    store = open_store(path)
    ingest([str(demo.corpus_path())], store)
    with store.writer_lock("cluster"):  # a clustering run in progress
        second = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "cluster", "--db", path, "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(4)
        assert second.poll() is None  # still waiting
        assert store.unassigned_ids()  # and it placed nothing meanwhile
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0 and f"waiting for the cluster run of pid {os.getpid()}" in err
    assert not store.unassigned_ids()
    store.close()
