from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "examples" / "seeds"


@pytest.fixture
def store(tmp_path):
    from newsprism.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def cli(tmp_path):
    """Run the CLI in-process against a private database; returns (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from newsprism.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")

    def run(*args: str, input: str | bytes | None = None):
        result = runner.invoke(app, [*args, "--db", db], input=input)
        return result.exit_code, result.stdout, result.stderr

    run.db = db
    return run


def records(targets, **opts):
    """Everything the ingest stage yields for some targets, split into records and rejections."""
    from newsprism.ingest import IngestOptions, read_inputs
    from newsprism.model import Rejection

    items = list(read_inputs([str(t) for t in targets], IngestOptions(**opts)))
    return [i for i in items if not isinstance(i, Rejection)], [i for i in items if isinstance(i, Rejection)]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def clustered_demo_db(path: Path) -> Path:
    """A store at ``path`` holding the demo corpus, ingested and clustered."""
    from newsprism import demo
    from newsprism.pipeline import cluster, ingest
    from newsprism.store import open_store

    store = open_store(path)
    ingest([str(demo.corpus_path())], store)
    cluster(store)
    store.close()
    return path
