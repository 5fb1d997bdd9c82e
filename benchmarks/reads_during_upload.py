"""Readers' latency while an upload is ingested and clustered: the server must keep answering.

    python benchmarks/reads_during_upload.py [--articles 5000] [--clients 8] [--db PATH]

Builds a store of GVA dev (about 3,100 articles), clusters it and computes the dossiers of its 100
biggest stories ahead; starts `newsprism serve` (one process) on loopback; runs readers (story-list
pages and story pages, one kept-alive connection each) for a quiet phase of 15 s, then uploads
``--articles`` more articles (GVA dev again under new ids, dates shifted) through POST /api/ingest and
keeps reading until the upload's job has ended. Prints p50/p99/max read latency of each phase, the
longest gap between two answers, and how long the upload took to answer and to finish.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
TOKEN = "bench-token"


def build_store(db: Path) -> list[int]:
    import newsprism

    with newsprism.open(db) as news:
        news.ingest(ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz")
        news.cluster()
        top = [r["id"] for r in news.stories(limit=100, order="size")]
        for sid in top:
            news.compare(sid)
    return top


def upload_file(path: Path, n: int) -> None:
    from clustering_scale import shifted

    src = ROOT.parent / "shared" / "benchmarks" / "clustering" / "gva-dev.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    with open(path, "w", encoding="utf-8") as out:
        for k in range(n):
            row = rows[k % len(rows)]
            out.write(json.dumps({**row, "id": f"{row['id']}-up{k // len(rows)}", "url": None,
                                  "published": shifted(row["published"], 40 + 5 * (k // len(rows)))}) + "\n")


def post_upload(base: str, path: Path) -> dict:
    import httpx

    with open(path, "rb") as fh:
        r = httpx.post(base + "/api/ingest", files={"files": ("upload.jsonl", fh, "application/json")},
                       headers={"Authorization": f"Bearer {TOKEN}"}, timeout=3600)
    r.raise_for_status()
    return r.json()


def wait_job(base: str, answer: dict) -> dict:
    import httpx

    if "status_url" not in answer:  # a server that ingested before answering: the job is the answer
        return answer
    while True:
        job = httpx.get(base + answer["status_url"], params={"wait": 30}, timeout=60).json()
        if job["state"] in ("done", "failed"):
            return job


def stats(samples: list[tuple[float, float]]) -> dict:
    lat = sorted(x for _, x in samples)
    if not lat:
        return {"requests": 0}
    stamps = sorted(t + x for t, x in samples)  # when each answer arrived
    gap = max((b - a for a, b in zip(stamps, stamps[1:])), default=0.0)
    return {"requests": len(lat), "p50_ms": round(1000 * lat[len(lat) // 2], 1), "p99_ms": round(1000 * lat[int(len(lat) * 0.99)], 1),
            "max_ms": round(1000 * lat[-1], 1), "longest_gap_ms": round(1000 * gap, 1)}


async def reader(port: int, stories: list[int], stop: threading.Event, out: list[tuple[float, float]], errors: list[str]) -> None:
    from load_web import read_loop

    def next_url(rng) -> str:
        return f"/?offset={rng.randrange(0, 200) // 50 * 50}" if rng.random() < 0.5 else f"/stories/{rng.choice(stories)}"

    await read_loop(port, next_url, lambda: not stop.is_set(), lambda t, secs: out.append((t, secs)), errors)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--quiet-seconds", type=float, default=15.0)
    ap.add_argument("--db", help="keep the base store here and reuse it (a copy is served)")
    args = ap.parse_args()
    import shutil

    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        base_db = Path(args.db) if args.db else Path(tmp) / "base.db"
        if not base_db.exists():
            build_store(base_db)
        db = Path(tmp) / "served.db"
        shutil.copy(base_db, db)
        import newsprism

        with newsprism.open(db) as news:
            stories = [r["id"] for r in news.stories(limit=100, order="size")]
        up = Path(tmp) / "upload.jsonl"
        upload_file(up, args.articles)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        import os

        server = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", str(db), "--port", str(port)],
                                  env={**os.environ, "NEWSPRISM_TOKEN": TOKEN}, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            from load_web import wait_until_up

            wait_until_up(base)
            for sid in stories[:20]:  # warm: first renders of story pages are cached per dossier version
                httpx.get(f"{base}/stories/{sid}", timeout=60)
            samples: list[tuple[float, float]] = []
            errors: list[str] = []
            stop = threading.Event()

            def readers() -> None:
                async def run() -> None:
                    await asyncio.gather(*(reader(port, stories, stop, samples, errors) for _ in range(args.clients)))
                asyncio.run(run())

            thread = threading.Thread(target=readers)
            thread.start()
            time.sleep(args.quiet_seconds)
            upload_start = time.perf_counter()
            answer = post_upload(base, up)
            answered = time.perf_counter()
            job = wait_job(base, answer)
            finished = time.perf_counter()
            stop.set()
            thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    quiet = [s for s in samples if s[0] < upload_start]
    during = [s for s in samples if upload_start <= s[0] < finished]
    print(json.dumps({
        "articles_uploaded": args.articles, "clients": args.clients,
        "upload_answered_s": round(answered - upload_start, 2), "upload_finished_s": round(finished - upload_start, 2),
        "job_state": job.get("state", "done"), "new": job.get("ingest", {}).get("new"),
        "reads_quiet": stats(quiet), "reads_during_upload": stats(during), "errors": len(errors), "first_errors": errors[:5],
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"}))


if __name__ == "__main__":
    main()
