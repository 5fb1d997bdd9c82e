"""An open page while the news comes in: the fixture site publishes, a poll cycle runs, and the story list
and a story page open in Chromium show the new article and "N new articles since you opened this page"
without a reload."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from pathlib import Path

import pytest

from newsprism import demo
from newsprism.store import open_store
from newsprism.watch import Watcher, WatchOptions
from tests.conftest import clustered_demo_db
from tests.watch.site import Site, rss
from tests.watch.test_poller import GET

CHROMIUM = "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")


@pytest.fixture
def live(tmp_path):
    import uvicorn

    from newsprism.api import Settings, create_app

    db = str(clustered_demo_db(tmp_path / "live.db"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(db=db)), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    site = Site()
    yield db, f"http://127.0.0.1:{port}", site
    site.close()
    srv.should_exit = True


def test_new_articles_show_up_in_open_pages_without_a_reload(live):
    db, base, site = live
    store = open_store(db)
    ferry = store.story_of(store.get_article("d01").id)
    d03 = next(r for r in map(json.loads, open(demo.corpus_path(), encoding="utf-8")) if r["id"] == "d03")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        listing, story = browser.new_page(), browser.new_page()
        listing.goto(base + "/")
        story.goto(f"{base}/stories/{ferry}")
        listing.wait_for_timeout(2500)  # each page has heard the counts once: what it was opened with
        # The ferry story's follow-up, as another outlet published it later that day.
        site.put("/feed.xml", rss("Coastal Ledger", [{
            "title": "Cebu ferry toll rises, divers search the wreck", "link": f"{site.base}/news/ferry-2",
            "text": d03["text"].replace("Harbor Wire", "Coastal Ledger"), "date": 1_772_600_000}]),
            content_type="application/rss+xml")
        store.add_source(site.base + "/feed.xml", "feed", 300, 0)
        report = Watcher(store, WatchOptions(), get=GET, rng=random.Random(1)).cycle()
        assert report.poll.new == 1 and report.stories == [ferry]
        listing.wait_for_selector("#live-note", timeout=30_000)
        assert listing.inner_text("#live-note") == "1 new article since you opened this page"
        # the list swapped in: the ferry story now counts the new report (locators, not wait_for_function:
        # its polling evaluates strings, which the pages' CSP forbids)
        listing.locator("#stories", has_text="6 reports").wait_for(timeout=30_000)
        story.wait_for_selector("#live-note", timeout=30_000)
        story.locator("#content", has_text="Cebu ferry toll rises").wait_for(timeout=60_000)
        assert "1 new article since you opened this page" in story.inner_text("#live-note")
        browser.close()
    store.close()
