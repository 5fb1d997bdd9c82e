"""The store: where articles (and later stories, extractions, dossiers) live.

``Store`` is the interface every stage uses; ``open_store`` picks an implementation from a
location. SQLite is the embedded default; PostgreSQL for teams comes later behind the same protocol.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Protocol

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
    path: str

    def upsert_articles(self, articles: Iterable[Article], rejections: Iterable[Rejection] = ()) -> UpsertResult: ...
    def get_article(self, article_id: str) -> Article | None: ...
    def find_articles(self, query: ArticleQuery) -> list[Article]: ...
    def iter_articles(self, order: str = "published") -> Iterator[Article]: ...
    def search(self, text: str, limit: int = 20) -> list[tuple[Article, str]]: ...
    def rejections(self, limit: int = 100) -> list[dict[str, Any]]: ...
    def stats(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


def default_db_path() -> Path:
    """``$NEWSPRISM_DB``, else the XDG data directory (~/.local/share/newsprism/newsprism.db)."""
    if env := os.environ.get("NEWSPRISM_DB"):
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "newsprism" / "newsprism.db"


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    location = str(location or default_db_path())
    if location.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("the PostgreSQL store is planned (see DESIGN.md); use a SQLite file path for now")
    from .sqlite import SQLiteStore

    return SQLiteStore(location)
