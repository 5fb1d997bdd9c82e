"""The store on both backends (SQLite, PostgreSQL): migrations, idempotent upserts, updates, search
(Chinese too), rejections, and a whole store copied from one backend to the other."""

from __future__ import annotations

from dataclasses import replace

from newsprism.model import RawRecord, Rejection
from newsprism.ingest.normalize import normalize
from newsprism.store import ArticleQuery, open_store
from newsprism.store.sqlite import migrations


def art(text, **kw):
    return normalize(RawRecord(text=text, origin="t.jsonl", **kw))


def test_sqlite_schema_is_migrated_to_latest_in_wal_mode(store):
    assert store.schema_version == migrations()[-1][0]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_does_not_migrate_again(location):
    s = open_store(location)
    version = s.schema_version
    assert version >= 1
    s.upsert_articles([art("One article.")])
    s.close()
    s = open_store(location)
    assert s.stats()["articles"] == 1 and s.schema_version == version
    assert s.integrity_check() == "ok"
    s.close()


def test_upsert_is_idempotent_and_detects_updates(any_store):
    store = any_store
    a = art("The ferry sank off Cebu.", url="https://h.example/1", published="2026-03-03")
    assert store.upsert_articles([a]).new == [a.id]
    assert store.upsert_articles([a]).unchanged == [a.id]
    changed = art("The ferry sank off Cebu; 14 dead.", url="https://h.example/1", published="2026-03-04")
    assert store.upsert_articles([changed]).updated == [a.id]
    assert store.get_article(a.id).text.endswith("14 dead.")
    assert store.stats()["articles"] == 1
    # The search index follows the update: the new words are found, the old version is gone.
    assert [x.id for x, _ in store.search("14 dead")] == [a.id]


def test_search_english_and_chinese_with_snippets(any_store):
    store = any_store
    en = art("NATO plans a liaison office in Tokyo. Beijing objects.", title="NATO office")
    zh = art("北约计划在东京开设联络处。中方表示应高度警惕。", title="北约东京联络处")
    store.upsert_articles([en, zh])
    assert [a.id for a, _ in store.search("liaison Tokyo")] == [en.id]
    hits = store.search("联络处")
    assert [a.id for a, _ in hits] == [zh.id] and hits[0][1] == "北约计划在东京开设联络处。"
    assert store.search("东京警惕") == []  # characters that occur, but not as this phrase
    assert store.search('"office in Tokyo"')[0][0].id == en.id


def test_find_articles_filters(any_store):
    store = any_store
    store.upsert_articles([
        art("A", source="Harbor Wire", lang="en", published="2026-03-01", external_id="1"),
        art("B", source="Tageskurier", lang="de", published="2026-03-05", external_id="2"),
        art("C", source="Harbor Wire", lang="en", published="2026-03-09T10:00:00", external_id="3"),
    ])
    texts = lambda q: [a.text for a in store.find_articles(q)]  # noqa: E731
    assert texts(ArticleQuery()) == ["C", "B", "A"]
    assert texts(ArticleQuery(source="harbor wire")) == ["C", "A"]
    assert texts(ArticleQuery(lang="de")) == ["B"]
    assert texts(ArticleQuery(since="2026-03-02", until="2026-03-09")) == ["C", "B"]
    assert texts(ArticleQuery(limit=1, offset=1)) == ["B"]
    assert store.get_article("2").text == "B"  # by the input's own id


def test_rejections_are_counted_not_duplicated(any_store):
    store = any_store
    rej = Rejection("bad.jsonl", "invalid JSON: Expecting value", "line 2")
    store.upsert_articles([], [rej])
    store.upsert_articles([], [rej])
    (row,) = store.rejections()
    assert row["times"] == 2 and row["record"] == "line 2"


def test_failed_batch_is_rolled_back_whole(any_store):
    store = any_store
    good = art("Good article.")
    bad = replace(art("Bad article."), sentences=object())  # cannot be serialized
    try:
        store.upsert_articles([good, bad])
    except TypeError:
        pass
    assert store.stats()["articles"] == 0
