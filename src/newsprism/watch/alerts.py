"""Watchlists and the alerts they raise, each once per event (a key per event, unique per watchlist).

A watchlist is one rule:
- ``entity``: an article names the entity (canonical, so 毛宁 and Mao Ning are one);
- ``keyword``: an article holds every word of the query (phrases in quotes; Chinese as on search);
- ``story``: the story (followed through merges) gains an ``article``, a ``source`` (an outlet new to it) or a
  ``contradiction`` (one its dossier did not list before);
- ``source``: an outlet (by name) or a followed source (by URL) publishes an article.

Alerts are stored and listed, served as an Atom feed per watchlist, and POSTed to a watchlist's webhook
with retries and an HMAC-SHA256 signature of the body (header ``X-Newsprism-Signature: sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timezone
from typing import Any, Callable
from xml.sax.saxutils import escape

from ..extract import VERSION
from ..extract.entities import gloss
from ..ingest.errors import InputError
from ..ingest.fetch import Response, fetch
from ..model import Article
from ..store import Store
from ..store.sql import fts_text, query_phrases
from ..text import fold, has_han

KINDS = ("entity", "keyword", "story", "source")
STORY_EVENTS = ("article", "source", "contradiction")
MAX_ATTEMPTS = 6


def check_rule(kind: str, target: str, events: str) -> None:
    """A watchlist's rule as the user gave it, or a ValueError that says what is wrong."""
    if kind not in KINDS:
        raise ValueError(f"a watchlist watches one of {', '.join(KINDS)}, not {kind!r}")
    if not target.strip():
        raise ValueError("a watchlist needs something to watch (an entity, a query, a story id, an outlet)")
    if kind == "story":
        if not target.isdigit():
            raise ValueError(f"a story watchlist names a story id, not {target!r}")
        bad = set(filter(None, events.split(","))) - set(STORY_EVENTS)
        if bad:
            raise ValueError(f"story events are {', '.join(STORY_EVENTS)}, not {', '.join(sorted(bad))}")
    if kind == "keyword" and not query_phrases(target):
        raise ValueError(f"the query {target!r} has no word to look for")


def _tokens(art: Article) -> list[str]:
    return fold(fts_text(f"{art.title or ''} {art.text}")).split()


def _holds(tokens: list[str], phrase: str) -> bool:
    words = fold(phrase).split()
    n = len(words)
    return any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1))


def _names(store: Store, art: Article) -> set[str]:
    ex = store.get_extraction(art.id, VERSION)
    return {fold(n) for e in (ex.entities if ex else []) for n in (e.canonical, e.text) if n}


def evaluate(store: Store, article_ids: list[str], compare: Callable[[int], Any] | None = None) -> list[int]:
    """Alerts the given articles (new or changed) raise; the ids of those not raised before."""
    watchlists = store.watchlists()
    if not watchlists or not article_ids:
        return []
    articles = store.get_articles(article_ids)
    story_of = {a.id: store.story_of(a.id) for a in articles}
    items: list[dict[str, Any]] = []
    names: dict[str, set[str]] = {}
    tokens: dict[str, list[str]] = {}
    for w in watchlists:
        kind, target, wid = w["kind"], w["target"], w["id"]

        def alert(key: str, title: str, art: Article | None = None, story: int | None = None, **detail: Any) -> None:
            items.append({"watchlist_id": wid, "key": key, "title": title, "article_id": art.id if art else None,
                          "story_id": story if story is not None else (story_of.get(art.id) if art else None),
                          "detail": {"watchlist": w["name"], **({"source": art.source, "url": art.url, "published": art.published}
                                                                 if art else {}), **detail}})

        if kind == "entity":
            wanted = {fold(target)} | ({fold(gloss(target, "person"))} if has_han(target) else set())
            for a in articles:
                if a.id not in names:
                    names[a.id] = _names(store, a)
                if wanted & names[a.id]:
                    alert(f"entity:{a.id}", f"{target}: {a.source or 'an article'}: {a.title or a.text[:80]}", a)
        elif kind == "keyword":
            phrases = query_phrases(target)
            for a in articles:
                if a.id not in tokens:
                    tokens[a.id] = _tokens(a)
                if all(_holds(tokens[a.id], p) for p in phrases):
                    alert(f"keyword:{a.id}", f"“{target}”: {a.source or 'an article'}: {a.title or a.text[:80]}", a)
        elif kind == "source":
            for a in articles:
                if fold(a.source or "") == fold(target) or a.origin == target:
                    alert(f"source:{a.id}", f"{a.source or target}: {a.title or a.text[:80]}", a)
        elif kind == "story":
            sid = store.resolve_story(int(target))
            if sid is None:
                continue
            events = set(filter(None, w["events"].split(","))) or set(STORY_EVENTS)
            joined = [a for a in articles if story_of.get(a.id) == sid]
            if not joined:
                continue
            members = store.story_members(sid)
            if "article" in events:
                for a in joined:
                    alert(f"story:{sid}:article:{a.id}", f"story {sid}: {a.source or 'an article'}: {a.title or a.text[:80]}", a, sid)
            if "source" in events:
                joined_ids = {a.id for a in joined}
                before = {fold(m.source or "") for m, _ in members if m.id not in joined_ids}
                for a in joined:
                    if fold(a.source or "") not in before:
                        alert(f"story:{sid}:source:{fold(a.source or a.id)}", f"story {sid}: a new outlet, {a.source or a.id}", a, sid)
            if "contradiction" in events and compare is not None:
                result = compare(sid)
                for c in (result.contradictions if result else []):
                    sides = sorted((v["article_id"], _shown(v["value"])) for v in c.values)
                    key = f"story:{sid}:contradiction:{c.slot}:" + hashlib.sha1(json.dumps(sides).encode()).hexdigest()[:12]
                    alert(key, f"story {sid}: {c.reason}", None, sid, slot=c.slot,
                          values=[{"source": v["source"], "value": _shown(v["value"]), "text": v["text"], "article_id": v["article_id"]}
                                  for v in c.values])
    return store.add_alerts(items)


def _shown(value: Any) -> str:
    """A value as a reader writes it: 12, not 12.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(store: Store, clock: Callable[[], float], post: Callable[..., Response] | None = None,
            allow_private: bool = False, timeout: float = 10.0) -> tuple[int, int]:
    """POST every undelivered alert to its watchlist's webhook: (delivered, failed this time). A failure is
    retried later (30 s, doubling, at most ``MAX_ATTEMPTS`` tries); the alert's id goes in a header, so a
    receiver can drop a repeat (a delivery whose answer was lost is sent again)."""
    post = post or (lambda url, data, headers: fetch(url, allow_private, timeout, 1 << 20, headers=headers, data=data))
    delivered = failed = 0
    for a in store.undelivered_alerts(clock(), MAX_ATTEMPTS):
        body = json.dumps({"id": a["id"], "watchlist": a["name"], "watchlist_id": a["watchlist_id"], "title": a["title"],
                           "at": a["at"], "article_id": a["article_id"], "story_id": a["story_id"], "detail": a["detail"]},
                          ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Newsprism-Alert": str(a["id"])}
        if a.get("secret"):
            headers["X-Newsprism-Signature"] = sign(a["secret"], body)
        try:
            post(a["webhook"], body, headers)
        except InputError as exc:
            attempts = a["attempts"] + 1
            store.update_alert(a["id"], attempts=attempts, next_attempt=clock() + 30 * 2 ** (attempts - 1), last_error=str(exc)[:300])
            failed += 1
            continue
        store.update_alert(a["id"], attempts=a["attempts"] + 1, delivered_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           last_error=None)
        delivered += 1
    return delivered, failed


def atom(store: Store, watchlist_id: int, base_url: str, limit: int = 100) -> str | None:
    """The watchlist's alerts as an Atom feed (newest first), for any feed reader; None: no such watchlist."""
    w = store.get_watchlist(watchlist_id)
    if w is None:
        return None
    alerts = store.alerts(watchlist_id, limit)
    base = base_url.rstrip("/")
    updated = alerts[0]["at"] if alerts else w["created_at"]
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape('newsprism: ' + w['name'])}</title>", f"<id>{escape(base)}/watchlists/{w['id']}</id>",
           f"<updated>{escape(updated)}</updated>", f'<link rel="self" href="{escape(base)}/api/watchlists/{w["id"]}/atom"/>']
    for a in alerts:
        link = f"{base}/stories/{a['story_id']}" if a["story_id"] is not None else f"{base}/articles/{a['article_id']}"
        summary = a["detail"].get("url") or ""
        out += ["<entry>", f"<title>{escape(a['title'])}</title>", f"<id>{escape(base)}/alerts/{a['id']}</id>",
                f"<updated>{escape(a['at'])}</updated>", f'<link href="{escape(link)}"/>',
                f"<summary>{escape(summary)}</summary>", "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"
