"""1,000 sources polled every 5 minutes over a simulated day, against a local news site.

    python benchmarks/watch_sources.py [--sources 1000] [--hosts 100] [--hours 24] [--out results.json]

The site serves one RSS feed per source (two entries each at the start, full text) under ``--hosts`` host names that
all resolve to 127.0.0.1 (the resolver is injected into the guarded fetch, so the politeness rule, one
request at a time per host and a second between two, applies per name). Every simulated hour a tenth of
the sources publish a new entry; the rest answer 304 to the poller's conditional GET.

The clock is simulated: it jumps to the next due source when the poller would sleep, and moves on by each
cycle's real wall time plus the politeness it owes (a host's sources one second apart, ``hosts_at_once``
hosts side by side); the requests, parsing, storing, clustering, extraction, dossiers and alerts are real.
Per simulated hour: cycles, polls, 304s, new articles, the poller's busy wall and CPU time, its RSS; over the
day: how late each poll came after its due time (the poller keeps up when that stays small).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
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
        end = T0 + args.hours * 3600
        cpu0 = time.process_time()
        hour, late, polled_total, hourly = 0, [], 0, {"polls": 0, "304": 0, "new": 0, "errors": 0, "cpu": 0.0, "wall": 0.0, "cycles": 0}
        while now[0] < end:
            due = news.store.next_due()
            now[0] = max(now[0], due)  # idle until the next source is due, as `watch` sleeps
            if now[0] >= end:
                break
            if int((now[0] - T0) // 3600) > hour:  # each hour a tenth of the sources publish; report the hour
                rows.append({"hour": hour + 1, **{k: round(v, 2) if isinstance(v, float) else v for k, v in hourly.items()},
                             "rss_mb": round(proc.memory_info().rss / 2**20)})
                r = rows[-1]
                print(f"hour {r['hour']:3d}: {r['cycles']:4d} cycles, {r['polls']:5d} polls ({r['304']} 304, {r['errors']} errors), "
                      f"{r['new']:4d} new, busy {r['wall']:6.1f}s wall {r['cpu']:6.1f}s cpu, rss {r['rss_mb']} MB", flush=True)
                hourly = dict.fromkeys(hourly, 0) | {"cpu": 0.0, "wall": 0.0}
                hour = int((now[0] - T0) // 3600)
                for k in rng.sample(range(args.sources), args.sources // 10):
                    feeds.publish(k, now[0])
                    published += 1
            scheduled = {s["id"]: s["next_poll"] for s in news.store.due_sources(now[0])}
            started, cpu = time.perf_counter(), time.process_time()
            report = watcher.cycle()
            wall = time.perf_counter() - started
            late += [now[0] - scheduled[r.source_id] for r in report.poll.results if r.source_id in scheduled]
            hosts: dict[str, int] = {}
            for r in report.poll.results:
                host = r.url.split("/")[2]
                hosts[host] = hosts.get(host, 0) + 1
            owed = sum(max(0, n - 1) for n in hosts.values()) * options.politeness_s / max(1, min(options.hosts_at_once, len(hosts)))
            hourly["cycles"] += 1
            hourly["polls"] += report.poll.polled
            hourly["304"] += report.poll.not_modified
            hourly["new"] += report.poll.new
            hourly["errors"] += report.poll.errors
            hourly["cpu"] += time.process_time() - cpu
            hourly["wall"] += wall
            polled_total += report.poll.polled
            now[0] += wall + owed  # the work and the politeness take (simulated) time too
        if hourly["cycles"]:
            rows.append({"hour": hour + 1, **{k: round(v, 2) if isinstance(v, float) else v for k, v in hourly.items()},
                         "rss_mb": round(proc.memory_info().rss / 2**20)})
        stats = news.stats()
        total_cpu = time.process_time() - cpu0
        ids = news.store.article_ids()
    late.sort()
    steady = rows[1:] or rows
    summary = {
        "commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "machine": platform.platform(), "cpus": os.cpu_count(), "sources": args.sources, "hosts": args.hosts, "hours": len(rows),
        "polls": polled_total, "polls_per_source_per_hour": round(polled_total / args.sources / max(1, len(rows)), 2),
        "share_304": round(sum(r["304"] for r in rows) / max(1, polled_total), 3),
        "errors": sum(r["errors"] for r in rows), "articles": stats["articles"], "expected_articles": args.sources * 2 + published,
        "duplicates": len(ids) - len(set(ids)),
        "lateness_s": {"p50": round(late[len(late) // 2], 2), "p95": round(late[int(len(late) * 0.95)], 2), "max": round(late[-1], 2)},
        "busy_wall_s_per_hour_steady": round(sum(r["wall"] for r in steady) / len(steady), 1),
        "cpu_s_per_hour_steady": round(sum(r["cpu"] for r in steady) / len(steady), 1), "cpu_s_total": round(total_cpu, 1),
        "rss_mb_hour_1": rows[0]["rss_mb"] if rows else None, "rss_mb_last_hour": rows[-1]["rss_mb"] if rows else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "hours": rows}, indent=1))
    server.shutdown()


if __name__ == "__main__":
    sys.exit(main())
