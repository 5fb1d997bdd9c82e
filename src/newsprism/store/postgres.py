"""PostgreSQL store, the server a team shares: several ingest workers, one clusterer, the web server and
analysts' scripts on one database.

psycopg 3 with a connection pool; the queries are the SQLite store's (``store/sql.py``), with ``?``
turned into psycopg's ``%s``. What is PostgreSQL's own: its migrations (``migrations/postgresql``,
applied under an advisory lock), full-text search with its ``simple`` text-search configuration over
folded, CJK-spaced text, row locks instead of SQLite's one-writer rule (writers that rewrite story
summaries or claim jobs take a transaction advisory lock), and the clusterer's single-writer lock as a
session advisory lock, which the server releases when the holder's connection ends, SIGKILL included.
"""

from __future__ import annotations

import contextlib
import functools
import os
import socket
import zlib
from typing import Any, Callable, Iterator, Sequence

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool, PoolTimeout

from . import StoreError
from ..text import fold
from .sql import SQLStore, chunks, fts_text, read_migrations

_NAMESPACE = 0x6E70  # 'np': the first key of every advisory lock newsprism takes
_FTS_DOC = "setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B')"


def migrations() -> list[tuple[int, str]]:
    return read_migrations("postgresql")


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


@functools.lru_cache(maxsize=1024)
def _pg(sql: str) -> str:
    """The shared SQL in psycopg's parameter style (no literal ``%`` or ``?`` appears in it otherwise)."""
    return sql.replace("%", "%%").replace("?", "%s")


class Row(tuple):
    """A row by position and by column name, as ``sqlite3.Row`` (so ``dict(row)`` works too)."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    index = {d.name: i for i, d in enumerate(cursor.description or ())}
    cls = type("Row", (Row,), {"_index": index})
    return lambda values: cls(values)


class _Cursor:
    """A psycopg cursor that takes the shared SQL (``?`` parameters)."""

    def __init__(self, cur: psycopg.Cursor[Any]):
        self.cur = cur

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "_Cursor":
        self.cur.execute(_pg(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Any) -> None:
        self.cur.executemany(_pg(sql), [tuple(r) for r in rows])

    def fetchone(self) -> Any:
        return self.cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cur.fetchall()


def _failure(exc: BaseException) -> bool:
    """The server or the way to it is the problem (down, full disk, read-only), not one record."""
    return isinstance(exc, (psycopg.OperationalError, errors.DiskFull, errors.InsufficientResources,
                            errors.ReadOnlySqlTransaction, errors.AdminShutdown, PoolTimeout))


class PostgresStore(SQLStore):
    dialect = "postgresql"
    retryable = (errors.DeadlockDetected, errors.SerializationFailure)
    nulls_last = " NULLS LAST"
    # Not FOR UPDATE: a no-key lock lets the clusterer's foreign-key checks on the same article go on.
    for_update = " FOR NO KEY UPDATE"

    def __init__(self, url: str, min_size: int = 1, max_size: int | None = None):
        self.url = self.location = url
        self.path = _redacted(url)
        self.application = f"newsprism pid {os.getpid()} on {socket.gethostname()}"
        size = max_size or int(os.environ.get("NEWSPRISM_PG_POOL", "8"))
        try:
            self.pool = ConnectionPool(url, min_size=min_size, max_size=size, open=True, timeout=30.0,
                                       kwargs={"autocommit": True, "row_factory": _row_factory,
                                               "application_name": self.application[:63]})
            self.pool.wait(timeout=30.0)
        except Exception as exc:  # an unreachable server or a refused login: say which, name the server
            raise StoreError(f"cannot connect to the PostgreSQL store {self.path}: {_first_line(exc)}") from exc
        self.migrate()

    # --- schema -------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        with self.pool.connection() as conn:
            found = conn.execute("SELECT to_regclass('newsprism_schema') IS NOT NULL").fetchone()[0]
            if not found:
                return 0
            return int(conn.execute("SELECT coalesce(max(version), 0) FROM newsprism_schema").fetchone()[0])

    def migrate(self) -> None:
        """Apply the migrations this database lacks, under an advisory lock: several processes opening a new
        database at once wait for each other, and the later ones find the work done. DDL is transactional
        here, so a migration is applied whole or not at all."""
        pending = migrations()
        if self.schema_version >= pending[-1][0]:
            return
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(?, ?)", (_NAMESPACE, _lock_key("migrate")))
            cur.execute("CREATE TABLE IF NOT EXISTS newsprism_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            current = cur.execute("SELECT coalesce(max(version), 0) FROM newsprism_schema").fetchone()[0]
            for version, script in pending:
                if version > current:
                    cur.cur.execute(script.encode())  # the whole script at once: psycopg sends it unparsed
                    cur.execute("INSERT INTO newsprism_schema(version, applied_at) VALUES (?, now()::text)", (version,))

    # --- what the shared queries need -------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            with self.pool.connection() as conn:
                return conn.execute(_pg(sql), tuple(params)).fetchall()
        except Exception as exc:
            if _failure(exc):
                raise StoreError(f"the store {self.path} cannot be read: {_first_line(exc)}") from exc
            raise

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        # A server-side cursor: a million ids arrive a batch at a time, never all in this process at once.
        with self.pool.connection() as conn, conn.transaction():
            with conn.cursor(name=f"np_stream_{id(self)}_{os.urandom(4).hex()}") as cur:
                cur.itersize = 2000
                cur.execute(_pg(sql), tuple(params))
                yield from cur

    def _agg(self, column: str) -> str:
        return f"string_agg(DISTINCT {column}, ',')"

    def _fts_index(self, cur: Any, items: list[tuple[int, str | None, str, Any]]) -> None:
        if items:
            cur.executemany(f"INSERT INTO articles_fts(rowid, doc) VALUES (?, {_FTS_DOC}) "
                            "ON CONFLICT (rowid) DO UPDATE SET doc = excluded.doc",
                            [(rowid, fold(fts_text(title)), fold(fts_text(text))) for rowid, title, text, _ in items])

    def _fts_match(self, phrases: list[str], any_word: bool = False) -> tuple[str, list[Any]]:
        query = (" || " if any_word else " && ").join("phraseto_tsquery('simple', ?)" for _ in phrases)
        return f"JOIN articles_fts f ON f.rowid = a.rowid AND f.doc @@ ({query})", [fold(p) for p in phrases]

    def _fts_rank(self, phrases: list[str], any_word: bool = False) -> tuple[str, list[Any]]:
        query = (" || " if any_word else " && ").join("phraseto_tsquery('simple', ?)" for _ in phrases)
        # normalised by the log of the document's length (flag 1), as BM25 weighs a hit in a short text more:
        # on the demo corpus this orders hits as SQLite's FTS5 does
        return f"ts_rank(f.doc, ({query}), 1) DESC", [fold(p) for p in phrases]

    def _insert_new(self, cur: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
        # One array per column: a short statement psycopg prepares once, where a multi-row VALUES list of
        # thousands of parameters would be parsed anew for every batch.
        inserted: dict[str, int] = {}
        for part in chunks(rows, 1000):
            cols = list(part[0])
            arrays = ", ".join(f"?::{'bigint' if c == 'rowid' else 'text'}[]" for c in cols)
            inserted.update((r[0], r[1]) for r in cur.execute(
                f"INSERT INTO articles ({', '.join(cols)}) SELECT {', '.join(cols)} FROM unnest({arrays}) "
                f"WITH ORDINALITY AS t({', '.join(cols)}, n) ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING id, rowid",
                [[row[c] for row in part] for c in cols]).fetchall())
        return inserted

    def _lock(self, cur: Any, name: str) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(?, ?)", (_NAMESPACE, _lock_key(name)))

    @contextlib.contextmanager
    def _tx(self) -> Iterator[_Cursor]:
        """One write transaction on a pooled connection: committed whole or rolled back whole; the server's
        own failures (unreachable, disk full, read-only) become ``StoreError``."""
        try:
            with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield _Cursor(cur)
        except Exception as exc:
            if _failure(exc):
                raise StoreError(f"the store {self.path} cannot be written: {_first_line(exc)}") from exc
            raise

    @contextlib.contextmanager
    def writer_lock(self, name: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the store's ``name`` lock (one clustering run at a time) as a session advisory lock on a
        connection of its own: the server releases it when that connection ends, however the holder ends.
        A second holder waits, and ``on_wait`` is told who it waits for."""
        key = (_NAMESPACE, _lock_key(name))
        with psycopg.connect(self.url, autocommit=True, application_name=self.application[:63]) as conn:
            if not conn.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()[0]:
                if on_wait is not None:
                    row = conn.execute(
                        "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.granted LIMIT 1", key).fetchone()
                    holder = f"{row[0] or 'a client'} (server pid {row[2]})" if row else "another process"
                    on_wait(f"waiting for the {name} run of {holder} on {self.path} to finish")
                conn.execute("SELECT pg_advisory_lock(%s, %s)", key)
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, %s)", key)

    def integrity_check(self) -> str:
        """'ok' when the store's own invariants hold (the server keeps its pages consistent itself)."""
        problems = []
        for label, sql in (
            ("articles missing from the search index",
             "SELECT count(*) FROM articles a LEFT JOIN articles_fts f ON f.rowid = a.rowid WHERE f.rowid IS NULL"),
            ("story members of a story with no row", "SELECT count(*) FROM story_members m LEFT JOIN stories s ON s.id = m.story_id "
                                                     "WHERE s.id IS NULL"),
        ):
            n = self._value(sql)
            if n:
                problems.append(f"{n} {label}")
        return "; ".join(problems) or "ok"

    @contextlib.contextmanager
    def copy_target(self) -> Iterator[None]:
        """Rows copied in keep their ids: the sequences then move past them, or the next story would collide."""
        yield
        with self._tx() as cur:
            for table, column in (("articles", "rowid"), ("stories", "id"), ("story_edits", "id"), ("jobs", "rowid"),
                                  ("sources", "id"), ("watchlists", "id"), ("alerts", "id")):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                            f"greatest((SELECT max({column}) FROM {table}), 1))")

    def drop_everything(self) -> None:
        """Remove every table of this store (tests and `copy --replace`); the database itself stays."""
        with self._tx() as cur:
            for table in ("alerts", "watchlists", "sources", "story_summary", "extractions", "meta", "story_edits", "article_vectors", "article_links",
                          "story_members", "stories", "rejections", "articles_fts", "articles", "jobs", "newsprism_schema"):
                cur.execute(f"DROP TABLE IF EXISTS {table} CASCADE")

    def close(self) -> None:
        self.pool.close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages and ``stats``."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{info.get('host', '')}{port}/{info.get('dbname', '')}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
