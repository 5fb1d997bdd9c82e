from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "examples" / "seeds"


ROOT = Path(__file__).resolve().parents[1]
# Tests marked with the `location` fixture run on both backends; the PostgreSQL server comes from
# $NEWSPRISM_TEST_PG (a URL whose user may create databases), else .ci/postgres starts one.
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = os.environ.get("NEWSPRISM_TEST_PG")
    if not url:
        started = subprocess.run(["bash", str(ROOT / ".ci" / "postgres")], capture_output=True, text=True, timeout=600)
        if started.returncode != 0:
            pytest.skip(f"no PostgreSQL server for the tests: set NEWSPRISM_TEST_PG, or let .ci/postgres start one "
                        f"({started.stderr.strip()[-200:]})")
        url = started.stdout.strip().splitlines()[-1]
        os.environ["NEWSPRISM_TEST_PG"] = url
    return url


def new_pg_database(server: str) -> str:
    """A fresh, empty database on the test server; its URL."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"np_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    info = conninfo_to_dict(server)
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{info.get('host', '')}:{info.get('port', 5432)}/{name}"


def drop_pg_database(server: str, url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path) -> str:
    """Where a test's store lives: a SQLite file, then a new database on the PostgreSQL test server."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    server = request.getfixturevalue("pg_server")
    url = new_pg_database(server)
    yield url
    drop_pg_database(server, url)


@pytest.fixture
def store(tmp_path):
    from newsprism.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture
def any_store(location):
    """A store on each backend in turn."""
    from newsprism.store import open_store

    s = open_store(location)
    yield s
    s.close()


@pytest.fixture
def cli(location):
    """Run the CLI in-process against a private database (on each backend); returns (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from newsprism.cli import app

    runner = CliRunner()
    db = location

    def run(*args: str, input: str | bytes | None = None):
        result = runner.invoke(app, [*args, "--db", db], input=input)
        return result.exit_code, result.stdout, result.stderr

    def raw(*args: str, input: str | bytes | None = None):  # without the --db this fixture adds
        result = runner.invoke(app, list(args), input=input)
        return result.exit_code, result.stdout, result.stderr

    run.db = db
    run.raw = raw
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
