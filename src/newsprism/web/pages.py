"""HTML pages of the web UI. Plain functions from data to markup; all text goes through ``html.escape``
(an article containing ``<script>`` shows as text)."""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from html import escape as e
from typing import Any
from urllib.parse import quote, urlencode

from .. import pipeline
from ..model import Article, Extraction
from ..search import terms
from .story import person_link, side_by_side, span_link, story_page_body

ORDERS = {"recent": "latest report", "size": "most reports", "first": "newest first report", "added": "newest story"}


def page(title: str, body: str, live: bool = False, story: int | None = None, size: int | None = None,
         query: str = "") -> str:
    """A whole page: a skip link, the site header (sections and search) and the content as the main
    landmark. ``live``: static/live.js keeps it current (new articles noted and swapped in); every page
    gets the alerts badge. The interface is English (``lang=en``); article text carries its own ``lang``."""
    attrs = " data-live=1" if live else ""
    if story is not None:
        attrs += f" data-story={int(story)} data-size={int(size or 0)}"
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'><title>{e(title)} · newsprism</title>"
            f"<link rel=stylesheet href='/static/app.css'><script src='/static/live.js' defer></script></head><body>"
            f"<a class=skip href='#content'>Skip to content</a><header class=site><a class=brand href='/'>newsprism</a>"
            f"<nav aria-label=Sections><ul><li><a href='/'>Stories</a></li><li><a href='/sources'>Sources</a></li>"
            f"<li><a href='/alerts'>Alerts<span id=alerts-badge></span></a></li><li><a href='/docs'>API</a></li></ul></nav>"
            f"<form role=search action='/search'><label class=sr for=q>Search stories in any language</label>"
            f"<input id=q name=q type=search value='{e(query)}' placeholder='Search stories, any language'>"
            f"<button>Search</button></form></header><main id=content tabindex=-1{attrs}>{body}</main></body></html>")


def error_page(status: int, message: str) -> str:
    """An error as a page a reader can act on (the API keeps its JSON)."""
    title = {400: "Bad request", 401: "Token needed", 403: "Read-only", 404: "Not found", 413: "Too large",
             422: "Cannot do that"}.get(status, "Something went wrong")
    hint = {401: "This action needs the operator's token: type it in the form's token field.",
            403: "The operator has not enabled changes on this server.",
            404: "It may have been merged into another story or never existed."}.get(status, "")
    return page(title, f"<h1>{e(title)}</h1><p class=error>{e(message)}</p>"
                       + (f"<p>{e(hint)}</p>" if hint else "") + "<p><a href='/'>Back to the stories</a> · "
                       "<a href='/search'>Search</a></p>")


def _story_item(r: dict[str, Any]) -> str:
    dates = (r["first_published"] or "")[:10]
    if (r["last_published"] or "")[:10] not in ("", dates):
        dates += f" – {r['last_published'][:10]}"
    outlets = r["sources"]
    shown = ", ".join(outlets[:4]) + (f" and {len(outlets) - 4} more" if len(outlets) > 4 else "")
    return (f"<li><h2><a href='/stories/{r['id']}'>{e(r['title'])}</a></h2>"
            f"<p class=hint>{r['size']} report{'s' if r['size'] != 1 else ''} · {len(outlets)} outlet{'s' if len(outlets) != 1 else ''}"
            f" · {e(', '.join(x.upper() for x in r['languages']) or '?')}{' · ' + e(dates) if dates else ''}</p>"
            f"<p class=hint>{e(shown)}</p></li>")


def story_list(rows: list[dict[str, Any]], params: dict[str, Any], options: dict[str, list[str]], writable: bool,
               per_page: int = 50) -> str:
    """The stories, filtered and sorted as asked, with pages forward and back."""
    def select(name: str, label: str, values: list[tuple[str, str]]) -> str:
        opts = "".join(f"<option value='{e(v)}'{' selected' if params.get(name) == v else ''}>{e(t)}</option>" for v, t in values)
        return f"<div><label for=f-{name}>{label}</label><select id=f-{name} name={name}>{opts}</select></div>"

    def date(name: str, label: str) -> str:
        return f"<div><label for=f-{name}>{label}</label><input id=f-{name} type=date name={name} value='{e(params.get(name) or '')}'></div>"

    filters = ("<form class=filters aria-label='Filter and sort the stories'>"
               + select("order", "Sort by", list(ORDERS.items()))
               + select("lang", "Language", [("", "any")] + [(x, x.upper()) for x in options["languages"]])
               + select("source", "Outlet", [("", "any")] + [(x, x) for x in options["sources"]])
               + date("since", "Reported from") + date("until", "to") + "<button>Apply</button></form>")
    active = {k: v for k, v in params.items() if v and k != "offset"}
    head = f"<h1>Stories <small class=hint>({e(ORDERS.get(params.get('order') or 'recent', ''))})</small></h1>"
    if rows:
        body = "<ul class=stories id=stories>" + "".join(_story_item(r) for r in rows) + "</ul>"
    elif set(active) - {"order"}:
        body = "<p class=notice>No story matches these filters. <a href='/'>Show all stories</a>.</p>"
    else:
        body = ("<p class=notice>No stories yet. Add articles with <code>newsprism ingest</code>, follow feeds on the "
                "<a href='/sources'>sources</a> page" + (", or upload files below" if writable else "") + ".</p>")
    offset = int(params.get("offset") or 0)
    pager = []
    if offset > 0:
        pager.append(f"<a rel=prev href='/?{e(urlencode({**active, 'offset': max(0, offset - per_page)}))}'>← newer page</a>")
    if len(rows) == per_page:
        pager.append(f"<a rel=next href='/?{e(urlencode({**active, 'offset': offset + per_page}))}'>older page →</a>")
    out = [head, filters, body, f"<nav class=pager aria-label=Pages>{''.join(pager)}</nav>" if pager else ""]
    if writable:
        # The token comes before the files: the server checks it before it reads a byte of any file.
        out.append("<h2>Add articles</h2><form class=edit method=post action='/ui/ingest' enctype='multipart/form-data'>"
                   "<label>token <input name=token type=password autocomplete=off></label> "
                   "<label>files <input type=file name=files multiple></label> <button>Ingest</button></form>")
    return page("Stories", "".join(out), live=True)


def story_page(comparison, view, articles: dict[str, Article], writable: bool, candidates: list[dict[str, Any]]) -> str:
    body = story_page_body(comparison, view, articles, writable, candidates)
    return page(view.headline, body, live=True, story=comparison.story_id, size=len(comparison.articles))


def edited_notice(action: str) -> str:
    """What an editor sees after a correction: what happened, and the undo of it."""
    done = {"merge": "Stories merged.", "move": "Article moved.", "undo": "The last correction was undone."}.get(action, "Done.")
    undo = ("" if action == "undo" else
            "<form class=inline method=post action='/ui/undo'><label>token <input name=token type=password autocomplete=off>"
            "</label> <button>Undo</button></form>")
    return f"<p>{done}</p>{undo}"


def with_notice(html: str, notice: str) -> str:
    """A page kept in the cache with a one-off note on top (the result of an edit, with its undo)."""
    at = html.index(">", html.index("<main")) + 1
    return html[:at] + f"<div class='notice' role=status>{notice}</div>" + html[at:]


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
    found = pipeline.story_view(store, sid)
    if found is None:
        return None
    comparison, view, articles = found
    candidates = store.list_stories(limit=60, order="recent") if writable else []
    html = story_page(comparison, view, articles, writable, candidates)
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


def compare_page(store, story_id: int, a: str, b: str) -> str | None:
    """Two reports of a story side by side (None: no such story, or a report not in it)."""
    found = pipeline.story_view(store, story_id)
    if found is None:
        return None
    comparison, view, articles = found
    if a not in articles or b not in articles:
        return None
    return page(f"{view.headline}: two reports", side_by_side(view, comparison, articles, a, b))


def highlighted(text: str, ex: Extraction | None, target: tuple[int, int] | None = None) -> str:
    """The text with extracted spans wrapped in <mark>; outer spans win where they overlap. ``target``:
    a cited span, marked above all others (``id=span``, so a link's #span scrolls to it)."""
    marks: list[tuple[int, int, str, str]] = []
    for q in ex.quotes if ex else []:
        marks.append((q.content.start, q.content.end, "quote", f"quote: {q.speaker or '?'} ({q.cue})"))
    for t in ex.times if ex else []:
        marks.append((t.span.start, t.span.end, "garbled" if "garbled" in t.flags else "time",
                      "date that cannot be right as printed" if "garbled" in t.flags else f"date: {t.value or ''}"))
    for n in ex.quantities if ex else []:
        if n.span.field != "text":
            continue  # a headline's figure: the page shows the title apart
        marks.append((n.span.start, n.span.end, "figure", f"figure: {n.kind} {n.value:g} {n.role or n.unit or ''}"))
    for en in ex.entities if ex else []:
        marks.append((en.span.start, en.span.end, en.kind, f"{en.kind}: {en.canonical}"))
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    events: list[tuple[int, int, str]] = []  # accepted marks: nested or disjoint, outer first
    if target is not None and 0 <= target[0] < target[1] <= len(text):
        events.append((target[0], target[1], "<mark id=span class=target>"))

    def crosses(s: int, end: int) -> bool:
        return any(a < s < b < end or s < a < end < b or (a == s and b == end) for a, b, _ in events)

    for s, end, cls, title in marks:
        if end <= s or crosses(s, end):
            continue  # would cross a mark already placed: HTML cannot nest it
        events.append((s, end, f"<mark class={cls} title='{e(title)}'>"))
    events.sort(key=lambda m: (m[0], -(m[1] - m[0])))
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


def article_page(art: Article, ex: Extraction | None, story: int | None, target: tuple[int, int, str] | None = None,
                 writable: bool = False) -> str:
    from ..compare.view import outlet_names

    name, named = outlet_names([art])[art.id]
    lang = f" lang={e(art.lang)}" if art.lang else ""
    title = art.title or art.text[:90]
    if target and target[2] == "title" and art.title:
        title_html = highlighted(art.title, None, target[:2])
    else:
        title_html = e(title)
    orig = (f" · <a href='{e(art.url)}' rel=noopener>original page</a>" if art.url and art.url.startswith(("http://", "https://"))
            else "")
    meta = (f"<p class=hint>{e(name)}{'' if named else ' (outlet not named)'} · {e((art.lang or '?').upper())} · "
            f"{e((art.published or 'undated')[:16].replace('T', ' '))} (date from {e(art.date_provenance)}){orig}"
            + (f" · <a href='/stories/{story}'>its story</a>" if story else "") + "</p>")
    legend = ("<p class=hint>Marked: " + " ".join(f"<mark class={c}>{c}</mark>" for c in
                                                  ("quote", "time", "garbled", "figure", "person", "organisation", "place"))
              + " (hover or long-press a mark for what it is)</p>")
    cited = ""
    if target and target[2] != "title":
        cited = (f"<p class=notice><a href='#span'>Go to the cited passage</a> (characters {target[0]}–{target[1]})</p>")
    body = (f"<h1{lang}>{title_html}</h1>{meta}{cited}{legend}"
            f"<div class=text{lang}>{highlighted(art.text, ex, target[:2] if target and target[2] != 'title' else None)}</div>")
    if ex and ex.quotes:
        body += ("<h2>Quotes</h2><div class=scroll role=region aria-label=quotes tabindex=0><table class=stack><thead><tr>"
                 "<th scope=col>speaker</th><th scope=col>cue</th><th scope=col>kind</th><th scope=col>words</th></tr></thead><tbody>"
                 + "".join(f"<tr><td>{person_link(q.speaker)}</td><td{lang}>{e(q.cue)}</td><td>{'direct' if q.direct else 'indirect'}</td>"
                           f"<td{lang}><a href='{e(span_link(q.content))}'>"
                           f"{e(q.content_text)}</a></td></tr>" for q in ex.quotes) + "</tbody></table></div>")
    if ex and ex.times:
        body += ("<h2>Dates</h2><div class=scroll role=region aria-label=dates tabindex=0><table class=stack><thead><tr>"
                 "<th scope=col>as printed</th><th scope=col>read as</th><th scope=col>flags</th></tr></thead><tbody>"
                 + "".join(f"<tr><td{lang}>{e(t.text)}</td><td>{e(t.value or '?')}</td><td>{e(', '.join(t.flags) or '-')}</td></tr>"
                           for t in ex.times) + "</tbody></table></div>")
    if writable:
        body += (f"<h2>Name its outlet</h2><form class=edit method=post action='/ui/articles/{quote(art.id)}/outlet'>"
                 f"<label>outlet <input name=name value='{e(art.source or '') if named else ''}' required></label> "
                 f"<label>token <input name=token type=password autocomplete=off></label> <button>Save</button></form>")
    return page(title, body)


def _marked(text: str, words: list[str]) -> str:
    """Text with the query's words marked (case and accents as typed or not)."""
    if not words:
        return e(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(e(text[pos:m.start()]) + f"<mark class=hit>{e(m.group())}</mark>")
        pos = m.end()
    return "".join(out) + e(text[pos:])


def search_page(q: str, results: list) -> str:
    """Stories matching a query by words or by meaning, grouped by story, the query's words marked."""
    words = terms(q)
    if not q.strip():
        body = ("<h1>Search</h1><p>Type words in any language: stories are found by their words and by their meaning, "
                "so <q>ferry</q> also finds reports in Chinese or Spanish.</p>")
        return page("Search", body)
    items = []
    for g in results:
        hits = "".join(
            f"<li{' lang=' + e(h.article.lang) if h.article.lang else ''}><a href='/articles/{quote(h.article.id)}'>"
            f"{_marked(h.article.title or h.article.text[:80], words)}</a> <span class=hint>{e(h.article.source or '?')} · "
            f"{e((h.article.lang or '?').upper())} · {e((h.article.published or '')[:10])} · matched by {' and '.join(h.how)}"
            f"</span><br><span class=hint>{_marked(h.snippet, words)}</span></li>" for h in g.hits)
        if g.summary is not None:
            s = g.summary
            head = (f"<h2><a href='/stories/{s['id']}'>{e(s['title'])}</a></h2><p class=hint>{s['size']} reports · "
                    f"{e(', '.join(x.upper() for x in s['languages']))}</p>")
        else:
            head = "<h2>An article in no story yet</h2>"
        items.append(f"<li>{head}<ul>{hits}</ul></li>")
    if items:
        body = (f"<h1>Search: {e(q)}</h1><p>{len(results)} stor{'ies' if len(results) != 1 else 'y'} found</p>"
                f"<ol class=hits id=hits>{''.join(items)}</ol>")
    else:
        body = (f"<h1>Search: {e(q)}</h1><p class=notice>Nothing matches <q>{e(q)}</q>. Try fewer or other words; "
                "quote a phrase to find it whole.</p>")
    return page(f"Search {q}", body, query=q)


def person_page(asked: str, rows: list, name: str | None = None, spellings: list | None = None) -> str:
    """Everything one person was quoted saying, across stories, outlets and languages, newest first, under
    each spelling the corpus taught (each shown with the two quotes that taught it)."""
    from ..compare.view import clip, quote_pieces
    from ..model import Span

    name = name or asked
    head = f"<h1>{e(name)}</h1>"
    if name != asked:
        head += f"<p class=notice>{e(asked)} is a spelling of {e(name)}.</p>"
    if spellings:
        items = []
        for s in spellings:
            proof = " / ".join(f"<a href='{e(span_link(Span(**x['span'])))}'>“{e(clip(x['text'], 60))}”</a>"
                               for x in s["evidence"])
            story = f" in <a href='/stories/{s['story_id']}'>story {s['story_id']}</a>" if s.get("story_id") else ""
            items.append(f"<li><b>{e(s['alias'])}</b> <span class=hint>(learned{story}: the same words, "
                         f"given to both: {proof})</span></li>")
        head += f"<h2>Also written</h2><ul>{''.join(items)}</ul>"
    if not rows:
        return page(name, f"{head}<p class=notice>No quote of {e(name)} found in the extracted articles.</p>")
    out = [f"{head}<p class=hint>{sum(len(q) for _, q, _ in rows)} quotes in {len(rows)} reports, "
           f"{len({s for _, _, s in rows if s})} stories, {len({a.lang for a, _, _ in rows})} languages</p><ol class=hits>"]
    for art, quotes, story in rows:
        lang = f" lang={e(art.lang)}" if art.lang else ""
        said = []
        for q in quotes:
            content = Span(**q["content"])
            pieces = quote_pieces(art, content)
            said.append(f"<li{lang}>" + " … ".join(
                f"“<a href='{e(span_link(p.span))}'>{e(p.text)}</a>”" for p in pieces)
                + f" <span class=hint>({'direct' if q['direct'] else 'indirect'}, {e(q['cue'])})</span></li>")
        where = f" · <a href='/stories/{story}'>story {story}</a>" if story else ""
        out.append(f"<li><p><a href='/articles/{quote(art.id)}'{lang}>{e(art.title or art.text[:80])}</a> "
                   f"<span class=hint>{e(art.source or '?')} · {e((art.lang or '?').upper())} · "
                   f"{e((art.published or '')[:10])}</span>{where}</p><ul>{''.join(said)}</ul></li>")
    out.append("</ol>")
    return page(name, "".join(out))


def confirm_page(title: str, question: str, action: str, fields: dict[str, str], back: str) -> str:
    """Asks before a correction is applied; the answer posts the same form with ``confirm=1``."""
    hidden = "".join(f"<input type=hidden name={e(k)} value='{e(v)}'>" for k, v in fields.items())
    return page(title, f"<h1>{e(title)}</h1><p>{question}</p><form class=edit method=post action='{e(action)}'>{hidden}"
                       f"<input type=hidden name=confirm value=1><button>Yes, do it</button> "
                       f"<a href='{e(back)}'>No, go back</a></form>")


def job_page(job: dict) -> str:
    """An upload's job: its progress while it runs (the page reloads itself each second), then what it did."""
    p = job.get("progress") or {}
    if job["state"] in ("queued", "running"):
        stage = "waiting for the worker" if job["state"] == "queued" else f"{p.get('stage', 'ingest')}ing"
        body = (f"<h1>Ingesting…</h1><p id=job-state role=status>{e(stage)}: read {p.get('read', 0)} · rejected {p.get('rejected', 0)}"
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
    out = [f"<h1>Sources <small class=hint>({len(rows)})</small></h1>"]
    if not rows:
        out.append("<p class=notice>No source followed yet." + (" Follow a feed, a news sitemap or a site below." if writable
                   else " The operator adds them with <code>newsprism sources add URL</code>.") + "</p>")
    out.append("<div class=scroll role=region aria-label=sources tabindex=0><table id=sources class=stack><thead><tr>"
               "<th scope=col>id</th><th scope=col>kind</th><th scope=col>source</th><th scope=col>state</th><th scope=col>polled</th>"
               "<th scope=col>last new</th><th scope=col>articles</th><th scope=col>next poll</th>"
               + ("<th scope=col>actions</th>" if writable else "") + "</tr></thead><tbody>")
    for r in rows:
        state = "off" if not r["enabled"] else (r["last_status"] or "new")
        if r["errors"]:
            state = f"<span class=error>error ×{r['errors']}: {e(r['last_error'] or '')}</span>"
        edit = ""
        if writable:  # each action a form of its own, the token with it (never a cookie)
            edit = "<td>" + "".join(
                f"<form class=edit method=post action='/ui/sources/{r['id']}/{action}' style='display:inline'>"
                f"<label>token <input name=token type=password autocomplete=off size=8></label> <button>{label}</button></form> "
                for action, label in ((("disable", "disable") if r["enabled"] else ("enable", "enable")), ("remove", "remove"))) + "</td>"
        out.append(f"<tr><td>{r['id']}</td><td>{e(r['kind'])}</td><td>{e(r['name'] or '')} <small>{e(r['url'])}</small></td>"
                   f"<td>{state}</td><td>{_when(r['last_poll'])}</td><td>{_when(r['last_new'])}</td><td>{r['articles']}</td>"
                   f"<td>{_when(r['next_poll']) if r['enabled'] else '-'}</td>{edit}</tr>")
    out.append("</tbody></table></div><p><a href='/api/sources/opml'>OPML</a> (for a feed reader, or <code>newsprism sources import</code>)</p>")
    if writable:
        out.append("<h2>Follow</h2><form class=edit method=post action='/ui/sources'>"
                   "<label>a feed, a news sitemap or a site <input name=url type=url required size=40></label> "
                   "<label>token <input name=token type=password autocomplete=off></label> <button>Follow</button></form>")
    return page("Sources", "".join(out))


def alerts_page(alerts: list[dict[str, Any]], watchlists: list[dict[str, Any]], writable: bool) -> str:
    """The alerts, newest first (unseen in bold), and the watchlists with their Atom feeds."""
    names = {w["id"]: w["name"] for w in watchlists}
    out = ["<h1>Alerts</h1><ul id=alerts>"]
    for a in alerts:
        link = f"/stories/{a['story_id']}" if a["story_id"] is not None else f"/articles/{quote(a['article_id'] or '')}"
        text = f"<a href='{link}'>{e(a['title'])}</a>"
        out.append(f"<li>{'<b>' + text + '</b> <span class=hint>(new)</span>' if not a['seen'] else text} "
                   f"<span class=hint>{e(a['at'][:16])} · {e(names.get(a['watchlist_id'], '?'))}</span></li>")
    out.append("</ul>" + ("" if alerts else "<p class=notice>No alerts yet: they come when a watchlist's rule matches.</p>"))
    out.append("<h2>Watchlists</h2>")
    if not watchlists:
        out.append("<p class=notice>No watchlist yet: <code>newsprism watchlist add NAME --entity 'Mao Ning'</code> "
                   "or POST /api/watchlists.</p>")
    out.append("<div class=scroll role=region aria-label=watchlists tabindex=0><table id=watchlists class=stack><thead><tr>"
               "<th scope=col>id</th><th scope=col>name</th><th scope=col>watches</th><th scope=col>feed</th></tr></thead><tbody>")
    for w in watchlists:
        watches = f"{w['kind']}: {w['target']}" + (f" ({w['events']})" if w["events"] else "")
        out.append(f"<tr><td>{w['id']}</td><td>{e(w['name'])}</td><td>{e(watches)}</td>"
                   f"<td><a href='/api/watchlists/{w['id']}/atom'>Atom feed</a></td></tr>")
    out.append("</tbody></table></div>")
    if writable:
        out.append("<form class=edit method=post action='/ui/alerts/seen'><label>token <input name=token type=password "
                   "autocomplete=off></label> <button>Mark all seen</button></form>")
    return page("Alerts", "".join(out))
