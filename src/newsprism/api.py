"""The HTTP face: a JSON API (with its OpenAPI document at /docs) and the web UI (``web/``), served by
``newsprism serve``. Like the CLI it calls the library object (``newsprism.open``); no logic lives here.

Access: writes (ingest, merge, split, move) need the operator's token (``NEWSPRISM_TOKEN``, sent as
``Authorization: Bearer …`` or, from the UI's forms, a ``token`` field); reads are open unless
``NEWSPRISM_READ_TOKEN`` is set. Without a write token the server is read-only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import queue
import secrets
import shutil
import time
import uuid
from contextlib import contextmanager
from html import escape as e
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, HTTPException, Path as PathParam, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from . import jobs, pipeline
from . import search as story_search
from .ingest.errors import InputError
from .library import Newsprism
from .store import default_location
from .watch import WatchOptions
from .web.uploads import UploadError, receive

STATIC = Path(__file__).parent / "web" / "static"
LIVE_JS = (STATIC / "live.js").read_text(encoding="utf-8")
APP_CSS = (STATIC / "app.css").read_text(encoding="utf-8")
DAY = r"^\d{4}-\d{2}-\d{2}$"

# SQLite integers are 64-bit: a larger id or offset in a URL is a 422, never a 500.
MAX_INT = 2**63 - 1
StoryId = PathParam(ge=0, le=MAX_INT)  # (for parameters named story_id only: FastAPI binds it to the first name)
Offset = Query(0, ge=0, le=MAX_INT)


class Settings(BaseModel):
    db: str
    write_token: Optional[str] = None
    read_token: Optional[str] = None
    allow_private_urls: bool = False
    max_upload_bytes: int = 512 * 2**20  # one upload, all files together, counted as it streams in


# Every response: no sniffing a JSON or Markdown body into HTML, no framing (clickjacking), scripts and
# styles from this server only (the pages use inline styles, no scripts), no referrer to other sites.
_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                     (b"referrer-policy", b"same-origin")]


class SecurityHeaders:
    """Pure ASGI (a BaseHTTPMiddleware would cost every request a task): adds the headers to each response.
    /docs keeps FastAPI's own page (its one inline script starts Swagger UI, whose files this server serves)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = scope.get("path", "") not in ("/docs", "/docs/oauth2-redirect")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in {k for k, _ in _SECURITY_HEADERS}]
                headers += _SECURITY_HEADERS
                if csp:
                    headers.append((b"content-security-policy", _CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


class SourcesBody(BaseModel):
    urls: list[str]
    interval_s: int | None = Field(None, ge=30, le=7 * 86_400)
    name: str | None = None
    lang: str | None = None


class SourceSettings(BaseModel):
    enabled: bool | None = None
    interval_s: int | None = Field(None, ge=30, le=7 * 86_400)
    name: str | None = None
    lang: str | None = None


class WatchlistBody(BaseModel):
    name: str
    kind: str
    target: str
    events: str = ""
    webhook: str | None = None
    secret: str | None = None


class MergeBody(BaseModel):
    target: int
    others: list[int]


class SplitBody(BaseModel):
    article_ids: list[str]


class MoveBody(BaseModel):
    article_ids: list[str]
    story_id: int


class UrlBody(BaseModel):
    url: str


class OutletBody(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)


def _bearer(request: Request) -> str | None:
    """The token in the Authorization header. Never a cookie: a browser sends cookies with any site's
    forms, and a write that a cookie authorises is open to cross-site request forgery."""
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def settings_from_env() -> Settings:
    """The server's settings from its environment (how ``newsprism serve --workers N`` hands them to each worker)."""
    return Settings(db=default_location(), write_token=os.environ.get("NEWSPRISM_TOKEN") or None,
                    read_token=os.environ.get("NEWSPRISM_READ_TOKEN") or None,
                    allow_private_urls=os.environ.get("NEWSPRISM_ALLOW_PRIVATE_URLS") == "1")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or settings_from_env()
    Newsprism.open(settings.db).close()  # create or migrate once, before the first request
    story_search.encode_queries_aside()
    app = FastAPI(title="newsprism", description="Stories, sources and what they agree and disagree on.", version="0.1.0",
                  docs_url=None, redoc_url=None)
    app.add_middleware(SecurityHeaders)
    _offline_docs(app)
    _html_errors(app)

    idle: queue.SimpleQueue = queue.SimpleQueue()

    @contextmanager
    def opened() -> Iterator[Newsprism]:
        # Library objects (each a store connection) are pooled: opening one (pragmas, the migration check)
        # costs more than a story-list query. A request holds its object from start to end; FastAPI may run
        # a request's dependency and its handler on different threads, so the pool is per request.
        try:
            news = idle.get_nowait()
        except queue.Empty:
            news = Newsprism.open(settings.db)
        try:
            yield news
        finally:
            idle.put(news)

    # The two dependencies of every read are async: FastAPI runs sync ones on its thread pool, and three
    # thread hops per request cost more than a cached page (benchmarks/load_web.py).
    async def get_news():
        with opened() as news:
            yield news

    async def can_read(request: Request) -> None:
        if settings.read_token and not _same(_bearer(request) or request.query_params.get("token"), settings.read_token):
            raise HTTPException(401, "reading needs the read token")

    def can_write(request: Request, token: str | None = None) -> None:
        if not settings.write_token:
            raise HTTPException(403, "this server is read-only: the operator set no NEWSPRISM_TOKEN")
        if not _same(token or _bearer(request), settings.write_token):
            raise HTTPException(401, "writing needs the operator's token")

    read = [Depends(can_read)]
    from .web import pages

    # --- JSON API ------------------------------------------------------------------------------------

    @app.get("/api/articles", dependencies=read)
    def articles(source: str | None = None, lang: str | None = None, since: str | None = None, until: str | None = None,
                 q: str | None = None, limit: int = Query(50, ge=1, le=500), offset: int = Offset, news=Depends(get_news)):
        arts = news.articles(source=source, lang=lang, since=since, until=until, text=q, limit=limit, offset=offset)
        return {"items": [_brief(a) for a in arts], "limit": limit, "offset": offset}

    @app.get("/api/articles/{article_id}", dependencies=read)
    def article(article_id: str, news=Depends(get_news)):
        art = news.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        ex = news.extraction(art)
        return {**art.to_dict(), "story": news.story_of(art.id), "extraction": ex.to_dict() if ex else None}

    @app.get("/api/stories", dependencies=read)
    def stories(order: str = Query("recent", pattern="^(recent|size|first|added)$"), min_size: int = Query(1, ge=0, le=MAX_INT),
                lang: str | None = None, source: str | None = None, since: str | None = Query(None, pattern=DAY),
                until: str | None = Query(None, pattern=DAY), limit: int = Query(50, ge=1, le=500), offset: int = Offset,
                news=Depends(get_news)):
        return {"items": news.stories(limit=limit, offset=offset, min_size=min_size, order=order, lang=lang, source=source,
                                      since=since, until=until), "limit": limit, "offset": offset}

    @app.get("/api/stories/search", dependencies=read)
    def find_stories(q: str = Query(..., min_length=1), limit: int = Query(20, ge=1, le=100), news=Depends(get_news)):
        """Stories matching a query by its words and by its meaning (any language), best first."""
        return {"items": [{"story": g.story_id, "summary": g.summary, "score": round(g.score, 5), "hits": [
            {**_brief(h.article), "snippet": h.snippet, "matched_by": h.how, "similarity": h.similarity} for h in g.hits]}
            for g in news.find(q, limit)]}

    @app.get("/api/stories/{story_id}/view", dependencies=read)
    def story_view(story_id: int = StoryId, news=Depends(get_news)):
        """The reader's view of a story: headline, coverage, disputes (majority and outliers), updates,
        claims with one representative sentence each, single-source claims, quotes in passages."""
        found = news.story_view(story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        view = found[1]
        return {**dataclasses.asdict(view), "counts": view.counts}

    @app.get("/api/people/{name}", dependencies=read)
    def person(name: str, limit: int = Query(200, ge=1, le=1000), news=Depends(get_news)):
        canonical, spellings = news.spellings(name)
        return {"name": canonical, "spellings": spellings,
                "items": [{**_brief(a), "story": sid, "quotes": quotes} for a, quotes, sid in news.person(name, limit)]}

    @app.get("/api/stories/{story_id}", dependencies=read)
    def story(story_id: int = StoryId, news=Depends(get_news)):
        found = news.story(story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        sid, members = found
        return {"id": sid, "articles": [{**_brief(a), **m} for a, m in members]}

    @app.get("/api/stories/{story_id}/dossier", dependencies=read)
    def dossier(story_id: int = StoryId, format: str = Query("json", pattern="^(json|md|html)$"), news=Depends(get_news)):
        if format == "json":
            result = news.compare(story_id)
            if result is None:
                raise HTTPException(404, f"no story {story_id}")
            return result.to_dict()
        text = news.dossier(story_id, format)
        if text is None:
            raise HTTPException(404, f"no story {story_id}")
        return HTMLResponse(text) if format == "html" else PlainTextResponse(text, media_type="text/markdown")

    @app.get("/api/search", dependencies=read)
    def search(q: str, limit: int = Query(20, ge=1, le=200), news=Depends(get_news)):
        return {"items": [{**_brief(a), "snippet": snip} for a, snip in news.search(q, limit)]}

    worker = jobs.Worker(settings.db)
    with opened() as news:
        jobs.sweep_uploads(news.store, settings.db)  # files of uploads a killed server never queued
        if news.store.pending_jobs():  # jobs a stopped server or worker left behind
            worker.ensure()

    async def start_ingest(request: Request) -> str:
        """Receive an upload as it streams (limits enforced while reading, the token before any file),
        queue its ingest as a job, and make sure a job worker runs. Returns the job's id."""
        if not settings.write_token:
            raise HTTPException(403, "this server is read-only: the operator set no NEWSPRISM_TOKEN")
        job_id = uuid.uuid4().hex[:12]
        folder = jobs.uploads_dir(settings.db) / job_id
        try:
            upload = await receive(request, folder, settings.max_upload_bytes,
                                   lambda token: _same(token, settings.write_token), _same(_bearer(request), settings.write_token))
            url = upload.fields.get("url", "").strip()
            if url and not url.startswith(("http://", "https://")):
                raise UploadError(422, "only http(s) URLs can be ingested")
            if not upload.files and not url:
                raise UploadError(422, "send files (multipart 'files') or a feed/page 'url'")
        except UploadError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise HTTPException(exc.status, exc.detail) from None
        except BaseException:  # the client went away mid-body, or the server is stopping: keep no half upload
            shutil.rmtree(folder, ignore_errors=True)
            raise
        targets = [str(p) for p in upload.files] + ([url] if url else [])
        with opened() as news:
            jobs.submit_ingest(news.store, targets, settings.allow_private_urls, str(folder) if upload.files else None, job_id)
        await run_in_threadpool(worker.ensure)
        return job_id

    async def job_state(job_id: str, wait: float = 0.0) -> dict:
        """The job as stored; with ``wait``, polled (without holding a thread) until it ends or time is up."""
        deadline = asyncio.get_running_loop().time() + min(wait, 600.0)
        while True:
            with opened() as news:
                job = news.store.get_job(job_id)
            if job is None:
                raise HTTPException(404, f"no job {job_id}")
            if job["state"] in ("done", "failed") or asyncio.get_running_loop().time() >= deadline:
                if job["state"] not in ("done", "failed"):
                    # a worker that died (or a server restarted) leaves the job waiting: start one to take it
                    await run_in_threadpool(worker.ensure)
                return _job_view(job)
            await asyncio.sleep(0.2)

    @app.post("/api/ingest", status_code=202)
    async def ingest(request: Request, wait: float = Query(0.0, ge=0, le=600)):
        """Upload files (multipart 'files') or name a feed/page ('url'): ingest and clustering run as a
        background job. Answers at once with the job (status at /api/jobs/ID), or, with ``wait``, when
        the job has ended or ``wait`` seconds have passed."""
        job_id = await start_ingest(request)
        return await job_state(job_id, wait)

    @app.get("/api/jobs/{job_id}", dependencies=read)
    async def job(job_id: str, wait: float = Query(0.0, ge=0, le=600)):
        return await job_state(job_id, wait)

    @app.exception_handler(pipeline.NotFound)
    def not_found(request: Request, exc: pipeline.NotFound):
        if _wants_html(request):
            return HTMLResponse(pages.error_page(404, str(exc)), status_code=404)
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(pipeline.BadRequest)
    def bad_request(request: Request, exc: pipeline.BadRequest):
        if _wants_html(request):
            return HTMLResponse(pages.error_page(422, str(exc)), status_code=422)
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.post("/api/stories/merge")
    def merge(body: MergeBody, request: Request, news=Depends(get_news)):
        can_write(request)
        return {"story": news.merge(body.target, body.others)}

    @app.post("/api/stories/split")
    def split(body: SplitBody, request: Request, news=Depends(get_news)):
        can_write(request)
        return {"story": news.split(body.article_ids)}

    @app.post("/api/stories/move")
    def move(body: MoveBody, request: Request, news=Depends(get_news)):
        can_write(request)
        return {"story": news.move(body.article_ids, body.story_id)}

    @app.post("/api/undo")
    def undo(request: Request, news=Depends(get_news)):
        """Undo the latest correction (merge, move, split): the stories it touched."""
        can_write(request)
        touched = news.undo()
        if touched is None:
            raise HTTPException(409, "there is no correction to undo")
        return {"stories": touched}

    @app.patch("/api/articles/{article_id}/outlet")
    def name_outlet(article_id: str, body: OutletBody, request: Request, news=Depends(get_news)):
        can_write(request)
        return {"article": article_id, "source": news.name_outlet(article_id, body.name)}

    # --- live sources, watchlists, alerts, and the events an open page listens to -----------------------

    def _public(source: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in source.items() if k != "seen"}  # the read entries' fingerprints: internal

    @app.get("/api/sources", dependencies=read)
    def list_sources(news=Depends(get_news)):
        return {"items": [_public(s) for s in news.sources()]}

    @app.post("/api/sources")
    def add_sources(body: SourcesBody, request: Request, news=Depends(get_news)):
        can_write(request)
        added, failed = [], []
        for url in body.urls:
            try:
                added += news.add_sources(url, interval_s=body.interval_s, name=body.name, lang=body.lang,
                                          options=WatchOptions(allow_private=settings.allow_private_urls))
            except InputError as exc:
                failed.append(str(exc))
        return {"added": [dict(_public(s), new=new) for s, new in added], "failed": failed}

    @app.patch("/api/sources/{ref}")
    def set_source(ref: str, body: SourceSettings, request: Request, news=Depends(get_news)):
        can_write(request)
        found = news.set_source(ref, **body.model_dump(exclude_none=True))
        if found is None:
            raise HTTPException(404, f"no source {ref}")
        return _public(found)

    @app.delete("/api/sources/{ref}")
    def remove_source(ref: str, request: Request, news=Depends(get_news)):
        can_write(request)
        if not news.remove_source(ref):
            raise HTTPException(404, f"no source {ref}")
        return {"removed": ref}

    @app.get("/api/sources/opml", dependencies=read)
    def export_opml(news=Depends(get_news)):
        return Response(news.export_opml(), media_type="text/x-opml; charset=utf-8")

    @app.post("/api/sources/opml")
    async def import_opml(request: Request):
        can_write(request)
        data = await request.body()
        with opened() as news:
            try:
                added = news.import_opml(data, "the uploaded OPML")
            except InputError as exc:
                raise HTTPException(422, str(exc)) from None
        return {"added": [dict(_public(s), new=new) for s, new in added]}

    @app.get("/api/watchlists", dependencies=read)
    def list_watchlists(news=Depends(get_news)):
        return {"items": [dict(w, secret=bool(w["secret"])) for w in news.watchlists()]}

    @app.post("/api/watchlists")
    def add_watchlist(body: WatchlistBody, request: Request, news=Depends(get_news)):
        can_write(request)
        try:
            wid = news.add_watchlist(body.name, body.kind, body.target, body.events, body.webhook, body.secret)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"id": wid}

    @app.delete("/api/watchlists/{watchlist_id}")
    def remove_watchlist(request: Request, watchlist_id: int = PathParam(ge=0, le=MAX_INT), news=Depends(get_news)):
        can_write(request)
        if not news.remove_watchlist(watchlist_id):
            raise HTTPException(404, f"no watchlist {watchlist_id}")
        return {"removed": watchlist_id}

    @app.get("/api/watchlists/{watchlist_id}/atom", dependencies=read)
    def watchlist_atom(request: Request, watchlist_id: int = PathParam(ge=0, le=MAX_INT), news=Depends(get_news)):
        feed = news.alerts_atom(watchlist_id, str(request.base_url))
        if feed is None:
            raise HTTPException(404, f"no watchlist {watchlist_id}")
        return Response(feed, media_type="application/atom+xml; charset=utf-8")

    @app.get("/api/alerts", dependencies=read)
    def list_alerts(watchlist: int | None = Query(None, ge=0, le=MAX_INT), unseen: bool = False,
                    limit: int = Query(100, ge=1, le=1000), news=Depends(get_news)):
        return {"items": news.alerts(watchlist, limit, unseen)}

    @app.post("/api/alerts/seen")
    def alerts_seen(request: Request, watchlist: int | None = Query(None, ge=0, le=MAX_INT), news=Depends(get_news)):
        can_write(request)
        news.mark_alerts_seen(watchlist)
        return {"seen": True}

    @app.get("/api/events", dependencies=read)
    async def events(request: Request, story: int | None = Query(None, ge=0, le=MAX_INT),
                     every: float = Query(2.0, ge=0.2, le=60)):
        """Server-sent events: the store's counts (articles, stories, unseen alerts; a story's size with
        ``story``) each time they change, checked every ``every`` seconds; a comment line keeps it open."""
        async def stream():
            last, quiet = None, 0.0
            while not await request.is_disconnected():
                with opened() as news:
                    state = await run_in_threadpool(news.live_state, story)
                if state != last:
                    last, quiet = state, 0.0
                    yield f"data: {json.dumps(state)}\n\n"
                elif quiet >= 15:
                    quiet = 0.0
                    yield ": still here\n\n"
                await asyncio.sleep(every)
                quiet += every

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/static/live.js", include_in_schema=False)
    def live_js():
        return Response(LIVE_JS, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "max-age=300"})

    @app.get("/static/app.css", include_in_schema=False)
    def app_css():
        return Response(APP_CSS, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=300"})

    # --- web UI (server-rendered; every text escaped) ----------------------------------------------

    # The two pages read most answer on the event loop when they can (a story list is a few indexed rows,
    # a story page rendered already is a lookup); computing a dossier goes to the thread pool.
    options_cache: dict[str, Any] = {}

    def list_options(news) -> dict[str, list[str]]:
        """The languages and outlets to filter by (the store's most frequent), read once a minute."""
        now = time.monotonic()
        if options_cache.get("at", -1e9) + 60 < now:
            st = news.stats()
            options_cache.update(at=now, value={"languages": sorted(k for k in st["languages"] if k != "(none)"),
                                                "sources": sorted(k for k in st["top_sources"] if k != "(none)")})
        return options_cache["value"]

    @app.get("/", response_class=HTMLResponse, dependencies=read)
    async def ui_stories(order: str = Query("recent", pattern="^(recent|size|first|added)$"), lang: str = "", source: str = "",
                         since: str = Query("", pattern=f"^$|{DAY[1:]}"), until: str = Query("", pattern=f"^$|{DAY[1:]}"),
                         offset: int = Offset, news=Depends(get_news)):
        rows = news.stories(limit=50, offset=offset, order=order, lang=lang or None, source=source or None,
                            since=since or None, until=until or None)
        params = {"order": order, "lang": lang, "source": source, "since": since, "until": until, "offset": offset}
        return pages.story_list(rows, params, await run_in_threadpool(list_options, news), writable=bool(settings.write_token))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, dependencies=read)
    async def ui_story(story_id: int = StoryId, edited: str = "", news=Depends(get_news)):
        writable = bool(settings.write_token)
        sid, html = pages.rendered_story_page(news.store, story_id, writable)
        if sid is None:
            raise HTTPException(404, f"no story {story_id}")
        if html is None:
            html = await run_in_threadpool(pages.story_page_for, news.store, sid, writable)
        if edited and writable:
            html = pages.with_notice(html, pages.edited_notice(edited))
        return html

    @app.get("/stories/{story_id}/compare", response_class=HTMLResponse, dependencies=read)
    def ui_compare(story_id: int = StoryId, a: str = Query(...), b: str = Query(...), news=Depends(get_news)):
        html = pages.compare_page(news.store, story_id, a, b)
        if html is None:
            raise HTTPException(404, f"story {story_id} has no reports {a} and {b}")
        return html

    @app.get("/articles/{article_id}", response_class=HTMLResponse, dependencies=read)
    def ui_article(article_id: str, span: str = Query("", pattern=r"^$|^\d{1,9}-\d{1,9}$"),
                   field: str = Query("text", pattern="^(text|title)$"), news=Depends(get_news)):
        art = news.article(article_id)
        if art is None:
            raise HTTPException(404, f"no article {article_id}")
        target = (*map(int, span.split("-")), field) if span else None
        return pages.article_page(art, news.extraction(art, extract_if_stale=True), news.story_of(art.id), target,
                                  writable=bool(settings.write_token))

    @app.get("/search", response_class=HTMLResponse, dependencies=read)
    def ui_search(q: str = "", news=Depends(get_news)):
        return pages.search_page(q, news.find(q, 30) if q.strip() else [])

    @app.get("/people/{name}", response_class=HTMLResponse, dependencies=read)
    def ui_person(name: str, news=Depends(get_news)):
        return pages.person_page(name, news.person(name), *news.spellings(name))

    def story_title(news, sid: int) -> str:
        found = news.store.list_stories(limit=1, min_size=0, ids=[sid])
        return f"story {sid} “{found[0]['title']}” ({found[0]['size']} reports)" if found else f"story {sid}"

    @app.post("/ui/merge")
    def ui_merge(request: Request, target: int = Form(..., ge=0, le=MAX_INT), others: str = Form(...), token: str = Form(""),
                 confirm: str = Form("")):
        can_write(request, token)
        words = others.replace(",", " ").split()
        if not words or not all(x.isdigit() and int(x) <= MAX_INT for x in words):
            raise HTTPException(422, f"stories to merge are numbers; got {others!r}")
        ids = [int(x) for x in words]
        with opened() as news:
            if confirm != "1":
                question = (f"Merge {', '.join(e(story_title(news, i)) for i in ids)} into {e(story_title(news, target))}? "
                            "Their articles join it; you can undo this afterwards.")
                return HTMLResponse(pages.confirm_page("Merge stories?", question, "/ui/merge",
                                                       {"target": str(target), "others": " ".join(words), "token": token},
                                                       f"/stories/{target}"))
            news.merge(target, ids)
            # The editor sees the result of the edit, not the page of the story before it (other readers
            # may get that while a grown story's new page is made).
            pages.story_page_for(news.store, target, bool(settings.write_token))
        return RedirectResponse(f"/stories/{target}?edited=merge", status_code=303)

    @app.post("/ui/move")
    def ui_move(request: Request, article_id: str = Form(...), story_id: str = Form(""), token: str = Form(""),
                confirm: str = Form("")):
        can_write(request, token)
        if story_id.strip() and not (story_id.strip().isdigit() and int(story_id) <= MAX_INT):
            raise HTTPException(422, f"no story {story_id!r}: a story is a number")
        with opened() as news:
            art = news.article(article_id)
            if art is None:
                raise HTTPException(404, f"no article {article_id}")
            if confirm != "1":
                where = e(story_title(news, int(story_id))) if story_id.strip() else "a new story of its own"
                question = f"Move “{e(art.title or art.id)}” ({e(art.source or '?')}) to {where}? You can undo this afterwards."
                home = news.story_of(art.id)
                back = f"/stories/{home}" if home is not None else "/"
                return HTMLResponse(pages.confirm_page("Move the article?", question, "/ui/move",
                                                       {"article_id": article_id, "story_id": story_id, "token": token}, back))
            target = news.move([article_id], int(story_id)) if story_id.strip() else news.split([article_id])
            pages.story_page_for(news.store, target, bool(settings.write_token))
        return RedirectResponse(f"/stories/{target}?edited=move", status_code=303)

    @app.post("/ui/undo")
    def ui_undo(request: Request, token: str = Form("")):
        can_write(request, token)
        with opened() as news:
            touched = news.undo()
        if touched is None:
            raise HTTPException(409, "there is no correction to undo")
        return RedirectResponse(f"/stories/{touched[0]}?edited=undo" if touched else "/", status_code=303)

    @app.post("/ui/articles/{article_id}/outlet")
    def ui_name_outlet(request: Request, article_id: str, name: str = Form(...), token: str = Form("")):
        can_write(request, token)
        with opened() as news:
            news.name_outlet(article_id, name)
        return RedirectResponse(f"/articles/{quote(article_id)}", status_code=303)

    @app.get("/sources", response_class=HTMLResponse, dependencies=read)
    def ui_sources(news=Depends(get_news)):
        return pages.sources_page(news.sources(), writable=bool(settings.write_token))

    @app.post("/ui/sources")
    def ui_follow(request: Request, url: str = Form(...), token: str = Form("")):
        can_write(request, token)
        with opened() as news:
            try:
                news.add_sources(url.strip(), options=WatchOptions(allow_private=settings.allow_private_urls))
            except InputError as exc:
                raise HTTPException(422, str(exc)) from None
        return RedirectResponse("/sources", status_code=303)

    @app.post("/ui/sources/{source_id}/{action}")
    def ui_source_action(request: Request, source_id: int = PathParam(ge=0, le=MAX_INT),
                         action: str = PathParam(pattern="^(enable|disable|remove)$"),
                         token: str = Form("")):
        can_write(request, token)
        with opened() as news:
            done = news.remove_source(source_id) if action == "remove" else news.set_source(source_id, enabled=action == "enable")
        if not done:
            raise HTTPException(404, f"no source {source_id}")
        return RedirectResponse("/sources", status_code=303)

    @app.get("/alerts", response_class=HTMLResponse, dependencies=read)
    def ui_alerts(news=Depends(get_news)):
        return pages.alerts_page(news.alerts(limit=200), news.watchlists(), writable=bool(settings.write_token))

    @app.post("/ui/alerts/seen")
    def ui_alerts_seen(request: Request, token: str = Form("")):
        can_write(request, token)
        with opened() as news:
            news.mark_alerts_seen()
        return RedirectResponse("/alerts", status_code=303)

    @app.post("/ui/ingest")
    async def ui_ingest(request: Request):
        job_id = await start_ingest(request)
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, dependencies=read)
    async def ui_job(job_id: str):
        return pages.job_page(await job_state(job_id))

    return app


def _offline_docs(app: FastAPI) -> None:
    """The OpenAPI page with Swagger UI's files from the swagger-ui-py package: it works offline. (Only the
    package's files are used; importing it would load its web-framework adapters.)"""
    import importlib.util

    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is a dependency of newsprism"
    app.mount("/static/swagger", StaticFiles(directory=str(Path(spec.submodule_search_locations[0]) / "static")), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="newsprism API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")


def _wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script): it gets an error page, the API its JSON."""
    path = request.url.path
    return not path.startswith(("/api/", "/openapi", "/static/")) and "text/html" in request.headers.get("accept", "")


def _html_errors(app: FastAPI) -> None:
    from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from .web.pages import error_page

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if _wants_html(request):
            return HTMLResponse(error_page(exc.status_code, str(exc.detail)), status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if _wants_html(request):
            problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'][1:]) or 'request'}: {err['msg']}" for err in exc.errors())
            return HTMLResponse(error_page(422, problems), status_code=422)
        return await request_validation_exception_handler(request, exc)


def _same(given: str | None, expected: str) -> bool:
    return bool(given) and secrets.compare_digest(given.encode(), expected.encode())


def _job_view(job: dict) -> dict:
    view = {k: job[k] for k in ("id", "kind", "state", "progress", "result", "error", "attempts", "owner", "created_at",
                                "started_at", "finished_at")}
    view["status_url"] = f"/api/jobs/{job['id']}"
    # what the synchronous answer held, for callers that waited: the stage reports at the top level
    if job["result"]:
        view.update(job["result"])
    return view


def _brief(a) -> dict[str, Any]:
    return {"id": a.id, "title": a.title or a.text[:100], "source": a.source, "lang": a.lang, "published": a.published}


def settings_app() -> FastAPI:
    """The app factory each ``serve --workers N`` process calls."""
    return create_app(settings_from_env())
