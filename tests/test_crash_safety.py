"""SIGKILL in the middle of an ingest, then the same ingest again: every article once, database intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from newsprism.store import ArticleQuery, open_store


def query(db: str, sql: str, params: tuple = ()) -> list:
    """Rows of one read on either backend (the store's shared SQL: ? parameters)."""
    store = open_store(db)
    try:
        return store._rows(sql, params)
    finally:
        store.close()


def count(db: str, table: str = "articles") -> int:
    try:
        return query(db, f"SELECT count(*) FROM {table}")[0][0]
    except Exception:  # noqa: BLE001 - not created yet
        return 0


def intact(db: str) -> bool:
    store = open_store(db)
    try:
        return store.integrity_check() == "ok"
    finally:
        store.close()


def test_sigkill_mid_ingest_then_rerun(location, tmp_path):
    total = 40_000
    src = tmp_path / "many.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(total):
            fh.write(json.dumps({"id": f"n{i}", "lang": "en", "source": "Wire", "published": "2026-03-01",
                                 "text": f"Article {i} reports that {i % 97} ships waited at the port."}) + "\n")
    db = location
    cmd = [sys.executable, "-m", "newsprism.cli", "ingest", str(src), "--db", db, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while count(db) < 1000 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count(db)
    assert 0 < partial < total, "the kill must land mid-run for this test to mean anything"

    rerun = subprocess.run([*cmd[:-1], "--json"], capture_output=True, text=True, timeout=300)
    report = json.loads(rerun.stdout)
    assert rerun.returncode == 0
    assert report["new"] == total - partial and report["unchanged"] == partial
    assert tuple(query(db, "SELECT count(*), count(DISTINCT external_id) FROM articles")[0]) == (total, total)
    assert intact(db)
    # The search index holds each article exactly once too.
    store = open_store(db)
    assert len(store.find_articles(ArticleQuery(text="ships", limit=total + 1))) == total
    store.close()


# --- the server, the job worker, concurrent writers, a full disk -----------------------------------------------

import socket  # noqa: E402
import urllib.request  # noqa: E402

TOKEN = "crash-token"


def _corpus(path, total: int, prefix: str = "n") -> str:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(total):
            fh.write(json.dumps({"id": f"{prefix}{i}", "lang": "en", "source": f"Wire {i % 7}", "published": f"2026-03-{1 + i % 28:02d}",
                                 "title": f"Port {i % 400} update", "text": f"Article {i} reports that {i % 97} ships waited at port {i % 400}."}) + "\n")
    return str(path)


def _serve(db: str, env_extra: dict | None = None) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "NEWSPRISM_TOKEN": TOKEN, **(env_extra or {})}
    proc = subprocess.Popen([sys.executable, "-m", "newsprism.cli", "serve", "--db", db, "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/stories", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def _upload(base: str, path: str) -> dict:
    boundary = "crashboundary"
    with open(path, "rb") as fh:
        data = fh.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=files; filename=up.jsonl\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + "/api/ingest", data=body, method="POST", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.loads(urllib.request.urlopen(req, timeout=60).read())


def _job(base: str, job_id: str, wait: float = 0) -> dict:
    return json.loads(urllib.request.urlopen(f"{base}/api/jobs/{job_id}?wait={wait}", timeout=wait + 30).read())


def test_sigkill_of_the_server_and_of_its_job_worker_loses_nothing_and_doubles_nothing(location, tmp_path):
    total = 12_000
    src = _corpus(tmp_path / "up.jsonl", total)
    db = location
    env = {"NEWSPRISM_JOB_STALE_SECONDS": "3"}
    server, base = _serve(db, env)
    try:
        job = _upload(base, src)
        deadline = time.time() + 120
        while _job(base, job["id"])["progress"].get("read", 0) < 1000 and time.time() < deadline:
            time.sleep(0.05)
        running = _job(base, job["id"])
        assert running["state"] == "running" and running["owner"]
        os.kill(server.pid, signal.SIGKILL)  # the server goes; its worker (a session of its own) goes on
        server.wait()
        os.kill(int(running["owner"].rsplit(":", 1)[1]), signal.SIGKILL)  # and then the worker, mid-job
        partial = count(db)
        assert 0 < partial < total, "the kills must land mid-run for this test to mean anything"
    finally:
        if server.poll() is None:
            server.kill()
    server, base = _serve(db, env)  # a new server finds the job left running, silent: a new worker takes it again
    try:
        done = _job(base, job["id"], wait=240)
        assert done["state"] == "done" and done["attempts"] == 2, done
        assert done["ingest"]["new"] + done["ingest"]["unchanged"] == total
        again = _job(base, _upload(base, src)["id"], wait=240)  # the same upload again: nothing new
        assert again["ingest"]["new"] == 0 and again["ingest"]["unchanged"] == total
    finally:
        server.kill()
        server.wait()
    assert tuple(query(db, "SELECT count(*), count(DISTINCT external_id) FROM articles")[0]) == (total, total)
    assert query(db, "SELECT count(*) FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
                     "WHERE m.article_id IS NULL")[0][0] == 0  # every article in a story
    assert intact(db)


def _in_one_process(cmd: list[str]) -> subprocess.Popen:
    """A stage without its helper process, so that one SIGKILL stops all of it."""
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NEWSPRISM_EMBED_PROCESS": "0", "NEWSPRISM_EXTRACT_PROCESS": "0"})


def _wait_for_rows(db: str, table: str, at_least: int, seconds: float = 180) -> None:
    deadline = time.time() + seconds
    while count(db, table) < at_least and time.time() < deadline:
        time.sleep(0.05)


def test_sigkill_of_cluster_while_another_process_ingests_then_rerun(location, tmp_path):
    db = location
    first, second = _corpus(tmp_path / "a.jsonl", 6000, "a"), _corpus(tmp_path / "b.jsonl", 6000, "b")
    run = [sys.executable, "-m", "newsprism.cli"]
    subprocess.run([*run, "ingest", first, "--db", db, "--quiet"], check=True, capture_output=True, timeout=300)
    writer = subprocess.Popen([*run, "ingest", second, "--db", db, "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clusterer = _in_one_process([*run, "cluster", "--db", db])
    _wait_for_rows(db, "story_members", 500)
    os.kill(clusterer.pid, signal.SIGKILL)
    clusterer.wait()
    assert writer.wait(300) == 0
    placed = count(db, "story_members")
    assert 0 < placed < 12_000, "the kill must land mid-run"
    subprocess.run([*run, "cluster", "--db", db], check=True, capture_output=True, timeout=600)
    assert tuple(query(db, "SELECT count(*), count(DISTINCT article_id) FROM story_members")[0]) == (12_000, 12_000)
    assert query(db, "SELECT count(*) FROM story_members m LEFT JOIN stories s ON s.id = m.story_id WHERE s.id IS NULL")[0][0] == 0
    assert intact(db)


def test_a_full_disk_ends_ingest_with_a_clear_error_and_a_consistent_store(tmp_path):
    """RLIMIT_FSIZE stands for a full disk: writes past it fail (EFBIG) as they would with ENOSPC."""
    import resource

    src = _corpus(tmp_path / "big.jsonl", 20_000)
    db = str(tmp_path / "full.db")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write error, not a signal that kills the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (3 * 2**20, 3 * 2**20))

    cmd = [sys.executable, "-m", "newsprism.cli", "ingest", src, "--db", db, "--quiet"]
    full = subprocess.run(cmd, capture_output=True, text=True, timeout=300, preexec_fn=limit)
    assert full.returncode == 5, full.stderr
    assert "Traceback" not in full.stderr and "cannot be written" in full.stderr
    stored = count(db)
    assert intact(db)
    rerun = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=300)  # room again: the rest goes in
    assert rerun.returncode == 0 and json.loads(rerun.stdout)["unchanged"] == stored
    assert count(db) == 20_000


def test_sigkill_of_extract_while_texts_change_then_rerun_leaves_every_extraction_current(location, tmp_path):
    """Texts re-ingested while extract runs: what extract wrote for an old text stays stale, a rerun
    brings every article a current extraction (the spans of each point into the text it has now)."""
    db = location
    N = 1200
    run = [sys.executable, "-m", "newsprism.cli"]

    def texts(path, version: str):
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(N):
                fh.write(json.dumps({"id": f"x{i}", "lang": "en", "title": f"Port {i}", "published": "2026-03-02",
                                     "text": f"Mayor Ana Ruiz said on Tuesday that {i % 40} ships waited at port {i}. "
                                             f"\"We are working on it,\" she told reporters. {version}"}) + "\n")
        return str(path)

    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()  # the same file name: ids are kept per collection (file) and record id
    subprocess.run([*run, "ingest", texts(tmp_path / "v1" / "port.jsonl", "First version."), "--db", db, "--quiet"],
                   check=True, capture_output=True, timeout=300)
    extractor = _in_one_process([*run, "extract", "--db", db])
    _wait_for_rows(db, "extractions", 20)
    writer = subprocess.run([*run, "ingest", texts(tmp_path / "v2" / "port.jsonl", "Second version, changed."), "--db", db,
                             "--quiet", "--json"], capture_output=True, text=True, timeout=300)
    assert json.loads(writer.stdout)["updated"] == N
    os.kill(extractor.pid, signal.SIGKILL)
    extractor.wait()
    done_before = count(db, "extractions")
    assert 20 <= done_before < N, "the kill must land mid-run"
    subprocess.run([*run, "extract", "--db", db], check=True, capture_output=True, timeout=600,
                   env={**os.environ, "NEWSPRISM_EXTRACT_PROCESS": "0"})
    rows = query(db, "SELECT a.text, a.content_hash, x.content_hash, x.data FROM articles a JOIN extractions x ON x.article_id = a.id")
    assert len(rows) == N
    for text, article_hash, extraction_hash, data in rows:
        made_from = json.loads(data).get("content_hash")  # the hash of the text the extractor read
        assert article_hash == extraction_hash == made_from and "Second version" in text
        for quote in json.loads(data)["quotes"]:
            span = quote["span"]
            assert 0 <= span["start"] < span["end"] <= len(text)
    assert intact(db)
