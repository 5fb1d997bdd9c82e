"""The live-feed commands as a user runs them, against the local fixture site: sources add/list/set/remove,
import/export, watch --once, watchlist and alerts; `watch` stopped by SIGTERM, and killed mid-cycle then
started again without losing or doubling anything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from newsprism.store import open_store

from .site import Site, article_page, rss
from .test_poller import LONG


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def publish(site, n: int, slow_pages: bool = False) -> None:
    entries = [{"title": f"Port update {k}", "link": f"{site.base}/news/{k}", "summary": "Ships wait.", "date": 1_780_000_000 + k}
               for k in range(n)]
    for k in range(n):
        site.put(f"/news/{k}", article_page(f"Port update {k}", [LONG, f"Berth {k} reopened at noon."], "2026-05-28"))
    site.put("/feed.xml", rss("Harbor Wire", entries), content_type="application/rss+xml")


def test_sources_watch_watchlists_and_alerts_from_the_command_line(cli, site, tmp_path):
    site.put("/", '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>')
    publish(site, 3)
    code, out, err = cli("sources", "add", site.base + "/", site.base + "/nothing-here", "--allow-private-urls", "--json")
    assert code == 1 and "nothing-here" in err  # one URL failed, the other was added
    (added,) = json.loads(out)["added"]
    assert added["url"] == site.base + "/feed.xml" and added["new"]
    assert cli("watchlist", "add", "berths", "--keyword", "berth reopened")[0] == 0
    assert cli("watchlist", "add", "bad", "--story", "1", "--events", "likes")[0] == 2
    store = open_store(cli.db)
    store.update_source(added["id"], next_poll=0)  # due now
    store.close()
    code, out, err = cli("watch", "--once", "--allow-private-urls", "--politeness", "0", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["new"] == 3 and report["pages"] == 3 and report["clustered"] == 3 and report["alerts"] == 3
    listed = json.loads(cli("sources", "list", "--json")[1])
    assert listed[0]["articles"] == 3 and listed[0]["last_status"] == "ok"
    alerts = json.loads(cli("alerts", "--json", "--unseen", "--mark-seen")[1])
    assert len(alerts) == 3 and all("berth" in a["title"].lower() or "Port update" in a["title"] for a in alerts)
    assert json.loads(cli("alerts", "--json", "--unseen")[1]) == []
    assert cli("sources", "set", str(added["id"]), "--disabled")[0] == 0
    assert json.loads(cli("sources", "list", "--json")[1])[0]["enabled"] == 0
    opml = tmp_path / "out.opml"
    assert cli("sources", "export", "--out", str(opml))[0] == 0
    assert cli("sources", "remove", str(added["id"]))[0] == 0 and cli("sources", "remove", "99")[0] == 4
    code, out, _ = cli("sources", "import", str(opml))
    assert code == 0 and "1 new source" in out


def test_watch_stops_on_sigterm_and_a_kill_mid_cycle_loses_and_doubles_nothing(site, tmp_path):
    db = str(tmp_path / "live.db")
    publish(site, 25)
    store = open_store(db)
    store.add_source(site.base + "/feed.xml", "feed", 600, 0)
    store.close()
    cmd = [sys.executable, "-m", "newsprism.cli", "watch", "--db", db, "--allow-private-urls", "--politeness", "0.05"]
    env = {**os.environ, "NEWSPRISM_EMBED_PROCESS": "0", "NEWSPRISM_EXTRACT_PROCESS": "0"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 60
    while site.requests("/news/5") == 0 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # mid-cycle: some pages read, nothing of this poll stored yet
    proc.wait()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    store = open_store(db)
    deadline = time.time() + 180
    while time.time() < deadline and (store.stats()["articles"] < 25 or store.unassigned_ids()):
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err  # a clean stop
    assert store.stats()["articles"] == 25 and not store.unassigned_ids()
    ids = store.article_ids()
    assert len(ids) == len(set(ids)) == 25
    assert store.get_source(site.base + "/feed.xml")["articles"] == 25
    store.close()


def test_sources_watchlists_and_alerts_over_http(site, tmp_path):
    """The API and the pages: follow a feed, poll it, see the source's state, the alert, its Atom feed; disable
    and remove a source from the page's forms; writes need the token."""
    from fastapi.testclient import TestClient

    from newsprism.api import Settings, create_app

    publish(site, 2)
    db = str(tmp_path / "http.db")
    client = TestClient(create_app(Settings(db=db, write_token="tok", allow_private_urls=True)))
    auth = {"Authorization": "Bearer tok"}
    assert client.post("/api/sources", json={"urls": [site.base + "/feed.xml"]}).status_code == 401
    added = client.post("/api/sources", json={"urls": [site.base + "/feed.xml", site.base + "/none"]}, headers=auth).json()
    assert len(added["added"]) == 1 and "none" in added["failed"][0]
    sid = added["added"][0]["id"]
    assert client.post("/api/watchlists", json={"name": "berths", "kind": "keyword", "target": "berth"}, headers=auth).json()["id"]
    assert client.post("/api/watchlists", json={"name": "x", "kind": "weather", "target": "rain"}, headers=auth).status_code == 422
    store = open_store(db)
    store.update_source(sid, next_poll=0)
    store.close()
    from newsprism.library import Newsprism
    from newsprism.watch import WatchOptions

    with Newsprism.open(db) as news:
        assert news.poll(WatchOptions(allow_private=True, politeness_s=0)).poll.new == 2
    (source,) = client.get("/api/sources").json()["items"]
    assert source["articles"] == 2 and "seen" not in source
    alerts = client.get("/api/alerts?unseen=true").json()["items"]
    assert len(alerts) == 2
    atom = client.get(f"/api/watchlists/{alerts[0]['watchlist_id']}/atom")
    assert atom.status_code == 200 and atom.text.count("<entry>") == 2
    assert "Port update" in client.get("/alerts").text
    page = client.get("/sources").text
    assert f"/ui/sources/{sid}/disable" in page
    assert client.post(f"/ui/sources/{sid}/disable", data={"token": "tok"}, follow_redirects=False).status_code == 303
    assert client.get("/api/sources").json()["items"][0]["enabled"] == 0
    assert client.post(f"/ui/sources/{sid}/remove", data={"token": "nope"}).status_code == 401
    assert client.post(f"/ui/sources/{sid}/remove", data={"token": "tok"}, follow_redirects=False).status_code == 303
    assert client.get("/api/sources").json()["items"] == []
    assert "xmlUrl" not in client.get("/api/sources/opml").text
