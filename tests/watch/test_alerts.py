"""After a poll cycle: new articles clustered, extracted, dossiers recomputed, watchlists' alerts raised once,
delivered to a webhook with a signature (retried when it fails), and served as Atom."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET

import pytest

from newsprism.store import open_store
from newsprism.watch import Watcher, WatchOptions
from newsprism.watch.alerts import atom, check_rule, sign

from .site import Site, rss
from .test_poller import GET, T0, Clock

EN = ("Chinese Foreign Ministry spokesperson Mao Ning said on Tuesday that the ferry Sea Star sank off Cebu with "
      "120 passengers aboard, killing 12 people, and that rescuers had pulled 87 people from the water. \"We are following the rescue "
      "closely,\" Mao Ning told reporters in Beijing. The coast guard said the search would go on through the night.")
ZH = ("外交部发言人毛宁周二表示，渡轮“海星”号在宿务附近海域沉没，船上载有120名乘客，救援人员已救起87人。"
      "毛宁说：“我们正密切关注救援进展。”海岸警卫队表示，搜救工作将持续整夜进行。")
EN2 = ("The ferry Sea Star sank off Cebu on Tuesday with 120 passengers aboard, killing 14 people, and rescuers had pulled 95 people "
       "from the water, the coast guard said. Chinese Foreign Ministry spokesperson Mao Ning said Beijing was following "
       "the rescue closely. The search would go on through the night.")


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def feed(site, entries):
    site.put("/feed.xml", rss("Harbor Wire", entries), content_type="application/rss+xml")


def test_a_cycle_clusters_extracts_and_raises_each_alert_once(site, tmp_path):
    store = open_store(tmp_path / "alerts.db")
    clock = Clock()
    site.put("/zh.xml", rss("东方时报", [{"title": "渡轮在宿务沉没", "link": f"{site.base}/zh/1", "text": ZH, "date": T0}], lang="zh"),
             content_type="application/rss+xml")
    feed(site, [{"title": "Ferry sinks off Cebu", "link": f"{site.base}/en/1", "text": EN, "date": T0}])
    for path in ("/feed.xml", "/zh.xml"):
        store.add_source(site.base + path, "feed", 300, T0)
    w_entity = store.add_watchlist("Mao Ning", "entity", "毛宁")
    w_word = store.add_watchlist("ferries", "keyword", "ferry")
    w_source = store.add_watchlist("Harbor Wire", "source", "Harbor Wire")
    site.put("/hook", "")
    store.add_watchlist("hooked", "keyword", "渡轮", webhook=site.base + "/hook", secret="s3cret")
    watcher = Watcher(store, WatchOptions(), clock, clock.sleep, GET, post=lambda url, data, headers: GET(url, data=data, headers=headers),
                      rng=random.Random(1))
    first = watcher.cycle()
    assert first.poll.new == 2 and first.clustered == 2 and first.extracted == 2 and first.dossiers >= 1
    by_list = {w: [a["title"] for a in store.alerts(w)] for w in (w_entity, w_word, w_source)}
    assert len(by_list[w_entity]) == 2  # 毛宁 in the Chinese report and Mao Ning in the English one: one entity
    assert len(by_list[w_word]) == 1 and len(by_list[w_source]) == 1  # "ferry": the English report only
    (path, headers, body), = site.posts  # the webhook got the Chinese report's alert, signed
    assert headers["x-newsprism-signature"] == sign("s3cret", body) and json.loads(body)["watchlist"] == "hooked"

    story = store.story_of(next(a.id for a in store.iter_articles() if a.lang == "en"))
    w_story = store.add_watchlist("the ferry story", "story", str(story), events="article,source,contradiction")
    feed(site, [{"title": "Ferry sinks off Cebu", "link": f"{site.base}/en/1", "text": EN, "date": T0},
                {"title": "Ferry sinks off Cebu, 95 rescued", "link": f"{site.base}/en/2", "text": EN2, "date": T0 + 3600}])
    clock.now += 400
    second = watcher.cycle()
    assert second.poll.new == 1
    titles = [a["title"] for a in store.alerts(w_story)]
    assert any("95 rescued" in t for t in titles)  # a new article in the story
    clash = [a["detail"] for a in store.alerts(w_story) if a["detail"].get("slot") == "killed"]
    assert clash and {v["value"] for v in clash[0]["values"]} == {"12", "14"}  # a new contradiction: 12 or 14 killed
    assert len(site.posts) == 1  # nothing new for the hooked watchlist

    clock.now += 400
    third = watcher.cycle()  # nothing changed: no alert twice
    assert third.poll.new == 0 and third.alerts == 0
    doc = ET.fromstring(atom(store, w_entity, "http://localhost:8000"))
    assert len(doc.findall("{http://www.w3.org/2005/Atom}entry")) == 3  # the third report names Mao Ning too
    store.close()


def test_a_failing_webhook_is_retried_later_and_delivered_once(site, tmp_path):
    store = open_store(tmp_path / "hook.db")
    clock = Clock()
    feed(site, [{"title": "Ferry sinks off Cebu", "link": f"{site.base}/en/1", "text": EN, "date": T0}])
    store.add_source(site.base + "/feed.xml", "feed", 300, T0)
    site.put("/hook", "", status=503)
    store.add_watchlist("hooked", "keyword", "ferry", webhook=site.base + "/hook")
    watcher = Watcher(store, WatchOptions(), clock, clock.sleep, GET, post=lambda url, data, headers: GET(url, data=data, headers=headers))
    assert watcher.cycle().delivered == 0
    (alert,) = store.alerts()
    assert alert["attempts"] == 1 and "503" in alert["last_error"] and alert["delivered_at"] is None
    site.put("/hook", "")
    clock.now += 10
    assert watcher.cycle().delivered == 0  # not yet: the retry waits 30 s
    clock.now += 60
    assert watcher.cycle().delivered == 1
    clock.now += 600
    assert watcher.cycle().delivered == 0 and len(site.posts) == 2  # one failure, one delivery, never again
    store.close()


@pytest.mark.parametrize("kind, target, events, error", [
    ("weather", "rain", "", "watches one of"), ("story", "ferry", "", "story id"), ("story", "3", "likes", "story events"),
    ("keyword", "!!!", "", "no word"), ("entity", " ", "", "needs something"),
])
def test_a_rule_that_cannot_work_is_refused_with_its_reason(kind, target, events, error):
    with pytest.raises(ValueError, match=error):
        check_rule(kind, target, events)
