"""SQLite store: WAL, versioned migrations, FTS5 search, idempotent upserts.

Durability: every batch is one transaction, so a process killed at any moment leaves the
database with whole batches only; re-running the same ingest stores each article once (ids
are stable) and ``PRAGMA integrity_check`` stays ``ok``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import sqlite3
import time
import uuid
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..model import Article, Rejection
from . import ArticleQuery, StoreError, UpsertResult

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")
_COLUMNS = (
    "id, title, text, source, source_provenance, url, lang, published, date_provenance, date_precision, "
    "sentences, origin, record, external_id, content_hash, extra, warnings"
)


_A_COLUMNS = ", ".join("a." + c.strip() for c in _COLUMNS.split(","))  # the same, qualified for joins


def fts_text(text: str | None) -> str:
    """Put spaces around CJK characters so FTS5's unicode61 tokenizer indexes each as a token."""
    if not text or not _CJK.search(text):
        return text or ""
    return _CJK.sub(r" \1 ", text)


def fts_query(query: str) -> str:
    """A user's words as an FTS5 query: each word (CJK runs as phrases) must appear; quotes make phrases."""
    terms = re.findall(r'"[^"]+"|\S+', query)
    parts = []
    for term in terms:
        term = term.strip('"')
        tokens = [t for t in re.split(r"\s+", fts_text(re.sub(r"[^\w\s]", " ", term))) if t]
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    return " AND ".join(parts)


_STORE_FAILURE = re.compile(r"disk is full|disk I/O|readonly|read-only|database is locked|unable to open|malformed|"
                            r"out of memory|file is not a database", re.I)


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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("newsprism.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _stories_of(cur: sqlite3.Cursor, article_ids: list[str]) -> set[int]:
    found: set[int] = set()
    for k in range(0, len(article_ids), 500):
        part = article_ids[k : k + 500]
        found.update(r[0] for r in cur.execute(
            f"SELECT DISTINCT story_id FROM story_members WHERE article_id IN ({','.join('?' * len(part))})", part))
    return found


def _refresh_summaries(cur: sqlite3.Cursor, story_ids: Iterable[int] | None) -> None:
    """Recompute the story-list rows of these stories (all when None), inside the caller's transaction.

    A story with no members left (merged away, emptied by moves) loses its row. The earliest article
    with a title names the story: it is what first reported it.
    """
    ids = None if story_ids is None else sorted(set(story_ids))
    chunks = [None] if ids is None else [ids[k : k + 500] for k in range(0, len(ids), 500)]
    for part in chunks:
        where = "" if part is None else f"WHERE m.story_id IN ({','.join('?' * len(part))})"
        params = () if part is None else tuple(part)
        cur.execute("DELETE FROM story_summary" + ("" if part is None else f" WHERE id IN ({','.join('?' * len(part))})"), params)
        rows = cur.execute(
            "SELECT m.story_id, count(*), group_concat(DISTINCT a.source), group_concat(DISTINCT a.lang), "
            "min(a.published), max(a.published) "
            f"FROM story_members m JOIN articles a ON a.id = m.article_id {where} GROUP BY m.story_id", params).fetchall()
        for sid, size, sources, langs, first, last in rows:
            title = cur.execute(
                "SELECT coalesce(a.title, substr(a.text, 1, 120)) FROM story_members m JOIN articles a ON a.id = m.article_id "
                "WHERE m.story_id = ? ORDER BY a.title IS NULL, a.published IS NULL, a.published, a.rowid LIMIT 1", (sid,)).fetchone()
            cur.execute("INSERT INTO story_summary(id, size, sources, languages, first_published, last_published, title) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sid, size, ",".join(sorted(sources.split(","))) if sources else "",
                         ",".join(sorted(langs.split(","))) if langs else "", first, last, title[0] if title else ""))


class SQLiteStore:
    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
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
                    _refresh_summaries(cur, None)

    # --- writes ---------------------------------------------------------------------------------

    def upsert_articles(self, articles: Iterable[Article], rejections: Iterable[Rejection] = ()) -> UpsertResult:
        result = UpsertResult()
        now = _now()
        with self._tx() as cur:
            for art in articles:
                row = cur.execute("SELECT rowid, content_hash, title, text FROM articles WHERE id = ?", (art.id,)).fetchone()
                values = _row_values(art)
                if row is None:
                    cur.execute(
                        f"INSERT INTO articles ({_COLUMNS}, ingested_at, updated_at) VALUES ({', '.join('?' * 19)})",
                        (*values, now, now),
                    )
                    cur.execute("INSERT INTO articles_fts(rowid, title, body) VALUES (?, ?, ?)",
                                (cur.lastrowid, fts_text(art.title), fts_text(art.text)))
                    result.new.append(art.id)
                elif row["content_hash"] == art.content_hash:
                    result.unchanged.append(art.id)
                else:
                    cur.execute(
                        "INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                        (row["rowid"], fts_text(row["title"]), fts_text(row["text"])),
                    )
                    assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:])
                    cur.execute(f"UPDATE articles SET {assignments}, updated_at = ? WHERE id = ?", (*values[1:], now, art.id))
                    cur.execute("INSERT INTO articles_fts(rowid, title, body) VALUES (?, ?, ?)",
                                (row["rowid"], fts_text(art.title), fts_text(art.text)))
                    result.updated.append(art.id)
            if result.updated:  # a changed title or date shows in its story's summary
                _refresh_summaries(cur, _stories_of(cur, result.updated))
            for rej in rejections:
                cur.execute(
                    "INSERT INTO rejections(origin, record, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(origin, record, reason) DO UPDATE SET last_seen = excluded.last_seen, times = times + 1",
                    (rej.origin, rej.record or "", rej.reason, now, now),
                )
        return result

    # --- reads ------------------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None and len(article_id) >= 4:  # accept an unambiguous id prefix, as git does
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id LIKE ? LIMIT 2", (article_id + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:  # the input's own id (a JSONL "id", a Reuters NEWID), when it is unambiguous
            rows = self.db.execute(f"SELECT {_COLUMNS} FROM articles WHERE external_id = ? LIMIT 2", (article_id,)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return _article(row) if row else None

    def find_articles(self, query: ArticleQuery) -> list[Article]:
        where, params = [], []
        if query.source:
            where.append("a.source = ? COLLATE NOCASE")
            params.append(query.source)
        if query.lang:
            where.append("a.lang = ?")
            params.append(query.lang)
        if query.since:
            where.append("a.published >= ?")
            params.append(query.since)
        if query.until:
            where.append("substr(a.published, 1, 10) <= ?")
            params.append(query.until)
        join = ""
        if query.text:
            join = "JOIN articles_fts f ON f.rowid = a.rowid AND articles_fts MATCH ?"
            params.insert(0, fts_query(query.text))
        sql = (f"SELECT {_A_COLUMNS} FROM articles a {join}"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} "
               "ORDER BY a.published IS NULL, a.published DESC, a.rowid DESC LIMIT ? OFFSET ?")
        rows = self.db.execute(sql, (*params, query.limit, query.offset)).fetchall()
        return [_article(r) for r in rows]

    def iter_articles(self, order: str = "published") -> Iterator[Article]:
        """All articles, streamed; by publication date (undated last) or by ingest order."""
        by = "published IS NULL, published, rowid" if order == "published" else "rowid"
        for row in self.db.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY {by}"):
            yield _article(row)

    def search(self, text: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search, best match first, each hit with a short snippet of its matching sentence."""
        query = fts_query(text)
        if not query:
            return []
        rows = self.db.execute(
            f"SELECT {_A_COLUMNS} FROM articles_fts f "
            "JOIN articles a ON a.rowid = f.rowid WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 3.0, 1.0) LIMIT ?",
            (query, limit),
        ).fetchall()
        words = [w.strip('"') for w in re.findall(r'"[^"]+"|\S+', text)]
        return [(art, _snippet(art, words)) for art in map(_article, rows)]

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT * FROM rejections ORDER BY last_seen DESC, origin LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        group = lambda col: dict(self.db.execute(  # noqa: E731
            f"SELECT coalesce({col}, '(none)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC LIMIT 15").fetchall())
        return {
            "db": self.path,
            "schema_version": self.schema_version,
            "articles": one("SELECT count(*) FROM articles"),
            "sources": one("SELECT count(DISTINCT source) FROM articles"),
            "rejected_inputs": one("SELECT count(*) FROM rejections"),
            "published_range": list(self.db.execute("SELECT min(published), max(published) FROM articles").fetchone()),
            "languages": group("lang"),
            "date_provenance": group("date_provenance"),
            "top_sources": group("source"),
        }

    # --- stories --------------------------------------------------------------------------------

    def unassigned_articles(self) -> Iterator[Article]:
        """Articles in no story yet, in publication order (undated last, then ingest order)."""
        ids = self.unassigned_ids()
        for k in range(0, len(ids), 500):
            yield from self.get_articles(ids[k : k + 500])

    def unassigned_ids(self) -> list[str]:
        """Ids only: a stream of 100k articles is ordered without holding 100k texts."""
        sql = ("SELECT a.id FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
               "WHERE m.article_id IS NULL ORDER BY a.published IS NULL, substr(a.published, 1, 10), a.rowid")
        return [row[0] for row in self.db.execute(sql)]

    def first_unassigned_day(self) -> str | None:
        """The earliest publication day (day precision or finer) among articles in no story."""
        row = self.db.execute(
            "SELECT min(substr(a.published, 1, 10)) FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL AND a.published IS NOT NULL AND a.date_precision IN ('day', 'datetime')").fetchone()
        return row[0] if row else None

    def get_articles(self, ids: list[str]) -> list[Article]:
        """Articles by id, in the order asked (unknown ids skipped)."""
        found: dict[str, Article] = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            sql = f"SELECT {_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(part))})"
            for row in self.db.execute(sql, part):
                art = _article(row)
                found[art.id] = art
        return [found[i] for i in ids if i in found]

    def members_since(self, day_iso: str | None) -> Iterator[tuple[Article, int, str]]:
        """(article, story id, method) for every member of stories active on or after a day (all if None)."""
        cols = _A_COLUMNS
        where = ""
        params: tuple = ()
        if day_iso:
            where = ("WHERE m.story_id IN (SELECT m2.story_id FROM story_members m2 JOIN articles a2 ON a2.id = m2.article_id "
                     "GROUP BY m2.story_id HAVING max(coalesce(a2.published, '9999')) >= ?)")
            params = (day_iso,)
        sql = (f"SELECT {cols}, m.story_id, m.method FROM story_members m JOIN articles a ON a.id = m.article_id {where} "
               "ORDER BY a.published IS NULL, substr(a.published, 1, 10), a.rowid")
        for row in self.db.execute(sql, params).fetchall():
            d = dict(row)
            sid, method = d.pop("story_id"), d.pop("method")
            yield _article_from_dict(d), sid, method

    def new_story_id(self) -> int:
        """A new story's id, taken from the store (a committed row), so that two processes (a clustering
        run, a split by hand) never hand out the same one."""
        now = _now()
        with self._tx() as cur:
            cur.execute("INSERT INTO stories(created_at, updated_at) VALUES (?, ?)", (now, now))
            return int(cur.lastrowid)

    def save_assignments(self, assignments: Iterable[Any]) -> None:
        now = _now()
        with self._tx() as cur:
            assignments = list(assignments)
            # the stories these articles leave and join: their story-list rows change
            touched = _stories_of(cur, [a.article_id for a in assignments]) | {a.story_id for a in assignments}
            for a in assignments:
                cur.execute("INSERT OR IGNORE INTO stories(id, created_at, updated_at) VALUES (?, ?, ?)", (a.story_id, now, now))
                cur.execute("UPDATE stories SET updated_at = ? WHERE id = ?", (now, a.story_id))
                cur.execute("INSERT OR REPLACE INTO story_members(article_id, story_id, score, method, assigned_at) VALUES (?, ?, ?, ?, ?)",
                            (a.article_id, a.story_id, a.score, a.method, now))
                for link in a.links:
                    cur.execute("INSERT OR REPLACE INTO article_links(article_id, type, target_id, score) VALUES (?, ?, ?, ?)",
                                (link.article_id, link.type, link.target_id, link.score))
            _refresh_summaries(cur, touched)

    def clear_automatic_assignments(self) -> None:
        """Forget what clustering decided (for a rebuild); what users decided by hand stays."""
        with self._tx() as cur:
            cur.execute("DELETE FROM story_members WHERE method != 'manual'")
            cur.execute("DELETE FROM article_links")
            _refresh_summaries(cur, None)  # before the emptied stories go: their summary rows point at them
            cur.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_members) AND merged_into IS NULL")
            cur.execute("DELETE FROM meta WHERE key = 'cluster.docfreq'")

    def get_vectors(self, ids: list[str], model: str) -> dict[str, Any]:
        import numpy as np

        out = {}
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            rows = self.db.execute(f"SELECT article_id, vec FROM article_vectors WHERE model = ? AND article_id IN ({','.join('?' * len(chunk))})",
                                   (model, *chunk)).fetchall()
            out.update({r[0]: np.frombuffer(r[1], dtype=np.float32) for r in rows})
        return out

    def put_vectors(self, items: dict[str, Any], model: str) -> None:
        with self._tx() as cur:
            cur.executemany("INSERT OR REPLACE INTO article_vectors(article_id, model, vec) VALUES (?, ?, ?)",
                            [(k, model, v.astype("float32").tobytes()) for k, v in items.items()])

    # --- extractions --------------------------------------------------------------------------------

    # The one stale rule: an extraction is current when the extractor's version made it and from the
    # text the article has now. Its hash is the one the extractor read, never the one at write time, so
    # a text re-ingested while extraction ran leaves the old extraction stale.
    _CURRENT = "x.version = ? AND x.content_hash = a.content_hash"

    def unextracted_ids(self, version: str) -> list[str]:
        """Articles with no current extraction (none, another version's, or one from an older text)."""
        sql = ("SELECT a.id FROM articles a LEFT JOIN extractions x ON x.article_id = a.id "
               f"WHERE x.article_id IS NULL OR NOT ({self._CURRENT}) ORDER BY a.rowid")
        return [row[0] for row in self.db.execute(sql, (version,))]

    def put_extractions(self, items: list[Any]) -> None:
        now = _now()
        with self._tx() as cur:
            cur.executemany("INSERT OR REPLACE INTO extractions(article_id, version, content_hash, data, extracted_at) "
                            "VALUES (?, ?, ?, ?, ?)",
                            [(x.article_id, x.version, x.content_hash, json.dumps(x.to_dict(), ensure_ascii=False), now)
                             for x in items])

    def get_extraction(self, article_id: str, version: str | None = None) -> Any | None:
        """The article's current extraction (by ``version``, when given), or None: a stale one is never
        handed out, since its spans may point into an older text."""
        from ..model import Extraction

        sql = ("SELECT x.data FROM extractions x JOIN articles a ON a.id = x.article_id "
               f"WHERE x.article_id = ? AND ({self._CURRENT} OR (? IS NULL AND x.content_hash = a.content_hash))")
        row = self.db.execute(sql, (article_id, version, version)).fetchone()
        return Extraction.from_dict(json.loads(row[0])) if row else None

    def article_ids(self) -> list[str]:
        """Every article's id, in the order they were first stored."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY rowid")]

    def external_ids(self) -> dict[str, str]:
        """Article id -> the id its input gave it, for articles that had one."""
        return dict(self.db.execute("SELECT id, external_id FROM articles WHERE external_id IS NOT NULL").fetchall())

    def memberships(self) -> dict[str, int]:
        """Article id -> its story, for every article in a story."""
        return dict(self.db.execute("SELECT article_id, story_id FROM story_members").fetchall())

    def get_dossier(self, story_id: int) -> tuple[str, bytes] | None:
        """(the key it was computed for, the dossier as JSON) of a story's cached comparison."""
        raw = self.get_meta(f"dossier:{story_id}")
        if raw is None:
            return None
        key, _, blob = raw.partition(b"\n")
        return key.decode(), blob

    def put_dossier(self, story_id: int, key: str, blob: bytes) -> None:
        self.put_meta(f"dossier:{story_id}", key.encode() + b"\n" + blob)

    def get_cluster_state(self) -> bytes | None:
        """The clusterer's corpus statistics (document frequencies), kept between incremental runs."""
        return self.get_meta("cluster.docfreq")

    def put_cluster_state(self, blob: bytes) -> None:
        self.put_meta("cluster.docfreq", blob)

    def get_meta(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put_meta(self, key: str, value: bytes | str) -> None:
        with self._tx() as cur:
            cur.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def list_stories(self, limit: int = 50, offset: int = 0, min_size: int = 1, order: str = "recent") -> list[dict[str, Any]]:
        """Stories with size, outlets, languages, date range and a representative title (from the kept summary)."""
        by = "last_published DESC, size DESC" if order == "recent" else "size DESC, last_published DESC"
        rows = self.db.execute(
            "SELECT id, size, sources, languages, first_published, last_published, title FROM story_summary "
            f"WHERE size >= ? ORDER BY {by}, id LIMIT ? OFFSET ?", (min_size, limit, offset)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["sources"] = d["sources"].split(",") if d["sources"] else []
            d["languages"] = d["languages"].split(",") if d["languages"] else []
            out.append(d)
        return out

    def story_members(self, story_id: int) -> list[tuple[Article, dict[str, Any]]]:
        cols = _A_COLUMNS
        rows = self.db.execute(f"SELECT {cols}, m.score, m.method FROM story_members m JOIN articles a ON a.id = m.article_id "
                               "WHERE m.story_id = ? ORDER BY a.published IS NULL, a.published, a.rowid", (story_id,)).fetchall()
        links: dict[str, list[dict[str, Any]]] = {}
        for r in self.db.execute("SELECT l.article_id, l.type, l.target_id, l.score FROM article_links l "
                                 "JOIN story_members m ON m.article_id = l.article_id WHERE m.story_id = ?", (story_id,)):
            links.setdefault(r[0], []).append({"type": r[1], "target_id": r[2], "score": r[3]})
        out = []
        for row in rows:
            d = dict(row)
            info = {"score": d.pop("score"), "method": d.pop("method")}
            art = _article_from_dict(d)
            info["links"] = links.get(art.id, [])
            out.append((art, info))
        return out

    def member_hashes(self, story_id: int) -> list[tuple[str, str]]:
        """(article id, content hash) of a story's members: enough to tell whether its dossier is current."""
        return [tuple(r) for r in self.db.execute(
            "SELECT a.id, a.content_hash FROM story_members m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?",
            (story_id,))]

    def story_of(self, article_id: str) -> int | None:
        row = self.db.execute("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def resolve_story(self, story_id: int) -> int | None:
        """Follow merges: a story merged into another answers with the one it became."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self.db.execute("SELECT merged_into FROM stories WHERE id = ?", (story_id,)).fetchone()
            if row is None:
                return None
            if row[0] is None:
                return story_id
            story_id = row[0]
        return None

    # --- manual edits: pinned as 'manual', which later automatic runs never move -----------------

    def merge_stories(self, target: int, others: list[int]) -> int:
        now = _now()
        with self._tx() as cur:
            for other in others:
                cur.execute("UPDATE story_members SET story_id = ?, method = 'manual', assigned_at = ? WHERE story_id = ?", (target, now, other))
                cur.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (target, now, other))
            cur.execute("UPDATE story_members SET method = 'manual' WHERE story_id = ?", (target,))
            _refresh_summaries(cur, {target, *others})
            cur.execute("INSERT INTO story_edits(at, action, detail) VALUES (?, 'merge', ?)", (now, json.dumps({"into": target, "merged": others})))
        return target

    def move_articles(self, article_ids: list[str], story_id: int | None, action: str = "move") -> int:
        """Move articles to a story, or to a new one (a split) when ``story_id`` is None."""
        now = _now()
        with self._tx() as cur:
            if story_id is None:
                cur.execute("INSERT INTO stories(created_at, updated_at) VALUES (?, ?)", (now, now))
                story_id = int(cur.lastrowid)
            # A story a user has edited is curated: pin its members and those of the stories the
            # articles leave, so a rebuild keeps the composition the user saw, not only the moved articles.
            sources = {r[0] for r in cur.execute(
                f"SELECT DISTINCT story_id FROM story_members WHERE article_id IN ({','.join('?' * len(article_ids))})", article_ids)}
            for sid in sources | {story_id}:
                cur.execute("UPDATE story_members SET method = 'manual' WHERE story_id = ?", (sid,))
            for aid in article_ids:
                cur.execute("INSERT OR REPLACE INTO story_members(article_id, story_id, score, method, assigned_at) VALUES (?, ?, NULL, 'manual', ?)",
                            (aid, story_id, now))
            _refresh_summaries(cur, sources | {story_id})
            cur.execute("INSERT INTO story_edits(at, action, detail) VALUES (?, ?, ?)",
                        (now, action, json.dumps({"articles": article_ids, "story": story_id})))
        return story_id

    # --- jobs: a queue in the store, so any server process can answer for any job ------------------

    def add_job(self, kind: str, params: dict[str, Any], job_id: str | None = None) -> str:
        job_id = job_id or uuid.uuid4().hex[:12]
        with self._tx() as cur:
            cur.execute("INSERT INTO jobs(id, kind, state, params, progress, created_at) VALUES (?, ?, 'queued', ?, '{}', ?)",
                        (job_id, kind, json.dumps(params), _now()))
        return job_id

    def claim_job(self, owner: str = "", stale_seconds: float = 30.0, max_attempts: int = 3) -> dict[str, Any] | None:
        """The oldest queued job, now running; None if there is none or another job is running. A running
        job whose worker has been silent for ``stale_seconds`` was killed: it is queued again (its work is
        idempotent), or failed after ``max_attempts``."""
        now = datetime.now(timezone.utc)
        cutoff = (now.timestamp() - stale_seconds)
        with self._tx() as cur:
            for row in cur.execute("SELECT id, attempts, heartbeat_at FROM jobs WHERE state = 'running'").fetchall():
                beat = datetime.fromisoformat(row["heartbeat_at"]).timestamp() if row["heartbeat_at"] else 0.0
                if beat >= cutoff:
                    return None  # one job at a time: the clusterer is the single writer of stories
                if row["attempts"] >= max_attempts:
                    cur.execute("UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
                                (f"its worker stopped {row['attempts']} times", now.isoformat(), row["id"]))
                else:
                    cur.execute("UPDATE jobs SET state = 'queued' WHERE id = ?", (row["id"],))
            row = cur.execute("SELECT * FROM jobs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1").fetchone()
            if row is None:
                return None
            stamp = now.isoformat()
            cur.execute("UPDATE jobs SET state = 'running', attempts = attempts + 1, owner = ?, started_at = ?, heartbeat_at = ? "
                        "WHERE id = ?", (owner, stamp, stamp, row["id"]))
        return self.get_job(row["id"])

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set a job's state, progress, result or error; every update is also a heartbeat."""
        values = {k: json.dumps(v) if k in ("progress", "result") else v for k, v in fields.items()}
        values["heartbeat_at"] = _now()
        if fields.get("state") in ("done", "failed"):
            values["finished_at"] = values["heartbeat_at"]
        with self._tx() as cur:
            cur.execute(f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?", (*values.values(), job_id))

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        job = dict(row)
        for key in ("params", "progress", "result"):
            job[key] = json.loads(job[key]) if job[key] else None
        return job

    def pending_jobs(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')").fetchone()[0])

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

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Cursor]:
        """The one way this store writes: a transaction that holds the write lock from its start (so two
        writers queue instead of failing halfway), commits whole or not at all, and turns the database's
        own failures (disk full, I/O error, read-only, locked past the timeout) into ``StoreError``."""
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

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        self.db.close()


def _row_values(art: Article) -> tuple[Any, ...]:
    return (
        art.id, art.title, art.text, art.source, art.source_provenance, art.url, art.lang, art.published,
        art.date_provenance, art.date_precision, json.dumps(art.sentences, separators=(",", ":")),
        art.origin, art.record, art.external_id, art.content_hash,
        json.dumps(art.extra, ensure_ascii=False, default=str), json.dumps(art.warnings, ensure_ascii=False),
    )


def _article(row: sqlite3.Row) -> Article:
    return _article_from_dict(dict(row))


def _article_from_dict(d: dict[str, Any]) -> Article:
    d["sentences"] = [tuple(s) for s in json.loads(d["sentences"])]
    d["extra"] = json.loads(d["extra"])
    d["warnings"] = json.loads(d["warnings"])
    return Article(**d)


def _snippet(art: Article, words: list[str], width: int = 160) -> str:
    lowered = art.text.lower()
    for word in words:
        pos = lowered.find(word.lower())
        if pos >= 0:
            for s, e in art.sentences:
                if s <= pos < e:
                    sent = art.text[s:e]
                    return sent if len(sent) <= width else sent[: width - 1] + "…"
    return (art.title or art.text)[:width]
