"""newsprism as a library: one object for one store, with every stage and read as a method.

    import newsprism

    with newsprism.open("news.db") as news:
        news.ingest("feeds/", "dump.jsonl.gz")
        news.cluster()
        for story in news.stories(order="size", limit=5):
            print(story["id"], story["size"], story["title"])
        dossier = news.compare(story_id=1)

The CLI, the HTTP API and the benchmarks call these methods; the work itself is in the stages
(``pipeline`` wires them) and everything kept is in the store.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

from . import pipeline
from .ingest import IngestOptions
from .model import Article, Extraction, StoryComparison
from .store import ArticleQuery, Store, open_store
from .store.copy import CopyReport, copy_store
from . import watch
from .watch import WatchOptions
from .watch.alerts import atom, check_rule


class Newsprism:
    """A newsprism store and the stages that work on it."""

    def __init__(self, store: Store):
        self.store = store

    @classmethod
    def open(cls, location: str | os.PathLike[str] | None = None) -> "Newsprism":
        """Open (creating and migrating as needed) the store at ``location``: a SQLite file path, a
        ``postgresql://`` URL, or ``$NEWSPRISM_DB``, or the default under ~/.local/share/newsprism."""
        return cls(open_store(location))

    @property
    def location(self) -> str:
        return str(self.store.path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Newsprism":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- stages -------------------------------------------------------------------------------------

    def ingest(self, *targets: str | os.PathLike[str], options: IngestOptions | None = None,
               progress: pipeline.Progress | None = None) -> pipeline.IngestReport:
        """Read files, directories, archives, URLs (or '-' for stdin), normalize and store them."""
        return pipeline.ingest([str(t) for t in targets], self.store, options, progress)

    def cluster(self, rebuild: bool = False, config: Any = None, progress: pipeline.Progress | None = None,
                on_wait: Callable[[str], None] | None = None) -> pipeline.ClusterReport:
        """Put every article that is in no story yet into one (``rebuild``: all of them again). One run
        at a time per store: a second waits for the first (``on_wait`` hears that it does)."""
        return pipeline.cluster(self.store, config, rebuild=rebuild, progress=progress, on_wait=on_wait)

    def ingest_and_cluster(self, *targets: str | os.PathLike[str], options: IngestOptions | None = None,
                           config: Any = None, ingest_progress: pipeline.Progress | None = None,
                           cluster_progress: pipeline.Progress | None = None) -> tuple[pipeline.IngestReport, pipeline.ClusterReport]:
        """Both, with headlines encoded in the background while the rest is still being read."""
        return pipeline.ingest_and_cluster([str(t) for t in targets], self.store, config, options,
                                           ingest_progress, cluster_progress)

    def extract(self, redo: bool = False, progress: pipeline.Progress | None = None, ray: str | None = None):
        """Entities, quotes, time expressions and figures of every article without a current extraction.
        ``ray`` ("auto", "local" or a cluster's address): as Ray tasks, each writing into this store."""
        if ray:
            from . import distribute

            return distribute.extract(self.location, ray, redo=redo, progress=progress)
        return pipeline.extract(self.store, progress=progress, redo=redo)

    def ingest_on_ray(self, *targets: str | os.PathLike[str], ray: str = "auto", options: IngestOptions | None = None,
                      progress: pipeline.Progress | None = None):
        """Ingest with one Ray task per input file, each writing into this store (distribute.py)."""
        from . import distribute

        return distribute.ingest([str(t) for t in targets], self.location, ray, options or IngestOptions(), progress)

    def embed_on_ray(self, ray: str = "auto", progress: pipeline.Progress | None = None):
        """Headline vectors of the articles in no story yet, as Ray tasks: clustering (one process) reads them."""
        from . import distribute

        return distribute.embed(self.location, ray, progress=progress)

    def compare(self, story_id: int) -> StoryComparison | None:
        """A story's sources compared (cached until its members or the models change); None: no such story."""
        return pipeline.compare(self.store, story_id)

    def dossier(self, story_id: int, format: str = "html") -> str | None:
        """A story's comparison rendered as ``html``, ``md`` or ``json``."""
        from .compare.dossier import RENDERERS

        if format not in RENDERERS:
            raise ValueError(f"format must be one of {', '.join(RENDERERS)}")
        result = self.compare(story_id)
        return None if result is None else RENDERERS[format](result)

    def report(self, out_dir: str | os.PathLike[str], format: str = "html", min_size: int = 2, limit: int = 200,
               progress: Callable[[int, int], None] | None = None, ray: str | None = None) -> pipeline.ReportResult:
        """A dossier file for every story with ``min_size`` articles or more, and an index.md. With ``ray``
        the dossiers are computed as Ray tasks first (kept in the store), then written here."""
        if ray:
            from . import distribute

            ids = [s["id"] for s in self.stories(limit=limit, min_size=min_size, order="size")]
            distribute.dossiers(self.location, ids, ray, progress=lambda done, total, _w: progress(done, total) if progress else None)
        return pipeline.write_report(self.store, Path(out_dir), format, min_size, limit, progress)

    # --- reads --------------------------------------------------------------------------------------

    def article(self, ref: str) -> Article | None:
        """An article by id, unambiguous id prefix, or the id its input gave it."""
        return self.store.get_article(ref)

    def articles(self, source: str | None = None, lang: str | None = None, since: str | None = None,
                 until: str | None = None, text: str | None = None, limit: int = 50, offset: int = 0) -> list[Article]:
        """Articles, newest first, filtered by outlet, language, dates (inclusive ISO days) or words."""
        return self.store.find_articles(ArticleQuery(source, lang, since, until, text, limit, offset))

    def extraction(self, article: Article, extract_if_stale: bool = False) -> Extraction | None:
        """The article's current extraction; made now with ``extract_if_stale`` when there is none."""
        return pipeline.article_extraction(self.store, article, extract_if_stale)

    def search(self, text: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search (Chinese too): (article, snippet) pairs."""
        return self.store.search(text, limit)

    def stories(self, limit: int = 50, offset: int = 0, min_size: int = 1, order: str = "recent", lang: str | None = None,
                source: str | None = None, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Stories with size, outlets, languages, date range and headline. ``order``: recent (latest report),
        size, first (newest first report) or added (newest story); filters: a language, an outlet, and
        reports between ``since`` and ``until`` (ISO days, inclusive)."""
        return self.store.list_stories(limit=limit, offset=offset, min_size=min_size, order=order, lang=lang,
                                       source=source, since=since, until=until)

    def story_view(self, story_id: int, reader_lang: str | None = None):
        """(comparison, the reader's view of it, the members by id) of a story, or None (compare/view.py)."""
        return pipeline.story_view(self.store, story_id, reader_lang)

    def find(self, query: str, limit: int = 20) -> list[Any]:
        """Stories matching a query by its words and by its meaning in any language, best first, each
        with its best hits (search.py)."""
        from . import search

        return search.find(self.store, query, pipeline._default_embedder(), limit)

    def person(self, name: str, limit: int = 500) -> list[tuple[Article, list[dict[str, Any]], int | None]]:
        """Everything a person (a canonical speaker name) was quoted saying: (article, its quotes of them,
        its story), newest first, across stories, outlets and languages, under every spelling the corpus
        taught (``spellings``: 兰布卡 and Lan Buka are Sitiveni Rabuka)."""
        from .extract import VERSION

        canonical, spellings = self.spellings(name)
        found: dict[str, tuple[Article, list[dict[str, Any]]]] = {}
        for spelling in dict.fromkeys([canonical, *(s["alias"] for s in spellings)]):
            for a, quotes in self.store.quotes_by(spelling, VERSION, limit):
                found.setdefault(a.id, (a, []))[1].extend(quotes)
        # newest first, undated last (as quotes_by orders one spelling)
        rows = sorted(found.values(), key=lambda aq: aq[0].published or "", reverse=True)
        rows = sorted(rows, key=lambda aq: aq[0].published is None)[:limit]
        stories = self.store.stories_of([a.id for a, _ in rows])
        return [(a, quotes, stories.get(a.id)) for a, quotes in rows]

    def spellings(self, name: str) -> tuple[str, list[dict[str, Any]]]:
        """(the person's name, the other spellings of it the corpus taught, each with its evidence: the two
        quotes, in two scripts, that two reports of one story give them). Given a spelling (兰布卡), the
        name it spells."""
        rows = self.store.spellings(name)
        canonical = next((r["name"] for r in rows if r["alias"] == name), name)
        return canonical, [r for r in rows if r["name"] == canonical]

    def story(self, story_id: int) -> tuple[int, list[tuple[Article, dict[str, Any]]]] | None:
        """(the story's id after merges, its articles with how each joined and its links); None: no such story."""
        sid = self.store.resolve_story(story_id)
        return None if sid is None else (sid, self.store.story_members(sid))

    def story_of(self, article_id: str) -> int | None:
        return self.store.story_of(article_id)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def rejections(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.store.rejections(limit)

    def copy_to(self, target: str | os.PathLike[str], progress: Callable[[str, int, int], None] | None = None) -> CopyReport:
        """Copy this whole store to another location (a SQLite file, a ``postgresql://`` URL); run again
        after an interruption, it goes on where it stopped."""
        with Newsprism.open(target) as other:
            return copy_store(self.store, other.store, on_progress=progress)

    # --- following the news live: sources, the poller, watchlists and alerts ---------------------------

    def add_sources(self, *urls: str, interval_s: int | None = None, name: str | None = None, lang: str | None = None,
                    options: WatchOptions | None = None) -> list[tuple[dict[str, Any], bool]]:
        """Follow feeds, news sitemaps, the feeds a site's page names, or an OPML list's feeds: (source, new?)
        each. Raises InputError (naming the URL) for one that is none of these."""
        return watch.add_sources(self.store, list(urls), options or WatchOptions(), interval_s=interval_s, name=name, lang=lang)

    def import_opml(self, data: bytes, origin: str = "OPML", interval_s: int | None = None) -> list[tuple[dict[str, Any], bool]]:
        """Follow every feed an OPML file lists (nothing is fetched now: each is read at its first poll)."""
        return watch.import_opml(self.store, data, origin, interval_s or WatchOptions().interval_s)

    def export_opml(self) -> str:
        return watch.to_opml(self.store.sources())

    def sources(self) -> list[dict[str, Any]]:
        return self.store.sources()

    def source(self, ref: str | int) -> dict[str, Any] | None:
        return self.store.get_source(ref)

    def set_source(self, ref: str | int, **fields: Any) -> dict[str, Any] | None:
        """Change a source's ``enabled``, ``interval_s``, ``name`` or ``lang``; None: no such source."""
        found = self.store.get_source(ref)
        if found is None:
            return None
        allowed = {"enabled", "interval_s", "name", "lang"}
        if set(fields) - allowed:
            raise ValueError(f"a source's settings are {', '.join(sorted(allowed))}")
        if "enabled" in fields:
            fields["enabled"] = int(bool(fields["enabled"]))
        self.store.update_source(found["id"], **fields)
        return self.store.get_source(found["id"])

    def remove_source(self, ref: str | int) -> bool:
        found = self.store.get_source(ref)
        return found is not None and self.store.remove_source(found["id"])

    def watcher(self, options: WatchOptions | None = None) -> watch.Watcher:
        return watch.Watcher(self.store, options)

    def poll(self, options: WatchOptions | None = None) -> watch.WatchReport:
        """One cycle: every due source polled, then new articles clustered, extracted, dossiers and alerts."""
        return self.watcher(options).cycle()

    def add_watchlist(self, name: str, kind: str, target: str, events: str = "", webhook: str | None = None,
                      secret: str | None = None) -> int:
        """A rule to be alerted by (see watch/alerts.py); ValueError says what is wrong with one."""
        check_rule(kind, target, events)
        return self.store.add_watchlist(name, kind, target.strip(), events, webhook, secret)

    def watchlists(self) -> list[dict[str, Any]]:
        return self.store.watchlists()

    def remove_watchlist(self, watchlist_id: int) -> bool:
        return self.store.remove_watchlist(watchlist_id)

    def alerts(self, watchlist_id: int | None = None, limit: int = 100, unseen: bool = False) -> list[dict[str, Any]]:
        return self.store.alerts(watchlist_id, limit, unseen)

    def mark_alerts_seen(self, watchlist_id: int | None = None) -> None:
        self.store.mark_alerts_seen(watchlist_id)

    def alerts_atom(self, watchlist_id: int, base_url: str) -> str | None:
        return atom(self.store, watchlist_id, base_url)

    def live_state(self, story_id: int | None = None) -> dict[str, Any]:
        """What an open page watches: the store's counts, and a story's size (after merges) when one is named."""
        state: dict[str, Any] = self.store.counts()
        if story_id is not None:
            sid = self.store.resolve_story(story_id)
            state["story"] = sid
            state["story_size"] = len(self.store.member_hashes(sid)) if sid is not None else 0
        return state

    # --- corrections by hand (kept by later automatic runs) ---------------------------------------------

    def merge(self, target: int, others: Iterable[int]) -> int:
        return pipeline.merge_stories(self.store, target, list(others))

    def split(self, article_refs: Iterable[str]) -> int:
        return pipeline.split_articles(self.store, list(article_refs))

    def move(self, article_refs: Iterable[str], story_id: int) -> int:
        return pipeline.move_articles(self.store, list(article_refs), story_id)

    def last_edit(self) -> dict[str, Any] | None:
        """The latest correction that can be undone (merge, move, split), or None."""
        return self.store.last_edit()

    def undo(self) -> list[int] | None:
        """Undo the latest correction: the stories it touched, or None when there is nothing to undo."""
        edit = self.store.last_edit()
        return None if edit is None else self.store.undo_edit(edit["id"])

    def name_outlet(self, article_ref: str, name: str) -> str:
        """Name an article's outlet (one found from a file name, or none): the operator's word wins. Returns
        the name as stored; NotFound for no such article, BadRequest for an empty name."""
        art = self.store.get_article(article_ref)
        if art is None:
            raise pipeline.NotFound(f"no article {article_ref}")
        name = " ".join(name.split())[:200]
        if not name:
            raise pipeline.BadRequest("an outlet needs a name")
        self.store.set_article_source(art.id, name)
        return name
