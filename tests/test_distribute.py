"""The stages on Ray (distribute.py), on a real two-node Ray cluster on this machine (ray.cluster_utils,
two nodes of one CPU): results equal the local run's, a killed worker loses and doubles nothing, a record
that breaks extraction is a rejection, and without Ray the flag says how to install it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import clustered_demo_db

from newsprism import distribute

ray = pytest.importorskip("ray", reason="Ray is an optional extra (pip install 'newsprism[ray]')")


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    c.add_node(num_cpus=1)
    ray.init(address=c.address, include_dashboard=False, log_to_driver=False)
    yield c.address
    ray.shutdown()
    c.shutdown()


def _extractions(db: Path | str) -> dict[str, dict]:
    from newsprism.extract import VERSION
    from newsprism.store import open_store

    store = open_store(db)
    try:
        return {aid: store.get_extraction(aid, VERSION).to_dict() for aid in store.article_ids()}
    finally:
        store.close()


def test_extraction_and_dossiers_on_ray_equal_the_local_run(cluster, tmp_path, location):
    """The Ray run writes into the store of the ``location`` fixture: a SQLite file, then PostgreSQL."""
    import newsprism

    local, remote = clustered_demo_db(tmp_path / "local.db"), clustered_demo_db(location)
    with newsprism.open(local) as news:
        news.extract()
        news.report(tmp_path / "local-report", "html")
    with newsprism.open(remote) as news:
        done = distribute.extract(str(remote), cluster, partition=8)
        assert done.tasks == 5 and done.items == 40 and done.rejected == []
        news.report(tmp_path / "ray-report", "html", ray=cluster)
    assert _extractions(remote) == _extractions(local)  # byte for byte, article by article
    files = sorted(p.name for p in (tmp_path / "local-report").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "ray-report").iterdir()) and len(files) > 5

    def body(p: Path) -> str:  # each dossier says how long its comparison took: the one difference allowed
        return re.sub(r"Compared in [0-9.]+ s", "Compared in - s", p.read_text(encoding="utf-8"))

    assert all(body(tmp_path / "local-report" / f) == body(tmp_path / "ray-report" / f) for f in files)


def test_ingest_and_headline_vectors_on_ray_store_what_the_local_run_does(cluster, tmp_path):
    import newsprism
    from newsprism import demo

    lines = demo.corpus_path().read_text(encoding="utf-8").splitlines()
    shards = tmp_path / "shards"
    shards.mkdir()
    for k in range(4):  # four JSONL shards: four tasks
        (shards / f"part-{k}.jsonl").write_text("\n".join(lines[k::4]) + "\n", encoding="utf-8")
    with newsprism.open(tmp_path / "local.db") as a, newsprism.open(tmp_path / "ray.db") as b:
        a.ingest(shards)
        done = b.ingest_on_ray(shards, ray=cluster)
        assert done.tasks == 4 and done.counts["new"] == 40
        assert b.ingest_on_ray(shards, ray=cluster).counts["new"] == 0  # idempotent: a retried task stores nothing twice
        rows = lambda news: {x.id: (x.title, x.text, x.published, x.source, x.lang) for x in news.store.iter_articles()}  # noqa: E731
        assert rows(a) == rows(b)
        assert b.embed_on_ray(ray=cluster).items == 40
        from newsprism.cluster import ClusterConfig

        assert len(b.store.get_vectors(b.store.article_ids(), ClusterConfig.load().embedder)) == 40
        assert b.cluster().articles == 40  # from the vectors the tasks stored
        # (the stories themselves may differ from a one-process ingest's: tasks store articles in the
        # order they finish, and same-day articles are clustered in storing order; see the README)
        assert len(b.store.memberships()) == 40


def test_a_killed_worker_is_retried_and_nothing_is_lost_or_doubled(cluster, tmp_path):
    import newsprism

    db = clustered_demo_db(tmp_path / "kill.db")
    killed: list[int] = []

    def kill_one() -> None:  # the first worker seen running an extraction task dies mid-task
        deadline = time.time() + 120
        while time.time() < deadline and not killed:
            out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
            for line in out.splitlines():
                if "ray::newsprism-extract" in line:
                    pid = int(line.split()[0])
                    subprocess.run(["kill", "-9", str(pid)])
                    killed.append(pid)
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one)
    killer.start()
    done = distribute.extract(str(db), cluster, partition=4)
    killer.join()
    assert killed, "no extraction worker was seen to kill"
    assert done.items == 40 and done.rejected == []
    extractions = _extractions(db)
    assert len(extractions) == 40 and all(x is not None for x in extractions.values())


def test_a_record_that_breaks_extraction_becomes_a_rejection(tmp_path, monkeypatch):
    from newsprism import distribute, pipeline
    from newsprism.store import open_store

    db = clustered_demo_db(tmp_path / "poison.db")
    store = open_store(db)
    ids = store.article_ids()[:3]
    poisoned = store.get_article(ids[1])
    store.close()
    real = pipeline._shared_extractor()

    class Breaks:
        def run(self, arts):
            if any(a.id == poisoned.id for a in arts):
                raise ValueError("a record the extractor cannot take")
            return real.run(arts)

    monkeypatch.setattr(pipeline, "_shared_extractor", lambda: Breaks())
    result = distribute.extract_partition(ids, str(db))  # what a Ray task runs
    assert result["items"] == 3 and len(result["rejected"]) == 1
    assert poisoned.origin in result["rejected"][0] and "ValueError: a record the extractor cannot take" in result["rejected"][0]
    store = open_store(db)
    assert any("extraction failed" in r["reason"] for r in store.rejections())
    from newsprism.extract import VERSION

    assert [store.get_extraction(i, VERSION) is not None for i in ids] == [True, False, True]
    store.close()


def test_without_ray_the_flag_says_how_to_install_it(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from newsprism.cli import app

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    result = CliRunner().invoke(app, ["extract", "--ray", "auto", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "pip install 'newsprism[ray]'" in result.stderr


def test_the_cli_runs_stages_on_ray(cluster, tmp_path):
    from typer.testing import CliRunner

    from newsprism import demo
    from newsprism.cli import app

    db = str(tmp_path / "cli.db")
    run = lambda *a: CliRunner().invoke(app, [*a, "--db", db])  # noqa: E731
    assert run("ingest", str(demo.corpus_path()), "--ray", cluster).exit_code == 0
    assert run("cluster", "--ray", cluster).exit_code == 0
    result = run("extract", "--ray", cluster, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["items"] == 40
    assert "0 articles" in run("extract").stdout  # nothing left for the local run


GVA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"


@pytest.mark.skipif(not GVA.exists(), reason="../shared/benchmarks is not beside the repository")
def test_extraction_of_a_gva_slice_on_ray_equals_the_local_run(cluster, tmp_path):
    import gzip

    import newsprism

    part = tmp_path / "gva-slice.jsonl"
    with gzip.open(GVA, "rt", encoding="utf-8") as fh:
        part.write_text("".join(line for _, line in zip(range(80), fh)), encoding="utf-8")
    with newsprism.open(tmp_path / "local.db") as a, newsprism.open(tmp_path / "ray.db") as b:
        a.ingest(part)
        b.ingest(part)
        a.extract()
        assert b.extract(ray=cluster).items == 80
    assert _extractions(tmp_path / "ray.db") == _extractions(tmp_path / "local.db")
