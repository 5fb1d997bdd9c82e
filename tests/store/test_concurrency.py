"""Several processes on one store: migrations, story ids, extractions written while texts change."""

from __future__ import annotations

import multiprocessing

import pytest

from newsprism.model import Extraction, RawRecord
from newsprism.ingest.normalize import normalize
from newsprism.store import open_store


def _open_and_write(path: str, k: int, start, results) -> None:
    start.wait()
    try:
        store = open_store(path)
        store.upsert_articles([normalize(RawRecord(text=f"Article {k} about the harbour.", origin=f"p{k}"))])
        store.close()
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - the test reports what went wrong in the child
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("trial", range(3))
def test_four_processes_opening_a_new_store_at_once_all_succeed(location, trial):
    path = location
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
    store = open_store(path)
    assert store.stats()["articles"] == 4 and store.integrity_check() == "ok"
    store.close()


def test_story_ids_come_from_the_store_so_two_writers_never_share_one(location):
    """A split by hand while a clustering run holds ids: each gets its own."""
    path = location
    clusterer, person = open_store(path), open_store(path)
    arts = [normalize(RawRecord(text=f"Report {k} about the pier.", origin="t")) for k in range(2)]
    clusterer.upsert_articles(arts)
    taken = clusterer.new_story_id()  # the clusterer's next story, not saved yet
    split = person.move_articles([arts[0].id], None, action="split")
    assert split != taken and person.new_story_id() not in (taken, split)
    clusterer.close()
    person.close()


def test_an_extraction_of_an_older_text_is_never_current(any_store):
    store = any_store
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


def test_a_second_clustering_run_waits_for_the_first_and_says_so(location):
    """The clusterer is the single writer of assignments: a run started while another holds the store
    waits (naming the holder), then places what is left."""
    import os
    import subprocess
    import sys
    import time

    from newsprism import demo
    from newsprism.pipeline import ingest

    path = location
    store = open_store(path)
    ingest([str(demo.corpus_path())], store)
    with store.writer_lock("cluster"):  # a clustering run in progress
        second = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "cluster", "--db", path, "--json"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(4)
        assert second.poll() is None  # still waiting
        assert store.unassigned_ids()  # and it placed nothing meanwhile
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0 and "waiting for the cluster run of" in err and f"pid {os.getpid()}" in err
    assert not store.unassigned_ids()
    store.close()


def test_four_ingest_workers_a_clusterer_and_the_server_on_one_store(location, tmp_path):
    """A team's set-up: four ingest processes, the clusterer and the web server on one store at once, a file
    given to all four workers among their own. Nothing lost, nothing stored twice, every article in exactly
    one story, and the server answered throughout."""
    import json
    import subprocess
    import sys
    import urllib.request

    from tests.test_crash_safety import _corpus, _serve

    per_worker, shared_n = 600, 150
    shared = _corpus(tmp_path / "shared.jsonl", shared_n, prefix="s")
    files = [_corpus(tmp_path / f"w{k}.jsonl", per_worker, prefix=f"w{k}-") for k in range(4)]
    server, base = _serve(location)
    cli = [sys.executable, "-m", "newsprism.cli"]
    try:
        workers = [subprocess.Popen([*cli, "ingest", f, shared, "--db", location, "--json"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for f in files]
        cluster_runs, reads = 0, 0
        while any(w.poll() is None for w in workers):
            run = subprocess.run([*cli, "cluster", "--db", location, "--json"], capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, run.stderr
            cluster_runs += 1
            for path in ("/api/stories?limit=5", "/api/articles?limit=5"):
                with urllib.request.urlopen(base + path, timeout=30) as answer:
                    assert answer.status == 200
                    json.loads(answer.read())
                    reads += 1
        reports = []
        for w in workers:
            out, err = w.communicate(timeout=300)
            assert w.returncode == 0, err
            reports.append(json.loads(out))
        final = subprocess.run([*cli, "cluster", "--db", location, "--json"], capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
        with urllib.request.urlopen(base + "/api/stories?limit=500&order=size", timeout=30) as answer:
            assert json.loads(answer.read())["items"][0]["size"] > 1
    finally:
        server.terminate()
        server.wait(30)

    total = 4 * per_worker + shared_n
    assert sum(r["new"] for r in reports) == total  # the shared file's articles were new to one worker only
    assert sum(r["unchanged"] for r in reports) == 3 * shared_n
    store = open_store(location)
    ids = store.article_ids()
    assert len(ids) == len(set(ids)) == total
    members = store.memberships()
    assert set(members) == set(ids)  # every article in a story, and (a key each) in one only
    assert sum(s["size"] for s in store.list_stories(limit=100_000)) == total
    assert store.integrity_check() == "ok" and cluster_runs >= 1 and reads >= 2
    store.close()
