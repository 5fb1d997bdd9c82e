"""1,000 sources polled every 5 minutes over a simulated day, against a local news site.

    python benchmarks/watch_sources.py [--sources 1000] [--hosts 100] [--hours 24] [--out results.json]

The site serves one RSS feed per source (two entries each at the start, full text) under ``--hosts`` host names that
all resolve to 127.0.0.1 (the resolver is injected into the guarded fetch, so the politeness rule, one
request at a time per host and a second between two, applies per name). Every simulated hour a tenth of
the sources publish a new entry; the rest answer 304 to the poller's conditional GET.

The clock is simulated (each cycle starts 5 minutes after the last); the requests, parsing, storing,
clustering, extraction, dossiers and alerts are real. Per cycle: its wall time, the poller's CPU time and
RSS. A cycle fits its interval when its wall time plus the politeness it owes (each host's sources one
second apart, ``hosts_at_once`` hosts side by side) is under 5 minutes.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import psutil

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_780_000_000.0
INTERVAL = 300
TEXT = ("The harbour authority said on {day} that {n} ships were waiting outside port {k} after the storm. "
        "Crews worked through the night to clear the channel at berth {k}, and the first vessels entered at dawn. "
        "Pilots guided the container ships in one at a time, and the ferry service to the islands resumed in the "
        "afternoon. Fishermen were told to stay in port until the swell dropped below two metres, officials said.")


class Feeds:
    """The site's state: per source, its entries (newest last)."""

    def __init__(self, sources: int):
        self.entries = {k: [self.entry(k, j, T0 - 3600 * (2 - j)) for j in range(2)] for k in range(sources)}
        self.bodies: dict[int, tuple[bytes, str]] = {}
        self.lock = threading.Lock()
        for k in range(sources):
            self.render(k)

    @staticmethod
    def entry(k: int, j: int, stamp: float) -> dict:
        return {"title": f"Port {k} update {j}", "link": f"http://news.test/{k}/{j}", "date": stamp,
                "text": TEXT.format(day=time.strftime("%A", time.gmtime(stamp)), n=(j * 7 + k) % 40 + 2, k=k)}

    def render(self, k: int) -> None:
        items = "".join(
            f"<item><title>{escape(e['title'])}</title><link>{e['link']}</link><guid>{e['link']}</guid>"
            f"<pubDate>{formatdate(e['date'], usegmt=True)}</pubDate><content:encoded>{escape(e['text'])}</content:encoded></item>"
            for e in self.entries[k][-20:])
        body = ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                f"<title>Outlet {k % 50}</title><language>en</language>{items}</channel></rss>").encode()
        with self.lock:
            self.bodies[k] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')

    def publish(self, k: int, stamp: float) -> None:
        self.entries[k].append(self.entry(k, len(self.entries[k]), stamp))
        self.render(k)


def serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if not self.path.startswith("/feed/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with feeds.lock:
                body, etag = feeds.bodies[int(self.path.rsplit("/", 1)[1])]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=100)
    ap.add_argument("--hours", type=float, default=24)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    import newsprism
    from newsprism.ingest.fetch import fetch
    from newsprism.watch import Watcher, WatchOptions

    feeds = Feeds(args.sources)
    server = serve(feeds)
    port = server.server_address[1]
    get = functools.partial(fetch, resolver=lambda host, p: ["127.0.0.1"], policy=lambda addr: True)
    now = [T0]
    options = WatchOptions(politeness_s=1.0)
    proc = psutil.Process()
    rows, published = [], 0
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp, newsprism.open(Path(tmp) / "watch.db") as news:
        for k in range(args.sources):  # first polls spread over the first interval, as `sources add` spreads them
            news.store.add_source(f"http://h{k % args.hosts:03d}.test:{port}/feed/{k}", "feed", INTERVAL, T0 + rng.uniform(0, INTERVAL))
        watcher = Watcher(news.store, options, clock=lambda: now[0], sleep=lambda s: None, get=get, rng=random.Random(9))
        cycles = int(args.hours * 3600 / INTERVAL)
        cpu0 = time.process_time()
        for c in range(cycles + 1):
            now[0] = T0 + c * INTERVAL
            if c and c % 12 == 0:  # each hour a tenth of the sources publish
                for k in rng.sample(range(args.sources), args.sources // 10):
                    feeds.publish(k, now[0])
                    published += 1
            started, cpu = time.perf_counter(), time.process_time()
            report = watcher.cycle()
            wall = time.perf_counter() - started
            per_host = math.ceil(report.poll.polled / args.hosts) if report.poll.polled else 0
            owed = max(0, per_host - 1) * options.politeness_s * math.ceil(args.hosts / options.hosts_at_once)
            rows.append({"cycle": c, "polled": report.poll.polled, "not_modified": report.poll.not_modified,
                         "errors": report.poll.errors, "new": report.poll.new, "alerts": report.alerts,
                         "wall_s": round(wall, 2), "politeness_owed_s": round(owed, 1), "cpu_s": round(time.process_time() - cpu, 2),
                         "rss_mb": round(proc.memory_info().rss / 2**20)})
            r = rows[-1]
            if c % 12 == 0 or c == cycles:
                print(f"hour {c / 12:5.1f} polled {r['polled']:5d} 304 {r['not_modified']:5d} new {r['new']:4d} errors {r['errors']} "
                      f"wall {r['wall_s']:6.2f}s (+{r['politeness_owed_s']:.0f}s politeness) cpu {r['cpu_s']:6.2f}s rss {r['rss_mb']} MB",
                      flush=True)
        stats = news.stats()
        total_cpu = time.process_time() - cpu0
        ids = news.store.article_ids()
    polled = sum(r["polled"] for r in rows)
    worst = max(r["wall_s"] + r["politeness_owed_s"] for r in rows)
    summary = {
        "commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "machine": platform.platform(), "cpus": os.cpu_count(), "sources": args.sources, "hosts": args.hosts, "cycles": len(rows),
        "polls": polled, "share_304": round(sum(r["not_modified"] for r in rows) / max(1, polled), 3),
        "errors": sum(r["errors"] for r in rows), "articles": stats["articles"], "expected_articles": args.sources * 2 + published,
        "duplicates": len(ids) - len(set(ids)), "worst_cycle_s": round(worst, 1), "every_cycle_in_interval": worst < INTERVAL,
        "median_wall_s": sorted(r["wall_s"] for r in rows)[len(rows) // 2], "cpu_s_total": round(total_cpu, 1),
        "rss_mb_first_hour": max(r["rss_mb"] for r in rows[:12]), "rss_mb_last_hour": max(r["rss_mb"] for r in rows[-12:]),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "cycles": rows}, indent=1))
    server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
