"""From an entry appearing in a feed to its story's dossier and its alert being updated, at a 60 s poll interval.

    python benchmarks/watch_latency.py [--sources 20] [--minutes 10] [--every 15] [--out results.json]

A store holding the demo corpus (ingested, clustered, extracted, its dossiers computed) and a keyword
watchlist that every new entry matches; ``--sources`` feeds on a local site, each polled every 60 s by a
real watcher (real clock, its own thread and store connection, as `newsprism watch` runs). Every
``--every`` seconds one feed publishes a new report of one of the demo's stories. For each entry: the time
from its publication until the store holds its article in a story, that story's dossier is current (computed
after the article joined), and its alert is stored. Median and p95 over the run.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import random
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from watch_sources import Feeds, serve

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=int, default=20)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--every", type=float, default=15)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    import newsprism
    from newsprism import demo, pipeline
    from newsprism.ingest.fetch import fetch
    from newsprism.store import open_store
    from newsprism.watch import Watcher, WatchOptions

    corpus = [json.loads(line) for line in open(demo.corpus_path(), encoding="utf-8") if line.strip()]
    feeds = Feeds(args.sources)
    server = serve(feeds)
    port = server.server_address[1]
    get = functools.partial(fetch, resolver=lambda host, p: ["127.0.0.1"], policy=lambda addr: True)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "live.db"
        with newsprism.open(db) as news:
            news.ingest(demo.corpus_path())
            news.cluster()
            news.extract()
            for s in news.stories(limit=100):
                news.compare(s["id"])
            news.add_watchlist("everything new", "keyword", "report")
            for k in range(args.sources):
                news.store.add_source(f"http://h{k:02d}.test:{port}/feed/{k}", "feed", 60, time.time() + rng.uniform(0, 60))
        stop = threading.Event()
        watcher_store = open_store(db)
        watcher = Watcher(watcher_store, WatchOptions(politeness_s=1.0), get=get, rng=random.Random(2))
        watcher.cycle()  # the sources' first polls (their two old entries each) before the clock starts
        thread = threading.Thread(target=watcher.run, args=(stop,), kwargs={"idle_s": 1.0}, daemon=True)
        thread.start()
        reader = open_store(db)
        pending: dict[str, float] = {}  # entry link -> when it was published
        done: list[float] = []
        started = time.time()
        next_publish = started
        while time.time() < started + args.minutes * 60 or pending:
            now = time.time()
            if now >= next_publish and now < started + args.minutes * 60:
                k = rng.randrange(args.sources)
                base = rng.choice(corpus)
                j = len(feeds.entries[k])
                link = f"http://news.test/{k}/{j}"
                text = base["text"].split("\n\n")
                entry = {"title": f"{base.get('title') or 'Update'} (report {j})", "link": link, "date": now,
                         "text": "\n\n".join(text[: max(2, len(text) - 1)]) + f"\n\nThis report is number {j} from outlet {k}."}
                feeds.entries[k].append(entry)
                feeds.render(k)
                pending[link] = now
                next_publish = now + args.every
            for link, at in list(pending.items()):
                art = reader.get_article(link)
                if art is None:
                    continue
                sid = reader.story_of(art.id)
                cached = reader.get_dossier(sid) if sid is not None else None
                alerted = any(a["article_id"] == art.id for a in reader.alerts(limit=50))
                if cached is not None and cached[0] == pipeline.dossier_key(reader, sid) and alerted:
                    done.append(time.time() - at)
                    del pending[link]
                    print(f"{len(done):3d}: {done[-1]:5.1f}s (story {sid})", flush=True)
            if time.time() > started + args.minutes * 60 + 300:
                break  # what is still pending after five more minutes counts as lost
            time.sleep(0.25)
        stop.set()
        thread.join(60)
        reader.close()
        watcher_store.close()
    server.shutdown()
    done.sort()
    summary = {
        "commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
        "machine": platform.platform(), "sources": args.sources, "interval_s": 60, "entries": len(done) + len(pending),
        "updated": len(done), "lost": len(pending), "median_s": round(statistics.median(done), 1) if done else None,
        "p95_s": round(done[int(len(done) * 0.95)], 1) if done else None, "max_s": round(done[-1], 1) if done else None,
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
