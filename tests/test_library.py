"""newsprism as a library: ``newsprism.open`` and the stage methods, the way a script would use them."""

from __future__ import annotations

import inspect

import pytest

import newsprism
from newsprism import demo
from newsprism.library import Newsprism
from newsprism.store import Store
from newsprism.store.sqlite import SQLiteStore


def test_a_script_runs_every_stage_through_one_object(tmp_path):
    with newsprism.open(tmp_path / "news.db") as news:
        ingested = news.ingest(demo.corpus_path())
        assert ingested.new == 40 and ingested.exit_code == 0
        assert news.cluster().articles == 40
        biggest = news.stories(order="size", limit=3)
        assert biggest[0]["size"] == 5
        sid = biggest[0]["id"]
        comparison = news.compare(sid)
        assert comparison.story_id == sid and comparison.contradictions
        assert news.dossier(sid, "html").startswith("<!doctype html>") and news.dossier(987654) is None
        hits = news.search("渡轮")
        assert hits and all(news.story_of(a.id) for a, _ in hits)
        zh = news.articles(lang="zh", limit=2)
        assert len(zh) == 2 and all(a.lang == "zh" for a in zh)
        resolved, members = news.story(sid)
        assert resolved == sid and len(members) == 5
        moved = members[0][0].id
        new = news.split([moved])
        assert news.story_of(moved) == new != sid
        assert news.move([moved], sid) == sid and news.story_of(moved) == sid
        a, b = (r["id"] for r in news.stories(order="size")[-2:])
        assert news.merge(a, [b]) == a and news.story(b)[0] == a
        written = news.report(tmp_path / "dossiers", "md")
        assert written.written and not written.failed and (tmp_path / "dossiers" / "index.md").exists()
        assert news.stats()["articles"] == 40 and news.location.endswith("news.db")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_each_store_implements_the_whole_store_contract(backend):
    """Every method of the Store protocol exists on each backend with the same parameters."""
    if backend == "sqlite":
        cls = SQLiteStore
    else:
        cls = pytest.importorskip("newsprism.store.postgres").PostgresStore
    wanted = {name for name, member in vars(Store).items() if callable(member) and not name.startswith("_")}
    assert len(wanted) > 35
    for name in wanted:
        mine = inspect.signature(getattr(cls, name))
        contract = inspect.signature(getattr(Store, name))
        assert list(mine.parameters) == list(contract.parameters), name


def test_nothing_outside_the_store_calls_past_its_contract():
    """What the stages and faces call on a store is in the protocol: a backend that implements it is enough."""
    import re
    from pathlib import Path

    src = Path(newsprism.__file__).parent
    contract = {name for name in vars(Store) if not name.startswith("__")} | set(Store.__annotations__)
    modules = {p.stem for p in (src / "store").glob("*.py")}  # `from .store.copy import ...` is no call
    called = set()
    for path in src.rglob("*.py"):
        if path.parent.name == "store":
            continue
        called.update(re.findall(r"\bstore\.(\w+)\b", path.read_text(encoding="utf-8")))
    assert called and called - modules <= contract, sorted(called - modules - contract)


def test_open_defaults_to_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSPRISM_DB", str(tmp_path / "env.db"))
    with Newsprism.open() as news:
        assert news.location == str(tmp_path / "env.db")
