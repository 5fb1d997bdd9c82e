"""A small news site the watch tests serve on 127.0.0.1: feeds whose entries appear, change and go, article
pages, a home page naming its feed, robots.txt, and whatever misbehaviour a test sets (an error status, a
redirect, a huge body). It answers If-None-Match with 304 when the body has not changed."""

from __future__ import annotations

import hashlib
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


class Site:
    def __init__(self):
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []  # (path, request headers) of every request
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site.lock:
                    site.hits.append((self.path, headers))
                    found = site.pages.get(self.path)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, extra, body = found
                if "X-Test-Delay" in extra:  # a slow server
                    time.sleep(float(extra["X-Test-Delay"]))
                etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
                if status == 200 and headers.get("if-none-match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                if status == 200:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802 - a webhook receiver: the body kept, the status the page sets
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with site.lock:
                    site.posts.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    status = site.pages.get(self.path, (200, {}, b""))[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, path: str, body: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
            **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.pages[path] = (status, {"Content-Type": content_type, **headers}, data)

    def requests(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.hits if p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(title: str, entries: list[dict], lang: str = "en") -> str:
    """An RSS 2.0 feed; each entry: title, link, text (content:encoded) or summary (description), date (unix)."""
    items = []
    for e in entries:
        parts = [f"<title>{escape(e['title'])}</title>", f"<link>{escape(e['link'])}</link>", f"<guid>{escape(e['link'])}</guid>"]
        if e.get("date") is not None:
            parts.append(f"<pubDate>{formatdate(e['date'], usegmt=True)}</pubDate>")
        if e.get("summary"):
            parts.append(f"<description>{escape(e['summary'])}</description>")
        if e.get("text"):
            parts.append(f"<content:encoded>{escape(e['text'])}</content:encoded>")
        items.append("<item>" + "".join(parts) + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{escape(title)}</title><link>http://example.org/</link><language>{lang}</language>"
            + "".join(items) + "</channel></rss>")


def article_page(title: str, paragraphs: list[str], date: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>{escape(title)}</title><meta property=\"article:published_time\" content=\"{date}\">"
            f"</head><body><nav>Home | World | Sport</nav><article><h1>{escape(title)}</h1>{body}</article>"
            "<footer>© Harbor Wire</footer></body></html>")
