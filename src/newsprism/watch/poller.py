"""The poller: each due source fetched politely, its new entries read into articles.

- Conditional GET: the ETag and Last-Modified a source last sent go back with the next request; a 304
  costs nothing more.
- Politeness: one request at a time per host, at least ``politeness_s`` apart; robots.txt honoured (read
  once a day per host); an honest User-Agent.
- Failures: a source that fails is retried later and later (the interval doubled per failure in a row, up
  to a day), its error kept for `sources list`; every next poll has jitter, so 1,000 sources added at once
  do not fire together.
- An entry with only a summary: its page is fetched and its text extracted (trafilatura, as ingest does),
  through the same guarded fetch and size limits as URL ingest.
- An entry already read (the same id, link, date, title and text) is skipped; one edited under the same
  link is stored again and becomes an update of the stored article (ingest's own rule).

The clock, the sleep and the fetch are injectable, so tests run a simulated day in seconds.
"""

from __future__ import annotations

import hashlib
import io
import random
import threading
import time
import urllib.parse
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from ..ingest import IngestOptions, read_blob
from ..ingest.errors import InputError
from ..ingest.fetch import USER_AGENT, Response, fetch
from ..ingest.html import extract_page
from ..ingest.sources import Blob, one_line
from ..model import RawRecord, Rejection
from ..pipeline import IngestReport, ingest_records
from ..store import Store

Get = Callable[..., Response]  # fetch's signature: (url, allow_private, timeout, max_bytes, headers=...)


@dataclass
class WatchOptions:
    interval_s: int = 600  # a new source's poll interval
    allow_private: bool = False  # let sources and pages live on private or loopback addresses
    politeness_s: float = 1.0  # the least time between two requests to one host
    timeout_s: float = 20.0
    max_feed_bytes: int = 10 * 2**20
    max_page_bytes: int = 5 * 2**20
    summary_chars: int = 400  # an entry's text shorter than this is a summary: its page is read
    max_pages: int = 30  # pages read per source per poll (the rest at the next)
    max_backoff_s: int = 86_400
    jitter: float = 0.1  # each next poll lands within ±10% of the interval
    hosts_at_once: int = 8
    seen_kept: int = 500  # entry fingerprints kept per source (more than a feed shows at once)
    robots_ttl_s: int = 86_400


@dataclass
class SourceResult:
    source_id: int
    url: str
    status: str  # ok | not-modified | error
    entries: int = 0
    pages: int = 0
    error: str | None = None
    report: IngestReport | None = None


@dataclass
class CycleReport:
    polled: int = 0
    not_modified: int = 0
    errors: int = 0
    entries: int = 0
    pages: int = 0
    new: int = 0
    updated: int = 0
    new_ids: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    seconds: float = 0.0
    results: list[SourceResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"polled": self.polled, "not_modified": self.not_modified, "errors": self.errors, "entries": self.entries,
                "pages": self.pages, "new": self.new, "updated": self.updated, "seconds": round(self.seconds, 3),
                "failed": [{"source": r.url, "error": r.error} for r in self.results if r.status == "error"]}


class HostGate:
    """One request at a time per host, at least ``gap`` seconds apart."""

    def __init__(self, gap: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.gap, self.clock, self.sleep = gap, clock, sleep
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def run(self, url: str, call: Callable[[], Response]) -> Response:
        host = (urllib.parse.urlsplit(url).hostname or "").lower()
        with self._guard:
            lock = self._locks[host]
        with lock:
            wait = self._last.get(host, -1e18) + self.gap - self.clock()
            if wait > 0:
                self.sleep(wait)
            try:
                return call()
            finally:
                self._last[host] = self.clock()


class Poller:
    def __init__(self, store: Store, options: WatchOptions | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, get: Get = fetch, rng: random.Random | None = None):
        self.store, self.options = store, options or WatchOptions()
        self.clock, self.sleep, self.get = clock, sleep, get
        self.rng = rng or random.Random()
        self.gate = HostGate(self.options.politeness_s, clock, sleep)
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser | None]] = {}
        self._robots_lock = threading.Lock()

    # --- fetching -------------------------------------------------------------------------------------

    def fetch(self, url: str, max_bytes: int, headers: dict[str, str] | None = None) -> Response:
        """A request through the host's gate, after robots.txt allows it."""
        if not self.allowed(url):
            raise InputError(f"robots.txt of {urllib.parse.urlsplit(url).hostname} disallows {url}")
        o = self.options
        return self.gate.run(url, lambda: self.get(url, o.allow_private, o.timeout_s, max_bytes, headers=headers))

    def allowed(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            cached = self._robots.get(base)
        if cached is None or cached[0] < self.clock():
            rules: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                o = self.options
                body = self.gate.run(base, lambda: self.get(base + "/robots.txt", o.allow_private, o.timeout_s, 512 * 1024)).body
                rules.parse(body.decode("utf-8", "replace").splitlines())
            except InputError as exc:
                # no robots.txt (404) or none to be had: everything allowed; 401/403: nothing (the convention)
                rules = _deny_all() if any(f"HTTP Error {c}" in str(exc) for c in (401, 403)) else None
            cached = (self.clock() + self.options.robots_ttl_s, rules)
            with self._robots_lock:
                self._robots[base] = cached
        return cached[1] is None or cached[1].can_fetch(USER_AGENT, url)

    # --- one source ------------------------------------------------------------------------------------

    def poll_source(self, source: dict[str, Any]) -> SourceResult:
        """Fetch one source and store what is new in it; the source's state records how it went."""
        o, started = self.options, self.clock()
        result = SourceResult(source["id"], source["url"], "ok")
        try:
            headers = {}
            if source.get("etag"):
                headers["If-None-Match"] = source["etag"]
            if source.get("last_modified"):
                headers["If-Modified-Since"] = source["last_modified"]
            resp = self.fetch(source["url"], o.max_feed_bytes, headers)
            if resp.status == 304:
                result.status = "not-modified"
                self.store.update_source(source["id"], last_poll=started, last_status="not-modified", errors=0,
                                         last_error=None, polls=source["polls"] + 1,
                                         not_modified=source["not_modified"] + 1, next_poll=self._next(source, 0))
                return result
            records = self._records(source, resp)
            seen = list(source.get("seen") or [])
            known = set(seen)
            fresh, marks = [], []
            for rec in records:
                if isinstance(rec, Rejection):
                    fresh.append(rec)
                    continue
                mark = _fingerprint(rec)
                if mark in known:
                    continue
                known.add(mark)
                marks.append(mark)
                fresh.append(rec)
            result.entries = len(marks)
            items, read = self._with_pages(source, fresh, result)
            report = ingest_records(items, self.store, IngestOptions(), keep_new_ids=True)
            result.report = report
            left = [m for m in marks if m not in read]  # entries whose pages wait for the next poll
            # (a feed of thousands of entries keeps all of its own: else the oldest would look new at each poll)
            keep = min(20_000, max(o.seen_kept, 2 * len(records)))
            seen = (seen + [m for m in marks if m in read])[-keep:]
            # a feed with more summaries than one poll reads: the rest within a minute, not an interval later;
            # its validators are not kept, or the next poll would be answered "not modified"
            self.store.update_source(
                source["id"], last_poll=started, last_status="ok", errors=0, last_error=None,
                etag=None if left else resp.etag, last_modified=None if left else resp.last_modified, seen=seen,
                polls=source["polls"] + 1, articles=source["articles"] + report.new,
                next_poll=self.clock() + min(60, source["interval_s"]) if left else self._next(source, 0),
                **({"last_new": started} if report.new else {}))
        except Exception as exc:  # noqa: BLE001 - one source's failure is its error state, never the poller's end
            errors = source["errors"] + 1
            result.status, result.error = "error", one_line(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {one_line(exc)}"
            self.store.update_source(source["id"], last_poll=started, last_status="error", errors=errors,
                                     last_error=result.error, polls=source["polls"] + 1, next_poll=self._next(source, errors))
        return result

    def _next(self, source: dict[str, Any], errors: int) -> float:
        o = self.options
        wait = min(source["interval_s"] * 2 ** errors, o.max_backoff_s) if errors else source["interval_s"]
        return self.clock() + wait * (1 + self.rng.uniform(-o.jitter, o.jitter))

    def _records(self, source: dict[str, Any], resp: Response) -> list[RawRecord | Rejection]:
        if source["kind"] == "sitemap":
            return self._sitemap(source, resp.body)
        blob = Blob(name=source["url"], stream=io.BufferedReader(io.BytesIO(resp.body)), size=len(resp.body),
                    url=source["url"], content_type=resp.content_type)
        records = list(read_blob(blob, IngestOptions(format="feed", max_doc_bytes=self.options.max_feed_bytes)))
        bad = [r for r in records if isinstance(r, Rejection) and r.record is None]
        if bad and not any(isinstance(r, RawRecord) for r in records):
            raise InputError(bad[0].reason)  # the feed as a whole is unreadable: the source's error, not a record's
        for rec in records:
            if isinstance(rec, RawRecord):
                if rec.url:  # a relative link is relative to the feed
                    rec.url = urllib.parse.urljoin(source["url"], rec.url)
                self._override(source, rec)
        return records

    def _sitemap(self, source: dict[str, Any], body: bytes, depth: int = 0) -> list[RawRecord | Rejection]:
        """A (news) sitemap's pages, newest first, as records that hold only their URL and what the sitemap
        says of them (news:title, news:publication_date or lastmod): their pages are read next."""
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise InputError(f"malformed sitemap: {exc}") from None
        local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
        if local(root.tag) == "sitemapindex":
            if depth:
                return []
            out: list[RawRecord | Rejection] = []
            for loc in [e.text.strip() for e in root.iter() if local(e.tag) == "loc" and e.text][:3]:
                out += self._sitemap(source, self.fetch(loc, self.options.max_feed_bytes).body, depth + 1)
            return out
        entries = []
        for url in (e for e in root if local(e.tag) == "url"):
            fields = {local(x.tag): (x.text or "").strip() for x in url.iter()}
            if fields.get("loc"):
                entries.append(fields)
        entries.sort(key=lambda f: f.get("publication_date") or f.get("lastmod") or "", reverse=True)
        records = []
        for i, f in enumerate(entries):
            rec = RawRecord(text="", origin=source["url"], record=f"url {i + 1}", title=f.get("title") or None,
                            url=f["loc"], published=f.get("publication_date") or f.get("lastmod") or None,
                            external_id=f["loc"], source_provenance="feed")
            self._override(source, rec)
            records.append(rec)
        return records

    @staticmethod
    def _override(source: dict[str, Any], rec: RawRecord) -> None:
        if source.get("name"):
            rec.source, rec.source_provenance = source["name"], "metadata"
        if source.get("lang"):
            rec.lang = source["lang"]

    def _with_pages(self, source: dict[str, Any], items: list[RawRecord | Rejection],
                    result: SourceResult) -> tuple[list[RawRecord | Rejection], set[str]]:
        """Entries with a summary only (or none): their pages read and their text extracted, at most
        ``max_pages`` a poll. The records to store, and the fingerprints of the entries done (the rest wait,
        unmarked, for the next poll)."""
        o = self.options
        out: list[RawRecord | Rejection] = []
        done: set[str] = set()
        for rec in items:
            if isinstance(rec, Rejection):
                out.append(rec)
                continue
            mark = _fingerprint(rec)
            if len(rec.text) >= o.summary_chars or not rec.url:
                out.append(rec)
                done.add(mark)
                continue
            if result.pages >= o.max_pages:
                continue
            done.add(mark)
            result.pages += 1
            try:
                page = self.fetch(rec.url, o.max_page_bytes)
                found = extract_page(page.body.decode("utf-8", "replace"), source["url"], page.url, rec.record)
            except InputError as exc:
                found = Rejection(source["url"], f"{rec.url}: {one_line(exc)}", rec.record)
            if isinstance(found, Rejection):
                out.append(rec if rec.text else found)  # the summary is still something to store
                continue
            if len(found.text) > len(rec.text):
                rec.text = found.text
            rec.title = rec.title or found.title
            rec.published = rec.published or found.published
            if not source.get("name"):
                rec.source = rec.source or found.source
            out.append(rec)
        return out, done

    # --- a cycle ---------------------------------------------------------------------------------------

    def cycle(self, stop: threading.Event | None = None) -> CycleReport:
        """Every due source polled once: hosts side by side, one host's sources one after another."""
        started = self.clock()
        due = self.store.due_sources(started)
        by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for s in due:
            by_host[(urllib.parse.urlsplit(s["url"]).hostname or "").lower()].append(s)
        report = CycleReport()

        def run_host(sources: list[dict[str, Any]]) -> list[SourceResult]:
            done = []
            for s in sources:
                if stop is not None and stop.is_set():
                    break  # what is left stays due: the next start polls it
                done.append(self.poll_source(s))
            return done

        with ThreadPoolExecutor(max_workers=max(1, min(self.options.hosts_at_once, len(by_host)))) as pool:
            for results in pool.map(run_host, by_host.values()):
                report.results.extend(results)
        for r in report.results:
            report.polled += 1
            report.not_modified += r.status == "not-modified"
            report.errors += r.status == "error"
            report.entries += r.entries
            report.pages += r.pages
            if r.report is not None:
                report.new += r.report.new
                report.updated += r.report.updated
                report.new_ids += r.report.new_ids
                report.updated_ids += r.report.updated_ids
        report.seconds = self.clock() - started
        return report


def _fingerprint(rec: RawRecord) -> str:
    """An entry as read: the same fingerprint again means nothing in it changed."""
    parts = [rec.external_id, rec.url, rec.published, rec.title, rec.text]
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode()).hexdigest()[:16]


def _deny_all() -> urllib.robotparser.RobotFileParser:
    rules = urllib.robotparser.RobotFileParser()
    rules.disallow_all = True
    return rules
