"""The store: where articles, stories, extractions, dossiers and jobs live.

``Store`` is the interface every stage uses; ``open_store`` picks an implementation from a
location: a file path is SQLite (the embedded default), a ``postgresql://`` URL is PostgreSQL (the
server a team shares). Both run the same queries (``sql.py``); each module holds only its own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ContextManager, Iterable, Iterator, Protocol

from ..model import Article, Rejection


class StoreError(RuntimeError):
    """The store itself cannot be written (disk full, I/O error, read-only, locked too long): not a
    problem of any one record, so a run stops with this message and what it committed stays."""


@dataclass
class UpsertResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class ArticleQuery:
    source: str | None = None
    lang: str | None = None
    since: str | None = None  # inclusive ISO date
    until: str | None = None  # inclusive ISO date
    text: str | None = None  # full-text query
    limit: int = 50
    offset: int = 0


class Store(Protocol):
    """Everything newsprism keeps, and the only way any stage or face reads or writes it: no SQL lives
    outside ``store/``. A backend (SQLite today) implements all of it; every write is one transaction."""

    path: str  # where it is, for messages (a server URL without its password)
    location: str  # what ``open_store`` takes to open it again

    # articles and rejections
    def upsert_articles(self, articles: Iterable[Article], rejections: Iterable[Rejection] = ()) -> UpsertResult: ...
    def get_article(self, article_id: str) -> Article | None: ...
    def get_articles(self, ids: list[str]) -> list[Article]: ...
    def find_articles(self, query: ArticleQuery) -> list[Article]: ...
    def iter_articles(self, order: str = "published") -> Iterator[Article]: ...
    def article_ids(self) -> list[str]: ...
    def external_ids(self) -> dict[str, str]: ...
    def search(self, text: str, limit: int = 20) -> list[tuple[Article, str]]: ...
    def rejections(self, limit: int = 100) -> list[dict[str, Any]]: ...
    def stats(self) -> dict[str, Any]: ...

    # stories: ids from the store, memberships, pins (manual edits), the clusterer's state
    def new_story_id(self) -> int: ...
    def unassigned_ids(self) -> list[str]: ...
    def first_unassigned_day(self) -> str | None: ...
    def members_since(self, day_iso: str | None) -> Iterator[tuple[Article, int, str]]: ...
    def save_assignments(self, assignments: Iterable[Any]) -> None: ...
    def clear_automatic_assignments(self) -> None: ...
    def writer_lock(self, name: str, on_wait: Callable[[str], None] | None = None) -> ContextManager[None]: ...
    def get_cluster_state(self) -> bytes | None: ...
    def put_cluster_state(self, blob: bytes) -> None: ...
    def get_vectors(self, ids: list[str], model: str) -> dict[str, Any]: ...
    def put_vectors(self, items: dict[str, Any], model: str) -> None: ...
    def list_stories(self, limit: int = 50, offset: int = 0, min_size: int = 1, order: str = "recent") -> list[dict[str, Any]]: ...
    def story_members(self, story_id: int) -> list[tuple[Article, dict[str, Any]]]: ...
    def member_hashes(self, story_id: int) -> list[tuple[str, str]]: ...
    def memberships(self) -> dict[str, int]: ...
    def story_of(self, article_id: str) -> int | None: ...
    def resolve_story(self, story_id: int) -> int | None: ...
    def merge_stories(self, target: int, others: list[int]) -> int: ...
    def move_articles(self, article_ids: list[str], story_id: int | None, action: str = "move") -> int: ...

    # extractions (one stale rule: version and the hash of the text read) and the dossier cache
    def unextracted_ids(self, version: str) -> list[str]: ...
    def put_extractions(self, items: list[Any]) -> None: ...
    def get_extraction(self, article_id: str, version: str | None = None) -> Any | None: ...
    def get_dossier(self, story_id: int) -> tuple[str, bytes] | None: ...
    def put_dossier(self, story_id: int, key: str, blob: bytes) -> None: ...

    # background jobs
    def add_job(self, kind: str, params: dict[str, Any], job_id: str | None = None) -> str: ...
    def claim_job(self, owner: str = "", stale_seconds: float = 30.0, max_attempts: int = 3) -> dict[str, Any] | None: ...
    def update_job(self, job_id: str, **fields: Any) -> None: ...
    def get_job(self, job_id: str) -> dict[str, Any] | None: ...
    def pending_jobs(self) -> int: ...

    def integrity_check(self) -> str: ...
    def close(self) -> None: ...


SERVER_SCHEMES = ("postgres://", "postgresql://")


def is_server(location: str | os.PathLike[str]) -> bool:
    return str(location).startswith(SERVER_SCHEMES)


def default_location() -> str:
    """``$NEWSPRISM_DB`` (a file or a server URL), else the XDG data directory's newsprism.db."""
    return os.environ.get("NEWSPRISM_DB") or str(data_home() / "newsprism.db")


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "newsprism"


def local_path(location: str | os.PathLike[str]) -> Path:
    """Where files that belong to a store live on this machine (uploads in flight, the job log): beside a
    SQLite file; for a server, a name in the data directory made from its host, port and database."""
    location = str(location)
    if not is_server(location):
        return Path(location)
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(location)
    name = "-".join(str(info.get(k) or "") for k in ("host", "port", "dbname"))
    return data_home() / ("pg-" + re.sub(r"[^\w.-]+", "_", name))


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    location = str(location or default_location())
    if is_server(location):
        try:
            from .postgres import PostgresStore
        except ImportError as exc:  # the driver is an extra: say how to get it
            raise StoreError(f"{location.split('@')[-1]}: the PostgreSQL store needs psycopg: "
                             "pip install 'newsprism[postgres]'") from exc
        store: Store = PostgresStore(location)
    else:
        from .sqlite import SQLiteStore

        store = SQLiteStore(location)
    return store
