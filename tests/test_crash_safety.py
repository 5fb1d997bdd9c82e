"""SIGKILL in the middle of an ingest, then the same ingest again: every article once, database intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time


def count(db: str) -> int:
    try:
        con = sqlite3.connect(db, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_sigkill_mid_ingest_then_rerun(tmp_path):
    total = 40_000
    src = tmp_path / "many.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(total):
            fh.write(json.dumps({"id": f"n{i}", "lang": "en", "source": "Wire", "published": "2026-03-01",
                                 "text": f"Article {i} reports that {i % 97} ships waited at the port."}) + "\n")
    db = str(tmp_path / "crash.db")
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
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*), count(DISTINCT external_id) FROM articles").fetchone() == (total, total)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The search index holds each article exactly once too.
    assert con.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'ships'").fetchone()[0] == total
