"""The store on both backends (SQLite, PostgreSQL): migrations, idempotent upserts, updates, search
(Chinese too), rejections, and a whole store copied from one backend to the other."""

from __future__ import annotations

from dataclasses import replace

import pytest

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


def _snapshot(store) -> dict:
    """Everything a reader of a store sees, to compare two stores by."""
    stories = store.list_stories(limit=1000, order="size")
    return {
        "stats": {k: v for k, v in store.stats().items() if k not in ("db", "schema_version")},
        "stories": stories,
        "members": {s["id"]: [(a.id, a.text, info["method"], info["links"]) for a, info in store.story_members(s["id"])]
                    for s in stories},
        "memberships": store.memberships(),
        "articles": [(a.id, a.title, a.text, a.sentences, a.extra) for a in store.iter_articles()],
        "search": [a.id for a, _ in store.search("渡轮")] + sorted(a.id for a, _ in store.search("ferry")),
        "rejections": store.rejections(),
        "cluster_state": store.get_cluster_state(),
        "merged": store.resolve_story(min(s["id"] for s in stories)),
    }


def test_copy_moves_a_whole_store_to_postgresql_and_back_and_resumes(tmp_path, pg_server):
    from tests.conftest import clustered_demo_db, drop_pg_database, new_pg_database

    from newsprism.store.copy import copy_store

    source = open_store(clustered_demo_db(tmp_path / "demo.db"))
    first, second = (s["id"] for s in source.list_stories(limit=2, order="size"))
    source.merge_stories(first, [second])  # a merged story points at another: copied after its target
    source.upsert_articles([], [Rejection("bad.jsonl", "invalid JSON", "line 2")])
    url = new_pg_database(pg_server)
    try:
        target = open_store(url)

        class Stop(Exception):
            pass

        def stop_midway(table, done, total):
            if table == "articles" and done >= 20:
                raise Stop

        with pytest.raises(Stop):  # an interrupted copy ...
            copy_store(source, target, batch=10, on_progress=stop_midway)
        assert 0 < target.stats()["articles"] < 40
        report = copy_store(source, target, batch=10)  # ... goes on where it stopped
        assert report.resumed and report.rows["articles"] == 40 - 20
        assert _snapshot(target) == _snapshot(source)
        assert target.integrity_check() == "ok"
        # Ids copied in keep their sequence: the next story is a new one.
        assert target.new_story_id() > max(s["id"] for s in source.list_stories(limit=1000))
        back = open_store(tmp_path / "back.db")
        copy_store(target, back)
        assert _snapshot(back) == _snapshot(source)
        back.close()
        target.close()
    finally:
        drop_pg_database(pg_server, url)
    source.close()


def _two_stories(store):
    """Three reports: two in English and Chinese in one story, a German one in another."""
    en = art("A ferry sank off Cebu.", title="Ferry sinks off Cebu", lang="en", source="Harbor Wire", published="2026-03-03")
    zh = art("宿务一艘渡轮沉没。", title="宿务渡轮沉没", lang="zh", source="东方时报", published="2026-03-04")
    de = art("Ein Güterzug ist entgleist.", title="Güterzug entgleist", lang="de", source="Tageskurier", published="2026-03-10")
    store.upsert_articles([en, zh, de])
    ferry = store.move_articles([en.id, zh.id], None, action="split")
    train = store.move_articles([de.id], None, action="split")
    return ferry, train, (en, zh, de)


def test_story_list_filters_and_orders(any_store):
    store = any_store
    ferry, train, _ = _two_stories(store)
    assert [s["id"] for s in store.list_stories()] == [train, ferry]  # latest report first
    assert [s["id"] for s in store.list_stories(order="size")] == [ferry, train]
    assert [s["id"] for s in store.list_stories(order="added")] == [train, ferry]
    assert [s["id"] for s in store.list_stories(lang="zh")] == [ferry]
    assert store.list_stories(lang="z") == []  # a whole language code, not part of one
    assert [s["id"] for s in store.list_stories(source="Tageskurier")] == [train]
    assert [s["id"] for s in store.list_stories(since="2026-03-05")] == [train]
    assert [s["id"] for s in store.list_stories(until="2026-03-03")] == [ferry]
    assert [s["id"] for s in store.list_stories(ids=[ferry])] == [ferry]
    store.set_story_title(ferry, "Ferry sinks off Cebu")
    assert store.list_stories(ids=[ferry])[0]["title"] == "Ferry sinks off Cebu"


def test_corrections_are_undone_latest_first(any_store):
    store = any_store
    ferry, train, (en, zh, de) = _two_stories(store)
    store.merge_stories(ferry, [train])
    assert store.story_of(de.id) == ferry and store.resolve_story(train) == ferry
    edit = store.last_edit()
    assert edit["action"] == "merge"
    assert sorted(store.undo_edit(edit["id"])) == sorted({ferry, train})
    assert store.story_of(de.id) == train and store.resolve_story(train) == train
    assert {s["id"]: s["size"] for s in store.list_stories()} == {ferry: 2, train: 1}
    # then the split that made the train story: its article is in no story again
    assert store.last_edit()["action"] == "split"
    store.undo_edit(store.last_edit()["id"])
    assert store.story_of(de.id) is None and [s["id"] for s in store.list_stories()] == [ferry]
    store.undo_edit(store.last_edit()["id"])
    assert store.last_edit() is None and store.list_stories() == []


def test_the_operator_names_an_outlet(any_store):
    store = any_store
    ferry, _, (en, _, _) = _two_stories(store)
    before = store.member_hashes(ferry)
    assert store.set_article_source(en.id, "Coastal Times")
    got = store.get_article(en.id)
    assert (got.source, got.source_provenance) == ("Coastal Times", "operator")
    assert "Coastal Times" in store.list_stories(ids=[ferry])[0]["sources"]
    assert store.member_hashes(ferry) != before  # its story's dossier is stale: the name shows in it
    assert not store.set_article_source("no-such-article", "X")


def test_quotes_of_a_person_are_found_by_canonical_name(any_store):
    from newsprism.model import Extraction, Quote, Span

    store = any_store
    a = art('"Asia is a promising land," Mao Ning said.', title="Mao Ning on Asia", lang="en")
    b = art("Mao Ningbo was not quoted; Maoist_ said nothing.", title="Other", lang="en")
    store.upsert_articles([a, b])
    q = Quote(Span(a.id, 0, 41), Span(a.id, 1, 26), "Asia is a promising land,", "said", True, "Mao Ning")
    store.put_extractions([Extraction(a.id, quotes=[q], version="v1", content_hash=a.content_hash),
                           Extraction(b.id, quotes=[Quote(Span(b.id, 0, 5), Span(b.id, 0, 5), "x", "said", True, "Maoist_")],
                                      version="v1", content_hash=b.content_hash)])
    found = store.quotes_by("Mao Ning", "v1")
    assert [(x.id, [q["content_text"] for q in qs]) for x, qs in found] == [(a.id, ["Asia is a promising land,"])]
    assert store.quotes_by("Mao", "v1") == [] and store.quotes_by("Mao Ning", "v2") == []
    assert [x.id for x, _ in store.quotes_by("Maoist_", "v1")] == [b.id]  # LIKE's wildcards are taken literally


def test_spellings_keep_their_first_evidence_and_lead_from_an_alias_to_the_name(any_store):
    from newsprism.model import Alias, Span

    store = any_store
    proof = [{"article_id": "zh1", "span": Span("zh1", 10, 20), "text": "这不是慈善", "said_as": "兰布卡"},
             {"article_id": "en1", "span": Span("en1", 1, 30), "text": "This is not charity", "said_as": "Sitiveni Rabuka"}]
    learned = [Alias("兰布卡", "Sitiveni Rabuka", 5, proof), Alias("Lan Buka", "Sitiveni Rabuka", 5, proof)]
    assert store.put_aliases(learned) == 2
    assert store.put_aliases([Alias("兰布卡", "Sitiveni Rabuka", 9, proof[::-1])]) == 0  # known: the first evidence stays
    rows = store.spellings("Sitiveni Rabuka")
    assert [(r["alias"], r["story_id"]) for r in rows] == [("Lan Buka", 5), ("兰布卡", 5)]
    assert rows[1]["evidence"][0] == {"article_id": "zh1", "span": {"article_id": "zh1", "start": 10, "end": 20, "field": "text"},
                                      "text": "这不是慈善", "said_as": "兰布卡"}
    assert {r["alias"] for r in store.spellings("兰布卡")} == {"兰布卡", "Lan Buka"}  # from a spelling to all of them
    assert store.spellings("Nobody") == []
