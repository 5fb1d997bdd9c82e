"""Load on the web UI: 50 concurrent clients for 60 s against the story list and story pages.

    python benchmarks/load_web.py [--replicas 7] [--clients 50] [--seconds 60] [--mix reader]

Builds a store of GVA dev replayed with shifted dates (7 replicas: 22k articles), clusters it, computes
the dossiers of the 200 biggest stories ahead (as `newsprism report` would; a dossier is then a lookup),
starts `newsprism serve --workers 2` on loopback, and runs the clients in this process (asyncio, one
kept-alive connection each). Requests alternate between story-list pages (newest and biggest first, random offsets) and
story pages of those 200 stories. Reports requests/s, p50/p99 latency and errors.

``--mix browse`` is the same without the searches. ``--mix reader`` (issue 18) is what a reader does: a third each of story lists with filters and sorting
(an outlet, a date range, a language, any order, any page), searches (words and meaning: two words of a
stored headline, or a whole headline), and cached story pages (rendered once per server process before
the clock starts); latencies are reported per kind as well.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def build_store(db: Path, replicas: int) -> list[int]:
    from clustering_scale import shifted

    import newsprism

    src = ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    replay = db.with_suffix(".jsonl")
    with open(replay, "w", encoding="utf-8") as out:
        for k in range(replicas):
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}-{k}", "url": None,
                                      "published": shifted(row["published"], 5 * k)}) + "\n")
    with newsprism.open(db) as news:
        news.ingest(replay)
        news.cluster()
        top = [r["id"] for r in news.stories(limit=200, order="size")]
        for sid in top:
            news.compare(sid)
        n = news.stats()["articles"]
    print(f"store: {n:,} articles; dossiers of the {len(top)} biggest stories computed ahead", flush=True)
    return top


def reuse_store(db: Path) -> list[int]:
    import newsprism

    with newsprism.open(db) as news:
        top = [r["id"] for r in news.stories(limit=200, order="size")]
        for sid in top:  # a newer extractor or comparer makes stored dossiers stale: bring them up to date first
            news.compare(sid)
        print(f"store: {news.stats()['articles']:,} articles, reused from {db}", flush=True)
    return top


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: str) -> int:
    """One GET on a kept-alive connection; returns the status. A bare HTTP/1.1 client, so that on a
    2-core machine the load generator's own cost (httpx spends ~1 ms of CPU a request) does not crowd
    out the server it measures."""
    writer.write(f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    else:  # chunked
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


def wait_until_up(base: str, seconds: float = 30.0) -> None:
    import httpx

    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            httpx.get(base + "/api/stories?limit=1", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"no server answered at {base}")


async def read_loop(port: int, next_url, running, record, errors: list[str]) -> None:
    """One reader: GETs ``next_url(rng)`` on a kept-alive connection while ``running()``, calling
    ``record(started, seconds)`` for each answer; an error is counted and the reader reconnects."""
    rng = random.Random()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while running():
        url = next_url(rng)
        t = time.perf_counter()
        try:
            status = await asyncio.wait_for(_get(reader, writer, url), timeout=30)
            if status != 200:
                errors.append(f"{url}: {status}")
        except Exception as exc:  # counted; the client reconnects and goes on
            errors.append(f"{url}: {type(exc).__name__}")
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        record(t, time.perf_counter() - t)
    writer.close()


def reader_urls(db: Path) -> dict[str, list[str]]:
    """Story-list filters (outlets, days, languages) and search queries drawn from the store itself."""
    from urllib.parse import quote

    import newsprism

    with newsprism.open(db) as news:
        st = news.stats()
        rows = news.stories(limit=400, order="size")
    outlets = [k for k in st["top_sources"] if k != "(none)"][:10]
    days = sorted({(r["first_published"] or "")[:10] for r in rows if r["first_published"]})
    titles = [r["title"] for r in rows if r["title"]]
    queries = [" ".join(t.split()[:2]) for t in titles[:200]] + titles[200:400]
    lists = []
    for i in range(300):
        rng = random.Random(i)
        params = [f"order={rng.choice(['recent', 'size', 'first', 'added'])}", f"offset={rng.randrange(0, 300) // 50 * 50}"]
        kind = rng.randrange(3)
        if kind == 0 and outlets:
            params.append(f"source={quote(rng.choice(outlets))}")
        elif kind == 1 and days:
            start = rng.randrange(len(days))
            params += [f"since={days[start]}", f"until={days[min(len(days) - 1, start + 30)]}"]
        else:
            params.append("lang=en")
        lists.append("/?" + "&".join(params))
    return {"list": lists, "search": [f"/search?q={quote(q)}" for q in queries]}


async def client(port: int, stories: list[int], until: float, lat: list[float], errors: list[str],
                 reader: dict[str, list[str]] | None = None, by_kind: dict[str, list[float]] | None = None) -> None:
    kinds: list[str] = []

    def next_url(rng: random.Random) -> str:
        if reader is not None:
            kind = rng.choice(["list", "search", "story"] if "search" in reader else ["list", "story"])
            kinds.append(kind)
            return f"/stories/{rng.choice(stories)}" if kind == "story" else rng.choice(reader[kind])
        if rng.random() < 0.5:
            return f"/?order={rng.choice(['recent', 'size'])}&offset={rng.randrange(0, 500) // 50 * 50}"
        return f"/stories/{rng.choice(stories)}"

    def record(_t: float, secs: float) -> None:
        lat.append(secs)
        if by_kind is not None and kinds:
            by_kind.setdefault(kinds[-1], []).append(secs)

    await read_loop(port, next_url, lambda: time.perf_counter() < until, record, errors)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicas", type=int, default=7)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2, help="server processes (newsprism serve --workers)")
    ap.add_argument("--db", help="keep the store here and reuse it on the next run (it takes minutes to build)")
    ap.add_argument("--mix", choices=["pages", "reader", "browse"], default="pages",
                    help="pages: story lists and story pages; reader: filtered lists, searches and story pages; "
                         "browse: the reader's without searches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "load.db"
        stories = reuse_store(db) if db.exists() else build_store(db, args.replicas)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--port", str(port),
                                   "--workers", str(args.workers)],
                                  stderr=subprocess.DEVNULL)
        try:
            import httpx

            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            reader = reader_urls(db) if args.mix in ("reader", "browse") else None
            if reader:
                # The reader mix measures cached story pages (the terms): each is rendered once per
                # server process before the clock starts (each page asked for three times per process, to
                # reach every one), and each process reads the store's vectors at its first search.
                warm = [f"/stories/{sid}" for sid in stories] * 3 * args.workers + [reader["search"][0]] * 4 * args.workers

                async def warm_up() -> None:
                    queue = list(warm)
                    await asyncio.gather(*(read_loop(port, lambda _rng: queue.pop(), lambda: bool(queue), lambda *_: None, [])
                                           for _ in range(8)))

                asyncio.run(warm_up())
                if args.mix == "browse":
                    del reader["search"]
            lat: list[float] = []
            by_kind: dict[str, list[float]] = {}
            errors: list[str] = []
            until = time.perf_counter() + args.seconds
            started = time.perf_counter()

            async def run() -> None:
                await asyncio.gather(*(client(port, stories, until, lat, errors, reader, by_kind) for _ in range(args.clients)))

            asyncio.run(run())
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    def pct(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {"requests": len(xs), "p50_ms": round(1000 * xs[len(xs) // 2], 1), "p99_ms": round(1000 * xs[int(len(xs) * 0.99)], 1)}

    print(json.dumps({"mix": args.mix, "clients": args.clients, "workers": args.workers, "seconds": round(elapsed, 1),
                      "requests_per_s": round(len(lat) / elapsed, 1), **pct(lat), "errors": len(errors),
                      "first_errors": errors[:5], "by_kind": {k: pct(v) for k, v in sorted(by_kind.items())}}))


if __name__ == "__main__":
    main()
