"""What a URL given to `newsprism sources add` is: a feed (RSS, Atom), a news sitemap, a site's page whose
``<link rel="alternate">`` names its feeds (autodiscovery), or an OPML file listing many feeds. OPML out too.

Everything fetched goes through the ingest stage's guarded fetch (public addresses only unless allowed,
redirects checked hop by hop, a size limit)."""

from __future__ import annotations

import html
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import quoteattr

from ..ingest.errors import InputError
from ..ingest.fetch import Response

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")
MAX_DISCOVERED = 20  # feeds taken from one page (some sites list one per section)


@dataclass
class Discovered:
    url: str
    kind: str  # feed | sitemap
    site: str | None = None  # the page it was discovered on
    name: str | None = None  # a title the page or the OPML gave it


def kind_of(body: bytes, content_type: str | None) -> str:
    """feed, sitemap, opml, html or unknown: from the first bytes, the type only as a hint."""
    head = body[:4096].lstrip().lower()
    if b"<opml" in head:
        return "opml"
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if b"<html" in head or b"<!doctype html" in head or (content_type or "").startswith("text/html"):
        return "html"
    return "unknown"


def feed_links(page: str, base: str) -> list[Discovered]:
    """The feeds a page announces with ``<link rel="alternate" type="application/rss+xml" href=...>``."""
    out = []
    for tag in _LINK.findall(page[:500_000]):
        attrs = {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag)}
        if "alternate" in attrs.get("rel", "").lower().split() and attrs.get("type", "").lower() in FEED_TYPES and attrs.get("href"):
            url = urllib.parse.urljoin(base, attrs["href"])
            if url not in {f.url for f in out}:
                out.append(Discovered(url, "feed", base, attrs.get("title") or None))
    return out[:MAX_DISCOVERED]


def opml_feeds(body: bytes, origin: str) -> list[Discovered]:
    """The feeds an OPML file lists (``<outline xmlUrl=...>``, at any depth)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise InputError(f"{origin}: malformed OPML: {exc}") from None
    out = []
    for node in root.iter("outline"):
        url = node.get("xmlUrl") or node.get("xmlurl")
        if url:
            out.append(Discovered(url.strip(), "feed", node.get("htmlUrl"), node.get("title") or node.get("text")))
    if not out:
        raise InputError(f"{origin}: the OPML file lists no feed (no outline with an xmlUrl)")
    return out


def to_opml(sources: list[dict]) -> str:
    """OPML 2.0 of the sources followed (any feed reader imports it)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "<head><title>newsprism sources</title></head>", "<body>"]
    for s in sources:
        attrs = {"type": "rss" if s["kind"] == "feed" else s["kind"], "text": s.get("name") or s["url"], "xmlUrl": s["url"]}
        if s.get("site"):
            attrs["htmlUrl"] = s["site"]
        if s.get("name"):
            attrs["title"] = s["name"]
        if s.get("lang"):
            attrs["language"] = s["lang"]
        lines.append("  <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>")
    lines += ["</body>", "</opml>", ""]
    return "\n".join(lines)


def discover(url: str, get: Callable[[str], Response]) -> list[Discovered]:
    """What to follow for ``url``: itself (a feed, a sitemap), the feeds a page names, or an OPML's list."""
    if not urllib.parse.urlsplit(url).scheme:
        raise InputError(f"{url}: not a URL (give http:// or https://, or an OPML file with `sources import`)")
    try:
        resp = get(url)
    except InputError as exc:
        raise InputError(f"{url}: {exc}") from None
    kind = kind_of(resp.body, resp.content_type)
    if kind in ("feed", "sitemap"):
        return [Discovered(resp.url if resp.url != url else url, kind)]
    if kind == "opml":
        return opml_feeds(resp.body, url)
    if kind == "html":
        found = feed_links(resp.body.decode("utf-8", "replace"), resp.url)
        if not found:
            raise InputError(f"{url}: a page that names no feed (no <link rel=\"alternate\" type=\"application/rss+xml\">)")
        return found
    raise InputError(f"{url}: neither a feed, a sitemap, an OPML file nor an HTML page")
