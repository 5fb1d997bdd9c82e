"""RSS and Atom feeds (feedparser): one article per entry, text from the entry's content or summary."""

from __future__ import annotations

import time
from typing import Iterator

from ..model import RawRecord, Rejection
from .html import fragment_to_text
from .sources import Blob, record_boundary


def read_feed(blob: Blob, max_bytes: int) -> Iterator[RawRecord | Rejection]:
    import feedparser

    # the feed's own URL, when it came from one, is the base its relative links resolve against
    headers = {"content-location": blob.url} if blob.url else None
    parsed = feedparser.parse(blob.read(max_bytes), response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"malformed feed: {problem}" if problem else "feed has no entries"
        yield Rejection(blob.name, reason.splitlines()[0])
        return
    feed_title = (parsed.get("feed") or {}).get("title")
    feed_lang = (parsed.get("feed") or {}).get("language")
    broken = parsed.get("bozo_exception") if parsed.get("bozo") else None
    for i, entry in enumerate(entries):
        yield record_boundary(blob.name, f"entry {i + 1}", lambda: _entry(entry, i, blob.name, feed_title, feed_lang, broken))


def _entry(entry, i: int, origin: str, feed_title, feed_lang, broken) -> RawRecord | Rejection:
    record_id = entry.get("id") or entry.get("link") or f"entry {i + 1}"
    body = ""
    if entry.get("content"):
        body = max((c.get("value", "") for c in entry["content"]), key=len)
    body = body or entry.get("summary") or ""
    text = fragment_to_text(body).strip()
    title = fragment_to_text(entry.get("title") or "").strip() or None
    if not text and not title:
        why = f"malformed feed ({str(broken).splitlines()[0]}); " if broken is not None else ""
        return Rejection(origin, why + "entry has neither text nor title", f"entry {i + 1}")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        published = time.strftime("%Y-%m-%dT%H:%M:%S", stamp) if stamp else entry.get("published")
    except (ValueError, OverflowError, TypeError):
        published = entry.get("published")  # a struct feedparser could not make sense of: the raw string
    source = (entry.get("source") or {}).get("title") or feed_title
    record = RawRecord(
        text=text or title or "",
        origin=origin,
        record=f"entry {i + 1}",
        title=title,
        source=source,
        source_provenance="feed",
        url=entry.get("link"),
        published=published,
        lang=feed_lang,
        external_id=record_id,
    )
    if broken is not None and i == 0:
        record.warnings.append(f"feed is not well-formed ({str(broken).splitlines()[0]}); entries parsed leniently")
    return record
