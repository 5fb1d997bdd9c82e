"""SQLite store, the embedded default: WAL, versioned migrations, FTS5 search, idempotent upserts.

Durability: every batch is one transaction, so a process killed at any moment leaves the
database with whole batches only; re-running the same ingest stores each article once (ids
are stable) and ``PRAGMA integrity_check`` stays ``ok``. The queries themselves are shared with
the PostgreSQL store (``store/sql.py``); this module holds what is SQLite's own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from . import StoreError
from .sql import SQLStore, fts_text, read_migrations

_STORE_FAILURE = re.compile(r"disk is full|disk I/O|readonly|read-only|database is locked|unable to open|malformed|"
                            r"out of memory|file is not a database", re.I)


def migrations() -> list[tuple[int, str]]:
    return read_migrations("sqlite")


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script, one at a time (``executescript`` would commit the
    transaction the migration runs in). A trigger's body holds semicolons: completeness decides."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer
            buffer = ""
    if buffer.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buffer.splitlines()):
        yield buffer


class SQLiteStore(SQLStore):
    dialect = "sqlite"

    def __init__(self, path: str):
        self.path = self.location = path
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        # One connection, maybe several threads (the poller's hosts): a transaction, and a read, is one thread's
        # at a time, or a thread's COMMIT would end another's transaction halfway.
        self._mutex = threading.RLock()
        self._wal()
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a crash may lose the last batch, never corrupt
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    def _wal(self) -> None:
        # Switching a new file to WAL needs a moment alone with it; processes opening it together retry.
        for attempt in range(50):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.05 + 0.01 * attempt)

    # --- schema -----------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply the migrations this store lacks, under the database's write lock: several processes
        opening a new store at once wait for each other, and the later ones find the work done."""
        pending = migrations()
        if self.schema_version >= pending[-1][0]:
            return
        with self._tx() as cur:
            current = self.schema_version  # read again under the lock: another process may have migrated
            for version, script in pending:
                if version <= current:
                    continue
                for statement in _statements(script):
                    cur.execute(statement)
                cur.execute(f"PRAGMA user_version = {version}")
                if version == 4:  # the story summary starts empty: fill it from the memberships already stored
                    self._refresh_summaries(cur, None)

    # --- what the shared queries need ------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._mutex:
            return self.db.execute(sql, tuple(params)).fetchall()

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        yield from self.db.execute(sql, tuple(params))

    def _agg(self, column: str) -> str:
        return f"group_concat(DISTINCT {column})"

    def _fts_index(self, cur: Any, items: list[tuple[int, str | None, str, Any]]) -> None:
        # The index is contentless: an entry is removed by handing FTS5 exactly what it indexed.
        for rowid, _, _, old in items:
            if old is not None:
                cur.execute("INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                            (rowid, fts_text(old["title"]), fts_text(old["text"])))
        cur.executemany("INSERT INTO articles_fts(rowid, title, body) VALUES (?, ?, ?)",
                        [(rowid, fts_text(title), fts_text(text)) for rowid, title, text, _ in items])

    def _fts_match(self, phrases: list[str], any_word: bool = False) -> tuple[str, list[Any]]:
        query = (" OR " if any_word else " AND ").join(f'"{p}"' for p in phrases)
        return "JOIN articles_fts f ON f.rowid = a.rowid AND articles_fts MATCH ?", [query]

    def _fts_rank(self, phrases: list[str], any_word: bool = False) -> tuple[str, list[Any]]:
        return "bm25(articles_fts, 3.0, 1.0)", []

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        """The one way this store writes: a transaction that holds the write lock from its start (so two
        writers queue instead of failing halfway), commits whole or not at all, and turns the database's
        own failures (disk full, I/O error, read-only, locked past the timeout) into ``StoreError``."""
        with self._mutex:
            cur = self.db.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                cur.execute("COMMIT")
            except BaseException as exc:
                if self.db.in_transaction:
                    try:
                        cur.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # a full disk may refuse the rollback too; SQLite restores the journal on the next open
                if isinstance(exc, sqlite3.DatabaseError) and _STORE_FAILURE.search(str(exc)):
                    raise StoreError(f"the store {self.path} cannot be written: {exc}") from exc
                raise

    @contextlib.contextmanager
    def writer_lock(self, name: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's ``name`` lock (one clustering run at a time): a lock file beside the database,
        released by the system however the holder ends, SIGKILL included. A second holder waits, and
        ``on_wait`` is told who it waits for."""
        if self.path == ":memory:":
            yield
            return
        with open(f"{self.path}.{name}.lock", "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if on_wait is not None:
                    on_wait(f"waiting for the {name} run of {holder} on {self.path} to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                handle.truncate()
                handle.write(f"pid {os.getpid()}")
                handle.flush()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        self.db.close()
