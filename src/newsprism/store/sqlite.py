"""SQLite store: WAL, versioned migrations, FTS5 search, idempotent upserts.

Durability: every batch is one transaction, so a process killed at any moment leaves the
database with whole batches only; re-running the same ingest stores each article once (ids
are stable) and ``PRAGMA integrity_check`` stays ``ok``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..model import Article, Rejection
from . import ArticleQuery, UpsertResult

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")
_COLUMNS = (
    "id, title, text, source, source_provenance, url, lang, published, date_provenance, date_precision, "
    "sentences, origin, record, external_id, content_hash, extra, warnings"
)


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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("newsprism.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class SQLiteStore:
    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a crash may lose the last batch, never corrupt
        self.db.execute("PRAGMA foreign_keys=ON")
        self.migrate()

    # --- schema -----------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        current = self.schema_version
        for version, script in migrations():
            if version <= current:
                continue
            # executescript commits; wrap each migration so it applies whole or not at all.
            self.db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")

    # --- writes ---------------------------------------------------------------------------------

    def upsert_articles(self, articles: Iterable[Article], rejections: Iterable[Rejection] = ()) -> UpsertResult:
        result = UpsertResult()
        now = _now()
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
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
            for rej in rejections:
                cur.execute(
                    "INSERT INTO rejections(origin, record, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(origin, record, reason) DO UPDATE SET last_seen = excluded.last_seen, times = times + 1",
                    (rej.origin, rej.record or "", rej.reason, now, now),
                )
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
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
        sql = (f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))} FROM articles a {join}"
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
            f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))} FROM articles_fts f "
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
    d = dict(row)
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
