"""Following the news live: sources (feeds, sitemaps, sites, OPML), the poller, and after each poll cycle
the articles it brought clustered, extracted, their stories' dossiers recomputed and the watchlists'
alerts raised and delivered, in that order, without reprocessing the rest.

- ``discover.py``: what a URL is (a feed, a sitemap, a page naming feeds, an OPML list), OPML out;
- ``poller.py``: polite, conditional, backing-off polling of the due sources;
- ``alerts.py``: watchlists, alerts once per event, Atom feeds, signed webhooks.

``Watcher`` runs it: ``cycle()`` once (`newsprism watch --once`), ``run(stop)`` until ``stop`` is set
(`newsprism watch`, `serve --watch`). All state is in the store, so a poller killed at any point resumes
where it was: an entry not marked read is read again (and stored once), articles not clustered or
extracted yet are taken by the next cycle, and the alert cursor only moves after the alerts are stored.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import pipeline
from ..ingest.fetch import Response, fetch
from ..store import Store
from . import alerts
from .discover import Discovered, discover, opml_feeds, to_opml
from .poller import CycleReport, Poller, WatchOptions

log = logging.getLogger(__name__)

_ALERT_CURSOR = "watch.alerted"  # how many articles (in store order) the watchlists have been checked against

__all__ = ["Watcher", "WatchOptions", "WatchReport", "add_sources", "import_opml", "opml_feeds", "to_opml"]


@dataclass
class WatchReport:
    poll: CycleReport
    clustered: int = 0
    extracted: int = 0
    dossiers: int = 0
    alerts: int = 0
    delivered: int = 0
    seconds: float = 0.0
    stories: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.poll.to_dict(), "clustered": self.clustered, "extracted": self.extracted, "dossiers": self.dossiers,
                "alerts": self.alerts, "delivered": self.delivered, "stories": self.stories, "seconds": round(self.seconds, 3)}


def add_sources(store: Store, urls: list[str], options: WatchOptions, get: Callable[..., Response] = fetch,
                interval_s: int | None = None, name: str | None = None, lang: str | None = None,
                clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> list[tuple[dict[str, Any], bool]]:
    """Follow what each URL is or names: (source, whether new) per source. A URL that is none of them raises
    InputError naming it. A new source's first poll comes within a minute, spread so many do not fire together."""
    found: list[Discovered] = []
    for url in urls:
        found += discover(url, lambda u: get(u, options.allow_private, options.timeout_s, options.max_feed_bytes))
    return follow(store, found, interval_s or options.interval_s, name, lang, clock, rng)


def import_opml(store: Store, data: bytes, origin: str, interval_s: int) -> list[tuple[dict[str, Any], bool]]:
    """Follow every feed an OPML file lists (nothing is fetched now: each is read at its first poll)."""
    return follow(store, opml_feeds(data, origin), interval_s)


def follow(store: Store, found: list[Discovered], interval_s: int, name: str | None = None, lang: str | None = None,
           clock: Callable[[], float] = time.time, rng: random.Random | None = None) -> list[tuple[dict[str, Any], bool]]:
    """Store the sources found: (source, whether new) each. A new source's first poll comes within a minute,
    spread so that many added at once do not fire together."""
    rng = rng or random.Random()
    return [store.add_source(f.url, f.kind, interval_s, clock() + rng.uniform(0, min(60, interval_s)), f.site,
                             name or f.name, lang) for f in found]


class Watcher:
    def __init__(self, store: Store, options: WatchOptions | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, get: Callable[..., Response] = fetch,
                 post: Callable[..., Response] | None = None, rng: random.Random | None = None):
        self.store, self.options, self.clock, self.sleep = store, options or WatchOptions(), clock, sleep
        self.poller = Poller(store, self.options, clock, sleep, get, rng)
        self.post = post
        self._looked = False
        if store.get_meta(_ALERT_CURSOR) is None:  # watchlists watch what comes from now on, not the archive
            store.put_meta(_ALERT_CURSOR, str(len(store.article_ids())))

    def cycle(self, stop: threading.Event | None = None) -> WatchReport:
        started = self.clock()
        report = WatchReport(self.poller.cycle(stop))
        self.catch_up(report)
        report.seconds = self.clock() - started
        return report

    def catch_up(self, report: WatchReport) -> None:
        """Cluster what is in no story, extract what has no current extraction, recompute the dossiers of the
        stories this cycle touched, raise and deliver alerts. A cycle that brought nothing skips the first
        three (the first cycle of a run always looks: a poller killed mid-way may have left work)."""
        store = self.store
        changed = report.poll.new_ids or report.poll.updated_ids
        if changed or not self._looked:
            if store.unassigned_ids():
                report.clustered = pipeline.cluster(store).articles
            report.extracted = pipeline.extract(store).articles
            self._looked = True
        touched = sorted({sid for aid in report.poll.new_ids + report.poll.updated_ids
                          if (sid := store.story_of(aid)) is not None})
        for sid in touched:
            pipeline.compare(store, sid)
        report.dossiers, report.stories = len(touched), touched
        # Alerts follow a cursor over the articles in store order, moved once their alerts are stored: a poller
        # killed before that checks them again at its next start (an alert is raised once per event anyway).
        start = int((store.get_meta(_ALERT_CURSOR) or b"0").decode())
        if store.counts()["articles"] > start or report.poll.updated_ids:
            ids = store.article_ids()
            earlier = set(ids[:start])
            checked = ids[start:] + [i for i in report.poll.updated_ids if i in earlier]
            report.alerts = len(alerts.evaluate(store, checked, lambda sid: pipeline.compare(store, sid)))
            store.put_meta(_ALERT_CURSOR, str(len(ids)))
        report.delivered, _failed = alerts.deliver(store, self.clock, self.post, self.options.allow_private)

    def run(self, stop: threading.Event, on_cycle: Callable[[WatchReport], None] | None = None, idle_s: float = 5.0) -> None:
        """Poll until ``stop`` is set; between cycles, sleep until the next source is due (at most ``idle_s``)."""
        while not stop.is_set():
            try:
                report = self.cycle(stop)
                if on_cycle is not None:
                    on_cycle(report)
            except Exception:  # noqa: BLE001 - a failed cycle (the store away a moment) is logged; the next one tries again
                log.exception("a watch cycle failed")
            due = self.store.next_due()
            wait = idle_s if due is None else min(idle_s, max(0.0, due - self.clock()))
            stop.wait(max(0.05, wait))
