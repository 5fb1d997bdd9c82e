"""The hostile corpus (benchmarks/hostile.py) in its quick form: 120 generated inputs, each ingested
into a fresh store by the CLI in a process of its own. BENCHMARKS.md has the full run (2 GiB bombs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[1] / "benchmarks" / "hostile.py"


def test_hostile_corpus_no_traceback_no_loss_bounded_memory(tmp_path):
    out = tmp_path / "hostile.json"
    run = subprocess.run([sys.executable, str(RUNNER), "--quick", "--out", str(out)], capture_output=True, text=True, timeout=900)
    results = json.loads(out.read_text())
    failed = {c["name"]: c["problems"] for c in results["cases"] if c["problems"]}
    assert not failed, run.stdout[-3000:]
    summary = results["summary"]
    assert summary["inputs"] >= 100 and summary["tracebacks"] == 0 and summary["good_records_lost"] == 0
    assert summary["max_rss_mb"] < 512 and summary["max_seconds"] < 30
    assert run.returncode == 0
