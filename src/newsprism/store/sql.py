"""What the SQL backends share: every query of the store contract, written once in the SQL that SQLite
and PostgreSQL both speak (``?`` parameters, ``ON CONFLICT`` upserts, ``RETURNING``).

A backend supplies only what differs: its connection and transaction (``_tx``, ``_rows``,
``_stream``), its full-text index (``_fts_index``, ``_fts_match``, ``_fts_rank``), how it lists a
group (``_agg``), how it serialises writers that touch stories (``_lock``), its migrations and
its cross-process ``writer_lock``.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from datetime import datetime, timezone
from importlib import resources
from dataclasses import asdict
from typing import Any, ContextManager, Iterable, Iterator, Protocol, Sequence

import numpy as np

from ..model import Article, Extraction, Rejection
from ..text import CJK_CHAR
from . import ArticleQuery, UpsertResult

COLUMNS = (
    "id", "title", "text", "source", "source_provenance", "url", "lang", "published", "date_provenance",
    "date_precision", "sentences", "origin", "record", "external_id", "content_hash", "extra", "warnings",
)
_COLUMNS = ", ".join(COLUMNS)
_A_COLUMNS = ", ".join("a." + c for c in COLUMNS)  # the same, qualified for joins
ARTICLE_ROW = (*COLUMNS, "ingested_at", "updated_at")  # a whole stored row: what ingest writes, what a copy moves
ARTICLE_UPDATE = (*COLUMNS[1:], "updated_at")  # what a new text of a stored article rewrites
CHUNK = 500  # ids per IN (...) list: under SQLite's parameter limit, small enough for any planner

_CJK = re.compile(f"({CJK_CHAR})")


def fts_text(text: str | None) -> str:
    """Put spaces around CJK characters so a word tokenizer (FTS5's unicode61, PostgreSQL's ``simple``
    parser) indexes each as a token: Chinese is searched without a word segmenter."""
    if not text or not _CJK.search(text):
        return text or ""
    return _CJK.sub(r" \1 ", text)


def query_phrases(query: str) -> list[str]:
    """A user's query as phrases of tokens that must all appear: each word is one (a CJK run is a phrase of
    its characters), and "quoted words" are one phrase."""
    phrases = []
    for term in re.findall(r'"[^"]+"|\S+', query):
        tokens = [t for t in re.split(r"\s+", fts_text(re.sub(r"[^\w\s]", " ", term.strip('"')))) if t]
        if tokens:
            phrases.append(" ".join(tokens))
    return phrases


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_migrations(dialect: str) -> list[tuple[int, str]]:
    """(version, script) of a backend's migrations, in order: ``store/migrations/<dialect>/NNNN_name.sql``."""
    folder = resources.files("newsprism.store") / "migrations" / dialect
    found = [(int(e.name.split("_", 1)[0]), e.read_text(encoding="utf-8")) for e in folder.iterdir() if e.name.endswith(".sql")]
    return sorted(found)


def chunks(ids: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for k in range(0, len(ids), size):
        yield ids[k : k + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


class Cursor(Protocol):
    """What a backend's transaction hands the shared code: DB-API's cursor, ``?`` parameters."""

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class SQLStore:
    """The store contract over SQL; see the module docstring for what a backend adds."""

    path: str
    dialect: str

    # --- what a backend supplies -----------------------------------------------------------------

    def _tx(self) -> ContextManager[Cursor]:
        """One write transaction: committed whole or not at all; the backend's failures as StoreError."""
        raise NotImplementedError

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of a read (each indexable by position and by column name)."""
        raise NotImplementedError

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a read, fetched in batches as they are consumed."""
        raise NotImplementedError

    def _fts_index(self, cur: Cursor, items: list[tuple[int, str | None, str, Any]]) -> None:
        """Index articles' titles and texts under their rowids: (rowid, title, text, the row it had before,
        to unindex, or None)."""
        raise NotImplementedError

    def _fts_match(self, phrases: list[str]) -> tuple[str, list[Any]]:
        """A join of ``articles a`` with the index, keeping the articles that hold every phrase, as ``f``."""
        raise NotImplementedError

    def _fts_rank(self, phrases: list[str]) -> tuple[str, list[Any]]:
        """An ORDER BY expression ranking ``f``'s matches, best first."""
        raise NotImplementedError

    def _agg(self, column: str) -> str:
        """The distinct values of a column in a group, comma-joined."""
        raise NotImplementedError

    def _lock(self, cur: Cursor, name: str) -> None:
        """Serialise the transactions that rewrite one kind of shared row (story summaries, the job queue)."""

    retryable: tuple[type[BaseException], ...] = ()  # a backend's "try the transaction again" failures
    nulls_last = ""  # SQLite's DESC puts NULLs last; PostgreSQL's needs telling (and its index says the same)
    for_update = ""  # how a read inside a write transaction locks the row it is about to change

    # --- small helpers ---------------------------------------------------------------------------

    def _first(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._first(sql, params)
        return row[0] if row else None

    def _stories_of(self, cur: Cursor, article_ids: list[str]) -> set[int]:
        found: set[int] = set()
        for part in chunks(article_ids):
            found.update(r[0] for r in cur.execute(
                f"SELECT DISTINCT story_id FROM story_members WHERE article_id IN ({marks(len(part))})", part).fetchall())
        return found

    def _refresh_summaries(self, cur: Cursor, story_ids: Iterable[int] | None) -> None:
        """Recompute the story-list rows of these stories (all when None), inside the caller's transaction.

        A story with no members left (merged away, emptied by moves) loses its row. The earliest article
        with a title names the story: it is what first reported it.
        """
        self._lock(cur, "stories")
        ids = None if story_ids is None else sorted(set(story_ids))
        for part in [None] if ids is None else chunks(ids):
            where = "" if part is None else f"WHERE m.story_id IN ({marks(len(part))})"
            params = () if part is None else tuple(part)
            cur.execute("DELETE FROM story_summary" + ("" if part is None else f" WHERE id IN ({marks(len(part))})"), params)
            rows = cur.execute(
                f"SELECT m.story_id, count(*), {self._agg('a.source')}, {self._agg('a.lang')}, min(a.published), max(a.published) "
                f"FROM story_members m JOIN articles a ON a.id = m.article_id {where} GROUP BY m.story_id", params).fetchall()
            for sid, size, sources, langs, first, last in rows:
                title = cur.execute(
                    "SELECT coalesce(a.title, substr(a.text, 1, 120)) FROM story_members m JOIN articles a ON a.id = m.article_id "
                    "WHERE m.story_id = ? ORDER BY a.title IS NULL, a.published IS NULL, a.published, a.rowid LIMIT 1", (sid,)).fetchone()
                cur.execute("INSERT INTO story_summary(id, size, sources, languages, first_published, last_published, title) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (sid, size, ",".join(sorted(sources.split(","))) if sources else "",
                             ",".join(sorted(langs.split(","))) if langs else "", first, last, title[0] if title else ""))

    # --- articles and rejections -----------------------------------------------------------------

    def upsert_articles(self, articles: Iterable[Article], rejections: Iterable[Rejection] = ()) -> UpsertResult:
        articles, rejections = list(articles), list(rejections)
        for attempt in range(5):
            try:
                return self._upsert(articles, rejections)
            except self.retryable:  # two writers took overlapping rows in opposite orders: one yields, then retries
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _upsert(self, articles: list[Article], rejections: list[Rejection]) -> UpsertResult:
        result = UpsertResult()
        stamp = now()
        with self._tx() as cur:
            rows = [dict(zip(ARTICLE_ROW, (*_row_values(a), stamp, stamp))) for a in articles]
            for art, outcome in zip(articles, self._put_articles(cur, rows, ARTICLE_UPDATE)):
                getattr(result, outcome).append(art.id)
            if result.updated:  # a changed title or date shows in its story's summary
                self._refresh_summaries(cur, self._stories_of(cur, result.updated))
            for rej in rejections:
                cur.execute(
                    "INSERT INTO rejections(origin, record, reason, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (origin, record, reason) DO UPDATE SET last_seen = excluded.last_seen, times = rejections.times + 1",
                    (rej.origin, rej.record or "", rej.reason, stamp, stamp))
        return result

    def _put_articles(self, cur: Cursor, rows: list[dict[str, Any]], update: Sequence[str]) -> list[str]:
        """Store article rows (their ``ARTICLE_ROW`` columns; a copy brings ``rowid`` too) and index them; the
        outcome of each, in order: 'new', 'unchanged' (same content hash) or 'updated'. The new ones go in
        a few multi-row statements, in the order given (rowids keep ingest order, which clustering follows);
        the rest, and any another writer stored meanwhile, one at a time."""
        if not rows:
            return []
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            first.setdefault(row["id"], i)
        stored: set[str] = set()
        for part in chunks(list(first)):
            stored.update(r[0] for r in cur.execute(f"SELECT id FROM articles WHERE id IN ({marks(len(part))})", part).fetchall())
        fresh = [row for i, row in enumerate(rows) if first[row["id"]] == i and row["id"] not in stored]
        inserted = self._insert_new(cur, fresh)
        self._fts_index(cur, [(inserted[row["id"]], row["title"], row["text"], None) for row in fresh if row["id"] in inserted])
        return ["new" if first[row["id"]] == i and row["id"] in inserted else self._put_article(cur, row, update)
                for i, row in enumerate(rows)]

    def _insert_new(self, cur: Cursor, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Insert article rows in order, in multi-row statements; id -> rowid of those inserted (not of those
        another writer stored first)."""
        inserted: dict[str, int] = {}
        for part in chunks(rows, 200):
            cols = list(part[0])
            values = ", ".join([f"({marks(len(cols))})"] * len(part))
            inserted.update((r[0], r[1]) for r in cur.execute(
                f"INSERT INTO articles ({', '.join(cols)}) VALUES {values} ON CONFLICT (id) DO NOTHING RETURNING id, rowid",
                [v for row in part for v in row.values()]).fetchall())
        return inserted

    def _put_article(self, cur: Cursor, values: dict[str, Any], update: Sequence[str]) -> str:
        """One article row, stored or compared with the stored one and rewritten if its text changed."""
        cols = list(values)
        inserted = cur.execute(f"INSERT INTO articles ({', '.join(cols)}) VALUES ({marks(len(cols))}) "
                               "ON CONFLICT (id) DO NOTHING RETURNING rowid", tuple(values.values())).fetchone()
        if inserted is not None:
            self._fts_index(cur, [(inserted[0], values["title"], values["text"], None)])
            return "new"
        old = cur.execute(f"SELECT rowid, content_hash, title, text FROM articles WHERE id = ?{self.for_update}",
                          (values["id"],)).fetchone()
        if old["content_hash"] == values["content_hash"]:
            return "unchanged"
        cur.execute(f"UPDATE articles SET {', '.join(f'{c} = ?' for c in update)} WHERE id = ?",
                    (*(values[c] for c in update), values["id"]))
        self._fts_index(cur, [(old["rowid"], values["title"], values["text"], old)])
        return "updated"

    def get_article(self, article_id: str) -> Article | None:
        row = self._first(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if row is None and len(article_id) >= 4:  # accept an unambiguous id prefix, as git does
            rows = self._rows(f"SELECT {_COLUMNS} FROM articles WHERE id LIKE ? LIMIT 2", (article_id + "%",))
            row = rows[0] if len(rows) == 1 else None
        if row is None:  # the input's own id (a JSONL "id", a Reuters NEWID), when it is unambiguous
            rows = self._rows(f"SELECT {_COLUMNS} FROM articles WHERE external_id = ? LIMIT 2", (article_id,))
            row = rows[0] if len(rows) == 1 else None
        return _article(row) if row else None

    def get_articles(self, ids: list[str]) -> list[Article]:
        """Articles by id, in the order asked (unknown ids skipped)."""
        found: dict[str, Article] = {}
        for part in chunks(ids):
            for row in self._rows(f"SELECT {_COLUMNS} FROM articles WHERE id IN ({marks(len(part))})", part):
                found[row["id"]] = _article(row)
        return [found[i] for i in ids if i in found]

    def find_articles(self, query: ArticleQuery) -> list[Article]:
        where, params = [], []
        for value, clause in ((query.source, "lower(a.source) = lower(?)"), (query.lang, "a.lang = ?"),
                              (query.since, "a.published >= ?"), (query.until, "substr(a.published, 1, 10) <= ?")):
            if value:
                where.append(clause)
                params.append(value)
        join = ""
        if query.text:
            phrases = query_phrases(query.text)
            if not phrases:
                return []
            join, join_params = self._fts_match(phrases)
            params[:0] = join_params
        sql = (f"SELECT {_A_COLUMNS} FROM articles a {join}"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} "
               "ORDER BY a.published IS NULL, a.published DESC, a.rowid DESC LIMIT ? OFFSET ?")
        return [_article(r) for r in self._rows(sql, (*params, query.limit, query.offset))]

    def iter_articles(self, order: str = "published") -> Iterator[Article]:
        """All articles, streamed; by publication date (undated last) or by ingest order."""
        by = "published IS NULL, published, rowid" if order == "published" else "rowid"
        for row in self._stream(f"SELECT {_COLUMNS} FROM articles ORDER BY {by}"):
            yield _article(row)

    def search(self, text: str, limit: int = 20, any_word: bool = False) -> list[tuple[Article, str]]:
        """Full-text search, best match first, each hit with a short snippet of its matching sentence.
        Every word must occur, or with ``any_word`` any of its four longest (a headline as the query: long
        words are the rare ones, and every common word in an any-word query costs its whole posting list)."""
        phrases = query_phrases(text)
        if any_word:
            phrases = sorted(dict.fromkeys(phrases), key=len, reverse=True)[:4]
        if not phrases:
            return []
        join, params = self._fts_match(phrases, any_word)
        rank, rank_params = self._fts_rank(phrases, any_word)
        rows = self._rows(f"SELECT {_A_COLUMNS} FROM articles a {join} ORDER BY {rank}, a.rowid LIMIT ?",
                          (*params, *rank_params, limit))
        words = [w.strip('"') for w in re.findall(r'"[^"]+"|\S+', text)]
        return [(art, _snippet(art, words)) for art in map(_article, rows)]

    def article_ids(self) -> list[str]:
        """Every article's id, in the order they were first stored."""
        return [r[0] for r in self._stream("SELECT id FROM articles ORDER BY rowid")]

    def external_ids(self) -> dict[str, str]:
        """Article id -> the id its input gave it, for articles that had one."""
        return {r[0]: r[1] for r in self._stream("SELECT id, external_id FROM articles WHERE external_id IS NOT NULL")}

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows(
            "SELECT origin, record, reason, first_seen, last_seen, times FROM rejections ORDER BY last_seen DESC, origin LIMIT ?",
            (limit,))]

    def stats(self) -> dict[str, Any]:
        def group(col: str) -> dict[str, int]:
            return {r[0]: r[1] for r in self._rows(
                f"SELECT coalesce({col}, '(none)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15")}

        return {
            "db": self.path,
            "schema_version": self.schema_version,
            "articles": self._value("SELECT count(*) FROM articles"),
            "sources": self._value("SELECT count(DISTINCT source) FROM articles"),
            "rejected_inputs": self._value("SELECT count(*) FROM rejections"),
            "published_range": list(self._first("SELECT min(published), max(published) FROM articles")),
            "languages": group("lang"),
            "date_provenance": group("date_provenance"),
            "top_sources": group("source"),
        }

    @property
    def schema_version(self) -> int:
        raise NotImplementedError

    # --- stories ---------------------------------------------------------------------------------

    def unassigned_ids(self) -> list[str]:
        """Articles in no story yet, in publication order (undated last, then ingest order); ids only, so a
        stream of 100k articles is ordered without holding 100k texts."""
        return [r[0] for r in self._stream(
            "SELECT a.id FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL ORDER BY a.published IS NULL, substr(a.published, 1, 10), a.rowid")]

    def first_unassigned_day(self) -> str | None:
        """The earliest publication day (day precision or finer) among articles in no story."""
        return self._value(
            "SELECT min(substr(a.published, 1, 10)) FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
            "WHERE m.article_id IS NULL AND a.published IS NOT NULL AND a.date_precision IN ('day', 'datetime')")

    def members_since(self, day_iso: str | None) -> Iterator[tuple[Article, int, str]]:
        """(article, story id, method) for every member of stories active on or after a day (all if None)."""
        where, params = "", ()
        if day_iso:
            where = ("WHERE m.story_id IN (SELECT m2.story_id FROM story_members m2 JOIN articles a2 ON a2.id = m2.article_id "
                     "GROUP BY m2.story_id HAVING max(coalesce(a2.published, '9999')) >= ?)")
            params = (day_iso,)
        for row in self._stream(f"SELECT {_A_COLUMNS}, m.story_id, m.method FROM story_members m "
                                f"JOIN articles a ON a.id = m.article_id {where} "
                                "ORDER BY a.published IS NULL, substr(a.published, 1, 10), a.rowid", params):
            d = dict(row)
            sid, method = d.pop("story_id"), d.pop("method")
            yield _article_from_dict(d), sid, method

    def new_story_id(self) -> int:
        """A new story's id, taken from the store (a committed row of its sequence), so that two processes (a
        clustering run, a split by hand) never hand out the same one."""
        stamp = now()
        with self._tx() as cur:
            return int(cur.execute("INSERT INTO stories(created_at, updated_at) VALUES (?, ?) RETURNING id",
                                   (stamp, stamp)).fetchone()[0])

    def save_assignments(self, assignments: Iterable[Any]) -> None:
        stamp = now()
        assignments = list(assignments)
        with self._tx() as cur:
            self._lock(cur, "stories")
            # the stories these articles leave and join: their story-list rows change
            touched = self._stories_of(cur, [a.article_id for a in assignments]) | {a.story_id for a in assignments}
            for a in assignments:
                cur.execute("INSERT INTO stories(id, created_at, updated_at) VALUES (?, ?, ?) "
                            "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at", (a.story_id, stamp, stamp))
                self._put_member(cur, a.article_id, a.story_id, a.score, a.method, stamp)
                for link in a.links:
                    cur.execute("INSERT INTO article_links(article_id, type, target_id, score) VALUES (?, ?, ?, ?) "
                                "ON CONFLICT (article_id, type, target_id) DO UPDATE SET score = excluded.score",
                                (link.article_id, link.type, link.target_id, link.score))
            self._refresh_summaries(cur, touched)

    @staticmethod
    def _put_member(cur: Cursor, article_id: str, story_id: int, score: float | None, method: str, stamp: str) -> None:
        cur.execute("INSERT INTO story_members(article_id, story_id, score, method, assigned_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, score = excluded.score, "
                    "method = excluded.method, assigned_at = excluded.assigned_at",
                    (article_id, story_id, score, method, stamp))

    def clear_automatic_assignments(self) -> None:
        """Forget what clustering decided (for a rebuild); what users decided by hand stays."""
        with self._tx() as cur:
            self._lock(cur, "stories")
            cur.execute("DELETE FROM story_members WHERE method != 'manual'")
            cur.execute("DELETE FROM article_links")
            self._refresh_summaries(cur, None)  # before the emptied stories go: their summary rows point at them
            cur.execute("DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM story_members) AND merged_into IS NULL "
                        "AND id NOT IN (SELECT merged_into FROM stories WHERE merged_into IS NOT NULL)")
            cur.execute("DELETE FROM meta WHERE key = 'cluster.docfreq'")

    def get_vectors(self, ids: list[str], model: str) -> dict[str, Any]:
        out = {}
        for part in chunks(ids):
            rows = self._rows(f"SELECT article_id, vec FROM article_vectors WHERE model = ? AND article_id IN ({marks(len(part))})",
                              (model, *part))
            out.update({r[0]: np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows})
        return out

    def put_vectors(self, items: dict[str, Any], model: str) -> None:
        with self._tx() as cur:
            cur.executemany("INSERT INTO article_vectors(article_id, model, vec) VALUES (?, ?, ?) "
                            "ON CONFLICT (article_id, model) DO UPDATE SET vec = excluded.vec",
                            [(k, model, v.astype("float32").tobytes()) for k, v in items.items()])

    STORY_ORDERS = {"recent": "last_published DESC{nl}, size DESC", "size": "size DESC, last_published DESC{nl}",
                    "first": "first_published DESC{nl}, size DESC", "added": "id DESC"}

    def list_stories(self, limit: int = 50, offset: int = 0, min_size: int = 1, order: str = "recent",
                     lang: str | None = None, source: str | None = None, since: str | None = None,
                     until: str | None = None, ids: list[int] | None = None) -> list[dict[str, Any]]:
        """Stories with size, outlets, languages, date range and a representative title (from the kept summary).
        ``order``: recent (latest report first), size, first (newest first report first) or added (newest
        story first); filters: a language, an outlet, reports on or after ``since`` / on or before ``until``
        (ISO days); ``ids``: these stories only."""
        where, params = ["size >= ?"], [min_size]
        if ids is not None:
            if not ids:
                return []
            where.append(f"id IN ({marks(len(ids))})")
            params.extend(ids)
        for column, value in (("languages", lang), ("sources", source)):
            if value:  # the summary keeps both as sorted comma lists: match one whole item
                where.append(f"(',' || {column} || ',') LIKE ?")
                params.append(f"%,{value},%")
        if since:
            where.append("last_published >= ?")
            params.append(since[:10])
        if until:
            where.append("substr(first_published, 1, 10) <= ?")
            params.append(until[:10])
        by = self.STORY_ORDERS.get(order, self.STORY_ORDERS["recent"]).format(nl=self.nulls_last)
        out = []
        for r in self._rows("SELECT id, size, sources, languages, first_published, last_published, title FROM story_summary "
                            f"WHERE {' AND '.join(where)} ORDER BY {by}, id LIMIT ? OFFSET ?", (*params, limit, offset)):
            d = dict(r)
            d["sources"] = d["sources"].split(",") if d["sources"] else []
            d["languages"] = d["languages"].split(",") if d["languages"] else []
            out.append(d)
        return out

    def set_story_title(self, story_id: int, title: str) -> None:
        """The headline a story's comparison chose (compare/view.py): the story list then shows what its page does."""
        with self._tx() as cur:
            cur.execute("UPDATE story_summary SET title = ? WHERE id = ?", (title, story_id))

    def story_members(self, story_id: int) -> list[tuple[Article, dict[str, Any]]]:
        rows = self._rows(f"SELECT {_A_COLUMNS}, m.score, m.method FROM story_members m JOIN articles a ON a.id = m.article_id "
                          "WHERE m.story_id = ? ORDER BY a.published IS NULL, a.published, a.rowid", (story_id,))
        links: dict[str, list[dict[str, Any]]] = {}
        for r in self._rows("SELECT l.article_id, l.type, l.target_id, l.score FROM article_links l "
                            "JOIN story_members m ON m.article_id = l.article_id WHERE m.story_id = ? "
                            "ORDER BY l.article_id, l.type, l.target_id", (story_id,)):
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
        """(article id, content hash and outlet) of a story's members: enough to tell whether its dossier is
        current (an outlet the operator named shows in it)."""
        return [(r[0], f"{r[1]}|{r[2] or ''}") for r in self._rows(
            "SELECT a.id, a.content_hash, a.source FROM story_members m JOIN articles a ON a.id = m.article_id "
            "WHERE m.story_id = ? ORDER BY a.id", (story_id,))]

    def memberships(self) -> dict[str, int]:
        """Article id -> its story, for every article in a story."""
        return {r[0]: r[1] for r in self._stream("SELECT article_id, story_id FROM story_members")}

    def stories_of(self, article_ids: list[str]) -> dict[str, int]:
        """Article id -> its story, for those of these articles in one."""
        out: dict[str, int] = {}
        for part in chunks(article_ids):
            out.update((r[0], r[1]) for r in self._rows(
                f"SELECT article_id, story_id FROM story_members WHERE article_id IN ({marks(len(part))})", tuple(part)))
        return out

    def story_of(self, article_id: str) -> int | None:
        return self._value("SELECT story_id FROM story_members WHERE article_id = ?", (article_id,))

    def resolve_story(self, story_id: int) -> int | None:
        """Follow merges: a story merged into another answers with the one it became."""
        seen = set()
        while story_id not in seen:
            seen.add(story_id)
            row = self._first("SELECT merged_into FROM stories WHERE id = ?", (story_id,))
            if row is None:
                return None
            if row[0] is None:
                return story_id
            story_id = row[0]
        return None

    # --- manual edits: pinned as 'manual', which later automatic runs never move -------------------

    def _members_before(self, cur: Cursor, story_ids: Iterable[int], article_ids: Iterable[str] = ()) -> dict[str, Any]:
        """What an edit is about to change, kept with it so that it can be undone: the memberships of these
        stories and articles (an article in no story is listed as ``absent``)."""
        rows: dict[str, list[Any]] = {}
        for sid in set(story_ids):
            for r in cur.execute("SELECT article_id, story_id, score, method FROM story_members WHERE story_id = ?", (sid,)).fetchall():
                rows[r[0]] = list(r)
        absent = []
        for aid in article_ids:
            r = cur.execute("SELECT article_id, story_id, score, method FROM story_members WHERE article_id = ?", (aid,)).fetchone()
            if r is None:
                absent.append(aid)
            else:
                rows[r[0]] = list(r)
        return {"members": list(rows.values()), "absent": absent}

    def merge_stories(self, target: int, others: list[int]) -> int:
        stamp = now()
        with self._tx() as cur:
            self._lock(cur, "stories")
            before = self._members_before(cur, [target, *others])
            before["merged_into"] = {str(o): cur.execute("SELECT merged_into FROM stories WHERE id = ?", (o,)).fetchone()[0]
                                     for o in others if cur.execute("SELECT 1 FROM stories WHERE id = ?", (o,)).fetchone()}
            for other in others:
                cur.execute("UPDATE story_members SET story_id = ?, method = 'manual', assigned_at = ? WHERE story_id = ?",
                            (target, stamp, other))
                cur.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (target, stamp, other))
            cur.execute("UPDATE story_members SET method = 'manual' WHERE story_id = ?", (target,))
            self._refresh_summaries(cur, {target, *others})
            cur.execute("INSERT INTO story_edits(at, action, detail) VALUES (?, 'merge', ?)",
                        (stamp, json.dumps({"into": target, "merged": others, "before": before})))
        return target

    def move_articles(self, article_ids: list[str], story_id: int | None, action: str = "move") -> int:
        """Move articles to a story, or to a new one (a split) when ``story_id`` is None."""
        stamp = now()
        with self._tx() as cur:
            self._lock(cur, "stories")
            if story_id is None:
                story_id = int(cur.execute("INSERT INTO stories(created_at, updated_at) VALUES (?, ?) RETURNING id",
                                           (stamp, stamp)).fetchone()[0])
            # A story a user has edited is curated: pin its members and those of the stories the
            # articles leave, so a rebuild keeps the composition the user saw, not only the moved articles.
            sources = self._stories_of(cur, article_ids)
            before = self._members_before(cur, sources | {story_id}, article_ids)
            for sid in sources | {story_id}:
                cur.execute("UPDATE story_members SET method = 'manual' WHERE story_id = ?", (sid,))
            for aid in article_ids:
                self._put_member(cur, aid, story_id, None, "manual", stamp)
            self._refresh_summaries(cur, sources | {story_id})
            cur.execute("INSERT INTO story_edits(at, action, detail) VALUES (?, ?, ?)",
                        (stamp, action, json.dumps({"articles": article_ids, "story": story_id, "before": before})))
        return story_id

    def last_edit(self) -> dict[str, Any] | None:
        """The latest correction that can still be undone (a merge, move or split not undone yet), or None."""
        undone = {json.loads(r[0]).get("edit") for r in self._rows("SELECT detail FROM story_edits WHERE action = 'undo'")}
        for r in self._rows("SELECT id, at, action, detail FROM story_edits WHERE action IN ('merge', 'move', 'split') "
                            "ORDER BY id DESC LIMIT 20"):
            detail = json.loads(r[3])
            if r[0] in undone:
                continue
            if "before" not in detail:
                return None  # made before edits kept what they changed: not undoable, nor anything older
            return {"id": r[0], "at": r[1], "action": r[2], "detail": detail}
        return None

    def undo_edit(self, edit_id: int) -> list[int]:
        """Put the memberships an edit changed back as they were; the stories it touched, to show again."""
        stamp = now()
        with self._tx() as cur:
            self._lock(cur, "stories")
            row = cur.execute("SELECT action, detail FROM story_edits WHERE id = ?", (edit_id,)).fetchone()
            if row is None or "before" not in json.loads(row[1]):
                raise ValueError(f"edit {edit_id} cannot be undone")
            detail = json.loads(row[1])
            before = detail["before"]
            touched = {int(m[1]) for m in before["members"]}
            touched |= {int(detail.get("into", detail.get("story", 0)))} | {int(k) for k in before.get("merged_into", {})}
            for aid, sid, score, method in before["members"]:
                cur.execute("UPDATE story_members SET story_id = ?, score = ?, method = ?, assigned_at = ? WHERE article_id = ?",
                            (sid, score, method, stamp, aid))
            for aid in before["absent"]:
                cur.execute("DELETE FROM story_members WHERE article_id = ?", (aid,))
            for other, merged_into in before.get("merged_into", {}).items():
                cur.execute("UPDATE stories SET merged_into = ?, updated_at = ? WHERE id = ?", (merged_into, stamp, int(other)))
            self._refresh_summaries(cur, touched)
            cur.execute("INSERT INTO story_edits(at, action, detail) VALUES (?, 'undo', ?)", (stamp, json.dumps({"edit": edit_id})))
        return sorted(touched)

    def set_article_source(self, article_id: str, name: str) -> bool:
        """Name the outlet of an article whose outlet was unknown or wrong (the operator's word wins over any guess)."""
        with self._tx() as cur:
            found = cur.execute("UPDATE articles SET source = ?, source_provenance = 'operator' WHERE id = ? RETURNING id",
                                (name, article_id)).fetchone()
            if found:
                self._refresh_summaries(cur, self._stories_of(cur, [article_id]))
        return found is not None

    def put_aliases(self, aliases: list[Any]) -> int:
        """Spellings a comparison learned (``model.Alias``); a spelling already known keeps its first
        evidence. Returns how many were new."""
        stamp, new = now(), 0
        with self._tx() as cur:
            for a in aliases:
                evidence = json.dumps(asdict(a)["evidence"], ensure_ascii=False)
                new += cur.execute("INSERT INTO aliases(alias, name, story_id, evidence, added_at) VALUES (?, ?, ?, ?, ?) "
                                   "ON CONFLICT (alias, name) DO NOTHING RETURNING alias",
                                   (a.alias, a.name, a.story_id, evidence, stamp)).fetchone() is not None
        return new

    def spellings(self, name: str) -> list[dict[str, Any]]:
        """The known spellings around a name, each {alias, name, story_id, evidence, added_at}: its own
        aliases, or, given an alias (兰布卡), those of the name it spells."""
        names = [name, *(r[0] for r in self._rows("SELECT name FROM aliases WHERE alias = ? ORDER BY name", (name,)))]
        rows = self._rows(f"SELECT alias, name, story_id, evidence, added_at FROM aliases WHERE name IN ({', '.join('?' * len(names))}) "
                          "ORDER BY name, added_at, alias", tuple(names))
        return [{**dict(r), "evidence": json.loads(r["evidence"])} for r in rows]

    def quotes_by(self, speaker: str, version: str, limit: int = 500) -> list[tuple[Article, list[dict[str, Any]]]]:
        """Articles (newest first) with a current extraction that quotes ``speaker`` (its canonical name),
        each with those quotes."""
        needle = json.dumps(speaker, ensure_ascii=False).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._rows(f"SELECT {_A_COLUMNS}, x.data FROM extractions x JOIN articles a ON a.id = x.article_id "
                          f"WHERE x.data LIKE ? ESCAPE '\\' AND {self._CURRENT} "
                          "ORDER BY a.published IS NULL, a.published DESC, a.rowid DESC LIMIT ?",
                          (f'%"speaker": {needle}%', version, limit))
        out = []
        for r in rows:
            d = dict(r)
            quotes = [q for q in json.loads(d.pop("data"))["quotes"] if q.get("speaker") == speaker]
            if quotes:
                out.append((_article_from_dict(d), quotes))
        return out

    def vector_count(self, model: str) -> int:
        return int(self._value("SELECT count(*) FROM article_vectors WHERE model = ?", (model,)) or 0)

    def iter_vectors(self, model: str) -> Iterator[tuple[str, Any]]:
        """Every article's stored vector of this model: (article id, float32 array), streamed."""
        for r in self._stream("SELECT article_id, vec FROM article_vectors WHERE model = ?", (model,)):
            yield r[0], np.frombuffer(bytes(r[1]), dtype=np.float32)

    # --- extractions and the dossier cache --------------------------------------------------------

    # The one stale rule: an extraction is current when the extractor's version made it and from the
    # text the article has now. Its hash is the one the extractor read, never the one at write time, so
    # a text re-ingested while extraction ran leaves the old extraction stale.
    _CURRENT = "x.version = ? AND x.content_hash = a.content_hash"

    def unextracted_ids(self, version: str) -> list[str]:
        """Articles with no current extraction (none, another version's, or one from an older text)."""
        return [r[0] for r in self._stream(
            "SELECT a.id FROM articles a LEFT JOIN extractions x ON x.article_id = a.id "
            f"WHERE x.article_id IS NULL OR NOT ({self._CURRENT}) ORDER BY a.rowid", (version,))]

    def put_extractions(self, items: list[Any]) -> None:
        stamp = now()
        with self._tx() as cur:
            cur.executemany("INSERT INTO extractions(article_id, version, content_hash, data, extracted_at) VALUES (?, ?, ?, ?, ?) "
                            "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash, "
                            "data = excluded.data, extracted_at = excluded.extracted_at",
                            [(x.article_id, x.version, x.content_hash, json.dumps(x.to_dict(), ensure_ascii=False), stamp)
                             for x in items])

    def get_extraction(self, article_id: str, version: str | None = None) -> Any | None:
        """The article's current extraction (by ``version``, when given), or None: a stale one is never
        handed out, since its spans may point into an older text."""
        data = self._value("SELECT x.data FROM extractions x JOIN articles a ON a.id = x.article_id "
                           f"WHERE x.article_id = ? AND ({self._CURRENT} OR (CAST(? AS TEXT) IS NULL "
                           "AND x.content_hash = a.content_hash))", (article_id, version, version))
        return Extraction.from_dict(json.loads(data)) if data else None

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
        value = self._value("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else bytes(value)

    def put_meta(self, key: str, value: bytes | str) -> None:
        with self._tx() as cur:
            cur.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, value.encode() if isinstance(value, str) else value))

    def delete_meta(self, key: str) -> None:
        with self._tx() as cur:
            cur.execute("DELETE FROM meta WHERE key = ?", (key,))

    # --- jobs: a queue in the store, so any server process can answer for any job ------------------

    _JOB = "id, kind, state, params, progress, result, error, attempts, owner, created_at, started_at, heartbeat_at, finished_at"

    def add_job(self, kind: str, params: dict[str, Any], job_id: str | None = None) -> str:
        job_id = job_id or uuid.uuid4().hex[:12]
        with self._tx() as cur:
            cur.execute("INSERT INTO jobs(id, kind, state, params, progress, created_at) VALUES (?, ?, 'queued', ?, '{}', ?)",
                        (job_id, kind, json.dumps(params), now()))
        return job_id

    def claim_job(self, owner: str = "", stale_seconds: float = 30.0, max_attempts: int = 3) -> dict[str, Any] | None:
        """The oldest queued job, now running; None if there is none or another job is running. A running
        job whose worker has been silent for ``stale_seconds`` was killed: it is queued again (its work is
        idempotent), or failed after ``max_attempts``."""
        moment = datetime.now(timezone.utc)
        cutoff = moment.timestamp() - stale_seconds
        with self._tx() as cur:
            self._lock(cur, "jobs")
            for job_id, attempts, beat_at in cur.execute(
                    "SELECT id, attempts, heartbeat_at FROM jobs WHERE state = 'running'").fetchall():
                beat = datetime.fromisoformat(beat_at).timestamp() if beat_at else 0.0
                if beat >= cutoff:
                    return None  # one job at a time: the clusterer is the single writer of stories
                if attempts >= max_attempts:
                    cur.execute("UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
                                (f"its worker stopped {attempts} times", moment.isoformat(), job_id))
                else:
                    cur.execute("UPDATE jobs SET state = 'queued' WHERE id = ?", (job_id,))
            row = cur.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, rowid LIMIT 1").fetchone()
            if row is None:
                return None
            stamp = moment.isoformat()
            cur.execute("UPDATE jobs SET state = 'running', attempts = attempts + 1, owner = ?, started_at = ?, heartbeat_at = ? "
                        "WHERE id = ?", (owner, stamp, stamp, row[0]))
        return self.get_job(row[0])

    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set a job's state, progress, result or error; every update is also a heartbeat."""
        values = {k: json.dumps(v) if k in ("progress", "result") else v for k, v in fields.items()}
        values["heartbeat_at"] = now()
        if fields.get("state") in ("done", "failed"):
            values["finished_at"] = values["heartbeat_at"]
        unknown = set(values) - set(self._JOB.replace(" ", "").split(","))
        if unknown:
            raise ValueError(f"a job has no field {sorted(unknown)}")
        with self._tx() as cur:
            cur.execute(f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?", (*values.values(), job_id))

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        row = self._first(f"SELECT {self._JOB} FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            return None
        job = dict(row)
        for key in ("params", "progress", "result"):
            job[key] = json.loads(job[key]) if job[key] else None
        return job

    def pending_jobs(self) -> int:
        return int(self._value("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')"))

    # --- live sources, watchlists and alerts ------------------------------------------------------------

    _SOURCE = ("id, url, kind, site, name, lang, interval_s, enabled, etag, last_modified, seen, next_poll, last_poll, "
               "last_status, last_new, errors, last_error, polls, not_modified, articles, added_at")

    def add_source(self, url: str, kind: str, interval_s: int, next_poll: float, site: str | None = None,
                   name: str | None = None, lang: str | None = None) -> tuple[dict[str, Any], bool]:
        """(the source, whether it is new): a URL already followed is returned as it is."""
        with self._tx() as cur:
            row = cur.execute("INSERT INTO sources(url, kind, site, name, lang, interval_s, next_poll, added_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING RETURNING id",
                              (url, kind, site, name, lang, interval_s, next_poll, now())).fetchone()
        return self.get_source(url), row is not None  # type: ignore[return-value]

    def sources(self) -> list[dict[str, Any]]:
        return [_source(r) for r in self._rows(f"SELECT {self._SOURCE} FROM sources ORDER BY id")]

    def get_source(self, ref: str | int) -> dict[str, Any] | None:
        """A source by id or by URL."""
        by = "id = ?" if isinstance(ref, int) or str(ref).isdigit() else "url = ?"
        row = self._first(f"SELECT {self._SOURCE} FROM sources WHERE {by}", (int(ref) if by == "id = ?" else ref,))
        return _source(row) if row else None

    def due_sources(self, moment: float, limit: int = 10_000) -> list[dict[str, Any]]:
        """Enabled sources whose next poll has come, the longest waiting first."""
        return [_source(r) for r in self._rows(
            f"SELECT {self._SOURCE} FROM sources WHERE enabled = 1 AND next_poll <= ? ORDER BY next_poll, id LIMIT ?",
            (moment, limit))]

    def next_due(self) -> float | None:
        """When the next enabled source is due (unix seconds), or None when none is enabled."""
        value = self._value("SELECT min(next_poll) FROM sources WHERE enabled = 1")
        return None if value is None else float(value)

    def update_source(self, source_id: int, **fields: Any) -> None:
        columns = set(self._SOURCE.replace(" ", "").split(",")) - {"id", "url", "added_at"}
        if set(fields) - columns:
            raise ValueError(f"a source has no field {sorted(set(fields) - columns)}")
        if "seen" in fields:
            fields["seen"] = json.dumps(fields["seen"])
        with self._tx() as cur:
            cur.execute(f"UPDATE sources SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?", (*fields.values(), source_id))

    def remove_source(self, source_id: int) -> bool:
        with self._tx() as cur:
            return cur.execute("DELETE FROM sources WHERE id = ? RETURNING id", (source_id,)).fetchone() is not None

    _WATCHLIST = "id, name, kind, target, events, webhook, secret, created_at"

    def add_watchlist(self, name: str, kind: str, target: str, events: str = "", webhook: str | None = None,
                      secret: str | None = None) -> int:
        with self._tx() as cur:
            return int(cur.execute("INSERT INTO watchlists(name, kind, target, events, webhook, secret, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                   (name, kind, target, events, webhook, secret, now())).fetchone()[0])

    def watchlists(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._rows(f"SELECT {self._WATCHLIST} FROM watchlists ORDER BY id")]

    def get_watchlist(self, watchlist_id: int) -> dict[str, Any] | None:
        row = self._first(f"SELECT {self._WATCHLIST} FROM watchlists WHERE id = ?", (watchlist_id,))
        return dict(row) if row else None

    def remove_watchlist(self, watchlist_id: int) -> bool:
        with self._tx() as cur:
            cur.execute("DELETE FROM alerts WHERE watchlist_id = ?", (watchlist_id,))
            return cur.execute("DELETE FROM watchlists WHERE id = ? RETURNING id", (watchlist_id,)).fetchone() is not None

    _ALERT = ("id, watchlist_id, key, at, title, detail, article_id, story_id, seen, delivered_at, attempts, "
              "next_attempt, last_error")

    def add_alerts(self, items: list[dict[str, Any]]) -> list[int]:
        """Store alerts; one whose (watchlist, key) was raised before is not raised again. The new ones' ids."""
        stamp = now()
        fresh = []
        with self._tx() as cur:
            for a in items:
                row = cur.execute("INSERT INTO alerts(watchlist_id, key, at, title, detail, article_id, story_id, next_attempt) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (watchlist_id, key) DO NOTHING RETURNING id",
                                  (a["watchlist_id"], a["key"], stamp, a["title"], json.dumps(a.get("detail") or {}, ensure_ascii=False),
                                   a.get("article_id"), a.get("story_id"), 0.0)).fetchone()
                if row is not None:
                    fresh.append(int(row[0]))
        return fresh

    def alerts(self, watchlist_id: int | None = None, limit: int = 100, unseen: bool = False) -> list[dict[str, Any]]:
        where, params = [], []
        if watchlist_id is not None:
            where.append("watchlist_id = ?")
            params.append(watchlist_id)
        if unseen:
            where.append("seen = 0")
        rows = self._rows(f"SELECT {self._ALERT} FROM alerts {'WHERE ' + ' AND '.join(where) if where else ''} "
                          "ORDER BY id DESC LIMIT ?", (*params, limit))
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def unseen_alerts(self) -> int:
        return int(self._value("SELECT count(*) FROM alerts WHERE seen = 0"))

    def counts(self) -> dict[str, int]:
        """Articles, stories and unseen alerts: three counts, cheap enough to ask every few seconds (the live UI)."""
        row = self._first("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM story_summary), "
                          "(SELECT count(*) FROM alerts WHERE seen = 0)")
        return {"articles": int(row[0]), "stories": int(row[1]), "alerts_unseen": int(row[2])}

    def mark_alerts_seen(self, watchlist_id: int | None = None) -> None:
        with self._tx() as cur:
            if watchlist_id is None:
                cur.execute("UPDATE alerts SET seen = 1 WHERE seen = 0")
            else:
                cur.execute("UPDATE alerts SET seen = 1 WHERE seen = 0 AND watchlist_id = ?", (watchlist_id,))

    def undelivered_alerts(self, moment: float, max_attempts: int) -> list[dict[str, Any]]:
        """Alerts of watchlists with a webhook, not delivered yet, whose next attempt has come."""
        cols = ", ".join("a." + c.strip() for c in self._ALERT.split(","))
        rows = self._rows(f"SELECT {cols}, w.webhook, w.secret, w.name FROM alerts a JOIN watchlists w ON w.id = a.watchlist_id "
                          "WHERE w.webhook IS NOT NULL AND a.delivered_at IS NULL AND a.attempts < ? "
                          "AND coalesce(a.next_attempt, 0) <= ? ORDER BY a.id", (max_attempts, moment))
        return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]

    def update_alert(self, alert_id: int, **fields: Any) -> None:
        columns = {"seen", "delivered_at", "attempts", "next_attempt", "last_error"}
        if set(fields) - columns:
            raise ValueError(f"an alert has no field {sorted(set(fields) - columns)}")
        with self._tx() as cur:
            cur.execute(f"UPDATE alerts SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?", (*fields.values(), alert_id))

    # --- every row, for copying a store to another backend -----------------------------------------

    # Parents before children, so foreign keys hold at every step of a copy.
    TABLES: dict[str, tuple[str, ...]] = {
        "articles": ("rowid", *ARTICLE_ROW),  # with its rowid: ingest order, which clustering follows
        "rejections": ("origin", "record", "reason", "first_seen", "last_seen", "times"),
        "stories": ("id", "created_at", "updated_at", "merged_into"),
        "story_members": ("article_id", "story_id", "score", "method", "assigned_at"),
        "article_links": ("article_id", "type", "target_id", "score"),
        "article_vectors": ("article_id", "model", "vec"),
        "story_edits": ("id", "at", "action", "detail"),
        "meta": ("key", "value"),
        "extractions": ("article_id", "version", "content_hash", "data", "extracted_at"),
        "story_summary": ("id", "size", "sources", "languages", "first_published", "last_published", "title"),
        "jobs": tuple(_JOB.replace(" ", "").split(",")),
        "sources": tuple(_SOURCE.replace(" ", "").split(",")),
        "watchlists": tuple(_WATCHLIST.replace(" ", "").split(",")),
        "alerts": tuple(_ALERT.replace(" ", "").split(",")),
        "aliases": ("alias", "name", "story_id", "evidence", "added_at"),
    }
    KEYS: dict[str, tuple[str, ...]] = {
        "articles": ("id",), "rejections": ("origin", "record", "reason"), "stories": ("id",),
        "story_members": ("article_id",), "article_links": ("article_id", "type", "target_id"),
        "article_vectors": ("article_id", "model"), "story_edits": ("id",), "meta": ("key",),
        "extractions": ("article_id",), "story_summary": ("id",), "jobs": ("id",),
        "sources": ("id",), "watchlists": ("id",), "alerts": ("id",), "aliases": ("alias", "name"),
    }

    def dump_rows(self, table: str, after: tuple[Any, ...] | None = None, limit: int = 1000) -> list[tuple[Any, ...]]:
        """A table's rows in key order, ``limit`` at a time after the key ``after``: a copy can stop and go on."""
        cols, key = self.TABLES[table], self.KEYS[table]
        where, params = "", []
        if after is not None:  # (k1, k2) > (a1, a2), spelled out: both backends compare rows, but say it plainly
            ors = []
            for i in range(len(key)):
                ors.append("(" + " AND ".join([f"{k} = ?" for k in key[:i]] + [f"{key[i]} > ?"]) + ")")
                params.extend([*after[:i], after[i]])
            where = "WHERE " + " OR ".join(ors)
        order = ", ".join(key)
        rows = self._rows(f"SELECT {', '.join(cols)} FROM {table} {where} ORDER BY {order} LIMIT ?", (*params, limit))
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

    def load_rows(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Write rows another store dumped; a row already here (a resumed copy) is overwritten. Articles go
        through the index as ingest stores them."""
        cols, key = self.TABLES[table], self.KEYS[table]
        rest = [c for c in cols if c not in key]
        update = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest)) if rest else "DO NOTHING"
        if table == "meta":  # an old SQLite store may hold a text value; PostgreSQL's column is bytes
            rows = [(k, v.encode() if isinstance(v, str) else v) for k, v in rows]
        with self._tx() as cur:
            if table == "articles":
                self._put_articles(cur, [dict(zip(cols, row)) for row in rows], ARTICLE_ROW[1:])
                return
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks(len(cols))}) "
                            f"ON CONFLICT ({', '.join(key)}) {update}", rows)

    def count_rows(self, table: str) -> int:
        return int(self._value(f"SELECT count(*) FROM {table}"))

    @contextlib.contextmanager
    def copy_target(self) -> Iterator[None]:
        """Around a copy into this store: a backend puts its sequences past the ids copied in, after."""
        yield


def _row_values(art: Article) -> tuple[Any, ...]:
    return (
        art.id, art.title, art.text, art.source, art.source_provenance, art.url, art.lang, art.published,
        art.date_provenance, art.date_precision, json.dumps(art.sentences, separators=(",", ":")),
        art.origin, art.record, art.external_id, art.content_hash,
        json.dumps(art.extra, ensure_ascii=False, default=str), json.dumps(art.warnings, ensure_ascii=False),
    )


def _source(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["seen"] = json.loads(d["seen"])
    return d


def _article(row: Any) -> Article:
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

