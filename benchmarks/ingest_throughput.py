"""Ingest throughput and peak memory, each run in a fresh process on a fresh store.

    python benchmarks/ingest_throughput.py [--shared ../shared] [--out results.json]

Runs: the Reuters-21578 SGML archive (20,735 stories, read from the .tar.xz as shipped),
GVA dev as JSONL.gz, the same GVA articles as one plain-text file each, and a memory curve:
GVA replayed 1x, 4x and 16x (fresh ids) as one JSONL stream, to show RSS does not grow with
the number of articles.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import newsprism
news = newsprism.open(sys.argv[1])
t = time.perf_counter()
report = news.ingest(*sys.argv[2:])
elapsed = time.perf_counter() - t
news.close()
print(json.dumps({"read": report.read, "new": report.new, "rejected": len(report.rejected), "seconds": elapsed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(label: str, targets: list[str], tmp: Path) -> dict:
    db = tmp / f"{label.replace(' ', '_')}.db"
    out = subprocess.run([sys.executable, "-c", CHILD, str(db), *targets], capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["label"] = label
    res["articles_per_s"] = res["read"] / res["seconds"]
    print(f"{label:32s} {res['read']:>8,} articles {res['seconds']:7.1f}s {res['articles_per_s']:8,.0f}/s "
          f"peak RSS {res['peak_rss_mb']:6.0f} MB rejected {res['rejected']}", flush=True)
    return res


def replay(src: Path, dest: Path, times: int) -> None:
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    with open(dest, "w", encoding="utf-8") as out:
        for k in range(times):
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}-{k}", "url": None}) + "\n")


def write_text_files(src: Path, folder: Path) -> None:
    folder.mkdir()
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            row = json.loads(line)
            body = f" date {row['published']} {row['title'] or ''}\n\n{row['text']}"
            (folder / f"{i:05d}.txt").write_text(body, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    ap.add_argument("--out")
    args = ap.parse_args()
    bench = Path(args.shared) / "benchmarks"
    gva = bench / "clustering" / "gva-dev.jsonl.gz"
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        results.append(run("reuters21578 SGML (.tar.xz)", [str(bench / "reuters21578")], tmp))
        results.append(run("GVA dev JSONL.gz", [str(gva)], tmp))
        write_text_files(gva, tmp / "texts")
        results.append(run("GVA dev as plain-text files", [str(tmp / "texts")], tmp))
        for times in (1, 4, 16):
            path = tmp / f"replay{times}.jsonl"
            replay(gva, path, times)
            results.append(run(f"GVA replayed x{times} JSONL", [str(path)], tmp))
            path.unlink()
    meta = {"python": platform.python_version(), "machine": platform.machine(), "cpus": __import__("os").cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M"), "results": results}
    if args.out:
        Path(args.out).write_text(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
