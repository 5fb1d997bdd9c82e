"""HTML pages of the web UI. Plain functions from data to markup; all text goes through ``html.escape``
(an article containing ``<script>`` shows as text)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from html import escape as e
from typing import Any
from urllib.parse import quote

from .. import pipeline
from ..compare.dossier import CSS, html_body
from ..model import Article, Extraction

NAV = ("<nav style='margin-bottom:1em'><a href='/'>stories</a> · <a href='/?order=size'>biggest</a> · "
       "<a href='/sources'>sources</a> · <a href='/alerts'>alerts<span id=alerts-badge></span></a> · "
       "<form action='/search' style='display:inline'><input name=q placeholder='search (Chinese too)' aria-label=search> "
       "<button>search</button></form></nav>")
EXTRA_CSS = """mark.quote{background:#d7f0d7}mark.time{background:#d6ecf7}mark.garbled{background:#c62828;color:#fff}
mark.figure{background:#fff0b3}mark.person{background:#f1e0f7}mark.organisation{background:#e0e8f7}
mark.place{background:#e0f4f1}mark.other{background:#eee}.text{white-space:pre-wrap;line-height:1.6}
form.edit{margin:.4em 0}input{font:inherit}"""


def page(title: str, body: str, live: bool = False, story: int | None = None, size: int | None = None) -> str:
    """A whole page. ``live``: static/live.js keeps it current (new articles noted and swapped in);
    every page gets the alerts badge."""
    attrs = " data-live=1" if live else ""
    if story is not None:
        attrs += f" data-story={int(story)} data-size={int(size or 0)}"
    return (f"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            f"<title>{e(title)} · newsprism</title><style>{CSS}{EXTRA_CSS}</style>"
            f"<script src='/static/live.js' defer></script><body>{NAV}<main id=content{attrs}>{body}</main></body></html>")


def story_list(rows: list[dict[str, Any]], order: str, offset: int, writable: bool) -> str:
    head = "biggest first" if order == "size" else "newest first"
    out = [f"<h1>Stories <small>({head})</small></h1><table id=stories><tr><th>story</th><th>size</th><th>dates</th>"
           "<th>languages</th><th>sources</th><th>title</th></tr>"]
    for r in rows:
        dates = f"{(r['first_published'] or '-')[:10]} … {(r['last_published'] or '-')[:10]}"
        out.append(f"<tr><td><a href='/stories/{r['id']}'>{r['id']}</a></td><td>{r['size']}</td><td>{e(dates)}</td>"
                   f"<td>{e(', '.join(r['languages']))}</td><td>{e(', '.join(r['sources'])[:60])}</td>"
                   f"<td><a href='/stories/{r['id']}'>{e(r['title'][:110])}</a></td></tr>")
    out.append("</table>")
    nxt = f"/?order={order}&offset={offset + 50}"
    out.append(f"<p><a href='{nxt}'>more</a></p>" if len(rows) == 50 else "")
    if writable:
        # The token comes before the files: the server checks it before it reads a byte of any file.
        out.append("<h2>Add articles</h2><form class=edit method=post action='/ui/ingest' enctype='multipart/form-data'>"
                   "<input name=token type=password placeholder='token' aria-label=token> "
                   "<input type=file name=files multiple aria-label='files'> <button>ingest</button></form>")
    return page("Stories", "".join(out), live=True)


def story_page(comparison, writable: bool) -> str:
    body = html_body(comparison, article_link="/articles/{id}")
    if writable:
        sid = comparison.story_id
        body += (f"<h2>Correct this story</h2>"
                 f"<form class=edit method=post action='/ui/merge'><input type=hidden name=target value={sid}>"
                 f"merge stories <input name=others placeholder='e.g. 7 12' aria-label='stories to merge'> into this one "
                 f"<input name=token type=password placeholder=token aria-label=token> <button>merge</button></form>"
                 f"<form class=edit method=post action='/ui/move'>move article <input name=article_id placeholder='article id' "
                 f"aria-label='article id'> to story <input name=story_id placeholder='(empty: a new story)' aria-label='target story'> "
                 f"<input name=token type=password placeholder=token aria-label=token> <button>move</button></form>")
    return page(f"Story {comparison.story_id}", body, live=True, story=comparison.story_id, size=len(comparison.articles))


_PAGES: OrderedDict[tuple, str] = OrderedDict()  # rendered story pages, most recently used last
_LATEST: dict[tuple, tuple] = {}  # (store, story, writable) -> the key of its newest rendered page
_REFRESHING: set[tuple] = set()  # stories whose new page is being rendered in the background
_PAGES_LOCK = threading.Lock()
_PAGES_MAX = 256

UPDATING = ("<p class=updating role=status>This story has new articles since this dossier was made; the new "
            "dossier is being computed. Reload in a few seconds.</p>")


def _cached_page(store, story_id: int, writable: bool) -> tuple[int | None, tuple | None, str | None]:
    """(the story's id after merges, its page's cache key, the page if rendered for this key already)."""
    sid = store.resolve_story(story_id)
    if sid is None:
        return None, None, None
    key = (store.path, sid, pipeline.dossier_key(store, sid), writable)
    with _PAGES_LOCK:
        if key in _PAGES:
            _PAGES.move_to_end(key)
            return sid, key, _PAGES[key]
    return sid, key, None


def _older_page(key: tuple) -> str | None:
    """The page rendered for an earlier version of this story's dossier, if it is still kept."""
    path, sid, _, writable = key
    with _PAGES_LOCK:
        return _PAGES.get(_LATEST.get((path, sid, writable), ()))


def rendered_story_page(store, story_id: int, writable: bool) -> tuple[int | None, str | None]:
    """(the story's id after merges, its page if rendered for the current dossier already, else the
    page of its previous dossier while the new one is computed in the background): a few indexed reads,
    so the server answers it without leaving its event loop. (None, None): no such story."""
    sid, key, html = _cached_page(store, story_id, writable)
    if sid is None or html is not None:
        return sid, html
    older = _older_page(key)
    if older is None:
        return sid, None
    _refresh_in_background(store.location, sid, writable, key)
    return sid, older.replace("<h1", UPDATING + "<h1", 1)


def _refresh_in_background(path: str, sid: int, writable: bool, key: tuple) -> None:
    """A story that grew (a live ingest job) is read on: readers keep the old page for the moment it
    takes to compute the new one, once, on a thread with a store connection of its own."""
    with _PAGES_LOCK:
        if key in _REFRESHING:
            return
        _REFRESHING.add(key)

    def run() -> None:
        from ..store import open_store

        store = open_store(path)
        try:
            story_page_for(store, sid, writable)
        finally:
            store.close()
            with _PAGES_LOCK:
                _REFRESHING.discard(key)

    threading.Thread(target=run, name=f"dossier-{sid}", daemon=True).start()


def story_page_for(store, story_id: int, writable: bool) -> str | None:
    """A story's page, rendered once per dossier: kept (least recently used out) under the dossier's
    key, so any change to the story's members or the models renders it anew. None: no such story."""
    sid, key, html = _cached_page(store, story_id, writable)
    if sid is None or html is not None:
        return html
    result = pipeline.compare(store, sid)
    if result is None:
        return None
    html = story_page(result, writable)
    with _PAGES_LOCK:
        _PAGES[key] = html
        _LATEST[(key[0], key[1], key[3])] = key
        while len(_PAGES) > _PAGES_MAX:
            _PAGES.popitem(last=False)
        if len(_LATEST) > 4 * _PAGES_MAX:  # forget stories whose pages are gone
            for story, latest in list(_LATEST.items()):
                if latest not in _PAGES:
                    del _LATEST[story]
    return html


def highlighted(text: str, ex: Extraction | None) -> str:
    """The text with extracted spans wrapped in <mark>; outer spans win where they overlap."""
    if ex is None:
        return e(text)
    marks: list[tuple[int, int, str, str]] = []
    for q in ex.quotes:
        marks.append((q.content.start, q.content.end, "quote", f"{q.speaker or '?'} ({q.cue})"))
    for t in ex.times:
        marks.append((t.span.start, t.span.end, "garbled" if "garbled" in t.flags else "time",
                      "cannot be right as printed" if "garbled" in t.flags else (t.value or "")))
    for n in ex.quantities:
        if n.span.field != "text":
            continue  # a headline's figure: the page shows the title apart
        marks.append((n.span.start, n.span.end, "figure", f"{n.kind} {n.value:g} {n.role or n.unit or ''}"))
    for en in ex.entities:
        marks.append((en.span.start, en.span.end, en.kind, en.canonical))
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    events: list[tuple[int, int, str]] = []  # accepted marks: nested or disjoint, outer first
    for s, end, cls, title in marks:
        if end <= s or any(a < s < b < end or s < a < end < b for a, b, _ in events):
            continue  # would cross a mark already placed: HTML cannot nest it
        events.append((s, end, f"<mark class={cls} title='{e(title)}'>"))
    out, pos, stack = [], 0, []
    for s, end, tag in events:
        while stack and stack[-1] <= s:
            out.append(e(text[pos : stack[-1]]) + "</mark>")
            pos = stack.pop()
        out.append(e(text[pos:s]) + tag)
        pos = s
        stack.append(end)
    while stack:
        out.append(e(text[pos : stack[-1]]) + "</mark>")
        pos = stack.pop()
    out.append(e(text[pos:]))
    return "".join(out)


def article_page(art: Article, ex: Extraction | None, story: int | None) -> str:
    meta = (f"<p>{e(art.source or '-')} · {e(art.lang or '-')} · {e((art.published or '-')[:10])} "
            f"({e(art.date_provenance)}) · id {e(art.id)}"
            + (f" · <a href='/stories/{story}'>story {story}</a>" if story else "") + "</p>")
    legend = ("<p>" + " ".join(f"<mark class={c}>{c}</mark>" for c in
                               ("quote", "time", "garbled", "figure", "person", "organisation", "place")) + "</p>")
    body = f"<h1>{e(art.title or art.text[:90])}</h1>{meta}{legend}<div class=text>{highlighted(art.text, ex)}</div>"
    if ex and ex.quotes:
        body += "<h2>Quotes</h2><table><tr><th>speaker</th><th>cue</th><th></th><th>content</th></tr>" + "".join(
            f"<tr><td>{e(q.speaker or '?')}</td><td>{e(q.cue)}</td><td>{'direct' if q.direct else 'indirect'}</td>"
            f"<td>{e(q.content_text)}</td></tr>" for q in ex.quotes) + "</table>"
    if ex and ex.times:
        body += "<h2>Dates</h2><table><tr><th>text</th><th>value</th><th>flags</th></tr>" + "".join(
            f"<tr><td>{e(t.text)}</td><td>{e(t.value or '?')}</td><td>{e(', '.join(t.flags))}</td></tr>" for t in ex.times) + "</table>"
    return page(art.title or art.id, body)


def search_page(q: str, hits: list) -> str:
    rows = "".join(f"<li><a href='/articles/{quote(a.id)}'>{e(a.title or a.text[:80])}</a> "
                   f"<small>{e(a.source or '-')} · {e((a.published or '-')[:10])}</small><br><small>{e(snip)}</small></li>"
                   for a, snip in hits)
    return page(f"search {q}", f"<h1>Search: {e(q)}</h1><p>{len(hits)} hit(s)</p><ul id=hits>{rows}</ul>")


def job_page(job: dict) -> str:
    """An upload's job: its progress while it runs (the page reloads itself each second), then what it did."""
    p = job.get("progress") or {}
    if job["state"] in ("queued", "running"):
        stage = "waiting for the worker" if job["state"] == "queued" else f"{p.get('stage', 'ingest')}ing"
        body = (f"<h1>Ingesting…</h1><p id=job-state>{e(stage)}: read {p.get('read', 0)} · rejected {p.get('rejected', 0)}"
                f" · clustered {p.get('clustered', 0)} of {p.get('to_cluster', 0) or '?'}</p>")
        return page("Ingesting", body).replace("<title>", "<meta http-equiv=refresh content=1><title>", 1)
    if job["state"] == "failed":
        return page("Ingest failed", f"<h1>Ingest failed</h1><p>{e(job.get('error') or '')}</p><p><a href='/'>back to the stories</a></p>")
    i, c = job["ingest"], job["cluster"]
    body = (f"<h1>Ingested</h1><p>read {i['read']} · new {i['new']} · rejected {i['rejected']} · "
            f"{c['articles']} clustered ({c['new_stories']} new stories)</p>"
            + "".join(f"<p>{e(r)}</p>" for r in i["rejections"]) + "<p><a href='/'>back to the stories</a></p>")
    return page("Ingested", body)


def _when(moment: float | None) -> str:
    return "-" if moment is None else time.strftime("%Y-%m-%d %H:%M", time.gmtime(moment))


def sources_page(rows: list[dict[str, Any]], writable: bool) -> str:
    """The sources followed, each with its state (the last poll, the last new article, its error)."""
    out = [f"<h1>Sources <small>({len(rows)})</small></h1><table id=sources><tr><th>id</th><th>kind</th><th>source</th>"
           "<th>state</th><th>polled</th><th>last new</th><th>articles</th><th>next poll</th>"
           + ("<th></th>" if writable else "") + "</tr>"]
    for r in rows:
        state = "off" if not r["enabled"] else (r["last_status"] or "new")
        if r["errors"]:
            state = f"<span class=error>error ×{r['errors']}: {e(r['last_error'] or '')}</span>"
        edit = ""
        if writable:  # each action a form of its own, the token with it (never a cookie)
            edit = "<td>" + "".join(
                f"<form class=edit method=post action='/ui/sources/{r['id']}/{action}' style='display:inline'>"
                f"<input name=token type=password placeholder=token aria-label=token size=8> <button>{label}</button></form> "
                for action, label in ((("disable", "disable") if r["enabled"] else ("enable", "enable")), ("remove", "remove"))) + "</td>"
        out.append(f"<tr><td>{r['id']}</td><td>{e(r['kind'])}</td><td>{e(r['name'] or '')} <small>{e(r['url'])}</small></td>"
                   f"<td>{state}</td><td>{_when(r['last_poll'])}</td><td>{_when(r['last_new'])}</td><td>{r['articles']}</td>"
                   f"<td>{_when(r['next_poll']) if r['enabled'] else '-'}</td>{edit}</tr>")
    out.append("</table><p><a href='/api/sources/opml'>OPML</a> (for a feed reader, or `newsprism sources import`)</p>")
    if writable:
        out.append("<h2>Follow</h2><form class=edit method=post action='/ui/sources'>"
                   "<input name=url placeholder='a feed, a sitemap, or a site' aria-label='source URL' size=50> "
                   "<input name=token type=password placeholder=token aria-label=token> <button>follow</button></form>")
    return page("Sources", "".join(out))


def alerts_page(alerts: list[dict[str, Any]], watchlists: list[dict[str, Any]], writable: bool) -> str:
    """The alerts, newest first (unseen in bold), and the watchlists with their Atom feeds."""
    names = {w["id"]: w["name"] for w in watchlists}
    out = ["<h1>Alerts</h1><ul id=alerts>"]
    for a in alerts:
        link = f"/stories/{a['story_id']}" if a["story_id"] is not None else f"/articles/{quote(a['article_id'] or '')}"
        text = f"<a href='{link}'>{e(a['title'])}</a>"
        out.append(f"<li>{'<b>' + text + '</b>' if not a['seen'] else text} <small>{e(a['at'][:16])} · "
                   f"{e(names.get(a['watchlist_id'], '?'))}</small></li>")
    out.append("</ul>" + ("" if alerts else "<p>No alerts yet.</p>"))
    out.append("<h2>Watchlists</h2><table id=watchlists><tr><th>id</th><th>name</th><th>watches</th><th>feed</th></tr>")
    for w in watchlists:
        watches = f"{w['kind']}: {w['target']}" + (f" ({w['events']})" if w["events"] else "")
        out.append(f"<tr><td>{w['id']}</td><td>{e(w['name'])}</td><td>{e(watches)}</td>"
                   f"<td><a href='/api/watchlists/{w['id']}/atom'>Atom</a></td></tr>")
    out.append("</table>")
    if writable:
        out.append("<form class=edit method=post action='/ui/alerts/seen'><input name=token type=password placeholder=token "
                   "aria-label=token> <button>mark all seen</button></form>")
    return page("Alerts", "".join(out))
