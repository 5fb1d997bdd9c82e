"""Background jobs: work a server hands off so that it keeps answering readers while the work runs.

A server queues a job in the store (``submit_ingest``) and makes sure a job worker runs beside it
(``Worker.ensure``: ``python -m newsprism.jobs --db DB``, a process of its own, so the work never
holds the server's event loop or its interpreter lock). The worker claims queued jobs one at a time,
records progress, heartbeat, result or error in the store, where every server process can read them,
and exits when the queue has been empty for a few seconds. A worker killed mid-job leaves its job
'running' with a silent heartbeat; the next claim queues it again, which is safe because ingest and
clustering are idempotent (stable ids; articles already placed stay where they are).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .ingest import IngestOptions
from .library import Newsprism
from .store import local_path, open_store

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
IDLE_EXIT_SECONDS = 5.0
# A running job whose worker has been silent this long was killed; NEWSPRISM_JOB_STALE_SECONDS overrides.
STALE_SECONDS = 30.0


def uploads_dir(db: str) -> Path:
    """Where a server spools uploaded files until their job has read them: beside the database (for a
    server store, in this machine's data directory: the job worker runs where the web server runs)."""
    return Path(str(local_path(db)) + ".uploads")


def sweep_uploads(store, db: str, older_than: float = 3600.0) -> int:
    """Remove upload folders no queued or running job will read (a server killed while a body was still
    arriving leaves one), once they are ``older_than`` seconds: another server process may be receiving
    into a folder whose job it has not queued yet. Returns how many went."""
    root = uploads_dir(db)
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        job = store.get_job(folder.name)
        stale = time.time() - folder.stat().st_mtime > older_than
        if (job is None and stale) or (job is not None and job["state"] in ("done", "failed")):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def submit_ingest(store, targets: list[str], allow_private_urls: bool = False, folder: str | None = None,
                  job_id: str | None = None) -> str:
    """Queue the ingest (then clustering) of ``targets``; ``folder`` is removed when the job ends."""
    return store.add_job("ingest", {"targets": targets, "allow_private_urls": allow_private_urls, "folder": folder}, job_id)


def run_job(store, db: str, job: dict[str, Any], heartbeat: float = HEARTBEAT_SECONDS) -> None:
    """Run one claimed job to its end, recording progress as it goes."""
    params = job["params"]
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(db, job["id"], stop, heartbeat), daemon=True)
    beat.start()
    progress: dict[str, Any] = {"stage": "ingest", "read": 0, "rejected": 0, "clustered": 0, "to_cluster": 0}
    last = [0.0]

    def report(**changes: Any) -> None:
        progress.update(changes)
        now = time.monotonic()
        if now - last[0] >= 0.5:  # a few writes a second at most
            last[0] = now
            store.update_job(job["id"], progress=progress)

    try:
        if job["kind"] != "ingest":
            raise ValueError(f"unknown job kind {job['kind']!r}")
        opts = IngestOptions(allow_private_urls=bool(params.get("allow_private_urls")))
        ingested, clustered = Newsprism(store).ingest_and_cluster(
            *params["targets"], options=opts,
            ingest_progress=lambda read, rejected, _where: report(read=read, rejected=rejected),
            cluster_progress=lambda done, total, _where: report(stage="cluster", clustered=done, to_cluster=total))
        progress.update(stage="done", read=ingested.read, rejected=len(ingested.rejected), clustered=clustered.articles)
        store.update_job(job["id"], state="done", progress=progress,
                         result={"ingest": ingested.to_dict(), "cluster": clustered.to_dict()})
    except Exception as exc:  # noqa: BLE001 - a job that fails says why; the worker goes on with the next
        log.exception("job %s failed", job["id"])
        store.update_job(job["id"], state="failed", progress=progress, error=f"{type(exc).__name__}: {exc}")
    finally:
        stop.set()
        beat.join(timeout=2)
    if params.get("folder"):
        shutil.rmtree(params["folder"], ignore_errors=True)


def _heartbeat(db: str, job_id: str, stop: threading.Event, every: float) -> None:
    """A job's pulse while a long step reports no progress (a model loading, a big restore)."""
    store = open_store(db)
    try:
        while not stop.wait(every):
            store.update_job(job_id)
    finally:
        store.close()


def work(db: str, idle_exit: float = IDLE_EXIT_SECONDS) -> int:
    """Claim and run jobs until the queue has been empty for ``idle_exit`` seconds; returns how many ran."""
    store = open_store(db)
    ran = 0
    idle_since = time.monotonic()
    owner = f"{socket.gethostname()}:{os.getpid()}"
    stale = float(os.environ.get("NEWSPRISM_JOB_STALE_SECONDS") or STALE_SECONDS)
    heartbeat = min(HEARTBEAT_SECONDS, stale / 3)
    try:
        while True:
            job = store.claim_job(owner, stale_seconds=stale)
            if job is not None:
                run_job(store, db, job, heartbeat)
                ran += 1
                idle_since = time.monotonic()
                continue
            if store.pending_jobs() == 0 and time.monotonic() - idle_since >= idle_exit:
                return ran
            time.sleep(0.2)  # another worker runs a job, or the queue is empty for now
    finally:
        store.close()


class Worker:
    """The job worker a server process starts, and starts again if it has exited."""

    def __init__(self, db: str):
        self.db = db
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def ensure(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            log_path = Path(str(local_path(self.db)) + ".jobs.log")
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "ab") as log_file:
                # A session of its own: the job finishes even if the server is stopped meanwhile.
                self._proc = subprocess.Popen([sys.executable, "-m", "newsprism.jobs", "--db", str(self.db)],
                                              stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                                              start_new_session=True, env=os.environ.copy())


def main() -> None:
    parser = argparse.ArgumentParser(description="Run queued newsprism jobs, then exit when the queue is empty.")
    parser.add_argument("--db", required=True)
    parser.add_argument("--idle", type=float, default=IDLE_EXIT_SECONDS, help="seconds of an empty queue before exiting")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    work(args.db, args.idle)


if __name__ == "__main__":
    main()
