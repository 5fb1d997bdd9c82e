"""The poller against a real local news site: discovery, conditional GET, pages for summaries, edits as
updates, failures as error states with backoff, the SSRF guard and size limits, robots.txt, a simulated day."""

from __future__ import annotations

import functools
import gzip
import ipaddress
import random

import pytest

from newsprism.ingest.fetch import fetch
from newsprism.store import open_store
from newsprism.watch import Watcher, WatchOptions, add_sources, to_opml, opml_feeds
from newsprism.watch.poller import Poller

from .site import Site, article_page, rss

T0 = 1_780_000_000.0  # the simulated clock's start (2026-05-28)
LONG = ("The harbour authority said on Tuesday that 14 ships were waiting outside the port after the storm. "
        "Crews worked through the night to clear the channel, and the first vessels entered at dawn. "
        "Pilots guided the larger container ships in one at a time, the authority said, and the ferry service "
        "to the islands resumed its normal timetable in the afternoon. Fishermen were told to stay in port "
        "until the swell dropped below two metres. ")  # longer than a summary: no page is fetched for it


class Clock:
    def __init__(self):
        self.now = T0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def loopback_only(addr) -> bool:
    """The test site lives on 127.0.0.1; every other non-public address stays refused."""
    return addr == ipaddress.ip_address("127.0.0.1") or (addr.is_global and not addr.is_multicast)


GET = functools.partial(fetch, policy=loopback_only)


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


@pytest.fixture
def news_store(tmp_path):
    s = open_store(tmp_path / "watch.db")
    yield s
    s.close()


def poller(store, clock, **opts) -> Poller:
    return Poller(store, WatchOptions(politeness_s=1.0, **opts), clock, clock.sleep, GET, random.Random(7))


def entry(site, n: int, text: str | None = LONG, summary: str | None = None, date: float = T0) -> dict:
    return {"title": f"Port update {n}", "link": f"{site.base}/news/{n}", "text": text, "summary": summary, "date": date}


def test_a_home_page_names_its_feed_and_an_opml_round_trips(site, news_store):
    site.put("/", f'<html><head><link rel="alternate" type="application/rss+xml" title="Harbor Wire" href="/feed.xml">'
                  "</head><body>home</body></html>")
    site.put("/feed.xml", rss("Harbor Wire", [entry(site, 1)]), content_type="application/rss+xml")
    (source, new), = add_sources(news_store, [site.base + "/"], WatchOptions(), GET, clock=Clock())
    assert new and source["url"] == site.base + "/feed.xml" and source["kind"] == "feed" and source["name"] == "Harbor Wire"
    assert add_sources(news_store, [site.base + "/feed.xml"], WatchOptions(), GET)[0][1] is False  # followed once
    opml = to_opml(news_store.sources())
    assert [(f.url, f.name) for f in opml_feeds(opml.encode(), "x.opml")] == [(source["url"], "Harbor Wire")]
    site.put("/about", "<html><body>no feed here</body></html>")
    with pytest.raises(Exception, match="names no feed"):
        add_sources(news_store, [site.base + "/about"], WatchOptions(), GET)


def test_entries_pages_304_edits_and_new_entries(site, news_store):
    clock = Clock()
    page = article_page("Port update 2", [LONG, "The port reopened fully by noon, officials said."], "2026-05-28")
    site.put("/news/2", page)
    site.put("/feed.xml", rss("Harbor Wire", [entry(site, 1), entry(site, 2, text=None, summary="Ships wait.")]),
             content_type="application/rss+xml")
    (source, _), = add_sources(news_store, [site.base + "/feed.xml"], WatchOptions(), GET, clock=clock)
    p = poller(news_store, clock)
    clock.now = source["next_poll"]
    first = p.cycle()
    assert (first.polled, first.new, first.pages) == (1, 2, 1)
    stored = {a.title: a for a in news_store.iter_articles()}
    assert "reopened fully by noon" in stored["Port update 2"].text  # the page's text, not the summary
    assert stored["Port update 2"].source == "Harbor Wire"

    clock.now = news_store.get_source(source["id"])["next_poll"]
    again = p.cycle()
    assert again.not_modified == 1 and again.new == 0 and site.requests("/news/2") == 1  # 304: nothing read again
    assert site.hits[-1][1].get("if-none-match")

    edited = entry(site, 1, text=LONG + "Two more ships arrived in the afternoon.")
    site.put("/feed.xml", rss("Harbor Wire", [edited, entry(site, 2, text=None, summary="Ships wait."), entry(site, 3)]),
             content_type="application/rss+xml")
    clock.now = news_store.get_source(source["id"])["next_poll"]
    third = p.cycle()
    assert (third.new, third.updated, third.pages) == (1, 1, 0)  # entry 2 unchanged: its page is not fetched again
    assert news_store.stats()["articles"] == 3
    state = news_store.get_source(source["id"])
    assert state["polls"] == 3 and state["not_modified"] == 1 and state["articles"] == 3 and state["last_status"] == "ok"


def test_a_failing_source_backs_off_and_recovers(site, news_store):
    clock = Clock()
    site.put("/feed.xml", "oops", status=500)
    source, _ = news_store.add_source(site.base + "/feed.xml", "feed", 300, T0)
    p = poller(news_store, clock)
    waits = []
    for _ in range(3):
        clock.now = news_store.get_source(source["id"])["next_poll"]
        r = p.cycle()
        assert r.errors == 1
        waits.append(news_store.get_source(source["id"])["next_poll"] - clock.now)
    state = news_store.get_source(source["id"])
    assert state["errors"] == 3 and "HTTP Error 500" in state["last_error"] and state["last_status"] == "error"
    assert 540 < waits[0] < 660 and 1080 < waits[1] < 1320 and 2160 < waits[2] < 2640  # doubling, with jitter
    site.put("/feed.xml", rss("Harbor Wire", [entry(site, 1)]), content_type="application/rss+xml")
    clock.now = state["next_poll"]
    assert p.cycle().new == 1
    assert news_store.get_source(source["id"])["errors"] == 0


@pytest.mark.parametrize("setup, reason", [
    (lambda s: s.put("/feed.xml", "", status=302, Location="http://10.1.2.3/feed.xml"), "non-public address"),
    (lambda s: s.put("/feed.xml", "<rss>" + "x" * (2 * 2**20) + "</rss>", content_type="application/rss+xml"), "larger than"),
    (lambda s: s.put("/feed.xml", "<html><body><p>Not a feed at all.</p></body></html>"), "feed"),
    (lambda s: (s.put("/robots.txt", "User-agent: *\nDisallow: /feed", content_type="text/plain"),
                s.put("/feed.xml", rss("Harbor Wire", []), content_type="application/rss+xml")), "robots.txt"),
    (lambda s: s.put("/feed.xml", "", status=302, Location="/feed.xml"), "redirects"),
    # a gzip bomb (10 MB of zeros in 10 kB), sent although the poller asked for no compression: never inflated
    (lambda s: s.put("/feed.xml", gzip.compress(b"\0" * 10_000_000), content_type="application/rss+xml",
                     **{"Content-Encoding": "gzip"}), "feed"),
])
def test_bad_sources_are_error_states_with_their_reason(site, news_store, setup, reason):
    setup(site)
    source, _ = news_store.add_source(site.base + "/feed.xml", "feed", 300, T0)
    clock = Clock()
    report = poller(news_store, clock, max_feed_bytes=2**20).cycle()
    assert report.errors == 1
    state = news_store.get_source(source["id"])
    assert reason in state["last_error"] and state["next_poll"] > clock.now


def test_one_host_is_asked_one_thing_at_a_time_and_politely(site, news_store):
    clock = Clock()
    for k in range(4):
        site.put(f"/feed{k}.xml", rss(f"Feed {k}", [entry(site, 10 + k)]), content_type="application/rss+xml")
        news_store.add_source(f"{site.base}/feed{k}.xml", "feed", 300, T0)
    poller(news_store, clock).cycle()
    assert len([w for w in clock.slept if w > 0]) >= 3  # robots.txt, then four feeds, each a second after the last


def test_a_simulated_day(site, news_store):
    """One source every 5 minutes for 24 hours, a new entry each hour: every poll on time, each article once,
    most polls answered 304."""
    clock = Clock()
    entries = [entry(site, 0)]
    site.put("/feed.xml", rss("Harbor Wire", entries), content_type="application/rss+xml")
    source, _ = news_store.add_source(site.base + "/feed.xml", "feed", 300, T0)
    watcher = Watcher(news_store, WatchOptions(politeness_s=1.0), clock, clock.sleep, GET, rng=random.Random(3))
    polls = 0
    while clock.now < T0 + 86_400:
        hour = int((clock.now - T0) // 3600)
        if hour + 1 > len(entries):
            entries.append(entry(site, hour, date=clock.now))
            site.put("/feed.xml", rss("Harbor Wire", entries[-20:]), content_type="application/rss+xml")
        polls += watcher.poller.cycle().polled
        clock.now = max(clock.now + 1, news_store.get_source(source["id"])["next_poll"])
    state = news_store.get_source(source["id"])
    assert 260 < polls < 320 and state["errors"] == 0
    assert news_store.stats()["articles"] == len(entries) == 24
    assert state["not_modified"] > polls * 0.8


def test_a_feed_with_more_summaries_than_one_poll_reads_is_caught_up_within_a_minute(site, news_store):
    clock = Clock()
    entries = [entry(site, k, text=None, summary="Ships wait.") for k in range(5)]
    for k in range(5):
        site.put(f"/news/{k}", article_page(f"Port update {k}", [LONG], "2026-05-28"))
    site.put("/feed.xml", rss("Harbor Wire", entries), content_type="application/rss+xml")
    source, _ = news_store.add_source(site.base + "/feed.xml", "feed", 3600, T0)
    p = poller(news_store, clock, max_pages=3)
    assert p.cycle().new == 3
    state = news_store.get_source(source["id"])
    assert state["next_poll"] - clock.now <= 60 and state["etag"] is None  # the rest soon, and not as "not modified"
    clock.now = state["next_poll"]
    assert p.cycle().new == 2 and news_store.stats()["articles"] == 5
    assert news_store.get_source(source["id"])["next_poll"] - clock.now > 3000  # caught up: back to its interval


def test_many_hosts_are_polled_side_by_side_on_one_store(site, news_store):
    """Several hosts' sources in one cycle, each host on its own thread, one SQLite store under them all."""
    clock = Clock()
    hosts = [f"h{k}.test" for k in range(6)]
    site.put("/feed.xml", rss("Harbor Wire", [entry(site, 1)]), content_type="application/rss+xml")
    port = site.base.rsplit(":", 1)[1]
    for k, host in enumerate(hosts):
        for j in range(3):
            news_store.add_source(f"http://{host}:{port}/feed.xml?{j}", "feed", 300, T0)
    site.put("/feed.xml?0", rss("Harbor Wire", [entry(site, 1)]), content_type="application/rss+xml")
    site.put("/feed.xml?1", rss("Harbor Wire", [entry(site, 2)]), content_type="application/rss+xml")
    site.put("/feed.xml?2", "down", status=500)
    get = functools.partial(fetch, resolver=lambda host, p: ["127.0.0.1"], policy=loopback_only)
    report = Poller(news_store, WatchOptions(politeness_s=0), clock, clock.sleep, get, random.Random(1)).cycle()
    assert (report.polled, report.errors, report.new) == (18, 6, 2)
    assert all(s["polls"] == 1 for s in news_store.sources())


def test_odd_feeds_thousands_of_entries_relative_links_no_dates_and_a_slow_server(site, news_store):
    clock = Clock()
    many = [{"title": f"Brief {k}", "link": f"/briefs/{k}", "text": LONG + f" Brief number {k}.", "date": None}
            for k in range(1500)]
    site.put("/many.xml", rss("Harbor Wire", many), content_type="application/rss+xml")
    site.put("/slow.xml", rss("Slow Post", [entry(site, 1)]), content_type="application/rss+xml", **{"X-Test-Delay": "3"})
    big, _ = news_store.add_source(site.base + "/many.xml", "feed", 300, T0)
    slow, _ = news_store.add_source(site.base + "/slow.xml", "feed", 300, T0)
    p = poller(news_store, clock, timeout_s=1.0)
    first = p.cycle()
    assert first.new == 1500 and first.errors == 1
    assert "timed out" in news_store.get_source(slow["id"])["last_error"]
    art = news_store.get_article(f"{site.base}/briefs/7")  # the relative link, made absolute against the feed
    assert art is not None and art.url == f"{site.base}/briefs/7" and art.published is None
    site.put("/many.xml", rss("Harbor Wire", many) + " ", content_type="application/rss+xml")  # a new ETag, same entries
    clock.now = news_store.get_source(big["id"])["next_poll"]
    again = p.cycle()
    assert again.entries == 0 and again.new == 0  # all 1,500 remembered as read
